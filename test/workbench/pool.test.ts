import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { createSandboxPool, type HostCall, type PoolOptions, type SandboxPool } from '../../src/workbench/pool.ts';
import type { RunReport, WorkbenchLimits } from '../../src/workbench/protocol.ts';

/**
 * The sandbox pool on its own (no gateway): workers, queue, host calls and the ways a run stops. Host calls are
 * answered by the test's own `call` binding, which holds them until the test releases them, so "in flight" and
 * "waiting" are states the test controls rather than timings it guesses.
 */

const LIMITS: WorkbenchLimits = {
  memoryBytes: 32 * 1024 * 1024,
  stackBytes: 256 * 1024,
  cpuMs: 20_000,
  wallMs: 20_000,
  maxCalls: 100,
  maxConcurrentCalls: 8,
  maxReturnChars: 100_000,
  maxResultChars: 100_000,
  maxLogChars: 1000,
};

/** A run the pool forgot never resolves: each test fails after this long instead of hanging the file. */
const HANG = 15_000;

const pools: SandboxPool[] = [];
function pool(opts: Partial<PoolOptions> = {}): SandboxPool {
  // memoryBytes as the gateway passes it: the engine is made while the worker starts (a run with another limit,
  // like the memory test's, gets its own).
  const p = createSandboxPool({
    size: 1,
    queueMax: 4,
    queueWaitMs: 20_000,
    workerHeapMb: 64,
    memoryBytes: LIMITS.memoryBytes,
    ...opts,
  });
  pools.push(p);
  return p;
}
after(() => Promise.all(pools.map((p) => p.close())));

/** A host call the test holds: it answers when the test says so, and sees whether the run abandoned it. */
interface HeldCall extends HostCall {
  args: Record<string, unknown>;
  signal: AbortSignal;
  answer(value: unknown): void;
  fail(error: object): void;
}

/** A `call` binding that holds every call; `next()` resolves with the next call that arrives. */
function heldCalls() {
  const arrived: HeldCall[] = [];
  const waiters: ((c: HeldCall) => void)[] = [];
  let taken = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const call = (c: HostCall, signal: AbortSignal) =>
    new Promise<{ ok: boolean; json: string }>((resolve) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const settle = (r: { ok: boolean; json: string }) => {
        inFlight--;
        resolve(r);
      };
      const held: HeldCall = {
        ...c,
        args: JSON.parse(c.json),
        signal,
        answer: (value) => settle({ ok: true, json: JSON.stringify(value) }),
        fail: (error) => settle({ ok: false, json: JSON.stringify(error) }),
      };
      arrived.push(held);
      waiters.shift()?.(held);
    });
  return {
    call,
    arrived,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    /** The next call not yet taken, waiting for it if need be. */
    next(): Promise<HeldCall> {
      const i = taken++;
      if (arrived[i]) return Promise.resolve(arrived[i]);
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}

const answerAll = (c: HostCall) => Promise.resolve({ ok: true, json: JSON.stringify({ echo: JSON.parse(c.json) }) });

function run(p: SandboxPool, code: string, extra: Partial<Parameters<SandboxPool['run']>[0]> = {}) {
  return p.run({ code, toolNames: ['block', 'echo'], limits: LIMITS, call: answerAll, ...extra });
}

function value(r: RunReport): unknown {
  assert.equal(r.ok, true, JSON.stringify(r.error));
  return JSON.parse(r.valueJson!);
}

/** Waits until `cond` holds, checking after each turn of the event loop (a generous bound: a hang fails). */
async function until(cond: () => boolean, what: () => string) {
  const give = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > give) assert.fail(`never happened: ${what()}`);
    await tick();
  }
}

