/**
 * The engage group of the Gong emulator:
 *
 * - Engage: flow folders and flows (Company / Personal / Shared visibility), flow instances (prospects assigned to
 *   flows, with exclusivity and a cool-off period after a finished flow) and Engage tasks (the CALL to-dos flows and
 *   reps create).
 * - The generic CRM integration: one registered integration at a time, its schema fields, CRM objects uploaded as an
 *   LDJSON file (validated line by line, applied, and reported through the request status with Gong's line errors)
 *   and the asynchronous request ids of uploads and integration deletes.
 * - Permission profiles per workspace, with the users they govern.
 * - Data privacy: everything that references an email address or a phone number (calls, email messages, CRM contacts
 *   and leads), and its erasure from the state.
 *
 * Errors follow the spec of each operation: 400 naming the field for bad input and unknown ids (these operations
 * document no 404), 404 only for an unknown flow on assign, 409 for a second integration or a reused clientRequestId.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { badRequest, EmulatorHttpError, queryBoolean } from '../framework.ts';
import {
  forbidden,
  type GongContext,
  type GongDeps,
  gongJson,
  gongNotFound,
  paginate,
  parseBody,
  type RouteDef,
  requiredQuery,
  requireNumericId,
} from './http.ts';
import type { DigitalInteractionRecord, EngagementEventRecord, MeetingRecord } from './routes-stats.ts';
import { GONG_SEED } from './seed.ts';
import type { CallRecord, GongState, GongUser } from './state.ts';

// ---------------------------------------------------------------------------------------------------------------
// Data model (the fields live on GongState, in the engage section)

export type Visibility = 'Company' | 'Personal' | 'Shared';

export interface FlowFolderRecord {
  id: string;
  name: string;
  visibility: Visibility;
  ownerUserId: string;
  /** Shared folders: the users it is shared with (besides the owner). */
  sharedWithUserIds: string[];
  workspaceId: string;
  parentId?: string;
  created: string;
}

export type FlowStepType = 'CALL' | 'EMAIL' | 'LINKEDIN';

export interface FlowStep {
  id: string;
  number: number;
  name: string;
  type: FlowStepType;
  /** Days after the flow instance starts that the step is due. */
  dayOffset: number;
  subject?: string;
  body?: string;
}

export interface FlowRecord {
  id: string;
  name: string;
  folderId: string;
  visibility: Visibility;
  ownerUserId: string;
  sharedWithUserIds: string[];
  workspaceId: string;
  created: string;
  /** A prospect in an exclusive flow cannot be in any other flow at the same time. */
  exclusive: boolean;
  steps: FlowStep[];
}

export const OPEN_INSTANCE_STATUSES = ['Pending', 'Running', 'Paused'] as const;
export type FlowInstanceStatus =
  | (typeof OPEN_INSTANCE_STATUSES)[number]
  | 'FinishedNoReply'
  | 'FinishedResponse'
  | 'Finished';

export interface FlowInstanceRecord {
  id: string;
  flowId: string;
  crmProspectId: string;
  prospectType: 'CONTACT' | 'LEAD';
  /** The Gong user who owns the instance's to-dos. */
  ownerUserId: string;
  created: string;
  status: FlowInstanceStatus;
  /** The step the prospect is at (1-based). */
  currentStep: number;
  finished?: string;
  /** Set when the prospect was removed from the flow (status then `Finished`; no cool-off follows). */
  unassigned?: { at: string; byUserId?: string };
  description?: string;
  stepOverrides: { number: number; subject?: string; body?: string }[];
  variables: { name: string; value: string }[];
}

export type TaskStatus = 'OPEN' | 'DONE' | 'DISMISSED';

export interface EngageTaskRecord {
  id: string;
  userId: string;
  workspaceId: string;
  type: 'FLOW' | 'MANUAL';
  status: TaskStatus;
  actions: 'CALL'[];
  created: string;
  updated: string;
  dueDate: string;
  /** MANUAL tasks only. */
  title?: string;
  flowInstanceId?: string;
  flowId?: string;
  stepNumber?: number;
  contactCrmId?: string;
  contactType?: 'CONTACT' | 'LEAD';
  accountCrmId?: string;
  dealCrmId?: string;
  priority: 'high' | 'medium' | 'low';
}

/** An email message Gong imported or Engage sent. */
export interface EmailMessageRecord {
  /** 32 characters. */
  id: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  sentTime: string;
  /** The mailbox Gong read it from (the Gong user's). */
  mailbox: string;
  messageHash: string;
  flowInstanceId?: string;
}

export const CRM_UPLOAD_TYPES = ['ACCOUNT', 'CONTACT', 'DEAL', 'LEAD', 'BUSINESS_USER', 'STAGE'] as const;
export type CrmObjectType = (typeof CRM_UPLOAD_TYPES)[number];
export const CRM_SCHEMA_TYPES = ['ACCOUNT', 'CONTACT', 'DEAL', 'LEAD'] as const;
export type CrmSchemaObjectType = (typeof CRM_SCHEMA_TYPES)[number];

export const CRM_FIELD_TYPES = [
  'DATE',
  'DATETIME',
  'NUMBER',
  'PERCENT',
  'CURRENCY',
  'ID',
  'URL',
  'STRING',
  'BOOLEAN',
  'PHONENUMBER',
  'EMAILADDRESS',
  'PICKLIST',
  'REFERENCE',
  'STRINGARRAY',
] as const;

export interface CrmSchemaFieldRecord {
  uniqueName: string;
  label: string;
  type: (typeof CRM_FIELD_TYPES)[number];
  lastModified: string;
  referenceTo?: 'ACCOUNT' | 'CONTACT' | 'DEAL' | 'LEAD' | 'USER';
  orderedValueList?: string[];
}

export interface CrmIntegrationRecord {
  id: string;
  name: string;
  ownerEmail: string;
  created: string;
  /** Additional (custom) fields per object type. */
  schema: Record<CrmSchemaObjectType, CrmSchemaFieldRecord[]>;
}

export interface CrmEntityRecord {
  integrationId: string;
  objectType: CrmObjectType;
  objectId: string;
  /** Gong's own numeric id of the object. */
  gongId: string;
  /** The object as uploaded (objectId included, isDeleted not). */
  fields: Record<string, unknown>;
  uploaded: string;
}

export interface CrmRequestRecord {
  integrationId: string;
  clientRequestId: string;
  kind: 'upload' | 'delete-integration';
  objectType?: CrmObjectType;
  created: string;
  status: 'PENDING' | 'IN_PROGRESS' | 'DONE' | 'FAILED';
  /** At most 20, as Gong reports them. */
  errors: { line: number; description: string }[];
  totalErrorCount: number;
  totalSuccessCount: number;
}

export const PERMISSION_LEVELS = ['all', 'managers-team', 'report-to-them', 'own', 'none'] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

export interface AccessSetting {
  permissionLevel: PermissionLevel;
  teamLeadIds?: string[];
}

export const ACCESS_FIELDS = [
  'callsAccess',
  'dealsAccess',
  'coachingAccess',
  'insightsAccess',
  'usageAccess',
  'emailsAccess',
] as const;
export type AccessField = (typeof ACCESS_FIELDS)[number];
export const FORECAST_FIELDS = ['forecastAccess', 'forecastEditSubmissions', 'forecastEditTargets'] as const;
export type ForecastField = (typeof FORECAST_FIELDS)[number];

/** The boolean capabilities of `PermissionProfileDTO`. */
export const PROFILE_CAPABILITIES = [
  'scoreCalls',
  'overrideScore',
  'downloadCallMedia',
  'shareCallsWithCustomers',
  'manuallyScheduleAndUploadCalls',
  'privateCalls',
  'deleteCalls',
  'trimCalls',
  'listenInCalls',
  'deleteEmails',
  'callsAndSearch',
  'library',
  'deals',
  'createEditAndDeleteDealsBoards',
  'dealsInlineEditing',
  'account',
  'coaching',
  'usage',
  'teamStats',
  'initiatives',
  'market',
  'activity',
  'forecast',
  'forecastManage',
  'engageManageCompanyTemplates',
  'engageManageCompanySequences',
  'engageCreateAndManageRulesets',
  'engageSnoozeFlowToDosForOthers',
  'engageAllowCrmFieldsViewChange',
  'viewEngageAnalyticsActivity',
  'viewEngageAnalyticsPerformance',
  'viewEngageAnalyticsFlows',
  'manageGeneralBusinessSettings',
  'manageScorecards',
  'exportCallsAndCoachingDataToCSV',
  'crmDataInlineEditing',
  'crmDataImport',
  'viewRevenueAnalytics',
  'manageRevenueAnalytics',
  'engageReassignFlowToDosToOthers',
  'engageAssignFlowToDosToOthers',
  'dealsDataExport',
  'aiBuilder',
  'orchestrateCreateAndManagePlays',
] as const;
export type ProfileCapability = (typeof PROFILE_CAPABILITIES)[number];

export interface LibraryFolderAccessSetting {
  permissionLevel: 'none' | 'all' | 'specific-folders';
  libraryFolderIds?: string[];
  managePublicFolder: boolean;
  manageStreams: boolean;
  manageFolderCalls: boolean;
  shareFoldersAndStreams: boolean;
}

export interface PermissionProfileRecord {
  id: string;
  workspaceId: string;
  name: string;
  description: string;
  access: Record<AccessField, AccessSetting>;
  forecast: Record<ForecastField, AccessSetting>;
  libraryFolderAccess: LibraryFolderAccessSetting;
  capabilities: Record<ProfileCapability, boolean>;
  /** Users whose access in this workspace the profile governs (a user has one profile per workspace). */
  userIds: string[];
}

/** Days after a prospect finished a flow during which Gong refuses to assign it again (unless overridden). */
export const COOL_OFF_DAYS = 14;
/** The erase endpoints' integrity protection: a request that would delete more calls than this is refused. */
export const MAX_ERASED_CALLS = 15;
/** The largest LDJSON file Gong accepts. */
const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
/** Gong reports at most this many line errors of an upload. */
const MAX_REPORTED_ERRORS = 20;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CLIENT_REQUEST_ID = /^[A-Za-z0-9_-]{1,128}$/;

function requireEmail(value: string, field: string): string {
  const v = value.trim();
  if (!EMAIL.test(v)) throw badRequest(`${field}: ${JSON.stringify(value)} is not a valid email address`);
  return v;
}

/** The active Gong user with this email (or alias), or a 400 naming `field`. */
function userByEmailOr400(state: GongState, email: string, field: string): GongUser {
  const u = state.userByEmail(requireEmail(email, field));
  if (!u) throw badRequest(`${field}: no Gong user has the email address ${email} (GET /v2/users lists the users)`);
  return u;
}

function optionalWorkspace(state: GongState, value: string | undefined | null, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  requireNumericId(value, field);
  if (!state.workspaces.has(value)) {
    throw badRequest(`${field}: no workspace with the id ${value} (GET /v2/workspaces lists them)`);
  }
  return value;
}

function visibleTo(item: { visibility: Visibility; ownerUserId: string; sharedWithUserIds: string[] }, userId: string) {
  return (
    item.visibility === 'Company' ||
    item.ownerUserId === userId ||
    (item.visibility === 'Shared' && item.sharedWithUserIds.includes(userId))
  );
}

const byCreated = <T extends { created: string; id: string }>(a: T, b: T) =>
  a.created === b.created ? (a.id < b.id ? -1 : 1) : a.created < b.created ? -1 : 1;

/** A stable pseudo-random lowercase base-36 string (email message ids and hashes). */
function hashText(seed: string, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) {
    const h = createHash('sha256').update(`${seed}#${i}`).digest();
    out += BigInt(`0x${h.toString('hex')}`).toString(36);
  }
  return out.slice(0, length);
}

/** Digits of a phone number (`+1 (425) 555-2671` → `14255552671`). */
const phoneDigits = (phone: string) => phone.replace(/\D/g, '');

const lower = (s: string | undefined) => (s ?? '').toLowerCase();

/** An ISO date-time without milliseconds, as Gong's CRM dates are. */
const noMs = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z');

/** The value of a string field of a CRM object. */
function str(fields: Record<string, unknown>, name: string): string | undefined {
  const v = fields[name];
  return typeof v === 'string' ? v : undefined;
}

/** The integration Gong works with (only one may be registered at a time). */
function activeIntegration(state: GongState): CrmIntegrationRecord | undefined {
  return state.crmIntegrations.values().next().value;
}

const entityKey = (integrationId: string, type: CrmObjectType, objectId: string) =>
  `${integrationId}|${type}|${objectId}`;

