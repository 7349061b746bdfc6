import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import pg from 'pg';
import * as m0001 from './migrations/0001_initial.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Postgres URL; SQLite when absent. */
  databaseUrl?: string | undefined;
  /** SQLite file (default `<dataDir>/switchboard.db`); `:memory:` for throwaway stores. */
  sqliteFile?: string;
  dataDir?: string;
  /** Postgres schema to use (tests isolate themselves in a fresh schema). */
  pgSchema?: string;
}

export function openStore(opts: StoreOptions): Store {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: 10,
      ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  const file = opts.sqliteFile ?? path.join(opts.dataDir ?? '.', 'switchboard.db');
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  // WAL lets the CLI write while a running gateway reads; a process crash or kill never loses a committed
  // transaction in WAL mode (NORMAL only risks the last commits on power loss, not on a process crash).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

// An import map instead of a folder scan: works the same from source, a bundle or a test.
const migrations: Record<string, Migration> = { '0001_initial': m0001 };
const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema to the latest version; safe to run from several processes at once (Kysely locks). */
export async function migrate(store: Store): Promise<{ applied: string[] }> {
  const migrator = new Migrator({ db: store.db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

export const now = (): string => new Date().toISOString();
