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
} from '../framework.ts';
import { authenticator, type ConfluenceDeps, type ConfluenceEnv, confluenceErrorBody } from './http.ts';
import * as contentGroup from './routes-content.ts';
import * as labelsMiscGroup from './routes-labels-misc.ts';
import * as spacesPropertiesGroup from './routes-spaces-properties.ts';
import { seedConfluence } from './seed.ts';
import { ConfluenceState } from './state.ts';
import { V1_ROUTES } from './v1.ts';
import { type RouteDef, V2_ROUTES } from './v2.ts';

export { CqlError, parseCql } from './cql.ts';
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
  /** The emulator's clock (timestamps, CQL date functions, seed dates). */
  now?: () => Date;
}

export interface ConfluenceEmulator extends Emulator {
  state: ConfluenceState;
  basePath: string;
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
  const reset = () => {
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
  const deps: ConfluenceDeps = { state, basePath };
  const app = createEmulatorApp<ConfluenceEnv>({
    basePath,
    faults,
    errorBody: confluenceErrorBody,
    reset,
    authenticate: authenticator(deps),
  });
  for (const route of ALL_ROUTES) {
    const path = route.path.replace(/\{([^}]+)\}/g, ':$1');
    app.on(route.method, path, (c) => route.handler(c, deps));
  }
  finishEmulatorApp(app, confluenceErrorBody, basePath);

  return {
    name: 'confluence',
    basePath,
    // The gateway mounts it untyped; the context variables are the emulator's own business.
    app: app as unknown as Hono,
    state,
    faults,
    reset() {
      reset();
      faults.clear();
    },
  };
}
