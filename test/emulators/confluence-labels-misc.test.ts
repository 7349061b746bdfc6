/**
 * The labels-misc routes of the Confluence emulator driven through `app.request`: labels, attachments (and the
 * download redirect), tasks, users, content search, audit log and restrictions; error statuses and bodies; seed
 * determinism; and every response checked against the OpenAPI documents (fields the spec does not declare fail).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CONFLUENCE_SEED, createConfluenceEmulator } from '../../src/emulators/confluence/index.ts';
import {
  LABELS_MISC_SEED,
  MEDIA_PREFIX,
  MEDIA_TOKEN_TTL_MS,
  parseUserCql,
} from '../../src/emulators/confluence/routes-labels-misc.ts';
import type { PageRecord } from '../../src/emulators/confluence/state.ts';
import { ADA_AUTH, BASE, DEMO_AUTH, FIXED_NOW, setup } from './helpers.ts';

const P = CONFLUENCE_SEED.pages;
const S = CONFLUENCE_SEED.spaces;
const U = CONFLUENCE_SEED.users;
const A = LABELS_MISC_SEED.attachments;
const T = LABELS_MISC_SEED.tasks;
const DAY = 86_400_000;

const q = (s: string) => encodeURIComponent(s);
const names = (body: { results: { name: string }[] }) => body.results.map((l) => l.name);
const ids = (body: { results: { id: string }[] }) => body.results.map((x) => x.id);

/** A blog post inserted directly (the blog post group's seed is not relied on). */
function insertBlogPost(
  env: ReturnType<typeof setup>,
  id: string,
  title: string,
  labels: string[],
  spaceId: string = S.ENG.id,
) {
  const at = new Date(FIXED_NOW.getTime() - Number(id.slice(-1)) * DAY).toISOString();
  const post: PageRecord = {
    id,
    spaceId,
    status: 'current',
    title,
    position: 0,
    authorId: U.ada.accountId,
    ownerId: U.ada.accountId,
    lastOwnerId: null,
    createdAt: at,
    version: { number: 1, message: '', minorEdit: false, authorId: U.ada.accountId, createdAt: at },
    body: { representation: 'storage', value: `<p>${title} body</p>` },
    labels,
    history: [],
    private: false,
  };
  env.emulator.state.blogposts.set(id, post);
  for (const l of labels) env.emulator.state.label(l);
  return post;
}

