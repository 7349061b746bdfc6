import type { MiddlewareHandler } from 'hono';

/**
 * DNS-rebinding and cross-site protection for the MCP endpoints (MCP spec, transports, "Security Warning"):
 * the `Host` must be one this gateway answers to, and an `Origin`, when a browser sends one, must be allowed.
 * The SDK checks neither by default.
 */
export function originHostGuard(allowed: () => { hosts: Set<string>; origins: Set<string> }): MiddlewareHandler {
  return async (c, next) => {
    const { hosts, origins } = allowed();
    const host = c.req.header('host')?.toLowerCase();
    if (!host || !hosts.has(host)) {
      return c.json(jsonRpcError(-32000, `Forbidden: Host "${host ?? ''}" is not served here`), 403);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !origins.has(origin.toLowerCase().replace(/\/+$/, ''))) {
      return c.json(jsonRpcError(-32000, `Forbidden: Origin "${origin}" is not allowed`), 403);
    }
    await next();
  };
}

export const jsonRpcError = (code: number, message: string) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

/** Hosts and origins of a gateway reachable at `baseUrl`, plus loopback aliases of its port. */
export function allowedFor(
  baseUrl: string,
  port: number,
  extraOrigins: string[],
): { hosts: Set<string>; origins: Set<string> } {
  const u = new URL(baseUrl);
  const hosts = new Set([u.host.toLowerCase(), `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const origins = new Set([u.origin.toLowerCase(), ...extraOrigins.map((o) => o.toLowerCase())]);
  for (const h of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) origins.add(`http://${h}`);
  return { hosts, origins };
}
