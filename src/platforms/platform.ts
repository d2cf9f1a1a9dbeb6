/**
 * What differs between Apple, Windows and Android, behind one interface. The token service, the
 * repository and the routes are written once; each platform folder supplies its body fields
 * (exactly its seed page's option set), its policy naming, its enterprise settings, the
 * references its options make, its token serializer, its enrollment page's actions and files, and
 * its words in every language. Adding a platform means adding a folder, naming it in
 * platform-names.ts and listing its adapter in platforms/index.ts.
 */
import type { Static, TObject, TProperties } from '@sinclair/typebox';
import type { ErrorCode } from '../errors.ts';
import type { Language } from '../lib/languages.ts';
import type { CatalogItem, CatalogKindName } from '../modules/catalog/catalog.types.ts';
import type { QrPayload } from '../lib/qrcode.ts';
import type { Platform } from './platform-names.ts';
import type { StoredToken } from '../modules/enrollment-tokens/enrollment-tokens.types.ts';
import type { Enterprise } from '../modules/enterprises/enterprises.types.ts';

/** An id a body refers to, the catalog kind it must be, and where in the body it sits. */
export interface Reference {
  id: string;
  kind: CatalogKindName;
  /** JSON pointer into the body, for the error message. */
  path: string;
}

/** A validated body of these fields, as the route's schema types it. */
export type BodyOf<Fields extends TProperties> = Static<TObject<Fields>>;

/**
 * What readOptions reads: a platform's fields as a create body gives them, or as an update
 * merged over the stored token gives them (where the update allows null to clear one).
 */
export type OptionsBody<Fields extends TProperties> = { [K in keyof BodyOf<Fields>]?: BodyOf<Fields>[K] | null };

/** The platform-specific part of a token, split out of a validated body. */
export interface PlatformOptions<Options = Record<string, unknown>> {
  /** The main policy (indexed for the list filter), or null. */
  policyId: string | null;
  segmentId: number | null;
  /** Everything else the platform stores (assignments, profiles, applications, mode…). */
  options: Options;
  references: Reference[];
}

export interface SerializeContext {
  /** Catalog items the token references, by id (missing ones were deleted since). */
  references: ReadonlyMap<string, CatalogItem>;
  enterprise: Enterprise;
  enrollmentLink: string;
}

export interface EnterpriseSettingsSpec {
  /** The settings an admin may PUT (all optional; null clears where allowed). */
  input: TObject;
  /** The settings as answered. */
  output: TObject;
  /** Working development defaults, so nothing must be configured before the first token. */
  defaults(publicUrl: string): Record<string, unknown>;
  /** The stored settings after an admin's change (without it: the change laid over them). */
  merge?(stored: Record<string, unknown>, input: Record<string, unknown>): Record<string, unknown>;
  /** The settings as answered (without it: as stored). */
  present?(stored: Record<string, unknown>): Record<string, unknown>;
  /**
   * Whether devices can enroll with these settings, and what to tell people when they cannot
   * (without it: always configured). Tokens are still issued: the admin may configure later.
   */
  status?(stored: Record<string, unknown>): { configured: boolean; warning: string | null };
  /** Why the enterprise cannot issue tokens yet, or null when it can. */
  notReadyReason(settings: Record<string, unknown>): string | null;
  /** The error a token request gets while notReadyReason gives a reason. */
  notReadyCode: ErrorCode;
}

/** What a platform's public enrollment page offers besides the common parts (see enrollment-pages). */
export interface EnrollmentActions {
  /** The main button's target: the Apple profile, the Windows deep link; null when there is none. */
  primaryHref: string | null;
  /** Android: the provisioning JSON the page shows as a QR code. */
  qrPayload?: QrPayload;
  /** Android: the work-profile enrollment link for personal devices. */
  workProfileHref?: string;
  /** Windows: the server address and account for manual enrollment. */
  manual?: { server: string; account: string };
  /** Why the page offers nothing to enroll with yet: the provider is making the token, or could not. */
  notice?: 'preparing' | 'failed';
}

/**
 * A platform's words in one language: the device the invitation and page talk about, the
 * invitation's steps, and the page's steps, main button and the blocks its EnrollmentActions
 * fill (each block's texts are needed exactly when the actions offer it).
 * `{{placeholders}}` (org, device, name, date, email, server, code, contact) are filled with
 * plain text.
 */
