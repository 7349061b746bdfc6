import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { Executor, ToolOutcome } from '../execution/executor.ts';
import type { LoadedToolkit } from '../toolkits/define.ts';
import { acceptCancellations, type InFlightCalls } from './cancellation.ts';

export const SERVER_VERSION = '0.1.0';

// The SDK builds a new Ajv instance in every Server constructor unless given one; with a Server per request that
// was about a fifth of the CPU of a tools/list (bench, CPU profile). One validator serves every request.
export const jsonSchemaValidator = new AjvJsonSchemaValidator();

/** The `tools/list` entries of a toolkit, computed once per process (the schemas were built at load). */
export function listEntries(toolkit: LoadedToolkit): Tool[] {
  return toolkit.tools.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: t.inputSchema as Tool['inputSchema'],
    annotations: { title: t.title, ...t.annotations },
  }));
}

/**
 * The JSON-RPC error for an unknown tool (-32602, as the MCP spec lists it). A plain Error with a `code`: the SDK
 * sends `message` as is, where McpError would prefix "MCP error -32602:" and clients would show it twice.
 */
export function unknownTool(name: string): Error & { code: number } {
  return Object.assign(new Error(`Unknown tool: ${name}`), { code: ErrorCode.InvalidParams });
}

/** The MCP result for a tool outcome: JSON text, and `isError` with a stable code for failures. */
export function toCallToolResult(outcome: ToolOutcome): CallToolResult {
  if (outcome.ok) return { content: [{ type: 'text', text: JSON.stringify(outcome.data) }] };
  return { isError: true, content: [{ type: 'text', text: JSON.stringify({ error: outcome.error }) }] };
}

/**
 * A per-request MCP server for `/mcp/<toolkit>`: the low-level SDK `Server` (cheap to construct) bound to
 * the authenticated user. Stateless: nothing lives between requests, so any node can answer any request.
 */
export function createToolkitServer(opts: {
  toolkit: LoadedToolkit;
  tools: Tool[];
  executor: Executor;
  userId: string;
  inFlight: InFlightCalls;
  signal?: AbortSignal;
}): Server {
  const { toolkit, executor, userId } = opts;
  const server = new Server(
    { name: `switchboard-${toolkit.id}`, title: `Switchboard: ${toolkit.name}`, version: SERVER_VERSION },
    {
      capabilities: { tools: { listChanged: false } },
      jsonSchemaValidator,
      instructions: `Every ${toolkit.name} tool, run with the signed-in user's own ${toolkit.name} connection.`,
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: opts.tools }));
  acceptCancellations(server, opts.inFlight, userId);
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const name = request.params.name;
    // An unknown tool is a protocol error (-32602), as the MCP spec lists it, not a tool result.
    if (!toolkit.byName.has(name)) throw unknownTool(name);
    const call = opts.inFlight.track(userId, extra.requestId, opts.signal);
    try {
      const outcome = await executor.execute({
        userId,
        tool: name,
        args: request.params.arguments ?? {},
        surface: `mcp/${toolkit.id}`,
        signal: call.signal,
      });
      return toCallToolResult(outcome);
    } finally {
      call.done();
    }
  });
  return server;
}
