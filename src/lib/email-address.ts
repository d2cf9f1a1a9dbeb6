/**
 * Email address checks shared by the schemas and the bulk endpoints. Deliberately pragmatic (the
 * WHATWG "valid email address" shape, plus the RFC 5321 length limits) rather than a full RFC 5322
 * parser: an address accepted here is one an SMTP server will accept in RCPT TO.
 */
const EMAIL_SHAPE =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;

export const MAX_EMAIL_LENGTH = 254;

export function isValidEmail(value: string): boolean {
  if (value.length > MAX_EMAIL_LENGTH) return false;
  const at = value.lastIndexOf('@');
  if (at < 1 || at > 64) return false;
  return EMAIL_SHAPE.test(value);
}

/** The form addresses are compared in: uniqueness per organization is case-insensitive. */
export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}