export interface PlatformTexts {
  /** The device, as a phrase that fits "Enroll your {{device}}": "iPhone, iPad or Mac". */
  device: string;
  invitationSteps: string[];
  /** The line above the invitation's QR code, for platforms with invitationQrPayload. */
  invitationQrHint?: string;
  page: {
    /** The main button's label, for platforms whose actions have a primaryHref. */
    action?: string;
    steps: string[];
    /** For actions with a qrPayload. */
    qr?: { title: string; hint: string };
    /** For actions with a workProfileHref. */
    workProfile?: { title: string; hint: string; action: string };
    /** For actions with manual enrollment details. */
    manual?: { title: string; steps: string[]; serverLabel: string; accountLabel: string };
  };
}

/** What a live enrollment link's files are made from. */
export interface LiveEnrollment<Options = Record<string, unknown>> {
  token: StoredToken<Options>;
  enterprise: Enterprise;
  organization: { id: string; slug: string; name: string };
}

/** What making a file may need from the rest of enrolld (the enrollment pages supply it). */
export interface EnrollmentFileTools {
  /** A fresh one-time SCEP challenge for the token (it stops verifying once the token is used). */
  issueScepChallenge(token: StoredToken<unknown>): Promise<string>;
  /** `payload` CMS-signed with the organization's signing identity (DER). */
  signForOrganization(organizationId: string, payload: Buffer): Promise<Buffer>;
}

/** A file the public enrollment link offers besides its page: GET /enroll/<platform>/<code>/<name>. */
export interface EnrollmentFile<Options = Record<string, unknown>> {
  name: string;
  /** OpenAPI: the operation's id, what the route serves, and the response's description. */
  operationId: string;
  summary: string;
  description: string;
  contentType: string;
  make(live: LiveEnrollment<Options>, tools: EnrollmentFileTools): Promise<{ body: Buffer | string; filename?: string }>;
}

/**
 * One platform. Generic over its own body fields and stored options, so an adapter reads its
 * fields and options with their types (a misspelt field does not compile); the token service and
 * routes hold adapters as `PlatformAdapter` and pass bodies and stored tokens through.
 * `Options` is what readOptions returns and what the token's `options` column holds (JSON the
 * same adapter wrote), which serialize and optionsAsBody read back.
 */
export interface PlatformAdapter<Fields extends TProperties = TProperties, UpdateFields extends TProperties = TProperties, Options = Record<string, unknown>> {
  platform: Platform;
  /** Human name, e.g. "Apple". */
  label: string;
  /** The invitation's and the enrollment page's words, in every language. */
  texts: Readonly<Record<Language, PlatformTexts>>;
  /** The catalog kind of this platform's policies (admPolicy, winPolicy, emmPolicy). */
  policyKind: CatalogKindName;
  /** The list filter naming that policy: adm-policy, win-policy, emm-policy. */
  policyFilter: string;
  enterprise: EnterpriseSettingsSpec;
  /**
   * The platform's part of the seed page's option set: its policy fields, references and
   * segmentId (the token routes add the fields every platform shares, and mdmUserId / userEmails).
   */
  createFields: Fields;
  /** What PUT may change besides displayName and tags: the policy fields and segmentId. */
  updateFields: UpdateFields;
  /** The token as answered. */
  tokenSchema: TObject;
  /** Split a validated (create, or merged update) body into stored options and references. */
  readOptions(body: OptionsBody<Fields>): PlatformOptions<Options>;
  /** The platform fields of a stored token, in body form, so an update can merge over them. */
  optionsAsBody(token: StoredToken<Options>): OptionsBody<Fields>;
  /** Error codes of this platform's own that creating or changing a token can answer (for the API description). */
  documentedErrors?: readonly ErrorCode[];
  /** Checks that need the referenced items themselves (Apple: attached profiles → 5086). */
  checkReferences?(body: OptionsBody<Fields>, items: ReadonlyMap<string, CatalogItem>): void;
  serialize(token: StoredToken<Options>, context: SerializeContext): Record<string, unknown>;
  /**
   * A serialized token with the platform's own fields that carry the code set to null, for keys
   * without `…enrollmentToken.readSecret` (enrollCode and enrollmentLink are nulled for every
   * platform by the token routes).
   */
  concealSecrets?(token: Record<string, unknown>): Record<string, unknown>;
  /** What the invitation's inline QR code encodes, for platforms that enroll by scanning one. */
  invitationQrPayload?(token: StoredToken<Options>, enterprise: Enterprise): QrPayload | null;
  /** What the token's public page at `pageUrl` offers the person enrolling. */
  enrollmentActions(token: StoredToken<Options>, enterprise: Enterprise, pageUrl: string): EnrollmentActions;
  /** Files the link offers besides the page (Apple: the signed profile; Android: the QR code). */
  enrollmentFiles?: ReadonlyArray<EnrollmentFile<Options>>;
}
