/**
 * The deterministic seed of the Gong emulator: a sales team of 8 (with managers), two workspaces, ~40 calls over the
 * past six weeks (at least one every weekday) with parties, CRM context and speaker-attributed transcripts, tracker
 * hits found in those transcripts, call outcomes, library folders, and an activity ledger for every weekday of the
 * past six weeks. No randomness: a fixed-seed generator and dates relative to the emulator's clock, so "last week"
 * always has data and two resets give the same state.
 */
import {
  type CallOutcomeRecord,
  type CallParty,
  type CallRecord,
  type CrmContext,
  type GongState,
  type GongUser,
  isoDay,
  type KeywordTracker,
  type LibraryFolder,
  type TranscriptMonologue,
  type UserSettings,
} from './state.ts';

/** Credentials of the seeded API key (Basic) and OAuth app. */
export const GONG_DEMO = {
  accessKey: 'GONGDEMOACCESSKEY7QF4ZK2M',
  accessKeySecret: 'eyJhbGciOiJIUzI1NiJ9.demo-access-key-secret.switchboard',
  oauthClient: {
    clientId: 'switchboard-demo-app',
    clientSecret: 'demo-client-secret-8d1f0c2b',
    name: 'Switchboard (demo)',
    /** Any loopback redirect URI is accepted for the demo app; these are the registered ones. */
    redirectUris: ['http://127.0.0.1/oauth/callback', 'http://localhost/oauth/callback'],
  },
} as const;

/** Every scope the Gong tools use: what the demo OAuth app may request. */
export const GONG_ALL_SCOPES = [
  'api:call-outcomes:read',
  'api:call-user-access:read',
  'api:call-user-access:write',
  'api:calls:create',
  'api:calls:read:basic',
  'api:calls:read:extensive',
  'api:calls:read:media-url',
  'api:calls:read:transcript',
  'api:coaching:read',
  'api:crm-calls:manual-association:read',
  'api:crm:get-objects',
  'api:crm:integration:delete',
  'api:crm:integration:register',
  'api:crm:integrations:read',
  'api:crm:schema',
  'api:crm:upload',
  'api:data-privacy:delete',
  'api:data-privacy:read',
  'api:digital-interactions:write',
  'api:engagement-data:write',
  'api:flows:read',
  'api:flows:write',
  'api:library:read',
  'api:logs:read',
  'api:meetings:integration:status',
  'api:meetings:user:create',
  'api:meetings:user:delete',
  'api:meetings:user:update',
  'api:settings:scorecards:read',
  'api:settings:trackers:read',
  'api:stats:interaction',
  'api:stats:scorecards',
  'api:stats:user-actions',
  'api:stats:user-actions:detailed',
  'api:tasks:read',
  'api:users:read',
  'api:workspaces:read',
] as const;

type UserKey = 'dana' | 'marcus' | 'priya' | 'tom' | 'sofia' | 'jordan' | 'elena' | 'sam';

/** Ids of the seeded objects (ids are deterministic: the same on every reset). */
export interface GongSeedIds {
  companyId: string;
  workspaces: { sales: string; customerSuccess: string };
  users: Record<UserKey, string>;
  /** Every seeded call, oldest first. */
  callIds: string[];
  /** Named calls tests rely on. */
  calls: {
    /** The most recent external call (a Northwind discovery call with a full transcript). */
    latestExternal: string;
    /** An internal call (scope Internal). */
    internal: string;
    /** A call in the Customer Success workspace. */
    customerSuccess: string;
    /** A private call. */
    private: string;
  };
  folders: { bestDiscovery: string; objectionHandling: string; onboarding: string; privateDrafts: string };
  trackers: { competitors: string; pricing: string; nextSteps: string; security: string; onboarding: string };
  outcomes: { meetingBooked: string; noAnswer: string };
  /** Calls whose access list has individual grants. */
  callAccess: { callId: string; userIds: string[] }[];
}

// Filled by `seedGong`: the ids do not change between resets because the id sequence restarts.
export const GONG_SEED: GongSeedIds = {
  companyId: '',
  workspaces: { sales: '', customerSuccess: '' },
  users: { dana: '', marcus: '', priya: '', tom: '', sofia: '', jordan: '', elena: '', sam: '' },
  callIds: [],
  calls: { latestExternal: '', internal: '', customerSuccess: '', private: '' },
  folders: { bestDiscovery: '', objectionHandling: '', onboarding: '', privateDrafts: '' },
  trackers: { competitors: '', pricing: '', nextSteps: '', security: '', onboarding: '' },
  outcomes: { meetingBooked: '', noAnswer: '' },
  callAccess: [],
};

const DAY = 86_400_000;

/** mulberry32: a tiny deterministic generator (fixed seed, so the seed is the same on every run). */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}

const DEFAULT_SETTINGS: UserSettings = {
  webConferencesRecorded: true,
  preventWebConferenceRecording: false,
  telephonyCallsImported: true,
  emailsImported: true,
  preventEmailImport: false,
  nonRecordedMeetingsImported: true,
  gongConnectEnabled: true,
};

interface UserSpec {
  key: UserKey;
  first: string;
  last: string;
  title: string;
  manager?: UserKey;
  phone: string;
  workspaces: ('sales' | 'cs')[];
  admin?: boolean;
  /** Days ago the user joined Gong. */
  joinedDaysAgo: number;
  /** Deactivated this many days ago. */
  deactivatedDaysAgo?: number;
}

