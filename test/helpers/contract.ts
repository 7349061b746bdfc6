/**
 * Contract check of recorded emulator traffic (`TrafficRecorder` entries) against the upstreams' OpenAPI documents
 * (Atlassian's Confluence v2 and v1, Gong's v2), which stay outside the repo (`../shared/specs/`, test data only).
 * One `ContractValidator` serves both: it is built from a set of documents plus the path prefixes that are API
 * traffic. Each exchange is matched to its operation (server base path + path template; the most literal template
 * wins) and checked for:
 * - path and query parameters: names the operation declares, values of the declared types;
 * - the request body's content type against the operation's declared ones, and a JSON body against its schema
 *   (multipart bodies are recorded as bytes: their parts are not checked, see `#checkRequest`);
 * - the response: a status the operation declares (for 1xx-3xx), and the body against that status's schema.
 *   Error responses (4xx/5xx) without a schema only have to be JSON.
 * The OpenAPI 3.0 schemas become JSON Schema 2019-09 for Ajv: `nullable`, `$ref` to components, `allOf`/`oneOf`/
 * `anyOf`, OpenAPI formats, readOnly/writeOnly in `required`. Objects are CLOSED unless the spec opens them
 * (`additionalProperties`): a field the emulator returns that the spec does not declare is a mismatch (the spec is
 * the contract). Composition is handled with `unevaluatedProperties`, so a field declared by any `allOf` part (or by
 * the matching `oneOf`/`anyOf` branch) counts as declared. Objects that declare no properties at all (`{type:
 * object}`, `{}`) are free-form. Deliberately lenient where Confluence is: array query parameters may be repeated or
 * comma-separated, booleans are case-insensitive, and requests the emulator answered 400 are not checked (a test
 * sending a bad request on purpose).
 *
 * The `url` format is any absolute http(s) URL (the emulators serve on loopback addresses, which ajv-formats' own
 * `url` refuses).
 *
 * Gong's document (`loadGongContract`) gets a few documented supplements where it is silent, says things in prose
 * only or contradicts itself (`withGongSupplements`): a hand-written operation for
 * `GET /v2/calls/manual-crm-associations`, which the document lacks; the query parameters of the CRM upload; Java
 * `Object` values (`{type: object}`) as any value; null for CRM objects not found; one-string comma-list enums.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import type { TrafficExchange } from '../../src/emulators/framework.ts';

/** Where the shared specs live: the repo's parent folder, `shared/specs/`. */
export const SPECS_DIR = new URL('../../../shared/specs/', import.meta.url);
export const CONFLUENCE_SPEC_FILES = ['confluence-v2.openapi.json', 'confluence-v1.openapi.json'] as const;
export const GONG_SPEC_FILE = 'gong-v2.openapi.json';
/** Paths of the Confluence API (site-relative), the only recorded traffic the Confluence documents describe. */
export const CONFLUENCE_API_PREFIXES = ['/wiki/api/v2/', '/wiki/rest/api/'] as const;
/**
 * Gong's document has a placeholder server without a path (`https://127.0.0.1:8443`) and paths that start with
 * `/v2/`: recorded Gong paths are relative to the API base (`/v2/calls/123`), whichever base the request came to.
 */
export const GONG_API_PREFIXES = ['/v2/'] as const;

export interface ContractMismatch {
  /** `GET /wiki/api/v2/pages/{id} (getPageById)`; `(no operation)` when nothing in the spec matches. */
  operation: string;
  method: string;
  /** Site path template (`/wiki/api/v2/pages/{id}`); the request path when no operation matched. */
  pathTemplate: string;
  operationId: string;
  /** `response.results[0].version.number`, `query.limit`, `path.id`, `requestBody.title`, `status`, … */
  field: string;
  message: string;
  /** The exchange: `GET /wiki/api/v2/pages/123?body-format=storage → 200`. */
  request: string;
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;

type Direction = 'request' | 'response';

interface ParamDef {
  name: string;
  in: string;
  required: boolean;
  schema: Obj;
}

interface Operation {
  doc: SpecDoc;
  method: string;
  template: string;
  operationId: string;
  /** The operation is not in the upstream's document: a schema written here (`x-switchboard-hand-written`). */
  handWritten: boolean;
  segments: string[];
  params: ParamDef[];
  requestBody: Obj | undefined;
  responses: Obj;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const COPIED = [
  'type',
  'format',
  'enum',
  'const',
  'pattern',
  'minimum',
  'maximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
];

/** One OpenAPI document and its conversion to JSON Schema. */
class SpecDoc {
  readonly name: string;
  readonly raw: Obj;
  /** Path of the first server URL (`/wiki/api/v2`; '' for v1, whose paths carry `/wiki/rest/api`). */
  readonly basePath: string;
  readonly operations: Operation[] = [];
  readonly #schemas: Obj;
  readonly #openness = new Map<string, Openness>();
  /** Component refs being inlined by `mergeAllOf` (a cycle keeps the `$ref`). */
  readonly #inlining: string[] = [];

  constructor(name: string, raw: Obj) {
    this.name = name;
    this.raw = raw;
    const components = asObj(raw.components) ?? {};
    this.#schemas = asObj(components.schemas) ?? {};
    const server = asObj((raw.servers as unknown[] | undefined)?.[0])?.url;
    this.basePath = typeof server === 'string' ? serverPath(server) : '';
    for (const [path, item] of Object.entries(asObj(raw.paths) ?? {})) {
      const pathItem = asObj(item) ?? {};
      const shared = ((pathItem.parameters as unknown[]) ?? []).map((p) => this.param(p));
      for (const method of METHODS) {
        const op = asObj(pathItem[method]);
        if (!op) continue;
        const own = ((op.parameters as unknown[]) ?? []).map((p) => this.param(p));
        const params = [...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)), ...own];
        const template = `${this.basePath}${path}`;
        this.operations.push({
          doc: this,
          method: method.toUpperCase(),
          template,
          operationId: typeof op.operationId === 'string' ? op.operationId : '(no operationId)',
          handWritten: op['x-switchboard-hand-written'] === true,
          segments: template.split('/'),
          params,
          requestBody: op.requestBody === undefined ? undefined : this.resolve(op.requestBody),
          responses: asObj(op.responses) ?? {},
        });
      }
    }
  }

