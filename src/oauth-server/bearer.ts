import type { Context, MiddlewareHandler } from 'hono';
import { authenticateApiKey, type User } from '../identity/index.ts';
import type { Db } from '../store/db.ts';
import { resourceMetadataUrl } from './metadata.ts';
import type { ServerOrigins } from './origins.ts';
import { resourceCovers } from './resource.ts';
import { MCP_REQUIRED_SCOPES, SUPPORTED_SCOPES } from './scopes.ts';
import { verifyAccessToken } from './tokens.ts';

/** Who is calling, and with what rights: set on the context of every authenticated MCP request. */
export interface AuthInfo {
  kind: 'api_key' | 'oauth';
  user: User;
  scopes: string[];
  /** OAuth only. */
  clientId?: string;
  resource?: string;
  expiresAt?: string;
}

export type AuthEnv = { Variables: { user: User; auth: AuthInfo } };

export interface BearerOptions {
  db: Db;
  origins: ServerOrigins;
  /** Scopes a path needs (default: `tools:use` for every path under /mcp). */
  scopesFor?: (path: string) => readonly string[];
}

/** The canonical path of a request (one trailing slash dropped), as used in resource URLs. */
const canonicalPath = (pathname: string): string =>
  pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;

/** RFC 6750 §3 challenge: `Bearer k="v", ...` (quotes and backslashes in values escaped). */
function challenge(params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}="${v!.replace(/["\\]/g, '\\$&')}"`);
  return `Bearer ${parts.join(', ')}`;
}

/**
 * The resource-server side of MCP authorization, for every path under /mcp:
 * - no credentials: 401 with `WWW-Authenticate: Bearer resource_metadata="…", scope="…"` (MCP authorization
 *   2025-06-18/2025-11-25 "Authorization Server Location"; RFC 9728 §5.1; RFC 6750 §3: no error code), which is
 *   what makes clients such as Kimi Code start their login;
 * - a token in the query string: 400 `invalid_request` (MCP authorization "Access Token Usage": tokens MUST NOT
 *   be in the URI; RFC 6750 §3.1);
 * - an unknown, expired, revoked token, or one issued for another resource (audience, RFC 8707; MCP "Token
 *   Audience Binding and Validation"): 401 `invalid_token`;
 * - a valid token without the scope the path needs: 403 `insufficient_scope` with the scopes to ask for
 *   (RFC 6750 §3.1; MCP 2025-11-25 "Scope Challenge Handling", step-up).
 * API keys (`sb_…`) keep working for scripts and CI: they act as their user with every scope on every path.
 */
export function bearerAuth(opts: BearerOptions): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const url = new URL(c.req.url);
    const path = canonicalPath(url.pathname);
    const origin = opts.origins.forHost(c.req.header('host'));
    const required = opts.scopesFor?.(path) ?? MCP_REQUIRED_SCOPES;
    const base = { resource_metadata: resourceMetadataUrl(origin, path), scope: required.join(' ') };
    const refuse = (status: 400 | 401 | 403, error: string | undefined, description: string, scope = base.scope) => {
      c.header(
        'WWW-Authenticate',
        challenge(error ? { error, error_description: description, ...base, scope } : { ...base, scope }),
      );
      c.header('Cache-Control', 'no-store');
      return c.json({ error: error ?? 'unauthorized', error_description: description }, status);
    };

    if (url.searchParams.has('access_token')) {
      return refuse(400, 'invalid_request', 'access tokens are accepted only in the Authorization header');
    }
    const header = c.req.header('authorization');
    if (!header || !/^bearer(\s|$)/i.test(header)) {
      // RFC 6750 §3.1: a request without credentials gets the challenge without an error code.
      return refuse(
        401,
        undefined,
        'authorization required: log in with OAuth, or send Authorization: Bearer <API key>',
      );
    }
    // RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
    const m = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
    if (!m) return refuse(400, 'invalid_request', 'the Authorization header is malformed');
    const token = m[1]!;

    let auth: AuthInfo;
    if (token.startsWith('sb_')) {
      const user = await authenticateApiKey(opts.db, token);
      if (!user) return refuse(401, 'invalid_token', 'the API key is unknown or revoked');
      auth = { kind: 'api_key', user, scopes: [...SUPPORTED_SCOPES] };
    } else {
      const checked = await verifyAccessToken(opts.db, token);
      if ('error' in checked) {
        const why = { unknown: 'is unknown', expired: 'expired', revoked: 'was revoked' }[checked.error];
        return refuse(401, 'invalid_token', `the access token ${why}`);
      }
      const info = checked.ok;
      // Audience: the token must have been issued for this endpoint (or the /mcp tree above it), here.
      if (!resourceCovers(info.resource, `${origin}${path}`)) {
        return refuse(401, 'invalid_token', 'the access token was issued for another resource');
      }
      const missing = required.filter((s) => !info.scopes.includes(s));
      if (missing.length) {
        // MCP 2025-11-25 step-up: list every scope needed, the ones already granted included.
        const wanted = [...new Set([...info.scopes, ...required])].join(' ');
        return refuse(403, 'insufficient_scope', `this endpoint needs the scope ${missing.join(' ')}`, wanted);
      }
      auth = {
        kind: 'oauth',
        user: { id: info.userId, name: info.userName },
        scopes: info.scopes,
        clientId: info.clientId,
        resource: info.resource,
        expiresAt: info.expiresAt,
      };
    }
    c.set('user', auth.user);
    c.set('auth', auth);
    await next();
  };
}

/**
 * A 403 step-up challenge for code that checks a finer scope itself (a tool that manages connections, say):
 * `return insufficientScope(c, origins, ['connections:manage'])`.
 */
export function insufficientScope(c: Context<AuthEnv>, origins: ServerOrigins, needed: readonly string[]) {
  const url = new URL(c.req.url);
  const path = canonicalPath(url.pathname);
  const granted = c.get('auth')?.scopes ?? [];
  c.header(
    'WWW-Authenticate',
    challenge({
      error: 'insufficient_scope',
      error_description: `this operation needs the scope ${needed.join(' ')}`,
      resource_metadata: resourceMetadataUrl(origins.forHost(c.req.header('host')), path),
      scope: [...new Set([...granted, ...needed])].join(' '),
    }),
  );
  return c.json({ error: 'insufficient_scope', error_description: `needs ${needed.join(' ')}` }, 403);
}
