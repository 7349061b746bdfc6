/** Gong emulator rate limits: 3 requests per second per company and the daily quota, both switchable. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { FIXED_NOW, setup } from './gong-helpers.ts';

describe('Gong rate limits', () => {
  test("defaults: 3 per second, then 429 with Retry-After and Gong's error body", async () => {
    const s = setup({ rateLimits: {} });
    assert.deepEqual(
      { perSecond: s.emulator.limits.describe().perSecond, perDay: s.emulator.limits.describe().perDay },
      { perSecond: 3, perDay: 10_000 },
    );
    const replies = await Promise.all(Array.from({ length: 5 }, () => s.get('/v2/workspaces')));
    const statuses = replies.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const limited = replies.find((r) => r.status === 429)!;
    assert.equal(limited.headers.get('retry-after'), '1');
    assert.match(limited.body.errors[0], /3 API calls per second/);
    assert.equal(typeof limited.body.requestId, 'string');
    await sleep(1100);
    assert.equal((await s.get('/v2/workspaces')).status, 200, 'the bucket refills');
  });

  test('unauthenticated requests do not use the quota; 401 comes first', async () => {
    const s = setup({ rateLimits: { perSecond: 1 } });
    for (let i = 0; i < 3; i++) assert.equal((await s.get('/v2/workspaces', { auth: null })).status, 401);
    assert.equal((await s.get('/v2/workspaces')).status, 200);
  });

  test('the daily quota answers 429 saying the daily limit was reached, Retry-After until 00:00 UTC', async () => {
    let now = FIXED_NOW.getTime(); // 12:00 UTC: 12 hours to midnight
    const s = setup({ now: () => new Date(now), rateLimits: { perSecond: null, perDay: 5 } });
    for (let i = 0; i < 5; i++) assert.equal((await s.get('/v2/workspaces')).status, 200);
    const r = await s.get('/v2/workspaces');
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), String(12 * 3600));
    assert.match(r.body.errors[0], /Daily API call limit reached/);
    assert.match(r.body.errors[0], /5 API calls allowed per day/);
    assert.match(r.body.errors[0], /2026-06-18T00:00:00\.000Z/);
    now += 12 * 3_600_000; // the UTC day rolls over
    assert.equal((await s.get('/v2/workspaces')).status, 200);
    assert.equal(s.emulator.limits.describe().dailyUsed, 1);
  });

  test('switchable over __control: preset the daily counter, switch limits off', async () => {
    const s = setup({ rateLimits: {} });
    const set = await s.call('POST', '/__control/limits', { auth: null, body: { dailyUsed: 10_000 } });
    assert.equal(set.status, 200);
    assert.equal(set.body.dailyUsed, 10_000);
    assert.equal((await s.get('/v2/workspaces')).status, 429);
    await s.call('POST', '/__control/limits', { auth: null, body: { perDay: null, perSecond: null } });
    const all = await Promise.all(Array.from({ length: 10 }, () => s.get('/v2/workspaces')));
    assert.ok(all.every((r) => r.status === 200));
    const bad = await s.call('POST', '/__control/limits', { auth: null, body: { perSecond: 0 } });
    assert.equal(bad.status, 400);
    // reset restores the configured limits
    await s.call('POST', '/__control/reset', { auth: null });
    assert.deepEqual((await s.call('GET', '/__control/limits', { auth: null })).body.perSecond, 3);
  });

  test('faults still work through the framework controller', async () => {
    const s = setup();
    s.emulator.faults.failNext({ status: 503, pathIncludes: '/v2/users' });
    const r = await s.get('/v2/users');
    assert.equal(r.status, 503);
    assert.equal(r.body.errors[0], 'Service Unavailable');
    assert.equal((await s.get('/v2/users')).status, 200);
  });
});
