/**
 * Each organization's identity for signing Apple enrollment profiles. Until an admin uploads
 * their own PEM chain and key, a self-signed RSA identity is generated on first use; either way
 * the private key is stored sealed (crypto/secret-box.ts) and opened only to sign.
 *
 * Signers are cached per process, keyed by the row's updatedAt, so each profile costs one small
 * read and no decryption; an upload or reset on another node is seen at the next profile.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { SigningIdentityTable } from '../../db/schema.ts';
import { type CmsSigner } from '../../crypto/cms-sign.ts';
import { forgeCertificates, generateSelfSignedIdentity, readUploadedIdentity, type SigningMaterial, SigningMaterialError } from '../../crypto/certificates.ts';
import type { SecretBox } from '../../crypto/secret-box.ts';
import { AppError } from '../../errors.ts';
import { nowIso, toIso } from '../../lib/time.ts';

export type SigningSource = 'generated' | 'uploaded';

export interface SigningIdentity {
  source: SigningSource;
  subject: string;
  fingerprint: string;
  notAfter: string;
  /** The PEM chain profiles are signed with (public: devices receive it in every profile). */
  certificateChain: string;
  createdAt: string;
  updatedAt: string;
}

function present(row: Selectable<SigningIdentityTable>): SigningIdentity {
  return {
    source: row.source as SigningSource,
    subject: row.subject,
    fingerprint: row.fingerprint,
    notAfter: toIso(row.notAfter),
    certificateChain: row.certificateChain,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

export interface SigningIdentityDeps {
  db: Db;
  secrets: SecretBox;
  /** The organization's name, for the generated certificate's subject. */
  organizationName(organizationId: string): Promise<string>;
}

export function createSigningIdentityService({ db, secrets, organizationName }: SigningIdentityDeps) {
  const signers = new Map<string, { version: string; signer: CmsSigner }>();

  const find = (organizationId: string) =>
    db.selectFrom('signingIdentities').selectAll().where('organizationId', '=', organizationId).executeTakeFirst();

  async function store(organizationId: string, source: SigningSource, material: SigningMaterial, replace: boolean) {
    const now = nowIso();
    const row = {
      organizationId,
      source,
      certificateChain: material.chainPem,
      sealedPrivateKey: secrets.seal(material.privateKeyPem, organizationId),
      subject: material.subject,
      fingerprint: material.fingerprint,
      notAfter: material.notAfter,
      createdAt: now,
      updatedAt: now,
    };
    await db
      .insertInto('signingIdentities')
      .values(row)
      .onConflict((oc) => {
        const target = oc.column('organizationId');
        if (!replace) return target.doNothing();
        const { organizationId: _key, createdAt: _created, ...changes } = row;
        return target.doUpdateSet(changes);
      })
      .execute();
  }

  /** The stored identity, generating the self-signed one on first use (safe under concurrency). */
  async function getOrCreate(organizationId: string): Promise<Selectable<SigningIdentityTable>> {
    const existing = await find(organizationId);
    if (existing) return existing;
    await store(organizationId, 'generated', generateSelfSignedIdentity(await organizationName(organizationId)), false);
    return (await find(organizationId))!;
  }

  return {
    async describe(organizationId: string): Promise<SigningIdentity> {
      return present(await getOrCreate(organizationId));
    },

    /** Replace the identity with the admin's own chain and key (400/3000 naming the field if unusable). */
    async upload(organizationId: string, input: { certificateChain: string; privateKey: string }): Promise<SigningIdentity> {
      let material: SigningMaterial;
      try {
        material = readUploadedIdentity(input.certificateChain, input.privateKey);
      } catch (error) {
        if (!(error instanceof SigningMaterialError)) throw error;
        throw AppError.validation([{ path: `/body/${error.field}`, message: `${error.field} ${error.message}` }]);
      }
      await store(organizationId, 'uploaded', material, true);
      return present((await find(organizationId))!);
    },

    /** Forget an uploaded (or generated) identity: a new self-signed one is generated at once. */
    async reset(organizationId: string): Promise<SigningIdentity> {
      await store(organizationId, 'generated', generateSelfSignedIdentity(await organizationName(organizationId)), true);
      return present((await find(organizationId))!);
    },

    /** The certificates and key to sign a profile with. */
    async signer(organizationId: string): Promise<CmsSigner> {
      const row = await getOrCreate(organizationId);
      const version = `${toIso(row.updatedAt)}/${row.fingerprint}`;
      const cached = signers.get(organizationId);
      if (cached?.version === version) return cached.signer;
      const privateKey: KeyObject = createPrivateKey(secrets.open(row.sealedPrivateKey, organizationId));
      const signer = { certificates: forgeCertificates(row.certificateChain), privateKey };
      signers.set(organizationId, { version, signer });
      return signer;
    },
  };
}

export type SigningIdentityService = ReturnType<typeof createSigningIdentityService>;
