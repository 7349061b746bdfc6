import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate, openStore, type Store } from '../../src/store/db.ts';

/**
 * The store matrix: every store test runs on SQLite and on Postgres. Postgres runs when
 * SWITCHBOARD_TEST_POSTGRES_URL is set (CI sets it); each test gets a fresh schema, dropped afterwards.
 * Without it the Postgres cases are skipped with a notice that says why; under CI its absence is a failure.
 */
export const postgresUrl = process.env.SWITCHBOARD_TEST_POSTGRES_URL;
export const postgresSkip = postgresUrl
  ? false
  : 'Postgres suite skipped: set SWITCHBOARD_TEST_POSTGRES_URL (e.g. postgres://root@127.0.0.1:5432/test) to run it';

if (!postgresUrl && process.env.CI === 'true') {
  throw new Error('CI=true but SWITCHBOARD_TEST_POSTGRES_URL is not set: the Postgres suite must run in CI');
}

export interface TestStore {
  store: Store;
  cleanup(): Promise<void>;
}

export async function sqliteStore(): Promise<TestStore> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-store-'));
  const store = openStore({ sqliteFile: path.join(dir, 'test.db') });
  await migrate(store);
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function postgresStore(): Promise<TestStore> {
  if (!postgresUrl) throw new Error(String(postgresSkip));
  const schema = `sb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const store = openStore({ databaseUrl: postgresUrl, pgSchema: schema });
  await migrate(store);
  return {
    store,
    cleanup: async () => {
      await store.close();
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

export const dialects = [
  { name: 'sqlite', open: sqliteStore, skip: false as const },
  { name: 'postgres', open: postgresStore, skip: postgresSkip },
];
