import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { CONFLUENCE_DEMO_OAUTH_CLIENT, type ConfluenceEmulator } from '../../src/emulators/confluence/index.ts';
import { startEmulatorServer } from '../../src/server/emulator-server.ts';
import { Keyring } from '../../src/vault/keyring.ts';
import { postgresSkip, postgresUrl } from '../helpers/stores.ts';
import { CONFLUENCE_USER, followOAuthLink, startConnGateway } from './helpers.ts';

/**
 * Two gateway processes (two instances with their own pools, locks and caches; one test process) on one Postgres
 * schema, one upstream (an emulator served by the test, as a real provider would be): 50 concurrent calls split
 * across both while the token is expiring refresh it exactly once (pg_advisory_xact_lock + re-check).
 */
test('two gateways sharing Postgres refresh an expiring token exactly once', { skip: postgresSkip }, async () => {
  const upstream = await startEmulatorServer('127.0.0.1', 0);
  const emulator = upstream.emulators.get('confluence') as ConfluenceEmulator;
  let refreshes = 0;
  const original = emulator.oauth.refresh.bind(emulator.oauth);
  emulator.oauth.refresh = (client, token) => {
    refreshes++;
    return original(client, token);
  };
  const schema = `sb_conn_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const url = new URL(postgresUrl!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const env = {
    DATABASE_URL: url.toString(),
    SWITCHBOARD_DEMO: 'false',
    SWITCHBOARD_ENCRYPTION_KEYS: Keyring.generateSpec('k1'),
  };
  const a = await startConnGateway(env);
  const b = await startConnGateway(env);
  try {
    const base = upstream.urls.get('confluence')!;
    const config = await a.gateway.connections.authConfigs.add({
      toolkit: 'confluence',
      scheme: 'oauth2',
      name: 'Atlassian app (emulated upstream)',
      clientId: CONFLUENCE_DEMO_OAUTH_CLIENT.clientId,
      clientSecret: CONFLUENCE_DEMO_OAUTH_CLIENT.clientSecret,
      endpoints: {
        authorize: `${base}/oauth/authorize`,
        token: `${base}/oauth/token`,
        resources: `${base}/oauth/token/accessible-resources`,
        apiBase: `${base}/ex/confluence/{cloudId}`,
      },
    });
    const alice = await a.user('alice');
    const link = await a.gateway.connections.createConnectLink(alice.id, 'confluence', { authConfigId: config.id });
    const done = await followOAuthLink(alice.browser, link.url, { auto_approve_as: CONFLUENCE_USER });
    assert.equal(done.status, 200, done.html);
    // Gateway B sees the same connection.
    assert.equal((await b.gateway.connections.get(alice.id, link.connectionId))?.status, 'active');

    await a.gateway.store.db
      .updateTable('connected_accounts')
      .set({ expires_at: new Date(Date.now() + 30_000).toISOString() })
      .where('id', '=', link.connectionId)
      .execute();
    refreshes = 0;
    const ca = await a.mcp('/mcp/confluence', alice.key);
    const cb = await b.mcp('/mcp/confluence', alice.key);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? cb : ca).callTool({ name: 'confluence_get_spaces', arguments: {} }),
      ),
    );
    for (const r of results) assert.equal(r.isError, undefined, JSON.stringify(r));
    assert.equal(refreshes, 1, 'one refresh across both gateways');
  } finally {
    await a.close();
    await b.close();
    await upstream.close();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
});
