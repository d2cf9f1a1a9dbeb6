/**
 * One-time SCEP challenges. Every Apple enrollment profile carries a fresh random challenge; its
 * SHA-256 is stored against the token. The SCEP server (which holds an API key) asks enrolld to
 * verify the challenge a device presents: the first verification of a live token's challenge
 * succeeds and consumes it, in one conditional update; any later one fails.
 *
 * A token keeps at most MAX_LIVE_PER_TOKEN unused challenges (a person may download the profile
 * a few times); older unused ones are dropped as new ones are issued.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import { hashSecret } from '../../lib/secrets.ts';
import { nowIso } from '../../lib/time.ts';
import type { EnrollmentTokenService } from '../enrollment-tokens/enrollment-tokens.service.ts';
import type { StoredToken } from '../enrollment-tokens/enrollment-tokens.types.ts';

const MAX_LIVE_PER_TOKEN = 5;

export interface VerifiedChallenge {
  tokenId: string;
  enrollCode: string;
  mdmUser: { id: string; email: string };
  verifiedAt: string;
}

/** Why a challenge of a token that is no longer PENDING does not verify. */
function refusal(token: StoredToken): AppError | null {
  if (token.state === 'DONE') return new AppError(ErrorCode.TokenAlreadyUsed);
  if (token.state === 'EXPIRED') return new AppError(ErrorCode.TokenExpired);
  if (token.state === 'DELETED') return new AppError(ErrorCode.TokenRevoked);
  return null;
}

export function createScepChallengeService({ db, tokens }: { db: Db; tokens: Pick<EnrollmentTokenService, 'findByIds'> }) {
  return {
    /** A new challenge for a token's profile; only its hash is kept. */
    async issue(token: StoredToken<unknown>): Promise<string> {
      const challenge = randomBytes(24).toString('base64url');
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('scepChallenges')
          .values({ challengeHash: hashSecret(challenge), organizationId: token.organizationId, tokenId: token.id, createdAt: nowIso(), usedAt: null })
          .execute();
        const keep = trx
          .selectFrom('scepChallenges')
          .select('challengeHash')
          .where('tokenId', '=', token.id)
          .where('usedAt', 'is', null)
          .orderBy('createdAt', 'desc')
          .limit(MAX_LIVE_PER_TOKEN);
        await trx.deleteFrom('scepChallenges').where('tokenId', '=', token.id).where('usedAt', 'is', null).where('challengeHash', 'not in', keep).execute();
      });
      return challenge;
    },

    /** Verify and consume a challenge of this organization: once, and only while its token is PENDING. */
    async verify(organizationId: string, challenge: string): Promise<VerifiedChallenge> {
      const hash = hashSecret(challenge);
      const row = await db
        .selectFrom('scepChallenges')
        .selectAll()
        .where('challengeHash', '=', hash)
        .where('organizationId', '=', organizationId)
        .executeTakeFirst();
      if (!row) throw AppError.notFound('scepChallenge');
      if (row.usedAt !== null) throw new AppError(ErrorCode.TokenAlreadyUsed, 'SCEP challenge already used');
      const now = nowIso();
      const [token] = await tokens.findByIds([row.tokenId], now);
      if (!token) throw AppError.notFound('scepChallenge');
      const refused = refusal(token);
      if (refused) throw refused;
      const consumed = await db
        .updateTable('scepChallenges')
        .set({ usedAt: now })
        .where('challengeHash', '=', hash)
        .where('usedAt', 'is', null)
        .executeTakeFirst();
      if (Number(consumed.numUpdatedRows) !== 1) throw new AppError(ErrorCode.TokenAlreadyUsed, 'SCEP challenge already used');
      return { tokenId: token.id, enrollCode: token.enrollCode, mdmUser: { id: token.mdmUser.id, email: token.mdmUser.email }, verifiedAt: now };
    },
  };
}

export type ScepChallengeService = ReturnType<typeof createScepChallengeService>;
