/**
 * What the Gong emulator holds: the company, its workspaces and users (with settings history), calls (parties,
 * CRM context, transcripts, trackers, topics, outcomes, media), the library, trackers, the per-user daily activity
 * ledger the stats endpoints aggregate, audit logs, call access grants, and the credentials side (API keys, OAuth
 * clients, codes and tokens). Tests read it directly: `emulator.state.calls.get(id)`.
 *
 * Group modules (routes-stats.ts, routes-engage.ts) extend this class with additive fields in their marked sections.
 * `clear()` empties every Map, Set and array field it finds, so a new collection field needs no reset code.
 */

import { createHash } from 'node:crypto';
import type {
  CrmEntityRecord,
  CrmIntegrationRecord,
  CrmRequestRecord,
  EmailMessageRecord,
  EngageTaskRecord,
  FlowFolderRecord,
  FlowInstanceRecord,
  FlowRecord,
  PermissionProfileRecord,
} from './routes-engage.ts';
import type {
  AnsweredScorecardRecord,
  DigitalInteractionRecord,
  EngagementEventRecord,
  MeetingRecord,
  ScorecardRecord,
} from './routes-stats.ts';

// ---------------------------------------------------------------------------------------------------------------
// Company, workspaces, users

export interface GongCompany {
  id: string;
  name: string;
  /** Time zone the stats endpoints report in. */
  timeZone: string;
}

export interface GongWorkspace {
  id: string;
  name: string;
  description: string;
}

/** The booleans of `User.settings` in the spec. */
export interface UserSettings {
  webConferencesRecorded: boolean;
  preventWebConferenceRecording: boolean;
  telephonyCallsImported: boolean;
  emailsImported: boolean;
  preventEmailImport: boolean;
  nonRecordedMeetingsImported: boolean;
  gongConnectEnabled: boolean;
}

/** The `setting` enum of `SettingsHistory`. */
export const SETTING_NAMES = [
  'webConferencesRecorded',
  'preventWebConferenceRecording',
  'emailsImported',
  'preventEmailImport',
  'active',
  'nonRecordedMeetingsImported',
  'gongConnectEnabled',
  'callsImported',
  'interviewsRecorded',
  'preventInterviewRecording',
] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

export interface SettingChange {
  setting: SettingName;
  value: boolean;
  /** ISO-8601 date-time. */
  time: string;
}

export interface GongUser {
  id: string;
  emailAddress: string;
  /** ISO-8601 date-time the user was created in Gong. */
  created: string;
  active: boolean;
  emailAliases: string[];
  trustedEmailAddress?: string;
  firstName: string;
  lastName: string;
  title: string;
  phoneNumber?: string;
  extension?: string;
  personalMeetingUrls: string[];
  settings: UserSettings;
  managerId?: string;
  meetingConsentPageUrl?: string;
  conferencingProviders: { provider: string; isDefault: boolean }[];
  spokenLanguages: { language: string; primary: boolean }[];
  /** Only returned with `includeAvatars=true`. */
  avatarUrl?: string;
  /** Workspaces the user belongs to. */
  workspaceIds: string[];
  /** Technical administrators may approve OAuth apps and create API keys. */
  technicalAdmin: boolean;
  /** Oldest first. */
  settingsHistory: SettingChange[];
}

// ---------------------------------------------------------------------------------------------------------------
// Calls

export type CallDirection = 'Inbound' | 'Outbound' | 'Conference' | 'Unknown';
export type CallScope = 'Internal' | 'External' | 'Unknown';
export type Affiliation = 'Internal' | 'External' | 'Unknown';
export type CrmSystem = 'Salesforce' | 'HubSpot' | 'MicrosoftDynamic' | 'Generic';

export interface CrmField {
  name: string;
  value: unknown;
}

export interface CrmObjectRef {
  objectType: string;
  objectId: string;
  fields: CrmField[];
}

export interface CrmContext {
  system: CrmSystem;
  objects: CrmObjectRef[];
}

export interface CallParty {
  id: string;
  emailAddress?: string;
  name?: string;
  title?: string;
  /** Gong user id of an internal party. */
  userId?: string;
  /** Links the party to transcript monologues and `interaction.speakers` (absent for parties who never spoke). */
  speakerId?: string;
  affiliation: Affiliation;
  phoneNumber?: string;
  methods: ('Invitee' | 'Attendee')[];
  context: CrmContext[];
  mediaChannelId?: number;
}

export interface TranscriptSentence {
  /** Milliseconds from the start of the call. */
  start: number;
  end: number;
  text: string;
}

