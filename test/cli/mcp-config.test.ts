import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/tmp.ts';

const bin = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));
const run = promisify(execFile);
const URL_ = 'https://gw.example.com/mcp';

describe('switchboard mcp-config', () => {
  const tmp = tempDir('sb-mcp-config-');
  after(() => tmp.remove());
  const env = {
    ...process.env,
    HOME: join(tmp.dir, 'home'),
    KIMI_CODE_HOME: '',
    CODEX_HOME: '',
    SWITCHBOARD_DATA_DIR: join(tmp.dir, 'data'),
    SWITCHBOARD_PUBLIC_URL: 'https://gw.example.com/',
    SWITCHBOARD_LOG_LEVEL: 'silent',
  };
  async function cli(args: string[], extra: Record<string, string> = {}, cwd = tmp.dir) {
    try {
      const r = await run(process.execPath, [bin, 'mcp-config', ...args], { env: { ...env, ...extra }, cwd });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, stdout: x.stdout, stderr: x.stderr };
    }
  }
  const file = (name: string) => join(tmp.dir, name);
  const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

  test('prints each client its entry for /mcp, with no key', async () => {
    const expected: Record<string, unknown> = {
      kimi: { mcpServers: { switchboard: { url: URL_ } } },
      claude: { mcpServers: { switchboard: { type: 'http', url: URL_ } } },
      cursor: { mcpServers: { switchboard: { url: URL_ } } },
      vscode: { servers: { switchboard: { type: 'http', url: URL_ } } },
    };
    for (const [client, want] of Object.entries(expected)) {
      const r = await cli([client]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), want, client);
      assert.doesNotMatch(r.stdout, /Bearer|sb_|bearerTokenEnvVar|headers/);
    }
    const codex = await cli(['codex']);
    assert.equal(codex.stdout, `[mcp_servers.switchboard]\nurl = "${URL_}"\n`);
    assert.match(codex.stderr, /codex mcp login switchboard/);
  });

  test('the URL comes from host and port without a public URL', async () => {
    const r = await cli(['kimi'], { SWITCHBOARD_PUBLIC_URL: '', SWITCHBOARD_PORT: '9999' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(json_(r.stdout).mcpServers.switchboard?.url, 'http://127.0.0.1:9999/mcp');
  });

  test('--write merges into an existing JSON file, keeps the rest, and is idempotent', async () => {
    const path = file('cursor.json');
    writeFileSync(
      path,
      JSON.stringify({
        theme: 'dark',
        mcpServers: { other: { command: 'x', args: ['1'] }, switchboard: { url: 'old' } },
      }),
    );
    const r = await cli(['cursor', '--write', '--path', path]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(json(path), {
      theme: 'dark',
      mcpServers: { other: { command: 'x', args: ['1'] }, switchboard: { url: URL_ } },
    });
    const once = readFileSync(path, 'utf8');
    const again = await cli(['cursor', '--write', '--path', path]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /unchanged/);
    assert.equal(readFileSync(path, 'utf8'), once);
  });

  test('--name, and the default files under HOME / KIMI_CODE_HOME', async () => {
    const kimiHome = file('kimi-home');
    const r = await cli(['kimi', '--write', '--name', 'sb'], { KIMI_CODE_HOME: kimiHome });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(json(join(kimiHome, 'mcp.json')), { mcpServers: { sb: { url: URL_ } } });
    const c = await cli(['cursor', '--write']);
    assert.equal(c.code, 0, c.stderr);
    assert.deepEqual(json(join(env.HOME, '.cursor', 'mcp.json')), { mcpServers: { switchboard: { url: URL_ } } });
    const bad = await cli(['kimi', '--name', 'a b']);
    assert.equal(bad.code, 2);
    const unknown = await cli(['emacs']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown client/);
  });

  test('claude: user scope at the top of ~/.claude.json, local scope under projects, project scope .mcp.json', async () => {
    const path = file('claude.json');
    writeFileSync(path, JSON.stringify({ numStartups: 3, projects: { '/elsewhere': { allowedTools: [] } } }));
    assert.equal((await cli(['claude', '--write', '--path', path])).code, 0);
    assert.equal((await cli(['claude', '--write', '--path', path, '--scope', 'local'])).code, 0);
    assert.deepEqual(json(path), {
      numStartups: 3,
      projects: {
        '/elsewhere': { allowedTools: [] },
        [tmp.dir]: { mcpServers: { switchboard: { type: 'http', url: URL_ } } },
      },
      mcpServers: { switchboard: { type: 'http', url: URL_ } },
    });
    const project = file('proj');
    mkdirSync(project, { recursive: true });
    const r = await cli(['claude', '--write', '--scope', 'project'], {}, project);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(json(join(project, '.mcp.json')), { mcpServers: { switchboard: { type: 'http', url: URL_ } } });
    const v = await cli(['vscode', '--write'], {}, project);
    assert.equal(v.code, 0, v.stderr);
    assert.deepEqual(json(join(project, '.vscode', 'mcp.json')), {
      servers: { switchboard: { type: 'http', url: URL_ } },
    });
    assert.equal((await cli(['claude', '--scope', 'team'])).code, 2);
  });

  test('a file that is not plain JSON is left alone', async () => {
    const path = file('vscode.json');
    const text = '{ // comment\n "servers": {} }';
    writeFileSync(path, text);
    const r = await cli(['vscode', '--write', '--path', path]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not plain JSON/);
    assert.equal(readFileSync(path, 'utf8'), text);
  });

  test('codex: the TOML table is replaced in place, everything else kept, idempotent', async () => {
    const path = file('config.toml');
    writeFileSync(
      path,
      [
        'model = "o3" # the model',
        '',
        '[mcp_servers.other]',
        'command = "npx"',
        'args = ["-y", "x"]',
        '',
        '[mcp_servers.switchboard]',
        'url = "http://old/mcp"',
        'bearer_token_env_var = "OLD"',
        '',
        '[mcp_servers.switchboard.env]',
        'A = "1"',
        '',
        '[mcp_servers.switchboard-2]',
        'url = "http://two/mcp"',
        '',
        '[profiles.fast]',
        'model = "mini"',
        '',
      ].join('\n'),
    );
    const r = await cli(['codex', '--write', '--path', path]);
    assert.equal(r.code, 0, r.stderr);
    const want = [
      'model = "o3" # the model',
      '',
      '[mcp_servers.other]',
      'command = "npx"',
      'args = ["-y", "x"]',
      '',
      '[mcp_servers.switchboard]',
      `url = "${URL_}"`,
      '',
      '[mcp_servers.switchboard-2]',
      'url = "http://two/mcp"',
      '',
      '[profiles.fast]',
      'model = "mini"',
      '',
    ].join('\n');
    assert.equal(readFileSync(path, 'utf8'), want);
    assert.match((await cli(['codex', '--write', '--path', path])).stdout, /unchanged/);
    assert.equal(readFileSync(path, 'utf8'), want);

    // Appended to a file without the table, after a blank line; a new file gets only the table.
    const other = file('other.toml');
    writeFileSync(other, 'model = "o3"\n[tui]\nnotifications = true');
    assert.equal((await cli(['codex', '--write', '--path', other, '--name', 'sb'])).code, 0);
    assert.equal(
      readFileSync(other, 'utf8'),
      `model = "o3"\n[tui]\nnotifications = true\n\n[mcp_servers.sb]\nurl = "${URL_}"\n`,
    );
    const codexHome = file('codex-home');
    assert.equal((await cli(['codex', '--write'], { CODEX_HOME: codexHome })).code, 0);
    assert.equal(readFileSync(join(codexHome, 'config.toml'), 'utf8'), `[mcp_servers.switchboard]\nurl = "${URL_}"\n`);

    // The same server as an inline table: refused, not duplicated.
    const inline = file('inline.toml');
    const text = '[mcp_servers]\nswitchboard = { url = "http://x" }\n';
    writeFileSync(inline, text);
    const refused = await cli(['codex', '--write', '--path', inline]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /edit it by hand/);
    assert.equal(readFileSync(inline, 'utf8'), text);
  });
});

function json_(text: string) {
  return JSON.parse(text) as { mcpServers: Record<string, { url: string }> };
}