const USERS: UserSpec[] = [
  {
    key: 'dana',
    first: 'Dana',
    last: 'Whitfield',
    title: 'VP of Sales',
    phone: '+1 415 555 0101',
    workspaces: ['sales', 'cs'],
    admin: true,
    joinedDaysAgo: 900,
  },
  {
    key: 'marcus',
    first: 'Marcus',
    last: 'Lee',
    title: 'Sales Manager',
    manager: 'dana',
    phone: '+1 415 555 0102',
    workspaces: ['sales'],
    joinedDaysAgo: 700,
  },
  {
    key: 'priya',
    first: 'Priya',
    last: 'Raman',
    title: 'Account Executive',
    manager: 'marcus',
    phone: '+1 415 555 0103',
    workspaces: ['sales'],
    joinedDaysAgo: 500,
  },
  {
    key: 'tom',
    first: 'Tom',
    last: 'Becker',
    title: 'Account Executive',
    manager: 'marcus',
    phone: '+1 415 555 0104',
    workspaces: ['sales'],
    joinedDaysAgo: 380,
  },
  {
    key: 'sofia',
    first: 'Sofia',
    last: 'Alvarez',
    title: 'Sales Development Representative',
    manager: 'marcus',
    phone: '+1 415 555 0105',
    workspaces: ['sales'],
    joinedDaysAgo: 160,
  },
  {
    key: 'jordan',
    first: 'Jordan',
    last: 'Kim',
    title: 'Customer Success Manager',
    manager: 'dana',
    phone: '+1 415 555 0106',
    workspaces: ['cs'],
    joinedDaysAgo: 420,
  },
  {
    key: 'elena',
    first: 'Elena',
    last: 'Novak',
    title: 'Sales Engineer',
    manager: 'dana',
    phone: '+1 415 555 0107',
    workspaces: ['sales', 'cs'],
    admin: true,
    joinedDaysAgo: 610,
  },
  {
    key: 'sam',
    first: 'Sam',
    last: 'Okafor',
    title: 'Account Executive',
    manager: 'marcus',
    phone: '+1 415 555 0108',
    workspaces: ['sales'],
    joinedDaysAgo: 300,
    deactivatedDaysAgo: 12,
  },
];

interface Prospect {
  company: string;
  domain: string;
  accountCrmId: string;
  dealCrmId: string;
  dealName: string;
  contacts: { name: string; title: string; phone: string; contactCrmId: string }[];
}

const PROSPECTS: Prospect[] = [
  {
    company: 'Northwind Traders',
    domain: 'northwind.example',
    accountCrmId: '0015g00000NWTAAA1',
    dealCrmId: '0065g00000NWTOPP1',
    dealName: 'Northwind - Platform expansion',
    contacts: [
      {
        name: 'Laura Chen',
        title: 'Director of Sales Operations',
        phone: '+1 206 555 0141',
        contactCrmId: '0035g0NWT01',
      },
      { name: 'Victor Hale', title: 'CFO', phone: '+1 206 555 0142', contactCrmId: '0035g0NWT02' },
    ],
  },
  {
    company: 'Globex Corporation',
    domain: 'globex.example',
    accountCrmId: '0015g00000GLXAAA2',
    dealCrmId: '0065g00000GLXOPP2',
    dealName: 'Globex - New business',
    contacts: [
      { name: 'Hank Scorpio', title: 'CEO', phone: '+1 312 555 0151', contactCrmId: '0035g0GLX01' },
      { name: 'Mindy Park', title: 'Head of RevOps', phone: '+1 312 555 0152', contactCrmId: '0035g0GLX02' },
    ],
  },
  {
    company: 'Initech',
    domain: 'initech.example',
    accountCrmId: '0015g00000INTAAA3',
    dealCrmId: '0065g00000INTOPP3',
    dealName: 'Initech - 120 seats',
    contacts: [
      { name: 'Bill Lumbergh', title: 'VP Operations', phone: '+1 512 555 0161', contactCrmId: '0035g0INT01' },
      { name: 'Joanna Reyes', title: 'Sales Enablement Lead', phone: '+1 512 555 0162', contactCrmId: '0035g0INT02' },
    ],
  },
  {
    company: 'Umbrella Health',
    domain: 'umbrella.example',
    accountCrmId: '0015g00000UMBAAA4',
    dealCrmId: '0065g00000UMBOPP4',
    dealName: 'Umbrella Health - Security review',
    contacts: [
      { name: 'Alice Abernathy', title: 'CISO', phone: '+1 617 555 0171', contactCrmId: '0035g0UMB01' },
      { name: 'Carlos Oliveira', title: 'IT Director', phone: '+1 617 555 0172', contactCrmId: '0035g0UMB02' },
    ],
  },
  {
    company: 'Stark Logistics',
    domain: 'starklogistics.example',
    accountCrmId: '0015g00000STKAAA5',
    dealCrmId: '0065g00000STKOPP5',
    dealName: 'Stark Logistics - Renewal',
    contacts: [
      { name: 'Pepper Potts', title: 'COO', phone: '+1 646 555 0181', contactCrmId: '0035g0STK01' },
      { name: 'Happy Hogan', title: 'Operations Manager', phone: '+1 646 555 0182', contactCrmId: '0035g0STK02' },
    ],
  },
];

type CallKind = 'discovery' | 'demo' | 'pricing' | 'security' | 'cold' | 'onboarding' | 'internal';

