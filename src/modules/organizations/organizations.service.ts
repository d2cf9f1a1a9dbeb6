/**
 * Organizations (tenants): create, list, resolve by id or slug, update, delete. Deleting an
 * organization deletes everything it owns (foreign keys cascade).
 */
import type { ChangeNotices } from '../../db/change-notices.ts';
import type { Db } from '../../db/database.ts';
import { createRowCache, ROW_CACHE_DEFAULTS } from '../../db/row-cache.ts';
import { withUniqueCheck } from '../../db/dialect.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { buildPage, type Page, type PageRequest } from '../../lib/pagination.ts';
import type { Language } from '../../lib/languages.ts';
import { nowIso } from '../../lib/time.ts';
import { normalizeEmailDomains } from './email-domains.ts';
import * as repository from './organizations.repository.ts';
import { defaultPlan, mergePlan, type Organization, type PlanInput } from './organizations.types.ts';

export interface CreateOrganizationInput {
  name: string;
  slug: string;
  plan?: PlanInput;
  emailDomains?: string[] | null;
  defaultLanguage?: Language;
}

export interface UpdateOrganizationInput {
  name?: string;
  slug?: string;
  plan?: PlanInput;
  /** null lifts the allow-list; absent keeps it. */
  emailDomains?: string[] | null;
  defaultLanguage?: Language;
}

/** A taken slug is a validation problem of the `slug` field, reported like any other. */
function slugTaken(slug: string): AppError {
  return AppError.validation([{ path: '/body/slug', message: `"slug" ${JSON.stringify(slug)} is already in use` }]);
}

export function createOrganizationService(deps: { db: Db; changeNotices: ChangeNotices }) {
  const { db, changeNotices } = deps;
  // Read by every enrollment page and every root-key request naming an organization.
  const cache = createRowCache<Organization>(changeNotices, ROW_CACHE_DEFAULTS);

  /** The organization, or null; served from the cache where there is one. */
  const find = (idOrSlug: string) => cache.get(idOrSlug, () => repository.findOrganization(db, idOrSlug));

  /** As stored now, never from the cache: what an update starts from. */
  async function current(idOrSlug: string): Promise<Organization> {
    const organization = await repository.findOrganization(db, idOrSlug);
    if (!organization) throw AppError.notFound('organization');
    return organization;
  }

  async function get(idOrSlug: string): Promise<Organization> {
    const organization = await find(idOrSlug);
    if (!organization) throw AppError.notFound('organization');
    return organization;
  }

  return {
    /** The organization, or null: used by authentication, where absence is not an error yet. */
    find,

    get,

    async create(input: CreateOrganizationInput): Promise<Organization> {
      const now = nowIso();
      const organization: Organization = {
        id: newId(),
        name: input.name,
        slug: input.slug,
        plan: mergePlan(defaultPlan(), input.plan),
        emailDomains: normalizeEmailDomains(input.emailDomains ?? null),
        defaultLanguage: input.defaultLanguage ?? 'en',
        createdAt: now,
        updatedAt: now,
      };
      await withUniqueCheck(repository.insertOrganization(db, organization), () => slugTaken(input.slug));
      return organization;
    },

    async list(search: string | undefined, page: PageRequest): Promise<Page<Organization>> {
      const { items, total } = await repository.listOrganizations(db, search, page);
      return buildPage(items, total, page);
    },

    async update(idOrSlug: string, input: UpdateOrganizationInput): Promise<Organization> {
      const stored = await current(idOrSlug);
      const next: Organization = {
        ...stored,
        name: input.name ?? stored.name,
        slug: input.slug ?? stored.slug,
        plan: mergePlan(stored.plan, input.plan),
        emailDomains: input.emailDomains === undefined ? stored.emailDomains : normalizeEmailDomains(input.emailDomains),
        defaultLanguage: input.defaultLanguage ?? stored.defaultLanguage,
        updatedAt: nowIso(),
      };
      await withUniqueCheck(repository.updateOrganization(db, next), () => slugTaken(next.slug));
      changeNotices.changed();
      return next;
    },

    async remove(idOrSlug: string): Promise<Organization> {
      const stored = await current(idOrSlug);
      await repository.deleteOrganization(db, stored.id);
      changeNotices.changed();
      return stored;
    },

    count: () => repository.countOrganizations(db),

    /**
     * Hold the organization's row until `trx` ends, so that decisions about the organization (its
     * hourly sending budget, its segment tree) are taken one at a time across processes.
     */
    lockRow: (trx: Db, id: string) => repository.lockOrganizationRow(trx, id),
  };
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;
