/**
 * Gong emulator endpoints of the calls/users/settings group: shapes checked against Gong's OpenAPI document (kept
 * outside the repo, in ../shared/specs), errors, cursor pagination, writes and their effects, and the seed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createGongEmulator, GONG_ROUTES, GONG_SEED, isoDay } from '../../src/emulators/gong/index.ts';
import { daysAgo, FIXED_NOW, setup, wavFile } from './gong-helpers.ts';

const SPEC_PATH = fileURLToPath(new URL('../../../shared/specs/gong-v2.openapi.json', import.meta.url));
const SPEC_SKIP = existsSync(SPEC_PATH) ? false : `skipped: ${SPEC_PATH} not found`;

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  type?: string;
  enum?: unknown[];
  format?: string;
}
interface Spec {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
}
const spec: Spec | undefined = existsSync(SPEC_PATH) ? JSON.parse(readFileSync(SPEC_PATH, 'utf8')) : undefined;

function deref(s: Schema): Schema {
  let cur = s;
  while (cur.$ref) cur = spec!.components.schemas[cur.$ref.replace('#/components/schemas/', '')]!;
  if (cur.allOf) {
    const merged: Schema = { type: 'object', properties: {} };
    for (const part of cur.allOf.map(deref)) Object.assign(merged.properties!, part.properties ?? {});
    return merged;
  }
  return cur;
}

/** Fields the emulator may return beyond the schema (Gong adds fields without notice; these are documented ones). */
const EXTRA_ALLOWED = new Set(['avatarUrl']);

