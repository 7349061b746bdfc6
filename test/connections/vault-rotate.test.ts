import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createConnections } from '../../src/connections/index.ts';
import { ensureUser } from '../../src/identity/index.ts';
import { now } from '../../src/store/db.ts';
import { checkKeyring, createVault, Keyring } from '../../src/vault/index.ts';
import { ENCRYPTED_COLUMNS, rotateVault } from '../../src/vault/rotate.ts';
import { dialects, type TestStore } from '../helpers/stores.ts';

const k1 = { kid: 'k1', key: Buffer.alloc(32, 1) };
const k2 = { kid: 'k2', key: Buffer.alloc(32, 2) };

for (const d of dialects) {
  describe(`vault rotate on ${d.name}`, { skip: d.skip }, () => {
    let t: TestStore;
    before(async () => {
      t = await d.open();
    });
    after(() => t.cleanup());

    test('every *_enc column of the schema is known to `vault rotate`', async () => {
      const tables = await t.store.db.introspection.getTables();
      const found = tables.flatMap((tb) =>
        tb.columns.filter((c) => c.name.endsWith('_enc')).map((c) => `${tb.name}.${c.name}`),
      );
      const known = ENCRYPTED_COLUMNS.map((c) => `${c.table}.${c.column}`);
      assert.deepEqual(found.sort(), [...known].sort());
    });

    test('re-encrypts every value under the primary key in batches, reports per kid, and is safe to re-run', async () => {
      const old = new Keyring([k1]);
      await checkKeyring(t.store.db, old);
      const c1 = createConnections({ db: t.store.db, vault: createVault(old), dialect: t.store.dialect });
      const { user } = await ensureUser(t.store.db, 'rotator');
      const config = await c1.authConfigs.add({
        toolkit: 'gong',
        scheme: 'oauth2',
        clientId: 'cid',
        clientSecret: 'client-secret-value',
      });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const conn = await c1.create({
          userId: user.id,
          toolkit: 'gong',
          authConfigId: config.id,
          alias: `a${i}`,
          credentials: { type: 'oauth2', accessToken: `at-${i}`, refreshToken: `rt-${i}` },
          metadata: { baseUrl: 'https://us-1.api.gong.io' },
        });
        ids.push(conn.id);
      }
      await t.store.db
        .insertInto('connection_oauth_states')
        .values({
          state_hash: 'state-1',
          user_id: user.id,
          connection_id: ids[0]!,
          auth_config_id: config.id,
          session_hash: 's',
          redirect_uri: 'https://gw.example/connections/callback',
          code_verifier_enc: createVault(old).encryptJson('verifier', {
            table: 'connection_oauth_states',
            column: 'code_verifier_enc',
            rowId: 'state-1',
          }),
          created_at: now(),
          expires_at: now(),
          used_at: null,
        })
        .execute();

      // New key first (encrypts), old key still there (decrypts).
      const ring = new Keyring([k2, k1]);
      await checkKeyring(t.store.db, ring);
      const c2 = createConnections({ db: t.store.db, vault: createVault(ring), dialect: t.store.dialect });
      const locked: string[] = [];
      const report = await rotateVault(t.store.db, ring, {
        batchSize: 2,
        withRowLock: (id, fn) => {
          locked.push(id);
          return c2.lock.run(id, fn);
        },
      });
      const col = (table: string) => report.columns.find((c) => c.table === table)!;
      assert.deepEqual(col('auth_configs').byKid, { k1: 1 });
      assert.equal(col('auth_configs').rotated, 1);
      assert.deepEqual(col('connected_accounts').byKid, { k1: 5 });
      assert.equal(col('connected_accounts').rotated, 5);
      assert.deepEqual(col('connection_oauth_states').byKid, { k1: 1 });
      assert.equal(locked.length, 5, 'connection credentials are rewritten under the refresh lock');

      // Everything now reads with the new key alone.
      const onlyNew = createVault(new Keyring([k2]));
      const c3 = createConnections({ db: t.store.db, vault: onlyNew, dialect: t.store.dialect });
      assert.equal((await c3.authConfigs.secrets(config.id)).clientSecret, 'client-secret-value');
      const rows = await t.store.db
        .selectFrom('connected_accounts')
        .selectAll()
        .where('user_id', '=', user.id)
        .execute();
      for (const r of rows) assert.ok(r.credentials_enc?.startsWith('v1.k2.'));

      const again = await rotateVault(t.store.db, ring, { batchSize: 2 });
      assert.deepEqual(
        again.columns.map((c) => [c.table, c.byKid, c.rotated]),
        [
          ['auth_configs', { k2: 1 }, 0],
          ['connected_accounts', { k2: 5 }, 0],
          ['connection_oauth_states', { k2: 1 }, 0],
        ],
      );
    });

    test('a value changed meanwhile is left alone; an undecryptable one is reported', async () => {
      const ring = new Keyring([k2, k1]);
      const vault1 = createVault(new Keyring([k1]));
      const rows = await t.store.db.selectFrom('connected_accounts').select(['id']).orderBy('id').execute();
      const [first, second] = rows as [{ id: string }, { id: string }];
      const binding = (id: string) => ({ table: 'connected_accounts', column: 'credentials_enc', rowId: id });
      for (const r of [first, second]) {
        await t.store.db
          .updateTable('connected_accounts')
          .set({ credentials_enc: vault1.encryptJson({ type: 'bearer', token: 'x' }, binding(r.id)) })
          .where('id', '=', r.id)
          .execute();
      }
      // A third value under a key nobody has.
      const stranger = createVault(new Keyring([{ kid: 'gone', key: Buffer.alloc(32, 9) }]));
      const third = rows[2]!;
      await t.store.db
        .updateTable('connected_accounts')
        .set({ credentials_enc: stranger.encryptJson({ type: 'bearer', token: 'y' }, binding(third.id)) })
        .where('id', '=', third.id)
        .execute();
      const report = await rotateVault(t.store.db, ring, {
        columns: [{ table: 'connected_accounts', column: 'credentials_enc', key: 'id', locked: true }],
        withRowLock: async (id, fn) => {
          // The gateway refreshes `first` while the rotation reads it.
          if (id === first.id) {
            await t.store.db
              .updateTable('connected_accounts')
              .set({ credentials_enc: createVault(ring).encryptJson({ type: 'bearer', token: 'new' }, binding(id)) })
              .where('id', '=', id)
              .execute();
          }
          return fn(t.store.db);
        },
      });
      const c = report.columns[0]!;
      assert.equal(c.changed, 1);
      assert.equal(c.rotated, 1);
      assert.deepEqual(c.failed, [third.id]);
      assert.equal(c.byKid.gone, 1);
    });
  });
}
