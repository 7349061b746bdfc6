import { z } from 'zod';

export type JsonSchema = { [key: string]: unknown };

/**
 * Converts a zod input schema into the JSON Schema sent in `tools/list`, shaped for the strictest clients
 * (Moonshot/Kimi, see shared clients.md): every node has a single `type` or an `anyOf` whose branches each have
 * one; no `type` beside `anyOf`; no `$ref`; `required` lists only defined properties; enums of one type.
 */
export function toClientSchema(schema: z.ZodType): JsonSchema {
  const raw = z.toJSONSchema(schema, { io: 'input', target: 'draft-7', unrepresentable: 'throw' }) as JsonSchema;
  delete raw.$schema;
  return normalize(raw);
}

const ANY_JSON: JsonSchema[] = [
  { type: 'string' },
  { type: 'number' },
  { type: 'boolean' },
  { type: 'object' },
  { type: 'array' },
];

function normalize(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, JsonSchema>).map(([p, s]) => [p, normalize(s)]));
    } else if ((k === 'items' || k === 'additionalProperties') && v && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = Object.keys(v).length === 0 && k === 'additionalProperties' ? true : normalize(v as JsonSchema);
    } else if ((k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) {
      out.anyOf = (v as JsonSchema[]).map(normalize);
    } else if (k === 'propertyNames') {
      // Record keys are strings anyway; strict validators reject the keyword.
    } else if (k === 'minimum' || k === 'maximum') {
      // zod emits +-MAX_SAFE_INTEGER bounds for every integer; they say nothing and cost schema size.
      if (Math.abs(v as number) < Number.MAX_SAFE_INTEGER) out[k] = v;
    } else {
      out[k] = v;
    }
  }
  if (Array.isArray(out.type)) {
    // `type: ["string","null"]` becomes anyOf branches, each with one type.
    const { type, description, default: dflt, ...rest } = out;
    const branches = (type as string[]).map((t) => (t === 'null' ? { type: 'null' } : { type: t, ...rest }));
    return {
      ...(description ? { description } : {}),
      ...(dflt !== undefined ? { default: dflt } : {}),
      anyOf: branches,
    };
  }
  if (out.type === undefined && out.anyOf === undefined && out.const === undefined && out.enum === undefined) {
    // `unknown` / `any`: spell out "any JSON value" as typed branches.
    return { ...out, anyOf: ANY_JSON };
  }
  if (out.type === undefined && out.const !== undefined) out.type = jsonType(out.const);
  if (out.type === undefined && Array.isArray(out.enum) && out.enum.length > 0) out.type = jsonType(out.enum[0]);
  return out;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Problems that a strict client would reject, as `path: problem` strings; empty when the schema is fine. */
export function strictSchemaProblems(schema: JsonSchema, path = '$'): string[] {
  const problems: string[] = [];
  const visit = (node: unknown, at: string): void => {
    if (node === true || node === false) return;
    if (!node || typeof node !== 'object' || Array.isArray(node)) {
      problems.push(`${at}: schema must be an object`);
      return;
    }
    const n = node as JsonSchema;
    if ('$ref' in n || '$defs' in n || 'definitions' in n) problems.push(`${at}: $ref/$defs are not allowed`);
    const branches = (n.anyOf ?? n.oneOf) as unknown;
    if (branches !== undefined) {
      if ('type' in n) problems.push(`${at}: "type" beside anyOf/oneOf (put it in each branch)`);
      if (!Array.isArray(branches) || branches.length === 0)
        problems.push(`${at}: anyOf/oneOf must be a non-empty array`);
      else for (const [i, b] of branches.entries()) visit(b, `${at}.anyOf[${i}]`);
      return;
    }
    if (typeof n.type !== 'string') {
      problems.push(`${at}: needs a single "type"`);
      return;
    }
    if (Array.isArray(n.enum)) {
      const types = new Set(n.enum.map(jsonType));
      if (types.size > 1) problems.push(`${at}: enum mixes types (${[...types].join(', ')})`);
    }
    if (n.type === 'object') {
      const props = (n.properties ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(props)) visit(v, `${at}.${k}`);
      if (n.required !== undefined) {
        if (!Array.isArray(n.required)) problems.push(`${at}: required must be an array`);
        else for (const r of n.required) if (!(r in props)) problems.push(`${at}: required lists undefined "${r}"`);
      }
      if (n.additionalProperties && typeof n.additionalProperties === 'object') {
        visit(n.additionalProperties, `${at}.additionalProperties`);
      }
    }
    if (n.type === 'array' && n.items !== undefined) visit(n.items, `${at}[]`);
  };
  visit(schema, path);
  return problems;
}