/** Conversation templates: [who speaks ('rep' | 'prospect' | 'se' | 'manager'), topic, sentences]. */
const SCRIPTS: Record<CallKind, [string, string | null, string[]][]> = {
  discovery: [
    [
      'rep',
      'Call Setup',
      [
        'Hi everyone, thanks for making the time today.',
        'I was hoping we could spend thirty minutes on how your team runs deals today.',
      ],
    ],
    ['prospect', 'Call Setup', ['Sure, happy to. We have about thirty minutes.']],
    [
      'rep',
      'Discovery',
      ['How do you review calls and coach reps at the moment?', 'And what made you look at this now?'],
    ],
    [
      'prospect',
      'Discovery',
      [
        'Honestly our managers listen to maybe two calls a week.',
        'We evaluated Chorus last year but the rollout stalled.',
        'Forecasting is mostly gut feel right now.',
      ],
    ],
    ['rep', 'Discovery', ['That is really common.', 'What would success look like for you in the first quarter?']],
    [
      'prospect',
      'Business Goals',
      ['We want ramp time for new reps under three months.', 'And we need better visibility into deal risk.'],
    ],
    [
      'rep',
      'Next Steps',
      ['Great. As next steps I suggest a tailored demo with our sales engineer.', 'Does Thursday work to schedule it?'],
    ],
    ['prospect', 'Next Steps', ['Thursday works. Please send the invite and include our RevOps lead.']],
  ],
  demo: [
    ['rep', 'Call Setup', ['Thanks for joining the demo today.', 'Elena will walk you through the platform.']],
    [
      'se',
      'Product Demo',
      [
        'Let me share my screen.',
        'Here is the deal board with risk signals for every opportunity.',
        'Each call is transcribed and searchable within minutes.',
      ],
    ],
    ['prospect', 'Product Demo', ['Can we filter by rep and by stage?', 'How does it integrate with Salesforce?']],
    [
      'se',
      'Product Demo',
      [
        'Yes, filters are on the left.',
        'The Salesforce integration syncs accounts, contacts and opportunities every few minutes.',
      ],
    ],
    ['prospect', 'Security', ['Is the data encrypted? Our security team will ask about SOC 2.']],
    ['se', 'Security', ['Everything is encrypted at rest and in transit, and we can share our SOC 2 Type II report.']],
    [
      'rep',
      'Next Steps',
      ['For next steps I will send the security questionnaire and a proposal.', 'Can we follow up next week?'],
    ],
  ],
  pricing: [
    ['rep', 'Call Setup', ['Thanks for coming back to us so quickly.']],
    [
      'prospect',
      'Pricing',
      [
        'We reviewed the proposal. The price is higher than our budget.',
        'Is there any flexibility on the discount for a two year term?',
      ],
    ],
    [
      'rep',
      'Pricing',
      [
        'For a two year commitment we can offer an additional discount.',
        'The pricing also includes onboarding and premium support.',
      ],
    ],
    ['prospect', 'Competition', ['Clari quoted us a lower number, to be transparent.']],
    [
      'rep',
      'Competition',
      ['Understood. The difference is that our platform captures every conversation, not only forecast data.'],
    ],
    ['prospect', 'Pricing', ['Okay. If you can get to our budget we can sign this quarter.']],
    ['rep', 'Next Steps', ['Let me take that to my manager and follow up by Friday with a revised proposal.']],
  ],
  security: [
    ['rep', 'Call Setup', ['Thanks for joining, I brought Elena for the technical questions.']],
    [
      'prospect',
      'Security',
      ['Our security review needs SOC 2 and GDPR documentation.', 'We also need to know where data is hosted.'],
    ],
    [
      'se',
      'Security',
      [
        'Data is hosted in the US or the EU, your choice.',
        'We are GDPR compliant and we sign a DPA.',
        'Single sign-on and SCIM provisioning are supported.',
      ],
    ],
    ['prospect', 'Security', ['Do you support data retention policies?']],
    ['se', 'Security', ['Yes, admins can set retention per workspace.']],
    [
      'rep',
      'Next Steps',
      ['I will send the security package today, and we can schedule a follow up with your legal team.'],
    ],
  ],
  cold: [
    ['rep', null, ['Hi, this is Sofia from Switchboard Demo Co, did I catch you at a bad time?']],
    ['prospect', null, ['I have a minute, what is this about?']],
    [
      'rep',
      'Discovery',
      ['We help sales teams learn from every customer conversation.', 'How are you coaching your reps today?'],
    ],
    ['prospect', 'Discovery', ['We mostly do ride-alongs on calls. It does not scale.']],
    ['rep', 'Next Steps', ['Would you be open to a thirty minute meeting next week to see how others solved that?']],
    ['prospect', 'Next Steps', ['Sure, send me an invite for Tuesday.']],
  ],
  onboarding: [
    ['rep', 'Call Setup', ['Welcome aboard! Today we will set up your workspace.']],
    ['prospect', 'Onboarding', ['Great, we have our admin here as well.']],
    [
      'rep',
      'Onboarding',
      [
        'First we connect your calendar and your conferencing system.',
        'Then we import users from your identity provider.',
      ],
    ],
    ['prospect', 'Onboarding', ['Can we import users with SCIM?', 'And what about the security settings?']],
    ['rep', 'Onboarding', ['Yes, SCIM works out of the box.', 'Security settings are in the admin center.']],
    ['rep', 'Next Steps', ['Next steps: I will follow up with a training plan for your managers.']],
  ],
  internal: [
    ['manager', 'Pipeline Review', ['Let us go through the pipeline for this quarter.', 'Which deals are at risk?']],
    ['rep', 'Pipeline Review', ['Globex is waiting on pricing approval.', 'Umbrella Health is in security review.']],
    ['manager', 'Coaching', ['On the Globex call, try to quantify the business goals before talking price.']],
    ['rep', 'Coaching', ['Makes sense. I will do that in the next call.']],
    ['manager', 'Next Steps', ['Good. Let us review again next week.']],
  ],
};

const SYSTEMS = ['Zoom', 'Google Meet', 'Microsoft Teams'];

/**
 * Seeds the base data. Group seeds (`seedStats`, `seedEngage`) run after it. `full` false seeds only the company,
 * workspaces, users and credentials (no calls or activity).
 */
