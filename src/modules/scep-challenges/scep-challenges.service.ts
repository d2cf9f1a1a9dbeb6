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
import { nowIso, toIso } from '../../lib/time.ts';
import { newId } from '../../lib/ids.ts';
import { tokenIdOfCommonName } from '../../platforms/apple/scep-subject.ts';
import type { RedemptionService } from '../redemption/redemption.service.ts';
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

/** Why the CA's challenge check refused a request (recorded in the token's audit). */
export type ScepRefusal = 'unknown_challenge' | 'subject_mismatch' | 'expired' | 'revoked' | 'already_used' | 'renewal_not_allowed';

/** What a certificate request carries that the challenge check looks at (from step-ca's SCEPCHALLENGE call). */
export interface ScepRequest {
  challenge: string;
  /** The request's subject common name: the profile names the token there. */
  commonName: string | null;
  transactionId: string;
}

export type ScepDecision =
  | { allow: true; renewal: boolean; data: { tokenId: string; organizationId: string; user: { id: string; email: string; name: string | null } } }
  | { allow: false; reason: ScepRefusal };

/** What the CA reported after a request passed the check: the certificate it issued, or why it failed. */
export type ScepOutcome =
  | { transactionId: string; certificate: { serialNumber: string; subject: string; notBefore: string; notAfter: string } }
  | { transactionId: string; error: string };

/**
 * A certificate may be renewed once it has lived this share of its validity (macOS renews before
 * expiry, presenting the profile's challenge again). Before that, a second request with a used
 * challenge is a copy of the profile on another device, not a renewal.
 */
const RENEWAL_FROM_SHARE = 2 / 3;

const REFUSAL_OF_STATE: Partial<Record<StoredToken['state'], ScepRefusal>> = { DONE: 'already_used', EXPIRED: 'expired', DELETED: 'revoked' };

export interface ScepChallengeDeps {
  db: Db;
  tokens: Pick<EnrollmentTokenService, 'findByIds'>;
  /** The token's audit and its device (the redemption module's). */
  audit: Pick<RedemptionService, 'recordLifecycle' | 'deviceOfToken'>;
}

