import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../define.ts';
import { dateTime, gongId, gongPagination } from '../common.ts';

export const listUsers = defineTool({
  name: 'gong_list_users',
  title: 'List all users',
  description:
    "All users of the Gong company (GET /v2/users): id, name, email, title, phone, manager id, active flag, creation time and recording/import settings. Use it to map a person's name or email to the Gong user id other tools take (primary_user, user_ids). To fetch specific users or users created in a period, use gong_list_users_extensive; for one user by id, gong_get_user.",
  tags: ['users', 'team', 'people', 'reps', 'managers', 'directory'],
  input: z.object({
    include_avatars: z.boolean().default(false).describe("Also return each user's avatar image URL."),
  }),
  http: { method: 'GET', path: '/v2/users', query: { includeAvatars: 'include_avatars' } },
  pagination: gongPagination('query', 'users'),
  scopes: ['api:users:read'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const listUsersExtensive = defineTool({
  name: 'gong_list_users_extensive',
  title: 'List users by filter',
  description:
    'Gong users filtered by ids and/or by when they were created in Gong (POST /v2/users/extensive); same user details as gong_list_users. created_from_date_time / created_to_date_time are ISO-8601 date-times with a time zone, e.g. 2026-11-01T00:00:00Z. Gong answers 404 when no user matches.',
  tags: ['users', 'filter', 'people', 'new users'],
  input: z.object({
    user_ids: z.array(gongId('user')).min(1).max(100).optional().describe('Only these users.'),
    created_from_date_time: dateTime('Users created at or after this').optional(),
    created_to_date_time: dateTime('Users created before this').optional(),
    include_avatars: z.boolean().default(false).describe('Also return avatar image URLs.'),
  }),
  http: {
    method: 'POST',
    path: '/v2/users/extensive',
    body: (i) => ({
      filter: {
        userIds: i.user_ids,
        createdFromDateTime: i.created_from_date_time,
        createdToDateTime: i.created_to_date_time,
        includeAvatars: i.include_avatars,
      },
    }),
  },
  pagination: gongPagination('body', 'users'),
  scopes: ['api:users:read'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const getUser = defineTool({
  name: 'gong_get_user',
  title: 'Get user by ID',
  description:
    'One Gong user by id (GET /v2/users/{id}): name, email and aliases, title, phone, manager id, active flag, creation time, settings (web conference recording, email import ...), spoken languages. Find ids with gong_list_users.',
  tags: ['user', 'person', 'profile', 'manager'],
  input: z.object({ user_id: gongId('user') }),
  http: { method: 'GET', path: '/v2/users/{user_id}' },
  scopes: ['api:users:read'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const getUserSettingsHistory = defineTool({
  name: 'gong_get_user_settings_history',
  title: 'Get user settings history',
  description:
    'The history of a Gong user\'s settings (GET /v2/users/{id}/settings-history): each change of a setting such as webConferencesRecorded, emailsImported, gongConnectEnabled or active (deactivation), with the new value and when it changed. Use it to answer "since when is X not recorded" or "when was this user deactivated".',
  tags: ['user', 'settings', 'history', 'audit', 'recording', 'deactivated'],
  input: z.object({ user_id: gongId('user') }),
  http: { method: 'GET', path: '/v2/users/{user_id}/settings-history' },
  scopes: ['api:users:read'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const listWorkspaces = defineTool({
  name: 'gong_list_workspaces',
  title: 'List all company workspaces',
  description:
    'All workspaces of the Gong company (GET /v2/workspaces) with id, name and description. Several tools take a workspace_id to narrow results (calls, library folders, trackers).',
  tags: ['workspaces', 'teams', 'settings'],
  input: z.object({}),
  http: { method: 'GET', path: '/v2/workspaces' },
  scopes: ['api:workspaces:read'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const listLibraryFolders = defineTool({
  name: 'gong_list_library_folders',
  title: 'Retrieve library folders',
  description:
    "The public folders of the Gong call library (GET /v2/library/folders): id, name, parent folder id (nested folders), creator and last update. Private folders are not returned. List a folder's calls with gong_list_folder_calls.",
  tags: ['library', 'folders', 'playlists', 'best calls', 'training'],
  input: z.object({ workspace_id: gongId('workspace').optional().describe('Only folders of this workspace.') }),
  http: { method: 'GET', path: '/v2/library/folders', query: { workspaceId: 'workspace_id' } },
  scopes: ['api:library:read'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const listTrackers = defineTool({
  name: 'gong_list_trackers',
  title: 'Retrieve tracker details',
  description:
    'The keyword trackers defined in Gong (GET /v2/settings/trackers), for the whole company or one workspace: id, name, keywords per language, who must say them (affiliation), filters, and creation/update info. Tracker hits per call come from gong_list_calls_extensive (content trackers).',
  tags: ['trackers', 'keywords', 'competitors', 'settings'],
  input: z.object({ workspace_id: gongId('workspace').optional().describe('Only trackers of this workspace.') }),
  http: { method: 'GET', path: '/v2/settings/trackers', query: { workspaceId: 'workspace_id' } },
  scopes: ['api:settings:trackers:read'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const listLogs = defineTool({
  name: 'gong_list_logs',
  title: 'Retrieve logs data by type and time range',
  description:
    'Gong audit log entries of one type in a time range (GET /v2/logs): AccessLog (sign-ins), UserActivityLog (admin and settings actions), UserCallPlay (who played which call), ExternallySharedCallAccess and ExternallySharedCallPlay (external viewers of shared calls). Each entry has the user, an impersonator when an admin acted as the user, the time and a type-specific record. from_date_time (required) and to_date_time are ISO-8601 date-times with a time zone, e.g. 2026-11-01T00:00:00Z. Gong answers 404 "No logs found" for a period without entries.',
  tags: ['logs', 'audit', 'security', 'access', 'call plays', 'compliance'],
  input: z.object({
    log_type: z
      .enum(['AccessLog', 'UserActivityLog', 'UserCallPlay', 'ExternallySharedCallAccess', 'ExternallySharedCallPlay'])
      .describe('Which log.'),
    from_date_time: dateTime('Entries at or after this'),
    to_date_time: dateTime('Entries before this (default: now)').optional(),
  }),
  http: {
    method: 'GET',
    path: '/v2/logs',
    query: { logType: 'log_type', fromDateTime: 'from_date_time', toDateTime: 'to_date_time' },
  },
  pagination: gongPagination('query', 'logEntries'),
  notFoundMeansEmpty: true,
  scopes: ['api:logs:read'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const tools: ToolDefinition[] = [
  listUsers,
  listUsersExtensive,
  getUser,
  getUserSettingsHistory,
  listWorkspaces,
  listLibraryFolders,
  listTrackers,
  listLogs,
];
