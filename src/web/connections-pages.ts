import type { Context } from 'hono';
import { html } from 'hono/html';
import type { AuthConfig } from '../connections/auth-configs.ts';
import type { LinkView } from '../connections/flows.ts';
import type { ConnectionSummary } from '../connections/index.ts';
import { page } from './layout.ts';

/**
 * Pages of managed connections: the connect link page (OAuth button or API-key form), the site choice, the result,
 * and the user's connection manager. Same layout and CSP as the sign-in and consent pages; no secret is ever
 * rendered (secret fields are write-only: `type=password`, never prefilled).
 */
const TOOLKIT_NAMES: Record<string, string> = { confluence: 'Confluence', gong: 'Gong' };
export const toolkitName = (id: string) => TOOLKIT_NAMES[id] ?? id;

export function linkPage(
  c: Context,
  opts: {
    csrf: string;
    token: string;
    view: LinkView;
    userName: string;
    error?: string;
    values?: Record<string, string>;
  },
) {
  const v = opts.view;
  const app = toolkitName(v.toolkit);
  const action = `/connections/link/${opts.token}`;
  const body =
    v.kind === 'oauth'
      ? html`<h1>Connect your ${app} account</h1>
<form method="post" action="${action}" class="card">
  <dl>
    <dt>For</dt><dd>${opts.userName}, connection <code>${v.alias}</code>${v.reconnect ? ' (reconnect)' : ''}</dd>
    <dt>Through</dt><dd>${v.authConfig.name}</dd>
    <dt>Sign in at</dt><dd><code>${v.authorizeOrigin ?? ''}</code></dd>
  </dl>
  <p class="muted">${app} asks you to approve access. Switchboard keeps the tokens encrypted; your agent never sees them.</p>
  <input type="hidden" name="csrf_token" value="${opts.csrf}">
  <button type="submit" class="primary">Continue to ${app}</button>
</form>`
      : html`<h1>Connect your ${app} account</h1>
<form method="post" action="${action}" class="card" autocomplete="off">
  ${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
  <dl>
    <dt>For</dt><dd>${opts.userName}, connection <code>${v.alias}</code>${v.reconnect ? ' (reconnect)' : ''}</dd>
    <dt>Through</dt><dd>${v.authConfig.name}</dd>
  </dl>
  <input type="hidden" name="csrf_token" value="${opts.csrf}">
  ${v.fields.map(
    (f) => html`<label for="${f.name}">${f.label}</label>
  <input type="${f.secret ? 'password' : 'text'}" id="${f.name}" name="${f.name}" required spellcheck="false" autocapitalize="none" value="${f.secret ? '' : (opts.values?.[f.name] ?? '')}">
  ${f.hint ? html`<p class="muted">${f.hint}</p>` : ''}`,
  )}
  ${v.fields.length === 0 ? html`<p>The administrator configured these credentials; connect to use them.</p>` : ''}
  <p class="muted">The credentials are checked with ${app} once, then stored encrypted. Your agent never sees them.</p>
  <button type="submit" class="primary">Connect</button>
</form>`;
  return page(c, {
    title: `Connect ${app}`,
    status: opts.error ? 400 : 200,
    ...(v.authorizeOrigin ? { formTargets: [v.authorizeOrigin] } : {}),
    body,
  });
}

export function sitePage(
  c: Context,
  opts: { csrf: string; connectionId: string; sites: { id: string; name: string; url: string }[] },
) {
  return page(c, {
    title: 'Choose a site',
    body: html`<h1>Which Confluence site?</h1>
<form method="post" action="/connections/site" class="card">
  <p>Your Atlassian account reaches several sites. Calls of this connection will go to the one you choose.</p>
  <input type="hidden" name="csrf_token" value="${opts.csrf}">
  <input type="hidden" name="connection_id" value="${opts.connectionId}">
  ${opts.sites.map(
    (s) =>
      html`<button type="submit" name="site_id" value="${s.id}">${s.name} <span class="muted">${s.url}</span></button><br>`,
  )}
</form>`,
  });
}

export function connectedPage(c: Context, connection: ConnectionSummary) {
  return page(c, {
    title: 'Connected',
    body: html`<h1>${toolkitName(connection.toolkit)} is connected</h1>
<div class="card" role="status">
  <p>The connection <code>${connection.alias}</code>${connection.account ? html` (${connection.account})` : ''} is ${connection.status}.</p>
  <p>You can close this window and go back to your agent.</p>
</div>
<p><a href="/connections">Your connections</a></p>`,
  });
}

