/**
 * Redemption, devices and the redemption audit of one platform, registered once per adapter
 * under /v1/organizations/:organizationId/mdm/<platform>/enterprise.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { organizationOf, principalOf } from '../../http/auth.ts';
import { perKeyLimit } from '../../http/rate-limits.ts';
import { ok } from '../../http/envelope.ts';
import { listQuery, pageOf, pageRequestFrom } from '../../http/pagination.ts';
import { EntityId, errorResponses, OrganizationParams, success } from '../../http/schemas.ts';
import type { PlatformAdapter } from '../../platforms/platform.ts';
import type { RedemptionService } from './redemption.service.ts';
import { secretViewFor } from '../enrollment-tokens/token-secrets.ts';
import { AttemptSchema, DeviceSchema, RedeemBody } from './redemption.schemas.ts';
import { ErrorCode } from '../../errors.ts';

export const redemptionRoutes: FastifyPluginAsyncTypebox<{ redemption: RedemptionService; adapter: PlatformAdapter; rateLimit: number }> = async (
  app,
  { redemption, adapter, rateLimit },
) => {
  const tokenPermission = (action: string) => ({ auth: { permission: `mdm.${adapter.platform}.enrollmentToken.${action}` } });
  const errors = errorResponses(400, 401, 403, 404, 429);
  const tokenTags = [`${adapter.label} enrollment tokens`];

  app.post(
    '/enrollment-tokens/redeem',
    {
      config: { ...tokenPermission('redeem'), rateLimit: perKeyLimit(rateLimit), errors: [ErrorCode.EntityNotFound, ErrorCode.TokenAlreadyUsed, ErrorCode.TokenExpired, ErrorCode.TokenRevoked] },
      schema: {
        tags: tokenTags,
        operationId: `redeem${adapter.label}EnrollmentToken`,
        summary: 'Report the device that enrolled with a code: PENDING → DONE, exactly once',
        params: OrganizationParams,
        body: RedeemBody,
        response: {
          200: success(Type.Object({ token: adapter.tokenSchema, device: DeviceSchema }, { description: 'The redeemed token and its device' }), 'Redeemed'),
          ...errors,
        },
      },
    },
    async (request) => {
      const redeemed = await redemption.redeem(organizationOf(request).id, adapter, request.body, request.ip ?? null);
      return ok({ ...redeemed, token: secretViewFor(principalOf(request), adapter).token(redeemed.token) });
    },
  );

  app.get(
    '/enrollment-tokens/:tokenId/redemptions',
    {
      config: tokenPermission('get'),
      schema: {
        tags: tokenTags,
        operationId: `list${adapter.label}EnrollmentTokenRedemptions`,
        summary: 'Every redemption attempt of a token, won or refused',
        params: Type.Object({ ...OrganizationParams.properties, tokenId: EntityId('Enrollment token id') }, { additionalProperties: false }),
        querystring: listQuery(['createdAt'] as const, {}),
        response: { 200: success(pageOf(AttemptSchema, 'A page of attempts'), 'Attempts'), ...errors },
      },
    },
    async (request) => {
      const attempts = await redemption.listAttempts(organizationOf(request).id, adapter, request.params.tokenId, pageRequestFrom(request.query, 'createdAt'));
      const secrets = secretViewFor(principalOf(request), adapter);
      return ok({ ...attempts, items: attempts.items.map((attempt) => ({ ...attempt, code: attempt.code === null ? null : secrets.code(attempt.code) })) });
    },
  );

  app.get(
    '/devices',
    {
      config: { auth: { permission: `mdm.${adapter.platform}.device.list` } },
      schema: {
        tags: [`${adapter.label} devices`],
        operationId: `list${adapter.label}Devices`,
        summary: `List enrolled ${adapter.label} devices`,
        params: OrganizationParams,
        querystring: listQuery(['createdAt'] as const, {}),
        response: { 200: success(pageOf(DeviceSchema, 'A page of devices'), 'Devices'), ...errors },
      },
    },
    async (request) => ok(await redemption.listDevices(organizationOf(request).id, adapter, pageRequestFrom(request.query, 'createdAt'))),
  );
};
