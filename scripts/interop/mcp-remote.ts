import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { authorizeInBrowser, Browser } from '../../test/oauth/helpers.ts';
import type { RunningGateway } from './gateway.ts';
import { ensureInstalled, PINNED } from './install.ts';
import {
  CheckFailed,
  type Child,
  check,
  cleanEnv,
  clip,
  freePort,
  type StepResult,
  startChild,
  tempDir,
  trace,
  withTimeout,
} from './lib.ts';

/** A JSON-RPC peer over a child's stdio: newline-delimited messages, as MCP's stdio transport sends them. */
class StdioPeer {
  readonly child: Child;
  private seen = 0;
  constructor(child: Child) {
    this.child = child;
  }

  send(message: unknown): void {
    this.child.proc.stdin?.write(`${JSON.stringify(message)}\n`);
  }

  /** Waits for the response to request `id` on stdout. */
  async response(id: number, ms: number): Promise<{ result?: Record<string, unknown>; error?: { message: string } }> {
    return withTimeout(
      ms,
      `mcp-remote answer to request ${id}`,
      new Promise((resolve, reject) => {
        const look = () => {
          const lines = this.child.stdout().split('\n');
          for (let i = this.seen; i < lines.length - 1; i++) {
            const line = lines[i]!.trim();
            if (!line) continue;
            let msg: { id?: unknown; result?: Record<string, unknown>; error?: { message: string } };
            try {
              msg = JSON.parse(line);
            } catch {
              continue;
            }
            if (msg.id === id) {
              this.child.proc.stdout?.off('data', look);
              return resolve(msg);
            }
          }
        };
        this.child.proc.stdout?.on('data', look);
        this.child.exited.then((code) =>
          reject(new CheckFailed(`mcp-remote exited (${code}): ${clip(this.child.stderr(), 400)}`)),
        );
        look();
      }),
    );
  }
}

/** Resolves once `pattern` matches the child's stderr (mcp-remote logs there), with the match. */
function waitForStderr(child: Child, pattern: RegExp, ms: number, what: string): Promise<RegExpMatchArray> {
  return withTimeout(
    ms,
    what,
    new Promise((resolve, reject) => {
      const look = () => {
        const m = child.stderr().match(pattern);
        if (m) {
          child.proc.stderr?.off('data', look);
          resolve(m);
        }
      };
      child.proc.stderr?.on('data', look);
      child.exited.then((code) => reject(new CheckFailed(`mcp-remote exited (${code}): ${clip(child.stderr(), 400)}`)));
      look();
    }),
  );
}

const AUTH_URL = /Please authorize this client by visiting:\s*\n(\S+)/;
const READY = /Proxy established successfully/;

/**
 * mcp-remote as the stdio bridge a desktop client launches, logging in headless: it discovers the gateway's
 * authorization server (401 -> protected resource metadata -> AS metadata), registers itself (DCR), prints the
 * authorization URL; the harness plays the browser (login page, consent page) and follows the redirect to
 * mcp-remote's callback; then JSON-RPC on its stdin (initialize, tools/list, tools/call) must be answered. A
 * second start with the same config folder must reuse the stored tokens without a login.
 */
