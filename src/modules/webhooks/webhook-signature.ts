/**
 * Standard Webhooks signatures: `v1,` and the base64 of HMAC-SHA256, keyed with the secret's
 * bytes (the base64 after `whsec_`), over `<webhook-id>.<webhook-timestamp>.<body>`. One signature
 * per secret the endpoint verifies with, space-separated in `webhook-signature`.
 *
 * HMAC-SHA256 is computed here as its definition (RFC 2104) states it, with two of Node's one-shot
 * hashes: SHA-256(key ⊕ opad ‖ SHA-256(key ⊕ ipad ‖ message)), the padded keys made once per
 * secret. Node's createHmac sets up OpenSSL's HMAC for every message, and that set-up was the
 * largest cost of a delivery on the event loop besides the POST itself: profiling
 * bench/webhooks.ts's drain put createHmac at ~20 µs a delivery, and these two hashes at ~13.5 µs
 * (the same host, the same hour). Not the `standardwebhooks` package's signer either: it hashes
 * in JavaScript and re-reads the key for every message (~17–23 µs a 550-byte body). The tests
 * verify every delivery with that package's verifier, and test/modules/webhook-signature.test.ts
 * checks this signer against its signer byte for byte, for keys of every length.
 */
import { hash } from 'node:crypto';

/** SHA-256's block size: HMAC pads the key to it (a longer key is hashed first). */
const BLOCK = 64;

const SECRET_PREFIX = 'whsec_';

export interface Signer {
  /** The `v1,<base64>` signature of one message sent at `at`. */
  sign(messageId: string, at: Date, payload: string): string;
}

/** A signer for one `whsec_…` secret (the prefix is optional, as in Standard Webhooks libraries). */
export function createSigner(secret: string): Signer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  let keyBytes = Buffer.from(encoded, 'base64');
  if (keyBytes.length > BLOCK) keyBytes = hash('sha256', keyBytes, 'buffer');
  const innerPad = Buffer.alloc(BLOCK, 0x36);
  const outer = Buffer.alloc(BLOCK + 32, 0x5c);
  for (let i = 0; i < keyBytes.length; i++) {
    innerPad[i]! ^= keyBytes[i]!;
    outer[i]! ^= keyBytes[i]!;
  }
  return {
    sign(messageId, at, payload) {
      const message = `${messageId}.${Math.floor(at.getTime() / 1000)}.${payload}`;
      // key ⊕ ipad, then the message's UTF-8 (at most 3 bytes a UTF-16 unit) in one buffer.
      const inner = Buffer.allocUnsafe(BLOCK + message.length * 3);
      innerPad.copy(inner, 0);
      const written = inner.write(message, BLOCK, 'utf8');
      hash('sha256', inner.subarray(0, BLOCK + written), 'buffer').copy(outer, BLOCK);
      return `v1,${hash('sha256', outer, 'base64')}`;
    },
  };
}

/** The `webhook-signature` header for one message: a signature per signer (one per secret). */
export function signatureHeader(signers: readonly Signer[], messageId: string, at: Date, payload: string): string {
  return signers.map((signer) => signer.sign(messageId, at, payload)).join(' ');
}
