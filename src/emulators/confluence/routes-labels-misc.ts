/**
 * Labels, attachments, tasks, users, the audit log, content restrictions and CQL content search.
 *
 * v2 (`/wiki/api/v2`): label lists (site, page, blog post, space, space content, attachment), blog posts of a label,
 * attachments (site-wide, per page, one by id), tasks (list, update). v1 (`/wiki/rest/api`): add labels to content,
 * label lookup by name, attachment download (302 to the file, like Confluence), anonymous user, user search with
 * the user CQL fields, content search with CQL (the engine of `cql.ts`), audit records, content restrictions.
 *
 * Restrictions are enforced here: content a read restriction hides is a 404, content an update restriction protects
 * is a 403 (labels) or 404 (tasks), as Confluence answers.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import {
  badRequest,
  decodeCursor,
  EmulatorHttpError,
  encodeCursor,
  keysetPaginate,
  normalizeBasePath,
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
  type CqlContext,
  type CqlDocument,
  CqlError,
  compareByOrder,
  matchesCql,
  parseCql,
  scoreCql,
  type Token,
  tokenize,
} from './cql.ts';
import {
  blogPostLinks,
  type ConfluenceContext,
  type ConfluenceDeps,
  type ConfluenceEnv,
  listResponse,
  requireNumericId,
  site,
  v1ErrorBody,
} from './http.ts';
import { CONFLUENCE_SEED } from './seed.ts';
import {
  type AttachmentRecord,
  type AuditRecord,
  type BlogPostRecord,
  type ConfluenceState,
  type ConfluenceUser,
  type LabelRecord,
  type PageBody,
  type PageRecord,
  qualifiedLabel,
  type TaskRecord,
} from './state.ts';
import { contentJson, parseCqlContext, userJson } from './v1.ts';
import type { RouteDef, RouteHandler } from './v2.ts';

const V2 = '/wiki/api/v2';
const V1 = '/wiki/rest/api';

// ---------------------------------------------------------------------------------------------------------------
// Shared helpers

const params = (c: ConfluenceContext) => new URL(c.req.url).searchParams;

function v1Fail(status: number, message: string, errors: unknown[] = []): Response {
  return new Response(JSON.stringify(v1ErrorBody(status, message, errors)), {
    status,
    headers: { 'Content-Type': 'application/json;charset=UTF-8' },
  });
}

/** A page or blog post the caller may read (drafts and private content are their author's; restrictions apply). */
function readablePost(
  deps: ConfluenceDeps,
  type: 'page' | 'blogpost',
  id: string,
  accountId: string,
): PageRecord | undefined {
  const { state } = deps;
  const rec = type === 'page' ? state.pages.get(id) : state.blogposts.get(id);
  if (!rec || !state.canView(rec, accountId) || !state.restrictionAllows(id, accountId, 'read')) return undefined;
  return rec;
}

function readableAttachment(deps: ConfluenceDeps, key: string, accountId: string): AttachmentRecord | undefined {
  const a = deps.state.attachments.get(key);
  if (!a || !readablePost(deps, a.containerType, a.containerId, accountId)) return undefined;
  return a;
}

/** `att123` or `123` → the attachment's key (`att123`); anything else is a 400 naming the parameter. */
function attachmentKey(raw: string, name: string): string {
  const m = /^(?:att)?(\d+)$/.exec(raw);
  if (!m) {
    throw badRequest(
      `Provided value {${raw}} for '${name}' is not the correct type. Expected an attachment id (att123)`,
    );
  }
  return `att${m[1]}`;
}

/** A v2 date-range parameter in epoch milliseconds. */
function queryEpochMs(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) {
    throw badRequest(`Provided value {${raw}} for '${name}' is not the correct type. Expected epoch milliseconds`);
  }
  return Number(raw);
}

function v2Version(v: { createdAt: string; message: string; number: number; minorEdit: boolean; authorId: string }) {
  return { createdAt: v.createdAt, message: v.message, number: v.number, minorEdit: v.minorEdit, authorId: v.authorId };
}

function bodyOf(state: ConfluenceState, body: PageBody, format: 'storage' | 'atlas_doc_format' | undefined) {
  if (!format) return undefined;
  return { [format]: { representation: format, value: state.bodyIn(body, format) } };
}