describe('labels', () => {
  test('POST /content/{id}/label adds lower-cased labels with prefixes; CQL and the v2 lists see them', async () => {
    const env = setup();
    const { post, get, emulator } = env;
    const res = await post(`/wiki/rest/api/content/${P.releaseNotes}/label`, [
      { prefix: 'global', name: 'Urgent' },
      { prefix: 'my', name: 'read-later' },
      { prefix: 'team', name: 'platform' },
    ]);
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.results.map((l: { prefix: string; name: string }) => `${l.prefix}:${l.name}`),
      ['global:release-notes', 'global:urgent', 'my:read-later', 'team:platform'],
    );
    assert.equal(res.body.size, 4);
    assert.equal(res.body.results[1].label, 'urgent');
    assert.deepEqual(emulator.state.pages.get(P.releaseNotes)?.labels, [
      'release-notes',
      'urgent',
      'my:read-later',
      'team:platform',
    ]);

    // A single object is accepted too; a label already there is not duplicated.
    const single = await post(`/wiki/rest/api/content/${P.releaseNotes}/label`, { prefix: 'global', name: 'urgent' });
    assert.equal(single.status, 200);
    assert.equal(single.body.size, 4);

    const cql = await get(`/wiki/rest/api/search?cql=${q('label = urgent')}`);
    assert.deepEqual(
      cql.body.results.map((r: { content: { id: string } }) => r.content.id),
      [P.releaseNotes],
    );
    const mine = await get(`/wiki/rest/api/search?cql=${q('label = "my:read-later"')}`);
    assert.equal(mine.body.results.length, 1);

    const v2 = await get(`/wiki/api/v2/pages/${P.releaseNotes}/labels?prefix=global`);
    assert.deepEqual(names(v2.body), ['release-notes', 'urgent']);
    const team = await get(`/wiki/api/v2/pages/${P.releaseNotes}/labels?prefix=team`);
    assert.deepEqual(
      team.body.results.map((l: { prefix: string }) => l.prefix),
      ['team'],
    );
    const site = await get('/wiki/api/v2/labels?prefix=my');
    assert.deepEqual(names(site.body), ['read-later']);
  });

  test('labels on attachments and blog posts', async () => {
    const env = setup();
    insertBlogPost(env, '9200001', 'Digest', ['weekly']);
    const onAtt = await env.post(`/wiki/rest/api/content/${A.deployChecklist}/label`, [
      { prefix: 'global', name: 'ops' },
    ]);
    assert.equal(onAtt.status, 200);
    assert.deepEqual(
      onAtt.body.results.map((l: { name: string }) => l.name),
      ['checklist', 'ops'],
    );
    const attLabels = await env.get(`/wiki/api/v2/attachments/${A.deployChecklist.slice(3)}/labels`);
    assert.deepEqual(names(attLabels.body), ['checklist', 'ops']);

    const onBlog = await env.post('/wiki/rest/api/content/9200001/label', [{ prefix: 'global', name: 'news' }]);
    assert.equal(onBlog.status, 200);
    const blogLabels = await env.get('/wiki/api/v2/blogposts/9200001/labels?sort=-name');
    assert.deepEqual(names(blogLabels.body), ['weekly', 'news']);
  });

  test('POST label errors: 400 naming the field, 403 when restricted from editing, 404 unknown or hidden', async () => {
    const { post, emulator } = setup();
    const path = `/wiki/rest/api/content/${P.architecture}/label`;
    const badPrefix = await post(path, [
      { prefix: 'global', name: 'ok' },
      { prefix: 'space', name: 'x' },
    ]);
    assert.equal(badPrefix.status, 400);
    assert.equal(badPrefix.body.statusCode, 400);
    assert.match(badPrefix.body.message, /'\[1\]\.prefix' is not valid\. Allowed values: global, my, team/);
    const spaces = await post(path, [{ prefix: 'global', name: 'two words' }]);
    assert.equal(spaces.status, 400);
    assert.match(spaces.body.message, /'\[0\]\.name' "two words" contains a character/);
    const noName = await post(path, { prefix: 'global' });
    assert.match(noName.body.message, /'name' is required/);
    assert.equal((await post(path, [])).status, 400);
    assert.equal((await post(path, 'not json')).status, 400);
    assert.equal(
      (await post(path, [{ prefix: 'global', name: 'x'.repeat(256) }])).body.message,
      "'[0].name' is 256 characters long; the maximum is 255",
    );
    assert.deepEqual(emulator.state.pages.get(P.architecture)?.labels, ['architecture', 'design'], 'nothing added');

    const forbidden = await post(`/wiki/rest/api/content/${P.pricingFaq}/label`, [{ prefix: 'global', name: 'x' }]);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.reason, 'Forbidden');
    // Ada is not in the read restriction: for her the page does not exist.
    const hidden = await post(`/wiki/rest/api/content/${P.pricingFaq}/label`, [{ prefix: 'global', name: 'x' }], {
      auth: ADA_AUTH,
    });
    assert.equal(hidden.status, 404);
    assert.equal((await post('/wiki/rest/api/content/424242/label', [{ prefix: 'global', name: 'x' }])).status, 404);
    // The demo user's draft is invisible to Ada.
    assert.equal(
      (await post(`/wiki/rest/api/content/${P.q4Ideas}/label`, [{ prefix: 'global', name: 'x' }], { auth: ADA_AUTH }))
        .status,
      404,
    );
    assert.equal((await post('/wiki/rest/api/content/abc/label', [{ prefix: 'global', name: 'x' }])).status, 400);

    emulator.state.comments.set('777001', {
      id: '777001',
      kind: 'footer',
      containerType: 'page',
      containerId: P.architecture,
      status: 'current',
      title: 'Re: Architecture',
      authorId: U.ada.accountId,
      createdAt: FIXED_NOW.toISOString(),
      version: {
        number: 1,
        message: '',
        minorEdit: false,
        authorId: U.ada.accountId,
        createdAt: FIXED_NOW.toISOString(),
      },
      body: { representation: 'storage', value: '<p>hi</p>' },
    });
    const comment = await post('/wiki/rest/api/content/777001/label', [{ prefix: 'global', name: 'x' }]);
    assert.equal(comment.status, 400);
    assert.match(comment.body.message, /only be added to pages, blog posts and attachments/);
  });

  test('v2 label lists: sort, prefix filter, cursor paging, 400 and 404', async () => {
    const { get } = setup();
    const byName = await get(`/wiki/api/v2/pages/${P.paymentsRunbook}/labels?sort=name`);
    assert.deepEqual(names(byName.body), ['oncall', 'payments', 'runbook']);
    const desc = await get(`/wiki/api/v2/pages/${P.paymentsRunbook}/labels?sort=-name`);
    assert.deepEqual(names(desc.body), ['runbook', 'payments', 'oncall']);

    const first = await get(`/wiki/api/v2/pages/${P.paymentsRunbook}/labels?limit=2&sort=name`);
    assert.deepEqual(names(first.body), ['oncall', 'payments']);
    assert.ok(first.body._links.next);
    assert.match(first.headers.get('link') ?? '', /rel="next"/);
    const second = await get(first.body._links.next.replace(/^\/wiki/, '/wiki'));
    assert.deepEqual(names(second.body), ['runbook']);
    assert.equal(second.body._links.next, undefined);

    assert.equal((await get(`/wiki/api/v2/pages/${P.paymentsRunbook}/labels?prefix=bogus`)).status, 400);
    assert.equal((await get(`/wiki/api/v2/pages/${P.paymentsRunbook}/labels?sort=bogus`)).status, 400);
    assert.equal((await get(`/wiki/api/v2/pages/${P.paymentsRunbook}/labels?limit=0`)).status, 400);
    const notFound = await get('/wiki/api/v2/pages/424242/labels');
    assert.equal(notFound.status, 404);
    assert.equal(notFound.body.errors[0].code, 'NOT_FOUND');
    assert.equal((await get('/wiki/api/v2/pages/abc/labels')).status, 400);
    assert.equal((await get('/wiki/api/v2/blogposts/424242/labels')).status, 404);
    assert.equal((await get('/wiki/api/v2/attachments/424242/labels')).status, 404);
    assert.equal((await get(`/wiki/api/v2/pages/${P.pricingFaq}/labels`, { auth: ADA_AUTH })).status, 404);
    assert.equal((await get(`/wiki/api/v2/pages/${P.pricingFaq}/labels`)).status, 200);
  });

  test('GET /labels: every label of the site, filtered by id and prefix', async () => {
    const { get, emulator } = setup();
    const all = await get('/wiki/api/v2/labels?limit=250');
    assert.equal(all.body.results.length, emulator.state.labels.size);
    const runbook = emulator.state.labels.get('runbook')!;
    const one = await get(`/wiki/api/v2/labels?label-id=${runbook.id}`);
    assert.deepEqual(one.body.results, [{ id: runbook.id, name: 'runbook', prefix: 'global' }]);
    emulator.state.label('team:platform');
    const team = await get('/wiki/api/v2/labels?prefix=team');
    assert.deepEqual(names(team.body), ['platform']);
    assert.equal((await get('/wiki/api/v2/labels?label-id=abc')).status, 400);
    const bad = await get('/wiki/api/v2/labels?prefix=nope');
    assert.equal(bad.status, 400);
    assert.match(bad.body.errors[0].detail, /Allowed values: my, team, global, system/);
  });

  test('space labels and the labels of the content in a space', async () => {
    const env = setup();
    insertBlogPost(env, '9200002', 'Sales news', ['sales-news'], S.SALES.id);
    // A space category is a team label on the space.
    env.emulator.state.spaces.get(S.ENG.id)!.labels.push('team:platform');
    const space = await env.get(`/wiki/api/v2/spaces/${S.ENG.id}/labels`);
    assert.deepEqual(
      space.body.results.map((l: { prefix: string; name: string }) => `${l.prefix}:${l.name}`),
      ['global:engineering', 'team:platform'],
    );
    const team = await env.get(`/wiki/api/v2/spaces/${S.ENG.id}/labels?prefix=team`);
    assert.deepEqual(names(team.body), ['platform']);
    assert.equal((await env.get(`/wiki/api/v2/spaces/${S.ENG.id}/labels?prefix=global`)).status, 400);
    assert.equal((await env.get('/wiki/api/v2/spaces/424242/labels')).status, 404);

    const content = await env.get(`/wiki/api/v2/spaces/${S.SALES.id}/content/labels?sort=name`);
    assert.deepEqual(names(content.body), ['customer', 'faq', 'onboarding', 'playbook', 'pricing', 'sales-news']);
    // Ada cannot read the restricted Pricing FAQ: its labels are not hers to see.
    const ada = await env.get(`/wiki/api/v2/spaces/${S.SALES.id}/content/labels?sort=name`, { auth: ADA_AUTH });
    assert.deepEqual(names(ada.body), ['customer', 'onboarding', 'playbook', 'sales-news']);
    const eng = await env.get(`/wiki/api/v2/spaces/${S.ENG.id}/content/labels?limit=100`);
    assert.ok(names(eng.body).includes('checklist'), 'attachment labels count');
    assert.ok(!names(eng.body).includes('deployment'), 'labels of trashed pages do not');
    assert.equal((await env.get('/wiki/api/v2/spaces/424242/content/labels')).status, 404);
  });

  test('GET /label?name= resolves a name; /labels/{id}/blogposts lists the blog posts carrying it', async () => {
    const env = setup();
    insertBlogPost(env, '9200003', 'Week 1', ['digest-lm']);
    insertBlogPost(env, '9200005', 'Week 2', ['digest-lm'], S.SALES.id);
    insertBlogPost(env, '9200004', 'Unrelated', ['other-lm']);
    const label = await env.get('/wiki/rest/api/label?name=digest-lm');
    assert.equal(label.status, 200);
    const id = label.body.label.id;
    assert.equal(label.body.label.name, 'digest-lm');
    assert.deepEqual(
      label.body.associatedContents.results.map((r: { contentId: number }) => r.contentId),
      [9200003, 9200005],
    );
    const pagesOnly = await env.get('/wiki/rest/api/label?name=runbook&type=page');
    assert.equal(pagesOnly.body.associatedContents.size, 3);
    assert.equal((await env.get('/wiki/rest/api/label?name=no-such')).status, 404);
    assert.equal((await env.get('/wiki/rest/api/label')).status, 400);
    assert.equal((await env.get('/wiki/rest/api/label?name=runbook&type=space')).status, 400);

    const posts = await env.get(`/wiki/api/v2/labels/${id}/blogposts?body-format=storage`);
    assert.deepEqual(ids(posts.body), ['9200003', '9200005']);
    assert.equal(posts.body.results[0].body.storage.value, '<p>Week 1 body</p>');
    assert.match(posts.body.results[0]._links.webui, /\/spaces\/ENG\/blog\/\d{4}\/\d{2}\/\d{2}\/9200003\/Week\+1$/);
    const inSales = await env.get(`/wiki/api/v2/labels/${id}/blogposts?space-id=${S.SALES.id}`);
    assert.deepEqual(ids(inSales.body), ['9200005']);
    const byDate = await env.get(`/wiki/api/v2/labels/${id}/blogposts?sort=-created-date`);
    assert.deepEqual(ids(byDate.body), ['9200003', '9200005']);
    assert.equal((await env.get('/wiki/api/v2/labels/424242/blogposts')).status, 404);
    assert.equal((await env.get(`/wiki/api/v2/labels/${id}/blogposts?sort=title`)).status, 400);
  });
});

