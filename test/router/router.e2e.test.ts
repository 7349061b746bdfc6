import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ConfluenceEmulator } from '../../src/emulators/confluence/index.ts';
import type { PageRecord } from '../../src/emulators/confluence/state.ts';
import { createApiKey, ensureUser } from '../../src/identity/index.ts';
import { setPassword } from '../../src/identity/passwords.ts';
import { strictSchemaProblems } from '../../src/toolkits/json-schema.ts';
import { CONFLUENCE_USER, followOAuthLink, GONG_ADMIN, PASSWORD } from '../connections/helpers.ts';
import { resultJson, startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { Browser, signIn } from '../oauth/helpers.ts';

/** Everything a strict client may receive in one tool result. */
const MAX_ANSWER_CHARS = 20_000;

describe('the router at /mcp, end to end with the official SDK client', () => {
  let gw: TestGateway;
  let demo: Client;

  before(async () => {
    gw = await startTestGateway();
    demo = await gw.connect('/mcp');
  });
  after(() => gw.close());

  async function call(client: Client, name: string, args: Record<string, unknown>) {
    const res = await client.callTool({ name, arguments: args });
    const text = (res.content as { type: string; text: string }[])[0]!.text;
    assert.ok(text.length <= MAX_ANSWER_CHARS, `${name} answered ${text.length} characters`);
    return { res, body: resultJson(res) };
  }

  test('tools/list: only the meta-tools, on the first page, small and strict', async () => {
    const { tools, nextCursor } = await demo.listTools();
    assert.equal(nextCursor, undefined);
    assert.deepEqual(
      tools.map((t) => t.name),
      [
        'search_tools',
        'get_tool_schemas',
        'execute_tools',
        'manage_connections',
        'wait_for_connections',
        'read_result',
        'run_workbench',
      ],
    );
    for (const t of tools) {
      assert.match(t.name, /^[a-z][a-z0-9_]*$/);
      assert.ok(t.name.length <= 40);
      assert.deepEqual(strictSchemaProblems(t.inputSchema as Record<string, unknown>), [], t.name);
    }
    const schemaChars = JSON.stringify(tools.map((t) => t.inputSchema)).length;
    assert.ok(schemaChars < 6000, `input schemas take ${schemaChars} characters`);
    assert.ok(JSON.stringify(tools).length < 12_000, `tools/list is ${JSON.stringify(tools).length} characters`);
  });

  test('an unknown meta-tool is a protocol error, an app tool name points to execute_tools', async () => {
    await assert.rejects(
      demo.callTool({ name: 'confluence_get_page', arguments: {} }),
      (e: unknown) => e instanceof McpError && e.code === -32602 && /execute_tools/.test(e.message),
    );
  });

  test('search: several use cases, real tools with compact schemas and connection status', async () => {
    const { res, body } = await call(demo, 'search_tools', {
      queries: ["transcript of yesterday's sales call", 'publish a blog post on the wiki'],
    });
    assert.equal(res.isError, undefined, JSON.stringify(body));
    assert.equal(body.results.length, 2);
    assert.equal(body.results[0].tools[0], 'gong_get_call_transcripts');
    assert.equal(body.results[1].tools[0], 'confluence_create_blogpost');
    const t = body.tools.gong_get_call_transcripts;
    assert.equal(t.toolkit, 'gong');
    assert.match(t.input.call_ids, /string\[\]/);
    assert.equal(body.toolkits.gong.status, 'active');
    assert.equal(body.toolkits.confluence.status, 'active');
    for (const name of Object.keys(body.tools)) assert.match(name, /^(gong|confluence)_/);
  });

  test('search: ten use cases of ten tools each still fit one answer', async () => {
    const queries = [
      'list calls',
      'create a page',
      'update a blog post',
      'permission profiles',
      'crm upload',
      'page properties',
      'engage flows',
      'scorecards',
      'labels',
      'meetings',
    ];
    const { body } = await call(demo, 'search_tools', { queries, limit: 10 });
    assert.equal(body.results.length, 10);
    for (const r of body.results) assert.ok(r.tools.length >= 1);
  });

  test('schemas: full JSON Schema for known names, close matches for invented ones', async () => {
    const { body } = await call(demo, 'get_tool_schemas', {
      tools: ['confluence_create_page', 'confluence_create_pag', 'confluence_find_document'],
    });
    const s = body.schemas.confluence_create_page;
    assert.equal(s.input_schema.type, 'object');
    assert.ok(s.input_schema.properties.space_key);
    assert.equal(body.not_found.length, 2);
    assert.equal(body.not_found[0].name, 'confluence_create_pag');
    assert.equal(body.not_found[0].did_you_mean[0], 'confluence_create_page');
    for (const nf of body.not_found)
      for (const n of nf.did_you_mean) assert.ok(gw.gateway.router.tools && n.includes('_'));
  });

  test('a new user connects Gong and Confluence through the managed links, then runs three tools in one call', async () => {
    const { user } = await ensureUser(gw.gateway.store.db, 'alice');
    await setPassword(gw.gateway.store.db, user.id, PASSWORD);
    const { key } = await createApiKey(gw.gateway.store.db, user.id);
    const alice = await gw.connect('/mcp', key);
    const browser = new Browser();
    await signIn(browser, gw.url, 'alice', PASSWORD);

    const listed = await call(alice, 'manage_connections', {});
    const gong = listed.body.toolkits.find((t: { toolkit: string }) => t.toolkit === 'gong');
    assert.equal(gong.status, 'not_connected');
    assert.deepEqual(gong.connections, [], 'the link placeholder is not listed as an account');
    assert.match(gong.connect_url, /\/connections\/link\/[A-Za-z0-9_-]{43}$/);
    assert.ok(Date.parse(gong.connect_url_expires_at) - Date.now() <= 10 * 60_000);
    assert.match(gong.instruction, /wait_for_connections/);

    // A link is pending now, and nothing is active: a short wait returns not done, the statuses pending.
    const early = await call(alice, 'wait_for_connections', { toolkits: ['gong'], timeout_seconds: 1 });
    assert.deepEqual(early.body, {
      done: false,
      toolkits: { gong: 'pending' },
      next: 'Still waiting for the user: call wait_for_connections again.',
    });

    const confluence = await call(alice, 'manage_connections', { action: 'connect', toolkit: 'confluence' });
    assert.match(confluence.body.connect_url, /\/connections\/link\//);

    // The user opens the links: the provider's consent (auto-approved), the callback. A wait started before the
    // user finishes returns once both are active.
    const waiting = call(alice, 'wait_for_connections', {
      toolkits: ['gong', 'confluence'],
      mode: 'all',
      timeout_seconds: 20,
    });
    const g = await followOAuthLink(browser, gong.connect_url, { approve_as: GONG_ADMIN });
    assert.equal(g.status, 200, g.html);
    const c = await followOAuthLink(browser, confluence.body.connect_url, { auto_approve_as: CONFLUENCE_USER });
    assert.equal(c.status, 200, c.html);
    // Single use.
    assert.equal((await browser.get(gong.connect_url)).status, 400);

    const waited = await waiting;
    assert.equal(waited.body.done, true, JSON.stringify(waited.body));
    assert.deepEqual(waited.body.toolkits, { gong: 'active', confluence: 'active' });
    const again = await call(alice, 'manage_connections', {});
    for (const t of again.body.toolkits) {
      assert.equal(t.status, 'active');
      assert.equal(t.connect_url, undefined);
      assert.equal(t.connections.length, 1);
      assert.equal(t.connections[0].default, true);
    }

    const ran = await call(alice, 'execute_tools', {
      calls: [
        { tool: 'confluence_get_spaces', arguments: { keys: ['ENG'] } },
        { tool: 'gong_list_workspaces', arguments: {} },
        { tool: 'confluence_get_page', arguments: { id: 'not-a-number', bogus: 1 } },
      ],
    });
    assert.equal(ran.body.succeeded, 2, JSON.stringify(ran.body).slice(0, 1000));
    assert.equal(ran.body.failed, 1);
    assert.equal(ran.body.results[0].data.results[0].key, 'ENG');
    assert.ok(Array.isArray(ran.body.results[1].data.workspaces));
    assert.equal(ran.body.results[2].error.code, 'invalid_arguments');
    assert.match(ran.body.results[2].error.message, /bogus/);

    // Another user's connections are not this one's.
    const demoList = await call(demo, 'manage_connections', {});
    const theirs = demoList.body.toolkits[0].connections[0].id as string;
    const removed = await call(alice, 'manage_connections', { action: 'remove', connection_id: theirs });
    assert.equal(removed.res.isError, true);
    assert.equal(removed.body.error.code, 'not_found');

    // Reconnect: a link for the same connection; remove: the toolkit is not connected any more.
    const gongId = again.body.toolkits.find((t: { toolkit: string }) => t.toolkit === 'gong').connections[0].id;
    const re = await call(alice, 'manage_connections', { action: 'reconnect', toolkit: 'gong' });
    assert.equal(re.body.replaces, gongId);
    assert.match(re.body.connect_url, /\/connections\/link\//);
    const gone = await call(alice, 'manage_connections', { action: 'remove', connection_id: gongId });
    assert.deepEqual(gone.body, { removed: gongId, toolkit: 'gong' });
    const after = await call(alice, 'wait_for_connections', { toolkits: ['gong'], timeout_seconds: 1 });
    assert.equal(after.body.toolkits.gong, 'not_connected');
  });

  test('execute_tools on a toolkit the user has not connected: that item is the error with a connect link', async () => {
    const { user } = await ensureUser(gw.gateway.store.db, 'bob');
    const { key } = await createApiKey(gw.gateway.store.db, user.id);
    const bob = await gw.connect('/mcp', key);
    const { res, body } = await call(bob, 'execute_tools', {
      calls: [
        { tool: 'gong_list_workspaces', arguments: {} },
        { tool: 'confluence_get_spaces', arguments: { limit: 1 } },
      ],
    });
    assert.equal(res.isError, undefined, 'the batch itself does not fail');
    assert.equal(body.failed, 2);
    for (const [i, toolkit] of ['gong', 'confluence'].entries()) {
      const item = body.results[i];
      assert.equal(item.ok, false);
      assert.equal(item.error.code, 'not_connected');
      assert.equal(item.error.toolkit, toolkit);
      assert.match(item.error.connect_url, /\/connections\/link\/[A-Za-z0-9_-]{43}$/);
      assert.ok(Date.parse(item.error.connect_url_expires_at) > Date.now());
      assert.match(item.error.message, new RegExp(`no ${toolkit} account is connected`));
    }
    // The link is real: it is pending until used, and it is bob's.
    const waited = await call(bob, 'wait_for_connections', { toolkits: ['gong'], timeout_seconds: 1 });
    assert.equal(waited.body.toolkits.gong, 'pending');
  });

  test('an unknown tool in a batch is its own error with suggestions', async () => {
    const { body } = await call(demo, 'execute_tools', {
      calls: [
        { tool: 'confluence_get_spaces', arguments: { limit: 1 } },
        { tool: 'gong_list_call', arguments: {} },
      ],
    });
    assert.equal(body.results[0].ok, true);
    assert.equal(body.results[1].error.code, 'unknown_tool');
    assert.match(body.results[1].error.message, /gong_list_calls/);
  });

  test('a 5 MB upstream response reaches the model under 20,000 characters, and every byte is readable', async () => {
    const emulator = gw.gateway.emulators.get('confluence') as ConfluenceEmulator;
    const space = emulator.state.spaceByKey('ENG')!;
    const author = [...emulator.state.users.values()][0]!.accountId;
    const chunk = 'Ünïcødé "quoted" text, a backslash \\ and a newline\n<p>more</p> ';
    for (let i = 0; i < 240; i++) {
      const at = emulator.state.nowIso();
      const page: PageRecord = {
        id: String(900_000 + i),
        spaceId: space.id,
        status: 'current',
        title: `Bulk page ${i}`,
        position: 1000 + i,
        authorId: author,
        ownerId: author,
        lastOwnerId: null,
        createdAt: at,
        version: { number: 1, message: '', minorEdit: false, authorId: author, createdAt: at },
        body: { representation: 'storage', value: `<p>${i}</p>${chunk.repeat(330)}` },
        labels: [],
        history: [],
        private: false,
      };
      emulator.state.insertPage(page);
    }
    const { body } = await call(demo, 'execute_tools', {
      calls: [
        {
          tool: 'confluence_get_pages',
          arguments: { space_id: [space.id], body_format: 'storage', limit: 250, max_pages: 2 },
        },
        { tool: 'confluence_get_spaces', arguments: { keys: ['ENG'] } },
      ],
    });
    const item = body.results[0];
    assert.equal(item.ok, true, JSON.stringify(item).slice(0, 500));
    assert.ok(item.stored.size_chars > 5_000_000, `stored ${item.stored.size_chars} characters`);
    assert.match(item.stored.handle, /^res_/);
    assert.ok(item.stored.shape.results);
    assert.equal(body.results[1].data.results[0].key, 'ENG', 'the small result stays inline');

    // Read it all back through read_result, following pages and truncated values, and compare with the upstream.
    const handle = item.stored.handle as string;
    let calls = 0;
    const read = async (args: Record<string, unknown>) => {
      calls++;
      const r = await call(demo, 'read_result', { handle, ...args });
      assert.equal(r.res.isError, undefined, JSON.stringify(r.body));
      return r.body;
    };
    const readAll = async (path: string): Promise<unknown> => {
      const first = await read({ path });
      if ('value' in first) return first.value;
      if (first.type === 'string') {
        let text = first.text as string;
        for (let next = first.next_offset; next !== null; ) {
          const p = await read({ path, offset: next });
          text += p.text;
          next = p.next_offset;
        }
        return text;
      }
      const isObject = first.type === 'object';
      const out: unknown[] = [];
      const keys: string[] = [];
      let page = first;
      for (;;) {
        const values = isObject ? Object.values(page.entries) : page.items;
        if (isObject) keys.push(...Object.keys(page.entries));
        for (const v of values as unknown[]) {
          const stub = v as { truncated?: boolean; path?: string };
          out.push(stub?.truncated === true && typeof stub.path === 'string' ? await readAll(stub.path) : v);
        }
        if (page.next_offset === null) break;
        page = await read({ path, offset: page.next_offset });
      }
      return isObject ? Object.fromEntries(keys.map((k, i) => [k, out[i]])) : out;
    };
    const whole = await readAll('$');
    const pages = (whole as { results: { id: string; body: { storage: { value: string } } }[] }).results;
    const bulk = pages.filter((p) => Number(p.id) >= 900_000);
    assert.equal(bulk.length, 240);
    for (const p of bulk) {
      const i = Number(p.id) - 900_000;
      assert.equal(p.body.storage.value, `<p>${i}</p>${chunk.repeat(330)}`);
    }
    assert.equal(JSON.stringify(whole).length, item.stored.size_chars, 'every character came back');
    assert.ok(calls > 100, `${calls} reads`);

    // Selection: a field of every item, sliced.
    const titles = await read({ path: '$.results[0:20].title' });
    assert.equal(titles.items.length, 20);
    assert.equal(typeof titles.items[0], 'string');
    const ids = await read({ path: 'results', fields: ['id', 'title'], limit: 5 });
    assert.deepEqual(Object.keys(ids.items[0]), ['id', 'title']);
    assert.equal(ids.next_offset, 5);
  });

  test("a handle is only its own user's", async () => {
    const { body } = await call(demo, 'execute_tools', {
      calls: [{ tool: 'confluence_get_pages', arguments: { body_format: 'storage', limit: 250 } }],
    });
    const handle = body.results[0].stored?.handle as string;
    assert.ok(handle, 'large enough to be stored');
    const { user } = await ensureUser(gw.gateway.store.db, 'mallory');
    const { key } = await createApiKey(gw.gateway.store.db, user.id);
    const mallory = await gw.connect('/mcp', key);
    const r = await call(mallory, 'read_result', { handle });
    assert.equal(r.res.isError, true);
    assert.equal(r.body.error.code, 'not_found');
  });
});
