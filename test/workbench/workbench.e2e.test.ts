import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ConfluenceEmulator } from '../../src/emulators/confluence/index.ts';
import { CONFLUENCE_DEMO_USER } from '../../src/emulators/confluence/seed.ts';
import type { GongEmulator } from '../../src/emulators/gong/index.ts';
import { addDays, localDay } from '../../src/emulators/gong/routes-stats.ts';
import { createApiKey, ensureUser } from '../../src/identity/index.ts';
import { createCatalog } from '../../src/toolkits/index.ts';
import { strictSchemaProblems } from '../../src/toolkits/json-schema.ts';
import { connectConfluenceVia, resultJson, startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { fails, ok, runProgram } from './helpers.ts';

/**
 * run_workbench end to end: the official SDK client on `/mcp` of a real gateway in demo mode, programs that call
 * the Confluence and Gong emulators through the executor, and the answers checked against the emulators' own state.
 */

async function newUser(gw: TestGateway, name: string) {
  const { user } = await ensureUser(gw.gateway.store.db, name);
  const { key } = await createApiKey(gw.gateway.store.db, user.id);
  return { user, client: await gw.connect('/mcp', key) };
}

/** Waits until `cond` holds; a generous bound turns a hang into a failure (nothing is asserted on time). */
async function until(cond: () => boolean, what: string) {
  const give = Date.now() + 15_000;
  while (!cond()) {
    if (Date.now() > give) assert.fail(`never happened: ${what}`);
    await sleep(10);
  }
}

/** What the demo user sees of a Confluence space: its current and archived pages. */
function visiblePages(gw: TestGateway, spaceKey: string) {
  const { state } = gw.gateway.emulators.get('confluence') as ConfluenceEmulator;
  const space = state.spaceByKey(spaceKey)!;
  const me = CONFLUENCE_DEMO_USER.accountId;
  return [...state.pages.values()].filter(
    (p) =>
      p.spaceId === space.id &&
      (p.status === 'current' || p.status === 'archived') &&
      state.canView(p, me) &&
      state.restrictionAllows(p.id, me, 'read'),
  );
}

const AUDIT_COLUMNS = [
  'id',
  'at',
  'user_id',
  'surface',
  'toolkit',
  'tool',
  'connection_id',
  'outcome',
  'error_code',
  'upstream_status',
  'duration_ms',
];

/** The user's audit rows written through the workbench, oldest first. */
function auditRows(gw: TestGateway, userId: string) {
  return gw.gateway.store.db
    .selectFrom('audit_events')
    .selectAll()
    .where('user_id', '=', userId)
    .where('surface', '=', 'workbench')
    .orderBy('id')
    .execute();
}

describe('run_workbench on /mcp', () => {
  let gw: TestGateway;
  let demo: Client;
  let demoUserId: string;

  before(async () => {
    gw = await startTestGateway({ SWITCHBOARD_WORKBENCH_MAX_LOG_CHARS: '300' });
    demo = await gw.connect('/mcp');
    demoUserId = (await ensureUser(gw.gateway.store.db, 'demo')).user.id;
  });
  after(() => gw.close());

  test('tools/list offers run_workbench: a short description with the API and one example, a strict schema', async () => {
    const { tools } = await demo.listTools();
    const wb = tools.find((t) => t.name === 'run_workbench');
    assert.ok(wb, 'run_workbench is listed');
    assert.deepEqual(strictSchemaProblems(wb.inputSchema as Record<string, unknown>), []);
    assert.deepEqual(wb.inputSchema.required, ['code']);
    assert.deepEqual(Object.keys(wb.inputSchema.properties ?? {}), ['code']);
    const d = wb.description!;
    for (const api of ['tools.', 'results.read(', 'console.log', 'Promise.all', 'return'])
      assert.ok(d.includes(api), api);
    assert.match(d, /\.code/, 'how a failure reads');
    assert.equal(d.match(/Example/g)?.length, 1, 'one example');
    assert.match(d, /await tools\.confluence_get_pages\(/);
    assert.ok(d.split('\n').length <= 10, `${d.split('\n').length} lines`);
    assert.ok(d.length < 2000, `${d.length} characters`);
    assert.equal(wb.annotations?.readOnlyHint, false);
    assert.match(demo.getInstructions() ?? '', /run_workbench/);
  });

  test('program 1: the pages of a space without a label, with the labels fetched in parallel', async () => {
    const pages = visiblePages(gw, 'ENG');
    const unlabeled = pages.filter((p) => p.labels.length === 0);
    // Meaningful only if some pages have labels and some do not.
    assert.ok(unlabeled.length > 0 && unlabeled.length < pages.length, 'the seed has both kinds');
    const auditBefore = await auditRows(gw, demoUserId);

    const body = await ok(
      demo,
      [
        "const { results: [space] } = await tools.confluence_get_spaces({ keys: ['ENG'] });",
        'const { results: pages } = await tools.confluence_get_pages({ space_id: [space.id], limit: 250 });',
        'const labels = await Promise.all(pages.map((p) => tools.confluence_get_page_labels({ id: p.id })));',
        'return pages.filter((p, i) => labels[i].results.length === 0).map((p) => ({ id: p.id, title: p.title }));',
      ].join('\n'),
    );
    const byId = (a: { id: string }, b: { id: string }) => Number(a.id) - Number(b.id);
    assert.deepEqual([...body.result].sort(byId), unlabeled.map((p) => ({ id: p.id, title: p.title })).sort(byId));
    assert.equal(body.calls.total, 2 + pages.length);
    assert.equal(body.calls.failed, 0);
    assert.deepEqual(
      body.calls.list.map((c: { tool: string }) => c.tool),
      ['confluence_get_spaces', 'confluence_get_pages', ...pages.map(() => 'confluence_get_page_labels')],
    );
    assert.equal(body.stats.tool_calls, 2 + pages.length);
    // Only the return value came back: none of the labels the program read, none of the labelled pages.
    const text = JSON.stringify(body);
    for (const p of pages.filter((x) => x.labels.length > 0)) {
      assert.ok(!text.includes(p.title), `${p.title} is not in the answer`);
      for (const l of p.labels) assert.ok(!text.includes(`"${l}"`), `label ${l} is not in the answer`);
    }
    assert.ok(text.length < 2000, `${text.length} characters`);

    // Each call wrote its audit row, with surface "workbench", and nothing of the arguments or results.
    const rows = (await auditRows(gw, demoUserId)).slice(auditBefore.length);
    assert.equal(rows.length, 2 + pages.length);
    for (const r of rows) {
      assert.deepEqual(Object.keys(r).sort(), [...AUDIT_COLUMNS].sort());
      assert.equal(r.surface, 'workbench');
      assert.equal(r.toolkit, 'confluence');
      assert.equal(r.outcome, 'ok');
      assert.ok(r.connection_id);
    }
    assert.deepEqual(rows.map((r) => r.tool).sort(), body.calls.list.map((c: { tool: string }) => c.tool).sort());
    const audit = JSON.stringify(rows);
    for (const p of pages) {
      assert.ok(!audit.includes(p.title), 'no result in the audit log');
      assert.ok(!audit.includes(`"${p.id}"`), 'no argument in the audit log');
    }
  });

  test("program 2: Gong users joined with last week's activity, the top three hosts by name", async () => {
    const gong = gw.gateway.emulators.get('gong') as GongEmulator;
    const { state } = gong;
    // "Last week" on the emulator's clock, in the company's time zone: Monday to Sunday, to_date exclusive.
    const today = localDay(state.now().getTime(), state.company.timeZone);
    const monday = addDays(today, -((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7));
    const from = addDays(monday, -7);
    const to = monday;
    const hosted = [...state.users.values()].map((u) => {
      let n = 0;
      for (let d = from; d < to; d = addDays(d, 1)) n += state.activity.get(`${u.id}|${d}`)?.callsAsHost.length ?? 0;
      return { name: `${u.firstName} ${u.lastName}`, hosted: n };
    });
    const expected = hosted
      .filter((h) => h.hosted > 0)
      .sort((a, b) => b.hosted - a.hosted || (a.name < b.name ? -1 : 1))
      .slice(0, 3);
    assert.equal(expected.length, 3, `hosts last week: ${JSON.stringify(hosted)}`);

    const body = await ok(
      demo,
      [
        `const from = '${from}', to = '${to}';`,
        'const [{ users }, stats] = await Promise.all([',
        '  tools.gong_list_users({}),',
        '  tools.gong_aggregate_activity_stats({ from_date: from, to_date: to }),',
        ']);',
        "const names = new Map(users.map((u) => [String(u.id), u.firstName + ' ' + u.lastName]));",
        'return stats.usersAggregateActivityStats',
        '  .map((s) => ({ name: names.get(String(s.userId)), hosted: s.userAggregateActivityStats.callsAsHost }))',
        '  .sort((a, b) => b.hosted - a.hosted || (a.name < b.name ? -1 : 1))',
        '  .slice(0, 3);',
      ].join('\n'),
    );
    assert.deepEqual(body.result, expected);
    assert.deepEqual(body.calls.list.map((c: { tool: string }) => c.tool).sort(), [
      'gong_aggregate_activity_stats',
      'gong_list_users',
    ]);
  });

  test('a syntax error: code syntax_error with line, column and the source line', async () => {
    const body = await fails(demo, 'const x = 1;\nconst y = ;\nreturn x + y;');
    assert.equal(body.error.code, 'syntax_error');
    assert.equal(body.error.line, 2);
    assert.equal(body.error.column, 11);
    assert.equal(body.error.source, 'const y = ;');
    assert.equal(typeof body.error.message, 'string');
    assert.deepEqual(body.calls, { total: 0, failed: 0, list: [] });
  });

  test('a thrown error: code program_error with its message, line and source line', async () => {
    const body = await fails(demo, "const n = 41;\nif (n < 42) throw new RangeError('too small: ' + n);\nreturn n;");
    assert.equal(body.error.code, 'program_error');
    assert.equal(body.error.name, 'RangeError');
    assert.equal(body.error.message, 'too small: 41');
    assert.equal(body.error.line, 2);
    assert.equal(body.error.source, "if (n < 42) throw new RangeError('too small: ' + n);");
    assert.match(body.error.stack, /workbench\.js:2/);
  });

  test('a failed tool call is a ToolError the program can catch; uncaught, it is a program_error with tool_error', async () => {
    const caught = await ok(
      demo,
      [
        'try {',
        "  await tools.confluence_get_page({ id: '999999' });",
        "  return 'found?';",
        '} catch (e) {',
        '  return { name: e.name, code: e.code, message: e.message, retryable: e.retryable, status: e.status, service: e.service, tool: e.tool, isError: e instanceof Error };',
        '}',
      ].join('\n'),
    );
    const e = caught.result;
    assert.equal(e.name, 'ToolError');
    assert.equal(e.isError, true);
    assert.equal(e.code, 'upstream_error');
    assert.equal(e.status, 404);
    assert.equal(e.service, 'Confluence');
    assert.equal(e.retryable, false);
    assert.equal(e.tool, 'confluence_get_page');
    assert.match(e.message, /^confluence_get_page: Confluence answered 404/);
    assert.deepEqual(caught.calls.list, [
      {
        tool: 'confluence_get_page',
        ok: false,
        error: { code: 'upstream_error', message: e.message.replace('confluence_get_page: ', '') },
      },
    ]);
    assert.equal(caught.calls.failed, 1);

    const uncaught = await fails(
      demo,
      "const page = await tools.confluence_get_page({ id: '999999' });\nreturn page.title;",
    );
    assert.equal(uncaught.error.code, 'program_error');
    assert.equal(uncaught.error.name, 'ToolError');
    assert.match(uncaught.error.message, /Confluence answered 404/);
    assert.equal(uncaught.error.tool_error.code, 'upstream_error');
    assert.equal(uncaught.error.tool_error.status, 404);
    assert.equal(uncaught.error.tool_error.tool, 'confluence_get_page');
    assert.equal(uncaught.calls.total, 1);
    assert.equal(uncaught.calls.failed, 1);
  });

  test('invalid arguments name the field; an unknown tool suggests the real names', async () => {
    const traffic = (gw.gateway.emulators.get('confluence') as ConfluenceEmulator).traffic;
    const sent = traffic.entries.length;
    const body = await ok(
      demo,
      [
        'const out = {};',
        'try { await tools.confluence_get_page({ id: 65538 }); } catch (e) { out.type = { code: e.code, message: e.message, fields: e.fields }; }',
        "try { await tools.confluence_get_page({ id: '65538', page_id: '1' }); } catch (e) { out.extra = { code: e.code, message: e.message }; }",
        "try { await tools.confluence_get_pag({ id: '65538' }); } catch (e) { out.unknown = { code: e.code, message: e.message, retryable: e.retryable }; }",
        'return out;',
      ].join('\n'),
    );
    const { type, extra, unknown } = body.result;
    assert.equal(type.code, 'invalid_arguments');
    assert.equal(type.fields[0].field, 'id');
    assert.match(type.fields[0].problem, /expected string/);
    assert.match(type.message, /"id"/);
    assert.equal(extra.code, 'invalid_arguments');
    assert.match(extra.message, /page_id/);
    assert.equal(unknown.code, 'unknown_tool');
    assert.equal(unknown.retryable, false);
    assert.match(unknown.message, /no tool "confluence_get_pag"; did you mean confluence_get_page\b/);
    assert.equal(body.calls.failed, 3);
    assert.equal(traffic.entries.length, sent, 'nothing reached Confluence: refused before sending');
  });

  test('a user without a connection gets a not_connected ToolError with a connect link, which it can catch', async () => {
    const { client } = await newUser(gw, 'bob');
    const body = await ok(
      client,
      [
        'try { await tools.gong_list_users({}); }',
        'catch (e) { return { code: e.code, toolkit: e.toolkit, url: e.connect_url, expires: e.connect_url_expires_at, message: e.message, retryable: e.retryable }; }',
      ].join('\n'),
    );
    const e = body.result;
    assert.equal(e.code, 'not_connected');
    assert.equal(e.toolkit, 'gong');
    assert.match(e.url, /\/connections\/link\/[A-Za-z0-9_-]{43}$/);
    assert.ok(Date.parse(e.expires) > Date.now());
    assert.match(e.message, /no gong account is connected/);
    assert.equal(e.retryable, false);
  });

  test('the answer stays under the inline limit whatever the program piles into calls, logs or errors', async () => {
    const cap = 16_000; // SWITCHBOARD_RESULT_INLINE_MAX_CHARS (its default)
    // Fifty failed calls to invented names of 2,000 characters, each named in its error, and full logs.
    const many = await runProgram(
      demo,
      [
        "for (let i = 0; i < 20; i++) console.log('y'.repeat(50));",
        "const names = Array.from({ length: 50 }, (_, i) => 'no_such_tool_' + i + '_' + 'x'.repeat(2000));",
        'const out = await Promise.allSettled(names.map((n) => tools[n]({})));',
        "const refused = out.filter((o) => o.status === 'rejected' && o.reason.code === 'unknown_tool');",
        'return { refused: refused.length, message: refused[0].reason.message };',
      ].join('\n'),
    );
    assert.ok(many.text.length <= cap, `${many.text.length} characters`);
    assert.equal(many.body.result.refused, 50);
    // No tool name is that long: no suggestions are searched for, and the name is cut.
    assert.match(many.body.result.message, /^no_such_tool_0_x+: no tool "no_such_tool_0_x+… \(2015 characters\)"/);
    assert.doesNotMatch(many.body.result.message, /did you mean/);
    assert.equal(many.body.calls.total, 50);
    assert.equal(many.body.calls.failed, 50);
    assert.ok(many.body.logs.length > 0, 'some logs kept');

    // An error message of a million characters, and a ToolError carrying a huge field.
    const thrown = await runProgram(demo, "throw new Error('x'.repeat(1e6));");
    assert.equal(thrown.failed, true);
    assert.ok(thrown.text.length <= cap, `${thrown.text.length} characters`);
    assert.equal(thrown.body.error.code, 'program_error');
    assert.match(thrown.body.error.message, /^x{100,}…/);
    assert.ok(thrown.body.error.message.length < 5000, 'the message is cut');
    const tool = await runProgram(demo, "await tools['nope_' + 'z'.repeat(100000)]({});");
    assert.equal(tool.failed, true);
    assert.ok(tool.text.length <= cap, `${tool.text.length} characters`);
    assert.equal(tool.body.error.tool_error.code, 'unknown_tool');
  });

  test('console output comes back in logs, capped, with the rest counted in logs_dropped', async () => {
    const small = await ok(
      demo,
      "console.log('a', 1, { b: [2] }); console.warn('careful'); console.error(new TypeError('bad')); return 1;",
    );
    assert.deepEqual(small.logs, ['a 1 {"b":[2]}', '[warn] careful', '[error] TypeError: bad']);
    assert.equal(small.logs_dropped, undefined);

    const big = await ok(
      demo,
      "for (let i = 0; i < 100; i++) console.log('line ' + i + ' ' + 'x'.repeat(20));\nreturn 'done';",
    );
    assert.equal(big.result, 'done');
    assert.equal(big.logs[0], `line 0 ${'x'.repeat(20)}`);
    const kept = big.logs.join('').length;
    assert.ok(kept <= 300 + '… (cut)'.length, `${kept} characters of logs`);
    assert.ok(big.logs.length < 100);
    assert.equal(big.logs_dropped, 100 - big.logs.length);
    // Failed runs keep their logs too.
    const failed = await fails(demo, "console.log('before');\nnull.x;");
    assert.deepEqual(failed.logs, ['before']);
    assert.equal(failed.error.code, 'program_error');
    assert.equal(failed.error.line, 2);
  });
});

describe('run_workbench and stored results', () => {
  let gw: TestGateway;
  let demo: Client;

  before(async () => {
    // Small on purpose: results over 1,000 characters are stored by execute_tools, and a program takes in at most
    // 1,000 characters of one tool result.
    gw = await startTestGateway({
      SWITCHBOARD_RESULT_INLINE_MAX_CHARS: '1000',
      SWITCHBOARD_WORKBENCH_MAX_RESULT_CHARS: '1000',
    });
    demo = await gw.connect('/mcp');
  });
  after(() => gw.close());

  const titles = () => visiblePages(gw, 'ENG').map((p) => p.title);

  test('a tool result over the limit rejects with result_too_large and a handle the program reads in parts', async () => {
    const body = await ok(
      demo,
      [
        "const { results: [space] } = await tools.confluence_get_spaces({ keys: ['ENG'] }).catch((e) => results.read(e.handle));",
        'try {',
        '  await tools.confluence_get_pages({ space_id: [space.id], limit: 250 });',
        "  return 'small enough?';",
        '} catch (e) {',
        "  const titles = await results.read(e.handle, { path: '$.results[*].title' });",
        '  return { code: e.code, retryable: e.retryable, handle: e.handle, mentioned: e.message.includes(e.handle), titles };',
        '}',
      ].join('\n'),
    );
    const r = body.result;
    assert.equal(r.code, 'result_too_large');
    assert.equal(r.retryable, false);
    assert.match(r.handle, /^res_/);
    assert.equal(r.mentioned, true, 'the message says which handle to read');
    assert.deepEqual([...r.titles].sort(), titles().sort());
    assert.ok(body.stats.result_reads >= 1);
    // The whole result is stored for this user, readable with read_result too.
    const read = resultJson(
      await demo.callTool({ name: 'read_result', arguments: { handle: r.handle, path: '$.results[0].title' } }),
    );
    assert.ok(titles().includes(read.text), JSON.stringify(read));
  });

  test("a handle stored by execute_tools is readable from a program; another user's handle is not found", async () => {
    const space = (gw.gateway.emulators.get('confluence') as ConfluenceEmulator).state.spaceByKey('ENG')!;
    const ran = resultJson(
      await demo.callTool({
        name: 'execute_tools',
        arguments: { calls: [{ tool: 'confluence_get_pages', arguments: { space_id: [space.id], limit: 250 } }] },
      }),
    );
    const handle = ran.results[0].stored?.handle as string;
    assert.match(handle, /^res_/, JSON.stringify(ran).slice(0, 500));

    const mine = await ok(
      demo,
      `return await results.read('${handle}', { path: '$.results[*]', fields: ['id', 'title'] });`,
    );
    const byId = (a: { id: string }, b: { id: string }) => Number(a.id) - Number(b.id);
    assert.deepEqual(
      [...mine.result].sort(byId),
      visiblePages(gw, 'ENG')
        .map((p) => ({ id: p.id, title: p.title }))
        .sort(byId),
    );
    assert.equal(mine.stats.result_reads, 1);
    assert.equal(mine.calls.total, 0, 'a read is not a tool call');

    const { client: mallory } = await newUser(gw, 'mallory');
    const theirs = await ok(
      mallory,
      `try { await results.read('${handle}'); return 'read it'; } catch (e) { return { code: e.code, message: e.message }; }`,
    );
    assert.equal(theirs.result.code, 'not_found');
    assert.match(theirs.result.message, /no stored result/);
    // A path that selects nothing, and a malformed one.
    const paths = await ok(
      demo,
      [
        'const out = [];',
        `for (const path of ['$.nothing_here', '$.results[abc']) {`,
        `  try { await results.read('${handle}', { path }); } catch (e) { out.push(e.code); }`,
        '}',
        'return out;',
      ].join('\n'),
    );
    assert.deepEqual(paths.result, ['not_found', 'invalid_arguments']);
  });

  test('a return value over the inline limit comes back stored, and read_result pages through all of it', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => ({ i, text: `row ${i}` }));
    const body = await ok(demo, "return Array.from({ length: 150 }, (_, i) => ({ i, text: 'row ' + i }));");
    assert.equal(body.result, undefined);
    assert.match(body.stored.handle, /^res_/);
    assert.equal(body.stored.size_chars, JSON.stringify(rows).length);
    assert.ok(body.stored.preview !== undefined);
    assert.match(body.note, /read_result/);

    const items: unknown[] = [];
    let pages = 0;
    for (let offset: number | null = 0; offset !== null; pages++) {
      const page = resultJson(
        await demo.callTool({ name: 'read_result', arguments: { handle: body.stored.handle, offset } }),
      );
      assert.equal(page.tool, 'run_workbench');
      items.push(...page.items);
      offset = page.next_offset;
    }
    assert.deepEqual(items, rows);
    assert.ok(pages > 1, 'several pages');
  });
});

/** An HTTP proxy in front of the Confluence emulator that counts the requests it holds at once. */
async function countingProxy(target: string) {
  let inFlight = 0;
  let max = 0;
  let total = 0;
  const arrivals = new Set<() => void>();
  /** Resolves when `cond` holds (checked at each arrival), or after `ms`. */
  const whenOr = (cond: () => boolean, ms: number) =>
    new Promise<void>((resolve) => {
      if (cond()) return resolve();
      const check = () => {
        if (!cond()) return;
        arrivals.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        arrivals.delete(check);
        resolve();
      }, ms);
      arrivals.add(check);
    });
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  const server = createServer(async (req, res) => {
    inFlight++;
    total++;
    max = Math.max(max, inFlight);
    for (const check of [...arrivals]) check();
    // Held until a second request is in flight (or a second passes), then a little longer: a third request the
    // gateway let through would arrive meanwhile and show in `max`.
    await whenOr(() => inFlight >= 2, 1000);
    await sleep(30);
    const body = await read(req);
    const headers: Record<string, string> = {};
    for (const h of ['authorization', 'content-type', 'accept']) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const up = await fetch(target + req.url, {
      method: req.method!,
      headers,
      ...(body.length ? { body } : {}),
    });
    const out = Buffer.from(await up.arrayBuffer());
    inFlight--;
    res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' });
    res.end(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get max() {
      return max;
    },
    get total() {
      return total;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('run_workbench on a restricted deployment, with limits and cancellation', () => {
  let gw: TestGateway;
  let demo: Client;

  before(async () => {
    gw = await startTestGateway({
      SWITCHBOARD_TOOLKITS: 'confluence',
      SWITCHBOARD_WORKBENCH_WORKERS: '1',
      SWITCHBOARD_WORKBENCH_MAX_CONCURRENT_CALLS: '2',
      // Long enough that only a cancellation ends the endless program below.
      SWITCHBOARD_WORKBENCH_CPU_MS: '120000',
      SWITCHBOARD_WORKBENCH_WALL_MS: '120000',
    });
    demo = await gw.connect('/mcp');
  });
  after(() => gw.close());

  test("a program sees only the allowed tools; another toolkit's tool is an unknown tool", async () => {
    const confluence = createCatalog()
      .toolkits.get('confluence')!
      .tools.map((t) => t.name)
      .sort();
    const body = await ok(
      demo,
      [
        'const names = Object.keys(tools);',
        'let gong;',
        'try { await tools.gong_list_users({}); } catch (e) { gong = { code: e.code, message: e.message }; }',
        "return { names, gong, typeofGong: typeof tools.gong_list_users, has: 'gong_list_users' in tools };",
      ].join('\n'),
    );
    assert.deepEqual([...body.result.names].sort(), confluence);
    assert.equal(body.result.has, false);
    assert.equal(body.result.gong.code, 'unknown_tool');
    assert.match(body.result.gong.message, /no tool "gong_list_users"/);
    const suggested = /did you mean (.*)\?/.exec(body.result.gong.message)?.[1]?.split(', ') ?? [];
    for (const s of suggested) assert.match(s, /^confluence_/);
    // Refused before the executor: no audit row for a tool this deployment does not have.
    const rows = await auditRows(gw, (await ensureUser(gw.gateway.store.db, 'demo')).user.id);
    assert.ok(!rows.some((r) => r.tool.startsWith('gong_')));
  });

  test('MAX_CONCURRENT_CALLS=2: ten parallel calls, never more than two at the upstream at once', async () => {
    const proxy = await countingProxy(`${gw.url}/emulators/confluence`);
    try {
      // A user whose Confluence connection goes through the proxy.
      const { user, client } = await newUser(gw, 'carol');
      await connectConfluenceVia(gw, user.id, proxy.url, 'counting_proxy');
      const body = await ok(
        client,
        [
          "const all = await Promise.all(Array.from({ length: 10 }, () => tools.confluence_get_spaces({ keys: ['ENG'] })));",
          'return all.map((r) => r.results[0].key);',
        ].join('\n'),
      );
      assert.deepEqual(body.result, Array(10).fill('ENG'));
      assert.equal(proxy.total, 10);
      assert.equal(proxy.max, 2);
    } finally {
      await proxy.close();
    }
  });

  test('when the client aborts the request, the run stops and the next one runs', async () => {
    const workbench = gw.gateway.workbench!;
    await ok(demo, 'return 0'); // the worker is up
    const ac = new AbortController();
    const pending = runProgram(demo, 'for (;;) {}', { signal: ac.signal });
    await until(() => workbench.stats().busy === 1, 'the program runs');
    ac.abort();
    await assert.rejects(pending, /abort/i);
    // With one worker and two minutes of limits, only the cancellation frees the worker.
    await until(() => workbench.stats().busy === 0, 'the worker is free again');
    assert.deepEqual(workbench.stats(), { workers: 1, busy: 0, queued: 0, started: 1, retired: 0 });
    assert.equal((await ok(demo, "return 'next'")).result, 'next');
  });
});
