/**
 * Content group of the Confluence emulator (REST v2): blog posts (create, read, update, list, versions, likes,
 * operations), the page hierarchy (ancestors, children), page versions and likes, footer and inline comments, and the
 * contents of a space. Shapes and parameters follow the v2 OpenAPI document; the data lives in `ConfluenceState`.
 */
import {
  badRequest,
  EmulatorHttpError,
  keysetPaginate,
  notFound,
  queryArray,
  queryBoolean,
  queryEnum,
  queryInteger,
  queryLimit,
  readJson,
  type SortKey,
} from '../framework.ts';
import {
  blogPostLinks,
  type ConfluenceContext,
  type ConfluenceDeps,
  listResponse,
  pageLinks,
  requireNumericId,
  site,
} from './http.ts';
import { CONFLUENCE_SEED } from './seed.ts';
import type {
  BlogPostRecord,
  CommentRecord,
  ConfluenceState,
  PageBody,
  PageRecord,
  PageVersionRecord,
  VersionInfo,
} from './state.ts';
import {
  asObject,
  type BodyFormat,
  idField,
  LIST_LIMIT,
  PAGE_SORTS,
  type PageView,
  PRIMARY_FORMATS,
  pageJson,
  type RouteDef,
  type RouteHandler,
  renderBody,
  SINGLE_FORMATS,
  statusField,
  V2,
  versionJson,
  visiblePage,
  writeBody,
} from './v2.ts';

// ---------------------------------------------------------------------------------------------------------------
// Parameters and lookups

const BLOGPOST_SORTS = ['id', '-id', 'created-date', '-created-date', 'modified-date', '-modified-date'] as const;
const BLOGPOST_LIST_STATUSES = ['current', 'deleted', 'trashed'] as const;
const VERSION_SORTS = ['modified-date', '-modified-date'] as const;
const COMMENT_SORTS = ['created-date', '-created-date', 'modified-date', '-modified-date'] as const;
const PAGE_COMMENT_STATUSES = ['current', 'archived', 'trashed', 'deleted', 'historical', 'draft'] as const;
const BLOGPOST_COMMENT_STATUSES = ['current', 'deleted', 'trashed', 'historical', 'draft'] as const;
const RESOLUTION_STATUSES = ['resolved', 'open', 'dangling', 'reopened'] as const;
const CHILD_PAGE_SORTS = [
  'created-date',
  '-created-date',
  'id',
  '-id',
  'child-position',
  '-child-position',
  'modified-date',
  '-modified-date',
] as const;
const DIRECT_CHILDREN_SORTS = [...CHILD_PAGE_SORTS, 'title', '-title'] as const;
const SPACE_PAGE_STATUSES = ['current', 'archived', 'deleted', 'trashed'] as const;

const params = (c: ConfluenceContext) => new URL(c.req.url).searchParams;

/** A repeatable enum parameter (`?status=a&status=b` or `?status=a,b`); an unknown value is a 400 naming it. */
function queryEnumArray<T extends string>(q: URLSearchParams, name: string, allowed: readonly T[]): T[] {
  const values = queryArray(q, name);
  for (const v of values) {
    if (!(allowed as readonly string[]).includes(v)) {
      throw badRequest(`Provided value {${v}} for '${name}' is not valid. Allowed values: ${allowed.join(', ')}`);
    }
  }
  return values as T[];
}

function visibleBlogPost(deps: ConfluenceDeps, id: string, accountId: string): BlogPostRecord {
  requireNumericId(id);
  const post = deps.state.blogposts.get(id);
  if (!post || !deps.state.canView(post, accountId)) throw notFound();
  return post;
}

/** The page or blog post a route's `{id}` names, visible to the caller (404 otherwise). */
function visibleContent(deps: ConfluenceDeps, kind: 'page' | 'blogpost', id: string, accountId: string): PageRecord {
  return kind === 'page' ? visiblePage(deps, id, accountId) : visibleBlogPost(deps, id, accountId);
}

/** Sort key of a page or blog post for the v2 sort fields. */
function contentSortKey(field: string, p: PageRecord): SortKey[] {
  if (field === 'created-date') return [Date.parse(p.createdAt), Number(p.id)];
  if (field === 'modified-date') return [Date.parse(p.version.createdAt), Number(p.id)];
  if (field === 'title') return [p.title.toLowerCase(), Number(p.id)];
  return [Number(p.id)];
}

/** What the caller may do with the content: read, and update and delete unless a restriction keeps them from it. */
function permittedOperations(state: ConfluenceState, targetType: string, id: string, accountId: string) {
  const ops = [{ operation: 'read', targetType }];
  if (state.restrictionAllows(id, accountId, 'update')) {
    ops.push({ operation: 'update', targetType }, { operation: 'delete', targetType });
  }
  return ops;
}

/** The space a route's `{id}` names, visible to the caller (404 otherwise). */
function visibleSpace(deps: ConfluenceDeps, id: string, accountId: string) {
  requireNumericId(id);
  const space = deps.state.spaces.get(id);
  if (!space || !deps.state.canViewSpace(space, accountId)) throw notFound();
  return space;
}

// ---------------------------------------------------------------------------------------------------------------
// Blog posts

function blogPostJson(
  deps: ConfluenceDeps,
  post: BlogPostRecord,
  opts: {
    base: string;
    single: boolean;
    accountId: string;
    bodyFormat?: BodyFormat;
    includeVersion?: boolean;
    q?: URLSearchParams;
    view?: PageView;
  },
) {
  const { state } = deps;
  const space = state.spaces.get(post.spaceId);
  const v = opts.view ?? { title: post.title, body: post.body, version: post.version, status: post.status };
  const out: Record<string, unknown> = {
    id: post.id,
    status: v.status,
    title: v.title,
    spaceId: post.spaceId,
    authorId: post.authorId,
    createdAt: post.createdAt,
  };
  if (opts.includeVersion !== false) out.version = versionJson(v.version);
  if (opts.bodyFormat) {
    out.body = renderBody(state, v.body, opts.bodyFormat, { base: opts.base, spaceKey: space?.key ?? '' });
  }
  const q = opts.q;
  if (opts.single && q) {
    const self = `${V2}/blogposts/${post.id}`;
    const field = (what: string, all: unknown[]) => ({
      results: all.slice(0, 50),
      meta: { hasMore: all.length > 50 },
      _links: { self: `${self}/${what}` },
    });
    if (queryBoolean(q, 'include-labels', false)) {
      out.labels = field(
        'labels',
        post.labels.map((name) => {
          const l = state.label(name);
          return { id: l.id, name: l.name, prefix: l.prefix };
        }),
      );
    }
    if (queryBoolean(q, 'include-properties', false)) {
      out.properties = field(
        'properties',
        state
          .propertiesOf('blogpost', post.id)
          .map((p) => ({ id: p.id, key: p.key, value: p.value, version: versionJson(p.version) })),
      );
    }
    if (queryBoolean(q, 'include-operations', false)) {
      out.operations = field('operations', permittedOperations(state, 'blogpost', post.id, opts.accountId));
    }
    if (queryBoolean(q, 'include-likes', false)) {
      out.likes = field(
        'likes',
        [...(state.likes.get(post.id) ?? [])].map((accountId) => ({ accountId })),
      );
    }
    if (queryBoolean(q, 'include-versions', false)) {
      out.versions = field('versions', state.versions(post).reverse().map(versionJson));
    }
    if (queryBoolean(q, 'include-favorited-by-current-user-status', false)) out.isFavoritedByCurrentUser = false;
  }
  const links: Record<string, string> = { ...blogPostLinks({ ...post, title: v.title }, space) };
  if (opts.single) links.base = opts.base;
  out._links = links;
  return out;
}