/** One monologue: consecutive sentences of one speaker, with the topic Gong assigned. */
export interface TranscriptMonologue {
  speakerId: string;
  topic: string | null;
  sentences: TranscriptSentence[];
}

export interface PublicComment {
  id: string;
  audioStartTime: number;
  audioEndTime: number;
  commenterUserId: string;
  comment: string;
  posted: string;
  inReplyTo?: string;
  duringCall: boolean;
}

export interface CallMediaFile {
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedAt: string;
  /** The bytes, served back through the extensive calls' media URLs (kept up to MAX_STORED_MEDIA_BYTES). */
  data?: Buffer;
}

export interface CallRecord {
  id: string;
  clientUniqueId?: string;
  title: string;
  purpose?: string;
  /** ISO-8601 date-times. */
  scheduled?: string;
  started: string;
  /** Seconds. */
  duration: number;
  primaryUserId: string;
  direction: CallDirection;
  /** Conferencing or telephony system ("Zoom", "Google Meet", "RingCentral", or the caller's callProviderCode). */
  system: string;
  scope: CallScope;
  media: 'Video' | 'Audio' | null;
  language: string;
  workspaceId: string;
  sdrDisposition?: string;
  customData?: string;
  meetingUrl?: string;
  isPrivate: boolean;
  calendarEventId?: string;
  parties: CallParty[];
  /** CRM objects of the call (accounts, opportunities). */
  context: CrmContext[];
  /** `id` of a `CallOutcomeRecord`. */
  outcomeId?: string;
  transcript: TranscriptMonologue[];
  /** Public comments (collaboration). */
  comments: PublicComment[];
  brief?: string;
  keyPoints: string[];
  /** How the call came in: recorded by Gong, or added through the API (`POST /v2/calls`). */
  source: 'recorded' | 'api';
  /** API-added calls: `awaiting` until media is uploaded or fetched from downloadMediaUrl. */
  mediaStatus: 'awaiting' | 'processing' | 'ready';
  downloadMediaUrl?: string;
  mediaFile?: CallMediaFile;
  /** ISO-8601: when Gong created the record. */
  created: string;
}

export interface CallOutcomeRecord {
  id: string;
  callOutcome: string;
  displayOrder: number;
  connectStatus: 'CONNECTED' | 'NOT_CONNECTED';
  sentiment: 'POSITIVE' | 'NEGATIVE' | 'NEUTRAL';
  todoAction?: 'COMPLETE' | 'COMPLETE_AND_REMOVE';
  automation?: 'MARK_AS_OPT_OUT';
  category: 'ANSWERED' | 'NOT_ANSWERED';
}

// ---------------------------------------------------------------------------------------------------------------
// Library, trackers, logs, access, CRM associations

export interface LibraryFolderCall {
  callId: string;
  note?: string;
  addedBy: string;
  created: string;
  /** A clip of the call, in seconds; absent when the whole call was added. */
  snippet?: { fromSec: number; toSec: number };
}

export interface LibraryFolder {
  id: string;
  name: string;
  parentFolderId?: string;
  createdBy: string;
  updated: string;
  workspaceId: string;
  /** Only public folders are visible through the API. */
  isPublic: boolean;
  calls: LibraryFolderCall[];
}

export interface KeywordTracker {
  trackerId: string;
  trackerName: string;
  workspaceId: string;
  languageKeywords: { language: string; keywords: string[]; includeRelatedForms: boolean }[];
  /** Who must say it: "Anyone", "Company" or "NonCompany". */
  affiliation: 'Anyone' | 'Company' | 'NonCompany';
  partOfQuestion: boolean;
  saidAt: 'Anytime' | 'Start' | 'End';
  saidAtInterval?: number;
  saidAtUnit?: 'Minutes' | 'Percentage';
  saidInTopics: string[];
  filterQuery: string;
  created: string;
  creatorUserId: string;
  updated: string;
  updaterUserId: string;
}

export const LOG_TYPES = [
  'AccessLog',
  'UserActivityLog',
  'UserCallPlay',
  'ExternallySharedCallAccess',
  'ExternallySharedCallPlay',
] as const;
export type LogType = (typeof LOG_TYPES)[number];

export interface LogEntryRecord {
  logType: LogType;
  userId?: string;
  impersonatorUserId?: string;
  impersonatorCompanyId?: string;
  eventTime: string;
  logRecord: Record<string, unknown>;
}

export interface ManualCrmAssociation {
  callId: string;
  userId: string;
  created: string;
  associatedCrmObjects: { accountCrmId?: string; dealCrmId?: string }[];
}

