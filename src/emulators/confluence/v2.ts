/** Confluence REST API v2 (`/wiki/api/v2`): spaces and pages. */
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
  type ConfluenceContext,
  type ConfluenceDeps,
  listResponse,
  pageLinks,
  requireNumericId,
  site,
  spaceWebui,
} from './http.ts';
import type { ConfluenceState, PageBody, PageRecord, PageStatus, SpaceRecord, VersionInfo } from './state.ts';
import { escapeHtml, parseAdf, storageToView } from './storage-format.ts';

export type RouteHandler = (c: ConfluenceContext, deps: ConfluenceDeps) => Response | Promise<Response>;
export interface RouteDef {
  api: 'v1' | 'v2';
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path from the site root, with `{param}` placeholders as in the OpenAPI documents. */
  path: string;
  /** OAuth scopes the operation needs (the spec's `x-atlassian-oauth2-scopes`, the "current" ones). */
  scopes?: string[];
  handler: RouteHandler;
}

export const V2 = '/wiki/api/v2';
export const LIST_LIMIT = { default: 25, max: 250 };

const SPACE_SORTS = ['id', '-id', 'key', '-key', 'name', '-name'] as const;
const SPACE_TYPES = [
  'global',
  'collaboration',
  'knowledge_base',
  'personal',
  'system',
  'onboarding',
  'xflow_sample_space',
] as const;
export const PAGE_SORTS = [
  'id',
  '-id',
  'created-date',
  '-created-date',
  'modified-date',
  '-modified-date',
  'title',
  '-title',
] as const;
export const PRIMARY_FORMATS = ['storage', 'atlas_doc_format'] as const;
export const SINGLE_FORMATS = [
  'storage',
  'atlas_doc_format',
  'view',
  'export_view',
  'anonymous_export_view',
  'styled_view',
  'editor',
] as const;
export type BodyFormat = (typeof SINGLE_FORMATS)[number];

// ---------------------------------------------------------------------------------------------------------------
// Serializers

function spaceJson(state: ConfluenceState, space: SpaceRecord, q: URLSearchParams, single: boolean, base?: string) {
  const descriptionFormat = queryEnum(q, 'description-format', ['plain', 'view'] as const);
  const out: Record<string, unknown> = {
    id: space.id,
    key: space.key,
    name: space.name,
    type: space.type,
    status: space.status,
    authorId: space.authorId,
    createdAt: space.createdAt,
    homepageId: space.homepageId,
  };
  if (!single) out.currentActiveAlias = space.key;
  if (descriptionFormat === 'plain') {
    out.description = { plain: { representation: 'plain', value: space.description } };
  } else if (descriptionFormat === 'view') {
    out.description = { view: { representation: 'view', value: `<p>${escapeHtml(space.description)}</p>` } };
  }
  if (queryBoolean(q, 'include-icon', false)) {
    out.icon = {
      path: '/images/logo/default-space-logo.svg',
      apiDownloadLink: `/download/attachments/${space.id}/space-logo.svg`,
    };
  }
  if (single) {
    const self = `${V2}/spaces/${space.id}`;
    const empty = (what: string) => ({ results: [], meta: { hasMore: false }, _links: { self: `${self}/${what}` } });
    if (queryBoolean(q, 'include-labels', false)) {
      out.labels = {
        results: space.labels.map((name) => {
          const l = state.label(name);
          return { id: l.id, name: l.name, prefix: l.prefix };
        }),
        meta: { hasMore: false },
        _links: { self: `${self}/labels` },
      };
    }
    if (queryBoolean(q, 'include-properties', false)) out.properties = empty('properties');
    if (queryBoolean(q, 'include-operations', false)) out.operations = empty('operations');
    if (queryBoolean(q, 'include-permissions', false)) out.permissions = empty('permissions');
  }
  out._links = base ? { webui: spaceWebui(space), base } : { webui: spaceWebui(space) };
  return out;
}

export function versionJson(v: VersionInfo) {
  return { createdAt: v.createdAt, message: v.message, number: v.number, minorEdit: v.minorEdit, authorId: v.authorId };
}

