/**
 * Labels, attachments, tasks, users, the audit log, content restrictions and CQL content search. v2 list tools page
 * with the `cursor` of `_links.next`; the v1 offset lists (user search, audit log) page with `start`.
 */
import { z } from 'zod';
import { GatewayError } from '../../../util/errors.ts';
import { defineTool, type Pagination, type ToolDefinition } from '../../define.ts';
import { limit, pageId, spaceId, v1SearchPagination, v2Pagination } from '../common.ts';

/** v1 offset lists: `_links.next` only while more exist; the next cursor is its `start`. */
const v1OffsetPagination: Pagination = {
  cursorIn: 'query',
  cursorParam: 'start',
  itemsPath: 'results',
  nextCursor: (body) => {
    const b = body as { start?: number; size?: number; _links?: { next?: string } } | null;
    const next = b?._links?.next;
    if (!next) return undefined;
    const start = new URL(next, 'http://placeholder').searchParams.get('start');
    if (start) return start;
    return typeof b?.start === 'number' && typeof b.size === 'number' ? String(b.start + b.size) : undefined;
  },
};

const numericId = (what: string) =>
  z
    .string()
    .regex(/^\d+$/, { message: `expected a numeric ${what} id` })
    .describe(`Numeric id of the ${what}.`);

const blogPostId = numericId('blog post').describe(
  'Numeric id of the blog post (the number in its URL /blog/yyyy/MM/dd/<id>/, or "id" from a list or search).',
);

const attachmentId = z
  .string()
  .regex(/^(att)?\d+$/, { message: 'expected an attachment id such as "att131073" (or its number)' })
  .describe('Id of the attachment as Confluence returns it, e.g. "att131073" (the bare number works too).');

const labelSort = z
  .enum(['name', '-name', 'id', '-id', 'created-date', '-created-date'])
  .optional()
  .describe('Sort order; a leading "-" sorts descending (default: id, i.e. oldest label first).');

const contentLabelPrefix = z
  .enum(['global', 'my', 'team', 'system'])
  .optional()
  .describe('Only labels with this prefix: "global" (ordinary labels), "my" (personal), "team", "system".');

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const isoDate = (what: string) =>
  z
    .string()
    .regex(ISO_DATE, { message: 'expected an ISO 8601 date or date-time, e.g. 2026-06-01 or 2026-06-01T09:00:00Z' })
    .describe(`${what} as an ISO 8601 date or date-time (UTC when no offset), e.g. "2026-06-01".`);

/** An ISO date (or date-time) as epoch milliseconds; a bare date ending a range means the end of that day. */
function epochMs(value: string | undefined, endOfRange = false): number | undefined {
  if (value === undefined) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const hasZone = /(Z|[+-]\d{2}:\d{2})$/.test(value);
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : hasZone ? value : `${value}Z`);
  if (Number.isNaN(ms)) throw new GatewayError('invalid_arguments', `"${value}" is not a valid date`);
  return dateOnly && endOfRange ? ms + 86_400_000 - 1 : ms;
}

// ---------------------------------------------------------------------------------------------------------------
// Labels

