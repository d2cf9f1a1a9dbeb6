/** Request and response schemas of the signing-certificate endpoints. */
import { Type } from '@sinclair/typebox';
import { StringEnum, Timestamp } from '../../http/schemas.ts';

/** Generous for a chain of a few certificates; refuses pasting something else entirely. */
export const MAX_PEM_LENGTH = 64 * 1024;

export const SigningIdentitySchema = Type.Object(
  {
    source: StringEnum(['generated', 'uploaded'] as const, { description: 'generated (self-signed by enrolld) or uploaded (your own)' }),
    subject: Type.String({ description: 'Subject of the signing certificate' }),
    fingerprint: Type.String({ description: 'SHA-256 fingerprint of the signing certificate' }),
    notAfter: Timestamp('When the signing certificate expires'),
    certificateChain: Type.String({ description: 'The PEM chain included in every profile, the signer first' }),
    createdAt: Timestamp('When this identity was stored'),
    updatedAt: Timestamp('When this identity was last replaced'),
  },
  { description: 'The identity enrollment profiles are signed with' },
);

export const UploadBody = Type.Object(
  {
    certificateChain: Type.String({ minLength: 1, maxLength: MAX_PEM_LENGTH, description: 'PEM certificates: the signing certificate and its intermediates, any order' }),
    privateKey: Type.String({ minLength: 1, maxLength: MAX_PEM_LENGTH, description: 'The unencrypted PEM private key (RSA, 2048 bits or more) of the signing certificate' }),
  },
  { additionalProperties: false },
);
