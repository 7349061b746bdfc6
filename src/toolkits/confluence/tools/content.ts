import type { ToolDefinition } from '../../define.ts';

/** Tools of the content group. */
export const tools: ToolDefinition[] = [];
