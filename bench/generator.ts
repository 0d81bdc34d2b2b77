/**
 * The synthetic log: a registry of actors and locations in a hierarchy, then incidents of all ten
 * kinds over 2000–2026 with Zipf-skewed participants, interleaved with follow-ups (corrections,
 * disputes, retractions). Deterministic for a seed: no Math.random, no clock.
 */
import { slugify } from '../src/common/slug.js';
import type { EventMetadata, ExpectedRevision, NewEvent } from '../src/event-store/event-store.js';
import type {
  ActorRole,
  IncidentFacts,
  IncidentInput,
  IncidentKind,
  LocationRole,
  Participant,
  Source,
} from '../src/incidents/incident.js';
import { REPORTED_EVENT } from '../src/incidents/incident.events.js';
import type { ActorKind, LocationKind } from '../src/registry/registry.events.js';
import { followUpEvent, type FollowUpKind } from './follow-ups.js';
import { Rng, Zipf } from './rng.js';

export interface RegistryEntry {
  readonly id: string;
  readonly name: string;
}
export interface ActorEntry extends RegistryEntry {
  readonly kind: ActorKind;
}
export interface LocationEntry extends RegistryEntry {
  readonly kind: LocationKind;
  readonly parentId: string | null;
  readonly coordinates: { lat: number; lon: number };
}

export interface Registry {
  /** Each list is in popularity order: index 0 is drawn most often. */
  readonly actors: { readonly [K in ActorKind]: readonly ActorEntry[] };
  readonly allActors: readonly ActorEntry[];
  readonly locations: { readonly [K in LocationKind]: readonly LocationEntry[] };
  readonly allLocations: readonly LocationEntry[];
}

/** One append through the store port. */
export interface AppendSpec {
  readonly stream: string;
  readonly events: NewEvent[];
  readonly expectedRevision: ExpectedRevision;
}

export interface LogOptions {
  readonly events: number;
  readonly seed: number;
  /** Shares of incidents that later get a correction, a dispute, a retraction. */
  readonly followUps?: { readonly corrected: number; readonly disputed: number; readonly retracted: number };
}

export const DEFAULT_FOLLOW_UPS = { corrected: 0.05, disputed: 0.01, retracted: 0.005 } as const;

const SYLLABLES = [
  'ka', 'ra', 'mo', 'zi', 'lu', 'ten', 'var', 'sel', 'dor', 'mi', 'an', 'bel', 'cor', 'das', 'el',
  'fa', 'gor', 'ha', 'is', 'jan', 'kel', 'lin', 'mar', 'nor', 'os', 'pra', 'qui', 'ros', 'sa', 'tu',
  'ul', 'vi', 'wen', 'xa', 'yor', 'zen', 'ab', 'bar', 'ces', 'di',
]; // prettier-ignore
const PUBLISHERS = [
  'Reuters', 'Associated Press', 'Agence France-Presse', 'Xinhua', 'Al Jazeera', 'BBC News',
  'The Guardian', 'Le Monde', 'Der Spiegel', 'UN OCHA', 'ReliefWeb', 'Haaretz', 'Ahram Online',
  'Anadolu Agency', 'Kyodo News', 'Deutsche Welle', 'France 24', 'NHK World', 'El País', 'TASS',
]; // prettier-ignore
const TOPICS = [
  'ceasefire', 'humanitarian access', 'hostages', 'reconstruction', 'refugees', 'sanctions',
  'border security', 'water supply', 'fuel', 'medical aid', 'elections', 'prisoner exchange',
]; // prettier-ignore
const CARGO = ['food', 'water', 'medical', 'fuel', 'shelter', 'other'] as const;

const START_MS = Date.UTC(2000, 0, 1);
const END_MS = Date.UTC(2026, 5, 1);
const DAY_MS = 86_400_000;

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function word(rng: Rng, min: number, max: number): string {
  let out = '';
  const n = rng.between(min, max);
  for (let i = 0; i < n; i++) out += rng.pick(SYLLABLES);
  return capitalise(out);
}

/** Builds names until their slugs are unique, as the registry requires. */
function uniqueName(rng: Rng, taken: Set<string>, make: () => string): { id: string; name: string } {
  for (let attempt = 0; ; attempt++) {
    const name = attempt < 5 ? make() : `${make()} ${attempt}`;
    const id = slugify(name);
    if (id !== '' && !taken.has(id)) {
      taken.add(id);
      return { id, name };
    }
    if (attempt > 50) throw new Error(`cannot find a unique name (rng ${rng.nextUint32()})`);
  }
}

