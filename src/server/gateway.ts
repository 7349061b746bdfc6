import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Config, publicBaseUrl } from '../config/index.ts';
import { syncEnvAuthConfigs } from '../connections/auth-configs.ts';
import { ensureDemoData } from '../connections/demo.ts';
import { createConnectFlows } from '../connections/flows.ts';
import { type Connections, createConnections } from '../connections/index.ts';
import { createExecutor } from '../execution/executor.ts';
import { createHttpClient } from '../execution/http.ts';
import { findUserByName } from '../identity/index.ts';
import { hasPassword } from '../identity/passwords.ts';
import { createLoginLink } from '../identity/sessions.ts';
import { createOAuthServer, createServerOrigins } from '../oauth-server/index.ts';
import { createResultStore, type ResultStore } from '../results/store.ts';
import { createConnectionsApi } from '../router/connections-api.ts';
import { createRouter, type Router } from '../router/index.ts';
import { createToolPolicy, policedExecutor, restrictCatalog } from '../router/policy.ts';
import { migrate, openStore, type Store } from '../store/db.ts';
import { createCatalog } from '../toolkits/index.ts';
import type { Logger } from '../util/log.ts';
import { checkKeyring, createVault, loadKeyring, type Vault } from '../vault/index.ts';
import { createConnectionRoutes } from '../web/connections.ts';
import { createWorkbench, type Workbench } from '../workbench/index.ts';
import { createSandboxPool } from '../workbench/pool.ts';
import { createApp } from './app.ts';
import { startEmulatorServer } from './emulator-server.ts';
import { createEmulators } from './emulators.ts';

export interface Gateway {
  url: string;
  port: number;
  store: Store;
  vault: Vault;
  connections: Connections;
  emulators: ReturnType<typeof createEmulators>;
  /**
   * Demo mode, while the demo user has no password: a single-use sign-in link (15 minutes) for the browser
   * login that MCP clients open. The CLI prints it to stderr; it is never logged.
   */
  demoLoginLink: string | undefined;
  /** The router surface (meta-tools, search index) and the large-result store behind it. */
  router: Router;
  results: ResultStore;
  workbench: Workbench | undefined;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then closes the store. */
  close(): Promise<void>;
}

/** How long the demo's one-time sign-in link works. */
const DEMO_LINK_TTL_S = 15 * 60;

