/** MDM users of an organization. Emails are unique per organization, ignoring case (5048). */
import type { Db } from '../../db/database.ts';
import { encodeJson, withUniqueCheck } from '../../db/dialect.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { buildPage, type Page, type PageRequest } from '../../lib/pagination.ts';
import type { Language } from '../../lib/languages.ts';
import { nowIso } from '../../lib/time.ts';
import { assertPrecondition, nextVersion, type Precondition, writeVersioned } from '../../lib/versions.ts';
import * as repository from './mdm-users.repository.ts';
import type { UserByEmail } from './mdm-users.repository.ts';
import type { CreateMdmUserInput, MdmUser, MdmUserFilters, UpdateMdmUserInput, UserAddress } from './mdm-users.types.ts';

function alreadyExists(email: string): AppError {
  return new AppError(ErrorCode.MdmUserAlreadyExists, undefined, { email });
}

export interface MdmUserServiceDeps {
  db: Db;
  /** Whether the user still has tokens that could be redeemed (owned by the token service). */
  hasPendingTokens(executor: Db, mdmUserId: string): Promise<boolean>;
}

const EMPTY_TAGS = encodeJson([]);
const EMPTY_METADATA = encodeJson({});

/**
 * Create users for addresses the organization had none for, adding their ids to `into`. A
 * concurrent request may create some of the same users first: they are skipped, and only then
 * (the insert count comes up short) the ids are read back.
 */
async function createByEmail(executor: Db, organizationId: string, missing: readonly UserAddress[], language: Language, now: string, into: Map<string, UserByEmail>): Promise<void> {
  if (missing.length === 0) return;
  const rows = missing.map((user) => ({
    id: newId(),
    organizationId,
    email: user.email,
    emailNormalized: user.normalized,
    name: null,
    tags: EMPTY_TAGS,
    language,
    managedAppleId: null,
    metadata: EMPTY_METADATA,
    createdAt: now,
    updatedAt: now,
  }));
  if ((await repository.insertMdmUsers(executor, rows)) === rows.length) {
    for (const row of rows) into.set(row.emailNormalized, { id: row.id, language });
  } else {
    await repository.findUsersByEmail(executor, organizationId, rows.map((row) => row.emailNormalized), into);
  }
}

export function createMdmUserService(deps: MdmUserServiceDeps) {
  const { db } = deps;

  async function get(organizationId: string, id: string): Promise<MdmUser> {
    const user = await repository.findMdmUser(db, organizationId, id);
    if (!user) throw AppError.notFound('mdmUser');
    return user;
  }

  return {
    get,

    /** `defaultLanguage`: the organization's, for a user created without one. */
    async create(organizationId: string, input: CreateMdmUserInput, defaultLanguage: Language = 'en'): Promise<MdmUser> {
      const now = nowIso();
      const user: MdmUser = {
        id: newId(),
        organization: organizationId,
        email: input.email.trim(),
        name: input.name ?? null,
        tags: input.tags ?? [],
        language: input.language ?? defaultLanguage,
        managedAppleId: input.managedAppleId ?? null,
        metadata: input.metadata ?? {},
        createdAt: now,
        updatedAt: now,
      };
      await withUniqueCheck(repository.insertMdmUser(db, user), () => alreadyExists(user.email));
      return user;
    },

    async list(organizationId: string, filters: MdmUserFilters, page: PageRequest): Promise<Page<MdmUser>> {
      const { items, total } = await repository.listMdmUsers(db, organizationId, filters, page);
      return buildPage(items, total, page);
    },

    /** Partial update: fields left out keep their values; `null` clears a nullable field. */
    async update(organizationId: string, id: string, input: UpdateMdmUserInput, precondition?: Precondition): Promise<MdmUser> {
      return writeVersioned(precondition, async () => {
        const current = await get(organizationId, id);
        assertPrecondition(precondition, current.updatedAt);
        const next: MdmUser = {
          ...current,
          email: input.email?.trim() ?? current.email,
          name: input.name === undefined ? current.name : input.name,
          tags: input.tags ?? current.tags,
          language: input.language ?? current.language,
          managedAppleId: input.managedAppleId === undefined ? current.managedAppleId : input.managedAppleId,
          metadata: input.metadata ?? current.metadata,
          updatedAt: nextVersion(current.updatedAt, nowIso()),
        };
        const written = await withUniqueCheck(repository.updateMdmUser(db, next, current.updatedAt), () => alreadyExists(next.email));
        return written ? next : null;
      });
    },

    /** Who a new token is for: the user's id, address and name, or null (read in `executor`'s transaction). */
    contactOf: (executor: Db, organizationId: string, id: string) => repository.findUserContact(executor, organizationId, id),

    /** contactOf for many users at once, by id. */
    contactsOf: (executor: Db, organizationId: string, ids: readonly string[]) => repository.findUserContacts(executor, organizationId, ids),

    /**
     * The id of the user of each address (by normalized address), creating the users the
     * organization does not have yet, in `language` — all in the caller's transaction, one
     * statement per step whatever the count on PostgreSQL.
     */
    async usersByEmail(executor: Db, organizationId: string, addresses: readonly UserAddress[], language: Language, now: string): Promise<Map<string, UserByEmail>> {
      const ids = new Map<string, UserByEmail>();
      await repository.findUsersByEmail(executor, organizationId, addresses.map((address) => address.normalized), ids);
      await createByEmail(executor, organizationId, addresses.filter((address) => !ids.has(address.normalized)), language, now, ids);
      return ids;
    },

    createByEmail,

    /**
     * Delete a user who has no PENDING tokens (5055 otherwise). Their used, expired and revoked
     * tokens go with them. Check and delete share a transaction, so a token created meanwhile
     * cannot be deleted unseen.
     */
    async remove(organizationId: string, id: string, precondition?: Precondition): Promise<MdmUser> {
      return db.transaction().execute(async (trx) => {
        const current = await repository.findMdmUser(trx, organizationId, id);
        if (!current) throw AppError.notFound('mdmUser');
        assertPrecondition(precondition, current.updatedAt);
        if (await deps.hasPendingTokens(trx, current.id)) throw new AppError(ErrorCode.MdmUserHasPendingTokens);
        const deleted = await repository.deleteMdmUser(trx, organizationId, current.id, precondition && current.updatedAt);
        if (!deleted && precondition) throw new AppError(ErrorCode.PreconditionFailed);
        return current;
      });
    },
  };
}

export type MdmUserService = ReturnType<typeof createMdmUserService>;
