import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig, publicBaseUrl } from '../../src/config/index.ts';

test('defaults: 127.0.0.1:8787, SQLite, not demo', () => {
  const c = loadConfig({});
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 8787);
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.demo, false);
  assert.equal(publicBaseUrl(c), 'http://127.0.0.1:8787');
});

test('an invalid setting names the variable and what it expects', () => {
  assert.throws(
    () => loadConfig({ SWITCHBOARD_PORT: 'eighty', SWITCHBOARD_DEMO: 'maybe' }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /SWITCHBOARD_PORT: expected a whole number/);
      assert.match(e.message, /SWITCHBOARD_DEMO: expected true or false/);
      return true;
    },
  );
  assert.throws(() => loadConfig({ SWITCHBOARD_PORT: '70000' }), /SWITCHBOARD_PORT: expected a number <= 65535/);
  assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL: expected a postgres/);
});

test('secret values are never echoed in configuration errors', () => {
  assert.throws(
    () => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' }),
    (e: unknown) => !String(e).includes('hunter2'),
  );
});

test('empty strings count as unset; the public URL wins for the base URL', () => {
  const c = loadConfig({ SWITCHBOARD_PORT: '', SWITCHBOARD_PUBLIC_URL: 'https://gw.example.com/' });
  assert.equal(c.port, 8787);
  assert.equal(publicBaseUrl(c), 'https://gw.example.com');
});
