/**
 * Shared pieces of every upstream emulator (Confluence now, Gong later): the `Emulator` contract the gateway mounts,
 * fault injection and a switchable rate limiter (also drivable over HTTP under `{basePath}/__control`), opaque
 * cursors, query parsing helpers and error plumbing. Nothing here knows about a particular upstream: each emulator
 * supplies its own error body shape and authentication.
 */
import type { Context, Env, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';

/** What the gateway mounts: `gatewayApp.route('/', emulator.app)`. Every route of `app` is under its basePath. */
export interface Emulator {
  name: string;
  app: Hono;
  /** Back to the seeded state; also clears faults and the rate limit. */
  reset(): void;
  faults: FaultInjector;
  /** Records request/response exchanges when enabled (off by default); see `TrafficRecorder`. */
  traffic?: TrafficRecorder;
}

export interface FailNextOptions {
  /** HTTP status to answer with. */
  status: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Only requests with this method (case-insensitive). */
  method?: string;
  /** Only requests whose path (with query string) contains this. */
  pathIncludes?: string;
  /** Send `Retry-After: <seconds>`. */
  retryAfterSeconds?: number;
  /** Answer with this JSON body instead of the emulator's own error body. */
  body?: unknown;
}

export interface RateLimitOptions {
  requestsPerWindow: number;
  windowMs: number;
}

export interface FaultInjector {
  failNext(opts: FailNextOptions): void;
  /** A sliding-window limiter over authenticated requests; `null` switches it off. */
  setRateLimit(opts: RateLimitOptions | null): void;
  /** Drops pending faults and the rate limit. */
  clear(): void;
}

/** Formats an error body the way the emulated upstream does; `path` lets one emulator serve several API styles. */
export type ErrorBodyFormatter = (status: number, message: string | null, path: string) => unknown;

/** Thrown by handlers and helpers; turned into the emulator's own error body. */
export class EmulatorHttpError extends Error {
  readonly status: number;
  /** The explanation for the error body; `null` for a bare status (e.g. a plain 404). */
  readonly detail: string | null;
  readonly headers: Record<string, string>;
  constructor(status: number, detail: string | null, headers: Record<string, string> = {}) {
    super(detail ?? statusText(status));
    this.name = 'EmulatorHttpError';
    this.status = status;
    this.detail = detail;
    this.headers = headers;
  }
}

export const badRequest = (message: string) => new EmulatorHttpError(400, message);
export const notFound = (message: string | null = null) => new EmulatorHttpError(404, message);

// ---------------------------------------------------------------------------------------------------------------
// Faults and rate limit

export interface FaultDecision {
  status: number;
  headers: Record<string, string>;
  /** `undefined`: use the emulator's own error body. */
  body: unknown;
  /** Explanation for the emulator's error body (`null`: the bare status). */
  message: string | null;
}

interface PendingFault {
  status: number;
  remaining: number;
  method?: string;
  pathIncludes?: string;
  retryAfterSeconds?: number;
  body?: unknown;
  hasBody: boolean;
}

/** The injector plus what an emulator app needs to apply it. */
export interface FaultController extends FaultInjector {
  /** The fault (or 429) this request gets, if any; consumes one `failNext` use or one rate-limit slot. */
  intercept(method: string, pathWithQuery: string): FaultDecision | undefined;
  /** Rate-limit headers for a request that passed (empty when no limit is set). */
  rateLimitHeaders(): Record<string, string>;
  describe(): { pending: Omit<PendingFault, 'hasBody'>[]; rateLimit: RateLimitOptions | null };
}

export function createFaultController(clock: () => number = Date.now): FaultController {
  let pending: PendingFault[] = [];
  let limit: RateLimitOptions | null = null;
  let hits: number[] = [];

  const prune = (now: number) => {
    if (!limit) return;
    const from = now - limit.windowMs;
    while (hits.length > 0 && hits[0]! <= from) hits.shift();
  };

  return {
    failNext(opts) {
      if (!Number.isInteger(opts.status) || opts.status < 100 || opts.status > 599) {
        throw new RangeError(`failNext: status must be an HTTP status, got ${opts.status}`);
      }
      const times = opts.times ?? 1;
      if (!Number.isInteger(times) || times < 1) throw new RangeError(`failNext: times must be >= 1, got ${times}`);
      pending.push({
        status: opts.status,
        remaining: times,
        method: opts.method?.toUpperCase(),
        pathIncludes: opts.pathIncludes,
        retryAfterSeconds: opts.retryAfterSeconds,
        body: opts.body,
        hasBody: opts.body !== undefined,
      });
    },
    setRateLimit(opts) {
      if (opts && (!(opts.requestsPerWindow >= 1) || !(opts.windowMs >= 1))) {
        throw new RangeError('setRateLimit: requestsPerWindow and windowMs must be >= 1');
      }
      limit = opts ? { requestsPerWindow: Math.floor(opts.requestsPerWindow), windowMs: opts.windowMs } : null;
      hits = [];
    },
    clear() {
      pending = [];
      limit = null;
      hits = [];
    },
    intercept(method, pathWithQuery) {
      const m = method.toUpperCase();
      const idx = pending.findIndex(
        (f) => (!f.method || f.method === m) && (!f.pathIncludes || pathWithQuery.includes(f.pathIncludes)),
      );
      if (idx >= 0) {
        const f = pending[idx]!;
        f.remaining -= 1;
        if (f.remaining <= 0) pending.splice(idx, 1);
        const headers: Record<string, string> = {};
        if (f.retryAfterSeconds !== undefined) headers['Retry-After'] = String(Math.max(0, f.retryAfterSeconds));
        return { status: f.status, headers, body: f.hasBody ? f.body : undefined, message: null };
      }
      if (!limit) return undefined;
      const now = clock();
      prune(now);
      if (hits.length >= limit.requestsPerWindow) {
        const resetAt = hits[0]! + limit.windowMs;
        const seconds = Math.max(1, Math.ceil((resetAt - now) / 1000));
        return {
          status: 429,
          headers: {
            'Retry-After': String(seconds),
            'X-RateLimit-Limit': String(limit.requestsPerWindow),
            'X-RateLimit-Remaining': '0',
            'X-RateLimit-Reset': new Date(resetAt).toISOString(),
          },
          body: undefined,
          message: 'Rate limit exceeded',
        };
      }
      hits.push(now);
      return undefined;
    },
    rateLimitHeaders(): Record<string, string> {
      if (!limit) return {};
      return {
        'X-RateLimit-Limit': String(limit.requestsPerWindow),
        'X-RateLimit-Remaining': String(Math.max(0, limit.requestsPerWindow - hits.length)),
      };
    },
    describe() {
      return {
        pending: pending.map(({ hasBody: _, ...rest }) => rest),
        rateLimit: limit ? { ...limit } : null,
      };
    },
  };
}

const failNextSchema = z.object({
  status: z.int().min(100).max(599),
  times: z.int().min(1).optional(),
  method: z.string().min(1).optional(),
  pathIncludes: z.string().min(1).optional(),
  retryAfterSeconds: z.number().min(0).optional(),
  body: z.unknown().optional(),
});
const rateLimitSchema = z.object({ requestsPerWindow: z.int().min(1), windowMs: z.number().min(1) });
const controlFaultsSchema = z.strictObject({
  failNext: z.union([failNextSchema, z.array(failNextSchema)]).optional(),
  rateLimit: rateLimitSchema.nullable().optional(),
  clear: z.literal(true).optional(),
});

// ---------------------------------------------------------------------------------------------------------------
// Traffic recording

/** How a body was captured: absent/empty, parsed JSON, text (also JSON that did not parse), or other bytes. */
export type RecordedBodyKind = 'none' | 'json' | 'text' | 'binary';

/** One request and the emulator's answer, as `TrafficRecorder` keeps it. */
export interface TrafficExchange {
  method: string;
  /**
   * Path from the emulated site root or API base (`/wiki/api/v2/pages/123`, `/v2/calls/123`), whatever host form or
   * base the request used.
   */
  path: string;
  /** Query parameters, every value of each (in order). */
  query: Record<string, string[]>;
  requestContentType: string | null;
  requestBodyKind: RecordedBodyKind;
  /** Parsed JSON (`json`), the text (`text`), `undefined` otherwise. */
  requestBody: unknown;
  status: number;
  /** Lower-case names. */
  responseHeaders: Record<string, string>;
  responseBodyKind: RecordedBodyKind;
  /** Parsed JSON (`json`), the text (`text`), `undefined` otherwise. */
  responseBody: unknown;
  /** Size of the response body in bytes. */
  responseBytes: number;
}

/**
 * An opt-in, bounded log of an emulator's traffic (control endpoints, and whatever the emulator's `trafficPath`
 * leaves out, excluded), for contract checks in tests.
 * Off by default (zero cost); `enable()` it, run the traffic, read `entries`. When full, the oldest entries go
 * and `dropped` counts them.
 */
export class TrafficRecorder {
  /** Record new requests? */
  enabled: boolean;
  /** Most entries kept. */
  readonly limit: number;
  /** Entries dropped because the log was full. */
  dropped = 0;
  #entries: TrafficExchange[] = [];

  constructor(opts: { enabled?: boolean; limit?: number } = {}) {
    this.enabled = opts.enabled ?? false;
    this.limit = opts.limit ?? 5000;
    if (!Number.isInteger(this.limit) || this.limit < 1) throw new RangeError('TrafficRecorder: limit must be >= 1');
  }

  enable(): void {
    this.enabled = true;
  }

  disable(): void {
    this.enabled = false;
  }

  /** The recorded exchanges, oldest first. */
  get entries(): readonly TrafficExchange[] {
    return this.#entries;
  }

  record(exchange: TrafficExchange): void {
    if (!this.enabled) return;
    this.#entries.push(exchange);
    if (this.#entries.length > this.limit) {
      const excess = this.#entries.length - this.limit;
      this.#entries.splice(0, excess);
      this.dropped += excess;
    }
  }

  /** Forgets every entry (and the dropped count). */
  clear(): void {
    this.#entries = [];
    this.dropped = 0;
  }

  /** The entries, then clears. */
  take(): TrafficExchange[] {
    const out = this.#entries;
    this.clear();
    return out;
  }
}

const isJsonType = (type: string) => /[/+]json\b/i.test(type);
const isTextType = (type: string) => /^text\//i.test(type) || /x-www-form-urlencoded|[/+]xml\b|javascript/i.test(type);

async function captureBody(
  source: Request | Response,
  contentType: string | null,
): Promise<{ kind: RecordedBodyKind; value: unknown; bytes: number }> {
  if (!source.body) return { kind: 'none', value: undefined, bytes: 0 };
  const buf = Buffer.from(await source.arrayBuffer());
  if (buf.length === 0) return { kind: 'none', value: undefined, bytes: 0 };
  const type = contentType ?? '';
  if (isJsonType(type)) {
    const text = buf.toString('utf8');
    try {
      return { kind: 'json', value: JSON.parse(text), bytes: buf.length };
    } catch {
      return { kind: 'text', value: text, bytes: buf.length };
    }
  }
  if (isTextType(type)) return { kind: 'text', value: buf.toString('utf8'), bytes: buf.length };
  return { kind: 'binary', value: undefined, bytes: buf.length };
}

function recorderMiddleware<E extends Env>(
  traffic: TrafficRecorder,
  basePath: string,
  sitePath: (relativePath: string) => string | undefined,
): MiddlewareHandler<E> {
  return async (c, next) => {
    if (!traffic.enabled) return next();
    const rel = relativePath(basePath, c.req.path);
    if (rel.startsWith('/__control/')) return next();
    const path = sitePath(rel);
    if (path === undefined) return next();
    const url = new URL(c.req.url);
    const requestContentType = c.req.header('content-type') ?? null;
    // A clone: the handler still reads the original body, in whatever way it likes (text, form, bytes).
    const request = await captureBody(c.req.raw.clone(), requestContentType);
    await next();
    const res = c.res;
    const response = await captureBody(res.clone(), res.headers.get('content-type'));
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) {
      const values = query[k] ?? [];
      values.push(v);
      query[k] = values;
    }
    const responseHeaders: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      responseHeaders[k.toLowerCase()] = v;
    });
    traffic.record({
      method: c.req.method,
      path,
      query,
      requestContentType,
      requestBodyKind: request.kind,
      requestBody: request.value,
      status: res.status,
      responseHeaders,
      responseBodyKind: response.kind,
      responseBody: response.value,
      responseBytes: response.bytes,
    });
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The app skeleton

