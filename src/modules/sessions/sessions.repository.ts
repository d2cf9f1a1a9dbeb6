/** The `sessions` table (migration 0016). */
import type { Db } from '../../db/database.ts';
import { toIso } from '../../lib/time.ts';

export interface StoredSession {
  idHash: string;
  keyHash: string;
  csrfHash: string;
  lastSeenAt: string;
  expiresAt: string;
}

export async function insertSession(db: Db, session: StoredSession & { createdAt: string }): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
}

export async function findSession(db: Db, idHash: string): Promise<StoredSession | null> {
  const row = await db.selectFrom('sessions').select(['idHash', 'keyHash', 'csrfHash', 'lastSeenAt', 'expiresAt']).where('idHash', '=', idHash).executeTakeFirst();
  return row ? { ...row, lastSeenAt: toIso(row.lastSeenAt), expiresAt: toIso(row.expiresAt) } : null;
}

export async function touchSession(db: Db, idHash: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ lastSeenAt: at }).where('idHash', '=', idHash).execute();
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('idHash', '=', idHash).execute();
}

/** Sessions past their absolute limit, or unused since `idleSince`. */
export async function purgeSessions(db: Db, now: string, idleSince: string): Promise<void> {
  await db.deleteFrom('sessions').where((eb) => eb.or([eb('expiresAt', '<=', now), eb('lastSeenAt', '<=', idleSince)])).execute();
}
