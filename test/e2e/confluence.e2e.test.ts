import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ConfluenceEmulator } from '../../src/emulators/confluence/index.ts';
import { resultJson, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

describe('Confluence end to end through /mcp/confluence', () => {
  let gw: TestGateway;
  let client: Client;
  let emulator: ConfluenceEmulator;
  let spaceId: string;

  before(async () => {
    gw = await startTestGateway();
    client = await gw.connect('/mcp/confluence');
    emulator = gw.gateway.emulators.get('confluence') as ConfluenceEmulator;
  });
  after(() => gw.close());

  const call = async (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });

  test('lists every Confluence tool with strict schemas', async () => {
    const { tools, nextCursor } = await client.listTools();
    assert.equal(nextCursor, undefined, 'all tools on the first page');
    const names = tools.map((t) => t.name).sort();
    for (const n of [
      'confluence_create_page',
      'confluence_get_page',
      'confluence_update_page',
      'confluence_delete_page',
      'confluence_get_pages',
      'confluence_cql_search',
    ]) {
      assert.ok(names.includes(n), `${n} is listed`);
    }
    const create = tools.find((t) => t.name === 'confluence_create_page')!;
    assert.deepEqual(create.inputSchema.required, ['title']);
    assert.equal(create.annotations?.readOnlyHint, false);
  });

  test('maps a space key to its id', async () => {
    const res = await call('confluence_get_spaces', { keys: ['ENG'] });
    assert.equal(res.isError, undefined, JSON.stringify(res));
    const body = resultJson(res);
    assert.equal(body.results.length, 1);
    spaceId = body.results[0].id;
    assert.match(spaceId, /^\d+$/);
  });

  let pageId: string;
  test('creates a page, reads it back through a second tool and through the emulator', async () => {
    const created = await call('confluence_create_page', {
      space_id: spaceId,
      title: 'Switchboard e2e page',
      body: { representation: 'storage', value: '<p>Written by the end-to-end test.</p>' },
    });
    assert.equal(created.isError, undefined, JSON.stringify(created));
    const page = resultJson(created);
    pageId = page.id;
    assert.equal(page.title, 'Switchboard e2e page');
    assert.equal(page.version.number, 1);

    const read = resultJson(await call('confluence_get_page', { id: pageId, body_format: 'storage' }));
    assert.equal(read.title, 'Switchboard e2e page');
    assert.equal(read.spaceId, spaceId);
    assert.equal(read.body.storage.value, '<p>Written by the end-to-end test.</p>');

    const stored = emulator.state.pages.get(pageId);
    assert.ok(stored, 'the emulator holds the page');
    assert.equal(stored.title, 'Switchboard e2e page');
  });

  test('finds the page with CQL and in the page list', async () => {
    const found = resultJson(await call('confluence_cql_search', { cql: 'type=page AND title~"Switchboard e2e"' }));
    assert.ok(
      found.results.some((r: { content?: { id: string } }) => r.content?.id === pageId),
      JSON.stringify(found),
    );
    const listed = resultJson(
      await call('confluence_get_pages', { space_id: [spaceId], title: 'Switchboard e2e page' }),
    );
    assert.deepEqual(
      listed.results.map((p: { id: string }) => p.id),
      [pageId],
    );
  });

  test('updates the page with the next version; a stale version is a clear 409', async () => {
    const updated = await call('confluence_update_page', {
      id: pageId,
      title: 'Switchboard e2e page (edited)',
      body: { representation: 'storage', value: '<p>Edited.</p>' },
      version_number: 2,
      version_message: 'edit from e2e',
    });
    assert.equal(updated.isError, undefined, JSON.stringify(updated));
    assert.equal(resultJson(updated).version.number, 2);
    assert.equal(emulator.state.pages.get(pageId)?.title, 'Switchboard e2e page (edited)');

    const stale = await call('confluence_update_page', {
      id: pageId,
      title: 'again',
      body: { representation: 'storage', value: '<p>x</p>' },
      version_number: 2,
    });
    assert.equal(stale.isError, true);
    const { error } = resultJson(stale);
    assert.equal(error.status, 409);
    assert.equal(error.service, 'Confluence');
    assert.equal(error.retryable, false);
    assert.match(error.message, /Confluence answered 409/);
  });

  test('takes a space key instead of an id, and fetches the version number when an update omits it', async () => {
    const created = await call('confluence_create_page', {
      space_key: 'ENG',
      title: 'Created by key',
      body: { representation: 'storage', value: '<p>v1</p>' },
    });
    assert.equal(created.isError, undefined, JSON.stringify(created));
    const page = resultJson(created);
    assert.equal(page.spaceId, spaceId);
    const updated = await call('confluence_update_page', {
      id: page.id,
      title: 'Created by key',
      body: { representation: 'storage', value: '<p>v2</p>' },
    });
    assert.equal(updated.isError, undefined, JSON.stringify(updated));
    assert.equal(resultJson(updated).version.number, 2);
    assert.equal(resultJson(updated).version_fetched, true);
    assert.equal(emulator.state.pages.get(page.id)?.version.number, 2);

    const unknown = await call('confluence_create_page', { space_key: 'NOPE', title: 'x' });
    assert.equal(unknown.isError, true);
    assert.match(resultJson(unknown).error.message, /no Confluence space with the key "NOPE"/);
  });

  test('deletes the page (to the trash); reading it then is a clear 404', async () => {
    const deleted = await call('confluence_delete_page', { id: pageId });
    assert.equal(deleted.isError, undefined, JSON.stringify(deleted));
    assert.equal(emulator.state.pages.get(pageId)?.status, 'trashed');
    const gone = await call('confluence_get_page', { id: '999999999' });
    assert.equal(gone.isError, true);
    assert.equal(resultJson(gone).error.status, 404);
    assert.match(resultJson(gone).error.message, /will not help/);
  });

  test('an unknown tool is a JSON-RPC error -32602', async () => {
    await assert.rejects(
      () => call('confluence_no_such_tool', {}),
      // The client's McpError adds the "MCP error -32602:" prefix once; the server must not add it too.
      (e: unknown) =>
        e instanceof McpError &&
        e.code === -32602 &&
        e.message === 'MCP error -32602: Unknown tool: confluence_no_such_tool',
    );
  });

  test('invalid arguments are an isError result naming the field', async () => {
    const res = await call('confluence_create_page', { space_id: 'ENG', title: '' });
    assert.equal(res.isError, true);
    const { error } = resultJson(res);
    assert.equal(error.code, 'invalid_arguments');
    assert.match(error.message, /"space_id": expected a numeric space id/);
    assert.match(error.message, /"title"/);
  });

  test('upstream 500s are retried; persistent ones are reported as retryable', async () => {
    emulator.faults.failNext({ status: 500, times: 2, method: 'GET' });
    const ok = await call('confluence_get_spaces', { keys: ['ENG'] });
    assert.equal(ok.isError, undefined, JSON.stringify(ok));

    emulator.faults.failNext({ status: 500, times: 10, method: 'GET' });
    const failed = await call('confluence_get_spaces', { keys: ['ENG'] });
    emulator.faults.clear();
    assert.equal(failed.isError, true);
    const { error } = resultJson(failed);
    assert.equal(error.status, 500);
    assert.equal(error.retryable, true);
    assert.match(error.message, /Confluence answered 500.*Retrying later may help/);
  });

  test('upstream 429 is retried after Retry-After', async () => {
    emulator.faults.failNext({ status: 429, times: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    const res = await call('confluence_get_spaces', { keys: ['ENG'] });
    assert.equal(res.isError, undefined, JSON.stringify(res));
    assert.ok(Date.now() - started >= 900, 'waited for Retry-After before retrying');
  });

  test('a 429 with a long Retry-After is reported with the wait', async () => {
    emulator.faults.failNext({ status: 429, times: 1, retryAfterSeconds: 120 });
    const res = await call('confluence_get_spaces', { keys: ['ENG'] });
    assert.equal(res.isError, true);
    const { error } = resultJson(res);
    assert.equal(error.code, 'rate_limited');
    assert.equal(error.retry_after_seconds, 120);
  });

  test('results never contain the connection credentials', async () => {
    const res = await call('confluence_get_pages', { space_id: [spaceId], limit: 5 });
    const text = JSON.stringify(res);
    assert.doesNotMatch(text, /demo-confluence-api-token|Basic [A-Za-z0-9+/=]{10,}/);
  });
});

describe('the HTTP surface refuses bad requests', () => {
  let gw: TestGateway;
  const init = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  };
  const post = (headers: Record<string, string>, path = '/mcp/confluence') =>
    fetch(`${gw.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify(init),
    });

  before(async () => {
    gw = await startTestGateway();
  });
  after(() => gw.close());

  test('a missing or wrong API key gets 401 with WWW-Authenticate', async () => {
    const missing = await post({});
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer /);
    const wrong = await post({ authorization: 'Bearer sb_wrongwrongwrong' });
    assert.equal(wrong.status, 401);
    const ok = await post({ authorization: `Bearer ${gw.key}` });
    assert.equal(ok.status, 200);
  });

  test('a foreign Origin or Host gets 403', async () => {
    const origin = await post({ authorization: `Bearer ${gw.key}`, origin: 'https://evil.example' });
    assert.equal(origin.status, 403);
    const own = await post({ authorization: `Bearer ${gw.key}`, origin: gw.url });
    assert.equal(own.status, 200);
    // fetch() does not let a caller set Host, so this one goes through node:http.
    const host = await new Promise<number>((resolve, reject) => {
      const u = new URL(`${gw.url}/mcp/confluence`);
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          headers: { host: 'evil.example', authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(init));
    });
    assert.equal(host, 403);
  });

  test('GET on an MCP endpoint is 405; an unknown toolkit is 404', async () => {
    const get = await fetch(`${gw.url}/mcp/confluence`, { headers: { authorization: `Bearer ${gw.key}` } });
    assert.equal(get.status, 405);
    assert.equal((await post({ authorization: `Bearer ${gw.key}` }, '/mcp/nope')).status, 404);
  });

  test('GET /healthz answers', async () => {
    const res = await fetch(`${gw.url}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { status: string }).status, 'ok');
  });
});
