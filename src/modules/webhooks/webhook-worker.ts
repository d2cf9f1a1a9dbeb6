/**
 * The webhook worker: a job runner (jobs/job-runner.ts) over webhook deliveries. Each delivery is
 * one POST of the stored body, signed per the Standard Webhooks specification:
 *   webhook-id         the message id, the same on every attempt
 *   webhook-timestamp  Unix seconds of this attempt (to within seconds: see signing-thread.ts)
 *   webhook-signature  `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, space-separated, one per
 *                      secret the endpoint verifies with (two while a rotated secret is still valid)
 * A 2xx answer delivers it. Anything else — another status, a timeout (15 s for the whole
 * exchange), a refused or unreachable destination — is retried on the specification's schedule
 * (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the first attempt's failure), then the delivery
 * fails. Redirects are not followed (a 3xx is a failure). Only the first KB of a response body is
 * kept. An endpoint whose every delivery failed for five days is disabled. A claimed batch is
 * signed on a worker thread before its deliveries are posted (signing-thread.ts).
 */
import type { Dispatcher } from 'undici';
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { Db } from '../../db/database.ts';
import type { DialectName } from '../../db/dialect.ts';
import { createJobRunner, describeError, type JobKind, type JobLog } from '../../jobs/job-runner.ts';
import { ENROLLD_VERSION } from '../../lib/version.ts';
import type { WebhookMetrics, WebhookOutcome } from '../metrics/metrics.ts';
import { assertPublicHost, guardedLookup } from './destination.ts';
import { postWebhook } from './webhook-post.ts';
import { type DeliveryOutcome, type ClaimedDelivery, claimDue, extendLeases, findEndpointsByIds, oldestDueAt, recordDeliveryOutcomes, releaseLeases, type StoredEndpoint } from './webhooks.repository.ts';
import { signingSecrets } from './webhook-secrets.ts';
import { createSigningThread, RESIGN_AFTER_SECONDS } from './signing-thread.ts';
import { createSigner, type Signer, signatureHeader } from './webhook-signature.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The waits before the 2nd … 8th attempt (Standard Webhooks' schedule); the 1st is immediate. */
export const RETRY_SCHEDULE_MS: readonly number[] = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];
export const DELIVERY_TIMEOUT_MS = 15 * SECOND;
export const DISABLE_AFTER_MS = 5 * 24 * HOUR;
/** Response bodies are kept to this many bytes. */
export const MAX_RESPONSE_BYTES = 1024;

const OUTCOME_LABELS: Record<DeliveryOutcome['status'], WebhookOutcome> = { DELIVERED: 'delivered', PENDING: 'retry', FAILED: 'failed' };

export interface WebhookWorkerOptions {
  /** Deliveries in flight at once (ENROLLD_WEBHOOK_CONCURRENCY). */
  concurrency: number;
  /** Deliver to loopback and private addresses too (ENROLLD_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  leaseMs?: number;
  timeoutMs?: number;
  retryScheduleMs?: readonly number[];
  disableAfterMs?: number;
  /** The clock the failure window is judged by (tests move it forward to cross it); attempts are scheduled by the real one. */
  now?: () => Date;
  pollMs?: number;
  /** Batches of at least this many deliveries are signed on the signing thread (default 32; tests lower it). */
  signOffThreadFrom?: number;
}

export interface WebhookWorkerDeps {
  /** The request connection: whether anything is due is asked here (one index lookup). */
  db: Db;
  /**
   * Where claims and records run (DatabaseHandle.jobs: on SQLite a connection in a worker
   * thread, started by the first claim, so a process with nothing to deliver never starts it).
   * Absent: `db`.
   */
  jobs?: Db;
  dialect: DialectName;
  secrets: SecretBox;
  log: JobLog;
  /** Deliveries by outcome, POST time, lateness of claims (absent: not counted). */
  metrics?: WebhookMetrics;
}

/** An endpoint as a batch's deliveries need it: where, and the secrets to sign with. */
interface Destination {
  url: URL;
  /** The secrets, for the signing thread. */
  secrets: string[];
  /** One signer per secret, for deliveries signed on the event loop (made once per batch). */
  signers: Signer[];
  disabledReason: string | null;
  failing: boolean;
}

