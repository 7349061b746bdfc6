// `npm run bench`: throughput, latency and memory of the gateway against baselines measured in the same run.
//
// Each target is its own child process on a free loopback port (pinned to CPU 0 when `taskset` exists and there are
// two or more CPUs); wrk runs on CPU 1 with bench/post.lua. Nothing leaves 127.0.0.1. Results: a Markdown table on
// stdout and bench/results/latest.json. Settings (environment): BENCH_DURATION (seconds, default 10),
// BENCH_CONNECTIONS (16), BENCH_THREADS (1), BENCH_WARMUP (seconds, default 2; 0 for none), BENCH_TARGETS
// (comma-separated subset of raw,sdk,gateway-list,gateway-call), BENCH_CPU_PROF=1 (write a V8 CPU profile of each
// server, start-up included, to bench/results/profiles/<target>.cpuprofile).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH_DIR, '..');
const LUA_SCRIPT = path.join(BENCH_DIR, 'post.lua');
const RESULTS_FILE = path.join(BENCH_DIR, 'results', 'latest.json');
const PROFILES_DIR = path.join(BENCH_DIR, 'results', 'profiles');

// ---------------------------------------------------------------------------------------------------------------
// Settings

/** A number setting; whole seconds for durations (a trailing `s` is accepted: BENCH_DURATION=30s). */
function positiveNumber(name: string, fallback: number, { allowZero = false } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/s$/, ''));
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !allowZero)) {
    fail(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number (seconds or a count), got "${raw}"`);
  }
  return value;
}

const ALL_TARGETS = ['raw', 'sdk', 'gateway-list', 'gateway-call'] as const;
type TargetName = (typeof ALL_TARGETS)[number];

function selectedTargets(): TargetName[] {
  const raw = process.env.BENCH_TARGETS;
  if (!raw) return [...ALL_TARGETS];
  const names = raw.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(ALL_TARGETS as readonly string[]).includes(n))
      fail(`BENCH_TARGETS: unknown target "${n}" (known: ${ALL_TARGETS.join(', ')})`);
  }
  return ALL_TARGETS.filter((t) => names.includes(t));
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes and clean-up: every child gets its own process group, killed on exit, failure or signal.

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

function cleanupSync(): void {
  for (const child of children) killGroup(child, 'SIGKILL');
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

process.on('exit', cleanupSync);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping the targets\n`);
    cleanupSync();
    process.exit(130);
  });
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/**
 * The environment of a child: ours without SWITCHBOARD_*, DATABASE_URL and BENCH_* (a developer's settings must not
 * leak into the gateway: it always uses SQLite in a fresh temp folder), plus `extra`.
 */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(SWITCHBOARD_|BENCH_|DATABASE_URL$)/.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

// ---------------------------------------------------------------------------------------------------------------
// CPU pinning

const CPUS = os.availableParallelism();
const TASKSET = commandExists('taskset') && CPUS >= 2;

function commandExists(cmd: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir || '.', cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** `argv` run on one CPU when pinning is possible. taskset execs the command, so the pid stays the server's. */
function pinned(cpu: number, argv: string[]): string[] {
  return TASKSET ? ['taskset', '-c', String(cpu), ...argv] : argv;
}

// ---------------------------------------------------------------------------------------------------------------
// Servers

interface Server {
  child: ChildProcess;
  pid: number;
  url: string;
  /** The last lines of output, shown when something fails. */
  tail(): string;
}

/** Starts a server and waits for its `{"msg":"listening","url":...}` JSON line on stdout. */
async function startServer(name: string, argv: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<Server> {
  const [cmd, ...args] = pinned(0, argv);
  const child = spawn(cmd!, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > 40) lines.shift();
  };
  const tail = () => lines.join('\n');
  // Both pipes are read until the child exits, so a chatty server can never block on a full pipe.
  createInterface({ input: child.stderr! }).on('line', keep);
  const stdout = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: not listening after ${timeoutMs} ms`)), timeoutMs);
    stdout.on('line', (line) => {
      keep(line);
      try {
        const entry = JSON.parse(line) as { msg?: unknown; url?: unknown };
        if (entry.msg === 'listening' && typeof entry.url === 'string') {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a JSON line
      }
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${name}: cannot start ${cmd}: ${e.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name}: exited before listening (${signal ?? `code ${code}`})`));
    });
  }).catch(async (e: Error) => {
    await stopChild(child);
    throw new Error(`${e.message}\n--- last output ---\n${tail()}`);
  });
  const parsed = new URL(url);
  if (parsed.hostname !== '127.0.0.1') {
    await stopChild(child);
    throw new Error(`${name}: listening on ${url}, expected 127.0.0.1`);
  }
  return { child, pid: child.pid!, url, tail };
}

