import { createApp } from '../../../src/app';
import { openApiDocument } from '../../../src/openapi/document';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';

/** Page routes (HTML for browsers) are not part of the JSON API and are not in the document. */
function isPage(method: string, path: string): boolean {
  if (path === '/' || path.startsWith('/admin') || path.startsWith('/assets')) return true;
  if (path === '/me' || path.startsWith('/me/') || path === '/sso/error' || path === '/login/code') return true;
  if (path === '/invitations/accept' || path === '/email-validation') return true;
  return method === 'get' && path === '/login';
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  rawPath?: string;
  handle?: { stack?: Layer[] };
}

/** Every (method, path) the Express app routes, with mount prefixes joined and `:param` → `{param}`. */
function routesOf(stack: Layer[], prefix = ''): Array<{ method: string; path: string }> {
  const found: Array<{ method: string; path: string }> = [];
  for (const layer of stack) {
    if (layer.route) {
      const joined = (prefix + (layer.route.path === '/' && prefix ? '' : layer.route.path)).replace(/:(\w+)/g, '{$1}') || '/';
      for (const method of Object.keys(layer.route.methods)) if (method !== '_all') found.push({ method, path: joined });
    } else if (layer.handle?.stack) {
      const mount = layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : '';
      found.push(...routesOf(layer.handle.stack, prefix + mount));
    }
  }
  return found;
}

/**
 * The SCIM router is mounted at /scim/v2 and (for older clients) at /scim: the document lists /scim/v2 only.
 * A /scim/… route counts as that alias only when the app also routes the same method at /scim/v2/….
 */
function aliasResolver(routes: Array<{ method: string; path: string }>): (r: { method: string; path: string }) => string {
  const routed = new Set(routes.map((r) => `${r.method} ${r.path}`));
  return ({ method, path }) => {
    if (!path.startsWith('/scim/') || path.startsWith('/scim/v2/')) return path;
    const v2 = `/scim/v2${path.slice('/scim'.length)}`;
    return routed.has(`${method} ${v2}`) ? v2 : path;
  };
}

describe('The OpenAPI document at /openapi.json', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ LOG_LEVEL: 'silent' });
  });
  afterAll(() => server.close());

  const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };

  test('When a client fetches /openapi.json, then it gets an OpenAPI 3.1 document as JSON', async () => {
    const res = await call(server.url, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(Object.keys(doc.paths));
  });

  test('When the Express router is walked, then every JSON-API route (method and path) is documented', () => {
    const app = createApp(server.services) as unknown as { router: { stack: Layer[] } };
    const all = routesOf(app.router.stack);
    const documentedPathOf = aliasResolver(all);
    const routes = all.filter((r) => !isPage(r.method, r.path));
    expect(routes.length).toBeGreaterThan(20);
    const missing = routes.filter((r) => !doc.paths[documentedPathOf(r)]?.[r.method]).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing).toEqual([]);
  });

  test('When the document is read, then every documented operation has a route in the app', () => {
    const app = createApp(server.services) as unknown as { router: { stack: Layer[] } };
    const all = routesOf(app.router.stack);
    const documentedPathOf = aliasResolver(all);
    const routed = new Set(all.map((r) => `${r.method} ${documentedPathOf(r)}`));
    const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
    const stale = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).filter((m) => methods.includes(m) && !routed.has(`${m} ${path}`)).map((m) => `${m.toUpperCase()} ${path}`));
    expect(stale).toEqual([]);
  });

  test('When the document is read, then every $ref resolves and every operation answers something', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/schemas\/[^"]+"/g) ?? [];
    for (const r of refs) expect(doc.components.schemas).toHaveProperty(r.split('/').pop()!.replace(/"$/, ''));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) expect({ path, method, responses: Object.keys((op as { responses: object }).responses).length > 0 }).toEqual({ path, method, responses: true });
    }
  });
  test('When a path has {parameters}, then every operation on it declares each one as a required path parameter', () => {
    const problems: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      for (const [method, op] of Object.entries(item)) {
        const params = ((op as { parameters?: Array<{ name: string; in: string; required?: boolean }> }).parameters ?? []).filter((p) => p.in === 'path');
        for (const name of names) if (!params.some((p) => p.name === name && p.required)) problems.push(`${method.toUpperCase()} ${path}: {${name}}`);
        for (const p of params) if (!names.includes(p.name)) problems.push(`${method.toUpperCase()} ${path}: extra ${p.name}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
