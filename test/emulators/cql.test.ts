import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type CqlDocument,
  CqlError,
  type CqlNode,
  evaluateDateFunction,
  matchesCql,
  parseCql,
  parseDateLiteral,
  parseOffset,
  stem,
  textMatches,
  tokenize,
} from '../../src/emulators/confluence/cql.ts';

/** A compact rendering of the AST: `(and (= type page) (not (in label a b)))`. */
function show(n: CqlNode): string {
  switch (n.type) {
    case 'and':
    case 'or':
      return `(${n.type} ${show(n.left)} ${show(n.right)})`;
    case 'not':
      return `(not ${show(n.expr)})`;
    default:
      return `(${n.op} ${n.field} ${n.values
        .map((v) => (v.kind === 'function' ? `${v.name}(${v.args.join(',')})` : v.value))
        .join(' ')})`;
  }
}
const ast = (cql: string) => show(parseCql(cql).where);

function refused(cql: string, message: RegExp) {
  assert.throws(
    () => parseCql(cql),
    (e: unknown) => e instanceof CqlError && message.test(e.message),
    `${cql} should fail with ${message}`,
  );
}

describe('tokenizer', () => {
  test('operators, strings, words, parentheses and commas', () => {
    const t = tokenize('space.key!=ENG AND title ~ "a \\"b\\"" OR id IN (1,2) created<=now("-4w") x>=\'y\'');
    assert.deepEqual(
      t.map((x) => `${x.type}:${x.value}`),
      [
        'word:space.key',
        'op:!=',
        'word:ENG',
        'word:AND',
        'word:title',
        'op:~',
        'string:a "b"',
        'word:OR',
        'word:id',
        'word:IN',
        'lparen:(',
        'word:1',
        'comma:,',
        'word:2',
        'rparen:)',
        'word:created',
        'op:<=',
        'word:now',
        'lparen:(',
        'string:-4w',
        'rparen:)',
        'word:x',
        'op:>=',
        'string:y',
        'eof:',
      ],
    );
    assert.equal(t[2]!.pos, 11);
  });

  test('errors name the position', () => {
    assert.throws(() => tokenize('title ~ "open'), /unterminated string starting at position 8/);
    assert.throws(() => tokenize('a ! b'), /unexpected character '!' at position 2/);
    assert.throws(() => tokenize('a = b; drop'), /unexpected character ';' at position 5/);
  });
});

