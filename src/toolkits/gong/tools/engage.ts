/**
 * The engage group: Gong Engage flows, prospects and tasks; the generic CRM integration (register, schema, LDJSON
 * uploads of CRM objects and the status of those asynchronous requests); permission profiles; data privacy lookups
 * and erasure by email address or phone number.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { GatewayError } from '../../../util/errors.ts';
import { defineTool, type ToolDefinition } from '../../define.ts';
import { gongId, gongPagination } from '../common.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const userEmail = (what: string) =>
  z.string().trim().regex(EMAIL, { message: 'expected an email address such as "jane.doe@acme.com"' }).describe(what);

const crmId = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .describe('CRM id of a contact or lead (as in your CRM, e.g. "0035g00000ABCDE" or "00Q5g00000LD0001").');

const clientRequestId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, { message: 'use letters, numbers, dashes and underscores only (at most 128)' })
  .optional()
  .describe(
    'Your identifier for this asynchronous request (letters, numbers, "-", "_"); Gong refuses one already used (409). Leave it out and a fresh one is generated; the result returns it for gong_get_crm_request_status.',
  );

const integrationId = gongId('CRM integration').describe(
  'Id of the generic CRM integration (numeric, as a string): "integrationId" from gong_get_crm_integration.',
);

/** A fresh clientRequestId for an asynchronous CRM request. */
const newClientRequestId = () => `switchboard-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

/** Gong returns integration ids as JSON numbers; the tools take and return them as strings. */
const integrationIdAsString = (v: unknown) => (typeof v === 'number' || typeof v === 'bigint' ? String(v) : v);

const READ = { readOnlyHint: true, openWorldHint: true } as const;

// ---------------------------------------------------------------------------------------------------------------
// Engage flows

const listFlowFolders = defineTool({
  name: 'gong_list_flow_folders',
  title: 'List Flow Folders',
  description:
    'List the Gong Engage flow folders a user can see (GET /v2/flows/folders): every Company folder, plus the Personal folders of that user and the Shared folders shared with them. Each folder has id, name, visibility (Company/Personal/Shared), creationDate and, for a nested folder, folderId/folderName of its parent. owner_email is the email of a Gong user (gong_list_users). Use a folder id with gong_list_flows (folder_id) to list its flows, or as parent_id here to list only that folder and its child folders.',
  tags: ['engage', 'flows', 'folders', 'sequences', 'cadences', 'list'],
  input: z.object({
    owner_email: userEmail('Email address of the Gong user whose folders to list (their personal and shared folders).'),
    parent_id: gongId('flow folder')
      .optional()
      .describe('Only this folder and its child folders (a folder id from an earlier call).'),
    workspace_id: gongId('workspace').optional().describe('Only folders of this workspace (gong_list_workspaces).'),
  }),
  http: {
    method: 'GET',
    path: '/v2/flows/folders',
    query: { flowFolderOwnerEmail: 'owner_email', parentId: 'parent_id', workspaceId: 'workspace_id' },
  },
  pagination: gongPagination('query', 'flows'),
  // Gong lists folders under "flows"; renamed so a model does not mistake them for flows.
  transform: (body) => {
    const { flows, ...rest } = (body ?? {}) as Record<string, unknown>;
    return { ...rest, folders: flows ?? [] };
  },
  scopes: ['api:flows:read'],
  annotations: READ,
});

const listFlows = defineTool({
  name: 'gong_list_flows',
  title: 'List Gong Engage flows',
  description:
    'List Gong Engage flows (sequences) a user can use (GET /v2/flows): all Company flows plus the Personal flows of that user and the flows shared with them; or, with most_recently_assigned, only the flows the user most recently assigned prospects to (at most 20). Each flow has id, name, folderId/folderName, visibility, creationDate and exclusive (a prospect in an exclusive flow cannot be in any other flow at the same time). owner_email is the email of a Gong user (gong_list_users). The flow "id" is what gong_assign_prospects_to_flow and gong_unassign_flows_by_crm_id take; folder ids come from gong_list_flow_folders.',
  tags: ['engage', 'flows', 'sequences', 'cadences', 'outreach', 'list'],
  input: z.object({
    owner_email: userEmail('Email address of the Gong user whose available flows to list.'),
    workspace_id: gongId('workspace').optional().describe('Only flows of this workspace (gong_list_workspaces).'),
    folder_id: gongId('flow folder').optional().describe('Only flows in this folder (gong_list_flow_folders).'),
    most_recently_assigned: z
      .boolean()
      .optional()
      .describe('Only the flows this user most recently assigned prospects to, newest first (at most 20).'),
  }),
  http: {
    method: 'GET',
    path: '/v2/flows',
    query: {
      flowOwnerEmail: 'owner_email',
      workspaceId: 'workspace_id',
      folderId: 'folder_id',
      mostRecentlyAssigned: 'most_recently_assigned',
    },
  },
  pagination: gongPagination('query', 'flows'),
  scopes: ['api:flows:read'],
  annotations: READ,
});

const getFlowProspects = defineTool({
  name: 'gong_get_flow_prospects',
  title: 'Get Flow Prospects',
  description:
    'Which Gong Engage flows prospects are in (POST /v2/flows/prospects). By crm_prospect_ids (CRM ids of contacts or leads) it returns their open flow instances only (status Pending, Running or Paused); by flow_instance_ids it returns those instances whatever their status, finished ones included. Each result has flowInstanceId, flowId, flowName, crmProspectId, the owner of its to-dos, create date, status, workspaceId and exclusive. Give at least one of the two lists. Use it before gong_unassign_flows_by_crm_id to see what a prospect would be removed from.',
  tags: ['engage', 'flows', 'prospects', 'contacts', 'leads', 'sequence status'],
  input: z.object({
    crm_prospect_ids: z
      .array(crmId)
      .min(1)
      .max(100)
      .optional()
      .describe('CRM ids of contacts or leads whose open flows to return.'),
    flow_instance_ids: z
      .array(gongId('flow instance'))
      .min(1)
      .max(100)
      .optional()
      .describe(
        'Flow instance ids ("flowInstanceId" from an assignment or an earlier lookup), finished ones included.',
      ),
  }),
  prepare: async (input) => {
    if (!input.crm_prospect_ids && !input.flow_instance_ids) {
      throw new GatewayError(
        'invalid_arguments',
        'give crm_prospect_ids (CRM ids of contacts or leads) and/or flow_instance_ids',
      );
    }
    return input;
  },
  http: {
    method: 'POST',
    path: '/v2/flows/prospects',
    body: (i) => ({
      ...(i.crm_prospect_ids ? { crmProspectsIds: [...new Set(i.crm_prospect_ids)] } : {}),
      ...(i.flow_instance_ids ? { flowInstanceIds: [...new Set(i.flow_instance_ids)] } : {}),
    }),
  },
  scopes: ['api:flows:read'],
  annotations: READ,
});

const assignProspects = defineTool({
  name: 'gong_assign_prospects_to_flow',
  title: 'Assign prospects to flow',
  description:
    'Add up to 100 prospects (CRM contacts or leads, by their CRM ids) to a Gong Engage flow (POST /v2/flows/prospects/assign); Gong then creates the flow\'s emails and call to-dos for owner_email, the Gong user who owns the flow instance. flow_id comes from gong_list_flows (the flow must be usable by the owner: Company, their Personal, or shared with them). The result lists "prospectsAssigned" (with the new flowInstanceId of each) and "prospectsNotAssigned" with a reason per prospect: InvalidArgument for an unknown CRM id, InvalidState when the prospect is already in this flow, in an exclusive flow, or in the cool-off period after finishing a flow (cool_off_override assigns anyway). Gong answers 404 when the flow does not exist.',
  tags: ['engage', 'flows', 'assign', 'enroll', 'sequence', 'prospects', 'contacts', 'leads'],
  input: z.object({
    flow_id: gongId('Engage flow').describe('Id of the flow to add the prospects to (gong_list_flows).'),
    crm_prospect_ids: z
      .array(crmId)
      .min(1)
      .max(100)
      .describe('CRM ids of the contacts or leads to add (1-100), e.g. ["0035g00000ABCDE"].'),
    owner_email: userEmail(
      'Email address of the Gong user who owns the flow instances and their to-dos (gong_list_users).',
    ),
    step_overrides: z
      .array(
        z.strictObject({
          number: z.int().min(1).describe('Step number in the flow; the first step is 1.'),
          subject: z
            .string()
            .optional()
            .describe('New subject of the step, e.g. "Initial call with {{account_name}}".'),
          body: z.string().optional().describe('New body of the step (HTML allowed).'),
        }),
      )
      .max(50)
      .optional()
      .describe('Replace the subject and/or body of flow steps for these prospects (Gong beta).'),
    variable_overrides: z
      .array(
        z.strictObject({
          name: z.string().min(1).describe('Flow variable name, e.g. "recipient.first_name".'),
          value: z.string().describe('Its new value.'),
        }),
      )
      .max(50)
      .optional()
      .describe('Flow variable values for these flow instances (Gong beta).'),
    cool_off_override: z
      .boolean()
      .optional()
      .describe('Assign prospects even if they are in the cool-off period after finishing a flow.'),
    description: z
      .string()
      .max(5000)
      .optional()
      .describe('Description of the flow instance: the goal of this outreach (Gong beta).'),
  }),
  http: {
    method: 'POST',
    path: '/v2/flows/prospects/assign',
    body: (i) => {
      const overrides = {
        ...(i.step_overrides ? { steps: i.step_overrides } : {}),
        ...(i.variable_overrides ? { flowInstanceVariables: i.variable_overrides } : {}),
        ...(i.cool_off_override !== undefined ? { coolOffOverride: i.cool_off_override } : {}),
      };
      return {
        crmProspectsIds: [...new Set(i.crm_prospect_ids)],
        flowId: i.flow_id,
        flowInstanceOwnerEmail: i.owner_email,
        ...(Object.keys(overrides).length ? { overrides } : {}),
        ...(i.description !== undefined ? { flowInstanceDescription: i.description } : {}),
      };
    },
  },
  scopes: ['api:flows:write'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
});

const unassignFlows = defineTool({
  name: 'gong_unassign_flows_by_crm_id',
  title: 'Unassign Flows By CRM ID',
  description:
    'Remove a prospect from Gong Engage flows (POST /v2/flows/prospects/unassign-flows-by-crm-id): stops the flow for that contact or lead, so no further emails or call to-dos are created, and dismisses its open to-dos. This cannot be undone (assigning again starts the flow over). Without flow_id the prospect is removed from ALL the open flows it is in; with flow_id only from that flow (see gong_get_flow_prospects for the prospect\'s current flows). Returns "unassignedFlowInstanceIds": the flow instances that were stopped (empty when the prospect was in none).',
  tags: ['engage', 'flows', 'unassign', 'remove', 'unenroll', 'stop sequence', 'prospect'],
  input: z.object({
    crm_prospect_id: crmId.describe('CRM id of the contact or lead to take out of flows.'),
    flow_id: gongId('Engage flow')
      .optional()
      .describe('Only remove the prospect from this flow (gong_get_flow_prospects); leave out to remove from all.'),
    unassigned_by_email: userEmail(
      "Email of the Gong user doing the removal (recorded by Gong); not the prospect's email.",
    ).optional(),
  }),
  http: {
    method: 'POST',
    path: '/v2/flows/prospects/unassign-flows-by-crm-id',
    body: (i) => ({
      crmProspectId: i.crm_prospect_id,
      ...(i.flow_id ? { flowId: i.flow_id } : {}),
      ...(i.unassigned_by_email ? { unassignedByUserEmail: i.unassigned_by_email } : {}),
    }),
  },
  scopes: ['api:flows:write'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
});

const listTasks = defineTool({
  name: 'gong_list_tasks',
  title: 'List Tasks',
  description:
    "List a Gong user's Engage call tasks (to-dos) (POST /v2/tasks): FLOW tasks created by Engage flows and MANUAL one-off tasks, with status, due date, priority, the contact (name, title, emails, phone numbers, CRM id), account, opportunity and, for flow tasks, the flow and step. user_id is the numeric Gong user id (gong_list_users). By default only OPEN tasks of both types; pass statuses to include DONE or DISMISSED ones.",
  tags: ['engage', 'tasks', 'to-dos', 'calls to make', 'reminders', 'follow-ups'],
  input: z.object({
    user_id: gongId('user').describe('Id of the Gong user who owns the tasks (gong_list_users).'),
    workspace_id: gongId('workspace').optional().describe('Only tasks of this workspace (gong_list_workspaces).'),
    types: z
      .array(z.enum(['FLOW', 'MANUAL']))
      .min(1)
      .default(['FLOW', 'MANUAL'])
      .describe('FLOW (created by Engage flows) and/or MANUAL (one-off) tasks; default both.'),
    statuses: z
      .array(z.enum(['OPEN', 'DONE', 'DISMISSED']))
      .min(1)
      .default(['OPEN'])
      .describe('Task statuses to include; default ["OPEN"].'),
  }),
  http: {
    method: 'POST',
    path: '/v2/tasks',
    body: (i) => ({
      filter: {
        userId: i.user_id,
        ...(i.workspace_id ? { workspaceId: i.workspace_id } : {}),
        types: [...new Set(i.types)],
        // CALL is the only task action Gong supports.
        taskAction: ['CALL'],
        status: [...new Set(i.statuses)],
      },
    }),
  },
  scopes: ['api:tasks:read'],
  annotations: READ,
});

// ---------------------------------------------------------------------------------------------------------------
// CRM integration

const registerCrmIntegration = defineTool({
  name: 'gong_register_crm_integration',
  title: 'Register Crm Integration',
  description:
    'Register a generic CRM integration with Gong (PUT /v2/crm/integrations) for pushing CRM data (accounts, contacts, deals, leads, users, stages) from a CRM Gong has no native connector for. Returns the new "integrationId" that gong_upload_crm_objects, gong_get_crm_objects, gong_list_crm_schema_fields and gong_get_crm_request_status take. Gong allows only one CRM integration: it answers 409 when one already exists (see gong_get_crm_integration; gong_delete_crm_integration removes it).',
  tags: ['crm', 'integration', 'register', 'setup', 'generic crm'],
  input: z.object({
    owner_email: userEmail('Email address of the person responsible for the integration.'),
    name: z.string().trim().min(1).max(200).describe('Name of the integration, e.g. "ACME CRM sync".'),
  }),
  http: {
    method: 'PUT',
    path: '/v2/crm/integrations',
    body: (i) => ({ ownerEmail: i.owner_email, name: i.name }),
  },
  transform: (body) => {
    const b = (body ?? {}) as Record<string, unknown>;
    return { ...b, integrationId: integrationIdAsString(b.integrationId) };
  },
  scopes: ['api:crm:integration:register'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
});

const getCrmIntegration = defineTool({
  name: 'gong_get_crm_integration',
  title: 'Get Crm Integration Details',
  description:
    'The generic CRM integration registered with Gong (GET /v2/crm/integrations): "integrations" with integrationId, name and ownerEmail (an empty list when there is none). Call it first to get the integration_id every other CRM tool needs.',
  tags: ['crm', 'integration', 'integration id', 'details'],
  input: z.object({}),
  http: { method: 'GET', path: '/v2/crm/integrations' },
  transform: (body) => {
    const b = (body ?? {}) as { integrations?: Record<string, unknown>[] };
    return {
      ...b,
      integrations: (b.integrations ?? []).map((i) => ({
        ...i,
        integrationId: integrationIdAsString(i.integrationId),
      })),
    };
  },
  scopes: ['api:crm:integrations:read'],
  annotations: READ,
});

const deleteCrmIntegration = defineTool({
  name: 'gong_delete_crm_integration',
  title: 'Delete a generic CRM integration',
  description:
    'Delete the generic CRM integration AND every CRM object uploaded through it (accounts, contacts, deals, leads, users, stages) from Gong (DELETE /v2/crm/integrations). This cannot be undone: the data has to be uploaded again after registering a new integration. integration_id comes from gong_get_crm_integration. The deletion is asynchronous (Gong says up to 24 hours): the result returns the clientRequestId; gong_get_crm_request_status with it reports DONE when finished.',
  tags: ['crm', 'integration', 'delete', 'remove', 'disconnect'],
  input: z.object({ integration_id: integrationId, client_request_id: clientRequestId }),
  prepare: async (input) => ({ ...input, client_request_id: input.client_request_id ?? newClientRequestId() }),
  http: {
    method: 'DELETE',
    path: '/v2/crm/integrations',
    query: { integrationId: 'integration_id', clientRequestId: 'client_request_id' },
  },
  scopes: ['api:crm:integration:delete'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
});

const SCHEMA_TYPES = ['ACCOUNT', 'CONTACT', 'DEAL', 'LEAD'] as const;

const listCrmSchemaFields = defineTool({
  name: 'gong_list_crm_schema_fields',
  title: 'List schema fields',
  description:
    "The additional (custom) fields defined for CRM objects of the generic CRM integration (GET /v2/crm/entity-schema): per object type, each field's uniqueName, label, type (STRING, NUMBER, CURRENCY, DATE, PICKLIST with its orderedValueList, REFERENCE, ...). Use it before gong_upload_crm_objects to know which extra fields an object may carry and what values they accept. integration_id comes from gong_get_crm_integration; leave object_type out for all four types.",
  tags: ['crm', 'schema', 'fields', 'custom fields', 'picklist'],
  input: z.object({
    integration_id: integrationId,
    object_type: z.enum(SCHEMA_TYPES).optional().describe('Only the fields of this object type.'),
  }),
  http: {
    method: 'GET',
    path: '/v2/crm/entity-schema',
    query: { integrationId: 'integration_id', objectType: 'object_type' },
  },
  scopes: ['api:crm:schema'],
  annotations: READ,
});

const crmObject = z
  .object({
    objectId: z
      .string()
      .min(1)
      .max(64)
      .describe('The object\'s unique id in your CRM: letters, digits, "-" (or an email address), at most 64.'),
    modifiedDate: z
      .string()
      .optional()
      .describe(
        'When it last changed in the CRM: ISO-8601 without milliseconds, e.g. "2026-01-03T23:45:57Z". Required for every type except STAGE.',
      ),
    isDeleted: z.boolean().optional().describe('true deletes the object from Gong.'),
  })
  .catchall(z.unknown())
  .describe(
    "One CRM object with Gong's field names (camelCase, as in Gong's CRM upload docs). ACCOUNT: name, url, domains[]. CONTACT: accountId, emailAddress, firstName, lastName, title, phoneNumber, url. DEAL: accountId, ownerId (a BUSINESS_USER objectId), name, createdDate, closeDate, status (OPEN/WON/LOST), stage (a STAGE objectId), amount. LEAD: emailAddress, firstName, lastName, title, phoneNumber, convertedToDealId/ContactId/AccountId. BUSINESS_USER: emailAddress (required). STAGE: name (required), isActive, sortOrder. Plus any custom field from gong_list_crm_schema_fields, by its uniqueName.",
  );

const uploadCrmObjects = defineTool({
  name: 'gong_upload_crm_objects',
  title: 'Upload crm objects',
  description:
    'Insert, update or delete CRM objects of one type in Gong through the generic CRM integration (POST /v2/crm/entities; sent as an LDJSON file, one object per line). An object whose objectId already exists is replaced; isDeleted true deletes it. integration_id comes from gong_get_crm_integration. The upload is asynchronous: the result only confirms receipt and returns the clientRequestId; then call gong_get_crm_request_status to see whether it is DONE or FAILED and which lines (1 = first object) were rejected and why, fix those objects and upload them again with a new request id. Check gong_get_crm_objects to read objects back.',
  tags: ['crm', 'upload', 'sync', 'import', 'accounts', 'contacts', 'deals', 'leads', 'ldjson'],
  input: z.object({
    integration_id: integrationId,
    object_type: z
      .enum(['ACCOUNT', 'CONTACT', 'DEAL', 'LEAD', 'BUSINESS_USER', 'STAGE'])
      .describe('Type of every object in this upload (one type per upload).'),
    objects: z.array(crmObject).min(1).max(10_000).describe('The objects to upload, all of object_type.'),
    client_request_id: clientRequestId,
  }),
  prepare: async (input) => ({ ...input, client_request_id: input.client_request_id ?? newClientRequestId() }),
  http: {
    method: 'POST',
    path: '/v2/crm/entities',
    query: { integrationId: 'integration_id', objectType: 'object_type', clientRequestId: 'client_request_id' },
    multipart: (i) => [
      {
        name: 'dataFile',
        filename: `${i.object_type.toLowerCase()}-objects.ldjson`,
        contentType: 'application/x-ndjson',
        data: Buffer.from(`${i.objects.map((o) => JSON.stringify(o)).join('\n')}\n`, 'utf8'),
      },
    ],
  },
  scopes: ['api:crm:upload'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
});

const getCrmObjects = defineTool({
  name: 'gong_get_crm_objects',
  title: 'Get crm objects',
  description:
    'Read CRM objects stored in Gong through the generic CRM integration, by their CRM ids (GET /v2/crm/entities): "crmObjectsMap" maps each id to its fields, or to null when Gong has no such object of that type. Meant to verify what gong_upload_crm_objects stored. integration_id comes from gong_get_crm_integration; object ids are the objectId values of the uploaded objects (at most 100 per call).',
  tags: ['crm', 'objects', 'verify', 'accounts', 'contacts', 'deals', 'leads', 'read'],
  input: z.object({
    integration_id: integrationId,
    object_type: z.enum(SCHEMA_TYPES).describe('Type of the objects to read.'),
    object_ids: z.array(z.string().trim().min(1).max(64)).min(1).max(100).describe('CRM ids (objectId) to read.'),
  }),
  http: {
    method: 'GET',
    path: '/v2/crm/entities',
    // Gong reads the ids from the body of the GET; the spec also declares them as the objectsCrmIds parameter.
    query: (i) => ({ integrationId: i.integration_id, objectType: i.object_type, objectsCrmIds: i.object_ids }),
    body: (i) => [...new Set(i.object_ids)],
  },
  scopes: ['api:crm:get-objects'],
  annotations: READ,
});

const getCrmRequestStatus = defineTool({
  name: 'gong_get_crm_request_status',
  title: 'Get CRM Request Status',
  description:
    'Status of an asynchronous CRM request: an upload (gong_upload_crm_objects) or an integration delete (gong_delete_crm_integration), by the clientRequestId those returned (GET /v2/crm/request-status). status is PENDING, IN_PROGRESS, DONE or FAILED, with totalSuccessCount, totalErrorCount and up to 20 errors {line, description} (line 1 is the first uploaded object; line 0 is a general error). On FAILED, fix the listed objects and upload them again with a new request id.',
  tags: ['crm', 'upload status', 'async', 'errors', 'progress'],
  input: z.object({
    integration_id: integrationId,
    client_request_id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, { message: 'use letters, numbers, dashes and underscores only' })
      .describe('The clientRequestId returned by gong_upload_crm_objects or gong_delete_crm_integration.'),
  }),
  http: {
    method: 'GET',
    path: '/v2/crm/request-status',
    query: { integrationId: 'integration_id', clientRequestId: 'client_request_id' },
  },
  scopes: ['api:crm:upload'],
  annotations: READ,
});

// ---------------------------------------------------------------------------------------------------------------
// Permission profiles

const LEVEL_HELP =
  '"all" (everyone\'s), "managers-team" (the teams of team_lead_ids), "report-to-them" (their direct and indirect reports\'), "own" or "none".';

const access = (what: string) =>
  z
    .strictObject({
      permission_level: z
        .enum(['all', 'managers-team', 'report-to-them', 'own', 'none'])
        .describe(`Whose ${what} users of the profile can see: ${LEVEL_HELP}`),
      team_lead_ids: z
        .array(gongId('user'))
        .max(100)
        .optional()
        .describe('Gong user ids of the managers whose teams are visible; only (and required) with "managers-team".'),
    })
    .optional()
    .describe(`Access to ${what}.`);

const toAccess = (a: { permission_level: string; team_lead_ids?: string[] | undefined } | undefined) =>
  a && { permissionLevel: a.permission_level, ...(a.team_lead_ids ? { teamLeadIds: a.team_lead_ids } : {}) };

/** The profile's yes/no capabilities: [Gong field, what it allows]. */
const CAPABILITIES: [string, string][] = [
  ['scoreCalls', 'score calls'],
  ['overrideScore', "override someone else's score"],
  ['downloadCallMedia', 'download call media'],
  ['shareCallsWithCustomers', 'share calls with customers'],
  ['manuallyScheduleAndUploadCalls', 'manually schedule and upload calls'],
  ['privateCalls', 'set their own calls as private'],
  ['deleteCalls', 'delete calls'],
  ['trimCalls', 'trim calls'],
  ['listenInCalls', 'listen in on calls'],
  ['deleteEmails', 'delete emails'],
  ['callsAndSearch', 'view and search calls'],
  ['library', 'view library pages'],
  ['deals', 'view deals pages'],
  ['createEditAndDeleteDealsBoards', 'create, edit and delete deal boards'],
  ['dealsInlineEditing', 'edit deals inline'],
  ['account', 'view account pages'],
  ['coaching', 'view coaching pages'],
  ['usage', 'view usage pages'],
  ['teamStats', 'view the team stats page'],
  ['initiatives', 'view the initiatives page'],
  ['market', 'view the market page'],
  ['activity', 'view activity pages'],
  ['forecast', 'view forecast pages'],
  ['forecastManage', 'manage forecast boards and upload targets'],
  ['engageManageCompanyTemplates', 'manage company email templates'],
  ['engageManageCompanySequences', 'manage company sequences (flows)'],
  ['engageCreateAndManageRulesets', 'create and manage rulesets'],
  ['engageSnoozeFlowToDosForOthers', "snooze other users' flow to-dos"],
  ['engageAllowCrmFieldsViewChange', 'change the CRM fields view'],
  ['viewEngageAnalyticsActivity', 'view the Engage analytics activity page'],
  ['viewEngageAnalyticsPerformance', 'view the Engage analytics performance page'],
  ['viewEngageAnalyticsFlows', 'view the Engage analytics flows page'],
  ['manageGeneralBusinessSettings', 'manage general business settings'],
  ['manageScorecards', 'manage scorecards'],
  ['exportCallsAndCoachingDataToCSV', 'export calls and coaching data to CSV'],
  ['crmDataInlineEditing', 'edit CRM data inline'],
  ['crmDataImport', 'import CRM data'],
  ['viewRevenueAnalytics', 'view dashboards (revenue analytics)'],
  ['manageRevenueAnalytics', 'manage revenue analytics'],
  ['engageReassignFlowToDosToOthers', 'reassign flow to-dos to others'],
  ['engageAssignFlowToDosToOthers', 'assign flow to-dos to others'],
  ['dealsDataExport', 'export deals data'],
  ['aiBuilder', 'access AI Builder'],
  ['orchestrateCreateAndManagePlays', 'create and manage plays'],
];

const snake = (camel: string) =>
  camel
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
const CAPABILITY_FIELDS = new Map(CAPABILITIES.map(([camel]) => [snake(camel), camel]));

const capabilities = z
  .strictObject(
    Object.fromEntries(
      CAPABILITIES.map(([camel, what]) => [snake(camel), z.boolean().optional().describe(`Users can ${what}.`)]),
    ),
  )
  .optional()
  .describe(
    'Yes/no capabilities of the profile, e.g. {"score_calls": true, "delete_calls": false}. Omitted ones: unchanged on update, false on create.',
  );

const accessFields = {
  calls_access: access('calls'),
  deals_access: access('deals'),
  coaching_access: access('coaching data'),
  insights_access: access('insights'),
  usage_access: access('usage data'),
  emails_access: access('emails'),
  forecast_access: access('forecast submissions (view)'),
  forecast_edit_submissions: access('forecast submissions (edit)'),
  forecast_edit_targets: access('forecast targets (edit)'),
};

const libraryFolderAccess = z
  .strictObject({
    permission_level: z
      .enum(['none', 'all', 'specific-folders'])
      .describe('"all" library folders, "specific-folders" (library_folder_ids) or "none".'),
    library_folder_ids: z
      .array(gongId('library folder'))
      .max(500)
      .optional()
      .describe('Library folder ids (gong_list_library_folders); only with "specific-folders".'),
    manage_public_folder: z.boolean().optional().describe('Users can manage public folders.'),
    manage_streams: z.boolean().optional().describe('Users can manage streams.'),
    manage_folder_calls: z.boolean().optional().describe('Users can add calls to folders and archive calls.'),
    share_folders_and_streams: z.boolean().optional().describe('Users can share folders and streams with others.'),
  })
  .optional()
  .describe('Access to the call library.');

const profileFields = {
  description: z.string().max(1000).optional().describe('What the profile is for.'),
  ...accessFields,
  library_folder_access: libraryFolderAccess,
  capabilities,
};

type ProfileInput = {
  name?: string | undefined;
  description?: string | undefined;
  library_folder_access?: z.output<typeof libraryFolderAccess>;
  capabilities?: Record<string, boolean | undefined> | undefined;
} & { [K in keyof typeof accessFields]?: z.output<(typeof accessFields)[K]> };

/** Gong's PermissionProfileDTO from the tool input: only what was given. */
function profileBody(i: ProfileInput): Record<string, unknown> {
  const forecast = {
    ...(i.forecast_access ? { forecastAccess: toAccess(i.forecast_access) } : {}),
    ...(i.forecast_edit_submissions ? { forecastEditSubmissions: toAccess(i.forecast_edit_submissions) } : {}),
    ...(i.forecast_edit_targets ? { forecastEditTargets: toAccess(i.forecast_edit_targets) } : {}),
  };
  const lib = i.library_folder_access;
  const caps = Object.entries(i.capabilities ?? {}).filter(([, v]) => v !== undefined);
  return {
    ...(i.name !== undefined ? { name: i.name } : {}),
    ...(i.description !== undefined ? { description: i.description } : {}),
    ...(i.calls_access ? { callsAccess: toAccess(i.calls_access) } : {}),
    ...(lib
      ? {
          libraryFolderAccess: {
            permissionLevel: lib.permission_level,
            ...(lib.library_folder_ids ? { libraryFolderIds: lib.library_folder_ids } : {}),
            ...(lib.manage_public_folder !== undefined ? { managePublicFolder: lib.manage_public_folder } : {}),
            ...(lib.manage_streams !== undefined ? { manageStreams: lib.manage_streams } : {}),
            ...(lib.manage_folder_calls !== undefined ? { manageFolderCalls: lib.manage_folder_calls } : {}),
            ...(lib.share_folders_and_streams !== undefined
              ? { shareFoldersAndStreams: lib.share_folders_and_streams }
              : {}),
          },
        }
      : {}),
    ...(i.deals_access ? { dealsAccess: toAccess(i.deals_access) } : {}),
    ...(Object.keys(forecast).length ? { forecastPermissions: forecast } : {}),
    ...(i.coaching_access ? { coachingAccess: toAccess(i.coaching_access) } : {}),
    ...(i.insights_access ? { insightsAccess: toAccess(i.insights_access) } : {}),
    ...(i.usage_access ? { usageAccess: toAccess(i.usage_access) } : {}),
    ...(i.emails_access ? { emailsAccess: toAccess(i.emails_access) } : {}),
    ...Object.fromEntries(caps.map(([k, v]) => [CAPABILITY_FIELDS.get(k) ?? k, v])),
  };
}

const profileId = gongId('permission profile').describe(
  'Id of the permission profile (numeric, as a string): "id" from gong_list_permission_profiles.',
);

const createPermissionProfile = defineTool({
  name: 'gong_create_permission_profile',
  title: 'Create permission profile',
  description:
    'Create a permission profile in a Gong workspace (POST /v2/permission-profile): what its users can see (calls, deals, coaching, insights, usage, emails and forecast access levels, library folders) and do (capabilities such as scoring, deleting or downloading calls). workspace_id comes from gong_list_workspaces; team lead ids from gong_list_users; library folder ids from gong_list_library_folders. Anything omitted starts as "none"/false. Names are unique per workspace (Gong answers 422 for a duplicate). Returns the full profile with its new id.',
  tags: ['permissions', 'profile', 'access', 'roles', 'admin', 'create'],
  input: z.object({
    workspace_id: gongId('workspace').describe('Workspace to create the profile in (gong_list_workspaces).'),
    name: z.string().trim().min(1).max(100).describe('Profile name, unique in the workspace.'),
    ...profileFields,
  }),
  http: {
    method: 'POST',
    path: '/v2/permission-profile',
    query: { workspaceId: 'workspace_id' },
    body: (i) => profileBody(i),
  },
  scopes: [],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
});

const updatePermissionProfile = defineTool({
  name: 'gong_update_permission_profile',
  title: 'Update permission profile',
  description:
    'Change a Gong permission profile (PUT /v2/permission-profile): only the settings you pass change, the rest stay as they are, and the change applies at once to every user with this profile (see gong_list_permission_profile_users). profile_id comes from gong_list_permission_profiles; read the current settings with gong_get_permission_profile first. Returns the whole profile after the change.',
  tags: ['permissions', 'profile', 'access', 'roles', 'admin', 'update', 'edit'],
  input: z.object({
    profile_id: profileId,
    name: z.string().trim().min(1).max(100).optional().describe('New name, unique in the workspace.'),
    ...profileFields,
  }),
  http: {
    method: 'PUT',
    path: '/v2/permission-profile',
    query: { profileId: 'profile_id' },
    body: (i) => profileBody(i),
  },
  scopes: [],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
});

const getPermissionProfile = defineTool({
  name: 'gong_get_permission_profile',
  title: 'Get permission profile',
  description:
    'One Gong permission profile by id (GET /v2/permission-profile): name, description, access levels (calls, deals, coaching, insights, usage, emails, forecast: all / managers-team with teamLeadIds / report-to-them / own / none), library folder access and every yes/no capability. profile_id comes from gong_list_permission_profiles.',
  tags: ['permissions', 'profile', 'access', 'roles', 'get'],
  input: z.object({ profile_id: profileId }),
  http: { method: 'GET', path: '/v2/permission-profile', query: { profileId: 'profile_id' } },
  scopes: [],
  annotations: READ,
});

const listPermissionProfiles = defineTool({
  name: 'gong_list_permission_profiles',
  title: 'Fetch all permission profiles',
  description:
    'All permission profiles of a Gong workspace in alphabetical order, with their full settings (GET /v2/all-permission-profiles). workspace_id comes from gong_list_workspaces. Use a profile "id" with gong_get_permission_profile, gong_update_permission_profile or gong_list_permission_profile_users.',
  tags: ['permissions', 'profiles', 'access', 'roles', 'list'],
  input: z.object({ workspace_id: gongId('workspace').describe('The workspace (gong_list_workspaces).') }),
  http: { method: 'GET', path: '/v2/all-permission-profiles', query: { workspaceId: 'workspace_id' } },
  scopes: [],
  annotations: READ,
});

const listPermissionProfileUsers = defineTool({
  name: 'gong_list_permission_profile_users',
  title: 'Retrieve users from permission profile',
  description:
    'The Gong users whose access is governed by a permission profile (GET /v2/permission-profile/users): id, fullName and emailAddress of each. profile_id comes from gong_list_permission_profiles.',
  tags: ['permissions', 'profile', 'users', 'members', 'who has access'],
  input: z.object({ profile_id: profileId }),
  http: { method: 'GET', path: '/v2/permission-profile/users', query: { profileId: 'profile_id' } },
  scopes: ['api:users:read'],
  annotations: READ,
});

// ---------------------------------------------------------------------------------------------------------------
// Data privacy

const emailAddress = userEmail('The email address, e.g. "jane.doe@customer.com".');
const phoneNumber = z
  .string()
  .trim()
  .regex(/^\+[\d\s().-]{6,30}$/, {
    message: 'expected + and the country code, then the number, e.g. "+1 425 555 2671"',
  })
  .describe(
    'The phone number starting with + and the country code; spaces, dashes and parentheses are ignored, e.g. "+1 (425) 555-2671".',
  );

const dataForEmail = defineTool({
  name: 'gong_get_data_for_email_address',
  title: 'Retrieve data privacy info for email address',
  description:
    'Everything Gong holds that references an email address (GET /v2/data-privacy/data-for-email-address), for privacy requests (GDPR/CCPA access): "calls" where the address is a participant, "emails" sent to or from it, "meetings" it was invited to, "customerData" (CRM contacts and leads with this email) and "customerEngagement" (content shares, views and web interactions). Read-only; run it before gong_erase_data_for_email_address to see what would be deleted.',
  tags: ['privacy', 'gdpr', 'ccpa', 'dsar', 'personal data', 'email', 'lookup'],
  input: z.object({ email_address: emailAddress }),
  http: { method: 'GET', path: '/v2/data-privacy/data-for-email-address', query: { emailAddress: 'email_address' } },
  scopes: ['api:data-privacy:read'],
  annotations: READ,
});

const dataForPhone = defineTool({
  name: 'gong_get_data_for_phone_number',
  title: 'Data privacy for phone number',
  description:
    'Everything Gong holds that references a phone number (GET /v2/data-privacy/data-for-phone-number), for privacy requests: CRM contacts and leads with that number ("customerData"), the calls and email messages of those people, meetings, "matchingPhoneNumbers" (the numbers as stored) and "emailAddresses" of the people found. Read-only; run it before gong_erase_data_for_phone_number to see what would be deleted.',
  tags: ['privacy', 'gdpr', 'ccpa', 'dsar', 'personal data', 'phone', 'lookup'],
  input: z.object({ phone_number: phoneNumber }),
  http: { method: 'GET', path: '/v2/data-privacy/data-for-phone-number', query: { phoneNumber: 'phone_number' } },
  scopes: ['api:data-privacy:read'],
  annotations: READ,
});

const eraseEmail = defineTool({
  name: 'gong_erase_data_for_email_address',
  title: 'Erase data for email address',
  description:
    'PERMANENTLY DELETE from Gong everything that references an email address (POST /v2/data-privacy/erase-data-for-email-address), for privacy "right to be forgotten" requests: every call where the address appears (as a participant, contact or lead) is deleted for everyone, with its recording and transcript; email messages to or from it are deleted; CRM contacts and leads with the address are deleted. This cannot be undone. Check first with gong_get_data_for_email_address, and delete the person from your CRM and email system too, or the data is imported again. Gong completes the deletion asynchronously (it can take hours) and refuses one that would delete an abnormal number of objects.',
  tags: ['privacy', 'gdpr', 'erase', 'delete', 'forget', 'right to be forgotten', 'email'],
  input: z.object({ email_address: emailAddress }),
  http: {
    method: 'POST',
    path: '/v2/data-privacy/erase-data-for-email-address',
    query: { emailAddress: 'email_address' },
  },
  scopes: ['api:data-privacy:delete'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
});

const erasePhone = defineTool({
  name: 'gong_erase_data_for_phone_number',
  title: 'Erase data for phone number',
  description:
    'PERMANENTLY DELETE from Gong the CRM contacts and leads with a phone number and everything about them (POST /v2/data-privacy/erase-data-for-phone-number): their calls (deleted for everyone, with recordings and transcripts) and the email messages sent to or from them. This cannot be undone. Check first with gong_get_data_for_phone_number, and delete the person from your CRM too, or the data is imported again. Gong completes the deletion asynchronously (it can take hours) and refuses one that would delete an abnormal number of objects.',
  tags: ['privacy', 'gdpr', 'erase', 'delete', 'forget', 'right to be forgotten', 'phone'],
  input: z.object({ phone_number: phoneNumber }),
  http: {
    method: 'POST',
    path: '/v2/data-privacy/erase-data-for-phone-number',
    query: { phoneNumber: 'phone_number' },
  },
  scopes: ['api:data-privacy:delete'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
});

/** Engage flows, CRM, permission profiles and data privacy tools (the engage group). */
export const tools: ToolDefinition[] = [
  listFlowFolders,
  listFlows,
  getFlowProspects,
  assignProspects,
  unassignFlows,
  listTasks,
  registerCrmIntegration,
  getCrmIntegration,
  deleteCrmIntegration,
  listCrmSchemaFields,
  uploadCrmObjects,
  getCrmObjects,
  getCrmRequestStatus,
  createPermissionProfile,
  updatePermissionProfile,
  getPermissionProfile,
  listPermissionProfiles,
  listPermissionProfileUsers,
  dataForEmail,
  dataForPhone,
  eraseEmail,
  erasePhone,
];