export function seedGong(state: GongState, full = true): void {
  const now = state.now();
  const today0 = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const r = rng(0x60e6);
  /** A derived timestamp, never later than an hour before the seed's now. */
  const past = (t: number) => new Date(Math.min(t, now.getTime() - 3_600_000)).toISOString();

  // --- company, workspaces, credentials -------------------------------------------------------------------------
  state.company = { id: state.nextId('other'), name: 'Switchboard Demo Co', timeZone: 'America/Los_Angeles' };
  GONG_SEED.companyId = state.company.id;
  const sales = { id: state.nextId('workspace'), name: 'Sales', description: 'New business and expansion' };
  const cs = { id: state.nextId('workspace'), name: 'Customer Success', description: 'Onboarding and renewals' };
  state.workspaces.set(sales.id, sales);
  state.workspaces.set(cs.id, cs);
  GONG_SEED.workspaces = { sales: sales.id, customerSuccess: cs.id };

  // --- users ---------------------------------------------------------------------------------------------------
  const ids = {} as Record<UserKey, string>;
  for (const spec of USERS) ids[spec.key] = state.nextId('user');
  for (const spec of USERS) {
    const email = `${spec.first}.${spec.last}@switchboard-demo.example`.toLowerCase();
    const created = new Date(today0 - spec.joinedDaysAgo * DAY + 9 * 3_600_000);
    const user: GongUser = {
      id: ids[spec.key],
      emailAddress: email,
      created: created.toISOString(),
      active: true,
      emailAliases: [`${spec.first[0]}${spec.last}@switchboard-demo.example`.toLowerCase()],
      trustedEmailAddress: email,
      firstName: spec.first,
      lastName: spec.last,
      title: spec.title,
      phoneNumber: spec.phone,
      extension: String(100 + USERS.indexOf(spec)),
      personalMeetingUrls: [`https://zoom.us/j/55501${String(USERS.indexOf(spec)).padStart(5, '0')}`],
      settings: { ...DEFAULT_SETTINGS },
      ...(spec.manager ? { managerId: ids[spec.manager] } : {}),
      meetingConsentPageUrl: `https://join.gong.io/switchboard-demo/${spec.first.toLowerCase()}.${spec.last.toLowerCase()}`,
      conferencingProviders: [
        { provider: 'Zoom', isDefault: true },
        { provider: 'Google Meet', isDefault: false },
      ],
      spokenLanguages: [{ language: 'en-US', primary: true }],
      avatarUrl: `https://avatars.gong.example/${ids[spec.key]}.jpg`,
      workspaceIds: spec.workspaces.map((w) => (w === 'sales' ? sales.id : cs.id)),
      technicalAdmin: spec.admin === true,
      settingsHistory: [],
    };
    state.users.set(user.id, user);
    // History: everything switched on when the user joined, a few changes since.
    for (const s of [
      'webConferencesRecorded',
      'emailsImported',
      'nonRecordedMeetingsImported',
      'callsImported',
    ] as const) {
      user.settingsHistory.push({ setting: s, value: true, time: created.toISOString() });
    }
    user.settingsHistory.push({ setting: 'active', value: true, time: created.toISOString() });
    if (spec.key === 'priya') {
      state.changeSetting(user.id, 'emailsImported', false, new Date(today0 - 60 * DAY + 15 * 3_600_000));
      state.changeSetting(user.id, 'emailsImported', true, new Date(today0 - 20 * DAY + 16 * 3_600_000));
    }
    if (spec.key === 'tom') {
      state.changeSetting(user.id, 'gongConnectEnabled', false, new Date(today0 - 30 * DAY + 10 * 3_600_000));
    }
    if (spec.deactivatedDaysAgo !== undefined) {
      state.changeSetting(user.id, 'active', false, new Date(today0 - spec.deactivatedDaysAgo * DAY + 18 * 3_600_000));
    }
  }
  GONG_SEED.users = { ...ids };

  state.apiKeys.set(GONG_DEMO.accessKey, {
    accessKey: GONG_DEMO.accessKey,
    accessKeySecret: GONG_DEMO.accessKeySecret,
    createdBy: ids.dana,
  });
  state.oauthClients.set(GONG_DEMO.oauthClient.clientId, {
    clientId: GONG_DEMO.oauthClient.clientId,
    clientSecret: GONG_DEMO.oauthClient.clientSecret,
    name: GONG_DEMO.oauthClient.name,
    redirectUris: [...GONG_DEMO.oauthClient.redirectUris],
    anyLoopbackRedirect: true,
    scopes: [...GONG_ALL_SCOPES],
  });

  // --- call outcomes, trackers ----------------------------------------------------------------------------------
  const outcomes: Omit<CallOutcomeRecord, 'id' | 'displayOrder'>[] = [
    {
      callOutcome: 'Meeting booked',
      connectStatus: 'CONNECTED',
      sentiment: 'POSITIVE',
      todoAction: 'COMPLETE',
      category: 'ANSWERED',
    },
    { callOutcome: 'Interested - follow up', connectStatus: 'CONNECTED', sentiment: 'POSITIVE', category: 'ANSWERED' },
    {
      callOutcome: 'Not interested',
      connectStatus: 'CONNECTED',
      sentiment: 'NEGATIVE',
      todoAction: 'COMPLETE_AND_REMOVE',
      category: 'ANSWERED',
    },
    {
      callOutcome: 'Do not call',
      connectStatus: 'CONNECTED',
      sentiment: 'NEGATIVE',
      todoAction: 'COMPLETE_AND_REMOVE',
      automation: 'MARK_AS_OPT_OUT',
      category: 'ANSWERED',
    },
    { callOutcome: 'Left voicemail', connectStatus: 'NOT_CONNECTED', sentiment: 'NEUTRAL', category: 'NOT_ANSWERED' },
    { callOutcome: 'No answer', connectStatus: 'NOT_CONNECTED', sentiment: 'NEUTRAL', category: 'NOT_ANSWERED' },
    {
      callOutcome: 'Wrong number',
      connectStatus: 'NOT_CONNECTED',
      sentiment: 'NEGATIVE',
      todoAction: 'COMPLETE_AND_REMOVE',
      category: 'NOT_ANSWERED',
    },
  ];
  const outcomeIds: string[] = [];
  outcomes.forEach((o, i) => {
    const rec: CallOutcomeRecord = { id: state.nextId('outcome'), displayOrder: i + 1, ...o };
    state.callOutcomes.set(rec.id, rec);
    outcomeIds.push(rec.id);
  });
  GONG_SEED.outcomes = { meetingBooked: outcomeIds[0]!, noAnswer: outcomeIds[5]! };

  const trackerSpecs: [keyof GongSeedIds['trackers'], string, string[], KeywordTracker['affiliation'], string][] = [
    ['competitors', 'Competitors', ['Chorus', 'Clari', 'Outreach', 'Salesloft'], 'Anyone', sales.id],
    ['pricing', 'Pricing', ['price', 'pricing', 'discount', 'budget', 'proposal'], 'Anyone', sales.id],
    ['nextSteps', 'Next steps', ['next steps', 'follow up', 'schedule', 'invite'], 'Company', sales.id],
    [
      'security',
      'Security & compliance',
      ['SOC 2', 'GDPR', 'security review', 'encrypted', 'DPA'],
      'NonCompany',
      sales.id,
    ],
    ['onboarding', 'Onboarding', ['SCIM', 'calendar', 'training', 'admin center'], 'Anyone', cs.id],
  ];
  for (const [key, name, keywords, affiliation, workspaceId] of trackerSpecs) {
    const t: KeywordTracker = {
      trackerId: state.nextId('tracker'),
      trackerName: name,
      workspaceId,
      languageKeywords: [{ language: 'en-US', keywords, includeRelatedForms: true }],
      affiliation,
      partOfQuestion: false,
      saidAt: 'Anytime',
      saidInTopics: [],
      filterQuery: '',
      created: new Date(today0 - 400 * DAY).toISOString(),
      creatorUserId: ids.dana,
      updated: new Date(today0 - 90 * DAY).toISOString(),
      updaterUserId: ids.elena,
    };
    state.trackers.set(t.trackerId, t);
    GONG_SEED.trackers[key] = t.trackerId;
  }

  // --- library folders (ids now, content after the calls) -------------------------------------------------------
  const folder = (
    name: string,
    workspaceId: string,
    createdBy: string,
    isPublic: boolean,
    parentFolderId?: string,
  ): LibraryFolder => {
    const f: LibraryFolder = {
      id: state.nextId('folder'),
      name,
      workspaceId,
      createdBy,
      isPublic,
      updated: new Date(today0 - 3 * DAY).toISOString(),
      calls: [],
      ...(parentFolderId ? { parentFolderId } : {}),
    };
    state.libraryFolders.set(f.id, f);
    return f;
  };
  const best = folder('Best discovery calls', sales.id, ids.marcus, true);
  const objections = folder('Objection handling', sales.id, ids.marcus, true, best.id);
  const onboarding = folder('Onboarding examples', cs.id, ids.jordan, true);
  const drafts = folder("Marcus's drafts", sales.id, ids.marcus, false);
  GONG_SEED.folders = {
    bestDiscovery: best.id,
    objectionHandling: objections.id,
    onboarding: onboarding.id,
    privateDrafts: drafts.id,
  };

  if (!full) return;

  // --- calls ---------------------------------------------------------------------------------------------------
  // Weekdays of the past six weeks (today excluded), oldest first.
  const weekdays: number[] = [];
  for (let d = 42; d >= 1; d--) {
    const t = today0 - d * DAY;
    const wd = new Date(t).getUTCDay();
    if (wd !== 0 && wd !== 6) weekdays.push(t);
  }
  const reps: UserKey[] = ['priya', 'tom', 'sofia', 'sam'];
  const callIds: string[] = [];
  let latestExternal = '';
  let internalCall = '';
  let csCall = '';
  let privateCall = '';
  // One call every weekday, a second one every third weekday: ~40 calls.
  const plan: { day: number; slot: number }[] = [];
  weekdays.forEach((day, i) => {
    plan.push({ day, slot: 0 });
    if (i % 3 === 1) plan.push({ day, slot: 1 });
  });
  const kinds = plan.map((_, i): { kind: CallKind; host: UserKey } => {
    if (i % 9 === 4) return { kind: 'onboarding', host: 'jordan' };
    if (i % 11 === 7) return { kind: 'internal', host: 'marcus' };
    const kind = (['discovery', 'demo', 'pricing', 'security', 'cold'] as const)[i % 5]!;
    let host: UserKey = kind === 'cold' ? 'sofia' : reps[i % reps.length]!;
    if (host === 'sofia' && kind !== 'cold') host = 'priya';
    return { kind, host };
  });
  // The latest conversation with a prospect is a Northwind discovery call (demos and tests start there).
  let lastExternal = -1;
  kinds.forEach((k, i) => {
    if (['discovery', 'demo', 'pricing', 'security'].includes(k.kind)) lastExternal = i;
  });
  plan.forEach(({ day, slot }, i) => {
    let { kind, host } = kinds[i]!;
    let prospect = PROSPECTS[i % PROSPECTS.length]!;
    if (i === lastExternal) {
      kind = 'discovery';
      host = 'priya';
      prospect = PROSPECTS[0]!;
    }
    if (host === 'sam' && day > today0 - 12 * DAY) host = 'tom';
    const startHour = 15 + slot * 3 + (i % 3);
    const started = new Date(day + startHour * 3_600_000 + (i % 4) * 15 * 60_000);
    const call = buildCall(state, {
      kind,
      host,
      ids,
      prospect,
      started,
      workspaceId: kind === 'onboarding' ? cs.id : sales.id,
      system: kind === 'cold' ? 'RingCentral' : SYSTEMS[i % SYSTEMS.length]!,
      outcomeId: kind === 'cold' ? outcomeIds[i % 2 === 0 ? 0 : 4] : undefined,
      isPrivate: i === 10,
      r,
    });
    state.addCall(call);
    callIds.push(call.id);
    if (i === lastExternal) latestExternal = call.id;
    if (kind === 'internal') internalCall = call.id;
    if (kind === 'onboarding') csCall = call.id;
    if (call.isPrivate) privateCall = call.id;
  });
  GONG_SEED.callIds = callIds;
  GONG_SEED.calls = { latestExternal, internal: internalCall, customerSuccess: csCall, private: privateCall };

  // --- library content ------------------------------------------------------------------------------------------
  const discovery = callIds.filter((id) => state.calls.get(id)!.title.includes('Discovery'));
  const pricing = callIds.filter((id) => state.calls.get(id)!.title.includes('Pricing'));
  const onboardingCalls = callIds.filter((id) => state.calls.get(id)!.workspaceId === cs.id);
  const addToFolder = (f: LibraryFolder, callId: string, note: string, addedBy: string, snippet?: [number, number]) => {
    const call = state.calls.get(callId)!;
    f.calls.push({
      callId,
      note,
      addedBy,
      created: past(Date.parse(call.started) + DAY),
      ...(snippet ? { snippet: { fromSec: snippet[0], toSec: snippet[1] } } : {}),
    });
  };
  for (const id of discovery.slice(-3)) addToFolder(best, id, 'Great questions about business goals', ids.marcus);
  for (const id of pricing.slice(-2))
    addToFolder(objections, id, 'Handles the budget objection', ids.marcus, [60, 180]);
  for (const id of onboardingCalls.slice(-2)) addToFolder(onboarding, id, 'Model onboarding kickoff', ids.jordan);
  if (discovery[0]) addToFolder(drafts, discovery[0], 'Maybe?', ids.marcus);

  // --- activity ledger -----------------------------------------------------------------------------------------
  const active = USERS.filter((u) => u.key !== 'sam');
  const managerOf = (k: UserKey) => USERS.find((u) => u.key === k)?.manager;
  for (const day of weekdays) {
    const date = isoDay(day);
    const pastCalls = callIds.filter((id) => Date.parse(state.calls.get(id)!.started) < day + DAY);
    if (pastCalls.length === 0) continue;
    const todays = pastCalls.filter((id) => isoDay(Date.parse(state.calls.get(id)!.started)) === date);
    for (const spec of USERS) {
      if (spec.key === 'sam' && day > today0 - 12 * DAY) continue;
      const userId = ids[spec.key];
      const own = pastCalls.filter((id) => state.calls.get(id)!.primaryUserId === userId);
      const others = pastCalls.filter((id) => state.calls.get(id)!.primaryUserId !== userId);
      // Everybody listens to at least one call every weekday.
      if (own.length > 0 && r.chance(0.5)) state.recordActivity(userId, date, 'ownCallsListenedTo', r.pick(own));
      const listens = spec.title.includes('Manager') || spec.title.startsWith('VP') ? 3 : 1;
      for (let k = 0; k < listens; k++) {
        if (others.length) state.recordActivity(userId, date, 'othersCallsListenedTo', r.pick(others));
        else state.recordActivity(userId, date, 'ownCallsListenedTo', r.pick(own));
      }
      if (r.chance(0.2) && own.length) state.recordActivity(userId, date, 'callsSharedInternally', r.pick(own));
      if (r.chance(0.08) && own.length) state.recordActivity(userId, date, 'callsSharedExternally', r.pick(own));
      const mgr = managerOf(spec.key);
      if (mgr && own.length && r.chance(0.15)) {
        const callId = r.pick(own);
        state.recordActivity(userId, date, 'callsRequestedFeedback', callId);
      }
    }
    // Managers comment on, give feedback on and score their reports' calls of the day.
    for (const callId of todays) {
      const call = state.calls.get(callId)!;
      const hostKey = (Object.keys(ids) as UserKey[]).find((k) => ids[k] === call.primaryUserId)!;
      const mgr = managerOf(hostKey);
      if (!mgr || !active.some((u) => u.key === mgr)) continue;
      const mgrId = ids[mgr];
      if (r.chance(0.6)) {
        const at = Math.min(call.duration - 5, 60 + r.int(0, Math.max(0, call.duration - 120)));
        call.comments.push({
          id: state.nextId('comment'),
          audioStartTime: at,
          audioEndTime: at + 20,
          commenterUserId: mgrId,
          comment: r.pick([
            'Nice discovery question here.',
            'Try to quantify the impact before moving on.',
            'Good handling of the pricing objection.',
            'Remember to confirm next steps with a date.',
          ]),
          posted: past(Date.parse(call.started) + call.duration * 1000 + 3 * 3_600_000),
          duringCall: false,
        });
        state.recordActivity(mgrId, date, 'callsCommentsGiven', callId);
        state.recordActivity(call.primaryUserId, date, 'callsCommentsReceived', callId);
      }
      if (r.chance(0.4)) {
        state.recordActivity(mgrId, date, 'callsGaveFeedback', callId);
        state.recordActivity(call.primaryUserId, date, 'callsReceivedFeedback', callId);
        state.recordActivity(mgrId, date, 'callsMarkedAsFeedbackGiven', callId);
        state.recordActivity(call.primaryUserId, date, 'callsMarkedAsFeedbackReceived', callId);
      }
      if (call.scope === 'External' && r.chance(0.5)) {
        state.recordActivity(mgrId, date, 'callsScorecardsFilled', callId);
        state.recordActivity(call.primaryUserId, date, 'callsScorecardsReceived', callId);
      }
    }
  }

  // --- logs (derived from the ledger and the users) --------------------------------------------------------------
  for (const day of weekdays) {
    const date = isoDay(day);
    for (const spec of USERS) {
      const user = state.users.get(ids[spec.key])!;
      const a = state.activity.get(`${user.id}|${date}`);
      if (!a) continue;
      const base = day + (13 + (USERS.indexOf(spec) % 4)) * 3_600_000;
      state.logs.push({
        logType: 'AccessLog',
        userId: user.id,
        eventTime: new Date(base).toISOString(),
        logRecord: { ipAddress: `203.0.113.${10 + USERS.indexOf(spec)}`, userAgent: 'Mozilla/5.0', eventName: 'Login' },
      });
      [...a.ownCallsListenedTo, ...a.othersCallsListenedTo].forEach((callId, k) => {
        const call = state.calls.get(callId)!;
        state.logs.push({
          logType: 'UserCallPlay',
          userId: user.id,
          eventTime: new Date(base + (k + 1) * 600_000).toISOString(),
          logRecord: { callId, callTitle: call.title, playedFromSec: 0, playedToSec: Math.min(call.duration, 600) },
        });
      });
      a.callsSharedExternally.forEach((callId, k) => {
        const call = state.calls.get(callId)!;
        const recipient = call.parties.find((p) => p.affiliation === 'External')?.emailAddress ?? 'guest@example.com';
        state.logs.push({
          logType: 'ExternallySharedCallAccess',
          userId: user.id,
          eventTime: new Date(base + (k + 2) * 1_800_000).toISOString(),
          logRecord: { callId, sharedWith: recipient, accessedBy: recipient },
        });
        state.logs.push({
          logType: 'ExternallySharedCallPlay',
          userId: user.id,
          eventTime: new Date(base + (k + 2) * 1_800_000 + 300_000).toISOString(),
          logRecord: { callId, playedBy: recipient, playedFromSec: 0, playedToSec: Math.min(call.duration, 300) },
        });
      });
    }
  }
  for (const u of state.users.values()) {
    for (const h of u.settingsHistory) {
      if (Date.parse(h.time) < today0 - 42 * DAY) continue;
      state.logs.push({
        logType: 'UserActivityLog',
        userId: ids.dana,
        eventTime: h.time,
        logRecord: { action: 'UserSettingChanged', targetUserId: u.id, setting: h.setting, value: h.value },
      });
    }
  }
  state.logs.push({
    logType: 'UserActivityLog',
    userId: ids.elena,
    impersonatorUserId: ids.dana,
    impersonatorCompanyId: state.company.id,
    eventTime: new Date(today0 - 5 * DAY + 17 * 3_600_000).toISOString(),
    logRecord: { action: 'TrackerUpdated', trackerId: GONG_SEED.trackers.pricing },
  });
  state.logs.sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));

  // --- manual CRM associations, call access -------------------------------------------------------------------
  const external = callIds.filter((id) => state.calls.get(id)!.scope === 'External');
  external.slice(-18).forEach((callId, k) => {
    if (k % 3 !== 0) return;
    const call = state.calls.get(callId)!;
    const p = PROSPECTS[(k / 3 + 1) % PROSPECTS.length]!;
    state.manualCrmAssociations.push({
      callId,
      userId: call.primaryUserId,
      created: past(Date.parse(call.started) + 2 * DAY),
      associatedCrmObjects: [{ accountCrmId: p.accountCrmId, dealCrmId: p.dealCrmId }],
    });
  });
  state.manualCrmAssociations.sort((a, b) => (a.created < b.created ? -1 : 1));
  const access = [
    { callId: privateCall, userIds: [ids.elena] },
    { callId: latestExternal, userIds: [ids.jordan, ids.sofia] },
  ];
  for (const g of access) state.grantCallAccess(g.callId, g.userIds);
  GONG_SEED.callAccess = access;
}

