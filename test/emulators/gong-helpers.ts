import {
  CUSTOMER_API_PREFIX,
  createGongEmulator,
  GONG_DEMO,
  type GongEmulator,
  type GongEmulatorOptions,
} from '../../src/emulators/gong/index.ts';

/** A Wednesday; the seed's dates are relative to it. */
export const FIXED_NOW = new Date('2026-06-17T12:00:00.000Z');
export const BASE = '/emulators/gong';
export const ORIGIN = 'http://localhost';

export const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
export const DEMO_AUTH = basic(GONG_DEMO.accessKey, GONG_DEMO.accessKeySecret);
export const CLIENT_AUTH = basic(GONG_DEMO.oauthClient.clientId, GONG_DEMO.oauthClient.clientSecret);
export const REDIRECT = 'http://127.0.0.1:4567/oauth/callback';

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

/** ISO date-time `days` before (negative: after) FIXED_NOW. */
export const daysAgo = (days: number, from = FIXED_NOW) => new Date(from.getTime() - days * 86_400_000).toISOString();

/**
 * A fresh emulator (clock pinned to FIXED_NOW unless `now` is given, rate limits off unless `rateLimits` is given)
 * and a JSON client over `app.request` (no network). Paths are relative to the basePath.
 */
export function setup(opts: GongEmulatorOptions = {}) {
  const emulator: GongEmulator = createGongEmulator({
    now: () => FIXED_NOW,
    rateLimits: { perSecond: null, perDay: null },
    ...opts,
  });
  const call = async (method: string, path: string, o: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...o.headers };
    const auth = o.auth === undefined ? DEMO_AUTH : o.auth;
    if (auth !== null) headers.authorization = auth;
    let body: FormData | string | undefined;
    if (o.body instanceof FormData) body = o.body;
    else if (o.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    }
    const res = await emulator.app.request(`${ORIGIN}${BASE}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, headers: res.headers, body: parsed };
  };
  return {
    emulator,
    state: emulator.state,
    call,
    get: (path: string, o?: CallOptions) => call('GET', path, o),
    post: (path: string, body: unknown, o?: CallOptions) => call('POST', path, { ...o, body }),
    put: (path: string, body: unknown, o?: CallOptions) => call('PUT', path, { ...o, body }),
    del: (path: string, body: unknown, o?: CallOptions) => call('DELETE', path, { ...o, body }),
  };
}

export type Setup = ReturnType<typeof setup>;

/** Runs the consent (approved as `approveAs`) and the code exchange; returns the token response. */
export async function oauthTokens(
  s: Setup,
  opts: { scopes?: string[]; approveAs?: string; redirectUri?: string } = {},
): Promise<Reply> {
  const q = new URLSearchParams({
    client_id: GONG_DEMO.oauthClient.clientId,
    response_type: 'code',
    redirect_uri: opts.redirectUri ?? REDIRECT,
    state: 'xyz',
  });
  if (opts.scopes) q.set('scope', opts.scopes.join(' '));
  if (opts.approveAs) q.set('approve_as', opts.approveAs);
  const consent = await s.call('GET', `/oauth2/authorize?${q}`, { auth: null });
  if (consent.status !== 302) return consent;
  const location = new URL(consent.headers.get('location')!);
  const code = location.searchParams.get('code');
  if (!code) return consent;
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: opts.redirectUri ?? REDIRECT,
  });
  return s.call('POST', '/oauth2/generate-customer-token', {
    auth: CLIENT_AUTH,
    body: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

/** The customer API path (`/customer-api/v2/...`) as given by `api_base_url_for_customer`. */
export function customerPath(tokenBody: { api_base_url_for_customer: string }, apiPath: string): string {
  const base = new URL(tokenBody.api_base_url_for_customer);
  return `${base.pathname.slice(BASE.length)}${apiPath}`;
}

export { CUSTOMER_API_PREFIX };

/** A valid mono 8 kHz 16-bit WAV file of `seconds` of silence. */
export function wavFile(seconds: number): Buffer {
  const rate = 8000;
  const data = Buffer.alloc(rate * 2 * seconds);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}
