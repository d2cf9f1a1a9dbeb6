/**
 * What the public enrollment links resolve to: the token a code names (on its platform, in any
 * organization), and the page or a file the platform offers (the signed Apple profile, the
 * Android QR code) made from it.
 * Links that cannot be used resolve to a notice that says only that: expired or used → 410,
 * revoked or unknown → 404. HTTP-free: the routes turn results into responses.
 */
import type { Db } from '../../db/database.ts';
import { signCms } from '../../crypto/cms-sign.ts';
import type { Language } from '../../lib/languages.ts';
import { normalizeEnrollCode } from '../../lib/enroll-code.ts';
import { nowIso } from '../../lib/time.ts';
import type { EnrollmentFileTools, PlatformAdapter } from '../../platforms/platform.ts';
import { enrollmentLink } from '../enrollment-tokens/enrollment-link.ts';
import type { EnrollmentTokenService } from '../enrollment-tokens/enrollment-tokens.service.ts';
import type { StoredToken } from '../enrollment-tokens/enrollment-tokens.types.ts';
import type { EnterpriseService } from '../enterprises/enterprises.service.ts';
import type { Enterprise } from '../enterprises/enterprises.types.ts';
import type { OrganizationService } from '../organizations/organizations.service.ts';
import type { Organization } from '../organizations/organizations.types.ts';
import type { Platform } from '../../platforms/platform-names.ts';
import type { ScepChallengeService } from '../scep-challenges/scep-challenges.service.ts';
import type { SigningIdentityService } from '../signing-identities/signing-identities.service.ts';
import { type Notice, renderEnrollmentPage, renderNotice } from './render-page.ts';
import { type PreviewRequest, renderBrandingPreview } from './branding-preview.ts';
import { AppError, ErrorCode } from '../../errors.ts';

export interface EnrollmentPageDeps {
  db: Db;
  tokens: Pick<EnrollmentTokenService, 'findByPublicCode'>;
  publicUrl: string;
  organizations: Pick<OrganizationService, 'find'>;
  enterprises: Pick<EnterpriseService, 'getOrCreate'>;
  signingIdentities: Pick<SigningIdentityService, 'signer'>;
  scepChallenges: Pick<ScepChallengeService, 'issue'>;
  adapters: Readonly<Record<Platform, PlatformAdapter>>;
}

/** A link that cannot be used, as an HTML page with its status. */
export interface NoticeResult {
  kind: 'notice';
  status: 404 | 410;
  html: string;
}

export type PageResult = { kind: 'page'; html: string } | NoticeResult;
export type FileResult = { kind: 'file'; body: Buffer | string; contentType: string; filename?: string } | NoticeResult;

interface LiveToken {
  token: StoredToken;
  organization: Organization;
  enterprise: Enterprise;
  adapter: PlatformAdapter;
}

const NOTICE_STATUS: Record<Exclude<Notice, 'tooMany'>, 404 | 410> = { expired: 410, used: 410, notFound: 404 };

export function createEnrollmentPageService(deps: EnrollmentPageDeps) {
  const tools: EnrollmentFileTools = {
    issueScepChallenge: (token) => deps.scepChallenges.issue(token),
    signForOrganization: async (organizationId, payload) => signCms(payload, await deps.signingIdentities.signer(organizationId)),
  };
  const notice = (which: Exclude<Notice, 'tooMany'>, language: Language): NoticeResult => ({
    kind: 'notice',
    status: NOTICE_STATUS[which],
    html: renderNotice(which, language),
  });

  /** The live token a link names, or the notice to show (in the token's language when there is one). */
  async function resolve(platform: string, rawCode: string, fallbackLanguage: Language): Promise<LiveToken | NoticeResult> {
    const adapter = deps.adapters[platform as Platform] as PlatformAdapter | undefined;
    const code = normalizeEnrollCode(rawCode);
    const token = adapter && code ? await deps.tokens.findByPublicCode(adapter.platform, code, nowIso()) : null;
    // A revoked token reads like an unknown one: the link says nothing about what it was.
    if (!adapter || !token || token.state === 'DELETED') return notice('notFound', fallbackLanguage);
    if (token.state === 'EXPIRED') return notice('expired', token.language);
    if (token.state === 'DONE') return notice('used', token.language);
    const organization = await deps.organizations.find(token.organizationId);
    if (!organization) return notice('notFound', fallbackLanguage);
    const enterprise = await deps.enterprises.getOrCreate(token.organizationId, adapter.platform);
    return { token, organization, enterprise, adapter };
  }

  return {
    async page(platform: string, code: string, fallbackLanguage: Language): Promise<PageResult> {
      const live = await resolve(platform, code, fallbackLanguage);
      if ('kind' in live) return live;
      const { token, organization, enterprise, adapter } = live;
      const actions = adapter.enrollmentActions(token, enterprise, enrollmentLink(deps.publicUrl, token));
      return { kind: 'page', html: await renderEnrollmentPage({
          token,
          organizationName: organization.name,
          branding: enterprise.configuration,
          actions,
          texts: adapter.texts,
          configured: adapter.enterprise.status?.(enterprise.settings).configured ?? true,
        }) };
    },

    /** The page or invitation of a sample token with this branding (see branding-preview.ts). */
    async preview(organizationId: string, platform: Platform, request: PreviewRequest): Promise<string> {
      const organization = await deps.organizations.find(organizationId);
      if (!organization) throw new AppError(ErrorCode.EntityNotFound, 'Entity not found: no such organization');
      const enterprise = await deps.enterprises.getOrCreate(organizationId, platform);
      return renderBrandingPreview({ request, organizationName: organization.name, defaultLanguage: organization.defaultLanguage, enterprise, adapter: deps.adapters[platform], publicUrl: deps.publicUrl });
    },

    /** A file the platform's link offers (see PlatformAdapter.enrollmentFiles), made for the token. */
    async file(platform: Platform, name: string, code: string, fallbackLanguage: Language): Promise<FileResult> {
      const live = await resolve(platform, code, fallbackLanguage);
      if ('kind' in live) return live;
      const file = live.adapter.enrollmentFiles?.find((candidate) => candidate.name === name);
      if (!file) return notice('notFound', fallbackLanguage);
      const made = await file.make(live, tools);
      return { kind: 'file', body: made.body, contentType: file.contentType, filename: made.filename };
    },
  };
}

export type EnrollmentPageService = ReturnType<typeof createEnrollmentPageService>;
