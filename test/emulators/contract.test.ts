/**
 * The traffic recorder of the emulator framework and the OpenAPI contract validator (test/helpers/contract.ts) that
 * checks recorded traffic against Atlassian's documents, down to the gateway's close() hook.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CONFLUENCE_SEED } from '../../src/emulators/confluence/index.ts';
import {
  createEmulatorApp,
  createFaultController,
  EmulatorHttpError,
  type TrafficExchange,
  TrafficRecorder,
} from '../../src/emulators/framework.ts';
import {
  assertConfluenceContract,
  CONFLUENCE_SPEC_FILES,
  ContractError,
  formatMismatches,
  loadConfluenceContract,
  SPECS_DIR,
} from '../helpers/contract.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { cqlUrl, setup } from './helpers.ts';

const P = CONFLUENCE_SEED.pages;
const S = CONFLUENCE_SEED.spaces;
const SPEC_PATHS = CONFLUENCE_SPEC_FILES.map((f) => fileURLToPath(new URL(f, SPECS_DIR))).join(', ');

/** A small emulator app with routes answering JSON, text and bytes, and one echoing a multipart upload. */
function tinyEmulator(traffic: TrafficRecorder) {
  const app = createEmulatorApp({
    basePath: '/emu',
    faults: createFaultController(),
    errorBody: (status, message) => ({ status, message }),
    reset: () => {},
    traffic,
    trafficPath: (p) => p.replace(/^\/alias/, ''),
  });
  app.get('/items/:id', (c) => c.json({ id: c.req.param('id') }));
  app.get('/alias/items/:id', (c) => c.json({ id: c.req.param('id') }));
  app.post('/items', async (c) => c.json({ got: await c.req.json() }, 201));
  app.get('/text', (c) => c.text('plain words'));
  app.get('/bytes', () => new Response(new Uint8Array([0, 1, 2, 3]), { headers: { 'content-type': 'image/png' } }));
  app.post('/upload', async (c) => {
    const form = await c.req.parseBody();
    const file = form.file as File;
    return c.json({ name: file.name, size: (await file.arrayBuffer()).byteLength });
  });
  app.get('/boom', () => {
    throw new EmulatorHttpError(409, 'conflict here');
  });
  return app;
}

describe('TrafficRecorder', () => {
  test('off by default; when enabled it records both sides, control endpoints excluded', async () => {
    const traffic = new TrafficRecorder();
    const app = tinyEmulator(traffic);
    await app.request('/emu/items/1');
    assert.equal(traffic.entries.length, 0, 'nothing recorded while disabled');

    traffic.enable();
    await app.request('/emu/items/7?x=1&x=2&y=');
    await app.request('/emu/items', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'hi' }),
    });
    await app.request('/emu/text');
    await app.request('/emu/bytes');
    await app.request('/emu/boom');
    await app.request('/emu/alias/items/9');
    await app.request('/emu/__control/faults');
    const form = new FormData();
    form.set('file', new File([new Uint8Array(1000)], 'a.bin'));
    const upload = await app.request('/emu/upload', { method: 'POST', body: form });
    assert.deepEqual(await upload.json(), { name: 'a.bin', size: 1000 }, 'the handler still reads the body');

    const [get, post, text, bytes, boom, alias, multipart, ...rest] = traffic.entries;
    assert.equal(rest.length, 0, 'control requests are not recorded');
    assert.deepEqual(get, {
      method: 'GET',
      path: '/items/7',
      query: { x: ['1', '2'], y: [''] },
      requestContentType: null,
      requestBodyKind: 'none',
      requestBody: undefined,
      status: 200,
      responseHeaders: { 'content-type': 'application/json' },
      responseBodyKind: 'json',
      responseBody: { id: '7' },
      responseBytes: 10,
    });
    assert.equal(post?.requestBodyKind, 'json');
    assert.deepEqual(post?.requestBody, { title: 'hi' });
    assert.equal(post?.status, 201);
    assert.deepEqual(post?.responseBody, { got: { title: 'hi' } });
    assert.equal(text?.responseBodyKind, 'text');
    assert.equal(text?.responseBody, 'plain words');
    assert.equal(bytes?.responseBodyKind, 'binary');
    assert.equal(bytes?.responseBody, undefined);
    assert.equal(bytes?.responseBytes, 4);
    assert.equal(boom?.status, 409, 'errors thrown by handlers are recorded as answered');
    assert.deepEqual(boom?.responseBody, { status: 409, message: 'conflict here' });
    assert.equal(alias?.path, '/items/9', 'trafficPath maps the path');
    assert.equal(multipart?.requestBodyKind, 'binary');
  });

  test('bounded: the oldest entries go and are counted; take() empties it', async () => {
    const traffic = new TrafficRecorder({ enabled: true, limit: 3 });
    const app = tinyEmulator(traffic);
    for (let i = 1; i <= 5; i++) await app.request(`/emu/items/${i}`);
    assert.deepEqual(
      traffic.entries.map((e) => e.path),
      ['/items/3', '/items/4', '/items/5'],
    );
    assert.equal(traffic.dropped, 2);
    assert.equal(traffic.take().length, 3);
    assert.equal(traffic.entries.length, 0);
    assert.equal(traffic.dropped, 0);
    traffic.disable();
    await app.request('/emu/items/6');
    assert.equal(traffic.entries.length, 0);
    assert.throws(() => new TrafficRecorder({ limit: 0 }), RangeError);
  });

  test('the Confluence emulator records site-relative paths whatever the host form', async () => {
    const { emulator, get } = setup();
    emulator.traffic.enable();
    emulator.state.registerAccessToken('fixture', CONFLUENCE_SEED.users.ada.accountId);
    await get(`/ex/confluence/${emulator.cloudId}/wiki/api/v2/pages/${P.architecture}`, { auth: 'Bearer fixture' });
    await get(`/wiki/api/v2/pages/${P.architecture}`);
    assert.deepEqual(
      emulator.traffic.entries.map((e) => [e.path, e.status]),
      [
        [`/wiki/api/v2/pages/${P.architecture}`, 200],
        [`/wiki/api/v2/pages/${P.architecture}`, 200],
      ],
    );
  });
});

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

