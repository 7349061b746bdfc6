import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Executor } from '../../src/execution/executor.ts';
import { createToolPolicy, policedExecutor, restrictCatalog } from '../../src/router/policy.ts';
import { createCatalog } from '../../src/toolkits/index.ts';

test('the deployment toolkit selection removes the others from the catalogue; unknown ids fail start-up', () => {
  const full = createCatalog();
  const only = restrictCatalog(full, ['confluence']);
  assert.deepEqual([...only.toolkits.keys()], ['confluence']);
  assert.equal(only.tool('gong_list_calls'), undefined);
  assert.ok(only.tool('confluence_get_page'));
  assert.equal(restrictCatalog(full, []), full);
  assert.throws(() => restrictCatalog(full, ['jira']), /unknown toolkit\(s\): jira \(known: confluence, gong\)/);
});

test('the policy sits in front of the executor: a tool the user may not use never reaches it', async () => {
  const catalog = createCatalog();
  let reached = 0;
  const inner: Executor = {
    async execute() {
      reached++;
      return { ok: true, data: null };
    },
  };
  const policy = createToolPolicy({ toolkits: ['gong'] });
  const executor = policedExecutor(inner, catalog, policy);
  const denied = await executor.execute({
    userId: 'u',
    tool: 'confluence_get_page',
    args: {},
    surface: 'mcp/confluence',
  });
  assert.equal(denied.ok, false);
  assert.equal(!denied.ok && denied.error.code, 'forbidden');
  assert.equal(reached, 0);
  assert.equal(
    (await executor.execute({ userId: 'u', tool: 'gong_list_users', args: {}, surface: 'router' })).ok,
    true,
  );
  assert.equal(reached, 1);
  const filter = await policy.forUser('u');
  assert.equal(filter.toolkit('confluence'), false);
  assert.equal(filter.tool(catalog.tool('gong_list_users')!), true);
});
