/**
 * The messages between the gateway (host) and a sandbox worker. Only JSON text and plain numbers cross: no
 * handle, function or object of either side ever reaches the other.
 */

/** Per-run limits (config: `SWITCHBOARD_WORKBENCH_*`). */
export interface WorkbenchLimits {
  /** QuickJS heap of one run, bytes. */
  memoryBytes: number;
  /** QuickJS C stack of one run, bytes (deep recursion stops here with "stack overflow"). */
  stackBytes: number;
  /** Time the program itself may compute (its synchronous slices), ms. */
  cpuMs: number;
  /** Whole run, tool calls included, ms: well under clients' 60 s tool timeout. */
  wallMs: number;
  /** Tool calls and result reads per run. */
  maxCalls: number;
  /** Tool calls (and reads) in flight at once; more wait their turn. */
  maxConcurrentCalls: number;
  /** The return value's JSON, characters; over the router's inline limit it is stored behind a handle. */
  maxReturnChars: number;
  /** A tool result (or read) handed to the program, characters of JSON; larger ones stay behind a handle. */
  maxResultChars: number;
  /** console output kept, characters. */
  maxLogChars: number;
}

/** Which limit stopped a run, as the model reads it. */
export type LimitName = 'memory' | 'stack' | 'cpu_time' | 'wall_time' | 'calls' | 'return_size' | 'code_size' | 'queue';

export type HostToWorker =
  | { type: 'run'; runId: number; code: string; toolNames: string[]; limits: WorkbenchLimits }
  | { type: 'settle'; runId: number; callId: number; ok: boolean; json: string }
  | { type: 'abort'; runId: number; reason: 'cancelled' | 'wall_time' | 'calls' | 'shutdown' };

export type WorkerToHost =
  | { type: 'ready' }
  | { type: 'call'; runId: number; callId: number; kind: 'tool' | 'read'; name: string; json: string }
  | ({ type: 'done'; runId: number } & RunReport);

/** What the sandbox says of one run. */
export interface RunReport {
  ok: boolean;
  /** The program's return value as JSON (`ok`). */
  valueJson?: string;
  error?: ProgramError;
  logs: string[];
  logsDropped: number;
  cpuMs: number;
  /** The worker is retired after this run (its engine state is suspect, or its memory grew to the limit). */
  retire?: string;
}

export interface ProgramError {
  /** `syntax_error`: the program does not parse; `program_error`: it threw; `limit_exceeded`; `sandbox_error`. */
  code: 'syntax_error' | 'program_error' | 'limit_exceeded' | 'return_value' | 'sandbox_error';
  message: string;
  name?: string;
  line?: number;
  column?: number;
  /** The source line the error points to. */
  source?: string;
  stack?: string;
  limit?: LimitName;
  value?: number;
  /** For a failed tool call that was not caught: the tool error as execute_tools reports it. */
  tool_error?: unknown;
}

/** The values an abort flag (a shared Int32 the host sets) takes: why the host wants the current run stopped. */
export const ABORT = { none: 0, cancelled: 1, wall_time: 2, calls: 3, shutdown: 4 } as const;
