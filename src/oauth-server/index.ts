import type { IncomingMessage } from 'node:http';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { OAuthConfig } from '../config/index.ts';
import type { Db } from '../store/db.ts';
import type { Logger } from '../util/log.ts';
import { errorPage } from '../web/layout.ts';
import { consentPage } from '../web/pages.ts';
import { browserContext, csrfToken, csrfValid, FORM_MAX_BYTES, foreignOrigin, readForm } from '../web/session.ts';
import { type AuthEnv, type BearerOptions, bearerAuth } from './bearer.ts';
import { createMetadataFetcher, type MetadataFetcher } from './cimd.ts';
import { findClient, registerClient, resolveClient } from './clients.ts';
import { authorizationServerMetadata, ENDPOINTS, protectedResourceMetadata } from './metadata.ts';
import type { ServerOrigins } from './origins.ts';
import { createRateLimiter } from './rate-limit.ts';
import { redirectUriMatches } from './redirect-uris.ts';
import { MCP_PATH, mcpPathOf, parseResource } from './resource.ts';
import { parseScope, scopeString } from './scopes.ts';
import {
  cleanupExpired,
  createPendingAuthorization,
  exchangeCode,
  issueCode,
  type OAuthError,
  refreshTokens,
  revokeToken,
  type TokenSettings,
  takePendingAuthorization,
} from './tokens.ts';

export type { AuthEnv, AuthInfo } from './bearer.ts';
export { insufficientScope } from './bearer.ts';
export { createServerOrigins, type ServerOrigins } from './origins.ts';

export interface OAuthServerDeps {
  db: Db;
  log: Logger;
  origins: ServerOrigins;
  settings: OAuthConfig;
}

export interface OAuthServer {
  origins: ServerOrigins;
  settings: TokenSettings & { sessionTtlS: number; clientRetentionDays: number };
  /** Discovery documents and the /oauth/* endpoints. */
  routes: Hono;
  /** The resource-server middleware for everything under /mcp (API keys or access tokens; 401/403 challenges). */
  bearer(opts?: Pick<BearerOptions, 'scopesFor'>): MiddlewareHandler<AuthEnv>;
  /** Deletes expired codes, tokens, sessions and unused registrations. */
  cleanup(): Promise<void>;
  close(): Promise<void>;
}

/** The client's IP address as the socket sees it (a reverse proxy's own address behind one). */
export function clientIp(c: Context): string {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/** 403 for a Host this server does not answer to (DNS rebinding), as the MCP guard does for /mcp. */
export function hostGuard(origins: ServerOrigins): MiddlewareHandler {
  return async (c, next) => {
    if (!origins.isOurHost(c.req.header('host'))) {
      return c.json({ error: 'forbidden', error_description: 'this Host is not served here' }, 403);
    }
    await next();
  };
}

/** RFC 6749 §5.1/§5.2: token endpoint responses are never cached. */
function noStore(c: Context): void {
  c.header('Cache-Control', 'no-store');
  c.header('Pragma', 'no-cache');
}

function oauthError(c: Context, e: OAuthError, status: 400 | 401 | 429 = 400) {
  noStore(c);
  return c.json({ error: e.error, error_description: e.description }, status);
}

/** The redirect URI with parameters added (an existing query is kept, RFC 6749 §3.1.2). */
function withParams(redirectUri: string, params: Record<string, string | undefined>): string {
  const u = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.append(k, v);
  return u.href;
}

/** What CSP `form-action` must allow for the consent form's redirect to reach the client. */
function formTargetOf(redirectUri: string): string {
  const u = new URL(redirectUri);
  return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : u.protocol;
}

/** Authorization request parameters that must not be repeated (RFC 6749 §3.1). */
const SINGLE_PARAMS = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'resource',
  'prompt',
];

