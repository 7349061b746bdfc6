import { setTimeout as sleep } from 'node:timers/promises';
import { randomSecret, safeEqual, sha256 } from '../identity/secrets.ts';
import type { Db, Dialect } from '../store/db.ts';
import { now } from '../store/db.ts';
import { GatewayError } from '../util/errors.ts';
import { prefixedId } from '../util/ids.ts';
import type { Logger } from '../util/log.ts';
import type { Vault } from '../vault/index.ts';
import { type AuthConfig, type AuthConfigs, createAuthConfigs, type OAuthSettings } from './auth-configs.ts';
import { createRefreshLock, type LockedDb, type RefreshLock } from './lock.ts';
import { type OAuthApp, type OAuthFailure, refreshTokens, toFailure } from './oauth-client.ts';
import { provider } from './providers.ts';

/**
 * Connections: auth configs (which app and scheme a connection uses, `auth-configs.ts`) and connected accounts
 * (user x toolkit, several per toolkit with an alias and a default), connect links, and the refresh of OAuth tokens
 * under a per-connection lock. The browser side of connecting (link page, upstream consent, callback, API-key form)
 * is in `flows.ts`; the pages in `web/connections.ts`.
 *
 * Isolation: every query here that reads or changes a connection on behalf of a user filters on that user's id.
 * There is no code path that picks "any valid token" of a toolkit (IBM ContextForge #1078 ran user A's calls with
 * user B's grant that way).
 */
export type Credentials =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'header'; name: string; value: string };

/** What an OAuth connection stores (encrypted): the executor only ever sees the bearer token. */
export interface OAuthCredentials {
  type: 'oauth2';
  accessToken: string;
  refreshToken?: string;
  expiresAt?: string;
  scope?: string;
}

export type StoredCredentials = Credentials | OAuthCredentials;

export type ConnectionStatus = 'initiated' | 'active' | 'expired' | 'failed' | 'revoked';

export interface ResolvedConnection {
  id: string;
  userId: string;
  toolkit: string;
  alias: string;
  baseUrl: string;
  credentials: Credentials;
  /** An OAuth connection with a refresh token: a 401 is worth one refresh and retry. */
  refreshable: boolean;
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
  /** Who the upstream account is, when known (email, site). Never a secret. */
  account?: string;
  /** When the access token expires (OAuth). */
  expiresAt?: string | null;
}

/** Non-secret facts about a connection, stored as JSON. */
export interface ConnectionMetadata {
  /** The absolute API base. */
  baseUrl?: string;
  /** The API base relative to the local emulator of the toolkit (demo configs: the port changes between runs). */
  emulatorPath?: string;
  cloudId?: string;
  siteName?: string;
  siteUrl?: string;
  account?: string;
  /** Atlassian grants that reach several sites: the choices offered, until the user picks one. */
  sites?: { id: string; name: string; url: string }[];
}

export interface ConnectLink {
  url: string;
  expiresAt: string;
  connectionId: string;
  alias: string;
}

/** Connect links live 10 minutes (the issue's requirement, and RFC 6749 §4.1.2's bound for codes). */
export const CONNECT_LINK_TTL_MS = 10 * 60_000;
/** Refresh this long before the access token expires (and, per request, on a 401). */
export const DEFAULT_REFRESH_SKEW_MS = 5 * 60_000;

/** Built-in auth configs: the demo ones point at the local emulators, whose URL is only known at run time. */
export const DEMO_AUTH_CONFIG = (toolkit: string): string => `ac_demo_${toolkit}`;

export const CREDENTIALS_BINDING = (rowId: string) => ({
  table: 'connected_accounts',
  column: 'credentials_enc',
  rowId,
});

export interface ConnectionsDeps {
  db: Db;
  vault: Vault;
  /** Store dialect: picks the cross-process refresh lock (default sqlite). */
  dialect?: Dialect;
  /** Base URL of a toolkit's demo emulator as this process reaches it, when it serves the emulators. */
  emulatorBaseUrl?: (toolkit: string) => string | undefined;
  /** The same emulator as a person's browser reaches it (the consent pages); default `emulatorBaseUrl`. */
  emulatorBrowserUrl?: (toolkit: string) => string | undefined;
  /** The gateway's public base URL: connect links and the OAuth redirect URI. */
  publicUrl?: () => string;
  log?: Logger;
  refreshSkewMs?: number;
  /** The fetch used for upstream OAuth and credential checks (tests). */
  fetch?: typeof fetch;
  /** Shared lock (tests start two gateways in one process and want them independent: default is per instance). */
  lock?: RefreshLock;
  /** Whether the built-in demo auth configs may be picked (default: when this process serves the emulators). */
  demoConfigs?: boolean;
}

