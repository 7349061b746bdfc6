/**
 * Stats, scorecards, coaching, meetings, digital interactions and customer-engagement events (the stats group).
 *
 * The three activity tools read the same per-user daily numbers and differ only in grouping: one total per user
 * (aggregate), one total per user and calendar period (by period), or the call ids of each day (day by day). Their
 * filters take calendar days (`YYYY-MM-DD`, company time zone, `to_date` exclusive); every other date here is an
 * ISO-8601 date-time. Working out "last week" is the caller's job: the descriptions say how.
 */
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../define.ts';
import { dateTime, gongId, gongPagination, isoDate } from '../common.ts';

// ---------------------------------------------------------------------------------------------------------------
// Shared inputs

const DATE_RULES =
  'Dates are calendar days YYYY-MM-DD in the company\'s Gong time zone: from_date is inclusive, to_date is EXCLUSIVE (the day after the last day you want) and must not be after today. Example: last week Monday 2026-06-08 to Sunday 2026-06-14 is from_date "2026-06-08", to_date "2026-06-15"; yesterday alone is from_date = yesterday, to_date = today.';

const statsFields = {
  from_date: isoDate('First day to include (inclusive), in the company time zone'),
  to_date: isoDate(
    'The day AFTER the last day to include (exclusive), at most today. For a Monday-Sunday week send the next Monday',
  ),
  user_ids: z
    .array(gongId('user'))
    .min(1)
    .max(500)
    .optional()
    .describe(
      'Only these users (numeric Gong user ids, from gong_list_users). Named users are returned even with no activity; without this, only users with activity in the range are returned.',
    ),
  created_from_date_time: dateTime('Only users created in Gong at or after this instant').optional(),
  created_to_date_time: dateTime('Only users created in Gong before this instant').optional(),
};
const statsInput = z.object(statsFields);
type StatsInput = z.output<typeof statsInput>;

function statsFilter(i: StatsInput) {
  return {
    fromDate: i.from_date,
    toDate: i.to_date,
    ...(i.user_ids ? { userIds: i.user_ids } : {}),
    ...(i.created_from_date_time ? { createdFromDateTime: i.created_from_date_time } : {}),
    ...(i.created_to_date_time ? { createdToDateTime: i.created_to_date_time } : {}),
  };
}

const READ = { readOnlyHint: true, idempotentHint: true, openWorldHint: true } as const;

const STATS_404 =
  'A 404 "No user activity found" means nobody had activity in the range (an empty result); a 404 "User not found" means none of user_ids exists.';

// ---------------------------------------------------------------------------------------------------------------
// Activity stats

const aggregateActivity = defineTool({
  name: 'gong_aggregate_activity_stats',
  title: 'Aggregate user activity statistics',
  description: `One set of activity totals per user for a whole date range: calls hosted and attended, own and others' calls listened to, calls shared internally and externally, feedback given/requested/received, comments given/received, calls marked as reviewed, scorecards filled/received. Use it for "how active was the team last week" or a leaderboard. For the same numbers split into days, weeks, months, quarters or years (trends) use gong_aggregate_activity_by_period; for the call ids behind each number, day by day, use gong_get_day_by_day_activity. All three give the same totals for the same filter. ${DATE_RULES} ${STATS_404}`,
  tags: ['stats', 'activity', 'user activity', 'statistics', 'team', 'report', 'listened', 'feedback', 'coaching'],
  input: statsInput,
  http: {
    method: 'POST',
    path: '/v2/stats/activity/aggregate',
    body: (i) => ({ filter: statsFilter(i) }),
  },
  scopes: ['api:stats:user-actions'],
  annotations: READ,
  pagination: gongPagination('body', 'usersAggregateActivityStats'),
});

const aggregateByPeriod = defineTool({
  name: 'gong_aggregate_activity_by_period',
  title: 'Aggregate activity by period via api',
  description: `Activity totals per user for each calendar period in a date range (DAY, WEEK starting Monday, MONTH, QUARTER or YEAR); the first and last periods are clipped to the range. Use it for trends ("listening activity per week this quarter"). For one total over the whole range use gong_aggregate_activity_stats; for the call ids of each day use gong_get_day_by_day_activity. The period totals add up to the aggregate totals. Each period has fromDate/toDate as ISO-8601 date-times in the company time zone. ${DATE_RULES} ${STATS_404}`,
  tags: ['stats', 'activity', 'trend', 'weekly', 'monthly', 'quarterly', 'period', 'statistics'],
  input: statsInput.extend({
    aggregation_period: z
      .enum(['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'])
      .describe('Calendar period to group by; weeks start on Monday.'),
  }),
  http: {
    method: 'POST',
    path: '/v2/stats/activity/aggregate-by-period',
    body: (i) => ({ filter: statsFilter(i), aggregationPeriod: i.aggregation_period }),
  },
  scopes: ['api:stats:user-actions'],
  annotations: READ,
  pagination: gongPagination('body', 'usersAggregateActivity'),
});

