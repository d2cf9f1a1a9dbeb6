/**
 * /v1/organizations/:organizationId/mdm/apple/enterprise/integrations/{step-ca,nanomdm}: register
 * the SCEP CA's and the MDM server's webhooks (PUT), see them (GET, never the keys), remove them
 * (DELETE). They belong to the Apple enterprise and take its permissions.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { organizationOf } from '../../http/auth.ts';
import { ok } from '../../http/envelope.ts';
import { errorResponses, OrganizationParams, success } from '../../http/schemas.ts';
import type { MdmIntegrationService } from './mdm-integrations.service.ts';
import { NanoMdmBody, NanoMdmSchema, StepCaBody, StepCaSchema } from './mdm-integrations.schemas.ts';
import { Type } from '@sinclair/typebox';

const tags = ['Apple integrations'];
const read = { auth: { permission: 'mdm.apple.enterprise.get' } };
const write = { auth: { permission: 'mdm.apple.enterprise.update' } };
const Removed = success(Type.Object({}, { description: 'Nothing' }), 'Removed: its calls are refused from now on');

export const mdmIntegrationRoutes: FastifyPluginAsyncTypebox<{ integrations: MdmIntegrationService }> = async (app, { integrations }) => {
  app.get(
    '/step-ca',
    { config: read, schema: { tags, summary: 'The registered step-ca SCEP webhook (404 until one is registered)', params: OrganizationParams, response: { 200: success(StepCaSchema, 'Registered'), ...errorResponses(401, 403, 404) } } },
    async (request) => ok(await integrations.getStepCa(organizationOf(request).id)),
  );
  app.put(
    '/step-ca',
    {
      config: write,
      schema: {
        tags,
        summary: 'Register the step-ca SCEPCHALLENGE webhook: the ID and secret `step ca provisioner webhook add` printed',
        params: OrganizationParams,
        body: StepCaBody,
        response: { 200: success(StepCaSchema, 'Registered'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ok(await integrations.putStepCa(organizationOf(request).id, request.body)),
  );
  app.delete(
    '/step-ca',
    { config: write, schema: { tags, summary: 'Remove the step-ca webhook', params: OrganizationParams, response: { 200: Removed, ...errorResponses(401, 403, 404) } } },
    async (request) => {
      await integrations.remove(organizationOf(request).id, 'step-ca');
      return ok({});
    },
  );

  app.get(
    '/nanomdm',
    { config: read, schema: { tags, summary: 'The NanoMDM check-in webhook URL (404 until one is made)', params: OrganizationParams, response: { 200: success(NanoMdmSchema, 'Registered'), ...errorResponses(401, 403, 404) } } },
    async (request) => ok(await integrations.getNanoMdm(organizationOf(request).id)),
  );
  app.put(
    '/nanomdm',
    {
      config: write,
      schema: {
        tags,
        summary: "Make (or keep) the NanoMDM check-in webhook URL, with NanoMDM's -webhook-hmac-key",
        params: OrganizationParams,
        body: NanoMdmBody,
        response: { 200: success(NanoMdmSchema, 'The URL to give NanoMDM'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ok(await integrations.putNanoMdm(organizationOf(request).id, request.body)),
  );
  app.delete(
    '/nanomdm',
    { config: write, schema: { tags, summary: 'Remove the NanoMDM webhook (its URL stops working)', params: OrganizationParams, response: { 200: Removed, ...errorResponses(401, 403, 404) } } },
    async (request) => {
      await integrations.remove(organizationOf(request).id, 'nanomdm');
      return ok({});
    },
  );
};
