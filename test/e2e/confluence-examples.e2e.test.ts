import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ConfluenceEmulator } from '../../src/emulators/confluence/index.ts';
import { resultJson, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

/**
 * The Confluence catalogue's three examples, done the way a model would do them through MCP: find what the user
 * named (a space by key, a page by title), then act, then check the effect upstream.
 */
describe('Confluence catalogue examples through /mcp/confluence', () => {
  let gw: TestGateway;
  let client: Client;
  let emulator: ConfluenceEmulator;

  before(async () => {
    gw = await startTestGateway();
    client = await gw.connect('/mcp/confluence');
    emulator = gw.gateway.emulators.get('confluence') as ConfluenceEmulator;
  });
  after(() => gw.close());

  const ok = async (name: string, args: Record<string, unknown>) => {
    const res = await client.callTool({ name, arguments: args });
    assert.equal(res.isError, undefined, `${name}: ${JSON.stringify(res.content)}`);
    return resultJson(res);
  };

  test('create a project documentation page in the Marketing space', async () => {
    const page = await ok('confluence_create_page', {
      space_key: 'mkt',
      title: 'Project Aurora: documentation',
      body: {
        representation: 'storage',
        value: '<h1>Project Aurora</h1><p>Goals, owners and timeline of the Aurora launch.</p>',
      },
    });
    const stored = emulator.state.pages.get(page.id);
    assert.ok(stored);
    assert.equal(emulator.state.spaces.get(stored.spaceId)?.key, 'MKT');
    assert.equal(stored.status, 'current');
    const found = await ok('confluence_cql_search', { cql: 'space = MKT AND title ~ "Aurora"' });
    assert.ok(found.results.some((r: { content: { id: string } }) => r.content.id === page.id));
  });

  test('add the label "urgent" to the Q3 planning page', async () => {
    const search = await ok('confluence_cql_search', { cql: 'type = page AND space = MKT AND title ~ "Q3 planning"' });
    const q3 = search.results.find((r: { content: { title: string } }) => r.content.title === 'Q3 Planning');
    assert.ok(q3, JSON.stringify(search.results.map((r: { title: string }) => r.title)));
    await ok('confluence_add_content_label', { id: q3.content.id, labels: ['urgent'] });
    const labels = await ok('confluence_get_page_labels', { id: q3.content.id });
    assert.ok(
      labels.results.some((l: { name: string }) => l.name === 'urgent'),
      JSON.stringify(labels),
    );
    assert.ok(emulator.state.pages.get(q3.content.id)?.labels.includes('urgent'));
    const urgent = await ok('confluence_cql_search', { cql: 'label = urgent' });
    assert.deepEqual(
      urgent.results.map((r: { content: { id: string } }) => r.content.id),
      [q3.content.id],
    );
  });

  test('publish a team meeting summary as a blog post', async () => {
    const post = await ok('confluence_create_blogpost', {
      space_key: 'MKT',
      title: 'Team meeting summary: campaign review',
      body: {
        representation: 'storage',
        value: '<p>Decisions: launch the webinar series in October.</p><ul><li>Grace: draft the invite</li></ul>',
      },
    });
    assert.equal(post.status, 'current');
    const stored = emulator.state.blogposts.get(post.id);
    assert.ok(stored);
    assert.equal(stored.title, 'Team meeting summary: campaign review');
    const read = await ok('confluence_get_blogpost', { id: post.id, body_format: 'storage' });
    assert.match(read.body.storage.value, /launch the webinar series/);
  });
});