export async function mcpRemoteStep(gw: RunningGateway, timeoutMs: number): Promise<StepResult> {
  const name = `mcp-remote@${PINNED.mcpRemote.version}`;
  const bin = await ensureInstalled('mcpRemote');
  const home = tempDir('sb-interop-mcp-remote-');
  const children: Child[] = [];
  const url = `${gw.url}/mcp/confluence`;
  const env = cleanEnv({
    HOME: home.dir,
    MCP_REMOTE_CONFIG_DIR: join(home.dir, 'mcp-auth'),
    // No browser is opened: every opener it tries runs `false`, and the harness plays the browser instead.
    BROWSER: 'false',
    DISPLAY: '',
  });
  const start = async () => {
    const port = await freePort();
    const child = startChild(
      process.execPath,
      [bin, url, String(port), '--host', '127.0.0.1', '--transport', 'http-only', '--auth-timeout', '60'],
      { env, stdin: 'pipe' },
    );
    children.push(child);
    return child;
  };
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1000, deadline - Date.now());
  try {
    // 1. First start: the OAuth login, played headless.
    const first = await start();
    const [, authUrl] = await waitForStderr(first, AUTH_URL, left(), 'mcp-remote printing the authorization URL');
    const authorize = new URL(authUrl!);
    check(authorize.origin === gw.url, `authorization URL on another origin: ${authorize.origin}`);
    check(authorize.searchParams.get('code_challenge_method') === 'S256', 'the authorization request uses PKCE S256');
    check(
      authorize.searchParams.get('resource') === url,
      `resource parameter is the MCP URL (got ${authorize.searchParams.get('resource')})`,
    );
    const { redirect } = await authorizeInBrowser(new Browser(), authorize, { password: gw.password });
    check(
      redirect.hostname === '127.0.0.1' && redirect.pathname === '/oauth/callback' && redirect.searchParams.has('code'),
      `consent redirects to mcp-remote's callback with a code (got ${redirect.href})`,
    );
    const callback = await withTimeout(left(), 'mcp-remote callback', fetch(redirect));
    check(callback.ok, `mcp-remote's callback answered ${callback.status}`);
    await waitForStderr(first, READY, left(), 'mcp-remote connecting after the login');
    trace('mcp-remote: logged in and connected');

    const peer = new StdioPeer(first);
    peer.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'interop', version: '1.0.0' } },
    });
    const init = await peer.response(1, left());
    check(init.result, `initialize failed: ${init.error?.message}`);
    const serverInfo = init.result.serverInfo as { name?: string } | undefined;
    peer.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    peer.send({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
    const list = await peer.response(2, left());
    const tools = (list.result?.tools as { name: string }[] | undefined) ?? [];
    check(
      tools.some((t) => t.name === 'confluence_get_spaces'),
      `tools/list lacks confluence_get_spaces: ${clip(JSON.stringify(list))}`,
    );
    peer.send({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'confluence_get_spaces', arguments: { keys: ['ENG'] } },
    });
    const call = await peer.response(3, left());
    const content = (call.result?.content as { type: string; text?: string }[] | undefined) ?? [];
    check(call.result && !call.result.isError, `tools/call failed: ${clip(JSON.stringify(call))}`);
    check(
      content.some((c) => c.type === 'text' && c.text?.includes('"key":"ENG"')),
      `tools/call result lacks the ENG space: ${clip(JSON.stringify(call))}`,
    );
    await first.kill();

    // The tokens landed in MCP_REMOTE_CONFIG_DIR ...
    const stored = listFiles(join(home.dir, 'mcp-auth'));
    check(
      stored.some((f) => f.endsWith('_tokens.json')),
      `no tokens file in MCP_REMOTE_CONFIG_DIR: ${stored.join(', ')}`,
    );

    // 2. ... and a second start uses them: no authorization URL, straight to a working session.
    const second = await start();
    await waitForStderr(second, READY, left(), 'mcp-remote reconnecting with stored tokens');
    check(!AUTH_URL.test(second.stderr()), 'the second start asked for a login again');
    const peer2 = new StdioPeer(second);
    peer2.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'interop', version: '1.0.0' } },
    });
    check((await peer2.response(1, left())).result, 'initialize with stored tokens failed');
    peer2.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    peer2.send({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
    const list2 = await peer2.response(2, left());
    check(Array.isArray(list2.result?.tools), 'tools/list with stored tokens failed');

    return {
      name,
      ok: true,
      detail:
        `OAuth login (DCR + PKCE S256 + resource, login and consent pages) -> ${serverInfo?.name ?? '?'}; ` +
        `tools/list ${tools.length} tools; tools/call confluence_get_spaces -> ENG; restart reused stored tokens`,
    };
  } finally {
    for (const c of children) await c.kill();
    home.remove();
  }
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}
