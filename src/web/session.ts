import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { checkCsrfToken, csrfTokenFor, findSession, newSessionId, type WebSession } from '../identity/sessions.ts';
import type { ServerOrigins } from '../oauth-server/origins.ts';
import type { Db } from '../store/db.ts';

/**
 * The browser's session cookie. Over https it is `__Host-sb_session` (the prefix makes browsers refuse it unless
 * Secure, Path=/ and host-only, so a sibling subdomain cannot plant one); over plain http (loopback, development)
 * `sb_session`. Always HttpOnly (no script reads it) and SameSite=Lax (not sent on cross-site POSTs).
 *
 * The cookie exists before login too: an anonymous random value that keys the login form's CSRF token. A login
 * always replaces it with a new id (no session fixation: OWASP Session Management Cheat Sheet, "Renew the Session
 * ID After Any Privilege Level Change").
 */
export interface BrowserContext {
  origin: string;
  secure: boolean;
  /** The cookie's value (anonymous or signed-in), if any. */
  cookieId: string | undefined;
  session: WebSession | undefined;
}

const cookieName = (secure: boolean) => (secure ? '__Host-sb_session' : 'sb_session');

export async function browserContext(c: Context, db: Db, origins: ServerOrigins): Promise<BrowserContext> {
  const origin = origins.forHost(c.req.header('host'));
  const secure = origin.startsWith('https:');
  const raw = getCookie(c, cookieName(secure));
  const cookieId = raw && /^[A-Za-z0-9_-]{43}$/.test(raw) ? raw : undefined;
  return { origin, secure, cookieId, session: await findSession(db, cookieId) };
}

export function setSessionCookie(c: Context, b: BrowserContext, id: string, maxAgeSeconds: number): void {
  setCookie(c, cookieName(b.secure), id, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: b.secure,
    path: '/',
    maxAge: maxAgeSeconds,
  });
  b.cookieId = id;
}

export function clearSessionCookie(c: Context, b: BrowserContext): void {
  deleteCookie(c, cookieName(b.secure), { path: '/', secure: b.secure, httpOnly: true, sameSite: 'Lax' });
}

/** The CSRF token for this browser's forms; gives the browser an anonymous cookie first when it has none. */
export function csrfToken(c: Context, b: BrowserContext, maxAgeSeconds: number): string {
  if (!b.cookieId) setSessionCookie(c, b, newSessionId(), maxAgeSeconds);
  return csrfTokenFor(b.cookieId!);
}

export const csrfValid = (b: BrowserContext, token: unknown): boolean => checkCsrfToken(b.cookieId, token);

/**
 * Defence in depth for form POSTs, beside the CSRF token: a browser's `Origin` (sent on every cross-origin POST),
 * when present, must be this server's: one of its origins, or the origin of the Host it was sent to (OWASP CSRF
 * Cheat Sheet, "Verifying Origin With Standard Headers").
 */
export function foreignOrigin(c: Context, origins: ServerOrigins): boolean {
  const origin = c.req.header('origin')?.toLowerCase();
  if (origin === undefined) return false;
  if (origins.all().has(origin)) return false;
  const host = c.req.header('host')?.toLowerCase();
  if (!URL.canParse(origin) || !origins.isOurHost(host)) return true;
  return new URL(origin).host !== host;
}

/** A local path to return to after login: only same-origin paths (no open redirect). */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return undefined;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return undefined;
  return value;
}

/** The largest form body read (every form here is a few fields). */
export const FORM_MAX_BYTES = 16 * 1024;

/** Reads an `application/x-www-form-urlencoded` form; repeated fields are refused (undefined). */
export async function readForm(c: Context): Promise<Map<string, string> | undefined> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) return undefined;
  const params = new URLSearchParams(await c.req.text());
  const form = new Map<string, string>();
  for (const [k, v] of params) {
    if (form.has(k)) return undefined;
    form.set(k, v);
  }
  return form;
}
