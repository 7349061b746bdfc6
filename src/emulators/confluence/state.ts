/**
 * What the Confluence emulator holds: users, spaces, pages (with version history and labels), and the domain rules
 * the HTTP layer relies on (title uniqueness, hierarchy, visibility). Tests read it directly:
 * `emulator.state.pages.get(id)`.
 */

import { EmulatorHttpError } from '../framework.ts';
import { adfText, adfToStorage, parseAdf, storageToAdf, storageToText } from './storage-format.ts';

export type SpaceType = 'global' | 'personal' | 'collaboration' | 'knowledge_base';
export type PageStatus = 'current' | 'draft' | 'archived' | 'trashed' | 'deleted';
export type BodyRepresentation = 'storage' | 'atlas_doc_format';

export interface ConfluenceUser {
  accountId: string;
  email: string;
  displayName: string;
  publicName: string;
  /** API token for Basic auth (absent: the user cannot log in with a token). */
  apiToken?: string;
  timeZone: string;
  /** Site (Confluence) administrator: may read the audit log. */
  siteAdmin?: boolean;
}

export interface SpaceRecord {
  id: string;
  key: string;
  name: string;
  type: SpaceType;
  status: 'current' | 'archived';
  authorId: string;
  createdAt: string;
  homepageId?: string;
  /** Plain-text description. */
  description: string;
  labels: string[];
  /** Created with `POST /space/_private` (or v2 `createPrivateSpace`): only its creator can see it. */
  private?: boolean;
}

export interface PageBody {
  representation: BodyRepresentation;
  value: string;
}

export interface VersionInfo {
  number: number;
  message: string;
  minorEdit: boolean;
  authorId: string;
  createdAt: string;
}

/** One published state of a page (the current one is also in `PageRecord`). */
export interface PageVersionRecord extends VersionInfo {
  title: string;
  body: PageBody;
}

export interface PageRecord {
  id: string;
  spaceId: string;
  status: PageStatus;
  title: string;
  parentId?: string;
  position: number;
  authorId: string;
  ownerId: string;
  lastOwnerId: string | null;
  createdAt: string;
  version: VersionInfo;
  body: PageBody;
  /** Label names (prefix global). */
  labels: string[];
  /** Previous published versions, oldest first (the current one is not in it). */
  history: PageVersionRecord[];
  /** Visible only to its author (`?private=true` at creation). */
  private: boolean;
  /** Status before it went to the trash (restored to it). */
  statusBeforeTrash?: PageStatus;
}

export type LabelPrefix = 'global' | 'my' | 'team' | 'system';

export interface LabelRecord {
  id: string;
  name: string;
  prefix: LabelPrefix;
}

/**
 * A qualified label name as content keeps it in `labels`: `urgent` for a global label, `my:todo` / `team:platform` /
 * `system:x` for the other prefixes (what CQL `label = "my:todo"` matches). Lower-cased, like Confluence.
 */
export function qualifiedLabel(raw: string): { key: string; prefix: LabelPrefix; name: string } {
  const n = raw.trim().toLowerCase();
  const m = /^(global|my|team|system):(.+)$/.exec(n);
  const prefix = (m ? m[1] : 'global') as LabelPrefix;
  const name = m ? m[2]! : n;
  return { key: prefix === 'global' ? name : `${prefix}:${name}`, prefix, name };
}

/** Content that can carry labels, properties, comments, likes, restrictions and attachments. */
export type ContentType = 'page' | 'blogpost' | 'whiteboard' | 'attachment' | 'comment' | 'space';

/** A blog post: the page shape without hierarchy (parentId/position unused). */
export type BlogPostRecord = PageRecord;

export interface WhiteboardRecord {
  id: string;
  spaceId: string;
  status: 'current' | 'draft' | 'trashed';
  title: string;
  parentId?: string;
  parentType?: 'page' | 'whiteboard';
  authorId: string;
  ownerId: string;
  createdAt: string;
  version: VersionInfo;
  private: boolean;
}