function crmEntity(state: GongState, type: CrmObjectType, objectId: string): CrmEntityRecord | undefined {
  const integration = activeIntegration(state);
  return integration ? state.crmEntities.get(entityKey(integration.id, type, objectId)) : undefined;
}

/** A contact or lead of the active CRM integration: an Engage prospect. */
function prospect(state: GongState, crmId: string): CrmEntityRecord | undefined {
  return crmEntity(state, 'CONTACT', crmId) ?? crmEntity(state, 'LEAD', crmId);
}

// ---------------------------------------------------------------------------------------------------------------
// Engage: flow folders and flows

function folderJson(state: GongState, f: FlowFolderRecord) {
  const parent = f.parentId ? state.flowFolders.get(f.parentId) : undefined;
  return {
    id: f.id,
    name: f.name,
    // The spec reuses the flow item for folders: folderId/folderName are those of the parent folder.
    ...(parent ? { folderId: parent.id, folderName: parent.name } : {}),
    visibility: f.visibility,
    creationDate: f.created,
  };
}

function flowJson(state: GongState, f: FlowRecord) {
  return {
    id: f.id,
    name: f.name,
    folderId: f.folderId,
    folderName: state.flowFolders.get(f.folderId)?.name,
    visibility: f.visibility,
    creationDate: f.created,
    exclusive: f.exclusive,
  };
}

function listFlowFolders(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const q = new URL(c.req.url).searchParams;
  const email = requiredQuery(c, 'flowFolderOwnerEmail', 'the email address of a Gong user');
  const user = userByEmailOr400(state, email, 'flowFolderOwnerEmail');
  const workspaceId = optionalWorkspace(state, q.get('workspaceId'), 'workspaceId');
  const parentId = q.get('parentId') || undefined;
  if (parentId !== undefined) {
    requireNumericId(parentId, 'parentId');
    const parent = state.flowFolders.get(parentId);
    if (!parent || !visibleTo(parent, user.id)) {
      throw badRequest(`parentId: no flow folder with the id ${parentId} is visible to ${user.emailAddress}`);
    }
  }
  const folders = [...state.flowFolders.values()]
    .filter(
      (f) =>
        visibleTo(f, user.id) &&
        (!workspaceId || f.workspaceId === workspaceId) &&
        (!parentId || f.id === parentId || f.parentId === parentId),
    )
    .sort(byCreated);
  const { page, records } = paginate(folders, {
    cursor: q.get('cursor'),
    scope: ['flow-folders', user.id, workspaceId, parentId],
    pageSize: state.pageSize,
  });
  return gongJson(c, deps, { records, flows: page.map((f) => folderJson(state, f)) });
}

function listFlows(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const q = new URL(c.req.url).searchParams;
  const email = requiredQuery(c, 'flowOwnerEmail', 'the email address of a Gong user');
  const user = userByEmailOr400(state, email, 'flowOwnerEmail');
  const workspaceId = optionalWorkspace(state, q.get('workspaceId'), 'workspaceId');
  const folderId = q.get('folderId') || undefined;
  if (folderId !== undefined) {
    requireNumericId(folderId, 'folderId');
    const folder = state.flowFolders.get(folderId);
    if (!folder || !visibleTo(folder, user.id)) {
      throw badRequest(
        `folderId: no flow folder with the id ${folderId} is visible to ${user.emailAddress} (GET /v2/flows/folders lists them)`,
      );
    }
  }
  const mostRecentlyAssigned = queryBoolean(q, 'mostRecentlyAssigned', false);
  const matches = (f: FlowRecord) =>
    (!workspaceId || f.workspaceId === workspaceId) && (!folderId || f.folderId === folderId);
  let flows: FlowRecord[];
  if (mostRecentlyAssigned) {
    // The flows this user most recently assigned prospects to, newest first, capped at 20.
    const seen = new Set<string>();
    flows = [];
    const instances = [...state.flowInstances.values()]
      .filter((i) => i.ownerUserId === user.id)
      .sort((a, b) => -byCreated(a, b));
    for (const i of instances) {
      const f = state.flows.get(i.flowId);
      if (!f || seen.has(f.id) || !matches(f)) continue;
      seen.add(f.id);
      flows.push(f);
      if (flows.length === 20) break;
    }
  } else {
    flows = [...state.flows.values()].filter((f) => visibleTo(f, user.id) && matches(f)).sort(byCreated);
  }
  const { page, records } = paginate(flows, {
    cursor: q.get('cursor'),
    scope: ['flows', user.id, workspaceId, folderId, mostRecentlyAssigned],
    pageSize: state.pageSize,
  });
  return gongJson(c, deps, { records, flows: page.map((f) => flowJson(state, f)) });
}

// ---------------------------------------------------------------------------------------------------------------
// Engage: prospects in flows

function instanceJson(state: GongState, i: FlowInstanceRecord) {
  const flow = state.flows.get(i.flowId);
  const owner = state.users.get(i.ownerUserId);
  return {
    flowId: i.flowId,
    flowName: flow?.name,
    crmProspectId: i.crmProspectId,
    flowInstanceId: i.id,
    flowInstanceOwnerEmail: owner?.emailAddress,
    flowInstanceOwnerFullName: owner ? state.fullName(owner) : undefined,
    flowInstanceCreateDate: i.created,
    flowInstanceStatus: i.status,
    workspaceId: flow?.workspaceId,
    exclusive: flow?.exclusive,
  };
}

const isOpen = (i: FlowInstanceRecord) => (OPEN_INSTANCE_STATUSES as readonly string[]).includes(i.status);

const crmIdList = (field: string) =>
  z
    .array(z.string().trim().min(1, `${field}: a CRM id cannot be empty`))
    .refine((a) => new Set(a).size === a.length, { message: 'the ids must be unique' });

const prospectsQuerySchema = z.strictObject({
  crmProspectsIds: crmIdList('crmProspectsIds').optional(),
  flowInstanceIds: z
    .array(z.string().regex(/^\d{1,20}$/, 'expected numeric flow instance ids'))
    .refine((a) => new Set(a).size === a.length, { message: 'the ids must be unique' })
    .optional(),
});

async function getFlowProspects(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const body = await parseBody(c, prospectsQuerySchema);
  const crmIds = new Set(body.crmProspectsIds ?? []);
  const instanceIds = new Set(body.flowInstanceIds ?? []);
  if (crmIds.size === 0 && instanceIds.size === 0) {
    throw badRequest('crmProspectsIds: send crmProspectsIds and/or flowInstanceIds (at least one id)');
  }
  const found = [...state.flowInstances.values()]
    .filter((i) => (crmIds.has(i.crmProspectId) && isOpen(i)) || instanceIds.has(i.id))
    .sort(byCreated);
  return gongJson(c, deps, { prospectsAssigned: found.map((i) => instanceJson(state, i)) });
}

const assignSchema = z.strictObject({
  crmProspectsIds: crmIdList('crmProspectsIds')
    .min(1, 'send at least one CRM id')
    .max(100, 'at most 100 prospects per request'),
  flowId: z.string().regex(/^\d{1,20}$/, 'expected a numeric flow id (GET /v2/flows lists them)'),
  flowInstanceOwnerEmail: z.string().regex(EMAIL, 'expected the email address of a Gong user'),
  overrides: z
    .strictObject({
      steps: z
        .array(
          z.strictObject({
            number: z.int().min(1, 'steps are numbered from 1'),
            subject: z.string().optional(),
            body: z.string().optional(),
          }),
        )
        .optional(),
      flowInstanceVariables: z.array(z.strictObject({ name: z.string().min(1), value: z.string() })).optional(),
      coolOffOverride: z.boolean().optional(),
    })
    .optional(),
  flowInstanceDescription: z.string().max(5000).optional(),
});

/** The first open instance that keeps `crmId` out of `flow` (same flow, or exclusivity on either side). */
function blockingInstance(state: GongState, crmId: string, flow: FlowRecord): FlowInstanceRecord | undefined {
  for (const i of state.flowInstances.values()) {
    if (i.crmProspectId !== crmId || !isOpen(i)) continue;
    if (i.flowId === flow.id) return i;
    if (flow.exclusive || state.flows.get(i.flowId)?.exclusive) return i;
  }
  return undefined;
}

/** The most recent natural finish of a flow by `crmId` within the cool-off period. */
function coolingOff(state: GongState, crmId: string, now: number): FlowInstanceRecord | undefined {
  let latest: FlowInstanceRecord | undefined;
  for (const i of state.flowInstances.values()) {
    if (i.crmProspectId !== crmId || isOpen(i) || i.unassigned || !i.finished) continue;
    if (now - Date.parse(i.finished) > COOL_OFF_DAYS * DAY) continue;
    if (!latest || i.finished > latest.finished!) latest = i;
  }
  return latest;
}

/** Creates the CALL to-do of the step an instance is at (when that step is a call). */
function addStepTask(state: GongState, instance: FlowInstanceRecord, at: Date, status: TaskStatus = 'OPEN') {
  const flow = state.flows.get(instance.flowId);
  const step = flow?.steps.find((s) => s.number === instance.currentStep);
  if (!flow || step?.type !== 'CALL') return undefined;
  const p = prospect(state, instance.crmProspectId);
  const task: EngageTaskRecord = {
    id: state.nextId('other'),
    userId: instance.ownerUserId,
    workspaceId: flow.workspaceId,
    type: 'FLOW',
    status,
    actions: ['CALL'],
    created: at.toISOString(),
    updated: at.toISOString(),
    dueDate: new Date(Date.parse(instance.created) + step.dayOffset * DAY).toISOString(),
    flowInstanceId: instance.id,
    flowId: flow.id,
    stepNumber: step.number,
    contactCrmId: instance.crmProspectId,
    contactType: instance.prospectType,
    ...(p && str(p.fields, 'accountId') ? { accountCrmId: str(p.fields, 'accountId') } : {}),
    priority: step.number === 1 ? 'high' : 'medium',
  };
  state.engageTasks.set(task.id, task);
  return task;
}

async function assignProspects(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const body = await parseBody(c, assignSchema);
  const flow = state.flows.get(body.flowId);
  if (!flow) throw gongNotFound(`Flow not found: no Engage flow with the id ${body.flowId} (GET /v2/flows lists them)`);
  const owner = userByEmailOr400(state, body.flowInstanceOwnerEmail, 'flowInstanceOwnerEmail');
  if (!owner.active) {
    throw badRequest(
      `flowInstanceOwnerEmail: ${owner.emailAddress} is a deactivated Gong user and cannot own flow to-dos`,
    );
  }
  if (!owner.workspaceIds.includes(flow.workspaceId)) {
    throw forbidden(
      `flowInstanceOwnerEmail: ${owner.emailAddress} is not a member of the workspace of flow ${flow.id} (${flow.name})`,
    );
  }
  if (!visibleTo(flow, owner.id)) {
    const flowOwner = state.users.get(flow.ownerUserId);
    throw forbidden(
      `flowInstanceOwnerEmail: flow ${flow.id} (${flow.name}) is a ${flow.visibility.toLowerCase()} flow of ${flowOwner?.emailAddress ?? 'another user'} that ${owner.emailAddress} cannot use`,
    );
  }
  const overrides = body.overrides ?? {};
  for (const [k, s] of (overrides.steps ?? []).entries()) {
    if (s.number > flow.steps.length) {
      throw badRequest(
        `overrides.steps[${k}].number: flow ${flow.id} has ${flow.steps.length} steps; there is no step ${s.number}`,
      );
    }
  }
  const now = state.now();
  const prospectsAssigned: ReturnType<typeof instanceJson>[] = [];
  const prospectsNotAssigned: { flowId: string; crmProspectId: string; errorCode: string; errorMessage: string }[] = [];
  const fail = (crmProspectId: string, errorCode: string, errorMessage: string) =>
    prospectsNotAssigned.push({ flowId: flow.id, crmProspectId, errorCode, errorMessage });
  for (const crmId of body.crmProspectsIds) {
    const p = prospect(state, crmId);
    if (!p) {
      fail(crmId, 'InvalidArgument', `Invalid crmId ${crmId}: no contact or lead with this CRM id`);
      continue;
    }
    const blocking = blockingInstance(state, crmId, flow);
    if (blocking) {
      const other = state.flows.get(blocking.flowId);
      fail(
        crmId,
        'InvalidState',
        blocking.flowId === flow.id
          ? `Prospect ${crmId} is already in flow "${flow.name}" (flow instance ${blocking.id})`
          : `Prospect ${crmId} is in flow "${other?.name}" (flow instance ${blocking.id}); ${other?.exclusive ? 'that flow is exclusive' : 'this flow is exclusive'}`,
      );
      continue;
    }
    const cool = overrides.coolOffOverride ? undefined : coolingOff(state, crmId, now.getTime());
    if (cool) {
      const until = new Date(Date.parse(cool.finished!) + COOL_OFF_DAYS * DAY).toISOString();
      fail(
        crmId,
        'InvalidState',
        `Prospect ${crmId} finished flow "${state.flows.get(cool.flowId)?.name}" on ${cool.finished} and is in cool-off until ${until}; set overrides.coolOffOverride to assign anyway`,
      );
      continue;
    }
    const instance: FlowInstanceRecord = {
      id: state.nextId('other'),
      flowId: flow.id,
      crmProspectId: crmId,
      prospectType: p.objectType === 'LEAD' ? 'LEAD' : 'CONTACT',
      ownerUserId: owner.id,
      created: now.toISOString(),
      status: 'Running',
      currentStep: 1,
      stepOverrides: (overrides.steps ?? []).map((s) => ({ ...s })),
      variables: (overrides.flowInstanceVariables ?? []).map((v) => ({ ...v })),
      ...(body.flowInstanceDescription !== undefined ? { description: body.flowInstanceDescription } : {}),
    };
    state.flowInstances.set(instance.id, instance);
    addStepTask(state, instance, now);
    prospectsAssigned.push(instanceJson(state, instance));
  }
  return gongJson(c, deps, { prospectsAssigned, prospectsNotAssigned });
}

