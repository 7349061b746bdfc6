/**
 * A faithful in-memory Confluence Cloud emulator. The emulated site root is `{origin}{basePath}`, so the v2 API is
 * at `{basePath}/wiki/api/v2/...` and v1 at `{basePath}/wiki/rest/api/...`, like `https://x.atlassian.net/wiki/...`.
 */
import type { Hono } from 'hono';
import {
  createEmulatorApp,
  createFaultController,
  type Emulator,
  finishEmulatorApp,
  normalizeBasePath,
  TrafficRecorder,
} from '../framework.ts';
import { authenticator, type ConfluenceDeps, type ConfluenceEnv, confluenceErrorBody, siteRelative } from './http.ts';
import { ConfluenceOAuth, createScopeResolver, mountOAuthRoutes } from './oauth.ts';
import * as contentGroup from './routes-content.ts';
import * as labelsMiscGroup from './routes-labels-misc.ts';
import * as spacesPropertiesGroup from './routes-spaces-properties.ts';
import { seedConfluence } from './seed.ts';
import { ConfluenceState } from './state.ts';
import { V1_ROUTES } from './v1.ts';
import { type RouteDef, V2_ROUTES } from './v2.ts';

export { CqlError, parseCql } from './cql.ts';
export {
  ACCESS_TOKEN_TTL_SECONDS,
  type AccessGrant,
  allKnownScopes,
  CONFLUENCE_CLOUD_ID,
  CONFLUENCE_DEMO_OAUTH_CLIENT,
  CONFLUENCE_OPERATION_SCOPES,
  CONFLUENCE_SITE_NAME,
  ConfluenceOAuth,
  confluenceOperationScopes,
  type OAuthClient,
  REFRESH_TOKEN_LEEWAY_MS,
  type TokenResponse,
} from './oauth.ts';
export { CONFLUENCE_DEMO_USER, CONFLUENCE_SEED } from './seed.ts';
export type {
  ConfluenceUser,
  PageBody,
  PageRecord,
  PageStatus,
  PageVersionRecord,
  SpaceRecord,
  VersionInfo,
} from './state.ts';
export { ConfluenceState } from './state.ts';

export interface ConfluenceEmulatorOptions {
  /** Default '/emulators/confluence'. */
  basePath?: string;
  /** Seed spaces and pages (default true); users are always seeded. */
  seed?: boolean;
  /** The emulator's clock (timestamps, CQL date functions, seed dates, OAuth token lifetimes). */
  now?: () => Date;
  /** The site's cloud id for the 3LO API-host form (default `CONFLUENCE_CLOUD_ID`). */
  cloudId?: string;
}

export interface ConfluenceEmulator extends Emulator {
  state: ConfluenceState;
  basePath: string;
  /** Atlassian OAuth 2.0 (3LO): clients, codes, tokens (see oauth.ts for the URL mapping). */
  oauth: ConfluenceOAuth;
  /** `{basePath}/ex/confluence/{cloudId}` is the API-host form of the site root, for 3LO tokens. */
  cloudId: string;
  traffic: TrafficRecorder;
}

/** Every route the emulator serves, as `{api, method, path}` with OpenAPI-style `{param}` paths from the site root. */
const ALL_ROUTES: RouteDef[] = [
  ...V2_ROUTES,
  ...V1_ROUTES,
  ...contentGroup.ROUTES,
  ...spacesPropertiesGroup.ROUTES,
  ...labelsMiscGroup.ROUTES,
];

export const CONFLUENCE_ROUTES: readonly Omit<RouteDef, 'handler'>[] = ALL_ROUTES.map(({ api, method, path }) => ({
  api,
  method,
  path,
}));

export function createConfluenceEmulator(opts: ConfluenceEmulatorOptions = {}): ConfluenceEmulator {
  const basePath = normalizeBasePath(opts.basePath ?? '/emulators/confluence');
  const seed = opts.seed ?? true;
  const state = new ConfluenceState(opts.now);
  const oauth = new ConfluenceOAuth({ state, cloudId: opts.cloudId });
  const reset = () => {
    oauth.reset();
    state.clear();
    seedConfluence(state, seed);
    if (seed) {
      contentGroup.seedContent(state);
      spacesPropertiesGroup.seedSpacesProperties(state);
      labelsMiscGroup.seedLabelsMisc(state);
    }
  };
  reset();

  const faults = createFaultController();
  const traffic = new TrafficRecorder();
  const deps: ConfluenceDeps = { state, basePath };
  const app = createEmulatorApp<ConfluenceEnv>({
    basePath,
    faults,
    errorBody: confluenceErrorBody,
    reset,
    authenticate: authenticator(deps, { oauth, operation: createScopeResolver(ALL_ROUTES) }),
    traffic,
    trafficPath: siteRelative,
  });
  mountOAuthRoutes(app, oauth, basePath);
  for (const route of ALL_ROUTES) {
    const path = route.path.replace(/\{([^}]+)\}/g, ':$1');
    const handler = (c: Parameters<typeof route.handler>[0]) => route.handler(c, deps);
    app.on(route.method, path, handler);
    // The same operation on the API host (api.atlassian.com/ex/confluence/{cloudId}/wiki/...), for 3LO tokens;
    // http.ts checks the cloud id and the scopes before the handler runs.
    app.on(route.method, `/ex/confluence/:cloudId${path}`, handler);
  }
  // The media service's signed file URLs, where attachment downloads redirect (not a REST API route).
  labelsMiscGroup.mountMediaRoutes(app, deps);
  finishEmulatorApp(app, confluenceErrorBody, basePath);

  return {
    name: 'confluence',
    basePath,
    // The gateway mounts it untyped; the context variables are the emulator's own business.
    app: app as unknown as Hono,
    state,
    faults,
    oauth,
    cloudId: oauth.cloudId,
    traffic,
    reset() {
      reset();
      faults.clear();
    },
  };
}
