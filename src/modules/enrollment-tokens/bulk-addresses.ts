/**
 * Which addresses of a bulk request get a token. `total = userEmails.length` and `success + fail
 * = total`: an address that is not valid, repeats an earlier one in the same request, or (when
 * invitations are sent) lies outside the organization's emailDomains is a fail listed with its
 * reason; it never rejects the request.
 */
import { ErrorCode } from '../../errors.ts';
import { isValidEmail, normalizeEmail } from '../../lib/email-address.ts';
import type { UserAddress } from '../mdm-users/mdm-users.types.ts';
import type { BulkFailure } from './enrollment-tokens.types.ts';

/** `recipientRefusal`: why no invitation may go to a valid address, or null. */
export function classifyAddresses(emails: readonly string[], recipientRefusal: (email: string) => string | null): { accepted: UserAddress[]; failures: BulkFailure[] } {
  const accepted: UserAddress[] = [];
  const failures: BulkFailure[] = [];
  const seen = new Set<string>();
  for (const raw of emails) {
    const email = raw.trim();
    const normalized = normalizeEmail(email);
    if (!isValidEmail(email)) {
      failures.push({ email: raw, code: ErrorCode.ValidationError, message: 'Invalid email address' });
    } else if (seen.has(normalized)) {
      failures.push({ email: raw, code: ErrorCode.ValidationError, message: 'Email repeated in this request' });
    } else {
      seen.add(normalized);
      const refusal = recipientRefusal(email);
      if (refusal) failures.push({ email: raw, code: ErrorCode.ValidationError, message: `Email domain not allowed: ${refusal}` });
      else accepted.push({ email, normalized });
    }
  }
  return { accepted, failures };
}
