/**
 * The spaces-and-properties group of the Confluence emulator:
 * - space creation: v2 `POST /spaces` and v1 `POST /space` and `POST /space/_private` (a homepage comes with every
 *   space; a private space is visible to its creator only);
 * - space deletion: v1 `DELETE /space/{spaceKey}`, answered with a long-running task (`GET /longtask/{id}`) and
 *   recorded in the audit log; everything in the space goes with it;
 * - properties (v2) of spaces, pages, blog posts and whiteboards: keys unique per owner, any JSON value, updates
 *   that must carry the current version + 1;
 * - whiteboard creation and lookup.
 */

import { WHITEBOARD_TEMPLATES } from '../../toolkits/confluence/whiteboard-templates.ts';
import {
  badRequest,
  EmulatorHttpError,
  keysetPaginate,
  notFound,
  queryBoolean,
  queryEnum,
  queryLimit,
  readJson,
} from '../framework.ts';
import {
  type ConfluenceContext,
  type ConfluenceDeps,
  listResponse,
  requireNumericId,
  site,
  spaceWebui,
} from './http.ts';
import { CONFLUENCE_SEED } from './seed.ts';
import type {
  ConfluenceState,
  ContentPropertyRecord,
  PageRecord,
  SpaceRecord,
  VersionInfo,
  WhiteboardRecord,
} from './state.ts';
import { escapeHtml } from './storage-format.ts';
import { asObject, idField, LIST_LIMIT, type RouteDef, type RouteHandler, V2, versionJson } from './v2.ts';

const V1 = '/wiki/rest/api';

type OwnerType = ContentPropertyRecord['ownerType'];
type PropertyOwner = Extract<OwnerType, 'space' | 'page' | 'blogpost' | 'whiteboard'>;

/** Longest property key Confluence stores. */
const MAX_PROPERTY_KEY = 255;
/** Confluence refuses property values whose JSON is longer than 32 KB. */
const MAX_PROPERTY_VALUE = 32_768;
const MAX_SPACE_NAME = 200;
const MAX_SPACE_KEY = 255;

const conflict = (message: string) => new EmulatorHttpError(409, message);
const forbidden = (message: string) => new EmulatorHttpError(403, message);

// ---------------------------------------------------------------------------------------------------------------
// Visibility

/**
 * Does a restriction on `contentId` for `operation` keep `accountId` out? Only user restrictions are decided here:
 * the emulator has no group membership, so a restriction that names groups is treated as letting everyone in.
 */
function restrictedFor(state: ConfluenceState, contentId: string, operation: 'read' | 'update', accountId: string) {
  const r = state.restrictions.get(`${contentId}:${operation}`);
  if (!r || r.groupNames.length > 0 || r.userIds.length === 0) return false;
  return !r.userIds.includes(accountId);
}

function spaceVisible(state: ConfluenceState, spaceId: string, accountId: string): boolean {
  const space = state.spaces.get(spaceId);
  return space !== undefined && state.canViewSpace(space, accountId);
}

/** A page or blog post the caller can see: not trashed, not someone else's private/draft, not in a hidden space. */
function visibleDocument(state: ConfluenceState, doc: PageRecord | undefined, accountId: string) {
  return (
    doc !== undefined &&
    doc.status !== 'trashed' &&
    doc.status !== 'deleted' &&
    state.canView(doc, accountId) &&
    spaceVisible(state, doc.spaceId, accountId) &&
    !restrictedFor(state, doc.id, 'read', accountId)
  );
}

function visibleWhiteboard(state: ConfluenceState, wb: WhiteboardRecord | undefined, accountId: string) {
  return (
    wb !== undefined &&
    wb.status !== 'trashed' &&
    (!wb.private || wb.authorId === accountId) &&
    spaceVisible(state, wb.spaceId, accountId) &&
    !restrictedFor(state, wb.id, 'read', accountId)
  );
}

/**
 * The id of the space or content that owns properties, after checking the caller can see it (404 otherwise, as
 * Confluence does not reveal what it hides) and, for writes, edit it (403: it can see but not change it).
 */
function propertyOwner(
  c: ConfluenceContext,
  deps: ConfluenceDeps,
  owner: PropertyOwner,
  param: string,
  access: 'read' | 'write',
): string {
  const { state } = deps;
  const accountId = c.get('accountId');
  const id = requireNumericId(c.req.param(param) ?? '', param);
  let found: boolean;
  if (owner === 'space') found = spaceVisible(state, id, accountId);
  else if (owner === 'page') found = visibleDocument(state, state.pages.get(id), accountId);
  else if (owner === 'blogpost') found = visibleDocument(state, state.blogposts.get(id), accountId);
  else found = visibleWhiteboard(state, state.whiteboards.get(id), accountId);
  if (!found) throw notFound();
  if (access === 'write' && owner !== 'space' && restrictedFor(state, id, 'update', accountId)) {
    throw forbidden(`You can view ${owner} ${id} but an edit restriction keeps you from changing its properties`);
  }
  return id;
}

