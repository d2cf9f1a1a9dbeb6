/**
 * Makes Google's enrollment tokens for Android tokens in AMAPI mode, as background jobs on the
 * job machinery (jobs/job-runner.ts): a bulk of thousands answers at once, and its tokens are
 * made here with bounded concurrency. Each token's outcome goes back through the token service
 * (recordProvisioning: the token's state, its held invitation, `enrollment_token.updated`).
 *
 * Retries: 429, 5xx and calls without an answer are tried again with exponential backoff (from
 * 2 s, doubling, up to 5 min, with jitter), never sooner than Google's Retry-After; other
 * refusals fail the token at once, and so does running out of attempts or of the token's life.
 *
 * Never two Google tokens for one enrolld token: Google cannot be asked "did you make this?"
 * (its tokens list shows only their name and expiry, and a create cannot be made idempotent), so
 * every call is marked as started before it goes. An attempt that finds the mark of an earlier
 * one that never recorded its outcome (a killed worker, a lost answer) first lists Google's
 * tokens and deletes those enrolld does not know that expire when this token does — what the
 * lost call may have made — and only then creates; that one listing clears every other attempt in
 * doubt with the same expiry begun before it. Creations of other tokens with the same
 * expiry (a bulk) that are under way right now would look the same, so the attempt waits until
 * none is.
 */
import type { Db } from '../../db/database.ts';
import type { DialectName } from '../../db/dialect.ts';
import { createJobRunner, describeError, type JobKind, type JobLog } from '../../jobs/job-runner.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { EnrollmentTokenService } from '../enrollment-tokens/enrollment-tokens.service.ts';
import type { StoredToken } from '../enrollment-tokens/enrollment-tokens.types.ts';
import type { ProviderState } from '../enrollment-tokens/token-provisioning.ts';
import type { AmapiConnection, MdmIntegrationService } from '../mdm-integrations/mdm-integrations.service.ts';
import { type AmapiClient, createAmapiClient, type GoogleEndpoints, GoogleCallError } from './google-client.ts';
import { enrollmentTokenRequest } from './enrollment-token-request.ts';
import {
  claimDue,
  clearDoubts,
  createInFlight,
  stillInDoubt,
  extendLeases,
  knownGoogleNames,
  markAttemptStarted,
  type ProvisioningOutcome,
  type ProvisioningRow,
  recordOutcome,
  releaseLeases,
} from './provisioning.repository.ts';

/** Google's expiry of a token is its creation time plus the duration asked: within seconds of ours. */
const FINGERPRINT_WINDOW_MS = 30_000;
const MAX_ATTEMPTS = 10;
const RETRY_BASE_MS = 2_000;
const RETRY_MAX_MS = 5 * 60_000;
/** Google refuses durations under a minute; a token with less life left is not worth making. */
const MIN_DURATION_SECONDS = 60;
/** How long an attempt in doubt waits for other creations under way to be recorded. */
const RECONCILE_WAIT_MS = 1_000;

export interface ProvisioningWorkerDeps {
  db: Db;
  dialect: DialectName;
  integrations: Pick<MdmIntegrationService, 'amapiConnectionOf'>;
  tokens: Pick<EnrollmentTokenService, 'findByIds' | 'recordProvisioning' | 'announceProvisioning'>;
  catalog: Pick<CatalogService, 'findMany'>;
  google: GoogleEndpoints;
  log: JobLog;
}

export interface ProvisioningWorkerOptions {
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  retryBaseMs?: number;
}

interface Prepared {
  tokens: Map<string, StoredToken>;
  connections: Map<string, { connection: AmapiConnection; client: AmapiClient } | null>;
}

