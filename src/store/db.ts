import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import pg from 'pg';
import * as m0001 from './migrations/0001_initial.ts';
import * as m0002 from './migrations/0002_oauth.ts';
import * as m0003 from './migrations/0003_connections.ts';
import * as m0004 from './migrations/0004_results.ts';
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * Kysely prepares every statement anew; preparing was a sixth to a quarter of the CPU of a tool call (bench, CPU
 * profile). Statements are reusable in better-sqlite3, and `all`/`run` are synchronous, so one cached statement per
 * SQL text is safe (Kysely's streaming `iterate`, which could interleave, is not used).
 */
function withStatementCache(sqlite: SQLite.Database, max = 256) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt) {
        // Refresh its place in the LRU order.
        cache.delete(sqlText);
      } else {
        stmt = sqlite.prepare(sqlText);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, stmt);
      return stmt;
    },
  };
}

// An import map instead of a folder scan: works the same from source, a bundle or a test.
const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_oauth': m0002,
  '0003_connections': m0003,
  '0004_results': m0004,
};
const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema to the latest version; safe to run from several processes at once (Kysely locks). */
export async function migrate(store: Store): Promise<{ applied: string[] }> {
  const migrator = new Migrator({ db: store.db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

export const now = (): string => new Date().toISOString();
