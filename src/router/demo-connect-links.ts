import { createHash, randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { connectDemo, DEMO_TOOLKITS } from '../connections/demo.ts';
import type { Connections } from '../connections/index.ts';
import { page } from '../web/layout.ts';

/**
 * ADAPTER, to be replaced by the connections module's own connect links (issue 6): demo-mode connect links, with
 * the semantics of `switchboard connect <toolkit> --user <name> --demo`. A link is a gateway URL
 * `/connections/demo/<toolkit>?token=…`, single use, bound to the user it was made for, valid 10 minutes; opening
 * it shows a confirmation page whose button connects the emulator's demo account (a reconnect first removes the
 * connection it replaces). Outside demo mode there is nothing to link to yet, and the answer says how an
 * administrator connects an account instead.
 *
 * Links live in this process's memory (demo mode runs one process); only their SHA-256 is kept.
 */

export const DEMO_LINK_TTL_MS = 10 * 60_000;

export interface ConnectAction {
  toolkit: string;
  /** Where the user connects the account (absent when this gateway cannot make links). */
  url?: string;
  expiresAt?: string;
  /** What to tell the user. */
  instruction: string;
}

export interface ConnectLinkAdapter {
  create(userId: string, toolkit: string, opts?: { replaces?: string }): Promise<ConnectAction>;
  /**
   * Whether a link made for the user and toolkit is still waiting to be used: `replacing` when it reconnects an
   * existing connection (whose status is about to change), `new` for a first connection.
   */
  pending(userId: string, toolkit: string): 'replacing' | 'new' | undefined;
  /** The pages behind the links (mounted at the root of the app). */
  routes: Hono;
}

interface Link {
  userId: string;
  toolkit: string;
  replaces: string | undefined;
  expiresAt: number;
  used: boolean;
}

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');

export function createDemoConnectLinks(deps: {
  connections: Connections;
  baseUrl: () => string;
  demo: boolean;
  now?: () => number;
}): ConnectLinkAdapter {
  const clock = deps.now ?? Date.now;
  const links = new Map<string, Link>();

  function sweep(): void {
    const t = clock();
    for (const [k, l] of links) if (l.expiresAt <= t || l.used) links.delete(k);
  }

  function find(token: string | undefined, toolkit: string): Link | undefined {
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const link = links.get(hash(token));
    if (!link || link.used || link.expiresAt <= clock() || link.toolkit !== toolkit) return undefined;
    return link;
  }

  const routes = new Hono();
  const invalid = (c: Parameters<typeof page>[0]) =>
    page(c, {
      title: 'Link not valid',
      status: 404,
      body: html`<h1>This connect link is not valid</h1>
        <p class="muted">It was used already, it expired (links work for 10 minutes), or it was mistyped. Ask your
          agent for a new one.</p>`,
    });

  routes.get('/connections/demo/:toolkit', (c) => {
    const toolkit = c.req.param('toolkit');
    const token = c.req.query('token');
    if (!find(token, toolkit)) return invalid(c);
    return page(c, {
      title: `Connect ${toolkit} (demo)`,
      body: html`<h1>Connect ${toolkit} (demo)</h1>
        <div class="card">
          <p>This connects the demo ${toolkit} account of this gateway's local emulator to your Switchboard user.
            No real ${toolkit} data is involved.</p>
          <form method="post" action="/connections/demo/${toolkit}">
            <input type="hidden" name="token" value="${token}">
            <button class="primary" type="submit">Connect the demo account</button>
          </form>
        </div>`,
    });
  });

  routes.post('/connections/demo/:toolkit', async (c) => {
    const toolkit = c.req.param('toolkit');
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token : undefined;
    const link = find(token, toolkit);
    if (!link) return invalid(c);
    // Single use: claimed before the (async) connection is made, so a double submit cannot connect twice. Other
    // links of the user for the toolkit are superseded by this connection.
    for (const l of links.values()) if (l.userId === link.userId && l.toolkit === toolkit) l.used = true;
    if (link.replaces) await deps.connections.remove(link.userId, link.replaces);
    const connection = await connectDemo(deps.connections, link.userId, toolkit);
    sweep();
    return page(c, {
      title: `${toolkit} connected`,
      body: html`<h1>${toolkit} (demo) is connected</h1>
        <p>Connection <code>${connection.id}</code> is ${connection.status}. You can close this page and go back to
          your agent.</p>`,
    });
  });

  return {
    async create(userId, toolkit, opts = {}) {
      if (!deps.demo || !DEMO_TOOLKITS.includes(toolkit)) {
        return {
          toolkit,
          instruction:
            `This gateway cannot make ${toolkit} connect links yet: an administrator connects the account with ` +
            `\`switchboard connect ${toolkit} --user <name>\`.`,
        };
      }
      sweep();
      const token = randomBytes(32).toString('base64url');
      const expiresAt = clock() + DEMO_LINK_TTL_MS;
      links.set(hash(token), {
        userId,
        toolkit,
        replaces: opts.replaces,
        expiresAt,
        used: false,
      });
      const url = `${deps.baseUrl()}/connections/demo/${toolkit}?token=${token}`;
      return {
        toolkit,
        url,
        expiresAt: new Date(expiresAt).toISOString(),
        instruction: `Ask the user to open ${url} and confirm (demo account; the link works once, for 10 minutes). Then call wait_for_connections.`,
      };
    },
    pending(userId, toolkit) {
      const t = clock();
      let found: 'replacing' | 'new' | undefined;
      for (const l of links.values()) {
        if (l.userId !== userId || l.toolkit !== toolkit || l.used || l.expiresAt <= t) continue;
        if (l.replaces) return 'replacing';
        found = 'new';
      }
      return found;
    },
    routes,
  };
}
