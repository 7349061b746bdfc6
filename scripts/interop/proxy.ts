import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback reverse proxy that adds `Authorization: Bearer <token>` to every request, for clients that cannot
 * send one (the conformance suite's server mode). It forwards everything else untouched, except that it
 * translates its own address back to the gateway's in `Host` and `Origin`: a request addressed to the proxy
 * reaches the gateway as if addressed to the gateway, while a foreign `Host` or `Origin` (the suite's
 * DNS-rebinding probe) passes through unchanged, so the gateway's own guard still answers it.
 */
export interface BearerProxy {
  /** `http://localhost:<port>` (the suite tests DNS-rebinding protection only for a localhost URL). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startBearerProxy(target: string, token: string): Promise<BearerProxy> {
  const up = new URL(target);
  let port = 0;
  const server: Server = createServer((req, res) => {
    const mine = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
    const headers = { ...req.headers };
    const host = headers.host?.toLowerCase();
    if (host && mine.has(host)) headers.host = `${host.slice(0, host.lastIndexOf(':'))}:${up.port}`;
    const origin = typeof headers.origin === 'string' ? headers.origin.toLowerCase() : undefined;
    if (origin) {
      try {
        const o = new URL(origin);
        if (o.protocol === 'http:' && mine.has(o.host)) headers.origin = `http://${o.hostname}:${up.port}`;
      } catch {
        // not a URL: forwarded as it is, and the gateway refuses it
      }
    }
    headers.authorization = `Bearer ${token}`;
    const upstream = request(
      { host: '127.0.0.1', port: Number(up.port), method: req.method, path: req.url, headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, upRes.headers);
        upRes.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${err.message}`);
    });
    req.pipe(upstream);
    res.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
