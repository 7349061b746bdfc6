import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { mcpPost } from './helpers.ts';

/** Behind a TLS-terminating proxy: SWITCHBOARD_PUBLIC_URL is the only origin, cookies are __Host- and Secure. */
describe('with an https public URL (reverse proxy)', () => {
  const publicUrl = 'https://gateway.example.test';
  let gw: TestGateway;
  let local: string;
  before(async () => {
    gw = await startTestGateway({ SWITCHBOARD_PUBLIC_URL: publicUrl });
    local = `http://127.0.0.1:${gw.gateway.port}`;
  });
  after(() => gw.close());

  test('discovery uses the public origin whatever Host the proxy forwards', async () => {
    const res = await mcpPost(`${local}/mcp/confluence`);
    assert.equal(res.status, 401);
    assert.match(
      res.headers.get('www-authenticate') ?? '',
      /resource_metadata="https:\/\/gateway\.example\.test\/\.well-known\/oauth-protected-resource\/mcp\/confluence"/,
    );
    const prm = (await (await fetch(`${local}/.well-known/oauth-protected-resource/mcp/confluence`)).json()) as {
      resource: string;
      authorization_servers: string[];
    };
    assert.equal(prm.resource, `${publicUrl}/mcp/confluence`);
    assert.deepEqual(prm.authorization_servers, [publicUrl]);
    const as = (await (await fetch(`${local}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
    assert.equal(as.issuer, publicUrl);
  });

  test('the session cookie is __Host-, Secure, HttpOnly, SameSite=Lax', async () => {
    const res = await fetch(`${local}/login`);
    const cookie = res.headers.getSetCookie().join('\n');
    assert.match(cookie, /^__Host-sb_session=[A-Za-z0-9_-]{43};/);
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Lax/);
    assert.match(cookie, /; Path=\//);
  });

  test('a resource on a loopback origin is not this server’s MCP URL', async () => {
    const reg = await fetch(`${local}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:9/cb'] }),
    });
    const { client_id } = (await reg.json()) as { client_id: string };
    const u = new URL(`${local}/oauth/authorize`);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id,
      redirect_uri: 'http://127.0.0.1:9/cb',
      code_challenge: 'A'.repeat(43),
      code_challenge_method: 'S256',
      resource: `${local}/mcp/confluence`,
    })) {
      u.searchParams.set(k, v);
    }
    const res = await fetch(u, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(new URL(res.headers.get('location')!).searchParams.get('error'), 'invalid_target');
  });
});
