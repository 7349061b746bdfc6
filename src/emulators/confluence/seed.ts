/**
 * Deterministic seed data of the Confluence emulator: three users, three spaces (ENG, SALES, a personal one) and a
 * page tree with storage-format bodies, labels, a trashed page, a draft and a page with several versions.
 * Ids are fixed; timestamps are fixed offsets before the emulator's clock at seeding time (pass `now` to pin them).
 */
import type { ConfluenceState, ConfluenceUser, PageRecord, PageVersionRecord } from './state.ts';

export const CONFLUENCE_DEMO_USER = {
  email: 'demo@switchboard.local',
  apiToken: 'demo-confluence-api-token',
  accountId: '712020:5c0e4f4e-3b8a-4c53-9a55-d5f6e3a1b201',
  displayName: 'Demo User',
} as const;

const ADA = {
  email: 'ada@switchboard.local',
  apiToken: 'ada-confluence-api-token',
  accountId: '5b10ac8d82e05b22cc7d4ef5',
  displayName: 'Ada Lovelace',
} as const;

const GRACE = {
  email: 'grace@switchboard.local',
  accountId: '557058:1d9c3f5a-6b2e-4f8d-a7c1-9e0b2d4f6a8c',
  displayName: 'Grace Hopper',
} as const;

/** Ids and keys of the seeded objects, for tests and demos. */
export const CONFLUENCE_SEED = {
  users: { demo: CONFLUENCE_DEMO_USER, ada: ADA, grace: GRACE },
  spaces: {
    ENG: { id: '98305', key: 'ENG', name: 'Engineering' },
    SALES: { id: '98306', key: 'SALES', name: 'Sales' },
    PERSONAL: { id: '98307', key: '~demo', name: 'Demo User' },
  },
  pages: {
    engHome: '65538',
    architecture: '65539',
    runbooks: '65540',
    paymentsRunbook: '65541',
    searchRunbook: '65542',
    releaseNotes: '65543',
    onboardingGuide: '65544',
    postmortem: '65545',
    /** Trashed. */
    legacyDeployment: '65546',
    salesHome: '65547',
    salesPlaybook: '65548',
    pricingFaq: '65549',
    customerOnboarding: '65550',
    personalHome: '65551',
    weeklySync: '65552',
    /** A draft of the demo user. */
    q4Ideas: '65553',
  },
} as const;

const DAY = 86_400_000;

interface SeedVersion {
  daysAgo: number;
  hour: number;
  author: string;
  message: string;
  minorEdit?: boolean;
  title?: string;
  body: string;
}

interface SeedPage {
  id: string;
  space: keyof typeof CONFLUENCE_SEED.spaces;
  title: string;
  parent?: string;
  status?: 'current' | 'trashed' | 'draft';
  labels?: string[];
  /** Oldest first; the last is the current version. */
  versions: SeedVersion[];
}

const P = CONFLUENCE_SEED.pages;
const demo = CONFLUENCE_DEMO_USER.accountId;
const ada = ADA.accountId;
const grace = GRACE.accountId;

const code = (lang: string, text: string) =>
  `<ac:structured-macro ac:name="code" ac:schema-version="1"><ac:parameter ac:name="language">${lang}</ac:parameter><ac:plain-text-body><![CDATA[${text}]]></ac:plain-text-body></ac:structured-macro>`;
const info = (name: string, html: string) =>
  `<ac:structured-macro ac:name="${name}" ac:schema-version="1"><ac:rich-text-body>${html}</ac:rich-text-body></ac:structured-macro>`;
const pageLink = (title: string) => `<ac:link><ri:page ri:content-title="${title}" /></ac:link>`;

