import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { authenticatePassword } from '../identity/passwords.ts';
import { consumeLoginLink, createSession, deleteSession, peekLoginLink } from '../identity/sessions.ts';
import type { ServerOrigins } from '../oauth-server/origins.ts';
import { createRateLimiter } from '../oauth-server/rate-limit.ts';
import { listUserClients, revokeUserClient, type TokenSettings } from '../oauth-server/tokens.ts';
import type { Db } from '../store/db.ts';
import type { Logger } from '../util/log.ts';
import { errorPage } from './layout.ts';
import { consolePage, loginLinkPage, loginPage } from './pages.ts';
import {
  type BrowserContext,
  browserContext,
  clearSessionCookie,
  csrfToken,
  csrfValid,
  FORM_MAX_BYTES,
  foreignOrigin,
  readForm,
  safeReturnTo,
  setSessionCookie,
} from './session.ts';

export interface WebDeps {
  db: Db;
  log: Logger;
  origins: ServerOrigins;
  settings: TokenSettings & { sessionTtlS: number };
  clientIp: (c: import('hono').Context) => string;
}

/** Failed sign-ins allowed per client IP per 15 minutes (OWASP Authentication Cheat Sheet, brute force). */
export const LOGIN_FAILURES_PER_WINDOW = 10;

/** Sign-in, sign-out, the one-time sign-in link, and the console. */
export function createWebRoutes(deps: WebDeps): Hono {
  const app = new Hono();
  const failures = createRateLimiter(LOGIN_FAILURES_PER_WINDOW, 15 * 60_000);
  const ttl = deps.settings.sessionTtlS;
  // Forms are small; nothing larger is read into memory.
  const formLimit = bodyLimit({
    maxSize: FORM_MAX_BYTES,
    onError: (c) => errorPage(c, 400, 'Bad request', 'The form is too large.'),
  });

  /** Signs the browser in: always a fresh session id (no fixation). */
  const signIn = async (c: import('hono').Context, b: BrowserContext, userId: string) => {
    if (b.cookieId) await deleteSession(deps.db, b.cookieId);
    const { id } = await createSession(deps.db, userId, ttl);
    setSessionCookie(c, b, id, ttl);
  };

  app.get('/login', async (c) => {
    const b = await browserContext(c, deps.db, deps.origins);
    const returnTo = safeReturnTo(c.req.query('return_to'));
    if (b.session) return c.redirect(returnTo ?? '/console', 303);
    return loginPage(c, { csrf: csrfToken(c, b, ttl), returnTo });
  });

  app.post('/login', formLimit, async (c) => {
    if (foreignOrigin(c, deps.origins)) return errorPage(c, 403, 'Forbidden', 'This form was sent from another site.');
    const b = await browserContext(c, deps.db, deps.origins);
    const form = await readForm(c);
    if (!form) return errorPage(c, 400, 'Bad request', 'The form could not be read.');
    const returnTo = safeReturnTo(form.get('return_to'));
    if (!csrfValid(b, form.get('csrf_token'))) {
      return loginPage(c, {
        csrf: csrfToken(c, b, ttl),
        returnTo,
        status: 403,
        error: 'The sign-in form expired or did not come from this site (cookies must be enabled). Try again.',
      });
    }
    const ip = deps.clientIp(c);
    const username = (form.get('username') ?? '').trim();
    if (failures.hit(ip) > 0) {
      return loginPage(c, {
        csrf: csrfToken(c, b, ttl),
        returnTo,
        username,
        status: 429,
        error: 'Too many failed sign-ins from your address. Wait a few minutes and try again.',
      });
    }
    const user = username ? await authenticatePassword(deps.db, username, form.get('password') ?? '') : undefined;
    if (!user) {
      deps.log.info({ event: 'login_failed', ip }, 'sign-in failed');
      // One message for every failure: it does not tell which user names exist.
      return loginPage(c, {
        csrf: csrfToken(c, b, ttl),
        returnTo,
        username,
        status: 401,
        error: 'Wrong user name or password.',
      });
    }
    failures.reset(ip);
    await signIn(c, b, user.id);
    deps.log.info({ event: 'login', user: user.name }, 'signed in');
    return c.redirect(returnTo ?? '/console', 303);
  });

  app.post('/logout', formLimit, async (c) => {
    if (foreignOrigin(c, deps.origins)) return errorPage(c, 403, 'Forbidden', 'This form was sent from another site.');
    const b = await browserContext(c, deps.db, deps.origins);
    const form = await readForm(c);
    if (!form || !csrfValid(b, form.get('csrf_token'))) {
      return errorPage(c, 403, 'Forbidden', 'The form expired or did not come from this site.');
    }
    if (b.cookieId) await deleteSession(deps.db, b.cookieId);
    clearSessionCookie(c, b);
    return c.redirect('/login', 303);
  });

  // The one-time sign-in link (printed at a demo's first start). GET only shows a button: link previews and
  // scanners that fetch the URL do not use it up; the POST (with CSRF token) does.
  app.get('/login/link', async (c) => {
    const b = await browserContext(c, deps.db, deps.origins);
    const token = c.req.query('token') ?? '';
    const user = await peekLoginLink(deps.db, token);
    if (!user) {
      return errorPage(
        c,
        400,
        'Link not usable',
        'This sign-in link expired or was already used.',
        'Sign in with a password instead.',
      );
    }
    return loginLinkPage(c, { csrf: csrfToken(c, b, ttl), token, userName: user.name });
  });

  app.post('/login/link', formLimit, async (c) => {
    if (foreignOrigin(c, deps.origins)) return errorPage(c, 403, 'Forbidden', 'This form was sent from another site.');
    const b = await browserContext(c, deps.db, deps.origins);
    const form = await readForm(c);
    if (!form || !csrfValid(b, form.get('csrf_token'))) {
      return errorPage(c, 403, 'Forbidden', 'The form expired or did not come from this site.');
    }
    const user = await consumeLoginLink(deps.db, form.get('token') ?? '');
    if (!user) return errorPage(c, 400, 'Link not usable', 'This sign-in link expired or was already used.');
    await signIn(c, b, user.id);
    deps.log.info({ event: 'login', user: user.name, via: 'one-time link' }, 'signed in');
    return c.redirect('/console', 303);
  });

  app.get('/console', async (c) => {
    const b = await browserContext(c, deps.db, deps.origins);
    if (!b.session) return c.redirect(`/login?return_to=${encodeURIComponent('/console')}`, 303);
    const clients = await listUserClients(deps.db, b.session.user.id, deps.settings);
    const notice = c.req.query('revoked') === '1' ? 'Access revoked. The app must sign in again.' : undefined;
    return consolePage(c, {
      csrf: csrfToken(c, b, ttl),
      userName: b.session.user.name,
      clients,
      ...(notice ? { notice } : {}),
    });
  });

  app.post('/console/clients/revoke', formLimit, async (c) => {
    if (foreignOrigin(c, deps.origins)) return errorPage(c, 403, 'Forbidden', 'This form was sent from another site.');
    const b = await browserContext(c, deps.db, deps.origins);
    if (!b.session) return c.redirect('/login', 303);
    const form = await readForm(c);
    if (!form || !csrfValid(b, form.get('csrf_token'))) {
      return errorPage(c, 403, 'Forbidden', 'The form expired or did not come from this site.');
    }
    const clientId = form.get('client_id') ?? '';
    const count = await revokeUserClient(deps.db, b.session.user.id, clientId);
    deps.log.info({ event: 'client_revoked', user: b.session.user.name, clientId, grants: count }, 'access revoked');
    return c.redirect('/console?revoked=1', 303);
  });

  return app;
}
