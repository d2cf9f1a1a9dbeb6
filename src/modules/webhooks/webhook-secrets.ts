/**
 * Webhook signing secrets: `whsec_` and the base64 of 32 random bytes, the form Standard Webhooks
 * verifiers take. Shown once (in the answer that made it), stored sealed with the organization
 * as owner (crypto/secret-box.ts), like the Apple signing key. After a rotation the previous
 * secret keeps signing beside the new one for ROTATION_OVERLAP_MS, so receivers can switch over
 * without losing a delivery.
 */
import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { StoredEndpoint } from './webhooks.repository.ts';

export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The secrets deliveries at `at` are signed with: the current one, and the previous one while it is still valid. */
export function signingSecrets(box: SecretBox, endpoint: Pick<StoredEndpoint, 'organizationId' | 'secretSealed' | 'previousSecretSealed' | 'previousSecretUntil'>, at: Date): string[] {
  const secrets = [box.open(endpoint.secretSealed, endpoint.organizationId)];
  if (endpoint.previousSecretSealed && endpoint.previousSecretUntil && Date.parse(endpoint.previousSecretUntil) > at.getTime()) {
    secrets.push(box.open(endpoint.previousSecretSealed, endpoint.organizationId));
  }
  return secrets;
}
