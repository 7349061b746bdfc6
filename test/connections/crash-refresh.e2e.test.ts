import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Hono } from 'hono';
import {
  type Connections,
  CREDENTIALS_BINDING,
  createConnections,
  type OAuthCredentials,
} from '../../src/connections/index.ts';
import { CONFLUENCE_DEMO_OAUTH_CLIENT } from '../../src/emulators/confluence/index.ts';
import { GONG_DEMO } from '../../src/emulators/gong/index.ts';
import { createApiKey, ensureUser } from '../../src/identity/index.ts';
import { setPassword } from '../../src/identity/passwords.ts';
import { createEmulators } from '../../src/server/emulators.ts';
import { migrate, openStore, type Store } from '../../src/store/db.ts';
import { createVault, Keyring, type Vault } from '../../src/vault/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { Browser, signIn } from '../oauth/helpers.ts';
import { CONFLUENCE_USER, followOAuthLink, GONG_ADMIN, PASSWORD, toolJson } from './helpers.ts';

/**
 * SIGKILL in the middle of a refresh. The gateway runs as a child process (SQLite), the upstream (emulators behind a
 * proxy that can hold the token endpoint) in this test process, so the upstream outlives the gateway.
 *
 * What happens (docs/connections.md, "Crashes during a refresh"): the new token pair is written with one UPDATE, so
 * the store holds either the old pair or the new one, never half. Killed before the provider answered, the old pair
 * is stored and still valid. Killed after the provider rotated but before the commit, the old pair is stored and the
 * provider has moved on: Atlassian accepts the old refresh token again within its 10-minute leeway (so the connection
 * recovers); Gong's refresh tokens are strictly single use, so the connection ends `expired` with a reconnect link.
 * The SQLite refresh lease of the killed process is taken over at once (its pid is gone).
 */
const bin = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));

type Hold = 'off' | 'before-upstream' | 'after-upstream';

