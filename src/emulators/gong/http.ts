/**
 * Gong-flavoured HTTP plumbing shared by every route group: the route table type, error bodies
 * (`{requestId, errors: [...]}`), authentication (Basic access key, OAuth Bearer bound to the customer API base),
 * the company rate limits (3 per second, a daily quota), scope checks, cursor pagination and input parsing.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { z } from 'zod';
import {
  badRequest,
  decodeCursor,
  EmulatorHttpError,
  encodeCursor,
  errorResponse,
  parseBasicAuth,
  parseBearer,
  readJson,
  relativePath,
  statusText,
} from '../framework.ts';
import type { GongState } from './state.ts';

/** Where the OAuth token response sends API calls, relative to the emulator's basePath. */
export const CUSTOMER_API_PREFIX = '/customer-api';

export type GongAuth =
  | { kind: 'basic'; accessKey: string }
  | { kind: 'oauth'; token: string; clientId: string; userId: string; scopes: string[] };

export type GongEnv = { Variables: { auth: GongAuth } };
export type GongContext = Context<GongEnv>;

export interface GongDeps {
  state: GongState;
  basePath: string;
  limits: GongRateLimiter;
}

export type RouteHandler = (c: GongContext, deps: GongDeps) => Response | Promise<Response>;

/** One API operation. Every route is served under `{basePath}` and `{basePath}/customer-api`. */
export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path as in the OpenAPI document, `{param}` placeholders included (`/v2/calls/{id}`). */
  path: string;
  /** OAuth scopes a Bearer token needs (all of them); Basic access keys have every scope. */
  scopes: string[];
  handler: RouteHandler;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors and responses

/** Gong's error body: `{requestId, errors: [...]}`. */
export function gongErrorBody(state: GongState) {
  return (status: number, message: string | null) => ({
    requestId: state.nextRequestId(),
    errors: [message ?? statusText(status)],
  });
}

/** A JSON response with Gong's `requestId` first. */
export function gongJson(c: Context, deps: GongDeps, body: Record<string, unknown>, status = 200): Response {
  return c.json({ requestId: deps.state.nextRequestId(), ...body }, status as 200);
}

export const forbidden = (message: string) => new EmulatorHttpError(403, message);
export const gongNotFound = (message: string) => new EmulatorHttpError(404, message);

// ---------------------------------------------------------------------------------------------------------------
// Rate limits

export interface GongRateLimitOptions {
  /** Requests per second per company (token bucket of this size refilled continuously); null: off. Default 3. */
  perSecond?: number | null;
  /** Requests per UTC day per company; null: off. Default 10,000. */
  perDay?: number | null;
}

export interface GongRateLimiter {
  configure(opts: GongRateLimitOptions): void;
  /** Back to the options the emulator was created with, counters emptied. */
  reset(): void;
  /** Sets how many requests were already made today (to test the daily quota without making them). */
  setDailyUsed(n: number): void;
  /** A 429 decision for one authenticated request, or undefined (the request is counted). */
  check(): { retryAfterSeconds: number; message: string; headers: Record<string, string> } | undefined;
  describe(): {
    perSecond: number | null;
    perDay: number | null;
    dailyUsed: number;
    day: string;
    /** Requests refused with 429 since the last reset, per limit. */
    rejected: { perSecond: number; perDay: number };
  };
}

/**
 * Gong's two company limits. The per-second limit is a token bucket over wall-clock time (`clock`); the daily one
 * counts requests per UTC day of the emulator's clock (`now`), so tests can roll the day over.
 */