describe('createSandboxPool', () => {
  test('a program runs, calls the host and returns its value', { timeout: HANG }, async () => {
    const p = pool();
    const r = await run(p, 'const a = await tools.echo({ n: 1 }); console.log("got", a); return { a, sum: 1 + 2 };');
    assert.deepEqual(value(r), { a: { echo: { n: 1 } }, sum: 3 });
    assert.deepEqual(r.logs, ['got {"echo":{"n":1}}']);
    assert.deepEqual(p.stats(), { workers: 1, busy: 0, queued: 0, started: 1, retired: 0 });
  });

  test('two workers run two programs at once while a third waits its turn', { timeout: HANG }, async () => {
    const p = pool({ size: 2 });
    const h = heldCalls();
    const runs = [1, 2, 3].map((n) => run(p, `return await tools.block({ n: ${n} });`, { call: h.call }));
    const first = await h.next();
    const second = await h.next();
    assert.deepEqual([first.args.n, second.args.n].sort(), [1, 2]);
    // Both workers are busy inside a run; the third run is queued and its program has not started.
    await until(
      () => p.stats().queued === 1,
      () => 'the third run queued',
    );
    assert.deepEqual(p.stats(), { workers: 2, busy: 2, queued: 1, started: 2, retired: 0 });
    assert.equal(h.arrived.length, 2);

    first.answer('one');
    const third = await h.next();
    assert.equal(third.args.n, 3, 'the queued run took the freed worker');
    assert.equal(p.stats().started, 2, 'no third worker');
    second.answer('two');
    third.answer('three');
    const reports = await Promise.all(runs);
    const byRun = new Map([first, second, third].map((c, i) => [c.args.n, ['one', 'two', 'three'][i]]));
    assert.deepEqual(reports.map(value), [byRun.get(1), byRun.get(2), byRun.get(3)]);
    assert.deepEqual(p.stats(), { workers: 2, busy: 0, queued: 0, started: 2, retired: 0 });
  });

  test('a full queue refuses at once with limit "queue"', { timeout: HANG }, async () => {
    const p = pool({ size: 1, queueMax: 1 });
    const h = heldCalls();
    const holding = run(p, 'return await tools.block({});', { call: h.call });
    const held = await h.next();
    const waiting = run(p, 'return "second"');
    await until(
      () => p.stats().queued === 1,
      () => 'the second run queued',
    );
    const refused = await run(p, 'return "third"');
    assert.equal(refused.ok, false);
    assert.equal(refused.error?.code, 'limit_exceeded');
    assert.equal(refused.error?.limit, 'queue');
    assert.equal(refused.error?.value, 1);
    assert.match(refused.error!.message, /1 programs are waiting/);
    held.answer('first');
    assert.equal(value(await holding), 'first');
    assert.equal(value(await waiting), 'second');
  });

  test('a run that waits for a worker longer than queueWaitMs gives up with limit "queue"', {
    timeout: HANG,
  }, async () => {
    const p = pool({ size: 1, queueWaitMs: 50 });
    const h = heldCalls();
    const holding = run(p, 'return await tools.block({});', { call: h.call });
    const held = await h.next();
    const r = await run(p, 'return "never ran"');
    assert.equal(r.error?.code, 'limit_exceeded');
    assert.equal(r.error?.limit, 'queue');
    assert.equal(r.error?.value, 50);
    assert.match(r.error!.message, /stayed busy for 50 ms/);
    assert.equal(p.stats().queued, 0);
    held.answer('done');
    assert.equal(value(await holding), 'done');
    // The worker is still good.
    assert.equal(value(await run(p, 'return 2')), 2);
  });

  test('maxConcurrentCalls: ten parallel calls, never more than three at the host at once', {
    timeout: HANG,
  }, async () => {
    const p = pool();
    // Every call is held until three are in flight or nothing else can arrive: more than three would show.
    const calls: { resolve: () => void }[] = [];
    let inFlight = 0;
    let max = 0;
    let total = 0;
    const call = (c: HostCall) =>
      new Promise<{ ok: boolean; json: string }>((resolve) => {
        inFlight++;
        total++;
        max = Math.max(max, inFlight);
        const args = JSON.parse(c.json) as { i: number };
        calls.push({
          resolve: () => {
            inFlight--;
            resolve({ ok: true, json: String(args.i * 10) });
          },
        });
      });
    const r = run(p, 'return await Promise.all(Array.from({ length: 10 }, (_, i) => tools.echo({ i })));', {
      call,
      limits: { ...LIMITS, maxConcurrentCalls: 3 },
    });
    for (let released = 0; released < 10; released++) {
      const expected = Math.min(3, 10 - released);
      await until(
        () => inFlight === expected,
        () => `${expected} calls in flight (${released} released, ${inFlight} in flight, ${total} made)`,
      );
      // Let anything else the pool would start arrive before releasing the oldest call.
      for (let i = 0; i < 20; i++) await tick();
      assert.ok(inFlight <= 3, `${inFlight} calls in flight`);
      calls.shift()!.resolve();
    }
    assert.deepEqual(value(await r), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    assert.equal(max, 3);
    assert.equal(total, 10);
  });

  test('maxCalls: the call past the limit stops the run with limit "calls"', { timeout: HANG }, async () => {
    const p = pool();
    let seen = 0;
    const r = await run(p, 'for (let i = 0; i < 10; i++) await tools.echo({ i }); return "all done";', {
      call: (c) => {
        seen++;
        return answerAll(c);
      },
      limits: { ...LIMITS, maxCalls: 3 },
    });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'limit_exceeded');
    assert.equal(r.error?.limit, 'calls');
    assert.equal(r.error?.value, 3);
    assert.equal(seen, 3, 'the fourth call never reached the host');
    // Result reads count too.
    let reads = 0;
    const r2 = await run(p, 'await results.read("res_x"); await results.read("res_y"); return 1;', {
      call: (c) => {
        assert.equal(c.kind, 'read');
        reads++;
        return answerAll(c);
      },
      limits: { ...LIMITS, maxCalls: 1 },
    });
    assert.equal(r2.error?.limit, 'calls');
    assert.equal(reads, 1);
  });

  test('a host binding that throws fails that call only, as a retryable internal error', {
    timeout: HANG,
  }, async () => {
    const p = pool();
    const r = await run(
      p,
      'try { await tools.echo({}); } catch (e) { return { name: e.name, code: e.code, retryable: e.retryable, message: e.message }; }',
      {
        call: () => {
          throw new Error('database down');
        },
      },
    );
    const v = value(r) as { name: string; code: string; retryable: boolean; message: string };
    assert.equal(v.name, 'ToolError');
    assert.equal(v.code, 'internal');
    assert.equal(v.retryable, true);
    assert.match(v.message, /database down/);
  });

  test('calls still in flight when a run ends are abandoned: their signal aborts', { timeout: HANG }, async () => {
    const p = pool();
    const h = heldCalls();
    const r = run(p, 'tools.block({ forgotten: true }); await tools.echo({}).catch(() => 0); return "left early";', {
      call: (c, signal) => (c.name === 'echo' ? answerAll(c) : h.call(c, signal)),
    });
    const held = await h.next();
    assert.equal(value(await r), 'left early');
    assert.equal(held.signal.aborted, true);
    held.answer('too late'); // ignored
    assert.equal(value(await run(p, 'return 1')), 1);
  });

  test('wall time: a program awaiting a host call that never answers stops at wallMs, the worker kept', {
    timeout: HANG,
  }, async () => {
    const p = pool();
    const h = heldCalls();
    const r = await run(p, 'await tools.block({}); return "unreachable";', {
      call: h.call,
      limits: { ...LIMITS, wallMs: 150 },
    });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'limit_exceeded');
    assert.equal(r.error?.limit, 'wall_time');
    assert.equal(r.error?.value, 150);
    assert.equal(h.arrived[0]?.signal.aborted, true, 'the pending call was cancelled');
    assert.deepEqual(p.stats(), { workers: 1, busy: 0, queued: 0, started: 1, retired: 0 });
    assert.equal(value(await run(p, 'return "next"')), 'next');
  });

  test('the backstop: a worker stuck in native code past wall time + grace is terminated and replaced', {
    timeout: HANG,
  }, async () => {
    const p = pool({ terminateGraceMs: 20 });
    // One sort of equal 4 MB strings: a single native call in which QuickJS never polls its interrupt handler,
    // minutes long, so the worker cannot stop by itself and its event loop does not run.
    const code = [
      "const x = 'x'.repeat(4e6);",
      "const y = 'x'.repeat(4e6 - 1) + 'x';",
      'let a = [x, y];',
      'for (let i = 0; i < 12; i++) a = a.concat(a);',
      'a.sort();',
      "return 'sorted';",
    ].join('\n');
    const r = await run(p, code, { limits: { ...LIMITS, wallMs: 300 } });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'limit_exceeded');
    assert.equal(r.error?.limit, 'wall_time');
    assert.equal(r.error?.value, 300);
    assert.equal(p.stats().retired, 1);
    assert.equal(p.stats().busy, 0);
    assert.equal(value(await run(p, 'return "fresh"')), 'fresh');
    assert.deepEqual(p.stats(), { workers: 1, busy: 0, queued: 0, started: 2, retired: 1 });
  });

  test('a run that hits the memory limit retires its worker; the next run gets a new one', {
    timeout: HANG,
  }, async () => {
    const p = pool();
    const r = await run(p, 'const a = []; for (let i = 0; ; i++) a.push(i);', {
      limits: { ...LIMITS, memoryBytes: 8 * 1024 * 1024 },
    });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'limit_exceeded');
    assert.equal(r.error?.limit, 'memory');
    assert.ok(r.retire, 'the worker says it retires');
    assert.deepEqual(p.stats(), { workers: 0, busy: 0, queued: 0, started: 1, retired: 1 });
    assert.equal(value(await run(p, 'return "fresh"')), 'fresh');
    assert.deepEqual(p.stats(), { workers: 1, busy: 0, queued: 0, started: 2, retired: 1 });
  });

  describe('cancellation', () => {
    test('an abort stops a program that computes forever', { timeout: HANG }, async () => {
      const p = pool();
      const ac = new AbortController();
      const h = heldCalls();
      // The call tells the test the program is running; the loop after it never yields.
      const r = run(p, 'tools.block({}); for (;;) {}', { call: h.call, signal: ac.signal });
      await h.next();
      ac.abort();
      const report = await r;
      assert.equal(report.error?.code, 'sandbox_error');
      assert.match(report.error!.message, /cancelled/);
      assert.deepEqual(p.stats(), { workers: 1, busy: 0, queued: 0, started: 1, retired: 0 });
      assert.equal(value(await run(p, 'return "next"')), 'next');
    });

    test('an abort while the program awaits a host call cancels the call too', { timeout: HANG }, async () => {
      const p = pool();
      const ac = new AbortController();
      const h = heldCalls();
      const r = run(p, 'return await tools.block({});', { call: h.call, signal: ac.signal });
      const held = await h.next();
      ac.abort();
      const report = await r;
      assert.equal(report.error?.code, 'sandbox_error');
      assert.match(report.error!.message, /cancelled/);
      assert.equal(held.signal.aborted, true);
    });

    test('a run cancelled while it waits in the queue leaves it at once; the worker is not leaked', {
      timeout: HANG,
    }, async () => {
      const p = pool({ size: 1, queueWaitMs: 20_000 });
      const h = heldCalls();
      const holding = run(p, 'return await tools.block({});', { call: h.call });
      const held = await h.next();
      const ac = new AbortController();
      const queued = run(p, 'return "never"', { signal: ac.signal });
      await until(
        () => p.stats().queued === 1,
        () => 'the second run queued',
      );
      ac.abort();
      const report = await queued;
      assert.equal(report.error?.code, 'sandbox_error', JSON.stringify(report.error));
      assert.match(report.error!.message, /cancelled/);
      assert.equal(p.stats().queued, 0);
      held.answer('first');
      assert.equal(value(await holding), 'first');
      assert.equal(p.stats().busy, 0);
      assert.equal(value(await run(p, 'return "next"')), 'next');
    });

    test('a signal aborted while the first worker starts ends the run without leaking the worker', {
      timeout: HANG,
    }, async () => {
      const p = pool({ size: 1 });
      const ac = new AbortController();
      const r = run(p, 'return "never"', { signal: ac.signal });
      ac.abort(); // the worker is still loading QuickJS
      const report = await r;
      assert.equal(report.error?.code, 'sandbox_error');
      assert.match(report.error!.message, /cancelled/);
      assert.equal(p.stats().busy, 0);
      assert.equal(value(await run(p, 'return "next"')), 'next');
    });

    test("a run with another memory limit than the pool's gets its own engine; cancelled while it is made, it ends", {
      timeout: HANG,
    }, async () => {
      const p = pool({ size: 1 });
      await p.warm();
      const other = { ...LIMITS, memoryBytes: 16 * 1024 * 1024 };
      assert.equal(value(await run(p, 'return "own engine"', { limits: other })), 'own engine');
      const ac = new AbortController();
      // Back to the pool's limit: the worker makes that engine again, and the abort lands meanwhile (or just after).
      const r = run(p, 'for (;;) {}', { signal: ac.signal });
      setImmediate(() => ac.abort());
      const report = await r;
      assert.equal(report.error?.code, 'sandbox_error');
      assert.match(report.error!.message, /cancelled/);
      assert.equal(value(await run(p, 'return "next"')), 'next');
      assert.deepEqual(p.stats(), { workers: 1, busy: 0, queued: 0, started: 1, retired: 0 });
    });

    test('an already aborted signal is refused before anything runs', { timeout: HANG }, async () => {
      const p = pool();
      const r = await run(p, 'return 1', { signal: AbortSignal.abort() });
      assert.equal(r.error?.code, 'sandbox_error');
      assert.deepEqual(p.stats(), { workers: 0, busy: 0, queued: 0, started: 0, retired: 0 });
    });
  });

  test('close() during a run answers it (and the queued ones) with a shutdown error and stops the workers', {
    timeout: HANG,
  }, async () => {
    const p = pool({ size: 1 });
    const h = heldCalls();
    const running = run(p, 'return await tools.block({});', { call: h.call });
    const held = await h.next();
    const queued = run(p, 'return "never"');
    await until(
      () => p.stats().queued === 1,
      () => 'the second run queued',
    );
    await p.close();
    for (const r of await Promise.all([running, queued])) {
      assert.equal(r.ok, false);
      assert.equal(r.error?.code, 'sandbox_error');
      assert.match(r.error!.message, /shutting down/);
    }
    assert.equal(held.signal.aborted, true);
    assert.equal(p.stats().workers, 0);
    const late = await run(p, 'return 1');
    assert.match(late.error!.message, /shutting down/);
  });
});
