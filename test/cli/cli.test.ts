import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/tmp.ts';

const bin = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));
const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string>) {
  try {
    const r = await run(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('switchboard CLI', () => {
  const tmp = tempDir('sb-cli-');
  const env = { SWITCHBOARD_DATA_DIR: tmp.dir, SWITCHBOARD_LOG_LEVEL: 'silent' };
  after(() => tmp.remove());

  test('every subcommand has --help', async () => {
    for (const args of [
      [],
      ['serve'],
      ['migrate'],
      ['keys'],
      ['keys', 'create'],
      ['keys', 'list'],
      ['keys', 'revoke'],
      ['users'],
      ['users', 'list'],
      ['connect'],
      ['connections'],
      ['tools'],
      ['emulators'],
    ]) {
      const r = await cli([...args, '--help'], env);
      assert.equal(r.code, 0, `${args.join(' ')} --help: ${r.stderr}`);
      assert.match(r.stdout, /Usage: switchboard/);
    }
  });

  test('keys create makes the user and prints the key as the last line of stdout', async () => {
    const r = await cli(['keys', 'create', '--user', 'ada'], env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines.at(-1)!, /^sb_[A-Za-z0-9_-]{43}$/);
    const list = await cli(['keys', 'list', '--user', 'ada'], env);
    assert.match(list.stdout, /key_\S+\tsb_/);
    assert.ok(!list.stdout.includes(lines.at(-1)!), 'listing never shows the key');
    const users = await cli(['users', 'list'], env);
    assert.match(users.stdout, /\tada\t/);
  });

  test('connect --demo stores a demo connection; connections lists it', async () => {
    const r = await cli(['connect', 'confluence', '--user', 'ada', '--demo'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /confluence connection "demo" .* is active, default/);
    const list = await cli(['connections', '--user', 'ada'], env);
    assert.match(list.stdout, /confluence\tdemo \(default\)\tactive/);
  });

  test('an invalid setting stops the command with the variable and what it expects', async () => {
    const r = await cli(['migrate'], { ...env, SWITCHBOARD_PORT: 'lots' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /SWITCHBOARD_PORT: expected a whole number/);
  });

  test('tools lists the catalogue', async () => {
    const r = await cli(['tools', '--toolkit', 'confluence'], env);
    assert.match(r.stdout, /^confluence_create_page\tCreate page$/m);
  });
});

describe('switchboard serve', () => {
  const tmp = tempDir('sb-serve-');
  let child: ChildProcess;
  let url: string;
  let stdout = '';
  let stderr = '';

  before(async () => {
    child = spawn(process.execPath, [bin, 'serve', '--demo', '--port', '0'], {
      env: { ...process.env, SWITCHBOARD_DATA_DIR: tmp.dir, SWITCHBOARD_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${stdout}${stderr}`)), 20_000);
      const check = () => {
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"listening"/.exec(stdout);
        if (m && stderr.includes('mcpServers')) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
  });
  after(() => {
    child.kill('SIGKILL');
    tmp.remove();
  });

  test('demo mode prints the MCP URL, how to get a key, and an mcp.json entry', () => {
    assert.match(stderr, new RegExp(`MCP URL \\(tool router\\): +${url}/mcp\n`));
    assert.match(stderr, new RegExp(`Every Confluence tool: +${url}/mcp/confluence`));
    assert.match(stderr, /npx switchboard keys create --user demo/);
    assert.match(stderr, /"mcpServers":\{"switchboard":\{"url":"http:\/\/127\.0\.0\.1:\d+\/mcp"\}\}/);
    assert.ok(!/sb_[A-Za-z0-9_-]{43}/.test(stdout + stderr), 'no key is printed in logs');
  });

  test('a key created by the CLI works on the running gateway; SIGTERM lets an in-flight call finish', async () => {
    const made = await cli(['keys', 'create', '--user', 'demo'], { SWITCHBOARD_DATA_DIR: tmp.dir });
    const key = made.stdout.trim().split('\n').at(-1)!;
    const rpc = (id: number, method: string, params: unknown) =>
      fetch(`${url}/mcp/confluence`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
      });
    const listed = await rpc(1, 'tools/list', {});
    assert.equal(listed.status, 200);

    // Make the next upstream call wait ~2 s (a 429 with Retry-After), then stop the server while it waits.
    const control = await fetch(`${url}/emulators/confluence/__control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: { status: 429, times: 1, retryAfterSeconds: 2 } }),
    });
    assert.equal(control.status, 200);
    const inFlight = rpc(2, 'tools/call', { name: 'confluence_get_spaces', arguments: { keys: ['ENG'] } });
    await new Promise((r) => setTimeout(r, 500));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const res = await inFlight;
    assert.equal(res.status, 200);
    const body = (await res.json()) as { result: { isError?: boolean; content: { text: string }[] } };
    assert.equal(body.result.isError, undefined, body.result.content[0]!.text);
    assert.equal(await exited, 0);
    assert.match(stdout, /"msg":"stopped"/);
  });
});
