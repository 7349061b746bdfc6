import { randomBytes } from 'node:crypto';
import type { Db } from '../store/db.ts';
import { now } from '../store/db.ts';

/**
 * Large tool results, kept on the server instead of in the model's context. Each is stored as JSON text under a
 * random handle, scoped to the user it was produced for (another user's handle reads as "not found"), and deleted
 * after its time to live. Stored results never change, so parsed copies of the last few read are cached: paging
 * through a 5 MB result does not parse it again for every page.
 */

export interface StoredResult {
  handle: string;
  tool: string;
  data: unknown;
  sizeChars: number;
  createdAt: string;
  expiresAt: string;
}

export interface ResultStoreOptions {
  db: Db;
  /** How long a stored result can be read. */
  ttlMs: number;
  /** Parsed results kept in memory, by total JSON size (default 64 MB of characters). */
  cacheChars?: number;
  /** Clock (tests). */
  now?: () => number;
}

export interface ResultStore {
  put(userId: string, tool: string, data: unknown, json?: string): Promise<Omit<StoredResult, 'data'>>;
  get(userId: string, handle: string): Promise<StoredResult | undefined>;
  /** Deletes expired results; returns how many. Idempotent, safe on every node. */
  cleanup(): Promise<number>;
}

const HANDLE = /^res_[A-Za-z0-9_-]{22}$/;

export function isHandle(value: string): boolean {
  return HANDLE.test(value);
}

export function createResultStore(opts: ResultStoreOptions): ResultStore {
  const { db } = opts;
  const clock = opts.now ?? Date.now;
  const maxCache = opts.cacheChars ?? 64 * 1024 * 1024;
  // Insertion-ordered: the first entry is the least recently used.
  const cache = new Map<string, StoredResult & { userId: string }>();
  let cached = 0;

  function remember(userId: string, r: StoredResult): void {
    if (r.sizeChars > maxCache / 2) return;
    cache.delete(r.handle);
    cache.set(r.handle, { ...r, userId });
    cached += r.sizeChars;
    while (cached > maxCache) {
      const [key, oldest] = cache.entries().next().value!;
      cache.delete(key);
      cached -= oldest.sizeChars;
    }
  }

  return {
    async put(userId, tool, data, json = JSON.stringify(data) ?? 'null') {
      const handle = `res_${randomBytes(16).toString('base64url')}`;
      const createdAt = new Date(clock()).toISOString();
      const expiresAt = new Date(clock() + opts.ttlMs).toISOString();
      await db
        .insertInto('stored_results')
        .values({
          id: handle,
          user_id: userId,
          tool,
          size_chars: json.length,
          data: json,
          created_at: createdAt,
          expires_at: expiresAt,
        })
        .execute();
      const meta = { handle, tool, sizeChars: json.length, createdAt, expiresAt };
      remember(userId, { ...meta, data });
      return meta;
    },

    async get(userId, handle) {
      if (!isHandle(handle)) return undefined;
      const at = new Date(clock()).toISOString();
      const hit = cache.get(handle);
      if (hit) {
        if (hit.userId !== userId || hit.expiresAt <= at) return undefined;
        cache.delete(handle);
        cache.set(handle, hit);
        const { userId: _, ...result } = hit;
        return result;
      }
      const row = await db
        .selectFrom('stored_results')
        .select(['id', 'tool', 'size_chars', 'data', 'created_at', 'expires_at'])
        .where('id', '=', handle)
        .where('user_id', '=', userId)
        .where('expires_at', '>', at)
        .executeTakeFirst();
      if (!row) return undefined;
      const result: StoredResult = {
        handle: row.id,
        tool: row.tool,
        data: JSON.parse(row.data),
        sizeChars: row.size_chars,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      };
      remember(userId, result);
      return result;
    },

    async cleanup() {
      const at = opts.now ? new Date(clock()).toISOString() : now();
      const r = await db.deleteFrom('stored_results').where('expires_at', '<=', at).executeTakeFirst();
      for (const [k, v] of cache) {
        if (v.expiresAt <= at) {
          cache.delete(k);
          cached -= v.sizeChars;
        }
      }
      return Number(r.numDeletedRows);
    },
  };
}
