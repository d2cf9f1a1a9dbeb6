/**
 * The Apple enrollment profile: CMS-signed (verified by the real openssl), an XML plist whose SCEP
 * and MDM payloads link up, a one-time SCEP challenge that a SCEP server can verify exactly once,
 * and the organization's signing identity — generated and sealed on first use, or uploaded.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parsePlist } from 'plist';
import { SECRET_KEY_FILE } from '../../src/crypto/secret-box.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createKey, createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { securitySuite } from '../helpers/security.ts';
import { createToken, tokensUrl } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const enterpriseUrl = (org: { id: string }) => `/v1/organizations/${org.id}/mdm/apple/enterprise`;

async function downloadProfile(code: string) {
  return ctx.app.inject({ method: 'GET', url: `/enroll/apple/${code}/profile` });
}

let fileCounter = 0;
function tempFile(contents: string | Buffer, extension: string): string {
  const file = path.join(ctx.dir, `f${++fileCounter}.${extension}`);
  writeFileSync(file, contents);
  return file;
}

function openssl(args: string[], input?: Buffer): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** `openssl cms -verify` against `caPem`; answers the signed content, or throws. */
function verifyCms(der: Buffer, caPem: string): string {
  return openssl(['cms', '-verify', '-inform', 'DER', '-in', tempFile(der, 'der'), '-CAfile', tempFile(caPem, 'pem'), '-purpose', 'any']).toString('utf8');
}

function signerFingerprint(der: Buffer): string {
  const certs = tempFile('', 'pem');
  openssl(['cms', '-verify', '-noverify', '-inform', 'DER', '-in', tempFile(der, 'der'), '-signer', certs, '-out', '/dev/null']);
  return openssl(['x509', '-in', certs, '-noout', '-fingerprint', '-sha256']).toString().trim().split('=')[1]!;
}

async function appleToken(org: TestOrganization, userFields: Record<string, unknown> = {}) {
  const user = await createMdmUser(ctx.app, org, userFields);
  return createToken(ctx.app, org, 'apple', user.id);
}

async function signingIdentity(org: TestOrganization) {
  const response = await call(ctx.app, 'GET', `${enterpriseUrl(org)}/signing-certificate`, { token: org.adminToken });
  assert.equal(response.statusCode, 200, JSON.stringify(response.body));
  return response.body.data;
}