describe('attachments', () => {
  test('lists: default statuses, filters, per page, cursor paging and visibility', async () => {
    const { get, emulator } = setup();
    const all = await get('/wiki/api/v2/attachments');
    assert.deepEqual(ids(all.body), [A.deployChecklist, A.architectureDiagram, A.pricingSheet]);
    const csv = all.body.results[2];
    assert.equal(csv.pageId, P.pricingFaq);
    assert.equal(csv.mediaType, 'text/csv');
    assert.equal(csv.fileSize, emulator.state.attachments.get(A.pricingSheet)?.data.length);
    assert.match(
      csv.downloadLink,
      /^\/download\/attachments\/65549\/pricing-2026\.csv\?version=1&modificationDate=\d+/,
    );
    assert.equal(csv._links.download, csv.downloadLink);

    assert.deepEqual(ids((await get('/wiki/api/v2/attachments?status=trashed')).body), [A.oldNotes]);
    assert.deepEqual(ids((await get('/wiki/api/v2/attachments?mediaType=image/png')).body), [A.architectureDiagram]);
    assert.deepEqual(ids((await get('/wiki/api/v2/attachments?filename=deploy-checklist.txt')).body), [
      A.deployChecklist,
    ]);
    const newest = await get('/wiki/api/v2/attachments?sort=-created-date');
    assert.deepEqual(ids(newest.body), [A.pricingSheet, A.architectureDiagram, A.deployChecklist]);

    const first = await get('/wiki/api/v2/attachments?limit=2');
    assert.equal(first.body.results.length, 2);
    const rest = await get(first.body._links.next);
    assert.deepEqual(ids(rest.body), [A.pricingSheet]);

    const ada = await get('/wiki/api/v2/attachments', { auth: ADA_AUTH });
    assert.deepEqual(ids(ada.body), [A.deployChecklist, A.architectureDiagram], 'the restricted page hides its file');

    const page = await get(`/wiki/api/v2/pages/${P.architecture}/attachments`);
    assert.deepEqual(ids(page.body), [A.architectureDiagram]);
    assert.equal((await get(`/wiki/api/v2/pages/${P.pricingFaq}/attachments`, { auth: ADA_AUTH })).status, 404);
    assert.equal((await get('/wiki/api/v2/pages/424242/attachments')).status, 404);
    assert.equal((await get('/wiki/api/v2/attachments?status=gone')).status, 400);
    assert.equal((await get('/wiki/api/v2/attachments?sort=title')).status, 400);
    assert.equal((await get('/wiki/api/v2/attachments?limit=251')).body.results.length, 3, 'limit clamps to 250');
  });

  test('GET /attachments/{id} with att prefix or number, includes, 404', async () => {
    const { get } = setup();
    const one = await get(
      `/wiki/api/v2/attachments/${A.architectureDiagram}?include-labels=true&include-operations=true`,
    );
    assert.equal(one.status, 200);
    assert.equal(one.body.title, 'architecture-diagram.png');
    assert.deepEqual(
      one.body.labels.results.map((l: { name: string }) => l.name),
      ['diagram', 'architecture'],
    );
    assert.equal(one.body.version.number, 1);
    assert.ok(one.body._links.base);
    const numeric = await get(`/wiki/api/v2/attachments/${A.architectureDiagram.slice(3)}?include-version=false`);
    assert.equal(numeric.body.id, A.architectureDiagram);
    assert.equal(numeric.body.version, undefined);
    const ops = await get(`/wiki/api/v2/attachments/${A.pricingSheet}?include-operations=true`);
    assert.deepEqual(
      ops.body.operations.results.map((o: { operation: string }) => o.operation),
      ['read'],
      'the demo user may not edit the restricted page',
    );
    assert.equal((await get('/wiki/api/v2/attachments/att424242')).status, 404);
    assert.equal((await get('/wiki/api/v2/attachments/xyz')).status, 400);
    assert.equal((await get(`/wiki/api/v2/attachments/${A.pricingSheet}`, { auth: ADA_AUTH })).status, 404);
  });

  test('download answers 302 to a signed media URL that serves the exact bytes without credentials', async () => {
    const { get, emulator } = setup();
    const path = `/wiki/rest/api/content/${P.architecture}/child/attachment/${A.architectureDiagram}/download`;
    const redirect = await emulator.app.request(`${BASE}${path}`, { headers: { authorization: DEMO_AUTH } });
    assert.equal(redirect.status, 302);
    const location = new URL(redirect.headers.get('location')!);
    const stored = emulator.state.attachments.get(A.architectureDiagram)!;
    assert.equal(location.origin, 'http://localhost');
    assert.equal(location.pathname, `${BASE}${MEDIA_PREFIX}/file/${stored.fileId}/binary`);
    assert.equal(location.searchParams.get('name'), 'architecture-diagram.png');
    assert.equal(location.searchParams.get('dl'), 'true');

    const file = await emulator.app.request(location.href);
    assert.equal(file.status, 200, 'the token is the credential');
    assert.equal(file.headers.get('content-type'), 'image/png');
    assert.match(
      file.headers.get('content-disposition') ?? '',
      /^attachment; filename\*=UTF-8''architecture-diagram\.png$/,
    );
    const bytes = Buffer.from(await file.arrayBuffer());
    assert.ok(bytes.equals(stored.data));
    assert.equal(bytes.subarray(1, 4).toString('ascii'), 'PNG');

    // The token is bound to the file and signed; without it, or tampered with, there is nothing.
    const token = location.searchParams.get('token')!;
    const other = emulator.state.attachments.get(A.deployChecklist)!;
    const moved = await emulator.app.request(`${BASE}${MEDIA_PREFIX}/file/${other.fileId}/binary?token=${token}`);
    assert.equal(moved.status, 404);
    const [payload, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    const forged = `${Buffer.from(JSON.stringify({ ...claims, a: A.pricingSheet })).toString('base64url')}.${sig}`;
    assert.equal((await emulator.app.request(`${location.pathname}?token=${forged}`)).status, 401);
    const none = await emulator.app.request(location.pathname);
    assert.equal(none.status, 401);
    assert.match(await none.text(), /missing or invalid/);

    // Numeric attachment ids work; the container must be the right one.
    const numeric = await emulator.app.request(`${BASE}${path.replace('att131074', '131074')}`, {
      headers: { authorization: DEMO_AUTH },
    });
    assert.equal(numeric.status, 302);
    const wrong = await get(`/wiki/rest/api/content/${P.runbooks}/child/attachment/${A.architectureDiagram}/download`);
    assert.equal(wrong.status, 404);
    assert.equal(wrong.body.statusCode, 404);
    assert.equal((await get(`${path}?version=2`)).status, 400);
    assert.equal((await get(`${path}?version=x`)).status, 400);
    assert.equal((await get(path, { auth: null })).status, 401, 'the API route itself needs credentials');
    const trashed = `/wiki/rest/api/content/${P.runbooks}/child/attachment/${A.oldNotes}/download`;
    assert.equal((await get(trashed)).status, 404);
    const withStatus = await emulator.app.request(`${BASE}${trashed}?status=trashed`, {
      headers: { authorization: DEMO_AUTH },
    });
    assert.equal(withStatus.status, 302);
    const hidden = `/wiki/rest/api/content/${P.pricingFaq}/child/attachment/${A.pricingSheet}/download`;
    assert.equal((await get(hidden, { auth: ADA_AUTH })).status, 404);
  });

  test('media links expire, and die with a new version of the file', async () => {
    let now = FIXED_NOW.getTime();
    const emulator = createConfluenceEmulator({ now: () => new Date(now) });
    const path = `${BASE}/wiki/rest/api/content/${P.paymentsRunbook}/child/attachment/${A.deployChecklist}/download`;
    const link = async () =>
      (await emulator.app.request(path, { headers: { authorization: DEMO_AUTH } })).headers.get('location')!;
    const first = await link();
    now += MEDIA_TOKEN_TTL_MS - 1000;
    assert.equal((await emulator.app.request(first)).status, 200);
    now += 2000;
    const expired = await emulator.app.request(first);
    assert.equal(expired.status, 401);
    assert.match(await expired.text(), /expired/);

    const second = await link();
    emulator.state.attachments.get(A.deployChecklist)!.version.number = 2;
    assert.equal((await emulator.app.request(second)).status, 404);
  });
});

describe('tasks', () => {
  test('filters: status, ids, assignee, creator, completer, page OR blog post, date ranges, blank tasks', async () => {
    const { get, emulator } = setup();
    const all = await get('/wiki/api/v2/tasks');
    assert.deepEqual(ids(all.body), Object.values(T));
    assert.equal(all.body.results[0].body, undefined, 'no body unless asked');
    const complete = await get('/wiki/api/v2/tasks?status=complete');
    assert.deepEqual(ids(complete.body), [T.welcomeEmail, T.rootCause]);
    assert.equal(complete.body.results[0].completedBy, U.demo.accountId);
    assert.ok(complete.body.results[0].completedAt);
    assert.deepEqual(ids((await get(`/wiki/api/v2/tasks?assigned-to=${q(U.grace.accountId)}`)).body), [
      T.kickoffCall,
      T.rootCause,
      T.discountApproval,
    ]);
    assert.deepEqual(ids((await get(`/wiki/api/v2/tasks?created-by=${q(U.demo.accountId)}`)).body), [
      T.welcomeEmail,
      T.kickoffCall,
    ]);
    assert.deepEqual(ids((await get(`/wiki/api/v2/tasks?completed-by=${q(U.grace.accountId)}`)).body), [T.rootCause]);
    assert.deepEqual(ids((await get(`/wiki/api/v2/tasks?task-id=${T.rootCause}&task-id=${T.kickoffCall}`)).body), [
      T.kickoffCall,
      T.rootCause,
    ]);
    assert.deepEqual(ids((await get(`/wiki/api/v2/tasks?space-id=${S.SALES.id}`)).body), [
      T.welcomeEmail,
      T.kickoffCall,
      T.discountApproval,
    ]);
    assert.deepEqual(ids((await get(`/wiki/api/v2/tasks?page-id=${P.postmortem}&blogpost-id=424242`)).body), [
      T.certificateAlert,
      T.rootCause,
    ]);
    const now = FIXED_NOW.getTime();
    assert.deepEqual(ids((await get(`/wiki/api/v2/tasks?due-at-to=${now}`)).body), [T.rollbackDrill], 'overdue');
    assert.deepEqual(ids((await get(`/wiki/api/v2/tasks?created-at-from=${now - 5.5 * DAY}`)).body), [
      T.certificateAlert,
      T.rootCause,
    ]);
    assert.deepEqual(
      ids((await get(`/wiki/api/v2/tasks?completed-at-from=${now - 4.5 * DAY}&completed-at-to=${now}`)).body),
      [T.rootCause],
    );
    const withBody = await get(`/wiki/api/v2/tasks?task-id=${T.rootCause}&body-format=atlas_doc_format`);
    assert.equal(JSON.parse(withBody.body.results[0].body.atlas_doc_format.value).type, 'doc');

    emulator.state.tasks.set('163899', {
      ...emulator.state.tasks.get(T.rootCause)!,
      id: '163899',
      localId: '9',
      body: { representation: 'storage', value: '' },
    });
    assert.ok(ids((await get('/wiki/api/v2/tasks')).body).includes('163899'));
    assert.ok(!ids((await get('/wiki/api/v2/tasks?include-blank-tasks=false')).body).includes('163899'));

    const page = await get('/wiki/api/v2/tasks?limit=4');
    assert.equal(page.body.results.length, 4);
    assert.deepEqual(ids((await get(page.body._links.next)).body), [T.rollbackDrill, T.discountApproval, '163899']);

    const ada = await get('/wiki/api/v2/tasks', { auth: ADA_AUTH });
    assert.ok(!ids(ada.body).includes(T.discountApproval), 'tasks on pages Ada cannot read are hidden');

    for (const bad of ['status=done', 'task-id=x', 'due-at-from=yesterday', 'body-format=view', 'limit=0']) {
      const res = await get(`/wiki/api/v2/tasks?${bad}`);
      assert.equal(res.status, 400, bad);
      assert.equal(res.body.errors[0].code, 'INVALID_REQUEST_PARAMETER');
    }
  });

  test('PUT /tasks/{id}: completes and reopens, syncs the page body, validates, 404 when not editable', async () => {
    const { put, emulator } = setup();
    const done = await put(`/wiki/api/v2/tasks/${T.kickoffCall}?body-format=storage`, {
      id: T.kickoffCall,
      status: 'complete',
    });
    assert.equal(done.status, 200);
    assert.equal(done.body.status, 'complete');
    assert.equal(done.body.completedBy, U.demo.accountId);
    assert.equal(done.body.completedAt, FIXED_NOW.toISOString());
    assert.equal(done.body.updatedAt, FIXED_NOW.toISOString());
    assert.equal(done.body.body.storage.value, 'Schedule the kickoff call');
    const page = emulator.state.pages.get(P.customerOnboarding)!;
    assert.match(page.body.value, /<ac:task-id>2<\/ac:task-id><ac:task-status>complete<\/ac:task-status>/);
    assert.match(page.body.value, /<ac:task-id>1<\/ac:task-id><ac:task-status>complete<\/ac:task-status>/);

    const reopened = await put(`/wiki/api/v2/tasks/${T.welcomeEmail}`, { status: 'incomplete' });
    assert.equal(reopened.body.status, 'incomplete');
    assert.equal(reopened.body.completedBy, undefined);
    assert.equal(emulator.state.tasks.get(T.welcomeEmail)?.completedAt, undefined);
    assert.match(page.body.value, /<ac:task-id>1<\/ac:task-id><ac:task-status>incomplete<\/ac:task-status>/);

    const missing = await put(`/wiki/api/v2/tasks/${T.kickoffCall}`, { id: T.kickoffCall });
    assert.equal(missing.status, 400);
    assert.match(missing.body.errors[0].detail, /'status' is required/);
    const wrong = await put(`/wiki/api/v2/tasks/${T.kickoffCall}`, { status: 'done' });
    assert.match(wrong.body.errors[0].detail, /'status' is not valid\. Allowed values: complete, incomplete/);
    const mismatch = await put(`/wiki/api/v2/tasks/${T.kickoffCall}`, { id: '1', status: 'complete' });
    assert.equal(mismatch.status, 400);
    assert.equal((await put('/wiki/api/v2/tasks/424242', { status: 'complete' })).status, 404);
    assert.equal((await put('/wiki/api/v2/tasks/abc', { status: 'complete' })).status, 400);
    const restricted = await put(`/wiki/api/v2/tasks/${T.discountApproval}`, { status: 'complete' });
    assert.equal(restricted.status, 404);
    assert.equal(emulator.state.tasks.get(T.discountApproval)?.status, 'incomplete');
  });
});

describe('users', () => {
  test('anonymous user, with and without operations', async () => {
    const { get } = setup();
    const plain = await get('/wiki/rest/api/user/anonymous');
    assert.equal(plain.body.type, 'anonymous');
    assert.deepEqual(plain.body._expandable, { operations: '' });
    const ops = await get('/wiki/rest/api/user/anonymous?expand=operations');
    assert.deepEqual(ops.body.operations, []);
    const bad = await get('/wiki/rest/api/user/anonymous?expand=personalSpace');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.statusCode, 400);
  });

  test('user search: fullname prefix, account ids, NOT, OR, paging, permission filter, CQL errors', async () => {
    const { get } = setup();
    const search = (cql: string, extra = '') => get(`/wiki/rest/api/search/user?cql=${q(cql)}${extra}`);
    const names = (body: { results: { user: { displayName: string } }[] }) =>
      body.results.map((r) => r.user.displayName);
    assert.deepEqual(names((await search('type=user AND user.fullname~"gra"')).body), ['Grace Hopper']);
    assert.deepEqual(names((await search('user.fullname ~ lov')).body), ['Ada Lovelace']);
    assert.deepEqual(names((await search('user.fullname ~ "demo us"')).body), ['Demo User']);
    assert.deepEqual(names((await search('type = user')).body), ['Ada Lovelace', 'Demo User', 'Grace Hopper']);
    assert.deepEqual(names((await search(`user = "${U.ada.accountId}"`)).body), ['Ada Lovelace']);
    assert.deepEqual(
      names((await search(`type = user AND user.accountid NOT IN ("${U.ada.accountId}", "${U.demo.accountId}")`)).body),
      ['Grace Hopper'],
    );
    assert.deepEqual(names((await search('user.fullname ~ ada OR user.fullname ~ grace')).body), [
      'Ada Lovelace',
      'Grace Hopper',
    ]);
    assert.deepEqual(names((await search('NOT (user.fullname ~ ada)')).body), ['Demo User', 'Grace Hopper']);
    assert.deepEqual(names((await search('user.fullname = "grace hopper"')).body), ['Grace Hopper']);

    const first = await search('type = user', '&limit=2');
    assert.equal(first.body.totalSize, 3);
    assert.equal(first.body.size, 2);
    assert.match(first.body._links.next, /^\/rest\/api\/search\/user\?.*start=2/);
    const second = await search('type = user', '&limit=2&start=2');
    assert.deepEqual(names(second.body), ['Grace Hopper']);
    assert.equal(second.body._links.next, undefined);
    assert.equal(second.body.results[0].entityType, 'user');

    assert.equal((await search('type = user', '&sitePermissionTypeFilter=externalCollaborator')).body.size, 0);
    assert.equal((await search('type = user', '&sitePermissionTypeFilter=bogus')).status, 400);
    assert.equal((await search('type = user', '&start=-1')).status, 400);

    const missing = await get('/wiki/rest/api/search/user');
    assert.equal(missing.status, 400);
    const field = await search('space = ENG');
    assert.equal(field.status, 400);
    assert.equal(field.body.data.errors[0].message.key, 'cql.parse.error');
    assert.match(field.body.message, /supports the fields type, user, user.accountid and user.fullname/);
    assert.match((await search('type = page')).body.message, /only finds users/);
    assert.match((await search('user ~ ada')).body.message, /operator '~' is not supported for 'user'/);
    assert.match((await search('user.fullname ~ "ada')).body.message, /unterminated string/);
    assert.match((await search('user IN ("a"')).body.message, /expected '\)'/);
  });

  test('parseUserCql builds the expected tree', () => {
    assert.deepEqual(parseUserCql('type = user and user.fullname ~ "x"'), {
      type: 'and',
      left: { type: 'clause', field: 'type', op: '=', values: ['user'] },
      right: { type: 'clause', field: 'user.fullname', op: '~', values: ['x'] },
    });
    assert.throws(() => parseUserCql('type = user extra'), /unexpected 'extra'/);
  });
});

