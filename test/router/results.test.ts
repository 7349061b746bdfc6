import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ensureUser } from '../../src/identity/index.ts';
import { previewOf, shapeOf } from '../../src/results/preview.ts';
import { PathError, parsePath, readPage } from '../../src/results/query.ts';
import { createResultStore } from '../../src/results/store.ts';
import { postgresSkip, postgresStore, sqliteStore, type TestStore } from '../helpers/stores.ts';

const data = {
  results: Array.from({ length: 300 }, (_, i) => ({ id: String(i), title: `Page ${i}`, version: { number: i % 7 } })),
  'odd key': { nested: [1, 2, 3] },
  big: 'x'.repeat(50_000),
  next_cursor: null,
};

describe('selectors', () => {
  test('parse the JSONPath-like forms', () => {
    assert.deepEqual(parsePath('$.results[*].title'), [
      { kind: 'key', key: 'results' },
      { kind: 'all' },
      { kind: 'key', key: 'title' },
    ]);
    assert.deepEqual(parsePath('results[0:20].id'), [
      { kind: 'key', key: 'results' },
      { kind: 'slice', start: 0, end: 20 },
      { kind: 'key', key: 'id' },
    ]);
    assert.deepEqual(parsePath("$['odd key'].nested[-1]"), [
      { kind: 'key', key: 'odd key' },
      { kind: 'key', key: 'nested' },
      { kind: 'index', index: -1 },
    ]);
    assert.throws(() => parsePath('$.results[abc]'), PathError);
    assert.throws(() => parsePath('$.results[0'), PathError);
  });

  test('pages, slices and fields, each answer under the cap', () => {
    const page = readPage(data, { path: '$.results', maxChars: 2000 });
    assert.equal(page.total, 300);
    assert.ok(JSON.stringify(page).length <= 2000);
    assert.equal(page.offset, 0);
    assert.equal(typeof page.next_offset, 'number');
    const titles = readPage(data, { path: '$.results[*].title', maxChars: 16_000, limit: 10, offset: 5 });
    assert.deepEqual(titles.items, [
      'Page 5',
      'Page 6',
      'Page 7',
      'Page 8',
      'Page 9',
      'Page 10',
      'Page 11',
      'Page 12',
      'Page 13',
      'Page 14',
    ]);
    const picked = readPage(data, { path: 'results[0:2]', fields: ['id', 'version.number'], maxChars: 16_000 });
    assert.deepEqual(picked.items, [
      { id: '0', 'version.number': 0 },
      { id: '1', 'version.number': 1 },
    ]);
    assert.deepEqual(readPage(data, { path: "$['odd key'].nested[-1]", maxChars: 1000 }), {
      path: '$["odd key"].nested[2]',
      type: 'number',
      value: 3,
    });
    assert.equal(readPage(data, { path: '$.missing', maxChars: 1000 }).found, false);
  });

  test('a value too large for one answer is a stub with its path; its string pages by characters', () => {
    const whole = readPage(data, { maxChars: 4000 });
    assert.equal(whole.type, 'object');
    const entries = whole.entries as Record<string, { truncated?: boolean; path?: string }>;
    assert.equal(entries.results?.truncated, true);
    assert.equal(entries.results?.path, '$.results');
    let text = '';
    let offset: number | null = 0;
    while (offset !== null) {
      const p = readPage(data, { path: entries.big?.path ?? '$.big', offset, maxChars: 4000 });
      assert.ok(JSON.stringify(p).length <= 4200);
      text += p.text as string;
      offset = p.next_offset as number | null;
    }
    assert.equal(text, data.big);
  });

  test('shape and preview fit their budget', () => {
    const shape = shapeOf(data) as Record<string, unknown>;
    assert.deepEqual(Object.keys(shape.results as object), ['array(300)']);
    assert.equal(shape.big, 'string(50000 chars)');
    for (const budget of [300, 1000, 4000]) {
      const p = previewOf(data, budget);
      assert.ok(JSON.stringify(p).length <= budget + 50, `budget ${budget}: ${JSON.stringify(p).length}`);
    }
  });
});

for (const [dialect, open, skip] of [
  ['sqlite', sqliteStore, false],
  ['postgres', postgresStore, postgresSkip],
] as const) {
  describe(`result store (${dialect})`, { skip }, () => {
    test('scoped to the user, expires, cleaned up', async () => {
      const s: TestStore = await open();
      try {
        let clock = Date.parse('2026-11-01T00:00:00Z');
        const store = createResultStore({ db: s.store.db, ttlMs: 60_000, now: () => clock, cacheChars: 0 });
        const { user: alice } = await ensureUser(s.store.db, 'alice');
        const { user: bob } = await ensureUser(s.store.db, 'bob');
        const saved = await store.put(alice.id, 'confluence_get_pages', data);
        assert.match(saved.handle, /^res_[A-Za-z0-9_-]{22}$/);
        assert.equal(saved.sizeChars, JSON.stringify(data).length);
        assert.deepEqual((await store.get(alice.id, saved.handle))?.data, data);
        assert.equal(await store.get(bob.id, saved.handle), undefined);
        assert.equal(await store.get(alice.id, 'res_nope'), undefined);
        clock += 61_000;
        assert.equal(await store.get(alice.id, saved.handle), undefined, 'expired');
        assert.equal(await store.cleanup(), 1);
        assert.equal(await store.cleanup(), 0);
      } finally {
        await s.cleanup();
      }
    });
  });
}