/** Deterministic UUID-shaped id from a string (group ids, file ids). */
function uuidOf(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Labels (v2 lists)

const LABEL_SORTS = ['created-date', '-created-date', 'id', '-id', 'name', '-name'] as const;
const CONTENT_LABEL_PREFIXES = ['my', 'team', 'global', 'system'] as const;
const SPACE_LABEL_PREFIXES = ['my', 'team'] as const;

const labelJson = (l: LabelRecord) => ({ id: l.id, name: l.name, prefix: l.prefix });

/** The label records of qualified names, without duplicates. */
function labelRecords(state: ConfluenceState, names: Iterable<string>): LabelRecord[] {
  const out = new Map<string, LabelRecord>();
  for (const n of names) {
    const l = state.label(n);
    out.set(l.id, l);
  }
  return [...out.values()];
}

/** A v2 label list: `prefix` filter (one value), `sort`, `limit`, `cursor`. */
function labelList(
  c: ConfluenceContext,
  deps: ConfluenceDeps,
  labels: LabelRecord[],
  scope: string,
  prefixes: readonly string[],
): Response {
  const q = params(c);
  const prefix = queryEnum(q, 'prefix', prefixes);
  const sort = queryEnum(q, 'sort', LABEL_SORTS) ?? 'id';
  const limit = queryLimit(q, { default: 25, max: 250 });
  const filtered = labels.filter((l) => !prefix || l.prefix === prefix);
  return pagedLabels(c, deps, filtered, sort, limit, scope);
}

function pagedLabels(
  c: ConfluenceContext,
  deps: ConfluenceDeps,
  labels: LabelRecord[],
  sort: (typeof LABEL_SORTS)[number],
  limit: number,
  scope: string,
): Response {
  const byName = sort.endsWith('name');
  const page = keysetPaginate(labels, {
    key: (l): SortKey[] => (byName ? [l.name, Number(l.id)] : [Number(l.id)]),
    descending: sort.startsWith('-'),
    limit,
    cursor: params(c).get('cursor'),
    scope: `${scope}:${sort}`,
  });
  return listResponse(c, deps.basePath, page.items.map(labelJson), page.next);
}

const getLabels: RouteHandler = (c, deps) => {
  const q = params(c);
  const ids = queryArray(q, 'label-id').map((id) => requireNumericId(id, 'label-id'));
  const prefixes = queryArray(q, 'prefix');
  for (const p of prefixes) {
    if (!(CONTENT_LABEL_PREFIXES as readonly string[]).includes(p)) {
      throw badRequest(
        `Provided value {${p}} for 'prefix' is not valid. Allowed values: ${CONTENT_LABEL_PREFIXES.join(', ')}`,
      );
    }
  }
  const sort = queryEnum(q, 'sort', LABEL_SORTS) ?? 'id';
  const limit = queryLimit(q, { default: 25, max: 250 });
  const labels = [...deps.state.labels.values()].filter(
    (l) => (ids.length === 0 || ids.includes(l.id)) && (prefixes.length === 0 || prefixes.includes(l.prefix)),
  );
  return pagedLabels(c, deps, labels, sort, limit, 'labels');
};

const contentLabels =
  (type: 'page' | 'blogpost'): RouteHandler =>
  (c, deps) => {
    const id = requireNumericId(c.req.param('id') ?? '');
    const rec = readablePost(deps, type, id, c.get('accountId'));
    if (!rec) throw notFound();
    return labelList(c, deps, labelRecords(deps.state, rec.labels), `${type}-labels:${id}`, CONTENT_LABEL_PREFIXES);
  };

const attachmentLabels: RouteHandler = (c, deps) => {
  const id = requireNumericId(c.req.param('id') ?? '');
  const a = readableAttachment(deps, `att${id}`, c.get('accountId'));
  if (!a) throw notFound();
  return labelList(c, deps, labelRecords(deps.state, a.labels), `attachment-labels:${id}`, CONTENT_LABEL_PREFIXES);
};

const spaceLabels: RouteHandler = (c, deps) => {
  const id = requireNumericId(c.req.param('id') ?? '');
  const space = deps.state.spaces.get(id);
  if (!space) throw notFound();
  return labelList(c, deps, labelRecords(deps.state, space.labels), `space-labels:${id}`, SPACE_LABEL_PREFIXES);
};

/** Labels on the pages and blog posts of a space (and on their attachments) the caller can read. */
const spaceContentLabels: RouteHandler = (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const id = requireNumericId(c.req.param('id') ?? '');
  if (!state.spaces.get(id)) throw notFound();
  const names: string[] = [];
  const posts = [
    ...[...state.pages.values()].map((p) => ({ type: 'page' as const, p })),
    ...[...state.blogposts.values()].map((p) => ({ type: 'blogpost' as const, p })),
  ];
  const readable = new Set<string>();
  for (const { type, p } of posts) {
    if (p.spaceId !== id || p.status === 'trashed' || p.status === 'deleted') continue;
    if (!readablePost(deps, type, p.id, accountId)) continue;
    readable.add(p.id);
    names.push(...p.labels);
  }
  for (const a of state.attachments.values()) {
    if (a.status === 'current' && readable.has(a.containerId)) names.push(...a.labels);
  }
  return labelList(c, deps, labelRecords(state, names), `space-content-labels:${id}`, SPACE_LABEL_PREFIXES);
};

const BLOGPOST_SORTS = ['id', '-id', 'created-date', '-created-date', 'modified-date', '-modified-date'] as const;

function blogPostJson(state: ConfluenceState, post: BlogPostRecord, format?: 'storage' | 'atlas_doc_format') {
  const out: Record<string, unknown> = {
    id: post.id,
    status: post.status,
    title: post.title,
    spaceId: post.spaceId,
    authorId: post.authorId,
    createdAt: post.createdAt,
    version: v2Version(post.version),
  };
  const body = bodyOf(state, post.body, format);
  if (body) out.body = body;
  out._links = blogPostLinks(post, state.spaces.get(post.spaceId));
  return out;
}

const labelBlogPosts: RouteHandler = (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const q = params(c);
  const id = requireNumericId(c.req.param('id') ?? '');
  const spaceIds = queryArray(q, 'space-id').map((s) => requireNumericId(s, 'space-id'));
  const format = queryEnum(q, 'body-format', ['storage', 'atlas_doc_format'] as const);
  const sort = queryEnum(q, 'sort', BLOGPOST_SORTS) ?? 'id';
  const limit = queryLimit(q, { default: 25, max: 250 });
  const label = [...state.labels.entries()].find(([, l]) => l.id === id);
  if (!label) throw notFound(`No label with id ${id}`);
  const [key] = label;
  const posts = [...state.blogposts.values()].filter(
    (p) =>
      p.status === 'current' &&
      p.labels.some((n) => qualifiedLabel(n).key === key) &&
      (spaceIds.length === 0 || spaceIds.includes(p.spaceId)) &&
      readablePost(deps, 'blogpost', p.id, accountId),
  );
  const field = sort.replace(/^-/, '');
  const page = keysetPaginate(posts, {
    key: (p): SortKey[] =>
      field === 'created-date'
        ? [Date.parse(p.createdAt), Number(p.id)]
        : field === 'modified-date'
          ? [Date.parse(p.version.createdAt), Number(p.id)]
          : [Number(p.id)],
    descending: sort.startsWith('-'),
    limit,
    cursor: q.get('cursor'),
    scope: `label-blogposts:${id}:${sort}`,
  });
  return listResponse(
    c,
    deps.basePath,
    page.items.map((p) => blogPostJson(state, p, format)),
    page.next,
  );
};

// ---------------------------------------------------------------------------------------------------------------
// Labels (v1 writes and lookup)

/** Characters Confluence refuses in label names (besides whitespace). */
const LABEL_INVALID = /[\s!#&()*,.:;<>?@[\]^]/;

function v1LabelJson(l: LabelRecord) {
  return { prefix: l.prefix, name: l.name, id: l.id, label: l.name };
}

/** The `labels` array of content that can carry labels. */
function labelledContent(
  deps: ConfluenceDeps,
  rawId: string,
  accountId: string,
): { labels: string[]; id: string; type: string } {
  const { state } = deps;
  const isAttachment = /^att\d+$/.test(rawId);
  if (!isAttachment) requireNumericId(rawId);
  const c = state.content(rawId);
  if (!c) throw notFound(`No content with id ${rawId}`);
  if (c.type === 'page' || c.type === 'blogpost') {
    if (!readablePost(deps, c.type, rawId, accountId)) throw notFound(`No content with id ${rawId}`);
    return { labels: c.record.labels, id: rawId, type: c.type };
  }
  if (c.type === 'attachment') {
    if (!readableAttachment(deps, rawId, accountId)) throw notFound(`No content with id ${rawId}`);
    return { labels: c.record.labels, id: rawId, type: c.type };
  }
  throw badRequest(`Labels can only be added to pages, blog posts and attachments; ${rawId} is a ${c.type}`);
}

const addLabels: RouteHandler = async (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const id = c.req.param('id') ?? '';
  const target = labelledContent(deps, id, accountId);
  const raw = await readJson(c);
  const items = Array.isArray(raw) ? raw : [raw];
  if (items.length === 0)
    throw badRequest('The request body must name at least one label: [{"prefix":"global","name":"x"}]');
  const wanted: string[] = [];
  items.forEach((item, i) => {
    const at = Array.isArray(raw) ? `[${i}].` : '';
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      throw badRequest(`Each label must be an object {"prefix","name"}; element ${i} is not`);
    }
    const { prefix, name } = item as { prefix?: unknown; name?: unknown };
    if (prefix !== undefined && prefix !== null && !['global', 'my', 'team'].includes(String(prefix))) {
      throw badRequest(
        `Provided value {${String(prefix)}} for '${at}prefix' is not valid. Allowed values: global, my, team`,
      );
    }
    if (typeof name !== 'string' || !name.trim())
      throw badRequest(`'${at}name' is required and must be a non-empty string`);
    const n = name.trim().toLowerCase();
    if (n.length > 255) throw badRequest(`'${at}name' is ${n.length} characters long; the maximum is 255`);
    if (LABEL_INVALID.test(n)) {
      throw badRequest(
        `'${at}name' "${name}" contains a character labels cannot have (spaces and ! # & ( ) * , . : ; < > ? @ [ ] ^)`,
      );
    }
    const p = (prefix as string | undefined) ?? 'global';
    wanted.push(p === 'global' ? n : `${p}:${n}`);
  });
  if (!state.restrictionAllows(target.id, accountId, 'update')) {
    throw new EmulatorHttpError(403, `You are not permitted to edit the labels of content ${target.id}`);
  }
  for (const w of wanted) {
    if (!target.labels.includes(w)) target.labels.push(w);
    state.label(w);
  }
  const s = site(c, deps.basePath);
  const results = labelRecords(state, target.labels).map(v1LabelJson);
  return c.json({
    results,
    start: 0,
    limit: 200,
    size: results.length,
    _links: { base: s.base, context: s.context, self: `${s.base}/rest/api/content/${target.id}/label` },
  });
};

/** `GET /label?name=`: a label and the content carrying it (what tools use to turn a name into an id). */
const labelByName: RouteHandler = (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const q = params(c);
  const name = q.get('name');
  if (!name?.trim()) throw badRequest("'name' is required: the label name, e.g. name=release-notes");
  const type = queryEnum(q, 'type', ['page', 'blogpost', 'attachment', 'page_template'] as const);
  const start = queryInteger(q, 'start') ?? 0;
  const limit = queryInteger(q, 'limit') ?? 200;
  if (start < 0) throw badRequest("'start' must not be negative");
  if (limit < 0) throw badRequest("'limit' must not be negative");
  const key = qualifiedLabel(name).key;
  const label = state.labels.get(key);
  if (!label) throw notFound(`No label with the name "${name}"`);
  const has = (labels: string[]) => labels.some((n) => qualifiedLabel(n).key === key);
  const contents: { contentType: string; contentId: number; title: string }[] = [];
  const idNum = (id: string) => Number(id.replace(/^att/, ''));
  if (!type || type === 'page') {
    for (const p of state.pages.values()) {
      if (p.status === 'current' && has(p.labels) && readablePost(deps, 'page', p.id, accountId)) {
        contents.push({ contentType: 'page', contentId: idNum(p.id), title: p.title });
      }
    }
  }
  if (!type || type === 'blogpost') {
    for (const p of state.blogposts.values()) {
      if (p.status === 'current' && has(p.labels) && readablePost(deps, 'blogpost', p.id, accountId)) {
        contents.push({ contentType: 'blogpost', contentId: idNum(p.id), title: p.title });
      }
    }
  }
  if (!type || type === 'attachment') {
    for (const a of state.attachments.values()) {
      if (a.status === 'current' && has(a.labels) && readableAttachment(deps, a.id, accountId)) {
        contents.push({ contentType: 'attachment', contentId: idNum(a.id), title: a.title });
      }
    }
  }
  contents.sort((a, b) => a.contentId - b.contentId);
  const results = contents.slice(start, start + limit);
  return c.json({ label: v1LabelJson(label), associatedContents: { results, start, limit, size: results.length } });
};

// ---------------------------------------------------------------------------------------------------------------
// Attachments

const ATTACHMENT_SORTS = ['created-date', '-created-date', 'modified-date', '-modified-date'] as const;
const ATTACHMENT_STATUSES = ['current', 'archived', 'trashed'] as const;

const MEDIA_DESCRIPTIONS: Record<string, string> = {
  'image/png': 'PNG Image',
  'image/jpeg': 'JPEG Image',
  'text/plain': 'Text File',
  'text/csv': 'CSV File',
  'application/pdf': 'PDF Document',
  'application/json': 'JSON File',
};

function attachmentLinks(a: AttachmentRecord) {
  const modified = Date.parse(a.version.createdAt);
  return {
    webui: `/pages/viewpageattachments.action?pageId=${a.containerId}&preview=${encodeURIComponent(`/${a.containerId}/${a.id.slice(3)}/${a.title}`)}`,
    download: `/download/attachments/${a.containerId}/${encodeURIComponent(a.title)}?version=${a.version.number}&modificationDate=${modified}&cacheVersion=1&api=v2`,
  };
}

function attachmentJson(a: AttachmentRecord, opts: { includeVersion?: boolean } = {}) {
  const links = attachmentLinks(a);
  const out: Record<string, unknown> = {
    id: a.id,
    status: a.status,
    title: a.title,
    createdAt: a.createdAt,
  };
  if (a.containerType === 'page') out.pageId = a.containerId;
  else out.blogPostId = a.containerId;
  Object.assign(out, {
    mediaType: a.mediaType,
    mediaTypeDescription: MEDIA_DESCRIPTIONS[a.mediaType] ?? 'File',
    comment: a.comment,
    fileId: a.fileId,
    fileSize: a.data.length,
    webuiLink: links.webui,
    downloadLink: links.download,
  });
  if (opts.includeVersion !== false) out.version = v2Version(a.version);
  out._links = links;
  return out;
}

function listAttachments(c: ConfluenceContext, deps: ConfluenceDeps, containerId?: string): Response {
  const { state } = deps;
  const accountId = c.get('accountId');
  const q = params(c);
  const sort = queryEnum(q, 'sort', ATTACHMENT_SORTS);
  const statuses = queryArray(q, 'status');
  for (const s of statuses) {
    if (!(ATTACHMENT_STATUSES as readonly string[]).includes(s)) {
      throw badRequest(
        `Provided value {${s}} for 'status' is not valid. Allowed values: ${ATTACHMENT_STATUSES.join(', ')}`,
      );
    }
  }
  const wanted = statuses.length ? statuses : ['current', 'archived'];
  const mediaType = q.get('mediaType');
  const filename = q.get('filename');
  const limit = queryLimit(q, { default: 50, max: 250 });
  const items = [...state.attachments.values()].filter(
    (a) =>
      (!containerId || a.containerId === containerId) &&
      wanted.includes(a.status) &&
      (!mediaType || a.mediaType.toLowerCase() === mediaType.toLowerCase()) &&
      (!filename || a.title === filename) &&
      readableAttachment(deps, a.id, accountId),
  );
  const num = (a: AttachmentRecord) => Number(a.id.slice(3));
  const field = sort?.replace(/^-/, '');
  const page = keysetPaginate(items, {
    key: (a): SortKey[] =>
      field === 'created-date'
        ? [Date.parse(a.createdAt), num(a)]
        : field === 'modified-date'
          ? [Date.parse(a.version.createdAt), num(a)]
          : [num(a)],
    descending: sort?.startsWith('-') ?? false,
    limit,
    cursor: q.get('cursor'),
    scope: `attachments:${containerId ?? '*'}:${sort ?? ''}`,
  });
  return listResponse(
    c,
    deps.basePath,
    page.items.map((a) => attachmentJson(a)),
    page.next,
  );
}

const getAttachments: RouteHandler = (c, deps) => listAttachments(c, deps);

const getPageAttachments: RouteHandler = (c, deps) => {
  const id = requireNumericId(c.req.param('id') ?? '');
  if (!readablePost(deps, 'page', id, c.get('accountId'))) throw notFound();
  return listAttachments(c, deps, id);
};

const getAttachmentById: RouteHandler = (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const q = params(c);
  const key = attachmentKey(c.req.param('id') ?? '', 'id');
  const a = readableAttachment(deps, key, accountId);
  if (!a) throw notFound();
  const version = queryInteger(q, 'version');
  if (version !== undefined && version !== a.version.number) throw notFound(`No version ${version} of ${a.id}`);
  const includeVersion = queryBoolean(q, 'include-version', true);
  const out = attachmentJson(a, { includeVersion });
  const self = `${V2}/attachments/${a.id}`;
  if (queryBoolean(q, 'include-labels', false)) {
    out.labels = {
      results: labelRecords(state, a.labels).map(labelJson),
      meta: { hasMore: false },
      _links: { self: `${self}/labels` },
    };
  }
  if (queryBoolean(q, 'include-properties', false)) {
    out.properties = { results: [], meta: { hasMore: false }, _links: { self: `${self}/properties` } };
  }
  if (queryBoolean(q, 'include-operations', false)) {
    const canUpdate = state.restrictionAllows(a.id, accountId, 'update');
    out.operations = {
      results: [
        { operation: 'read', targetType: 'attachment' },
        ...(canUpdate
          ? [
              { operation: 'update', targetType: 'attachment' },
              { operation: 'delete', targetType: 'attachment' },
            ]
          : []),
      ],
      meta: { hasMore: false },
      _links: { self: `${self}/operations` },
    };
  }
  if (queryBoolean(q, 'include-versions', false)) {
    out.versions = {
      results: [v2Version(a.version)],
      meta: { hasMore: false },
      _links: { self: `${self}/versions` },
    };
  }
  queryBoolean(q, 'include-collaborators', false);
  out._links = { ...(out._links as object), base: site(c, deps.basePath).base };
  return c.json(out);
};

/**
 * `GET /content/{id}/child/attachment/{attachmentId}/download` answers 302 to the file on the media service, as
 * Confluence Cloud does (`https://api.media.atlassian.com/file/{fileId}/binary?token=…`): a short-lived signed URL
 * that needs no credentials, so a client must follow the redirect and must not send its own credentials there.
 */
const downloadAttachment: RouteHandler = (c, deps) => {
  const accountId = c.get('accountId');
  const q = params(c);
  const containerId = requireNumericId(c.req.param('id') ?? '');
  const key = attachmentKey(c.req.param('attachmentId') ?? '', 'attachmentId');
  const version = queryInteger(q, 'version');
  const statuses = queryArray(q, 'status');
  const a = readableAttachment(deps, key, accountId);
  if (!a || a.containerId !== containerId) {
    throw notFound(`Content ${containerId} has no attachment ${key} that you can see`);
  }
  if (!(statuses.length ? statuses : ['current']).includes(a.status)) {
    throw notFound(`Attachment ${key} is ${a.status}; add status=${a.status} to download it`);
  }
  if (version !== undefined) {
    if (version < 1 || version > a.version.number) {
      throw badRequest(`'version' ${version} is not a version of ${key}; the latest is ${a.version.number}`);
    }
    if (version !== a.version.number) throw notFound(`Version ${version} of ${key} is no longer stored`);
  }
  const target = new URLSearchParams({
    token: mediaToken(a, deps.state.now().getTime() + MEDIA_TOKEN_TTL_MS),
    client: 'confluence',
    collection: `contentId-${a.containerId}`,
    dl: 'true',
    name: a.title,
  });
  const origin = new URL(c.req.url).origin;
  return c.body(null, 302, {
    Location: `${origin}${normalizeBasePath(deps.basePath)}${MEDIA_PREFIX}/file/${a.fileId}/binary?${target.toString()}`,
  });
};

/** Where the emulated media service serves files, under the emulator's basePath (outside the REST APIs). */
export const MEDIA_PREFIX = '/media';
/** How long a download link stays valid. */
export const MEDIA_TOKEN_TTL_MS = 10 * 60_000;
const MEDIA_SECRET = randomBytes(32);

interface MediaClaims {
  a: string;
  f: string;
  v: number;
  e: number;
}

function mediaToken(a: AttachmentRecord, expiresAt: number): string {
  const claims: MediaClaims = { a: a.id, f: a.fileId, v: a.version.number, e: expiresAt };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${createHmac('sha256', MEDIA_SECRET).update(payload).digest('base64url')}`;
}

function mediaClaims(token: string | null): MediaClaims | undefined {
  const [payload, sig] = (token ?? '').split('.');
  if (!payload || !sig) return undefined;
  const expected = createHmac('sha256', MEDIA_SECRET).update(payload).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as MediaClaims;
  } catch {
    return undefined;
  }
}

/** `GET {basePath}/media/file/{fileId}/binary?token=…`: the file's bytes; the token is the only credential. */
function mediaFile(c: ConfluenceContext, deps: ConfluenceDeps): Response {
  const claims = mediaClaims(params(c).get('token'));
  if (!claims) throw new EmulatorHttpError(401, 'The media token is missing or invalid');
  if (claims.e < deps.state.now().getTime()) {
    throw new EmulatorHttpError(401, 'The media token has expired: request the download again');
  }
  const a = deps.state.attachments.get(claims.a);
  if (!a || a.fileId !== c.req.param('fileId') || claims.f !== a.fileId || a.version.number !== claims.v) {
    throw notFound('No such file');
  }
  return new Response(new Uint8Array(a.data), {
    status: 200,
    headers: {
      'Content-Type': a.mediaType,
      'Content-Length': String(a.data.length),
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(a.title)}`,
      'Cache-Control': 'private, max-age=0',
    },
  });
}

