/**
 * /v1/organizations/:organizationId/mdm/apple/enterprise/signing-certificate — the identity that
 * signs the organization's enrollment profiles: see it, upload your own, or go back to a
 * generated self-signed one. The private key is never answered.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { organizationOf } from '../../http/auth.ts';
import { ok } from '../../http/envelope.ts';
import { errorResponses, OrganizationParams, StringEnum, success, Timestamp } from '../../http/schemas.ts';
import type { SigningIdentityService } from './signing-identities.service.ts';

/** Generous for a chain of a few certificates; refuses pasting something else entirely. */
const MAX_PEM_LENGTH = 64 * 1024;

const SigningIdentitySchema = Type.Object(
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

const UploadBody = Type.Object(
  {
    certificateChain: Type.String({ minLength: 1, maxLength: MAX_PEM_LENGTH, description: 'PEM certificates: the signing certificate and its intermediates, any order' }),
    privateKey: Type.String({ minLength: 1, maxLength: MAX_PEM_LENGTH, description: 'The unencrypted PEM private key (RSA, 2048 bits or more) of the signing certificate' }),
  },
  { additionalProperties: false },
);

export const signingIdentityRoutes: FastifyPluginAsyncTypebox<{ signingIdentities: SigningIdentityService }> = async (app, { signingIdentities }) => {
  const tags = ['Apple enterprise'];
  const one = success(SigningIdentitySchema, 'The signing identity');
  const errors = errorResponses(400, 401, 403, 404);
  const permission = (action: string) => ({ auth: { permission: `mdm.apple.enterprise.${action}` } });

  app.get(
    '/',
    {
      config: permission('get'),
      schema: { tags, summary: 'The certificate enrollment profiles are signed with (generated on first use)', params: OrganizationParams, response: { 200: one, ...errors } },
    },
    async (request) => ok(await signingIdentities.describe(organizationOf(request).id)),
  );

  app.put(
    '/',
    {
      config: permission('update'),
      schema: { tags, summary: 'Sign profiles with your own certificate chain and key', params: OrganizationParams, body: UploadBody, response: { 200: one, ...errors } },
    },
    async (request) => ok(await signingIdentities.upload(organizationOf(request).id, request.body)),
  );

  app.delete(
    '/',
    {
      config: permission('update'),
      schema: { tags, summary: 'Drop the current identity and sign with a newly generated self-signed one', params: OrganizationParams, response: { 200: one, ...errors } },
    },
    async (request) => ok(await signingIdentities.reset(organizationOf(request).id)),
  );
};
