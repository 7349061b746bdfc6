import type { Executor } from '../execution/executor.ts';
import type { LoadedTool } from '../toolkits/define.ts';
import type { Catalog } from '../toolkits/index.ts';

/**
 * Which tools a user may use: the one place that decides it, applied alike to search, schemas and execution on the
 * router, and (through `policedExecutor`) to every other surface, so an allowlist cannot be bypassed by calling a
 * tool through another door (Composio #3542). The deployment's toolkit selection is applied earlier still: tools of
 * a toolkit the deployment does not enable are not loaded at all (`restrictCatalog`).
 *
 * A full permissions model (per user, per role, read-only keys, per-tool rules) replaces `createToolPolicy` later;
 * its callers only see `ToolPolicy`.
 */
export interface ToolFilter {
  /** Whether the user may use (some of) this toolkit: listed in manage_connections, searched. */
  toolkit(id: string): boolean;
  tool(tool: LoadedTool): boolean;
}

export interface ToolPolicy {
  forUser(userId: string): Promise<ToolFilter>;
}

/** Everyone may use every loaded tool, or only those of `toolkits` when given. */
export function createToolPolicy(opts: { toolkits?: readonly string[] | undefined } = {}): ToolPolicy {
  const only = opts.toolkits && opts.toolkits.length > 0 ? new Set(opts.toolkits) : undefined;
  const filter: ToolFilter = {
    toolkit: (id) => !only || only.has(id),
    tool: (tool) => !only || only.has(tool.toolkit),
  };
  return { forUser: async () => filter };
}

/**
 * The catalogue with only the toolkits the deployment enables (`SWITCHBOARD_TOOLKITS`; all when empty). An unknown
 * id fails start-up with the known ones named.
 */
export function restrictCatalog(catalog: Catalog, enabled: readonly string[]): Catalog {
  if (enabled.length === 0) return catalog;
  const unknown = enabled.filter((id) => !catalog.toolkits.has(id));
  if (unknown.length > 0) {
    throw new Error(
      `SWITCHBOARD_TOOLKITS names unknown toolkit(s): ${unknown.join(', ')} (known: ${[...catalog.toolkits.keys()].join(', ')})`,
    );
  }
  const toolkits = new Map([...catalog.toolkits].filter(([id]) => enabled.includes(id)));
  return {
    toolkits,
    tool: (name) => {
      const t = catalog.tool(name);
      return t && toolkits.has(t.toolkit) ? t : undefined;
    },
  };
}

/** The executor with the policy in front: a tool the user may not use is refused before anything else happens. */
export function policedExecutor(executor: Executor, catalog: Catalog, policy: ToolPolicy): Executor {
  return {
    async execute(req) {
      const tool = catalog.tool(req.tool);
      if (tool && !(await policy.forUser(req.userId)).tool(tool)) {
        return {
          ok: false,
          error: {
            code: 'forbidden',
            message: `tool "${req.tool}" is not enabled for this user`,
            retryable: false,
          },
        };
      }
      return executor.execute(req);
    },
  };
}
