import { randomBytes } from 'node:crypto';
import { CONFLUENCE_DEMO_USER } from '../../src/emulators/confluence/seed.ts';
import { strictSchemaProblems } from '../../src/toolkits/json-schema.ts';
import { CONFLUENCE_USER, followOAuthLink, GONG_ADMIN } from '../../test/connections/helpers.ts';
import { authorizeInBrowser, Browser } from '../../test/oauth/helpers.ts';
import { type ModelReply, type ModelRequest, startFakeModel } from './fake-model.ts';
import { addUser, type RunningGateway } from './gateway.ts';
import { ensureInstalled, PINNED } from './install.ts';
import { authorizationUrl, startKimi } from './kimi.ts';
import { check, clip, type StepResult, tempDir, withTimeout } from './lib.ts';

/** One end-to-end task: what the user asks, what the model searches for, and the tool it should pick and run. */
interface Task {
  toolkit: 'confluence' | 'gong';
  prompt: string;
  query: string;
  /** Picks the tool from search_tools' result names (a real model reads them; this one takes the first fitting). */
  pick: (names: string[]) => string | undefined;
  /** The tool's arguments (from what the model knows: the prompt). */
  args: () => Record<string, unknown>;
  consent: Record<string, string>;
  /** A run_workbench program the model runs after the tool, and what its result must contain. */
  program: { code: string; expect: (result: unknown, title: string) => boolean; says: string };
}

type Call = { name: string; args: Record<string, unknown>; result: string };

/** The tool calls so far, each with its result, read from the conversation the agent sends the model. */
function history(req: ModelRequest): Call[] {
  const calls: Call[] = [];
  const byId = new Map<string, Call>();
  for (const m of req.messages) {
    if (m.role === 'assistant' && Array.isArray(m.tool_calls)) {
      for (const tc of m.tool_calls as { id: string; function: { name: string; arguments: string } }[]) {
        let args: Record<string, unknown> = {};
        try {
          args = JSON.parse(tc.function.arguments || '{}') as Record<string, unknown>;
        } catch {}
        const c = { name: tc.function.name, args, result: '' };
        calls.push(c);
        byId.set(tc.id, c);
      }
    } else if (m.role === 'tool' && m.tool_call_id) {
      const c = byId.get(m.tool_call_id);
      if (c) c.result = typeof m.content === 'string' ? m.content : JSON.stringify(m.content);
    }
  }
  return calls;
}

/** The JSON object a tool result carries (the agent may wrap the text; take the outermost braces). */
// biome-ignore lint/suspicious/noExplicitAny: the model reads tool results as loose JSON.
function resultJson(text: string): any {
  let s = text;
  // Content parts, as some agents send them.
  try {
    const parts = JSON.parse(s) as unknown;
    if (Array.isArray(parts)) s = parts.map((p) => (p as { text?: string }).text ?? '').join('\n');
  } catch {}
  const start = s.indexOf('{');
  const end = s.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  try {
    return JSON.parse(s.slice(start, end + 1));
  } catch {
    return undefined;
  }
}

/**
 * The scripted model of a task: each reply is decided from the conversation so far (tools offered, tool results),
 * as a real model would: it logs in, searches, connects the toolkit with the link it was given, waits, runs the
 * tool it found. `onLink` is the user opening the connect link it shows.
 */