function blogTitleField(raw: unknown, required: boolean): string | undefined {
  if (raw === undefined || raw === null) {
    if (required) throw badRequest("'title' is required for a blog post that is not a draft");
    return undefined;
  }
  if (typeof raw !== 'string') throw badRequest("'title' must be a string");
  if (required && !raw.trim()) throw badRequest("'title' cannot be empty for a blog post that is not a draft");
  if (raw.length > 255) throw badRequest(`'title' is ${raw.length} characters long; the maximum is 255`);
  return raw;
}

/** Blog post lists: `GET /blogposts` (filters by space-id and id) and `GET /spaces/{id}/blogposts`. */
function listBlogPosts(inSpace: boolean): RouteHandler {
  return (c, deps) => {
    const { state } = deps;
    const accountId = c.get('accountId');
    const q = params(c);
    let spaceIds: string[];
    let ids: string[] = [];
    if (inSpace) {
      spaceIds = [visibleSpace(deps, c.req.param('id') ?? '', accountId).id];
    } else {
      ids = queryArray(q, 'id').map((id) => requireNumericId(id, 'id'));
      spaceIds = queryArray(q, 'space-id').map((id) => requireNumericId(id, 'space-id'));
    }
    const statuses = queryEnumArray(q, 'status', BLOGPOST_LIST_STATUSES);
    const wanted: string[] = statuses.length ? statuses : ['current'];
    const title = q.get('title');
    const bodyFormat = queryEnum(q, 'body-format', PRIMARY_FORMATS);
    const sort = queryEnum(q, 'sort', BLOGPOST_SORTS) ?? 'id';
    const limit = queryLimit(q, LIST_LIMIT);

    const posts = [...state.blogposts.values()].filter(
      (p) =>
        state.canView(p, accountId) &&
        wanted.includes(p.status) &&
        (ids.length === 0 || ids.includes(p.id)) &&
        (spaceIds.length === 0 || spaceIds.includes(p.spaceId)) &&
        (title === null || title === '' || p.title === title),
    );
    const field = sort.replace(/^-/, '');
    const result = keysetPaginate(posts, {
      key: (p) => contentSortKey(field, p),
      descending: sort.startsWith('-'),
      limit,
      cursor: q.get('cursor'),
      scope: `blogposts:${sort}`,
    });
    const base = site(c, deps.basePath).base;
    return listResponse(
      c,
      deps.basePath,
      result.items.map((p) => blogPostJson(deps, p, { base, single: false, accountId, bodyFormat })),
      result.next,
    );
  };
}

const getBlogPostById: RouteHandler = (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const q = params(c);
  const post = visibleBlogPost(deps, c.req.param('id') ?? '', accountId);
  const bodyFormat = queryEnum(q, 'body-format', SINGLE_FORMATS);
  const getDraft = queryBoolean(q, 'get-draft', false);
  const statuses = queryEnumArray(q, 'status', ['current', 'trashed', 'deleted', 'historical', 'draft'] as const);
  const wanted: string[] = statuses.length ? [...statuses] : ['current'];
  if (getDraft) wanted.push('draft');
  const versionNumber = queryInteger(q, 'version');
  const includeVersion = queryBoolean(q, 'include-version', true);
  for (const flag of [
    'include-labels',
    'include-properties',
    'include-operations',
    'include-likes',
    'include-versions',
    'include-favorited-by-current-user-status',
    'include-webresources',
    'include-collaborators',
  ]) {
    queryBoolean(q, flag, false);
  }

  let view: PageView | undefined;
  if (versionNumber !== undefined) {
    const found = state.versions(post).find((v) => v.number === versionNumber);
    if (!found || post.status === 'draft') throw notFound();
    const latest = found.number === post.version.number;
    view = { title: found.title, body: found.body, version: found, status: latest ? post.status : 'historical' };
  } else if (!wanted.includes(post.status)) {
    throw notFound();
  }
  const base = site(c, deps.basePath).base;
  return c.json(blogPostJson(deps, post, { base, single: true, accountId, bodyFormat, includeVersion, q, view }));
};

const createBlogPost: RouteHandler = async (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const q = params(c);
  const isPrivate = queryBoolean(q, 'private', false);
  const b = asObject(await readJson(c));

  const spaceId = idField(b.spaceId, 'spaceId');
  if (!spaceId) throw badRequest("'spaceId' is required");
  const status = statusField(b.status, false);
  const title = blogTitleField(b.title, status === 'current') ?? '';
  const body = writeBody(b.body) ?? { representation: 'storage', value: '' };
  const now = state.nowIso();
  let createdAt = now;
  if (b.createdAt !== undefined && b.createdAt !== null) {
    const t = typeof b.createdAt === 'string' ? Date.parse(b.createdAt) : Number.NaN;
    if (Number.isNaN(t)) {
      throw badRequest(
        `Provided value {${String(b.createdAt)}} for 'createdAt' is not a date: use yyyy-MM-ddTHH:mm:ss.SSSZ`,
      );
    }
    createdAt = new Date(t).toISOString();
  }
  const space = state.spaces.get(spaceId);
  if (!space || !state.canViewSpace(space, accountId))
    throw notFound(`No space with id ${spaceId}, or you cannot see it`);

  const post: BlogPostRecord = {
    id: state.nextId(),
    spaceId,
    status,
    title,
    position: 0,
    authorId: accountId,
    ownerId: accountId,
    lastOwnerId: null,
    createdAt,
    version: { number: 1, message: '', minorEdit: false, authorId: accountId, createdAt: now },
    body,
    labels: [],
    history: [],
    private: isPrivate,
  };
  state.insertBlogPost(post);
  const base = site(c, deps.basePath).base;
  return c.json(blogPostJson(deps, post, { base, single: true, accountId, bodyFormat: body.representation }));
};