/** About 5,000 actors and 1,000 locations (fewer for a very small log). */
export function buildRegistry(rng: Rng, scale = 1): Registry {
  const n = (full: number): number => Math.max(3, Math.round(full * scale));
  const taken = new Set<string>();
  const actor = (kind: ActorKind, make: () => string): ActorEntry => ({
    ...uniqueName(rng, taken, make),
    kind,
  });
  const actors = {
    state: Array.from({ length: n(200) }, () => actor('state', () => `Republic of ${word(rng, 2, 3)}`)),
    person: Array.from({ length: n(3500) }, () =>
      actor('person', () => `${word(rng, 1, 2)} ${word(rng, 2, 3)}`),
    ),
    organization: Array.from({ length: n(1000) }, () =>
      actor('organization', () => `${word(rng, 2, 3)} ${rng.pick(['Relief', 'Council', 'Agency', 'Fund'])}`),
    ),
    group: Array.from({ length: n(300) }, () =>
      actor('group', () => `${word(rng, 2, 3)} ${rng.pick(['Movement', 'Front', 'Brigades'])}`),
    ),
  };
  const locTaken = new Set<string>();
  const coordinates = (): { lat: number; lon: number } => ({
    lat: Math.round((rng.next() * 140 - 70) * 1e4) / 1e4,
    lon: Math.round((rng.next() * 360 - 180) * 1e4) / 1e4,
  });
  const location = (kind: LocationKind, parentId: string | null, make: () => string): LocationEntry => ({
    ...uniqueName(rng, locTaken, make),
    kind,
    parentId,
    coordinates: coordinates(),
  });
  const country = Array.from({ length: n(60) }, () => location('country', null, () => word(rng, 2, 3)));
  const region = Array.from({ length: n(180) }, () =>
    location('region', rng.pick(country).id, () => `${word(rng, 2, 3)} Province`),
  );
  const city = Array.from({ length: n(560) }, () =>
    location('city', rng.pick(region).id, () => word(rng, 2, 4)),
  );
  const crossing = Array.from({ length: n(150) }, () =>
    location('crossing', rng.pick(region).id, () => `${word(rng, 2, 3)} crossing`),
  );
  const site = Array.from({ length: n(50) }, () =>
    location('site', rng.pick(city).id, () => `${word(rng, 2, 3)} ${rng.pick(['Hospital', 'Port', 'Camp'])}`),
  );
  const locations = { country, region, city, crossing, site };
  return {
    actors,
    allActors: [...actors.state, ...actors.person, ...actors.organization, ...actors.group],
    locations,
    allLocations: [...country, ...region, ...city, ...crossing, ...site],
  };
}

/** Registry events in the shape of src/registry/registry.events.ts; parents come before children. */
export function registryAppends(registry: Registry): { stream: string; type: string; data: unknown }[] {
  return [
    ...registry.allActors.map((a) => ({
      stream: `actor-${a.id}`,
      type: 'ActorRegistered',
      data: { actorId: a.id, name: a.name, kind: a.kind, provisional: false },
    })),
    ...registry.allLocations.map((l) => ({
      stream: `location-${l.id}`,
      type: 'LocationRegistered',
      data: {
        locationId: l.id,
        name: l.name,
        kind: l.kind,
        parentId: l.parentId,
        coordinates: l.coordinates,
        provisional: false,
      },
    })),
  ];
}

/** Popularity samplers per kind of registry entry. */
export class Popularity {
  private readonly zipf = new Map<readonly unknown[], Zipf>();

  constructor(
    private readonly rng: Rng,
    readonly registry: Registry,
  ) {}

  draw<T>(list: readonly T[]): T {
    let zipf = this.zipf.get(list);
    if (!zipf) {
      zipf = new Zipf(list.length, 1.05);
      this.zipf.set(list, zipf);
    }
    return list[zipf.draw(this.rng)] as T;
  }

  /** `n` distinct entries drawn by popularity. */
  distinct<T extends RegistryEntry>(list: readonly T[], n: number): T[] {
    const out = new Map<string, T>();
    for (let tries = 0; out.size < n && tries < n * 10; tries++) {
      const entry = this.draw(list);
      out.set(entry.id, entry);
    }
    return [...out.values()];
  }
}

