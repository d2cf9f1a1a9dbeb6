/**
 * Enterprises: one per organization and platform, created on first use with the platform's
 * working development defaults, so a fresh organization can issue tokens at once.
 */
import type { Selectable } from 'kysely';
import type { ChangeNotices } from '../../db/change-notices.ts';
import type { Db } from '../../db/database.ts';
import { decodeJson, encodeJson } from '../../db/dialect.ts';
import { prepareQuery } from '../../db/prepared.ts';
import { createRowCache, ROW_CACHE_DEFAULTS } from '../../db/row-cache.ts';
import type { EnterpriseTable } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import { nowIso, toIso } from '../../lib/time.ts';
import { assertPrecondition, nextVersion, type Precondition, writeVersioned } from '../../lib/versions.ts';
import type { PlatformAdapter } from '../../platforms/platform.ts';
import type { Platform } from '../../platforms/platform-names.ts';
import { type Branding, DEFAULT_BRANDING, type Enterprise } from './enterprises.types.ts';

export interface UpdateEnterpriseInput {
  name?: string;
  configuration?: Partial<Branding>;
  settings?: Record<string, unknown>;
}

function toEnterprise(row: Selectable<EnterpriseTable>): Enterprise {
  return {
    id: row.id,
    organization: row.organizationId,
    platform: row.platform as Platform,
    name: row.name,
    configuration: decodeJson<Branding>(row.configuration),
    settings: decodeJson<Record<string, unknown>>(row.settings),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

// A prepared query names its columns: `*` would break on PostgreSQL when the table gains one.
const ENTERPRISE_COLUMNS = ['id', 'organizationId', 'platform', 'name', 'configuration', 'settings', 'createdAt', 'updatedAt'] as const satisfies ReadonlyArray<
  keyof EnterpriseTable
>;
const enterpriseOf = prepareQuery((db, a: { organizationId: string; platform: string }) =>
  db.selectFrom('enterprises').select(ENTERPRISE_COLUMNS).where('organizationId', '=', a.organizationId).where('platform', '=', a.platform),
);

const mergeSettings = (adapter: PlatformAdapter, stored: Record<string, unknown>, input: Record<string, unknown>) =>
  adapter.enterprise.merge ? adapter.enterprise.merge(stored, input) : { ...stored, ...input };

/** The enterprise as the API answers it: its settings as the platform presents them. */
export function presentEnterprise(adapter: PlatformAdapter, enterprise: Enterprise): Enterprise {
  return adapter.enterprise.present ? { ...enterprise, settings: adapter.enterprise.present(enterprise.settings) } : enterprise;
}

export function createEnterpriseService(deps: { db: Db; changeNotices: ChangeNotices; publicUrl: string; adapters: Readonly<Record<Platform, PlatformAdapter>> }) {
  const { db, changeNotices, publicUrl, adapters } = deps;
  // Every token answer names its enterprise, and every create checks the enterprise's settings.
  const cache = createRowCache<Enterprise>(changeNotices, ROW_CACHE_DEFAULTS);

  async function find(executor: Db, organizationId: string, platform: Platform) {
    const row = await enterpriseOf.first(executor, { organizationId, platform });
    return row ? toEnterprise(row) : null;
  }

  /**
   * The enterprise, created with defaults if it does not exist yet (safe under concurrency).
   * Without `executor` it may come from the cache; inside a transaction it is read there.
   */
  function getOrCreate(organizationId: string, platform: Platform, executor?: Db): Promise<Enterprise> {
    if (executor) return readOrCreate(executor, organizationId, platform);
    return cache.get(`${organizationId}:${platform}`, () => readOrCreate(db, organizationId, platform)) as Promise<Enterprise>;
  }

  async function readOrCreate(executor: Db, organizationId: string, platform: Platform): Promise<Enterprise> {
    const existing = await find(executor, organizationId, platform);
    if (existing) return existing;
    const now = nowIso();
    await executor
      .insertInto('enterprises')
      .values({
        id: newId(),
        organizationId,
        platform,
        name: `${adapters[platform].label} enterprise`,
        configuration: encodeJson(DEFAULT_BRANDING),
        settings: encodeJson(adapters[platform].enterprise.defaults(publicUrl)),
        createdAt: now,
        updatedAt: now,
      })
      .onConflict((oc) => oc.columns(['organizationId', 'platform']).doNothing())
      .execute();
    return (await find(executor, organizationId, platform))!;
  }

  return {
    getOrCreate,

    /** Merge `input` into the enterprise; with a precondition (If-Match), only into the version the client saw. */
    async update(organizationId: string, platform: Platform, input: UpdateEnterpriseInput, precondition?: Precondition): Promise<Enterprise> {
      const updated = await writeVersioned(precondition, async () => {
        const current = await readOrCreate(db, organizationId, platform);
        assertPrecondition(precondition, current.updatedAt);
        const next: Enterprise = {
          ...current,
          name: input.name ?? current.name,
          configuration: { ...current.configuration, ...input.configuration },
          settings: input.settings ? mergeSettings(adapters[platform], current.settings, input.settings) : current.settings,
          updatedAt: nextVersion(current.updatedAt, nowIso()),
        };
        const result = await db
          .updateTable('enterprises')
          .set({ name: next.name, configuration: encodeJson(next.configuration), settings: encodeJson(next.settings), updatedAt: next.updatedAt })
          .where('id', '=', current.id)
          .where('updatedAt', '=', current.updatedAt)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1 ? next : null;
      });
      changeNotices.changed();
      return updated;
    },
  };
}

export type EnterpriseService = ReturnType<typeof createEnterpriseService>;
