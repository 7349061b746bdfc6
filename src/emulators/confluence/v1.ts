/** Confluence REST API v1 (`/wiki/rest/api`): CQL search and the current user. */
import { performance } from 'node:perf_hooks';
import {
  badRequest,
  decodeCursor,
  encodeCursor,
  queryArray,
  queryBoolean,
  queryEnum,
  queryInteger,
} from '../framework.ts';
import {
  type CqlContext,
  type CqlDocument,
  CqlError,
  compareByOrder,
  matchesCql,
  parseCql,
  scoreCql,
  searchTerms,
} from './cql.ts';
import { blogPostLinks, type ConfluenceDeps, friendlyDate, pageLinks, site, v1ErrorBody } from './http.ts';
import type { ConfluenceUser, PageRecord, PageStatus, SpaceRecord } from './state.ts';
import { escapeHtml, storageToView } from './storage-format.ts';
import type { RouteDef, RouteHandler } from './v2.ts';

/** A v1 error response built here, so CQL errors can list their cause in `data.errors`. */
function v1Fail(status: number, message: string, errors: unknown[] = []): Response {
  return new Response(JSON.stringify(v1ErrorBody(status, message, errors)), {
    status,
    headers: { 'Content-Type': 'application/json;charset=UTF-8' },
  });
}

const EXCERPTS = ['highlight', 'indexed', 'none', 'highlight_unescaped', 'indexed_unescaped'] as const;
const HL_START = '@@@hl@@@';
const HL_END = '@@@endhl@@@';

export function userJson(user: ConfluenceUser | undefined, accountId: string, base: string) {
  return {
    type: 'known',
    accountId,
    accountType: 'atlassian',
    email: user?.email ?? '',
    publicName: user?.publicName ?? 'Unknown user',
    profilePicture: {
      path: '/wiki/aa-avatar/default.png',
      width: 48,
      height: 48,
      isDefault: true,
    },
    displayName: user?.displayName ?? 'Unknown user',
    timeZone: user?.timeZone ?? 'UTC',
    isExternalCollaborator: false,
    isGuest: false,
    _expandable: { operations: '', personalSpace: '' },
    _links: { self: `${base}/rest/api/user?accountId=${encodeURIComponent(accountId)}` },
  };
}

function spaceJsonV1(space: SpaceRecord, base: string) {
  return {
    id: Number(space.id),
    key: space.key,
    alias: space.key,
    name: space.name,
    type: space.type === 'personal' ? 'personal' : 'global',
    status: space.status,
    _expandable: {
      settings: `/rest/api/space/${space.key}/settings`,
      metadata: '',
      operations: '',
      lookAndFeel: `/rest/api/settings/lookandfeel?spaceKey=${space.key}`,
      identifiers: '',
      permissions: '',
      icon: '',
      description: '',
      theme: `/rest/api/space/${space.key}/theme`,
      history: '',
      homepage: space.homepageId ? `/rest/api/content/${space.homepageId}` : '',
    },
    _links: { webui: `/spaces/${space.key}`, self: `${base}/rest/api/space/${space.key}` },
  };
}