function taskModel(task: Task, onLink: (url: string) => void) {
  return (req: ModelRequest): ModelReply => {
    const offered = (req.tools ?? []).map((t) => t.function.name);
    const meta = (tool: string) => offered.find((n) => n.endsWith(`__${tool}`));
    const calls = history(req);
    const last = calls.at(-1);
    const fail = (why: string): ModelReply => ({ text: `TASK FAILED: ${why}` });
    if (!last) {
      const auth = meta('authenticate');
      if (auth) return { toolCall: { name: auth, arguments: {} } };
    }
    const search = meta('search_tools');
    if (!last || last.name.endsWith('__authenticate')) {
      if (!search) return fail(`no search_tools offered after the login: ${offered.join(', ')}`);
      return { toolCall: { name: search, arguments: { queries: [task.query] } } };
    }
    const found = calls.find((c) => c.name.endsWith('__search_tools'));
    const r = resultJson(found?.result ?? '');
    const names: string[] = (r?.results ?? []).flatMap((x: { tools: string[] }) => x.tools);
    const tool = task.pick(names);
    if (!tool) return fail(`search_tools found no fitting tool: ${clip(found?.result ?? '', 400)}`);
    const execute = (): ModelReply => ({
      toolCall: { name: meta('execute_tools')!, arguments: { calls: [{ tool, arguments: task.args() }] } },
    });
    if (last.name.endsWith('__search_tools')) {
      if (r?.toolkits?.[task.toolkit]?.status === 'active') return execute();
      return {
        toolCall: { name: meta('manage_connections')!, arguments: { action: 'connect', toolkit: task.toolkit } },
      };
    }
    const wait = (): ModelReply => ({
      toolCall: { name: meta('wait_for_connections')!, arguments: { toolkits: [task.toolkit], timeout_seconds: 20 } },
    });
    if (last.name.endsWith('__manage_connections')) {
      const url = resultJson(last.result)?.connect_url;
      if (typeof url !== 'string') return fail(`no connect_url: ${clip(last.result, 400)}`);
      onLink(url);
      return wait();
    }
    if (last.name.endsWith('__wait_for_connections')) {
      if (resultJson(last.result)?.done === true) return execute();
      const waits = calls.filter((c) => c.name.endsWith('__wait_for_connections')).length;
      return waits < 4 ? wait() : fail(`the connection did not become active: ${clip(last.result, 300)}`);
    }
    if (last.name.endsWith('__execute_tools')) {
      return { toolCall: { name: meta('run_workbench')!, arguments: { code: task.program.code } } };
    }
    if (last.name.endsWith('__run_workbench')) return { text: `TASK DONE: ${clip(last.result, 2000)}` };
    return fail(`unexpected last call ${last.name}`);
  };
}

/** Kimi's `--output-format stream-json` lines, parsed (non-JSON lines skipped). */
function streamLines(stdout: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {}
  }
  return out;
}

const TASKS: Record<'confluence' | 'gong', Omit<Task, 'args'> & { args: (title: string) => Record<string, unknown> }> =
  {
    confluence: {
      toolkit: 'confluence',
      prompt: 'Create a documentation page in the ENG Confluence space.',
      query: 'create a documentation page',
      pick: (names) => names.find((n) => n === 'confluence_create_page'),
      args: (title) => ({
        space_key: 'ENG',
        title,
        body: { representation: 'storage', value: '<p>Written by Kimi Code through Switchboard (interop).</p>' },
      }),
      consent: { auto_approve_as: CONFLUENCE_USER },
      program: {
        code: [
          "const { results: [eng] } = await tools.confluence_get_spaces({ keys: ['ENG'] });",
          'const { results: pages } = await tools.confluence_get_pages({ space_id: [eng.id], limit: 250 });',
          'return pages.map((p) => p.title);',
        ].join('\n'),
        expect: (result, title) => Array.isArray(result) && result.includes(title),
        says: "lists ENG's pages, the new one among them",
      },
    },
    gong: {
      toolkit: 'gong',
      prompt: 'Who are the users in our Gong workspace?',
      query: 'list the users in Gong',
      pick: (names) => names.find((n) => n === 'gong_list_users'),
      args: () => ({}),
      consent: { approve_as: GONG_ADMIN },
      program: {
        code: [
          'const { users } = await tools.gong_list_users({});',
          'console.log(users.length, "users");',
          "return users.map((u) => u.firstName + ' ' + u.lastName).sort();",
        ].join('\n'),
        expect: (result) => Array.isArray(result) && result.includes('Dana Whitfield'),
        says: "returns the users' names",
      },
    },
  };

