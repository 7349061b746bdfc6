/**
 * Content tools: blog posts (create, update, list, read, versions, likes, operations), the page hierarchy
 * (ancestors, children), page versions and likes, footer and inline comments, and the contents of a space.
 */
import { z } from 'zod';
import { GatewayError } from '../../../util/errors.ts';
import { defineTool, type ToolDefinition } from '../../define.ts';
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

const numericId = (what: string) =>
  z.string().regex(/^\d+$/, { message: `expected a numeric ${what} id such as "65624"` });

const blogpostId = numericId('blog post').describe(
  'Numeric id of the blog post (the number after /blog/yyyy/mm/dd/ in its URL, or "id" from a list or search).',
);

const commentBodyFormat = z
  .enum(['storage', 'atlas_doc_format'])
  .default('storage')
  .describe('Format of the comment bodies: "storage" (XHTML, the default) or "atlas_doc_format" (ADF JSON string).');

const versionSort = z
  .enum(['-modified-date', 'modified-date'])
  .optional()
  .describe('"-modified-date" (newest first, the default) or "modified-date" (oldest first).');

const commentSort = z
  .enum(['created-date', '-created-date', 'modified-date', '-modified-date'])
  .optional()
  .describe('Sort order (default "created-date", oldest first); a leading "-" sorts descending.');

const commentStatus = z
  .array(z.enum(['current', 'trashed', 'deleted', 'historical', 'draft']))
  .optional()
  .describe('Only comments in these statuses (default: current).');

const resolutionStatus = z
  .array(z.enum(['open', 'reopened', 'resolved', 'dangling']))
  .optional()
  .describe(
    'Only inline comments in these states: "open"/"reopened" (unresolved), "resolved", "dangling" (text gone).',
  );

// ---------------------------------------------------------------------------------------------------------------
// Blog posts

