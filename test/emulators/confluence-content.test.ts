/**
 * The content group of the Confluence emulator: blog posts, versions, likes, operations, page hierarchy, comments and
 * space contents, against the content seed (CONTENT_SEED) and the v2 OpenAPI document's response schemas.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CONFLUENCE_DEMO_USER, CONFLUENCE_SEED } from '../../src/emulators/confluence/index.ts';
import { CONTENT_SEED } from '../../src/emulators/confluence/routes-content.ts';
import { ADA_AUTH, cqlUrl, FIXED_NOW, SITE_BASE, setup } from './helpers.ts';

const V2 = '/wiki/api/v2';
const C = CONTENT_SEED;
const MKT = C.space;
const P = CONFLUENCE_SEED.pages;
const S = CONFLUENCE_SEED.spaces;
const DEMO = CONFLUENCE_DEMO_USER.accountId;
const ADA = CONFLUENCE_SEED.users.ada.accountId;
const GRACE = CONFLUENCE_SEED.users.grace.accountId;

const ids = (body: { results: { id: string }[] }) => body.results.map((r) => r.id);
const byId = (a: string, b: string) => Number(a) - Number(b);

// ---------------------------------------------------------------------------------------------------------------
// A small checker against the v2 OpenAPI document: every field the emulator returns is declared in the schema of the
// operation's success response. (The same idea as confluence-contract.test.ts, which only knows 200 responses.)

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
const SPEC_PATH = fileURLToPath(new URL('../../../shared/specs/confluence-v2.openapi.json', import.meta.url));
const spec: Spec | undefined = existsSync(SPEC_PATH) ? JSON.parse(readFileSync(SPEC_PATH, 'utf8')) : undefined;

function flatten(s: Schema): Schema[] {
  let cur = s;
  while (cur.$ref) cur = spec!.components.schemas[cur.$ref.replace('#/components/schemas/', '')]!;
  const out = [cur];
  for (const sub of [...(cur.allOf ?? []), ...(cur.oneOf ?? []), ...(cur.anyOf ?? [])]) out.push(...flatten(sub));
  return out;
}

function undeclared(schemas: Schema[], value: unknown, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object') return;
  const parts = schemas.flatMap(flatten);
  if (Array.isArray(value)) {
    const items = parts.flatMap((p) => (p.items ? [p.items] : []));
    value.forEach((v, i) => {
      undeclared(items, v, `${path}[${i}]`, out);
    });
    return;
  }
  const open = parts.some((p) => p.additionalProperties === true || typeof p.additionalProperties === 'object');
  for (const [key, v] of Object.entries(value)) {
    const subs = parts.flatMap((p) => (p.properties?.[key] ? [p.properties[key]] : []));
    if (subs.length === 0) {
      if (!open) out.push(`${path}.${key}`);
      continue;
    }
    undeclared(subs, v, `${path}.${key}`, out);
  }
}

function assertConforms(path: string, method: string, status: string, body: unknown) {
  const op = spec!.paths[path]?.[method];
  assert.ok(op, `${method} ${path} is in the spec`);
  const schema = op.responses[status]?.content?.['application/json']?.schema;
  assert.ok(schema, `${method} ${path} has a JSON ${status} response`);
  const out: string[] = [];
  undeclared([schema], body, '$', out);
  assert.deepEqual(out, [], `${method.toUpperCase()} ${path}: fields not in the spec`);
}

describe('content group: contract with the v2 OpenAPI document', () => {
  test('every response uses declared fields only', async (t) => {
    if (!spec) return t.skip(`spec not found at ${SPEC_PATH}`);
    const { get, post, put } = setup();
    const B = C.blogposts.partnerProgram;
    const cases: [string, string][] = [
      [`/blogposts?body-format=storage&limit=2`, '/blogposts'],
      [
        `/blogposts/${B}?body-format=view&include-labels=true&include-properties=true&include-operations=true&include-likes=true&include-versions=true&include-favorited-by-current-user-status=true`,
        '/blogposts/{id}',
      ],
      [`/blogposts/${C.blogposts.teamMeetingQ3Kickoff}/versions?body-format=storage`, '/blogposts/{id}/versions'],
      [
        `/blogposts/${C.blogposts.teamMeetingQ3Kickoff}/versions/2`,
        '/blogposts/{blogpost-id}/versions/{version-number}',
      ],
      [`/pages/${C.pages.q3Planning}/versions/2`, '/pages/{page-id}/versions/{version-number}'],
      [`/blogposts/${B}/likes/count`, '/blogposts/{id}/likes/count'],
      [`/pages/${C.pages.q3Planning}/likes/count`, '/pages/{id}/likes/count'],
      [`/blogposts/${B}/operations`, '/blogposts/{id}/operations'],
      [`/pages/${C.pages.q3Planning}/operations`, '/pages/{id}/operations'],
      [`/blogposts/${B}/footer-comments?body-format=storage`, '/blogposts/{id}/footer-comments'],
      [`/blogposts/${B}/inline-comments?body-format=atlas_doc_format`, '/blogposts/{id}/inline-comments'],
      [`/pages/${C.pages.q3CampaignCalendar}/ancestors`, '/pages/{id}/ancestors'],
      [`/pages/${C.pages.marketingHome}/direct-children`, '/pages/{id}/direct-children'],
      [`/pages/${C.pages.marketingHome}/children`, '/pages/{id}/children'],
      [`/pages/${C.pages.q3Planning}/versions?body-format=storage`, '/pages/{id}/versions'],
      [`/pages/${C.pages.q3Planning}/footer-comments?body-format=storage`, '/pages/{id}/footer-comments'],
      [`/pages/${C.pages.q3Planning}/inline-comments?body-format=storage`, '/pages/{id}/inline-comments'],
      [`/footer-comments/${C.comments.q3Webinar}/children?body-format=storage`, '/footer-comments/{id}/children'],
      [`/spaces/${MKT.id}/pages?body-format=storage`, '/spaces/{id}/pages'],
      [`/spaces/${MKT.id}/blogposts?body-format=storage`, '/spaces/{id}/blogposts'],
    ];
    for (const [url, path] of cases) {
      const res = await get(`${V2}${url}`);
      assert.equal(res.status, 200, `${url}: ${JSON.stringify(res.body)}`);
      assertConforms(path, 'get', '200', res.body);
    }

    const created = await post(`${V2}/blogposts`, {
      spaceId: MKT.id,
      title: 'Contract post',
      body: { representation: 'storage', value: '<p>hi</p>' },
    });
    assert.equal(created.status, 200);
    assertConforms('/blogposts', 'post', '200', created.body);
    const updated = await put(`${V2}/blogposts/${created.body.id}`, {
      id: created.body.id,
      status: 'current',
      title: 'Contract post 2',
      body: { representation: 'storage', value: '<p>hello</p>' },
      version: { number: 2 },
    });
    assert.equal(updated.status, 200);
    assertConforms('/blogposts/{id}', 'put', '200', updated.body);
    const comment = await post(`${V2}/footer-comments`, {
      parentCommentId: C.comments.q3Webinar,
      body: { representation: 'storage', value: '<p>reply</p>' },
    });
    assert.equal(comment.status, 201);
    assertConforms('/footer-comments', 'post', '201', comment.body);
  });
});

describe('content seed', () => {
  test('a Marketing space with a page tree, a blog, comments and likes', () => {
    const { emulator } = setup();
    const { state } = emulator;
    const space = state.spaceByKey('MKT');
    assert.equal(space?.id, MKT.id);
    assert.equal(space?.homepageId, C.pages.marketingHome);
    for (const id of Object.values(C.pages)) assert.equal(state.pages.get(id)?.spaceId, MKT.id, id);
    for (const id of Object.values(C.blogposts)) assert.equal(state.blogposts.get(id)?.spaceId, MKT.id, id);
    for (const id of Object.values(C.comments)) assert.ok(state.comments.has(id), id);
    const q3 = state.pages.get(C.pages.q3Planning)!;
    assert.equal(q3.version.number, 4);
    assert.deepEqual(new Set(state.versions(q3).map((v) => v.authorId)), new Set([GRACE, ADA, DEMO]));
    const authors = new Set([...state.blogposts.values()].map((b) => b.authorId));
    assert.deepEqual(authors, new Set([GRACE, ADA, DEMO]), 'a blog with posts from several users');
    assert.equal(state.likes.get(C.pages.q3Planning)?.size, 3);
    // Inline comments point at text that is in the page body, inside their marker.
    for (const com of state.comments.values()) {
      if (com.kind !== 'inline') continue;
      const host =
        com.containerType === 'page' ? state.pages.get(com.containerId) : state.blogposts.get(com.containerId);
      assert.ok(
        host?.body.value.includes(`ac:ref="${com.inlineMarkerRef}">${com.textSelection}</ac:inline-comment-marker>`),
        com.id,
      );
    }
  });

  test('deterministic: the same ids and dates after a reset', () => {
    const { emulator } = setup();
    const before = JSON.stringify([...emulator.state.comments.values()]);
    emulator.reset();
    assert.equal(JSON.stringify([...emulator.state.comments.values()]), before);
  });
});

describe('blog posts', () => {
  test('list: current posts by id; filters; sort; body-format; drafts and the trash stay out', async () => {
    const { get } = setup();
    const all = await get(`${V2}/blogposts`);
    assert.equal(all.status, 200);
    assert.deepEqual(ids(all.body), [
      C.blogposts.welcome,
      C.blogposts.springResults,
      C.blogposts.teamMeetingQ3Kickoff,
      C.blogposts.partnerProgram,
    ]);
    assert.equal(all.body._links.base, SITE_BASE);
    const first = all.body.results[0];
    assert.deepEqual(Object.keys(first), [
      'id',
      'status',
      'title',
      'spaceId',
      'authorId',
      'createdAt',
      'version',
      '_links',
    ]);
    assert.equal(first.body, undefined, 'no body unless body-format is given');
    assert.match(
      first._links.webui,
      /^\/spaces\/MKT\/blog\/\d{4}\/\d{2}\/\d{2}\/65621\/Welcome\+to\+the\+Marketing\+Blog$/,
    );
    assert.equal(first._links.webui.split('/').slice(4, 7).join('-'), first.createdAt.slice(0, 10));

    const newest = await get(`${V2}/blogposts?sort=-created-date&limit=1`);
    assert.deepEqual(ids(newest.body), [C.blogposts.partnerProgram]);
    const modified = await get(`${V2}/blogposts?sort=-modified-date`);
    assert.equal(modified.body.results[0].id, C.blogposts.teamMeetingQ3Kickoff, 'its third version is the newest');
    assert.deepEqual(ids((await get(`${V2}/blogposts?space-id=${S.ENG.id}`)).body), []);
    assert.equal((await get(`${V2}/blogposts?space-id=${MKT.id},${S.ENG.id}`)).body.results.length, 4);
    assert.deepEqual(ids((await get(`${V2}/blogposts?title=Spring Campaign Results`)).body), [
      C.blogposts.springResults,
    ]);
    assert.deepEqual(
      ids((await get(`${V2}/blogposts?id=${C.blogposts.welcome}&id=${C.blogposts.brandRefreshDraft}`)).body),
      [C.blogposts.welcome],
    );
    assert.deepEqual(ids((await get(`${V2}/blogposts?status=trashed`)).body), [C.blogposts.tradeShowRecap]);
    const withBody = await get(`${V2}/blogposts?id=${C.blogposts.welcome}&body-format=storage`);
    assert.match(withBody.body.results[0].body.storage.value, /^<p>This blog is where/);
    const adf = await get(`${V2}/blogposts?id=${C.blogposts.welcome}&body-format=atlas_doc_format`);
    assert.equal(JSON.parse(adf.body.results[0].body.atlas_doc_format.value).type, 'doc');
  });

  test('list: limit + cursor through _links.next and the Link header', async () => {
    const { get } = setup();
    const seen: string[] = [];
    let url: string | undefined = `${V2}/blogposts?limit=3`;
    let pages = 0;
    while (url) {
      const res = await get(url);
      assert.equal(res.status, 200);
      pages += 1;
      seen.push(...ids(res.body));
      const next: string | undefined = res.body._links.next;
      if (next) assert.equal(res.headers.get('link'), `<${next}>; rel="next", <${SITE_BASE}>; rel="base"`);
      url = next;
    }
    assert.equal(pages, 2);
    assert.equal(seen.length, 4);
    const forged = await get(`${V2}/blogposts?cursor=bm9wZQ`);
    assert.equal(forged.status, 400);
  });

  test('list: bad parameters are 400s naming the parameter', async () => {
    const { get } = setup();
    for (const [q, name] of [
      ['sort=title', 'sort'],
      ['status=draft', 'status'],
      ['status=archived', 'status'],
      ['body-format=view', 'body-format'],
      ['space-id=MKT', 'space-id'],
      ['id=abc', 'id'],
      ['limit=0', 'limit'],
    ] as const) {
      const res = await get(`${V2}/blogposts?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.errors[0].code, 'INVALID_REQUEST_PARAMETER');
      assert.match(res.body.errors[0].detail, new RegExp(`'${name}'`), q);
    }
  });

  test('get by id: body formats, historical versions, include-* fields; drafts, trash and unknown ids', async () => {
    const { get } = setup();
    const B = C.blogposts.partnerProgram;
    const post = await get(`${V2}/blogposts/${B}?body-format=view`);
    assert.equal(post.status, 200);
    assert.equal(post.body.title, 'Announcing the Partner Program');
    assert.equal(post.body.authorId, GRACE);
    assert.equal(post.body._links.base, SITE_BASE);
    assert.match(post.body.body.view.value, /three launch partners/);
    assert.doesNotMatch(post.body.body.view.value, /ac:/, 'markers are rendered away');

    const rich = await get(
      `${V2}/blogposts/${B}?include-labels=true&include-likes=true&include-versions=true&include-operations=true&include-properties=true`,
    );
    assert.deepEqual(
      rich.body.labels.results.map((l: { name: string }) => l.name),
      ['announcement', 'partners'],
    );
    assert.deepEqual(
      rich.body.likes.results.map((l: { accountId: string }) => l.accountId).sort(),
      [ADA, DEMO, GRACE].sort(),
    );
    assert.deepEqual(
      rich.body.versions.results.map((v: { number: number }) => v.number),
      [1],
    );
    assert.deepEqual(
      rich.body.operations.results.map((o: { operation: string }) => o.operation),
      ['read', 'update', 'delete'],
    );
    assert.deepEqual(rich.body.properties.results, []);

    const T = C.blogposts.teamMeetingQ3Kickoff;
    const v1 = await get(`${V2}/blogposts/${T}?version=1&body-format=storage`);
    assert.equal(v1.body.status, 'historical');
    assert.equal(v1.body.version.number, 1);
    assert.doesNotMatch(v1.body.body.storage.value, /Action items/);
    const v3 = await get(`${V2}/blogposts/${T}?version=3`);
    assert.equal(v3.body.status, 'current');
    assert.equal((await get(`${V2}/blogposts/${T}?version=9`)).status, 404);
    assert.equal((await get(`${V2}/blogposts/${T}?include-version=false`)).body.version, undefined);

    const D = C.blogposts.brandRefreshDraft;
    assert.equal((await get(`${V2}/blogposts/${D}`)).status, 404, 'a draft needs get-draft');
    assert.equal((await get(`${V2}/blogposts/${D}?get-draft=true`)).body.status, 'draft');
    assert.equal((await get(`${V2}/blogposts/${D}?get-draft=true`, { auth: ADA_AUTH })).status, 404, "another's draft");
    const draftLink = (await get(`${V2}/blogposts/${D}?get-draft=true`)).body._links.webui;
    assert.equal(draftLink, `/spaces/MKT/blog/edit-v2/${D}`);

    const X = C.blogposts.tradeShowRecap;
    assert.equal((await get(`${V2}/blogposts/${X}`)).status, 404);
    assert.equal((await get(`${V2}/blogposts/${X}?status=trashed`)).body.status, 'trashed');

    const missing = await get(`${V2}/blogposts/999999`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.errors[0].code, 'NOT_FOUND');
    assert.equal((await get(`${V2}/blogposts/${P.architecture}`)).status, 404, 'a page id is not a blog post');
    const bad = await get(`${V2}/blogposts/abc`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.errors[0].detail, /'id'/);
    for (const q of ['body-format=html', 'status=archived', 'include-likes=yes', 'version=x', 'get-draft=1']) {
      assert.equal((await get(`${V2}/blogposts/${B}?${q}`)).status, 400, q);
    }
  });

  test('create: published, private, draft; backdated; the errors', async () => {
    const { get, post, emulator } = setup();
    const created = await post(`${V2}/blogposts`, {
      spaceId: MKT.id,
      title: 'Weekly Marketing Sync',
      body: { representation: 'storage', value: '<p>Notes</p>' },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const b = created.body;
    assert.equal(b.status, 'current');
    assert.equal(b.spaceId, MKT.id);
    assert.equal(b.authorId, DEMO);
    assert.equal(b.createdAt, FIXED_NOW.toISOString());
    assert.equal(b.version.number, 1);
    assert.equal(b.body.storage.value, '<p>Notes</p>');
    assert.equal(b._links.webui, `/spaces/MKT/blog/2026/06/17/${b.id}/Weekly+Marketing+Sync`);
    assert.equal(emulator.state.blogposts.get(b.id)?.title, 'Weekly Marketing Sync');
    assert.equal((await get(`${V2}/blogposts/${b.id}`)).status, 200);

    const nested = await post(`${V2}/blogposts`, {
      spaceId: Number(MKT.id),
      title: 'ADF post',
      body: { atlas_doc_format: { value: JSON.stringify({ type: 'doc', version: 1, content: [] }) } },
    });
    assert.equal(nested.status, 200);
    assert.ok(nested.body.body.atlas_doc_format);

    const secret = await post(`${V2}/blogposts?private=true`, { spaceId: MKT.id, title: 'Just me' });
    assert.equal(secret.status, 200);
    assert.equal((await get(`${V2}/blogposts/${secret.body.id}`)).status, 200);
    assert.equal((await get(`${V2}/blogposts/${secret.body.id}`, { auth: ADA_AUTH })).status, 404);

    const draft = await post(`${V2}/blogposts`, { spaceId: MKT.id, status: 'draft' });
    assert.equal(draft.status, 200);
    assert.equal(draft.body.status, 'draft');
    assert.equal(draft.body.title, '');

    const backdated = await post(`${V2}/blogposts`, {
      spaceId: MKT.id,
      title: 'From the archive',
      createdAt: '2026-01-15T10:00:00.000Z',
    });
    assert.equal(backdated.body.createdAt, '2026-01-15T10:00:00.000Z');
    assert.match(backdated.body._links.webui, /\/blog\/2026\/01\/15\//);

    for (const [body, status, detail] of [
      [{ title: 'x' }, 400, /'spaceId' is required/],
      [{ spaceId: 'MKT', title: 'x' }, 400, /'spaceId'/],
      [{ spaceId: MKT.id }, 400, /'title' is required/],
      [{ spaceId: MKT.id, title: '  ' }, 400, /'title' cannot be empty/],
      [{ spaceId: MKT.id, title: 'x', status: 'archived' }, 400, /'status'/],
      [{ spaceId: MKT.id, title: 'x', body: { representation: 'wiki', value: 'h1. x' } }, 400, /wiki/],
      [{ spaceId: MKT.id, title: 'x', createdAt: 'yesterday' }, 400, /'createdAt'/],
      [{ spaceId: '123', title: 'x' }, 404, /No space with id 123/],
    ] as const) {
      const res = await post(`${V2}/blogposts`, body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.match(res.body.errors[0].detail, detail);
    }
    assert.equal((await post(`${V2}/blogposts`, '{nope')).status, 400);
  });

  test('update: the next version; history kept; stale versions are 409; drafts publish as 1; restore', async () => {
    const { get, put, emulator } = setup();
    const T = C.blogposts.teamMeetingQ3Kickoff;
    const edit = (version: unknown, extra: Record<string, unknown> = {}) =>
      put(`${V2}/blogposts/${T}`, {
        id: T,
        status: 'current',
        title: 'Team Meeting Summary: Q3 Kickoff (final)',
        body: { representation: 'storage', value: '<p>Final notes.</p>' },
        version,
        ...extra,
      });
    const ok = await edit({ number: 4, message: 'Final' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.version.number, 4);
    assert.equal(ok.body.version.message, 'Final');
    assert.equal(ok.body.version.authorId, DEMO);
    assert.equal(ok.body.authorId, DEMO);
    const stored = emulator.state.blogposts.get(T)!;
    assert.equal(stored.history.length, 3);
    assert.equal((await get(`${V2}/blogposts/${T}?version=3`)).body.title, 'Team Meeting Summary: Q3 Kickoff');

    const stale = await edit({ number: 4 });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.errors[0].code, 'CONFLICT');
    assert.match(stale.body.errors[0].detail, /Current Version: \[4\]\. Provided version: \[4\]/);
    assert.equal((await edit({ number: 9 })).status, 409);

    for (const [extra, detail] of [
      [{ version: undefined }, /'version' is required/],
      [{ title: undefined }, /'title' is required/],
      [{ body: undefined }, /'body' is required/],
      [{ id: C.blogposts.welcome }, /does not match/],
      [{ version: { message: 'x' } }, /'version.number'/],
      [{ spaceId: S.ENG.id }, /different space/],
      [{ status: 'draft' }, /back into a draft/],
    ] as const) {
      const res = await edit({ number: 5 }, extra);
      assert.equal(res.status, 400, JSON.stringify(extra));
      assert.match(res.body.errors[0].detail, detail);
    }
    assert.equal((await put(`${V2}/blogposts/999999`, { id: '999999' })).status, 404);
    assert.equal((await put(`${V2}/blogposts/${T}`, { id: T }, { auth: ADA_AUTH })).status, 400, 'visible to Ada');

    const D = C.blogposts.brandRefreshDraft;
    const publish = (number: number) =>
      put(`${V2}/blogposts/${D}`, {
        id: D,
        status: 'current',
        title: 'Brand Refresh Teaser',
        body: { representation: 'storage', value: '<p>Coming soon.</p>' },
        version: { number },
      });
    assert.equal((await publish(2)).status, 409);
    const published = await publish(1);
    assert.equal(published.status, 200);
    assert.equal(published.body.status, 'current');
    assert.equal(published.body.version.number, 1);

    const X = C.blogposts.tradeShowRecap;
    const restored = await put(`${V2}/blogposts/${X}`, {
      id: X,
      status: 'current',
      title: 'ignored',
      body: { representation: 'storage', value: '<p>ignored</p>' },
      version: { number: 2 },
    });
    assert.equal(restored.status, 200);
    assert.equal(restored.body.status, 'current');
    assert.equal(restored.body.title, 'Event Recap: Trade Show', 'restoring only changes the status');
  });
});

describe('versions, likes, operations', () => {
  test('page versions: newest first, sortable, paged, with the page and its body', async () => {
    const { get } = setup();
    const Q = C.pages.q3Planning;
    const all = await get(`${V2}/pages/${Q}/versions`);
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.results.map((v: { number: number }) => v.number),
      [4, 3, 2, 1],
    );
    const latest = all.body.results[0];
    assert.equal(latest.authorId, GRACE);
    assert.equal(latest.message, 'Finalize the channel mix');
    assert.equal(latest.minorEdit, false);
    assert.deepEqual(latest.page, { id: Q, title: 'Q3 Planning' });
    assert.equal(all.body.results[3].page.title, 'Q3 planning', 'each version keeps its own title');
    const asc = await get(`${V2}/pages/${Q}/versions?sort=modified-date&body-format=storage&limit=2`);
    assert.deepEqual(
      asc.body.results.map((v: { number: number }) => v.number),
      [1, 2],
    );
    assert.doesNotMatch(asc.body.results[0].page.body.storage.value, /Budget/);
    assert.match(asc.body.results[1].page.body.storage.value, /Budget/);
    const rest = await get(asc.body._links.next);
    assert.deepEqual(
      rest.body.results.map((v: { number: number }) => v.number),
      [3, 4],
    );
    assert.equal((await get(`${V2}/pages/${Q}/versions?sort=number`)).status, 400);
    assert.equal((await get(`${V2}/pages/${P.q4Ideas}/versions`, { auth: ADA_AUTH })).status, 404, "another's draft");
    assert.equal((await get(`${V2}/pages/999999/versions`)).status, 404);

    const blog = await get(`${V2}/blogposts/${C.blogposts.teamMeetingQ3Kickoff}/versions?limit=1`);
    assert.deepEqual(Object.keys(blog.body.results[0]).at(-1), 'blogpost');
    assert.ok(blog.body._links.next);
  });

  test('version details: neighbours, collaborators; unknown version 404; bad number 400', async () => {
    const { get } = setup();
    const T = C.blogposts.teamMeetingQ3Kickoff;
    const mid = await get(`${V2}/blogposts/${T}/versions/2`);
    assert.equal(mid.status, 200);
    assert.deepEqual(mid.body, {
      number: 2,
      authorId: GRACE,
      message: 'Add the action items',
      createdAt: mid.body.createdAt,
      minorEdit: false,
      contentTypeModified: false,
      collaborators: [GRACE],
      prevVersion: 1,
      nextVersion: 3,
    });
    const first = await get(`${V2}/blogposts/${T}/versions/1`);
    assert.equal(first.body.prevVersion, undefined);
    assert.equal(first.body.nextVersion, 2);
    assert.equal((await get(`${V2}/blogposts/${T}/versions/3`)).body.nextVersion, undefined);
    const none = await get(`${V2}/blogposts/${T}/versions/7`);
    assert.equal(none.status, 404);
    assert.match(none.body.errors[0].detail, /no version 7/);
    const bad = await get(`${V2}/blogposts/${T}/versions/latest`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.errors[0].detail, /'version-number'/);
    assert.equal((await get(`${V2}/blogposts/x/versions/1`)).status, 400);
    assert.equal((await get(`${V2}/pages/${C.pages.q3Planning}/versions/4`)).body.prevVersion, 3);
  });

  test('like counts and operations (an update restriction leaves read only)', async () => {
    const { get, emulator } = setup();
    const count = async (url: string, auth?: string) => (await get(`${V2}${url}`, { auth })).body.count;
    assert.equal(await count(`/pages/${C.pages.q3Planning}/likes/count`), 3);
    assert.equal(await count(`/pages/${P.postmortem}/likes/count`), 2);
    assert.equal(await count(`/pages/${P.architecture}/likes/count`), 0);
    assert.equal(await count(`/blogposts/${C.blogposts.partnerProgram}/likes/count`), 3);
    assert.equal(await count(`/blogposts/${C.blogposts.springResults}/likes/count`), 0);
    assert.equal((await get(`${V2}/blogposts/${P.architecture}/likes/count`)).status, 404);
    assert.equal((await get(`${V2}/pages/${C.blogposts.welcome}/likes/count`)).status, 404);
    assert.equal((await get(`${V2}/pages/abc/likes/count`)).status, 400);
    emulator.state.addLike(P.architecture, DEMO);
    emulator.state.addLike(P.architecture, DEMO);
    assert.equal(await count(`/pages/${P.architecture}/likes/count`), 1, 'a like is once per account');

    const B = C.blogposts.welcome;
    const ops = await get(`${V2}/blogposts/${B}/operations`);
    assert.deepEqual(ops.body, {
      operations: [
        { operation: 'read', targetType: 'blogpost' },
        { operation: 'update', targetType: 'blogpost' },
        { operation: 'delete', targetType: 'blogpost' },
      ],
    });
    emulator.state.restrictions.set(`${B}:update`, {
      contentId: B,
      operation: 'update',
      userIds: [ADA],
      groupNames: [],
    });
    assert.deepEqual((await get(`${V2}/blogposts/${B}/operations`)).body, {
      operations: [{ operation: 'read', targetType: 'blogpost' }],
    });
    assert.equal((await get(`${V2}/blogposts/${B}/operations`, { auth: ADA_AUTH })).body.operations.length, 3);
    assert.equal(
      (await get(`${V2}/blogposts/${C.blogposts.brandRefreshDraft}/operations`, { auth: ADA_AUTH })).status,
      404,
    );
    assert.equal((await get(`${V2}/pages/${P.architecture}/operations`)).body.operations[0].targetType, 'page');
  });
});

describe('page hierarchy', () => {
  test('ancestors: top-level first; limit keeps the nearest; none for a root page', async () => {
    const { get } = setup();
    const res = await get(`${V2}/pages/${C.pages.q3CampaignCalendar}/ancestors`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.results, [
      { id: C.pages.marketingHome, type: 'page' },
      { id: C.pages.q3Planning, type: 'page' },
    ]);
    assert.equal(res.body._links.base, SITE_BASE);
    assert.deepEqual((await get(`${V2}/pages/${C.pages.q3CampaignCalendar}/ancestors?limit=1`)).body.results, [
      { id: C.pages.q3Planning, type: 'page' },
    ]);
    assert.deepEqual((await get(`${V2}/pages/${P.paymentsRunbook}/ancestors`)).body.results, [
      { id: P.engHome, type: 'page' },
      { id: P.runbooks, type: 'page' },
    ]);
    assert.deepEqual((await get(`${V2}/pages/${C.pages.marketingHome}/ancestors`)).body.results, []);
    assert.equal((await get(`${V2}/pages/999999/ancestors`)).status, 404);
    assert.equal((await get(`${V2}/pages/${C.pages.q3Planning}/ancestors?limit=0`)).status, 400);
  });

  test("direct children: tree order, whiteboards too, sortable, paged; trash and others' drafts left out", async () => {
    const { get, emulator } = setup();
    const home = await get(`${V2}/pages/${C.pages.marketingHome}/direct-children`);
    assert.equal(home.status, 200);
    assert.deepEqual(home.body.results, [
      {
        id: C.pages.q3Planning,
        status: 'current',
        title: 'Q3 Planning',
        type: 'page',
        spaceId: MKT.id,
        childPosition: 0,
      },
      {
        id: C.pages.brandGuidelines,
        status: 'current',
        title: 'Brand Guidelines',
        type: 'page',
        spaceId: MKT.id,
        childPosition: 1,
      },
      {
        id: C.pages.marketingTeam,
        status: 'current',
        title: 'Marketing Team',
        type: 'page',
        spaceId: MKT.id,
        childPosition: 2,
      },
    ]);
    const byTitle = await get(`${V2}/pages/${C.pages.marketingHome}/direct-children?sort=-title`);
    assert.deepEqual(
      byTitle.body.results.map((r: { title: string }) => r.title),
      ['Q3 Planning', 'Marketing Team', 'Brand Guidelines'],
    );
    const paged = await get(`${V2}/pages/${C.pages.marketingHome}/direct-children?limit=2`);
    assert.equal(paged.body.results.length, 2);
    assert.equal((await get(paged.body._links.next)).body.results[0].id, C.pages.marketingTeam);

    const eng = ids((await get(`${V2}/pages/${P.engHome}/direct-children?limit=250`)).body);
    assert.ok(!eng.includes(P.legacyDeployment), 'trashed children are not listed');
    assert.equal((await get(`${V2}/pages/${P.personalHome}/direct-children`, { auth: ADA_AUTH })).status, 200);
    assert.ok(
      !ids((await get(`${V2}/pages/${P.personalHome}/direct-children`, { auth: ADA_AUTH })).body).includes(P.q4Ideas),
      "another user's draft is not listed",
    );

    const now = FIXED_NOW.toISOString();
    emulator.state.whiteboards.set('777001', {
      id: '777001',
      spaceId: MKT.id,
      status: 'current',
      title: 'Launch brainstorm',
      parentId: C.pages.q3Planning,
      parentType: 'page',
      authorId: DEMO,
      ownerId: DEMO,
      createdAt: now,
      version: { number: 1, message: '', minorEdit: false, authorId: DEMO, createdAt: now },
      private: false,
    });
    const q3 = await get(`${V2}/pages/${C.pages.q3Planning}/direct-children`);
    assert.deepEqual(
      q3.body.results.map((r: { id: string; type: string }) => [r.id, r.type]),
      [
        [C.pages.q3CampaignCalendar, 'page'],
        ['777001', 'whiteboard'],
      ],
    );
    const legacy = await get(`${V2}/pages/${C.pages.q3Planning}/children`);
    assert.deepEqual(legacy.body.results, [
      {
        id: C.pages.q3CampaignCalendar,
        status: 'current',
        title: 'Q3 Campaign Calendar',
        spaceId: MKT.id,
        childPosition: 0,
      },
    ]);
    assert.equal(
      (await get(`${V2}/pages/${C.pages.q3Planning}/children?sort=title`)).status,
      400,
      'not a /children sort',
    );
    assert.equal((await get(`${V2}/pages/${C.pages.q3Planning}/direct-children?sort=size`)).status, 400);
    assert.equal((await get(`${V2}/pages/999999/direct-children`)).status, 404);
  });
});

describe('comments', () => {
  test('page footer comments: roots only, oldest first, current by default; status and sort', async () => {
    const { get } = setup();
    const Q = C.pages.q3Planning;
    const res = await get(`${V2}/pages/${Q}/footer-comments?body-format=storage`);
    assert.equal(res.status, 200);
    assert.deepEqual(ids(res.body), [C.comments.q3Webinar, C.comments.q3BudgetApproved]);
    const c0 = res.body.results[0];
    assert.deepEqual(Object.keys(c0), ['id', 'status', 'title', 'pageId', 'version', 'body', '_links']);
    assert.equal(c0.pageId, Q);
    assert.equal(c0.title, 'Re: Q3 Planning');
    assert.equal(c0.version.authorId, ADA);
    assert.match(c0.body.storage.value, /webinar series/);
    assert.equal(c0._links.webui, `/spaces/MKT/pages/${Q}/Q3+Planning?focusedCommentId=${c0.id}#comment-${c0.id}`);
    assert.equal((await get(`${V2}/pages/${Q}/footer-comments`)).body.results[0].body, undefined);
    assert.deepEqual(ids((await get(`${V2}/pages/${Q}/footer-comments?sort=-created-date`)).body), [
      C.comments.q3BudgetApproved,
      C.comments.q3Webinar,
    ]);
    assert.deepEqual(ids((await get(`${V2}/pages/${Q}/footer-comments?status=trashed`)).body), [
      C.comments.q3Duplicate,
    ]);
    assert.deepEqual(ids((await get(`${V2}/pages/${P.postmortem}/footer-comments`)).body), [
      C.comments.postmortemFollowUp,
    ]);
    assert.deepEqual((await get(`${V2}/pages/${P.architecture}/footer-comments`)).body.results, []);
    for (const q of ['status=open', 'sort=title', 'body-format=view', 'limit=-1']) {
      const bad = await get(`${V2}/pages/${Q}/footer-comments?${q}`);
      assert.equal(bad.status, 400, q);
    }
    assert.equal((await get(`${V2}/pages/${P.q4Ideas}/footer-comments`, { auth: ADA_AUTH })).status, 404);
  });

  test('replies: GET /footer-comments/{id}/children', async () => {
    const { get } = setup();
    const res = await get(`${V2}/footer-comments/${C.comments.q3Webinar}/children?body-format=storage`);
    assert.equal(res.status, 200);
    assert.deepEqual(ids(res.body), [C.comments.q3WebinarReplyGrace, C.comments.q3WebinarReplyDemo]);
    assert.equal(res.body.results[0].parentCommentId, C.comments.q3Webinar);
    assert.equal(res.body.results[0].pageId, undefined);
    assert.deepEqual((await get(`${V2}/footer-comments/${C.comments.q3BudgetApproved}/children`)).body.results, []);
    assert.equal((await get(`${V2}/footer-comments/${C.comments.q3InlineLaunchDate}/children`)).status, 404);
    assert.equal((await get(`${V2}/footer-comments/999999/children`)).status, 404);
  });

  test('inline comments: resolution status and the highlighted text; on pages and blog posts', async () => {
    const { get } = setup();
    const Q = C.pages.q3Planning;
    const res = await get(`${V2}/pages/${Q}/inline-comments?body-format=storage`);
    assert.equal(res.status, 200);
    assert.deepEqual(ids(res.body), [C.comments.q3InlineLaunchDate, C.comments.q3InlinePaidSocial]);
    const open = res.body.results[0];
    assert.equal(open.resolutionStatus, 'open');
    assert.deepEqual(open.properties, {
      inlineMarkerRef: C.inlineMarkers.q3LaunchDate,
      inlineOriginalSelection: 'partner program launch in July',
    });
    assert.deepEqual(ids((await get(`${V2}/pages/${Q}/inline-comments?resolution-status=resolved`)).body), [
      C.comments.q3InlinePaidSocial,
    ]);
    assert.deepEqual(ids((await get(`${V2}/pages/${Q}/inline-comments?resolution-status=open,reopened`)).body), [
      C.comments.q3InlineLaunchDate,
    ]);
    assert.equal((await get(`${V2}/pages/${Q}/inline-comments?resolution-status=closed`)).status, 400);

    const blog = await get(`${V2}/blogposts/${C.blogposts.partnerProgram}/inline-comments`);
    assert.deepEqual(ids(blog.body), [C.comments.partnerInlineNames]);
    assert.equal(blog.body.results[0].blogPostId, C.blogposts.partnerProgram);
    assert.equal(blog.body.results[0].properties.inlineOriginalSelection, 'three launch partners');
    assert.match(blog.body.results[0]._links.webui, /^\/spaces\/MKT\/blog\/.*\?focusedCommentId=65652/);
    assert.equal(
      (await get(`${V2}/blogposts/${C.blogposts.partnerProgram}/inline-comments?status=archived`)).status,
      400,
    );
    assert.deepEqual(ids((await get(`${V2}/blogposts/${C.blogposts.partnerProgram}/footer-comments`)).body), [
      C.comments.partnerQuestion,
    ]);
    assert.equal(
      (await get(`${V2}/blogposts/${C.blogposts.brandRefreshDraft}/inline-comments`, { auth: ADA_AUTH })).status,
      404,
    );
  });

  test('create a footer comment on a page, a blog post, an attachment, or as a reply (201)', async () => {
    const { get, post, emulator } = setup();
    const body = { representation: 'storage', value: '<p>Looks good to me.</p>' };
    const onPage = await post(`${V2}/footer-comments`, { pageId: C.pages.brandGuidelines, body });
    assert.equal(onPage.status, 201, JSON.stringify(onPage.body));
    assert.equal(onPage.body.pageId, C.pages.brandGuidelines);
    assert.equal(onPage.body.title, 'Re: Brand Guidelines');
    assert.equal(onPage.body.version.authorId, DEMO);
    assert.equal(onPage.body.body.storage.value, '<p>Looks good to me.</p>');
    assert.equal(onPage.body._links.base, SITE_BASE);
    assert.deepEqual(ids((await get(`${V2}/pages/${C.pages.brandGuidelines}/footer-comments`)).body), [onPage.body.id]);

    const reply = await post(`${V2}/footer-comments`, { parentCommentId: C.comments.q3BudgetApproved, body });
    assert.equal(reply.status, 201);
    assert.equal(reply.body.parentCommentId, C.comments.q3BudgetApproved);
    assert.equal(reply.body.pageId, C.pages.q3Planning);
    assert.deepEqual(ids((await get(`${V2}/footer-comments/${C.comments.q3BudgetApproved}/children`)).body), [
      reply.body.id,
    ]);
    assert.ok(
      !ids((await get(`${V2}/pages/${C.pages.q3Planning}/footer-comments`)).body).includes(reply.body.id),
      'a reply is not a root comment',
    );
    const nested = await post(`${V2}/footer-comments`, { parentCommentId: reply.body.id, body });
    assert.equal(nested.status, 201, 'replies to replies are allowed');

    const onBlog = await post(`${V2}/footer-comments`, {
      blogPostId: Number(C.blogposts.welcome),
      body: { storage: { value: '<p>Subscribed!</p>', representation: 'storage' } },
    });
    assert.equal(onBlog.status, 201);
    assert.equal(onBlog.body.blogPostId, C.blogposts.welcome);

    const now = FIXED_NOW.toISOString();
    emulator.state.attachments.set('att777002', {
      id: 'att777002',
      containerType: 'page',
      containerId: C.pages.brandGuidelines,
      status: 'current',
      title: 'logo.svg',
      mediaType: 'image/svg+xml',
      comment: '',
      fileId: 'file-777002',
      createdAt: now,
      authorId: GRACE,
      version: { number: 1, message: '', minorEdit: false, authorId: GRACE, createdAt: now },
      data: Buffer.from('<svg/>'),
      labels: [],
    });
    const onAttachment = await post(`${V2}/footer-comments`, { attachmentId: 'att777002', body });
    assert.equal(onAttachment.status, 201, JSON.stringify(onAttachment.body));
    assert.equal(onAttachment.body.attachmentId, 'att777002');
    assert.equal(emulator.state.comments.get(onAttachment.body.id)?.containerType, 'attachment');
    assert.equal(
      (await post(`${V2}/footer-comments`, { attachmentId: '777002', body })).status,
      201,
      'att is optional',
    );
  });

  test('create a footer comment: the errors', async () => {
    const { post } = setup();
    const body = { representation: 'storage', value: '<p>x</p>' };
    for (const [payload, status, detail] of [
      [{ body }, 400, /One of 'pageId', 'blogPostId'/],
      [
        { pageId: C.pages.q3Planning, parentCommentId: C.comments.q3Webinar, body },
        400,
        /Give only one .*'pageId' and 'parentCommentId'/,
      ],
      [{ pageId: C.pages.q3Planning }, 400, /'body' is required/],
      [{ pageId: C.pages.q3Planning, body: { representation: 'storage', value: '<p> </p>' } }, 400, /cannot be empty/],
      [{ pageId: C.pages.q3Planning, body: { representation: 'html', value: 'x' } }, 400, /'body.representation'/],
      [{ pageId: 'Q3', body }, 400, /'pageId'/],
      [{ attachmentId: 'logo.svg', body }, 400, /attachment id/],
      [{ pageId: '999999', body }, 404, /No current page with id 999999/],
      [{ pageId: P.legacyDeployment, body }, 404, /No current page/],
      [{ blogPostId: C.blogposts.tradeShowRecap, body }, 404, /No current blog post/],
      [{ attachmentId: 'att999999', body }, 404, /No current attachment/],
      [{ customContentId: '5', body }, 404, /custom content/],
      [{ parentCommentId: C.comments.q3InlineLaunchDate, body }, 400, /inline comment/],
      [{ parentCommentId: C.comments.q3Duplicate, body }, 404, /No current comment/],
    ] as const) {
      const res = await post(`${V2}/footer-comments`, payload);
      assert.equal(res.status, status, JSON.stringify(payload));
      assert.match(res.body.errors[0].detail, detail, JSON.stringify(payload));
    }
    const hidden = await post(`${V2}/footer-comments`, { pageId: P.q4Ideas, body }, { auth: ADA_AUTH });
    assert.equal(hidden.status, 404, "another user's draft");
  });
});

describe('space contents', () => {
  test('pages of a space: all or root only, filters, sort, paging', async () => {
    const { get } = setup();
    const all = await get(`${V2}/spaces/${MKT.id}/pages`);
    assert.equal(all.status, 200);
    assert.deepEqual(ids(all.body), Object.values(C.pages).sort(byId));
    assert.equal(all.body.results[1].parentId, C.pages.marketingHome);
    assert.deepEqual(ids((await get(`${V2}/spaces/${MKT.id}/pages?depth=root`)).body), [C.pages.marketingHome]);
    assert.deepEqual(ids((await get(`${V2}/spaces/${S.ENG.id}/pages?depth=root`)).body), [P.engHome]);
    assert.deepEqual(ids((await get(`${V2}/spaces/${S.ENG.id}/pages?status=trashed`)).body), [P.legacyDeployment]);
    assert.deepEqual(ids((await get(`${V2}/spaces/${MKT.id}/pages?title=Brand Guidelines`)).body), [
      C.pages.brandGuidelines,
    ]);
    const byTitle = await get(`${V2}/spaces/${MKT.id}/pages?sort=title&limit=2&body-format=storage`);
    assert.deepEqual(
      byTitle.body.results.map((p: { title: string }) => p.title),
      ['Brand Guidelines', 'Marketing Home'],
    );
    assert.ok(byTitle.body.results[0].body.storage.value);
    assert.deepEqual(
      (await get(byTitle.body._links.next)).body.results.map((p: { title: string }) => p.title),
      ['Marketing Team', 'Q3 Campaign Calendar'],
    );
    assert.ok(!ids((await get(`${V2}/spaces/${S.PERSONAL.id}/pages`, { auth: ADA_AUTH })).body).includes(P.q4Ideas));
    for (const q of ['depth=children', 'sort=size', 'status=draft', 'body-format=view']) {
      assert.equal((await get(`${V2}/spaces/${MKT.id}/pages?${q}`)).status, 400, q);
    }
    assert.equal((await get(`${V2}/spaces/999999/pages`)).status, 404);
    assert.equal((await get(`${V2}/spaces/MKT/pages`)).status, 400);
  });

  test('blog posts of a space', async () => {
    const { get } = setup();
    const res = await get(`${V2}/spaces/${MKT.id}/blogposts?sort=-created-date`);
    assert.equal(res.status, 200);
    assert.deepEqual(ids(res.body), [
      C.blogposts.partnerProgram,
      C.blogposts.teamMeetingQ3Kickoff,
      C.blogposts.springResults,
      C.blogposts.welcome,
    ]);
    assert.deepEqual((await get(`${V2}/spaces/${S.ENG.id}/blogposts`)).body.results, []);
    assert.deepEqual(ids((await get(`${V2}/spaces/${MKT.id}/blogposts?status=trashed`)).body), [
      C.blogposts.tradeShowRecap,
    ]);
    assert.equal((await get(`${V2}/spaces/${MKT.id}/blogposts?sort=title`)).status, 400);
    assert.equal((await get(`${V2}/spaces/999999/blogposts`)).status, 404);
  });
});

describe('CQL search finds blog posts', () => {
  test('type = blogpost, with the blog post shape and links', async () => {
    const { get, post } = setup();
    const res = await get(cqlUrl('type = blogpost AND space = MKT ORDER BY created DESC', '&expand=content.space'));
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.results.map((r: { content: { id: string } }) => r.content.id),
      [C.blogposts.partnerProgram, C.blogposts.teamMeetingQ3Kickoff, C.blogposts.springResults, C.blogposts.welcome],
    );
    const r = res.body.results[0];
    assert.equal(r.content.type, 'blogpost');
    assert.equal(r.content.space.key, 'MKT');
    assert.equal(r.iconCssClass, 'aui-icon content-type-blogpost');
    assert.match(r.url, /^\/spaces\/MKT\/blog\/\d{4}\/\d{2}\/\d{2}\/65624\/Announcing\+the\+Partner\+Program$/);
    assert.equal(r.content._links.webui, r.url);

    const words = await get(cqlUrl('text ~ "integrations directory"'));
    assert.deepEqual(
      words.body.results.map((x: { content: { id: string } }) => x.content.id),
      [C.blogposts.partnerProgram],
    );
    const label = await get(cqlUrl('label = announcement ORDER BY created'));
    assert.deepEqual(
      label.body.results.map((x: { content: { id: string } }) => x.content.id),
      [C.blogposts.welcome, C.blogposts.partnerProgram],
    );
    assert.equal((await get(cqlUrl('type = page AND space = MKT'))).body.totalSize, 5, 'pages are still pages');

    const draft = encodeURIComponent('{"contentStatuses":["draft"]}');
    assert.equal((await get(cqlUrl('type = blogpost', `&cqlcontext=${draft}`))).body.totalSize, 1);
    assert.equal((await get(cqlUrl('type = blogpost', `&cqlcontext=${draft}`), { auth: ADA_AUTH })).body.totalSize, 0);

    const created = await post(`${V2}/blogposts`, {
      spaceId: MKT.id,
      title: 'Hackathon Recap',
      body: { representation: 'storage', value: '<p>Twelve teams built prototypes.</p>' },
    });
    const found = await get(cqlUrl('type = blogpost AND text ~ "prototypes"'));
    assert.deepEqual(
      found.body.results.map((x: { content: { id: string } }) => x.content.id),
      [created.body.id],
    );
  });
});
