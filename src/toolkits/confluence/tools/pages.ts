import { z } from 'zod';
import { defineTool } from '../../define.ts';
import {
  bodyFormat,
  limit,
  listBodyFormat,
  nextVersion,
  pageId,
  resolveSpaceId,
  spaceId,
  spaceKey,
  v2Pagination,
  withVersionFetched,
  writeBody,
} from '../common.ts';

export const createPage = defineTool({
  name: 'confluence_create_page',
  title: 'Create page',
  description:
    'Create a new Confluence page in a space, optionally under a parent page. Use this for documentation pages; use confluence_create_blogpost for dated announcements. Give the space as space_key (e.g. "ENG") or its numeric space_id. The body is storage-format XHTML ("<p>Hello</p>") or ADF. A title already used by another page in the space is refused by Confluence.',
  tags: ['page', 'write', 'document', 'new'],
  input: z.object({
    space_id: spaceId.optional(),
    space_key: spaceKey.optional(),
    title: z.string().min(1).max(255).describe('Page title, unique within the space.'),
    body: writeBody.optional(),
    parent_id: z
      .string()
      .regex(/^\d+$/, { message: 'expected a numeric page id' })
      .optional()
      .describe('Numeric id of the parent page; omit to create the page under the space homepage.'),
    status: z.enum(['current', 'draft']).default('current').describe('"current" publishes; "draft" saves a draft.'),
    private: z.boolean().default(false).describe('Create the page restricted to its creator.'),
  }),
  prepare: async (i, upstream) => ({ ...i, space_id: await resolveSpaceId(i, upstream) }),
  http: {
    method: 'POST',
    path: '/wiki/api/v2/pages',
    query: (i) => ({ private: i.private || undefined }),
    body: (i) => ({
      spaceId: i.space_id,
      status: i.status,
      title: i.title,
      parentId: i.parent_id,
      body: i.body ?? { representation: 'storage', value: '' },
    }),
  },
  scopes: ['write:page:confluence'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
});

export const getPage = defineTool({
  name: 'confluence_get_page',
  title: 'Get page by ID',
  description:
    'Fetch one Confluence page by its numeric id: title, space, parent, status, version number and, when body_format is given, its content. Use it to read a page or to learn the current version number before confluence_update_page. To find a page by words or title, use confluence_cql_search or confluence_get_pages first.',
  tags: ['page', 'read', 'content', 'version'],
  input: z.object({
    id: pageId,
    body_format: bodyFormat.optional(),
    version: z.int().min(1).optional().describe('Fetch this historical version instead of the latest.'),
    get_draft: z.boolean().optional().describe('Fetch the unpublished draft of the page.'),
  }),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/pages/{id}',
    query: { 'body-format': 'body_format', version: 'version', 'get-draft': 'get_draft' },
  },
  scopes: ['read:page:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const updatePage = defineTool({
  name: 'confluence_update_page',
  title: 'Update page',
  description:
    'Replace a Confluence page\'s title and whole body (not a patch: send the full new content; read it first with confluence_get_page and body_format "storage" to edit it). Confluence requires version_number = current version + 1; when you omit it the tool reads the current version and uses the next one, and the result says "version_fetched": true. A stale version number is answered with a 409 conflict: re-read the page and retry.',
  tags: ['page', 'edit', 'write', 'modify'],
  input: z.object({
    id: pageId,
    title: z.string().min(1).max(255).describe('The page title (send the current one to keep it).'),
    body: writeBody,
    version_number: z
      .int()
      .min(2)
      .optional()
      .describe('The new version number: the current one + 1. Omit it to let the tool read the current version.'),
    version_message: z.string().max(255).optional().describe('A short change note shown in the page history.'),
    status: z.enum(['current', 'draft']).default('current').describe('"current" publishes the change.'),
    parent_id: z
      .string()
      .regex(/^\d+$/, { message: 'expected a numeric page id' })
      .optional()
      .describe('Move the page under this parent page.'),
  }),
  prepare: async (i, upstream) => {
    const v = await nextVersion(i.version_number, `/wiki/api/v2/pages/${i.id}`, upstream);
    return { ...i, version_number: v.number, version_fetched: v.fetched };
  },
  http: {
    method: 'PUT',
    path: '/wiki/api/v2/pages/{id}',
    body: (i) => ({
      id: i.id,
      status: i.status,
      title: i.title,
      body: i.body,
      parentId: i.parent_id,
      version: { number: i.version_number, message: i.version_message },
    }),
  },
  scopes: ['write:page:confluence'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  transform: withVersionFetched,
});

export const deletePage = defineTool({
  name: 'confluence_delete_page',
  title: 'Delete page',
  description:
    "Move a Confluence page to the trash (it can be restored from the space's trash). With purge: true, permanently delete a page that is already trashed. With draft: true, delete a draft.",
  tags: ['page', 'remove', 'trash'],
  input: z.object({
    id: pageId,
    purge: z.boolean().optional().describe('Permanently delete a page that is already in the trash.'),
    draft: z.boolean().optional().describe('Delete the draft with this id.'),
  }),
  http: { method: 'DELETE', path: '/wiki/api/v2/pages/{id}', query: { purge: 'purge', draft: 'draft' } },
  scopes: ['delete:page:confluence'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  transform: (_body, input) => ({ deleted: true, id: input.id, purged: input.purge === true }),
});

export const getPages = defineTool({
  name: 'confluence_get_pages',
  title: 'Get pages',
  description:
    'List Confluence pages, filtered by space ids, page ids, status or exact title, sorted as asked. Use it to browse a space or to find a page by its exact title; use confluence_cql_search for words in the content. Returns "next_cursor" while more pages exist; set max_pages to fetch several at once.',
  tags: ['page', 'list', 'browse', 'space'],
  input: z.object({
    space_id: z
      .array(z.string().regex(/^\d+$/, { message: 'expected numeric space ids' }))
      .max(100)
      .optional()
      .describe('Only pages in these spaces (numeric ids).'),
    id: z
      .array(z.string().regex(/^\d+$/, { message: 'expected numeric page ids' }))
      .max(250)
      .optional()
      .describe('Only these pages (numeric ids).'),
    title: z.string().optional().describe('Only pages with exactly this title.'),
    status: z
      .array(z.enum(['current', 'archived', 'deleted', 'trashed']))
      .optional()
      .describe('Only pages in these statuses (default: current and archived).'),
    sort: z
      .enum(['id', '-id', 'created-date', '-created-date', 'modified-date', '-modified-date', 'title', '-title'])
      .optional()
      .describe('Sort order; a leading "-" sorts descending.'),
    body_format: listBodyFormat.optional(),
    limit: limit(25, 250),
  }),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/pages',
    query: {
      'space-id': 'space_id',
      id: 'id',
      title: 'title',
      status: 'status',
      sort: 'sort',
      'body-format': 'body_format',
      limit: 'limit',
    },
  },
  scopes: ['read:page:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});
