import { z } from 'zod';
import { type JsonSchema, strictSchemaProblems, toClientSchema } from './json-schema.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];

/** MCP tool annotations (spec 2025-06-18 `ToolAnnotations`). */
export interface ToolAnnotations {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/**
 * How a tool's validated input becomes one upstream HTTP request. `{name}` segments of `path` are filled
 * from the input field of the same name (URL-encoded). `query` maps upstream parameter names to input
 * field names, or is a function for anything less regular; `body` builds the JSON body.
 */
export interface HttpMapping<I> {
  method: HttpMethod;
  path: string;
  query?: Record<string, string> | ((input: I) => Record<string, QueryValue>);
  body?: (input: I) => unknown;
  /**
   * A multipart/form-data body instead of JSON (file uploads such as Gong's call media); not with `body`. Each part
   * is a text field or a file with its bytes (usually put into the input by `prepare`).
   */
  multipart?: (input: I) => MultipartPart[];
  /** How arrays go into the query string: `id=1&id=2` (repeat, the default) or `id=1,2` (comma). */
  arrayFormat?: 'repeat' | 'comma';
}

/** One part of a multipart/form-data body: a text field, or a file. */
export type MultipartPart =
  | { name: string; value: string }
  | { name: string; filename: string; contentType: string; data: Uint8Array };

/** Cursor pagination as the upstream does it; the executor follows it when the caller asks for more pages. */
export interface Pagination {
  /** Where the cursor goes on the next request. */
  cursorIn: 'query' | 'body';
  /** The query parameter or top-level body field carrying the cursor. */
  cursorParam: string;
  /** Path of the array of items in the response body (dot-separated), concatenated across pages. */
  itemsPath: string;
  /** Reads the next cursor from a page; undefined when it was the last page. */
  nextCursor: (body: unknown, headers: Headers) => string | undefined;
}

export interface ToolContext {
  toolkit: ToolkitDefinition;
}

export interface ToolDefinition<S extends z.ZodObject = z.ZodObject> {
  /** Machine name: `^[a-z][a-z0-9_]*$`, at most 40 characters, prefixed with the toolkit id. */
  name: string;
  title: string;
  /** Written for a model: what it does, when to use it rather than a neighbour, what key arguments mean. */
  description: string;
  /** Extra words for search (issue 7). */
  tags?: string[];
  input: S;
  http: HttpMapping<z.output<S>>;
  /** Upstream OAuth scopes the call needs. */
  scopes: string[];
  annotations: ToolAnnotations;
  pagination?: Pagination;
  /**
   * The upstream answers 404 when a list filter matches nothing (Gong's calls, logs and stats do): with this set,
   * such a 404 on the first page is an empty result with a note, not an error. Needs `pagination` (its items path).
   */
  notFoundMeansEmpty?: boolean;
  /**
   * Runs after validation and before the request is built, with read access to the upstream through the same
   * connection: fill in what the caller may omit (the current version number before an update, a space id from a
   * key). Failures of these reads are reported like the tool's own.
   */
  prepare?: (input: z.output<S>, upstream: UpstreamReader) => Promise<z.output<S>>;
  /**
   * Runs after a successful response, with the same upstream reads as `prepare`: follow-up reads the result needs
   * (e.g. a short, bounded poll of a long-running task). Its return value replaces the body before `transform`.
   */
  settle?: (body: unknown, input: z.output<S>, upstream: UpstreamReader) => Promise<unknown>;
  /** Shapes the upstream response body into the tool result (default: the body as is). */
  transform?: (body: unknown, input: z.output<S>) => unknown;
}

/** Upstream reads available to `prepare`: a GET of a path (relative to the connection's base URL). */
export interface UpstreamReader {
  get(path: string, query?: Record<string, QueryValue>): Promise<unknown>;
}

/** A tool after `defineToolkit` checked it: the client-facing JSON Schema is computed once, at load. */
export interface LoadedTool extends ToolDefinition {
  toolkit: string;
  inputSchema: JsonSchema;
  /** The input schema including the pagination fields the framework adds. */
  fullInput: z.ZodObject;
}

export interface ToolkitDefinition {
  /** `^[a-z][a-z0-9]*$`: used in URLs (`/mcp/<id>`) and as every tool name's prefix. */
  id: string;
  name: string;
  description: string;
  /** The service's name in error messages ("Confluence answered 404 ..."). */
  service: string;
  /** Pulls a human-readable message out of an upstream error body. */
  errorMessage?: (body: unknown) => string | undefined;
  /**
   * The upstream's request rate limit per connection (e.g. Gong: 3 per second). The executor queues calls to stay
   * within it instead of letting them fail with 429.
   */
  rateLimit?: { requests: number; perMs: number };
  tools: ToolDefinition[];
}

export interface LoadedToolkit extends Omit<ToolkitDefinition, 'tools'> {
  tools: LoadedTool[];
  byName: Map<string, LoadedTool>;
}

const TOOL_NAME = /^[a-z][a-z0-9_]*$/;

/** Identity helper that keeps each tool's input type attached to its mapping functions. */
export function defineTool<S extends z.ZodObject>(tool: ToolDefinition<S>): ToolDefinition {
  return tool as unknown as ToolDefinition;
}

const paginationFields = {
  cursor: z
    .string()
    .min(1)
    .optional()
    .describe('Opaque cursor from a previous result\'s "next_cursor", to continue from where it stopped.'),
  max_pages: z
    .int()
    .min(1)
    .max(50)
    .default(1)
    .describe('How many pages to fetch and concatenate (1-50). The result\'s "next_cursor" continues after the last.'),
};

/**
 * Validates a toolkit at load time, so a bad declaration fails at start-up and in tests, never at call time:
 * unique names that match the client rules, a schema every strict client accepts, annotations that agree
 * with the HTTP method, and path parameters that exist in the input.
 */
export function defineToolkit(def: ToolkitDefinition): LoadedToolkit {
  if (!/^[a-z][a-z0-9]*$/.test(def.id)) throw new Error(`toolkit id "${def.id}" must match ^[a-z][a-z0-9]*$`);
  const byName = new Map<string, LoadedTool>();
  const problems: string[] = [];
  for (const tool of def.tools) {
    const where = `${def.id}/${tool.name}`;
    if (!TOOL_NAME.test(tool.name)) problems.push(`${where}: name must match ^[a-z][a-z0-9_]*$`);
    if (tool.name.includes('__')) problems.push(`${where}: name must not contain "__" (clients use it as a separator)`);
    if (tool.name.length > 40) problems.push(`${where}: name is ${tool.name.length} characters, at most 40 allowed`);
    if (!tool.name.startsWith(`${def.id}_`)) problems.push(`${where}: name must start with "${def.id}_"`);
    if (byName.has(tool.name)) problems.push(`${where}: duplicate tool name`);
    if (tool.description.trim().length < 40) problems.push(`${where}: description is too short to guide a model`);
    problems.push(...annotationProblems(tool).map((p) => `${where}: ${p}`));
    const shape = tool.input.shape as Record<string, z.ZodType>;
    for (const m of tool.http.path.matchAll(/\{([^}]+)\}/g)) {
      if (!(m[1]! in shape)) problems.push(`${where}: path parameter {${m[1]}} is not an input field`);
    }
    if (tool.http.body && tool.http.multipart) problems.push(`${where}: http.body and http.multipart are exclusive`);
    if (tool.notFoundMeansEmpty && !tool.pagination) problems.push(`${where}: notFoundMeansEmpty needs pagination`);
    if (tool.http.query && typeof tool.http.query === 'object') {
      for (const field of Object.values(tool.http.query)) {
        if (!(field in shape)) problems.push(`${where}: query maps to unknown input field "${field}"`);
      }
    }
    // Strict: an unknown field (a typo such as spaceId for space_id) is refused by name, not silently dropped.
    const fullInput = (tool.pagination ? tool.input.extend(paginationFields) : tool.input).strict();
    let inputSchema: JsonSchema = {};
    try {
      inputSchema = toClientSchema(fullInput);
      problems.push(...strictSchemaProblems(inputSchema).map((p) => `${where}: input schema ${p}`));
    } catch (e) {
      problems.push(`${where}: input schema cannot be expressed as JSON Schema: ${(e as Error).message}`);
    }
    byName.set(tool.name, { ...tool, toolkit: def.id, inputSchema, fullInput });
  }
  if (problems.length > 0) throw new Error(`toolkit "${def.id}" is invalid:\n  ${problems.join('\n  ')}`);
  return { ...def, tools: [...byName.values()], byName };
}

function annotationProblems(tool: ToolDefinition): string[] {
  const a = tool.annotations;
  const m = tool.http.method;
  const out: string[] = [];
  if (m === 'GET' && a.readOnlyHint !== true) out.push('a GET tool must be readOnlyHint: true');
  if (m === 'GET' && a.destructiveHint === true) out.push('a GET tool cannot be destructive');
  if (m === 'DELETE' && (a.destructiveHint !== true || a.readOnlyHint === true)) {
    out.push('a DELETE tool must be destructiveHint: true and not read-only');
  }
  if ((m === 'PUT' || m === 'PATCH') && a.readOnlyHint === true) out.push(`a ${m} tool cannot be read-only`);
  if (a.readOnlyHint === true && a.destructiveHint === true) out.push('read-only and destructive contradict');
  if ((m === 'PUT' || m === 'DELETE') && a.idempotentHint === false) out.push(`${m} is idempotent by definition`);
  if (a.openWorldHint === undefined) out.push('openWorldHint must be stated (true for tools that reach an upstream)');
  return out;
}
