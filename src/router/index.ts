import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Executor, ToolError, ToolOutcome } from '../execution/executor.ts';
import { clipJson, previewOf } from '../results/preview.ts';
import { PathError, readPage } from '../results/query.ts';
import type { ResultStore } from '../results/store.ts';
import type { LoadedTool, ToolAnnotations } from '../toolkits/define.ts';
import type { Catalog } from '../toolkits/index.ts';
import { toClientSchema } from '../toolkits/json-schema.ts';
import { GatewayError } from '../util/errors.ts';
import type { Workbench, WorkbenchRun } from '../workbench/index.ts';
import { compactInput, shortDescription } from './compact.ts';
import { type ConnectionInfo, type ConnectionsApi, type ToolkitStatus, unopened } from './connections-api.ts';
import type { ToolFilter, ToolPolicy } from './policy.ts';
import { createToolIndex, type ToolIndex } from './search.ts';

/**
 * The router surface (`/mcp`): a handful of meta-tools through which a model finds and runs any tool of the
 * catalogue without loading them all. Every tool name it returns is a real, allowed tool (`ToolPolicy`); every run
 * goes through the executor; results over the inline limit are stored and come back as shape + preview + handle.
 */

export interface RouterDeps {
  catalog: Catalog;
  executor: Executor;
  policy: ToolPolicy;
  connections: ConnectionsApi;
  results: ResultStore;
  /** Results (and whole answers) over this many characters are stored instead of inlined. */
  inlineMaxChars: number;
  /** Upper bound of one wait_for_connections call, well under clients' 60 s tool timeout. */
  waitMaxMs: number;
  /** The sandbox behind run_workbench; without it the meta-tool is not offered. */
  workbench?: Workbench;
}

export interface CallContext {
  userId: string;
  signal?: AbortSignal;
}

/** A meta-tool: its declaration (as listed) and what it does. */
interface MetaTool<S extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: S;
  annotations: ToolAnnotations;
  run(ctx: CallContext, args: z.output<S>): Promise<unknown>;
}

const metaTool = <S extends z.ZodObject>(t: MetaTool<S>): MetaTool => t as unknown as MetaTool;

export interface Router {
  /** The `tools/list` entries, computed once. */
  tools: Tool[];
  index: ToolIndex;
  /** Runs a meta-tool; undefined for a name that is not one (the server answers -32602). */
  call(name: string, args: unknown, ctx: CallContext): Promise<{ ok: boolean; body: unknown } | undefined>;
  /** Instructions for the MCP `initialize` answer. */
  instructions: string;
}

const INSTRUCTIONS =
  "Switchboard gives access to the user's business apps (Confluence, Gong) through a few meta-tools. " +
  'To act on an app: search_tools with the use case(s) → (get_tool_schemas when a compact schema is not enough) → ' +
  'execute_tools. If a toolkit is not connected, manage_connections gives a link for the user; then ' +
  'wait_for_connections. Large results come back as a handle: read them with read_result.';
const WORKBENCH_INSTRUCTIONS =
  ' For many calls, loops, joins across apps or filtering big results, write one run_workbench program instead ' +
  'of many execute_tools round trips: only what it returns comes back.';

