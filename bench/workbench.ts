// `npm run bench:workbench`: what the run_workbench sandbox costs. Start of a run (cold: a fresh pool; warm: a run
// on a loaded worker), the cost of one tool call made from inside a program against a direct call, and a 100-call
// program against the same calls as execute_tools requests, plus the process's RSS around a pool of two workers.
//
// Everything runs in this one process: the sandbox pool on its own (`createSandboxPool`, with an instant host
// `call`), then a real gateway in demo mode (SQLite in a temp folder, the Confluence emulator on its loopback
// listener) reached over HTTP on 127.0.0.1 with plain JSON-RPC POSTs, as a client would. Ratios against baselines
// measured in the same run are the result; absolute times move with the machine.
//
// Settings (environment): BENCH_COLD_POOLS (fresh pools, 20), BENCH_WARM_RUNS (`return 1` runs on a warm pool and
// /mcp round trips per arm, 500), BENCH_PROGRAM_RUNS (runs of each pool-level call program, 100), BENCH_REPS
// (repetitions of each end-to-end many-call variant, 25), BENCH_CALLS (tool calls per program, 100; at most the
// run's call limit), BENCH_SOAK_PROGRAMS (sequential call programs run after the others for the memory readings,
// 2000; 0 for none). Output: Markdown tables on stdout and bench/results/workbench.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../src/config/index.ts';
import { createApiKey, ensureUser } from '../src/identity/index.ts';
import { startGateway } from '../src/server/gateway.ts';
import { createCatalog } from '../src/toolkits/index.ts';
import { createLogger } from '../src/util/log.ts';
import { createSandboxPool, type RunBindings, type SandboxPool } from '../src/workbench/pool.ts';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH_DIR, '..');
const RESULTS_FILE = path.join(BENCH_DIR, 'results', 'workbench.json');

// ---------------------------------------------------------------------------------------------------------------
// Settings

function count(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) fail(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return value;
}

// The default limits, as the gateway runs them (the calls per run and calls at a time matter here).
const LIMITS = loadConfig({}).workbench.limits;
const settings = {
  coldPools: count('BENCH_COLD_POOLS', 20),
  warmRuns: count('BENCH_WARM_RUNS', 500),
  programRuns: count('BENCH_PROGRAM_RUNS', 100),
  reps: count('BENCH_REPS', 25),
  calls: count('BENCH_CALLS', 100),
  soakPrograms: count('BENCH_SOAK_PROGRAMS', 2000, 0),
};
if (settings.calls > LIMITS.maxCalls) fail(`BENCH_CALLS must be at most the run's call limit (${LIMITS.maxCalls})`);

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// Statistics and formatting

interface Stats {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentiles; with fewer than 100 samples p99 is the maximum. */
function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    n: s.length,
    p50: round(at(50)),
    p90: round(at(90)),
    p99: round(at(99)),
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
    min: round(s[0]!),
    max: round(s.at(-1)!),
  };
}

/** Milliseconds with about three significant digits. */
function ms(x: number): string {
  const a = Math.abs(x);
  return x.toFixed(a < 1 ? 3 : a < 10 ? 2 : a < 100 ? 1 : 0);
}

const ratio = (x: number) => x.toFixed(x < 0.1 ? 3 : 2);
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

/** Times `fn` once, in milliseconds. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/**
 * Runs each variant `rounds` times, interleaved (one of each per round, the order rotating) so drift of the machine
 * spreads over all of them instead of favouring whichever ran first; `warmup` rounds before are discarded.
 */
async function interleaved<K extends string>(
  variants: Record<K, () => Promise<unknown>>,
  rounds: number,
  warmup: number,
): Promise<Record<K, Stats>> {
  const names = Object.keys(variants) as K[];
  const samples = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let r = -warmup; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const k = names[(i + Math.max(0, r)) % names.length]!;
      const t = await timed(variants[k]);
      if (r >= 0) samples[k].push(t);
    }
  }
  return Object.fromEntries(names.map((k) => [k, stats(samples[k])])) as Record<K, Stats>;
}

// A full collection before each RSS reading, so the figure is what the process holds and not the garbage the
// measured loops left on the main thread's heap (the workers' heaps are their own and are not collected here).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

