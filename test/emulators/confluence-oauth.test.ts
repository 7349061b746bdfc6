/**
 * Atlassian OAuth 2.0 (3LO) in the Confluence emulator: authorize (consent page and automatic approval, PKCE), the
 * token endpoint (code and rotating refresh tokens with the 10-minute leeway and family invalidation), the API-host
 * form `/ex/confluence/{cloudId}`, and per-operation scopes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  CONFLUENCE_CLOUD_ID,
  CONFLUENCE_DEMO_OAUTH_CLIENT,
  CONFLUENCE_OPERATION_SCOPES,
  CONFLUENCE_ROUTES,
  CONFLUENCE_SEED,
  type ConfluenceEmulator,
  confluenceOperationScopes,
  createConfluenceEmulator,
  REFRESH_TOKEN_LEEWAY_MS,
} from '../../src/emulators/confluence/index.ts';
import { createScopeResolver } from '../../src/emulators/confluence/oauth.ts';
import { BASE, DEMO_AUTH } from './helpers.ts';

const ADA = CONFLUENCE_SEED.users.ada;
const GRACE = CONFLUENCE_SEED.users.grace;
const P = CONFLUENCE_SEED.pages;
const S = CONFLUENCE_SEED.spaces;
const CLIENT = CONFLUENCE_DEMO_OAUTH_CLIENT;
const REDIRECT = 'http://127.0.0.1:8765/callback';
const EX = `/ex/confluence/${CONFLUENCE_CLOUD_ID}`;
const MINUTE = 60_000;

const READ_SCOPES = 'read:page:confluence read:space:confluence read:confluence-user search:confluence offline_access';

// biome-ignore lint/suspicious/noExplicitAny: tests read upstream-shaped JSON; assertions check it.
type Json = any;

/** An emulator with a clock the test moves, and helpers for the OAuth endpoints and API calls. */
function oauthSetup() {
  let now = new Date('2026-06-17T12:00:00.000Z').getTime();
  const emulator: ConfluenceEmulator = createConfluenceEmulator({ now: () => new Date(now) });
  const request = (path: string, init: RequestInit = {}) => emulator.app.request(`${BASE}${path}`, init);

  const authorizeUrl = (params: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    const all: Record<string, string | undefined> = {
      audience: 'api.atlassian.com',
      client_id: CLIENT.clientId,
      scope: READ_SCOPES,
      redirect_uri: REDIRECT,
      state: 'csrf-123',
      response_type: 'code',
      prompt: 'consent',
      ...params,
    };
    for (const [k, v] of Object.entries(all)) if (v !== undefined) q.set(k, v);
    return `/oauth/authorize?${q}`;
  };
  /** Follows an authorize URL that redirects: the redirect's query parameters. */
  const authorize = async (params: Record<string, string | undefined>) => {
    const res = await request(authorizeUrl(params));
    assert.equal(res.status, 302, `authorize redirects (got ${res.status}: ${await res.clone().text()})`);
    const location = new URL(res.headers.get('location') ?? '');
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
    return location.searchParams;
  };
  const token = async (body: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
  };
  const exchange = (code: string, extra: Record<string, string> = {}) =>
    token({
      grant_type: 'authorization_code',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      code,
      redirect_uri: REDIRECT,
      ...extra,
    });
  const refresh = (refreshToken: string) =>
    token({
      grant_type: 'refresh_token',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      refresh_token: refreshToken,
    });
  /** Consent (automatic) + code exchange: the token response. */
  const login = async (scope = READ_SCOPES, as: string = ADA.email) => {
    const params = await authorize({ scope, auto_approve_as: as });
    const res = await exchange(params.get('code') ?? '');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { access_token: string; refresh_token?: string; scope: string; expires_in: number };
  };
  const api = async (method: string, path: string, auth: string | null, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (auth) headers.authorization = auth;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Json };
  };
  return {
    emulator,
    request,
    authorizeUrl,
    authorize,
    token,
    exchange,
    refresh,
    login,
    api,
    bearer: (t: string) => `Bearer ${t}`,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('3LO authorization and code exchange', () => {
  test('code → token → accessible-resources → API calls through /ex/confluence/{cloudId}', async () => {
    const o = oauthSetup();
    const params = await o.authorize({ auto_approve_as: ADA.email });
    assert.equal(params.get('state'), 'csrf-123');
    const code = params.get('code');
    assert.ok(code);

    const res = await o.exchange(code);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.expires_in, ACCESS_TOKEN_TTL_SECONDS);
    assert.equal(res.body.expires_in, 3600);
    assert.equal(res.body.scope, READ_SCOPES);
    assert.ok(res.body.refresh_token, 'offline_access gives a refresh token');
    const at = res.body.access_token as string;
    assert.equal(o.emulator.state.accessTokens.get(at), ADA.accountId, 'registered with the state');

    const resources = await o.api('GET', '/oauth/token/accessible-resources', o.bearer(at));
    assert.equal(resources.status, 200);
    assert.deepEqual(resources.body, [
      {
        id: CONFLUENCE_CLOUD_ID,
        name: 'switchboard-demo',
        url: `http://localhost${BASE}`,
        scopes: ['read:page:confluence', 'read:space:confluence', 'read:confluence-user', 'search:confluence'],
        avatarUrl: `http://localhost${BASE}/wiki/images/logo/default-space-logo.svg`,
      },
    ]);
    assert.equal(o.emulator.cloudId, CONFLUENCE_CLOUD_ID);

    const me = await o.api('GET', `${EX}/wiki/rest/api/user/current`, o.bearer(at));
    assert.equal(me.status, 200);
    assert.equal(me.body.accountId, ADA.accountId);

    const page = await o.api('GET', `${EX}/wiki/api/v2/pages/${P.architecture}?body-format=storage`, o.bearer(at));
    assert.equal(page.status, 200);
    assert.equal(page.body.id, P.architecture);
    assert.equal(page.body._links.base, `http://localhost${BASE}/wiki`, 'links point at the site, as upstream');

    // `next` stays relative to the site root: a 3LO client prefixes it with the API host form.
    const list = await o.api('GET', `${EX}/wiki/api/v2/pages?limit=2`, o.bearer(at));
    assert.equal(list.status, 200);
    assert.match(list.body._links.next, /^\/wiki\/api\/v2\/pages\?limit=2&cursor=/);
    const next = await o.api('GET', `${EX}${list.body._links.next}`, o.bearer(at));
    assert.equal(next.status, 200);
    assert.equal(next.body.results.length, 2);
    assert.notEqual(next.body.results[0].id, list.body.results[0].id);

    const search = await o.api(
      'GET',
      `${EX}/wiki/rest/api/search?cql=${encodeURIComponent('type=page')}`,
      o.bearer(at),
    );
    assert.equal(search.status, 200);
    assert.ok(search.body.results.length > 0);

    // Errors keep the Confluence body of the API style behind the prefix.
    const missingV1 = await o.api('GET', `${EX}/wiki/rest/api/search`, o.bearer(at));
    assert.equal(missingV1.status, 400);
    assert.equal(missingV1.body.statusCode, 400);
    const missingV2 = await o.api('GET', `${EX}/wiki/api/v2/pages/999999`, o.bearer(at));
    assert.equal(missingV2.status, 404);
    assert.equal(missingV2.body.errors[0].status, 404);
  });

  test('the consent page approves as the chosen user or denies; an answer is single-use', async () => {
    const o = oauthSetup();
    const page = await o.request(o.authorizeUrl({}));
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.match(html, /Switchboard \(demo\)/);
    assert.match(html, /read:space:confluence/);
    assert.match(html, new RegExp(GRACE.accountId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    const id = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(id);

    const post = (fields: Record<string, string>) =>
      o.request('/oauth/authorize', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    // Grace has no API token, but she can still grant an app access.
    const approved = await post({ request_id: id, decision: 'approve', account_id: GRACE.accountId });
    assert.equal(approved.status, 302);
    const location = new URL(approved.headers.get('location') ?? '');
    assert.equal(location.searchParams.get('state'), 'csrf-123');
    const res = await o.exchange(location.searchParams.get('code') ?? '');
    assert.equal(res.status, 200);
    const me = await o.api('GET', `${EX}/wiki/rest/api/user/current`, o.bearer(res.body.access_token));
    assert.equal(me.body.accountId, GRACE.accountId);

    const again = await post({ request_id: id, decision: 'approve', account_id: GRACE.accountId });
    assert.equal(again.status, 400, 'a consent is answered once');

    const second = /name="request_id" value="([^"]+)"/.exec(await (await o.request(o.authorizeUrl({}))).text())?.[1];
    const denied = await post({ request_id: second ?? '', decision: 'deny' });
    assert.equal(denied.status, 302);
    const deniedAt = new URL(denied.headers.get('location') ?? '');
    assert.equal(deniedAt.searchParams.get('error'), 'access_denied');
    assert.equal(deniedAt.searchParams.get('code'), null);
    assert.equal(deniedAt.searchParams.get('state'), 'csrf-123');

    const auto = await o.authorize({ auto_deny: 'true' });
    assert.equal(auto.get('error'), 'access_denied');
  });

  test('authorize refuses: unknown client and unregistered callbacks on a page, the rest on the redirect', async () => {
    const o = oauthSetup();
    const unknown = await o.request(o.authorizeUrl({ client_id: 'nope', auto_approve_as: ADA.email }));
    assert.equal(unknown.status, 400);
    assert.equal(unknown.headers.get('location'), null, 'never redirects to an unverified URI');
    assert.match(await unknown.text(), /Unknown client_id/);

    o.emulator.oauth.registerClient({
      clientId: 'strict-app',
      clientSecret: 'strict-secret',
      name: 'Strict',
      redirectUris: ['https://app.example/cb'],
      scopes: ['read:page:confluence'],
    });
    const wrongCallback = await o.request(o.authorizeUrl({ client_id: 'strict-app', auto_approve_as: ADA.email }));
    assert.equal(wrongCallback.status, 400);
    assert.match(await wrongCallback.text(), /does not match the callback URL/);
    const notConfigured = await o.request(
      o.authorizeUrl({
        client_id: 'strict-app',
        redirect_uri: 'https://app.example/cb',
        scope: 'read:page:confluence write:page:confluence',
        auto_approve_as: ADA.email,
      }),
    );
    assert.equal(notConfigured.status, 302);
    const nc = new URL(notConfigured.headers.get('location') ?? '').searchParams;
    assert.equal(nc.get('error'), 'invalid_scope');
    assert.match(nc.get('error_description') ?? '', /write:page:confluence/);

    assert.equal((await o.authorize({ response_type: 'token' })).get('error'), 'unsupported_response_type');
    assert.equal((await o.authorize({ scope: '' })).get('error'), 'invalid_scope');
    assert.equal((await o.authorize({ audience: 'example.com' })).get('error'), 'invalid_request');
    const plain = await o.authorize({ code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' });
    assert.equal(plain.get('error'), 'invalid_request');
    assert.match(plain.get('error_description') ?? '', /S256/);
    const unknownUser = await o.request(o.authorizeUrl({ auto_approve_as: 'nobody@example.com' }));
    assert.equal(unknownUser.status, 400);
  });

  test('PKCE S256: the code needs the matching verifier', async () => {
    const o = oauthSetup();
    const verifier = 'a-long-random-code-verifier-of-at-least-43-chars-0123456789';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const first = await o.authorize({
      code_challenge: challenge,
      code_challenge_method: 'S256',
      auto_approve_as: ADA.accountId,
    });
    const without = await o.exchange(first.get('code') ?? '');
    assert.equal(without.status, 403);
    assert.deepEqual(without.body, { error: 'invalid_grant', error_description: 'Invalid authorization code' });

    const second = await o.authorize({
      code_challenge: challenge,
      code_challenge_method: 'S256',
      auto_approve_as: ADA.accountId,
    });
    const wrong = await o.exchange(second.get('code') ?? '', { code_verifier: `${verifier}x` });
    assert.equal(wrong.status, 403);
    const third = await o.authorize({
      code_challenge: challenge,
      code_challenge_method: 'S256',
      auto_approve_as: ADA.accountId,
    });
    const right = await o.exchange(third.get('code') ?? '', { code_verifier: verifier });
    assert.equal(right.status, 200, JSON.stringify(right.body));
  });

  test('token endpoint errors are Atlassian-shaped; codes are single-use and expire', async () => {
    const o = oauthSetup();
    const params = await o.authorize({ auto_approve_as: ADA.email });
    const code = params.get('code') ?? '';

    const badSecret = await o.exchange(code, { client_secret: 'wrong' });
    assert.equal(badSecret.status, 401);
    assert.deepEqual(badSecret.body, { error: 'access_denied', error_description: 'Unauthorized' });
    const badRedirect = await o.exchange(code, { redirect_uri: 'http://127.0.0.1:8765/other' });
    assert.equal(badRedirect.status, 403);
    assert.equal(badRedirect.body.error, 'invalid_grant');
    const unsupported = await o.token({
      grant_type: 'password',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    });
    assert.equal(unsupported.status, 400);
    assert.equal(unsupported.body.error, 'unsupported_grant_type');
    const noCode = await o.token({
      grant_type: 'authorization_code',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      redirect_uri: REDIRECT,
    });
    assert.equal(noCode.status, 400);
    assert.equal(noCode.body.error, 'invalid_request');

    // client_secret_basic and a form body work too.
    const form = await o.request('/oauth/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }).toString(),
    });
    assert.equal(form.status, 200);
    const first = (await form.json()) as Json;

    // Replaying a code fails and revokes what it produced.
    const replay = await o.exchange(code);
    assert.equal(replay.status, 403);
    assert.deepEqual(replay.body, { error: 'invalid_grant', error_description: 'Invalid authorization code' });
    assert.equal((await o.api('GET', `${EX}/wiki/api/v2/pages`, o.bearer(first.access_token))).status, 401);
    assert.equal((await o.refresh(first.refresh_token)).status, 403);

    const late = await o.authorize({ auto_approve_as: ADA.email });
    o.advance(11 * MINUTE);
    assert.equal((await o.exchange(late.get('code') ?? '')).status, 403, 'codes expire after 10 minutes');
  });

  test('without offline_access there is no refresh token; access tokens last one hour', async () => {
    const o = oauthSetup();
    const t = await o.login('read:page:confluence');
    assert.equal(t.refresh_token, undefined);
    assert.equal(t.scope, 'read:page:confluence');
    o.advance(59 * MINUTE);
    assert.equal((await o.api('GET', `${EX}/wiki/api/v2/pages`, o.bearer(t.access_token))).status, 200);
    o.advance(MINUTE);
    const expired = await o.api('GET', `${EX}/wiki/api/v2/pages`, o.bearer(t.access_token));
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.body, { code: 401, message: 'Unauthorized' });
    assert.equal(o.emulator.state.accessTokens.has(t.access_token), false, 'unregistered once expired');
  });
});

describe('rotating refresh tokens', () => {
  test('rotation, reuse inside the leeway, then reuse after it kills the whole family', async () => {
    const o = oauthSetup();
    const t1 = await o.login();
    const rt1 = t1.refresh_token ?? '';
    const at1 = t1.access_token;

    const r2 = await o.refresh(rt1);
    assert.equal(r2.status, 200, JSON.stringify(r2.body));
    const { access_token: at2, refresh_token: rt2 } = r2.body;
    assert.ok(rt2 && rt2 !== rt1, 'a new refresh token every time');
    assert.notEqual(at2, at1);
    assert.equal(r2.body.scope, READ_SCOPES);
    assert.equal((await o.api('GET', `${EX}/wiki/api/v2/pages`, o.bearer(at2))).status, 200);
    assert.equal(
      (await o.api('GET', `${EX}/wiki/api/v2/pages`, o.bearer(at1))).status,
      200,
      'the old access token lives through the leeway',
    );

    // A retry with the old refresh token inside the 10-minute leeway works (and retires its companion token).
    o.advance(5 * MINUTE);
    const retry = await o.refresh(rt1);
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    const { access_token: at3, refresh_token: rt3 } = retry.body;
    assert.ok(rt3 && rt3 !== rt2);
    assert.equal((await o.api('GET', `${EX}/wiki/api/v2/pages`, o.bearer(at3))).status, 200);
    assert.equal((await o.api('GET', `${EX}/wiki/api/v2/pages`, o.bearer(at1))).status, 401);
    assert.equal((await o.api('GET', `${EX}/wiki/api/v2/pages`, o.bearer(at2))).status, 200);

    // The rotated-out token used after the leeway: every token of the consent dies.
    o.advance(REFRESH_TOKEN_LEEWAY_MS - 5 * MINUTE + 1);
    const reuse = await o.refresh(rt1);
    assert.equal(reuse.status, 403);
    assert.deepEqual(reuse.body, { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
    for (const at of [at2, at3]) {
      assert.equal((await o.api('GET', `${EX}/wiki/api/v2/pages`, o.bearer(at))).status, 401);
    }
    for (const rt of [rt2, rt3]) assert.equal((await o.refresh(rt)).status, 403, 'the family is invalidated');

    // Another consent is unaffected.
    const other = await o.login();
    assert.equal((await o.refresh(other.refresh_token ?? '')).status, 200);
  });

  test('a rotated access token is retired at the end of the leeway; unknown and idle refresh tokens fail', async () => {
    const o = oauthSetup();
    const t = await o.login();
    const r = await o.refresh(t.refresh_token ?? '');
    assert.equal(r.status, 200);
    o.advance(REFRESH_TOKEN_LEEWAY_MS);
    assert.equal((await o.api('GET', `${EX}/wiki/api/v2/pages`, o.bearer(t.access_token))).status, 401);
    assert.equal((await o.api('GET', `${EX}/wiki/api/v2/pages`, o.bearer(r.body.access_token))).status, 200);

    assert.equal((await o.refresh('not-a-token')).status, 403);
    const wrongClient = await o.token({
      grant_type: 'refresh_token',
      client_id: CLIENT.clientId,
      client_secret: 'nope',
      refresh_token: r.body.refresh_token,
    });
    assert.equal(wrongClient.status, 401);

    o.advance(91 * 86_400_000);
    const idle = await o.refresh(r.body.refresh_token);
    assert.equal(idle.status, 403, 'refresh tokens expire after 90 days unused');
    assert.equal(idle.body.error, 'invalid_grant');
  });

  test('reset() forgets tokens but keeps registered clients', async () => {
    const o = oauthSetup();
    o.emulator.oauth.registerClient({ clientId: 'kept', clientSecret: 's', name: 'Kept', redirectUris: 'any' });
    const t = await o.login();
    o.emulator.reset();
    assert.equal((await o.api('GET', `${EX}/wiki/api/v2/pages`, o.bearer(t.access_token))).status, 401);
    assert.equal((await o.refresh(t.refresh_token ?? '')).status, 403);
    assert.ok(o.emulator.oauth.client('kept'));
  });
});

describe('host forms and scopes', () => {
  test('a 3LO token on the site URL, Basic on the API host, or a wrong cloud id are refused', async () => {
    const o = oauthSetup();
    const t = await o.login();

    const onSite = await o.api('GET', '/wiki/api/v2/pages', o.bearer(t.access_token));
    assert.equal(onSite.status, 401);
    assert.equal(onSite.body.errors[0].status, 401);
    assert.match(onSite.body.errors[0].detail, /API host.*\/ex\/confluence\//);
    const onSiteV1 = await o.api('GET', '/wiki/rest/api/user/current', o.bearer(t.access_token));
    assert.equal(onSiteV1.status, 401);
    assert.equal(onSiteV1.body.statusCode, 401);

    const basicOnApiHost = await o.api('GET', `${EX}/wiki/api/v2/pages`, DEMO_AUTH);
    assert.equal(basicOnApiHost.status, 401);
    assert.equal(basicOnApiHost.body.code, 401);
    assert.match(basicOnApiHost.body.message, /Unauthorized/);
    const none = await o.api('GET', `${EX}/wiki/api/v2/pages`, null);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer /);
    assert.equal((await o.api('GET', `${EX}/wiki/api/v2/pages`, 'Bearer forged')).status, 401);

    const wrongCloud = await o.api(
      'GET',
      '/ex/confluence/00000000-0000-0000-0000-000000000000/wiki/api/v2/pages',
      o.bearer(t.access_token),
    );
    assert.equal(wrongCloud.status, 404);
    assert.equal(wrongCloud.body.code, 404);
    assert.match(wrongCloud.body.message, /00000000-0000-0000-0000-000000000000/);

    // Basic keeps working on the site form, and is never scope-checked.
    const created = await o.api('POST', '/wiki/api/v2/pages', DEMO_AUTH, {
      spaceId: S.ENG.id,
      title: 'Basic needs no scopes',
      body: { representation: 'storage', value: '<p>x</p>' },
    });
    assert.equal(created.status, 200);
  });

  test('each operation needs its scopes; a missing one is a 403 naming it', async () => {
    const o = oauthSetup();
    const t = await o.login('read:page:confluence');
    const auth = o.bearer(t.access_token);

    assert.equal((await o.api('GET', `${EX}/wiki/api/v2/pages/${P.architecture}`, auth)).status, 200);

    const spaces = await o.api('GET', `${EX}/wiki/api/v2/spaces`, auth);
    assert.equal(spaces.status, 403);
    assert.equal(spaces.body.code, 403);
    assert.match(spaces.body.message, /scope does not match.*read:space:confluence/);
    assert.equal(spaces.headers.get('x-failure-category'), 'FAILURE_CLIENT_SCOPE_CHECK');

    const create = await o.api('POST', `${EX}/wiki/api/v2/pages`, auth, {
      spaceId: S.ENG.id,
      title: 'Needs write',
      body: { representation: 'storage', value: '<p>x</p>' },
    });
    assert.equal(create.status, 403);
    assert.match(create.body.message, /write:page:confluence/);
    assert.equal(o.emulator.state.currentPageWithTitle(S.ENG.id, 'Needs write'), undefined, 'nothing written');

    const del = await o.api('DELETE', `${EX}/wiki/api/v2/pages/${P.architecture}`, auth);
    assert.equal(del.status, 403);
    assert.match(del.body.message, /delete:page:confluence/);
    assert.doesNotMatch(del.body.message, /read:page:confluence/, 'only the missing scopes are named');
    const search = await o.api('GET', `${EX}/wiki/rest/api/search?cql=type%3Dpage`, auth);
    assert.equal(search.status, 403);
    assert.match(search.body.message, /search:confluence/);

    // Scopes are checked before anything else of the request (an unknown id is still a 403, not a 404).
    assert.equal((await o.api('GET', `${EX}/wiki/api/v2/spaces/1`, auth)).status, 403);

    const writer = await o.login('read:page:confluence write:page:confluence delete:page:confluence');
    const made = await o.api('POST', `${EX}/wiki/api/v2/pages`, o.bearer(writer.access_token), {
      spaceId: S.ENG.id,
      title: 'Written over 3LO',
      body: { representation: 'storage', value: '<p>x</p>' },
    });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.equal(made.body.authorId, ADA.accountId);
    const gone = await o.api('DELETE', `${EX}/wiki/api/v2/pages/${made.body.id}`, o.bearer(writer.access_token));
    assert.equal(gone.status, 204);
  });

  test('/me needs read:me; tokens registered directly act on both forms with every scope', async () => {
    const o = oauthSetup();
    const without = await o.login('read:page:confluence');
    const refused = await o.api('GET', '/me', o.bearer(without.access_token));
    assert.equal(refused.status, 403);
    assert.match(refused.body.message, /read:me/);
    const withMe = await o.login('read:me', ADA.email);
    const me = await o.api('GET', '/me', o.bearer(withMe.access_token));
    assert.equal(me.status, 200);
    assert.equal(me.body.account_id, ADA.accountId);
    assert.equal(me.body.email, ADA.email);

    o.emulator.state.registerAccessToken('fixture-token', ADA.accountId);
    assert.equal((await o.api('GET', '/wiki/api/v2/spaces', 'Bearer fixture-token')).status, 200);
    assert.equal((await o.api('GET', `${EX}/wiki/api/v2/spaces`, 'Bearer fixture-token')).status, 200);
  });
});

describe('the scope table', () => {
  const MAP = fileURLToPath(new URL('../../../shared/reference/tool-endpoint-map.json', import.meta.url));
  const SPECS = fileURLToPath(new URL('../../../shared/specs/', import.meta.url));

  test('matches scopes_current of every Confluence operation in tool-endpoint-map.json', (t) => {
    if (!existsSync(MAP)) return t.skip(`${MAP} not found: check skipped`);
    const map = JSON.parse(readFileSync(MAP, 'utf8')) as {
      confluence: { method: string; path: string; scopes_current: string[] }[];
    };
    assert.ok(map.confluence.length >= 60);
    for (const op of map.confluence) {
      assert.deepEqual(
        confluenceOperationScopes(op.method, op.path),
        op.scopes_current,
        `${op.method} ${op.path}: scopes as the map says`,
      );
    }
  });

  test('matches the Current x-atlassian-oauth2-scopes of every operation of both specs', (t) => {
    const files = ['confluence-v2.openapi.json', 'confluence-v1.openapi.json'].map((f) => `${SPECS}${f}`);
    const missing = files.filter((f) => !existsSync(f));
    if (missing.length) return t.skip(`${missing.join(', ')} not found: check skipped`);
    const expected = new Map<string, string[]>();
    for (const [file, base] of [
      [files[0]!, '/wiki/api/v2'],
      [files[1]!, ''],
    ] as const) {
      const spec = JSON.parse(readFileSync(file, 'utf8')) as {
        paths: Record<string, Record<string, { 'x-atlassian-oauth2-scopes'?: { state: string; scopes: string[] }[] }>>;
      };
      for (const [path, item] of Object.entries(spec.paths)) {
        for (const [method, op] of Object.entries(item)) {
          const current = op['x-atlassian-oauth2-scopes']?.find((s) => s.state === 'Current');
          if (current) expected.set(`${method.toUpperCase()} ${base}${path}`, current.scopes);
        }
      }
    }
    assert.deepEqual(
      Object.keys(CONFLUENCE_OPERATION_SCOPES).sort(),
      [...expected.keys()].sort(),
      'one entry per operation with scopes',
    );
    for (const [op, scopes] of expected) assert.deepEqual(CONFLUENCE_OPERATION_SCOPES[op], scopes, op);
  });

  test('every emulated route has known scopes; the most literal template wins', () => {
    for (const r of CONFLUENCE_ROUTES) {
      assert.ok(confluenceOperationScopes(r.method, r.path), `${r.method} ${r.path} has scopes in the table`);
    }
    // Parameter names do not matter.
    assert.deepEqual(confluenceOperationScopes('GET', '/wiki/api/v2/pages/{pageId}'), ['read:page:confluence']);
    const resolve = createScopeResolver([
      { method: 'GET', path: '/wiki/api/v2/not-in-the-spec/{id}' },
      { method: 'GET', path: '/wiki/api/v2/custom/{id}', scopes: ['read:custom:confluence'] },
    ]);
    assert.deepEqual(resolve('POST', '/wiki/rest/api/space/_private'), {
      method: 'POST',
      path: '/wiki/rest/api/space/_private',
      scopes: ['write:confluence-space'],
    });
    assert.equal(resolve('GET', '/wiki/api/v2/pages/123/children')?.path, '/wiki/api/v2/pages/{id}/children');
    assert.equal(resolve('HEAD', '/wiki/api/v2/pages/123')?.path, '/wiki/api/v2/pages/{id}');
    assert.deepEqual(resolve('GET', '/wiki/api/v2/custom/1')?.scopes, ['read:custom:confluence']);
    assert.equal(resolve('GET', '/wiki/api/v2/not-in-the-spec/1')?.scopes, undefined);
    assert.equal(resolve('GET', '/wiki/api/v2/nothing-here'), undefined);
  });
});
