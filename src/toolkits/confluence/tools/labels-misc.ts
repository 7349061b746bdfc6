import type { ToolDefinition } from '../../define.ts';

/** Tools of the labels-misc group. */
export const tools: ToolDefinition[] = [];
