/**
 * The Gong emulator's traffic recording and the OpenAPI contract check of that traffic against Gong's document
 * (test/helpers/contract.ts, `loadGongContract`), with its documented supplements (the hand-written manual CRM
 * associations operation, the CRM upload's prose-only query parameters), down to the gateway's close() hook.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CONFLUENCE_SEED } from '../../src/emulators/confluence/index.ts';
import type { TrafficExchange } from '../../src/emulators/framework.ts';
import { GONG_ROUTES, GONG_SEED, gongTrafficPath } from '../../src/emulators/gong/index.ts';
import {
  assertGongContract,
  ContractError,
  formatMismatches,
  GONG_API_PREFIXES,
  GONG_SPEC_FILE,
  loadConfluenceContract,
  loadGongContract,
  SPECS_DIR,
} from '../helpers/contract.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { customerPath, daysAgo, oauthTokens, setup, wavFile } from './gong-helpers.ts';

const SPEC_PATH = fileURLToPath(new URL(GONG_SPEC_FILE, SPECS_DIR));
const validator = loadGongContract();
const skip = (t: { skip: (m: string) => void }) => {
  if (validator) return false;
  t.skip(`spec not found at ${SPEC_PATH}: contract check skipped`);
  return true;
};

/** A recorded exchange with defaults, for feeding the validator directly. */
function exchange(x: Partial<TrafficExchange> & Pick<TrafficExchange, 'method' | 'path'>): TrafficExchange {
  return {
    query: {},
    requestContentType: null,
    requestBodyKind: 'none',
    requestBody: undefined,
    status: 200,
    responseHeaders: { 'content-type': 'application/json' },
    responseBodyKind: x.responseBody === undefined ? 'none' : 'json',
    responseBody: undefined,
    responseBytes: 0,
    ...x,
  };
}

const check = (x: Partial<TrafficExchange> & Pick<TrafficExchange, 'method' | 'path'>) =>
  validator!.validateExchange(exchange(x)).map((m) => `${m.operationId} ${m.field}: ${m.message}`);

describe('Gong emulator traffic recording', () => {
  test('paths relative to the API base from both bases; OAuth, media URLs and control are not recorded', async () => {
    const s = setup();
    s.emulator.traffic.enable();
    const t = await oauthTokens(s, { approveAs: GONG_SEED.users.dana, scopes: ['api:workspaces:read'] });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.equal((await s.get('/v2/workspaces')).status, 200);
    const viaOAuth = await s.get(customerPath(t.body, '/v2/workspaces'), { auth: `Bearer ${t.body.access_token}` });
    assert.equal(viaOAuth.status, 200);
    const extensive = await s.post('/v2/calls/extensive', {
      filter: { callIds: [GONG_SEED.calls.latestExternal] },
      contentSelector: { exposedFields: { media: true } },
    });
    const audio = new URL(extensive.body.calls[0].media.audioUrl);
    const media = await s.call('GET', `${audio.pathname.replace(/^\/emulators\/gong/, '')}${audio.search}`, {
      auth: null,
    });
    assert.equal(media.status, 200);
    await s.get('/__control/limits');
    assert.deepEqual(
      s.emulator.traffic.entries.map((e) => `${e.method} ${e.path} ${e.status}`),
      ['GET /v2/workspaces 200', 'GET /v2/workspaces 200', 'POST /v2/calls/extensive 200'],
    );
    assert.equal(gongTrafficPath('/customer-api/v2/calls/1'), '/v2/calls/1');
    assert.equal(gongTrafficPath('/v2/calls/1'), '/v2/calls/1');
    assert.equal(gongTrafficPath('/oauth2/generate-customer-token'), undefined);
    assert.equal(gongTrafficPath('/media/1/audio'), undefined);
  });
});

