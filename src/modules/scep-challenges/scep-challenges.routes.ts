/**
 * POST /v1/organizations/:organizationId/mdm/apple/enterprise/scep-challenges/verify — for the
 * SCEP server: is this the challenge of a live enrollment, and has it not been used? Answers once.
 * It takes the MDM server's permission (enrollmentToken.redeem): both act for enrolling devices.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { organizationOf } from '../../http/auth.ts';
import { ok } from '../../http/envelope.ts';
import { perKeyLimit } from '../../http/rate-limits.ts';
import { errorResponses, OrganizationParams, success } from '../../http/schemas.ts';
import type { ScepChallengeService } from './scep-challenges.service.ts';
import { VerifiedSchema } from './scep-challenges.schemas.ts';
import { ErrorCode } from '../../errors.ts';

export const scepChallengeRoutes: FastifyPluginAsyncTypebox<{ scepChallenges: ScepChallengeService; rateLimit: number }> = async (app, { scepChallenges, rateLimit }) => {
  app.post(
    '/verify',
    {
      config: { auth: { permission: 'mdm.apple.enrollmentToken.redeem' }, rateLimit: perKeyLimit(rateLimit), errors: [ErrorCode.EntityNotFound, ErrorCode.TokenAlreadyUsed, ErrorCode.TokenExpired, ErrorCode.TokenRevoked] },
      schema: {
        tags: ['Apple enrollment tokens'],
        operationId: 'verifyScepChallenge',
        summary: 'Verify and consume the SCEP challenge a device presents (404 unknown, 400/5201 already used, 5202 expired, 5203 revoked)',
        params: OrganizationParams,
        body: Type.Object(
          { challenge: Type.String({ minLength: 1, maxLength: 256, description: 'The challengePassword of the certificate request' }) },
          { additionalProperties: false },
        ),
        response: { 200: success(VerifiedSchema, 'Verified; it cannot verify again'), ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => ok(await scepChallenges.verify(organizationOf(request).id, request.body.challenge)),
  );
};
