import { API_ROUTES, openApiPath, type OpenApiDocument } from '@tradingfloor/shared';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/start-app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** `METHOD /openapi/{path}` of every route the app's Koa router registered (HEAD comes with GET and is left out). */
function registeredRoutes(app: TestApp): string[] {
  const dispatch = app.app.app.middleware.find((m) => 'router' in m) as unknown as {
    router: { stack: Array<{ path: string; methods: string[] }> };
  };
  return dispatch.router.stack.flatMap((layer) =>
    layer.methods.filter((m) => m !== 'HEAD').map((method) => `${method} ${openApiPath(layer.path)}`),
  );
}

/** `METHOD /path` of every operation in the document. */
function documentedRoutes(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => HTTP_METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

async function getDocument(app: TestApp, headers: Record<string, string> = {}): Promise<OpenApiDocument> {
  const res = await fetch(`${app.url}/openapi.json`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as OpenApiDocument;
}

describe('GET /openapi.json', () => {
  it('documents exactly the routes the router registered, each once, under the table’s name', async () => {
    t = await startTestApp();
    const doc = await getDocument(t);
    expect(doc.openapi).toBe('3.1.0');
    const registered = registeredRoutes(t);
    const documented = documentedRoutes(doc);
    expect(new Set(registered).size).toBe(registered.length);
    expect([...documented].sort()).toEqual([...registered].sort());
    // One operation per table entry, named after it (generated clients and the reference page use the ids).
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => (op as { operationId: string }).operationId));
    expect(ids.sort()).toEqual(Object.keys(API_ROUTES).sort());
  });

  it('every $ref resolves and every schema compiles as strict JSON Schema 2020-12', async () => {
    t = await startTestApp();
    const doc = await getDocument(t);
    const refs = new Set((JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? []).map((r) => r.slice(8, -1)));
    expect(refs.size).toBeGreaterThan(30);
    for (const ref of refs) {
      expect(ref, ref).toMatch(/^#\//);
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
      expect(target, ref).toBeDefined();
    }
    // Strict mode refuses keywords that are not JSON Schema (a typo, a zod artefact); one schema reaching every component.
    const ajv = new Ajv2020({ strict: true });
    ajv.addKeyword('components'); // the container the refs point into, not a schema keyword
    const names = Object.keys(doc.components.schemas);
    const all = {
      type: 'object',
      properties: Object.fromEntries(names.map((n) => [n, { $ref: `#/components/schemas/${n}` }])),
      components: { schemas: doc.components.schemas },
    };
    expect(() => ajv.compile(all)).not.toThrow();
  }, 30_000);

  it('lists the error statuses a route can give, with the { error } body', async () => {
    t = await startTestApp();
    const doc = await getDocument(t);
    const op = (path: string, method: string) => doc.paths[path]![method] as { responses: Record<string, { $ref?: string }> };
    expect(Object.keys(op('/start-multi', 'post').responses)).toEqual(['202', '400', '401', '403', '409', '413', '429', '503']);
    expect(Object.keys(op('/runs/{id}/cancel', 'post').responses)).toEqual(['202', '400', '401', '403', '404', '409']);
    // Public (no 401); 503 when a queue-mode server's Redis does not answer.
    expect(Object.keys(op('/healthz', 'get').responses)).toEqual(['200', '403', '503']);
    expect(doc.components.responses.NotFound).toEqual({
      description: expect.any(String),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
    });
    // And a real 404 has that shape.
    const missing = await fetch(`${t.url}/runs/ACME--2024-01-02_10.00.00--abcdef/status`);
    expect(missing.status).toBe(404);
    expect(Object.keys((await missing.json()) as object)).toEqual(['error']);
  });

  it('security matches the guard: with a token, exactly the routes documented as open answer without it', async () => {
    t = await startTestApp({ env: { TRADINGFLOOR_TOKEN: 'secret-token-123' } });
    // The document itself is public: a client generator needs no token.
    const doc = await getDocument(t);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const { run_id } = t.manager.create('ACME');
    for (const [name, route] of Object.entries(API_ROUTES)) {
      if (route.method !== 'GET') continue;
      const op = doc.paths[openApiPath(route.path)]!.get as { security: unknown[] };
      const url = `${t.url}${route.path.replace(':id', run_id)}`;
      const res = await fetch(url);
      await res.arrayBuffer();
      if (op.security.length === 0) expect(res.status, name).not.toBe(401);
      else {
        expect(res.status, name).toBe(401);
        const withToken = await fetch(url, { headers: { authorization: 'Bearer secret-token-123' } });
        await withToken.arrayBuffer();
        expect(withToken.status, name).not.toBe(401);
      }
    }
  });
});

describe('GET /docs', () => {
  it('serves the reference page and its viewer from this host, under a CSP allowing only this host', async () => {
    t = await startTestApp({ env: { TRADINGFLOOR_TOKEN: 'secret-token-123' } });
    const page = await fetch(`${t.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      // Every file the page loads is ours: no scheme, no other host.
      expect(asset).toMatch(/^\/docs\/assets\//);
      const res = await fetch(`${t.url}${asset}`);
      expect(res.status, asset).toBe(200);
      expect((await res.arrayBuffer()).byteLength, asset).toBeGreaterThan(100);
    }
    expect(await (await fetch(`${t.url}/docs/assets/init.js`)).text()).toContain("url: '/openapi.json'");
  });

  it('serves none of the package’s other files and stays inside it', async () => {
    t = await startTestApp();
    for (const path of [
      '/docs/assets/package.json',
      '/docs/assets/index.html',
      '/docs/assets/..%2Fpackage.json',
      '/docs/assets/%2e%2e/%2e%2e/package.json',
    ]) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ error: expect.any(String) });
    }
  });
});
