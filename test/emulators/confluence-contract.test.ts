/**
 * Contract test against Atlassian's OpenAPI documents (kept outside the repo, in ../shared/specs): every emulated
 * route exists in the spec with that method, and every field the emulator returns is declared in the schema of the
 * operation's 200 response ($ref and allOf resolved, recursively into objects and arrays).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CONFLUENCE_ROUTES, CONFLUENCE_SEED } from '../../src/emulators/confluence/index.ts';
import { cqlUrl, setup } from './helpers.ts';

// test/emulators/ → repo root → its parent, where the shared folder lives.
const V2_SPEC = fileURLToPath(new URL('../../../shared/specs/confluence-v2.openapi.json', import.meta.url));
const V1_SPEC = fileURLToPath(new URL('../../../shared/specs/confluence-v1.openapi.json', import.meta.url));

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  type?: string;
}
interface Spec {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
}

function load(path: string): Spec | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Spec) : undefined;
}

function deref(spec: Spec, s: Schema): Schema {
  let cur = s;
  const seen = new Set<string>();
  while (cur.$ref) {
    if (seen.has(cur.$ref)) throw new Error(`circular $ref ${cur.$ref}`);
    seen.add(cur.$ref);
    const name = cur.$ref.replace('#/components/schemas/', '');
    const next = spec.components.schemas[name];
    if (!next) throw new Error(`unresolved $ref ${cur.$ref}`);
    cur = next;
  }
  return cur;
}

/** The alternatives a schema stands for once `$ref`s are followed and `allOf` parts flattened. */
function flatten(spec: Spec, s: Schema): Schema[] {
  const r = deref(spec, s);
  const parts: Schema[] = [r];
  for (const sub of r.allOf ?? []) parts.push(...flatten(spec, sub));
  for (const sub of [...(r.oneOf ?? []), ...(r.anyOf ?? [])]) parts.push(...flatten(spec, sub));
  return parts;
}

/** Collects `path` of every value field no schema in `schemas` declares. */
function undeclared(spec: Spec, schemas: Schema[], value: unknown, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object') return;
  const parts = schemas.flatMap((s) => flatten(spec, s));
  if (Array.isArray(value)) {
    const items = parts.flatMap((p) => (p.items ? [p.items] : []));
    value.forEach((v, i) => {
      undeclared(spec, items, v, `${path}[${i}]`, out);
    });
    return;
  }
  const open = parts.some((p) => p.additionalProperties === true || typeof p.additionalProperties === 'object');
  const declared = parts.some((p) => p.properties);
  for (const [key, v] of Object.entries(value)) {
    const subs = parts.flatMap((p) => (p.properties?.[key] ? [p.properties[key]] : []));
    if (subs.length === 0) {
      if (!open && declared) out.push(`${path}.${key}`);
      else if (!declared && !open) out.push(`${path}.${key} (the schema declares no properties)`);
      continue;
    }
    undeclared(spec, subs, v, `${path}.${key}`, out);
  }
}

function responseSchema(spec: Spec, path: string, method: string): Schema {
  const op = spec.paths[path]?.[method];
  assert.ok(op, `${method.toUpperCase()} ${path} is in the spec`);
  const schema = op.responses['200']?.content?.['application/json']?.schema;
  assert.ok(schema, `${method.toUpperCase()} ${path} has a JSON 200 response`);
  return schema;
}

function assertConforms(spec: Spec, path: string, method: string, body: unknown) {
  const out: string[] = [];
  undeclared(spec, [responseSchema(spec, path, method)], body, '$', out);
  assert.deepEqual(out, [], `${method.toUpperCase()} ${path}: fields not in the spec`);
}

const v2 = load(V2_SPEC);
const v1 = load(V1_SPEC);
const P = CONFLUENCE_SEED.pages;
const S = CONFLUENCE_SEED.spaces;

