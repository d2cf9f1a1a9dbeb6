/**
 * @enrolld/client as an integrator uses it, against a real listening server: its generated types
 * are the current document's (openapi-typescript run again gives the committed file), and a whole
 * admin workflow goes through it — users; single and bulk tokens on every platform; lists with
 * filters and the pagination helper; get; update with If-Match; resend; redeem; revoke; devices;
 * redemptions; enterprise branding; webhooks — with typed errors by code and retries that the
 * server answers once (Idempotency-Key).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createEnrolldClient, EnrolldError, type EnrolldClient } from '@enrolld/client';
import { createTestContext, type TestContext } from './helpers/app.ts';
import { ON_POSTGRES } from './helpers/database.ts';
import { createOrganization, type TestOrganization } from './helpers/factories.ts';

const run = promisify(execFile);
const CLIENT = path.resolve(import.meta.dirname, '../clients/typescript');

let ctx: TestContext;
let baseUrl: string;
let org: TestOrganization;
let enrolld: EnrolldClient;
before(async () => {
  ctx = await createTestContext();
  baseUrl = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  org = await createOrganization(ctx.app);
  enrolld = createEnrolldClient({ baseUrl, token: org.adminToken });
});
after(async () => ctx.close());

describe('@enrolld/client', () => {
  it('is generated from the current document', { skip: ON_POSTGRES ? 'the document does not depend on the database' : false }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-client-'));
    try {
      const out = path.join(dir, 'schema.ts');
      await run(path.join(CLIENT, '../../node_modules/.bin/openapi-typescript'), [path.join(CLIENT, 'openapi.json'), '--output', out], { cwd: CLIENT });
      assert.equal(readFileSync(path.join(CLIENT, 'src/schema.ts'), 'utf8'), readFileSync(out, 'utf8'), 'clients/typescript/src/schema.ts is out of date: run npm run client:generate');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs an admin workflow end to end', async () => {
    const organizationId = org.slug;
    const { api, unwrap } = enrolld;

    // Users.
    const ada = await unwrap(api.POST('/v1/organizations/{organizationId}/mdm/users', { params: { path: { organizationId } }, body: { email: 'ada@example.com', name: 'Ada', language: 'es' } }));
    assert.equal(ada.language, 'es');
    const renamed = await unwrap(api.PUT('/v1/organizations/{organizationId}/mdm/users/{mdmUserId}', { params: { path: { organizationId, mdmUserId: ada.id } }, body: { name: 'Ada L.' } }));
    assert.equal(renamed.name, 'Ada L.');
    const found = await unwrap(api.GET('/v1/organizations/{organizationId}/mdm/users', { params: { path: { organizationId }, query: { email: 'ADA@example.com' } } }));
    assert.deepEqual(found.items.map((user) => user.id), [ada.id]);

    // A single token on every platform, and a bulk on every platform.
    const apple = await unwrap(api.POST('/v1/organizations/{organizationId}/mdm/apple/enterprise/enrollment-tokens', { params: { path: { organizationId } }, body: { mdmUserId: ada.id, sendEmail: false, tags: ['wave-1'] } }));
    assert.equal(apple.language, 'es', "the user's language");
    const windows = await unwrap(api.POST('/v1/organizations/{organizationId}/mdm/windows/enterprise/enrollment-tokens', { params: { path: { organizationId } }, body: { mdmUserId: ada.id, sendEmail: false } }));
    const android = await unwrap(api.POST('/v1/organizations/{organizationId}/mdm/android/enterprise/enrollment-tokens', { params: { path: { organizationId } }, body: { mdmUserId: ada.id, sendEmail: false, managementMode: 'DEVICE_OWNER' } }));
    assert.equal(android.managementMode, 'DEVICE_OWNER');
    const emails = Array.from({ length: 30 }, (_, i) => `bulk-${i}@example.com`);
    const bulks = [
      await unwrap(api.POST('/v1/organizations/{organizationId}/mdm/apple/enterprise/enrollment-tokens/bulk', { params: { path: { organizationId } }, body: { sendEmail: false, userEmails: emails, tags: ['bulk'] } })),
      await unwrap(api.POST('/v1/organizations/{organizationId}/mdm/windows/enterprise/enrollment-tokens/bulk', { params: { path: { organizationId } }, body: { sendEmail: false, userEmails: emails } })),
      await unwrap(api.POST('/v1/organizations/{organizationId}/mdm/android/enterprise/enrollment-tokens/bulk', { params: { path: { organizationId } }, body: { sendEmail: false, userEmails: [...emails, 'not-an-address'], managementMode: 'PROFILE_OWNER' } })),
    ];
    assert.deepEqual(bulks.map((bulk) => [bulk.success, bulk.fail]), [[30, 0], [30, 0], [30, 1]]);
    assert.equal(bulks[0]!.tokens.length, 30);

    // Lists with filters, and every page through the helper.
    const tagged = await unwrap(api.GET('/v1/organizations/{organizationId}/mdm/apple/enterprise/enrollment-tokens', { params: { path: { organizationId }, query: { tags: 'wave-1', state: 'PENDING' } } }));
    assert.deepEqual(tagged.items.map((token) => token.id), [apple.id]);
    const all = [];
    for await (const token of enrolld.paginate((page) =>
      unwrap(api.GET('/v1/organizations/{organizationId}/mdm/apple/enterprise/enrollment-tokens', { params: { path: { organizationId }, query: { page, limit: 7, sort: 'createdAt:asc' } } })),
    )) {
      all.push(token.id);
    }
    assert.equal(all.length, 31);
    assert.equal(new Set(all).size, 31, 'every token once across the pages');

    // Get, update with If-Match, resend.
    const read = await api.GET('/v1/organizations/{organizationId}/mdm/windows/enterprise/enrollment-tokens/{tokenId}', { params: { path: { organizationId, tokenId: windows.id } } });
    const etag = read.response.headers.get('etag')!;
    const updated = await unwrap(api.PUT('/v1/organizations/{organizationId}/mdm/windows/enterprise/enrollment-tokens/{tokenId}', {
      params: { path: { organizationId, tokenId: windows.id }, header: { 'if-match': etag } },
      body: { displayName: 'Surface' },
    }));
    assert.equal(updated.displayName, 'Surface');
    const stale = await api.PUT('/v1/organizations/{organizationId}/mdm/windows/enterprise/enrollment-tokens/{tokenId}', {
      params: { path: { organizationId, tokenId: windows.id }, header: { 'if-match': etag } },
      body: { displayName: 'Other' },
    });
    await assert.rejects(unwrap(Promise.resolve(stale)), (error: EnrolldError) => error.status === 412 && error.is(5303));
    const resent = await unwrap(api.POST('/v1/organizations/{organizationId}/mdm/apple/enterprise/enrollment-tokens/{tokenId}/resend', { params: { path: { organizationId, tokenId: apple.id } } }));
    assert.equal(resent.emailDelivery.status, 'QUEUED');

    // Redeem, devices, redemptions; a second redeem of the code is a typed error.
    const redeemed = await unwrap(api.POST('/v1/organizations/{organizationId}/mdm/apple/enterprise/enrollment-tokens/redeem', {
      params: { path: { organizationId } },
      body: { code: apple.enrollCode!, device: { serialNumber: 'C02CLIENT01', model: 'iPhone15,2' } },
    }));
    assert.equal(redeemed.token.state, 'DONE');
    assert.equal(redeemed.device.serialNumber, 'C02CLIENT01');
    await assert.rejects(
      unwrap(api.POST('/v1/organizations/{organizationId}/mdm/windows/enterprise/enrollment-tokens/redeem', { params: { path: { organizationId } }, body: { code: windows.enrollCode!, device: {} } })),
      (error: EnrolldError) => error.is(3000) && error.problems.some((problem) => problem.path.startsWith('/body/device')),
    );
    const devices = await unwrap(api.GET('/v1/organizations/{organizationId}/mdm/apple/enterprise/devices', { params: { path: { organizationId } } }));
    assert.deepEqual(devices.items.map((device) => device.serialNumber), ['C02CLIENT01']);
    const redemptions = await unwrap(api.GET('/v1/organizations/{organizationId}/mdm/apple/enterprise/enrollment-tokens/{tokenId}/redemptions', { params: { path: { organizationId, tokenId: apple.id } } }));
    assert.deepEqual(redemptions.items.map((attempt) => attempt.outcome), ['REDEEMED']);

    // Revoke.
    const revoked = await unwrap(api.DELETE('/v1/organizations/{organizationId}/mdm/android/enterprise/enrollment-tokens/{tokenId}', { params: { path: { organizationId, tokenId: android.id } } }));
    assert.equal(revoked.state, 'DELETED');

    // Enterprise branding.
    const branded = await unwrap(api.PUT('/v1/organizations/{organizationId}/mdm/apple/enterprise', { params: { path: { organizationId } }, body: { configuration: { primaryColor: '#AA0000' } } }));
    assert.equal(branded.configuration.primaryColor, '#AA0000');

    // Webhooks.
    const hook = await unwrap(api.POST('/v1/organizations/{organizationId}/webhooks', { params: { path: { organizationId } }, body: { url: 'https://hooks.example.com/enrolld', eventTypes: ['enrollment_token.redeemed'] } }));
    assert.match(hook.secret, /^whsec_/);
    const hooks = await unwrap(api.GET('/v1/organizations/{organizationId}/webhooks', { params: { path: { organizationId } } }));
    assert.deepEqual(hooks.items.map((item) => item.id), [hook.id]);
    await unwrap(api.DELETE('/v1/organizations/{organizationId}/webhooks/{webhookId}', { params: { path: { organizationId, webhookId: hook.id } } }));
  });

  it('sends a POST again after a lost answer without doing it twice', async () => {
    const organizationId = org.slug;
    // The first answer is lost on the way back (the request was done): the client tries again
    // with the same Idempotency-Key, and the server answers with the first answer.
    let calls = 0;
    const keys: string[] = [];
    const flaky = createEnrolldClient({
      baseUrl,
      token: org.adminToken,
      retryDelayMs: 1,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        keys.push(request.headers.get('idempotency-key') ?? '');
        const response = await fetch(request);
        if (++calls === 1) throw new TypeError('fetch failed: the connection was reset');
        return response;
      },
    });
    const bulk = await flaky.unwrap(flaky.api.POST('/v1/organizations/{organizationId}/mdm/windows/enterprise/enrollment-tokens/bulk', {
      params: { path: { organizationId } },
      body: { sendEmail: false, userEmails: ['retry-1@example.com', 'retry-2@example.com'] },
    }));
    assert.equal(bulk.success, 2);
    assert.equal(calls, 2);
    assert.equal(keys[0], keys[1], 'the same key both times');
    const listed = await enrolld.unwrap(enrolld.api.GET('/v1/organizations/{organizationId}/mdm/windows/enterprise/enrollment-tokens', { params: { path: { organizationId }, query: { search: 'retry-' } } }));
    assert.equal(listed.totalDocs, 2, 'made once');
  });

  it('throws typed errors by code', async () => {
    const stranger = createEnrolldClient({ baseUrl, token: 'not-a-key', attempts: 1 });
    await assert.rejects(
      stranger.unwrap(stranger.api.GET('/v1/organizations/{organizationId}/mdm/users', { params: { path: { organizationId: org.slug } } })),
      (error: EnrolldError) => error instanceof EnrolldError && error.status === 401 && error.code === 4004 && typeof error.requestId === 'string',
    );
  });
});