/**
 * Mounts the media service's file route (not a REST API route, so not in `ROUTES` or the OpenAPI documents). The
 * emulator's authenticator lets `/media/` through: the signed token in the URL is what authorizes the download.
 */
export function mountMediaRoutes(app: Hono<ConfluenceEnv>, deps: ConfluenceDeps): void {
  app.get(`${MEDIA_PREFIX}/file/:fileId/binary`, (c) => mediaFile(c, deps));
}

// ---------------------------------------------------------------------------------------------------------------
// Tasks

function taskJson(state: ConfluenceState, t: TaskRecord, format?: 'storage' | 'atlas_doc_format') {
  const out: Record<string, unknown> = { id: t.id, localId: t.localId, spaceId: t.spaceId };
  if (t.pageId) out.pageId = t.pageId;
  if (t.blogPostId) out.blogPostId = t.blogPostId;
  out.status = t.status;
  const body = bodyOf(state, t.body, format);
  if (body) out.body = body;
  out.createdBy = t.createdBy;
  if (t.assignedTo) out.assignedTo = t.assignedTo;
  if (t.completedBy) out.completedBy = t.completedBy;
  out.createdAt = t.createdAt;
  out.updatedAt = t.updatedAt;
  if (t.dueAt) out.dueAt = t.dueAt;
  if (t.completedAt) out.completedAt = t.completedAt;
  return out;
}