const dayByDay = defineTool({
  name: 'gong_get_day_by_day_activity',
  title: 'Post day by day activity stats',
  description: `Each user's activity day by day, with the ids of the calls behind every number (e.g. which calls a manager listened to or gave feedback on each day): one record per day of the range for each returned user. Use it when you need the calls themselves or a daily breakdown; for totals use gong_aggregate_activity_stats, for weekly/monthly totals gong_aggregate_activity_by_period (counts there are the lengths of these lists). Results can be large: keep the range short (a week or two) or name user_ids. ${DATE_RULES} ${STATS_404}`,
  tags: ['stats', 'activity', 'daily', 'day by day', 'call ids', 'detailed'],
  input: statsInput,
  http: {
    method: 'POST',
    path: '/v2/stats/activity/day-by-day',
    body: (i) => ({ filter: statsFilter(i) }),
  },
  scopes: ['api:stats:user-actions:detailed'],
  annotations: READ,
  pagination: gongPagination('body', 'usersDetailedActivities'),
});

const interactionStats = defineTool({
  name: 'gong_get_interaction_stats',
  title: 'Get Interaction Statistics',
  description: `Conversation-skill stats per user over a date range, averaged over the recorded calls the user spoke on: Talk Ratio (0-1 share of the talking), Longest Monologue and Longest Customer Story (seconds), Interactivity (speaker switches per minute, 0-10), Patience (seconds of pause before answering) and Question Rate (questions per hour). Use it to compare reps' call behaviour or coach talk/listen balance; for activity counts (calls hosted, listened to, feedback) use gong_aggregate_activity_stats. ${DATE_RULES} A 404 "No stats found" means no matching user spoke on a recorded call in the range.`,
  tags: ['stats', 'interaction', 'talk ratio', 'monologue', 'patience', 'question rate', 'interactivity', 'coaching'],
  input: statsInput,
  http: {
    method: 'POST',
    path: '/v2/stats/interaction',
    body: (i) => ({ filter: statsFilter(i) }),
  },
  scopes: ['api:stats:interaction'],
  annotations: READ,
  pagination: gongPagination('body', 'peopleInteractionStats'),
});

// ---------------------------------------------------------------------------------------------------------------
// Scorecards

const optionalDay = (what: string) => isoDate(what).optional();

const scorecardsReport = defineTool({
  name: 'gong_get_scorecards_report',
  title: 'Retrieve activity scorecards report',
  description:
    'The answered scorecards (call reviews): who reviewed whose call with which scorecard, when, and every answer (score 1-5 for range questions, selected options, free-text notes, not-applicable flags). Filter by call date, review date, reviewed users (the call hosts), scorecards (ids from gong_list_scorecards) and review method (MANUAL by default; AUTOMATIC for scorecards Gong fills itself; BOTH). All filters are optional. The date filters are calendar days YYYY-MM-DD in the company time zone, "from" inclusive and "to" exclusive (the day after the last day). Ids (answeredScorecardId, scorecardId, callId, user ids) are numbers. A 404 "Answered scorecards not found" means nothing matched.',
  tags: ['scorecards', 'reviews', 'answers', 'coaching', 'call review', 'report', 'stats', 'qa'],
  input: z.object({
    call_from_date: optionalDay('Only calls on or after this day'),
    call_to_date: optionalDay('Only calls before this day (exclusive)'),
    review_from_date: optionalDay('Only reviews on or after this day'),
    review_to_date: optionalDay('Only reviews before this day (exclusive)'),
    review_method: z
      .enum(['MANUAL', 'AUTOMATIC', 'BOTH'])
      .optional()
      .describe('MANUAL (default): reviews by people; AUTOMATIC: scored by Gong; BOTH.'),
    reviewed_user_ids: z
      .array(gongId('user'))
      .min(1)
      .optional()
      .describe('Only reviews of calls hosted by these users (numeric Gong user ids).'),
    scorecard_ids: z
      .array(z.string().regex(/^\d{1,20}$/, { message: 'expected a numeric scorecard id' }))
      .min(1)
      .optional()
      .describe('Only these scorecards (numeric ids from gong_list_scorecards, as strings).'),
  }),
  http: {
    method: 'POST',
    path: '/v2/stats/activity/scorecards',
    body: (i) => ({
      filter: {
        ...(i.call_from_date ? { callFromDate: i.call_from_date } : {}),
        ...(i.call_to_date ? { callToDate: i.call_to_date } : {}),
        ...(i.review_from_date ? { reviewFromDate: i.review_from_date } : {}),
        ...(i.review_to_date ? { reviewToDate: i.review_to_date } : {}),
        ...(i.review_method ? { reviewMethod: i.review_method } : {}),
        ...(i.reviewed_user_ids ? { reviewedUserIds: i.reviewed_user_ids } : {}),
        ...(i.scorecard_ids ? { scorecardIds: i.scorecard_ids } : {}),
      },
    }),
  },
  scopes: ['api:stats:scorecards'],
  annotations: READ,
  pagination: gongPagination('body', 'answeredScorecards'),
});