describe('Apple enrollment profile', () => {
  it('is a CMS SignedData .mobileconfig that openssl verifies, with linked SCEP and MDM payloads', async () => {
    const org = await createOrganization(ctx.app);
    const token = await appleToken(org);
    const response = await downloadProfile(token.enrollCode);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'application/x-apple-aspen-config');
    assert.equal(response.headers['content-disposition'], `attachment; filename="${org.slug}-enrollment.mobileconfig"`);
    assert.equal(response.headers['cache-control'], 'no-store');

    const identity = await signingIdentity(org);
    assert.equal(identity.source, 'generated');
    assert.equal(token.enroll.mobileConfigSigned, true);
    const xml = verifyCms(response.rawPayload, identity.certificateChain);
    assert.match(xml, /^<\?xml/);
    assert.equal(signerFingerprint(response.rawPayload), identity.fingerprint);

    const profile = parsePlist(xml) as Record<string, any>;
    const enterprise = (await call(ctx.app, 'GET', enterpriseUrl(org), { token: org.adminToken })).body.data.settings;
    assert.equal(profile.PayloadType, 'Configuration');
    assert.equal(profile.PayloadOrganization, org.name);
    const scep = profile.PayloadContent.find((p: any) => p.PayloadType === 'com.apple.security.scep');
    const mdm = profile.PayloadContent.find((p: any) => p.PayloadType === 'com.apple.mdm');
    assert.ok(scep && mdm, 'both payloads present');
    assert.equal(scep.PayloadContent.URL, enterprise.scepUrl);
    assert.equal(scep.PayloadContent.Keysize, 2048);
    assert.equal(scep.PayloadContent['Key Usage'], 5);
    assert.ok(typeof scep.PayloadContent.Challenge === 'string' && scep.PayloadContent.Challenge.length >= 24);
    assert.deepEqual(scep.PayloadContent.Subject.flat(2).slice(0, 2), ['O', org.name]);
    assert.equal(scep.PayloadContent['Key Type'], 'RSA');
    assert.deepEqual(scep.PayloadContent.Subject, [[['O', org.name]], [['CN', `enrolld device ${token.id}`]]], 'the subject names the token');
    // The placeholders: ServerURL names the token by id only; no CheckInURL (it would point nowhere).
    const server = new URL(mdm.ServerURL);
    assert.equal(`${server.origin}${server.pathname}`, enterprise.serverUrl);
    assert.equal(server.searchParams.get('enrollment'), token.id);
    assert.equal(mdm.CheckInURL, undefined);
    assert.ok(!xml.includes(token.enrollCode), 'the enrollment code appears nowhere in the profile');
    assert.equal(mdm.Topic, enterprise.topic);
    assert.equal(enterprise.configured, false);
    assert.deepEqual(enterprise.placeholders, ['serverUrl', 'checkInUrl', 'topic', 'scepUrl']);
    assert.match(enterprise.warning, /serverUrl, topic, scepUrl still hold placeholders/);
    assert.equal(token.enroll.configured, false);
    assert.equal(token.enroll.warning, enterprise.warning);
    assert.equal(mdm.IdentityCertificateUUID, scep.PayloadUUID, 'the MDM identity is the SCEP certificate');
    assert.equal(mdm.AccessRights, 8191);
    assert.equal(mdm.SignMessage, true);
    assert.equal(mdm.CheckOutWhenRemoved, true);
    assert.ok(Array.isArray(mdm.ServerCapabilities) && mdm.ServerCapabilities.includes('com.apple.mdm.per-user-connections'));
    const uuids = [profile.PayloadUUID, scep.PayloadUUID, mdm.PayloadUUID];
    assert.equal(new Set(uuids).size, 3);
    for (const uuid of uuids) assert.match(uuid, /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  });

  it('uses the enterprise settings an admin changed, and escapes what they typed inside the plist', async () => {
    const org = await createOrganization(ctx.app);
    const put = await call(ctx.app, 'PUT', enterpriseUrl(org), {
      token: org.adminToken,
      body: {
        settings: {
          serverUrl: 'https://mdm.example.com/mdm',
          checkInUrl: 'https://mdm.example.com/checkin?x=1',
          topic: 'com.apple.mgmt.External.<&>',
          scepUrl: 'https://ca.example.com/scep/enrolld',
          scepKeySize: 4096,
          scepKeyUsage: 1,
          signMessage: false,
          checkOutWhenRemoved: false,
        },
      },
    });
    assert.equal(put.statusCode, 200, JSON.stringify(put.body));
    assert.equal(put.body.data.settings.configured, true);
    assert.deepEqual(put.body.data.settings.placeholders, []);
    assert.equal(put.body.data.settings.warning, null);
    const token = await appleToken(org);
    assert.equal(token.enroll.configured, true);
    const response = await downloadProfile(token.enrollCode);
    const xml = verifyCms(response.rawPayload, (await signingIdentity(org)).certificateChain);
    assert.ok(xml.includes('com.apple.mgmt.External.&lt;&amp;&gt;'));
    const profile = parsePlist(xml) as Record<string, any>;
    const mdm = profile.PayloadContent.find((p: any) => p.PayloadType === 'com.apple.mdm');
    assert.equal(mdm.Topic, 'com.apple.mgmt.External.<&>');
    assert.equal(mdm.ServerURL, `https://mdm.example.com/mdm?enrollment=${token.id}`);
    const checkIn = new URL(mdm.CheckInURL);
    assert.equal(checkIn.searchParams.get('x'), '1', 'existing query kept');
    assert.equal(checkIn.searchParams.get('enrollment'), token.id);
    assert.equal(checkIn.searchParams.get('code'), null, 'no code in a URL sent with every check-in');
    assert.equal(mdm.SignMessage, false);
    assert.equal(mdm.CheckOutWhenRemoved, false);
    const scep = profile.PayloadContent.find((p: any) => p.PayloadType === 'com.apple.security.scep');
    assert.equal(scep.PayloadContent.URL, 'https://ca.example.com/scep/enrolld');
    assert.equal(scep.PayloadContent.Keysize, 4096);
    assert.equal(scep.PayloadContent['Key Usage'], 1);
    assert.equal(mdm.IdentityCertificateUUID, scep.PayloadUUID);
  });

  it('keeps one signing identity per organization, its private key sealed, the secret in the data directory', async () => {
    const org = await createOrganization(ctx.app);
    const token = await appleToken(org);
    await downloadProfile(token.enrollCode);
    await downloadProfile(token.enrollCode);
    const rows = await ctx.database.db.selectFrom('signingIdentities').selectAll().where('organizationId', '=', org.id).execute();
    assert.equal(rows.length, 1);
    assert.ok(!rows[0]!.sealedPrivateKey.includes('PRIVATE KEY'), 'the key is not stored in the clear');
    assert.match(rows[0]!.sealedPrivateKey, /^v1:/);
    const secretFile = path.join(ctx.config.dataDir, SECRET_KEY_FILE);
    if (ctx.config.secretKey === null) {
      assert.equal(statSync(secretFile).mode & 0o777, 0o600, 'a generated secret only its owner can read');
      assert.ok(readFileSync(secretFile, 'utf8').trim().length >= 32);
    } else {
      assert.ok(!existsSync(secretFile), 'with ENROLLD_SECRET_KEY nothing is generated');
    }
    const identity = await signingIdentity(org);
    assert.ok(!JSON.stringify(identity).includes('PRIVATE'), 'the key is never answered');
  });
});

