import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, request } from 'undici';

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document, MCP authorization 2025-11-25
 * "Client ID Metadata Documents"): a `client_id` that is an https URL names a JSON document, published by the
 * client, that describes it. Fetching a URL chosen by an unauthenticated party is a server-side request forgery
 * risk, so the fetch (draft §6 "Security Considerations", "Server-Side Request Forgery"):
 * - connects only to public unicast addresses, checked at connect time on every resolved address, so a DNS
 *   answer that changes between check and use (rebinding) cannot reach an internal host;
 * - follows no redirects at all;
 * - stops after 5 seconds and 5 KiB;
 * - sends no credentials and no cookies.
 * Loopback is reachable only with SWITCHBOARD_OAUTH_CIMD_ALLOW_LOOPBACK (tests and development).
 */

export const CIMD_MAX_BYTES = 5 * 1024;
export const CIMD_TIMEOUT_MS = 5000;

export class CimdError extends Error {}

// Special-purpose address ranges (IANA IPv4 and IPv6 Special-Purpose Address Registries): never fetched.
const special = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  special.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  special.addSubnet(net, prefix, 'ipv6');
}

const isLoopback = (address: string): boolean =>
  address === '::1' || (isIP(address) === 4 && address.startsWith('127.'));

/** Whether the fetcher may connect to this address. */
export function addressAllowed(address: string, allowLoopback: boolean): boolean {
  let a = address.toLowerCase();
  // IPv4-mapped and NAT64 (64:ff9b::/96) addresses are judged by the IPv4 address inside.
  const mapped = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) a = mapped[1]!;
  else if (/^(?:::ffff:|64:ff9b::)[0-9a-f]{1,4}:[0-9a-f]{1,4}$/.test(a)) {
    const parts = a.split(':');
    const hi = Number.parseInt(parts.at(-2)!, 16);
    const lo = Number.parseInt(parts.at(-1)!, 16);
    a = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  const family = isIP(a);
  if (family === 0) return false;
  if (allowLoopback && isLoopback(a)) return true;
  return !special.check(a, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether `clientId` is a client ID metadata document URL (else it is a registered client id). */
export function isMetadataDocumentUrl(clientId: string, allowLoopback: boolean): boolean {
  return (
    clientId.startsWith('https://') ||
    (allowLoopback && /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(clientId))
  );
}

/** Draft §3: the URL's own requirements. Returns a problem, or undefined when the URL is acceptable. */
export function metadataUrlProblem(clientId: string, allowLoopback: boolean): string | undefined {
  if (clientId.length > 2000) return 'the client_id URL is too long';
  if (!URL.canParse(clientId)) return 'the client_id URL is not a valid URL';
  const u = new URL(clientId);
  const loopbackHttp =
    allowLoopback && u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !loopbackHttp) return 'a client_id URL must use https';
  if (u.username || u.password) return 'a client_id URL must not contain user information';
  if (clientId.includes('#')) return 'a client_id URL must not contain a fragment';
  if (u.pathname === '/' || u.pathname === '') return 'a client_id URL must contain a path';
  // No dot segments, no odd spellings: the URL must be written in its normalised form.
  if (u.href !== clientId) return 'a client_id URL must be in normalised form (no dot segments, lowercase host)';
  return undefined;
}

function guardedLookup(allowLoopback: boolean) {
  return (
    hostname: string,
    options: { all?: boolean },
    callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      // Every address must be allowed, not just the first: the connection may try any of them.
      if (addresses.length === 0 || addresses.some((a) => !addressAllowed(a.address, allowLoopback))) {
        return callback(new CimdError(`${hostname} resolves to an address that is not publicly routable`), []);
      }
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

export interface MetadataDocument {
  document: Record<string, unknown>;
  /** Seconds the response may be cached, from its Cache-Control (clamped by the caller). */
  maxAgeSeconds: number | undefined;
}

export interface MetadataFetcher {
  fetch(url: string): Promise<MetadataDocument>;
  close(): Promise<void>;
}

export function createMetadataFetcher(opts: { allowLoopback: boolean }): MetadataFetcher {
  const agent = new Agent({
    connect: { lookup: guardedLookup(opts.allowLoopback) as never, timeout: CIMD_TIMEOUT_MS },
    headersTimeout: CIMD_TIMEOUT_MS,
    bodyTimeout: CIMD_TIMEOUT_MS,
    maxResponseSize: CIMD_MAX_BYTES,
    keepAliveTimeout: 1000,
    connections: 8,
  });
  return {
    async fetch(url) {
      const problem = metadataUrlProblem(url, opts.allowLoopback);
      if (problem) throw new CimdError(problem);
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      // An IP literal never goes through the lookup: check it here.
      if (isIP(host) !== 0 && !addressAllowed(host, opts.allowLoopback)) {
        throw new CimdError('the client_id URL points to an address that is not publicly routable');
      }
      let res: Awaited<ReturnType<typeof request>>;
      try {
        res = await request(url, {
          method: 'GET',
          dispatcher: agent,
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(CIMD_TIMEOUT_MS),
        });
      } catch (e) {
        throw new CimdError(
          e instanceof CimdError ? e.message : `the client metadata document could not be fetched (${errorName(e)})`,
        );
      }
      try {
        if (res.statusCode >= 300 && res.statusCode < 400) {
          throw new CimdError('the client metadata document URL redirects; redirects are not followed');
        }
        if (res.statusCode !== 200) throw new CimdError(`the client metadata document answered HTTP ${res.statusCode}`);
        const type = String(res.headers['content-type'] ?? '');
        if (!/^application\/([a-z0-9.+-]+\+)?json\b/i.test(type)) {
          throw new CimdError('the client metadata document is not served as application/json');
        }
        const length = Number(res.headers['content-length'] ?? 0);
        if (length > CIMD_MAX_BYTES)
          throw new CimdError(`the client metadata document exceeds ${CIMD_MAX_BYTES} bytes`);
        let text: string;
        try {
          text = await res.body.text();
        } catch (e) {
          throw new CimdError(
            `the client metadata document could not be read (${errorName(e)}, limit ${CIMD_MAX_BYTES} bytes)`,
          );
        }
        let document: unknown;
        try {
          document = JSON.parse(text);
        } catch {
          throw new CimdError('the client metadata document is not valid JSON');
        }
        if (typeof document !== 'object' || document === null || Array.isArray(document)) {
          throw new CimdError('the client metadata document is not a JSON object');
        }
        return { document: document as Record<string, unknown>, maxAgeSeconds: maxAge(res.headers['cache-control']) };
      } finally {
        res.body.resume();
      }
    },
    close: () => agent.close(),
  };
}

function maxAge(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  if (/\b(no-store|no-cache)\b/i.test(value)) return 0;
  const m = /\bmax-age=(\d+)/i.exec(value);
  return m ? Number(m[1]) : undefined;
}

const errorName = (e: unknown): string =>
  e instanceof Error ? ((e as { code?: string }).code ?? e.name) : 'unknown error';
