import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ensureUser } from '../../src/identity/index.ts';
import { authenticatePassword, hashPassword, hasPassword, setPassword } from '../../src/identity/passwords.ts';
import { sha256 } from '../../src/identity/secrets.ts';
import {
  checkCsrfToken,
  consumeLoginLink,
  createLoginLink,
  createSession,
  csrfTokenFor,
  deleteSession,
  findSession,
  peekLoginLink,
} from '../../src/identity/sessions.ts';
import { registerClient } from '../../src/oauth-server/clients.ts';
import {
  cleanupExpired,
  createPendingAuthorization,
  exchangeCode,
  issueCode,
  listUserClients,
  refreshTokens,
  revokeToken,
  revokeUserClient,
  s256,
  type TokenResponse,
  takePendingAuthorization,
  verifyAccessToken,
} from '../../src/oauth-server/tokens.ts';
import { dialects, type TestStore } from '../helpers/stores.ts';
import { pkcePair } from './helpers.ts';

const settings = {
  accessTokenTtlS: 3600,
  refreshTokenTtlS: 30 * 86_400,
  grantMaxAgeS: 90 * 86_400,
  codeTtlS: 60,
  clientRetentionDays: 30,
};
const RESOURCE = 'http://127.0.0.1:8787/mcp/confluence';
const REDIRECT = 'http://127.0.0.1:4000/callback';