/** Every problem of `value` against `schema`: wrong types, values outside enums, undeclared fields. */
function problems(value: unknown, schema: Schema, path = '$'): string[] {
  const s = deref(schema);
  if (value === undefined) return [];
  if (value === null) return [`${path}: null where ${s.type ?? 'a value'} is expected`];
  const out: string[] = [];
  const type = s.type ?? (s.properties ? 'object' : undefined);
  if (s.enum && !s.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} not in ${s.enum.join('|')}`);
  switch (type) {
    case 'string':
      if (typeof value !== 'string') out.push(`${path}: expected string, got ${typeof value}`);
      else if (s.format === 'date-time' && Number.isNaN(Date.parse(value))) out.push(`${path}: not a date-time`);
      break;
    case 'integer':
      if (!Number.isInteger(value)) out.push(`${path}: expected integer, got ${JSON.stringify(value)}`);
      break;
    case 'number':
      if (typeof value !== 'number') out.push(`${path}: expected number`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') out.push(`${path}: expected boolean`);
      break;
    case 'array':
      if (!Array.isArray(value)) out.push(`${path}: expected array`);
      else
        value.forEach((v, i) => {
          out.push(...problems(v, s.items ?? {}, `${path}[${i}]`));
        });
      break;
    case 'object': {
      // A bare `type: object` is how the (Java-generated) spec spells "any value" (CRM field values).
      if (!s.properties && s.additionalProperties === undefined) break;
      if (typeof value !== 'object' || Array.isArray(value)) {
        out.push(`${path}: expected object`);
        break;
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const prop = s.properties?.[k];
        if (prop) out.push(...problems(v, prop, `${path}.${k}`));
        else if (typeof s.additionalProperties === 'object')
          out.push(...problems(v, s.additionalProperties, `${path}.${k}`));
        else if (!EXTRA_ALLOWED.has(k)) out.push(`${path}.${k}: not declared in the schema`);
      }
      break;
    }
  }
  return out;
}

function responseSchema(method: string, path: string, status: number): Schema {
  const op = spec!.paths[path]?.[method.toLowerCase()];
  assert.ok(op, `${method} ${path} is not in the spec`);
  const schema = op.responses[String(status)]?.content?.['application/json']?.schema;
  assert.ok(schema, `${method} ${path} has no ${status} JSON schema`);
  return schema;
}

function assertMatchesSpec(method: string, path: string, status: number, body: unknown) {
  const found = problems(body, responseSchema(method, path, status));
  assert.deepEqual(found, [], `${method} ${path}:\n  ${found.join('\n  ')}`);
}

const allContent = {
  context: 'Extended',
  contextTiming: ['Now', 'TimeOfCall'],
  exposedFields: {
    parties: true,
    media: true,
    content: {
      structure: true,
      topics: true,
      trackers: true,
      trackerOccurrences: true,
      brief: true,
      outline: true,
      highlights: true,
      callOutcome: true,
      keyPoints: true,
    },
    interaction: { speakers: true, video: true, personInteractionStats: true, questions: true },
    collaboration: { publicComments: true },
  },
};

describe('Gong emulator: response shapes match the OpenAPI document', { skip: SPEC_SKIP }, () => {
  test('every emulated route is in the spec (manual CRM associations excepted: absent from the saved spec)', () => {
    for (const r of GONG_ROUTES) {
      if (r.path === '/v2/calls/manual-crm-associations') continue;
      assert.ok(spec!.paths[r.path]?.[r.method.toLowerCase()], `${r.method} ${r.path} is not in the spec`);
    }
  });

  test('calls: list, by id, extensive with every field, transcript', async () => {
    const s = setup();
    const list = await s.get(`/v2/calls?fromDateTime=${daysAgo(42)}&toDateTime=${FIXED_NOW.toISOString()}`);
    assert.equal(list.status, 200);
    assertMatchesSpec('GET', '/v2/calls', 200, list.body);
    assert.equal(list.body.records.totalRecords, GONG_SEED.callIds.length);
    const one = await s.get(`/v2/calls/${GONG_SEED.calls.latestExternal}`);
    assertMatchesSpec('GET', '/v2/calls/{id}', 200, one.body);
    const ext = await s.post('/v2/calls/extensive', {
      filter: { fromDateTime: daysAgo(42), toDateTime: FIXED_NOW.toISOString() },
      contentSelector: allContent,
    });
    assert.equal(ext.status, 200);
    assertMatchesSpec('POST', '/v2/calls/extensive', 200, ext.body);
    const tr = await s.post('/v2/calls/transcript', { filter: { callIds: GONG_SEED.callIds.slice(0, 5) } });
    assertMatchesSpec('POST', '/v2/calls/transcript', 200, tr.body);
    assert.equal(tr.body.callTranscripts.length, 5);
  });

  test('users, settings history, workspaces, outcomes, library, trackers, logs, access', async () => {
    const s = setup();
    const checks: [string, string, unknown, string?][] = [
      ['GET', '/v2/users?includeAvatars=true', undefined, '/v2/users'],
      ['POST', '/v2/users/extensive', { filter: { userIds: [GONG_SEED.users.tom], includeAvatars: true } }],
      ['GET', `/v2/users/${GONG_SEED.users.sam}`, undefined, '/v2/users/{id}'],
      ['GET', `/v2/users/${GONG_SEED.users.sam}/settings-history`, undefined, '/v2/users/{id}/settings-history'],
      ['GET', '/v2/workspaces', undefined],
      ['GET', '/v2/call-outcomes', undefined],
      ['GET', '/v2/library/folders', undefined],
      [
        'GET',
        `/v2/library/folder-content?folderId=${GONG_SEED.folders.objectionHandling}`,
        undefined,
        '/v2/library/folder-content',
      ],
      ['GET', '/v2/settings/trackers', undefined],
      ['GET', `/v2/logs?logType=UserCallPlay&fromDateTime=${daysAgo(7)}`, undefined, '/v2/logs'],
      ['GET', `/v2/logs?logType=UserActivityLog&fromDateTime=${daysAgo(42)}`, undefined, '/v2/logs'],
      ['POST', '/v2/calls/users-access', { filter: { callIds: [GONG_SEED.calls.latestExternal] } }],
    ];
    for (const [method, url, body, specPath] of checks) {
      const r = await s.call(method, url, { body });
      assert.equal(r.status, 200, `${method} ${url}: ${JSON.stringify(r.body)}`);
      assertMatchesSpec(method, specPath ?? url, 200, r.body);
    }
  });

  test('add call and its media, and errors, in the documented shapes', async () => {
    const s = setup();
    const add = await s.post('/v2/calls', {
      clientUniqueId: 'pbx-1',
      actualStart: daysAgo(0.1),
      direction: 'Outbound',
      primaryUser: GONG_SEED.users.sofia,
      parties: [{ phoneNumber: '+1 555 0100', name: 'Prospect' }],
    });
    assertMatchesSpec('POST', '/v2/calls', 200, add.body);
    const fd = new FormData();
    fd.set('mediaFile', new Blob([wavFile(1)], { type: 'audio/wav' }), 'call.wav');
    const media = await s.call('PUT', `/v2/calls/${add.body.callId}/media`, { body: fd });
    assert.equal(media.status, 201);
    assertMatchesSpec('PUT', '/v2/calls/{id}/media', 201, media.body);
    const bad = await s.get('/v2/calls?fromDateTime=nope&toDateTime=2026-01-01T00:00:00Z');
    assertMatchesSpec('GET', '/v2/calls', 400, bad.body);
  });
});

describe('Gong emulator: errors name the field', () => {
  test('dates, required parameters, ids, enums, JSON', async () => {
    const s = setup();
    const cases: [string, string, unknown, number, RegExp][] = [
      [
        'GET',
        '/v2/calls?fromDateTime=2026-06-01&toDateTime=2026-06-10T00:00:00Z',
        undefined,
        400,
        /^fromDateTime: expected an ISO-8601 date-time/,
      ],
      ['GET', `/v2/calls?toDateTime=${daysAgo(0)}`, undefined, 400, /^fromDateTime: required/],
      [
        'GET',
        `/v2/calls?fromDateTime=${daysAgo(1)}&toDateTime=${daysAgo(2)}`,
        undefined,
        400,
        /fromDateTime: must be before toDateTime/,
      ],
      [
        'GET',
        `/v2/calls?fromDateTime=${daysAgo(9)}&toDateTime=${daysAgo(0)}&workspaceId=123`,
        undefined,
        400,
        /^workspaceId: no workspace/,
      ],
      [
        'POST',
        '/v2/calls/extensive',
        { filter: { fromDateTime: 'last week' } },
        400,
        /^filter\.fromDateTime: expected an ISO-8601/,
      ],
      [
        'POST',
        '/v2/calls/extensive',
        { filter: { callIds: ['abc'] } },
        400,
        /^filter\.callIds\[0\]: expected a numeric call id/,
      ],
      ['POST', '/v2/calls/extensive', { contentSelector: {} }, 400, /^filter: required/],
      [
        'POST',
        '/v2/calls/extensive',
        { filter: {}, contentSelector: { context: 'Full' } },
        400,
        /^contentSelector\.context/,
      ],
      ['POST', '/v2/calls/extensive', '{not json', 400, /not valid JSON/],
      ['GET', '/v2/calls/abc', undefined, 400, /^id: expected a numeric Gong id/],
      ['GET', '/v2/calls/123456789', undefined, 404, /Call not found/],
      ['GET', '/v2/users/999', undefined, 404, /User not found/],
      [
        'GET',
        `/v2/logs?logType=Everything&fromDateTime=${daysAgo(3)}`,
        undefined,
        400,
        /^logType: expected one of AccessLog/,
      ],
      ['GET', '/v2/logs?logType=AccessLog', undefined, 400, /^fromDateTime: required/],
      ['GET', '/v2/library/folder-content', undefined, 400, /^folderId: required/],
      [
        'GET',
        `/v2/library/folder-content?folderId=${GONG_SEED.folders.privateDrafts}`,
        undefined,
        404,
        /no public library folder/,
      ],
      [
        'POST',
        '/v2/users/extensive',
        { filter: { createdFromDateTime: '2026-13-01T00:00:00Z' } },
        400,
        /^filter\.createdFromDateTime/,
      ],
    ];
    for (const [method, url, body, status, message] of cases) {
      const r = await s.call(method, url, { body });
      assert.equal(r.status, status, `${method} ${url}: ${JSON.stringify(r.body)}`);
      assert.equal(typeof r.body.requestId, 'string');
      assert.match(r.body.errors[0], message, `${method} ${url}`);
    }
  });

  test('list filters that match nothing are 404, as Gong does', async () => {
    const s = setup();
    const cases: [string, string, unknown, RegExp][] = [
      ['GET', `/v2/calls?fromDateTime=${daysAgo(400)}&toDateTime=${daysAgo(399)}`, undefined, /No calls found/],
      ['POST', '/v2/calls/extensive', { filter: { primaryUserIds: [GONG_SEED.users.dana] } }, /No calls found/],
      ['POST', '/v2/calls/transcript', { filter: { toDateTime: daysAgo(300) } }, /No calls found/],
      [
        'GET',
        `/v2/logs?logType=AccessLog&fromDateTime=${daysAgo(-1)}`,
        undefined,
        /No logs found for the specified period/,
      ],
      ['POST', '/v2/users/extensive', { filter: { createdFromDateTime: daysAgo(1) } }, /No users found/],
      ['GET', `/v2/calls/manual-crm-associations?fromDateTime=${daysAgo(-1)}`, undefined, /No manual CRM associations/],
    ];
    for (const [method, url, body, message] of cases) {
      const r = await s.call(method, url, { body });
      assert.equal(r.status, 404, `${method} ${url}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.errors[0], message);
    }
  });
});

