/**
 * The programs enrolld works with for an organization's enrollments, and their keys:
 * - step-ca: the SCEP provisioner's SCEPCHALLENGE webhook, and optionally its NOTIFYING one.
 *   `step ca provisioner webhook add` prints each webhook's id and secret (base64 of 64 random
 *   bytes); the admin registers them here. step-ca names the webhook in every call (X-Smallstep-Webhook-ID), which
 *   is how enrolld finds the organization.
 * - nanomdm: NanoMDM's (or MicroMDM's) check-in webhook. enrolld makes a random hook id, part of
 *   the URL given to NanoMDM's -webhook-url; the optional HMAC key is the one given to its
 *   -webhook-hmac-key. A key set here means unsigned calls are refused.
 * - amapi: Google's Android Management API. The admin gives the enterprise name, the service
 *   account's JSON key (enrolld calls Google with it) and the identity Pub/Sub signs its pushes
 *   with; enrolld makes a random hook id for the push endpoint's URL. Without it, Android tokens
 *   are made by enrolld alone (local mode: custom DPCs, development).
 * Keys are stored sealed (crypto/secret-box.ts) with the organization as owner, and never answered.
 */
import { createPrivateKey, randomBytes } from 'node:crypto';
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { decodeJson, encodeJson } from '../../db/dialect.ts';
import { nowIso, toIso } from '../../lib/time.ts';

/** step-ca-notify: the provisioner's NOTIFYING webhook, a webhook of its own in step-ca (its own id and secret). */
export const INTEGRATION_KINDS = ['step-ca', 'step-ca-notify', 'nanomdm', 'amapi'] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

/** A registered integration as the hooks use it: whose it is and the key its calls are signed with. */
export interface ResolvedIntegration {
  organizationId: string;
  secret: string | null;
}