describe('parser', () => {
  test('clauses with every operator', () => {
    assert.equal(ast('type = page'), '(= type page)');
    assert.equal(ast('space != "ENG"'), '(!= space ENG)');
    assert.equal(ast('title ~ "release notes"'), '(~ title release notes)');
    assert.equal(ast('text !~ draft'), '(!~ text draft)');
    assert.equal(ast('created < "2026-01-01"'), '(< created 2026-01-01)');
    assert.equal(ast('created <= "2026/01/01 10:30"'), '(<= created 2026/01/01 10:30)');
    assert.equal(ast('lastmodified > now("-4w")'), '(> lastmodified now(-4w))');
    assert.equal(ast('lastModified >= startOfWeek()'), '(>= lastmodified startOfWeek())');
    assert.equal(ast('label IN (a, "b c", d)'), '(in label a b c d)');
    assert.equal(ast('label not in (a)'), '(not in label a)');
    assert.equal(ast('creator = currentUser()'), '(= creator currentUser())');
    assert.equal(ast('ancestor = 123 and parent = 456'), '(and (= ancestor 123) (= parent 456))');
  });

  test('precedence: NOT > AND > OR; parentheses override; left-associative', () => {
    assert.equal(ast('type = page OR space = ENG AND label = x'), '(or (= type page) (and (= space ENG) (= label x)))');
    assert.equal(
      ast('(type = page OR space = ENG) AND label = x'),
      '(and (or (= type page) (= space ENG)) (= label x))',
    );
    assert.equal(ast('NOT type = page AND label = x'), '(and (not (= type page)) (= label x))');
    assert.equal(ast('NOT (type = page AND label = x)'), '(not (and (= type page) (= label x)))');
    assert.equal(ast('not not label = x'), '(not (not (= label x)))');
    assert.equal(ast('label = a OR label = b OR label = c'), '(or (or (= label a) (= label b)) (= label c))');
    assert.equal(ast('((label = a))'), '(= label a)');
  });

  test('ORDER BY one or more fields, ASC by default', () => {
    assert.deepEqual(parseCql('type = page order by title').orderBy, [{ field: 'title', direction: 'asc' }]);
    assert.deepEqual(parseCql('type = page ORDER BY lastmodified DESC, created asc').orderBy, [
      { field: 'lastmodified', direction: 'desc' },
      { field: 'created', direction: 'asc' },
    ]);
    assert.deepEqual(parseCql('type = page').orderBy, []);
  });

  test('unsupported fields, operators, functions and syntax errors are CqlErrors', () => {
    refused('', /empty/);
    refused('   ', /empty/);
    refused('user.fullname ~ "bob"', /field 'user\.fullname' is not supported/);
    refused('favourite = true', /field 'favourite' is not supported; supported fields: type, space/);
    refused('text = "x"', /operator '=' is not supported by the field 'text' \(supported: ~, !~\)/);
    refused('type ~ page', /operator '~' is not supported by the field 'type'/);
    refused('created IN ("2026-01-01")', /operator 'IN'/);
    refused('label > a', /operator '>'/);
    refused('created > yesterday()', /function 'yesterday\(\)' is not supported for the field 'created'/);
    refused('creator = now()', /function 'now\(\)' is not supported for the field 'creator'/);
    refused('created > now("-4w", "x")', /at most one argument/);
    refused('creator = currentUser("x")', /takes no arguments/);
    refused('created > now("soon")', /invalid date offset "soon"/);
    refused('created > "01/02/2026"', /invalid date "01\/02\/2026"/);
    refused('created > "2026-02-30"', /invalid date/);
    refused('id = "abc"', /numeric content id/);
    refused('parent IN (1, x)', /numeric content id, got "x"/);
    refused('type = wiki', /unknown content type "wiki"/);
    refused('type =', /expected a value but found end of query/);
    refused('type page', /expected an operator after 'type' but found 'page'/);
    refused('= page', /expected a field name but found '='/);
    refused('type = page AND', /expected a field name but found end of query/);
    refused('type = page OR OR label = x', /keyword 'OR'/);
    refused('(type = page', /expected '\)' but found end of query/);
    refused('type = page)', /unexpected '\)' at position 11/);
    refused('type = page label = x', /unexpected 'label'.*expected AND, OR, ORDER BY/);
    refused('label IN a', /expected '\(' after IN/);
    refused('label IN (a b)', /expected '\)' to close the list/);
    refused('label = (a, b)', /only allowed after IN or NOT IN/);
    refused('label IN ()', /expected a value but found '\)'/);
    refused('created > now("-1w"', /expected '\)' to close now\(/);
    refused('type = page ORDER title', /expected BY after ORDER/);
    refused('type = page ORDER BY', /expected a field to order by/);
    refused('type = page ORDER BY space', /ordering by 'space' is not supported/);
    refused('type = page ORDER BY title sideways', /unexpected 'sideways'/);
    refused('order by title', /keyword 'order'/);
  });

  test('errors carry the position', () => {
    try {
      parseCql('type = page AND bogus = 1');
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof CqlError);
      assert.equal(e.position, 16);
    }
  });
});

describe('dates', () => {
  test('literals are day or minute ranges in UTC', () => {
    assert.deepEqual(parseDateLiteral('2026-05-01'), {
      start: Date.UTC(2026, 4, 1),
      end: Date.UTC(2026, 4, 2),
    });
    assert.deepEqual(parseDateLiteral('2026/05/01 10:30'), {
      start: Date.UTC(2026, 4, 1, 10, 30),
      end: Date.UTC(2026, 4, 1, 10, 31),
    });
    assert.equal(parseDateLiteral('2026-13-01'), undefined);
    assert.equal(parseDateLiteral('2026-02-29'), undefined, '2026 is not a leap year');
    assert.equal(parseDateLiteral('2026-05-01 25:00'), undefined);
    assert.equal(parseDateLiteral('yesterday'), undefined);
  });

  test('offsets and functions', () => {
    assert.deepEqual(parseOffset('-4w'), { amount: -4, unit: 'w' });
    assert.deepEqual(parseOffset('+1d'), { amount: 1, unit: 'd' });
    assert.deepEqual(parseOffset('30m'), { amount: 30, unit: 'm' });
    assert.equal(parseOffset('-1 week'), undefined);

    const now = new Date('2026-06-17T12:34:56.000Z'); // a Wednesday
    const at = (name: string, arg?: string) =>
      new Date(evaluateDateFunction(name, arg === undefined ? [] : [arg], now)).toISOString();
    assert.equal(at('now'), '2026-06-17T12:34:56.000Z');
    assert.equal(at('now', '-4w'), '2026-05-20T12:34:56.000Z');
    assert.equal(at('now', '-2h'), '2026-06-17T10:34:56.000Z');
    assert.equal(at('now', '-1M'), '2026-05-17T12:34:56.000Z');
    assert.equal(at('now', '+1y'), '2027-06-17T12:34:56.000Z');
    assert.equal(at('startOfDay'), '2026-06-17T00:00:00.000Z');
    assert.equal(at('startOfDay', '-1d'), '2026-06-16T00:00:00.000Z');
    assert.equal(at('endOfDay'), '2026-06-17T23:59:59.999Z');
    assert.equal(at('startOfWeek'), '2026-06-14T00:00:00.000Z', 'weeks start on Sunday');
    assert.equal(at('endOfWeek'), '2026-06-20T23:59:59.999Z');
    assert.equal(at('startOfMonth'), '2026-06-01T00:00:00.000Z');
    assert.equal(at('endOfMonth'), '2026-06-30T23:59:59.999Z');
    assert.equal(at('startOfYear'), '2026-01-01T00:00:00.000Z');
  });
});

