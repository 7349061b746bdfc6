import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { authorizeInBrowser, Browser } from '../../test/oauth/helpers.ts';
import { type ModelReply, type ModelRequest, startFakeModel } from './fake-model.ts';
import type { RunningGateway } from './gateway.ts';
import { ensureInstalled, PINNED } from './install.ts';
import { CheckFailed, check, cleanEnv, clip, type StepResult, startChild, tempDir, withTimeout } from './lib.ts';

/** The gateway's own `tools/list` of a path (with the API key), to compare with what the model is shown. */
async function gatewayTools(gw: RunningGateway, path: string): Promise<string[] | undefined> {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${gw.apiKey}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
  });
  if (res.status === 404) return undefined;
  const body = (await res.json()) as { result?: { tools: { name: string }[] } };
  check(body.result, `tools/list on ${path} answered ${res.status}`);
  return body.result.tools.map((t) => t.name);
}

const toolNames = (req: ModelRequest | undefined) => (req?.tools ?? []).map((t) => t.function.name);
const lastToolResult = (req: ModelRequest | undefined) => {
  const m = req?.messages.at(-1);
  return m?.role === 'tool' ? (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)) : '';
};

/**
 * Kimi Code, headless (`kimi -p ... --output-format stream-json`), with a scripted model: a loopback
 * OpenAI-compatible server that answers with tool calls, as clients.md and kimi.md describe. Two servers in
 * `$KIMI_CODE_HOME/mcp.json`: `switchboard` = /mcp/confluence with no credentials (OAuth: the first connection
 * gets 401, Kimi registers a synthetic `mcp__switchboard__authenticate`; the model calls it, Kimi prints the
 * authorization URL, the harness plays the browser, Kimi's loopback callback gets the code), and `gong` =
 * /mcp/gong with an API key through `bearerTokenEnvVar`. Then the model calls a Confluence and a Gong tool.
 * Checks: what the model is shown (every gateway tool as `mcp__<server>__<tool>`, none dropped or renamed),
 * the results it gets back, and the run's end. The provider type is `kimi`, so the tool schemas go through
 * Kimi's Moonshot normalisation as they do for Kimi's own users.
 */
