import type { ToolDefinition } from '../../define.ts';

/** Tools of the spaces-properties group. */
export const tools: ToolDefinition[] = [];
