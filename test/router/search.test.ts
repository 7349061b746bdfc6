import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createToolIndex } from '../../src/router/search.ts';
import { createCatalog } from '../../src/toolkits/index.ts';
import { evaluate, loadEvalSet } from './search-eval.ts';

const catalog = createCatalog();
const tools = [...catalog.toolkits.values()].flatMap((t) => t.tools);
const names = new Map([...catalog.toolkits.values()].map((t) => [t.id, t.name]));
const index = createToolIndex(tools, names);

test('the evaluation set is well formed: 200+ requests, every expected tool exists', () => {
  const cases = loadEvalSet();
  assert.ok(cases.length >= 200, `${cases.length} cases`);
  for (const c of cases) {
    const expected = c.all ?? c.any ?? [];
    assert.ok(expected.length > 0, c.q);
    for (const name of expected) assert.ok(catalog.tool(name), `${c.q}: unknown tool ${name}`);
  }
  const kinds = new Set(cases.map((c) => c.kind));
  for (const k of ['paraphrase', 'two', 'near_miss', 'cross']) assert.ok(kinds.has(k), `has ${k} cases`);
});

test('search quality on the evaluation set: recall@5 >= 0.95, top-1 >= 0.85', () => {
  const report = evaluate(index, loadEvalSet());
  const summary = `recall@5 ${report.recallAt5.toFixed(3)}, top-1 ${report.top1.toFixed(3)} over ${report.cases} cases`;
  const misses = report.misses
    .map((m) => `  [${m.kind}] ${m.q}\n    want ${m.expected.join(', ')}\n    got  ${m.got.join(', ')}`)
    .join('\n');
  assert.ok(report.recallAt5 >= 0.95, `${summary}\n${misses}`);
  assert.ok(report.top1 >= 0.85, `${summary}\n${misses}`);
});

test('only real, allowed tools: a filter applies before ranking is cut', () => {
  const hits = index.search('list pages in a space', { limit: 5, allow: (t) => t.toolkit === 'gong' });
  for (const h of hits) assert.equal(h.tool.toolkit, 'gong');
  for (const h of index.search('delete everything', { limit: 10 })) assert.ok(catalog.tool(h.tool.name));
  assert.deepEqual(index.search('the of and', {}), []);
});

test('close matches for misspelt and invented names', () => {
  assert.equal(index.closest('gong_list_call')[0], 'gong_list_calls');
  assert.equal(index.closest('confluence_get_pgae')[0], 'confluence_get_page');
  const invented = index.closest('confluence_find_document', { limit: 3 });
  assert.equal(invented.length, 3);
  for (const n of invented) assert.ok(catalog.tool(n));
  assert.deepEqual(
    index.closest('gong_list_call', { allow: (t) => t.toolkit === 'confluence' }).filter((n) => n.startsWith('gong')),
    [],
  );
  // No tool name comes near a name of a million characters: nothing is suggested (and nothing is matched).
  assert.deepEqual(index.closest(`gong_list_calls${'x'.repeat(1e6)}`), []);
});

test('search is fast: the catalogue index answers in well under a millisecond on average', () => {
  const queries = loadEvalSet().map((c) => c.q);
  const started = performance.now();
  for (let i = 0; i < 3; i++) for (const q of queries) index.search(q, { limit: 5 });
  const perQuery = (performance.now() - started) / (queries.length * 3);
  assert.ok(perQuery < 5, `${perQuery.toFixed(3)} ms per query`);
});