const addContentLabel = defineTool({
  name: 'confluence_add_content_label',
  title: 'Add Content Label',
  description:
    'Add one or more labels to a Confluence page, blog post or attachment (existing labels stay; adding one that is already there does nothing). Labels are lower-cased single words: letters, digits, "-" and "_", no spaces. Once added, a label is findable with CQL `label = "name"` (confluence_cql_search) and listed by confluence_get_page_labels. Returns all labels the content now has. A 403 means you can view but not edit the content (page restrictions).',
  tags: ['label', 'tag', 'add', 'categorize', 'page', 'blogpost', 'attachment'],
  input: z.object({
    id: z
      .string()
      .regex(/^(att)?\d+$/, { message: 'expected a numeric content id (or an attachment id such as "att123")' })
      .describe('Id of the page, blog post or attachment ("att…") to label.'),
    labels: z
      .array(
        z
          .string()
          .min(1)
          .max(255)
          .regex(/^[^\s!#&()*,.:;<>?@[\]^]+$/, {
            message: 'a label is one word without spaces or any of ! # & ( ) * , . : ; < > ? @ [ ] ^',
          }),
      )
      .min(1)
      .max(50)
      .describe('Label names to add, e.g. ["urgent", "q3-planning"]. Confluence stores them lower-cased.'),
    prefix: z
      .enum(['global', 'my', 'team'])
      .default('global')
      .describe(
        '"global" (default): ordinary labels everyone sees; "my": personal labels; "team": team labels (as in Confluence).',
      ),
  }),
  http: {
    method: 'POST',
    path: '/wiki/rest/api/content/{id}/label',
    body: (i) => i.labels.map((name) => ({ prefix: i.prefix, name })),
  },
  scopes: ['write:confluence-content'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
});

const getLabels = defineTool({
  name: 'confluence_get_labels',
  title: 'Get Labels',
  description:
    'List the labels that exist on the Confluence site, with their ids, names and prefixes. Use it for label discovery (what labels are in use) or to find a label id; to see the labels of one page use confluence_get_page_labels, and to find content with a label use confluence_cql_search with `label = "name"`. Returns "next_cursor" while more exist.',
  tags: ['label', 'tag', 'list', 'discover', 'taxonomy'],
  input: z.object({
    label_id: z
      .array(z.string().regex(/^\d+$/, { message: 'expected numeric label ids' }))
      .max(250)
      .optional()
      .describe('Only these labels (numeric ids).'),
    prefix: z
      .array(z.enum(['global', 'my', 'team', 'system']))
      .optional()
      .describe('Only labels with these prefixes, e.g. ["global"].'),
    sort: labelSort,
    limit: limit(25, 250),
  }),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/labels',
    query: { 'label-id': 'label_id', prefix: 'prefix', sort: 'sort', limit: 'limit' },
  },
  scopes: ['read:label:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});

const labelListInput = (idField: z.ZodString) =>
  z.object({ id: idField, prefix: contentLabelPrefix, sort: labelSort, limit: limit(25, 250) });

const getPageLabels = defineTool({
  name: 'confluence_get_page_labels',
  title: 'Get Page Labels',
  description:
    'List the labels of one Confluence page by its numeric id (name, prefix and label id). Use it to check how a page is tagged, e.g. after confluence_add_content_label. For blog posts use confluence_get_blogpost_labels.',
  tags: ['label', 'tag', 'page', 'list'],
  input: labelListInput(pageId),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/pages/{id}/labels',
    query: { prefix: 'prefix', sort: 'sort', limit: 'limit' },
  },
  scopes: ['read:page:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});

const getBlogpostLabels = defineTool({
  name: 'confluence_get_blogpost_labels',
  title: 'Get Blogpost Labels',
  description:
    'List the labels of one Confluence blog post by its numeric id (name, prefix and label id). For pages use confluence_get_page_labels.',
  tags: ['label', 'tag', 'blogpost', 'blog', 'list'],
  input: labelListInput(blogPostId),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/blogposts/{id}/labels',
    query: { prefix: 'prefix', sort: 'sort', limit: 'limit' },
  },
  scopes: ['read:page:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});

const spaceLabelInput = z.object({
  id: spaceId,
  prefix: z
    .enum(['my', 'team'])
    .optional()
    .describe('Only labels with this prefix ("team" labels are space categories). Omit for all.'),
  sort: labelSort,
  limit: limit(25, 250),
});

const getSpaceLabels = defineTool({
  name: 'confluence_get_space_labels',
  title: 'Get Labels for Space',
  description:
    "List the labels attached to a Confluence space itself (space categories such as team:platform), by the space's numeric id. For the labels used on the pages and blog posts inside the space, use confluence_get_space_content_labels.",
  tags: ['label', 'tag', 'space', 'category', 'list'],
  input: spaceLabelInput,
  http: {
    method: 'GET',
    path: '/wiki/api/v2/spaces/{id}/labels',
    query: { prefix: 'prefix', sort: 'sort', limit: 'limit' },
  },
  scopes: ['read:space:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});

const getSpaceContentLabels = defineTool({
  name: 'confluence_get_space_content_labels',
  title: 'Get Labels for Space Content',
  description:
    "List every distinct label used on the content of a Confluence space (its pages, blog posts and their attachments), by the space's numeric id. Use it to see how a space's content is tagged; the labels of the space itself are confluence_get_space_labels.",
  tags: ['label', 'tag', 'space', 'content', 'list', 'taxonomy'],
  input: spaceLabelInput,
  http: {
    method: 'GET',
    path: '/wiki/api/v2/spaces/{id}/content/labels',
    query: { prefix: 'prefix', sort: 'sort', limit: 'limit' },
  },
  scopes: ['read:space:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});

const getLabelBlogposts = defineTool({
  name: 'confluence_get_label_blogposts',
  title: 'Get Blog Posts For Label',
  description:
    'List the Confluence blog posts that carry a label. Give the label by name (label_name, e.g. "release-notes"; the tool looks up its id) or by numeric label_id (from confluence_get_labels). Optionally only in some spaces and with bodies. For pages and other content with a label, use confluence_cql_search with `label = "name"`.',
  tags: ['label', 'tag', 'blogpost', 'blog', 'list', 'news'],
  input: z.object({
    label_name: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe('The label name, e.g. "release-notes" (or "my:name" / "team:name" for other prefixes).'),
    label_id: z
      .string()
      .regex(/^\d+$/, { message: 'expected a numeric label id' })
      .optional()
      .describe('Numeric label id; give this or label_name.'),
    space_id: z
      .array(z.string().regex(/^\d+$/, { message: 'expected numeric space ids' }))
      .max(100)
      .optional()
      .describe('Only blog posts in these spaces (numeric ids).'),
    body_format: z
      .enum(['storage', 'atlas_doc_format'])
      .optional()
      .describe('Include each blog post body in this format; omit for no body.'),
    sort: z
      .enum(['id', '-id', 'created-date', '-created-date', 'modified-date', '-modified-date'])
      .optional()
      .describe('Sort order; a leading "-" sorts descending.'),
    limit: limit(25, 250),
  }),
  prepare: async (i, upstream) => {
    if (i.label_id) return i;
    if (!i.label_name) throw new GatewayError('invalid_arguments', 'give either "label_name" or "label_id"');
    const found = (await upstream.get('/wiki/rest/api/label', { name: i.label_name, type: 'blogpost', limit: 1 })) as {
      label?: { id?: string | number };
    };
    const id = found.label?.id;
    if (id === undefined) throw new GatewayError('upstream_error', `could not read the id of label "${i.label_name}"`);
    return { ...i, label_id: String(id) };
  },
  http: {
    method: 'GET',
    path: '/wiki/api/v2/labels/{label_id}/blogposts',
    query: { 'space-id': 'space_id', 'body-format': 'body_format', sort: 'sort', limit: 'limit' },
  },
  scopes: ['read:page:confluence', 'read:confluence-content.summary'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});

const getAttachmentLabels = defineTool({
  name: 'confluence_get_attachment_labels',
  title: 'Get Attachment Labels',
  description:
    'List the labels of one Confluence attachment (file), by its id ("att131073" as confluence_get_attachments returns it, or the bare number).',
  tags: ['label', 'tag', 'attachment', 'file', 'list'],
  input: z.object({ id: attachmentId, prefix: contentLabelPrefix, sort: labelSort, limit: limit(25, 250) }),
  // The v2 label endpoint takes the numeric part of the id.
  prepare: async (i) => ({ ...i, id: i.id.replace(/^att/, '') }),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/attachments/{id}/labels',
    query: { prefix: 'prefix', sort: 'sort', limit: 'limit' },
  },
  scopes: ['read:attachment:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});

// ---------------------------------------------------------------------------------------------------------------
// Attachments

const attachmentInput = z.object({
  filename: z.string().min(1).max(255).optional().describe('Only attachments with exactly this file name.'),
  media_type: z
    .string()
    .min(3)
    .max(255)
    .optional()
    .describe('Only attachments of this media type, e.g. "image/png" or "application/pdf".'),
  status: z
    .array(z.enum(['current', 'archived', 'trashed']))
    .optional()
    .describe('Only attachments in these statuses (default: current and archived).'),
  sort: z
    .enum(['created-date', '-created-date', 'modified-date', '-modified-date'])
    .optional()
    .describe('Sort order; a leading "-" sorts descending.'),
  limit: limit(50, 250),
});

const getAttachments = defineTool({
  name: 'confluence_get_attachments',
  title: 'Get Attachments',
  description:
    'List attachments (files) on Confluence pages and blog posts: id ("att…"), file name, media type, size, the page or blog post holding each (pageId / blogPostId) and version. Filter by exact file name, media type or status (trashed files only when asked). Use the id with confluence_download_attachment to read a file or confluence_get_attachment_labels for its labels.',
  tags: ['attachment', 'file', 'list', 'document', 'image'],
  input: attachmentInput,
  http: {
    method: 'GET',
    path: '/wiki/api/v2/attachments',
    query: { filename: 'filename', mediaType: 'media_type', status: 'status', sort: 'sort', limit: 'limit' },
  },
  scopes: ['read:attachment:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});

/** Largest file the download tool returns inline. */
export const MAX_DOWNLOAD_BYTES = 5 * 1024 * 1024;

const TEXTUAL = /^(text\/|application\/(json|xml|javascript|x-yaml|yaml|csv)|[^;]*\+(json|xml))/i;

interface AttachmentMeta {
  id?: string;
  title?: string;
  mediaType?: string;
  fileSize?: number;
  pageId?: string;
  blogPostId?: string;
  version?: { number?: number };
}

const tooLarge = (title: string, size: number) =>
  new GatewayError(
    'invalid_arguments',
    `the attachment "${title}" is ${(size / 1024 / 1024).toFixed(1)} MB; confluence_download_attachment returns files of at most ${MAX_DOWNLOAD_BYTES / 1024 / 1024} MB inline. Open it in Confluence from its downloadLink instead.`,
  );

const downloadAttachment = defineTool({
  name: 'confluence_download_attachment',
  title: 'Download Attachment',
  description:
    'Download the content of a Confluence attachment (a file on a page or blog post) and return it base64-encoded with its file name, media type and size; with as_text: true, text files (plain text, CSV, JSON, XML, …) come back as readable text instead. Files over 5 MB are refused with a clear error. Find attachment ids with confluence_get_attachments.',
  tags: ['attachment', 'file', 'download', 'read', 'content', 'binary'],
  input: z.object({
    attachment_id: attachmentId,
    container_id: z
      .string()
      .regex(/^\d+$/, { message: 'expected a numeric page or blog post id' })
      .optional()
      .describe('Numeric id of the page or blog post holding the file; looked up from the attachment when omitted.'),
    version: z.int().min(1).optional().describe('Download this version of the file instead of the latest.'),
    as_text: z
      .boolean()
      .default(false)
      .describe('Return text files as "text" (UTF-8) instead of "base64". Binary files are always base64.'),
  }),
  prepare: async (i, upstream) => {
    const numeric = i.attachment_id.replace(/^att/, '');
    const meta = (await upstream.get(`/wiki/api/v2/attachments/att${numeric}`, {
      version: i.version,
    })) as AttachmentMeta;
    const holder = meta.pageId ?? meta.blogPostId;
    if (!holder)
      throw new GatewayError('upstream_error', `could not tell which content holds attachment att${numeric}`);
    if (i.container_id && i.container_id !== holder) {
      throw new GatewayError(
        'invalid_arguments',
        `attachment att${numeric} is on content ${holder}, not ${i.container_id}: omit container_id or pass ${holder}`,
      );
    }
    const title = meta.title ?? `att${numeric}`;
    if (typeof meta.fileSize === 'number' && meta.fileSize > MAX_DOWNLOAD_BYTES) throw tooLarge(title, meta.fileSize);
    return {
      ...i,
      attachment_id: `att${numeric}`,
      container_id: holder,
      title,
      media_type: meta.mediaType ?? 'application/octet-stream',
    };
  },
  http: {
    method: 'GET',
    path: '/wiki/rest/api/content/{container_id}/child/attachment/{attachment_id}/download',
    query: { version: 'version' },
  },
  scopes: ['readonly:content.attachment:confluence', 'read:attachment:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  transform: (body, input) => {
    const i = input as typeof input & { title: string; media_type: string };
    const bytes = Buffer.isBuffer(body)
      ? body
      : typeof body === 'string'
        ? Buffer.from(body, 'utf8')
        : body === undefined || body === null
          ? Buffer.alloc(0)
          : Buffer.from(JSON.stringify(body), 'utf8');
    if (bytes.length > MAX_DOWNLOAD_BYTES) throw tooLarge(i.title, bytes.length);
    const out = {
      attachment_id: i.attachment_id,
      container_id: i.container_id,
      title: i.title,
      media_type: i.media_type,
      size_bytes: bytes.length,
    };
    if (i.as_text && TEXTUAL.test(i.media_type)) {
      const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
      if (!text.includes('\uFFFD')) return { ...out, encoding: 'utf-8', text };
    }
    return { ...out, encoding: 'base64', base64: bytes.toString('base64') };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Tasks

const accountIds = (what: string) =>
  z.array(z.string().min(1).max(128)).max(250).optional().describe(`Only tasks ${what} these account ids.`);

const getTasks = defineTool({
  name: 'confluence_get_tasks',
  title: 'Get Tasks',
  description:
    'List Confluence tasks (the action items / checkboxes on pages and blog posts), filtered by status, assignee, creator, completer, space, page, blog post and created / due / completed dates. Example: open tasks assigned to me → status "incomplete" and assigned_to [my account id from confluence_get_current_user]. Dates are ISO 8601; a bare date as a "_to" bound includes that whole day. Use confluence_update_task to tick one off.',
  tags: ['task', 'todo', 'action item', 'checklist', 'assigned', 'due', 'list'],
  input: z.object({
    status: z.enum(['complete', 'incomplete']).optional().describe('Only complete or only incomplete tasks.'),
    task_id: z
      .array(z.string().regex(/^\d+$/, { message: 'expected numeric task ids' }))
      .max(250)
      .optional()
      .describe('Only these tasks (numeric ids).'),
    space_id: z
      .array(z.string().regex(/^\d+$/, { message: 'expected numeric space ids' }))
      .max(250)
      .optional()
      .describe('Only tasks in these spaces (numeric ids).'),
    page_id: z
      .array(z.string().regex(/^\d+$/, { message: 'expected numeric page ids' }))
      .max(250)
      .optional()
      .describe('Only tasks on these pages (combined with blogpost_id: tasks on either).'),
    blogpost_id: z
      .array(z.string().regex(/^\d+$/, { message: 'expected numeric blog post ids' }))
      .max(250)
      .optional()
      .describe('Only tasks on these blog posts.'),
    assigned_to: accountIds('assigned to'),
    created_by: accountIds('created by'),
    completed_by: accountIds('completed by'),
    created_at_from: isoDate('Created on or after').optional(),
    created_at_to: isoDate('Created on or before').optional(),
    due_at_from: isoDate('Due on or after').optional(),
    due_at_to: isoDate('Due on or before').optional(),
    completed_at_from: isoDate('Completed on or after').optional(),
    completed_at_to: isoDate('Completed on or before').optional(),
    include_blank_tasks: z.boolean().optional().describe('Include tasks without text (Confluence default: true).'),
    body_format: z
      .enum(['storage', 'atlas_doc_format'])
      .optional()
      .describe('Include each task text in this format; omit for none.'),
    limit: limit(25, 250),
  }),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/tasks',
    query: (i) => ({
      status: i.status,
      'task-id': i.task_id,
      'space-id': i.space_id,
      'page-id': i.page_id,
      'blogpost-id': i.blogpost_id,
      'assigned-to': i.assigned_to,
      'created-by': i.created_by,
      'completed-by': i.completed_by,
      'created-at-from': epochMs(i.created_at_from),
      'created-at-to': epochMs(i.created_at_to, true),
      'due-at-from': epochMs(i.due_at_from),
      'due-at-to': epochMs(i.due_at_to, true),
      'completed-at-from': epochMs(i.completed_at_from),
      'completed-at-to': epochMs(i.completed_at_to, true),
      'include-blank-tasks': i.include_blank_tasks,
      'body-format': i.body_format,
      limit: i.limit,
    }),
  },
  scopes: ['read:task:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});

const updateTask = defineTool({
  name: 'confluence_update_task',
  title: 'Update Task',
  description:
    'Mark a Confluence task (an action item on a page or blog post) complete or incomplete, by its numeric task id from confluence_get_tasks. The checkbox on the page changes with it. Setting the status it already has changes nothing. A 404 means the task does not exist or you may not edit the page holding it.',
  tags: ['task', 'todo', 'action item', 'complete', 'done', 'reopen', 'checklist'],
  input: z.object({
    id: numericId('task').describe('Numeric id of the task ("id" from confluence_get_tasks, not its localId).'),
    status: z.enum(['complete', 'incomplete']).describe('"complete" ticks the task off; "incomplete" reopens it.'),
    body_format: z
      .enum(['storage', 'atlas_doc_format'])
      .optional()
      .describe('Include the task text in this format in the result.'),
  }),
  http: {
    method: 'PUT',
    path: '/wiki/api/v2/tasks/{id}',
    query: { 'body-format': 'body_format' },
    body: (i) => ({ id: i.id, status: i.status }),
  },
  scopes: ['write:task:confluence'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
});

// ---------------------------------------------------------------------------------------------------------------
// Users

const getCurrentUser = defineTool({
  name: 'confluence_get_current_user',
  title: 'Get Current User',
  description:
    'Who the connected Confluence account is: account id, display name, email, time zone. Always the account tied to this connection, never another user. Use its accountId for filters such as tasks assigned to me (confluence_get_tasks) or CQL `creator = "<accountId>"`; to look up other people use confluence_search_users.',
  tags: ['user', 'me', 'whoami', 'account', 'profile', 'identity'],
  input: z.object({}),
  http: { method: 'GET', path: '/wiki/rest/api/user/current' },
  scopes: ['read:confluence-user'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

const getAnonymousUser = defineTool({
  name: 'confluence_get_anonymous_user',
  title: 'Get Anonymous User',
  description:
    'How Confluence represents anonymous (not logged-in) visitors: their display name and, with include_operations, what they may do on the site. An empty operations list means anonymous access is off. Rarely needed; for the connected account use confluence_get_current_user.',
  tags: ['user', 'anonymous', 'guest', 'public', 'permissions'],
  input: z.object({
    include_operations: z
      .boolean()
      .default(false)
      .describe('Also return the operations anonymous visitors are allowed (expand=operations).'),
  }),
  http: {
    method: 'GET',
    path: '/wiki/rest/api/user/anonymous',
    query: (i) => ({ expand: i.include_operations ? 'operations' : undefined }),
  },
  scopes: ['read:confluence-user'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

const cqlString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

const searchUsers = defineTool({
  name: 'confluence_search_users',
  title: 'Search Users',
  description:
    'Find Confluence users (people) by name or account id and get their account ids and display names, e.g. to assign or filter tasks, or to read who created content. Give name (matches the start of the full name or of any word in it: "gra" finds Grace Hopper), or account_id, or a raw user cql such as `type = user AND user.fullname ~ "ada"` (fields: user, user.accountid, user.fullname).',
  tags: ['user', 'people', 'person', 'find', 'account id', 'directory', 'search'],
  input: z.object({
    name: z.string().min(1).max(255).optional().describe('Part of the full name: its start or the start of a word.'),
    account_id: z
      .array(z.string().min(1).max(128))
      .max(100)
      .optional()
      .describe('Look up these account ids (e.g. to turn an authorId into a name).'),
    cql: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .describe('A user CQL query instead of name / account_id, e.g. type = user AND user.fullname ~ "ada".'),
    limit: z.int().min(1).max(200).default(25).describe('Users per page (1-200, default 25).'),
  }),
  prepare: async (i) => {
    const given = [i.name, i.account_id?.length ? i.account_id : undefined, i.cql].filter((v) => v !== undefined);
    if (given.length !== 1) {
      throw new GatewayError('invalid_arguments', 'give exactly one of "name", "account_id" or "cql"');
    }
    return i;
  },
  http: {
    method: 'GET',
    path: '/wiki/rest/api/search/user',
    query: (i) => ({
      cql:
        i.cql ??
        (i.name !== undefined
          ? `type = user AND user.fullname ~ ${cqlString(i.name)}`
          : `type = user AND user.accountid IN (${(i.account_id ?? []).map(cqlString).join(', ')})`),
      limit: i.limit,
    }),
  },
  scopes: ['read:content-details:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v1OffsetPagination,
});

// ---------------------------------------------------------------------------------------------------------------
// Search, audit, restrictions

const searchContent = defineTool({
  name: 'confluence_search_content',
  title: 'Search Content',
  description:
    'Find Confluence pages and blog posts with CQL and get them back as full content objects: with expand, also their body, version, space, history, ancestors or labels, in the same call. Prefer it over confluence_cql_search when you need the content itself rather than search hits with excerpts. Examples: `label = "runbook" AND space = ENG`, `type = blogpost AND created >= now("-30d") ORDER BY created DESC`, `title ~ "onboarding"`. space takes the space KEY.',
  tags: ['search', 'find', 'cql', 'content', 'page', 'blogpost', 'query', 'label'],
  input: z.object({
    cql: z.string().min(1).max(4000).describe('The CQL query, e.g. label = "runbook" AND type = page.'),
    expand: z
      .array(
        z.enum([
          'body.storage',
          'body.view',
          'body.atlas_doc_format',
          'version',
          'space',
          'history',
          'ancestors',
          'metadata.labels',
        ]),
      )
      .optional()
      .describe('Extra parts of each result: a body format, version, space, history, ancestors, metadata.labels.'),
    limit: z.int().min(1).max(100).default(25).describe('Results per page (1-100, default 25).'),
  }),
  http: {
    method: 'GET',
    path: '/wiki/rest/api/content/search',
    query: { cql: 'cql', expand: 'expand', limit: 'limit' },
    arrayFormat: 'comma',
  },
  scopes: ['search:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v1SearchPagination,
});

const getAuditLogs = defineTool({
  name: 'confluence_get_audit_logs',
  title: 'Get Audit Logs',
  description:
    'Read the Confluence audit log (site administrators only): who changed permissions, restrictions, spaces, users and groups, with time, IP address and changed values, newest first. Filter by a date range (ISO 8601) and free text (search_string matches summaries, descriptions, names and values). A 403 means the connected account is not a Confluence admin.',
  tags: ['audit', 'log', 'security', 'admin', 'compliance', 'history', 'permissions'],
  input: z.object({
    start_date: isoDate('Records on or after').optional(),
    end_date: isoDate('Records on or before (a bare date includes that whole day)').optional(),
    search_string: z.string().min(1).max(255).optional().describe('Only records containing this text.'),
    limit: z.int().min(1).max(1000).default(100).describe('Records per page (1-1000, default 100).'),
  }),
  http: {
    method: 'GET',
    path: '/wiki/rest/api/audit',
    query: (i) => ({
      startDate: epochMs(i.start_date),
      endDate: epochMs(i.end_date, true),
      searchString: i.search_string,
      limit: i.limit,
    }),
  },
  scopes: ['read:audit-log:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v1OffsetPagination,
});

const getContentRestrictions = defineTool({
  name: 'confluence_get_content_restrictions',
  title: 'Get Content Restrictions',
  description:
    'Show who may view ("read") and who may edit ("update") a Confluence page, blog post or attachment: the users and groups each restriction lists. Empty lists mean no restriction (space permissions apply). Use it to explain why someone cannot see or edit a page, e.g. after a 403 from confluence_add_content_label.',
  tags: ['restriction', 'permission', 'access', 'view', 'edit', 'security', 'page'],
  input: z.object({
    id: z
      .string()
      .regex(/^(att)?\d+$/, { message: 'expected a numeric content id (or an attachment id such as "att123")' })
      .describe('Id of the page, blog post or attachment ("att…").'),
    include_content: z
      .boolean()
      .default(false)
      .describe('Also return the content the restrictions apply to (expand=content).'),
    limit: z.int().min(1).max(200).default(100).describe('Users and groups listed per operation (1-200, default 100).'),
  }),
  http: {
    method: 'GET',
    path: '/wiki/rest/api/content/{id}/restriction',
    query: (i) => ({
      expand: i.include_content ? 'restrictions.user,restrictions.group,content' : undefined,
      limit: i.limit,
    }),
  },
  scopes: ['read:confluence-content.all'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

/** Tools of the labels-misc group. */
export const tools: ToolDefinition[] = [
  addContentLabel,
  getLabels,
  getPageLabels,
  getBlogpostLabels,
  getSpaceLabels,
  getSpaceContentLabels,
  getLabelBlogposts,
  getAttachmentLabels,
  getAttachments,
  downloadAttachment,
  getTasks,
  updateTask,
  getCurrentUser,
  getAnonymousUser,
  searchUsers,
  searchContent,
  getAuditLogs,
  getContentRestrictions,
];
