/**
 * The stats group of the Gong emulator: user activity stats (aggregate, by period, day by day), interaction stats,
 * scorecards (settings and the answered-scorecards report), coaching metrics, meetings (create, update, delete,
 * integration status), digital interactions and customer-engagement events.
 *
 * Every stat is computed from the state, never canned: the activity endpoints add up the per-user daily activity
 * ledger (`state.activity`), so one filter gives the same numbers whether asked in aggregate, by period or day by
 * day; interaction stats are averaged over the calls the ledger lists for the user; coaching metrics are the
 * manager's ledger entries on the direct reports' calls; the seeded manual scorecard reviews are exactly the
 * ledger's `callsScorecardsFilled` entries, and the automatic ones are scored from the call's transcript.
 *
 * Dates: the stats filters take `YYYY-MM-DD` days in the company's time zone (`fromDate` inclusive, `toDate`
 * exclusive and not after the current day); ledger days are company-local calendar days. Other endpoints take
 * ISO-8601 date-times. Ids the spec types as int64 (scorecards, answered scorecards, engagement integration ids)
 * are written as JSON numbers, as Gong does, even when they exceed 2^53.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod';
import { badRequest, EmulatorHttpError, readJson } from '../framework.ts';
import { interactionStats, questionCounts } from './analysis.ts';
import {
  type GongContext,
  type GongDeps,
  gongJson,
  gongNotFound,
  paginate,
  parseDate,
  parseDateTime,
  type RouteDef,
  requiredQuery,
  requireNumericId,
  validate,
} from './http.ts';
import { ACTIVITY_KINDS, type ActivityKind, type CallRecord, type GongState, type GongUser } from './state.ts';

// ---------------------------------------------------------------------------------------------------------------
// Records (held by `GongState`, stats group section)

export type ScorecardQuestionType = 'RANGE' | 'SINGLE_SELECT' | 'MULTI_SELECT' | 'TEXT';

export interface ScorecardQuestion {
  questionId: string;
  questionRevisionId: string;
  questionText: string;
  isOverall: boolean;
  questionType: ScorecardQuestionType;
  answerGuide: string;
  /** RANGE questions only. */
  minRange?: number;
  maxRange?: number;
  /** SINGLE_SELECT and MULTI_SELECT questions only. */
  answerOptions?: { id: number; text: string }[];
}

export interface ScorecardRecord {
  scorecardId: string;
  scorecardName: string;
  workspaceId: string;
  enabled: boolean;
  updaterUserId: string;
  created: string;
  updated: string;
  reviewMethod: 'AUTOMATIC' | 'MANUAL';
  questions: ScorecardQuestion[];
}

export interface ScorecardAnswer {
  questionId: string;
  questionRevisionId: string;
  isOverall: boolean;
  score: number | null;
  answerText: string | null;
  notApplicable: boolean;
  /** Ids of the selected options (as strings), select questions only. */
  selectedOptions: string[] | null;
}

export type ScorecardVisibility = 'PUBLIC' | 'PRIVATE' | 'OPT_IN_USERS' | 'MANAGERS' | 'MANAGERS_AND_REVIEWEE';

export interface AnsweredScorecardRecord {
  answeredScorecardId: string;
  scorecardId: string;
  callId: string;
  reviewedUserId: string;
  /** Absent for automatic reviews. */
  reviewerUserId?: string;
  reviewMethod: 'AUTOMATIC' | 'MANUAL';
  editorUserId?: string;
  reviewTime: string;
  visibilityType: ScorecardVisibility;
  answers: ScorecardAnswer[];
}

export interface MeetingInvitee {
  email: string;
  displayName?: string;
  firstName?: string;
  lastName?: string;
}

export interface MeetingRecord {
  meetingId: string;
  title?: string;
  startTime: string;
  endTime: string;
  organizerUserId: string;
  organizerEmail: string;
  invitees: MeetingInvitee[];
  externalId?: string;
  /** The conferencing provider used (the organizer's default when none was asked for). */
  provider: string;
  meetingUrl: string;
  created: string;
  updated: string;
}

export interface DigitalInteractionRecord {
  eventId: string;
  timestamp: string;
  eventType: string;
  /** Lower-cased email of the person, when one was sent (data privacy lookups). */
  personEmail?: string;
  trackingId?: string;
  received: string;
  /** The request body as Gong received it. */
  body: Record<string, unknown>;
}

export type EngagementEventKind = 'content-shared' | 'content-viewed' | 'custom-action';

export interface EngagementEventRecord {
  kind: EngagementEventKind;
  integrationId: string;
  reportingSystem: string;
  eventId?: string;
  eventTimestamp: string;
  contentId?: string;
  contentTitle?: string;
  /** The Gong user who shared the content (content-shared), when known. */
  sharerUserId?: string;
  /** Lower-cased emails of the external people involved (recipients, viewer, actor, non-company participants). */
  externalEmails: string[];
  workspaceId?: string;
  received: string;
  body: Record<string, unknown>;
}

/** Ids of the stats group's seed, filled by `seedStats` (the same on every reset). */
export interface StatsSeedIds {
  scorecards: {
    discovery: string;
    demo: string;
    pricing: string;
    onboarding: string;
    automatic: string;
    legacy: string;
  };
  /** An upcoming meeting organized by Priya with Northwind contacts. */
  meeting: string;
  /** The users whose meeting integration is broken (Sofia: calendar disconnected). */
  integrationBroken: string[];
}

export const STATS_SEED: StatsSeedIds = {
  scorecards: { discovery: '', demo: '', pricing: '', onboarding: '', automatic: '', legacy: '' },
  meeting: '',
  integrationBroken: [],
};

// ---------------------------------------------------------------------------------------------------------------
// Time zones: the company's calendar days

const DAY_MS = 86_400_000;
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC of `tz` at the instant `at` (UTC when the zone is unknown). */
export function zoneOffsetMinutes(tz: string, at: number): number {
  let f = offsetFormats.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' });
    } catch {
      f = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', timeZoneName: 'longOffset' });
    }
    offsetFormats.set(tz, f);
  }
  const name = f.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{1,2})(?::?(\d{2}))?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** The UTC instant at which the company-local day `day` (`YYYY-MM-DD`) starts. */
export function dayStart(day: string, tz: string): number {
  const guess = Date.parse(`${day}T00:00:00Z`);
  const first = guess - zoneOffsetMinutes(tz, guess) * 60_000;
  return guess - zoneOffsetMinutes(tz, first) * 60_000;
}

/** The company-local calendar day of an instant. */
export function localDay(at: number, tz: string): string {
  return new Date(at + zoneOffsetMinutes(tz, at) * 60_000).toISOString().slice(0, 10);
}

/** An instant as ISO-8601 with the zone's offset: `2026-06-08T00:00:00-07:00`. */
export function zonedIso(at: number, tz: string): string {
  const off = zoneOffsetMinutes(tz, at);
  const local = new Date(at + off * 60_000).toISOString().slice(0, 19);
  const a = Math.abs(off);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local}${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** Calendar arithmetic on `YYYY-MM-DD` labels. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The days from `from` (inclusive) to `to` (exclusive). */
function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d < to; d = addDays(d, 1)) out.push(d);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Responses with int64 numbers

const INT64 = '\u0000int64:';

/** Gong's JSON response where bigint values are written as plain JSON numbers (int64 ids beyond 2^53). */
function gongJson64(deps: GongDeps, body: Record<string, unknown>, status = 200): Response {
  const text = JSON.stringify({ requestId: deps.state.nextRequestId(), ...body }, (_k, v) =>
    typeof v === 'bigint' ? `${INT64}${v}` : v,
  ).replace(/"\\u0000int64:(-?\d+)"/g, '$1');
  return new Response(text, { status, headers: { 'Content-Type': 'application/json;charset=UTF-8' } });
}

const int64 = (id: string | undefined): bigint | null => (id === undefined ? null : BigInt(id));

// ---------------------------------------------------------------------------------------------------------------
// The stats filter (`MultipleUsersWithDates`)

const numericIds = (what: string) => z.array(z.string().regex(/^\d{1,20}$/, `expected a numeric ${what} id`));

const statsFilterSchema = z.object(
  {
    fromDate: z.unknown().optional(),
    toDate: z.unknown().optional(),
    createdFromDateTime: z.string().optional(),
    createdToDateTime: z.string().optional(),
    userIds: numericIds('user').optional(),
  },
  { error: 'required: an object with fromDate and toDate (YYYY-MM-DD) and optionally userIds' },
);

const statsBodySchema = z.object({ cursor: z.string().optional(), filter: statsFilterSchema });

const PERIODS = ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'] as const;
type Period = (typeof PERIODS)[number];

const byPeriodBodySchema = statsBodySchema.extend({
  aggregationPeriod: z.enum(PERIODS, { error: `required: one of ${PERIODS.join(', ')}` }),
});

interface StatsQuery {
  from: string;
  to: string;
  days: string[];
  tz: string;
  /** The users asked for, in id order. */
  users: GongUser[];
  /** Whether `userIds` named them (then every one is returned, with or without activity). */
  explicit: boolean;
}

const DATE_HELP = 'a date in the format YYYY-MM-DD, e.g. 2026-11-01';

/**
 * A stats date range, as Gong checks it: both days required and well-formed, `from` before `to` (`to` is
 * exclusive), `to` not after the current day in the company's time zone.
 */