describe('a gateway killed during a refresh', () => {
  const tmp = tempDir('sb-crash-');
  const keys = Keyring.generateSpec('k1');
  let hold: Hold = 'off';
  let arrived: (() => void) | undefined;
  let proxyUrl = '';
  let closeProxy: () => void;
  let store: Store;
  let vault: Vault;
  let connections: Connections;
  let port = 0;
  let child: ChildProcess | undefined;
  let gatewayUrl = '';
  const emulators = createEmulators(true);

  before(async () => {
    // The upstream: the emulators, with the token endpoints able to hang before or after the provider's work.
    const app = new Hono();
    app.use('*', async (c, next) => {
      const isToken = /\/oauth\/token$|\/oauth2\/generate-customer-token$/.test(c.req.path);
      const body = isToken ? await c.req.raw.clone().text() : '';
      if (!isToken || hold === 'off' || !body.includes('refresh_token')) return next();
      if (hold === 'after-upstream') await next();
      arrived?.();
      await new Promise(() => undefined); // never answers: the gateway is killed meanwhile
    });
    for (const e of emulators.values()) app.route('/', e.app);
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    proxyUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    closeProxy = () => {
      (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      server.close();
    };
    port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    store = openStore({ dataDir: tmp.dir });
    await migrate(store);
    vault = createVault(Keyring.parse(keys));
    connections = createConnections({ db: store.db, vault, publicUrl: () => gatewayUrl });
  });
  after(async () => {
    child?.kill('SIGKILL');
    closeProxy();
    await store.close();
    tmp.remove();
  });

  async function startChild(): Promise<void> {
    child = spawn(process.execPath, [bin, 'serve', '--port', String(port)], {
      env: {
        ...process.env,
        SWITCHBOARD_DATA_DIR: tmp.dir,
        SWITCHBOARD_ENCRYPTION_KEYS: keys,
        SWITCHBOARD_LOG_LEVEL: 'info',
        SWITCHBOARD_DEMO: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (d: Buffer) => {
        out += d.toString();
        if (out.includes('"msg":"listening"')) {
          child!.stdout!.off('data', onData);
          resolve();
        }
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child!.once('exit', (code) => reject(new Error(`gateway exited (${code}):\n${out}`)));
    });
    child.stdout!.resume();
  }

  async function kill(): Promise<void> {
    const c = child!;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGKILL');
    await exited;
    child = undefined;
  }

  async function mcpCall(key: string, toolkit: string, tool: string) {
    const client = new Client({ name: 'crash-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${gatewayUrl}/mcp/${toolkit}`), {
        requestInit: { headers: { Authorization: `Bearer ${key}` } },
      }),
    );
    try {
      return await client.callTool({ name: tool, arguments: {} });
    } finally {
      await client.close().catch(() => undefined);
    }
  }

  async function setup(name: string, toolkit: 'confluence' | 'gong') {
    const { user } = await ensureUser(store.db, name);
    await setPassword(store.db, user.id, PASSWORD);
    const { key } = await createApiKey(store.db, user.id);
    const base = `${proxyUrl}/emulators/${toolkit}`;
    const config =
      toolkit === 'confluence'
        ? await connections.authConfigs.add({
            toolkit,
            scheme: 'oauth2',
            clientId: CONFLUENCE_DEMO_OAUTH_CLIENT.clientId,
            clientSecret: CONFLUENCE_DEMO_OAUTH_CLIENT.clientSecret,
            endpoints: {
              authorize: `${base}/oauth/authorize`,
              token: `${base}/oauth/token`,
              resources: `${base}/oauth/token/accessible-resources`,
              apiBase: `${base}/ex/confluence/{cloudId}`,
            },
            ownerUserId: user.id,
          })
        : await connections.authConfigs.add({
            toolkit,
            scheme: 'oauth2',
            clientId: GONG_DEMO.oauthClient.clientId,
            clientSecret: GONG_DEMO.oauthClient.clientSecret,
            endpoints: { authorize: `${base}/oauth2/authorize`, token: `${base}/oauth2/generate-customer-token` },
            ownerUserId: user.id,
          });
    const browser = new Browser();
    await signIn(browser, gatewayUrl, name, PASSWORD);
    const link = await connections.createConnectLink(user.id, toolkit, { authConfigId: config.id });
    const done = await followOAuthLink(
      browser,
      link.url,
      toolkit === 'confluence' ? { auto_approve_as: CONFLUENCE_USER } : { approve_as: GONG_ADMIN },
    );
    assert.equal(done.status, 200, done.html);
    return { key, id: link.connectionId };
  }

  const stored = async (id: string) => {
    const row = await store.db
      .selectFrom('connected_accounts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const creds = row.credentials_enc
      ? vault.decryptJson<OAuthCredentials>(row.credentials_enc, CREDENTIALS_BINDING(id))
      : undefined;
    return { row, creds };
  };

  async function killDuringRefresh(key: string, id: string, toolkit: string, tool: string, mode: Hold) {
    await store.db
      .updateTable('connected_accounts')
      .set({ expires_at: new Date(Date.now() + 10_000).toISOString() })
      .where('id', '=', id)
      .execute();
    hold = mode;
    const reached = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const pending = mcpCall(key, toolkit, tool).catch(() => undefined);
    await reached;
    await kill();
    await pending;
    hold = 'off';
    await startChild();
  }

  test('Confluence, killed before the provider answered: the old pair is still valid', async () => {
    await startChild();
    const { key, id } = await setup('alice', 'confluence');
    const before = (await stored(id)).creds!;
    await killDuringRefresh(key, id, 'confluence', 'confluence_get_spaces', 'before-upstream');
    assert.equal((await stored(id)).creds!.refreshToken, before.refreshToken, 'nothing half-written');
    const r = await mcpCall(key, 'confluence', 'confluence_get_spaces');
    assert.equal(r.isError, undefined, JSON.stringify(r));
    const after = await stored(id);
    assert.equal(after.row.status, 'active');
    assert.notEqual(after.creds!.refreshToken, before.refreshToken, 'refreshed after the restart');
  });

  test('Confluence, killed after the provider rotated: the leeway lets the old refresh token work once more', async () => {
    const { key, id } = await setup('bob', 'confluence');
    const before = (await stored(id)).creds!;
    await killDuringRefresh(key, id, 'confluence', 'confluence_get_spaces', 'after-upstream');
    assert.equal(
      (await stored(id)).creds!.refreshToken,
      before.refreshToken,
      'the rotated pair never reached the store',
    );
    const r = await mcpCall(key, 'confluence', 'confluence_get_spaces');
    assert.equal(r.isError, undefined, JSON.stringify(r));
    assert.equal((await stored(id)).row.status, 'active');
  });

  test('Gong, killed after the provider rotated: single-use refresh tokens end as expired with a reconnect link', async () => {
    const { key, id } = await setup('carol', 'gong');
    await killDuringRefresh(key, id, 'gong', 'gong_list_users', 'after-upstream');
    // The access token may still be valid; once it is not, the refresh fails for good.
    await store.db
      .updateTable('connected_accounts')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', id)
      .execute();
    const r = await mcpCall(key, 'gong', 'gong_list_users');
    assert.equal(r.isError, true);
    const error = toolJson(r).error;
    assert.equal(error.code, 'connection_unusable');
    assert.match(error.connect_url, /\/connections\/link\//);
    assert.equal((await stored(id)).row.status, 'expired');
  });

  test('Gong, killed before the provider answered: the connection still works after the restart', async () => {
    const { key, id } = await setup('dave', 'gong');
    await killDuringRefresh(key, id, 'gong', 'gong_list_users', 'before-upstream');
    const r = await mcpCall(key, 'gong', 'gong_list_users');
    assert.equal(r.isError, undefined, JSON.stringify(r));
    assert.equal((await stored(id)).row.status, 'active');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}
