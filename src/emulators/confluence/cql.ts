/**
 * CQL (Confluence Query Language), the common subset: a tokenizer, a recursive-descent parser that also checks
 * fields, operators and functions, and an evaluator over plain documents.
 *
 *   query    := or [ORDER BY order (',' order)*] EOF
 *   or       := and (OR and)*
 *   and      := not (AND not)*
 *   not      := NOT not | primary
 *   primary  := '(' or ')' | clause
 *   clause   := field op operand
 *   op       := = | != | ~ | !~ | < | <= | > | >= | IN | NOT IN
 *   operand  := value | '(' value (',' value)* ')'            (lists only after IN / NOT IN)
 *   value    := "string" | 'string' | word | function '(' [value (',' value)*] ')'
 *
 * Anything outside the subset is a `CqlError` (the search endpoint answers 400), never a silently empty result.
 */

export class CqlError extends Error {
  /** Offset in the query where the problem was found. */
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.name = 'CqlError';
    this.position = position;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tokenizer

export type TokenType = 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'comma' | 'eof';
export interface Token {
  type: TokenType;
  value: string;
  pos: number;
}

const WORD_CHAR = /[\p{L}\p{N}_.\-:/*@+?$#]/u;

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === '(') tokens.push({ type: 'lparen', value: ch, pos: i++ });
    else if (ch === ')') tokens.push({ type: 'rparen', value: ch, pos: i++ });
    else if (ch === ',') tokens.push({ type: 'comma', value: ch, pos: i++ });
    else if (ch === '"' || ch === "'") {
      i++;
      let value = '';
      let closed = false;
      while (i < input.length) {
        const c = input[i]!;
        if (c === '\\' && i + 1 < input.length) {
          value += input[i + 1];
          i += 2;
          continue;
        }
        if (c === ch) {
          closed = true;
          i++;
          break;
        }
        value += c;
        i++;
      }
      if (!closed) throw new CqlError(`unterminated string starting at position ${start}`, start);
      tokens.push({ type: 'string', value, pos: start });
    } else if (ch === '!' || ch === '=' || ch === '~' || ch === '<' || ch === '>') {
      const two = input.slice(i, i + 2);
      if (two === '!=' || two === '!~' || two === '<=' || two === '>=') {
        tokens.push({ type: 'op', value: two, pos: i });
        i += 2;
      } else if (ch === '!') {
        throw new CqlError(`unexpected character '!' at position ${i} (did you mean != or !~?)`, i);
      } else {
        tokens.push({ type: 'op', value: ch, pos: i++ });
      }
    } else if (WORD_CHAR.test(ch)) {
      while (i < input.length && WORD_CHAR.test(input[i]!)) i++;
      tokens.push({ type: 'word', value: input.slice(start, i), pos: start });
    } else {
      throw new CqlError(`unexpected character '${ch}' at position ${i}`, i);
    }
  }
  tokens.push({ type: 'eof', value: '', pos: input.length });
  return tokens;
}

// ---------------------------------------------------------------------------------------------------------------
// AST

export type CqlOperator = '=' | '!=' | '~' | '!~' | '<' | '<=' | '>' | '>=' | 'in' | 'not in';

export type CqlValue =
  | { kind: 'literal'; value: string; quoted: boolean; pos: number }
  | { kind: 'function'; name: string; args: string[]; pos: number };

export interface CqlClause {
  type: 'clause';
  field: CqlField;
  op: CqlOperator;
  values: CqlValue[];
  pos: number;
}
export type CqlNode =
  | CqlClause
  | { type: 'and'; left: CqlNode; right: CqlNode }
  | { type: 'or'; left: CqlNode; right: CqlNode }
  | { type: 'not'; expr: CqlNode };

export type CqlOrderField = 'title' | 'created' | 'lastmodified' | 'id';
export interface CqlOrder {
  field: CqlOrderField;
  direction: 'asc' | 'desc';
}
export interface CqlQuery {
  where: CqlNode;
  orderBy: CqlOrder[];
}

// ---------------------------------------------------------------------------------------------------------------
// Fields, operators, functions

export type CqlField =
  | 'type'
  | 'space'
  | 'space.key'
  | 'space.id'
  | 'title'
  | 'text'
  | 'label'
  | 'creator'
  | 'contributor'
  | 'id'
  | 'content'
  | 'parent'
  | 'ancestor'
  | 'created'
  | 'lastmodified';

const EQUALITY: CqlOperator[] = ['=', '!=', 'in', 'not in'];
const TEXT: CqlOperator[] = ['~', '!~'];
const RANGE: CqlOperator[] = ['=', '!=', '<', '<=', '>', '>='];

const FIELDS: Record<CqlField, { ops: CqlOperator[]; kind: 'enum' | 'key' | 'text' | 'id' | 'user' | 'date' }> = {
  type: { ops: EQUALITY, kind: 'enum' },
  space: { ops: EQUALITY, kind: 'key' },
  'space.key': { ops: EQUALITY, kind: 'key' },
  'space.id': { ops: EQUALITY, kind: 'id' },
  title: { ops: [...EQUALITY, ...TEXT], kind: 'text' },
  text: { ops: TEXT, kind: 'text' },
  label: { ops: EQUALITY, kind: 'key' },
  creator: { ops: EQUALITY, kind: 'user' },
  contributor: { ops: EQUALITY, kind: 'user' },
  id: { ops: EQUALITY, kind: 'id' },
  content: { ops: EQUALITY, kind: 'id' },
  parent: { ops: EQUALITY, kind: 'id' },
  ancestor: { ops: EQUALITY, kind: 'id' },
  created: { ops: RANGE, kind: 'date' },
  lastmodified: { ops: RANGE, kind: 'date' },
};

/** Content types CQL knows; only the ones the emulator holds can match. */
export const CQL_TYPES = [
  'page',
  'blogpost',
  'comment',
  'attachment',
  'space',
  'user',
  'folder',
  'whiteboard',
  'database',
  'embed',
] as const;

const DATE_FUNCTIONS = new Set([
  'now',
  'startofday',
  'endofday',
  'startofweek',
  'endofweek',
  'startofmonth',
  'endofmonth',
  'startofyear',
  'endofyear',
]);
const USER_FUNCTIONS = new Set(['currentuser']);

const ORDER_FIELDS: Record<string, CqlOrderField> = {
  title: 'title',
  created: 'created',
  lastmodified: 'lastmodified',
  id: 'id',
};

// ---------------------------------------------------------------------------------------------------------------
// Parser

export function parseCql(input: string): CqlQuery {
  if (!input.trim()) throw new CqlError('the query is empty', 0);
  const tokens = tokenize(input);
  let i = 0;
  const peek = () => tokens[i]!;
  const next = () => tokens[i++]!;
  const isKeyword = (t: Token, kw: string) => t.type === 'word' && t.value.toLowerCase() === kw;
  const describe = (t: Token) => (t.type === 'eof' ? 'end of query' : `'${t.value}' at position ${t.pos}`);
  const expect = (type: TokenType, what: string) => {
    const t = next();
    if (t.type !== type) throw new CqlError(`expected ${what} but found ${describe(t)}`, t.pos);
    return t;
  };

  const parseOr = (): CqlNode => {
    let left = parseAnd();
    while (isKeyword(peek(), 'or')) {
      next();
      left = { type: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): CqlNode => {
    let left = parseNot();
    while (isKeyword(peek(), 'and')) {
      next();
      left = { type: 'and', left, right: parseNot() };
    }
    return left;
  };
  const parseNot = (): CqlNode => {
    if (isKeyword(peek(), 'not')) {
      next();
      return { type: 'not', expr: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): CqlNode => {
    const t = peek();
    if (t.type === 'lparen') {
      next();
      const inner = parseOr();
      expect('rparen', "')'");
      return inner;
    }
    return parseClause();
  };

  const parseValue = (): CqlValue => {
    const t = next();
    if (t.type === 'string') return { kind: 'literal', value: t.value, quoted: true, pos: t.pos };
    if (t.type !== 'word') throw new CqlError(`expected a value but found ${describe(t)}`, t.pos);
    if (peek().type === 'lparen') {
      next();
      const args: string[] = [];
      if (peek().type !== 'rparen') {
        for (;;) {
          const a = next();
          if (a.type !== 'string' && a.type !== 'word') {
            throw new CqlError(`expected a function argument but found ${describe(a)}`, a.pos);
          }
          args.push(a.value);
          if (peek().type !== 'comma') break;
          next();
        }
      }
      expect('rparen', `')' to close ${t.value}(`);
      return { kind: 'function', name: t.value, args, pos: t.pos };
    }
    return { kind: 'literal', value: t.value, quoted: false, pos: t.pos };
  };

  const parseClause = (): CqlClause => {
    const ft = next();
    if (ft.type !== 'word') throw new CqlError(`expected a field name but found ${describe(ft)}`, ft.pos);
    const fieldName = ft.value.toLowerCase();
    if (['and', 'or', 'not', 'order', 'in'].includes(fieldName)) {
      throw new CqlError(`expected a field name but found the keyword '${ft.value}' at position ${ft.pos}`, ft.pos);
    }
    if (!(fieldName in FIELDS)) {
      throw new CqlError(
        `the field '${ft.value}' is not supported; supported fields: ${Object.keys(FIELDS).join(', ')}`,
        ft.pos,
      );
    }
    const field = fieldName as CqlField;
    const ot = next();
    let op: CqlOperator;
    if (ot.type === 'op') op = ot.value as CqlOperator;
    else if (isKeyword(ot, 'in')) op = 'in';
    else if (isKeyword(ot, 'not') && isKeyword(peek(), 'in')) {
      next();
      op = 'not in';
    } else throw new CqlError(`expected an operator after '${ft.value}' but found ${describe(ot)}`, ot.pos);
    const spec = FIELDS[field];
    if (!spec.ops.includes(op)) {
      throw new CqlError(
        `the operator '${op.toUpperCase()}' is not supported by the field '${field}' (supported: ${spec.ops
          .map((o) => o.toUpperCase())
          .join(', ')})`,
        ot.pos,
      );
    }
    let values: CqlValue[];
    if (op === 'in' || op === 'not in') {
      expect('lparen', `'(' after ${op.toUpperCase()}`);
      values = [parseValue()];
      while (peek().type === 'comma') {
        next();
        values.push(parseValue());
      }
      expect('rparen', "')' to close the list");
    } else {
      if (peek().type === 'lparen') {
        throw new CqlError(`a list is only allowed after IN or NOT IN (at position ${peek().pos})`, peek().pos);
      }
      values = [parseValue()];
    }
    for (const v of values) checkValue(field, spec.kind, v);
    return { type: 'clause', field, op, values, pos: ft.pos };
  };

  const where = parseOr();
  const orderBy: CqlOrder[] = [];
  if (isKeyword(peek(), 'order')) {
    next();
    const by = next();
    if (!isKeyword(by, 'by')) throw new CqlError(`expected BY after ORDER but found ${describe(by)}`, by.pos);
    for (;;) {
      const f = next();
      if (f.type !== 'word') throw new CqlError(`expected a field to order by but found ${describe(f)}`, f.pos);
      const field = ORDER_FIELDS[f.value.toLowerCase()];
      if (!field) {
        throw new CqlError(
          `ordering by '${f.value}' is not supported (supported: ${Object.keys(ORDER_FIELDS).join(', ')})`,
          f.pos,
        );
      }
      let direction: 'asc' | 'desc' = 'asc';
      if (isKeyword(peek(), 'asc') || isKeyword(peek(), 'desc')) direction = next().value.toLowerCase() as 'asc';
      orderBy.push({ field, direction });
      if (peek().type !== 'comma') break;
      next();
    }
  }
  const end = peek();
  if (end.type !== 'eof') {
    throw new CqlError(`unexpected ${describe(end)}; expected AND, OR, ORDER BY or the end of the query`, end.pos);
  }
  return { where, orderBy };
}

function checkValue(field: CqlField, kind: (typeof FIELDS)[CqlField]['kind'], v: CqlValue): void {
  if (v.kind === 'function') {
    const name = v.name.toLowerCase();
    if (kind === 'date' && DATE_FUNCTIONS.has(name)) {
      if (v.args.length > 1) throw new CqlError(`${v.name}() takes at most one argument`, v.pos);
      if (v.args[0] !== undefined && parseOffset(v.args[0]) === undefined) {
        throw new CqlError(
          `invalid date offset "${v.args[0]}" in ${v.name}() (use e.g. "-4w", "+1d", "-2h"; units y M w d h m)`,
          v.pos,
        );
      }
      return;
    }
    if (kind === 'user' && USER_FUNCTIONS.has(name)) {
      if (v.args.length > 0) throw new CqlError(`${v.name}() takes no arguments`, v.pos);
      return;
    }
    throw new CqlError(`the function '${v.name}()' is not supported for the field '${field}'`, v.pos);
  }
  if (kind === 'date' && parseDateLiteral(v.value) === undefined) {
    throw new CqlError(
      `invalid date "${v.value}" for '${field}' (use "yyyy-MM-dd", "yyyy/MM/dd", "yyyy-MM-dd HH:mm" or "yyyy/MM/dd HH:mm")`,
      v.pos,
    );
  }
  if (kind === 'id' && !/^\d+$/.test(v.value)) {
    throw new CqlError(`'${field}' takes a numeric content id, got "${v.value}"`, v.pos);
  }
  if (field === 'type' && !(CQL_TYPES as readonly string[]).includes(v.value.toLowerCase())) {
    throw new CqlError(`unknown content type "${v.value}" (known: ${CQL_TYPES.join(', ')})`, v.pos);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Dates

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A date literal as [start, end) in UTC: a whole day for "yyyy-MM-dd", a minute for "… HH:mm". */
export function parseDateLiteral(s: string): { start: number; end: number } | undefined {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?$/.exec(s.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hasTime = m[4] !== undefined;
  const [h, mi] = hasTime ? [Number(m[4]), Number(m[5])] : [0, 0];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return undefined;
  const start = Date.UTC(y, mo - 1, d, h, mi);
  if (new Date(start).getUTCDate() !== d) return undefined;
  return { start, end: start + (hasTime ? MINUTE : DAY) };
}

/** "-4w", "+1d", "2h", "-30m" (minutes), "-1M" (months), "-1y"; combined forms like "-1d 2h" are not supported. */
export function parseOffset(s: string): { amount: number; unit: 'y' | 'M' | 'w' | 'd' | 'h' | 'm' } | undefined {
  const m = /^\s*([+-]?)(\d+)\s*([yMwdhm])\s*$/.exec(s);
  if (!m) return undefined;
  return { amount: (m[1] === '-' ? -1 : 1) * Number(m[2]), unit: m[3] as 'y' };
}

function applyOffset(t: number, offset: string | undefined): number {
  if (offset === undefined) return t;
  const o = parseOffset(offset)!;
  const d = new Date(t);
  switch (o.unit) {
    case 'y':
      d.setUTCFullYear(d.getUTCFullYear() + o.amount);
      return d.getTime();
    case 'M':
      d.setUTCMonth(d.getUTCMonth() + o.amount);
      return d.getTime();
    case 'w':
      return t + o.amount * 7 * DAY;
    case 'd':
      return t + o.amount * DAY;
    case 'h':
      return t + o.amount * 60 * MINUTE;
    default:
      return t + o.amount * MINUTE;
  }
}

/** A date function's instant (UTC; weeks start on Sunday, like Confluence in an en-US locale). */
export function evaluateDateFunction(name: string, args: string[], now: Date): number {
  const n = name.toLowerCase();
  const t = now.getTime();
  const offset = args[0];
  const dayStart = (x: number) => x - (((x % DAY) + DAY) % DAY);
  if (n === 'now') return applyOffset(t, offset);
  // The offset moves the reference point first (startOfDay("-1d") is the start of yesterday).
  const ref = applyOffset(t, offset);
  const d = new Date(ref);
  switch (n) {
    case 'startofday':
      return dayStart(ref);
    case 'endofday':
      return dayStart(ref) + DAY - 1;
    case 'startofweek':
      return dayStart(ref) - d.getUTCDay() * DAY;
    case 'endofweek':
      return dayStart(ref) + (7 - d.getUTCDay()) * DAY - 1;
    case 'startofmonth':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'endofmonth':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - 1;
    case 'startofyear':
      return Date.UTC(d.getUTCFullYear(), 0, 1);
    case 'endofyear':
      return Date.UTC(d.getUTCFullYear() + 1, 0, 1) - 1;
    default:
      throw new Error(`unknown date function ${name}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

/** What a query sees of one piece of content. */
export interface CqlDocument {
  id: string;
  type: string;
  spaceKey: string;
  spaceId: string;
  title: string;
  /** Plain text of the body (tags stripped). */
  text: string;
  labels: string[];
  creator: string;
  contributors: string[];
  parentId?: string;
  ancestorIds: string[];
  created: Date;
  lastModified: Date;
}

export interface CqlContext {
  now: Date;
  currentAccountId: string;
}

/** Lower-cased words of a text (letters and digits). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** A light English stemmer (plural forms), applied to both sides of `~`, like Confluence's analyzed search. */
export function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

type TermMatcher = (word: string) => boolean;

/** Search terms of a `~` value: words (with `*`/`?` wildcards) or, when the value is itself quoted, one phrase. */
function termsOf(value: string): { phrase?: string[]; terms: TermMatcher[] } {
  const trimmed = value.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return { phrase: words(trimmed.slice(1, -1)).map(stem), terms: [] };
  }
  const terms = (trimmed.toLowerCase().match(/[\p{L}\p{N}*?]+/gu) ?? [])
    .filter((t) => /[\p{L}\p{N}]/u.test(t))
    .map((t): TermMatcher => {
      if (!/[*?]/.test(t)) {
        const s = stem(t);
        return (w) => stem(w) === s;
      }
      const re = new RegExp(`^${t.replace(/\*/g, '[\\p{L}\\p{N}]*').replace(/\?/g, '[\\p{L}\\p{N}]')}$`, 'u');
      return (w) => re.test(w);
    });
  return { terms };
}

/** Case-insensitive word / phrase containment (every word must occur; a quoted phrase must occur in order). */
export function textMatches(haystack: string, value: string): boolean {
  const hay = words(haystack);
  const { phrase, terms } = termsOf(value);
  if (phrase) {
    if (phrase.length === 0) return false;
    const stemmed = hay.map(stem);
    for (let i = 0; i + phrase.length <= stemmed.length; i++) {
      if (phrase.every((w, j) => stemmed[i + j] === w)) return true;
    }
    return false;
  }
  if (terms.length === 0) return false;
  return terms.every((match) => hay.some(match));
}

/** How many times the terms of a `~` value occur (a crude relevance score). */
export function textScore(haystack: string, value: string): number {
  const hay = words(haystack);
  const { phrase, terms } = termsOf(value);
  if (phrase) return phrase.length ? hay.filter((w) => phrase.includes(stem(w))).length : 0;
  return hay.filter((w) => terms.some((match) => match(w))).length;
}

function literal(v: CqlValue, ctx: CqlContext): string {
  if (v.kind === 'function') return ctx.currentAccountId; // currentUser(), the only non-date function
  return v.value;
}

function dateRange(v: CqlValue, ctx: CqlContext): { start: number; end: number } {
  if (v.kind === 'function') {
    const t = evaluateDateFunction(v.name, v.args, ctx.now);
    return { start: t, end: t + 1 };
  }
  return parseDateLiteral(v.value)!;
}

function clauseMatches(c: CqlClause, doc: CqlDocument, ctx: CqlContext): boolean {
  const negated = c.op === '!=' || c.op === 'not in' || c.op === '!~';
  const anyOf = (pred: (value: string) => boolean) => c.values.some((v) => pred(literal(v, ctx)));
  let hit: boolean;
  switch (c.field) {
    case 'type':
      hit = anyOf((v) => v.toLowerCase() === doc.type);
      break;
    case 'space':
    case 'space.key':
      hit = anyOf((v) => v.toLowerCase() === doc.spaceKey.toLowerCase());
      break;
    case 'space.id':
      hit = anyOf((v) => v === doc.spaceId);
      break;
    case 'title':
      hit =
        c.op === '~' || c.op === '!~'
          ? anyOf((v) => textMatches(doc.title, v))
          : anyOf((v) => v.toLowerCase() === doc.title.toLowerCase());
      break;
    case 'text':
      hit = anyOf((v) => textMatches(`${doc.title} ${doc.text} ${doc.labels.join(' ')}`, v));
      break;
    case 'label':
      hit = anyOf((v) => doc.labels.some((l) => l.toLowerCase() === v.toLowerCase()));
      break;
    case 'creator':
      hit = anyOf((v) => v === doc.creator);
      break;
    case 'contributor':
      hit = anyOf((v) => doc.contributors.includes(v));
      break;
    case 'id':
    case 'content':
      hit = anyOf((v) => v === doc.id);
      break;
    case 'parent':
      hit = anyOf((v) => v === doc.parentId);
      break;
    case 'ancestor':
      hit = anyOf((v) => doc.ancestorIds.includes(v));
      break;
    case 'created':
    case 'lastmodified': {
      const t = (c.field === 'created' ? doc.created : doc.lastModified).getTime();
      const { start, end } = dateRange(c.values[0]!, ctx);
      switch (c.op) {
        case '=':
          return t >= start && t < end;
        case '!=':
          return !(t >= start && t < end);
        case '<':
          return t < start;
        case '<=':
          return t < end;
        case '>':
          return t >= end;
        default:
          return t >= start;
      }
    }
  }
  return negated ? !hit : hit;
}

export function matchesCql(node: CqlNode, doc: CqlDocument, ctx: CqlContext): boolean {
  switch (node.type) {
    case 'and':
      return matchesCql(node.left, doc, ctx) && matchesCql(node.right, doc, ctx);
    case 'or':
      return matchesCql(node.left, doc, ctx) || matchesCql(node.right, doc, ctx);
    case 'not':
      return !matchesCql(node.expr, doc, ctx);
    default:
      return clauseMatches(node, doc, ctx);
  }
}

/** Relevance of a matching document: occurrences of the positive `~` terms in title (weighted) and text. */
export function scoreCql(node: CqlNode, doc: CqlDocument): number {
  switch (node.type) {
    case 'and':
    case 'or':
      return scoreCql(node.left, doc) + scoreCql(node.right, doc);
    case 'not':
      return 0;
    default: {
      if (node.op !== '~') return 0;
      let s = 0;
      for (const v of node.values) {
        if (v.kind !== 'literal') continue;
        s += 3 * textScore(doc.title, v.value);
        if (node.field === 'text') s += textScore(doc.text, v.value);
      }
      return s;
    }
  }
}

/** The positive `~` values of a query (for excerpt highlighting). */
export function searchTerms(node: CqlNode): string[] {
  switch (node.type) {
    case 'and':
    case 'or':
      return [...searchTerms(node.left), ...searchTerms(node.right)];
    case 'not':
      return [];
    default:
      if (node.op !== '~') return [];
      return node.values.flatMap((v) => (v.kind === 'literal' ? words(v.value.replace(/[*?]/g, '')) : []));
  }
}

/** Comparator for ORDER BY; ties fall back to `fallback`. */
export function compareByOrder(
  orderBy: CqlOrder[],
  a: CqlDocument,
  b: CqlDocument,
  fallback: (a: CqlDocument, b: CqlDocument) => number,
): number {
  for (const o of orderBy) {
    const dir = o.direction === 'desc' ? -1 : 1;
    let d = 0;
    if (o.field === 'title') d = a.title.localeCompare(b.title, 'en', { sensitivity: 'base' });
    else if (o.field === 'created') d = a.created.getTime() - b.created.getTime();
    else if (o.field === 'lastmodified') d = a.lastModified.getTime() - b.lastModified.getTime();
    else d = Number(a.id) - Number(b.id);
    if (d !== 0) return dir * d;
  }
  return fallback(a, b);
}