// ---------------------------------------------------------------------------------------------------------------
// The daily activity ledger

/** The per-day call lists of `userDailyActivityStats` (each a list of call ids); counts are their lengths. */
export const ACTIVITY_KINDS = [
  'callsAsHost',
  'callsGaveFeedback',
  'callsRequestedFeedback',
  'callsReceivedFeedback',
  'ownCallsListenedTo',
  'othersCallsListenedTo',
  'callsSharedInternally',
  'callsSharedExternally',
  'callsAttended',
  'callsCommentsGiven',
  'callsCommentsReceived',
  'callsMarkedAsFeedbackGiven',
  'callsMarkedAsFeedbackReceived',
  'callsScorecardsFilled',
  'callsScorecardsReceived',
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** One user's activity on one UTC day. */
export type DailyActivity = { userId: string; date: string; talkTimeSec: number; callTimeSec: number } & Record<
  ActivityKind,
  string[]
>;

// ---------------------------------------------------------------------------------------------------------------
// Credentials

export interface ApiKeyRecord {
  accessKey: string;
  accessKeySecret: string;
  /** The technical administrator who created it. */
  createdBy: string;
}

export interface OAuthClientRecord {
  clientId: string;
  clientSecret: string;
  name: string;
  /** Exact redirect URIs; a loopback URI (127.0.0.1, localhost, [::1]) matches whatever its port (RFC 8252 §7.3). */
  redirectUris: string[];
  /** Accept any loopback redirect URI (the demo client, for local gateways on any port). */
  anyLoopbackRedirect: boolean;
  /** Scopes the app may request. */
  scopes: string[];
}

export interface AuthCodeRecord {
  code: string;
  clientId: string;
  userId: string;
  scopes: string[];
  redirectUri?: string;
  expiresAt: number;
  used: boolean;
}

export interface AccessTokenRecord {
  token: string;
  clientId: string;
  userId: string;
  scopes: string[];
  expiresAt: number;
}

export interface RefreshTokenRecord {
  token: string;
  clientId: string;
  userId: string;
  scopes: string[];
  /** Single use: set when it was exchanged; a second exchange is `invalid_grant`. */
  used: boolean;
}

// ---------------------------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a date in UTC. */
export function isoDay(d: Date | number): string {
  return new Date(d).toISOString().slice(0, 10);
}

export function emptyActivity(userId: string, date: string): DailyActivity {
  const a = { userId, date, talkTimeSec: 0, callTimeSec: 0 } as DailyActivity;
  for (const k of ACTIVITY_KINDS) a[k] = [];
  return a;
}

/** Each speaker's talk time in seconds, from the transcript. */
export function speakerTalkTimes(call: CallRecord): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of call.transcript) {
    let ms = 0;
    for (const s of m.sentences) ms += s.end - s.start;
    out.set(m.speakerId, (out.get(m.speakerId) ?? 0) + ms / 1000);
  }
  return out;
}

/** Seconds per topic, from the transcript's monologues. */
export function topicDurations(call: CallRecord): { name: string; duration: number }[] {
  const out = new Map<string, number>();
  for (const m of call.transcript) {
    if (!m.topic || m.sentences.length === 0) continue;
    const ms = m.sentences.at(-1)!.end - m.sentences[0]!.start;
    out.set(m.topic, (out.get(m.topic) ?? 0) + ms / 1000);
  }
  return [...out].map(([name, duration]) => ({ name, duration: Math.round(duration) }));
}

export class GongState {
  readonly now: () => Date;
  company: GongCompany = { id: '', name: '', timeZone: 'UTC' };
  readonly workspaces = new Map<string, GongWorkspace>();
  readonly users = new Map<string, GongUser>();
  readonly calls = new Map<string, CallRecord>();
  readonly callOutcomes = new Map<string, CallOutcomeRecord>();
  readonly libraryFolders = new Map<string, LibraryFolder>();
  readonly trackers = new Map<string, KeywordTracker>();
  readonly logs: LogEntryRecord[] = [];
  /** callId → ids of users given individual access through the API. */
  readonly callAccess = new Map<string, Set<string>>();
  readonly manualCrmAssociations: ManualCrmAssociation[] = [];
  /** `${userId}|${YYYY-MM-DD}` → the user's activity that day. */
  readonly activity = new Map<string, DailyActivity>();

  readonly apiKeys = new Map<string, ApiKeyRecord>();
  readonly oauthClients = new Map<string, OAuthClientRecord>();
  readonly authCodes = new Map<string, AuthCodeRecord>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();

