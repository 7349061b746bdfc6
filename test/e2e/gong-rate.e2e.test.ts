/**
 * Gong's company limits through the gateway: 30 calls fired at once on one Gong connection all succeed while the
 * emulator (which enforces 3 per second) never sees more than 3 in a second; the daily quota reaches the model as
 * Gong's own message with the wait until the UTC day rolls over.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { GongEmulator } from '../../src/emulators/gong/index.ts';
import { resultJson, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

describe('Gong rate limits through the gateway', () => {
  let gw: TestGateway;
  let client: Client;
  let emulator: GongEmulator;

  before(async () => {
    gw = await startTestGateway();
    client = await gw.connect('/mcp/gong');
    emulator = gw.gateway.emulators.get('gong') as GongEmulator;
  });
  after(() => gw.close());

  test('30 concurrent calls on one connection: none fails, at most 3 reach Gong in any second', async () => {
    assert.equal(emulator.limits.describe().perSecond, 3, "the emulator enforces Gong's 3 per second");
    // Warm up once (first-request compilation in this shared process delays arrivals by ~100 ms, which says nothing
    // about pacing), then leave an empty window before the burst.
    assert.equal((await client.callTool({ name: 'gong_list_workspaces', arguments: {} })).isError, undefined);
    await new Promise((r) => setTimeout(r, 1200));
    emulator.arrivals.length = 0;
    const rejectedBefore = emulator.limits.describe().rejected.perSecond;
    const tools = ['gong_list_workspaces', 'gong_list_call_outcomes', 'gong_list_trackers'];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => client.callTool({ name: tools[i % 3]!, arguments: {} })),
    );
    const failed = results.filter((r) => r.isError);
    assert.equal(failed.length, 0, JSON.stringify(failed.slice(0, 2)));
    assert.equal(emulator.limits.describe().rejected.perSecond, rejectedBefore, 'Gong never answered 429');
    const times = emulator.arrivals.map((a) => a.at).sort((a, b) => a - b);
    assert.equal(times.length, 30);
    // Any 4 consecutive arrivals span more than a second: never more than 3 in any one-second window.
    for (let i = 3; i < times.length; i++) {
      assert.ok(times[i]! - times[i - 3]! > 1000, `arrivals ${i - 3}..${i} within ${times[i]! - times[i - 3]!} ms`);
    }
    // And they were spread at the allowed pace, not serialized by something slower: about 10 s for 30 calls.
    assert.ok(times.at(-1)! - times[0]! < 13_000, `${times.at(-1)! - times[0]!} ms`);
  });

  test("a daily-quota 429 reaches the model as rate_limited with Gong's text and the wait until 00:00 UTC", async () => {
    emulator.limits.setDailyUsed(10_000);
    try {
      const res = await client.callTool({ name: 'gong_list_workspaces', arguments: {} });
      assert.equal(res.isError, true);
      const { error } = resultJson(res);
      assert.equal(error.code, 'rate_limited');
      assert.equal(error.status, 429);
      assert.equal(error.retryable, true);
      assert.match(error.message, /Daily API call limit reached/);
      assert.match(error.message, /10000 API calls allowed per day/);
      const now = new Date();
      const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
      const expected = Math.ceil((midnight - now.getTime()) / 1000);
      assert.ok(Math.abs(error.retry_after_seconds - expected) <= 5, `${error.retry_after_seconds} vs ${expected}`);
    } finally {
      emulator.limits.setDailyUsed(0);
    }
    const again = await client.callTool({ name: 'gong_list_workspaces', arguments: {} });
    assert.equal(again.isError, undefined);
  });
});
