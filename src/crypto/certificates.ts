/**
 * X.509 helpers for profile signing: a self-signed RSA identity for an organization that has not
 * uploaded its own, and the checks an uploaded PEM chain and key must pass. Node's X509Certificate
 * does the parsing and key matching; node-forge only builds the self-signed certificate (Node
 * cannot) and is handed the parsed chain for CMS.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import type Forge from 'node-forge';
import { nodeForge } from './node-forge.ts';

export interface SigningMaterial {
  /** PEM certificates, the signer first. */
  chainPem: string;
  /** PKCS #8 PEM of the signer's private key. */
  privateKeyPem: string;
  subject: string;
  fingerprint: string;
  notAfter: string;
}

const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';
const PEM_END = '-----END CERTIFICATE-----';

/**
 * The PEM certificate blocks of an uploaded text, in order, found with indexOf in one forward
 * pass: a lazy regular expression restarted at every BEGIN line without an END took 80 ms on a
 * 64 KB upload (quadratic); this stays linear. Text between blocks is ignored, as openssl does.
 */
export function pemCertificateBlocks(text: string): string[] {
  const blocks: string[] = [];
  let from = 0;
  for (;;) {
    const begin = text.indexOf(PEM_BEGIN, from);
    if (begin < 0) break;
    const end = text.indexOf(PEM_END, begin + PEM_BEGIN.length);
    if (end < 0) break;
    blocks.push(text.slice(begin, end + PEM_END.length));
    from = end + PEM_END.length;
  }
  return blocks;
}
const SELF_SIGNED_YEARS = 10;

function describeCertificate(certificate: X509Certificate) {
  return {
    subject: certificate.subject.replace(/\n/g, ', '),
    fingerprint: certificate.fingerprint256,
    notAfter: new Date(certificate.validTo).toISOString(),
  };
}

/** A new self-signed RSA-2048 signing identity named after the organization. */
export function generateSelfSignedIdentity(organizationName: string, now = new Date()): SigningMaterial {
  const forge = nodeForge();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // A positive 16-byte serial (leading 0x00-0x7f), as RFC 5280 asks.
  certificate.serialNumber = `0${randomBytes(16).toString('hex').slice(1)}`;
  certificate.validity.notBefore = new Date(now.getTime() - 60_000);
  certificate.validity.notAfter = new Date(now.getTime());
  certificate.validity.notAfter.setUTCFullYear(now.getUTCFullYear() + SELF_SIGNED_YEARS);
  const name = [
    { name: 'commonName', value: `${organizationName.slice(0, 40)} enrollment profiles` },
    { name: 'organizationName', value: organizationName.slice(0, 64) },
  ];
  certificate.setSubject(name);
  certificate.setIssuer(name);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  certificate.sign(forge.pki.privateKeyFromPem(privateKeyPem), forge.md.sha256.create());
  const chainPem = forge.pki.certificateToPem(certificate);
  return { chainPem, privateKeyPem, ...describeCertificate(new X509Certificate(chainPem)) };
}

/** Why an uploaded chain and key cannot sign profiles: the field and the rule. */
export class SigningMaterialError extends Error {
  readonly field: 'certificateChain' | 'privateKey';
  constructor(field: 'certificateChain' | 'privateKey', message: string) {
    super(message);
    this.field = field;
  }
}

function parsePrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new SigningMaterialError('privateKey', 'must be an unencrypted PEM private key (PKCS #1 or PKCS #8)');
  }
  if (key.asymmetricKeyType !== 'rsa') throw new SigningMaterialError('privateKey', `must be an RSA key (got ${key.asymmetricKeyType})`);
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new SigningMaterialError('privateKey', 'must be at least 2048 bits long');
  return key;
}

/**
 * Checks an uploaded chain and key and puts the certificate the key belongs to first. Every
 * certificate must parse and be valid now; the key must match one of them.
 */
export function readUploadedIdentity(chain: string, privateKey: string, now = new Date()): SigningMaterial {
  const blocks = pemCertificateBlocks(chain);
  if (blocks.length === 0) throw new SigningMaterialError('certificateChain', 'must contain at least one PEM certificate (-----BEGIN CERTIFICATE-----)');
  const certificates = blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw new SigningMaterialError('certificateChain', `certificate ${i + 1} is not a valid X.509 certificate`);
    }
  });
  certificates.forEach((certificate, i) => {
    if (new Date(certificate.validTo) <= now) throw new SigningMaterialError('certificateChain', `certificate ${i + 1} expired on ${new Date(certificate.validTo).toISOString()}`);
    if (new Date(certificate.validFrom) > now) throw new SigningMaterialError('certificateChain', `certificate ${i + 1} is not valid before ${new Date(certificate.validFrom).toISOString()}`);
  });
  const key = parsePrivateKey(privateKey);
  const signerIndex = certificates.findIndex((certificate) => certificate.checkPrivateKey(key));
  if (signerIndex < 0) throw new SigningMaterialError('privateKey', 'does not belong to any certificate of certificateChain');
  const ordered = [certificates[signerIndex]!, ...certificates.filter((_, i) => i !== signerIndex)];
  return {
    chainPem: ordered.map((certificate) => certificate.toString().trim()).join('\n') + '\n',
    privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ...describeCertificate(ordered[0]!),
  };
}

/** The chain as forge certificates, for CMS. */
export function forgeCertificates(chainPem: string): Forge.pki.Certificate[] {
  const forge = nodeForge();
  return pemCertificateBlocks(chainPem).map((block) => forge.pki.certificateFromPem(block));
}
