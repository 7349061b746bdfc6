import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  adfToStorage,
  parseStorage,
  storageToAdf,
  storageToText,
  storageToView,
} from '../../src/emulators/confluence/storage-format.ts';
import {
  compareKeys,
  decodeCursor,
  EmulatorHttpError,
  encodeCursor,
  keysetPaginate,
  parseBasicAuth,
  parseBearer,
  queryArray,
  queryBoolean,
  queryEnum,
  queryLimit,
  relativePath,
  statusCode,
} from '../../src/emulators/framework.ts';

describe('framework helpers', () => {
  test('cursors are base64url JSON; foreign strings decode to undefined', () => {
    const c = encodeCursor({ s: 'pages:id', k: [65538] });
    assert.match(c, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeCursor(c), { s: 'pages:id', k: [65538] });
    assert.equal(decodeCursor('not a cursor!'), undefined);
    assert.equal(decodeCursor('bm90LWpzb24'), undefined, 'base64url of "not-json"');
  });

  test('query arrays: repeated and comma-separated', () => {
    const q = new URLSearchParams('id=1,2&id=3&id=&id= 4 ,,5');
    assert.deepEqual(queryArray(q, 'id'), ['1', '2', '3', '4', '5']);
    assert.deepEqual(queryArray(q, 'none'), []);
  });

  test('scalar query parsing: 400s name the parameter', () => {
    const q = new URLSearchParams('a=TRUE&b=nah&limit=900&sort=-id&bad=x');
    assert.equal(queryBoolean(q, 'a', false), true);
    assert.equal(queryBoolean(q, 'missing', true), true);
    assert.throws(
      () => queryBoolean(q, 'b', false),
      (e: unknown) => e instanceof EmulatorHttpError && e.status === 400 && /'b'/.test(e.message),
    );
    assert.equal(queryLimit(q, { default: 25, max: 250 }), 250);
    assert.equal(queryLimit(new URLSearchParams(), { default: 25, max: 250 }), 25);
    assert.throws(() => queryLimit(new URLSearchParams('limit=0'), { default: 25, max: 250 }), /'limit'/);
    assert.equal(queryEnum(q, 'sort', ['id', '-id'] as const), '-id');
    assert.throws(() => queryEnum(q, 'bad', ['id'] as const), /'bad'.*Allowed values: id/);
  });

  test('keyset pagination walks every item once, in order, either direction', () => {
    const items = Array.from({ length: 11 }, (_, i) => ({ id: i + 1, name: `n${(i * 7) % 5}` }));
    for (const descending of [false, true]) {
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = keysetPaginate(items, {
          key: (x) => [x.name, x.id],
          descending,
          limit: 3,
          cursor,
          scope: 'x',
        });
        seen.push(...page.items.map((x) => x.id));
        cursor = page.next;
      } while (cursor);
      const expected = [...items]
        .sort((a, b) => (descending ? -1 : 1) * compareKeys([a.name, a.id], [b.name, b.id]))
        .map((x) => x.id);
      assert.deepEqual(seen, expected);
    }
    const first = keysetPaginate(items, { key: (x) => [x.id], limit: 3, scope: 'x' });
    assert.throws(
      () => keysetPaginate(items, { key: (x) => [x.id], limit: 3, cursor: first.next, scope: 'y' }),
      /Invalid cursor/,
    );
    const exact = keysetPaginate(items.slice(0, 3), { key: (x) => [x.id], limit: 3, scope: 'x' });
    assert.equal(exact.next, undefined, 'no next link when the page ends exactly at the last item');
  });

  test('auth header parsing, paths, status codes', () => {
    const h = `Basic ${Buffer.from('me@x.io:tok:en').toString('base64')}`;
    assert.deepEqual(parseBasicAuth(h), { user: 'me@x.io', secret: 'tok:en' });
    assert.equal(parseBasicAuth('Bearer x'), undefined);
    assert.equal(parseBasicAuth(`Basic ${Buffer.from('nocolon').toString('base64')}`), undefined);
    assert.equal(parseBearer('bearer abc'), 'abc');
    assert.equal(parseBearer('Basic abc'), undefined);
    assert.equal(relativePath('/emulators/confluence', '/emulators/confluence/wiki/api/v2'), '/wiki/api/v2');
    assert.equal(relativePath('/emulators/confluence/', '/emulators/confluence'), '/');
    assert.equal(statusCode(404), 'NOT_FOUND');
    assert.equal(statusCode(429), 'TOO_MANY_REQUESTS');
  });
});

describe('storage format', () => {
  const storage =
    '<h2>Rollback &amp; recovery</h2><p>Run <code>deployctl</code>, see <ac:link><ri:page ri:content-title="Architecture Overview" /></ac:link>.</p>' +
    '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">bash</ac:parameter><ac:plain-text-body><![CDATA[echo "<hi>" && exit]]></ac:plain-text-body></ac:structured-macro>' +
    '<ul><li>one</li><li><strong>two</strong></li></ul><p>a<br/>b</p>';

  test('parsing keeps CDATA verbatim and decodes entities', () => {
    const nodes = parseStorage(storage);
    assert.equal(nodes[0]?.type === 'element' && nodes[0].name, 'h2');
    assert.match(JSON.stringify(nodes), /echo \\"<hi>\\" && exit/);
    assert.match(JSON.stringify(nodes), /Rollback & recovery/);
    assert.doesNotThrow(() => parseStorage('<p>unclosed <b>tags <i>everywhere'));
  });

  test('plain text: tags stripped, macro parameters dropped, link titles kept', () => {
    const text = storageToText(storage);
    assert.equal(text, 'Rollback & recovery Run deployctl, see Architecture Overview. echo "<hi>" && exit one two a b');
  });

  test('storage ↔ ADF', () => {
    const adf = storageToAdf(storage);
    assert.equal(adf.type, 'doc');
    const types = (adf.content ?? []).map((n) => n.type);
    assert.deepEqual(types, ['heading', 'paragraph', 'codeBlock', 'bulletList', 'paragraph']);
    const code = adf.content![2]!;
    assert.deepEqual(code.attrs, { language: 'bash' });
    assert.equal(code.content?.[0]?.text, 'echo "<hi>" && exit');
    const back = adfToStorage(adf);
    assert.match(back, /^<h2>Rollback &amp; recovery<\/h2>/);
    assert.match(back, /<ul><li><p>one<\/p><\/li><li><p><strong>two<\/strong><\/p><\/li><\/ul>/);
    assert.match(back, /<!\[CDATA\[echo "<hi>" && exit\]\]>/);
    assert.match(back, /<p>a<br \/>b<\/p>$/);
  });

  test('view: macros rendered, no ac:/ri: left, text escaped', () => {
    const view = storageToView(storage, { wikiBase: 'https://x/wiki', spaceKey: 'ENG' });
    assert.doesNotMatch(view, /<ac:|<ri:/);
    assert.match(view, /<pre class="syntaxhighlighter-pre">echo &quot;&lt;hi&gt;&quot; &amp;&amp; exit<\/pre>/);
    assert.match(view, /<a href="https:\/\/x\/wiki\/display\/ENG\/Architecture\+Overview">Architecture Overview<\/a>/);
  });
});
