/**
 * Long token creations run here, outside any screen: an admin who starts a 10,000-address bulk can
 * go on using the console (the header shows the progress on every screen) and come back to the
 * result. A job sends its addresses in requests of 1,000, one after another; each request carries
 * its own Idempotency-Key (the client's), so a retried request never makes a token twice. What
 * the earlier requests made is kept when a later one fails.
 */
import type { BulkTokenResult, EnrolldClient } from '@enrolld/client';
import { useSyncExternalStore } from 'react';
import { chunks } from './addresses.ts';
import { bulkPath, type Platform } from './platforms.ts';

const ADDRESSES_PER_REQUEST = 1_000;

export interface BulkJob {
  id: number;
  organizationId: string;
  platform: Platform;
  total: number;
  /** Addresses answered so far. */
  done: number;
  result: BulkTokenResult;
  running: boolean;
  error: unknown;
}

let jobs: readonly BulkJob[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function update(id: number, change: Partial<BulkJob>): void {
  jobs = jobs.map((job) => (job.id === id ? { ...job, ...change } : job));
  for (const listener of listeners) listener();
}

export function startBulkJob(input: { client: EnrolldClient; organizationId: string; platform: Platform; addresses: string[]; options: Record<string, unknown>; onSettled(): void }): number {
  const id = nextId++;
  const result: BulkTokenResult = { total: 0, success: 0, fail: 0, failures: [], tokens: [] };
  jobs = [...jobs, { id, organizationId: input.organizationId, platform: input.platform, total: input.addresses.length, done: 0, result, running: true, error: null }];
  for (const listener of listeners) listener();
  void (async () => {
    try {
      for (const userEmails of chunks(input.addresses, ADDRESSES_PER_REQUEST)) {
        const answer = await input.client.unwrap(
          input.client.api.POST(bulkPath(input.platform), { params: { path: { organizationId: input.organizationId } }, body: { ...input.options, userEmails } as never }),
        );
        result.total += answer.total;
        result.success += answer.success;
        result.fail += answer.fail;
        result.failures.push(...answer.failures);
        result.tokens.push(...answer.tokens);
        update(id, { done: result.total, result: { ...result } });
      }
      update(id, { running: false });
    } catch (error) {
      update(id, { running: false, error });
    } finally {
      input.onSettled();
    }
  })();
  return id;
}

/** Forget finished jobs (a new sign-in starts with none). */
export function clearBulkJobs(): void {
  jobs = jobs.filter((job) => job.running);
  for (const listener of listeners) listener();
}

export function useBulkJobs(): readonly BulkJob[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => jobs,
  );
}
