import type { JsonSchema } from '../toolkits/json-schema.ts';

/**
 * Compact forms of a tool for search results: one line per parameter ("string, required: Space key such as ENG")
 * instead of the full JSON Schema, and the description cut at a sentence. `get_tool_schemas` has the full ones.
 */

/** A schema node as a short type: `string`, `integer`, `"asc"|"desc"`, `string[]`, `object{representation,value}`. */
export function typeOf(node: JsonSchema | undefined, depth = 0): string {
  if (!node) return 'any';
  if (Array.isArray(node.anyOf)) {
    const parts = (node.anyOf as JsonSchema[]).map((b) => typeOf(b, depth)).filter((t) => t !== 'null');
    return [...new Set(parts)].join(' | ') || 'null';
  }
  if (Array.isArray(node.enum)) {
    const values = (node.enum as unknown[]).map((v) => JSON.stringify(v));
    return values.length > 8 ? `${values.slice(0, 8).join('|')}|…` : values.join('|');
  }
  if (node.const !== undefined) return JSON.stringify(node.const);
  const type = node.type as string | undefined;
  if (type === 'array') return `${typeOf(node.items as JsonSchema | undefined, depth + 1)}[]`;
  if (type === 'object') {
    const props = Object.keys((node.properties ?? {}) as object);
    if (props.length === 0 || depth > 0) return 'object';
    return `object{${props.slice(0, 8).join(',')}${props.length > 8 ? ',…' : ''}}`;
  }
  return type ?? 'any';
}

function firstSentence(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  const end = t.search(/[.;](\s|$)/);
  const s = end > 0 ? t.slice(0, end + 1) : t;
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** `{param: "type, required: description"}` with descriptions cut to `descChars` (0: types only). */
export function compactInput(schema: JsonSchema, descChars = 120): Record<string, string> {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const out: Record<string, string> = {};
  for (const [name, node] of Object.entries(props)) {
    let line = typeOf(node);
    if (required.has(name)) line += ', required';
    if (node.default !== undefined) line += `, default ${JSON.stringify(node.default)}`;
    const desc = typeof node.description === 'string' ? node.description : '';
    if (descChars > 0 && desc) line += `: ${firstSentence(desc, descChars)}`;
    out[name] = line;
  }
  return out;
}

/** The description cut after whole sentences within `max` characters. */
export function shortDescription(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('; '));
  return end > max / 3 ? `${cut.slice(0, end + 1)} …` : `${cut.slice(0, max - 1)}…`;
}
