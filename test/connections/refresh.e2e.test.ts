import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_OAUTH_CONFIG } from '../../src/connections/auth-configs.ts';
import { CREDENTIALS_BINDING, type OAuthCredentials } from '../../src/connections/index.ts';
import type { ConfluenceEmulator } from '../../src/emulators/confluence/index.ts';
import { GONG_DEMO, type GongEmulator } from '../../src/emulators/gong/index.ts';
import {
  CONFLUENCE_USER,
  type ConnGateway,
  followOAuthLink,
  GONG_ADMIN,
  startConnGateway,
  type TestUser,
  toolJson,
} from './helpers.ts';

/**
 * Refresh of upstream OAuth tokens: before expiry and once on a 401, under the per-connection lock, with a re-check
 * after taking it; a refresh that fails for good ends as `expired` with a reconnect link.
 */
describe('token refresh', () => {
  let gw: ConnGateway;
  let confluence: ConfluenceEmulator;
  let gong: GongEmulator;
  const refreshes = { confluence: 0 };
  before(async () => {
    gw = await startConnGateway();
    confluence = gw.gateway.emulators.get('confluence') as ConfluenceEmulator;
    gong = gw.gateway.emulators.get('gong') as GongEmulator;
    const original = confluence.oauth.refresh.bind(confluence.oauth);
    confluence.oauth.refresh = (client, token) => {
      refreshes.confluence++;
      return original(client, token);
    };
  });
  after(() => gw.close());

  async function connect(user: TestUser, toolkit: 'confluence' | 'gong', alias?: string) {
    const link = await gw.gateway.connections.createConnectLink(user.id, toolkit, {
      authConfigId: DEMO_OAUTH_CONFIG(toolkit),
      ...(alias ? { alias } : {}),
    });
    const done = await followOAuthLink(
      user.browser,
      link.url,
      toolkit === 'confluence' ? { auto_approve_as: CONFLUENCE_USER } : { approve_as: GONG_ADMIN },
    );
    assert.equal(done.status, 200, done.html);
    return link.connectionId;
  }

  const db = () => gw.gateway.store.db;
  const expireSoon = (id: string, inMs = 30_000) =>
    db()
      .updateTable('connected_accounts')
      .set({ expires_at: new Date(Date.now() + inMs).toISOString() })
      .where('id', '=', id)
      .execute();
  const stored = async (id: string) => {
    const row = await db().selectFrom('connected_accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return {
      row,
      creds: row.credentials_enc
        ? gw.gateway.vault.decryptJson<OAuthCredentials>(row.credentials_enc, CREDENTIALS_BINDING(id))
        : undefined,
    };
  };
  const gongUsedRefreshTokens = () => [...gong.state.refreshTokens.values()].filter((r) => r.used).length;

  test('50 concurrent calls on one expiring connection: exactly one refresh reaches the emulator, all succeed', async () => {
    const alice = await gw.user('alice');
    const id = await connect(alice, 'confluence');
    const before = await stored(id);
    await expireSoon(id);
    refreshes.confluence = 0;
    const client = await gw.mcp('/mcp/confluence', alice.key);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => client.callTool({ name: 'confluence_get_spaces', arguments: {} })),
    );
    for (const r of results) assert.equal(r.isError, undefined, JSON.stringify(r));
    assert.equal(refreshes.confluence, 1, 'one refresh for 50 calls');
    const afterRefresh = await stored(id);
    assert.notEqual(
      afterRefresh.creds!.refreshToken,
      before.creds!.refreshToken,
      'the rotated refresh token is stored',
    );
    assert.ok(Date.parse(afterRefresh.row.expires_at!) > Date.now() + 50 * 60_000);
  });

  test('a 401 (token revoked upstream) is refreshed once and the call retried', async () => {
    const bob = await gw.user('bob');
    const id = await connect(bob, 'confluence');
    const { creds } = await stored(id);
    confluence.state.revokeAccessToken(creds!.accessToken);
    refreshes.confluence = 0;
    const client = await gw.mcp('/mcp/confluence', bob.key);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => client.callTool({ name: 'confluence_get_spaces', arguments: {} })),
    );
    for (const r of results) assert.equal(r.isError, undefined, JSON.stringify(r));
    assert.equal(refreshes.confluence, 1, 'concurrent 401s share one refresh (re-check under the lock)');
  });

  test('Gong single-use refresh tokens: concurrent calls spend the refresh token once', async () => {
    const carol = await gw.user('carol');
    await connect(carol, 'gong');
    const id = (await gw.gateway.connections.list(carol.id)).find((c) => c.toolkit === 'gong')!.id;
    await expireSoon(id);
    const used = gongUsedRefreshTokens();
    const client = await gw.mcp('/mcp/gong', carol.key);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => client.callTool({ name: 'gong_list_users', arguments: {} })),
    );
    for (const r of results) assert.equal(r.isError, undefined, JSON.stringify(r));
    assert.equal(gongUsedRefreshTokens() - used, 1);
  });

  test('refresh-token reuse at Gong (invalid_grant) ends as expired with a reconnect link, not a loop', async () => {
    const dave = await gw.user('dave');
    await connect(dave, 'gong');
    const id = (await gw.gateway.connections.list(dave.id)).find((c) => c.toolkit === 'gong')!.id;
    const { creds } = await stored(id);
    // Somebody else spends the refresh token first (a copy, a second gateway without the lock).
    const basic = Buffer.from(`${GONG_DEMO.oauthClient.clientId}:${GONG_DEMO.oauthClient.clientSecret}`).toString(
      'base64',
    );
    const spent = await fetch(`${gw.url}/emulators/gong/oauth2/generate-customer-token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds!.refreshToken! }),
    });
    assert.equal(spent.status, 200);
    await expireSoon(id, -1000);
    const client = await gw.mcp('/mcp/gong', dave.key);
    const used = gongUsedRefreshTokens();
    const first = await client.callTool({ name: 'gong_list_users', arguments: {} });
    assert.equal(first.isError, true);
    const error = toolJson(first).error;
    assert.equal(error.code, 'connection_unusable');
    assert.match(error.message, /gong/);
    assert.match(error.message, /reconnect/);
    assert.equal(error.toolkit, 'gong');
    assert.match(error.connect_url, /\/connections\/link\//);
    const row = await stored(id);
    assert.equal(row.row.status, 'expired');
    assert.match(row.row.status_reason ?? '', /invalid_grant/);
    assert.equal(row.row.credentials_enc, null, 'dead credentials are wiped');

    const second = await client.callTool({ name: 'gong_list_users', arguments: {} });
    assert.equal(toolJson(second).error.code, 'connection_unusable');
    assert.equal(gongUsedRefreshTokens(), used, 'no further refresh attempt');

    // The link in the error reconnects the same connection.
    const done = await followOAuthLink(dave.browser, error.connect_url, { approve_as: GONG_ADMIN });
    assert.equal(done.status, 200, done.html);
    const third = await client.callTool({ name: 'gong_list_users', arguments: {} });
    assert.equal(third.isError, undefined, JSON.stringify(third));
    assert.equal((await stored(id)).row.status, 'active');
  });

  test('Atlassian family kill (a rotated refresh token reused after the leeway) ends as expired + link', async () => {
    const erin = await gw.user('erin');
    const id = await connect(erin, 'confluence');
    const first = (await stored(id)).creds!;
    await expireSoon(id);
    const client = await gw.mcp('/mcp/confluence', erin.key);
    assert.equal((await client.callTool({ name: 'confluence_get_spaces', arguments: {} })).isError, undefined);
    assert.notEqual((await stored(id)).creds!.refreshToken, first.refreshToken, 'rotated');
    // Eleven minutes later somebody presents the first refresh token again: the family dies at Atlassian.
    const state = confluence.state as unknown as { now: () => Date };
    const realNow = state.now;
    state.now = () => new Date(Date.now() + 11 * 60_000);
    try {
      const reuse = await fetch(`${gw.url}/emulators/confluence/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'refresh_token',
          client_id: 'switchboard-demo-confluence',
          client_secret: 'demo-confluence-oauth-client-secret',
          refresh_token: first.refreshToken,
        }),
      });
      assert.equal(reuse.status, 403);
    } finally {
      state.now = realNow;
    }
    const result = await client.callTool({ name: 'confluence_get_spaces', arguments: {} });
    assert.equal(result.isError, true);
    const error = toolJson(result).error;
    assert.equal(error.code, 'connection_unusable');
    assert.match(error.message, /confluence connection "default" is expired/);
    assert.ok(error.connect_url);
    assert.equal((await stored(id)).row.status, 'expired');
  });

  test('a user with no connection gets a connect link in the error', async () => {
    const frank = await gw.user('frank');
    const client = await gw.mcp('/mcp/confluence', frank.key);
    const result = await client.callTool({ name: 'confluence_get_spaces', arguments: {} });
    const error = toolJson(result).error;
    assert.equal(error.code, 'not_connected');
    assert.match(error.connect_url, /\/connections\/link\//);
    assert.match(error.message, /no confluence account/);
  });
});
