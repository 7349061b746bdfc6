import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Emulator } from '../emulators/framework.ts';
import { createEmulators } from './emulators.ts';

/** Serves emulators alone, under the same `/emulators/<app>` paths as in demo mode. */
export async function startEmulatorServer(
  host: string,
  port: number,
  emulators: Map<string, Emulator> = createEmulators(true),
) {
  const app = new Hono();
  for (const e of emulators.values()) app.route('/', e.app);
  const server = serve({ fetch: app.fetch, hostname: host, port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const bound = (server.address() as AddressInfo).port;
  const urls = new Map([...emulators.keys()].map((name) => [name, `http://${host}:${bound}/emulators/${name}`]));
  return {
    urls,
    emulators,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
