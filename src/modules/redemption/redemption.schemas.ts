/** Request and response schemas of redemption, devices and the redemption audit. */
import { Type } from '@sinclair/typebox';
import { BoundedString, EntityId, StringEnum, Timestamp } from '../../http/schemas.ts';
import { DEVICE_STATUSES, LIFECYCLE_EVENTS, REDEMPTION_OUTCOMES } from './redemption.types.ts';
import { SECRET_NOTE } from '../../platforms/common-fields.ts';
import { PLATFORMS } from '../../platforms/platform-names.ts';

export const Identifier = (description: string) => Type.Optional(BoundedString(128, { minLength: 1, description }));

export const DeviceInput = Type.Object(
  {
    serialNumber: Identifier('Serial number'),
    udid: Identifier('UDID (Apple) or hardware id'),
    imei: Identifier('IMEI'),
    meid: Identifier('MEID'),
    model: Identifier('Model, e.g. "iPhone15,2"'),
    osVersion: Identifier('Operating system version'),
    name: Identifier('The name its user gave it'),
  },
  { additionalProperties: false, title: 'DeviceIdentity', description: 'The enrolled device; at least one of serialNumber, udid, imei, meid identifies it' },
);

export const RedeemBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64, description: "The token's enrollCode (any case; dashes and spaces ignored)" }),
    device: DeviceInput,
  },
  { additionalProperties: false, title: 'RedeemBody' },
);

export const Nullable = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

export const DeviceSchema = Type.Object(
  {
    id: EntityId('Device id'),
    organizationId: Type.String({ description: 'Organization id' }),
    platform: StringEnum(PLATFORMS, { description: 'apple, windows or android' }),
    tokenId: Nullable('The token it enrolled with'),
    serialNumber: Nullable('Serial number'),
    udid: Nullable('UDID'),
    imei: Nullable('IMEI'),
    meid: Nullable('MEID'),
    model: Nullable('Model'),
    osVersion: Nullable('OS version'),
    name: Nullable('The name its user gave it'),
    status: StringEnum(DEVICE_STATUSES, {
      description: 'REDEEMED (a token was redeemed for it), ENROLLED (the MDM server has its push token), CHECKED_OUT (its MDM profile was removed)',
    }),
    enrolledAt: Type.Union([Timestamp('When the MDM server reported it enrolled'), Type.Null()], { description: 'When the MDM server reported it enrolled, or null' }),
    checkedOutAt: Type.Union([Timestamp('When it checked out'), Type.Null()], { description: 'When its MDM profile was removed, or null' }),
    lastSeenAt: Type.Union([Timestamp('Last report'), Type.Null()], { description: "The provider's last status report of it (Android in amapi mode), or null" }),
    providerState: Type.Union([Type.String(), Type.Null()], { description: 'The state its provider gives it (Android in amapi mode: ACTIVE, DISABLED, DELETED, PROVISIONING, LOST), or null' }),
    createdAt: Timestamp('When its token was redeemed'),
  },
  { title: 'Device', description: 'An enrolled device' },
);

export const AttemptSchema = Type.Object(
  {
    id: EntityId('Attempt id'),
    tokenId: Nullable('The token the code named, or null'),
    code: Type.Union([Type.String(), Type.Null()], { description: `The code presented (normalized). ${SECRET_NOTE}` }),
    outcome: StringEnum([...REDEMPTION_OUTCOMES, ...LIFECYCLE_EVENTS], {
      description:
        'A redemption: REDEEMED, REPEATED, ALREADY_USED, EXPIRED, REVOKED or NOT_FOUND. Reported by the SCEP CA and the MDM server: SCEP_ALLOWED, SCEP_REFUSED, CERTIFICATE_ISSUED, CERTIFICATE_FAILED, ENROLLED, CHECKED_OUT',
    }),
    clientAddress: Nullable('Address of the caller'),
    device: Type.Object(
      Object.fromEntries(Object.keys(DeviceInput.properties).map((name) => [name, Type.Optional(Type.String({ description: DeviceInput.properties[name as keyof typeof DeviceInput.properties].description }))])),
      { description: 'The device identifiers presented' },
    ),
    detail: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
      description: 'What a CA or MDM entry adds (SCEP transaction, certificate serial and validity, refusal reason); null for redemptions',
    }),
    createdAt: Timestamp('When it was attempted'),
  },
  { title: 'Redemption', description: 'A redemption attempt, or a lifecycle entry a CA or MDM server reported' },
);
