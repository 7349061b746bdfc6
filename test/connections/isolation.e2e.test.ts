import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_OAUTH_CONFIG } from '../../src/connections/auth-configs.ts';
import { hiddenFields } from '../oauth/helpers.ts';
import {
  CONFLUENCE_USER,
  type ConnGateway,
  followOAuthLink,
  startConnGateway,
  type TestUser,
  toolJson,
} from './helpers.ts';

/** User B can neither use, see, nor remove user A's connection, through any tool, page or API. */
describe('isolation between users', () => {
  let gw: ConnGateway;
  let alice: TestUser;
  let bob: TestUser;
  let aliceConn: string;
  before(async () => {
    gw = await startConnGateway();
    alice = await gw.user('alice');
    bob = await gw.user('bob');
    const link = await gw.gateway.connections.createConnectLink(alice.id, 'confluence', {
      authConfigId: DEMO_OAUTH_CONFIG('confluence'),
      alias: 'alice-work',
    });
    const done = await followOAuthLink(alice.browser, link.url, { auto_approve_as: CONFLUENCE_USER });
    assert.equal(done.status, 200);
    aliceConn = link.connectionId;
  });
  after(() => gw.close());

  const aliceStatus = async () => (await gw.gateway.connections.get(alice.id, aliceConn))?.status;

  test("B's tool calls never use A's connection", async () => {
    const client = await gw.mcp('/mcp/confluence', bob.key);
    const r = await client.callTool({ name: 'confluence_get_spaces', arguments: {} });
    assert.equal(r.isError, true);
    const error = toolJson(r).error;
    assert.equal(error.code, 'not_connected');
    // The link in the error is bob's own new connection, not alice's.
    const view = await gw.gateway.connections.list(bob.id);
    assert.ok(view.every((c) => c.id !== aliceConn));
    await assert.rejects(
      () => gw.gateway.connections.resolve(bob.id, 'confluence', 'alice-work'),
      /no confluence account/,
    );
  });

  test("B cannot see A's connection (API, page)", async () => {
    assert.equal(await gw.gateway.connections.get(bob.id, aliceConn), undefined);
    const page = await bob.browser.get(`${gw.url}/connections`);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.doesNotMatch(html, new RegExp(aliceConn));
    assert.doesNotMatch(html, /alice-work/);
    const own = await (await alice.browser.get(`${gw.url}/connections`)).text();
    assert.match(own, /alice-work/);
  });

  test("B cannot remove, reconnect or make default A's connection (API, pages)", async () => {
    assert.equal(await gw.gateway.connections.remove(bob.id, aliceConn), false);
    assert.equal(await gw.gateway.connections.setDefault(bob.id, aliceConn), false);
    await assert.rejects(() => gw.gateway.connections.reconnect(bob.id, aliceConn), /no connection/);
    const page = await (await bob.browser.get(`${gw.url}/connections`)).text();
    const csrf = hiddenFields(page, '/connections/new').csrf_token!;
    for (const action of ['/connections/remove', '/connections/default', '/connections/reconnect']) {
      const res = await bob.browser.post(`${gw.url}${action}`, { csrf_token: csrf, connection_id: aliceConn });
      assert.ok([303, 404].includes(res.status), `${action}: ${res.status}`);
      if (res.status === 303) assert.doesNotMatch(res.headers.get('location') ?? '', /\/connections\/link\//);
    }
    assert.equal(await aliceStatus(), 'active');
  });

  test("B cannot use A's connect link, nor complete A's OAuth flow in B's browser", async () => {
    const link = await gw.gateway.connections.reconnect(alice.id, aliceConn);
    const res = await bob.browser.get(link.url);
    assert.equal(res.status, 403);
    assert.match(await res.text(), /made for another user/);
    const path = new URL(link.url).pathname;
    const bobPage = await (await bob.browser.get(`${gw.url}/connections`)).text();
    const posted = await bob.browser.post(`${gw.url}${path}`, {
      csrf_token: hiddenFields(bobPage, '/connections/new').csrf_token!,
    });
    assert.equal(posted.status, 403);

    // Alice starts; the provider's redirect lands in bob's browser (a forwarded link): refused, nothing stored.
    const page = await alice.browser.get(link.url);
    const fields = hiddenFields(await page.text(), path);
    const started = await alice.browser.post(`${gw.url}${path}`, fields);
    const authorize = new URL(started.headers.get('location')!);
    authorize.searchParams.set('auto_approve_as', CONFLUENCE_USER);
    const consent = await fetch(authorize, { redirect: 'manual' });
    const callback = consent.headers.get('location')!;
    const hijack = await bob.browser.get(callback);
    assert.equal(hijack.status, 400);
    assert.equal((await gw.gateway.connections.list(bob.id)).filter((c) => c.status === 'active').length, 0);
    // The same callback still completes in alice's own browser.
    const ok = await alice.browser.get(callback);
    assert.equal(ok.status, 200);
  });

  test("B cannot connect through A's own auth config", async () => {
    const mine = await gw.gateway.connections.authConfigs.add({
      toolkit: 'gong',
      scheme: 'oauth2',
      clientId: 'alice-app',
      clientSecret: 'alice-app-secret',
      ownerUserId: alice.id,
    });
    await assert.rejects(
      () => gw.gateway.connections.createConnectLink(bob.id, 'gong', { authConfigId: mine.id }),
      /no auth config/,
    );
    const listed = await gw.gateway.connections.authConfigs.list({ userId: bob.id });
    assert.ok(!listed.some((c) => c.id === mine.id));
  });
});