/** A page (or blog post) as v1 `Content`, with the `content.*` expansions asked for. */
export function contentJson(
  deps: ConfluenceDeps,
  page: PageRecord,
  expand: Set<string>,
  base: string,
  type: 'page' | 'blogpost' = 'page',
) {
  const { state } = deps;
  const space = state.spaces.get(page.spaceId);
  const key = space?.key ?? '';
  const out: Record<string, unknown> = { id: page.id, type, status: page.status, title: page.title };
  const expandable: Record<string, string> = {
    container: `/rest/api/space/${key}`,
    metadata: '',
    extensions: '',
    operations: '',
    children: `/rest/api/content/${page.id}/child`,
    history: `/rest/api/content/${page.id}/history`,
    ancestors: '',
    body: '',
    version: '',
    descendants: `/rest/api/content/${page.id}/descendant`,
    space: `/rest/api/space/${key}`,
  };
  const has = (k: string) => expand.has(`content.${k}`);
  if (has('space') && space) {
    out.space = spaceJsonV1(space, base);
    delete expandable.space;
  }
  if (has('history')) {
    out.history = {
      latest: page.status === 'current',
      createdBy: userJson(state.users.get(page.authorId), page.authorId, base),
      createdDate: page.createdAt,
      _expandable: { lastUpdated: '', previousVersion: '', contributors: '', nextVersion: '' },
      _links: { self: `${base}/rest/api/content/${page.id}/history` },
    };
    delete expandable.history;
  }
  if (has('version')) {
    out.version = {
      by: userJson(state.users.get(page.version.authorId), page.version.authorId, base),
      when: page.version.createdAt,
      friendlyWhen: friendlyDate(page.version.createdAt),
      message: page.version.message,
      number: page.version.number,
      minorEdit: page.version.minorEdit,
      contentTypeModified: false,
      _expandable: { collaborators: '', content: `/rest/api/content/${page.id}` },
      _links: { self: `${base}/rest/api/content/${page.id}/version/${page.version.number}` },
    };
    delete expandable.version;
  }
  if (has('ancestors')) {
    out.ancestors = state
      .ancestorIds(page)
      .reverse()
      .map((id) => {
        const a = state.pages.get(id)!;
        return {
          id: a.id,
          type: 'page',
          status: a.status,
          title: a.title,
          _links: { webui: pageLinks(a, space).webui, self: `${base}/rest/api/content/${a.id}` },
        };
      });
    delete expandable.ancestors;
  }
  const bodyReps = ['storage', 'view', 'export_view', 'styled_view', 'editor', 'atlas_doc_format'].filter((r) =>
    has(`body.${r}`),
  );
  if (bodyReps.length > 0) {
    const body: Record<string, unknown> = {};
    const storage = state.bodyIn(page.body, 'storage');
    for (const r of bodyReps) {
      const value =
        r === 'atlas_doc_format'
          ? state.bodyIn(page.body, 'atlas_doc_format')
          : r === 'storage' || r === 'editor'
            ? storage
            : storageToView(storage, { wikiBase: base, spaceKey: key });
      body[r] = {
        value,
        representation: r,
        embeddedContent: [],
        _expandable: { content: `/rest/api/content/${page.id}` },
      };
    }
    out.body = body;
    delete expandable.body;
  }
  if (has('metadata.labels')) {
    const results = page.labels.map((name) => {
      const l = state.label(name);
      return { prefix: l.prefix, name: l.name, id: l.id, label: l.name };
    });
    out.metadata = {
      labels: { results, start: 0, limit: 200, size: results.length, _links: { next: '' } },
      _expandable: { currentuser: '', comments: '', sourceTemplateEntityId: '', simple: '', properties: '' },
    };
    delete expandable.metadata;
  }
  out.childTypes = {};
  out.macroRenderedOutput = {};
  out.restrictions = {};
  out._expandable = expandable;
  const links = type === 'blogpost' ? blogPostLinks(page, space) : pageLinks(page, space);
  out._links = { ...links, self: `${base}/rest/api/content/${page.id}` };
  return out;
}