export function createGongRateLimiter(
  initial: GongRateLimitOptions,
  now: () => Date,
  clock: () => number = () => performance.now(),
): GongRateLimiter {
  const defaults = {
    perSecond: initial.perSecond === undefined ? 3 : initial.perSecond,
    perDay: initial.perDay === undefined ? 10_000 : initial.perDay,
  };
  let perSecond = defaults.perSecond;
  let perDay = defaults.perDay;
  let tokens = perSecond ?? 0;
  let refilledAt = clock();
  let day = '';
  let used = 0;
  const rejected = { perSecond: 0, perDay: 0 };

  const today = () => now().toISOString().slice(0, 10);
  const rollDay = () => {
    const d = today();
    if (d !== day) {
      day = d;
      used = 0;
    }
  };
  const validate = (v: number | null | undefined, name: string) => {
    if (v !== null && v !== undefined && (!Number.isFinite(v) || v < 1)) {
      throw new RangeError(`${name} must be >= 1 or null, got ${v}`);
    }
  };

  return {
    configure(opts) {
      validate(opts.perSecond, 'perSecond');
      validate(opts.perDay, 'perDay');
      if (opts.perSecond !== undefined) {
        perSecond = opts.perSecond;
        tokens = perSecond ?? 0;
        refilledAt = clock();
      }
      if (opts.perDay !== undefined) perDay = opts.perDay;
    },
    reset() {
      perSecond = defaults.perSecond;
      perDay = defaults.perDay;
      tokens = perSecond ?? 0;
      refilledAt = clock();
      day = '';
      used = 0;
      rejected.perSecond = 0;
      rejected.perDay = 0;
    },
    setDailyUsed(n) {
      rollDay();
      used = Math.max(0, Math.floor(n));
    },
    check() {
      rollDay();
      if (perDay !== null && used >= perDay) {
        const n = now();
        const midnight = Date.UTC(n.getUTCFullYear(), n.getUTCMonth(), n.getUTCDate() + 1);
        const seconds = Math.max(1, Math.ceil((midnight - n.getTime()) / 1000));
        rejected.perDay++;
        return {
          retryAfterSeconds: seconds,
          message: `Daily API call limit reached: your company made ${used} of its ${perDay} API calls allowed per day. The quota resets at ${new Date(midnight).toISOString()} (00:00 UTC), in ${seconds} seconds.`,
          headers: { 'Retry-After': String(seconds) },
        };
      }
      if (perSecond !== null) {
        const t = clock();
        tokens = Math.min(perSecond, tokens + ((t - refilledAt) / 1000) * perSecond);
        refilledAt = t;
        if (tokens < 1) {
          const seconds = Math.max(1, Math.ceil(((1 - tokens) / perSecond) * 1000) / 1000);
          rejected.perSecond++;
          return {
            retryAfterSeconds: Math.ceil(seconds),
            message: `Too many requests: your company is limited to ${perSecond} API calls per second. Retry after ${Math.ceil(seconds)} second(s).`,
            headers: { 'Retry-After': String(Math.ceil(seconds)) },
          };
        }
        tokens -= 1;
      }
      used += 1;
      return undefined;
    },
    describe() {
      rollDay();
      return { perSecond, perDay, dailyUsed: used, day, rejected: { ...rejected } };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Authentication

/** Arrival of one authenticated API request (tests read them to check the caller's pacing). */
export interface RequestArrival {
  /** `performance.now()` milliseconds. */
  at: number;
  method: string;
  path: string;
}

/**
 * 401 unless the request carries a valid access key (Basic) or OAuth access token (Bearer). Bearer tokens only work
 * on the customer API base (`{basePath}/customer-api`, the token response's `api_base_url_for_customer`): on the
 * token host they are refused as Gong does for a wrong regional host. Then the company rate limits (429).
 */
export function authenticator(deps: GongDeps, arrivals: RequestArrival[]) {
  const errorBody = gongErrorBody(deps.state);
  return (c: GongContext): Response | undefined => {
    const rel = relativePath(deps.basePath, c.req.path);
    // OAuth endpoints authenticate the client themselves; media URLs are pre-signed (the URL is the credential).
    if (rel.startsWith('/oauth2/') || rel.startsWith('/media/')) return undefined;
    const fail = (status: number, message: string, headers: Record<string, string> = {}) =>
      errorResponse(c, errorBody, status, message, headers, deps.basePath);
    const onCustomerBase = rel === CUSTOMER_API_PREFIX || rel.startsWith(`${CUSTOMER_API_PREFIX}/`);
    const header = c.req.header('authorization');
    const basic = parseBasicAuth(header);
    const state = deps.state;
    if (basic) {
      const key = state.apiKeys.get(basic.user);
      if (!key || key.accessKeySecret !== basic.secret) {
        return fail(401, 'Unauthorized: the access key or the access key secret is not valid', {
          'WWW-Authenticate': 'Basic realm="Gong API"',
        });
      }
      c.set('auth', { kind: 'basic', accessKey: key.accessKey });
    } else {
      const token = parseBearer(header);
      if (!token) {
        return fail(
          401,
          header
            ? 'Unauthorized: unsupported Authorization header; send Basic base64(accessKey:accessKeySecret) or Bearer <access token>'
            : 'Unauthorized: the Authorization header is missing',
          { 'WWW-Authenticate': 'Basic realm="Gong API", Bearer' },
        );
      }
      const t = state.accessTokens.get(token);
      if (!t) return fail(401, 'Unauthorized: the access token is not valid', { 'WWW-Authenticate': 'Bearer' });
      if (t.expiresAt <= state.now().getTime()) {
        return fail(401, 'Unauthorized: the access token has expired; refresh it', {
          'WWW-Authenticate': 'Bearer error="invalid_token"',
        });
      }
      if (!onCustomerBase) {
        const url = new URL(c.req.url);
        return fail(
          401,
          `Unauthorized: access token has been revoked for this host. OAuth tokens are valid on the customer API base only: send the call to the api_base_url_for_customer of the token response (${url.origin}${deps.basePath}${CUSTOMER_API_PREFIX}).`,
          { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
        );
      }
      const user = state.users.get(t.userId);
      if (!user?.active) return fail(401, 'Unauthorized: the user who authorized this token is no longer active');
      c.set('auth', { kind: 'oauth', token, clientId: t.clientId, userId: t.userId, scopes: t.scopes });
    }
    const limited = deps.limits.check();
    if (limited) return fail(429, limited.message, limited.headers);
    arrivals.push({ at: performance.now(), method: c.req.method, path: rel });
    if (arrivals.length > 20_000) arrivals.splice(0, arrivals.length - 10_000);
    return undefined;
  };
}

/** 403 naming the first scope an OAuth token lacks (Basic access keys pass). */
export function requireScopes(c: GongContext, scopes: readonly string[]): void {
  const auth = c.get('auth');
  if (auth?.kind !== 'oauth') return;
  const missing = scopes.filter((s) => !auth.scopes.includes(s));
  if (missing.length > 0) {
    throw forbidden(
      `The access token does not have the required scope${missing.length > 1 ? 's' : ''} ${missing.map((s) => `'${s}'`).join(', ')} for ${c.req.method} ${new URL(c.req.url).pathname.replace(/^.*?(\/v2\/)/, '$1')}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pagination

export interface Records {
  totalRecords: number;
  currentPageSize: number;
  currentPageNumber: number;
  cursor?: string;
}

/**
 * Gong's cursor pagination: a page of `pageSize` items and `records`; `cursor` only while more pages exist. The
 * cursor is bound to the request it came from (`scope`: every input but the cursor), as Gong expects the identical
 * request to be repeated with the cursor added.
 */
export function paginate<T>(
  items: readonly T[],
  opts: { cursor?: string | null | undefined; scope: unknown; pageSize: number },
): { page: T[]; records: Records } {
  const scope = createHash('sha256').update(JSON.stringify(opts.scope)).digest('base64url').slice(0, 16);
  let pageNumber = 0;
  if (opts.cursor) {
    const c = decodeCursor<{ s?: unknown; p?: unknown }>(opts.cursor);
    if (!c || typeof c.p !== 'number' || !Number.isInteger(c.p) || c.p < 1) {
      throw badRequest(`cursor: '${opts.cursor}' is not a valid cursor; use records.cursor of the previous page`);
    }
    if (c.s !== scope) {
      throw badRequest(
        'cursor: this cursor belongs to a different request; repeat the identical request (same filter) with only the cursor added',
      );
    }
    pageNumber = c.p;
  }
  const start = pageNumber * opts.pageSize;
  const page = items.slice(start, start + opts.pageSize);
  const records: Records = {
    totalRecords: items.length,
    currentPageSize: page.length,
    currentPageNumber: pageNumber,
  };
  if (start + opts.pageSize < items.length) records.cursor = encodeCursor({ s: scope, p: pageNumber + 1 });
  return { page, records };
}

// ---------------------------------------------------------------------------------------------------------------
// Input parsing

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An ISO-8601 date-time with a zone (`2026-11-01T00:00:00Z`, `2026-11-01T02:30:00-07:00`) or a 400 naming `field`. */
export function parseDateTime(value: unknown, field: string): number {
  if (typeof value !== 'string' || !DATE_TIME.test(value.trim()) || Number.isNaN(Date.parse(value))) {
    throw badRequest(
      `${field}: expected an ISO-8601 date-time with a time zone, e.g. 2026-11-01T00:00:00Z or 2026-11-01T02:30:00-07:00; got ${JSON.stringify(value)}`,
    );
  }
  return Date.parse(value);
}

/** A `YYYY-MM-DD` date (the stats endpoints' fromDate/toDate) as the UTC midnight timestamp, or a 400. */
export function parseDate(value: unknown, field: string): number {
  const ok = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
  const t = ok ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (!ok || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value) {
    throw badRequest(
      `${field}: expected a date in the format YYYY-MM-DD, e.g. 2026-11-01; got ${JSON.stringify(value)}`,
    );
  }
  return t;
}

/** A JSON body validated by `schema`; each problem is named by its field path (`filter.callIds[0]: ...`). */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const raw = await readJson(c);
  return validate(schema, raw);
}

export function validate<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const path = i.path
      .map((p, k) => (typeof p === 'number' ? `[${p}]` : k === 0 ? String(p) : `.${String(p)}`))
      .join('');
    return `${path || 'body'}: ${i.message}`;
  });
  throw badRequest(problems.join('; '));
}

/** A required query parameter, or a 400 naming it. */
export function requiredQuery(c: Context, name: string, what: string): string {
  const v = c.req.query(name);
  if (v === undefined || v.trim() === '') throw badRequest(`${name}: required query parameter is missing (${what})`);
  return v;
}

/** A numeric Gong id (path or filter), or a 400 naming the field. */
export function requireNumericId(value: string, field: string): string {
  if (!/^\d{1,20}$/.test(value)) throw badRequest(`${field}: expected a numeric Gong id; got ${JSON.stringify(value)}`);
  return value;
}