export interface EmulatorAppOptions<E extends Env> {
  /** e.g. '/emulators/confluence'; every route, the control ones included, is under it. */
  basePath: string;
  faults: FaultController;
  errorBody: ErrorBodyFormatter;
  /** Back to the seeded state (the control endpoint also clears faults). */
  reset: () => void;
  /**
   * Runs before faults and the rate limiter (401 first, then 429, like Atlassian): return a Response to refuse the
   * request, or nothing to let it through (after setting context variables).
   */
  authenticate?: (c: Context<E>) => Response | undefined | Promise<Response | undefined>;
  /** Records every exchange (401s, faults and 404s included) while `traffic.enabled`. */
  traffic?: TrafficRecorder;
  /**
   * Maps a basePath-relative path to the site path recorded in `traffic` (e.g. drops an API-host prefix); `undefined`
   * leaves the request out of the log (e.g. OAuth endpoints, signed media URLs).
   */
  trafficPath?: (relativePath: string) => string | undefined;
}

/** Path of a request relative to the emulator's basePath ('/wiki/api/v2/pages'). */
export function relativePath(basePath: string, path: string): string {
  const base = normalizeBasePath(basePath);
  return base && path.startsWith(base) ? path.slice(base.length) || '/' : path;
}

export function normalizeBasePath(basePath: string): string {
  const trimmed = basePath.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** JSON error response in the emulator's shape. */
export function errorResponse(
  c: Context,
  errorBody: ErrorBodyFormatter,
  status: number,
  message: string | null,
  headers: Record<string, string> = {},
  basePath = '',
): Response {
  const body = errorBody(status, message, relativePath(basePath, c.req.path));
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json;charset=UTF-8', ...headers },
  });
}

