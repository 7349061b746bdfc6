import type { ConfluenceState } from './state.ts';
import type { RouteDef } from './v2.ts';

/** Routes of the spaces-properties group (see docs/architecture.md, "Emulator modules"). */
export const ROUTES: RouteDef[] = [];

/** Seed data of the spaces-properties group, added after the base seed (deterministic: no randomness, ids from the state). */
export function seedSpacesProperties(_state: ConfluenceState): void {}
