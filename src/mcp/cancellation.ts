import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CancelledNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

/**
 * `tools/call` requests in flight, by user and JSON-RPC id, so that an MCP `notifications/cancelled` can stop them.
 * The servers are stateless (a new SDK `Server` per POST), so a cancellation arrives in a POST of its own, to another
 * server instance, where the SDK's own bookkeeping never finds the request: this registry, shared by every surface
 * of one process, does. A cancelled call's signal aborts: a workbench run stops, upstream requests are cancelled.
 * In-process, like the rate limiters: with several nodes a cancellation reaches the call only on the node that
 * runs it.
 */
export interface InFlightCalls {
  /** Registers a call; its signal aborts on `signal` or on a cancellation naming it. `done()` when it ends. */
  track(userId: string, requestId: string | number, signal?: AbortSignal): { signal: AbortSignal; done(): void };
  /**
   * Aborts the user's call with this id. False when none runs, or when several do (two clients of one user reusing
   * an id): which one was meant is unknown.
   */
  cancel(userId: string, requestId: string | number): boolean;
}

export function createInFlightCalls(): InFlightCalls {
  const calls = new Map<string, Set<AbortController>>();
  const keyOf = (userId: string, id: string | number) => `${userId}\u0000${typeof id}\u0000${id}`;

  return {
    track(userId, requestId, signal) {
      const key = keyOf(userId, requestId);
      const controller = new AbortController();
      const same = calls.get(key) ?? new Set<AbortController>();
      calls.set(key, same);
      same.add(controller);
      // A listener rather than AbortSignal.any: this runs on every tools/call, and the listener goes with done().
      const follow = () => controller.abort(signal?.reason);
      if (signal?.aborted) follow();
      else signal?.addEventListener('abort', follow, { once: true });
      return {
        signal: controller.signal,
        done() {
          signal?.removeEventListener('abort', follow);
          same.delete(controller);
          if (same.size === 0 && calls.get(key) === same) calls.delete(key);
        },
      };
    },
    cancel(userId, requestId) {
      const same = calls.get(keyOf(userId, requestId));
      if (same?.size !== 1) return false;
      for (const c of same) c.abort(new Error('the client cancelled the request'));
      return true;
    },
  };
}

/** Lets a per-request server take `notifications/cancelled` for the user's calls in `inFlight`. */
export function acceptCancellations(server: Server, inFlight: InFlightCalls, userId: string): void {
  server.setNotificationHandler(CancelledNotificationSchema, (n) => {
    if (n.params.requestId !== undefined) inFlight.cancel(userId, n.params.requestId);
  });
}