export function createProvisioningWorker(deps: ProvisioningWorkerDeps, options: ProvisioningWorkerOptions = {}) {
  const retryBaseMs = options.retryBaseMs ?? RETRY_BASE_MS;
  // One client per service account, kept while its settings stay the same (the client caches its access token).
  const clients = new Map<string, { version: string; client: Promise<AmapiClient> }>();
  let owner = '';

  function clientFor(connection: AmapiConnection): Promise<AmapiClient> {
    const cached = clients.get(connection.organizationId);
    if (cached && cached.version === connection.version) return cached.client;
    const client = createAmapiClient(connection.serviceAccountKey, deps.google);
    clients.set(connection.organizationId, { version: connection.version, client });
    return client;
  }

  async function claimBatch(claimer: string, limit: number, at: Date, leaseUntil: Date) {
    owner = claimer;
    const rows = await claimDue(deps.db, deps.dialect, claimer, limit, at.toISOString(), leaseUntil.toISOString());
    const prepared: Prepared = { tokens: new Map(), connections: new Map() };
    if (rows.length === 0) return { claimed: 0, rows, prepared };
    for (const token of await deps.tokens.findByIds([...new Set(rows.map((row) => row.tokenId))], at.toISOString())) prepared.tokens.set(token.id, token);
    for (const organizationId of new Set(rows.map((row) => row.organizationId))) {
      const connection = await deps.integrations.amapiConnectionOf(organizationId);
      prepared.connections.set(organizationId, connection ? { connection, client: await clientFor(connection) } : null);
    }
    return { claimed: rows.length, rows, prepared };
  }

  function retry(row: ProvisioningRow, error: GoogleCallError | Error, inDoubt: boolean): ProvisioningOutcome {
    const message = describeError(error);
    if (row.attempts + 1 >= MAX_ATTEMPTS) return { row, kind: 'failed', error: `${message} (gave up after ${MAX_ATTEMPTS} attempts)` };
    const backoff = Math.min(RETRY_MAX_MS, retryBaseMs * 2 ** row.attempts) * (0.8 + Math.random() * 0.4);
    const wait = Math.max(backoff, error instanceof GoogleCallError ? (error.retryAfterMs ?? 0) : 0);
    deps.log.warn(`android provisioning ${row.tokenId} attempt ${row.attempts + 1} failed, again in ${Math.round(wait / 1000)} s: ${message}`);
    return { row, kind: 'retry', error: message, nextAttemptAt: new Date(Date.now() + wait).toISOString(), inDoubt, countsAsAttempt: true };
  }

  /** A Google call's failure as the row's outcome. */
  function failure(row: ProvisioningRow, error: unknown): ProvisioningOutcome {
    if (error instanceof GoogleCallError) return error.retryable ? retry(row, error, error.outcomeUnknown) : { row, kind: 'failed', error: error.message };
    // Not Google's answer (the key, the network below the library): try again, the call may have gone.
    return retry(row, error instanceof Error ? error : new Error(String(error)), true);
  }

  /**
   * Delete what an earlier attempt of `row` may have made at Google (see the header). Answers
   * false when creations under way make that impossible to tell now.
   */
  async function removeWhatALostCallMade(row: ProvisioningRow, client: AmapiClient): Promise<boolean> {
    if (!(await stillInDoubt(deps.db, row.id))) return true;
    const now = () => new Date().toISOString();
    const busy = () => createInFlight(deps.db, row.enterpriseName, row.id, row.tokenExpireAt, FINGERPRINT_WINDOW_MS, now());
    if (await busy()) return false;
    const listedAt = new Date().toISOString();
    const listed = await client.listEnrollmentTokens(row.enterpriseName);
    if (await busy()) return false;
    const expiry = Date.parse(row.tokenExpireAt);
    const lookalikes = listed.filter((token) => Math.abs(Date.parse(token.expirationTimestamp) - expiry) <= FINGERPRINT_WINDOW_MS);
    const known = await knownGoogleNames(deps.db, row.enterpriseName, lookalikes.map((token) => token.name));
    for (const orphan of lookalikes.filter((token) => !known.has(token.name))) {
      deps.log.warn(`android provisioning ${row.tokenId}: deleting ${orphan.name}, made by an attempt whose answer was lost`);
      await client.deleteEnrollmentToken(orphan.name);
    }
    await clearDoubts(deps.db, row.enterpriseName, row.tokenExpireAt, FINGERPRINT_WINDOW_MS, listedAt, now());
    return true;
  }

  async function create(row: ProvisioningRow, token: StoredToken | undefined, client: AmapiClient): Promise<ProvisioningOutcome> {
    if (!token || token.state !== 'PENDING') {
      // Revoked rows become DELETE; an expired or redeemed token needs nothing from Google.
      if (row.attemptInDoubtSince && !(await removeWhatALostCallMade(row, client))) return waitForOthers(row);
      return { row, kind: 'failed', error: `the token is ${token?.state ?? 'gone'}: no Google token was made` };
    }
    const seconds = Math.floor((Date.parse(token.expireAt) - Date.now()) / 1000);
    if (seconds < MIN_DURATION_SECONDS) return { row, kind: 'failed', error: 'the token expires before Google could make it' };
    if (row.attemptInDoubtSince && !(await removeWhatALostCallMade(row, client))) return waitForOthers(row);
    const policies = token.policyId ? await deps.catalog.findMany(token.organizationId, [token.policyId]) : new Map();
    const request = enrollmentTokenRequest(token, seconds, token.policyId ? policies.get(token.policyId) : undefined);
    await markAttemptStarted(deps.db, owner, row.id, new Date().toISOString());
    return { row, kind: 'created', made: await client.createEnrollmentToken(row.enterpriseName, request) };
  }

  async function remove(row: ProvisioningRow, client: AmapiClient): Promise<ProvisioningOutcome> {
    if (row.attemptInDoubtSince && !(await removeWhatALostCallMade(row, client))) return waitForOthers(row);
    if (row.googleName) await client.deleteEnrollmentToken(row.googleName);
    return { row, kind: 'done' };
  }

  function waitForOthers(row: ProvisioningRow): ProvisioningOutcome {
    const nextAttemptAt = new Date(Date.now() + RECONCILE_WAIT_MS).toISOString();
    return { row, kind: 'retry', error: 'waiting for other Google calls under way to be recorded', nextAttemptAt, inDoubt: true, countsAsAttempt: false };
  }

  async function perform(row: ProvisioningRow, prepared: Prepared): Promise<ProvisioningOutcome> {
    const link = prepared.connections.get(row.organizationId);
    if (!link) return { row, kind: 'failed', error: 'the organization is no longer connected to the Android Management API' };
    try {
      return row.action === 'DELETE' ? await remove(row, link.client) : await create(row, prepared.tokens.get(row.tokenId), link.client);
    } catch (error) {
      return failure(row, error);
    }
  }

  /** What the token's state becomes for an outcome, or null when it does not change. */
  function stateOf(outcome: ProvisioningOutcome): ProviderState | null {
    if (outcome.row.action !== 'CREATE') return null;
    if (outcome.kind === 'created') {
      const { made } = outcome;
      return { provisioning: 'READY', error: null, name: made.name, value: made.value, qrCode: made.qrCode, expirationTimestamp: made.expirationTimestamp };
    }
    if (outcome.kind === 'failed') return { provisioning: 'FAILED', error: outcome.error };
    return null;
  }

  async function record(claimer: string, outcomes: readonly ProvisioningOutcome[]): Promise<void> {
    const now = new Date().toISOString();
    // Rows are locked in id order, as the lease renewals lock them: on PostgreSQL a transaction
    // taking them in another order deadlocked with a renewal, which then failed and let the leases lapse.
    const ordered = [...outcomes].sort((a, b) => (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0));
    const announced = await deps.db.transaction().execute(async (trx) => {
      let events = 0;
      let invitations = 0;
      for (const outcome of ordered) {
        if (!(await recordOutcome(trx, claimer, outcome, now))) continue;
        const state = stateOf(outcome);
        if (!state) continue;
        const queued = await deps.tokens.recordProvisioning(trx, outcome.row.organizationId, outcome.row.tokenId, state, now);
        events += queued.events;
        invitations += queued.invitations;
      }
      return { events, invitations };
    });
    deps.tokens.announceProvisioning(announced);
  }

  const kind: JobKind<ProvisioningRow, Prepared, ProvisioningOutcome> = {
    name: 'android-provisioning',
    concurrency: options.concurrency ?? 4,
    batchSize: (options.concurrency ?? 4) * 10,
    // A call may take up to its 30 s timeout; the runner renews leases while it works.
    leaseMs: options.leaseMs ?? 90_000,
    claimBatch,
    perform,
    record,
    extendLeases: (claimer, ids, leaseUntil) => extendLeases(deps.db, claimer, ids, leaseUntil.toISOString()),
    releaseLeases: (claimer, ids) => releaseLeases(deps.db, claimer, ids),
  };
  return createJobRunner(kind, { log: deps.log, pollMs: options.pollMs });
}

export type ProvisioningWorker = ReturnType<typeof createProvisioningWorker>;