const updateBlogPost: RouteHandler = async (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const post = visibleBlogPost(deps, c.req.param('id') ?? '', accountId);
  const b = asObject(await readJson(c));
  for (const field of ['id', 'status', 'title', 'body', 'version']) {
    if (b[field] === undefined || b[field] === null) throw badRequest(`'${field}' is required`);
  }
  const id = idField(b.id, 'id');
  if (id !== post.id) {
    throw badRequest(`'id' in the body (${String(b.id)}) does not match the blog post id in the path`);
  }
  const status = statusField(b.status, true);
  const body = writeBody(b.body)!;
  const version = b.version;
  if (typeof version !== 'object' || version === null) throw badRequest("'version' must be an object: {number}");
  const { number, message } = version as { number?: unknown; message?: unknown };
  if (typeof number !== 'number' || !Number.isInteger(number)) throw badRequest("'version.number' is required");
  if (message !== undefined && message !== null && typeof message !== 'string') {
    throw badRequest("'version.message' must be a string");
  }
  const spaceId = idField(b.spaceId, 'spaceId');
  if (spaceId && spaceId !== post.spaceId) {
    throw badRequest("'spaceId': moving a blog post to a different space is not supported");
  }
  const now = state.nowIso();
  const newVersion = (n: number): VersionInfo => ({
    number: n,
    message: (message as string | undefined) ?? '',
    minorEdit: false,
    authorId: accountId,
    createdAt: now,
  });
  const conflict = (expected: number) =>
    new EmulatorHttpError(
      409,
      `Version must be incremented when updating a blog post. Current Version: [${post.version.number}]. Provided version: [${number}]` +
        (expected === post.version.number + 1 ? '' : ` (a draft is updated and published with version ${expected})`),
    );
  const base = site(c, deps.basePath).base;

  // Restoring from the trash: only the status changes.
  if (post.status === 'trashed' || post.status === 'deleted') {
    if (status !== 'current') throw badRequest("a trashed blog post can only be restored with 'status' current");
    if (number !== post.version.number + 1) throw conflict(post.version.number + 1);
    post.history.push({ ...post.version, title: post.title, body: post.body });
    post.status = 'current';
    post.statusBeforeTrash = undefined;
    post.version = newVersion(number);
    return c.json(blogPostJson(deps, post, { base, single: true, accountId, bodyFormat: post.body.representation }));
  }
  if (post.status !== 'draft' && status === 'draft') {
    throw badRequest("'status': turning a published blog post back into a draft is not supported by this emulator");
  }
  const title = blogTitleField(b.title, status === 'current') ?? '';
  if (post.status === 'draft') {
    // A draft stays version 1 until it is published (publishing is version 1 too).
    if (number !== 1) throw conflict(1);
    post.status = status;
  } else {
    if (number !== post.version.number + 1) throw conflict(post.version.number + 1);
    post.history.push({ ...post.version, title: post.title, body: post.body });
  }
  post.title = title;
  post.body = body;
  post.version = newVersion(number);
  return c.json(blogPostJson(deps, post, { base, single: true, accountId, bodyFormat: body.representation }));
};

const getPagesInSpace: RouteHandler = (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const q = params(c);
  const spaceId = visibleSpace(deps, c.req.param('id') ?? '', accountId).id;
  const depth = queryEnum(q, 'depth', ['all', 'root'] as const) ?? 'all';
  const statuses = queryEnumArray(q, 'status', SPACE_PAGE_STATUSES);
  const wanted: string[] = statuses.length ? statuses : ['current', 'archived'];
  const title = q.get('title');
  const bodyFormat = queryEnum(q, 'body-format', PRIMARY_FORMATS);
  const sort = queryEnum(q, 'sort', PAGE_SORTS) ?? 'id';
  const limit = queryLimit(q, LIST_LIMIT);

  const pages = [...state.pages.values()].filter(
    (p) =>
      p.spaceId === spaceId &&
      state.canView(p, accountId) &&
      wanted.includes(p.status) &&
      (depth === 'all' || !p.parentId) &&
      (title === null || title === '' || p.title === title),
  );
  const field = sort.replace(/^-/, '');
  const result = keysetPaginate(pages, {
    key: (p) => contentSortKey(field, p),
    descending: sort.startsWith('-'),
    limit,
    cursor: q.get('cursor'),
    scope: `space-pages:${depth}:${sort}`,
  });
  const base = site(c, deps.basePath).base;
  return listResponse(
    c,
    deps.basePath,
    result.items.map((p) => pageJson(deps, p, { base, single: false, bodyFormat })),
    result.next,
  );
};

// ---------------------------------------------------------------------------------------------------------------
// Versions, likes, operations (pages and blog posts)

/** `GET /pages/{id}/versions`, `GET /blogposts/{id}/versions`: newest first unless `sort=modified-date`. */
function listVersions(kind: 'page' | 'blogpost'): RouteHandler {
  return (c, deps) => {
    const { state } = deps;
    const q = params(c);
    const rec = visibleContent(deps, kind, c.req.param('id') ?? '', c.get('accountId'));
    const bodyFormat = queryEnum(q, 'body-format', PRIMARY_FORMATS);
    const sort = queryEnum(q, 'sort', VERSION_SORTS) ?? '-modified-date';
    const limit = queryLimit(q, LIST_LIMIT);
    const result = keysetPaginate(state.versions(rec), {
      key: (v) => [Date.parse(v.createdAt), v.number],
      descending: sort.startsWith('-'),
      limit,
      cursor: q.get('cursor'),
      scope: `versions:${rec.id}:${sort}`,
    });
    const base = site(c, deps.basePath).base;
    const spaceKey = state.spaces.get(rec.spaceId)?.key ?? '';
    const entity = (v: PageVersionRecord) => {
      const e: Record<string, unknown> = { id: rec.id, title: v.title };
      if (bodyFormat) e.body = renderBody(state, v.body, bodyFormat, { base, spaceKey });
      return e;
    };
    return listResponse(
      c,
      deps.basePath,
      result.items.map((v) => ({ ...versionJson(v), [kind]: entity(v) })),
      result.next,
    );
  };
}

/** `GET /blogposts/{blogpost-id}/versions/{version-number}` (and the page twin): one version with its neighbours. */
function versionDetails(kind: 'page' | 'blogpost'): RouteHandler {
  const idParam = kind === 'page' ? 'page-id' : 'blogpost-id';
  return (c, deps) => {
    const id = requireNumericId(c.req.param(idParam) ?? '', idParam);
    const n = Number(requireNumericId(c.req.param('version-number') ?? '', 'version-number'));
    const rec = visibleContent(deps, kind, id, c.get('accountId'));
    const all = deps.state.versions(rec);
    const i = all.findIndex((v) => v.number === n);
    if (i < 0) throw notFound(`${kind === 'page' ? 'Page' : 'Blog post'} ${id} has no version ${n}`);
    const v = all[i]!;
    const out: Record<string, unknown> = {
      number: v.number,
      authorId: v.authorId,
      message: v.message,
      createdAt: v.createdAt,
      minorEdit: v.minorEdit,
      contentTypeModified: false,
      collaborators: [v.authorId],
    };
    if (i > 0) out.prevVersion = all[i - 1]!.number;
    if (i < all.length - 1) out.nextVersion = all[i + 1]!.number;
    return c.json(out);
  };
}

function likeCount(kind: 'page' | 'blogpost'): RouteHandler {
  return (c, deps) => {
    const rec = visibleContent(deps, kind, c.req.param('id') ?? '', c.get('accountId'));
    return c.json({ count: deps.state.likes.get(rec.id)?.size ?? 0 });
  };
}

