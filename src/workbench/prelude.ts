/**
 * The JavaScript evaluated in every fresh sandbox context before the program (trusted code, inside QuickJS). It
 * takes the three host functions off the global object and builds what the program sees: `tools`, `results`,
 * `console`. Its completion value is the serializer the host calls on the program's return value; the program
 * cannot reach or replace it. JSON and Promise methods are captured here, so a program that overwrites `JSON.parse`
 * only breaks its own code, never the bridge.
 *
 * The three names are global `const` bindings (a script's top-level lexical declarations), also mirrored as read-only
 * properties of `globalThis`: QuickJS lets `Object.defineProperty(globalThis, 'tools', {value})` replace even a
 * non-writable, non-configurable global property, but the identifier `tools` resolves to the binding first, and a
 * binding cannot be assigned or redeclared.
 */
export const PRELUDE_FILE = 'switchboard:prelude';

export const PRELUDE = `'use strict';
(() => {
  const hostCall = globalThis.__sb_call;
  const hostLog = globalThis.__sb_log;
  const names = JSON.parse(globalThis.__sb_tools);
  delete globalThis.__sb_call;
  delete globalThis.__sb_log;
  delete globalThis.__sb_tools;
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const then = Promise.prototype.then;
  const freeze = Object.freeze;
  const keys = Object.keys;
  // Not then.call(...): a program may replace Function.prototype.call.
  const apply = Reflect.apply;
  const reject = Promise.reject.bind(Promise);

  class ToolError extends Error {}
  Object.defineProperty(ToolError.prototype, 'name', { value: 'ToolError' });

  const failure = (what, json) => {
    let e;
    try { e = parse(json); } catch { e = { code: 'internal', message: String(json) }; }
    const err = new ToolError(what + ': ' + (e.message || e.code || 'failed'));
    for (const k of keys(e)) if (k !== 'message') err[k] = e[k];
    err.tool = what;
    return err;
  };

  const invoke = (kind, name, what, payload) => {
    let json;
    try {
      json = stringify(payload === undefined ? {} : payload);
    } catch (e) {
      return reject(new TypeError(what + ': the arguments are not JSON (' + e.message + ')'));
    }
    if (json === undefined) return reject(new TypeError(what + ': the arguments are not JSON'));
    return apply(then, hostCall(kind, name, json), [parse, (r) => { throw failure(what, r); }]);
  };

  const table = Object.create(null);
  for (const n of names) table[n] = { [n]: (args) => invoke('tool', n, n, args) }[n];
  freeze(table);
  // Names the language itself looks up on any object (await: then; JSON.stringify: toJSON; String(): toString,
  // valueOf; Object.prototype's) are not tools: they stay undefined instead of becoming calls to a tool of that name.
  const notTools = new Set(['then', 'toJSON', ...Object.getOwnPropertyNames(Object.prototype)]);
  const has = Set.prototype.has;
  // Any other name still goes to the gateway, which answers "no such tool" with the closest real names.
  const tools = new Proxy(table, {
    get: (t, k) =>
      typeof k !== 'string' || apply(has, notTools, [k])
        ? undefined
        : k in t
          ? t[k]
          : (args) => invoke('tool', k, k, args),
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });

  const results = freeze({
    read: (handle, options) => invoke('read', String(handle), 'results.read', options === undefined ? {} : options),
  });

  const show = (v) => {
    if (typeof v === 'string') return v;
    if (v instanceof Error) return (v.name || 'Error') + ': ' + v.message;
    try {
      const s = stringify(v);
      return s === undefined ? String(v) : s;
    } catch {
      try { return String(v); } catch { return Object.prototype.toString.call(v); }
    }
  };
  const logger = (level) => (...args) => { hostLog(level, args.map(show).join(' ')); };
  const console = freeze({
    log: logger('log'), info: logger('info'), debug: logger('debug'), warn: logger('warn'), error: logger('error'),
  });

  const api = { tools, results, console };
  for (const k of ['tools', 'results', 'console']) {
    Object.defineProperty(globalThis, k, { value: api[k], writable: false, enumerable: false, configurable: false });
  }
  // Handed to the const declaration below, then removed before the program runs.
  Object.defineProperty(globalThis, '__sb_api', { value: api, configurable: true });

  // The host's view of the return value: its JSON, or its length when over the limit (never built in full twice).
  return (value, max) => {
    const s = value === undefined ? 'null' : stringify(value);
    if (s === undefined) return 'null';
    return s.length > max ? s.length : s;
  };
})();
// A declaration has no completion value: the script's value stays the serializer above.
const { tools, results, console } = ((api) => (delete globalThis.__sb_api, api))(globalThis.__sb_api);`;