const KIND_WEIGHTS: readonly [IncidentKind, number][] = [
  ['statement', 0.27],
  ['talks', 0.2],
  ['aid_delivery', 0.2],
  ['crossing_opening', 0.08],
  ['crossing_closure', 0.08],
  ['envoy_tour', 0.07],
  ['ceasefire', 0.03],
  ['release', 0.03],
  ['resolution', 0.02],
  ['evacuation', 0.02],
];

function drawKind(rng: Rng): IncidentKind {
  let u = rng.next();
  for (const [kind, weight] of KIND_WEIGHTS) {
    u -= weight;
    if (u < 0) return kind;
  }
  return 'statement';
}

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

interface Drawn {
  readonly kind: IncidentKind;
  readonly occurred: { on: string; until?: string };
  readonly title: string;
  readonly summary: string;
  readonly actors: Participant<ActorRole>[];
  readonly locations: Participant<LocationRole>[];
  readonly details: Record<string, unknown>;
  readonly sources: Source[];
}

/**
 * One incident that passes the kind rules of src/incidents/incident.rules.ts. `recordedMs` is when
 * it was recorded; it happened before that (usually days before, sometimes years: a backfill).
 */
export function drawIncident(rng: Rng, pop: Popularity, recordedMs: number): Drawn {
  const { actors: A, locations: L } = pop.registry;
  const kind = drawKind(rng);
  const occurredMs = rng.chance(0.1)
    ? START_MS + rng.next() * Math.max(0, recordedMs - START_MS)
    : Math.max(START_MS, recordedMs - rng.int(10) * DAY_MS);
  const day = isoDay(occurredMs);
  const precision = rng.next();
  const on =
    kind === 'envoy_tour' || kind === 'ceasefire' || precision < 0.85
      ? day
      : precision < 0.95
        ? day.slice(0, 7)
        : day.slice(0, 4);
  const occurred: { on: string; until?: string } = { on };
  const actor = (e: ActorEntry, role: ActorRole): Participant<ActorRole> => ({
    id: e.id,
    name: e.name,
    role,
  });
  const place = (e: LocationEntry, role: LocationRole): Participant<LocationRole> => ({
    id: e.id,
    name: e.name,
    role,
  });
  const topics = rng.sample(TOPICS, rng.between(1, 3));
  let actors: Participant<ActorRole>[];
  let locations: Participant<LocationRole>[];
  let details: Record<string, unknown>;
  let title: string;
  switch (kind) {
    case 'envoy_tour': {
      const envoy = pop.draw(A.person);
      const state = pop.draw(A.state);
      occurred.until = isoDay(occurredMs + rng.between(2, 14) * DAY_MS);
      actors = [actor(envoy, 'envoy'), actor(state, 'on_behalf_of')];
      locations = pop.distinct(L.city, rng.between(1, 4)).map((l) => place(l, 'visited'));
      details = { topics };
      title = `${envoy.name} tours the region on behalf of ${state.name}`;
      break;
    }
    case 'talks': {
      const people = pop.distinct(pop.registry.allActors, rng.between(2, 4));
      actors = people.map((p, i) => actor(p, i === 0 && rng.chance(0.3) ? 'host' : 'participant'));
      locations = [place(pop.draw(L.city), 'site')];
      details = { format: rng.pick(['in_person', 'phone', 'video']), topics };
      title = `Talks between ${people.map((p) => p.name).join(', ')}`;
      break;
    }
    case 'crossing_opening':
    case 'crossing_closure': {
      const crossing = pop.draw(L.crossing);
      actors = rng.chance(0.6) ? [actor(pop.draw(A.state), 'authorizer')] : [];
      locations = [place(crossing, 'crossing')];
      details = { purpose: rng.pick(['aid', 'evacuation', 'people', 'goods']) };
      title = `${crossing.name} ${kind === 'crossing_opening' ? 'opens' : 'closes'}`;
      break;
    }
    case 'aid_delivery': {
      const provider = pop.draw(A.organization);
      actors = [actor(provider, 'provider')];
      if (rng.chance(0.5)) actors.push(actor(pop.draw(A.state), 'donor'));
      if (rng.chance(0.3)) actors.push(actor(pop.draw(A.group), 'recipient'));
      locations = [place(pop.draw(L.region), 'destination')];
      if (rng.chance(0.7)) locations.unshift(place(pop.draw(L.crossing), 'crossing'));
      const trucks = rng.between(1, 200);
      details = {
        channel: rng.pick(['un', 'bilateral', 'ngo', 'other']),
        trucks,
        cargo: rng.sample(CARGO, rng.between(1, 3)),
        ...(rng.chance(0.3) ? { tonnes: Math.round(trucks * 18.5) } : {}),
      };
      title = `Convoy of ${trucks} trucks from ${provider.name}`;
      break;
    }
    case 'statement': {
      const speaker = pop.draw(rng.chance(0.5) ? A.person : pop.registry.allActors);
      actors = [actor(speaker, 'speaker')];
      locations = rng.chance(0.5) ? [place(pop.draw(rng.chance(0.5) ? L.city : L.country), 'site')] : [];
      details = { quote: `We call for ${topics.join(' and ')} without delay.`, topics };
      title = `${speaker.name} speaks on ${topics[0] ?? 'the situation'}`;
      break;
    }
    case 'ceasefire': {
      const parties = pop.distinct(rng.chance(0.5) ? A.state : A.group, 2);
      actors = [...parties.map((p) => actor(p, 'party')), actor(pop.draw(A.state), 'mediator')];
      locations = [place(pop.draw(L.region), 'site')];
      occurred.until = isoDay(occurredMs + rng.between(1, 7) * DAY_MS);
      const stage = rng.pick(['agreed', 'started', 'extended', 'ended', 'violated']);
      details = { stage, ...(rng.chance(0.7) ? { terms: `A pause of ${rng.between(1, 7)} days.` } : {}) };
      title = `Ceasefire ${stage} between ${parties.map((p) => p.name).join(' and ')}`;
      break;
    }
    case 'release': {
      const by = pop.draw(A.group);
      actors = [actor(by, 'released_by'), actor(pop.draw(A.organization), 'received_by')];
      if (rng.chance(0.5)) actors.push(actor(pop.draw(A.state), 'mediator'));
      locations = rng.chance(0.5) ? [place(pop.draw(L.crossing), 'crossing')] : [];
      // Counts the sources did not give stay out, never 0.
      const people = Object.fromEntries(
        rng
          .sample(['hostages', 'prisoners', 'detainees', 'foreign_nationals'], rng.between(1, 2))
          .map((c) => [c, rng.between(1, 50)]),
      );
      details = rng.chance(0.8) ? { people } : {};
      title = `${by.name} releases ${Object.keys(people).join(' and ')}`;
      break;
    }
    case 'resolution': {
      const body = pop.draw(A.organization);
      actors = [actor(body, 'body')];
      locations = [];
      const outcome = rng.pick(['adopted', 'rejected', 'vetoed']);
      const against = rng.between(0, 5);
      details = {
        number: `S/RES/${rng.between(1000, 2800)} (${day.slice(0, 4)})`,
        outcome,
        votes: { for: rng.between(5, 15), against, abstained: rng.between(0, 5) },
        ...(outcome === 'vetoed' ? { vetoedBy: [pop.draw(A.state).id] } : {}),
      };
      title = `${body.name} resolution ${outcome}`;
      break;
    }
    case 'evacuation': {
      const crossing = pop.draw(L.crossing);
      actors = rng.chance(0.5) ? [actor(pop.draw(A.organization), 'provider')] : [];
      locations = [place(crossing, 'crossing'), place(pop.draw(L.city), 'destination')];
      const people = Object.fromEntries(
        rng
          .sample(['wounded', 'foreign_nationals', 'patients', 'companions', 'civilians'], rng.between(1, 3))
          .map((c) => [c, rng.between(1, 400)]),
      );
      details = { people };
      title = `Evacuation through ${crossing.name}`;
      break;
    }
  }
  const sources = Array.from({ length: rng.between(1, 3) }, () => {
    const publisher = rng.pick(PUBLISHERS);
    return {
      publisher,
      url: `https://news.example/${slugify(publisher)}/${rng.nextUint32().toString(36)}`,
      publishedOn: isoDay(Math.max(occurredMs, recordedMs - DAY_MS)),
    };
  });
  return {
    kind,
    occurred,
    title: title.slice(0, 300),
    summary: `Reported on ${day}: ${title}. Topics: ${topics.join(', ')}.`,
    actors,
    locations,
    details,
    sources,
  };
}

