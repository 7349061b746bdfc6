import type { ToolError, ToolOutcome } from '../execution/executor.ts';
import { PathError, parsePath, pick, select } from '../results/query.ts';
import type { ResultStore } from '../results/store.ts';
import type { PoolStats, SandboxPool } from './pool.ts';
import type { ProgramError, WorkbenchLimits } from './protocol.ts';

/**
 * The workbench: model-written JavaScript run in a QuickJS sandbox (pool.ts, sandbox-worker.ts) with the user's
 * tools bound to the executor. This layer turns the sandbox's host calls into tool calls and stored-result reads
 * for one user, records each call's outcome, and hands back the program's value, console output and calls.
 */

export interface WorkbenchOptions {
  pool: SandboxPool;
  results: ResultStore;
  limits: WorkbenchLimits;
  /** Longest program source, characters. */
  maxCodeChars: number;
}

/** What the router binds for one run: the user's tools and their executor path. */
export interface WorkbenchRunContext {
  userId: string;
  /** The tools this user may call (the names `tools.*` lists). */
  toolNames: string[];
  /** Runs one tool call through the executor (policy, connection, rate limits, audit), or says it is unknown. */
  callTool(name: string, args: unknown, signal: AbortSignal): Promise<ToolOutcome>;
  signal?: AbortSignal;
}

export interface CallRecord {
  tool: string;
  ok: boolean;
  ms: number;
  error?: Pick<ToolError, 'code' | 'message'>;
}

export interface WorkbenchRun {
  ok: boolean;
  /** The return value (parsed JSON) and its JSON text. */
  value?: unknown;
  valueJson?: string;
  error?: ProgramError;
  logs: string[];
  logsDropped: number;
  calls: CallRecord[];
  stats: { wall_ms: number; cpu_ms: number; tool_calls: number; result_reads: number };
}

export interface Workbench {
  limits: WorkbenchLimits;
  run(code: string, ctx: WorkbenchRunContext): Promise<WorkbenchRun>;
  /** The sandbox pool's workers, busy ones and queue (health checks, tests). */
  stats(): PoolStats;
  warm(): Promise<void>;
  close(): Promise<void>;
}

export function createWorkbench(opts: WorkbenchOptions): Workbench {
  const { pool, results, limits } = opts;

  async function run(code: string, ctx: WorkbenchRunContext): Promise<WorkbenchRun> {
    const started = performance.now();
    const calls: CallRecord[] = [];
    let reads = 0;
    const stats = () => ({
      wall_ms: Math.round(performance.now() - started),
      cpu_ms: 0,
      tool_calls: calls.length,
      result_reads: reads,
    });
    if (code.length > opts.maxCodeChars) {
      return {
        ok: false,
        error: {
          code: 'limit_exceeded',
          limit: 'code_size',
          value: opts.maxCodeChars,
          message: `the program is ${code.length} characters; the limit is ${opts.maxCodeChars}`,
        },
        logs: [],
        logsDropped: 0,
        calls,
        stats: stats(),
      };
    }

    /** A value handed to the program, unless it is too large for the sandbox: then it is stored behind a handle. */
    async function deliver(tool: string, data: unknown): Promise<{ ok: boolean; json: string }> {
      const json = JSON.stringify(data) ?? 'null';
      if (json.length <= limits.maxResultChars) return { ok: true, json };
      const saved = await results.put(ctx.userId, tool, data, json);
      return failure({
        code: 'result_too_large',
        message: `the result is ${json.length} characters, over the ${limits.maxResultChars} a program can take in at once; it is stored as ${saved.handle}: read parts of it with results.read("${saved.handle}", {path, fields})`,
        retryable: false,
        handle: saved.handle,
      });
    }

    const report = await pool.run({
      code,
      toolNames: ctx.toolNames,
      limits,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      async call(c, signal) {
        if (c.kind === 'read') {
          reads++;
          return readStored(c.name, c.json);
        }
        const t0 = performance.now();
        const outcome = await ctx.callTool(c.name, JSON.parse(c.json), signal);
        const ms = Math.round(performance.now() - t0);
        if (!outcome.ok) {
          calls.push({
            tool: c.name,
            ok: false,
            ms,
            error: { code: outcome.error.code, message: outcome.error.message },
          });
          return failure(outcome.error);
        }
        calls.push({ tool: c.name, ok: true, ms });
        return deliver(c.name, outcome.data);
      },
    });

    async function readStored(handle: string, json: string): Promise<{ ok: boolean; json: string }> {
      const o = (JSON.parse(json) ?? {}) as { path?: unknown; fields?: unknown };
      const stored = await results.get(ctx.userId, handle);
      if (!stored) {
        return failure({ code: 'not_found', message: `no stored result "${handle}" (expired, or not this user's)` });
      }
      if (o.path !== undefined && typeof o.path !== 'string') {
        return failure({ code: 'invalid_arguments', message: 'path: expected a string such as "$.results[*].id"' });
      }
      const fields = o.fields;
      if (fields !== undefined && !(Array.isArray(fields) && fields.every((f) => typeof f === 'string'))) {
        return failure({ code: 'invalid_arguments', message: 'fields: expected an array of field names' });
      }
      let value: unknown;
      try {
        const { matches, multi } = select(stored.data, parsePath(o.path ?? '$'));
        const values = matches.map((m) => (fields ? pick(m.value, fields) : m.value));
        value = multi ? values : values[0];
        if (!multi && matches.length === 0) {
          return failure({ code: 'not_found', message: `nothing at path "${o.path}" in ${handle}` });
        }
      } catch (e) {
        if (e instanceof PathError) return failure({ code: 'invalid_arguments', message: e.message });
        throw e;
      }
      return deliver(stored.tool, value);
    }

    // Calls abandoned when the run ended may still come back: they are not this answer's.
    const done = calls.slice();
    const out: WorkbenchRun = {
      ok: report.ok,
      logs: report.logs,
      logsDropped: report.logsDropped,
      calls: done,
      stats: { ...stats(), tool_calls: done.length, cpu_ms: report.cpuMs },
    };
    if (report.ok) {
      out.valueJson = report.valueJson ?? 'null';
      out.value = JSON.parse(out.valueJson);
    } else if (report.error) out.error = report.error;
    return out;
  }

  return { limits, run, stats: () => pool.stats(), warm: () => pool.warm(), close: () => pool.close() };
}

function failure(error: object): { ok: false; json: string } {
  return { ok: false, json: JSON.stringify({ retryable: false, ...error }) };
}
