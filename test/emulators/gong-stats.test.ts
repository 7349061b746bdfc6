/**
 * The Gong emulator's stats group driven through its Hono app: activity stats computed from the ledger (and
 * consistent across aggregate, by-period and day-by-day), interaction stats, scorecards, coaching, meetings,
 * digital interactions and engagement events, with Gong's validation, errors, pagination and scopes. Success bodies
 * are checked against the response schemas of Gong's OpenAPI document when it is present (`../shared/specs/`).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { interactionStats } from '../../src/emulators/gong/analysis.ts';
import {
  ACTIVITY_KINDS,
  createGongEmulator,
  GONG_DEMO,
  GONG_SEED,
  type GongEmulator,
  type GongState,
} from '../../src/emulators/gong/index.ts';
import { STATS_SEED } from '../../src/emulators/gong/routes-stats.ts';

/** A Wednesday, noon in Los Angeles (the seeded company's time zone): "today" is 2026-06-17 there. */
const FIXED_NOW = new Date('2026-06-17T19:00:00.000Z');
const BASE = '/emulators/gong';
const BASIC = `Basic ${Buffer.from(`${GONG_DEMO.accessKey}:${GONG_DEMO.accessKeySecret}`).toString('base64')}`;
const U = () => GONG_SEED.users;
const LAST_WEEK = { fromDate: '2026-06-08', toDate: '2026-06-15' };

// biome-ignore lint/suspicious/noExplicitAny: upstream-shaped JSON; assertions check it.
type Json = any;

/** JSON with integers beyond 2^53 kept exact (as bigint), as a careful client reads Gong's int64 ids. */
function parseLossless(text: string): Json {
  const reviver = (_k: string, v: unknown, ctx?: { source?: string }) =>
    typeof v === 'number' && !Number.isSafeInteger(v) && ctx?.source && /^-?\d+$/.test(ctx.source)
      ? BigInt(ctx.source)
      : v;
  return JSON.parse(text, reviver as (k: string, v: unknown) => unknown);
}

