import type { ConfluenceState } from './state.ts';
import type { RouteDef } from './v2.ts';

/** Routes of the content group (see docs/architecture.md, "Emulator modules"). */
export const ROUTES: RouteDef[] = [];

/** Seed data of the content group, added after the base seed (deterministic: no randomness, ids from the state). */
export function seedContent(_state: ConfluenceState): void {}