const PAGES: SeedPage[] = [
  {
    id: P.engHome,
    space: 'ENG',
    title: 'Engineering Home',
    versions: [
      {
        daysAgo: 60,
        hour: 9,
        author: ada,
        message: '',
        body: `<h1>Welcome to Engineering</h1><p>This space holds the architecture notes, runbooks and release notes of the platform team.</p><ul><li>${pageLink('Architecture Overview')}</li><li>${pageLink('Service Runbooks')}</li><li>${pageLink('Onboarding Guide for Engineers')}</li></ul>`,
      },
    ],
  },
  {
    id: P.architecture,
    space: 'ENG',
    title: 'Architecture Overview',
    parent: P.engHome,
    labels: ['architecture', 'design'],
    versions: [
      {
        daysAgo: 45,
        hour: 10,
        author: ada,
        message: 'Initial draft',
        title: 'Architecture overview',
        body: '<h2>Components</h2><p>The platform is made of an API gateway, a payments service and a search service.</p>',
      },
      {
        daysAgo: 30,
        hour: 14,
        author: grace,
        message: 'Add data flow section',
        body: '<h2>Components</h2><p>The platform is made of an API gateway, a payments service and a search service.</p><h2>Data flow</h2><p>Requests enter through the gateway, which authenticates them and routes them to the services over gRPC.</p>',
      },
      {
        daysAgo: 12,
        hour: 11,
        author: demo,
        message: 'Document the search cluster',
        body: '<h2>Components</h2><p>The platform is made of an API gateway, a payments service and a search service.</p><h2>Data flow</h2><p>Requests enter through the gateway, which authenticates them and routes them to the services over gRPC.</p><h2>Search cluster</h2><p>The search service runs a three-node Elasticsearch cluster with daily snapshots.</p>',
      },
      {
        daysAgo: 3,
        hour: 16,
        author: ada,
        message: 'Fix typos',
        minorEdit: true,
        body: `<h2>Components</h2><p>The platform is made of an <strong>API gateway</strong>, a <strong>payments service</strong> and a <strong>search service</strong>.</p><h2>Data flow</h2><p>Requests enter through the gateway, which authenticates them and routes them to the services over gRPC.</p><h2>Search cluster</h2><p>The search service runs a three-node Elasticsearch cluster with daily snapshots.</p>${info('info', '<p>Latency budgets are defined per service in the SLO dashboard.</p>')}`,
      },
    ],
  },
  {
    id: P.runbooks,
    space: 'ENG',
    title: 'Service Runbooks',
    parent: P.engHome,
    labels: ['runbook'],
    versions: [
      {
        daysAgo: 40,
        hour: 9,
        author: grace,
        message: '',
        body: '<p>One runbook per service. Every on-call engineer should read them before the first shift.</p>',
      },
    ],
  },
  {
    id: P.paymentsRunbook,
    space: 'ENG',
    title: 'Payments Service Runbook',
    parent: P.runbooks,
    labels: ['runbook', 'payments', 'oncall'],
    versions: [
      {
        daysAgo: 33,
        hour: 15,
        author: grace,
        message: '',
        body: '<h2>Alerts</h2><p>The payments service pages on-call when the error rate exceeds 2% for five minutes.</p>',
      },
      {
        daysAgo: 9,
        hour: 13,
        author: demo,
        message: 'Add rollback steps',
        body: `<h2>Alerts</h2><p>The payments service pages on-call when the error rate exceeds 2% for five minutes.</p><h2>Rollback</h2><ol><li>Find the previous release in the deploy dashboard.</li><li>Run the rollback command:</li></ol>${code('bash', 'deployctl rollback payments --to previous')}`,
      },
    ],
  },
  {
    id: P.searchRunbook,
    space: 'ENG',
    title: 'Search Service Runbook',
    parent: P.runbooks,
    labels: ['runbook', 'search', 'oncall'],
    versions: [
      {
        daysAgo: 26,
        hour: 10,
        author: demo,
        message: '',
        body: `<h2>Reindexing</h2><p>A full reindex of the search cluster takes about forty minutes.</p>${code('bash', 'searchctl reindex --all')}${info('warning', '<p>Never reindex during the Monday traffic peak.</p>')}`,
      },
    ],
  },
  {
    id: P.releaseNotes,
    space: 'ENG',
    title: 'Release Notes: Platform 4.2',
    parent: P.engHome,
    labels: ['release-notes'],
    versions: [
      {
        daysAgo: 16,
        hour: 17,
        author: demo,
        message: '',
        body: '<h2>New</h2><ul><li>Faster checkout in the payments service.</li><li>Typo-tolerant search.</li></ul><h2>Fixed</h2><ul><li>Gateway timeouts under load.</li></ul>',
      },
    ],
  },
  {
    id: P.onboardingGuide,
    space: 'ENG',
    title: 'Onboarding Guide for Engineers',
    parent: P.engHome,
    labels: ['onboarding'],
    versions: [
      {
        daysAgo: 12,
        hour: 9,
        author: ada,
        message: '',
        body: `<p>Welcome aboard! Your first week:</p><ol><li>Get access to the code repositories.</li><li>Read the ${pageLink('Architecture Overview')}.</li><li>Shadow an on-call shift.</li></ol><table><tbody><tr><th>Tool</th><th>Owner</th></tr><tr><td>Deploy dashboard</td><td>Platform team</td></tr></tbody></table>`,
      },
    ],
  },
  {
    id: P.postmortem,
    space: 'ENG',
    title: 'Incident Postmortem: Checkout Outage',
    parent: P.runbooks,
    labels: ['postmortem', 'payments'],
    versions: [
      {
        daysAgo: 5,
        hour: 12,
        author: grace,
        message: '',
        body: '<h2>Summary</h2><p>Checkout was unavailable for 23 minutes because an expired certificate broke the connection to the payment provider.</p><h2>Action items</h2><ul><li>Alert on certificate expiry 30 days ahead.</li></ul>',
      },
    ],
  },
  {
    id: P.legacyDeployment,
    space: 'ENG',
    title: 'Legacy Deployment Process',
    parent: P.engHome,
    status: 'trashed',
    labels: ['deployment'],
    versions: [
      {
        daysAgo: 50,
        hour: 8,
        author: grace,
        message: '',
        body: '<p>Deployments used to be done by hand over SSH. Superseded by the deploy dashboard.</p>',
      },
    ],
  },
  {
    id: P.salesHome,
    space: 'SALES',
    title: 'Sales Home',
    versions: [
      {
        daysAgo: 55,
        hour: 9,
        author: grace,
        message: '',
        body: `<h1>Sales</h1><p>Playbooks, pricing and customer onboarding.</p><ul><li>${pageLink('Sales Playbook 2026')}</li><li>${pageLink('Customer Onboarding Checklist')}</li></ul>`,
      },
    ],
  },
  {
    id: P.salesPlaybook,
    space: 'SALES',
    title: 'Sales Playbook 2026',
    parent: P.salesHome,
    labels: ['playbook'],
    versions: [
      {
        daysAgo: 21,
        hour: 11,
        author: ada,
        message: '',
        body: '<h2>Discovery</h2><p>Start every call by asking about the customer’s current search and payments stack.</p><h2>Objections</h2><p>Pricing objections are covered in the FAQ.</p>',
      },
    ],
  },
  {
    id: P.pricingFaq,
    space: 'SALES',
    title: 'Pricing FAQ',
    parent: P.salesPlaybook,
    labels: ['pricing', 'faq'],
    versions: [
      {
        daysAgo: 8,
        hour: 14,
        author: grace,
        message: '',
        body: '<h3>Do you offer annual billing?</h3><p>Yes, with a 15% discount.</p><h3>Is there a free tier?</h3><p>Yes, up to five users.</p>',
      },
    ],
  },
  {
    id: P.customerOnboarding,
    space: 'SALES',
    title: 'Customer Onboarding Checklist',
    parent: P.salesHome,
    labels: ['onboarding', 'customer'],
    versions: [
      {
        daysAgo: 6,
        hour: 10,
        author: demo,
        message: '',
        body: '<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>complete</ac:task-status><ac:task-body>Send the welcome email</ac:task-body></ac:task><ac:task><ac:task-id>2</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>Schedule the kickoff call</ac:task-body></ac:task></ac:task-list>',
      },
    ],
  },
  {
    id: P.personalHome,
    space: 'PERSONAL',
    title: 'Demo User Home',
    versions: [{ daysAgo: 58, hour: 8, author: demo, message: '', body: '<p>My personal notes.</p>' }],
  },
  {
    id: P.weeklySync,
    space: 'PERSONAL',
    title: 'Weekly Sync Notes',
    parent: P.personalHome,
    labels: ['meeting-notes'],
    versions: [
      {
        daysAgo: 2,
        hour: 15,
        author: demo,
        message: '',
        body: '<p>Discussed the checkout outage follow-ups and the search reindex schedule.</p>',
      },
    ],
  },
  {
    id: P.q4Ideas,
    space: 'PERSONAL',
    title: 'Ideas for Q4',
    parent: P.personalHome,
    status: 'draft',
    versions: [
      { daysAgo: 1, hour: 18, author: demo, message: '', body: '<p>Self-serve onboarding; usage-based pricing.</p>' },
    ],
  },
];

