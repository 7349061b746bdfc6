import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/db.ts';
import { now } from '../store/db.ts';
import type { User } from './index.ts';

/**
 * Password hashing with scrypt (node:crypto), a memory-hard KDF (RFC 7914), and a random 16-byte salt per user.
 * The parameters are stored with the hash (`scrypt$N$r$p$salt$hash`), so they can be raised later: a stored hash
 * with weaker parameters is re-hashed at the next successful login. N=2^15, r=8, p=1 is OWASP's scrypt baseline
 * (about 32 MiB and some tens of milliseconds per hash).
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/** NIST SP 800-63B §5.1.1.2: at least 8 characters; a generous cap only so a huge input cannot tie up the KDF. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;

export function validatePassword(password: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `a password has at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `a password has at most ${PASSWORD_MAX_LENGTH} characters`;
  return undefined;
}

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // NIST SP 800-63B §5.1.1.2: Unicode passwords are normalised (NFKC) so equivalent spellings verify.
  const input = Buffer.from(password.normalize('NFKC'), 'utf8');
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r * params.p };
  return new Promise((resolve, reject) =>
    scrypt(input, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string, params = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function parseHash(stored: string) {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (!m) return undefined;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Bounds, so a tampered row cannot make a login allocate gigabytes.
  if (N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  return { N, r, p, salt: Buffer.from(m[4]!, 'base64url'), key: Buffer.from(m[5]!, 'base64url') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || parsed.key.length !== KEY_LENGTH) return false;
  const key = await derive(password, parsed.salt, parsed);
  return timingSafeEqual(key, parsed.key);
}

export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.N !== SCRYPT_PARAMS.N || parsed.r !== SCRYPT_PARAMS.r || parsed.p !== SCRYPT_PARAMS.p;
}

export async function setPassword(db: Db, userId: string, password: string): Promise<void> {
  const problem = validatePassword(password);
  if (problem) throw new Error(problem);
  const hash = await hashPassword(password);
  await db
    .insertInto('user_passwords')
    .values({ user_id: userId, hash, updated_at: now() })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ hash, updated_at: now() }))
    .execute();
}

export async function hasPassword(db: Db, userId: string): Promise<boolean> {
  const row = await db.selectFrom('user_passwords').select('user_id').where('user_id', '=', userId).executeTakeFirst();
  return row !== undefined;
}

// A hash of a random password: unknown users cost the same scrypt run as known ones, so response times do not
// tell which user names exist (OWASP Authentication Cheat Sheet, "Authentication Responses").
let dummyHash: Promise<string> | undefined;

/** The user whose name and password match, or undefined. Same work and same answer for every failure. */
export async function authenticatePassword(db: Db, name: string, password: string): Promise<User | undefined> {
  if (password.length > PASSWORD_MAX_LENGTH * 4) return undefined;
  const row = await db
    .selectFrom('users')
    .innerJoin('user_passwords', 'user_passwords.user_id', 'users.id')
    .select(['users.id as id', 'users.name as name', 'user_passwords.hash as hash'])
    .where('users.name', '=', name)
    .executeTakeFirst();
  if (!row) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyPassword(password, await dummyHash);
    return undefined;
  }
  if (!(await verifyPassword(password, row.hash))) return undefined;
  if (needsRehash(row.hash)) await setPassword(db, row.id, password);
  return { id: row.id, name: row.name };
}
