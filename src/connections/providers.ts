import { confluenceOperationScopes } from '../emulators/confluence/index.ts';
import { GONG_ALL_SCOPES } from '../emulators/gong/index.ts';
import { createCatalog } from '../toolkits/index.ts';
import { GatewayError } from '../util/errors.ts';

/**
 * What differs between the upstream OAuth providers: endpoints, client authentication, PKCE, extra authorize
 * parameters, default scopes. Everything else (state, PKCE, token exchange, refresh) is the same code in
 * `oauth-client.ts`, on `oauth4webapi`.
 */
export type ProviderId = 'atlassian' | 'gong';

export interface OAuthEndpoints {
  /** Where the browser is sent for consent. */
  authorize: string;
  /** The token endpoint (code exchange and refresh). */
  token: string;
  /** Atlassian: `accessible-resources` (the sites a grant reaches). */
  resources?: string;
  /** Atlassian: the API base of a site, `{cloudId}` replaced. Gong: the token response names it. */
  apiBase?: string;
}

export interface ProviderDef {
  id: ProviderId;
  toolkit: string;
  label: string;
  /** PKCE S256 (RFC 7636): Atlassian supports it; Gong's authorize endpoint has no code_challenge parameter. */
  pkce: boolean;
  /** Atlassian documents client_secret_post; Gong requires HTTP Basic on generate-customer-token. */
  clientAuth: 'post' | 'basic';
  /** Extra authorize parameters the provider needs. */
  authorizeParams: Record<string, string>;
  endpoints: OAuthEndpoints;
  /** The same endpoints on an emulator: `browser` is the URL people reach, `server` the one the gateway calls. */
  emulatorEndpoints(browser: string, server: string): OAuthEndpoints;
  /** Scopes a new auth config asks for when none are given. */
  defaultScopes(): string[];
  /** Scopes always added (Atlassian issues no refresh token without offline_access). */
  requiredScopes: string[];
  /** The host an API base URL must have when a user (not an administrator) supplies or receives it. */
  trustedApiHost: RegExp;
}

const ATLASSIAN: ProviderDef = {
  id: 'atlassian',
  toolkit: 'confluence',
  label: 'Atlassian (Confluence Cloud)',
  pkce: true,
  clientAuth: 'post',
  // audience and prompt=consent are what Atlassian's 3LO guide puts on every authorize URL.
  authorizeParams: { audience: 'api.atlassian.com', prompt: 'consent' },
  endpoints: {
    authorize: 'https://auth.atlassian.com/authorize',
    token: 'https://auth.atlassian.com/oauth/token',
    resources: 'https://api.atlassian.com/oauth/token/accessible-resources',
    apiBase: 'https://api.atlassian.com/ex/confluence/{cloudId}',
  },
  emulatorEndpoints: (browser, server) => ({
    authorize: `${browser}/oauth/authorize`,
    token: `${server}/oauth/token`,
    resources: `${server}/oauth/token/accessible-resources`,
    apiBase: `${server}/ex/confluence/{cloudId}`,
  }),
  defaultScopes: () => [...confluenceToolScopes(), 'offline_access'],
  requiredScopes: ['offline_access'],
  trustedApiHost: /^api\.atlassian\.com$/,
};

const GONG: ProviderDef = {
  id: 'gong',
  toolkit: 'gong',
  label: 'Gong',
  pkce: false,
  clientAuth: 'basic',
  authorizeParams: {},
  endpoints: {
    authorize: 'https://app.gong.io/oauth2/authorize',
    token: 'https://app.gong.io/oauth2/generate-customer-token',
  },
  emulatorEndpoints: (browser, server) => ({
    authorize: `${browser}/oauth2/authorize`,
    token: `${server}/oauth2/generate-customer-token`,
  }),
  defaultScopes: () => [...GONG_ALL_SCOPES],
  requiredScopes: [],
  // Gong's customer API bases are `https://<company>.api.gong.io`.
  trustedApiHost: /^([a-z0-9-]+\.)*api\.gong\.io$/,
};

export const PROVIDERS: Record<ProviderId, ProviderDef> = { atlassian: ATLASSIAN, gong: GONG };

export function providerFor(toolkit: string): ProviderDef | undefined {
  return Object.values(PROVIDERS).find((p) => p.toolkit === toolkit);
}

export function provider(id: string): ProviderDef {
  const p = PROVIDERS[id as ProviderId];
  if (!p) throw new GatewayError('invalid_arguments', `unknown OAuth provider "${id}" (known: atlassian, gong)`);
  return p;
}

let confluenceScopesCache: string[] | undefined;
/** Every Atlassian scope some Confluence tool needs (from the per-operation scope table). */
function confluenceToolScopes(): string[] {
  if (confluenceScopesCache) return confluenceScopesCache;
  const scopes = new Set<string>();
  const toolkit = createCatalog().toolkits.get('confluence');
  for (const tool of toolkit?.tools ?? []) {
    const http = tool.http as { method?: string; path?: string } | undefined;
    if (!http?.method || !http.path) continue;
    for (const s of confluenceOperationScopes(http.method, http.path) ?? []) scopes.add(s);
  }
  confluenceScopesCache = [...scopes].sort();
  return confluenceScopesCache;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopbackUrl(u: URL): boolean {
  return LOOPBACK.has(u.hostname);
}

/**
 * An upstream URL an administrator configured: absolute, https, no credentials, no fragment. Plain http only on
 * loopback (emulators, tests): tokens and API keys sent over plain http to another host could be read on the way
 * (RFC 6749 §3.1/§3.2 require TLS for the authorization and token endpoints).
 */
export function checkUpstreamUrl(value: string, what: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new GatewayError('invalid_arguments', `${what} must be an absolute URL (got "${value}")`);
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopbackUrl(u))) {
    throw new GatewayError('invalid_arguments', `${what} must be an https URL (plain http only on loopback)`);
  }
  if (u.username || u.password) throw new GatewayError('invalid_arguments', `${what} must not carry credentials`);
  if (u.hash) throw new GatewayError('invalid_arguments', `${what} must not have a fragment`);
  return value.replace(/\/+$/, '');
}

/**
 * A URL typed by a user on the connect form: only the provider's own hosts (`https://<site>.atlassian.net`,
 * `https://<company>.api.gong.io`). Users must not be able to point the gateway's HTTP client at arbitrary hosts
 * (SSRF: internal services, cloud metadata addresses); an administrator who needs another host presets it in the
 * auth config (CLI or environment), which users cannot change.
 */
export function checkUserSuppliedBaseUrl(toolkit: string, value: string): string {
  let u: URL;
  try {
    u = new URL(value.trim());
  } catch {
    throw new GatewayError('invalid_arguments', 'enter an absolute URL starting with https://');
  }
  const host = u.hostname.toLowerCase();
  const ok =
    u.protocol === 'https:' &&
    !u.port &&
    !u.username &&
    !u.password &&
    (toolkit === 'confluence'
      ? /^[a-z0-9][a-z0-9-]*\.atlassian\.net$/.test(host)
      : /^([a-z0-9-]+\.)*api\.gong\.io$/.test(host));
  if (!ok) {
    throw new GatewayError(
      'invalid_arguments',
      toolkit === 'confluence'
        ? 'the site must look like https://your-site.atlassian.net'
        : 'the API base URL must look like https://us-12345.api.gong.io',
    );
  }
  return `https://${host}`;
}
