/**
 * The content tools end to end: an MCP client on /mcp/confluence, the real gateway and executor, the emulator over
 * HTTP with its seed (the Marketing space of CONTENT_SEED).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ConfluenceEmulator } from '../../src/emulators/confluence/index.ts';
import { CONFLUENCE_DEMO_USER, CONFLUENCE_SEED } from '../../src/emulators/confluence/index.ts';
import { CONTENT_SEED } from '../../src/emulators/confluence/routes-content.ts';
import { resultJson, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const C = CONTENT_SEED;
const DEMO = CONFLUENCE_DEMO_USER.accountId;
const GRACE = CONFLUENCE_SEED.users.grace.accountId;
const ids = (body: { results: { id: string }[] }) => body.results.map((r) => r.id);

const CONTENT_TOOLS = [
  'confluence_create_blogpost',
  'confluence_update_blogpost',
  'confluence_get_blogposts',
  'confluence_get_blogpost',
  'confluence_get_blogpost_versions',
  'confluence_get_blogpost_version_details',
  'confluence_get_blogpost_like_count',
  'confluence_get_blogpost_operations',
  'confluence_get_blogpost_inline_comments',
  'confluence_get_page_ancestors',
  'confluence_get_child_pages',
  'confluence_get_page_versions',
  'confluence_get_page_like_count',
  'confluence_get_page_footer_comments',
  'confluence_get_page_inline_comments',
  'confluence_create_footer_comment',
  'confluence_get_space_contents',
];

describe('Confluence content tools end to end', () => {
  let gw: TestGateway;
  let client: Client;
  let emulator: ConfluenceEmulator;

  before(async () => {
    gw = await startTestGateway();
    client = await gw.connect('/mcp/confluence');
    emulator = gw.gateway.emulators.get('confluence') as ConfluenceEmulator;
  });
  after(() => gw.close());

  const call = async (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });
  /** The JSON of a successful call (fails the test with the error otherwise). */
  const ok = async (name: string, args: Record<string, unknown>) => {
    const res = await call(name, args);
    assert.equal(res.isError, undefined, `${name}: ${JSON.stringify(res)}`);
    return resultJson(res);
  };
  /** The `error` of a failed call. */
  const fails = async (name: string, args: Record<string, unknown>) => {
    const res = await call(name, args);
    assert.equal(res.isError, true, `${name} should fail: ${JSON.stringify(res)}`);
    return resultJson(res).error;
  };

  test('every content tool is listed, with a description and strict read-only hints on reads', async () => {
    const { tools } = await client.listTools();
    for (const name of CONTENT_TOOLS) {
      const t = tools.find((x) => x.name === name);
      assert.ok(t, `${name} is listed`);
      assert.ok((t.description ?? '').length > 40, name);
      const writes = ['confluence_create_blogpost', 'confluence_update_blogpost', 'confluence_create_footer_comment'];
      assert.equal(t.annotations?.readOnlyHint, !writes.includes(name), name);
    }
  });

  test('catalogue example: publish a team meeting summary as a blog post in the Marketing space, read it back', async () => {
    const summary =
      '<h2>Attendees</h2><p>Grace, Ada, Demo</p><h2>Decisions</h2><ul><li>Ship the partner page on Friday.</li></ul><h2>Action items</h2><ul><li>Demo: draft the newsletter.</li></ul>';
    const created = await ok('confluence_create_blogpost', {
      space_key: 'MKT',
      title: 'Team Meeting Summary: Partner Launch Prep',
      body: { representation: 'storage', value: summary },
    });
    assert.match(created.id, /^\d+$/);
    assert.equal(created.spaceId, C.space.id, 'space_key MKT was mapped to its id');
    assert.equal(created.status, 'current');
    assert.equal(created.authorId, DEMO);
    assert.equal(created.version.number, 1);
    assert.match(created._links.webui, new RegExp(`^/spaces/MKT/blog/\\d{4}/\\d{2}/\\d{2}/${created.id}/`));

    const read = await ok('confluence_get_blogpost', { id: created.id, body_format: 'storage', include_labels: true });
    assert.equal(read.title, 'Team Meeting Summary: Partner Launch Prep');
    assert.equal(read.body.storage.value, summary);
    assert.deepEqual(read.labels.results, []);

    const listed = await ok('confluence_get_blogposts', {
      space_key: 'MKT',
      title: 'Team Meeting Summary: Partner Launch Prep',
    });
    assert.deepEqual(ids(listed), [created.id]);
    const newest = await ok('confluence_get_blogposts', { space_key: 'MKT', sort: '-created-date', limit: 1 });
    assert.deepEqual(ids(newest), [created.id]);
    const found = await ok('confluence_cql_search', { cql: 'type=blogpost AND space=MKT AND text~"newsletter"' });
    assert.deepEqual(
      found.results.map((r: { content: { id: string } }) => r.content.id),
      [created.id],
    );
    assert.equal(emulator.state.blogposts.get(created.id)?.spaceId, C.space.id, 'the emulator holds it');

    const draft = await ok('confluence_create_blogpost', { space_id: C.space.id, title: 'Not yet', status: 'draft' });
    assert.equal(draft.status, 'draft');
    const unknown = await fails('confluence_create_blogpost', { space_key: 'NOPE', title: 'x' });
    assert.match(unknown.message, /no Confluence space with the key "NOPE"/);
    const neither = await fails('confluence_create_blogpost', { title: 'x' });
    assert.equal(neither.code, 'invalid_arguments');
  });

  test('update a blog post: the version is fetched when omitted; a stale one is a 409; versions and details', async () => {
    const created = await ok('confluence_create_blogpost', {
      space_key: 'MKT',
      title: 'Campaign Update',
      body: { representation: 'storage', value: '<p>v1</p>' },
    });
    const updated = await ok('confluence_update_blogpost', {
      id: created.id,
      title: 'Campaign Update',
      body: { representation: 'storage', value: '<p>v2</p>' },
      version_message: 'numbers in',
    });
    assert.equal(updated.version.number, 2);
    assert.equal(updated.version_fetched, true);
    const explicit = await ok('confluence_update_blogpost', {
      id: created.id,
      title: 'Campaign Update (final)',
      body: { representation: 'storage', value: '<p>v3</p>' },
      version_number: 3,
    });
    assert.equal(explicit.version.number, 3);
    assert.equal(explicit.version_fetched, undefined);
    const stale = await fails('confluence_update_blogpost', {
      id: created.id,
      title: 'x',
      body: { representation: 'storage', value: '<p>x</p>' },
      version_number: 3,
    });
    assert.equal(stale.status, 409);
    assert.match(stale.message, /Confluence answered 409/);

    const versions = await ok('confluence_get_blogpost_versions', { id: created.id });
    assert.deepEqual(
      versions.results.map((v: { number: number }) => v.number),
      [3, 2, 1],
    );
    assert.equal(versions.results[1].message, 'numbers in');
    const details = await ok('confluence_get_blogpost_version_details', { id: created.id, version_number: 2 });
    assert.equal(details.prevVersion, 1);
    assert.equal(details.nextVersion, 3);
    const missing = await fails('confluence_get_blogpost_version_details', { id: created.id, version_number: 9 });
    assert.equal(missing.status, 404);
    const old = await ok('confluence_get_blogpost', { id: created.id, version: 1, body_format: 'storage' });
    assert.equal(old.body.storage.value, '<p>v1</p>');
  });

  test('blog post likes, operations, inline comments and paging through the blog', async () => {
    const B = C.blogposts.partnerProgram;
    assert.deepEqual(await ok('confluence_get_blogpost_like_count', { id: B }), { count: 3 });
    const likers = await ok('confluence_get_blogpost', { id: B, include_likes: true });
    assert.equal(likers.likes.results.length, 3);
    const ops = await ok('confluence_get_blogpost_operations', { id: B });
    assert.deepEqual(
      ops.operations.map((o: { operation: string }) => o.operation),
      ['read', 'update', 'delete'],
    );
    const inline = await ok('confluence_get_blogpost_inline_comments', { id: B });
    assert.equal(inline.results.length, 1);
    assert.equal(inline.results[0].properties.inlineOriginalSelection, 'three launch partners');
    assert.match(inline.results[0].body.storage.value, /contracts are signed/, 'comment bodies come by default');

    const first = await ok('confluence_get_blogposts', { space_id: [C.space.id], limit: 2 });
    assert.equal(first.results.length, 2);
    assert.ok(first.next_cursor);
    const rest = await ok('confluence_get_blogposts', { space_id: [C.space.id], limit: 2, cursor: first.next_cursor });
    assert.ok(rest.results.length >= 2);
    const all = await ok('confluence_get_blogposts', { space_key: 'MKT', limit: 2, max_pages: 10 });
    assert.equal(all.next_cursor, null);
    assert.deepEqual(ids(all), [
      ...ids(first),
      ...ids(rest),
      ...ids(all).slice(first.results.length + rest.results.length),
    ]);
    const trash = await ok('confluence_get_blogposts', { status: ['trashed'] });
    assert.deepEqual(ids(trash), [C.blogposts.tradeShowRecap]);

    const unknown = await fails('confluence_get_blogpost_like_count', { id: '999999' });
    assert.equal(unknown.status, 404);
    const bad = await fails('confluence_get_blogpost', { id: 'MKT' });
    assert.equal(bad.code, 'invalid_arguments');
    assert.match(bad.message, /"id": expected a numeric blog post id/);
  });

  test('page hierarchy, versions and likes', async () => {
    const ancestors = await ok('confluence_get_page_ancestors', { id: C.pages.q3CampaignCalendar });
    assert.deepEqual(
      ancestors.results.map((a: { id: string }) => a.id),
      [C.pages.marketingHome, C.pages.q3Planning],
    );
    const children = await ok('confluence_get_child_pages', { id: C.pages.marketingHome });
    assert.deepEqual(
      children.results.map((c: { title: string; type: string }) => `${c.type}:${c.title}`),
      ['page:Q3 Planning', 'page:Brand Guidelines', 'page:Marketing Team'],
    );
    const twoPages = await ok('confluence_get_child_pages', { id: C.pages.marketingHome, limit: 1, max_pages: 2 });
    assert.equal(twoPages.results.length, 2);
    assert.ok(twoPages.next_cursor);

    const versions = await ok('confluence_get_page_versions', { id: C.pages.q3Planning });
    assert.deepEqual(
      versions.results.map((v: { number: number; authorId: string }) => v.number),
      [4, 3, 2, 1],
    );
    assert.equal(versions.results[0].authorId, GRACE);
    const oldest = await ok('confluence_get_page_versions', {
      id: C.pages.q3Planning,
      sort: 'modified-date',
      limit: 1,
    });
    assert.equal(oldest.results[0].message, 'Initial outline');

    assert.deepEqual(await ok('confluence_get_page_like_count', { id: C.pages.q3Planning }), { count: 3 });
    const gone = await fails('confluence_get_page_ancestors', { id: '999999' });
    assert.equal(gone.status, 404);
  });

  test('page comments: footer roots, inline by resolution; add a comment and a reply', async () => {
    const Q = C.pages.q3Planning;
    const footer = await ok('confluence_get_page_footer_comments', { id: Q });
    assert.deepEqual(ids(footer), [C.comments.q3Webinar, C.comments.q3BudgetApproved]);
    assert.match(footer.results[0].body.storage.value, /webinar series/);
    const open = await ok('confluence_get_page_inline_comments', { id: Q, resolution_status: ['open'] });
    assert.deepEqual(ids(open), [C.comments.q3InlineLaunchDate]);
    assert.equal(open.results[0].properties.inlineOriginalSelection, 'partner program launch in July');

    const added = await ok('confluence_create_footer_comment', {
      page_id: Q,
      body: { representation: 'storage', value: '<p>Launch checklist is ready.</p>' },
    });
    assert.equal(added.pageId, Q);
    assert.equal(added.version.authorId, DEMO);
    const reply = await ok('confluence_create_footer_comment', {
      parent_comment_id: added.id,
      body: { representation: 'storage', value: '<p>Thanks!</p>' },
    });
    assert.equal(reply.parentCommentId, added.id);
    const after = await ok('confluence_get_page_footer_comments', { id: Q, sort: '-created-date' });
    assert.equal(after.results[0].id, added.id, 'the new root comment; the reply is not a root');
    assert.equal(emulator.state.comments.get(reply.id)?.parentCommentId, added.id);

    const onBlog = await ok('confluence_create_footer_comment', {
      blogpost_id: C.blogposts.welcome,
      body: { representation: 'storage', value: '<p>Subscribed.</p>' },
    });
    assert.equal(onBlog.blogPostId, C.blogposts.welcome);

    const both = await fails('confluence_create_footer_comment', {
      page_id: Q,
      parent_comment_id: added.id,
      body: { representation: 'storage', value: '<p>x</p>' },
    });
    assert.equal(both.code, 'invalid_arguments');
    assert.match(both.message, /only one of "page_id" and "parent_comment_id"/);
    const none = await fails('confluence_create_footer_comment', {
      body: { representation: 'storage', value: '<p>x</p>' },
    });
    assert.equal(none.code, 'invalid_arguments');
    const trashed = await fails('confluence_create_footer_comment', {
      page_id: CONFLUENCE_SEED.pages.legacyDeployment,
      body: { representation: 'storage', value: '<p>x</p>' },
    });
    assert.equal(trashed.status, 404);
  });

  test('space contents: the pages of a space, all or root only, by key or id', async () => {
    const pages = await ok('confluence_get_space_contents', { space_key: 'MKT' });
    assert.deepEqual(
      ids(pages),
      Object.values(C.pages).sort((a, b) => Number(a) - Number(b)),
    );
    assert.equal(pages.results[1].parentId, C.pages.marketingHome);
    const root = await ok('confluence_get_space_contents', { space_id: C.space.id, depth: 'root' });
    assert.deepEqual(ids(root), [C.pages.marketingHome]);
    const paged = await ok('confluence_get_space_contents', { space_key: 'MKT', limit: 2, max_pages: 2 });
    assert.equal(paged.results.length, 4);
    assert.ok(paged.next_cursor);
    const trash = await ok('confluence_get_space_contents', { space_key: 'ENG', status: ['trashed'] });
    assert.deepEqual(ids(trash), [CONFLUENCE_SEED.pages.legacyDeployment]);
    const missing = await fails('confluence_get_space_contents', { space_id: '999999' });
    assert.equal(missing.status, 404);
    const neither = await fails('confluence_get_space_contents', { depth: 'root' });
    assert.equal(neither.code, 'invalid_arguments');
  });
});
