/** Users (list, extensive, by id, settings history), workspaces, call outcomes, library, trackers, audit logs. */
import { z } from 'zod';
import { badRequest, queryBoolean } from '../framework.ts';
import {
  type GongContext,
  type GongDeps,
  gongJson,
  gongNotFound,
  paginate,
  parseBody,
  parseDateTime,
  type RouteDef,
  requiredQuery,
  requireNumericId,
} from './http.ts';
import { callUrl } from './routes-calls.ts';
import { type GongState, type GongUser, LOG_TYPES, type LogType } from './state.ts';

/** The spec's `User` object (`avatarUrl` only with includeAvatars). */
export function userJson(u: GongUser, includeAvatars = false) {
  return {
    id: u.id,
    emailAddress: u.emailAddress,
    created: u.created,
    active: u.active,
    emailAliases: u.emailAliases,
    trustedEmailAddress: u.trustedEmailAddress,
    firstName: u.firstName,
    lastName: u.lastName,
    title: u.title,
    phoneNumber: u.phoneNumber,
    extension: u.extension,
    personalMeetingUrls: u.personalMeetingUrls,
    settings: u.settings,
    managerId: u.managerId,
    meetingConsentPageUrl: u.meetingConsentPageUrl,
    conferencingProviders: u.conferencingProviders,
    spokenLanguages: u.spokenLanguages,
    ...(includeAvatars && u.avatarUrl ? { avatarUrl: u.avatarUrl } : {}),
  };
}

