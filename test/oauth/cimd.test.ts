import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { OAuthTokensSchema } from '@modelcontextprotocol/sdk/shared/auth.js';
import { CimdError, createMetadataFetcher } from '../../src/oauth-server/cimd.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import {
  authorizeInBrowser,
  Browser,
  giveDemoAPassword,
  mcpPost,
  pkcePair,
  signIn,
  toolsListRequest,
} from './helpers.ts';

/** Serves client metadata documents from loopback (the gateway may fetch them only under the development flag). */
async function startDocumentServer() {
  const routes = new Map<string, (res: import('node:http').ServerResponse) => void>();
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    const handler = routes.get(req.url ?? '');
    if (handler) handler(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    routes,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('client ID metadata documents (MCP 2025-11-25)', () => {
  let gw: TestGateway;
  let docs: Awaited<ReturnType<typeof startDocumentServer>>;
  const browser = new Browser();
  const redirect = 'http://127.0.0.1:51000/callback';

  const json =
    (body: unknown, headers: Record<string, string> = {}) =>
    (res: import('node:http').ServerResponse) =>
      res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

  const authorize = (clientId: string, challenge: string) => {
    const u = new URL(`${gw.url}/oauth/authorize`);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirect,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 's1',
      resource: `${gw.url}/mcp/confluence`,
    })) {
      u.searchParams.set(k, v);
    }
    return u;
  };

  before(async () => {
    docs = await startDocumentServer();
    gw = await startTestGateway({ SWITCHBOARD_OAUTH_CIMD_ALLOW_LOOPBACK: 'true' });
    await giveDemoAPassword(gw);
    await signIn(browser, gw.url);
  });
  after(async () => {
    await gw.close();
    await docs.close();
  });

  test('a document client logs in without registering; the document is fetched once and cached', async () => {
    const clientId = `${docs.origin}/clients/tool.json`;
    docs.routes.set(
      '/clients/tool.json',
      json({
        client_id: clientId,
        client_name: 'Doc Client',
        redirect_uris: [redirect],
        token_endpoint_auth_method: 'none',
      }),
    );
    const { verifier, challenge } = pkcePair();
    const before = docs.hits();
    const { redirect: back, consentHtml } = await authorizeInBrowser(browser, authorize(clientId, challenge));
    assert.match(consentHtml, /Doc Client/);
    assert.match(consentHtml, /described by 127\.0\.0\.1:\d+/);
    assert.doesNotMatch(consentHtml, /unverified/);
    const code = back.searchParams.get('code')!;
    const res = await fetch(`${gw.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        client_id: clientId,
        redirect_uri: redirect,
      }),
    });
    assert.equal(res.status, 200);
    const tokens = OAuthTokensSchema.parse(await res.json());
    const listed = await mcpPost(
      `${gw.url}/mcp/confluence`,
      { authorization: `Bearer ${tokens.access_token}` },
      toolsListRequest,
    );
    assert.equal(listed.status, 200);
    await authorizeInBrowser(browser, authorize(clientId, pkcePair().challenge));
    assert.equal(docs.hits() - before, 1, 'cached (1 hour without Cache-Control)');
  });

  const refused = async (path: string, handler: (res: import('node:http').ServerResponse) => void, message: RegExp) => {
    docs.routes.set(path, handler);
    const res = await browser.get(authorize(`${docs.origin}${path}`, pkcePair().challenge));
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null, 'never redirected to an unverified client');
    assert.match(await res.text(), message);
  };

  test('a document naming another client_id is refused', () =>
    refused(
      '/c/mismatch.json',
      json({ client_id: 'https://other.example/c.json', redirect_uris: [redirect] }),
      /different client_id/,
    ));

  test('a document that redirects is refused (no redirects followed)', () =>
    refused(
      '/c/redirect.json',
      (res) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end(),
      /redirects/,
    ));

  test('a document over 5 KiB is refused', () =>
    refused(
      '/c/big.json',
      json({ client_id: `${docs.origin}/c/big.json`, redirect_uris: [redirect], client_name: 'x'.repeat(6000) }),
      /exceeds|could not be read/,
    ));

  test('a document that is not JSON is refused', () =>
    refused(
      '/c/html.json',
      (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hi'),
      /application\/json/,
    ));

  test('a document with a secret or a confidential auth method is refused', () =>
    refused(
      '/c/secret.json',
      json({
        client_id: `${docs.origin}/c/secret.json`,
        redirect_uris: [redirect],
        token_endpoint_auth_method: 'client_secret_basic',
      }),
      /public clients/,
    ));

  test('a redirect URI not in the document is refused', async () => {
    const clientId = `${docs.origin}/c/other-redirect.json`;
    docs.routes.set('/c/other-redirect.json', json({ client_id: clientId, redirect_uris: ['https://app.example/cb'] }));
    const res = await browser.get(authorize(clientId, pkcePair().challenge));
    assert.equal(res.status, 400);
    assert.match(await res.text(), /redirect_uri is not registered/);
  });
});

describe('metadata document fetches without the development flag (SSRF)', () => {
  test('loopback and private addresses are refused, by IP literal and by name', async () => {
    const fetcher = createMetadataFetcher({ allowLoopback: false });
    try {
      for (const url of [
        'https://127.0.0.1:9/client.json',
        'https://[::1]:9/client.json',
        'https://10.0.0.1/client.json',
        'https://169.254.169.254/latest/meta-data',
        'https://localhost:9/client.json',
      ]) {
        await assert.rejects(
          fetcher.fetch(url),
          (e: unknown) => e instanceof CimdError && /not publicly routable/.test(e.message),
          url,
        );
      }
      await assert.rejects(fetcher.fetch('http://client.example/c.json'), /https/);
    } finally {
      await fetcher.close();
    }
  });

  test('the gateway refuses a loopback client_id URL unless in development mode', async () => {
    const gw = await startTestGateway();
    try {
      const u = new URL(`${gw.url}/oauth/authorize`);
      u.searchParams.set('client_id', 'https://127.0.0.1:9/client.json');
      u.searchParams.set('redirect_uri', 'http://127.0.0.1:9/cb');
      const res = await fetch(u, { redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /not publicly routable/);
    } finally {
      await gw.close();
    }
  });
});