async function rss(): Promise<number> {
  gc();
  await new Promise((r) => setTimeout(r, 200));
  gc();
  return process.memoryUsage.rss();
}

// ---------------------------------------------------------------------------------------------------------------
// The sandbox pool on its own

// As the gateway makes it: the workers make their engine for the runs' memory limit while they start.
const POOL_OPTIONS = { size: 1, queueMax: 8, queueWaitMs: 10_000, workerHeapMb: 64, memoryBytes: LIMITS.memoryBytes };
// What `tools` lists inside a run at /mcp: every tool of the catalogue (the prelude builds one function per name).
const CATALOGUE_NAMES = [...createCatalog().toolkits.values()].flatMap((t) => t.tools.map((tool) => tool.name));

/** A run with an instant host: every call resolves at once with `{}`, so only the sandbox's own cost is timed. */
function bindings(code: string, toolNames = ['x']): RunBindings {
  return { code, toolNames, limits: LIMITS, call: async () => ({ ok: true, json: '{}' }) };
}

async function run(pool: SandboxPool, code: string, toolNames?: string[]): Promise<void> {
  const r = await pool.run(bindings(code, toolNames));
  if (!r.ok || r.valueJson !== '1') throw new Error(`the program failed: ${JSON.stringify(r).slice(0, 500)}`);
}

// The pool keeps its worker threads to itself. To show where their memory goes, the bench notes every Worker that
// gets a listener (a bench-only hook on the prototype; the pool listens to each worker as it starts it) and asks it
// for its heap statistics: the V8 heap, and the external memory, which is mostly QuickJS's WebAssembly memory.
const workers = new Set<Worker>();
const on = Worker.prototype.on;
Worker.prototype.on = function (this: Worker, ...args: Parameters<Worker['on']>) {
  workers.add(this);
  return on.apply(this, args);
};

interface WorkerHeap {
  v8UsedBytes: number;
  v8TotalBytes: number;
  externalBytes: number;
}

/** Heap statistics of the worker threads still running (threadId is -1 once a worker stopped). */
async function workerHeaps(): Promise<WorkerHeap[]> {
  const alive = [...workers].filter((w) => w.threadId >= 0);
  return Promise.all(
    alive.map(async (w) => {
      const h = await w.getHeapStatistics();
      return { v8UsedBytes: h.used_heap_size, v8TotalBytes: h.total_heap_size, externalBytes: h.external_memory };
    }),
  );
}

interface MemoryPoint {
  when: string;
  rssBytes: number;
  workers: WorkerHeap[];
}

/** Memory around a pool of two (the default size), its warm runs, and the pool-level call programs. */
async function benchPool() {
  const memory: MemoryPoint[] = [];
  const note = async (when: string) => {
    memory.push({ when, rssBytes: await rss(), workers: await workerHeaps() });
  };
  await note('before the pool');
  const pool = createSandboxPool({ ...POOL_OPTIONS, size: 2 });
  // Both workers start together, as `switchboard serve` warms its pool: the first start in this process.
  const firstStart = await timed(() => pool.warm());
  await note('after warm() of 2 workers');

  // Warm start: runs on a loaded worker (each still gets a fresh runtime and context), with one tool name and with
  // the catalogue's names, as run_workbench binds them.
  let runs = 0;
  const counted = (code: string, names?: string[]) => () => {
    runs++;
    return run(pool, code, names);
  };
  const warm = await interleaved(
    { oneName: counted('return 1'), catalogue: counted('return 1', CATALOGUE_NAMES) },
    settings.warmRuns,
    50,
  );
  await note(`after ${runs} runs`);

  // The cost of a call from inside the sandbox: N awaited one after the other, and N at once (Promise.all, which
  // the pool lets through maxConcurrentCalls at a time), against the empty program.
  const n = settings.calls;
  const sequential = `for (let i = 0; i < ${n}; i++) await tools.x({});\nreturn 1;`;
  const programs = await interleaved(
    {
      empty: counted('return 1'),
      sequential: counted(sequential),
      parallel: counted(`await Promise.all(Array.from({ length: ${n} }, () => tools.x({})));\nreturn 1;`),
    },
    settings.programRuns,
    5,
  );
  await note(`after ${runs} runs (the call programs: ${(settings.programRuns + 5) * 2 * n} more calls)`);
  // A soak: more of the sequential program, with a reading every 1,000 runs, to see whether memory levels off.
  for (let done = 0; done < settings.soakPrograms; ) {
    const chunk = Math.min(1000, settings.soakPrograms - done);
    for (let i = 0; i < chunk; i++) await counted(sequential)();
    done += chunk;
    await note(`after ${runs} runs (soak: ${done} more sequential programs)`);
  }
  const poolStats = pool.stats();
  await pool.close();
  return {
    firstStartMs: firstStart,
    warm,
    programs,
    memory,
    workersStarted: poolStats.started,
    workersRetired: poolStats.retired,
  };
}

