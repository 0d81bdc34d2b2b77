/**
 * How a news sentence becomes a draft of each kind: the cue words (compromise match patterns, on
 * root forms: `{open}` matches opened and opening), what stops a cue (a call, a plan, a claim),
 * who takes which role, which details the words give, and a title an editor may keep.
 *
 * `EXTRACTION` is keyed by every kind of `KINDS` (incident.ts): a new kind does not compile until
 * it says how it is read from a text. The drafter (src/drafts) applies the table and checks every
 * draft with `validateIncident`.
 */
import type { Clause, Cast } from '../drafts/clause.js';
import { cast, isPerson, isState } from '../drafts/clause.js';
import type { NameMention } from '../drafts/names.js';
import type { ActorRole, Details, IncidentKind, LocationRole } from './incident.js';

/** Names by role and the details of a draft, for its title. */
export interface TitleParts {
  actors(role: ActorRole): string[];
  places(role: LocationRole): string[];
  readonly details: Details;
}

export interface KindExtraction {
  /** compromise patterns; a sentence that matches one may report an incident of the kind. */
  readonly cues: readonly string[];
  /** compromise patterns that mean the sentence speaks of the kind without reporting one. */
  readonly unless?: readonly string[];
  /**
   * `event` (the default): a cue after a call, a plan, a modal verb, a negation or an "after…"
   * clause reports nothing. `speech`: the cue is a verb of saying; a call is what it reports.
   */
  readonly reads?: 'event' | 'speech';
  readonly actors: (c: Clause) => Cast<ActorRole>[];
  readonly locations: (c: Clause) => Cast<LocationRole>[];
  readonly details: (c: Clause) => Details;
  /**
   * The role that tells incidents of the kind apart: two drafts of nearby sentences with the same
   * name in it (or none) are one incident. `split` makes one draft per name in that role.
   */
  readonly key?: { readonly on: 'actors' | 'locations'; readonly role: string; readonly split?: boolean };
  /** What a later sentence calls an incident of the kind ("The trucks…", "The draft…"): it tells more of it. */
  readonly things?: RegExp;
  /** Who fills a required role that the sentence leaves to an earlier one ("he said"). */
  readonly fromContext?: { readonly role: ActorRole; readonly fits: (m: NameMention) => boolean };
  readonly title: (t: TitleParts) => string;
}

const list = (names: readonly string[]): string => {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
};

const MODERATION = /^(un|unrwa|wfp|who|ocha|unicef|united-nations|un-.*)$/;
const isUn = (m: NameMention): boolean =>
  m.actor
    ? MODERATION.test(m.actor.id) || /united nations|\bUN\b/.test(m.actor.name)
    : /United Nations|\bUN\b/.test(m.text);
const isNgo = (m: NameMention): boolean =>
  /red crescent|red cross|icrc|médecins|msf|charity|ngo/i.test(m.actor?.name ?? m.text);
const isOrganization = (m: NameMention): boolean =>
  m.actor ? m.actor.entryKind === 'organization' : m.guess === 'organization';
const isBody = (m: NameMention): boolean =>
  /council|assembly|parliament|senate|congress/i.test(m.actor?.name ?? m.text);
const isParty = (m: NameMention): boolean =>
  !isPerson(m) && !isBody(m) && !isUn(m) && (m.actor ? m.actor.entryKind !== 'organization' : true);
const crossings = (c: Clause): NameMention[] =>
  c
    .places()
    .filter(
      (m) => m.location?.entryKind === 'crossing' || m.guess === 'crossing' || /crossing$/i.test(m.text),
    );

const CARGO: readonly [string, RegExp][] = [
  ['food', /\b(food|flour|wheat|rice|meals?|canned)\b/i],
  ['water', /\b(water)\b/i],
  ['medical', /\b(medic\w*|drugs|health|surgical)\b/i],
  ['fuel', /\b(fuel|diesel|petrol|gasoline|cooking gas)\b/i],
  ['shelter', /\b(tents?|shelter|blankets|tarpaulins?)\b/i],
  ['other', /\bother (supplies|goods|aid)\b/i],
];