export interface CommentRecord {
  id: string;
  /** Footer comments hang below the content; inline comments are anchored to a text selection. */
  kind: 'footer' | 'inline';
  containerType: 'page' | 'blogpost' | 'attachment' | 'custom';
  containerId: string;
  parentCommentId?: string;
  status: 'current' | 'draft' | 'trashed';
  title: string;
  authorId: string;
  createdAt: string;
  version: VersionInfo;
  body: PageBody;
  /** Inline comments only. */
  resolutionStatus?: 'open' | 'reopened' | 'resolved' | 'dangling';
  inlineMarkerRef?: string;
  textSelection?: string;
}

export interface ContentPropertyRecord {
  id: string;
  ownerType: Exclude<ContentType, 'attachment' | 'comment'>;
  ownerId: string;
  key: string;
  value: unknown;
  createdAt: string;
  createdBy: string;
  version: VersionInfo;
}

export interface AttachmentRecord {
  id: string;
  containerType: 'page' | 'blogpost';
  containerId: string;
  status: 'current' | 'trashed';
  title: string;
  mediaType: string;
  comment: string;
  fileId: string;
  createdAt: string;
  authorId: string;
  version: VersionInfo;
  /** The file's bytes (downloads return exactly these). */
  data: Buffer;
  labels: string[];
}

export interface TaskRecord {
  id: string;
  localId: string;
  spaceId: string;
  pageId?: string;
  blogPostId?: string;
  status: 'complete' | 'incomplete';
  body: PageBody;
  createdBy: string;
  assignedTo?: string;
  completedBy?: string;
  createdAt: string;
  updatedAt: string;
  dueAt?: string;
  completedAt?: string;
}

export interface RestrictionRecord {
  contentId: string;
  operation: 'read' | 'update';
  userIds: string[];
  groupNames: string[];
}

export interface AuditRecord {
  authorId: string;
  remoteAddress: string;
  creationDate: number;
  summary: string;
  description: string;
  category: string;
  sysAdmin: boolean;
  affectedObject: { name: string; objectType: string };
  changedValues: { name: string; oldValue: string; newValue: string }[];
  associatedObjects: { name: string; objectType: string }[];
}

/** A v1 long-running task (space deletion): `GET /wiki/rest/api/longtask/{id}` reports it. */
export interface LongTaskRecord {
  id: string;
  name: string;
  createdAt: string;
  finishedAt?: string;
  percentageComplete: number;
  successful: boolean;
  messages: string[];
}

const FIRST_DYNAMIC_ID = 1_015_809;

export class ConfluenceState {
  readonly users = new Map<string, ConfluenceUser>();
  readonly spaces = new Map<string, SpaceRecord>();
  readonly pages = new Map<string, PageRecord>();
  /** Label name → label. */
  readonly labels = new Map<string, LabelRecord>();
  readonly accessTokens = new Map<string, string>();
  readonly blogposts = new Map<string, BlogPostRecord>();
  readonly whiteboards = new Map<string, WhiteboardRecord>();
  readonly comments = new Map<string, CommentRecord>();
  readonly properties = new Map<string, ContentPropertyRecord>();
  readonly attachments = new Map<string, AttachmentRecord>();
  readonly tasks = new Map<string, TaskRecord>();
  /** Content id → account ids that liked it (pages, blog posts, comments). */
  readonly likes = new Map<string, Set<string>>();
  /** `${contentId}:${operation}` → restriction. */
  readonly restrictions = new Map<string, RestrictionRecord>();
  /** Oldest first. */
  readonly auditRecords: AuditRecord[] = [];
  readonly longTasks = new Map<string, LongTaskRecord>();
  readonly now: () => Date;
  #nextId = FIRST_DYNAMIC_ID;

  constructor(now: () => Date = () => new Date()) {
    this.now = now;
  }

  /** Empties everything (users too). */
  clear(): void {
    this.users.clear();
    this.spaces.clear();
    this.pages.clear();
    this.labels.clear();
    this.accessTokens.clear();
    this.blogposts.clear();
    this.whiteboards.clear();
    this.comments.clear();
    this.properties.clear();
    this.attachments.clear();
    this.tasks.clear();
    this.likes.clear();
    this.restrictions.clear();
    this.auditRecords.length = 0;
    this.longTasks.clear();
    this.#nextId = FIRST_DYNAMIC_ID;
  }

