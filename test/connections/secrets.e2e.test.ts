import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { TokenResponse } from '../../src/emulators/confluence/index.ts';
import { CONFLUENCE_DEMO_USER, type ConfluenceEmulator } from '../../src/emulators/confluence/index.ts';
import { GONG_ALL_SCOPES, GONG_DEMO, type GongEmulator } from '../../src/emulators/gong/index.ts';
import {
  CONFLUENCE_USER,
  followOAuthLink,
  GONG_ADMIN,
  logCapture,
  startConnGateway,
  submitKeyForm,
  toolJson,
} from './helpers.ts';

/**
 * Seeds known secrets (OAuth app secrets, API token, access key secret; every token the emulators issue is
 * recorded), runs the connection flows including refreshes and a failed refresh, then looks for every one of them
 * in the logs (pino, debug level), the pages, the tool results and errors, the audit records, every table, and the
 * raw SQLite files: none may appear in plaintext.
 */
test('no secret appears in logs, pages, results, errors, audit records or the database', async () => {
  const capture = logCapture();
  const gw = await startConnGateway({ SWITCHBOARD_LOG_LEVEL: 'debug' }, capture.log);
  const seen: string[] = [];
  const secrets = new Set<string>([
    'conf-app-secret-8c1f2a9e7d3b',
    'gong-app-secret-4b7e9d1c0a2f',
    CONFLUENCE_DEMO_USER.apiToken,
    GONG_DEMO.accessKeySecret,
    'typo-api-token-5e8a1d2c9f7b',
  ]);
  try {
    const confluence = gw.gateway.emulators.get('confluence') as ConfluenceEmulator;
    const gong = gw.gateway.emulators.get('gong') as GongEmulator;
    const record = (r: TokenResponse) => {
      secrets.add(r.access_token);
      if (r.refresh_token) secrets.add(r.refresh_token);
      return r;
    };
    const exchange = confluence.oauth.exchangeCode.bind(confluence.oauth);
    confluence.oauth.exchangeCode = (client, input) => record(exchange(client, input));
    const refresh = confluence.oauth.refresh.bind(confluence.oauth);
    confluence.oauth.refresh = (client, token) => record(refresh(client, token));
    confluence.oauth.registerClient({
      clientId: 'conf-app',
      clientSecret: 'conf-app-secret-8c1f2a9e7d3b',
      name: 'Seeded app',
      redirectUris: 'any',
    });
    gong.state.oauthClients.set('gong-app', {
      clientId: 'gong-app',
      clientSecret: 'gong-app-secret-4b7e9d1c0a2f',
      name: 'Seeded app',
      redirectUris: [],
      anyLoopbackRedirect: true,
      scopes: [...GONG_ALL_SCOPES],
    });
    const configs = gw.gateway.connections.authConfigs;
    const confApp = await configs.add({
      toolkit: 'confluence',
      scheme: 'oauth2',
      clientId: 'conf-app',
      clientSecret: 'conf-app-secret-8c1f2a9e7d3b',
      emulator: 'confluence',
    });
    const gongApp = await configs.add({
      toolkit: 'gong',
      scheme: 'oauth2',
      clientId: 'gong-app',
      clientSecret: 'gong-app-secret-4b7e9d1c0a2f',
      emulator: 'gong',
    });

    const alice = await gw.user('alice');
    const c = gw.gateway.connections;
    // OAuth connects.
    const l1 = await c.createConnectLink(alice.id, 'confluence', { authConfigId: confApp.id });
    seen.push((await followOAuthLink(alice.browser, l1.url, { auto_approve_as: CONFLUENCE_USER })).html);
    const l2 = await c.createConnectLink(alice.id, 'gong', { authConfigId: gongApp.id });
    seen.push((await followOAuthLink(alice.browser, l2.url, { approve_as: GONG_ADMIN })).html);
    // Tool calls, a refresh before expiry on each, then a failed refresh (reuse) on Gong.
    const expire = (id: string, ms: number) =>
      gw.gateway.store.db
        .updateTable('connected_accounts')
        .set({ expires_at: new Date(Date.now() + ms).toISOString() })
        .where('id', '=', id)
        .execute();
    const mc = await gw.mcp('/mcp/confluence', alice.key);
    const mg = await gw.mcp('/mcp/gong', alice.key);
    const call = async (client: typeof mc, name: string) => {
      const r = await client.callTool({ name, arguments: {} });
      seen.push(JSON.stringify(r));
      return r;
    };
    await call(mc, 'confluence_get_spaces');
    await expire(l1.connectionId, 1000);
    await call(mc, 'confluence_get_spaces');
    await call(mg, 'gong_list_users');
    await expire(l2.connectionId, 1000);
    await call(mg, 'gong_list_users');
    for (const t of gong.state.accessTokens.keys()) secrets.add(t);
    for (const t of gong.state.refreshTokens.keys()) secrets.add(t);
    for (const r of gong.state.refreshTokens.values()) r.used = true; // reuse elsewhere: the next refresh fails
    await expire(l2.connectionId, -1000);
    const failed = await call(mg, 'gong_list_users');
    assert.equal(toolJson(failed).error.code, 'connection_unusable');

    // API-key forms, one typo first.
    const bob = await gw.user('bob');
    const l3 = await c.createConnectLink(bob.id, 'confluence', { authConfigId: 'ac_demo_confluence_key' });
    seen.push(
      (
        await submitKeyForm(bob.browser, l3.url, {
          email: CONFLUENCE_DEMO_USER.email,
          apiToken: 'typo-api-token-5e8a1d2c9f7b',
        })
      ).html,
    );
    seen.push(
      (
        await submitKeyForm(bob.browser, l3.url, {
          email: CONFLUENCE_DEMO_USER.email,
          apiToken: CONFLUENCE_DEMO_USER.apiToken,
        })
      ).html,
    );
    const l4 = await c.createConnectLink(bob.id, 'gong', { authConfigId: 'ac_demo_gong_key' });
    seen.push(
      (
        await submitKeyForm(bob.browser, l4.url, {
          accessKey: GONG_DEMO.accessKey,
          accessKeySecret: GONG_DEMO.accessKeySecret,
        })
      ).html,
    );
    await call(await gw.mcp('/mcp/confluence', bob.key), 'confluence_get_spaces');
    seen.push(await (await alice.browser.get(`${gw.url}/connections`)).text());
    seen.push(await (await bob.browser.get(`${gw.url}/connections`)).text());
    assert.ok(secrets.size >= 12, `tokens were recorded (${secrets.size})`);

    // Where to look.
    const places: Record<string, string> = {
      logs: capture.text(),
      'pages and tool results': seen.join('\n'),
    };
    const db = gw.gateway.store.db;
    places.audit = JSON.stringify(await db.selectFrom('audit_events').selectAll().execute());
    for (const t of await db.introspection.getTables()) {
      places[`table ${t.name}`] = JSON.stringify(
        await (db as unknown as { selectFrom(t: string): { selectAll(): { execute(): Promise<unknown> } } })
          .selectFrom(t.name)
          .selectAll()
          .execute(),
      );
    }
    for (const f of readdirSync(gw.dataDir)) {
      if (f.startsWith('switchboard.db'))
        places[`file ${f}`] = readFileSync(path.join(gw.dataDir, f)).toString('latin1');
    }
    assert.ok(places.logs!.includes('connection_refreshed'), 'the logs did record the refreshes');
    for (const [where, text] of Object.entries(places)) {
      for (const secret of secrets) {
        assert.ok(!text.includes(secret), `a secret (${secret.slice(0, 4)}…) appears in ${where}`);
      }
    }
  } finally {
    await gw.close();
  }
});