/** Cargo named from the cue's clause on: "17 trucks carrying medical aid, food and water". */
function cargo(c: Clause): string[] {
  const first = c.tokens[c.clauseOf(c.cue.first)[0]];
  const last = c.tokens[c.tokens.length - 1];
  const words = first && last ? c.text.slice(first.start, last.end) : c.sentence.text;
  return CARGO.filter(([, re]) => re.test(words) && !new RegExp(`\\bno ${re.source}`, 'i').test(words)).map(
    ([kind]) => kind,
  );
}

/** Counts by category, only those the words give. */
function counts(entries: readonly [string, number | undefined][]): Details {
  const out: Record<string, number> = {};
  for (const [key, value] of entries) if (value !== undefined && Number.isInteger(value)) out[key] = value;
  return Object.keys(out).length > 0 ? { people: out } : {};
}

/** Actors listed right before a verb ("Russia, China and the UAE voted against"). */
function listedBefore(c: Clause, pattern: string): NameMention[] {
  const out: NameMention[] = [];
  for (const match of c.find(pattern)) {
    const before = c.anyActors().filter((m) => m.last < match.first);
    for (let i = before.length - 1; i >= 0; i--) {
      const m = before[i] as NameMention;
      const next = i === before.length - 1 ? match.first : (before[i + 1] as NameMention).first;
      const gap = c.tokens.slice(m.last + 1, next);
      if (!gap.every((t) => /^(and|the|,|with|while)$/.test(t.normal) || t.tags.has('Determiner'))) break;
      out.unshift(m);
      if (gap.some((t) => /^(with|while)$/.test(t.normal))) break;
    }
  }
  return out;
}

function votes(c: Clause, vetoes: number): Details {
  const against =
    c.numberBefore(/^against$/, 2) ??
    (c.says(/\b(none|no one|nobody) (voted )?against\b|\bto none\b|\bno votes against\b/i) ? 0 : undefined) ??
    (listedBefore(c, '(voted|voting) against').length || undefined) ??
    (vetoes > 0 ? vetoes : undefined);
  const abstained =
    c.numberBefore(/^(abstentions?|abstained|abstaining)$/, 3) ??
    (listedBefore(c, '(abstained|abstaining)').length || undefined);
  const inFavour = c.numberBefore(/^(favour|favor)$/, 5) ?? c.numberBefore(/^votes?$/, 2);
  const out: Record<string, number> = {};
  if (inFavour !== undefined) out.for = inFavour;
  if (against !== undefined) out.against = against;
  if (abstained !== undefined) out.abstained = abstained;
  return Object.keys(out).length > 0 ? { votes: out } : {};
}

function outcome(c: Clause): 'adopted' | 'rejected' | 'vetoed' | undefined {
  if (c.has('{veto}')) return 'vetoed';
  if (c.says(/\b(rejected|failed|defeated|did not pass|fell short)\b/i)) return 'rejected';
  if (c.says(/\b(adopted|adopting|passed|approved|voted [a-z]* ?to (demand|call))\b/i)) return 'adopted';
  return undefined;
}

const STAGES: readonly [string, RegExp][] = [
  ['violated', /\b(violat\w*|breach\w*|broke)\b/i],
  ['extended', /\b(extend\w*|extension|prolong\w*)\b/i],
  ['ended', /\b(ended|ends|expired|collapsed|collapse|over)\b/i],
  [
    'started',
    /\b(took effect|takes effect|began|begins|started|starts|came into (force|effect)|went into effect|held|holds)\b/i,
  ],
  ['agreed', /\b(agreed|agree|agreement|deal|reached|accepted)\b/i],
];