/** The stored event data (IncidentFacts) of a drawn incident. */
export function toFacts(incidentId: string, d: Drawn): IncidentFacts {
  return {
    incidentId,
    occurred: d.occurred,
    title: d.title,
    summary: d.summary,
    actors: d.actors,
    locations: d.locations,
    details: d.details,
    sources: d.sources,
  };
}

/** What a client sends to POST /v1/incidents for a drawn incident: mentions by registry id. */
export function toInput(d: Drawn): IncidentInput {
  return {
    kind: d.kind,
    occurred: d.occurred,
    title: d.title,
    summary: d.summary,
    actors: d.actors.map(({ id, role }) => ({ id, role })),
    locations: d.locations.map(({ id, role }) => ({ id, role })),
    details: d.details,
    sources: d.sources,
  };
}

/** HTTP bodies for the ingest phases: incidents over the same registry, recorded "now". */
export function drawInputs(seed: number, registry: Registry, count: number): IncidentInput[] {
  const rng = new Rng(seed);
  const pop = new Popularity(rng, registry);
  return Array.from({ length: count }, () => toInput(drawIncident(rng, pop, END_MS)));
}

/** Synthetic recording time of the i-th of n events: spread evenly over 2000–2026. */
export function recordedAtMs(i: number, n: number): number {
  return START_MS + Math.floor(((END_MS - START_MS) * i) / Math.max(1, n));
}

