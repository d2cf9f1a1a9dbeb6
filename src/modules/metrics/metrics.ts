/**
 * The process's Prometheus metrics, on a registry of its own (never prom-client's global one, so
 * two apps in one process — tests, a server and its worker — never mix their counts). Services,
 * the worker and the sweeper receive the counters they move; gauges of the database are read at
 * scrape time, one cheap query each, so nothing polls and requests pay nothing for them.
 *
 * No label ever holds a value a caller chose: routes are patterns (`/enroll/:platform/:code`,
 * never a path with its code in it), everything else comes from closed sets.
 *
 * A process that serves no metrics (neither ENROLLD_METRICS_TOKEN nor ENROLLD_METRICS_PORT) gets
 * counters that count nothing and never loads prom-client.
 */
import { createRequire } from 'node:module';
import type { Registry } from 'prom-client';
import type { DatabaseHandle, PoolStats } from '../../db/database.ts';
import { nowIso } from '../../lib/time.ts';
import { oldestDueInvitation, unsentInvitations } from '../email/outbox-state.ts';
import { oldestDueDelivery, unfinishedDeliveries } from '../webhooks/delivery-state.ts';

export const METRIC_PREFIX = 'enrolld_';

/** The route label of a request no route matched (404 from the router, malformed URLs). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Seconds: API answers are milliseconds; the tail shows a slow database or a large bulk. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds for one SMTP hand-off: a local relay answers in milliseconds, a distant one in seconds. */
const SEND_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds between due and claimed: the poll is 500 ms; minutes mean a backlog or a lost lease. */
const LAG_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

const DELIVERY_OUTCOMES = ['sent', 'retry', 'failed', 'skipped'] as const;
const WEBHOOK_OUTCOMES = ['delivered', 'retry', 'failed'] as const;
/** Seconds for one webhook POST: receivers answer in milliseconds; the timeout is 15 s. */
const WEBHOOK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];
const RATE_LIMITS = ['enroll', 'redeem'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];
export type RefusalReason = 'already_used' | 'expired' | 'revoked' | 'not_found';
export type RateLimitName = (typeof RATE_LIMITS)[number];

export interface MetricsOptions {
  /**
   * Whether this process serves its metrics. Only then are they counted (prom-client, with its
   * process metrics: CPU, memory, event loop, GC); otherwise every counter is a no-op.
   */
  enabled: boolean;
}

/** A counter as the services move it (prom-client's Counter, or a no-op). */
export interface CounterMetric<Label extends string> {
  inc(labels: Partial<Record<Label, string | number>>, value?: number): void;
  inc(value?: number): void;
}

/** A histogram as the services move it (prom-client's Histogram, or a no-op). */
export interface HistogramMetric {
  observe(value: number): void;
}

export interface Metrics {
  /** What a scrape reads; null where the process serves no metrics. */
  registry: Registry | null;
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  tokens: {
    created: CounterMetric<'platform'>;
    redeemed: CounterMetric<'platform'>;
    revoked: CounterMetric<'platform'>;
    expired: CounterMetric<'platform'>;
    refused: CounterMetric<'platform' | 'reason'>;
  };
  email: {
    deliveries: CounterMetric<'outcome'>;
    deferred: CounterMetric<never>;
    sendDuration: HistogramMetric;
    workerLag: HistogramMetric;
  };
  webhooks: {
    deliveries: CounterMetric<'outcome'>;
    duration: HistogramMetric;
    workerLag: HistogramMetric;
  };
  rateLimited: CounterMetric<'limit'>;
}

/** What the token services move. */
export type TokenMetrics = Metrics['tokens'];
/** What the email worker moves. */
export type EmailMetrics = Metrics['email'];
/** What the webhook worker moves. */
export type WebhookMetrics = Metrics['webhooks'];

const NOT_COUNTED: CounterMetric<string> & HistogramMetric = { inc() {}, observe() {} };

export function createMetrics(database: DatabaseHandle, options: MetricsOptions): Metrics {
  if (!options.enabled) {
    return {
      registry: null,
      observeRequest() {},
      tokens: { created: NOT_COUNTED, redeemed: NOT_COUNTED, revoked: NOT_COUNTED, expired: NOT_COUNTED, refused: NOT_COUNTED },
      email: { deliveries: NOT_COUNTED, deferred: NOT_COUNTED, sendDuration: NOT_COUNTED, workerLag: NOT_COUNTED },
      webhooks: { deliveries: NOT_COUNTED, duration: NOT_COUNTED, workerLag: NOT_COUNTED },
      rateLimited: NOT_COUNTED,
    };
  }
  return createPrometheusMetrics(database);
}