describe('OpenAPI contract validator', () => {
  const validator = loadConfluenceContract();
  const skip = (t: { skip: (m: string) => void }) => {
    if (validator) return false;
    t.skip(`specs not found at ${SPEC_PATHS}: contract check skipped`);
    return true;
  };

  test('the emulated v2 and v1 operations conform (site and API-host forms, errors included)', async (t) => {
    if (skip(t)) return;
    const { emulator, get, post, put, del } = setup();
    emulator.traffic.enable();
    await get('/wiki/api/v2/spaces?limit=2&description-format=plain&include-icon=true&sort=-name');
    await get(`/wiki/api/v2/spaces/${S.ENG.id}?description-format=view&include-icon=true&include-labels=true`);
    await get(
      `/wiki/api/v2/spaces/${S.ENG.id}?include-properties=true&include-operations=true&include-permissions=true`,
    );
    await get('/wiki/api/v2/pages?limit=3&body-format=storage&status=current,archived');
    await get('/wiki/api/v2/pages?body-format=atlas_doc_format&sort=-modified-date');
    await get(`/wiki/api/v2/pages?space-id=${S.ENG.id}&title=${encodeURIComponent('Architecture')}`);
    // export_view, styled_view and editor are left out: the spec accepts them in body-format but its BodySingle
    // declares only these three keys, while Confluence (and the emulator) answer under the format's own key.
    for (const fmt of ['storage', 'atlas_doc_format', 'view']) {
      await get(`/wiki/api/v2/pages/${P.architecture}?body-format=${fmt}`);
    }
    await get(
      `/wiki/api/v2/pages/${P.architecture}?include-labels=true&include-versions=true&include-operations=true&include-likes=true&include-properties=true&include-favorited-by-current-user-status=true`,
    );
    await get(`/wiki/api/v2/pages/${P.architecture}?version=1&include-version=false`);
    await get(`/wiki/api/v2/pages/${P.q4Ideas}?get-draft=true`);
    const created = await post('/wiki/api/v2/pages?root-level=false', {
      spaceId: S.ENG.id,
      status: 'current',
      title: 'Contract check',
      parentId: P.engHome,
      body: { representation: 'storage', value: '<p>hi</p>' },
    });
    assert.equal(created.status, 200);
    await put(`/wiki/api/v2/pages/${created.body.id}`, {
      id: created.body.id,
      status: 'current',
      title: 'Contract check 2',
      body: { representation: 'storage', value: '<p>hello</p>' },
      version: { number: 2, message: 'edit' },
    });
    await del(`/wiki/api/v2/pages/${created.body.id}`);
    await get(
      cqlUrl(
        'type = page ORDER BY created',
        '&limit=3&expand=content.space,content.version,content.history,content.body.storage,content.ancestors,content.metadata.labels',
      ),
    );
    await get(cqlUrl('text ~ "runbook"', '&excerpt=indexed&includeArchivedSpaces=true'));
    await get('/wiki/rest/api/user/current');
    // Errors: only have to be JSON.
    await get('/wiki/api/v2/pages/999999');
    await get('/wiki/api/v2/pages/abc');
    await get('/wiki/rest/api/search');
    await get('/wiki/api/v2/spaces', { auth: null });
    // The API-host form is recorded (and checked) under the site path.
    emulator.state.registerAccessToken('fixture', CONFLUENCE_SEED.users.ada.accountId);
    await get(`/ex/confluence/${emulator.cloudId}/wiki/api/v2/pages?limit=1`, { auth: 'Bearer fixture' });

    assert.ok(emulator.traffic.entries.length >= 20);
    const mismatches = validator!.validate(emulator.traffic.entries);
    assert.deepEqual(mismatches, [], formatMismatches(mismatches));
  });

  test('a deliberately wrong response shape is reported with the operation and the field', async (t) => {
    if (skip(t)) return;
    const { emulator, get } = setup();
    emulator.traffic.enable();
    emulator.faults.failNext({
      status: 200,
      pathIncludes: `/pages/${P.architecture}`,
      body: {
        id: P.architecture,
        title: 42,
        ownerId: null,
        parentId: null,
        version: { number: 'two', createdAt: 'yesterday' },
        _links: { base: 'https://x.atlassian.net/wiki', webui: '/spaces/ENG', unknownLink: '/x' },
        bogus: true,
      },
    });
    const res = await get(`/wiki/api/v2/pages/${P.architecture}`);
    assert.equal(res.status, 200);
    const mismatches = validator!.validate(emulator.traffic.entries);
    const op = `GET /wiki/api/v2/pages/{id} (getPageById)`;
    assert.ok(mismatches.every((m) => m.operation === op && m.operationId === 'getPageById'));
    assert.ok(mismatches.every((m) => m.pathTemplate === '/wiki/api/v2/pages/{id}' && m.method === 'GET'));
    const fields = Object.fromEntries(mismatches.map((m) => [m.field, m.message]));
    assert.deepEqual(Object.keys(fields).sort(), [
      'response._links.unknownLink',
      'response.bogus',
      'response.parentId',
      'response.title',
      'response.version.createdAt',
      'response.version.number',
    ]);
    assert.equal(fields['response.bogus'], 'returned but not declared in the spec');
    assert.equal(fields['response.title'], 'must be string');
    assert.equal(fields['response.parentId'], 'must be string', 'parentId is not nullable; ownerId is');
    assert.equal(fields['response.version.number'], 'must be integer');
    assert.match(fields['response.version.createdAt'] ?? '', /date-time/);
    assert.match(mismatches[0]!.request, new RegExp(`^GET /wiki/api/v2/pages/${P.architecture} → 200$`));

    assert.throws(
      () => assertConfluenceContract(emulator.traffic.entries, 'this test'),
      (e: unknown) =>
        e instanceof ContractError &&
        e.mismatches.length === 6 &&
        e.message.includes('this test: 6 contract mismatch(es)') &&
        e.message.includes(`${op}: response.bogus: returned but not declared in the spec`),
    );
  });

  test('requests: unknown and mistyped parameters, required ones, bodies; statuses and error bodies', (t) => {
    if (skip(t)) return;
    const check = (x: Partial<TrafficExchange> & Pick<TrafficExchange, 'method' | 'path'>) =>
      validator!.validateExchange(exchange(x)).map((m) => `${m.operationId} ${m.field}: ${m.message}`);

    assert.deepEqual(
      check({
        method: 'GET',
        path: '/wiki/api/v2/pages',
        query: { 'space-id': ['98305,abc'], bogus: ['1'], limit: ['10'], sort: ['sideways'] },
        responseBody: { results: [], _links: {} },
      }),
      [
        'getPages query.space-id[1]: must be integer (got "98305,abc")',
        'getPages query.bogus: not a parameter of this operation (it has: id, space-id, sort, status, title, body-format, subtype, cursor, limit)',
        'getPages query.sort: must be one of ["id","-id","created-date","-created-date","modified-date","-modified-date","title","-title"] (got "sideways")',
      ],
    );
    assert.deepEqual(check({ method: 'GET', path: '/wiki/api/v2/pages/12', query: { 'get-draft': ['TRUE'] } }), [
      'getPageById response: empty; the spec declares a JSON body for 200',
    ]);
    assert.deepEqual(check({ method: 'GET', path: '/wiki/rest/api/search', query: {}, status: 404 }), [
      'searchByCQL query.cql: required but missing',
    ]);
    assert.deepEqual(
      check({ method: 'GET', path: '/wiki/rest/api/search', query: { limit: ['many'] }, status: 400 }),
      [],
      'a request the emulator refused with 400 is not checked',
    );
    assert.deepEqual(
      check({
        method: 'POST',
        path: '/wiki/api/v2/pages',
        requestContentType: 'application/json',
        requestBodyKind: 'json',
        requestBody: { spaceId: 98305, title: 'x', body: { representation: 'storage', value: 'v', extra: 1 }, foo: 1 },
        status: 201,
        responseBody: {},
      }),
      [
        'createPage requestBody.body.extra: sent but not declared',
        'createPage requestBody.foo: sent but not declared',
        'createPage requestBody.spaceId: must be string',
        'createPage status: 201 is not a response of this operation (it declares 200, 400, 401, 404, 413)',
      ],
    );
    assert.deepEqual(check({ method: 'PUT', path: '/wiki/api/v2/pages/1', status: 409 }), [
      'updatePage requestBody: the spec requires a request body; none was sent',
    ]);
    assert.deepEqual(
      check({
        method: 'DELETE',
        path: '/wiki/api/v2/pages/1',
        requestBodyKind: 'json',
        requestBody: {},
        status: 204,
        responseBody: { deleted: true },
      }),
      [
        'deletePage requestBody: the operation takes no request body; one was sent (no type)',
        'deletePage response: the spec declares no body for 204; one was returned',
      ],
    );
    assert.deepEqual(
      check({
        method: 'GET',
        path: '/wiki/api/v2/pages/1',
        status: 503,
        responseHeaders: { 'content-type': 'text/html' },
        responseBodyKind: 'text',
        responseBody: '<h1>down</h1>',
      }),
      ['getPageById response: the error body is not JSON (text/html)'],
    );
    assert.deepEqual(
      check({ method: 'GET', path: '/wiki/api/v2/pages/1', status: 404, responseBody: { any: 'json' } }),
      [],
    );
    assert.deepEqual(check({ method: 'GET', path: '/wiki/api/v2/nowhere', status: 404, responseBody: {} }), [
      ' path: no operation of the spec matches this path',
    ]);
    assert.deepEqual(check({ method: 'PATCH', path: '/wiki/api/v2/pages/1', status: 404, responseBody: {} }), [
      ' path: the spec has no PATCH here (only GET, PUT, DELETE)',
    ]);
    assert.deepEqual(check({ method: 'POST', path: '/oauth/token', status: 200, responseBody: {} }), [], 'not API');
  });

  test('schemas: allOf parts merge, nullable, oneOf branches, free-form and additionalProperties', (t) => {
    if (skip(t)) return;
    const fields = (x: Partial<TrafficExchange> & Pick<TrafficExchange, 'method' | 'path'>) =>
      validator!.validateExchange(exchange(x)).map((m) => `${m.field}: ${m.message}`);
    // `_links` is declared by PageSingle (webui, editui, tinyui) and by the response's own allOf part (base).
    assert.deepEqual(
      fields({
        method: 'GET',
        path: '/wiki/api/v2/pages/1',
        responseBody: { id: '1', ownerId: null, lastOwnerId: null, position: null, _links: { base: 'b', webui: 'w' } },
      }),
      [],
    );
    // oneOf: the closest branch is the one reported.
    assert.deepEqual(
      fields({
        method: 'POST',
        path: '/wiki/api/v2/pages',
        requestBodyKind: 'json',
        requestBody: { spaceId: '1', body: { storage: { representation: 'storage', value: 'x', oops: 1 } } },
        responseBody: { id: '2' },
      }),
      ['requestBody.body.storage.oops: sent but not declared'],
    );
    // A content property value is free-form JSON.
    assert.deepEqual(
      fields({
        method: 'GET',
        path: '/wiki/api/v2/pages/1/properties',
        responseBody: { results: [{ id: '1', key: 'k', value: { any: { thing: [1, 'x'] } } }], _links: {} },
      }),
      [],
    );
    // v1 GenericLinks opens `_links` (additionalProperties), so any link is fine there, but not in results.
    assert.deepEqual(
      fields({
        method: 'GET',
        path: '/wiki/rest/api/search',
        query: { cql: ['type=page'] },
        responseBody: {
          results: [
            {
              title: 't',
              excerpt: '',
              url: '/x',
              breadcrumbs: [],
              entityType: 'content',
              iconCssClass: 'c',
              lastModified: '2026-01-01T00:00:00.000Z',
              madeUp: 1,
            },
          ],
          start: 0,
          limit: 25,
          size: 1,
          totalSize: 1,
          cqlQuery: 'type=page',
          searchDuration: 1,
          _links: { base: 'b', anything: 'goes' },
        },
      }),
      ['response.results[0].madeUp: returned but not declared in the spec'],
    );
  });

  test('formatMismatches groups repeats; a missing spec folder skips the check with a notice', (t) => {
    if (skip(t)) return;
    const bad = exchange({ method: 'GET', path: '/wiki/api/v2/pages/1', responseBody: { bogus: 1 } });
    const text = formatMismatches(validator!.validate([bad, bad]));
    assert.equal(
      text,
      '- GET /wiki/api/v2/pages/{id} (getPageById): response.bogus: returned but not declared in the spec (×2) [e.g. GET /wiki/api/v2/pages/1 → 200]',
    );
    assert.equal(loadConfluenceContract(new URL('file:///nonexistent-switchboard-specs/')), undefined);
  });
});

