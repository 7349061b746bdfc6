/**
 * A fixed-window counter per key (client IP), in process memory. Good enough to stop a script from registering
 * thousands of clients or guessing passwords; with several nodes each counts on its own (the limit is per node),
 * which moves to Redis with the rest of the scale-out work.
 */
export interface RateLimiter {
  /** Counts one hit; returns 0 when allowed, else the seconds until the window resets. */
  hit(key: string): number;
  /** Clears a key (a successful login forgives the failures before it). */
  reset(key: string): void;
}

export function createRateLimiter(limit: number, windowMs: number, maxKeys = 10_000): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    hit(key) {
      const t = Date.now();
      let w = windows.get(key);
      if (!w || t - w.start >= windowMs) {
        if (!w && windows.size >= maxKeys) {
          // Bounded memory: drop expired windows, then the oldest entry.
          for (const [k, v] of windows) if (t - v.start >= windowMs) windows.delete(k);
          if (windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
        }
        w = { start: t, count: 0 };
        windows.set(key, w);
      }
      w.count++;
      return w.count > limit ? Math.max(1, Math.ceil((w.start + windowMs - t) / 1000)) : 0;
    },
    reset(key) {
      windows.delete(key);
    },
  };
}
