import { readFileSync } from 'node:fs';
import type { ToolIndex } from '../../src/router/search.ts';

/**
 * The search evaluation set: requests written the way users speak, each with the tools that answer it. `any`: one
 * of them is enough; `all`: the request needs every one of them (recall counts each).
 */
export interface EvalCase {
  q: string;
  any?: string[];
  all?: string[];
  kind: string;
}

export function loadEvalSet(): EvalCase[] {
  const text = readFileSync(new URL('./search-eval.jsonl', import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EvalCase);
}

export interface EvalReport {
  cases: number;
  recallAt5: number;
  top1: number;
  misses: { q: string; kind: string; expected: string[]; got: string[] }[];
  byKind: Record<string, { cases: number; recallAt5: number; top1: number }>;
}

/**
 * recall@5: for an `any` case, 1 when one acceptable tool is in the first five; for an `all` case, the share of
 * its tools in the first five. top-1: the first hit is one of the case's tools.
 */
export function evaluate(index: ToolIndex, cases: EvalCase[]): EvalReport {
  let recall = 0;
  let top1 = 0;
  const misses: EvalReport['misses'] = [];
  const kinds: Record<string, { cases: number; recall: number; top1: number }> = {};
  for (const c of cases) {
    const got = index.search(c.q, { limit: 5 }).map((h) => h.tool.name);
    const expected = c.all ?? c.any ?? [];
    let r: number;
    if (c.all) r = c.all.filter((t) => got.includes(t)).length / c.all.length;
    else r = expected.some((t) => got.includes(t)) ? 1 : 0;
    const t1 = got[0] !== undefined && expected.includes(got[0]) ? 1 : 0;
    recall += r;
    top1 += t1;
    kinds[c.kind] ??= { cases: 0, recall: 0, top1: 0 };
    const k = kinds[c.kind]!;
    k.cases++;
    k.recall += r;
    k.top1 += t1;
    if (r < 1 || t1 < 1) misses.push({ q: c.q, kind: c.kind, expected, got });
  }
  const byKind: EvalReport['byKind'] = {};
  for (const [k, v] of Object.entries(kinds)) {
    byKind[k] = { cases: v.cases, recallAt5: v.recall / v.cases, top1: v.top1 / v.cases };
  }
  return { cases: cases.length, recallAt5: recall / cases.length, top1: top1 / cases.length, misses, byKind };
}
