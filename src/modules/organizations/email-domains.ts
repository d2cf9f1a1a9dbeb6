/**
 * An organization's optional allow-list of invitation recipients: `example.com` matches exactly
 * that domain, `*.example.com` any subdomain of it at any depth (not example.com itself: list
 * both for both). null means any domain. Domains compare case-insensitively.
 */
import { AppError } from '../../errors.ts';

export const MAX_EMAIL_DOMAINS = 100;
/** A DNS label: letters, digits and inner dashes, at most 63 characters. */
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Whether `entry` is `example.com` or `*.example.com`: at least two labels. Split on dots and
 * checked label by label, so the check is linear in the entry's length (at most 253, by schema).
 */
function isDomainEntry(entry: string): boolean {
  const labels = (entry.startsWith('*.') ? entry.slice(2) : entry).toLowerCase().split('.');
  return labels.length >= 2 && labels.every((label) => LABEL.test(label));
}

/** The list as stored (lower case, each entry once, in the order given); 400/3000 naming a malformed entry. */
export function normalizeEmailDomains(domains: readonly string[] | null, path = '/body/emailDomains'): string[] | null {
  if (domains === null) return null;
  const problems = domains.flatMap((entry, index) =>
    isDomainEntry(entry)
      ? []
      : [{ path: `${path}/${index}`, message: `"emailDomains[${index}]" ${JSON.stringify(entry)} must be a domain such as example.com or a wildcard such as *.example.com` }],
  );
  if (problems.length > 0) throw AppError.validation(problems);
  return [...new Set(domains.map((domain) => domain.toLowerCase()))];
}

/** Whether an invitation may go to `address` under `allowed` (null: any domain). */
export function isRecipientAllowed(allowed: readonly string[] | null, address: string): boolean {
  if (allowed === null) return true;
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return allowed.some((entry) => (entry.startsWith('*.') ? domain.endsWith(entry.slice(1)) : domain === entry));
}

/** Why `address` is refused, naming the rule. */
export function recipientRefusal(allowed: readonly string[], address: string): string {
  return `${JSON.stringify(address)} is outside the organization's emailDomains (${allowed.join(', ')}): invitations go only to those domains`;
}

/**
 * Refuse an invitation to `address` outside the organization's allow-list (400/3000), naming
 * `path`, the field that chose the recipient.
 */
export function assertRecipientAllowed(organization: { emailDomains: readonly string[] | null }, address: string, path: string): void {
  if (isRecipientAllowed(organization.emailDomains, address)) return;
  const field = path.split('/').pop();
  throw AppError.validation([{ path, message: `"${field}": the invitation's recipient ${recipientRefusal(organization.emailDomains!, address)}` }]);
}