export const createBlogpost = defineTool({
  name: 'confluence_create_blogpost',
  title: 'Create blog post',
  description:
    'Publish a new Confluence blog post in a space: dated news such as announcements, release notes or a team meeting summary (use confluence_create_page for lasting documentation). Give the space as space_key (e.g. "MKT") or its numeric space_id. The body is storage-format XHTML ("<p>Hello</p>", headings, lists, tables) or ADF. status "draft" saves an unpublished draft only you can see. Returns the new post with its id, version and web link (_links.webui, relative to _links.base).',
  tags: ['blog', 'blogpost', 'post', 'write', 'publish', 'announcement', 'news', 'summary'],
  input: z.object({
    space_id: spaceId.optional(),
    space_key: spaceKey.optional(),
    title: z.string().min(1).max(255).describe('Title of the blog post.'),
    body: writeBody.describe('The blog post content.').optional(),
    status: z
      .enum(['current', 'draft'])
      .default('current')
      .describe('"current" publishes the post; "draft" saves a draft.'),
    private: z.boolean().default(false).describe('Create the blog post restricted to its creator.'),
  }),
  prepare: async (i, upstream) => ({ ...i, space_id: await resolveSpaceId(i, upstream) }),
  http: {
    method: 'POST',
    path: '/wiki/api/v2/blogposts',
    query: (i) => ({ private: i.private || undefined }),
    body: (i) => ({
      spaceId: i.space_id,
      status: i.status,
      title: i.title,
      body: i.body ?? { representation: 'storage', value: '' },
    }),
  },
  scopes: ['write:page:confluence'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
});

export const updateBlogpost = defineTool({
  name: 'confluence_update_blogpost',
  title: 'Update blog post',
  description:
    'Replace a Confluence blog post\'s title and whole body (not a patch: send the full new content; read it first with confluence_get_blogpost and body_format "storage"). Confluence requires version_number = current version + 1; when you omit it the tool reads the current version and uses the next one, and the result says "version_fetched": true. A stale version number is answered with a 409 conflict: re-read and retry. To publish a draft pass version_number 1; to restore a trashed post pass status "current" and the current version + 1.',
  tags: ['blog', 'blogpost', 'edit', 'write', 'modify', 'publish'],
  input: z.object({
    id: blogpostId,
    title: z.string().min(1).max(255).describe('The title (send the current one to keep it).'),
    body: writeBody.describe('The new content; replaces the whole body.'),
    version_number: z
      .int()
      .min(1)
      .optional()
      .describe('The new version number: the current one + 1. Omit it to let the tool read the current version.'),
    version_message: z.string().max(255).optional().describe('A short change note shown in the history.'),
    status: z.enum(['current', 'draft']).default('current').describe('"current" publishes the change.'),
  }),
  prepare: async (i, upstream) => {
    const v = await nextVersion(i.version_number, `/wiki/api/v2/blogposts/${i.id}`, upstream);
    return { ...i, version_number: v.number, version_fetched: v.fetched };
  },
  http: {
    method: 'PUT',
    path: '/wiki/api/v2/blogposts/{id}',
    body: (i) => ({
      id: i.id,
      status: i.status,
      title: i.title,
      body: i.body,
      version: { number: i.version_number, message: i.version_message },
    }),
  },
  scopes: ['write:page:confluence'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  transform: withVersionFetched,
});

export const getBlogposts = defineTool({
  name: 'confluence_get_blogposts',
  title: 'Get blog posts',
  description:
    'List Confluence blog posts, e.g. the blog of one space (space_key such as "MKT", or numeric space_ids), with exactly a given title, or with given ids; sorted by id, created-date or modified-date ("-created-date" = newest first). Use confluence_cql_search (type=blogpost) to find posts by words. Returns "next_cursor" while more exist; set max_pages to fetch several pages at once.',
  tags: ['blog', 'blogpost', 'list', 'browse', 'news', 'posts', 'space', 'contents'],
  input: z.object({
    space_key: spaceKey.optional().describe('Only blog posts in the space with this key, e.g. "MKT".'),
    space_id: z
      .array(numericId('space'))
      .max(100)
      .optional()
      .describe('Only blog posts in these spaces (numeric ids).'),
    id: z.array(numericId('blog post')).max(250).optional().describe('Only these blog posts (numeric ids).'),
    title: z.string().optional().describe('Only blog posts with exactly this title.'),
    status: z
      .array(z.enum(['current', 'trashed', 'deleted']))
      .optional()
      .describe('Only blog posts in these statuses (default: current).'),
    sort: z
      .enum(['id', '-id', 'created-date', '-created-date', 'modified-date', '-modified-date'])
      .optional()
      .describe('Sort order; a leading "-" sorts descending.'),
    body_format: listBodyFormat.optional(),
    limit: limit(25, 250),
  }),
  prepare: async (i, upstream) => {
    if (!i.space_key) return i;
    const id = await resolveSpaceId({ space_key: i.space_key }, upstream);
    return { ...i, space_id: [...(i.space_id ?? []), id] };
  },
  http: {
    method: 'GET',
    path: '/wiki/api/v2/blogposts',
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

export const getBlogpost = defineTool({
  name: 'confluence_get_blogpost',
  title: 'Get blog post by ID',
  description:
    'Fetch one Confluence blog post by its numeric id: title, space, author, creation date, version and, when body_format is given, its content. Optionally its labels, the accounts that liked it and its version list. Use it to read a post or to learn its current version before confluence_update_blogpost.',
  tags: ['blog', 'blogpost', 'read', 'content', 'post'],
  input: z.object({
    id: blogpostId,
    body_format: bodyFormat.optional(),
    version: z.int().min(1).optional().describe('Fetch this historical version instead of the latest.'),
    get_draft: z.boolean().optional().describe('Fetch the unpublished draft.'),
    status: z
      .array(z.enum(['current', 'trashed', 'deleted', 'historical', 'draft']))
      .optional()
      .describe('Statuses to accept (default current); add "trashed" to read a post in the trash.'),
    include_labels: z.boolean().optional().describe('Include the labels.'),
    include_likes: z.boolean().optional().describe('Include the account ids that liked it.'),
    include_versions: z.boolean().optional().describe('Include the versions (newest first, up to 50).'),
  }),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/blogposts/{id}',
    query: {
      'body-format': 'body_format',
      version: 'version',
      'get-draft': 'get_draft',
      status: 'status',
      'include-labels': 'include_labels',
      'include-likes': 'include_likes',
      'include-versions': 'include_versions',
    },
  },
  scopes: ['read:page:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const getBlogpostVersions = defineTool({
  name: 'confluence_get_blogpost_versions',
  title: 'Get blog post versions',
  description:
    'List the versions of a Confluence blog post: number, author account id, date, change message and minor-edit flag, newest first. Read one version in full with confluence_get_blogpost and version, or its neighbours with confluence_get_blogpost_version_details.',
  tags: ['blog', 'blogpost', 'history', 'versions', 'changes', 'audit'],
  input: z.object({
    id: blogpostId,
    body_format: listBodyFormat.optional(),
    sort: versionSort,
    limit: limit(25, 250),
  }),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/blogposts/{id}/versions',
    query: { 'body-format': 'body_format', sort: 'sort', limit: 'limit' },
  },
  scopes: ['read:page:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});

export const getBlogpostVersionDetails = defineTool({
  name: 'confluence_get_blogpost_version_details',
  title: 'Get blog post version details',
  description:
    'Details of one version of a Confluence blog post: its author, date, message, minor-edit flag, collaborators and the previous and next version numbers. Use confluence_get_blogpost_versions to list the version numbers.',
  tags: ['blog', 'blogpost', 'version', 'history', 'author'],
  input: z.object({
    id: blogpostId,
    version_number: z.int().min(1).describe('The version number, e.g. 2.'),
  }),
  http: { method: 'GET', path: '/wiki/api/v2/blogposts/{id}/versions/{version_number}' },
  scopes: ['read:page:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const getBlogpostLikeCount = defineTool({
  name: 'confluence_get_blogpost_like_count',
  title: 'Get blog post like count',
  description:
    'How many people liked a Confluence blog post: {"count": n}. confluence_get_blogpost with include_likes lists who liked it.',
  tags: ['blog', 'blogpost', 'likes', 'reactions', 'engagement', 'popularity'],
  input: z.object({ id: blogpostId }),
  http: { method: 'GET', path: '/wiki/api/v2/blogposts/{id}/likes/count' },
  scopes: ['read:page:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const getBlogpostOperations = defineTool({
  name: 'confluence_get_blogpost_operations',
  title: 'Get blog post operations',
  description:
    'What the connected account may do with a Confluence blog post: {"operations": [{"operation": "read"|"update"|"delete", "targetType": "blogpost"}]}. Use it before an update to check the account has permission.',
  tags: ['blog', 'blogpost', 'permissions', 'operations', 'access', 'can edit'],
  input: z.object({ id: blogpostId }),
  http: { method: 'GET', path: '/wiki/api/v2/blogposts/{id}/operations' },
  scopes: ['read:page:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const getBlogpostInlineComments = defineTool({
  name: 'confluence_get_blogpost_inline_comments',
  title: 'Get inline comments for blog post',
  description:
    'List the inline comments of a Confluence blog post (comments anchored to a text selection): each with its body, author in version.authorId, resolutionStatus (open, resolved, ...) and properties.inlineOriginalSelection (the highlighted text). Top-level comments only.',
  tags: ['blog', 'blogpost', 'comments', 'inline', 'feedback', 'review'],
  input: z.object({
    id: blogpostId,
    body_format: commentBodyFormat,
    status: commentStatus,
    resolution_status: resolutionStatus,
    sort: commentSort,
    limit: limit(25, 250),
  }),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/blogposts/{id}/inline-comments',
    query: {
      'body-format': 'body_format',
      status: 'status',
      'resolution-status': 'resolution_status',
      sort: 'sort',
      limit: 'limit',
    },
  },
  scopes: ['read:comment:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});

// ---------------------------------------------------------------------------------------------------------------
// Pages: hierarchy, versions, likes, comments

export const getPageLikeCount = defineTool({
  name: 'confluence_get_page_like_count',
  title: 'Get page like count',
  description: 'How many people liked a Confluence page: {"count": n}.',
  tags: ['page', 'likes', 'reactions', 'engagement', 'popularity'],
  input: z.object({ id: pageId }),
  http: { method: 'GET', path: '/wiki/api/v2/pages/{id}/likes/count' },
  scopes: ['read:page:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const getPageAncestors = defineTool({
  name: 'confluence_get_page_ancestors',
  title: 'Get page ancestors',
  description:
    'The parent chain of a Confluence page, top-level first: [{"id", "type"}] from the space root down to the direct parent (empty for a top-level page). Use it for breadcrumbs or to find the section a page belongs to; confluence_get_page gives each ancestor\'s title. With a limit, the nearest ancestors are kept; call again with the first id for the ones above.',
  tags: ['page', 'hierarchy', 'parent', 'ancestors', 'breadcrumbs', 'tree'],
  input: z.object({ id: pageId, limit: limit(25, 250) }),
  http: { method: 'GET', path: '/wiki/api/v2/pages/{id}/ancestors', query: { limit: 'limit' } },
  scopes: ['read:content.metadata:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const getChildPages = defineTool({
  name: 'confluence_get_child_pages',
  title: 'Get child pages',
  description:
    'List the direct children of a Confluence page in the page tree (id, title, status, type, childPosition), in tree order by default. Calls /pages/{id}/direct-children (the replacement of the deprecated /children), so besides pages ("type": "page") it also returns whiteboards, folders, databases and embeds placed under the page. For grandchildren call it again on a child.',
  tags: ['page', 'hierarchy', 'children', 'subpages', 'tree', 'browse'],
  input: z.object({
    id: pageId,
    sort: z
      .enum([
        'child-position',
        '-child-position',
        'title',
        '-title',
        'created-date',
        '-created-date',
        'modified-date',
        '-modified-date',
        'id',
        '-id',
      ])
      .optional()
      .describe('Sort order (default "child-position", the order of the page tree); a leading "-" sorts descending.'),
    limit: limit(25, 250),
  }),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/pages/{id}/direct-children',
    query: { sort: 'sort', limit: 'limit' },
  },
  scopes: ['read:hierarchical-content:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});

export const getPageVersions = defineTool({
  name: 'confluence_get_page_versions',
  title: 'Get page versions',
  description:
    'List the versions of a Confluence page: number, author account id, date, change message and minor-edit flag, newest first ("who changed this page and when"). Read an old version in full with confluence_get_page and version.',
  tags: ['page', 'history', 'versions', 'changes', 'audit', 'author'],
  input: z.object({
    id: pageId,
    body_format: listBodyFormat.optional(),
    sort: versionSort,
    limit: limit(25, 250),
  }),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/pages/{id}/versions',
    query: { 'body-format': 'body_format', sort: 'sort', limit: 'limit' },
  },
  scopes: ['read:page:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});

export const getPageFooterComments = defineTool({
  name: 'confluence_get_page_footer_comments',
  title: 'Get page footer comments',
  description:
    'List the footer comments (the discussion below the content, not inline ones) of a Confluence page, oldest first, with their bodies; the author is version.authorId. Top-level comments only: replies are not included.',
  tags: ['page', 'comments', 'discussion', 'feedback', 'footer'],
  input: z.object({
    id: pageId,
    body_format: commentBodyFormat,
    status: commentStatus,
    sort: commentSort,
    limit: limit(25, 250),
  }),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/pages/{id}/footer-comments',
    query: { 'body-format': 'body_format', status: 'status', sort: 'sort', limit: 'limit' },
  },
  scopes: ['read:comment:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});

export const getPageInlineComments = defineTool({
  name: 'confluence_get_page_inline_comments',
  title: 'Get page inline comments',
  description:
    'List the inline comments of a Confluence page (comments anchored to a text selection): each with its body, author in version.authorId, resolutionStatus (open, resolved, ...) and properties.inlineOriginalSelection (the highlighted text). Filter with resolution_status ["open"] for unresolved review feedback. Top-level comments only.',
  tags: ['page', 'comments', 'inline', 'review', 'feedback', 'unresolved'],
  input: z.object({
    id: pageId,
    body_format: commentBodyFormat,
    status: commentStatus,
    resolution_status: resolutionStatus,
    sort: commentSort,
    limit: limit(25, 250),
  }),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/pages/{id}/inline-comments',
    query: {
      'body-format': 'body_format',
      status: 'status',
      'resolution-status': 'resolution_status',
      sort: 'sort',
      limit: 'limit',
    },
  },
  scopes: ['read:comment:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});

// ---------------------------------------------------------------------------------------------------------------
// Comments, space contents

const COMMENT_TARGETS = ['page_id', 'blogpost_id', 'attachment_id', 'custom_content_id', 'parent_comment_id'] as const;

export const createFooterComment = defineTool({
  name: 'confluence_create_footer_comment',
  title: 'Create footer comment',
  description:
    'Add a footer comment (the discussion below the content) to a Confluence page (page_id), blog post (blogpost_id), attachment (attachment_id) or custom content (custom_content_id), or reply to an existing footer comment (parent_comment_id only). Give exactly one of them. The body is storage-format XHTML, e.g. {"representation": "storage", "value": "<p>Looks good!</p>"}.',
  tags: ['comment', 'reply', 'write', 'discussion', 'feedback', 'page', 'blog'],
  input: z.object({
    page_id: numericId('page').optional().describe('Comment on this page.'),
    blogpost_id: numericId('blog post').optional().describe('Comment on this blog post.'),
    attachment_id: z
      .string()
      .regex(/^(att)?\d+$/, { message: 'expected an attachment id such as "att131073"' })
      .optional()
      .describe('Comment on this attachment (its id, e.g. "att131073").'),
    custom_content_id: numericId('custom content').optional().describe('Comment on this custom content.'),
    parent_comment_id: numericId('comment')
      .optional()
      .describe('Reply to this footer comment (then give no page_id or blogpost_id).'),
    body: writeBody.describe('The comment text.'),
  }),
  prepare: async (i) => {
    const given = COMMENT_TARGETS.filter((k) => i[k] !== undefined);
    if (given.length !== 1) {
      throw new GatewayError(
        'invalid_arguments',
        given.length === 0
          ? 'give one of "page_id", "blogpost_id", "attachment_id", "custom_content_id" or "parent_comment_id" (to reply)'
          : `give only one of ${given.map((g) => `"${g}"`).join(' and ')}: a reply takes only "parent_comment_id"`,
      );
    }
    return i;
  },
  http: {
    method: 'POST',
    path: '/wiki/api/v2/footer-comments',
    body: (i) => ({
      pageId: i.page_id,
      blogPostId: i.blogpost_id,
      attachmentId: i.attachment_id,
      customContentId: i.custom_content_id,
      parentCommentId: i.parent_comment_id,
      body: i.body,
    }),
  },
  scopes: ['write:comment:confluence'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
});

export const getSpaceContents = defineTool({
  name: 'confluence_get_space_contents',
  title: 'Get space contents',
  description:
    'List the pages of one Confluence space (its page tree, flat: id, title, parentId, position, status, version). Give the space as space_key (e.g. "MKT") or numeric space_id; depth "root" keeps only the top-level pages. For the blog posts of a space use confluence_get_blogposts with space_key. Returns "next_cursor" while more exist; set max_pages to fetch several pages at once.',
  tags: ['space', 'contents', 'pages', 'list', 'browse', 'inventory', 'tree'],
  input: z.object({
    space_id: spaceId.optional(),
    space_key: spaceKey.optional(),
    depth: z.enum(['all', 'root']).optional().describe('"all" (default) or "root" (top-level pages only).'),
    title: z.string().optional().describe('Only pages with exactly this title.'),
    status: z
      .array(z.enum(['current', 'archived', 'trashed', 'deleted']))
      .optional()
      .describe('Only pages in these statuses (default: current and archived).'),
    sort: z
      .enum(['id', '-id', 'created-date', '-created-date', 'modified-date', '-modified-date', 'title', '-title'])
      .optional()
      .describe('Sort order; a leading "-" sorts descending.'),
    body_format: listBodyFormat.optional(),
    limit: limit(25, 250),
  }),
  prepare: async (i, upstream) => ({ ...i, space_id: await resolveSpaceId(i, upstream) }),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/spaces/{space_id}/pages',
    query: {
      depth: 'depth',
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

/** Tools of the content group. */
export const tools: ToolDefinition[] = [
  createBlogpost,
  updateBlogpost,
  getBlogposts,
  getBlogpost,
  getBlogpostVersions,
  getBlogpostVersionDetails,
  getBlogpostLikeCount,
  getBlogpostOperations,
  getBlogpostInlineComments,
  getPageAncestors,
  getChildPages,
  getPageVersions,
  getPageLikeCount,
  getPageFooterComments,
  getPageInlineComments,
  createFooterComment,
  getSpaceContents,
];
