/** Request and response schemas of redemption, devices and the redemption audit. */
import { Type } from '@sinclair/typebox';
import { BoundedString, EntityId, Timestamp } from '../../http/schemas.ts';
import { SECRET_NOTE } from '../../platforms/common-fields.ts';

export const Identifier = (description: string) => Type.Optional(BoundedString(128, { minLength: 1, description }));

export const DeviceInput = Type.Object(
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

export const Nullable = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

export const DeviceSchema = Type.Object(
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

export const AttemptSchema = Type.Object(
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
