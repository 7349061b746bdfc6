import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CONFLUENCE_DEMO_USER, CONFLUENCE_SEED } from '../../src/emulators/confluence/index.ts';
import type { BlogPostRecord, ConfluenceState } from '../../src/emulators/confluence/state.ts';
import { ADA_AUTH, FIXED_NOW, SITE_BASE, setup } from './helpers.ts';

const S = CONFLUENCE_SEED.spaces;
const P = CONFLUENCE_SEED.pages;
const ADA = CONFLUENCE_SEED.users.ada;
const demo = CONFLUENCE_DEMO_USER.accountId;
const V2 = '/wiki/api/v2';

/** A blog post inserted directly, so these tests do not depend on the content group's seed. */
function insertBlogPost(state: ConfluenceState, overrides: Partial<BlogPostRecord> = {}): BlogPostRecord {
  const now = FIXED_NOW.toISOString();
  const post: BlogPostRecord = {
    id: state.nextId(),
    spaceId: S.ENG.id,
    status: 'current',
    title: 'Spaces-properties test post',
    position: 0,
    authorId: demo,
    ownerId: demo,
    lastOwnerId: null,
    createdAt: now,
    version: { number: 1, message: '', minorEdit: false, authorId: demo, createdAt: now },
    body: { representation: 'storage', value: '<p>Post</p>' },
    labels: [],
    history: [],
    private: false,
    ...overrides,
  };
  state.blogposts.set(post.id, post);
  return post;
}

const seededWhiteboard = (state: ConfluenceState) =>
  [...state.whiteboards.values()].find((w) => w.title === 'Search service split: brainstorm')!;