function statsRange(state: GongState, fromRaw: unknown, toRaw: unknown, prefix: string) {
  if (fromRaw === undefined || fromRaw === null || fromRaw === '')
    throw badRequest(`${prefix}fromDate: required (${DATE_HELP})`);
  if (toRaw === undefined || toRaw === null || toRaw === '')
    throw badRequest(`${prefix}toDate: required (${DATE_HELP})`);
  parseDate(fromRaw, `${prefix}fromDate`);
  parseDate(toRaw, `${prefix}toDate`);
  const from = fromRaw as string;
  const to = toRaw as string;
  if (from >= to) {
    throw badRequest(
      `${prefix}fromDate: must be before ${prefix}toDate (toDate is exclusive: one day D is fromDate D, toDate D+1); got fromDate ${from} and toDate ${to}`,
    );
  }
  const tz = state.company.timeZone;
  const today = localDay(state.now().getTime(), tz);
  if (to > today) {
    throw badRequest(
      `${prefix}toDate: must not be after the current day (${today} in the company's time zone, ${tz}); toDate is exclusive, so toDate ${today} covers activity up to ${addDays(today, -1)}; got ${to}`,
    );
  }
  return { from, to, tz };
}

function statsQuery(state: GongState, filter: z.output<typeof statsFilterSchema>): StatsQuery {
  const { from, to, tz } = statsRange(state, filter.fromDate, filter.toDate, 'filter.');
  const createdFrom =
    filter.createdFromDateTime !== undefined
      ? parseDateTime(filter.createdFromDateTime, 'filter.createdFromDateTime')
      : undefined;
  const createdTo =
    filter.createdToDateTime !== undefined
      ? parseDateTime(filter.createdToDateTime, 'filter.createdToDateTime')
      : undefined;
  if (createdFrom !== undefined && createdTo !== undefined && createdFrom >= createdTo) {
    throw badRequest('filter.createdFromDateTime: must be before filter.createdToDateTime');
  }
  let users = [...state.users.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const explicit = filter.userIds !== undefined && filter.userIds.length > 0;
  if (explicit) {
    const ids = new Set(filter.userIds);
    users = users.filter((u) => ids.has(u.id));
    if (users.length === 0) {
      throw gongNotFound(
        `User not found: no Gong user has any of the ids in filter.userIds (${[...ids].join(', ')}); GET /v2/users lists them`,
      );
    }
  }
  if (createdFrom !== undefined || createdTo !== undefined) {
    users = users.filter((u) => {
      const t = Date.parse(u.created);
      return (createdFrom === undefined || t >= createdFrom) && (createdTo === undefined || t < createdTo);
    });
    if (users.length === 0) throw gongNotFound('No users found corresponding to the provided filters');
  }
  return { from, to, days: daysBetween(from, to), tz, users, explicit };
}

type DayLists = Record<ActivityKind, string[]>;

/** A user's activity on one day (empty lists when the ledger has nothing). */
function dayLists(state: GongState, userId: string, day: string): DayLists {
  const a = state.activity.get(`${userId}|${day}`);
  const out = {} as DayLists;
  for (const k of ACTIVITY_KINDS) out[k] = a ? [...a[k]] : [];
  return out;
}

function counts(lists: DayLists[]): Record<ActivityKind, number> {
  const out = {} as Record<ActivityKind, number>;
  for (const k of ACTIVITY_KINDS) out[k] = lists.reduce((n, l) => n + l[k].length, 0);
  return out;
}

const hasActivity = (lists: DayLists[]) => lists.some((l) => ACTIVITY_KINDS.some((k) => l[k].length > 0));

/**
 * The users to report with their per-day lists: the named users (all of them), or every user with activity in the
 * range. 404 when nobody had activity.
 */
function usersWithLists(state: GongState, q: StatsQuery) {
  const rows = q.users
    .map((user) => ({ user, lists: q.days.map((d) => dayLists(state, user.id, d)) }))
    .filter((r) => q.explicit || hasActivity(r.lists));
  if (rows.length === 0) {
    throw gongNotFound(`No user activity found between ${q.from} and ${q.to} (toDate exclusive)`);
  }
  return rows;
}

function rangeTimes(q: { from: string; to: string; tz: string }) {
  return {
    fromDateTime: zonedIso(dayStart(q.from, q.tz), q.tz),
    toDateTime: zonedIso(dayStart(q.to, q.tz), q.tz),
    timeZone: q.tz,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// POST /v2/stats/activity/aggregate

async function aggregateActivity(c: GongContext, deps: GongDeps) {
  const body = validate(statsBodySchema, await readJson(c));
  const q = statsQuery(deps.state, body.filter);
  const rows = usersWithLists(deps.state, q);
  const { cursor, ...scope } = body;
  const { page, records } = paginate(rows, { cursor, scope: ['aggregate', scope], pageSize: deps.state.pageSize });
  return gongJson(c, deps, {
    records,
    usersAggregateActivityStats: page.map((r) => ({
      userId: r.user.id,
      userEmailAddress: r.user.emailAddress,
      userAggregateActivityStats: counts(r.lists),
    })),
    ...rangeTimes(q),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// POST /v2/stats/activity/aggregate-by-period

/** The key of the calendar period a day falls in (weeks start on Monday). */
function periodKey(day: string, p: Period): string {
  switch (p) {
    case 'DAY':
      return day;
    case 'WEEK': {
      const wd = new Date(`${day}T00:00:00Z`).getUTCDay();
      return addDays(day, -((wd + 6) % 7));
    }
    case 'MONTH':
      return day.slice(0, 7);
    case 'QUARTER':
      return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
    case 'YEAR':
      return day.slice(0, 4);
  }
}

/** Consecutive periods covering the range, the first and last clipped to it: `[from, to)` day labels and indexes. */
export function periodsOf(days: readonly string[], p: Period): { from: string; to: string; index: number[] }[] {
  const out: { key: string; from: string; to: string; index: number[] }[] = [];
  days.forEach((day, i) => {
    const key = periodKey(day, p);
    const last = out.at(-1);
    if (last && last.key === key) {
      last.index.push(i);
      last.to = addDays(day, 1);
    } else out.push({ key, from: day, to: addDays(day, 1), index: [i] });
  });
  return out.map(({ from, to, index }) => ({ from, to, index }));
}

async function aggregateByPeriod(c: GongContext, deps: GongDeps) {
  const body = validate(byPeriodBodySchema, await readJson(c));
  const q = statsQuery(deps.state, body.filter);
  const rows = usersWithLists(deps.state, q);
  const periods = periodsOf(q.days, body.aggregationPeriod);
  const { cursor, ...scope } = body;
  const { page, records } = paginate(rows, { cursor, scope: ['by-period', scope], pageSize: deps.state.pageSize });
  return gongJson(c, deps, {
    records,
    usersAggregateActivity: page.map((r) => ({
      userId: r.user.id,
      userEmailAddress: r.user.emailAddress,
      userAggregateActivity: periods.map((p) => ({
        ...counts(p.index.map((i) => r.lists[i]!)),
        fromDate: zonedIso(dayStart(p.from, q.tz), q.tz),
        toDate: zonedIso(dayStart(p.to, q.tz), q.tz),
      })),
    })),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// POST /v2/stats/activity/day-by-day

async function dayByDay(c: GongContext, deps: GongDeps) {
  const body = validate(statsBodySchema, await readJson(c));
  const q = statsQuery(deps.state, body.filter);
  const rows = usersWithLists(deps.state, q);
  const { cursor, ...scope } = body;
  const { page, records } = paginate(rows, { cursor, scope: ['day-by-day', scope], pageSize: deps.state.pageSize });
  return gongJson(c, deps, {
    records,
    usersDetailedActivities: page.map((r) => ({
      userId: r.user.id,
      userEmailAddress: r.user.emailAddress,
      userDailyActivityStats: q.days.map((day, i) => ({
        ...r.lists[i]!,
        fromDate: zonedIso(dayStart(day, q.tz), q.tz),
        toDate: zonedIso(dayStart(addDays(day, 1), q.tz), q.tz),
      })),
    })),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// POST /v2/stats/interaction

/**
 * A user's interaction stats over the range: each stat averaged over the calls the ledger lists for the user
 * (hosted or attended) on which the user spoke. Undefined when there is no such call.
 */
export function userInteractionStats(state: GongState, userId: string, days: readonly string[]) {
  const callIds = new Set<string>();
  for (const d of days) {
    const a = state.activity.get(`${userId}|${d}`);
    if (!a) continue;
    for (const id of [...a.callsAsHost, ...a.callsAttended]) callIds.add(id);
  }
  const spoke = (call: CallRecord) => {
    const speakerId = call.parties.find((p) => p.userId === userId)?.speakerId;
    return speakerId !== undefined && call.transcript.some((m) => m.speakerId === speakerId && m.sentences.length > 0);
  };
  const per = [...callIds]
    .map((id) => state.calls.get(id))
    .filter((call): call is CallRecord => call !== undefined && spoke(call))
    .map((call) => interactionStats(call, userId))
    .filter((s) => s !== undefined);
  if (per.length === 0) return undefined;
  const avg = (pick: (s: (typeof per)[number]) => number, decimals: number) =>
    Math.round((per.reduce((n, s) => n + pick(s), 0) / per.length) * 10 ** decimals) / 10 ** decimals;
  return {
    calls: per.length,
    stats: [
      { name: 'Talk Ratio', value: avg((s) => s.talkRatio, 2) },
      { name: 'Longest Monologue', value: avg((s) => s.longestMonologue, 0) },
      { name: 'Longest Customer Story', value: avg((s) => s.longestCustomerStory, 0) },
      { name: 'Interactivity', value: avg((s) => s.interactivity, 1) },
      { name: 'Patience', value: avg((s) => s.patience, 2) },
      { name: 'Question Rate', value: avg((s) => s.questionRate, 1) },
    ],
  };
}

async function interaction(c: GongContext, deps: GongDeps) {
  const body = validate(statsBodySchema, await readJson(c));
  const q = statsQuery(deps.state, body.filter);
  const rows = q.users
    .map((user) => ({ user, s: userInteractionStats(deps.state, user.id, q.days) }))
    .filter((r) => r.s !== undefined);
  if (rows.length === 0) {
    throw gongNotFound(
      `No stats found for the specified period: no recorded call with the ${q.explicit ? 'given users' : 'company users'} speaking between ${q.from} and ${q.to} (toDate exclusive)`,
    );
  }
  const { cursor, ...scope } = body;
  const { page, records } = paginate(rows, { cursor, scope: ['interaction', scope], pageSize: deps.state.pageSize });
  return gongJson(c, deps, {
    records,
    peopleInteractionStats: page.map((r) => ({
      userId: r.user.id,
      userEmailAddress: r.user.emailAddress,
      personInteractionStats: r.s!.stats,
    })),
    ...rangeTimes(q),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// GET /v2/settings/scorecards and POST /v2/stats/activity/scorecards

function scorecardJson(s: ScorecardRecord) {
  return {
    scorecardId: int64(s.scorecardId),
    scorecardName: s.scorecardName,
    workspaceId: int64(s.workspaceId),
    enabled: s.enabled,
    updaterUserId: int64(s.updaterUserId),
    created: s.created,
    updated: s.updated,
    reviewMethod: s.reviewMethod,
    questions: s.questions.map((q) => ({
      questionId: int64(q.questionId),
      questionRevisionId: int64(q.questionRevisionId),
      questionText: q.questionText,
      isOverall: q.isOverall,
      questionType: q.questionType,
      answerGuide: q.answerGuide,
      // Only where they apply (the document declares them without null): the range for RANGE questions, the
      // options for select questions.
      ...(q.minRange === undefined ? {} : { minRange: q.minRange }),
      ...(q.maxRange === undefined ? {} : { maxRange: q.maxRange }),
      ...(q.answerOptions ? { answerOptions: q.answerOptions.map((o) => ({ ...o })) } : {}),
    })),
  };
}

function listScorecards(_c: GongContext, deps: GongDeps) {
  const all = [...deps.state.scorecards.values()].sort((a, b) =>
    a.scorecardName < b.scorecardName ? -1 : a.scorecardName > b.scorecardName ? 1 : 0,
  );
  if (all.length === 0) throw gongNotFound('Scorecards not found');
  return gongJson64(deps, { scorecards: all.map(scorecardJson) });
}

const answeredFilterSchema = z.object(
  {
    callFromDate: z.unknown().optional(),
    callToDate: z.unknown().optional(),
    reviewFromDate: z.unknown().optional(),
    reviewToDate: z.unknown().optional(),
    reviewMethod: z.enum(['AUTOMATIC', 'MANUAL', 'BOTH'], { error: 'expected AUTOMATIC, MANUAL or BOTH' }).optional(),
    reviewedUserIds: numericIds('user').optional(),
    scorecardIds: numericIds('scorecard').optional(),
  },
  {
    error:
      'required: an object (it may be empty) with callFromDate/callToDate, reviewFromDate/reviewToDate, reviewMethod, reviewedUserIds or scorecardIds',
  },
);
const answeredBodySchema = z.object({ cursor: z.string().optional(), filter: answeredFilterSchema });

/** An optional `YYYY-MM-DD` pair of the scorecards filter (`from` inclusive, `to` exclusive). */
function optionalDayRange(fromRaw: unknown, toRaw: unknown, fromName: string, toName: string) {
  const from = fromRaw === undefined || fromRaw === null ? undefined : fromRaw;
  const to = toRaw === undefined || toRaw === null ? undefined : toRaw;
  if (from !== undefined) parseDate(from, `filter.${fromName}`);
  if (to !== undefined) parseDate(to, `filter.${toName}`);
  if (from !== undefined && to !== undefined && (from as string) >= (to as string)) {
    throw badRequest(
      `filter.${fromName}: must be before filter.${toName} (${toName} is exclusive); got ${from as string} and ${to as string}`,
    );
  }
  return { from: from as string | undefined, to: to as string | undefined };
}

const inDays = (day: string, r: { from?: string | undefined; to?: string | undefined }) =>
  (r.from === undefined || day >= r.from) && (r.to === undefined || day < r.to);

async function answeredScorecards(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const body = validate(answeredBodySchema, await readJson(c));
  const f = body.filter;
  const calls = optionalDayRange(f.callFromDate, f.callToDate, 'callFromDate', 'callToDate');
  const reviews = optionalDayRange(f.reviewFromDate, f.reviewToDate, 'reviewFromDate', 'reviewToDate');
  const method = f.reviewMethod ?? 'MANUAL';
  const reviewed = f.reviewedUserIds?.length ? new Set(f.reviewedUserIds) : undefined;
  const cards = f.scorecardIds?.length ? new Set(f.scorecardIds) : undefined;
  const tz = state.company.timeZone;
  const found = [...state.answeredScorecards.values()]
    .filter((a) => {
      const call = state.calls.get(a.callId);
      if (!call) return false;
      return (
        (method === 'BOTH' || a.reviewMethod === method) &&
        (!reviewed || reviewed.has(a.reviewedUserId)) &&
        (!cards || cards.has(a.scorecardId)) &&
        inDays(localDay(Date.parse(call.started), tz), calls) &&
        inDays(localDay(Date.parse(a.reviewTime), tz), reviews)
      );
    })
    .sort((a, b) =>
      a.reviewTime === b.reviewTime
        ? a.answeredScorecardId < b.answeredScorecardId
          ? -1
          : 1
        : a.reviewTime < b.reviewTime
          ? -1
          : 1,
    );
  if (found.length === 0) throw gongNotFound('Answered scorecards not found for the provided filter');
  const { cursor, ...scope } = body;
  const { page, records } = paginate(found, { cursor, scope: ['answered', scope], pageSize: state.pageSize });
  return gongJson64(deps, {
    records,
    answeredScorecards: page.map((a) => {
      const card = state.scorecards.get(a.scorecardId);
      const call = state.calls.get(a.callId)!;
      return {
        answeredScorecardId: int64(a.answeredScorecardId),
        scorecardId: int64(a.scorecardId),
        scorecardName: card?.scorecardName ?? '',
        callId: int64(a.callId),
        callStartTime: call.started,
        reviewedUserId: int64(a.reviewedUserId),
        // Absent rather than null (the document declares no null): no reviewer on automatic reviews, no editor
        // unless edited; an answer has only the fields of its kind (score, text, selected options).
        ...(a.reviewerUserId === undefined ? {} : { reviewerUserId: int64(a.reviewerUserId) }),
        reviewMethod: a.reviewMethod,
        ...(a.editorUserId === undefined ? {} : { editorUserId: int64(a.editorUserId) }),
        reviewTime: a.reviewTime,
        visibilityType: a.visibilityType,
        answers: a.answers.map((x) => ({
          questionId: int64(x.questionId),
          questionRevisionId: int64(x.questionRevisionId),
          isOverall: x.isOverall,
          ...(x.score === null ? {} : { score: x.score }),
          ...(x.answerText === null ? {} : { answerText: x.answerText }),
          notApplicable: x.notApplicable,
          ...(x.selectedOptions ? { selectedOptions: [...x.selectedOptions] } : {}),
        })),
      };
    }),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// GET /v2/coaching

/** The coaching metrics: for each, which list of the manager's (or the report's) ledger it reads. */
const COACHING_METRICS: { name: string; kind: ActivityKind; of: 'manager' | 'report' }[] = [
  { name: 'callsHosted', kind: 'callsAsHost', of: 'report' },
  { name: 'callsListenedTo', kind: 'othersCallsListenedTo', of: 'manager' },
  { name: 'callsAttended', kind: 'callsAttended', of: 'manager' },
  { name: 'callsGaveFeedback', kind: 'callsGaveFeedback', of: 'manager' },
  { name: 'callsCommentsGiven', kind: 'callsCommentsGiven', of: 'manager' },
  { name: 'callsScorecardsFilled', kind: 'callsScorecardsFilled', of: 'manager' },
  { name: 'callsMarkedAsReviewed', kind: 'callsMarkedAsFeedbackGiven', of: 'manager' },
  { name: 'callsRequestedFeedback', kind: 'callsRequestedFeedback', of: 'report' },
];

const coachingUser = (u: GongUser) => ({
  id: u.id,
  emailAddress: u.emailAddress,
  firstName: u.firstName,
  lastName: u.lastName,
  title: u.title,
});

/** The company-local days that overlap the instant range `[from, to)`. */
function daysOverlapping(from: number, to: number, tz: string): string[] {
  const out: string[] = [];
  for (let d = localDay(from, tz); dayStart(d, tz) < to; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * A manager's coaching of each direct report in a workspace over `[from, to)`: per metric, the ids of the report's
 * calls (in that workspace) that appear in the manager's ledger list (or, for `callsHosted` and
 * `callsRequestedFeedback`, in the report's own).
 */
export function coachingMetrics(state: GongState, managerId: string, workspaceId: string, from: number, to: number) {
  const tz = state.company.timeZone;
  const days = daysOverlapping(from, to, tz);
  const reports = [...state.users.values()]
    .filter((u) => u.managerId === managerId && u.workspaceIds.includes(workspaceId))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  return reports.map((report) => {
    const metrics: Record<string, string[]> = {};
    for (const m of COACHING_METRICS) {
      const owner = m.of === 'manager' ? managerId : report.id;
      const ids = new Set<string>();
      for (const d of days) {
        for (const id of state.activity.get(`${owner}|${d}`)?.[m.kind] ?? []) {
          const call = state.calls.get(id);
          if (call && call.primaryUserId === report.id && call.workspaceId === workspaceId) ids.add(id);
        }
      }
      metrics[m.name] = [...ids];
    }
    return { report, metrics };
  });
}

function coaching(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const workspaceId = requireNumericId(
    requiredQuery(c, 'workspace-id', 'the numeric workspace id, from GET /v2/workspaces'),
    'workspace-id',
  );
  const managerId = requireNumericId(
    requiredQuery(c, 'manager-id', "the manager's numeric Gong user id"),
    'manager-id',
  );
  const fromRaw = requiredQuery(c, 'from', 'an ISO-8601 date-time, e.g. 2026-11-01T00:00:00Z');
  const toRaw = requiredQuery(c, 'to', 'an ISO-8601 date-time, e.g. 2026-11-08T00:00:00Z');
  const from = parseDateTime(fromRaw, 'from');
  const to = parseDateTime(toRaw, 'to');
  if (from >= to) throw badRequest(`from: must be before to (${fromRaw} is not before ${toRaw})`);
  if (!state.workspaces.has(workspaceId)) {
    throw badRequest(`workspace-id: no workspace with the id ${workspaceId} (GET /v2/workspaces lists them)`);
  }
  const manager = state.users.get(managerId);
  if (!manager) throw badRequest(`manager-id: no Gong user with the id ${managerId} (GET /v2/users lists them)`);
  const rows = coachingMetrics(state, managerId, workspaceId, from, to);
  return gongJson(c, deps, {
    coachingData: [
      {
        manager: coachingUser(manager),
        directReportsMetrics: rows.map((r) => ({ report: coachingUser(r.report), metrics: r.metrics })),
      },
    ],
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Meetings

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const email = (what: string) => z.string().regex(EMAIL, `expected ${what} email address`);

const inviteeSchema = z.object({
  email: email('an invitee'),
  displayName: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
});

const meetingBodySchema = z.object({
  startTime: z.string({ error: 'required: an ISO-8601 date-time, e.g. 2026-11-01T16:00:00Z' }),
  endTime: z.string({ error: 'required: an ISO-8601 date-time, e.g. 2026-11-01T16:30:00Z' }),
  title: z.string().max(500).optional(),
  invitees: z.array(inviteeSchema, { error: 'required: a list of {email, displayName?, firstName?, lastName?}' }),
  externalId: z.string().optional(),
  provider: z.string().optional(),
  organizerEmail: z
    .string({ error: 'required: the email address of the Gong user who organizes the meeting' })
    .regex(EMAIL, "expected the organizer's email address"),
});

const HELP_URL = 'https://help.gong.io/docs/schedule-meetings-with-gong';
const INTEGRATIONS_URL = 'https://app.gong.io/settings/personal/integrations';

/** Why a user's meeting integration does not work (undefined when it does). */
function integrationProblem(state: GongState, u: GongUser): { error: string; fixUrl?: string } | undefined {
  if (!u.active) return { error: 'This user is not active in Gong.' };
  if (u.settings.preventWebConferenceRecording || !u.settings.webConferencesRecorded) {
    return { error: "Recording of this user's web conferences is turned off in Gong.", fixUrl: INTEGRATIONS_URL };
  }
  const issue = state.meetingIntegrationIssues.get(u.id);
  if (issue) return { error: issue, fixUrl: INTEGRATIONS_URL };
  if (u.conferencingProviders.length === 0) {
    return { error: 'No web conferencing provider is connected for this user.', fixUrl: INTEGRATIONS_URL };
  }
  return undefined;
}

function checkMeetingTimes(start: string, end: string) {
  const s = parseDateTime(start, 'startTime');
  const e = parseDateTime(end, 'endTime');
  if (e <= s) throw badRequest(`endTime: must be after startTime (${end} is not after ${start})`);
}

function meetingOrganizer(state: GongState, organizerEmail: string): GongUser {
  const u = state.userByEmail(organizerEmail);
  if (!u) {
    throw gongNotFound(`No Gong user found corresponding to the provided organizer email ${organizerEmail}`);
  }
  const problem = integrationProblem(state, u);
  if (problem) {
    throw new EmulatorHttpError(
      409,
      `Conflict: the organizer ${organizerEmail} cannot host Gong meetings: ${problem.error}`,
    );
  }
  if (!u.meetingConsentPageUrl) {
    throw new EmulatorHttpError(409, 'Conflict: the consent page is not enabled for the organizer');
  }
  return u;
}

function pickProvider(u: GongUser, asked: string | undefined): string {
  if (asked === undefined || asked.trim() === '') {
    return (u.conferencingProviders.find((p) => p.isDefault) ?? u.conferencingProviders[0])!.provider;
  }
  const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
  const found = u.conferencingProviders.find((p) => norm(p.provider) === norm(asked));
  if (!found) {
    throw badRequest(
      `provider: the organizer has no "${asked}" conferencing integration; connected: ${u.conferencingProviders.map((p) => p.provider).join(', ')}`,
    );
  }
  return found.provider;
}

function dedupeInvitees(list: MeetingInvitee[]): MeetingInvitee[] {
  const seen = new Set<string>();
  const out: MeetingInvitee[] = [];
  for (const i of list) {
    const key = i.email.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...i });
  }
  return out;
}

async function createMeeting(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const body = validate(meetingBodySchema, await readJson(c));
  checkMeetingTimes(body.startTime, body.endTime);
  const organizer = meetingOrganizer(state, body.organizerEmail);
  const provider = pickProvider(organizer, body.provider);
  const meetingId = state.nextId('other');
  const now = state.now().toISOString();
  const meeting: MeetingRecord = {
    meetingId,
    ...(body.title !== undefined ? { title: body.title } : {}),
    startTime: body.startTime,
    endTime: body.endTime,
    organizerUserId: organizer.id,
    organizerEmail: organizer.emailAddress,
    invitees: dedupeInvitees(body.invitees),
    ...(body.externalId !== undefined ? { externalId: body.externalId } : {}),
    provider,
    meetingUrl: `${organizer.meetingConsentPageUrl}?meeting=${meetingId}`,
    created: now,
    updated: now,
  };
  state.meetings.set(meetingId, meeting);
  return gongJson(c, deps, {
    meetingId,
    meetingUrl: meeting.meetingUrl,
    additionalInvitees: [
      { email: 'coordinator@gong.io', displayName: 'Gong Coordinator', firstName: 'Gong', lastName: 'Coordinator' },
    ],
  });
}

function requireMeeting(state: GongState, c: Context): MeetingRecord {
  const id = requireNumericId(c.req.param('meetingId') ?? '', 'meetingId');
  const m = state.meetings.get(id);
  if (!m) throw gongNotFound(`No meeting found corresponding to the provided meeting ID ${id}`);
  return m;
}

async function updateMeeting(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const meeting = requireMeeting(state, c);
  const body = validate(meetingBodySchema, await readJson(c));
  if (body.organizerEmail.toLowerCase() !== meeting.organizerEmail.toLowerCase()) {
    const u = state.userByEmail(body.organizerEmail);
    if (!u || u.id !== meeting.organizerUserId) {
      throw gongNotFound(
        `No meeting found corresponding to the provided meeting ID ${meeting.meetingId} and organizer email ${body.organizerEmail}: organizerEmail must be the email of the user who created the meeting`,
      );
    }
  }
  checkMeetingTimes(body.startTime, body.endTime);
  const organizer = meetingOrganizer(state, body.organizerEmail);
  meeting.startTime = body.startTime;
  meeting.endTime = body.endTime;
  if (body.title !== undefined) meeting.title = body.title;
  else delete meeting.title;
  if (body.externalId !== undefined) meeting.externalId = body.externalId;
  else delete meeting.externalId;
  meeting.invitees = dedupeInvitees(body.invitees);
  meeting.provider = pickProvider(organizer, body.provider);
  meeting.updated = state.now().toISOString();
  return gongJson(c, deps, { meetingId: meeting.meetingId });
}

const deleteMeetingSchema = z.object({ organizerEmail: email("the organizer's").optional() });

async function deleteMeeting(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const meeting = requireMeeting(state, c);
  const text = await c.req.text();
  const body = text.trim() ? validate(deleteMeetingSchema, parseText(text)) : {};
  if (body.organizerEmail !== undefined) {
    const u = state.userByEmail(body.organizerEmail);
    if (!u || u.id !== meeting.organizerUserId) {
      throw gongNotFound(
        `No Gong meeting found corresponding to the provided organizer email ${body.organizerEmail} (meeting ${meeting.meetingId})`,
      );
    }
  }
  state.meetings.delete(meeting.meetingId);
  return c.json({ organizerEmail: meeting.organizerEmail });
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
}

const integrationStatusSchema = z.object({
  emails: z
    .array(z.string().regex(EMAIL, 'expected an email address'), {
      error: 'required: a list of user email addresses (up to 100)',
    })
    .min(1, 'send at least one email address')
    .max(100, 'at most 100 email addresses per request'),
});

async function integrationStatus(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const body = validate(integrationStatusSchema, await readJson(c));
  const users = body.emails.map((e) => {
    const u = state.userByEmail(e);
    if (!u) {
      return {
        email: e,
        exists: false,
        valid: false,
        userFacingError: 'No Gong user has this email address.',
        helpUrl: HELP_URL,
      };
    }
    const problem = integrationProblem(state, u);
    if (!problem) return { email: e, exists: true, valid: true };
    return {
      email: e,
      exists: true,
      valid: false,
      userFacingError: problem.error,
      ...(problem.fixUrl ? { fixUrl: problem.fixUrl } : {}),
      helpUrl: HELP_URL,
    };
  });
  return gongJson(c, deps, { users });
}

// ---------------------------------------------------------------------------------------------------------------
// POST /v2/digital-interaction

const FIELD_TYPES = ['STRING', 'NUMBER', 'DATE', 'URL', 'BOOLEAN', 'DURATION'] as const;
const customFieldSchema = z.object({
  name: z.string().min(1, 'required'),
  value: z.string({ error: 'required: the value as a string' }),
  dataType: z.enum(FIELD_TYPES, { error: `expected one of ${FIELD_TYPES.join(', ')}` }).optional(),
});

const digitalInteractionSchema = z.object({
  eventId: z.string({ error: 'required: your unique id of the event' }).min(1, 'required'),
  timestamp: z.string({ error: 'required: an ISO-8601 date-time' }),
  eventType: z.string({ error: 'required: the type of the event, e.g. "page viewed"' }).min(1, 'required'),
  sourceSystemName: z.string().optional(),
  sessionId: z.string().optional(),
  device: z.enum(['MOBILE', 'PC'], { error: 'expected MOBILE or PC' }).optional(),
  content: z.object(
    {
      contentId: z.string().optional(),
      contentTitle: z.string({ error: 'required: the title of the content' }).min(1, 'required'),
      contentLabel: z.array(z.string()).optional(),
      contentUrl: z.string().optional(),
      contentAdditionalInfoUrl: z.string().optional(),
      numericContentDetails: z
        .object({
          value: z.int().optional(),
          rangeFrom: z.int({ error: 'required: the lowest possible value' }),
          rangeTo: z.int({ error: 'required: the highest possible value' }),
          numericType: z.enum(['PERCENTAGE', 'NPS', 'RATING', 'OTHER']).optional(),
        })
        .optional(),
      stepContentDetails: z
        .object({
          value: z.string({ error: 'required: the current step' }),
          availableSteps: z.array(z.string(), { error: 'required: every step of the process' }).min(1),
        })
        .optional(),
      searchObjectDetails: z
        .object({
          name: z.string({ error: 'required' }),
          objectType: z.enum(['VENDOR', 'PRODUCT', 'CATEGORY'], { error: 'expected VENDOR, PRODUCT or CATEGORY' }),
          domain: z.string({ error: 'required' }),
          objectId: z.string().optional(),
          url: z.string().optional(),
        })
        .optional(),
      contentCustomFields: z.array(customFieldSchema).optional(),
    },
    { error: 'required: an object with at least contentTitle' },
  ),
  person: z
    .object({
      name: z.string().optional(),
      email: z.string().regex(EMAIL, 'expected an email address').optional(),
      phoneNumber: z.string().optional(),
      personId: z.string().optional(),
      personBusinessContext: z
        .object({
          objectType: z.enum(['CONTACT', 'LEAD'], { error: 'expected CONTACT or LEAD' }),
          objectId: z.string({ error: 'required' }),
          systemName: z.string().optional(),
        })
        .optional(),
      location: z
        .object({
          country: z.string().optional(),
          state: z.string().optional(),
          region: z.string().optional(),
          city: z.string().optional(),
        })
        .optional(),
      company: z
        .object({
          companyId: z.string().optional(),
          name: z.string().optional(),
          domain: z.string().optional(),
          companyBusinessContexts: z
            .array(
              z.object({
                objectType: z.enum(['ACCOUNT', 'OPPORTUNITY'], { error: 'expected ACCOUNT or OPPORTUNITY' }),
                objectId: z.string({ error: 'required' }),
                systemName: z.string().optional(),
              }),
            )
            .optional(),
        })
        .optional(),
      personCustomFields: z.array(customFieldSchema).optional(),
    })
    .nullable()
    .optional(),
  customFields: z.array(customFieldSchema).optional(),
  trackingId: z.string().nullable().optional(),
});

/** A custom field's value in the format its dataType says (400 naming the field otherwise). */
function checkCustomFields(list: z.output<typeof customFieldSchema>[] | undefined, path: string) {
  (list ?? []).forEach((f, i) => {
    const at = `${path}[${i}].value`;
    const v = f.value;
    switch (f.dataType ?? 'STRING') {
      case 'NUMBER':
      case 'DURATION':
        if (v.trim() === '' || !Number.isFinite(Number(v))) throw badRequest(`${at}: expected a number; got "${v}"`);
        break;
      case 'BOOLEAN':
        if (!/^(true|false)$/i.test(v)) throw badRequest(`${at}: expected true or false; got "${v}"`);
        break;
      case 'DATE':
        parseDateTime(v, at);
        break;
      case 'URL':
        checkUrl(v, at);
        break;
    }
  });
}

function checkUrl(v: string, at: string) {
  let ok = false;
  try {
    ok = /^https?:$/.test(new URL(v).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw badRequest(`${at}: expected an absolute http(s) URL; got ${JSON.stringify(v)}`);
}

async function postDigitalInteraction(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const raw = await readJson(c);
  const body = validate(digitalInteractionSchema, raw);
  parseDateTime(body.timestamp, 'timestamp');
  const person = body.person ?? undefined;
  const trackingId = body.trackingId ?? undefined;
  if (person && trackingId) {
    throw badRequest('person: must be null when trackingId is sent (send either the person or a trackingId)');
  }
  if (!person && !trackingId) throw badRequest('person: required unless a trackingId identifies the person');
  if (person) {
    const anonymous = !person.name && !person.email && !person.phoneNumber && !person.personBusinessContext;
    if (anonymous && !person.personId) {
      throw badRequest(
        'person.personId: required for an anonymous person (no name, email, phoneNumber or personBusinessContext)',
      );
    }
    if (anonymous && !person.company?.domain) {
      throw badRequest(
        'person.company.domain: required for an anonymous person, to associate the event with a company',
      );
    }
    if (person.company && !person.company.domain && !person.company.companyBusinessContexts?.length) {
      throw badRequest(
        'person.company: include a domain or a companyBusinessContexts entry (CRM account or opportunity) so Gong can associate the company',
      );
    }
    checkCustomFields(person.personCustomFields, 'person.personCustomFields');
  }
  const content = body.content;
  if (content.contentUrl) checkUrl(content.contentUrl, 'content.contentUrl');
  if (content.contentAdditionalInfoUrl) checkUrl(content.contentAdditionalInfoUrl, 'content.contentAdditionalInfoUrl');
  const n = content.numericContentDetails;
  if (n) {
    if (n.rangeFrom > n.rangeTo) {
      throw badRequest('content.numericContentDetails.rangeFrom: must not be greater than rangeTo');
    }
    if (n.value !== undefined && (n.value < n.rangeFrom || n.value > n.rangeTo)) {
      throw badRequest(
        `content.numericContentDetails.value: ${n.value} is outside the range ${n.rangeFrom}..${n.rangeTo}`,
      );
    }
  }
  const step = content.stepContentDetails;
  if (step && !step.availableSteps.includes(step.value)) {
    throw badRequest(
      `content.stepContentDetails.value: "${step.value}" is not one of availableSteps (${step.availableSteps.join(', ')})`,
    );
  }
  checkCustomFields(content.contentCustomFields, 'content.contentCustomFields');
  checkCustomFields(body.customFields, 'customFields');
  const previous = state.digitalInteractions.get(body.eventId);
  if (previous) {
    throw new EmulatorHttpError(
      409,
      `Conflict - Event was already reported in the past: eventId ${body.eventId} was received at ${previous.received}`,
    );
  }
  state.digitalInteractions.set(body.eventId, {
    eventId: body.eventId,
    timestamp: body.timestamp,
    eventType: body.eventType,
    ...(person?.email ? { personEmail: person.email.toLowerCase() } : {}),
    ...(trackingId ? { trackingId } : {}),
    received: state.now().toISOString(),
    body: raw as Record<string, unknown>,
  });
  return gongJson(c, deps, {});
}

// ---------------------------------------------------------------------------------------------------------------
// PUT /v2/customer-engagement/{content/shared, content/viewed, action}

const crmFieldSchema = z.object({ name: z.string().optional(), value: z.unknown().optional() });
const partySchema = z.object({
  email: z.string().regex(EMAIL, 'expected an email address').optional(),
  name: z.string().optional(),
  title: z.string().optional(),
  context: z
    .array(
      z.object({
        system: z.enum(['Salesforce', 'HubSpot', 'MicrosoftDynamic', 'Generic'], {
          error: 'expected Salesforce, HubSpot, MicrosoftDynamic or Generic',
        }),
        objects: z
          .array(
            z.object({
              objectType: z.enum(['Lead', 'Contact', 'Account', 'Opportunity', 'User', 'Lead,Contact'], {
                error: 'expected Lead, Contact, Account, Opportunity or User',
              }),
              objectId: z.string({ error: 'required' }),
              fields: z.array(crmFieldSchema).optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});
const crmContextSchema = z.array(
  z.object({
    system: z.enum(['Salesforce', 'HubSpot', 'MicrosoftDynamic', 'Generic'], {
      error: 'expected Salesforce, HubSpot, MicrosoftDynamic or Generic',
    }),
    objects: z
      .array(
        z.object({
          objectType: z.enum(['Opportunity', 'Account', 'Lead', 'Contact', 'User', 'Opportunity,Account'], {
            error: 'expected Opportunity, Account, Lead, Contact or User',
          }),
          objectId: z.string({ error: 'required' }),
          fields: z.array(crmFieldSchema).optional(),
        }),
      )
      .optional(),
  }),
);
/** The spec's enum is the single string "number, string, url, date"; Gong accepts each of the four. */
const propertySchema = z.object({
  name: z.string({ error: 'required' }).min(1, 'required'),
  value: z.string({ error: 'required: the value as a string' }),
  dataType: z.enum(['number', 'string', 'url', 'date'], { error: 'required: one of number, string, url, date' }),
});
const sharerSchema = z.object({
  id: z
    .string()
    .regex(/^\d{1,20}$/, 'expected a numeric Gong user id')
    .optional(),
  email: z.string().regex(EMAIL, 'expected an email address').optional(),
  name: z.string().optional(),
});

const engagementBase = {
  reportingSystem: z.string({ error: 'required: the id of your reporting system' }).min(1, 'required'),
  eventTimestamp: z.string({ error: 'required: an ISO-8601 date-time' }),
  eventId: z.string().optional(),
  crmContext: crmContextSchema.optional(),
  contentProperties: z.array(propertySchema).optional(),
  eventProperties: z.array(propertySchema).optional(),
  workspaceId: z.string().optional(),
  nonCompanyParticipants: z.array(partySchema).optional(),
  moreInfoUrl: z.string().optional(),
  trackingId: z.string().nullable().optional(),
  mobileAppId: z.string().optional(),
  agentPlatform: z.string().optional(),
  userAgent: z.string().optional(),
  actionName: z.string().optional(),
  sharer: sharerSchema.optional(),
  sharingMessageSubject: z.string().optional(),
  sharingMessageBody: z.string().optional(),
  shareId: z.string().optional(),
};
const requiredContent = {
  contentId: z.string({ error: 'required: the id of the content in your system' }).min(1, 'required'),
  contentUrl: z.string({ error: 'required: the URL of the content' }),
  contentTitle: z.string({ error: 'required: the title of the content' }).min(1, 'required'),
};

const contentSharedSchema = z.object({
  ...engagementBase,
  ...requiredContent,
  shareInfoUrl: z.string().optional(),
  recipients: z
    .array(partySchema.extend({ email: z.string({ error: 'required' }).regex(EMAIL, 'expected an email address') }))
    .optional(),
});
const contentViewedSchema = z.object({
  ...engagementBase,
  ...requiredContent,
  viewActionTitle: z.string().optional(),
  viewInfoUrl: z.string().optional(),
  viewer: partySchema.optional(),
});
const customActionSchema = z.object({
  ...engagementBase,
  contentId: z.string().optional(),
  contentUrl: z.string().optional(),
  contentTitle: z.string().optional(),
  eventInfoUrl: z.string().optional(),
  actor: partySchema.optional(),
});

type EngagementBody = z.output<typeof contentSharedSchema> &
  z.output<typeof contentViewedSchema> &
  z.output<typeof customActionSchema>;

function checkProperties(list: z.output<typeof propertySchema>[] | undefined, path: string) {
  (list ?? []).forEach((p, i) => {
    const at = `${path}[${i}].value`;
    if (p.dataType === 'number' && (p.value.trim() === '' || !Number.isFinite(Number(p.value)))) {
      throw badRequest(`${at}: dataType is number; "${p.value}" is not a number`);
    }
    if (p.dataType === 'date') parseDateTime(p.value, at);
    if (p.dataType === 'url') checkUrl(p.value, at);
  });
}

function engagementHandler(kind: EngagementEventKind, schema: z.ZodType) {
  return async (c: GongContext, deps: GongDeps) => {
    const { state } = deps;
    const raw = await readJson(c);
    const body = validate(schema, raw) as Partial<EngagementBody> & { reportingSystem: string; eventTimestamp: string };
    parseDateTime(body.eventTimestamp, 'eventTimestamp');
    for (const f of ['contentUrl', 'shareInfoUrl', 'viewInfoUrl', 'eventInfoUrl', 'moreInfoUrl'] as const) {
      const v = body[f];
      if (v !== undefined) checkUrl(v, f);
    }
    checkProperties(body.contentProperties, 'contentProperties');
    checkProperties(body.eventProperties, 'eventProperties');
    if (body.workspaceId !== undefined) {
      requireNumericId(body.workspaceId, 'workspaceId');
      if (!state.workspaces.has(body.workspaceId)) {
        throw badRequest(`workspaceId: no workspace with the id ${body.workspaceId} (GET /v2/workspaces lists them)`);
      }
    }
    if (kind === 'content-viewed' && body.viewer && body.trackingId) {
      throw badRequest('trackingId: must be null when a viewer is sent (send either the viewer or a trackingId)');
    }
    let sharerUserId: string | undefined;
    if (body.sharer?.id !== undefined) {
      const u = state.users.get(body.sharer.id);
      if (!u) throw badRequest(`sharer.id: no Gong user with the id ${body.sharer.id}`);
      sharerUserId = u.id;
    } else if (body.sharer?.email) sharerUserId = state.userByEmail(body.sharer.email)?.id;
    if (body.eventId !== undefined) {
      const dup = state.engagementEvents.find(
        (e) => e.kind === kind && e.reportingSystem === body.reportingSystem && e.eventId === body.eventId,
      );
      if (dup) {
        throw new EmulatorHttpError(
          409,
          `Conflict - Event was already reported in the past: eventId ${body.eventId} of ${body.reportingSystem} was received at ${dup.received}`,
        );
      }
    }
    let integrationId = state.engagementIntegrations.get(body.reportingSystem);
    if (!integrationId) {
      integrationId = state.nextId('other');
      state.engagementIntegrations.set(body.reportingSystem, integrationId);
    }
    const emails = [
      ...(body.recipients ?? []).map((r) => r.email),
      body.viewer?.email,
      body.actor?.email,
      ...(body.nonCompanyParticipants ?? []).map((p) => p.email),
    ]
      .filter((e): e is string => typeof e === 'string')
      .map((e) => e.toLowerCase());
    state.engagementEvents.push({
      kind,
      integrationId,
      reportingSystem: body.reportingSystem,
      ...(body.eventId !== undefined ? { eventId: body.eventId } : {}),
      eventTimestamp: body.eventTimestamp,
      ...(body.contentId !== undefined ? { contentId: body.contentId } : {}),
      ...(body.contentTitle !== undefined ? { contentTitle: body.contentTitle } : {}),
      ...(sharerUserId ? { sharerUserId } : {}),
      externalEmails: [...new Set(emails)],
      ...(body.workspaceId !== undefined ? { workspaceId: body.workspaceId } : {}),
      received: state.now().toISOString(),
      body: raw as Record<string, unknown>,
    });
    return gongJson64(deps, { integrationId: BigInt(integrationId) });
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Routes

/** Routes of the stats group: stats, scorecards, coaching, meetings, engagement (docs/architecture.md, "Emulator modules"). */
export const ROUTES: RouteDef[] = [
  {
    method: 'POST',
    path: '/v2/stats/activity/aggregate',
    scopes: ['api:stats:user-actions'],
    handler: aggregateActivity,
  },
  {
    method: 'POST',
    path: '/v2/stats/activity/aggregate-by-period',
    scopes: ['api:stats:user-actions'],
    handler: aggregateByPeriod,
  },
  {
    method: 'POST',
    path: '/v2/stats/activity/day-by-day',
    scopes: ['api:stats:user-actions:detailed'],
    handler: dayByDay,
  },
  { method: 'POST', path: '/v2/stats/interaction', scopes: ['api:stats:interaction'], handler: interaction },
  {
    method: 'POST',
    path: '/v2/stats/activity/scorecards',
    scopes: ['api:stats:scorecards'],
    handler: answeredScorecards,
  },
  { method: 'GET', path: '/v2/settings/scorecards', scopes: ['api:settings:scorecards:read'], handler: listScorecards },
  { method: 'GET', path: '/v2/coaching', scopes: ['api:coaching:read'], handler: coaching },
  { method: 'POST', path: '/v2/meetings', scopes: ['api:meetings:user:create'], handler: createMeeting },
  { method: 'PUT', path: '/v2/meetings/{meetingId}', scopes: ['api:meetings:user:update'], handler: updateMeeting },
  { method: 'DELETE', path: '/v2/meetings/{meetingId}', scopes: ['api:meetings:user:delete'], handler: deleteMeeting },
  {
    method: 'POST',
    path: '/v2/meetings/integration/status',
    scopes: ['api:meetings:integration:status'],
    handler: integrationStatus,
  },
  {
    method: 'POST',
    path: '/v2/digital-interaction',
    scopes: ['api:digital-interactions:write'],
    handler: postDigitalInteraction,
  },
  {
    method: 'PUT',
    path: '/v2/customer-engagement/content/shared',
    scopes: ['api:engagement-data:write'],
    handler: engagementHandler('content-shared', contentSharedSchema),
  },
  {
    method: 'PUT',
    path: '/v2/customer-engagement/content/viewed',
    scopes: ['api:engagement-data:write'],
    handler: engagementHandler('content-viewed', contentViewedSchema),
  },
  {
    method: 'PUT',
    path: '/v2/customer-engagement/action',
    scopes: ['api:engagement-data:write'],
    handler: engagementHandler('custom-action', customActionSchema),
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Seed

/** A deterministic number in [0, n) from a key (answers do not change between resets). */
function pick(key: string, n: number): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % n;
}

type QuestionSpec = [text: string, type: ScorecardQuestionType, guide: string, options?: string[]];

function buildScorecard(
  state: GongState,
  name: string,
  workspaceId: string,
  reviewMethod: 'AUTOMATIC' | 'MANUAL',
  enabled: boolean,
  updaterUserId: string,
  createdDaysAgo: number,
  questions: QuestionSpec[],
): ScorecardRecord {
  const now = state.now().getTime();
  const at = (daysAgo: number) => new Date(now - (now % DAY_MS) - daysAgo * DAY_MS + 17 * 3_600_000).toISOString();
  let optionId = 0;
  const card: ScorecardRecord = {
    scorecardId: state.nextId('other'),
    scorecardName: name,
    workspaceId,
    enabled,
    updaterUserId,
    created: at(createdDaysAgo),
    updated: at(Math.floor(createdDaysAgo / 3)),
    reviewMethod,
    questions: [
      {
        questionId: state.nextId('other'),
        questionRevisionId: state.nextId('other'),
        questionText: 'Overall, how well was this call run?',
        isOverall: true,
        questionType: 'RANGE',
        answerGuide: '1 = needs significant coaching, 5 = a model call to share with the team.',
        minRange: 1,
        maxRange: 5,
      },
      ...questions.map(([text, type, guide, options]): ScorecardQuestion => {
        const q: ScorecardQuestion = {
          questionId: state.nextId('other'),
          questionRevisionId: state.nextId('other'),
          questionText: text,
          isOverall: false,
          questionType: type,
          answerGuide: guide,
        };
        if (type === 'RANGE') {
          q.minRange = 1;
          q.maxRange = 5;
        }
        if (options) q.answerOptions = options.map((t) => ({ id: 1000 + ++optionId, text: t }));
        return q;
      }),
    ],
  };
  state.scorecards.set(card.scorecardId, card);
  return card;
}

const COACHING_NOTES = [
  'Quantify the business impact before presenting pricing.',
  'Great discovery questions; confirm the decision process next time.',
  'Slow down during the demo and check for understanding.',
  'Agree on a dated next step before the call ends.',
  'Strong rapport; let the customer talk more in the first ten minutes.',
];

/** Manual answers: plausible, deterministic per call and question; the overall score follows the others. */
function manualAnswers(card: ScorecardRecord, callId: string): ScorecardAnswer[] {
  const rest = card.questions.filter((q) => !q.isOverall);
  const answers = rest.map((q): ScorecardAnswer => {
    const key = `${callId}:${q.questionId}`;
    const base = {
      questionId: q.questionId,
      questionRevisionId: q.questionRevisionId,
      isOverall: false,
      score: null,
      answerText: null,
      notApplicable: false,
      selectedOptions: null,
    };
    if (q.questionType === 'RANGE') {
      if (pick(`na:${key}`, 9) === 0) return { ...base, notApplicable: true };
      return { ...base, score: 2 + pick(key, 4) };
    }
    if (q.questionType === 'SINGLE_SELECT') {
      const o = q.answerOptions![pick(key, q.answerOptions!.length)]!;
      return { ...base, answerText: o.text, selectedOptions: [String(o.id)] };
    }
    if (q.questionType === 'MULTI_SELECT') {
      const chosen = q.answerOptions!.filter((o) => pick(`${key}:${o.id}`, 3) !== 0);
      const list = chosen.length > 0 ? chosen : [q.answerOptions![0]!];
      return {
        ...base,
        answerText: list.map((o) => o.text).join(', '),
        selectedOptions: list.map((o) => String(o.id)),
      };
    }
    return { ...base, answerText: COACHING_NOTES[pick(key, COACHING_NOTES.length)]! };
  });
  const scores = answers.map((a) => a.score).filter((s): s is number => s !== null);
  const overall = card.questions.find((q) => q.isOverall)!;
  return [
    {
      questionId: overall.questionId,
      questionRevisionId: overall.questionRevisionId,
      isOverall: true,
      score: scores.length ? Math.round(scores.reduce((a, b) => a + b, 0) / scores.length) : 3 + pick(callId, 2),
      answerText: null,
      notApplicable: false,
      selectedOptions: null,
    },
    ...answers,
  ];
}

/** Automatic answers computed from the call: talk ratio, next steps, discovery questions. */
function automaticAnswers(card: ScorecardRecord, call: CallRecord): ScorecardAnswer[] {
  const [overall, talk, next, questions] = card.questions;
  const s = interactionStats(call, call.primaryUserId);
  const checks = [
    s !== undefined && s.talkRatio < 0.65,
    call.transcript.some((m) => m.topic === 'Next Steps'),
    questionCounts(call).companyCount >= 2,
  ];
  const yesNo = (q: ScorecardQuestion, yes: boolean): ScorecardAnswer => {
    const o = q.answerOptions!.find((x) => x.text === (yes ? 'Yes' : 'No'))!;
    return {
      questionId: q.questionId,
      questionRevisionId: q.questionRevisionId,
      isOverall: false,
      score: null,
      answerText: o.text,
      notApplicable: false,
      selectedOptions: [String(o.id)],
    };
  };
  const passed = checks.filter(Boolean).length;
  return [
    {
      questionId: overall!.questionId,
      questionRevisionId: overall!.questionRevisionId,
      isOverall: true,
      score: 1 + Math.round((4 * passed) / checks.length),
      answerText: null,
      notApplicable: false,
      selectedOptions: null,
    },
    yesNo(talk!, checks[0]!),
    yesNo(next!, checks[1]!),
    yesNo(questions!, checks[2]!),
  ];
}

/**
 * Seed data of the stats group, added after the base seed (deterministic: no randomness, ids from the state):
 * scorecards with questions; a manual review for every `callsScorecardsFilled` entry of the ledger and an automatic
 * review of every external call; a meeting; a broken meeting integration; engagement events and a digital
 * interaction of a Northwind contact. Coaching metrics need no seed: they are read from the ledger.
 */
export function seedStats(state: GongState): void {
  const users = [...state.users.values()];
  const byName = (first: string) => users.find((u) => u.firstName === first);
  const dana = byName('Dana');
  const marcus = byName('Marcus');
  const priya = byName('Priya');
  const jordan = byName('Jordan');
  const sofia = byName('Sofia');
  const workspaces = [...state.workspaces.values()];
  const sales = workspaces.find((w) => w.name === 'Sales');
  const cs = workspaces.find((w) => w.name === 'Customer Success');
  if (!dana || !marcus || !priya || !jordan || !sofia || !sales || !cs) return;
  const now = state.now().getTime();

  // --- scorecards -------------------------------------------------------------------------------------------
  const yesPartlyNo = ['Yes', 'Partially', 'No'];
  const discovery = buildScorecard(state, 'Discovery & qualification', sales.id, 'MANUAL', true, marcus.id, 300, [
    ['Did the rep uncover the business goals and their impact?', 'RANGE', 'Look for quantified goals and pains.'],
    [
      'Which qualification areas were covered?',
      'MULTI_SELECT',
      'Tick every area the rep confirmed.',
      ['Budget', 'Authority', 'Need', 'Timeline'],
    ],
    ['Was a dated next step agreed?', 'SINGLE_SELECT', 'A date and an owner count as Yes.', yesPartlyNo],
    ['What should the rep do differently next time?', 'TEXT', 'One concrete coaching point.'],
  ]);
  const demo = buildScorecard(state, 'Demo & technical evaluation', sales.id, 'MANUAL', true, marcus.id, 280, [
    ['Was the demo tailored to the prospect’s goals?', 'RANGE', 'Generic feature tours score 1-2.'],
    ['How well were technical and security questions handled?', 'RANGE', 'Accurate, confident, followed up.'],
    ['Was a dated next step agreed?', 'SINGLE_SELECT', 'A date and an owner count as Yes.', yesPartlyNo],
    ['Coaching note', 'TEXT', 'One concrete coaching point.'],
  ]);
  const pricing = buildScorecard(state, 'Pricing & negotiation', sales.id, 'MANUAL', true, dana.id, 250, [
    ['Did the rep defend value before discussing discounts?', 'RANGE', 'Discount offered first scores 1.'],
    [
      'How was the competitor mention handled?',
      'SINGLE_SELECT',
      'Pick the closest.',
      ['Differentiated', 'Ignored', 'Conceded'],
    ],
    ['Coaching note', 'TEXT', 'One concrete coaching point.'],
  ]);
  const onboarding = buildScorecard(state, 'Onboarding kickoff', cs.id, 'MANUAL', true, jordan.id, 200, [
    ['Were the customer’s success criteria captured?', 'RANGE', 'Written, measurable criteria score 5.'],
    ['Was the rollout plan agreed?', 'SINGLE_SELECT', 'A dated plan counts as Yes.', yesPartlyNo],
    ['Coaching note', 'TEXT', 'One concrete coaching point.'],
  ]);
  const automatic = buildScorecard(state, 'Call hygiene (automatic)', sales.id, 'AUTOMATIC', true, dana.id, 120, [
    ['Rep talk ratio under 65%', 'SINGLE_SELECT', 'Scored by Gong from the transcript.', ['Yes', 'No']],
    ['Next steps discussed', 'SINGLE_SELECT', 'Scored by Gong from the transcript.', ['Yes', 'No']],
    ['Rep asked at least two questions', 'SINGLE_SELECT', 'Scored by Gong from the transcript.', ['Yes', 'No']],
  ]);
  const legacy = buildScorecard(state, 'Cold call (legacy)', sales.id, 'MANUAL', false, marcus.id, 700, [
    ['Did the rep get past the gatekeeper?', 'SINGLE_SELECT', 'Retired scorecard.', ['Yes', 'No']],
  ]);
  STATS_SEED.scorecards = {
    discovery: discovery.scorecardId,
    demo: demo.scorecardId,
    pricing: pricing.scorecardId,
    onboarding: onboarding.scorecardId,
    automatic: automatic.scorecardId,
    legacy: legacy.scorecardId,
  };
  const cardFor = (call: CallRecord): ScorecardRecord => {
    if (call.workspaceId === cs.id) return onboarding;
    if (call.purpose === 'Product demo' || call.purpose === 'Security review') return demo;
    if (call.purpose === 'Pricing discussion') return pricing;
    return discovery;
  };

  // --- manual reviews: one per ledger `callsScorecardsFilled` entry ------------------------------------------
  const tz = state.company.timeZone;
  const entries = [...state.activity.values()].sort((a, b) =>
    a.date === b.date ? (a.userId < b.userId ? -1 : 1) : a.date < b.date ? -1 : 1,
  );
  for (const a of entries) {
    for (const callId of a.callsScorecardsFilled) {
      const call = state.calls.get(callId);
      if (!call) continue;
      const card = cardFor(call);
      const end = Date.parse(call.started) + call.duration * 1000;
      // Reviewed the same (company-local) day as the ledger says, after the call.
      const reviewAt = Math.min(
        end + (1 + pick(`t:${callId}`, 3)) * 3_600_000,
        dayStart(addDays(a.date, 1), tz) - 60_000,
      );
      const id = state.nextId('other');
      const edited = pick(`e:${callId}`, 6) === 0 && a.userId !== dana.id;
      state.answeredScorecards.set(id, {
        answeredScorecardId: id,
        scorecardId: card.scorecardId,
        callId,
        reviewedUserId: call.primaryUserId,
        reviewerUserId: a.userId,
        reviewMethod: 'MANUAL',
        ...(edited ? { editorUserId: dana.id } : {}),
        reviewTime: new Date(reviewAt).toISOString(),
        visibilityType: pick(`v:${callId}`, 4) === 0 ? 'MANAGERS_AND_REVIEWEE' : 'PUBLIC',
        answers: manualAnswers(card, callId),
      });
    }
  }

  // --- automatic reviews: every external Sales call with a transcript ----------------------------------------
  for (const call of state.callsInOrder()) {
    if (call.scope !== 'External' || call.workspaceId !== sales.id || call.transcript.length === 0) continue;
    const id = state.nextId('other');
    state.answeredScorecards.set(id, {
      answeredScorecardId: id,
      scorecardId: automatic.scorecardId,
      callId: call.id,
      reviewedUserId: call.primaryUserId,
      reviewMethod: 'AUTOMATIC',
      reviewTime: new Date(Date.parse(call.started) + call.duration * 1000 + 15 * 60_000).toISOString(),
      visibilityType: 'PUBLIC',
      answers: automaticAnswers(automatic, call),
    });
  }

  // --- meetings and meeting integrations ---------------------------------------------------------------------
  const today0 = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
  const meetingId = state.nextId('other');
  const start = new Date(today0 + 2 * DAY_MS + 17 * 3_600_000);
  state.meetings.set(meetingId, {
    meetingId,
    title: 'Northwind <> Switchboard Demo Co | Tailored demo',
    startTime: start.toISOString(),
    endTime: new Date(start.getTime() + 45 * 60_000).toISOString(),
    organizerUserId: priya.id,
    organizerEmail: priya.emailAddress,
    invitees: [
      { email: 'laura.chen@northwind.example', displayName: 'Laura Chen', firstName: 'Laura', lastName: 'Chen' },
      { email: 'victor.hale@northwind.example', displayName: 'Victor Hale', firstName: 'Victor', lastName: 'Hale' },
      { email: byName('Elena')?.emailAddress ?? 'elena.novak@switchboard-demo.example', displayName: 'Elena Novak' },
    ],
    externalId: 'cal-evt-northwind-demo',
    provider: 'Zoom',
    meetingUrl: `${priya.meetingConsentPageUrl}?meeting=${meetingId}`,
    created: new Date(now - DAY_MS).toISOString(),
    updated: new Date(now - DAY_MS).toISOString(),
  });
  state.meetingIntegrationIssues.set(
    sofia.id,
    'Your Google Calendar connection expired, so Gong cannot add itself to your meetings. Reconnect your calendar.',
  );
  STATS_SEED.meeting = meetingId;
  STATS_SEED.integrationBroken = [sofia.id];

  // --- engagement: a proposal shared with Northwind and viewed; a pricing page visit --------------------------
  const integrationId = state.nextId('other');
  state.engagementIntegrations.set('switchboard-docs', integrationId);
  const sharedAt = new Date(today0 - 3 * DAY_MS + 18 * 3_600_000).toISOString();
  const viewedAt = new Date(today0 - 2 * DAY_MS + 16 * 3_600_000).toISOString();
  const content = {
    contentId: 'doc-northwind-proposal-v2',
    contentUrl: 'https://docs.switchboard-demo.example/p/northwind-proposal-v2',
    contentTitle: 'Northwind - Platform expansion proposal (v2)',
  };
  state.engagementEvents.push(
    {
      kind: 'content-shared',
      integrationId,
      reportingSystem: 'switchboard-docs',
      eventId: 'share-0001',
      eventTimestamp: sharedAt,
      contentId: content.contentId,
      contentTitle: content.contentTitle,
      sharerUserId: priya.id,
      externalEmails: ['laura.chen@northwind.example'],
      workspaceId: sales.id,
      received: sharedAt,
      body: {
        reportingSystem: 'switchboard-docs',
        eventTimestamp: sharedAt,
        eventId: 'share-0001',
        ...content,
        sharer: { id: priya.id, email: priya.emailAddress, name: state.fullName(priya) },
        recipients: [{ email: 'laura.chen@northwind.example', name: 'Laura Chen' }],
        workspaceId: sales.id,
      },
    },
    {
      kind: 'content-viewed',
      integrationId,
      reportingSystem: 'switchboard-docs',
      eventId: 'view-0001',
      eventTimestamp: viewedAt,
      contentId: content.contentId,
      contentTitle: content.contentTitle,
      externalEmails: ['laura.chen@northwind.example'],
      workspaceId: sales.id,
      received: viewedAt,
      body: {
        reportingSystem: 'switchboard-docs',
        eventTimestamp: viewedAt,
        eventId: 'view-0001',
        ...content,
        viewer: { email: 'laura.chen@northwind.example', name: 'Laura Chen', title: 'Director of Sales Operations' },
        workspaceId: sales.id,
      },
    },
  );
  const visitAt = new Date(today0 - DAY_MS + 15 * 3_600_000).toISOString();
  state.digitalInteractions.set('web-visit-0001', {
    eventId: 'web-visit-0001',
    timestamp: visitAt,
    eventType: 'page viewed',
    personEmail: 'laura.chen@northwind.example',
    received: visitAt,
    body: {
      eventId: 'web-visit-0001',
      timestamp: visitAt,
      eventType: 'page viewed',
      sourceSystemName: 'Switchboard website',
      content: { contentTitle: 'Pricing', contentUrl: 'https://www.switchboard-demo.example/pricing' },
      person: {
        name: 'Laura Chen',
        email: 'laura.chen@northwind.example',
        company: { name: 'Northwind Traders', domain: 'northwind.example' },
      },
    },
  });
}