/** The registry of metrics that are served (an error where they were created disabled). */
export function servedRegistry(metrics: Metrics): Registry {
  if (!metrics.registry) throw new Error('metrics are served, but the services were created with metrics disabled');
  return metrics.registry;
}

type PromClient = typeof import('prom-client');

let promClient: PromClient | undefined;
/** prom-client, loaded the first time a process creates metrics it serves. */
function loadPromClient(): PromClient {
  return (promClient ??= createRequire(import.meta.url)('prom-client') as PromClient);
}

function createPrometheusMetrics(database: DatabaseHandle): Metrics {
  const { collectDefaultMetrics, Counter, Histogram, Registry } = loadPromClient();
  const registry = new Registry();
  const registers = [registry];
  const name = (suffix: string) => METRIC_PREFIX + suffix;
  collectDefaultMetrics({ register: registry });

  const httpRequests = new Counter({ name: name('http_requests_total'), help: 'HTTP requests answered, by route pattern, method and status', labelNames: ['route', 'method', 'status'] as const, registers });
  const httpDuration = new Histogram({ name: name('http_request_duration_seconds'), help: 'Time to answer an HTTP request, by route pattern and method', labelNames: ['route', 'method'] as const, buckets: HTTP_BUCKETS, registers });

  // The label lookups of a request (hashing the label set) are done once per route, method and
  // status; afterwards a request costs one map lookup, one increment and one observation.
  const requestSeries = new Map<string, { count: { inc(): void }; duration: { observe(value: number): void } }>();
  function observeRequest(route: string, method: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = requestSeries.get(key);
    if (!series) {
      series = { count: httpRequests.labels(route, method, String(status)), duration: httpDuration.labels(route, method) };
      requestSeries.set(key, series);
    }
    series.count.inc();
    series.duration.observe(seconds);
  }

  const byPlatform = (suffix: string, help: string) => new Counter({ name: name(suffix), help, labelNames: ['platform'] as const, registers });
  const tokens = {
    created: byPlatform('tokens_created_total', 'Enrollment tokens created (single and bulk), by platform'),
    redeemed: byPlatform('tokens_redeemed_total', 'Enrollment tokens redeemed (PENDING → DONE), by platform'),
    revoked: byPlatform('tokens_revoked_total', 'Enrollment tokens revoked, by platform'),
    expired: byPlatform('tokens_expired_total', 'Enrollment tokens the expiry sweeper marked EXPIRED, by platform'),
    refused: new Counter({ name: name('redemptions_refused_total'), help: 'Redemptions refused, by platform and reason', labelNames: ['platform', 'reason'] as const, registers }),
  };

  const email = {
    deliveries: new Counter({ name: name('email_deliveries_total'), help: 'Invitation delivery attempts by outcome: sent, retry (temporary failure), failed (given up), skipped (no longer to send)', labelNames: ['outcome'] as const, registers }),
    deferred: new Counter({ name: name('email_deferred_total'), help: 'Invitations held back by their organization\'s hourly sending budget', registers }),
    sendDuration: new Histogram({ name: name('email_send_duration_seconds'), help: 'Time the mail server took to accept (or refuse) one invitation', buckets: SEND_BUCKETS, registers }),
    workerLag: new Histogram({ name: name('email_worker_lag_seconds'), help: 'How late a worker claimed an invitation after it became due', buckets: LAG_BUCKETS, registers }),
  };

  const webhooks = {
    deliveries: new Counter({ name: name('webhook_deliveries_total'), help: 'Webhook delivery attempts by outcome: delivered (a 2xx answer), retry (tried again later), failed (given up)', labelNames: ['outcome'] as const, registers }),
    duration: new Histogram({ name: name('webhook_delivery_duration_seconds'), help: 'Time one webhook POST took, answered or not', buckets: WEBHOOK_BUCKETS, registers }),
    workerLag: new Histogram({ name: name('webhook_worker_lag_seconds'), help: 'How late a worker claimed a webhook delivery after it became due', buckets: LAG_BUCKETS, registers }),
  };
  const rateLimited = new Counter({ name: name('rate_limit_rejections_total'), help: 'Requests refused (429) by a rate limit: enroll (per address on /enroll) or redeem (per key)', labelNames: ['limit'] as const, registers });

  // Series of closed label sets exist from the start at 0, so `rate()` and alerts see them
  // before the first failure rather than finding nothing.
  for (const outcome of DELIVERY_OUTCOMES) email.deliveries.inc({ outcome }, 0);
  for (const outcome of WEBHOOK_OUTCOMES) webhooks.deliveries.inc({ outcome }, 0);
  for (const limit of RATE_LIMITS) rateLimited.inc({ limit }, 0);

  registerDatabaseGauges(registry, database);

  return { registry, observeRequest, tokens, email, webhooks, rateLimited };
}

