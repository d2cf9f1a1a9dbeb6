/**
 * Who may see a token's secret: its enrollCode, its enrollmentLink (which carries the code) and
 * any platform field built from the code (Android's provisioning QR payload). A live code is
 * enough to enroll a device, so reading it takes its own permission,
 * `mdm.<platform>.enrollmentToken.readSecret`, held by the admin and developer roles and not by
 * viewers. Without it those fields are null in every answer: create, list, get, update, resend,
 * revoke, redeem, and the codes in the redemption audit.
 */
import { hasPermission, type Principal } from '../../auth/principal.ts';
import type { Page } from '../../lib/pagination.ts';
import type { PlatformAdapter } from '../../platforms/platform.ts';

export const readSecretPermission = (adapter: Pick<PlatformAdapter, 'platform'>) => `mdm.${adapter.platform}.enrollmentToken.readSecret`;

type Answer = Record<string, unknown>;

export interface SecretView {
  token<T extends Answer>(token: T): T;
  page<T extends Answer>(page: Page<T>): Page<T>;
  /** The code presented in a redemption attempt. */
  code(code: string): string | null;
}

const REVEALING: SecretView = { token: (token) => token, page: (page) => page, code: (code) => code };

/** A serialized token of `adapter`'s platform with every field that carries its code set to null (also what webhook events carry). */
export function concealSecrets<T extends Answer>(adapter: PlatformAdapter, token: T): T {
  const common = { ...token, enrollCode: null, enrollmentLink: null };
  return (adapter.concealSecrets ? adapter.concealSecrets(common) : common) as T;
}

/** How answers to `principal` present tokens of `adapter`'s platform. */
export function secretViewFor(principal: Principal, adapter: PlatformAdapter): SecretView {
  if (hasPermission(principal, readSecretPermission(adapter))) return REVEALING;
  const conceal = <T extends Answer>(token: T): T => concealSecrets(adapter, token);
  return { token: conceal, page: (page) => ({ ...page, items: page.items.map(conceal) }), code: () => null };
}
