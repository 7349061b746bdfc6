import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addressAllowed, isMetadataDocumentUrl, metadataUrlProblem } from '../../src/oauth-server/cimd.ts';
import { createServerOrigins } from '../../src/oauth-server/origins.ts';
import { createRateLimiter } from '../../src/oauth-server/rate-limit.ts';
import { redirectUriMatches, redirectUriProblem } from '../../src/oauth-server/redirect-uris.ts';
import { parseResource, resourceCovers } from '../../src/oauth-server/resource.ts';
import { parseScope } from '../../src/oauth-server/scopes.ts';
import { safeReturnTo } from '../../src/web/session.ts';

describe('redirect URI rules (RFC 8252, OAuth 2.1)', () => {
  test('accepted kinds', () => {
    for (const [uri, kind] of [
      ['http://127.0.0.1:33418/callback', 'loopback'],
      ['http://127.0.0.1/callback', 'loopback'],
      ['http://[::1]:5000/cb', 'loopback'],
      ['http://localhost:3334/oauth/callback', 'loopback'],
      ['https://app.example.com/oauth/callback?x=1', 'https'],
      ['com.example.app:/oauth2redirect', 'private-use'],
      ['cursor://anysphere.cursor-mcp/oauth/callback', 'private-use'],
    ] as const) {
      assert.deepEqual(redirectUriProblem(uri), { kind }, uri);
    }
  });

  test('refused', () => {
    for (const uri of [
      'http://example.com/cb',
      'http://127.0.0.2/cb',
      'http://localhost.evil.example/cb',
      'https://app.example.com/cb#frag',
      'https://user:pw@app.example.com/cb',
      'javascript:alert(1)',
      'data:text/html,hi',
      'file:///etc/passwd',
      'myapp:/cb',
      '/relative',
      'https://app.example.com/ cb',
      '',
    ]) {
      assert.ok('error' in redirectUriProblem(uri), uri);
    }
  });

  test('matching: exact, except the port of loopback URIs', () => {
    const registered = ['http://127.0.0.1:4000/callback', 'https://app.example.com/cb', 'http://localhost/cb'];
    assert.ok(redirectUriMatches(registered, 'http://127.0.0.1:59999/callback'));
    assert.ok(redirectUriMatches(registered, 'http://127.0.0.1/callback'));
    assert.ok(redirectUriMatches(registered, 'http://localhost:3334/cb'));
    assert.ok(redirectUriMatches(registered, 'https://app.example.com/cb'));
    assert.ok(!redirectUriMatches(registered, 'https://app.example.com:8443/cb'), 'no port freedom for https');
    assert.ok(!redirectUriMatches(registered, 'https://app.example.com/cb/'));
    assert.ok(!redirectUriMatches(registered, 'http://127.0.0.1:4000/callback?x=1'));
    assert.ok(!redirectUriMatches(registered, 'http://127.0.0.1:4000/Callback'));
    assert.ok(!redirectUriMatches(registered, 'http://127.0.0.1:4000/x/../callback'), 'dot segments as written');
    assert.ok(!redirectUriMatches(registered, 'http://localhost:4000/callback'), 'localhost is not 127.0.0.1');
    assert.ok(!redirectUriMatches(registered, 'http://127.0.0.1:4000/callback#x'));
  });
});