/** The task's container, when the caller may read it. */
function taskContainer(deps: ConfluenceDeps, t: TaskRecord, accountId: string): PageRecord | undefined {
  if (t.pageId) return readablePost(deps, 'page', t.pageId, accountId);
  if (t.blogPostId) return readablePost(deps, 'blogpost', t.blogPostId, accountId);
  return undefined;
}

const getTasks: RouteHandler = (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const q = params(c);
  const format = queryEnum(q, 'body-format', ['storage', 'atlas_doc_format'] as const);
  const includeBlank = queryBoolean(q, 'include-blank-tasks', true);
  const status = queryEnum(q, 'status', ['complete', 'incomplete'] as const);
  const ids = (name: string) => queryArray(q, name).map((v) => requireNumericId(v, name));
  const taskIds = ids('task-id');
  const spaceIds = ids('space-id');
  const pageIds = ids('page-id');
  const blogIds = ids('blogpost-id');
  const createdBy = queryArray(q, 'created-by');
  const assignedTo = queryArray(q, 'assigned-to');
  const completedBy = queryArray(q, 'completed-by');
  const ranges = (['created-at', 'due-at', 'completed-at'] as const).map((f) => ({
    field: f,
    from: queryEpochMs(q, `${f}-from`),
    to: queryEpochMs(q, `${f}-to`),
  }));
  const limit = queryLimit(q, { default: 25, max: 250 });
  const at = (t: TaskRecord, f: 'created-at' | 'due-at' | 'completed-at') => {
    const v = f === 'created-at' ? t.createdAt : f === 'due-at' ? t.dueAt : t.completedAt;
    return v ? Date.parse(v) : undefined;
  };
  const tasks = [...state.tasks.values()].filter((t) => {
    if (status && t.status !== status) return false;
    if (taskIds.length && !taskIds.includes(t.id)) return false;
    if (spaceIds.length && !spaceIds.includes(t.spaceId)) return false;
    if (pageIds.length || blogIds.length) {
      const inPage = t.pageId !== undefined && pageIds.includes(t.pageId);
      const inBlog = t.blogPostId !== undefined && blogIds.includes(t.blogPostId);
      if (!inPage && !inBlog) return false;
    }
    if (createdBy.length && !createdBy.includes(t.createdBy)) return false;
    if (assignedTo.length && (!t.assignedTo || !assignedTo.includes(t.assignedTo))) return false;
    if (completedBy.length && (!t.completedBy || !completedBy.includes(t.completedBy))) return false;
    for (const r of ranges) {
      if (r.from === undefined && r.to === undefined) continue;
      const v = at(t, r.field);
      if (v === undefined || (r.from !== undefined && v < r.from) || (r.to !== undefined && v > r.to)) return false;
    }
    if (!includeBlank && !state.bodyText(t.body).trim()) return false;
    return taskContainer(deps, t, accountId) !== undefined;
  });
  const page = keysetPaginate(tasks, {
    key: (t): SortKey[] => [Number(t.id)],
    limit,
    cursor: q.get('cursor'),
    scope: 'tasks',
  });
  return listResponse(
    c,
    deps.basePath,
    page.items.map((t) => taskJson(state, t, format)),
    page.next,
  );
};

/** Keeps the checkbox in the container's storage body in step with the task's status. */
function syncTaskInBody(container: PageRecord, t: TaskRecord): void {
  if (container.body.representation !== 'storage') return;
  const re = new RegExp(
    `(<ac:task>\\s*<ac:task-id>${t.localId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</ac:task-id>\\s*<ac:task-status>)(complete|incomplete)(</ac:task-status>)`,
  );
  container.body = { ...container.body, value: container.body.value.replace(re, `$1${t.status}$3`) };
}

const updateTask: RouteHandler = async (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const q = params(c);
  const id = requireNumericId(c.req.param('id') ?? '');
  const format = queryEnum(q, 'body-format', ['storage', 'atlas_doc_format'] as const);
  const raw = await readJson(c);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('The request body must be a JSON object');
  const b = raw as Record<string, unknown>;
  if (b.status === undefined || b.status === null) throw badRequest("'status' is required: complete or incomplete");
  if (b.status !== 'complete' && b.status !== 'incomplete') {
    throw badRequest(
      `Provided value {${String(b.status)}} for 'status' is not valid. Allowed values: complete, incomplete`,
    );
  }
  if (b.id !== undefined && b.id !== null && String(b.id) !== id) {
    throw badRequest(`'id' in the body (${String(b.id)}) does not match the task id in the path`);
  }
  const t = state.tasks.get(id);
  const container = t ? taskContainer(deps, t, accountId) : undefined;
  const containerId = t?.pageId ?? t?.blogPostId;
  if (!t || !container || !containerId || !state.restrictionAllows(containerId, accountId, 'update')) {
    throw notFound(t && container ? `You cannot edit the content holding task ${id}` : null);
  }
  const now = state.nowIso();
  if (b.status !== t.status) {
    t.status = b.status;
    if (t.status === 'complete') {
      t.completedBy = accountId;
      t.completedAt = now;
    } else {
      t.completedBy = undefined;
      t.completedAt = undefined;
    }
    t.updatedAt = now;
    syncTaskInBody(container, t);
  }
  return c.json(taskJson(state, t, format));
};

