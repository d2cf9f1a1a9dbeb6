/**
 * The words of an invitation in one language. `{{placeholders}}` are filled with plain text
 * (org, platform, name, date, contact); the layouts escape the result once.
 */
import type { Platform } from '../../../platforms/platform-names.ts';

export interface InvitationStrings {
  /** The device kind a platform's invitation talks about. */
  device: Record<Platform, string>;
  subject: string;
  greeting: string;
  greetingNoName: string;
  intro: string;
  button: string;
  codeLabel: string;
  /** The token's displayName, when the admin gave one. */
  displayLabel: string;
  expires: string;
  noteFrom: string;
  stepsTitle: string;
  steps: Record<Platform, string[]>;
  qrHint: string;
  linkFallback: string;
  help: string;
  ignore: string;
}
