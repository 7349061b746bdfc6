import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { randomSecret, safeEqual, sha256 } from '../identity/secrets.ts';
import type { Db } from '../store/db.ts';
import { now } from '../store/db.ts';
import { prefixedId } from '../util/ids.ts';
import { resourceCovers } from './resource.ts';
import { parseScope, scopeList, scopeString } from './scopes.ts';

/**
 * Codes, grants and tokens. Opaque random strings, stored as SHA-256 (a database leak yields nothing usable), so
 * every token is checked against the store on each request and revocation takes effect at once; there is no
 * signing key to manage. A grant is one approval by one user of one client for one resource: every access and
 * refresh token issued from its authorization code belongs to it (the refresh-token family), and revoking it
 * revokes them all.
 */

/** Prefixes let secret scanners spot leaked tokens; they differ from API keys' `sb_`. */
export const ACCESS_TOKEN_PREFIX = 'sbat_';
export const REFRESH_TOKEN_PREFIX = 'sbrt_';

export interface TokenSettings {
  accessTokenTtlS: number;
  refreshTokenTtlS: number;
  grantMaxAgeS: number;
  codeTtlS: number;
}

export interface OAuthError {
  error: string;
  description: string;
  /** Set when the failure is a security event worth a warning in the log (a replayed code or token). */
  securityEvent?: 'authorization_code_reuse' | 'refresh_token_reuse' | 'refresh_token_wrong_client';
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

const isoIn = (seconds: number, from = Date.now()): string => new Date(from + seconds * 1000).toISOString();
const invalidGrant = (description: string): OAuthError => ({ error: 'invalid_grant', description });

/** How long a pending approval (the consent page) stays answerable. */
export const PENDING_TTL_S = 600;

// --- The consent step -------------------------------------------------------------------------------------------

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string | undefined;
  codeChallenge: string;
  resource: string;
}

/**
 * Stores a validated authorization request waiting for the user's decision, bound to the browser session that
 * saw the consent page; returns the random id the consent form carries. Single use, short-lived (MCP security
 * best practices, "Confused Deputy Problem": consent state is stored server-side and used once).
 */
export async function createPendingAuthorization(
  db: Db,
  req: AuthorizationRequest & { userId: string; sessionHash: string },
): Promise<string> {
  const id = randomSecret('', 32);
  await db
    .insertInto('oauth_pending_authorizations')
    .values({
      id_hash: sha256(id),
      session_hash: req.sessionHash,
      user_id: req.userId,
      client_id: req.clientId,
      redirect_uri: req.redirectUri,
      scope: req.scope,
      state: req.state ?? null,
      code_challenge: req.codeChallenge,
      resource: req.resource,
      created_at: now(),
      expires_at: isoIn(PENDING_TTL_S),
    })
    .execute();
  return id;
}

