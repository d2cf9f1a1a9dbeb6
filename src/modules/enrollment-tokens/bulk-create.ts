/**
 * Bulk creation: one token per address, users found or created by email (case-insensitively),
 * all inside the caller's transaction with a statement per table whatever the count on
 * PostgreSQL (multi-row chunks on SQLite; see db/bulk-insert.ts) — never one per address.
 *
 * `total = userEmails.length` and `success + fail = total`. An address that is not valid,
 * repeats an earlier one in the same request, or (when invitations are sent) lies outside the
 * organization's emailDomains, is a fail listed with its reason; it never rejects the request.
 */
import type { Db } from '../../db/database.ts';
import { encodeJson } from '../../db/dialect.ts';
import { ErrorCode } from '../../errors.ts';
import type { Language } from '../../lib/languages.ts';
import { isValidEmail, normalizeEmail } from '../../lib/email.ts';
import { newId } from '../../lib/ids.ts';
import type { Organization } from '../organizations/organizations.types.ts';
import { findUserIdsByEmail, insertMdmUsers } from '../mdm-users/mdm-users.repository.ts';
import type { NewTokenRow } from './enrollment-tokens.repository.ts';
import type { BulkFailure, BulkResult } from './enrollment-tokens.types.ts';
import { insertWithUniqueCodes } from './token-writes.ts';

export interface BulkInput {
  organization: Organization;
  emails: readonly string[];
  /** Language of users created on the way (the token's language). */
  language: Language;
  tags: readonly string[];
  now: string;
  makeRow(mdmUserId: string): NewTokenRow;
  assertQuota(adding: number): Promise<void>;
  /** Why no invitation may go to a (valid) address — the organization's emailDomains — or null. */
  recipientRefusal(email: string): string | null;
  mailDomain: string;
}

const EMPTY_TAGS = encodeJson([]);
const EMPTY_METADATA = encodeJson({});

interface Accepted {
  email: string;
  normalized: string;
}

function classify(emails: readonly string[], recipientRefusal: BulkInput['recipientRefusal']): { accepted: Accepted[]; failures: BulkFailure[] } {
  const accepted: Accepted[] = [];
  const failures: BulkFailure[] = [];
  const seen = new Set<string>();
  for (const raw of emails) {
    const email = raw.trim();
    const normalized = normalizeEmail(email);
    if (!isValidEmail(email)) {
      failures.push({ email: raw, code: ErrorCode.ValidationError, message: 'Invalid email address' });
    } else if (seen.has(normalized)) {
      failures.push({ email: raw, code: ErrorCode.ValidationError, message: 'Email repeated in this request' });
    } else {
      seen.add(normalized);
      const refusal = recipientRefusal(email);
      if (refusal) failures.push({ email: raw, code: ErrorCode.ValidationError, message: `Email domain not allowed: ${refusal}` });
      else accepted.push({ email, normalized });
    }
  }
  return { accepted, failures };
}

export async function createMissingUsers(trx: Db, input: BulkInput, missing: Accepted[], into: Map<string, string>) {
  if (missing.length === 0) return;
  const rows = missing.map((user) => ({
    id: newId(),
    organizationId: input.organization.id,
    email: user.email,
    emailNormalized: user.normalized,
    name: null,
    tags: EMPTY_TAGS,
    language: input.language,
    managedAppleId: null,
    metadata: EMPTY_METADATA,
    createdAt: input.now,
    updatedAt: input.now,
  }));
  // A concurrent request may create some of the same users first: they are skipped, and only
  // then (the insert count comes up short) the ids are read back.
  if ((await insertMdmUsers(trx, rows)) === rows.length) {
    for (const row of rows) into.set(row.emailNormalized, row.id);
  } else {
    await findUserIdsByEmail(trx, input.organization.id, rows.map((row) => row.emailNormalized), into);
  }
}

export async function createBulkTokens(trx: Db, input: BulkInput): Promise<BulkResult> {
  const { accepted, failures } = classify(input.emails, input.recipientRefusal);
  await input.assertQuota(accepted.length);

  const userIds = new Map<string, string>();
  await findUserIdsByEmail(trx, input.organization.id, accepted.map((a) => a.normalized), userIds);
  await createMissingUsers(trx, input, accepted.filter((a) => !userIds.has(a.normalized)), userIds);

  const rows = accepted.map((a) => input.makeRow(userIds.get(a.normalized)!));
  await insertWithUniqueCodes(trx, input.organization.id, rows, input.tags, input.mailDomain);
  return { total: input.emails.length, success: accepted.length, fail: failures.length, failures };
}
