/**
 * Atlassian OAuth 2.0 (3LO) for the Confluence emulator (upstream-apis.md §2.2), and the OAuth scopes of every
 * Confluence operation.
 *
 * Hosts. The emulated site root is `{origin}{basePath}` (what `https://x.atlassian.net` is upstream). The two other
 * Atlassian hosts of the flow live under the same root:
 *
 * | upstream                                                    | emulator                                          |
 * |-------------------------------------------------------------|---------------------------------------------------|
 * | `https://auth.atlassian.com/authorize`                      | `{basePath}/oauth/authorize`                      |
 * | `https://auth.atlassian.com/oauth/token`                    | `{basePath}/oauth/token`                          |
 * | `https://api.atlassian.com/oauth/token/accessible-resources`| `{basePath}/oauth/token/accessible-resources`     |
 * | `https://api.atlassian.com/me`                              | `{basePath}/me`                                   |
 * | `https://api.atlassian.com/ex/confluence/{cloudId}/wiki/…`  | `{basePath}/ex/confluence/{cloudId}/wiki/…`       |
 *
 * A 3LO access token works only on the `/ex/confluence/{cloudId}` form, Basic (API token) credentials only on the
 * site form, as upstream (both refusals are 401; see `authenticator` in http.ts). On the API host every operation
 * needs the scopes of `CONFLUENCE_OPERATION_SCOPES` (below); a missing one is a 403 with the API gateway's body
 * naming it, `{"code":403,"message":"Unauthorized; scope does not match. Missing scope(s): …"}`. (Upstream sends
 * that message with status 401 and `X-Failure-Category: FAILURE_CLIENT_SCOPE_CHECK`; the emulator uses 403 so that
 * clients can tell "re-consent with more scopes" from "log in again".)
 *
 * Consent. Upstream the user logs in and approves on auth.atlassian.com; here `GET {basePath}/oauth/authorize` shows
 * a small HTML page listing the app and the scopes, with a picker of the emulator's users and Approve / Deny buttons
 * (a form POST back to the same URL). Tests and scripts skip the page with one extra query parameter on the
 * authorize URL:
 *   - `auto_approve_as=<accountId or email>`: approve at once as that emulator user (302 to the redirect URI);
 *   - `auto_deny=true`: deny at once (302 with `error=access_denied`).
 *
 * Tokens. Access tokens last 1 hour and are registered with `state.registerAccessToken`. Refresh tokens are issued
 * only when `offline_access` is granted and ROTATE: each exchange returns a new pair. The exchanged refresh token and
 * its companion access token stay valid for a 10-minute leeway (retries, concurrent workers); exchanging it again
 * inside the leeway works and revokes its companion access token; exchanging it after the leeway invalidates the whole
 * token family (every token of that consent) and answers `invalid_grant`. Refresh tokens also expire after 90 days
 * unused and 365 days after consent. The clock is the emulator's (`now` option), so tests move time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { normalizeBasePath, parseBasicAuth, parseBearer } from '../framework.ts';
import type { ConfluenceEnv } from './http.ts';
import type { ConfluenceState, ConfluenceUser } from './state.ts';
import { escapeHtml } from './storage-format.ts';

/** The emulated site's cloud id (stable: the same in every run, like a real site's). */
export const CONFLUENCE_CLOUD_ID = '5f1c9a3e-7d24-4b8e-9c61-2a0f8e4d3b71';
/** The emulated site's name (`{name}.atlassian.net` upstream). */
export const CONFLUENCE_SITE_NAME = 'switchboard-demo';
export const ATLASSIAN_AUDIENCE = 'api.atlassian.com';

export const ACCESS_TOKEN_TTL_SECONDS = 3600;
/** How long a rotated refresh token (and its companion access token) stays usable. */
export const REFRESH_TOKEN_LEEWAY_MS = 10 * 60_000;
/** A refresh token not used for this long expires. */
export const REFRESH_TOKEN_INACTIVITY_MS = 90 * 86_400_000;
/** Every refresh token of a consent expires this long after the consent. */
export const REFRESH_TOKEN_ABSOLUTE_MS = 365 * 86_400_000;
/** Lifetime of an authorization code and of an unanswered consent page. */
export const AUTHORIZATION_CODE_TTL_MS = 10 * 60_000;

/** An OAuth 2.0 integration registered in the (emulated) developer console. */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  /** Shown on the consent page. */
  name: string;
  /** Callback URLs accepted as `redirect_uri` (exact match, as upstream); `'any'` accepts every http(s) URL. */
  redirectUris: readonly string[] | 'any';
  /** Scopes configured for the app; `undefined`: any scope may be requested. */
  scopes?: readonly string[];
}

/**
 * The emulator's built-in client, for the gateway's demo OAuth configuration. Its secret is public (it is demo
 * data); it accepts any redirect URI because the gateway's port changes between runs.
 */
export const CONFLUENCE_DEMO_OAUTH_CLIENT: Readonly<OAuthClient> = Object.freeze({
  clientId: 'switchboard-demo-confluence',
  clientSecret: 'demo-confluence-oauth-client-secret',
  name: 'Switchboard (demo)',
  redirectUris: 'any',
});

/** What an access token stands for. */
export interface AccessGrant {
  accountId: string;
  /** `null` for a token registered directly with `state.registerAccessToken` (no client; every scope). */
  clientId: string | null;
  /** Granted scopes; `null`: every scope (directly registered tokens). */
  scopes: readonly string[] | null;
  /** Epoch ms; `null`: does not expire. */
  expiresAt: number | null;
}

/** `{"error", "error_description"}` from the token endpoint, with its status. */
export class OAuthTokenError extends Error {
  readonly status: number;
  readonly error: string;
  constructor(status: number, error: string, description: string) {
    super(description);
    this.name = 'OAuthTokenError';
    this.status = status;
    this.error = error;
  }
}

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  scope: string;
  refresh_token?: string;
}

interface PendingConsent {
  id: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string | null;
  codeChallenge: string | null;
  expiresAt: number;
}

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  accountId: string;
  scopes: string[];
  codeChallenge: string | null;
  expiresAt: number;
  /** Set once exchanged; a second exchange revokes this family. */
  familyId: string | null;
}

interface Family {
  id: string;
  clientId: string;
  accountId: string;
  scopes: string[];
  createdAt: number;
  revoked: boolean;
  accessTokens: Set<string>;
  refreshTokens: Set<string>;
}

interface AccessRecord {
  familyId: string;
  expiresAt: number;
}

interface RefreshRecord {
  familyId: string;
  issuedAt: number;
  /** The access token issued with it. */
  companion: string;
  /** When it was first exchanged (it then lives for the leeway only). */
  rotatedAt: number | null;
}

const INVALID_CODE = 'Invalid authorization code';
const INVALID_REFRESH = 'Unknown or invalid refresh token.';
const SCOPE_SYNTAX = /^[A-Za-z][A-Za-z0-9._:-]*$/;
const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43,128}$/;
const PKCE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

const token = (bytes = 32) => randomBytes(bytes).toString('base64url');

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Authorization-server and token state of one emulator: clients, consents, codes, token families. */
export class ConfluenceOAuth {
  readonly cloudId: string;
  readonly siteName: string;
  /** The emulator's data (users, the token registry); the clock is `state.now`. */
  readonly state: ConfluenceState;
  readonly #clients = new Map<string, OAuthClient>();
  readonly #consents = new Map<string, PendingConsent>();
  readonly #codes = new Map<string, CodeRecord>();
  readonly #families = new Map<string, Family>();
  readonly #access = new Map<string, AccessRecord>();
  readonly #refresh = new Map<string, RefreshRecord>();

  constructor(opts: { state: ConfluenceState; cloudId?: string; siteName?: string }) {
    this.state = opts.state;
    this.cloudId = opts.cloudId ?? CONFLUENCE_CLOUD_ID;
    this.siteName = opts.siteName ?? CONFLUENCE_SITE_NAME;
    this.registerClient(CONFLUENCE_DEMO_OAUTH_CLIENT);
  }

  /** Adds (or replaces) an OAuth client. Clients survive `reset()`: they are configuration, not data. */
  registerClient(client: OAuthClient): void {
    if (!client.clientId || !client.clientSecret) {
      throw new Error('registerClient: clientId and clientSecret are required');
    }
    this.#clients.set(client.clientId, { ...client });
  }

  client(clientId: string): OAuthClient | undefined {
    return this.#clients.get(clientId);
  }