describe('Gong emulator: cursor pagination', () => {
  test('GET: cursor as a query parameter; records count pages from 0; the last page has no cursor', async () => {
    const s = setup();
    s.state.pageSize = 7;
    const base = `/v2/calls?fromDateTime=${daysAgo(42)}&toDateTime=${FIXED_NOW.toISOString()}`;
    const seen: string[] = [];
    let cursor: string | undefined;
    let page = 0;
    do {
      const r = await s.get(cursor ? `${base}&cursor=${encodeURIComponent(cursor)}` : base);
      assert.equal(r.status, 200);
      assert.equal(r.body.records.currentPageNumber, page);
      assert.equal(r.body.records.totalRecords, GONG_SEED.callIds.length);
      assert.equal(r.body.records.currentPageSize, r.body.calls.length);
      seen.push(...r.body.calls.map((c: { id: string }) => c.id));
      cursor = r.body.records.cursor;
      page++;
    } while (cursor);
    assert.equal(page, Math.ceil(GONG_SEED.callIds.length / 7));
    assert.deepEqual(seen, GONG_SEED.callIds, 'every call once, oldest first');
  });

  test('POST: cursor as a body field; it must come with the identical request', async () => {
    const s = setup();
    s.state.pageSize = 3;
    const body = { filter: { fromDateTime: daysAgo(42) } };
    const p1 = await s.post('/v2/users/extensive', { filter: {} });
    assert.equal(p1.body.users.length, 3);
    const p2 = await s.post('/v2/users/extensive', { filter: {}, cursor: p1.body.records.cursor });
    assert.equal(p2.status, 200);
    assert.equal(p2.body.records.currentPageNumber, 1);
    assert.notDeepEqual(p2.body.users[0], p1.body.users[0]);
    const t1 = await s.post('/v2/calls/transcript', body);
    assert.ok(t1.body.records.cursor);
    const mismatch = await s.post('/v2/calls/transcript', {
      filter: { fromDateTime: daysAgo(41) },
      cursor: t1.body.records.cursor,
    });
    assert.equal(mismatch.status, 400);
    assert.match(mismatch.body.errors[0], /^cursor: this cursor belongs to a different request/);
    const garbage = await s.post('/v2/calls/transcript', { ...body, cursor: 'not-a-cursor' });
    assert.equal(garbage.status, 400);
    assert.match(garbage.body.errors[0], /^cursor: /);
  });
});