function setup() {
  const emulator: GongEmulator = createGongEmulator({
    now: () => FIXED_NOW,
    rateLimits: { perSecond: null, perDay: null },
  });
  const call = async (method: string, path: string, body?: unknown, auth: string = BASIC) => {
    const headers: Record<string, string> = { authorization: auth };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await emulator.app.request(`${BASE}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, body: text ? parseLossless(text) : undefined };
  };
  return {
    emulator,
    state: emulator.state,
    call,
    post: (path: string, body: unknown) => call('POST', path, body),
    put: (path: string, body: unknown) => call('PUT', path, body),
    get: (path: string) => call('GET', path),
    del: (path: string, body?: unknown) => call('DELETE', path, body),
  };
}

/** Every error is Gong's `{requestId, errors: [message]}`; returns the message. */
function gongError(r: { status: number; body: Json }, status: number, includes: string | RegExp): string {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(typeof r.body.requestId, 'string');
  assert.ok(Array.isArray(r.body.errors) && r.body.errors.length === 1, JSON.stringify(r.body));
  const msg = r.body.errors[0] as string;
  if (typeof includes === 'string') assert.ok(msg.includes(includes), `"${msg}" should mention "${includes}"`);
  else assert.match(msg, includes);
  return msg;
}

function daysFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t < Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Totals straight from the ledger, computed here independently of the emulator's routes. */
function ledgerTotals(state: GongState, userId: string, from: string, to: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of ACTIVITY_KINDS) out[k] = 0;
  for (const d of daysFrom(from, to)) {
    const a = state.activity.get(`${userId}|${d}`);
    if (a) for (const k of ACTIVITY_KINDS) out[k]! += a[k].length;
  }
  return out;
}

const sumCounts = (list: Record<string, number>[]) => {
  const out: Record<string, number> = {};
  for (const k of ACTIVITY_KINDS) out[k] = list.reduce((n, x) => n + (x[k] ?? 0), 0);
  return out;
};

// ---------------------------------------------------------------------------------------------------------------
// A small checker of success bodies against the spec's response schemas (closed objects, types, enums; int64
// fields must be integers, exact beyond 2^53; a null is accepted where the spec's text says the value may be null).

const SPEC_PATH = fileURLToPath(new URL('../../../shared/specs/gong-v2.openapi.json', import.meta.url));
const spec: Json = existsSync(SPEC_PATH) ? JSON.parse(readFileSync(SPEC_PATH, 'utf8')) : undefined;

function deref(s: Json): Json {
  let cur = s;
  while (cur?.$ref) {
    cur = (cur.$ref as string)
      .slice(2)
      .split('/')
      .reduce((o: Json, k: string) => o[k], spec);
  }
  return cur;
}

function mismatches(schema: Json, value: unknown, at: string, out: string[]): void {
  const s = deref(schema);
  if (value === null) {
    if (!s.nullable && !/null/i.test(s.description ?? '')) out.push(`${at}: null is not allowed`);
    return;
  }
  switch (s.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        out.push(`${at}: expected an object`);
        return;
      }
      const props = s.properties ?? {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined) continue;
        if (k in props) mismatches(props[k], v, `${at}.${k}`, out);
        else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
          mismatches(s.additionalProperties, v, `${at}.${k}`, out);
        } else if (Object.keys(props).length > 0) out.push(`${at}.${k}: not declared by the spec`);
      }
      return;
    }
    case 'array':
      if (!Array.isArray(value)) out.push(`${at}: expected an array`);
      else {
        value.forEach((v, i) => {
          mismatches(s.items, v, `${at}[${i}]`, out);
        });
      }
      return;
    case 'integer':
      if (!(typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value)))) {
        out.push(`${at}: expected an integer, got ${JSON.stringify(String(value))}`);
      }
      return;
    case 'number':
      if (typeof value !== 'number' && typeof value !== 'bigint') out.push(`${at}: expected a number`);
      return;
    case 'string':
      if (typeof value !== 'string') out.push(`${at}: expected a string, got ${typeof value}`);
      else if (Array.isArray(s.enum) && !s.enum.includes(value)) out.push(`${at}: "${value}" not in ${s.enum}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.push(`${at}: expected a boolean`);
      return;
  }
}

/** Asserts a success body matches the operation's response schema (skipped without the spec). */
function assertSpec(path: string, method: string, body: unknown, status = '200') {
  if (!spec) return;
  const responses = spec.paths[path]?.[method]?.responses;
  assert.ok(responses, `the spec has ${method.toUpperCase()} ${path}`);
  const content = deref(responses[status]).content;
  const schema = (Object.values(content)[0] as Json).schema;
  const out: string[] = [];
  mismatches(schema, body, '$', out);
  assert.deepEqual(out, [], `${method.toUpperCase()} ${path} response differs from the spec`);
}

// ---------------------------------------------------------------------------------------------------------------

describe('the spec checker', () => {
  test('catches an undeclared field, a string where the spec has an int64, and a wrong enum', (t) => {
    if (!spec) return t.skip('gong-v2.openapi.json not found: spec checks skipped');
    const schema = deref(spec.paths['/v2/stats/activity/scorecards'].post.responses['200']).content;
    const out: string[] = [];
    mismatches(
      (Object.values(schema)[0] as Json).schema,
      { answeredScorecards: [{ callId: '7782342274025221732', reviewMethod: 'AI', bogus: 1 }] },
      '$',
      out,
    );
    assert.deepEqual(out.sort(), [
      '$.answeredScorecards[0].bogus: not declared by the spec',
      '$.answeredScorecards[0].callId: expected an integer, got "7782342274025221732"',
      '$.answeredScorecards[0].reviewMethod: "AI" not in AUTOMATIC,MANUAL',
    ]);
  });
});

describe('activity stats: computed from the ledger, consistent across the three endpoints', () => {
  test('aggregate totals for last week equal the ledger sums; users without activity are left out', async () => {
    const { state, post } = setup();
    const r = await post('/v2/stats/activity/aggregate', { filter: LAST_WEEK });
    assert.equal(r.status, 200, r.text);
    assertSpec('/v2/stats/activity/aggregate', 'post', r.body);
    const rows: Json[] = r.body.usersAggregateActivityStats;
    const active = [...state.users.values()].filter((u) =>
      Object.values(ledgerTotals(state, u.id, LAST_WEEK.fromDate, LAST_WEEK.toDate)).some((n) => n > 0),
    );
    assert.deepEqual(rows.map((x) => x.userId).sort(), active.map((u) => u.id).sort());
    // Sam was deactivated 12 days ago: no activity last week, so not listed.
    assert.ok(!rows.some((x) => x.userId === U().sam));
    for (const row of rows) {
      assert.deepEqual(row.userAggregateActivityStats, ledgerTotals(state, row.userId, '2026-06-08', '2026-06-15'));
      assert.equal(row.userEmailAddress, state.users.get(row.userId)!.emailAddress);
    }
    const marcus = rows.find((x) => x.userId === U().marcus)!;
    assert.ok(marcus.userAggregateActivityStats.othersCallsListenedTo >= 15, 'a manager listens to 3 calls a day');
    assert.equal(r.body.timeZone, 'America/Los_Angeles');
    assert.equal(r.body.fromDateTime, '2026-06-08T00:00:00-07:00');
    assert.equal(r.body.toDateTime, '2026-06-15T00:00:00-07:00');
    assert.deepEqual(r.body.records, { totalRecords: rows.length, currentPageSize: rows.length, currentPageNumber: 0 });
  });

  test('named users are returned even without activity; a user filter matching nobody is a 404', async () => {
    const { post } = setup();
    const r = await post('/v2/stats/activity/aggregate', { filter: { ...LAST_WEEK, userIds: [U().sam, U().priya] } });
    assert.equal(r.status, 200, r.text);
    const sam = r.body.usersAggregateActivityStats.find((x: Json) => x.userId === U().sam);
    assert.ok(sam, 'Sam is listed because he was named');
    assert.ok(Object.values(sam.userAggregateActivityStats).every((n) => n === 0));
    assert.equal(r.body.usersAggregateActivityStats.length, 2);

    gongError(
      await post('/v2/stats/activity/aggregate', { filter: { ...LAST_WEEK, userIds: ['111111111111111'] } }),
      404,
      'filter.userIds',
    );
    gongError(
      await post('/v2/stats/activity/aggregate', {
        filter: { ...LAST_WEEK, createdFromDateTime: '2026-06-16T00:00:00Z' },
      }),
      404,
      'No users found',
    );
  });

  test('by period (DAY, WEEK, MONTH, QUARTER, YEAR) adds up to the aggregate; weeks start on Monday, edges clipped', async () => {
    const { post } = setup();
    const filter = { fromDate: '2026-05-20', toDate: '2026-06-17' };
    const agg = await post('/v2/stats/activity/aggregate', { filter });
    const totals = new Map<string, Record<string, number>>(
      agg.body.usersAggregateActivityStats.map((x: Json) => [x.userId, x.userAggregateActivityStats]),
    );
    for (const aggregationPeriod of ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR']) {
      const r = await post('/v2/stats/activity/aggregate-by-period', { filter, aggregationPeriod });
      assert.equal(r.status, 200, r.text);
      assertSpec('/v2/stats/activity/aggregate-by-period', 'post', r.body);
      assert.deepEqual(r.body.usersAggregateActivity.map((x: Json) => x.userId).sort(), [...totals.keys()].sort());
      for (const u of r.body.usersAggregateActivity) {
        const periods: Json[] = u.userAggregateActivity;
        const { fromDate: _f, toDate: _t, ...first } = periods[0];
        assert.equal(Object.keys(first).length, ACTIVITY_KINDS.length);
        assert.deepEqual(
          sumCounts(periods.map(({ fromDate: _a, toDate: _b, ...c }) => c)),
          totals.get(u.userId),
          `${aggregationPeriod} periods of ${u.userId} add up to the aggregate`,
        );
        // Contiguous, from the filter's first day to its last.
        assert.equal(periods[0].fromDate, '2026-05-20T00:00:00-07:00');
        assert.equal(periods.at(-1).toDate, '2026-06-17T00:00:00-07:00');
        for (let i = 1; i < periods.length; i++) assert.equal(periods[i].fromDate, periods[i - 1].toDate);
        const expected = { DAY: 28, WEEK: 5, MONTH: 2, QUARTER: 1, YEAR: 1 }[aggregationPeriod];
        assert.equal(periods.length, expected, `${aggregationPeriod} period count`);
        if (aggregationPeriod === 'WEEK') {
          // 2026-05-20 is a Wednesday: the first week is clipped, the next starts on Monday 2026-05-25.
          assert.equal(periods[0].toDate, '2026-05-25T00:00:00-07:00');
          assert.equal(periods[1].toDate, '2026-06-01T00:00:00-07:00');
        }
        if (aggregationPeriod === 'MONTH') assert.equal(periods[0].toDate, '2026-06-01T00:00:00-07:00');
      }
    }
    // Across a quarter (and a time-zone change: 2026-03-08 starts daylight saving time in Los Angeles).
    const q = await post('/v2/stats/activity/aggregate-by-period', {
      filter: { fromDate: '2026-03-06', toDate: '2026-04-02', userIds: [U().priya] },
      aggregationPeriod: 'QUARTER',
    });
    assert.equal(q.status, 200, q.text);
    assert.deepEqual(
      q.body.usersAggregateActivity[0].userAggregateActivity.map((p: Json) => [p.fromDate, p.toDate]),
      [
        ['2026-03-06T00:00:00-08:00', '2026-04-01T00:00:00-07:00'],
        ['2026-04-01T00:00:00-07:00', '2026-04-02T00:00:00-07:00'],
      ],
    );
  });

  test('day by day lists the call ids of every day of the range; their lengths are the aggregate counts', async () => {
    const { state, post } = setup();
    const r = await post('/v2/stats/activity/day-by-day', { filter: LAST_WEEK });
    assert.equal(r.status, 200, r.text);
    assertSpec('/v2/stats/activity/day-by-day', 'post', r.body);
    const agg = await post('/v2/stats/activity/aggregate', { filter: LAST_WEEK });
    for (const u of r.body.usersDetailedActivities) {
      const days: Json[] = u.userDailyActivityStats;
      assert.equal(days.length, 7, 'one record per day, weekend days included');
      assert.equal(days[0].fromDate, '2026-06-08T00:00:00-07:00');
      assert.equal(days[0].toDate, '2026-06-09T00:00:00-07:00');
      assert.equal(days[6].toDate, '2026-06-15T00:00:00-07:00');
      days.forEach((d, i) => {
        const ledger = state.activity.get(`${u.userId}|${daysFrom('2026-06-08', '2026-06-15')[i]}`);
        for (const k of ACTIVITY_KINDS) assert.deepEqual(d[k], ledger ? ledger[k] : []);
        for (const id of d.callsAsHost) assert.equal(state.calls.get(id)!.primaryUserId, u.userId);
      });
      const lengths = sumCounts(
        days.map((d) => Object.fromEntries(ACTIVITY_KINDS.map((k) => [k, (d[k] as string[]).length]))),
      );
      const total = agg.body.usersAggregateActivityStats.find((x: Json) => x.userId === u.userId);
      assert.deepEqual(lengths, total.userAggregateActivityStats);
    }
  });

  test('new activity shows up: a call added to the state counts for its host and attendees', async () => {
    const { state, post } = setup();
    const before = await post('/v2/stats/activity/aggregate', { filter: { ...LAST_WEEK, userIds: [U().tom] } });
    const template = state.calls.get(GONG_SEED.calls.latestExternal)!;
    state.addCall({
      ...template,
      id: '7782342274099999991',
      started: '2026-06-10T17:00:00.000Z',
      primaryUserId: U().tom,
      parties: template.parties.map((p) =>
        p.userId === template.primaryUserId ? { ...p, userId: U().tom, emailAddress: undefined } : p,
      ),
    });
    const after = await post('/v2/stats/activity/aggregate', { filter: { ...LAST_WEEK, userIds: [U().tom] } });
    const b = before.body.usersAggregateActivityStats[0].userAggregateActivityStats;
    const a = after.body.usersAggregateActivityStats[0].userAggregateActivityStats;
    assert.equal(a.callsAsHost, b.callsAsHost + 1);
  });

  test('pagination: a cursor while more users exist, bound to the identical request', async () => {
    const { state, post } = setup();
    state.pageSize = 3;
    const first = await post('/v2/stats/activity/aggregate', { filter: LAST_WEEK });
    assert.equal(first.body.usersAggregateActivityStats.length, 3);
    const total = first.body.records.totalRecords;
    assert.ok(total > 3);
    assert.ok(first.body.records.cursor);
    const seen = first.body.usersAggregateActivityStats.map((x: Json) => x.userId);
    let cursor = first.body.records.cursor;
    let page = 1;
    while (cursor) {
      const next = await post('/v2/stats/activity/aggregate', { filter: LAST_WEEK, cursor });
      assert.equal(next.status, 200, next.text);
      assert.equal(next.body.records.currentPageNumber, page++);
      seen.push(...next.body.usersAggregateActivityStats.map((x: Json) => x.userId));
      cursor = next.body.records.cursor;
    }
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total);
    const other = await post('/v2/stats/activity/day-by-day', {
      filter: { ...LAST_WEEK, fromDate: '2026-06-09' },
      cursor: first.body.records.cursor,
    });
    gongError(other, 400, 'cursor');
  });
});