/**
 * A Hono app under `basePath` with the control endpoints, authentication, faults and rate limiting in front of
 * every other route, and errors (thrown `EmulatorHttpError`s included) answered in the emulator's shape.
 * Add the emulator's routes, then call `finishEmulatorApp` for the catch-all 404.
 */
export function createEmulatorApp<E extends Env = Env>(opts: EmulatorAppOptions<E>): Hono<E> {
  const basePath = normalizeBasePath(opts.basePath);
  const app = basePath ? new Hono<E>().basePath(basePath) : new Hono<E>();
  const fail = (c: Context, status: number, message: string | null, headers: Record<string, string> = {}) =>
    errorResponse(c, opts.errorBody, status, message, headers, basePath);

  if (opts.traffic) app.use('*', recorderMiddleware<E>(opts.traffic, basePath, opts.trafficPath ?? ((p) => p)));

  app.post('/__control/faults', async (c) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return c.json({ error: 'invalid_json', message: 'send a JSON object' }, 400);
    }
    const parsed = controlFaultsSchema.safeParse(raw);
    if (!parsed.success) {
      return c.json({ error: 'invalid_request', message: z.prettifyError(parsed.error) }, 400);
    }
    const { failNext, rateLimit, clear } = parsed.data;
    if (clear) opts.faults.clear();
    if (rateLimit !== undefined) opts.faults.setRateLimit(rateLimit);
    for (const f of failNext === undefined ? [] : Array.isArray(failNext) ? failNext : [failNext]) {
      opts.faults.failNext(f);
    }
    return c.json({ ok: true, ...opts.faults.describe() });
  });
  app.get('/__control/faults', (c) => c.json(opts.faults.describe()));
  app.post('/__control/reset', (c) => {
    opts.reset();
    opts.faults.clear();
    return c.json({ ok: true });
  });

  const guard: MiddlewareHandler<E> = async (c, next) => {
    if (relativePath(basePath, c.req.path).startsWith('/__control/')) return next();
    if (opts.authenticate) {
      const refused = await opts.authenticate(c);
      if (refused) return refused;
    }
    const url = new URL(c.req.url);
    const decision = opts.faults.intercept(c.req.method, url.pathname + url.search);
    if (decision) {
      if (decision.body !== undefined) {
        return new Response(JSON.stringify(decision.body), {
          status: decision.status,
          headers: { 'Content-Type': 'application/json;charset=UTF-8', ...decision.headers },
        });
      }
      return fail(c, decision.status, decision.message, decision.headers);
    }
    const limitHeaders = opts.faults.rateLimitHeaders();
    await next();
    for (const [k, v] of Object.entries(limitHeaders)) c.res.headers.set(k, v);
  };
  app.use('*', guard);

  app.onError((err, c) => {
    if (err instanceof EmulatorHttpError) return fail(c, err.status, err.detail, err.headers);
    return fail(c, 500, 'Internal server error');
  });
  return app;
}