export function renderBody(
  state: ConfluenceState,
  body: PageBody,
  format: BodyFormat,
  ctx: { base: string; spaceKey: string },
): Record<string, { representation: string; value: string }> {
  let value: string;
  if (format === 'atlas_doc_format') value = state.bodyIn(body, 'atlas_doc_format');
  else if (format === 'storage' || format === 'editor') value = state.bodyIn(body, 'storage');
  else {
    const view = storageToView(state.bodyIn(body, 'storage'), { wikiBase: ctx.base, spaceKey: ctx.spaceKey });
    value =
      format === 'styled_view'
        ? `<html><head><style>body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",sans-serif;}</style></head><body>${view}</body></html>`
        : view;
  }
  return { [format]: { representation: format, value } };
}

export interface PageView {
  title: string;
  body: PageBody;
  version: VersionInfo;
  status: PageStatus | 'historical';
}

export function pageJson(
  deps: ConfluenceDeps,
  page: PageRecord,
  opts: {
    base: string;
    single: boolean;
    bodyFormat?: BodyFormat;
    includeVersion?: boolean;
    q?: URLSearchParams;
    view?: PageView;
  },
) {
  const { state } = deps;
  const space = state.spaces.get(page.spaceId);
  const v = opts.view ?? { title: page.title, body: page.body, version: page.version, status: page.status };
  const out: Record<string, unknown> = {
    id: page.id,
    status: v.status,
    title: v.title,
    spaceId: page.spaceId,
  };
  if (page.parentId) {
    out.parentId = page.parentId;
    out.parentType = 'page';
  }
  out.position = page.position;
  out.authorId = page.authorId;
  out.ownerId = page.ownerId;
  out.lastOwnerId = page.lastOwnerId;
  if (!opts.single) out.subtype = null;
  out.createdAt = page.createdAt;
  if (opts.includeVersion !== false) out.version = versionJson(v.version);
  if (opts.bodyFormat) {
    out.body = renderBody(state, v.body, opts.bodyFormat, { base: opts.base, spaceKey: space?.key ?? '' });
  }
  const q = opts.q;
  if (opts.single && q) {
    const self = `${V2}/pages/${page.id}`;
    const empty = (what: string) => ({ results: [], meta: { hasMore: false }, _links: { self: `${self}/${what}` } });
    if (queryBoolean(q, 'include-labels', false)) {
      out.labels = {
        results: page.labels.map((name) => {
          const l = state.label(name);
          return { id: l.id, name: l.name, prefix: l.prefix };
        }),
        meta: { hasMore: false },
        _links: { self: `${self}/labels` },
      };
    }
    if (queryBoolean(q, 'include-properties', false)) out.properties = empty('properties');
    if (queryBoolean(q, 'include-operations', false)) {
      out.operations = {
        results: [
          { operation: 'read', targetType: 'page' },
          { operation: 'update', targetType: 'page' },
          { operation: 'delete', targetType: 'page' },
        ],
        meta: { hasMore: false },
        _links: { self: `${self}/operations` },
      };
    }
    if (queryBoolean(q, 'include-likes', false)) out.likes = empty('likes');
    if (queryBoolean(q, 'include-versions', false)) {
      const all = state.versions(page).reverse();
      out.versions = {
        results: all.slice(0, 50).map(versionJson),
        meta: { hasMore: all.length > 50 },
        _links: { self: `${self}/versions` },
      };
    }
    if (queryBoolean(q, 'include-favorited-by-current-user-status', false)) out.isFavoritedByCurrentUser = false;
  }
  const links: Record<string, string> = { ...pageLinks({ ...page, title: v.title }, space) };
  if (opts.single) links.base = opts.base;
  out._links = links;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Request validation

export function asObject(raw: unknown): Record<string, unknown> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('The request body must be a JSON object');
  return raw as Record<string, unknown>;
}

/** An id given as a JSON string or number. */
export function idField(raw: unknown, name: string): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const s = typeof raw === 'number' && Number.isInteger(raw) ? String(raw) : raw;
  if (typeof s !== 'string' || !/^\d+$/.test(s)) {
    throw badRequest(`Provided value {${String(raw)}} for '${name}' is not the correct type. Expected type is Long`);
  }
  return s;
}

function titleField(raw: unknown, required: boolean): string | undefined {
  if (raw === undefined || raw === null) {
    if (required) throw badRequest("'title' is required for a page that is not a draft");
    return undefined;
  }
  if (typeof raw !== 'string') throw badRequest("'title' must be a string");
  if (required && !raw.trim()) throw badRequest("'title' cannot be empty for a page that is not a draft");
  if (raw.length > 255) throw badRequest(`'title' is ${raw.length} characters long; the maximum is 255`);
  return raw;
}

