import type { Context } from 'hono';
import { html } from 'hono/html';
import type { OAuthClient } from '../oauth-server/clients.ts';
import { redirectDisplay } from '../oauth-server/redirect-uris.ts';
import { SCOPES } from '../oauth-server/scopes.ts';
import type { ClientAccess } from '../oauth-server/tokens.ts';
import { page } from './layout.ts';

export function loginPage(
  c: Context,
  opts: {
    csrf: string;
    returnTo: string | undefined;
    error?: string;
    username?: string;
    status?: 200 | 400 | 401 | 403 | 429;
  },
) {
  return page(c, {
    title: 'Sign in',
    status: opts.status ?? 200,
    body: html`<h1>Sign in to Switchboard</h1>
<form method="post" action="/login" class="card">
  ${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
  <input type="hidden" name="csrf_token" value="${opts.csrf}">
  ${opts.returnTo ? html`<input type="hidden" name="return_to" value="${opts.returnTo}">` : ''}
  <label for="username">User name</label>
  <input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${opts.username ?? ''}">
  <label for="password">Password</label>
  <input type="password" id="password" name="password" autocomplete="current-password" required>
  <button type="submit" class="primary">Sign in</button>
</form>
<p class="muted">An administrator creates accounts with <code>switchboard users add &lt;name&gt;</code>.</p>`,
  });
}

export function loginLinkPage(c: Context, opts: { csrf: string; token: string; userName: string }) {
  return page(c, {
    title: 'One-time sign-in',
    body: html`<h1>One-time sign-in</h1>
<form method="post" action="/login/link" class="card">
  <p>This link signs you in as <strong>${opts.userName}</strong>. It works once.</p>
  <input type="hidden" name="csrf_token" value="${opts.csrf}">
  <input type="hidden" name="token" value="${opts.token}">
  <button type="submit" class="primary">Sign in as ${opts.userName}</button>
</form>
<p class="muted">Set a password for later sign-ins with <code>switchboard users passwd ${opts.userName}</code>.</p>`,
  });
}

function clientIdentity(client: { kind: 'dcr' | 'cimd'; name: string; clientId: string }) {
  if (client.kind === 'cimd') {
    const host = new URL(client.clientId).host;
    return html`<strong>${client.name}</strong> <span class="muted">(described by ${host})</span>`;
  }
  return html`<strong>${client.name}</strong> <span class="warn">(unverified: the app chose this name itself)</span>`;
}

/**
 * The consent page (MCP security best practices, "Confused Deputy Problem": the client's name, the access asked
 * for, where the code will be sent; CSRF-protected; never framed).
 */
export function consentPage(
  c: Context,
  opts: {
    csrf: string;
    requestId: string;
    client: OAuthClient;
    redirectUri: string;
    scopes: string[];
    resource: string;
    userName: string;
    formTarget: string;
  },
) {
  const where = redirectDisplay(opts.redirectUri);
  return page(c, {
    title: 'Allow access?',
    formTargets: [opts.formTarget],
    // The app's name stays out of the heading: a registered name is self-asserted ("Switchboard", say).
    body: html`<h1>An app asks to use Switchboard as ${opts.userName}</h1>
<div class="card">
  <dl>
    <dt>App</dt><dd>${clientIdentity(opts.client)}</dd>
    <dt>Sends you back to</dt><dd><code>${where.host}</code> <span class="muted">(${where.note})</span></dd>
    <dt>For</dt><dd><code>${opts.resource}</code></dd>
  </dl>
  <p>It asks to:</p>
  <ul>${opts.scopes.map((s) => html`<li>${SCOPES[s as keyof typeof SCOPES] ?? s} <span class="muted">(<code>${s}</code>)</span></li>`)}</ul>
  <p class="muted">Allow only if you started this sign-in yourself, from an app you trust, just now.</p>
  <form method="post" action="/oauth/consent">
    <input type="hidden" name="csrf_token" value="${opts.csrf}">
    <input type="hidden" name="request_id" value="${opts.requestId}">
    <button type="submit" name="decision" value="allow" class="primary">Allow</button>
    <button type="submit" name="decision" value="deny">Deny</button>
  </form>
</div>
<form method="post" action="/logout" class="inline">
  <input type="hidden" name="csrf_token" value="${opts.csrf}">
  <span class="muted">Signed in as ${opts.userName}.</span> <button type="submit">Not you? Sign out</button>
</form>`,
  });
}

function hostsOf(uris: string[]): string[] {
  return [...new Set(uris.map((u) => redirectDisplay(u).host))];
}

/** The console: the apps holding tokens of the signed-in user, each revocable. */
export function consolePage(
  c: Context,
  opts: { csrf: string; userName: string; clients: ClientAccess[]; notice?: string },
) {
  const rows = opts.clients.map(
    (cl) => html`<tr>
  <td>${clientIdentity(cl)}</td>
  <td>${hostsOf(cl.redirectUris).map((h, i) => html`${i ? ', ' : ''}<code>${h}</code>`)}</td>
  <td>${cl.lastUsedAt.slice(0, 16).replace('T', ' ')} UTC</td>
  <td>${cl.scopes.map((s, i) => html`${i ? ' ' : ''}<code>${s}</code>`)}</td>
  <td><form method="post" action="/console/clients/revoke">
    <input type="hidden" name="csrf_token" value="${opts.csrf}">
    <input type="hidden" name="client_id" value="${cl.clientId}">
    <button type="submit" aria-label="Revoke access of ${cl.name}">Revoke</button>
  </form></td>
</tr>`,
  );
  return page(c, {
    title: 'Console',
    body: html`<h1>Apps with access to your account</h1>
${opts.notice ? html`<p class="card" role="status">${opts.notice}</p>` : ''}
${
  opts.clients.length
    ? html`<table>
<thead><tr><th scope="col">App</th><th scope="col">Redirects to</th><th scope="col">Last used</th><th scope="col">Access</th><th scope="col"><span class="muted">Action</span></th></tr></thead>
<tbody>${rows}</tbody>
</table>`
    : html`<p class="card">No app holds a token of yours. Apps appear here after you allow them.</p>`
}
<p><a href="/connections">Your connected accounts (Confluence, Gong)</a></p>
<form method="post" action="/logout">
  <input type="hidden" name="csrf_token" value="${opts.csrf}">
  <span class="muted">Signed in as ${opts.userName}.</span> <button type="submit">Sign out</button>
</form>`,
  });
}