describe('content search (v1 /content/search)', () => {
  test('CQL over pages and blog posts, answered as Content; expand; cursor paging; restrictions; errors', async () => {
    const env = setup();
    const { get } = env;
    insertBlogPost(env, '9200006', 'Quarterly update', ['quarterly-lm']);
    const search = (cql: string, extra = '', auth?: string) =>
      get(`/wiki/rest/api/content/search?cql=${q(cql)}${extra}`, auth ? { auth } : {});

    const runbooks = await search('label = runbook ORDER BY id', '&expand=body.storage,version,space');
    assert.equal(runbooks.status, 200);
    assert.deepEqual(ids(runbooks.body), [P.runbooks, P.paymentsRunbook, P.searchRunbook]);
    const first = runbooks.body.results[0];
    assert.equal(first.type, 'page');
    assert.equal(first.space.key, 'ENG');
    assert.match(first.body.storage.value, /^<p>One runbook per service/);
    assert.equal(first.version.number, 1);

    const blog = await search('type = blogpost AND label = "quarterly-lm"');
    assert.equal(blog.body.results[0].type, 'blogpost');
    assert.match(blog.body.results[0]._links.webui, /\/blog\//);

    const page1 = await search('label = runbook ORDER BY id', '&limit=2');
    assert.deepEqual(ids(page1.body), [P.runbooks, P.paymentsRunbook]);
    assert.match(page1.body._links.next, /^\/rest\/api\/content\/search\?.*cursor=/);
    const cursor = new URL(page1.body._links.next, 'http://x').searchParams.get('cursor')!;
    const page2 = await search('label = runbook ORDER BY id', `&limit=2&cursor=${cursor}`);
    assert.deepEqual(ids(page2.body), [P.searchRunbook]);
    assert.equal(page2.body._links.next, undefined);

    assert.deepEqual(ids((await search('label = pricing')).body), [P.pricingFaq]);
    assert.deepEqual(ids((await search('label = pricing', '', ADA_AUTH)).body), [], 'restricted from Ada');
    const trashed = await search('label = deployment', `&cqlcontext=${q('{"contentStatuses":["trashed"]}')}`);
    assert.deepEqual(ids(trashed.body), [P.legacyDeployment]);
    const inSpace = await search('label = onboarding', `&cqlcontext=${q('{"spaceKey":"SALES"}')}`);
    assert.deepEqual(ids(inSpace.body), [P.customerOnboarding]);

    const invalid = await search('label = ');
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.data.errors[0].message.key, 'cql.parse.error');
    assert.equal((await get('/wiki/rest/api/content/search')).status, 400);
    assert.equal((await search('type = page', '&cursor=%%%')).status, 400);
    assert.equal((await search('type = page', '&cqlcontext=nope')).status, 400);
  });
});

