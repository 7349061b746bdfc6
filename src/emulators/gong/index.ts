/**
 * A faithful in-memory Gong emulator (public REST API v2). The "token host" is `{origin}{basePath}` (OAuth under
 * `{basePath}/oauth2/...`, and the API for access keys at `{basePath}/v2/...`); the customer API base returned as
 * `api_base_url_for_customer` is `{origin}{basePath}/customer-api`, the only base where OAuth access tokens work.
 *
 * Limits as Gong: 3 requests per second per company and a daily quota (10,000 by default), both switchable with
 * `rateLimits` or `POST {basePath}/__control/limits` `{perSecond, perDay, dailyUsed}` (null switches one off).
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import {
  createEmulatorApp,
  createFaultController,
  type Emulator,
  finishEmulatorApp,
  normalizeBasePath,
  TrafficRecorder,
} from '../framework.ts';
import {
  authenticator,
  CUSTOMER_API_PREFIX,
  createGongRateLimiter,
  type GongDeps,
  type GongEnv,
  type GongRateLimiter,
  type GongRateLimitOptions,
  gongErrorBody,
  type RequestArrival,
  type RouteDef,
  requireScopes,
} from './http.ts';
import { mountOAuth } from './oauth.ts';
import { CALL_ROUTES, MEDIA_PREFIX, serveMedia } from './routes-calls.ts';
import * as engageGroup from './routes-engage.ts';
import * as statsGroup from './routes-stats.ts';
import { USER_SETTINGS_ROUTES } from './routes-users-settings.ts';
import { seedGong } from './seed.ts';
import { GongState } from './state.ts';

export type {
  GongAuth,
  GongContext,
  GongDeps,
  GongEnv,
  GongRateLimitOptions,
  RequestArrival,
  RouteDef,
  RouteHandler,
} from './http.ts';
export { CUSTOMER_API_PREFIX } from './http.ts';
export { GONG_ALL_SCOPES, GONG_DEMO, GONG_SEED, type GongSeedIds } from './seed.ts';
export * from './state.ts';

export interface GongEmulatorOptions {
  /** Default '/emulators/gong'. */
  basePath?: string;
  /** Seed calls, activity and the groups' data (default true); company, workspaces, users and credentials always. */
  seed?: boolean;
  /** The emulator's clock (seed dates, token expiry, the daily quota's day). */
  now?: () => Date;
  /** Company rate limits (default 3 per second and 10,000 per day); null switches one off. */
  rateLimits?: GongRateLimitOptions;
  /** OAuth access token lifetime in seconds (default 86,400). */
  tokenTtlSeconds?: number;
}

export interface GongEmulator extends Emulator {
  state: GongState;
  /** Records the API exchanges when enabled (paths relative to the API base: `/v2/...`); see `gongTrafficPath`. */
  traffic: TrafficRecorder;
  basePath: string;
  /** The company rate limits (switchable at run time). */
  limits: GongRateLimiter;
  /** Arrival times of authenticated API requests that passed the limits (read by pacing tests). */
  arrivals: RequestArrival[];
}

const ALL_ROUTES: RouteDef[] = [...CALL_ROUTES, ...USER_SETTINGS_ROUTES, ...statsGroup.ROUTES, ...engageGroup.ROUTES];

/** Every operation the emulator serves: `{method, path, scopes}` with OpenAPI-style paths. */
export const GONG_ROUTES: readonly Omit<RouteDef, 'handler'>[] = ALL_ROUTES.map(({ method, path, scopes }) => ({
  method,
  path,
  scopes,
}));

/**
 * The path a recorded exchange gets: relative to the API base (`/v2/calls/123`), whether the request came to the
 * access-key base (`{basePath}/v2/...`) or to the OAuth customer base (`{basePath}/customer-api/v2/...`). OAuth
 * endpoints and the pre-signed media URLs are not API operations and are not recorded (nor is `/__control`).
 */
export function gongTrafficPath(relativePath: string): string | undefined {
  if (relativePath.startsWith('/oauth2/') || relativePath === '/oauth2') return undefined;
  if (relativePath.startsWith(`${MEDIA_PREFIX}/`)) return undefined;
  if (relativePath === CUSTOMER_API_PREFIX || relativePath.startsWith(`${CUSTOMER_API_PREFIX}/`)) {
    return relativePath.slice(CUSTOMER_API_PREFIX.length) || '/';
  }
  return relativePath;
}

const limitsSchema = z.strictObject({
  perSecond: z.number().min(1).nullable().optional(),
  perDay: z.number().min(1).nullable().optional(),
  dailyUsed: z.int().min(0).optional(),
});

export function createGongEmulator(opts: GongEmulatorOptions = {}): GongEmulator {
  const basePath = normalizeBasePath(opts.basePath ?? '/emulators/gong');
  const seed = opts.seed ?? true;
  const state = new GongState(opts.now);
  const limits = createGongRateLimiter(opts.rateLimits ?? {}, state.now);
  const arrivals: RequestArrival[] = [];
  const reseed = () => {
    state.clear();
    seedGong(state, seed);
    if (seed) {
      statsGroup.seedStats(state);
      engageGroup.seedEngage(state);
    }
  };
  const resetAll = () => {
    reseed();
    limits.reset();
    arrivals.length = 0;
  };
  reseed();

  const faults = createFaultController();
  const traffic = new TrafficRecorder();
  const deps: GongDeps = { state, basePath, limits };
  const errorBody = gongErrorBody(state);
  const app = createEmulatorApp<GongEnv>({
    basePath,
    faults,
    errorBody,
    reset: resetAll,
    authenticate: authenticator(deps, arrivals),
    traffic,
    trafficPath: gongTrafficPath,
  });

  app.get('/__control/limits', (c) => c.json(limits.describe()));
  app.post('/__control/limits', async (c) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return c.json({ error: 'invalid_json', message: 'send a JSON object' }, 400);
    }
    const parsed = limitsSchema.safeParse(raw);
    if (!parsed.success) return c.json({ error: 'invalid_request', message: z.prettifyError(parsed.error) }, 400);
    const { dailyUsed, ...rest } = parsed.data;
    limits.configure(rest);
    if (dailyUsed !== undefined) limits.setDailyUsed(dailyUsed);
    return c.json({ ok: true, ...limits.describe() });
  });

  mountOAuth(app, deps, { tokenTtlSeconds: opts.tokenTtlSeconds ?? 86_400 });
  app.get(`${MEDIA_PREFIX}/:callId/:kind`, (c) => serveMedia(c, deps));

  // Static paths before parameterised ones (`/v2/calls/extensive` before `/v2/calls/{id}`).
  const ordered = [...ALL_ROUTES].sort((a, b) => Number(a.path.includes('{')) - Number(b.path.includes('{')));
  for (const prefix of ['', CUSTOMER_API_PREFIX]) {
    for (const route of ordered) {
      const path = prefix + route.path.replace(/\{([^}]+)\}/g, ':$1');
      app.on(route.method, path, (c) => {
        requireScopes(c, route.scopes);
        return route.handler(c, deps);
      });
    }
  }
  finishEmulatorApp(app, errorBody, basePath);

  return {
    name: 'gong',
    basePath,
    // The gateway mounts it untyped; the context variables are the emulator's own business.
    app: app as unknown as Hono,
    state,
    faults,
    limits,
    arrivals,
    traffic,
    reset() {
      resetAll();
      faults.clear();
    },
  };
}