const unassignSchema = z.strictObject({
  crmProspectId: z.string().trim().min(1, 'required: the CRM id of the prospect'),
  flowId: z
    .string()
    .regex(/^\d{1,20}$/, 'expected a numeric flow id')
    .optional(),
  unassignedByUserEmail: z.string().optional(),
});

/** Ends an instance early: status Finished, its open to-dos dismissed. */
function endInstance(state: GongState, instance: FlowInstanceRecord, at: Date, byUserId?: string) {
  instance.status = 'Finished';
  instance.finished = at.toISOString();
  instance.unassigned = { at: at.toISOString(), ...(byUserId ? { byUserId } : {}) };
  for (const t of state.engageTasks.values()) {
    if (t.flowInstanceId === instance.id && t.status === 'OPEN') {
      t.status = 'DISMISSED';
      t.updated = at.toISOString();
    }
  }
}

async function unassignFlows(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const body = await parseBody(c, unassignSchema);
  const by = body.unassignedByUserEmail
    ? userByEmailOr400(state, body.unassignedByUserEmail, 'unassignedByUserEmail')
    : undefined;
  if (body.flowId && !state.flows.has(body.flowId)) {
    throw badRequest(
      `flowId: no Engage flow with the id ${body.flowId} (POST /v2/flows/prospects lists a prospect's flows)`,
    );
  }
  const known =
    prospect(state, body.crmProspectId) ||
    [...state.flowInstances.values()].some((i) => i.crmProspectId === body.crmProspectId);
  if (!known) throw badRequest(`crmProspectId: Invalid crmId ${body.crmProspectId}: no such prospect in Gong Engage`);
  const now = state.now();
  const ids: string[] = [];
  for (const i of [...state.flowInstances.values()].sort(byCreated)) {
    if (i.crmProspectId !== body.crmProspectId || !isOpen(i)) continue;
    if (body.flowId && i.flowId !== body.flowId) continue;
    endInstance(state, i, now, by?.id);
    ids.push(i.id);
  }
  return gongJson(c, deps, { unassignedFlowInstanceIds: ids });
}

// ---------------------------------------------------------------------------------------------------------------
// Engage: tasks

const PRIORITIES = {
  high: { id: 1, name: 'high', weight: 100 },
  medium: { id: 2, name: 'medium', weight: 50 },
  low: { id: 3, name: 'low', weight: 10 },
} as const;

const tasksSchema = z.strictObject({
  filter: z.strictObject(
    {
      userId: z.string().regex(/^\d{1,20}$/, 'expected the numeric id of a Gong user (GET /v2/users lists them)'),
      workspaceId: z.string().optional(),
      types: z.array(z.enum(['FLOW', 'MANUAL'])).min(1, 'required: at least one of FLOW, MANUAL'),
      taskAction: z.array(z.enum(['CALL'])).min(1, 'required: ["CALL"]'),
      status: z.array(z.enum(['OPEN', 'DONE', 'DISMISSED'])).min(1, 'required: at least one of OPEN, DONE, DISMISSED'),
    },
    { error: 'required: an object with userId, types, taskAction and status' },
  ),
});

function contactJson(state: GongState, crmId: string, type: 'CONTACT' | 'LEAD') {
  const e = crmEntity(state, type, crmId);
  if (!e) return { crmId, type };
  const f = e.fields;
  const account = str(f, 'accountId') ? crmEntity(state, 'ACCOUNT', str(f, 'accountId')!) : undefined;
  const phone = str(f, 'phoneNumber');
  const email = str(f, 'emailAddress');
  const digits = phone ? phoneDigits(phone) : '';
  return {
    crmId,
    type,
    data: {
      firstName: str(f, 'firstName'),
      lastName: str(f, 'lastName'),
      crmUrl: str(f, 'url'),
      companyName: (account && str(account.fields, 'name')) ?? str(f, 'company'),
      affiliation: 'Them',
      emails: email ? [{ email }] : [],
      title: str(f, 'title'),
      timezone: str(f, 'timezone'),
      phoneNumbers: phone
        ? [
            {
              raw: phone,
              countryCode: digits.startsWith('1') ? 1 : Number(digits.slice(0, 2)),
              normalized: `+${digits}`,
              label: 'work',
              isVerified: true,
            },
          ]
        : [],
      optOutChannels: Array.isArray(f.optOutChannels) ? f.optOutChannels : [],
    },
  };
}

function taskJson(state: GongState, t: EngageTaskRecord) {
  const flow = t.flowId ? state.flows.get(t.flowId) : undefined;
  const step = flow?.steps.find((s) => s.number === t.stepNumber);
  const account = t.accountCrmId ? crmEntity(state, 'ACCOUNT', t.accountCrmId) : undefined;
  const deal = t.dealCrmId ? crmEntity(state, 'DEAL', t.dealCrmId) : undefined;
  return {
    id: Number(t.id),
    userId: Number(t.userId),
    created: t.created,
    updated: t.updated,
    status: t.status,
    type: t.type,
    actions: [...t.actions],
    ...(t.accountCrmId
      ? {
          account: {
            crmId: t.accountCrmId,
            name: account ? str(account.fields, 'name') : undefined,
            crmUrl: account ? str(account.fields, 'url') : undefined,
          },
        }
      : {}),
    ...(t.dealCrmId
      ? {
          opportunity: {
            crmId: t.dealCrmId,
            name: deal ? str(deal.fields, 'name') : undefined,
            crmUrl: deal ? str(deal.fields, 'url') : undefined,
            status: deal ? str(deal.fields, 'status') : undefined,
            stage: deal ? str(deal.fields, 'stage') : undefined,
            amount: deal && deal.fields.amount !== undefined ? String(deal.fields.amount) : undefined,
            probability: deal && deal.fields.probability !== undefined ? String(deal.fields.probability) : undefined,
            closeDate: deal ? str(deal.fields, 'closeDate') : undefined,
          },
        }
      : {}),
    dueDate: t.dueDate,
    ...(flow
      ? {
          flow: {
            id: Number(flow.id),
            name: flow.name,
            ...(step ? { step: { id: Number(step.id), name: step.name, stepNumber: step.number } } : {}),
          },
        }
      : {}),
    ...(t.contactCrmId ? { contact: contactJson(state, t.contactCrmId, t.contactType ?? 'CONTACT') } : {}),
    additionalContacts: [],
    ...(t.type === 'MANUAL' ? { title: t.title } : {}),
    priority: { ...PRIORITIES[t.priority] },
  };
}

async function listTasks(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const { filter } = await parseBody(c, tasksSchema);
  if (!state.users.has(filter.userId)) {
    throw badRequest(`filter.userId: no Gong user with the id ${filter.userId} (GET /v2/users lists them)`);
  }
  const workspaceId = optionalWorkspace(state, filter.workspaceId, 'filter.workspaceId');
  const tasks = [...state.engageTasks.values()]
    .filter(
      (t) =>
        t.userId === filter.userId &&
        (!workspaceId || t.workspaceId === workspaceId) &&
        filter.types.includes(t.type) &&
        filter.status.includes(t.status) &&
        t.actions.some((a) => filter.taskAction.includes(a)),
    )
    .sort((a, b) => (a.dueDate === b.dueDate ? (a.id < b.id ? -1 : 1) : a.dueDate < b.dueDate ? -1 : 1));
  return gongJson(c, deps, {
    tasks: tasks.map((t) => taskJson(state, t)),
    ...(activeIntegration(state) ? { crmType: 'GENERIC' } : {}),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// CRM: integration, schema, objects, requests

function integrationOr400(state: GongState, c: GongContext): CrmIntegrationRecord {
  const id = requiredQuery(c, 'integrationId', 'the id from GET /v2/crm/integrations');
  requireNumericId(id, 'integrationId');
  const integration = state.crmIntegrations.get(id);
  if (!integration) {
    throw badRequest(`integrationId: no CRM integration with the id ${id} (GET /v2/crm/integrations returns yours)`);
  }
  return integration;
}

function clientRequestIdOr400(c: GongContext): string {
  const id = requiredQuery(c, 'clientRequestId', 'an identifier you choose: letters, numbers, dashes, underscores');
  if (!CLIENT_REQUEST_ID.test(id)) {
    throw badRequest(
      `clientRequestId: ${JSON.stringify(id)} has invalid characters; use letters, numbers, dashes and underscores (at most 128)`,
    );
  }
  return id;
}

function objectTypeOr400<T extends string>(value: string, allowed: readonly T[], field = 'objectType'): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw badRequest(`${field}: expected one of ${allowed.join(', ')} (case-sensitive); got ${JSON.stringify(value)}`);
  }
  return value as T;
}

const registerSchema = z.strictObject({
  ownerEmail: z.string().regex(EMAIL, 'expected an email address'),
  name: z.string().trim().min(1, 'required: the name of the integration').max(200),
});

async function registerIntegration(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const body = await parseBody(c, registerSchema);
  const existing = activeIntegration(state);
  if (existing) {
    throw new EmulatorHttpError(
      409,
      `A CRM integration is already registered (integrationId ${existing.id}, "${existing.name}"). Multiple CRM integrations are not supported: delete it first with DELETE /v2/crm/integrations`,
    );
  }
  const integration: CrmIntegrationRecord = {
    id: state.nextId('other'),
    name: body.name,
    ownerEmail: body.ownerEmail,
    created: state.now().toISOString(),
    schema: { ACCOUNT: [], CONTACT: [], DEAL: [], LEAD: [] },
  };
  state.crmIntegrations.set(integration.id, integration);
  return gongJson(c, deps, { integrationId: Number(integration.id) });
}

function listIntegrations(c: GongContext, deps: GongDeps) {
  const integrations = [...deps.state.crmIntegrations.values()].map((i) => ({
    integrationId: Number(i.id),
    ownerEmail: i.ownerEmail,
    name: i.name,
  }));
  return gongJson(c, deps, { integrations });
}

function requestKey(integrationId: string, clientRequestId: string) {
  return `${integrationId}|${clientRequestId}`;
}

function refuseReusedRequestId(state: GongState, integrationId: string, clientRequestId: string) {
  const previous = state.crmRequests.get(requestKey(integrationId, clientRequestId));
  if (previous) {
    throw new EmulatorHttpError(
      409,
      `clientRequestId: ${clientRequestId} was already used (${previous.kind} request of ${previous.created}); send a new clientRequestId`,
    );
  }
}

function deleteIntegration(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const integration = integrationOr400(state, c);
  const clientRequestId = clientRequestIdOr400(c);
  refuseReusedRequestId(state, integration.id, clientRequestId);
  // Asynchronous in Gong; the emulator completes it at once and reports DONE through the request status.
  let removed = 0;
  for (const [key, e] of state.crmEntities) {
    if (e.integrationId === integration.id) {
      state.crmEntities.delete(key);
      removed += 1;
    }
  }
  state.crmIntegrations.delete(integration.id);
  state.crmRequests.set(requestKey(integration.id, clientRequestId), {
    integrationId: integration.id,
    clientRequestId,
    kind: 'delete-integration',
    created: state.now().toISOString(),
    status: 'DONE',
    errors: [],
    totalErrorCount: 0,
    totalSuccessCount: removed,
  });
  return gongJson(c, deps, { clientRequestId }, 201);
}

function schemaFieldJson(f: CrmSchemaFieldRecord) {
  return {
    uniqueName: f.uniqueName,
    label: f.label,
    type: f.type,
    lastModified: f.lastModified,
    isDeleted: false,
    ...(f.referenceTo ? { referenceTo: f.referenceTo } : {}),
    ...(f.orderedValueList ? { orderedValueList: [...f.orderedValueList] } : {}),
  };
}

function listSchemaFields(c: GongContext, deps: GongDeps) {
  const integration = integrationOr400(deps.state, c);
  const raw = c.req.query('objectType');
  const types = raw ? [objectTypeOr400(raw, CRM_SCHEMA_TYPES)] : [...CRM_SCHEMA_TYPES];
  const objectTypeToSelectedFields = Object.fromEntries(
    types.map((t) => [t, integration.schema[t].map(schemaFieldJson)]),
  );
  return gongJson(c, deps, { objectTypeToSelectedFields });
}

async function getCrmObjects(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const integration = integrationOr400(state, c);
  const objectType = objectTypeOr400(requiredQuery(c, 'objectType', CRM_SCHEMA_TYPES.join(', ')), CRM_SCHEMA_TYPES);
  // Gong reads the ids from the GET request's body; they are also accepted as the objectsCrmIds query parameter
  // (the spec declares it there), for HTTP stacks that drop a GET body.
  let ids: string[] = [];
  const text = (await c.req.text().catch(() => '')).trim();
  if (text) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw badRequest('objectsCrmIds: the request body must be a JSON array of CRM ids, e.g. ["1234","8765"]');
    }
    if (!Array.isArray(parsed) || parsed.some((x) => typeof x !== 'string' || x === '')) {
      throw badRequest('objectsCrmIds: the request body must be a JSON array of CRM id strings, e.g. ["1234","8765"]');
    }
    ids = parsed as string[];
  } else {
    ids = new URL(c.req.url).searchParams
      .getAll('objectsCrmIds')
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean);
  }
  if (ids.length === 0) {
    throw badRequest('objectsCrmIds: required: send the CRM ids as a JSON array in the request body, e.g. ["1234"]');
  }
  const crmObjectsMap: Record<string, Record<string, unknown> | null> = {};
  for (const id of [...new Set(ids)].slice(0, 100)) {
    const e = state.crmEntities.get(entityKey(integration.id, objectType, id));
    crmObjectsMap[id] = e ? structuredClone(e.fields) : null;
  }
  return gongJson(c, deps, { crmObjectsMap });
}

