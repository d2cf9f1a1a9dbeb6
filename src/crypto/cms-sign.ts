/**
 * CMS (PKCS #7) SignedData with the content attached, DER-encoded: what iOS and macOS expect of a
 * signed .mobileconfig. node-forge builds the structure (signed attributes: content type, message
 * digest, signing time; the signer's chain included); the RSA signature itself is computed by
 * Node's native crypto, which is an order of magnitude faster than forge's JavaScript RSA.
 */
import { constants, type KeyObject, privateEncrypt } from 'node:crypto';
import type Forge from 'node-forge';
import { nodeForge } from './node-forge.ts';

export interface CmsSigner {
  /** The signer's certificate first, then the rest of its chain. */
  certificates: Forge.pki.Certificate[];
  privateKey: KeyObject;
}

/** DER prefix of a DigestInfo for SHA-256 (RFC 8017 §9.2, note 1). */
const SHA256_DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** A stand-in for forge's RSA key whose sign() is PKCS #1 v1.5 by Node's crypto. */
function nativeRsaKey(privateKey: KeyObject): Forge.pki.rsa.PrivateKey {
  return {
    sign(md: Forge.md.MessageDigest) {
      const digestInfo = Buffer.concat([SHA256_DIGEST_INFO_PREFIX, Buffer.from(md.digest().getBytes(), 'binary')]);
      return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo).toString('binary');
    },
  } as unknown as Forge.pki.rsa.PrivateKey;
}

export function signCms(content: Buffer, signer: CmsSigner, signingTime = new Date()): Buffer {
  const [certificate, ...chain] = signer.certificates;
  if (!certificate) throw new Error('a signer needs a certificate');
  const forge = nodeForge();
  const signedData = forge.pkcs7.createSignedData();
  signedData.content = forge.util.createBuffer(content.toString('binary'));
  signedData.addCertificate(certificate);
  for (const extra of chain) signedData.addCertificate(extra);
  signedData.addSigner({
    key: nativeRsaKey(signer.privateKey),
    certificate,
    digestAlgorithm: forge.pki.oids.sha256!,
    authenticatedAttributes: [
      { type: forge.pki.oids.contentType!, value: forge.pki.oids.data },
      { type: forge.pki.oids.messageDigest! },
      { type: forge.pki.oids.signingTime!, value: signingTime as unknown as string },
    ],
  });
  signedData.sign();
  return Buffer.from(forge.asn1.toDer(signedData.toAsn1()).getBytes(), 'binary');
}
