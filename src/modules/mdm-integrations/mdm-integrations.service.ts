/**
 * The programs that call enrolld for an organization's Apple enrollments, and the keys their
 * calls are signed with:
 * - step-ca: the SCEP provisioner's SCEPCHALLENGE webhook, and optionally its NOTIFYING one.
 *   `step ca provisioner webhook add` prints each webhook's id and secret (base64 of 64 random
 *   bytes); the admin registers them here. step-ca names the webhook in every call (X-Smallstep-Webhook-ID), which
 *   is how enrolld finds the organization.
 * - nanomdm: NanoMDM's (or MicroMDM's) check-in webhook. enrolld makes a random hook id, part of
 *   the URL given to NanoMDM's -webhook-url; the optional HMAC key is the one given to its
 *   -webhook-hmac-key. A key set here means unsigned calls are refused.
 * Keys are stored sealed (crypto/secret-box.ts) with the organization as owner, and never answered.
 */
import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { nowIso, toIso } from '../../lib/time.ts';

/** step-ca-notify: the provisioner's NOTIFYING webhook, a webhook of its own in step-ca (its own id and secret). */
export const INTEGRATION_KINDS = ['step-ca', 'step-ca-notify', 'nanomdm'] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

/** A registered integration as the hooks use it: whose it is and the key its calls are signed with. */
export interface ResolvedIntegration {
  organizationId: string;
  secret: string | null;
}

interface Registration {
  publicId: string;
  hasSecret: boolean;
  createdAt: string;
  updatedAt: string;
}

export function createMdmIntegrationService(deps: { db: Db; secrets: SecretBox; publicUrl: string }) {
  const { db, secrets, publicUrl } = deps;

  async function find(organizationId: string, kind: IntegrationKind): Promise<Registration | null> {
    const row = await db.selectFrom('mdmIntegrations').selectAll().where('organizationId', '=', organizationId).where('kind', '=', kind).executeTakeFirst();
    return row ? { publicId: row.publicId, hasSecret: row.secretSealed !== null, createdAt: toIso(row.createdAt), updatedAt: toIso(row.updatedAt) } : null;
  }

  /** Create or replace the organization's registration of `kind`. */
  async function save(organizationId: string, kind: IntegrationKind, publicId: string, secret: string | null, field = '/body/webhookId'): Promise<Registration> {
    const now = nowIso();
    const secretSealed = secret === null ? null : secrets.seal(secret, organizationId);
    try {
      await db
        .insertInto('mdmIntegrations')
        .values({ organizationId, kind, publicId, secretSealed, createdAt: now, updatedAt: now })
        .onConflict((oc) => oc.columns(['organizationId', 'kind']).doUpdateSet({ publicId, secretSealed, updatedAt: now }))
        .execute();
    } catch (error) {
      // The unique (kind, public_id) index: another organization registered this webhook id.
      if (/unique|duplicate/i.test(String((error as Error).message))) {
        throw AppError.validation([{ path: field, message: `"${field.split('/').pop()}" is registered by another organization` }]);
      }
      throw error;
    }
    return (await find(organizationId, kind))!;
  }

  const hookUrlOf = (hookId: string) => `${publicUrl}/hooks/nanomdm/${hookId}`;

  async function getStepCa(organizationId: string) {
    const found = await find(organizationId, 'step-ca');
    if (!found) throw AppError.notFound('integration');
    const notify = await find(organizationId, 'step-ca-notify');
    return {
      webhookId: found.publicId,
      notifyWebhookId: notify?.publicId ?? null,
      challengeUrl: `${publicUrl}/hooks/step-ca/scep-challenge`,
      notifyUrl: `${publicUrl}/hooks/step-ca/scep-notify`,
      createdAt: found.createdAt,
      updatedAt: found.updatedAt,
    };
  }

  return {
    getStepCa,

    /** Both webhooks in one change: the notification webhook left out is removed. */
    async putStepCa(organizationId: string, input: { webhookId: string; secret: string; notify?: { webhookId: string; secret: string } }) {
      if (input.notify && input.notify.webhookId.toLowerCase() === input.webhookId.toLowerCase()) {
        throw AppError.validation([{ path: '/body/notify/webhookId', message: '"webhookId" must differ from the challenge webhook\'s: step-ca gives each webhook its own' }]);
      }
      await save(organizationId, 'step-ca', input.webhookId.toLowerCase(), input.secret);
      if (input.notify) await save(organizationId, 'step-ca-notify', input.notify.webhookId.toLowerCase(), input.notify.secret, '/body/notify/webhookId');
      else await db.deleteFrom('mdmIntegrations').where('organizationId', '=', organizationId).where('kind', '=', 'step-ca-notify').execute();
      return getStepCa(organizationId);
    },

    async getNanoMdm(organizationId: string) {
      const found = await find(organizationId, 'nanomdm');
      if (!found) throw AppError.notFound('integration');
      return { hookUrl: hookUrlOf(found.publicId), signed: found.hasSecret, createdAt: found.createdAt, updatedAt: found.updatedAt };
    },

    /** The hook id is kept across updates (NanoMDM's -webhook-url stays valid); the key is replaced, or removed when left out. */
    async putNanoMdm(organizationId: string, input: { hmacKey?: string }) {
      const existing = await find(organizationId, 'nanomdm');
      const hookId = existing?.publicId ?? randomBytes(24).toString('base64url');
      const saved = await save(organizationId, 'nanomdm', hookId, input.hmacKey ?? null);
      return { hookUrl: hookUrlOf(saved.publicId), signed: saved.hasSecret, createdAt: saved.createdAt, updatedAt: saved.updatedAt };
    },

    /** Remove a registration (step-ca: both of its webhooks). */
    async remove(organizationId: string, kind: 'step-ca' | 'nanomdm'): Promise<void> {
      const kinds: IntegrationKind[] = kind === 'step-ca' ? ['step-ca', 'step-ca-notify'] : [kind];
      const result = await db.deleteFrom('mdmIntegrations').where('organizationId', '=', organizationId).where('kind', 'in', kinds).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw AppError.notFound('integration');
    },

    /** The registration a hook call names by its public id, or null. */
    async resolve(kind: IntegrationKind, publicId: string): Promise<ResolvedIntegration | null> {
      const row = await db
        .selectFrom('mdmIntegrations')
        .select(['organizationId', 'secretSealed'])
        .where('kind', '=', kind)
        .where('publicId', '=', kind === 'nanomdm' ? publicId : publicId.toLowerCase())
        .executeTakeFirst();
      if (!row) return null;
      return { organizationId: row.organizationId, secret: row.secretSealed === null ? null : secrets.open(row.secretSealed, row.organizationId) };
    },
  };
}

export type MdmIntegrationService = ReturnType<typeof createMdmIntegrationService>;
