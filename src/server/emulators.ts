import { createConfluenceEmulator } from '../emulators/confluence/index.ts';
import type { Emulator } from '../emulators/framework.ts';

/** The emulators this process serves under `/emulators/<toolkit>`: all of them in demo mode, none otherwise. */
export function createEmulators(enabled: boolean): Map<string, Emulator> {
  const map = new Map<string, Emulator>();
  if (!enabled) return map;
  map.set('confluence', createConfluenceEmulator({ basePath: '/emulators/confluence' }));
  return map;
}
