/** Gong calls/users/settings tools end to end: MCP client → gateway → executor → Gong emulator over HTTP. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { GONG_SEED, type GongEmulator, isoDay } from '../../src/emulators/gong/index.ts';
import { mediaDownloadPolicy } from '../../src/toolkits/gong/media.ts';
import { wavFile } from '../emulators/gong-helpers.ts';
import { resultJson, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const MY_TOOLS = [
  'gong_list_calls',
  'gong_list_calls_extensive',
  'gong_get_call',
  'gong_get_call_transcripts',
  'gong_add_call',
  'gong_add_call_media',
  'gong_list_folder_calls',
  'gong_list_manual_crm_associations',
  'gong_list_call_outcomes',
  'gong_get_call_user_access',
  'gong_set_call_user_access',
  'gong_delete_call_user_access',
  'gong_list_users',
  'gong_list_users_extensive',
  'gong_get_user',
  'gong_get_user_settings_history',
  'gong_list_workspaces',
  'gong_list_library_folders',
  'gong_list_trackers',
  'gong_list_logs',
];

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('Gong end to end through /mcp/gong', () => {
  let gw: TestGateway;
  let client: Client;
  let emulator: GongEmulator;
  let media: Server;
  let mediaBase: string;
  const wav = wavFile(2);

  before(async () => {
    gw = await startTestGateway();
    client = await gw.connect('/mcp/gong');
    emulator = gw.gateway.emulators.get('gong') as GongEmulator;
    // A media host for the URL form of gong_add_call_media (loopback: allowed only where the test says so).
    media = createServer((req, res) => {
      if (req.url === '/recording.wav') {
        res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': wav.length });
        res.end(wav);
      } else if (req.url === '/moved') {
        res.writeHead(302, { location: '/recording.wav' });
        res.end();
      } else if (req.url === '/page.html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html></html>');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
    mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => media.close(r));
    await gw.close();
  });

  const call = async (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });
  const ok = async (name: string, args: Record<string, unknown>) => {
    const res = await call(name, args);
    assert.equal(res.isError, undefined, `${name}: ${JSON.stringify(res)}`);
    return resultJson(res);
  };
  const fails = async (name: string, args: Record<string, unknown>) => {
    const res = await call(name, args);
    assert.equal(res.isError, true, `${name} should fail: ${JSON.stringify(res)}`);
    return resultJson(res).error;
  };

  test('lists the calls/users/settings tools with descriptions that say which to use and the date format', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const n of MY_TOOLS) assert.ok(names.includes(n), `${n} is listed`);
    const list = tools.find((t) => t.name === 'gong_list_calls')!;
    assert.deepEqual([...(list.inputSchema.required ?? [])].sort(), ['from_date_time', 'to_date_time']);
    assert.match(list.description!, /gong_list_calls_extensive/);
    assert.match(list.description!, /2026-11-01T00:00:00Z/);
    const ext = tools.find((t) => t.name === 'gong_list_calls_extensive')!;
    assert.equal(ext.annotations?.readOnlyHint, true);
    assert.equal(tools.find((t) => t.name === 'gong_delete_call_user_access')!.annotations?.destructiveHint, true);
  });

  test('workspaces, users, one user, settings history, users by filter', async () => {
    const ws = await ok('gong_list_workspaces', {});
    assert.deepEqual(ws.workspaces.map((w: { name: string }) => w.name).sort(), ['Customer Success', 'Sales']);
    const users = await ok('gong_list_users', {});
    assert.equal(users.users.length, emulator.state.users.size);
    assert.equal(users.next_cursor, null);
    const priya = users.users.find((u: { firstName: string }) => u.firstName === 'Priya');
    assert.equal(priya.managerId, GONG_SEED.users.marcus);
    const one = await ok('gong_get_user', { user_id: GONG_SEED.users.marcus });
    assert.equal(one.user.title, 'Sales Manager');
    const history = await ok('gong_get_user_settings_history', { user_id: GONG_SEED.users.sam });
    const last = history.userSettingsHistory.at(-1);
    assert.deepEqual([last.setting, last.value], ['active', false]);
    const filtered = await ok('gong_list_users_extensive', {
      user_ids: [GONG_SEED.users.tom, GONG_SEED.users.sofia],
    });
    assert.deepEqual(
      filtered.users.map((u: { id: string }) => u.id).sort(),
      [GONG_SEED.users.tom, GONG_SEED.users.sofia].sort(),
    );
  });

  test('calls of the last week, then their details, one call and its transcript', async () => {
    const from = daysAgo(7);
    const to = daysAgo(0);
    const expected = [...emulator.state.calls.values()].filter(
      (c) => Date.parse(c.started) >= Date.parse(from) && Date.parse(c.started) < Date.parse(to),
    );
    assert.ok(expected.length > 0, 'the seed has calls last week');
    const list = await ok('gong_list_calls', { from_date_time: from, to_date_time: to });
    assert.equal(list.calls.length, expected.length);
    assert.equal(list.records.totalRecords, expected.length);

    const ext = await ok('gong_list_calls_extensive', {
      call_ids: [GONG_SEED.calls.latestExternal],
      context: 'Extended',
      interaction: ['speakers', 'person_interaction_stats'],
    });
    const detail = ext.calls[0];
    assert.equal(detail.metaData.id, GONG_SEED.calls.latestExternal);
    assert.ok(detail.parties.some((p: { affiliation: string }) => p.affiliation === 'External'));
    assert.match(detail.content.brief, /Northwind/);
    assert.ok(detail.content.topics.some((t: { name: string }) => t.name === 'Discovery'));
    assert.ok(detail.context[0].objects.some((o: { objectType: string }) => o.objectType === 'Account'));
    assert.ok(detail.interaction.interactionStats.some((s: { name: string }) => s.name === 'Talk Ratio'));

    const one = await ok('gong_get_call', { call_id: GONG_SEED.calls.latestExternal });
    assert.equal(one.call.title, detail.metaData.title);

    const tr = await ok('gong_get_call_transcripts', { call_ids: [GONG_SEED.calls.latestExternal] });
    const lines = tr.callTranscripts[0].transcript;
    const speakers = new Set(detail.parties.map((p: { speakerId?: string }) => p.speakerId));
    assert.ok(
      lines.every((m: { speakerId: string }) => speakers.has(m.speakerId)),
      'speakerIds map to parties',
    );
    assert.ok(lines[0].sentences[0].text.length > 0);
  });

  test('pagination: max_pages concatenates Gong pages, next_cursor continues (GET query cursor and POST body cursor)', async () => {
    emulator.state.pageSize = 6;
    try {
      const args = { from_date_time: daysAgo(50), to_date_time: daysAgo(0) };
      const total = emulator.state.calls.size;
      const first = await ok('gong_list_calls', { ...args, max_pages: 2 });
      assert.equal(first.calls.length, 12);
      assert.ok(first.next_cursor);
      const rest = await ok('gong_list_calls', { ...args, cursor: first.next_cursor, max_pages: 50 });
      assert.equal(first.calls.length + rest.calls.length, total);
      assert.equal(rest.next_cursor, null);
      const ids = new Set([...first.calls, ...rest.calls].map((c: { id: string }) => c.id));
      assert.equal(ids.size, total);

      const ext = await ok('gong_list_calls_extensive', {
        ...args,
        parties: false,
        content: [],
        interaction: [],
        max_pages: 50,
      });
      assert.equal(ext.calls.length, total);
      const tr = await ok('gong_get_call_transcripts', { ...args, max_pages: 3 });
      assert.equal(tr.callTranscripts.length, 18);
      assert.ok(tr.next_cursor);
    } finally {
      emulator.state.pageSize = 100;
    }
  });

  test('add call recording media to a specific call', async () => {
    const added = await ok('gong_add_call', {
      client_unique_id: `e2e-${Date.now()}`,
      actual_start: daysAgo(0.05),
      direction: 'Outbound',
      primary_user: GONG_SEED.users.sofia,
      title: 'Prospecting call to Initech (PBX)',
      call_provider_code: 'RingCentral',
      parties: [
        { user_id: GONG_SEED.users.sofia },
        { phone_number: '+1 512 555 0161', name: 'Bill Lumbergh', email_address: 'bill@initech.example' },
      ],
      context: [{ system: 'Salesforce', objects: [{ object_type: 'Account', object_id: '0015g00000INTAAA3' }] }],
    });
    const callId = added.callId as string;
    assert.match(callId, /^\d+$/);
    assert.equal(emulator.state.calls.get(callId)?.mediaStatus, 'awaiting');

    const up = await ok('gong_add_call_media', {
      call_id: callId,
      media_base64: wav.toString('base64'),
      file_name: 'initech-call.wav',
    });
    assert.equal(up.callId, callId);
    assert.match(up.url, new RegExp(callId));
    assert.deepEqual(up.uploaded, { file_name: 'initech-call.wav', content_type: 'audio/wav', size_bytes: wav.length });
    const stored = emulator.state.calls.get(callId)!;
    assert.equal(stored.mediaStatus, 'ready');
    assert.equal(stored.mediaFile?.sha256, createHash('sha256').update(wav).digest('hex'));
    assert.equal(stored.mediaFile?.fileName, 'initech-call.wav');
    const read = await ok('gong_get_call', { call_id: callId });
    assert.equal(read.call.media, 'Audio');
    assert.equal(read.call.duration, 2);
    const ledger = emulator.state.activity.get(`${GONG_SEED.users.sofia}|${isoDay(Date.parse(stored.started))}`);
    assert.ok(ledger?.callsAsHost.includes(callId));
  });

  test('add call media from a URL: downloaded by the gateway, redirects followed; private hosts refused by default', async () => {
    const added = await ok('gong_add_call', {
      client_unique_id: `e2e-url-${Date.now()}`,
      actual_start: daysAgo(0.1),
      direction: 'Inbound',
      primary_user: GONG_SEED.users.tom,
      parties: [{ phone_number: '+1 206 555 0199' }],
    });
    const refused = await fails('gong_add_call_media', {
      call_id: added.callId,
      media_url: `${mediaBase}/recording.wav`,
    });
    assert.equal(refused.code, 'invalid_arguments');
    assert.match(refused.message, /media_url: 127\.0\.0\.1 is a private or local address/);
    const byName = await fails('gong_add_call_media', {
      call_id: added.callId,
      media_url: `http://localhost:${new URL(mediaBase).port}/recording.wav`,
    });
    assert.match(byName.message, /localhost resolves to a private or local address/);

    mediaDownloadPolicy.allowPrivateNetworks = true;
    try {
      const up = await ok('gong_add_call_media', { call_id: added.callId, media_url: `${mediaBase}/moved` });
      assert.deepEqual(up.uploaded, { file_name: 'recording.wav', content_type: 'audio/wav', size_bytes: wav.length });
      assert.equal(emulator.state.calls.get(added.callId)?.mediaFile?.sizeBytes, wav.length);
      const html = await fails('gong_add_call_media', { call_id: added.callId, media_url: `${mediaBase}/page.html` });
      assert.match(html.message, /text\/html, not audio or video/);
      const missing = await fails('gong_add_call_media', { call_id: added.callId, media_url: `${mediaBase}/nope.mp3` });
      assert.match(missing.message, /answered HTTP 404/);
      const cap = mediaDownloadPolicy.maxBytes;
      mediaDownloadPolicy.maxBytes = 100;
      try {
        const big = await fails('gong_add_call_media', {
          call_id: added.callId,
          media_url: `${mediaBase}/recording.wav`,
        });
        assert.match(big.message, /over the 100-byte limit/);
      } finally {
        mediaDownloadPolicy.maxBytes = cap;
      }
    } finally {
      mediaDownloadPolicy.allowPrivateNetworks = false;
    }
    const ftp = await fails('gong_add_call_media', { call_id: added.callId, media_url: 'ftp://example.com/a.wav' });
    assert.match(ftp.message, /only http and https/);
    const both = await fails('gong_add_call_media', { call_id: added.callId });
    assert.match(both.message, /exactly one of "media_url" or "media_base64"/);
  });

  test("Gong refusals reach the model with Gong's own message", async () => {
    const recorded = await fails('gong_add_call_media', {
      call_id: GONG_SEED.calls.latestExternal,
      media_base64: wav.toString('base64'),
      file_name: 'x.wav',
    });
    assert.equal(recorded.status, 400);
    assert.match(recorded.message, /Gong answered 400: id: call \d+ was recorded by Gong/);
    // Gong's 404 for "nothing matched" is an empty list with Gong's message as a note, not an error.
    const none = await call('gong_list_calls', { from_date_time: daysAgo(900), to_date_time: daysAgo(899) });
    assert.equal(none.isError, undefined);
    const empty = resultJson(none);
    assert.deepEqual(empty.calls, []);
    assert.equal(empty.next_cursor, null);
    assert.match(empty.note, /No calls found corresponding to the provided filters/);
    const badDate = await fails('gong_list_calls', { from_date_time: '2026-11-01', to_date_time: daysAgo(0) });
    assert.equal(badDate.code, 'invalid_arguments');
    assert.match(badDate.message, /from_date_time/);
  });

  test('library folders and their calls, trackers, call outcomes', async () => {
    const folders = await ok('gong_list_library_folders', {});
    const best = folders.folders.find((f: { name: string }) => f.name === 'Best discovery calls');
    assert.ok(best);
    const content = await ok('gong_list_folder_calls', { folder_id: best.id });
    assert.equal(content.calls.length, emulator.state.libraryFolders.get(best.id)!.calls.length);
    assert.ok(content.calls.every((c: { title: string }) => /Discovery/.test(c.title)));
    const trackers = await ok('gong_list_trackers', { workspace_id: GONG_SEED.workspaces.sales });
    assert.ok(trackers.keywordTrackers.some((t: { trackerName: string }) => t.trackerName === 'Competitors'));
    assert.ok(
      trackers.keywordTrackers.every((t: { workspaceId: string }) => t.workspaceId === GONG_SEED.workspaces.sales),
    );
    const outcomes = await ok('gong_list_call_outcomes', {});
    assert.equal(outcomes.outcomes[0].callOutcome, 'Meeting booked');
    assert.equal(outcomes.outcomes.length, emulator.state.callOutcomes.size);
  });

  test('manual CRM associations and audit logs', async () => {
    const assoc = await ok('gong_list_manual_crm_associations', { from_date_time: daysAgo(60) });
    assert.equal(assoc.associations.length, emulator.state.manualCrmAssociations.length);
    assert.ok(assoc.associations[0].associatedCrmObjects[0].accountCrmId);
    const logs = await ok('gong_list_logs', { log_type: 'UserCallPlay', from_date_time: daysAgo(3) });
    const expected = emulator.state.logs.filter(
      (l) => l.logType === 'UserCallPlay' && Date.parse(l.eventTime) >= Date.parse(daysAgo(3)),
    ).length;
    assert.equal(logs.logEntries.length, expected);
    assert.ok(logs.logEntries.every((e: { logRecord: { callId?: string } }) => e.logRecord.callId));
  });

  test('individual call access: set, read, delete, with the effect in Gong', async () => {
    const callId = GONG_SEED.callIds[5]!;
    const access = [{ call_id: callId, user_ids: [GONG_SEED.users.jordan, GONG_SEED.users.elena] }];
    await ok('gong_set_call_user_access', { access });
    assert.deepEqual(
      [...emulator.state.callAccess.get(callId)!].sort(),
      [GONG_SEED.users.jordan, GONG_SEED.users.elena].sort(),
    );
    const read = await ok('gong_get_call_user_access', { call_ids: [callId] });
    assert.equal(read.callAccessList[0].users.length, 2);
    await ok('gong_delete_call_user_access', { access: [{ call_id: callId, user_ids: [GONG_SEED.users.jordan] }] });
    assert.deepEqual([...emulator.state.callAccess.get(callId)!], [GONG_SEED.users.elena]);
    const after = await ok('gong_get_call_user_access', { call_ids: [callId] });
    assert.deepEqual(after.callAccessList[0].users, [{ userId: GONG_SEED.users.elena }]);
  });
});