/** A worker thread as an eval script, resolved when it posts its first message (which it returns). */
async function workerMessage<T>(source: string): Promise<{ ms: number; message: T }> {
  const t = performance.now();
  const worker = new Worker(source, { eval: true });
  const message = await new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const elapsed = performance.now() - t;
  await worker.terminate();
  return { ms: elapsed, message };
}

// The cold start broken down with the same packages the sandbox worker loads: a bare thread, then a thread that
// imports quickjs-emscripten-core and the wasm variant and instantiates the module (timing both steps inside).
const BARE_WORKER = `require('node:worker_threads').parentPort.postMessage(0);`;
const LOADER_WORKER = `
const { parentPort } = require('node:worker_threads');
(async () => {
  const t0 = performance.now();
  const [core, variant] = await Promise.all([
    import(${JSON.stringify(import.meta.resolve('quickjs-emscripten-core'))}),
    import(${JSON.stringify(import.meta.resolve('@jitl/quickjs-wasmfile-release-sync'))}),
  ]);
  const t1 = performance.now();
  await core.newQuickJSWASMModuleFromVariant(variant.default);
  parentPort.postMessage({ importMs: t1 - t0, wasmMs: performance.now() - t1 });
})();`;

async function benchColdStarts() {
  const ready: number[] = [];
  const first: number[] = [];
  const total: number[] = [];
  const second: number[] = [];
  const bare: number[] = [];
  const loader: number[] = [];
  const imports: number[] = [];
  const wasm: number[] = [];
  const warmup = 2;
  for (let i = -warmup; i < settings.coldPools; i++) {
    // A fresh pool of one worker: warm() starts the thread and waits for its "ready" (its modules loaded, the WASM
    // compiled and instantiated with a memory sized for the runs' limit); the first run then creates the worker's
    // first QuickJS runtime and context. A pool's run() does both when cold.
    const pool = createSandboxPool(POOL_OPTIONS);
    const t0 = performance.now();
    await pool.warm();
    const t1 = performance.now();
    await run(pool, 'return 1');
    const t2 = performance.now();
    await run(pool, 'return 1');
    const t3 = performance.now();
    await pool.close();
    const b = await workerMessage<number>(BARE_WORKER);
    const l = await workerMessage<{ importMs: number; wasmMs: number }>(LOADER_WORKER);
    if (i < 0) continue;
    ready.push(t1 - t0);
    first.push(t2 - t1);
    total.push(t2 - t0);
    second.push(t3 - t2);
    bare.push(b.ms);
    loader.push(l.ms);
    imports.push(l.message.importMs);
    wasm.push(l.message.wasmMs);
  }
  return {
    workerReady: stats(ready),
    firstRun: stats(first),
    total: stats(total),
    secondRun: stats(second),
    bareThread: stats(bare),
    loaderThread: stats(loader),
    loaderImports: stats(imports),
    loaderWasm: stats(wasm),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The gateway, end to end

// biome-ignore lint/suspicious/noExplicitAny: the bench reads the fields it asked for and checks them.
type Json = any;

async function benchGateway() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sb-bench-wb-'));
  // As test/helpers/gateway.ts starts it, without the emulator traffic recording (it would be timed with each call).
  const config = loadConfig({
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_PORT: '0',
    SWITCHBOARD_DEMO: 'true',
    SWITCHBOARD_LOG_LEVEL: 'silent',
  });
  const gateway = await startGateway(config, createLogger(config.logLevel));
  try {
    const { user } = await ensureUser(gateway.store.db, 'demo');
    const { key } = await createApiKey(gateway.store.db, user.id);
    const ctx = { userId: user.id };
    const endpoint = `${gateway.url}/mcp`;
    await gateway.workbench!.warm();

    /** One tools/call over HTTP, as an MCP client sends it to the stateless endpoint; the tool result's text. */
    let rpcId = 0;
    async function mcp(name: string, args: unknown): Promise<{ isError: boolean; text: string }> {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          Authorization: `Bearer ${key}`,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method: 'tools/call', params: { name, arguments: args } }),
      });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`HTTP ${res.status} for ${name}: ${body.slice(0, 500)}`);
      const message = JSON.parse(body) as Json;
      if (!message.result) throw new Error(`no JSON-RPC result for ${name}: ${body.slice(0, 500)}`);
      return { isError: message.result.isError === true, text: message.result.content[0].text };
    }
    /** The parsed answer of a tool call that must succeed. */
    async function ok(name: string, args: unknown): Promise<Json> {
      const r = await mcp(name, args);
      if (r.isError) throw new Error(`${name} failed: ${r.text.slice(0, 500)}`);
      return JSON.parse(r.text);
    }

    // The seeded Confluence pages; calls cycle through their ids.
    const listed = await ok('execute_tools', { calls: [{ tool: 'confluence_get_pages', arguments: { limit: 250 } }] });
    const ids: string[] = listed.results[0].data.results.map((p: { id: string }) => p.id);
    if (ids.length === 0) throw new Error('confluence_get_pages returned no page');
    const n = settings.calls;
    const idList = JSON.stringify(Array.from({ length: n }, (_, i) => ids[i % ids.length]!));

    // --- 1. Warm start end to end: run_workbench `return 1` against a trivial meta-tool on the same path.
    progress(`/mcp: run_workbench "return 1" and read_result, ${settings.warmRuns} each`);
    const roundTrips = await interleaved(
      {
        readResult: async () => {
          const r = await mcp('read_result', { handle: 'res_missing' });
          if (!r.isError || !r.text.includes('not_found')) throw new Error(`read_result: ${r.text.slice(0, 300)}`);
        },
        runWorkbench: async () => {
          const a = await ok('run_workbench', { code: 'return 1' });
          if (a.result !== 1) throw new Error(`run_workbench: ${JSON.stringify(a).slice(0, 300)}`);
        },
      },
      settings.warmRuns,
      50,
    );

    // --- 2b. One call against the emulator, direct (execute_tools with one call, in process, no HTTP) against
    // the same call from inside one program (run_workbench, in process); the empty program is its fixed cost.
    progress(`in process: ${n} confluence_get_page calls, direct and from a program, ${settings.reps} times`);
    const direct = async () => {
      for (let i = 0; i < n; i++) {
        const r = (await gateway.router.call(
          'execute_tools',
          { calls: [{ tool: 'confluence_get_page', arguments: { id: ids[i % ids.length] } }] },
          ctx,
        )) as Json;
        if (!r.ok || r.body.failed !== 0) throw new Error(`execute_tools: ${JSON.stringify(r).slice(0, 500)}`);
      }
    };
    const program = async (code: string, calls: number) => {
      const r = (await gateway.router.call('run_workbench', { code }, ctx)) as Json;
      if (!r.ok || r.body.calls.total !== calls || r.body.calls.failed !== 0) {
        throw new Error(`run_workbench: ${JSON.stringify(r).slice(0, 500)}`);
      }
      return r.body;
    };
    const SEQUENTIAL = `const ids = ${idList};\nconst out = [];\nfor (const id of ids) {\n  const p = await tools.confluence_get_page({ id });\n  out.push({ id: p.id, title: p.title });\n}\nreturn out;`;
    const PARALLEL = `const ids = ${idList};\nconst pages = await Promise.all(ids.map((id) => tools.confluence_get_page({ id })));\nreturn pages.map((p) => ({ id: p.id, title: p.title }));`;
    /** A program of N calls over /mcp that must return N items with no failed call; its answer's size. */
    const programOverHttp = async (code: string) => {
      const r = await mcp('run_workbench', { code });
      const a = r.isError ? undefined : JSON.parse(r.text);
      if (a?.result?.length !== n || a.calls.failed !== 0) throw new Error(`run_workbench: ${r.text.slice(0, 300)}`);
      return r.text.length;
    };
    const perCall = await interleaved(
      {
        direct,
        program: () => program(SEQUENTIAL, n),
        empty: () => program('return 1', 0),
      },
      settings.reps,
      2,
    );

    // --- 3. The same N calls end to end over /mcp: one program (sequential, and Promise.all at the default
    // concurrency), execute_tools batches of up to 50, and one execute_tools request per call.
    progress(`/mcp: ${n} calls as programs, batches and separate requests, ${settings.reps} times`);
    // Characters of the tool results the client receives (what would enter the model's context), per variant;
    // the same every round, so each run overwrites its figure.
    const chars: Record<string, number> = {};
    let storedInBatches = 0;
    const endToEnd = await interleaved(
      {
        separate: async () => {
          let size = 0;
          for (let i = 0; i < n; i++) {
            const r = await mcp('execute_tools', {
              calls: [{ tool: 'confluence_get_page', arguments: { id: ids[i % ids.length] } }],
            });
            if (r.isError || !r.text.includes('"failed":0')) throw new Error(`execute_tools: ${r.text.slice(0, 300)}`);
            size += r.text.length;
          }
          chars.separate = size;
        },
        batches: async () => {
          let size = 0;
          let stored = 0;
          for (let start = 0; start < n; start += 50) {
            const calls = Array.from({ length: Math.min(50, n - start) }, (_, i) => ({
              tool: 'confluence_get_page',
              arguments: { id: ids[(start + i) % ids.length] },
            }));
            const r = await mcp('execute_tools', { calls });
            if (r.isError || !r.text.includes('"failed":0')) throw new Error(`execute_tools: ${r.text.slice(0, 300)}`);
            size += r.text.length;
            // Over the inline limit, the largest results come back as handles with a preview (read_result reads
            // them): counted, since a model wanting every page whole would need more round trips.
            stored += (JSON.parse(r.text) as Json).results.filter((x: { stored?: unknown }) => x.stored).length;
          }
          chars.batches = size;
          storedInBatches = stored;
        },
        programSequential: async () => {
          chars.programSequential = await programOverHttp(SEQUENTIAL);
        },
        programParallel: async () => {
          chars.programParallel = await programOverHttp(PARALLEL);
        },
      },
      settings.reps,
      1,
    );
    return { pagesInSeed: ids.length, roundTrips, perCall, endToEnd, answerChars: chars, storedInBatches };
  } finally {
    await gateway.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Machine and report

function machine() {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const lscpu = execFileSync('lscpu', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    cpuModel = /^Model name:\s*(.+)$/m.exec(lscpu)?.[1]?.trim() ?? cpuModel;
  } catch {
    // no lscpu: os.cpus() it is
  }
  return {
    cpus: os.availableParallelism(),
    cpuModel,
    memoryBytes: os.totalmem(),
    // An object, not an array: Biome formats arrays of scalars on one line, JSON.stringify does not.
    loadAverage: Object.fromEntries(os.loadavg().map((x, i) => [['1m', '5m', '15m'][i], Math.round(x * 100) / 100])),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** Four decimals are plenty for the JSON report. */
function roundAll<T extends Record<string, number>>(o: T): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 10_000) / 10_000])) as T;
}