interface Registration {
  publicId: string;
  hasSecret: boolean;
  settings: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

/** The fields of a Google service-account key file enrolld uses (the file has more). */
export interface ServiceAccountKey {
  type: string;
  client_email: string;
  private_key: string;
  private_key_id?: string;
  project_id?: string;
  [field: string]: unknown;
}

/** Who signs the Pub/Sub pushes (the push subscription's service account) and for which audience. */
export interface PushIdentity {
  audience: string;
  serviceAccountEmail: string;
}

/** An organization's AMAPI settings, as new tokens and the push endpoint use them (no key opened). */
export interface AmapiSettingsView {
  organizationId: string;
  enterpriseName: string;
  pubsub: PushIdentity;
  /** Changes whenever the settings do: a client made for an older one is stale. */
  version: string;
}

/** The settings with the service account's key, as the provisioning worker calls Google with them. */
export interface AmapiConnection extends AmapiSettingsView {
  serviceAccountKey: ServiceAccountKey;
}

interface AmapiSettings {
  enterpriseName: string;
  pubsub: PushIdentity;
}

export function createMdmIntegrationService(deps: { db: Db; secrets: SecretBox; publicUrl: string }) {
  const { db, secrets, publicUrl } = deps;

  async function find(organizationId: string, kind: IntegrationKind): Promise<Registration | null> {
    const row = await db.selectFrom('mdmIntegrations').selectAll().where('organizationId', '=', organizationId).where('kind', '=', kind).executeTakeFirst();
    return row
      ? {
          publicId: row.publicId,
          hasSecret: row.secretSealed !== null,
          settings: row.settings === null || row.settings === undefined ? null : decodeJson<Record<string, unknown>>(row.settings),
          createdAt: toIso(row.createdAt),
          updatedAt: toIso(row.updatedAt),
        }
      : null;
  }

  /**
   * Create or replace the organization's registration of `kind`. `secret` undefined keeps the
   * stored one (a write-only key need not be sent again to change the rest).
   */
  async function save(
    organizationId: string,
    kind: IntegrationKind,
    publicId: string,
    secret: string | null | undefined,
    field = '/body/webhookId',
    settings: Record<string, unknown> | null = null,
  ): Promise<Registration> {
    const now = nowIso();
    const sealed = secret === undefined ? {} : { secretSealed: secret === null ? null : secrets.seal(secret, organizationId) };
    const settingsJson = settings === null ? null : encodeJson(settings);
    try {
      await db
        .insertInto('mdmIntegrations')
        .values({ organizationId, kind, publicId, secretSealed: null, ...sealed, settings: settingsJson, createdAt: now, updatedAt: now })
        .onConflict((oc) => oc.columns(['organizationId', 'kind']).doUpdateSet({ publicId, ...sealed, settings: settingsJson, updatedAt: now }))
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
  const pushUrlOf = (hookId: string) => `${publicUrl}/hooks/android/pubsub/${hookId}`;

  function presentAmapi(found: Registration | null) {
    if (!found) return { mode: 'local' as const, enterpriseName: null, serviceAccountEmail: null, pubsub: null, hookUrl: null, createdAt: null, updatedAt: null };
    const settings = found.settings as unknown as AmapiSettings & { serviceAccountEmail: string };
    return {
      mode: 'amapi' as const,
      enterpriseName: settings.enterpriseName,
      serviceAccountEmail: settings.serviceAccountEmail,
      pubsub: settings.pubsub,
      hookUrl: pushUrlOf(found.publicId),
      createdAt: found.createdAt,
      updatedAt: found.updatedAt,
    };
  }

  /** The key must be a service account's, with a private key Node can read: refused here rather than at the first Google call. */
  function checkServiceAccountKey(key: ServiceAccountKey): void {
    try {
      createPrivateKey(key.private_key);
    } catch {
      throw AppError.validation([{ path: '/body/serviceAccountKey/private_key', message: '"private_key" must be the PEM private key of the JSON key file' }]);
    }
  }

  type AmapiRow = { organizationId: string; secretSealed: string | null; settings: unknown; updatedAt: unknown };

  function amapiSettings(row: AmapiRow): AmapiSettingsView | null {
    if (row.secretSealed === null || row.settings === null || row.settings === undefined) return null;
    const settings = decodeJson<AmapiSettings>(row.settings);
    return { organizationId: row.organizationId, enterpriseName: settings.enterpriseName, pubsub: settings.pubsub, version: toIso(row.updatedAt as string) };
  }

  const selectAmapi = () => db.selectFrom('mdmIntegrations').select(['organizationId', 'secretSealed', 'settings', 'updatedAt']).where('kind', '=', 'amapi');

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

    /** The organization's Android mode: local until an AMAPI connection is registered. */
    async getAmapi(organizationId: string) {
      return presentAmapi(await find(organizationId, 'amapi'));
    },

    /**
     * Connect the organization's Android tokens to Google. The hook id is kept across updates (the
     * push subscription's endpoint stays valid); the key may be left out to keep the stored one.
     */
    async putAmapi(organizationId: string, input: { enterpriseName: string; serviceAccountKey?: ServiceAccountKey; pubsub: PushIdentity }) {
      const existing = await find(organizationId, 'amapi');
      if (!input.serviceAccountKey && !existing?.hasSecret) {
        throw AppError.validation([{ path: '/body/serviceAccountKey', message: 'must have required property \'serviceAccountKey\' (the first time: enrolld has no key yet)' }]);
      }
      if (input.serviceAccountKey) checkServiceAccountKey(input.serviceAccountKey);
      const serviceAccountEmail = input.serviceAccountKey?.client_email ?? (existing!.settings as { serviceAccountEmail: string }).serviceAccountEmail;
      const hookId = existing?.publicId ?? randomBytes(24).toString('base64url');
      const settings = { enterpriseName: input.enterpriseName, pubsub: input.pubsub, serviceAccountEmail };
      const secret = input.serviceAccountKey ? JSON.stringify(input.serviceAccountKey) : undefined;
      return presentAmapi(await save(organizationId, 'amapi', hookId, secret, '/body/enterpriseName', settings));
    },

    /** The organization's AMAPI settings, or null in local mode: what a new token needs, without opening the key. */
    async amapiSettingsOf(organizationId: string): Promise<AmapiSettingsView | null> {
      const row = await selectAmapi().where('organizationId', '=', organizationId).executeTakeFirst();
      return row ? amapiSettings(row) : null;
    },

    /** The organization's AMAPI connection with its key opened, or null in local mode: what calling Google needs. */
    async amapiConnectionOf(organizationId: string): Promise<AmapiConnection | null> {
      const row = await selectAmapi().where('organizationId', '=', organizationId).executeTakeFirst();
      const settings = row ? amapiSettings(row) : null;
      return settings ? { ...settings, serviceAccountKey: JSON.parse(secrets.open(row!.secretSealed!, row!.organizationId)) as ServiceAccountKey } : null;
    },

    /** The AMAPI settings whose push endpoint has this hook id, or null. */
    async amapiSettingsByHook(hookId: string): Promise<AmapiSettingsView | null> {
      const row = await selectAmapi().where('publicId', '=', hookId).executeTakeFirst();
      return row ? amapiSettings(row) : null;
    },

    /** Remove a registration (step-ca: both of its webhooks). */
    async remove(organizationId: string, kind: 'step-ca' | 'nanomdm' | 'amapi'): Promise<void> {
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
