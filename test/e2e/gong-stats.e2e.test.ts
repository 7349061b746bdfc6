/**
 * End to end through /mcp/gong against the in-process Gong emulator: activity and interaction stats, scorecards,
 * coaching, meetings, digital interactions and engagement events. Includes the catalogue examples "list user
 * activity statistics for last week" (last week's Monday-Sunday worked out from today's date in the company's time
 * zone) and "create a new Gong meeting with the team". Each test checks the returned data against the emulator's
 * state, computed here independently, or the effect on the state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ACTIVITY_KINDS, GONG_SEED, type GongEmulator } from '../../src/emulators/gong/index.ts';
import { STATS_SEED } from '../../src/emulators/gong/routes-stats.ts';
import { resultJson, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const TOOLS = [
  'gong_aggregate_activity_stats',
  'gong_aggregate_activity_by_period',
  'gong_get_day_by_day_activity',
  'gong_get_interaction_stats',
  'gong_get_scorecards_report',
  'gong_list_scorecards',
  'gong_list_coaching_metrics',
  'gong_create_meeting',
  'gong_update_meeting',
  'gong_delete_meeting',
  'gong_validate_meeting_integration',
  'gong_post_digital_interaction',
  'gong_report_content_shared',
  'gong_report_content_viewed',
  'gong_report_engagement_action',
];
const READ_ONLY = TOOLS.slice(0, 7).concat('gong_validate_meeting_integration');

// biome-ignore lint/suspicious/noExplicitAny: upstream-shaped JSON; assertions check it.
type Json = any;

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Today's date in a time zone, `YYYY-MM-DD`. */
const todayIn = (tz: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(),
  );

