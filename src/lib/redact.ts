/**
 * Keeping secrets out of log lines and error messages. Enrollment codes and SCEP challenges are
 * bearer secrets (whoever holds one enrolls a device), API keys and the root key open the API,
 * and connection URLs carry passwords; none of them may reach a log, which is shipped and kept
 * far longer and more widely readable than the database.
 *
 * Codes and challenges have no shape that could be recognised in free text, so they must never be
 * put into a message; what can be recognised is scrubbed here as a second line of defence: the
 * code segment of public enrollment links, `enrd_` keys, bearer credentials, URL passwords and
 * the key values PostgreSQL quotes in constraint errors.
 */

export const REDACTED = '[redacted]';

/**
 * One URL (a configuration value) with its password hidden: `scheme://user:password@host` →
 * `scheme://user:***@host`. The user-info runs to the last `@`, so a password holding an
 * unencoded `@`, `/` or space (the typical broken URL) is still hidden whole; a URL with an `@`
 * only in its query loses a little more than needed, never less. Text without `://` is returned
 * as it is. indexOf rather than a pattern keeps the cost linear in the length.
 */
export function redactUrl(url: string): string {
  const userInfoAt = url.indexOf('://') + 3;
  const at = url.lastIndexOf('@');
  if (userInfoAt === 2 || at < userInfoAt) return url;
  const colon = url.indexOf(':', userInfoAt);
  if (colon === -1 || colon > at) return url;
  return `${url.slice(0, colon)}:***${url.slice(at)}`;
}

/** A run of characters that can belong to one URL (quotes and brackets end it, as in JSON or HTML). */
const WORD = /[^\s"'<>]+/g;

/** Every URL password in a free text (an error message, a log line). */
export function redactUrlCredentials(text: string): string {
  return text.includes('://') && text.includes('@') ? text.replace(WORD, redactUrl) : text;
}

/** Service-account keys (generated as `enrd_` + 43 base64url characters). */
const API_KEY = /\benrd_[A-Za-z0-9_-]+/g;
/** A credential after `Bearer` (an echoed Authorization header; the root key has no prefix). */
const BEARER = /\b(Bearer)[ \t]+[^\s"',;]+/gi;
/** An enrollment link anywhere in a text (an SMTP server may echo a message's content). */
const ENROLL_LINK = /(\/enroll\/[a-z]{1,10}\/)[^\s/?#"'<>)]+/gi;
/** PostgreSQL's constraint details, `Key (enroll_code)=(ABCD…) already exists.`: the values go. */
const KEY_DETAIL = /\b(Key \([^()\n]{0,256}\)=).*/g;

/** Every recognisable secret in `text`, replaced. */
export function redactSecrets(text: string): string {
  return redactUrlCredentials(text)
    .replace(API_KEY, `enrd_${REDACTED}`)
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(ENROLL_LINK, '$1[code]')
    .replace(KEY_DETAIL, `$1(${REDACTED})`);
}

/** The segments a public link may carry besides its code: a platform, `profile`, `qr.png`. */
const PLAIN_SEGMENT = /^[a-z]{1,10}(\.[a-z]{1,4})?$/;

function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment.toLowerCase();
  }
}

/**
 * A request URL as it may be logged. Under `/enroll` (matched however it is spelled, since a
 * mistyped or encoded path still carries the code) every segment that is not a plain word — the
 * code, however it was typed — becomes `[code]`, and the query is dropped.
 */
export function redactRequestUrl(url: string): string {
  const queryAt = url.search(/[?#]/);
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const segments = path.split('/');
  const enroll = segments.findIndex((segment) => decodedSegment(segment) === 'enroll');
  if (enroll === -1) return redactSecrets(url);
  const redacted = segments.map((segment, i) => (i <= enroll || segment === '' || PLAIN_SEGMENT.test(segment) ? segment : '[code]'));
  return `${redacted.join('/')}${queryAt === -1 ? '' : `?${REDACTED}`}`;
}

/** Properties of an error object whose values are credentials (ioredis puts AUTH's in `command.args`). */
const SECRET_PROPERTY = /pass|secret|token|authorization|cookie|credential|challenge|^args$/i;
const MAX_DEPTH = 8;

/** A serialized error (or any plain value) with every string scrubbed and secret properties hidden. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = SECRET_PROPERTY.test(key) && item !== null && item !== undefined ? REDACTED : redactValue(item, depth + 1);
  }
  return copy;
}