const listScorecards = defineTool({
  name: 'gong_list_scorecards',
  title: 'List Scorecards',
  description:
    'All scorecards defined in Gong with their settings and questions: scorecard id and name, workspace, enabled or not, review method (MANUAL or AUTOMATIC), and each question (id, text, type RANGE/SINGLE_SELECT/MULTI_SELECT/TEXT, min and max of the range, answer options, whether it is the overall question). Use it to find scorecard ids for gong_get_scorecards_report and to interpret its answers (questionId and selectedOptions refer to these questions and options).',
  tags: ['scorecards', 'settings', 'questions', 'call review', 'qa'],
  input: z.object({}),
  http: { method: 'GET', path: '/v2/settings/scorecards' },
  scopes: ['api:settings:scorecards:read'],
  annotations: READ,
});

// ---------------------------------------------------------------------------------------------------------------
// Coaching

const coachingMetrics = defineTool({
  name: 'gong_list_coaching_metrics',
  title: 'List all coaching metrics v2 coaching',
  description:
    'A manager\'s coaching of each direct report in one workspace over a time range. For every report, each metric is the list of the report\'s call ids it applies to: callsHosted (the report\'s calls), callsListenedTo, callsAttended, callsGaveFeedback, callsCommentsGiven, callsScorecardsFilled and callsMarkedAsReviewed (what the manager did on those calls), callsRequestedFeedback (calls the report asked feedback on). Compare lengths to see coaching coverage. Needs the workspace id (gong_list_workspaces) and the manager\'s user id (gong_list_users; managers are the managerId of other users). from and to are ISO-8601 date-times with a time zone, e.g. last week: from "2026-06-08T00:00:00-07:00", to "2026-06-15T00:00:00-07:00".',
  tags: ['coaching', 'manager', 'direct reports', 'team', 'feedback', 'listening', 'metrics'],
  input: z.object({
    workspace_id: gongId('workspace'),
    manager_id: gongId('user').describe("The manager's numeric Gong user id."),
    from: dateTime('Start of the range (inclusive)'),
    to: dateTime('End of the range (exclusive)'),
  }),
  http: {
    method: 'GET',
    path: '/v2/coaching',
    query: { 'workspace-id': 'workspace_id', 'manager-id': 'manager_id', from: 'from', to: 'to' },
  },
  scopes: ['api:coaching:read'],
  annotations: READ,
});

// ---------------------------------------------------------------------------------------------------------------
// Meetings

const invitee = z.object({
  email: z.email().describe('Email address of the invitee.'),
  display_name: z.string().max(200).optional().describe('Full name as it should appear, e.g. "Laura Chen".'),
  first_name: z.string().max(100).optional().describe('First name, if known.'),
  last_name: z.string().max(100).optional().describe('Last name, if known.'),
});

const meetingFields = {
  title: z.string().min(1).max(500).optional().describe('Title of the meeting, e.g. "Weekly pipeline review".'),
  start_time: dateTime('When the meeting starts'),
  end_time: dateTime('When the meeting ends (after start_time)'),
  organizer_email: z
    .email()
    .describe("Email of the Gong user who organizes the meeting; Gong uses this user's consent page and settings."),
  invitees: z
    .array(invitee)
    .max(200)
    .describe(
      'Everyone invited except the organizer, e.g. [{"email": "priya.raman@example.com", "display_name": "Priya Raman"}]. May be empty.',
    ),
  external_id: z.string().min(1).max(200).optional().describe("The meeting's id in your calendar system, if any."),
  provider: z
    .string()
    .min(1)
    .max(50)
    .optional()
    .describe('Web conferencing provider, e.g. "zoom"; default: the organizer\'s default provider in Gong.'),
};

type MeetingInput = {
  title?: string | undefined;
  start_time: string;
  end_time: string;
  organizer_email: string;
  invitees: z.output<typeof invitee>[];
  external_id?: string | undefined;
  provider?: string | undefined;
};

function meetingBody(i: MeetingInput) {
  return {
    startTime: i.start_time,
    endTime: i.end_time,
    ...(i.title !== undefined ? { title: i.title } : {}),
    invitees: i.invitees.map((v) => ({
      email: v.email,
      ...(v.display_name !== undefined ? { displayName: v.display_name } : {}),
      ...(v.first_name !== undefined ? { firstName: v.first_name } : {}),
      ...(v.last_name !== undefined ? { lastName: v.last_name } : {}),
    })),
    ...(i.external_id !== undefined ? { externalId: i.external_id } : {}),
    ...(i.provider !== undefined ? { provider: i.provider } : {}),
    organizerEmail: i.organizer_email,
  };
}

