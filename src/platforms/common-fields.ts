/**
 * Body and response fields every platform's tokens share, with the validation rules of
 * Applivery's enrollment-token API (its Joi schema descriptions), and the helpers adapters use to build
 * policy assignments and the common part of a serialized token.
 */
import { type TSchema, Type } from '@sinclair/typebox';
import { BoundedString, EntityId, LanguageSchema, LenientBoolean, LenientInteger, MAX_INTEGER_ID, MAX_REFERENCES, StringEnum, Tags, Timestamp } from '../http/schemas.ts';
import { PLATFORMS } from './platform-names.ts';
import type { CatalogItem, CatalogKindName } from '../modules/catalog/catalog.types.ts';
import type { Reference } from './platform.ts';
import {
  DEFAULT_DURATION_SECONDS,
  EMAIL_STATUSES,
  MAX_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
  type StoredToken,
  TOKEN_STATES,
} from '../modules/enrollment-tokens/enrollment-tokens.types.ts';

export const MAX_EMAIL_TEXT = 5000;

export const commonBodyFields = {
  sendEmail: LenientBoolean({ description: 'Email the user an invitation (required). true/false or "true"/"false" in any case' }),
  displayName: Type.Optional(BoundedString(128, { description: 'Label of the token, e.g. "Jane – iPhone" (at most 128 characters, may be empty)', examples: ['Jane – iPhone'] })),
  tags: Type.Optional(Tags('Free-form labels, each at most 128 characters')),
  duration: Type.Optional(
    LenientInteger({
      examples: [DEFAULT_DURATION_SECONDS],
      minimum: MIN_DURATION_SECONDS,
      maximum: MAX_DURATION_SECONDS,
      description: `Seconds the token is valid: ${MIN_DURATION_SECONDS} (1 minute) to ${MAX_DURATION_SECONDS} (30 days); default ${DEFAULT_DURATION_SECONDS} (1 day)`,
    }),
  ),
  language: Type.Optional(LanguageSchema('Language of the invitation and enrollment page: en (default), es, fr, de, it, pt')),
  emailText: Type.Optional(BoundedString(MAX_EMAIL_TEXT, { description: `Personal note added to the invitation (at most ${MAX_EMAIL_TEXT} characters)`, examples: ['Welcome to Acme! Open this on your new phone.'] })),
};

export const SegmentId = LenientInteger({ minimum: 1, maximum: MAX_INTEGER_ID, description: 'Segment (integer id) the enrolled device joins' });

/** `[{<idField>, priority}]`: a policy assignment list as the seeds describe it. */
export function assignmentsBody(idField: string, kindLabel: string) {
  return Type.Array(
    Type.Object(
      {
        [idField]: EntityId(`The ${kindLabel} assigned`),
        priority: LenientInteger({ minimum: 0, maximum: 10_000, description: 'Priority 0–10000 (required); higher wins' }),
      },
      { additionalProperties: false, description: `A ${kindLabel} with its priority` },
    ),
    { maxItems: MAX_REFERENCES, description: `${kindLabel}s assigned with priorities (at most ${MAX_REFERENCES})` },
  );
}

/** Nullable variant for PUT bodies: null clears. */
export const nullable = (schema: TSchema, description: string) =>
  Type.Union([schema, Type.Null()], { description, errorMessage: schema.errorMessage ? `${schema.errorMessage}, or null` : undefined });

export interface Assignment {
  policyId: string;
  priority: number;
}

/** How a platform names its policy fields in bodies (e.g. winPolicyId / winPolicyAssignments[].winPolicyId). */
export interface PolicyNaming {
  kind: CatalogKindName;
  main: string;
  assignments: string;
  assignmentId: string;
}

/** The main policy and the assignments of a body, with the references they make. */
export function readPolicyFields(body: Record<string, unknown>, naming: PolicyNaming) {
  const main = body[naming.main];
  const policyId = typeof main === 'string' ? main.toLowerCase() : null;
  const assignments = readAssignments(body[naming.assignments], naming.assignmentId);
  const references: Reference[] = [];
  if (policyId) references.push({ id: policyId, kind: naming.kind, path: `/body/${naming.main}` });
  assignments.forEach((a, i) =>
    references.push({ id: a.policyId, kind: naming.kind, path: `/body/${naming.assignments}/${i}/${naming.assignmentId}` }),
  );
  return { policyId, assignments, references };
}

/** The inverse, for merging an update over a stored token. */
export function policyFieldsAsBody(policyId: string | null, assignments: Assignment[], naming: PolicyNaming) {
  return {
    [naming.main]: policyId,
    [naming.assignments]: assignments.map((a) => ({ [naming.assignmentId]: a.policyId, priority: a.priority })),
  };
}