// ---------------------------------------------------------------------------------------------------------------
// Users

const anonymousUser: RouteHandler = (c, deps) => {
  const q = params(c);
  const expand = queryArray(q, 'expand');
  for (const e of expand) {
    if (e !== 'operations')
      throw badRequest(`Provided value {${e}} for 'expand' is not valid. Allowed values: operations`);
  }
  const s = site(c, deps.basePath);
  const out: Record<string, unknown> = {
    type: 'anonymous',
    profilePicture: {
      path: '/wiki/s/-1/_/images/icons/profilepics/anonymous.svg',
      width: 48,
      height: 48,
      isDefault: true,
    },
    displayName: 'Anonymous',
  };
  // Anonymous access is off on the emulated site: an anonymous visitor may do nothing.
  if (expand.includes('operations')) out.operations = [];
  else out._expandable = { operations: '' };
  out._links = { base: s.base, context: s.context, self: `${s.base}/rest/api/user/anonymous` };
  return c.json(out);
};

type UserField = 'type' | 'user' | 'user.accountid' | 'user.fullname';
type UserNode =
  | { type: 'and' | 'or'; left: UserNode; right: UserNode }
  | { type: 'not'; expr: UserNode }
  | { type: 'clause'; field: UserField; op: string; values: string[] };

const USER_FIELDS: Record<UserField, string[]> = {
  type: ['=', 'in'],
  user: ['=', '!=', 'in', 'not in'],
  'user.accountid': ['=', '!=', 'in', 'not in'],
  'user.fullname': ['~', '!~', '=', '!='],
};

