import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import type { Connections } from '../../src/connections/index.ts';
import { createExecutor, type ExecutorDeps, type ToolOutcome } from '../../src/execution/executor.ts';
import type { HttpClient, UpstreamRequest, UpstreamResponse } from '../../src/execution/http.ts';
import { parseRetryAfter } from '../../src/execution/request.ts';
import { v2Pagination } from '../../src/toolkits/confluence/common.ts';
import { defineTool, defineToolkit } from '../../src/toolkits/define.ts';
import { createCatalog } from '../../src/toolkits/index.ts';
import { createLogger } from '../../src/util/log.ts';
import { sqliteStore, type TestStore } from '../helpers/stores.ts';

const kit = defineToolkit({
  id: 'acme',
  name: 'Acme',
  description: 'test toolkit',
  service: 'Acme',
  errorMessage: (b) => (b as { message?: string } | undefined)?.message,
  tools: [
    defineTool({
      name: 'acme_get_item',
      title: 'Get item',
      description: 'Fetch one item by its id; used by the executor tests only.',
      input: z.object({
        id: z.string().regex(/^\d+$/, { message: 'expected a numeric id' }),
        verbose: z.boolean().optional(),
      }),
      http: { method: 'GET', path: '/items/{id}', query: { verbose: 'verbose' } },
      scopes: [],
      annotations: { readOnlyHint: true, openWorldHint: true },
    }),
    defineTool({
      name: 'acme_create_item',
      title: 'Create item',
      description: 'Create an item; used by the executor tests only (POST, not idempotent).',
      input: z.object({ name: z.string().min(1) }),
      http: { method: 'POST', path: '/items', body: (i) => ({ name: i.name }) },
      scopes: [],
      annotations: { readOnlyHint: false, openWorldHint: true },
    }),
    defineTool({
      name: 'acme_list_items',
      title: 'List items',
      description: 'List items page by page; used by the executor tests only (cursor pagination).',
      input: z.object({ tag: z.array(z.string()).optional() }),
      http: { method: 'GET', path: '/items', query: { tag: 'tag' } },
      scopes: [],
      annotations: { readOnlyHint: true, openWorldHint: true },
      pagination: v2Pagination,
    }),
    defineTool({
      name: 'acme_search_items',
      title: 'Search items',
      description: 'Search items; the upstream answers 404 when nothing matches (used by the executor tests only).',
      input: z.object({ q: z.string() }),
      http: { method: 'GET', path: '/search', query: { q: 'q' } },
      scopes: [],
      annotations: { readOnlyHint: true, openWorldHint: true },
      pagination: v2Pagination,
      notFoundMeansEmpty: true,
    }),
  ],
});

type Handler = (req: UpstreamRequest) => UpstreamResponse | Promise<UpstreamResponse>;
const json = (status: number, body: unknown, headers: Record<string, string> = {}): UpstreamResponse => ({
  status,
  headers: new Headers({ 'content-type': 'application/json', ...headers }),
  body,
});

