/**
 * Browser sessions (the admin console's sign-in): an API key exchanged for a session, so the key
 * never has to live in the browser. The session is a random secret in an HttpOnly cookie; the
 * server keeps only its hash and the hash of the key it was opened with, and every request made
 * with it is authenticated as that key, read live — a session may do exactly what its key may,
 * and revoking the key ends it. A session ends after `idleMinutes` unused, after 12 hours
 * whatever its use, or when signed out. Each has a CSRF token that every state-changing request
 * must repeat in a header, beside the cookie's SameSite=Strict.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { digestsEqual, hashSecret } from '../../lib/secrets.ts';
import { deleteSession, findSession, insertSession, purgeSessions, touchSession } from './sessions.repository.ts';

/** However much it is used, a session ends this long after it was opened. */
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000;
/** Use is written down at most this often per session (the idle limit is in minutes). */
const TOUCH_EVERY_MS = 30 * 1000;
const PURGE_EVERY_MS = 60 * 1000;

export interface OpenedSession {
  /** The cookie's value: shown once, kept only hashed. */
  secret: string;
  /** For X-CSRF-Token: shown once, kept only hashed. */
  csrfToken: string;
  expiresAt: string;
}

/** A live session, as a request made with it needs it. */
export interface LiveSession {
  keyHash: string;
  /** Whether `token` is this session's CSRF token. */
  csrfMatches(token: string | undefined): boolean;
}

const newSecret = () => randomBytes(32).toString('base64url');

export function createSessionService(deps: { db: Db; idleMinutes: number; now?: () => Date }) {
  const { db } = deps;
  const clock = deps.now ?? (() => new Date());
  const idleMs = deps.idleMinutes * 60 * 1000;
  let purgedAt = 0;

  return {
    idleMinutes: deps.idleMinutes,

    /** A session acting as the key whose hash is `keyHash` (the caller has checked the key). */
    async open(keyHash: string): Promise<OpenedSession> {
      const now = clock();
      if (now.getTime() - purgedAt > PURGE_EVERY_MS) {
        purgedAt = now.getTime();
        await purgeSessions(db, now.toISOString(), new Date(now.getTime() - idleMs).toISOString());
      }
      const secret = newSecret();
      const csrfToken = newSecret();
      const expiresAt = new Date(now.getTime() + SESSION_MAX_MS).toISOString();
      await insertSession(db, { idHash: hashSecret(secret), keyHash, csrfHash: hashSecret(csrfToken), createdAt: now.toISOString(), lastSeenAt: now.toISOString(), expiresAt });
      return { secret, csrfToken, expiresAt };
    },

    /** The live session of a cookie's secret, or null (unknown, idle too long, past its limit). */
    async find(secret: string): Promise<LiveSession | null> {
      const idHash = hashSecret(secret);
      const session = await findSession(db, idHash);
      if (!session) return null;
      const now = clock();
      if (Date.parse(session.expiresAt) <= now.getTime() || Date.parse(session.lastSeenAt) + idleMs <= now.getTime()) {
        await deleteSession(db, idHash);
        return null;
      }
      if (now.getTime() - Date.parse(session.lastSeenAt) >= TOUCH_EVERY_MS) await touchSession(db, idHash, now.toISOString());
      return {
        keyHash: session.keyHash,
        csrfMatches: (token) => token !== undefined && token.length <= 256 && digestsEqual(hashSecret(token), session.csrfHash),
      };
    },

    /** Sign out: the session ends at once. */
    async close(secret: string): Promise<void> {
      await deleteSession(db, hashSecret(secret));
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