  /** A fresh numeric id (ids of seeded objects are below the first one). */
  nextId(): string {
    const id = this.#nextId;
    this.#nextId += 1;
    return String(id);
  }

  nowIso(): string {
    return this.now().toISOString();
  }

  /** Lets `Authorization: Bearer <token>` act as `accountId` (the OAuth emulation registers its tokens here). */
  registerAccessToken(token: string, accountId: string): void {
    if (!this.users.has(accountId)) throw new Error(`registerAccessToken: unknown accountId ${accountId}`);
    this.accessTokens.set(token, accountId);
  }

  revokeAccessToken(token: string): void {
    this.accessTokens.delete(token);
  }

  userByEmail(email: string): ConfluenceUser | undefined {
    const e = email.toLowerCase();
    for (const u of this.users.values()) if (u.email.toLowerCase() === e) return u;
    return undefined;
  }

  spaceByKey(key: string): SpaceRecord | undefined {
    for (const s of this.spaces.values()) if (s.key.toLowerCase() === key.toLowerCase()) return s;
    return undefined;
  }

  /** The label of a qualified name (`urgent`, `my:todo`), created on first use; keyed by its qualified name. */
  label(name: string): LabelRecord {
    const q = qualifiedLabel(name);
    let l = this.labels.get(q.key);
    if (!l) {
      l = { id: this.nextId(), name: q.name, prefix: q.prefix };
      this.labels.set(q.key, l);
    }
    return l;
  }

  /**
   * Whether content restrictions let `accountId` do `operation` on the content: a restriction lists the users allowed
   * (group members are not modelled, so a group entry admits nobody). Read restrictions of ancestor pages apply to
   * their descendants; attachments follow their container; updating needs read access too.
   */
  restrictionAllows(contentId: string, accountId: string, operation: 'read' | 'update'): boolean {
    const c = this.content(contentId);
    if (c?.type === 'attachment') return this.restrictionAllows(c.record.containerId, accountId, operation);
    if (operation === 'update' && !this.restrictionAllows(contentId, accountId, 'read')) return false;
    const ids = [contentId];
    if (operation === 'read' && c?.type === 'page') ids.push(...this.ancestorIds(c.record));
    for (const id of ids) {
      const r = this.restrictions.get(`${id}:${operation}`);
      if (r && (r.userIds.length > 0 || r.groupNames.length > 0) && !r.userIds.includes(accountId)) return false;
    }
    return true;
  }

  /** Any content by id (ids are unique across content types, as in Confluence). */
  content(
    id: string,
  ):
    | { type: 'page'; record: PageRecord }
    | { type: 'blogpost'; record: BlogPostRecord }
    | { type: 'whiteboard'; record: WhiteboardRecord }
    | { type: 'attachment'; record: AttachmentRecord }
    | { type: 'comment'; record: CommentRecord }
    | undefined {
    const page = this.pages.get(id);
    if (page) return { type: 'page', record: page };
    const blog = this.blogposts.get(id);
    if (blog) return { type: 'blogpost', record: blog };
    const wb = this.whiteboards.get(id);
    if (wb) return { type: 'whiteboard', record: wb };
    const att = this.attachments.get(id);
    if (att) return { type: 'attachment', record: att };
    const com = this.comments.get(id);
    if (com) return { type: 'comment', record: com };
    return undefined;
  }

  /** Can `accountId` see the page at all (private pages and unpublished drafts are their author's). */
  canView(page: PageRecord, accountId: string): boolean {
    if (page.private || page.status === 'draft') return page.authorId === accountId;
    return true;
  }

  /** Can `accountId` see the space (a private space is its creator's alone). */
  canViewSpace(space: SpaceRecord, accountId: string): boolean {
    return !space.private || space.authorId === accountId;
  }

