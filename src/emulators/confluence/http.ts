/** Confluence-flavoured HTTP plumbing shared by the v1 and v2 routes: error bodies, auth, links, serializers. */
import type { Context } from 'hono';
import {
  EmulatorHttpError,
  type ErrorBodyFormatter,
  errorResponse,
  normalizeBasePath,
  parseBasicAuth,
  parseBearer,
  relativePath,
  statusCode,
  statusText,
  withCursor,
} from '../framework.ts';
import { type ConfluenceOAuth, gatewayError, insufficientScope, type ScopedOperation } from './oauth.ts';
import type { ConfluenceState, PageRecord, SpaceRecord } from './state.ts';

export type ConfluenceEnv = { Variables: { accountId: string } };
export type ConfluenceContext = Context<ConfluenceEnv>;

export interface ConfluenceDeps {
  state: ConfluenceState;
  basePath: string;
}

/** v1 (`/wiki/rest/...`) error body. */
export function v1ErrorBody(status: number, message: string | null, errors: unknown[] = []) {
  return {
    statusCode: status,
    data: { authorized: false, valid: true, allowedInReadOnlyMode: true, errors, successful: false },
    message: message ?? statusText(status),
    reason: statusText(status),
  };
}

/** v2 error body: `{errors:[{status, code, title, detail}]}`; `detail` carries the explanation when there is one. */
export function v2ErrorBody(status: number, message: string | null) {
  const code = status === 400 ? 'INVALID_REQUEST_PARAMETER' : statusCode(status);
  return { errors: [{ status, code, title: statusText(status), detail: message }] };
}

export const confluenceErrorBody: ErrorBodyFormatter = (status, message, path) =>
  siteRelative(path).startsWith('/wiki/rest/') ? v1ErrorBody(status, message) : v2ErrorBody(status, message);

/** `/ex/confluence/{cloudId}/wiki/...`: the API-host form of a site path (3LO tokens). */
const API_HOST_FORM = /^\/ex\/confluence\/([^/]*)(\/.*)?$/;

/** The site-root path of a basePath-relative path: the API-host prefix `/ex/confluence/{cloudId}` dropped. */
export function siteRelative(path: string): string {
  const m = API_HOST_FORM.exec(path);
  return m ? (m[2] ?? '/') : path;
}

export interface ConfluenceAuthOptions {
  /** The authorization server: tokens, their scopes and expiry. */
  oauth: ConfluenceOAuth;
  /** The operation (and its scopes) a site path is for; see `createScopeResolver`. */
  operation: (method: string, sitePath: string) => ScopedOperation | undefined;
}

/**
 * Authentication as Atlassian does it, by URL form (paths relative to the basePath):
 * - the site form (`/wiki/...`, `https://x.atlassian.net` upstream) takes Basic with the account email and an API
 *   token; a Bearer (3LO) token there is a 401: those work on the API host only;
 * - the API-host form (`/ex/confluence/{cloudId}/wiki/...`, `https://api.atlassian.com` upstream) takes a 3LO Bearer
 *   token only (Basic is a 401), then needs the site's cloudId (else 404) and the operation's scopes (else 403
 *   naming the missing ones). Basic traffic is never scope-checked;
 * - `/oauth/...` and `/me` (the authorization server and the API host's identity endpoints) authenticate by
 *   themselves.
 * Bearer tokens registered directly with `state.registerAccessToken` (test fixtures, not issued by the 3LO flow) work
 * on both forms, with every scope.
 */