describe("Contract check against Gong's OpenAPI document", () => {
  test("base path: the document's server has no path, its paths carry /v2; every emulated route has an operation", (t) => {
    if (skip(t)) return;
    const [doc, ...others] = validator!.docs;
    assert.equal(others.length, 0);
    assert.equal(doc!.raw.servers && (doc!.raw.servers as { url: string }[])[0]?.url, 'https://127.0.0.1:8443');
    assert.equal(doc!.basePath, '');
    assert.ok(doc!.operations.every((o) => o.template.startsWith('/v2/')));
    assert.deepEqual(GONG_API_PREFIXES, ['/v2/']);
    for (const r of GONG_ROUTES) {
      const found = validator!.match(r.method, r.path.replace(/\{[^}]+\}/g, '123'));
      assert.equal(found?.op.template, r.path, `${r.method} ${r.path} has an operation`);
      assert.equal(found.op.handWritten, r.path === '/v2/calls/manual-crm-associations', r.path);
    }
  });

  test('the emulated operations conform: JSON, multipart, the supplemented and hand-written ones, errors', async (t) => {
    if (skip(t)) return;
    const s = setup();
    s.emulator.traffic.enable();
    const dana = s.state.users.get(GONG_SEED.users.dana)!;
    const call = GONG_SEED.calls.latestExternal;
    const ok = async (p: Promise<{ status: number; body: unknown }>, status = 200) => {
      const r = await p;
      assert.equal(r.status, status, JSON.stringify(r.body));
      return r;
    };
    await ok(s.get('/v2/workspaces'));
    await ok(s.get('/v2/users'));
    await ok(s.get(`/v2/users/${GONG_SEED.users.dana}`));
    await ok(s.get(`/v2/calls?fromDateTime=${daysAgo(30)}&toDateTime=${daysAgo(0)}`));
    await ok(s.get(`/v2/calls/${call}`));
    await ok(
      s.post('/v2/calls/extensive', {
        filter: { callIds: [call] },
        contentSelector: {
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
              pointsOfInterest: true,
              brief: true,
              outline: true,
              highlights: true,
              callOutcome: true,
              keyPoints: true,
            },
            interaction: { speakers: true, video: true, personInteractionStats: true, questions: true },
            collaboration: { publicComments: true },
          },
        },
      }),
    );
    await ok(s.post('/v2/calls/transcript', { filter: { callIds: [call] } }));
    await ok(s.get(`/v2/calls/manual-crm-associations?fromDateTime=${daysAgo(60)}`));
    await ok(s.get(`/v2/logs?logType=UserCallPlay&fromDateTime=${daysAgo(30)}`));
    await ok(s.get('/v2/settings/scorecards'));
    await ok(s.post('/v2/stats/activity/scorecards', { filter: { reviewMethod: 'BOTH' } }));
    await ok(s.get(`/v2/data-privacy/data-for-email-address?emailAddress=${encodeURIComponent(dana.emailAddress)}`));
    // Multipart: the media of a new call, and a CRM upload (its query parameters come from the description).
    const added = await ok(
      s.post('/v2/calls', {
        clientUniqueId: 'contract-1',
        actualStart: daysAgo(0.1),
        direction: 'Outbound',
        primaryUser: GONG_SEED.users.dana,
        parties: [{ phoneNumber: '+1 555 0100', name: 'Prospect' }],
      }),
    );
    const fd = new FormData();
    fd.set('mediaFile', new Blob([wavFile(1)], { type: 'audio/wav' }), 'call.wav');
    await ok(s.call('PUT', `/v2/calls/${(added.body as { callId: string }).callId}/media`, { body: fd }), 201);
    const registered = await s.put('/v2/crm/integrations', { ownerEmail: dana.emailAddress, name: 'Contract CRM' });
    const integrations = await ok(s.get('/v2/crm/integrations'));
    const integrationId =
      (registered.body as { integrationId?: unknown }).integrationId ??
      (integrations.body as { integrations: { integrationId: unknown }[] }).integrations[0]!.integrationId;
    const upload = new FormData();
    upload.set(
      'dataFile',
      new Blob([`${JSON.stringify({ objectId: 'acc-c1', modifiedDate: '2026-06-16T10:00:00Z', name: 'C1' })}\n`], {
        type: 'application/x-ndjson',
      }),
      'objects.ldjson',
    );
    const q = `integrationId=${integrationId}&objectType=ACCOUNT`;
    await ok(s.call('POST', `/v2/crm/entities?${q}&clientRequestId=contract-1`, { body: upload }), 201);
    await ok(s.get(`/v2/crm/request-status?integrationId=${integrationId}&clientRequestId=contract-1`));
    // A missing object maps to null (the description says so; the supplement makes it nullable).
    await ok(s.get(`/v2/crm/entities?${q}&objectsCrmIds=acc-c1&objectsCrmIds=nope`));
    // Errors only have to be the declared ErrorResponse (or JSON where none is declared).
    await ok(s.get(`/v2/calls/99999`), 404);
    await ok(s.get('/v2/workspaces', { auth: null }), 401);

    const entries = s.emulator.traffic.entries;
    assert.ok(entries.some((e) => e.path === '/v2/calls/manual-crm-associations' && e.status === 200));
    assert.ok(entries.some((e) => e.method === 'PUT' && /\/media$/.test(e.path) && e.requestBodyKind === 'binary'));
    assert.ok(entries.some((e) => e.method === 'POST' && e.path === '/v2/crm/entities' && e.status === 201));
    const mismatches = validator!.validate(entries);
    assert.deepEqual(mismatches, [], formatMismatches(mismatches));
  });

  test('a deliberately wrong Gong response is reported with the operation and the field', async (t) => {
    if (skip(t)) return;
    const s = setup();
    s.emulator.traffic.enable();
    const id = GONG_SEED.calls.latestExternal;
    s.emulator.faults.failNext({
      status: 200,
      method: 'GET',
      pathIncludes: `/v2/calls/${id}`,
      body: {
        requestId: 'r1',
        call: { id: 42, title: ['not', 'a', 'string'], started: 'yesterday', duration: '30', sneaky: true },
      },
    });
    const res = await s.get(`/v2/calls/${id}`);
    assert.equal(res.status, 200);
    const mismatches = validator!.validate(s.emulator.traffic.entries);
    const op = 'GET /v2/calls/{id} (getCall)';
    assert.ok(mismatches.every((m) => m.operation === op && m.operationId === 'getCall' && m.method === 'GET'));
    assert.ok(mismatches.every((m) => m.pathTemplate === '/v2/calls/{id}'));
    const fields = Object.fromEntries(mismatches.map((m) => [m.field, m.message]));
    assert.deepEqual(Object.keys(fields).sort(), [
      'response.call.duration',
      'response.call.id',
      'response.call.sneaky',
      'response.call.started',
      'response.call.title',
    ]);
    assert.equal(fields['response.call.id'], 'must be string');
    assert.equal(fields['response.call.title'], 'must be string');
    assert.equal(fields['response.call.duration'], 'must be integer');
    assert.match(fields['response.call.started'] ?? '', /date-time/);
    assert.equal(fields['response.call.sneaky'], 'returned but not declared in the spec');
    assert.equal(mismatches[0]!.request, `GET /v2/calls/${id} → 200`);
    assert.throws(
      () => assertGongContract(s.emulator.traffic.entries, 'this test'),
      (e: unknown) =>
        e instanceof ContractError &&
        e.mismatches.length === 5 &&
        e.message.includes("this test: 5 contract mismatch(es) with Gong's OpenAPI document") &&
        e.message.includes(`${op}: response.call.sneaky: returned but not declared in the spec`),
    );
  });

  test('the same response over the OAuth customer base is checked the same way', async (t) => {
    if (skip(t)) return;
    const s = setup();
    s.emulator.traffic.enable();
    const tok = await oauthTokens(s, { approveAs: GONG_SEED.users.dana, scopes: ['api:workspaces:read'] });
    s.emulator.faults.failNext({
      status: 200,
      pathIncludes: '/v2/workspaces',
      body: { requestId: 'r', workspaces: [{ id: '1', name: 'Sales', extra: 1 }] },
    });
    await s.get(customerPath(tok.body, '/v2/workspaces'), { auth: `Bearer ${tok.body.access_token}` });
    assert.deepEqual(
      validator!.validate(s.emulator.traffic.entries).map((m) => `${m.operation} ${m.field}`),
      ['GET /v2/workspaces (listWorkspaces) response.workspaces[0].extra'],
    );
  });

  test('requests: parameters, bodies and content types, the supplemented operations included', (t) => {
    if (skip(t)) return;
    assert.deepEqual(
      check({
        method: 'GET',
        path: '/v2/calls',
        query: { fromDateTime: ['2026-01-01T00:00:00Z'], bogus: ['1'] },
        status: 404,
        responseBody: { requestId: 'r', errors: ['No calls found'] },
      }),
      [
        'listCalls query.bogus: not a parameter of this operation (it has: cursor, fromDateTime, toDateTime, workspaceId)',
        'listCalls query.toDateTime: required but missing',
      ],
    );
    // The CRM upload: its query parameters are only in the description's table (supplemented), multipart body.
    assert.deepEqual(
      check({
        method: 'POST',
        path: '/v2/crm/entities',
        query: { integrationId: ['abc'], objectType: ['OPPORTUNITY'] },
        requestContentType: 'multipart/form-data; boundary=x',
        requestBodyKind: 'binary',
        status: 201,
        responseBody: { requestId: 'r', clientRequestId: 'c' },
      }),
      [
        'uploadCrmData query.integrationId: must be integer (got "abc")',
        'uploadCrmData query.objectType: must be one of ["ACCOUNT","CONTACT","DEAL","LEAD","BUSINESS_USER","STAGE"] (got "OPPORTUNITY")',
        'uploadCrmData query.clientRequestId: required but missing',
      ],
    );
    assert.deepEqual(
      check({
        method: 'POST',
        path: '/v2/crm/entities',
        query: { integrationId: ['1'], objectType: ['DEAL'], clientRequestId: ['r-1'] },
        requestContentType: 'application/x-ndjson',
        requestBodyKind: 'binary',
        status: 201,
        responseBody: { requestId: 'r', clientRequestId: 'r-1' },
      }),
      ['uploadCrmData requestBody: sent as application/x-ndjson; the operation takes multipart/form-data'],
      'the LDJSON file goes as a multipart part, not as the body',
    );
    assert.deepEqual(
      check({
        method: 'PUT',
        path: '/v2/calls/123/media',
        requestContentType: 'application/json',
        requestBodyKind: 'json',
        requestBody: { mediaFile: 'x' },
        status: 201,
        responseBody: { requestId: 'r', callId: '123', url: 'https://x' },
      }),
      ['addCallRecording requestBody: sent as application/json; the operation takes multipart/form-data'],
    );
    assert.deepEqual(check({ method: 'PUT', path: '/v2/calls/123/media', status: 500, responseBody: {} }), [
      'addCallRecording requestBody: the spec requires a request body; none was sent',
    ]);
    // int64 ids: call ids are strings in this request body.
    assert.deepEqual(
      check({
        method: 'POST',
        path: '/v2/calls/users-access',
        requestContentType: 'application/json',
        requestBodyKind: 'json',
        requestBody: { filter: { callIds: [7782342274025937] } },
        responseBody: { requestId: 'r', callAccessList: [] },
      }),
      ['getUsersAccessToCalls requestBody.filter.callIds[0]: must be string'],
    );
    // A one-value comma-list enum of the document is the list.
    const dataType = (v: string) =>
      check({
        method: 'PUT',
        path: '/v2/customer-engagement/content/shared',
        requestContentType: 'application/json',
        requestBodyKind: 'json',
        requestBody: {
          reportingSystem: 's',
          eventTimestamp: '2026-01-01T00:00:00Z',
          contentId: 'c',
          contentUrl: 'https://x',
          contentTitle: 't',
          contentProperties: [{ name: 'n', value: 'v', dataType: v }],
        },
        responseBody: { requestId: 'r' },
      }).filter((m) => m.includes('dataType'));
    assert.deepEqual(dataType('url'), []);
    assert.deepEqual(dataType('text'), [
      'contentShared requestBody.contentProperties[0].dataType: must be one of ["number","string","url","date"]',
    ]);
  });

  test('responses: the hand-written manual CRM associations schema, Java Object values, null CRM objects', (t) => {
    if (skip(t)) return;
    const mismatches = validator!.validateExchange(
      exchange({
        method: 'GET',
        path: '/v2/calls/manual-crm-associations',
        query: { fromDateTime: ['2026-01-01T00:00:00Z'], limit: ['5'] },
        responseBody: {
          requestId: 'r',
          records: { totalRecords: 1, currentPageSize: 1, currentPageNumber: 0 },
          associations: [
            { callId: 123, userId: '1', created: 'today', associatedCrmObjects: [{ accountCrmId: 'a', opp: 'x' }] },
          ],
        },
      }),
    );
    assert.ok(
      mismatches.every(
        (m) =>
          m.operation === 'GET /v2/calls/manual-crm-associations (listCrmCallsManualAssociation, hand-written schema)',
      ),
    );
    assert.deepEqual(
      mismatches.map((m) => `${m.field}: ${m.message}`),
      [
        'query.limit: not a parameter of this operation (it has: fromDateTime, cursor)',
        'response.associations[0].associatedCrmObjects[0].opp: returned but not declared in the spec',
        'response.associations[0].callId: must be string',
        'response.associations[0].created: must match format "date-time"',
      ],
    );
    // `{type: object}` alone is Gong's rendering of a Java Object: any value (the document's example is a string).
    assert.deepEqual(
      check({
        method: 'GET',
        path: '/v2/logs',
        query: { logType: ['UserCallPlay'], fromDateTime: ['2026-01-01T00:00:00Z'] },
        responseBody: {
          requestId: 'r',
          records: { totalRecords: 1, currentPageSize: 1, currentPageNumber: 0 },
          logEntries: [
            { userId: '1', eventTime: '2026-01-02T00:00:00Z', logRecord: { callId: '9', playedFromSec: 3 } },
          ],
        },
      }),
      [],
    );
    assert.deepEqual(
      check({
        method: 'GET',
        path: '/v2/crm/entities',
        query: { integrationId: ['1'], objectType: ['DEAL'], objectsCrmIds: ['a', 'b'] },
        responseBody: { requestId: 'r', crmObjectsMap: { a: { name: 'A', amount: 5, closed: false }, b: null } },
      }),
      [],
    );
    assert.deepEqual(
      check({
        method: 'GET',
        path: '/v2/crm/entities',
        query: { integrationId: ['1'], objectType: ['DEAL'], objectsCrmIds: ['a'] },
        responseBody: { requestId: 'r', crmObjectsMap: { a: 'not an object' } },
      }),
      ['getCrmObjects response.crmObjectsMap.a: must be object,null'],
    );
    assert.deepEqual(check({ method: 'GET', path: '/v2/nowhere', status: 404, responseBody: {} }), [
      ' path: no operation of the spec matches this path',
    ]);
    assert.deepEqual(check({ method: 'POST', path: '/oauth2/generate-customer-token', responseBody: {} }), []);
  });

  test('a missing spec folder skips the check with a notice', () => {
    assert.equal(loadGongContract(new URL('file:///nonexistent-switchboard-specs/')), undefined);
  });
});

