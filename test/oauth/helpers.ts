import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findUserByName } from '../../src/identity/index.ts';
import { setPassword } from '../../src/identity/passwords.ts';
import type { TestGateway } from '../helpers/gateway.ts';

/** The demo user's password in these tests (the demo user is connected to the Confluence emulator). */
export const DEMO_PASSWORD = 'correct horse battery staple';

export async function giveDemoAPassword(gw: TestGateway): Promise<void> {
  const demo = await findUserByName(gw.gateway.store.db, 'demo');
  assert.ok(demo, 'the demo gateway has a demo user');
  await setPassword(gw.gateway.store.db, demo.id, DEMO_PASSWORD);
}

/**
 * A minimal browser: a cookie jar, redirects followed by hand (so each hop can be checked), forms posted as
 * application/x-www-form-urlencoded like a real browser does.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly extraHeaders: Record<string, string>;
  constructor(extraHeaders: Record<string, string> = {}) {
    this.extraHeaders = extraHeaders;
  }

  async request(
    url: string | URL,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...this.extraHeaders, ...init.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get(url: string | URL) {
    return this.request(url);
  }

  post(url: string | URL, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.request(url, { form, headers });
  }
}

/** The hidden inputs (and their values) of the first form posting to `action` in an HTML page. */
export function hiddenFields(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`action="${action}"`);
  assert.ok(start >= 0, `a form posting to ${action} in:\n${html.slice(0, 2000)}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[m[1]!] = unescapeHtml(m[2]!);
  return fields;
}

const unescapeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

export function location(res: Response, base: string): URL {
  const loc = res.headers.get('location');
  assert.ok(loc, `a redirect (status ${res.status})`);
  return new URL(loc, base);
}

/** Signs a browser in with the login form (CSRF token included), as a person would. */
export async function signIn(browser: Browser, gatewayUrl: string, username = 'demo', password = DEMO_PASSWORD) {
  const page = await browser.get(`${gatewayUrl}/login`);
  assert.equal(page.status, 200);
  const fields = hiddenFields(await page.text(), '/login');
  const res = await browser.post(`${gatewayUrl}/login`, { ...fields, username, password });
  assert.equal(res.status, 303, `sign-in succeeds: ${res.status}`);
  return res;
}

/**
 * Plays the browser through an authorization URL: sign-in when asked (login form with its CSRF token), then the
 * consent page, then the decision. Returns the redirect to the client (not followed) and the consent page.
 */
export async function authorizeInBrowser(
  browser: Browser,
  authorizationUrl: string | URL,
  opts: { decision?: 'allow' | 'deny'; username?: string; password?: string } = {},
): Promise<{ redirect: URL; consentHtml: string; consentHeaders: Headers }> {
  const base = new URL(authorizationUrl).origin;
  let res = await browser.get(authorizationUrl);
  if (res.status === 302 && location(res, base).pathname === '/login') {
    const login = await browser.get(location(res, base));
    assert.equal(login.status, 200);
    const fields = hiddenFields(await login.text(), '/login');
    assert.ok(fields.csrf_token, 'the login form carries a CSRF token');
    assert.ok(fields.return_to?.startsWith('/oauth/authorize?'), 'the login form returns to the authorization request');
    const posted = await browser.post(`${base}/login`, {
      ...fields,
      username: opts.username ?? 'demo',
      password: opts.password ?? DEMO_PASSWORD,
    });
    assert.equal(posted.status, 303, 'signed in');
    res = await browser.get(location(posted, base));
  }
  assert.equal(res.status, 200, `the consent page (got ${res.status} ${res.headers.get('location') ?? ''})`);
  const consentHeaders = res.headers;
  const consentHtml = await res.text();
  const fields = hiddenFields(consentHtml, '/oauth/consent');
  const answered = await browser.post(`${base}/oauth/consent`, { ...fields, decision: opts.decision ?? 'allow' });
  assert.equal(answered.status, 303, `the consent answer redirects to the client (got ${answered.status})`);
  return { redirect: location(answered, base), consentHtml, consentHeaders };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A loopback HTTP server standing in for a native client's redirect URI; resolves each callback's query. */
export async function startCallbackServer(): Promise<{
  url: string;
  next(): Promise<URLSearchParams>;
  close(): Promise<void>;
}> {
  const waiting: ((q: URLSearchParams) => void)[] = [];
  const received: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    const w = waiting.shift();
    if (w) w(q);
    else received.push(q);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('You can close this window.');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    next: () => {
      const r = received.shift();
      return r ? Promise.resolve(r) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An MCP JSON-RPC POST, raw (no SDK), to check status codes and headers. */
export function mcpPost(url: string, headers: Record<string, string> = {}, body: unknown = initializeRequest) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
}

export const initializeRequest = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'oauth-test', version: '1.0.0' } },
};

export const toolsListRequest = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };
