/**
 * Confluence body representations, well enough for an emulator: a forgiving parser for storage format (XHTML with
 * `ac:`/`ri:` elements and CDATA), conversion between storage and ADF (atlas_doc_format), a plausible `view`
 * rendering, and plain text for search and excerpts.
 */

export interface HtmlElement {
  type: 'element';
  name: string;
  attrs: Record<string, string>;
  children: HtmlNode[];
}
export interface HtmlText {
  type: 'text';
  /** Decoded text (entities resolved; CDATA kept verbatim). */
  text: string;
}
export type HtmlNode = HtmlElement | HtmlText;

const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'col', 'area', 'base', 'wbr', 'source']);
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ndash: '\u2013',
  mdash: '\u2014',
  hellip: '\u2026',
  rsquo: '\u2019',
  lsquo: '\u2018',
  rdquo: '\u201d',
  ldquo: '\u201c',
  copy: '\u00a9',
  reg: '\u00ae',
  trade: '\u2122',
  euro: '\u20ac',
  middot: '\u00b7',
  bull: '\u2022',
  rarr: '\u2192',
  larr: '\u2190',
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return NAMED_ENTITIES[e] ?? m;
  });
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Parses storage-format XHTML into a tree. Never throws: unbalanced markup is closed where it makes sense. */
export function parseStorage(input: string): HtmlNode[] {
  const root: HtmlElement = { type: 'element', name: '#root', attrs: {}, children: [] };
  const stack: HtmlElement[] = [root];
  const top = () => stack[stack.length - 1]!;
  let i = 0;
  const pushText = (text: string) => {
    if (!text) return;
    const kids = top().children;
    const last = kids[kids.length - 1];
    if (last?.type === 'text') last.text += text;
    else kids.push({ type: 'text', text });
  };
  while (i < input.length) {
    const lt = input.indexOf('<', i);
    if (lt < 0) {
      pushText(decodeEntities(input.slice(i)));
      break;
    }
    if (lt > i) pushText(decodeEntities(input.slice(i, lt)));
    if (input.startsWith('<![CDATA[', lt)) {
      const end = input.indexOf(']]>', lt + 9);
      pushText(input.slice(lt + 9, end < 0 ? input.length : end));
      i = end < 0 ? input.length : end + 3;
      continue;
    }
    if (input.startsWith('<!--', lt)) {
      const end = input.indexOf('-->', lt + 4);
      i = end < 0 ? input.length : end + 3;
      continue;
    }
    if (input.startsWith('<!', lt) || input.startsWith('<?', lt)) {
      const end = input.indexOf('>', lt);
      i = end < 0 ? input.length : end + 1;
      continue;
    }
    const close = /^<\/\s*([A-Za-z][\w:.-]*)\s*>/.exec(input.slice(lt));
    if (close) {
      const name = close[1]!.toLowerCase();
      const at = stack.map((e) => e.name).lastIndexOf(name);
      if (at > 0) stack.length = at;
      i = lt + close[0].length;
      continue;
    }
    const open = /^<([A-Za-z][\w:.-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>/.exec(
      input.slice(lt),
    );
    if (!open) {
      pushText('<');
      i = lt + 1;
      continue;
    }
    const name = open[1]!.toLowerCase();
    const attrs: Record<string, string> = {};
    for (const a of open[2]!.matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
      attrs[a[1]!.toLowerCase()] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '');
    }
    const el: HtmlElement = { type: 'element', name, attrs, children: [] };
    top().children.push(el);
    if (!open[3] && !VOID.has(name)) stack.push(el);
    i = lt + open[0].length;
  }
  return root.children;
}

const BLOCKS = new Set([
  'p',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'pre',
  'blockquote',
  'table',
  'tbody',
  'thead',
  'tr',
  'td',
  'th',
  'hr',
  'br',
  'ac:structured-macro',
  'ac:rich-text-body',
  'ac:plain-text-body',
  'ac:task',
  'ac:layout-cell',
]);

/** Plain text of a storage body: tags stripped, block boundaries become spaces, whitespace collapsed. */
export function storageToText(storage: string): string {
  const parts: string[] = [];
  const walk = (nodes: HtmlNode[]) => {
    for (const n of nodes) {
      if (n.type === 'text') parts.push(n.text);
      else {
        if (n.name === 'ac:parameter' || n.name === 'ac:task-status' || n.name === 'ac:task-id') continue;
        if (n.name === 'ac:link') {
          parts.push(acLinkText(n));
          continue;
        }
        const block = BLOCKS.has(n.name);
        if (block) parts.push(' ');
        walk(n.children);
        if (block) parts.push(' ');
      }
    }
  };
  walk(parseStorage(storage));
  return parts.join('').replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------------------------
// ADF

export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  text?: string;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
}

type Mark = NonNullable<AdfNode['marks']>[number];

const INLINE_MARKS: Record<string, Mark> = {
  strong: { type: 'strong' },
  b: { type: 'strong' },
  em: { type: 'em' },
  i: { type: 'em' },
  u: { type: 'underline' },
  s: { type: 'strike' },
  del: { type: 'strike' },
  code: { type: 'code' },
};

const PANEL_MACROS: Record<string, string> = { info: 'info', note: 'note', warning: 'warning', tip: 'success' };

function macroParam(el: HtmlElement, name: string): string | undefined {
  for (const c of el.children) {
    if (c.type === 'element' && c.name === 'ac:parameter' && c.attrs['ac:name'] === name) return textOf(c.children);
  }
  return undefined;
}

function childElement(el: HtmlElement, name: string): HtmlElement | undefined {
  return el.children.find((c): c is HtmlElement => c.type === 'element' && c.name === name);
}

function textOf(nodes: HtmlNode[]): string {
  return nodes.map((n) => (n.type === 'text' ? n.text : textOf(n.children))).join('');
}

/** Title a `<ac:link><ri:page ri:content-title="…"/></ac:link>` points at (or its link body). */
function acLinkText(el: HtmlElement): string {
  const body = childElement(el, 'ac:link-body') ?? childElement(el, 'ac:plain-text-link-body');
  if (body) return textOf(body.children);
  const page = childElement(el, 'ri:page');
  if (page) return page.attrs['ri:content-title'] ?? '';
  const url = childElement(el, 'ri:url');
  if (url) return url.attrs['ri:value'] ?? '';
  const user = childElement(el, 'ri:user');
  if (user) return `@${user.attrs['ri:account-id'] ?? 'user'}`;
  return textOf(el.children);
}

/** Converts storage format to an ADF document (`{type:'doc', version:1, content}`). */
export function storageToAdf(storage: string): AdfNode {
  return { type: 'doc', version: 1, content: blocksOf(parseStorage(storage)) } as AdfNode;
}

function blocksOf(nodes: HtmlNode[]): AdfNode[] {
  const out: AdfNode[] = [];
  let inline: HtmlNode[] = [];
  const flush = () => {
    const content = inlineOf(inline, []);
    if (content.some((n) => n.type !== 'text' || (n.text ?? '').trim())) out.push({ type: 'paragraph', content });
    inline = [];
  };
  for (const n of nodes) {
    const block = n.type === 'element' ? blockOf(n) : undefined;
    if (block === undefined) {
      inline.push(n);
      continue;
    }
    flush();
    out.push(...block);
  }
  flush();
  return out;
}

/** The ADF blocks of an element, or `undefined` when it is inline. */
function blockOf(el: HtmlElement): AdfNode[] | undefined {
  const n = el.name;
  if (n === 'p') return [{ type: 'paragraph', content: inlineOf(el.children, []) }];
  const h = /^h([1-6])$/.exec(n);
  if (h) return [{ type: 'heading', attrs: { level: Number(h[1]) }, content: inlineOf(el.children, []) }];
  if (n === 'ul' || n === 'ol') {
    const items = el.children
      .filter((c): c is HtmlElement => c.type === 'element' && c.name === 'li')
      .map((li) => ({ type: 'listItem', content: blocksOf(li.children) }));
    return [{ type: n === 'ul' ? 'bulletList' : 'orderedList', content: items }];
  }
  if (n === 'pre') return [{ type: 'codeBlock', content: textNodes(textOf(el.children)) }];
  if (n === 'blockquote') return [{ type: 'blockquote', content: blocksOf(el.children) }];
  if (n === 'hr') return [{ type: 'rule' }];
  if (n === 'div' || n === 'ac:layout' || n === 'ac:layout-section' || n === 'ac:layout-cell') {
    return blocksOf(el.children);
  }
  if (n === 'table') {
    const rows: AdfNode[] = [];
    const collect = (nodes: HtmlNode[]) => {
      for (const c of nodes) {
        if (c.type !== 'element') continue;
        if (c.name === 'tr') {
          const cells = c.children
            .filter((x): x is HtmlElement => x.type === 'element' && (x.name === 'td' || x.name === 'th'))
            .map((cell) => {
              const content = blocksOf(cell.children);
              return {
                type: cell.name === 'th' ? 'tableHeader' : 'tableCell',
                content: content.length ? content : [{ type: 'paragraph' }],
              };
            });
          rows.push({ type: 'tableRow', content: cells });
        } else collect(c.children);
      }
    };
    collect(el.children);
    return [{ type: 'table', content: rows }];
  }
  if (n === 'ac:structured-macro') {
    const name = el.attrs['ac:name'] ?? '';
    if (name === 'code' || name === 'noformat') {
      const lang = macroParam(el, 'language');
      const body = childElement(el, 'ac:plain-text-body');
      return [
        {
          type: 'codeBlock',
          ...(lang ? { attrs: { language: lang } } : {}),
          content: textNodes(body ? textOf(body.children) : ''),
        },
      ];
    }
    const panel = PANEL_MACROS[name];
    if (panel) {
      const body = childElement(el, 'ac:rich-text-body');
      return [{ type: 'panel', attrs: { panelType: panel }, content: blocksOf(body?.children ?? []) }];
    }
    return [{ type: 'extension', attrs: { extensionType: 'com.atlassian.confluence.macro.core', extensionKey: name } }];
  }
  if (n === 'ac:task-list') {
    const items = el.children
      .filter((c): c is HtmlElement => c.type === 'element' && c.name === 'ac:task')
      .map((t) => {
        const status = textOf(childElement(t, 'ac:task-status')?.children ?? []).trim();
        const body = childElement(t, 'ac:task-body');
        return {
          type: 'taskItem',
          attrs: { state: status === 'complete' ? 'DONE' : 'TODO' },
          content: inlineOf(body?.children ?? [], []),
        };
      });
    return [{ type: 'taskList', content: items }];
  }
  return undefined;
}

function textNodes(text: string): AdfNode[] {
  return text ? [{ type: 'text', text }] : [];
}

function inlineOf(nodes: HtmlNode[], marks: Mark[]): AdfNode[] {
  const out: AdfNode[] = [];
  const pushText = (text: string, m: Mark[]) => {
    if (!text) return;
    out.push(m.length ? { type: 'text', text, marks: m.map((x) => ({ ...x })) } : { type: 'text', text });
  };
  for (const n of nodes) {
    if (n.type === 'text') {
      pushText(n.text.replace(/\s+/g, ' '), marks);
      continue;
    }
    const mark = INLINE_MARKS[n.name];
    if (mark) out.push(...inlineOf(n.children, [...marks, mark]));
    else if (n.name === 'a') {
      out.push(...inlineOf(n.children, [...marks, { type: 'link', attrs: { href: n.attrs.href ?? '' } }]));
    } else if (n.name === 'br') out.push({ type: 'hardBreak' });
    else if (n.name === 'ac:link') pushText(acLinkText(n), marks);
    else if (n.name === 'ac:emoticon') pushText(n.attrs['ac:emoji-fallback'] ?? `:${n.attrs['ac:name'] ?? ''}:`, marks);
    else if (n.name === 'time') pushText(n.attrs.datetime ?? textOf(n.children), marks);
    else if (n.name === 'ac:parameter') continue;
    else {
      const block = blockOf(n);
      if (block) out.push(...block.flatMap((b) => b.content ?? []).filter((b) => b.type === 'text'));
      else out.push(...inlineOf(n.children, marks));
    }
  }
  return out;
}

/** Converts an ADF document to storage format. */
export function adfToStorage(doc: AdfNode): string {
  return (doc.content ?? []).map(adfBlockToStorage).join('');
}

function adfBlockToStorage(n: AdfNode): string {
  const inner = () => (n.content ?? []).map(adfInlineOrBlock).join('');
  switch (n.type) {
    case 'paragraph':
      return `<p>${inner()}</p>`;
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(n.attrs?.level ?? 1)));
      return `<h${level}>${inner()}</h${level}>`;
    }
    case 'bulletList':
      return `<ul>${inner()}</ul>`;
    case 'orderedList':
      return `<ol>${inner()}</ol>`;
    case 'listItem':
      return `<li>${inner()}</li>`;
    case 'blockquote':
      return `<blockquote>${inner()}</blockquote>`;
    case 'rule':
      return '<hr />';
    case 'codeBlock': {
      const text = adfText(n);
      const lang = typeof n.attrs?.language === 'string' ? n.attrs.language : undefined;
      const param = lang ? `<ac:parameter ac:name="language">${escapeHtml(lang)}</ac:parameter>` : '';
      return `<ac:structured-macro ac:name="code">${param}<ac:plain-text-body><![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]></ac:plain-text-body></ac:structured-macro>`;
    }
    case 'panel': {
      const type = String(n.attrs?.panelType ?? 'info');
      const macro = Object.entries(PANEL_MACROS).find(([, v]) => v === type)?.[0] ?? 'info';
      return `<ac:structured-macro ac:name="${macro}"><ac:rich-text-body>${inner()}</ac:rich-text-body></ac:structured-macro>`;
    }
    case 'table':
      return `<table><tbody>${inner()}</tbody></table>`;
    case 'tableRow':
      return `<tr>${inner()}</tr>`;
    case 'tableHeader':
      return `<th>${inner()}</th>`;
    case 'tableCell':
      return `<td>${inner()}</td>`;
    case 'taskList':
      return `<ac:task-list>${inner()}</ac:task-list>`;
    case 'taskItem':
      return `<ac:task><ac:task-status>${n.attrs?.state === 'DONE' ? 'complete' : 'incomplete'}</ac:task-status><ac:task-body>${inner()}</ac:task-body></ac:task>`;
    case 'extension':
    case 'bodiedExtension':
      return `<ac:structured-macro ac:name="${escapeHtml(String(n.attrs?.extensionKey ?? 'unknown'))}" />`;
    default:
      return inner();
  }
}

function adfInlineOrBlock(n: AdfNode): string {
  if (n.type === 'text') {
    let s = escapeHtml(n.text ?? '');
    for (const m of n.marks ?? []) {
      if (m.type === 'strong') s = `<strong>${s}</strong>`;
      else if (m.type === 'em') s = `<em>${s}</em>`;
      else if (m.type === 'underline') s = `<u>${s}</u>`;
      else if (m.type === 'strike') s = `<s>${s}</s>`;
      else if (m.type === 'code') s = `<code>${s}</code>`;
      else if (m.type === 'link') s = `<a href="${escapeHtml(String(m.attrs?.href ?? ''))}">${s}</a>`;
    }
    return s;
  }
  if (n.type === 'hardBreak') return '<br />';
  if (n.type === 'mention')
    return `<ac:link><ri:user ri:account-id="${escapeHtml(String(n.attrs?.id ?? ''))}" /></ac:link>`;
  if (n.type === 'emoji') return escapeHtml(String(n.attrs?.text ?? n.attrs?.shortName ?? ''));
  if (n.type === 'inlineCard')
    return `<a href="${escapeHtml(String(n.attrs?.url ?? ''))}">${escapeHtml(String(n.attrs?.url ?? ''))}</a>`;
  return adfBlockToStorage(n);
}

