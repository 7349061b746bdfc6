import { z } from 'zod';
import { defineTool } from '../../define.ts';
import { v1SearchPagination } from '../common.ts';

export const cqlSearch = defineTool({
  name: 'confluence_cql_search',
  title: 'CQL search',
  description:
    'Search Confluence content with CQL (Confluence Query Language). Use it to find pages, blog posts or comments by words, space, label, author or date. Examples: `type=page AND space=ENG AND text~"release notes"`, `label="runbook" ORDER BY lastmodified DESC`, `title~"onboarding" AND created >= "2026-01-01"`. Space takes the space KEY here. Unsupported CQL is refused with a 400 naming the problem.',
  tags: ['search', 'find', 'query', 'cql', 'text', 'label'],
  input: z.object({
    cql: z.string().min(1).max(4000).describe('The CQL query, e.g. type=page AND text~"onboarding".'),
    limit: z.int().min(1).max(100).default(25).describe('Results per page (1-100, default 25).'),
    excerpt: z
      .enum(['highlight', 'indexed', 'none'])
      .optional()
      .describe('Excerpt style for each result: "highlight" marks the matched words.'),
    include_archived_spaces: z.boolean().optional().describe('Also search archived spaces.'),
  }),
  http: {
    method: 'GET',
    path: '/wiki/rest/api/search',
    query: { cql: 'cql', limit: 'limit', excerpt: 'excerpt', includeArchivedSpaces: 'include_archived_spaces' },
  },
  scopes: ['search:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v1SearchPagination,
});