const TITLE_CASE = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export const EXTRACTION: { readonly [K in IncidentKind]: KindExtraction } = {
  envoy_tour: {
    things: /^(tour|trip|visit|envoy)$/,
    cues: ['{tour}', '{visit}', 'trip to', '{arrive} in', 'stops in', '{travel} to', 'shuttle diplomacy'],
    unless: ['{plan} to', '{postpone}', '{cancel}'],
    actors: (c) => {
      // "While on a tour of the Middle East, Zhai Jun described…": the tour is the main subject's.
      const leading = c.clauseOf(c.cue.first)[0] === 0 && /^(while|during)$/.test(c.tokens[0]?.normal ?? '');
      const envoy =
        c.subject(true) ??
        (leading ? c.agents().find((m) => m.first > c.clauseOf(c.cue.first)[1] && isPerson(m)) : undefined);
      if (!envoy) return [];
      const states = c.agents().filter((m) => m !== envoy && isState(m) && m.last < c.cue.first);
      const onBehalf = envoy.actor?.affiliatedWith ?? [];
      return [
        { mention: envoy, role: 'envoy' },
        ...cast(states, 'on_behalf_of'),
        ...onBehalf
          .filter((id) => !states.some((s) => s.actor?.id === id))
          .map((id) => ({
            entry: { id, name: id, entryKind: null, affiliatedWith: [] },
            role: 'on_behalf_of' as const,
          })),
      ];
    },
    locations: (c) =>
      cast(
        c.placesAfterCue(
          /^(visit|visits|visited|tour|trip|stop|stops|travel|arrive|arrived|wrap|wrapped|include|including|went|made)$/,
        ),
        'visited',
      ),
    details: () => ({}),
    key: { on: 'actors', role: 'envoy' },
    fromContext: { role: 'envoy', fits: isPerson },
    title: (t) => `${list(t.actors('envoy'))} tours ${list(t.places('visited')) || 'the region'}`,
  },
  talks: {
    things: /^(talks|meeting|discussions|summit|call)$/,
    cues: [
      '{meet}',
      '{hold} talks',
      'talks with',
      '(discussions|talks|meeting) (with|between)',
      '{discuss}',
      '{speak} (with|to)',
      '(phone|telephone) call',
      '{host}',
      '{negotiate}',
    ],
    unless: ['no one {meet}'],
    actors: (c) => {
      const hosts = c.after('hosted by', 'actor').filter((m) => !isBody(m));
      const others = c
        .agents()
        .filter((m) => !hosts.includes(m) && (isPerson(m) || isState(m) || isOrganization(m) || !m.actor));
      return [
        ...cast(hosts, 'host'),
        ...cast(
          others.filter((m) => !isBody(m) || others.length > 2),
          'participant',
        ),
      ];
    },
    locations: (c) =>
      cast(
        c.places().filter((m) => /^(in|at)$/.test(c.prepositionOf(m))),
        'site',
      ),
    details: (c) => {
      if (c.says(/\b(phone|telephone|call)\b/i) && !c.says(/\bcalled for\b/i)) return { format: 'phone' };
      if (c.says(/\bvideo\b/i)) return { format: 'video' };
      if (c.says(/\b(met|meets|meeting|visit|in person|summit|hosted)\b/i)) return { format: 'in_person' };
      return {};
    },
    fromContext: { role: 'participant', fits: isPerson },
    title: (t) => {
      const [first, ...rest] = [...t.actors('host'), ...t.actors('participant')];
      return rest.length > 0
        ? `${first ?? ''} holds talks with ${list(rest)}`
        : `Talks with ${first ?? 'officials'}`;
    },
  },
  crossing_opening: {
    things: /^(crossing|opening|terminal)$/,
    cues: ['{open}', '{reopen}', 'opening', 'reopening'],
    unless: ['{open} (fire|humanitarian corridors|an investigation|talks)', '{call} for .{0,6} opening'],
    actors: (c) => {
      const subject = c.subject();
      const by = c.after('opened by', 'actor');
      return cast([...(subject && !isPerson(subject) ? [subject] : []), ...by], 'authorizer');
    },
    locations: (c) => {
      const crossing = crossings(c);
      const others = c.places().filter((m) => !crossing.includes(m));
      return [
        ...cast(crossing, 'crossing'),
        ...others.flatMap((m) => {
          const role = c.placeRole(m, ['destination', 'origin'], 'destination');
          return role === undefined ? [] : [{ mention: m, role }];
        }),
      ];
    },
    details: (c) => purposeOf(c),
    key: { on: 'locations', role: 'crossing', split: true },
    title: (t) =>
      `${list(t.places('crossing'))} opens${t.details.purpose === 'evacuation' ? ' for evacuations' : ''}`,
  },
  crossing_closure: {
    things: /^(crossing|closure|terminal)$/,
    cues: ['(closed|closes|closing|closure|shut|shuts|sealed|seals|suspended|halted|blocked)'],
    unless: ['{call} for .{0,4} (closure|closing)'],
    actors: (c) => {
      const subject = c.subject();
      return cast(subject && !isPerson(subject) ? [subject] : [], 'authorizer');
    },
    locations: (c) => cast(crossings(c), 'crossing'),
    details: (c) => purposeOf(c),
    key: { on: 'locations', role: 'crossing', split: true },
    title: (t) =>
      `${list(t.places('crossing'))} closes${t.details.purpose === 'evacuation' ? ' to evacuations' : ''}`,
  },
  aid_delivery: {
    things: /^(trucks?|convoys?|aid|shipment|supplies|lorries|tankers?|fuel|delivery|deliveries)$/,
    cues: [
      '(convoy|convoys|trucks|lorries|aid|assistance|supplies|fuel|diesel|tanker|tankers|shipment|medicine|food) .{0,12} (entered|enter|enters|entering|crossed|cross|crosses|reached|delivered|arrived|offloaded|unloaded|dropped|into|carried|handed)',
      '(provided|provides|sent|sends|delivered|delivers|dropped|drops|airdropped|brought|brings|distributed) .{0,6} (aid|assistance|supplies|fuel|medicine|food|water)',
    ],
    unless: ['no (aid|trucks|fuel) .{0,4} (entered|crossed)', '(waiting|stuck|queued)'],
    actors: (c) => {
      const recipients = c.after('(handed|delivered|given) over? to', 'actor');
      const [from, to] = c.cueScope();
      const subject = c.subject();
      const pool = c
        .anyActors()
        .filter((m) => (m.first >= from && m.last <= to) || m === subject)
        .filter((m) => !recipients.includes(m) && !isPerson(m) && !isBody(m));
      const providers = pool.filter(isOrganization);
      const donors = pool.filter((m) => isState(m) && !c.places().includes(m));
      return [...cast(providers, 'provider'), ...cast(donors, 'donor'), ...cast(recipients, 'recipient')];
    },
    locations: (c) => {
      const crossing = crossings(c);
      const after = c.places().filter((m) => !crossing.includes(m) && m.first > c.cue.first);
      // "To address the needs in Gaza, China has provided…": the place before, when none follows.
      if (after.length === 0)
        after.push(
          ...c.places().filter((m) => !crossing.includes(m) && /^(in|to|into)$/.test(c.prepositionOf(m))),
        );
      return [
        ...cast(crossing, 'crossing'),
        ...after.flatMap((m) => {
          const role = c.placeRole(m, ['destination', 'origin'], 'destination');
          return role === undefined ? [] : [{ mention: m, role }];
        }),
      ];
    },
    details: (c) => {
      const trucks = c.count(/^(trucks?|lorries|lorry|tankers?)$/, 3);
      const tonnes = c.count(/^(tonnes|tons)$/, 1);
      const goods = cargo(c);
      const actors = c.anyActors();
      const channel = actors.some(isUn)
        ? 'un'
        : actors.some(isNgo)
          ? 'ngo'
          : c.says(/\bbilateral\b/i) || actors.some(isState)
            ? 'bilateral'
            : 'other';
      return {
        channel,
        ...(trucks !== undefined ? { trucks } : {}),
        ...(tonnes !== undefined ? { tonnes } : {}),
        ...(goods.length > 0 ? { cargo: goods } : {}),
      };
    },
    fromContext: { role: 'provider', fits: (m) => isOrganization(m) || isState(m) },
    title: (t) => {
      const where = list(t.places('destination')) || 'Gaza';
      const through = t.places('crossing')[0];
      const trucks = typeof t.details.trucks === 'number' ? t.details.trucks : undefined;
      const givers = [...t.actors('donor'), ...t.actors('provider')];
      const head =
        trucks !== undefined
          ? `Convoy of ${trucks} trucks enters ${where}`
          : `${list(givers) || 'Aid'} deliver${givers.length > 1 ? '' : 's'} aid to ${where}`;
      return through ? `${head} through ${through}` : head;
    },
  },
  statement: {
    reads: 'speech',
    cues: [
      '{say}',
      '{tell}',
      '{call} for',
      '{urge}',
      '{warn}',
      '{describe}',
      '{demand}',
      '{condemn}',
      '{accuse}',
      '{express} (concern|alarm|hope|regret|outrage|support)',
      '(emphasized|emphasised|stressed|insisted|advocates|advocated|believes|rejected|denied|vowed|pledged|declared|appealed)',
      '(called|calls) (the|it|him|her|them|this|that)',
      'saying',
    ],
    unless: ['by (advocating|saying|calling)', '(diplomats|analysts|officials|sources|experts) .{0,4} {say}'],
    actors: (c) => {
      // "…and called for", "…but urged": the speaker of the verb before, whom the drafter joins it to.
      if (/^(and|but)$/.test(c.tokens[c.cue.first - 1]?.normal ?? '')) return [];
      // ", saying …" speaks for the subject of the main clause.
      const saying = c.tokens[c.cue.first]?.normal === 'saying';
      const speaker = saying ? (c.agents().find(isPerson) ?? c.agents()[0]) : c.subject();
      return speaker ? [{ mention: speaker, role: 'speaker' }] : [];
    },
    locations: (c) => {
      // Places of the speech's own clause: not the tour it was made on.
      const [from, to] = c.cueScope();
      const inScope = c.places().filter((m) => m.first >= from && m.last <= to);
      return cast(
        inScope.filter((m) => !/^(from|to)$/.test(c.prepositionOf(m))),
        'site',
      );
    },
    details: (c) => {
      const quote = c.quote();
      if (quote) return { quote };
      const cue = c.tokens[c.cue.last];
      const end = c.tokens[c.clauseEnd(c.cue.last)];
      if (!cue || !end) return {};
      const words = c.text
        .slice(cue.end, end.end)
        .replace(
          /^[\s,]*((on|late on|early on) (monday|tuesday|wednesday|thursday|friday|saturday|sunday)[\s,]*)?(that\s+)?/i,
          '',
        )
        .replace(/[.,\s]+$/, '')
        .replace(
          /\s+(on|last|this|late on|early on) (monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|month)$/i,
          '',
        );
      return words.length > 3 ? { quote: words.slice(0, 1000) } : {};
    },
    key: { on: 'actors', role: 'speaker' },
    fromContext: { role: 'speaker', fits: (m) => isPerson(m) || isOrganization(m) || isState(m) },
    title: (t) => {
      const quote = typeof t.details.quote === 'string' ? t.details.quote : '';
      const speaker = list(t.actors('speaker'));
      return quote.length > 0 && quote.length <= 120 ? `${speaker}: “${quote}”` : `Statement by ${speaker}`;
    },
  },
  ceasefire: {
    things: /^(truce|ceasefire|pause|deal|agreement|extension)$/,
    cues: [
      '(truce|ceasefire|cease-fire|pause|cessation) .{0,8} (began|begins|started|starts|ended|ends|expired|collapsed|held|holds|extended)',
      '(truce|ceasefire|cease-fire|pause|cessation) .{0,8} (took|takes|came|comes|went|goes) (effect|into)',
      '({agree}|{extend}|{end}|{violate}|{breach}|{announce}|{reach}) .{0,8} (truce|ceasefire|cease-fire|pause|cessation)',
      '(extension|collapse|end) of the (truce|ceasefire|pause)',
    ],
    unless: [
      '{accuse} .{0,6} (violating|breaching|breaking)',
      '(call|calls|called|calling|urge|urged|demand|demanding|push|pushing) .{0,5} (truce|ceasefire|pause)',
    ],
    actors: (c) => {
      const mediators = [
        ...c.after('(mediated|brokered|facilitated) by', 'actor'),
        ...c.anyActors().filter((m) => m.last < c.cue.first && c.tokens[m.last + 1]?.root === 'announce'),
      ];
      const parties = c.anyActors().filter((m) => !mediators.includes(m) && isParty(m));
      return [...cast(parties, 'party'), ...cast(mediators, 'mediator')];
    },
    locations: (c) =>
      cast(
        c.places().filter((m) => /^(in|across|of)$/.test(c.prepositionOf(m))),
        'site',
      ),
    details: (c) => {
      const stage = STAGES.find(([, re]) => c.says(re))?.[0] ?? 'agreed';
      const days = /\b(\w+)-day (truce|pause|ceasefire)/i.exec(c.sentence.text);
      return { stage, ...(days ? { terms: `${days[1] ?? ''}-day ${days[2] ?? ''}` } : {}) };
    },
    fromContext: { role: 'party', fits: isParty },
    title: (t) => {
      const parties = list(t.actors('party'));
      const between = parties ? ` between ${parties}` : '';
      switch (t.details.stage) {
        case 'agreed':
          return parties ? `${parties} agree a truce` : 'Truce agreed';
        case 'started':
          return `Truce${between} takes effect`;
        case 'extended':
          return `Truce${between} extended`;
        case 'ended':
          return `Truce${between} ends`;
        default:
          return `Truce${between} violated`;
      }
    },
  },
  release: {
    things: /^(hostages|prisoners|captives|detainees|release|exchange)$/,
    cues: [
      '({release}|{free}|handed over|hands over|set free) .{0,8} (hostages|hostage|prisoners|prisoner|detainees|captives|women|children|israelis|palestinians)',
      '(hostages|prisoners|detainees|captives) .{0,6} (released|freed|handed)',
    ],
    unless: ['in exchange for', '(offers|offer|deal|agreement) to {free}'],
    actors: (c) => {
      const receivers = c
        .after('(handed|transferred|delivered) over? to', 'actor')
        .filter((m) => !c.places().includes(m));
      const subject = c.subject();
      const by = c.after('(released|freed) by', 'actor');
      const releasers = [...(subject && !receivers.includes(subject) ? [subject] : []), ...by];
      const mediators = c.after('(mediated|brokered) by', 'actor');
      return [
        ...cast(releasers, 'released_by'),
        ...cast(receivers, 'received_by'),
        ...cast(mediators, 'mediator'),
      ];
    },
    locations: (c) => {
      const crossing = crossings(c);
      const others = c.places().filter((m) => !crossing.includes(m) && m.first > c.cue.first);
      return [
        ...cast(crossing, 'crossing'),
        ...others.flatMap((m) => {
          const role = c.placeRole(m, ['destination', 'origin', 'site'], 'destination');
          return role === undefined ? [] : [{ mention: m, role }];
        }),
      ];
    },
    details: (c) =>
      counts([
        ['hostages', c.count(/^(hostages?|captives)$/, 2)],
        ['prisoners', c.count(/^prisoners?$/, 3)],
        ['detainees', c.count(/^detainees?$/, 3)],
        ['foreign_nationals', c.count(/^(foreign|foreigners)$/, 0)],
      ]),
    key: { on: 'actors', role: 'released_by' },
    fromContext: { role: 'released_by', fits: isParty },
    title: (t) => {
      const people = (t.details.people ?? {}) as Record<string, number>;
      const what = Object.entries(people)
        .filter(([key]) => key !== 'foreign_nationals' || Object.keys(people).length === 1)
        .map(([key, n]) => `${n} ${key.replace(/_/g, ' ')}`);
      return `${list(t.actors('released_by')) || 'Captors'} free${t.actors('released_by').length > 1 ? '' : 's'} ${list(what) || 'captives'}`;
    },
  },
  resolution: {
    things: /^(draft|resolution|text|vote|measure)$/,
    cues: [
      '{veto}',
      '({adopt}|{pass}|{approve}|{reject}) .{0,6} (resolution|draft|text|motion)',
      '(resolution|draft|text) .{0,10} (adopted|passed|approved|rejected|failed|defeated)',
      '{vote} .{0,8} (favour|favor|against|abstain|abstentions)',
      'voted .{0,4} to (demand|call)',
    ],
    unless: ['(will|would|expected to|due to|plans to) .{0,3} vote'],
    actors: (c) => cast(c.anyActors().filter(isBody).slice(0, 1), 'body'),
    locations: (c) =>
      cast(
        c.places().filter((m) => /^(in|at)$/.test(c.prepositionOf(m)) && m.location?.entryKind === 'city'),
        'site',
      ),
    details: (c) => {
      const result = outcome(c);
      const vetoers =
        result === 'vetoed' ? listedBefore(c, '{veto}').filter((m) => m.actor && isState(m)) : [];
      const digits = /\bresolution (\d{3,4})\b/i.exec(c.sentence.text)?.[1];
      // Security Council resolutions are numbered S/RES/n (year); others keep the words they are given.
      const council = c.anyActors().some((m) => /security council/i.test(m.actor?.name ?? m.text));
      const number = digits && (council ? `S/RES/${digits} (${c.year})` : `resolution ${digits}`);
      return {
        ...(result ? { outcome: result } : {}),
        ...(number ? { number } : {}),
        ...votes(c, vetoers.length),
        ...(vetoers.length > 0 ? { vetoedBy: vetoers.map((m) => m.actor?.id ?? '') } : {}),
      };
    },
    key: { on: 'actors', role: 'body' },
    fromContext: { role: 'body', fits: isBody },
    title: (t) => {
      const body = list(t.actors('body')) || 'The council';
      const number = typeof t.details.number === 'string' ? ` ${t.details.number}` : '';
      switch (t.details.outcome) {
        case 'vetoed':
          return `Draft resolution vetoed in the ${body}`;
        case 'rejected':
          return `${body} rejects a draft resolution`;
        default:
          return `${body} adopts resolution${number}`;
      }
    },
  },
  evacuation: {
    things: /^(wounded|evacuees|evacuation|evacuations|ambulances|patients|foreigners)$/,
    cues: [
      '{evacuate}',
      '(evacuation|evacuations|evacuees)',
      '(wounded|injured|patients|foreign|foreigners|nationals|civilians|dual) .{0,8} (left|leave|leaving|crossed|cross|exited|taken|transferred) .{0,4} (gaza|egypt|into|through|the|to|by)',
    ],
    unless: ['(suspended|halted|stopped|blocked|postponed|delayed)', 'no one .{0,4} (leave|allowed)'],
    actors: (c) => cast(c.after('(mediated|brokered) by', 'actor'), 'mediator'),
    locations: (c) => {
      const crossing = crossings(c);
      const others = c.places().filter((m) => !crossing.includes(m));
      return [
        ...cast(crossing, 'crossing'),
        ...others.flatMap((m) => {
          const before = c.tokens[m.first - 1]?.normal ?? '';
          const role = /^(left|leave|leaving|from)$/.test(before)
            ? 'origin'
            : c.placeRole(m, ['destination', 'origin'], 'destination');
          return role === undefined ? [] : [{ mention: m, role }];
        }),
      ];
    },
    details: (c) =>
      counts([
        ['wounded', c.count(/^(wounded|injured)$/, 0, 'sentence')],
        ['foreign_nationals', c.count(/^(foreign|foreigners|dual)$/, 0, 'sentence')],
        ['patients', c.count(/^patients$/, 1, 'sentence')],
        ['companions', c.count(/^companions$/, 1, 'sentence')],
        ['civilians', c.count(/^civilians$/, 1, 'sentence')],
      ]),
    title: (t) => {
      const people = (t.details.people ?? {}) as Record<string, number>;
      const who = Object.entries(people).map(([key, n]) => `${n} ${key.replace(/_/g, ' ')}`);
      const through = t.places('crossing')[0];
      return `${TITLE_CASE(list(who) || 'people')} evacuated${through ? ` through ${through}` : ''}`;
    },
  },
};

function purposeOf(c: Clause): Details {
  if (c.says(/\b(evacuat\w*|wounded|foreign nationals|patients|to leave)\b/i))
    return { purpose: 'evacuation' };
  if (c.says(/\b(aid|trucks|convoys?|supplies|fuel|humanitarian)\b/i)) return { purpose: 'aid' };
  if (c.says(/\b(goods|commercial)\b/i)) return { purpose: 'goods' };
  if (c.says(/\b(travellers|travelers|passengers|people)\b/i)) return { purpose: 'people' };
  return {};
}
