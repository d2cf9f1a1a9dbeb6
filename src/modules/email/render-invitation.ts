/**
 * Renders one invitation: subject, HTML and plain text in the token's (or the resend's)
 * language, with the organization's branding, the user's name, the admin's note, the link, the
 * code, the localized expiry and the platform's steps; Android invitations carry the
 * provisioning QR code as an inline PNG.
 */
import Mustache from 'mustache';
import type { Language } from '../../lib/languages.ts';
import { loadQrCode, type QrPayload, qrText } from '../../lib/qrcode.ts';
import type { PlatformTexts } from '../../platforms/platform.ts';
import type { StoredToken } from '../enrollment-tokens/enrollment-tokens.types.ts';
import type { Enterprise } from '../enterprises/enterprises.types.ts';
import { INVITATION_STRINGS } from './i18n/index.ts';
import { HTML_LAYOUT, TEXT_LAYOUT } from './templates.ts';

export interface InvitationInput {
  token: StoredToken;
  organizationName: string;
  enterprise: Enterprise;
  language: Language;
  emailText: string;
  enrollmentLink: string;
  /** Android: the provisioning JSON the QR code encodes. */
  qrPayload: QrPayload | null;
  /** The platform's words in every language (its adapter's texts). */
  texts: Readonly<Record<Language, PlatformTexts>>;
}

export interface RenderedInvitation {
  subject: string;
  html: string;
  text: string;
  attachments: Array<{ filename: string; content: Buffer; contentType: string; cid: string }>;
}

const QR_CID = 'enrollment-qr@enrolld';

/** Fill `{{placeholders}}` of a translated string with plain text (no escaping: layouts escape once). */
export function fill(template: string, values: Record<string, string>): string {
  return Mustache.render(template, values, {}, { escape: (value: string) => value });
}

/** One line, no control characters: safe as a mail header whatever names went into it. */
export function headerSafe(value: string, maxLength = 200): string {
  // eslint-disable-next-line no-control-regex
  const line = value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line;
}

/** Formatters are costly to build and immutable: one per language. */
const expiryFormats = new Map<Language, Intl.DateTimeFormat>();

export function formatExpiry(expireAt: string, language: Language): string {
  let format = expiryFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, {
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'UTC',
      timeZoneName: 'short',
    });
    expiryFormats.set(language, format);
  }
  return format.format(new Date(expireAt));
}

export async function renderInvitation(input: InvitationInput): Promise<RenderedInvitation> {
  const strings = INVITATION_STRINGS[input.language];
  const platformTexts = input.texts[input.language];
  const branding = input.enterprise.configuration;
  const values = {
    org: input.organizationName,
    device: platformTexts.device,
    name: input.token.mdmUser.name ?? '',
    date: formatExpiry(input.token.expireAt, input.language),
    contact: [branding.contactEmail, branding.contactPhone].filter(Boolean).join(' · '),
  };
  const subject = headerSafe(fill(strings.subject, values));
  const steps = platformTexts.invitationSteps;
  const qr = input.qrPayload ? await (await loadQrCode()).toBuffer(qrText(input.qrPayload), { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 480 }) : null;

  const view = {
    lang: input.language,
    subject,
    color: branding.primaryColor,
    logo: branding.logo,
    org: input.organizationName,
    greeting: values.name ? fill(strings.greeting, values) : strings.greetingNoName,
    intro: fill(strings.intro, values),
    note: input.emailText || null,
    noteFrom: strings.noteFrom,
    button: strings.button,
    link: input.enrollmentLink,
    qrCid: qr ? QR_CID : null,
    qrHint: platformTexts.invitationQrHint ?? '',
    display: input.token.displayName ? fill(strings.displayLabel, { displayName: input.token.displayName }) : null,
    codeLabel: strings.codeLabel,
    code: input.token.enrollCode,
    stepsTitle: strings.stepsTitle,
    steps,
    numberedSteps: steps.map((text, i) => ({ n: i + 1, text })),
    expires: fill(strings.expires, values),
    linkFallback: strings.linkFallback,
    help: values.contact ? fill(strings.help, values) : null,
    ignore: strings.ignore,
  };
  return {
    subject,
    html: Mustache.render(HTML_LAYOUT, view),
    text: Mustache.render(TEXT_LAYOUT, view, {}, { escape: (value: string) => value }),
    attachments: qr ? [{ filename: 'enrollment-qr.png', content: qr, contentType: 'image/png', cid: QR_CID }] : [],
  };
}