describe('startTestGateway: close() checks the Confluence traffic', () => {
  test('an upstream answer outside the spec fails close() with every mismatch listed', async (t) => {
    if (!loadConfluenceContract()) return t.skip(`specs not found at ${SPEC_PATHS}: contract check skipped`);
    const gw = await startTestGateway();
    let closed = false;
    try {
      const emulator = gw.gateway.emulators.get('confluence');
      assert.ok(emulator?.traffic?.enabled, 'recording is on');
      const client = await gw.connect('/mcp/confluence');
      const ok = await client.callTool({ name: 'confluence_get_spaces', arguments: { keys: ['ENG'] } });
      assert.equal(ok.isError, undefined, JSON.stringify(ok));
      emulator.faults.failNext({
        status: 200,
        method: 'GET',
        pathIncludes: '/wiki/api/v2/spaces',
        body: { results: [{ id: 98305, key: 'ENG', sneaky: true }], _links: {} },
      });
      await client.callTool({ name: 'confluence_get_spaces', arguments: { keys: ['ENG'] } });
      closed = true;
      await assert.rejects(
        () => gw.close(),
        (e: unknown) => {
          assert.ok(e instanceof ContractError);
          assert.deepEqual(
            e.mismatches.map((m) => `${m.operation} ${m.field}`),
            [
              'GET /wiki/api/v2/spaces (getSpaces) response.results[0].id',
              'GET /wiki/api/v2/spaces (getSpaces) response.results[0].sneaky',
            ],
          );
          return true;
        },
      );
    } finally {
      if (!closed) await gw.close();
    }
  });

  test('clean traffic closes quietly', async () => {
    const gw = await startTestGateway();
    const client = await gw.connect('/mcp/confluence');
    const res = await client.callTool({ name: 'confluence_get_page', arguments: { id: P.architecture } });
    assert.equal(res.isError, undefined, JSON.stringify(res));
    const recorded = gw.gateway.emulators.get('confluence')?.traffic?.entries ?? [];
    assert.ok(recorded.some((e) => e.path === `/wiki/api/v2/pages/${P.architecture}`));
    await gw.close();
  });
});
