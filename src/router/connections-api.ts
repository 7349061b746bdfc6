import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionSummary, Connections } from '../connections/index.ts';
import { isGatewayError } from '../util/errors.ts';

/**
 * What the router needs from the connections module, and nothing more: the meta-tools are written against this
 * interface, backed by the managed connections (`connections/index.ts`): DB-backed connect links (single use, bound
 * to the user, 10 minutes) that lead to the provider's consent or an API-key form, statuses, reconnect, remove.
 * Everything lives in the store, so any node answers and a wait can be resumed by calling again.
 */
export interface ConnectionInfo {
  id: string;
  toolkit: string;
  alias: string;
  isDefault: boolean;
  status: string;
  statusReason: string | null;
  createdAt: string;
  /** Who the upstream account is, when known. */
  account?: string;
}

/** A toolkit's state for one user, as the model sees it. */
export type ToolkitStatus = 'active' | 'pending' | 'not_connected' | 'expired' | 'failed';

/** A connect link for the model to hand to the user, or why there is none. */
export interface ConnectAction {
  toolkit: string;
  /** Where the user connects the account (absent when this gateway cannot make a link for the toolkit). */
  url?: string;
  expiresAt?: string;
  /** The connection the link completes (new) or replaces the credentials of (reconnect). */
  connectionId?: string;
  alias?: string;
  /** What to tell the user. */
  instruction: string;
}

export interface ConnectionsApi {
  list(userId: string): Promise<ConnectionInfo[]>;
  /** A link for a new connection of `toolkit`; with `reconnect`, a link that replaces that connection's credentials. */
  createConnectLink(userId: string, toolkit: string, opts?: { reconnect?: string }): Promise<ConnectAction>;
  remove(userId: string, connectionId: string): Promise<boolean>;
  /**
   * Waits (bounded) until the toolkits are usable: `any` returns as soon as one is active, `all` when every one is
   * (or when none can change any more: nothing pending). Returns each toolkit's status at that moment.
   */
  waitForActive(
    userId: string,
    toolkits: readonly string[],
    opts: { mode: 'any' | 'all'; timeoutMs: number; signal?: AbortSignal },
  ): Promise<{ done: boolean; statuses: Record<string, ToolkitStatus> }>;
  /** A toolkit's status from the user's connection list and pending links. */
  statusOf(userId: string, toolkit: string, connections: readonly ConnectionInfo[]): Promise<ToolkitStatus>;
}

/**
 * A connection `createConnectLink` made whose link was not opened yet (its status reason says so,
 * `connections/index.ts`): a placeholder, not an account the user has.
 */
export const unopened = (c: ConnectionInfo): boolean =>
  c.status === 'initiated' && /open the connect link/.test(c.statusReason ?? '');

export function createConnectionsApi(deps: {
  connections: Pick<Connections, 'list' | 'remove' | 'createConnectLink' | 'reconnect' | 'pendingLink'>;
  pollMs?: number;
}): ConnectionsApi {
  const { connections } = deps;
  const pollMs = deps.pollMs ?? 250;

  async function list(userId: string): Promise<ConnectionInfo[]> {
    const rows: ConnectionSummary[] = await connections.list(userId);
    return rows.map((r) => ({
      id: r.id,
      toolkit: r.toolkit,
      alias: r.alias,
      isDefault: r.isDefault,
      status: r.status,
      statusReason: r.statusReason,
      createdAt: r.createdAt,
      ...(r.account ? { account: r.account } : {}),
    }));
  }

  async function statusOf(userId: string, toolkit: string, mine: readonly ConnectionInfo[]): Promise<ToolkitStatus> {
    const ofToolkit = mine.filter((c) => c.toolkit === toolkit);
    // An active connection is usable whatever links are still around: a reconnect link of a working account, or
    // the other links of a connection that was completed through one of them (every manage_connections list and
    // not_connected error makes one; they stay unused until they expire).
    if (ofToolkit.some((c) => c.status === 'active')) return 'active';
    if (await connections.pendingLink(userId, toolkit)) return 'pending';
    // Past the link page (at the provider's consent, or choosing a site): the user is on it. A connection whose
    // link was never opened and has expired is as good as none.
    if (ofToolkit.some((c) => c.status === 'initiated' && !unopened(c))) return 'pending';
    if (ofToolkit.some((c) => c.status === 'expired')) return 'expired';
    if (ofToolkit.some((c) => c.status === 'failed')) return 'failed';
    return 'not_connected';
  }

  async function createConnectLink(
    userId: string,
    toolkit: string,
    opts: { reconnect?: string } = {},
  ): Promise<ConnectAction> {
    try {
      const link = opts.reconnect
        ? await connections.reconnect(userId, opts.reconnect)
        : await connections.createConnectLink(userId, toolkit);
      return {
        toolkit,
        url: link.url,
        expiresAt: link.expiresAt,
        connectionId: link.connectionId,
        alias: link.alias,
        instruction:
          `Show the user this link to connect their ${toolkit} account: ${link.url} (it works once, for 10 minutes, ` +
          'in a browser signed in to this gateway as them). Then call wait_for_connections.',
      };
    } catch (e) {
      // No auth config for the toolkit, or no public URL to link to: the reason says what an administrator does.
      if (isGatewayError(e)) return { toolkit, instruction: `No ${toolkit} link can be made here: ${e.message}` };
      throw e;
    }
  }

  async function waitForActive(
    userId: string,
    toolkits: readonly string[],
    opts: { mode: 'any' | 'all'; timeoutMs: number; signal?: AbortSignal },
  ) {
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      const mine = await list(userId);
      const statuses: Record<string, ToolkitStatus> = {};
      for (const t of toolkits) statuses[t] = await statusOf(userId, t, mine);
      const values = Object.values(statuses);
      const active = values.filter((s) => s === 'active').length;
      const done = opts.mode === 'any' ? active > 0 : active === values.length;
      // Nothing can change without something pending: waiting longer would only burn the client's timeout.
      const stuck = !values.includes('pending');
      if (done || stuck || Date.now() >= deadline || opts.signal?.aborted) return { done, statuses };
      await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    }
  }

  return {
    list,
    createConnectLink,
    remove: (userId, id) => connections.remove(userId, id),
    waitForActive,
    statusOf,
  };
}