export function createRouter(deps: RouterDeps): Router {
  const { catalog, executor, policy, connections, results } = deps;
  const cap = deps.inlineMaxChars;
  const toolkitNames = new Map([...catalog.toolkits.values()].map((t) => [t.id, t.name]));
  const index = createToolIndex(
    [...catalog.toolkits.values()].flatMap((t) => t.tools),
    toolkitNames,
  );

  /** The user's view of the catalogue: every lookup of the router goes through it. */
  async function view(userId: string) {
    const filter: ToolFilter = await policy.forUser(userId);
    const toolkits = [...catalog.toolkits.keys()].filter((id) => filter.toolkit(id));
    const allow = (t: LoadedTool) => filter.toolkit(t.toolkit) && filter.tool(t);
    const tool = (name: string): LoadedTool | undefined => {
      const t = catalog.tool(name);
      return t && allow(t) ? t : undefined;
    };
    return { toolkits, allow, tool };
  }

  /** A call of a tool the user's view does not have: refused with the closest real names, as every path does. */
  function unknownTool(name: string, v: Awaited<ReturnType<typeof view>>, hint: string): ToolOutcome {
    const close = index.closest(name, { limit: 3, allow: v.allow });
    return {
      ok: false,
      error: {
        code: 'unknown_tool',
        message: `no tool "${clipText(name, 100)}"${close.length ? `; did you mean ${close.join(', ')}?` : ''} (${hint})`,
        retryable: false,
      },
    };
  }

  function unknownToolkit(name: string, known: string[]): never {
    throw new GatewayError('invalid_arguments', `no toolkit "${name}" here; toolkits: ${known.join(', ')}`);
  }

  // --- search_tools ------------------------------------------------------------------------------------------

  const searchTools = metaTool({
    name: 'search_tools',
    title: 'Search tools',
    description:
      'Find the tools for what the user wants done in their apps (Confluence, Gong). Give one or more use cases in plain English, one action each (split "find the page and comment on it" into two); include hidden steps such as looking up an id. Returns, per use case, the best tool names, best first; each tool\'s description and compact input (one line per parameter: type, required, meaning); and whether each toolkit is connected. Only tools that exist are ever returned. Then call execute_tools (or get_tool_schemas for full schemas first). Search again when the task changes.',
    input: z.object({
      queries: z
        .array(z.string().min(1).max(1024))
        .min(1)
        .max(10)
        .describe('Use cases in plain English, e.g. ["list last week\'s Gong calls", "create a Confluence page"].'),
      toolkit: z.string().optional().describe('Only tools of this toolkit ("confluence", "gong").'),
      limit: z.int().min(1).max(10).default(5).describe('Tools per use case (1-10, default 5).'),
    }),
    annotations: { readOnlyHint: true, openWorldHint: false },
    async run(ctx, args) {
      const v = await view(ctx.userId);
      if (args.toolkit && !v.toolkits.includes(args.toolkit)) unknownToolkit(args.toolkit, v.toolkits);
      const allow = args.toolkit ? (t: LoadedTool) => t.toolkit === args.toolkit && v.allow(t) : v.allow;
      const found = args.queries.map((q) => ({
        use_case: q,
        tools: index.search(q, { limit: args.limit, allow }).map((h) => h.tool),
      }));
      const tools = [...new Map(found.flatMap((f) => f.tools).map((t) => [t.name, t])).values()];
      const involved = [...new Set(tools.map((t) => t.toolkit))];
      const mine = await connections.list(ctx.userId);
      const toolkits: Record<string, unknown> = {};
      for (const id of involved) toolkits[id] = await toolkitState(ctx.userId, id, mine);
      const body = (level: number, perQuery: number) => {
        const kept = found.map((f) => ({ ...f, tools: f.tools.slice(0, perQuery) }));
        const shown = new Set(kept.flatMap((f) => f.tools.map((t) => t.name)));
        return {
          results: kept.map((f) => ({
            use_case: f.use_case,
            tools: f.tools.map((t) => t.name),
            ...(f.tools.length === 0 ? { note: 'no tool matches; rephrase with the app and the action' } : {}),
          })),
          tools: Object.fromEntries(
            tools.filter((t) => shown.has(t.name)).map((t) => [t.name, describeTool(t, level)]),
          ),
          toolkits,
          next: 'Run tools with execute_tools; a toolkit whose status is not "active" needs manage_connections first.',
        };
      };
      // Then fewer tools per use case, the best kept.
      const tries: [number, number][] = [
        [0, args.limit],
        [1, args.limit],
        [2, args.limit],
        [3, args.limit],
        [3, 3],
        [3, 1],
      ];
      let b = body(0, args.limit);
      for (const [level, perQuery] of tries) {
        b = body(level, Math.min(perQuery, args.limit));
        if (JSON.stringify(b).length <= cap) break;
      }
      return b;
    },
  });

  function describeTool(t: LoadedTool, level: number) {
    const hints = [
      t.annotations.readOnlyHint ? 'read-only' : undefined,
      t.annotations.destructiveHint ? 'destructive' : undefined,
    ].filter(Boolean);
    return {
      toolkit: t.toolkit,
      title: t.title,
      description: shortDescription(t.description, level === 0 ? 700 : level === 1 ? 300 : 150),
      ...(hints.length ? { hints: hints.join(', ') } : {}),
      ...(level < 3
        ? { input: compactInput(t.inputSchema, level === 0 ? 120 : level === 1 ? 60 : 0) }
        : { input: 'see get_tool_schemas' }),
    };
  }

  async function toolkitState(userId: string, id: string, mine: readonly ConnectionInfo[]) {
    const status: ToolkitStatus = await connections.statusOf(userId, id, mine);
    return {
      name: toolkitNames.get(id) ?? id,
      status,
      accounts: mine.filter((c) => c.toolkit === id && c.status === 'active').length,
      ...(status === 'active'
        ? {}
        : { to_connect: `manage_connections {"action": "connect", "toolkit": "${id}"}, then show the user the link` }),
    };
  }

  // --- get_tool_schemas --------------------------------------------------------------------------------------

  const getToolSchemas = metaTool({
    name: 'get_tool_schemas',
    title: 'Get tool schemas',
    description:
      'Full details of named tools: the whole description and the complete JSON Schema of the input (every field, nested objects, enums, defaults). Use it before execute_tools when the compact input from search_tools is not enough. An unknown name is reported with the closest real tool names, never invented ones.',
    input: z.object({
      tools: z.array(z.string().min(1).max(100)).min(1).max(20).describe('Tool names from search_tools.'),
    }),
    annotations: { readOnlyHint: true, openWorldHint: false },
    async run(ctx, args) {
      const v = await view(ctx.userId);
      const schemas: Record<string, unknown> = {};
      const notFound: { name: string; did_you_mean: string[] }[] = [];
      const omitted: string[] = [];
      let size = 200;
      for (const name of [...new Set(args.tools)]) {
        const tool = v.tool(name);
        if (!tool) {
          notFound.push({ name, did_you_mean: index.closest(name, { limit: 3, allow: v.allow }) });
          continue;
        }
        const entry = {
          toolkit: tool.toolkit,
          title: tool.title,
          description: tool.description,
          annotations: tool.annotations,
          input_schema: tool.inputSchema,
          output: 'JSON: the upstream response as the description explains it (no declared output schema).',
        };
        const n = JSON.stringify(entry).length;
        if (size + n > cap && Object.keys(schemas).length > 0) {
          omitted.push(name);
          continue;
        }
        schemas[name] = entry;
        size += n;
      }
      return {
        schemas,
        ...(notFound.length ? { not_found: notFound } : {}),
        ...(omitted.length ? { omitted, note: 'answer size limit reached: ask for these in another call' } : {}),
      };
    },
  });

  // --- execute_tools -----------------------------------------------------------------------------------------

  const executeTools = metaTool({
    name: 'execute_tools',
    title: 'Execute tools',
    description:
      "Run 1 to 50 tools in parallel, each with its own arguments; each gets its own result or error, and one failure never fails the others. Batch only calls that do not depend on each other (run a lookup first, then the calls that need its ids). Arguments are validated before anything is sent: an invalid one comes back naming the field. Never invent placeholder values. A result larger than the inline limit comes back as {stored: {handle, shape, preview}}: read it with read_result. Each call uses the user's own connection of the tool's toolkit.",
    input: z.object({
      calls: z
        .array(
          z.object({
            tool: z.string().min(1).max(100).describe('Tool name, e.g. "confluence_get_page".'),
            arguments: z
              .record(z.string(), z.unknown())
              .default({})
              .describe('The tool\'s input, e.g. {"id": "12345"}.'),
          }),
        )
        .min(1)
        .max(50)
        .describe('The tool calls to run, in parallel.'),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
    async run(ctx, args) {
      const v = await view(ctx.userId);
      const outcomes: ToolOutcome[] = await Promise.all(
        args.calls.map(async (call): Promise<ToolOutcome> => {
          if (!v.tool(call.tool)) return unknownTool(call.tool, v, 'search_tools finds tools');
          return executor.execute({
            userId: ctx.userId,
            tool: call.tool,
            args: call.arguments,
            surface: 'router',
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          });
        }),
      );
      const items = await shapeBatch(
        ctx.userId,
        args.calls.map((c) => c.tool),
        outcomes,
      );
      const failed = outcomes.filter((o) => !o.ok).length;
      return { results: items, succeeded: outcomes.length - failed, failed };
    },
  });

  /**
   * Keeps the whole answer under the inline limit: results over it are stored, then the largest remaining ones
   * until the rest fits; each stored one gets a preview from what is left of the budget.
   */
  async function shapeBatch(userId: string, tools: string[], outcomes: ToolOutcome[]) {
    const json = outcomes.map((o) => (o.ok ? (JSON.stringify(o.data) ?? 'null') : ''));
    const store = new Set<number>();
    json.forEach((j, i) => {
      if (j.length > cap) store.add(i);
    });
    const inlineSize = () =>
      outcomes.reduce((n, o, i) => n + (store.has(i) ? 0 : o.ok ? json[i]!.length : JSON.stringify(o.error).length), 0);
    // Room for the stored items' previews and the envelope.
    const envelope = (stored: number) => 200 + outcomes.length * 60 + stored * 400;
    while (inlineSize() + envelope(store.size) > cap) {
      let largest = -1;
      json.forEach((j, i) => {
        if (!store.has(i) && outcomes[i]!.ok && (largest < 0 || j.length > json[largest]!.length)) largest = i;
      });
      if (largest < 0) break;
      store.add(largest);
    }
    const previewBudget =
      store.size === 0 ? 0 : Math.max(300, Math.min(4000, Math.floor((cap - inlineSize() - envelope(0)) / store.size)));
    return Promise.all(
      outcomes.map(async (o, i) => {
        const base = { index: i, tool: tools[i]! };
        if (!o.ok) return { ...base, ok: false, error: o.error satisfies ToolError };
        if (!store.has(i)) return { ...base, ok: true, data: o.data };
        const saved = await results.put(userId, tools[i]!, o.data, json[i]);
        const { shape, preview } = previewOf(o.data, previewBudget);
        return {
          ...base,
          ok: true,
          stored: {
            handle: saved.handle,
            size_chars: saved.sizeChars,
            expires_at: saved.expiresAt,
            shape,
            preview,
          },
          note: 'Too large to show whole: read_result with this handle pages through it or selects parts.',
        };
      }),
    );
  }

  // --- manage_connections ------------------------------------------------------------------------------------

  const manageConnections = metaTool({
    name: 'manage_connections',
    title: 'Manage connections',
    description:
      'The user\'s app connections. action "list" (default): every toolkit with its status (active, pending, not_connected, expired, failed), the accounts, and a connect link for each toolkit without an active connection. "connect": a link for toolkit. "reconnect": a link that replaces connection_id (or the toolkit\'s default). "remove": deletes connection_id. Show links to the user as clickable links; they work once, for 10 minutes. After the user connects, call wait_for_connections. Never run a tool of a toolkit that is not active.',
    input: z.object({
      action: z.enum(['list', 'connect', 'reconnect', 'remove']).default('list').describe('What to do (default list).'),
      toolkit: z.string().optional().describe('The toolkit for connect / reconnect ("confluence", "gong").'),
      connection_id: z.string().optional().describe('The connection for reconnect / remove (ids from list).'),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: false },
    async run(ctx, args) {
      const v = await view(ctx.userId);
      const mine = (await connections.list(ctx.userId)).filter((c) => v.toolkits.includes(c.toolkit));
      const ofToolkit = (toolkit: string) => mine.filter((c) => c.toolkit === toolkit);
      if (args.action === 'list') {
        const out = [];
        // One toolkit after the other: each link is a store transaction.
        for (const id of v.toolkits) {
          const state = await toolkitState(ctx.userId, id, mine);
          const link = state.status === 'active' ? undefined : await linkFor(ctx.userId, id, mine);
          out.push({
            toolkit: id,
            name: state.name,
            status: state.status,
            connections: ofToolkit(id).filter(shown).map(publicConnection),
            ...(link ? { ...(link.replaces ? { replaces: link.replaces } : {}), ...connectFields(link.action) } : {}),
          });
        }
        return { toolkits: out };
      }
      if (args.action === 'remove') {
        if (!args.connection_id) throw new GatewayError('invalid_arguments', 'remove needs connection_id (see list)');
        const c = mine.find((m) => m.id === args.connection_id);
        if (!c || !(await connections.remove(ctx.userId, c.id))) {
          throw new GatewayError('not_found', `no connection "${args.connection_id}" (see list)`);
        }
        return { removed: c.id, toolkit: c.toolkit };
      }
      // connect / reconnect
      let toolkit = args.toolkit;
      let replaces: string | undefined;
      if (args.connection_id) {
        const c = mine.find((m) => m.id === args.connection_id);
        if (!c) throw new GatewayError('not_found', `no connection "${args.connection_id}" (see list)`);
        toolkit = c.toolkit;
        // A connection that never completed is finished through a new link, not reconnected.
        if (c.status !== 'initiated') replaces = c.id;
      }
      if (!toolkit) throw new GatewayError('invalid_arguments', `${args.action} needs toolkit or connection_id`);
      if (!v.toolkits.includes(toolkit)) unknownToolkit(toolkit, v.toolkits);
      const status = await connections.statusOf(ctx.userId, toolkit, mine);
      if (args.action === 'connect' && status === 'active' && !replaces) {
        return {
          toolkit,
          status,
          note: 'already connected; use action "reconnect" to replace the account',
          connections: ofToolkit(toolkit).filter(shown).map(publicConnection),
        };
      }
      if (args.action === 'reconnect' && !replaces) {
        const own = ofToolkit(toolkit).filter((c) => c.status !== 'initiated');
        replaces = (own.find((c) => c.isDefault) ?? own[0])?.id;
      }
      const link = replaces
        ? { replaces, action: await connections.createConnectLink(ctx.userId, toolkit, { reconnect: replaces }) }
        : await linkFor(ctx.userId, toolkit, mine);
      return {
        toolkit,
        status,
        ...(link.replaces ? { replaces: link.replaces } : {}),
        ...connectFields(link.action),
      };
    },
  });

  /**
   * The link that makes a toolkit usable: a reconnect of the connection calls would use (the default, expired or
   * failed: a new connection beside it would not be picked), else a new connection.
   */
  async function linkFor(userId: string, toolkit: string, mine: readonly ConnectionInfo[]) {
    const broken = mine.filter(
      (c) => c.toolkit === toolkit && (c.status === 'expired' || (c.status === 'failed' && c.isDefault)),
    );
    const replaces = (broken.find((c) => c.isDefault) ?? broken[0])?.id;
    const action = await connections.createConnectLink(userId, toolkit, replaces ? { reconnect: replaces } : {});
    return { replaces, action };
  }

  /** Connections the model can act on: not the placeholders of links that were never opened. */
  const shown = (c: ConnectionInfo) => !unopened(c);

  function publicConnection(c: ConnectionInfo) {
    return {
      id: c.id,
      alias: c.alias,
      default: c.isDefault,
      status: c.status,
      ...(c.account ? { account: c.account } : {}),
      ...(c.statusReason ? { reason: c.statusReason } : {}),
    };
  }

  function connectFields(link: Awaited<ReturnType<ConnectionsApi['createConnectLink']>>) {
    return {
      ...(link.url ? { connect_url: link.url, connect_url_expires_at: link.expiresAt } : {}),
      instruction: link.instruction,
    };
  }

  // --- wait_for_connections ----------------------------------------------------------------------------------

  const maxWaitS = Math.max(1, Math.floor(deps.waitMaxMs / 1000));
  const waitForConnections = metaTool({
    name: 'wait_for_connections',
    title: 'Wait for connections',
    description: `Wait until the user finished connecting toolkits (after manage_connections gave them a link). Returns within timeout_seconds (at most ${maxWaitS}) with each toolkit's status and done: true when mode "any" (default) has one active toolkit or mode "all" has all. Call it again if done is false and a status is still "pending".`,
    input: z.object({
      toolkits: z.array(z.string().min(1)).min(1).max(10).describe('Toolkits to wait for, e.g. ["gong"].'),
      mode: z.enum(['any', 'all']).default('any').describe('any: one active is enough; all: every one.'),
      timeout_seconds: z
        .int()
        .min(1)
        .max(maxWaitS)
        .default(Math.min(20, maxWaitS))
        .describe(`How long to wait at most (1-${maxWaitS} s).`),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    async run(ctx, args) {
      const v = await view(ctx.userId);
      for (const t of args.toolkits) if (!v.toolkits.includes(t)) unknownToolkit(t, v.toolkits);
      const r = await connections.waitForActive(ctx.userId, args.toolkits, {
        mode: args.mode,
        timeoutMs: args.timeout_seconds * 1000,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      const pending = Object.values(r.statuses).includes('pending');
      return {
        done: r.done,
        toolkits: r.statuses,
        next: r.done
          ? 'Connected: run the tools with execute_tools.'
          : pending
            ? 'Still waiting for the user: call wait_for_connections again.'
            : 'No link is pending: get one with manage_connections {"action": "connect"} and show it to the user.',
      };
    },
  });

  // --- read_result -------------------------------------------------------------------------------------------

  const readResult = metaTool({
    name: 'read_result',
    title: 'Read a stored result',
    description:
      'Read a large result stored by execute_tools, by its handle: page through it, slice it, or select parts with a path such as "$.results[*].title", "results[0:20].id", "$.calls[3].parties" or "$[\'odd key\']". An array comes back as items from offset (next_offset continues; null at the end), an object as its value or its entries, a long string as text from offset. fields keeps only those fields of each object ("id", "version.number"). A value too large for one answer comes back as {truncated: true, path}: read that path. Handles expire (see expires_at).',
    input: z.object({
      handle: z.string().min(1).max(100).describe('The handle from execute_tools (res_…).'),
      path: z.string().max(500).optional().describe('What to read (default "$": the whole result).'),
      fields: z.array(z.string().min(1).max(200)).max(50).optional().describe('Keep only these fields of objects.'),
      offset: z.int().min(0).default(0).describe('Item, key or character to start from (next_offset of a page).'),
      limit: z
        .int()
        .min(1)
        .max(1000)
        .optional()
        .describe('Most items (or characters) per answer; the size cap may return fewer.'),
    }),
    annotations: { readOnlyHint: true, openWorldHint: false },
    async run(ctx, args) {
      const stored = await results.get(ctx.userId, args.handle);
      if (!stored) {
        throw new GatewayError('not_found', `no stored result "${args.handle}" (expired, or not this user's)`);
      }
      try {
        const pageBody = readPage(stored.data, {
          path: args.path,
          fields: args.fields,
          offset: args.offset,
          limit: args.limit,
          maxChars: cap,
        });
        return { handle: stored.handle, tool: stored.tool, ...pageBody };
      } catch (e) {
        if (e instanceof PathError) throw new GatewayError('invalid_arguments', e.message);
        throw e;
      }
    },
  });

  // --- run_workbench -----------------------------------------------------------------------------------------

  const workbench = deps.workbench;
  const runWorkbench =
    workbench &&
    metaTool({
      name: 'run_workbench',
      title: 'Run a workbench program',
      description: workbenchDescription(workbench.limits),
      input: z.object({
        code: z.string().min(1).describe('JavaScript: the body of an async function; `return` the result (JSON).'),
      }),
      annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
      async run(ctx, args) {
        const v = await view(ctx.userId);
        const toolNames = [...catalog.toolkits.values()]
          .flatMap((t) => t.tools)
          .filter(v.allow)
          .map((t) => t.name);
        const r = await workbench.run(args.code, {
          userId: ctx.userId,
          toolNames,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          async callTool(name, toolArgs, signal) {
            if (!v.tool(name)) return unknownTool(name, v, 'Object.keys(tools) lists them');
            return executor.execute({ userId: ctx.userId, tool: name, args: toolArgs, surface: 'workbench', signal });
          },
        });
        return workbenchAnswer(ctx.userId, r);
      },
    });

  /**
   * The run as the model reads it, within the inline limit whatever the program did: long error texts are cut, the
   * call list becomes counts per tool and the logs lose their last lines when they would not fit; a return value too
   * large to inline is stored behind a handle.
   */
  async function workbenchAnswer(userId: string, r: WorkbenchRun) {
    if (!r.ok) {
      const error = clipError(r.error, cap);
      throw new WorkbenchFailure({ ok: false, error, ...fitCommon(r, cap - JSON.stringify(error).length - 100, cap) });
    }
    // Leaves room for a stored value's handle, shape and preview.
    const common = fitCommon(r, cap - 1200, cap);
    const json = r.valueJson!;
    const room = cap - JSON.stringify(common).length - 200;
    if (json.length <= room) return { ok: true, result: r.value, ...common };
    const saved = await results.put(userId, 'run_workbench', r.value, json);
    const { shape, preview } = previewOf(r.value, Math.max(300, Math.min(4000, room - 600)));
    return {
      ok: true,
      stored: { handle: saved.handle, size_chars: saved.sizeChars, expires_at: saved.expiresAt, shape, preview },
      note: 'The return value is too large to show whole: read_result with this handle pages through it.',
      ...common,
    };
  }

  const metaTools: MetaTool[] = [
    searchTools,
    getToolSchemas,
    executeTools,
    manageConnections,
    waitForConnections,
    readResult,
    ...(runWorkbench ? [runWorkbench] : []),
  ];
  const byName = new Map(metaTools.map((t) => [t.name, t]));
  const strictInputs = new Map(metaTools.map((t) => [t.name, t.input.strict()]));
  const tools: Tool[] = metaTools.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: toClientSchema(strictInputs.get(t.name)!) as Tool['inputSchema'],
    annotations: { title: t.title, ...t.annotations },
  }));

  async function call(name: string, args: unknown, ctx: CallContext) {
    const tool = byName.get(name);
    if (!tool) return undefined;
    const parsed = strictInputs.get(name)!.safeParse(args ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        body: {
          error: {
            code: 'invalid_arguments',
            message: `invalid arguments for ${name}`,
            retryable: false,
            fields: parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(root)', problem: i.message })),
          },
        },
      };
    }
    try {
      return { ok: true, body: await tool.run(ctx, parsed.data) };
    } catch (e) {
      if (e instanceof WorkbenchFailure) return { ok: false, body: e.body };
      if (e instanceof GatewayError) {
        return { ok: false, body: { error: { code: e.code, message: e.message, retryable: false } } };
      }
      throw e;
    }
  }

  return { tools, index, call, instructions: INSTRUCTIONS + (workbench ? WORKBENCH_INSTRUCTIONS : '') };
}

/** A program that failed: the answer is an error (isError) that still carries its logs and calls. */
class WorkbenchFailure extends Error {
  readonly body: unknown;
  constructor(body: unknown) {
    super('workbench run failed');
    this.body = body;
  }
}

/**
 * Logs, calls and stats of a run in at most `budget` characters of JSON: every call (up to 50), else counts per tool
 * with the first failures, fewer of them, none; then the logs' last lines go (counted in logs_dropped), and at last
 * the counts per tool.
 */
function fitCommon(r: WorkbenchRun, budget: number, cap: number) {
  const textMax = Math.max(60, Math.floor(cap / 50));
  const make = (detail: number, kept: number) => {
    const dropped = r.logsDropped + r.logs.length - kept;
    return {
      ...(kept ? { logs: r.logs.slice(0, kept) } : {}),
      ...(dropped ? { logs_dropped: dropped } : {}),
      calls: summarizeCalls(r, detail, textMax),
      stats: r.stats,
    };
  };
  const size = (v: unknown) => JSON.stringify(v).length;
  for (const detail of [50, 20, 5, 0]) {
    const all = make(detail, r.logs.length);
    if (size(all) <= budget) return all;
  }
  // The first log lines that fit beside the counts per tool, else beside the totals.
  for (const detail of [0, -1]) {
    let room = budget - size(make(detail, 0)) - 30;
    if (room < 0) continue;
    let kept = 0;
    while (kept < r.logs.length && size(r.logs[kept]) + 1 <= room) room -= size(r.logs[kept++]) + 1;
    return make(detail, kept);
  }
  return make(-1, 0);
}

/**
 * The calls by name and outcome: every call when there are at most `detail`; else counts per tool (invented names
 * counted together) and the first failures (at most 20, and at most `detail`); with `detail` -1, totals only.
 */
function summarizeCalls(r: WorkbenchRun, detail: number, textMax: number) {
  const failed = r.calls.filter((c) => !c.ok);
  const entry = (c: WorkbenchRun['calls'][number]) => ({
    tool: clipText(c.tool, 100),
    ok: c.ok,
    ...(c.error ? { error: { code: c.error.code, message: clipText(c.error.message, textMax) } } : {}),
  });
  if (r.calls.length <= detail) return { total: r.calls.length, failed: failed.length, list: r.calls.map(entry) };
  if (detail < 0) return { total: r.calls.length, failed: failed.length };
  const byTool: Record<string, { ok: number; failed: number }> = {};
  for (const c of r.calls) {
    const name = c.error?.code === 'unknown_tool' ? '(unknown tools)' : clipText(c.tool, 100);
    byTool[name] ??= { ok: 0, failed: 0 };
    const t = byTool[name]!;
    if (c.ok) t.ok++;
    else t.failed++;
  }
  const shown = Math.min(20, detail);
  return {
    total: r.calls.length,
    failed: failed.length,
    by_tool: byTool,
    ...(failed.length && shown ? { failures: failed.slice(0, shown).map(entry) } : {}),
  };
}

/** The program's error with its texts cut to a share of the inline limit (a message can be megabytes). */
function clipError(e: WorkbenchRun['error'], cap: number): Record<string, unknown> {
  if (!e) return { code: 'sandbox_error', message: 'the run failed without a report' };
  const long = Math.max(100, Math.floor(cap / 4));
  const short = Math.max(60, Math.floor(cap / 40));
  return Object.fromEntries(
    Object.entries(e).map(([k, v]) => [k, clipJson(v, 10, k === 'message' || k === 'stack' ? long : short, 20, 3)]),
  );
}

function clipText(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;
}

function workbenchDescription(l: Workbench['limits']): string {
  return [
    'Run a JavaScript program on the server that chains many tool calls and returns only what you need: loops over many calls, joins across apps, filtering or aggregating large results. Use it instead of many execute_tools round trips.',
    'The code is the body of an async function; `return` a JSON value. Available: `await tools.<tool_name>(args)` runs any tool by its search_tools name with the same arguments as execute_tools and resolves to its JSON result (a failure rejects with an Error carrying .code, .message, .retryable; catch it to go on); `await results.read(handle, {path, fields})` reads a stored result; `console.log(...)`; `Promise.all([...])` runs calls in parallel.',
    `Nothing else: no fetch, require/import, timers or files. Limits per run: ${Math.round(l.wallMs / 1000)} s in all, ${Math.round(l.cpuMs / 1000)} s of computation, ${Math.round(l.memoryBytes / 1048576)} MB, ${l.maxCalls} calls (${l.maxConcurrentCalls} at a time). The answer has the return value, console output and each call's outcome.`,
    'Example (pages without a label in a space):',
    'const { results: pages } = await tools.confluence_get_pages({ space_id: ["98305"], limit: 100 });',
    'const labels = await Promise.all(pages.map((p) => tools.confluence_get_page_labels({ id: p.id })));',
    'return pages.filter((p, i) => labels[i].results.length === 0).map((p) => ({ id: p.id, title: p.title }));',
  ].join('\n');
}
