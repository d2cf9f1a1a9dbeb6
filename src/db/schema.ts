/**
 * Table types as Kysely sees them (camelCase; the CamelCasePlugin maps them to snake_case SQL).
 * JSON columns are `text` on SQLite and `jsonb` on PostgreSQL, timestamps `text` (ISO-8601) or
 * `timestamptz`: reads go through `decodeJson` / `toIso`, writes pass encoded strings, so the
 * types below describe what both drivers accept.
 */
import type { ColumnType, Selectable } from 'kysely';

/** Written as an ISO string; read back as a string (SQLite) or Date (PostgreSQL). */
export type Timestamp = ColumnType<string | Date, string, string>;
/** Written as JSON text; read back as text (SQLite) or a parsed value (PostgreSQL jsonb). */
export type Json = ColumnType<unknown, string, string>;

export interface OrganizationTable {
  id: string;
  slug: string;
  name: string;
  plan: Json;
  /** Recipient domains invitations may go to (`example.com`, `*.example.com`); null: any. */
  emailDomains: Json | null;
  /** The language of users (and their tokens) created without one. */
  defaultLanguage: ColumnType<string, string | undefined, string>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface ServiceAccountTable {
  id: string;
  organizationId: string;
  name: string;
  /** admin | developer | viewer, or null when `permissions` lists them explicitly. */
  role: string | null;
  permissions: Json;
  tokenHash: string;
  tokenPrefix: string;
  createdAt: Timestamp;
  revokedAt: Timestamp | null;
}

export interface MdmUserTable {
  id: string;
  organizationId: string;
  email: string;
  /** Lowercased email: the unique key per organization and the column lookups use. */
  emailNormalized: string;
  name: string | null;
  tags: Json;
  language: string;
  managedAppleId: string | null;
  metadata: Json;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface Database {
  organizations: OrganizationTable;
  serviceAccounts: ServiceAccountTable;
  mdmUsers: MdmUserTable;
  catalogItems: CatalogItemTable;
  segments: SegmentTable;
  enterprises: EnterpriseTable;
  enrollmentTokens: EnrollmentTokenTable;
  enrollmentTokenTags: EnrollmentTokenTagTable;
  enrollmentTokenCounts: EnrollmentTokenCountTable;
  emailOutbox: EmailOutboxTable;
  devices: DeviceTable;
  tokenRedemptions: TokenRedemptionTable;
  signingIdentities: SigningIdentityTable;
  scepChallenges: ScepChallengeTable;
  mdmIntegrations: MdmIntegrationTable;
  scepCertificates: ScepCertificateTable;
  webhookEndpoints: WebhookEndpointTable;
  webhookEvents: WebhookEventTable;
  webhookDeliveries: WebhookDeliveryTable;
  androidProvisioning: AndroidProvisioningTable;
  pubsubMessages: PubsubMessageTable;
  idempotencyKeys: IdempotencyKeyTable;
  sessions: SessionTable;
}

export type OrganizationRow = Selectable<OrganizationTable>;
export type ServiceAccountRow = Selectable<ServiceAccountTable>;
export type MdmUserRow = Selectable<MdmUserTable>;

export interface CatalogItemTable {
  id: string;
  organizationId: string;
  /** admPolicy | winPolicy | emmPolicy | admProfile | admApplication | admVppLocation */
  kind: string;
  name: string;
  data: Json;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface SegmentTable {
  id: ColumnType<number, never, never>;
  organizationId: string;
  name: string;
  parentId: number | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface EnterpriseTable {
  id: string;
  organizationId: string;
  platform: string;
  name: string;
  configuration: Json;
  settings: Json;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface EnrollmentTokenTable {
  id: string;
  organizationId: string;
  platform: string;
  enterpriseId: string;
  mdmUserId: string;
  displayName: string;
  tags: Json;
  /** PENDING | DONE | EXPIRED | DELETED as last written; PENDING past expireAt reads as EXPIRED. */
  state: string;
  /** The token's main policy (policyId / winPolicyId), indexed for the policy filter. */
  policyId: string | null;
  segmentId: number | null;
  /** Platform options: assignments, profiles, applications, VPP location, management mode. */
  options: Json;
  sendEmail: number;
  emailText: string;
  language: string;
  enrollCode: string;
  emailStatus: string;
  emailAttempts: ColumnType<number, number | undefined, number>;
  emailSentAt: Timestamp | null;
  emailLastError: string | null;
  /** Why a QUEUED invitation waits (the organization's sending budget), or null. */
  emailDeferredReason: string | null;
  deviceId: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  expireAt: Timestamp;
  /** What the platform's provider made for the token (AMAPI: Google's token), JSON; null when none. */
  platformState: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface EnrollmentTokenCountTable {
  organizationId: string;
  platform: string;
  state: string;
  /** PostgreSQL spreads a key's count over shards (written by triggers only); a count is the sum. */
  shard: ColumnType<number, never, never>;
  n: number;
}

export interface EnrollmentTokenTagTable {
  tokenId: string;
  organizationId: string;
  tag: string;
  /** The token's platform, creation, stored state and expiry (kept in step by triggers), so a tag filter reads its page and count from the tag index. */
  platform: string;
  state: string;
  createdAt: ColumnType<string | Date | null, string, string>;
  expireAt: ColumnType<string | Date | null, string, string>;
}

/** The columns of every queue table: one row per job, claimed under a lease (jobs/lease-queue.ts). */
export interface QueueColumns {
  id: string;
  /** PENDING while the job is to do or retry; a final status after. */
  status: string;
  attempts: ColumnType<number, number | undefined, number>;
  /** Due from then. */
  nextAttemptAt: Timestamp;
  leaseOwner: string | null;
  leaseUntil: Timestamp | null;
  lastError: string | null;
}

export interface EmailOutboxTable extends QueueColumns {
  organizationId: string;
  tokenId: string;
  messageId: string;
  language: string | null;
  emailText: string | null;
  /** PENDING | SENT | FAILED */
  status: string;
  createdAt: Timestamp;
  sentAt: Timestamp | null;
  /** When the latest attempt took one of the organization's hourly sending slots. */
  budgetedAt: Timestamp | null;
}

export interface DeviceTable {
  id: string;
  organizationId: string;
  platform: string;
  tokenId: string | null;
  serialNumber: string | null;
  udid: string | null;
  imei: string | null;
  model: string | null;
  osVersion: string | null;
  name: ColumnType<string | null, string | null | undefined, string | null>;
  meid: ColumnType<string | null, string | null | undefined, string | null>;
  /** REDEEMED | ENROLLED | CHECKED_OUT */
  status: ColumnType<string, string | undefined, string>;
  enrolledAt: ColumnType<string | Date | null, string | null | undefined, string | null>;
  checkedOutAt: ColumnType<string | Date | null, string | null | undefined, string | null>;
  /** The provider's last status report of the device (AMAPI STATUS_REPORT). */
  lastSeenAt: ColumnType<string | Date | null, string | null | undefined, string | null>;
  /** The state the provider gives the device (AMAPI: ACTIVE, DISABLED, DELETED, PROVISIONING…). */
  providerState: ColumnType<string | null, string | null | undefined, string | null>;
  createdAt: Timestamp;
}

export interface TokenRedemptionTable {
  id: string;
  organizationId: string;
  platform: string;
  tokenId: string | null;
  code: string;
  outcome: string;
  clientAddress: string | null;
  device: Json;
  /** What the entry adds beyond the device, as JSON (SCEP transaction, certificate, reason). */
  detail: ColumnType<unknown, string | null | undefined, string | null>;
  createdAt: Timestamp;
}

export interface SigningIdentityTable {
  organizationId: string;
  source: string;
  certificateChain: string;
  sealedPrivateKey: string;
  subject: string;
  fingerprint: string;
  notAfter: Timestamp;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface ScepChallengeTable {
  challengeHash: string;
  organizationId: string;
  tokenId: string;
  createdAt: Timestamp;
  usedAt: Timestamp | null;
  /** The SCEP transaction that consumed it. */
  transactionId: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A program that calls enrolld on an organization's behalf (step-ca, NanoMDM). */
export interface MdmIntegrationTable {
  organizationId: string;
  kind: string;
  publicId: string;
  secretSealed: string | null;
  /** What the integration needs besides its key (AMAPI: the enterprise and the push identity), JSON. */
  settings: ColumnType<unknown, string | null | undefined, string | null>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

/** What the SCEP CA reported for a transaction: the certificate issued, or the error. */
export interface ScepCertificateTable {
  id: string;
  organizationId: string;
  tokenId: string;
  transactionId: string;
  serialNumber: string | null;
  subject: string | null;
  notBefore: Timestamp | null;
  notAfter: Timestamp | null;
  error: string | null;
  createdAt: Timestamp;
}

export interface WebhookEndpointTable {
  id: string;
  organizationId: string;
  url: string;
  description: string;
  /** JSON array of event types; null: every type. */
  eventTypes: Json | null;
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretUntil: Timestamp | null;
  disabledAt: Timestamp | null;
  disabledReason: string | null;
  /** When the current run of failed deliveries began; null while deliveries succeed. */
  failingSince: Timestamp | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

/** An event some of an organization's endpoints receive (see migration 0017). */
export interface WebhookEventTable {
  id: string;
  organizationId: string;
  type: string;
  /** The exact JSON body every delivery of the event sends, as signed. */
  payload: string;
  createdAt: Timestamp;
}

/** A queue table; `id` is the message's webhook-id. */
export interface WebhookDeliveryTable extends QueueColumns {
  organizationId: string;
  endpointId: string;
  /** The event sent (null on rows queued before migration 0017, which hold their body in `payload`). */
  eventId: string | null;
  eventType: string;
  /** The body of rows queued before migration 0017; null since (the event holds it). */
  payload: string | null;
  /** PENDING | DELIVERED | FAILED */
  status: string;
  lastResponseStatus: number | null;
  lastResponseBody: string | null;
  createdAt: Timestamp;
  deliveredAt: Timestamp | null;
}

/** A queue table: the AMAPI call still to make for one Android token (see migration 0013). */
export interface AndroidProvisioningTable extends QueueColumns {
  organizationId: string;
  tokenId: string;
  enterpriseName: string;
  /** CREATE, then DELETE once the enrolld token is revoked. */
  action: string;
  /** Google's token (enterprises/…/enrollmentTokens/…), once made. */
  googleName: string | null;
  /** PENDING while a call is to make; DONE; FAILED. */
  status: string;
  /** The token's expiry: Google's token expires then too. */
  tokenExpireAt: Timestamp;
  /** Set while a call may have reached Google without its answer being recorded. */
  attemptStartedAt: Timestamp | null;
  /** The worker making the call now (null between attempts). */
  attemptOwner: string | null;
  createdAt: Timestamp;
}

/** A Pub/Sub message already handled. */
export interface PubsubMessageTable {
  organizationId: string;
  messageId: string;
  receivedAt: Timestamp;
}

/** A signed-in browser session, acting as the key it was opened with (see migration 0016). */
export interface SessionTable {
  idHash: string;
  keyHash: string;
  csrfHash: string;
  createdAt: Timestamp;
  lastSeenAt: Timestamp;
  expiresAt: Timestamp;
}

/** A request made with an Idempotency-Key, and its answer once given (see migration 0014). */
export interface IdempotencyKeyTable {
  scope: string;
  key: string;
  fingerprint: string;
  /** RUNNING while the first request runs; DONE once answered. */
  status: string;
  responseStatus: number | null;
  responseBody: string | null;
  lockedUntil: Timestamp | null;
  createdAt: Timestamp;
  expiresAt: Timestamp;
}