type Row = {
  id: string;
  user_id: string;
  toolkit: string;
  alias: string;
  is_default: number;
  status: string;
  status_reason: string | null;
  credentials_enc: string | null;
  metadata: string;
  expires_at: string | null;
  auth_config_id: string;
  created_at: string;
  scheme: string;
  settings: string;
};

export function createConnections(deps: ConnectionsDeps) {
  const { db, vault } = deps;
  const authConfigs: AuthConfigs = createAuthConfigs({ db, vault });
  const lock = deps.lock ?? createRefreshLock({ db, dialect: deps.dialect ?? 'sqlite' });
  const skewMs = deps.refreshSkewMs ?? DEFAULT_REFRESH_SKEW_MS;
  const inflight = new Map<string, Promise<void>>();

  const selectRow = (q: LockedDb) =>
    q
      .selectFrom('connected_accounts')
      .innerJoin('auth_configs', 'auth_configs.id', 'connected_accounts.auth_config_id')
      .select([
        'connected_accounts.id as id',
        'connected_accounts.user_id as user_id',
        'connected_accounts.toolkit as toolkit',
        'connected_accounts.alias as alias',
        'connected_accounts.is_default as is_default',
        'connected_accounts.status as status',
        'connected_accounts.status_reason as status_reason',
        'connected_accounts.credentials_enc as credentials_enc',
        'connected_accounts.metadata as metadata',
        'connected_accounts.expires_at as expires_at',
        'connected_accounts.auth_config_id as auth_config_id',
        'connected_accounts.created_at as created_at',
        'auth_configs.scheme as scheme',
        'auth_configs.settings as settings',
      ]);

  const decrypt = (row: { id: string; credentials_enc: string | null }): StoredCredentials | undefined =>
    row.credentials_enc
      ? vault.decryptJson<StoredCredentials>(row.credentials_enc, CREDENTIALS_BINDING(row.id))
      : undefined;

  const encrypt = (connectionId: string, creds: StoredCredentials) =>
    vault.encryptJson(creds, CREDENTIALS_BINDING(connectionId));

  const summary = (r: Row): ConnectionSummary => {
    const md = JSON.parse(r.metadata) as ConnectionMetadata;
    const account = [md.account, md.siteName].filter(Boolean).join(' @ ');
    return {
      id: r.id,
      toolkit: r.toolkit,
      alias: r.alias,
      isDefault: r.is_default === 1,
      status: r.status as ConnectionStatus,
      statusReason: r.status_reason,
      authConfig: r.auth_config_id,
      createdAt: r.created_at,
      ...(account ? { account } : {}),
      ...(r.scheme === 'oauth2' ? { expiresAt: r.expires_at } : {}),
    };
  };

  function publicUrl(): string {
    if (!deps.publicUrl) throw new GatewayError('internal', "the gateway's public URL is not known here");
    return deps.publicUrl().replace(/\/+$/, '');
  }

  const demoAvailable = () => deps.demoConfigs ?? deps.emulatorBaseUrl?.('confluence') !== undefined;

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
        owner_user_id: null,
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
    credentials: StoredCredentials;
    metadata?: ConnectionMetadata;
    expiresAt?: string | null;
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
          credentials_enc: encrypt(id, input.credentials),
          metadata: JSON.stringify(input.metadata ?? {}),
          expires_at: input.expiresAt ?? null,
          created_at: ts,
          updated_at: ts,
          refresh_lease_owner: null,
          refresh_lease_until: null,
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

  /** A user's connections (revoked ones only when asked). Only ever this user's rows. */
  async function list(userId: string, opts: { includeRevoked?: boolean } = {}): Promise<ConnectionSummary[]> {
    let q = selectRow(db).where('connected_accounts.user_id', '=', userId);
    if (!opts.includeRevoked) q = q.where('connected_accounts.status', '!=', 'revoked');
    const rows = await q.orderBy('connected_accounts.toolkit').orderBy('connected_accounts.created_at').execute();
    return rows.map(summary);
  }

  /** One connection of this user (undefined for anybody else's: no existence oracle). */
  async function get(userId: string, connectionId: string): Promise<ConnectionSummary | undefined> {
    const row = await selectRow(db)
      .where('connected_accounts.id', '=', connectionId)
      .where('connected_accounts.user_id', '=', userId)
      .executeTakeFirst();
    return row ? summary(row) : undefined;
  }

  /** A link for the error a tool call returns, so the model can hand it to the user; best effort. */
  async function linkFor(userId: string, toolkit: string, connectionId?: string): Promise<ConnectLink | undefined> {
    if (!deps.publicUrl) return undefined;
    try {
      return connectionId ? await reconnect(userId, connectionId) : await createConnectLink(userId, toolkit);
    } catch {
      return undefined;
    }
  }

  const linkDetails = (link: ConnectLink | undefined) =>
    link ? { connect_url: link.url, connect_url_expires_at: link.expiresAt } : {};

  /**
   * The connection a call of `userId` to `toolkit` uses: the named alias, else the default, else the only active
   * one. Only ever this user's rows: there is no fallback to anybody else's credentials, nor to another of the
   * user's accounts when the default is unusable (that would write to an account the user did not choose).
   * An OAuth token near its expiry is refreshed first (under the connection's lock).
   */
  async function resolve(userId: string, toolkit: string, alias?: string): Promise<ResolvedConnection> {
    const pick = async () => {
      let q = selectRow(db)
        .where('connected_accounts.user_id', '=', userId)
        .where('connected_accounts.toolkit', '=', toolkit)
        .where('connected_accounts.status', '!=', 'revoked');
      if (alias) q = q.where('connected_accounts.alias', '=', alias);
      const rows = await q
        .orderBy('connected_accounts.is_default', 'desc')
        .orderBy('connected_accounts.created_at')
        .execute();
      const usable = rows.filter((r) => r.status !== 'initiated');
      const active = usable.filter((r) => r.status === 'active');
      return usable.find((r) => r.is_default === 1) ?? (active.length === 1 ? active[0] : undefined) ?? usable[0];
    };
    let row = await pick();
    if (!row) {
      const link = alias ? undefined : await linkFor(userId, toolkit);
      throw new GatewayError(
        'not_connected',
        `no ${toolkit} account is connected for this user${alias ? ` under the alias "${alias}"` : ''}${
          link ? `: the user must connect one by opening ${link.url} (valid 10 minutes)` : ''
        }`,
        { toolkit, ...linkDetails(link) },
      );
    }
    if (row.status === 'active' && needsRefresh(row)) {
      await refreshExpiring(row.id);
      row = (await selectRow(db).where('connected_accounts.id', '=', row.id).executeTakeFirst()) ?? row;
    }
    return toResolved(row);
  }

  async function toResolved(row: Row): Promise<ResolvedConnection> {
    if (row.status !== 'active') {
      const link = await linkFor(row.user_id, row.toolkit, row.id);
      throw new GatewayError(
        'connection_unusable',
        `the ${row.toolkit} connection "${row.alias}" is ${row.status}${row.status_reason ? ` (${row.status_reason})` : ''}: the user must reconnect it${
          link ? ` by opening ${link.url} (valid 10 minutes)` : ''
        }`,
        { toolkit: row.toolkit, status: row.status, ...linkDetails(link) },
      );
    }
    const baseUrl = baseUrlOf(row);
    const stored = decrypt(row);
    if (!baseUrl || !stored) {
      throw new GatewayError(
        'connection_unusable',
        `the ${row.toolkit} connection "${row.alias}" is incomplete: reconnect it`,
        { toolkit: row.toolkit },
      );
    }
    const credentials: Credentials =
      stored.type === 'oauth2' ? { type: 'bearer', token: stored.accessToken } : (stored as Credentials);
    return {
      id: row.id,
      userId: row.user_id,
      toolkit: row.toolkit,
      alias: row.alias,
      baseUrl,
      credentials,
      refreshable: stored.type === 'oauth2' && !!stored.refreshToken,
    };
  }

  function baseUrlOf(row: Row): string | undefined {
    const md = JSON.parse(row.metadata) as ConnectionMetadata;
    const settings = JSON.parse(row.settings) as { emulator?: string };
    if (row.scheme === 'demo' || md.emulatorPath !== undefined || settings.emulator) {
      const base = deps.emulatorBaseUrl?.(row.toolkit);
      if (!base) {
        throw new GatewayError(
          'connection_unusable',
          `the ${row.toolkit} connection "${row.alias}" is a demo connection, and this gateway is not serving the demo emulators (start it with --demo)`,
          { toolkit: row.toolkit },
        );
      }
      return base + (md.emulatorPath ?? '');
    }
    return md.baseUrl;
  }

  function needsRefresh(row: { scheme: string; expires_at: string | null }): boolean {
    return row.scheme === 'oauth2' && row.expires_at !== null && Date.parse(row.expires_at) - skewMs <= Date.now();
  }

  /** The OAuth app (client id, secret, endpoints) of an auth config, with emulator URLs filled in. */
  async function oauthApp(config: AuthConfig): Promise<OAuthApp> {
    const s = config.settings as unknown as OAuthSettings;
    const p = provider(s.provider);
    let endpoints = p.endpoints;
    if (s.emulator) {
      const server = deps.emulatorBaseUrl?.(s.emulator);
      if (!server) {
        throw new GatewayError(
          'connection_unusable',
          `"${config.name}" is the demo OAuth app of the ${s.emulator} emulator, which this gateway does not serve (start it with --demo)`,
          { toolkit: config.toolkit },
        );
      }
      endpoints = p.emulatorEndpoints(deps.emulatorBrowserUrl?.(s.emulator) ?? server, server);
    }
    endpoints = { ...endpoints, ...s.endpoints };
    const { clientSecret } = await authConfigs.secrets(config.id);
    if (!clientSecret) throw new GatewayError('connection_unusable', `auth config "${config.id}" has no client secret`);
    return { provider: p, clientId: s.clientId, clientSecret, scopes: s.scopes, endpoints };
  }

  /** Refresh before expiry; concurrent callers of this process share one attempt (then re-read the row). */
  function refreshExpiring(connectionId: string): Promise<void> {
    let running = inflight.get(connectionId);
    if (!running) {
      running = prepareRefresh(connectionId)
        .then((app) => lock.run(connectionId, (q) => refreshLocked(q, connectionId, app, { mode: 'expiring' })))
        .finally(() => inflight.delete(connectionId));
      inflight.set(connectionId, running);
    }
    return running;
  }

  /**
   * The refresh itself, run under the connection's lock. It re-reads the row first: another holder of the lock
   * (this process or another) may have refreshed already, and its refresh token is now the only valid one.
   * The new token pair is written with one UPDATE (atomic), compare-and-set on the ciphertext read under the lock so
   * a reconnect that replaced the credentials meanwhile is never overwritten.
   */
  /**
   * The OAuth app of a connection, read before the lock is taken: on Postgres the lock holds a pooled connection for
   * its transaction, and reads through the pool from inside it could exhaust the pool when many connections refresh
   * at once (each holder waiting for a second connection).
   */
  async function prepareRefresh(connectionId: string): Promise<{ configId: string; app: OAuthApp } | undefined> {
    const row = await db
      .selectFrom('connected_accounts')
      .select(['auth_config_id'])
      .where('id', '=', connectionId)
      .executeTakeFirst();
    const config = row ? await authConfigs.get(row.auth_config_id) : undefined;
    if (config?.scheme !== 'oauth2') return undefined;
    return { configId: config.id, app: await oauthApp(config) };
  }

  async function refreshLocked(
    q: LockedDb,
    connectionId: string,
    prepared: { configId: string; app: OAuthApp } | undefined,
    opts: { mode: 'expiring' } | { mode: 'unauthorized'; staleAccessToken: string },
  ): Promise<void> {
    const row = await selectRow(q).where('connected_accounts.id', '=', connectionId).executeTakeFirst();
    if (row?.status !== 'active' || row.scheme !== 'oauth2') return;
    const creds = decrypt(row);
    if (creds?.type !== 'oauth2') return;
    if (opts.mode === 'expiring' && !needsRefresh(row)) return;
    if (opts.mode === 'unauthorized' && !safeEqual(creds.accessToken, opts.staleAccessToken)) return;
    // Reconnected meanwhile through another config: the caller re-reads the row and uses the new credentials.
    if (prepared && prepared.configId !== row.auth_config_id) return;
    const label = prepared ? prepared.app.provider.label : row.toolkit;
    const expired = row.expires_at !== null && Date.parse(row.expires_at) <= Date.now();
    if (!creds.refreshToken || !prepared) {
      if (opts.mode === 'unauthorized' || expired) {
        await markUnusable(q, row, 'expired', `the access token expired and ${label} gave no refresh token`);
      }
      return;
    }
    let tokens: Awaited<ReturnType<typeof refreshTokens>>;
    const app = prepared.app;
    try {
      tokens = await refreshTokens(app, creds.refreshToken, deps.fetch);
    } catch (e) {
      const f: OAuthFailure = toFailure(e, app);
      deps.log?.warn(
        {
          event: 'connection_refresh_failed',
          connection: row.id,
          toolkit: row.toolkit,
          kind: f.kind,
          status: f.status,
        },
        'refreshing an upstream token failed',
      );
      if (f.kind === 'invalid_grant') {
        await markUnusable(
          q,
          row,
          'expired',
          `${label} refused the refresh token (invalid_grant): access was revoked, or the token expired or was already used`,
        );
        return;
      }
      if (f.kind === 'invalid_client') {
        await markUnusable(
          q,
          row,
          'failed',
          `${label} refused the OAuth app's client credentials: an administrator must fix auth config ${row.auth_config_id}`,
        );
        return;
      }
      // Transient: the current token may still work for a while; if it does not, the call fails retryably.
      if (opts.mode === 'expiring' && !expired) return;
      throw new GatewayError('upstream_unreachable', `could not refresh the ${row.toolkit} connection: ${f.message}`, {
        retryable: true,
        service: label,
      });
    }
    const next: OAuthCredentials = {
      type: 'oauth2',
      accessToken: tokens.accessToken,
      // A provider that does not rotate (no refresh_token in the answer) keeps the old one valid.
      ...(tokens.refreshToken || creds.refreshToken ? { refreshToken: tokens.refreshToken ?? creds.refreshToken } : {}),
      ...(tokens.expiresAt ? { expiresAt: tokens.expiresAt } : {}),
      ...(tokens.scope || creds.scope ? { scope: tokens.scope ?? creds.scope } : {}),
    };
    const written = await q
      .updateTable('connected_accounts')
      .set({
        credentials_enc: encrypt(row.id, next),
        expires_at: tokens.expiresAt ?? null,
        status_reason: null,
        updated_at: now(),
      })
      .where('id', '=', row.id)
      .where('credentials_enc', '=', row.credentials_enc)
      .executeTakeFirst();
    deps.log?.info(
      {
        event: 'connection_refreshed',
        connection: row.id,
        toolkit: row.toolkit,
        stored: Number(written.numUpdatedRows) === 1,
      },
      'upstream token refreshed',
    );
  }

  /** Marks a connection expired/failed with the reason; the dead credentials are wiped (nothing to keep). */
  async function markUnusable(q: LockedDb, row: Row, status: 'expired' | 'failed', reason: string): Promise<void> {
    await q
      .updateTable('connected_accounts')
      .set({ status, status_reason: reason, credentials_enc: null, expires_at: null, updated_at: now() })
      .where('id', '=', row.id)
      .where('credentials_enc', '=', row.credentials_enc)
      .execute();
    deps.log?.warn(
      { event: `connection_${status}`, connection: row.id, toolkit: row.toolkit, reason },
      'connection unusable',
    );
  }

  /**
   * After an upstream 401 with `connection`'s token: refresh once under the lock (unless another caller already
   * replaced that token) and return the connection with its new token; undefined when there is nothing to retry
   * with. Throws the reconnect error when the refresh showed the grant is gone.
   */
  async function refreshAfterUnauthorized(connection: ResolvedConnection): Promise<ResolvedConnection | undefined> {
    if (!connection.refreshable || connection.credentials.type !== 'bearer') return undefined;
    const stale = connection.credentials.token;
    const prepared = await prepareRefresh(connection.id);
    await lock.run(connection.id, (q) =>
      refreshLocked(q, connection.id, prepared, { mode: 'unauthorized', staleAccessToken: stale }),
    );
    const row = await selectRow(db)
      .where('connected_accounts.id', '=', connection.id)
      .where('connected_accounts.user_id', '=', connection.userId)
      .executeTakeFirst();
    if (!row) return undefined;
    const fresh = await toResolved(row);
    if (fresh.credentials.type === 'bearer' && safeEqual(fresh.credentials.token, stale)) return undefined;
    return fresh;
  }

  async function remove(userId: string, connectionId: string): Promise<boolean> {
    // Revocation wipes the secret at once; the row stays for the audit trail. Only the owner's row matches.
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('connected_accounts')
        .select(['toolkit', 'is_default'])
        .where('id', '=', connectionId)
        .where('user_id', '=', userId)
        .where('status', '!=', 'revoked')
        .executeTakeFirst();
      if (!row) return false;
      await trx
        .updateTable('connected_accounts')
        .set({
          status: 'revoked',
          status_reason: 'removed by the user',
          credentials_enc: null,
          expires_at: null,
          is_default: 0,
          updated_at: now(),
        })
        .where('id', '=', connectionId)
        .where('user_id', '=', userId)
        .execute();
      await trx.deleteFrom('connect_links').where('connection_id', '=', connectionId).execute();
      await trx.deleteFrom('connection_oauth_states').where('connection_id', '=', connectionId).execute();
      if (row.is_default === 1) await promoteDefault(trx, userId, row.toolkit);
      return true;
    });
  }

  /** Makes the oldest active connection the default when none is. */
  async function promoteDefault(q: LockedDb, userId: string, toolkit: string): Promise<void> {
    const live = await q
      .selectFrom('connected_accounts')
      .select(['id', 'is_default', 'status'])
      .where('user_id', '=', userId)
      .where('toolkit', '=', toolkit)
      .where('status', '!=', 'revoked')
      .orderBy('created_at')
      .execute();
    if (live.some((r) => r.is_default === 1)) return;
    const next = live.find((r) => r.status === 'active');
    if (next) await q.updateTable('connected_accounts').set({ is_default: 1 }).where('id', '=', next.id).execute();
  }

  async function setDefault(userId: string, connectionId: string): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('connected_accounts')
        .select(['toolkit'])
        .where('id', '=', connectionId)
        .where('user_id', '=', userId)
        .where('status', 'in', ['active', 'expired', 'failed'])
        .executeTakeFirst();
      if (!row) return false;
      await trx
        .updateTable('connected_accounts')
        .set({ is_default: 0 })
        .where('user_id', '=', userId)
        .where('toolkit', '=', row.toolkit)
        .execute();
      await trx.updateTable('connected_accounts').set({ is_default: 1 }).where('id', '=', connectionId).execute();
      return true;
    });
  }

  /**
   * A connect link for a new connection of `toolkit`: single use, 10 minutes, bound to `userId` (the page refuses
   * a browser signed in as anybody else). The connection exists at once with status `initiated`, so
   * `waitForActive` can follow it.
   */
  async function createConnectLink(
    userId: string,
    toolkit: string,
    opts: { alias?: string; authConfigId?: string } = {},
  ): Promise<ConnectLink> {
    const config = opts.authConfigId
      ? await authConfigs.usable(userId, opts.authConfigId)
      : await authConfigs.pickFor(userId, toolkit, demoAvailable());
    if (config.toolkit !== toolkit) {
      throw new GatewayError(
        'invalid_arguments',
        `auth config "${config.id}" is for ${config.toolkit}, not ${toolkit}`,
      );
    }
    if (opts.alias !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(opts.alias)) {
      throw new GatewayError(
        'invalid_arguments',
        'an alias is 1-40 letters, digits, ".", "_" or "-", starting with a letter or digit',
      );
    }
    const base = publicUrl();
    return db.transaction().execute(async (trx) => {
      const live = await trx
        .selectFrom('connected_accounts')
        .select(['id', 'alias', 'status', 'credentials_enc'])
        .where('user_id', '=', userId)
        .where('toolkit', '=', toolkit)
        .where('status', '!=', 'revoked')
        .execute();
      // A connection that never completed (initiated, or failed before it got credentials) is reused.
      const reusable = (r: (typeof live)[number]) =>
        (r.status === 'initiated' || r.status === 'failed') && r.credentials_enc === null;
      let target = opts.alias ? live.find((r) => r.alias === opts.alias) : live.find(reusable);
      if (target && !reusable(target)) {
        throw new GatewayError(
          'conflict',
          `a ${toolkit} connection named "${target.alias}" already exists (${target.status}): reconnect it, or choose another alias`,
        );
      }
      let alias = target?.alias ?? opts.alias;
      if (!alias) {
        const taken = new Set(live.map((r) => r.alias));
        alias = 'default';
        for (let n = 2; taken.has(alias); n++) alias = `default-${n}`;
      }
      const ts = now();
      if (target) {
        await trx
          .updateTable('connected_accounts')
          .set({
            status: 'initiated',
            status_reason: 'waiting for the user to open the connect link',
            auth_config_id: config.id,
            updated_at: ts,
          })
          .where('id', '=', target.id)
          .execute();
      } else {
        target = { id: prefixedId('conn'), alias, status: 'initiated', credentials_enc: null };
        await trx
          .insertInto('connected_accounts')
          .values({
            id: target.id,
            user_id: userId,
            toolkit,
            auth_config_id: config.id,
            alias,
            is_default: 0,
            status: 'initiated',
            status_reason: 'waiting for the user to open the connect link',
            credentials_enc: null,
            metadata: '{}',
            expires_at: null,
            created_at: ts,
            updated_at: ts,
            refresh_lease_owner: null,
            refresh_lease_until: null,
          })
          .execute();
      }
      return insertLink(trx, base, userId, toolkit, config.id, target.id, alias);
    });
  }

  async function insertLink(
    q: LockedDb,
    base: string,
    userId: string,
    toolkit: string,
    authConfigId: string,
    connectionId: string,
    alias: string,
  ): Promise<ConnectLink> {
    // 256-bit random; only its SHA-256 is stored, so the table does not hold usable links.
    const token = randomSecret('', 32);
    const expiresAt = new Date(Date.now() + CONNECT_LINK_TTL_MS).toISOString();
    await q
      .insertInto('connect_links')
      .values({
        token_hash: sha256(token),
        user_id: userId,
        connection_id: connectionId,
        auth_config_id: authConfigId,
        toolkit,
        created_at: now(),
        expires_at: expiresAt,
        used_at: null,
      })
      .execute();
    return { url: `${base}/connections/link/${token}`, expiresAt, connectionId, alias };
  }

  /** A connect link that replaces the credentials of an existing connection (expired, failed, or to switch account). */
  async function reconnect(
    userId: string,
    connectionId: string,
    opts: { authConfigId?: string } = {},
  ): Promise<ConnectLink> {
    const row = await db
      .selectFrom('connected_accounts')
      .select(['id', 'toolkit', 'alias', 'auth_config_id'])
      .where('id', '=', connectionId)
      .where('user_id', '=', userId)
      .where('status', '!=', 'revoked')
      .executeTakeFirst();
    if (!row) throw new GatewayError('not_found', `no connection "${connectionId}"`);
    const config = await authConfigs.usable(userId, opts.authConfigId ?? row.auth_config_id);
    if (config.toolkit !== row.toolkit) {
      throw new GatewayError(
        'invalid_arguments',
        `auth config "${config.id}" is for ${config.toolkit}, not ${row.toolkit}`,
      );
    }
    return insertLink(db, publicUrl(), userId, row.toolkit, config.id, row.id, row.alias);
  }

  /**
   * Waits (bounded) until the connection leaves `initiated`, or for a reconnect, until it is active with credentials
   * newer than the call. Returns its summary either way; the caller reads the status.
   */
  async function waitForActive(
    userId: string,
    connectionId: string,
    opts: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {},
  ): Promise<ConnectionSummary> {
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    for (;;) {
      const c = await get(userId, connectionId);
      if (!c) throw new GatewayError('not_found', `no connection "${connectionId}"`);
      if (c.status === 'active' || c.status === 'revoked' || Date.now() >= deadline || opts.signal?.aborted) return c;
      if (c.status === 'failed' && c.statusReason && !/waiting/.test(c.statusReason)) return c;
      await sleep(Math.min(opts.intervalMs ?? 250, Math.max(0, deadline - Date.now())));
    }
  }

  /**
   * Stores the credentials a flow obtained and makes the connection active, in one UPDATE. The first active
   * connection of the toolkit becomes the default.
   */
  async function activate(input: {
    userId: string;
    connectionId: string;
    authConfigId: string;
    credentials: StoredCredentials;
    metadata: ConnectionMetadata;
    expiresAt?: string | null;
    status?: 'active' | 'initiated';
    statusReason?: string | null;
  }): Promise<ConnectionSummary> {
    await db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('connected_accounts')
        .set({
          status: input.status ?? 'active',
          status_reason: input.statusReason ?? null,
          auth_config_id: input.authConfigId,
          credentials_enc: encrypt(input.connectionId, input.credentials),
          metadata: JSON.stringify(input.metadata),
          expires_at: input.expiresAt ?? null,
          updated_at: now(),
        })
        .where('id', '=', input.connectionId)
        .where('user_id', '=', input.userId)
        .where('status', '!=', 'revoked')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new GatewayError('not_found', 'the connection was removed meanwhile');
      const row = await trx
        .selectFrom('connected_accounts')
        .select(['toolkit'])
        .where('id', '=', input.connectionId)
        .executeTakeFirstOrThrow();
      if ((input.status ?? 'active') === 'active') await promoteDefault(trx, input.userId, row.toolkit);
    });
    return (await get(input.userId, input.connectionId))!;
  }

  /** Marks a connection that has not completed (or a reconnect that failed) with the reason. */
  async function fail(userId: string, connectionId: string, reason: string): Promise<void> {
    await db
      .updateTable('connected_accounts')
      .set({ status: 'failed', status_reason: reason, updated_at: now() })
      .where('id', '=', connectionId)
      .where('user_id', '=', userId)
      .where('status', '=', 'initiated')
      .execute();
  }

  /**
   * Whether a connect link of this user for `toolkit` is waiting to be used: `new` (a first connection), `replacing`
   * (a reconnect of an existing one), or undefined. For the router's `wait_for_connections`.
   */
  async function pendingLink(userId: string, toolkit: string): Promise<'new' | 'replacing' | undefined> {
    const rows = await db
      .selectFrom('connect_links')
      .innerJoin('connected_accounts', 'connected_accounts.id', 'connect_links.connection_id')
      .select(['connected_accounts.status as status'])
      .where('connect_links.user_id', '=', userId)
      .where('connect_links.toolkit', '=', toolkit)
      .where('connect_links.used_at', 'is', null)
      .where('connect_links.expires_at', '>', now())
      .where('connected_accounts.status', '!=', 'revoked')
      .execute();
    if (rows.some((r) => r.status !== 'initiated' && r.status !== 'failed')) return 'replacing';
    return rows.length ? 'new' : undefined;
  }

  /** Housekeeping (hourly, idempotent on every node): expired links and states; abandoned connections fail. */
  async function cleanup(): Promise<void> {
    const cutoff = new Date(Date.now() - 86_400_000).toISOString();
    await db.deleteFrom('connect_links').where('expires_at', '<', cutoff).execute();
    await db.deleteFrom('connection_oauth_states').where('expires_at', '<', cutoff).execute();
    const stale = new Date(Date.now() - CONNECT_LINK_TTL_MS * 2).toISOString();
    await db
      .updateTable('connected_accounts')
      .set({
        status: 'failed',
        status_reason: 'the connect link expired before the connection was completed',
        updated_at: now(),
      })
      .where('status', '=', 'initiated')
      .where('updated_at', '<', stale)
      .execute();
  }

  return {
    authConfigs,
    lock,
    ensureDemoAuthConfig,
    create,
    list,
    get,
    resolve,
    remove,
    setDefault,
    createConnectLink,
    reconnect,
    waitForActive,
    pendingLink,
    refreshAfterUnauthorized,
    activate,
    fail,
    oauthApp,
    cleanup,
    /** For the flows: the public URL and emulator helpers. */
    publicUrl,
    emulatorBaseUrl: (toolkit: string) => deps.emulatorBaseUrl?.(toolkit),
    fetch: deps.fetch ?? fetch,
    log: deps.log,
  };
}

export type Connections = ReturnType<typeof createConnections>;
