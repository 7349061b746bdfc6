/**
 * Calls: list by date range, extensive details, one call, transcripts, adding a call and uploading its media,
 * individual call access, and manual CRM associations (`/v2/calls/manual-crm-associations`, absent from the saved
 * spec; shape from Gong's 2023 spec as summarised in upstream-apis.md).
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod';
import { badRequest, EmulatorHttpError } from '../framework.ts';
import {
  callHighlights,
  callOutline,
  callStructure,
  interactionStats,
  interactionStatsList,
  questionCounts,
  topicDurations,
  trackerHits,
} from './analysis.ts';
import {
  type GongContext,
  type GongDeps,
  gongJson,
  gongNotFound,
  paginate,
  parseBody,
  parseDateTime,
  type RouteDef,
  requireNumericId,
  requireScopes,
} from './http.ts';
import type { CallParty, CallRecord, CrmContext, GongState } from './state.ts';
import { speakerTalkTimes } from './state.ts';

const NO_CALLS = 'No calls found corresponding to the provided filters';

/** The call's page in Gong's web app. */
export function callUrl(id: string): string {
  return `https://app.gong.io/call?id=${id}`;
}

/** `CallBasicData` / `metaData`. */
export function callMetaData(call: CallRecord) {
  return {
    id: call.id,
    url: callUrl(call.id),
    title: call.title,
    scheduled: call.scheduled,
    started: call.started,
    duration: call.duration,
    primaryUserId: call.primaryUserId,
    direction: call.direction,
    system: call.system,
    scope: call.scope,
    media: call.media ?? undefined,
    language: call.language,
    workspaceId: call.workspaceId,
    sdrDisposition: call.sdrDisposition,
    clientUniqueId: call.clientUniqueId,
    customData: call.customData,
    purpose: call.purpose,
    meetingUrl: call.meetingUrl,
    isPrivate: call.isPrivate,
    calendarEventId: call.calendarEventId,
  };
}

function requireCall(state: GongState, id: string, field = 'id'): CallRecord {
  requireNumericId(id, field);
  const call = state.calls.get(id);
  if (!call) throw gongNotFound(`Call not found: no call with the id ${id} (${field})`);
  return call;
}

function requireWorkspace(state: GongState, id: string | undefined, field = 'workspaceId'): string | undefined {
  if (id === undefined || id === '') return undefined;
  requireNumericId(id, field);
  if (!state.workspaces.has(id))
    throw badRequest(`${field}: no workspace with the id ${id} (GET /v2/workspaces lists them)`);
  return id;
}

/** Date-range check shared by the call filters: both optional, from before to. */
function dateRange(from: string | undefined, to: string | undefined, prefix = '') {
  const f = from !== undefined ? parseDateTime(from, `${prefix}fromDateTime`) : undefined;
  const t = to !== undefined ? parseDateTime(to, `${prefix}toDateTime`) : undefined;
  if (f !== undefined && t !== undefined && f >= t) {
    throw badRequest(`${prefix}fromDateTime: must be before ${prefix}toDateTime (${from} is not before ${to})`);
  }
  return { from: f, to: t };
}

function inRange(call: CallRecord, r: { from?: number | undefined; to?: number | undefined }) {
  const t = Date.parse(call.started);
  return (r.from === undefined || t >= r.from) && (r.to === undefined || t < r.to);
}

// ---------------------------------------------------------------------------------------------------------------
// GET /v2/calls

function listCalls(c: GongContext, deps: GongDeps) {
  const { state } = deps;
  const q = new URL(c.req.url).searchParams;
  for (const name of ['fromDateTime', 'toDateTime'] as const) {
    if (!q.get(name)) {
      throw badRequest(
        `${name}: required query parameter is missing (an ISO-8601 date-time, e.g. 2026-11-01T00:00:00Z)`,
      );
    }
  }
  const range = dateRange(q.get('fromDateTime') ?? undefined, q.get('toDateTime') ?? undefined);
  const workspaceId = requireWorkspace(state, q.get('workspaceId') ?? undefined);
  const calls = state
    .callsInOrder()
    .filter((call) => inRange(call, range) && (!workspaceId || call.workspaceId === workspaceId));
  if (calls.length === 0) throw gongNotFound(NO_CALLS);
  const { page, records } = paginate(calls, {
    cursor: q.get('cursor'),
    scope: ['calls', q.get('fromDateTime'), q.get('toDateTime'), workspaceId ?? null],
    pageSize: state.pageSize,
  });
  return gongJson(c, deps, { records, calls: page.map(callMetaData) });
}

