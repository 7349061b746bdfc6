import type { Db } from '../store/db.ts';
import { now } from '../store/db.ts';
import { GatewayError } from '../util/errors.ts';
import { prefixedId } from '../util/ids.ts';
import type { Vault } from '../vault/index.ts';

/**
 * Connections, first form: auth configs (which app and scheme a connection uses) and connected accounts
 * (user x toolkit, several per toolkit with an alias and a default). Issue 6 adds upstream OAuth, connect
 * links and refresh on top of these same tables.
 */
export type Credentials =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'header'; name: string; value: string };

export type ConnectionStatus = 'initiated' | 'active' | 'expired' | 'failed' | 'revoked';

export interface ResolvedConnection {
  id: string;
  toolkit: string;
  alias: string;
  baseUrl: string;
  credentials: Credentials;
}

export interface ConnectionSummary {
  id: string;
  toolkit: string;
  alias: string;
  isDefault: boolean;
  status: ConnectionStatus;
  statusReason: string | null;
  authConfig: string;
  createdAt: string;
}

/** Built-in auth configs: the demo ones point at the local emulators, whose URL is only known at run time. */
export const DEMO_AUTH_CONFIG = (toolkit: string): string => `ac_demo_${toolkit}`;

const CREDENTIALS_BINDING = (rowId: string) => ({ table: 'connected_accounts', column: 'credentials_enc', rowId });

export interface ConnectionsDeps {
  db: Db;
  vault: Vault;
  /** Base URL of a toolkit's demo emulator, when this process serves the emulators. */
  emulatorBaseUrl?: (toolkit: string) => string | undefined;
}

export function createConnections(deps: ConnectionsDeps) {
  const { db, vault } = deps;

  async function ensureDemoAuthConfig(toolkit: string): Promise<string> {
    const id = DEMO_AUTH_CONFIG(toolkit);
    const ts = now();
    await db
      .insertInto('auth_configs')
      .values({
        id,
        toolkit,
        name: `${toolkit} (demo)`,
        scheme: 'demo',
        is_builtin: 1,
        settings: JSON.stringify({ emulator: toolkit }),
        secrets_enc: null,
        created_at: ts,
        updated_at: ts,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return id;
  }

  /**
   * Stores an active connection with its credentials encrypted and bound to the new row. The first
   * connection of a user for a toolkit becomes the default.
   */
  async function create(input: {
    userId: string;
    toolkit: string;
    authConfigId: string;
    alias: string;
    credentials: Credentials;
    metadata?: Record<string, unknown>;
  }): Promise<ConnectionSummary> {
    const id = prefixedId('conn');
    const ts = now();
    return db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('connected_accounts')
        .select(['id', 'alias'])
        .where('user_id', '=', input.userId)
        .where('toolkit', '=', input.toolkit)
        .where('status', '!=', 'revoked')
        .execute();
      if (existing.some((e) => e.alias === input.alias)) {
        throw new GatewayError('conflict', `a ${input.toolkit} connection named "${input.alias}" already exists`);
      }
      await trx
        .insertInto('connected_accounts')
        .values({
          id,
          user_id: input.userId,
          toolkit: input.toolkit,
          auth_config_id: input.authConfigId,
          alias: input.alias,
          is_default: existing.length === 0 ? 1 : 0,
          status: 'active',
          status_reason: null,
          credentials_enc: vault.encryptJson(input.credentials, CREDENTIALS_BINDING(id)),
          metadata: JSON.stringify(input.metadata ?? {}),
          expires_at: null,
          created_at: ts,
          updated_at: ts,
        })
        .execute();
      return {
        id,
        toolkit: input.toolkit,
        alias: input.alias,
        isDefault: existing.length === 0,
        status: 'active' as const,
        statusReason: null,
        authConfig: input.authConfigId,
        createdAt: ts,
      };
    });
  }

  async function list(userId: string): Promise<ConnectionSummary[]> {
    const rows = await db
      .selectFrom('connected_accounts')
      .select(['id', 'toolkit', 'alias', 'is_default', 'status', 'status_reason', 'auth_config_id', 'created_at'])
      .where('user_id', '=', userId)
      .orderBy('toolkit')
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      toolkit: r.toolkit,
      alias: r.alias,
      isDefault: r.is_default === 1,
      status: r.status as ConnectionStatus,
      statusReason: r.status_reason,
      authConfig: r.auth_config_id,
      createdAt: r.created_at,
    }));
  }

  /**
   * The connection a call of `userId` to `toolkit` uses: the named alias, else the default, else the only
   * active one. Only ever this user's rows: there is no fallback to anybody else's credentials.
   */
  async function resolve(userId: string, toolkit: string, alias?: string): Promise<ResolvedConnection> {
    let q = db
      .selectFrom('connected_accounts')
      .innerJoin('auth_configs', 'auth_configs.id', 'connected_accounts.auth_config_id')
      .select([
        'connected_accounts.id as id',
        'connected_accounts.alias as alias',
        'connected_accounts.is_default as is_default',
        'connected_accounts.status as status',
        'connected_accounts.status_reason as status_reason',
        'connected_accounts.credentials_enc as credentials_enc',
        'connected_accounts.metadata as metadata',
        'auth_configs.scheme as scheme',
        'auth_configs.settings as settings',
      ])
      .where('connected_accounts.user_id', '=', userId)
      .where('connected_accounts.toolkit', '=', toolkit)
      .where('connected_accounts.status', '!=', 'revoked');
    if (alias) q = q.where('connected_accounts.alias', '=', alias);
    const rows = await q
      .orderBy('connected_accounts.is_default', 'desc')
      .orderBy('connected_accounts.created_at')
      .execute();
    const row = rows.find((r) => r.status === 'active') ?? rows[0];
    if (!row) {
      throw new GatewayError(
        'not_connected',
        `no ${toolkit} account is connected for this user${alias ? ` under the alias "${alias}"` : ''}`,
        { toolkit },
      );
    }
    if (row.status !== 'active') {
      throw new GatewayError(
        'connection_unusable',
        `the ${toolkit} connection "${row.alias}" is ${row.status}${row.status_reason ? ` (${row.status_reason})` : ''}: reconnect it`,
        { toolkit, status: row.status },
      );
    }
    const metadata = JSON.parse(row.metadata) as { baseUrl?: string };
    let baseUrl = metadata.baseUrl;
    if (row.scheme === 'demo') {
      baseUrl = deps.emulatorBaseUrl?.(toolkit);
      if (!baseUrl) {
        throw new GatewayError(
          'connection_unusable',
          `the ${toolkit} connection "${row.alias}" is a demo connection, and this gateway is not serving the demo emulators (start it with --demo)`,
          { toolkit },
        );
      }
    }
    if (!baseUrl || !row.credentials_enc) {
      throw new GatewayError(
        'connection_unusable',
        `the ${toolkit} connection "${row.alias}" is incomplete: reconnect it`,
      );
    }
    const credentials = vault.decryptJson<Credentials>(row.credentials_enc, CREDENTIALS_BINDING(row.id));
    return { id: row.id, toolkit, alias: row.alias, baseUrl, credentials };
  }

  async function remove(userId: string, connectionId: string): Promise<boolean> {
    // Revocation wipes the secret at once; the row stays for the audit trail.
    const r = await db
      .updateTable('connected_accounts')
      .set({ status: 'revoked', status_reason: 'removed by the user', credentials_enc: null, updated_at: now() })
      .where('id', '=', connectionId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  return { ensureDemoAuthConfig, create, list, resolve, remove };
}

export type Connections = ReturnType<typeof createConnections>;
