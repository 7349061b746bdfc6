import { shapeOf } from './preview.ts';

/**
 * Reading a stored result: a JSONPath-like selector picks part of it, and the answer pages through that part
 * (array items, object keys or string characters) within a size cap. A value too large to fit even alone comes
 * back as a stub naming its exact path, so every byte of the result stays reachable by following paths.
 *
 * Selector: `$` (optional) then `.key`, `['key']`, `[3]`, `[-1]`, `[0:20]`, `[*]` or `.*`; a leading key needs no
 * dot (`results[0:20].id`). With `[*]`, `.*` or a slice the selector yields a list of matches.
 */

export type Step =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start: number | undefined; end: number | undefined }
  | { kind: 'all' };

export class PathError extends Error {}

export function parsePath(path: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const s = path.trim();
  if (s.startsWith('$')) i = 1;
  const ident = /^[A-Za-z_$][\w$-]*/;
  let first = true;
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      i++;
      if (s[i] === '*') {
        steps.push({ kind: 'all' });
        i++;
        continue;
      }
      const m = ident.exec(s.slice(i));
      if (!m) throw new PathError(`expected a key after "." at position ${i} of "${path}"`);
      steps.push({ kind: 'key', key: m[0] });
      i += m[0].length;
    } else if (c === '[') {
      const close = findClose(s, i);
      const inner = s.slice(i + 1, close).trim();
      i = close + 1;
      if (inner === '*') steps.push({ kind: 'all' });
      else if (/^(['"]).*\1$/.test(inner)) steps.push({ kind: 'key', key: unquote(inner) });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^(-?\d+)?\s*:\s*(-?\d+)?$/.test(inner)) {
        const [a, b] = inner.split(':').map((x) => x.trim());
        steps.push({ kind: 'slice', start: a ? Number(a) : undefined, end: b ? Number(b) : undefined });
      } else throw new PathError(`cannot read "[${inner}]" in "${path}": use [n], [a:b], [*] or ['key']`);
    } else if (first && i === (s.startsWith('$') ? 1 : 0)) {
      const m = ident.exec(s.slice(i));
      if (!m) throw new PathError(`cannot read "${path}" at position ${i}`);
      steps.push({ kind: 'key', key: m[0] });
      i += m[0].length;
    } else throw new PathError(`unexpected "${c}" at position ${i} of "${path}"`);
    first = false;
  }
  return steps;
}

function findClose(s: string, open: number): number {
  let quote: string | undefined;
  for (let j = open + 1; j < s.length; j++) {
    const ch = s[j]!;
    if (quote) {
      if (ch === '\\') j++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ']') return j;
  }
  throw new PathError(`unclosed "[" in "${s}"`);
}

function unquote(q: string): string {
  return q.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** A canonical path for a key or index appended to `base`: `$.results[3].body` or `$['odd key']`. */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

interface Match {
  path: string;
  value: unknown;
}

/** Every match of the steps in `root`; `multi` tells whether the selector can yield several. */
export function select(root: unknown, steps: Step[]): { matches: Match[]; multi: boolean } {
  let current: Match[] = [{ path: '$', value: root }];
  let multi = false;
  for (const step of steps) {
    const next: Match[] = [];
    for (const { path, value } of current) {
      if (step.kind === 'key') {
        if (value && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, step.key)) {
          next.push({ path: childPath(path, step.key), value: (value as Record<string, unknown>)[step.key] });
        }
      } else if (step.kind === 'index') {
        if (Array.isArray(value)) {
          const i = step.index < 0 ? value.length + step.index : step.index;
          if (i >= 0 && i < value.length) next.push({ path: childPath(path, i), value: value[i] });
        }
      } else if (step.kind === 'slice') {
        multi = true;
        if (Array.isArray(value)) {
          const n = value.length;
          const norm = (x: number | undefined, d: number) =>
            x === undefined ? d : x < 0 ? Math.max(0, n + x) : Math.min(n, x);
          for (let i = norm(step.start, 0); i < norm(step.end, n); i++)
            next.push({ path: childPath(path, i), value: value[i] });
        }
      } else {
        multi = true;
        if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) next.push({ path: childPath(path, i), value: value[i] });
        } else if (value && typeof value === 'object') {
          for (const [k, v] of Object.entries(value)) next.push({ path: childPath(path, k), value: v });
        }
      }
    }
    current = next;
  }
  return { matches: current, multi };
}

/** Keeps the named fields (dotted for nested: `version.number`) of an object; other values pass unchanged. */
export function pick(value: unknown, fields: readonly string[]): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    let v: unknown = value;
    for (const part of f.split('.')) {
      v = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[part] : undefined;
    }
    if (v !== undefined) out[f] = v;
  }
  return out;
}

