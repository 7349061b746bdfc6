import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { loadConfig } from '../../src/config/index.ts';
import { CONFLUENCE_DEMO_USER } from '../../src/emulators/confluence/seed.ts';
import { createApiKey, ensureUser } from '../../src/identity/index.ts';
import { type Gateway, startGateway } from '../../src/server/gateway.ts';
import { now } from '../../src/store/db.ts';
import { createLogger } from '../../src/util/log.ts';
import { assertEmulatorContracts } from './contract.ts';
import { tempDir } from './tmp.ts';

export interface TestGateway {
  gateway: Gateway;
  url: string;
  /** An API key of the seeded `demo` user (connected to every emulator). */
  key: string;
  connect(path: string, key?: string): Promise<Client>;
  close(): Promise<void>;
}

/** Starts the real gateway in demo mode on a free loopback port, with its own data folder. */
export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const tmp = tempDir('sb-e2e-');
  const config = loadConfig({
    SWITCHBOARD_DATA_DIR: tmp.dir,
    SWITCHBOARD_PORT: '0',
    SWITCHBOARD_DEMO: 'true',
    SWITCHBOARD_LOG_LEVEL: 'silent',
    SWITCHBOARD_MAX_RETRY_AFTER_MS: '3000',
    ...env,
  });
  const gateway = await startGateway(config, createLogger(config.logLevel));
  // Every exchange with the emulators is recorded; close() checks the Confluence and Gong traffic against their
  // OpenAPI documents.
  for (const emulator of gateway.emulators.values()) emulator.traffic?.enable();
  const { user } = await ensureUser(gateway.store.db, 'demo');
  const { key } = await createApiKey(gateway.store.db, user.id);
  const clients: Client[] = [];
  return {
    gateway,
    url: gateway.url,
    key,
    async connect(path, withKey = key) {
      const client = new Client({ name: 'switchboard-e2e', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}${path}`), {
        requestInit: { headers: { Authorization: `Bearer ${withKey}` } },
      });
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    /**
     * Stops everything, then throws one `ContractError` listing every mismatch if the Confluence or the Gong
     * emulator's traffic broke its OpenAPI document.
     */
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await gateway.close();
      tmp.remove();
      const traffic = [...gateway.emulators.entries()].flatMap(([name, emulator]) =>
        emulator.traffic ? [{ emulator: name, exchanges: emulator.traffic.take() }] : [],
      );
      assertEmulatorContracts(traffic, 'Emulator traffic of this test file');
    },
  };
}

/** The parsed JSON of a tool result's text content. */
// biome-ignore lint/suspicious/noExplicitAny: tests read deep into upstream-shaped JSON; assertions check it.
export function resultJson(result: unknown): any {
  const content = (result as { content: { type: string; text: string }[] }).content;
  return JSON.parse(content[0]!.text);
}

/**
 * Gives `userId` a Confluence connection (the demo account's credentials) whose upstream is `baseUrl`: a proxy in
 * front of the emulator, or a fake server, for tests that watch or hold the gateway's upstream requests.
 */
export async function connectConfluenceVia(gw: TestGateway, userId: string, baseUrl: string, name: string) {
  const ts = now();
  const id = `ac_test_${name}`;
  await gw.gateway.store.db
    .insertInto('auth_configs')
    .values({
      id,
      toolkit: 'confluence',
      name: `Confluence via ${name} (test)`,
      scheme: 'api_token',
      is_builtin: 0,
      owner_user_id: null,
      settings: '{}',
      secrets_enc: null,
      created_at: ts,
      updated_at: ts,
    })
    .execute();
  await gw.gateway.connections.create({
    userId,
    toolkit: 'confluence',
    authConfigId: id,
    alias: name,
    credentials: { type: 'basic', username: CONFLUENCE_DEMO_USER.email, password: CONFLUENCE_DEMO_USER.apiToken },
    metadata: { baseUrl },
  });
}
