import { confluence } from './confluence/index.ts';
import type { LoadedTool, LoadedToolkit } from './define.ts';
import { gong } from './gong/index.ts';

export interface Catalog {
  toolkits: Map<string, LoadedToolkit>;
  tool(name: string): LoadedTool | undefined;
}

export function createCatalog(toolkits: LoadedToolkit[] = [confluence, gong]): Catalog {
  const map = new Map(toolkits.map((t) => [t.id, t]));
  const tools = new Map<string, LoadedTool>();
  for (const t of toolkits) for (const tool of t.tools) tools.set(tool.name, tool);
  return { toolkits: map, tool: (name) => tools.get(name) };
}
