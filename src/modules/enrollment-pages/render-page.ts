/**
 * Renders the public enrollment pages: the token's page in its language with the organization's
 * branding and the platform's actions, and the notices for links that cannot be used.
 */
import Mustache from 'mustache';
import type { Language } from '../../lib/languages.ts';
import { LANGUAGES } from '../../lib/languages.ts';
import { loadQrCode, qrText } from '../../lib/qrcode.ts';
import type { EnrollmentActions, PlatformTexts } from '../../platforms/platform.ts';
import type { StoredToken } from '../enrollment-tokens/enrollment-tokens.types.ts';
import { DEFAULT_BRANDING, type Branding } from '../enterprises/enterprises.types.ts';
import { INVITATION_STRINGS } from '../email/i18n/index.ts';
import { fill, formatExpiry } from '../email/render-invitation.ts';
import { PAGE_STRINGS } from './i18n/index.ts';
import { ENROLLMENT_PAGE, NOTICE_PAGE } from './page-layout.ts';

export type Notice = 'expired' | 'used' | 'notFound' | 'tooMany';

export interface EnrollmentPageInput {
  token: StoredToken;
  organizationName: string;
  branding: Branding;
  actions: EnrollmentActions;
  /** The platform's words in every language (its adapter's texts). */
  texts: Readonly<Record<Language, PlatformTexts>>;
  /** False while the enterprise's MDM settings are placeholders: the page warns that enrolling cannot complete. */
  configured: boolean;
}

/** Only web images: a logo URL is admin-typed and must not become a javascript: or data: source. */
function safeImageUrl(url: string | null): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

/** Browsers send a handful of language ranges; more than this are ignored, so a crafted header costs nothing. */
const MAX_LANGUAGE_RANGES = 32;

/** The best of our languages for an Accept-Language header (quality values honoured), else English. */
export function negotiateLanguage(header: string | undefined): Language {
  if (!header) return 'en';
  const ranked = header
    .split(',', MAX_LANGUAGE_RANGES)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { primary: tag.toLowerCase().split('-')[0]!, q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return (ranked.find((entry) => (LANGUAGES as readonly string[]).includes(entry.primary))?.primary as Language | undefined) ?? 'en';
}

export async function renderEnrollmentPage({ token, organizationName, branding, actions, texts, configured }: EnrollmentPageInput): Promise<string> {
  const language = token.language;
  const strings = PAGE_STRINGS[language];
  const invitation = INVITATION_STRINGS[language];
  const platformTexts = texts[language];
  const page = platformTexts.page;
  const contact = [branding.contactEmail, branding.contactPhone].filter(Boolean).join(' · ');
  const values = {
    org: organizationName,
    device: platformTexts.device,
    name: token.mdmUser.name ?? '',
    date: formatExpiry(token.expireAt, language),
    contact,
    email: actions.manual?.account ?? token.mdmUser.email,
    server: actions.manual?.server ?? '',
    code: token.enrollCode,
  };
  const qrSvg = actions.qrPayload
    ? await (await loadQrCode()).toString(qrText(actions.qrPayload), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
    : null;

  return Mustache.render(ENROLLMENT_PAGE, {
    lang: language,
    title: fill(strings.title, values),
    color: branding.primaryColor || DEFAULT_BRANDING.primaryColor,
    logo: safeImageUrl(branding.logo),
    org: organizationName,
    greeting: values.name ? fill(invitation.greeting, values) : invitation.greetingNoName,
    intro: fill(strings.intro, values),
    display: token.displayName ? fill(invitation.displayLabel, { displayName: token.displayName }) : null,
    notConfigured: configured ? null : fill(strings.notConfigured, values),
    notice: actions.notice === 'preparing' ? fill(strings.preparing, values) : actions.notice === 'failed' ? fill(strings.provisioningFailed, values) : null,
    primaryHref: actions.primaryHref,
    primaryLabel: page.action ?? '',
    qr: qrSvg && page.qr ? { qrTitle: page.qr.title, qrHint: page.qr.hint, qrDataUri: `data:image/svg+xml;base64,${Buffer.from(qrSvg).toString('base64')}` } : null,
    workProfile:
      actions.workProfileHref && page.workProfile
        ? {
            workProfileTitle: page.workProfile.title,
            workProfileHint: page.workProfile.hint,
            workProfileAction: page.workProfile.action,
            workProfileHref: actions.workProfileHref,
          }
        : null,
    stepsTitle: strings.stepsTitle,
    steps: page.steps,
    manual:
      actions.manual && page.manual
        ? {
            manualTitle: page.manual.title,
            accountLabel: page.manual.accountLabel,
            serverLabel: page.manual.serverLabel,
            account: actions.manual.account,
            server: actions.manual.server,
            manualSteps: page.manual.steps.map((step) => fill(step, values)),
          }
        : null,
    codeLabel: invitation.codeLabel,
    code: token.enrollCode,
    expires: fill(invitation.expires, values),
    help: contact ? fill(invitation.help, values) : null,
  });
}

export function renderNotice(notice: Notice, language: Language): string {
  const { title, body } = PAGE_STRINGS[language][notice];
  return Mustache.render(NOTICE_PAGE, { lang: language, title, body, color: DEFAULT_BRANDING.primaryColor });
}
