import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { sha256 } from '../../src/identity/secrets.ts';
import { resultJson, startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { authorizeInBrowser, Browser, giveDemoAPassword, hiddenFields, startCallbackServer } from './helpers.ts';

/**
 * An in-memory OAuthClientProvider, as an MCP client keeps one: it registers dynamically (like Kimi Code, no
 * static client id), and "opens the browser" by recording the authorization URL for the test to follow.
 */
class MemoryProvider implements OAuthClientProvider {
  readonly redirectUrl: string;
  client: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  authorizationUrl: URL | undefined;
  registrations = 0;
  readonly expectedState = `state-${Math.random().toString(36).slice(2)}`;
  constructor(redirectUrl: string) {
    this.redirectUrl = redirectUrl;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Switchboard OAuth e2e',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() {
    return this.expectedState;
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.registrations++;
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
}

describe('the official SDK client logs in with OAuth and uses /mcp/confluence', () => {
  let gw: TestGateway;
  let callback: Awaited<ReturnType<typeof startCallbackServer>>;
  let provider: MemoryProvider;
  const clients: Client[] = [];
  const browser = new Browser();

  const connect = async () => {
    const client = new Client({ name: 'oauth-e2e', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp/confluence`), {
      authProvider: provider,
    });
    await client.connect(transport);
    clients.push(client);
    return { client, transport };
  };

  before(async () => {
    gw = await startTestGateway();
    await giveDemoAPassword(gw);
    callback = await startCallbackServer();
    provider = new MemoryProvider(callback.url);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await callback.close();
    await gw.close();
  });

  test('first connection: 401, discovery, registration, browser login and consent, code exchange', async () => {
    const client = new Client({ name: 'oauth-e2e', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp/confluence`), {
      authProvider: provider,
    });
    // The unauthenticated initialize gets 401; the SDK discovers the server and registers, then "opens the browser".
    await assert.rejects(client.connect(transport), UnauthorizedError);
    assert.equal(provider.registrations, 1, 'registered dynamically');
    assert.match(String(provider.client?.client_id), /^sbc_/);
    const url = provider.authorizationUrl;
    assert.ok(url, 'an authorization URL to open');
    assert.equal(url.origin + url.pathname, `${gw.url}/oauth/authorize`);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('resource'), `${gw.url}/mcp/confluence`);
    assert.equal(url.searchParams.get('scope'), 'tools:use', 'the scope of the 401 challenge');

    // The test is the browser: login form (CSRF), consent form (CSRF), redirect to the client's loopback callback.
    const { redirect, consentHtml } = await authorizeInBrowser(browser, url);
    assert.match(consentHtml, /Switchboard OAuth e2e/);
    assert.match(consentHtml, /unverified/);
    assert.match(consentHtml, /127\.0\.0\.1/);
    assert.match(consentHtml, /tools:use/);
    assert.equal(redirect.origin + redirect.pathname, callback.url);
    const hit = await fetch(redirect); // the browser lands on the client's callback
    assert.equal(hit.status, 200);
    const query = await callback.next();
    assert.equal(query.get('state'), provider.expectedState, 'state comes back');
    assert.equal(query.get('iss'), gw.url, 'RFC 9207 iss');
    const code = query.get('code');
    assert.ok(code);

    await transport.finishAuth(code);
    assert.ok(provider.saved?.access_token.startsWith('sbat_'));
    assert.ok(provider.saved?.refresh_token?.startsWith('sbrt_'));
    assert.ok(provider.saved?.expires_in && provider.saved.expires_in > 3000 && provider.saved.expires_in <= 3600);
    await transport.close();
  });

  test('with the token the client lists and calls Confluence tools', async () => {
    const { client } = await connect();
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'confluence_get_spaces'));
    const res = await client.callTool({ name: 'confluence_get_spaces', arguments: { keys: ['ENG'] } });
    assert.equal(res.isError, undefined, JSON.stringify(res));
    assert.equal(resultJson(res).results[0].key, 'ENG');
  });

  test('tokens are stored hashed, never in clear', async () => {
    const db = gw.gateway.store.db;
    const access = provider.saved!.access_token;
    const rows = await db.selectFrom('oauth_access_tokens').selectAll().execute();
    assert.ok(rows.some((r) => r.token_hash === sha256(access)));
    const dump = JSON.stringify([
      rows,
      await db.selectFrom('oauth_refresh_tokens').selectAll().execute(),
      await db.selectFrom('oauth_codes').selectAll().execute(),
    ]);
    assert.ok(!dump.includes(access) && !dump.includes(provider.saved!.refresh_token!));
  });

  test('an expired access token is refreshed by the SDK after a 401, with rotation', async () => {
    const before = provider.saved!;
    await gw.gateway.store.db
      .updateTable('oauth_access_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    const { client } = await connect();
    const res = await client.callTool({ name: 'confluence_get_spaces', arguments: { keys: ['ENG'] } });
    assert.equal(res.isError, undefined);
    assert.notEqual(provider.saved!.access_token, before.access_token, 'a new access token');
    assert.notEqual(provider.saved!.refresh_token, before.refresh_token, 'the refresh token rotated');
  });

  test('the console lists the client and revokes it; the client must log in again', async () => {
    const page = await browser.get(`${gw.url}/console`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Switchboard OAuth e2e/);
    assert.match(html, /tools:use/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    const fields = hiddenFields(html, '/console/clients/revoke');
    assert.equal(fields.client_id, provider.client!.client_id);
    const revoked = await browser.post(`${gw.url}/console/clients/revoke`, fields);
    assert.equal(revoked.status, 303);
    assert.doesNotMatch(await (await browser.get(`${gw.url}/console`)).text(), /Switchboard OAuth e2e/);

    // The revoked access token is refused; the SDK's refresh fails too, so it starts a new authorization.
    provider.authorizationUrl = undefined;
    await assert.rejects(connect(), UnauthorizedError);
    assert.ok(provider.authorizationUrl, 'a new login is started');
  });

  test('API keys keep working beside OAuth', async () => {
    const client = await gw.connect('/mcp/confluence');
    const { tools } = await client.listTools();
    assert.ok(tools.length > 5);
  });
});