/** The CQL of `/search/user`: `type = user`, `user`, `user.accountid` and `user.fullname` with AND, OR, NOT. */
export function parseUserCql(input: string): UserNode {
  if (!input.trim()) throw new CqlError('the query is empty', 0);
  const tokens = tokenize(input);
  let i = 0;
  const peek = () => tokens[i]!;
  const next = () => tokens[i++]!;
  const kw = (t: Token, k: string) => t.type === 'word' && t.value.toLowerCase() === k;
  const describe = (t: Token) => (t.type === 'eof' ? 'end of query' : `'${t.value}' at position ${t.pos}`);
  const parseOr = (): UserNode => {
    let left = parseAnd();
    while (kw(peek(), 'or')) {
      next();
      left = { type: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): UserNode => {
    let left = parseNot();
    while (kw(peek(), 'and')) {
      next();
      left = { type: 'and', left, right: parseNot() };
    }
    return left;
  };
  const parseNot = (): UserNode => {
    if (kw(peek(), 'not')) {
      next();
      return { type: 'not', expr: parseNot() };
    }
    if (peek().type === 'lparen') {
      next();
      const inner = parseOr();
      const close = next();
      if (close.type !== 'rparen') throw new CqlError(`expected ')' but found ${describe(close)}`, close.pos);
      return inner;
    }
    return parseClause();
  };
  const value = (): string => {
    const t = next();
    if (t.type !== 'string' && t.type !== 'word')
      throw new CqlError(`expected a value but found ${describe(t)}`, t.pos);
    return t.value;
  };
  const parseClause = (): UserNode => {
    const ft = next();
    const field = ft.value.toLowerCase() as UserField;
    if (ft.type !== 'word' || !(field in USER_FIELDS)) {
      throw new CqlError(
        `the user search supports the fields type, user, user.accountid and user.fullname; found ${describe(ft)}`,
        ft.pos,
      );
    }
    const ot = next();
    let op: string;
    if (ot.type === 'op') op = ot.value;
    else if (kw(ot, 'in')) op = 'in';
    else if (kw(ot, 'not') && kw(peek(), 'in')) {
      next();
      op = 'not in';
    } else throw new CqlError(`expected an operator after '${ft.value}' but found ${describe(ot)}`, ot.pos);
    if (!USER_FIELDS[field].includes(op)) {
      throw new CqlError(
        `the operator '${op}' is not supported for '${ft.value}' (use ${USER_FIELDS[field].join(', ')})`,
        ot.pos,
      );
    }
    let values: string[];
    if (op === 'in' || op === 'not in') {
      const open = next();
      if (open.type !== 'lparen') throw new CqlError(`expected '(' after ${op} but found ${describe(open)}`, open.pos);
      values = [value()];
      while (peek().type === 'comma') {
        next();
        values.push(value());
      }
      const close = next();
      if (close.type !== 'rparen') throw new CqlError(`expected ')' but found ${describe(close)}`, close.pos);
    } else values = [value()];
    if (field === 'type' && values.some((v) => v.toLowerCase() !== 'user')) {
      throw new CqlError('the user search only finds users: use type = user', ft.pos);
    }
    return { type: 'clause', field, op, values };
  };
  const node = parseOr();
  const rest = peek();
  if (rest.type !== 'eof') throw new CqlError(`unexpected ${describe(rest)}`, rest.pos);
  return node;
}

function fullnameMatches(u: ConfluenceUser, raw: string): boolean {
  const needle = raw.toLowerCase().replace(/\*+$/, '').trim();
  if (!needle) return true;
  return [u.displayName, u.publicName].some((n) => {
    const l = n.toLowerCase();
    return l.startsWith(needle) || l.split(/\s+/).some((w) => w.startsWith(needle));
  });
}

function userMatches(node: UserNode, u: ConfluenceUser): boolean {
  switch (node.type) {
    case 'and':
      return userMatches(node.left, u) && userMatches(node.right, u);
    case 'or':
      return userMatches(node.left, u) || userMatches(node.right, u);
    case 'not':
      return !userMatches(node.expr, u);
    case 'clause': {
      const negated = node.op === '!=' || node.op === '!~' || node.op === 'not in';
      let hit: boolean;
      if (node.field === 'type') hit = true;
      else if (node.field === 'user.fullname') {
        hit =
          node.op === '=' || node.op === '!='
            ? node.values.some((v) => v.toLowerCase() === u.displayName.toLowerCase())
            : node.values.some((v) => fullnameMatches(u, v));
      } else hit = node.values.includes(u.accountId);
      return negated ? !hit : hit;
    }
  }
}

const searchUsers: RouteHandler = (c, deps) => {
  const started = Date.now();
  const { state } = deps;
  const q = params(c);
  const cql = q.get('cql');
  if (!cql?.trim())
    return v1Fail(400, 'The \'cql\' query parameter is required, e.g. type=user AND user.fullname~"ada"');
  let node: UserNode;
  try {
    node = parseUserCql(cql);
  } catch (e) {
    if (!(e instanceof CqlError)) throw e;
    return v1Fail(400, `Could not parse cql : ${cql} (${e.message})`, [
      { message: { key: 'cql.parse.error', args: [e.position], translation: e.message } },
    ]);
  }
  const start = queryInteger(q, 'start') ?? 0;
  const limit = Math.min(queryInteger(q, 'limit') ?? 25, 1000);
  if (start < 0) throw badRequest("'start' must not be negative");
  if (limit < 0) throw badRequest("'limit' must not be negative");
  const filter = queryEnum(q, 'sitePermissionTypeFilter', ['all', 'externalCollaborator', 'none'] as const) ?? 'none';
  const expand = queryArray(q, 'expand');
  for (const e of expand) {
    if (e !== 'operations' && e !== 'personalSpace') {
      throw badRequest(`Provided value {${e}} for 'expand' is not valid. Allowed values: operations, personalSpace`);
    }
  }
  const s = site(c, deps.basePath);
  // Every emulated user is a licensed member (none is an external collaborator).
  const users = [...state.users.values()]
    .filter((u) => filter !== 'externalCollaborator' && userMatches(node, u))
    .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.accountId.localeCompare(b.accountId));
  const slice = users.slice(start, start + limit);
  const lastModified = state.nowIso();
  const results = slice.map((u) => ({
    user: userJson(u, u.accountId, s.base),
    title: u.displayName,
    excerpt: '',
    url: `/people/${u.accountId}`,
    breadcrumbs: [],
    entityType: 'user',
    iconCssClass: 'aui-icon content-type-profile',
    lastModified,
    score: 0,
  }));
  const links: Record<string, string> = { base: s.base, context: s.context };
  if (limit > 0 && start + limit < users.length) {
    const p = new URLSearchParams(q);
    p.set('start', String(start + limit));
    p.set('limit', String(limit));
    links.next = `/rest/api/search/user?${p.toString()}`;
  }
  links.self = `${s.base}/rest/api/search/user?${q.toString()}`;
  return c.json({
    results,
    start,
    limit,
    size: results.length,
    totalSize: users.length,
    cqlQuery: cql,
    searchDuration: Date.now() - started,
    _links: links,
  });
};

// ---------------------------------------------------------------------------------------------------------------
// Content search (v1 `/content/search`): CQL over pages and blog posts, answered as `Content` objects

function cqlDocument(state: ConfluenceState, rec: PageRecord, type: 'page' | 'blogpost'): CqlDocument | undefined {
  const space = state.spaces.get(rec.spaceId);
  if (!space) return undefined;
  return {
    id: rec.id,
    type,
    spaceKey: space.key,
    spaceId: space.id,
    title: rec.title,
    text: state.bodyText(rec.body),
    labels: rec.labels,
    creator: rec.authorId,
    contributors: [...new Set(state.versions(rec).map((v) => v.authorId))],
    parentId: type === 'page' ? rec.parentId : undefined,
    ancestorIds: type === 'page' ? state.ancestorIds(rec) : [],
    created: new Date(rec.createdAt),
    lastModified: new Date(rec.version.createdAt),
  };
}

const searchContent: RouteHandler = (c, deps) => {
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
  const expandList = queryArray(q, 'expand');
  const expand = new Set(expandList.map((e) => `content.${e}`));
  const requested = queryInteger(q, 'limit');
  if (requested !== undefined && requested < 0) throw badRequest("'limit' must not be negative");
  const cap = expandList.some((e) => /body\.(export_view|styled_view)$/.test(e)) ? 25 : 250;
  const limit = Math.min(requested ?? 25, cap);
  let offset = 0;
  const cursor = q.get('cursor');
  if (cursor) {
    const decoded = decodeCursor<{ o?: unknown }>(cursor);
    if (!decoded || typeof decoded.o !== 'number' || !Number.isInteger(decoded.o) || decoded.o < 0) {
      throw badRequest(`Invalid cursor: ${cursor}`);
    }
    offset = decoded.o;
  }
  const statuses = context.contentStatuses ?? ['current'];
  const ctx: CqlContext = { now: state.now(), currentAccountId: accountId };
  const hits: { rec: PageRecord; type: 'page' | 'blogpost'; doc: CqlDocument }[] = [];
  const candidates = [
    ...[...state.pages.values()].map((rec) => ({ rec, type: 'page' as const })),
    ...[...state.blogposts.values()].map((rec) => ({ rec, type: 'blogpost' as const })),
  ];
  for (const { rec, type } of candidates) {
    if (!statuses.includes(rec.status) || !readablePost(deps, type, rec.id, accountId)) continue;
    const space = state.spaces.get(rec.spaceId);
    if (!space || space.status === 'archived') continue;
    if (context.spaceKey && space.key.toLowerCase() !== context.spaceKey.toLowerCase()) continue;
    const doc = cqlDocument(state, rec, type);
    if (!doc) continue;
    if (context.contentId && rec.id !== context.contentId && !doc.ancestorIds.includes(context.contentId)) continue;
    if (matchesCql(parsed.where, doc, ctx)) hits.push({ rec, type, doc });
  }
  const scores = new Map(hits.map((h) => [h.rec.id, scoreCql(parsed.where, h.doc)]));
  const fallback = (a: CqlDocument, b: CqlDocument) =>
    (scores.get(b.id) ?? 0) - (scores.get(a.id) ?? 0) ||
    b.lastModified.getTime() - a.lastModified.getTime() ||
    Number(a.id) - Number(b.id);
  hits.sort((a, b) => compareByOrder(parsed.orderBy, a.doc, b.doc, fallback));
  const results = hits.slice(offset, offset + limit).map((h) => contentJson(deps, h.rec, expand, s.base, h.type));
  const links: Record<string, string> = { base: s.base, context: s.context };
  if (limit > 0 && offset + limit < hits.length) {
    const p = new URLSearchParams();
    for (const [k, v] of q) if (!['cursor', 'next', 'limit'].includes(k)) p.append(k, v);
    p.set('next', 'true');
    p.set('limit', String(limit));
    p.set('cursor', encodeCursor({ o: offset + limit }));
    links.next = `/rest/api/content/search?${p.toString()}`;
  }
  links.self = `${s.base}/rest/api/content/search?${q.toString()}`;
  return c.json({ results, start: offset, limit, size: results.length, _links: links });
};

// ---------------------------------------------------------------------------------------------------------------
// Audit log

function auditJson(state: ConfluenceState, r: AuditRecord) {
  const u = state.users.get(r.authorId);
  return {
    author: {
      type: 'user',
      displayName: u?.displayName ?? 'Unknown user',
      operations: null,
      accountId: r.authorId,
      accountType: 'atlassian',
      isExternalCollaborator: false,
      isGuest: false,
      publicName: u?.publicName ?? 'Unknown user',
    },
    remoteAddress: r.remoteAddress,
    creationDate: r.creationDate,
    summary: r.summary,
    description: r.description,
    category: r.category,
    sysAdmin: r.sysAdmin,
    superAdmin: false,
    affectedObject: r.affectedObject,
    changedValues: r.changedValues,
    associatedObjects: r.associatedObjects,
  };
}

function auditText(state: ConfluenceState, r: AuditRecord): string {
  const u = state.users.get(r.authorId);
  return [
    r.summary,
    r.description,
    r.category,
    r.remoteAddress,
    r.affectedObject.name,
    r.affectedObject.objectType,
    u?.displayName ?? '',
    ...r.changedValues.flatMap((v) => [v.name, v.oldValue, v.newValue]),
    ...r.associatedObjects.flatMap((o) => [o.name, o.objectType]),
  ]
    .join('\n')
    .toLowerCase();
}

const getAudit: RouteHandler = (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const q = params(c);
  if (!state.users.get(accountId)?.siteAdmin) {
    throw new EmulatorHttpError(403, 'Only Confluence administrators can view the audit log');
  }
  const epoch = (name: string) => {
    const raw = q.get(name);
    if (raw === null || raw === '') return undefined;
    if (!/^\d+$/.test(raw)) {
      throw badRequest(`Provided value {${raw}} for '${name}' is not valid. Expected epoch time in milliseconds`);
    }
    return Number(raw);
  };
  const from = epoch('startDate');
  const to = epoch('endDate');
  const search = (q.get('searchString') ?? '').trim().toLowerCase();
  const start = queryInteger(q, 'start') ?? 0;
  const limit = Math.min(queryInteger(q, 'limit') ?? 1000, 1000);
  if (start < 0) throw badRequest("'start' must not be negative");
  if (limit < 0) throw badRequest("'limit' must not be negative");
  const records = state.auditRecords
    .filter(
      (r) =>
        (from === undefined || r.creationDate >= from) &&
        (to === undefined || r.creationDate <= to) &&
        (!search || auditText(state, r).includes(search)),
    )
    .sort((a, b) => b.creationDate - a.creationDate);
  const results = records.slice(start, start + limit).map((r) => auditJson(state, r));
  const s = site(c, deps.basePath);
  const links: Record<string, string> = { base: s.base, context: s.context };
  if (limit > 0 && start + limit < records.length) {
    const p = new URLSearchParams(q);
    p.set('start', String(start + limit));
    p.set('limit', String(limit));
    links.next = `/rest/api/audit?${p.toString()}`;
  }
  links.self = `${s.base}/rest/api/audit`;
  return c.json({ results, start, limit, size: results.length, _links: links });
};

// ---------------------------------------------------------------------------------------------------------------
// Content restrictions

const RESTRICTION_EXPANDS = [
  'restrictions.user',
  'read.restrictions.user',
  'update.restrictions.user',
  'restrictions.group',
  'read.restrictions.group',
  'update.restrictions.group',
  'content',
] as const;

const getRestrictions: RouteHandler = (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const q = params(c);
  const raw = c.req.param('id') ?? '';
  const expand = queryArray(q, 'expand');
  for (const e of expand) {
    if (!(RESTRICTION_EXPANDS as readonly string[]).includes(e)) {
      throw badRequest(
        `Provided value {${e}} for 'expand' is not valid. Allowed values: ${RESTRICTION_EXPANDS.join(', ')}`,
      );
    }
  }
  const start = queryInteger(q, 'start') ?? 0;
  const limit = Math.min(queryInteger(q, 'limit') ?? 100, 200);
  if (start < 0) throw badRequest("'start' must not be negative");
  if (limit < 0) throw badRequest("'limit' must not be negative");
  if (!/^att\d+$/.test(raw)) requireNumericId(raw);
  const content = state.content(raw);
  let contentOut: Record<string, unknown> | undefined;
  const s = site(c, deps.basePath);
  const wantContent = expand.includes('content');
  if (content?.type === 'page' || content?.type === 'blogpost') {
    if (!readablePost(deps, content.type, raw, accountId)) throw notFound(`No content with id ${raw}`);
    if (wantContent) contentOut = contentJson(deps, content.record, new Set(), s.base, content.type);
  } else if (content?.type === 'attachment') {
    if (!readableAttachment(deps, raw, accountId)) throw notFound(`No content with id ${raw}`);
    if (wantContent) {
      const a = content.record;
      contentOut = {
        id: a.id,
        type: 'attachment',
        status: a.status,
        title: a.title,
        _links: { ...attachmentLinks(a), self: `${s.base}/rest/api/content/${a.id}` },
      };
    }
  } else throw notFound(`No content with id ${raw}`);

  const hashInput: unknown[] = [];
  const results = (['read', 'update'] as const).map((operation) => {
    const r = state.restrictions.get(`${raw}:${operation}`);
    const userIds = r?.userIds ?? [];
    const groups = r?.groupNames ?? [];
    hashInput.push(operation, userIds, groups);
    const users = userIds.slice(start, start + limit);
    const groupPage = groups.slice(start, start + limit);
    const out: Record<string, unknown> = {
      operation,
      restrictions: {
        user: {
          results: users.map((id) => userJson(state.users.get(id), id, s.base)),
          start,
          limit,
          size: users.length,
          _links: {},
        },
        group: {
          results: groupPage.map((name) => ({
            type: 'group',
            name,
            id: uuidOf(`group:${name}`),
            _links: { self: `${s.base}/rest/api/group/by-id?id=${uuidOf(`group:${name}`)}` },
          })),
          start,
          limit,
          size: groupPage.length,
        },
      },
    };
    if (contentOut) out.content = contentOut;
    out._expandable = contentOut ? {} : { content: `/rest/api/content/${raw}` };
    out._links = { self: `${s.base}/rest/api/content/${raw}/restriction/byOperation/${operation}` };
    return out;
  });
  return c.json({
    results,
    start,
    limit,
    size: results.length,
    restrictionsHash: createHash('sha256').update(JSON.stringify(hashInput)).digest('hex'),
    _links: { base: s.base, context: s.context, self: `${s.base}/rest/api/content/${raw}/restriction` },
  });
};

// ---------------------------------------------------------------------------------------------------------------
// Routes

/** Routes of the labels-misc group (see docs/architecture.md, "Emulator modules"). */
export const ROUTES: RouteDef[] = [
  { api: 'v2', method: 'GET', path: `${V2}/labels`, scopes: ['read:label:confluence'], handler: getLabels },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/labels/{id}/blogposts`,
    scopes: ['read:page:confluence'],
    handler: labelBlogPosts,
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/pages/{id}/labels`,
    scopes: ['read:page:confluence'],
    handler: contentLabels('page'),
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/blogposts/{id}/labels`,
    scopes: ['read:page:confluence'],
    handler: contentLabels('blogpost'),
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/spaces/{id}/labels`,
    scopes: ['read:space:confluence'],
    handler: spaceLabels,
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/spaces/{id}/content/labels`,
    scopes: ['read:space:confluence'],
    handler: spaceContentLabels,
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/attachments/{id}/labels`,
    scopes: ['read:attachment:confluence'],
    handler: attachmentLabels,
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/attachments`,
    scopes: ['read:attachment:confluence'],
    handler: getAttachments,
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/attachments/{id}`,
    scopes: ['read:attachment:confluence'],
    handler: getAttachmentById,
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/pages/{id}/attachments`,
    scopes: ['read:attachment:confluence'],
    handler: getPageAttachments,
  },
  { api: 'v2', method: 'GET', path: `${V2}/tasks`, scopes: ['read:task:confluence'], handler: getTasks },
  { api: 'v2', method: 'PUT', path: `${V2}/tasks/{id}`, scopes: ['write:task:confluence'], handler: updateTask },
  {
    api: 'v1',
    method: 'POST',
    path: `${V1}/content/{id}/label`,
    scopes: ['write:confluence-content'],
    handler: addLabels,
  },
  { api: 'v1', method: 'GET', path: `${V1}/label`, scopes: ['read:confluence-content.summary'], handler: labelByName },
  {
    api: 'v1',
    method: 'GET',
    path: `${V1}/content/{id}/child/attachment/{attachmentId}/download`,
    scopes: ['readonly:content.attachment:confluence'],
    handler: downloadAttachment,
  },
  { api: 'v1', method: 'GET', path: `${V1}/user/anonymous`, scopes: ['read:confluence-user'], handler: anonymousUser },
  {
    api: 'v1',
    method: 'GET',
    path: `${V1}/search/user`,
    scopes: ['read:content-details:confluence'],
    handler: searchUsers,
  },
  { api: 'v1', method: 'GET', path: `${V1}/content/search`, scopes: ['search:confluence'], handler: searchContent },
  { api: 'v1', method: 'GET', path: `${V1}/audit`, scopes: ['read:audit-log:confluence'], handler: getAudit },
  {
    api: 'v1',
    method: 'GET',
    path: `${V1}/content/{id}/restriction`,
    scopes: ['read:confluence-content.all'],
    handler: getRestrictions,
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Seed

const U = CONFLUENCE_SEED.users;
const P = CONFLUENCE_SEED.pages;

/** Ids of the objects this group seeds, for tests and demos. */
export const LABELS_MISC_SEED = {
  attachments: {
    /** text/plain on the Payments Service Runbook, label `checklist`. */
    deployChecklist: 'att131073',
    /** image/png on the Architecture Overview, label `diagram`. */
    architectureDiagram: 'att131074',
    /** text/csv on the restricted Pricing FAQ. */
    pricingSheet: 'att131075',
    /** Trashed, on Service Runbooks. */
    oldNotes: 'att131076',
  },
  tasks: {
    /** Customer Onboarding Checklist, local id 1: complete (by the demo user). */
    welcomeEmail: '163841',
    /** Customer Onboarding Checklist, local id 2: incomplete, assigned to Grace. */
    kickoffCall: '163842',
    /** Incident Postmortem: incomplete, assigned to Ada, due in 10 days. */
    certificateAlert: '163843',
    /** Incident Postmortem: complete (by Grace). */
    rootCause: '163844',
    /** Payments Service Runbook: incomplete, assigned to the demo user, overdue. */
    rollbackDrill: '163845',
    /** Pricing FAQ (update-restricted for the demo user): incomplete, assigned to Grace. */
    discountApproval: '163846',
  },
  /** Read: the demo user and Grace (and the sales-team group); update: Grace only. */
  restrictedPage: P.pricingFaq,
} as const;

/** The classic 1×1 PNG (a valid image, 70 bytes). */
const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const DAY = 86_400_000;

/** Seed data of the labels-misc group, added after the base seed (deterministic: fixed ids, dates from the clock). */
export function seedLabelsMisc(state: ConfluenceState): void {
  const today = Math.floor(state.now().getTime() / DAY) * DAY;
  const at = (daysAgo: number, hour: number) => new Date(today - daysAgo * DAY + hour * 3_600_000).toISOString();
  const demo = U.demo.accountId;
  const ada = U.ada.accountId;
  const grace = U.grace.accountId;

  for (const id of [demo, ada]) {
    const u = state.users.get(id);
    if (u) u.siteAdmin = true;
  }

  const A = LABELS_MISC_SEED.attachments;
  const attachment = (
    id: string,
    containerId: string,
    title: string,
    mediaType: string,
    data: Buffer,
    o: { author: string; daysAgo: number; comment?: string; labels?: string[]; status?: 'current' | 'trashed' },
  ) => {
    if (!state.pages.has(containerId)) return;
    const createdAt = at(o.daysAgo, 10);
    const rec: AttachmentRecord = {
      id,
      containerType: 'page',
      containerId,
      status: o.status ?? 'current',
      title,
      mediaType,
      comment: o.comment ?? '',
      fileId: uuidOf(`file:${id}`),
      createdAt,
      authorId: o.author,
      version: { number: 1, message: '', minorEdit: false, authorId: o.author, createdAt },
      data,
      labels: [...(o.labels ?? [])],
    };
    state.attachments.set(id, rec);
    for (const l of rec.labels) state.label(l);
  };
  attachment(
    A.deployChecklist,
    P.paymentsRunbook,
    'deploy-checklist.txt',
    'text/plain',
    Buffer.from(
      'Payments deploy checklist\n1. Announce the deploy in #payments.\n2. Check the error-rate dashboard.\n3. Deploy with deployctl.\n4. Watch checkout for 15 minutes.\n',
      'utf8',
    ),
    { author: grace, daysAgo: 30, comment: 'Checklist used before every payments deploy', labels: ['checklist'] },
  );
  attachment(A.architectureDiagram, P.architecture, 'architecture-diagram.png', 'image/png', PIXEL_PNG, {
    author: ada,
    daysAgo: 20,
    comment: 'Component diagram',
    labels: ['diagram', 'architecture'],
  });
  attachment(
    A.pricingSheet,
    P.pricingFaq,
    'pricing-2026.csv',
    'text/csv',
    Buffer.from('plan,monthly_usd,annual_usd\nFree,0,0\nTeam,12,122.40\nBusiness,25,255.00\n', 'utf8'),
    { author: grace, daysAgo: 8, comment: 'List prices' },
  );
  attachment(A.oldNotes, P.runbooks, 'old-notes.txt', 'text/plain', Buffer.from('Superseded notes.\n', 'utf8'), {
    author: grace,
    daysAgo: 39,
    status: 'trashed',
  });

  const T = LABELS_MISC_SEED.tasks;
  const task = (
    id: string,
    localId: string,
    pageId: string,
    text: string,
    o: {
      createdBy: string;
      createdDaysAgo: number;
      assignedTo?: string;
      dueInDays?: number;
      completedBy?: string;
      completedDaysAgo?: number;
    },
  ) => {
    const page = state.pages.get(pageId);
    if (!page) return;
    const createdAt = at(o.createdDaysAgo, 10);
    const completedAt = o.completedBy ? at(o.completedDaysAgo ?? 0, 16) : undefined;
    state.tasks.set(id, {
      id,
      localId,
      spaceId: page.spaceId,
      pageId,
      status: o.completedBy ? 'complete' : 'incomplete',
      body: { representation: 'storage', value: text },
      createdBy: o.createdBy,
      assignedTo: o.assignedTo,
      completedBy: o.completedBy,
      createdAt,
      updatedAt: completedAt ?? createdAt,
      dueAt: o.dueInDays === undefined ? undefined : at(-o.dueInDays, 17),
      completedAt,
    });
  };
  // The two tasks in the Customer Onboarding Checklist's body (task ids 1 and 2 there).
  task(T.welcomeEmail, '1', P.customerOnboarding, 'Send the welcome email', {
    createdBy: demo,
    createdDaysAgo: 6,
    assignedTo: demo,
    completedBy: demo,
    completedDaysAgo: 5,
  });
  task(T.kickoffCall, '2', P.customerOnboarding, 'Schedule the kickoff call', {
    createdBy: demo,
    createdDaysAgo: 6,
    assignedTo: grace,
    dueInDays: 3,
  });
  task(T.certificateAlert, '1', P.postmortem, 'Alert on certificate expiry 30 days ahead', {
    createdBy: grace,
    createdDaysAgo: 5,
    assignedTo: ada,
    dueInDays: 10,
  });
  task(T.rootCause, '2', P.postmortem, 'Write up the root cause', {
    createdBy: grace,
    createdDaysAgo: 5,
    assignedTo: grace,
    completedBy: grace,
    completedDaysAgo: 4,
  });
  task(T.rollbackDrill, '1', P.paymentsRunbook, 'Run a rollback drill on staging', {
    createdBy: grace,
    createdDaysAgo: 9,
    assignedTo: demo,
    dueInDays: -2,
  });
  task(T.discountApproval, '1', P.pricingFaq, 'Get finance approval for the annual discount', {
    createdBy: grace,
    createdDaysAgo: 8,
    assignedTo: grace,
    dueInDays: 14,
  });

  if (state.pages.has(P.pricingFaq)) {
    state.restrictions.set(`${P.pricingFaq}:read`, {
      contentId: P.pricingFaq,
      operation: 'read',
      userIds: [demo, grace],
      groupNames: ['sales-team'],
    });
    state.restrictions.set(`${P.pricingFaq}:update`, {
      contentId: P.pricingFaq,
      operation: 'update',
      userIds: [grace],
      groupNames: [],
    });
  }

  const ms = (daysAgo: number, hour: number) => Date.parse(at(daysAgo, hour));
  const audit = (r: Omit<AuditRecord, 'sysAdmin' | 'changedValues' | 'associatedObjects'> & Partial<AuditRecord>) =>
    state.auditRecords.push({ sysAdmin: false, changedValues: [], associatedObjects: [], ...r });
  audit({
    authorId: ada,
    remoteAddress: '203.0.113.10',
    creationDate: ms(61, 9),
    summary: 'Space created',
    description: 'The Engineering space was created',
    category: 'Spaces',
    affectedObject: { name: 'Engineering', objectType: 'Space' },
    associatedObjects: [{ name: 'ENG', objectType: 'Space' }],
  });
  audit({
    authorId: grace,
    remoteAddress: '203.0.113.24',
    creationDate: ms(56, 9),
    summary: 'Space created',
    description: 'The Sales space was created',
    category: 'Spaces',
    affectedObject: { name: 'Sales', objectType: 'Space' },
    associatedObjects: [{ name: 'SALES', objectType: 'Space' }],
  });
  audit({
    authorId: ada,
    remoteAddress: '203.0.113.10',
    creationDate: ms(40, 11),
    summary: 'User added to group',
    description: 'Grace Hopper was added to the group sales-team',
    category: 'Users and groups',
    sysAdmin: true,
    affectedObject: { name: 'sales-team', objectType: 'Group' },
    associatedObjects: [{ name: 'Grace Hopper', objectType: 'User' }],
  });
  audit({
    authorId: demo,
    remoteAddress: '198.51.100.7',
    creationDate: ms(15, 14),
    summary: 'Space permission added',
    description: 'Ada Lovelace can now administer the Engineering space',
    category: 'Permissions',
    affectedObject: { name: 'Engineering', objectType: 'Space' },
    changedValues: [{ name: 'Administer space', oldValue: '', newValue: 'Ada Lovelace' }],
  });
  audit({
    authorId: grace,
    remoteAddress: '203.0.113.24',
    creationDate: ms(8, 15),
    summary: 'Content restrictions changed',
    description: 'Viewing and editing of Pricing FAQ were restricted',
    category: 'Permissions',
    affectedObject: { name: 'Pricing FAQ', objectType: 'Page' },
    changedValues: [
      { name: 'View restriction', oldValue: '', newValue: 'Demo User, Grace Hopper, sales-team' },
      { name: 'Edit restriction', oldValue: '', newValue: 'Grace Hopper' },
    ],
    associatedObjects: [{ name: 'Sales', objectType: 'Space' }],
  });
  audit({
    authorId: demo,
    remoteAddress: '198.51.100.7',
    creationDate: ms(1, 9),
    summary: 'API token created',
    description: 'An API token was created for Demo User',
    category: 'Security',
    affectedObject: { name: 'Demo User', objectType: 'User' },
  });
}
