/**
 * The email worker: a job runner (jobs/job-runner.ts) over the email outbox. It claims due
 * invitations under a lease, renders and sends them, and records each outcome. Temporary
 * failures (4xx replies, refused connections, timeouts) retry with exponential backoff and jitter
 * until `maxAttempts`; permanent ones (5xx) fail at once. Delivery is at least once: a worker
 * killed between sending and recording leaves the row to be retaken after its lease, and the
 * resend carries the same Message-ID.
 *
 * On stop it sends nothing new, lets in-flight messages finish, and releases what it claimed but
 * did not start, so the next worker takes those at once.
 */
import type { Db } from '../../db/database.ts';
import type { DialectName } from '../../db/dialect.ts';
import { createJobRunner, describeError, type JobKind, type JobLog, type PreparedBatch } from '../../jobs/job-runner.ts';
import type { DeliveryOutcome, EmailMetrics } from '../metrics/metrics.ts';
import { claimDue, extendLeases, type Outcome, type OutboxRow, recordOutcomes, releaseLeases } from './outbox.repository.ts';
import type { EmailService } from './email.service.ts';
import type { MailTransport, OutgoingMail } from './transport.ts';
import type { WebhookOutbox } from '../webhooks/webhook-outbox.ts';

export type WorkerLog = JobLog;

export interface EmailWorkerOptions {
  maxAttempts: number;
  retryBaseMs: number;
  leaseMs: number;
  /** Invitations per hour per organization (ENROLLD_EMAIL_ORG_RATE_LIMIT); beyond it rows wait. */
  orgRateLimit: number;
  /** Idle wait between polls when nothing is due (a `wake()` cuts it short). */
  pollMs?: number;
}

export interface EmailWorkerDeps {
  db: Db;
  dialect: DialectName;
  transport: MailTransport;
  /**
   * composeMails: the mails of a batch of outbox rows by row id, or why one must not be sent
   * (revoked…); takeSendingSlots: which rows the sending budget holds back.
   */
  email: Pick<EmailService, 'composeMails' | 'takeSendingSlots'>;
  log: WorkerLog;
  /** Deliveries by outcome, send time, lateness of claims, budget deferrals (absent: not counted). */
  metrics?: EmailMetrics;
  /** Where invitation.sent and invitation.failed are queued for webhooks, with each outcome. */
  webhooks: Pick<WebhookOutbox, 'wants' | 'emit' | 'queued'>;
}

const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/** 4xx SMTP replies and network trouble are worth retrying; 5xx replies are final. */
export function isPermanentFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500;
}

export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** (attempt - 1));
  return Math.round(exponential * (0.8 + 0.4 * random()));
}

export function createEmailWorker(deps: EmailWorkerDeps, options: EmailWorkerOptions) {

  /** Send one composed row; answers its outcome (never throws). */
  async function deliver(row: OutboxRow, mail: OutgoingMail | { skip: string } | undefined): Promise<Outcome> {
    const at = new Date().toISOString();
    if (!mail) return counted(failedAttempt(row, at, new Error('the invitation could not be rendered')));
    if ('skip' in mail) return counted({ row, status: 'FAILED', at, error: `not sent: ${mail.skip}` }, 'skipped');
    const started = performance.now();
    try {
      await deps.transport.send(mail);
      return counted({ row, status: 'SENT', at: new Date().toISOString(), error: null, recipient: mail.to.address, language: mail.language });
    } catch (error) {
      return counted({ ...failedAttempt(row, at, error), recipient: mail.to.address, language: mail.language });
    } finally {
      deps.metrics?.sendDuration.observe((performance.now() - started) / 1000);
    }
  }

  const OUTCOME_LABELS: Record<Outcome['status'], DeliveryOutcome> = { SENT: 'sent', PENDING: 'retry', FAILED: 'failed' };
  function counted(outcome: Outcome, label: DeliveryOutcome = OUTCOME_LABELS[outcome.status]): Outcome {
    deps.metrics?.deliveries.inc({ outcome: label });
    return outcome;
  }

  function failedAttempt(row: OutboxRow, at: string, error: unknown): Outcome {
    const attempt = row.attempts + 1;
    const final = isPermanentFailure(error) || attempt >= options.maxAttempts;
    const nextAttemptAt = new Date(Date.now() + retryDelayMs(attempt, options.retryBaseMs)).toISOString();
    deps.log.warn(`invitation ${row.messageId} attempt ${attempt} failed${final ? ' (final)' : ''}: ${describeError(error)}`);
    return { row, status: final ? 'FAILED' : 'PENDING', at, error: describeError(error), nextAttemptAt };
  }

  /** The mails of a claimed batch by row id, or why one is not sent. */
  type Mails = Map<string, OutgoingMail | { skip: string }>;
  /** A claimed batch: the rows to send (or settle) now, after the sending budget pushed some out. */
  type Batch = PreparedBatch<OutboxRow, Mails>;

  /**
   * Claim one batch, compose it (one read of its tokens), and take a sending slot for each mail
   * to send: rows of an organization over its hourly budget are pushed out, not sent.
   */
  async function claimBatch(owner: string, limit: number, now: Date, leaseUntil: Date): Promise<Batch> {
    const rows = await claimDue(deps.db, deps.dialect, owner, limit, now.toISOString(), leaseUntil.toISOString());
    if (rows.length === 0) return { claimed: 0, rows, prepared: new Map() };
    for (const row of rows) deps.metrics?.workerLag.observe(Math.max(0, now.getTime() - Date.parse(row.nextAttemptAt)) / 1000);
    let mails: Mails;
    try {
      mails = await deps.email.composeMails(rows);
    } catch (error) {
      // A batch that cannot be composed counts as a failed attempt for each row, so a poison row
      // ends FAILED after maxAttempts instead of circling forever.
      deps.log.error(`email batch could not be composed: ${describeError(error)}`);
      return { claimed: rows.length, rows, prepared: new Map() };
    }
    const toSend = rows.filter((row) => {
      const mail = mails.get(row.id);
      return mail !== undefined && !('skip' in mail);
    });
    const deferred = await deps.email.takeSendingSlots(owner, toSend, options.orgRateLimit, new Date());
    if (deferred.size > 0) deps.metrics?.deferred.inc(deferred.size);
    return { claimed: rows.length, rows: deferred.size === 0 ? rows : rows.filter((row) => !deferred.has(row.id)), prepared: mails };
  }

  const kind: JobKind<OutboxRow, Mails, Outcome> = {
    name: 'email',
    concurrency: deps.transport.concurrency,
    batchSize: deps.transport.concurrency * 10,
    leaseMs: options.leaseMs,
    claimBatch,
    perform: (row, mails) => deliver(row, mails.get(row.id)),
    record: async (owner, outcomes) => deps.webhooks.queued(await recordOutcomes(deps.db, owner, outcomes, deps.webhooks)),
    extendLeases: (owner, ids, leaseUntil) => extendLeases(deps.db, owner, ids, leaseUntil.toISOString()),
    releaseLeases: (owner, ids) => releaseLeases(deps.db, owner, ids),
  };
  return createJobRunner(kind, { log: deps.log, pollMs: options.pollMs });
}

export type EmailWorker = ReturnType<typeof createEmailWorker>;
