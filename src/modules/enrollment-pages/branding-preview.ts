/**
 * What a user would see with a given branding, before it is saved: the enrollment page or the
 * invitation email of a made-up token (Jane Appleseed, a sample code, valid for a day), rendered
 * by the same code as the real ones, in any language. The console shows it beside the branding
 * form; a script can fetch it too.
 */
import type { Language } from '../../lib/languages.ts';
import type { PlatformAdapter } from '../../platforms/platform.ts';
import { renderInvitation } from '../email/render-invitation.ts';
import { enrollmentLink } from '../enrollment-tokens/enrollment-link.ts';
import type { StoredToken } from '../enrollment-tokens/enrollment-tokens.types.ts';
import type { Branding, Enterprise } from '../enterprises/enterprises.types.ts';
import { renderEnrollmentPage } from './render-page.ts';

export type PreviewKind = 'page' | 'email';

export interface PreviewRequest {
  kind: PreviewKind;
  /** Default: the organization's default language. */
  language?: Language;
  /** Fields to show instead of the saved ones (null clears one). */
  branding: Partial<Branding>;
  emailText: string;
}

const SAMPLE_CODE = 'PREVIEW0CODE';
const DAY_MS = 86_400_000;

function sampleToken(enterprise: Enterprise, adapter: PlatformAdapter, language: Language, emailText: string, now: Date): StoredToken {
  const stamp = now.toISOString();
  return {
    id: '000000000000000000000000',
    organizationId: enterprise.organization,
    platform: adapter.platform,
    enterpriseId: enterprise.id,
    mdmUser: { id: '000000000000000000000000', email: 'jane.appleseed@example.com', name: 'Jane Appleseed' },
    displayName: '',
    tags: [],
    state: 'PENDING',
    policyId: null,
    segmentId: null,
    options: adapter.platform === 'android' ? { managementMode: 'DEVICE_OWNER' } : {},
    sendEmail: true,
    emailText,
    language,
    enrollCode: SAMPLE_CODE,
    emailDelivery: { status: 'NONE', attempts: 0, sentAt: null, lastError: null, deferredReason: null },
    deviceId: null,
    createdAt: stamp,
    updatedAt: stamp,
    expireAt: new Date(now.getTime() + DAY_MS).toISOString(),
    platformState: null,
  };
}

export async function renderBrandingPreview(input: {
  request: PreviewRequest;
  organizationName: string;
  defaultLanguage: Language;
  enterprise: Enterprise;
  adapter: PlatformAdapter;
  publicUrl: string;
  now?: Date;
}): Promise<string> {
  const { request, adapter } = input;
  const enterprise: Enterprise = { ...input.enterprise, configuration: { ...input.enterprise.configuration, ...request.branding } };
  const language = request.language ?? input.defaultLanguage;
  const token = sampleToken(enterprise, adapter, language, request.emailText, input.now ?? new Date());
  const link = enrollmentLink(input.publicUrl, token);
  const actions = adapter.enrollmentActions(token, enterprise, link);
  if (request.kind === 'page') {
    return renderEnrollmentPage({
      token,
      organizationName: input.organizationName,
      branding: enterprise.configuration,
      actions,
      texts: adapter.texts,
      configured: adapter.enterprise.status?.(enterprise.settings).configured ?? true,
    });
  }
  const invitation = await renderInvitation({
    token,
    organizationName: input.organizationName,
    enterprise,
    language,
    emailText: request.emailText,
    enrollmentLink: link,
    qrPayload: actions.qrPayload ?? null,
    texts: adapter.texts,
  });
  // A mail client shows inline images by Content-ID; a browser needs them in the page.
  return invitation.attachments.reduce(
    (html, attachment) => html.replaceAll(`cid:${attachment.cid}`, `data:${attachment.contentType};base64,${attachment.content.toString('base64')}`),
    invitation.html,
  );
}