/** `body` of a write: `{representation, value}` or `{storage: {representation, value}}` (and the ADF form). */
export function writeBody(raw: unknown): PageBody | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw badRequest('\'body\' must be an object: {"representation": "storage", "value": "<p>…</p>"}');
  }
  let b = raw as Record<string, unknown>;
  if (!('representation' in b)) {
    const nestedKey = ['storage', 'atlas_doc_format', 'wiki'].find((k) => b[k] !== undefined);
    if (!nestedKey) {
      throw badRequest("'body.representation' is required: one of storage, atlas_doc_format");
    }
    const nested = b[nestedKey];
    if (!nested || typeof nested !== 'object') throw badRequest(`'body.${nestedKey}' must be an object`);
    b = { representation: nestedKey, ...(nested as Record<string, unknown>) };
  }
  const rep = b.representation;
  if (rep === 'wiki') {
    throw badRequest("'body.representation' wiki is not supported by this emulator; use storage or atlas_doc_format");
  }
  if (rep !== 'storage' && rep !== 'atlas_doc_format') {
    throw badRequest(
      `Provided value {${String(rep)}} for 'body.representation' is not valid. Allowed values: storage, atlas_doc_format, wiki`,
    );
  }
  const value = b.value ?? '';
  if (typeof value !== 'string') {
    throw badRequest(
      "'body.value' must be a string (for atlas_doc_format, the ADF document serialized as a JSON string)",
    );
  }
  if (rep === 'atlas_doc_format') {
    const doc = parseAdf(value);
    if (typeof doc === 'string') throw badRequest(`'body.value': ${doc}`);
  }
  return { representation: rep, value };
}

export function statusField(raw: unknown, required: boolean): 'current' | 'draft' {
  if (raw === undefined || raw === null) {
    if (required) throw badRequest("'status' is required: current or draft");
    return 'current';
  }
  if (raw !== 'current' && raw !== 'draft') {
    throw badRequest(`Provided value {${String(raw)}} for 'status' is not valid. Allowed values: current, draft`);
  }
  return raw;
}

const duplicateTitle = () =>
  badRequest('A page with this title already exists: A page already exists with the same TITLE in this space');

export function visiblePage(deps: ConfluenceDeps, id: string, accountId: string): PageRecord {
  requireNumericId(id);
  const page = deps.state.pages.get(id);
  if (!page || !deps.state.canView(page, accountId)) throw notFound();
  return page;
}

