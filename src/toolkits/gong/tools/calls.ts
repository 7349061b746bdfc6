import { z } from 'zod';
import { GatewayError } from '../../../util/errors.ts';
import { defineTool, type ToolDefinition } from '../../define.ts';
import { dateTime, gongId, gongPagination } from '../common.ts';
import { decodeMediaBase64, downloadMedia, type MediaFile, mediaDownloadPolicy } from '../media.ts';

const callIds = z
  .array(gongId('call'))
  .min(1)
  .max(100)
  .describe('Gong call ids (long numbers as strings), e.g. from gong_list_calls.');

const crmContext = z
  .array(
    z.object({
      system: z.enum(['Salesforce', 'HubSpot', 'MicrosoftDynamic', 'Generic']).describe('The CRM.'),
      objects: z
        .array(
          z.object({
            object_type: z
              .string()
              .min(1)
              .describe('CRM object type, e.g. "Account", "Opportunity", "Contact", "Lead".'),
            object_id: z
              .string()
              .min(1)
              .describe('The object id in the CRM, e.g. a Salesforce id "0015g00000NWTAAA1".'),
          }),
        )
        .describe('CRM objects the call relates to.'),
    }),
  )
  .max(10);

const toCrm = (ctx: z.output<typeof crmContext> | undefined) =>
  ctx?.map((c) => ({
    system: c.system,
    objects: c.objects.map((o) => ({ objectType: o.object_type, objectId: o.object_id })),
  }));