/** Fills an empty state with the seed. `withContent: false` seeds the users only. */
export function seedConfluence(state: ConfluenceState, withContent = true): void {
  const users: ConfluenceUser[] = [
    { ...CONFLUENCE_DEMO_USER, publicName: 'Demo User', timeZone: 'UTC' },
    { ...ADA, publicName: 'Ada Lovelace', timeZone: 'UTC' },
    { ...GRACE, publicName: 'Grace Hopper', timeZone: 'UTC' },
  ];
  for (const u of users) state.insertUser(u);
  if (!withContent) return;

  const today = Math.floor(state.now().getTime() / DAY) * DAY;
  const at = (daysAgo: number, hour: number) => new Date(today - daysAgo * DAY + hour * 3_600_000).toISOString();
  const S = CONFLUENCE_SEED.spaces;

  state.insertSpace({
    ...S.ENG,
    type: 'global',
    status: 'current',
    authorId: ada,
    createdAt: at(61, 9),
    homepageId: P.engHome,
    description: 'Architecture, runbooks and release notes of the platform team.',
    labels: ['engineering'],
  });
  state.insertSpace({
    ...S.SALES,
    type: 'global',
    status: 'current',
    authorId: grace,
    createdAt: at(56, 9),
    homepageId: P.salesHome,
    description: 'Sales playbooks, pricing and customer onboarding.',
    labels: [],
  });
  state.insertSpace({
    ...S.PERSONAL,
    type: 'personal',
    status: 'current',
    authorId: demo,
    createdAt: at(59, 8),
    homepageId: P.personalHome,
    description: '',
    labels: [],
  });

  const positions = new Map<string, number>();
  for (const p of PAGES) {
    const versions: PageVersionRecord[] = p.versions.map((v, i) => ({
      number: i + 1,
      message: v.message,
      minorEdit: v.minorEdit ?? false,
      authorId: v.author,
      createdAt: at(v.daysAgo, v.hour),
      title: v.title ?? p.title,
      body: { representation: 'storage', value: v.body },
    }));
    const first = versions[0]!;
    const last = versions[versions.length - 1]!;
    const posKey = `${p.space}/${p.parent ?? ''}`;
    const position = positions.get(posKey) ?? 0;
    positions.set(posKey, position + 1);
    const page: PageRecord = {
      id: p.id,
      spaceId: S[p.space].id,
      status: p.status ?? 'current',
      title: p.title,
      parentId: p.parent,
      position,
      authorId: first.authorId,
      ownerId: first.authorId,
      lastOwnerId: null,
      createdAt: first.createdAt,
      version: {
        number: last.number,
        message: last.message,
        minorEdit: last.minorEdit,
        authorId: last.authorId,
        createdAt: last.createdAt,
      },
      body: last.body,
      labels: [...(p.labels ?? [])],
      history: versions.slice(0, -1),
      private: false,
      statusBeforeTrash: p.status === 'trashed' ? 'current' : undefined,
    };
    state.insertPage(page);
  }
}
