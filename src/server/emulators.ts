import { createConfluenceEmulator } from '../emulators/confluence/index.ts';
import type { Emulator } from '../emulators/framework.ts';
import { createGongEmulator } from '../emulators/gong/index.ts';

/** The emulators this process serves under `/emulators/<toolkit>`: all of them in demo mode, none otherwise. */
export function createEmulators(enabled: boolean): Map<string, Emulator> {
  const map = new Map<string, Emulator>();
  if (!enabled) return map;
  map.set('confluence', createConfluenceEmulator({ basePath: '/emulators/confluence' }));
  map.set('gong', createGongEmulator({ basePath: '/emulators/gong' }));
  return map;
}
