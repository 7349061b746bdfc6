import { setTimeout as sleep } from 'node:timers/promises';
import type { Connections } from '../connections/index.ts';
import type { ConnectAction, ConnectLinkAdapter } from './demo-connect-links.ts';

/**
 * What the router needs from the connections module, and nothing more: the meta-tools are written against this
 * interface. `list` and `remove` are the connections module's own; connect links and the wait come from
 * `ConnectLinkAdapter` (the demo adapter for now, the connections module's links once issue 6 lands: swap the
 * adapter in `server/gateway.ts`, nothing else changes).
 */
export interface ConnectionInfo {
  id: string;
  toolkit: string;
  alias: string;
  isDefault: boolean;
  status: string;
  statusReason: string | null;
  createdAt: string;
}

/** A toolkit's state for one user, as the model sees it. */
export type ToolkitStatus = 'active' | 'pending' | 'not_connected' | 'expired' | 'failed';

export interface ConnectionsApi {
  list(userId: string): Promise<ConnectionInfo[]>;
  createConnectLink(userId: string, toolkit: string, opts?: { replaces?: string }): Promise<ConnectAction>;
  remove(userId: string, connectionId: string): Promise<boolean>;
  /**
   * Waits (bounded) until the toolkits are usable: `any` returns as soon as one is active, `all` when every one is
   * (or when none can change any more: no pending link). Returns each toolkit's status at that moment.
   */
  waitForActive(
    userId: string,
    toolkits: readonly string[],
    opts: { mode: 'any' | 'all'; timeoutMs: number; signal?: AbortSignal },
  ): Promise<{ done: boolean; statuses: Record<string, ToolkitStatus> }>;
  /** Each toolkit's status from a connection list (and pending links). */
  statusOf(userId: string, toolkit: string, connections: readonly ConnectionInfo[]): ToolkitStatus;
}

export function createConnectionsApi(deps: {
  connections: Pick<Connections, 'list' | 'remove'>;
  links: ConnectLinkAdapter;
  pollMs?: number;
}): ConnectionsApi {
  const pollMs = deps.pollMs ?? 250;

  async function list(userId: string): Promise<ConnectionInfo[]> {
    const rows = await deps.connections.list(userId);
    return rows
      .filter((r) => r.status !== 'revoked')
      .map((r) => ({
        id: r.id,
        toolkit: r.toolkit,
        alias: r.alias,
        isDefault: r.isDefault,
        status: r.status,
        statusReason: r.statusReason,
        createdAt: r.createdAt,
      }));
  }

  function statusOf(userId: string, toolkit: string, connections: readonly ConnectionInfo[]): ToolkitStatus {
    // A reconnect link waiting to be used: the connection there now is about to be replaced.
    const link = deps.links.pending(userId, toolkit);
    if (link === 'replacing') return 'pending';
    const mine = connections.filter((c) => c.toolkit === toolkit);
    if (mine.some((c) => c.status === 'active')) return 'active';
    if (link === 'new' || mine.some((c) => c.status === 'initiated')) return 'pending';
    if (mine.some((c) => c.status === 'expired')) return 'expired';
    if (mine.some((c) => c.status === 'failed')) return 'failed';
    return 'not_connected';
  }

  async function waitForActive(
    userId: string,
    toolkits: readonly string[],
    opts: { mode: 'any' | 'all'; timeoutMs: number; signal?: AbortSignal },
  ) {
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      const connections = await list(userId);
      const statuses: Record<string, ToolkitStatus> = {};
      for (const t of toolkits) statuses[t] = statusOf(userId, t, connections);
      const values = Object.values(statuses);
      const active = values.filter((s) => s === 'active').length;
      const done = opts.mode === 'any' ? active > 0 : active === values.length;
      // Nothing can change without a pending link: waiting longer would only burn the client's timeout.
      const stuck = !values.includes('pending');
      if (done || stuck || Date.now() >= deadline || opts.signal?.aborted) return { done, statuses };
      await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    }
  }

  return {
    list,
    createConnectLink: (userId, toolkit, opts) => deps.links.create(userId, toolkit, opts),
    remove: (userId, id) => deps.connections.remove(userId, id),
    waitForActive,
    statusOf,
  };
}
