/**
 * End to end through /mcp/confluence against the in-process emulator: labels, attachments, tasks, users, audit log,
 * restrictions and content search. Each test checks the effect (emulator state or a read back through another tool)
 * or the returned data, not just that a call returned.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CONFLUENCE_SEED, type ConfluenceEmulator } from '../../src/emulators/confluence/index.ts';
import { LABELS_MISC_SEED } from '../../src/emulators/confluence/routes-labels-misc.ts';
import type { PageRecord } from '../../src/emulators/confluence/state.ts';
import { MAX_DOWNLOAD_BYTES } from '../../src/toolkits/confluence/tools/labels-misc.ts';
import { resultJson, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const P = CONFLUENCE_SEED.pages;
const S = CONFLUENCE_SEED.spaces;
const U = CONFLUENCE_SEED.users;
const A = LABELS_MISC_SEED.attachments;
const T = LABELS_MISC_SEED.tasks;

const TOOLS = [
  'confluence_add_content_label',
  'confluence_get_labels',
  'confluence_get_page_labels',
  'confluence_get_blogpost_labels',
  'confluence_get_space_labels',
  'confluence_get_space_content_labels',
  'confluence_get_label_blogposts',
  'confluence_get_attachment_labels',
  'confluence_get_attachments',
  'confluence_download_attachment',
  'confluence_get_tasks',
  'confluence_update_task',
  'confluence_get_current_user',
  'confluence_get_anonymous_user',
  'confluence_search_users',
  'confluence_search_content',
  'confluence_get_audit_logs',
  'confluence_get_content_restrictions',
];

describe('Confluence labels, attachments, tasks, users, audit, restrictions and search through MCP', () => {
  let gw: TestGateway;
  let client: Client;
  let emulator: ConfluenceEmulator;
  // biome-ignore lint/suspicious/noExplicitAny: upstream-shaped JSON; assertions check it.
  const call = async (name: string, args: Record<string, unknown> = {}): Promise<any> => {
    const res = await client.callTool({ name, arguments: args });
    assert.equal(res.isError, undefined, `${name} failed: ${JSON.stringify(res)}`);
    return resultJson(res);
  };
  // biome-ignore lint/suspicious/noExplicitAny: the error JSON of an isError result.
  const fail = async (name: string, args: Record<string, unknown>): Promise<any> => {
    const res = await client.callTool({ name, arguments: args });
    assert.equal(res.isError, true, `${name} should fail: ${JSON.stringify(res)}`);
    return resultJson(res).error;
  };

  /** A blog post in ENG, inserted directly (the blog post group's seed may not be there). */
  const blogPost = (id: string, title: string, labels: string[]): PageRecord => {
    const at = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const post: PageRecord = {
      id,
      spaceId: S.ENG.id,
      status: 'current',
      title,
      position: 0,
      authorId: U.ada.accountId,
      ownerId: U.ada.accountId,
      lastOwnerId: null,
      createdAt: at,
      version: { number: 1, message: '', minorEdit: false, authorId: U.ada.accountId, createdAt: at },
      body: { representation: 'storage', value: `<p>${title}: what shipped this week.</p>` },
      labels,
      history: [],
      private: false,
    };
    emulator.state.blogposts.set(id, post);
    for (const l of labels) emulator.state.label(l);
    return post;
  };

  before(async () => {
    gw = await startTestGateway();
    client = await gw.connect('/mcp/confluence');
    emulator = gw.gateway.emulators.get('confluence') as ConfluenceEmulator;
    blogPost('9100001', 'Platform digest week 24', ['platform-digest', 'weekly']);
    blogPost('9100002', 'Security bulletin', ['security-bulletin']);
    // A space category (a team label on the space itself).
    emulator.state.spaces.get(S.ENG.id)!.labels.push('team:platform');
    emulator.state.label('team:platform');
  });
  after(() => gw.close());

  test('lists the 18 tools with strict schemas and honest annotations', async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const n of TOOLS) assert.ok(byName.has(n), `${n} is listed`);
    for (const n of TOOLS.filter((t) => t !== 'confluence_add_content_label' && t !== 'confluence_update_task')) {
      assert.equal(byName.get(n)?.annotations?.readOnlyHint, true, `${n} is read-only`);
    }
    const add = byName.get('confluence_add_content_label')!;
    assert.equal(add.annotations?.readOnlyHint, false);
    assert.equal(add.annotations?.destructiveHint, false);
    assert.deepEqual(add.inputSchema.required, ['id', 'labels']);
    assert.equal(add.inputSchema.additionalProperties, false);
    const tasks = byName.get('confluence_get_tasks')!;
    assert.ok(tasks.inputSchema.properties && 'cursor' in tasks.inputSchema.properties, 'paginated tools take cursor');
  });

  test('adds labels to a seeded page; reads them back through the label tool, CQL and content search', async () => {
    const added = await call('confluence_add_content_label', {
      id: P.paymentsRunbook,
      labels: ['Urgent', 'q3-review'],
    });
    const names = added.results.map((l: { name: string }) => l.name);
    assert.deepEqual(names, ['runbook', 'payments', 'oncall', 'urgent', 'q3-review']);
    assert.deepEqual(emulator.state.pages.get(P.paymentsRunbook)?.labels.slice(-2), ['urgent', 'q3-review']);

    const again = await call('confluence_add_content_label', { id: P.paymentsRunbook, labels: ['urgent'] });
    assert.equal(again.size, 5, 'adding a label the page has changes nothing');

    const labels = await call('confluence_get_page_labels', { id: P.paymentsRunbook, sort: 'name' });
    assert.deepEqual(
      labels.results.map((l: { name: string }) => l.name),
      ['oncall', 'payments', 'q3-review', 'runbook', 'urgent'],
    );

    const cql = await call('confluence_cql_search', { cql: 'label = "urgent"' });
    assert.deepEqual(
      cql.results.map((r: { content: { id: string } }) => r.content.id),
      [P.paymentsRunbook],
    );

    const content = await call('confluence_search_content', {
      cql: 'label = "q3-review" AND space = ENG',
      expand: ['metadata.labels', 'version'],
    });
    assert.equal(content.results.length, 1);
    assert.equal(content.results[0].id, P.paymentsRunbook);
    assert.equal(content.results[0].version.number, 2);
    assert.ok(
      content.results[0].metadata.labels.results.some((l: { name: string }) => l.name === 'q3-review'),
      JSON.stringify(content.results[0].metadata),
    );
  });

  test('personal (my:) labels keep their prefix and are found by CQL as my:name', async () => {
    const added = await call('confluence_add_content_label', { id: P.architecture, labels: ['toread'], prefix: 'my' });
    assert.ok(added.results.some((l: { name: string; prefix: string }) => l.name === 'toread' && l.prefix === 'my'));
    const mine = await call('confluence_get_page_labels', { id: P.architecture, prefix: 'my' });
    assert.deepEqual(
      mine.results.map((l: { name: string; prefix: string }) => `${l.prefix}:${l.name}`),
      ['my:toread'],
    );
    const found = await call('confluence_cql_search', { cql: 'label = "my:toread"' });
    assert.deepEqual(
      found.results.map((r: { content: { id: string } }) => r.content.id),
      [P.architecture],
    );
  });

  test('labelling a page you may view but not edit is a 403 naming Confluence', async () => {
    const error = await fail('confluence_add_content_label', { id: P.pricingFaq, labels: ['nope'] });
    assert.equal(error.status, 403);
    assert.equal(error.service, 'Confluence');
    assert.match(error.message, /not permitted to edit the labels/);
    assert.ok(!emulator.state.pages.get(P.pricingFaq)?.labels.includes('nope'), 'nothing was added');

    const bad = await fail('confluence_add_content_label', { id: P.architecture, labels: ['two words'] });
    assert.equal(bad.code, 'invalid_arguments');
    assert.match(bad.message, /labels\.0/);
  });

  test('site labels page with next_cursor and max_pages', async () => {
    const first = await call('confluence_get_labels', { limit: 3 });
    assert.equal(first.results.length, 3);
    assert.ok(first.next_cursor);
    const next = await call('confluence_get_labels', { limit: 3, cursor: first.next_cursor });
    assert.notDeepEqual(next.results[0].id, first.results[0].id);
    const all = await call('confluence_get_labels', { limit: 5, max_pages: 50 });
    assert.equal(all.next_cursor, null);
    assert.equal(all.results.length, emulator.state.labels.size);
    assert.ok(all.results.some((l: { name: string }) => l.name === 'urgent'));
    const team = await call('confluence_get_labels', { prefix: ['team'] });
    assert.deepEqual(
      team.results.map((l: { name: string }) => l.name),
      ['platform'],
    );
  });

  test('blog post labels and blog posts for a label (by name, resolved to its id, or by id)', async () => {
    const labels = await call('confluence_get_blogpost_labels', { id: '9100001' });
    assert.deepEqual(
      labels.results.map((l: { name: string }) => l.name),
      ['platform-digest', 'weekly'],
    );
    const byName = await call('confluence_get_label_blogposts', {
      label_name: 'platform-digest',
      body_format: 'storage',
    });
    assert.deepEqual(
      byName.results.map((p: { id: string }) => p.id),
      ['9100001'],
    );
    assert.match(byName.results[0].body.storage.value, /what shipped/);

    await call('confluence_add_content_label', { id: '9100002', labels: ['platform-digest'] });
    const id = emulator.state.labels.get('platform-digest')!.id;
    const byId = await call('confluence_get_label_blogposts', { label_id: id, sort: '-id' });
    assert.deepEqual(
      byId.results.map((p: { id: string }) => p.id),
      ['9100002', '9100001'],
    );

    const unknown = await fail('confluence_get_label_blogposts', { label_name: 'no-such-label' });
    assert.equal(unknown.status, 404);
    assert.match(unknown.message, /No label with the name "no-such-label"/);
    const neither = await fail('confluence_get_label_blogposts', {});
    assert.equal(neither.code, 'invalid_arguments');
  });

  test('space labels (space categories) and the labels of the content in a space', async () => {
    const space = await call('confluence_get_space_labels', { id: S.ENG.id });
    assert.deepEqual(
      space.results.map((l: { prefix: string; name: string }) => `${l.prefix}:${l.name}`),
      ['global:engineering', 'team:platform'],
    );
    const team = await call('confluence_get_space_labels', { id: S.ENG.id, prefix: 'team' });
    assert.equal(team.results.length, 1);

    const content = await call('confluence_get_space_content_labels', { id: S.ENG.id, sort: 'name', limit: 100 });
    const names = content.results.map((l: { name: string }) => l.name);
    for (const n of ['runbook', 'checklist', 'diagram', 'urgent', 'platform-digest']) assert.ok(names.includes(n), n);
    assert.ok(!names.includes('deployment'), 'labels of trashed pages are left out');
    assert.ok(!names.includes('pricing'), 'labels of another space are left out');
    assert.deepEqual(names, [...names].sort());
  });

  test('attachments: listed with filters and paging; attachment labels', async () => {
    const all = await call('confluence_get_attachments', {});
    const ids = all.results.map((a: { id: string }) => a.id);
    assert.deepEqual(ids, [A.deployChecklist, A.architectureDiagram, A.pricingSheet]);
    const png = all.results.find((a: { id: string }) => a.id === A.architectureDiagram);
    assert.equal(png.mediaType, 'image/png');
    assert.equal(png.pageId, P.architecture);
    assert.equal(png.fileSize, emulator.state.attachments.get(A.architectureDiagram)?.data.length);

    const trashed = await call('confluence_get_attachments', { status: ['trashed'] });
    assert.deepEqual(
      trashed.results.map((a: { id: string }) => a.id),
      [A.oldNotes],
    );
    const csv = await call('confluence_get_attachments', { media_type: 'text/csv' });
    assert.deepEqual(
      csv.results.map((a: { title: string }) => a.title),
      ['pricing-2026.csv'],
    );

    const named = await call('confluence_get_attachments', { filename: 'deploy-checklist.txt' });
    assert.deepEqual(
      named.results.map((a: { pageId: string }) => a.pageId),
      [P.paymentsRunbook],
    );
    const paged = await call('confluence_get_attachments', { limit: 2, max_pages: 2 });
    assert.deepEqual(
      paged.results.map((a: { id: string }) => a.id),
      ids,
    );
    assert.equal(paged.next_cursor, null);

    const labels = await call('confluence_get_attachment_labels', { id: A.architectureDiagram, sort: 'name' });
    assert.deepEqual(
      labels.results.map((l: { name: string }) => l.name),
      ['architecture', 'diagram'],
    );
    await call('confluence_add_content_label', { id: A.deployChecklist, labels: ['deploy'] });
    const after = await call('confluence_get_attachment_labels', { id: A.deployChecklist.replace('att', '') });
    assert.deepEqual(
      after.results.map((l: { name: string }) => l.name),
      ['checklist', 'deploy'],
    );
  });

  test('downloads an attachment through the 302: exact bytes as base64, or text', async () => {
    const stored = emulator.state.attachments.get(A.deployChecklist)!;
    const dl = await call('confluence_download_attachment', { attachment_id: A.deployChecklist });
    assert.equal(dl.title, 'deploy-checklist.txt');
    assert.equal(dl.container_id, P.paymentsRunbook);
    assert.equal(dl.media_type, 'text/plain');
    assert.equal(dl.size_bytes, stored.data.length);
    assert.equal(dl.encoding, 'base64');
    assert.ok(Buffer.from(dl.base64, 'base64').equals(stored.data));

    const text = await call('confluence_download_attachment', { attachment_id: A.deployChecklist, as_text: true });
    assert.equal(text.encoding, 'utf-8');
    assert.equal(text.text, stored.data.toString('utf8'));

    const png = await call('confluence_download_attachment', {
      attachment_id: A.architectureDiagram,
      container_id: P.architecture,
      as_text: true,
    });
    assert.equal(png.encoding, 'base64', 'binary files stay base64 even with as_text');
    assert.ok(Buffer.from(png.base64, 'base64').equals(emulator.state.attachments.get(A.architectureDiagram)!.data));
    assert.equal(Buffer.from(png.base64, 'base64').subarray(1, 4).toString('ascii'), 'PNG');

    const wrong = await fail('confluence_download_attachment', {
      attachment_id: A.deployChecklist,
      container_id: P.architecture,
    });
    assert.match(wrong.message, new RegExp(`is on content ${P.paymentsRunbook}`));
    const missing = await fail('confluence_download_attachment', { attachment_id: 'att999999' });
    assert.equal(missing.status, 404);
  });

  test('an attachment over the size cap is refused with a clear error', async () => {
    const big = {
      ...emulator.state.attachments.get(A.deployChecklist)!,
      id: 'att131999',
      title: 'huge-export.bin',
      mediaType: 'application/octet-stream',
      data: Buffer.alloc(MAX_DOWNLOAD_BYTES + 1),
      labels: [],
    };
    emulator.state.attachments.set(big.id, big);
    try {
      const error = await fail('confluence_download_attachment', { attachment_id: big.id });
      assert.equal(error.code, 'invalid_arguments');
      assert.match(error.message, /"huge-export\.bin" is 5\.0 MB; .* at most 5 MB/);
    } finally {
      emulator.state.attachments.delete(big.id);
    }
  });

  test('tasks: filters by status, assignee, page and due date; update ticks one off and the page follows', async () => {
    const me = await call('confluence_get_current_user');
    assert.equal(me.accountId, U.demo.accountId);
    assert.equal(me.displayName, 'Demo User');

    const open = await call('confluence_get_tasks', { status: 'incomplete' });
    assert.deepEqual(
      open.results.map((t: { id: string }) => t.id),
      [T.kickoffCall, T.certificateAlert, T.rollbackDrill, T.discountApproval],
    );
    const mine = await call('confluence_get_tasks', { assigned_to: [me.accountId], status: 'incomplete' });
    assert.deepEqual(
      mine.results.map((t: { id: string }) => t.id),
      [T.rollbackDrill],
    );
    const onPage = await call('confluence_get_tasks', { page_id: [P.customerOnboarding], body_format: 'storage' });
    assert.deepEqual(
      onPage.results.map((t: { body: { storage: { value: string } } }) => t.body.storage.value),
      ['Send the welcome email', 'Schedule the kickoff call'],
    );
    const today = new Date().toISOString().slice(0, 10);
    const overdue = await call('confluence_get_tasks', { status: 'incomplete', due_at_to: today });
    assert.deepEqual(
      overdue.results.map((t: { id: string }) => t.id),
      [T.rollbackDrill],
    );
    const paged = await call('confluence_get_tasks', { limit: 2, max_pages: 2 });
    assert.equal(paged.results.length, 4);
    assert.ok(paged.next_cursor);

    const done = await call('confluence_update_task', { id: T.kickoffCall, status: 'complete' });
    assert.equal(done.status, 'complete');
    assert.equal(done.completedBy, me.accountId);
    const stored = emulator.state.tasks.get(T.kickoffCall)!;
    assert.equal(stored.status, 'complete');
    assert.match(
      emulator.state.pages.get(P.customerOnboarding)!.body.value,
      /<ac:task-id>2<\/ac:task-id><ac:task-status>complete</,
    );
    const reread = await call('confluence_get_tasks', { task_id: [T.kickoffCall] });
    assert.equal(reread.results[0].status, 'complete');

    const reopened = await call('confluence_update_task', { id: T.kickoffCall, status: 'incomplete' });
    assert.equal(reopened.completedBy, undefined);
    assert.equal(emulator.state.tasks.get(T.kickoffCall)?.status, 'incomplete');

    const restricted = await fail('confluence_update_task', { id: T.discountApproval, status: 'complete' });
    assert.equal(restricted.status, 404);
    assert.equal(emulator.state.tasks.get(T.discountApproval)?.status, 'incomplete');
  });

  test('current and anonymous user', async () => {
    const anon = await call('confluence_get_anonymous_user', { include_operations: true });
    assert.equal(anon.type, 'anonymous');
    assert.equal(anon.displayName, 'Anonymous');
    assert.deepEqual(anon.operations, []);
    const plain = await call('confluence_get_anonymous_user');
    assert.equal(plain.operations, undefined);
  });

  test('searches users by name, by account id and with raw CQL; pages with start', async () => {
    const grace = await call('confluence_search_users', { name: 'hop' });
    assert.deepEqual(
      grace.results.map((r: { user: { displayName: string } }) => r.user.displayName),
      ['Grace Hopper'],
    );
    const byId = await call('confluence_search_users', { account_id: [U.ada.accountId, U.demo.accountId] });
    assert.deepEqual(
      byId.results.map((r: { user: { accountId: string } }) => r.user.accountId),
      [U.ada.accountId, U.demo.accountId],
    );
    const first = await call('confluence_search_users', { cql: 'type = user', limit: 1 });
    assert.equal(first.results.length, 1);
    assert.equal(first.next_cursor, '1');
    const rest = await call('confluence_search_users', { cql: 'type = user', limit: 1, cursor: '1', max_pages: 5 });
    assert.deepEqual(
      [...first.results, ...rest.results].map((r: { user: { displayName: string } }) => r.user.displayName),
      ['Ada Lovelace', 'Demo User', 'Grace Hopper'],
    );
    assert.equal(rest.next_cursor, null);

    const bad = await fail('confluence_search_users', { cql: 'space = ENG' });
    assert.equal(bad.status, 400);
    assert.match(bad.message, /user search supports the fields/);
    const none = await fail('confluence_search_users', {});
    assert.equal(none.code, 'invalid_arguments');
  });

  test('content search covers blog posts, expands bodies and follows its cursor', async () => {
    const blogs = await call('confluence_search_content', {
      cql: 'type = blogpost AND label IN ("weekly", "security-bulletin") ORDER BY id',
      expand: ['body.storage'],
    });
    assert.deepEqual(
      blogs.results.map((r: { id: string; type: string }) => `${r.type}:${r.id}`),
      ['blogpost:9100001', 'blogpost:9100002'],
    );
    assert.match(blogs.results[0].body.storage.value, /what shipped/);
    const paged = await call('confluence_search_content', {
      cql: 'label = "runbook" ORDER BY id',
      limit: 1,
      max_pages: 5,
    });
    assert.deepEqual(
      paged.results.map((r: { id: string }) => r.id),
      [P.runbooks, P.paymentsRunbook, P.searchRunbook],
    );
    const invalid = await fail('confluence_search_content', { cql: 'label = ' });
    assert.equal(invalid.status, 400);
  });

  test('audit log: newest first, date and text filters, start/limit paging', async () => {
    const page = await call('confluence_get_audit_logs', { limit: 2, max_pages: 2 });
    assert.equal(page.results.length, 4);
    const dates = page.results.map((r: { creationDate: number }) => r.creationDate);
    assert.deepEqual(
      dates,
      [...dates].sort((a, b) => b - a),
    );
    assert.equal(page.next_cursor, '4');
    const rest = await call('confluence_get_audit_logs', { limit: 2, cursor: page.next_cursor, max_pages: 5 });
    assert.equal(page.results.length + rest.results.length, emulator.state.auditRecords.length);

    const perms = await call('confluence_get_audit_logs', { search_string: 'pricing faq' });
    assert.deepEqual(
      perms.results.map((r: { summary: string }) => r.summary),
      ['Content restrictions changed'],
    );
    assert.equal(perms.results[0].author.displayName, 'Grace Hopper');
    const since = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
    const recent = await call('confluence_get_audit_logs', { start_date: since });
    assert.ok(recent.results.length >= 1);
    for (const r of recent.results) assert.ok(r.creationDate >= Date.parse(since));
    assert.ok(recent.results.length < emulator.state.auditRecords.length);
  });

  test('content restrictions: who may view and edit', async () => {
    const r = await call('confluence_get_content_restrictions', { id: P.pricingFaq, include_content: true });
    const read = r.results.find((x: { operation: string }) => x.operation === 'read');
    const update = r.results.find((x: { operation: string }) => x.operation === 'update');
    assert.deepEqual(
      read.restrictions.user.results.map((u: { displayName: string }) => u.displayName),
      ['Demo User', 'Grace Hopper'],
    );
    assert.deepEqual(
      read.restrictions.group.results.map((g: { name: string }) => g.name),
      ['sales-team'],
    );
    assert.deepEqual(
      update.restrictions.user.results.map((u: { accountId: string }) => u.accountId),
      [U.grace.accountId],
    );
    assert.equal(read.content.title, 'Pricing FAQ');

    const open = await call('confluence_get_content_restrictions', { id: P.architecture });
    for (const op of open.results) {
      assert.equal(op.restrictions.user.size, 0);
      assert.equal(op.restrictions.group.size, 0);
    }
    const gone = await fail('confluence_get_content_restrictions', { id: '424242' });
    assert.equal(gone.status, 404);
  });
});