  /** Records per page of every paginated list (Gong: about 100). */
  pageSize = 100;

  // --- stats group fields (routes-stats.ts): add here --------------------------------------------------------
  /** scorecardId → scorecard settings (`GET /v2/settings/scorecards`). */
  readonly scorecards = new Map<string, ScorecardRecord>();
  /** answeredScorecardId → a review of a call with a scorecard (`POST /v2/stats/activity/scorecards`). */
  readonly answeredScorecards = new Map<string, AnsweredScorecardRecord>();
  /** meetingId → meetings created through `POST /v2/meetings`. */
  readonly meetings = new Map<string, MeetingRecord>();
  /** userId → why the user's meeting integration is broken (e.g. calendar disconnected). */
  readonly meetingIntegrationIssues = new Map<string, string>();
  /** eventId → digital interactions (`POST /v2/digital-interaction`). */
  readonly digitalInteractions = new Map<string, DigitalInteractionRecord>();
  /** Customer-engagement events (content shared / viewed, custom actions), oldest first. */
  readonly engagementEvents: EngagementEventRecord[] = [];
  /** reportingSystem → the integration id Gong assigned to it. */
  readonly engagementIntegrations = new Map<string, string>();

  // --- engage group fields (routes-engage.ts): add here ------------------------------------------------------
  /** Engage flow folders and flows (Company / Personal / Shared). */
  readonly flowFolders = new Map<string, FlowFolderRecord>();
  readonly flows = new Map<string, FlowRecord>();
  /** flowInstanceId → a prospect (CRM contact or lead) assigned to a flow. */
  readonly flowInstances = new Map<string, FlowInstanceRecord>();
  /** Engage tasks (flow and manual call to-dos). */
  readonly engageTasks = new Map<string, EngageTaskRecord>();
  /** Email messages Gong imported or Engage sent (found and erased by the data-privacy endpoints). */
  readonly emailMessages = new Map<string, EmailMessageRecord>();
  /** The generic CRM integration (Gong allows one at a time). */
  readonly crmIntegrations = new Map<string, CrmIntegrationRecord>();
  /** `${integrationId}|${objectType}|${objectId}` → a CRM object uploaded through the integration. */
  readonly crmEntities = new Map<string, CrmEntityRecord>();
  /** `${integrationId}|${clientRequestId}` → an asynchronous CRM request (upload, integration delete). */
  readonly crmRequests = new Map<string, CrmRequestRecord>();
  readonly permissionProfiles = new Map<string, PermissionProfileRecord>();

  #seq = 0;
  #requestSeq = 0;
  #tokenSeq = 0;

  constructor(now: () => Date = () => new Date()) {
    this.now = now;
  }

  /** Empties every collection (any Map, Set or array field, group ones included) and the id counters. */
  clear(): void {
    for (const value of Object.values(this)) {
      if (value instanceof Map || value instanceof Set) value.clear();
      else if (Array.isArray(value)) value.length = 0;
    }
    this.company = { id: '', name: '', timeZone: 'UTC' };
    this.pageSize = 100;
    this.#seq = 0;
    this.#requestSeq = 0;
    this.#tokenSeq = 0;
  }

