import MiniSearch from 'minisearch';
import { stemmer } from 'stemmer';
import type { LoadedTool } from '../toolkits/define.ts';
import { SYNONYMS } from './synonyms.ts';
import { editDistance, isStopWord, term, terms, tokenize, words } from './text.ts';

/**
 * The tool index of the router: BM25 (MiniSearch) over each tool's name, title, tags, description and parameters,
 * built once at start-up. A query is a use case in plain words; it is stemmed like the documents and expanded with
 * the domain's synonyms (at a lower weight than the words typed). BM25 finds the candidates; a few features of the
 * request then order near neighbours: how much of a tool's name the request covers, whether the tool does what the
 * request asks (read, create, change, delete), whether its head noun is the thing the request names first, and
 * whether the request names the tool's app.
 */

export interface SearchHit {
  tool: LoadedTool;
  score: number;
}

export interface SearchOptions {
  /** At most this many hits (default 5). */
  limit?: number;
  /** Only tools for which this returns true: the caller's policy. Applied before ranking is cut. */
  allow?: (tool: LoadedTool) => boolean;
}

export interface ToolIndex {
  readonly size: number;
  search(query: string, opts?: SearchOptions): SearchHit[];
  /** Real tool names close to `name` (a misspelt or invented one), best first. */
  closest(name: string, opts?: { limit?: number; allow?: (tool: LoadedTool) => boolean }): string[];
}

/** The ranking's knobs (the defaults are what `test/router/search-eval.jsonl` is measured with). */
export interface SearchTuning {
  /** Field weights: the name and title say what a tool does; the description mostly says how. */
  boost: { name: number; title: number; tags: number; toolkit: number; description: number; params: number };
  /** Weight of a term added by synonym expansion, relative to a typed one. */
  expansionWeight: number;
  /** Hits scoring under this share of the best one are noise, not alternatives. */
  minRelativeScore: number;
  /** Score factor of a tool none of whose name words the request used; 1 when it used them all. */
  nameCoverageFloor: number;
  /** Score factor of a tool that writes when the request did not ask for that write. */
  unaskedWrite: number;
  /** Score factor of a tool that only reads when the request asked to write. */
  unaskedRead: number;
  /** Score factor of a tool whose head noun (the last word of its name, singular or plural alike) is the request's. */
  headMatch: number;
  /** Score factor of a tool whose name has the request's head only as a modifier (flow_folders for "flows"). */
  headAsModifier: number;
  /** Score factor of a tool of another app than the one(s) the request names. */
  otherApp: number;
}

export const DEFAULT_TUNING: SearchTuning = {
  boost: { name: 3, title: 2, tags: 3, toolkit: 1.5, description: 1, params: 0.4 },
  expansionWeight: 0.5,
  minRelativeScore: 0.15,
  nameCoverageFloor: 0.6,
  unaskedWrite: 0.8,
  unaskedRead: 0.85,
  headMatch: 1.15,
  headAsModifier: 0.85,
  otherApp: 0.35,
};

/** Longer names get no suggestions from `closest` (execute_tools and get_tool_schemas take 100 characters at most). */
const MAX_NAME_QUERY = 100;
const COMMON_PARAMS = new Set(['cursor', 'max_pages', 'limit']);

interface Doc {
  id: string;
  name: string;
  title: string;
  tags: string;
  toolkit: string;
  description: string;
  params: string;
}

/**
 * The description as searchable text: clauses that point to another tool ("for X use gong_list_calls_extensive")
 * describe the neighbour, not this tool, so they are left out; so are HTTP paths.
 */
export function searchableDescription(description: string, toolNames: ReadonlySet<string>, self: string): string {
  const clauses = description.split(/(?<=[.;:,()])\s*|\s*(?=[()])/);
  const kept = clauses.filter((s) => {
    for (const m of s.matchAll(/\b[a-z][a-z0-9]*_[a-z0-9_]+\b/g))
      if (m[0] !== self && toolNames.has(m[0])) return false;
    return true;
  });
  return kept
    .join(' ')
    .replace(/\b(GET|POST|PUT|PATCH|DELETE) \/\S*/g, ' ')
    .replace(/\/[\w{}/-]+/g, ' ');
}

