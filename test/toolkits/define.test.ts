import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { defineTool, defineToolkit } from '../../src/toolkits/define.ts';
import { createCatalog } from '../../src/toolkits/index.ts';
import { strictSchemaProblems, toClientSchema } from '../../src/toolkits/json-schema.ts';
import { readSharedJson, sharedFile } from '../helpers/shared.ts';

const catalog = createCatalog();
const allTools = [...catalog.toolkits.values()].flatMap((t) => t.tools);

describe('every tool of every toolkit', () => {
  test('has a client-safe name: ^[a-z][a-z0-9_]*$, no "__", at most 40 characters, unique', () => {
    const names = new Set<string>();
    for (const t of allTools) {
      assert.match(t.name, /^[a-z][a-z0-9_]*$/);
      assert.ok(!t.name.includes('__'), t.name);
      assert.ok(t.name.length <= 40, `${t.name} is ${t.name.length} characters`);
      assert.ok(`mcp__switchboard__${t.name}`.length <= 64, `${t.name} does not fit Kimi's 64 characters`);
      assert.ok(!names.has(t.name), `duplicate ${t.name}`);
      names.add(t.name);
    }
  });

  test('sends a JSON Schema that the strict clients accept', () => {
    for (const t of allTools) {
      assert.deepEqual(strictSchemaProblems(t.inputSchema), [], t.name);
      assert.equal(t.inputSchema.type, 'object', t.name);
      assert.ok(!JSON.stringify(t.inputSchema).includes('$ref'), t.name);
      assert.equal(t.inputSchema.additionalProperties, false, `${t.name} refuses unknown fields`);
    }
  });

  test('annotations agree with the HTTP method', () => {
    for (const t of allTools) {
      if (t.http.method === 'GET') assert.equal(t.annotations.readOnlyHint, true, t.name);
      if (t.http.method === 'DELETE') assert.equal(t.annotations.destructiveHint, true, t.name);
    }
  });
});

test('Confluence tools use the endpoints the reference map gives', {
  skip: sharedFile('reference/tool-endpoint-map.json').skip,
}, () => {
  const map = readSharedJson<{ confluence: { method: string; path: string }[] }>('reference/tool-endpoint-map.json');
  const norm = (p: string) => p.replace(/\{[^}]+\}/g, '{}');
  const known = new Set(map.confluence.map((e) => `${e.method} ${norm(e.path)}`));
  for (const t of catalog.toolkits.get('confluence')!.tools) {
    assert.ok(
      known.has(`${t.http.method} ${norm(t.http.path)}`),
      `${t.name}: ${t.http.method} ${t.http.path} is not in the map`,
    );
  }
});

describe('defineToolkit refuses bad declarations at load', () => {
  const base = {
    name: 'x_get_thing',
    title: 'Get thing',
    description: 'Fetch one thing by id; a description long enough to guide a model.',
    input: z.object({ id: z.string() }),
    http: { method: 'GET' as const, path: '/things/{id}' },
    scopes: [],
    annotations: { readOnlyHint: true, openWorldHint: true },
  };
  const kit = (tool: object) => () =>
    defineToolkit({ id: 'x', name: 'X', description: 'x', service: 'X', tools: [defineTool(tool as typeof base)] });

  test('accepts a good one', () => {
    assert.equal(kit(base)().tools.length, 1);
  });
  test('bad names', () => {
    assert.throws(kit({ ...base, name: 'x_Get' }), /must match/);
    assert.throws(kit({ ...base, name: 'x__get' }), /"__"/);
    assert.throws(kit({ ...base, name: `x_${'a'.repeat(40)}` }), /at most 40/);
    assert.throws(kit({ ...base, name: 'y_get' }), /must start with "x_"/);
    assert.throws(
      () =>
        defineToolkit({
          id: 'x',
          name: 'X',
          description: 'x',
          service: 'X',
          tools: [defineTool(base), defineTool(base)],
        }),
      /duplicate/,
    );
  });
  test('annotations that contradict the method', () => {
    assert.throws(
      kit({ ...base, annotations: { readOnlyHint: false, openWorldHint: true } }),
      /GET tool must be readOnlyHint/,
    );
    assert.throws(
      kit({
        ...base,
        http: { method: 'DELETE', path: '/things/{id}' },
        annotations: { readOnlyHint: true, openWorldHint: true },
      }),
      /DELETE tool must be destructiveHint/,
    );
  });
  test('a path parameter missing from the input', () => {
    assert.throws(
      kit({ ...base, http: { method: 'GET', path: '/things/{thing_id}' } }),
      /\{thing_id\} is not an input field/,
    );
  });
});

test('schema conversion produces strict-client shapes for unions, nullables and free-form values', () => {
  const schema = toClientSchema(
    z.object({
      any: z.unknown(),
      maybe: z.string().nullable(),
      either: z.union([z.string(), z.int()]),
      map: z.record(z.string(), z.unknown()),
    }),
  );
  assert.deepEqual(strictSchemaProblems(schema), []);
  assert.deepEqual(strictSchemaProblems({ type: 'object', properties: { a: {} } }), ['$.a: needs a single "type"']);
  assert.deepEqual(strictSchemaProblems({ type: 'object', required: ['b'], properties: {} }), [
    '$: required lists undefined "b"',
  ]);
  assert.deepEqual(strictSchemaProblems({ type: 'string', anyOf: [{ type: 'string' }] }), [
    '$: "type" beside anyOf/oneOf (put it in each branch)',
  ]);
});
