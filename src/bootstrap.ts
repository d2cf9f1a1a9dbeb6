/**
 * First start on an empty database: create the organization `default` and an admin service
 * account, and hand back its token so the server can print it once.
 */
import type { Services } from './services.ts';
import { AppError } from './errors.ts';

export const BOOTSTRAP_SLUG = 'default';

export async function bootstrapIfEmpty(services: Pick<Services, 'organizations' | 'serviceAccounts'>) {
  if ((await services.organizations.count()) > 0) return null;
  let organization;
  try {
    organization = await services.organizations.create({ name: 'Default', slug: BOOTSTRAP_SLUG });
  } catch (error) {
    // Another process bootstrapped between our count and insert: nothing left to do.
    if (error instanceof AppError) return null;
    throw error;
  }
  const key = await services.serviceAccounts.create(
    organization.id,
    { name: 'bootstrap admin', role: 'admin' },
    { kind: 'root' },
  );
  return { organization, token: key.token };
}