/** Starts `kimi -p <prompt>` headless against the fake model, with KIMI_CODE_HOME holding the given mcp.json. */
export function startKimi(
  bin: string,
  dir: string,
  opts: { prompt: string; modelBaseUrl: string; mcpServers: Record<string, unknown>; env?: Record<string, string> },
): ReturnType<typeof startChild> {
  const home = join(dir, 'kimi-home');
  const work = join(dir, 'work');
  mkdirSync(home, { recursive: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(home, 'mcp.json'), JSON.stringify({ mcpServers: opts.mcpServers }));
  return startChild(process.execPath, [bin, '-p', opts.prompt, '--output-format', 'stream-json'], {
    cwd: work,
    env: cleanEnv({
      HOME: dir,
      KIMI_CODE_HOME: home,
      KIMI_MODEL_NAME: 'fake',
      KIMI_MODEL_API_KEY: 'interop',
      KIMI_MODEL_PROVIDER_TYPE: 'kimi',
      KIMI_MODEL_BASE_URL: opts.modelBaseUrl,
      BROWSER: 'false',
      DISPLAY: '',
      ...opts.env,
    }),
  });
}

/** The authorization URL Kimi prints (tool progress, on stderr) once the model calls the authenticate tool. */
export function authorizationUrl(child: ReturnType<typeof startChild>, ms: number): Promise<URL> {
  return withTimeout(
    ms,
    'Kimi printing the authorization URL',
    new Promise<URL>((resolve, reject) => {
      const pattern = /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/;
      const look = () => {
        const m = child.stderr().match(pattern);
        if (m) resolve(new URL(m[1]!));
      };
      child.proc.stderr?.on('data', look);
      child.exited.then((code) =>
        reject(new CheckFailed(`kimi exited (${code}) before the login: ${clip(child.stderr() || child.stdout())}`)),
      );
      look();
    }),
  );
}

export async function kimiStep(gw: RunningGateway, timeoutMs: number): Promise<StepResult> {
  const name = `kimi-code@${PINNED.kimi.version}`;
  const bin = await ensureInstalled('kimi');
  const confluence = await gatewayTools(gw, '/mcp/confluence');
  const gong = await gatewayTools(gw, '/mcp/gong');
  check(confluence && gong, 'the gateway serves no /mcp/confluence or /mcp/gong');
  // The router, once the gateway serves it: the model must be shown its tools too (no call: its tools are its own).
  const router = await gatewayTools(gw, '/mcp');
  const tmp = tempDir('sb-interop-kimi-');
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1000, deadline - Date.now());

  // The scripted model: one step per tool result already in the conversation.
  const plan: ModelReply[] = [
    { toolCall: { name: 'mcp__switchboard__authenticate', arguments: {} } },
    { toolCall: { name: 'mcp__switchboard__confluence_get_spaces', arguments: { keys: ['ENG'] } } },
    { toolCall: { name: 'mcp__gong__gong_list_users', arguments: {} } },
    { text: 'Engineering (ENG) is a Confluence space; Gong has users.' },
  ];
  const model = await startFakeModel((req) => {
    const done = req.messages.filter((m) => m.role === 'tool').length;
    return plan[Math.min(done, plan.length - 1)]!;
  });
  const child = startKimi(bin, tmp.dir, {
    prompt: 'Which Confluence spaces and Gong users are there?',
    modelBaseUrl: model.baseUrl,
    mcpServers: {
      switchboard: { url: `${gw.url}/mcp/confluence` },
      gong: { url: `${gw.url}/mcp/gong`, bearerTokenEnvVar: 'SWITCHBOARD_INTEROP_KEY' },
      ...(router ? { router: { url: `${gw.url}/mcp`, bearerTokenEnvVar: 'SWITCHBOARD_INTEROP_KEY' } } : {}),
    },
    env: { SWITCHBOARD_INTEROP_KEY: gw.apiKey },
  });
  try {
    const authorize = await authorizationUrl(child, left());
    check(
      authorize.searchParams.get('resource') === `${gw.url}/mcp/confluence`,
      `resource parameter (got ${authorize.searchParams.get('resource')})`,
    );
    const { redirect } = await authorizeInBrowser(new Browser(), authorize, { password: gw.password });
    check(
      redirect.hostname === '127.0.0.1' && redirect.pathname === '/callback',
      `consent redirects to Kimi's loopback callback (got ${redirect.origin}${redirect.pathname})`,
    );
    const cb = await withTimeout(left(), "Kimi's callback", fetch(redirect));
    check(cb.ok, `Kimi's callback answered ${cb.status}`);

    const code = await withTimeout(left(), 'kimi -p', child.exited);
    const reqs = model.requests;
    check(code === 0, `kimi exited ${code}: ${clip(child.stderr() || child.stdout())}`);
    check(reqs.length >= plan.length, `the model was asked ${reqs.length} times, expected ${plan.length}`);

    // Before the login: only the synthetic authenticate tool for switchboard; gong (API key) fully there.
    const before = toolNames(reqs[0]);
    check(before.includes('mcp__switchboard__authenticate'), 'no mcp__switchboard__authenticate before the login');
    check(!before.some((n) => n.startsWith('mcp__switchboard__confluence_')), 'Confluence tools before the login');
    const missingGong = gong.filter((t) => !before.includes(`mcp__gong__${t}`));
    check(missingGong.length === 0, `the model is not shown Gong tools: ${missingGong.slice(0, 5).join(', ')}`);
    const missingRouter = (router ?? []).filter((t) => !before.includes(`mcp__router__${t}`));
    check(missingRouter.length === 0, `the model is not shown router tools: ${missingRouter.slice(0, 5).join(', ')}`);

    // After it: every Confluence tool, under its own name.
    const after = toolNames(reqs[1]);
    const missing = confluence.filter((t) => !after.includes(`mcp__switchboard__${t}`));
    check(missing.length === 0, `the model is not shown: ${missing.slice(0, 5).join(', ')}`);
    check(
      lastToolResult(reqs[1]).includes('authenticated successfully'),
      `authenticate result: ${clip(lastToolResult(reqs[1]))}`,
    );
    check(lastToolResult(reqs[2]).includes('"key":"ENG"'), `Confluence result: ${clip(lastToolResult(reqs[2]))}`);
    check(lastToolResult(reqs[3]).includes('"emailAddress"'), `Gong result: ${clip(lastToolResult(reqs[3]))}`);
    check(child.stdout().includes('"role":"assistant","content":"Engineering'), 'no final answer in stream-json');

    const shown = after.filter((n) => n.startsWith('mcp__'));
    const schemaKb = Math.round(
      JSON.stringify((reqs[1]?.tools ?? []).filter((t) => t.function.name.startsWith('mcp__'))).length / 1024,
    );
    return {
      name,
      ok: true,
      detail:
        `OAuth login via mcp__switchboard__authenticate (DCR, PKCE, resource; loopback callback), API key via ` +
        `bearerTokenEnvVar; model shown ${shown.length} MCP tools (${confluence.length} Confluence + ${gong.length} Gong` +
        `${router ? ` + ${router.length} router at /mcp` : ''}, ${schemaKb} KB of schema); ` +
        'called confluence_get_spaces -> ENG and gong_list_users -> users',
    };
  } finally {
    await child.kill();
    await model.close();
    tmp.remove();
  }
}