describe('audit log', () => {
  test('admins read it newest first with date, text and offset paging; others get 403', async () => {
    const { get, emulator } = setup();
    const all = await get('/wiki/rest/api/audit');
    assert.equal(all.status, 200);
    assert.equal(all.body.size, 6);
    const dates = all.body.results.map((r: { creationDate: number }) => r.creationDate);
    assert.deepEqual(
      dates,
      [...dates].sort((a: number, b: number) => b - a),
    );
    assert.equal(all.body.results[0].summary, 'API token created');
    assert.equal(all.body._links.next, undefined);

    const page = await get('/wiki/rest/api/audit?limit=4');
    assert.equal(page.body.size, 4);
    assert.match(page.body._links.next, /^\/rest\/api\/audit\?.*start=4/);
    const rest = await get('/wiki/rest/api/audit?limit=4&start=4');
    assert.deepEqual(
      rest.body.results.map((r: { summary: string }) => r.summary),
      ['Space created', 'Space created'],
    );

    const now = FIXED_NOW.getTime();
    const recent = await get(`/wiki/rest/api/audit?startDate=${now - 10 * DAY}&endDate=${now}`);
    assert.deepEqual(
      recent.body.results.map((r: { summary: string }) => r.summary),
      ['API token created', 'Content restrictions changed'],
    );
    const text = await get(`/wiki/rest/api/audit?searchString=${q('SALES-TEAM')}`);
    assert.deepEqual(
      text.body.results.map((r: { category: string }) => r.category),
      ['Permissions', 'Users and groups'],
    );
    assert.equal((await get('/wiki/rest/api/audit?startDate=yesterday')).status, 400);
    assert.equal((await get('/wiki/rest/api/audit?start=-1')).status, 400);

    emulator.state.registerAccessToken('grace-token', U.grace.accountId);
    const denied = await get('/wiki/rest/api/audit', { auth: 'Bearer grace-token' });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.reason, 'Forbidden');
    assert.match(denied.body.message, /administrators/);
  });
});