export interface ReadOptions {
  path?: string | undefined;
  fields?: readonly string[] | undefined;
  offset?: number | undefined;
  /** Items, keys or characters per answer (the size cap may return fewer). */
  limit?: number | undefined;
  /** Size cap of the page's JSON in characters. */
  maxChars: number;
}

/** A value replaced by its path because it does not fit the answer: read that path to get it. */
export interface Stub {
  truncated: true;
  path: string;
  size_chars: number;
  shape: unknown;
}

const DEFAULT_LIMIT = 100;

/** One page of the selected part of `root`. */
export function readPage(root: unknown, opts: ReadOptions): Record<string, unknown> {
  const path = opts.path?.trim() || '$';
  const { matches, multi } = select(root, parsePath(path));
  const offset = Math.max(0, opts.offset ?? 0);
  if (!multi) {
    const m = matches[0];
    if (!m)
      return { path, found: false, note: `nothing at ${path}; the shape of the whole result is`, shape: shapeOf(root) };
    return pageOf(m.path, m.value, offset, opts);
  }
  // Several matches: page through them as a list, each with its path.
  const values = matches.map((m) => ({ path: m.path, value: opts.fields ? pick(m.value, opts.fields) : m.value }));
  return fitItems(
    path,
    values.map((v) => v.value),
    values.map((v) => v.path),
    offset,
    opts,
    'items',
  );
}

function pageOf(path: string, value: unknown, offset: number, opts: ReadOptions): Record<string, unknown> {
  if (Array.isArray(value)) {
    const items = opts.fields ? value.map((v) => pick(v, opts.fields!)) : value;
    return fitItems(
      path,
      items,
      items.map((_, i) => childPath(path, i)),
      offset,
      opts,
      'items',
    );
  }
  if (typeof value === 'string') {
    const limit = Math.min(opts.limit ?? opts.maxChars, opts.maxChars);
    // JSON escaping can grow a string (quotes, newlines, control characters): shrink until the page fits.
    let n = Math.min(limit, value.length - offset);
    let text = value.slice(offset, offset + n);
    while (n > 1 && JSON.stringify(text).length > opts.maxChars) {
      n = Math.floor(n * 0.8);
      text = value.slice(offset, offset + n);
    }
    const end = offset + Math.max(0, n);
    return {
      path,
      type: 'string',
      total_chars: value.length,
      offset,
      count: text.length,
      next_offset: end < value.length ? end : null,
      text,
    };
  }
  if (value && typeof value === 'object') {
    const obj = opts.fields
      ? (pick(value, opts.fields) as Record<string, unknown>)
      : (value as Record<string, unknown>);
    const json = JSON.stringify(obj);
    if (offset === 0 && json.length <= opts.maxChars && opts.limit === undefined) {
      return { path, type: 'object', value: obj };
    }
    const keys = Object.keys(obj);
    const page = fitItems(
      path,
      keys.map((k) => obj[k]),
      keys.map((k) => childPath(path, k)),
      offset,
      opts,
      'entries',
    );
    const entries: Record<string, unknown> = {};
    (page.entries as unknown[]).forEach((v, i) => {
      entries[keys[offset + i]!] = v;
    });
    page.entries = entries;
    page.total_keys = page.total;
    delete page.total;
    return page;
  }
  return { path, type: value === null ? 'null' : typeof value, value };
}

/** As many of `values` from `offset` as fit the cap (at least one, stubbed if it alone is too large). */
function fitItems(
  path: string,
  values: unknown[],
  paths: string[],
  offset: number,
  opts: ReadOptions,
  label: 'items' | 'entries',
): Record<string, unknown> {
  const limit = Math.max(1, opts.limit ?? DEFAULT_LIMIT);
  const budget = opts.maxChars - 200;
  const out: unknown[] = [];
  let used = 0;
  let i = offset;
  for (; i < values.length && out.length < limit; i++) {
    const v = values[i];
    const json = JSON.stringify(v) ?? 'null';
    if (used + json.length + 1 <= budget) {
      out.push(v);
      used += json.length + 1;
      continue;
    }
    if (out.length > 0) break;
    // Alone too large: its path instead, to be read (and paged) on its own.
    const stub: Stub = { truncated: true, path: paths[i]!, size_chars: json.length, shape: shapeOf(v, 2) };
    out.push(stub);
    used += JSON.stringify(stub).length;
  }
  const result: Record<string, unknown> = {
    path,
    type: label === 'entries' ? 'object' : 'array',
    total: values.length,
    offset,
    count: out.length,
    next_offset: i < values.length ? i : null,
  };
  result[label] = out;
  if (out.some((v) => (v as Stub)?.truncated === true && typeof (v as Stub).path === 'string')) {
    result.note = 'values marked "truncated" are too large for one answer: read their "path" to get them';
  }
  return result;
}