  /**
   * A numeric Gong-style id (calls and users have 15-19 digit ids), deterministic for a given sequence of calls.
   * `kind` picks the range so ids of different objects do not look alike.
   */
  nextId(kind: 'call' | 'user' | 'workspace' | 'folder' | 'tracker' | 'outcome' | 'comment' | 'other' = 'other') {
    this.#seq += 1;
    const base: Record<string, bigint> = {
      call: 7_782_342_274_025_000_000n,
      user: 234_599_484_848_000n,
      workspace: 623_457_276_584_000_000n,
      folder: 3_843_152_912_968_000_000n,
      tracker: 6_286_478_263_646_000_000n,
      outcome: 1_100_000_000n,
      comment: 5_120_000_000_000_000n,
      other: 9_000_000_000_000_000n,
    };
    return String(base[kind]! + BigInt(this.#seq) * 7919n);
  }

  /** Gong's request ids look like `4al018gzaztcr8nbukw`: 19 base-36 characters. */
  nextRequestId(): string {
    this.#requestSeq += 1;
    const h = createHash('sha256').update(`gong-request-${this.#requestSeq}`).digest();
    return BigInt(`0x${h.subarray(0, 13).toString('hex')}`)
      .toString(36)
      .padStart(19, '0')
      .slice(0, 19);
  }

  /** An opaque token (OAuth codes and tokens). */
  nextToken(prefix: string): string {
    this.#tokenSeq += 1;
    const h = createHash('sha256').update(`gong-token-${prefix}-${this.#tokenSeq}-${this.now().getTime()}`);
    return `${prefix}${h.digest('base64url')}`;
  }

  // --- users --------------------------------------------------------------------------------------------------

  userByEmail(email: string): GongUser | undefined {
    const e = email.toLowerCase();
    for (const u of this.users.values()) {
      if (u.emailAddress.toLowerCase() === e || u.emailAliases.some((a) => a.toLowerCase() === e)) return u;
    }
    return undefined;
  }

  fullName(u: GongUser): string {
    return `${u.firstName} ${u.lastName}`;
  }

  /** Changes a setting and appends it to the user's history (`active` changes the user's status). */
  changeSetting(userId: string, setting: SettingName, value: boolean, at: Date = this.now()): void {
    const u = this.users.get(userId);
    if (!u) throw new Error(`no user ${userId}`);
    if (setting === 'active') u.active = value;
    else if (setting in u.settings) (u.settings as unknown as Record<string, boolean>)[setting] = value;
    u.settingsHistory.push({ setting, value, time: at.toISOString() });
  }

  // --- calls --------------------------------------------------------------------------------------------------

  callByClientUniqueId(id: string): CallRecord | undefined {
    for (const c of this.calls.values()) if (c.clientUniqueId === id) return c;
    return undefined;
  }

  /** Calls ordered by start time, then id (the order of every call list). */
  callsInOrder(): CallRecord[] {
    return [...this.calls.values()].sort((a, b) =>
      a.started === b.started ? (a.id < b.id ? -1 : 1) : a.started < b.started ? -1 : 1,
    );
  }

  /**
   * Adds a call and books it in the activity ledger: `callsAsHost` for the primary user, `callsAttended` for the
   * other internal parties, talk and call time from the transcript.
   */
  addCall(call: CallRecord): CallRecord {
    this.calls.set(call.id, call);
    const day = isoDay(Date.parse(call.started));
    const talk = speakerTalkTimes(call);
    const internal = new Set<string>();
    for (const p of call.parties) if (p.userId && p.affiliation === 'Internal') internal.add(p.userId);
    internal.add(call.primaryUserId);
    for (const userId of internal) {
      const a = this.activityFor(userId, day);
      if (userId === call.primaryUserId) a.callsAsHost.push(call.id);
      else a.callsAttended.push(call.id);
      a.callTimeSec += call.duration;
      const speakerId = call.parties.find((p) => p.userId === userId)?.speakerId;
      if (speakerId) a.talkTimeSec += Math.round(talk.get(speakerId) ?? 0);
    }
    return call;
  }

  // --- activity -----------------------------------------------------------------------------------------------

  /** The ledger entry of a user and day (`YYYY-MM-DD`), created empty when missing. */
  activityFor(userId: string, date: string): DailyActivity {
    const key = `${userId}|${date}`;
    let a = this.activity.get(key);
    if (!a) {
      a = emptyActivity(userId, date);
      this.activity.set(key, a);
    }
    return a;
  }

  /** Records one activity of `kind` on `callId` (no duplicate of the same call in one day's list). */
  recordActivity(userId: string, date: string, kind: ActivityKind, callId: string): void {
    const list = this.activityFor(userId, date)[kind];
    if (!list.includes(callId)) list.push(callId);
  }

  /** Ledger entries of a user between two days inclusive (`YYYY-MM-DD`), oldest first, missing days omitted. */
  activityBetween(userId: string, fromDay: string, toDay: string): DailyActivity[] {
    const out: DailyActivity[] = [];
    for (let t = Date.parse(`${fromDay}T00:00:00Z`); t <= Date.parse(`${toDay}T00:00:00Z`); t += DAY_MS) {
      const a = this.activity.get(`${userId}|${isoDay(t)}`);
      if (a) out.push(a);
    }
    return out;
  }

  // --- access -------------------------------------------------------------------------------------------------

  grantCallAccess(callId: string, userIds: readonly string[]): void {
    let set = this.callAccess.get(callId);
    if (!set) {
      set = new Set();
      this.callAccess.set(callId, set);
    }
    for (const u of userIds) set.add(u);
  }

  revokeCallAccess(callId: string, userIds: readonly string[]): void {
    const set = this.callAccess.get(callId);
    if (!set) return;
    for (const u of userIds) set.delete(u);
    if (set.size === 0) this.callAccess.delete(callId);
  }
}