/** Removes and returns a pending request of this session; undefined when unknown, foreign, expired or answered. */
export async function takePendingAuthorization(
  db: Db,
  id: string,
  sessionHash: string,
): Promise<(AuthorizationRequest & { userId: string }) | undefined> {
  if (id.length > 100) return undefined;
  const idHash = sha256(id);
  const row = await db
    .selectFrom('oauth_pending_authorizations')
    .selectAll()
    .where('id_hash', '=', idHash)
    .where('session_hash', '=', sessionHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const deleted = await db
    .deleteFrom('oauth_pending_authorizations')
    .where('id_hash', '=', idHash)
    .where('session_hash', '=', sessionHash)
    .executeTakeFirst();
  // A concurrent answer deleted it first: only one of them continues.
  if (Number(deleted.numDeletedRows) !== 1 || row.expires_at <= now()) return undefined;
  return {
    userId: row.user_id,
    clientId: row.client_id,
    redirectUri: row.redirect_uri,
    scope: row.scope,
    state: row.state ?? undefined,
    codeChallenge: row.code_challenge,
    resource: row.resource,
  };
}

/** Issues a single-use authorization code for an approved request (RFC 6749 §4.1.2: short-lived, single use). */
export async function issueCode(
  db: Db,
  settings: TokenSettings,
  req: AuthorizationRequest & { userId: string },
): Promise<string> {
  const code = randomSecret('', 32);
  await db
    .insertInto('oauth_codes')
    .values({
      code_hash: sha256(code),
      client_id: req.clientId,
      user_id: req.userId,
      redirect_uri: req.redirectUri,
      code_challenge: req.codeChallenge,
      scope: req.scope,
      resource: req.resource,
      created_at: now(),
      expires_at: isoIn(settings.codeTtlS),
      used_at: null,
      grant_id: null,
    })
    .execute();
  await db.updateTable('oauth_clients').set({ last_used_at: now() }).where('client_id', '=', req.clientId).execute();
  return code;
}

// --- Token endpoint ---------------------------------------------------------------------------------------------

/** RFC 7636 §4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export const s256 = (verifier: string): string => createHash('sha256').update(verifier, 'ascii').digest('base64url');

async function issueTokens(
  db: Db,
  settings: TokenSettings,
  grant: { id: string; expiresAt: string },
  scope: string,
  resource: string,
): Promise<TokenResponse> {
  const accessToken = randomSecret(ACCESS_TOKEN_PREFIX, 32);
  const refreshToken = randomSecret(REFRESH_TOKEN_PREFIX, 32);
  const t0 = Date.now();
  const at = new Date(t0).toISOString();
  const grantEnd = Date.parse(grant.expiresAt);
  // Neither token outlives its grant.
  const accessEnd = Math.min(t0 + settings.accessTokenTtlS * 1000, grantEnd);
  const refreshEnd = Math.min(t0 + settings.refreshTokenTtlS * 1000, grantEnd);
  await db
    .insertInto('oauth_access_tokens')
    .values({
      token_hash: sha256(accessToken),
      grant_id: grant.id,
      scope,
      resource,
      created_at: at,
      expires_at: new Date(accessEnd).toISOString(),
    })
    .execute();
  await db
    .insertInto('oauth_refresh_tokens')
    .values({
      token_hash: sha256(refreshToken),
      grant_id: grant.id,
      created_at: at,
      expires_at: new Date(refreshEnd).toISOString(),
      used_at: null,
    })
    .execute();
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: Math.max(1, Math.floor((accessEnd - t0) / 1000)),
    refresh_token: refreshToken,
    scope,
  };
}

async function revokeGrant(db: Db, grantId: string, reason: string): Promise<void> {
  await db
    .updateTable('oauth_grants')
    .set({ revoked_at: now(), revoked_reason: reason })
    .where('id', '=', grantId)
    .where('revoked_at', 'is', null)
    .execute();
  // Access tokens go at once; refresh tokens stay (marked by the grant) so a later reuse is still recognised.
  await db.deleteFrom('oauth_access_tokens').where('grant_id', '=', grantId).execute();
}

/** The `resource` of a token request: absent means the granted one; present, it must be covered by it. */
function narrowResource(granted: string, requested: string | undefined): string | OAuthError {
  if (requested === undefined) return granted;
  if (!resourceCovers(granted, requested)) {
    return { error: 'invalid_target', description: 'resource is not the one this grant was approved for' };
  }
  return requested;
}

/**
 * authorization_code grant (OAuth 2.1 §4.1.3). The code is claimed atomically before anything else is checked,
 * so it is burnt by any use, failed or not; a second use is refused and revokes the grant issued from it
 * (RFC 6749 §4.1.2, OAuth 2.1 §4.1.3). The claim and the grant are one transaction: a concurrent second use
 * waits for it and then finds the grant to revoke.
 */
export async function exchangeCode(
  db: Db,
  settings: TokenSettings,
  req: {
    code: string;
    clientId: string;
    redirectUri: string | undefined;
    codeVerifier: string | undefined;
    resource: string | undefined;
  },
): Promise<TokenResponse | OAuthError> {
  if (req.code.length > 100) return invalidGrant('the authorization code is unknown');
  const codeHash = sha256(req.code);
  const grantId = prefixedId('grt', 16);
  return db.transaction().execute(async (trx) => {
    const at = now();
    const claimed = await trx
      .updateTable('oauth_codes')
      .set({ used_at: at, grant_id: grantId })
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) {
      const seen = await trx
        .selectFrom('oauth_codes')
        .select(['grant_id'])
        .where('code_hash', '=', codeHash)
        .executeTakeFirst();
      if (!seen) return invalidGrant('the authorization code is unknown');
      if (seen.grant_id) await revokeGrant(trx, seen.grant_id, 'authorization_code_reuse');
      return {
        ...invalidGrant('the authorization code was already used; the tokens issued from it are revoked'),
        securityEvent: 'authorization_code_reuse',
      };
    }
    const row = await trx
      .selectFrom('oauth_codes')
      .selectAll()
      .where('code_hash', '=', codeHash)
      .executeTakeFirstOrThrow();
    if (row.expires_at <= at) return invalidGrant('the authorization code expired');
    if (row.client_id !== req.clientId) return invalidGrant('the authorization code was issued to another client');
    // OAuth 2.1 §4.1.3 / RFC 6749 §4.1.3: the redirect_uri of the authorization request, identical.
    if (req.redirectUri !== row.redirect_uri) {
      return invalidGrant('redirect_uri does not match the one of the authorization request');
    }
    // RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the stored challenge.
    if (req.codeVerifier === undefined) return invalidGrant('code_verifier is required (PKCE)');
    if (!VERIFIER.test(req.codeVerifier)) return invalidGrant('code_verifier is malformed (RFC 7636 §4.1)');
    if (!safeEqual(s256(req.codeVerifier), row.code_challenge)) return invalidGrant('PKCE verification failed');
    const resource = narrowResource(row.resource, req.resource);
    if (typeof resource !== 'string') return resource;
    const grant = { id: grantId, expiresAt: isoIn(settings.grantMaxAgeS) };
    await trx
      .insertInto('oauth_grants')
      .values({
        id: grant.id,
        user_id: row.user_id,
        client_id: row.client_id,
        scope: row.scope,
        resource: row.resource,
        created_at: at,
        last_used_at: at,
        expires_at: grant.expiresAt,
        revoked_at: null,
        revoked_reason: null,
      })
      .execute();
    await trx.updateTable('oauth_clients').set({ last_used_at: at }).where('client_id', '=', row.client_id).execute();
    return issueTokens(trx, settings, grant, row.scope, resource);
  });
}