  /** Follows `$ref`s to components (schemas, parameters, requestBodies, responses). */
  resolve(value: unknown): Obj {
    let cur = asObj(value) ?? {};
    const seen = new Set<string>();
    while (typeof cur.$ref === 'string') {
      const ref = cur.$ref;
      if (seen.has(ref)) throw new Error(`${this.name}: circular $ref ${ref}`);
      seen.add(ref);
      const m = /^#\/components\/([^/]+)\/(.+)$/.exec(ref);
      const next = m ? asObj(asObj(asObj(this.raw.components)?.[m[1]!])?.[m[2]!]) : undefined;
      if (!next) throw new Error(`${this.name}: unresolved $ref ${ref}`);
      cur = next;
    }
    return cur;
  }

  param(value: unknown): ParamDef {
    const p = this.resolve(value);
    return {
      name: String(p.name),
      in: String(p.in),
      required: p.required === true,
      schema: asObj(p.schema) ?? {},
    };
  }

  defsId(direction: Direction): string {
    return `urn:switchboard:${this.name}:${direction}`;
  }

  /** The `$defs` document of one direction: every component schema, converted. */
  defsDocument(direction: Direction): Obj {
    const $defs: Obj = {};
    for (const [name, schema] of Object.entries(this.#schemas))
      $defs[name] = this.convert(asObj(schema) ?? {}, direction);
    return { $id: this.defsId(direction), $defs };
  }

  /**
   * Whether a schema is an object whose fields the spec enumerates ('closed': undeclared fields are mismatches),
   * one the spec opens (`additionalProperties`), or neither (scalars, free-form objects, `{}`).
   */
  openness(schema: Obj, seen: Set<string> = new Set()): Openness {
    if (typeof schema.$ref === 'string') {
      const ref = schema.$ref;
      const cached = this.#openness.get(ref);
      if (cached) return cached;
      if (seen.has(ref)) return 'none';
      seen.add(ref);
      const result = this.openness(this.resolve(schema), seen);
      this.#openness.set(ref, result);
      return result;
    }
    const ap = schema.additionalProperties;
    if (ap === true || asObj(ap)) return 'open';
    if (ap === false) return 'none';
    let result: Openness = asObj(schema.properties) ? 'closed' : 'none';
    // oneOf/anyOf branches are whole alternatives (the specs never mix them with properties): each branch is closed
    // on its own (see `convert`), so only allOf parts make the enclosing object closed or open.
    for (const member of (schema.allOf as unknown[] | undefined) ?? []) {
      const o = this.openness(asObj(member) ?? {}, seen);
      if (o === 'open') return 'open';
      if (o === 'closed') result = 'closed';
    }
    return result;
  }

  /** A schema where a value sits (root, property, item, additionalProperties): closed objects are enforced here. */
  valueSchema(schema: Obj, direction: Direction): Obj {
    const converted = this.convert(schema, direction);
    return this.openness(schema) === 'closed' ? { allOf: [converted], unevaluatedProperties: false } : converted;
  }

  /** Do several parts of this allOf declare the same property (only then are they merged)? */
  #needsMerge(schema: Obj): boolean {
    const seen = new Set<string>();
    const parts = [schema, ...((schema.allOf as unknown[]) ?? []).map((m) => this.resolve(m))];
    for (const part of parts) {
      const names = Object.keys(asObj(part.properties) ?? {});
      if (part !== schema && Array.isArray(part.allOf) && this.#needsMerge(part)) return true;
      for (const n of names) {
        if (seen.has(n)) return true;
        seen.add(n);
      }
    }
    return false;
  }

  /**
   * One schema for an `allOf`: the parts' properties merged (a property declared by several parts becomes the allOf
   * of its declarations, merged in turn when converted), `required` united, the first value of other keywords kept.
   * Without this, a nested object declared by two parts (`_links` by the entity and by the "single" response) would
   * be closed twice, each time refusing the other part's fields.
   */
  mergeAllOf(schema: Obj): Obj {
    const { allOf, ...own } = schema;
    const members = ((allOf as unknown[]) ?? []).map((m) => {
      const r = this.resolve(m);
      return Array.isArray(r.allOf) ? this.mergeAllOf(r) : r;
    });
    const merged: Obj = {};
    const properties: Obj = {};
    const required = new Set<string>();
    const rest: Obj[] = [];
    for (const part of [own, ...members]) {
      for (const [k, v] of Object.entries(part)) {
        if (k === 'properties') {
          for (const [name, decl] of Object.entries(asObj(v) ?? {})) {
            properties[name] = properties[name] === undefined ? decl : { allOf: [properties[name], decl] };
          }
        } else if (k === 'required' && Array.isArray(v)) {
          for (const r of v) required.add(String(r));
        } else if (k === 'oneOf' || k === 'anyOf' || k === 'not') {
          rest.push({ [k]: v });
        } else if (k === 'additionalProperties') {
          if (merged.additionalProperties === undefined || v === true || asObj(v)) merged.additionalProperties = v;
        } else if (k !== 'nullable' && merged[k] === undefined) {
          merged[k] = v;
        }
      }
    }
    if (Object.keys(properties).length > 0) merged.properties = properties;
    if (required.size > 0) merged.required = [...required];
    if (rest.length === 1) Object.assign(merged, rest[0]);
    else if (rest.length > 1) merged.allOf = rest;
    if (own.nullable === true || (members.length > 0 && members.every((m) => m.nullable === true))) {
      merged.nullable = true;
    }
    return merged;
  }

  /** OpenAPI 3.0 Schema Object → JSON Schema 2019-09 (annotations and extensions dropped). */
  convert(schema: Obj, direction: Direction, merged = false): Obj {
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.replace(/^#\/components\/schemas\//, '');
      return { $ref: `${this.defsId(direction)}#/$defs/${encodeURIComponent(name)}` };
    }
    if (!merged && Array.isArray(schema.allOf) && this.#needsMerge(schema)) {
      const refs = (schema.allOf as unknown[]).map((m) => asObj(m)?.$ref).filter((r) => typeof r === 'string');
      if (!refs.some((r) => this.#inlining.includes(r as string))) {
        this.#inlining.push(...(refs as string[]));
        try {
          return this.convert(this.mergeAllOf(schema), direction, true);
        } finally {
          this.#inlining.length -= refs.length;
        }
      }
    }
    const out: Obj = {};
    for (const k of COPIED) if (schema[k] !== undefined) out[k] = schema[k];
    if (schema.exclusiveMinimum === true && typeof schema.minimum === 'number') {
      out.exclusiveMinimum = schema.minimum;
      delete out.minimum;
    }
    if (schema.exclusiveMaximum === true && typeof schema.maximum === 'number') {
      out.exclusiveMaximum = schema.maximum;
      delete out.maximum;
    }
    const props = asObj(schema.properties);
    if (props) {
      const converted: Obj = {};
      for (const [k, v] of Object.entries(props)) converted[k] = this.valueSchema(asObj(v) ?? {}, direction);
      out.properties = converted;
    }
    if (Array.isArray(schema.required)) {
      // readOnly fields are not sent, writeOnly fields are not returned: neither is required that way.
      const skip = direction === 'request' ? 'readOnly' : 'writeOnly';
      out.required = (schema.required as string[]).filter((k) => {
        const p = props?.[k];
        return !(p && this.resolve(p)[skip] === true);
      });
    }
    if (schema.items !== undefined) out.items = this.valueSchema(asObj(schema.items) ?? {}, direction);
    const ap = schema.additionalProperties;
    if (typeof ap === 'boolean') out.additionalProperties = ap;
    else if (asObj(ap)) out.additionalProperties = this.valueSchema(ap as Obj, direction);
    // Left-over allOf parts (oneOf/anyOf groups of merged parts) stay open; oneOf/anyOf branches are closed each.
    if (Array.isArray(schema.allOf)) out.allOf = schema.allOf.map((m) => this.convert(asObj(m) ?? {}, direction));
    for (const key of ['anyOf', 'oneOf']) {
      const members = schema[key];
      if (Array.isArray(members)) out[key] = members.map((m) => this.valueSchema(asObj(m) ?? {}, direction));
    }
    if (schema.not !== undefined) out.not = this.convert(asObj(schema.not) ?? {}, direction);
    if (schema.nullable === true) {
      const simple = typeof out.type === 'string' && !out.allOf && !out.anyOf && !out.oneOf;
      if (!simple) return { anyOf: [out, { type: 'null' }] };
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    }
    return out;
  }

  /** The type a parameter or item schema declares (after `$ref`s). */
  typeOf(schema: Obj): string | undefined {
    const t = this.resolve(schema).type;
    return typeof t === 'string' ? t : undefined;
  }
}

type Openness = 'open' | 'closed' | 'none';

function serverPath(url: string): string {
  const withoutVars = url.replace(/\{[^}]+\}/g, 'x');
  try {
    return new URL(withoutVars, 'https://base.invalid').pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

const describeOp = (op: Operation) =>
  `${op.method} ${op.template} (${op.operationId}${op.handWritten ? ', hand-written schema' : ''})`;

/** `multipart/form-data` of `multipart/form-data; boundary=x` (lower case); null without a type. */
function mediaType(contentType: string | null | undefined): string | null {
  const t = contentType?.split(';')[0]?.trim().toLowerCase();
  return t || null;
}

/** Does a declared content type (`application/json`, `image/*`, `*\/*`) cover the sent one? */
function coversType(declared: string, sent: string): boolean {
  const d = mediaType(declared) ?? '';
  if (d === '*/*' || d === sent) return true;
  return d.endsWith('/*') && sent.startsWith(d.slice(0, -1));
}

function fieldOf(prefix: string, instancePath: string, extra?: string): string {
  let out = prefix;
  for (const raw of instancePath.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`;
  }
  if (extra !== undefined) out += `.${extra}`;
  return out;
}

/** Ajv errors as (field, message) pairs, without the noise of `nullable` branches and composition summaries. */
function describeErrors(errors: readonly ErrorObject[], prefix: string, direction: Direction) {
  const meaningful = errors.filter((e) => !(e.keyword === 'type' && (e.params as { type?: unknown }).type === 'null'));
  const out: { field: string; message: string }[] = [];
  for (const e of meaningful) {
    const params = e.params as Record<string, unknown>;
    if (
      (e.keyword === 'anyOf' || e.keyword === 'oneOf') &&
      meaningful.some((o) => o !== e && o.instancePath.startsWith(e.instancePath) && o.keyword !== e.keyword)
    ) {
      continue;
    }
    const undeclared = direction === 'response' ? 'returned but not declared in the spec' : 'sent but not declared';
    if (e.keyword === 'unevaluatedProperties') {
      out.push({ field: fieldOf(prefix, e.instancePath, String(params.unevaluatedProperty)), message: undeclared });
    } else if (e.keyword === 'additionalProperties') {
      out.push({ field: fieldOf(prefix, e.instancePath, String(params.additionalProperty)), message: undeclared });
    } else if (e.keyword === 'required') {
      out.push({
        field: fieldOf(prefix, e.instancePath, String(params.missingProperty)),
        message: 'required by the spec but missing',
      });
    } else if (e.keyword === 'enum') {
      out.push({
        field: fieldOf(prefix, e.instancePath),
        message: `must be one of ${JSON.stringify(params.allowedValues)}`,
      });
    } else {
      out.push({ field: fieldOf(prefix, e.instancePath), message: e.message ?? e.keyword });
    }
  }
  const seen = new Set<string>();
  return out
    .filter((x) => {
      const k = `${x.field}\n${x.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

function requestLine(x: TrafficExchange): string {
  const q = new URLSearchParams();
  for (const [k, values] of Object.entries(x.query)) for (const v of values) q.append(k, v);
  const qs = q.toString();
  return `${x.method} ${x.path}${qs ? `?${qs}` : ''} → ${x.status}`;
}

export interface ContractValidatorOptions {
  /**
   * Recorded paths that are API traffic the documents describe (others, such as OAuth endpoints, are skipped).
   * Default: the Confluence ones.
   */
  apiPrefixes?: readonly string[];
}

/** Validates exchanges against a set of OpenAPI documents (the Confluence pair, or Gong's). */
export class ContractValidator {
  readonly docs: readonly SpecDoc[];
  readonly apiPrefixes: readonly string[];
  readonly #ajv: InstanceType<typeof Ajv2019>;
  readonly #byBucket = new Map<string, Operation[]>();
  readonly #compiled = new Map<string, ValidateFunction>();
  readonly #compiledBranches = new WeakMap<Obj, ValidateFunction>();

  constructor(docs: { name: string; spec: unknown }[], opts: ContractValidatorOptions = {}) {
    this.docs = docs.map((d) => new SpecDoc(d.name, asObj(d.spec) ?? {}));
    this.apiPrefixes = opts.apiPrefixes ?? CONFLUENCE_API_PREFIXES;
    this.#ajv = new Ajv2019({ allErrors: true, verbose: true, strict: false, validateFormats: true });
    addFormatsModule.default(this.#ajv);
    // ajv-formats' `url` is a public-internet pattern: it refuses loopback and private addresses and hosts without a
    // dot, where the emulators serve (Gong's media URLs point at the emulator, e.g. http://127.0.0.1:port/...). An
    // absolute http(s) URL is what the documents mean.
    this.#ajv.addFormat('url', (v: string) => /^https?:\/\//i.test(v) && URL.canParse(v));
    for (const format of this.#formatsUsed()) {
      if (!this.#ajv.formats[format]) this.#ajv.addFormat(format, true);
    }
    for (const doc of this.docs) {
      this.#ajv.addSchema(doc.defsDocument('request'));
      this.#ajv.addSchema(doc.defsDocument('response'));
      for (const op of doc.operations) {
        const key = `${op.method} ${op.segments.length}`;
        const list = this.#byBucket.get(key) ?? [];
        list.push(op);
        this.#byBucket.set(key, list);
      }
    }
  }

  #formatsUsed(): Set<string> {
    const found = new Set<string>();
    const walk = (v: unknown) => {
      if (Array.isArray(v)) for (const x of v) walk(x);
      else if (v && typeof v === 'object') {
        const o = v as Obj;
        if (typeof o.format === 'string') found.add(o.format);
        for (const x of Object.values(o)) walk(x);
      }
    };
    for (const doc of this.docs) walk(doc.raw);
    return found;
  }

  /** The operation a request is for: same method and segment count, the most literal template winning. */
  match(method: string, path: string): { op: Operation; pathParams: Record<string, string> } | undefined {
    const parts = path.split('/');
    let best: Operation | undefined;
    let bestRank = '';
    for (const op of this.#byBucket.get(`${method.toUpperCase()} ${parts.length}`) ?? []) {
      let rank = '';
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const t = op.segments[i]!;
        if (t.startsWith('{') && t.endsWith('}')) {
          ok = parts[i] !== '';
          rank += '0';
        } else {
          ok = t === parts[i];
          rank += '1';
        }
      }
      if (ok && rank > bestRank) {
        best = op;
        bestRank = rank;
      }
    }
    if (!best) return undefined;
    const pathParams: Record<string, string> = {};
    best.segments.forEach((t, i) => {
      if (t.startsWith('{') && t.endsWith('}')) {
        const raw = parts[i] ?? '';
        let value = raw;
        try {
          value = decodeURIComponent(raw);
        } catch {}
        pathParams[t.slice(1, -1)] = value;
      }
    });
    return { op: best, pathParams };
  }

  #validator(key: string | Obj, schema: () => Obj): ValidateFunction {
    let v = typeof key === 'string' ? this.#compiled.get(key) : this.#compiledBranches.get(key);
    if (!v) {
      v = this.#ajv.compile(schema());
      if (typeof key === 'string') this.#compiled.set(key, v);
      else this.#compiledBranches.set(key, v);
    }
    return v;
  }

  /**
   * For a failed oneOf/anyOf, Ajv reports the errors of every branch (and those inside `$ref`s without saying which
   * branch they came from). Each branch is validated again on its own and only the closest one's errors are kept
   * (fewest; on a tie, the one that got deepest into the value): that is the shape the value was meant to have.
   */
  #explain(errors: readonly ErrorObject[], depth = 0): ErrorObject[] {
    let out = [...errors];
    const summaries = errors
      .filter((e) => (e.keyword === 'oneOf' || e.keyword === 'anyOf') && Array.isArray(e.schema))
      .sort((a, b) => a.instancePath.length - b.instancePath.length);
    for (const summary of summaries) {
      if (!out.includes(summary) || depth > 8) continue;
      const at = summary.instancePath;
      const results = (summary.schema as Obj[]).map((branch) => {
        const validate = this.#validator(branch, () => branch);
        return validate(summary.data) ? [] : this.#explain(validate.errors ?? [], depth + 1);
      });
      const under = (e: ErrorObject) => e !== summary && (e.instancePath === at || e.instancePath.startsWith(`${at}/`));
      out = out.filter((e) => !under(e));
      // Several branches match (oneOf): the summary says so. Otherwise the closest branch explains the failure.
      if (results.some((r) => r.length === 0)) continue;
      const deepest = (list: ErrorObject[]) => Math.max(...list.map((e) => e.instancePath.split('/').length));
      const best = results.reduce((a, b) =>
        b.length < a.length || (b.length === a.length && deepest(b) > deepest(a)) ? b : a,
      );
      out = out.filter((e) => e !== summary);
      out.push(...best.map((e) => ({ ...e, instancePath: `${at}${e.instancePath}` })));
    }
    return out;
  }

  /** Every mismatch of these exchanges, in order. */
  validate(exchanges: readonly TrafficExchange[]): ContractMismatch[] {
    return exchanges.flatMap((x) => this.validateExchange(x));
  }

  validateExchange(x: TrafficExchange): ContractMismatch[] {
    const method = x.method.toUpperCase();
    if (method === 'OPTIONS') return [];
    const isApi = this.apiPrefixes.some((p) => x.path.startsWith(p) || `${x.path}/` === p);
    if (!isApi) return [];
    const request = requestLine(x);
    const found = this.match(method === 'HEAD' ? 'GET' : method, x.path);
    if (!found) {
      const otherMethods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter((m) => this.match(m, x.path));
      return [
        {
          operation: '(no operation)',
          method,
          pathTemplate: x.path,
          operationId: '',
          field: 'path',
          message: otherMethods.length
            ? `the spec has no ${method} here (only ${otherMethods.join(', ')})`
            : 'no operation of the spec matches this path',
          request,
        },
      ];
    }
    const { op, pathParams } = found;
    const out: ContractMismatch[] = [];
    const add = (field: string, message: string) =>
      out.push({
        operation: describeOp(op),
        method: op.method,
        pathTemplate: op.template,
        operationId: op.operationId,
        field,
        message,
        request,
      });
    // A request the emulator refused as invalid was meant to be invalid (or the test checks the refusal).
    if (x.status !== 400) this.#checkRequest(op, x, pathParams, add);
    // A HEAD answer has no body to check.
    if (method !== 'HEAD') this.#checkResponse(op, x, add);
    return out;
  }

  #checkParam(op: Operation, p: ParamDef, values: string[], add: (f: string, m: string) => void) {
    const field = `${p.in}.${p.name}`;
    const doc = op.doc;
    const isArray = doc.typeOf(p.schema) === 'array';
    let value: unknown;
    if (isArray) {
      const itemSchema = asObj(doc.resolve(p.schema).items) ?? {};
      const itemType = doc.typeOf(itemSchema);
      value = values
        .flatMap((v) => v.split(','))
        .filter((v) => v !== '')
        .map((v) => coerce(v, itemType));
    } else {
      if (values.length > 1) {
        add(field, `given ${values.length} times; the spec declares one value`);
        return;
      }
      value = coerce(values[0] ?? '', doc.typeOf(p.schema));
    }
    const validate = this.#validator(`${doc.name} ${op.method} ${op.template} param ${p.in} ${p.name}`, () =>
      doc.valueSchema(p.schema, 'request'),
    );
    if (!validate(value)) {
      for (const e of describeErrors(this.#explain(validate.errors ?? []), field, 'request')) {
        add(e.field, `${e.message} (got ${JSON.stringify(values.length === 1 ? values[0] : values)})`);
      }
    }
  }

  #checkRequest(
    op: Operation,
    x: TrafficExchange,
    pathParams: Record<string, string>,
    add: (field: string, message: string) => void,
  ) {
    for (const p of op.params.filter((p) => p.in === 'path')) {
      const v = pathParams[p.name];
      if (v === undefined) add(`path.${p.name}`, 'declared by the spec but not in the template');
      else this.#checkParam(op, p, [v], add);
    }
    const queryParams = op.params.filter((p) => p.in === 'query');
    for (const [name, values] of Object.entries(x.query)) {
      const p = queryParams.find((q) => q.name === name);
      if (!p) {
        add(
          `query.${name}`,
          `not a parameter of this operation (it has: ${queryParams.map((q) => q.name).join(', ') || 'none'})`,
        );
        continue;
      }
      this.#checkParam(op, p, values, add);
    }
    for (const p of queryParams) if (p.required && !(p.name in x.query)) add(`query.${p.name}`, 'required but missing');

    const body = op.requestBody;
    if (x.requestBodyKind === 'none') {
      if (body?.required === true) add('requestBody', 'the spec requires a request body; none was sent');
      return;
    }
    if (!body) {
      add('requestBody', `the operation takes no request body; one was sent (${x.requestContentType ?? 'no type'})`);
      return;
    }
    const content = asObj(body.content) ?? {};
    const declaredTypes = Object.keys(content);
    // The recorder parses a body as JSON only under a JSON content type: a `json` body without one (a hand-made
    // exchange) counts as application/json.
    const sentType = mediaType(x.requestContentType) ?? (x.requestBodyKind === 'json' ? 'application/json' : null);
    if (declaredTypes.length > 0 && !declaredTypes.some((t) => sentType !== null && coversType(t, sentType))) {
      add('requestBody', `sent as ${sentType ?? 'no content type'}; the operation takes ${declaredTypes.join(', ')}`);
      return;
    }
    // Multipart bodies (Gong's media upload `PUT /v2/calls/{id}/media`, CRM upload `POST /v2/crm/entities`,
    // Confluence attachments) are recorded as bytes: only their content type is checked here, not the parts (names
    // such as `mediaFile`/`dataFile`, file types) nor a file's contents (the LDJSON lines of a CRM upload are
    // described in prose only). The emulators refuse a missing or misnamed part with 400.
    const jsonType = declaredTypes.find((t) => /json/i.test(t));
    if (x.requestBodyKind === 'json' || (x.requestBodyKind === 'text' && /json/i.test(x.requestContentType ?? ''))) {
      if (!jsonType) {
        add('requestBody', `JSON was sent; the operation takes ${Object.keys(content).join(', ') || 'no body'}`);
        return;
      }
      if (x.requestBodyKind === 'text') {
        add('requestBody', 'declared as JSON but does not parse');
        return;
      }
      const schema = asObj(asObj(content[jsonType])?.schema);
      if (!schema) return;
      const validate = this.#validator(`${op.doc.name} ${op.method} ${op.template} requestBody`, () =>
        op.doc.valueSchema(schema, 'request'),
      );
      if (!validate(x.requestBody)) {
        for (const e of describeErrors(this.#explain(validate.errors ?? []), 'requestBody', 'request'))
          add(e.field, e.message);
      }
    }
  }

  #checkResponse(op: Operation, x: TrafficExchange, add: (field: string, message: string) => void) {
    const status = String(x.status);
    const declared = op.responses[status] ?? op.responses[`${status[0]}XX`] ?? op.responses.default;
    const isError = x.status >= 400;
    const notJson = x.responseBodyKind === 'binary' || x.responseBodyKind === 'text';
    if (declared === undefined) {
      if (!isError) {
        add(
          'status',
          `${x.status} is not a response of this operation (it declares ${Object.keys(op.responses).join(', ')})`,
        );
      } else if (notJson) {
        add('response', `the error body is not JSON (${x.responseHeaders['content-type'] ?? 'no content type'})`);
      }
      return;
    }
    const content = asObj(op.doc.resolve(declared).content) ?? {};
    const types = Object.keys(content);
    const jsonType =
      types.find((t) => /json/i.test(t)) ??
      types.find((t) => t === '*/*' && asObj(asObj(content[t])?.schema) && x.responseBodyKind === 'json');
    const schema = jsonType ? asObj(asObj(content[jsonType])?.schema) : undefined;
    if (!schema) {
      if (isError) {
        if (notJson) add('response', `the error body is not JSON (${x.responseHeaders['content-type'] ?? 'no type'})`);
      } else if (types.length === 0 && x.responseBodyKind !== 'none') {
        add('response', `the spec declares no body for ${x.status}; one was returned`);
      }
      return;
    }
    if (x.responseBodyKind !== 'json') {
      add(
        'response',
        x.responseBodyKind === 'none'
          ? `empty; the spec declares a JSON body for ${x.status}`
          : `not JSON (${x.responseHeaders['content-type'] ?? 'no content type'}); the spec declares ${jsonType}`,
      );
      return;
    }
    const validate = this.#validator(`${op.doc.name} ${op.method} ${op.template} response ${status}`, () =>
      op.doc.valueSchema(schema, 'response'),
    );
    if (!validate(x.responseBody)) {
      for (const e of describeErrors(this.#explain(validate.errors ?? []), 'response', 'response'))
        add(e.field, e.message);
    }
  }
}

/** A query or path value typed as its schema says, when it parses (else left a string for Ajv to refuse). */
function coerce(raw: string, type: string | undefined): unknown {
  if (type === 'integer' && /^-?\d+$/.test(raw)) return Number(raw);
  if (type === 'number' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  if (type === 'boolean') {
    const v = raw.toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
  }
  return raw;
}

const cached = new Map<string, ContractValidator | undefined>();

/**
 * A validator of the spec files in `dir`, built once per process and kind, or `undefined` (with a notice on stderr
 * naming the missing paths) when any is not there.
 */
function loadContract(
  kind: string,
  files: readonly string[],
  dir: URL,
  build: (specs: { name: string; spec: unknown }[]) => ContractValidator,
): ContractValidator | undefined {
  const key = `${kind} ${dir.href}`;
  if (cached.has(key)) return cached.get(key);
  const paths = files.map((f) => fileURLToPath(new URL(f, dir)));
  const missing = paths.filter((p) => !existsSync(p));
  let validator: ContractValidator | undefined;
  if (missing.length > 0) {
    process.stderr.write(`${kind} contract check skipped: ${missing.join(', ')} not found\n`);
  } else {
    validator = build(
      paths.map((p, i) => ({
        name: files[i]!.replace('.openapi.json', ''),
        spec: JSON.parse(readFileSync(p, 'utf8')),
      })),
    );
  }
  cached.set(key, validator);
  return validator;
}

/**
 * The validator of the Confluence v2 and v1 documents, or `undefined` (with a notice on stderr naming the path)
 * when they are not there. Loaded once per process.
 */
export function loadConfluenceContract(dir: URL = SPECS_DIR): ContractValidator | undefined {
  return loadContract(
    'Confluence',
    CONFLUENCE_SPEC_FILES,
    dir,
    (specs) => new ContractValidator(specs, { apiPrefixes: CONFLUENCE_API_PREFIXES }),
  );
}

/**
 * The validator of Gong's v2 document (with `GONG_SUPPLEMENTS`), or `undefined` (with a notice on stderr naming the
 * path) when it is not there. Loaded once per process.
 */
export function loadGongContract(dir: URL = SPECS_DIR): ContractValidator | undefined {
  return loadContract(
    'Gong',
    [GONG_SPEC_FILE],
    dir,
    (specs) =>
      new ContractValidator(
        specs.map((s) => ({ name: s.name, spec: withGongSupplements(s.spec) })),
        { apiPrefixes: GONG_API_PREFIXES },
      ),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Gong supplements

const gongError = { content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } };

/**
 * HAND-WRITTEN, not from Gong's saved document (which lacks the operation): "Retrieve manual CRM call associations",
 * `GET /v2/calls/manual-crm-associations`, as /work/shared/reference/upstream-apis.md §1.6 describes it (from Gong's
 * 2023 document, through the generated client ksindi/gong-client: ManualAssociationResponse,
 * ManualAssociationsBasicData, AssociationObject). Ids are strings there; `created` is a date-time like every other
 * timestamp of Gong's responses. Errors as the document's other list operations (ErrorResponse; 404 when none).
 */
export const GONG_MANUAL_CRM_ASSOCIATIONS_OPERATION = {
  operationId: 'listCrmCallsManualAssociation',
  summary: 'Retrieve manual CRM call associations (/v2/calls/manual-crm-associations)',
  'x-switchboard-hand-written': true,
  parameters: [
    { name: 'fromDateTime', in: 'query', required: false, schema: { type: 'string' } },
    { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
  ],
  responses: {
    '200': {
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              requestId: { type: 'string' },
              records: { $ref: '#/components/schemas/Records' },
              associations: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    callId: { type: 'string' },
                    userId: { type: 'string' },
                    created: { type: 'string', format: 'date-time' },
                    associatedCrmObjects: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: { accountCrmId: { type: 'string' }, dealCrmId: { type: 'string' } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    '400': gongError,
    '401': gongError,
    '404': gongError,
    '429': gongError,
    '500': gongError,
  },
} as const;

/**
 * Where Gong's document is silent, says it in prose only or contradicts itself, these supplements (applied to a
 * copy; the file is never changed) make the check follow Gong's own words rather than skip:
 * - `GET /v2/calls/manual-crm-associations`: missing; `GONG_MANUAL_CRM_ASSOCIATIONS_OPERATION` (hand-written).
 * - `POST /v2/crm/entities` (uploadCrmData) declares no `parameters`; its description's "Query String parameters"
 *   table names integrationId* (long), objectType* (ACCOUNT, CONTACT, DEAL, LEAD, BUSINESS_USER, STAGE) and
 *   clientRequestId* (letters, numbers, dashes and underscores). Its multipart `dataFile` is declared.
 * - Values typed `{type: object}` with nothing else (no properties, additionalProperties or items) are how Gong's
 *   generator renders a Java `Object`, i.e. any JSON value: CRM context field values (the document's own example is
 *   the string "Gong Inc."), the fields of a log record (`callId`, `playedFromSec`, …) and of a CRM object. They
 *   accept any value here.
 * - `GET /v2/crm/entities` (getCrmObjects): "If the object is not found, the JSON's value is null" (its
 *   description), so the values of `crmObjectsMap` are nullable.
 * - An enum of one value that is a comma-separated list (`["number, string, url, date"]` for a content property's
 *   `dataType`, `["Windows, Linux, MacOS, iOS, Android"]` for `agentPlatform`) is that list.
 *
 * Not validated: the body of `GET /v2/crm/entities`. Its `objectsCrmIds` parameter "should be sent in the request
 * body" (the description), and the gateway sends the ids both as that declared query parameter (checked) and as a
 * JSON array body; but a GET body never reaches the emulator's handlers (a Fetch `Request` has none), so it is not
 * recorded.
 */
export function withGongSupplements(spec: unknown): unknown {
  const copy = structuredClone(spec) as Obj;
  anyForJavaObjects(copy);
  const paths = (asObj(copy.paths) ?? {}) as Record<string, Obj>;
  copy.paths = paths;
  if (!paths['/v2/calls/manual-crm-associations']?.get) {
    paths['/v2/calls/manual-crm-associations'] = {
      ...paths['/v2/calls/manual-crm-associations'],
      get: structuredClone(GONG_MANUAL_CRM_ASSOCIATIONS_OPERATION) as unknown as Obj,
    };
  }
  const upload = asObj(paths['/v2/crm/entities']?.post);
  if (upload && !Array.isArray(upload.parameters)) {
    upload.parameters = [
      { name: 'integrationId', in: 'query', required: true, schema: { type: 'integer', format: 'int64' } },
      {
        name: 'objectType',
        in: 'query',
        required: true,
        schema: { type: 'string', enum: ['ACCOUNT', 'CONTACT', 'DEAL', 'LEAD', 'BUSINESS_USER', 'STAGE'] },
      },
      { name: 'clientRequestId', in: 'query', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' } },
    ];
  }
  const crmObjects = asObj(asObj(asObj(copy.components)?.schemas)?.GetGenericCrmObjectsResponse);
  const crmObject = asObj(asObj(asObj(crmObjects?.properties)?.crmObjectsMap)?.additionalProperties);
  if (crmObject) crmObject.nullable = true;
  return copy;
}

/** `{type: object}` values with nothing else (Java `Object`) become `{}`; one-value comma-list enums are split. */
function anyForJavaObjects(node: unknown): void {
  if (Array.isArray(node)) {
    for (const x of node) anyForJavaObjects(x);
    return;
  }
  const o = asObj(node);
  if (!o) return;
  for (const key of ['properties', 'additionalProperties', 'items']) {
    const children = key === 'properties' ? Object.values(asObj(o[key]) ?? {}) : [o[key]];
    for (const child of children) {
      const c = asObj(child);
      const bare =
        c?.type === 'object' &&
        !['properties', 'additionalProperties', 'items', 'allOf', 'oneOf', 'anyOf', '$ref'].some((k) => k in c);
      if (c && bare) {
        delete c.type;
        c['x-switchboard-any-value'] = true;
      }
    }
  }
  if (Array.isArray(o.enum) && o.enum.length === 1 && typeof o.enum[0] === 'string' && o.enum[0].includes(', ')) {
    o.enum = o.enum[0].split(',').map((v: string) => v.trim());
  }
  for (const v of Object.values(o)) anyForJavaObjects(v);
}

// ---------------------------------------------------------------------------------------------------------------
// Reporting

/**
 * One line per distinct mismatch (operation, field, message), with how often it occurred and an example request.
 * The same field at different array positions is one line (`response.calls[*].title`).
 */
export function formatMismatches(mismatches: readonly ContractMismatch[]): string {
  const groups = new Map<string, { m: ContractMismatch; field: string; count: number }>();
  for (const m of mismatches) {
    const anyIndex = m.field.replace(/\[\d+\]/g, '[*]');
    const key = `${m.operation}\n${anyIndex}\n${m.message}`;
    const g = groups.get(key);
    if (g) {
      g.count += 1;
      if (g.field !== m.field) g.field = anyIndex;
    } else groups.set(key, { m, field: m.field, count: 1 });
  }
  return [...groups.values()]
    .map(
      ({ m, field, count }) =>
        `- ${m.operation}: ${field}: ${m.message}${count > 1 ? ` (×${count})` : ''} [e.g. ${m.request}]`,
    )
    .join('\n');
}

/** The mismatches of one emulator's traffic against one set of documents. */
export interface ContractSection {
  /** What the traffic was checked against: `the Confluence OpenAPI documents`, `Gong's OpenAPI document`. */
  against: string;
  mismatches: readonly ContractMismatch[];
}

export const CONFLUENCE_AGAINST = 'the Confluence OpenAPI documents';
export const GONG_AGAINST = "Gong's OpenAPI document";

export class ContractError extends Error {
  readonly #mismatches: readonly ContractMismatch[];
  readonly #sections: readonly ContractSection[];
  /**
   * `mismatches` of traffic checked against `against` (default: the Confluence documents), or several sections
   * (one per emulator), each listed under its own heading.
   */
  constructor(
    label: string,
    mismatches: readonly ContractMismatch[] | readonly ContractSection[],
    against = CONFLUENCE_AGAINST,
  ) {
    const sections = isSections(mismatches) ? mismatches : [{ against, mismatches }];
    const nonEmpty = sections.filter((s) => s.mismatches.length > 0);
    const all = sections.flatMap((s) => s.mismatches);
    const only = nonEmpty.length === 1 ? nonEmpty[0] : undefined;
    super(
      only
        ? `${label}: ${all.length} contract mismatch(es) with ${only.against}:\n${formatMismatches(only.mismatches)}`
        : `${label}: ${all.length} contract mismatch(es):\n${nonEmpty
            .map((s) => `${s.mismatches.length} with ${s.against}:\n${formatMismatches(s.mismatches)}`)
            .join('\n')}`,
    );
    this.name = 'ContractError';
    // Private with a getter (not an own field): the message lists them already, reporters would print them again.
    this.#mismatches = all;
    this.#sections = sections;
  }

  /** Every mismatch, of every section. */
  get mismatches(): readonly ContractMismatch[] {
    return this.#mismatches;
  }

  get sections(): readonly ContractSection[] {
    return this.#sections;
  }
}

function isSections(v: readonly ContractMismatch[] | readonly ContractSection[]): v is readonly ContractSection[] {
  return v.length > 0 && 'against' in v[0]!;
}

/** Throws a `ContractError` listing every mismatch of the exchanges (nothing when the specs are missing). */
export function assertConfluenceContract(
  exchanges: readonly TrafficExchange[],
  label = 'Confluence emulator traffic',
): void {
  const mismatches = loadConfluenceContract()?.validate(exchanges) ?? [];
  if (mismatches.length > 0) throw new ContractError(label, mismatches, CONFLUENCE_AGAINST);
}

/** Throws a `ContractError` listing every mismatch of the Gong exchanges (nothing when the spec is missing). */
export function assertGongContract(exchanges: readonly TrafficExchange[], label = 'Gong emulator traffic'): void {
  const mismatches = loadGongContract()?.validate(exchanges) ?? [];
  if (mismatches.length > 0) throw new ContractError(label, mismatches, GONG_AGAINST);
}

/**
 * Checks each emulator's recorded traffic against its documents (Confluence and Gong; other emulators have none)
 * and throws one `ContractError` with every mismatch of all of them, one section per emulator.
 */
export function assertEmulatorContracts(
  traffic: readonly { emulator: string; exchanges: readonly TrafficExchange[] }[],
  label = 'Emulator traffic',
): void {
  const sections: ContractSection[] = [];
  for (const { emulator, exchanges } of traffic) {
    if (emulator === 'confluence') {
      sections.push({ against: CONFLUENCE_AGAINST, mismatches: loadConfluenceContract()?.validate(exchanges) ?? [] });
    } else if (emulator === 'gong') {
      sections.push({ against: GONG_AGAINST, mismatches: loadGongContract()?.validate(exchanges) ?? [] });
    }
  }
  if (sections.some((s) => s.mismatches.length > 0)) throw new ContractError(label, sections);
}
