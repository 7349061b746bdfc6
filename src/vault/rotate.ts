import type { Kysely } from 'kysely';
import type { Db } from '../store/db.ts';
import { isGatewayError } from '../util/errors.ts';
import { Keyring } from './keyring.ts';

/**
 * Every vault-encrypted column: `vault rotate` re-encrypts these, and a test checks that every `*_enc` column of
 * the schema is listed here (a new encrypted column that is not would keep its old key forever).
 *
 * `locked`: the column is rewritten by token refreshes, which compare-and-set on the ciphertext they read; a
 * re-encryption racing a refresh would make the refresh drop its new tokens (and a single-use refresh token is
 * already spent). Those rows are re-encrypted under the same per-connection lock as refreshes.
 */
export interface EncryptedColumn {
  table: string;
  column: string;
  /** The row id column: part of the AAD binding (`table|column|rowId`). */
  key: string;
  locked?: boolean;
}

export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: 'auth_configs', column: 'secrets_enc', key: 'id' },
  { table: 'connected_accounts', column: 'credentials_enc', key: 'id', locked: true },
  { table: 'connection_oauth_states', column: 'code_verifier_enc', key: 'state_hash' },
];

export interface ColumnReport {
  table: string;
  column: string;
  /** Values found under each key id, before rotation. */
  byKid: Record<string, number>;
  /** Re-encrypted under the primary key. */
  rotated: number;
  /** Changed by the gateway while being rotated: run again (those were rewritten with the gateway's primary key). */
  changed: number;
  /** Could not be decrypted (key not in the ring, or authentication failed): listed by row id. */
  failed: string[];
}

export interface RotationReport {
  primary: string;
  dryRun: boolean;
  columns: ColumnReport[];
}

export interface RotateOptions {
  batchSize?: number;
  dryRun?: boolean;
  /** The per-connection refresh lock (`connections.lock`) for `locked` columns. */
  withRowLock?: <T>(rowId: string, fn: (db: Db) => Promise<T>) => Promise<T>;
  columns?: readonly EncryptedColumn[];
}

/**
 * Re-encrypts every value not under the keyring's primary key, in batches (keyset pagination, so a large table is
 * never read at once). Safe to re-run (values already under the primary key are only counted) and safe while
 * gateways run: each row is rewritten with a compare-and-set on its old ciphertext, so a value the gateway
 * changed meanwhile is left alone and counted as `changed`.
 *
 * The procedure (docs/connections.md): put the new key first in SWITCHBOARD_ENCRYPTION_KEYS everywhere and restart
 * (new values use it, old ones still decrypt), run `switchboard vault rotate` until it reports no value under the
 * old kid, then drop the old key.
 */
export async function rotateVault(db: Db, keyring: Keyring, opts: RotateOptions = {}): Promise<RotationReport> {
  const batchSize = opts.batchSize ?? 200;
  const primary = keyring.primary.kid;
  // Table and column names come from the list above, never from input.
  const any = db as unknown as Kysely<Record<string, Record<string, string | null>>>;
  const report: RotationReport = { primary, dryRun: opts.dryRun === true, columns: [] };
  for (const col of opts.columns ?? ENCRYPTED_COLUMNS) {
    const r: ColumnReport = { table: col.table, column: col.column, byKid: {}, rotated: 0, changed: 0, failed: [] };
    report.columns.push(r);
    let after = '';
    for (;;) {
      const rows = (await any
        .selectFrom(col.table)
        .select([`${col.key} as k`, `${col.column} as v`])
        .where(col.key, '>', after)
        .where(col.column, 'is not', null)
        .orderBy(col.key)
        .limit(batchSize)
        .execute()) as { k: string; v: string }[];
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.k;
      for (const row of rows) {
        const kid = Keyring.kidOf(row.v) ?? '(not a vault value)';
        r.byKid[kid] = (r.byKid[kid] ?? 0) + 1;
        if (kid === primary || opts.dryRun) continue;
        const rewrite = async (q: Db) => {
          // Under the lock the value is read again: what counts is the current one.
          const current = (await (q as unknown as typeof any)
            .selectFrom(col.table)
            .select(`${col.column} as v`)
            .where(col.key, '=', row.k)
            .executeTakeFirst()) as { v: string | null } | undefined;
          if (!current?.v || current.v !== row.v) return 'changed' as const;
          const binding = { table: col.table, column: col.column, rowId: row.k };
          let next: string;
          try {
            next = keyring.encrypt(keyring.decrypt(row.v, binding), binding);
          } catch (e) {
            if (isGatewayError(e)) return 'failed' as const;
            throw e;
          }
          const u = await (q as unknown as typeof any)
            .updateTable(col.table)
            .set({ [col.column]: next })
            .where(col.key, '=', row.k)
            .where(col.column, '=', row.v)
            .executeTakeFirst();
          return Number(u.numUpdatedRows) === 1 ? ('rotated' as const) : ('changed' as const);
        };
        const outcome = col.locked && opts.withRowLock ? await opts.withRowLock(row.k, rewrite) : await rewrite(db);
        if (outcome === 'rotated') r.rotated++;
        else if (outcome === 'changed') r.changed++;
        else r.failed.push(row.k);
      }
    }
  }
  return report;
}