  /** Drops consents, codes and tokens (the state's token registrations are cleared by `state.clear()`). */
  reset(): void {
    for (const t of this.#access.keys()) this.state.revokeAccessToken(t);
    this.#consents.clear();
    this.#codes.clear();
    this.#families.clear();
    this.#access.clear();
    this.#refresh.clear();
  }

  #now(): number {
    return this.state.now().getTime();
  }

  /**
   * Forgets what can no longer be used: expired consents, codes and access tokens, and families past their absolute
   * expiry. Rotated refresh tokens stay until then, so a late reuse is still recognized (and kills its family).
   */
  #prune(): void {
    const now = this.#now();
    for (const [id, c] of this.#consents) if (now >= c.expiresAt) this.#consents.delete(id);
    for (const [code, c] of this.#codes) if (now >= c.expiresAt) this.#codes.delete(code);
    for (const [t, a] of this.#access) if (now >= a.expiresAt) this.#dropAccess(t);
    for (const [id, f] of this.#families) {
      if (now < f.createdAt + REFRESH_TOKEN_ABSOLUTE_MS) continue;
      this.#revokeFamily(id);
      this.#families.delete(id);
    }
  }

  /**
   * The grant behind a Bearer token, or `undefined` when it is unknown, expired or revoked. A token registered
   * directly with `state.registerAccessToken` (not through this flow) acts as a 3LO token with every scope.
   */
  accessGrant(accessToken: string): AccessGrant | undefined {
    const accountId = this.state.accessTokens.get(accessToken);
    if (!accountId) return undefined;
    const rec = this.#access.get(accessToken);
    if (!rec) return { accountId, clientId: null, scopes: null, expiresAt: null };
    const family = this.#families.get(rec.familyId);
    if (!family || family.revoked || this.#now() >= rec.expiresAt) {
      this.#dropAccess(accessToken);
      return undefined;
    }
    return { accountId, clientId: family.clientId, scopes: family.scopes, expiresAt: rec.expiresAt };
  }

  // --- authorization ------------------------------------------------------------------------------------------

  /**
   * Checks an authorize request. Problems with the client or the redirect URI are shown to the user (never
   * redirected); the others go back to the app as `error=` on the redirect URI, as upstream.
   */
  startAuthorization(
    params: URLSearchParams,
  ): { consent: PendingConsent } | { page: { status: number; message: string } } | { redirect: string } {
    const clientId = params.get('client_id') ?? '';
    const client = this.#clients.get(clientId);
    if (!client) return { page: { status: 400, message: `Unknown client_id "${clientId}".` } };
    const redirectUri = params.get('redirect_uri') ?? '';
    const redirectProblem = this.#redirectProblem(client, redirectUri);
    if (redirectProblem) return { page: { status: 400, message: redirectProblem } };
    const state = params.get('state');
    const fail = (error: string, description: string) => ({
      redirect: withParams(redirectUri, { error, error_description: description, state }),
    });

    if (params.get('response_type') !== 'code') {
      return fail('unsupported_response_type', 'response_type must be "code"');
    }
    const audience = params.get('audience');
    if (audience !== null && audience !== ATLASSIAN_AUDIENCE) {
      return fail('invalid_request', `audience must be "${ATLASSIAN_AUDIENCE}"`);
    }
    const scopes = [...new Set((params.get('scope') ?? '').split(/\s+/).filter(Boolean))];
    if (scopes.length === 0) return fail('invalid_scope', 'scope is required (space-separated scopes)');
    const malformed = scopes.find((s) => !SCOPE_SYNTAX.test(s));
    if (malformed) return fail('invalid_scope', `"${malformed}" is not a scope`);
    if (client.scopes) {
      const notConfigured = scopes.filter((s) => s !== 'offline_access' && !client.scopes?.includes(s));
      if (notConfigured.length > 0) {
        return fail('invalid_scope', `scopes not configured for this app: ${notConfigured.join(' ')}`);
      }
    }
    const challenge = params.get('code_challenge');
    const method = params.get('code_challenge_method');
    if (challenge !== null || method !== null) {
      if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
      if (!challenge || !PKCE_CHALLENGE.test(challenge)) {
        return fail('invalid_request', 'code_challenge must be the base64url SHA-256 of the code verifier');
      }
    }
    this.#prune();
    const consent: PendingConsent = {
      id: token(18),
      clientId,
      redirectUri,
      scopes,
      state,
      codeChallenge: challenge,
      expiresAt: this.#now() + AUTHORIZATION_CODE_TTL_MS,
    };
    this.#consents.set(consent.id, consent);
    return { consent };
  }

  #redirectProblem(client: OAuthClient, redirectUri: string): string | undefined {
    if (!redirectUri) return 'redirect_uri is required.';
    let url: URL;
    try {
      url = new URL(redirectUri);
    } catch {
      return `redirect_uri "${redirectUri}" is not an absolute URL.`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'redirect_uri must be an http(s) URL.';
    if (url.hash) return 'redirect_uri must not have a fragment.';
    if (client.redirectUris !== 'any' && !client.redirectUris.includes(redirectUri)) {
      return `redirect_uri "${redirectUri}" does not match the callback URL of the app "${client.name}".`;
    }
    return undefined;
  }

  /** A consent page still waiting for an answer. */
  pendingConsent(id: string): PendingConsent | undefined {
    const consent = this.#consents.get(id);
    if (consent && this.#now() >= consent.expiresAt) {
      this.#consents.delete(id);
      return undefined;
    }
    return consent;
  }

  /** Answers a consent: the redirect URL carrying `code` (approved) or `error=access_denied`. Single use. */
  decide(consentId: string, decision: { approveAs: string } | 'deny'): string {
    const consent = this.pendingConsent(consentId);
    if (!consent) throw new Error('This authorization request has expired or was already answered; start again.');
    this.#consents.delete(consentId);
    if (decision === 'deny') {
      return withParams(consent.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied the request',
        state: consent.state,
      });
    }
    const user = this.#user(decision.approveAs);
    if (!user) throw new Error(`No emulator user with the account id or email "${decision.approveAs}".`);
    const code = token();
    this.#codes.set(code, {
      clientId: consent.clientId,
      redirectUri: consent.redirectUri,
      accountId: user.accountId,
      scopes: consent.scopes,
      codeChallenge: consent.codeChallenge,
      expiresAt: this.#now() + AUTHORIZATION_CODE_TTL_MS,
      familyId: null,
    });
    return withParams(consent.redirectUri, { code, state: consent.state });
  }

  #user(idOrEmail: string): ConfluenceUser | undefined {
    return this.state.users.get(idOrEmail) ?? this.state.userByEmail(idOrEmail);
  }

  // --- token endpoint -----------------------------------------------------------------------------------------

  /** Checks the client's credentials (body or Basic); 401 `access_denied` otherwise. */
  authenticateClient(clientId: string | undefined, clientSecret: string | undefined): OAuthClient {
    const client = clientId ? this.#clients.get(clientId) : undefined;
    if (!client || !clientSecret || !safeEqual(client.clientSecret, clientSecret)) {
      throw new OAuthTokenError(401, 'access_denied', 'Unauthorized');
    }
    return client;
  }

  /** `grant_type=authorization_code`. */
  exchangeCode(
    client: OAuthClient,
    input: { code?: string; redirectUri?: string; codeVerifier?: string },
  ): TokenResponse {
    if (!input.code) throw new OAuthTokenError(400, 'invalid_request', 'code is required');
    if (!input.redirectUri) throw new OAuthTokenError(400, 'invalid_request', 'redirect_uri is required');
    const rec = this.#codes.get(input.code);
    if (!rec || rec.clientId !== client.clientId) throw new OAuthTokenError(403, 'invalid_grant', INVALID_CODE);
    if (rec.familyId) {
      // A code is single-use: replaying it revokes what it produced (RFC 6749 §4.1.2).
      this.#revokeFamily(rec.familyId);
      throw new OAuthTokenError(403, 'invalid_grant', INVALID_CODE);
    }
    if (this.#now() >= rec.expiresAt || rec.redirectUri !== input.redirectUri) {
      throw new OAuthTokenError(403, 'invalid_grant', INVALID_CODE);
    }
    if (rec.codeChallenge) {
      const v = input.codeVerifier;
      if (!v || !PKCE_VERIFIER.test(v)) throw new OAuthTokenError(403, 'invalid_grant', INVALID_CODE);
      const computed = createHash('sha256').update(v).digest('base64url');
      if (!safeEqual(computed, rec.codeChallenge)) throw new OAuthTokenError(403, 'invalid_grant', INVALID_CODE);
    }
    const family: Family = {
      id: token(12),
      clientId: client.clientId,
      accountId: rec.accountId,
      scopes: rec.scopes,
      createdAt: this.#now(),
      revoked: false,
      accessTokens: new Set(),
      refreshTokens: new Set(),
    };
    this.#families.set(family.id, family);
    rec.familyId = family.id;
    return this.#issue(family);
  }

  /** `grant_type=refresh_token`, with rotation, the leeway and family invalidation. */
  refresh(client: OAuthClient, refreshToken: string | undefined): TokenResponse {
    if (!refreshToken) throw new OAuthTokenError(400, 'invalid_request', 'refresh_token is required');
    const rec = this.#refresh.get(refreshToken);
    const family = rec ? this.#families.get(rec.familyId) : undefined;
    if (!rec || !family || family.revoked || family.clientId !== client.clientId) {
      throw new OAuthTokenError(403, 'invalid_grant', INVALID_REFRESH);
    }
    const now = this.#now();
    if (now >= rec.issuedAt + REFRESH_TOKEN_INACTIVITY_MS || now >= family.createdAt + REFRESH_TOKEN_ABSOLUTE_MS) {
      this.#refresh.delete(refreshToken);
      family.refreshTokens.delete(refreshToken);
      throw new OAuthTokenError(403, 'invalid_grant', INVALID_REFRESH);
    }
    if (rec.rotatedAt === null) {
      rec.rotatedAt = now;
      // The companion access token stays valid through the leeway at most.
      const companion = this.#access.get(rec.companion);
      if (companion) companion.expiresAt = Math.min(companion.expiresAt, now + REFRESH_TOKEN_LEEWAY_MS);
    } else if (now - rec.rotatedAt <= REFRESH_TOKEN_LEEWAY_MS) {
      // A retry inside the leeway: allowed; the companion access token goes now.
      this.#dropAccess(rec.companion);
    } else {
      // Reuse of a rotated token after the leeway: treat as stolen, kill the whole family (forces re-consent).
      this.#revokeFamily(family.id);
      throw new OAuthTokenError(403, 'invalid_grant', INVALID_REFRESH);
    }
    return this.#issue(family);
  }

  #issue(family: Family): TokenResponse {
    this.#prune();
    const now = this.#now();
    const accessToken = token();
    this.state.registerAccessToken(accessToken, family.accountId);
    this.#access.set(accessToken, { familyId: family.id, expiresAt: now + ACCESS_TOKEN_TTL_SECONDS * 1000 });
    family.accessTokens.add(accessToken);
    const out: TokenResponse = {
      access_token: accessToken,
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      token_type: 'Bearer',
      scope: family.scopes.join(' '),
    };
    if (family.scopes.includes('offline_access')) {
      const refreshToken = token(48);
      this.#refresh.set(refreshToken, { familyId: family.id, issuedAt: now, companion: accessToken, rotatedAt: null });
      family.refreshTokens.add(refreshToken);
      out.refresh_token = refreshToken;
    }
    return out;
  }

  #dropAccess(accessToken: string): void {
    this.state.revokeAccessToken(accessToken);
    const rec = this.#access.get(accessToken);
    if (rec) this.#families.get(rec.familyId)?.accessTokens.delete(accessToken);
    this.#access.delete(accessToken);
  }

  #revokeFamily(familyId: string): void {
    const family = this.#families.get(familyId);
    if (!family) return;
    family.revoked = true;
    for (const t of [...family.accessTokens]) this.#dropAccess(t);
    for (const t of family.refreshTokens) this.#refresh.delete(t);
    family.refreshTokens.clear();
  }

  /** What `accessible-resources` lists for a grant: the one emulated site. */
  accessibleResources(grant: AccessGrant, siteUrl: string) {
    const scopes = grant.scopes === null ? allKnownScopes() : grant.scopes.filter((s) => s !== 'offline_access');
    return [
      {
        id: this.cloudId,
        name: this.siteName,
        url: siteUrl,
        scopes,
        avatarUrl: `${siteUrl}/wiki/images/logo/default-space-logo.svg`,
      },
    ];
  }
}

