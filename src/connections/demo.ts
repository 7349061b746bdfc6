import { CONFLUENCE_DEMO_OAUTH_CLIENT, CONFLUENCE_DEMO_USER } from '../emulators/confluence/index.ts';
import { GONG_ALL_SCOPES, GONG_DEMO } from '../emulators/gong/index.ts';
import { ensureUser } from '../identity/index.ts';
import type { Db } from '../store/db.ts';
import { GatewayError } from '../util/errors.ts';
import type { ConnectionSummary, Connections, Credentials } from './index.ts';
import { PROVIDERS } from './providers.ts';

/** Credentials of each emulator's seeded account: what a demo connection stores (encrypted, like any other). */
const DEMO_CREDENTIALS: Record<string, Credentials> = {
  confluence: { type: 'basic', username: CONFLUENCE_DEMO_USER.email, password: CONFLUENCE_DEMO_USER.apiToken },
  gong: { type: 'basic', username: GONG_DEMO.accessKey, password: GONG_DEMO.accessKeySecret },
};

export const DEMO_TOOLKITS = Object.keys(DEMO_CREDENTIALS);

/** Connects `userId` to the demo account of `toolkit`'s emulator (idempotent: an existing one is returned). */
export async function connectDemo(
  connections: Connections,
  userId: string,
  toolkit: string,
): Promise<ConnectionSummary> {
  const credentials = DEMO_CREDENTIALS[toolkit];
  if (!credentials) {
    throw new GatewayError('not_found', `no demo account for "${toolkit}"; demo toolkits: ${DEMO_TOOLKITS.join(', ')}`);
  }
  const existing = (await connections.list(userId)).find(
    (c) => c.toolkit === toolkit && c.alias === 'demo' && c.status !== 'revoked',
  );
  if (existing) return existing;
  const authConfigId = await connections.ensureDemoAuthConfig(toolkit);
  return connections.create({ userId, toolkit, authConfigId, alias: 'demo', credentials });
}

/**
 * The built-in demo auth configs (demo mode): besides the fixed demo accounts, the emulators' demo OAuth apps and
 * API-key forms, so the full connect flows (consent, callback, refresh) run against the emulators.
 */
export async function ensureDemoAuthConfigs(connections: Connections): Promise<void> {
  for (const toolkit of DEMO_TOOLKITS) await connections.ensureDemoAuthConfig(toolkit);
  await connections.authConfigs.ensureDemoConfigs({
    confluence: {
      clientId: CONFLUENCE_DEMO_OAUTH_CLIENT.clientId,
      clientSecret: CONFLUENCE_DEMO_OAUTH_CLIENT.clientSecret,
      scopes: PROVIDERS.atlassian.defaultScopes(),
    },
    gong: {
      clientId: GONG_DEMO.oauthClient.clientId,
      clientSecret: GONG_DEMO.oauthClient.clientSecret,
      scopes: [...GONG_ALL_SCOPES],
    },
  });
}

/** Demo mode: a `demo` user connected to every emulator, so a new key works at once. */
export async function ensureDemoData(deps: { db: Db; connections: Connections }): Promise<void> {
  await ensureDemoAuthConfigs(deps.connections);
  const { user } = await ensureUser(deps.db, 'demo');
  for (const toolkit of DEMO_TOOLKITS) await connectDemo(deps.connections, user.id, toolkit);
}
