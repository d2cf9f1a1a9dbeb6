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

/** A secret's key padded for HMAC-SHA256: key ⊕ ipad, and key ⊕ opad with room for the inner digest after it. */
export interface PaddedKey {
  inner: Buffer;
  outer: Buffer;
}

export interface Signer {
  readonly key: PaddedKey;
  /** The `v1,<base64>` signature of one message sent at `at`. */
  sign(messageId: string, at: Date, payload: string): string;
}

// padKey and signedHeader are the whole of signing, and self-contained on purpose: they use only
// their arguments and the global Buffer, with their constants written inline, because the
// signing thread runs them from their source text (signing-thread.ts). That thread then needs no
// TypeScript loader, which would cost it ~12 MB.

/** Pad a `whsec_…` secret's key (the prefix is optional, as in Standard Webhooks libraries) to SHA-256's 64-byte block; a longer key is hashed first. */
export function padKey(sha: typeof hash, secret: string): PaddedKey {
  let key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  if (key.length > 64) key = sha('sha256', key, 'buffer');
  const inner = Buffer.alloc(64, 0x36);
  const outer = Buffer.alloc(64 + 32, 0x5c);
  for (let i = 0; i < key.length; i++) {
    inner[i]! ^= key[i]!;
    outer[i]! ^= key[i]!;
  }
  return { inner, outer };
}

/** The `webhook-signature` header of one message: `v1,<base64 HMAC-SHA256>` per key, space-separated. */
export function signedHeader(sha: typeof hash, keys: readonly PaddedKey[], messageId: string, seconds: number, payload: string): string {
  // key ⊕ ipad, then the message's UTF-8 (at most 3 bytes a UTF-16 unit), in one buffer.
  const message = `${messageId}.${seconds}.${payload}`;
  const bytes = Buffer.allocUnsafe(64 + message.length * 3);
  const length = 64 + bytes.write(message, 64, 'utf8');
  let header = '';
  for (const key of keys) {
    key.inner.copy(bytes, 0);
    sha('sha256', bytes.subarray(0, length), 'buffer').copy(key.outer, 64);
    header += `${header === '' ? '' : ' '}v1,${sha('sha256', key.outer, 'base64')}`;
  }
  return header;
}

/** A signer for one `whsec_…` secret. */
export function createSigner(secret: string): Signer {
  const key = padKey(hash, secret);
  return { key, sign: (messageId, at, payload) => signedHeader(hash, [key], messageId, Math.floor(at.getTime() / 1000), payload) };
}

/** The `webhook-signature` header for one message: a signature per signer (one per secret). */
export function signatureHeader(signers: readonly Signer[], messageId: string, at: Date, payload: string): string {
  return signedHeader(
    hash,
    signers.map((signer) => signer.key),
    messageId,
    Math.floor(at.getTime() / 1000),
    payload,
  );
}