export function createOAuthServer(deps: OAuthServerDeps): OAuthServer {
  const { db, log, origins } = deps;
  const settings = {
    accessTokenTtlS: deps.settings.accessTokenTtlS,
    refreshTokenTtlS: deps.settings.refreshTokenTtlS,
    grantMaxAgeS: deps.settings.grantMaxAgeS,
    codeTtlS: deps.settings.codeTtlS,
    sessionTtlS: deps.settings.sessionTtlS,
    clientRetentionDays: deps.settings.clientRetentionDays,
  };
  const fetcher: MetadataFetcher = createMetadataFetcher({ allowLoopback: deps.settings.cimdAllowLoopback });
  // One budget per client IP for registrations and metadata-document fetches: both make this server do work (and
  // store rows, or send requests) for anybody, unauthenticated.
  const registrations = createRateLimiter(deps.settings.registrationsPerHour, 3_600_000);
  const routes = new Hono();
  // Path-scoped (this app is mounted at the root: an unscoped middleware would apply to every route).
  for (const path of ['/.well-known/*', '/oauth/*']) routes.use(path, hostGuard(origins));

  // --- Discovery ----------------------------------------------------------------------------------------------
  // Public documents; CORS open so browser-based MCP clients can read them (they carry no credentials).
  const openCors = cors({
    origin: '*',
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'MCP-Protocol-Version'],
    maxAge: 600,
  });
  routes.use('/.well-known/*', openCors);
  for (const path of [ENDPOINTS.token, ENDPOINTS.register, ENDPOINTS.revoke]) routes.use(path, openCors);

  const asMetadata = (c: Context) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(authorizationServerMetadata(origins.forHost(c.req.header('host'))));
  };
  // RFC 8414 §3 and, with the same document, OpenID Connect Discovery 1.0 §4 (MCP 2025-11-25 clients try both).
  routes.get('/.well-known/oauth-authorization-server', asMetadata);
  routes.get('/.well-known/openid-configuration', asMetadata);

  const prmPrefix = '/.well-known/oauth-protected-resource';
  // RFC 9728 §3.1: the path-suffixed form for each MCP path, and the root form (for the whole /mcp tree).
  routes.get(prmPrefix, (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(protectedResourceMetadata(origins.forHost(c.req.header('host')), MCP_PATH));
  });
  routes.get(`${prmPrefix}/*`, (c) => {
    let suffix = c.req.path.slice(prmPrefix.length);
    if (suffix.length > 1 && suffix.endsWith('/')) suffix = suffix.slice(0, -1);
    if (!mcpPathOf(suffix)) return c.json({ error: 'not_found', message: 'no protected resource at this path' }, 404);
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(protectedResourceMetadata(origins.forHost(c.req.header('host')), suffix));
  });

  // --- Dynamic client registration (RFC 7591) -------------------------------------------------------------------
  routes.post(
    ENDPOINTS.register,
    bodyLimit({
      maxSize: 64 * 1024,
      onError: (c) => oauthError(c, { error: 'invalid_client_metadata', description: 'the request is too large' }),
    }),
    async (c) => {
      const wait = registrations.hit(clientIp(c));
      if (wait > 0) {
        c.header('Retry-After', String(wait));
        return oauthError(
          c,
          {
            error: 'temporarily_unavailable',
            description: 'too many registrations from your address; try again later',
          },
          429,
        );
      }
      if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
        return oauthError(c, {
          error: 'invalid_client_metadata',
          description: 'send the client metadata as application/json',
        });
      }
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return oauthError(c, { error: 'invalid_client_metadata', description: 'the request body is not valid JSON' });
      }
      const result = await registerClient(db, body);
      if ('error' in result) return oauthError(c, result);
      log.info(
        { event: 'client_registered', clientId: result.client_id, clientName: result.client_name },
        'OAuth client registered',
      );
      noStore(c);
      return c.json(result, 201);
    },
  );

  // --- Authorization endpoint -----------------------------------------------------------------------------------
  routes.get(ENDPOINTS.authorize, async (c) => {
    const url = new URL(c.req.url);
    const q = url.searchParams;
    const issuer = origins.forHost(c.req.header('host'));
    for (const p of SINGLE_PARAMS) {
      if (q.getAll(p).length > 1) return errorPage(c, 400, 'Invalid request', `The parameter "${p}" is repeated.`);
    }
    // RFC 6749 §4.1.2.1: until the client and its redirect URI are established, errors are shown here and never
    // redirected (an open redirector otherwise).
    const clientId = q.get('client_id');
    if (!clientId) return errorPage(c, 400, 'Invalid request', 'The request names no client (client_id is missing).');
    const client = await resolveClient(db, clientId, {
      fetcher,
      allowLoopback: deps.settings.cimdAllowLoopback,
      beforeFetch: () =>
        registrations.hit(clientIp(c)) > 0
          ? 'too many client metadata lookups from your address; try again later'
          : undefined,
    });
    if ('error' in client) return errorPage(c, 400, 'Unknown app', `This app cannot sign in here: ${client.error}.`);
    const redirectUri = q.get('redirect_uri');
    if (!redirectUri) return errorPage(c, 400, 'Invalid request', 'The request has no redirect_uri.');
    if (!redirectUriMatches(client.redirectUris, redirectUri)) {
      return errorPage(c, 400, 'Invalid request', 'The redirect_uri is not registered for this app.');
    }

    // From here on, errors go back to the client (RFC 6749 §4.1.2.1), with `state` and `iss` (RFC 9207).
    const state = q.get('state') ?? undefined;
    const fail = (error: string, description: string) =>
      c.redirect(withParams(redirectUri, { error, error_description: description, state, iss: issuer }), 302);
    if (state !== undefined && state.length > 2048) return fail('invalid_request', 'state is too long');
    const responseType = q.get('response_type');
    if (!responseType) return fail('invalid_request', 'response_type is required');
    if (responseType !== 'code') return fail('unsupported_response_type', 'only response_type=code is supported');
    // OAuth 2.1 §4.1.1 and MCP authorization: PKCE is required, with S256. A missing method would mean "plain"
    // (RFC 7636 §4.3), which is refused as well (OAuth 2.1 §7.5.2).
    const challenge = q.get('code_challenge');
    const method = q.get('code_challenge_method');
    if (!challenge) return fail('invalid_request', 'code_challenge is required (PKCE, RFC 7636)');
    if (!method) return fail('invalid_request', 'code_challenge_method is required and must be S256');
    if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256; plain is not accepted');
    // BASE64URL(SHA-256(verifier)) is always 43 characters.
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge))
      return fail('invalid_request', 'code_challenge is not an S256 challenge');
    // RFC 8707 and MCP authorization: the resource is required and must be one of this server's MCP endpoints.
    const resourceRaw = q.get('resource');
    if (!resourceRaw) return fail('invalid_request', 'resource is required (RFC 8707): the MCP server URL');
    const resource = parseResource(resourceRaw, origins.all());
    if ('error' in resource) return fail('invalid_target', resource.error);
    const scope = parseScope(q.get('scope') ?? undefined);
    if ('error' in scope) return fail('invalid_scope', scope.error);

    const b = await browserContext(c, db, origins);
    const prompt = (q.get('prompt') ?? '').split(' ');
    if (prompt.includes('none')) {
      // OpenID Connect Core §3.1.2.1: this server always asks for consent, so it cannot answer silently.
      return fail(b.session ? 'consent_required' : 'login_required', 'this server always asks the user');
    }
    if (!b.session) return c.redirect(`/login?return_to=${encodeURIComponent(`${url.pathname}${url.search}`)}`, 302);
    const requestId = await createPendingAuthorization(db, {
      sessionHash: b.session.idHash,
      userId: b.session.user.id,
      clientId: client.clientId,
      redirectUri,
      scope: scopeString(scope.scopes),
      state,
      codeChallenge: challenge,
      resource: resource.resource,
    });
    return consentPage(c, {
      csrf: csrfToken(c, b, settings.sessionTtlS),
      requestId,
      client,
      redirectUri,
      scopes: scope.scopes,
      resource: resource.resource,
      userName: b.session.user.name,
      formTarget: formTargetOf(redirectUri),
    });
  });

  // The consent form's answer. The pending request is bound to this browser session and used once; the CSRF
  // token is bound to the session too.
  routes.post(
    ENDPOINTS.consent,
    bodyLimit({ maxSize: FORM_MAX_BYTES, onError: (c) => errorPage(c, 400, 'Bad request', 'The form is too large.') }),
    async (c) => {
      if (foreignOrigin(c, origins)) return errorPage(c, 403, 'Forbidden', 'This form was sent from another site.');
      const b = await browserContext(c, db, origins);
      const form = await readForm(c);
      if (!form) return errorPage(c, 400, 'Bad request', 'The form could not be read.');
      if (!b.session) return errorPage(c, 401, 'Signed out', 'Your session ended before you answered.');
      if (!csrfValid(b, form.get('csrf_token'))) {
        log.warn(
          { event: 'consent_csrf_rejected', user: b.session.user.name },
          'consent POST without a valid CSRF token',
        );
        return errorPage(c, 403, 'Forbidden', 'The form expired or did not come from this site.');
      }
      const pending = await takePendingAuthorization(db, form.get('request_id') ?? '', b.session.idHash);
      if (!pending) return errorPage(c, 400, 'Request expired', 'This request expired or was already answered.');
      const issuer = origins.forHost(c.req.header('host'));
      redirectHeaders(c);
      if (form.get('decision') !== 'allow') {
        return c.redirect(
          withParams(pending.redirectUri, {
            error: 'access_denied',
            error_description: 'the user denied access',
            state: pending.state,
            iss: issuer,
          }),
          303,
        );
      }
      const code = await issueCode(db, settings, pending);
      log.info(
        { event: 'authorization_granted', user: b.session.user.name, clientId: pending.clientId, scope: pending.scope },
        'authorization code issued',
      );
      return c.redirect(withParams(pending.redirectUri, { code, state: pending.state, iss: issuer }), 303);
    },
  );

  // --- Token endpoint -------------------------------------------------------------------------------------------
  /**
   * Client identification for public clients (OAuth 2.1 §2.1, §3.2.1): `client_id` in the body, or HTTP Basic
   * with an empty password (what some libraries send for `none`). A secret is refused: none was ever issued.
   */
  const identifyClient = async (
    c: Context,
    form: Map<string, string>,
  ): Promise<{ clientId: string } | { error: OAuthError; status: 400 | 401 }> => {
    const header = c.req.header('authorization');
    let basicId: string | undefined;
    if (header) {
      const m = /^basic +([A-Za-z0-9+/]+=*)$/i.exec(header);
      if (!m)
        return { error: { error: 'invalid_client', description: 'unsupported client authentication' }, status: 401 };
      const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      let id: string;
      let secret: string;
      try {
        // RFC 6749 §2.3.1: both parts are form-urlencoded.
        id = decodeURIComponent(colon < 0 ? decoded : decoded.slice(0, colon));
        secret = colon < 0 ? '' : decodeURIComponent(decoded.slice(colon + 1));
      } catch {
        return { error: { error: 'invalid_client', description: 'malformed Basic credentials' }, status: 401 };
      }
      if (secret) {
        c.header('WWW-Authenticate', 'Basic realm="switchboard"');
        return { error: { error: 'invalid_client', description: 'this server issues no client secrets' }, status: 401 };
      }
      basicId = id;
    }
    if (form.get('client_secret') || form.get('client_assertion')) {
      return { error: { error: 'invalid_client', description: 'this server issues no client secrets' }, status: 401 };
    }
    const bodyId = form.get('client_id');
    if (bodyId && basicId && bodyId !== basicId) {
      return { error: { error: 'invalid_request', description: 'two different client ids' }, status: 400 };
    }
    const clientId = bodyId ?? basicId;
    if (!clientId) return { error: { error: 'invalid_request', description: 'client_id is required' }, status: 400 };
    if (!(await findClient(db, clientId))) {
      return { error: { error: 'invalid_client', description: 'unknown client_id' }, status: 401 };
    }
    return { clientId };
  };

  routes.post(
    ENDPOINTS.token,
    bodyLimit({
      maxSize: 64 * 1024,
      onError: (c) => oauthError(c, { error: 'invalid_request', description: 'the request is too large' }),
    }),
    async (c) => {
      const form = await readForm(c);
      if (!form) {
        return oauthError(c, {
          error: 'invalid_request',
          description: 'send application/x-www-form-urlencoded parameters, each at most once (RFC 6749 §3.2)',
        });
      }
      const client = await identifyClient(c, form);
      if ('error' in client) return oauthError(c, client.error, client.status);
      let resource: string | undefined;
      const resourceRaw = form.get('resource');
      if (resourceRaw !== undefined) {
        const parsed = parseResource(resourceRaw, origins.all());
        if ('error' in parsed) return oauthError(c, { error: 'invalid_target', description: parsed.error });
        resource = parsed.resource;
      }
      const grantType = form.get('grant_type');
      let result: Awaited<ReturnType<typeof exchangeCode>>;
      if (grantType === 'authorization_code') {
        const code = form.get('code');
        if (!code) return oauthError(c, { error: 'invalid_request', description: 'code is required' });
        result = await exchangeCode(db, settings, {
          code,
          clientId: client.clientId,
          redirectUri: form.get('redirect_uri'),
          codeVerifier: form.get('code_verifier'),
          resource,
        });
      } else if (grantType === 'refresh_token') {
        const refreshToken = form.get('refresh_token');
        if (!refreshToken) return oauthError(c, { error: 'invalid_request', description: 'refresh_token is required' });
        result = await refreshTokens(db, settings, {
          refreshToken,
          clientId: client.clientId,
          scope: form.get('scope'),
          resource,
        });
      } else {
        return oauthError(c, {
          error: grantType ? 'unsupported_grant_type' : 'invalid_request',
          description: grantType ? 'supported: authorization_code, refresh_token' : 'grant_type is required',
        });
      }
      if ('error' in result) {
        if (result.securityEvent) {
          log.warn({ event: result.securityEvent, clientId: client.clientId }, 'replayed credential: grant revoked');
        }
        return oauthError(c, result);
      }
      noStore(c);
      return c.json(result);
    },
  );

  // --- Revocation (RFC 7009) ------------------------------------------------------------------------------------
  routes.post(
    ENDPOINTS.revoke,
    bodyLimit({
      maxSize: 64 * 1024,
      onError: (c) => oauthError(c, { error: 'invalid_request', description: 'the request is too large' }),
    }),
    async (c) => {
      const form = await readForm(c);
      if (!form)
        return oauthError(c, {
          error: 'invalid_request',
          description: 'send application/x-www-form-urlencoded parameters',
        });
      const token = form.get('token');
      if (!token) return oauthError(c, { error: 'invalid_request', description: 'token is required' });
      let clientId = form.get('client_id');
      if (clientId === undefined && c.req.header('authorization')) {
        const client = await identifyClient(c, form);
        if ('error' in client) return oauthError(c, client.error, client.status);
        clientId = client.clientId;
      }
      // token_type_hint is optional and only an optimisation (§2.1): both kinds are searched.
      const refused = await revokeToken(db, { token, clientId });
      if (refused) return oauthError(c, refused);
      noStore(c);
      return c.body(null, 200);
    },
  );

  return {
    origins,
    settings,
    routes,
    bearer: (opts = {}) => bearerAuth({ db, origins, ...opts }),
    cleanup: () => cleanupExpired(db, settings),
    close: () => fetcher.close(),
  };
}

/** The consent POST answers with a redirect to the client: no caching, no referrer, no framing. */
function redirectHeaders(c: Context): void {
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
}