describe('space properties', () => {
  test('the seed has properties on ENG; the list pages with a cursor and filters by key', async () => {
    const { get } = setup();
    const all = await get(`${V2}/spaces/${S.ENG.id}/properties`);
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.results.map((p: { key: string }) => p.key),
      ['team-directory', 'release-train'],
    );
    const dir = all.body.results[0];
    assert.deepEqual(Object.keys(dir).sort(), ['createdAt', 'createdBy', 'id', 'key', 'value', 'version']);
    assert.equal(dir.value.oncall, 'payments');
    assert.equal(dir.createdBy, ADA.accountId);
    assert.equal(dir.version.number, 2);
    assert.equal(dir.version.message, 'New on-call rotation');
    assert.equal(dir.version.createdBy, ADA.accountId);
    assert.ok(Date.parse(dir.createdAt) < Date.parse(dir.version.createdAt));

    const first = await get(`${V2}/spaces/${S.ENG.id}/properties?limit=1`);
    assert.equal(first.body.results.length, 1);
    assert.ok(first.body._links.next, 'a next link while more exist');
    assert.match(first.headers.get('link') ?? '', /rel="next"/);
    const second = await get(first.body._links.next);
    assert.deepEqual(
      second.body.results.map((p: { key: string }) => p.key),
      ['release-train'],
    );
    assert.equal(second.body._links.next, undefined);

    const one = await get(`${V2}/spaces/${S.ENG.id}/properties?key=release-train`);
    assert.deepEqual(
      one.body.results.map((p: { key: string }) => p.key),
      ['release-train'],
    );
    const caseSensitive = await get(`${V2}/spaces/${S.ENG.id}/properties?key=Release-Train`);
    assert.deepEqual(caseSensitive.body.results, []);
    assert.equal((await get(`${V2}/spaces/${S.ENG.id}/properties?cursor=nonsense`)).status, 400);
    assert.equal((await get(`${V2}/spaces/${S.PERSONAL.id}/properties`)).body.results.length, 0);
  });

  test('create answers 201 with a Location; duplicate keys are 409; bad bodies are 400s naming the field', async () => {
    const { get, post, emulator } = setup();
    const created = await post(`${V2}/spaces/${S.SALES.id}/properties`, { key: 'crm', value: ['hubspot', 2] });
    assert.equal(created.status, 201);
    assert.equal(created.body.key, 'crm');
    assert.deepEqual(created.body.value, ['hubspot', 2]);
    assert.equal(created.body.version.number, 1);
    assert.equal(created.body.createdBy, demo);
    assert.equal(
      created.headers.get('location'),
      `${SITE_BASE}/api/v2/spaces/${S.SALES.id}/properties/${created.body.id}`,
    );
    const stored = emulator.state.properties.get(created.body.id);
    assert.equal(stored?.ownerType, 'space');
    assert.equal(stored?.ownerId, S.SALES.id);
    const read = await get(`${V2}/spaces/${S.SALES.id}/properties/${created.body.id}`);
    assert.deepEqual(read.body, created.body);

    const dup = await post(`${V2}/spaces/${S.SALES.id}/properties`, { key: 'crm', value: 'x' });
    assert.equal(dup.status, 409);
    assert.match(dup.body.errors[0].detail, /'crm' already exists/);
    // The same key on another space is fine: keys are unique per owner.
    assert.equal((await post(`${V2}/spaces/${S.ENG.id}/properties`, { key: 'crm', value: 'x' })).status, 201);

    for (const [body, field] of [
      [{ value: 1 }, 'key'],
      [{ key: '', value: 1 }, 'key'],
      [{ key: 'k'.repeat(256), value: 1 }, 'key'],
      [{ key: 7, value: 1 }, 'key'],
      [{ key: 'novalue' }, 'value'],
      [{ key: 'huge', value: 'x'.repeat(40_000) }, 'value'],
    ] as const) {
      const res = await post(`${V2}/spaces/${S.SALES.id}/properties`, body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 60));
      assert.equal(res.body.errors[0].code, 'INVALID_REQUEST_PARAMETER');
      assert.match(res.body.errors[0].detail, new RegExp(`'${field}'`));
    }
    assert.equal((await post(`${V2}/spaces/${S.SALES.id}/properties`, [1, 2])).status, 400);
    assert.equal((await post(`${V2}/spaces/${S.SALES.id}/properties`, '{nope')).status, 400);
    assert.equal((await post(`${V2}/spaces/424242/properties`, { key: 'a', value: 1 })).status, 404);
    const notNumeric = await post(`${V2}/spaces/SALES/properties`, { key: 'a', value: 1 });
    assert.equal(notNumeric.status, 400);
    assert.match(notNumeric.body.errors[0].detail, /'space-id'/);
  });

  test('update needs the current version + 1 (409 otherwise); rename checks the key; delete is 204 then 404', async () => {
    const { get, put, del, post } = setup();
    const base = `${V2}/spaces/${S.ENG.id}/properties`;
    const list = await get(`${base}?key=team-directory`);
    const prop = list.body.results[0];
    assert.equal(prop.version.number, 2);

    const stale = await put(`${base}/${prop.id}`, {
      key: prop.key,
      value: { oncall: 'search' },
      version: { number: 2 },
    });
    assert.equal(stale.status, 409);
    assert.match(stale.body.errors[0].detail, /Current Version: \[2\]\. Provided version: \[2\]/);
    const skip = await put(`${base}/${prop.id}`, { key: prop.key, value: 1, version: { number: 4 } });
    assert.equal(skip.status, 409);

    const updated = await put(`${base}/${prop.id}`, {
      key: prop.key,
      value: { oncall: 'search' },
      version: { number: 3, message: 'Search owns on-call' },
    });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.version.number, 3);
    assert.equal(updated.body.version.message, 'Search owns on-call');
    assert.equal(updated.body.version.createdBy, demo);
    assert.equal(updated.body.version.createdAt, FIXED_NOW.toISOString());
    assert.equal(updated.body.createdBy, ADA.accountId, 'the creator does not change');
    assert.deepEqual((await get(`${base}/${prop.id}`)).body.value, { oncall: 'search' });

    const missingVersion = await put(`${base}/${prop.id}`, { key: prop.key, value: 1 });
    assert.equal(missingVersion.status, 400);
    assert.match(missingVersion.body.errors[0].detail, /'version'/);
    const badNumber = await put(`${base}/${prop.id}`, { key: prop.key, value: 1, version: { number: '4' } });
    assert.match(badNumber.body.errors[0].detail, /'version.number'/);
    const noKey = await put(`${base}/${prop.id}`, { value: 1, version: { number: 4 } });
    assert.match(noKey.body.errors[0].detail, /'key'/);

    const clash = await put(`${base}/${prop.id}`, { key: 'release-train', value: 1, version: { number: 4 } });
    assert.equal(clash.status, 409);
    const renamed = await put(`${base}/${prop.id}`, { key: 'oncall', value: 1, version: { number: 4 } });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.key, 'oncall');

    // A property is only reachable through its own owner.
    const other = await post(`${V2}/spaces/${S.SALES.id}/properties`, { key: 'x', value: 1 });
    assert.equal((await get(`${base}/${other.body.id}`)).status, 404);
    assert.equal((await put(`${base}/${other.body.id}`, { key: 'x', value: 2, version: { number: 2 } })).status, 404);
    assert.equal((await del(`${base}/${other.body.id}`)).status, 404);

    const removed = await del(`${base}/${prop.id}`);
    assert.equal(removed.status, 204);
    assert.equal((await get(`${base}/${prop.id}`)).status, 404);
    assert.equal((await del(`${base}/${prop.id}`)).status, 404);
    assert.equal((await get(`${base}/123456789`)).status, 404);
  });
});

