import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  OAuthMetadataSchema,
  OAuthProtectedResourceMetadataSchema,
  OAuthTokensSchema,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { sha256 } from '../../src/identity/secrets.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import {
  authorizeInBrowser,
  Browser,
  giveDemoAPassword,
  hiddenFields,
  location,
  mcpPost,
  pkcePair,
  signIn,
  toolsListRequest,
} from './helpers.ts';

/**
 * What the MCP authorization spec (2025-06-18, 2025-11-25) and the OAuth RFCs it builds on require when a client,
 * a token or a browser misbehaves. Each case is its own test, named after what it checks.
 */
describe('OAuth: refusals the spec requires', () => {
  let gw: TestGateway;
  let base: string;
  let mcpUrl: string;
  const callback = 'http://127.0.0.1:49152/callback';
  let clientId: string;
  let browser: Browser;

  const register = async (body: Record<string, unknown>) =>
    fetch(`${base}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  const authorizeUrl = (params: Record<string, string | undefined>) => {
    const u = new URL(`${base}/oauth/authorize`);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
    return u;
  };

  const goodParams = (challenge: string, extra: Record<string, string | undefined> = {}) => ({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: callback,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'xyz',
    scope: 'tools:use',
    resource: mcpUrl,
    ...extra,
  });

  const tokenRequest = (params: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(params),
    });

  /** A code through the real browser flow (signed-in browser, consent form). */
  const getCode = async (extra: Record<string, string | undefined> = {}) => {
    const { verifier, challenge } = pkcePair();
    const { redirect } = await authorizeInBrowser(browser, authorizeUrl(goodParams(challenge, extra)));
    const code = redirect.searchParams.get('code');
    assert.ok(code, `a code: ${redirect}`);
    return { code, verifier, redirect };
  };

  const exchange = (code: string, verifier: string, extra: Record<string, string> = {}) =>
    tokenRequest({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: callback,
      resource: mcpUrl,
      ...extra,
    });

  const login = async (extra: Record<string, string | undefined> = {}) => {
    const { code, verifier } = await getCode(extra);
    const res = await exchange(code, verifier);
    assert.equal(res.status, 200);
    return OAuthTokensSchema.parse(await res.json());
  };

  const refresh = (refreshToken: string) =>
    tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, resource: mcpUrl });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  /** Expects a redirect to the client with an OAuth error, `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207). */
  const expectErrorRedirect = (res: Response, error: string) => {
    assert.equal(res.status, 302);
    const to = location(res, base);
    assert.equal(to.origin + to.pathname, callback, 'back to the registered redirect URI');
    assert.equal(to.searchParams.get('error'), error, to.searchParams.get('error_description') ?? '');
    assert.equal(to.searchParams.get('state'), 'xyz');
    assert.equal(to.searchParams.get('iss'), base);
    assert.equal(to.searchParams.get('code'), null);
  };

  before(async () => {
    gw = await startTestGateway({ SWITCHBOARD_OAUTH_REGISTRATIONS_PER_HOUR: '1000' });
    base = gw.url;
    mcpUrl = `${base}/mcp/confluence`;
    await giveDemoAPassword(gw);
    const res = await register({ client_name: 'Negative suite', redirect_uris: [callback] });
    assert.equal(res.status, 201);
    clientId = ((await res.json()) as { client_id: string }).client_id;
    browser = new Browser();
    await signIn(browser, base);
  });
  after(() => gw.close());

  // --- Discovery -----------------------------------------------------------------------------------------------

  test('an unauthenticated initialize gets 401 with resource_metadata and scope', async () => {
    for (const path of ['/mcp/confluence', '/mcp']) {
      const res = await mcpPost(`${base}${path}`);
      assert.equal(res.status, 401);
      const challenge = res.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /^Bearer /);
      assert.ok(
        challenge.includes(`resource_metadata="${base}/.well-known/oauth-protected-resource${path}"`),
        challenge,
      );
      assert.match(challenge, /scope="tools:use"/);
      assert.doesNotMatch(challenge, /error=/, 'no error code without credentials (RFC 6750 §3.1)');
    }
  });

  test('metadata documents are served and valid (RFC 9728, RFC 8414, OIDC path)', async () => {
    const prm = OAuthProtectedResourceMetadataSchema.parse(
      await (await fetch(`${base}/.well-known/oauth-protected-resource/mcp/confluence`)).json(),
    );
    assert.equal(prm.resource, mcpUrl);
    assert.deepEqual(prm.authorization_servers, [base]);
    const root = OAuthProtectedResourceMetadataSchema.parse(
      await (await fetch(`${base}/.well-known/oauth-protected-resource`)).json(),
    );
    assert.equal(root.resource, `${base}/mcp`);
    assert.equal((await fetch(`${base}/.well-known/oauth-protected-resource/elsewhere`)).status, 404);
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const res = await fetch(`${base}${path}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      const as = OAuthMetadataSchema.parse(await res.json());
      assert.equal(as.issuer, base);
      assert.deepEqual(as.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(as.response_types_supported, ['code']);
      assert.deepEqual(as.token_endpoint_auth_methods_supported, ['none']);
      assert.deepEqual(as.grant_types_supported, ['authorization_code', 'refresh_token']);
      assert.ok(as.registration_endpoint && as.revocation_endpoint);
      assert.deepEqual(as.scopes_supported, ['tools:use', 'connections:manage']);
      assert.equal(as.client_id_metadata_document_supported, true);
    }
  });

  // --- Authorization request -----------------------------------------------------------------------------------

  test('missing PKCE: invalid_request back to the client', async () => {
    const res = await browser.get(
      authorizeUrl({ ...goodParams('x'), code_challenge: undefined, code_challenge_method: undefined }),
    );
    expectErrorRedirect(res, 'invalid_request');
    const noMethod = await browser.get(
      authorizeUrl({ ...goodParams(pkcePair().challenge), code_challenge_method: undefined }),
    );
    expectErrorRedirect(noMethod, 'invalid_request');
  });

  test('plain PKCE: invalid_request back to the client', async () => {
    const { verifier } = pkcePair();
    const res = await browser.get(authorizeUrl({ ...goodParams(verifier), code_challenge_method: 'plain' }));
    expectErrorRedirect(res, 'invalid_request');
    assert.match(location(res, base).searchParams.get('error_description') ?? '', /S256/);
  });

  test('unregistered or wrong redirect URI: an error page, never a redirect', async () => {
    const { challenge } = pkcePair();
    for (const redirect of [
      'http://127.0.0.1:49152/elsewhere',
      'https://evil.example/callback',
      'http://localhost:49152/callback',
    ]) {
      const res = await browser.get(authorizeUrl(goodParams(challenge, { redirect_uri: redirect })));
      assert.equal(res.status, 400, redirect);
      assert.equal(res.headers.get('location'), null);
      assert.match(await res.text(), /redirect_uri is not registered/);
    }
    const unknownClient = await browser.get(authorizeUrl(goodParams(challenge, { client_id: 'sbc_unknown' })));
    assert.equal(unknownClient.status, 400);
    assert.equal(unknownClient.headers.get('location'), null);
  });

  test('a loopback redirect URI matches on any port (RFC 8252 §7.3), the rest exactly', async () => {
    const { redirect } = await getCode({ redirect_uri: 'http://127.0.0.1:50999/callback' });
    assert.equal(redirect.origin, 'http://127.0.0.1:50999');
  });

  test('resource for another server: invalid_target back to the client', async () => {
    const { challenge } = pkcePair();
    for (const resource of ['https://other.example/mcp', `${base}/admin`, `${base}/mcp?x=1`]) {
      expectErrorRedirect(await browser.get(authorizeUrl(goodParams(challenge, { resource }))), 'invalid_target');
    }
    expectErrorRedirect(
      await browser.get(authorizeUrl(goodParams(challenge, { resource: undefined }))),
      'invalid_request',
    );
  });

  test('an unknown scope: invalid_scope back to the client', async () => {
    const { challenge } = pkcePair();
    expectErrorRedirect(
      await browser.get(authorizeUrl(goodParams(challenge, { scope: 'admin:all' }))),
      'invalid_scope',
    );
  });

  // --- Consent page --------------------------------------------------------------------------------------------

  test('consent page in a frame: refused by X-Frame-Options and CSP frame-ancestors', async () => {
    const res = await browser.get(authorizeUrl(goodParams(pkcePair().challenge)));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /default-src 'none'/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const html = await res.text();
    assert.match(html, /Negative suite/);
    assert.match(html, /unverified/);
  });

  test('CSRF-less consent POST: 403, and no code is issued', async () => {
    const res = await browser.get(authorizeUrl(goodParams(pkcePair().challenge)));
    const fields = hiddenFields(await res.text(), '/oauth/consent');
    const forged = await browser.post(`${base}/oauth/consent`, { request_id: fields.request_id!, decision: 'allow' });
    assert.equal(forged.status, 403);
    assert.equal(forged.headers.get('location'), null);
    const wrong = await browser.post(`${base}/oauth/consent`, {
      request_id: fields.request_id!,
      csrf_token: 'A'.repeat(43),
      decision: 'allow',
    });
    assert.equal(wrong.status, 403);
    // A session-less attacker (another browser) cannot answer it either, with or without a token of its own.
    const other = new Browser();
    const page = await other.get(`${base}/login`);
    const otherCsrf = hiddenFields(await page.text(), '/login').csrf_token!;
    const foreign = await other.post(`${base}/oauth/consent`, { ...fields, csrf_token: otherCsrf, decision: 'allow' });
    assert.equal(foreign.status, 401);
    // The real form still works once: the forged attempts did not consume the request.
    const real = await browser.post(`${base}/oauth/consent`, { ...fields, decision: 'allow' });
    assert.equal(real.status, 303);
    assert.ok(location(real, base).searchParams.get('code'));
    const again = await browser.post(`${base}/oauth/consent`, { ...fields, decision: 'allow' });
    assert.equal(again.status, 400, 'a pending request is answered once');
  });

  test('consent POST from a foreign Origin: 403', async () => {
    const res = await browser.get(authorizeUrl(goodParams(pkcePair().challenge)));
    const fields = hiddenFields(await res.text(), '/oauth/consent');
    const posted = await browser.post(
      `${base}/oauth/consent`,
      { ...fields, decision: 'allow' },
      { origin: 'https://evil.example' },
    );
    assert.equal(posted.status, 403);
    assert.equal(posted.headers.get('location'), null);
  });

  test('denying consent: access_denied back to the client', async () => {
    const { redirect } = await authorizeInBrowser(browser, authorizeUrl(goodParams(pkcePair().challenge)), {
      decision: 'deny',
    });
    assert.equal(redirect.searchParams.get('error'), 'access_denied');
    assert.equal(redirect.searchParams.get('state'), 'xyz');
    assert.equal(redirect.searchParams.get('code'), null);
  });

  // --- Token endpoint ------------------------------------------------------------------------------------------

  test('the token response is JSON, not cacheable, with expires_in and a refresh token', async () => {
    const { code, verifier } = await getCode();
    const res = await exchange(code, verifier);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 3600);
    assert.equal(body.scope, 'tools:use');
    assert.match(String(body.refresh_token), /^sbrt_/);
  });

  test('wrong PKCE verifier: invalid_grant, and the code is burnt', async () => {
    const { code, verifier } = await getCode();
    const wrong = await exchange(code, pkcePair().verifier);
    assert.equal(wrong.status, 400);
    assert.equal(((await wrong.json()) as { error: string }).error, 'invalid_grant');
    assert.equal(wrong.headers.get('cache-control'), 'no-store');
    const retry = await exchange(code, verifier);
    assert.equal(retry.status, 400, 'the right verifier after a wrong one is too late');
    const missing = await getCode();
    const noVerifier = await tokenRequest({
      grant_type: 'authorization_code',
      code: missing.code,
      client_id: clientId,
      redirect_uri: callback,
    });
    assert.equal(((await noVerifier.json()) as { error: string }).error, 'invalid_grant');
  });

  test('reused authorization code: invalid_grant, and the tokens issued from it are revoked', async () => {
    const { code, verifier } = await getCode();
    const first = OAuthTokensSchema.parse(await (await exchange(code, verifier)).json());
    assert.equal((await mcpPost(mcpUrl, bearer(first.access_token), toolsListRequest)).status, 200);
    const second = await exchange(code, verifier);
    assert.equal(second.status, 400);
    assert.equal(((await second.json()) as { error: string }).error, 'invalid_grant');
    assert.equal((await mcpPost(mcpUrl, bearer(first.access_token), toolsListRequest)).status, 401);
    assert.equal((await refresh(first.refresh_token!)).status, 400);
  });

  test('a redirect_uri at the token endpoint different from the authorization request: invalid_grant', async () => {
    const { code, verifier } = await getCode();
    const res = await exchange(code, verifier, { redirect_uri: 'http://127.0.0.1:49153/callback' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_grant');
  });

  test('a code used by another client: invalid_grant', async () => {
    const other = (await (await register({ redirect_uris: [callback] })).json()) as { client_id: string };
    const { code, verifier } = await getCode();
    const res = await exchange(code, verifier, { client_id: other.client_id });
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_grant');
  });

  test('a client secret is refused: public clients only', async () => {
    const { code, verifier } = await getCode();
    const res = await exchange(code, verifier, { client_secret: 'guess' });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_client');
  });

  // --- Resource server -----------------------------------------------------------------------------------------

  test('token issued for another audience: 401 invalid_token', async () => {
    const tokens = await login();
    assert.equal((await mcpPost(mcpUrl, bearer(tokens.access_token), toolsListRequest)).status, 200);
    for (const path of ['/mcp/gong', '/mcp']) {
      const res = await mcpPost(`${base}${path}`, bearer(tokens.access_token), toolsListRequest);
      assert.equal(res.status, 401, path);
      assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      assert.match(res.headers.get('www-authenticate') ?? '', /another resource/);
    }
    // A token for the /mcp tree is good under it.
    const wide = await login({ resource: `${base}/mcp` });
    assert.equal((await mcpPost(mcpUrl, bearer(wide.access_token), toolsListRequest)).status, 200);
  });

  test('expired token: 401 invalid_token', async () => {
    const tokens = await login();
    await gw.gateway.store.db
      .updateTable('oauth_access_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('token_hash', '=', sha256(tokens.access_token))
      .execute();
    const res = await mcpPost(mcpUrl, bearer(tokens.access_token), toolsListRequest);
    assert.equal(res.status, 401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /error="invalid_token"/);
    assert.match(challenge, /expired/);
    assert.match(challenge, /resource_metadata="/);
  });

  test('reused refresh token: invalid_grant and the whole family is revoked', async () => {
    const tokens = await login();
    const rotated = await refresh(tokens.refresh_token!);
    assert.equal(rotated.status, 200);
    const next = OAuthTokensSchema.parse(await rotated.json());
    assert.notEqual(next.refresh_token, tokens.refresh_token);
    assert.equal((await mcpPost(mcpUrl, bearer(next.access_token), toolsListRequest)).status, 200);
    // The old refresh token again: someone else holds the family.
    const reused = await refresh(tokens.refresh_token!);
    assert.equal(reused.status, 400);
    assert.equal(((await reused.json()) as { error: string }).error, 'invalid_grant');
    // Every token of the family is dead: the new access token and the new refresh token too.
    assert.equal((await mcpPost(mcpUrl, bearer(next.access_token), toolsListRequest)).status, 401);
    assert.equal((await refresh(next.refresh_token!)).status, 400);
  });

  test('revoked token (RFC 7009): the access and refresh tokens stop working', async () => {
    const tokens = await login();
    const res = await fetch(`${base}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: tokens.refresh_token!,
        token_type_hint: 'refresh_token',
        client_id: clientId,
      }),
    });
    assert.equal(res.status, 200);
    const after = await mcpPost(mcpUrl, bearer(tokens.access_token), toolsListRequest);
    assert.equal(after.status, 401);
    assert.match(after.headers.get('www-authenticate') ?? '', /invalid_token/);
    assert.equal((await refresh(tokens.refresh_token!)).status, 400);
    // Unknown tokens are not an error (RFC 7009 §2.2).
    const unknown = await fetch(`${base}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'sbrt_nothing', client_id: clientId }),
    });
    assert.equal(unknown.status, 200);
  });

  test('token in the query string: 400 invalid_request', async () => {
    const tokens = await login();
    const res = await mcpPost(`${mcpUrl}?access_token=${tokens.access_token}`, {}, toolsListRequest);
    assert.equal(res.status, 400);
    assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_request"/);
    const body = await res.text();
    assert.ok(!body.includes(tokens.access_token), 'the token is not echoed');
  });

  test('foreign Origin on /mcp: 403 before authentication', async () => {
    const tokens = await login();
    const res = await mcpPost(
      mcpUrl,
      { ...bearer(tokens.access_token), origin: 'https://evil.example' },
      toolsListRequest,
    );
    assert.equal(res.status, 403);
    const anonymous = await mcpPost(mcpUrl, { origin: 'https://evil.example' });
    assert.equal(anonymous.status, 403, 'the Origin check comes first');
  });

  test('a token without the scope the endpoint needs: 403 insufficient_scope (step-up)', async () => {
    const tokens = await login({ scope: 'connections:manage' });
    const res = await mcpPost(mcpUrl, bearer(tokens.access_token), toolsListRequest);
    assert.equal(res.status, 403);
    const challenge = res.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /error="insufficient_scope"/);
    assert.match(challenge, /scope="connections:manage tools:use"/);
    assert.match(challenge, /resource_metadata="/);
  });

  test('an unknown or malformed bearer token: 401 invalid_token / 400 invalid_request', async () => {
    const unknown = await mcpPost(mcpUrl, bearer('sbat_nope'), toolsListRequest);
    assert.equal(unknown.status, 401);
    assert.match(unknown.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    const malformed = await mcpPost(mcpUrl, { authorization: 'Bearer a b' }, toolsListRequest);
    assert.equal(malformed.status, 400);
  });

  // --- Registration and sign-in --------------------------------------------------------------------------------

  test('registration refuses non-loopback http, dangerous schemes, fragments and confidential grants', async () => {
    for (const [uris, error] of [
      [['http://example.com/cb'], 'invalid_redirect_uri'],
      [['javascript:alert(1)'], 'invalid_redirect_uri'],
      [['https://app.example/cb#x'], 'invalid_redirect_uri'],
      [['myapp:/cb'], 'invalid_redirect_uri'],
      [[], 'invalid_redirect_uri'],
    ] as const) {
      const res = await register({ redirect_uris: uris });
      assert.equal(res.status, 400, JSON.stringify(uris));
      assert.equal(((await res.json()) as { error: string }).error, error);
    }
    const cc = await register({ redirect_uris: [callback], grant_types: ['client_credentials'] });
    assert.equal(((await cc.json()) as { error: string }).error, 'invalid_client_metadata');
    // Accepted: loopback on any host spelling, https, reverse-domain and known app schemes (Cursor's three URIs).
    const ok = await register({
      client_name: 'Cursor',
      redirect_uris: [
        'cursor://anysphere.cursor-mcp/oauth/callback',
        'https://www.cursor.com/agents/mcp/oauth/callback',
        'http://localhost:8787/callback',
        'http://[::1]/cb',
        'com.example.app:/oauth2redirect',
      ],
      token_endpoint_auth_method: 'client_secret_post',
    });
    assert.equal(ok.status, 201);
    const body = (await ok.json()) as Record<string, unknown>;
    assert.equal(body.token_endpoint_auth_method, 'none', 'public client (RFC 7591 §3.2.1 substitution)');
    assert.equal(body.client_secret, undefined);
  });

  test('registration is rate-limited per IP', async () => {
    const limited = await startTestGateway({ SWITCHBOARD_OAUTH_REGISTRATIONS_PER_HOUR: '2' });
    try {
      const post = () =>
        fetch(`${limited.url}/oauth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ redirect_uris: [callback] }),
        });
      assert.equal((await post()).status, 201);
      assert.equal((await post()).status, 201);
      const third = await post();
      assert.equal(third.status, 429);
      assert.ok(Number(third.headers.get('retry-after')) > 0);
    } finally {
      await limited.close();
    }
  });

  test('sign-in: CSRF-less POST refused, a wrong password gives one generic answer', async () => {
    const b = new Browser();
    const noCsrf = await b.post(`${base}/login`, { username: 'demo', password: 'x' });
    assert.equal(noCsrf.status, 403);
    const cookie = noCsrf.headers.getSetCookie().join(';');
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    const fields = hiddenFields(await noCsrf.text(), '/login');
    for (const username of ['demo', 'nobody']) {
      const res = await b.post(`${base}/login`, { ...fields, username, password: 'wrong password' });
      assert.equal(res.status, 401);
      assert.match(await res.text(), /Wrong user name or password/);
    }
    const open = await b.post(`${base}/login`, {
      ...fields,
      username: 'demo',
      password: 'correct horse battery staple',
      return_to: '//evil.example/x',
    });
    assert.equal(open.status, 303);
    assert.equal(open.headers.get('location'), '/console', 'no open redirect after sign-in');
  });
});