const OBJECT_ID = /^(?:[A-Za-z0-9_-]{1,64}|[^\s@]{1,50}@[^\s@]+\.[^\s@]+)$/;
const ISO_NO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:?\d{2})$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The problem with one value of a schema field, or undefined. */
function fieldProblem(f: CrmSchemaFieldRecord, v: unknown): string | undefined {
  if (v === null) return undefined;
  const bad = (what: string) => `Field [${f.uniqueName}] of type ${f.type} ${what}; got ${JSON.stringify(v)}`;
  switch (f.type) {
    case 'NUMBER':
    case 'PERCENT':
    case 'CURRENCY':
      return typeof v === 'number' && Number.isFinite(v) ? undefined : bad('must be a number');
    case 'BOOLEAN':
      return typeof v === 'boolean' ? undefined : bad('must be true or false');
    case 'DATE':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? undefined : bad('must be a date YYYY-MM-DD');
    case 'DATETIME':
      return typeof v === 'string' && ISO_DATE_TIME.test(v) ? undefined : bad('must be an ISO-8601 date-time');
    case 'PICKLIST':
      return typeof v === 'string' && (!f.orderedValueList || f.orderedValueList.includes(v))
        ? undefined
        : bad(`must be one of ${(f.orderedValueList ?? []).join(', ')}`);
    case 'STRINGARRAY':
      return Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : bad('must be an array of strings');
    default:
      return typeof v === 'string' ? undefined : bad('must be a string');
  }
}

/** Gong's line errors for one uploaded object (empty when it is valid). */
function lineProblems(type: CrmObjectType, o: Record<string, unknown>, schema: CrmSchemaFieldRecord[]): string[] {
  const problems: string[] = [];
  const deleted = o.isDeleted === true;
  const missing = (name: string) => o[name] === undefined || o[name] === null || o[name] === '';
  if (o.isDeleted !== undefined && typeof o.isDeleted !== 'boolean')
    problems.push('Field [isDeleted] must be a boolean');
  if (missing('objectId')) problems.push('Mandatory field [objectId] is missing or empty');
  else if (typeof o.objectId !== 'string' || !OBJECT_ID.test(o.objectId)) {
    problems.push(
      'Field [objectId] must be at most 64 letters, digits, "-" or "_" (or a valid email address); got ' +
        JSON.stringify(o.objectId),
    );
  }
  if (type !== 'STAGE') {
    if (missing('modifiedDate')) problems.push('Mandatory field [modifiedDate] is missing or empty');
    else if (
      typeof o.modifiedDate !== 'string' ||
      !ISO_NO_MS.test(o.modifiedDate) ||
      Number.isNaN(Date.parse(o.modifiedDate))
    ) {
      problems.push(
        `Field [modifiedDate] must be an ISO-8601 date-time without milliseconds, e.g. 2026-01-03T23:45:57Z; got ${JSON.stringify(o.modifiedDate)}`,
      );
    }
  }
  if (deleted) return problems;
  if (type === 'BUSINESS_USER' && (missing('emailAddress') || !EMAIL.test(String(o.emailAddress)))) {
    problems.push('Mandatory field [emailAddress] is missing or not an email address');
  }
  if ((type === 'CONTACT' || type === 'LEAD') && !missing('emailAddress') && !EMAIL.test(String(o.emailAddress))) {
    problems.push(`Field [emailAddress] is not an email address; got ${JSON.stringify(o.emailAddress)}`);
  }
  if (type === 'STAGE') {
    if (missing('name')) problems.push('Mandatory field [name] is missing or empty');
    if (o.isActive !== undefined && typeof o.isActive !== 'boolean')
      problems.push('Field [isActive] must be a boolean');
    if (o.sortOrder !== undefined && !Number.isInteger(o.sortOrder))
      problems.push('Field [sortOrder] must be an integer');
  }
  if (type === 'ACCOUNT' && o.domains !== undefined) {
    if (!Array.isArray(o.domains) || o.domains.some((d) => typeof d !== 'string')) {
      problems.push('Field [domains] must be an array of strings');
    }
  }
  if (type === 'DEAL') {
    if (o.status !== undefined && !['WON', 'LOST', 'OPEN'].includes(String(o.status))) {
      problems.push(`Field [status] must be one of WON, LOST, OPEN; got ${JSON.stringify(o.status)}`);
    }
    if (o.amount !== undefined && o.amount !== null && (typeof o.amount !== 'number' || !Number.isFinite(o.amount))) {
      problems.push(`Field [amount] must be a number; got ${JSON.stringify(o.amount)}`);
    }
    if (
      o.closeDate !== undefined &&
      o.closeDate !== null &&
      (typeof o.closeDate !== 'string' || Number.isNaN(Date.parse(o.closeDate)))
    ) {
      problems.push(`Field [closeDate] must be a date, e.g. 2026-09-04; got ${JSON.stringify(o.closeDate)}`);
    }
  }
  for (const f of schema) {
    if (o[f.uniqueName] === undefined) continue;
    const p = fieldProblem(f, o[f.uniqueName]);
    if (p) problems.push(p);
  }
  return problems;
}

async function uploadCrmObjects(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const integration = integrationOr400(state, c);
  const objectType = objectTypeOr400(requiredQuery(c, 'objectType', CRM_UPLOAD_TYPES.join(', ')), CRM_UPLOAD_TYPES);
  const clientRequestId = clientRequestIdOr400(c);
  refuseReusedRequestId(state, integration.id, clientRequestId);
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    throw badRequest(
      `dataFile: send the LDJSON file as multipart/form-data in the field 'dataFile' (got Content-Type ${JSON.stringify(type || null)})`,
    );
  }
  if (Number(c.req.header('content-length') ?? 0) > MAX_UPLOAD_BYTES) {
    throw new EmulatorHttpError(413, 'dataFile: the file is larger than the 200 MB Gong accepts; split it');
  }
  let form: Record<string, string | File | (string | File)[]>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch {
    throw badRequest('dataFile: the multipart/form-data body could not be read');
  }
  const file = form.dataFile;
  if (!(file instanceof File) && typeof file !== 'string') {
    throw badRequest(
      `dataFile: required file part is missing${Object.keys(form).length ? ` (got the field(s) ${Object.keys(form).join(', ')})` : ''}`,
    );
  }
  const text = typeof file === 'string' ? file : await file.text();
  if (!text.trim()) throw badRequest('dataFile: the file is empty; send one JSON object per line');

  const schema = objectType in integration.schema ? integration.schema[objectType as CrmSchemaObjectType] : [];
  const now = state.now().toISOString();
  const errors: { line: number; description: string }[] = [];
  let errorCount = 0;
  let successCount = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (!raw.trim()) return;
    let o: unknown;
    try {
      o = JSON.parse(raw);
    } catch {
      errorCount += 1;
      errors.push({ line, description: 'The line is not valid JSON; each line must hold one JSON object' });
      return;
    }
    if (!o || typeof o !== 'object' || Array.isArray(o)) {
      errorCount += 1;
      errors.push({ line, description: 'The line must hold one JSON object' });
      return;
    }
    const obj = o as Record<string, unknown>;
    const problems = lineProblems(objectType, obj, schema);
    if (problems.length > 0) {
      errorCount += 1;
      errors.push({ line, description: problems.join('; ') });
      return;
    }
    successCount += 1;
    const key = entityKey(integration.id, objectType, obj.objectId as string);
    if (obj.isDeleted === true) {
      state.crmEntities.delete(key);
      return;
    }
    const { isDeleted: _, ...fields } = obj;
    const existing = state.crmEntities.get(key);
    state.crmEntities.set(key, {
      integrationId: integration.id,
      objectType,
      objectId: obj.objectId as string,
      gongId: existing?.gongId ?? state.nextId('other'),
      fields,
      uploaded: now,
    });
  });
  if (errorCount === 0 && successCount === 0) throw badRequest('dataFile: the file holds no objects');
  // Asynchronous in Gong; the emulator processes the file at once and reports the outcome through the status.
  state.crmRequests.set(requestKey(integration.id, clientRequestId), {
    integrationId: integration.id,
    clientRequestId,
    kind: 'upload',
    objectType,
    created: now,
    status: errorCount > 0 ? 'FAILED' : 'DONE',
    errors: errors.slice(0, MAX_REPORTED_ERRORS),
    totalErrorCount: errorCount,
    totalSuccessCount: successCount,
  });
  return gongJson(c, deps, { clientRequestId }, 201);
}

