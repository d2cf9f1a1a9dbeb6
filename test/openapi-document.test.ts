/**
 * The API description as integrators' tools read it: the copy the TypeScript client is generated
 * from is the server's own document; Redocly (recommended rules) and Spectral (spectral:oas)
 * find nothing in it, run as a user runs them; and what those linters do not check: a unique
 * operationId everywhere, the named schemas, closed fields as enums, no `errorMessage`, error
 * responses that match what each route can answer, and no key asked of the routes that take none.
 * The document does not depend on the database, so this runs in the SQLite pass only.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { buildOpenApiDocument } from '../scripts/openapi.ts';
import { ON_POSTGRES } from './helpers/database.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const COMMITTED = 'clients/typescript/openapi.json';
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

describe('the API description', { skip: ON_POSTGRES ? 'the document does not depend on the database: checked in the SQLite pass' : false }, () => {
  let built: Record<string, any>;
  const document = async () => (built ??= await buildOpenApiDocument());

  it('is the document the TypeScript client is generated from (npm run openapi writes it)', async () => {
    const committed = JSON.parse(readFileSync(path.join(ROOT, COMMITTED), 'utf8'));
    assert.deepEqual(committed, await document(), `${COMMITTED} is out of date: run npm run openapi, then npm run client:generate`);
  });

  it('has no error or warning under Redocly\'s recommended rules', async () => {
    const { stdout } = await run(bin('redocly'), ['lint', COMMITTED, '--format', 'json'], { cwd: ROOT, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } }).catch((error) => error);
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number; ignored: number }; problems: Array<{ ruleId: string; message: string; ignored?: boolean }> };
    const problems = report.problems.filter((problem) => !problem.ignored).map((problem) => `${problem.ruleId}: ${problem.message}`);
    assert.deepEqual(problems, []);
    assert.equal(report.totals.errors + report.totals.warnings, 0);
  });

  it('has no finding under Spectral\'s spectral:oas rules', async () => {
    const { stdout } = await run(bin('spectral'), ['lint', COMMITTED, '--format', 'json', '--quiet'], { cwd: ROOT }).catch((error) => error);
    const findings = JSON.parse(stdout) as Array<{ code: string; message: string; path: string[] }>;
    assert.deepEqual(findings.map((finding) => `${finding.code} at ${finding.path.join('/')}: ${finding.message}`), []);
  });

  it('names every operation and resource, closes closed fields, and publishes only standard keywords', async () => {
    const doc = await document();
    const operations = Object.values<any>(doc.paths).flatMap((item) => ['get', 'put', 'post', 'delete'].filter((m) => item[m]).map((m) => item[m]));
    const ids = operations.map((operation) => operation.operationId);
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
    assert.ok(ids.includes('createAppleEnrollmentToken') && ids.includes('listAndroidEnrollmentTokens') && ids.includes('redeemWindowsEnrollmentToken'));
    for (const operation of operations) assert.match(operation.description, /Errors:\n- (\d{3} \/ \d{4}: |none)/, `${operation.operationId} lists its error codes`);

    const schemas = doc.components.schemas;
    for (const name of ['AppleEnrollmentToken', 'WindowsEnrollmentToken', 'AndroidEnrollmentToken', 'MdmUser', 'Device', 'Redemption', 'MdmUserPage', 'AppleEnrollmentTokenPage', 'ErrorEnvelope', 'ValidationErrorEnvelope', 'Webhook', 'ApplePolicy', 'BulkTokenResult']) {
      assert.ok(schemas[name], `components.schemas.${name}`);
    }
    const common = schemas.AppleEnrollmentToken.properties;
    assert.deepEqual(common.state.enum, ['PENDING', 'DONE', 'EXPIRED', 'DELETED']);
    assert.deepEqual(common.language.enum, ['en', 'es', 'fr', 'de', 'it', 'pt']);
    assert.deepEqual(common.platform.enum, ['apple', 'windows', 'android']);
    assert.deepEqual(common.emailDelivery.properties.status.enum, ['NONE', 'QUEUED', 'SENT', 'FAILED']);
    assert.deepEqual(schemas.AndroidEnrollmentToken.properties.managementMode.enum, ['DEVICE_OWNER', 'PROFILE_OWNER', 'COPE', 'USERLESS']);
    assert.equal(schemas.ValidationErrorEnvelope.properties.error.properties.data.properties.errors.items.properties.path.type, 'string');
    assert.equal(schemas.Redemption.properties.device.type, 'object');
    assert.ok(!JSON.stringify(doc).includes('"errorMessage"'), 'ajv-errors\' keyword is not published');
  });

  it('documents what each route can answer, and asks no key of the routes that take none', async () => {
    const doc = await document();
    const responses = (pathName: string, method: string) => Object.keys(doc.paths[pathName][method].responses);
    assert.deepEqual(doc.paths['/healthz'].get.security, []);
    assert.deepEqual(doc.paths['/readyz'].get.security, []);
    assert.deepEqual(doc.paths['/enroll/{platform}/{code}'].get.security, []);
    assert.ok(responses('/enroll/{platform}/{code}', 'get').includes('429'), 'the public pages are rate limited');
    assert.ok(doc.paths['/enroll/{platform}/{code}'].get.responses['429'].headers['Retry-After']);
    const devices = '/v1/organizations/{organizationId}/mdm/apple/enterprise/devices';
    assert.ok(!responses(devices, 'get').includes('429'), 'devices are not rate limited');
    const redeem = '/v1/organizations/{organizationId}/mdm/apple/enterprise/enrollment-tokens/redeem';
    assert.ok(responses(redeem, 'post').includes('429'));
    assert.ok(doc.paths[redeem].post.responses['200'].headers['X-RateLimit-Remaining']);
    assert.match(doc.paths[redeem].post.description, /400 \/ 5201: Enrollment token already used/);
    assert.ok(doc.paths[redeem].post.responses['200'].headers['X-Request-Id']);

    const list = doc.paths['/v1/organizations/{organizationId}/mdm/users'].get.parameters;
    for (const name of ['page', 'limit']) assert.equal(list.find((p: any) => p.name === name).required, false, `${name} has a default`);
    const resend = doc.paths['/v1/organizations/{organizationId}/mdm/apple/enterprise/enrollment-tokens/{tokenId}/resend'].post;
    assert.equal(resend.requestBody.required, false, 'a bare resend is fine');
    const profile = doc.paths['/enroll/apple/{code}/profile'].get.responses['200'].content['application/x-apple-aspen-config'].schema;
    assert.equal(profile.format, 'binary');
    const user = doc.paths['/v1/organizations/{organizationId}/mdm/users/{mdmUserId}'];
    assert.ok(Object.keys(user.put.responses).includes('412') && Object.keys(user.get.responses).includes('304'));
    assert.ok(doc.paths['/v1/organizations/{organizationId}/mdm/users'].post.requestBody.content['application/json'].example.email);
  });
});
