/**
 * Gong emulator endpoints of the engage group (Engage flows and tasks, the generic CRM integration, permission
 * profiles, data privacy): shapes checked against Gong's OpenAPI document (kept outside the repo, in ../shared/specs),
 * validation and errors, pagination, writes and their effects on the state, and the seed.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GONG_SEED } from '../../src/emulators/gong/index.ts';
import { COOL_OFF_DAYS, ENGAGE_SEED, MAX_ERASED_CALLS } from '../../src/emulators/gong/routes-engage.ts';
import { customerPath, FIXED_NOW, oauthTokens, type Setup, setup } from './gong-helpers.ts';

// ---------------------------------------------------------------------------------------------------------------
// Response shapes against the spec

const SPEC_PATH = fileURLToPath(new URL('../../../shared/specs/gong-v2.openapi.json', import.meta.url));
const SPEC_SKIP = existsSync(SPEC_PATH) ? false : `skipped: ${SPEC_PATH} not found`;

interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  type?: string;
  enum?: unknown[];
  format?: string;
}
interface Spec {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
}
const spec: Spec | undefined = existsSync(SPEC_PATH) ? JSON.parse(readFileSync(SPEC_PATH, 'utf8')) : undefined;

function deref(s: Schema): Schema {
  let cur = s;
  while (cur.$ref) cur = spec!.components.schemas[cur.$ref.replace('#/components/schemas/', '')]!;
  return cur;
}

/** Every problem of `value` against `schema`: wrong types, values outside enums, undeclared fields, nulls. */
function problems(value: unknown, schema: Schema, path = '$'): string[] {
  const s = deref(schema);
  if (value === undefined) return [];
  if (value === null) return [`${path}: null where ${s.type ?? 'a value'} is expected`];
  const out: string[] = [];
  const type = s.type ?? (s.properties ? 'object' : undefined);
  if (s.enum && !s.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} not in ${s.enum.join('|')}`);
  switch (type) {
    case 'string':
      if (typeof value !== 'string') out.push(`${path}: expected string, got ${typeof value}`);
      else if (s.format === 'date-time' && Number.isNaN(Date.parse(value))) out.push(`${path}: not a date-time`);
      break;
    case 'integer':
      if (!Number.isInteger(value)) out.push(`${path}: expected integer, got ${JSON.stringify(value)}`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') out.push(`${path}: expected boolean`);
      break;
    case 'array':
      if (!Array.isArray(value)) out.push(`${path}: expected array`);
      else for (const [i, v] of value.entries()) out.push(...problems(v, s.items ?? {}, `${path}[${i}]`));
      break;
    case 'object': {
      if (!s.properties && s.additionalProperties === undefined) break;
      if (typeof value !== 'object' || Array.isArray(value)) {
        out.push(`${path}: expected object`);
        break;
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const prop = s.properties?.[k];
        if (prop) out.push(...problems(v, prop, `${path}.${k}`));
        else if (typeof s.additionalProperties === 'object')
          out.push(...problems(v, s.additionalProperties, `${path}.${k}`));
        else out.push(`${path}.${k}: not declared in the schema`);
      }
      break;
    }
  }
  return out;
}

function assertMatchesSpec(method: string, path: string, status: number, body: unknown) {
  const op = spec!.paths[path]?.[method.toLowerCase()];
  assert.ok(op, `${method} ${path} is not in the spec`);
  const schema = op.responses[String(status)]?.content?.['application/json']?.schema;
  assert.ok(schema, `${method} ${path} has no ${status} JSON schema`);
  const found = problems(body, schema);
  assert.deepEqual(found, [], `${method} ${path}:\n  ${found.join('\n  ')}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const U = () => GONG_SEED.users;
const email = (s: Setup, userId: string) => s.state.users.get(userId)!.emailAddress;
const P = ENGAGE_SEED.prospects;
const F = ENGAGE_SEED.flows;

/** An Engage call-task query for one user. */
const tasksBody = (userId: string, extra: Record<string, unknown> = {}) => ({
  filter: {
    userId,
    types: ['FLOW', 'MANUAL'],
    taskAction: ['CALL'],
    status: ['OPEN', 'DONE', 'DISMISSED'],
    ...extra,
  },
});

/** A multipart upload of LDJSON lines to POST /v2/crm/entities. */
function ldjson(lines: (Record<string, unknown> | string)[]) {
  const form = new FormData();
  const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
  form.append('dataFile', new Blob([text], { type: 'application/x-ndjson' }), 'objects.ldjson');
  return form;
}

const uploadPath = (integrationId: string, objectType: string, requestId: string) =>
  `/v2/crm/entities?integrationId=${integrationId}&objectType=${objectType}&clientRequestId=${requestId}`;

const errorText = (body: { errors?: string[] }) => (body.errors ?? []).join(' ');

// ---------------------------------------------------------------------------------------------------------------

describe('Gong emulator: Engage flow folders and flows', () => {
  test('folders follow visibility: company for all, personal for the owner, shared with those it is shared with', async () => {
    const s = setup();
    const names = async (userId: string) => {
      const r = await s.get(`/v2/flows/folders?flowFolderOwnerEmail=${encodeURIComponent(email(s, userId))}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.flows.map((f: { name: string }) => f.name).sort();
    };
    assert.deepEqual(await names(U().priya), [
      'Company playbooks',
      'Customer Success',
      'Inbound',
      'Outbound prospecting',
      "Priya's flows",
      'SDR team (shared)',
    ]);
    assert.deepEqual(await names(U().tom), [
      'Company playbooks',
      'Customer Success',
      'Inbound',
      'Outbound prospecting',
      'SDR team (shared)',
    ]);
    assert.deepEqual(await names(U().jordan), [
      'Company playbooks',
      'Customer Success',
      'Inbound',
      'Outbound prospecting',
    ]);
  });

  test('folders: parentId gives the folder and its children, workspaceId filters, the shape is the spec', {
    skip: SPEC_SKIP,
  }, async () => {
    const s = setup();
    const owner = encodeURIComponent(email(s, U().priya));
    const r = await s.get(`/v2/flows/folders?flowFolderOwnerEmail=${owner}&parentId=${ENGAGE_SEED.folders.playbooks}`);
    assert.equal(r.status, 200);
    assertMatchesSpec('GET', '/v2/flows/folders', 200, r.body);
    assert.deepEqual(
      r.body.flows.map((f: { id: string }) => f.id),
      [ENGAGE_SEED.folders.playbooks, ENGAGE_SEED.folders.inbound],
    );
    const child = r.body.flows[1];
    assert.equal(child.folderId, ENGAGE_SEED.folders.playbooks, 'a nested folder names its parent');
    assert.equal(child.folderName, 'Company playbooks');
    const cs = await s.get(
      `/v2/flows/folders?flowFolderOwnerEmail=${owner}&workspaceId=${GONG_SEED.workspaces.customerSuccess}`,
    );
    assert.deepEqual(
      cs.body.flows.map((f: { name: string }) => f.name),
      ['Customer Success'],
    );
  });

  test('folders: missing or unknown owner email, unknown or invisible parent folder are 400s naming the field', async () => {
    const s = setup();
    let r = await s.get('/v2/flows/folders');
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /flowFolderOwnerEmail/);
    assert.equal(typeof r.body.requestId, 'string');
    r = await s.get('/v2/flows/folders?flowFolderOwnerEmail=nobody@nowhere.example');
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /flowFolderOwnerEmail: no Gong user/);
    r = await s.get(
      `/v2/flows/folders?flowFolderOwnerEmail=${encodeURIComponent(email(s, U().tom))}&parentId=${ENGAGE_SEED.folders.priyaPersonal}`,
    );
    assert.equal(r.status, 400, "Tom cannot see Priya's personal folder");
    assert.match(errorText(r.body), /parentId/);
    r = await s.get(`/v2/flows/folders?flowFolderOwnerEmail=${encodeURIComponent(email(s, U().tom))}&workspaceId=42`);
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /workspaceId/);
  });

  test('flows: visible flows with folder names, folder filter, cursor pagination', { skip: SPEC_SKIP }, async () => {
    const s = setup();
    const owner = encodeURIComponent(email(s, U().priya));
    const all = await s.get(`/v2/flows?flowOwnerEmail=${owner}`);
    assert.equal(all.status, 200);
    assertMatchesSpec('GET', '/v2/flows', 200, all.body);
    assert.equal(all.body.records.totalRecords, 6, 'every seeded flow is visible to Priya');
    const tom = await s.get(`/v2/flows?flowOwnerEmail=${encodeURIComponent(email(s, U().tom))}`);
    assert.ok(!tom.body.flows.some((f: { id: string }) => f.id === F.priyaEnterprise), "not Priya's personal flow");
    assert.ok(
      tom.body.flows.some((f: { id: string }) => f.id === F.sdrReengagement),
      'the flow shared with Tom',
    );

    const inFolder = await s.get(`/v2/flows?flowOwnerEmail=${owner}&folderId=${ENGAGE_SEED.folders.outbound}`);
    assert.deepEqual(
      inFolder.body.flows.map((f: { id: string; folderName: string; exclusive: boolean }) => [
        f.id,
        f.folderName,
        f.exclusive,
      ]),
      [
        [F.outboundCold, 'Outbound prospecting', true],
        [F.eventFollowUp, 'Outbound prospecting', false],
      ],
    );

    s.state.pageSize = 4;
    const p1 = await s.get(`/v2/flows?flowOwnerEmail=${owner}`);
    assert.equal(p1.body.flows.length, 4);
    assert.ok(p1.body.records.cursor, 'a cursor while more pages exist');
    const p2 = await s.get(`/v2/flows?flowOwnerEmail=${owner}&cursor=${encodeURIComponent(p1.body.records.cursor)}`);
    assert.equal(p2.body.flows.length, 2);
    assert.equal(p2.body.records.currentPageNumber, 1);
    assert.equal(p2.body.records.cursor, undefined);
    const ids = [...p1.body.flows, ...p2.body.flows].map((f: { id: string }) => f.id);
    assert.equal(new Set(ids).size, 6);
    const wrongScope = await s.get(
      `/v2/flows?flowOwnerEmail=${encodeURIComponent(email(s, U().tom))}&cursor=${encodeURIComponent(p1.body.records.cursor)}`,
    );
    assert.equal(wrongScope.status, 400, 'a cursor only continues its own request');
  });

  test('flows: mostRecentlyAssigned lists the flows the user assigned, newest first', async () => {
    const s = setup();
    const r = await s.get(
      `/v2/flows?flowOwnerEmail=${encodeURIComponent(email(s, U().sofia))}&mostRecentlyAssigned=true`,
    );
    assert.equal(r.status, 200);
    // Sofia's instances: Rita (today, inbound), Mindy (2 days, outbound), Omar (4), Grace (9), Carlos (30), Hank (35).
    assert.deepEqual(
      r.body.flows.map((f: { id: string }) => f.id),
      [F.inboundDemo, F.outboundCold, F.sdrReengagement],
    );
    const bad = await s.get(
      `/v2/flows?flowOwnerEmail=${encodeURIComponent(email(s, U().sofia))}&mostRecentlyAssigned=yes`,
    );
    assert.equal(bad.status, 400);
  });
});

describe('Gong emulator: prospects in flows', () => {
  test('by CRM id only open instances, by instance id any status', { skip: SPEC_SKIP }, async () => {
    const s = setup();
    const byCrm = await s.post('/v2/flows/prospects', { crmProspectsIds: [P.mindy, P.carlos, P.leadRita] });
    assert.equal(byCrm.status, 200);
    assertMatchesSpec('POST', '/v2/flows/prospects', 200, byCrm.body);
    const found = byCrm.body.prospectsAssigned;
    assert.deepEqual(found.map((i: { crmProspectId: string }) => i.crmProspectId).sort(), [P.mindy, P.leadRita].sort());
    const mindy = found.find((i: { crmProspectId: string }) => i.crmProspectId === P.mindy);
    assert.equal(mindy.flowId, F.outboundCold);
    assert.equal(mindy.flowInstanceStatus, 'Running');
    assert.equal(mindy.flowInstanceOwnerEmail, email(s, U().sofia));
    assert.equal(mindy.flowInstanceOwnerFullName, 'Sofia Alvarez');
    assert.equal(mindy.exclusive, true);

    const carlos = [...s.state.flowInstances.values()].find((i) => i.crmProspectId === P.carlos)!;
    const byInstance = await s.post('/v2/flows/prospects', { flowInstanceIds: [carlos.id] });
    assert.equal(byInstance.body.prospectsAssigned.length, 1);
    assert.equal(byInstance.body.prospectsAssigned[0].flowInstanceStatus, 'FinishedNoReply');
  });

  test('needs at least one id; unknown fields and bad ids are 400s', async () => {
    const s = setup();
    for (const body of [{}, { crmProspectsIds: [] }, { flowIds: ['1'] }, { flowInstanceIds: ['abc'] }]) {
      const r = await s.post('/v2/flows/prospects', body);
      assert.equal(r.status, 400, JSON.stringify(body));
    }
    const none = await s.post('/v2/flows/prospects', { crmProspectsIds: ['0035gUNKNOWN'] });
    assert.deepEqual(none.body.prospectsAssigned, [], 'a prospect in no flow: an empty list');
  });

  test('assign: creates the instance and the call to-do of its first step', { skip: SPEC_SKIP }, async () => {
    const s = setup();
    const before = s.state.engageTasks.size;
    const r = await s.post('/v2/flows/prospects/assign', {
      crmProspectsIds: [P.bill],
      flowId: F.inboundDemo,
      flowInstanceOwnerEmail: email(s, U().sofia),
      overrides: {
        steps: [{ number: 1, subject: 'Call {{account_name}}' }],
        flowInstanceVariables: [{ name: 'x', value: 'y' }],
      },
      flowInstanceDescription: 'Expansion outreach',
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assertMatchesSpec('POST', '/v2/flows/prospects/assign', 200, r.body);
    assert.equal(r.body.prospectsNotAssigned.length, 0);
    const a = r.body.prospectsAssigned[0];
    assert.equal(a.crmProspectId, P.bill);
    assert.equal(a.flowName, 'Inbound demo request');
    assert.equal(a.flowInstanceCreateDate, FIXED_NOW.toISOString());
    const instance = s.state.flowInstances.get(a.flowInstanceId)!;
    assert.equal(instance.ownerUserId, U().sofia);
    assert.equal(instance.description, 'Expansion outreach');
    assert.deepEqual(instance.stepOverrides, [{ number: 1, subject: 'Call {{account_name}}' }]);
    assert.equal(s.state.engageTasks.size, before + 1);
    const task = [...s.state.engageTasks.values()].find((t) => t.flowInstanceId === a.flowInstanceId)!;
    assert.equal(task.status, 'OPEN');
    assert.equal(task.userId, U().sofia);
    assert.equal(task.stepNumber, 1);
  });

  test('assign: per-prospect refusals (unknown id, same flow, exclusivity, cool-off) and the cool-off override', async () => {
    const s = setup();
    const assign = (flowId: string, ids: string[], extra: Record<string, unknown> = {}) =>
      s.post('/v2/flows/prospects/assign', {
        crmProspectsIds: ids,
        flowId,
        flowInstanceOwnerEmail: email(s, U().sofia),
        ...extra,
      });
    const r = await assign(F.eventFollowUp, ['0035gNOPE', P.joanna, P.mindy, P.carlos, P.hank]);
    assert.equal(r.status, 200);
    const reasons = Object.fromEntries(
      r.body.prospectsNotAssigned.map((f: { crmProspectId: string; errorCode: string; errorMessage: string }) => [
        f.crmProspectId,
        [f.errorCode, f.errorMessage],
      ]),
    );
    assert.equal(reasons['0035gNOPE']?.[0], 'InvalidArgument');
    assert.match(reasons[P.joanna]?.[1], /already in flow "Event follow-up"/);
    assert.match(reasons[P.mindy]?.[1], /exclusive/, 'Mindy is in an exclusive flow');
    assert.equal(reasons[P.carlos]?.[0], 'InvalidState');
    assert.match(reasons[P.carlos]?.[1], /cool-off/);
    assert.deepEqual(
      r.body.prospectsAssigned.map((a: { crmProspectId: string }) => a.crmProspectId),
      [P.hank],
      `Hank finished ${COOL_OFF_DAYS + 6} days ago: past the cool-off`,
    );
    const exclusive = await assign(F.inboundDemo, [P.joanna]);
    assert.match(exclusive.body.prospectsNotAssigned[0].errorMessage, /this flow is exclusive/);
    const overridden = await assign(F.eventFollowUp, [P.carlos], { overrides: { coolOffOverride: true } });
    assert.equal(overridden.body.prospectsAssigned.length, 1);
  });

  test('assign: 404 unknown flow, 403 flow the owner cannot use, 400 for owner and overrides', async () => {
    const s = setup();
    const base = { crmProspectsIds: [P.bill], flowId: F.eventFollowUp, flowInstanceOwnerEmail: email(s, U().tom) };
    let r = await s.post('/v2/flows/prospects/assign', { ...base, flowId: '123456' });
    assert.equal(r.status, 404);
    assert.match(errorText(r.body), /Flow not found/);
    r = await s.post('/v2/flows/prospects/assign', { ...base, flowId: F.priyaEnterprise });
    assert.equal(r.status, 403, "Priya's personal flow");
    r = await s.post('/v2/flows/prospects/assign', { ...base, flowId: F.onboardingKickoff });
    assert.equal(r.status, 403, 'Tom is not in the Customer Success workspace');
    r = await s.post('/v2/flows/prospects/assign', {
      ...base,
      flowInstanceOwnerEmail: 'ghost@switchboard-demo.example',
    });
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /flowInstanceOwnerEmail/);
    r = await s.post('/v2/flows/prospects/assign', { ...base, flowInstanceOwnerEmail: email(s, U().sam) });
    assert.equal(r.status, 400, 'a deactivated user cannot own to-dos');
    r = await s.post('/v2/flows/prospects/assign', { ...base, overrides: { steps: [{ number: 3 }] } });
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /overrides\.steps\[0\]\.number/);
    r = await s.post('/v2/flows/prospects/assign', {
      ...base,
      crmProspectsIds: Array.from({ length: 101 }, (_, i) => `c${i}`),
    });
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /crmProspectsIds/);
    r = await s.post('/v2/flows/prospects/assign', {
      flowId: F.eventFollowUp,
      flowInstanceOwnerEmail: email(s, U().tom),
    });
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /crmProspectsIds/);
  });

  test('unassign: stops open instances, dismisses their to-dos; a flow id narrows it', {
    skip: SPEC_SKIP,
  }, async () => {
    const s = setup();
    // Mindy: running in the outbound flow with an open call to-do.
    const mindyTask = [...s.state.engageTasks.values()].find(
      (t) => t.contactCrmId === P.mindy && t.status === 'OPEN' && t.type === 'FLOW',
    )!;
    assert.ok(mindyTask, 'the seed gives Mindy an open flow to-do');
    const other = await s.post('/v2/flows/prospects/unassign-flows-by-crm-id', {
      crmProspectId: P.mindy,
      flowId: F.inboundDemo,
    });
    assert.deepEqual(other.body.unassignedFlowInstanceIds, [], 'Mindy is not in that flow');
    const r = await s.post('/v2/flows/prospects/unassign-flows-by-crm-id', {
      crmProspectId: P.mindy,
      unassignedByUserEmail: email(s, U().marcus),
    });
    assert.equal(r.status, 200);
    assertMatchesSpec('POST', '/v2/flows/prospects/unassign-flows-by-crm-id', 200, r.body);
    assert.equal(r.body.unassignedFlowInstanceIds.length, 1);
    const instance = s.state.flowInstances.get(r.body.unassignedFlowInstanceIds[0])!;
    assert.equal(instance.status, 'Finished');
    assert.equal(instance.unassigned?.byUserId, U().marcus);
    assert.equal(s.state.engageTasks.get(mindyTask.id)!.status, 'DISMISSED');
    const open = await s.post('/v2/flows/prospects', { crmProspectsIds: [P.mindy] });
    assert.deepEqual(open.body.prospectsAssigned, []);
    const again = await s.post('/v2/flows/prospects/unassign-flows-by-crm-id', { crmProspectId: P.mindy });
    assert.deepEqual(again.body.unassignedFlowInstanceIds, []);
    // Unassigning is not finishing: no cool-off.
    const reassign = await s.post('/v2/flows/prospects/assign', {
      crmProspectsIds: [P.mindy],
      flowId: F.outboundCold,
      flowInstanceOwnerEmail: email(s, U().sofia),
    });
    assert.equal(reassign.body.prospectsAssigned.length, 1);
  });

  test('unassign: unknown prospect, flow or remover are 400s', async () => {
    const s = setup();
    let r = await s.post('/v2/flows/prospects/unassign-flows-by-crm-id', { crmProspectId: 'nobody' });
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /crmProspectId/);
    r = await s.post('/v2/flows/prospects/unassign-flows-by-crm-id', { crmProspectId: P.mindy, flowId: '77' });
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /flowId/);
    r = await s.post('/v2/flows/prospects/unassign-flows-by-crm-id', {
      crmProspectId: P.mindy,
      unassignedByUserEmail: 'x@y.example',
    });
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /unassignedByUserEmail/);
    r = await s.post('/v2/flows/prospects/unassign-flows-by-crm-id', {});
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /crmProspectId/);
  });
});

describe('Gong emulator: Engage tasks', () => {
  test("a user's tasks with flow, contact, account and opportunity; filters by type, status, workspace", {
    skip: SPEC_SKIP,
  }, async () => {
    const s = setup();
    const r = await s.post('/v2/tasks', tasksBody(U().priya));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assertMatchesSpec('POST', '/v2/tasks', 200, r.body);
    assert.equal(r.body.crmType, 'GENERIC');
    const manual = r.body.tasks.find((t: { title?: string }) => t.title === 'Call Laura about the pricing approval');
    assert.ok(manual, 'the seeded manual task');
    assert.equal(manual.type, 'MANUAL');
    assert.equal(manual.userId, Number(U().priya));
    assert.equal(manual.contact.crmId, P.laura);
    assert.equal(manual.contact.data.emails[0].email, 'laura.chen@northwind.example');
    assert.equal(manual.account.name, 'Northwind Traders');
    assert.equal(manual.opportunity.name, 'Northwind - Platform expansion');
    assert.deepEqual(manual.priority, { id: 1, name: 'high', weight: 100 });
    const dueDates = r.body.tasks.map((t: { dueDate: string }) => t.dueDate);
    assert.deepEqual(dueDates, [...dueDates].sort(), 'ordered by due date');

    const sofia = await s.post('/v2/tasks', tasksBody(U().sofia, { types: ['FLOW'], status: ['OPEN'] }));
    assert.ok(sofia.body.tasks.length >= 3);
    for (const t of sofia.body.tasks) {
      assert.equal(t.type, 'FLOW');
      assert.equal(t.status, 'OPEN');
      assert.equal(t.flow.step.stepNumber > 0, true);
      assert.equal(t.title, undefined, 'flow tasks have no title');
    }
    const omar = sofia.body.tasks.find((t: { contact: { crmId: string } }) => t.contact.crmId === P.leadOmar);
    assert.equal(omar.contact.type, 'LEAD');
    assert.equal(omar.flow.step.stepNumber, 3);
    const dismissed = await s.post('/v2/tasks', tasksBody(U().sofia, { status: ['DISMISSED'] }));
    assert.deepEqual(
      dismissed.body.tasks.map((t: { title: string }) => t.title),
      ['Call back Mindy after the webinar'],
    );
    const jordanSales = await s.post('/v2/tasks', tasksBody(U().jordan, { workspaceId: GONG_SEED.workspaces.sales }));
    assert.deepEqual(jordanSales.body.tasks, []);
    const jordanCs = await s.post(
      '/v2/tasks',
      tasksBody(U().jordan, { workspaceId: GONG_SEED.workspaces.customerSuccess }),
    );
    assert.ok(jordanCs.body.tasks.length > 0);
  });

  test('the filter is validated field by field', async () => {
    const s = setup();
    const cases: [unknown, RegExp][] = [
      [{}, /filter/],
      [{ filter: { userId: U().tom, taskAction: ['CALL'], status: ['OPEN'] } }, /filter\.types/],
      [{ filter: { userId: U().tom, types: ['FLOW'], taskAction: ['EMAIL'], status: ['OPEN'] } }, /filter\.taskAction/],
      [{ filter: { userId: U().tom, types: ['FLOW'], taskAction: ['CALL'], status: [] } }, /filter\.status/],
      [
        { filter: { userId: '123', types: ['FLOW'], taskAction: ['CALL'], status: ['OPEN'] } },
        /filter\.userId: no Gong user/,
      ],
      [tasksBody(U().tom, { workspaceId: '999' }), /filter\.workspaceId/],
    ];
    for (const [body, re] of cases) {
      const r = await s.post('/v2/tasks', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(errorText(r.body), re);
    }
  });
});

describe('Gong emulator: generic CRM integration', () => {
  test('one integration at a time: 409 while one exists; delete removes it with its objects', {
    skip: SPEC_SKIP,
  }, async () => {
    const s = setup();
    const id = ENGAGE_SEED.integrationId;
    const list = await s.get('/v2/crm/integrations');
    assertMatchesSpec('GET', '/v2/crm/integrations', 200, list.body);
    assert.deepEqual(list.body.integrations, [
      { integrationId: Number(id), ownerEmail: email(s, U().elena), name: 'Switchboard CRM sync' },
    ]);
    const dup = await s.put('/v2/crm/integrations', { ownerEmail: 'ops@acme.example', name: 'Second' });
    assert.equal(dup.status, 409);
    assert.match(errorText(dup.body), /already registered/);

    const objects = [...s.state.crmEntities.values()].filter((e) => e.integrationId === id).length;
    assert.ok(objects > 20, 'the seed uploaded accounts, contacts, deals, leads, users and stages');
    const del = await s.del(`/v2/crm/integrations?integrationId=${id}&clientRequestId=del-1`, undefined);
    assert.equal(del.status, 201);
    assertMatchesSpec('DELETE', '/v2/crm/integrations', 201, del.body);
    assert.equal(del.body.clientRequestId, 'del-1');
    assert.equal(s.state.crmIntegrations.size, 0);
    assert.equal([...s.state.crmEntities.values()].filter((e) => e.integrationId === id).length, 0);
    const status = await s.get(`/v2/crm/request-status?integrationId=${id}&clientRequestId=del-1`);
    assert.equal(status.status, 200);
    assertMatchesSpec('GET', '/v2/crm/request-status', 200, status.body);
    assert.equal(status.body.status, 'DONE');
    assert.equal(status.body.totalSuccessCount, objects);
    assert.deepEqual((await s.get('/v2/crm/integrations')).body.integrations, []);

    const reg = await s.put('/v2/crm/integrations', { ownerEmail: 'ops@acme.example', name: 'ACME Sandbox' });
    assert.equal(reg.status, 200);
    assertMatchesSpec('PUT', '/v2/crm/integrations', 200, reg.body);
    assert.equal(typeof reg.body.integrationId, 'number');
    assert.ok(s.state.crmIntegrations.has(String(reg.body.integrationId)));
    const schema = await s.get(`/v2/crm/entity-schema?integrationId=${reg.body.integrationId}`);
    assert.deepEqual(schema.body.objectTypeToSelectedFields, { ACCOUNT: [], CONTACT: [], DEAL: [], LEAD: [] });
  });

  test('register and delete validate their input', async () => {
    const s = setup();
    let r = await s.put('/v2/crm/integrations', { ownerEmail: 'not-an-email', name: 'x' });
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /ownerEmail/);
    r = await s.put('/v2/crm/integrations', { ownerEmail: 'a@b.example' });
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /name/);
    const id = ENGAGE_SEED.integrationId;
    r = await s.del(`/v2/crm/integrations?integrationId=${id}`, undefined);
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /clientRequestId/);
    r = await s.del(`/v2/crm/integrations?integrationId=${id}&clientRequestId=has%20space`, undefined);
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /clientRequestId/);
    r = await s.del('/v2/crm/integrations?integrationId=123&clientRequestId=x', undefined);
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /integrationId: no CRM integration/);
    assert.equal(s.state.crmIntegrations.size, 1, 'nothing deleted');
  });

  test('schema fields per object type', { skip: SPEC_SKIP }, async () => {
    const s = setup();
    const id = ENGAGE_SEED.integrationId;
    const r = await s.get(`/v2/crm/entity-schema?integrationId=${id}&objectType=DEAL`);
    assert.equal(r.status, 200);
    assertMatchesSpec('GET', '/v2/crm/entity-schema', 200, r.body);
    assert.deepEqual(Object.keys(r.body.objectTypeToSelectedFields), ['DEAL']);
    const forecast = r.body.objectTypeToSelectedFields.DEAL.find(
      (f: { uniqueName: string }) => f.uniqueName === 'forecastCategory',
    );
    assert.equal(forecast.type, 'PICKLIST');
    assert.deepEqual(forecast.orderedValueList, ['Pipeline', 'Best case', 'Commit', 'Closed']);
    const all = await s.get(`/v2/crm/entity-schema?integrationId=${id}`);
    assert.deepEqual(Object.keys(all.body.objectTypeToSelectedFields), ['ACCOUNT', 'CONTACT', 'DEAL', 'LEAD']);
    const bad = await s.get(`/v2/crm/entity-schema?integrationId=${id}&objectType=deal`);
    assert.equal(bad.status, 400, 'object types are case-sensitive');
    const missing = await s.get('/v2/crm/entity-schema?objectType=DEAL');
    assert.equal(missing.status, 400);
    assert.match(errorText(missing.body), /integrationId/);
  });

  test('upload: valid lines are applied, invalid ones reported by line in the request status', {
    skip: SPEC_SKIP,
  }, async () => {
    const s = setup();
    const id = ENGAGE_SEED.integrationId;
    const form = ldjson([
      {
        objectId: 'acc-new-1',
        modifiedDate: '2026-06-01T10:00:00Z',
        name: 'Contoso',
        domains: ['contoso.example'],
        industry: 'Retail',
      },
      { objectId: 'acc-new-2', name: 'No date' },
      'not json',
      { objectId: 'acc-new-3', modifiedDate: '2026-06-01T10:00:00.123Z', name: 'Millis' },
      { objectId: 'acc new 4', modifiedDate: '2026-06-01T10:00:00Z' },
      { objectId: 'acc-new-5', modifiedDate: '2026-06-01T10:00:00+02:00', industry: 'Aerospace' },
      { objectId: 'acc-new-6', modifiedDate: '2026-06-01T10:00:00Z', annualRevenue: 'lots' },
      { objectId: '0015g00000GLXAAA2', modifiedDate: '2026-06-02T10:00:00Z', isDeleted: true },
    ]);
    const r = await s.call('POST', uploadPath(id, 'ACCOUNT', 'up-1'), { body: form });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assertMatchesSpec('POST', '/v2/crm/entities', 201, r.body);
    assert.equal(r.body.clientRequestId, 'up-1');
    const status = await s.get(`/v2/crm/request-status?integrationId=${id}&clientRequestId=up-1`);
    assertMatchesSpec('GET', '/v2/crm/request-status', 200, status.body);
    assert.equal(status.body.status, 'FAILED');
    assert.equal(status.body.totalSuccessCount, 2);
    assert.equal(status.body.totalErrorCount, 6);
    const byLine = Object.fromEntries(
      status.body.errors.map((e: { line: number; description: string }) => [e.line, e.description]),
    );
    assert.match(byLine[2], /Mandatory field \[modifiedDate\]/);
    assert.match(byLine[3], /not valid JSON/);
    assert.match(byLine[4], /without milliseconds/);
    assert.match(byLine[5], /objectId/);
    assert.match(byLine[6], /industry.*must be one of/);
    assert.match(byLine[7], /annualRevenue.*must be a number/);

    const objects = await s.get(
      `/v2/crm/entities?integrationId=${id}&objectType=ACCOUNT&objectsCrmIds=acc-new-1&objectsCrmIds=acc-new-2&objectsCrmIds=0015g00000GLXAAA2&objectsCrmIds=0015g00000NWTAAA1`,
    );
    assert.equal(objects.status, 200);
    // Gong documents null for an object it does not hold (the schema cannot say so): checked apart.
    const held = Object.fromEntries(Object.entries(objects.body.crmObjectsMap).filter(([, v]) => v !== null));
    assertMatchesSpec('GET', '/v2/crm/entities', 200, { ...objects.body, crmObjectsMap: held });
    assert.equal(objects.body.crmObjectsMap['acc-new-1'].name, 'Contoso');
    assert.deepEqual(objects.body.crmObjectsMap['acc-new-1'].domains, ['contoso.example']);
    assert.equal(objects.body.crmObjectsMap['acc-new-2'], null, 'a rejected line is not stored');
    assert.equal(objects.body.crmObjectsMap['0015g00000GLXAAA2'], null, 'isDeleted removed Globex');
    assert.equal(objects.body.crmObjectsMap['0015g00000NWTAAA1'].name, 'Northwind Traders');

    const reused = await s.call('POST', uploadPath(id, 'ACCOUNT', 'up-1'), {
      body: ldjson([{ objectId: 'x', modifiedDate: '2026-06-01T10:00:00Z' }]),
    });
    assert.equal(reused.status, 409, 'a clientRequestId is used once');
  });

  test('upload: an object with the same id is replaced; each type has its mandatory fields', async () => {
    const s = setup();
    const id = ENGAGE_SEED.integrationId;
    const up = async (type: string, requestId: string, lines: Record<string, unknown>[]) => {
      const r = await s.call('POST', uploadPath(id, type, requestId), { body: ldjson(lines) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return (await s.get(`/v2/crm/request-status?integrationId=${id}&clientRequestId=${requestId}`)).body;
    };
    let st = await up('CONTACT', 'c-1', [
      {
        objectId: P.bill,
        modifiedDate: '2026-06-10T08:00:00Z',
        firstName: 'William',
        lastName: 'Lumbergh',
        emailAddress: 'bill@initech.example',
      },
    ]);
    assert.equal(st.status, 'DONE');
    const bill = s.state.crmEntities.get(`${id}|CONTACT|${P.bill}`)!;
    assert.equal(bill.fields.firstName, 'William');
    assert.equal(bill.fields.title, undefined, 'the upload replaced the whole object');
    st = await up('BUSINESS_USER', 'bu-1', [{ objectId: 'u-9', modifiedDate: '2026-06-10T08:00:00Z' }]);
    assert.match(st.errors[0].description, /emailAddress/);
    st = await up('STAGE', 'st-1', [
      { objectId: 'proposal', isActive: true },
      { objectId: 'won', name: 'Won', sortOrder: 6 },
    ]);
    assert.equal(st.totalErrorCount, 1);
    assert.match(st.errors[0].description, /\[name\]/);
    st = await up('DEAL', 'd-1', [
      { objectId: 'd-9', modifiedDate: '2026-06-10T08:00:00Z', status: 'PENDING', amount: '10' },
    ]);
    assert.match(st.errors[0].description, /status.*WON, LOST, OPEN/);
    assert.match(st.errors[0].description, /amount/);
  });

  test('upload: multipart body, dataFile part and known parameters are required', async () => {
    const s = setup();
    const id = ENGAGE_SEED.integrationId;
    let r = await s.post(uploadPath(id, 'ACCOUNT', 'j-1'), { objectId: 'x' });
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /dataFile.*multipart/);
    const wrongPart = new FormData();
    wrongPart.append('file', new Blob(['{}']), 'x.ldjson');
    r = await s.call('POST', uploadPath(id, 'ACCOUNT', 'j-2'), { body: wrongPart });
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /dataFile: required/);
    r = await s.call('POST', uploadPath(id, 'ACCOUNT', 'j-3'), { body: ldjson(['', '  ']) });
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /empty/);
    r = await s.call('POST', uploadPath(id, 'OPPORTUNITY', 'j-4'), { body: ldjson([{ objectId: 'x' }]) });
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /objectType/);
    r = await s.call('POST', uploadPath('42', 'ACCOUNT', 'j-5'), { body: ldjson([{ objectId: 'x' }]) });
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /integrationId/);
    r = await s.call('POST', uploadPath(id, 'ACCOUNT', 'j-6'), {
      body: ldjson([{ objectId: 'x', modifiedDate: '2026-06-01T10:00:00Z' }]),
      headers: { 'content-length': String(201 * 1024 * 1024) },
    });
    assert.equal(r.status, 413, 'Gong takes files up to 200 MB');
    r = await s.get(`/v2/crm/request-status?integrationId=${id}&clientRequestId=never-sent`);
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /clientRequestId/);
    assert.equal(s.state.crmRequests.size, 0, 'refused uploads leave no request behind');
  });

  test('get objects: ids from the query, unknown ones null, at most 100', async () => {
    const s = setup();
    const id = ENGAGE_SEED.integrationId;
    // (Gong's own way, a JSON body on the GET, is covered end to end: a fetch Request cannot carry a GET body.)
    const ids = Array.from({ length: 120 }, (_, k) => `lead-${k}`);
    const many = await s.get(
      `/v2/crm/entities?integrationId=${id}&objectType=LEAD&objectsCrmIds=${[P.leadRita, ...ids].join(',')}`,
    );
    assert.equal(many.status, 200);
    assert.equal(Object.keys(many.body.crmObjectsMap).length, 100);
    assert.equal(many.body.crmObjectsMap[P.leadRita].firstName, 'Rita');
    assert.equal(many.body.crmObjectsMap['lead-0'], null);
    const none = await s.get(`/v2/crm/entities?integrationId=${id}&objectType=LEAD`);
    assert.equal(none.status, 400);
    assert.match(errorText(none.body), /objectsCrmIds/);
    const stage = await s.get(`/v2/crm/entities?integrationId=${id}&objectType=STAGE&objectsCrmIds=won`);
    assert.equal(stage.status, 400, 'only ACCOUNT, CONTACT, DEAL and LEAD can be read');
  });
});

describe('Gong emulator: permission profiles', () => {
  test('list (alphabetical per workspace), get and users of a profile', { skip: SPEC_SKIP }, async () => {
    const s = setup();
    const list = await s.get(`/v2/all-permission-profiles?workspaceId=${GONG_SEED.workspaces.sales}`);
    assert.equal(list.status, 200);
    assertMatchesSpec('GET', '/v2/all-permission-profiles', 200, list.body);
    assert.deepEqual(
      list.body.profiles.map((p: { name: string }) => p.name),
      ['Administrator', 'Sales manager', 'Sales rep'],
    );
    const manager = await s.get(`/v2/permission-profile?profileId=${ENGAGE_SEED.profiles.salesManager}`);
    assertMatchesSpec('GET', '/v2/permission-profile', 200, manager.body);
    assert.deepEqual(manager.body.profile.callsAccess, { permissionLevel: 'managers-team', teamLeadIds: [U().marcus] });
    assert.equal(manager.body.profile.coaching, true);
    assert.equal(manager.body.profile.deleteCalls, false);
    const users = await s.get(`/v2/permission-profile/users?profileId=${ENGAGE_SEED.profiles.salesRep}`);
    assertMatchesSpec('GET', '/v2/permission-profile/users', 200, users.body);
    assert.deepEqual(
      users.body.users.map((u: { fullName: string }) => u.fullName),
      ['Priya Raman', 'Tom Becker', 'Sofia Alvarez', 'Sam Okafor'],
    );
    assert.equal(users.body.users[0].emailAddress, email(s, U().priya));
    for (const path of [
      '/v2/permission-profile?profileId=123',
      '/v2/permission-profile/users?profileId=abc',
      '/v2/all-permission-profiles?workspaceId=9',
    ]) {
      const r = await s.get(path);
      assert.equal(r.status, 400, path);
    }
    assert.match(errorText((await s.get('/v2/all-permission-profiles')).body), /workspaceId/);
  });

  test('create: defaults to none/false, validates references, 422 for a duplicate name', {
    skip: SPEC_SKIP,
  }, async () => {
    const s = setup();
    const ws = GONG_SEED.workspaces.sales;
    const r = await s.post(`/v2/permission-profile?workspaceId=${ws}`, {
      name: 'Enablement',
      description: 'Enablement team',
      callsAccess: { permissionLevel: 'all' },
      coachingAccess: { permissionLevel: 'managers-team', teamLeadIds: [U().marcus] },
      libraryFolderAccess: {
        permissionLevel: 'specific-folders',
        libraryFolderIds: [GONG_SEED.folders.bestDiscovery],
        manageFolderCalls: true,
      },
      forecastPermissions: { forecastAccess: { permissionLevel: 'own' } },
      scoreCalls: true,
      library: true,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assertMatchesSpec('POST', '/v2/permission-profile', 200, r.body);
    const p = r.body.profile;
    assert.match(p.id, /^\d+$/);
    assert.equal(p.dealsAccess.permissionLevel, 'none');
    assert.equal(p.forecastPermissions.forecastAccess.permissionLevel, 'own');
    assert.equal(p.forecastPermissions.forecastEditTargets.permissionLevel, 'none');
    assert.deepEqual(p.libraryFolderAccess.libraryFolderIds, [GONG_SEED.folders.bestDiscovery]);
    assert.equal(p.scoreCalls, true);
    assert.equal(p.deleteCalls, false);
    assert.equal(s.state.permissionProfiles.get(p.id)!.workspaceId, ws);

    const dup = await s.post(`/v2/permission-profile?workspaceId=${ws}`, { name: 'enablement' });
    assert.equal(dup.status, 422);
    const otherWs = await s.post(`/v2/permission-profile?workspaceId=${GONG_SEED.workspaces.customerSuccess}`, {
      name: 'Enablement',
    });
    assert.equal(otherWs.status, 200, 'names are unique per workspace');

    const invalid: [Record<string, unknown>, RegExp][] = [
      [{}, /name: required/],
      [{ name: 'A', callsAccess: { permissionLevel: 'managers-team' } }, /callsAccess\.teamLeadIds: required/],
      [
        { name: 'A', callsAccess: { permissionLevel: 'own', teamLeadIds: [U().marcus] } },
        /only allowed with permissionLevel managers-team/,
      ],
      [
        { name: 'A', dealsAccess: { permissionLevel: 'managers-team', teamLeadIds: ['1'] } },
        /dealsAccess\.teamLeadIds\[0\]: no Gong user/,
      ],
      [{ name: 'A', callsAccess: { permissionLevel: 'everyone' } }, /callsAccess\.permissionLevel/],
      [
        {
          name: 'A',
          libraryFolderAccess: { permissionLevel: 'none', libraryFolderIds: [GONG_SEED.folders.bestDiscovery] },
        },
        /libraryFolderIds: not allowed/,
      ],
      [{ name: 'A', libraryFolderAccess: { permissionLevel: 'none', manageStreams: true } }, /manageStreams/],
      [
        {
          name: 'A',
          libraryFolderAccess: {
            permissionLevel: 'specific-folders',
            libraryFolderIds: [GONG_SEED.folders.onboarding],
          },
        },
        /libraryFolderIds\[0\]: no library folder .* in workspace/,
      ],
      [{ name: 'A', canFly: true }, /canFly/],
      [{ name: 'A', scoreCalls: 'yes' }, /scoreCalls/],
    ];
    for (const [body, re] of invalid) {
      const bad = await s.post(`/v2/permission-profile?workspaceId=${ws}`, body);
      assert.equal(bad.status, 400, JSON.stringify(body));
      assert.match(errorText(bad.body), re, JSON.stringify(body));
    }
    const noWs = await s.post('/v2/permission-profile', { name: 'B' });
    assert.equal(noWs.status, 400);
    assert.match(errorText(noWs.body), /workspaceId/);
  });

  test('update changes only what is sent; a refused update changes nothing', { skip: SPEC_SKIP }, async () => {
    const s = setup();
    const id = ENGAGE_SEED.profiles.salesRep;
    const r = await s.put(`/v2/permission-profile?profileId=${id}`, {
      description: 'Reps: own data, can download media',
      downloadCallMedia: true,
      emailsAccess: { permissionLevel: 'report-to-them' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assertMatchesSpec('PUT', '/v2/permission-profile', 200, r.body);
    assert.equal(r.body.profile.name, 'Sales rep', 'unchanged');
    assert.equal(r.body.profile.downloadCallMedia, true);
    assert.equal(r.body.profile.scoreCalls, true, 'unchanged');
    assert.equal(r.body.profile.emailsAccess.permissionLevel, 'report-to-them');
    assert.equal(r.body.profile.callsAccess.permissionLevel, 'own', 'unchanged');
    assert.deepEqual(s.state.permissionProfiles.get(id)!.userIds.length, 4, 'the users stay');

    const refused = await s.put(`/v2/permission-profile?profileId=${id}`, {
      deleteCalls: true,
      dealsAccess: { permissionLevel: 'managers-team' },
    });
    assert.equal(refused.status, 400);
    assert.equal(s.state.permissionProfiles.get(id)!.capabilities.deleteCalls, false, 'nothing applied');
    const rename = await s.put(`/v2/permission-profile?profileId=${id}`, { name: 'Administrator' });
    assert.equal(rename.status, 400);
    assert.match(errorText(rename.body), /already exists/);
    const otherId = await s.put(`/v2/permission-profile?profileId=${id}`, { id: ENGAGE_SEED.profiles.salesAdmin });
    assert.equal(otherId.status, 400);
    const unknown = await s.put('/v2/permission-profile?profileId=5', { name: 'X' });
    assert.equal(unknown.status, 400);
    assert.match(errorText(unknown.body), /profileId/);
  });
});

describe('Gong emulator: data privacy', () => {
  test('an email address: its calls, emails, meetings, CRM contact and engagement', { skip: SPEC_SKIP }, async () => {
    const s = setup();
    const address = 'laura.chen@northwind.example';
    const r = await s.get(
      `/v2/data-privacy/data-for-email-address?emailAddress=${encodeURIComponent('Laura.Chen@Northwind.example')}`,
    );
    assert.equal(r.status, 200);
    assertMatchesSpec('GET', '/v2/data-privacy/data-for-email-address', 200, r.body);
    const expectedCalls = s.state
      .callsInOrder()
      .filter((c) => c.parties.some((p) => p.emailAddress === address))
      .map((c) => c.id);
    assert.ok(expectedCalls.length > 0);
    assert.deepEqual(
      r.body.calls.map((c: { id: string }) => c.id),
      expectedCalls,
    );
    assert.equal(r.body.calls[0].status, 'COMPLETED');
    assert.equal(r.body.calls[0].externalSystems[0].system, 'Salesforce');
    assert.equal(r.body.emails.length, 2, "Priya's recap and Laura's reply");
    assert.ok(r.body.emails.some((e: { from: string }) => e.from === address));
    assert.equal(r.body.emails[0].id.length, 32);
    assert.deepEqual(
      r.body.customerData[0].objects.map((o: { objectType: string; externalId: string }) => [
        o.objectType,
        o.externalId,
      ]),
      [['Contact', P.laura]],
    );
    assert.ok(r.body.meetings.length >= 1, 'the seeded upcoming meeting with Northwind');
    const types = r.body.customerEngagement.map((e: { eventType: string }) => e.eventType).sort();
    assert.deepEqual(types, ['contentShared', 'contentViewed', 'digitalInteraction']);

    const nobody = await s.get('/v2/data-privacy/data-for-email-address?emailAddress=nobody@nowhere.example');
    assert.deepEqual(
      { ...nobody.body, requestId: undefined },
      { requestId: undefined, emails: [], calls: [], meetings: [], customerData: [], customerEngagement: [] },
    );
    const bad = await s.get('/v2/data-privacy/data-for-email-address?emailAddress=not-an-address');
    assert.equal(bad.status, 400);
    assert.match(errorText(bad.body), /emailAddress/);
  });

  test('a phone number in any format: the people with it, their calls and emails', { skip: SPEC_SKIP }, async () => {
    const s = setup();
    const r = await s.get(
      `/v2/data-privacy/data-for-phone-number?phoneNumber=${encodeURIComponent('+1 (312) 555-0152')}`,
    );
    assert.equal(r.status, 200);
    assertMatchesSpec('GET', '/v2/data-privacy/data-for-phone-number', 200, r.body);
    assert.equal(r.body.suppliedPhoneNumber, '+1 (312) 555-0152');
    assert.deepEqual(r.body.matchingPhoneNumbers, ['+1 312 555 0152']);
    assert.deepEqual(r.body.emailAddresses, ['mindy.park@globex.example']);
    assert.equal(r.body.customerData[0].objects[0].externalId, P.mindy);
    assert.ok(r.body.calls.length > 0);
    assert.ok(r.body.emails.length > 0, 'the outbound flow email to Mindy');
    const lead = await s.get(
      `/v2/data-privacy/data-for-phone-number?phoneNumber=${encodeURIComponent('+44 20 7946 0958')}`,
    );
    assert.deepEqual(
      lead.body.customerData[0].objects.map((o: { objectType: string }) => o.objectType),
      ['Lead'],
    );
    for (const bad of ['312 555 0152', '+12', '']) {
      const e = await s.get(`/v2/data-privacy/data-for-phone-number?phoneNumber=${encodeURIComponent(bad)}`);
      assert.equal(e.status, 400, bad);
      assert.match(errorText(e.body), /phoneNumber/);
    }
  });

  test('erasing an email address removes its calls, emails, CRM record, Engage history and engagement', async () => {
    const s = setup();
    const address = 'laura.chen@northwind.example';
    const callIds = s.state
      .callsInOrder()
      .filter((c) => c.parties.some((p) => p.emailAddress === address))
      .map((c) => c.id);
    assert.ok(callIds.includes(GONG_SEED.calls.latestExternal));
    assert.ok(s.state.callAccess.has(GONG_SEED.calls.latestExternal));
    const before = s.state.calls.size;
    const r = await s.post(
      `/v2/data-privacy/erase-data-for-email-address?emailAddress=${encodeURIComponent(address)}`,
      undefined,
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body), ['requestId']);
    assert.equal(s.state.calls.size, before - callIds.length);
    for (const id of callIds) assert.equal(s.state.calls.has(id), false);
    assert.equal(s.state.callAccess.has(GONG_SEED.calls.latestExternal), false, 'the access grants went with the call');
    for (const f of s.state.libraryFolders.values()) for (const e of f.calls) assert.ok(!callIds.includes(e.callId));
    for (const a of s.state.activity.values()) assert.ok(!a.callsAsHost.some((id) => callIds.includes(id)));
    assert.ok(![...s.state.emailMessages.values()].some((m) => [m.from, ...m.to, ...m.cc].includes(address)));
    assert.equal(s.state.crmEntities.has(`${ENGAGE_SEED.integrationId}|CONTACT|${P.laura}`), false);
    assert.ok(![...s.state.engageTasks.values()].some((t) => t.contactCrmId === P.laura), 'tasks about Laura erased');
    assert.ok(![...s.state.meetings.values()].some((m) => m.invitees.some((i) => i.email === address)));
    assert.ok(!s.state.engagementEvents.some((e) => e.externalEmails.includes(address)));
    assert.ok(![...s.state.digitalInteractions.values()].some((d) => d.personEmail === address));
    assert.ok(!JSON.stringify(s.state.logs).includes(address), 'logs anonymised');
    assert.ok(
      s.state.calls.size > 0 && s.state.crmEntities.has(`${ENGAGE_SEED.integrationId}|CONTACT|${P.victor}`),
      'others stay',
    );

    const after = await s.get(`/v2/data-privacy/data-for-email-address?emailAddress=${encodeURIComponent(address)}`);
    for (const k of ['emails', 'calls', 'meetings', 'customerData', 'customerEngagement']) {
      assert.deepEqual(after.body[k], [], k);
    }
  });

  test('erasing a phone number removes the lead or contact with it and their data', async () => {
    const s = setup();
    const phone = '+1 312 555 0152';
    const found = await s.get(`/v2/data-privacy/data-for-phone-number?phoneNumber=${encodeURIComponent(phone)}`);
    const callIds = found.body.calls.map((c: { id: string }) => c.id);
    const r = await s.post(
      `/v2/data-privacy/erase-data-for-phone-number?phoneNumber=${encodeURIComponent('+13125550152')}`,
      undefined,
    );
    assert.equal(r.status, 200);
    for (const id of callIds) assert.equal(s.state.calls.has(id), false);
    assert.equal(s.state.crmEntities.has(`${ENGAGE_SEED.integrationId}|CONTACT|${P.mindy}`), false);
    assert.ok(![...s.state.flowInstances.values()].some((i) => i.crmProspectId === P.mindy), 'Engage history erased');
    const after = await s.get(`/v2/data-privacy/data-for-phone-number?phoneNumber=${encodeURIComponent(phone)}`);
    assert.deepEqual(
      [after.body.calls, after.body.emails, after.body.customerData, after.body.matchingPhoneNumbers],
      [[], [], [], []],
    );
  });

  test(`the integrity protection refuses an erase that would delete more than ${MAX_ERASED_CALLS} calls`, async () => {
    const s = setup();
    const priya = email(s, U().priya);
    const calls = s.state.callsInOrder().filter((c) => c.parties.some((p) => p.emailAddress === priya)).length;
    assert.ok(calls > MAX_ERASED_CALLS, `Priya is on ${calls} calls`);
    const before = s.state.calls.size;
    const r = await s.post(
      `/v2/data-privacy/erase-data-for-email-address?emailAddress=${encodeURIComponent(priya)}`,
      undefined,
    );
    assert.equal(r.status, 400);
    assert.match(errorText(r.body), /data integrity protection/);
    assert.equal(s.state.calls.size, before, 'nothing deleted');
    const missing = await s.post('/v2/data-privacy/erase-data-for-phone-number', undefined);
    assert.equal(missing.status, 400);
    assert.match(errorText(missing.body), /phoneNumber/);
  });
});

describe('Gong emulator: engage group scopes and seed', () => {
  test('OAuth tokens need the scope of each operation', async () => {
    const s = setup();
    const t = await oauthTokens(s, {
      approveAs: GONG_SEED.users.dana,
      scopes: ['api:flows:read', 'api:crm:integrations:read'],
    });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const auth = `Bearer ${t.body.access_token}`;
    const owner = encodeURIComponent(email(s, U().dana));
    const ok = await s.get(customerPath(t.body, `/v2/flows?flowOwnerEmail=${owner}`), { auth });
    assert.equal(ok.status, 200);
    const denied = await s.post(
      customerPath(t.body, '/v2/flows/prospects/unassign-flows-by-crm-id'),
      { crmProspectId: P.mindy },
      { auth },
    );
    assert.equal(denied.status, 403);
    assert.match(errorText(denied.body), /api:flows:write/);
    const erase = await s.post(
      customerPath(t.body, `/v2/data-privacy/erase-data-for-email-address?emailAddress=a%40b.example`),
      undefined,
      { auth },
    );
    assert.equal(erase.status, 403);
    // The spec names no scope for the permission profiles.
    const profiles = await s.get(
      customerPath(t.body, `/v2/all-permission-profiles?workspaceId=${GONG_SEED.workspaces.sales}`),
      { auth },
    );
    assert.equal(profiles.status, 200);
  });

  test('the seed is deterministic and complete after a reset', async () => {
    const s = setup();
    const snapshot = () =>
      JSON.stringify([
        [...s.state.flows.keys()],
        [...s.state.flowInstances.values()],
        [...s.state.engageTasks.values()],
        [...s.state.emailMessages.keys()],
        [...s.state.crmEntities.keys()],
        [...s.state.permissionProfiles.keys()],
      ]);
    const first = snapshot();
    await s.post('/v2/flows/prospects/unassign-flows-by-crm-id', { crmProspectId: P.mindy });
    s.emulator.reset();
    assert.equal(snapshot(), first);
    assert.equal(s.state.flowFolders.size, 6);
    assert.equal(s.state.flows.size, 6);
    assert.ok(s.state.flowInstances.size >= 10);
    assert.ok([...s.state.flowInstances.values()].every((i) => Date.parse(i.created) <= FIXED_NOW.getTime()));
    assert.equal(s.state.crmIntegrations.size, 1);
    assert.equal(s.state.permissionProfiles.size, 5);
    for (const key of Object.values(P)) {
      const known = [...s.state.crmEntities.values()].some((e) => e.objectId === key);
      assert.ok(known, `prospect ${key} is a CRM contact or lead`);
    }
    // Every user has exactly one profile in each workspace they belong to.
    for (const u of s.state.users.values()) {
      for (const ws of u.workspaceIds) {
        const n = [...s.state.permissionProfiles.values()].filter(
          (p) => p.workspaceId === ws && p.userIds.includes(u.id),
        ).length;
        assert.equal(n, 1, `${u.emailAddress} in ${ws}`);
      }
    }
  });
});
