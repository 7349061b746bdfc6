import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CONFLUENCE_DEMO_USER, CONFLUENCE_SEED } from '../../src/emulators/confluence/index.ts';
import { ADA_AUTH, BASE, basic, FIXED_NOW, SITE_BASE, setup } from './helpers.ts';

const S = CONFLUENCE_SEED.spaces;
const P = CONFLUENCE_SEED.pages;
const ADA = CONFLUENCE_SEED.users.ada;

const notFoundBody = { errors: [{ status: 404, code: 'NOT_FOUND', title: 'Not Found', detail: null }] };

describe('authentication', () => {
  test('no or wrong credentials get 401 with the v2 body; v1 paths get the v1 body', async () => {
    const { get } = setup();
    const missing = await get('/wiki/api/v2/spaces', { auth: null });
    assert.equal(missing.status, 401);
    assert.equal(missing.body.errors[0].status, 401);
    assert.equal(missing.body.errors[0].code, 'UNAUTHORIZED');
    assert.match(missing.headers.get('www-authenticate') ?? '', /^Basic /);

    const wrongToken = await get('/wiki/api/v2/spaces', { auth: basic(CONFLUENCE_DEMO_USER.email, 'nope') });
    assert.equal(wrongToken.status, 401);
    const unknownUser = await get('/wiki/api/v2/spaces', {
      auth: basic('who@example.com', CONFLUENCE_DEMO_USER.apiToken),
    });
    assert.equal(unknownUser.status, 401);
    const garbage = await get('/wiki/api/v2/spaces', { auth: 'Basic %%%' });
    assert.equal(garbage.status, 401);
    // Grace has no API token: nothing logs in as her.
    const grace = await get('/wiki/api/v2/spaces', { auth: basic(CONFLUENCE_SEED.users.grace.email, '') });
    assert.equal(grace.status, 401);

    const v1 = await get('/wiki/rest/api/search?cql=type%3Dpage', { auth: null });
    assert.equal(v1.status, 401);
    assert.equal(v1.body.statusCode, 401);
    assert.equal(v1.body.reason, 'Unauthorized');
    assert.equal(v1.body.data.successful, false);
  });

  test('Basic email:apiToken works (email case-insensitive); Bearer only for registered tokens', async () => {
    const { get, emulator } = setup();
    assert.equal((await get('/wiki/api/v2/spaces')).status, 200);
    const upper = basic(CONFLUENCE_DEMO_USER.email.toUpperCase(), CONFLUENCE_DEMO_USER.apiToken);
    assert.equal((await get('/wiki/api/v2/spaces', { auth: upper })).status, 200);

    assert.equal((await get('/wiki/api/v2/spaces', { auth: 'Bearer oauth-token-1' })).status, 401);
    emulator.state.registerAccessToken('oauth-token-1', ADA.accountId);
    const me = await get('/wiki/rest/api/user/current', { auth: 'Bearer oauth-token-1' });
    assert.equal(me.status, 200);
    assert.equal(me.body.accountId, ADA.accountId);
    assert.equal(me.body.displayName, 'Ada Lovelace');
    assert.throws(() => emulator.state.registerAccessToken('x', 'no-such-account'));
  });

  test('GET /wiki/rest/api/user/current answers the demo user', async () => {
    const { get } = setup();
    const me = await get('/wiki/rest/api/user/current');
    assert.equal(me.status, 200);
    assert.equal(me.body.accountId, CONFLUENCE_DEMO_USER.accountId);
    assert.equal(me.body.email, CONFLUENCE_DEMO_USER.email);
    assert.equal(me.body.type, 'known');
  });
});

