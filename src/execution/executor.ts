import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import type { Connections, ResolvedConnection } from '../connections/index.ts';
import type { Db } from '../store/db.ts';
import { now } from '../store/db.ts';
import type { LoadedTool, LoadedToolkit, UpstreamReader } from '../toolkits/define.ts';
import type { Catalog } from '../toolkits/index.ts';
import { type ErrorCode, GatewayError, isGatewayError } from '../util/errors.ts';
import { uuidv7 } from '../util/ids.ts';
import type { Logger } from '../util/log.ts';
import type { HttpClient, UpstreamResponse } from './http.ts';
import { buildRequest, getPath, parseRetryAfter, setPath } from './request.ts';

/** What the model (or the router, or the workbench) gets back from one tool call. */
export type ToolOutcome = { ok: true; data: unknown } | { ok: false; error: ToolError };

export interface ToolError {
  code: ErrorCode;
  message: string;
  /** The upstream service, when the failure came from it. */
  service?: string;
  /** The upstream HTTP status, when there was one. */
  status?: number;
  /** Whether the same call may succeed if tried again later. */
  retryable: boolean;
  retry_after_seconds?: number;
  /** For invalid arguments: each offending field and what was expected. */
  fields?: { field: string; problem: string }[];
  /**
   * When the user must connect or reconnect an account: the toolkit and a connect link (single use, 10 minutes,
   * usable only by this user signed in to the gateway) for the model to hand to the user.
   */
  toolkit?: string;
  connect_url?: string;
  connect_url_expires_at?: string;
}

export interface CallRequest {
  userId: string;
  tool: string;
  args: unknown;
  /** Which surface the call came through, for the audit log (`mcp/confluence`, `router`, `workbench`). */
  surface: string;
  signal?: AbortSignal;
}