export function connectionsPage(
  c: Context,
  opts: {
    csrf: string;
    userName: string;
    connections: ConnectionSummary[];
    configs: AuthConfig[];
    notice?: string;
    error?: string;
  },
) {
  const post = (action: string, id: string, label: string, aria: string) =>
    html`<form method="post" action="${action}" class="inline"><input type="hidden" name="csrf_token" value="${opts.csrf}"><input type="hidden" name="connection_id" value="${id}"><button type="submit" aria-label="${aria}">${label}</button></form>`;
  const rows = opts.connections.map(
    (k) => html`<tr>
  <td>${toolkitName(k.toolkit)}</td>
  <td><code>${k.alias}</code>${k.isDefault ? html` <span class="muted">(default)</span>` : ''}</td>
  <td>${k.account ?? ''}</td>
  <td>${k.status === 'active' ? 'active' : html`<span class="warn">${k.status}</span>`}${k.statusReason ? html`<br><span class="muted">${k.statusReason}</span>` : ''}</td>
  <td>${post('/connections/reconnect', k.id, 'Reconnect', `Reconnect ${k.alias}`)}
  ${k.isDefault || k.status !== 'active' ? '' : post('/connections/default', k.id, 'Make default', `Make ${k.alias} the default`)}
  ${post('/connections/remove', k.id, 'Remove', `Remove ${k.alias}`)}</td>
</tr>`,
  );
  const own = opts.configs.filter((a) => a.ownerUserId !== null);
  return page(c, {
    title: 'Connections',
    body: html`<h1>Your connected accounts</h1>
${opts.notice ? html`<p class="card" role="status">${opts.notice}</p>` : ''}
${opts.error ? html`<p class="card error" role="alert">${opts.error}</p>` : ''}
${
  opts.connections.length
    ? html`<table>
<thead><tr><th scope="col">App</th><th scope="col">Name</th><th scope="col">Account</th><th scope="col">Status</th><th scope="col"><span class="muted">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table>`
    : html`<p class="card">No account is connected yet.</p>`
}
<h2>Connect an account</h2>
<form method="post" action="/connections/new" class="card">
  <input type="hidden" name="csrf_token" value="${opts.csrf}">
  <label for="auth_config_id">App and method</label>
  <select id="auth_config_id" name="auth_config_id">${opts.configs.map(
    (a) => html`<option value="${a.id}">${toolkitName(a.toolkit)}: ${a.name}</option>`,
  )}</select>
  <label for="alias">Name of the connection <span class="muted">(optional: "default", "default-2", …)</span></label>
  <input type="text" id="alias" name="alias" maxlength="40" spellcheck="false" autocapitalize="none">
  <button type="submit" class="primary">Connect</button>
</form>
<h2>Your own apps</h2>
<p class="muted">Bring your own OAuth app (register <code>${new URL(c.req.url).origin}/connections/callback</code> as its callback URL). Only you can connect through apps you add here.</p>
${
  own.length
    ? html`<ul>${own.map(
        (a) =>
          html`<li>${toolkitName(a.toolkit)}: ${a.name} <code>${a.id}</code> <form method="post" action="/connections/auth-configs/remove" class="inline"><input type="hidden" name="csrf_token" value="${opts.csrf}"><input type="hidden" name="auth_config_id" value="${a.id}"><button type="submit">Remove</button></form></li>`,
      )}</ul>`
    : ''
}
<form method="post" action="/connections/auth-configs" class="card" autocomplete="off">
  <input type="hidden" name="csrf_token" value="${opts.csrf}">
  <label for="kind">Kind</label>
  <select id="kind" name="kind">
    <option value="confluence:oauth2">Atlassian OAuth app (Confluence)</option>
    <option value="gong:oauth2">Gong OAuth app</option>
    <option value="confluence:api_token">Confluence API token (site preset)</option>
    <option value="gong:basic">Gong access key (API base preset)</option>
  </select>
  <label for="name">Name</label><input type="text" id="name" name="name" maxlength="80">
  <label for="client_id">Client id <span class="muted">(OAuth)</span></label><input type="text" id="client_id" name="client_id" spellcheck="false">
  <label for="client_secret">Client secret <span class="muted">(OAuth)</span></label><input type="password" id="client_secret" name="client_secret">
  <label for="scopes">Scopes <span class="muted">(OAuth, space-separated; empty: every scope the tools use)</span></label><input type="text" id="scopes" name="scopes" spellcheck="false">
  <label for="url">Site or API base URL <span class="muted">(API token / access key)</span></label><input type="text" id="url" name="url" spellcheck="false">
  <button type="submit">Add app</button>
</form>
<p><a href="/console">Console</a></p>`,
  });
}
