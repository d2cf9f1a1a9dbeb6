/**
 * Service accounts: organization-scoped API keys with a role or an explicit permission list.
 * The plaintext key exists only in the create response; the database holds its SHA-256 hash.
 */
import type { ChangeNotices } from '../../db/change-notices.ts';
import type { Db } from '../../db/database.ts';
import { createRowCache, ROW_CACHE_DEFAULTS } from '../../db/row-cache.ts';
import { PERMISSIONS, ROLE_PERMISSIONS, type Role, expandGrants, isSubset, isValidGrant } from '../../auth/permissions.ts';
import type { Principal } from '../../auth/principal.ts';
import { AppError, ErrorCode, type FieldProblem } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { buildPage, type Page, type PageRequest } from '../../lib/pagination.ts';
import { digestsEqual, displayPrefix, generateApiKey, hashSecret } from '../../lib/secrets.ts';
import { nowIso } from '../../lib/time.ts';
import { toOrganization } from '../organizations/organization-row.ts';
import type { Organization } from '../organizations/organizations.types.ts';
import * as repository from './service-accounts.repository.ts';

export interface ServiceAccount {
  id: string;
  organization: string;
  name: string;
  role: Role | null;
  /** What the key may do: the role's permissions, or the explicit grants expanded. */
  permissions: string[];
  tokenPrefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface CreateServiceAccountInput {
  name: string;
  role?: Role;
  permissions?: string[];
}

export interface AuthenticatedKey {
  principal: Extract<Principal, { kind: 'serviceAccount' }>;
  organization: Organization;
}

function grantsOf(account: Pick<repository.StoredServiceAccount, 'role' | 'grants'>): readonly string[] {
  return account.role ? ROLE_PERMISSIONS[account.role as Role] : account.grants;
}

/**
 * An admin key is one that holds every permission enrolld knows: the admin role, or explicit
 * grants that expand to the whole catalog (`*`). Only such a key can do everything, including
 * managing keys, so an organization left without one is locked out of part of its own data.
 */
function isAdminKey(account: Pick<repository.StoredServiceAccount, 'role' | 'grants'>): boolean {
  return expandGrants(grantsOf(account)).size === PERMISSIONS.length;
}

/**
 * A key may revoke only keys whose every permission it holds itself (so a key allowed to revoke
 * cannot disarm a stronger one), and never its organization's last live admin key: that takes
 * the root key. `live` are the organization's live keys, read under lock in the same transaction.
 */
function assertKeyMayRevoke(caller: Extract<Principal, { kind: 'serviceAccount' }>, target: repository.StoredServiceAccount, live: readonly repository.LiveKeyGrants[]): void {
  if (!isSubset(expandGrants(grantsOf(target)), caller.permissions)) {
    throw new AppError(ErrorCode.Forbidden, 'Forbidden: a key cannot revoke a key holding permissions it does not hold itself');
  }
  if (target.revokedAt === null && isAdminKey(target) && live.filter(isAdminKey).length <= 1) {
    throw new AppError(ErrorCode.Forbidden, "Forbidden: this is the organization's last admin key; only the root key can revoke it");
  }
}

function present(account: repository.StoredServiceAccount): ServiceAccount {
  return {
    id: account.id,
    organization: account.organizationId,
    name: account.name,
    role: account.role as Role | null,
    permissions: [...expandGrants(grantsOf(account))],
    tokenPrefix: account.tokenPrefix,
    createdAt: account.createdAt,
    revokedAt: account.revokedAt,
  };
}

function validateGrants(input: CreateServiceAccountInput): void {
  const problems: FieldProblem[] = [];
  if ((input.role === undefined) === (input.permissions === undefined)) {
    problems.push({ path: '/body/role', message: '"role" or "permissions" is required, but not both' });
  }
  input.permissions?.forEach((grant, index) => {
    if (!isValidGrant(grant)) {
      problems.push({
        path: `/body/permissions/${index}`,
        message: `"permissions[${index}]" ${JSON.stringify(grant)} is not a known permission or wildcard`,
      });
    }
  });
  if (problems.length > 0) throw AppError.validation(problems);
}

export function createServiceAccountService(deps: { db: Db; changeNotices: ChangeNotices }) {
  const { db, changeNotices } = deps;
  // Every API request presents a key: kept by the hash of the presented token.
  const liveKeys = createRowCache<AuthenticatedKey>(changeNotices, ROW_CACHE_DEFAULTS);

  async function readLiveKey(hash: string): Promise<AuthenticatedKey | null> {
    const found = await repository.findActiveKeyByHash(db, hash);
    if (!found || !digestsEqual(found.tokenHash, hash)) return null;
    const organization = toOrganization(found.organization);
    return {
      organization,
      principal: {
        kind: 'serviceAccount',
        serviceAccountId: found.account.id,
        organizationId: organization.id,
        organizationSlug: organization.slug,
        permissions: expandGrants(grantsOf(found.account)),
      },
    };
  }

  return {
    /**
     * Create a key. A key can only hand out permissions its creator holds, so a key allowed to
     * create keys cannot mint itself an admin.
     */
    async create(organizationId: string, input: CreateServiceAccountInput, creator: Principal) {
      validateGrants(input);
      const grants = input.role ? ROLE_PERMISSIONS[input.role] : input.permissions!;
      if (creator.kind === 'serviceAccount' && !isSubset(expandGrants(grants), creator.permissions)) {
        throw new AppError(ErrorCode.Forbidden, 'Forbidden: a key cannot grant permissions it does not hold');
      }
      const token = generateApiKey();
      const account: repository.StoredServiceAccount = {
        id: newId(),
        organizationId,
        name: input.name,
        role: input.role ?? null,
        grants: input.role ? [] : [...new Set(input.permissions)],
        tokenPrefix: displayPrefix(token),
        createdAt: nowIso(),
        revokedAt: null,
      };
      await repository.insertServiceAccount(db, account, hashSecret(token));
      return { ...present(account), token };
    },

    async list(organizationId: string, page: PageRequest): Promise<Page<ServiceAccount>> {
      const { items, total } = await repository.listServiceAccounts(db, organizationId, page);
      return buildPage(items.map(present), total, page);
    },

    /**
     * Revoke a key at once; revoking an already revoked key answers it unchanged. The root key
     * (and the CLI, which acts as root) may revoke any key; an organization key is bound by
     * assertKeyMayRevoke. Check and write share one transaction over the organization's locked
     * key rows, so two concurrent revocations of its last two admin keys cannot both succeed.
     */
    async revoke(organizationId: string, id: string, caller: Principal): Promise<ServiceAccount> {
      const revoked = await db.transaction().execute(async (trx) => {
        const live = await repository.lockLiveKeyGrants(trx, organizationId);
        const existing = await repository.findServiceAccount(trx, organizationId, id);
        if (!existing) throw AppError.notFound('serviceAccount');
        if (caller.kind === 'serviceAccount') assertKeyMayRevoke(caller, existing, live);
        if (existing.revokedAt) return present(existing);
        const revokedAt = nowIso();
        await repository.revokeServiceAccount(trx, organizationId, existing.id, revokedAt);
        return present({ ...existing, revokedAt });
      });
      changeNotices.changed();
      return revoked;
    },

    /**
     * The live key behind a presented bearer token, or null. Cached where change notices reach
     * this process, so a revocation anywhere is refused here as soon as its notice arrives.
     */
    authenticate(token: string): Promise<AuthenticatedKey | null> {
      return this.authenticateHash(hashSecret(token));
    },

    /** authenticate, for a key known by its hash (a session keeps only that). */
    authenticateHash(hash: string): Promise<AuthenticatedKey | null> {
      return liveKeys.get(hash, () => readLiveKey(hash));
    },
  };
}

export type ServiceAccountService = ReturnType<typeof createServiceAccountService>;