describe('evaluation', () => {
  const doc: CqlDocument = {
    id: '42',
    type: 'page',
    spaceKey: 'ENG',
    spaceId: '7',
    title: 'Release Notes: Platform 4.2',
    text: 'New: faster checkout. Typo-tolerant search for all the Stores.',
    labels: ['release-notes', 'platform'],
    creator: 'acc-1',
    contributors: ['acc-1', 'acc-2'],
    parentId: '10',
    ancestorIds: ['10', '1'],
    created: new Date('2026-06-01T17:00:00Z'),
    lastModified: new Date('2026-06-10T09:00:00Z'),
  };
  const ctx = { now: new Date('2026-06-17T12:00:00Z'), currentAccountId: 'acc-1' };
  const m = (cql: string) => matchesCql(parseCql(cql).where, doc, ctx);

  test('each field', () => {
    assert.ok(m('type = page') && !m('type = blogpost') && m('type IN (blogpost, PAGE)'));
    assert.ok(m('space = eng') && m('space.key = ENG') && !m('space != ENG') && m('space.id = 7'));
    assert.ok(m('title = "release notes: platform 4.2"') && !m('title = "Release Notes"'));
    assert.ok(m('title ~ "release"') && m('title ~ "platform notes"') && !m('title ~ checkout'));
    assert.ok(m('text ~ checkout') && m('text ~ "typo tolerant"') && m('text ~ "release"'), 'text covers the title');
    assert.ok(m('text ~ store') && m('text ~ "search*"') && m('text ~ "se?rch"'));
    assert.ok(m('label = platform') && m('label = "Release-Notes"') && !m('label = runbook'));
    assert.ok(m('label NOT IN (runbook, oncall)') && !m('label NOT IN (platform)'));
    assert.ok(m('creator = currentUser()') && m('creator = "acc-1"') && !m('creator = "acc-2"'));
    assert.ok(m('contributor = "acc-2"'));
    assert.ok(m('id = 42') && m('content = 42') && m('id IN (1, 42)') && m('id != 43'));
    assert.ok(m('parent = 10') && !m('parent = 1') && m('ancestor = 1') && m('ancestor IN (10, 99)'));
  });

  test('date comparisons', () => {
    assert.ok(m('created = "2026-06-01"') && !m('created = "2026-06-02"'));
    assert.ok(m('created != "2026-06-02"') && !m('created != "2026-06-01"'));
    assert.ok(m('created >= "2026-06-01"') && m('created <= "2026-06-01"'));
    assert.ok(!m('created > "2026-06-01"') && !m('created < "2026-06-01"'));
    assert.ok(m('created > "2026-05-31"') && m('created < "2026-06-02"'));
    assert.ok(m('created = "2026-06-01 17:00"') && !m('created = "2026-06-01 17:01"'));
    assert.ok(m('lastmodified > now("-8d")') && !m('lastmodified > now("-1w")'));
    assert.ok(m('created >= startOfMonth()') && !m('created >= startOfWeek()'));
  });

  test('boolean structure', () => {
    assert.ok(m('type = page AND (label = nope OR space = ENG)'));
    assert.ok(!m('type = page AND NOT space = ENG'));
    assert.ok(m('label = nope OR label = platform AND space = ENG'));
  });

  test('text matching helpers', () => {
    assert.ok(textMatches('The Search Service Runbook', 'runbooks'));
    assert.ok(textMatches('Several libraries', 'library'));
    assert.ok(!textMatches('The Search Service', '"service search"'));
    assert.ok(textMatches('The Search Service', '"SEARCH service"'));
    assert.ok(!textMatches('anything', '   '));
    assert.equal(stem('runbooks'), 'runbook');
    assert.equal(stem('class'), 'class');
    assert.equal(stem('status'), 'status');
  });
});
