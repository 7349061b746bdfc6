import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  CancelledNotificationSchema,
  ErrorCode,
  ListToolsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { Router } from '../router/index.ts';
import { jsonSchemaValidator, SERVER_VERSION } from './toolkit-server.ts';

/**
 * A per-request MCP server for `/mcp`, the router surface: the meta-tools of `router/index.ts` bound to the
 * authenticated user. Stateless like the toolkit servers.
 */
export function createRouterServer(opts: { router: Router; userId: string; signal?: AbortSignal }): Server {
  const { router, userId } = opts;
  const server = new Server(
    { name: 'switchboard', title: 'Switchboard', version: SERVER_VERSION },
    { capabilities: { tools: { listChanged: false } }, jsonSchemaValidator, instructions: router.instructions },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: router.tools }));
  // Stateless: a cancellation comes in a POST of its own, to another server instance, so the SDK's own bookkeeping
  // never finds the request; the router keeps the user's calls in flight by request id.
  server.setNotificationHandler(CancelledNotificationSchema, (n) => {
    if (n.params.requestId !== undefined) router.cancel(userId, n.params.requestId);
  });
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const name = request.params.name;
    const result = await router.call(name, request.params.arguments ?? {}, {
      userId,
      requestId: extra.requestId,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
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
