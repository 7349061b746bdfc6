/**
 * Redirect URI rules for public (native and CLI) clients.
 *
 * Accepted at registration:
 * - `http` only on a loopback host: `127.0.0.1`, `[::1]` (RFC 8252 §7.3) and `localhost` (§8.3 discourages it, but
 *   mcp-remote and Claude Code use it), any port or none;
 * - `https` on any host (RFC 8252 §7.2, claimed https URLs, and web clients);
 * - private-use schemes (RFC 8252 §7.1): reverse-domain schemes (with a dot, `com.example.app:/cb`) and the few
 *   named schemes of known MCP clients (`cursor://…`). A private-use scheme can be claimed by another app on the
 *   device, as a loopback port can be taken; PKCE (required here) is what stops an interceptor from using a code.
 * Everything else is refused, including fragments (RFC 6749 §3.1.2) and user info.
 *
 * Matching at authorization (OAuth 2.1 §4.1.3 / BCP 240 §4.1.3): exact string comparison, except that for loopback
 * URIs the port is ignored, because native clients pick a free port at each login (RFC 8252 §7.3).
 */

export type RedirectKind = 'loopback' | 'https' | 'private-use';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Named private-use schemes of known MCP clients that do not follow the reverse-domain convention. */
const KNOWN_APP_SCHEMES = new Set(['cursor', 'vscode', 'vscode-insiders', 'windsurf']);

/** Schemes a browser could treat as content or script, never acceptable whatever their spelling. */
const FORBIDDEN_SCHEMES = new Set([
  'javascript',
  'data',
  'vbscript',
  'file',
  'blob',
  'about',
  'filesystem',
  'view-source',
  'ftp',
  'ws',
  'wss',
]);

export const MAX_REDIRECT_URI_LENGTH = 2000;
export const MAX_REDIRECT_URIS = 10;

export function redirectUriProblem(uri: string): { kind: RedirectKind } | { error: string } {
  if (typeof uri !== 'string' || uri.length === 0) return { error: 'a redirect URI must be a non-empty string' };
  if (uri.length > MAX_REDIRECT_URI_LENGTH) return { error: `redirect URIs are limited to ${MAX_REDIRECT_URI_LENGTH}` };
  if (uri.includes('#')) return { error: 'a redirect URI must not contain a fragment (RFC 6749 §3.1.2)' };
  // Control characters and spaces are never part of a URI (RFC 3986 §2).
  if (/[\u0000-\u0020\u007f]/.test(uri))
    return { error: 'a redirect URI must not contain spaces or control characters' };
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return { error: `"${uri.slice(0, 100)}" is not an absolute URI` };
  }
  if (u.username || u.password) return { error: 'a redirect URI must not contain user information' };
  const scheme = u.protocol.slice(0, -1).toLowerCase();
  if (scheme === 'http') {
    if (!LOOPBACK_HOSTS.has(u.hostname)) {
      return {
        error:
          'http redirect URIs must use a loopback host (127.0.0.1, [::1] or localhost, RFC 8252 §7.3); use https otherwise',
      };
    }
    return { kind: 'loopback' };
  }
  if (scheme === 'https') {
    if (!u.hostname) return { error: 'an https redirect URI needs a host' };
    return { kind: 'https' };
  }
  if (FORBIDDEN_SCHEMES.has(scheme)) return { error: `the "${scheme}:" scheme is not allowed for redirect URIs` };
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) return { error: 'the redirect URI scheme is malformed' };
  if (scheme.includes('.') || KNOWN_APP_SCHEMES.has(scheme)) return { kind: 'private-use' };
  return {
    error: `private-use redirect URI schemes must be reverse domain names such as com.example.app (RFC 8252 §7.1); "${scheme}:" is not`,
  };
}

/** Whether `requested` matches one of the registered URIs (exact; any port for loopback). */
export function redirectUriMatches(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  if (!URL.canParse(requested) || requested.includes('#')) return false;
  const r = new URL(requested);
  if (r.protocol !== 'http:' || !LOOPBACK_HOSTS.has(r.hostname) || r.username || r.password) return false;
  return registered.some((candidate) => {
    if (!URL.canParse(candidate)) return false;
    const c = new URL(candidate);
    // Same scheme, host spelling, path and query; only the port may differ (RFC 8252 §7.3).
    return (
      c.protocol === 'http:' &&
      c.hostname === r.hostname &&
      c.pathname === r.pathname &&
      c.search === r.search &&
      // The path as written, too: `new URL` normalises dot segments and percent-encoding.
      stripOrigin(candidate) === stripOrigin(requested)
    );
  });
}

/** The URI after its authority, as written. */
function stripOrigin(uri: string): string {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*(.*)$/.exec(uri);
  return m ? m[1]! : uri;
}

/** What the consent page shows as "where the code goes": the host of the redirect URI, or the app scheme. */
export function redirectDisplay(uri: string): { host: string; note: string } {
  const check = redirectUriProblem(uri);
  if ('error' in check) return { host: uri, note: '' };
  const u = new URL(uri);
  if (check.kind === 'loopback') return { host: u.hostname, note: 'an app on this computer' };
  if (check.kind === 'https') return { host: u.host, note: 'a website' };
  return { host: `${u.protocol}//${u.host}`, note: 'the app that handles this link type on this device' };
}
