/**
 * Organizations (tenants): create, list, resolve by id or slug, update, delete. Deleting an
 * organization deletes everything it owns (foreign keys cascade).
 */
import type { Db } from '../../db/database.ts';
import { withUniqueCheck } from '../../db/dialect.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { buildPage, type Page, type PageRequest } from '../../lib/pagination.ts';
import { nowIso } from '../../lib/time.ts';
import { normalizeEmailDomains } from './email-domains.ts';
import * as repository from './organizations.repository.ts';
import { defaultPlan, mergePlan, type Organization, type PlanInput } from './organizations.types.ts';

export interface CreateOrganizationInput {
  name: string;
  slug: string;
  plan?: PlanInput;
  emailDomains?: string[] | null;
}

export interface UpdateOrganizationInput {
  name?: string;
  slug?: string;
  plan?: PlanInput;
  /** null lifts the allow-list; absent keeps it. */
  emailDomains?: string[] | null;
}

/** A taken slug is a validation problem of the `slug` field, reported like any other. */
function slugTaken(slug: string): AppError {
  return AppError.validation([{ path: '/body/slug', message: `"slug" ${JSON.stringify(slug)} is already in use` }]);
}

export function createOrganizationService(deps: { db: Db }) {
  const { db } = deps;

  async function get(idOrSlug: string): Promise<Organization> {
    const organization = await repository.findOrganization(db, idOrSlug);
    if (!organization) throw AppError.notFound('organization');
    return organization;
  }

  return {
    /** The organization, or null: used by authentication, where absence is not an error yet. */
    find: (idOrSlug: string) => repository.findOrganization(db, idOrSlug),

    get,

    async create(input: CreateOrganizationInput): Promise<Organization> {
      const now = nowIso();
      const organization: Organization = {
        id: newId(),
        name: input.name,
        slug: input.slug,
        plan: mergePlan(defaultPlan(), input.plan),
        emailDomains: normalizeEmailDomains(input.emailDomains ?? null),
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
      const current = await get(idOrSlug);
      const next: Organization = {
        ...current,
        name: input.name ?? current.name,
        slug: input.slug ?? current.slug,
        plan: mergePlan(current.plan, input.plan),
        emailDomains: input.emailDomains === undefined ? current.emailDomains : normalizeEmailDomains(input.emailDomains),
        updatedAt: nowIso(),
      };
      await withUniqueCheck(repository.updateOrganization(db, next), () => slugTaken(next.slug));
      return next;
    },

    async remove(idOrSlug: string): Promise<Organization> {
      const current = await get(idOrSlug);
      await repository.deleteOrganization(db, current.id);
      return current;
    },

    count: () => repository.countOrganizations(db),
  };
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;
