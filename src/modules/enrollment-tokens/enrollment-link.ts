/** The public link a token's user opens on the device: /enroll/<platform>/<code> (enrollment-pages). */
import type { StoredToken } from './enrollment-tokens.types.ts';

export function enrollmentLink(publicUrl: string, token: Pick<StoredToken, 'platform' | 'enrollCode'>): string {
  return `${publicUrl}/enroll/${token.platform}/${token.enrollCode}`;
}
