import type { Db } from '../store/db.ts';
import { now } from '../store/db.ts';
import type { User } from './index.ts';
import { hmac, randomSecret, safeEqual, sha256 } from './secrets.ts';

/**
 * Browser sessions for the login, consent and console pages. The cookie holds a 256-bit random id; the store
 * keeps only its SHA-256, so a database leak yields no usable session. Sessions authenticate people in a browser,
 * never MCP requests (MCP spec 2025-11-25, security best practices: "Session Hijacking").
 */
export interface WebSession {
  user: User;
  idHash: string;
  expiresAt: string;
}

export const newSessionId = (): string => randomSecret('', 32);

/**
 * The CSRF token of every form of a browser: HMAC-SHA256 keyed by the browser's (secret, HttpOnly) session id.
 * A synchronizer token bound to the session (OWASP CSRF Prevention Cheat Sheet, "Synchronizer Token Pattern",
 * HMAC variant): another site can neither read it nor compute it, and it changes whenever the session id does
 * (at login). No server-side secret is needed: the session id itself is the key.
 */
export const csrfTokenFor = (sessionId: string): string => hmac(sessionId, 'switchboard-csrf-v1');

export function checkCsrfToken(sessionId: string | undefined, token: unknown): boolean {
  return typeof sessionId === 'string' && typeof token === 'string' && safeEqual(csrfTokenFor(sessionId), token);
}

/** A new authenticated session; the caller sets the returned id as the cookie (always a fresh id: no fixation). */
export async function createSession(db: Db, userId: string, ttlSeconds: number): Promise<{ id: string }> {
  const id = newSessionId();
  const at = now();
  await db
    .insertInto('web_sessions')
    .values({
      id_hash: sha256(id),
      user_id: userId,
      created_at: at,
      last_seen_at: at,
      expires_at: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
    })
    .execute();
  return { id };
}

export async function findSession(db: Db, sessionId: string | undefined): Promise<WebSession | undefined> {
  if (!sessionId || sessionId.length > 100) return undefined;
  const idHash = sha256(sessionId);
  const row = await db
    .selectFrom('web_sessions')
    .innerJoin('users', 'users.id', 'web_sessions.user_id')
    .select(['users.id as id', 'users.name as name', 'web_sessions.expires_at', 'web_sessions.last_seen_at'])
    .where('web_sessions.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row || row.expires_at <= now()) return undefined;
  if (Date.parse(row.last_seen_at) < Date.now() - 60_000) {
    await db.updateTable('web_sessions').set({ last_seen_at: now() }).where('id_hash', '=', idHash).execute();
  }
  return { user: { id: row.id, name: row.name }, idHash, expiresAt: row.expires_at };
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('web_sessions').where('id_hash', '=', sha256(sessionId)).execute();
}

/** Ends every browser session of a user (after a password change). */
export async function deleteUserSessions(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('web_sessions').where('user_id', '=', userId).execute();
}

/** A single-use sign-in link token for a user (the demo's first sign-in); stored hashed, short-lived. */
export async function createLoginLink(db: Db, userId: string, ttlSeconds: number): Promise<string> {
  const token = randomSecret('', 32);
  await db
    .insertInto('login_links')
    .values({
      token_hash: sha256(token),
      user_id: userId,
      created_at: now(),
      expires_at: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
      used_at: null,
    })
    .execute();
  return token;
}

/** Marks a login link used and returns its user; undefined when unknown, expired or already used (race-safe). */
export async function consumeLoginLink(db: Db, token: string): Promise<User | undefined> {
  if (token.length > 100) return undefined;
  const tokenHash = sha256(token);
  const at = now();
  const claimed = await db
    .updateTable('login_links')
    .set({ used_at: at })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return undefined;
  return db
    .selectFrom('login_links')
    .innerJoin('users', 'users.id', 'login_links.user_id')
    .select(['users.id as id', 'users.name as name'])
    .where('login_links.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** The user of a currently usable login link, without using it up (for the confirmation page). */
export async function peekLoginLink(db: Db, token: string): Promise<User | undefined> {
  if (token.length > 100) return undefined;
  return db
    .selectFrom('login_links')
    .innerJoin('users', 'users.id', 'login_links.user_id')
    .select(['users.id as id', 'users.name as name'])
    .where('login_links.token_hash', '=', sha256(token))
    .where('login_links.used_at', 'is', null)
    .where('login_links.expires_at', '>', now())
    .executeTakeFirst();
}
