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
import { claimDue, type OutboxRow, recordOutcome, releaseLeases } from './outbox.repository.ts';
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
  /** Idle wait between polls when nothing is due (a `wake()` cuts it short). */
  pollMs?: number;
}

export interface EmailWorkerDeps {
  db: Db;
  dialect: DialectName;
  transport: MailTransport;
  /** The mail for an outbox row, or a reason it must not be sent (token revoked, expired…). */
  composeMail(row: OutboxRow): Promise<OutgoingMail | { skip: string }>;
  log: WorkerLog;
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
  const batchSize = deps.transport.concurrency * 4;
  let running = false;
  let stopping = false;
  let loop: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;

  async function deliver(row: OutboxRow): Promise<void> {
    const at = new Date();
    try {
      // Inside the try: a message that cannot even be rendered counts as a failed attempt, so a
      // poison row ends FAILED after maxAttempts instead of circling forever.
      const composed = await deps.composeMail(row);
      if ('skip' in composed) {
        await recordOutcome(deps.db, owner, row, { status: 'FAILED', at: at.toISOString(), error: `not sent: ${composed.skip}` });
        return;
      }
      await deps.transport.send(composed);
      await recordOutcome(deps.db, owner, row, { status: 'SENT', at: new Date().toISOString(), error: null });
    } catch (error) {
      const attempt = row.attempts + 1;
      const final = isPermanentFailure(error) || attempt >= options.maxAttempts;
      const nextAttemptAt = new Date(Date.now() + retryDelayMs(attempt, options.retryBaseMs)).toISOString();
      deps.log.warn(`invitation ${row.messageId} attempt ${attempt} failed${final ? ' (final)' : ''}: ${describe(error)}`);
      await recordOutcome(deps.db, owner, row, { status: final ? 'FAILED' : 'PENDING', at: at.toISOString(), error: describe(error), nextAttemptAt });
    }
  }

  /** Claim one batch and work through it; answers how many rows were claimed. */
  async function runOnce(): Promise<number> {
    const now = Date.now();
    const rows = await claimDue(deps.db, deps.dialect, owner, batchSize, new Date(now).toISOString(), new Date(now + options.leaseMs).toISOString());
    const queue = [...rows];
    const lanes = Array.from({ length: Math.min(deps.transport.concurrency, queue.length) }, async () => {
      // Check `stopping` before taking a row: a row taken is either delivered or never leaves the
      // queue, whose leftovers are released below.
      while (!stopping && queue.length > 0) {
        const row = queue.shift()!;
        try {
          await deliver(row);
        } catch (error) {
          // The database or the renderer failed: the lease runs out and the row is retried.
          deps.log.error(`invitation ${row.messageId} could not be processed: ${describe(error)}`);
        }
      }
    });
    await Promise.all(lanes);
    await releaseLeases(deps.db, owner, queue.map((row) => row.id));
    return rows.length;
  }

  async function run(): Promise<void> {
    while (running) {
      let claimed = 0;
      try {
        claimed = await runOnce();
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
    async drain(): Promise<number> {
      let total = 0;
      for (let claimed = await runOnce(); claimed > 0; claimed = await runOnce()) total += claimed;
      return total;
    },
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
