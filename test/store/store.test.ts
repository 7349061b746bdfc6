import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createConnections } from '../../src/connections/index.ts';
import {
  authenticateApiKey,
  createApiKey,
  ensureUser,
  hashApiKey,
  listApiKeys,
  revokeApiKey,
} from '../../src/identity/index.ts';
import { migrate } from '../../src/store/db.ts';
import { GatewayError } from '../../src/util/errors.ts';
import { checkKeyring, createVault, Keyring } from '../../src/vault/index.ts';
import { dialects, type TestStore } from '../helpers/stores.ts';

for (const dialect of dialects) {
  describe(`store on ${dialect.name}`, { skip: dialect.skip }, () => {
    let t: TestStore;
    before(async () => {
      t = await dialect.open();
    });
    after(async () => {
      await t?.cleanup();
    });

    test('migrations are idempotent and report nothing new the second time', async () => {
      assert.deepEqual(await migrate(t.store), { applied: [] });
    });

    test('users are created once, also under concurrent creation', async () => {
      const results = await Promise.all([ensureUser(t.store.db, 'ada'), ensureUser(t.store.db, 'ada')]);
      assert.equal(results[0].user.id, results[1].user.id);
      assert.equal(results.filter((r) => r.created).length, 1);
      await assert.rejects(() => ensureUser(t.store.db, 'no spaces'), /user name/);
    });

    test('API keys are stored hashed, authenticate their user, and stop working when revoked', async () => {
      const { user } = await ensureUser(t.store.db, 'grace');
      const key = await createApiKey(t.store.db, user.id, 'laptop');
      assert.match(key.key, /^sb_[A-Za-z0-9_-]{43}$/);
      const rows = await t.store.db.selectFrom('api_keys').selectAll().where('user_id', '=', user.id).execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.key_hash, hashApiKey(key.key));
      assert.ok(!JSON.stringify(rows).includes(key.key), 'the key itself is never stored');
      assert.deepEqual(await authenticateApiKey(t.store.db, key.key), { id: user.id, name: 'grace' });
      assert.equal(await authenticateApiKey(t.store.db, `${key.key}x`), undefined);
      assert.equal(await authenticateApiKey(t.store.db, 'not-a-key'), undefined);
      assert.equal((await listApiKeys(t.store.db, user.id))[0]!.label, 'laptop');
      assert.equal(await revokeApiKey(t.store.db, key.id), true);
      assert.equal(await authenticateApiKey(t.store.db, key.key), undefined);
      assert.equal(await revokeApiKey(t.store.db, key.id), false);
    });

    test('connection credentials are encrypted at rest, bound to their row, and only resolve for their user', async () => {
      const keyring = new Keyring([{ kid: 'k1', key: Buffer.alloc(32, 7) }]);
      await checkKeyring(t.store.db, keyring);
      const vault = createVault(keyring);
      const connections = createConnections({
        db: t.store.db,
        vault,
        emulatorBaseUrl: (tk) => `http://127.0.0.1:1/emulators/${tk}`,
      });
      const { user: alice } = await ensureUser(t.store.db, 'alice');
      const { user: bob } = await ensureUser(t.store.db, 'bob');
      const authConfigId = await connections.ensureDemoAuthConfig('confluence');
      const secret = 'super-secret-token-value';
      const conn = await connections.create({
        userId: alice.id,
        toolkit: 'confluence',
        authConfigId,
        alias: 'work',
        credentials: { type: 'basic', username: 'a@example.com', password: secret },
      });
      assert.equal(conn.isDefault, true);
      const raw = await t.store.db
        .selectFrom('connected_accounts')
        .selectAll()
        .where('id', '=', conn.id)
        .executeTakeFirstOrThrow();
      assert.ok(raw.credentials_enc?.startsWith('v1.k1.'));
      assert.ok(!raw.credentials_enc?.includes(secret) && !JSON.stringify(raw).includes(secret));

      const resolved = await connections.resolve(alice.id, 'confluence');
      assert.deepEqual(resolved.credentials, { type: 'basic', username: 'a@example.com', password: secret });
      assert.equal(resolved.baseUrl, 'http://127.0.0.1:1/emulators/confluence');

      // Isolation: bob has no connection, and never gets alice's.
      await assert.rejects(
        () => connections.resolve(bob.id, 'confluence'),
        (e: unknown) => {
          return e instanceof GatewayError && e.code === 'not_connected';
        },
      );

      // A ciphertext copied onto another row does not decrypt (AAD binds it to its row).
      const second = await connections.create({
        userId: bob.id,
        toolkit: 'confluence',
        authConfigId,
        alias: 'work',
        credentials: { type: 'basic', username: 'b@example.com', password: 'bob-secret' },
      });
      await t.store.db
        .updateTable('connected_accounts')
        .set({ credentials_enc: raw.credentials_enc })
        .where('id', '=', second.id)
        .execute();
      await assert.rejects(() => connections.resolve(bob.id, 'confluence'), /failed authentication/);

      await assert.rejects(
        () =>
          connections.create({
            userId: alice.id,
            toolkit: 'confluence',
            authConfigId,
            alias: 'work',
            credentials: { type: 'bearer', token: 'x' },
          }),
        /already exists/,
      );
      assert.equal(await connections.remove(alice.id, conn.id), true);
      const removed = await t.store.db
        .selectFrom('connected_accounts')
        .selectAll()
        .where('id', '=', conn.id)
        .executeTakeFirstOrThrow();
      assert.equal(removed.status, 'revoked');
      assert.equal(removed.credentials_enc, null, 'removing a connection wipes its secret');
      await assert.rejects(() => connections.resolve(alice.id, 'confluence'), /no confluence account/);
    });

    test('start-up refuses a vault key that does not match the data', async () => {
      await checkKeyring(t.store.db, new Keyring([{ kid: 'k1', key: Buffer.alloc(32, 7) }]));
      await assert.rejects(
        () => checkKeyring(t.store.db, new Keyring([{ kid: 'k1', key: Buffer.alloc(32, 8) }])),
        /does not match/,
      );
      await assert.rejects(
        () => checkKeyring(t.store.db, new Keyring([{ kid: 'other', key: Buffer.alloc(32, 9) }])),
        /none of the configured vault keys/,
      );
      // A new primary key with the old one still in the ring is accepted (rotation).
      await checkKeyring(
        t.store.db,
        new Keyring([
          { kid: 'k2', key: Buffer.alloc(32, 2) },
          { kid: 'k1', key: Buffer.alloc(32, 7) },
        ]),
      );
    });
  });
}
