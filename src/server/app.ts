import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { sql } from 'kysely';
import type { Emulator } from '../emulators/framework.ts';
import type { Executor } from '../execution/executor.ts';
import { createInFlightCalls } from '../mcp/cancellation.ts';
import { createRouterServer } from '../mcp/router-server.ts';
import { createToolkitServer, listEntries, SERVER_VERSION } from '../mcp/toolkit-server.ts';
import { type AuthEnv, clientIp, hostGuard, type OAuthServer } from '../oauth-server/index.ts';
import type { Router } from '../router/index.ts';
import type { Db } from '../store/db.ts';
import type { Catalog } from '../toolkits/index.ts';
import type { Logger } from '../util/log.ts';
import { createWebRoutes } from '../web/index.ts';
import { allowedFor, jsonRpcError, originHostGuard } from './guards.ts';

export interface AppDeps {
  db: Db;
  catalog: Catalog;
  executor: Executor;
  log: Logger;
  /** Where clients reach this gateway; a function because the port is known only after listening. */
  baseUrl: () => string;
  port: () => number;
  allowedOrigins: string[];
  maxBodyBytes: number;
  /** Emulators to mount (demo mode). */
  emulators?: Emulator[];
  /** The gateway's own OAuth authorization server (MCP clients log in to it) and its resource-server check. */
  oauth: OAuthServer;
  /** Managed connections' pages: connect links, the upstream OAuth callback, the connection manager. */
  connectionRoutes?: Hono;
  /** The router surface at `/mcp` (meta-tools); its connect links are the managed connections' (`connectionRoutes`). */
  router?: Router;
}

type Env = AuthEnv;

/** The whole HTTP surface, wired from explicit dependencies (tests build it with their own). */
export function createApp(deps: AppDeps): Hono<Env> {
  const app = new Hono<Env>();
  const toolLists = new Map<string, Tool[]>();
  for (const [id, toolkit] of deps.catalog.toolkits) toolLists.set(id, listEntries(toolkit));

  let allowedCache: { key: string; value: ReturnType<typeof allowedFor> } | undefined;
  const allowed = () => {
    const key = `${deps.baseUrl()}|${deps.port()}`;
    if (allowedCache?.key !== key)
      allowedCache = { key, value: allowedFor(deps.baseUrl(), deps.port(), deps.allowedOrigins) };
    return allowedCache.value;
  };

  app.get('/healthz', async (c) => {
    try {
      await sql`select 1`.execute(deps.db);
      return c.json({ status: 'ok', version: SERVER_VERSION });
    } catch {
      return c.json({ status: 'unavailable', reason: 'database' }, 503);
    }
  });

  // The authorization server: discovery documents, /oauth/* endpoints; and the pages (login, consent, console).
  app.route('/', deps.oauth.routes);
  for (const path of ['/login', '/login/*', '/logout', '/console', '/console/*', '/connections', '/connections/*']) {
    app.use(path, hostGuard(deps.oauth.origins));
  }
  app.route(
    '/',
    createWebRoutes({
      db: deps.db,
      log: deps.log,
      origins: deps.oauth.origins,
      settings: deps.oauth.settings,
      clientIp,
    }),
  );
  if (deps.connectionRoutes) app.route('/', deps.connectionRoutes);

  const mcp = new Hono<Env>();
  // Calls in flight on every MCP surface, for notifications/cancelled (which arrive in requests of their own).
  const inFlight = createInFlightCalls();
  // Origin/Host first: a forbidden browser origin gets 403 before any authentication (DNS rebinding).
  mcp.use(originHostGuard(allowed));
  // Every path under /mcp (toolkits now, the router later): an API key or an OAuth access token for this
  // resource, else the 401/403 challenges that start a client's login (MCP authorization).
  mcp.use(deps.oauth.bearer());
  mcp.use(
    bodyLimit({
      maxSize: deps.maxBodyBytes,
      onError: (c) => c.json(jsonRpcError(-32600, `request body exceeds ${deps.maxBodyBytes} bytes`), 413),
    }),
  );
  // The router: the meta-tools through which a model finds and runs any tool (the URL most users add).
  mcp.all('/', async (c) => {
    const router = deps.router;
    if (!router) return c.json(jsonRpcError(-32601, 'the router is not enabled on this gateway'), 404);
    if (c.req.method !== 'POST') {
      c.header('Allow', 'POST');
      return c.json(jsonRpcError(-32000, 'Method not allowed: this endpoint takes POST only'), 405);
    }
    const server = createRouterServer({ router, userId: c.get('user').id, inFlight, signal: c.req.raw.signal });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      void server.close();
    }
  });
  mcp.all('/:toolkit', async (c) => {
    const toolkit = deps.catalog.toolkits.get(c.req.param('toolkit'));
    if (!toolkit) return c.json(jsonRpcError(-32601, `no toolkit "${c.req.param('toolkit')}" here`), 404);
    if (c.req.method !== 'POST') {
      // Stateless JSON server: no standalone SSE stream (it starves HTTP/2 clients, see clients.md) and no
      // sessions to delete.
      c.header('Allow', 'POST');
      return c.json(jsonRpcError(-32000, 'Method not allowed: this endpoint takes POST only'), 405);
    }
    const server = createToolkitServer({
      toolkit,
      tools: toolLists.get(toolkit.id)!,
      executor: deps.executor,
      userId: c.get('user').id,
      inFlight,
      signal: c.req.raw.signal,
    });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      // With JSON responses the body is complete once handleRequest resolves.
      void server.close();
    }
  });
  app.route('/mcp', mcp);

  for (const emulator of deps.emulators ?? []) app.route('/', emulator.app);

  app.notFound((c) => c.json({ error: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError((err, c) => {
    deps.log.error({ err, path: c.req.path }, 'request failed');
    return c.json({ error: 'internal', message: 'internal error; it was logged' }, 500);
  });
  return app;
}