/** Ancestors become the parent's: what Confluence does with the children of a page that leaves the tree. */
function reparentChildren(state: ConfluenceState, page: PageRecord): void {
  for (const child of state.children(page.id)) {
    child.parentId = page.parentId;
    child.position = state.nextPosition(child.spaceId, page.parentId);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Handlers

const getSpaces: RouteHandler = (c, deps) => {
  const q = new URL(c.req.url).searchParams;
  const ids = queryArray(q, 'ids').map((id) => requireNumericId(id, 'ids'));
  const keys = queryArray(q, 'keys');
  const type = queryEnum(q, 'type', SPACE_TYPES);
  const status = queryEnum(q, 'status', ['current', 'archived'] as const);
  const labels = queryArray(q, 'labels').map((l) => l.toLowerCase());
  const sort = queryEnum(q, 'sort', SPACE_SORTS) ?? 'id';
  const limit = queryLimit(q, LIST_LIMIT);
  // validate the per-item options once, before paging
  queryEnum(q, 'description-format', ['plain', 'view'] as const);
  queryBoolean(q, 'include-icon', false);

  const accountId = c.get('accountId');
  const spaces = [...deps.state.spaces.values()].filter(
    (s) =>
      deps.state.canViewSpace(s, accountId) &&
      (ids.length === 0 || ids.includes(s.id)) &&
      (keys.length === 0 || keys.includes(s.key)) &&
      (!type || s.type === type) &&
      (!status || s.status === status) &&
      (labels.length === 0 || labels.some((l) => s.labels.includes(l))),
  );
  const field = sort.replace(/^-/, '');
  const key = (s: SpaceRecord): SortKey[] =>
    field === 'key' ? [s.key, Number(s.id)] : field === 'name' ? [s.name.toLowerCase(), Number(s.id)] : [Number(s.id)];
  const page = keysetPaginate(spaces, {
    key,
    descending: sort.startsWith('-'),
    limit,
    cursor: q.get('cursor'),
    scope: `spaces:${sort}`,
  });
  return listResponse(
    c,
    deps.basePath,
    page.items.map((s) => spaceJson(deps.state, s, q, false)),
    page.next,
  );
};

const getSpaceById: RouteHandler = (c, deps) => {
  const id = requireNumericId(c.req.param('id') ?? '');
  const q = new URL(c.req.url).searchParams;
  const space = deps.state.spaces.get(id);
  // A private space is its creator's alone: for anyone else it does not exist.
  if (!space || !deps.state.canViewSpace(space, c.get('accountId'))) throw notFound();
  return c.json(spaceJson(deps.state, space, q, true, site(c, deps.basePath).base));
};

const PAGE_LIST_STATUSES = ['current', 'archived', 'deleted', 'trashed'] as const;

const getPages: RouteHandler = (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const q = new URL(c.req.url).searchParams;
  const ids = queryArray(q, 'id').map((id) => requireNumericId(id, 'id'));
  const spaceIds = queryArray(q, 'space-id').map((id) => requireNumericId(id, 'space-id'));
  const statuses = queryArray(q, 'status');
  for (const s of statuses) {
    if (!(PAGE_LIST_STATUSES as readonly string[]).includes(s)) {
      throw badRequest(
        `Provided value {${s}} for 'status' is not valid. Allowed values: ${PAGE_LIST_STATUSES.join(', ')}`,
      );
    }
  }
  const wanted = statuses.length ? statuses : ['current', 'archived'];
  const title = q.get('title');
  const bodyFormat = queryEnum(q, 'body-format', PRIMARY_FORMATS);
  queryEnum(q, 'subtype', ['live', 'page'] as const);
  const sort = queryEnum(q, 'sort', PAGE_SORTS) ?? 'id';
  const limit = queryLimit(q, LIST_LIMIT);

  const pages = [...state.pages.values()].filter(
    (p) =>
      state.canView(p, accountId) &&
      wanted.includes(p.status) &&
      (ids.length === 0 || ids.includes(p.id)) &&
      (spaceIds.length === 0 || spaceIds.includes(p.spaceId)) &&
      (title === null || title === '' || p.title === title),
  );
  const field = sort.replace(/^-/, '');
  const key = (p: PageRecord): SortKey[] => {
    if (field === 'created-date') return [Date.parse(p.createdAt), Number(p.id)];
    if (field === 'modified-date') return [Date.parse(p.version.createdAt), Number(p.id)];
    if (field === 'title') return [p.title.toLowerCase(), Number(p.id)];
    return [Number(p.id)];
  };
  const result = keysetPaginate(pages, {
    key,
    descending: sort.startsWith('-'),
    limit,
    cursor: q.get('cursor'),
    scope: `pages:${sort}`,
  });
  const base = site(c, deps.basePath).base;
  return listResponse(
    c,
    deps.basePath,
    result.items.map((p) => pageJson(deps, p, { base, single: false, bodyFormat })),
    result.next,
  );
};

const getPageById: RouteHandler = (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const q = new URL(c.req.url).searchParams;
  const page = visiblePage(deps, c.req.param('id') ?? '', accountId);
  const bodyFormat = queryEnum(q, 'body-format', SINGLE_FORMATS);
  const getDraft = queryBoolean(q, 'get-draft', false);
  const allowed = ['current', 'archived', 'trashed', 'deleted', 'historical', 'draft'];
  const statuses = queryArray(q, 'status');
  for (const s of statuses) {
    if (!allowed.includes(s)) {
      throw badRequest(`Provided value {${s}} for 'status' is not valid. Allowed values: ${allowed.join(', ')}`);
    }
  }
  const wanted = statuses.length ? [...statuses] : ['current', 'archived'];
  if (getDraft) wanted.push('draft');
  const versionNumber = queryInteger(q, 'version');
  const includeVersion = queryBoolean(q, 'include-version', true);

  let view: PageView | undefined;
  if (versionNumber !== undefined) {
    const all = state.versions(page);
    const found = all.find((v) => v.number === versionNumber);
    if (!found || page.status === 'draft') throw notFound();
    const latest = found.number === page.version.number;
    view = {
      title: found.title,
      body: found.body,
      version: found,
      status: latest ? page.status : 'historical',
    };
  } else if (!wanted.includes(page.status)) {
    throw notFound();
  }
  // validate the remaining include-* flags
  for (const flag of ['include-webresources', 'include-collaborators', 'include-direct-children']) {
    queryBoolean(q, flag, false);
  }
  const base = site(c, deps.basePath).base;
  return c.json(pageJson(deps, page, { base, single: true, bodyFormat, includeVersion, q, view }));
};

const createPage: RouteHandler = async (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const q = new URL(c.req.url).searchParams;
  const isPrivate = queryBoolean(q, 'private', false);
  const rootLevel = queryBoolean(q, 'root-level', false);
  queryBoolean(q, 'embedded', false);
  const b = asObject(await readJson(c));

  const spaceId = idField(b.spaceId, 'spaceId');
  if (!spaceId) throw badRequest("'spaceId' is required");
  const status = statusField(b.status, false);
  const title = titleField(b.title, status === 'current') ?? '';
  const body = writeBody(b.body) ?? { representation: 'storage', value: '' };
  const parentIdIn = idField(b.parentId, 'parentId');
  if (b.subtype !== undefined && b.subtype !== null && b.subtype !== 'live') {
    throw badRequest(`Provided value {${String(b.subtype)}} for 'subtype' is not valid. Allowed values: live`);
  }
  if (rootLevel && parentIdIn) throw badRequest("'parentId' may not be given when 'root-level' is true");

  const space = state.spaces.get(spaceId);
  if (!space) throw notFound(`No space with id ${spaceId}, or you cannot see it`);
  let parentId: string | undefined;
  if (parentIdIn) {
    const parent = state.pages.get(parentIdIn);
    if (!parent || !state.canView(parent, accountId) || parent.status !== 'current' || parent.spaceId !== spaceId) {
      throw notFound(`No page with id ${parentIdIn} in space ${spaceId} to use as 'parentId'`);
    }
    parentId = parent.id;
  } else if (!rootLevel && space.homepageId && state.pages.get(space.homepageId)?.status === 'current') {
    parentId = space.homepageId;
  }
  if (status === 'current' && state.currentPageWithTitle(spaceId, title)) throw duplicateTitle();

  const now = state.nowIso();
  const page: PageRecord = {
    id: state.nextId(),
    spaceId,
    status,
    title,
    parentId,
    position: state.nextPosition(spaceId, parentId),
    authorId: accountId,
    ownerId: accountId,
    lastOwnerId: null,
    createdAt: now,
    version: { number: 1, message: '', minorEdit: false, authorId: accountId, createdAt: now },
    body,
    labels: [],
    history: [],
    private: isPrivate,
  };
  state.insertPage(page);
  const base = site(c, deps.basePath).base;
  return c.json(pageJson(deps, page, { base, single: true, bodyFormat: body.representation }));
};

const updatePage: RouteHandler = async (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const page = visiblePage(deps, c.req.param('id') ?? '', accountId);
  const b = asObject(await readJson(c));
  for (const field of ['id', 'status', 'title', 'body', 'version']) {
    if (b[field] === undefined || b[field] === null) throw badRequest(`'${field}' is required`);
  }
  const id = idField(b.id, 'id');
  if (id !== page.id) throw badRequest(`'id' in the body (${String(b.id)}) does not match the page id in the path`);
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
  if (spaceId && spaceId !== page.spaceId) {
    throw badRequest("'spaceId': moving a page to a different space is not supported");
  }
  const now = state.nowIso();
  const conflict = (expected: number) =>
    new EmulatorHttpError(
      409,
      `Version must be incremented when updating a page. Current Version: [${page.version.number}]. Provided version: [${number}]` +
        (expected === page.version.number + 1 ? '' : ` (a draft is updated and published with version ${expected})`),
    );

  // Restoring from the trash: only the status changes.
  if (page.status === 'trashed' || page.status === 'deleted') {
    if (status !== 'current') throw badRequest("a trashed page can only be restored with 'status' current");
    if (number !== page.version.number + 1) throw conflict(page.version.number + 1);
    if (state.currentPageWithTitle(page.spaceId, page.title, page.id)) throw duplicateTitle();
    page.history.push({ ...page.version, title: page.title, body: page.body });
    page.status = page.statusBeforeTrash === 'archived' ? 'archived' : 'current';
    page.statusBeforeTrash = undefined;
    page.version = {
      number,
      message: (message as string) ?? '',
      minorEdit: false,
      authorId: accountId,
      createdAt: now,
    };
    if (page.parentId && state.pages.get(page.parentId)?.status !== 'current') page.parentId = undefined;
    const base = site(c, deps.basePath).base;
    return c.json(pageJson(deps, page, { base, single: true, bodyFormat: page.body.representation }));
  }

  if (page.status !== 'draft' && status === 'draft') {
    throw badRequest("'status': turning a published page back into a draft is not supported by this emulator");
  }
  const title = titleField(b.title, status === 'current') ?? '';
  if (page.status === 'draft') {
    // A draft stays version 1 until it is published (publishing is version 1 too).
    if (number !== 1) throw conflict(1);
  } else if (number !== page.version.number + 1) {
    throw conflict(page.version.number + 1);
  }
  if (status === 'current' && state.currentPageWithTitle(page.spaceId, title, page.id)) throw duplicateTitle();

  const parentId = idField(b.parentId, 'parentId');
  if (parentId && parentId !== page.parentId) {
    const parent = state.pages.get(parentId);
    if (!parent || !state.canView(parent, accountId) || parent.spaceId !== page.spaceId) {
      throw notFound(`No page with id ${parentId} in this space to use as 'parentId'`);
    }
    if (parent.id === page.id || state.ancestorIds(parent).includes(page.id)) {
      throw badRequest(`'parentId' ${parentId} is the page itself or one of its descendants`);
    }
    page.parentId = parent.id;
    page.position = state.nextPosition(page.spaceId, parent.id);
  }
  const ownerId = b.ownerId;
  if (ownerId !== undefined && ownerId !== null && ownerId !== page.ownerId) {
    if (typeof ownerId !== 'string' || !state.users.has(ownerId)) {
      throw badRequest(`'ownerId' ${String(ownerId)} is not a known account id`);
    }
    page.lastOwnerId = page.ownerId;
    page.ownerId = ownerId;
  }

  if (page.status === 'draft') {
    page.status = status;
    page.title = title;
    page.body = body;
    page.version = {
      number: 1,
      message: (message as string) ?? '',
      minorEdit: false,
      authorId: accountId,
      createdAt: now,
    };
  } else {
    page.history.push({ ...page.version, title: page.title, body: page.body });
    page.title = title;
    page.body = body;
    page.version = {
      number,
      message: (message as string) ?? '',
      minorEdit: false,
      authorId: accountId,
      createdAt: now,
    };
  }
  const base = site(c, deps.basePath).base;
  return c.json(pageJson(deps, page, { base, single: true, bodyFormat: body.representation }));
};

const deletePage: RouteHandler = (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const q = new URL(c.req.url).searchParams;
  const purge = queryBoolean(q, 'purge', false);
  const draft = queryBoolean(q, 'draft', false);
  const page = visiblePage(deps, c.req.param('id') ?? '', accountId);
  if (draft) {
    if (page.status !== 'draft') throw notFound(`Page ${page.id} is not a draft`);
    reparentChildren(state, page);
    state.pages.delete(page.id);
  } else if (purge) {
    if (page.status !== 'trashed') throw notFound(`Page ${page.id} is not in the trash; delete it first, then purge`);
    state.pages.delete(page.id);
  } else {
    if (page.status !== 'current' && page.status !== 'archived') throw notFound();
    reparentChildren(state, page);
    page.statusBeforeTrash = page.status;
    page.status = 'trashed';
  }
  return c.body(null, 204);
};

export const V2_ROUTES: RouteDef[] = [
  { api: 'v2', method: 'GET', path: `${V2}/spaces`, handler: getSpaces },
  { api: 'v2', method: 'GET', path: `${V2}/spaces/{id}`, handler: getSpaceById },
  { api: 'v2', method: 'GET', path: `${V2}/pages`, handler: getPages },
  { api: 'v2', method: 'POST', path: `${V2}/pages`, handler: createPage },
  { api: 'v2', method: 'GET', path: `${V2}/pages/{id}`, handler: getPageById },
  { api: 'v2', method: 'PUT', path: `${V2}/pages/{id}`, handler: updatePage },
  { api: 'v2', method: 'DELETE', path: `${V2}/pages/{id}`, handler: deletePage },
];
