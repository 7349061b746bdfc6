/**
 * The origins this gateway answers at. With a configured public URL (SWITCHBOARD_PUBLIC_URL: a reverse proxy, TLS)
 * that URL's origin is the only one: discovery documents, the issuer and token audiences always use it, whatever
 * Host a proxy forwards. Without one (local use), the loopback aliases of the port count too, and documents are
 * written for the alias the client used: a client configured with `http://localhost:8787/mcp` while the gateway
 * says `127.0.0.1` then finds a protected resource whose origin matches its own URL, which clients check
 * (RFC 9728 §3.3), and gets tokens for that origin.
 */
export interface ServerOrigins {
  /** The public base URL's origin. */
  base(): string;
  /** Every origin tokens may be issued for. */
  all(): Set<string>;
  /** The origin a request with this Host header reached (the issuer and resource origin for that request). */
  forHost(host: string | undefined): string;
  /** Whether this Host header names this server (the same set the MCP Host guard accepts). */
  isOurHost(host: string | undefined): boolean;
}

export function createServerOrigins(
  baseUrl: () => string,
  port: () => number,
  opts: { publicUrlConfigured: boolean },
): ServerOrigins {
  let cache: { key: string; base: string; hosts: Set<string>; byHost: Map<string, string> } | undefined;
  const current = () => {
    const key = `${baseUrl()}|${port()}`;
    if (cache?.key !== key) {
      const u = new URL(baseUrl());
      const loopback = [`127.0.0.1:${port()}`, `localhost:${port()}`, `[::1]:${port()}`];
      const hosts = new Set([u.host.toLowerCase(), ...loopback]);
      const byHost = new Map<string, string>([[u.host.toLowerCase(), u.origin]]);
      if (!opts.publicUrlConfigured) {
        for (const h of loopback) if (!byHost.has(h)) byHost.set(h, `http://${h}`);
      }
      cache = { key, base: u.origin, hosts, byHost };
    }
    return cache;
  };
  return {
    base: () => current().base,
    all: () => new Set(current().byHost.values()),
    forHost: (host) => {
      const c = current();
      return (host && c.byHost.get(host.toLowerCase())) || c.base;
    },
    isOurHost: (host) => host !== undefined && current().hosts.has(host.toLowerCase()),
  };
}
