import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Router } from '../router/index.ts';
import { acceptCancellations, type InFlightCalls } from './cancellation.ts';
import { jsonSchemaValidator, SERVER_VERSION } from './toolkit-server.ts';

/**
 * A per-request MCP server for `/mcp`, the router surface: the meta-tools of `router/index.ts` bound to the
 * authenticated user. Stateless like the toolkit servers.
 */
export function createRouterServer(opts: {
  router: Router;
  userId: string;
  inFlight: InFlightCalls;
  signal?: AbortSignal;
}): Server {
  const { router, userId } = opts;
  const server = new Server(
    { name: 'switchboard', title: 'Switchboard', version: SERVER_VERSION },
    { capabilities: { tools: { listChanged: false } }, jsonSchemaValidator, instructions: router.instructions },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: router.tools }));
  acceptCancellations(server, opts.inFlight, userId);
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const name = request.params.name;
    const call = opts.inFlight.track(userId, extra.requestId, opts.signal);
    let result: Awaited<ReturnType<Router['call']>>;
    try {
      result = await router.call(name, request.params.arguments ?? {}, { userId, signal: call.signal });
    } finally {
      call.done();
    }
    // An unknown tool is a protocol error (-32602); the tool names of the catalogue are arguments of execute_tools.
    if (!result) {
      // A plain Error with a code, as in toolkit-server.ts: McpError's prefix would be shown twice by clients.
      throw Object.assign(
        new Error(
          `Unknown tool: ${name}. This endpoint has ${router.tools.map((t) => t.name).join(', ')}; app tools run through execute_tools.`,
        ),
        { code: ErrorCode.InvalidParams },
      );
    }
    return {
      ...(result.ok ? {} : { isError: true }),
      content: [{ type: 'text', text: JSON.stringify(result.body) }],
    };
  });
  return server;
}
