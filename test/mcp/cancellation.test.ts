import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApiKey, ensureUser } from '../../src/identity/index.ts';
import { createInFlightCalls } from '../../src/mcp/cancellation.ts';
import { connectConfluenceVia, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

describe('createInFlightCalls', () => {
  test("cancel aborts the user's call with that id, and only it", () => {
    const calls = createInFlightCalls();
    const a = calls.track('u1', 7);
    const sameIdOtherUser = calls.track('u2', 7);
    const sameNumberAsString = calls.track('u1', '7');
    assert.equal(calls.cancel('u1', 7), true);
    assert.equal(a.signal.aborted, true);
    assert.match(String((a.signal.reason as Error).message), /cancelled/);
    assert.equal(sameIdOtherUser.signal.aborted, false);
    assert.equal(sameNumberAsString.signal.aborted, false);
    assert.equal(calls.cancel('u1', 99), false, 'no such call');
  });

  test('a finished call cannot be cancelled; two calls under one id are left alone (which one is unknown)', () => {
    const calls = createInFlightCalls();
    const done = calls.track('u', 1);
    done.done();
    assert.equal(calls.cancel('u', 1), false);
    const x = calls.track('u', 2);
    const y = calls.track('u', 2);
    assert.equal(calls.cancel('u', 2), false);
    assert.equal(x.signal.aborted || y.signal.aborted, false);
    y.done();
    assert.equal(calls.cancel('u', 2), true, 'once one has ended, the id is unambiguous again');
    assert.equal(x.signal.aborted, true);
  });

  test("the request's own signal still aborts the call", () => {
    const calls = createInFlightCalls();
    const request = new AbortController();
    const c = calls.track('u', 1, request.signal);
    request.abort();
    assert.equal(c.signal.aborted, true);
    c.done();
  });
});

describe('notifications/cancelled on /mcp/<toolkit>', () => {
  let gw: TestGateway;
  // An upstream that takes requests and never answers: only a cancellation ends a call to it.
  const open = new Set<IncomingMessage>();
  let closed = 0;
  const upstream = createServer((req) => {
    open.add(req);
    req.socket.on('close', () => {
      open.delete(req);
      closed++;
    });
  });

  before(async () => {
    gw = await startTestGateway({
      // Far longer than the wait below: the upstream request ends by the cancellation or not at all.
      SWITCHBOARD_UPSTREAM_TIMEOUT_MS: '120000',
      SWITCHBOARD_CALL_BUDGET_MS: '300000',
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
    await gw.close();
  });

  test('a tools/call the client cancels stops its upstream request', async () => {
    const { user } = await ensureUser(gw.gateway.store.db, 'hanging');
    const { key } = await createApiKey(gw.gateway.store.db, user.id);
    const port = (upstream.address() as AddressInfo).port;
    await connectConfluenceVia(gw, user.id, `http://127.0.0.1:${port}`, 'hanging_upstream');
    const client = await gw.connect('/mcp/confluence', key);

    const ac = new AbortController();
    // The SDK client sends notifications/cancelled (a POST of its own) when the signal aborts.
    const pending = client.callTool({ name: 'confluence_get_spaces', arguments: {} }, undefined, { signal: ac.signal });
    const give = Date.now() + 15_000;
    while (open.size === 0) {
      if (Date.now() > give) assert.fail('the upstream never got the request');
      await sleep(10);
    }
    ac.abort();
    await assert.rejects(pending, /abort/i);
    while (closed === 0) {
      if (Date.now() > give) assert.fail('the upstream request was not cancelled');
      await sleep(10);
    }
    assert.equal(open.size, 0);
  });
});
