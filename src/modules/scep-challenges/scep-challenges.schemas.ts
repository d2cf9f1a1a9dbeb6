/** Response schemas of the SCEP challenge endpoints. */
import { Type } from '@sinclair/typebox';
import { EntityId, Timestamp } from '../../http/schemas.ts';

export const VerifiedSchema = Type.Object(
  {
    tokenId: EntityId('The enrollment token the challenge was issued for'),
    enrollCode: Type.String({ description: "That token's enrollCode" }),
    mdmUser: Type.Object({ id: EntityId('MDM user id'), email: Type.String({ description: 'MDM user email' }) }, { description: 'Whose device enrolls' }),
    verifiedAt: Timestamp('When it was verified (and consumed)'),
  },
  { description: 'A verified challenge' },
);