/** Plain text of an ADF node. */
export function adfText(n: AdfNode): string {
  if (n.type === 'text') return n.text ?? '';
  if (n.type === 'hardBreak') return '\n';
  const sep = ['paragraph', 'heading', 'listItem', 'codeBlock', 'tableCell', 'tableHeader'].includes(n.type) ? ' ' : '';
  return (n.content ?? []).map(adfText).join(sep);
}

/** Validates an ADF value (a JSON string of a `doc` node); the parsed doc, or an error message. */
export function parseAdf(value: string): AdfNode | string {
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch {
    return 'the atlas_doc_format value is not valid JSON (send the ADF document serialized as a string)';
  }
  if (!doc || typeof doc !== 'object' || (doc as AdfNode).type !== 'doc') {
    return 'the atlas_doc_format value must be an ADF document: {"type":"doc","version":1,"content":[...]}';
  }
  const content = (doc as AdfNode).content;
  if (content !== undefined && !Array.isArray(content)) return 'the ADF document "content" must be an array';
  return doc as AdfNode;
}

// ---------------------------------------------------------------------------------------------------------------
// view rendering

export interface ViewContext {
  /** `{origin}{basePath}/wiki` */
  wikiBase: string;
  spaceKey: string;
}

/** Renders storage format the way `view`/`export_view` look: macros expanded to HTML, `ac:`/`ri:` gone. */
export function storageToView(storage: string, ctx: ViewContext): string {
  return parseStorage(storage)
    .map((n) => renderView(n, ctx))
    .join('');
}