// ---------------------------------------------------------------------------------------------------------------
// Properties

function contentPropertyJson(p: ContentPropertyRecord) {
  return { id: p.id, key: p.key, value: p.value, version: versionJson(p.version) };
}

function spacePropertyJson(p: ContentPropertyRecord) {
  return {
    id: p.id,
    key: p.key,
    value: p.value,
    createdAt: p.createdAt,
    createdBy: p.createdBy,
    version: {
      createdAt: p.version.createdAt,
      createdBy: p.version.authorId,
      message: p.version.message,
      number: p.version.number,
    },
  };
}

function propertyKey(raw: unknown): string {
  if (raw === undefined || raw === null) throw badRequest("'key' is required");
  if (typeof raw !== 'string') throw badRequest("'key' must be a string");
  if (!raw.trim()) throw badRequest("'key' cannot be blank");
  if (raw.length > MAX_PROPERTY_KEY) {
    throw badRequest(`'key' is ${raw.length} characters long; the maximum is ${MAX_PROPERTY_KEY}`);
  }
  return raw;
}

function propertyValue(body: Record<string, unknown>): unknown {
  if (body.value === undefined) throw badRequest("'value' is required: any JSON value (object, array, string, …)");
  const size = JSON.stringify(body.value).length;
  if (size > MAX_PROPERTY_VALUE) {
    throw badRequest(`'value' is ${size} characters as JSON; the maximum is ${MAX_PROPERTY_VALUE}`);
  }
  return body.value;
}

