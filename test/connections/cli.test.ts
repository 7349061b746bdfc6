import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Keyring } from '../../src/vault/keyring.ts';
import { tempDir } from '../helpers/tmp.ts';

const bin = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));
const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string>, stdin?: string) {
  if (stdin !== undefined) {
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => {
        stdout += d;
      });
      p.stderr.on('data', (d: Buffer) => {
        stderr += d;
      });
      p.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      p.stdin.end(stdin);
    });
  }
  try {
    const r = await run(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('switchboard auth-configs, connect, vault rotate', () => {
  const tmp = tempDir('sb-conn-cli-');
  const k1 = Keyring.generateSpec('k1');
  const k2 = Keyring.generateSpec('k2');
  const env = {
    SWITCHBOARD_DATA_DIR: tmp.dir,
    SWITCHBOARD_LOG_LEVEL: 'silent',
    SWITCHBOARD_ENCRYPTION_KEYS: k1,
    SWITCHBOARD_PUBLIC_URL: 'https://gw.example.com',
  };
  after(() => tmp.remove());

  test('auth-configs add (secret from stdin), list (no secret), connect prints a link, remove', async () => {
    const added = await cli(
      [
        'auth-configs',
        'add',
        'confluence',
        '--scheme',
        'oauth2',
        '--client-id',
        'cid-1',
        '--secret-stdin',
        '--id',
        'ac_cli',
      ],
      env,
      'the-client-secret-xyz\n',
    );
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /^ac_cli\tconfluence\toauth2/);
    assert.match(added.stderr, /https:\/\/gw\.example\.com\/connections\/callback/);
    const listed = await cli(['auth-configs', 'list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /ac_cli\tconfluence\toauth2.*client cid-1.*secrets: clientSecret/);
    assert.doesNotMatch(listed.stdout + listed.stderr, /the-client-secret-xyz/);

    const noSecret = await cli(['auth-configs', 'add', 'gong', '--scheme', 'oauth2', '--client-id', 'x'], env);
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.stderr, /--secret-stdin/);

    const connect = await cli(['connect', 'confluence', '--user', 'alice'], env);
    assert.equal(connect.code, 0, connect.stderr);
    assert.match(connect.stdout.trim(), /^https:\/\/gw\.example\.com\/connections\/link\/[A-Za-z0-9_-]{43}$/);
    assert.match(connect.stderr, /single use/);

    const busy = await cli(['auth-configs', 'remove', 'ac_cli'], env);
    assert.equal(busy.code, 1, 'a config a live (initiated) connection uses is not removed');
    assert.match(busy.stderr, /used by 1 connection/);
  });

  test('vault rotate re-encrypts under the new primary key, reports per kid, and is idempotent', async () => {
    const rotated = await cli(['vault', 'rotate', '--batch-size', '1'], {
      ...env,
      SWITCHBOARD_ENCRYPTION_KEYS: `${k2},${k1}`,
    });
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /auth_configs\.secrets_enc\tk1=1\trotated 1\tchanged meanwhile 0\tfailed 0/);
    const again = await cli(['vault', 'rotate'], { ...env, SWITCHBOARD_ENCRYPTION_KEYS: `${k2},${k1}` });
    assert.match(again.stdout, /auth_configs\.secrets_enc\tk2=1\trotated 0/);
    // The old key can go now.
    const listed = await cli(['auth-configs', 'list'], { ...env, SWITCHBOARD_ENCRYPTION_KEYS: k2 });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /secrets: clientSecret/);
  });
});