/** `url` with these query parameters added (null/undefined ones skipped). */
function withParams(url: string, params: Record<string, string | null | undefined>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

/** The JSON error body of the API gateway host (api.atlassian.com), e.g. `{"code":401,"message":"Unauthorized"}`. */
export function gatewayError(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ code: status, message }), {
    status,
    headers: { 'Content-Type': 'application/json;charset=UTF-8', ...headers },
  });
}

/** The missing scopes, as the 403 body names them. */
export function insufficientScope(missing: readonly string[]): Response {
  return gatewayError(403, `Unauthorized; scope does not match. Missing scope(s): ${missing.join(' ')}`, {
    'X-Failure-Category': 'FAILURE_CLIENT_SCOPE_CHECK',
  });
}

function tokenError(e: OAuthTokenError): Response {
  return new Response(JSON.stringify({ error: e.error, error_description: e.message }), {
    status: e.status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' },
  });
}

async function tokenRequestFields(c: Context): Promise<Record<string, string>> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const text = await c.req.text();
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new OAuthTokenError(
      400,
      'invalid_request',
      'The body must be a JSON object (Content-Type: application/json)',
    );
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new OAuthTokenError(400, 'invalid_request', 'The body must be a JSON object');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string') out[k] = v;
    else if (v !== null && v !== undefined) {
      throw new OAuthTokenError(400, 'invalid_request', `${k} must be a string`);
    }
  }
  return out;
}