describe('executor', () => {
  let t: TestStore;
  let handler: Handler;
  const requests: UpstreamRequest[] = [];
  const sleeps: number[] = [];
  let execute: (tool: string, args: unknown) => Promise<ToolOutcome>;

  before(async () => {
    t = await sqliteStore();
    const http: HttpClient = {
      send: async (req) => {
        requests.push(req);
        return handler(req);
      },
      close: async () => {},
    };
    const connections = {
      resolve: async () => ({
        id: 'conn_1',
        toolkit: 'acme',
        alias: 'main',
        baseUrl: 'https://acme.test/api',
        credentials: { type: 'bearer', token: 'tok-secret' },
      }),
    } as unknown as Connections;
    const deps: ExecutorDeps = {
      db: t.store.db,
      catalog: createCatalog([kit]),
      connections,
      http,
      log: createLogger('silent'),
      limits: { timeoutMs: 1000, callBudgetMs: 10_000, maxRetryAfterMs: 5000, maxRetries: 2 },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    };
    const executor = createExecutor(deps);
    execute = (tool, args) => executor.execute({ userId: 'usr_1', tool, args, surface: 'test' });
  });
  after(() => t.cleanup());

  const reset = (h: Handler) => {
    handler = h;
    requests.length = 0;
    sleeps.length = 0;
  };

  test('builds the request from the declaration and injects the credentials', async () => {
    reset(() => json(200, { id: '42', name: 'x' }));
    const out = await execute('acme_get_item', { id: '42', verbose: true });
    assert.deepEqual(out, { ok: true, data: { id: '42', name: 'x' } });
    assert.equal(requests[0]!.url, 'https://acme.test/api/items/42?verbose=true');
    assert.equal(requests[0]!.method, 'GET');
    assert.equal(requests[0]!.headers.authorization, 'Bearer tok-secret');
  });

  test('invalid arguments name the field and the expected shape, and nothing is sent', async () => {
    reset(() => json(200, {}));
    const out = await execute('acme_get_item', { id: 'abc', extra: 1 });
    assert.equal(out.ok, false);
    if (out.ok) return;
    assert.equal(out.error.code, 'invalid_arguments');
    assert.match(out.error.message, /"id": expected a numeric id/);
    assert.match(out.error.message, /Unrecognized key.*"extra"/);
    assert.equal(requests.length, 0);
    const missing = await execute('acme_create_item', {});
    assert.ok(!missing.ok && /"name": required/.test(missing.error.message));
  });

  test('429 waits out Retry-After and retries, for POST too', async () => {
    let n = 0;
    reset(() => (n++ === 0 ? json(429, { message: 'slow down' }, { 'retry-after': '2' }) : json(201, { id: '1' })));
    const out = await execute('acme_create_item', { name: 'a' });
    assert.deepEqual(out, { ok: true, data: { id: '1' } });
    assert.deepEqual(sleeps, [2000]);
  });

  test('a Retry-After longer than the limit is reported, not waited out', async () => {
    reset(() => json(429, { message: 'quota' }, { 'retry-after': '3600' }));
    const out = await execute('acme_get_item', { id: '1' });
    assert.ok(!out.ok);
    if (out.ok) return;
    assert.equal(out.error.code, 'rate_limited');
    assert.equal(out.error.retryable, true);
    assert.equal(out.error.retry_after_seconds, 3600);
    assert.equal(requests.length, 1);
  });

  test('5xx is retried with backoff for idempotent calls and not for POST', async () => {
    let n = 0;
    reset(() => (n++ < 2 ? json(503, { message: 'down' }) : json(200, { id: '7' })));
    assert.deepEqual(await execute('acme_get_item', { id: '7' }), { ok: true, data: { id: '7' } });
    assert.equal(requests.length, 3);
    assert.equal(sleeps.length, 2);

    reset(() => json(500, { message: 'boom' }));
    const out = await execute('acme_create_item', { name: 'a' });
    assert.equal(requests.length, 1, 'a POST is not replayed after a server error');
    assert.ok(!out.ok);
    if (out.ok) return;
    assert.equal(out.error.status, 500);
    assert.equal(out.error.service, 'Acme');
    assert.equal(out.error.retryable, true);
    assert.match(out.error.message, /Acme answered 500: boom/);
  });

  test('4xx names the service and status and says retrying will not help', async () => {
    reset(() => json(404, { message: 'No item 9' }));
    const out = await execute('acme_get_item', { id: '9' });
    assert.ok(!out.ok);
    if (out.ok) return;
    assert.equal(out.error.code, 'upstream_error');
    assert.equal(out.error.status, 404);
    assert.equal(out.error.retryable, false);
    assert.match(out.error.message, /Acme answered 404: No item 9 .*will not help/);
    assert.ok(!JSON.stringify(out).includes('tok-secret'));
  });

  test('network failures of idempotent calls are retried, then reported as unreachable', async () => {
    reset(() => {
      throw new Error('connect ECONNREFUSED');
    });
    const out = await execute('acme_get_item', { id: '1' });
    assert.equal(requests.length, 3);
    assert.ok(!out.ok && out.error.code === 'upstream_unreachable' && out.error.retryable);
  });

  test('pagination follows next cursors up to max_pages and returns next_cursor', async () => {
    reset((req) => {
      const cursor = new URL(req.url).searchParams.get('cursor');
      const page = cursor ? Number(cursor) : 0;
      return json(200, {
        results: [{ id: `${page}a` }, { id: `${page}b` }],
        _links: page < 3 ? { next: `/items?cursor=${page + 1}` } : {},
      });
    });
    const one = await execute('acme_list_items', { tag: ['x', 'y'] });
    assert.ok(one.ok);
    assert.deepEqual(one.data, { results: [{ id: '0a' }, { id: '0b' }], next_cursor: '1' });
    assert.equal(requests[0]!.url, 'https://acme.test/api/items?tag=x&tag=y');

    reset(handler);
    const more = await execute('acme_list_items', { cursor: '1', max_pages: 10 });
    assert.ok(more.ok);
    assert.equal((more.data as { results: unknown[] }).results.length, 6);
    assert.equal((more.data as { next_cursor: unknown }).next_cursor, null);
    assert.equal(requests.length, 3);
  });

  test('a 404 for "nothing matched" is an empty result with a note, where the tool declares it', async () => {
    reset(() => json(404, { message: 'No items found for the period' }));
    const out = await execute('acme_search_items', { q: 'x' });
    assert.ok(out.ok);
    assert.deepEqual(out.data, {
      results: [],
      next_cursor: null,
      note: 'Acme found nothing matching the filters (No items found for the period).',
    });
    // Tools that do not declare it keep the 404 as an error.
    const other = await execute('acme_get_item', { id: '1' });
    assert.ok(!other.ok && other.error.status === 404);
  });

  test('every call is audited without its arguments', async () => {
    reset(() => json(200, { ok: true }));
    await execute('acme_get_item', { id: '31337' });
    const rows = await t.store.db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').limit(1).execute();
    assert.equal(rows[0]!.tool, 'acme_get_item');
    assert.equal(rows[0]!.outcome, 'ok');
    assert.equal(rows[0]!.upstream_status, 200);
    assert.ok(!JSON.stringify(rows).includes('31337'));
  });
});