function requestStatus(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const integrationId = requiredQuery(c, 'integrationId', 'the id from GET /v2/crm/integrations');
  requireNumericId(integrationId, 'integrationId');
  const clientRequestId = clientRequestIdOr400(c);
  const r = state.crmRequests.get(requestKey(integrationId, clientRequestId));
  if (!r) {
    throw badRequest(
      `clientRequestId: no request ${clientRequestId} for the CRM integration ${integrationId} (the clientRequestId of an upload or integration delete)`,
    );
  }
  return gongJson(c, deps, {
    status: r.status,
    errors: r.errors.map((e) => ({ ...e })),
    totalErrorCount: r.totalErrorCount,
    totalSuccessCount: r.totalSuccessCount,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Permission profiles

function accessJson(a: AccessSetting) {
  return { permissionLevel: a.permissionLevel, ...(a.teamLeadIds ? { teamLeadIds: [...a.teamLeadIds] } : {}) };
}

export function profileJson(p: PermissionProfileRecord) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    callsAccess: accessJson(p.access.callsAccess),
    libraryFolderAccess: {
      ...p.libraryFolderAccess,
      ...(p.libraryFolderAccess.libraryFolderIds
        ? { libraryFolderIds: [...p.libraryFolderAccess.libraryFolderIds] }
        : {}),
    },
    dealsAccess: accessJson(p.access.dealsAccess),
    forecastPermissions: Object.fromEntries(FORECAST_FIELDS.map((k) => [k, accessJson(p.forecast[k])])),
    coachingAccess: accessJson(p.access.coachingAccess),
    insightsAccess: accessJson(p.access.insightsAccess),
    usageAccess: accessJson(p.access.usageAccess),
    emailsAccess: accessJson(p.access.emailsAccess),
    ...p.capabilities,
  };
}

const accessSchema = z.strictObject({
  permissionLevel: z.enum(PERMISSION_LEVELS),
  teamLeadIds: z.array(z.string().regex(/^\d{1,20}$/, 'expected numeric Gong user ids')).optional(),
});

const profileSchema = z.strictObject({
  id: z.string().optional(),
  name: z.string().trim().min(1, 'the name cannot be empty').max(100).optional(),
  description: z.string().max(1000).optional(),
  ...Object.fromEntries(ACCESS_FIELDS.map((k) => [k, accessSchema.optional()])),
  forecastPermissions: z
    .strictObject(Object.fromEntries(FORECAST_FIELDS.map((k) => [k, accessSchema.optional()])))
    .optional(),
  libraryFolderAccess: z
    .strictObject({
      permissionLevel: z.enum(['none', 'all', 'specific-folders'], {
        error: 'required: one of none, all, specific-folders',
      }),
      libraryFolderIds: z.array(z.string().regex(/^\d{1,20}$/, 'expected numeric library folder ids')).optional(),
      managePublicFolder: z.boolean().optional(),
      manageStreams: z.boolean().optional(),
      manageFolderCalls: z.boolean().optional(),
      shareFoldersAndStreams: z.boolean().optional(),
    })
    .optional(),
  ...Object.fromEntries(PROFILE_CAPABILITIES.map((k) => [k, z.boolean().optional()])),
});
type ProfileBody = {
  id?: string;
  name?: string;
  description?: string;
  forecastPermissions?: Partial<Record<ForecastField, AccessSetting>>;
  libraryFolderAccess?: Partial<LibraryFolderAccessSetting> & {
    permissionLevel: LibraryFolderAccessSetting['permissionLevel'];
  };
} & Partial<Record<AccessField, AccessSetting>> &
  Partial<Record<ProfileCapability, boolean>>;

function checkAccess(state: GongState, a: AccessSetting | undefined, field: string): AccessSetting | undefined {
  if (!a) return undefined;
  const ids = a.teamLeadIds ?? [];
  if (a.permissionLevel === 'managers-team' && ids.length === 0) {
    throw badRequest(
      `${field}.teamLeadIds: required for permissionLevel managers-team (the managers whose teams are visible)`,
    );
  }
  if (a.permissionLevel !== 'managers-team' && ids.length > 0) {
    throw badRequest(
      `${field}.teamLeadIds: only allowed with permissionLevel managers-team (got ${a.permissionLevel})`,
    );
  }
  for (const [k, id] of ids.entries()) {
    if (!state.users.has(id)) {
      throw badRequest(`${field}.teamLeadIds[${k}]: no Gong user with the id ${id} (GET /v2/users lists them)`);
    }
  }
  return { permissionLevel: a.permissionLevel, ...(ids.length ? { teamLeadIds: [...new Set(ids)] } : {}) };
}

function checkLibraryAccess(
  state: GongState,
  l: ProfileBody['libraryFolderAccess'],
  workspaceId: string,
): LibraryFolderAccessSetting | undefined {
  if (!l) return undefined;
  const ids = l.libraryFolderIds ?? [];
  const flags = ['managePublicFolder', 'manageStreams', 'manageFolderCalls', 'shareFoldersAndStreams'] as const;
  if (l.permissionLevel === 'none') {
    if (ids.length) throw badRequest('libraryFolderAccess.libraryFolderIds: not allowed when permissionLevel is none');
    for (const f of flags) {
      if (l[f]) throw badRequest(`libraryFolderAccess.${f}: cannot be true when permissionLevel is none`);
    }
  }
  if (l.permissionLevel === 'specific-folders' && ids.length === 0) {
    throw badRequest('libraryFolderAccess.libraryFolderIds: required for permissionLevel specific-folders');
  }
  if (l.permissionLevel === 'all' && ids.length) {
    throw badRequest('libraryFolderAccess.libraryFolderIds: only allowed with permissionLevel specific-folders');
  }
  for (const [k, id] of ids.entries()) {
    const folder = state.libraryFolders.get(id);
    if (!folder || folder.workspaceId !== workspaceId) {
      throw badRequest(
        `libraryFolderAccess.libraryFolderIds[${k}]: no library folder with the id ${id} in workspace ${workspaceId} (GET /v2/library/folders lists them)`,
      );
    }
  }
  return {
    permissionLevel: l.permissionLevel,
    ...(ids.length ? { libraryFolderIds: [...new Set(ids)] } : {}),
    managePublicFolder: l.managePublicFolder ?? false,
    manageStreams: l.manageStreams ?? false,
    manageFolderCalls: l.manageFolderCalls ?? false,
    shareFoldersAndStreams: l.shareFoldersAndStreams ?? false,
  };
}

function nameTaken(state: GongState, workspaceId: string, name: string, exceptId?: string) {
  return [...state.permissionProfiles.values()].some(
    (p) => p.workspaceId === workspaceId && p.id !== exceptId && p.name.toLowerCase() === name.toLowerCase(),
  );
}

/** Applies a (partial) profile body to `p`, validating references; `p` is changed only if all of it is valid. */
function applyProfile(state: GongState, p: PermissionProfileRecord, body: ProfileBody) {
  const access = Object.fromEntries(ACCESS_FIELDS.map((k) => [k, checkAccess(state, body[k], k)]));
  const forecast = Object.fromEntries(
    FORECAST_FIELDS.map((k) => [k, checkAccess(state, body.forecastPermissions?.[k], `forecastPermissions.${k}`)]),
  );
  const library = checkLibraryAccess(state, body.libraryFolderAccess, p.workspaceId);
  if (body.name !== undefined) p.name = body.name;
  if (body.description !== undefined) p.description = body.description;
  for (const k of ACCESS_FIELDS) if (access[k]) p.access[k] = access[k];
  for (const k of FORECAST_FIELDS) if (forecast[k]) p.forecast[k] = forecast[k];
  if (library) p.libraryFolderAccess = library;
  for (const k of PROFILE_CAPABILITIES) if (body[k] !== undefined) p.capabilities[k] = body[k];
}

export function emptyProfile(id: string, workspaceId: string, name: string): PermissionProfileRecord {
  const none = (): AccessSetting => ({ permissionLevel: 'none' });
  return {
    id,
    workspaceId,
    name,
    description: '',
    access: Object.fromEntries(ACCESS_FIELDS.map((k) => [k, none()])) as Record<AccessField, AccessSetting>,
    forecast: Object.fromEntries(FORECAST_FIELDS.map((k) => [k, none()])) as Record<ForecastField, AccessSetting>,
    libraryFolderAccess: {
      permissionLevel: 'none',
      managePublicFolder: false,
      manageStreams: false,
      manageFolderCalls: false,
      shareFoldersAndStreams: false,
    },
    capabilities: Object.fromEntries(PROFILE_CAPABILITIES.map((k) => [k, false])) as Record<ProfileCapability, boolean>,
    userIds: [],
  };
}

function profileOr400(c: GongContext, state: GongState): PermissionProfileRecord {
  const id = requiredQuery(c, 'profileId', 'the id of a permission profile, from GET /v2/all-permission-profiles');
  requireNumericId(id, 'profileId');
  const p = state.permissionProfiles.get(id);
  if (!p) {
    throw badRequest(`profileId: no permission profile with the id ${id} (GET /v2/all-permission-profiles lists them)`);
  }
  return p;
}

async function createProfile(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const workspaceId = optionalWorkspace(
    state,
    requiredQuery(c, 'workspaceId', 'the id of a workspace, from GET /v2/workspaces'),
    'workspaceId',
  )!;
  const body = (await parseBody(c, profileSchema)) as ProfileBody;
  if (!body.name) throw badRequest('name: required: the name of the new permission profile');
  if (nameTaken(state, workspaceId, body.name)) {
    throw new EmulatorHttpError(
      422,
      `name: a permission profile named "${body.name}" already exists in workspace ${workspaceId}`,
    );
  }
  const p = emptyProfile(state.nextId('other'), workspaceId, body.name);
  applyProfile(state, p, body);
  state.permissionProfiles.set(p.id, p);
  return gongJson(c, deps, { profile: profileJson(p) });
}

async function updateProfile(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const p = profileOr400(c, state);
  const body = (await parseBody(c, profileSchema)) as ProfileBody;
  if (body.id !== undefined && body.id !== p.id) {
    throw badRequest(`id: the body's id ${body.id} differs from the profileId ${p.id}; leave it out or send the same`);
  }
  if (body.name !== undefined && nameTaken(state, p.workspaceId, body.name, p.id)) {
    throw badRequest(`name: a permission profile named "${body.name}" already exists in workspace ${p.workspaceId}`);
  }
  // Validate on a copy so a refused update changes nothing.
  const next = structuredClone(p);
  applyProfile(state, next, body);
  state.permissionProfiles.set(p.id, next);
  return gongJson(c, deps, { profile: profileJson(next) });
}

function getProfile(c: GongContext, deps: GongDeps) {
  return gongJson(c, deps, { profile: profileJson(profileOr400(c, deps.state)) });
}

function listProfiles(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const workspaceId = optionalWorkspace(
    state,
    requiredQuery(c, 'workspaceId', 'the id of a workspace, from GET /v2/workspaces'),
    'workspaceId',
  )!;
  const profiles = [...state.permissionProfiles.values()]
    .filter((p) => p.workspaceId === workspaceId)
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || (a.id < b.id ? -1 : 1));
  return gongJson(c, deps, { profiles: profiles.map(profileJson) });
}

function profileUsers(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const p = profileOr400(c, state);
  const users = p.userIds
    .map((id) => state.users.get(id))
    .filter((u): u is GongUser => !!u)
    .map((u) => ({ id: u.id, fullName: state.fullName(u), emailAddress: u.emailAddress }));
  return gongJson(c, deps, { users });
}

// ---------------------------------------------------------------------------------------------------------------
// Data privacy

/** What references an email address or phone number: found by the lookups, deleted by the erasures. */
interface PrivacyMatches {
  calls: CallRecord[];
  emails: EmailMessageRecord[];
  entities: CrmEntityRecord[];
  /** Meetings with one of the addresses among the invitees. */
  meetings: MeetingRecord[];
  engagementEvents: EngagementEventRecord[];
  digitalInteractions: DigitalInteractionRecord[];
  /** Addresses involved (the given one, or those of the contacts/leads with the phone number). */
  addresses: Set<string>;
  matchingPhoneNumbers: Set<string>;
}

function callMentions(call: CallRecord, addresses: Set<string>, digits: string | undefined): boolean {
  return call.parties.some(
    (p) =>
      addresses.has(lower(p.emailAddress)) ||
      (digits !== undefined &&
        p.affiliation !== 'Internal' &&
        p.phoneNumber !== undefined &&
        phoneDigits(p.phoneNumber) === digits) ||
      p.context.some((ctx) =>
        ctx.objects.some((o) =>
          o.fields.some(
            (f) => /^e-?mail/i.test(f.name) && typeof f.value === 'string' && addresses.has(lower(f.value)),
          ),
        ),
      ),
  );
}

function findByEmail(state: GongState, address: string): PrivacyMatches {
  const addresses = new Set([address.toLowerCase()]);
  return collect(state, addresses, undefined, new Set());
}

function findByPhone(state: GongState, digits: string): PrivacyMatches {
  const matchingPhoneNumbers = new Set<string>();
  const addresses = new Set<string>();
  for (const e of state.crmEntities.values()) {
    if (e.objectType !== 'CONTACT' && e.objectType !== 'LEAD') continue;
    const phone = str(e.fields, 'phoneNumber');
    if (phone && phoneDigits(phone) === digits) {
      matchingPhoneNumbers.add(phone);
      const email = str(e.fields, 'emailAddress');
      if (email) addresses.add(email.toLowerCase());
    }
  }
  for (const call of state.calls.values()) {
    for (const p of call.parties) {
      if (p.affiliation === 'Internal' || !p.phoneNumber || phoneDigits(p.phoneNumber) !== digits) continue;
      matchingPhoneNumbers.add(p.phoneNumber);
      if (p.emailAddress) addresses.add(p.emailAddress.toLowerCase());
    }
  }
  return collect(state, addresses, digits, matchingPhoneNumbers);
}

