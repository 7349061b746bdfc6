import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_KEY_CONFIG, DEMO_OAUTH_CONFIG } from '../../src/connections/auth-configs.ts';
import type { ConfluenceEmulator } from '../../src/emulators/confluence/index.ts';
import { CONFLUENCE_DEMO_USER } from '../../src/emulators/confluence/index.ts';
import { GONG_DEMO, type GongEmulator } from '../../src/emulators/gong/index.ts';
import {
  CONFLUENCE_USER,
  type ConnGateway,
  followOAuthLink,
  GONG_ADMIN,
  startConnGateway,
  submitKeyForm,
  type TestUser,
  toolJson,
} from './helpers.ts';

describe('connect flows against the emulators', () => {
  let gw: ConnGateway;
  let alice: TestUser;
  before(async () => {
    gw = await startConnGateway();
    alice = await gw.user('alice');
  });
  after(() => gw.close());

  test('Confluence OAuth (Atlassian 3LO, PKCE): link, consent, callback, active, tool call with the new token', async () => {
    const c = gw.gateway.connections;
    const link = await c.createConnectLink(alice.id, 'confluence');
    assert.match(link.url, /\/connections\/link\/[A-Za-z0-9_-]{43}$/);
    assert.ok(Date.parse(link.expiresAt) - Date.now() <= 10 * 60_000 && Date.parse(link.expiresAt) > Date.now());
    assert.equal((await c.get(alice.id, link.connectionId))?.status, 'initiated');

    const done = await followOAuthLink(alice.browser, link.url, { auto_approve_as: CONFLUENCE_USER });
    assert.equal(done.status, 200, done.html);
    assert.match(done.html, /Confluence is connected/);
    // PKCE S256 and state on the authorize request; the client is the demo OAuth app.
    assert.equal(done.authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(done.authorizeUrl.searchParams.get('state'));
    assert.ok(done.authorizeUrl.searchParams.get('scope')?.split(' ').includes('offline_access'));
    assert.equal(done.authorizeUrl.searchParams.get('redirect_uri'), `${gw.url}/connections/callback`);

    const conn = await c.waitForActive(alice.id, link.connectionId, { timeoutMs: 1000 });
    assert.equal(conn.status, 'active');
    assert.equal(conn.isDefault, true);
    assert.equal(conn.authConfig, DEMO_OAUTH_CONFIG('confluence'));
    assert.ok(conn.expiresAt && Date.parse(conn.expiresAt) > Date.now());

    const resolved = await c.resolve(alice.id, 'confluence');
    assert.equal(resolved.credentials.type, 'bearer', 'an OAuth connection sends a bearer token');
    assert.match(resolved.baseUrl, /\/emulators\/confluence\/ex\/confluence\/[0-9a-f-]{36}$/);

    const client = await gw.mcp('/mcp/confluence', alice.key);
    const result = await client.callTool({ name: 'confluence_get_spaces', arguments: {} });
    assert.equal(result.isError, undefined, JSON.stringify(result));
    assert.ok(Array.isArray(toolJson(result).results));

    // The link was single use.
    const again = await alice.browser.get(link.url);
    assert.equal(again.status, 400);
  });

  test('using a link spends the other links handed out for the same connection', async () => {
    const c = gw.gateway.connections;
    const first = await c.createConnectLink(alice.id, 'confluence', { alias: 'spare' });
    const second = await c.createConnectLink(alice.id, 'confluence', { alias: 'spare' });
    assert.equal(second.connectionId, first.connectionId, 'both links are for the same pending connection');
    assert.notEqual(second.url, first.url);
    const done = await followOAuthLink(alice.browser, first.url, { auto_approve_as: CONFLUENCE_USER });
    assert.equal(done.status, 200, done.html);
    assert.equal((await alice.browser.get(second.url)).status, 400, 'the other link no longer works');
    assert.equal((await c.get(alice.id, first.connectionId))?.status, 'active');
  });

  test('Gong OAuth (no PKCE, Basic client auth): api_base_url_for_customer is used for every call', async () => {
    const c = gw.gateway.connections;
    const link = await c.createConnectLink(alice.id, 'gong', { alias: 'work' });
    const done = await followOAuthLink(alice.browser, link.url, { approve_as: GONG_ADMIN });
    assert.equal(done.status, 200, done.html);
    assert.equal(done.authorizeUrl.searchParams.get('code_challenge'), null, 'Gong has no PKCE');
    const conn = await c.get(alice.id, link.connectionId);
    assert.equal(conn?.status, 'active');
    assert.equal(conn?.alias, 'work');
    const resolved = await c.resolve(alice.id, 'gong');
    assert.match(resolved.baseUrl, /\/emulators\/gong\/customer-api$/, 'the customer API base from the token response');

    const emulator = gw.gateway.emulators.get('gong') as GongEmulator;
    const before = [...emulator.state.accessTokens.values()].length;
    assert.ok(before >= 1);
    const client = await gw.mcp('/mcp/gong', alice.key);
    const result = await client.callTool({ name: 'gong_list_users', arguments: {} });
    assert.equal(result.isError, undefined, JSON.stringify(result));
    assert.ok(toolJson(result).users.length > 0);
  });

  test('a denied consent ends as failed with the reason, and the alias can be used again', async () => {
    const c = gw.gateway.connections;
    const link = await c.createConnectLink(alice.id, 'confluence', { alias: 'denied' });
    const done = await followOAuthLink(alice.browser, link.url, { auto_deny: 'true' });
    assert.equal(done.status, 400);
    assert.match(done.html, /not granted/);
    const conn = await c.get(alice.id, link.connectionId);
    assert.equal(conn?.status, 'failed');
    assert.match(conn?.statusReason ?? '', /not granted/);
    const retry = await c.createConnectLink(alice.id, 'confluence', { alias: 'denied' });
    assert.equal(retry.connectionId, link.connectionId, 'the failed connection is reused');
  });

  test('Confluence API token form: wrong token refused without using the link, right token connects', async () => {
    const bob = await gw.user('bob-forms');
    const c = gw.gateway.connections;
    const link = await c.createConnectLink(bob.id, 'confluence', { authConfigId: DEMO_KEY_CONFIG('confluence') });
    const page = await bob.browser.get(link.url);
    const html = await page.text();
    assert.match(html, /name="email"/);
    assert.match(html, /type="password" id="apiToken"/);
    assert.doesNotMatch(html, /name="siteUrl"/, 'the emulator site is preset');

    const wrong = await submitKeyForm(bob.browser, link.url, { email: CONFLUENCE_DEMO_USER.email, apiToken: 'nope' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.html, /refused these credentials/);
    assert.doesNotMatch(wrong.html, /value="nope"/, 'a secret field is never echoed back');

    const right = await submitKeyForm(bob.browser, link.url, {
      email: CONFLUENCE_DEMO_USER.email,
      apiToken: CONFLUENCE_DEMO_USER.apiToken,
    });
    assert.equal(right.status, 200, right.html);
    assert.match(right.html, /Confluence is connected/);
    assert.equal((await c.get(bob.id, link.connectionId))?.status, 'active');
    const client = await gw.mcp('/mcp/confluence', bob.key);
    const result = await client.callTool({ name: 'confluence_get_spaces', arguments: {} });
    assert.equal(result.isError, undefined, JSON.stringify(result));
  });

  test('Gong access key form', async () => {
    const carol = await gw.user('carol-forms');
    const c = gw.gateway.connections;
    const link = await c.createConnectLink(carol.id, 'gong', { authConfigId: DEMO_KEY_CONFIG('gong') });
    const res = await submitKeyForm(carol.browser, link.url, {
      accessKey: GONG_DEMO.accessKey,
      accessKeySecret: GONG_DEMO.accessKeySecret,
    });
    assert.equal(res.status, 200, res.html);
    const client = await gw.mcp('/mcp/gong', carol.key);
    const result = await client.callTool({ name: 'gong_list_users', arguments: {} });
    assert.equal(result.isError, undefined, JSON.stringify(result));
  });

  test('a user-supplied site must be the provider host (no SSRF through the form)', async () => {
    const dave = await gw.user('dave-forms');
    const c = gw.gateway.connections;
    const config = await c.authConfigs.add({
      toolkit: 'confluence',
      scheme: 'api_token',
      name: 'any site',
      ownerUserId: dave.id,
    });
    const link = await c.createConnectLink(dave.id, 'confluence', { authConfigId: config.id });
    const res = await submitKeyForm(dave.browser, link.url, {
      siteUrl: 'http://169.254.169.254/latest',
      email: 'x@example.com',
      apiToken: 'x',
    });
    assert.equal(res.status, 400);
    assert.match(res.html, /atlassian\.net/);
  });

  test('a connect link of a Confluence grant reaching several sites asks which one', async () => {
    const erin = await gw.user('erin-sites');
    const emulator = gw.gateway.emulators.get('confluence') as ConfluenceEmulator;
    const original = emulator.oauth.accessibleResources.bind(emulator.oauth);
    emulator.oauth.accessibleResources = (grant, siteUrl) => {
      const [site] = original(grant, siteUrl);
      return [{ ...site!, id: 'aaaaaaaa-0000-0000-0000-000000000000', name: 'other-site' }, site!];
    };
    try {
      const c = gw.gateway.connections;
      const link = await c.createConnectLink(erin.id, 'confluence', { authConfigId: DEMO_OAUTH_CONFIG('confluence') });
      const done = await followOAuthLink(erin.browser, link.url, { auto_approve_as: CONFLUENCE_USER });
      assert.equal(done.status, 200);
      assert.match(done.html, /Which Confluence site/);
      assert.equal((await c.get(erin.id, link.connectionId))?.status, 'initiated');
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(done.html)![1]!;
      const res = await erin.browser.post(`${gw.url}/connections/site`, {
        csrf_token: csrf,
        connection_id: link.connectionId,
        site_id: emulator.cloudId,
      });
      assert.equal(res.status, 200, await res.text());
      const resolved = await c.resolve(erin.id, 'confluence');
      assert.ok(resolved.baseUrl.endsWith(`/ex/confluence/${emulator.cloudId}`));
    } finally {
      emulator.oauth.accessibleResources = original;
    }
  });
});