export interface ExecutorDeps {
  db: Db;
  catalog: Catalog;
  connections: Connections;
  http: HttpClient;
  log: Logger;
  limits: { timeoutMs: number; callBudgetMs: number; maxRetryAfterMs: number; maxRetries: number };
  /** Injectable for tests of retry timing. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * The one chokepoint every tool call passes, whatever the surface: validate, resolve the user's own
 * connection, build and send the upstream request with timeouts and safe retries, follow pagination when
 * asked, map failures to a result the model can act on, and write the audit record.
 */
export function createExecutor(deps: ExecutorDeps) {
  const wait = deps.sleep ?? ((ms: number, signal?: AbortSignal) => sleep(ms, undefined, { signal }));
  const limiter = createConnectionLimiter();

  async function execute(req: CallRequest): Promise<ToolOutcome> {
    const started = performance.now();
    const tool = deps.catalog.tool(req.tool);
    let connectionId: string | null = null;
    let outcome: ToolOutcome;
    let upstreamStatus: number | undefined;
    try {
      if (!tool) throw new GatewayError('unknown_tool', `unknown tool "${req.tool}"`);
      const toolkit = deps.catalog.toolkits.get(tool.toolkit)!;
      const parsed = tool.fullInput.safeParse(req.args ?? {});
      if (!parsed.success) {
        outcome = { ok: false, error: invalidArguments(tool, parsed.error) };
      } else {
        const connection = await deps.connections.resolve(req.userId, tool.toolkit);
        connectionId = connection.id;
        const result = await run(toolkit, tool, parsed.data as Record<string, unknown>, connection, req.signal);
        upstreamStatus = result.status;
        outcome = result.outcome;
      }
    } catch (e) {
      outcome = { ok: false, error: toToolError(e) };
      if (!isGatewayError(e)) deps.log.error({ err: e, tool: req.tool }, 'tool call failed unexpectedly');
    }
    const durationMs = Math.round(performance.now() - started);
    deps.log.info(
      {
        tool: req.tool,
        user: req.userId,
        surface: req.surface,
        outcome: outcome.ok ? 'ok' : outcome.error.code,
        status: upstreamStatus ?? (outcome.ok ? undefined : outcome.error.status),
        ms: durationMs,
      },
      'tool call',
    );
    if (tool) {
      // Audit every call that named a real tool: who, what, through which connection, how it ended. Never the
      // arguments or results, which may hold customer data or secrets.
      await deps.db
        .insertInto('audit_events')
        .values({
          id: uuidv7(),
          at: now(),
          user_id: req.userId,
          surface: req.surface,
          toolkit: tool.toolkit,
          tool: tool.name,
          connection_id: connectionId,
          outcome: outcome.ok ? 'ok' : 'error',
          error_code: outcome.ok ? null : outcome.error.code,
          upstream_status: upstreamStatus ?? (outcome.ok ? null : (outcome.error.status ?? null)),
          duration_ms: durationMs,
        })
        .execute()
        .catch((e: unknown) => deps.log.error({ err: e }, 'could not write the audit record'));
    }
    return outcome;
  }

  async function run(
    toolkit: LoadedToolkit,
    tool: LoadedTool,
    input: Record<string, unknown>,
    connection: ResolvedConnection,
    signal: AbortSignal | undefined,
  ): Promise<{ outcome: ToolOutcome; status?: number }> {
    const deadline = Date.now() + deps.limits.callBudgetMs;
    const reader: UpstreamReader = {
      get: async (path, query) => {
        const built = buildRequest(
          { method: 'GET', path, query: () => query ?? {} },
          {},
          connection.baseUrl,
          connection.credentials,
        );
        const res = await send(toolkit, tool, connection, built, deadline, signal);
        if (res.status >= 400) throw new UpstreamFailed(upstreamError(toolkit, res), res.status);
        return res.body;
      },
    };
    if (tool.prepare) {
      try {
        input = (await tool.prepare(input as never, reader)) as Record<string, unknown>;
      } catch (e) {
        if (e instanceof UpstreamFailed) return { outcome: { ok: false, error: e.error }, status: e.status };
        throw e;
      }
    }
    const p = tool.pagination;
    const maxPages = p ? ((input.max_pages as number | undefined) ?? 1) : 1;
    let cursor = p ? (input.cursor as string | undefined) : undefined;
    const items: unknown[] = [];
    let last: UpstreamResponse | undefined;
    for (let page = 0; page < maxPages; page++) {
      const built = buildRequest(
        tool.http as never,
        input,
        connection.baseUrl,
        connection.credentials,
        p && cursor ? { in: p.cursorIn, param: p.cursorParam, value: cursor } : undefined,
      );
      const res = await send(toolkit, tool, connection, built, deadline, signal);
      if (res.status === 404 && p && page === 0 && tool.notFoundMeansEmpty) {
        const body: Record<string, unknown> = {};
        setPath(body, p.itemsPath, []);
        body.next_cursor = null;
        const detail = toolkit.errorMessage?.(res.body);
        body.note = `${toolkit.service} found nothing matching the filters${detail ? ` (${detail})` : ''}.`;
        return { outcome: { ok: true, data: body }, status: res.status };
      }
      if (res.status >= 400) return { outcome: { ok: false, error: upstreamError(toolkit, res) }, status: res.status };
      last = res;
      if (!p) break;
      const pageItems = getPath(res.body, p.itemsPath);
      if (Array.isArray(pageItems)) items.push(...pageItems);
      cursor = p.nextCursor(res.body, res.headers);
      if (!cursor) break;
    }
    let data: unknown = last!.body ?? null;
    if (p) {
      const body = data && typeof data === 'object' ? { ...(data as Record<string, unknown>) } : {};
      setPath(body, p.itemsPath, items);
      // The upstream's own next link would point past the first page; next_cursor is the one to use.
      delete body._links;
      body.next_cursor = cursor ?? null;
      data = body;
    }
    if (tool.settle) {
      try {
        data = await tool.settle(data, input as never, reader);
      } catch (e) {
        if (e instanceof UpstreamFailed) return { outcome: { ok: false, error: e.error }, status: e.status };
        throw e;
      }
    }
    if (tool.transform) data = tool.transform(data, input as never);
    else if (Buffer.isBuffer(data)) {
      data = {
        content_type: last!.headers.get('content-type'),
        size_bytes: data.length,
        base64: data.toString('base64'),
      };
    }
    return { outcome: { ok: true, data }, status: last!.status };
  }

  async function send(
    toolkit: LoadedToolkit,
    tool: LoadedTool,
    connection: ResolvedConnection,
    built: ReturnType<typeof buildRequest>,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<UpstreamResponse> {
    // Retrying is safe for idempotent methods and for POSTs that only read (search endpoints); a 429 means the
    // request was not processed, so it is retried whatever the method.
    const safe = IDEMPOTENT.has(built.method) || tool.annotations.readOnlyHint === true;
    const { maxRetries, timeoutMs, maxRetryAfterMs } = deps.limits;
    let authRefreshed = false;
    for (let attempt = 0; ; attempt++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new GatewayError(
          'call_budget_exceeded',
          `${toolkit.service} did not answer within the call's time budget`,
          {
            service: toolkit.service,
            retryable: true,
          },
        );
      }
      if (toolkit.rateLimit) {
        const ok = await limiter.acquire(connection.id, toolkit.rateLimit, deadline, signal);
        if (!ok) {
          throw new GatewayError(
            'rate_limited',
            `too many calls queued for this ${toolkit.service} connection (limit ${toolkit.rateLimit.requests} per ${toolkit.rateLimit.perMs} ms): retry shortly`,
            { service: toolkit.service, retryable: true },
          );
        }
      }
      const timeout = AbortSignal.timeout(Math.min(timeoutMs, deadline - Date.now()));
      let res: UpstreamResponse;
      try {
        res = await deps.http.send({ ...built, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      } catch (e) {
        const timedOut = timeout.aborted;
        if (signal?.aborted)
          throw new GatewayError('upstream_unreachable', 'the call was cancelled', { retryable: true });
        if (safe && attempt < maxRetries && Date.now() < deadline) {
          await wait(backoff(attempt), signal);
          continue;
        }
        throw new GatewayError(
          timedOut ? 'upstream_timeout' : 'upstream_unreachable',
          timedOut
            ? `${toolkit.service} did not answer within ${Math.round(Math.min(timeoutMs, remaining) / 1000)} s`
            : `could not reach ${toolkit.service}: ${(e as Error).message}`,
          { service: toolkit.service, retryable: true },
        );
      }
      if (res.status === 401 && connection.refreshable && !authRefreshed) {
        // An OAuth token the upstream no longer takes: refresh once (under the connection's lock; a concurrent
        // caller's refresh is reused) and resend. Safe for any method: a 401 means the request was not processed.
        authRefreshed = true;
        const fresh = await deps.connections.refreshAfterUnauthorized(connection);
        if (fresh?.credentials.type === 'bearer') {
          connection.credentials = fresh.credentials;
          built = { ...built, headers: { ...built.headers, authorization: `Bearer ${fresh.credentials.token}` } };
          continue;
        }
      }
      const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
      if (res.status === 429) {
        const waitMs = retryAfter ?? backoff(attempt);
        if (attempt < maxRetries && waitMs <= maxRetryAfterMs && Date.now() + waitMs < deadline) {
          deps.log.debug({ tool: tool.name, waitMs }, 'upstream rate limit: waiting Retry-After');
          await wait(waitMs, signal);
          continue;
        }
        return res;
      }
      if (res.status >= 500 && safe && attempt < maxRetries) {
        const waitMs = Math.min(retryAfter ?? backoff(attempt), maxRetryAfterMs);
        if (Date.now() + waitMs < deadline) {
          await wait(waitMs, signal);
          continue;
        }
      }
      return res;
    }
  }

  return { execute };
}

export type Executor = ReturnType<typeof createExecutor>;

class UpstreamFailed extends Error {
  readonly error: ToolError;
  readonly status: number;
  constructor(error: ToolError, status: number) {
    super(error.message);
    this.error = error;
    this.status = status;
  }
}

/**
 * Per-connection sliding-window limiter: at most `requests` sends per `perMs` for one connection, in FIFO order.
 * Calls wait for a slot instead of failing; a slot later than the call's deadline is refused. In-process: several
 * gateway nodes sharing one upstream account need the Redis-backed limiter (scale-out issue).
 */
export function createConnectionLimiter() {
  const windows = new Map<string, { sent: number[]; tail: Promise<unknown> }>();
  return {
    async acquire(
      key: string,
      limit: { requests: number; perMs: number },
      deadline: number,
      signal?: AbortSignal,
    ): Promise<boolean> {
      let w = windows.get(key);
      if (!w) {
        w = { sent: [], tail: Promise.resolve() };
        windows.set(key, w);
      }
      const state = w;
      const turn = state.tail.then(async () => {
        for (;;) {
          const now = Date.now();
          while (state.sent.length && state.sent[0]! <= now - limit.perMs) state.sent.shift();
          if (state.sent.length < limit.requests) {
            state.sent.push(now);
            return true;
          }
          const at = state.sent[0]! + limit.perMs;
          if (at > deadline) return false;
          await sleep(at - now, undefined, signal ? { signal } : undefined);
        }
      });
      state.tail = turn.catch(() => undefined);
      return turn;
    },
  };
}

/** Exponential backoff with full jitter, capped (AWS architecture blog, "Exponential Backoff And Jitter"). */
function backoff(attempt: number): number {
  const cap = Math.min(2000, 200 * 2 ** attempt);
  return Math.round(cap / 2 + Math.random() * (cap / 2));
}

function invalidArguments(tool: LoadedTool, error: z.ZodError): ToolError {
  const fields = error.issues.map((i) => {
    const field = i.path.length ? i.path.map(String).join('.') : '(arguments)';
    let problem = i.message;
    if (i.code === 'invalid_type' && /received undefined/.test(i.message)) problem = `required: ${i.message}`;
    if (i.code === 'unrecognized_keys')
      problem = `${i.message}; the accepted fields are: ${Object.keys(tool.fullInput.shape).join(', ')}`;
    return { field, problem };
  });
  return {
    code: 'invalid_arguments',
    message: `invalid arguments for ${tool.name}: ${fields.map((f) => `"${f.field}": ${f.problem}`).join('; ')}`,
    retryable: false,
    fields,
  };
}

const STATUS_HINTS: Record<number, string> = {
  400: 'the request was refused as invalid: fix the arguments',
  401: "the connection's credentials were rejected: reconnect the account",
  403: 'the connected account lacks permission for this',
  404: 'not found, or not visible to the connected account: check the id',
  409: 'conflict with the current state (for updates, re-read the current version and retry with the next number)',
  413: 'the request is too large',
  429: 'rate limited: retry after the indicated wait',
};

function upstreamError(toolkit: LoadedToolkit, res: UpstreamResponse): ToolError {
  const detail = toolkit.errorMessage?.(res.body);
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  const retryable = res.status === 429 || res.status >= 500 || res.status === 408;
  const hint =
    STATUS_HINTS[res.status] ?? (res.status >= 500 ? `${toolkit.service} had a server error` : 'request failed');
  return {
    code: res.status === 429 ? 'rate_limited' : 'upstream_error',
    message: `${toolkit.service} answered ${res.status}: ${detail ? `${detail} (${hint})` : hint}. ${
      retryable ? 'Retrying later may help.' : 'Retrying the same call will not help.'
    }`,
    service: toolkit.service,
    status: res.status,
    retryable,
    ...(retryAfter !== undefined ? { retry_after_seconds: Math.ceil(retryAfter / 1000) } : {}),
  };
}

function toToolError(e: unknown): ToolError {
  if (isGatewayError(e)) {
    const d = e.details as {
      service?: string;
      retryable?: boolean;
      toolkit?: string;
      connect_url?: string;
      connect_url_expires_at?: string;
    };
    return {
      code: e.code,
      message: e.message,
      ...(d.service ? { service: d.service } : {}),
      retryable: d.retryable ?? false,
      ...(d.connect_url
        ? { toolkit: d.toolkit, connect_url: d.connect_url, connect_url_expires_at: d.connect_url_expires_at }
        : {}),
    };
  }
  return { code: 'internal', message: 'the gateway failed unexpectedly; the error was logged', retryable: true };
}