  /** The properties of one space or piece of content, in id order. */
  propertiesOf(ownerType: ContentPropertyRecord['ownerType'], ownerId: string): ContentPropertyRecord[] {
    return [...this.properties.values()]
      .filter((p) => p.ownerType === ownerType && p.ownerId === ownerId)
      .sort((a, b) => Number(a.id) - Number(b.id));
  }

  children(pageId: string): PageRecord[] {
    return [...this.pages.values()].filter((p) => p.parentId === pageId);
  }

  /** Ids from the parent up to the root. */
  ancestorIds(page: PageRecord): string[] {
    const out: string[] = [];
    const seen = new Set<string>([page.id]);
    let cur = page.parentId ? this.pages.get(page.parentId) : undefined;
    while (cur && !seen.has(cur.id)) {
      out.push(cur.id);
      seen.add(cur.id);
      cur = cur.parentId ? this.pages.get(cur.parentId) : undefined;
    }
    return out;
  }

  /** A current page in the space with exactly this title (the one Confluence refuses to duplicate). */
  currentPageWithTitle(spaceId: string, title: string, exceptId?: string): PageRecord | undefined {
    for (const p of this.pages.values()) {
      if (p.spaceId === spaceId && p.status === 'current' && p.title === title && p.id !== exceptId) return p;
    }
    return undefined;
  }

  nextPosition(spaceId: string, parentId: string | undefined): number {
    let max = -1;
    for (const p of this.pages.values()) {
      if (p.spaceId === spaceId && p.parentId === parentId) max = Math.max(max, p.position);
    }
    return max + 1;
  }

  /** Adds a page as given (no checks: the seed and tests use it; the API goes through `createPage`). */
  insertPage(page: PageRecord): PageRecord {
    this.pages.set(page.id, page);
    for (const l of page.labels) this.label(l);
    return page;
  }

  /** Adds a blog post as given (no checks; the API goes through `POST /blogposts`). */
  insertBlogPost(post: BlogPostRecord): BlogPostRecord {
    this.blogposts.set(post.id, post);
    for (const l of post.labels) this.label(l);
    return post;
  }

  /** Adds a comment as given (no checks; the API goes through `POST /footer-comments`). */
  insertComment(comment: CommentRecord): CommentRecord {
    this.comments.set(comment.id, comment);
    return comment;
  }

  /** `accountId` likes the content (idempotent). */
  addLike(contentId: string, accountId: string): void {
    let set = this.likes.get(contentId);
    if (!set) {
      set = new Set();
      this.likes.set(contentId, set);
    }
    set.add(accountId);
  }

  insertSpace(space: SpaceRecord): SpaceRecord {
    this.spaces.set(space.id, space);
    for (const l of space.labels) this.label(l);
    return space;
  }

  insertUser(user: ConfluenceUser): ConfluenceUser {
    this.users.set(user.accountId, user);
    return user;
  }

  addLabel(pageId: string, name: string): void {
    const page = this.pages.get(pageId);
    if (!page) throw new Error(`addLabel: no page ${pageId}`);
    const n = name.toLowerCase();
    if (!page.labels.includes(n)) page.labels.push(n);
    this.label(n);
  }

  /** Body in a stored representation, converted when needed. */
  bodyIn(body: PageBody, representation: BodyRepresentation): string {
    if (body.representation === representation) return body.value;
    if (representation === 'storage') {
      const doc = parseAdf(body.value);
      return typeof doc === 'string' ? '' : adfToStorage(doc);
    }
    return JSON.stringify(storageToAdf(body.value));
  }

  /** Plain text of a body (for search and excerpts). */
  bodyText(body: PageBody): string {
    if (body.representation === 'storage') return storageToText(body.value);
    const doc = parseAdf(body.value);
    return typeof doc === 'string' ? '' : adfText(doc).replace(/\s+/g, ' ').trim();
  }

  /** Every published version of a page, oldest first (the current one last). */
  versions(page: PageRecord): PageVersionRecord[] {
    return [...page.history, { ...page.version, title: page.title, body: page.body }];
  }
}

/** Validation failure with Confluence's 400 semantics. */
export const invalid = (message: string) => new EmulatorHttpError(400, message);
