import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CONFLUENCE_SEED } from '../../src/emulators/confluence/index.ts';
import { CONTENT_SEED } from '../../src/emulators/confluence/routes-content.ts';
import { ADA_AUTH, cqlUrl, dayBefore, SITE_BASE, setup } from './helpers.ts';

const P = CONFLUENCE_SEED.pages;
const S = CONFLUENCE_SEED.spaces;
/** The content group's Marketing space: 5 current pages and 4 current blog posts (plus a draft and a trashed one). */
const MKT = CONTENT_SEED;

/** Ids found by a CQL query (all of them, limit 250). */
async function ids(get: ReturnType<typeof setup>['get'], cql: string, extra = ''): Promise<string[]> {
  const res = await get(cqlUrl(cql, `&limit=250${extra}`));
  assert.equal(res.status, 200, `${cql}: ${JSON.stringify(res.body)}`);
  return res.body.results.map((r: { content: { id: string } }) => r.content.id);
}
const sorted = (xs: string[]) => [...xs].sort((a, b) => Number(a) - Number(b));

describe('CQL search: /wiki/rest/api/search', () => {
  test('the response has the SearchPageResponse shape', async () => {
    const { get } = setup();
    const res = await get(cqlUrl(`id = ${P.architecture}`));
    assert.equal(res.status, 200);
    const b = res.body;
    for (const k of ['results', 'start', 'limit', 'size', 'totalSize', 'cqlQuery', 'searchDuration', '_links']) {
      assert.ok(k in b, k);
    }
    assert.equal(b.start, 0);
    assert.equal(b.limit, 25);
    assert.equal(b.size, 1);
    assert.equal(b.totalSize, 1);
    assert.equal(b.cqlQuery, `id = ${P.architecture}`);
    assert.equal(b._links.base, SITE_BASE);
    assert.equal(b._links.context, '/emulators/confluence/wiki');
    assert.equal(b._links.next, undefined);
    const r = b.results[0];
    assert.equal(r.content.id, P.architecture);
    assert.equal(r.content.type, 'page');
    assert.equal(r.content.status, 'current');
    assert.equal(r.content._links.webui, `/spaces/ENG/pages/${P.architecture}/Architecture+Overview`);
    assert.equal(r.title, 'Architecture Overview');
    assert.equal(r.url, r.content._links.webui);
    assert.deepEqual(r.resultGlobalContainer, { title: 'Engineering', displayUrl: '/spaces/ENG' });
    assert.deepEqual(r.breadcrumbs, []);
    assert.equal(r.entityType, 'content');
    assert.equal(r.iconCssClass, 'aui-icon content-type-page');
    assert.equal(r.lastModified, '2026-06-14T16:00:00.000Z');
    assert.equal(r.friendlyLastModified, 'Jun 14, 2026');
    assert.equal(typeof r.score, 'number');
    assert.equal(typeof r.excerpt, 'string');
  });

  test('fields: type, space, space.key, title, label, creator, id, parent, ancestor', async () => {
    const { get } = setup();
    assert.equal((await ids(get, 'type = page')).length, 14 + 5, 'current pages only; no drafts, no trash');
    assert.deepEqual(sorted(await ids(get, 'type = blogpost')), [
      MKT.blogposts.welcome,
      MKT.blogposts.springResults,
      MKT.blogposts.teamMeetingQ3Kickoff,
      MKT.blogposts.partnerProgram,
    ]);
    assert.equal((await ids(get, 'space = ENG')).length, 8);
    assert.equal((await ids(get, 'space.key = eng')).length, 8, 'keys are case-insensitive');
    assert.equal((await ids(get, 'space IN (SALES, "~demo")')).length, 6);
    assert.equal((await ids(get, 'type = page AND space.key != ENG')).length, 6 + 5);
    assert.equal((await ids(get, `space.id = ${S.SALES.id}`)).length, 4);
    assert.deepEqual(await ids(get, 'title = "pricing faq"'), [P.pricingFaq]);
    assert.deepEqual(sorted(await ids(get, 'label = runbook')), [P.runbooks, P.paymentsRunbook, P.searchRunbook]);
    assert.deepEqual(sorted(await ids(get, 'label IN (payments, pricing)')), [
      P.paymentsRunbook,
      P.postmortem,
      P.pricingFaq,
    ]);
    assert.equal((await ids(get, 'space = ENG AND label NOT IN (runbook, oncall)')).length, 5);
    assert.deepEqual(sorted(await ids(get, 'creator = currentUser()')), [
      P.searchRunbook,
      P.releaseNotes,
      P.customerOnboarding,
      P.personalHome,
      P.weeklySync,
      MKT.blogposts.teamMeetingQ3Kickoff,
    ]);
    assert.deepEqual(sorted(await ids(get, `creator = "${CONFLUENCE_SEED.users.ada.accountId}"`)), [
      P.engHome,
      P.architecture,
      P.onboardingGuide,
      P.salesPlaybook,
      MKT.pages.brandGuidelines,
      MKT.blogposts.springResults,
    ]);
    assert.deepEqual(sorted(await ids(get, `id IN (${P.architecture}, ${P.pricingFaq})`)), [
      P.architecture,
      P.pricingFaq,
    ]);
    assert.deepEqual(sorted(await ids(get, `parent = ${P.runbooks}`)), [
      P.paymentsRunbook,
      P.searchRunbook,
      P.postmortem,
    ]);
    assert.equal((await ids(get, `ancestor = ${P.engHome}`)).length, 7);
    assert.deepEqual(sorted(await ids(get, `ancestor = ${P.salesHome} AND parent != ${P.salesHome}`)), [P.pricingFaq]);
  });

  test('text ~ and title ~: case-insensitive words, phrases, plurals, wildcards', async () => {
    const { get } = setup();
    assert.deepEqual(await ids(get, 'text ~ "ELASTICSEARCH"'), [P.architecture]);
    assert.deepEqual(await ids(get, 'text ~ "certificate expired"'), [P.postmortem], 'all words, any order');
    assert.deepEqual(await ids(get, 'text ~ "\\"expired certificate\\""'), [P.postmortem], 'a phrase');
    assert.deepEqual(await ids(get, 'text ~ "\\"certificate expired\\""'), [], 'a phrase keeps its order');
    assert.deepEqual(await ids(get, 'text ~ "deployctl"'), [P.paymentsRunbook], 'code macro bodies are searched');
    assert.deepEqual(
      sorted(await ids(get, 'title ~ runbook')),
      [P.runbooks, P.paymentsRunbook, P.searchRunbook],
      '"runbook" matches "Runbooks"',
    );
    assert.deepEqual(sorted(await ids(get, 'title ~ "onboard*"')), [P.onboardingGuide, P.customerOnboarding]);
    assert.ok(
      (await ids(get, 'title !~ runbook')).every((id) => ![P.paymentsRunbook, P.runbooks].includes(id as never)),
    );
    assert.deepEqual(await ids(get, 'text ~ "zebra"'), []);
  });

  test('AND / OR / NOT and parentheses', async () => {
    const { get } = setup();
    assert.deepEqual(
      sorted(await ids(get, 'space = ENG AND (label = payments OR label = search) AND NOT title ~ postmortem')),
      [P.paymentsRunbook, P.searchRunbook],
    );
    assert.deepEqual(
      sorted(await ids(get, 'label = pricing OR label = playbook AND space = ENG')),
      [P.pricingFaq],
      'AND binds tighter than OR',
    );
    assert.deepEqual(sorted(await ids(get, '(label = pricing OR label = playbook) AND space = SALES')), [
      P.salesPlaybook,
      P.pricingFaq,
    ]);
    assert.equal((await ids(get, 'type = page AND NOT space = ENG')).length, 6 + 5);
    assert.equal(
      (await ids(get, 'not (space = ENG or space = SALES)')).length,
      2 + 5 + 4,
      'keywords are case-insensitive',
    );
  });

  test('dates: literals, now() offsets and start/end functions', async () => {
    const { get } = setup();
    // FIXED_NOW is Wed 2026-06-17 12:00Z; seed pages were created N days earlier.
    assert.deepEqual(sorted(await ids(get, 'created > now("-2w")')), [
      P.onboardingGuide,
      P.postmortem,
      P.pricingFaq,
      P.customerOnboarding,
      P.weeklySync,
    ]);
    assert.deepEqual(sorted(await ids(get, 'lastmodified >= now("-1w")')), [
      P.architecture,
      P.postmortem,
      P.customerOnboarding,
      P.weeklySync,
    ]);
    assert.deepEqual(await ids(get, `created = "${dayBefore(5)}"`), [P.postmortem], 'a day literal is the whole day');
    assert.deepEqual(await ids(get, `created = "${dayBefore(5).replace(/-/g, '/')} 12:00"`), [P.postmortem]);
    assert.deepEqual(await ids(get, `created = "${dayBefore(5)} 11:00"`), []);
    assert.deepEqual(sorted(await ids(get, `created >= "${dayBefore(6)}" AND created < "${dayBefore(4)}"`)), [
      P.postmortem,
      P.customerOnboarding,
    ]);
    assert.deepEqual(
      sorted(await ids(get, `created <= "${dayBefore(2)}" AND created > "${dayBefore(5)}"`)),
      [P.weeklySync],
      '<= includes the whole day, > starts after it',
    );
    // startOfWeek() is Sunday 2026-06-14: Architecture was modified that day (3 days ago), Weekly Sync after.
    assert.deepEqual(sorted(await ids(get, 'lastmodified >= startOfWeek()')), [P.architecture, P.weeklySync]);
    assert.deepEqual(await ids(get, 'created >= startOfDay("-2d") AND created <= endOfDay("-2d")'), [P.weeklySync]);
    assert.equal((await ids(get, 'created >= startOfMonth()')).length, 6, 'Release Notes (June 1) included');
  });

  test('ORDER BY title, created, lastmodified', async () => {
    const { get } = setup();
    const titles = async (cql: string) =>
      (await get(cqlUrl(cql))).body.results.map((r: { title: string }) => r.title) as string[];
    assert.deepEqual(await titles('space = SALES ORDER BY title'), [
      'Customer Onboarding Checklist',
      'Pricing FAQ',
      'Sales Home',
      'Sales Playbook 2026',
    ]);
    assert.deepEqual(await titles('space = SALES order by title desc'), [
      'Sales Playbook 2026',
      'Sales Home',
      'Pricing FAQ',
      'Customer Onboarding Checklist',
    ]);
    assert.deepEqual(await titles('space = SALES ORDER BY created DESC'), [
      'Customer Onboarding Checklist',
      'Pricing FAQ',
      'Sales Playbook 2026',
      'Sales Home',
    ]);
    const modified = await titles('type = page ORDER BY lastmodified DESC');
    assert.deepEqual(modified.slice(0, 3), [
      'Weekly Sync Notes',
      'Architecture Overview',
      'Incident Postmortem: Checkout Outage',
    ]);
  });

  test('pagination: limit + cursor through _links.next (relative to _links.base); start; prev', async () => {
    const { get } = setup();
    const all = await ids(get, 'type = page ORDER BY created ASC');
    const seen: string[] = [];
    let url: string | undefined = cqlUrl('type = page ORDER BY created ASC', '&limit=4');
    let pages = 0;
    while (url) {
      const res = await get(url);
      assert.equal(res.status, 200);
      assert.equal(res.body.totalSize, 14 + 5);
      assert.equal(res.body.start, pages * 4);
      assert.equal(res.body.limit, 4);
      assert.equal(res.body.size, res.body.results.length);
      if (pages > 0) assert.match(res.body._links.prev, /^\/rest\/api\/search\?.*prev=true/);
      seen.push(...res.body.results.map((r: { content: { id: string } }) => r.content.id));
      pages += 1;
      const next: string | undefined = res.body._links.next;
      if (next) {
        assert.match(next, /^\/rest\/api\/search\?/);
        assert.match(next, /[?&]cursor=[A-Za-z0-9_-]+/);
        // `next` is relative to `_links.base` (the site's /wiki), as in Confluence v1.
        url = `${res.body._links.base}${next}`.replace('http://localhost/emulators/confluence', '');
      } else url = undefined;
    }
    assert.equal(pages, 5);
    assert.deepEqual(seen, all);

    const byStart = await get(cqlUrl('type = page ORDER BY created ASC', '&limit=4&start=8'));
    assert.deepEqual(
      byStart.body.results.map((r: { content: { id: string } }) => r.content.id),
      all.slice(8, 12),
    );
    assert.equal((await get(cqlUrl('type = page', '&cursor=%%%'))).status, 400);
    assert.equal((await get(cqlUrl('type = page', '&limit=1000'))).body.limit, 250);
    assert.equal((await get(cqlUrl('type = page', '&limit=100&expand=content.body.export_view'))).body.limit, 25);
  });

  test('excerpts and expansions', async () => {
    const { get } = setup();
    const hl = await get(cqlUrl('text ~ "reindex"'));
    assert.match(hl.body.results[0].excerpt, /@@@hl@@@reindex@@@endhl@@@/);
    const none = await get(cqlUrl('text ~ "reindex"', '&excerpt=none'));
    assert.equal(none.body.results[0].excerpt, '');
    const indexed = await get(cqlUrl('text ~ "reindex"', '&excerpt=indexed'));
    assert.doesNotMatch(indexed.body.results[0].excerpt, /@@@hl@@@/);
    assert.equal((await get(cqlUrl('text ~ "reindex"', '&excerpt=fancy'))).status, 400);

    const bare = (await get(cqlUrl(`id = ${P.paymentsRunbook}`))).body.results[0].content;
    assert.equal(bare.space, undefined);
    assert.equal(bare.body, undefined);
    assert.ok('space' in bare._expandable);

    const res = await get(
      cqlUrl(
        `id = ${P.paymentsRunbook}`,
        '&expand=content.space,content.version,content.body.storage,content.ancestors,content.history,content.metadata.labels',
      ),
    );
    const c = res.body.results[0].content;
    assert.equal(c.space.key, 'ENG');
    assert.equal(c.version.number, 2);
    assert.equal(c.version.message, 'Add rollback steps');
    assert.match(c.body.storage.value, /deployctl rollback/);
    assert.deepEqual(
      c.ancestors.map((a: { id: string }) => a.id),
      [P.engHome, P.runbooks],
    );
    assert.equal(c.history.createdBy.displayName, 'Grace Hopper');
    assert.deepEqual(
      c.metadata.labels.results.map((l: { name: string }) => l.name),
      ['runbook', 'payments', 'oncall'],
    );
    for (const k of ['space', 'version', 'body', 'ancestors', 'history', 'metadata']) {
      assert.equal(k in c._expandable, false, k);
    }
  });

  test('cqlcontext and visibility', async () => {
    const { get, post, put, del } = setup();
    assert.equal(
      (await ids(get, 'type = page', `&cqlcontext=${encodeURIComponent('{"spaceKey":"SALES"}')}`)).length,
      4,
    );
    assert.deepEqual(
      await ids(get, 'type = page', `&cqlcontext=${encodeURIComponent('{"contentStatuses":["trashed"]}')}`),
      [P.legacyDeployment],
    );
    assert.equal((await get(cqlUrl('type = page', '&cqlcontext=nope'))).status, 400);
    assert.deepEqual(
      await ids(get, 'title ~ "Ideas"', `&cqlcontext=${encodeURIComponent('{"contentStatuses":["draft"]}')}`),
      [P.q4Ideas],
    );
    assert.deepEqual(
      await ids(get, 'title ~ "Ideas"', `&cqlcontext=${encodeURIComponent('{"contentStatuses":["draft"]}')}`).then(
        async () => {
          const r = await get(
            cqlUrl('title ~ "Ideas"', `&cqlcontext=${encodeURIComponent('{"contentStatuses":["draft"]}')}`),
            { auth: ADA_AUTH },
          );
          return r.body.results;
        },
      ),
      [],
      "another user's draft is not found",
    );

    // Writes are visible to search at once.
    const created = await post('/wiki/api/v2/pages', {
      spaceId: S.ENG.id,
      title: 'Kubernetes Upgrade Plan',
      body: { representation: 'storage', value: '<p>Move the clusters to the new control plane.</p>' },
    });
    assert.deepEqual(await ids(get, 'text ~ "control plane"'), [created.body.id]);
    await put(`/wiki/api/v2/pages/${created.body.id}`, {
      id: created.body.id,
      status: 'current',
      title: 'Cluster Upgrade Plan',
      body: { representation: 'storage', value: '<p>Done.</p>' },
      version: { number: 2 },
    });
    assert.deepEqual(await ids(get, 'title ~ "cluster upgrade"'), [created.body.id]);
    assert.deepEqual(await ids(get, 'text ~ "control plane"'), []);
    await del(`/wiki/api/v2/pages/${created.body.id}`);
    assert.deepEqual(await ids(get, 'title ~ "cluster upgrade"'), [], 'trashed pages are not found');
  });

  test('unsupported or malformed CQL is a 400 with the v1 error body, never an empty result', async () => {
    const { get } = setup();
    const cases: [string, RegExp][] = [
      ['user = "bob"', /field 'user' is not supported/],
      ['type = page AND favourite = true', /field 'favourite'/],
      ['created > yesterday()', /function 'yesterday\(\)'/],
      ['space = currentSpace()', /function 'currentSpace\(\)'/],
      ['text = "hello"', /operator '=' is not supported by the field 'text'/],
      ['label ~ "run"', /operator '~'/],
      ['type = page AND', /expected a field name but found end of query/],
      ['(type = page', /expected '\)'/],
      ['type = page)', /unexpected '\)'/],
      ['type page', /expected an operator/],
      ['space IN ENG', /expected '\(' after IN/],
      ['space = (ENG, SALES)', /only allowed after IN/],
      ['type = page ORDER BY score', /ordering by 'score' is not supported/],
      ['type = page ORDER title', /expected BY/],
      ['created > "last tuesday"', /invalid date/],
      ['created > now("-4 weeks")', /invalid date offset/],
      ['id = abc', /numeric content id/],
      ['type = wiki', /unknown content type/],
      ['title ~ "unterminated', /unterminated string/],
      ['type = page & space = ENG', /unexpected character '&'/],
      ['ORDER BY title', /expected a field name but found the keyword 'ORDER'/],
    ];
    for (const [cql, why] of cases) {
      const res = await get(cqlUrl(cql));
      assert.equal(res.status, 400, cql);
      assert.equal(res.body.statusCode, 400);
      assert.equal(res.body.reason, 'Bad Request');
      assert.deepEqual(
        { authorized: res.body.data.authorized, valid: res.body.data.valid, successful: res.body.data.successful },
        { authorized: false, valid: true, successful: false },
      );
      assert.ok(res.body.message.startsWith(`Could not parse cql : ${cql}`), res.body.message);
      assert.match(res.body.message, why, cql);
      assert.match(res.body.data.errors[0].message.translation, why);
    }
    const missing = await get('/wiki/rest/api/search');
    assert.equal(missing.status, 400);
    assert.match(missing.body.message, /cql/);
  });
});
