/**
 * Writes the generated tool tables into docs/toolkits/<id>.md, between the markers
 * `<!-- tools:begin -->` and `<!-- tools:end -->`; the rest of each file is written by hand.
 * `node scripts/toolkit-docs.ts --check` exits 1 when a file is out of date (a test runs it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LoadedToolkit } from '../src/toolkits/define.ts';
import { createCatalog } from '../src/toolkits/index.ts';

const BEGIN = '<!-- tools:begin -->';
const END = '<!-- tools:end -->';

export function toolTable(toolkit: LoadedToolkit): string {
  const rows = [...toolkit.tools]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) => {
      const kind = t.annotations.readOnlyHint ? 'read' : t.annotations.destructiveHint ? 'destructive' : 'write';
      const firstSentence = t.description.split(/(?<=\.)\s/)[0]!.replaceAll('|', '\\|');
      return `| \`${t.name}\` | ${t.title} | \`${t.http.method} ${t.http.path}\` | ${kind} | ${firstSentence} |`;
    });
  return [
    `${toolkit.tools.length} tools, generated from the declarations in \`src/toolkits/${toolkit.id}/\` by \`node scripts/toolkit-docs.ts\`.`,
    '',
    '| tool | title | upstream | kind | what it does |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export function render(current: string, toolkit: LoadedToolkit): string {
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/toolkits/${toolkit.id}.md lacks the ${BEGIN} … ${END} markers`);
  return `${current.slice(0, start + BEGIN.length)}\n${toolTable(toolkit)}\n${current.slice(end)}`;
}

export function docPath(id: string): string {
  return fileURLToPath(new URL(`../docs/toolkits/${id}.md`, import.meta.url));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const toolkit of createCatalog().toolkits.values()) {
    const file = docPath(toolkit.id);
    const current = readFileSync(file, 'utf8');
    const next = render(current, toolkit);
    if (next === current) continue;
    stale++;
    if (check) console.error(`${file} is out of date: run node scripts/toolkit-docs.ts`);
    else writeFileSync(file, next);
  }
  process.exit(check && stale ? 1 : 0);
}