function collect(
  state: GongState,
  addresses: Set<string>,
  digits: string | undefined,
  matchingPhoneNumbers: Set<string>,
): PrivacyMatches {
  const calls = state.callsInOrder().filter((c) => callMentions(c, addresses, digits));
  const emails = [...state.emailMessages.values()]
    .filter((m) => [m.from, ...m.to, ...m.cc].some((a) => addresses.has(a.toLowerCase())))
    .sort((a, b) => (a.sentTime < b.sentTime ? -1 : 1));
  const entities = [...state.crmEntities.values()].filter((e) => {
    if (e.objectType !== 'CONTACT' && e.objectType !== 'LEAD') return false;
    const phone = str(e.fields, 'phoneNumber');
    return (
      addresses.has(lower(str(e.fields, 'emailAddress'))) ||
      (digits !== undefined && phone !== undefined && phoneDigits(phone) === digits)
    );
  });
  const meetings = [...state.meetings.values()].filter((m) => m.invitees.some((i) => addresses.has(lower(i.email))));
  const engagementEvents = state.engagementEvents.filter((e) => e.externalEmails.some((a) => addresses.has(lower(a))));
  const digitalInteractions = [...state.digitalInteractions.values()].filter((d) =>
    addresses.has(lower(d.personEmail)),
  );
  return {
    calls,
    emails,
    entities,
    meetings,
    engagementEvents,
    digitalInteractions,
    addresses,
    matchingPhoneNumbers,
  };
}

function callReferenceJson(call: CallRecord) {
  const systems = [...new Set(call.context.map((ctx) => ctx.system))];
  return {
    id: call.id,
    status: call.mediaStatus === 'ready' ? 'COMPLETED' : 'PROCESSING',
    // Gong logs each recorded call as an activity (a Task) in the CRM the call is associated with.
    externalSystems: systems.map((system) => ({
      system,
      objects: [{ objectType: 'Task', externalId: `00T${hashText(`crm-task-${call.id}`, 15).toUpperCase()}` }],
    })),
  };
}

function privacyJson(m: PrivacyMatches) {
  const objects = m.entities.map((e) => ({
    id: e.gongId,
    objectType: e.objectType === 'LEAD' ? 'Lead' : 'Contact',
    externalId: e.objectId,
    mirrorId: JSON.stringify({ integrationId: e.integrationId, crmObjectType: e.objectType, crmId: e.objectId }),
    fields: Object.entries(e.fields).map(([name, value]) => ({ name, value })),
  }));
  return {
    emails: m.emails.map((e) => ({
      from: e.from,
      id: e.id,
      sentTime: e.sentTime,
      mailbox: e.mailbox,
      messageHash: e.messageHash,
    })),
    calls: m.calls.map(callReferenceJson),
    meetings: m.meetings.map((x) => ({ id: x.meetingId })),
    customerData: objects.length ? [{ system: 'Generic', objects }] : [],
  };
}

const ENGAGEMENT_EVENT_TYPES = {
  'content-shared': 'contentShared',
  'content-viewed': 'contentViewed',
  'custom-action': 'customEvent',
} as const;

/** The `customerEngagement` items of an email lookup: reported engagement events and digital interactions. */
function customerEngagementJson(m: PrivacyMatches) {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const events = m.engagementEvents.map((e) => ({
    eventType: ENGAGEMENT_EVENT_TYPES[e.kind],
    timestamp: e.eventTimestamp,
    contentId: e.contentId,
    contentUrl: text(e.body.contentUrl),
    reportingSystem: e.reportingSystem,
    eventName: text(e.body.actionName) ?? e.contentTitle,
    sourceEventId: e.eventId,
  }));
  const interactions = m.digitalInteractions.map((d) => {
    const content = (d.body.content ?? {}) as Record<string, unknown>;
    return {
      eventType: 'digitalInteraction',
      timestamp: d.timestamp,
      contentId: text(content.contentId),
      contentUrl: text(content.contentUrl),
      reportingSystem: text(d.body.sourceSystemName),
      eventName: d.eventType,
      sourceEventId: d.eventId,
    };
  });
  return [...events, ...interactions].sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1));
}

function emailQuery(c: GongContext): string {
  return requireEmail(requiredQuery(c, 'emailAddress', 'the email address to look up'), 'emailAddress');
}

function phoneQuery(c: GongContext): { supplied: string; digits: string } {
  const supplied = requiredQuery(c, 'phoneNumber', 'a phone number starting with + and the country code');
  const digits = phoneDigits(supplied);
  if (!supplied.trim().startsWith('+') || digits.length < 7 || digits.length > 15) {
    throw badRequest(
      `phoneNumber: ${JSON.stringify(supplied)} is not a valid phone number; start with + and the country code, e.g. +1 425 555 2671`,
    );
  }
  return { supplied, digits };
}

function dataForEmail(c: GongContext, deps: GongDeps) {
  const m = findByEmail(deps.state, emailQuery(c));
  return gongJson(c, deps, { ...privacyJson(m), customerEngagement: customerEngagementJson(m) });
}

function dataForPhone(c: GongContext, deps: GongDeps) {
  const { supplied, digits } = phoneQuery(c);
  const m = findByPhone(deps.state, digits);
  return gongJson(c, deps, {
    ...privacyJson(m),
    suppliedPhoneNumber: supplied,
    matchingPhoneNumbers: [...m.matchingPhoneNumbers],
    emailAddresses: [...m.addresses],
  });
}

/** Removes a call and every reference to it (access grants, library, CRM associations, the activity ledger). */
function eraseCall(state: GongState, callId: string) {
  state.calls.delete(callId);
  state.callAccess.delete(callId);
  for (const f of state.libraryFolders.values()) f.calls = f.calls.filter((e) => e.callId !== callId);
  for (let i = state.manualCrmAssociations.length - 1; i >= 0; i--) {
    if (state.manualCrmAssociations[i]!.callId === callId) state.manualCrmAssociations.splice(i, 1);
  }
  for (const day of state.activity.values()) {
    for (const [k, v] of Object.entries(day)) {
      if (Array.isArray(v) && v.includes(callId))
        (day as unknown as Record<string, string[]>)[k] = v.filter((x) => x !== callId);
    }
  }
}

/** Replaces every string equal to one of `addresses` (case-insensitive) inside a JSON-like value. */
function scrub(value: unknown, addresses: Set<string>): unknown {
  if (typeof value === 'string') return addresses.has(value.toLowerCase()) ? '[erased]' : value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, addresses));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, addresses)]));
  }
  return value;
}

function erase(state: GongState, m: PrivacyMatches, what: string) {
  if (m.calls.length > MAX_ERASED_CALLS) {
    throw badRequest(
      `The data integrity protection refused this deletion: ${what} is referenced by ${m.calls.length} calls (more than ${MAX_ERASED_CALLS}), an abnormal number of objects. Contact support at help@gong.io`,
    );
  }
  for (const call of m.calls) eraseCall(state, call.id);
  for (const e of m.emails) state.emailMessages.delete(e.id);
  const prospects = new Set<string>();
  for (const e of m.entities) {
    state.crmEntities.delete(entityKey(e.integrationId, e.objectType, e.objectId));
    prospects.add(e.objectId);
  }
  // Engage history of the erased prospects goes with them: flow instances, their to-dos and any task about them.
  for (const [id, i] of state.flowInstances) if (prospects.has(i.crmProspectId)) state.flowInstances.delete(id);
  for (const [id, t] of state.engageTasks) {
    if (t.contactCrmId && prospects.has(t.contactCrmId)) state.engageTasks.delete(id);
  }
  // Meetings keep their other invitees; engagement events lose the address (and go when no one else is left).
  for (const meeting of m.meetings) {
    meeting.invitees = meeting.invitees.filter((i) => !m.addresses.has(lower(i.email)));
  }
  for (const event of m.engagementEvents) {
    event.externalEmails = event.externalEmails.filter((a) => !m.addresses.has(lower(a)));
    event.body = scrub(event.body, m.addresses) as Record<string, unknown>;
    if (event.externalEmails.length === 0) state.engagementEvents.splice(state.engagementEvents.indexOf(event), 1);
  }
  for (const d of m.digitalInteractions) state.digitalInteractions.delete(d.eventId);
  // Audit logs stay, with the address anonymised.
  if (m.addresses.size > 0) {
    for (const log of state.logs) log.logRecord = scrub(log.logRecord, m.addresses) as Record<string, unknown>;
  }
}

function eraseEmail(c: GongContext, deps: GongDeps) {
  const address = emailQuery(c);
  erase(deps.state, findByEmail(deps.state, address), address);
  return gongJson(c, deps, {});
}

function erasePhone(c: GongContext, deps: GongDeps) {
  const { supplied, digits } = phoneQuery(c);
  erase(deps.state, findByPhone(deps.state, digits), supplied);
  return gongJson(c, deps, {});
}

// ---------------------------------------------------------------------------------------------------------------
// Route table