describe('content restrictions', () => {
  test('read and update restrictions with users and groups; paging; content; errors', async () => {
    const { get } = setup();
    const r = await get(`/wiki/rest/api/content/${P.pricingFaq}/restriction`);
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.results.map((x: { operation: string }) => x.operation),
      ['read', 'update'],
    );
    const [read, update] = r.body.results;
    assert.deepEqual(
      read.restrictions.user.results.map((u: { accountId: string }) => u.accountId),
      [U.demo.accountId, U.grace.accountId],
    );
    assert.equal(read.restrictions.group.results[0].name, 'sales-team');
    assert.match(read.restrictions.group.results[0].id, /^[0-9a-f]{8}-[0-9a-f]{4}-/);
    assert.deepEqual(
      update.restrictions.user.results.map((u: { displayName: string }) => u.displayName),
      ['Grace Hopper'],
    );
    assert.equal(read._expandable.content, `/rest/api/content/${P.pricingFaq}`);
    assert.match(r.body.restrictionsHash, /^[0-9a-f]{64}$/);

    const paged = await get(`/wiki/rest/api/content/${P.pricingFaq}/restriction?limit=1&start=1`);
    assert.deepEqual(
      paged.body.results[0].restrictions.user.results.map((u: { accountId: string }) => u.accountId),
      [U.grace.accountId],
    );
    assert.equal(paged.body.results[0].restrictions.group.size, 0);

    const withContent = await get(`/wiki/rest/api/content/${P.pricingFaq}/restriction?expand=content`);
    assert.equal(withContent.body.results[0].content.title, 'Pricing FAQ');
    const att = await get(`/wiki/rest/api/content/${A.deployChecklist}/restriction?expand=content`);
    assert.equal(att.body.results[0].content.type, 'attachment');

    const open = await get(`/wiki/rest/api/content/${P.architecture}/restriction`);
    assert.deepEqual(
      open.body.results.map((x: { restrictions: { user: { size: number } } }) => x.restrictions.user.size),
      [0, 0],
    );
    assert.notEqual(open.body.restrictionsHash, r.body.restrictionsHash);

    assert.equal((await get(`/wiki/rest/api/content/${P.pricingFaq}/restriction`, { auth: ADA_AUTH })).status, 404);
    assert.equal((await get('/wiki/rest/api/content/424242/restriction')).status, 404);
    assert.equal((await get('/wiki/rest/api/content/abc/restriction')).status, 400);
    assert.equal((await get(`/wiki/rest/api/content/${P.architecture}/restriction?expand=bogus`)).status, 400);
  });

  test('read restrictions of an ancestor page apply to its descendants; update needs read', () => {
    const { emulator } = setup();
    const st = emulator.state;
    st.restrictions.set(`${P.runbooks}:read`, {
      contentId: P.runbooks,
      operation: 'read',
      userIds: [U.grace.accountId],
      groupNames: [],
    });
    assert.equal(st.restrictionAllows(P.paymentsRunbook, U.demo.accountId, 'read'), false);
    assert.equal(st.restrictionAllows(P.paymentsRunbook, U.demo.accountId, 'update'), false);
    assert.equal(st.restrictionAllows(A.deployChecklist, U.demo.accountId, 'read'), false, 'attachments follow');
    assert.equal(st.restrictionAllows(P.paymentsRunbook, U.grace.accountId, 'update'), true);
    assert.equal(st.restrictionAllows(P.architecture, U.demo.accountId, 'read'), true);
  });
});

