/**
 * Getting the bytes of a call recording for `gong_add_call_media`: downloaded from a URL the caller gives, or decoded
 * from base64. The download is guarded because the URL comes from a model: http/https only, a size cap enforced
 * while streaming, a timeout, at most a few redirects (each re-checked), and no private, loopback or link-local
 * destination (checked on the resolved addresses at connect time, so DNS rebinding cannot slip through).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, request } from 'undici';
import { GatewayError } from '../../util/errors.ts';

export const mediaDownloadPolicy = {
  /** Refuse loopback, private, link-local and other non-public destinations (tests on loopback switch it off). */
  allowPrivateNetworks: false,
  /** Largest recording accepted, in bytes. */
  maxBytes: 100 * 1024 * 1024,
  timeoutMs: 30_000,
  maxRedirects: 3,
};

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** Whether an IP address is not a public internet destination. */
export function isNonPublicAddress(address: string): boolean {
  const v = isIP(address);
  if (v === 4) return blocked.check(address, 'ipv4');
  if (v === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blocked.check(mapped[1]!, 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return true;
}

const refuse = (message: string) => new GatewayError('invalid_arguments', `media_url: ${message}`);

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** `net.connect` lookup that refuses non-public addresses unless the policy allows them. */
function guardedLookup(hostname: string, options: { all?: boolean; family?: number }, cb: LookupCallback): void {
  dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses) => {
    if (err) return cb(err, '');
    const list = addresses as LookupAddress[];
    if (!mediaDownloadPolicy.allowPrivateNetworks && list.some((a) => isNonPublicAddress(a.address))) {
      const e = new Error(`${hostname} resolves to a private or local address`) as NodeJS.ErrnoException;
      e.code = 'EPRIVATEADDRESS';
      return cb(e, '');
    }
    if (list.length === 0) return cb(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
    if (options.all) return cb(null, list);
    return cb(null, list[0]!.address, list[0]!.family);
  });
}

let agent: Agent | undefined;
function downloadAgent(): Agent {
  agent ??= new Agent({
    connect: { lookup: guardedLookup as never, timeout: 10_000 },
    keepAliveTimeout: 5_000,
    connections: 8,
  });
  return agent;
}

export interface MediaFile {
  data: Buffer;
  filename: string;
  contentType: string;
}

const EXT_TYPES: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  opus: 'audio/opus',
  wma: 'audio/x-ms-wma',
  mp4: 'video/mp4',
  mkv: 'video/x-matroska',
  mov: 'video/quicktime',
  avi: 'video/x-msvideo',
  webm: 'video/webm',
  wmv: 'video/x-ms-wmv',
  m4v: 'video/x-m4v',
};

/** The media type of a file name's extension (undefined when it is not a known audio/video extension). */
export function mediaTypeOf(filename: string): string | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase();
  return ext ? EXT_TYPES[ext] : undefined;
}

function extensionOf(contentType: string): string | undefined {
  const base = contentType.split(';')[0]!.trim().toLowerCase();
  return Object.entries(EXT_TYPES).find(([, t]) => t === base)?.[0];
}

/** File name and type from what the caller said, the URL or response, and the bytes' type as a last resort. */
function nameAndType(
  opts: { filename?: string | undefined; contentType?: string | undefined },
  fallbackName: string,
  served?: string,
) {
  const servedType =
    served && !/^(application\/octet-stream|binary\/octet-stream)\b/i.test(served) ? served : undefined;
  let filename = opts.filename ?? fallbackName;
  const contentType =
    opts.contentType ?? mediaTypeOf(filename) ?? servedType?.split(';')[0]?.trim() ?? 'application/octet-stream';
  if (!/\.[A-Za-z0-9]+$/.test(filename)) {
    const ext = extensionOf(contentType);
    if (ext) filename = `${filename}.${ext}`;
  }
  return { filename, contentType };
}

/** Decodes base64 content (standard or URL-safe alphabet, whitespace ignored) within the size cap. */
export function decodeMediaBase64(
  b64: string,
  opts: { filename?: string | undefined; contentType?: string | undefined },
): MediaFile {
  const clean = b64.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean) || clean.length % 4 === 1) {
    throw new GatewayError('invalid_arguments', 'media_base64: not valid base64');
  }
  const data = Buffer.from(clean, clean.includes('-') || clean.includes('_') ? 'base64url' : 'base64');
  if (data.length === 0) throw new GatewayError('invalid_arguments', 'media_base64: the content is empty');
  if (data.length > mediaDownloadPolicy.maxBytes) {
    throw new GatewayError(
      'invalid_arguments',
      `media_base64: ${data.length} bytes is over the ${mediaDownloadPolicy.maxBytes}-byte limit`,
    );
  }
  return { data, ...nameAndType(opts, 'recording') };
}

/** Downloads a recording from an http(s) URL under the policy (size cap, timeout, redirects, public hosts only). */
export async function downloadMedia(
  rawUrl: string,
  opts: { filename?: string | undefined; contentType?: string | undefined; signal?: AbortSignal },
): Promise<MediaFile> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw refuse(`${JSON.stringify(rawUrl)} is not a URL`);
  }
  const deadline = AbortSignal.timeout(mediaDownloadPolicy.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw refuse(`only http and https URLs are fetched, not ${url.protocol}`);
    if (url.username || url.password) throw refuse('URLs with credentials are not fetched');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !mediaDownloadPolicy.allowPrivateNetworks && isNonPublicAddress(host)) {
      throw refuse(`${url.hostname} is a private or local address; give a publicly reachable URL`);
    }
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(url, {
        method: 'GET',
        dispatcher: downloadAgent(),
        signal,
        headers: { 'user-agent': 'switchboard-gateway' },
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
      const code = err.code ?? err.cause?.code;
      if (code === 'EPRIVATEADDRESS')
        throw refuse(`${url.hostname} resolves to a private or local address; give a publicly reachable URL`);
      if (deadline.aborted)
        throw refuse(`the download did not finish within ${mediaDownloadPolicy.timeoutMs / 1000} s`);
      throw refuse(`could not download ${url.origin}${url.pathname}: ${err.cause?.message ?? err.message}`);
    }
    if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
      await res.body.dump();
      if (hop >= mediaDownloadPolicy.maxRedirects)
        throw refuse(`more than ${mediaDownloadPolicy.maxRedirects} redirects`);
      url = new URL(String(res.headers.location), url);
      continue;
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw refuse(`downloading ${url.origin}${url.pathname} answered HTTP ${res.statusCode}`);
    }
    const declared = Number(res.headers['content-length'] ?? Number.NaN);
    if (declared > mediaDownloadPolicy.maxBytes) {
      await res.body.dump();
      throw refuse(`the file is ${declared} bytes, over the ${mediaDownloadPolicy.maxBytes}-byte limit`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > mediaDownloadPolicy.maxBytes) {
        res.body.destroy();
        throw refuse(`the file is over the ${mediaDownloadPolicy.maxBytes}-byte limit`);
      }
      chunks.push(chunk as Buffer);
    }
    if (size === 0) throw refuse('the downloaded file is empty');
    const served = res.headers['content-type'];
    const fromPath = decodeURIComponent(url.pathname.split('/').pop() ?? '') || 'recording';
    const disposition = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(
      String(res.headers['content-disposition'] ?? ''),
    )?.[1];
    return {
      data: Buffer.concat(chunks),
      ...nameAndType(
        opts,
        disposition ? decodeURIComponent(disposition) : fromPath,
        typeof served === 'string' ? served : undefined,
      ),
    };
  }
}
