/**
 * Standard Webhooks signatures: `v1,` and the base64 of HMAC-SHA256, keyed with the secret's
 * bytes (the base64 after `whsec_`), over `<webhook-id>.<webhook-timestamp>.<body>`. One signature
 * per secret the endpoint verifies with, space-separated in `webhook-signature`.
 *
 * Signed with Node's HMAC over a KeyObject made once per secret, not with the `standardwebhooks`
 * package's signer: that one hashes in JavaScript and re-reads the key for every message
 * (~17–23 µs a 550-byte body on the benchmark host, against ~3.5 µs here), and a worker signs
 * every delivery it posts. The tests verify every delivery with that package's verifier, and
 * test/modules/webhook-signature.test.ts checks this signer against its signer byte for byte.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

export interface Signer {
  /** The `v1,<base64>` signature of one message sent at `at`. */
  sign(messageId: string, at: Date, payload: string): string;
}

/** A signer for one `whsec_…` secret (the prefix is optional, as in Standard Webhooks libraries). */
export function createSigner(secret: string): Signer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key: KeyObject = createSecretKey(Buffer.from(encoded, 'base64'));
  return {
    sign(messageId, at, payload) {
      const seconds = Math.floor(at.getTime() / 1000);
      return `v1,${createHmac('sha256', key).update(`${messageId}.${seconds}.${payload}`).digest('base64')}`;
    },
  };
}

/** The `webhook-signature` header for one message: a signature per signer (one per secret). */
export function signatureHeader(signers: readonly Signer[], messageId: string, at: Date, payload: string): string {
  return signers.map((signer) => signer.sign(messageId, at, payload)).join(' ');
}