describe('seed', () => {
  test('deterministic, restored by reset, and only seeded with content', async () => {
    const a = setup().emulator.state;
    const b = setup().emulator.state;
    const dump = (s: typeof a) =>
      JSON.stringify({
        attachments: [...s.attachments.values()].map((x) => ({ ...x, data: x.data.toString('base64') })),
        tasks: [...s.tasks.values()],
        restrictions: [...s.restrictions.values()],
        audit: s.auditRecords,
        labels: [...s.labels.values()],
      });
    assert.equal(dump(a), dump(b));
    assert.equal(a.users.get(U.demo.accountId)?.siteAdmin, true);
    assert.equal(a.users.get(U.grace.accountId)?.siteAdmin, undefined);

    const env = setup();
    await env.put(`/wiki/api/v2/tasks/${T.kickoffCall}`, { status: 'complete' });
    await env.post(`/wiki/rest/api/content/${P.architecture}/label`, [{ prefix: 'global', name: 'temp' }]);
    env.emulator.reset();
    assert.equal(env.emulator.state.tasks.get(T.kickoffCall)?.status, 'incomplete');
    assert.ok(!env.emulator.state.pages.get(P.architecture)?.labels.includes('temp'));
    assert.equal(dump(env.emulator.state), dump(a));

    const empty = setup({ seed: false }).emulator.state;
    assert.equal(empty.attachments.size + empty.tasks.size + empty.auditRecords.length, 0);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Contract: every field these routes return is declared in the OpenAPI response schema.

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
}
interface Spec {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
}
const specPath = (name: string) => fileURLToPath(new URL(`../../../shared/specs/${name}`, import.meta.url));
const loadSpec = (name: string) =>
  existsSync(specPath(name)) ? (JSON.parse(readFileSync(specPath(name), 'utf8')) as Spec) : undefined;

function parts(spec: Spec, s: Schema): Schema[] {
  let cur = s;
  while (cur.$ref) cur = spec.components.schemas[cur.$ref.replace('#/components/schemas/', '')]!;
  return [cur, ...[...(cur.allOf ?? []), ...(cur.oneOf ?? []), ...(cur.anyOf ?? [])].flatMap((x) => parts(spec, x))];
}

function undeclared(spec: Spec, schemas: Schema[], value: unknown, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object') return;
  const ps = schemas.flatMap((s) => parts(spec, s));
  if (Array.isArray(value)) {
    const items = ps.flatMap((p) => (p.items ? [p.items] : []));
    value.forEach((v, i) => {
      undeclared(spec, items, v, `${path}[${i}]`, out);
    });
    return;
  }
  const open = ps.some((p) => p.additionalProperties === true || typeof p.additionalProperties === 'object');
  for (const [k, v] of Object.entries(value)) {
    const subs = ps.flatMap((p) => (p.properties?.[k] ? [p.properties[k]] : []));
    if (subs.length === 0) {
      if (!open) out.push(`${path}.${k}`);
      continue;
    }
    undeclared(spec, subs, v, `${path}.${k}`, out);
  }
}

function conforms(spec: Spec, path: string, method: string, body: unknown): void {
  const schema = spec.paths[path]?.[method]?.responses['200']?.content?.['application/json']?.schema;
  assert.ok(schema, `${method} ${path} has a JSON 200 response in the spec`);
  const out: string[] = [];
  undeclared(spec, [schema], body, '$', out);
  assert.deepEqual(out, [], `${method.toUpperCase()} ${path}: fields not in the spec`);
}

describe('contract with the OpenAPI documents', () => {
  const v2 = loadSpec('confluence-v2.openapi.json');
  const v1 = loadSpec('confluence-v1.openapi.json');

  test('v2 responses only use declared fields', async (t) => {
    if (!v2) return t.skip('specs not found: contract test skipped');
    const selfCheck: string[] = [];
    undeclared(v2, [{ $ref: '#/components/schemas/Task' }], { id: '1', bogus: 1 }, '$', selfCheck);
    assert.deepEqual(selfCheck, ['$.bogus'], 'the checker catches an undeclared field');
    const env = setup();
    const { get, put } = env;
    insertBlogPost(env, '9200007', 'Contract post', ['contract-lm']);
    const ok = async (path: string) => {
      const r = await get(path);
      assert.equal(r.status, 200, path);
      return r.body;
    };
    conforms(v2, '/labels', 'get', await ok('/wiki/api/v2/labels?limit=2'));
    conforms(v2, '/pages/{id}/labels', 'get', await ok(`/wiki/api/v2/pages/${P.paymentsRunbook}/labels?limit=1`));
    conforms(v2, '/blogposts/{id}/labels', 'get', await ok('/wiki/api/v2/blogposts/9200007/labels'));
    conforms(v2, '/spaces/{id}/labels', 'get', await ok(`/wiki/api/v2/spaces/${S.ENG.id}/labels`));
    conforms(v2, '/spaces/{id}/content/labels', 'get', await ok(`/wiki/api/v2/spaces/${S.ENG.id}/content/labels`));
    conforms(v2, '/attachments/{id}/labels', 'get', await ok('/wiki/api/v2/attachments/131074/labels'));
    const labelId = env.emulator.state.labels.get('contract-lm')!.id;
    conforms(
      v2,
      '/labels/{id}/blogposts',
      'get',
      await ok(`/wiki/api/v2/labels/${labelId}/blogposts?body-format=storage`),
    );
    conforms(v2, '/attachments', 'get', await ok('/wiki/api/v2/attachments?limit=1'));
    conforms(v2, '/pages/{id}/attachments', 'get', await ok(`/wiki/api/v2/pages/${P.architecture}/attachments`));
    conforms(
      v2,
      '/attachments/{id}',
      'get',
      await ok(
        `/wiki/api/v2/attachments/${A.architectureDiagram}?include-labels=true&include-operations=true&include-versions=true&include-properties=true`,
      ),
    );
    conforms(v2, '/tasks', 'get', await ok('/wiki/api/v2/tasks?limit=3&body-format=storage'));
    const updated = await put(`/wiki/api/v2/tasks/${T.kickoffCall}?body-format=storage`, { status: 'complete' });
    conforms(v2, '/tasks/{id}', 'put', updated.body);
  });

  test('v1 responses only use declared fields', async (t) => {
    if (!v1) return t.skip('specs not found: contract test skipped');
    const env = setup();
    const { get, post } = env;
    insertBlogPost(env, '9200008', 'Contract post', ['contract-lm']);
    const ok = async (path: string) => {
      const r = await get(path);
      assert.equal(r.status, 200, path);
      return r.body;
    };
    const added = await post(`/wiki/rest/api/content/${P.architecture}/label`, [{ prefix: 'global', name: 'c' }]);
    conforms(v1, '/wiki/rest/api/content/{id}/label', 'post', added.body);
    conforms(v1, '/wiki/rest/api/label', 'get', await ok('/wiki/rest/api/label?name=runbook'));
    conforms(v1, '/wiki/rest/api/user/anonymous', 'get', await ok('/wiki/rest/api/user/anonymous?expand=operations'));
    conforms(v1, '/wiki/rest/api/user/anonymous', 'get', await ok('/wiki/rest/api/user/anonymous'));
    conforms(
      v1,
      '/wiki/rest/api/search/user',
      'get',
      await ok(`/wiki/rest/api/search/user?cql=${q('type=user')}&limit=2`),
    );
    conforms(
      v1,
      '/wiki/rest/api/content/search',
      'get',
      await ok(
        `/wiki/rest/api/content/search?cql=${q('label = runbook OR label = "contract-lm"')}&limit=3&expand=body.storage,version,space,history,ancestors,metadata.labels`,
      ),
    );
    conforms(v1, '/wiki/rest/api/audit', 'get', await ok('/wiki/rest/api/audit?limit=2'));
    conforms(
      v1,
      '/wiki/rest/api/content/{id}/restriction',
      'get',
      await ok(`/wiki/rest/api/content/${P.pricingFaq}/restriction?expand=content`),
    );
    conforms(
      v1,
      '/wiki/rest/api/content/{id}/restriction',
      'get',
      await ok('/wiki/rest/api/content/9200008/restriction?expand=content'),
    );
  });
});