function paramText(tool: LoadedTool): string {
  const props = (tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>;
  const parts: string[] = [];
  for (const [name, schema] of Object.entries(props)) {
    if (COMMON_PARAMS.has(name)) continue;
    parts.push(name.replace(/_/g, ' '));
    if (schema.description) parts.push(schema.description);
  }
  return parts.join(' ');
}

export function toDoc(tool: LoadedTool, toolNames: ReadonlySet<string>, toolkitName: string): Doc {
  return {
    id: tool.name,
    name: tool.name.replace(/_/g, ' '),
    title: tool.title,
    tags: (tool.tags ?? []).join(' '),
    toolkit: `${tool.toolkit} ${toolkitName}`,
    description: searchableDescription(tool.description, toolNames, tool.name),
    params: paramText(tool),
  };
}

/**
 * Typed terms at weight 1, then the synonym expansions of the request at a lower weight. An idiom (a rule that
 * matched several words: "who am i", "word for word") is read as a unit: its expansion gets the full weight and
 * its own words the lower one, so "logged in as" means the current user rather than logs.
 */
export function expandQuery(query: string, expansionWeight = DEFAULT_TUNING.expansionWeight): Map<string, number> {
  const weights = new Map<string, number>();
  for (const t of terms(query)) weights.set(t, 1);
  const normalised = ` ${tokenize(query).join(' ')} `;
  const promoted = new Set<string>();
  for (const [pattern, expansion] of SYNONYMS) {
    const m = pattern.exec(normalised);
    if (!m) continue;
    const idiom = m[0].trim().includes(' ');
    if (idiom) {
      for (const t of terms(m[0])) if (!promoted.has(t)) weights.set(t, expansionWeight);
    }
    for (const t of terms(expansion)) {
      if (idiom) {
        weights.set(t, 1);
        promoted.add(t);
      } else if (!weights.has(t)) weights.set(t, expansionWeight);
    }
  }
  return weights;
}

/** Verbs that only say "read": a request without a verb means one of them, so they do not count as unmatched. */
const READ_VERBS = new Set(terms('get list retrieve fetch'));

type Action = 'read' | 'create' | 'update' | 'delete';

/** The index terms that say which action a request wants. */
const INTENT_TERMS: Record<Action, string[]> = {
  read: terms('get read list search find show'),
  create: terms('create'),
  update: terms('update edit'),
  delete: terms('delete remove'),
};
const INTENT_WORDS = new Set(Object.values(INTENT_TERMS).flat());

/** A noun and whether it was plural ("posts" → post, plural). */
interface Noun {
  stem: string;
  plural: boolean;
}

const NOT_PLURAL = new Set(['access', 'status', 'analysis', 'address', 'process', 'business', 'series']);

function noun(word: string): Noun {
  const stem = stemmer(word);
  const plural = word.endsWith('s') && !word.endsWith('ss') && !NOT_PLURAL.has(word) && stem !== word;
  return { stem, plural };
}

/** What the ranking needs to know about a tool besides its text. */
interface ToolFeatures {
  /** Name words (stems) after the toolkit prefix, the reading verbs left out. */
  nameWords: string[];
  action: Action;
  /** The last word of the name: what the tool returns or acts on. */
  head: Noun | undefined;
  /** Stems of the name's other nouns (between the verb and the head): what it is about, not what it returns. */
  modifiers: Set<string>;
}

function features(tool: LoadedTool): ToolFeatures {
  const rest = tool.name.slice(tool.toolkit.length + 1).replace(/_/g, ' ');
  const whole = words(rest);
  const last = whole.at(-1);
  return {
    nameWords: terms(rest).filter((t) => !READ_VERBS.has(t)),
    action: actionOf(tool),
    head: last && whole.length > 1 ? noun(last) : undefined,
    modifiers: new Set(whole.slice(1, -1).map((w) => noun(w).stem)),
  };
}

/** What a tool does to the data, from its annotations and the verb of its name. */
function actionOf(tool: LoadedTool): Action {
  if (tool.annotations.readOnlyHint) return 'read';
  const verb = tool.name.slice(tool.toolkit.length + 1).split('_')[0] ?? '';
  if (verb === 'update') return 'update';
  if (['delete', 'erase', 'unassign', 'remove'].includes(verb) || tool.annotations.destructiveHint) return 'delete';
  return 'create';
}

/** A request, analysed once. */
interface Analysis {
  weights: Map<string, number>;
  /** The actions the request asks for (several for a request with two steps); empty when it names none. */
  intents: Set<Action>;
  /** The first thing the request names that tool names also name ("labels on a blog post" → labels). */
  head: Noun | undefined;
  /** Toolkits the request names (by name or by an app synonym such as "wiki"). */
  apps: Set<string>;
}

/**
 * How well a tool's action fits the request's: a write the request did not ask for, or a read when it only asked
 * to change something, is less likely meant (never excluded: requests also say "add" for "look up").
 */
function actionFit(action: Action, wanted: ReadonlySet<Action>, tuning: SearchTuning): number {
  if (wanted.size === 0) return action === 'read' ? 1 : tuning.unaskedWrite;
  if (wanted.has(action)) return 1;
  return action === 'read' ? tuning.unaskedRead : tuning.unaskedWrite;
}

/**
 * A request naming two steps ("find the page and add a comment") is searched whole and step by step; the steps'
 * best tools are interleaved after the whole request's best, so each step's tool is among the first few. A part
 * counts as a step only when it says what to do ("participants, topics and trackers" is one request).
 */
function steps(query: string, expansionWeight: number): string[] {
  const parts = query
    .split(/\s*(?:[,;]|\b(?:and then|then|after that|and also|and)\b)\s*/i)
    .map((p) => p.trim())
    .filter((p) => terms(p).length > 0);
  if (parts.length < 2) return [];
  return parts.every((p) => intentsOf(expandQuery(p, expansionWeight)).size > 0) ? parts : [];
}

/** The actions a request asks for (several for a request with two steps); empty when it names none. */
function intentsOf(weights: ReadonlyMap<string, number>): Set<Action> {
  const out = new Set<Action>();
  for (const [action, words] of Object.entries(INTENT_TERMS) as [Action, string[]][]) {
    if (words.some((w) => weights.has(w))) out.add(action);
  }
  return out;
}

export function createToolIndex(
  tools: Iterable<LoadedTool>,
  toolkitNames: ReadonlyMap<string, string>,
  tuning: SearchTuning = DEFAULT_TUNING,
): ToolIndex {
  const byName = new Map<string, LoadedTool>();
  for (const t of tools) byName.set(t.name, t);
  const names = new Set(byName.keys());
  const mini = new MiniSearch<Doc>({
    fields: ['name', 'title', 'tags', 'toolkit', 'description', 'params'],
    tokenize,
    processTerm: (w) => term(w) ?? null,
    searchOptions: { boost: { ...tuning.boost } },
  });
  mini.addAll([...byName.values()].map((t) => toDoc(t, names, toolkitNames.get(t.toolkit) ?? t.toolkit)));
  const feats = new Map([...byName.values()].map((t) => [t.name, features(t)]));
  // Nouns of tool names (never their verbs): what a request's head can be.
  const nouns = new Set<string>();
  for (const f of feats.values()) {
    if (f.head) nouns.add(f.head.stem);
    for (const m of f.modifiers) nouns.add(m);
  }
  for (const w of INTENT_WORDS) nouns.delete(w);
  const appTerms = new Map<string, string[]>();
  for (const id of new Set([...byName.values()].map((t) => t.toolkit))) {
    appTerms.set(id, [...new Set([...terms(id), ...terms(toolkitNames.get(id) ?? id)])]);
  }

  function analyse(query: string): Analysis {
    const weights = expandQuery(query, tuning.expansionWeight);
    const wanted = intentsOf(weights);
    let head: Noun | undefined;
    for (const word of words(query)) {
      if (isStopWord(word)) continue;
      const n = noun(word);
      if (nouns.has(n.stem)) {
        head = n;
        break;
      }
    }
    const apps = new Set<string>();
    for (const [id, words] of appTerms) if (words.some((w) => weights.has(w))) apps.add(id);
    return { weights, intents: wanted, head, apps };
  }

  function factor(tool: LoadedTool, a: Analysis): number {
    const f = feats.get(tool.name)!;
    const matched = f.nameWords.filter((w) => a.weights.has(w)).length;
    let x =
      f.nameWords.length === 0
        ? 1
        : tuning.nameCoverageFloor + (1 - tuning.nameCoverageFloor) * (matched / f.nameWords.length);
    x *= actionFit(f.action, a.intents, tuning);
    if (a.head && f.head && f.head.stem === a.head.stem) x *= f.head.plural === a.head.plural ? tuning.headMatch : 1;
    else if (a.head && f.modifiers.has(a.head.stem)) x *= tuning.headAsModifier;
    if (a.apps.size > 0 && !a.apps.has(tool.toolkit)) x *= tuning.otherApp;
    return x;
  }

  function rank(query: string, allow: ((tool: LoadedTool) => boolean) | undefined): SearchHit[] {
    const a = analyse(query);
    if (a.weights.size === 0) return [];
    const factors = new Map<string, number>();
    const results = mini.search([...a.weights.keys()].join(' '), {
      tokenize: (s) => s.split(' '),
      processTerm: (t) => t,
      boostTerm: (t) => a.weights.get(t) ?? 1,
      // A typo still finds its term ("transcirpt"), at a fraction of an exact match's weight.
      fuzzy: (t) => (t.length >= 6 ? 1 : false),
      weights: { fuzzy: 0.3, prefix: 0.5 },
      boostDocument: (id) => {
        let f = factors.get(id as string);
        if (f === undefined) {
          f = factor(byName.get(id as string)!, a);
          factors.set(id as string, f);
        }
        return f;
      },
      ...(allow ? { filter: (r) => allow(byName.get(r.id as string)!) } : {}),
    });
    const top = results[0]?.score ?? 0;
    const hits: SearchHit[] = [];
    for (const r of results) {
      if (r.score < top * tuning.minRelativeScore) break;
      hits.push({ tool: byName.get(r.id as string)!, score: r.score / (top || 1) });
    }
    return hits;
  }

  function search(query: string, opts: SearchOptions = {}): SearchHit[] {
    const limit = opts.limit ?? 5;
    const whole = rank(query, opts.allow);
    const parts = steps(query, tuning.expansionWeight).map((p) => rank(p, opts.allow));
    if (parts.length === 0) return whole.slice(0, limit);
    // Interleave: the whole request's best, then each step's best, then the second of each, ...
    const out: SearchHit[] = [];
    const seen = new Set<string>();
    const lists = [whole, ...parts];
    for (let i = 0; out.length < limit && lists.some((l) => l.length > i); i++) {
      for (const list of lists) {
        const hit = list[i];
        if (!hit || seen.has(hit.tool.name) || out.length >= limit) continue;
        seen.add(hit.tool.name);
        out.push(hit);
      }
    }
    return out;
  }

  function closest(name: string, opts: { limit?: number; allow?: (tool: LoadedTool) => boolean } = {}): string[] {
    const limit = opts.limit ?? 3;
    const wanted = name.toLowerCase().trim();
    // Tool names have at most 40 characters: nothing is close to a much longer one, and matching a program's
    // megabyte-long invented name letter by letter would take seconds.
    if (wanted.length > MAX_NAME_QUERY) return [];
    const max = Math.max(3, Math.floor(wanted.length / 3));
    const scored: { name: string; d: number }[] = [];
    for (const tool of byName.values()) {
      if (opts.allow && !opts.allow(tool)) continue;
      const d = editDistance(wanted, tool.name, max);
      if (d <= max) scored.push({ name: tool.name, d });
    }
    scored.sort((a, b) => a.d - b.d || a.name.localeCompare(b.name));
    const out = scored.slice(0, limit).map((s) => s.name);
    if (out.length < limit) {
      // An invented name ("confluence_find_document") is often far in letters but near in words.
      const allow = opts.allow;
      for (const hit of search(wanted.replace(/_/g, ' '), { limit: limit * 2, ...(allow ? { allow } : {}) })) {
        if (out.length >= limit) break;
        if (!out.includes(hit.tool.name)) out.push(hit.tool.name);
      }
    }
    return out;
  }

  return { size: byName.size, search, closest };
}
