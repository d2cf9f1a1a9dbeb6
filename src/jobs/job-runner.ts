/**
 * The one machinery for background work that must not be lost: email invitations, webhook
 * deliveries, and whatever else is queued in a request's transaction and done afterwards. A
 * job is a row of a queue table (see lease-queue.ts) written in the same transaction as the
 * change that caused it; a runner claims due rows under a lease, does them, and records each
 * outcome. A runner that dies leaves its rows to be claimed again when their lease runs out:
 * delivery is at least once, and each kind keeps the row's identity stable across attempts (the
 * email's Message-ID, the webhook's `webhook-id`) so a repeat is recognisable.
 *
 * What differs per kind — how rows are claimed and prepared, what doing one means, how an
 * outcome is recorded — is a JobKind; the runner is written once.
 */
import { randomUUID } from 'node:crypto';

export interface JobLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The identity every job row has. */
export interface JobRow {
  id: string;
}

/** A claimed batch, made ready to work: `rows` to do now and whatever doing them needs. */
export interface PreparedBatch<Row extends JobRow, Prepared> {
  /** How many rows the claim took (rows may have been held back since: a sending budget). */
  claimed: number;
  rows: Row[];
  prepared: Prepared;
}

export interface JobKind<Row extends JobRow, Prepared, Outcome extends { row: Row }> {
  /** For logs: "email", "webhook". */
  name: string;
  /** How many jobs run at once (lanes): an SMTP pool's connections, a webhook's sockets. */
  concurrency: number;
  /** How many rows one claim takes. */
  batchSize: number;
  leaseMs: number;
  /** Claim due rows for `owner` and make them ready (one read for the batch). Throws only when the database does. */
  claimBatch(owner: string, limit: number, now: Date, leaseUntil: Date): Promise<PreparedBatch<Row, Prepared>>;
  /** Do one job; answers its outcome and never throws. */
  perform(row: Row, prepared: Prepared): Promise<Outcome>;
  /** Record a settled batch's outcomes, for rows `owner` still holds. */
  record(owner: string, outcomes: readonly Outcome[]): Promise<void>;
  extendLeases(owner: string, ids: readonly string[], leaseUntil: Date): Promise<void>;
  releaseLeases(owner: string, ids: readonly string[]): Promise<void>;
}

export interface JobRunnerOptions {
  log: JobLog;
  /** Idle wait between polls when nothing is due (a `wake()` cuts it short). */
  pollMs?: number;
}

/** An error as one short line, for logs and for a job's last error. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').slice(0, 500);
}

export function createJobRunner<Row extends JobRow, Prepared, Outcome extends { row: Row }>(kind: JobKind<Row, Prepared, Outcome>, options: JobRunnerOptions) {
  const owner = `${kind.name}-worker-${randomUUID()}`;
  const pollMs = options.pollMs ?? 500;
  const { log } = options;
  let running = false;
  let stopping = false;
  let loop: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;

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
        kind
          .extendLeases(owner, [...held], new Date(Date.now() + kind.leaseMs))
          .catch((error: unknown) => log.warn(`${kind.name} lease renewal failed: ${describeError(error)}`))
          .finally(() => {
            renewing = false;
          });
      },
      Math.max(1, Math.floor(kind.leaseMs / 3)),
    );
    return () => clearInterval(timer);
  }

  /** A claimed batch while its rows are worked: outcomes gather until every row is settled. */
  interface InFlight {
    prepared: Prepared;
    outcomes: Outcome[];
    /** Rows the runner stopped before doing: their leases are released. */
    undone: Row[];
    remaining: number;
  }

  /**
   * Work until nothing is due (or the runner stops). The lanes each take the next row from one
   * queue, across batch boundaries (no lane waits for a batch's slowest job); the next batch is
   * claimed and prepared while the queue still holds a whole one (half was too little: a 640-row
   * webhook claim on PostgreSQL takes 30–45 ms, while 16 lanes send 320 deliveries in 16–32 ms,
   * and lanes sat idle waiting for it); a batch whose rows are all settled has its outcomes
   * recorded while the lanes go on. Recordings stay in order, one at a time, and all finish
   * before this returns. Leases of rows held (claimed, not yet recorded)
   * are renewed every third of the lease, so a slow destination cannot let another runner take
   * and repeat them; a crash stops the renewals, and after the lease those jobs run again.
   * Answers how many rows were claimed.
   */
  async function drainDue(): Promise<number> {
    let total = 0;
    let exhausted = false;
    let failure: unknown = null;
    let claiming: Promise<void> | null = null;
    let recording: Promise<void> = Promise.resolve();
    const queue: Array<{ row: Row; batch: InFlight }> = [];
    const held = new Set<string>();
    const stopRenewing = keepLeased(held);

    function refill(): Promise<void> | null {
      if (!claiming && !exhausted && !stopping) {
        const now = Date.now();
        claiming = kind
          .claimBatch(owner, kind.batchSize, new Date(now), new Date(now + kind.leaseMs))
          .then((batch) => {
            if (batch.claimed === 0) {
              exhausted = true;
              return;
            }
            total += batch.rows.length;
            const inFlight: InFlight = { prepared: batch.prepared, outcomes: [], undone: [], remaining: batch.rows.length };
            for (const row of batch.rows) {
              held.add(row.id);
              queue.push({ row, batch: inFlight });
            }
          })
          .catch((error: unknown) => {
            // The database went away: stop claiming; what is queued still runs and is recorded.
            failure ??= error;
            exhausted = true;
          })
          .finally(() => {
            claiming = null;
          });
      }
      return claiming;
    }

    function settle(batch: InFlight, result: { outcome: Outcome } | { undone: Row }): void {
      if ('outcome' in result) batch.outcomes.push(result.outcome);
      else batch.undone.push(result.undone);
      if (--batch.remaining > 0) return;
      recording = recording.then(async () => {
        await kind.record(owner, batch.outcomes);
        if (batch.undone.length > 0) await kind.releaseLeases(owner, batch.undone.map((row) => row.id));
        for (const row of [...batch.outcomes.map((outcome) => outcome.row), ...batch.undone]) held.delete(row.id);
      });
      recording.catch(() => undefined); // awaited (and its error thrown) below
    }

    async function lane(): Promise<void> {
      for (;;) {
        if (queue.length < kind.batchSize) void refill();
        const next = queue.shift();
        if (!next) {
          const pending = claiming;
          if (!pending) return; // nothing due, or stopping
          await pending;
          continue;
        }
        // Check `stopping` before starting: a row taken is either done or released.
        if (stopping) settle(next.batch, { undone: next.row });
        else settle(next.batch, { outcome: await kind.perform(next.row, next.batch.prepared) });
      }
    }

    try {
      await refill();
      await Promise.all(Array.from({ length: kind.concurrency }, lane));
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
        log.error(`${kind.name} worker: ${describeError(error)}`);
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
    /** Poll now rather than at the next interval (new jobs were just committed). */
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

export type JobRunner = ReturnType<typeof createJobRunner>;
