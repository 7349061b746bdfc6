import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { authenticatePassword } from '../../src/identity/passwords.ts';
import { openStore } from '../../src/store/db.ts';
import { tempDir } from '../helpers/tmp.ts';

const bin = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));

function cli(
  args: string[],
  env: Record<string, string>,
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('switchboard users add / passwd', () => {
  const tmp = tempDir('sb-users-');
  const env = { SWITCHBOARD_DATA_DIR: tmp.dir, SWITCHBOARD_LOG_LEVEL: 'silent' };
  after(() => tmp.remove());

  const check = async (name: string, password: string) => {
    const store = openStore({ sqliteFile: path.join(tmp.dir, 'switchboard.db') });
    try {
      return await authenticatePassword(store.db, name, password);
    } finally {
      await store.close();
    }
  };

  test('--help documents both commands', async () => {
    for (const sub of ['add', 'passwd']) {
      const r = await cli(['users', sub, '--help'], env);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /--password-stdin/);
    }
  });

  test('add reads the password from stdin and stores it hashed', async () => {
    const r = await cli(['users', 'add', 'ada', '--password-stdin'], env, 'first password\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /created user ada/);
    assert.ok(!(r.stdout + r.stderr).includes('first password'), 'the password is never printed');
    assert.equal((await check('ada', 'first password'))?.name, 'ada');
  });

  test('add refuses an existing user, a short password, and a missing terminal', async () => {
    const exists = await cli(['users', 'add', 'ada', '--password-stdin'], env, 'another password\n');
    assert.equal(exists.code, 2);
    assert.match(exists.stderr, /exists; set its password with: switchboard users passwd ada/);
    const short = await cli(['users', 'add', 'bob', '--password-stdin'], env, 'short\n');
    assert.equal(short.code, 2);
    assert.match(short.stderr, /at least 8 characters/);
    const noTty = await cli(['users', 'add', 'carol'], env);
    assert.equal(noTty.code, 2);
    assert.match(noTty.stderr, /--password-stdin/);
  });

  test('passwd replaces the password', async () => {
    const r = await cli(['users', 'passwd', 'ada', '--password-stdin'], env, 'second password\r\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await check('ada', 'first password'), undefined);
    assert.equal((await check('ada', 'second password'))?.name, 'ada');
    const unknown = await cli(['users', 'passwd', 'nobody', '--password-stdin'], env, 'whatever password\n');
    assert.equal(unknown.code, 2);
  });
});