interface BuildCallOptions {
  kind: CallKind;
  host: UserKey;
  ids: Record<UserKey, string>;
  prospect: Prospect;
  started: Date;
  workspaceId: string;
  system: string;
  outcomeId?: string | undefined;
  isPrivate?: boolean;
  r: ReturnType<typeof rng>;
  fixedId?: string;
}

const TITLES: Record<CallKind, string> = {
  discovery: 'Discovery call',
  demo: 'Product demo',
  pricing: 'Pricing discussion',
  security: 'Security review',
  cold: 'Prospecting call',
  onboarding: 'Onboarding kickoff',
  internal: 'Weekly pipeline review',
};

function buildCall(state: GongState, o: BuildCallOptions): CallRecord {
  const { ids, prospect, kind, r } = o;
  const id = o.fixedId ?? state.nextId('call');
  const users = (k: UserKey) => state.users.get(ids[k])!;
  const internalKeys: UserKey[] = [o.host];
  if (kind === 'demo' || kind === 'security') internalKeys.push('elena');
  if (kind === 'internal') internalKeys.push('priya', 'tom');
  if (kind === 'pricing' && o.host !== 'marcus') internalKeys.push('marcus');
  const parties: CallParty[] = [];
  let speaker = 0;
  const nextSpeaker = () => String(6_432_345_678_000 + Number(BigInt(id) % 1_000_000n) * 10 + ++speaker);
  const roleSpeaker = new Map<string, string>();
  const accountContext: CrmContext[] = [
    {
      system: 'Salesforce',
      objects: [
        {
          objectType: 'Account',
          objectId: prospect.accountCrmId,
          fields: [
            { name: 'Name', value: prospect.company },
            { name: 'Website', value: `https://www.${prospect.domain}` },
          ],
        },
      ],
    },
  ];
  internalKeys.forEach((k, idx) => {
    const u = users(k);
    const sp = nextSpeaker();
    parties.push({
      id: String(BigInt(id) % 10_000_000_000n) + String(idx + 1).padStart(3, '0'),
      emailAddress: u.emailAddress,
      name: `${u.firstName} ${u.lastName}`,
      title: u.title,
      userId: u.id,
      speakerId: sp,
      affiliation: 'Internal',
      phoneNumber: u.phoneNumber,
      methods: idx === 0 ? ['Invitee', 'Attendee'] : ['Attendee'],
      context: [],
    });
    const role =
      idx === 0
        ? kind === 'internal'
          ? 'manager'
          : 'rep'
        : k === 'elena'
          ? 'se'
          : k === 'marcus'
            ? 'manager'
            : 'rep2';
    roleSpeaker.set(role, sp);
    if (kind === 'internal' && idx === 1) roleSpeaker.set('rep', sp);
  });
  const external = kind === 'internal' ? [] : kind === 'cold' ? [prospect.contacts[1]!] : prospect.contacts;
  external.forEach((c, idx) => {
    const sp = nextSpeaker();
    const email = `${c.name.split(' ')[0]!.toLowerCase()}.${c.name.split(' ').at(-1)!.toLowerCase()}@${prospect.domain}`;
    parties.push({
      id: String(BigInt(id) % 10_000_000_000n) + String(internalKeys.length + idx + 1).padStart(3, '0'),
      emailAddress: email,
      name: c.name,
      title: c.title,
      // The second external contact attends but never speaks (no speakerId) on demos.
      ...(idx === 0 || kind !== 'demo' ? { speakerId: sp } : {}),
      affiliation: 'External',
      phoneNumber: c.phone,
      methods: ['Invitee', 'Attendee'],
      context: [
        {
          system: 'Salesforce',
          objects: [
            {
              objectType: 'Contact',
              objectId: c.contactCrmId,
              fields: [
                { name: 'Email', value: email },
                { name: 'Title', value: c.title },
              ],
            },
          ],
        },
      ],
    });
    if (idx === 0) roleSpeaker.set('prospect', sp);
  });

  // Transcript: the script with timings (about 2.6 words per second, pauses between sentences).
  const transcript: TranscriptMonologue[] = [];
  let t = 2_000;
  for (const [role, topic, sentences] of SCRIPTS[kind]) {
    const speakerId = roleSpeaker.get(role) ?? roleSpeaker.get('rep')!;
    const m: TranscriptMonologue = { speakerId, topic, sentences: [] };
    for (const text of sentences) {
      const words = text.split(/\s+/).length;
      const len = Math.round((words / 2.6) * 1000) + r.int(0, 800);
      m.sentences.push({ start: t, end: t + len, text });
      t += len + r.int(200, 900);
    }
    const last = transcript.at(-1);
    if (last && last.speakerId === speakerId && last.topic === topic) last.sentences.push(...m.sentences);
    else transcript.push(m);
    t += r.int(20_000, 120_000); // the rest of the conversation is not transcribed in the seed script
  }
  const duration = Math.round(t / 1000) + 30;
  const scope = kind === 'internal' ? 'Internal' : 'External';
  const host = users(o.host);
  const title =
    kind === 'internal'
      ? TITLES.internal
      : `${prospect.company.split(' ')[0]} <> Switchboard Demo Co | ${TITLES[kind]}`;
  const call: CallRecord = {
    id,
    title,
    purpose: kind === 'internal' ? 'Pipeline review' : TITLES[kind],
    scheduled: new Date(o.started.getTime() - (o.started.getTime() % 1_800_000)).toISOString(),
    started: o.started.toISOString(),
    duration,
    primaryUserId: host.id,
    direction: kind === 'cold' ? 'Outbound' : 'Conference',
    system: o.system,
    scope,
    media: kind === 'cold' ? 'Audio' : 'Video',
    language: 'eng',
    workspaceId: o.workspaceId,
    ...(kind === 'cold' ? { sdrDisposition: 'Connected' } : {}),
    ...(kind === 'cold' ? {} : { meetingUrl: meetingUrlFor(o.system, id) }),
    isPrivate: o.isPrivate === true,
    ...(kind === 'cold' ? {} : { calendarEventId: `evt_${String(BigInt(id) % 100_000_000n)}` }),
    parties,
    context: kind === 'internal' ? [] : withDeal(accountContext, prospect, o.started, kind),
    ...(o.outcomeId ? { outcomeId: o.outcomeId } : {}),
    transcript,
    comments: [],
    ...(kind === 'internal' ? {} : { brief: briefOf(kind, prospect) }),
    keyPoints: keyPointsOf(kind, prospect),
    source: 'recorded',
    mediaStatus: 'ready',
    created: new Date(o.started.getTime() + duration * 1000 + 600_000).toISOString(),
  };
  return call;
}