export const listCalls = defineTool({
  name: 'gong_list_calls',
  title: 'Retrieve call data by date range',
  description:
    'List Gong calls that started in a date range (GET /v2/calls) with basic metadata only: id, title, start time, duration in seconds, host (primaryUserId), direction, scope (External/Internal), system, workspace and URL. Use it to find calls by time ("calls last week"). For participants, CRM context, topics, trackers, brief, highlights or talk stats, or to filter by call ids or host users, use gong_list_calls_extensive; for what was said use gong_get_call_transcripts. from_date_time and to_date_time are ISO-8601 date-times with a time zone such as 2026-11-01T00:00:00Z (from inclusive, to exclusive); compute relative ranges yourself. When no call matches (Gong answers 404 "No calls found"), the result is an empty list with a note.',
  tags: ['calls', 'recordings', 'meetings', 'list', 'date range', 'conversations'],
  input: z.object({
    from_date_time: dateTime('Start of the range (inclusive)'),
    to_date_time: dateTime('End of the range (exclusive)'),
    workspace_id: gongId('workspace').optional().describe('Only calls of this workspace (gong_list_workspaces).'),
  }),
  http: {
    method: 'GET',
    path: '/v2/calls',
    query: { fromDateTime: 'from_date_time', toDateTime: 'to_date_time', workspaceId: 'workspace_id' },
  },
  pagination: gongPagination('query', 'calls'),
  notFoundMeansEmpty: true,
  scopes: ['api:calls:read:basic'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

const CONTENT_FIELDS = [
  'structure',
  'topics',
  'trackers',
  'tracker_occurrences',
  'brief',
  'outline',
  'highlights',
  'call_outcome',
  'key_points',
] as const;
const INTERACTION_FIELDS = ['speakers', 'video', 'person_interaction_stats', 'questions'] as const;
const camel = (s: string) => s.replace(/_([a-z])/g, (_m, ch: string) => ch.toUpperCase());

export const listCallsExtensive = defineTool({
  name: 'gong_list_calls_extensive',
  title: 'Retrieve filtered call details (extensive)',
  description:
    'Detailed data of Gong calls (POST /v2/calls/extensive), filtered by date range, call ids, host user ids and/or workspace: metadata plus, as selected, participants (parties, with speakerId to match transcript lines, affiliation Internal/External, emails), CRM context (accounts, opportunities), content (brief, topics, trackers with counts, highlights, outline, key points, call outcome), interaction (talk time per speaker, interaction stats, question counts) and public comments. Use this rather than gong_list_calls whenever you need more than basic metadata or must filter by call_ids / primary_user_ids. from_date_time/to_date_time are ISO-8601 date-times with a time zone, e.g. 2026-11-01T00:00:00Z. media_urls returns audio/video URLs valid for about 8 hours.',
  tags: [
    'calls',
    'details',
    'participants',
    'parties',
    'topics',
    'trackers',
    'crm',
    'brief',
    'highlights',
    'talk ratio',
  ],
  input: z.object({
    from_date_time: dateTime('Calls that started at or after this').optional(),
    to_date_time: dateTime('Calls that started before this').optional(),
    call_ids: callIds.optional(),
    primary_user_ids: z
      .array(gongId('user'))
      .min(1)
      .max(100)
      .optional()
      .describe('Only calls hosted by these Gong users (ids from gong_list_users).'),
    workspace_id: gongId('workspace').optional().describe('Only calls of this workspace.'),
    context: z
      .enum(['None', 'Basic', 'Extended'])
      .default('None')
      .describe('CRM context to include: "None", "Basic" (object ids and names) or "Extended" (all CRM fields).'),
    context_timing: z
      .array(z.enum(['Now', 'TimeOfCall']))
      .min(1)
      .optional()
      .describe('CRM values as they are now and/or as they were at the time of the call (default Now).'),
    parties: z.boolean().default(true).describe('Include the participants.'),
    content: z
      .array(z.enum(CONTENT_FIELDS))
      .default(['brief', 'topics', 'trackers', 'highlights', 'key_points', 'call_outcome'])
      .describe('Content sections to include.'),
    interaction: z
      .array(z.enum(INTERACTION_FIELDS))
      .default(['speakers', 'questions'])
      .describe('Interaction sections: speakers (talk time each), person_interaction_stats, questions, video.'),
    public_comments: z.boolean().default(false).describe('Include the public comments on the calls.'),
    media_urls: z
      .boolean()
      .default(false)
      .describe('Include audio/video download URLs (valid about 8 hours; needs the api:calls:read:media-url scope).'),
  }),
  http: {
    method: 'POST',
    path: '/v2/calls/extensive',
    body: (i) => ({
      filter: {
        fromDateTime: i.from_date_time,
        toDateTime: i.to_date_time,
        workspaceId: i.workspace_id,
        callIds: i.call_ids,
        primaryUserIds: i.primary_user_ids,
      },
      contentSelector: {
        context: i.context,
        ...(i.context_timing ? { contextTiming: i.context_timing } : {}),
        exposedFields: {
          parties: i.parties,
          media: i.media_urls,
          content: Object.fromEntries(i.content.map((f) => [camel(f), true])),
          interaction: Object.fromEntries(i.interaction.map((f) => [camel(f), true])),
          collaboration: { publicComments: i.public_comments },
        },
      },
    }),
  },
  pagination: gongPagination('body', 'calls'),
  notFoundMeansEmpty: true,
  scopes: ['api:calls:read:extensive', 'api:calls:read:media-url'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const getCall = defineTool({
  name: 'gong_get_call',
  title: 'Get call by ID',
  description:
    'Fetch the basic metadata of one Gong call by its id (GET /v2/calls/{id}): title, start time, duration in seconds, host user id, direction, scope, system, workspace, media type and URL. For participants, topics, trackers or CRM context use gong_list_calls_extensive with call_ids; for the words spoken use gong_get_call_transcripts.',
  tags: ['call', 'metadata', 'recording'],
  input: z.object({ call_id: gongId('call') }),
  http: { method: 'GET', path: '/v2/calls/{call_id}' },
  scopes: ['api:calls:read:basic'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const getCallTranscripts = defineTool({
  name: 'gong_get_call_transcripts',
  title: 'Get call transcript',
  description:
    'Transcripts of Gong calls (POST /v2/calls/transcript), by call ids and/or a date range: for each call a list of monologues, each with a speakerId, the topic and sentences with start/end times in milliseconds from the start of the call. Map speakerId to a person with gong_list_calls_extensive (parties). Give call_ids for specific calls, or from_date_time/to_date_time (ISO-8601 date-times with a time zone, e.g. 2026-11-01T00:00:00Z) for every call in a period.',
  tags: ['transcript', 'what was said', 'sentences', 'speakers', 'calls'],
  input: z.object({
    call_ids: callIds.optional(),
    from_date_time: dateTime('Calls that started at or after this').optional(),
    to_date_time: dateTime('Calls that started before this').optional(),
    workspace_id: gongId('workspace').optional().describe('Only calls of this workspace.'),
  }),
  http: {
    method: 'POST',
    path: '/v2/calls/transcript',
    body: (i) => ({
      filter: {
        callIds: i.call_ids,
        fromDateTime: i.from_date_time,
        toDateTime: i.to_date_time,
        workspaceId: i.workspace_id,
      },
    }),
  },
  pagination: gongPagination('body', 'callTranscripts'),
  scopes: ['api:calls:read:transcript'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const addCall = defineTool({
  name: 'gong_add_call',
  title: 'Add new call',
  description:
    'Register a call recorded outside Gong, such as by a phone system (POST /v2/calls); returns the new callId. Then upload the recording with gong_add_call_media using that callId, or give download_media_url here so Gong fetches it. client_unique_id is your own unique id for the call (a second call with the same id is refused with 409). actual_start and scheduled times are ISO-8601 date-times with a time zone, e.g. 2026-11-01T15:00:00Z; primary_user is the Gong user id of the host (gong_list_users).',
  tags: ['call', 'create', 'upload', 'import', 'recording', 'telephony'],
  input: z.object({
    client_unique_id: z.string().min(1).max(2048).describe('Your unique id of this call (e.g. the PBX call id).'),
    actual_start: dateTime('When the call started'),
    direction: z.enum(['Inbound', 'Outbound', 'Conference', 'Unknown']).describe('Call direction.'),
    primary_user: gongId('user').describe('Gong user id of the host of the call (gong_list_users).'),
    parties: z
      .array(
        z.object({
          email_address: z.string().email().optional().describe('Participant email.'),
          phone_number: z
            .string()
            .min(3)
            .max(40)
            .optional()
            .describe('Participant phone number, e.g. "+1 415 555 0101".'),
          name: z.string().max(255).optional().describe('Participant name.'),
          user_id: gongId('user').optional().describe('Gong user id, for company participants.'),
          party_id: z
            .string()
            .max(255)
            .optional()
            .describe('Your id of this participant (speaker timelines refer to it).'),
          media_channel_id: z.int().min(0).optional().describe('Audio channel of this participant in the recording.'),
        }),
      )
      .min(1)
      .max(100)
      .describe('Participants (include the host). Each needs an email, phone number, name or user_id.'),
    title: z.string().max(1024).optional().describe('Call title.'),
    purpose: z.string().max(1024).optional().describe('Purpose of the call.'),
    scheduled_start: dateTime('Scheduled start').optional(),
    scheduled_end: dateTime('Scheduled end').optional(),
    duration_seconds: z.number().min(0).optional().describe('Call duration in seconds.'),
    disposition: z.string().max(255).optional().describe('Call disposition (e.g. "Connected").'),
    context: crmContext.optional().describe('CRM objects of the call.'),
    custom_data: z.string().max(10000).optional().describe('Free text stored with the call.'),
    meeting_url: z.string().url().optional().describe('Conference URL of the call.'),
    call_provider_code: z.string().max(255).optional().describe('Telephony system, e.g. "RingCentral".'),
    download_media_url: z
      .string()
      .url()
      .optional()
      .describe('Public URL Gong downloads the recording from (instead of gong_add_call_media).'),
    workspace_id: gongId('workspace').optional().describe("Workspace of the call (default: the host's)."),
    language_code: z.string().max(20).optional().describe('Spoken language, e.g. "en-US".'),
  }),
  http: {
    method: 'POST',
    path: '/v2/calls',
    body: (i) => ({
      clientUniqueId: i.client_unique_id,
      actualStart: i.actual_start,
      direction: i.direction,
      primaryUser: i.primary_user,
      parties: i.parties.map((p) => ({
        emailAddress: p.email_address,
        phoneNumber: p.phone_number,
        name: p.name,
        userId: p.user_id,
        partyId: p.party_id,
        mediaChannelId: p.media_channel_id,
      })),
      title: i.title,
      purpose: i.purpose,
      scheduledStart: i.scheduled_start,
      scheduledEnd: i.scheduled_end,
      duration: i.duration_seconds,
      disposition: i.disposition,
      context: toCrm(i.context),
      customData: i.custom_data,
      meetingUrl: i.meeting_url,
      callProviderCode: i.call_provider_code,
      downloadMediaUrl: i.download_media_url,
      workspaceId: i.workspace_id,
      languageCode: i.language_code,
    }),
  },
  scopes: ['api:calls:create'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
});

type WithMedia = { media?: MediaFile };

export const addCallMedia = defineTool({
  name: 'gong_add_call_media',
  title: 'Add call media',
  description:
    'Upload the recording of a call added with gong_add_call (PUT /v2/calls/{id}/media, multipart mediaFile): audio or video such as WAV, MP3, MP4, MKV or FLAC. Give the file either as media_url (an http/https URL the gateway downloads, public hosts only, up to 100 MB) or as media_base64 (the file content in base64, for small files). file_name and content_type are taken from the URL or guessed from the extension when omitted. Only calls created through gong_add_call accept media.',
  tags: ['call', 'recording', 'media', 'upload', 'audio', 'video', 'file'],
  input: z.object({
    call_id: gongId('call').describe('The callId returned by gong_add_call.'),
    media_url: z.string().url().optional().describe('http(s) URL of the recording; the gateway downloads it.'),
    media_base64: z.string().min(4).optional().describe('The recording itself, base64-encoded (small files).'),
    file_name: z.string().min(1).max(255).optional().describe('File name with extension, e.g. "call-1234.mp3".'),
    content_type: z
      .string()
      .regex(/^(audio|video)\/[\w.+-]+$/, { message: 'expected an audio/* or video/* media type, e.g. "audio/mpeg"' })
      .optional()
      .describe('Media type, e.g. "audio/mpeg" or "video/mp4".'),
  }),
  prepare: async (i) => {
    if ((i.media_url === undefined) === (i.media_base64 === undefined)) {
      throw new GatewayError('invalid_arguments', 'give exactly one of "media_url" or "media_base64"', {
        fields: [{ field: 'media_url', problem: 'give media_url or media_base64, not both or neither' }],
      });
    }
    const opts = { filename: i.file_name, contentType: i.content_type };
    const media = i.media_url ? await downloadMedia(i.media_url, opts) : decodeMediaBase64(i.media_base64!, opts);
    if (!/^(audio|video)\//.test(media.contentType)) {
      throw new GatewayError(
        'invalid_arguments',
        `the file "${media.filename}" is ${media.contentType}, not audio or video; give file_name with a media extension (.mp3, .wav, .mp4 ...) or content_type`,
      );
    }
    return { ...i, media } as typeof i;
  },
  http: {
    method: 'PUT',
    path: '/v2/calls/{call_id}/media',
    multipart: (i) => {
      const m = (i as WithMedia).media!;
      return [{ name: 'mediaFile', filename: m.filename, contentType: m.contentType, data: m.data }];
    },
  },
  transform: (body, i) => {
    const m = (i as WithMedia).media;
    return {
      ...(body as object),
      uploaded: m ? { file_name: m.filename, content_type: m.contentType, size_bytes: m.data.length } : undefined,
    };
  },
  scopes: ['api:calls:create'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
});

export const listFolderCalls = defineTool({
  name: 'gong_list_folder_calls',
  title: 'List folder calls',
  description:
    'The calls saved in one public Gong library folder (GET /v2/library/folder-content): folder name and, per call, id, title, the note of whoever added it, who added it and when, the call URL and the snippet (seconds) when only a clip was saved. Get folder ids from gong_list_library_folders.',
  tags: ['library', 'folder', 'calls', 'playlist', 'best calls'],
  input: z.object({ folder_id: gongId('library folder').describe('Library folder id (gong_list_library_folders).') }),
  http: { method: 'GET', path: '/v2/library/folder-content', query: { folderId: 'folder_id' } },
  scopes: ['api:library:read'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const listManualCrmAssociations = defineTool({
  name: 'gong_list_manual_crm_associations',
  title: 'Retrieve manual CRM call associations',
  description:
    'Calls that users manually associated (or re-associated) with a CRM account and deal/opportunity since a given time (GET /v2/calls/manual-crm-associations): call id, the user, when, and the account and deal CRM ids. from_date_time is an ISO-8601 date-time with a time zone, e.g. 2026-11-01T00:00:00Z; omit it for all associations. Gong answers 404 when there are none since then.',
  tags: ['crm', 'association', 'account', 'deal', 'opportunity', 'calls'],
  input: z.object({ from_date_time: dateTime('Associations made at or after this').optional() }),
  http: { method: 'GET', path: '/v2/calls/manual-crm-associations', query: { fromDateTime: 'from_date_time' } },
  pagination: gongPagination('query', 'associations'),
  scopes: ['api:crm-calls:manual-association:read'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const listCallOutcomes = defineTool({
  name: 'gong_list_call_outcomes',
  title: 'List call outcomes',
  description:
    'All call outcomes defined in the Gong company (GET /v2/call-outcomes), in display order: name, category (ANSWERED/NOT_ANSWERED), connect status, sentiment and automation. Use it to interpret the callOutcome of calls (gong_list_calls_extensive with content call_outcome).',
  tags: ['call outcome', 'disposition', 'settings'],
  input: z.object({}),
  http: { method: 'GET', path: '/v2/call-outcomes' },
  scopes: ['api:call-outcomes:read'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

const accessList = z
  .array(
    z.object({
      call_id: gongId('call'),
      user_ids: z.array(gongId('user')).min(1).max(100).describe('Gong user ids (gong_list_users).'),
    }),
  )
  .min(1)
  .max(100);

export const getCallUserAccess = defineTool({
  name: 'gong_get_call_user_access',
  title: 'Get user call access',
  description:
    'Which users were given individual access to specific Gong calls through the API (POST /v2/calls/users-access): for each call id, the user ids with a grant. It does not list access that comes from permission profiles. Grant with gong_set_call_user_access, remove with gong_delete_call_user_access.',
  tags: ['access', 'permissions', 'share', 'calls', 'users'],
  input: z.object({ call_ids: callIds }),
  http: { method: 'POST', path: '/v2/calls/users-access', body: (i) => ({ filter: { callIds: i.call_ids } }) },
  scopes: ['api:call-user-access:read'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

export const setCallUserAccess = defineTool({
  name: 'gong_set_call_user_access',
  title: 'Set user call access',
  description:
    'Give individual Gong users access to specific calls (PUT /v2/calls/users-access), on top of what their permission profile allows. Each entry is a call id and the user ids to grant. Granting an existing grant again changes nothing.',
  tags: ['access', 'permissions', 'share', 'grant', 'calls'],
  input: z.object({ access: accessList.describe('Calls and the users to give access to.') }),
  http: {
    method: 'PUT',
    path: '/v2/calls/users-access',
    body: (i) => ({ callAccessList: i.access.map((a) => ({ callId: a.call_id, userIds: a.user_ids })) }),
  },
  scopes: ['api:call-user-access:write'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
});

export const deleteCallUserAccess = defineTool({
  name: 'gong_delete_call_user_access',
  title: 'Delete users from call access list',
  description:
    "Remove individual users' access to specific Gong calls (DELETE /v2/calls/users-access): only grants given through the API (gong_set_call_user_access) are removed; access from permission profiles is unchanged. Check current grants with gong_get_call_user_access.",
  tags: ['access', 'permissions', 'revoke', 'remove', 'calls'],
  input: z.object({ access: accessList.describe('Calls and the users whose individual access is removed.') }),
  http: {
    method: 'DELETE',
    path: '/v2/calls/users-access',
    body: (i) => ({ callAccessList: i.access.map((a) => ({ callId: a.call_id, userIds: a.user_ids })) }),
  },
  scopes: ['api:call-user-access:write'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
});

/** Limits of the media download, for operators and tests. */
export { mediaDownloadPolicy };

export const tools: ToolDefinition[] = [
  listCalls,
  listCallsExtensive,
  getCall,
  getCallTranscripts,
  addCall,
  addCallMedia,
  listFolderCalls,
  listManualCrmAssociations,
  listCallOutcomes,
  getCallUserAccess,
  setCallUserAccess,
  deleteCallUserAccess,
];
