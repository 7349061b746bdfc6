import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CONFLUENCE_DEMO_USER,
  CONFLUENCE_SEED,
  type ConfluenceEmulator,
} from '../../src/emulators/confluence/index.ts';
import type { BlogPostRecord } from '../../src/emulators/confluence/state.ts';
import { awaitSpaceDeletion } from '../../src/toolkits/confluence/tools/spaces-properties.ts';
import type { UpstreamReader } from '../../src/toolkits/define.ts';
import { resultJson, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const S = CONFLUENCE_SEED.spaces;
const P = CONFLUENCE_SEED.pages;
const ADA = CONFLUENCE_SEED.users.ada;
const demo = CONFLUENCE_DEMO_USER.accountId;
const ADA_AUTH = `Basic ${Buffer.from(`${ADA.email}:${ADA.apiToken}`).toString('base64')}`;
const DEMO_AUTH = `Basic ${Buffer.from(`${CONFLUENCE_DEMO_USER.email}:${CONFLUENCE_DEMO_USER.apiToken}`).toString('base64')}`;

const GROUP_TOOLS = [
  'confluence_create_space',
  'confluence_create_private_space',
  'confluence_delete_space',
  'confluence_get_space',
  'confluence_get_space_properties',
  'confluence_create_space_property',
  'confluence_update_space_property',
  'confluence_delete_space_property',
  'confluence_get_page_properties',
  'confluence_create_page_property',
  'confluence_update_page_property',
  'confluence_delete_page_property',
  'confluence_get_blogpost_properties',
  'confluence_create_blogpost_property',
  'confluence_update_blogpost_property',
  'confluence_delete_blogpost_property',
  'confluence_create_whiteboard',
  'confluence_create_whiteboard_property',
  'confluence_update_whiteboard_property',
  'confluence_delete_whiteboard_property',
];

describe('Confluence spaces, properties and whiteboards through /mcp/confluence', () => {
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
  /** A successful call's JSON; fails the test with the whole result otherwise. */
  const ok = async (name: string, args: Record<string, unknown>) => {
    const res = await call(name, args);
    assert.equal(res.isError, undefined, `${name}: ${JSON.stringify(res)}`);
    return resultJson(res);
  };
  /** A failed call's `error`. */
  const fails = async (name: string, args: Record<string, unknown>) => {
    const res = await call(name, args);
    assert.equal(res.isError, true, `${name} should fail: ${JSON.stringify(res)}`);
    return resultJson(res).error;
  };
  /** The emulator as another user (Ada), straight over its app: what she would see. */
  const asAda = (path: string) =>
    emulator.app.request(`${emulator.basePath}${path}`, { headers: { authorization: ADA_AUTH } });

  test('lists the 20 tools with annotations that match what they do', async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const name of GROUP_TOOLS) {
      const tool = byName.get(name);
      assert.ok(tool, `${name} is listed`);
      assert.equal(tool.annotations?.openWorldHint, true, name);
      if (/_get_/.test(name)) assert.equal(tool.annotations?.readOnlyHint, true, name);
      if (/_delete_|_update_/.test(name)) assert.equal(tool.annotations?.destructiveHint, true, name);
    }
    const update = byName.get('confluence_update_page_property')!;
    assert.deepEqual(update.inputSchema.required, ['page_id', 'value']);
  });

  let spaceId: string;
  let homepageId: string;
  test('create space: a new space with its homepage; read back by key with get space', async () => {
    const created = await ok('confluence_create_space', {
      key: 'sptmkt',
      name: 'Marketing (e2e)',
      description: 'Campaigns and launches',
    });
    assert.equal(created.key, 'SPTMKT', 'the key is sent uppercase');
    assert.match(created.id, /^\d+$/);
    assert.equal(created.private, false);
    assert.match(created.homepage_id, /^\d+$/);
    assert.match(created.url, /\/spaces\/SPTMKT$/);
    spaceId = created.id;
    homepageId = created.homepage_id;

    const stored = emulator.state.spaces.get(spaceId);
    assert.equal(stored?.key, 'SPTMKT');
    assert.equal(stored?.authorId, demo);
    assert.equal(stored?.description, 'Campaigns and launches');
    assert.equal(emulator.state.pages.get(homepageId)?.spaceId, spaceId);

    const read = await ok('confluence_get_space', { space_key: 'SPTMKT', description_format: 'plain' });
    assert.equal(read.id, spaceId);
    assert.equal(read.homepageId, homepageId);
    assert.equal(read.name, 'Marketing (e2e)');
    assert.equal(read.description.plain.value, 'Campaigns and launches');

    const dup = await fails('confluence_create_space', { key: 'SPTMKT', name: 'Again' });
    assert.equal(dup.status, 400);
    assert.match(dup.message, /already exists/);
    const badKey = await fails('confluence_create_space', { key: 'MK-T', name: 'x' });
    assert.equal(badKey.code, 'invalid_arguments');
    assert.match(badKey.message, /"key": a space key is 1-255 letters and digits/);
  });

  test('get space: by numeric id with labels; neither id nor key, or an unknown key, is a clear error', async () => {
    const eng = await ok('confluence_get_space', { space_id: S.ENG.id, include_labels: true });
    assert.equal(eng.key, 'ENG');
    assert.equal(eng.homepageId, P.engHome);
    assert.ok(
      eng.labels.results.some((l: { name: string }) => l.name === 'engineering'),
      JSON.stringify(eng.labels),
    );
    assert.match((await fails('confluence_get_space', {})).message, /give either "space_id" or "space_key"/);
    assert.match((await fails('confluence_get_space', { space_key: 'NOPE' })).message, /no Confluence space/);
    assert.equal((await fails('confluence_get_space', { space_id: '999999999' })).status, 404);
  });

  test('create private space: only its creator can see it', async () => {
    const created = await ok('confluence_create_private_space', { key: 'SPTPRIV', name: 'Private (e2e)' });
    assert.equal(created.private, true);
    const stored = emulator.state.spaces.get(created.id);
    assert.equal(stored?.private, true);
    assert.equal(stored?.authorId, demo);
    assert.equal((await ok('confluence_get_space', { space_key: 'SPTPRIV' })).id, created.id);
    assert.equal((await asAda(`/wiki/api/v2/spaces/${created.id}/properties`)).status, 404);
    assert.equal((await asAda(`/wiki/api/v2/pages/${created.homepage_id}`)).status, 404);
  });

  test('space properties: list (seeded), create, update without a version, 409 on stale or duplicate, delete', async () => {
    const seeded = await ok('confluence_get_space_properties', { space_key: 'ENG' });
    assert.deepEqual(
      seeded.results.map((p: { key: string }) => p.key),
      ['team-directory', 'release-train'],
    );
    assert.equal(seeded.next_cursor, null);
    const paged = await ok('confluence_get_space_properties', { space_id: S.ENG.id, limit: 1, max_pages: 2 });
    assert.equal(paged.results.length, 2, 'two pages of one concatenated');
    const oneKey = await ok('confluence_get_space_properties', { space_key: 'ENG', key: 'release-train' });
    assert.equal(oneKey.results[0].value.cadence, 'weekly');

    const created = await ok('confluence_create_space_property', {
      space_key: 'SPTMKT',
      key: 'budget',
      value: { q3: 1000, currency: 'EUR' },
    });
    assert.equal(created.version.number, 1);
    assert.deepEqual(emulator.state.properties.get(created.id)?.value, { q3: 1000, currency: 'EUR' });
    assert.equal(emulator.state.properties.get(created.id)?.ownerId, spaceId);
    const dup = await fails('confluence_create_space_property', { space_id: spaceId, key: 'budget', value: 1 });
    assert.equal(dup.status, 409);

    const updated = await ok('confluence_update_space_property', {
      space_key: 'SPTMKT',
      key: 'budget',
      value: { q3: 2000, currency: 'EUR' },
      version_message: 'Raised',
    });
    assert.equal(updated.version.number, 2);
    assert.equal(updated.version_fetched, true);
    const stored = emulator.state.properties.get(created.id);
    assert.deepEqual(stored?.value, { q3: 2000, currency: 'EUR' });
    assert.equal(stored?.version.message, 'Raised');

    const stale = await fails('confluence_update_space_property', {
      space_id: spaceId,
      property_id: created.id,
      value: 3,
      version_number: 2,
    });
    assert.equal(stale.status, 409);
    assert.match(stale.message, /Current Version: \[2\]/);

    const deleted = await ok('confluence_delete_space_property', { space_id: spaceId, property_id: created.id });
    assert.deepEqual(deleted, { deleted: true, space_id: spaceId, property_id: created.id });
    assert.equal(emulator.state.properties.has(created.id), false);
    const missing = await fails('confluence_delete_space_property', { space_key: 'SPTMKT', key: 'budget' });
    assert.equal(missing.code, 'not_found');
    assert.match(missing.message, /no property with the key "budget"/);
  });

  test('page properties: seeded list, create, update with an explicit version, rename, delete by key', async () => {
    const seeded = await ok('confluence_get_page_properties', { page_id: P.architecture, sort: '-key' });
    assert.deepEqual(
      seeded.results.map((p: { key: string }) => p.key),
      ['review-status', 'content-appearance-published'],
    );

    const created = await ok('confluence_create_page_property', {
      page_id: P.runbooks,
      key: 'review-status',
      value: { state: 'draft' },
    });
    assert.equal(emulator.state.properties.get(created.id)?.ownerType, 'page');
    assert.equal(emulator.state.properties.get(created.id)?.ownerId, P.runbooks);

    const updated = await ok('confluence_update_page_property', {
      page_id: P.runbooks,
      property_id: created.id,
      value: { state: 'approved' },
      version_number: 2,
    });
    assert.equal(updated.version.number, 2);
    assert.equal(updated.key, 'review-status', 'the key is kept when omitted');
    assert.equal(updated.version_fetched, undefined, 'nothing fetched when the version is given');
    assert.deepEqual(emulator.state.properties.get(created.id)?.value, { state: 'approved' });

    const renamed = await ok('confluence_update_page_property', {
      page_id: P.runbooks,
      property_id: created.id,
      key: 'review',
      value: 'approved',
    });
    assert.equal(renamed.key, 'review');
    assert.equal(renamed.version.number, 3);
    assert.equal(emulator.state.properties.get(created.id)?.key, 'review');

    const listed = await ok('confluence_get_page_properties', { page_id: P.runbooks, key: 'review' });
    assert.equal(listed.results[0].value, 'approved');

    const deleted = await ok('confluence_delete_page_property', { page_id: P.runbooks, key: 'review' });
    assert.equal(deleted.property_id, created.id);
    assert.equal(emulator.state.properties.has(created.id), false);

    const unknownPage = await fails('confluence_create_page_property', { page_id: '999999999', key: 'a', value: 1 });
    assert.equal(unknownPage.status, 404);
    const noTarget = await fails('confluence_update_page_property', { page_id: P.runbooks, value: 1 });
    assert.equal(noTarget.code, 'invalid_arguments');
  });

  test('blog post properties: list, create, update, delete', async () => {
    let post = [...emulator.state.blogposts.values()].find((b) => b.status === 'current' && !b.private);
    if (!post) {
      const now = new Date().toISOString();
      post = {
        id: emulator.state.nextId(),
        spaceId: S.ENG.id,
        status: 'current',
        title: 'e2e blog post',
        position: 0,
        authorId: demo,
        ownerId: demo,
        lastOwnerId: null,
        createdAt: now,
        version: { number: 1, message: '', minorEdit: false, authorId: demo, createdAt: now },
        body: { representation: 'storage', value: '<p>x</p>' },
        labels: [],
        history: [],
        private: false,
      } satisfies BlogPostRecord;
      emulator.state.blogposts.set(post.id, post);
    }
    const before = emulator.state.propertiesOf('blogpost', post.id).length;
    const listed = await ok('confluence_get_blogpost_properties', { blogpost_id: post.id });
    assert.equal(listed.results.length, before);

    const created = await ok('confluence_create_blogpost_property', {
      blogpost_id: post.id,
      key: 'campaign',
      value: ['spring', 'launch'],
    });
    assert.deepEqual(emulator.state.properties.get(created.id)?.value, ['spring', 'launch']);
    assert.equal(emulator.state.properties.get(created.id)?.ownerType, 'blogpost');

    const updated = await ok('confluence_update_blogpost_property', {
      blogpost_id: post.id,
      key: 'campaign',
      value: ['summer'],
    });
    assert.equal(updated.version.number, 2);
    assert.equal(updated.version_fetched, true);
    assert.deepEqual(emulator.state.properties.get(created.id)?.value, ['summer']);
    const after = await ok('confluence_get_blogpost_properties', { blogpost_id: post.id, key: 'campaign' });
    assert.deepEqual(after.results[0].value, ['summer']);

    await ok('confluence_delete_blogpost_property', { blogpost_id: post.id, property_id: created.id });
    assert.equal(emulator.state.properties.has(created.id), false);
    assert.equal((await fails('confluence_get_blogpost_properties', { blogpost_id: P.architecture })).status, 404);
  });

  test('whiteboards: create from a template under a page, then create, update and delete its properties', async () => {
    const board = await ok('confluence_create_whiteboard', {
      space_key: 'ENG',
      title: 'Sprint 42 planning',
      parent_id: P.architecture,
      template_key: 'sprint-planning',
      locale: 'en-GB',
    });
    assert.equal(board.type, 'whiteboard');
    const stored = emulator.state.whiteboards.get(board.id);
    assert.equal(stored?.title, 'Sprint 42 planning');
    assert.equal(stored?.spaceId, S.ENG.id);
    assert.equal(stored?.parentId, P.architecture);
    assert.equal(stored?.private, false);

    const priv = await ok('confluence_create_whiteboard', { space_id: spaceId, private: true });
    assert.equal(emulator.state.whiteboards.get(priv.id)?.private, true);
    assert.equal(emulator.state.whiteboards.get(priv.id)?.parentId, homepageId, 'under the space homepage');
    assert.equal((await asAda(`/wiki/api/v2/whiteboards/${priv.id}`)).status, 404);

    const prop = await ok('confluence_create_whiteboard_property', {
      whiteboard_id: board.id,
      key: 'sprint',
      value: { number: 42, goal: 'ship search' },
    });
    assert.equal(emulator.state.properties.get(prop.id)?.ownerId, board.id);
    const updated = await ok('confluence_update_whiteboard_property', {
      whiteboard_id: board.id,
      property_id: prop.id,
      value: { number: 42, goal: 'ship search v2' },
    });
    assert.equal(updated.version.number, 2);
    assert.equal(emulator.state.properties.get(prop.id)?.version.number, 2);
    await ok('confluence_delete_whiteboard_property', { whiteboard_id: board.id, key: 'sprint' });
    assert.equal(emulator.state.properties.has(prop.id), false);

    const noSpace = await fails('confluence_create_whiteboard', { space_key: 'NOPE' });
    assert.match(noSpace.message, /no Confluence space with the key "NOPE"/);
    const badTemplate = await fails('confluence_create_whiteboard', { space_key: 'ENG', template_key: 'mind-map' });
    assert.equal(badTemplate.code, 'invalid_arguments');
  });

  test('delete space: reports the long task; the space, its content and properties are gone; audited', async () => {
    await ok('confluence_create_space', { key: 'SPTTMP', name: 'Temporary (e2e)' });
    const page = await ok('confluence_create_page', {
      space_key: 'SPTTMP',
      title: 'Soon gone',
      body: { representation: 'storage', value: '<p>bye</p>' },
    });
    const prop = await ok('confluence_create_page_property', { page_id: page.id, key: 'k', value: 1 });
    const tmpId = emulator.state.spaceByKey('SPTTMP')!.id;

    const res = await ok('confluence_delete_space', { space_key: 'SPTTMP' });
    assert.equal(res.space_key, 'SPTTMP');
    assert.equal(res.deletion_started, true);
    assert.match(res.task_id, /^\d+$/);
    assert.equal(res.status_path, `/wiki/rest/api/longtask/${res.task_id}`);
    assert.ok(emulator.state.longTasks.get(res.task_id), 'the task exists upstream');
    // The tool followed the long task (settle step) and reports the outcome.
    assert.equal(res.finished, true);
    assert.equal(res.successful, true);
    assert.match(res.note, /is deleted/);

    assert.equal(emulator.state.spaces.has(tmpId), false);
    assert.equal(emulator.state.pages.has(page.id), false);
    assert.equal(emulator.state.properties.has(prop.id), false);
    assert.equal(emulator.state.auditRecords.at(-1)?.summary, 'Space deleted');
    assert.equal(emulator.state.auditRecords.at(-1)?.affectedObject.name, 'Temporary (e2e)');
    assert.match((await fails('confluence_get_space', { space_key: 'SPTTMP' })).message, /no Confluence space/);

    // By numeric id: the tool looks the key up first.
    const byId = await ok('confluence_delete_space', { space_id: spaceId });
    assert.equal(byId.space_key, 'SPTMKT');
    assert.equal(emulator.state.spaces.has(spaceId), false);

    const again = await fails('confluence_delete_space', { space_key: 'SPTTMP' });
    assert.equal(again.status, 404);
    assert.equal((await fails('confluence_delete_space', {})).code, 'invalid_arguments');
  });

  test('awaitSpaceDeletion follows the long task to its end, within its budget', async () => {
    const reader: UpstreamReader = {
      async get(path) {
        const res = await emulator.app.request(`${emulator.basePath}${path}`, {
          headers: { authorization: DEMO_AUTH },
        });
        assert.equal(res.status, 200, path);
        return res.json();
      },
    };
    await ok('confluence_create_space', { key: 'SPTWAIT', name: 'Wait (e2e)' });
    const started = await ok('confluence_delete_space', { space_key: 'SPTWAIT' });
    const done = await awaitSpaceDeletion(started, reader, { sleep: async () => {} });
    assert.equal(done.finished, true);
    assert.equal(done.successful, true);
    assert.equal(done.percentage_complete, 100);
    assert.match(done.messages?.[0] ?? '', /Deleted space SPTWAIT/);

    // A task still running: polled until the budget is spent, then reported as not finished.
    const id = emulator.state.nextId();
    emulator.state.longTasks.set(id, {
      id,
      name: 'space-delete',
      createdAt: new Date().toISOString(),
      percentageComplete: 40,
      successful: true,
      messages: [],
    });
    let polls = 0;
    const counting: UpstreamReader = {
      get: (path, query) => {
        polls += 1;
        return reader.get(path, query);
      },
    };
    const running = await awaitSpaceDeletion({ ...started, task_id: id }, counting, { budgetMs: 60, intervalMs: 20 });
    assert.equal(running.finished, false);
    assert.equal(running.percentage_complete, 40);
    assert.ok(polls >= 2 && polls <= 4, `polled ${polls} times within the budget`);

    // A status that cannot be read does not turn the accepted deletion into a failure.
    const unreadable = await awaitSpaceDeletion(
      { ...started, finished: null },
      {
        get: async () => {
          throw new Error('Confluence answered 404');
        },
      },
    );
    assert.equal(unreadable.deletion_started, true);
    assert.equal(unreadable.finished, null);
    assert.match(unreadable.note, /status could not be read: Confluence answered 404/);
  });
});