describe('scopes, resources, return paths', () => {
  test('scope parsing: default, known, unknown, offline_access dropped', () => {
    assert.deepEqual(parseScope(undefined), { scopes: ['tools:use'] });
    assert.deepEqual(parseScope('connections:manage tools:use'), { scopes: ['tools:use', 'connections:manage'] });
    assert.deepEqual(parseScope('offline_access tools:use'), { scopes: ['tools:use'] });
    assert.ok('error' in parseScope('tools:use admin'));
    assert.ok('error' in parseScope('tools:use "x"'));
  });

  test('resources: this server’s /mcp tree only; audience coverage by path', () => {
    const ours = new Set(['http://127.0.0.1:8787', 'http://localhost:8787']);
    assert.deepEqual(parseResource('http://127.0.0.1:8787/mcp/', ours), { resource: 'http://127.0.0.1:8787/mcp' });
    assert.deepEqual(parseResource('http://localhost:8787/mcp/gong', ours), {
      resource: 'http://localhost:8787/mcp/gong',
    });
    for (const bad of [
      'https://other.example/mcp',
      'http://127.0.0.1:8788/mcp',
      'http://127.0.0.1:8787/mcpx',
      'http://127.0.0.1:8787/',
      'http://127.0.0.1:8787/mcp#f',
      'http://127.0.0.1:8787/mcp?q=1',
      'http://127.0.0.1:8787/mcp/../admin',
      'not a url',
    ]) {
      assert.ok('error' in parseResource(bad, ours), bad);
    }
    assert.ok(resourceCovers('http://h/mcp', 'http://h/mcp/confluence'));
    assert.ok(resourceCovers('http://h/mcp/confluence', 'http://h/mcp/confluence'));
    assert.ok(!resourceCovers('http://h/mcp/confluence', 'http://h/mcp'));
    assert.ok(!resourceCovers('http://h/mcp/confluence', 'http://h/mcp/confluence-x'));
    assert.ok(!resourceCovers('http://h/mcp', 'http://other/mcp'));
  });

  test('origins: loopback aliases only without a configured public URL', () => {
    const local = createServerOrigins(
      () => 'http://127.0.0.1:8787',
      () => 8787,
      { publicUrlConfigured: false },
    );
    assert.equal(local.forHost('localhost:8787'), 'http://localhost:8787');
    assert.equal(local.forHost('evil.example'), 'http://127.0.0.1:8787');
    assert.ok(local.isOurHost('[::1]:8787') && !local.isOurHost('evil.example'));
    const pub = createServerOrigins(
      () => 'https://gw.example.com',
      () => 8787,
      { publicUrlConfigured: true },
    );
    assert.equal(pub.forHost('127.0.0.1:8787'), 'https://gw.example.com', 'a proxy rewriting Host changes nothing');
    assert.deepEqual([...pub.all()], ['https://gw.example.com']);
  });

  test('return paths after sign-in are local only', () => {
    assert.equal(safeReturnTo('/oauth/authorize?x=1'), '/oauth/authorize?x=1');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:x', '', '/a\nb']) {
      assert.equal(safeReturnTo(bad), undefined, bad);
    }
  });

  test('rate limiter: a fixed window per key', () => {
    const limiter = createRateLimiter(2, 60_000);
    assert.equal(limiter.hit('a'), 0);
    assert.equal(limiter.hit('a'), 0);
    assert.ok(limiter.hit('a') > 0);
    assert.equal(limiter.hit('b'), 0);
    limiter.reset('a');
    assert.equal(limiter.hit('a'), 0);
  });
});

describe('client ID metadata document URLs and addresses (SSRF)', () => {
  test('only public unicast addresses, loopback under the development flag', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700::1111']) assert.ok(addressAllowed(a, false), a);
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:a9fe:a9fe',
      '64:ff9b::10.0.0.1',
      '224.0.0.1',
      'not-an-ip',
    ]) {
      assert.ok(!addressAllowed(a, false), a);
    }
    assert.ok(addressAllowed('127.0.0.1', true));
    assert.ok(!addressAllowed('10.0.0.1', true), 'the flag opens loopback only');
  });

  test('URL requirements (https, a path, normalised, no fragment or user info)', () => {
    assert.equal(metadataUrlProblem('https://client.example/oauth/metadata.json', false), undefined);
    for (const bad of [
      'http://client.example/meta.json',
      'https://client.example/',
      'https://client.example',
      'https://u:p@client.example/m.json',
      'https://client.example/a/../m.json',
      'https://CLIENT.example/m.json',
      'https://client.example/m.json#x',
    ]) {
      assert.ok(metadataUrlProblem(bad, false), bad);
    }
    assert.ok(isMetadataDocumentUrl('https://client.example/m.json', false));
    assert.ok(!isMetadataDocumentUrl('http://127.0.0.1:9/m.json', false));
    assert.ok(isMetadataDocumentUrl('http://127.0.0.1:9/m.json', true));
    assert.equal(metadataUrlProblem('http://127.0.0.1:9/m.json', true), undefined);
    assert.ok(!isMetadataDocumentUrl('sbc_abc', true));
  });
});
