/**
 * /v1/organizations/:organizationId/mdm/apple/enterprise/integrations/{step-ca,nanomdm}: register
 * the SCEP CA's and the MDM server's webhooks (PUT), see them (GET, never the keys), remove them
 * (DELETE). They belong to the Apple enterprise and take its permissions.
 * /v1/organizations/:organizationId/mdm/android/enterprise/integrations/amapi: the same for
 * Google's Android Management API, with the Android enterprise's permissions.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { organizationOf } from '../../http/auth.ts';
import { ok } from '../../http/envelope.ts';
import { errorResponses, OrganizationParams, success } from '../../http/schemas.ts';
import type { MdmIntegrationService } from './mdm-integrations.service.ts';
import { AmapiBody, AmapiSchema, NanoMdmBody, NanoMdmSchema, StepCaBody, StepCaSchema } from './mdm-integrations.schemas.ts';
import { Type } from '@sinclair/typebox';
import { ErrorCode } from '../../errors.ts';

const tags = ['Apple integrations'];
const read = { auth: { permission: 'mdm.apple.enterprise.get' } };
const write = { auth: { permission: 'mdm.apple.enterprise.update' } };
/** Reading or removing a webhook answers 404 until one is registered. */
const readOne = { ...read, errors: [ErrorCode.EntityNotFound] };
const removeOne = { ...write, errors: [ErrorCode.EntityNotFound] };
const Removed = success(Type.Object({}, { description: 'Nothing' }), 'Removed: its calls are refused from now on');

export const mdmIntegrationRoutes: FastifyPluginAsyncTypebox<{ integrations: MdmIntegrationService }> = async (app, { integrations }) => {
  app.get(
    '/step-ca',
    { config: readOne, schema: { tags, operationId: 'getStepCaIntegration', summary: 'The registered step-ca SCEP webhook (404 until one is registered)', params: OrganizationParams, response: { 200: success(StepCaSchema, 'Registered'), ...errorResponses(401, 403, 404) } } },
    async (request) => ok(await integrations.getStepCa(organizationOf(request).id)),
  );
  app.put(
    '/step-ca',
    {
      config: write,
      schema: {
        tags,
        operationId: 'putStepCaIntegration',
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
    { config: removeOne, schema: { tags, operationId: 'deleteStepCaIntegration', summary: 'Remove the step-ca webhook', params: OrganizationParams, response: { 200: Removed, ...errorResponses(401, 403, 404) } } },
    async (request) => {
      await integrations.remove(organizationOf(request).id, 'step-ca');
      return ok({});
    },
  );

  app.get(
    '/nanomdm',
    { config: readOne, schema: { tags, operationId: 'getNanoMdmIntegration', summary: 'The NanoMDM check-in webhook URL (404 until one is made)', params: OrganizationParams, response: { 200: success(NanoMdmSchema, 'Registered'), ...errorResponses(401, 403, 404) } } },
    async (request) => ok(await integrations.getNanoMdm(organizationOf(request).id)),
  );
  app.put(
    '/nanomdm',
    {
      config: write,
      schema: {
        tags,
        operationId: 'putNanoMdmIntegration',
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
    { config: removeOne, schema: { tags, operationId: 'deleteNanoMdmIntegration', summary: 'Remove the NanoMDM webhook (its URL stops working)', params: OrganizationParams, response: { 200: Removed, ...errorResponses(401, 403, 404) } } },
    async (request) => {
      await integrations.remove(organizationOf(request).id, 'nanomdm');
      return ok({});
    },
  );
};

const androidRead = { auth: { permission: 'mdm.android.enterprise.get' } };
const androidWrite = { auth: { permission: 'mdm.android.enterprise.update' } };
const androidTags = ['Android integrations'];

export const amapiIntegrationRoutes: FastifyPluginAsyncTypebox<{ integrations: MdmIntegrationService }> = async (app, { integrations }) => {
  app.get(
    '/amapi',
    { config: androidRead, schema: { tags: androidTags, operationId: 'getAmapiIntegration', summary: "The organization's Android mode: local, or amapi with its connection (never the key)", params: OrganizationParams, response: { 200: success(AmapiSchema, 'The mode'), ...errorResponses(401, 403, 404) } } },
    async (request) => ok(await integrations.getAmapi(organizationOf(request).id)),
  );
  app.put(
    '/amapi',
    {
      config: androidWrite,
      schema: {
        tags: androidTags,
        operationId: 'putAmapiIntegration',
        summary: "Make Android tokens through Google's Android Management API: the enterprise, the service account's key and the Pub/Sub push identity",
        params: OrganizationParams,
        body: AmapiBody,
        response: { 200: success(AmapiSchema, 'Connected'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ok(await integrations.putAmapi(organizationOf(request).id, request.body)),
  );
  app.delete(
    '/amapi',
    { config: { ...androidWrite, errors: [ErrorCode.EntityNotFound] }, schema: { tags: androidTags, operationId: 'deleteAmapiIntegration', summary: 'Return to local mode: new Android tokens are made by enrolld alone', params: OrganizationParams, response: { 200: Removed, ...errorResponses(401, 403, 404) } } },
    async (request) => {
      await integrations.remove(organizationOf(request).id, 'amapi');
      return ok({});
    },
  );
};
