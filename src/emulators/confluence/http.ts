/** Confluence-flavoured HTTP plumbing shared by the v1 and v2 routes: error bodies, auth, links, serializers. */
import type { Context } from 'hono';
import {
  EmulatorHttpError,
  type ErrorBodyFormatter,
  errorResponse,
  parseBasicAuth,
  parseBearer,
  relativePath,
  statusCode,
  statusText,
  withCursor,
} from '../framework.ts';
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
  path.startsWith('/wiki/rest/') ? v1ErrorBody(status, message) : v2ErrorBody(status, message);

/** 401 unless the request carries the Basic credentials of a user with an API token, or a registered Bearer token. */
export function authenticator(deps: ConfluenceDeps) {
  return (c: ConfluenceContext): Response | undefined => {
    const header = c.req.header('authorization');
    let accountId: string | undefined;
    const basic = parseBasicAuth(header);
    if (basic) {
      const user = deps.state.userByEmail(basic.user);
      if (user?.apiToken !== undefined && user.apiToken === basic.secret) accountId = user.accountId;
    } else {
      const token = parseBearer(header);
      if (token) accountId = deps.state.accessTokens.get(token);
    }
    if (!accountId) {
      const why = header
        ? 'the credentials are not valid (Basic needs the account email and an API token)'
        : 'Client must be authenticated to access this resource.';
      return errorResponse(
        c,
        confluenceErrorBody,
        401,
        why,
        { 'WWW-Authenticate': 'Basic realm="Confluence"' },
        deps.basePath,
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
    /** Path of this request relative to the site root (`/wiki/api/v2/pages`). */
    sitePath: relativePath(basePath, url.pathname),
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

const slug = (title: string) => encodeURIComponent(title).replace(/%20/g, '+');

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

export function spaceWebui(space: SpaceRecord) {
  return `/spaces/${encodeURIComponent(space.key)}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Confluence's "friendly" date: `Jun 03, 2026`. */
export function friendlyDate(iso: string): string {
  const d = new Date(iso);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, '0')}, ${d.getUTCFullYear()}`;
}