/** A claimed batch made ready: its endpoints, and its deliveries' signatures when the signing thread made them. */
interface Batch {
  destinations: Map<string, Destination>;
  /** `webhook-signature` by delivery id, made for `seconds`; null: signed when posted. */
  signatures: Map<string, string> | null;
  seconds: number;
}

export function createWebhookWorker(deps: WebhookWorkerDeps, options: WebhookWorkerOptions) {
  const schedule = options.retryScheduleMs ?? RETRY_SCHEDULE_MS;
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const disableAfterMs = options.disableAfterMs ?? DISABLE_AFTER_MS;
  const now = options.now ?? (() => new Date());
  const userAgent = `enrolld/${ENROLLD_VERSION}`;
  // Connections resolve names through the guard unless private destinations are allowed.
  // undici is loaded by the first batch a process claims, not at every start (the processes of a
  // deployment without webhooks never deliver one).
  let client: Promise<Dispatcher> | null = null;
  let ready: Dispatcher | null = null; // the same, once loaded: a delivery need not await it
  const http = () =>
    (client ??= import('undici').then(({ Agent }) => (ready = new Agent({ connect: options.allowPrivate ? {} : { lookup: guardedLookup }, connections: options.concurrency }))));

  const jobs = deps.jobs ?? deps.db;
  const signing = createSigningThread({ minimum: options.signOffThreadFrom ?? 32 });

  async function claimBatch(owner: string, limit: number, at: Date, leaseUntil: Date) {
    const nothing = { claimed: 0, rows: [], prepared: { destinations: new Map(), signatures: null, seconds: 0 } satisfies Batch };
    if (jobs !== deps.db && (await oldestDueAt(deps.db, at.toISOString())) === null) return nothing;
    const rows = await claimDue(jobs, deps.dialect, owner, limit, at.toISOString(), leaseUntil.toISOString());
    for (const row of rows) deps.metrics?.workerLag.observe(Math.max(0, at.getTime() - row.dueAtMs) / 1000);
    if (rows.length === 0) return nothing;
    const destinations = new Map<string, Destination>();
    const endpoints = await findEndpointsByIds(jobs, [...new Set(rows.map((row) => row.endpointId))]);
    for (const endpoint of endpoints) destinations.set(endpoint.id, destinationOf(endpoint, at));
    return { claimed: rows.length, rows, prepared: await signed(rows, destinations) };
  }

  function destinationOf(endpoint: StoredEndpoint, at: Date): Destination {
    const secrets = signingSecrets(deps.secrets, endpoint, at);
    return { url: new URL(endpoint.url), secrets, signers: secrets.map(createSigner), disabledReason: endpoint.disabledAt ? (endpoint.disabledReason ?? 'disabled') : null, failing: endpoint.failingSince !== null };
  }

  /** The batch with its deliveries signed on the signing thread, when it takes the batch. */
  async function signed(rows: readonly ClaimedDelivery[], destinations: Map<string, Destination>): Promise<Batch> {
    const seconds = Math.floor(Date.now() / 1000);
    const endpointIndex = new Map<string, number>();
    const secrets: string[][] = [];
    const messages: Array<[number, string, string]> = [];
    for (const row of rows) {
      const destination = destinations.get(row.endpointId);
      if (!destination || destination.disabledReason) continue; // never posted
      let index = endpointIndex.get(row.endpointId);
      if (index === undefined) {
        index = secrets.length;
        endpointIndex.set(row.endpointId, index);
        secrets.push(destination.secrets);
      }
      messages.push([index, row.id, row.payload]);
    }
    const headers = await signing.sign({ secrets, messages, seconds });
    const signatures = headers && new Map(messages.map(([, id], i) => [id, headers[i]!]));
    return { destinations, signatures, seconds };
  }

  type Attempt = Omit<DeliveryOutcome, 'endpointWasFailing'>;

  function failed(row: ClaimedDelivery, error: string, responseStatus: number | null = null, responseBody: string | null = null, final = false): Attempt {
    const at = new Date();
    const wait = final ? undefined : schedule[row.attempts];
    deps.log.warn(`webhook ${row.id} attempt ${row.attempts + 1} failed${wait === undefined ? ' (final)' : ''}: ${error}`);
    return {
      row,
      status: wait === undefined ? 'FAILED' : 'PENDING',
      at: at.toISOString(),
      error,
      responseStatus,
      responseBody,
      nextAttemptAt: new Date(at.getTime() + (wait ?? 0)).toISOString(),
    };
  }

  async function deliver(row: ClaimedDelivery, batch: Batch): Promise<DeliveryOutcome> {
    const destination = batch.destinations.get(row.endpointId);
    const started = performance.now();
    const outcome = await attempt(row, destination, batch);
    if (deps.metrics) {
      deps.metrics.duration.observe((performance.now() - started) / 1000);
      deps.metrics.deliveries.inc({ outcome: OUTCOME_LABELS[outcome.status] });
    }
    return { ...outcome, endpointWasFailing: destination?.failing ?? false };
  }

  /** POST one delivery to its destination; answers the outcome and never throws. */
  async function attempt(row: ClaimedDelivery, destination: Destination | undefined, batch: Batch): Promise<Attempt> {
    if (!destination) return failed(row, 'the endpoint no longer exists', null, null, true);
    if (destination.disabledReason) return failed(row, `the endpoint is disabled: ${destination.disabledReason}`, null, null, true);
    try {
      if (!options.allowPrivate) assertPublicHost(destination.url);
      const dispatcher = ready ?? (await http());
      // Signed with its batch unless it waited too long for a lane since; then signed now.
      const seconds = Math.floor(Date.now() / 1000);
      const presigned = seconds - batch.seconds <= RESIGN_AFTER_SECONDS ? batch.signatures?.get(row.id) : undefined;
      const answer = await postWebhook(dispatcher, {
        url: destination.url,
        headers: {
          'content-type': 'application/json',
          'user-agent': userAgent,
          'webhook-id': row.id,
          'webhook-timestamp': String(presigned === undefined ? seconds : batch.seconds),
          'webhook-signature': presigned ?? signatureHeader(destination.signers, row.id, new Date(seconds * 1000), row.payload),
        },
        body: row.payload,
        timeoutMs,
        maxBytes: MAX_RESPONSE_BYTES,
      });
      if (answer.statusCode >= 200 && answer.statusCode < 300) {
        const at = new Date().toISOString();
        return { row, status: 'DELIVERED', at, error: null, responseStatus: answer.statusCode, responseBody: answer.body, nextAttemptAt: at };
      }
      return failed(row, `the endpoint answered ${answer.statusCode}`, answer.statusCode, answer.body);
    } catch (error) {
      return failed(row, describeError(causeOf(error)));
    }
  }

  const kind: JobKind<ClaimedDelivery, Batch, DeliveryOutcome> = {
    name: 'webhook',
    concurrency: options.concurrency,
    // Large batches: at thousands of deliveries a second, each claim and record statement is
    // spread over more rows (bench:webhooks: 10 → 40 per lane cut their time by a third).
    batchSize: options.concurrency * 40,
    leaseMs: options.leaseMs ?? 4 * timeoutMs,
    claimBatch,
    perform: deliver,
    record: (owner, outcomes) => recordDeliveryOutcomes(jobs, owner, outcomes, disableAfterMs, now().toISOString()),
    extendLeases: (owner, ids, leaseUntil) => extendLeases(jobs, owner, ids, leaseUntil.toISOString()),
    releaseLeases: (owner, ids) => releaseLeases(jobs, owner, ids),
  };
  const runner = createJobRunner(kind, { log: deps.log, pollMs: options.pollMs });
  return {
    ...runner,
    /**
     * Load what delivering needs (undici, the signing thread) now rather than with the first
     * batch: a benchmark does this before its clock, as a server's worker has done it long
     * before its thousandth delivery.
     */
    async warm(): Promise<void> {
      await http();
      await signing.warm();
    },
    async stop(): Promise<void> {
      await runner.stop();
      await signing.close();
      if (client) await (await client).close();
    },
  };
}

/** undici wraps connection errors ("fetch failed"-style); the cause says what happened. */
function causeOf(error: unknown): unknown {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof Error ? cause : error;
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>;
