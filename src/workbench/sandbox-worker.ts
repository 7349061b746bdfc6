import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import variant from '@jitl/quickjs-wasmfile-release-sync';
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSDeferredPromise,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import { PRELUDE, PRELUDE_FILE } from './prelude.ts';
import {
  ABORT,
  type HostToWorker,
  type LimitName,
  type ProgramError,
  type RunReport,
  type WorkbenchLimits,
  type WorkerToHost,
} from './protocol.ts';

/**
 * A sandbox worker: one thread, one QuickJS WebAssembly module loaded once, one run at a time, each in a fresh
 * runtime and context that are disposed when the run ends. The program only ever sees `tools`, `results` and
 * `console` (prelude.ts); everything it asks of the gateway crosses to the host as a `call` message with JSON text.
 *
 * Limits: memory by the size of the module's linear memory (see newEngine) and QuickJS's allocation limit; QuickJS's
 * stack limit; CPU time counted over the synchronous slices the program runs and enforced by the interrupt
 * handler; wall time by the same handler while it computes and by a timer while it waits; and a shared flag the
 * host sets to stop a run from outside (client gone, call limit, shutdown), which the handler reads even while
 * this thread's event loop is busy in the engine.
 */

const port = parentPort!;
const abortFlag = new Int32Array(workerData.abort as SharedArrayBuffer);
// The project's lib (es2023) has no WebAssembly typings: the two members used here.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
const Wasm = (
  globalThis as unknown as {
    WebAssembly: {
      compile(bytes: Uint8Array): Promise<object>;
      Memory: new (d: { initial: number; maximum: number }) => WasmMemory;
    };
  }
).WebAssembly;
// Compiled once; instantiated by newEngine with a memory sized for the runs' limit.
const compiled = await Wasm.compile(
  await readFile(fileURLToPath(import.meta.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'))),
);
/** The build's initial linear memory (emscripten's INITIAL_MEMORY): its stack, static data and first heap. */
const BASE_MEMORY = 16 * 1048576;
const PAGE = 65536;

interface Engine {
  wasm: QuickJSWASMModule;
  memory: WasmMemory;
  /** The run limit this engine was sized for, and its linear memory's maximum. */
  memoryBytes: number;
  maxBytes: number;
}
let engine: Engine | undefined;

/**
 * The QuickJS module for runs limited to `memoryBytes`. In this build QuickJS cannot measure its allocations (no
 * malloc_usable_size): its memory limit refuses one allocation larger than the limit but counts only 8 bytes for
 * each one it grants, so a program allocating 10 MB at a time would grow the worker to the module's 2 GB maximum.
 * The linear memory's own maximum is the real bound: the build's base plus the limit; past it malloc fails and
 * QuickJS throws "out of memory".
 */
async function newEngine(memoryBytes: number): Promise<Engine> {
  const maximum = (BASE_MEMORY + Math.ceil(memoryBytes / PAGE) * PAGE) / PAGE;
  const memory = new Wasm.Memory({ initial: BASE_MEMORY / PAGE, maximum });
  // The package's default export is the variant; its typings describe the module namespace instead.
  const base = variant as unknown as QuickJSSyncVariant;
  const wasm = await newQuickJSWASMModuleFromVariant(newVariant(base, { wasmModule: compiled, wasmMemory: memory }));
  engine = { wasm, memory, memoryBytes, maxBytes: maximum * PAGE };
  return engine;
}

const FILE = 'workbench.js';
// The program is the body of an async function; the wrapper stays on line 1 so line numbers are the model's.
const WRAP_BEFORE = '(async () => {';
const WRAP_AFTER = '\n})()';

function send(m: WorkerToHost) {
  port.postMessage(m);
}

interface Run {
  id: number;
  engine: Engine;
  code: string;
  limits: WorkbenchLimits;
  rt: QuickJSRuntime;
  ctx: QuickJSContext;
  serializer?: QuickJSHandle;
  program?: QuickJSHandle;
  pending: Map<number, QuickJSDeferredPromise>;
  nextCall: number;
  cpuMs: number;
  /** Start of the synchronous slice in progress (performance.now()), or undefined between slices. */
  sliceStart: number | undefined;
  wallDeadline: number;
  /** Set by the interrupt handler (or the wall timer): the limit that stopped the run. */
  stopped: LimitName | 'cancelled' | 'shutdown' | undefined;
  logs: string[];
  logChars: number;
  logsDropped: number;
  wallTimer?: NodeJS.Timeout;
  finished: boolean;
}

let current: Run | undefined;
/** A run whose engine is being instantiated (its first, or its memory limit changed), and an abort that came meanwhile. */
let starting: { id: number; aborted?: Run['stopped'] } | undefined;

port.on('message', (m: HostToWorker) => {
  if (m.type === 'run') {
    // The abort flag was cleared by the host before it sent the run: an abort it sets from then on is this run's.
    if (engine?.memoryBytes === m.limits.memoryBytes) return start(engine, m.runId, m.code, m.toolNames, m.limits);
    const pending = { id: m.runId } as NonNullable<typeof starting>;
    starting = pending;
    newEngine(m.limits.memoryBytes).then(
      (e) => {
        starting = undefined;
        start(e, m.runId, m.code, m.toolNames, m.limits, pending.aborted);
      },
      (e: unknown) => {
        starting = undefined;
        const error = hostFailure(e);
        send({
          type: 'done',
          runId: m.runId,
          ok: false,
          error,
          logs: [],
          logsDropped: 0,
          cpuMs: 0,
          retire: 'no engine',
        });
        process.exit(0);
      },
    );
  } else if (m.type === 'settle') settle(m.runId, m.callId, m.ok, m.json);
  else if (m.type === 'abort' && current?.id === m.runId) {
    // The engine is idle (this message got through): stop now rather than at the next slice.
    current.stopped ??= m.reason;
    finish(current);
  } else if (m.type === 'abort' && starting?.id === m.runId) starting.aborted ??= m.reason;
});

// The engine for the pool's memory limit is made before the worker says it is ready, so that the first run does not
// pay for it; a run with another limit gets its own engine when it comes.
if (typeof workerData.memoryBytes === 'number') await newEngine(workerData.memoryBytes);
send({ type: 'ready' });

function start(
  e: Engine,
  id: number,
  code: string,
  toolNames: string[],
  limits: WorkbenchLimits,
  aborted?: Run['stopped'],
) {
  const rt = e.wasm.newRuntime();
  rt.setMemoryLimit(limits.memoryBytes);
  rt.setMaxStackSize(limits.stackBytes);
  const ctx = rt.newContext();
  const run: Run = {
    id,
    engine: e,
    code,
    limits,
    rt,
    ctx,
    pending: new Map(),
    nextCall: 1,
    cpuMs: 0,
    sliceStart: undefined,
    wallDeadline: performance.now() + limits.wallMs,
    stopped: undefined,
    logs: [],
    logChars: 0,
    logsDropped: 0,
    finished: false,
  };
  current = run;
  rt.setInterruptHandler(() => {
    const flag = Atomics.load(abortFlag, 0);
    if (flag !== ABORT.none) {
      run.stopped =
        flag === ABORT.wall_time
          ? 'wall_time'
          : flag === ABORT.calls
            ? 'calls'
            : flag === ABORT.shutdown
              ? 'shutdown'
              : 'cancelled';
      return true;
    }
    const now = performance.now();
    if (run.sliceStart !== undefined && run.cpuMs + (now - run.sliceStart) > limits.cpuMs) {
      run.stopped = 'cpu_time';
      return true;
    }
    if (now > run.wallDeadline) {
      run.stopped = 'wall_time';
      return true;
    }
    return false;
  });
  run.wallTimer = setTimeout(() => {
    run.stopped ??= 'wall_time';
    finish(run);
  }, limits.wallMs);
  if (aborted) {
    run.stopped = aborted;
    return finish(run);
  }

  try {
    installHost(run, toolNames);
    const prelude = slice(run, () => ctx.evalCode(PRELUDE, PRELUDE_FILE));
    if (prelude.error) {
      const e = ctx.dump(prelude.error);
      prelude.error.dispose();
      throw new Error(`the sandbox prelude failed: ${JSON.stringify(e)}`);
    }
    run.serializer = prelude.value;
    const result = slice(run, () => ctx.evalCode(WRAP_BEFORE + code + WRAP_AFTER, FILE, { strict: false }));
    if (result.error) {
      const error = describeError(run, result.error, true);
      result.error.dispose();
      return finish(run, { error });
    }
    run.program = result.value;
    pump(run);
  } catch (e) {
    finish(run, { hostFailure: e });
  }
}

/** Runs engine work as a CPU slice: its time counts against the run's CPU limit. */
function slice<T>(run: Run, work: () => T): T {
  run.sliceStart = performance.now();
  try {
    return work();
  } finally {
    run.cpuMs += performance.now() - run.sliceStart;
    run.sliceStart = undefined;
  }
}

function installHost(run: Run, toolNames: string[]) {
  const { ctx } = run;
  const call = ctx.newFunction('__sb_call', (kindH, nameH, jsonH) => {
    const kind = ctx.getString(kindH) === 'read' ? 'read' : 'tool';
    const name = ctx.getString(nameH);
    const json = ctx.getString(jsonH);
    const deferred = ctx.newPromise();
    const callId = run.nextCall++;
    run.pending.set(callId, deferred);
    send({ type: 'call', runId: run.id, callId, kind, name, json });
    return deferred.handle;
  });
  ctx.setProp(ctx.global, '__sb_call', call);
  call.dispose();
  const log = ctx.newFunction('__sb_log', (levelH, textH) => {
    const level = ctx.getString(levelH);
    const text = ctx.getString(textH);
    const line = level === 'log' || level === 'info' ? text : `[${level}] ${text}`;
    const room = run.limits.maxLogChars - run.logChars;
    if (room <= 0) {
      run.logsDropped++;
      return;
    }
    const kept = line.length > room ? `${line.slice(0, room)}… (cut)` : line;
    run.logs.push(kept);
    run.logChars += kept.length;
  });
  ctx.setProp(ctx.global, '__sb_log', log);
  log.dispose();
  const names = ctx.newString(JSON.stringify(toolNames));
  ctx.setProp(ctx.global, '__sb_tools', names);
  names.dispose();
}

/** A host call came back: settle the promise the program awaits, then let the program go on. */
function settle(runId: number, callId: number, ok: boolean, json: string) {
  const run = current;
  if (!run || run.id !== runId || run.finished) return;
  const deferred = run.pending.get(callId);
  if (!deferred) return;
  run.pending.delete(callId);
  try {
    const value = run.ctx.newString(json);
    if (ok) deferred.resolve(value);
    else deferred.reject(value);
    value.dispose();
    deferred.dispose();
    pump(run);
  } catch (e) {
    finish(run, { hostFailure: e });
  }
}

/** Runs the jobs the program queued until it settles, stops, or waits on the host. */
function pump(run: Run) {
  if (run.finished) return;
  const { rt, ctx } = run;
  const jobs = slice(run, () => rt.executePendingJobs());
  if (jobs.error) {
    // A job threw outside any promise (the interrupt, or out of memory while running it).
    const error = describeError(run, jobs.error);
    jobs.error.dispose();
    return finish(run, { error });
  }
  jobs.dispose();
  if (run.stopped) return finish(run);
  const state = ctx.getPromiseState(run.program!);
  if (state.type === 'fulfilled') {
    return finish(run, { value: state.value });
  }
  if (state.type === 'rejected') {
    const error = describeError(run, state.error);
    state.error.dispose();
    return finish(run, { error });
  }
  if (run.pending.size === 0 && !rt.hasPendingJob()) {
    finish(run, {
      // Out of memory inside a promise job rejects that job's promise instead of stopping the run: a chain the
      // program did not await ends, and the program is left waiting.
      error: nearMemoryLimit(run)
        ? limitError(run, 'memory')
        : {
            code: 'program_error',
            message:
              'the program waits on a promise that nothing will settle (no tool call is in flight); await only tools.*, results.read and promises built from them',
          },
    });
  }
}

function finish(run: Run, how: { value?: QuickJSHandle; error?: ProgramError; hostFailure?: unknown } = {}): void {
  if (run.finished) return;
  run.finished = true;
  clearTimeout(run.wallTimer);
  let report: RunReport = { ok: false, logs: run.logs, logsDropped: run.logsDropped, cpuMs: 0 };
  try {
    if (run.stopped) {
      report.error = limitError(run, run.stopped);
    } else if (how.hostFailure !== undefined) {
      report.error = hostFailure(how.hostFailure);
      report.retire = 'the engine failed on the host side';
    } else if (how.error) {
      report.error = how.error;
    } else if (how.value) {
      const out = serialize(run, how.value);
      if (typeof out === 'string') report = { ...report, ok: true, valueJson: out };
      else report.error = out;
    }
  } catch (e) {
    report.error = hostFailure(e);
    report.retire = 'the engine failed on the host side';
  }
  how.value?.dispose();
  // A worker whose memory reached its maximum is not reused, whatever the run's outcome: every run starts with
  // room, so memory at the maximum after a run is that run's doing (nearMemoryLimit relies on it).
  if (report.error?.limit === 'memory' || nearMemoryLimit(run)) report.retire = 'its memory grew to the limit';
  if (report.error?.limit === 'stack' && report.error.code === 'sandbox_error')
    report.retire = 'native stack exhausted';
  report.cpuMs = Math.round(run.cpuMs);
  const released = release(run);
  if (!released) report.retire ??= 'the engine did not release the run';
  send({ type: 'done', runId: run.id, ...report });
  if (current === run) current = undefined;
  // A suspect engine is not reused: the host starts a fresh worker.
  if (report.retire) process.exit(0);
}

/** Frees every handle of the run, then the context and runtime; false when the engine refused (state suspect). */
function release(run: Run): boolean {
  try {
    for (const d of run.pending.values()) if (d.alive) d.dispose();
    run.pending.clear();
    if (run.program?.alive) run.program.dispose();
    if (run.serializer?.alive) run.serializer.dispose();
    run.ctx.dispose();
    run.rt.dispose();
    return true;
  } catch {
    return false;
  }
}

function serialize(run: Run, value: QuickJSHandle): string | ProgramError {
  const { ctx, limits } = run;
  const max = ctx.newNumber(limits.maxReturnChars);
  try {
    const r = slice(run, () => ctx.callFunction(run.serializer!, ctx.undefined, value, max));
    if (r.error) {
      const e = describeError(run, r.error);
      r.error.dispose();
      if (e.limit === 'stack') {
        const { line: _l, column: _c, source: _s, stack: _st, ...rest } = e;
        return { ...rest, message: `the return value is nested too deeply to turn into JSON: ${e.message}` };
      }
      if (e.code === 'limit_exceeded') return e;
      return { code: 'return_value', message: `the return value is not JSON: ${e.message}` };
    }
    const out = r.value;
    try {
      if (ctx.typeof(out) === 'number') {
        const n = ctx.getNumber(out);
        return {
          code: 'limit_exceeded',
          limit: 'return_size',
          value: limits.maxReturnChars,
          message: `the return value is ${n} characters of JSON; the limit is ${limits.maxReturnChars}: return less (filter, pick fields, or summarize)`,
        };
      }
      const json = ctx.getString(out);
      // JSON text is never empty: QuickJS could not copy it out of its heap.
      return json === '' ? limitError(run, 'memory') : json;
    } finally {
      out.dispose();
    }
  } finally {
    max.dispose();
  }
}

const LIMIT_TEXT: Record<LimitName, (l: WorkbenchLimits) => [number, string]> = {
  memory: (l) => [l.memoryBytes, `memory limit reached (${Math.round(l.memoryBytes / 1048576)} MB per run)`],
  stack: (l) => [l.stackBytes, `stack limit reached (${Math.round(l.stackBytes / 1024)} KB): recursion too deep`],
  cpu_time: (l) => [l.cpuMs, `CPU time limit reached (${l.cpuMs} ms of computation per run)`],
  wall_time: (l) => [l.wallMs, `wall time limit reached (${l.wallMs} ms per run, tool calls included)`],
  calls: (l) => [l.maxCalls, `tool call limit reached (${l.maxCalls} tool calls and result reads per run)`],
  return_size: (l) => [l.maxReturnChars, `return value limit reached (${l.maxReturnChars} characters)`],
  code_size: () => [0, 'program too long'],
  queue: () => [0, 'too many programs waiting'],
};

function limitError(run: Run, stopped: NonNullable<Run['stopped']>): ProgramError {
  if (stopped === 'cancelled') return { code: 'sandbox_error', message: 'the run was cancelled (the request ended)' };
  if (stopped === 'shutdown') return { code: 'sandbox_error', message: 'the gateway is shutting down; run it again' };
  const [value, message] = LIMIT_TEXT[stopped](run.limits);
  return { code: 'limit_exceeded', limit: stopped, value, message };
}

function hostFailure(e: unknown): ProgramError {
  // V8 stops WebAssembly recursion that outgrows the thread's native stack before QuickJS's own check in a few
  // engine paths (deeply nested JSON, toString of nested arrays): that is the program's recursion, not a crash.
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return { code: 'sandbox_error', limit: 'stack', message: 'stack limit reached: recursion or nesting too deep' };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'sandbox_error', message: `the sandbox engine failed: ${message.slice(0, 300)}` };
}

/** Caps on what a thrown value may put in the answer: the return value has its limit, an error message too. */
const MAX_NAME = 100;
const MAX_MESSAGE = 2000;
const MAX_FRAME = 300;
const MAX_TOOL_ERROR = 4000;

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}… (${s.length - max} more characters)` : s;
}

/** Turns an error value of the sandbox into what the model reads: kind, message, line, source line, stack. */
function describeError(run: Run, handle: QuickJSHandle, parsing = false): ProgramError {
  if (run.stopped) return limitError(run, run.stopped);
  const { ctx } = run;
  let dumped: unknown;
  let failed = false;
  // Reading the value runs the program's code (getters of name/message/stack, toJSON, proxy traps): it counts as
  // the program's CPU time, so a getter that loops stops at the CPU limit. dump() disposes a promise it is given,
  // hence the copy.
  const copy = handle.dup();
  try {
    dumped = slice(run, () => ctx.dump(copy));
  } catch {
    failed = true;
  } finally {
    if (copy.alive) copy.dispose();
  }
  if (run.stopped) return limitError(run, run.stopped);
  if (dumped === null && nearMemoryLimit(run)) {
    // QuickJS throws null when it cannot even allocate the error for "out of memory"; a program may also throw
    // null itself, but not with its memory at the limit.
    return limitError(run, 'memory');
  }
  if (failed || (dumped === '' && ctx.typeof(handle) === 'object')) {
    // The value could not be read out (no memory left to describe it, or the engine refused).
    return nearMemoryLimit(run)
      ? limitError(run, 'memory')
      : { code: 'program_error', message: 'the program threw a value that cannot be described' };
  }
  if (dumped && typeof dumped === 'object' && !Array.isArray(dumped)) {
    const e = dumped as Record<string, unknown>;
    const name = typeof e.name === 'string' ? cut(e.name, MAX_NAME) : undefined;
    let message = typeof e.message === 'string' ? e.message : undefined;
    if (name === 'InternalError' && message === 'out of memory') return limitError(run, 'memory');
    // InternalError from calls, SyntaxError from JSON.parse of deep nesting: the same limit either way.
    if (message === 'stack overflow') {
      return { ...limitError(run, 'stack'), ...position(e, run.code) };
    }
    if (name === 'InternalError' && message === 'interrupted') return limitError(run, 'cancelled');
    // An Error whose message getter threw: still an Error, with its name and where it was made.
    if (message === undefined && name !== undefined && typeof e.stack === 'string') {
      message = '(its message could not be read)';
    }
    if (message !== undefined) {
      const pos = position(e, run.code);
      const err: ProgramError = {
        code: name === 'SyntaxError' && parsing ? 'syntax_error' : 'program_error',
        name: name ?? 'Error',
        message: cut(message, MAX_MESSAGE),
        ...pos,
      };
      if (name === 'ToolError') {
        const { name: _n, message: _m, stack: _s, ...rest } = e;
        const json = JSON.stringify(rest);
        // A ToolError the program made itself may carry anything: only a small one is passed on.
        err.tool_error = json.length <= MAX_TOOL_ERROR ? rest : { code: rest.code, note: 'fields too large to show' };
      }
      return err;
    }
  }
  return { code: 'program_error', message: `the program threw a non-error value: ${showValue(dumped)}` };
}

/**
 * The module's linear memory has grown to (within 1 MB of) its maximum, where allocations fail. A worker is retired
 * once it gets there (finish), so during a run this says the run itself filled its memory.
 */
function nearMemoryLimit(run: Run): boolean {
  return run.engine.memory.buffer.byteLength >= run.engine.maxBytes - 1048576;
}

function showValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  try {
    const s = JSON.stringify(v);
    return (s ?? String(v)).slice(0, 300);
  } catch {
    return String(v).slice(0, 300);
  }
}

/** Line, column, source line and the program's own stack frames (not the prelude's). */
function position(e: Record<string, unknown>, code: string): Partial<ProgramError> {
  const lines = code.split('\n');
  const at = /workbench\.js:(\d+)(?::(\d+))?/;
  // Frames in the program's own coordinates: the wrapper's prefix shifts line 1, its closing line is not the model's.
  const frames: string[] = [];
  for (const raw of (typeof e.stack === 'string' ? e.stack : '').split('\n')) {
    const t = raw.trim();
    const m = at.exec(t);
    if (!m) continue;
    const l = Number(m[1]);
    if (l > lines.length) continue;
    const c = m[2] !== undefined && l === 1 ? Math.max(1, Number(m[2]) - WRAP_BEFORE.length) : m[2];
    // The function's name is the program's (any length); the place stays whole.
    const where = `workbench.js:${l}${c !== undefined ? `:${c}` : ''}`;
    frames.push(cut(t.slice(0, m.index), MAX_FRAME) + where + t.slice(m.index + m[0].length));
  }
  const m = at.exec(frames[0] ?? '');
  let line = typeof e.lineNumber === 'number' ? e.lineNumber : m ? Number(m[1]) : undefined;
  let column = m?.[2] ? Number(m[2]) : undefined;
  if (typeof e.lineNumber === 'number' && !m) column = undefined;
  if (line === undefined) return frames.length ? { stack: frames.slice(0, 10).join('\n') } : {};
  if (line > lines.length) line = lines.length;
  return {
    line,
    ...(column !== undefined ? { column } : {}),
    ...(lines[line - 1] !== undefined ? { source: lines[line - 1]!.slice(0, 200) } : {}),
    ...(frames.length ? { stack: frames.slice(0, 10).join('\n') } : {}),
  };
}