export function authenticator(deps: ConfluenceDeps, auth?: ConfluenceAuthOptions) {
  const refuse = (c: ConfluenceContext, why: string) =>
    errorResponse(c, confluenceErrorBody, 401, why, { 'WWW-Authenticate': 'Basic realm="Confluence"' }, deps.basePath);

  return (c: ConfluenceContext): Response | undefined => {
    const rel = relativePath(deps.basePath, c.req.path);
    const header = c.req.header('authorization');
    if (auth && (rel.startsWith('/oauth/') || rel === '/me')) return undefined;
    // The media service (attachment downloads redirect there): the signed token in its URL is the credential.
    if (rel.startsWith('/media/')) return undefined;

    const apiHost = auth ? API_HOST_FORM.exec(rel) : null;
    if (auth && apiHost) {
      const unauthorized = (message: string) =>
        gatewayError(401, message, { 'WWW-Authenticate': 'Bearer realm="api.atlassian.com"' });
      const bearer = parseBearer(header);
      if (!bearer) {
        return unauthorized(
          parseBasicAuth(header)
            ? 'Unauthorized; Basic (API token) credentials work on the site URL only, not on the API host'
            : 'Unauthorized',
        );
      }
      const grant = auth.oauth.accessGrant(bearer);
      if (!grant) return unauthorized('Unauthorized');
      if (apiHost[1] !== auth.oauth.cloudId) {
        return gatewayError(404, `Not Found: no site with the cloud id "${apiHost[1]}" for this token`);
      }
      const sitePath = apiHost[2] ?? '/';
      const op = auth.operation(c.req.method, sitePath);
      if (op && grant.scopes !== null) {
        if (!op.scopes) {
          return gatewayError(403, `Unauthorized; ${op.method} ${op.path} is not available to OAuth 2.0 (3LO) apps`);
        }
        const missing = op.scopes.filter((s) => !grant.scopes?.includes(s));
        if (missing.length > 0) return insufficientScope(missing);
      }
      c.set('accountId', grant.accountId);
      return undefined;
    }

    let accountId: string | undefined;
    const basic = parseBasicAuth(header);
    if (basic) {
      const user = deps.state.userByEmail(basic.user);
      if (user?.apiToken !== undefined && user.apiToken === basic.secret) accountId = user.accountId;
    } else {
      const token = parseBearer(header);
      const grant = token ? auth?.oauth.accessGrant(token) : undefined;
      if (grant?.clientId) {
        const base = normalizeBasePath(deps.basePath);
        return refuse(
          c,
          `OAuth 2.0 (3LO) access tokens are accepted only through the API host: ${base}/ex/confluence/${auth?.oauth.cloudId}${rel}`,
        );
      }
      // A token registered directly with `state.registerAccessToken` (a test fixture, not a 3LO grant).
      if (token) accountId = deps.state.accessTokens.get(token);
    }
    if (!accountId) {
      return refuse(
        c,
        header
          ? 'the credentials are not valid (Basic needs the account email and an API token)'
          : 'Client must be authenticated to access this resource.',
      );
    }
    c.set('accountId', accountId);
    return undefined;
  };
}

/** URLs of the emulated site for this request. */
export function site(c: Context, basePath: string) {
  const url = new URL(c.req.url);
  const context = `${basePath}/wiki`;
  return {
    url,
    /** `{origin}{basePath}/wiki`, what Confluence calls `_links.base`. */
    base: `${url.origin}${context}`,
    context,
    /** Path of this request relative to the site root (`/wiki/api/v2/pages`), whichever host form it came by. */
    sitePath: siteRelative(relativePath(basePath, url.pathname)),
  };
}

/** The v2 list envelope, with the `Link` header when there is a next page. */
export function listResponse(c: Context, basePath: string, results: unknown[], nextCursor: string | undefined) {
  const s = site(c, basePath);
  const links: Record<string, string> = {};
  if (nextCursor) {
    links.next = withCursor(s.sitePath, s.url.searchParams, nextCursor);
    c.header('Link', `<${links.next}>; rel="next", <${s.base}>; rel="base"`);
  }
  links.base = s.base;
  return c.json({ results, _links: links });
}

export const requireNumericId = (value: string, name = 'id') => {
  if (!/^\d+$/.test(value)) {
    throw new EmulatorHttpError(
      400,
      `Provided value {${value}} for '${name}' is not the correct type. Expected type is Long`,
    );
  }
  return value;
};

/** `/x/AgAB`-style tiny link: the id's little-endian bytes, base64 with trailing zeros trimmed. */
export function tinyPath(id: string): string {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64LE(BigInt(id));
  const s = buf.toString('base64').replace(/=+$/, '').replace(/A+$/, '').replace(/\//g, '-').replace(/\+/g, '_');
  return `/x/${s}`;
}

export const slug = (title: string) => encodeURIComponent(title).replace(/%20/g, '+');

export function pageLinks(page: PageRecord, space: SpaceRecord | undefined) {
  const key = encodeURIComponent(space?.key ?? '');
  return {
    webui:
      page.status === 'draft'
        ? `/spaces/${key}/pages/edit-v2/${page.id}`
        : `/spaces/${key}/pages/${page.id}/${slug(page.title)}`,
    editui: `/pages/resumedraft.action?draftId=${page.id}`,
    tinyui: tinyPath(page.id),
  };
}

/** A blog post's links: `/spaces/KEY/blog/yyyy/MM/dd/ID/Title` (the creation day, UTC), like Confluence Cloud. */
export function blogPostLinks(post: PageRecord, space: SpaceRecord | undefined) {
  const key = encodeURIComponent(space?.key ?? '');
  const day = post.createdAt.slice(0, 10).replace(/-/g, '/');
  return {
    webui:
      post.status === 'draft'
        ? `/spaces/${key}/blog/edit-v2/${post.id}`
        : `/spaces/${key}/blog/${day}/${post.id}/${slug(post.title)}`,
    editui: `/pages/resumedraft.action?draftId=${post.id}`,
    tinyui: tinyPath(post.id),
  };
}

export function spaceWebui(space: SpaceRecord) {
  return `/spaces/${encodeURIComponent(space.key)}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Confluence's "friendly" date: `Jun 03, 2026`. */
export function friendlyDate(iso: string): string {
  const d = new Date(iso);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, '0')}, ${d.getUTCFullYear()}`;
}
