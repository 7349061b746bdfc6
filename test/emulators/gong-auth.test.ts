/** Gong emulator authentication: access keys (Basic), the OAuth flow, single-use refresh tokens, bases, scopes. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GONG_SEED } from '../../src/emulators/gong/index.ts';
import {
  basic,
  CLIENT_AUTH,
  CUSTOMER_API_PREFIX,
  customerPath,
  FIXED_NOW,
  ORIGIN,
  oauthTokens,
  REDIRECT,
  setup,
} from './gong-helpers.ts';

const form = (p: Record<string, string>) => ({
  body: new URLSearchParams(p).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

describe('Gong access keys (Basic)', () => {
  test('the demo key works on the token host and on the customer API base', async () => {
    const s = setup();
    for (const prefix of ['', CUSTOMER_API_PREFIX]) {
      const r = await s.get(`${prefix}/v2/users/${GONG_SEED.users.dana}`);
      assert.equal(r.status, 200);
      assert.equal(r.body.user.firstName, 'Dana');
      assert.match(r.body.requestId, /^[0-9a-z]{19}$/);
    }
  });

  test("a wrong secret, an unknown key, no header and an odd scheme are 401 in Gong's error shape", async () => {
    const s = setup();
    const cases: [string | null, RegExp][] = [
      [basic(s.state.apiKeys.keys().next().value!, 'wrong'), /access key or the access key secret is not valid/],
      [basic('NOPE', 'x'), /not valid/],
      [null, /Authorization header is missing/],
      ['Token abc', /unsupported Authorization header/],
    ];
    for (const [auth, message] of cases) {
      const r = await s.get('/v2/workspaces', { auth });
      assert.equal(r.status, 401);
      assert.equal(typeof r.body.requestId, 'string');
      assert.equal(r.body.errors.length, 1);
      assert.match(r.body.errors[0], message);
    }
  });
});

describe('Gong OAuth', () => {
  test('consent page lists the technical administrators when no approve_as is given', async () => {
    const s = setup();
    const q = new URLSearchParams({ client_id: 'switchboard-demo-app', response_type: 'code', redirect_uri: REDIRECT });
    const r = await s.call('GET', `/oauth2/authorize?${q}`, { auth: null });
    assert.equal(r.status, 200);
    assert.match(r.body, /Dana Whitfield/);
    assert.match(r.body, /Elena Novak/);
    assert.doesNotMatch(r.body, /Priya Raman/, 'only technical administrators can approve');
    assert.match(r.body, /approve_as=/);
  });

  test('code exchange gives a bearer token whose api_base_url_for_customer differs from the token host', async () => {
    const s = setup();
    const t = await oauthTokens(s, {
      approveAs: 'dana.whitfield@switchboard-demo.example',
      scopes: ['api:users:read'],
    });
    assert.equal(t.status, 200);
    assert.equal(t.body.token_type, 'bearer');
    assert.equal(t.body.expires_in, 86_400);
    assert.equal(t.body.scope, 'api:users:read');
    assert.equal(t.headers.get('cache-control'), 'no-store');
    assert.equal(t.body.api_base_url_for_customer, `${ORIGIN}/emulators/gong${CUSTOMER_API_PREFIX}`);
    const bearer = `Bearer ${t.body.access_token}`;
    const ok = await s.get(customerPath(t.body, '/v2/users'), { auth: bearer });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.users.length, 8);
    // The same token on the token host fails, as a wrong regional host does with Gong.
    const wrong = await s.get('/v2/users', { auth: bearer });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body.errors[0], /access token has been revoked.*api_base_url_for_customer/);
  });

  test('a token without the endpoint scope gets 403 naming the missing scope', async () => {
    const s = setup();
    const t = await oauthTokens(s, { approveAs: GONG_SEED.users.dana, scopes: ['api:users:read'] });
    const r = await s.get(customerPath(t.body, '/v2/workspaces'), { auth: `Bearer ${t.body.access_token}` });
    assert.equal(r.status, 403);
    assert.match(r.body.errors[0], /'api:workspaces:read'/);
  });

  test('media URLs in extensive calls need api:calls:read:media-url as well', async () => {
    const s = setup();
    const t = await oauthTokens(s, { approveAs: GONG_SEED.users.dana, scopes: ['api:calls:read:extensive'] });
    const auth = `Bearer ${t.body.access_token}`;
    const path = customerPath(t.body, '/v2/calls/extensive');
    const filter = { callIds: [GONG_SEED.calls.latestExternal] };
    assert.equal((await s.post(path, { filter }, { auth })).status, 200);
    const r = await s.post(path, { filter, contentSelector: { exposedFields: { media: true } } }, { auth });
    assert.equal(r.status, 403);
    assert.match(r.body.errors[0], /api:calls:read:media-url/);
  });

  test('refresh tokens are single use: the new pair works, the old refresh token is invalid_grant', async () => {
    const s = setup();
    const t = await oauthTokens(s, { approveAs: GONG_SEED.users.elena });
    const refresh = (token: string) =>
      s.call('POST', '/oauth2/generate-customer-token', {
        auth: CLIENT_AUTH,
        ...form({ grant_type: 'refresh_token', refresh_token: token }),
      });
    const r1 = await refresh(t.body.refresh_token);
    assert.equal(r1.status, 200);
    assert.notEqual(r1.body.refresh_token, t.body.refresh_token);
    assert.notEqual(r1.body.access_token, t.body.access_token);
    assert.equal(r1.body.api_base_url_for_customer, t.body.api_base_url_for_customer);
    const again = await refresh(t.body.refresh_token);
    assert.equal(again.status, 400);
    assert.deepEqual(again.body, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    const r2 = await refresh(r1.body.refresh_token);
    assert.equal(r2.status, 200);
    const ok = await s.get(customerPath(r2.body, '/v2/workspaces'), { auth: `Bearer ${r2.body.access_token}` });
    assert.equal(ok.status, 200);
  });

  test("parameters in the query string work too (as in Gong's article)", async () => {
    const s = setup();
    const t = await oauthTokens(s, { approveAs: GONG_SEED.users.dana });
    const q = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: t.body.refresh_token });
    const r = await s.call('POST', `/oauth2/generate-customer-token?${q}`, { auth: CLIENT_AUTH });
    assert.equal(r.status, 200);
  });

  test('codes are single use and bound to the redirect_uri; client authentication is required', async () => {
    const s = setup();
    const q = new URLSearchParams({
      client_id: 'switchboard-demo-app',
      response_type: 'code',
      redirect_uri: REDIRECT,
      approve_as: GONG_SEED.users.dana,
      state: 's1',
    });
    const consent = await s.call('GET', `/oauth2/authorize?${q}`, { auth: null });
    assert.equal(consent.status, 302);
    const loc = new URL(consent.headers.get('location')!);
    assert.equal(loc.searchParams.get('state'), 's1');
    const code = loc.searchParams.get('code')!;
    const exchange = (auth: string | null, redirect = REDIRECT) =>
      s.call('POST', '/oauth2/generate-customer-token', {
        auth,
        ...form({ grant_type: 'authorization_code', code, redirect_uri: redirect }),
      });
    assert.equal((await exchange(null)).status, 401);
    assert.equal((await exchange(basic('switchboard-demo-app', 'wrong'))).body.error, 'invalid_client');
    const mismatch = await exchange(CLIENT_AUTH, 'http://127.0.0.1:4567/other');
    assert.equal(mismatch.status, 400);
    assert.match(mismatch.body.error_description, /redirect_uri/);
    assert.equal((await exchange(CLIENT_AUTH)).status, 200);
    const reused = await exchange(CLIENT_AUTH);
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error, 'invalid_grant');
    const bad = await s.call('POST', '/oauth2/generate-customer-token', {
      auth: CLIENT_AUTH,
      ...form({ grant_type: 'password' }),
    });
    assert.equal(bad.body.error, 'unsupported_grant_type');
  });

  test('consent: non-admins are refused, unknown scopes and clients too, foreign redirect URIs are not redirected to', async () => {
    const s = setup();
    const t = await oauthTokens(s, { approveAs: GONG_SEED.users.priya });
    assert.equal(t.status, 302);
    const denied = new URL(t.headers.get('location')!);
    assert.equal(denied.searchParams.get('error'), 'access_denied');
    assert.match(denied.searchParams.get('error_description')!, /technical administrator/);
    const scope = await oauthTokens(s, { approveAs: GONG_SEED.users.dana, scopes: ['api:everything'] });
    assert.equal(new URL(scope.headers.get('location')!).searchParams.get('error'), 'invalid_scope');
    const foreign = await oauthTokens(s, { approveAs: GONG_SEED.users.dana, redirectUri: 'https://evil.example/cb' });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.headers.get('location'), null);
    const client = await s.call('GET', '/oauth2/authorize?client_id=nope&response_type=code&redirect_uri=x', {
      auth: null,
    });
    assert.equal(client.status, 400);
    assert.equal(client.body.error, 'invalid_client');
  });

  test('access tokens expire after expires_in (emulator clock)', async () => {
    let now = FIXED_NOW.getTime();
    const s = setup({ now: () => new Date(now), tokenTtlSeconds: 60 });
    const t = await oauthTokens(s, { approveAs: GONG_SEED.users.dana });
    const auth = `Bearer ${t.body.access_token}`;
    assert.equal((await s.get(customerPath(t.body, '/v2/workspaces'), { auth })).status, 200);
    now += 61_000;
    const r = await s.get(customerPath(t.body, '/v2/workspaces'), { auth });
    assert.equal(r.status, 401);
    assert.match(r.body.errors[0], /expired/);
  });
});
