import { Worker } from 'node:worker_threads';
import {
  ABORT,
  type HostToWorker,
  type ProgramError,
  type RunReport,
  type WorkbenchLimits,
  type WorkerToHost,
} from './protocol.ts';

/**
 * A pool of sandbox workers (sandbox-worker.ts). Each run takes an idle worker (starting one if the pool is below
 * its size), or waits in a bounded queue. The pool answers the run's host calls through the caller's `call`, at
 * most `maxConcurrentCalls` at a time, and stops the run at `maxCalls`. It never trusts a worker to stop by itself:
 * past the wall limit plus a grace period the worker is terminated and replaced, so no program can hold a thread
 * (or the gateway's event loop, which never runs sandbox code) for longer than its limits.
 */

export interface HostCall {
  kind: 'tool' | 'read';
  name: string;
  json: string;
}

export interface RunBindings {
  code: string;
  toolNames: string[];
  limits: WorkbenchLimits;
  /** Answers one host call: JSON text for the program (ok) or an error's JSON (the promise rejects). */
  call(c: HostCall, signal: AbortSignal): Promise<{ ok: boolean; json: string }>;
  signal?: AbortSignal;
}

export interface PoolOptions {
  /** Workers (threads) at most. */
  size: number;
  /** Runs waiting for a worker at most; more are refused at once. */
  queueMax: number;
  /** How long a run may wait for a worker. */
  queueWaitMs: number;
  /** V8 heap of a worker (the JSON crossing to and from the sandbox), MB. */
  workerHeapMb: number;
  /**
   * The memory limit (`WorkbenchLimits.memoryBytes`) of the runs to come: a worker instantiates its engine for it
   * while it starts (so `warm()` covers it), not on its first run. A run with another limit still works.
   */
  memoryBytes?: number;
  /** After the wall limit, how long a worker gets to stop by itself before it is terminated. */
  terminateGraceMs?: number;
}

export interface PoolStats {
  workers: number;
  busy: number;
  queued: number;
  started: number;
  retired: number;
}

export interface SandboxPool {
  run(b: RunBindings): Promise<RunReport>;
  /** Starts the workers ahead of the first run (cold start off the first request's path). */
  warm(): Promise<void>;
  stats(): PoolStats;
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  abort: Int32Array;
  ready: Promise<void>;
  job: Job | undefined;
  gone: boolean;
}

interface Job {
  id: number;
  b: RunBindings;
  resolve(r: RunReport): void;
  calls: number;
  inFlight: number;
  waiting: { callId: number; c: HostCall }[];
  controller: AbortController;
  backstop?: NodeJS.Timeout;
  /** Removes the listener on the caller's signal (the run ended, or it left the queue). */
  unlisten?: () => void;
  done: boolean;
}

const WORKER_URL = new URL('./sandbox-worker.ts', import.meta.url);