/** Adds the catch-all 404 (a mounted sub-app's notFound handler is not used by the parent, so it is a route). */
export function finishEmulatorApp<E extends Env>(app: Hono<E>, errorBody: ErrorBodyFormatter, basePath: string): void {
  app.all('*', (c) =>
    errorResponse(
      c,
      errorBody,
      404,
      `No route for ${c.req.method} ${relativePath(basePath, c.req.path)}`,
      {},
      normalizeBasePath(basePath),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Cursors, pagination, query parsing

/** Opaque cursor: base64url of JSON. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** The decoded cursor, or `undefined` when it is not one of ours. */
export function decodeCursor<T = unknown>(cursor: string): T | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * Values of a query parameter given repeated (`?id=1&id=2`), comma-separated (`?id=1,2`) or both; blanks dropped.
 */
export function queryArray(params: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (const raw of params.getAll(name)) {
    for (const part of raw.split(',')) {
      const v = part.trim();
      if (v) out.push(v);
    }
  }
  return out;
}

/** A boolean query parameter (`true`/`false`, case-insensitive); anything else is a 400. */
export function queryBoolean(params: URLSearchParams, name: string, fallback: boolean): boolean {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const v = raw.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw badRequest(`Provided value {${raw}} for '${name}' is not the correct type. Expected type is boolean`);
}

/** An integer query parameter; anything else is a 400. */
export function queryInteger(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw.trim())) {
    throw badRequest(`Provided value {${raw}} for '${name}' is not the correct type. Expected type is Integer`);
  }
  return Number.parseInt(raw, 10);
}

/** `limit`: default when absent, values above `max` clamped (as Confluence does), below `min` a 400. */
export function queryLimit(params: URLSearchParams, opts: { default: number; max: number; min?: number }): number {
  const n = queryInteger(params, 'limit');
  if (n === undefined) return opts.default;
  const min = opts.min ?? 1;
  if (n < min) throw badRequest(`'limit' must be at least ${min}, got ${n}`);
  return Math.min(n, opts.max);
}

/** A single-valued enum query parameter; anything else is a 400 naming the allowed values. */
export function queryEnum<T extends string>(
  params: URLSearchParams,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw badRequest(`Provided value {${raw}} for '${name}' is not valid. Allowed values: ${allowed.join(', ')}`);
  }
  return raw as T;
}