export function readAssignments(value: unknown, idField: string): Assignment[] {
  return ((value as Array<Record<string, unknown>> | undefined) ?? []).map((a) => ({
    policyId: String(a[idField]).toLowerCase(),
    priority: Number(a.priority),
  }));
}

/** Assignments as answered: the id, `{id, name}` of the policy (null if deleted since), the priority. */
export function presentAssignments(
  assignments: Assignment[],
  references: ReadonlyMap<string, CatalogItem>,
  idField: string,
  objectField: string,
) {
  return assignments.map((a) => {
    const policy = references.get(a.policyId);
    return { [idField]: a.policyId, [objectField]: policy ? { id: policy.id, name: policy.name } : null, priority: a.priority };
  });
}

export const assignmentsResponse = (idField: string, objectField: string, label: string) =>
  Type.Array(
    Type.Object(
      {
        [idField]: Type.String({ description: `The ${label} id` }),
        [objectField]: Type.Union(
          [
            Type.Object(
              { id: Type.String({ description: `The ${label} id` }), name: Type.String({ description: `The ${label} name` }) },
              { description: `The ${label}` },
            ),
            Type.Null(),
          ],
          {
          description: `The ${label} ({id, name}), or null if it was deleted since`,
          },
        ),
        priority: Type.Integer({ description: 'Priority' }),
      },
      { description: `A ${label} assignment` },
    ),
    { description: `${label} assignments with priorities` },
  );

/** How the OpenAPI document marks a field only keys with the platform's readSecret permission see. */
export const SECRET_NOTE = 'null unless the key holds mdm.<platform>.enrollmentToken.readSecret (the viewer role does not)';

/** Response fields with the same name and meaning on every platform. */
export const commonResponseFields = {
  id: EntityId('Token id'),
  mdmUser: Type.Object(
    { id: Type.String({ description: 'MDM user id' }), email: Type.String({ description: 'MDM user email' }) },
    { description: 'The user the token was issued to' },
  ),
  displayName: Type.String({ description: 'Label of the token' }),
  tags: Type.Array(Type.String({ description: 'A tag' }), { description: 'Free-form labels' }),
  state: StringEnum(TOKEN_STATES, { description: 'PENDING, DONE (redeemed), EXPIRED (past expireAt) or DELETED (revoked)' }),
  createdAt: Timestamp('When the token was created'),
  updatedAt: Timestamp('When the token was last changed'),
  expireAt: Timestamp('When the token stops working: createdAt + duration'),
  enrollmentLink: Type.Union([Type.String(), Type.Null()], {
    description: `The link the user opens on the device: <public URL>/enroll/<platform>/<enrollCode>. ${SECRET_NOTE}`,
  }),
  enrollCode: Type.Union([Type.String(), Type.Null()], { description: `12 Crockford base32 characters, matched case-insensitively. ${SECRET_NOTE}` }),
  sendEmail: Type.Boolean({ description: 'Whether an invitation is emailed' }),
  emailText: Type.String({ description: 'Personal note in the invitation' }),
  segmentId: Type.Union([Type.Integer(), Type.Null()], { description: 'Segment the device joins, or null' }),
  platform: StringEnum(PLATFORMS, { description: 'apple, windows or android' }),
  language: LanguageSchema('Language of the invitation and enrollment page'),
  emailDelivery: Type.Object(
    {
      status: StringEnum(EMAIL_STATUSES, { description: 'NONE (no email), QUEUED, SENT or FAILED' }),
      attempts: Type.Integer({ description: 'Delivery attempts so far' }),
      sentAt: Type.Union([Type.String(), Type.Null()], { description: 'When the invitation was accepted by the mail server' }),
      lastError: Type.Union([Type.String(), Type.Null()], { description: 'The last delivery error, if any' }),
      deferredReason: Type.Union([Type.String(), Type.Null()], {
        description:
          'Why a QUEUED invitation waits, or null: "organization sending limit (N/hour) reached; sending resumes at <time>" when the ' +
          "organization's hourly budget (ENROLLD_EMAIL_ORG_RATE_LIMIT) is spent. It is sent then; nothing is dropped",
      }),
    },
    { description: 'Invitation delivery status' },
  ),
};

export function serializeCommon(token: StoredToken<unknown>, enrollmentLink: string) {
  return {
    id: token.id,
    mdmUser: { id: token.mdmUser.id, email: token.mdmUser.email },
    displayName: token.displayName,
    tags: token.tags,
    state: token.state,
    createdAt: token.createdAt,
    updatedAt: token.updatedAt,
    expireAt: token.expireAt,
    enrollmentLink,
    enrollCode: token.enrollCode,
    sendEmail: token.sendEmail,
    emailText: token.emailText,
    segmentId: token.segmentId,
    platform: token.platform,
    language: token.language,
    emailDelivery: token.emailDelivery,
  };
}