/**
 * Gauges read when Prometheus scrapes: whether the database answers, the outbox, and (PostgreSQL)
 * the connection pool. A query that fails leaves its gauge empty for that scrape rather than
 * failing the whole scrape: `enrolld_database_up 0` is the signal then.
 */
function registerDatabaseGauges(registry: Registry, database: DatabaseHandle): void {
  const { Gauge } = loadPromClient();
  const registers = [registry];
  // First, so the pool is read before this scrape's own queries take connections from it.
  // SQLite has no pool (one connection in the process): nothing to report there.
  const pool = database.poolStats;
  if (pool) {
    const poolGauge = (suffix: string, help: string, read: (stats: PoolStats) => number) =>
      new Gauge({
        name: METRIC_PREFIX + suffix,
        help,
        registers,
        collect() {
          this.set(read(pool()));
        },
      });
    poolGauge('db_pool_connections_in_use', 'PostgreSQL pool connections checked out by a query or transaction', (stats) => stats.total - stats.idle);
    poolGauge('db_pool_connections_idle', 'PostgreSQL pool connections open and idle', (stats) => stats.idle);
    poolGauge('db_pool_waiting', 'Queries waiting for a free PostgreSQL pool connection', (stats) => stats.waiting);
  }
  new Gauge({
    name: METRIC_PREFIX + 'database_up',
    help: '1 when the database answered a trivial query during this scrape, else 0',
    registers,
    async collect() {
      this.set((await database.ping()) ? 1 : 0);
    },
  });
  queueGauges(registry, database, {
    pending: 'email_outbox_invitations',
    pendingHelp: 'Invitations not yet delivered, by state: due (waiting for a worker), sending (claimed), waiting (a retry or the sending budget holds them)',
    oldest: 'email_oldest_due_seconds',
    oldestHelp: 'Age of the longest-waiting due invitation, in seconds (0 when none is due)',
    counts: unsentInvitations,
    oldestDue: oldestDueInvitation,
  });
  queueGauges(registry, database, {
    pending: 'webhook_deliveries_pending',
    pendingHelp: 'Webhook deliveries not yet done, by state: due (waiting for a worker), sending (claimed), waiting (a retry holds them)',
    oldest: 'webhook_oldest_due_seconds',
    oldestHelp: 'Age of the longest-waiting due webhook delivery, in seconds (0 when none is due)',
    counts: unfinishedDeliveries,
    oldestDue: oldestDueDelivery,
  });
}

/** The two gauges of a job queue (jobs/lease-queue.ts): its unfinished jobs by state, and how long the oldest due one has waited. */
function queueGauges(
  registry: Registry,
  database: DatabaseHandle,
  queue: {
    pending: string;
    pendingHelp: string;
    oldest: string;
    oldestHelp: string;
    counts: (db: DatabaseHandle['db'], now: string) => Promise<Record<string, number>>;
    oldestDue: (db: DatabaseHandle['db'], now: string) => Promise<string | null>;
  },
): void {
  const { Gauge } = loadPromClient();
  new Gauge({
    name: METRIC_PREFIX + queue.pending,
    help: queue.pendingHelp,
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const counts = await queue.counts(database.db, nowIso()).catch(() => null);
      if (counts) for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
    },
  });
  new Gauge({
    name: METRIC_PREFIX + queue.oldest,
    help: queue.oldestHelp,
    registers: [registry],
    async collect() {
      this.reset();
      const now = nowIso();
      const oldest = await queue.oldestDue(database.db, now).catch(() => undefined);
      if (oldest !== undefined) this.set(oldest === null ? 0 : Math.max(0, (Date.parse(now) - Date.parse(oldest)) / 1000));
    },
  });
}
