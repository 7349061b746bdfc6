import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What one client (or suite) run proved: one `PASS name: detail` / `FAIL name: detail` line. */
export interface StepResult {
  name: string;
  ok: boolean;
  detail: string;
}

/** Verbose tracing (stderr) with SWITCHBOARD_INTEROP_VERBOSE=1; the result lines go to stdout. */
export const verbose = process.env.SWITCHBOARD_INTEROP_VERBOSE === '1';
export function trace(...parts: unknown[]): void {
  if (verbose) console.error('[interop]', ...parts);
}

/** Thrown by a step's own checks: the message becomes the FAIL line's detail. */
export class CheckFailed extends Error {}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

/** A temporary folder, removed by `remove()` (and never left behind on success). */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A loopback port that was free a moment ago (for tools that need the port before they listen). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Rejects after `ms` with a message naming what took too long; `clear()` when the work finished. */
export function deadline(ms: number, what: string): { promise: Promise<never>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckFailed(`${what}: no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  promise.catch(() => {});
  return { promise, clear: () => clearTimeout(timer) };
}

export async function withTimeout<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  const d = deadline(ms, what);
  try {
    return await Promise.race([work, d.promise]);
  } finally {
    d.clear();
  }
}

/** A child process in its own process group, so a time-out ends it and everything it started. */
export interface Child {
  proc: ChildProcess;
  label?: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or -1 for a signal) once the process has exited. */
  exited: Promise<number>;
  kill(): Promise<void>;
}

/** Every child still running, so an interrupted run can end them all (they run in their own process groups). */
const live = new Set<Child>();

export async function killAll(exceptLabel?: string): Promise<void> {
  await Promise.all([...live].filter((c) => !exceptLabel || c.label !== exceptLabel).map((c) => c.kill()));
}

export function startChild(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: 'pipe' | 'ignore'; label?: string } = {},
): Child {
  trace('spawn', command, args.join(' ').replace(/Bearer \S+/g, 'Bearer <redacted>'));
  const proc = spawn(command, args, {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<number>((resolve) => {
    proc.on('error', (e) => {
      err += `\nspawn error: ${e.message}`;
      resolve(-1);
    });
    proc.on('exit', (code) => resolve(code ?? -1));
  });
  const child: Child = {
    proc,
    label: opts.label,
    stdout: () => out,
    stderr: () => err,
    exited,
    async kill() {
      if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
      const group = -proc.pid;
      try {
        process.kill(group, 'SIGTERM');
      } catch {
        return;
      }
      const gone = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
      if (!gone) {
        try {
          process.kill(group, 'SIGKILL');
        } catch {
          // already gone
        }
        await exited;
      }
    },
  };
  live.add(child);
  exited.then(() => live.delete(child));
  return child;
}

/** Runs a command to its end (killing it at the time limit) and returns its exit code and output. */
export async function run(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number; what: string },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = startChild(command, args, opts);
  try {
    const code = await withTimeout(opts.timeoutMs, opts.what, child.exited);
    return { code, stdout: child.stdout(), stderr: child.stderr() };
  } catch (e) {
    const tail = (child.stderr() || child.stdout()).trim().split('\n').slice(-3).join(' | ');
    throw new CheckFailed(`${(e as Error).message}${tail ? ` (last output: ${tail.slice(0, 400)})` : ''}`);
  } finally {
    await child.kill();
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The first and last part of a long text, for a one-line failure detail. */
export function clip(text: string, max = 300): string {
  const t = text
    .replace(/\x1b\[[0-9;]*m/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return t.length <= max ? t : `${t.slice(0, max - 40)} … ${t.slice(-37)}`;
}

/** An environment without the caller's npm/node hooks that could change how a client runs, plus `extra`. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('npm_') || k === 'NODE_OPTIONS' || k.startsWith('SWITCHBOARD_')) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}
