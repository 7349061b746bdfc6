import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createCatalog } from '../../src/toolkits/index.ts';

/**
 * A guard, not a proof: every tool must be called by name in some end-to-end test through MCP. (Whether that test
 * checks the effect is for review; a tool nobody calls is caught here.)
 */
test('every tool is exercised by an end-to-end test', () => {
  const dir = fileURLToPath(new URL('../e2e/', import.meta.url));
  const sources = readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => readFileSync(`${dir}${f}`, 'utf8'))
    .join('\n');
  const missing = [...createCatalog().toolkits.values()]
    .flatMap((t) => t.tools)
    .filter((tool) => !sources.includes(`'${tool.name}'`))
    .map((t) => t.name);
  assert.deepEqual(missing, []);
});
