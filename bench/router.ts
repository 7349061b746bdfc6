// `npm run bench:router`: the router's search latency (the real catalogue and a synthetic one of 10,000 tools),
// index build time, and the size in tokens of tools/list on /mcp against the per-toolkit surfaces together.
// In-process, no network. Tokens: o200k_base (gpt-tokenizer, offline). Results: a Markdown table on stdout.
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { loadConfig } from '../src/config/index.ts';
import { listEntries } from '../src/mcp/toolkit-server.ts';
import { createRouter, type RouterDeps } from '../src/router/index.ts';
import { createToolIndex } from '../src/router/search.ts';
import type { LoadedTool } from '../src/toolkits/define.ts';
import { createCatalog } from '../src/toolkits/index.ts';
import { loadEvalSet } from '../test/router/search-eval.ts';

const catalog = createCatalog();
const tools = [...catalog.toolkits.values()].flatMap((t) => t.tools);
const toolkitNames = new Map([...catalog.toolkits.values()].map((t) => [t.id, t.name]));
const queries = loadEvalSet().map((c) => c.q);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function measure(search: (q: string) => unknown, rounds: number) {
  for (const q of queries) search(q); // warm-up
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const t = performance.now();
      search(q);
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  return { n: times.length, p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1)! };
}

/**
 * 10,000 tools: 100 made-up toolkits, each with the real tools' texts under its own name and a distinct noun, so
 * the vocabulary and the document lengths are realistic and every term occurs about 85 times more often.
 */
function syntheticTools(count: number): { tools: LoadedTool[]; names: Map<string, string> } {
  const out: LoadedTool[] = [];
  const names = new Map<string, string>();
  const nouns = ['invoice', 'ticket', 'lead', 'order', 'shipment', 'repo', 'issue', 'sprint', 'survey', 'campaign'];
  for (let i = 0; out.length < count; i++) {
    const app = `app${Math.floor(i / tools.length)}`;
    names.set(app, `App ${Math.floor(i / tools.length)}`);
    const base = tools[i % tools.length]!;
    const noun = nouns[i % nouns.length]!;
    out.push({
      ...base,
      toolkit: app,
      name: `${app}_${base.name.slice(base.toolkit.length + 1)}_${noun}`.slice(0, 60),
      description: `${base.description} Works on ${noun}s of ${app}.`,
    });
  }
  return { tools: out, names };
}

const rows: string[] = [];
{
  const t = performance.now();
  const index = createToolIndex(tools, toolkitNames);
  const build = performance.now() - t;
  const m = measure((q) => index.search(q, { limit: 5 }), 40);
  rows.push(
    `| catalogue (${index.size} tools) | ${build.toFixed(1)} | ${m.n} | ${m.p50.toFixed(3)} | ${m.p99.toFixed(3)} | ${m.max.toFixed(2)} |`,
  );
}
{
  const synthetic = syntheticTools(10_000);
  const t = performance.now();
  const index = createToolIndex(synthetic.tools, synthetic.names);
  const build = performance.now() - t;
  const m = measure((q) => index.search(q, { limit: 5 }), 4);
  rows.push(
    `| synthetic (${index.size} tools) | ${build.toFixed(0)} | ${m.n} | ${m.p50.toFixed(3)} | ${m.p99.toFixed(3)} | ${m.max.toFixed(2)} |`,
  );
}

console.log('## Search latency (one use case, top 5, in-process)\n');
console.log('| index | build ms | queries | p50 ms | p99 ms | max ms |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);

// tools/list as a client receives it (the JSON-RPC result), for the router and for the per-toolkit surfaces.
// Only tools/list is read: the workbench is there for its declaration (its description states the default limits).
const router = createRouter({
  catalog,
  inlineMaxChars: 16_000,
  waitMaxMs: 25_000,
  workbench: { limits: loadConfig({}).workbench.limits },
} as unknown as RouterDeps);
const surfaces: [string, unknown[]][] = [
  ['/mcp (router)', router.tools],
  ...[...catalog.toolkits.values()].map((t): [string, unknown[]] => [`/mcp/${t.id}`, listEntries(t)]),
];
console.log('\n## tools/list size (o200k_base tokens)\n');
console.log('| surface | tools | characters | tokens |');
console.log('|---|---:|---:|---:|');
let allChars = 0;
let allTokens = 0;
let allTools = 0;
for (const [name, list] of surfaces) {
  const json = JSON.stringify({ tools: list });
  const tokens = countTokens(json);
  console.log(`| ${name} | ${list.length} | ${json.length} | ${tokens} |`);
  if (name !== '/mcp (router)') {
    allChars += json.length;
    allTokens += tokens;
    allTools += list.length;
  }
}
console.log(`| per-toolkit surfaces together | ${allTools} | ${allChars} | ${allTokens} |`);
