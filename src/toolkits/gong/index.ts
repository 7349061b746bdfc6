import { defineToolkit } from '../define.ts';
import { gongErrorMessage } from './common.ts';
import { tools as callTools } from './tools/calls.ts';
import { tools as engageTools } from './tools/engage.ts';
import { tools as statsTools } from './tools/stats.ts';
import { tools as userSettingsTools } from './tools/users-settings.ts';

export const gong = defineToolkit({
  id: 'gong',
  name: 'Gong',
  description:
    'Gong revenue intelligence: calls (recordings, transcripts, participants, CRM context), users, activity and interaction stats, scorecards, library, trackers, Engage flows, CRM integration, meetings, permissions and data privacy.',
  service: 'Gong',
  // Gong allows 3 calls per second per company; the executor queues each connection's calls to stay under it. The
  // window is 1.1 s rather than 1 s: requests paced exactly 1 s apart at send time can arrive less than 1 s apart
  // (latency varies by tens of milliseconds), and Gong would answer 429. 10% less throughput, no 429s.
  rateLimit: { requests: 3, perMs: 1100 },
  errorMessage: gongErrorMessage,
  tools: [...callTools, ...userSettingsTools, ...statsTools, ...engageTools],
});