/** Last week, Monday to Sunday, as the stats filters want it: [Monday, next Monday). */
function lastWeek(tz: string) {
  const today = todayIn(tz);
  const monday = addDays(today, -((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7));
  return { from: addDays(monday, -7), to: monday, today };
}

describe('Gong stats, scorecards, coaching, meetings and engagement through MCP', () => {
  let gw: TestGateway;
  let client: Client;
  let emulator: GongEmulator;
  let week: { from: string; to: string; today: string };

  const call = async (name: string, args: Record<string, unknown> = {}): Promise<Json> => {
    const res = await client.callTool({ name, arguments: args });
    assert.equal(res.isError, undefined, `${name} failed: ${JSON.stringify(res)}`);
    return resultJson(res);
  };
  const fail = async (name: string, args: Record<string, unknown>): Promise<Json> => {
    const res = await client.callTool({ name, arguments: args });
    assert.equal(res.isError, true, `${name} should fail: ${JSON.stringify(res)}`);
    return resultJson(res).error;
  };
  const days = (from: string, to: string) => {
    const out: string[] = [];
    for (let d = from; d < to; d = addDays(d, 1)) out.push(d);
    return out;
  };
  /** Totals from the emulator's ledger, added up here. */
  const ledger = (userId: string, from: string, to: string) => {
    const out: Record<string, number> = {};
    for (const k of ACTIVITY_KINDS) out[k] = 0;
    for (const d of days(from, to)) {
      const a = emulator.state.activity.get(`${userId}|${d}`);
      if (a) for (const k of ACTIVITY_KINDS) out[k]! += a[k].length;
    }
    return out;
  };

  before(async () => {
    gw = await startTestGateway();
    client = await gw.connect('/mcp/gong');
    emulator = gw.gateway.emulators.get('gong') as GongEmulator;
    week = lastWeek(emulator.state.company.timeZone);
  });
  after(() => gw.close());

  test('lists the 15 tools with strict schemas, honest annotations and date guidance', async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const n of TOOLS) {
      const t = byName.get(n);
      assert.ok(t, `${n} is listed`);
      assert.equal(t.inputSchema.additionalProperties, false);
      assert.equal(t.annotations?.openWorldHint, true);
      assert.equal(t.annotations?.readOnlyHint === true, READ_ONLY.includes(n), `${n} read-only or not`);
    }
    assert.equal(byName.get('gong_delete_meeting')!.annotations?.destructiveHint, true);
    assert.equal(byName.get('gong_create_meeting')!.annotations?.destructiveHint, false);
    for (const n of TOOLS.slice(0, 4)) {
      const t = byName.get(n)!;
      assert.match(t.description!, /YYYY-MM-DD/);
      assert.match(t.description!, /EXCLUSIVE/);
      assert.deepEqual(t.inputSchema.required?.slice(0, 2), ['from_date', 'to_date']);
      assert.ok(t.inputSchema.properties && 'cursor' in t.inputSchema.properties, `${n} pages`);
    }
    // The three activity tools point at each other.
    assert.match(byName.get('gong_aggregate_activity_stats')!.description!, /gong_aggregate_activity_by_period/);
    assert.match(byName.get('gong_aggregate_activity_stats')!.description!, /gong_get_day_by_day_activity/);
    assert.match(byName.get('gong_create_meeting')!.description!, /ISO-8601/);
  });

  test('catalogue example: list user activity statistics for last week', async () => {
    const stats = await call('gong_aggregate_activity_stats', { from_date: week.from, to_date: week.to });
    const rows: Json[] = stats.usersAggregateActivityStats;
    const withActivity = [...emulator.state.users.values()].filter((u) =>
      Object.values(ledger(u.id, week.from, week.to)).some((n) => n > 0),
    );
    assert.ok(withActivity.length >= 5, 'the seed has a busy last week');
    assert.deepEqual(rows.map((r) => r.userId).sort(), withActivity.map((u) => u.id).sort());
    for (const r of rows) assert.deepEqual(r.userAggregateActivityStats, ledger(r.userId, week.from, week.to));
    assert.equal(stats.timeZone, emulator.state.company.timeZone);
    assert.ok(stats.fromDateTime.startsWith(`${week.from}T00:00:00`));
    assert.equal(stats.next_cursor, null);

    // The same week by period (one WEEK) and day by day gives the same totals.
    const byWeek = await call('gong_aggregate_activity_by_period', {
      from_date: week.from,
      to_date: week.to,
      aggregation_period: 'WEEK',
    });
    for (const u of byWeek.usersAggregateActivity) {
      assert.equal(u.userAggregateActivity.length, 1, 'Monday to Sunday is one week');
      const { fromDate: _f, toDate: _t, ...counts } = u.userAggregateActivity[0];
      assert.deepEqual(counts, ledger(u.userId, week.from, week.to));
    }
    const daily = await call('gong_get_day_by_day_activity', {
      from_date: week.from,
      to_date: week.to,
      user_ids: [GONG_SEED.users.marcus],
    });
    const marcusDays: Json[] = daily.usersDetailedActivities[0].userDailyActivityStats;
    assert.equal(marcusDays.length, 7);
    const listened = marcusDays.flatMap((d) => d.othersCallsListenedTo);
    assert.equal(listened.length, ledger(GONG_SEED.users.marcus, week.from, week.to).othersCallsListenedTo);
    for (const id of listened) assert.ok(emulator.state.calls.has(id), `call ${id} exists`);
  });

  test('follows the cursor across pages when asked for more pages', async () => {
    emulator.state.pageSize = 2;
    try {
      const one = await call('gong_aggregate_activity_stats', { from_date: week.from, to_date: week.to });
      assert.equal(one.usersAggregateActivityStats.length, 2);
      assert.ok(one.next_cursor);
      const rest = await call('gong_aggregate_activity_stats', {
        from_date: week.from,
        to_date: week.to,
        cursor: one.next_cursor,
        max_pages: 10,
      });
      const all = [...one.usersAggregateActivityStats, ...rest.usersAggregateActivityStats].map((r) => r.userId);
      assert.equal(all.length, one.records.totalRecords);
      assert.equal(new Set(all).size, all.length);
      assert.equal(rest.next_cursor, null);
    } finally {
      emulator.state.pageSize = 100;
    }
  });

  test("Gong's date rules reach the model as errors that name the field", async () => {
    const future = await fail('gong_aggregate_activity_stats', {
      from_date: week.from,
      to_date: addDays(week.today, 2),
    });
    assert.equal(future.status, 400);
    assert.match(future.message, /filter\.toDate: must not be after the current day/);
    const reversed = await fail('gong_aggregate_activity_by_period', {
      from_date: week.to,
      to_date: week.from,
      aggregation_period: 'DAY',
    });
    assert.match(reversed.message, /filter\.fromDate: must be before filter\.toDate/);
    const format = await fail('gong_get_day_by_day_activity', { from_date: '06/01/2026', to_date: week.to });
    assert.equal(format.code, 'invalid_arguments');
    assert.equal(format.fields[0].field, 'from_date');
    const nobody = await fail('gong_aggregate_activity_stats', {
      from_date: week.from,
      to_date: week.to,
      user_ids: ['123456789'],
    });
    assert.equal(nobody.status, 404);
    assert.match(nobody.message, /User not found/);
  });

  test("interaction stats: one row per user who spoke on last week's calls", async () => {
    const res = await call('gong_get_interaction_stats', { from_date: week.from, to_date: week.to });
    const speakers = new Set<string>();
    for (const u of emulator.state.users.values()) {
      for (const d of days(week.from, week.to)) {
        const a = emulator.state.activity.get(`${u.id}|${d}`);
        for (const id of [...(a?.callsAsHost ?? []), ...(a?.callsAttended ?? [])]) {
          const call = emulator.state.calls.get(id)!;
          const sp = call.parties.find((p) => p.userId === u.id)?.speakerId;
          if (call.transcript.some((m) => m.speakerId === sp)) speakers.add(u.id);
        }
      }
    }
    assert.deepEqual(res.peopleInteractionStats.map((r: Json) => r.userId).sort(), [...speakers].sort());
    for (const r of res.peopleInteractionStats) {
      const stat = new Map(r.personInteractionStats.map((s: Json) => [s.name, s.value]));
      assert.ok((stat.get('Talk Ratio') as number) > 0 && (stat.get('Talk Ratio') as number) < 1);
      assert.ok((stat.get('Interactivity') as number) >= 0 && (stat.get('Interactivity') as number) <= 10);
      assert.equal(stat.size, 6);
    }
  });

  test('scorecards: the settings and the answered-scorecards report', async () => {
    const list = await call('gong_list_scorecards');
    assert.deepEqual(
      list.scorecards.map((s: Json) => s.scorecardName).sort(),
      [...emulator.state.scorecards.values()].map((s) => s.scorecardName).sort(),
    );
    const priya = GONG_SEED.users.priya;
    const report = await call('gong_get_scorecards_report', {
      reviewed_user_ids: [priya],
      review_method: 'BOTH',
      max_pages: 5,
    });
    const expected = [...emulator.state.answeredScorecards.values()].filter((a) => a.reviewedUserId === priya);
    assert.ok(expected.length > 0);
    assert.equal(report.answeredScorecards.length, expected.length);
    for (const a of report.answeredScorecards) {
      assert.equal(String(a.reviewedUserId), priya, 'user ids fit in a double');
      assert.ok(a.answers.length >= 2);
    }
    assert.deepEqual(
      report.answeredScorecards.map((a: Json) => a.scorecardName).sort(),
      expected.map((a) => emulator.state.scorecards.get(a.scorecardId)!.scorecardName).sort(),
    );
    const auto = await call('gong_get_scorecards_report', {
      scorecard_ids: [STATS_SEED.scorecards.automatic],
      review_method: 'AUTOMATIC',
      review_from_date: week.from,
      review_to_date: week.to,
    });
    assert.ok(auto.answeredScorecards.every((a: Json) => a.reviewMethod === 'AUTOMATIC' && !('reviewerUserId' in a)));
  });

  test('answered-scorecard call ids arrive exact (int64 beyond 2^53)', async () => {
    const report = await call('gong_get_scorecards_report', { reviewed_user_ids: [GONG_SEED.users.priya] });
    for (const a of report.answeredScorecards) {
      assert.ok(emulator.state.calls.has(String(a.callId)), `callId ${a.callId} names a real call`);
    }
  });

  test("coaching metrics: Marcus's coaching of each direct report last week", async () => {
    const tz = emulator.state.company.timeZone;
    const offset = (day: string) =>
      new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
        .formatToParts(Date.parse(`${day}T12:00:00Z`))
        .find((p) => p.type === 'timeZoneName')!
        .value.replace('GMT', '') || 'Z';
    const res = await call('gong_list_coaching_metrics', {
      workspace_id: GONG_SEED.workspaces.sales,
      manager_id: GONG_SEED.users.marcus,
      from: `${week.from}T00:00:00${offset(week.from)}`,
      to: `${week.to}T00:00:00${offset(week.to)}`,
    });
    const [data] = res.coachingData;
    assert.equal(data.manager.id, GONG_SEED.users.marcus);
    const reports = [...emulator.state.users.values()].filter((u) => u.managerId === GONG_SEED.users.marcus);
    assert.deepEqual(data.directReportsMetrics.map((m: Json) => m.report.id).sort(), reports.map((u) => u.id).sort());
    let coached = 0;
    for (const m of data.directReportsMetrics) {
      const listened = new Set<string>();
      for (const d of days(week.from, week.to)) {
        for (const id of emulator.state.activity.get(`${GONG_SEED.users.marcus}|${d}`)?.othersCallsListenedTo ?? []) {
          if (emulator.state.calls.get(id)!.primaryUserId === m.report.id) listened.add(id);
        }
      }
      assert.deepEqual([...m.metrics.callsListenedTo].sort(), [...listened].sort());
      coached += m.metrics.callsListenedTo.length;
    }
    assert.ok(coached > 0, 'Marcus listened to his reports last week');
  });

  test('catalogue example: create a new Gong meeting with the team, then update and delete it', async () => {
    const marcus = emulator.state.users.get(GONG_SEED.users.marcus)!;
    const team = [...emulator.state.users.values()].filter((u) => u.managerId === marcus.id && u.active);
    assert.ok(team.length >= 3);
    const start = `${addDays(week.today, 7)}T17:00:00Z`;
    const created = await call('gong_create_meeting', {
      title: 'Team pipeline review',
      start_time: start,
      end_time: `${addDays(week.today, 7)}T17:45:00Z`,
      organizer_email: marcus.emailAddress,
      invitees: team.map((u) => ({
        email: u.emailAddress,
        display_name: `${u.firstName} ${u.lastName}`,
        first_name: u.firstName,
        last_name: u.lastName,
      })),
    });
    const m = emulator.state.meetings.get(created.meetingId)!;
    assert.ok(m, 'the meeting exists in Gong');
    assert.equal(m.title, 'Team pipeline review');
    assert.equal(m.organizerUserId, marcus.id);
    assert.equal(m.startTime, start);
    assert.deepEqual(m.invitees.map((i) => i.email).sort(), team.map((u) => u.emailAddress).sort());
    assert.equal(m.invitees[0]!.firstName, team[0]!.firstName);
    assert.equal(created.meetingUrl, m.meetingUrl);
    assert.ok(created.additionalInvitees.length > 0);

    const elena = emulator.state.users.get(GONG_SEED.users.elena)!;
    await call('gong_update_meeting', {
      meeting_id: created.meetingId,
      title: 'Team pipeline review (moved)',
      start_time: `${addDays(week.today, 8)}T16:00:00Z`,
      end_time: `${addDays(week.today, 8)}T16:45:00Z`,
      organizer_email: marcus.emailAddress,
      invitees: [...team, elena].map((u) => ({ email: u.emailAddress })),
      provider: 'google meet',
    });
    assert.equal(m.title, 'Team pipeline review (moved)');
    assert.equal(m.startTime, `${addDays(week.today, 8)}T16:00:00Z`);
    assert.equal(m.invitees.length, team.length + 1);
    assert.equal(m.provider, 'Google Meet');

    const wrong = await fail('gong_delete_meeting', {
      meeting_id: created.meetingId,
      organizer_email: elena.emailAddress,
    });
    assert.equal(wrong.status, 404);
    const deleted = await call('gong_delete_meeting', {
      meeting_id: created.meetingId,
      organizer_email: marcus.emailAddress,
    });
    assert.equal(deleted.organizerEmail, marcus.emailAddress);
    assert.ok(!emulator.state.meetings.has(created.meetingId));
    const again = await fail('gong_delete_meeting', { meeting_id: created.meetingId });
    assert.equal(again.status, 404);
    assert.match(again.message, /No meeting found/);
  });

  test('meeting integration status explains who cannot host meetings', async () => {
    const sofia = emulator.state.users.get(GONG_SEED.users.sofia)!;
    const res = await call('gong_validate_meeting_integration', {
      emails: [emulator.state.users.get(GONG_SEED.users.priya)!.emailAddress, sofia.emailAddress, 'ghost@example.com'],
    });
    assert.deepEqual(
      res.users.map((u: Json) => [u.exists, u.valid]),
      [
        [true, true],
        [true, false],
        [false, false],
      ],
    );
    assert.match(res.users[1].userFacingError, /calendar/i);
    const refused = await fail('gong_create_meeting', {
      start_time: `${addDays(week.today, 3)}T17:00:00Z`,
      end_time: `${addDays(week.today, 3)}T17:30:00Z`,
      organizer_email: sofia.emailAddress,
      invitees: [],
    });
    assert.equal(refused.status, 409);
  });

  test('posts a digital interaction once; the duplicate is refused', async () => {
    const args = {
      event_id: 'e2e-visit-1',
      timestamp: `${week.from}T16:00:00Z`,
      event_type: 'page viewed',
      source_system_name: 'Website',
      device: 'PC',
      content: {
        content_title: 'Pricing',
        content_url: 'https://www.switchboard-demo.example/pricing',
        numeric: { value: 75, range_from: 0, range_to: 100, numeric_type: 'PERCENTAGE' },
      },
      person: {
        name: 'Mindy Park',
        email: 'mindy.park@globex.example',
        crm: { object_type: 'CONTACT', object_id: '0035g0GLX02', system_name: 'Salesforce' },
        company: {
          name: 'Globex',
          domain: 'globex.example',
          crm: [{ object_type: 'ACCOUNT', object_id: '0015g00000GLXAAA2' }],
        },
      },
      custom_fields: [{ name: 'utm_source', value: 'newsletter' }],
    };
    const res = await call('gong_post_digital_interaction', args);
    assert.equal(typeof res.requestId, 'string');
    const stored = emulator.state.digitalInteractions.get('e2e-visit-1')!;
    assert.equal(stored.personEmail, 'mindy.park@globex.example');
    const body = stored.body as Json;
    assert.deepEqual(body.content.numericContentDetails, {
      value: 75,
      rangeFrom: 0,
      rangeTo: 100,
      numericType: 'PERCENTAGE',
    });
    assert.deepEqual(body.person.personBusinessContext, {
      objectType: 'CONTACT',
      objectId: '0035g0GLX02',
      systemName: 'Salesforce',
    });
    assert.deepEqual(body.person.company.companyBusinessContexts, [
      { objectType: 'ACCOUNT', objectId: '0015g00000GLXAAA2' },
    ]);
    assert.deepEqual(body.customFields, [{ name: 'utm_source', value: 'newsletter' }]);
    const dup = await fail('gong_post_digital_interaction', args);
    assert.equal(dup.status, 409);
    assert.match(dup.message, /already reported/);
  });

  test('reports a content share, a view and a custom action onto the timeline', async () => {
    const before = emulator.state.engagementEvents.length;
    const content = {
      content_id: 'e2e-doc-1',
      content_url: 'https://docs.example/e2e-doc-1',
      content_title: 'Initech order form',
    };
    const crm = [{ system: 'Salesforce', objects: [{ object_type: 'Account', object_id: '0015g00000INTAAA3' }] }];
    const shared = await call('gong_report_content_shared', {
      reporting_system: 'e2e-docs',
      event_timestamp: `${week.from}T18:00:00Z`,
      event_id: 'e2e-share-1',
      ...content,
      crm_context: crm,
      sharer: { user_id: GONG_SEED.users.tom },
      recipients: [{ email: 'bill.lumbergh@initech.example', name: 'Bill Lumbergh' }],
      sharing_message_subject: 'Order form',
      content_properties: [{ name: 'pages', value: '3', data_type: 'number' }],
    });
    const viewed = await call('gong_report_content_viewed', {
      reporting_system: 'e2e-docs',
      event_timestamp: `${addDays(week.from, 1)}T18:00:00Z`,
      event_id: 'e2e-view-1',
      ...content,
      viewer: { email: 'bill.lumbergh@initech.example' },
    });
    const action = await call('gong_report_engagement_action', {
      reporting_system: 'e2e-docs',
      event_timestamp: `${addDays(week.from, 2)}T18:00:00Z`,
      action_name: 'Order form signed',
      actor: { email: 'bill.lumbergh@initech.example', name: 'Bill Lumbergh' },
      ...content,
    });
    const events = emulator.state.engagementEvents.slice(before);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['content-shared', 'content-viewed', 'custom-action'],
    );
    const integration = emulator.state.engagementIntegrations.get('e2e-docs');
    for (const r of [shared, viewed, action]) assert.equal(String(r.integrationId), integration);
    assert.equal(events[0]!.sharerUserId, GONG_SEED.users.tom);
    assert.deepEqual((events[0]!.body as Json).crmContext, [
      { system: 'Salesforce', objects: [{ objectType: 'Account', objectId: '0015g00000INTAAA3' }] },
    ]);
    assert.deepEqual((events[0]!.body as Json).contentProperties, [{ name: 'pages', value: '3', dataType: 'number' }]);
    assert.equal((events[2]!.body as Json).actionName, 'Order form signed');
    for (const e of events) assert.deepEqual(e.externalEmails, ['bill.lumbergh@initech.example']);
    const dup = await fail('gong_report_content_shared', {
      reporting_system: 'e2e-docs',
      event_timestamp: `${week.from}T18:00:00Z`,
      event_id: 'e2e-share-1',
      ...content,
    });
    assert.equal(dup.status, 409);
  });
});