describe('contract with the Confluence OpenAPI documents', () => {
  test('every emulated route exists in the spec with that method', (t) => {
    if (!v2 || !v1) return t.skip(`specs not found at ${V2_SPEC} / ${V1_SPEC}: contract test skipped`);
    for (const r of CONFLUENCE_ROUTES) {
      const spec = r.api === 'v2' ? v2 : v1;
      const path = r.api === 'v2' ? r.path.replace(/^\/wiki\/api\/v2/, '') : r.path;
      assert.ok(spec.paths[path], `${r.api} path ${path} exists`);
      assert.ok(spec.paths[path]?.[r.method.toLowerCase()], `${r.method} ${path} exists in the ${r.api} spec`);
    }
  });

  test('the checker itself catches an undeclared field', (t) => {
    if (!v2) return t.skip(`specs not found at ${V2_SPEC}: contract test skipped`);
    const out: string[] = [];
    undeclared(v2, [responseSchema(v2, '/pages/{id}', 'get')], { id: '1', bogus: 1, version: { nope: 2 } }, '$', out);
    assert.deepEqual(out, ['$.bogus', '$.version.nope']);
  });

  test('v2 responses only use declared fields', async (t) => {
    if (!v2) return t.skip(`specs not found at ${V2_SPEC}: contract test skipped`);
    const { get, post, put } = setup();

    const spaces = await get('/wiki/api/v2/spaces?limit=2&description-format=plain&include-icon=true');
    assert.ok(spaces.body._links.next);
    assertConforms(v2, '/spaces', 'get', spaces.body);

    const space = await get(
      `/wiki/api/v2/spaces/${S.ENG.id}?description-format=view&include-icon=true&include-labels=true&include-properties=true&include-operations=true&include-permissions=true`,
    );
    assertConforms(v2, '/spaces/{id}', 'get', space.body);

    const pages = await get('/wiki/api/v2/pages?limit=3&body-format=storage');
    assert.ok(pages.body._links.next);
    assertConforms(v2, '/pages', 'get', pages.body);
    assertConforms(v2, '/pages', 'get', (await get('/wiki/api/v2/pages?body-format=atlas_doc_format')).body);

    const page = await get(
      `/wiki/api/v2/pages/${P.architecture}?body-format=storage&include-labels=true&include-versions=true&include-operations=true&include-likes=true&include-properties=true&include-favorited-by-current-user-status=true`,
    );
    assert.equal(page.status, 200);
    assertConforms(v2, '/pages/{id}', 'get', page.body);
    assertConforms(v2, '/pages/{id}', 'get', (await get(`/wiki/api/v2/pages/${P.architecture}?body-format=view`)).body);

    const created = await post('/wiki/api/v2/pages', {
      spaceId: S.ENG.id,
      title: 'Contract page',
      body: { representation: 'storage', value: '<p>hi</p>' },
    });
    assert.equal(created.status, 200);
    assertConforms(v2, '/pages', 'post', created.body);

    const updated = await put(`/wiki/api/v2/pages/${created.body.id}`, {
      id: created.body.id,
      status: 'current',
      title: 'Contract page 2',
      body: { representation: 'storage', value: '<p>hello</p>' },
      version: { number: 2, message: 'edit' },
    });
    assert.equal(updated.status, 200);
    assertConforms(v2, '/pages/{id}', 'put', updated.body);
  });

  test('v1 search and current user only use declared fields', async (t) => {
    if (!v1) return t.skip(`specs not found at ${V1_SPEC}: contract test skipped`);
    const { get } = setup();
    const res = await get(
      cqlUrl(
        'type = page ORDER BY created',
        '&limit=3&expand=content.space,content.version,content.history,content.body.storage,content.ancestors,content.metadata.labels',
      ),
    );
    assert.equal(res.status, 200);
    assert.ok(res.body._links.next);
    assertConforms(v1, '/wiki/rest/api/search', 'get', res.body);
    assertConforms(v1, '/wiki/rest/api/user/current', 'get', (await get('/wiki/rest/api/user/current')).body);
  });
});