const meetingId = z
  .string()
  .regex(/^\d{1,20}$/, { message: 'expected a numeric meeting id such as "9000000001234567"' })
  .describe('Numeric Gong meeting id, as returned by gong_create_meeting.');

const createMeeting = defineTool({
  name: 'gong_create_meeting',
  title: 'Create a new gong meeting',
  description:
    'Schedule a Gong meeting (a web conference Gong records), e.g. a call with the team or a customer. Returns meetingId (keep it to update or delete the meeting), meetingUrl (the link participants join with) and additionalInvitees: add those addresses to the calendar invitation so Gong can record. The organizer must be a Gong user whose meeting integration works (check with gong_validate_meeting_integration when unsure); a 404 means no Gong user has organizer_email, a 409 that the organizer cannot host Gong meetings (recording off, calendar disconnected, consent page disabled). Times are ISO-8601 date-times with a time zone.',
  tags: ['meeting', 'schedule', 'calendar', 'create', 'invite', 'web conference', 'zoom'],
  input: z.object(meetingFields),
  http: { method: 'POST', path: '/v2/meetings', body: meetingBody },
  scopes: ['api:meetings:user:create'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
});

const updateMeeting = defineTool({
  name: 'gong_update_meeting',
  title: 'Update a gong meeting',
  description:
    'Change a meeting created with gong_create_meeting: new times, title, invitees or provider. This REPLACES the meeting: send every field again, the full invitee list included (a title or external_id left out is cleared). organizer_email must be the organizer who created it; a 404 means no such meeting for that organizer. Times are ISO-8601 date-times with a time zone.',
  tags: ['meeting', 'reschedule', 'calendar', 'update', 'invitees'],
  input: z.object({ meeting_id: meetingId, ...meetingFields }),
  http: { method: 'PUT', path: '/v2/meetings/{meeting_id}', body: meetingBody },
  scopes: ['api:meetings:user:update'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
});

const deleteMeeting = defineTool({
  name: 'gong_delete_meeting',
  title: 'Delete Meeting',
  description:
    "Delete (cancel) a Gong meeting created with gong_create_meeting, by its meeting id. Give organizer_email to make sure you delete the right organizer's meeting: a 404 means no meeting with that id (for that organizer). Returns the organizer's email. Cannot be undone.",
  tags: ['meeting', 'cancel', 'delete', 'calendar'],
  input: z.object({
    meeting_id: meetingId,
    organizer_email: z.email().optional().describe('Email of the user who created the meeting.'),
  }),
  http: {
    method: 'DELETE',
    path: '/v2/meetings/{meeting_id}',
    body: (i) => (i.organizer_email ? { organizerEmail: i.organizer_email } : {}),
  },
  scopes: ['api:meetings:user:delete'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
});

const validateIntegration = defineTool({
  name: 'gong_validate_meeting_integration',
  title: 'Validate Meeting Integration',
  description:
    "Check whether users can organize Gong meetings: for each email, whether a Gong user has it (exists), whether their meeting integration works (valid), and if not, the message to show them (userFacingError) with a link to fix it (fixUrl) and a help link. Use it before gong_create_meeting when the organizer's setup is unknown, or to explain a 409 from it.",
  tags: ['meeting', 'integration', 'calendar', 'status', 'validate', 'check'],
  input: z.object({
    emails: z.array(z.email()).min(1).max(100).describe('Email addresses of the users to check (1-100).'),
  }),
  http: { method: 'POST', path: '/v2/meetings/integration/status', body: (i) => ({ emails: i.emails }) },
  scopes: ['api:meetings:integration:status'],
  annotations: READ,
});

// ---------------------------------------------------------------------------------------------------------------
// Digital interactions

const customField = z.object({
  name: z.string().min(1).max(200).describe('Field name.'),
  value: z.string().max(2000).describe('Value as a string, in the format data_type says.'),
  data_type: z
    .enum(['STRING', 'NUMBER', 'DATE', 'URL', 'BOOLEAN', 'DURATION'])
    .optional()
    .describe('STRING (default), NUMBER, DATE (ISO-8601), URL, BOOLEAN or DURATION (seconds).'),
});
const customFields = (what: string) => z.array(customField).max(50).optional().describe(what);
const mapFields = (list: z.output<typeof customField>[] | undefined) =>
  list?.map((f) => ({ name: f.name, value: f.value, ...(f.data_type ? { dataType: f.data_type } : {}) }));

const digitalInteraction = defineTool({
  name: 'gong_post_digital_interaction',
  title: 'Post a digital interaction',
  description:
    "Record a prospect's or customer's digital interaction in Gong (a web page viewed, a link clicked, a video watched, an NPS score given, a course step reached, a vendor researched) so it shows on the account's timeline. Identify the person with person (name, email, CRM contact/lead, company) or with tracking_id, never both; an anonymous person (no name, email, phone or CRM context) needs person.person_id and person.company.domain. event_id must be unique: sending the same event_id again is refused with 409 (already reported). timestamp is an ISO-8601 date-time.",
  tags: ['digital interaction', 'engagement', 'web visit', 'page view', 'intent', 'timeline', 'activity'],
  input: z.object({
    event_id: z.string().min(1).max(200).describe('Your unique id of this event (used by Gong to deduplicate).'),
    timestamp: dateTime('When the interaction happened'),
    event_type: z
      .string()
      .min(1)
      .max(200)
      .describe('What happened, e.g. "page viewed", "link clicked", "video watched".'),
    source_system_name: z
      .string()
      .max(200)
      .optional()
      .describe('Name of the system reporting the event (your company or the integration partner).'),
    session_id: z.string().max(200).optional().describe('Session id tying related events together.'),
    device: z.enum(['MOBILE', 'PC']).optional().describe('Device used.'),
    content: z
      .object({
        content_title: z.string().min(1).max(500).describe('Title of the content, e.g. "Pricing page".'),
        content_id: z.string().max(200).optional().describe('Id of the content in your system.'),
        content_url: z.url().optional().describe('URL of the content.'),
        content_labels: z.array(z.string().max(100)).max(50).optional().describe('Tags of the content.'),
        additional_info_url: z.url().optional().describe('URL with more details, e.g. an analysis of the visit.'),
        numeric: z
          .object({
            value: z.int().optional().describe('The value, within range_from..range_to.'),
            range_from: z.int().describe('Lowest possible value.'),
            range_to: z.int().describe('Highest possible value.'),
            numeric_type: z.enum(['PERCENTAGE', 'NPS', 'RATING', 'OTHER']).optional().describe('What the number is.'),
          })
          .optional()
          .describe('For numeric results: an NPS score, a rating, the percentage of a video watched.'),
        steps: z
          .object({
            value: z.string().describe('The step the person is at (one of available_steps).'),
            available_steps: z.array(z.string()).min(1).max(100).describe('Every step of the process, in order.'),
          })
          .optional()
          .describe('For step-based content: shipment tracking, course progress.'),
        search_object: z
          .object({
            name: z.string().min(1).describe('Name of the entity searched for.'),
            object_type: z.enum(['VENDOR', 'PRODUCT', 'CATEGORY']).describe('Kind of entity.'),
            domain: z.string().min(1).describe('Domain of the entity, e.g. "acme.com".'),
            object_id: z.string().optional().describe('Id of the entity in your system.'),
            url: z.url().optional().describe('URL of the entity in your system.'),
          })
          .optional()
          .describe('For intent data: the vendor, product or category the person researched.'),
        custom_fields: customFields('Extra data about the content.'),
      })
      .describe('The content the person interacted with.'),
    person: z
      .object({
        name: z.string().max(200).optional().describe('Full name.'),
        email: z.email().optional().describe('Email address (used to match the person to accounts and deals).'),
        phone_number: z.string().max(50).optional().describe('Phone number.'),
        person_id: z
          .string()
          .max(200)
          .optional()
          .describe('Id of the person in your system; required for an anonymous person.'),
        crm: z
          .object({
            object_type: z.enum(['CONTACT', 'LEAD']).describe('CRM object type.'),
            object_id: z.string().min(1).describe('CRM object id.'),
            system_name: z.string().optional().describe('CRM name, e.g. "Salesforce".'),
          })
          .optional()
          .describe('The person as a CRM contact or lead.'),
        location: z
          .object({
            country: z.string().optional().describe('Country (ISO 3166 when possible).'),
            state: z.string().optional().describe('State (ISO 3166-2 when possible).'),
            region: z.string().optional().describe('Region.'),
            city: z.string().optional().describe('City.'),
          })
          .optional()
          .describe('Where the person is.'),
        company: z
          .object({
            name: z.string().optional().describe('Company name.'),
            domain: z
              .string()
              .optional()
              .describe('Company domain, e.g. "acme.com"; required for an anonymous person.'),
            company_id: z.string().optional().describe('Id of the company in your system.'),
            crm: z
              .array(
                z.object({
                  object_type: z.enum(['ACCOUNT', 'OPPORTUNITY']).describe('CRM object type.'),
                  object_id: z.string().min(1).describe('CRM object id.'),
                  system_name: z.string().optional().describe('CRM name.'),
                }),
              )
              .max(20)
              .optional()
              .describe('The company as CRM accounts or opportunities (needed when there is no domain).'),
          })
          .optional()
          .describe('The company the person works for.'),
        custom_fields: customFields('Extra data about the person.'),
      })
      .optional()
      .describe('Who did it. Leave out when you send tracking_id.'),
    tracking_id: z.string().max(200).optional().describe('Tracking id of the person instead of person (never both).'),
    custom_fields: customFields('Extra data about the event.'),
  }),
  http: {
    method: 'POST',
    path: '/v2/digital-interaction',
    body: (i) => {
      const c = i.content;
      const p = i.person;
      return {
        eventId: i.event_id,
        timestamp: i.timestamp,
        eventType: i.event_type,
        ...(i.source_system_name !== undefined ? { sourceSystemName: i.source_system_name } : {}),
        ...(i.session_id !== undefined ? { sessionId: i.session_id } : {}),
        ...(i.device !== undefined ? { device: i.device } : {}),
        content: {
          contentTitle: c.content_title,
          ...(c.content_id !== undefined ? { contentId: c.content_id } : {}),
          ...(c.content_url !== undefined ? { contentUrl: c.content_url } : {}),
          ...(c.content_labels !== undefined ? { contentLabel: c.content_labels } : {}),
          ...(c.additional_info_url !== undefined ? { contentAdditionalInfoUrl: c.additional_info_url } : {}),
          ...(c.numeric
            ? {
                numericContentDetails: {
                  ...(c.numeric.value !== undefined ? { value: c.numeric.value } : {}),
                  rangeFrom: c.numeric.range_from,
                  rangeTo: c.numeric.range_to,
                  ...(c.numeric.numeric_type ? { numericType: c.numeric.numeric_type } : {}),
                },
              }
            : {}),
          ...(c.steps ? { stepContentDetails: { value: c.steps.value, availableSteps: c.steps.available_steps } } : {}),
          ...(c.search_object
            ? {
                searchObjectDetails: {
                  name: c.search_object.name,
                  objectType: c.search_object.object_type,
                  domain: c.search_object.domain,
                  ...(c.search_object.object_id !== undefined ? { objectId: c.search_object.object_id } : {}),
                  ...(c.search_object.url !== undefined ? { url: c.search_object.url } : {}),
                },
              }
            : {}),
          ...(c.custom_fields ? { contentCustomFields: mapFields(c.custom_fields) } : {}),
        },
        ...(p
          ? {
              person: {
                ...(p.name !== undefined ? { name: p.name } : {}),
                ...(p.email !== undefined ? { email: p.email } : {}),
                ...(p.phone_number !== undefined ? { phoneNumber: p.phone_number } : {}),
                ...(p.person_id !== undefined ? { personId: p.person_id } : {}),
                ...(p.crm
                  ? {
                      personBusinessContext: {
                        objectType: p.crm.object_type,
                        objectId: p.crm.object_id,
                        ...(p.crm.system_name ? { systemName: p.crm.system_name } : {}),
                      },
                    }
                  : {}),
                ...(p.location ? { location: p.location } : {}),
                ...(p.company
                  ? {
                      company: {
                        ...(p.company.name !== undefined ? { name: p.company.name } : {}),
                        ...(p.company.domain !== undefined ? { domain: p.company.domain } : {}),
                        ...(p.company.company_id !== undefined ? { companyId: p.company.company_id } : {}),
                        ...(p.company.crm
                          ? {
                              companyBusinessContexts: p.company.crm.map((x) => ({
                                objectType: x.object_type,
                                objectId: x.object_id,
                                ...(x.system_name ? { systemName: x.system_name } : {}),
                              })),
                            }
                          : {}),
                      },
                    }
                  : {}),
                ...(p.custom_fields ? { personCustomFields: mapFields(p.custom_fields) } : {}),
              },
            }
          : {}),
        ...(i.tracking_id !== undefined ? { trackingId: i.tracking_id } : {}),
        ...(i.custom_fields ? { customFields: mapFields(i.custom_fields) } : {}),
      };
    },
  },
  scopes: ['api:digital-interactions:write'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
});

// ---------------------------------------------------------------------------------------------------------------
// Customer-engagement events

const crmObjectTypes = ['Account', 'Opportunity', 'Contact', 'Lead'] as const;
const crmContext = z
  .array(
    z.object({
      system: z.enum(['Salesforce', 'HubSpot', 'MicrosoftDynamic', 'Generic']).describe('The CRM.'),
      objects: z
        .array(
          z.object({
            object_type: z.enum(crmObjectTypes).describe('CRM object type.'),
            object_id: z.string().min(1).max(100).describe('CRM object id, e.g. a Salesforce account id.'),
          }),
        )
        .min(1)
        .max(20)
        .describe('CRM objects the event belongs to (one account and its opportunity, typically).'),
    }),
  )
  .max(5)
  .optional()
  .describe('CRM records (account, opportunity) the event relates to, so it lands on the right deal timeline.');

const person = z.object({
  email: z.email().describe('Email address.'),
  name: z.string().max(200).optional().describe('Full name.'),
  title: z.string().max(200).optional().describe('Job title.'),
});
const property = z.object({
  name: z.string().min(1).max(200).describe('Property name.'),
  value: z.string().max(2000).describe('Value as a string in the format data_type says.'),
  data_type: z
    .enum(['string', 'number', 'url', 'date'])
    .describe('string, number (e.g. "3.14"), url or date (ISO-8601 date-time).'),
});
const properties = (what: string) => z.array(property).max(50).optional().describe(what);

const engagementFields = {
  reporting_system: z
    .string()
    .min(1)
    .max(200)
    .describe('Stable id of the system reporting the event (the same for all its events), e.g. "docsend".'),
  event_timestamp: dateTime('When it happened'),
  event_id: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Your id of the event; reporting the same event_id again is refused with 409 (already reported).'),
  crm_context: crmContext,
  content_properties: properties('Extra properties of the content.'),
  event_properties: properties('Extra properties of the event.'),
  workspace_id: gongId('workspace').optional().describe('Gong workspace to place the event in (default: automatic).'),
  non_company_participants: z.array(person).max(50).optional().describe('Other external people involved in the event.'),
};
const contentFields = {
  content_id: z.string().min(1).max(200).describe('Id of the content in the reporting system.'),
  content_url: z.url().describe('URL of the content (the one the viewer opens).'),
  content_title: z.string().min(1).max(500).describe('Human-readable title, e.g. "Q3 proposal".'),
};

type EngagementInput = {
  reporting_system: string;
  event_timestamp: string;
  event_id?: string | undefined;
  crm_context?: { system: string; objects: { object_type: string; object_id: string }[] }[] | undefined;
  content_properties?: z.output<typeof property>[] | undefined;
  event_properties?: z.output<typeof property>[] | undefined;
  workspace_id?: string | undefined;
  non_company_participants?: z.output<typeof person>[] | undefined;
  content_id?: string | undefined;
  content_url?: string | undefined;
  content_title?: string | undefined;
};

const props = (list: z.output<typeof property>[] | undefined) =>
  list?.map((p) => ({ name: p.name, value: p.value, dataType: p.data_type }));

function engagementBody(i: EngagementInput) {
  return {
    reportingSystem: i.reporting_system,
    eventTimestamp: i.event_timestamp,
    ...(i.event_id !== undefined ? { eventId: i.event_id } : {}),
    ...(i.content_id !== undefined ? { contentId: i.content_id } : {}),
    ...(i.content_url !== undefined ? { contentUrl: i.content_url } : {}),
    ...(i.content_title !== undefined ? { contentTitle: i.content_title } : {}),
    ...(i.crm_context
      ? {
          crmContext: i.crm_context.map((c) => ({
            system: c.system,
            objects: c.objects.map((o) => ({ objectType: o.object_type, objectId: o.object_id })),
          })),
        }
      : {}),
    ...(i.content_properties ? { contentProperties: props(i.content_properties) } : {}),
    ...(i.event_properties ? { eventProperties: props(i.event_properties) } : {}),
    ...(i.workspace_id !== undefined ? { workspaceId: i.workspace_id } : {}),
    ...(i.non_company_participants ? { nonCompanyParticipants: i.non_company_participants } : {}),
  };
}

const ENGAGEMENT_NOTE =
  'The event appears on the activity timeline of the matching account and deal in Gong. Returns the integrationId Gong assigned to the reporting system. event_timestamp is an ISO-8601 date-time.';

const contentShared = defineTool({
  name: 'gong_report_content_shared',
  title: 'Report Content Share Event',
  description: `Tell Gong that a Gong user (the sharer, usually the account executive) shared content with external people, e.g. a proposal or contract sent to a prospect. For the prospect opening it use gong_report_content_viewed; for other actions (signed, downloaded, commented) gong_report_engagement_action. ${ENGAGEMENT_NOTE}`,
  tags: ['engagement', 'content', 'shared', 'document', 'proposal', 'timeline', 'sales engagement'],
  input: z.object({
    ...engagementFields,
    ...contentFields,
    sharer: z
      .object({
        user_id: gongId('user').optional().describe("The sharer's Gong user id, if known."),
        email: z.email().optional().describe("The sharer's email."),
        name: z.string().max(200).optional().describe("The sharer's name."),
      })
      .optional()
      .describe('The Gong user who shared the content.'),
    recipients: z.array(person).max(100).optional().describe('The external people it was shared with.'),
    share_id: z.string().max(200).optional().describe('Id of this share, when content can be shared several times.'),
    share_info_url: z.url().optional().describe('Link to a page with details of the share.'),
    sharing_message_subject: z.string().max(500).optional().describe('Subject of the share message.'),
    sharing_message_body: z.string().max(20_000).optional().describe('Body of the share message (HTML allowed).'),
    action_name: z.string().max(200).optional().describe('How to name the action, e.g. "Proposal sent".'),
  }),
  http: {
    method: 'PUT',
    path: '/v2/customer-engagement/content/shared',
    body: (i) => ({
      ...engagementBody(i),
      ...(i.sharer
        ? {
            sharer: {
              ...(i.sharer.user_id !== undefined ? { id: i.sharer.user_id } : {}),
              ...(i.sharer.email !== undefined ? { email: i.sharer.email } : {}),
              ...(i.sharer.name !== undefined ? { name: i.sharer.name } : {}),
            },
          }
        : {}),
      ...(i.recipients ? { recipients: i.recipients } : {}),
      ...(i.share_id !== undefined ? { shareId: i.share_id } : {}),
      ...(i.share_info_url !== undefined ? { shareInfoUrl: i.share_info_url } : {}),
      ...(i.sharing_message_subject !== undefined ? { sharingMessageSubject: i.sharing_message_subject } : {}),
      ...(i.sharing_message_body !== undefined ? { sharingMessageBody: i.sharing_message_body } : {}),
      ...(i.action_name !== undefined ? { actionName: i.action_name } : {}),
    }),
  },
  scopes: ['api:engagement-data:write'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
});

const contentViewed = defineTool({
  name: 'gong_report_content_viewed',
  title: 'Report Content View Event',
  description: `Tell Gong that an external person viewed content, e.g. a prospect opened the proposal. Identify the viewer with viewer (email, name, title) or tracking_id, not both. For the share itself use gong_report_content_shared; for other actions gong_report_engagement_action. ${ENGAGEMENT_NOTE}`,
  tags: ['engagement', 'content', 'viewed', 'opened', 'document', 'timeline', 'buyer intent'],
  input: z.object({
    ...engagementFields,
    ...contentFields,
    viewer: person.optional().describe('Who viewed the content.'),
    tracking_id: z.string().max(200).optional().describe('Tracking id of the viewer, instead of viewer.'),
    view_action_title: z.string().max(200).optional().describe('How to name the view, e.g. "Proposal opened".'),
    share_id: z.string().max(200).optional().describe('Id of the share this view came from.'),
    view_info_url: z.url().optional().describe('Link to a page with details of the view.'),
    user_agent: z.string().max(500).optional().describe('Browser User-Agent of the viewer.'),
  }),
  http: {
    method: 'PUT',
    path: '/v2/customer-engagement/content/viewed',
    body: (i) => ({
      ...engagementBody(i),
      ...(i.viewer ? { viewer: i.viewer } : {}),
      ...(i.tracking_id !== undefined ? { trackingId: i.tracking_id } : {}),
      ...(i.view_action_title !== undefined ? { viewActionTitle: i.view_action_title } : {}),
      ...(i.share_id !== undefined ? { shareId: i.share_id } : {}),
      ...(i.view_info_url !== undefined ? { viewInfoUrl: i.view_info_url } : {}),
      ...(i.user_agent !== undefined ? { userAgent: i.user_agent } : {}),
    }),
  },
  scopes: ['api:engagement-data:write'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
});

const customAction = defineTool({
  name: 'gong_report_engagement_action',
  title: 'Report Custom Engagement Event',
  description: `Tell Gong about any other engagement by an external person, named by action_name, e.g. "Contract signed", "Quote accepted", "Webinar attended"; the content fields are optional. For content shares and views use gong_report_content_shared and gong_report_content_viewed. ${ENGAGEMENT_NOTE}`,
  tags: ['engagement', 'custom event', 'action', 'signed', 'timeline', 'activity'],
  input: z.object({
    ...engagementFields,
    action_name: z.string().min(1).max(200).describe('What the person did, e.g. "Contract signed".'),
    actor: person.optional().describe('Who did it.'),
    content_id: contentFields.content_id.optional(),
    content_url: contentFields.content_url.optional(),
    content_title: contentFields.content_title.optional(),
    event_info_url: z.url().optional().describe('Link to a page with details of the event.'),
  }),
  http: {
    method: 'PUT',
    path: '/v2/customer-engagement/action',
    body: (i) => ({
      ...engagementBody(i),
      actionName: i.action_name,
      ...(i.actor ? { actor: i.actor } : {}),
      ...(i.event_info_url !== undefined ? { eventInfoUrl: i.event_info_url } : {}),
    }),
  },
  scopes: ['api:engagement-data:write'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
});

/** Stats, meetings and engagement tools (the stats group). */
export const tools: ToolDefinition[] = [
  aggregateActivity,
  aggregateByPeriod,
  dayByDay,
  interactionStats,
  scorecardsReport,
  listScorecards,
  coachingMetrics,
  createMeeting,
  updateMeeting,
  deleteMeeting,
  validateIntegration,
  digitalInteraction,
  contentShared,
  contentViewed,
  customAction,
];