/**
 * Kimi Code end to end through the router at `/mcp`, as a new user with no connection: the scripted model logs in
 * (`mcp__switchboard__authenticate`, the harness plays the browser), searches for the tool, gets the toolkit's
 * connect link from `manage_connections` (the harness follows it: the gateway's connect page, the emulator's
 * consent, the callback), waits with `wait_for_connections`, runs the tool with `execute_tools`, answers.
 */
export async function kimiTaskStep(
  gw: RunningGateway,
  timeoutMs: number,
  which: 'confluence' | 'gong',
): Promise<StepResult> {
  const name = `kimi-code@${PINNED.kimi.version} ${which} task via /mcp`;
  const bin = await ensureInstalled('kimi');
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1000, deadline - Date.now());
  const suffix = randomBytes(4).toString('hex');
  const user = `kimi-${which}-${suffix}`;
  const password = `interop ${randomBytes(12).toString('base64url')}`;
  await addUser(gw, user, password);
  const title = `Kimi interop ${suffix}`;
  const spec = TASKS[which];
  const task: Task = { ...spec, args: () => spec.args(title) };

  const browser = new Browser();
  let linkFollowed: Promise<{ status: number; html: string }> | undefined;
  const model = await startFakeModel(
    taskModel(task, (url) => {
      // The user opens the link while the model waits (no await: wait_for_connections runs meanwhile).
      linkFollowed ??= followOAuthLink(browser, url, task.consent);
      linkFollowed.catch(() => undefined);
    }),
  );
  const tmp = tempDir('sb-interop-kimi-task-');
  const child = startKimi(bin, tmp.dir, {
    prompt: task.prompt,
    modelBaseUrl: model.baseUrl,
    mcpServers: { switchboard: { url: `${gw.url}/mcp` } },
  });
  try {
    const authorize = await authorizationUrl(child, left());
    check(
      authorize.searchParams.get('resource') === `${gw.url}/mcp`,
      `resource ${authorize.searchParams.get('resource')}`,
    );
    const { redirect } = await authorizeInBrowser(browser, authorize, { username: user, password });
    const cb = await withTimeout(left(), "Kimi's callback", fetch(redirect));
    check(cb.ok, `Kimi's callback answered ${cb.status}`);

    const code = await withTimeout(left(), 'kimi -p', child.exited);
    if (process.env.SWITCHBOARD_INTEROP_VERBOSE === '1')
      console.error(`kimi stream-json (${which}):\n${child.stdout()}`);
    const reqs = model.requests;
    const final = reqs.length ? taskModel(task, () => {})(reqs.at(-1)!) : undefined;
    check(code === 0, `kimi exited ${code}: ${clip(child.stderr() || child.stdout())}`);
    check(
      final && 'text' in final && final.text.startsWith('TASK DONE'),
      `the model: ${clip(JSON.stringify(final) ?? 'no request', 500)}`,
    );
    check(linkFollowed, 'the connect link was never followed');
    const followed = await linkFollowed;
    check(followed.status === 200, `the connection callback page answered ${followed.status}`);

    // What Kimi offered the model after the login: the router's tools, named and shaped as Moonshot accepts.
    const offered = (reqs.at(-1)?.tools ?? []).filter((t) => t.function.name.startsWith('mcp__'));
    const names = offered.map((t) => t.function.name);
    for (const meta of [
      'search_tools',
      'manage_connections',
      'wait_for_connections',
      'execute_tools',
      'run_workbench',
    ]) {
      check(names.includes(`mcp__switchboard__${meta}`), `mcp__switchboard__${meta} not offered: ${names.join(', ')}`);
    }
    check(
      names.every((n) => n.startsWith('mcp__switchboard__') && n.length <= 64),
      `tool names: ${names.join(', ')}`,
    );
    const problems = offered.flatMap((t) =>
      strictSchemaProblems((t.function.parameters ?? {}) as never, t.function.name),
    );
    check(problems.length === 0, `schemas Moonshot refuses: ${problems.slice(0, 3).join('; ')}`);

    // Every call, as Kimi reports it in stream-json: each answered, none an error.
    const calls = history(reqs.at(-1)!);
    const sequence = calls.map((c) => c.name.replace('mcp__switchboard__', ''));
    check(
      [
        'authenticate',
        'search_tools',
        'manage_connections',
        'wait_for_connections',
        'execute_tools',
        'run_workbench',
      ].every((n) => sequence.includes(n)),
      `calls: ${sequence.join(', ')}`,
    );
    // Kimi's own record (stream-json): every call it made got a result, and none is an error.
    const lines = streamLines(child.stdout());
    const callIds = lines.flatMap((l) =>
      l.role === 'assistant' && Array.isArray(l.tool_calls) ? (l.tool_calls as { id: string }[]).map((t) => t.id) : [],
    );
    check(
      callIds.length === calls.length,
      `stream-json shows ${callIds.length} tool calls, the model made ${calls.length}`,
    );
    for (const id of callIds) {
      const res = lines.find((l) => l.role === 'tool' && l.tool_call_id === id);
      const text = typeof res?.content === 'string' ? res.content : JSON.stringify(res?.content ?? '');
      check(res, `stream-json has no result for ${id}`);
      const body = resultJson(text);
      const failed =
        /is_?error"?\s*:\s*true/i.test(text) ||
        /^(error|tool error|mcp error)/i.test(text.trim()) ||
        (body && typeof body === 'object' && 'error' in body) ||
        (Array.isArray(body?.results) && body.results.some((r: { ok?: boolean }) => r.ok === false));
      check(!failed, `a tool call failed in stream-json (${id}): ${clip(text, 300)}`);
    }
    const executed = resultJson(calls.find((c) => c.name.endsWith('__execute_tools'))!.result);
    const outcome = executed?.results?.[0];
    check(outcome?.ok === true || (outcome && !outcome.error), `execute_tools: ${clip(JSON.stringify(executed), 400)}`);
    check(child.stdout().includes('TASK DONE'), `no final answer in stream-json: ${clip(child.stdout().slice(-500))}`);
    const ran = resultJson(calls.find((c) => c.name.endsWith('__run_workbench'))!.result);
    check(
      ran?.ok === true && task.program.expect(ran.result, title),
      `run_workbench: ${clip(JSON.stringify(ran), 400)}`,
    );

    let detail: string;
    if (which === 'confluence') {
      const res = await fetch(`${gw.url}/emulators/confluence/wiki/api/v2/pages?title=${encodeURIComponent(title)}`, {
        headers: {
          authorization: `Basic ${Buffer.from(`${CONFLUENCE_DEMO_USER.email}:${CONFLUENCE_DEMO_USER.apiToken}`).toString('base64')}`,
        },
      });
      const body = (await res.json()) as { results?: { id: string; title: string; spaceId: string }[] };
      const page = body.results?.find((p) => p.title === title);
      check(
        res.ok && page,
        `the page "${title}" is not in the emulator (${res.status}): ${clip(JSON.stringify(body))}`,
      );
      detail = `page ${page.id} "${title}" exists in ENG`;
    } else {
      const text = JSON.stringify(executed);
      check(/Whitfield/.test(text), `gong_list_users does not name the seeded users: ${clip(text, 300)}`);
      detail = 'gong_list_users names the seeded users (Dana Whitfield, …)';
    }
    return {
      name,
      ok: true,
      detail:
        `new user ${user}: OAuth login via mcp__switchboard__authenticate, then ${sequence.slice(1).join(' -> ')}; ` +
        `${which} connected through its link (consent + callback); ${names.length} router tools offered, ` +
        `names <= 64, schemas Moonshot-strict; ${detail}; the workbench program (${ran.calls.total} calls) ${task.program.says}`,
    };
  } finally {
    await child.kill();
    await model.close();
    tmp.remove();
  }
}