describe('content properties', () => {
  test('page properties: seeded, sortable, ContentProperty shape, created with 200', async () => {
    const { get, post } = setup();
    const base = `${V2}/pages/${P.architecture}/properties`;
    const list = await get(base);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.results.map((p: { key: string }) => p.key),
      ['content-appearance-published', 'review-status'],
    );
    const review = list.body.results[1];
    assert.deepEqual(Object.keys(review).sort(), ['id', 'key', 'value', 'version']);
    assert.deepEqual(Object.keys(review.version).sort(), ['authorId', 'createdAt', 'message', 'minorEdit', 'number']);
    assert.equal(review.version.number, 2);
    assert.equal(list.body.results[0].value, 'full-width');

    const desc = await get(`${base}?sort=-key`);
    assert.deepEqual(
      desc.body.results.map((p: { key: string }) => p.key),
      ['review-status', 'content-appearance-published'],
    );
    const badSort = await get(`${base}?sort=value`);
    assert.equal(badSort.status, 400);
    assert.match(badSort.body.errors[0].detail, /'sort'/);

    const created = await post(base, { key: 'owner', value: { team: 'platform' } });
    assert.equal(created.status, 200);
    assert.equal(created.body.version.number, 1);
    assert.equal(created.body.version.authorId, demo);
    assert.equal(created.body.version.minorEdit, false);
    assert.deepEqual(
      (await get(`${base}?sort=key`)).body.results.map((p: { key: string }) => p.key),
      ['content-appearance-published', 'owner', 'review-status'],
    );
    assert.equal((await post(base, { key: 'owner', value: 1 })).status, 409);
  });

  test('pages the caller cannot see are 404; an edit restriction makes writes 403', async () => {
    const { get, post, put, emulator } = setup();
    // A draft of the demo user: Ada cannot see it, so neither its properties.
    assert.equal((await get(`${V2}/pages/${P.q4Ideas}/properties`)).status, 200);
    assert.equal((await get(`${V2}/pages/${P.q4Ideas}/properties`, { auth: ADA_AUTH })).status, 404);
    assert.equal(
      (await post(`${V2}/pages/${P.q4Ideas}/properties`, { key: 'a', value: 1 }, { auth: ADA_AUTH })).status,
      404,
    );
    // Trashed and unknown pages.
    assert.equal((await get(`${V2}/pages/${P.legacyDeployment}/properties`)).status, 404);
    assert.equal((await get(`${V2}/pages/999999/properties`)).status, 404);

    const base = `${V2}/pages/${P.architecture}/properties`;
    const review = (await get(`${base}?key=review-status`)).body.results[0];
    emulator.state.restrictions.set(`${P.architecture}:update`, {
      contentId: P.architecture,
      operation: 'update',
      userIds: [ADA.accountId],
      groupNames: [],
    });
    assert.equal((await get(base)).status, 200, 'reading is still allowed');
    const refused = await post(base, { key: 'a', value: 1 });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.errors[0].code, 'FORBIDDEN');
    assert.equal(
      (await put(`${base}/${review.id}`, { key: review.key, value: 1, version: { number: 3 } })).status,
      403,
    );
    assert.equal((await post(base, { key: 'a', value: 1 }, { auth: ADA_AUTH })).status, 200, 'Ada may edit');

    emulator.state.restrictions.set(`${P.architecture}:read`, {
      contentId: P.architecture,
      operation: 'read',
      userIds: [ADA.accountId],
      groupNames: [],
    });
    assert.equal((await get(base)).status, 404, 'a read restriction hides it');
  });

  test('blog post properties: CRUD, 404 for unknown posts and for page ids', async () => {
    const { get, post, put, del, emulator } = setup();
    const blog = insertBlogPost(emulator.state);
    const base = `${V2}/blogposts/${blog.id}/properties`;
    assert.deepEqual((await get(base)).body.results, []);
    const created = await post(base, { key: 'featured', value: true });
    assert.equal(created.status, 200);
    assert.equal(emulator.state.properties.get(created.body.id)?.ownerType, 'blogpost');
    const updated = await put(`${base}/${created.body.id}`, { key: 'featured', value: false, version: { number: 2 } });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.value, false);
    assert.equal((await del(`${base}/${created.body.id}`)).status, 204);
    assert.equal(emulator.state.properties.has(created.body.id), false);

    assert.equal((await get(`${V2}/blogposts/${P.architecture}/properties`)).status, 404, 'a page is not a blog post');
    assert.equal((await get(`${V2}/blogposts/999999/properties`)).status, 404);
    const privatePost = insertBlogPost(emulator.state, { private: true, title: 'Private post' });
    assert.equal((await get(`${V2}/blogposts/${privatePost.id}/properties`, { auth: ADA_AUTH })).status, 404);
  });

  test('whiteboard properties: seeded on the seeded whiteboard; routes use whiteboard-id; ids do not cross owners', async () => {
    const { get, post, put, del, emulator } = setup();
    const board = seededWhiteboard(emulator.state);
    assert.ok(board, 'the seed has a whiteboard');
    const list = await get(`${V2}/whiteboards/${board.id}/properties`);
    assert.deepEqual(
      list.body.results.map((p: { key: string; value: unknown }) => [p.key, p.value]),
      [['board-settings', { grid: true, theme: 'light' }]],
    );
    const created = await post(`${V2}/whiteboards/${board.id}/properties`, { key: 'epic', value: 'ENG-42' });
    assert.equal(created.status, 200);
    const item = `${V2}/whiteboards/${board.id}/properties/${created.body.id}`;
    assert.equal((await get(item)).body.value, 'ENG-42');
    assert.equal((await put(item, { key: 'epic', value: 'ENG-43', version: { number: 2 } })).body.value, 'ENG-43');
    assert.equal((await del(item)).status, 204);

    const pageProp = (await get(`${V2}/pages/${P.architecture}/properties`)).body.results[0];
    assert.equal((await get(`${V2}/whiteboards/${board.id}/properties/${pageProp.id}`)).status, 404);
    assert.equal(
      (await get(`${V2}/whiteboards/${P.architecture}/properties`)).status,
      404,
      'a page is not a whiteboard',
    );
  });
});

