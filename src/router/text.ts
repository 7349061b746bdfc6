import { stemmer } from 'stemmer';

/**
 * Text processing shared by the index and the queries: the same tokenizer, stop words and Porter stemmer on both
 * sides, so "scheduled", "schedules" and "scheduling" meet in one term.
 */

const STOP_WORDS = new Set(
  (
    'a an and any are as at be been but by can could did do does doing for from had has have how i if in into is ' +
    'it its just me my of on or our ours should so some than that the their them then there these they this those ' +
    'through to too us was we were what when where which while who whom whose why will with would you your yours ' +
    'please want need like get via also about e g eg etc one each every all'
  ).split(' '),
);

/** Compounds written both ways ("blogpost", "blog post"): always split, so both spellings meet. */
const COMPOUNDS: Record<string, string[]> = {
  blogpost: ['blog', 'post'],
  blogposts: ['blog', 'posts'],
  subpage: ['sub', 'page'],
  subpages: ['sub', 'pages'],
  todo: ['to', 'do'],
  todos: ['to', 'dos'],
  whoami: ['who', 'am', 'i'],
  workspace: ['workspace'],
};

/**
 * Splits on anything that is not a letter or digit, splits camelCase (`primaryUserId` → primary user id) and the
 * compounds written both ways.
 */
export function tokenize(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0)
    .flatMap((t) => COMPOUNDS[t] ?? [t]);
}

const JOINED = new Map(
  Object.entries(COMPOUNDS)
    .filter(([, parts]) => parts.length === 2)
    .map(([whole, parts]) => [parts.join(' '), whole]),
);

/**
 * The words of a text with compounds kept whole ("blog posts" → blogposts): the unit a noun phrase's head is read
 * from. Lower case, no stemming.
 */
export function words(text: string): string[] {
  const raw = text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const whole = i + 1 < raw.length ? JOINED.get(`${raw[i]} ${raw[i + 1]}`) : undefined;
    if (whole) {
      out.push(whole);
      i++;
    } else out.push(raw[i]!);
  }
  return out;
}

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/** The index form of a word: lower case, Porter stem; null for stop words. */
export function term(word: string): string | null {
  if (STOP_WORDS.has(word)) return null;
  return stemmer(word);
}

/** The index terms of a text, in order (stop words dropped). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of tokenize(text)) {
    const t = term(w);
    if (t) out.push(t);
  }
  return out;
}

/** Levenshtein distance, bounded: returns `max + 1` as soon as the distance is known to exceed `max`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}