export type SortKey = string | number;

/** Compares sort-key tuples element by element. */
export function compareKeys(a: readonly SortKey[], b: readonly SortKey[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

export interface KeysetPage<T> {
  items: T[];
  /** Cursor for the next page, when there is one. */
  next?: string;
}

/**
 * Cursor pagination that stays stable while items are added or removed: items are ordered by `key` (a tuple ending
 * in a unique id), and the cursor holds the last key returned plus a `scope` string (e.g. the sort) that must match.
 */
export function keysetPaginate<T>(
  items: readonly T[],
  opts: { key: (item: T) => SortKey[]; descending?: boolean; limit: number; cursor?: string | null; scope: string },
): KeysetPage<T> {
  const dir = opts.descending ? -1 : 1;
  const keyed = items.map((item) => ({ item, key: opts.key(item) }));
  keyed.sort((a, b) => dir * compareKeys(a.key, b.key));
  let start = 0;
  if (opts.cursor) {
    const c = decodeCursor<{ s?: unknown; k?: unknown }>(opts.cursor);
    if (!c || c.s !== opts.scope || !Array.isArray(c.k)) throw badRequest(`Invalid cursor: ${opts.cursor}`);
    const after = c.k as SortKey[];
    start = keyed.findIndex((e) => dir * compareKeys(e.key, after) > 0);
    if (start < 0) start = keyed.length;
  }
  const slice = keyed.slice(start, start + opts.limit);
  const last = slice.at(-1);
  const more = start + opts.limit < keyed.length;
  return {
    items: slice.map((e) => e.item),
    next: more && last ? encodeCursor({ s: opts.scope, k: last.key }) : undefined,
  };
}

/** `url`'s path and query with `cursor` replaced (other parameters kept in order). */
export function withCursor(
  pathname: string,
  params: URLSearchParams,
  cursor: string,
  extra: Record<string, string> = {},
) {
  const next = new URLSearchParams();
  for (const [k, v] of params) if (k !== 'cursor' && !(k in extra)) next.append(k, v);
  for (const [k, v] of Object.entries(extra)) next.set(k, v);
  next.set('cursor', cursor);
  return `${pathname}?${next.toString()}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Misc

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? (status >= 500 ? 'Server Error' : status >= 400 ? 'Client Error' : 'OK');
}

/** `NOT_FOUND`-style code of a status. */
export function statusCode(status: number): string {
  if (status === 413) return 'REQUEST_ENTITY_TOO_LARGE';
  return statusText(status)
    .toUpperCase()
    .replace(/[^A-Z]+/g, '_');
}

/** Reads a JSON request body; a malformed one is a 400. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) throw badRequest('The request body is empty; send a JSON object');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
}

/** Decodes `Authorization: Basic` into user and secret. */
export function parseBasicAuth(header: string | undefined): { user: string; secret: string } | undefined {
  const m = header ? /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header) : null;
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return { user: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

export function parseBearer(header: string | undefined): string | undefined {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m ? m[1] : undefined;
}
