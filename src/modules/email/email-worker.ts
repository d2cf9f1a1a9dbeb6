/**
 * The email worker: claims due invitations under a lease, renders and sends them, and records
 * each outcome. Temporary failures (4xx replies, refused connections, timeouts) retry with
 * exponential backoff and jitter until `maxAttempts`; permanent ones (5xx) fail at once. Delivery
 * is at least once: a worker killed between sending and recording leaves the row to be retaken
 * after its lease, and the resend carries the same Message-ID.
 *
 * On stop it sends nothing new, lets in-flight messages finish, and releases what it claimed but
 * did not start, so the next worker takes those at once.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import type { DialectName } from '../../db/dialect.ts';
import type { DeliveryOutcome, EmailMetrics } from '../metrics/metrics.ts';
import { claimDue, extendLeases, type Outcome, type OutboxRow, recordOutcomes, releaseLeases } from './outbox.repository.ts';
import type { EmailService } from './email.service.ts';
import type { MailTransport, OutgoingMail } from './transport.ts';

export interface WorkerLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

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

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').slice(0, 500);
}

export function createEmailWorker(deps: EmailWorkerDeps, options: EmailWorkerOptions) {
  const owner = `worker-${randomUUID()}`;
  const pollMs = options.pollMs ?? 500;
  const batchSize = deps.transport.concurrency * 10;
  let running = false;
  let stopping = false;
  let loop: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;

  /** Send one composed row; answers its outcome (never throws). */
  async function deliver(row: OutboxRow, mail: OutgoingMail | { skip: string } | undefined): Promise<Outcome> {
    const at = new Date().toISOString();
    if (!mail) return counted(failedAttempt(row, at, new Error('the invitation could not be rendered')));
    if ('skip' in mail) return counted({ row, status: 'FAILED', at, error: `not sent: ${mail.skip}` }, 'skipped');
    const started = performance.now();
    try {
      await deps.transport.send(mail);
      return counted({ row, status: 'SENT', at: new Date().toISOString(), error: null });
    } catch (error) {
      return counted(failedAttempt(row, at, error));
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
    deps.log.warn(`invitation ${row.messageId} attempt ${attempt} failed${final ? ' (final)' : ''}: ${describe(error)}`);
    return { row, status: final ? 'FAILED' : 'PENDING', at, error: describe(error), nextAttemptAt };
  }

  interface Batch {
    /** How many rows the claim took, before any were pushed out by the sending budget. */
    claimed: number;
    /** The rows to send (or settle) now. */
    rows: OutboxRow[];
    mails: Map<string, OutgoingMail | { skip: string }>;
  }

  /**
   * Claim one batch, compose it (one read of its tokens), and take a sending slot for each mail
   * to send: rows of an organization over its hourly budget are pushed out, not sent.
   */
  async function claimBatch(): Promise<Batch> {
    const now = Date.now();
    const rows = await claimDue(deps.db, deps.dialect, owner, batchSize, new Date(now).toISOString(), new Date(now + options.leaseMs).toISOString());
    if (rows.length === 0) return { claimed: 0, rows, mails: new Map() };
    for (const row of rows) deps.metrics?.workerLag.observe(Math.max(0, now - Date.parse(row.nextAttemptAt)) / 1000);
    let mails: Batch['mails'];
    try {
      mails = await deps.email.composeMails(rows);
    } catch (error) {
      // A batch that cannot be composed counts as a failed attempt for each row, so a poison row
      // ends FAILED after maxAttempts instead of circling forever.
      deps.log.error(`email batch could not be composed: ${describe(error)}`);
      return { claimed: rows.length, rows, mails: new Map() };
    }
    const toSend = rows.filter((row) => {
      const mail = mails.get(row.id);
      return mail !== undefined && !('skip' in mail);
    });
    const deferred = await deps.email.takeSendingSlots(owner, toSend, options.orgRateLimit, new Date());
    if (deferred.size > 0) deps.metrics?.deferred.inc(deferred.size);
    return { claimed: rows.length, rows: deferred.size === 0 ? rows : rows.filter((row) => !deferred.has(row.id)), mails };
  }

  /**
   * Renew the leases of the rows in `held` (claimed, not yet recorded) every third of the lease,
   * one renewal at a time, until the returned function is called.
   */
  function keepLeased(held: ReadonlySet<string>): () => void {
    let renewing = false;
    const timer = setInterval(
      () => {
        if (held.size === 0 || renewing) return;
        renewing = true;
        extendLeases(deps.db, owner, [...held], new Date(Date.now() + options.leaseMs).toISOString())
          .catch((error: unknown) => deps.log.warn(`email lease renewal failed: ${describe(error)}`))
          .finally(() => {
            renewing = false;
          });
      },
      Math.max(1, Math.floor(options.leaseMs / 3)),
    );
    return () => clearInterval(timer);
  }

  /** A claimed batch while its rows are sent: outcomes gather until every row is settled. */
  interface InFlight {
    mails: Batch['mails'];
    outcomes: Outcome[];
    /** Rows the worker stopped before sending: their leases are released. */
    unsent: OutboxRow[];
    remaining: number;
  }

  /**
   * Work until nothing is due (or the worker stops). The transport's connections are lanes that
   * each take the next row from one queue, across batch boundaries (no lane waits for a batch's
   * slowest message); the next batch is claimed and composed while the queue still holds half a
   * batch; a batch whose rows are all settled has its outcomes recorded (one transaction) while
   * the lanes go on sending. Recordings stay in order, one at a time, and all finish before this
   * returns. Leases of rows held (claimed, not yet recorded) are renewed every third of the lease,
   * so a slow SMTP server cannot let another worker take and resend them; a crash stops the
   * renewals, and after the lease those messages go out again with the same Message-ID: delivery
   * is at least once. Answers how many rows were claimed.
   */
  async function drainDue(): Promise<number> {
    let total = 0;
    let exhausted = false;
    let failure: unknown = null;
    let claiming: Promise<void> | null = null;
    let recording: Promise<void> = Promise.resolve();
    const queue: Array<{ row: OutboxRow; batch: InFlight }> = [];
    const held = new Set<string>();
    const stopRenewing = keepLeased(held);

    function refill(): Promise<void> | null {
      if (!claiming && !exhausted && !stopping) {
        claiming = claimBatch()
          .then((batch) => {
            if (batch.claimed === 0) {
              exhausted = true;
              return;
            }
            total += batch.rows.length;
            const inFlight: InFlight = { mails: batch.mails, outcomes: [], unsent: [], remaining: batch.rows.length };
            for (const row of batch.rows) {
              held.add(row.id);
              queue.push({ row, batch: inFlight });
            }
          })
          .catch((error: unknown) => {
            // The database went away: stop claiming; what is queued still goes out and is recorded.
            failure ??= error;
            exhausted = true;
          })
          .finally(() => {
            claiming = null;
          });
      }
      return claiming;
    }

    function settle(batch: InFlight, result: { outcome: Outcome } | { unsent: OutboxRow }): void {
      if ('outcome' in result) batch.outcomes.push(result.outcome);
      else batch.unsent.push(result.unsent);
      if (--batch.remaining > 0) return;
      recording = recording.then(async () => {
        await recordOutcomes(deps.db, owner, batch.outcomes);
        await releaseLeases(deps.db, owner, batch.unsent.map((row) => row.id));
        for (const row of [...batch.outcomes.map((outcome) => outcome.row), ...batch.unsent]) held.delete(row.id);
      });
      recording.catch(() => undefined); // awaited (and its error thrown) below
    }

    async function lane(): Promise<void> {
      for (;;) {
        if (queue.length < batchSize / 2) void refill();
        const next = queue.shift();
        if (!next) {
          const pending = claiming;
          if (!pending) return; // nothing due, or stopping
          await pending;
          continue;
        }
        // Check `stopping` before sending: a row taken is either delivered or released.
        if (stopping) settle(next.batch, { unsent: next.row });
        else settle(next.batch, { outcome: await deliver(next.row, next.batch.mails.get(next.row.id)) });
      }
    }

    try {
      await refill();
      await Promise.all(Array.from({ length: deps.transport.concurrency }, lane));
    } finally {
      try {
        await recording;
      } finally {
        stopRenewing();
      }
    }
    if (failure) throw failure;
    return total;
  }

  async function run(): Promise<void> {
    while (running) {
      let claimed = 0;
      try {
        claimed = await drainDue();
      } catch (error) {
        deps.log.error(`email worker: ${describe(error)}`);
      }
      if (claimed === 0 && running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wakeUp = null;
      }
    }
  }

  return {
    owner,
    start(): void {
      if (running) return;
      running = true;
      stopping = false;
      loop = run();
    },
    /** Poll now rather than at the next interval (new invitations were just committed). */
    wake(): void {
      wakeUp?.();
    },
    /** Work until nothing is due (tests and benchmarks); answers how many rows were handled. */
    drain: drainDue,
    async stop(): Promise<void> {
      running = false;
      stopping = true;
      wakeUp?.();
      await loop;
      loop = null;
    },
  };
}

export type EmailWorker = ReturnType<typeof createEmailWorker>;
