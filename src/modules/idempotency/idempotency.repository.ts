/** The `idempotency_keys` table (migration 0014). */
import type { Db } from '../../db/database.ts';
import { toIso, toIsoOrNull } from '../../lib/time.ts';

export interface KeyRecord {
  fingerprint: string;
  status: 'RUNNING' | 'DONE';
  responseStatus: number | null;
  responseBody: string | null;
  lockedUntil: string | null;
  expiresAt: string;
}

export interface NewKey {
  scope: string;
  key: string;
  fingerprint: string;
  now: string;
  lockedUntil: string;
  expiresAt: string;
}

/** Take the key for a first request; false when it is already taken. */
export async function claimKey(db: Db, a: NewKey): Promise<boolean> {
  const result = await db
    .insertInto('idempotencyKeys')
    .values({ scope: a.scope, key: a.key, fingerprint: a.fingerprint, status: 'RUNNING', responseStatus: null, responseBody: null, lockedUntil: a.lockedUntil, createdAt: a.now, expiresAt: a.expiresAt })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findKey(db: Db, scope: string, key: string): Promise<KeyRecord | null> {
  const row = await db.selectFrom('idempotencyKeys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
  if (!row) return null;
  return {
    fingerprint: row.fingerprint,
    status: row.status as KeyRecord['status'],
    responseStatus: row.responseStatus === null ? null : Number(row.responseStatus),
    responseBody: row.responseBody,
    lockedUntil: toIsoOrNull(row.lockedUntil),
    expiresAt: toIso(row.expiresAt),
  };
}

/**
 * Take over a key whose record expired, or whose first request was abandoned (its node died while
 * it ran): one conditional update, so of two requests racing for it one wins.
 */
export async function takeOverKey(db: Db, a: NewKey): Promise<boolean> {
  const result = await db
    .updateTable('idempotencyKeys')
    .set({ fingerprint: a.fingerprint, status: 'RUNNING', responseStatus: null, responseBody: null, lockedUntil: a.lockedUntil, createdAt: a.now, expiresAt: a.expiresAt })
    .where('scope', '=', a.scope)
    .where('key', '=', a.key)
    .where((eb) => eb.or([eb('expiresAt', '<=', a.now), eb.and([eb('status', '=', 'RUNNING'), eb('lockedUntil', '<=', a.now)])]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The first request still runs: its key stays taken until `lockedUntil`. */
export async function renewKey(db: Db, scope: string, key: string, fingerprint: string, lockedUntil: string): Promise<void> {
  await db.updateTable('idempotencyKeys').set({ lockedUntil }).where('scope', '=', scope).where('key', '=', key).where('fingerprint', '=', fingerprint).where('status', '=', 'RUNNING').execute();
}

/**
 * The first request's answer, to give again: written in the work's own transaction where the work
 * records it there, then (or otherwise) as it is sent, over what the transaction wrote.
 */
export async function completeKey(db: Db, scope: string, key: string, fingerprint: string, status: number, body: string): Promise<void> {
  await db
    .updateTable('idempotencyKeys')
    .set({ status: 'DONE', responseStatus: status, responseBody: body, lockedUntil: null })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('fingerprint', '=', fingerprint)
    .execute();
}

/** The first request did nothing worth repeating (a server error, a rate limit): the key is free again. */
export async function releaseKey(db: Db, scope: string, key: string): Promise<void> {
  await db.deleteFrom('idempotencyKeys').where('scope', '=', scope).where('key', '=', key).where('status', '=', 'RUNNING').execute();
}

export async function purgeExpiredKeys(db: Db, now: string): Promise<void> {
  await db.deleteFrom('idempotencyKeys').where('expiresAt', '<=', now).execute();
}