/** Routes of the engage group: Engage flows, CRM, permissions, privacy (see docs/architecture.md, "Emulator modules"). */
export const ROUTES: RouteDef[] = [
  { method: 'GET', path: '/v2/flows/folders', scopes: ['api:flows:read'], handler: listFlowFolders },
  { method: 'GET', path: '/v2/flows', scopes: ['api:flows:read'], handler: listFlows },
  { method: 'POST', path: '/v2/flows/prospects', scopes: ['api:flows:read'], handler: getFlowProspects },
  { method: 'POST', path: '/v2/flows/prospects/assign', scopes: ['api:flows:write'], handler: assignProspects },
  {
    method: 'POST',
    path: '/v2/flows/prospects/unassign-flows-by-crm-id',
    scopes: ['api:flows:write'],
    handler: unassignFlows,
  },
  { method: 'POST', path: '/v2/tasks', scopes: ['api:tasks:read'], handler: listTasks },
  {
    method: 'PUT',
    path: '/v2/crm/integrations',
    scopes: ['api:crm:integration:register'],
    handler: registerIntegration,
  },
  { method: 'GET', path: '/v2/crm/integrations', scopes: ['api:crm:integrations:read'], handler: listIntegrations },
  {
    method: 'DELETE',
    path: '/v2/crm/integrations',
    scopes: ['api:crm:integration:delete'],
    handler: deleteIntegration,
  },
  { method: 'GET', path: '/v2/crm/entity-schema', scopes: ['api:crm:schema'], handler: listSchemaFields },
  { method: 'GET', path: '/v2/crm/entities', scopes: ['api:crm:get-objects'], handler: getCrmObjects },
  { method: 'POST', path: '/v2/crm/entities', scopes: ['api:crm:upload'], handler: uploadCrmObjects },
  { method: 'GET', path: '/v2/crm/request-status', scopes: ['api:crm:upload'], handler: requestStatus },
  // The spec names no OAuth scope for the permission-profile operations, except the users list.
  { method: 'POST', path: '/v2/permission-profile', scopes: [], handler: createProfile },
  { method: 'PUT', path: '/v2/permission-profile', scopes: [], handler: updateProfile },
  { method: 'GET', path: '/v2/permission-profile', scopes: [], handler: getProfile },
  { method: 'GET', path: '/v2/all-permission-profiles', scopes: [], handler: listProfiles },
  { method: 'GET', path: '/v2/permission-profile/users', scopes: ['api:users:read'], handler: profileUsers },
  {
    method: 'GET',
    path: '/v2/data-privacy/data-for-email-address',
    scopes: ['api:data-privacy:read'],
    handler: dataForEmail,
  },
  {
    method: 'GET',
    path: '/v2/data-privacy/data-for-phone-number',
    scopes: ['api:data-privacy:read'],
    handler: dataForPhone,
  },
  {
    method: 'POST',
    path: '/v2/data-privacy/erase-data-for-email-address',
    scopes: ['api:data-privacy:delete'],
    handler: eraseEmail,
  },
  {
    method: 'POST',
    path: '/v2/data-privacy/erase-data-for-phone-number',
    scopes: ['api:data-privacy:delete'],
    handler: erasePhone,
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Seed

/** Ids of the engage seed (deterministic: the same on every reset), filled by `seedEngage`. */
export const ENGAGE_SEED = {
  integrationId: '',
  folders: { playbooks: '', inbound: '', outbound: '', priyaPersonal: '', sdrShared: '', customerSuccess: '' },
  flows: {
    inboundDemo: '',
    outboundCold: '',
    eventFollowUp: '',
    priyaEnterprise: '',
    sdrReengagement: '',
    onboardingKickoff: '',
  },
  /** CRM ids of seeded prospects (contacts come from the seeded calls, leads are CRM-only). */
  prospects: {
    /** Northwind contact with calls, emails and a manual task. */
    laura: '0035g0NWT01',
    /** Northwind CFO, running in Priya's personal flow. */
    victor: '0035g0NWT02',
    /** Globex, running in the exclusive outbound flow. */
    mindy: '0035g0GLX02',
    /** Globex CEO: finished the shared re-engagement flow 20 days ago (past the cool-off). */
    hank: '0035g0GLX01',
    /** Initech, running in the non-exclusive event flow. */
    joanna: '0035g0INT02',
    /** Initech, in no flow. */
    bill: '0035g0INT01',
    /** Umbrella: finished the outbound flow 8 days ago (in cool-off). */
    carlos: '0035g0UMB02',
    /** Stark: running in the Customer Success onboarding flow. */
    happy: '0035g0STK02',
    leadRita: '00Q5g00000LD0001',
    leadOmar: '00Q5g00000LD0002',
    leadGrace: '00Q5g00000LD0003',
    /** In no flow, no calls: only the CRM lead and one email. */
    leadNina: '00Q5g00000LD0004',
  },
  profiles: { salesAdmin: '', salesManager: '', salesRep: '', csAdmin: '', csTeam: '' },
};

interface SeedPerson {
  crmId: string;
  first: string;
  last: string;
  email: string;
  phone: string;
  title: string;
  accountCrmId?: string;
  company?: string;
}

const LEADS: (SeedPerson & { source: string; score: number; timezone: string })[] = [
  {
    crmId: '00Q5g00000LD0001',
    first: 'Rita',
    last: 'Moreno',
    email: 'rita.moreno@contoso.example',
    phone: '+1 303 555 0191',
    title: 'VP of Sales',
    company: 'Contoso Pharma',
    source: 'Web demo request',
    score: 82,
    timezone: 'US/Mountain',
  },
  {
    crmId: '00Q5g00000LD0002',
    first: 'Omar',
    last: 'Haddad',
    email: 'omar.haddad@fabrikam.example',
    phone: '+44 20 7946 0958',
    title: 'Head of Sales Operations',
    company: 'Fabrikam',
    source: 'Web demo request',
    score: 74,
    timezone: 'Europe/London',
  },
  {
    crmId: '00Q5g00000LD0003',
    first: 'Grace',
    last: 'Liu',
    email: 'grace.liu@tailspin.example',
    phone: '+1 650 555 0193',
    title: 'Chief Revenue Officer',
    company: 'Tailspin Toys',
    source: 'Web demo request',
    score: 91,
    timezone: 'US/Pacific',
  },
  {
    crmId: '00Q5g00000LD0004',
    first: 'Nina',
    last: 'Petrova',
    email: 'nina.petrova@wingtip.example',
    phone: '+1 917 555 0194',
    title: 'Sales Director',
    company: 'Wingtip Toys',
    source: 'Trade show',
    score: 58,
    timezone: 'US/Eastern',
  },
];

const AREA_TIMEZONES: Record<string, string> = {
  '206': 'US/Pacific',
  '312': 'US/Central',
  '512': 'US/Central',
  '617': 'US/Eastern',
  '646': 'US/Eastern',
};

const CRM_URL = 'https://crm.switchboard-demo.example';

/**
 * Seed data of the engage group, added after the base seed (deterministic: no randomness, ids from the state). The
 * CRM contacts, accounts and deals are those of the seeded calls, so a privacy lookup of a call contact finds its
 * calls, emails and CRM record together.
 */
export function seedEngage(state: GongState): void {
  const now = state.now();
  const today0 = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  // A time `daysAgo` days before today at `hour` UTC; past times never fall after the clock (the seed runs at any hour).
  const at = (daysAgo: number, hour = 16) => {
    const t = today0 - daysAgo * DAY + hour * 3_600_000;
    return new Date(daysAgo >= 0 ? Math.min(t, now.getTime() - 600_000) : t).toISOString();
  };
  const u = GONG_SEED.users;
  const ws = GONG_SEED.workspaces;
  const user = (id: string) => state.users.get(id)!;

  // --- CRM: the generic integration and what it holds ------------------------------------------------------------
  const integration: CrmIntegrationRecord = {
    id: state.nextId('other'),
    name: 'Switchboard CRM sync',
    ownerEmail: user(u.elena).emailAddress,
    created: at(200, 10),
    schema: {
      ACCOUNT: [
        {
          uniqueName: 'industry',
          label: 'Industry',
          type: 'PICKLIST',
          lastModified: noMs(at(200, 10)),
          orderedValueList: ['Healthcare', 'Logistics', 'Manufacturing', 'Retail', 'Software', 'Other'],
        },
        { uniqueName: 'annualRevenue', label: 'Annual Revenue', type: 'CURRENCY', lastModified: noMs(at(200, 10)) },
      ],
      CONTACT: [
        {
          uniqueName: 'persona',
          label: 'Persona',
          type: 'PICKLIST',
          lastModified: noMs(at(150, 10)),
          orderedValueList: ['Economic buyer', 'Champion', 'Technical evaluator', 'User'],
        },
        { uniqueName: 'linkedinUrl', label: 'LinkedIn', type: 'URL', lastModified: noMs(at(150, 10)) },
      ],
      DEAL: [
        {
          uniqueName: 'forecastCategory',
          label: 'Forecast Category',
          type: 'PICKLIST',
          lastModified: noMs(at(120, 10)),
          orderedValueList: ['Pipeline', 'Best case', 'Commit', 'Closed'],
        },
        { uniqueName: 'competitor', label: 'Main Competitor', type: 'STRING', lastModified: noMs(at(120, 10)) },
      ],
      LEAD: [
        {
          uniqueName: 'leadSource',
          label: 'Lead Source',
          type: 'PICKLIST',
          lastModified: noMs(at(100, 10)),
          orderedValueList: ['Web demo request', 'Trade show', 'Referral', 'Outbound'],
        },
        { uniqueName: 'leadScore', label: 'Lead Score', type: 'NUMBER', lastModified: noMs(at(100, 10)) },
      ],
    },
  };
  state.crmIntegrations.set(integration.id, integration);
  ENGAGE_SEED.integrationId = integration.id;
  const modified = noMs(at(3, 9));
  const put = (objectType: CrmObjectType, fields: Record<string, unknown>) => {
    const objectId = fields.objectId as string;
    state.crmEntities.set(entityKey(integration.id, objectType, objectId), {
      integrationId: integration.id,
      objectType,
      objectId,
      gongId: state.nextId('other'),
      fields: { modifiedDate: modified, ...fields },
      uploaded: at(3, 9),
    });
  };

  // Business users and stages.
  const crmUserId = (userId: string) => `005${userId.slice(-9)}`;
  for (const gu of state.users.values()) {
    put('BUSINESS_USER', {
      objectId: crmUserId(gu.id),
      emailAddress: gu.emailAddress,
      url: `${CRM_URL}/users/${crmUserId(gu.id)}`,
    });
  }
  ['Qualification', 'Evaluation', 'Negotiation', 'Closed Won', 'Closed Lost'].forEach((name, k) => {
    put('STAGE', { objectId: name.toLowerCase().replace(/\s+/g, '-'), name, isActive: true, sortOrder: k + 1 });
  });

  // Accounts, contacts and deals of the seeded calls (the latest call wins for a deal's stage).
  const contacts = new Map<string, SeedPerson>();
  const accounts = new Map<string, { name: string; website?: string }>();
  const deals = new Map<
    string,
    { fields: Record<string, unknown>; accountId: string; owner: string; created: string }
  >();
  for (const call of state.callsInOrder()) {
    const accountObj = call.context.flatMap((ctx) => ctx.objects).find((o) => o.objectType === 'Account');
    const field = (o: { fields: { name: string; value: unknown }[] }, n: string) =>
      o.fields.find((f) => f.name === n)?.value;
    if (accountObj) {
      accounts.set(accountObj.objectId, {
        name: String(field(accountObj, 'Name') ?? accountObj.objectId),
        website: field(accountObj, 'Website') as string | undefined,
      });
    }
    for (const o of call.context.flatMap((ctx) => ctx.objects)) {
      if (o.objectType !== 'Opportunity' || !accountObj) continue;
      const prev = deals.get(o.objectId);
      deals.set(o.objectId, {
        fields: Object.fromEntries(o.fields.map((f) => [f.name, f.value])),
        accountId: accountObj.objectId,
        owner: prev?.owner ?? call.primaryUserId,
        created: prev?.created ?? call.started,
      });
    }
    for (const p of call.parties) {
      if (p.affiliation !== 'External' || !p.emailAddress) continue;
      const c = p.context.flatMap((ctx) => ctx.objects).find((o) => o.objectType === 'Contact');
      if (!c) continue;
      const [first = '', ...rest] = (p.name ?? '').split(' ');
      contacts.set(c.objectId, {
        crmId: c.objectId,
        first,
        last: rest.join(' '),
        email: p.emailAddress,
        phone: p.phoneNumber ?? '',
        title: p.title ?? '',
        ...(accountObj ? { accountCrmId: accountObj.objectId, company: accounts.get(accountObj.objectId)?.name } : {}),
      });
    }
  }
  const industries: Record<string, string> = {
    Northwind: 'Retail',
    Globex: 'Manufacturing',
    Initech: 'Software',
    Umbrella: 'Healthcare',
    Stark: 'Logistics',
  };
  for (const [id, a] of accounts) {
    put('ACCOUNT', {
      objectId: id,
      name: a.name,
      url: `${CRM_URL}/accounts/${id}`,
      ...(a.website ? { domains: [new URL(a.website).hostname.replace(/^www\./, '')] } : {}),
      industry: industries[a.name.split(' ')[0]!] ?? 'Other',
      annualRevenue: 5_000_000 + a.name.length * 1_250_000,
    });
  }
  const personas = ['Champion', 'Economic buyer'];
  [...contacts.values()].forEach((p, k) => {
    put('CONTACT', {
      objectId: p.crmId,
      url: `${CRM_URL}/contacts/${p.crmId}`,
      ...(p.accountCrmId ? { accountId: p.accountCrmId } : {}),
      emailAddress: p.email,
      firstName: p.first,
      lastName: p.last,
      title: p.title,
      phoneNumber: p.phone,
      timezone: AREA_TIMEZONES[phoneDigits(p.phone).slice(1, 4)] ?? 'US/Pacific',
      persona: personas[k % 2],
    });
  });
  for (const [id, d] of deals) {
    const stage = String(d.fields.StageName ?? 'Qualification');
    put('DEAL', {
      objectId: id,
      url: `${CRM_URL}/deals/${id}`,
      accountId: d.accountId,
      ownerId: crmUserId(d.owner),
      name: d.fields.Name,
      createdDate: noMs(d.created),
      closeDate: d.fields.CloseDate,
      status: 'OPEN',
      stage: stage.toLowerCase(),
      amount: d.fields.Amount,
      forecastCategory: stage === 'Negotiation' ? 'Commit' : 'Pipeline',
    });
  }
  for (const l of LEADS) {
    put('LEAD', {
      objectId: l.crmId,
      url: `${CRM_URL}/leads/${l.crmId}`,
      emailAddress: l.email,
      firstName: l.first,
      lastName: l.last,
      title: l.title,
      phoneNumber: l.phone,
      company: l.company,
      timezone: l.timezone,
      leadSource: l.source,
      leadScore: l.score,
    });
  }

  // --- Engage: folders and flows ------------------------------------------------------------------------------------
  const folder = (
    key: keyof typeof ENGAGE_SEED.folders,
    name: string,
    visibility: Visibility,
    ownerUserId: string,
    workspaceId: string,
    daysAgo: number,
    extra: { parentId?: string; sharedWithUserIds?: string[] } = {},
  ) => {
    const f: FlowFolderRecord = {
      id: state.nextId('other'),
      name,
      visibility,
      ownerUserId,
      sharedWithUserIds: extra.sharedWithUserIds ?? [],
      workspaceId,
      created: at(daysAgo, 10),
      ...(extra.parentId ? { parentId: extra.parentId } : {}),
    };
    state.flowFolders.set(f.id, f);
    ENGAGE_SEED.folders[key] = f.id;
    return f;
  };
  const playbooks = folder('playbooks', 'Company playbooks', 'Company', u.dana, ws.sales, 300);
  const inbound = folder('inbound', 'Inbound', 'Company', u.dana, ws.sales, 290, { parentId: playbooks.id });
  const outbound = folder('outbound', 'Outbound prospecting', 'Company', u.marcus, ws.sales, 280);
  const priyaFolder = folder('priyaPersonal', "Priya's flows", 'Personal', u.priya, ws.sales, 120);
  const sdrFolder = folder('sdrShared', 'SDR team (shared)', 'Shared', u.sofia, ws.sales, 90, {
    sharedWithUserIds: [u.priya, u.tom],
  });
  const csFolder = folder('customerSuccess', 'Customer Success', 'Company', u.jordan, ws.customerSuccess, 200);

  const flow = (
    key: keyof typeof ENGAGE_SEED.flows,
    name: string,
    f: FlowFolderRecord,
    ownerUserId: string,
    exclusive: boolean,
    daysAgo: number,
    steps: [FlowStepType, string, number, string?][],
  ) => {
    const rec: FlowRecord = {
      id: state.nextId('other'),
      name,
      folderId: f.id,
      visibility: f.visibility,
      ownerUserId,
      sharedWithUserIds: [...f.sharedWithUserIds],
      workspaceId: f.workspaceId,
      created: at(daysAgo, 11),
      exclusive,
      steps: steps.map(([type, stepName, dayOffset, subject], k) => ({
        id: state.nextId('other'),
        number: k + 1,
        name: stepName,
        type,
        dayOffset,
        ...(subject ? { subject, body: `<div>Hi {{recipient.first_name}},</div><div>${stepName}.</div>` } : {}),
      })),
    };
    state.flows.set(rec.id, rec);
    ENGAGE_SEED.flows[key] = rec.id;
    return rec;
  };
  const inboundDemo = flow('inboundDemo', 'Inbound demo request', inbound, u.dana, true, 250, [
    ['CALL', 'Call within 5 minutes', 0],
    ['EMAIL', 'Recap and calendar link', 1, 'Your Switchboard demo request'],
    ['CALL', 'Follow-up call', 3],
    ['EMAIL', 'Break-up email', 7, 'Should I close your request?'],
  ]);
  const outboundCold = flow('outboundCold', 'Outbound cold - VP Sales', outbound, u.marcus, true, 240, [
    ['EMAIL', 'Intro email', 0, 'Coaching every rep without more meetings'],
    ['CALL', 'Intro call', 2],
    ['EMAIL', 'Case study', 5, 'How Initech ramped reps 40% faster'],
    ['CALL', 'Last call', 9],
  ]);
  const eventFollowUp = flow('eventFollowUp', 'Event follow-up', outbound, u.marcus, false, 60, [
    ['EMAIL', 'Thanks for stopping by', 0, 'Great meeting you at RevOps Summit'],
    ['CALL', 'Follow-up call', 2],
  ]);
  const priyaEnterprise = flow('priyaEnterprise', 'Enterprise follow-up (Priya)', priyaFolder, u.priya, false, 100, [
    ['CALL', 'Check-in call', 0],
    ['EMAIL', 'Business case recap', 2, 'Business case for {{account_name}}'],
  ]);
  const sdrReengagement = flow('sdrReengagement', 'Closed-lost re-engagement', sdrFolder, u.sofia, false, 80, [
    ['EMAIL', 'What changed since we last spoke', 0, 'Worth another look?'],
    ['EMAIL', 'Customer story', 4, 'What Stark Logistics saw in 90 days'],
    ['CALL', 'Re-engagement call', 7],
  ]);
  const onboarding = flow('onboardingKickoff', 'Onboarding kickoff', csFolder, u.jordan, false, 190, [
    ['CALL', 'Kickoff call', 0],
    ['EMAIL', 'Admin checklist', 1, 'Your Switchboard onboarding checklist'],
  ]);

  // --- Engage: prospects in flows, their to-dos and emails -----------------------------------------------------------
  const personOf = (crmId: string): SeedPerson | undefined =>
    contacts.get(crmId) ?? LEADS.find((l) => l.crmId === crmId);
  const sendEmail = (from: GongUser, toAddress: string, subject: string, sentTime: string, flowInstanceId?: string) => {
    const seed = `${from.id}|${toAddress}|${sentTime}|${subject}`;
    const m: EmailMessageRecord = {
      id: hashText(`email-${seed}`, 32),
      from: from.emailAddress,
      to: [toAddress],
      cc: [],
      subject,
      sentTime,
      mailbox: from.emailAddress,
      messageHash: hashText(`hash-${seed}`, 32),
      ...(flowInstanceId ? { flowInstanceId } : {}),
    };
    state.emailMessages.set(m.id, m);
  };
  const assign = (
    f: FlowRecord,
    crmId: string,
    ownerUserId: string,
    daysAgo: number,
    status: FlowInstanceStatus,
    currentStep: number,
    finishedDaysAgo?: number,
  ) => {
    const p = personOf(crmId);
    if (!p) return undefined;
    const created = at(daysAgo, 15);
    const instance: FlowInstanceRecord = {
      id: state.nextId('other'),
      flowId: f.id,
      crmProspectId: crmId,
      prospectType: crmId.startsWith('00Q') ? 'LEAD' : 'CONTACT',
      ownerUserId,
      created,
      status,
      currentStep,
      stepOverrides: [],
      variables: [],
      ...(finishedDaysAgo !== undefined ? { finished: at(finishedDaysAgo, 18) } : {}),
    };
    state.flowInstances.set(instance.id, instance);
    // Steps already done: calls as DONE to-dos, emails sent; the current step's call is an open to-do.
    const done = isOpen(instance) ? currentStep - 1 : f.steps.length;
    for (const step of f.steps.slice(0, done)) {
      const when = new Date(Date.parse(created) + step.dayOffset * DAY + 3_600_000).toISOString();
      if (step.type === 'EMAIL') sendEmail(user(ownerUserId), p.email, step.subject ?? step.name, when, instance.id);
      if (step.type === 'CALL') {
        const t = addStepTask(state, { ...instance, currentStep: step.number }, new Date(created), 'DONE');
        if (t) t.updated = when;
      }
    }
    if (status === 'Running' || status === 'Paused') addStepTask(state, instance, new Date(created));
    return instance;
  };
  const P = ENGAGE_SEED.prospects;
  assign(inboundDemo, P.leadRita, u.sofia, 0, 'Running', 1);
  assign(inboundDemo, P.leadOmar, u.sofia, 4, 'Running', 3);
  assign(inboundDemo, P.leadGrace, u.sofia, 9, 'Paused', 2);
  assign(outboundCold, P.mindy, u.sofia, 2, 'Running', 2);
  assign(outboundCold, P.carlos, u.sofia, 30, 'FinishedNoReply', 4, 8);
  assign(eventFollowUp, P.joanna, u.tom, 2, 'Running', 2);
  assign(priyaEnterprise, P.victor, u.priya, 3, 'Running', 2);
  assign(sdrReengagement, P.hank, u.sofia, 35, 'FinishedResponse', 3, 20);
  assign(onboarding, '0035g0STK01', u.jordan, 60, 'Finished', 2, 55);
  assign(onboarding, P.happy, u.jordan, 1, 'Running', 1);

  // One-off (manual) call to-dos.
  const manual = (
    userId: string,
    workspaceId: string,
    title: string,
    crmId: string,
    status: TaskStatus,
    dueDaysAgo: number,
    priority: EngageTaskRecord['priority'],
    dealCrmId?: string,
  ) => {
    const p = personOf(crmId);
    const t: EngageTaskRecord = {
      id: state.nextId('other'),
      userId,
      workspaceId,
      type: 'MANUAL',
      status,
      actions: ['CALL'],
      created: at(dueDaysAgo + 2, 14),
      updated: at(Math.max(dueDaysAgo, 0), 17),
      dueDate: at(dueDaysAgo, 17),
      title,
      contactCrmId: crmId,
      contactType: crmId.startsWith('00Q') ? 'LEAD' : 'CONTACT',
      ...(p?.accountCrmId ? { accountCrmId: p.accountCrmId } : {}),
      ...(dealCrmId && deals.has(dealCrmId) ? { dealCrmId } : {}),
      priority,
    };
    state.engageTasks.set(t.id, t);
  };
  const dealOf = (crmId: string) => {
    const accountId = contacts.get(crmId)?.accountCrmId;
    return [...deals].find(([, d]) => d.accountId === accountId)?.[0];
  };
  manual(u.priya, ws.sales, 'Call Laura about the pricing approval', P.laura, 'OPEN', -1, 'high', dealOf(P.laura));
  manual(
    u.priya,
    ws.sales,
    'Confirm security review attendees',
    '0035g0UMB01',
    'OPEN',
    2,
    'medium',
    dealOf('0035g0UMB01'),
  );
  manual(u.tom, ws.sales, 'Check seat count with Bill', P.bill, 'DONE', 5, 'medium', dealOf(P.bill));
  manual(u.sofia, ws.sales, 'Call back Mindy after the webinar', P.mindy, 'DISMISSED', 6, 'low');
  manual(u.jordan, ws.customerSuccess, 'Schedule admin training with Pepper', '0035g0STK01', 'OPEN', 0, 'medium');

  // Emails outside flows: Priya's thread with Laura after the latest discovery call, and one lead email.
  const laura = contacts.get(P.laura);
  if (laura) {
    sendEmail(user(u.priya), laura.email, 'Recap: discovery call and next steps', at(1, 19));
    const reply: EmailMessageRecord = {
      id: hashText(`email-reply-${laura.email}`, 32),
      from: laura.email,
      to: [user(u.priya).emailAddress],
      cc: [user(u.marcus).emailAddress],
      subject: 'Re: Recap: discovery call and next steps',
      sentTime: at(0, 2),
      mailbox: user(u.priya).emailAddress,
      messageHash: hashText(`hash-reply-${laura.email}`, 32),
    };
    state.emailMessages.set(reply.id, reply);
  }
  sendEmail(user(u.tom), LEADS[3]!.email, 'Following up from the trade show', at(6, 17));

  // --- Permission profiles ----------------------------------------------------------------------------------------
  const allCaps = (on: boolean) =>
    Object.fromEntries(PROFILE_CAPABILITIES.map((k) => [k, on])) as Record<ProfileCapability, boolean>;
  const profile = (
    key: keyof typeof ENGAGE_SEED.profiles,
    workspaceId: string,
    name: string,
    description: string,
    level: PermissionLevel,
    userIds: string[],
    caps: Partial<Record<ProfileCapability, boolean>>,
    teamLeadIds?: string[],
  ) => {
    const p = emptyProfile(state.nextId('other'), workspaceId, name);
    p.description = description;
    const setting = (): AccessSetting => ({
      permissionLevel: level,
      ...(teamLeadIds ? { teamLeadIds: [...teamLeadIds] } : {}),
    });
    for (const k of ACCESS_FIELDS) p.access[k] = setting();
    for (const k of FORECAST_FIELDS) p.forecast[k] = setting();
    p.libraryFolderAccess = {
      permissionLevel: level === 'none' ? 'none' : 'all',
      managePublicFolder: level === 'all',
      manageStreams: level === 'all',
      manageFolderCalls: level !== 'own' && level !== 'none',
      shareFoldersAndStreams: level !== 'none',
    };
    p.capabilities = { ...allCaps(false), ...caps };
    p.userIds = userIds;
    state.permissionProfiles.set(p.id, p);
    ENGAGE_SEED.profiles[key] = p.id;
    return p;
  };
  const repCaps: Partial<Record<ProfileCapability, boolean>> = {
    callsAndSearch: true,
    library: true,
    deals: true,
    account: true,
    activity: true,
    scoreCalls: true,
    shareCallsWithCustomers: true,
    privateCalls: true,
    dealsInlineEditing: true,
    viewEngageAnalyticsActivity: true,
  };
  profile(
    'salesAdmin',
    ws.sales,
    'Administrator',
    'Full access, including company settings',
    'all',
    [u.dana, u.elena],
    allCaps(true),
  );
  profile(
    'salesManager',
    ws.sales,
    'Sales manager',
    'Sees and coaches the teams of the listed managers',
    'managers-team',
    [u.marcus],
    {
      ...repCaps,
      coaching: true,
      teamStats: true,
      overrideScore: true,
      forecast: true,
      forecastManage: true,
      engageAssignFlowToDosToOthers: true,
      engageReassignFlowToDosToOthers: true,
      viewEngageAnalyticsPerformance: true,
      viewEngageAnalyticsFlows: true,
    },
    [u.marcus],
  );
  profile('salesRep', ws.sales, 'Sales rep', 'Own calls and deals', 'own', [u.priya, u.tom, u.sofia, u.sam], repCaps);
  profile(
    'csAdmin',
    ws.customerSuccess,
    'Administrator',
    'Full access, including company settings',
    'all',
    [u.dana, u.elena],
    allCaps(true),
  );
  profile('csTeam', ws.customerSuccess, 'Customer Success', 'Sees every call of the workspace', 'all', [u.jordan], {
    ...repCaps,
    coaching: true,
    usage: true,
  });
}