function attrsToString(attrs: Record<string, string>): string {
  return Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join('');
}

function renderView(n: HtmlNode, ctx: ViewContext): string {
  if (n.type === 'text') return escapeHtml(n.text);
  const kids = () => n.children.map((c) => renderView(c, ctx)).join('');
  switch (n.name) {
    case 'ac:structured-macro': {
      const name = n.attrs['ac:name'] ?? '';
      if (name === 'code' || name === 'noformat') {
        const body = childElement(n, 'ac:plain-text-body');
        return `<div class="code panel pdl conf-macro output-block" data-macro-name="${name}"><div class="codeContent panelContent pdl"><pre class="syntaxhighlighter-pre">${escapeHtml(body ? textOf(body.children) : '')}</pre></div></div>`;
      }
      const panel = PANEL_MACROS[name];
      if (panel) {
        const body = childElement(n, 'ac:rich-text-body');
        const inner = (body?.children ?? []).map((c) => renderView(c, ctx)).join('');
        return `<div class="confluence-information-macro confluence-information-macro-${name} conf-macro output-block" data-macro-name="${name}"><div class="confluence-information-macro-body">${inner}</div></div>`;
      }
      return `<div class="conf-macro output-block" data-macro-name="${escapeHtml(name)}"></div>`;
    }
    case 'ac:link': {
      const page = childElement(n, 'ri:page');
      const text = escapeHtml(acLinkText(n));
      if (page) {
        const key = page.attrs['ri:space-key'] ?? ctx.spaceKey;
        const title = encodeURIComponent(page.attrs['ri:content-title'] ?? '').replace(/%20/g, '+');
        return `<a href="${ctx.wikiBase}/display/${encodeURIComponent(key)}/${title}">${text}</a>`;
      }
      const url = childElement(n, 'ri:url');
      if (url) return `<a href="${escapeHtml(url.attrs['ri:value'] ?? '')}">${text}</a>`;
      return `<span class="confluence-link">${text}</span>`;
    }
    case 'ac:emoticon':
      return escapeHtml(n.attrs['ac:emoji-fallback'] ?? '');
    case 'ac:task-list':
      return `<ul class="inline-task-list">${kids()}</ul>`;
    case 'ac:task': {
      const status = textOf(childElement(n, 'ac:task-status')?.children ?? []).trim();
      const body = childElement(n, 'ac:task-body');
      const inner = (body?.children ?? []).map((c) => renderView(c, ctx)).join('');
      return `<li${status === 'complete' ? ' class="checked"' : ''}>${inner}</li>`;
    }
    case 'ac:parameter':
    case 'ac:task-id':
    case 'ac:task-status':
      return '';
    default:
      if (n.name.startsWith('ac:') || n.name.startsWith('ri:')) return kids();
      if (VOID.has(n.name)) return `<${n.name}${attrsToString(n.attrs)} />`;
      return `<${n.name}${attrsToString(n.attrs)}>${kids()}</${n.name}>`;
  }
}
