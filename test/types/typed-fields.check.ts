/**
 * Checked by `npm run typecheck`, never run: token bodies and stored options are typed by their
 * schemas, so a misspelt field does not compile. Each `@ts-expect-error` below must meet an
 * error — were a type to degrade to `any`, the directive itself would fail the check.
 */
import type { EnrollmentTokenService } from '../../src/modules/enrollment-tokens/enrollment-tokens.service.ts';
import type { Organization } from '../../src/modules/organizations/organizations.types.ts';
import { androidAdapter } from '../../src/platforms/android/android.adapter.ts';
import { appleAdapter } from '../../src/platforms/apple/apple.adapter.ts';
import { windowsAdapter } from '../../src/platforms/windows/windows.adapter.ts';

export function createBodies(tokens: EnrollmentTokenService, organization: Organization) {
  void tokens.create(organization, appleAdapter, { mdmUserId: 'u', sendEmail: true, tags: ['a'] });
  // @ts-expect-error sendEmail misspelt: the required field is missing
  void tokens.create(organization, appleAdapter, { mdmUserId: 'u', sendEmial: true });
  // @ts-expect-error tags are strings
  void tokens.create(organization, appleAdapter, { mdmUserId: 'u', sendEmail: true, tags: [1] });
  // @ts-expect-error userEmails is required in a bulk body
  void tokens.createBulk(organization, appleAdapter, { sendEmail: false, userEmail: ['a@example.com'] });
}

export function platformFields() {
  appleAdapter.readOptions({ profiles: ['p'], admVppLocationId: null });
  // @ts-expect-error profiles misspelt
  appleAdapter.readOptions({ profile: ['p'] });
  // @ts-expect-error Windows names its policy winPolicyId
  windowsAdapter.readOptions({ policyId: 'p' });
  // @ts-expect-error managementMode is one of the four modes
  androidAdapter.readOptions({ managementMode: 'OWNER' });
}

export function storedOptions(token: Parameters<typeof appleAdapter.serialize>[0], android: Parameters<typeof androidAdapter.serialize>[0]) {
  const profiles: string[] = token.options.profiles;
  // @ts-expect-error Apple's stored options have no managementMode
  void token.options.managementMode;
  const mode: 'DEVICE_OWNER' | 'PROFILE_OWNER' | 'COPE' | 'USERLESS' = android.options.managementMode;
  return { profiles, mode };
}