function propertyVersion(raw: unknown): { number: number; message: string } {
  if (raw === undefined || raw === null) {
    throw badRequest('\'version\' is required: {"number": <the current version number + 1>}');
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badRequest("'version' must be an object: {number, message}");
  const { number, message } = raw as { number?: unknown; message?: unknown };
  if (typeof number !== 'number' || !Number.isInteger(number)) {
    throw badRequest("'version.number' is required: an integer, the current version number + 1");
  }
  if (message !== undefined && message !== null && typeof message !== 'string') {
    throw badRequest("'version.message' must be a string");
  }
  return { number, message: (message as string | null | undefined) ?? '' };
}

function ownedProperty(state: ConfluenceState, owner: PropertyOwner, ownerId: string, raw: string) {
  const id = requireNumericId(raw, 'property-id');
  const p = state.properties.get(id);
  if (!p || p.ownerType !== owner || p.ownerId !== ownerId) throw notFound();
  return p;
}

function newVersion(accountId: string, now: string, number: number, message: string): VersionInfo {
  return { number, message, minorEdit: false, authorId: accountId, createdAt: now };
}

interface PropertyRoutesSpec {
  owner: PropertyOwner;
  /** e.g. `/wiki/api/v2/pages/{page-id}/properties` */
  collection: string;
  /** e.g. `/wiki/api/v2/pages/{page-id}/properties/{property-id}` */
  item: string;
  /** Path parameter of the owner in `collection` and in `item` (the whiteboard routes name it differently). */
  collectionParam: string;
  itemParam: string;
  readScopes: string[];
  writeScopes: string[];
}

/** List, create, get, update and delete of one owner type's properties (the four share every rule). */
function propertyRoutes(spec: PropertyRoutesSpec): RouteDef[] {
  const { owner } = spec;
  const json: (p: ContentPropertyRecord) => object = owner === 'space' ? spacePropertyJson : contentPropertyJson;

  const list: RouteHandler = (c, deps) => {
    const ownerId = propertyOwner(c, deps, owner, spec.collectionParam, 'read');
    const q = new URL(c.req.url).searchParams;
    const key = q.get('key');
    // Spaces list in id order; content properties can also be sorted by key.
    const sort = owner === 'space' ? undefined : queryEnum(q, 'sort', ['key', '-key'] as const);
    const limit = queryLimit(q, LIST_LIMIT);
    const all = deps.state.propertiesOf(owner, ownerId).filter((p) => key === null || key === '' || p.key === key);
    const page = keysetPaginate(all, {
      key: (p) => (sort ? [p.key, Number(p.id)] : [Number(p.id)]),
      descending: sort === '-key',
      limit,
      cursor: q.get('cursor'),
      scope: `properties:${owner}:${ownerId}:${sort ?? 'id'}`,
    });
    return listResponse(c, deps.basePath, page.items.map(json), page.next);
  };

  const create: RouteHandler = async (c, deps) => {
    const { state } = deps;
    const accountId = c.get('accountId');
    const ownerId = propertyOwner(c, deps, owner, spec.collectionParam, 'write');
    const b = asObject(await readJson(c));
    const key = propertyKey(b.key);
    const value = propertyValue(b);
    if (state.propertiesOf(owner, ownerId).some((p) => p.key === key)) {
      throw conflict(`A property with the key '${key}' already exists on ${owner} ${ownerId}`);
    }
    const now = state.nowIso();
    const property: ContentPropertyRecord = {
      id: state.nextId(),
      ownerType: owner,
      ownerId,
      key,
      value,
      createdAt: now,
      createdBy: accountId,
      version: newVersion(accountId, now, 1, ''),
    };
    state.properties.set(property.id, property);
    if (owner === 'space') {
      // Space properties answer 201 with the property's address; content properties answer 200.
      c.header('Location', `${site(c, deps.basePath).base}/api/v2/spaces/${ownerId}/properties/${property.id}`);
      return c.json(json(property), 201);
    }
    return c.json(json(property));
  };

  const get: RouteHandler = (c, deps) => {
    const ownerId = propertyOwner(c, deps, owner, spec.itemParam, 'read');
    return c.json(json(ownedProperty(deps.state, owner, ownerId, c.req.param('property-id') ?? '')));
  };

  const update: RouteHandler = async (c, deps) => {
    const { state } = deps;
    const accountId = c.get('accountId');
    const ownerId = propertyOwner(c, deps, owner, spec.itemParam, 'write');
    const property = ownedProperty(state, owner, ownerId, c.req.param('property-id') ?? '');
    const b = asObject(await readJson(c));
    const key = propertyKey(b.key);
    const value = propertyValue(b);
    const version = propertyVersion(b.version);
    if (version.number !== property.version.number + 1) {
      throw conflict(
        `Version must be incremented when updating a property. Current Version: [${property.version.number}]. Provided version: [${version.number}]`,
      );
    }
    if (key !== property.key && state.propertiesOf(owner, ownerId).some((p) => p.key === key)) {
      throw conflict(`A property with the key '${key}' already exists on ${owner} ${ownerId}`);
    }
    property.key = key;
    property.value = value;
    property.version = newVersion(accountId, state.nowIso(), version.number, version.message);
    return c.json(json(property));
  };

  const remove: RouteHandler = (c, deps) => {
    const ownerId = propertyOwner(c, deps, owner, spec.itemParam, 'write');
    const property = ownedProperty(deps.state, owner, ownerId, c.req.param('property-id') ?? '');
    deps.state.properties.delete(property.id);
    return c.body(null, 204);
  };

  const write = [...spec.readScopes, ...spec.writeScopes];
  return [
    { api: 'v2', method: 'GET', path: spec.collection, scopes: spec.readScopes, handler: list },
    { api: 'v2', method: 'POST', path: spec.collection, scopes: write, handler: create },
    { api: 'v2', method: 'GET', path: spec.item, scopes: spec.readScopes, handler: get },
    { api: 'v2', method: 'PUT', path: spec.item, scopes: write, handler: update },
    { api: 'v2', method: 'DELETE', path: spec.item, scopes: write, handler: remove },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Spaces

function spaceName(raw: unknown): string {
  if (raw === undefined || raw === null) throw badRequest("'name' is required");
  if (typeof raw !== 'string') throw badRequest("'name' must be a string");
  if (!raw.trim()) throw badRequest("'name' cannot be blank");
  if (raw.length > MAX_SPACE_NAME) {
    throw badRequest(`'name' is ${raw.length} characters long; the maximum is ${MAX_SPACE_NAME}`);
  }
  return raw.trim();
}

/**
 * The key of a new space: `key` as given (uppercase letters and digits, unique), or derived from `alias` (made unique
 * with a number, as Confluence generates a system key) when only an alias is given.
 */
function newSpaceKey(state: ConfluenceState, rawKey: unknown, rawAlias: unknown): string {
  if (rawKey !== undefined && rawKey !== null && rawKey !== '') {
    if (typeof rawKey !== 'string') throw badRequest("'key' must be a string");
    if (!/^[A-Z0-9]+$/.test(rawKey) || rawKey.length > MAX_SPACE_KEY) {
      throw badRequest(
        `'key' ${JSON.stringify(rawKey)} is not a valid space key: use only uppercase letters A-Z and digits 0-9, at most ${MAX_SPACE_KEY} characters`,
      );
    }
    if (state.spaceByKey(rawKey)) throw badRequest(`A space with key '${rawKey}' already exists`);
    return rawKey;
  }
  if (rawAlias !== undefined && rawAlias !== null && rawAlias !== '') {
    if (typeof rawAlias !== 'string' || !/^[A-Za-z0-9]+$/.test(rawAlias) || rawAlias.length > MAX_SPACE_KEY) {
      throw badRequest(`'alias' must be 1-${MAX_SPACE_KEY} letters and digits`);
    }
    const base = rawAlias.toUpperCase();
    let key = base;
    for (let n = 1; state.spaceByKey(key); n++) key = `${base.slice(0, MAX_SPACE_KEY - String(n).length)}${n}`;
    return key;
  }
  throw badRequest("'key' is required (or 'alias', from which the key is derived)");
}

function optionalBoolean(raw: unknown, name: string): boolean {
  if (raw === undefined || raw === null) return false;
  if (typeof raw !== 'boolean') throw badRequest(`'${name}' must be true or false`);
  return raw;
}

function plainDescription(raw: unknown, name: string): string {
  if (raw === undefined || raw === null) return '';
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badRequest(`'${name}' must be an object`);
  const d = raw as { value?: unknown; representation?: unknown };
  if (d.representation !== undefined && d.representation !== null && d.representation !== 'plain') {
    throw badRequest(`'${name}.representation' must be plain: only plain descriptions can be set`);
  }
  if (d.value === undefined || d.value === null) return '';
  if (typeof d.value !== 'string') throw badRequest(`'${name}.value' must be a string`);
  return d.value;
}

function clientAddress(c: ConfluenceContext): string {
  return c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || '127.0.0.1';
}

function auditSpace(c: ConfluenceContext, state: ConfluenceState, space: SpaceRecord, summary: string): void {
  state.auditRecords.push({
    authorId: c.get('accountId'),
    remoteAddress: clientAddress(c),
    creationDate: state.now().getTime(),
    summary,
    description: `${space.name} (${space.key})`,
    category: 'Spaces',
    sysAdmin: false,
    affectedObject: { name: space.name, objectType: 'Space' },
    changedValues: [],
    associatedObjects: [],
  });
}

/** Stores a new global space with its homepage (private spaces get a private homepage). */
function createSpaceWithHomepage(
  c: ConfluenceContext,
  state: ConfluenceState,
  fields: { key: string; name: string; description: string; private: boolean },
): SpaceRecord {
  const accountId = c.get('accountId');
  const now = state.nowIso();
  const space: SpaceRecord = {
    id: state.nextId(),
    key: fields.key,
    name: fields.name,
    type: 'global',
    status: 'current',
    authorId: accountId,
    createdAt: now,
    description: fields.description,
    labels: [],
    private: fields.private,
  };
  const intro = fields.description ? `<p>${escapeHtml(fields.description)}</p>` : '';
  const home: PageRecord = {
    id: state.nextId(),
    spaceId: space.id,
    status: 'current',
    title: `${fields.name} Home`,
    position: 0,
    authorId: accountId,
    ownerId: accountId,
    lastOwnerId: null,
    createdAt: now,
    version: newVersion(accountId, now, 1, ''),
    body: { representation: 'storage', value: `<h1>Welcome to ${escapeHtml(fields.name)}</h1>${intro}` },
    labels: [],
    history: [],
    private: fields.private,
  };
  space.homepageId = home.id;
  state.insertSpace(space);
  state.insertPage(home);
  auditSpace(c, state, space, 'Space created');
  return space;
}

/** v2 `SpaceBulk` plus `_links.base`, as `POST /spaces` answers. */
function spaceJsonV2(space: SpaceRecord, base: string) {
  return {
    id: space.id,
    key: space.key,
    name: space.name,
    type: space.type,
    status: space.status,
    authorId: space.authorId,
    currentActiveAlias: space.key,
    createdAt: space.createdAt,
    homepageId: space.homepageId,
    description: { plain: { representation: 'plain', value: space.description } },
    _links: { webui: spaceWebui(space), base },
  };
}

/** v1 `Space`, as `POST /space` answers. */
function spaceJsonV1(c: ConfluenceContext, space: SpaceRecord, basePath: string) {
  const s = site(c, basePath);
  const key = encodeURIComponent(space.key);
  return {
    id: Number(space.id),
    key: space.key,
    alias: space.key,
    name: space.name,
    description: {
      plain: { value: space.description, representation: 'plain', embeddedContent: [] },
      _expandable: { view: '' },
    },
    type: space.type === 'personal' ? 'personal' : 'global',
    status: space.status,
    permissions: [],
    _expandable: {
      settings: `/rest/api/space/${key}/settings`,
      metadata: '',
      operations: '',
      lookAndFeel: `/rest/api/settings/lookandfeel?spaceKey=${key}`,
      identifiers: '',
      icon: '',
      theme: `/rest/api/space/${key}/theme`,
      history: '',
      homepage: space.homepageId ? `/rest/api/content/${space.homepageId}` : '',
    },
    _links: {
      webui: spaceWebui(space),
      context: s.context,
      self: `${s.base}/rest/api/space/${key}`,
      collection: '/rest/api/space',
      base: s.base,
    },
  };
}

const createSpaceV2: RouteHandler = async (c, deps) => {
  const { state } = deps;
  const b = asObject(await readJson(c));
  const name = spaceName(b.name);
  const description = plainDescription(b.description, 'description');
  const isPrivate = optionalBoolean(b.createPrivateSpace, 'createPrivateSpace');
  if (b.roleAssignments !== undefined && b.roleAssignments !== null && !Array.isArray(b.roleAssignments)) {
    throw badRequest("'roleAssignments' must be an array of {principal, roleId}");
  }
  const copyFrom = idField(b.copySpaceAccessConfiguration, 'copySpaceAccessConfiguration');
  if (copyFrom && !spaceVisible(state, copyFrom, c.get('accountId'))) {
    throw badRequest(`'copySpaceAccessConfiguration': no space with id ${copyFrom}`);
  }
  if (b.templateKey !== undefined && b.templateKey !== null && typeof b.templateKey !== 'string') {
    throw badRequest("'templateKey' must be a string");
  }
  const key = newSpaceKey(state, b.key, b.alias);
  const space = createSpaceWithHomepage(c, state, { key, name, description, private: isPrivate });
  return c.json(spaceJsonV2(space, site(c, deps.basePath).base), 201);
};

const createSpaceV1 =
  (isPrivate: boolean): RouteHandler =>
  async (c, deps) => {
    const { state } = deps;
    const b = asObject(await readJson(c));
    const name = spaceName(b.name);
    let description = '';
    if (b.description !== undefined && b.description !== null) {
      if (typeof b.description !== 'object' || Array.isArray(b.description)) {
        throw badRequest('\'description\' must be an object: {"plain": {"value": "…", "representation": "plain"}}');
      }
      description = plainDescription((b.description as { plain?: unknown }).plain, 'description.plain');
    }
    if (b.permissions !== undefined && b.permissions !== null && !Array.isArray(b.permissions)) {
      throw badRequest("'permissions' must be an array");
    }
    const key = newSpaceKey(state, b.key, b.alias);
    const space = createSpaceWithHomepage(c, state, { key, name, description, private: isPrivate });
    return c.json(spaceJsonV1(c, space, deps.basePath));
  };

/** Removes a space and everything in it; returns what went, for the task's messages. */
function removeSpace(state: ConfluenceState, space: SpaceRecord) {
  const gone = new Set<string>();
  const counts = { pages: 0, blogposts: 0, whiteboards: 0, attachments: 0, comments: 0, properties: 0 };
  for (const p of state.pages.values()) {
    if (p.spaceId !== space.id) continue;
    gone.add(p.id);
    state.pages.delete(p.id);
    counts.pages += 1;
  }
  for (const b of state.blogposts.values()) {
    if (b.spaceId !== space.id) continue;
    gone.add(b.id);
    state.blogposts.delete(b.id);
    counts.blogposts += 1;
  }
  for (const w of state.whiteboards.values()) {
    if (w.spaceId !== space.id) continue;
    gone.add(w.id);
    state.whiteboards.delete(w.id);
    counts.whiteboards += 1;
  }
  for (const a of state.attachments.values()) {
    if (!gone.has(a.containerId)) continue;
    gone.add(a.id);
    state.attachments.delete(a.id);
    counts.attachments += 1;
  }
  for (const cm of state.comments.values()) {
    if (!gone.has(cm.containerId)) continue;
    gone.add(cm.id);
    state.comments.delete(cm.id);
    counts.comments += 1;
  }
  for (const t of state.tasks.values()) if (t.spaceId === space.id) state.tasks.delete(t.id);
  for (const p of state.properties.values()) {
    if ((p.ownerType === 'space' && p.ownerId === space.id) || gone.has(p.ownerId)) {
      state.properties.delete(p.id);
      counts.properties += 1;
    }
  }
  for (const id of gone) state.likes.delete(id);
  for (const [k, r] of state.restrictions) if (gone.has(r.contentId)) state.restrictions.delete(k);
  state.spaces.delete(space.id);
  return counts;
}

const deleteSpace: RouteHandler = (c, deps) => {
  const { state } = deps;
  const key = c.req.param('spaceKey') ?? '';
  const space = state.spaceByKey(key);
  if (!space || !state.canViewSpace(space, c.get('accountId'))) throw notFound(`No space with key : ${key}`);
  const counts = removeSpace(state, space);
  const now = state.nowIso();
  const id = state.nextId();
  // The emulator deletes at once, so the task is finished when it is first seen; clients still poll it.
  state.longTasks.set(id, {
    id,
    name: 'space-delete',
    createdAt: now,
    finishedAt: now,
    percentageComplete: 100,
    successful: true,
    messages: [
      `Deleted space ${space.key}: ${counts.pages} pages, ${counts.blogposts} blog posts, ${counts.whiteboards} whiteboards, ${counts.attachments} attachments, ${counts.comments} comments`,
    ],
  });
  auditSpace(c, state, space, 'Space deleted');
  return c.json({ ari: longTaskAri(id), id, links: { status: `/rest/api/longtask/${id}` } }, 202);
};

const longTaskAri = (id: string) => `ari:cloud:confluence::longtask/${id}`;

const getLongTask: RouteHandler = (c, deps) => {
  const { state } = deps;
  const id = c.req.param('id') ?? '';
  const task = state.longTasks.get(id);
  if (!task) throw notFound(`No long-running task with id ${id}`);
  const s = site(c, deps.basePath);
  const end = task.finishedAt ? Date.parse(task.finishedAt) : state.now().getTime();
  return c.json({
    ari: longTaskAri(task.id),
    id: task.id,
    name: { key: task.name, args: [] },
    elapsedTime: Math.max(0, end - Date.parse(task.createdAt)),
    percentageComplete: task.percentageComplete,
    successful: task.successful,
    finished: task.finishedAt !== undefined,
    messages: task.messages.map((translation) => ({ translation, args: [] })),
    _links: { base: s.base, context: s.context, self: `${s.base}/rest/api/longtask/${task.id}` },
  });
};

// ---------------------------------------------------------------------------------------------------------------
// Whiteboards

const WHITEBOARD_LOCALES = [
  'de-DE',
  'cs-CZ',
  'ko-KR',
  'fr-FR',
  'it-IT',
  'ja-JP',
  'nl-NL',
  'nb-NO',
  'da-DK',
  'sv-SE',
  'fi-FI',
  'ru-RU',
  'pl-PL',
  'tr-TR',
  'hu-HU',
  'en-GB',
  'en-US',
  'pt-BR',
  'zh-CN',
  'zh-TW',
  'es-ES',
] as const;

function enumField(raw: unknown, name: string, allowed: readonly string[]): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string' || !allowed.includes(raw)) {
    throw badRequest(
      `Provided value {${String(raw)}} for '${name}' is not valid. Allowed values: ${allowed.join(', ')}`,
    );
  }
  return raw;
}

function whiteboardJson(state: ConfluenceState, wb: WhiteboardRecord, base: string) {
  const key = encodeURIComponent(state.spaces.get(wb.spaceId)?.key ?? '');
  const webui = `/spaces/${key}/whiteboard/${wb.id}`;
  return {
    id: wb.id,
    type: 'whiteboard',
    status: wb.status,
    title: wb.title,
    parentId: wb.parentId,
    parentType: wb.parentType,
    position: null,
    authorId: wb.authorId,
    ownerId: wb.ownerId,
    createdAt: wb.createdAt,
    spaceId: wb.spaceId,
    version: versionJson(wb.version),
    _links: { webui, editui: webui, base },
  };
}

const createWhiteboard: RouteHandler = async (c, deps) => {
  const { state } = deps;
  const accountId = c.get('accountId');
  const isPrivate = queryBoolean(new URL(c.req.url).searchParams, 'private', false);
  const b = asObject(await readJson(c));
  const spaceId = idField(b.spaceId, 'spaceId');
  if (!spaceId) throw badRequest("'spaceId' is required");
  let title = 'Untitled whiteboard';
  if (b.title !== undefined && b.title !== null) {
    if (typeof b.title !== 'string') throw badRequest("'title' must be a string");
    if (b.title.length > 255) throw badRequest(`'title' is ${b.title.length} characters long; the maximum is 255`);
    if (b.title.trim()) title = b.title;
  }
  const parentIdIn = idField(b.parentId, 'parentId');
  const templateKey = enumField(b.templateKey, 'templateKey', WHITEBOARD_TEMPLATES);
  const locale = enumField(b.locale, 'locale', WHITEBOARD_LOCALES);
  if (locale && !templateKey) throw badRequest("'locale' only applies together with 'templateKey'");

  const space = state.spaces.get(spaceId);
  if (!space || !state.canViewSpace(space, accountId))
    throw notFound(`No space with id ${spaceId}, or you cannot see it`);
  let parentId: string | undefined;
  let parentType: 'page' | 'whiteboard' | undefined;
  if (parentIdIn) {
    const page = state.pages.get(parentIdIn);
    const wb = state.whiteboards.get(parentIdIn);
    if (page && page.spaceId === spaceId && page.status === 'current' && visibleDocument(state, page, accountId)) {
      parentType = 'page';
    } else if (wb && wb.spaceId === spaceId && visibleWhiteboard(state, wb, accountId)) {
      parentType = 'whiteboard';
    } else {
      throw notFound(`No page or whiteboard with id ${parentIdIn} in space ${spaceId} to use as 'parentId'`);
    }
    parentId = parentIdIn;
  } else if (space.homepageId && state.pages.get(space.homepageId)?.status === 'current') {
    // Like a page, a whiteboard created without a parent goes under the space's homepage.
    parentId = space.homepageId;
    parentType = 'page';
  }
  const now = state.nowIso();
  const wb: WhiteboardRecord = {
    id: state.nextId(),
    spaceId,
    status: 'current',
    title,
    parentId,
    parentType,
    authorId: accountId,
    ownerId: accountId,
    createdAt: now,
    version: newVersion(accountId, now, 1, ''),
    private: isPrivate,
  };
  state.whiteboards.set(wb.id, wb);
  return c.json(whiteboardJson(state, wb, site(c, deps.basePath).base));
};

const getWhiteboard: RouteHandler = (c, deps) => {
  const { state } = deps;
  const id = requireNumericId(c.req.param('id') ?? '');
  const q = new URL(c.req.url).searchParams;
  for (const flag of ['include-collaborators', 'include-direct-children', 'include-operations', 'include-properties']) {
    queryBoolean(q, flag, false);
  }
  const wb = state.whiteboards.get(id);
  if (!visibleWhiteboard(state, wb, c.get('accountId'))) throw notFound();
  return c.json(whiteboardJson(state, wb!, site(c, deps.basePath).base));
};

// ---------------------------------------------------------------------------------------------------------------
// Routes

const PAGE_READ = ['read:page:confluence'];
const PAGE_WRITE = ['write:page:confluence'];

export const ROUTES: RouteDef[] = [
  { api: 'v2', method: 'POST', path: `${V2}/spaces`, scopes: ['write:space:confluence'], handler: createSpaceV2 },
  { api: 'v1', method: 'POST', path: `${V1}/space`, scopes: ['write:confluence-space'], handler: createSpaceV1(false) },
  {
    api: 'v1',
    method: 'POST',
    path: `${V1}/space/_private`,
    scopes: ['write:confluence-space'],
    handler: createSpaceV1(true),
  },
  {
    api: 'v1',
    method: 'DELETE',
    path: `${V1}/space/{spaceKey}`,
    scopes: ['write:confluence-space'],
    handler: deleteSpace,
  },
  {
    api: 'v1',
    method: 'GET',
    path: `${V1}/longtask/{id}`,
    scopes: ['read:confluence-space.summary'],
    handler: getLongTask,
  },
  ...propertyRoutes({
    owner: 'space',
    collection: `${V2}/spaces/{space-id}/properties`,
    item: `${V2}/spaces/{space-id}/properties/{property-id}`,
    collectionParam: 'space-id',
    itemParam: 'space-id',
    readScopes: ['read:space:confluence'],
    writeScopes: ['write:space:confluence'],
  }),
  ...propertyRoutes({
    owner: 'page',
    collection: `${V2}/pages/{page-id}/properties`,
    item: `${V2}/pages/{page-id}/properties/{property-id}`,
    collectionParam: 'page-id',
    itemParam: 'page-id',
    readScopes: PAGE_READ,
    writeScopes: PAGE_WRITE,
  }),
  ...propertyRoutes({
    owner: 'blogpost',
    collection: `${V2}/blogposts/{blogpost-id}/properties`,
    item: `${V2}/blogposts/{blogpost-id}/properties/{property-id}`,
    collectionParam: 'blogpost-id',
    itemParam: 'blogpost-id',
    readScopes: PAGE_READ,
    writeScopes: PAGE_WRITE,
  }),
  ...propertyRoutes({
    owner: 'whiteboard',
    collection: `${V2}/whiteboards/{id}/properties`,
    item: `${V2}/whiteboards/{whiteboard-id}/properties/{property-id}`,
    collectionParam: 'id',
    itemParam: 'whiteboard-id',
    readScopes: ['read:whiteboard:confluence'],
    writeScopes: ['write:whiteboard:confluence'],
  }),
  {
    api: 'v2',
    method: 'POST',
    path: `${V2}/whiteboards`,
    scopes: ['write:whiteboard:confluence'],
    handler: createWhiteboard,
  },
  {
    api: 'v2',
    method: 'GET',
    path: `${V2}/whiteboards/{id}`,
    scopes: ['read:whiteboard:confluence'],
    handler: getWhiteboard,
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Seed

const DAY = 86_400_000;

/**
 * Seed data of the spaces-properties group, added after the base seed and the content group's (deterministic: no
 * randomness, ids from the state): properties on ENG, SALES and two ENG pages, the first seeded blog post (if the
 * content group seeded any), and one whiteboard under "Architecture Overview" with a property of its own.
 */
export function seedSpacesProperties(state: ConfluenceState): void {
  const S = CONFLUENCE_SEED.spaces;
  const P = CONFLUENCE_SEED.pages;
  const { ada, grace } = CONFLUENCE_SEED.users;
  const at = (daysAgo: number) => new Date(state.now().getTime() - daysAgo * DAY).toISOString();
  const add = (
    ownerType: PropertyOwner,
    ownerId: string,
    key: string,
    value: unknown,
    author: string,
    versions: { daysAgo: number; message?: string }[],
  ) => {
    const first = versions[0]!;
    const last = versions[versions.length - 1]!;
    const p: ContentPropertyRecord = {
      id: state.nextId(),
      ownerType,
      ownerId,
      key,
      value,
      createdAt: at(first.daysAgo),
      createdBy: author,
      version: newVersion(author, at(last.daysAgo), versions.length, last.message ?? ''),
    };
    state.properties.set(p.id, p);
  };

  add(
    'space',
    S.ENG.id,
    'team-directory',
    { oncall: 'payments', slack: '#eng-platform', lead: ada.accountId },
    ada.accountId,
    [{ daysAgo: 50 }, { daysAgo: 12, message: 'New on-call rotation' }],
  );
  add('space', S.ENG.id, 'release-train', { cadence: 'weekly', freezeDay: 'Thursday' }, ada.accountId, [
    { daysAgo: 30 },
  ]);
  add(
    'space',
    S.SALES.id,
    'quarterly-targets',
    { quarter: 'Q2', pipeline: 1_250_000, currency: 'USD' },
    grace.accountId,
    [{ daysAgo: 20 }],
  );
  add('page', P.architecture, 'content-appearance-published', 'full-width', ada.accountId, [{ daysAgo: 40 }]);
  add('page', P.architecture, 'review-status', { state: 'approved', reviewer: grace.accountId }, ada.accountId, [
    { daysAgo: 35 },
    { daysAgo: 10, message: 'Re-reviewed after the search service split' },
  ]);
  add(
    'page',
    P.paymentsRunbook,
    'runbook-owner',
    { team: 'payments', escalation: 'pagerduty:payments' },
    ada.accountId,
    [{ daysAgo: 25 }],
  );

  const firstPost = [...state.blogposts.values()]
    .filter((b) => b.status === 'current')
    .sort((a, b) => Number(a.id) - Number(b.id))[0];
  if (firstPost) {
    add('blogpost', firstPost.id, 'featured', { pinned: true, until: at(-7).slice(0, 10) }, firstPost.authorId, [
      { daysAgo: 3 },
    ]);
  }

  const created = at(15);
  const board: WhiteboardRecord = {
    id: state.nextId(),
    spaceId: S.ENG.id,
    status: 'current',
    title: 'Search service split: brainstorm',
    parentId: P.architecture,
    parentType: 'page',
    authorId: ada.accountId,
    ownerId: ada.accountId,
    createdAt: created,
    version: newVersion(ada.accountId, at(14), 2, ''),
    private: false,
  };
  state.whiteboards.set(board.id, board);
  add('whiteboard', board.id, 'board-settings', { grid: true, theme: 'light' }, ada.accountId, [{ daysAgo: 15 }]);
}