/** A window of the text around the first hit, with the hits marked when highlighting. */
function excerptOf(text: string, terms: string[], mode: (typeof EXCERPTS)[number]): string {
  if (mode === 'none') return '';
  const max = 250;
  const lower = text.toLowerCase();
  let start = 0;
  if (terms.length) {
    const firstHit = Math.min(
      ...terms.map((t) => {
        const i = lower.search(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegex(t)}`, 'u'));
        return i < 0 ? Number.POSITIVE_INFINITY : i;
      }),
    );
    if (Number.isFinite(firstHit) && firstHit > 80) start = text.lastIndexOf(' ', firstHit - 60) + 1;
  }
  let slice = text.slice(start, start + max);
  if (start + max < text.length) slice = slice.replace(/\s+\S*$/, '');
  const escaped = mode === 'highlight' || mode === 'indexed' ? escapeHtml(slice) : slice;
  let out = (start > 0 ? '...' : '') + escaped + (start + slice.length < text.length ? '...' : '');
  if ((mode === 'highlight' || mode === 'highlight_unescaped') && terms.length) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])(${terms.map(escapeRegex).join('|')})[\\p{L}\\p{N}]*`, 'giu');
    out = out.replace(re, (m) => `${HL_START}${m}${HL_END}`);
  }
  return out;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface CqlContextParam {
  spaceKey?: string;
  contentId?: string;
  contentStatuses?: string[];
}

export function parseCqlContext(raw: string | null): CqlContextParam {
  if (!raw) return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw badRequest(`cqlcontext is not valid JSON: ${raw}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw badRequest('cqlcontext must be a JSON object');
  const o = v as Record<string, unknown>;
  const statuses = o.contentStatuses;
  if (statuses !== undefined && (!Array.isArray(statuses) || statuses.some((s) => typeof s !== 'string'))) {
    throw badRequest('cqlcontext.contentStatuses must be an array of strings');
  }
  return {
    spaceKey: typeof o.spaceKey === 'string' ? o.spaceKey : undefined,
    contentId: typeof o.contentId === 'string' || typeof o.contentId === 'number' ? String(o.contentId) : undefined,
    contentStatuses: statuses as string[] | undefined,
  };
}

const search: RouteHandler = (c, deps) => {
  const started = performance.now();
  const { state } = deps;
  const accountId = c.get('accountId');
  const s = site(c, deps.basePath);
  const q = s.url.searchParams;
  const cql = q.get('cql');
  if (!cql?.trim()) return v1Fail(400, "The 'cql' query parameter is required");

  let parsed: ReturnType<typeof parseCql>;
  try {
    parsed = parseCql(cql);
  } catch (e) {
    if (!(e instanceof CqlError)) throw e;
    return v1Fail(400, `Could not parse cql : ${cql} (${e.message})`, [
      { message: { key: 'cql.parse.error', args: [e.position], translation: e.message } },
    ]);
  }

  const context = parseCqlContext(q.get('cqlcontext'));
  const expand = new Set(queryArray(q, 'expand'));
  const requested = queryInteger(q, 'limit');
  if (requested !== undefined && requested < 0) throw badRequest("'limit' must not be negative");
  const cap = [...expand].some((e) => /body\.(export_view|styled_view)$/.test(e)) ? 25 : 250;
  const limit = Math.min(requested ?? 25, cap);
  let offset: number;
  const cursor = q.get('cursor');
  if (cursor) {
    const decoded = decodeCursor<{ o?: unknown }>(cursor);
    if (!decoded || typeof decoded.o !== 'number' || !Number.isInteger(decoded.o) || decoded.o < 0) {
      throw badRequest(`Invalid cursor: ${cursor}`);
    }
    offset = decoded.o;
  } else {
    offset = queryInteger(q, 'start') ?? 0;
    if (offset < 0) throw badRequest("'start' must not be negative");
  }
  const excerptMode = queryEnum(q, 'excerpt', EXCERPTS) ?? 'highlight';
  const includeArchived = queryBoolean(q, 'includeArchivedSpaces', false);
  const statuses = (context.contentStatuses ?? ['current']) as PageStatus[];

  const cqlCtx: CqlContext = { now: state.now(), currentAccountId: accountId };
  const docs: { page: PageRecord; type: 'page' | 'blogpost'; doc: CqlDocument; text: string }[] = [];
  const candidates = [
    ...[...state.pages.values()].map((page) => ({ page, type: 'page' as const })),
    ...[...state.blogposts.values()].map((page) => ({ page, type: 'blogpost' as const })),
  ];
  for (const { page, type } of candidates) {
    if (!statuses.includes(page.status) || !state.canView(page, accountId)) continue;
    const space = state.spaces.get(page.spaceId);
    if (!space) continue;
    if (space.status === 'archived' && !includeArchived) continue;
    if (context.spaceKey && space.key.toLowerCase() !== context.spaceKey.toLowerCase()) continue;
    const text = state.bodyText(page.body);
    const ancestorIds = state.ancestorIds(page);
    if (context.contentId && page.id !== context.contentId && !ancestorIds.includes(context.contentId)) continue;
    const contributors = [...new Set(state.versions(page).map((v) => v.authorId))];
    const doc: CqlDocument = {
      id: page.id,
      type,
      spaceKey: space.key,
      spaceId: space.id,
      title: page.title,
      text,
      labels: page.labels,
      creator: page.authorId,
      contributors,
      parentId: page.parentId,
      ancestorIds,
      created: new Date(page.createdAt),
      lastModified: new Date(page.version.createdAt),
    };
    if (matchesCql(parsed.where, doc, cqlCtx)) docs.push({ page, type, doc, text });
  }
  const scores = new Map(docs.map((d) => [d.page.id, scoreCql(parsed.where, d.doc)]));
  const fallback = (a: CqlDocument, b: CqlDocument) =>
    (scores.get(b.id) ?? 0) - (scores.get(a.id) ?? 0) ||
    b.lastModified.getTime() - a.lastModified.getTime() ||
    Number(a.id) - Number(b.id);
  docs.sort((a, b) => compareByOrder(parsed.orderBy, a.doc, b.doc, fallback));

  const terms = [...new Set(searchTerms(parsed.where))];
  const pageItems = docs.slice(offset, offset + limit);
  const results = pageItems.map(({ page, type, text }) => {
    const space = state.spaces.get(page.spaceId)!;
    const links = type === 'blogpost' ? blogPostLinks(page, space) : pageLinks(page, space);
    const score = scores.get(page.id) ?? 0;
    return {
      content: contentJson(deps, page, expand, s.base, type),
      title: page.title,
      excerpt: excerptOf(text, terms, excerptMode),
      url: links.webui,
      resultGlobalContainer: { title: space.name, displayUrl: `/spaces/${space.key}` },
      breadcrumbs: [],
      entityType: 'content',
      iconCssClass: `aui-icon content-type-${type}`,
      lastModified: page.version.createdAt,
      friendlyLastModified: friendlyDate(page.version.createdAt),
      score: score > 0 ? score : 1,
    };
  });

  const linkTo = (cursorOffset: number, dir: 'next' | 'prev') => {
    const p = new URLSearchParams();
    for (const [k, v] of q) if (!['cursor', 'next', 'prev', 'start', 'limit'].includes(k)) p.append(k, v);
    p.set(dir, 'true');
    p.set('limit', String(limit));
    p.set('start', String(cursorOffset));
    p.set('cursor', encodeCursor({ o: cursorOffset }));
    return `/rest/api/search?${p.toString()}`;
  };
  const links: Record<string, string> = {
    base: s.base,
    context: s.context,
  };
  if (limit > 0 && offset + limit < docs.length) links.next = linkTo(offset + limit, 'next');
  if (offset > 0 && limit > 0) links.prev = linkTo(Math.max(0, offset - limit), 'prev');
  links.self = `${s.base}/rest/api/search?${q.toString()}`;

  return c.json({
    results,
    start: offset,
    limit,
    size: results.length,
    totalSize: docs.length,
    cqlQuery: cql,
    searchDuration: Math.round(performance.now() - started),
    _links: links,
  });
};

const currentUser: RouteHandler = (c, deps) => {
  const accountId = c.get('accountId');
  const base = site(c, deps.basePath).base;
  return c.json(userJson(deps.state.users.get(accountId), accountId, base));
};

export const V1_ROUTES: RouteDef[] = [
  { api: 'v1', method: 'GET', path: '/wiki/rest/api/search', handler: search },
  { api: 'v1', method: 'GET', path: '/wiki/rest/api/user/current', handler: currentUser },
];
