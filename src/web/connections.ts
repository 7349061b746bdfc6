import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ConnectFlows } from '../connections/flows.ts';
import type { Connections } from '../connections/index.ts';
import { checkUserSuppliedBaseUrl } from '../connections/providers.ts';
import type { ServerOrigins } from '../oauth-server/origins.ts';
import type { Db } from '../store/db.ts';
import { isGatewayError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { connectedPage, connectionsPage, linkPage, sitePage } from './connections-pages.ts';
import { errorPage } from './layout.ts';
import {
  type BrowserContext,
  browserContext,
  csrfToken,
  csrfValid,
  FORM_MAX_BYTES,
  foreignOrigin,
  readForm,
} from './session.ts';

export interface ConnectionRoutesDeps {
  db: Db;
  log: Logger;
  origins: ServerOrigins;
  sessionTtlS: number;
  connections: Connections;
  flows: ConnectFlows;
}

/**
 * `/connections/**`: the connect link page, the upstream OAuth callback, the site choice, and the user's connection
 * manager. Every page needs a browser session (the gateway's sign-in); every POST a CSRF token and a same-origin
 * `Origin` (as the console's forms). Every lookup is scoped to the signed-in user: another user's connection id
 * behaves as an unknown one.
 */
export function createConnectionRoutes(deps: ConnectionRoutesDeps): Hono {
  const app = new Hono();
  const ttl = deps.sessionTtlS;
  const formLimit = bodyLimit({
    maxSize: FORM_MAX_BYTES,
    onError: (c) => errorPage(c, 400, 'Bad request', 'The form is too large.'),
  });
  const { connections, flows } = deps;

  const signIn = (c: Context) => c.redirect(`/login?return_to=${encodeURIComponent(c.req.path)}`, 303);

  /** A signed-in browser and its valid form, or the response to send instead. */
  async function post(
    c: Context,
  ): Promise<
    { b: BrowserContext & { session: NonNullable<BrowserContext['session']> }; form: Map<string, string> } | Response
  > {
    if (foreignOrigin(c, deps.origins)) return errorPage(c, 403, 'Forbidden', 'This form was sent from another site.');
    const b = await browserContext(c, deps.db, deps.origins);
    if (!b.session) return c.redirect(`/login?return_to=${encodeURIComponent('/connections')}`, 303);
    const form = await readForm(c);
    if (!form || !csrfValid(b, form.get('csrf_token'))) {
      return errorPage(c, 403, 'Forbidden', 'The form expired or did not come from this site. Reload the page.');
    }
    return { b: b as BrowserContext & { session: NonNullable<BrowserContext['session']> }, form };
  }

  const fail = (c: Context, e: unknown) => {
    if (isGatewayError(e)) {
      return errorPage(
        c,
        e.code === 'not_found' ? 404 : 400,
        'Not possible',
        e.message,
        'Go back to your connections and try again.',
      );
    }
    throw e;
  };

  app.get('/connections', async (c) => {
    const b = await browserContext(c, deps.db, deps.origins);
    if (!b.session) return signIn(c);
    const userId = b.session.user.id;
    const notice = { removed: 'Connection removed.', default: 'Default changed.', added: 'App added.' }[
      c.req.query('done') ?? ''
    ];
    return connectionsPage(c, {
      csrf: csrfToken(c, b, ttl),
      userName: b.session.user.name,
      connections: await connections.list(userId),
      configs: await connections.authConfigs.list({
        userId,
        demo: connections.emulatorBaseUrl('confluence') !== undefined,
      }),
      ...(notice ? { notice } : {}),
    });
  });

  app.post('/connections/new', formLimit, async (c) => {
    const p = await post(c);
    if (p instanceof Response) return p;
    const configId = p.form.get('auth_config_id') ?? '';
    const alias = p.form.get('alias')?.trim() || undefined;
    try {
      const config = await connections.authConfigs.usable(p.b.session.user.id, configId);
      const link = await connections.createConnectLink(p.b.session.user.id, config.toolkit, {
        authConfigId: config.id,
        ...(alias ? { alias } : {}),
      });
      return c.redirect(new URL(link.url).pathname, 303);
    } catch (e) {
      return fail(c, e);
    }
  });

  app.post('/connections/reconnect', formLimit, async (c) => {
    const p = await post(c);
    if (p instanceof Response) return p;
    try {
      const link = await connections.reconnect(p.b.session.user.id, p.form.get('connection_id') ?? '');
      return c.redirect(new URL(link.url).pathname, 303);
    } catch (e) {
      return fail(c, e);
    }
  });

  app.post('/connections/remove', formLimit, async (c) => {
    const p = await post(c);
    if (p instanceof Response) return p;
    const id = p.form.get('connection_id') ?? '';
    // Scoped to the signed-in user: another user's id removes nothing, and the answer is the same.
    const removed = await connections.remove(p.b.session.user.id, id);
    if (removed)
      deps.log.info({ event: 'connection_removed', user: p.b.session.user.name, connection: id }, 'connection removed');
    return c.redirect('/connections?done=removed', 303);
  });

  app.post('/connections/default', formLimit, async (c) => {
    const p = await post(c);
    if (p instanceof Response) return p;
    await connections.setDefault(p.b.session.user.id, p.form.get('connection_id') ?? '');
    return c.redirect('/connections?done=default', 303);
  });

  app.post('/connections/auth-configs', formLimit, async (c) => {
    const p = await post(c);
    if (p instanceof Response) return p;
    const [toolkit, scheme] = (p.form.get('kind') ?? '').split(':') as [string, string];
    const url = p.form.get('url')?.trim();
    try {
      if (scheme !== 'oauth2' && scheme !== 'api_token' && scheme !== 'basic') {
        return errorPage(c, 400, 'Not possible', 'Choose a kind of app.', 'Go back to your connections and try again.');
      }
      // A user's own config may only point at the provider's hosts (SSRF); OAuth endpoints are the provider's own.
      const checked = url ? checkUserSuppliedBaseUrl(toolkit, url) : undefined;
      const name = p.form.get('name')?.trim();
      await connections.authConfigs.add({
        toolkit,
        scheme,
        ownerUserId: p.b.session.user.id,
        ...(name ? { name } : {}),
        ...(scheme === 'oauth2'
          ? {
              clientId: p.form.get('client_id') ?? '',
              clientSecret: p.form.get('client_secret') ?? '',
              scopes: (p.form.get('scopes') ?? '').split(/\s+/).filter(Boolean),
            }
          : scheme === 'api_token'
            ? { siteUrl: checked }
            : { baseUrl: checked }),
      });
      return c.redirect('/connections?done=added', 303);
    } catch (e) {
      return fail(c, e);
    }
  });

  app.post('/connections/auth-configs/remove', formLimit, async (c) => {
    const p = await post(c);
    if (p instanceof Response) return p;
    try {
      await connections.authConfigs.remove(p.form.get('auth_config_id') ?? '', { ownerUserId: p.b.session.user.id });
      return c.redirect('/connections', 303);
    } catch (e) {
      return fail(c, e);
    }
  });

  // The connect link. GET only shows the page (link previews and scanners do not use it up); the POST does.
  app.get('/connections/link/:token', async (c) => {
    const b = await browserContext(c, deps.db, deps.origins);
    if (!b.session) return signIn(c);
    const view = await flows.peekLink(c.req.param('token'), b.session.user.id);
    if (view === 'invalid') {
      return errorPage(
        c,
        400,
        'Link not usable',
        'This connect link expired or was already used.',
        'Ask your agent for a new one.',
      );
    }
    if (view === 'other_user') {
      return errorPage(
        c,
        403,
        'Link for another user',
        `This connect link was made for another user, and you are signed in as ${b.session.user.name}.`,
        'Sign out and sign in as the user who asked for it.',
      );
    }
    return linkPage(c, {
      csrf: csrfToken(c, b, ttl),
      token: c.req.param('token'),
      view,
      userName: b.session.user.name,
    });
  });

  app.post('/connections/link/:token', formLimit, async (c) => {
    const p = await post(c);
    if (p instanceof Response) return p;
    const token = c.req.param('token');
    const user = p.b.session.user;
    const view = await flows.peekLink(token, user.id);
    if (view === 'invalid' || view === 'other_user') {
      return errorPage(
        c,
        view === 'invalid' ? 400 : 403,
        'Link not usable',
        'This connect link expired, was already used, or is not yours.',
      );
    }
    try {
      if (view.kind === 'oauth') {
        const url = await flows.startOAuth(token, user.id, p.b.session.idHash);
        return c.redirect(url, 303);
      }
      const values = Object.fromEntries(p.form);
      const r = await flows.submitForm(token, user.id, values);
      if (!r.ok) {
        return linkPage(c, { csrf: csrfToken(c, p.b, ttl), token, view, userName: user.name, error: r.error, values });
      }
      deps.log.info(
        { event: 'connection_connected', user: user.name, connection: r.connection.id, toolkit: r.connection.toolkit },
        'account connected',
      );
      return connectedPage(c, r.connection);
    } catch (e) {
      return fail(c, e);
    }
  });

  // The upstream OAuth redirect URI. No CSRF token is possible here (a redirect from the provider); `state`, bound
  // to this browser session and single use, does that job (RFC 6749 §10.12).
  app.get('/connections/callback', async (c) => {
    const b = await browserContext(c, deps.db, deps.origins);
    if (!b.session) {
      return errorPage(
        c,
        401,
        'Not signed in',
        'Sign in to Switchboard in this browser, then start the connection again.',
      );
    }
    const r = await flows.completeOAuth(new URL(c.req.url), b.session.user.id, b.session.idHash);
    if (r.kind === 'error')
      return errorPage(c, 400, 'Not connected', r.message, 'Ask your agent for a new connect link.');
    if (r.kind === 'pick_site')
      return sitePage(c, { csrf: csrfToken(c, b, ttl), connectionId: r.connectionId, sites: r.sites });
    deps.log.info(
      {
        event: 'connection_connected',
        user: b.session.user.name,
        connection: r.connection.id,
        toolkit: r.connection.toolkit,
      },
      'account connected',
    );
    return connectedPage(c, r.connection);
  });

  app.post('/connections/site', formLimit, async (c) => {
    const p = await post(c);
    if (p instanceof Response) return p;
    try {
      const connection = await flows.chooseSite(
        p.b.session.user.id,
        p.form.get('connection_id') ?? '',
        p.form.get('site_id') ?? '',
      );
      return connectedPage(c, connection);
    } catch (e) {
      return fail(c, e);
    }
  });

  return app;
}
