/**
 * The words of an invitation in one language. `{{placeholders}}` are filled with plain text
 * (org, device, name, date, contact); the layouts escape the result once. What differs per
 * platform (the device, the steps) is in the platform's texts.
 */
export interface InvitationStrings {
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
  linkFallback: string;
  help: string;
  ignore: string;
}
