/**
 * The upstream HTTP client against real local servers: GETs follow redirects (credentials kept on the same origin,
 * dropped on another), writes never do, the hop count is bounded, and file downloads stay bytes whatever their type.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createHttpClient, MAX_REDIRECTS } from '../../src/execution/http.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(handler: Handler): Promise<{ server: Server; origin: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('upstream HTTP client', () => {
  const http = createHttpClient();
  let upstream: { server: Server; origin: string };
  let media: { server: Server; origin: string };
  const seen: { path: string; method: string; auth: string | undefined }[] = [];
  const CSV = 'plan,price\nTeam,12\n';

  before(async () => {
    media = await listen((req, res) => {
      seen.push({ path: `media${req.url}`, method: req.method ?? '', auth: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from([0, 1, 2, 255]));
    });
    upstream = await listen((req, res) => {
      seen.push({ path: req.url ?? '', method: req.method ?? '', auth: req.headers.authorization });
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/download') {
        res.writeHead(302, { location: '/file?api=v2' }).end();
      } else if (url.pathname === '/file') {
        res.writeHead(200, { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="p.csv"' });
        res.end(CSV);
      } else if (url.pathname === '/cross') {
        res.writeHead(302, { location: `${media.origin}/blob?token=t` }).end();
      } else if (url.pathname === '/loop') {
        const n = Number(url.searchParams.get('n') ?? '0');
        res.writeHead(302, { location: `/loop?n=${n + 1}` }).end();
      } else if (url.pathname === '/json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}');
      } else {
        res.writeHead(404).end();
      }
    });
  });
  after(async () => {
    await http.close();
    upstream.server.close();
    media.server.close();
  });

  const send = (method: string, path: string, body?: string) =>
    http.send({
      method,
      url: `${upstream.origin}${path}`,
      headers: { authorization: 'Basic c2VjcmV0', ...(body ? { 'content-type': 'application/json' } : {}) },
      body,
      signal: AbortSignal.timeout(5000),
    });

  test('a GET follows a same-origin 302 with its credentials; a download stays bytes whatever its type', async () => {
    seen.length = 0;
    const res = await send('GET', '/download');
    assert.equal(res.status, 200);
    assert.ok(Buffer.isBuffer(res.body), 'Content-Disposition: attachment keeps the bytes');
    assert.equal((res.body as Buffer).toString('utf8'), CSV);
    assert.deepEqual(
      seen.map((s) => [s.path, s.auth]),
      [
        ['/download', 'Basic c2VjcmV0'],
        ['/file?api=v2', 'Basic c2VjcmV0'],
      ],
    );
  });

  test('a redirect to another origin does not carry the Authorization header', async () => {
    seen.length = 0;
    const res = await send('GET', '/cross');
    assert.equal(res.status, 200);
    assert.deepEqual([...(res.body as Buffer)], [0, 1, 2, 255]);
    assert.equal(seen[1]?.path, 'media/blob?token=t');
    assert.equal(seen[1]?.auth, undefined);
  });

  test('writes never follow redirects', async () => {
    seen.length = 0;
    const res = await send('POST', '/download', '{}');
    assert.equal(res.status, 302);
    assert.deepEqual(
      seen.map((s) => `${s.method} ${s.path}`),
      ['POST /download'],
    );
  });

  test(`at most ${MAX_REDIRECTS} hops: the next redirect is returned as is`, async () => {
    seen.length = 0;
    const res = await send('GET', '/loop');
    assert.equal(res.status, 302);
    assert.equal(seen.length, MAX_REDIRECTS + 1);
    assert.equal(res.headers.get('location'), `/loop?n=${MAX_REDIRECTS + 1}`);
  });

  test('JSON without Content-Disposition is still parsed', async () => {
    const res = await send('GET', '/json');
    assert.deepEqual(res.body, { a: 1 });
  });
});

test('JSON integers beyond 2^53 keep every digit (as strings); other numbers are untouched', async () => {
  const { parseJson } = await import('../../src/execution/http.ts');
  assert.deepEqual(parseJson('{"callId":7782342274025221932,"n":3,"f":1.5e300,"s":"12345678901234567890"}'), {
    callId: '7782342274025221932',
    n: 3,
    f: 1.5e300,
    s: '12345678901234567890',
  });
  assert.deepEqual(parseJson('[9007199254740991]'), [9007199254740991]);
});