describe('activity stats: Gong validation', () => {
  const cases: [string, unknown, number, string | RegExp][] = [
    ['no body', '', 400, 'empty'],
    ['no filter', {}, 400, /^filter: required/],
    ['no fromDate', { filter: { toDate: '2026-06-10' } }, 400, /^filter\.fromDate: required.*YYYY-MM-DD/],
    ['no toDate', { filter: { fromDate: '2026-06-10' } }, 400, /^filter\.toDate: required/],
    [
      'a date-time instead of a date',
      { filter: { fromDate: '2026-06-08T00:00:00Z', toDate: '2026-06-10' } },
      400,
      /^filter\.fromDate: expected a date in the format YYYY-MM-DD/,
    ],
    ['US format', { filter: { fromDate: '06/08/2026', toDate: '2026-06-10' } }, 400, /^filter\.fromDate:/],
    [
      'no such day',
      { filter: { fromDate: '2026-02-30', toDate: '2026-03-10' } },
      400,
      /^filter\.fromDate:.*2026-02-30/,
    ],
    [
      'from after to',
      { filter: { fromDate: '2026-06-12', toDate: '2026-06-10' } },
      400,
      /^filter\.fromDate: must be before filter\.toDate/,
    ],
    ['empty range', { filter: { fromDate: '2026-06-10', toDate: '2026-06-10' } }, 400, /exclusive/],
    [
      'toDate after today',
      { filter: { fromDate: '2026-06-10', toDate: '2026-06-18' } },
      400,
      /^filter\.toDate: must not be after the current day \(2026-06-17/,
    ],
    [
      'non-numeric user id',
      { filter: { ...LAST_WEEK, userIds: ['priya'] } },
      400,
      /^filter\.userIds\[0\]: expected a numeric user id/,
    ],
    [
      'bad created date-time',
      { filter: { ...LAST_WEEK, createdFromDateTime: 'yesterday' } },
      400,
      /^filter\.createdFromDateTime:/,
    ],
    [
      'a weekend: no activity',
      { filter: { fromDate: '2026-06-13', toDate: '2026-06-15' } },
      404,
      /No user activity found between 2026-06-13 and 2026-06-15/,
    ],
  ];
  for (const [name, body, status, msg] of cases) {
    test(`aggregate: ${name} → ${status}`, async () => {
      const { post } = setup();
      gongError(await post('/v2/stats/activity/aggregate', body), status, msg);
    });
  }

  test('today is accepted as toDate (exclusive); the other endpoints validate the same way', async () => {
    const { post } = setup();
    assert.equal(
      (await post('/v2/stats/activity/aggregate', { filter: { fromDate: '2026-06-15', toDate: '2026-06-17' } })).status,
      200,
    );
    for (const path of ['/v2/stats/activity/day-by-day', '/v2/stats/interaction']) {
      gongError(await post(path, { filter: { fromDate: '2026-06-10', toDate: '2026-07-01' } }), 400, 'filter.toDate');
    }
    gongError(
      await post('/v2/stats/activity/aggregate-by-period', { filter: LAST_WEEK }),
      400,
      /^aggregationPeriod: required: one of DAY, WEEK, MONTH, QUARTER, YEAR/,
    );
    gongError(
      await post('/v2/stats/activity/aggregate-by-period', { filter: LAST_WEEK, aggregationPeriod: 'week' }),
      400,
      /^aggregationPeriod:/,
    );
  });

  test('the OAuth scope each endpoint needs', async () => {
    const { state, call } = setup();
    state.accessTokens.set('tok-users-only', {
      token: 'tok-users-only',
      clientId: GONG_DEMO.oauthClient.clientId,
      userId: U().dana,
      scopes: ['api:users:read', 'api:stats:user-actions'],
      expiresAt: FIXED_NOW.getTime() + 3_600_000,
    });
    const bearer = 'Bearer tok-users-only';
    const ok = await call('POST', '/customer-api/v2/stats/activity/aggregate', { filter: LAST_WEEK }, bearer);
    assert.equal(ok.status, 200, ok.text);
    gongError(
      await call('POST', '/customer-api/v2/stats/activity/day-by-day', { filter: LAST_WEEK }, bearer),
      403,
      "'api:stats:user-actions:detailed'",
    );
    gongError(
      await call('GET', '/customer-api/v2/settings/scorecards', undefined, bearer),
      403,
      'api:settings:scorecards:read',
    );
  });
});

describe('interaction stats', () => {
  test('each stat is the average over the calls the ledger lists for the user', async () => {
    const { state, post } = setup();
    const r = await post('/v2/stats/interaction', { filter: LAST_WEEK });
    assert.equal(r.status, 200, r.text);
    assertSpec('/v2/stats/interaction', 'post', r.body);
    assert.equal(r.body.fromDateTime, '2026-06-08T00:00:00-07:00');
    const rows: Json[] = r.body.peopleInteractionStats;
    assert.ok(rows.length >= 3);
    assert.ok(!rows.some((x) => x.userId === U().dana), 'Dana spoke on no call last week');
    for (const row of rows) {
      const ids = new Set<string>();
      for (const d of daysFrom(LAST_WEEK.fromDate, LAST_WEEK.toDate)) {
        const a = state.activity.get(`${row.userId}|${d}`);
        for (const id of [...(a?.callsAsHost ?? []), ...(a?.callsAttended ?? [])]) ids.add(id);
      }
      const spoke = (id: string) => {
        const call = state.calls.get(id)!;
        const speaker = call.parties.find((p) => p.userId === row.userId)?.speakerId;
        return call.transcript.some((m) => m.speakerId === speaker);
      };
      const per = [...ids]
        .filter(spoke)
        .map((id) => interactionStats(state.calls.get(id)!, row.userId))
        .filter((s) => s !== undefined);
      assert.ok(per.length > 0);
      const mean = (f: (s: (typeof per)[number]) => number) => per.reduce((n, s) => n + f(s), 0) / per.length;
      const stat = (name: string) => row.personInteractionStats.find((s: Json) => s.name === name).value;
      assert.ok(Math.abs(stat('Talk Ratio') - mean((s) => s.talkRatio)) <= 0.0051);
      assert.ok(Math.abs(stat('Longest Monologue') - mean((s) => s.longestMonologue)) <= 0.501);
      assert.ok(Math.abs(stat('Question Rate') - mean((s) => s.questionRate)) <= 0.0501);
      assert.ok(Math.abs(stat('Patience') - mean((s) => s.patience)) <= 0.0051);
      assert.ok(stat('Talk Ratio') > 0 && stat('Talk Ratio') < 1);
    }
  });

  test('404 "No stats found" when nobody spoke on a call in the range; a named user filter narrows it', async () => {
    const { post } = setup();
    gongError(
      await post('/v2/stats/interaction', { filter: { fromDate: '2026-06-13', toDate: '2026-06-15' } }),
      404,
      'No stats found',
    );
    gongError(
      await post('/v2/stats/interaction', { filter: { ...LAST_WEEK, userIds: [U().dana] } }),
      404,
      'No stats found',
    );
    const one = await post('/v2/stats/interaction', { filter: { ...LAST_WEEK, userIds: [U().priya] } });
    assert.deepEqual(
      one.body.peopleInteractionStats.map((x: Json) => x.userId),
      [U().priya],
    );
  });
});

describe('scorecards', () => {
  test('settings list every scorecard with its questions; int64 ids are exact JSON numbers', async () => {
    const { state, get } = setup();
    const r = await get('/v2/settings/scorecards');
    assert.equal(r.status, 200, r.text);
    assertSpec('/v2/settings/scorecards', 'get', r.body);
    assert.equal(r.body.scorecards.length, state.scorecards.size);
    const discovery = r.body.scorecards.find((s: Json) => s.scorecardName === 'Discovery & qualification');
    assert.equal(typeof discovery.scorecardId, 'number');
    assert.equal(String(discovery.scorecardId), STATS_SEED.scorecards.discovery);
    // The workspace id is beyond 2^53: written as a plain number, exact to the last digit.
    assert.equal(typeof discovery.workspaceId, 'bigint');
    assert.equal(String(discovery.workspaceId), GONG_SEED.workspaces.sales);
    assert.ok(r.text.includes(`"workspaceId":${GONG_SEED.workspaces.sales}`));
    assert.equal(discovery.reviewMethod, 'MANUAL');
    assert.equal(discovery.questions.filter((q: Json) => q.isOverall).length, 1);
    const multi = discovery.questions.find((q: Json) => q.questionType === 'MULTI_SELECT');
    assert.deepEqual(
      multi.answerOptions.map((o: Json) => o.text),
      ['Budget', 'Authority', 'Need', 'Timeline'],
    );
    assert.equal('minRange' in multi, false, 'no range on a select question');
    const legacy = r.body.scorecards.find((s: Json) => s.scorecardName === 'Cold call (legacy)');
    assert.equal(legacy.enabled, false);
    state.scorecards.clear();
    gongError(await get('/v2/settings/scorecards'), 404, 'Scorecards not found');
  });

  test("manual reviews are the ledger's scorecards-filled entries; automatic ones are scored from the transcript", async () => {
    const { state, post } = setup();
    const all = await post('/v2/stats/activity/scorecards', { filter: {} });
    assert.equal(all.status, 200, all.text);
    assertSpec('/v2/stats/activity/scorecards', 'post', all.body);
    const manual: Json[] = all.body.answeredScorecards;
    assert.ok(manual.length > 5);
    assert.ok(
      manual.every((a) => a.reviewMethod === 'MANUAL'),
      'MANUAL is the default',
    );
    // Every manual review of last week matches the reviewer's callsScorecardsFilled, call for call.
    const week = await post('/v2/stats/activity/scorecards', {
      filter: { reviewFromDate: LAST_WEEK.fromDate, reviewToDate: LAST_WEEK.toDate },
    });
    const agg = await post('/v2/stats/activity/aggregate', { filter: LAST_WEEK });
    for (const row of agg.body.usersAggregateActivityStats) {
      const mine = week.body.answeredScorecards.filter((a: Json) => String(a.reviewerUserId) === row.userId);
      assert.equal(mine.length, row.userAggregateActivityStats.callsScorecardsFilled, `reviews by ${row.userId}`);
      const received = week.body.answeredScorecards.filter((a: Json) => String(a.reviewedUserId) === row.userId);
      assert.equal(received.length, row.userAggregateActivityStats.callsScorecardsReceived);
    }
    for (const a of week.body.answeredScorecards) {
      const call = state.calls.get(String(a.callId))!;
      assert.ok(call, `callId ${a.callId} is exact`);
      assert.equal(a.callStartTime, call.started);
      assert.equal(String(a.reviewedUserId), call.primaryUserId);
      assert.ok(Date.parse(a.reviewTime) > Date.parse(call.started));
      const card = state.scorecards.get(String(a.scorecardId))!;
      assert.equal(a.scorecardName, card.scorecardName);
      assert.deepEqual(
        a.answers.map((x: Json) => String(x.questionId)),
        card.questions.map((q) => q.questionId),
      );
      const overall = a.answers.find((x: Json) => x.isOverall);
      assert.ok(overall.score >= 1 && overall.score <= 5);
    }

    const auto = await post('/v2/stats/activity/scorecards', { filter: { reviewMethod: 'AUTOMATIC' } });
    assert.ok(auto.body.answeredScorecards.length > 0);
    for (const a of auto.body.answeredScorecards) {
      assert.equal('reviewerUserId' in a, false, 'no reviewer on an automatic review');
      const call = state.calls.get(String(a.callId))!;
      const nextSteps = a.answers.find(
        (x: Json) =>
          String(x.questionId) === state.scorecards.get(STATS_SEED.scorecards.automatic)!.questions[2]!.questionId,
      );
      assert.equal(nextSteps.answerText, call.transcript.some((m) => m.topic === 'Next Steps') ? 'Yes' : 'No');
    }
    const both = await post('/v2/stats/activity/scorecards', { filter: { reviewMethod: 'BOTH' } });
    assert.equal(both.body.records.totalRecords, all.body.records.totalRecords + auto.body.records.totalRecords);
  });

  test('filters by reviewed user, scorecard and call date; 404 when nothing matches; dates validated', async () => {
    const { state, post } = setup();
    const r = await post('/v2/stats/activity/scorecards', {
      filter: { reviewedUserIds: [U().priya], scorecardIds: [STATS_SEED.scorecards.discovery], reviewMethod: 'BOTH' },
    });
    assert.equal(r.status, 200, r.text);
    for (const a of r.body.answeredScorecards) {
      assert.equal(String(a.reviewedUserId), U().priya);
      assert.equal(String(a.scorecardId), STATS_SEED.scorecards.discovery);
    }
    const expected = [...state.answeredScorecards.values()].filter(
      (a) => a.reviewedUserId === U().priya && a.scorecardId === STATS_SEED.scorecards.discovery,
    ).length;
    assert.equal(r.body.records.totalRecords, expected);
    // Call dates: the day of a reviewed call, and the day after it (exclusive).
    const someReview = [...state.answeredScorecards.values()][3]!;
    const day = state.calls.get(someReview.callId)!.started.slice(0, 10);
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const calls = await post('/v2/stats/activity/scorecards', {
      filter: { callFromDate: day, callToDate: next, reviewMethod: 'BOTH' },
    });
    assert.equal(calls.status, 200, calls.text);
    assert.ok(
      calls.body.answeredScorecards.some((a: Json) => String(a.answeredScorecardId) === someReview.answeredScorecardId),
    );
    for (const a of calls.body.answeredScorecards) assert.equal(a.callStartTime.slice(0, 10), day);
    const onDay = [...state.answeredScorecards.values()].filter((a) =>
      state.calls.get(a.callId)!.started.startsWith(day),
    );
    assert.equal(calls.body.records.totalRecords, onDay.length);
    gongError(
      await post('/v2/stats/activity/scorecards', { filter: { scorecardIds: [STATS_SEED.scorecards.legacy] } }),
      404,
      'Answered scorecards not found',
    );
    gongError(
      await post('/v2/stats/activity/scorecards', { filter: { callFromDate: '2026/06/01' } }),
      400,
      'filter.callFromDate',
    );
    gongError(
      await post('/v2/stats/activity/scorecards', {
        filter: { reviewFromDate: '2026-06-10', reviewToDate: '2026-06-01' },
      }),
      400,
      /^filter\.reviewFromDate: must be before filter\.reviewToDate/,
    );
    gongError(
      await post('/v2/stats/activity/scorecards', { filter: { reviewMethod: 'AI' } }),
      400,
      'filter.reviewMethod',
    );
    gongError(await post('/v2/stats/activity/scorecards', {}), 400, /^filter: required/);
  });
});

describe('coaching metrics', () => {
  const q = (ws: string, mgr: string, from = '2026-06-08T00:00:00-07:00', to = '2026-06-15T00:00:00-07:00') =>
    `/v2/coaching?workspace-id=${ws}&manager-id=${mgr}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

  test("a manager's metrics per direct report are the manager's ledger entries on the report's calls", async () => {
    const { state, get, post } = setup();
    const r = await get(q(GONG_SEED.workspaces.sales, U().marcus));
    assert.equal(r.status, 200, r.text);
    assertSpec('/v2/coaching', 'get', r.body);
    const [data] = r.body.coachingData;
    assert.equal(data.manager.id, U().marcus);
    assert.equal(data.manager.title, 'Sales Manager');
    const reports = [...state.users.values()].filter((u) => u.managerId === U().marcus).map((u) => u.id);
    assert.deepEqual(data.directReportsMetrics.map((m: Json) => m.report.id).sort(), reports.sort());
    const priya = data.directReportsMetrics.find((m: Json) => m.report.id === U().priya);
    const days = daysFrom(LAST_WEEK.fromDate, LAST_WEEK.toDate);
    const expect = (owner: string, kind: (typeof ACTIVITY_KINDS)[number]) => [
      ...new Set(
        days.flatMap((d) =>
          (state.activity.get(`${owner}|${d}`)?.[kind] ?? []).filter(
            (id) => state.calls.get(id)!.primaryUserId === U().priya,
          ),
        ),
      ),
    ];
    assert.deepEqual(priya.metrics.callsHosted, expect(U().priya, 'callsAsHost'));
    assert.ok(priya.metrics.callsHosted.length > 0);
    assert.deepEqual(priya.metrics.callsListenedTo, expect(U().marcus, 'othersCallsListenedTo'));
    assert.deepEqual(priya.metrics.callsScorecardsFilled, expect(U().marcus, 'callsScorecardsFilled'));
    assert.deepEqual(priya.metrics.callsCommentsGiven, expect(U().marcus, 'callsCommentsGiven'));
    // The same numbers as the answered-scorecards report for Marcus reviewing Priya.
    const sc = await post('/v2/stats/activity/scorecards', {
      filter: { reviewFromDate: LAST_WEEK.fromDate, reviewToDate: LAST_WEEK.toDate, reviewedUserIds: [U().priya] },
    });
    const byMarcus =
      sc.status === 200 ? sc.body.answeredScorecards.filter((a: Json) => String(a.reviewerUserId) === U().marcus) : [];
    assert.deepEqual(
      byMarcus.map((a: Json) => String(a.callId)).sort(),
      [...priya.metrics.callsScorecardsFilled].sort(),
    );

    // Customer Success workspace: Marcus has no reports there.
    const cs = await get(q(GONG_SEED.workspaces.customerSuccess, U().marcus));
    assert.deepEqual(cs.body.coachingData[0].directReportsMetrics, []);
  });

  test('validation: every parameter required and checked', async () => {
    const { get } = setup();
    const ws = GONG_SEED.workspaces.sales;
    gongError(
      await get(`/v2/coaching?manager-id=${U().marcus}&from=2026-06-08T00:00:00Z&to=2026-06-15T00:00:00Z`),
      400,
      /^workspace-id: required/,
    );
    gongError(
      await get(`/v2/coaching?workspace-id=${ws}&from=2026-06-08T00:00:00Z&to=2026-06-15T00:00:00Z`),
      400,
      /^manager-id: required/,
    );
    gongError(await get(q(ws, U().marcus, '2026-06-08')), 400, /^from: expected an ISO-8601 date-time/);
    gongError(
      await get(q(ws, U().marcus, '2026-06-15T00:00:00Z', '2026-06-08T00:00:00Z')),
      400,
      /^from: must be before to/,
    );
    gongError(await get(q('42', U().marcus)), 400, /^workspace-id: no workspace/);
    gongError(await get(q(ws, '424242')), 400, /^manager-id: no Gong user/);
    gongError(await get(q(ws, 'marcus')), 400, /^manager-id: expected a numeric Gong id/);
  });
});

describe('meetings', () => {
  const meeting = (over: Record<string, unknown> = {}) => ({
    startTime: '2026-06-23T17:00:00Z',
    endTime: '2026-06-23T17:30:00Z',
    title: 'Team sync',
    invitees: [{ email: 'priya.raman@switchboard-demo.example', displayName: 'Priya Raman' }],
    organizerEmail: 'marcus.lee@switchboard-demo.example',
    ...over,
  });

  test('create, update (a full replacement) and delete', async () => {
    const { state, post, put, del } = setup();
    const created = await post('/v2/meetings', meeting({ externalId: 'evt-1' }));
    assert.equal(created.status, 200, created.text);
    assertSpec('/v2/meetings', 'post', created.body);
    const id = created.body.meetingId;
    const m = state.meetings.get(id)!;
    assert.equal(m.organizerUserId, U().marcus);
    assert.equal(m.provider, 'Zoom', "the organizer's default provider");
    assert.equal(m.externalId, 'evt-1');
    assert.equal(created.body.meetingUrl, m.meetingUrl);
    assert.ok(m.meetingUrl.startsWith(state.users.get(U().marcus)!.meetingConsentPageUrl!));
    assert.equal(created.body.additionalInvitees[0].email, 'coordinator@gong.io');

    const updated = await put(`/v2/meetings/${id}`, {
      ...meeting({ startTime: '2026-06-24T16:00:00Z', endTime: '2026-06-24T17:00:00Z', provider: 'google meet' }),
      title: undefined,
      invitees: [
        { email: 'priya.raman@switchboard-demo.example' },
        { email: 'tom.becker@switchboard-demo.example' },
        { email: 'TOM.BECKER@switchboard-demo.example' },
      ],
    });
    assert.equal(updated.status, 200, updated.text);
    assertSpec('/v2/meetings/{meetingId}', 'put', updated.body);
    assert.equal(updated.body.meetingId, id);
    assert.equal(m.startTime, '2026-06-24T16:00:00Z');
    assert.equal(m.title, undefined, 'a title left out is cleared');
    assert.equal(m.externalId, undefined);
    assert.equal(m.provider, 'Google Meet');
    assert.deepEqual(
      m.invitees.map((i) => i.email),
      ['priya.raman@switchboard-demo.example', 'tom.becker@switchboard-demo.example'],
    );

    gongError(
      await del(`/v2/meetings/${id}`, { organizerEmail: 'priya.raman@switchboard-demo.example' }),
      404,
      'organizer email',
    );
    assert.ok(state.meetings.has(id));
    const gone = await del(`/v2/meetings/${id}`, { organizerEmail: 'marcus.lee@switchboard-demo.example' });
    assert.equal(gone.status, 200, gone.text);
    assertSpec('/v2/meetings/{meetingId}', 'delete', gone.body);
    assert.deepEqual(gone.body, { organizerEmail: 'marcus.lee@switchboard-demo.example' });
    assert.ok(!state.meetings.has(id));
    gongError(await del(`/v2/meetings/${id}`), 404, 'No meeting found');
    gongError(await put(`/v2/meetings/${id}`, meeting()), 404, 'No meeting found');
  });

  test('the seeded meeting can be updated by its organizer only; deleted without a body', async () => {
    const { state, put, del } = setup();
    const id = STATS_SEED.meeting;
    assert.ok(state.meetings.has(id));
    gongError(
      await put(`/v2/meetings/${id}`, meeting()),
      404,
      'organizerEmail must be the email of the user who created',
    );
    const ok = await put(`/v2/meetings/${id}`, meeting({ organizerEmail: 'PRIYA.RAMAN@switchboard-demo.example' }));
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await del(`/v2/meetings/${id}`)).status, 200);
    assert.ok(!state.meetings.has(id));
  });

  test('validation and conflicts', async () => {
    const { state, post, put } = setup();
    gongError(
      await post('/v2/meetings', meeting({ organizerEmail: 'nobody@example.com' })),
      404,
      'No Gong user found corresponding to the provided organizer email',
    );
    gongError(await post('/v2/meetings', meeting({ organizerEmail: undefined })), 400, /^organizerEmail: required/);
    gongError(await post('/v2/meetings', meeting({ invitees: undefined })), 400, /^invitees: required/);
    gongError(
      await post('/v2/meetings', meeting({ invitees: [{ email: 'not-an-email' }] })),
      400,
      /^invitees\[0\]\.email:/,
    );
    gongError(
      await post('/v2/meetings', meeting({ startTime: '2026-06-23 17:00' })),
      400,
      /^startTime: expected an ISO-8601 date-time/,
    );
    gongError(
      await post('/v2/meetings', meeting({ endTime: '2026-06-23T16:00:00Z' })),
      400,
      /^endTime: must be after startTime/,
    );
    gongError(
      await post('/v2/meetings', meeting({ provider: 'webex' })),
      400,
      /^provider: the organizer has no "webex"/,
    );
    gongError(
      await post('/v2/meetings', meeting({ organizerEmail: 'sam.okafor@switchboard-demo.example' })),
      409,
      'not active',
    );
    gongError(
      await post('/v2/meetings', meeting({ organizerEmail: 'sofia.alvarez@switchboard-demo.example' })),
      409,
      'calendar',
    );
    state.users.get(U().tom)!.meetingConsentPageUrl = undefined;
    gongError(
      await post('/v2/meetings', meeting({ organizerEmail: 'tom.becker@switchboard-demo.example' })),
      409,
      'consent page',
    );
    gongError(await put('/v2/meetings/abc', meeting()), 400, /^meetingId: expected a numeric/);
    assert.equal(state.meetings.size, 1, 'only the seeded meeting');
  });

  test('integration status per email', async () => {
    const { state, post } = setup();
    const r = await post('/v2/meetings/integration/status', {
      emails: [
        'marcus.lee@switchboard-demo.example',
        'sofia.alvarez@switchboard-demo.example',
        'sam.okafor@switchboard-demo.example',
        'stranger@example.com',
      ],
    });
    assert.equal(r.status, 200, r.text);
    assertSpec('/v2/meetings/integration/status', 'post', r.body);
    const [marcus, sofia, sam, stranger] = r.body.users;
    assert.deepEqual(marcus, { email: 'marcus.lee@switchboard-demo.example', exists: true, valid: true });
    assert.equal(sofia.valid, false);
    assert.match(sofia.userFacingError, /calendar/i);
    assert.ok(sofia.fixUrl);
    assert.equal(sam.exists, true);
    assert.equal(sam.valid, false);
    assert.deepEqual([stranger.exists, stranger.valid], [false, false]);
    state.users.get(U().marcus)!.settings.preventWebConferenceRecording = true;
    const after = await post('/v2/meetings/integration/status', { emails: ['marcus.lee@switchboard-demo.example'] });
    assert.equal(after.body.users[0].valid, false);
    gongError(await post('/v2/meetings/integration/status', { emails: [] }), 400, /^emails:/);
    gongError(
      await post('/v2/meetings/integration/status', { emails: Array.from({ length: 101 }, (_, i) => `u${i}@x.io`) }),
      400,
      'at most 100',
    );
    gongError(await post('/v2/meetings/integration/status', { emails: ['nope'] }), 400, /^emails\[0\]:/);
  });
});

describe('digital interactions', () => {
  const event = (over: Record<string, unknown> = {}) => ({
    eventId: 'evt-42',
    timestamp: '2026-06-16T15:04:05Z',
    eventType: 'video watched',
    sourceSystemName: 'Wistia',
    device: 'PC',
    content: {
      contentTitle: 'Product overview',
      contentUrl: 'https://www.example.com/video',
      numericContentDetails: { value: 80, rangeFrom: 0, rangeTo: 100, numericType: 'PERCENTAGE' },
    },
    person: { name: 'Laura Chen', email: 'Laura.Chen@northwind.example', company: { domain: 'northwind.example' } },
    ...over,
  });

  test('stored once; the same eventId again is a 409', async () => {
    const { state, post } = setup();
    const r = await post('/v2/digital-interaction', event());
    assert.equal(r.status, 200, r.text);
    assertSpec('/v2/digital-interaction', 'post', r.body);
    const stored = state.digitalInteractions.get('evt-42')!;
    assert.equal(stored.personEmail, 'laura.chen@northwind.example');
    assert.equal(stored.eventType, 'video watched');
    assert.equal((stored.body.content as Json).numericContentDetails.value, 80);
    gongError(await post('/v2/digital-interaction', event()), 409, 'already reported');
    assert.equal(
      (await post('/v2/digital-interaction', event({ eventId: 'evt-43', person: undefined, trackingId: 't-1' })))
        .status,
      200,
    );
  });

  test('validation', async () => {
    const { state, post } = setup();
    const before = state.digitalInteractions.size;
    gongError(await post('/v2/digital-interaction', event({ eventId: undefined })), 400, /^eventId: required/);
    gongError(await post('/v2/digital-interaction', event({ timestamp: 'now' })), 400, /^timestamp:/);
    gongError(await post('/v2/digital-interaction', event({ content: {} })), 400, /^content\.contentTitle: required/);
    gongError(
      await post('/v2/digital-interaction', event({ trackingId: 't-1' })),
      400,
      /^person: must be null when trackingId/,
    );
    gongError(
      await post('/v2/digital-interaction', event({ person: undefined })),
      400,
      /^person: required unless a trackingId/,
    );
    gongError(
      await post('/v2/digital-interaction', event({ person: { company: { domain: 'x.io' } } })),
      400,
      /^person\.personId: required/,
    );
    gongError(
      await post('/v2/digital-interaction', event({ person: { personId: 'p1' } })),
      400,
      /^person\.company\.domain: required/,
    );
    gongError(
      await post(
        '/v2/digital-interaction',
        event({ content: { contentTitle: 'NPS', numericContentDetails: { value: 11, rangeFrom: 0, rangeTo: 10 } } }),
      ),
      400,
      /^content\.numericContentDetails\.value: 11 is outside/,
    );
    gongError(
      await post(
        '/v2/digital-interaction',
        event({
          content: {
            contentTitle: 'Course',
            stepContentDetails: { value: 'Done', availableSteps: ['Start', 'Middle'] },
          },
        }),
      ),
      400,
      /^content\.stepContentDetails\.value:/,
    );
    gongError(await post('/v2/digital-interaction', event({ device: 'TABLET' })), 400, /^device:/);
    gongError(
      await post(
        '/v2/digital-interaction',
        event({ customFields: [{ name: 'seconds', value: 'ten', dataType: 'NUMBER' }] }),
      ),
      400,
      /^customFields\[0\]\.value: expected a number/,
    );
    assert.equal(state.digitalInteractions.size, before);
  });
});

describe('customer engagement events', () => {
  const shared = (over: Record<string, unknown> = {}) => ({
    reportingSystem: 'docsend',
    eventTimestamp: '2026-06-16T10:00:00-07:00',
    eventId: 'share-1',
    contentId: 'doc-1',
    contentUrl: 'https://docsend.example/view/doc-1',
    contentTitle: 'Globex proposal',
    sharer: { id: GONG_SEED.users.tom },
    recipients: [{ email: 'Mindy.Park@globex.example', name: 'Mindy Park' }],
    crmContext: [{ system: 'Salesforce', objects: [{ objectType: 'Account', objectId: '0015g00000GLXAAA2' }] }],
    contentProperties: [{ name: 'pages', value: '12', dataType: 'number' }],
    ...over,
  });

  test('share, view and custom action are recorded; one integration id per reporting system', async () => {
    const { state, put } = setup();
    const before = state.engagementEvents.length;
    const a = await put('/v2/customer-engagement/content/shared', shared());
    assert.equal(a.status, 200, a.text);
    assertSpec('/v2/customer-engagement/content/shared', 'put', a.body);
    const ev = state.engagementEvents.at(-1)!;
    assert.equal(ev.kind, 'content-shared');
    assert.equal(ev.sharerUserId, U().tom);
    assert.deepEqual(ev.externalEmails, ['mindy.park@globex.example']);
    assert.equal(String(a.body.integrationId), ev.integrationId);
    assert.equal(state.engagementIntegrations.get('docsend'), ev.integrationId);

    const v = await put('/v2/customer-engagement/content/viewed', {
      ...shared({ eventId: 'view-1', sharer: undefined, recipients: undefined }),
      viewer: { email: 'mindy.park@globex.example', name: 'Mindy Park' },
    });
    assert.equal(v.status, 200, v.text);
    assertSpec('/v2/customer-engagement/content/viewed', 'put', v.body);
    assert.equal(String(v.body.integrationId), ev.integrationId, 'same reporting system, same integration');
    const act = await put('/v2/customer-engagement/action', {
      reportingSystem: 'docusign',
      eventTimestamp: '2026-06-16T18:00:00Z',
      actionName: 'Contract signed',
      actor: { email: 'hank.scorpio@globex.example' },
    });
    assert.equal(act.status, 200, act.text);
    assert.notEqual(String(act.body.integrationId), ev.integrationId);
    assert.deepEqual(
      state.engagementEvents.slice(before).map((e) => e.kind),
      ['content-shared', 'content-viewed', 'custom-action'],
    );
    assert.deepEqual(state.engagementEvents.at(-1)!.externalEmails, ['hank.scorpio@globex.example']);
  });

  test('validation and duplicates', async () => {
    const { state, put } = setup();
    assert.equal((await put('/v2/customer-engagement/content/shared', shared())).status, 200);
    const n = state.engagementEvents.length;
    gongError(await put('/v2/customer-engagement/content/shared', shared()), 409, 'already reported');
    assert.equal(
      (await put('/v2/customer-engagement/content/viewed', shared())).status,
      200,
      'another kind of event may reuse the id',
    );
    gongError(
      await put('/v2/customer-engagement/content/shared', shared({ eventId: 'x', contentUrl: 'docsend/doc-1' })),
      400,
      /^contentUrl: expected an absolute http\(s\) URL/,
    );
    gongError(
      await put('/v2/customer-engagement/content/shared', shared({ eventId: 'x', contentTitle: undefined })),
      400,
      /^contentTitle: required/,
    );
    gongError(
      await put('/v2/customer-engagement/content/shared', shared({ eventId: 'x', eventTimestamp: '16/06/2026' })),
      400,
      /^eventTimestamp:/,
    );
    gongError(
      await put('/v2/customer-engagement/content/shared', shared({ eventId: 'x', sharer: { id: '999' } })),
      400,
      /^sharer\.id: no Gong user/,
    );
    gongError(
      await put('/v2/customer-engagement/content/shared', shared({ eventId: 'x', workspaceId: '12' })),
      400,
      /^workspaceId: no workspace/,
    );
    gongError(
      await put('/v2/customer-engagement/content/shared', shared({ eventId: 'x', recipients: [{ name: 'No Email' }] })),
      400,
      /^recipients\[0\]\.email: required/,
    );
    gongError(
      await put(
        '/v2/customer-engagement/content/shared',
        shared({ eventId: 'x', contentProperties: [{ name: 'pages', value: 'twelve', dataType: 'number' }] }),
      ),
      400,
      /^contentProperties\[0\]\.value: dataType is number/,
    );
    gongError(
      await put('/v2/customer-engagement/content/viewed', {
        ...shared({ eventId: 'y' }),
        viewer: { email: 'a@b.io' },
        trackingId: 't',
      }),
      400,
      /^trackingId: must be null/,
    );
    gongError(
      await put('/v2/customer-engagement/action', { eventTimestamp: '2026-06-16T18:00:00Z' }),
      400,
      /^reportingSystem: required/,
    );
    assert.equal(state.engagementEvents.length, n + 1);
  });
});

describe('seed', () => {
  test('deterministic: a reset gives the same scorecards, reviews and meeting', async () => {
    const { emulator, state } = setup();
    const snapshot = () =>
      JSON.stringify({
        cards: [...state.scorecards.values()],
        answered: [...state.answeredScorecards.values()],
        meetings: [...state.meetings.values()],
        events: state.engagementEvents,
      });
    const first = snapshot();
    state.meetings.clear();
    emulator.reset();
    assert.equal(snapshot(), first);
    assert.ok(state.answeredScorecards.size > 20);
  });

  test('without seed data the stats group adds nothing and the stats endpoints find no activity', async () => {
    const emulator = createGongEmulator({ now: () => FIXED_NOW, seed: false, rateLimits: { perSecond: null } });
    assert.equal(emulator.state.scorecards.size, 0);
    const res = await emulator.app.request(`${BASE}/v2/stats/activity/aggregate`, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': 'application/json' },
      body: JSON.stringify({ filter: LAST_WEEK }),
    });
    assert.equal(res.status, 404);
  });
});