function meetingUrlFor(system: string, id: string): string {
  const n = String(BigInt(id) % 1_000_000_000n);
  if (system === 'Google Meet') {
    const letters = n.replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!);
    return `https://meet.google.com/${letters.slice(0, 3)}-${letters.slice(3, 7)}-${letters.slice(-3)}`;
  }
  if (system === 'Microsoft Teams') return `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${n}%40thread.v2/0`;
  return `https://zoom.us/j/9${n}`;
}

function withDeal(account: CrmContext[], p: Prospect, started: Date, kind: CallKind): CrmContext[] {
  const stage = { discovery: 'Qualification', demo: 'Evaluation', security: 'Evaluation', pricing: 'Negotiation' }[
    kind as 'discovery'
  ];
  return [
    {
      system: 'Salesforce',
      objects: [
        ...account[0]!.objects,
        ...(kind === 'cold' || kind === 'onboarding'
          ? []
          : [
              {
                objectType: 'Opportunity',
                objectId: p.dealCrmId,
                fields: [
                  { name: 'Name', value: p.dealName },
                  { name: 'StageName', value: stage ?? 'Qualification' },
                  { name: 'Amount', value: 48_000 + (p.company.length % 5) * 12_000 },
                  { name: 'CloseDate', value: isoDay(started.getTime() + 45 * DAY) },
                ],
              },
            ]),
      ],
    },
  ];
}

