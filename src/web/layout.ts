import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/**
 * Server-rendered pages: no script, no external asset, one inline stylesheet allowed by its hash. Every page is
 * sent with headers that forbid framing (clickjacking: RFC 6749 §10.13, MCP security best practices for consent
 * pages), sniffing and referrers (the URLs carry one-time values), and caching.
 */
const CSS = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#57606a;--bg:#fff;--card:#f6f8fa;--line:#d0d7de;--accent:#0b57d0;--warn:#9a6700;--bad:#b42318}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#161b22;--line:#30363d;--accent:#4c8dff;--warn:#d29922;--bad:#f85149}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:40rem;margin:3rem auto;padding:0 1rem}h1{font-size:1.5rem;margin:0 0 1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:1.25rem;margin:1rem 0}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}input[type=text],input[type=password]{width:100%;padding:.5rem;font:inherit;border:1px solid var(--line);border-radius:.375rem;background:var(--bg);color:var(--fg)}
button{font:inherit;padding:.5rem 1rem;border-radius:.375rem;border:1px solid var(--line);background:var(--bg);color:var(--fg);cursor:pointer;margin:.75rem .5rem 0 0}
button.primary{background:var(--accent);border-color:var(--accent);color:#fff}button:focus-visible,input:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.muted{color:var(--muted)}.warn{color:var(--warn);font-weight:600}.error{color:var(--bad);font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
ul{padding-left:1.25rem}table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:.5rem;border-bottom:1px solid var(--line);vertical-align:top}
code{overflow-wrap:anywhere}.inline{display:inline}
`;
const CSS_HASH = `'sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}'`;

export interface PageOptions {
  title: string;
  body: HtmlEscapedString | Promise<HtmlEscapedString>;
  status?: 200 | 400 | 401 | 403 | 404 | 429;
  /**
   * Extra `form-action` sources: where a form's POST may redirect to (the consent form redirects to the client).
   * Browsers apply form-action to the redirect after a submission too.
   */
  formTargets?: string[];
}

export function securityHeaders(c: Context, formTargets: string[] = []): void {
  const formAction = ["'self'", ...formTargets].join(' ');
  c.header(
    'Content-Security-Policy',
    `default-src 'none'; style-src ${CSS_HASH}; img-src 'self'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
  );
  c.header('X-Frame-Options', 'DENY');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cache-Control', 'no-store');
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
}

export function page(c: Context, opts: PageOptions): Response | Promise<Response> {
  securityHeaders(c, opts.formTargets);
  return c.html(
    html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${opts.title} · Switchboard</title>
<style>${raw(CSS)}</style>
</head>
<body><main>
${opts.body}
</main></body>
</html>`,
    opts.status ?? 200,
  );
}

/** A page for errors that must not be redirected to a client (RFC 6749 §4.1.2.1: invalid client or redirect URI). */
export function errorPage(
  c: Context,
  status: 400 | 401 | 403 | 404 | 429,
  title: string,
  message: string,
  hint = 'You can close this window and start again from your app.',
) {
  return page(c, {
    title,
    status,
    body: html`<h1>${title}</h1>
<div class="card" role="alert"><p class="error">${message}</p><p class="muted">${hint}</p></div>`,
  });
}
