/**
 * Query expansion: the words people use for what the tool declarations call otherwise. Each rule matches the
 * normalised request (lower case, single spaces) and adds the catalogue's words, which then score at a reduced
 * weight beside the words actually typed. Kept generic on purpose: vocabulary of the domain (a "wiki" is
 * Confluence, a "sequence" is a Gong Engage flow), never phrasings of particular requests.
 */
export const SYNONYMS: [RegExp, string][] = [
  // Apps
  [/\b(wiki|knowledge ?base|kb|intranet|atlassian)\b/, 'confluence'],
  [/\b(docs?|documentation|article|wiki page)\b/, 'page confluence'],
  [/\b(sales calls?|conversation intelligence|revenue)\b/, 'gong call'],
  // Verbs
  [/\b(make|new|add|write|start|set ?up|draft|compose|put up)\b/, 'create'],
  // Verbs of writing something new that the catalogue calls otherwise (upload, register, assign, post, report).
  [
    /\b(grant|give|share|save|store|attach|import|push|sync|register|connect|enroll|publish|submit|log (a|an|that|the)|record (a|an|that|the)|mark|flag|leave a|tag (this|the|it|a|an))\b/,
    'create',
  ],
  [/\b(change|edit|modify|rename|fix|rewrite|replace|amend|revise|adjust|correct)\b/, 'update edit'],
  [/\b(remove|trash|purge|wipe|erase|drop|discard|throw away|get rid|destroy|cancel)\b/, 'delete remove'],
  [/\b(show|read|open|view|see|fetch|look at|display|details?|info|inspect)\b/, 'get read'],
  [/\b(find|look ?up|locate|mention(s|ing)?|search(es|ing)?|anything about|query)\b/, 'search find'],
  [/\b(what|which|browse|enumerate|inventory)\b/, 'list'],
  // Confluence nouns
  [/\b(blog|announcements?|news|newsletter|blog entry)\b/, 'blogpost blog post'],
  [/\b(tags?|tagged|categor(y|ies)|taxonomy)\b/, 'label'],
  [/\b(feedback|discussion|replies|reply|remarks?)\b/, 'comment'],
  [/\b(files?|pdfs?|csv|spreadsheet|uploaded file|image)\b/, 'attachment file'],
  [/\b(action items?|to ?dos?|checkbox(es)?|checklist items?)\b/, 'task'],
  [/\b(history|revisions?|edits?|changed)\b/, 'version history'],
  [/\b(parents?|breadcrumbs?|above)\b/, 'ancestors parent'],
  [/\b(sub ?pages?|nested|children|child|below|under)\b/, 'child pages children'],
  [/\b(metadata|key ?value|settings? on)\b/, 'property'],
  [/\b(canvas|diagram|brainstorm|board)\b/, 'whiteboard'],
  [/\b(allowed|who can|can see|can view|visible|access to (a|the|this) page)\b/, 'restriction permission'],
  [/\b(likes?d?|popular(ity)?|reactions?|thumbs up)\b/, 'likes count'],
  [/\b(guests?|public visitors?|logged out|not logged in|anonymous(ly)?)\b/, 'anonymous'],
  [/\b(who am i|whoami|myself|my account|logged in as)\b/, 'current user me'],
  [/\b(persons?|people|colleagues?|teammates?|employees?|members?)\b/, 'user'],
  // Gong nouns
  [/\b(conversations?|recordings?|recorded|phone calls?|discovery calls?|dialer)\b/, 'call'],
  [/\b(transcripts?|says?|said|spoken|word for word)\b/, 'transcript'],
  [/\b(sequences?|cadences?|outreach)\b/, 'flow engage'],
  [/\b(leads?|contacts?|buyers?)\b/, 'prospect'],
  [/\b(enroll?|enrol|put (into|in))\b/, 'assign'],
  [/\b(unenroll?|remove from)\b/, 'unassign'],
  [/\b(schedule|reschedule|calendar|invite|invitees?|zoom|video (call|meeting)|web conference)\b/, 'meeting'],
  [/\b(reps?|salespeople|salesperson|sellers?|ae|sdrs?|account executives?)\b/, 'user'],
  [/\b(salesforce|hubspot|deals?|opportunit(y|ies))\b/, 'crm'],
  [/\b(statistics|metrics|numbers|leaderboard|totals)\b/, 'stats'],
  [/\b(talk (ratio|time)|talk to listen|monologues?|patience|question rate|interactivity)\b/, 'interaction stats'],
  [/\b(weekly|monthly|quarterly|yearly|(by|per|each|a) (week|month|quarter|year)|trends?|over time)\b/, 'period'],
  [/\b(daily|day by day|(by|per|each|a) day)\b/, 'day'],
  [/\b(review forms?|call reviews?|qa|grading|ratings?|scores?)\b/, 'scorecard'],
  [/\b(coach(ing|ed)?|direct reports?|mentoring)\b/, 'coaching'],
  [/\b(keywords?|competitors?)\b/, 'tracker'],
  [/\b(audit( trail)?|sign-?ins?|login history)\b/, 'log'],
  [/\b(gdpr|ccpa|dsar|personal data|right to be forgotten|data subject|privacy)\b/, 'privacy data'],
  [/\b(forget|wipe|erase)\b/, 'erase'],
  [/\b(playlists?|best calls|call library)\b/, 'library folder'],
  [/\b(roles?|access levels?)\b/, 'permission profile'],
  [/\b(web visits?|page views?|website|visited|clicked)\b/, 'digital interaction'],
  [/\b(sent|share[sd]?)\b/, 'shared'],
  [/\b(opened|viewed)\b/, 'viewed'],
  [/\b(signed|accepted|attended)\b/, 'engagement action'],
  [/\b(dispositions?)\b/, 'outcome'],
  [/\b(grant(ed)?|give .* access|revoke)\b/, 'access'],
  [/\b(mp3|wav|audio|video file)\b/, 'media'],
  [/\b(custom|generic) crm\b/, 'crm integration'],
];
