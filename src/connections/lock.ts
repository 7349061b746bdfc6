import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Db, Dialect } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import { GatewayError } from '../util/errors.ts';

/**
 * The per-connection refresh lock. Single-use refresh tokens (Gong) and rotating ones (Atlassian) must never be
 * spent twice: two refreshes racing with the same token lose the connection (Gong answers the second with
 * invalid_grant; Atlassian kills the token family once the leeway is over). So every refresh of a connection runs
 * under this lock, and re-reads the row after taking it (another holder may have refreshed already).
 *
 * - In process: a keyed mutex (FIFO promise chain per connection), so concurrent calls of one gateway queue here
 *   instead of each holding a database connection while they wait.
 * - Across processes, Postgres: `pg_advisory_xact_lock` on a 64-bit key derived from the connection id, inside the
 *   transaction that reads the row and writes the new tokens. The new token pair and the lock release commit
 *   together; a process that dies mid-refresh drops its session and with it the lock.
 * - Across processes, SQLite: a lease on the row (`refresh_lease_owner/_until`) claimed with one conditional
 *   UPDATE, which SQLite's write lock makes atomic. No transaction stays open across the token request (SQLite has
 *   one writer: a long write transaction would stall every other write). A lease whose owner process is gone (same
 *   host, pid not alive) or whose time is over is taken over.
 */
export type LockedDb = Kysely<Database> | Transaction<Database>;

export interface RefreshLock {
  run<T>(connectionId: string, fn: (db: LockedDb) => Promise<T>): Promise<T>;
}

export interface RefreshLockOptions {
  db: Db;
  dialect: Dialect;
  /** SQLite lease length: longer than a token request can take. */
  leaseMs?: number;
  /** How long a caller waits for another process's lease before giving up. */
  waitMs?: number;
}

export function createRefreshLock(opts: RefreshLockOptions): RefreshLock {
  const chains = new Map<string, Promise<unknown>>();
  const leaseMs = opts.leaseMs ?? 30_000;
  const waitMs = opts.waitMs ?? 40_000;
  const owner = `${hostname()}:${process.pid}:${randomBytes(6).toString('base64url')}`;

  /** Keyed FIFO mutex: `fn` runs after every earlier holder of `key` settled. */
  function inProcess<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = chains.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    chains.set(key, tail);
    void tail.then(() => {
      if (chains.get(key) === tail) chains.delete(key);
    });
    return run;
  }

  async function postgres<T>(connectionId: string, fn: (db: LockedDb) => Promise<T>): Promise<T> {
    return opts.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${advisoryKey(connectionId)}::bigint)`.execute(trx);
      return fn(trx);
    });
  }

  async function sqlite<T>(connectionId: string, fn: (db: LockedDb) => Promise<T>): Promise<T> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const at = new Date();
      const r = await opts.db
        .updateTable('connected_accounts')
        .set({ refresh_lease_owner: owner, refresh_lease_until: new Date(at.getTime() + leaseMs).toISOString() })
        .where('id', '=', connectionId)
        .where((eb) =>
          eb.or([
            eb('refresh_lease_until', 'is', null),
            eb('refresh_lease_until', '<', at.toISOString()),
            eb('refresh_lease_owner', '=', owner),
          ]),
        )
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) break;
      const held = await opts.db
        .selectFrom('connected_accounts')
        .select(['refresh_lease_owner'])
        .where('id', '=', connectionId)
        .executeTakeFirst();
      if (!held) throw new GatewayError('not_found', 'the connection no longer exists');
      if (held.refresh_lease_owner && ownerIsDead(held.refresh_lease_owner)) {
        // The holder was killed mid-refresh: its lease can be taken over at once (compare-and-set on the owner).
        await opts.db
          .updateTable('connected_accounts')
          .set({ refresh_lease_owner: null, refresh_lease_until: null })
          .where('id', '=', connectionId)
          .where('refresh_lease_owner', '=', held.refresh_lease_owner)
          .execute();
        continue;
      }
      if (Date.now() > deadline) {
        throw new GatewayError('upstream_timeout', 'another gateway process is refreshing this connection; retry', {
          retryable: true,
        });
      }
      await sleep(50);
    }
    try {
      return await fn(opts.db);
    } finally {
      await opts.db
        .updateTable('connected_accounts')
        .set({ refresh_lease_owner: null, refresh_lease_until: null })
        .where('id', '=', connectionId)
        .where('refresh_lease_owner', '=', owner)
        .execute();
    }
  }

  return {
    run(connectionId, fn) {
      return inProcess(connectionId, () =>
        opts.dialect === 'postgres' ? postgres(connectionId, fn) : sqlite(connectionId, fn),
      );
    },
  };
}

/** A signed 64-bit advisory lock key: the first 8 bytes of SHA-256 over a namespaced connection id. */
export function advisoryKey(connectionId: string): string {
  return createHash('sha256')
    .update(`switchboard:connection-refresh:${connectionId}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

function ownerIsDead(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !pid || !/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
