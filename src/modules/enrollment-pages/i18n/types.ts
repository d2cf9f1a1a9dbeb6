/**
 * The words of the public enrollment pages in one language. `{{placeholders}}` are filled with
 * plain text (org, device, name, date, email, server, code, contact); the layout escapes once.
 * The invitation strings (greeting, expiry, code label, help) are shared from the email module;
 * what differs per platform (the device, the steps, the buttons) is in the platform's texts.
 */
export interface PageStrings {
  title: string;
  intro: string;
  stepsTitle: string;
  /** Pages for links that cannot be used: title and explanation. */
  expired: { title: string; body: string };
  used: { title: string; body: string };
  notFound: { title: string; body: string };
  tooMany: { title: string; body: string };
  /** Shown on a token's page while its enterprise's MDM settings are placeholders ({{org}}). */
  notConfigured: string;
  /** The platform's provider has yet to make the token (Android in AMAPI mode). */
  preparing: string;
  /** The provider could not make it. */
  provisioningFailed: string;
}
