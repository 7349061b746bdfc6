import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { docPath, render } from '../../scripts/toolkit-docs.ts';
import { createCatalog } from '../../src/toolkits/index.ts';

test('docs/toolkits/<id>.md lists every tool as declared (regenerate with node scripts/toolkit-docs.ts)', () => {
  for (const toolkit of createCatalog().toolkits.values()) {
    const current = readFileSync(docPath(toolkit.id), 'utf8');
    assert.equal(render(current, toolkit), current, `docs/toolkits/${toolkit.id}.md is out of date`);
    for (const tool of toolkit.tools) assert.ok(current.includes(`\`${tool.name}\``), tool.name);
  }
});