for (const dialect of dialects) {
  describe(`identity and OAuth store on ${dialect.name}`, { skip: dialect.skip }, () => {
    let t: TestStore;
    let userId: string;
    let clientId: string;
    before(async () => {
      t = await dialect.open();
      userId = (await ensureUser(t.store.db, 'ada')).user.id;
      const reg = await registerClient(t.store.db, { client_name: 'Store test', redirect_uris: [REDIRECT] });
      assert.ok(!('error' in reg));
      clientId = reg.client_id;
    });
    after(async () => {
      await t?.cleanup();
    });

    const newCode = async (challenge: string, resource = RESOURCE) =>
      issueCode(t.store.db, settings, {
        userId,
        clientId,
        redirectUri: REDIRECT,
        scope: 'tools:use',
        state: undefined,
        codeChallenge: challenge,
        resource,
      });

    const newTokens = async (): Promise<TokenResponse> => {
      const { verifier, challenge } = pkcePair();
      const code = await newCode(challenge);
      const r = await exchangeCode(t.store.db, settings, {
        code,
        clientId,
        redirectUri: REDIRECT,
        codeVerifier: verifier,
        resource: undefined,
      });
      assert.ok(!('error' in r), JSON.stringify(r));
      return r;
    };

    test('passwords: scrypt with salt and parameters in the stored value; verification; no plain text', async () => {
      assert.equal(await hasPassword(t.store.db, userId), false);
      await setPassword(t.store.db, userId, 'a long enough password');
      const row = await t.store.db.selectFrom('user_passwords').selectAll().executeTakeFirstOrThrow();
      assert.match(row.hash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
      assert.ok(!row.hash.includes('a long enough password'));
      assert.notEqual(await hashPassword('same'), await hashPassword('same'), 'a fresh salt per hash');
      assert.deepEqual(await authenticatePassword(t.store.db, 'ada', 'a long enough password'), {
        id: userId,
        name: 'ada',
      });
      assert.equal(await authenticatePassword(t.store.db, 'ada', 'wrong'), undefined);
      assert.equal(await authenticatePassword(t.store.db, 'nobody', 'a long enough password'), undefined);
      await assert.rejects(() => setPassword(t.store.db, userId, 'short'), /at least 8/);
    });

    test('sessions: hashed ids, CSRF tokens bound to the session, deletion', async () => {
      const { id } = await createSession(t.store.db, userId, 3600);
      const rows = await t.store.db.selectFrom('web_sessions').selectAll().execute();
      assert.ok(rows.some((r) => r.id_hash === sha256(id)));
      assert.ok(!JSON.stringify(rows).includes(id));
      assert.equal((await findSession(t.store.db, id))?.user.name, 'ada');
      assert.ok(checkCsrfToken(id, csrfTokenFor(id)));
      assert.ok(!checkCsrfToken(id, csrfTokenFor('another-session')));
      assert.ok(!checkCsrfToken(undefined, csrfTokenFor(id)));
      await deleteSession(t.store.db, id);
      assert.equal(await findSession(t.store.db, id), undefined);
      const expired = await createSession(t.store.db, userId, -1);
      assert.equal(await findSession(t.store.db, expired.id), undefined);
    });

    test('login links work once, race-safe', async () => {
      const token = await createLoginLink(t.store.db, userId, 600);
      assert.equal((await peekLoginLink(t.store.db, token))?.id, userId);
      const results = await Promise.all([consumeLoginLink(t.store.db, token), consumeLoginLink(t.store.db, token)]);
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal(await peekLoginLink(t.store.db, token), undefined);
      const old = await createLoginLink(t.store.db, userId, -1);
      assert.equal(await consumeLoginLink(t.store.db, old), undefined);
    });

    test('pending authorizations are bound to their session and answered once', async () => {
      const req = {
        userId,
        sessionHash: 'session-a',
        clientId,
        redirectUri: REDIRECT,
        scope: 'tools:use',
        state: 's',
        codeChallenge: 'c'.repeat(43),
        resource: RESOURCE,
      };
      const id = await createPendingAuthorization(t.store.db, req);
      assert.equal(await takePendingAuthorization(t.store.db, id, 'session-b'), undefined);
      const taken = await Promise.all([
        takePendingAuthorization(t.store.db, id, 'session-a'),
        takePendingAuthorization(t.store.db, id, 'session-a'),
      ]);
      assert.equal(taken.filter(Boolean).length, 1);
      assert.equal(taken.find(Boolean)?.state, 's');
    });

    test('code exchange: PKCE S256, single use, reuse revokes the grant', async () => {
      const { verifier, challenge } = pkcePair();
      assert.equal(s256(verifier), challenge);
      const code = await newCode(challenge);
      const req = { code, clientId, redirectUri: REDIRECT, codeVerifier: verifier, resource: RESOURCE };
      const [a, b] = await Promise.all([
        exchangeCode(t.store.db, settings, req),
        exchangeCode(t.store.db, settings, req),
      ]);
      // Concurrent use of one code: one wins, then the other revokes what it got.
      const won = [a, b].find((r) => !('error' in r)) as TokenResponse | undefined;
      const lost = [a, b].find((r) => 'error' in r);
      assert.ok(won && lost);
      // Revoking a grant deletes its access tokens at once.
      assert.deepEqual(await verifyAccessToken(t.store.db, won.access_token), { error: 'unknown' });
      // Codes are stored hashed.
      const codes = await t.store.db.selectFrom('oauth_codes').selectAll().execute();
      assert.ok(!JSON.stringify(codes).includes(code));
    });

    test('an expired code is refused', async () => {
      const { verifier, challenge } = pkcePair();
      const code = await newCode(challenge);
      await t.store.db
        .updateTable('oauth_codes')
        .set({ expires_at: new Date(Date.now() - 1).toISOString() })
        .where('code_hash', '=', sha256(code))
        .execute();
      const r = await exchangeCode(t.store.db, settings, {
        code,
        clientId,
        redirectUri: REDIRECT,
        codeVerifier: verifier,
        resource: undefined,
      });
      assert.deepEqual(r, { error: 'invalid_grant', description: 'the authorization code expired' });
    });

    test('refresh rotation; reuse revokes the family, also under concurrent refreshes', async () => {
      const tokens = await newTokens();
      const info = await verifyAccessToken(t.store.db, tokens.access_token);
      assert.ok('ok' in info);
      assert.equal(info.ok.resource, RESOURCE);
      assert.deepEqual(info.ok.scopes, ['tools:use']);
      const req = { refreshToken: tokens.refresh_token, clientId, scope: undefined, resource: undefined };
      const [a, b] = await Promise.all([
        refreshTokens(t.store.db, settings, req),
        refreshTokens(t.store.db, settings, req),
      ]);
      const won = [a, b].find((r) => !('error' in r)) as TokenResponse;
      assert.ok(won);
      assert.equal([a, b].filter((r) => 'error' in r).length, 1);
      assert.deepEqual(await verifyAccessToken(t.store.db, won.access_token), { error: 'unknown' });
      const r = await refreshTokens(t.store.db, settings, { ...req, refreshToken: won.refresh_token });
      assert.ok('error' in r && r.error === 'invalid_grant');
    });

    test('refresh may narrow scope and resource, never widen them', async () => {
      const tokens = await newTokens();
      const wider = await refreshTokens(t.store.db, settings, {
        refreshToken: tokens.refresh_token,
        clientId,
        scope: 'tools:use connections:manage',
        resource: undefined,
      });
      assert.ok('error' in wider && wider.error === 'invalid_scope');
      const t2 = await newTokens();
      const other = await refreshTokens(t.store.db, settings, {
        refreshToken: t2.refresh_token,
        clientId,
        scope: undefined,
        resource: 'http://127.0.0.1:8787/mcp/gong',
      });
      assert.ok('error' in other && other.error === 'invalid_target');
    });

    test('revocation (RFC 7009) and the console listing', async () => {
      const tokens = await newTokens();
      const listed = await listUserClients(t.store.db, userId, settings);
      assert.ok(listed.some((c) => c.clientId === clientId && c.name === 'Store test'));
      assert.deepEqual(await revokeToken(t.store.db, { token: tokens.access_token, clientId: 'sbc_other' }), {
        error: 'unauthorized_client',
        description: 'the token was issued to another client',
      });
      assert.equal(await revokeToken(t.store.db, { token: tokens.access_token, clientId }), undefined);
      assert.deepEqual(await verifyAccessToken(t.store.db, tokens.access_token), { error: 'unknown' });
      const more = await newTokens();
      assert.ok((await revokeUserClient(t.store.db, userId, clientId)) >= 1);
      assert.deepEqual(await verifyAccessToken(t.store.db, more.access_token), { error: 'unknown' });
      assert.equal((await listUserClients(t.store.db, userId, settings)).length, 0);
    });

    test('cleanup removes expired state and unused registrations, keeps clients with grants', async () => {
      const stale = await registerClient(t.store.db, { redirect_uris: [REDIRECT] });
      assert.ok(!('error' in stale));
      const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
      await t.store.db
        .updateTable('oauth_clients')
        .set({ created_at: old })
        .where('client_id', '=', stale.client_id)
        .execute();
      await cleanupExpired(t.store.db, settings);
      const ids = (await t.store.db.selectFrom('oauth_clients').select('client_id').execute()).map((r) => r.client_id);
      assert.ok(!ids.includes(stale.client_id), 'an unused registration is removed');
      assert.ok(ids.includes(clientId), 'a client that holds grants stays');
    });
  });
}
