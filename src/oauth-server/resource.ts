/**
 * RFC 8707 resource indicators. A resource is this gateway's MCP endpoint (`<origin>/mcp`) or a path under it
 * (`<origin>/mcp/confluence`); a token issued for a resource is accepted there and under it, nowhere else
 * (MCP authorization, "Token Audience Binding and Validation").
 */
export const MCP_PATH = '/mcp';

export function mcpPathOf(pathname: string): boolean {
  return pathname === MCP_PATH || pathname.startsWith(`${MCP_PATH}/`);
}

/** Parses a `resource` value into its canonical form (no trailing slash), or says why it is not ours. */
export function parseResource(raw: string, ourOrigins: Set<string>): { resource: string } | { error: string } {
  // RFC 8707 §2: an absolute URI without a fragment; it SHOULD NOT have a query, and ours never do.
  if (raw.length > 2000 || !URL.canParse(raw)) return { error: 'resource must be an absolute URI' };
  if (raw.includes('#')) return { error: 'resource must not contain a fragment (RFC 8707 §2)' };
  const u = new URL(raw);
  if (u.search) return { error: 'resource must not contain a query' };
  if (u.username || u.password) return { error: 'resource must not contain user information' };
  const path = u.pathname.length > 1 ? u.pathname.replace(/\/$/, '') : u.pathname;
  if (!ourOrigins.has(u.origin) || !mcpPathOf(path)) {
    return {
      error: `resource ${raw.slice(0, 200)} is not an MCP endpoint of this server (expected <this server>/mcp...)`,
    };
  }
  return { resource: `${u.origin}${path}` };
}

/** Whether a token for `granted` may be used at (or be narrowed to) `requested`; both canonical. */
export function resourceCovers(granted: string, requested: string): boolean {
  const g = new URL(granted);
  const r = new URL(requested);
  if (g.origin !== r.origin) return false;
  return r.pathname === g.pathname || r.pathname.startsWith(`${g.pathname}/`);
}