export function createScepChallengeService({ db, tokens, audit }: ScepChallengeDeps) {
  /** The latest certificate the CA reported for a token. */
  const latestCertificate = (tokenId: string) =>
    db
      .selectFrom('scepCertificates')
      .select(['transactionId', 'notBefore', 'notAfter'])
      .where('tokenId', '=', tokenId)
      .where('error', 'is', null)
      .orderBy('createdAt', 'desc')
      .limit(1)
      .executeTakeFirst();

  /**
   * A used challenge presented again: a renewal by the device the token is bound to is allowed
   * once its certificate is due (RENEWAL_FROM_SHARE of its validity), once per certificate; else
   * not. What step-ca sends cannot tell two devices apart, so the rule is about time and state:
   * before the token is redeemed, after its device checked out, or while its certificate is not
   * due, a request with a used challenge is refused.
   */
  async function renewalAllowed(token: StoredToken, previousTransaction: string | null, now: string): Promise<boolean> {
    if (token.state !== 'DONE') return false;
    const device = await audit.deviceOfToken(token.organizationId, token);
    if (!device || device.status === 'CHECKED_OUT') return false;
    const certificate = await latestCertificate(token.id);
    if (!certificate?.notBefore || !certificate.notAfter || certificate.transactionId !== previousTransaction) return false;
    const from = Date.parse(toIso(certificate.notBefore));
    const to = Date.parse(toIso(certificate.notAfter));
    return Date.parse(now) >= from + (to - from) * RENEWAL_FROM_SHARE;
  }

  async function refuse(token: StoredToken | null, reason: ScepRefusal, request: ScepRequest): Promise<ScepDecision> {
    if (token) {
      await audit.recordLifecycle(db, { organizationId: token.organizationId, platform: 'apple', tokenId: token.id, outcome: 'SCEP_REFUSED', detail: { reason, transactionId: request.transactionId, commonName: request.commonName } });
    }
    return { allow: false, reason };
  }

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

    /**
     * The SCEP CA asks whether a certificate request may be signed (step-ca's SCEPCHALLENGE
     * webhook). Allowed once per challenge of a PENDING token, when the request's subject names
     * that token; the challenge is consumed in one conditional update, so of many racing requests
     * one is allowed. A used challenge is allowed again only as the bound device's renewal.
     * Every decision about a known token is recorded in its audit.
     */
    async decide(organizationId: string, request: ScepRequest): Promise<ScepDecision> {
      const hash = hashSecret(request.challenge);
      const row = await db.selectFrom('scepChallenges').selectAll().where('challengeHash', '=', hash).where('organizationId', '=', organizationId).executeTakeFirst();
      if (!row) return { allow: false, reason: 'unknown_challenge' };
      const now = nowIso();
      const [token] = await tokens.findByIds([row.tokenId], now);
      if (!token) return { allow: false, reason: 'unknown_challenge' };
      if (tokenIdOfCommonName(request.commonName) !== token.id) return refuse(token, 'subject_mismatch', request);
      let renewal = false;
      if (row.usedAt === null) {
        const refused = REFUSAL_OF_STATE[token.state];
        if (refused) return refuse(token, refused, request);
        const consumed = await db
          .updateTable('scepChallenges')
          .set({ usedAt: now, transactionId: request.transactionId })
          .where('challengeHash', '=', hash)
          .where('usedAt', 'is', null)
          .executeTakeFirst();
        if (Number(consumed.numUpdatedRows) !== 1) return refuse(token, 'already_used', request);
      } else {
        if (!(await renewalAllowed(token, row.transactionId, now))) return refuse(token, token.state === 'DONE' ? 'renewal_not_allowed' : REFUSAL_OF_STATE[token.state] ?? 'already_used', request);
        // One renewal per certificate: the first request to move the challenge on wins.
        const moved = await db
          .updateTable('scepChallenges')
          .set({ transactionId: request.transactionId })
          .where('challengeHash', '=', hash)
          .where('transactionId', '=', row.transactionId!)
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1) return refuse(token, 'renewal_not_allowed', request);
        renewal = true;
      }
      await audit.recordLifecycle(db, { organizationId, platform: 'apple', tokenId: token.id, outcome: 'SCEP_ALLOWED', detail: { transactionId: request.transactionId, commonName: request.commonName, renewal } });
      return {
        allow: true,
        renewal,
        data: { tokenId: token.id, organizationId, user: { id: token.mdmUser.id, email: token.mdmUser.email, name: token.mdmUser.name ?? null } },
      };
    },

    /**
     * The SCEP CA reports what became of an allowed request (step-ca's NOTIFYING webhook): the
     * certificate, recorded against the token the transaction's challenge belongs to, or the error.
     * A transaction enrolld did not allow is ignored (false).
     */
    async recordOutcome(organizationId: string, outcome: ScepOutcome): Promise<boolean> {
      const challenge = await db
        .selectFrom('scepChallenges')
        .select(['tokenId'])
        .where('organizationId', '=', organizationId)
        .where('transactionId', '=', outcome.transactionId)
        .executeTakeFirst();
      if (!challenge) return false;
      const now = nowIso();
      const issued = 'certificate' in outcome ? outcome.certificate : null;
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('scepCertificates')
          .values({
            id: newId(),
            organizationId,
            tokenId: challenge.tokenId,
            transactionId: outcome.transactionId,
            serialNumber: issued?.serialNumber ?? null,
            subject: issued?.subject ?? null,
            notBefore: issued?.notBefore ?? null,
            notAfter: issued?.notAfter ?? null,
            error: 'error' in outcome ? outcome.error : null,
            createdAt: now,
          })
          .execute();
        await audit.recordLifecycle(trx, {
          organizationId,
          platform: 'apple',
          tokenId: challenge.tokenId,
          outcome: issued ? 'CERTIFICATE_ISSUED' : 'CERTIFICATE_FAILED',
          detail: issued ? { transactionId: outcome.transactionId, ...issued } : { transactionId: outcome.transactionId, error: (outcome as { error: string }).error },
        });
      });
      return true;
    },
  };
}

export type ScepChallengeService = ReturnType<typeof createScepChallengeService>;