// ---------------------------------------------------------------------------------------------------------------
// GET /v2/calls/{id}

function getCall(c: GongContext, deps: GongDeps) {
  const call = requireCall(deps.state, c.req.param('id')!);
  return gongJson(c, deps, { call: callMetaData(call) });
}

// ---------------------------------------------------------------------------------------------------------------
// POST /v2/calls/extensive

const callIdList = z.array(z.string().regex(/^\d{1,20}$/, 'expected a numeric call id'));
const extensiveSchema = z.object({
  cursor: z.string().optional(),
  filter: z.object(
    {
      fromDateTime: z.string().optional(),
      toDateTime: z.string().optional(),
      workspaceId: z.string().optional(),
      callIds: callIdList.optional(),
      primaryUserIds: z.array(z.string().regex(/^\d{1,20}$/, 'expected a numeric user id')).optional(),
    },
    { error: 'required: an object with fromDateTime/toDateTime, callIds, primaryUserIds or workspaceId' },
  ),
  contentSelector: z
    .object({
      context: z.enum(['None', 'Basic', 'Extended']).optional(),
      contextTiming: z.array(z.enum(['Now', 'TimeOfCall'])).optional(),
      exposedFields: z
        .object({
          parties: z.boolean().optional(),
          media: z.boolean().optional(),
          content: z
            .object({
              structure: z.boolean().optional(),
              topics: z.boolean().optional(),
              trackers: z.boolean().optional(),
              trackerOccurrences: z.boolean().optional(),
              pointsOfInterest: z.boolean().optional(),
              brief: z.boolean().optional(),
              outline: z.boolean().optional(),
              highlights: z.boolean().optional(),
              callOutcome: z.boolean().optional(),
              keyPoints: z.boolean().optional(),
            })
            .optional(),
          interaction: z
            .object({
              speakers: z.boolean().optional(),
              video: z.boolean().optional(),
              personInteractionStats: z.boolean().optional(),
              questions: z.boolean().optional(),
            })
            .optional(),
          collaboration: z.object({ publicComments: z.boolean().optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
});
type ContentSelector = NonNullable<z.output<typeof extensiveSchema>['contentSelector']>;

/** CRM context at the requested detail: Basic keeps the identifying fields, Extended every field. */
function contextOut(ctx: CrmContext[], level: 'Basic' | 'Extended', timings: ('Now' | 'TimeOfCall')[]) {
  const basicFields = new Set(['Name', 'Email', 'StageName']);
  return ctx.map((sys) => ({
    system: sys.system,
    objects: sys.objects.flatMap((o) =>
      timings.map((timing) => ({
        objectType: o.objectType,
        objectId: o.objectId,
        fields: level === 'Extended' ? o.fields : o.fields.filter((f) => basicFields.has(f.name)),
        timing,
      })),
    ),
  }));
}

function partyOut(p: CallParty, sel: ContentSelector) {
  const level = sel.context ?? 'None';
  return {
    id: p.id,
    emailAddress: p.emailAddress,
    name: p.name,
    title: p.title,
    userId: p.userId,
    speakerId: p.speakerId,
    ...(level !== 'None' ? { context: contextOut(p.context, level, sel.contextTiming ?? ['Now']) } : {}),
    affiliation: p.affiliation,
    phoneNumber: p.phoneNumber,
    methods: p.methods,
  };
}

function extensiveCall(c: Context, deps: GongDeps, call: CallRecord, sel: ContentSelector) {
  const { state } = deps;
  const f = sel.exposedFields ?? {};
  const out: Record<string, unknown> = { metaData: callMetaData(call) };
  const level = sel.context ?? 'None';
  if (level !== 'None') out.context = contextOut(call.context, level, sel.contextTiming ?? ['Now']);
  if (f.parties) out.parties = call.parties.map((p) => partyOut(p, sel));
  const content: Record<string, unknown> = {};
  const cs = f.content ?? {};
  if (cs.structure) content.structure = callStructure(call);
  if (cs.topics) content.topics = topicDurations(call);
  if (cs.trackers || cs.trackerOccurrences) {
    content.trackers = trackerHits(state, call).map((t) =>
      cs.trackerOccurrences
        ? t
        : {
            id: t.id,
            name: t.name,
            count: t.count,
            type: t.type,
            phrases: t.phrases.map(({ occurrences: _, ...p }) => p),
          },
    );
  }
  // pointsOfInterest is accepted (deprecated by Gong) but is not in the response schema.
  if (cs.brief && call.brief) content.brief = call.brief;
  if (cs.outline) content.outline = callOutline(call);
  if (cs.highlights) content.highlights = callHighlights(call);
  if (cs.callOutcome && call.outcomeId) {
    const o = state.callOutcomes.get(call.outcomeId);
    if (o) content.callOutcome = { id: o.id, category: o.category, name: o.callOutcome };
  }
  if (cs.keyPoints) content.keyPoints = call.keyPoints.map((text) => ({ text }));
  if (Object.keys(content).length > 0) out.content = content;
  const is = f.interaction ?? {};
  const interaction: Record<string, unknown> = {};
  if (is.speakers) {
    const talk = speakerTalkTimes(call);
    interaction.speakers = call.parties
      .filter((p) => p.speakerId)
      .map((p) => ({
        id: p.speakerId,
        userId: p.userId,
        talkTime: Math.round((talk.get(p.speakerId!) ?? 0) * 10) / 10,
      }));
  }
  if (is.personInteractionStats) {
    const s = interactionStats(call, call.primaryUserId);
    interaction.interactionStats = s ? interactionStatsList(s) : [];
  }
  if (is.video && call.media === 'Video') {
    const presentation = Math.round(call.duration * 0.35);
    interaction.video = [
      { name: 'Browser', duration: presentation },
      { name: 'Presentation', duration: presentation },
      { name: 'WebcamPrimaryUser', duration: Math.round(call.duration * 0.8) },
      { name: 'WebcamNonCompany', duration: Math.round(call.duration * 0.6) },
    ];
  }
  if (is.questions) interaction.questions = questionCounts(call);
  if (Object.keys(interaction).length > 0) out.interaction = interaction;
  if (f.collaboration?.publicComments) {
    out.collaboration = { publicComments: call.comments };
  }
  if (f.media && call.mediaStatus === 'ready') {
    const origin = new URL(c.req.url).origin;
    const expires = state.now().getTime() + 8 * 3_600_000;
    const url = (kind: 'audio' | 'video') =>
      `${origin}${deps.basePath}${MEDIA_PREFIX}/${call.id}/${kind}?expires=${expires}&signature=${mediaSignature(deps.state, call.id, kind, expires)}`;
    out.media = { audioUrl: url('audio'), ...(call.media === 'Video' ? { videoUrl: url('video') } : {}) };
  }
  return out;
}

async function listCallsExtensive(c: GongContext, deps: GongDeps) {
  const body = await parseBody(c, extensiveSchema);
  if (body.contentSelector?.exposedFields?.media) requireScopes(c, ['api:calls:read:media-url']);
  const { state } = deps;
  const range = dateRange(body.filter.fromDateTime, body.filter.toDateTime, 'filter.');
  const workspaceId = requireWorkspace(state, body.filter.workspaceId, 'filter.workspaceId');
  const ids = body.filter.callIds ? new Set(body.filter.callIds) : undefined;
  const hosts = body.filter.primaryUserIds ? new Set(body.filter.primaryUserIds) : undefined;
  const calls = state
    .callsInOrder()
    .filter(
      (call) =>
        inRange(call, range) &&
        (!workspaceId || call.workspaceId === workspaceId) &&
        (!ids || ids.has(call.id)) &&
        (!hosts || hosts.has(call.primaryUserId)),
    );
  if (calls.length === 0) throw gongNotFound(NO_CALLS);
  const { cursor, ...rest } = body;
  const { page, records } = paginate(calls, { cursor, scope: ['extensive', rest], pageSize: state.pageSize });
  const sel = body.contentSelector ?? {};
  return gongJson(c, deps, { records, calls: page.map((call) => extensiveCall(c, deps, call, sel)) });
}

// ---------------------------------------------------------------------------------------------------------------
// POST /v2/calls/transcript

const transcriptSchema = z.object({
  cursor: z.string().optional(),
  filter: z.object(
    {
      fromDateTime: z.string().optional(),
      toDateTime: z.string().optional(),
      workspaceId: z.string().optional(),
      callIds: callIdList.optional(),
    },
    { error: 'required: an object with fromDateTime/toDateTime, callIds or workspaceId' },
  ),
});

async function listTranscripts(c: GongContext, deps: GongDeps) {
  const body = await parseBody(c, transcriptSchema);
  const { state } = deps;
  const range = dateRange(body.filter.fromDateTime, body.filter.toDateTime, 'filter.');
  const workspaceId = requireWorkspace(state, body.filter.workspaceId, 'filter.workspaceId');
  const ids = body.filter.callIds ? new Set(body.filter.callIds) : undefined;
  const calls = state
    .callsInOrder()
    .filter(
      (call) =>
        call.transcript.length > 0 &&
        inRange(call, range) &&
        (!workspaceId || call.workspaceId === workspaceId) &&
        (!ids || ids.has(call.id)),
    );
  if (calls.length === 0) throw gongNotFound(NO_CALLS);
  const { cursor, ...rest } = body;
  const { page, records } = paginate(calls, { cursor, scope: ['transcript', rest], pageSize: state.pageSize });
  return gongJson(c, deps, {
    records,
    callTranscripts: page.map((call) => ({
      callId: call.id,
      // A monologue outside every topic has no `topic` (the document declares a string, not null).
      transcript: call.transcript.map((m) =>
        m.topic === null ? { speakerId: m.speakerId, sentences: m.sentences } : m,
      ),
    })),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// POST /v2/calls (add a call)

const crmContextSchema = z.array(
  z.object({
    system: z.enum(['Salesforce', 'HubSpot', 'MicrosoftDynamic', 'Generic']),
    objects: z
      .array(
        z.object({
          objectType: z.string().min(1),
          objectId: z.string().min(1),
          fields: z.array(z.object({ name: z.string(), value: z.unknown() })).optional(),
        }),
      )
      .optional(),
  }),
);

const addCallSchema = z.object({
  clientUniqueId: z.string({ error: 'required: a unique id of the call in your system' }).min(1).max(2048),
  title: z.string().max(1024).optional(),
  purpose: z.string().max(1024).optional(),
  scheduledStart: z.string().optional(),
  scheduledEnd: z.string().optional(),
  actualStart: z.string({ error: 'required: an ISO-8601 date-time, e.g. 2026-11-01T15:00:00Z' }),
  duration: z.number().min(0).optional(),
  parties: z
    .array(
      z.object({
        phoneNumber: z.string().optional(),
        emailAddress: z.string().optional(),
        name: z.string().optional(),
        partyId: z.string().optional(),
        mediaChannelId: z.int().optional(),
        userId: z.string().optional(),
        context: crmContextSchema.optional(),
      }),
      { error: 'required: the call participants' },
    )
    .min(1),
  direction: z.enum(['Inbound', 'Outbound', 'Conference', 'Unknown'], {
    error: 'required: one of Inbound, Outbound, Conference, Unknown',
  }),
  disposition: z.string().optional(),
  context: crmContextSchema.optional(),
  customData: z.string().optional(),
  speakersTimeline: z
    .object({
      precise: z.boolean().optional(),
      speechSegments: z.array(z.object({ fromTime: z.int(), toTime: z.int(), partyIds: z.array(z.string()).min(1) })),
    })
    .optional(),
  meetingUrl: z.string().optional(),
  callProviderCode: z.string().optional(),
  downloadMediaUrl: z.string().optional(),
  workspaceId: z.string().optional(),
  languageCode: z.string().optional(),
  flowContext: z.object({ taskId: z.string().optional() }).optional(),
  primaryUser: z.string({ error: 'required: the Gong user id of the call host' }),
});

async function addCall(c: GongContext, deps: GongDeps) {
  const body = await parseBody(c, addCallSchema);
  const { state } = deps;
  const started = parseDateTime(body.actualStart, 'actualStart');
  if (body.scheduledStart !== undefined) parseDateTime(body.scheduledStart, 'scheduledStart');
  if (body.scheduledEnd !== undefined) parseDateTime(body.scheduledEnd, 'scheduledEnd');
  requireNumericId(body.primaryUser, 'primaryUser');
  const host = state.users.get(body.primaryUser);
  if (!host) throw badRequest(`primaryUser: no Gong user with the id ${body.primaryUser} (GET /v2/users lists them)`);
  const workspaceId =
    requireWorkspace(state, body.workspaceId) ?? host.workspaceIds[0] ?? [...state.workspaces.keys()][0]!;
  if (state.callByClientUniqueId(body.clientUniqueId)) {
    throw new EmulatorHttpError(409, `A call with clientUniqueId '${body.clientUniqueId}' already exists`);
  }
  if (body.downloadMediaUrl !== undefined) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(body.downloadMediaUrl).protocol);
    } catch {}
    if (!ok)
      throw badRequest(`downloadMediaUrl: expected an http(s) URL; got ${JSON.stringify(body.downloadMediaUrl)}`);
  }
  const id = state.nextId('call');
  const parties: CallParty[] = body.parties.map((p, i) => {
    if (p.userId !== undefined && !state.users.has(p.userId)) {
      throw badRequest(`parties[${i}].userId: no Gong user with the id ${p.userId}`);
    }
    if (!p.emailAddress && !p.phoneNumber && !p.name && !p.userId) {
      throw badRequest(`parties[${i}]: give at least one of emailAddress, phoneNumber, name or userId`);
    }
    const user = p.userId ? state.users.get(p.userId) : p.emailAddress ? state.userByEmail(p.emailAddress) : undefined;
    return {
      id: p.partyId ?? `${id.slice(-10)}${String(i + 1).padStart(3, '0')}`,
      emailAddress: p.emailAddress ?? user?.emailAddress,
      name: p.name ?? (user ? `${user.firstName} ${user.lastName}` : undefined),
      title: user?.title,
      userId: user?.id,
      affiliation: user ? 'Internal' : p.emailAddress || p.phoneNumber ? 'External' : 'Unknown',
      phoneNumber: p.phoneNumber,
      methods: ['Attendee'],
      context: (p.context ?? []).map((ctx) => ({
        system: ctx.system,
        objects: (ctx.objects ?? []).map((o) => ({
          objectType: o.objectType,
          objectId: o.objectId,
          fields: o.fields ?? [],
        })),
      })),
      ...(p.mediaChannelId !== undefined ? { mediaChannelId: p.mediaChannelId } : {}),
    };
  });
  if (!parties.some((p) => p.userId === host.id)) {
    parties.unshift({
      id: `${id.slice(-10)}000`,
      emailAddress: host.emailAddress,
      name: `${host.firstName} ${host.lastName}`,
      title: host.title,
      userId: host.id,
      affiliation: 'Internal',
      phoneNumber: host.phoneNumber,
      methods: ['Attendee'],
      context: [],
    });
  }
  const now = state.now().toISOString();
  const call: CallRecord = {
    id,
    clientUniqueId: body.clientUniqueId,
    title: body.title ?? '',
    purpose: body.purpose,
    scheduled: body.scheduledStart ? new Date(Date.parse(body.scheduledStart)).toISOString() : undefined,
    started: new Date(started).toISOString(),
    duration: Math.round(body.duration ?? 0),
    primaryUserId: host.id,
    direction: body.direction,
    system: body.callProviderCode ?? 'API',
    scope: parties.some((p) => p.affiliation === 'External') ? 'External' : 'Internal',
    media: null,
    language: body.languageCode ?? 'eng',
    workspaceId,
    sdrDisposition: body.disposition,
    customData: body.customData,
    meetingUrl: body.meetingUrl,
    isPrivate: false,
    parties,
    context: (body.context ?? []).map((ctx) => ({
      system: ctx.system,
      objects: (ctx.objects ?? []).map((o) => ({
        objectType: o.objectType,
        objectId: o.objectId,
        fields: o.fields ?? [],
      })),
    })),
    transcript: [],
    comments: [],
    keyPoints: [],
    source: 'api',
    mediaStatus: body.downloadMediaUrl ? 'processing' : 'awaiting',
    ...(body.downloadMediaUrl ? { downloadMediaUrl: body.downloadMediaUrl } : {}),
    created: now,
  };
  state.addCall(call);
  return gongJson(c, deps, { callId: id });
}

// ---------------------------------------------------------------------------------------------------------------
// PUT /v2/calls/{id}/media

const MEDIA_EXTENSIONS: Record<string, 'Audio' | 'Video'> = {
  wav: 'Audio',
  mp3: 'Audio',
  flac: 'Audio',
  m4a: 'Audio',
  aac: 'Audio',
  ogg: 'Audio',
  opus: 'Audio',
  wma: 'Audio',
  mp4: 'Video',
  mkv: 'Video',
  mov: 'Video',
  avi: 'Video',
  webm: 'Video',
  wmv: 'Video',
  m4v: 'Video',
};

/** Uploads up to this size are kept in memory and served back through the media URLs. */
export const MAX_STORED_MEDIA_BYTES = 50 * 1024 * 1024;

/** Max bytes of one media upload (Gong: 1.5 GB). */
export const MAX_MEDIA_BYTES = 1.5 * 1024 ** 3;

/** Seconds of audio in a RIFF/WAVE file, from its header; undefined when it is not a readable WAV. */
export function wavDurationSeconds(buf: Buffer): number | undefined {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    return undefined;
  }
  let off = 12;
  let byteRate: number | undefined;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ' && off + 16 <= buf.length) byteRate = buf.readUInt32LE(off + 16);
    if (id === 'data') return byteRate ? Math.min(size, buf.length - off - 8) / byteRate : undefined;
    off += 8 + size + (size % 2);
  }
  return undefined;
}

async function uploadMedia(c: GongContext, deps: GongDeps) {
  const call = requireCall(deps.state, c.req.param('id')!);
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    throw new EmulatorHttpError(
      415,
      `mediaFile: send the recording as multipart/form-data with the file in the field 'mediaFile' (got Content-Type ${JSON.stringify(type || null)})`,
    );
  }
  const length = Number(c.req.header('content-length') ?? 0);
  if (length > MAX_MEDIA_BYTES) throw new EmulatorHttpError(413, 'mediaFile: files up to 1.5GB can be attached');
  let form: Record<string, string | File | (string | File)[]>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch {
    throw badRequest('mediaFile: the multipart/form-data body could not be read');
  }
  const file = form.mediaFile;
  if (!(file instanceof File)) {
    throw badRequest(
      `mediaFile: required file part is missing${Object.keys(form).length ? ` (got the field(s) ${Object.keys(form).join(', ')})` : ''}`,
    );
  }
  if (call.source !== 'api') {
    throw badRequest(
      `id: call ${call.id} was recorded by Gong; media can only be uploaded to a call added with POST /v2/calls`,
    );
  }
  const bytes = Buffer.from(await file.arrayBuffer());
  if (bytes.length === 0) throw badRequest('mediaFile: the file is empty');
  const ext = (file.name.split('.').pop() ?? '').toLowerCase();
  const mime = (file.type || '').toLowerCase();
  const kind: 'Audio' | 'Video' | undefined = mime.startsWith('audio/')
    ? 'Audio'
    : mime.startsWith('video/')
      ? 'Video'
      : MEDIA_EXTENSIONS[ext];
  if (!kind) {
    throw badRequest(
      `mediaFile: unsupported media (file ${JSON.stringify(file.name)}, type ${JSON.stringify(file.type || null)}); send an audio or video recording such as WAV, MP3, MP4, MKV or FLAC`,
    );
  }
  const now = deps.state.now().toISOString();
  call.mediaFile = {
    fileName: file.name,
    contentType: file.type || 'application/octet-stream',
    sizeBytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    uploadedAt: now,
    ...(bytes.length <= MAX_STORED_MEDIA_BYTES ? { data: bytes } : {}),
  };
  call.media = kind;
  call.mediaStatus = 'ready';
  const seconds = wavDurationSeconds(bytes);
  if (seconds !== undefined && call.duration === 0) call.duration = Math.round(seconds);
  return gongJson(c, deps, { callId: call.id, url: callUrl(call.id) }, 201);
}

// ---------------------------------------------------------------------------------------------------------------
// /v2/calls/users-access

const accessListSchema = z.object({
  callAccessList: z
    .array(
      z.object({
        callId: z.string({ error: 'required: a call id' }).regex(/^\d{1,20}$/, 'expected a numeric call id'),
        userIds: z
          .array(z.string().regex(/^\d{1,20}$/, 'expected a numeric user id'), { error: 'required: user ids' })
          .min(1),
      }),
      { error: 'required: a list of {callId, userIds}' },
    )
    .min(1),
});

function checkAccessList(state: GongState, list: z.output<typeof accessListSchema>['callAccessList']) {
  list.forEach((entry, i) => {
    if (!state.calls.has(entry.callId))
      throw gongNotFound(`callAccessList[${i}].callId: call ${entry.callId} not found`);
    entry.userIds.forEach((u, k) => {
      if (!state.users.has(u)) throw badRequest(`callAccessList[${i}].userIds[${k}]: no Gong user with the id ${u}`);
    });
  });
}

async function addAccess(c: GongContext, deps: GongDeps) {
  const body = await parseBody(c, accessListSchema);
  checkAccessList(deps.state, body.callAccessList);
  for (const e of body.callAccessList) deps.state.grantCallAccess(e.callId, e.userIds);
  return gongJson(c, deps, {});
}

async function deleteAccess(c: GongContext, deps: GongDeps) {
  const body = await parseBody(c, accessListSchema);
  checkAccessList(deps.state, body.callAccessList);
  for (const e of body.callAccessList) deps.state.revokeCallAccess(e.callId, e.userIds);
  return gongJson(c, deps, {});
}

const accessFilterSchema = z.object({
  filter: z.object(
    { callIds: callIdList.min(1, 'give at least one call id') },
    { error: 'required: {callIds: [...]}' },
  ),
});

async function getAccess(c: GongContext, deps: GongDeps) {
  const body = await parseBody(c, accessFilterSchema);
  body.filter.callIds.forEach((id, i) => {
    if (!deps.state.calls.has(id)) throw gongNotFound(`filter.callIds[${i}]: call ${id} not found`);
  });
  return gongJson(c, deps, {
    callAccessList: body.filter.callIds.map((callId) => ({
      callId,
      users: [...(deps.state.callAccess.get(callId) ?? [])].map((userId) => ({ userId })),
    })),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// GET /v2/calls/manual-crm-associations

function manualCrmAssociations(c: GongContext, deps: GongDeps) {
  const q = new URL(c.req.url).searchParams;
  const fromRaw = q.get('fromDateTime');
  const from = fromRaw ? parseDateTime(fromRaw, 'fromDateTime') : undefined;
  const list = deps.state.manualCrmAssociations.filter((a) => from === undefined || Date.parse(a.created) >= from);
  if (list.length === 0) throw gongNotFound('No manual CRM associations found since the given time');
  const { page, records } = paginate(list, {
    cursor: q.get('cursor'),
    scope: ['manual-crm', fromRaw],
    pageSize: deps.state.pageSize,
  });
  return gongJson(c, deps, { records, associations: page });
}

// ---------------------------------------------------------------------------------------------------------------
// Media downloads: pre-signed URLs (no Authorization header, like Gong's S3 links), valid about 8 hours.

/** Path of the media downloads under the basePath; the authenticator lets them through (the URL is the credential). */
export const MEDIA_PREFIX = '/media';

function mediaSignature(state: GongState, callId: string, kind: string, expires: number): string {
  return createHash('sha256')
    .update(`${state.company.id}|${callId}|${kind}|${expires}`)
    .digest('base64url')
    .slice(0, 32);
}

/** A silent 8 kHz 8-bit mono WAV of `seconds` (the recording of a seeded call, whose audio the seed does not hold). */
function silentWav(seconds: number): Buffer {
  const data = Buffer.alloc(Math.max(1, Math.round(seconds * 8000)), 0x80);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(8000, 28);
  h.writeUInt16LE(1, 32);
  h.writeUInt16LE(8, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** `GET {basePath}/media/{callId}/{audio|video}?expires&signature`: the recording, or 403 once expired or forged. */
export function serveMedia(c: Context, deps: GongDeps): Response {
  const callId = c.req.param('callId') ?? '';
  const kind = c.req.param('kind') ?? '';
  const expires = Number(c.req.query('expires'));
  const signature = c.req.query('signature') ?? '';
  const call = deps.state.calls.get(callId);
  const denied = (message: string) => c.text(message, 403);
  if (!call || (kind !== 'audio' && kind !== 'video') || !Number.isFinite(expires)) return c.text('Not Found', 404);
  if (signature !== mediaSignature(deps.state, callId, kind, expires)) return denied('SignatureDoesNotMatch');
  if (expires <= deps.state.now().getTime()) return denied('Request has expired');
  if (call.mediaFile?.data) {
    return c.body(new Uint8Array(call.mediaFile.data), 200, {
      'Content-Type': call.mediaFile.contentType,
      'Content-Disposition': `attachment; filename="${call.mediaFile.fileName.replace(/["\r\n]/g, '')}"`,
    });
  }
  if (call.mediaFile) return c.text('The recording is still being processed', 404);
  return c.body(new Uint8Array(silentWav(call.duration)), 200, {
    'Content-Type': 'audio/wav',
    'Content-Disposition': `attachment; filename="${call.id}.wav"`,
  });
}

export const CALL_ROUTES: RouteDef[] = [
  { method: 'GET', path: '/v2/calls', scopes: ['api:calls:read:basic'], handler: listCalls },
  { method: 'POST', path: '/v2/calls', scopes: ['api:calls:create'], handler: addCall },
  { method: 'POST', path: '/v2/calls/extensive', scopes: ['api:calls:read:extensive'], handler: listCallsExtensive },
  { method: 'POST', path: '/v2/calls/transcript', scopes: ['api:calls:read:transcript'], handler: listTranscripts },
  { method: 'PUT', path: '/v2/calls/users-access', scopes: ['api:call-user-access:write'], handler: addAccess },
  { method: 'DELETE', path: '/v2/calls/users-access', scopes: ['api:call-user-access:write'], handler: deleteAccess },
  { method: 'POST', path: '/v2/calls/users-access', scopes: ['api:call-user-access:read'], handler: getAccess },
  {
    method: 'GET',
    path: '/v2/calls/manual-crm-associations',
    scopes: ['api:crm-calls:manual-association:read'],
    handler: manualCrmAssociations,
  },
  { method: 'GET', path: '/v2/calls/{id}', scopes: ['api:calls:read:basic'], handler: getCall },
  { method: 'PUT', path: '/v2/calls/{id}/media', scopes: ['api:calls:create'], handler: uploadMedia },
];
