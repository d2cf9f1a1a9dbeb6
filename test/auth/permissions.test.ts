import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandGrants, isValidGrant, PERMISSIONS, ROLE_PERMISSIONS } from '../../src/auth/permissions.ts';

describe('permissions', () => {
  it('lists the product permissions for every platform', () => {
    for (const platform of ['apple', 'windows', 'android']) {
      for (const action of ['list', 'get', 'create', 'update', 'remove', 'redeem']) {
        assert.ok(PERMISSIONS.includes(`mdm.${platform}.enrollmentToken.${action}`));
      }
    }
    assert.ok(PERMISSIONS.includes('base.organization.serviceAccount.create'));
    assert.ok(PERMISSIONS.includes('mdm.apple.vppLocation.update'));
  });

  it('gives admin everything, developer all but keys, viewer only reads', () => {
    assert.deepEqual(ROLE_PERMISSIONS.admin, PERMISSIONS);
    assert.ok(!ROLE_PERMISSIONS.developer.some((p) => p.startsWith('base.organization.serviceAccount')));
    assert.ok(ROLE_PERMISSIONS.developer.includes('mdm.android.enrollmentToken.redeem'));
    assert.ok(ROLE_PERMISSIONS.viewer.every((p) => /\.(list|get)$/.test(p)));
    assert.ok(ROLE_PERMISSIONS.viewer.includes('mdm.global.mdmUser.list'));
  });

  it('expands trailing wildcards within the catalog only', () => {
    assert.deepEqual([...expandGrants(['mdm.windows.enrollmentToken.*'])], PERMISSIONS.filter((p) => p.startsWith('mdm.windows.enrollmentToken.')));
    assert.equal(expandGrants(['*']).size, PERMISSIONS.length);
    assert.equal(expandGrants(['mdm.windows.enrollmentToken']).size, 0, 'no implicit prefix match');
  });

  it('accepts known permissions and covering wildcards, refuses the rest', () => {
    for (const grant of ['*', 'mdm.*', 'mdm.apple.*', 'mdm.global.mdmUser.list']) assert.ok(isValidGrant(grant), grant);
    for (const grant of ['', 'mdm.global.mdmUser', 'mdm.blackberry.*', 'mdm.*.list', 'admin']) assert.ok(!isValidGrant(grant), grant);
  });
});
