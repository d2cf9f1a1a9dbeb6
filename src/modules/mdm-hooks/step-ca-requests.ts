/**
 * The bodies step-ca's SCEP provisioner webhooks post, read into what enrolld acts on.
 * SCEPCHALLENGE: `{timestamp, provisionerName, x509CertificateRequest, scepChallenge,
 * scepTransactionID}`; the request's fields are step-ca's parse of the PKCS#10 (`subject`,
 * `raw` = base64 DER). NOTIFYING: `x509CertificateRequest`, `scepTransactionID`, and either
 * `x509Certificate` (`raw` = base64 DER, `notBefore`, `notAfter`) or `scepErrorDescription`.
 */
import { X509Certificate } from 'node:crypto';
import { nodeForge } from '../../crypto/node-forge.ts';
import { AppError } from '../../errors.ts';
import type { ScepOutcome, ScepRequest } from '../scep-challenges/scep-challenges.service.ts';

const problem = (path: string, message: string) => AppError.validation([{ path: `/body${path}`, message }]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requiredString(body: Record<string, unknown>, key: string, max = 1024): string {
  const value = body[key];
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw problem(`/${key}`, `"${key}" is required: a string of 1 to ${max} characters`);
  return value;
}

/** The common name of a DER PKCS#10 request (step-ca's `raw`), when its own `subject` left it out. */
function commonNameOfCsr(rawBase64: unknown): string | null {
  if (typeof rawBase64 !== 'string') return null;
  try {
    const forge = nodeForge();
    const csr = forge.pki.certificationRequestFromAsn1(forge.asn1.fromDer(forge.util.decode64(rawBase64)));
    const field = csr.subject.getField('CN') as { value?: string } | null;
    return typeof field?.value === 'string' ? field.value : null;
  } catch {
    return null;
  }
}

export function readChallengeRequest(body: unknown): ScepRequest {
  if (!isRecord(body)) throw problem('', "must be a JSON object (step-ca's SCEPCHALLENGE webhook request)");
  const challenge = requiredString(body, 'scepChallenge', 256);
  const transactionId = requiredString(body, 'scepTransactionID', 256);
  const csr = body.x509CertificateRequest;
  if (!isRecord(csr)) throw problem('/x509CertificateRequest', '"x509CertificateRequest" is required and must be an object');
  const subject = isRecord(csr.subject) ? csr.subject : {};
  const commonName = typeof subject.commonName === 'string' && subject.commonName ? subject.commonName : commonNameOfCsr(csr.raw);
  return { challenge, transactionId, commonName };
}

export function readNotification(body: unknown): ScepOutcome {
  if (!isRecord(body)) throw problem('', "must be a JSON object (step-ca's NOTIFYING webhook request)");
  const transactionId = requiredString(body, 'scepTransactionID', 256);
  const issued = body.x509Certificate;
  if (isRecord(issued)) {
    if (typeof issued.raw !== 'string') throw problem('/x509Certificate/raw', '"raw" is required: the base64 DER certificate');
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(Buffer.from(issued.raw, 'base64'));
    } catch {
      throw problem('/x509Certificate/raw', '"raw" must be a base64 DER X.509 certificate');
    }
    return {
      transactionId,
      certificate: {
        serialNumber: certificate.serialNumber.toUpperCase(),
        subject: certificate.subject.split('\n').join(', '),
        notBefore: new Date(certificate.validFrom).toISOString(),
        notAfter: new Date(certificate.validTo).toISOString(),
      },
    };
  }
  const error = typeof body.scepErrorDescription === 'string' && body.scepErrorDescription ? body.scepErrorDescription.slice(0, 1024) : null;
  if (!error) throw problem('/x509Certificate', 'either "x509Certificate" (issued) or "scepErrorDescription" (failed) is required');
  return { transactionId, error };
}
