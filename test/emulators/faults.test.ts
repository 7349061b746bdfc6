import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hono } from 'hono';
import { CONFLUENCE_SEED } from '../../src/emulators/confluence/index.ts';
import {
  createEmulatorApp,
  createFaultController,
  EmulatorHttpError,
  finishEmulatorApp,
} from '../../src/emulators/framework.ts';
import { BASE, setup } from './helpers.ts';

const P = CONFLUENCE_SEED.pages;

describe('fault injection on the Confluence emulator', () => {
  test('failNext 500 twice, then OK; the error body is Confluence-shaped', async () => {
    const { get, emulator } = setup();
    emulator.faults.failNext({ status: 500, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await get('/wiki/api/v2/spaces');
      assert.equal(res.status, 500);
      assert.equal(res.body.errors[0].status, 500);
      assert.deepEqual(res.body.errors[0], {
        status: 500,
        code: 'INTERNAL_SERVER_ERROR',
        title: 'Internal Server Error',
        detail: null,
      });
    }
    assert.equal((await get('/wiki/api/v2/spaces')).status, 200);
    // v1 paths fail with the v1 shape.
    emulator.faults.failNext({ status: 503 });
    const v1 = await get('/wiki/rest/api/search?cql=type%3Dpage');
    assert.equal(v1.status, 503);
    assert.equal(v1.body.statusCode, 503);
    assert.equal(v1.body.reason, 'Service Unavailable');
  });

  test('method and path filters, Retry-After and a custom body', async () => {
    const { get, post, emulator } = setup();
    emulator.faults.failNext({ status: 502, method: 'post' });
    emulator.faults.failNext({ status: 429, pathIncludes: '/pages/', retryAfterSeconds: 7 });
    emulator.faults.failNext({ status: 418, pathIncludes: 'cql=', body: { custom: true } });

    assert.equal((await get('/wiki/api/v2/spaces')).status, 200, 'no fault matches a GET of /spaces');
    const limited = await get(`/wiki/api/v2/pages/${P.architecture}`);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
    assert.equal((await get(`/wiki/api/v2/pages/${P.architecture}`)).status, 200, 'used up');
    const teapot = await get('/wiki/rest/api/search?cql=type%3Dpage');
    assert.equal(teapot.status, 418);
    assert.deepEqual(teapot.body, { custom: true });
    const created = await post('/wiki/api/v2/pages', { spaceId: CONFLUENCE_SEED.spaces.ENG.id, title: 'x' });
    assert.equal(created.status, 502);
    assert.equal(emulator.state.pages.size, 16 + 5, 'a faulted write does not happen');
  });

  test('rate limit: over the window → 429 with Retry-After in whole seconds; 401 comes first; switchable', async () => {
    const { get, emulator } = setup();
    emulator.faults.setRateLimit({ requestsPerWindow: 2, windowMs: 1900 });
    const a = await get('/wiki/api/v2/spaces');
    assert.equal(a.status, 200);
    assert.equal(a.headers.get('x-ratelimit-limit'), '2');
    assert.equal((await get('/wiki/api/v2/spaces')).status, 200);
    const limited = await get('/wiki/api/v2/spaces');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '2', '1.9 s rounds up to 2');
    assert.equal(limited.body.errors[0].code, 'TOO_MANY_REQUESTS');
    assert.equal((await get('/wiki/api/v2/spaces', { auth: null })).status, 401, 'unauthenticated: 401, not 429');
    emulator.faults.setRateLimit(null);
    assert.equal((await get('/wiki/api/v2/spaces')).status, 200);
  });

  test('the rate-limit window slides', async () => {
    let now = 1_000_000;
    const faults = createFaultController(() => now);
    faults.setRateLimit({ requestsPerWindow: 2, windowMs: 10_000 });
    assert.equal(faults.intercept('GET', '/a'), undefined);
    now += 4_000;
    assert.equal(faults.intercept('GET', '/a'), undefined);
    const refused = faults.intercept('GET', '/a');
    assert.equal(refused?.status, 429);
    assert.equal(refused?.headers['Retry-After'], '6');
    now += 6_000; // the first request leaves the window
    assert.equal(faults.intercept('GET', '/a'), undefined);
    assert.equal(faults.intercept('GET', '/a')?.status, 429);
    faults.clear();
    assert.equal(faults.intercept('GET', '/a'), undefined);
    assert.throws(() => faults.failNext({ status: 42 }), RangeError);
    assert.throws(() => faults.failNext({ status: 500, times: 0 }), RangeError);
  });

  test('the same over HTTP: POST __control/faults and __control/reset (no auth needed)', async () => {
    const { get, post, emulator } = setup();
    const control = (path: string, body?: unknown) =>
      emulator.app.request(`${BASE}/__control/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    const set = await control('faults', { failNext: { status: 500, times: 2, method: 'GET' } });
    assert.equal(set.status, 200);
    const described = (await set.json()) as { pending: { status: number; remaining: number }[] };
    assert.equal(described.pending[0]?.remaining, 2);
    assert.equal((await get('/wiki/api/v2/spaces')).status, 500);
    assert.equal((await get('/wiki/api/v2/spaces')).status, 500);
    assert.equal((await get('/wiki/api/v2/spaces')).status, 200);

    await control('faults', { rateLimit: { requestsPerWindow: 1, windowMs: 60_000 } });
    assert.equal((await get('/wiki/api/v2/spaces')).status, 200);
    const limited = await get('/wiki/api/v2/spaces');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '60');
    await control('faults', { rateLimit: null });
    assert.equal((await get('/wiki/api/v2/spaces')).status, 200);

    await control('faults', { failNext: [{ status: 500 }, { status: 502 }] });
    await control('faults', { clear: true });
    assert.equal((await get('/wiki/api/v2/spaces')).status, 200);

    const bad = await control('faults', { failNext: { status: 'boom' } });
    assert.equal(bad.status, 400);
    assert.equal((await control('faults', { unknown: 1 })).status, 400);

    const created = await post('/wiki/api/v2/pages', { spaceId: CONFLUENCE_SEED.spaces.ENG.id, title: 'Gone soon' });
    await control('faults', { failNext: { status: 500, times: 3 } });
    assert.equal((await control('reset')).status, 200);
    assert.equal(emulator.state.pages.has(created.body.id), false);
    assert.equal((await get('/wiki/api/v2/spaces')).status, 200, 'reset clears faults');
  });
});

describe('the framework is generic', () => {
  /** A toy emulator with its own error shape and auth, to check the skeleton without Confluence. */
  function toy() {
    const faults = createFaultController();
    let resets = 0;
    const errorBody = (status: number, message: string | null) => ({ ok: false, status, why: message });
    const app = createEmulatorApp({
      basePath: '/emulators/toy/',
      faults,
      errorBody,
      reset: () => {
        resets += 1;
      },
      authenticate: (c) => (c.req.header('x-key') === 'k' ? undefined : c.json({ ok: false, status: 401 }, 401)),
    });
    app.get('/items', (c) => c.json({ ok: true }));
    app.get('/boom', () => {
      throw new EmulatorHttpError(422, 'bad item');
    });
    app.get('/crash', () => {
      throw new Error('bug');
    });
    finishEmulatorApp(app, errorBody, '/emulators/toy');
    return { app, faults, resets: () => resets };
  }

  test('routes, errors and faults use the emulator’s own shapes; mounting with route("/") works', async () => {
    const { app, faults, resets } = toy();
    const gateway = new Hono();
    gateway.route('/', app);
    gateway.get('/other', (c) => c.text('gateway'));
    const req = (path: string, key = 'k') => gateway.request(path, { headers: { 'x-key': key } });

    assert.equal((await req('/emulators/toy/items')).status, 200);
    assert.equal((await req('/emulators/toy/items', 'wrong')).status, 401);
    const boom = await req('/emulators/toy/boom');
    assert.equal(boom.status, 422);
    assert.deepEqual(await boom.json(), { ok: false, status: 422, why: 'bad item' });
    const crash = await req('/emulators/toy/crash');
    assert.equal(crash.status, 500);
    assert.deepEqual(await crash.json(), { ok: false, status: 500, why: 'Internal server error' });
    const missing = await req('/emulators/toy/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { ok: false, status: 404, why: 'No route for GET /nope' });
    assert.equal(await (await req('/other')).text(), 'gateway', 'the catch-all stays under the basePath');

    faults.failNext({ status: 503, retryAfterSeconds: 3 });
    const failed = await req('/emulators/toy/items');
    assert.equal(failed.status, 503);
    assert.equal(failed.headers.get('retry-after'), '3');
    assert.deepEqual(await failed.json(), { ok: false, status: 503, why: null });

    const reset = await gateway.request('/emulators/toy/__control/reset', { method: 'POST' });
    assert.equal(reset.status, 200);
    assert.equal(resets(), 1);
  });
});
