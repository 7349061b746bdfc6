import {
  CONFLUENCE_DEMO_USER,
  CONFLUENCE_SEED,
  type ConfluenceEmulator,
  createConfluenceEmulator,
} from '../../src/emulators/confluence/index.ts';

/** A Wednesday; the seed's timestamps are fixed offsets before it. */
export const FIXED_NOW = new Date('2026-06-17T12:00:00.000Z');
export const BASE = '/emulators/confluence';
export const SITE_BASE = `http://localhost${BASE}/wiki`;

export const basic = (email: string, token: string) => `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;
export const DEMO_AUTH = basic(CONFLUENCE_DEMO_USER.email, CONFLUENCE_DEMO_USER.apiToken);
export const ADA_AUTH = basic(CONFLUENCE_SEED.users.ada.email, CONFLUENCE_SEED.users.ada.apiToken);

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read deep into upstream-shaped JSON; assertions check it.
  body: any;
}

export interface CallOptions {
  body?: unknown;
  /** `null`: no Authorization header. */
  auth?: string | null;
  headers?: Record<string, string>;
}

/** A fresh emulator pinned to FIXED_NOW, and a JSON client over `app.request` (no network). */
export function setup(opts: { seed?: boolean } = {}) {
  const emulator: ConfluenceEmulator = createConfluenceEmulator({ now: () => FIXED_NOW, ...opts });
  const call = async (method: string, path: string, o: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...o.headers };
    const auth = o.auth === undefined ? DEMO_AUTH : o.auth;
    if (auth !== null) headers.authorization = auth;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await emulator.app.request(path.startsWith(BASE) ? path : `${BASE}${path}`, {
      method,
      headers,
      body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  return {
    emulator,
    call,
    get: (path: string, o?: CallOptions) => call('GET', path, o),
    post: (path: string, body: unknown, o?: CallOptions) => call('POST', path, { ...o, body }),
    put: (path: string, body: unknown, o?: CallOptions) => call('PUT', path, { ...o, body }),
    del: (path: string, o?: CallOptions) => call('DELETE', path, o),
  };
}

/** A search URL for a CQL query. */
export const cqlUrl = (cql: string, extra = '') => `/wiki/rest/api/search?cql=${encodeURIComponent(cql)}${extra}`;

/** Midnight UTC `days` before FIXED_NOW's day, as "yyyy-MM-dd". */
export function dayBefore(days: number): string {
  const d = new Date(Date.UTC(2026, 5, 17) - days * 86_400_000);
  return d.toISOString().slice(0, 10);
}
