/**
 * /v1/organizations/:organizationId/mdm/apple/enterprise/signing-certificate — the identity that
 * signs the organization's enrollment profiles: see it, upload your own, or go back to a
 * generated self-signed one. The private key is never answered.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { organizationOf } from '../../http/auth.ts';
import { ok } from '../../http/envelope.ts';
import { errorResponses, OrganizationParams, success } from '../../http/schemas.ts';
import type { SigningIdentityService } from './signing-identities.service.ts';
import { SigningIdentitySchema, UploadBody } from './signing-identities.schemas.ts';

export const signingIdentityRoutes: FastifyPluginAsyncTypebox<{ signingIdentities: SigningIdentityService }> = async (app, { signingIdentities }) => {
  const tags = ['Apple enterprise'];
  const one = success(SigningIdentitySchema, 'The signing identity');
  const errors = errorResponses(400, 401, 403, 404);
  const permission = (action: string) => ({ auth: { permission: `mdm.apple.enterprise.${action}` } });

  app.get(
    '/',
    {
      config: permission('get'),
      schema: { tags, operationId: 'getAppleSigningCertificate', summary: 'The certificate enrollment profiles are signed with (generated on first use)', params: OrganizationParams, response: { 200: one, ...errors } },
    },
    async (request) => ok(await signingIdentities.describe(organizationOf(request).id)),
  );

  app.put(
    '/',
    {
      config: permission('update'),
      schema: { tags, operationId: 'putAppleSigningCertificate', summary: 'Sign profiles with your own certificate chain and key', params: OrganizationParams, body: UploadBody, response: { 200: one, ...errors } },
    },
    async (request) => ok(await signingIdentities.upload(organizationOf(request).id, request.body)),
  );

  app.delete(
    '/',
    {
      config: permission('update'),
      schema: { tags, operationId: 'resetAppleSigningCertificate', summary: 'Drop the current identity and sign with a newly generated self-signed one', params: OrganizationParams, response: { 200: one, ...errors } },
    },
    async (request) => ok(await signingIdentities.reset(organizationOf(request).id)),
  );
};