/**
 * refresh_token grant with rotation (OAuth 2.1 §4.3.1): each refresh token works once and is replaced. A rotated
 * token presented again means two parties hold the family (one of them stole it): the whole grant is revoked,
 * the legitimate client's tokens included, and the user logs in again (OAuth 2.0 Security BCP §4.14.2).
 */
export async function refreshTokens(
  db: Db,
  settings: TokenSettings,
  req: { refreshToken: string; clientId: string; scope: string | undefined; resource: string | undefined },
): Promise<TokenResponse | OAuthError> {
  if (!req.refreshToken.startsWith(REFRESH_TOKEN_PREFIX) || req.refreshToken.length > 100) {
    return invalidGrant('the refresh token is unknown');
  }
  const tokenHash = sha256(req.refreshToken);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('oauth_refresh_tokens')
      .innerJoin('oauth_grants', 'oauth_grants.id', 'oauth_refresh_tokens.grant_id')
      .select([
        'oauth_refresh_tokens.expires_at as token_expires_at',
        'oauth_grants.id as grant_id',
        'oauth_grants.client_id',
        'oauth_grants.scope',
        'oauth_grants.resource',
        'oauth_grants.expires_at as grant_expires_at',
        'oauth_grants.revoked_at',
      ])
      .where('oauth_refresh_tokens.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return invalidGrant('the refresh token is unknown');
    const at = now();
    const claimed = await trx
      .updateTable('oauth_refresh_tokens')
      .set({ used_at: at })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) {
      await revokeGrant(trx, row.grant_id, 'refresh_token_reuse');
      return {
        ...invalidGrant('the refresh token was already used; every token of this login is revoked'),
        securityEvent: 'refresh_token_reuse',
      };
    }
    if (row.revoked_at) return invalidGrant('the refresh token was revoked');
    if (row.token_expires_at <= at || row.grant_expires_at <= at) return invalidGrant('the refresh token expired');
    // RFC 6749 §6: the refresh token is bound to the client it was issued to.
    if (row.client_id !== req.clientId) {
      await revokeGrant(trx, row.grant_id, 'refresh_token_wrong_client');
      return {
        ...invalidGrant('the refresh token was issued to another client'),
        securityEvent: 'refresh_token_wrong_client',
      };
    }
    let scope = row.scope;
    if (req.scope !== undefined) {
      // RFC 6749 §6: a refresh may narrow the scope, never widen it.
      const parsed = parseScope(req.scope);
      const granted = new Set(scopeList(row.scope));
      if ('error' in parsed || parsed.scopes.some((s) => !granted.has(s))) {
        return { error: 'invalid_scope', description: 'the requested scope exceeds the scope of this grant' };
      }
      scope = scopeString(parsed.scopes);
    }
    const resource = narrowResource(row.resource, req.resource);
    if (typeof resource !== 'string') return resource;
    await trx.updateTable('oauth_grants').set({ last_used_at: at }).where('id', '=', row.grant_id).execute();
    await trx.updateTable('oauth_clients').set({ last_used_at: at }).where('client_id', '=', row.client_id).execute();
    const tokens = await issueTokens(
      trx,
      settings,
      { id: row.grant_id, expiresAt: row.grant_expires_at },
      scope,
      resource,
    );
    // The refresh token keeps the grant's full scope (RFC 6749 §6); the access token carries the narrowed one.
    return tokens;
  });
}