function operations(kind: 'page' | 'blogpost'): RouteHandler {
  return (c, deps) => {
    const accountId = c.get('accountId');
    const rec = visibleContent(deps, kind, c.req.param('id') ?? '', accountId);
    return c.json({ operations: permittedOperations(deps.state, kind, rec.id, accountId) });
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Page hierarchy

/** Top-level first; `limit` keeps the nearest ones (call again with the first id for the rest, as Confluence says). */
const getPageAncestors: RouteHandler = (c, deps) => {
  const q = params(c);
  const page = visiblePage(deps, c.req.param('id') ?? '', c.get('accountId'));
  const limit = queryLimit(q, LIST_LIMIT);
  const results = deps.state
    .ancestorIds(page)
    .slice(0, limit)
    .reverse()
    .map((id) => ({ id, type: 'page' }));
  return listResponse(c, deps.basePath, results, undefined);
};

interface ChildItem {
  id: string;
  status: string;
  title: string;
  type: 'page' | 'whiteboard';
  spaceId: string;
  childPosition: number | null;
  createdAt: string;
  modifiedAt: string;
}

/** `GET /pages/{id}/direct-children` (pages and whiteboards) and the deprecated `GET /pages/{id}/children` (pages). */
function listChildren(direct: boolean): RouteHandler {
  return (c, deps) => {
    const { state } = deps;
    const accountId = c.get('accountId');
    const q = params(c);
    const page = visiblePage(deps, c.req.param('id') ?? '', accountId);
    const sort = queryEnum(q, 'sort', direct ? DIRECT_CHILDREN_SORTS : CHILD_PAGE_SORTS) ?? 'child-position';
    const limit = queryLimit(q, LIST_LIMIT);
    const items: ChildItem[] = state
      .children(page.id)
      .filter((p) => (p.status === 'current' || p.status === 'archived') && state.canView(p, accountId))
      .map((p) => ({
        id: p.id,
        status: p.status,
        title: p.title,
        type: 'page' as const,
        spaceId: p.spaceId,
        childPosition: p.position,
        createdAt: p.createdAt,
        modifiedAt: p.version.createdAt,
      }));
    if (direct) {
      for (const w of state.whiteboards.values()) {
        if (w.parentId !== page.id || (w.parentType ?? 'page') !== 'page' || w.status !== 'current') continue;
        if (w.private && w.authorId !== accountId) continue;
        items.push({
          id: w.id,
          status: w.status,
          title: w.title,
          type: 'whiteboard',
          spaceId: w.spaceId,
          childPosition: null,
          createdAt: w.createdAt,
          modifiedAt: w.version.createdAt,
        });
      }
    }
    const field = sort.replace(/^-/, '');
    const key = (i: ChildItem): SortKey[] => {
      if (field === 'created-date') return [Date.parse(i.createdAt), Number(i.id)];
      if (field === 'modified-date') return [Date.parse(i.modifiedAt), Number(i.id)];
      if (field === 'title') return [i.title.toLowerCase(), Number(i.id)];
      if (field === 'child-position') return [i.childPosition ?? Number.MAX_SAFE_INTEGER, Number(i.id)];
      return [Number(i.id)];
    };
    const result = keysetPaginate(items, {
      key,
      descending: sort.startsWith('-'),
      limit,
      cursor: q.get('cursor'),
      scope: `children:${page.id}:${sort}`,
    });
    return listResponse(
      c,
      deps.basePath,
      result.items.map((i) =>
        direct
          ? {
              id: i.id,
              status: i.status,
              title: i.title,
              type: i.type,
              spaceId: i.spaceId,
              childPosition: i.childPosition,
            }
          : { id: i.id, status: i.status, title: i.title, spaceId: i.spaceId, childPosition: i.childPosition },
      ),
      result.next,
    );
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Comments

const CONTAINER_FIELD = {
  page: 'pageId',
  blogpost: 'blogPostId',
  attachment: 'attachmentId',
  custom: 'customContentId',
} as const;

/** The page or blog post a comment is ultimately on (an attachment's container for attachment comments). */
function commentHost(
  state: ConfluenceState,
  com: CommentRecord,
): { kind: 'page' | 'blogpost'; rec: PageRecord } | undefined {
  let type: string = com.containerType;
  let id = com.containerId;
  if (type === 'attachment') {
    const att = state.attachments.get(id);
    if (!att) return undefined;
    type = att.containerType;
    id = att.containerId;
  }
  if (type === 'page') {
    const rec = state.pages.get(id);
    return rec ? { kind: 'page', rec } : undefined;
  }
  if (type === 'blogpost') {
    const rec = state.blogposts.get(id);
    return rec ? { kind: 'blogpost', rec } : undefined;
  }
  return undefined;
}

function commentWebui(state: ConfluenceState, com: CommentRecord): string {
  const host = commentHost(state, com);
  if (!host) return `/pages/viewpage.action?focusedCommentId=${com.id}`;
  const space = state.spaces.get(host.rec.spaceId);
  const links = host.kind === 'page' ? pageLinks(host.rec, space) : blogPostLinks(host.rec, space);
  return `${links.webui}?focusedCommentId=${com.id}#comment-${com.id}`;
}

/**
 * A comment in one of the v2 comment models: `container` (PageCommentModel and kin: the container id field),
 * `child` (ChildrenCommentModel: parentCommentId) or `full` (FooterCommentModel: both).
 */
function commentJson(
  deps: ConfluenceDeps,
  com: CommentRecord,
  opts: { shape: 'container' | 'child' | 'full'; base: string; bodyFormat?: BodyFormat },
) {
  const { state } = deps;
  const out: Record<string, unknown> = { id: com.id, status: com.status, title: com.title };
  if (opts.shape !== 'child') out[CONTAINER_FIELD[com.containerType]] = com.containerId;
  if (opts.shape !== 'container' && com.parentCommentId) out.parentCommentId = com.parentCommentId;
  out.version = versionJson(com.version);
  if (opts.bodyFormat) {
    const host = commentHost(state, com);
    const spaceKey = host ? (state.spaces.get(host.rec.spaceId)?.key ?? '') : '';
    out.body = renderBody(state, com.body, opts.bodyFormat, { base: opts.base, spaceKey });
  }
  if (com.kind === 'inline' && opts.shape === 'container') {
    out.resolutionStatus = com.resolutionStatus ?? 'open';
    out.properties = {
      inlineMarkerRef: com.inlineMarkerRef ?? '',
      inlineOriginalSelection: com.textSelection ?? '',
    };
  }
  const links: Record<string, string> = { webui: commentWebui(state, com) };
  if (opts.shape === 'full') links.base = opts.base;
  out._links = links;
  return out;
}

function commentSortKey(sort: string) {
  const field = sort.replace(/^-/, '');
  return (com: CommentRecord): SortKey[] =>
    field === 'modified-date'
      ? [Date.parse(com.version.createdAt), Number(com.id)]
      : [Date.parse(com.createdAt), Number(com.id)];
}

/** Root footer or inline comments of a page or blog post. */
function listComments(kind: 'page' | 'blogpost', commentKind: 'footer' | 'inline'): RouteHandler {
  return (c, deps) => {
    const { state } = deps;
    const q = params(c);
    const rec = visibleContent(deps, kind, c.req.param('id') ?? '', c.get('accountId'));
    const bodyFormat = queryEnum(q, 'body-format', PRIMARY_FORMATS);
    const statuses = queryEnumArray(q, 'status', kind === 'page' ? PAGE_COMMENT_STATUSES : BLOGPOST_COMMENT_STATUSES);
    const wanted: string[] = statuses.length ? statuses : ['current'];
    const resolution: string[] =
      commentKind === 'inline' ? queryEnumArray(q, 'resolution-status', RESOLUTION_STATUSES) : [];
    const sort = queryEnum(q, 'sort', COMMENT_SORTS) ?? 'created-date';
    const limit = queryLimit(q, LIST_LIMIT);

    const comments = [...state.comments.values()].filter(
      (com) =>
        com.containerType === kind &&
        com.containerId === rec.id &&
        com.kind === commentKind &&
        !com.parentCommentId &&
        wanted.includes(com.status) &&
        (resolution.length === 0 || resolution.includes(com.resolutionStatus ?? 'open')),
    );
    const result = keysetPaginate(comments, {
      key: commentSortKey(sort),
      descending: sort.startsWith('-'),
      limit,
      cursor: q.get('cursor'),
      scope: `comments:${commentKind}:${rec.id}:${sort}`,
    });
    const base = site(c, deps.basePath).base;
    return listResponse(
      c,
      deps.basePath,
      result.items.map((com) => commentJson(deps, com, { shape: 'container', base, bodyFormat })),
      result.next,
    );
  };
}

/** A footer comment whose page or blog post the caller can see (404 otherwise). */
function visibleFooterComment(deps: ConfluenceDeps, id: string, accountId: string, name = 'id'): CommentRecord {
  requireNumericId(id, name);
  const com = deps.state.comments.get(id);
  const host = com ? commentHost(deps.state, com) : undefined;
  if (com?.kind !== 'footer' || !host || !deps.state.canView(host.rec, accountId)) throw notFound();
  return com;
}

/** `GET /footer-comments/{id}/children`: the replies to a footer comment. */
const getFooterCommentChildren: RouteHandler = (c, deps) => {
  const q = params(c);
  const parent = visibleFooterComment(deps, c.req.param('id') ?? '', c.get('accountId'));
  const bodyFormat = queryEnum(q, 'body-format', PRIMARY_FORMATS);
  const sort = queryEnum(q, 'sort', COMMENT_SORTS) ?? 'created-date';
  const limit = queryLimit(q, LIST_LIMIT);
  const replies = [...deps.state.comments.values()].filter(
    (com) => com.parentCommentId === parent.id && com.status === 'current',
  );
  const result = keysetPaginate(replies, {
    key: commentSortKey(sort),
    descending: sort.startsWith('-'),
    limit,
    cursor: q.get('cursor'),
    scope: `replies:${parent.id}:${sort}`,
  });
  const base = site(c, deps.basePath).base;
  return listResponse(
    c,
    deps.basePath,
    result.items.map((com) => commentJson(deps, com, { shape: 'child', base, bodyFormat })),
    result.next,
  );
};

/** Attachment ids are `att123` in v2 (the bare number is accepted too). */
function attachmentIdField(raw: unknown): string {
  const m = /^(?:att)?(\d+)$/.exec(typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : '');
  if (!m) {
    throw badRequest(
      `Provided value {${String(raw)}} for 'attachmentId' is not the correct type. Expected an attachment id (att123)`,
    );
  }
  return `att${m[1]}`;
}

const COMMENT_TARGETS = ['pageId', 'blogPostId', 'attachmentId', 'customContentId', 'parentCommentId'] as const;

/** `POST /footer-comments`: on a page, blog post or attachment, or a reply to a footer comment. 201. */
const createFooterComment: RouteHandler = async (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const b = asObject(await readJson(c));
  const given = COMMENT_TARGETS.filter((k) => b[k] !== undefined && b[k] !== null && b[k] !== '');
  if (given.length === 0) {
    throw badRequest(
      "One of 'pageId', 'blogPostId', 'attachmentId', 'customContentId' or 'parentCommentId' (for a reply) is required",
    );
  }
  if (given.length > 1) {
    throw badRequest(
      `Give only one of 'pageId', 'blogPostId', 'attachmentId', 'customContentId' or 'parentCommentId', not ${given.map((g) => `'${g}'`).join(' and ')} (a reply takes only 'parentCommentId')`,
    );
  }
  const target = given[0]!;
  const targetId = target === 'attachmentId' ? attachmentIdField(b[target]) : idField(b[target], target)!;
  const body = writeBody(b.body);
  if (!body) throw badRequest('\'body\' is required: {"representation": "storage", "value": "<p>…</p>"}');
  if (!state.bodyText(body).trim()) throw badRequest("'body.value' cannot be empty: a comment needs some text");

  let containerType: CommentRecord['containerType'];
  let containerId: string;
  let parentCommentId: string | undefined;
  let hostTitle: string;
  const live = (p: PageRecord | undefined): p is PageRecord =>
    p !== undefined && p.status === 'current' && state.canView(p, accountId);
  if (target === 'pageId') {
    const page = state.pages.get(targetId);
    if (!live(page)) throw notFound(`No current page with id ${targetId}, or you cannot see it`);
    [containerType, containerId, hostTitle] = ['page', page.id, page.title];
  } else if (target === 'blogPostId') {
    const post = state.blogposts.get(targetId);
    if (!live(post)) throw notFound(`No current blog post with id ${targetId}, or you cannot see it`);
    [containerType, containerId, hostTitle] = ['blogpost', post.id, post.title];
  } else if (target === 'attachmentId') {
    const att = state.attachments.get(targetId);
    const host = att
      ? att.containerType === 'page'
        ? state.pages.get(att.containerId)
        : state.blogposts.get(att.containerId)
      : undefined;
    if (att?.status !== 'current' || !live(host)) {
      throw notFound(`No current attachment with id ${targetId}, or you cannot see it`);
    }
    [containerType, containerId, hostTitle] = ['attachment', att.id, att.title];
  } else if (target === 'customContentId') {
    throw notFound(`No custom content with id ${targetId} (this emulator holds no custom content)`);
  } else {
    const parent = state.comments.get(targetId);
    const host = parent ? commentHost(state, parent) : undefined;
    if (!parent || !host || !state.canView(host.rec, accountId) || parent.status !== 'current') {
      throw notFound(`No current comment with id ${targetId}, or you cannot see it`);
    }
    if (parent.kind !== 'footer') {
      throw badRequest(`'parentCommentId' ${targetId} is an inline comment; reply to it with POST /inline-comments`);
    }
    [containerType, containerId, parentCommentId, hostTitle] = [
      parent.containerType,
      parent.containerId,
      parent.id,
      host.rec.title,
    ];
  }
  const now = state.nowIso();
  const com = state.insertComment({
    id: state.nextId(),
    kind: 'footer',
    containerType,
    containerId,
    parentCommentId,
    status: 'current',
    title: `Re: ${hostTitle}`,
    authorId: accountId,
    createdAt: now,
    version: { number: 1, message: '', minorEdit: false, authorId: accountId, createdAt: now },
    body,
  });
  const base = site(c, deps.basePath).base;
  return c.json(commentJson(deps, com, { shape: 'full', base, bodyFormat: body.representation }), 201);
};

// ---------------------------------------------------------------------------------------------------------------
// Routes

export const ROUTES: RouteDef[] = [
  // blog posts
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/blogposts`,
    scopes: ['read:page:confluence'],
    handler: listBlogPosts(false),
  },
  { api: 'v2', method: 'POST', path: `${V2}/blogposts`, scopes: ['write:page:confluence'], handler: createBlogPost },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/blogposts/{id}`,
    scopes: ['read:page:confluence'],
    handler: getBlogPostById,
  },
  {
    api: 'v2',
    method: 'PUT',
    path: `${V2}/blogposts/{id}`,
    scopes: ['write:page:confluence'],
    handler: updateBlogPost,
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/blogposts/{id}/versions`,
    scopes: ['read:page:confluence'],
    handler: listVersions('blogpost'),
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/blogposts/{blogpost-id}/versions/{version-number}`,
    scopes: ['read:page:confluence'],
    handler: versionDetails('blogpost'),
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/blogposts/{id}/likes/count`,
    scopes: ['read:page:confluence'],
    handler: likeCount('blogpost'),
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/blogposts/{id}/operations`,
    scopes: ['read:page:confluence'],
    handler: operations('blogpost'),
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/blogposts/{id}/footer-comments`,
    scopes: ['read:comment:confluence'],
    handler: listComments('blogpost', 'footer'),
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/blogposts/{id}/inline-comments`,
    scopes: ['read:comment:confluence'],
    handler: listComments('blogpost', 'inline'),
  },
  // pages
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/pages/{id}/ancestors`,
    scopes: ['read:content.metadata:confluence'],
    handler: getPageAncestors,
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/pages/{id}/direct-children`,
    scopes: ['read:hierarchical-content:confluence'],
    handler: listChildren(true),
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/pages/{id}/children`,
    scopes: ['read:page:confluence'],
    handler: listChildren(false),
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/pages/{id}/versions`,
    scopes: ['read:page:confluence'],
    handler: listVersions('page'),
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/pages/{page-id}/versions/{version-number}`,
    scopes: ['read:page:confluence'],
    handler: versionDetails('page'),
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/pages/{id}/likes/count`,
    scopes: ['read:page:confluence'],
    handler: likeCount('page'),
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/pages/{id}/operations`,
    scopes: ['read:page:confluence'],
    handler: operations('page'),
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/pages/{id}/footer-comments`,
    scopes: ['read:comment:confluence'],
    handler: listComments('page', 'footer'),
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/pages/{id}/inline-comments`,
    scopes: ['read:comment:confluence'],
    handler: listComments('page', 'inline'),
  },
  // comments
  {
    api: 'v2',
    method: 'POST',
    path: `${V2}/footer-comments`,
    scopes: ['write:comment:confluence'],
    handler: createFooterComment,
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/footer-comments/{id}/children`,
    scopes: ['read:comment:confluence'],
    handler: getFooterCommentChildren,
  },
  // space contents
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/spaces/{id}/pages`,
    scopes: ['read:page:confluence'],
    handler: getPagesInSpace,
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/spaces/{id}/blogposts`,
    scopes: ['read:page:confluence'],
    handler: listBlogPosts(true),
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Seed: a Marketing space with a page tree, a blog, comment threads and likes (plus comments and likes on ENG pages).
// Dates are offsets before the emulator's clock. Everything the search indexes (pages, blog posts) was created more
// than 16 days and last modified more than 7 days before it, so the base seed's date-window searches keep their
// answers.

const MKT_SPACE = { id: '98321', key: 'MKT', name: 'Marketing' } as const;

/** Ids of the content group's seeded objects, for tests and demos. */
export const CONTENT_SEED = {
  space: MKT_SPACE,
  pages: {
    marketingHome: '65601',
    /** Four versions by three authors; a footer thread (a root with two replies), inline comments, likes. */
    q3Planning: '65602',
    /** Child of Q3 Planning: ancestors are Marketing Home then Q3 Planning. */
    q3CampaignCalendar: '65603',
    brandGuidelines: '65604',
    marketingTeam: '65605',
  },
  blogposts: {
    welcome: '65621',
    springResults: '65622',
    /** Three versions. */
    teamMeetingQ3Kickoff: '65623',
    /** Footer comment with a reply, an open inline comment, three likes. */
    partnerProgram: '65624',
    /** A draft of the demo user (visible to them only). */
    brandRefreshDraft: '65625',
    /** Trashed. */
    tradeShowRecap: '65626',
  },
  comments: {
    q3Webinar: '65641',
    q3WebinarReplyGrace: '65642',
    q3WebinarReplyDemo: '65643',
    q3BudgetApproved: '65644',
    /** Trashed. */
    q3Duplicate: '65645',
    /** Inline, open. */
    q3InlineLaunchDate: '65646',
    /** Inline, resolved. */
    q3InlinePaidSocial: '65647',
    teamWelcome: '65648',
    teamOutOfOffice: '65649',
    partnerQuestion: '65650',
    partnerAnswer: '65651',
    /** Inline, open. */
    partnerInlineNames: '65652',
    meetingThanks: '65653',
    /** On the ENG postmortem page. */
    postmortemFollowUp: '65654',
  },
  inlineMarkers: {
    q3LaunchDate: '9b2f6c1e-4a7d-4e8b-b1c3-2d5e7f9a0b14',
    q3PaidSocial: '3c8d1a5f-7e2b-4f60-a9d4-6b1e8c2f4a37',
    partnerNames: 'e4a7b2c9-1d3f-4a85-8c6e-0f2b4d6a8c91',
  },
} as const;

const DAY = 86_400_000;
const SP = CONTENT_SEED.pages;
const SB = CONTENT_SEED.blogposts;
const SC = CONTENT_SEED.comments;
const MK = CONTENT_SEED.inlineMarkers;
const DEMO = CONFLUENCE_SEED.users.demo.accountId;
const ADA = CONFLUENCE_SEED.users.ada.accountId;
const GRACE = CONFLUENCE_SEED.users.grace.accountId;

interface SeedVersion {
  daysAgo: number;
  hour: number;
  author: string;
  message?: string;
  minorEdit?: boolean;
  title?: string;
  body: string;
}

interface SeedItem {
  id: string;
  title: string;
  parent?: string;
  status?: 'current' | 'draft' | 'trashed';
  labels?: string[];
  /** Oldest first; the last is the current version. */
  versions: SeedVersion[];
}

const link = (title: string) => `<ac:link><ri:page ri:content-title="${title}" /></ac:link>`;
const marker = (ref: string, text: string) =>
  `<ac:inline-comment-marker ac:ref="${ref}">${text}</ac:inline-comment-marker>`;

const Q3_GOALS =
  '<h2>Goals</h2><p>Grow qualified pipeline by 20% and launch the partner program.</p><h2>Themes</h2><ul><li>Partner program launch</li><li>Webinar series</li><li>Customer stories</li></ul>';
const Q3_BUDGET =
  '<h2>Budget</h2><table><tbody><tr><th>Channel</th><th>Budget (USD)</th></tr><tr><td>Paid social</td><td>40,000</td></tr><tr><td>Events</td><td>25,000</td></tr><tr><td>Content</td><td>15,000</td></tr></tbody></table>';
const q3Timeline = (withMarker: boolean) =>
  `<h2>Timeline</h2><p>The ${withMarker ? marker(MK.q3LaunchDate, 'partner program launch in July') : 'partner program launch in July'} opens the quarter; the webinar series follows in August and the customer stories in September. Dates are in the ${link('Q3 Campaign Calendar')}.</p>`;

const MKT_PAGES: SeedItem[] = [
  {
    id: SP.marketingHome,
    title: 'Marketing Home',
    versions: [
      {
        daysAgo: 70,
        hour: 9,
        author: GRACE,
        body: `<h1>Marketing</h1><p>Campaigns, launch plans and brand guidelines of the marketing team. News goes to the team blog.</p><ul><li>${link('Q3 Planning')}</li><li>${link('Brand Guidelines')}</li><li>${link('Marketing Team')}</li></ul>`,
      },
    ],
  },
  {
    id: SP.q3Planning,
    title: 'Q3 Planning',
    parent: SP.marketingHome,
    labels: ['planning', 'q3'],
    versions: [
      { daysAgo: 40, hour: 10, author: GRACE, message: 'Initial outline', title: 'Q3 planning', body: Q3_GOALS },
      { daysAgo: 30, hour: 14, author: ADA, message: 'Add the budget', body: Q3_GOALS + Q3_BUDGET },
      {
        daysAgo: 21,
        hour: 11,
        author: DEMO,
        message: 'Add the launch dates',
        body: Q3_GOALS + Q3_BUDGET + q3Timeline(true),
      },
      {
        daysAgo: 9,
        hour: 16,
        author: GRACE,
        message: 'Finalize the channel mix',
        body: `${Q3_GOALS}${Q3_BUDGET}<p>We move a third of the ${marker(MK.q3PaidSocial, 'paid social budget')} to partner co-marketing.</p>${q3Timeline(true)}`,
      },
    ],
  },
  {
    id: SP.q3CampaignCalendar,
    title: 'Q3 Campaign Calendar',
    parent: SP.q3Planning,
    labels: ['campaign', 'calendar'],
    versions: [
      {
        daysAgo: 35,
        hour: 9,
        author: GRACE,
        body: '<table><tbody><tr><th>Month</th><th>Campaign</th><th>Owner</th></tr><tr><td>July</td><td>Partner program launch</td><td>Grace Hopper</td></tr><tr><td>August</td><td>Webinar series</td><td>Demo User</td></tr><tr><td>September</td><td>Customer stories</td><td>Ada Lovelace</td></tr></tbody></table>',
      },
    ],
  },
  {
    id: SP.brandGuidelines,
    title: 'Brand Guidelines',
    parent: SP.marketingHome,
    labels: ['brand'],
    versions: [
      {
        daysAgo: 60,
        hour: 10,
        author: ADA,
        body: '<h2>Voice</h2><p>Plain, friendly and precise. No jargon in headlines.</p><h2>Logo</h2><p>Use the full-colour logo on light backgrounds.</p>',
      },
      {
        daysAgo: 25,
        hour: 15,
        author: GRACE,
        message: 'Update the logo rules',
        body: '<h2>Voice</h2><p>Plain, friendly and precise. No jargon in headlines.</p><h2>Logo</h2><p>Use the full-colour logo on light backgrounds and the white logo on photos. Keep a clear space of one logo height around it.</p>',
      },
    ],
  },
  {
    id: SP.marketingTeam,
    title: 'Marketing Team',
    parent: SP.marketingHome,
    labels: ['team'],
    versions: [
      {
        daysAgo: 65,
        hour: 9,
        author: GRACE,
        body: '<h2>Who we are</h2><ul><li>Grace Hopper: head of marketing</li><li>Ada Lovelace: content and brand</li><li>Demo User: campaigns and events</li></ul><h2>How to reach us</h2><p>Ask in the #marketing channel or leave a comment on this page.</p>',
      },
    ],
  },
];

const MKT_BLOGPOSTS: SeedItem[] = [
  {
    id: SB.welcome,
    title: 'Welcome to the Marketing Blog',
    labels: ['announcement'],
    versions: [
      {
        daysAgo: 60,
        hour: 9,
        author: GRACE,
        body: '<p>This blog is where the marketing team shares campaign results, meeting summaries and launch news. Watch the space to get every post.</p>',
      },
    ],
  },
  {
    id: SB.springResults,
    title: 'Spring Campaign Results',
    labels: ['campaign', 'results'],
    versions: [
      {
        daysAgo: 45,
        hour: 15,
        author: ADA,
        body: '<h2>Highlights</h2><ul><li>1,240 sign-ups from the spring webinar.</li><li>Conversion to paid: 5.4%.</li></ul>',
      },
      {
        daysAgo: 44,
        hour: 10,
        author: ADA,
        message: 'Fix the conversion rate',
        minorEdit: true,
        body: '<h2>Highlights</h2><ul><li>1,240 sign-ups from the spring webinar.</li><li>Conversion to paid: 6.1%.</li></ul><p>Thanks to everyone who presented!</p>',
      },
    ],
  },
  {
    id: SB.teamMeetingQ3Kickoff,
    title: 'Team Meeting Summary: Q3 Kickoff',
    labels: ['meeting-notes'],
    versions: [
      {
        daysAgo: 25,
        hour: 17,
        author: DEMO,
        body: '<h2>Attendees</h2><p>Grace Hopper, Ada Lovelace, Demo User</p><h2>Decisions</h2><ul><li>The partner program launches in July.</li><li>The webinar series moves to August.</li></ul>',
      },
      {
        daysAgo: 20,
        hour: 10,
        author: GRACE,
        message: 'Add the action items',
        body: '<h2>Attendees</h2><p>Grace Hopper, Ada Lovelace, Demo User</p><h2>Decisions</h2><ul><li>The partner program launches in July.</li><li>The webinar series moves to August.</li></ul><h2>Action items</h2><ul><li>Ada: webinar landing page.</li><li>Demo User: partner announcement draft.</li></ul>',
      },
      {
        daysAgo: 18,
        hour: 9,
        author: DEMO,
        message: 'Link the Q3 plan',
        body: `<h2>Attendees</h2><p>Grace Hopper, Ada Lovelace, Demo User</p><h2>Decisions</h2><ul><li>The partner program launches in July.</li><li>The webinar series moves to August.</li></ul><h2>Action items</h2><ul><li>Ada: webinar landing page.</li><li>Demo User: partner announcement draft.</li></ul><p>The full plan: ${link('Q3 Planning')}.</p>`,
      },
    ],
  },
  {
    id: SB.partnerProgram,
    title: 'Announcing the Partner Program',
    labels: ['announcement', 'partners'],
    versions: [
      {
        daysAgo: 19,
        hour: 10,
        author: GRACE,
        body: `<p>In July we open our partner program with ${marker(MK.partnerNames, 'three launch partners')}. Partners get co-marketing funds, a listing in the integrations directory and early access to the roadmap.</p>`,
      },
    ],
  },
  {
    id: SB.brandRefreshDraft,
    title: 'Brand Refresh Teaser',
    status: 'draft',
    versions: [
      {
        daysAgo: 17,
        hour: 16,
        author: DEMO,
        body: '<p>Something new is coming to our logo this autumn.</p>',
      },
    ],
  },
  {
    id: SB.tradeShowRecap,
    title: 'Event Recap: Trade Show',
    status: 'trashed',
    labels: ['events'],
    versions: [
      {
        daysAgo: 50,
        hour: 12,
        author: ADA,
        body: '<p>Our booth had 300 visitors over two days.</p>',
      },
    ],
  },
];

interface SeedComment {
  id: string;
  kind: 'footer' | 'inline';
  on: { type: 'page' | 'blogpost'; id: string; title: string };
  parent?: string;
  status?: 'current' | 'trashed';
  daysAgo: number;
  hour: number;
  author: string;
  body: string;
  resolution?: 'open' | 'resolved';
  marker?: string;
  selection?: string;
}

const q3 = { type: 'page', id: SP.q3Planning, title: 'Q3 Planning' } as const;
const team = { type: 'page', id: SP.marketingTeam, title: 'Marketing Team' } as const;
const partner = { type: 'blogpost', id: SB.partnerProgram, title: 'Announcing the Partner Program' } as const;
const meeting = { type: 'blogpost', id: SB.teamMeetingQ3Kickoff, title: 'Team Meeting Summary: Q3 Kickoff' } as const;
const postmortem = {
  type: 'page',
  id: CONFLUENCE_SEED.pages.postmortem,
  title: 'Incident Postmortem: Checkout Outage',
} as const;

const COMMENTS: SeedComment[] = [
  {
    id: SC.q3Webinar,
    kind: 'footer',
    on: q3,
    daysAgo: 28,
    hour: 10,
    author: ADA,
    body: '<p>Can we move the webinar series to August? July is busy with the partner launch.</p>',
  },
  {
    id: SC.q3WebinarReplyGrace,
    kind: 'footer',
    on: q3,
    parent: SC.q3Webinar,
    daysAgo: 27,
    hour: 9,
    author: GRACE,
    body: '<p>Yes, it moves to the second week of August.</p>',
  },
  {
    id: SC.q3WebinarReplyDemo,
    kind: 'footer',
    on: q3,
    parent: SC.q3Webinar,
    daysAgo: 26,
    hour: 15,
    author: DEMO,
    body: '<p>I updated the Q3 campaign calendar to match.</p>',
  },
  {
    id: SC.q3BudgetApproved,
    kind: 'footer',
    on: q3,
    daysAgo: 9,
    hour: 17,
    author: DEMO,
    body: '<p>Finance approved the Q3 budget.</p>',
  },
  {
    id: SC.q3Duplicate,
    kind: 'footer',
    on: q3,
    status: 'trashed',
    daysAgo: 28,
    hour: 11,
    author: GRACE,
    body: '<p>Same question as above about the webinars.</p>',
  },
  {
    id: SC.q3InlineLaunchDate,
    kind: 'inline',
    on: q3,
    daysAgo: 20,
    hour: 11,
    author: GRACE,
    body: '<p>Do we have a firm date from the partner team?</p>',
    resolution: 'open',
    marker: MK.q3LaunchDate,
    selection: 'partner program launch in July',
  },
  {
    id: SC.q3InlinePaidSocial,
    kind: 'inline',
    on: q3,
    daysAgo: 9,
    hour: 10,
    author: ADA,
    body: '<p>Agreed with finance; resolving.</p>',
    resolution: 'resolved',
    marker: MK.q3PaidSocial,
    selection: 'paid social budget',
  },
  {
    id: SC.teamWelcome,
    kind: 'footer',
    on: team,
    daysAgo: 64,
    hour: 10,
    author: ADA,
    body: '<p>Welcome to the new space, everyone!</p>',
  },
  {
    id: SC.teamOutOfOffice,
    kind: 'footer',
    on: team,
    daysAgo: 12,
    hour: 14,
    author: DEMO,
    body: '<p>I added my out-of-office dates to the team calendar.</p>',
  },
  {
    id: SC.partnerQuestion,
    kind: 'footer',
    on: partner,
    daysAgo: 18,
    hour: 14,
    author: ADA,
    body: '<p>Great news! Which partners are in the first cohort?</p>',
  },
  {
    id: SC.partnerAnswer,
    kind: 'footer',
    on: partner,
    parent: SC.partnerQuestion,
    daysAgo: 18,
    hour: 16,
    author: GRACE,
    body: '<p>Three integrators; their names go public at the launch.</p>',
  },
  {
    id: SC.partnerInlineNames,
    kind: 'inline',
    on: partner,
    daysAgo: 18,
    hour: 11,
    author: DEMO,
    body: '<p>Should we name them here once the contracts are signed?</p>',
    resolution: 'open',
    marker: MK.partnerNames,
    selection: 'three launch partners',
  },
  {
    id: SC.meetingThanks,
    kind: 'footer',
    on: meeting,
    daysAgo: 20,
    hour: 12,
    author: ADA,
    body: '<p>Thanks for the notes. I will own the webinar landing page.</p>',
  },
  {
    id: SC.postmortemFollowUp,
    kind: 'footer',
    on: postmortem,
    daysAgo: 4,
    hour: 10,
    author: ADA,
    body: '<p>The certificate expiry alert is live in the monitoring dashboard.</p>',
  },
];

const LIKES: [string, string[]][] = [
  [SP.q3Planning, [ADA, DEMO, GRACE]],
  [SP.marketingTeam, [ADA, DEMO]],
  [SP.brandGuidelines, [GRACE]],
  [SB.partnerProgram, [ADA, DEMO, GRACE]],
  [SB.teamMeetingQ3Kickoff, [GRACE]],
  [SB.welcome, [ADA, DEMO]],
  [SC.q3Webinar, [GRACE]],
  [CONFLUENCE_SEED.pages.postmortem, [ADA, DEMO]],
];

function seedRecord(
  item: SeedItem,
  spaceId: string,
  position: number,
  at: (daysAgo: number, hour: number) => string,
): PageRecord {
  const versions: PageVersionRecord[] = item.versions.map((v, i) => ({
    number: i + 1,
    message: v.message ?? '',
    minorEdit: v.minorEdit ?? false,
    authorId: v.author,
    createdAt: at(v.daysAgo, v.hour),
    title: v.title ?? item.title,
    body: { representation: 'storage', value: v.body } satisfies PageBody,
  }));
  const first = versions[0]!;
  const last = versions.at(-1)!;
  return {
    id: item.id,
    spaceId,
    status: item.status ?? 'current',
    title: item.title,
    parentId: item.parent,
    position,
    authorId: first.authorId,
    ownerId: first.authorId,
    lastOwnerId: null,
    createdAt: first.createdAt,
    version: {
      number: last.number,
      message: last.message,
      minorEdit: last.minorEdit,
      authorId: last.authorId,
      createdAt: last.createdAt,
    },
    body: last.body,
    labels: [...(item.labels ?? [])],
    history: versions.slice(0, -1),
    private: false,
    statusBeforeTrash: item.status === 'trashed' ? 'current' : undefined,
  };
}

/** Seed data of the content group, added after the base seed (deterministic: fixed ids, dates relative to the clock). */
export function seedContent(state: ConfluenceState): void {
  const today = Math.floor(state.now().getTime() / DAY) * DAY;
  const at = (daysAgo: number, hour: number) => new Date(today - daysAgo * DAY + hour * 3_600_000).toISOString();

  state.insertSpace({
    ...MKT_SPACE,
    type: 'global',
    status: 'current',
    authorId: GRACE,
    createdAt: at(71, 9),
    homepageId: SP.marketingHome,
    description: 'Campaigns, launch plans, brand guidelines and the marketing team blog.',
    labels: ['marketing'],
  });
  const positions = new Map<string, number>();
  for (const item of MKT_PAGES) {
    const key = item.parent ?? '';
    const position = positions.get(key) ?? 0;
    positions.set(key, position + 1);
    state.insertPage(seedRecord(item, MKT_SPACE.id, position, at));
  }
  for (const item of MKT_BLOGPOSTS) state.insertBlogPost(seedRecord(item, MKT_SPACE.id, 0, at));

  for (const s of COMMENTS) {
    const createdAt = at(s.daysAgo, s.hour);
    state.insertComment({
      id: s.id,
      kind: s.kind,
      containerType: s.on.type,
      containerId: s.on.id,
      parentCommentId: s.parent,
      status: s.status ?? 'current',
      title: `Re: ${s.on.title}`,
      authorId: s.author,
      createdAt,
      version: { number: 1, message: '', minorEdit: false, authorId: s.author, createdAt },
      body: { representation: 'storage', value: s.body },
      resolutionStatus: s.resolution,
      inlineMarkerRef: s.marker,
      textSelection: s.selection,
    });
  }
  for (const [contentId, accounts] of LIKES) for (const a of accounts) state.addLike(contentId, a);
}
