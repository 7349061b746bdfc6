/**
 * The scopes of this gateway's access tokens. `tools:use` is what every MCP endpoint requires; `connections:manage`
 * is for the router's connection tools (connect, re-connect, remove an app account), so a client can be given
 * tool use without the right to change the user's connections.
 */
export const SCOPES = {
  'tools:use': 'List and run tools with your connected apps, as you',
  'connections:manage': 'See, add and remove your app connections',
} as const;

export type Scope = keyof typeof SCOPES;
export const SUPPORTED_SCOPES = Object.keys(SCOPES) as Scope[];

/** Granted when an authorization request names no scope (RFC 6749 §3.3 lets the server pick a default). */
export const DEFAULT_SCOPES: Scope[] = ['tools:use'];

/** What every path under /mcp requires. */
export const MCP_REQUIRED_SCOPES: Scope[] = ['tools:use'];

/**
 * `offline_access` asks for a refresh token (OpenID Connect Core §11); this server always issues one, so the
 * scope is accepted and dropped rather than refused.
 */
const IGNORED_SCOPES = new Set(['offline_access']);

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3 scope-token

/** Parses a `scope` parameter; unknown scopes are an `invalid_scope` error (RFC 6749 §4.1.2.1). */
export function parseScope(raw: string | undefined): { scopes: Scope[] } | { error: string } {
  if (raw === undefined || raw.trim() === '') return { scopes: [...DEFAULT_SCOPES] };
  const requested = raw.split(' ').filter(Boolean);
  const scopes = new Set<Scope>();
  for (const s of requested) {
    if (!SCOPE_TOKEN.test(s)) return { error: 'the scope parameter is malformed' };
    if (IGNORED_SCOPES.has(s)) continue;
    if (!(s in SCOPES)) return { error: `unknown scope "${s}"; supported: ${SUPPORTED_SCOPES.join(' ')}` };
    scopes.add(s as Scope);
  }
  if (scopes.size === 0) return { scopes: [...DEFAULT_SCOPES] };
  // Canonical order, so equal grants compare equal.
  return { scopes: SUPPORTED_SCOPES.filter((s) => scopes.has(s)) };
}

export const scopeString = (scopes: readonly string[]): string => scopes.join(' ');
export const scopeList = (scope: string): string[] => scope.split(' ').filter(Boolean);