function htmlPage(status: number, title: string, body: string): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",sans-serif;max-width:36rem;margin:3rem auto;color:#172b4d}
code{background:#f4f5f7;padding:0 .2em}button{font-size:1rem;padding:.4rem 1rem;margin-right:.5rem}</style>
</head><body>${body}</body></html>`;
  return new Response(html, {
    status,
    headers: { 'Content-Type': 'text/html;charset=UTF-8', 'Cache-Control': 'no-store' },
  });
}

function consentPage(oauth: ConfluenceOAuth, consent: PendingConsent, users: ConfluenceUser[], action: string) {
  const client = oauth.client(consent.clientId);
  const scopes = consent.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  const options = users
    .map(
      (u) =>
        `<option value="${escapeHtml(u.accountId)}">${escapeHtml(u.displayName)} (${escapeHtml(u.email)})</option>`,
    )
    .join('');
  return htmlPage(
    200,
    'Authorize app',
    `<h1>${escapeHtml(client?.name ?? consent.clientId)} is requesting access to your Atlassian account</h1>
<p>Site: <strong>${escapeHtml(oauth.siteName)}</strong> (Switchboard Confluence emulator)</p>
<p>It wants to:</p><ul>${scopes}</ul>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="request_id" value="${escapeHtml(consent.id)}">
<p><label>Approve as <select name="account_id">${options}</select></label></p>
<p><button type="submit" name="decision" value="approve">Accept</button>
<button type="submit" name="decision" value="deny">Cancel</button></p>
</form>`,
  );
}

const redirect = (location: string) =>
  new Response(null, { status: 302, headers: { Location: location, 'Cache-Control': 'no-store' } });

/**
 * Mounts the authorization server (`/oauth/authorize`, `/oauth/token`) and the API-host identity endpoints
 * (`/oauth/token/accessible-resources`, `/me`) on the emulator app (whose basePath is the site root).
 */
export function mountOAuthRoutes(app: Hono<ConfluenceEnv>, oauth: ConfluenceOAuth, basePath: string): void {
  const base = normalizeBasePath(basePath);
  const users = (state: ConfluenceState) => [...state.users.values()];

  app.get('/oauth/authorize', (c) => {
    const params = new URL(c.req.url).searchParams;
    const started = oauth.startAuthorization(params);
    if ('page' in started) {
      return htmlPage(
        started.page.status,
        'Something went wrong',
        `<h1>Something went wrong</h1><p>${escapeHtml(started.page.message)}</p>`,
      );
    }
    if ('redirect' in started) return redirect(started.redirect);
    const { consent } = started;
    try {
      const approveAs = params.get('auto_approve_as');
      if (approveAs) return redirect(oauth.decide(consent.id, { approveAs }));
      if (params.get('auto_deny') === 'true') return redirect(oauth.decide(consent.id, 'deny'));
    } catch (e) {
      return htmlPage(
        400,
        'Something went wrong',
        `<h1>Something went wrong</h1><p>${escapeHtml((e as Error).message)}</p>`,
      );
    }
    return consentPage(oauth, consent, users(oauth.state), `${base}/oauth/authorize`);
  });

  app.post('/oauth/authorize', async (c) => {
    const form = await c.req.parseBody();
    const id = typeof form.request_id === 'string' ? form.request_id : '';
    const decision = form.decision;
    const accountId = typeof form.account_id === 'string' ? form.account_id : '';
    try {
      if (decision === 'deny') return redirect(oauth.decide(id, 'deny'));
      if (decision !== 'approve') throw new Error('decision must be approve or deny.');
      return redirect(oauth.decide(id, { approveAs: accountId }));
    } catch (e) {
      return htmlPage(
        400,
        'Something went wrong',
        `<h1>Something went wrong</h1><p>${escapeHtml((e as Error).message)}</p>`,
      );
    }
  });

  app.post('/oauth/token', async (c) => {
    try {
      const fields = await tokenRequestFields(c);
      // client_secret_post (Atlassian's documented form) or client_secret_basic.
      const basic = parseBasicAuth(c.req.header('authorization'));
      const clientId = fields.client_id ?? basic?.user;
      const secret = fields.client_secret ?? (basic?.user === clientId ? basic?.secret : undefined);
      const client = oauth.authenticateClient(clientId, secret);
      let body: TokenResponse;
      if (fields.grant_type === 'authorization_code') {
        body = oauth.exchangeCode(client, {
          code: fields.code,
          redirectUri: fields.redirect_uri,
          codeVerifier: fields.code_verifier,
        });
      } else if (fields.grant_type === 'refresh_token') {
        body = oauth.refresh(client, fields.refresh_token);
      } else {
        throw new OAuthTokenError(
          400,
          'unsupported_grant_type',
          fields.grant_type ? `grant_type ${fields.grant_type} is not supported` : 'grant_type is required',
        );
      }
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      });
    } catch (e) {
      if (e instanceof OAuthTokenError) return tokenError(e);
      throw e;
    }
  });

  const bearerGrant = (c: Context) => {
    const t = parseBearer(c.req.header('authorization'));
    return t ? oauth.accessGrant(t) : undefined;
  };
  const unauthorized = () =>
    gatewayError(401, 'Unauthorized', { 'WWW-Authenticate': 'Bearer realm="api.atlassian.com"' });

  app.get('/oauth/token/accessible-resources', (c) => {
    const grant = bearerGrant(c);
    if (!grant) return unauthorized();
    const siteUrl = `${new URL(c.req.url).origin}${base}`;
    return c.json(oauth.accessibleResources(grant, siteUrl));
  });

  app.get('/me', (c) => {
    const grant = bearerGrant(c);
    if (!grant) return unauthorized();
    if (grant.scopes !== null && !grant.scopes.includes('read:me')) return insufficientScope(['read:me']);
    const user = oauth.state.users.get(grant.accountId);
    if (!user) return unauthorized();
    return c.json({
      account_type: 'atlassian',
      account_id: user.accountId,
      email: user.email,
      name: user.displayName,
      picture: `${new URL(c.req.url).origin}${base}/wiki/aa-avatar/default.png`,
      account_status: 'active',
      nickname: user.publicName,
      zoneinfo: user.timeZone,
      locale: 'en-US',
      extended_profile: {},
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Scopes of every operation

/**
 * `METHOD /site/path/{param}` → the OAuth scopes a 3LO token needs for the operation: the set Atlassian's spec marks
 * "Current" in its `x-atlassian-oauth2-scopes` (granular for v2, classic for v1). Every operation of the v2 and v1
 * documents that has scopes is listed (those without, such as admin keys and Connect dynamic modules, are closed to
 * 3LO apps). Written out from the specs, which are test data only; test/emulators/confluence-oauth.test.ts checks the
 * table against them and against tool-endpoint-map.json.
 */
export const CONFLUENCE_OPERATION_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'GET /wiki/api/v2/app/properties': ['read:app-data:confluence'],
  'GET /wiki/api/v2/app/properties/{propertyKey}': ['read:app-data:confluence'],
  'PUT /wiki/api/v2/app/properties/{propertyKey}': ['write:app-data:confluence'],
  'DELETE /wiki/api/v2/app/properties/{propertyKey}': ['write:app-data:confluence'],
  'GET /wiki/api/v2/attachments': ['read:attachment:confluence'],
  'GET /wiki/api/v2/attachments/{attachment-id}/properties': ['read:attachment:confluence'],
  'POST /wiki/api/v2/attachments/{attachment-id}/properties': [
    'read:attachment:confluence',
    'write:attachment:confluence',
  ],
  'GET /wiki/api/v2/attachments/{attachment-id}/properties/{property-id}': ['read:attachment:confluence'],
  'PUT /wiki/api/v2/attachments/{attachment-id}/properties/{property-id}': [
    'read:attachment:confluence',
    'write:attachment:confluence',
  ],
  'DELETE /wiki/api/v2/attachments/{attachment-id}/properties/{property-id}': [
    'read:attachment:confluence',
    'write:attachment:confluence',
  ],
  'GET /wiki/api/v2/attachments/{attachment-id}/versions/{version-number}': ['read:attachment:confluence'],
  'GET /wiki/api/v2/attachments/{id}': ['read:attachment:confluence'],
  'DELETE /wiki/api/v2/attachments/{id}': ['delete:attachment:confluence'],
  'GET /wiki/api/v2/attachments/{id}/footer-comments': ['read:comment:confluence'],
  'GET /wiki/api/v2/attachments/{id}/labels': ['read:attachment:confluence'],
  'GET /wiki/api/v2/attachments/{id}/operations': ['read:attachment:confluence'],
  'GET /wiki/api/v2/attachments/{id}/thumbnail/download': ['read:attachment:confluence'],
  'GET /wiki/api/v2/attachments/{id}/versions': ['read:attachment:confluence'],
  'GET /wiki/api/v2/blogposts': ['read:page:confluence'],
  'POST /wiki/api/v2/blogposts': ['write:page:confluence'],
  'GET /wiki/api/v2/blogposts/{blogpost-id}/properties': ['read:page:confluence'],
  'POST /wiki/api/v2/blogposts/{blogpost-id}/properties': ['read:page:confluence', 'write:page:confluence'],
  'GET /wiki/api/v2/blogposts/{blogpost-id}/properties/{property-id}': ['read:page:confluence'],
  'PUT /wiki/api/v2/blogposts/{blogpost-id}/properties/{property-id}': [
    'read:page:confluence',
    'write:page:confluence',
  ],
  'DELETE /wiki/api/v2/blogposts/{blogpost-id}/properties/{property-id}': [
    'read:page:confluence',
    'write:page:confluence',
  ],
  'GET /wiki/api/v2/blogposts/{blogpost-id}/versions/{version-number}': ['read:page:confluence'],
  'GET /wiki/api/v2/blogposts/{id}': ['read:page:confluence'],
  'PUT /wiki/api/v2/blogposts/{id}': ['write:page:confluence'],
  'DELETE /wiki/api/v2/blogposts/{id}': ['delete:page:confluence'],
  'GET /wiki/api/v2/blogposts/{id}/attachments': ['read:attachment:confluence'],
  'GET /wiki/api/v2/blogposts/{id}/classification-level': ['read:page:confluence', 'write:page:confluence'],
  'PUT /wiki/api/v2/blogposts/{id}/classification-level': ['write:page:confluence'],
  'POST /wiki/api/v2/blogposts/{id}/classification-level/reset': ['write:page:confluence'],
  'GET /wiki/api/v2/blogposts/{id}/custom-content': ['read:custom-content:confluence'],
  'GET /wiki/api/v2/blogposts/{id}/footer-comments': ['read:comment:confluence'],
  'GET /wiki/api/v2/blogposts/{id}/inline-comments': ['read:comment:confluence'],
  'GET /wiki/api/v2/blogposts/{id}/labels': ['read:page:confluence'],
  'GET /wiki/api/v2/blogposts/{id}/likes/count': ['read:page:confluence'],
  'GET /wiki/api/v2/blogposts/{id}/likes/users': ['read:page:confluence'],
  'GET /wiki/api/v2/blogposts/{id}/operations': ['read:page:confluence'],
  'POST /wiki/api/v2/blogposts/{id}/redact': ['write:page:confluence'],
  'GET /wiki/api/v2/blogposts/{id}/versions': ['read:page:confluence'],
  'GET /wiki/api/v2/classification-levels': ['read:configuration:confluence'],
  'GET /wiki/api/v2/comments/{comment-id}/properties': ['read:comment:confluence'],
  'POST /wiki/api/v2/comments/{comment-id}/properties': ['read:comment:confluence', 'write:comment:confluence'],
  'GET /wiki/api/v2/comments/{comment-id}/properties/{property-id}': ['read:comment:confluence'],
  'PUT /wiki/api/v2/comments/{comment-id}/properties/{property-id}': [
    'read:comment:confluence',
    'write:comment:confluence',
  ],
  'DELETE /wiki/api/v2/comments/{comment-id}/properties/{property-id}': [
    'read:comment:confluence',
    'write:comment:confluence',
  ],
  'POST /wiki/api/v2/content/convert-ids-to-types': ['read:content.metadata:confluence'],
  'GET /wiki/api/v2/custom-content': ['read:custom-content:confluence'],
  'POST /wiki/api/v2/custom-content': ['write:custom-content:confluence'],
  'GET /wiki/api/v2/custom-content/{custom-content-id}/properties': ['read:custom-content:confluence'],
  'POST /wiki/api/v2/custom-content/{custom-content-id}/properties': [
    'read:custom-content:confluence',
    'write:custom-content:confluence',
  ],
  'GET /wiki/api/v2/custom-content/{custom-content-id}/properties/{property-id}': ['read:custom-content:confluence'],
  'PUT /wiki/api/v2/custom-content/{custom-content-id}/properties/{property-id}': [
    'read:custom-content:confluence',
    'write:custom-content:confluence',
  ],
  'DELETE /wiki/api/v2/custom-content/{custom-content-id}/properties/{property-id}': [
    'read:custom-content:confluence',
    'write:custom-content:confluence',
  ],
  'GET /wiki/api/v2/custom-content/{custom-content-id}/versions': ['read:custom-content:confluence'],
  'GET /wiki/api/v2/custom-content/{custom-content-id}/versions/{version-number}': ['read:custom-content:confluence'],
  'GET /wiki/api/v2/custom-content/{id}': ['read:custom-content:confluence'],
  'PUT /wiki/api/v2/custom-content/{id}': ['write:custom-content:confluence'],
  'DELETE /wiki/api/v2/custom-content/{id}': ['delete:custom-content:confluence'],
  'GET /wiki/api/v2/custom-content/{id}/attachments': ['read:attachment:confluence'],
  'GET /wiki/api/v2/custom-content/{id}/children': ['read:custom-content:confluence'],
  'GET /wiki/api/v2/custom-content/{id}/footer-comments': ['read:comment:confluence'],
  'GET /wiki/api/v2/custom-content/{id}/labels': ['read:custom-content:confluence'],
  'GET /wiki/api/v2/custom-content/{id}/operations': ['read:custom-content:confluence'],
  'GET /wiki/api/v2/data-policies/metadata': ['read:configuration:confluence'],
  'GET /wiki/api/v2/data-policies/spaces': ['read:space:confluence'],
  'POST /wiki/api/v2/databases': ['write:database:confluence'],
  'GET /wiki/api/v2/databases/{database-id}/properties/{property-id}': ['read:database:confluence'],
  'PUT /wiki/api/v2/databases/{database-id}/properties/{property-id}': [
    'read:database:confluence',
    'write:database:confluence',
  ],
  'DELETE /wiki/api/v2/databases/{database-id}/properties/{property-id}': [
    'read:database:confluence',
    'write:database:confluence',
  ],
  'GET /wiki/api/v2/databases/{id}': ['read:database:confluence'],
  'DELETE /wiki/api/v2/databases/{id}': ['delete:database:confluence'],
  'GET /wiki/api/v2/databases/{id}/ancestors': ['read:content.metadata:confluence'],
  'GET /wiki/api/v2/databases/{id}/classification-level': ['read:database:confluence'],
  'PUT /wiki/api/v2/databases/{id}/classification-level': ['write:database:confluence'],
  'POST /wiki/api/v2/databases/{id}/classification-level/reset': ['write:database:confluence'],
  'GET /wiki/api/v2/databases/{id}/descendants': ['read:hierarchical-content:confluence'],
  'GET /wiki/api/v2/databases/{id}/direct-children': ['read:hierarchical-content:confluence'],
  'GET /wiki/api/v2/databases/{id}/operations': ['read:database:confluence'],
  'GET /wiki/api/v2/databases/{id}/properties': ['read:database:confluence'],
  'POST /wiki/api/v2/databases/{id}/properties': ['read:database:confluence', 'write:database:confluence'],
  'POST /wiki/api/v2/embeds': ['write:embed:confluence'],
  'GET /wiki/api/v2/embeds/{embed-id}/properties/{property-id}': ['read:embed:confluence'],
  'PUT /wiki/api/v2/embeds/{embed-id}/properties/{property-id}': ['read:embed:confluence', 'write:embed:confluence'],
  'DELETE /wiki/api/v2/embeds/{embed-id}/properties/{property-id}': ['read:embed:confluence', 'write:embed:confluence'],
  'GET /wiki/api/v2/embeds/{id}': ['read:embed:confluence'],
  'DELETE /wiki/api/v2/embeds/{id}': ['delete:embed:confluence'],
  'GET /wiki/api/v2/embeds/{id}/ancestors': ['read:content.metadata:confluence'],
  'GET /wiki/api/v2/embeds/{id}/descendants': ['read:hierarchical-content:confluence'],
  'GET /wiki/api/v2/embeds/{id}/direct-children': ['read:hierarchical-content:confluence'],
  'GET /wiki/api/v2/embeds/{id}/operations': ['read:embed:confluence'],
  'GET /wiki/api/v2/embeds/{id}/properties': ['read:embed:confluence'],
  'POST /wiki/api/v2/embeds/{id}/properties': ['read:embed:confluence', 'write:embed:confluence'],
  'POST /wiki/api/v2/folders': ['write:folder:confluence'],
  'GET /wiki/api/v2/folders/{folder-id}/properties/{property-id}': ['read:folder:confluence'],
  'PUT /wiki/api/v2/folders/{folder-id}/properties/{property-id}': [
    'read:folder:confluence',
    'write:folder:confluence',
  ],
  'DELETE /wiki/api/v2/folders/{folder-id}/properties/{property-id}': [
    'read:folder:confluence',
    'write:folder:confluence',
  ],
  'GET /wiki/api/v2/folders/{id}': ['read:folder:confluence'],
  'DELETE /wiki/api/v2/folders/{id}': ['delete:folder:confluence'],
  'GET /wiki/api/v2/folders/{id}/ancestors': ['read:content.metadata:confluence'],
  'GET /wiki/api/v2/folders/{id}/descendants': ['read:hierarchical-content:confluence'],
  'GET /wiki/api/v2/folders/{id}/direct-children': ['read:hierarchical-content:confluence'],
  'GET /wiki/api/v2/folders/{id}/operations': ['read:folder:confluence'],
  'GET /wiki/api/v2/folders/{id}/properties': ['read:folder:confluence'],
  'POST /wiki/api/v2/folders/{id}/properties': ['read:folder:confluence', 'write:folder:confluence'],
  'GET /wiki/api/v2/footer-comments': ['read:comment:confluence'],
  'POST /wiki/api/v2/footer-comments': ['write:comment:confluence'],
  'GET /wiki/api/v2/footer-comments/{comment-id}': ['read:comment:confluence'],
  'PUT /wiki/api/v2/footer-comments/{comment-id}': ['write:comment:confluence'],
  'DELETE /wiki/api/v2/footer-comments/{comment-id}': ['delete:comment:confluence'],
  'GET /wiki/api/v2/footer-comments/{id}/children': ['read:comment:confluence'],
  'GET /wiki/api/v2/footer-comments/{id}/likes/count': ['read:comment:confluence'],
  'GET /wiki/api/v2/footer-comments/{id}/likes/users': ['read:comment:confluence'],
  'GET /wiki/api/v2/footer-comments/{id}/operations': ['read:comment:confluence'],
  'GET /wiki/api/v2/footer-comments/{id}/versions': ['read:comment:confluence'],
  'GET /wiki/api/v2/footer-comments/{id}/versions/{version-number}': ['read:comment:confluence'],
  'GET /wiki/api/v2/inline-comments': ['read:comment:confluence'],
  'POST /wiki/api/v2/inline-comments': ['write:comment:confluence'],
  'GET /wiki/api/v2/inline-comments/{comment-id}': ['read:comment:confluence'],
  'PUT /wiki/api/v2/inline-comments/{comment-id}': ['write:comment:confluence'],
  'DELETE /wiki/api/v2/inline-comments/{comment-id}': ['delete:comment:confluence'],
  'GET /wiki/api/v2/inline-comments/{id}/children': ['read:comment:confluence'],
  'GET /wiki/api/v2/inline-comments/{id}/likes/count': ['read:comment:confluence'],
  'GET /wiki/api/v2/inline-comments/{id}/likes/users': ['read:comment:confluence'],
  'GET /wiki/api/v2/inline-comments/{id}/operations': ['read:comment:confluence'],
  'GET /wiki/api/v2/inline-comments/{id}/versions': ['read:comment:confluence'],
  'GET /wiki/api/v2/inline-comments/{id}/versions/{version-number}': ['read:comment:confluence'],
  'GET /wiki/api/v2/labels': ['read:label:confluence'],
  'GET /wiki/api/v2/labels/{id}/attachments': ['read:attachment:confluence'],
  'GET /wiki/api/v2/labels/{id}/blogposts': ['read:page:confluence'],
  'GET /wiki/api/v2/labels/{id}/pages': ['read:page:confluence'],
  'GET /wiki/api/v2/pages': ['read:page:confluence'],
  'POST /wiki/api/v2/pages': ['write:page:confluence'],
  'GET /wiki/api/v2/pages/{id}': ['read:page:confluence'],
  'PUT /wiki/api/v2/pages/{id}': ['write:page:confluence'],
  'DELETE /wiki/api/v2/pages/{id}': ['delete:page:confluence'],
  'GET /wiki/api/v2/pages/{id}/ancestors': ['read:content.metadata:confluence'],
  'GET /wiki/api/v2/pages/{id}/attachments': ['read:attachment:confluence'],
  'GET /wiki/api/v2/pages/{id}/children': ['read:page:confluence'],
  'GET /wiki/api/v2/pages/{id}/classification-level': ['read:page:confluence', 'write:page:confluence'],
  'PUT /wiki/api/v2/pages/{id}/classification-level': ['write:page:confluence'],
  'POST /wiki/api/v2/pages/{id}/classification-level/reset': ['write:page:confluence'],
  'GET /wiki/api/v2/pages/{id}/custom-content': ['read:custom-content:confluence'],
  'GET /wiki/api/v2/pages/{id}/descendants': ['read:hierarchical-content:confluence'],
  'GET /wiki/api/v2/pages/{id}/direct-children': ['read:hierarchical-content:confluence'],
  'GET /wiki/api/v2/pages/{id}/footer-comments': ['read:comment:confluence'],
  'GET /wiki/api/v2/pages/{id}/inline-comments': ['read:comment:confluence'],
  'GET /wiki/api/v2/pages/{id}/labels': ['read:page:confluence'],
  'GET /wiki/api/v2/pages/{id}/likes/count': ['read:page:confluence'],
  'GET /wiki/api/v2/pages/{id}/likes/users': ['read:page:confluence'],
  'GET /wiki/api/v2/pages/{id}/operations': ['read:page:confluence'],
  'POST /wiki/api/v2/pages/{id}/redact': ['write:page:confluence'],
  'PUT /wiki/api/v2/pages/{id}/title': ['write:page:confluence'],
  'GET /wiki/api/v2/pages/{id}/versions': ['read:page:confluence'],
  'GET /wiki/api/v2/pages/{page-id}/properties': ['read:page:confluence'],
  'POST /wiki/api/v2/pages/{page-id}/properties': ['read:page:confluence', 'write:page:confluence'],
  'GET /wiki/api/v2/pages/{page-id}/properties/{property-id}': ['read:page:confluence'],
  'PUT /wiki/api/v2/pages/{page-id}/properties/{property-id}': ['read:page:confluence', 'write:page:confluence'],
  'DELETE /wiki/api/v2/pages/{page-id}/properties/{property-id}': ['read:page:confluence', 'write:page:confluence'],
  'GET /wiki/api/v2/pages/{page-id}/versions/{version-number}': ['read:page:confluence'],
  'GET /wiki/api/v2/space-permissions': ['read:space.permission:confluence'],
  'GET /wiki/api/v2/space-role-mode': ['read:configuration:confluence'],
  'GET /wiki/api/v2/space-roles': ['read:space.permission:confluence'],
  'POST /wiki/api/v2/space-roles': ['write:configuration:confluence'],
  'GET /wiki/api/v2/space-roles/{id}': ['read:space.permission:confluence'],
  'PUT /wiki/api/v2/space-roles/{id}': ['write:configuration:confluence'],
  'DELETE /wiki/api/v2/space-roles/{id}': ['write:configuration:confluence'],
  'GET /wiki/api/v2/spaces': ['read:space:confluence'],
  'POST /wiki/api/v2/spaces': ['write:space:confluence'],
  'GET /wiki/api/v2/spaces/{id}': ['read:space:confluence'],
  'GET /wiki/api/v2/spaces/{id}/blogposts': ['read:page:confluence'],
  'GET /wiki/api/v2/spaces/{id}/classification-level/default': ['read:space:confluence'],
  'PUT /wiki/api/v2/spaces/{id}/classification-level/default': ['read:space:confluence', 'write:space:confluence'],
  'DELETE /wiki/api/v2/spaces/{id}/classification-level/default': ['read:space:confluence', 'write:space:confluence'],
  'GET /wiki/api/v2/spaces/{id}/content/labels': ['read:space:confluence'],
  'GET /wiki/api/v2/spaces/{id}/custom-content': ['read:custom-content:confluence'],
  'GET /wiki/api/v2/spaces/{id}/labels': ['read:space:confluence'],
  'GET /wiki/api/v2/spaces/{id}/operations': ['read:space:confluence'],
  'GET /wiki/api/v2/spaces/{id}/pages': ['read:page:confluence'],
  'GET /wiki/api/v2/spaces/{id}/permissions': ['read:space:confluence'],
  'GET /wiki/api/v2/spaces/{id}/role-assignments': ['read:space.permission:confluence'],
  'POST /wiki/api/v2/spaces/{id}/role-assignments': ['write:space.permission:confluence'],
  'GET /wiki/api/v2/spaces/{space-id}/properties': ['read:space:confluence'],
  'POST /wiki/api/v2/spaces/{space-id}/properties': ['read:space:confluence', 'write:space:confluence'],
  'GET /wiki/api/v2/spaces/{space-id}/properties/{property-id}': ['read:space:confluence'],
  'PUT /wiki/api/v2/spaces/{space-id}/properties/{property-id}': ['read:space:confluence', 'write:space:confluence'],
  'DELETE /wiki/api/v2/spaces/{space-id}/properties/{property-id}': ['read:space:confluence', 'write:space:confluence'],
  'GET /wiki/api/v2/tasks': ['read:task:confluence'],
  'GET /wiki/api/v2/tasks/{id}': ['read:task:confluence'],
  'PUT /wiki/api/v2/tasks/{id}': ['write:task:confluence'],
  'POST /wiki/api/v2/user/access/check-access-by-email': ['read:configuration:confluence'],
  'POST /wiki/api/v2/user/access/invite-by-email': ['read:configuration:confluence'],
  'POST /wiki/api/v2/users-bulk': ['read:user:confluence'],
  'POST /wiki/api/v2/whiteboards': ['write:whiteboard:confluence'],
  'GET /wiki/api/v2/whiteboards/{id}': ['read:whiteboard:confluence'],
  'DELETE /wiki/api/v2/whiteboards/{id}': ['delete:whiteboard:confluence'],
  'GET /wiki/api/v2/whiteboards/{id}/ancestors': ['read:content.metadata:confluence'],
  'GET /wiki/api/v2/whiteboards/{id}/classification-level': ['read:whiteboard:confluence'],
  'PUT /wiki/api/v2/whiteboards/{id}/classification-level': ['write:whiteboard:confluence'],
  'POST /wiki/api/v2/whiteboards/{id}/classification-level/reset': ['write:whiteboard:confluence'],
  'GET /wiki/api/v2/whiteboards/{id}/descendants': ['read:hierarchical-content:confluence'],
  'GET /wiki/api/v2/whiteboards/{id}/direct-children': ['read:hierarchical-content:confluence'],
  'GET /wiki/api/v2/whiteboards/{id}/operations': ['read:whiteboard:confluence'],
  'GET /wiki/api/v2/whiteboards/{id}/properties': ['read:whiteboard:confluence'],
  'POST /wiki/api/v2/whiteboards/{id}/properties': ['read:whiteboard:confluence', 'write:whiteboard:confluence'],
  'GET /wiki/api/v2/whiteboards/{whiteboard-id}/properties/{property-id}': ['read:whiteboard:confluence'],
  'PUT /wiki/api/v2/whiteboards/{whiteboard-id}/properties/{property-id}': [
    'read:whiteboard:confluence',
    'write:whiteboard:confluence',
  ],
  'DELETE /wiki/api/v2/whiteboards/{whiteboard-id}/properties/{property-id}': [
    'read:whiteboard:confluence',
    'write:whiteboard:confluence',
  ],
  'GET /wiki/rest/api/analytics/content/{contentId}/viewers': ['read:confluence-content.summary'],
  'GET /wiki/rest/api/analytics/content/{contentId}/views': ['read:confluence-content.summary'],
  'GET /wiki/rest/api/audit': ['read:audit-log:confluence'],
  'POST /wiki/rest/api/audit': ['read:audit-log:confluence', 'write:audit-log:confluence'],
  'GET /wiki/rest/api/audit/export': ['read:audit-log:confluence'],
  'GET /wiki/rest/api/audit/retention': ['read:audit-log:confluence'],
  'PUT /wiki/rest/api/audit/retention': ['write:audit-log:confluence'],
  'GET /wiki/rest/api/audit/since': ['read:audit-log:confluence'],
  'GET /wiki/rest/api/content-states': ['read:user.property:confluence'],
  'POST /wiki/rest/api/content/archive': ['write:confluence-content'],
  'POST /wiki/rest/api/content/blueprint/instance/{draftId}': ['write:confluence-content'],
  'PUT /wiki/rest/api/content/blueprint/instance/{draftId}': ['write:confluence-content'],
  'GET /wiki/rest/api/content/search': ['search:confluence'],
  'POST /wiki/rest/api/content/{id}/child/attachment': ['write:confluence-file'],
  'PUT /wiki/rest/api/content/{id}/child/attachment': ['write:confluence-file'],
  'PUT /wiki/rest/api/content/{id}/child/attachment/{attachmentId}': [
    'write:confluence-file',
    'write:confluence-props',
  ],
  'POST /wiki/rest/api/content/{id}/child/attachment/{attachmentId}/data': ['write:confluence-file'],
  'GET /wiki/rest/api/content/{id}/child/attachment/{attachmentId}/download': [
    'readonly:content.attachment:confluence',
  ],
  'POST /wiki/rest/api/content/{id}/copy': ['write:confluence-content'],
  'GET /wiki/rest/api/content/{id}/descendant': ['read:confluence-content.summary'],
  'GET /wiki/rest/api/content/{id}/descendant/{type}': ['read:confluence-content.summary'],
  'GET /wiki/rest/api/content/{id}/history/{version}/macro/id/{macroId}': ['read:confluence-content.all'],
  'GET /wiki/rest/api/content/{id}/history/{version}/macro/id/{macroId}/convert/async/{to}': [
    'read:confluence-content.all',
  ],
  'GET /wiki/rest/api/content/{id}/history/{version}/macro/id/{macroId}/convert/{to}': ['read:confluence-content.all'],
  'POST /wiki/rest/api/content/{id}/label': ['write:confluence-content'],
  'DELETE /wiki/rest/api/content/{id}/label': ['write:confluence-content'],
  'DELETE /wiki/rest/api/content/{id}/label/{label}': ['write:confluence-content'],
  'GET /wiki/rest/api/content/{id}/notification/child-created': ['read:confluence-content.summary'],
  'GET /wiki/rest/api/content/{id}/notification/created': ['read:confluence-content.summary'],
  'DELETE /wiki/rest/api/content/{id}/pageTree': ['write:confluence-content'],
  'POST /wiki/rest/api/content/{id}/pagehierarchy/copy': ['write:confluence-content'],
  'POST /wiki/rest/api/content/{id}/permission/check': ['read:confluence-content.permission'],
  'GET /wiki/rest/api/content/{id}/restriction': ['read:confluence-content.all'],
  'POST /wiki/rest/api/content/{id}/restriction': ['write:confluence-content'],
  'PUT /wiki/rest/api/content/{id}/restriction': ['write:confluence-content'],
  'DELETE /wiki/rest/api/content/{id}/restriction': ['write:confluence-content'],
  'GET /wiki/rest/api/content/{id}/restriction/byOperation': ['read:confluence-content.all'],
  'GET /wiki/rest/api/content/{id}/restriction/byOperation/{operationKey}': ['read:confluence-content.all'],
  'GET /wiki/rest/api/content/{id}/restriction/byOperation/{operationKey}/byGroupId/{groupId}': [
    'read:confluence-content.all',
  ],
  'PUT /wiki/rest/api/content/{id}/restriction/byOperation/{operationKey}/byGroupId/{groupId}': [
    'write:confluence-content',
  ],
  'DELETE /wiki/rest/api/content/{id}/restriction/byOperation/{operationKey}/byGroupId/{groupId}': [
    'write:confluence-content',
  ],
  'GET /wiki/rest/api/content/{id}/restriction/byOperation/{operationKey}/user': ['read:confluence-content.all'],
  'PUT /wiki/rest/api/content/{id}/restriction/byOperation/{operationKey}/user': ['write:confluence-content'],
  'DELETE /wiki/rest/api/content/{id}/restriction/byOperation/{operationKey}/user': ['write:confluence-content'],
  'GET /wiki/rest/api/content/{id}/state': ['read:confluence-content.summary'],
  'PUT /wiki/rest/api/content/{id}/state': ['write:confluence-content'],
  'DELETE /wiki/rest/api/content/{id}/state': ['write:confluence-content'],
  'GET /wiki/rest/api/content/{id}/state/available': ['write:confluence-content'],
  'POST /wiki/rest/api/content/{id}/version': ['write:confluence-content'],
  'DELETE /wiki/rest/api/content/{id}/version/{versionNumber}': ['write:confluence-content'],
  'PUT /wiki/rest/api/content/{pageId}/move/{position}/{targetId}': ['write:confluence-content'],
  'GET /wiki/rest/api/contentbody/convert/async/bulk/tasks': ['read:confluence-content.all'],
  'POST /wiki/rest/api/contentbody/convert/async/bulk/tasks': ['read:confluence-content.all'],
  'GET /wiki/rest/api/contentbody/convert/async/{id}': ['read:confluence-content.all'],
  'POST /wiki/rest/api/contentbody/convert/async/{to}': ['read:confluence-content.all'],
  'GET /wiki/rest/api/group': ['read:confluence-groups'],
  'POST /wiki/rest/api/group': ['write:confluence-groups'],
  'GET /wiki/rest/api/group/by-id': ['read:confluence-groups'],
  'DELETE /wiki/rest/api/group/by-id': ['write:confluence-groups'],
  'GET /wiki/rest/api/group/picker': ['read:confluence-groups'],
  'POST /wiki/rest/api/group/userByGroupId': ['write:confluence-groups'],
  'DELETE /wiki/rest/api/group/userByGroupId': ['write:confluence-groups'],
  'GET /wiki/rest/api/group/{groupId}/membersByGroupId': ['read:confluence-groups'],
  'GET /wiki/rest/api/label': ['read:confluence-content.summary'],
  'GET /wiki/rest/api/longtask': ['read:content.metadata:confluence'],
  'GET /wiki/rest/api/longtask/{id}': ['read:confluence-space.summary'],
  'GET /wiki/rest/api/relation/{relationName}/from/{sourceType}/{sourceKey}/to/{targetType}': [
    'read:confluence-content.summary',
  ],
  'GET /wiki/rest/api/relation/{relationName}/from/{sourceType}/{sourceKey}/to/{targetType}/{targetKey}': [
    'read:confluence-content.summary',
  ],
  'PUT /wiki/rest/api/relation/{relationName}/from/{sourceType}/{sourceKey}/to/{targetType}/{targetKey}': [
    'write:confluence-content',
  ],
  'DELETE /wiki/rest/api/relation/{relationName}/from/{sourceType}/{sourceKey}/to/{targetType}/{targetKey}': [
    'write:confluence-content',
  ],
  'GET /wiki/rest/api/relation/{relationName}/to/{targetType}/{targetKey}/from/{sourceType}': [
    'read:confluence-content.summary',
  ],
  'GET /wiki/rest/api/search': ['search:confluence'],
  'GET /wiki/rest/api/search/user': ['read:content-details:confluence'],
  'GET /wiki/rest/api/settings/lookandfeel': ['manage:confluence-configuration'],
  'PUT /wiki/rest/api/settings/lookandfeel': ['manage:confluence-configuration'],
  'POST /wiki/rest/api/settings/lookandfeel/custom': ['manage:confluence-configuration'],
  'DELETE /wiki/rest/api/settings/lookandfeel/custom': ['manage:confluence-configuration'],
  'GET /wiki/rest/api/settings/systemInfo': ['manage:confluence-configuration'],
  'GET /wiki/rest/api/settings/theme': ['manage:confluence-configuration'],
  'GET /wiki/rest/api/settings/theme/selected': ['manage:confluence-configuration'],
  'GET /wiki/rest/api/settings/theme/{themeKey}': ['manage:confluence-configuration'],
  'POST /wiki/rest/api/space': ['write:confluence-space'],
  'POST /wiki/rest/api/space/_private': ['write:confluence-space'],
  'PUT /wiki/rest/api/space/{spaceKey}': ['write:confluence-space'],
  'DELETE /wiki/rest/api/space/{spaceKey}': ['write:confluence-space'],
  'GET /wiki/rest/api/space/{spaceKey}/label': ['read:confluence-space.summary'],
  'POST /wiki/rest/api/space/{spaceKey}/label': ['write:confluence-space'],
  'DELETE /wiki/rest/api/space/{spaceKey}/label': ['write:confluence-space'],
  'POST /wiki/rest/api/space/{spaceKey}/permission': [
    'read:space.permission:confluence',
    'write:space.permission:confluence',
  ],
  'POST /wiki/rest/api/space/{spaceKey}/permission/custom-content': [
    'read:space.permission:confluence',
    'write:space.permission:confluence',
  ],
  'DELETE /wiki/rest/api/space/{spaceKey}/permission/{id}': ['write:space.permission:confluence'],
  'GET /wiki/rest/api/space/{spaceKey}/settings': ['read:confluence-space.summary'],
  'PUT /wiki/rest/api/space/{spaceKey}/settings': ['write:confluence-space'],
  'GET /wiki/rest/api/space/{spaceKey}/state': ['read:confluence-space.summary'],
  'GET /wiki/rest/api/space/{spaceKey}/state/content': ['read:confluence-content.all'],
  'GET /wiki/rest/api/space/{spaceKey}/state/settings': ['read:confluence-space.summary'],
  'GET /wiki/rest/api/space/{spaceKey}/theme': ['read:confluence-space.summary'],
  'PUT /wiki/rest/api/space/{spaceKey}/theme': ['write:confluence-space'],
  'DELETE /wiki/rest/api/space/{spaceKey}/theme': ['write:confluence-space'],
  'GET /wiki/rest/api/space/{spaceKey}/watch': ['read:watcher:confluence', 'read:user:confluence'],
  'POST /wiki/rest/api/template': ['write:confluence-content'],
  'PUT /wiki/rest/api/template': ['write:confluence-content'],
  'GET /wiki/rest/api/template/blueprint': ['read:confluence-content.summary'],
  'GET /wiki/rest/api/template/page': ['read:confluence-content.summary'],
  'GET /wiki/rest/api/template/{contentTemplateId}': ['read:confluence-content.summary'],
  'DELETE /wiki/rest/api/template/{contentTemplateId}': ['write:confluence-content'],
  'GET /wiki/rest/api/user': ['read:confluence-user'],
  'GET /wiki/rest/api/user/anonymous': ['read:confluence-user'],
  'GET /wiki/rest/api/user/bulk': ['read:confluence-user'],
  'GET /wiki/rest/api/user/current': ['read:confluence-user'],
  'GET /wiki/rest/api/user/memberof': ['read:confluence-user'],
  'GET /wiki/rest/api/user/watch/content/{contentId}': ['read:confluence-content.summary'],
  'POST /wiki/rest/api/user/watch/content/{contentId}': ['write:confluence-content'],
  'DELETE /wiki/rest/api/user/watch/content/{contentId}': ['write:confluence-content'],
  'GET /wiki/rest/api/user/watch/label/{labelName}': ['read:confluence-content.summary'],
  'POST /wiki/rest/api/user/watch/label/{labelName}': ['write:confluence-content'],
  'DELETE /wiki/rest/api/user/watch/label/{labelName}': ['write:confluence-content'],
  'GET /wiki/rest/api/user/watch/space/{spaceKey}': ['read:confluence-content.summary'],
  'POST /wiki/rest/api/user/watch/space/{spaceKey}': ['write:confluence-content'],
  'DELETE /wiki/rest/api/user/watch/space/{spaceKey}': ['write:confluence-content'],
  'GET /wiki/rest/api/user/{userId}/property': ['read:user.property:confluence'],
  'GET /wiki/rest/api/user/{userId}/property/{key}': ['read:user.property:confluence'],
  'POST /wiki/rest/api/user/{userId}/property/{key}': ['write:user.property:confluence'],
  'PUT /wiki/rest/api/user/{userId}/property/{key}': ['write:user.property:confluence'],
  'DELETE /wiki/rest/api/user/{userId}/property/{key}': ['write:user.property:confluence'],
};

/** `GET /wiki/api/v2/pages/{}`: parameter names do not matter when matching templates. */
const templateKey = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`;

const SCOPES_BY_TEMPLATE = new Map<string, readonly string[]>();
for (const [op, scopes] of Object.entries(CONFLUENCE_OPERATION_SCOPES)) {
  const i = op.indexOf(' ');
  SCOPES_BY_TEMPLATE.set(templateKey(op.slice(0, i), op.slice(i + 1)), scopes);
}

/** The scopes of an operation (method and path template from the site root), or `undefined` when unknown. */
export function confluenceOperationScopes(method: string, pathTemplate: string): readonly string[] | undefined {
  return SCOPES_BY_TEMPLATE.get(templateKey(method, pathTemplate));
}

/** Every scope some operation needs, sorted. */
export function allKnownScopes(): string[] {
  return [...new Set(Object.values(CONFLUENCE_OPERATION_SCOPES).flat())].sort();
}

export interface ScopedOperation {
  method: string;
  /** Path template from the site root. */
  path: string;
  /** `undefined`: an emulated route whose scopes nobody knows (closed to 3LO tokens). */
  scopes: readonly string[] | undefined;
}

interface TemplateEntry extends ScopedOperation {
  segments: string[];
}

/**
 * Finds the operation a request is for and the scopes it needs. Candidates are every operation of the table plus
 * the emulated routes (a route's own `scopes` count only when the table lacks it); when several templates match,
 * the one with a literal segment where the others have a parameter wins (`/space/_private` over `/space/{key}`).
 */
export function createScopeResolver(
  routes: readonly { method: string; path: string; scopes?: readonly string[] }[] = [],
): (method: string, sitePath: string) => ScopedOperation | undefined {
  const buckets = new Map<string, TemplateEntry[]>();
  const seen = new Set<string>();
  const add = (method: string, path: string, scopes: readonly string[] | undefined) => {
    const key = templateKey(method, path);
    if (seen.has(key)) return;
    seen.add(key);
    const segments = path.split('/');
    const bucket = `${method.toUpperCase()} ${segments.length}`;
    const list = buckets.get(bucket) ?? [];
    list.push({ method: method.toUpperCase(), path, scopes, segments });
    buckets.set(bucket, list);
  };
  for (const [op, scopes] of Object.entries(CONFLUENCE_OPERATION_SCOPES)) {
    const i = op.indexOf(' ');
    add(op.slice(0, i), op.slice(i + 1), scopes);
  }
  for (const r of routes) add(r.method, r.path, r.scopes);

  return (method, sitePath) => {
    const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    const parts = sitePath.split('/');
    let best: TemplateEntry | undefined;
    let bestRank = '';
    for (const entry of buckets.get(`${m} ${parts.length}`) ?? []) {
      let rank = '';
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const t = entry.segments[i]!;
        if (t.startsWith('{') && t.endsWith('}')) {
          if (!parts[i]) ok = false;
          rank += '0';
        } else if (t === parts[i]) rank += '1';
        else ok = false;
        if (!ok) break;
      }
      if (ok && rank > bestRank) {
        best = entry;
        bestRank = rank;
      }
    }
    return best && { method: best.method, path: best.path, scopes: best.scopes };
  };
}
