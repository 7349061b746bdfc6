import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../store/db.ts';
import { now } from '../store/db.ts';
import { prefixedId } from '../util/ids.ts';

export interface User {
  id: string;
  name: string;
}

const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export function validateUserName(name: string): string | undefined {
  return USER_NAME.test(name)
    ? undefined
    : 'a user name is 1-64 characters of letters, digits, ".", "_", "@" or "-", starting with a letter or digit';
}

export async function findUserByName(db: Db, name: string): Promise<User | undefined> {
  return db.selectFrom('users').select(['id', 'name']).where('name', '=', name).executeTakeFirst();
}

/** Returns the user, creating it when absent (race-safe: a concurrent create wins and is read back). */
export async function ensureUser(db: Db, name: string): Promise<{ user: User; created: boolean }> {
  const problem = validateUserName(name);
  if (problem) throw new Error(problem);
  const existing = await findUserByName(db, name);
  if (existing) return { user: existing, created: false };
  const user = { id: prefixedId('usr'), name };
  const inserted = await db
    .insertInto('users')
    .values({ ...user, created_at: now() })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
    const raced = await findUserByName(db, name);
    if (!raced) throw new Error(`could not create user ${name}`);
    return { user: raced, created: false };
  }
  return { user, created: true };
}

export async function listUsers(db: Db): Promise<(User & { created_at: string })[]> {
  return db.selectFrom('users').select(['id', 'name', 'created_at']).orderBy('name').execute();
}

// API keys are 256-bit random secrets, so a single SHA-256 is the right hash: it is not guessable, and a
// slow KDF would only add latency to every request. The `sb_` prefix lets secret scanners recognise them.
const KEY_PREFIX = 'sb_';

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('base64url');

export interface CreatedApiKey {
  id: string;
  key: string;
  prefix: string;
}

export async function createApiKey(db: Db, userId: string, label?: string): Promise<CreatedApiKey> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = prefixedId('key');
  const prefix = key.slice(0, 10);
  await db
    .insertInto('api_keys')
    .values({
      id,
      user_id: userId,
      prefix,
      key_hash: hashApiKey(key),
      label: label ?? null,
      created_at: now(),
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  return { id, key, prefix };
}

export async function listApiKeys(db: Db, userId: string) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'prefix', 'label', 'created_at', 'last_used_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

export async function revokeApiKey(db: Db, keyId: string): Promise<boolean> {
  const r = await db
    .updateTable('api_keys')
    .set({ revoked_at: now() })
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The user a presented API key belongs to, or undefined for unknown and revoked keys. */
export async function authenticateApiKey(db: Db, key: string): Promise<User | undefined> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 200) return undefined;
  return db
    .selectFrom('api_keys')
    .innerJoin('users', 'users.id', 'api_keys.user_id')
    .select(['users.id as id', 'users.name as name'])
    .where('api_keys.key_hash', '=', hashApiKey(key))
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
}