describe('Gong emulator: writes', () => {
  test('add a call, upload its media (multipart mediaFile), see it listed and booked in the activity ledger', async () => {
    const s = setup();
    const started = daysAgo(0.2);
    const add = await s.post('/v2/calls', {
      clientUniqueId: 'ringcentral-42',
      actualStart: started,
      direction: 'Outbound',
      primaryUser: GONG_SEED.users.sofia,
      title: 'Cold call to Initech',
      callProviderCode: 'RingCentral',
      parties: [
        { userId: GONG_SEED.users.sofia },
        { phoneNumber: '+1 512 555 0161', name: 'Bill Lumbergh', emailAddress: 'bill@initech.example' },
      ],
    });
    assert.equal(add.status, 200);
    const id = add.body.callId as string;
    assert.match(id, /^\d+$/);
    const dup = await s.post('/v2/calls', {
      clientUniqueId: 'ringcentral-42',
      actualStart: started,
      direction: 'Outbound',
      primaryUser: GONG_SEED.users.sofia,
      parties: [{ name: 'x' }],
    });
    assert.equal(dup.status, 409);
    assert.match(dup.body.errors[0], /ringcentral-42/);

    const before = await s.get(`/v2/calls/${id}`);
    assert.equal(before.body.call.media, undefined);
    assert.equal(before.body.call.scope, 'External');
    assert.equal(before.body.call.system, 'RingCentral');

    const wav = wavFile(3);
    const fd = new FormData();
    fd.set('mediaFile', new Blob([wav], { type: 'audio/wav' }), 'cold-call.wav');
    const up = await s.call('PUT', `/v2/calls/${id}/media`, { body: fd });
    assert.equal(up.status, 201);
    assert.equal(up.body.callId, id);
    assert.equal(up.body.url, `https://app.gong.io/call?id=${id}`);
    const stored = s.state.calls.get(id)!;
    assert.equal(stored.mediaFile?.sha256, createHash('sha256').update(wav).digest('hex'));
    assert.equal(stored.mediaFile?.sizeBytes, wav.length);
    const after = await s.get(`/v2/calls/${id}`);
    assert.equal(after.body.call.media, 'Audio');
    assert.equal(after.body.call.duration, 3, 'duration read from the WAV header');

    const ledger = s.state.activity.get(`${GONG_SEED.users.sofia}|${isoDay(Date.parse(started))}`)!;
    assert.ok(ledger.callsAsHost.includes(id));
  });

  test('media URLs of extensive calls are pre-signed downloads that expire after about 8 hours', async () => {
    let now = FIXED_NOW.getTime();
    const s = setup({ now: () => new Date(now) });
    const add = await s.post('/v2/calls', {
      clientUniqueId: 'media-1',
      actualStart: daysAgo(1),
      direction: 'Inbound',
      primaryUser: GONG_SEED.users.tom,
      parties: [{ phoneNumber: '+1 555 0101' }],
    });
    const wav = wavFile(1);
    const fd = new FormData();
    fd.set('mediaFile', new Blob([wav], { type: 'audio/wav' }), 'in.wav');
    assert.equal((await s.call('PUT', `/v2/calls/${add.body.callId}/media`, { body: fd })).status, 201);
    const ext = await s.post('/v2/calls/extensive', {
      filter: { callIds: [add.body.callId, GONG_SEED.calls.latestExternal] },
      contentSelector: { exposedFields: { media: true } },
    });
    const byId = new Map(ext.body.calls.map((c: { metaData: { id: string } }) => [c.metaData.id, c]));
    // biome-ignore lint/suspicious/noExplicitAny: upstream-shaped JSON
    const uploaded = byId.get(add.body.callId) as any;
    // biome-ignore lint/suspicious/noExplicitAny: upstream-shaped JSON
    const seeded = byId.get(GONG_SEED.calls.latestExternal) as any;
    assert.equal(uploaded.media.videoUrl, undefined, 'an audio call has no video URL');
    assert.ok(seeded.media.videoUrl);
    const fetchUrl = (url: string) => s.emulator.app.request(url);
    const got = await fetchUrl(uploaded.media.audioUrl);
    assert.equal(got.status, 200, 'no Authorization header needed');
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), wav);
    const seededAudio = await fetchUrl(seeded.media.audioUrl);
    assert.equal(seededAudio.headers.get('content-type'), 'audio/wav');
    const forged = await fetchUrl(uploaded.media.audioUrl.replace(/signature=[^&]+/, 'signature=x'));
    assert.equal(forged.status, 403);
    now += 8 * 3_600_000 + 1;
    const expired = await fetchUrl(uploaded.media.audioUrl);
    assert.equal(expired.status, 403);
    assert.equal(await expired.text(), 'Request has expired');
  });

  test('media upload refusals name the problem', async () => {
    const s = setup();
    const add = await s.post('/v2/calls', {
      clientUniqueId: 'x-1',
      actualStart: daysAgo(1),
      direction: 'Inbound',
      primaryUser: GONG_SEED.users.tom,
      parties: [{ emailAddress: 'a@b.example' }],
    });
    const id = add.body.callId;
    const json = await s.put(`/v2/calls/${id}/media`, { mediaFile: 'abc' });
    assert.equal(json.status, 415);
    assert.match(json.body.errors[0], /multipart\/form-data/);
    const wrongField = new FormData();
    wrongField.set('file', new Blob([wavFile(1)], { type: 'audio/wav' }), 'a.wav');
    const r1 = await s.call('PUT', `/v2/calls/${id}/media`, { body: wrongField });
    assert.equal(r1.status, 400);
    assert.match(r1.body.errors[0], /mediaFile: required file part is missing \(got the field\(s\) file\)/);
    const text = new FormData();
    text.set('mediaFile', new Blob(['hello'], { type: 'text/plain' }), 'notes.txt');
    const r2 = await s.call('PUT', `/v2/calls/${id}/media`, { body: text });
    assert.equal(r2.status, 400);
    assert.match(r2.body.errors[0], /unsupported media/);
    const recorded = new FormData();
    recorded.set('mediaFile', new Blob([wavFile(1)], { type: 'audio/wav' }), 'a.wav');
    const r3 = await s.call('PUT', `/v2/calls/${GONG_SEED.calls.latestExternal}/media`, { body: recorded });
    assert.equal(r3.status, 400);
    assert.match(r3.body.errors[0], /was recorded by Gong/);
    const missingUser = await s.post('/v2/calls', {
      clientUniqueId: 'x-2',
      actualStart: daysAgo(1),
      direction: 'Inbound',
      primaryUser: '42',
      parties: [{ name: 'a' }],
    });
    assert.equal(missingUser.status, 400);
    assert.match(missingUser.body.errors[0], /^primaryUser: no Gong user/);
    const missing = await s.post('/v2/calls', { actualStart: daysAgo(1) });
    assert.equal(missing.status, 400);
    for (const field of ['clientUniqueId', 'parties', 'direction', 'primaryUser']) {
      assert.match(missing.body.errors[0], new RegExp(`${field}: required`));
    }
  });

  test('individual call access: grant, read, remove', async () => {
    const s = setup();
    const callId = GONG_SEED.callIds[3]!;
    const list = { callAccessList: [{ callId, userIds: [GONG_SEED.users.tom, GONG_SEED.users.elena] }] };
    assert.equal((await s.put('/v2/calls/users-access', list)).status, 200);
    const read = async () =>
      (await s.post('/v2/calls/users-access', { filter: { callIds: [callId] } })).body.callAccessList[0].users.map(
        (u: { userId: string }) => u.userId,
      );
    assert.deepEqual(await read(), [GONG_SEED.users.tom, GONG_SEED.users.elena]);
    const del = await s.del('/v2/calls/users-access', {
      callAccessList: [{ callId, userIds: [GONG_SEED.users.tom] }],
    });
    assert.equal(del.status, 200);
    assert.deepEqual(await read(), [GONG_SEED.users.elena]);
    const unknownCall = await s.put('/v2/calls/users-access', {
      callAccessList: [{ callId: '1', userIds: [GONG_SEED.users.tom] }],
    });
    assert.equal(unknownCall.status, 404);
    assert.match(unknownCall.body.errors[0], /^callAccessList\[0\]\.callId/);
    const unknownUser = await s.put('/v2/calls/users-access', { callAccessList: [{ callId, userIds: ['1'] }] });
    assert.equal(unknownUser.status, 400);
    assert.match(unknownUser.body.errors[0], /^callAccessList\[0\]\.userIds\[0\]/);
  });
});