function briefOf(kind: CallKind, p: Prospect): string {
  const who = p.company;
  switch (kind) {
    case 'discovery':
      return `${who} reviews few calls today and wants faster rep ramp and better deal-risk visibility. A tailored demo was agreed.`;
    case 'demo':
      return `Demo of the deal board and Salesforce integration for ${who}; security questions (SOC 2) raised.`;
    case 'pricing':
      return `${who} finds the price above budget and mentioned a competitor quote; a revised proposal is due Friday.`;
    case 'security':
      return `Security review with ${who}: hosting region, GDPR, DPA, SSO and retention were covered.`;
    case 'cold':
      return `Prospecting call with ${who}; the prospect agreed to a meeting on Tuesday.`;
    case 'onboarding':
      return `Onboarding kickoff with ${who}: calendar, conferencing and SCIM user import.`;
    default:
      return '';
  }
}

function keyPointsOf(kind: CallKind, p: Prospect): string[] {
  switch (kind) {
    case 'discovery':
      return ['Managers review about two calls a week', `${p.company} wants rep ramp under three months`];
    case 'pricing':
      return ['Price above budget', 'Two year term discount discussed', 'Competitor quote mentioned'];
    case 'security':
      return ['SOC 2 and GDPR documentation requested', 'EU hosting available'];
    case 'internal':
      return ['Globex waiting on pricing approval', 'Umbrella Health in security review'];
    default:
      return [];
  }
}
