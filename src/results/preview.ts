/**
 * What the model sees of a result too large to inline: its shape (keys, types, array lengths, string lengths) and
 * a preview (the same value with arrays cut to their first items and long strings cut), both within a budget of
 * characters, so it can decide what to read with `read_result`.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A compact description of a value's structure: `{"results": "array(500) of {id, title, body}", ...}`. */
export function shapeOf(value: unknown, depth = 3): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'array(0)';
    const first = value[0];
    const item = depth > 0 ? shapeOf(first, depth - 1) : typeName(first);
    return { [`array(${value.length})`]: item };
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value as object);
    if (depth <= 0) return `object(${keys.length} keys)`;
    const out: Record<string, unknown> = {};
    for (const k of keys.slice(0, 40)) out[k] = shapeOf((value as Record<string, unknown>)[k], depth - 1);
    if (keys.length > 40) out['…'] = `${keys.length - 40} more keys`;
    return out;
  }
  if (typeof value === 'string') return value.length > 200 ? `string(${value.length} chars)` : 'string';
  return typeName(value);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === 'object') return 'object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** The value with every array cut to `items` elements, strings to `chars`, objects to `keys` keys. */
export function clipJson(value: unknown, items: number, chars: number, keys: number, depth: number): Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return value as Json;
  if (typeof value === 'string')
    return value.length > chars ? `${value.slice(0, chars)}… (${value.length} chars)` : value;
  if (depth <= 0) return Array.isArray(value) ? `[array(${value.length})]` : '{…}';
  if (Array.isArray(value)) {
    const out = value.slice(0, items).map((v) => clipJson(v, items, chars, keys, depth - 1));
    if (value.length > items) out.push(`… ${value.length - items} more items`);
    return out;
  }
  if (typeof value === 'object') {
    const out: Record<string, Json> = {};
    const entries = Object.entries(value as object);
    for (const [k, v] of entries.slice(0, keys)) out[k] = clipJson(v, items, chars, keys, depth - 1);
    if (entries.length > keys) out['…'] = `${entries.length - keys} more keys`;
    return out;
  }
  return String(value);
}

/** Shape and preview of `value`, together at most `budget` characters of JSON (best effort for tiny budgets). */
export function previewOf(value: unknown, budget: number): { shape: unknown; preview: unknown } {
  let shape = shapeOf(value);
  if (JSON.stringify(shape).length > budget / 2) shape = shapeOf(value, 1);
  if (JSON.stringify(shape).length > budget / 2) shape = typeName(value);
  const left = budget - JSON.stringify(shape).length;
  // From generous to terse: the first setting that fits wins.
  const settings: [number, number, number, number][] = [
    [5, 300, 30, 6],
    [3, 200, 20, 5],
    [2, 120, 12, 4],
    [1, 80, 8, 4],
    [1, 40, 6, 3],
    [1, 20, 4, 2],
  ];
  for (const [items, chars, keys, depth] of settings) {
    const preview = clipJson(value, items, chars, keys, depth);
    if (JSON.stringify(preview).length <= left) return { shape, preview };
  }
  return { shape, preview: '(no preview fits; read it with read_result)' };
}
