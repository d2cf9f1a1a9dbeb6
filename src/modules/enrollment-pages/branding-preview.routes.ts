/**
 * GET /v1/organizations/:organizationId/mdm/<platform>/enterprise/preview: the enrollment page or
 * the invitation email as a user would see it with the branding given in the query (unsaved),
 * over the saved one, for a sample token. One registration per platform.
 *
 * The answer is HTML meant to be shown in a frame of this origin (the console's live preview):
 * its own policy lets no script run, and only this origin may frame it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { organizationOf } from '../../http/auth.ts';
import { BoundedString, LanguageSchema, OrganizationParams, StringEnum } from '../../http/schemas.ts';
import type { PlatformAdapter } from '../../platforms/platform.ts';
import type { EnrollmentPageService } from './enrollment-pages.service.ts';
import { Html } from './enrollment-pages.schemas.ts';

const PREVIEW_HEADERS = {
  'content-security-policy': "default-src 'none'; img-src 'self' data: https:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** In a query an empty value clears a field (a query has no null). */
const Clearable = (maxLength: number, description: string, format?: string) =>
  Type.Optional(Type.Union([Type.Literal(''), BoundedString(maxLength, format ? { format } : {})], { description: `${description}; empty for none` }));

const PreviewQuery = Type.Object(
  {
    kind: StringEnum(['page', 'email'] as const, { description: 'page: the enrollment page; email: the invitation' }),
    language: Type.Optional(LanguageSchema("Language shown; default the organization's")),
    primaryColor: Type.Optional(
      Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'Brand colour as #rrggbb', errorMessage: 'must be a colour written #rrggbb' }),
    ),
    logo: Clearable(2048, 'Logo URL (https)', 'uri'),
    contactEmail: Clearable(254, 'Help-desk email', 'email'),
    contactPhone: Clearable(64, 'Help-desk phone'),
    emailText: Type.Optional(BoundedString(5000, { description: 'Personal note of the invitation' })),
  },
  { additionalProperties: false },
);

export const brandingPreviewRoutes: FastifyPluginAsyncTypebox<{ pages: EnrollmentPageService; adapter: PlatformAdapter }> = async (app, { pages, adapter }) => {
  app.get(
    '/preview',
    {
      config: { auth: { permission: `mdm.${adapter.platform}.enterprise.get` } },
      schema: {
        tags: [`${adapter.label} enterprise`],
        operationId: `preview${adapter.label}Branding`,
        summary: `Preview the ${adapter.label} enrollment page or invitation with a branding (not saved), for a sample token`,
        params: OrganizationParams,
        querystring: PreviewQuery,
        produces: ['text/html'],
        response: { 200: Html('The page or the invitation, as HTML') },
      },
    },
    async (request, reply) => {
      const { kind, language, emailText, ...fields } = request.query;
      const branding = Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, value === '' ? null : value]));
      const html = await pages.preview(organizationOf(request).id, adapter.platform, { kind, language, branding, emailText: emailText ?? '' });
      return reply.headers(PREVIEW_HEADERS).type('text/html; charset=utf-8').send(html);
    },
  );
};