/** Opens the store (migrating it), checks the vault key, and serves the app. */
export async function startGateway(config: Config, log: Logger): Promise<Gateway> {
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let vault: Vault;
  try {
    const { applied } = await migrate(store);
    if (applied.length) log.info({ applied }, 'database migrated');
    const keyring = loadKeyring({ keys: config.encryptionKeys, demo: config.demo, dataDir: config.dataDir, log });
    await checkKeyring(store.db, keyring);
    vault = createVault(keyring);
  } catch (e) {
    await store.close();
    throw e;
  }
  // Toolkits the deployment does not enable are not loaded: no surface, search or executor can reach them.
  const catalog = restrictCatalog(createCatalog(), config.router.toolkits);
  const emulators = createEmulators(config.demo);
  // In demo mode the gateway reaches the emulators through a loopback listener of their own, as it reaches real
  // upstreams: so a call in flight during shutdown can still complete its upstream requests after the public
  // listener stopped accepting. The same emulators are also mounted on the public listener for people and tests.
  const upstream = config.demo ? await startEmulatorServer('127.0.0.1', 0, emulators) : undefined;
  let port = config.port;
  const baseUrl = () => publicBaseUrl(config, port);
  const connections = createConnections({
    db: store.db,
    vault,
    dialect: store.dialect,
    emulatorBaseUrl: (toolkit) => upstream?.urls.get(toolkit),
    // The emulators' consent pages as a browser reaches them: on this gateway's public listener.
    emulatorBrowserUrl: (toolkit) => (upstream?.urls.has(toolkit) ? `${baseUrl()}/emulators/${toolkit}` : undefined),
    publicUrl: baseUrl,
    log,
    refreshSkewMs: config.connections.refreshSkewS * 1000,
  });
  await syncEnvAuthConfigs(connections.authConfigs, config.connections);
  const connectFlows = createConnectFlows({ db: store.db, vault, connections });
  const http = createHttpClient();
  // Who may use which tool: one policy, in front of the executor every surface shares, and in the router's search.
  const policy = createToolPolicy();
  const executor = policedExecutor(
    createExecutor({ db: store.db, catalog, connections, http, log, limits: config.upstream }),
    catalog,
    policy,
  );
  const results = createResultStore({ db: store.db, ttlMs: config.router.resultTtlS * 1000 });
  // The workbench's sandbox threads start with the first program (warm() starts them ahead, as serve does).
  const workbench = config.workbench.enabled
    ? createWorkbench({
        pool: createSandboxPool({
          size: config.workbench.workers,
          queueMax: config.workbench.queueMax,
          queueWaitMs: config.workbench.queueWaitMs,
          workerHeapMb: Math.max(64, Math.ceil((config.workbench.limits.maxResultChars * 6) / 1048576)),
          memoryBytes: config.workbench.limits.memoryBytes,
        }),
        results,
        limits: config.workbench.limits,
        maxCodeChars: config.workbench.maxCodeChars,
      })
    : undefined;
  const router = createRouter({
    catalog,
    executor,
    policy,
    // The managed connections: manage_connections hands out their connect links, wait_for_connections follows them.
    connections: createConnectionsApi({ connections }),
    results,
    inlineMaxChars: config.router.inlineMaxChars,
    waitMaxMs: config.router.waitMaxS * 1000,
    ...(workbench ? { workbench } : {}),
  });
  const oauth = createOAuthServer({
    db: store.db,
    log,
    origins: createServerOrigins(baseUrl, () => port, { publicUrlConfigured: config.publicUrl !== undefined }),
    settings: config.oauth,
  });
  const app = createApp({
    router,
    db: store.db,
    catalog,
    executor,
    log,
    baseUrl,
    port: () => port,
    allowedOrigins: config.allowedOrigins,
    maxBodyBytes: config.maxBodyBytes,
    emulators: [...emulators.values()],
    oauth,
    connectionRoutes: createConnectionRoutes({
      db: store.db,
      log,
      origins: oauth.origins,
      sessionTtlS: config.oauth.sessionTtlS,
      connections,
      flows: connectFlows,
    }),
  });

  let inFlight = 0;
  const server = serve({
    // The Node bindings (`env.incoming`) give the OAuth server the client's address for its rate limits.
    fetch: async (req: Request, env: unknown) => {
      inFlight++;
      const started = performance.now();
      let status = 500;
      try {
        const res = await app.fetch(req, env);
        status = res.status;
        return res;
      } finally {
        inFlight--;
        if (log.isLevelEnabled('debug')) {
          const url = new URL(req.url);
          log.debug(
            { method: req.method, path: url.pathname, status, ms: Math.round(performance.now() - started) },
            'request',
          );
        }
      }
    },
    hostname: config.host,
    port: config.port,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  port = (server.address() as AddressInfo).port;
  if (config.demo) await ensureDemoData({ db: store.db, connections });
  let demoLoginLink: string | undefined;
  if (config.demo) {
    const demo = await findUserByName(store.db, 'demo');
    if (demo && !(await hasPassword(store.db, demo.id))) {
      const token = await createLoginLink(store.db, demo.id, DEMO_LINK_TTL_S);
      demoLoginLink = `${baseUrl()}/login/link?token=${token}`;
    }
  }
  // Expired codes, tokens and sessions, unused registrations: at start, then hourly (idempotent on every node).
  const sweep = () =>
    Promise.all([oauth.cleanup(), connections.cleanup()]).catch((e: unknown) =>
      log.warn({ err: e }, 'cleanup failed; it runs again in an hour'),
    );
  await sweep();
  const sweeper = setInterval(sweep, 3_600_000);
  sweeper.unref();
  // Stored results expire by the hour by default: swept every ten minutes (idempotent on every node).
  const sweepResults = () =>
    results.cleanup().catch((e: unknown) => log.warn({ err: e }, 'result cleanup failed; it runs again soon'));
  await sweepResults();
  const resultSweeper = setInterval(sweepResults, 600_000);
  resultSweeper.unref();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      log.info({ inFlight }, 'shutting down: no new connections, waiting for in-flight requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections with no request in flight would hold close() open.
      (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      const grace = new Promise<'timeout'>((resolve) => setTimeout(resolve, config.shutdownGraceMs, 'timeout').unref());
      if ((await Promise.race([closed, grace])) === 'timeout') {
        log.warn({ inFlight }, 'grace period over: closing remaining connections');
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        await closed;
      }
      clearInterval(sweeper);
      clearInterval(resultSweeper);
      // Programs still running past the grace period stop here (their answer says the gateway is shutting down).
      await workbench?.close();
      await http.close();
      await oauth.close();
      await upstream?.close();
      // Only after every request finished: nothing is half-written when the store closes.
      await store.close();
      log.info('stopped');
    })();
    return closing;
  };

  return {
    url: baseUrl(),
    port,
    store,
    vault,
    connections,
    emulators,
    demoLoginLink,
    router,
    results,
    workbench,
    close,
  };
}
