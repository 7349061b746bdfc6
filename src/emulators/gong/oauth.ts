/**
 * Gong's OAuth 2.0 authorization-code flow, emulated:
 *
 * - `GET {basePath}/oauth2/authorize?client_id&response_type=code&scope&redirect_uri&state`: consent. Gong only lets a
 *   technical administrator approve an app. The emulator shows a small HTML page listing the company's technical
 *   administrators; the emulator-only query parameter `approve_as=<user id or email>` approves at once as that user
 *   (302 to `redirect_uri?code=...&state=...`), and `deny=1` refuses (`error=access_denied`).
 * - `POST {basePath}/oauth2/generate-customer-token` with `Authorization: Basic base64(client_id:client_secret)` and
 *   the parameters in the query string or a form body: `grant_type=authorization_code&code&redirect_uri`, or
 *   `grant_type=refresh_token&refresh_token`. Refresh tokens are single-use: every refresh returns a new pair and a
 *   reused refresh token is `400 invalid_grant`. The response's `api_base_url_for_customer` is
 *   `{origin}{basePath}/customer-api`, the only base where the access token is accepted.
 */
import type { Context, Hono } from 'hono';
import { parseBasicAuth } from '../framework.ts';
import { CUSTOMER_API_PREFIX, type GongDeps, type GongEnv } from './http.ts';
import type { GongUser, OAuthClientRecord } from './state.ts';

export interface OAuthOptions {
  /** Access token lifetime (default 86,400 s, as integrators report for Gong). */
  tokenTtlSeconds: number;
}

const CODE_TTL_MS = 10 * 60_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function oauthError(c: Context, status: number, error: string, description: string) {
  c.header('Cache-Control', 'no-store');
  return c.json({ error, error_description: description }, status as 400);
}

