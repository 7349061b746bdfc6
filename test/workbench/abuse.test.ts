import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { resultJson, startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { type Body, fails as failsOn, ok as okOn, runProgram } from './helpers.ts';

/**
 * The escape and abuse suite of run_workbench: every case is a hostile or broken program sent through /mcp, and
 * each asserts both that it is contained (the host is unreachable, the limit holds, the gateway goes on) and that
 * the error the model reads says what happened (code, limit and its value, message, line).
 */

const CPU_MS = 1000;
const MEMORY_MB = 32;
const STACK_BYTES = 256 * 1024; // SWITCHBOARD_WORKBENCH_STACK_KB's default
const MAX_CALLS = 100;
const MAX_RETURN = 200_000;
const MAX_LOG = 2000;
const MAX_CODE = 5000;

/** What the sandbox's global object holds: the language's built-ins and the three names of the prelude. */
const EXPECTED_GLOBALS = [
  'AggregateError',
  'Array',
  'ArrayBuffer',
  'BigInt',
  'BigInt64Array',
  'BigUint64Array',
  'Boolean',
  'DataView',
  'Date',
  'Error',
  'EvalError',
  'FinalizationRegistry',
  'Float16Array',
  'Float32Array',
  'Float64Array',
  'Function',
  'Infinity',
  'Int16Array',
  'Int32Array',
  'Int8Array',
  'InternalError',
  'Iterator',
  'JSON',
  'Map',
  'Math',
  'NaN',
  'Number',
  'Object',
  'Promise',
  'Proxy',
  'RangeError',
  'ReferenceError',
  'Reflect',
  'RegExp',
  'Set',
  'SharedArrayBuffer',
  'String',
  'Symbol',
  'SyntaxError',
  'TypeError',
  'URIError',
  'Uint16Array',
  'Uint32Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'WeakMap',
  'WeakRef',
  'WeakSet',
  'console',
  'decodeURI',
  'decodeURIComponent',
  'encodeURI',
  'encodeURIComponent',
  'escape',
  'eval',
  'globalThis',
  'isFinite',
  'isNaN',
  'parseFloat',
  'parseInt',
  'results',
  'tools',
  'undefined',
  'unescape',
];

/** Names of the host (Node, browsers, the QuickJS shell, the bridge) that must not exist in the sandbox. */
const HOST_NAMES = [
  'process',
  'require',
  'module',
  'exports',
  'global',
  'Buffer',
  'fetch',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'queueMicrotask',
  'structuredClone',
  'WebAssembly',
  'Atomics',
  'performance',
  'XMLHttpRequest',
  'importScripts',
  'std',
  'os',
  'print',
  'scriptArgs',
  '__sb_call',
  '__sb_log',
  '__sb_tools',
  '__sb_api',
];

function assertLimit(body: Body, limit: string, value: number, message: RegExp) {
  assert.equal(body.error.code, 'limit_exceeded', JSON.stringify(body.error));
  assert.equal(body.error.limit, limit, JSON.stringify(body.error));
  assert.equal(body.error.value, value);
  assert.match(body.error.message, message);
}

const CPU_MESSAGE = new RegExp(`^CPU time limit reached \\(${CPU_MS} ms of computation per run\\)$`);
const MEMORY_MESSAGE = new RegExp(`^memory limit reached \\(${MEMORY_MB} MB per run\\)$`);
const STACK_MESSAGE = /stack limit reached \(256 KB\): recursion too deep/;

function assertCpu(body: Body) {
  assertLimit(body, 'cpu_time', CPU_MS, CPU_MESSAGE);
  assert.ok(body.stats.cpu_ms >= CPU_MS, `cpu_ms ${body.stats.cpu_ms}`);
}

function assertMemory(body: Body) {
  assertLimit(body, 'memory', MEMORY_MB * 1048576, MEMORY_MESSAGE);
}

describe('run_workbench: escapes and abuse, end to end through /mcp', () => {
  let gw: TestGateway;
  let demo: Client;
  const ok = (code: string) => okOn(demo, code);
  const fails = (code: string) => failsOn(demo, code);
  const pool = () => gw.gateway.workbench!.stats();

  before(async () => {
    gw = await startTestGateway({
      SWITCHBOARD_WORKBENCH_WORKERS: '2',
      SWITCHBOARD_WORKBENCH_CPU_MS: String(CPU_MS),
      SWITCHBOARD_WORKBENCH_WALL_MS: '4000',
      SWITCHBOARD_WORKBENCH_MAX_CALLS: String(MAX_CALLS),
      SWITCHBOARD_WORKBENCH_MEMORY_MB: String(MEMORY_MB),
      SWITCHBOARD_WORKBENCH_MAX_RETURN_CHARS: String(MAX_RETURN),
      SWITCHBOARD_WORKBENCH_MAX_LOG_CHARS: String(MAX_LOG),
      SWITCHBOARD_WORKBENCH_MAX_CODE_CHARS: String(MAX_CODE),
    });
    demo = await gw.connect('/mcp');
  });
  after(() => gw.close());

  // --- Reaching the host through prototypes and constructors ------------------------------------------------

  test('tools has no prototype and no constructor: tools.constructor.constructor is a TypeError', async () => {
    const probe = await ok(
      `return [Object.getPrototypeOf(tools) === null, tools.constructor, tools.__proto__, typeof tools.toString,
        typeof tools.hasOwnProperty, typeof tools.then, Object.keys(tools).includes('confluence_get_spaces')]`,
    );
    assert.deepEqual(probe.result, [true, null, null, 'undefined', 'undefined', 'undefined', true]);
    // Looking these names up made no tool calls.
    assert.equal(probe.calls.total, 0);

    const body = await fails(`const g = tools.constructor.constructor('return this')();\nreturn typeof g.process`);
    assert.equal(body.error.code, 'program_error');
    assert.equal(body.error.name, 'TypeError');
    assert.match(body.error.message, /cannot read property 'constructor' of undefined/);
    assert.equal(body.error.line, 1);
    assert.match(body.error.source, /tools\.constructor\.constructor/);
  });

  test("console.log.constructor('return this')() is the sandbox's own global, with only the expected names", async () => {
    const { result } = await ok(
      `const F = console.log.constructor;
      const g = F('return this')();
      return { same: g === globalThis, isFunction: F === Function, names: Object.getOwnPropertyNames(g).sort() }`,
    );
    assert.equal(result.same, true);
    assert.equal(result.isFunction, true);
    assert.deepEqual(result.names, [...EXPECTED_GLOBALS].sort());
    for (const name of HOST_NAMES) assert.ok(!result.names.includes(name), name);
  });

  test("results.read.constructor('return globalThis')(): the same global, no host name defined in it", async () => {
    const names = JSON.stringify(HOST_NAMES);
    const { result } = await ok(
      `const g = results.read.constructor('return globalThis')();
      const F = results.read.constructor;
      return { same: g === globalThis, defined: ${names}.filter((n) => F('return typeof ' + n)() !== 'undefined') }`,
    );
    assert.deepEqual(result, { same: true, defined: [] });
  });

  test('the async, generator and async generator function constructors build sandbox code only', async () => {
    const { result } = await ok(
      `const AF = (async () => {}).constructor;
      const GF = Object.getPrototypeOf(function* () {}).constructor;
      const AGF = Object.getPrototypeOf(async function* () {}).constructor;
      return [
        await AF('return [typeof process, typeof require, typeof fetch, this === globalThis]')(),
        GF('yield typeof setTimeout')().next().value,
        (await AGF('yield typeof Buffer')().next()).value,
        AF === Function ? 'same' : 'distinct',
      ]`,
    );
    assert.deepEqual(result, [['undefined', 'undefined', 'undefined', true], 'undefined', 'undefined', 'distinct']);
  });

  test('Error.prepareStackTrace and Error.captureStackTrace: no V8 hooks, the stack is a string of sandbox frames', async () => {
    const { result } = await ok(
      `Error.prepareStackTrace = (e, frames) => frames;
      const e = new Error('x');
      const before = [typeof Error.captureStackTrace, Error.stackTraceLimit];
      let captured;
      try { Error.captureStackTrace({}) } catch (err) { captured = err.name + ': ' + err.message }
      return { stackType: typeof e.stack, stack: e.stack, before, captured }`,
    );
    assert.equal(result.stackType, 'string');
    assert.match(result.stack, /^ {4}at <anonymous> \(workbench\.js:2:\d+\)/);
    assert.doesNotMatch(result.stack, /node:|file:|\/work\/|\.ts\b|wasm/);
    assert.deepEqual(result.before, ['undefined', null]);
    assert.equal(result.captured, 'TypeError: not a function');
  });

  test('walking every property, accessor and __proto__ reachable from globalThis finds no host object', async () => {
    const { result } = await ok(
      `// RegExp.prototype.global is the language's own.
      const forbidden = new Set(${JSON.stringify(HOST_NAMES.filter((n) => n !== 'global'))});
      const seen = new Set();
      const queue = [globalThis, tools, results, console];
      const bad = [];
      while (queue.length && seen.size < 20000) {
        const o = queue.pop();
        if ((typeof o !== 'object' && typeof o !== 'function') || o === null || seen.has(o)) continue;
        seen.add(o);
        if (typeof o === 'function' && /^__sb|native code.*__sb/.test(String(o.name))) bad.push('function ' + o.name);
        let keys = [];
        try { keys = Reflect.ownKeys(o) } catch {}
        for (const k of keys) {
          if (typeof k === 'string' && forbidden.has(k)) bad.push(k);
          let d;
          try { d = Object.getOwnPropertyDescriptor(o, k) } catch { continue }
          if (d) queue.push(d.value, d.get, d.set);
        }
        try { queue.push(Object.getPrototypeOf(o)) } catch {}
      }
      return { objects: seen.size, bad }`,
    );
    assert.deepEqual(result.bad, []);
    assert.ok(result.objects > 500, `only ${result.objects} objects reachable`);
  });

  // --- Function and eval games ------------------------------------------------------------------------------

  test('indirect eval and new Function see the same sandbox global, nothing of the host', async () => {
    const { result } = await ok(
      `return [(0, eval)('this') === globalThis, (0, eval)('typeof process'), new Function('return typeof require')(),
        eval('typeof fetch'), Function('return this')() === globalThis]`,
    );
    assert.deepEqual(result, [true, 'undefined', 'undefined', 'undefined', true]);
  });

  test("eval of import('fs') is rejected: no module can be loaded", async () => {
    const body = await fails(`const fs = await eval("import('fs')");\nreturn typeof fs.readFileSync`);
    assert.equal(body.error.code, 'program_error');
    assert.equal(body.error.name, 'ReferenceError');
    assert.equal(body.error.message, "could not load module 'fs'");
  });

  test('dynamic import() of any specifier rejects with "could not load module"', async () => {
    const specs = ['fs', 'node:child_process', 'os', 'std', './workbench.js', 'data:text/javascript,export default 1'];
    const { result } = await ok(
      `const out = [];
      for (const s of ${JSON.stringify(specs)}) {
        try { await import(s); out.push('loaded ' + s) } catch (e) { out.push(e.name + ': ' + e.message) }
      }
      return out`,
    );
    assert.equal(result.length, specs.length);
    for (const [i, s] of specs.entries()) {
      assert.match(result[i], /^ReferenceError: could not load module '[^']+'$/);
      assert.ok(result[i].includes(s.replace('./', '')), result[i]);
    }
  });

  test('import.meta is a syntax error in the program, and in eval', async () => {
    const body = await fails(`const x = 1;\nreturn import.meta.url`);
    assert.equal(body.error.code, 'syntax_error');
    assert.equal(body.error.message, 'import.meta only valid in module code');
    assert.equal(body.error.line, 2);
    assert.equal(body.error.source, 'return import.meta.url');

    const inEval = await fails(`return eval('import.meta')`);
    assert.equal(inEval.error.code, 'program_error');
    assert.equal(inEval.error.name, 'SyntaxError');
    assert.match(inEval.error.message, /import\.meta/);
  });

  // --- globalThis probing -----------------------------------------------------------------------------------

  test('the host functions __sb_call, __sb_log, __sb_tools (and the prelude hand-off) are gone', async () => {
    const { result } = await ok(
      `const names = ['__sb_call', '__sb_log', '__sb_tools', '__sb_api'];
      return names.map((n) => [typeof globalThis[n], n in globalThis, Object.getOwnPropertyNames(globalThis).includes(n)])`,
    );
    assert.deepEqual(result, [
      ['undefined', false, false],
      ['undefined', false, false],
      ['undefined', false, false],
      ['undefined', false, false],
    ]);
  });

  test('assigning tools is a TypeError even in sloppy code ("read-only")', async () => {
    const body = await fails(`\ntools = { confluence_get_spaces: () => 'fake' };\nreturn 1`);
    assert.equal(body.error.code, 'program_error');
    assert.equal(body.error.name, 'TypeError');
    assert.equal(body.error.message, "'tools' is read-only");
    assert.equal(body.error.line, 2);
  });

  test('tools, results and console cannot be replaced, redefined, deleted or redeclared: they still work', async () => {
    const body = await ok(
      `const attempts = {};
      const attempt = (name, f) => { try { f(); attempts[name] = 'no error' } catch (e) { attempts[name] = e.name } };
      attempt('assign globalThis.tools', () => { globalThis.tools = 1 });
      attempt('defineProperty tools', () => Object.defineProperty(globalThis, 'tools', { value: 1 }));
      attempt('defineProperty results getter', () => Object.defineProperty(globalThis, 'results', { get: () => 1 }));
      attempt('delete console', () => { delete globalThis.console });
      attempt('redeclare var tools', () => (0, eval)('var tools = 1'));
      const mine = () => 'mine';
      attempt('add a tool', () => { tools.fake = mine });
      attempt('defineProperty on tools', () => Object.defineProperty(tools, 'fake', { value: 1 }));
      attempt('replace console.log', () => { console.log = null });
      attempt('replace results.read', () => { results.read = null });
      console.log('console still works');
      const r = await tools.confluence_get_spaces({ keys: ['ENG'] });
      return { attempts, types: [typeof tools, typeof results.read, typeof console.log, tools.fake === mine], key: r.results[0].key }`,
    );
    const { attempts, types, key } = body.result;
    assert.deepEqual(types, ['object', 'function', 'function', false]);
    assert.equal(key, 'ENG');
    assert.deepEqual(body.logs, ['console still works']);
    assert.equal(attempts['redeclare var tools'], 'SyntaxError');
    assert.equal(attempts['defineProperty on tools'], 'TypeError');
    assert.equal(body.calls.total, 1);
  });

  test('overwriting JSON, Promise.prototype.then, Object.keys or Function.prototype.call only breaks the program', async () => {
    const body = await ok(
      `JSON.parse = () => 'pwned';
      JSON.stringify = () => '"pwned"';
      Promise.prototype.then = function () { throw new Error('hijacked') };
      Object.keys = () => [];
      Function.prototype.call = function () { throw new Error('hijacked call') };
      const r = await tools.confluence_get_spaces({ keys: ['ENG'] });
      let missing;
      try { await tools.confluence_get_spacez({}) } catch (e) { missing = e.code }
      return { key: r.results[0].key, missing, parse: JSON.parse('1') }`,
    );
    // The bridge kept its own JSON and Promise methods; the return value was serialized with the real stringify.
    assert.deepEqual(body.result, { key: 'ENG', missing: 'unknown_tool', parse: 'pwned' });
  });

  test('each run gets a fresh context: globals and overwritten built-ins of a run are gone in the next', async () => {
    await ok(
      `globalThis.leak = 'secret'; JSON.parse = () => 'pwned'; Object.keys = () => [];
      Array.prototype.push = function () { return -1 }; Object.prototype.polluted = true; return 1`,
    );
    // Both workers: whichever takes the next runs, none sees the first one's changes.
    for (let i = 0; i < 4; i++) {
      const { result } = await ok(
        `const a = []; a.push(1);
        return [typeof leak, JSON.parse('[1]'), Object.keys({ a: 1 }), a.length, ({}).polluted]`,
      );
      assert.deepEqual(result, ['undefined', [1], ['a'], 1, null]);
    }
  });

  // --- Infinite loops ---------------------------------------------------------------------------------------

  test('while (true) {} stops at the CPU limit', async () => {
    assertCpu(await fails('while (true) {}'));
  });

  test('an infinite loop in a finally block after an infinite try: stopped, the finally never escapes', async () => {
    const body = await fails(
      `for (;;) {\n  try { for (;;) {} } finally { console.log('finally ran'); for (;;) {} }\n}`,
    );
    assertCpu(body);
    assert.equal(body.logs, undefined);
  });

  test('catching the interrupt to loop again does not work: the interrupt cannot be caught', async () => {
    const body = await fails(
      `let caught = 0;
      for (;;) {
        try { while (true) {} } catch (e) { caught++; console.log('caught', String(e)); while (true) {} }
      }`,
    );
    assertCpu(body);
    assert.equal(body.logs, undefined);
  });

  test('an infinite microtask chain stops at the CPU limit (or the memory limit as its promises pile up)', async () => {
    // Each job queues the next: nothing accumulates.
    assertCpu(await fails('const f = () => { Promise.resolve().then(f) };\nf();\nawait new Promise(() => {});'));
    // Each promise is resolved with the next one: the chain grows until the CPU or the memory runs out.
    const body = await fails('const f = () => Promise.resolve().then(f);\nf();\nawait new Promise(() => {});');
    assert.ok(['memory', 'cpu_time'].includes(body.error.limit), JSON.stringify(body.error));
    if (body.error.limit === 'memory') assertMemory(body);
    else assertCpu(body);
    assert.equal((await ok('return 1 + 1')).result, 2);
  });

  test('an async infinite loop (await null) stops at the CPU limit', async () => {
    assertCpu(await fails('let n = 0;\nfor (;;) { await null; n++; }'));
  });

  test('catastrophic regex backtracking is interrupted at the CPU limit', async () => {
    assertCpu(await fails(`return /^(a+)+$/.test('a'.repeat(40) + 'b')`));
  });

  test('a loop of heavy native calls, which rarely reaches the interrupt check, is still stopped', async () => {
    // Sorting runs inside the engine without polling the interrupt handler: the CPU limit may only be seen late,
    // and past the wall limit (plus a grace period) the host terminates the worker. Either way the run ends.
    const before = pool();
    const body = await fails(
      'const a = Array.from({ length: 3e5 }, (_, i) => (i * 7919) % 100003);\nfor (let i = 0; i < 3000; i++) a.slice().sort();\nreturn "never"',
    );
    assert.equal(body.error.code, 'limit_exceeded');
    assert.ok(['cpu_time', 'wall_time'].includes(body.error.limit), JSON.stringify(body.error));
    if (body.error.limit === 'cpu_time') assertCpu(body);
    else assertLimit(body, 'wall_time', 4000, /^wall time limit reached \(4000 ms per run, tool calls included\)$/);
    assert.equal((await ok('return "next"')).result, 'next');
    assert.ok(pool().started >= before.started);
  });

  // --- Deep recursion ---------------------------------------------------------------------------------------

  test('plain recursion stops at the stack limit, with the line and the frames', async () => {
    const body = await fails(`function f(n) {\n  return f(n + 1) + 1;\n}\nreturn f(0)`);
    assertLimit(body, 'stack', STACK_BYTES, STACK_MESSAGE);
    assert.equal(body.error.line, 2);
    assert.equal(body.error.source, '  return f(n + 1) + 1;');
    assert.match(body.error.stack, /^at f \(workbench\.js:2:\d+\)/);
  });

  test('mutual recursion stops at the stack limit', async () => {
    const body = await fails('const a = (n) => b(n) + 1;\nconst b = (n) => a(n) + 1;\nreturn a(0)');
    assertLimit(body, 'stack', STACK_BYTES, STACK_MESSAGE);
    assert.match(body.error.stack, /at [ab] \(workbench\.js:[12]:\d+\)\nat [ab] \(workbench\.js:[12]:\d+\)/);
  });

  test('recursion through getters (and a proxy chain) stops at the stack limit', async () => {
    const getter = await fails('const o = { get x() { return this.x } };\nreturn o.x');
    assertLimit(getter, 'stack', STACK_BYTES, STACK_MESSAGE);
    assert.match(getter.error.stack, /at get x/);

    const proxies = await fails('let p = {};\nfor (let i = 0; i < 1e5; i++) p = new Proxy(p, {});\nreturn p.x');
    assertLimit(proxies, 'stack', STACK_BYTES, STACK_MESSAGE);
    assert.equal(proxies.error.line, 3);
  });

  test("JSON.parse('['.repeat(1e5)) stops at the stack limit", async () => {
    const body = await fails(`return JSON.parse('['.repeat(1e5))`);
    assertLimit(body, 'stack', STACK_BYTES, STACK_MESSAGE);
    assert.equal(body.error.line, 1);
  });

  test('String() of deeply nested arrays stops at the stack limit', async () => {
    const body = await fails('let a = [];\nfor (let i = 0; i < 1e5; i++) a = [a];\nreturn String(a).length');
    assertLimit(body, 'stack', STACK_BYTES, STACK_MESSAGE);
    assert.equal(body.error.line, 3);
  });

  test('a deeply nested return value: the stack limit, saying the return value is too deep', async () => {
    const body = await fails('let a = {};\nfor (let i = 0; i < 1e5; i++) a = { a };\nreturn a');
    assertLimit(body, 'stack', STACK_BYTES, /^the return value is nested too deeply to turn into JSON: stack limit/);
  });

  // --- Memory bombs -----------------------------------------------------------------------------------------

  test("'x'.repeat(2 ** 29) stops at the memory limit", async () => {
    assertMemory(await fails(`return 'x'.repeat(2 ** 29).length`));
  });

  test('new ArrayBuffer(1e9) stops at the memory limit', async () => {
    assertMemory(await fails('const b = new ArrayBuffer(1e9);\nreturn b.byteLength'));
  });

  test('many 10 MB buffers stop at the memory limit (the limit bounds the total, not each allocation)', async () => {
    // QuickJS alone would count 8 bytes per allocation here: this once grew a worker to 1 GB under a 32 MB limit.
    const body = await fails(
      'const keep = [];\nfor (let i = 0; i < 100; i++) keep.push(new ArrayBuffer(10e6));\nreturn keep.length',
    );
    assertMemory(body);
  });

  test('a huge array (new Array(1e9).fill(0)) stops at the memory limit', async () => {
    assertMemory(await fails('return new Array(1e9).fill(0).length'));
  });

  test('string doubling: a materialized copy hits the memory limit, a rope hits the maximum string length', async () => {
    assertMemory(
      await fails(`let s = 'x'.repeat(1e6);\nconst keep = [];\nfor (;;) { s = s + s; keep.push(s.slice(1)); }`),
    );

    const rope = await fails(`let s = 'x';\nfor (;;) s += s;`);
    assert.equal(rope.error.code, 'program_error');
    assert.equal(rope.error.name, 'InternalError');
    assert.equal(rope.error.message, 'string too long');
    assert.equal(rope.error.line, 2);
  });

  test('many small objects stop at the memory limit (or the CPU limit, as the collector runs on every allocation)', async () => {
    const body = await fails('const a = [];\nfor (;;) a.push({ n: a.length, s: String(a.length) });');
    assert.equal(body.error.code, 'limit_exceeded');
    assert.ok(['memory', 'cpu_time'].includes(body.error.limit), body.error.limit);
    if (body.error.limit === 'memory') assertMemory(body);
    else assertCpu(body);
  });

  test('Map and Set growth stop at the memory limit', async () => {
    assertMemory(await fails(`const m = new Map();\nfor (let i = 0; ; i++) m.set(i, 'v'.repeat(1000) + i);`));
    assertMemory(await fails(`const s = new Set();\nfor (let i = 0; ; i++) s.add('k'.repeat(1000) + i);`));
  });

  test('after a run that hit the memory limit its worker is retired, and the next run works', async () => {
    const before = pool();
    assertMemory(await fails(`return new Uint8Array(2 ** 28).length`));
    assert.equal(pool().retired, before.retired + 1);
    assert.equal((await ok('return [1, 2, 3].map((x) => x * 2)')).result.join(), '2,4,6');
    assert.ok(pool().started > before.started);
  });

  // --- Return values ----------------------------------------------------------------------------------------

  test('a huge string return value: the return_size limit with its value and the actual size', async () => {
    const body = await fails(`return 'x'.repeat(300000)`);
    assertLimit(body, 'return_size', MAX_RETURN, /^the return value is 300002 characters of JSON; the limit is 200000/);
  });

  test('a huge array return value: the return_size limit', async () => {
    const body = await fails(`return new Array(100000).fill('abc')`);
    assertLimit(body, 'return_size', MAX_RETURN, /^the return value is 600001 characters of JSON/);
  });

  test('a large but allowed return value is stored behind a handle, readable with read_result and results.read', async () => {
    const body = await ok(`return Array.from({ length: 2000 }, (_, i) => ({ i, name: 'item-' + i }))`);
    assert.equal(body.result, undefined);
    const { handle, size_chars } = body.stored;
    assert.match(handle, /^res_/);
    assert.ok(size_chars > 50_000);

    const page = await demo.callTool({ name: 'read_result', arguments: { handle, offset: 1234, limit: 2 } });
    assert.equal(page.isError, undefined);
    assert.match(JSON.stringify(resultJson(page)), /"item-1234".*"item-1235"/);

    const again = await ok(`return await results.read(${JSON.stringify(handle)}, { path: '$[1999].name' })`);
    assert.equal(again.result, 'item-1999');
  });

  test('a cyclic return value: return_value, naming the circular reference', async () => {
    const body = await fails('const o = { name: "loop" };\no.self = o;\nreturn o');
    assert.equal(body.error.code, 'return_value');
    assert.equal(body.error.message, 'the return value is not JSON: circular reference');
  });

  test('a return value whose getter throws, or whose proxy loops, during serialization', async () => {
    const throws = await fails(`return { ok: 1, get bad() { throw new Error('getter says no') } }`);
    assert.equal(throws.error.code, 'return_value');
    assert.equal(throws.error.message, 'the return value is not JSON: getter says no');

    assertCpu(await fails('return new Proxy({}, { ownKeys() { for (;;) {} } })'));
    assertCpu(await fails('return { toJSON() { while (true) {} } }'));
  });

  test('undefined, functions and symbols return as null; a BigInt is not JSON', async () => {
    assert.equal((await ok('return undefined')).result, null);
    assert.equal((await ok('const x = 1;')).result, null);
    assert.deepEqual((await ok('return [undefined, () => 1, Symbol("s"), NaN]')).result, [null, null, null, null]);
    const big = await fails('return { n: 10n }');
    assert.equal(big.error.code, 'return_value');
    assert.match(big.error.message, /^the return value is not JSON: .*BigInt/);
  });

  // --- Promises and tool calls ------------------------------------------------------------------------------

  test('promise floods: 100k pending promises fit, Promise.all of 100k outgrows 32 MB, awaiting never-settled ones', async () => {
    assert.equal(
      (await ok('const ps = [];\nfor (let i = 0; i < 100000; i++) ps.push(new Promise(() => {}));\nreturn ps.length'))
        .result,
      100000,
    );
    const all = (n: number) =>
      `return (await Promise.all(Array.from({ length: ${n} }, (_, i) => Promise.resolve(i)))).length`;
    assert.equal((await ok(all(20000))).result, 20000);
    assertMemory(await fails(all(100000)));
    const never = await fails('await Promise.all(Array.from({ length: 20000 }, () => new Promise(() => {})))');
    assert.equal(never.error.code, 'program_error');
    assert.match(never.error.message, /^the program waits on a promise that nothing will settle/);
  });

  test('Promise.all of 5000 tool calls stops at the call limit; the answer counts the calls that ran', async () => {
    const body = await fails(`await Promise.all(Array.from({ length: 5000 }, () => tools.confluence_get_spaces({})))`);
    assertLimit(body, 'calls', MAX_CALLS, /^tool call limit reached \(100 tool calls and result reads per run\)$/);
    assert.ok(body.calls.total <= MAX_CALLS, JSON.stringify(body.calls));
    assert.equal(body.stats.tool_calls, body.calls.total);
  });

  test('sequential tool calls past the limit: stopped at the 101st, the 100 that ran are counted', async () => {
    const body = await fails(
      `for (let i = 0; i < 150; i++) {\n  try { await tools.confluence_get_spaces({ limit: 1 }) } catch (e) {}\n}\nreturn 'never'`,
    );
    assertLimit(body, 'calls', MAX_CALLS, /tool call limit reached/);
    assert.equal(body.calls.total, MAX_CALLS);
    assert.equal(body.calls.failed, 0);
    assert.deepEqual(body.calls.by_tool, { confluence_get_spaces: { ok: MAX_CALLS, failed: 0 } });
    assert.equal(body.stats.tool_calls, MAX_CALLS);
  });

  test('arguments that are not JSON (cyclic, BigInt) reject with a TypeError the program can catch', async () => {
    const body = await ok(
      `const cyclic = {}; cyclic.self = cyclic;
      const out = [];
      for (const args of [cyclic, { n: 10n }]) {
        try { await tools.confluence_get_spaces(args) } catch (e) { out.push([e instanceof TypeError, e.message]) }
      }
      return out`,
    );
    assert.deepEqual(body.result, [
      [true, 'confluence_get_spaces: the arguments are not JSON (circular reference)'],
      [true, 'confluence_get_spaces: the arguments are not JSON (Do not know how to serialize a BigInt)'],
    ]);
    // Nothing reached the gateway.
    assert.equal(body.calls.total, 0);
  });

  test('an unknown tool rejects with a ToolError unknown_tool and did-you-mean suggestions', async () => {
    const caught = await ok(
      `try { await tools.confluence_get_spacez({}) } catch (e) {
        return { name: e.name, code: e.code, retryable: e.retryable, tool: e.tool, message: e.message }
      }`,
    );
    assert.equal(caught.result.name, 'ToolError');
    assert.equal(caught.result.code, 'unknown_tool');
    assert.equal(caught.result.retryable, false);
    assert.equal(caught.result.tool, 'confluence_get_spacez');
    assert.match(caught.result.message, /no tool "confluence_get_spacez"; did you mean .*confluence_get_spaces/);

    const uncaught = await fails('const r = await tools.gong_list_callz({});\nreturn r');
    assert.equal(uncaught.error.code, 'program_error');
    assert.equal(uncaught.error.name, 'ToolError');
    assert.match(uncaught.error.message, /did you mean .*gong_list_calls/);
    assert.equal(uncaught.error.tool_error.code, 'unknown_tool');
  });

  // --- Throwing odd values ----------------------------------------------------------------------------------

  test('throw 42', async () => {
    const body = await fails('throw 42');
    assert.equal(body.error.code, 'program_error');
    assert.equal(body.error.message, 'the program threw a non-error value: 42');
  });

  test('throw null is the program throwing null, not out of memory', async () => {
    const before = pool().retired;
    const body = await fails('throw null');
    assert.equal(body.error.code, 'program_error');
    assert.equal(body.error.message, 'the program threw a non-error value: null');
    assert.equal(pool().retired, before);
  });

  test('throw undefined', async () => {
    const body = await fails('throw undefined');
    assert.equal(body.error.code, 'program_error');
    assert.equal(body.error.message, 'the program threw a non-error value: undefined');
  });

  test('throw Symbol()', async () => {
    const body = await fails(`throw Symbol('odd')`);
    assert.equal(body.error.code, 'program_error');
    assert.equal(body.error.message, 'the program threw a non-error value: Symbol(odd)');
  });

  test('throw an object whose toString loops: described without calling it', async () => {
    const body = await fails('throw { toString() { while (1) {} } }');
    assert.equal(body.error.code, 'program_error');
    assert.equal(body.error.message, 'the program threw a non-error value: {}');
  });

  test('an Error whose message getter throws: still an Error, with its line; one whose getter loops: the CPU limit', async () => {
    const throws = await fails(
      `const e = new TypeError('x');\nObject.defineProperty(e, 'message', { get() { throw new Error('no') } });\nthrow e`,
    );
    assert.equal(throws.error.code, 'program_error');
    assert.equal(throws.error.name, 'TypeError');
    assert.equal(throws.error.message, '(its message could not be read)');
    assert.equal(throws.error.line, 1);

    assertCpu(
      await fails(
        `const e = new Error('x');\nObject.defineProperty(e, 'message', { get() { for (;;) {} } });\nthrow e`,
      ),
    );
    assertCpu(await fails('throw { get message() { while (1) {} } }'));
  });

  test('a thrown Proxy: described through its target, or refused when its traps throw or loop', async () => {
    const wrapped = await fails(`throw new Proxy(new RangeError('inside'), {})`);
    assert.equal(wrapped.error.code, 'program_error');
    assert.equal(wrapped.error.message, 'inside');

    const traps = await fails(
      `const no = () => { throw new Error('trap') };
      throw new Proxy({}, { get: no, ownKeys: no, getOwnPropertyDescriptor: no, getPrototypeOf: no, has: no })`,
    );
    assert.equal(traps.error.code, 'program_error');
    assert.match(traps.error.message, /^the program threw a (value that cannot be described|non-error value)/);

    assertCpu(await fails('throw new Proxy({}, { get() { for (;;) {} } })'));
  });

  test("a thrown error's name, message and frames are capped", async () => {
    const body = await fails(`const e = new Error('m'.repeat(1e6));\ne.name = 'N'.repeat(1e6);\nthrow e`);
    assert.equal(body.error.code, 'program_error');
    assert.ok(body.error.name.length < 200, `name of ${body.error.name.length}`);
    assert.ok(body.error.message.length < 2100, `message of ${body.error.message.length}`);
    assert.match(body.error.message, /… \(998000 more characters\)$/);
    assert.ok(JSON.stringify(body).length < 5000);
  });

  // --- Console abuse ----------------------------------------------------------------------------------------

  test('a huge console.log is cut at MAX_LOG_CHARS, and further lines are counted as dropped', async () => {
    const body = await ok(
      `console.log('x'.repeat(1e6));\nfor (let i = 0; i < 1000; i++) console.log('line ' + i);\nreturn 1`,
    );
    assert.equal(body.logs.length, 1);
    assert.equal(body.logs[0], `${'x'.repeat(MAX_LOG)}… (cut)`);
    assert.equal(body.logs_dropped, 1000);
  });

  test('console.log of a looping toJSON stops at the CPU limit; a throwing or cyclic one logs a placeholder', async () => {
    assertCpu(await fails('console.log({ toJSON() { for (;;) {} } });\nreturn 1'));
    const body = await ok(
      `const cyclic = {}; cyclic.self = cyclic;
      console.log({ toJSON() { throw new Error('no') } });
      console.log(cyclic);
      console.log(tools, results);
      console.log(new TypeError('shown'));
      return 1`,
    );
    assert.deepEqual(body.logs, ['[object Object]', '[object Object]', '{} {}', 'TypeError: shown']);
    // Logging tools looks up toJSON: not a call to a tool of that name.
    assert.equal(body.calls.total, 0);
  });

  // --- Errors the model reads -------------------------------------------------------------------------------

  test('a syntax error points to its line and column and shows the source line', async () => {
    const body = await fails('const a = 1;\nconst b = a +* 2;\nreturn b');
    assert.equal(body.error.code, 'syntax_error');
    assert.equal(body.error.name, 'SyntaxError');
    assert.equal(body.error.message, "unexpected token in expression: '*'");
    assert.equal(body.error.line, 2);
    assert.equal(body.error.column, 14);
    assert.equal(body.error.source, 'const b = a +* 2;');

    // On line 1, the column is the program's, not the wrapper's.
    const first = await fails('return )');
    assert.equal(first.error.code, 'syntax_error');
    assert.equal(first.error.line, 1);
    assert.equal(first.error.column, 8);
  });

  test('a thrown error gives its name, message, line, source line and the frames of the program only', async () => {
    const body = await fails(
      `const x = 1;\nfunction check(v) {\n  if (v > 0) throw new RangeError('v too big: ' + v);\n}\ncheck(x);`,
    );
    assert.equal(body.error.code, 'program_error');
    assert.equal(body.error.name, 'RangeError');
    assert.equal(body.error.message, 'v too big: 1');
    assert.equal(body.error.line, 3);
    assert.equal(body.error.source, "  if (v > 0) throw new RangeError('v too big: ' + v);");
    assert.equal(body.error.stack, 'at check (workbench.js:3:34)\nat <anonymous> (workbench.js:5:6)');
  });

  test('a program longer than MAX_CODE_CHARS is refused before it runs: the code_size limit', async () => {
    const code = `return 1; // ${'x'.repeat(MAX_CODE)}`;
    const body = await fails(code);
    assertLimit(
      body,
      'code_size',
      MAX_CODE,
      new RegExp(`^the program is ${code.length} characters; the limit is ${MAX_CODE}$`),
    );
    assert.equal(body.stats.cpu_ms, 0);
  });
});

describe('run_workbench: a runaway program does not hold up the gateway', () => {
  let gw: TestGateway;
  let demo: Client;

  before(async () => {
    gw = await startTestGateway({
      SWITCHBOARD_WORKBENCH_WORKERS: '2',
      SWITCHBOARD_WORKBENCH_CPU_MS: '3000',
      SWITCHBOARD_WORKBENCH_WALL_MS: '8000',
    });
    demo = await gw.connect('/mcp');
    await gw.gateway.workbench!.warm();
  });
  after(() => gw.close());

  test('while (true) {} runs: search_tools, execute_tools and another program answer before it ends', async () => {
    const order: string[] = [];
    const track = async <T>(name: string, p: Promise<T>) => {
      const v = await p;
      order.push(name);
      return v;
    };
    const runaway = track('runaway', runProgram(demo, 'while (true) {}'));
    // The runaway holds one of the two workers.
    while (gw.gateway.workbench!.stats().busy === 0) await new Promise((r) => setTimeout(r, 5));

    const [search, execute, other] = await Promise.all([
      track('search_tools', demo.callTool({ name: 'search_tools', arguments: { queries: ['list wiki spaces'] } })),
      track(
        'execute_tools',
        demo.callTool({
          name: 'execute_tools',
          arguments: { calls: [{ tool: 'confluence_get_spaces', arguments: { keys: ['ENG'] } }] },
        }),
      ),
      track('run_workbench', okOn(demo, 'return 1 + 1')),
    ]);
    // All three completed while the runaway was still running.
    assert.deepEqual([...order].sort(), ['execute_tools', 'run_workbench', 'search_tools']);

    assert.equal(search.isError, undefined);
    assert.ok(Object.keys(resultJson(search).tools).includes('confluence_get_spaces'));
    assert.equal(execute.isError, undefined);
    assert.equal(resultJson(execute).results[0].data.results[0].key, 'ENG');
    assert.equal(other.result, 2);

    const { failed, body } = await runaway;
    assert.equal(order.at(-1), 'runaway');
    assert.equal(failed, true);
    assertLimit(body, 'cpu_time', 3000, /^CPU time limit reached \(3000 ms of computation per run\)$/);
  });
});