function row(name: string, s: Stats, extra: string[] = []): string {
  return `| ${name} | ${s.n} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.mean)} | ${extra.join(' | ')} |`;
}

async function main() {
  const started = performance.now();
  const machineInfo = machine(); // before the runs: the load average shows what else was running
  if (machineInfo.loadAverage['1m']! > machineInfo.cpus / 2) {
    progress(`load average ${machineInfo.loadAverage['1m']}: other work is running, expect noise`);
  }
  progress(
    `pool: ${settings.warmRuns} warm runs, ${settings.programRuns} runs of each call program (${settings.calls} ` +
      `calls), then ${settings.soakPrograms} more for memory`,
  );
  const pool = await benchPool();
  progress(`cold: ${settings.coldPools} fresh pools`);
  const cold = await benchColdStarts();
  const gw = await benchGateway();
  const n = settings.calls;

  // Per-call costs, from medians: the program's time less the empty program's, over N.
  const p = pool.programs;
  const warm = pool.warm.oneName;
  const instantSequential = (p.sequential.p50 - p.empty.p50) / n;
  const instantParallel = (p.parallel.p50 - p.empty.p50) / n;
  const directPerCall = gw.perCall.direct.p50 / n;
  const sandboxedPerCall = (gw.perCall.program.p50 - gw.perCall.empty.p50) / n;
  const e = gw.endToEnd;
  const derived = roundAll({
    coldOverWarm: cold.total.p50 / warm.p50,
    instantCallSequentialMs: instantSequential,
    instantCallParallelMs: instantParallel,
    emulatorCallDirectMs: directPerCall,
    emulatorCallSandboxedMs: sandboxedPerCall,
    sandboxedMinusDirectMs: sandboxedPerCall - directPerCall,
    sandboxedOverDirect: sandboxedPerCall / directPerCall,
    runWorkbenchOverReadResult: gw.roundTrips.runWorkbench.p50 / gw.roundTrips.readResult.p50,
    // The sandbox's part of a run_workbench round trip: the pool-level run with the same tool names bound.
    sandboxShareOfRunWorkbench: pool.warm.catalogue.p50 / gw.roundTrips.runWorkbench.p50,
    programSequentialOverSeparate: e.programSequential.p50 / e.separate.p50,
    programParallelOverSeparate: e.programParallel.p50 / e.separate.p50,
    programParallelOverBatches: e.programParallel.p50 / e.batches.p50,
  });

  const report = {
    date: new Date().toISOString(),
    machine: machineInfo,
    settings: { ...settings, workers: 2, maxConcurrentCalls: LIMITS.maxConcurrentCalls },
    cold,
    pool,
    gateway: gw,
    derived,
    durationS: Math.round((performance.now() - started) / 1000),
  };
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);

  const m = machineInfo;
  const head = (first: string, more: string[]) =>
    [
      `| ${first} | n | p50 ms | p90 ms | p99 ms | mean ms |${more.map((c) => ` ${c} |`).join('')}`,
      `|---|---:|---:|---:|---:|---:|${more.map(() => '---:|').join('')}`,
    ].join('\n');
  const c = gw.answerChars;
  const k = LIMITS.maxConcurrentCalls;
  const before = pool.memory[0]!.rssBytes;
  const heaps = (ws: WorkerHeap[]) =>
    ws.length === 0
      ? '–'
      : ws.map((w) => `${mb(w.v8UsedBytes)} / ${mb(w.v8TotalBytes)} / ${mb(w.externalBytes)}`).join(', ');
  const out = [
    `${m.cpus} CPUs (${m.cpuModel}), ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB RAM, ${m.platform}, Node ${m.node}; ` +
      `load average at start ${Object.values(m.loadAverage).join(' ')}`,
    `${settings.coldPools} cold pools, ${settings.warmRuns} warm runs, ${settings.programRuns} runs per call program, ` +
      `${settings.reps} repetitions end to end, ${n} calls per program; ${report.durationS} s in all. ` +
      'Percentiles are nearest-rank: with n < 100, p99 is the maximum.',
    '',
    '### Start of a run (pool level)',
    '',
    head('measurement', ['÷ warm']),
    row('bare worker thread, to its first message', cold.bareThread, ['']),
    row('thread + quickjs imports + WASM module (eval worker)', cold.loaderThread, ['']),
    row('· imports, inside that thread', cold.loaderImports, ['']),
    row('· WASM module, inside that thread', cold.loaderWasm, ['']),
    row('cold: fresh pool, worker ready (`warm()`)', cold.workerReady, ['']),
    row('cold: first `return 1` on that worker', cold.firstRun, ['']),
    row('**cold: fresh pool to first result**', cold.total, [ratio(derived.coldOverWarm)]),
    row('second `return 1` on that worker', cold.secondRun, [ratio(cold.secondRun.p50 / warm.p50)]),
    row('**warm: `return 1`** (baseline)', warm, ['1.00']),
    row(`warm: \`return 1\`, ${CATALOGUE_NAMES.length} tool names bound`, pool.warm.catalogue, [
      ratio(pool.warm.catalogue.p50 / warm.p50),
    ]),
    '',
    `First start in the process (a pool of 2, both workers at once, as \`serve\` warms it): ${ms(pool.firstStartMs)} ms.`,
    '',
    '### Start of a run through /mcp (HTTP, JSON-RPC tools/call)',
    '',
    head('request', ['÷ read_result']),
    row('`read_result` of a missing handle (baseline)', gw.roundTrips.readResult, ['1.00']),
    row('`run_workbench` `return 1`', gw.roundTrips.runWorkbench, [ratio(derived.runWorkbenchOverReadResult)]),
    '',
    `The sandbox (pool level, same tool names) is ${(derived.sandboxShareOfRunWorkbench * 100).toFixed(0)}% of the ` +
      'run_workbench round trip at p50.',
    '',
    '### Tool calls from inside the sandbox',
    '',
    head('program', ['per call ms']),
    row('pool: `return 1` (baseline)', p.empty, ['']),
    row(`pool: ${n} sequential instant calls`, p.sequential, [ms(instantSequential)]),
    row(`pool: ${n} instant calls in Promise.all (${k} at a time)`, p.parallel, [ms(instantParallel)]),
    row(`in process: ${n} × execute_tools of 1 confluence_get_page (baseline)`, gw.perCall.direct, [ms(directPerCall)]),
    row('in process: run_workbench `return 1`', gw.perCall.empty, ['']),
    row(`in process: run_workbench, ${n} sequential confluence_get_page`, gw.perCall.program, [ms(sandboxedPerCall)]),
    '',
    `A confluence_get_page from a program costs ${ms(sandboxedPerCall)} ms against ${ms(directPerCall)} ms direct: ` +
      `${ms(sandboxedPerCall - directPerCall)} ms more (×${ratio(derived.sandboxedOverDirect)}).`,
    '',
    `### ${n} confluence_get_page calls end to end over /mcp`,
    '',
    head('how', ['÷ separate', 'answer chars']),
    row(`${n} separate execute_tools requests (baseline)`, e.separate, ['1.00', `${c.separate}`]),
    row(`${Math.ceil(n / 50)} execute_tools requests of ≤50 calls`, e.batches, [
      ratio(e.batches.p50 / e.separate.p50),
      `${c.batches}`,
    ]),
    row('1 run_workbench, sequential awaits', e.programSequential, [
      ratio(derived.programSequentialOverSeparate),
      `${c.programSequential}`,
    ]),
    row(`1 run_workbench, Promise.all (${k} at a time)`, e.programParallel, [
      ratio(derived.programParallelOverSeparate),
      `${c.programParallel}`,
    ]),
    '',
    `Answer chars: the tool results' text the client receives. The programs return each page's id and title; ` +
      `the batches inline ${n - gw.storedInBatches} pages whole and store ${gw.storedInBatches} behind handles ` +
      `(preview inline); the separate requests return every page whole. ${gw.pagesInSeed} seeded pages, cycled.`,
    '',
    '### Memory',
    '',
    '| when | process RSS | Δ RSS | worker V8 heap used / total / external |',
    '|---|---:|---:|---:|',
    ...pool.memory.map((x) => `| ${x.when} | ${mb(x.rssBytes)} | +${mb(x.rssBytes - before)} | ${heaps(x.workers)} |`),
    '',
    `Workers started ${pool.workersStarted}, retired ${pool.workersRetired}. Sequential runs all go to the first idle ` +
      'worker: the first figures are the busy worker, the second the one that stayed idle.',
    '',
    `wrote ${path.relative(ROOT, RESULTS_FILE)}`,
  ];
  process.stdout.write(`\n${out.join('\n')}\n`);
}

main().catch((e: unknown) => fail((e as Error).stack ?? String(e)));