describe('Gong emulator: seed', () => {
  test('deterministic: two emulators on the same clock hold the same data', () => {
    const a = createGongEmulator({ now: () => FIXED_NOW });
    const b = createGongEmulator({ now: () => FIXED_NOW });
    assert.equal(JSON.stringify([...a.state.calls.values()]), JSON.stringify([...b.state.calls.values()]));
    assert.equal(JSON.stringify([...a.state.activity.values()]), JSON.stringify([...b.state.activity.values()]));
    a.reset();
    assert.equal(JSON.stringify([...a.state.calls.values()]), JSON.stringify([...b.state.calls.values()]));
  });

  test('a team with managers, ~40 calls over six weeks, a call and activity for every active user every weekday', () => {
    const { state } = setup();
    const users = [...state.users.values()];
    assert.equal(users.length, 8);
    assert.equal(users.filter((u) => !u.managerId).length, 1, 'one head of sales');
    for (const u of users) if (u.managerId) assert.ok(state.users.has(u.managerId));
    assert.equal(state.users.get(GONG_SEED.users.sam)!.active, false);
    assert.ok(state.calls.size >= 38 && state.calls.size <= 45, `${state.calls.size} calls`);
    assert.equal(state.workspaces.size, 2);
    const today0 = Date.UTC(FIXED_NOW.getUTCFullYear(), FIXED_NOW.getUTCMonth(), FIXED_NOW.getUTCDate());
    for (let d = 1; d <= 42; d++) {
      const day = new Date(today0 - d * 86_400_000);
      if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
      const date = isoDay(day);
      assert.ok(
        [...state.calls.values()].some((c) => isoDay(Date.parse(c.started)) === date),
        `a call on ${date}`,
      );
      for (const u of users.filter((x) => x.active)) {
        const a = state.activity.get(`${u.id}|${date}`);
        assert.ok(a, `activity of ${u.firstName} on ${date}`);
        assert.ok(a.ownCallsListenedTo.length + a.othersCallsListenedTo.length > 0);
      }
    }
  });

  test('calls are coherent: speakers are parties, trackers hit what was said, talk time is booked', async () => {
    const s = setup();
    for (const call of s.state.calls.values()) {
      const speakers = new Set(call.parties.map((p) => p.speakerId).filter(Boolean));
      for (const m of call.transcript) assert.ok(speakers.has(m.speakerId), `${call.id}: speaker ${m.speakerId}`);
      assert.ok(call.parties.some((p) => p.userId === call.primaryUserId && p.affiliation === 'Internal'));
    }
    const pricingCall = [...s.state.calls.values()].find((c) => c.title.includes('Pricing'))!;
    const r = await s.post('/v2/calls/extensive', {
      filter: { callIds: [pricingCall.id] },
      contentSelector: { exposedFields: { content: { trackers: true, trackerOccurrences: true } } },
    });
    const trackers = r.body.calls[0].content.trackers as {
      name: string;
      count: number;
      phrases: { phrase: string }[];
    }[];
    const pricing = trackers.find((t) => t.name === 'Pricing')!;
    const said = pricingCall.transcript
      .flatMap((m) => m.sentences)
      .map((x) => x.text.match(/\b(price|pricing|discount|budget|proposal)(s|es|ed|ing)?\b/gi)?.length ?? 0)
      .reduce((a, b) => a + b, 0);
    assert.equal(pricing.count, said);
    assert.ok(trackers.some((t) => t.name === 'Competitors' && t.phrases.some((p) => p.phrase === 'Clari')));
    const host = s.state.activity.get(`${pricingCall.primaryUserId}|${isoDay(Date.parse(pricingCall.started))}`)!;
    assert.ok(host.callsAsHost.includes(pricingCall.id));
    assert.ok(host.talkTimeSec > 0);
  });

  test('library, trackers and logs are filtered as asked', async () => {
    const s = setup();
    const folders = (await s.get('/v2/library/folders')).body.folders as { id: string }[];
    assert.ok(!folders.some((f) => f.id === GONG_SEED.folders.privateDrafts), 'private folders are not listed');
    const cs = (await s.get(`/v2/library/folders?workspaceId=${GONG_SEED.workspaces.customerSuccess}`)).body.folders;
    assert.deepEqual(
      cs.map((f: { id: string }) => f.id),
      [GONG_SEED.folders.onboarding],
    );
    const trackers = (await s.get(`/v2/settings/trackers?workspaceId=${GONG_SEED.workspaces.customerSuccess}`)).body
      .keywordTrackers;
    assert.deepEqual(
      trackers.map((t: { trackerId: string }) => t.trackerId),
      [GONG_SEED.trackers.onboarding],
    );
    const plays = (await s.get(`/v2/logs?logType=UserCallPlay&fromDateTime=${daysAgo(42)}`)).body;
    const listens = [...s.state.activity.values()].reduce(
      (n, a) => n + a.ownCallsListenedTo.length + a.othersCallsListenedTo.length,
      0,
    );
    assert.equal(plays.records.totalRecords, listens, 'one play log per listen in the ledger');
    const impersonated = (
      await s.get(`/v2/logs?logType=UserActivityLog&fromDateTime=${daysAgo(42)}`)
    ).body.logEntries.find((e: { impersonatorUserId?: string }) => e.impersonatorUserId);
    assert.equal(impersonated.impersonatorEmailAddress, 'dana.whitfield@switchboard-demo.example');
  });
});
