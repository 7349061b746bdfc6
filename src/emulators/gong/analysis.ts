/**
 * What Gong computes from a call's transcript, computed for real from the emulator's data: tracker hits (keyword
 * matching per the tracker's affiliation), per-speaker interaction stats (talk ratio, longest monologue, patience,
 * interactivity, question rate), question counts, outline and highlights. Used by the call routes and by the stats
 * group (interaction stats aggregate `interactionStats` over a user's calls).
 */
import {
  type CallParty,
  type CallRecord,
  type GongState,
  type KeywordTracker,
  speakerTalkTimes,
  topicDurations,
} from './state.ts';

export interface TrackerHit {
  id: string;
  name: string;
  count: number;
  type: 'KEYWORD';
  occurrences: { startTime: number; speakerId: string }[];
  phrases: { count: number; occurrences: { startTime: number; speakerId: string }[]; phrase: string }[];
}

function partyOfSpeaker(call: CallRecord, speakerId: string): CallParty | undefined {
  return call.parties.find((p) => p.speakerId === speakerId);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Hits of the call's workspace trackers in its transcript (case-insensitive whole-phrase matches). */
export function trackerHits(state: GongState, call: CallRecord): TrackerHit[] {
  const out: TrackerHit[] = [];
  const trackers: KeywordTracker[] = [...state.trackers.values()].filter((t) => t.workspaceId === call.workspaceId);
  for (const t of trackers) {
    const phrases = new Map<string, { startTime: number; speakerId: string }[]>();
    for (const m of call.transcript) {
      const aff = partyOfSpeaker(call, m.speakerId)?.affiliation ?? 'Unknown';
      if (t.affiliation === 'Company' && aff !== 'Internal') continue;
      if (t.affiliation === 'NonCompany' && aff !== 'External') continue;
      for (const s of m.sentences) {
        for (const lk of t.languageKeywords) {
          for (const kw of lk.keywords) {
            const suffix = lk.includeRelatedForms ? '(s|es|ed|ing)?' : '';
            const re = new RegExp(`\\b${escapeRegExp(kw)}${suffix}\\b`, 'gi');
            const n = s.text.match(re)?.length ?? 0;
            for (let k = 0; k < n; k++) {
              const list = phrases.get(kw) ?? [];
              list.push({ startTime: s.start / 1000, speakerId: m.speakerId });
              phrases.set(kw, list);
            }
          }
        }
      }
    }
    const all = [...phrases.values()].flat().sort((a, b) => a.startTime - b.startTime);
    if (all.length === 0) continue;
    out.push({
      id: t.trackerId,
      name: t.trackerName,
      count: all.length,
      type: 'KEYWORD',
      occurrences: all,
      phrases: [...phrases].map(([phrase, occurrences]) => ({ count: occurrences.length, occurrences, phrase })),
    });
  }
  return out;
}

/** Questions asked by company (internal) and non-company speakers. */
export function questionCounts(call: CallRecord): { companyCount: number; nonCompanyCount: number } {
  let companyCount = 0;
  let nonCompanyCount = 0;
  for (const m of call.transcript) {
    const internal = partyOfSpeaker(call, m.speakerId)?.affiliation === 'Internal';
    for (const s of m.sentences) {
      if (!s.text.trim().endsWith('?')) continue;
      if (internal) companyCount++;
      else nonCompanyCount++;
    }
  }
  return { companyCount, nonCompanyCount };
}

export interface InteractionStats {
  /** Share of the call's talk time that was this user's (0-1). */
  talkRatio: number;
  /** Longest uninterrupted monologue of the user, seconds. */
  longestMonologue: number;
  /** Longest monologue of an external party, seconds. */
  longestCustomerStory: number;
  /** Speaker switches per minute, 0-10. */
  interactivity: number;
  /** Average pause before the user answers someone else, seconds. */
  patience: number;
  /** Questions the user asked per hour of call. */
  questionRate: number;
}

/** Interaction stats of one internal user on one call; undefined when the user did not speak on it. */
export function interactionStats(call: CallRecord, userId: string): InteractionStats | undefined {
  const speakerId = call.parties.find((p) => p.userId === userId)?.speakerId;
  if (!speakerId || call.transcript.length === 0) return undefined;
  const talk = speakerTalkTimes(call);
  const total = [...talk.values()].reduce((a, b) => a + b, 0);
  const mono = (m: CallRecord['transcript'][number]) =>
    m.sentences.length ? (m.sentences.at(-1)!.end - m.sentences[0]!.start) / 1000 : 0;
  let longestMonologue = 0;
  let longestCustomerStory = 0;
  let switches = 0;
  let pauses = 0;
  let pauseCount = 0;
  let questions = 0;
  call.transcript.forEach((m, i) => {
    const prev = call.transcript[i - 1];
    if (prev && prev.speakerId !== m.speakerId) switches++;
    if (m.speakerId === speakerId) {
      longestMonologue = Math.max(longestMonologue, mono(m));
      questions += m.sentences.filter((s) => s.text.trim().endsWith('?')).length;
      if (prev && prev.speakerId !== speakerId && prev.sentences.length && m.sentences.length) {
        pauses += Math.max(0, (m.sentences[0]!.start - prev.sentences.at(-1)!.end) / 1000);
        pauseCount++;
      }
    } else if (partyOfSpeaker(call, m.speakerId)?.affiliation === 'External') {
      longestCustomerStory = Math.max(longestCustomerStory, mono(m));
    }
  });
  const minutes = Math.max(1 / 60, call.duration / 60);
  const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
  return {
    talkRatio: total > 0 ? round((talk.get(speakerId) ?? 0) / total) : 0,
    longestMonologue: Math.round(longestMonologue),
    longestCustomerStory: Math.round(longestCustomerStory),
    interactivity: round(Math.min(10, switches / minutes), 1),
    patience: round(pauseCount ? pauses / pauseCount : 0),
    questionRate: round(questions / (minutes / 60), 1),
  };
}

/** The spec's `interactionStats` list (`[{name, value}]`) of one user's stats. */
export function interactionStatsList(s: InteractionStats): { name: string; value: number }[] {
  return [
    { name: 'Talk Ratio', value: s.talkRatio },
    { name: 'Longest Monologue', value: s.longestMonologue },
    { name: 'Longest Customer Story', value: s.longestCustomerStory },
    { name: 'Interactivity', value: s.interactivity },
    { name: 'Patience', value: s.patience },
    { name: 'Question Rate', value: s.questionRate },
  ];
}

/** Call structure (agenda) in order: consecutive monologues of one topic merged, with durations. */
export function callStructure(call: CallRecord): { name: string; duration: number }[] {
  const out: { name: string; duration: number }[] = [];
  for (const m of call.transcript) {
    if (!m.topic || m.sentences.length === 0) continue;
    const d = (m.sentences.at(-1)!.end - m.sentences[0]!.start) / 1000;
    const last = out.at(-1);
    if (last && last.name === m.topic) last.duration += d;
    else out.push({ name: m.topic, duration: d });
  }
  return out.map((s) => ({ name: s.name, duration: Math.round(s.duration) }));
}

/** Outline: one section per topic run, with each monologue's first sentence as an item. */
export function callOutline(call: CallRecord) {
  const out: {
    section: string;
    startTime: number;
    duration: number;
    items: { text: string; startTime: number }[];
  }[] = [];
  for (const m of call.transcript) {
    if (!m.topic || m.sentences.length === 0) continue;
    const first = m.sentences[0]!;
    const end = m.sentences.at(-1)!.end / 1000;
    const last = out.at(-1);
    if (last && last.section === m.topic) {
      last.items.push({ text: first.text, startTime: first.start / 1000 });
      last.duration = end - last.startTime;
    } else {
      out.push({
        section: m.topic,
        startTime: first.start / 1000,
        duration: end - first.start / 1000,
        items: [{ text: first.text, startTime: first.start / 1000 }],
      });
    }
  }
  return out;
}

/** Highlights: the next steps said on the call, and the key points. */
export function callHighlights(call: CallRecord) {
  const nextSteps = call.transcript
    .filter((m) => m.topic === 'Next Steps')
    .flatMap((m) => m.sentences.map((s) => ({ text: s.text, startTimes: [s.start / 1000] })));
  const out: { title: string; items: { text: string; startTimes: number[] }[] }[] = [];
  if (nextSteps.length) out.push({ title: 'Next steps', items: nextSteps });
  if (call.keyPoints.length)
    out.push({ title: 'Key points', items: call.keyPoints.map((text) => ({ text, startTimes: [] })) });
  return out;
}

export { topicDurations };