/** Registered redirect URI match; loopback URIs match on any port (RFC 8252 §7.3). */
export function redirectUriAllowed(client: OAuthClientRecord, uri: string): boolean {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  if (u.hash) return false;
  const loopback = LOOPBACK.has(u.hostname);
  if (loopback && client.anyLoopbackRedirect) return true;
  return client.redirectUris.some((r) => {
    if (r === uri) return true;
    const ru = new URL(r);
    return (
      loopback &&
      LOOPBACK.has(ru.hostname) &&
      ru.hostname === u.hostname &&
      ru.protocol === u.protocol &&
      ru.pathname === u.pathname &&
      ru.search === u.search
    );
  });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function redirectWith(c: Context, redirectUri: string, params: Record<string, string | undefined>) {
  const u = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return c.redirect(u.toString(), 302);
}

async function tokenParams(c: Context): Promise<URLSearchParams> {
  const params = new URLSearchParams(new URL(c.req.url).search);
  const type = c.req.header('content-type') ?? '';
  const text = await c.req.text();
  if (text.trim()) {
    if (type.includes('application/json')) {
      try {
        const body = JSON.parse(text) as Record<string, unknown>;
        for (const [k, v] of Object.entries(body)) if (typeof v === 'string') params.set(k, v);
      } catch {
        // an unreadable body adds nothing; the missing parameters are reported below
      }
    } else {
      for (const [k, v] of new URLSearchParams(text)) params.set(k, v);
    }
  }
  return params;
}

export function mountOAuth(app: Hono<GongEnv>, deps: GongDeps, opts: OAuthOptions): void {
  const { state } = deps;

  app.get('/oauth2/authorize', (c) => {
    const q = new URL(c.req.url).searchParams;
    const clientId = q.get('client_id') ?? '';
    const client = state.oauthClients.get(clientId);
    if (!client) {
      return oauthError(c, 400, 'invalid_client', `client_id: no Gong app is registered with the id "${clientId}"`);
    }
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!redirectUri) return oauthError(c, 400, 'invalid_request', 'redirect_uri: required');
    if (!redirectUriAllowed(client, redirectUri)) {
      return oauthError(
        c,
        400,
        'invalid_request',
        `redirect_uri: "${redirectUri}" is not registered for this app (registered: ${client.redirectUris.join(', ')})`,
      );
    }
    const st = q.get('state') ?? undefined;
    if (q.get('response_type') !== 'code') {
      return redirectWith(c, redirectUri, {
        error: 'unsupported_response_type',
        error_description: 'response_type must be "code"',
        state: st,
      });
    }
    const requested = (q.get('scope') ?? '').split(/[\s+]+/).filter(Boolean);
    const unknown = requested.filter((s) => !client.scopes.includes(s));
    if (unknown.length > 0) {
      return redirectWith(c, redirectUri, {
        error: 'invalid_scope',
        error_description: `scope: not allowed for this app: ${unknown.join(' ')}`,
        state: st,
      });
    }
    const scopes = requested.length > 0 ? requested : [...client.scopes];
    if (q.get('deny') === '1') {
      return redirectWith(c, redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied the request',
        state: st,
      });
    }
    const approveAs = q.get('approve_as');
    if (!approveAs) return c.html(consentPage(c, client, scopes, [...state.users.values()]));
    const user = state.users.get(approveAs) ?? state.userByEmail(approveAs);
    if (!user) {
      return oauthError(c, 400, 'invalid_request', `approve_as: no Gong user with the id or email "${approveAs}"`);
    }
    if (!user.active || !user.technicalAdmin) {
      return redirectWith(c, redirectUri, {
        error: 'access_denied',
        error_description: `${user.emailAddress} cannot authorize apps: only an active Gong technical administrator can`,
        state: st,
      });
    }
    const code = state.nextToken('gc_');
    state.authCodes.set(code, {
      code,
      clientId,
      userId: user.id,
      scopes,
      redirectUri,
      expiresAt: state.now().getTime() + CODE_TTL_MS,
      used: false,
    });
    return redirectWith(c, redirectUri, { code, state: st });
  });

  app.post('/oauth2/generate-customer-token', async (c) => {
    const basic = parseBasicAuth(c.req.header('authorization'));
    const client = basic ? state.oauthClients.get(basic.user) : undefined;
    if (!basic || !client || client.clientSecret !== basic.secret) {
      c.header('WWW-Authenticate', 'Basic realm="Gong OAuth"');
      return oauthError(
        c,
        401,
        'invalid_client',
        basic
          ? 'Client authentication failed: unknown client_id or wrong client_secret'
          : 'Client authentication failed: send Authorization: Basic base64(client_id:client_secret)',
      );
    }
    const p = await tokenParams(c);
    const grant = p.get('grant_type');
    const issue = (userId: string, scopes: string[]) => {
      const access = state.nextToken('ga_');
      const refresh = state.nextToken('gr_');
      state.accessTokens.set(access, {
        token: access,
        clientId: client.clientId,
        userId,
        scopes,
        expiresAt: state.now().getTime() + opts.tokenTtlSeconds * 1000,
      });
      state.refreshTokens.set(refresh, { token: refresh, clientId: client.clientId, userId, scopes, used: false });
      c.header('Cache-Control', 'no-store');
      const origin = new URL(c.req.url).origin;
      return c.json({
        access_token: access,
        refresh_token: refresh,
        scope: scopes.join(' '),
        token_type: 'bearer',
        expires_in: opts.tokenTtlSeconds,
        api_base_url_for_customer: `${origin}${deps.basePath}${CUSTOMER_API_PREFIX}`,
      });
    };
    if (grant === 'authorization_code') {
      const code = p.get('code');
      if (!code) return oauthError(c, 400, 'invalid_request', 'code: required for grant_type=authorization_code');
      const rec = state.authCodes.get(code);
      if (!rec || rec.used || rec.expiresAt <= state.now().getTime() || rec.clientId !== client.clientId) {
        return oauthError(c, 400, 'invalid_grant', 'Authorization code is invalid, expired or already used.');
      }
      const redirectUri = p.get('redirect_uri');
      if (rec.redirectUri && redirectUri !== rec.redirectUri) {
        return oauthError(
          c,
          400,
          'invalid_grant',
          'redirect_uri: must be identical to the redirect_uri of the authorization request',
        );
      }
      rec.used = true;
      return issue(rec.userId, rec.scopes);
    }
    if (grant === 'refresh_token') {
      const token = p.get('refresh_token');
      if (!token) return oauthError(c, 400, 'invalid_request', 'refresh_token: required for grant_type=refresh_token');
      const rec = state.refreshTokens.get(token);
      if (!rec || rec.used || rec.clientId !== client.clientId) {
        return oauthError(c, 400, 'invalid_grant', 'Token has been expired or revoked.');
      }
      rec.used = true;
      return issue(rec.userId, rec.scopes);
    }
    return oauthError(
      c,
      400,
      'unsupported_grant_type',
      `grant_type: expected "authorization_code" or "refresh_token", got ${JSON.stringify(grant)}`,
    );
  });
}

function consentPage(c: Context, client: OAuthClientRecord, scopes: string[], users: GongUser[]): string {
  const url = new URL(c.req.url);
  const link = (extra: Record<string, string>) => {
    const u = new URL(url);
    for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
    return escapeHtml(u.pathname + u.search);
  };
  const admins = users.filter((u) => u.active && u.technicalAdmin);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize ${escapeHtml(client.name)} - Gong (emulator)</title></head>
<body>
<h1>${escapeHtml(client.name)} wants to access your company's Gong data</h1>
<p>Requested scopes:</p>
<ul>${scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('')}</ul>
<p>Only a technical administrator can approve. Approve as:</p>
<ul>${admins
    .map(
      (u) =>
        `<li><a href="${link({ approve_as: u.id })}">${escapeHtml(`${u.firstName} ${u.lastName}`)} (${escapeHtml(u.emailAddress)})</a></li>`,
    )
    .join('')}</ul>
<p><a href="${link({ deny: '1' })}">Deny</a></p>
<p><small>Emulator: add <code>approve_as=&lt;user id or email&gt;</code> to this URL to approve without this page.</small></p>
</body></html>`;
}