describe('space creation', () => {
  test('v1 POST /space creates the space and its homepage, and records an audit entry', async () => {
    const { get, post, emulator } = setup();
    const res = await post('/wiki/rest/api/space', {
      key: 'SPTLAUNCH',
      name: 'Marketing',
      description: { plain: { value: 'Campaigns & launches', representation: 'plain' } },
    });
    assert.equal(res.status, 200);
    assert.equal(typeof res.body.id, 'number');
    assert.equal(res.body.key, 'SPTLAUNCH');
    assert.equal(res.body.name, 'Marketing');
    assert.equal(res.body.type, 'global');
    assert.equal(res.body.status, 'current');
    assert.equal(res.body.description.plain.value, 'Campaigns & launches');
    assert.equal(res.body._links.webui, '/spaces/SPTLAUNCH');
    assert.equal(res.body._links.self, `${SITE_BASE}/rest/api/space/SPTLAUNCH`);

    const space = emulator.state.spaceByKey('SPTLAUNCH');
    assert.ok(space);
    assert.equal(space.id, String(res.body.id));
    assert.equal(space.authorId, demo);
    assert.equal(space.private, false);
    assert.ok(space.homepageId);
    assert.equal(res.body._expandable.homepage, `/rest/api/content/${space.homepageId}`);
    const home = await get(`${V2}/pages/${space.homepageId}?body-format=storage`);
    assert.equal(home.status, 200);
    assert.equal(home.body.title, 'Marketing Home');
    assert.equal(home.body.spaceId, space.id);
    assert.match(home.body.body.storage.value, /Campaigns &amp; launches/);
    const v2 = await get(`${V2}/spaces/${space.id}`);
    assert.equal(v2.body.homepageId, space.homepageId);

    const audit = emulator.state.auditRecords.at(-1);
    assert.equal(audit?.summary, 'Space created');
    assert.equal(audit?.affectedObject.name, 'Marketing');
    assert.equal(audit?.authorId, demo);

    // A page created without a parent lands under the new homepage.
    const page = await post(`${V2}/pages`, {
      spaceId: space.id,
      title: 'Plan',
      body: { representation: 'storage', value: '' },
    });
    assert.equal(page.body.parentId, space.homepageId);
  });

  test('key rules: uppercase letters and digits, unique; name required; v1 errors use the v1 body', async () => {
    const { post } = setup();
    for (const [body, pattern] of [
      [{ key: 'mkt', name: 'M' }, /'key'/],
      [{ key: 'MK-T', name: 'M' }, /'key'/],
      [{ key: 'M K', name: 'M' }, /'key'/],
      [{ key: `K${'A'.repeat(255)}`, name: 'M' }, /'key'/],
      [{ name: 'No key' }, /'key' is required/],
      [{ key: 'ENG', name: 'Engineering again' }, /already exists/],
      [{ key: 'eng', name: 'x' }, /'key'/],
      [{ key: 'NEW' }, /'name' is required/],
      [{ key: 'NEW', name: '   ' }, /'name'/],
      [{ key: 'NEW', name: 'n'.repeat(201) }, /'name'/],
      [{ key: 'NEW', name: 'x', description: 'flat' }, /'description'/],
      [{ key: 'NEW', name: 'x', description: { plain: { value: 'v', representation: 'wiki' } } }, /representation/],
    ] as const) {
      const res = await post('/wiki/rest/api/space', body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(res.body.statusCode, 400);
      assert.match(res.body.message, pattern, JSON.stringify(body).slice(0, 80));
    }
  });

  test('v2 POST /spaces answers 201; an alias derives a unique key; createPrivateSpace makes it private', async () => {
    const { post, get, emulator } = setup();
    const res = await post(`${V2}/spaces`, {
      name: 'Docs',
      alias: 'sptdocs',
      description: { value: 'All docs', representation: 'plain' },
    });
    assert.equal(res.status, 201);
    assert.equal(res.body.key, 'SPTDOCS');
    assert.equal(res.body.currentActiveAlias, 'SPTDOCS');
    assert.equal(res.body.authorId, demo);
    assert.equal(res.body._links.base, SITE_BASE);
    assert.equal(res.body.description.plain.value, 'All docs');
    assert.ok(emulator.state.pages.get(res.body.homepageId));
    const again = await post(`${V2}/spaces`, { name: 'Docs 2', alias: 'sptdocs' });
    assert.equal(again.body.key, 'SPTDOCS1');

    const priv = await post(`${V2}/spaces`, { name: 'Mine', key: 'SPTMINE', createPrivateSpace: true });
    assert.equal(priv.status, 201);
    assert.equal(emulator.state.spaces.get(priv.body.id)?.private, true);
    assert.equal((await get(`${V2}/spaces/${priv.body.id}/properties`, { auth: ADA_AUTH })).status, 404);

    const bad = await post(`${V2}/spaces`, { name: 'x', key: 'OK1', createPrivateSpace: 'yes' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.errors[0].detail, /'createPrivateSpace'/);
    const noName = await post(`${V2}/spaces`, { key: 'OK2' });
    assert.match(noName.body.errors[0].detail, /'name'/);
    const badCopy = await post(`${V2}/spaces`, { name: 'x', key: 'OK3', copySpaceAccessConfiguration: 4242 });
    assert.match(badCopy.body.errors[0].detail, /'copySpaceAccessConfiguration'/);
  });

  test('a private space (v1 /space/_private) is visible to its creator only', async () => {
    const { post, get, del, emulator } = setup();
    const res = await post('/wiki/rest/api/space/_private', { key: 'SPTSECRET', name: 'Secret plans' });
    assert.equal(res.status, 200);
    const space = emulator.state.spaceByKey('SPTSECRET')!;
    assert.equal(space.private, true);
    assert.equal(emulator.state.canViewSpace(space, demo), true);
    assert.equal(emulator.state.canViewSpace(space, ADA.accountId), false);

    assert.equal((await post(`${V2}/spaces/${space.id}/properties`, { key: 'k', value: 1 })).status, 201);
    assert.equal((await get(`${V2}/spaces/${space.id}/properties`, { auth: ADA_AUTH })).status, 404);
    assert.equal((await get(`${V2}/pages/${space.homepageId}`)).status, 200);
    assert.equal((await get(`${V2}/pages/${space.homepageId}`, { auth: ADA_AUTH })).status, 404, 'its homepage too');
    assert.equal((await get(`${V2}/pages/${space.homepageId}/properties`, { auth: ADA_AUTH })).status, 404);
    assert.equal((await post(`${V2}/whiteboards`, { spaceId: space.id }, { auth: ADA_AUTH })).status, 404);
    assert.equal((await del('/wiki/rest/api/space/SPTSECRET', { auth: ADA_AUTH })).status, 404);
    // Its key is still taken, for everyone.
    const taken = await post('/wiki/rest/api/space', { key: 'SPTSECRET', name: 'Mine' }, { auth: ADA_AUTH });
    assert.equal(taken.status, 400);
  });

  test('GET /wiki/api/v2/spaces and /spaces/{id} hide a private space from everyone but its creator', async () => {
    const { post, get } = setup();
    await post('/wiki/rest/api/space/_private', { key: 'SPTHIDDEN', name: 'Hidden' });
    const { id } = (await get(`${V2}/spaces?keys=SPTHIDDEN`)).body.results[0];
    assert.equal((await get(`${V2}/spaces/${id}`)).status, 200);
    assert.equal((await get(`${V2}/spaces/${id}`, { auth: ADA_AUTH })).status, 404);
    const listed = (await get(`${V2}/spaces?limit=250`, { auth: ADA_AUTH })).body.results.map(
      (s: { key: string }) => s.key,
    );
    assert.ok(listed.includes('ENG'), 'public spaces are still listed');
    assert.ok(!listed.includes('SPTHIDDEN'));
    assert.deepEqual((await get(`${V2}/spaces?ids=${id}`, { auth: ADA_AUTH })).body.results, []);
  });
});

describe('space deletion', () => {
  test('DELETE /space/{key} answers 202 with a long task, removes everything in the space, and audits it', async () => {
    const { post, get, del, emulator } = setup();
    const { state } = emulator;
    await post('/wiki/rest/api/space', { key: 'SPTTMP', name: 'Temporary' });
    const space = state.spaceByKey('SPTTMP')!;
    const page = await post(`${V2}/pages`, {
      spaceId: space.id,
      title: 'Doomed',
      body: { representation: 'storage', value: '<p>x</p>' },
    });
    const pageProp = await post(`${V2}/pages/${page.body.id}/properties`, { key: 'k', value: 1 });
    const spaceProp = await post(`${V2}/spaces/${space.id}/properties`, { key: 'k', value: 1 });
    const board = await post(`${V2}/whiteboards`, { spaceId: space.id, title: 'Doomed board' });
    const post1 = insertBlogPost(state, { spaceId: space.id });
    const now = FIXED_NOW.toISOString();
    state.comments.set('777001', {
      id: '777001',
      kind: 'footer',
      containerType: 'page',
      containerId: page.body.id,
      status: 'current',
      title: '',
      authorId: demo,
      createdAt: now,
      version: { number: 1, message: '', minorEdit: false, authorId: demo, createdAt: now },
      body: { representation: 'storage', value: '<p>c</p>' },
    });
    state.likes.set(page.body.id, new Set([demo]));
    const engPages = [...state.pages.values()].filter((p) => p.spaceId === S.ENG.id).length;
    const engProps = state.propertiesOf('space', S.ENG.id).length;

    const res = await del('/wiki/rest/api/space/SPTTMP');
    assert.equal(res.status, 202);
    assert.match(res.body.id, /^\d+$/);
    assert.equal(res.body.links.status, `/rest/api/longtask/${res.body.id}`);

    assert.equal(state.spaces.has(space.id), false);
    assert.equal(state.spaceByKey('SPTTMP'), undefined);
    assert.deepEqual(
      [...state.pages.values()].filter((p) => p.spaceId === space.id),
      [],
    );
    assert.equal(state.whiteboards.has(board.body.id), false);
    assert.equal(state.blogposts.has(post1.id), false);
    assert.equal(state.comments.has('777001'), false);
    assert.equal(state.properties.has(pageProp.body.id), false);
    assert.equal(state.properties.has(spaceProp.body.id), false);
    assert.equal(state.likes.has(page.body.id), false);
    assert.equal(
      [...state.pages.values()].filter((p) => p.spaceId === S.ENG.id).length,
      engPages,
      'other spaces untouched',
    );
    assert.equal(state.propertiesOf('space', S.ENG.id).length, engProps);

    const audit = state.auditRecords.at(-1)!;
    assert.equal(audit.summary, 'Space deleted');
    assert.equal(audit.category, 'Spaces');
    assert.deepEqual(audit.affectedObject, { name: 'Temporary', objectType: 'Space' });
    assert.equal(audit.creationDate, FIXED_NOW.getTime());

    const task = await get(`/wiki/rest/api/longtask/${res.body.id}`);
    assert.equal(task.status, 200);
    assert.equal(task.body.id, res.body.id);
    assert.equal(task.body.finished, true);
    assert.equal(task.body.successful, true);
    assert.equal(task.body.percentageComplete, 100);
    assert.equal(typeof task.body.elapsedTime, 'number');
    assert.match(task.body.messages[0].translation, /Deleted space SPTTMP: 2 pages, 1 blog posts, 1 whiteboards/);
    assert.equal(task.body._links.self, `${SITE_BASE}/rest/api/longtask/${res.body.id}`);

    const again = await del('/wiki/rest/api/space/SPTTMP');
    assert.equal(again.status, 404);
    assert.equal(again.body.statusCode, 404);
    assert.match(again.body.message, /SPTTMP/);
    assert.equal((await get('/wiki/rest/api/longtask/31337')).status, 404);
  });

  test('a space key is matched case-insensitively', async () => {
    const { post, del, emulator } = setup();
    await post('/wiki/rest/api/space', { key: 'SPTCASE', name: 'Case' });
    assert.equal((await del('/wiki/rest/api/space/sptcase')).status, 202);
    assert.equal(emulator.state.spaceByKey('SPTCASE'), undefined);
  });
});

describe('whiteboards', () => {
  test('create: under the homepage by default, under a page or whiteboard when asked', async () => {
    const { post, get, emulator } = setup();
    const res = await post(`${V2}/whiteboards`, { spaceId: S.ENG.id });
    assert.equal(res.status, 200);
    assert.equal(res.body.type, 'whiteboard');
    assert.equal(res.body.title, 'Untitled whiteboard');
    assert.equal(res.body.status, 'current');
    assert.equal(res.body.spaceId, S.ENG.id);
    assert.equal(res.body.parentId, P.engHome);
    assert.equal(res.body.parentType, 'page');
    assert.equal(res.body.authorId, demo);
    assert.equal(res.body.version.number, 1);
    assert.equal(res.body._links.webui, `/spaces/ENG/whiteboard/${res.body.id}`);
    assert.equal(res.body._links.base, SITE_BASE);
    assert.equal(emulator.state.whiteboards.get(res.body.id)?.title, 'Untitled whiteboard');

    const underPage = await post(`${V2}/whiteboards`, {
      spaceId: Number(S.ENG.id),
      title: 'Retro',
      parentId: P.runbooks,
      templateKey: '4ls-retro',
      locale: 'en-GB',
    });
    assert.equal(underPage.body.parentId, P.runbooks);
    const underBoard = await post(`${V2}/whiteboards`, {
      spaceId: S.ENG.id,
      title: 'Child',
      parentId: underPage.body.id,
    });
    assert.equal(underBoard.body.parentType, 'whiteboard');
    assert.deepEqual((await get(`${V2}/whiteboards/${underBoard.body.id}`)).body, underBoard.body);
  });

  test("private whiteboards are their creator's; bad requests are 400s naming the field; unknown space 404", async () => {
    const { post, get } = setup();
    const priv = await post(`${V2}/whiteboards?private=true`, { spaceId: S.ENG.id, title: 'Mine' });
    assert.equal(priv.status, 200);
    assert.equal((await get(`${V2}/whiteboards/${priv.body.id}`)).status, 200);
    assert.equal((await get(`${V2}/whiteboards/${priv.body.id}`, { auth: ADA_AUTH })).status, 404);
    assert.equal((await get(`${V2}/whiteboards/${priv.body.id}/properties`, { auth: ADA_AUTH })).status, 404);

    for (const [body, field] of [
      [{}, 'spaceId'],
      [{ spaceId: 'ENG' }, 'spaceId'],
      [{ spaceId: S.ENG.id, title: 5 }, 'title'],
      [{ spaceId: S.ENG.id, templateKey: 'mind-map' }, 'templateKey'],
      [{ spaceId: S.ENG.id, templateKey: 'rice', locale: 'xx-XX' }, 'locale'],
      [{ spaceId: S.ENG.id, locale: 'en-GB' }, 'locale'],
      [{ spaceId: S.ENG.id, parentId: 'abc' }, 'parentId'],
    ] as const) {
      const res = await post(`${V2}/whiteboards`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.errors[0].detail, new RegExp(`'${field}'`), JSON.stringify(body));
    }
    assert.equal((await post(`${V2}/whiteboards?private=maybe`, { spaceId: S.ENG.id })).status, 400);
    assert.equal((await post(`${V2}/whiteboards`, { spaceId: '424242' })).status, 404);
    const foreignParent = await post(`${V2}/whiteboards`, { spaceId: S.ENG.id, parentId: P.salesHome });
    assert.equal(foreignParent.status, 404);
    assert.match(foreignParent.body.errors[0].detail, /'parentId'/);
    assert.equal((await get(`${V2}/whiteboards/999999`)).status, 404);
  });
});