describe('spaces', () => {
  test('list, filters and sort', async () => {
    const { get } = setup();
    const all = await get('/wiki/api/v2/spaces');
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.results.map((s: { key: string }) => s.key),
      ['ENG', 'SALES', '~demo', 'MKT'],
    );
    assert.equal(all.body._links.base, SITE_BASE);
    assert.equal(all.body._links.next, undefined);
    assert.equal(all.headers.get('link'), null);
    const eng = all.body.results[0];
    assert.equal(eng.id, S.ENG.id);
    assert.equal(eng.homepageId, P.engHome);
    assert.equal(eng._links.webui, '/spaces/ENG');
    assert.equal(eng.description, undefined, 'no description unless description-format is given');

    const byKey = await get('/wiki/api/v2/spaces?keys=SALES,ENG');
    assert.deepEqual(
      byKey.body.results.map((s: { key: string }) => s.key),
      ['ENG', 'SALES'],
    );
    const byIds = await get(`/wiki/api/v2/spaces?ids=${S.SALES.id}&ids=${S.PERSONAL.id}`);
    assert.deepEqual(
      byIds.body.results.map((s: { key: string }) => s.key),
      ['SALES', '~demo'],
    );
    const personal = await get('/wiki/api/v2/spaces?type=personal');
    assert.deepEqual(
      personal.body.results.map((s: { key: string }) => s.key),
      ['~demo'],
    );
    const sorted = await get('/wiki/api/v2/spaces?sort=-name');
    assert.deepEqual(
      sorted.body.results.map((s: { name: string }) => s.name),
      ['Sales', 'Marketing', 'Engineering', 'Demo User'],
    );
    const described = await get('/wiki/api/v2/spaces?keys=ENG&description-format=plain&include-icon=true');
    assert.equal(described.body.results[0].description.plain.representation, 'plain');
    assert.match(described.body.results[0].description.plain.value, /runbooks/);
    assert.ok(described.body.results[0].icon.path);
  });

  test('bad parameters are 400s naming the parameter', async () => {
    const { get } = setup();
    for (const [q, name] of [
      ['sort=size', 'sort'],
      ['type=team', 'type'],
      ['ids=ENG', 'ids'],
      ['limit=0', 'limit'],
      ['limit=ten', 'limit'],
      ['include-icon=yes', 'include-icon'],
    ] as const) {
      const res = await get(`/wiki/api/v2/spaces?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.errors[0].code, 'INVALID_REQUEST_PARAMETER');
      assert.match(res.body.errors[0].detail, new RegExp(`'${name}'`), q);
    }
  });

  test('get by id; unknown is 404', async () => {
    const { get } = setup();
    const eng = await get(`/wiki/api/v2/spaces/${S.ENG.id}?include-labels=true`);
    assert.equal(eng.status, 200);
    assert.equal(eng.body.key, 'ENG');
    assert.equal(eng.body._links.base, SITE_BASE);
    assert.deepEqual(
      eng.body.labels.results.map((l: { name: string }) => l.name),
      ['engineering'],
    );
    const missing = await get('/wiki/api/v2/spaces/123');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, notFoundBody);
    assert.equal((await get('/wiki/api/v2/spaces/ENG')).status, 400);
  });
});

describe('page lists', () => {
  test('limit + cursor: following _links.next until it disappears returns every page once; Link header', async () => {
    const { get, emulator } = setup();
    const expected = [...emulator.state.pages.values()]
      .filter((p) => p.status === 'current')
      .map((p) => p.id)
      .sort((a, b) => Number(a) - Number(b));
    assert.equal(expected.length, 14 + 5, 'the base seed and the Marketing space of the content group');

    const seen: string[] = [];
    let url: string | undefined = '/wiki/api/v2/pages?limit=4';
    let pages = 0;
    while (url) {
      const res = await get(url);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      pages += 1;
      assert.ok(res.body.results.length <= 4);
      seen.push(...res.body.results.map((p: { id: string }) => p.id));
      assert.equal(res.body._links.base, SITE_BASE);
      const next: string | undefined = res.body._links.next;
      if (next) {
        assert.match(next, /^\/wiki\/api\/v2\/pages\?/);
        assert.match(next, /[?&]limit=4(&|$)/);
        assert.match(next, /[?&]cursor=[A-Za-z0-9_-]+/);
        assert.equal(res.headers.get('link'), `<${next}>; rel="next", <${SITE_BASE}>; rel="base"`);
      } else {
        assert.equal(res.headers.get('link'), null);
      }
      url = next;
    }
    assert.equal(pages, 5);
    assert.deepEqual(seen, expected);
  });

  test('the default limit is 25 and larger limits are clamped to 250', async () => {
    const { get, emulator } = setup({ seed: false });
    const now = FIXED_NOW.toISOString();
    emulator.state.insertSpace({
      id: '1',
      key: 'BULK',
      name: 'Bulk',
      type: 'global',
      status: 'current',
      authorId: CONFLUENCE_DEMO_USER.accountId,
      createdAt: now,
      description: '',
      labels: [],
    });
    for (let i = 0; i < 260; i++) {
      emulator.state.insertPage({
        id: String(1000 + i),
        spaceId: '1',
        status: 'current',
        title: `Page ${i}`,
        position: i,
        authorId: CONFLUENCE_DEMO_USER.accountId,
        ownerId: CONFLUENCE_DEMO_USER.accountId,
        lastOwnerId: null,
        createdAt: now,
        version: { number: 1, message: '', minorEdit: false, authorId: CONFLUENCE_DEMO_USER.accountId, createdAt: now },
        body: { representation: 'storage', value: '' },
        labels: [],
        history: [],
        private: false,
      });
    }
    assert.equal((await get('/wiki/api/v2/pages')).body.results.length, 25);
    const big = await get('/wiki/api/v2/pages?limit=1000');
    assert.equal(big.status, 200);
    assert.equal(big.body.results.length, 250);
    assert.ok(big.body._links.next);
    const rest = await get(big.body._links.next);
    assert.equal(rest.body.results.length, 10);
    assert.equal(rest.body._links.next, undefined);
  });

  test('cursors stay stable while pages are added; a forged cursor is a 400', async () => {
    const { get, post } = setup();
    const first = await get('/wiki/api/v2/pages?limit=5');
    const created = await post('/wiki/api/v2/pages', { spaceId: S.ENG.id, title: 'Added while paging' });
    assert.equal(created.status, 200);
    const ids = first.body.results.map((p: { id: string }) => p.id);
    let next: string | undefined = first.body._links.next;
    while (next) {
      const res = await get(next);
      ids.push(...res.body.results.map((p: { id: string }) => p.id));
      next = res.body._links.next;
    }
    assert.equal(new Set(ids).size, ids.length, 'no duplicates');
    assert.equal(ids.at(-1), created.body.id, 'the new page (highest id) comes last');

    const forged = await get('/wiki/api/v2/pages?cursor=bm90LWEtY3Vyc29y');
    assert.equal(forged.status, 400);
    const otherSort = await get(
      `/wiki/api/v2/pages?sort=title&cursor=${new URL(first.body._links.next, 'http://x').searchParams.get('cursor')}`,
    );
    assert.equal(otherSort.status, 400, 'a cursor is bound to its sort');
  });

  test('filters: status (default current+archived), space-id, id, title; sort', async () => {
    const { get } = setup();
    const ids = async (q: string) =>
      (await get(`/wiki/api/v2/pages?${q}`)).body.results.map((p: { id: string }) => p.id) as string[];

    assert.ok(!(await ids('limit=250')).includes(P.legacyDeployment), 'trashed pages are not listed by default');
    assert.ok(!(await ids('limit=250')).includes(P.q4Ideas), 'drafts are not listed');
    assert.deepEqual(await ids('status=trashed'), [P.legacyDeployment]);
    assert.equal((await ids(`space-id=${S.SALES.id}`)).length, 4);
    assert.equal((await ids(`space-id=${S.SALES.id},${S.PERSONAL.id}`)).length, 6);
    assert.deepEqual(await ids(`id=${P.pricingFaq}&id=${P.architecture}`), [P.architecture, P.pricingFaq]);
    assert.deepEqual(await ids('title=Pricing FAQ'), [P.pricingFaq]);
    assert.deepEqual(await ids('title=pricing faq'), [], 'title is an exact match');

    const byModified = (await get('/wiki/api/v2/pages?sort=-modified-date&limit=3')).body.results;
    assert.deepEqual(
      byModified.map((p: { id: string }) => p.id),
      [P.weeklySync, P.architecture, P.postmortem],
    );
    const byTitle = (await get(`/wiki/api/v2/pages?sort=title&space-id=${S.SALES.id}`)).body.results;
    assert.deepEqual(
      byTitle.map((p: { title: string }) => p.title),
      ['Customer Onboarding Checklist', 'Pricing FAQ', 'Sales Home', 'Sales Playbook 2026'],
    );
    assert.equal((await get('/wiki/api/v2/pages?status=draft')).status, 400);
    assert.equal((await get('/wiki/api/v2/pages?sort=newest')).status, 400);
  });

  test('bodies only with body-format (storage or atlas_doc_format on lists)', async () => {
    const { get } = setup();
    const plain = await get(`/wiki/api/v2/pages?id=${P.pricingFaq}`);
    assert.equal(plain.body.results[0].body, undefined);
    const storage = await get(`/wiki/api/v2/pages?id=${P.pricingFaq}&body-format=storage`);
    assert.equal(storage.body.results[0].body.storage.representation, 'storage');
    assert.match(storage.body.results[0].body.storage.value, /annual billing/);
    const adf = await get(`/wiki/api/v2/pages?id=${P.pricingFaq}&body-format=atlas_doc_format`);
    const doc = JSON.parse(adf.body.results[0].body.atlas_doc_format.value);
    assert.equal(doc.type, 'doc');
    const view = await get(`/wiki/api/v2/pages?id=${P.pricingFaq}&body-format=view`);
    assert.equal(view.status, 400);
    assert.match(view.body.errors[0].detail, /body-format/);
  });
});

describe('create, read, update, delete', () => {
  test('POST creates a page under the space homepage; GET reads it back', async () => {
    const { get, post, emulator } = setup();
    const res = await post('/wiki/api/v2/pages', {
      spaceId: S.ENG.id,
      status: 'current',
      title: 'Capacity Planning',
      body: { representation: 'storage', value: '<p>We plan capacity <strong>quarterly</strong>.</p>' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const page = res.body;
    assert.match(page.id, /^\d+$/);
    assert.equal(page.status, 'current');
    assert.equal(page.spaceId, S.ENG.id);
    assert.equal(page.parentId, P.engHome);
    assert.equal(page.parentType, 'page');
    assert.equal(page.authorId, CONFLUENCE_DEMO_USER.accountId);
    assert.equal(page.createdAt, FIXED_NOW.toISOString());
    assert.deepEqual(page.version, {
      createdAt: FIXED_NOW.toISOString(),
      message: '',
      number: 1,
      minorEdit: false,
      authorId: CONFLUENCE_DEMO_USER.accountId,
    });
    assert.equal(page.body.storage.value, '<p>We plan capacity <strong>quarterly</strong>.</p>');
    assert.equal(page._links.base, SITE_BASE);
    assert.equal(page._links.webui, `/spaces/ENG/pages/${page.id}/Capacity+Planning`);
    assert.match(page._links.tinyui, /^\/x\/[A-Za-z0-9_-]+$/);
    assert.equal(page._links.editui, `/pages/resumedraft.action?draftId=${page.id}`);
    assert.equal(emulator.state.pages.get(page.id)?.title, 'Capacity Planning');

    const read = await get(`/wiki/api/v2/pages/${page.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.title, 'Capacity Planning');
    assert.equal(read.body.body, undefined, 'no body without body-format');
    const storage = await get(`/wiki/api/v2/pages/${page.id}?body-format=storage`);
    assert.equal(storage.body.body.storage.value, '<p>We plan capacity <strong>quarterly</strong>.</p>');
    const view = await get(`/wiki/api/v2/pages/${page.id}?body-format=view`);
    assert.equal(view.body.body.view.representation, 'view');
    assert.match(view.body.body.view.value, /<strong>quarterly<\/strong>/);
  });

  test('atlas_doc_format in, storage out (and back)', async () => {
    const { get, post } = setup();
    const adf = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Goals' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'Ship it', marks: [{ type: 'em' }] }] },
      ],
    };
    const res = await post('/wiki/api/v2/pages', {
      spaceId: S.SALES.id,
      title: 'ADF page',
      body: { atlas_doc_format: { representation: 'atlas_doc_format', value: JSON.stringify(adf) } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(JSON.parse(res.body.body.atlas_doc_format.value), adf);
    const storage = await get(`/wiki/api/v2/pages/${res.body.id}?body-format=storage`);
    assert.equal(storage.body.body.storage.value, '<h2>Goals</h2><p><em>Ship it</em></p>');

    const bad = await post('/wiki/api/v2/pages', {
      spaceId: S.SALES.id,
      title: 'Bad ADF',
      body: { representation: 'atlas_doc_format', value: '{"type":"paragraph"}' },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.errors[0].detail, /body\.value/);
  });

  test('POST validation: 400 naming the field, 404 for unknown space or parent, 400 for a duplicate title', async () => {
    const { post, emulator } = setup();
    const before = emulator.state.pages.size;
    const cases: [unknown, number, RegExp][] = [
      [{ title: 'No space' }, 400, /spaceId/],
      [{ spaceId: 'ENG', title: 'Key, not id' }, 400, /spaceId/],
      [{ spaceId: S.ENG.id }, 400, /title/],
      [{ spaceId: S.ENG.id, title: '   ' }, 400, /title/],
      [{ spaceId: S.ENG.id, title: 'x'.repeat(256) }, 400, /title.*255/],
      [{ spaceId: S.ENG.id, title: 'Bad status', status: 'archived' }, 400, /status/],
      [{ spaceId: S.ENG.id, title: 'Wiki', body: { representation: 'wiki', value: 'h1. Hi' } }, 400, /representation/],
      [{ spaceId: S.ENG.id, title: 'Plain', body: { representation: 'plain', value: 'hi' } }, 400, /representation/],
      [{ spaceId: S.ENG.id, title: 'Not a string', body: { representation: 'storage', value: 5 } }, 400, /body\.value/],
      [{ spaceId: S.ENG.id, title: 'No representation', body: { value: '<p/>' } }, 400, /representation/],
      [{ spaceId: '424242', title: 'Unknown space' }, 404, /424242/],
      [{ spaceId: S.ENG.id, title: 'Unknown parent', parentId: '999999' }, 404, /parentId/],
      [{ spaceId: S.ENG.id, title: 'Parent elsewhere', parentId: P.salesHome }, 404, /parentId/],
      [{ spaceId: S.ENG.id, title: 'Architecture Overview' }, 400, /same TITLE/],
    ];
    for (const [body, status, detail] of cases) {
      const res = await post('/wiki/api/v2/pages', body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.match(res.body.errors[0].detail, detail, JSON.stringify(body));
    }
    const notJson = await post('/wiki/api/v2/pages', '{"spaceId":');
    assert.equal(notJson.status, 400);
    const rootWithParent = await post('/wiki/api/v2/pages?root-level=true', {
      spaceId: S.ENG.id,
      title: 'Root with parent',
      parentId: P.engHome,
    });
    assert.equal(rootWithParent.status, 400);
    assert.equal(emulator.state.pages.size, before, 'nothing was created');

    // The same title is fine in another space, and for a draft.
    assert.equal(
      (await post('/wiki/api/v2/pages', { spaceId: S.SALES.id, title: 'Architecture Overview' })).status,
      200,
    );
    const draft = await post('/wiki/api/v2/pages', {
      spaceId: S.ENG.id,
      title: 'Architecture Overview',
      status: 'draft',
    });
    assert.equal(draft.status, 200);
    assert.equal(draft.body.status, 'draft');
    const untitledDraft = await post('/wiki/api/v2/pages', { spaceId: S.ENG.id, status: 'draft' });
    assert.equal(untitledDraft.status, 200);
    const root = await post('/wiki/api/v2/pages?root-level=true', { spaceId: S.ENG.id, title: 'At the root' });
    assert.equal(root.body.parentId, undefined);
  });

  test('GET single page: 404s, drafts, trashed, versions and include-* options', async () => {
    const { get } = setup();
    const missing = await get('/wiki/api/v2/pages/999999999');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, notFoundBody);
    assert.equal((await get('/wiki/api/v2/pages/abc')).status, 400);

    assert.equal((await get(`/wiki/api/v2/pages/${P.q4Ideas}`)).status, 404, 'a draft needs get-draft');
    const draft = await get(`/wiki/api/v2/pages/${P.q4Ideas}?get-draft=true`);
    assert.equal(draft.status, 200);
    assert.equal(draft.body.status, 'draft');
    assert.equal(
      (await get(`/wiki/api/v2/pages/${P.q4Ideas}?get-draft=true`, { auth: ADA_AUTH })).status,
      404,
      "another user's draft is invisible",
    );
    assert.equal((await get(`/wiki/api/v2/pages/${P.legacyDeployment}`)).status, 404);
    assert.equal((await get(`/wiki/api/v2/pages/${P.legacyDeployment}?status=trashed`)).body.status, 'trashed');

    const arch = await get(
      `/wiki/api/v2/pages/${P.architecture}?include-labels=true&include-versions=true&include-operations=true&include-likes=true&include-properties=true&include-favorited-by-current-user-status=true`,
    );
    assert.equal(arch.status, 200);
    assert.equal(arch.body.version.number, 4);
    assert.equal(arch.body.version.minorEdit, true);
    assert.deepEqual(
      arch.body.labels.results.map((l: { name: string; prefix: string }) => `${l.prefix}:${l.name}`),
      ['global:architecture', 'global:design'],
    );
    assert.match(arch.body.labels.results[0].id, /^\d+$/);
    assert.deepEqual(
      arch.body.versions.results.map((v: { number: number }) => v.number),
      [4, 3, 2, 1],
    );
    assert.equal(arch.body.versions.results[2].message, 'Add data flow section');
    assert.equal(arch.body.likes.results.length, 0);
    assert.equal(arch.body.isFavoritedByCurrentUser, false);

    const v1 = await get(`/wiki/api/v2/pages/${P.architecture}?version=1&body-format=storage`);
    assert.equal(v1.body.status, 'historical');
    assert.equal(v1.body.title, 'Architecture overview');
    assert.equal(v1.body.version.number, 1);
    assert.doesNotMatch(v1.body.body.storage.value, /Data flow/);
    assert.equal((await get(`/wiki/api/v2/pages/${P.architecture}?version=9`)).status, 404);
    const noVersion = await get(`/wiki/api/v2/pages/${P.architecture}?include-version=false`);
    assert.equal(noVersion.body.version, undefined);

    const exportView = await get(`/wiki/api/v2/pages/${P.searchRunbook}?body-format=export_view`);
    const html = exportView.body.body.export_view.value as string;
    assert.match(html, /<pre class="syntaxhighlighter-pre">searchctl reindex --all<\/pre>/);
    assert.doesNotMatch(html, /ac:|ri:/);
    assert.equal((await get(`/wiki/api/v2/pages/${P.searchRunbook}?body-format=wiki`)).status, 400);
  });

  test('PUT: version must be current + 1 (409 otherwise); history is kept', async () => {
    const { get, put, emulator } = setup();
    const id = P.pricingFaq;
    const update = (number: number, extra: Record<string, unknown> = {}) =>
      put(`/wiki/api/v2/pages/${id}`, {
        id,
        status: 'current',
        title: 'Pricing FAQ (2026)',
        body: { representation: 'storage', value: '<p>Annual billing: 15% off.</p>' },
        version: { number, message: 'Refresh prices' },
        ...extra,
      });
    for (const stale of [1, 3]) {
      const res = await update(stale);
      assert.equal(res.status, 409);
      assert.equal(res.body.errors[0].status, 409);
      assert.equal(res.body.errors[0].code, 'CONFLICT');
      assert.match(res.body.errors[0].detail, /Current Version: \[1\]\. Provided version: \[\d\]/);
    }
    const ok = await update(2);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.title, 'Pricing FAQ (2026)');
    assert.equal(ok.body.version.number, 2);
    assert.equal(ok.body.version.message, 'Refresh prices');
    assert.equal(ok.body.body.storage.value, '<p>Annual billing: 15% off.</p>');
    assert.equal(ok.body._links.webui, `/spaces/SALES/pages/${id}/Pricing+FAQ+(2026)`);

    const stored = emulator.state.pages.get(id)!;
    assert.equal(stored.version.number, 2);
    assert.equal(stored.history.length, 1);
    assert.equal(stored.history[0]!.title, 'Pricing FAQ');
    const v1 = await get(`/wiki/api/v2/pages/${id}?version=1`);
    assert.equal(v1.body.title, 'Pricing FAQ');
    assert.equal((await update(2)).status, 409, 'the same version twice conflicts');
  });

  test('PUT validation, moves and owner changes', async () => {
    const { put, emulator } = setup();
    const id = P.searchRunbook;
    const full = {
      id,
      status: 'current',
      title: 'Search Service Runbook',
      body: { representation: 'storage', value: '<p>x</p>' },
      version: { number: 2 },
    };
    for (const field of ['id', 'status', 'title', 'body', 'version']) {
      const { [field]: _, ...rest } = full as Record<string, unknown>;
      const res = await put(`/wiki/api/v2/pages/${id}`, rest);
      assert.equal(res.status, 400, field);
      assert.match(res.body.errors[0].detail, new RegExp(`'${field}'`));
    }
    const mismatch = await put(`/wiki/api/v2/pages/${id}`, { ...full, id: P.architecture });
    assert.equal(mismatch.status, 400);
    const dup = await put(`/wiki/api/v2/pages/${id}`, { ...full, title: 'Payments Service Runbook' });
    assert.equal(dup.status, 400);
    assert.match(dup.body.errors[0].detail, /same TITLE/);
    const otherSpace = await put(`/wiki/api/v2/pages/${id}`, { ...full, spaceId: S.SALES.id });
    assert.equal(otherSpace.status, 400);
    const cycle = await put(`/wiki/api/v2/pages/${P.runbooks}`, {
      ...full,
      id: P.runbooks,
      title: 'Service Runbooks',
      parentId: P.paymentsRunbook,
    });
    assert.equal(cycle.status, 400);
    assert.equal((await put('/wiki/api/v2/pages/999999', { ...full, id: '999999' })).status, 404);

    const moved = await put(`/wiki/api/v2/pages/${id}`, {
      ...full,
      parentId: P.engHome,
      ownerId: ADA.accountId,
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.parentId, P.engHome);
    assert.equal(moved.body.ownerId, ADA.accountId);
    assert.equal(moved.body.lastOwnerId, CONFLUENCE_DEMO_USER.accountId);
    assert.equal(emulator.state.pages.get(id)?.parentId, P.engHome);
  });

  test('drafts are published with version 1', async () => {
    const { put, get } = setup();
    const id = P.q4Ideas;
    const publish = (number: number) =>
      put(`/wiki/api/v2/pages/${id}`, {
        id,
        status: 'current',
        title: 'Ideas for Q4',
        body: { representation: 'storage', value: '<p>Published.</p>' },
        version: { number },
      });
    assert.equal((await publish(2)).status, 409);
    const res = await publish(1);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'current');
    assert.equal(res.body.version.number, 1);
    assert.equal((await get(`/wiki/api/v2/pages/${id}`)).status, 200);
  });

  test('DELETE: current → trash (children move up), purge only from the trash, drafts with draft=true', async () => {
    const { get, del, put, emulator } = setup();
    const trashed = await del(`/wiki/api/v2/pages/${P.runbooks}`);
    assert.equal(trashed.status, 204);
    assert.equal(trashed.body, undefined);
    assert.equal(emulator.state.pages.get(P.runbooks)?.status, 'trashed');
    assert.equal(emulator.state.pages.get(P.paymentsRunbook)?.parentId, P.engHome, 'children move up a level');
    assert.equal((await get(`/wiki/api/v2/pages/${P.runbooks}`)).status, 404);
    assert.equal((await get(`/wiki/api/v2/pages/${P.runbooks}?status=trashed`)).status, 200);
    assert.equal((await del(`/wiki/api/v2/pages/${P.runbooks}`)).status, 404, 'already in the trash');

    const purgeCurrent = await del(`/wiki/api/v2/pages/${P.architecture}?purge=true`);
    assert.equal(purgeCurrent.status, 404);
    assert.equal(emulator.state.pages.get(P.architecture)?.status, 'current');
    assert.equal((await del(`/wiki/api/v2/pages/${P.runbooks}?purge=true`)).status, 204);
    assert.equal(emulator.state.pages.has(P.runbooks), false);
    assert.equal((await del(`/wiki/api/v2/pages/${P.runbooks}?purge=true`)).status, 404);

    assert.equal((await del(`/wiki/api/v2/pages/${P.q4Ideas}`)).status, 404, 'a draft needs draft=true');
    assert.equal((await del(`/wiki/api/v2/pages/${P.architecture}?draft=true`)).status, 404);
    assert.equal((await del(`/wiki/api/v2/pages/${P.q4Ideas}?draft=true`)).status, 204);
    assert.equal(emulator.state.pages.has(P.q4Ideas), false);
    assert.equal((await del('/wiki/api/v2/pages/999999999')).status, 404);

    // A trashed page is restored by updating it to current with the next version.
    const legacy = emulator.state.pages.get(P.legacyDeployment)!;
    const restored = await put(`/wiki/api/v2/pages/${P.legacyDeployment}`, {
      id: P.legacyDeployment,
      status: 'current',
      title: legacy.title,
      body: { representation: 'storage', value: '<p>ignored on restore</p>' },
      version: { number: legacy.version.number + 1 },
    });
    assert.equal(restored.status, 200, JSON.stringify(restored.body));
    assert.equal(restored.body.status, 'current');
    assert.match(emulator.state.pages.get(P.legacyDeployment)!.body.value, /by hand over SSH/);
  });

  test('private pages are visible to their author only', async () => {
    const { get, post } = setup();
    const res = await post('/wiki/api/v2/pages?private=true', { spaceId: S.ENG.id, title: 'Secret plan' });
    assert.equal(res.status, 200);
    assert.equal((await get(`/wiki/api/v2/pages/${res.body.id}`)).status, 200);
    assert.equal((await get(`/wiki/api/v2/pages/${res.body.id}`, { auth: ADA_AUTH })).status, 404);
    const adaList = await get(`/wiki/api/v2/pages?id=${res.body.id}`, { auth: ADA_AUTH });
    assert.deepEqual(adaList.body.results, []);
  });

  test('unknown routes are 404s in the v2 shape', async () => {
    const { get, call } = setup();
    const res = await get('/wiki/api/v2/no-such-thing');
    assert.equal(res.status, 404);
    assert.equal(res.body.errors[0].code, 'NOT_FOUND');
    assert.equal((await call('PATCH', `/wiki/api/v2/pages/${P.architecture}`)).status, 404);
  });
});

describe('reset', () => {
  test('reset() restores the seed in the same state object and clears faults', async () => {
    const { post, get, emulator } = setup();
    const state = emulator.state;
    const created = await post('/wiki/api/v2/pages', { spaceId: S.ENG.id, title: 'Temporary' });
    emulator.faults.failNext({ status: 503, times: 5 });
    emulator.reset();
    assert.equal(emulator.state, state);
    assert.equal(state.pages.has(created.body.id), false);
    assert.equal(state.pages.size, 16 + 5);
    assert.equal((await get('/wiki/api/v2/spaces')).status, 200);
    // Ids are deterministic after a reset too.
    const again = await post('/wiki/api/v2/pages', { spaceId: S.ENG.id, title: 'Temporary' });
    assert.equal(again.body.id, created.body.id);
  });

  test('seed: false keeps the users only', async () => {
    const { get, emulator } = setup({ seed: false });
    assert.equal(emulator.state.pages.size, 0);
    const res = await get('/wiki/api/v2/spaces');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.results, []);
  });

  test('the emulator is served under its basePath only', async () => {
    const { emulator } = setup();
    const res = await emulator.app.request('/wiki/api/v2/spaces');
    assert.equal(res.status, 404);
    assert.ok(BASE.length > 0);
  });
});