describe('SCEP challenge verification', () => {
  const verify = (org: TestOrganization, challenge: string, token = org.adminToken) =>
    call(ctx.app, 'POST', `${enterpriseUrl(org)}/scep-challenges/verify`, { token, body: { challenge } });

  async function challengeOf(code: string, org: TestOrganization): Promise<string> {
    const response = await downloadProfile(code);
    const xml = verifyCms(response.rawPayload, (await signingIdentity(org)).certificateChain);
    const profile = parsePlist(xml) as Record<string, any>;
    return profile.PayloadContent.find((p: any) => p.PayloadType === 'com.apple.security.scep').PayloadContent.Challenge;
  }

  it('verifies a challenge once; each download carries a new one', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org, { email: 'scep@example.com' });
    const token = await createToken(ctx.app, org, 'apple', user.id);
    const first = await challengeOf(token.enrollCode, org);
    const second = await challengeOf(token.enrollCode, org);
    assert.notEqual(first, second);

    const ok = await verify(org, first);
    assert.equal(ok.statusCode, 200, JSON.stringify(ok.body));
    assert.deepEqual({ tokenId: ok.body.data.tokenId, email: ok.body.data.mdmUser.email }, { tokenId: token.id, email: 'scep@example.com' });
    const again = await verify(org, first);
    assert.equal(again.statusCode, 400);
    assert.equal(again.body.error.code, 5201);
    assert.equal((await verify(org, second)).statusCode, 200, 'another download’s challenge is its own');
    const unknown = await verify(org, 'not-a-challenge-anyone-issued');
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.body.error.code, 3001);
    const stored = await ctx.database.db.selectFrom('scepChallenges').select('challengeHash').where('tokenId', '=', token.id).execute();
    assert.ok(stored.every((row) => row.challengeHash !== first && row.challengeHash !== second), 'only hashes are stored');
  });

  it('refuses challenges of revoked and used tokens, and of another organization', async () => {
    const org = await createOrganization(ctx.app);
    const other = await createOrganization(ctx.app);
    const revoked = await appleToken(org);
    const revokedChallenge = await challengeOf(revoked.enrollCode, org);
    assert.equal((await call(ctx.app, 'DELETE', `${tokensUrl(org, 'apple')}/${revoked.id}`, { token: org.adminToken })).statusCode, 200);
    assert.equal((await verify(org, revokedChallenge)).body.error.code, 5203);

    const used = await appleToken(org);
    const usedChallenge = await challengeOf(used.enrollCode, org);
    const redeemed = await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/redeem`, { token: org.adminToken, body: { code: used.enrollCode, device: { serialNumber: 'S1' } } });
    assert.equal(redeemed.statusCode, 200);
    assert.equal((await verify(org, usedChallenge)).body.error.code, 5201);

    const live = await appleToken(org);
    const liveChallenge = await challengeOf(live.enrollCode, org);
    assert.equal((await verify(other, liveChallenge)).statusCode, 404, 'another organization cannot consume it');
    assert.equal((await verify(org, liveChallenge)).statusCode, 200, 'and it is still there for its own');
  });

  it('keeps at most five unused challenges per token', async () => {
    const org = await createOrganization(ctx.app);
    const token = await appleToken(org);
    const challenges: string[] = [];
    for (let i = 0; i < 7; i++) challenges.push(await challengeOf(token.enrollCode, org));
    assert.equal((await verify(org, challenges[0]!)).statusCode, 404, 'the oldest was dropped');
    assert.equal((await verify(org, challenges[6]!)).statusCode, 200);
  });

  securitySuite(() => ctx.app, {
    method: 'POST',
    url: (org) => `${enterpriseUrl(org)}/scep-challenges/verify`,
    permission: 'mdm.apple.enrollmentToken.redeem',
    body: () => ({ challenge: 'x'.repeat(32) }),
  });
});

describe('uploaded signing identity', () => {
  /** A CA and a leaf it signed, made by the real openssl. */
  function makeChain(keyArgs: string[] = ['-newkey', 'rsa:2048']) {
    const caKey = path.join(ctx.dir, `ca${++fileCounter}.key`);
    const caCert = path.join(ctx.dir, `ca${fileCounter}.pem`);
    openssl(['req', '-x509', '-nodes', '-newkey', 'rsa:2048', '-keyout', caKey, '-out', caCert, '-days', '30', '-subj', '/CN=Test Root CA']);
    const leafKey = path.join(ctx.dir, `leaf${fileCounter}.key`);
    const leafCsr = path.join(ctx.dir, `leaf${fileCounter}.csr`);
    const leafCert = path.join(ctx.dir, `leaf${fileCounter}.pem`);
    openssl(['req', '-nodes', ...keyArgs, '-keyout', leafKey, '-out', leafCsr, '-subj', '/CN=Example Corp profile signing/O=Example Corp']);
    openssl(['x509', '-req', '-in', leafCsr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-out', leafCert, '-days', '30']);
    return { ca: readFileSync(caCert, 'utf8'), leaf: readFileSync(leafCert, 'utf8'), key: readFileSync(leafKey, 'utf8') };
  }
  const upload = (org: TestOrganization, body: unknown) => call(ctx.app, 'PUT', `${enterpriseUrl(org)}/signing-certificate`, { token: org.adminToken, body });

  it('signs with the admin’s own certificate, chain included; DELETE goes back to a generated one', async () => {
    const org = await createOrganization(ctx.app);
    const chain = makeChain();
    // The chain in the "wrong" order: the CA first. The signer is found by its key.
    const uploaded = await upload(org, { certificateChain: `${chain.ca}\n${chain.leaf}`, privateKey: chain.key });
    assert.equal(uploaded.statusCode, 200, JSON.stringify(uploaded.body));
    assert.equal(uploaded.body.data.source, 'uploaded');
    assert.match(uploaded.body.data.subject, /Example Corp profile signing/);

    const token = await appleToken(org);
    const profile = (await downloadProfile(token.enrollCode)).rawPayload;
    verifyCms(profile, chain.ca); // verifies up to the admin's root
    assert.equal(signerFingerprint(profile), uploaded.body.data.fingerprint);

    const reset = await call(ctx.app, 'DELETE', `${enterpriseUrl(org)}/signing-certificate`, { token: org.adminToken });
    assert.equal(reset.statusCode, 200);
    assert.equal(reset.body.data.source, 'generated');
    assert.notEqual(reset.body.data.fingerprint, uploaded.body.data.fingerprint);
    const after = (await downloadProfile(token.enrollCode)).rawPayload;
    assert.equal(signerFingerprint(after), reset.body.data.fingerprint, 'the next profile uses the new identity');
  });

  it('refuses unusable material, naming the field, and keeps the current identity', async () => {
    const org = await createOrganization(ctx.app);
    const before = await signingIdentity(org);
    const good = makeChain();
    const other = makeChain();
    const ec = makeChain(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']);
    const cases: Array<[unknown, string, RegExp]> = [
      [{ certificateChain: 'hello', privateKey: good.key }, 'certificateChain', /at least one PEM certificate/],
      [{ certificateChain: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', privateKey: good.key }, 'certificateChain', /not a valid X.509/],
      [{ certificateChain: good.leaf, privateKey: 'not a key' }, 'privateKey', /unencrypted PEM private key/],
      [{ certificateChain: good.leaf, privateKey: other.key }, 'privateKey', /does not belong/],
      [{ certificateChain: ec.leaf, privateKey: ec.key }, 'privateKey', /must be an RSA key/],
      [{ certificateChain: good.leaf }, 'privateKey', /required/],
      [{ certificateChain: good.leaf, privateKey: good.key, extra: 1 }, 'extra', /unknown|not allowed|additional/i],
    ];
    for (const [body, field, message] of cases) {
      const response = await upload(org, body);
      assert.equal(response.statusCode, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(response.body.error.code, 3000);
      const problem = response.body.error.data.errors.find((e: any) => e.path.endsWith(field));
      assert.ok(problem, `names ${field}: ${JSON.stringify(response.body.error)}`);
      assert.match(problem.message, message);
    }
    assert.deepEqual(await signingIdentity(org), before, 'nothing was written');
  });

  securitySuite(() => ctx.app, {
    method: 'PUT',
    url: (org) => `${enterpriseUrl(org)}/signing-certificate`,
    permission: 'mdm.apple.enterprise.update',
    body: () => ({ certificateChain: 'x', privateKey: 'y' }),
  });
  securitySuite(() => ctx.app, { method: 'GET', url: (org) => `${enterpriseUrl(org)}/signing-certificate`, permission: 'mdm.apple.enterprise.get' });
});

it('a viewer key may read but not replace the signing identity', async () => {
  const org = await createOrganization(ctx.app);
  const viewer = await createKey(ctx.app, org.id, { role: 'viewer' });
  assert.equal((await call(ctx.app, 'GET', `${enterpriseUrl(org)}/signing-certificate`, { token: viewer })).statusCode, 200);
  assert.equal((await call(ctx.app, 'DELETE', `${enterpriseUrl(org)}/signing-certificate`, { token: viewer })).statusCode, 403);
});
