/**
 * The signatures of the calls the SCEP CA and the MDM server make, checked over the exact bytes
 * received and compared in constant time.
 * - step-ca: `X-Smallstep-Signature` is the hex HMAC-SHA256 of the body, keyed with the webhook's
 *   secret base64-decoded (step-ca prints the secret base64-encoded).
 * - NanoMDM (-webhook-hmac-key): `X-Hmac-Signature` is the base64 HMAC-SHA256 of the body, keyed
 *   with the key's bytes as given.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

function sameBytes(expected: Buffer, presented: Buffer): boolean {
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}

export function stepCaSignatureValid(secretBase64: string, body: Buffer, header: string | undefined): boolean {
  if (!header || !/^[0-9a-fA-F]+$/.test(header)) return false;
  const expected = createHmac('sha256', Buffer.from(secretBase64, 'base64')).update(body).digest();
  return sameBytes(expected, Buffer.from(header, 'hex'));
}

export function nanoMdmSignatureValid(key: string, body: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', key).update(body).digest();
  return sameBytes(expected, Buffer.from(header, 'base64'));
}