/**
 * RFC 7009 revocation. A refresh token revokes its whole grant (§2.1: "SHOULD also invalidate all access tokens
 * based on the same authorization grant"); an access token revokes itself. Unknown tokens are not an error
 * (§2.2). When the request names a client, the token must be that client's (§2.1).
 */
export async function revokeToken(
  db: Db,
  req: { token: string; clientId: string | undefined },
): Promise<OAuthError | undefined> {
  if (req.token.length > 200) return undefined;
  const tokenHash = sha256(req.token);
  const refresh = await db
    .selectFrom('oauth_refresh_tokens')
    .innerJoin('oauth_grants', 'oauth_grants.id', 'oauth_refresh_tokens.grant_id')
    .select(['oauth_grants.id as grant_id', 'oauth_grants.client_id'])
    .where('oauth_refresh_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
  const access = refresh
    ? undefined
    : await db
        .selectFrom('oauth_access_tokens')
        .innerJoin('oauth_grants', 'oauth_grants.id', 'oauth_access_tokens.grant_id')
        .select(['oauth_grants.id as grant_id', 'oauth_grants.client_id'])
        .where('oauth_access_tokens.token_hash', '=', tokenHash)
        .executeTakeFirst();
  const found = refresh ?? access;
  if (!found) return undefined;
  if (req.clientId !== undefined && req.clientId !== found.client_id) {
    return { error: 'unauthorized_client', description: 'the token was issued to another client' };
  }
  if (refresh) await revokeGrant(db, refresh.grant_id, 'revoked_by_client');
  else await db.deleteFrom('oauth_access_tokens').where('token_hash', '=', tokenHash).execute();
  return undefined;
}

// --- Resource server ----------------------------------------------------------------------------------------------

export interface AccessTokenInfo {
  userId: string;
  userName: string;
  clientId: string;
  grantId: string;
  scopes: string[];
  resource: string;
  expiresAt: string;
}

export type AccessTokenCheck = { ok: AccessTokenInfo } | { error: 'unknown' | 'expired' | 'revoked' };

/** Looks up an access token (one indexed query); the caller checks audience and scope. */
export async function verifyAccessToken(db: Db, token: string): Promise<AccessTokenCheck> {
  if (!token.startsWith(ACCESS_TOKEN_PREFIX) || token.length > 100) return { error: 'unknown' };
  const row = await db
    .selectFrom('oauth_access_tokens')
    .innerJoin('oauth_grants', 'oauth_grants.id', 'oauth_access_tokens.grant_id')
    .innerJoin('users', 'users.id', 'oauth_grants.user_id')
    .select([
      'oauth_access_tokens.scope',
      'oauth_access_tokens.resource',
      'oauth_access_tokens.expires_at',
      'oauth_grants.id as grant_id',
      'oauth_grants.client_id',
      'oauth_grants.revoked_at',
      'oauth_grants.last_used_at',
      'users.id as user_id',
      'users.name as user_name',
    ])
    .where('oauth_access_tokens.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row) return { error: 'unknown' };
  if (row.revoked_at) return { error: 'revoked' };
  const at = now();
  if (row.expires_at <= at) return { error: 'expired' };
  // "Last used" for the console, written at most once a minute per grant rather than on every request.
  if (Date.parse(row.last_used_at) < Date.now() - 60_000) {
    await db.updateTable('oauth_grants').set({ last_used_at: at }).where('id', '=', row.grant_id).execute();
  }
  return {
    ok: {
      userId: row.user_id,
      userName: row.user_name,
      clientId: row.client_id,
      grantId: row.grant_id,
      scopes: scopeList(row.scope),
      resource: row.resource,
      expiresAt: row.expires_at,
    },
  };
}

// --- Console ----------------------------------------------------------------------------------------------------

export interface ClientAccess {
  clientId: string;
  name: string;
  kind: 'dcr' | 'cimd';
  redirectUris: string[];
  scopes: string[];
  resources: string[];
  lastUsedAt: string;
  grants: number;
}

/** The clients holding live grants of a user, newest use first. */
export async function listUserClients(db: Db, userId: string, settings: TokenSettings): Promise<ClientAccess[]> {
  const at = now();
  const idleLimit = new Date(Date.now() - settings.refreshTokenTtlS * 1000).toISOString();
  const rows = await db
    .selectFrom('oauth_grants')
    .innerJoin('oauth_clients', 'oauth_clients.client_id', 'oauth_grants.client_id')
    .select([
      'oauth_grants.client_id',
      'oauth_grants.scope',
      'oauth_grants.resource',
      'oauth_grants.last_used_at',
      'oauth_clients.client_name',
      'oauth_clients.kind',
      'oauth_clients.redirect_uris',
    ])
    .where('oauth_grants.user_id', '=', userId)
    .where('oauth_grants.revoked_at', 'is', null)
    .where('oauth_grants.expires_at', '>', at)
    .where('oauth_grants.last_used_at', '>', idleLimit)
    .execute();
  const byClient = new Map<string, ClientAccess>();
  for (const r of rows) {
    let c = byClient.get(r.client_id);
    if (!c) {
      c = {
        clientId: r.client_id,
        name: r.client_name,
        kind: r.kind === 'cimd' ? 'cimd' : 'dcr',
        redirectUris: JSON.parse(r.redirect_uris) as string[],
        scopes: [],
        resources: [],
        lastUsedAt: r.last_used_at,
        grants: 0,
      };
      byClient.set(r.client_id, c);
    }
    c.grants++;
    for (const s of scopeList(r.scope)) if (!c.scopes.includes(s)) c.scopes.push(s);
    if (!c.resources.includes(r.resource)) c.resources.push(r.resource);
    if (r.last_used_at > c.lastUsedAt) c.lastUsedAt = r.last_used_at;
  }
  return [...byClient.values()].sort((a, b) => b.lastUsedAt.localeCompare(a.lastUsedAt));
}

/** Revokes every grant a user gave a client; returns how many. */
export async function revokeUserClient(db: Db, userId: string, clientId: string): Promise<number> {
  const grants = await db
    .selectFrom('oauth_grants')
    .select('id')
    .where('user_id', '=', userId)
    .where('client_id', '=', clientId)
    .where('revoked_at', 'is', null)
    .execute();
  for (const g of grants) await revokeGrant(db, g.id, 'revoked_by_user');
  return grants.length;
}

// --- Housekeeping -----------------------------------------------------------------------------------------------

/**
 * Deletes what can no longer be used. Used codes stay a day after expiry and revoked grants a day after
 * revocation, so a late replay is still recognised as one. Idempotent: every node may run it.
 */
export async function cleanupExpired(db: Db, settings: TokenSettings & { clientRetentionDays: number }): Promise<void> {
  const at = now();
  const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
  const idleLimit = new Date(Date.now() - settings.refreshTokenTtlS * 1000).toISOString();
  const clientLimit = new Date(Date.now() - settings.clientRetentionDays * 86_400_000).toISOString();
  await db.deleteFrom('oauth_pending_authorizations').where('expires_at', '<', at).execute();
  await db.deleteFrom('oauth_codes').where('expires_at', '<', dayAgo).execute();
  await db.deleteFrom('web_sessions').where('expires_at', '<', at).execute();
  await db.deleteFrom('login_links').where('expires_at', '<', dayAgo).execute();
  await db.deleteFrom('oauth_access_tokens').where('expires_at', '<', at).execute();
  await db.deleteFrom('oauth_refresh_tokens').where('expires_at', '<', at).execute();
  await db
    .deleteFrom('oauth_grants')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<', at),
        eb('last_used_at', '<', idleLimit),
        eb.and([eb('revoked_at', 'is not', null), eb('revoked_at', '<', dayAgo)]),
      ]),
    )
    .execute();
  // Registrations nobody used for the retention period and that hold no grant (Kimi Code registers anew at
  // every login, so unused registrations pile up otherwise). Cached metadata documents are fetched again.
  await db
    .deleteFrom('oauth_clients')
    .where(sql<string>`coalesce(last_used_at, created_at)`, '<', clientLimit)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('oauth_grants')
            .select('oauth_grants.id')
            .whereRef('oauth_grants.client_id', '=', 'oauth_clients.client_id'),
        ),
      ),
    )
    .execute();
}