describe('startTestGateway: close() checks the Gong traffic too', () => {
  test('a Gong answer outside the spec fails close(), in one error with the Confluence mismatches', async (t) => {
    if (skip(t)) return;
    const gw = await startTestGateway();
    let closed = false;
    try {
      const gong = gw.gateway.emulators.get('gong');
      const confluence = gw.gateway.emulators.get('confluence');
      assert.ok(gong?.traffic?.enabled, 'recording is on');
      const client = await gw.connect('/mcp/gong');
      const id = GONG_SEED.calls.latestExternal;
      const fine = await client.callTool({ name: 'gong_get_call', arguments: { call_id: id } });
      assert.equal(fine.isError, undefined, JSON.stringify(fine));
      gong.faults.failNext({
        status: 200,
        method: 'GET',
        pathIncludes: `/v2/calls/${id}`,
        body: { requestId: 'r1', call: { id, duration: 'long', sneaky: true } },
      });
      await client.callTool({ name: 'gong_get_call', arguments: { call_id: id } });
      const withConfluence = Boolean(loadConfluenceContract() && confluence);
      if (withConfluence) {
        const wiki = await gw.connect('/mcp/confluence');
        confluence!.faults.failNext({
          status: 200,
          method: 'GET',
          pathIncludes: '/wiki/api/v2/spaces',
          body: { results: [{ id: '98305', key: 'ENG', sneaky: true }], _links: {} },
        });
        await wiki.callTool({ name: 'confluence_get_spaces', arguments: { keys: [CONFLUENCE_SEED.spaces.ENG.key] } });
      }
      closed = true;
      await assert.rejects(
        () => gw.close(),
        (e: unknown) => {
          assert.ok(e instanceof ContractError);
          assert.deepEqual(
            e.mismatches.map((m) => `${m.operation} ${m.field}`),
            [
              ...(withConfluence ? ['GET /wiki/api/v2/spaces (getSpaces) response.results[0].sneaky'] : []),
              'GET /v2/calls/{id} (getCall) response.call.duration',
              'GET /v2/calls/{id} (getCall) response.call.sneaky',
            ],
          );
          assert.match(e.message, /Gong's OpenAPI document/);
          if (withConfluence) {
            assert.equal(e.sections.filter((s) => s.mismatches.length > 0).length, 2);
            assert.match(e.message, /3 contract mismatch\(es\):\n1 with the Confluence OpenAPI documents:\n- /);
            assert.match(e.message, /\n2 with Gong's OpenAPI document:\n- GET \/v2\/calls\/\{id\} \(getCall\)/);
          }
          return true;
        },
      );
    } finally {
      if (!closed) await gw.close();
    }
  });

  test('clean Gong traffic closes quietly', async () => {
    const gw = await startTestGateway();
    const client = await gw.connect('/mcp/gong');
    const res = await client.callTool({ name: 'gong_list_workspaces', arguments: {} });
    assert.equal(res.isError, undefined, JSON.stringify(res));
    const recorded = gw.gateway.emulators.get('gong')?.traffic?.entries ?? [];
    assert.ok(recorded.some((e) => e.path === '/v2/workspaces' && e.status === 200));
    await gw.close();
  });
});
