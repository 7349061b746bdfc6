import { z } from 'zod';
import { defineTool } from '../../define.ts';
import { limit, v2Pagination } from '../common.ts';

export const getSpaces = defineTool({
  name: 'confluence_get_spaces',
  title: 'Get spaces',
  description:
    'List Confluence spaces with their numeric ids, keys, names and types. Use it to turn a space key a user mentions (e.g. "ENG") into the numeric space_id other tools need, or to browse the spaces a user can see.',
  tags: ['space', 'list', 'key', 'id'],
  input: z.object({
    keys: z.array(z.string().min(1)).max(250).optional().describe('Only spaces with these keys, e.g. ["ENG"].'),
    ids: z
      .array(z.string().regex(/^\d+$/, { message: 'expected numeric space ids' }))
      .max(250)
      .optional()
      .describe('Only spaces with these numeric ids.'),
    type: z.enum(['global', 'personal']).optional().describe('Only global (team) or personal spaces.'),
    status: z.enum(['current', 'archived']).optional().describe('Only current or archived spaces.'),
    limit: limit(25, 250),
  }),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/spaces',
    query: { keys: 'keys', ids: 'ids', type: 'type', status: 'status', limit: 'limit' },
  },
  scopes: ['read:space:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
  pagination: v2Pagination,
});