test('Retry-After is read as seconds or an HTTP date', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4000), 6000);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(null), undefined);
});

test('the per-connection limiter never lets more than N sends into any window, and refuses past the deadline', async () => {
  const { createConnectionLimiter } = await import('../../src/execution/executor.ts');
  const limiter = createConnectionLimiter();
  const limit = { requests: 3, perMs: 100 };
  const times: number[] = [];
  const far = Date.now() + 10_000;
  await Promise.all(
    Array.from({ length: 10 }, () => limiter.acquire('conn', limit, far).then((ok) => ok && times.push(Date.now()))),
  );
  assert.equal(times.length, 10);
  times.sort((a, b) => a - b);
  for (let i = 3; i < times.length; i++) {
    assert.ok(
      times[i]! - times[i - 3]! >= limit.perMs - 1,
      `send ${i} came ${times[i]! - times[i - 3]!} ms after send ${i - 3}`,
    );
  }
  // Another connection has its own window.
  assert.equal(await limiter.acquire('other', limit, far), true);
  // A slot that would come after the deadline is refused at once.
  for (let i = 0; i < 3; i++) await limiter.acquire('busy', { requests: 3, perMs: 60_000 }, far);
  assert.equal(await limiter.acquire('busy', { requests: 3, perMs: 60_000 }, Date.now() + 50), false);
});
