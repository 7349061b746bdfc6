import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Keyring, loadKeyring } from '../../src/vault/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const binding = { table: 'connected_accounts', column: 'credentials_enc', rowId: 'conn_1' };

test('values round-trip, and each encryption uses a fresh IV', () => {
  const ring = Keyring.parse(Keyring.generateSpec('k1'));
  const a = ring.encrypt('hello', binding);
  const b = ring.encrypt('hello', binding);
  assert.notEqual(a, b);
  assert.equal(ring.decrypt(a, binding), 'hello');
  assert.equal(Keyring.kidOf(a), 'k1');
});

test('a value only decrypts in the row and column it was written for', () => {
  const ring = Keyring.parse(Keyring.generateSpec('k1'));
  const v = ring.encrypt('secret', binding);
  assert.throws(() => ring.decrypt(v, { ...binding, rowId: 'conn_2' }), /failed authentication/);
  assert.throws(() => ring.decrypt(v, { ...binding, column: 'other' }), /failed authentication/);
});

test('tampering is detected and error messages never contain the plaintext', () => {
  const ring = Keyring.parse(Keyring.generateSpec('k1'));
  const v = ring.encrypt('top-secret-value', binding);
  const parts = v.split('.');
  parts[3] = Buffer.from('x'.repeat(16)).toString('base64url');
  try {
    ring.decrypt(parts.join('.'), binding);
    assert.fail('should throw');
  } catch (e) {
    assert.doesNotMatch(String(e), /top-secret-value/);
  }
});

test('the first key encrypts, every key decrypts (rotation)', () => {
  const old = Keyring.parse(Keyring.generateSpec('old'));
  const v = old.encrypt('x', binding);
  const rotated = Keyring.parse(`${Keyring.generateSpec('new')},old:${old.primary.key.toString('base64')}`);
  assert.equal(rotated.decrypt(v, binding), 'x');
  assert.equal(Keyring.kidOf(rotated.encrypt('x', binding)), 'new');
  assert.throws(() => Keyring.parse(Keyring.generateSpec('new')).decrypt(v, binding), /not in the keyring/);
});

test('bad keyrings are refused with a clear message', () => {
  assert.throws(() => Keyring.parse('k1:c2hvcnQ='), /must be 32 bytes/);
  assert.throws(() => Keyring.parse('nokid'), /kid:base64key/);
  assert.throws(() => Keyring.parse(`${Keyring.generateSpec('a')},${Keyring.generateSpec('a')}`), /appears twice/);
});

test('demo mode generates a 0600 key file once; production without a key refuses to start', () => {
  const tmp = tempDir();
  try {
    const first = loadKeyring({ keys: undefined, demo: true, dataDir: tmp.dir });
    const mode = statSync(path.join(tmp.dir, 'vault.key')).mode & 0o777;
    assert.equal(mode, 0o600);
    const again = loadKeyring({ keys: undefined, demo: true, dataDir: tmp.dir });
    assert.deepEqual(again.primary.key, first.primary.key);
    const other = tempDir();
    try {
      assert.throws(
        () => loadKeyring({ keys: undefined, demo: false, dataDir: other.dir }),
        /SWITCHBOARD_ENCRYPTION_KEYS/,
      );
    } finally {
      other.remove();
    }
  } finally {
    tmp.remove();
  }
});