interface Recent {
  readonly incidentId: string;
  revision: number;
  retracted: boolean;
}

/**
 * The whole log as appends, in order: registrations, then incidents with their follow-ups. The
 * total number of events is exactly `options.events` (registrations included).
 */
export function* generateLog(options: LogOptions, registry: Registry): Generator<AppendSpec> {
  const rng = new Rng(options.seed ^ 0x5eed);
  const pop = new Popularity(rng, registry);
  const rates = options.followUps ?? DEFAULT_FOLLOW_UPS;
  const total = options.events;
  let emitted = 0;
  const metadata = (): EventMetadata => {
    const id = rng.uuidV4();
    return {
      recordedAt: new Date(recordedAtMs(emitted, total)).toISOString(),
      recordedBy: 'bench',
      correlationId: id,
      causationId: id,
      schemaVersion: 1,
    };
  };
  const event = (type: string, data: unknown): NewEvent => {
    // Event ids are time-ordered (v7) like the server's StreamHandler gives them, at the event's
    // recordedAt; incident ids are time-ordered (v7) like the recorder's.
    const e = { id: rng.uuidV7(recordedAtMs(emitted, total)), type, data, metadata: metadata() };
    emitted += 1;
    return e;
  };

  for (const r of registryAppends(registry)) {
    if (emitted >= total) return;
    yield { stream: r.stream, events: [event(r.type, r.data)], expectedRevision: 'no_stream' };
  }

  // Follow-ups land on recent incidents (a correction comes days, not years, after the report).
  const recent: Recent[] = [];
  const RECENT = 4096;
  const followUpShare = rates.corrected + rates.disputed + rates.retracted;
  while (emitted < total) {
    if (recent.length > 0 && rng.chance(followUpShare / (1 + followUpShare))) {
      const target = rng.pick(recent);
      if (target.retracted) continue;
      const u = rng.next() * followUpShare;
      const kind: FollowUpKind =
        u < rates.corrected ? 'correction' : u < rates.corrected + rates.disputed ? 'dispute' : 'retraction';
      const followUp = followUpEvent(rng, kind, target.incidentId);
      yield {
        stream: `incident-${target.incidentId}`,
        events: [event(followUp.type, followUp.data)],
        expectedRevision: BigInt(target.revision),
      };
      target.revision += 1;
      if (kind === 'retraction') target.retracted = true;
      continue;
    }
    const recordedMs = recordedAtMs(emitted, total);
    const incidentId = rng.uuidV7(recordedMs);
    const drawn = drawIncident(rng, pop, recordedMs);
    yield {
      stream: `incident-${incidentId}`,
      events: [event(REPORTED_EVENT[drawn.kind], toFacts(incidentId, drawn))],
      expectedRevision: 'no_stream',
    };
    const entry = { incidentId, revision: 0, retracted: false };
    if (recent.length < RECENT) recent.push(entry);
    else recent[rng.int(RECENT)] = entry;
  }
}

/** Paths worth querying: the most mentioned actors and the countries (with many descendants). */
export function queryTargets(registry: Registry): {
  actors: string[];
  countries: string[];
  registryEvents: number;
} {
  const topOf = (list: readonly RegistryEntry[], n: number): string[] => list.slice(0, n).map((e) => e.id);
  return {
    actors: [
      ...topOf(registry.actors.person, 16),
      ...topOf(registry.actors.state, 16),
      ...topOf(registry.actors.organization, 16),
      ...topOf(registry.actors.group, 16),
    ],
    countries: topOf(registry.locations.country, 16),
    registryEvents: registry.allActors.length + registry.allLocations.length,
  };
}
