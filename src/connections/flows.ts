import { safeEqual, sha256 } from '../identity/secrets.ts';
import type { Db } from '../store/db.ts';
import { now } from '../store/db.ts';
import { GatewayError, isGatewayError } from '../util/errors.ts';
import type { Vault } from '../vault/index.ts';
import type { AuthConfig, OAuthSettings } from './auth-configs.ts';
import {
  CONNECT_LINK_TTL_MS,
  type ConnectionMetadata,
  type ConnectionSummary,
  type Connections,
  type Credentials,
  type OAuthCredentials,
} from './index.ts';
import {
  authorizationUrl,
  exchangeCode,
  newCodeVerifier,
  newState,
  type OAuthApp,
  OAuthFailure,
} from './oauth-client.ts';
import { checkUserSuppliedBaseUrl, provider } from './providers.ts';

/**
 * The browser side of connecting an account: the connect link page, the upstream consent (OAuth authorization code
 * with `state`, and PKCE where the provider supports it), the callback, the Atlassian site choice, and the API-key
 * form. The pages that call these are in `web/connections.ts`.
 *
 * Binding. A connect link is bound to the user who asked for it: only a browser signed in as that user may use it.
 * Otherwise an attacker could send a victim their own link and receive the victim's upstream account in their
 * gateway account once the victim consents. The upstream `state` is bound to the browser session that started the
 * flow (RFC 6749 §10.12, CSRF on the redirect URI): a callback arriving in another session is refused.
 */
export interface LinkView {
  userId: string;
  toolkit: string;
  connectionId: string;
  alias: string;
  authConfig: AuthConfig;
  /** `oauth`: a button to the provider's consent. `form`: the fields below. */
  kind: 'oauth' | 'form';
  fields: FormField[];
  /** The provider's authorization origin (the page's CSP form-action must allow the redirect to it). */
  authorizeOrigin?: string;
  reconnect: boolean;
}

export interface FormField {
  name: 'siteUrl' | 'email' | 'apiToken' | 'baseUrl' | 'accessKey' | 'accessKeySecret';
  label: string;
  secret: boolean;
  hint?: string;
}

export type CallbackResult =
  | { kind: 'connected'; connection: ConnectionSummary }
  | { kind: 'pick_site'; connectionId: string; sites: { id: string; name: string; url: string }[] }
  | { kind: 'error'; message: string; connectionId?: string };

const VERIFIER_BINDING = (stateHash: string) => ({
  table: 'connection_oauth_states',
  column: 'code_verifier_enc',
  rowId: stateHash,
});

