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
import { BoundedString, EntityId, errorResponses, OrganizationParams, success, Timestamp } from '../../http/schemas.ts';
import type { PlatformAdapter } from '../../platforms/platform.ts';
import type { RedemptionService } from './redemption.service.ts';
import { secretViewFor } from '../enrollment-tokens/token-secrets.ts';
import { SECRET_NOTE } from '../../platforms/common-fields.ts';

const Identifier = (description: string) => Type.Optional(BoundedString(128, { minLength: 1, description }));

const DeviceInput = Type.Object(
  {
    serialNumber: Identifier('Serial number'),
    udid: Identifier('UDID (Apple) or hardware id'),
    imei: Identifier('IMEI'),
    model: Identifier('Model, e.g. "iPhone15,2"'),
    osVersion: Identifier('Operating system version'),
  },
  { additionalProperties: false, description: 'The enrolled device; at least one of serialNumber, udid, imei identifies it' },
);

export const RedeemBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64, description: "The token's enrollCode (any case; dashes and spaces ignored)" }),
    device: DeviceInput,
  },
  { additionalProperties: false },
);

const Nullable = (description: string) => Type.Union([Type.String(), Type.Null()], { description });
const DeviceSchema = Type.Object(
  {
    id: EntityId('Device id'),
    organizationId: Type.String({ description: 'Organization id' }),
    platform: Type.String({ description: 'apple, windows or android' }),
    tokenId: Nullable('The token it enrolled with'),
    serialNumber: Nullable('Serial number'),
    udid: Nullable('UDID'),
    imei: Nullable('IMEI'),
    model: Nullable('Model'),
    osVersion: Nullable('OS version'),
    createdAt: Timestamp('When it enrolled'),
  },
  { description: 'An enrolled device' },
);

const AttemptSchema = Type.Object(
  {
    id: EntityId('Attempt id'),
    tokenId: Nullable('The token the code named, or null'),
    code: Type.Union([Type.String(), Type.Null()], { description: `The code presented (normalized). ${SECRET_NOTE}` }),
    outcome: Type.String({ description: 'REDEEMED, REPEATED, ALREADY_USED, EXPIRED, REVOKED or NOT_FOUND' }),
    clientAddress: Nullable('Address of the caller'),
    device: Type.Record(Type.String(), Type.Unknown(), { description: 'The device identifiers presented' }),
    createdAt: Timestamp('When it was attempted'),
  },
  { description: 'A redemption attempt' },
);

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
      config: { ...tokenPermission('redeem'), rateLimit: perKeyLimit(rateLimit) },
      schema: {
        tags: tokenTags,
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
        summary: 'Every redemption attempt of a token, won or refused',
        params: Type.Object({ ...OrganizationParams.properties, tokenId: EntityId('Enrollment token id') }, { additionalProperties: false }),
        querystring: listQuery(['createdAt'] as const, {}),
        response: { 200: success(pageOf(AttemptSchema, 'A page of attempts'), 'Attempts'), ...errors },
      },
    },
    async (request) => {
      const attempts = await redemption.listAttempts(organizationOf(request).id, adapter, request.params.tokenId, pageRequestFrom(request.query, 'createdAt'));
      const secrets = secretViewFor(principalOf(request), adapter);
      return ok({ ...attempts, items: attempts.items.map((attempt) => ({ ...attempt, code: secrets.code(attempt.code) })) });
    },
  );

  app.get(
    '/devices',
    {
      config: { auth: { permission: `mdm.${adapter.platform}.device.list` } },
      schema: {
        tags: [`${adapter.label} devices`],
        summary: `List enrolled ${adapter.label} devices`,
        params: OrganizationParams,
        querystring: listQuery(['createdAt'] as const, {}),
        response: { 200: success(pageOf(DeviceSchema, 'A page of devices'), 'Devices'), ...errors },
      },
    },
    async (request) => ok(await redemption.listDevices(organizationOf(request).id, adapter, pageRequestFrom(request.query, 'createdAt'))),
  );
};