/** Resident set size (`VmRSS`) or its peak (`VmHWM`) of a process, in bytes. */
function memory(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------------
// Requests

interface Load {
  path: string;
  body: string;
  apiKey?: string;
}

const rpc = (method: string, params: unknown) => JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });

/** One request as wrk sends it; throws unless it is HTTP 200 with a JSON-RPC `result` that is not a tool error. */
// biome-ignore lint/suspicious/noExplicitAny: the caller reads into the result it asked for.
async function checkedCall(url: string, load: Load): Promise<any> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
  };
  if (load.apiKey) headers.Authorization = `Bearer ${load.apiKey}`;
  const res = await fetch(`${url}${load.path}`, {
    method: 'POST',
    headers,
    body: load.body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  const snippet = text.length > 500 ? `${text.slice(0, 500)}…` : text;
  if (res.status !== 200) throw new Error(`HTTP ${res.status} from ${load.path}: ${snippet}`);
  let message: { result?: { isError?: boolean }; error?: unknown };
  try {
    message = JSON.parse(text);
  } catch {
    throw new Error(`not JSON (content-type ${res.headers.get('content-type')}): ${snippet}`);
  }
  if (!message.result) throw new Error(`no JSON-RPC result: ${snippet}`);
  if (message.result.isError) throw new Error(`tool error: ${snippet}`);
  return message.result;
}

// ---------------------------------------------------------------------------------------------------------------
// wrk

interface WrkSummary {
  requests: number;
  durationUs: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyUs: {
    min: number;
    mean: number;
    stdev: number;
    max: number;
    p50: number;
    p90: number;
    p99: number;
    p999: number;
  };
}

async function runWrk(url: string, load: Load, seconds: number, connections: number, threads: number) {
  const argv = pinned(1, [
    'wrk',
    `-t${threads}`,
    `-c${connections}`,
    `-d${seconds}s`,
    '--timeout',
    '10s',
    '-s',
    LUA_SCRIPT,
    `${url}${load.path}`,
  ]);
  const [cmd, ...args] = argv;
  // The body and key go through the environment: the key never shows up in `ps`.
  const env = childEnv({ BENCH_BODY: load.body, BENCH_API_KEY: load.apiKey ?? '' });
  const child = spawn(cmd!, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const limit = setTimeout(() => killGroup(child, 'SIGKILL'), (seconds + 30) * 1000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  clearTimeout(limit);
  children.delete(child);
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}):\n${stdout}${stderr}`);
  const summary = JSON.parse(line.slice('BENCH_JSON '.length)) as WrkSummary;
  return { summary, command: argv.join(' ') };
}

// ---------------------------------------------------------------------------------------------------------------
// Targets

interface Prepared {
  server: Server;
  /** What wrk sends; called once, after idle memory was read (it may call the server to discover ids). */
  load: () => Promise<Load>;
  /** Called after the server stopped. */
  cleanup?: () => void;
}

interface Target {
  name: TargetName;
  description: string;
  prepare(): Promise<Prepared>;
}

/** `node` and its flags for the server of `target` (a CPU profile, written at exit, with BENCH_CPU_PROF=1). */
function node(target: TargetName): string[] {
  if (process.env.BENCH_CPU_PROF !== '1') return [process.execPath];
  mkdirSync(PROFILES_DIR, { recursive: true });
  return [process.execPath, '--cpu-prof', `--cpu-prof-dir=${PROFILES_DIR}`, `--cpu-prof-name=${target}.cpuprofile`];
}

const ECHO_CALL = rpc('tools/call', { name: 'echo', arguments: { message: 'hi' } });

const targets: Target[] = [
  {
    name: 'raw',
    description: 'node:http: parse the JSON-RPC body, echo a result (the floor)',
    async prepare() {
      const server = await startServer('raw', [...node('raw'), 'bench/targets/raw.ts'], childEnv({}));
      return { server, load: async () => ({ path: '/mcp', body: ECHO_CALL }) };
    },
  },
  {
    name: 'sdk',
    description: 'MCP SDK stateless Streamable HTTP server (McpServer + transport per request, JSON), tools/call echo',
    async prepare() {
      const server = await startServer('sdk', [...node('sdk'), 'bench/targets/sdk.ts'], childEnv({}));
      return { server, load: async () => ({ path: '/mcp', body: ECHO_CALL }) };
    },
  },
  {
    name: 'gateway-list',
    description: 'gateway POST /mcp/confluence tools/list (API key auth + MCP, no upstream call)',
    async prepare() {
      const gw = await startGateway('gateway-list');
      const load = { path: '/mcp/confluence', body: rpc('tools/list', {}), apiKey: gw.apiKey };
      return { server: gw.server, cleanup: gw.cleanup, load: async () => load };
    },
  },
  {
    name: 'gateway-call',
    description: 'gateway tools/call confluence_get_page (auth + MCP + executor + loopback HTTP to the emulator)',
    async prepare() {
      const gw = await startGateway('gateway-call');
      const load = async (): Promise<Load> => {
        // A seeded page id: the first page confluence_get_pages returns.
        let id: unknown;
        try {
          const pages = await checkedCall(gw.server.url, {
            path: '/mcp/confluence',
            apiKey: gw.apiKey,
            body: rpc('tools/call', { name: 'confluence_get_pages', arguments: { limit: 1 } }),
          });
          id = JSON.parse(pages.content[0].text).results[0].id;
        } catch (e) {
          throw new Error(`discovering a seeded page id: ${(e as Error).message}`);
        }
        if (typeof id !== 'string' && typeof id !== 'number')
          throw new Error('confluence_get_pages returned no page id');
        const body = rpc('tools/call', { name: 'confluence_get_page', arguments: { id } });
        return { path: '/mcp/confluence', body, apiKey: gw.apiKey };
      };
      return { server: gw.server, cleanup: gw.cleanup, load };
    },
  },
];

/** The real gateway in demo mode with its own data folder, and an API key of the demo user. */
async function startGateway(target: TargetName) {
  const dataDir = makeTempDir('switchboard-bench-');
  // Level info: the "listening" line carries the port. The gateway logs nothing per request at info.
  // Demo mode through SWITCHBOARD_DEMO (what `serve --demo` sets).
  const env = childEnv({ SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_LOG_LEVEL: 'info', SWITCHBOARD_DEMO: 'true' });
  const cleanup = () => removeTempDir(dataDir);
  let server: Server;
  try {
    server = await startServer('gateway', [...node(target), 'bin/switchboard.js', 'serve', '--port', '0'], env);
  } catch (e) {
    cleanup();
    throw e;
  }
  try {
    const out = execFileSync(process.execPath, ['bin/switchboard.js', 'keys', 'create', '--user', 'demo'], {
      cwd: ROOT,
      env: childEnv({ SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_LOG_LEVEL: 'warn' }),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
      encoding: 'utf8',
    });
    const apiKey = out.trim().split('\n').at(-1)?.trim();
    if (!apiKey) throw new Error('`keys create` printed no key');
    return { server, apiKey, cleanup };
  } catch (e) {
    await stopChild(server.child);
    cleanup();
    throw new Error(`creating an API key: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Run

interface Result {
  target: TargetName;
  description: string;
  ok: boolean;
  error?: string;
  requestsPerSec?: number;
  requests?: number;
  latencyMs?: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx?: number;
  bytesPerResponse?: number;
  socketErrors?: { connect: number; read: number; write: number; timeout: number };
  idleRssBytes?: number | null;
  peakRssBytes?: number | null;
  checkAfterRun?: string;
  wrk?: string;
  ratios?: { vsRaw: number | null; vsSdk: number | null };
}

async function benchTarget(
  target: Target,
  opts: { seconds: number; warmup: number; connections: number; threads: number },
) {
  const result: Result = { target: target.name, description: target.description, ok: false };
  let prepared: Prepared | undefined;
  try {
    process.stderr.write(`bench: ${target.name}: starting\n`);
    prepared = await target.prepare();
    const { server } = prepared;
    await sleep(1000); // let start-up work settle before reading idle memory
    result.idleRssBytes = memory(server.pid, 'VmRSS');
    const load = await prepared.load();
    await checkedCall(server.url, load);
    if (opts.warmup > 0) {
      process.stderr.write(`bench: ${target.name}: warm-up ${opts.warmup}s\n`);
      await runWrk(server.url, load, opts.warmup, opts.connections, opts.threads);
    }
    process.stderr.write(`bench: ${target.name}: measuring ${opts.seconds}s, ${opts.connections} connections\n`);
    const { summary, command } = await runWrk(server.url, load, opts.seconds, opts.connections, opts.threads);
    result.peakRssBytes = memory(server.pid, 'VmHWM');
    // A target that broke under load must not pass for fast: check it still answers correctly.
    try {
      await checkedCall(server.url, load);
      result.checkAfterRun = 'ok';
    } catch (e) {
      result.checkAfterRun = (e as Error).message;
    }
    const ms = (us: number) => Math.round(us / 10) / 100;
    result.wrk = command;
    result.requests = summary.requests;
    result.requestsPerSec = Math.round((summary.requests / summary.durationUs) * 1e6);
    result.latencyMs = {
      p50: ms(summary.latencyUs.p50),
      p90: ms(summary.latencyUs.p90),
      p99: ms(summary.latencyUs.p99),
      max: ms(summary.latencyUs.max),
      mean: ms(summary.latencyUs.mean),
    };
    result.non2xx = summary.errors.status;
    result.bytesPerResponse = summary.requests ? Math.round(summary.bytes / summary.requests) : 0;
    const { connect, read, write, timeout } = summary.errors;
    result.socketErrors = { connect, read, write, timeout };
    result.ok = result.checkAfterRun === 'ok';
    if (!result.ok) result.error = `check after the run failed: ${result.checkAfterRun}`;
  } catch (e) {
    result.error = (e as Error).message;
  } finally {
    if (prepared) {
      await stopChild(prepared.server.child);
      prepared.cleanup?.();
    }
  }
  if (result.error) process.stderr.write(`bench: ${target.name}: FAILED: ${result.error}\n`);
  return result;
}

function machine() {
  let wrkVersion = 'unknown';
  try {
    // `wrk -v` prints its version and exits non-zero.
    execFileSync('wrk', ['-v'], { stdio: 'pipe', encoding: 'utf8' });
  } catch (e) {
    const out = `${(e as { stdout?: string }).stdout ?? ''}`;
    wrkVersion = /^wrk \S+/.exec(out)?.[0] ?? wrkVersion;
  }
  return {
    cpus: CPUS,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    // An object, not an array: latest.json holds no arrays of scalars, so it is already formatted the way Biome
    // wants it (`npm run lint` checks bench/**).
    loadAverage: Object.fromEntries(os.loadavg().map((n, i) => [['1m', '5m', '15m'][i], Math.round(n * 100) / 100])),
    node: process.version,
    wrk: wrkVersion,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

const mb = (bytes: number | null | undefined) => (bytes == null ? 'n/a' : `${(bytes / 1048576).toFixed(0)} MB`);
const ratio = (n: number | null | undefined) => (n == null ? '–' : n.toFixed(n < 0.1 ? 3 : 2));

function table(results: Result[]): string {
  const rows = [
    '| target | req/s | p50 ms | p99 ms | HTTP ≥400 | socket errors | bytes/resp | idle RSS | peak RSS | req/s ÷ raw | req/s ÷ sdk |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    if (r.requestsPerSec === undefined) {
      rows.push(`| ${r.target} | failed | | | | | | | | | |`);
      continue;
    }
    const s = r.socketErrors!;
    rows.push(
      `| ${r.target}${r.ok ? '' : ' (failed check)'} | ${r.requestsPerSec} | ${r.latencyMs!.p50} | ${r.latencyMs!.p99} | ${r.non2xx} | ${s.connect + s.read + s.write + s.timeout} | ${r.bytesPerResponse} | ${mb(r.idleRssBytes)} | ${mb(r.peakRssBytes)} | ${ratio(r.ratios?.vsRaw)} | ${ratio(r.ratios?.vsSdk)} |`,
    );
  }
  return rows.join('\n');
}

async function main() {
  if (!commandExists('wrk')) {
    fail('wrk is not installed; install it (Debian/Ubuntu: apt-get install -y wrk, macOS: brew install wrk) and rerun');
  }
  if (os.platform() !== 'linux') process.stderr.write('bench: not Linux: memory figures (from /proc) will be n/a\n');
  const opts = {
    seconds: Math.max(1, Math.round(positiveNumber('BENCH_DURATION', 10))),
    warmup: Math.round(positiveNumber('BENCH_WARMUP', 2, { allowZero: true })),
    connections: Math.round(positiveNumber('BENCH_CONNECTIONS', 16)),
    threads: Math.round(positiveNumber('BENCH_THREADS', 1)),
  };
  if (opts.connections < opts.threads) fail('BENCH_CONNECTIONS must be at least BENCH_THREADS');
  const names = selectedTargets();
  process.stderr.write(
    `bench: ${names.join(', ')}; ${opts.seconds}s each after ${opts.warmup}s warm-up, ${opts.connections} connections, ` +
      `${opts.threads} wrk thread(s); ${TASKSET ? 'servers on CPU 0, wrk on CPU 1' : 'not pinned (needs taskset and 2+ CPUs)'}\n`,
  );

  const machineInfo = machine(); // before the runs: the load average shows what else was running
  if (machineInfo.loadAverage['1m']! > CPUS / 2) {
    process.stderr.write(`bench: load average ${machineInfo.loadAverage['1m']}: other work is running, expect noise\n`);
  }
  const results: Result[] = [];
  for (const target of targets.filter((t) => names.includes(t.name))) results.push(await benchTarget(target, opts));

  const rps = (name: TargetName) => results.find((r) => r.target === name && r.ok)?.requestsPerSec;
  const raw = rps('raw');
  const sdk = rps('sdk');
  for (const r of results) {
    if (r.requestsPerSec === undefined) continue;
    r.ratios = {
      vsRaw: raw ? Math.round((r.requestsPerSec / raw) * 1000) / 1000 : null,
      vsSdk: sdk ? Math.round((r.requestsPerSec / sdk) * 1000) / 1000 : null,
    };
  }

  const report = {
    date: new Date().toISOString(),
    machine: machineInfo,
    settings: { ...opts, pinned: TASKSET, luaScript: 'bench/post.lua' },
    results,
  };
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);

  const m = report.machine;
  process.stdout.write(
    `\n${m.cpus} CPUs (${m.cpuModel}), ${mb(m.memoryBytes)} RAM, Node ${m.node}, ${m.wrk}; load average at start ${Object.values(m.loadAverage).join(' ')}\n` +
      `${opts.seconds}s per target after ${opts.warmup}s warm-up, ${opts.connections} connections; ` +
      `${TASKSET ? 'server pinned to CPU 0, wrk to CPU 1' : 'not pinned'}\n\n${table(results)}\n\n` +
      `wrote ${path.relative(ROOT, RESULTS_FILE)}\n`,
  );
  const failed = results.filter((r) => !r.ok);
  if (failed.length) fail(`${failed.length} target(s) failed: ${failed.map((r) => r.target).join(', ')}`);
}

main().catch((e: unknown) => fail((e as Error).stack ?? String(e)));
