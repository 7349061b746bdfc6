/**
 * Gong engage tools end to end: MCP client → gateway → executor → Gong emulator over HTTP. Engage flows and tasks,
 * the generic CRM integration (LDJSON upload as multipart, the GET-with-body read, asynchronous request status),
 * permission profiles and data privacy. Every tool's effect is checked in the emulator state or by reading it back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { GONG_SEED, type GongEmulator } from '../../src/emulators/gong/index.ts';
import { ENGAGE_SEED } from '../../src/emulators/gong/routes-engage.ts';
import { resultJson, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const ENGAGE_TOOLS = [
  'gong_list_flow_folders',
  'gong_list_flows',
  'gong_get_flow_prospects',
  'gong_assign_prospects_to_flow',
  'gong_unassign_flows_by_crm_id',
  'gong_list_tasks',
  'gong_register_crm_integration',
  'gong_get_crm_integration',
  'gong_delete_crm_integration',
  'gong_list_crm_schema_fields',
  'gong_upload_crm_objects',
  'gong_get_crm_objects',
  'gong_get_crm_request_status',
  'gong_create_permission_profile',
  'gong_update_permission_profile',
  'gong_get_permission_profile',
  'gong_list_permission_profiles',
  'gong_list_permission_profile_users',
  'gong_get_data_for_email_address',
  'gong_get_data_for_phone_number',
  'gong_erase_data_for_email_address',
  'gong_erase_data_for_phone_number',
];

const P = ENGAGE_SEED.prospects;
const F = ENGAGE_SEED.flows;

describe('Gong engage tools end to end through /mcp/gong', () => {
  let gw: TestGateway;
  let client: Client;
  let emulator: GongEmulator;

  before(async () => {
    gw = await startTestGateway();
    client = await gw.connect('/mcp/gong');
    emulator = gw.gateway.emulators.get('gong') as GongEmulator;
  });
  after(() => gw.close());

  const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });
  /** Calls a tool that must succeed and returns its parsed result. */
  const ok = async (name: string, args: Record<string, unknown>) => {
    const res = await call(name, args);
    assert.equal(res.isError, undefined, `${name}: ${JSON.stringify(res.content)}`);
    return resultJson(res);
  };
  /** Calls a tool that must fail and returns its error. */
  const fails = async (name: string, args: Record<string, unknown>) => {
    const res = await call(name, args);
    assert.equal(res.isError, true, `${name} should fail: ${JSON.stringify(res.content)}`);
    return resultJson(res).error;
  };
  const emailOf = (userId: string) => emulator.state.users.get(userId)!.emailAddress;

  test('lists the engage tools with annotations that match what they do', async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const name of ENGAGE_TOOLS) assert.ok(byName.has(name), `${name} is listed`);
    for (const name of [
      'gong_erase_data_for_email_address',
      'gong_erase_data_for_phone_number',
      'gong_delete_crm_integration',
      'gong_unassign_flows_by_crm_id',
    ]) {
      assert.equal(byName.get(name)!.annotations?.destructiveHint, true, `${name} is destructive`);
      assert.match(byName.get(name)!.description ?? '', /cannot be undone/i, `${name} says so plainly`);
    }
    for (const name of ['gong_get_flow_prospects', 'gong_list_tasks', 'gong_get_data_for_email_address']) {
      assert.equal(byName.get(name)!.annotations?.readOnlyHint, true, `${name} only reads`);
    }
    assert.deepEqual(byName.get('gong_assign_prospects_to_flow')!.inputSchema.required?.sort(), [
      'crm_prospect_ids',
      'flow_id',
      'owner_email',
    ]);
  });

  describe('Engage flows and tasks', () => {
    before(() => emulator.reset());

    test('gong_list_flow_folders: the folders a user can see, renamed to "folders"', async () => {
      const body = await ok('gong_list_flow_folders', { owner_email: emailOf(GONG_SEED.users.priya) });
      const names = body.folders.map((f: { name: string }) => f.name);
      assert.ok(names.includes("Priya's flows") && names.includes('SDR team (shared)'), JSON.stringify(names));
      assert.equal(body.flows, undefined);
      assert.equal(body.next_cursor, null);
      const nested = await ok('gong_list_flow_folders', {
        owner_email: emailOf(GONG_SEED.users.tom),
        parent_id: ENGAGE_SEED.folders.playbooks,
      });
      assert.deepEqual(
        nested.folders.map((f: { name: string }) => f.name),
        ['Company playbooks', 'Inbound'],
      );
    });

    test("gong_list_flows: a folder's flows; an unknown user is Gong's 400", async () => {
      const body = await ok('gong_list_flows', {
        owner_email: emailOf(GONG_SEED.users.tom),
        folder_id: ENGAGE_SEED.folders.outbound,
      });
      assert.deepEqual(
        body.flows.map((f: { id: string; exclusive: boolean }) => [f.id, f.exclusive]),
        [
          [F.outboundCold, true],
          [F.eventFollowUp, false],
        ],
      );
      const err = await fails('gong_list_flows', { owner_email: 'ghost@nowhere.example' });
      assert.equal(err.status, 400);
      assert.match(err.message, /flowOwnerEmail: no Gong user/);
    });

    test('gong_get_flow_prospects: open flows of prospects; needs an id list', async () => {
      const body = await ok('gong_get_flow_prospects', { crm_prospect_ids: [P.mindy, P.carlos] });
      assert.deepEqual(
        body.prospectsAssigned.map((i: { crmProspectId: string; flowId: string }) => [i.crmProspectId, i.flowId]),
        [[P.mindy, F.outboundCold]],
        'Carlos finished his flow: not open',
      );
      const err = await fails('gong_get_flow_prospects', {});
      assert.equal(err.code, 'invalid_arguments');
    });

    let instanceId: string;
    test('gong_assign_prospects_to_flow: assigns, creates the to-do, reports refusals per prospect', async () => {
      const body = await ok('gong_assign_prospects_to_flow', {
        flow_id: F.inboundDemo,
        crm_prospect_ids: [P.bill, P.carlos, 'not-a-crm-id'],
        owner_email: emailOf(GONG_SEED.users.sofia),
        step_overrides: [{ number: 1, subject: 'Call about the 120 seats' }],
        description: 'Expansion outreach',
      });
      assert.equal(body.prospectsAssigned.length, 1);
      instanceId = body.prospectsAssigned[0].flowInstanceId;
      assert.equal(body.prospectsAssigned[0].crmProspectId, P.bill);
      const reasons = body.prospectsNotAssigned.map((f: { crmProspectId: string; errorCode: string }) => [
        f.crmProspectId,
        f.errorCode,
      ]);
      assert.deepEqual(reasons, [
        [P.carlos, 'InvalidState'],
        ['not-a-crm-id', 'InvalidArgument'],
      ]);
      const stored = emulator.state.flowInstances.get(instanceId)!;
      assert.equal(stored.flowId, F.inboundDemo);
      assert.equal(stored.ownerUserId, GONG_SEED.users.sofia);
      assert.deepEqual(stored.stepOverrides, [{ number: 1, subject: 'Call about the 120 seats' }]);
      assert.equal(stored.description, 'Expansion outreach');
      const err = await fails('gong_assign_prospects_to_flow', {
        flow_id: '12345',
        crm_prospect_ids: [P.bill],
        owner_email: emailOf(GONG_SEED.users.sofia),
      });
      assert.equal(err.status, 404);
    });

    test("gong_list_tasks: the assignment's call to-do is among Sofia's open tasks", async () => {
      const body = await ok('gong_list_tasks', { user_id: GONG_SEED.users.sofia });
      assert.ok(body.tasks.length > 0);
      assert.ok(
        body.tasks.every((t: { status: string }) => t.status === 'OPEN'),
        'OPEN by default',
      );
      const bill = body.tasks.find((t: { contact?: { crmId: string } }) => t.contact?.crmId === P.bill);
      assert.ok(bill, JSON.stringify(body.tasks.map((t: { contact?: { crmId: string } }) => t.contact?.crmId)));
      assert.equal(bill.type, 'FLOW');
      assert.equal(bill.flow.id, Number(F.inboundDemo));
      assert.equal(bill.flow.step.stepNumber, 1);
      assert.equal(bill.contact.data.lastName, 'Lumbergh');
      const manual = await ok('gong_list_tasks', {
        user_id: GONG_SEED.users.sofia,
        types: ['MANUAL'],
        statuses: ['DISMISSED'],
      });
      assert.deepEqual(
        manual.tasks.map((t: { title: string }) => t.title),
        ['Call back Mindy after the webinar'],
      );
    });

    test('gong_unassign_flows_by_crm_id: stops the flow and dismisses its to-do', async () => {
      const body = await ok('gong_unassign_flows_by_crm_id', {
        crm_prospect_id: P.bill,
        flow_id: F.inboundDemo,
        unassigned_by_email: emailOf(GONG_SEED.users.marcus),
      });
      assert.deepEqual(body.unassignedFlowInstanceIds, [instanceId]);
      const stored = emulator.state.flowInstances.get(instanceId)!;
      assert.equal(stored.status, 'Finished');
      assert.equal(stored.unassigned?.byUserId, GONG_SEED.users.marcus);
      const task = [...emulator.state.engageTasks.values()].find((t) => t.flowInstanceId === instanceId)!;
      assert.equal(task.status, 'DISMISSED');
      const open = await ok('gong_get_flow_prospects', { crm_prospect_ids: [P.bill] });
      assert.deepEqual(open.prospectsAssigned, []);
      const all = await ok('gong_get_flow_prospects', { flow_instance_ids: [instanceId] });
      assert.equal(all.prospectsAssigned[0].flowInstanceStatus, 'Finished');
    });
  });

  describe('CRM integration', () => {
    before(() => emulator.reset());
    let integrationId: string;

    test('gong_get_crm_integration: the registered integration, its id as a string', async () => {
      const body = await ok('gong_get_crm_integration', {});
      assert.equal(body.integrations.length, 1);
      integrationId = body.integrations[0].integrationId;
      assert.equal(integrationId, ENGAGE_SEED.integrationId);
      assert.equal(body.integrations[0].name, 'Switchboard CRM sync');
    });

    test('gong_list_crm_schema_fields: custom fields of an object type', async () => {
      const body = await ok('gong_list_crm_schema_fields', { integration_id: integrationId, object_type: 'LEAD' });
      assert.deepEqual(
        body.objectTypeToSelectedFields.LEAD.map((f: { uniqueName: string; type: string }) => [f.uniqueName, f.type]),
        [
          ['leadSource', 'PICKLIST'],
          ['leadScore', 'NUMBER'],
        ],
      );
    });

    let requestId: string;
    test('gong_upload_crm_objects: an LDJSON multipart upload; valid objects stored, the bad line reported', async () => {
      const body = await ok('gong_upload_crm_objects', {
        integration_id: integrationId,
        object_type: 'LEAD',
        objects: [
          {
            objectId: 'LEAD-E2E-1',
            modifiedDate: '2026-06-01T10:00:00Z',
            firstName: 'Ada',
            lastName: 'Byron',
            emailAddress: 'ada.byron@analytical.example',
            phoneNumber: '+44 20 7946 0000',
            leadSource: 'Referral',
            leadScore: 77,
          },
          { objectId: 'LEAD-E2E-2', firstName: 'No', lastName: 'Date' },
          { objectId: 'LEAD-E2E-3', modifiedDate: '2026-06-01T10:00:00Z', leadSource: 'Billboard' },
        ],
      });
      requestId = body.clientRequestId;
      assert.match(requestId, /^switchboard-/, 'a request id was generated');
      const stored = emulator.state.crmEntities.get(`${integrationId}|LEAD|LEAD-E2E-1`);
      assert.ok(stored, 'the valid lead is stored');
      assert.equal(stored.fields.leadScore, 77);
      assert.equal(emulator.state.crmEntities.has(`${integrationId}|LEAD|LEAD-E2E-2`), false);
    });

    test('gong_get_crm_request_status: FAILED with the rejected lines', async () => {
      const body = await ok('gong_get_crm_request_status', {
        integration_id: integrationId,
        client_request_id: requestId,
      });
      assert.equal(body.status, 'FAILED');
      assert.equal(body.totalSuccessCount, 1);
      assert.equal(body.totalErrorCount, 2);
      assert.deepEqual(
        body.errors.map((e: { line: number }) => e.line),
        [2, 3],
      );
      assert.match(body.errors[0].description, /modifiedDate/);
      assert.match(body.errors[1].description, /leadSource/);
    });

    test('gong_get_crm_objects: reads the upload back; unknown ids are null', async () => {
      const body = await ok('gong_get_crm_objects', {
        integration_id: integrationId,
        object_type: 'LEAD',
        object_ids: ['LEAD-E2E-1', 'LEAD-E2E-2', P.leadRita],
      });
      assert.equal(body.crmObjectsMap['LEAD-E2E-1'].emailAddress, 'ada.byron@analytical.example');
      assert.equal(body.crmObjectsMap['LEAD-E2E-2'], null);
      assert.equal(body.crmObjectsMap[P.leadRita].firstName, 'Rita');
    });

    test('gong_register_crm_integration: refused while one exists (409)', async () => {
      const err = await fails('gong_register_crm_integration', { owner_email: 'ops@acme.example', name: 'Second' });
      assert.equal(err.status, 409);
      assert.match(err.message, /already registered/);
    });

    test('gong_delete_crm_integration: removes the integration and its objects; the status says DONE', async () => {
      const body = await ok('gong_delete_crm_integration', {
        integration_id: integrationId,
        client_request_id: 'e2e-delete-1',
      });
      assert.equal(body.clientRequestId, 'e2e-delete-1');
      assert.equal(emulator.state.crmIntegrations.size, 0);
      assert.ok(![...emulator.state.crmEntities.values()].some((e) => e.integrationId === integrationId));
      const status = await ok('gong_get_crm_request_status', {
        integration_id: integrationId,
        client_request_id: 'e2e-delete-1',
      });
      assert.equal(status.status, 'DONE');
      assert.deepEqual((await ok('gong_get_crm_integration', {})).integrations, []);
    });

    test('gong_register_crm_integration: a new integration once the old one is gone', async () => {
      const body = await ok('gong_register_crm_integration', { owner_email: 'ops@acme.example', name: 'ACME sync' });
      assert.match(body.integrationId, /^\d+$/);
      const stored = emulator.state.crmIntegrations.get(body.integrationId);
      assert.equal(stored?.name, 'ACME sync');
      assert.equal(stored?.ownerEmail, 'ops@acme.example');
      const listed = await ok('gong_get_crm_integration', {});
      assert.equal(listed.integrations[0].integrationId, body.integrationId);
    });
  });

  describe('Permission profiles', () => {
    before(() => emulator.reset());
    let createdId: string;

    test('gong_list_permission_profiles: alphabetical profiles of a workspace', async () => {
      const body = await ok('gong_list_permission_profiles', { workspace_id: GONG_SEED.workspaces.sales });
      assert.deepEqual(
        body.profiles.map((p: { name: string }) => p.name),
        ['Administrator', 'Sales manager', 'Sales rep'],
      );
    });

    test('gong_get_permission_profile: one profile with its access levels', async () => {
      const body = await ok('gong_get_permission_profile', { profile_id: ENGAGE_SEED.profiles.salesManager });
      assert.equal(body.profile.name, 'Sales manager');
      assert.deepEqual(body.profile.dealsAccess, {
        permissionLevel: 'managers-team',
        teamLeadIds: [GONG_SEED.users.marcus],
      });
    });

    test('gong_list_permission_profile_users: who the profile governs', async () => {
      const body = await ok('gong_list_permission_profile_users', { profile_id: ENGAGE_SEED.profiles.salesAdmin });
      assert.deepEqual(
        body.users.map((u: { id: string }) => u.id).sort(),
        [GONG_SEED.users.dana, GONG_SEED.users.elena].sort(),
      );
    });

    test('gong_create_permission_profile: snake_case input becomes the stored profile', async () => {
      const body = await ok('gong_create_permission_profile', {
        workspace_id: GONG_SEED.workspaces.sales,
        name: 'Enablement',
        description: 'Enablement team',
        calls_access: { permission_level: 'all' },
        coaching_access: { permission_level: 'managers-team', team_lead_ids: [GONG_SEED.users.marcus] },
        forecast_edit_targets: { permission_level: 'own' },
        library_folder_access: {
          permission_level: 'specific-folders',
          library_folder_ids: [GONG_SEED.folders.bestDiscovery],
          manage_folder_calls: true,
        },
        capabilities: { score_calls: true, export_calls_and_coaching_data_to_csv: true },
      });
      createdId = body.profile.id;
      const stored = emulator.state.permissionProfiles.get(createdId)!;
      assert.equal(stored.workspaceId, GONG_SEED.workspaces.sales);
      assert.equal(stored.access.callsAccess.permissionLevel, 'all');
      assert.deepEqual(stored.access.coachingAccess.teamLeadIds, [GONG_SEED.users.marcus]);
      assert.equal(stored.forecast.forecastEditTargets.permissionLevel, 'own');
      assert.deepEqual(stored.libraryFolderAccess.libraryFolderIds, [GONG_SEED.folders.bestDiscovery]);
      assert.equal(stored.libraryFolderAccess.manageFolderCalls, true);
      assert.equal(stored.capabilities.scoreCalls, true);
      assert.equal(stored.capabilities.exportCallsAndCoachingDataToCSV, true);
      assert.equal(stored.capabilities.deleteCalls, false);
      const dup = await fails('gong_create_permission_profile', {
        workspace_id: GONG_SEED.workspaces.sales,
        name: 'Enablement',
      });
      assert.equal(dup.status, 422);
      const typo = await fails('gong_create_permission_profile', {
        workspace_id: GONG_SEED.workspaces.sales,
        name: 'Other',
        capabilities: { scoreCalls: true },
      });
      assert.equal(typo.code, 'invalid_arguments', 'a camelCase capability is refused, not dropped');
    });

    test('gong_update_permission_profile: changes only what is given', async () => {
      const body = await ok('gong_update_permission_profile', {
        profile_id: createdId,
        deals_access: { permission_level: 'report-to-them' },
        capabilities: { delete_calls: true },
      });
      assert.equal(body.profile.dealsAccess.permissionLevel, 'report-to-them');
      assert.equal(body.profile.deleteCalls, true);
      assert.equal(body.profile.scoreCalls, true, 'unchanged');
      const stored = emulator.state.permissionProfiles.get(createdId)!;
      assert.equal(stored.access.dealsAccess.permissionLevel, 'report-to-them');
      assert.equal(stored.access.callsAccess.permissionLevel, 'all', 'unchanged');
      assert.equal(stored.name, 'Enablement');
      const err = await fails('gong_update_permission_profile', {
        profile_id: createdId,
        calls_access: { permission_level: 'managers-team' },
      });
      assert.equal(err.status, 400);
      assert.match(err.message, /callsAccess\.teamLeadIds/);
    });
  });

  describe('Data privacy', () => {
    before(() => emulator.reset());
    const laura = 'laura.chen@northwind.example';

    test('gong_get_data_for_email_address: calls, emails, meetings, CRM data and engagement', async () => {
      const body = await ok('gong_get_data_for_email_address', { email_address: laura });
      const expected = emulator.state
        .callsInOrder()
        .filter((c) => c.parties.some((p) => p.emailAddress === laura))
        .map((c) => c.id);
      assert.ok(expected.length > 0);
      assert.deepEqual(
        body.calls.map((c: { id: string }) => c.id),
        expected,
      );
      assert.equal(body.emails.length, 2);
      assert.equal(body.customerData[0].objects[0].externalId, P.laura);
      assert.ok(body.meetings.length > 0);
      assert.ok(body.customerEngagement.length > 0);
    });

    test('gong_get_data_for_phone_number: the lead with the number and its email', async () => {
      const body = await ok('gong_get_data_for_phone_number', { phone_number: '+44 (20) 7946-0958' });
      assert.deepEqual(body.matchingPhoneNumbers, ['+44 20 7946 0958']);
      assert.deepEqual(body.emailAddresses, ['omar.haddad@fabrikam.example']);
      assert.equal(body.customerData[0].objects[0].objectType, 'Lead');
      assert.ok(body.emails.length > 0, "the inbound flow's email to Omar");
      const err = await fails('gong_get_data_for_phone_number', { phone_number: '020 7946 0958' });
      assert.equal(err.code, 'invalid_arguments');
    });

    test('gong_erase_data_for_email_address: the calls, emails and contact are gone; a lookup finds nothing', async () => {
      const callIds = emulator.state
        .callsInOrder()
        .filter((c) => c.parties.some((p) => p.emailAddress === laura))
        .map((c) => c.id);
      await ok('gong_erase_data_for_email_address', { email_address: laura });
      for (const id of callIds) assert.equal(emulator.state.calls.has(id), false, `call ${id} erased`);
      assert.ok(![...emulator.state.emailMessages.values()].some((m) => [m.from, ...m.to].includes(laura)));
      assert.equal(emulator.state.crmEntities.has(`${ENGAGE_SEED.integrationId}|CONTACT|${P.laura}`), false);
      const after = await ok('gong_get_data_for_email_address', { email_address: laura });
      for (const k of ['calls', 'emails', 'meetings', 'customerData', 'customerEngagement']) {
        assert.deepEqual(after[k], [], k);
      }
      const calls = await ok('gong_list_calls', {
        from_date_time: new Date(Date.now() - 60 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        to_date_time: new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        max_pages: 5,
      });
      const listed = new Set(calls.calls.map((c: { id: string }) => c.id));
      for (const id of callIds) assert.equal(listed.has(id), false, 'erased calls are not listed any more');
    });

    test('gong_erase_data_for_phone_number: the lead and its Engage history are gone', async () => {
      await ok('gong_erase_data_for_phone_number', { phone_number: '+44 20 7946 0958' });
      assert.equal(emulator.state.crmEntities.has(`${ENGAGE_SEED.integrationId}|LEAD|${P.leadOmar}`), false);
      assert.ok(![...emulator.state.flowInstances.values()].some((i) => i.crmProspectId === P.leadOmar));
      assert.ok(![...emulator.state.engageTasks.values()].some((t) => t.contactCrmId === P.leadOmar));
      const after = await ok('gong_get_data_for_phone_number', { phone_number: '+44 20 7946 0958' });
      assert.deepEqual([after.emails, after.customerData, after.matchingPhoneNumbers], [[], [], []]);
    });
  });
});
