import { randomBytes } from 'node:crypto';
import type { Credentials } from '../connections/index.ts';
import type { HttpMapping, MultipartPart, QueryValue } from '../toolkits/define.ts';

/** Builds the upstream URL, headers and body of one tool call from its declaration. */
export function buildRequest(
  mapping: HttpMapping<Record<string, unknown>>,
  input: Record<string, unknown>,
  baseUrl: string,
  credentials: Credentials,
  cursor?: { in: 'query' | 'body'; param: string; value: string },
): { method: string; url: string; headers: Record<string, string>; body?: string | Uint8Array } {
  const path = mapping.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(String(input[name])));
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  const query: Record<string, QueryValue> =
    typeof mapping.query === 'function'
      ? mapping.query(input)
      : Object.fromEntries(
          Object.entries(mapping.query ?? {}).map(([param, field]) => [param, input[field] as QueryValue]),
        );
  if (cursor?.in === 'query') query[cursor.param] = cursor.value;
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
      if (mapping.arrayFormat === 'comma') url.searchParams.set(k, v.join(','));
      else for (const item of v) url.searchParams.append(k, String(item));
    } else url.searchParams.set(k, String(v));
  }
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'switchboard-gateway' };
  Object.assign(headers, authHeaders(credentials));
  let body: string | Uint8Array | undefined;
  if (mapping.multipart) {
    const multipart = encodeMultipart(mapping.multipart(input));
    body = multipart.body;
    headers['content-type'] = multipart.contentType;
  } else if (mapping.body) {
    let payload = mapping.body(input);
    if (cursor?.in === 'body' && payload && typeof payload === 'object') {
      payload = { ...(payload as object), [cursor.param]: cursor.value };
    }
    body = JSON.stringify(payload);
    headers['content-type'] = 'application/json';
  }
  return { method: mapping.method, url: url.toString(), headers, ...(body !== undefined ? { body } : {}) };
}

/**
 * multipart/form-data (RFC 7578): CRLF-delimited parts with a random boundary. Field names and file names are
 * quoted with `"`, CR and LF percent-encoded (the WHATWG FormData encoding), so no value can end a header early.
 */
export function encodeMultipart(parts: MultipartPart[]): { body: Buffer; contentType: string } {
  const boundary = `----switchboard${randomBytes(12).toString('hex')}`;
  const quote = (s: string) => s.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quote(part.name)}"`;
    if ('data' in part) {
      head += `; filename="${quote(part.filename)}"\r\nContent-Type: ${part.contentType.replace(/[\r\n]/g, '')}`;
      chunks.push(Buffer.from(`${head}\r\n\r\n`, 'utf8'), Buffer.from(part.data), Buffer.from('\r\n'));
    } else {
      chunks.push(Buffer.from(`${head}\r\n\r\n${part.value}\r\n`, 'utf8'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

function authHeaders(c: Credentials): Record<string, string> {
  switch (c.type) {
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` };
    case 'bearer':
      return { authorization: `Bearer ${c.token}` };
    case 'header':
      return { [c.name.toLowerCase()]: c.value };
  }
}

/** Seconds or HTTP-date (RFC 9110 §10.2.3) to milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.ceil(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const key of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur: Record<string, unknown> = obj;
  for (const key of keys.slice(0, -1)) {
    const next = cur[key];
    if (!next || typeof next !== 'object') cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[keys.at(-1)!] = value;
}