export function createSandboxPool(opts: PoolOptions): SandboxPool {
  const slots = new Set<Slot>();
  const queue: { job: Job; timer: NodeJS.Timeout }[] = [];
  /** Takes an entry out of the queue (false when it already left it). */
  const dequeue = (entry: { job: Job; timer: NodeJS.Timeout }) => {
    const i = queue.indexOf(entry);
    if (i < 0) return false;
    queue.splice(i, 1);
    clearTimeout(entry.timer);
    entry.job.unlisten?.();
    entry.job.unlisten = undefined;
    return true;
  };
  let nextId = 1;
  let started = 0;
  let retired = 0;
  let closed = false;

  function spawn(): Slot {
    const abort = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(WORKER_URL, {
      workerData: { abort: abort.buffer, memoryBytes: opts.memoryBytes },
      // The engine's recursion runs on this thread's native stack; 16 MB lets QuickJS's own stack limit (far
      // smaller) trip first. The heap bounds the JSON passing through.
      resourceLimits: { stackSizeMb: 16, maxOldGenerationSizeMb: opts.workerHeapMb },
      stdout: true,
      stderr: true,
    });
    started++;
    let markReady: () => void;
    let fail: (e: Error) => void;
    const slot: Slot = {
      worker,
      abort,
      job: undefined,
      gone: false,
      ready: new Promise<void>((resolve, reject) => {
        markReady = resolve;
        fail = reject;
      }),
    };
    slot.ready.catch(() => {});
    worker.on('message', (m: WorkerToHost) => {
      if (m.type === 'ready') markReady();
      else if (m.type === 'call') onCall(slot, m.runId, m.callId, { kind: m.kind, name: m.name, json: m.json });
      else if (m.type === 'done') {
        const { type: _t, runId, ...report } = m;
        if (report.retire) retire(slot); // the worker exits next; it takes no other run
        if (slot.job?.id === runId) end(slot, report);
      }
    });
    const lost = (why: string) => {
      fail(new Error(why));
      if (slot.gone) return;
      retire(slot);
      if (slot.job) end(slot, crashReport(why));
      next();
    };
    worker.on('error', (e) => lost(workerError(e)));
    worker.on('exit', (code) => lost(`the sandbox worker exited (code ${code})`));
    // Nothing reaches the process's stdout from a sandbox; the streams are drained so they never block.
    worker.stdout.resume();
    worker.stderr.resume();
    slots.add(slot);
    return slot;
  }

  function retire(slot: Slot) {
    if (slot.gone) return;
    slot.gone = true;
    slots.delete(slot);
    retired++;
  }

  function idleSlot(): Slot | undefined {
    for (const s of slots) if (!s.job && !s.gone) return s;
    if (slots.size < opts.size) return spawn();
    return undefined;
  }

  function run(b: RunBindings): Promise<RunReport> {
    return new Promise<RunReport>((resolve) => {
      const job: Job = {
        id: nextId++,
        b,
        resolve,
        calls: 0,
        inFlight: 0,
        waiting: [],
        controller: new AbortController(),
        done: false,
      };
      if (closed) return resolve(errorReport({ code: 'sandbox_error', message: 'the gateway is shutting down' }));
      if (b.signal?.aborted) return resolve(cancelledReport());
      const slot = idleSlot();
      if (slot) return void assign(slot, job);
      if (queue.length >= opts.queueMax) {
        return resolve(
          errorReport({
            code: 'limit_exceeded',
            limit: 'queue',
            value: opts.queueMax,
            message: `every sandbox is busy and ${opts.queueMax} programs are waiting; try again in a few seconds`,
          }),
        );
      }
      const entry = {
        job,
        timer: setTimeout(() => {
          if (!dequeue(entry)) return;
          resolve(
            errorReport({
              code: 'limit_exceeded',
              limit: 'queue',
              value: opts.queueWaitMs,
              message: `every sandbox stayed busy for ${opts.queueWaitMs} ms; try again in a few seconds`,
            }),
          );
        }, opts.queueWaitMs),
      };
      queue.push(entry);
      // A request that ends while its run waits for a worker leaves the queue at once.
      const { signal } = b;
      if (signal) {
        const onAbort = () => {
          if (dequeue(entry)) resolve(cancelledReport());
        };
        signal.addEventListener('abort', onAbort, { once: true });
        job.unlisten = () => signal.removeEventListener('abort', onAbort);
      }
    });
  }

  function next() {
    if (closed) return;
    while (queue.length) {
      const slot = idleSlot();
      if (!slot) return;
      const entry = queue[0]!;
      dequeue(entry);
      assign(slot, entry.job);
    }
  }

  async function assign(slot: Slot, job: Job) {
    slot.job = job;
    try {
      await slot.ready;
    } catch {
      return; // lost() already ended the job
    }
    if (job.done) return;
    const { b } = job;
    const { signal } = b;
    if (signal) {
      // Cancelled before the worker got the program (e.g. while the worker started): nothing to stop there.
      if (signal.aborted) return end(slot, cancelledReport());
      const onAbort = () => stop(slot, job, 'cancelled');
      signal.addEventListener('abort', onAbort, { once: true });
      job.unlisten = () => signal.removeEventListener('abort', onAbort);
    }
    // The worker stops itself at the wall limit; past it plus the grace, it is terminated.
    job.backstop = setTimeout(
      () => {
        if (job.done) return;
        retire(slot);
        end(slot, errorReport(limitReport(b.limits, 'wall_time')));
        void slot.worker.terminate();
        next();
      },
      b.limits.wallMs + (opts.terminateGraceMs ?? 2000),
    );
    // Cleared by the host, before the run is sent: a flag the worker cleared when the run reached it would erase an
    // abort set in between, and a busy engine would then never see it (the abort message waits behind the program).
    Atomics.store(slot.abort, 0, ABORT.none);
    post(slot, { type: 'run', runId: job.id, code: b.code, toolNames: b.toolNames, limits: b.limits });
  }

  function post(slot: Slot, m: HostToWorker) {
    if (!slot.gone) slot.worker.postMessage(m);
  }

  /** Asks the worker to stop the job: the flag reaches an engine busy computing, the message an idle one. */
  function stop(slot: Slot, job: Job, reason: 'cancelled' | 'wall_time' | 'calls' | 'shutdown') {
    if (job.done || slot.job !== job) return;
    Atomics.store(slot.abort, 0, ABORT[reason]);
    post(slot, { type: 'abort', runId: job.id, reason });
  }

  function onCall(slot: Slot, runId: number, callId: number, c: HostCall) {
    const job = slot.job;
    if (!job || job.id !== runId || job.done) return;
    job.calls++;
    if (job.calls > job.b.limits.maxCalls) return stop(slot, job, 'calls');
    job.waiting.push({ callId, c });
    pumpCalls(slot, job);
  }

  function pumpCalls(slot: Slot, job: Job) {
    while (!job.done && job.inFlight < job.b.limits.maxConcurrentCalls && job.waiting.length) {
      const { callId, c } = job.waiting.shift()!;
      job.inFlight++;
      // A binding that throws synchronously fails this call, not the pool.
      new Promise<{ ok: boolean; json: string }>((resolve) => resolve(job.b.call(c, job.controller.signal)))
        .catch((e: unknown) => ({
          ok: false,
          json: JSON.stringify({
            code: 'internal',
            message: `the gateway failed to run this call: ${e instanceof Error ? e.message : String(e)}`,
            retryable: true,
          }),
        }))
        .then((r) => {
          job.inFlight--;
          if (job.done) return;
          post(slot, { type: 'settle', runId: job.id, callId, ok: r.ok, json: r.json });
          pumpCalls(slot, job);
        });
    }
  }

  function end(slot: Slot, report: RunReport) {
    const job = slot.job!;
    if (job.done) return;
    job.done = true;
    clearTimeout(job.backstop);
    job.unlisten?.();
    // Calls still in flight or waiting are abandoned: their upstream requests are cancelled.
    job.waiting.length = 0;
    job.controller.abort();
    slot.job = undefined;
    job.resolve(report);
    next();
  }

  async function warm() {
    while (slots.size < opts.size) spawn();
    await Promise.all([...slots].map((s) => s.ready.catch(() => {})));
  }

  async function close() {
    closed = true;
    for (const entry of [...queue]) {
      dequeue(entry);
      entry.job.resolve(errorReport({ code: 'sandbox_error', message: 'the gateway is shutting down; run it again' }));
    }
    for (const s of slots) if (s.job) stop(s, s.job, 'shutdown');
    await Promise.all(
      [...slots].map(async (s) => {
        s.gone = true;
        if (s.job)
          end(s, errorReport({ code: 'sandbox_error', message: 'the gateway is shutting down; run it again' }));
        await s.worker.terminate();
      }),
    );
    slots.clear();
  }

  function stats(): PoolStats {
    let busy = 0;
    for (const s of slots) if (s.job) busy++;
    return { workers: slots.size, busy, queued: queue.length, started, retired };
  }

  return { run, warm, stats, close };
}

function errorReport(error: ProgramError): RunReport {
  return { ok: false, error, logs: [], logsDropped: 0, cpuMs: 0 };
}

function cancelledReport(): RunReport {
  return errorReport({ code: 'sandbox_error', message: 'the run was cancelled (the request ended)' });
}

function limitReport(limits: WorkbenchLimits, limit: 'wall_time'): ProgramError {
  return {
    code: 'limit_exceeded',
    limit,
    value: limits.wallMs,
    message: `wall time limit reached (${limits.wallMs} ms per run, tool calls included)`,
  };
}

function crashReport(why: string): RunReport {
  return errorReport({ code: 'sandbox_error', message: `the sandbox stopped during the run: ${why}` });
}

function workerError(e: Error): string {
  const code = (e as { code?: string }).code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'the sandbox worker ran out of memory';
  return e.message.slice(0, 300);
}