function usersInOrder(state: GongState): GongUser[] {
  return [...state.users.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function requireUser(state: GongState, id: string): GongUser {
  requireNumericId(id, 'id');
  const u = state.users.get(id);
  if (!u) throw gongNotFound(`User not found: no user with the id ${id}`);
  return u;
}

function listUsers(c: GongContext, deps: GongDeps) {
  const q = new URL(c.req.url).searchParams;
  const includeAvatars = queryBoolean(q, 'includeAvatars', false);
  const { page, records } = paginate(usersInOrder(deps.state), {
    cursor: q.get('cursor'),
    scope: ['users', includeAvatars],
    pageSize: deps.state.pageSize,
  });
  return gongJson(c, deps, { records, users: page.map((u) => userJson(u, includeAvatars)) });
}

const usersExtensiveSchema = z.object({
  cursor: z.string().optional(),
  filter: z.object(
    {
      createdFromDateTime: z.string().optional(),
      createdToDateTime: z.string().optional(),
      includeAvatars: z.boolean().optional(),
      userIds: z.array(z.string().regex(/^\d{1,20}$/, 'expected a numeric user id')).optional(),
    },
    { error: 'required: an object with userIds, createdFromDateTime/createdToDateTime or includeAvatars' },
  ),
});

async function listUsersExtensive(c: GongContext, deps: GongDeps) {
  const body = await parseBody(c, usersExtensiveSchema);
  const f = body.filter;
  const from =
    f.createdFromDateTime !== undefined
      ? parseDateTime(f.createdFromDateTime, 'filter.createdFromDateTime')
      : undefined;
  const to =
    f.createdToDateTime !== undefined ? parseDateTime(f.createdToDateTime, 'filter.createdToDateTime') : undefined;
  if (from !== undefined && to !== undefined && from >= to) {
    throw badRequest('filter.createdFromDateTime: must be before filter.createdToDateTime');
  }
  const ids = f.userIds ? new Set(f.userIds) : undefined;
  const users = usersInOrder(deps.state).filter((u) => {
    const t = Date.parse(u.created);
    return (!ids || ids.has(u.id)) && (from === undefined || t >= from) && (to === undefined || t < to);
  });
  if (users.length === 0) throw gongNotFound('No users found corresponding to the provided filters');
  const { cursor, ...rest } = body;
  const { page, records } = paginate(users, {
    cursor,
    scope: ['users-extensive', rest],
    pageSize: deps.state.pageSize,
  });
  return gongJson(c, deps, { records, users: page.map((u) => userJson(u, f.includeAvatars === true)) });
}

function getUser(c: GongContext, deps: GongDeps) {
  return gongJson(c, deps, { user: userJson(requireUser(deps.state, c.req.param('id')!)) });
}

function settingsHistory(c: GongContext, deps: GongDeps) {
  const u = requireUser(deps.state, c.req.param('id')!);
  return gongJson(c, deps, { userSettingsHistory: u.settingsHistory.map((h) => ({ ...h })) });
}

function listWorkspaces(c: GongContext, deps: GongDeps) {
  return gongJson(c, deps, { workspaces: [...deps.state.workspaces.values()].map((w) => ({ ...w })) });
}

function listCallOutcomes(c: GongContext, deps: GongDeps) {
  const outcomes = [...deps.state.callOutcomes.values()]
    .sort((a, b) => a.displayOrder - b.displayOrder)
    .map(({ id: _, ...o }) => o);
  return gongJson(c, deps, { outcomes });
}

function optionalWorkspace(c: GongContext, state: GongState): string | undefined {
  const id = c.req.query('workspaceId');
  if (id === undefined || id === '') return undefined;
  requireNumericId(id, 'workspaceId');
  if (!state.workspaces.has(id))
    throw badRequest(`workspaceId: no workspace with the id ${id} (GET /v2/workspaces lists them)`);
  return id;
}

function libraryFolders(c: GongContext, deps: GongDeps) {
  const ws = optionalWorkspace(c, deps.state);
  const folders = [...deps.state.libraryFolders.values()]
    .filter((f) => f.isPublic && (!ws || f.workspaceId === ws))
    .map((f) => ({
      id: f.id,
      name: f.name,
      parentFolderId: f.parentFolderId,
      createdBy: f.createdBy,
      updated: f.updated,
    }));
  return gongJson(c, deps, { folders });
}

function folderContent(c: GongContext, deps: GongDeps) {
  const id = requiredQuery(c, 'folderId', 'the id of a library folder, from GET /v2/library/folders');
  requireNumericId(id, 'folderId');
  const f = deps.state.libraryFolders.get(id);
  if (!f?.isPublic) throw gongNotFound(`Folder not found: no public library folder with the id ${id}`);
  return gongJson(c, deps, {
    id: f.id,
    name: f.name,
    createdBy: f.createdBy,
    updated: f.updated,
    calls: f.calls
      .filter((e) => deps.state.calls.has(e.callId))
      .map((e) => ({
        id: e.callId,
        title: deps.state.calls.get(e.callId)!.title,
        note: e.note,
        addedBy: e.addedBy,
        created: e.created,
        url: callUrl(e.callId),
        ...(e.snippet ? { snippet: e.snippet } : {}),
      })),
  });
}

function listTrackers(c: GongContext, deps: GongDeps) {
  const ws = optionalWorkspace(c, deps.state);
  const keywordTrackers = [...deps.state.trackers.values()]
    .filter((t) => !ws || t.workspaceId === ws)
    .map((t) => ({ ...t, languageKeywords: t.languageKeywords.map((l) => ({ ...l, keywords: [...l.keywords] })) }));
  return gongJson(c, deps, { keywordTrackers });
}

function listLogs(c: GongContext, deps: GongDeps) {
  const q = new URL(c.req.url).searchParams;
  const logType = requiredQuery(c, 'logType', `one of ${LOG_TYPES.join(', ')}`);
  if (!(LOG_TYPES as readonly string[]).includes(logType)) {
    throw badRequest(`logType: expected one of ${LOG_TYPES.join(', ')}; got ${JSON.stringify(logType)}`);
  }
  const fromRaw = requiredQuery(c, 'fromDateTime', 'an ISO-8601 date-time, e.g. 2026-11-01T00:00:00Z');
  const from = parseDateTime(fromRaw, 'fromDateTime');
  const toRaw = q.get('toDateTime');
  const to = toRaw ? parseDateTime(toRaw, 'toDateTime') : undefined;
  if (to !== undefined && from >= to)
    throw badRequest(`fromDateTime: must be before toDateTime (${fromRaw} is not before ${toRaw})`);
  const { state } = deps;
  const entries = state.logs.filter((l) => {
    const t = Date.parse(l.eventTime);
    return l.logType === (logType as LogType) && t >= from && (to === undefined || t < to);
  });
  if (entries.length === 0) throw gongNotFound('No logs found for the specified period');
  const { page, records } = paginate(entries, {
    cursor: q.get('cursor'),
    scope: ['logs', logType, fromRaw, toRaw],
    pageSize: state.pageSize,
  });
  const person = (id: string | undefined) => (id ? state.users.get(id) : undefined);
  return gongJson(c, deps, {
    records,
    logEntries: page.map((l) => {
      const u = person(l.userId);
      const imp = person(l.impersonatorUserId);
      return {
        userId: l.userId,
        userEmailAddress: u?.emailAddress,
        userFullName: u ? state.fullName(u) : undefined,
        ...(l.impersonatorUserId
          ? {
              impersonatorUserId: l.impersonatorUserId,
              impersonatorEmailAddress: imp?.emailAddress,
              impersonatorFullName: imp ? state.fullName(imp) : undefined,
              impersonatorCompanyId: l.impersonatorCompanyId,
            }
          : {}),
        eventTime: l.eventTime,
        logRecord: l.logRecord,
      };
    }),
  });
}

export const USER_SETTINGS_ROUTES: RouteDef[] = [
  { method: 'GET', path: '/v2/users', scopes: ['api:users:read'], handler: listUsers },
  { method: 'POST', path: '/v2/users/extensive', scopes: ['api:users:read'], handler: listUsersExtensive },
  { method: 'GET', path: '/v2/users/{id}', scopes: ['api:users:read'], handler: getUser },
  { method: 'GET', path: '/v2/users/{id}/settings-history', scopes: ['api:users:read'], handler: settingsHistory },
  { method: 'GET', path: '/v2/workspaces', scopes: ['api:workspaces:read'], handler: listWorkspaces },
  { method: 'GET', path: '/v2/call-outcomes', scopes: ['api:call-outcomes:read'], handler: listCallOutcomes },
  { method: 'GET', path: '/v2/library/folders', scopes: ['api:library:read'], handler: libraryFolders },
  { method: 'GET', path: '/v2/library/folder-content', scopes: ['api:library:read'], handler: folderContent },
  { method: 'GET', path: '/v2/settings/trackers', scopes: ['api:settings:trackers:read'], handler: listTrackers },
  { method: 'GET', path: '/v2/logs', scopes: ['api:logs:read'], handler: listLogs },
];