export function createConnectFlows(deps: { db: Db; vault: Vault; connections: Connections }) {
  const { db, vault, connections } = deps;
  const configs = connections.authConfigs;

  async function findLink(token: string) {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    return db
      .selectFrom('connect_links')
      .innerJoin('connected_accounts', 'connected_accounts.id', 'connect_links.connection_id')
      .select([
        'connect_links.token_hash as token_hash',
        'connect_links.user_id as user_id',
        'connect_links.connection_id as connection_id',
        'connect_links.auth_config_id as auth_config_id',
        'connect_links.toolkit as toolkit',
        'connected_accounts.alias as alias',
        'connected_accounts.status as status',
      ])
      .where('connect_links.token_hash', '=', sha256(token))
      .where('connect_links.used_at', 'is', null)
      .where('connect_links.expires_at', '>', now())
      .where('connected_accounts.status', '!=', 'revoked')
      .executeTakeFirst();
  }

  /**
   * What a usable link is for, or why not: `invalid` (unknown, expired, used), `other_user` (signed in as somebody
   * else). Does not use the link up (link previews and scanners fetch URLs).
   */
  async function peekLink(token: string, userId: string): Promise<LinkView | 'invalid' | 'other_user'> {
    const link = await findLink(token);
    if (!link) return 'invalid';
    if (link.user_id !== userId) return 'other_user';
    const config = await configs.get(link.auth_config_id);
    if (!config) return 'invalid';
    const view: LinkView = {
      userId: link.user_id,
      toolkit: link.toolkit,
      connectionId: link.connection_id,
      alias: link.alias,
      authConfig: config,
      kind: config.scheme === 'oauth2' ? 'oauth' : 'form',
      fields: formFields(config),
      reconnect: link.status !== 'initiated' && link.status !== 'failed',
    };
    if (config.scheme === 'oauth2') {
      view.authorizeOrigin = new URL((await connections.oauthApp(config)).endpoints.authorize).origin;
    }
    return view;
  }

  /** Uses the link up (atomically: a concurrent second use finds it used); only for its own user. */
  async function consumeLink(token: string, userId: string) {
    const link = await findLink(token);
    if (!link || link.user_id !== userId) return undefined;
    const claimed = await db
      .updateTable('connect_links')
      .set({ used_at: now() })
      .where('token_hash', '=', link.token_hash)
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now())
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return undefined;
    // The other unused links of the same connection are spent with it: several may have been handed out (one per
    // listing or failed call), and a second flow for a connection already being completed only confuses its state.
    await db
      .updateTable('connect_links')
      .set({ used_at: now() })
      .where('connection_id', '=', link.connection_id)
      .where('used_at', 'is', null)
      .execute();
    return link;
  }

  /** OAuth: uses the link and returns the provider's authorization URL (state and PKCE stored server-side). */
  async function startOAuth(token: string, userId: string, sessionHash: string): Promise<string> {
    const link = await consumeLink(token, userId);
    if (!link) throw new GatewayError('not_found', 'This connect link expired or was already used.');
    const config = await configs.get(link.auth_config_id);
    if (config?.scheme !== 'oauth2') throw new GatewayError('not_found', 'This connect link is not for OAuth.');
    const app = await connections.oauthApp(config);
    const state = newState();
    const stateHash = sha256(state);
    const codeVerifier = app.provider.pkce ? newCodeVerifier() : undefined;
    const redirectUri = `${connections.publicUrl()}/connections/callback`;
    await db
      .insertInto('connection_oauth_states')
      .values({
        state_hash: stateHash,
        user_id: userId,
        connection_id: link.connection_id,
        auth_config_id: config.id,
        session_hash: sessionHash,
        redirect_uri: redirectUri,
        code_verifier_enc: codeVerifier ? vault.encryptJson(codeVerifier, VERIFIER_BINDING(stateHash)) : null,
        created_at: now(),
        expires_at: new Date(Date.now() + CONNECT_LINK_TTL_MS).toISOString(),
        used_at: null,
      })
      .execute();
    await db
      .updateTable('connected_accounts')
      .set({ status_reason: `waiting for consent at ${app.provider.label}`, updated_at: now() })
      .where('id', '=', link.connection_id)
      .where('status', '=', 'initiated')
      .execute();
    return authorizationUrl(app, { redirectUri, state, ...(codeVerifier ? { codeVerifier } : {}) });
  }

  /** The redirect back from the provider: checks state and session, exchanges the code, stores the tokens. */
  async function completeOAuth(callbackUrl: URL, userId: string, sessionHash: string): Promise<CallbackResult> {
    const state = callbackUrl.searchParams.get('state') ?? '';
    if (!state || state.length > 200) return { kind: 'error', message: 'The answer from the provider has no state.' };
    const stateHash = sha256(state);
    const row = await db
      .selectFrom('connection_oauth_states')
      .selectAll()
      .where('state_hash', '=', stateHash)
      .executeTakeFirst();
    if (!row || row.user_id !== userId || !safeEqual(row.session_hash, sessionHash)) {
      // Not this browser's request (or not this user's): never completes somebody else's connection.
      return { kind: 'error', message: 'This answer does not belong to a connection started in this browser.' };
    }
    const claimed = await db
      .updateTable('connection_oauth_states')
      .set({ used_at: now() })
      .where('state_hash', '=', stateHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now())
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) {
      return { kind: 'error', message: 'This connection attempt expired or was already completed. Start again.' };
    }
    const config = await configs.get(row.auth_config_id);
    if (!config) return { kind: 'error', message: 'The auth config of this connection was removed.' };
    const app = await connections.oauthApp(config);
    const codeVerifier = row.code_verifier_enc
      ? vault.decryptJson<string>(row.code_verifier_enc, VERIFIER_BINDING(stateHash))
      : undefined;
    let tokens: Awaited<ReturnType<typeof exchangeCode>>;
    try {
      tokens = await exchangeCode(app, {
        callbackUrl,
        expectedState: state,
        redirectUri: row.redirect_uri,
        ...(codeVerifier ? { codeVerifier } : {}),
        fetch: connections.fetch,
      });
    } catch (e) {
      const message =
        e instanceof OAuthFailure && e.kind === 'denied'
          ? `Access was not granted at ${app.provider.label}.`
          : `Connecting failed: ${(e as Error).message}.`;
      await connections.fail(userId, row.connection_id, message);
      connections.log?.warn(
        { event: 'connect_failed', connection: row.connection_id, kind: (e as OAuthFailure).kind },
        'upstream OAuth connect failed',
      );
      return { kind: 'error', message, connectionId: row.connection_id };
    }
    const credentials: OAuthCredentials = {
      type: 'oauth2',
      accessToken: tokens.accessToken,
      ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
      ...(tokens.expiresAt ? { expiresAt: tokens.expiresAt } : {}),
      ...(tokens.scope ? { scope: tokens.scope } : {}),
    };
    const base = {
      userId,
      connectionId: row.connection_id,
      authConfigId: config.id,
      credentials,
      expiresAt: tokens.expiresAt ?? null,
    };
    try {
      if (app.provider.id === 'atlassian') {
        const sites = await atlassianSites(app, tokens.accessToken);
        if (sites.length === 0) {
          const message = 'This Atlassian account reaches no Confluence site with the granted scopes.';
          await connections.fail(userId, row.connection_id, message);
          return { kind: 'error', message, connectionId: row.connection_id };
        }
        if (sites.length > 1) {
          // Tokens stored now (encrypted), the connection stays `initiated` until the user picks the site.
          await connections.activate({
            ...base,
            metadata: { sites },
            status: 'initiated',
            statusReason: 'waiting for the user to choose a Confluence site',
          });
          return { kind: 'pick_site', connectionId: row.connection_id, sites };
        }
        const connection = await connections.activate({ ...base, metadata: siteMetadata(config, app, sites[0]!) });
        return { kind: 'connected', connection };
      }
      const connection = await connections.activate({
        ...base,
        metadata: gongMetadata(config, app, tokens.apiBaseUrl),
      });
      return { kind: 'connected', connection };
    } catch (e) {
      const message = isGatewayError(e) ? e.message : 'Connecting failed after the token exchange.';
      await connections.fail(userId, row.connection_id, message);
      if (!isGatewayError(e))
        connections.log?.error({ event: 'connect_failed', connection: row.connection_id }, message);
      return { kind: 'error', message, connectionId: row.connection_id };
    }
  }

  async function atlassianSites(app: OAuthApp, accessToken: string) {
    const url = app.endpoints.resources;
    if (!url) throw new GatewayError('internal', 'no accessible-resources endpoint configured');
    const res = await connections.fetch(url, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new GatewayError('upstream_error', `Atlassian's accessible-resources answered ${res.status}`);
    const body = (await res.json()) as { id?: unknown; name?: unknown; url?: unknown; scopes?: unknown }[];
    if (!Array.isArray(body)) throw new GatewayError('upstream_error', 'accessible-resources did not answer a list');
    return body
      .filter(
        (r) =>
          typeof r.id === 'string' &&
          /^[A-Za-z0-9-]{1,64}$/.test(r.id) &&
          Array.isArray(r.scopes) &&
          r.scopes.some((s) => typeof s === 'string' && s.includes('confluence')),
      )
      .map((r) => ({ id: r.id as string, name: String(r.name ?? r.id), url: String(r.url ?? '') }));
  }

  function siteMetadata(
    config: AuthConfig,
    app: OAuthApp,
    site: { id: string; name: string; url: string },
  ): ConnectionMetadata {
    const emulator = (config.settings as unknown as OAuthSettings).emulator;
    const md: ConnectionMetadata = { cloudId: site.id, siteName: site.name, siteUrl: site.url };
    if (emulator) md.emulatorPath = `/ex/confluence/${site.id}`;
    else md.baseUrl = (app.endpoints.apiBase ?? provider('atlassian').endpoints.apiBase!).replace('{cloudId}', site.id);
    return md;
  }

  /**
   * Gong names the customer's API base in the token response; every call of the connection goes there. Accepted
   * only on Gong's own hosts over https, or on the token endpoint's origin (emulator, proxy): a token response must
   * not be able to send the bearer token elsewhere.
   */
  function gongMetadata(config: AuthConfig, app: OAuthApp, apiBaseUrl: string | undefined): ConnectionMetadata {
    if (!apiBaseUrl || !URL.canParse(apiBaseUrl)) {
      throw new GatewayError('upstream_error', 'Gong did not name the API base URL (api_base_url_for_customer)');
    }
    const u = new URL(apiBaseUrl);
    const sameOrigin = u.origin === new URL(app.endpoints.token).origin;
    if (!sameOrigin && !(u.protocol === 'https:' && app.provider.trustedApiHost.test(u.hostname))) {
      throw new GatewayError('upstream_error', `Gong named an API base URL on an unexpected host (${u.host})`);
    }
    const base = apiBaseUrl.replace(/\/+$/, '');
    const emulator = (config.settings as unknown as OAuthSettings).emulator;
    if (emulator) {
      const server = connections.emulatorBaseUrl(emulator) ?? '';
      if (!server || !base.startsWith(server)) {
        throw new GatewayError('upstream_error', 'the emulator named an API base outside itself');
      }
      return { emulatorPath: base.slice(server.length), account: u.host };
    }
    return { baseUrl: base, account: u.host };
  }

  /** Atlassian grants reaching several sites: the user's choice completes the connection. */
  async function chooseSite(userId: string, connectionId: string, siteId: string): Promise<ConnectionSummary> {
    const row = await db
      .selectFrom('connected_accounts')
      .select(['id', 'auth_config_id', 'metadata', 'credentials_enc', 'status', 'expires_at'])
      .where('id', '=', connectionId)
      .where('user_id', '=', userId)
      .where('status', '=', 'initiated')
      .executeTakeFirst();
    const md = row ? (JSON.parse(row.metadata) as ConnectionMetadata) : undefined;
    const site = md?.sites?.find((s) => s.id === siteId);
    if (!row?.credentials_enc || !site) throw new GatewayError('not_found', 'No site choice is pending here.');
    const config = await configs.get(row.auth_config_id);
    if (!config) throw new GatewayError('not_found', 'The auth config was removed.');
    const app = await connections.oauthApp(config);
    const credentials = vault.decryptJson<OAuthCredentials>(row.credentials_enc, {
      table: 'connected_accounts',
      column: 'credentials_enc',
      rowId: row.id,
    });
    return connections.activate({
      userId,
      connectionId,
      authConfigId: config.id,
      credentials,
      expiresAt: row.expires_at,
      metadata: siteMetadata(config, app, site),
    });
  }

  /**
   * The API-key form: checks the credentials against the upstream first (a typo does not use the link up), then
   * uses the link and stores them.
   */
  async function submitForm(
    token: string,
    userId: string,
    values: Record<string, string | undefined>,
  ): Promise<{ ok: true; connection: ConnectionSummary } | { ok: false; error: string }> {
    const view = await peekLink(token, userId);
    if (view === 'invalid' || view === 'other_user' || view.kind !== 'form') {
      return { ok: false, error: 'This connect link expired or was already used.' };
    }
    const config = view.authConfig;
    const preset = await configs.secrets(config.id);
    const s = config.settings as { siteUrl?: string; email?: string; baseUrl?: string; emulator?: string };
    const value = (name: FormField['name']) => {
      const v = values[name]?.trim();
      return v ? v.slice(0, 4096) : undefined;
    };
    let credentials: Credentials;
    let metadata: ConnectionMetadata;
    let checkUrl: string;
    try {
      let base: string;
      const emulator = s.emulator ? connections.emulatorBaseUrl(s.emulator) : undefined;
      if (s.emulator && !emulator)
        throw new GatewayError('connection_unusable', 'this gateway does not serve the demo emulators');
      if (config.scheme === 'demo') {
        throw new GatewayError('invalid_arguments', 'demo connections are made with `switchboard connect --demo`');
      }
      if (config.scheme === 'api_token') {
        base = emulator ?? s.siteUrl ?? checkUserSuppliedBaseUrl('confluence', value('siteUrl') ?? '');
        const email = s.email ?? value('email');
        const apiToken = preset.apiToken ?? value('apiToken');
        if (!email || !apiToken) throw new GatewayError('invalid_arguments', 'Enter the email and the API token.');
        credentials = { type: 'basic', username: email, password: apiToken };
        checkUrl = `${base}/wiki/rest/api/user/current`;
        metadata = { account: email, siteUrl: emulator ? undefined : base };
      } else {
        base = emulator ?? s.baseUrl ?? checkUserSuppliedBaseUrl('gong', value('baseUrl') ?? '');
        const accessKey = preset.accessKey ?? value('accessKey');
        const secret = preset.accessKeySecret ?? value('accessKeySecret');
        if (!accessKey || !secret) throw new GatewayError('invalid_arguments', 'Enter the access key and its secret.');
        credentials = { type: 'basic', username: accessKey, password: secret };
        checkUrl = `${base}/v2/users`;
        metadata = { account: new URL(base).host };
      }
      if (emulator) metadata.emulatorPath = '';
      else metadata.baseUrl = base;
    } catch (e) {
      if (isGatewayError(e)) return { ok: false, error: e.message };
      throw e;
    }
    const problem = await checkCredentials(view.toolkit, checkUrl, credentials);
    if (problem) return { ok: false, error: problem };
    const link = await consumeLink(token, userId);
    if (!link) return { ok: false, error: 'This connect link expired or was already used.' };
    const connection = await connections.activate({
      userId,
      connectionId: link.connection_id,
      authConfigId: config.id,
      credentials,
      metadata,
    });
    return { ok: true, connection };
  }

  /** One authenticated read; redirects are not followed (credentials must not travel to another host). */
  async function checkCredentials(toolkit: string, url: string, c: Credentials): Promise<string | undefined> {
    const service = toolkit === 'confluence' ? 'Confluence' : 'Gong';
    const auth = c.type === 'basic' ? `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` : '';
    try {
      const res = await connections.fetch(url, {
        headers: { authorization: auth, accept: 'application/json', 'user-agent': 'switchboard-gateway' },
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return undefined;
      if (res.status === 401 || res.status === 403)
        return `${service} refused these credentials (${res.status}). Check them and try again.`;
      return `${service} answered ${res.status} when the credentials were checked. Check the URL and try again.`;
    } catch {
      return `Could not reach ${service} at ${new URL(url).host}. Check the URL and try again.`;
    }
  }

  return { peekLink, startOAuth, completeOAuth, chooseSite, submitForm };
}

export type ConnectFlows = ReturnType<typeof createConnectFlows>;

/** The fields the connect form asks for: what the auth config does not preset. */
export function formFields(config: AuthConfig): FormField[] {
  const s = config.settings as { siteUrl?: string; email?: string; baseUrl?: string; emulator?: string };
  const preset = new Set(config.secretFields);
  const fields: FormField[] = [];
  if (config.scheme === 'api_token') {
    if (!s.siteUrl && !s.emulator) {
      fields.push({ name: 'siteUrl', label: 'Site', secret: false, hint: 'https://your-site.atlassian.net' });
    }
    if (!s.email) fields.push({ name: 'email', label: 'Atlassian account email', secret: false });
    if (!preset.has('apiToken')) {
      fields.push({
        name: 'apiToken',
        label: 'API token',
        secret: true,
        hint: 'Create one at id.atlassian.com → Security → API tokens',
      });
    }
  } else if (config.scheme === 'basic') {
    if (!s.baseUrl && !s.emulator) {
      fields.push({ name: 'baseUrl', label: 'API base URL', secret: false, hint: 'https://us-12345.api.gong.io' });
    }
    if (!preset.has('accessKey')) {
      fields.push({ name: 'accessKey', label: 'Access key', secret: false, hint: 'Gong → Company settings → API' });
      fields.push({ name: 'accessKeySecret', label: 'Access key secret', secret: true });
    }
  }
  return fields;
}
