import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from './helpers/app.ts';
import { call } from './helpers/http.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

/** Every property schema below `schema` that lacks a description, as JSON paths. */
function undescribed(schema: any, at: string): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const missing: string[] = [];
  for (const [key, child] of Object.entries<any>(schema.properties ?? {})) {
    if (!child.description && !child.$ref) missing.push(`${at}.${key}`);
    missing.push(...undescribed(child, `${at}.${key}`));
  }
  if (schema.items) missing.push(...undescribed(schema.items, `${at}[]`));
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) missing.push(...undescribed(branch, at));
  return missing;
}

describe('operations endpoints', () => {
  it('answers /healthz and /readyz', async () => {
    assert.deepEqual((await call(ctx.app, 'GET', '/healthz')).body, { status: true, data: { status: 'ok' } });
    assert.deepEqual((await call(ctx.app, 'GET', '/readyz')).body, { status: true, data: { status: 'ok' } });
  });

  it('publishes an OpenAPI 3 document listing every route, with every field described', async () => {
    const response = await call(ctx.app, 'GET', '/openapi.json');
    assert.equal(response.statusCode, 200);
    const doc = response.body;
    assert.match(doc.openapi, /^3\./);

    const documented = new Set<string>();
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    const apiRoutes = ctx.app.routeCatalog.filter((r) => r.url.startsWith('/v1') || ['/healthz', '/readyz'].includes(r.url));
    assert.ok(apiRoutes.length >= 15);
    for (const route of apiRoutes) {
      const openApiPath = route.url.replace(/:(\w+)/g, '{$1}').replace(/\/$/, '');
      assert.ok(documented.has(`${route.method} ${openApiPath}`), `${route.method} ${route.url} is documented`);
    }

    const missing: string[] = [];
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        for (const parameter of operation.parameters ?? []) {
          if (!parameter.description && !parameter.schema?.description) missing.push(`${where} ${parameter.in}.${parameter.name}`);
        }
        const body = operation.requestBody?.content?.['application/json']?.schema;
        missing.push(...undescribed(body, `${where} body`));
        for (const [status, answer] of Object.entries<any>(operation.responses ?? {})) {
          missing.push(...undescribed(answer.content?.['application/json']?.schema, `${where} ${status}`));
        }
      }
    }
    for (const [name, schema] of Object.entries<any>(doc.components?.schemas ?? {})) missing.push(...undescribed(schema, name));
    assert.deepEqual(missing, []);
  });

  it('serves the API reference UI from the package, without any CDN', async () => {
    const page = await call(ctx.app, 'GET', '/docs/');
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    const html = String(page.body);
    assert.doesNotMatch(html, /(src|href)="https?:\/\//);
    const scripts = [...html.matchAll(/src="\.?\/?([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(scripts.length > 0);
    for (const script of scripts) {
      const asset = await ctx.app.inject({ method: 'GET', url: `/docs/${script.replace(/^\.\//, '')}` });
      assert.equal(asset.statusCode, 200, script);
    }
  });

  it('fails /readyz with 503 when the database does not answer', async () => {
    const broken = await createTestContext();
    await broken.database.close();
    const response = await call(broken.app, 'GET', '/readyz');
    assert.equal(response.statusCode, 503);
    assert.equal(response.body.status, false);
    assert.equal((await call(broken.app, 'GET', '/healthz')).statusCode, 200, 'liveness is not readiness');
    await broken.app.close();
  });
});
