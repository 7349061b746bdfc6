import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { loadConfig } from '../../src/config/index.ts';
import { createApiKey, ensureUser, type User } from '../../src/identity/index.ts';
import { setPassword } from '../../src/identity/passwords.ts';
import { type Gateway, startGateway } from '../../src/server/gateway.ts';
import { createLogger } from '../../src/util/log.ts';
import { tempDir } from '../helpers/tmp.ts';
import { Browser, hiddenFields, location, signIn } from '../oauth/helpers.ts';

export const PASSWORD = 'correct horse battery staple';

/** Captures pino's JSON lines (to search them for secrets). */
export function logCapture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger('debug', stream), text: () => lines.join('') };
}

export interface TestUser extends User {
  key: string;
  browser: Browser;
}

export interface ConnGateway {
  gateway: Gateway;
  url: string;
  dataDir: string;
  user(name: string): Promise<TestUser>;
  mcp(path: string, key: string): Promise<Client>;
  close(): Promise<void>;
}

/** The real gateway (demo mode unless told otherwise), with users who sign in with a password and hold API keys. */
export async function startConnGateway(
  env: Record<string, string> = {},
  log = createLogger('silent'),
): Promise<ConnGateway> {
  const tmp = tempDir('sb-conn-');
  const config = loadConfig({
    SWITCHBOARD_DATA_DIR: tmp.dir,
    SWITCHBOARD_PORT: '0',
    SWITCHBOARD_DEMO: 'true',
    SWITCHBOARD_LOG_LEVEL: 'silent',
    SWITCHBOARD_MAX_RETRY_AFTER_MS: '3000',
    ...env,
  });
  const gateway = await startGateway(config, log);
  const clients: Client[] = [];
  return {
    gateway,
    url: gateway.url,
    dataDir: tmp.dir,
    async user(name) {
      const { user } = await ensureUser(gateway.store.db, name);
      await setPassword(gateway.store.db, user.id, PASSWORD);
      const { key } = await createApiKey(gateway.store.db, user.id);
      const browser = new Browser();
      await signIn(browser, gateway.url, name, PASSWORD);
      return { ...user, key, browser };
    },
    async mcp(path, key) {
      const client = new Client({ name: 'connections-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${gateway.url}${path}`), {
          requestInit: { headers: { Authorization: `Bearer ${key}` } },
        }),
      );
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await gateway.close();
      tmp.remove();
    },
  };
}

/**
 * Plays a person through a connect link: the link page, Continue (POST, CSRF token), the provider's consent (the
 * emulator's auto-consent parameter stands for the click), and the callback. Returns the final page.
 */
export async function followOAuthLink(
  browser: Browser,
  link: string,
  consent: Record<string, string>,
): Promise<{ status: number; html: string; authorizeUrl: URL }> {
  const base = new URL(link).origin;
  const pageRes = await browser.get(link);
  assert.equal(pageRes.status, 200, 'the connect link page');
  const path = new URL(link).pathname;
  const fields = hiddenFields(await pageRes.text(), path);
  const posted = await browser.post(`${base}${path}`, fields);
  assert.equal(posted.status, 303, 'Continue redirects to the provider');
  const authorizeUrl = location(posted, base);
  for (const [k, v] of Object.entries(consent)) authorizeUrl.searchParams.set(k, v);
  const consented = await fetch(authorizeUrl, { redirect: 'manual' });
  assert.equal(consented.status, 302, `the provider's consent redirects back (got ${consented.status})`);
  const callback = new URL(consented.headers.get('location')!);
  assert.equal(callback.pathname, '/connections/callback');
  const done = await browser.get(callback);
  return { status: done.status, html: await done.text(), authorizeUrl };
}

/** Fills and posts the API-key form of a connect link. */
export async function submitKeyForm(browser: Browser, link: string, values: Record<string, string>) {
  const base = new URL(link).origin;
  const path = new URL(link).pathname;
  const pageRes = await browser.get(link);
  assert.equal(pageRes.status, 200, 'the connect link page');
  const fields = hiddenFields(await pageRes.text(), path);
  const res = await browser.post(`${base}${path}`, { ...fields, ...values });
  return { status: res.status, html: await res.text() };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read tool results as JSON.
export function toolJson(result: unknown): any {
  const content = (result as { content: { type: string; text: string }[] }).content;
  return JSON.parse(content[0]!.text);
}

export const GONG_ADMIN = 'dana.whitfield@switchboard-demo.example';
export const CONFLUENCE_USER = 'demo@switchboard.local';
