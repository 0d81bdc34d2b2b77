import type { IncidentInput } from '../incidents/incident.js';
import type { ActorRegistration, LocationRegistration } from '../registry/registry.commands.js';
import type { RegistryKind } from '../registry/registry.events.js';

/**
 * The demo record: what the reference article of 6 November 2023 reports, in Dateline's words.
 * Dates the article does not pin to a day are recorded at month precision.
 */
const article = {
  publisher: 'Reference article',
  title: 'Beijing’s special envoy Zhai Jun on the war in Gaza',
  publishedOn: '2023-11-06',
} as const;

export const DEMO_ACTORS: readonly ActorRegistration[] = [
  { id: 'zhai-jun', name: 'Zhai Jun', kind: 'person' },
  { id: 'china', name: 'China', kind: 'state' },
  { id: 'palestinian-foreign-minister', name: 'Palestinian foreign minister', kind: 'person' },
  { id: 'israeli-foreign-minister', name: 'Israeli foreign minister', kind: 'person' },
  { id: 'un', name: 'United Nations', kind: 'organization' },
  { id: 'eu', name: 'European Union', kind: 'organization' },
  { id: 'egyptian-red-crescent', name: 'Egyptian Red Crescent', kind: 'organization' },
];

export const DEMO_LOCATIONS: readonly LocationRegistration[] = [
  { id: 'middle-east', name: 'Middle East', kind: 'region', coordinates: { lat: 29.3, lon: 42.5 } },
  { id: 'egypt', name: 'Egypt', kind: 'country', coordinates: { lat: 26.8, lon: 30.8 } },
  {
    id: 'palestinian-territories',
    name: 'Palestinian territories',
    kind: 'region',
    coordinates: { lat: 31.95, lon: 35.23 },
  },
  {
    id: 'gaza-strip',
    name: 'Gaza Strip',
    kind: 'region',
    parentId: 'palestinian-territories',
    coordinates: { lat: 31.42, lon: 34.36 },
  },
  {
    id: 'rafah-crossing',
    name: 'Rafah crossing',
    kind: 'crossing',
    parentId: 'gaza-strip',
    coordinates: { lat: 31.2468, lon: 34.2598 },
  },
];

/** Other names the article and the wires use, so mentions by them resolve to the same entry. */
export const DEMO_ALIASES: readonly { kind: RegistryKind; id: string; alias: string }[] = [
  { kind: 'actor', id: 'zhai-jun', alias: 'China’s special envoy on the Middle East' },
  { kind: 'actor', id: 'zhai-jun', alias: 'Beijing’s special envoy' },
  { kind: 'actor', id: 'un', alias: 'UN' },
  { kind: 'actor', id: 'eu', alias: 'EU' },
  { kind: 'location', id: 'gaza-strip', alias: 'Gaza' },
  { kind: 'location', id: 'rafah-crossing', alias: 'Rafah border crossing' },
];

/** Who acts for whom: China's timeline with include=affiliates shows its envoy's work. */
export const DEMO_AFFILIATIONS: readonly { id: string; with: string }[] = [{ id: 'zhai-jun', with: 'china' }];

const REPORTS: readonly IncidentInput[] = [
  {
    kind: 'envoy_tour',
    occurred: { on: '2023-11' },
    title: 'Zhai Jun tours the Middle East',
    summary:
      'China’s special envoy on the Middle East tours the region, warning of a wider war and pressing for dialogue and a ceasefire in Gaza.',
    actors: [
      { id: 'zhai-jun', role: 'envoy' },
      { id: 'china', role: 'on_behalf_of' },
    ],
    locations: [{ id: 'middle-east', role: 'visited' }],
    details: { topics: ['ceasefire', 'humanitarian aid'] },
    sources: [article],
  },
  {
    kind: 'talks',
    occurred: { on: '2023-11' },
    title: 'Zhai Jun holds talks with the Palestinian foreign minister',
    summary: 'Talks on a pathway for humanitarian aid and a lasting ceasefire.',
    actors: [
      { id: 'zhai-jun', role: 'participant' },
      { id: 'palestinian-foreign-minister', role: 'participant' },
    ],
    locations: [],
    details: { topics: ['humanitarian aid', 'ceasefire'] },
    sources: [article],
  },
  {
    kind: 'talks',
    occurred: { on: '2023-11' },
    title: 'Zhai Jun holds talks with the Israeli foreign minister',
    summary: 'Talks on a pathway for humanitarian aid and a lasting ceasefire.',
    actors: [
      { id: 'zhai-jun', role: 'participant' },
      { id: 'israeli-foreign-minister', role: 'participant' },
    ],
    locations: [],
    details: { topics: ['humanitarian aid', 'ceasefire'] },
    sources: [article],
  },
  {
    kind: 'talks',
    occurred: { on: '2023-11' },
    title: 'Zhai Jun meets representatives of the UN and the EU',
    actors: [
      { id: 'zhai-jun', role: 'participant' },
      { id: 'un', role: 'participant' },
      { id: 'eu', role: 'participant' },
    ],
    locations: [],
    details: { topics: ['humanitarian aid', 'ceasefire'] },
    sources: [article],
  },
  {
    kind: 'statement',
    occurred: { on: '2023-11-06' },
    title: 'Zhai Jun calls the situation in Gaza “very serious” and urges a ceasefire',
    summary:
      'He says answering violence with violence only feeds a cycle of revenge, and calls for immediate action.',
    actors: [{ id: 'zhai-jun', role: 'speaker' }],
    locations: [{ id: 'gaza-strip', role: 'site' }],
    details: { quote: 'very serious', topics: ['ceasefire'] },
    sources: [{ ...article, quote: 'very serious' }],
  },
  {
    kind: 'crossing_opening',
    occurred: { on: '2023-11-06' },
    title: 'Rafah crossing between Gaza and Egypt opens',
    summary: 'The opening lets aid convoys enter Gaza from Egypt.',
    actors: [],
    locations: [
      { id: 'rafah-crossing', role: 'crossing' },
      { id: 'egypt', role: 'origin' },
      { id: 'gaza-strip', role: 'destination' },
    ],
    details: { purpose: 'aid' },
    sources: [article],
  },
  {
    kind: 'aid_delivery',
    occurred: { on: '2023-11-06' },
    title: 'Convoy of 17 trucks enters Gaza through Rafah',
    summary: 'Medical aid, food and water reach Gaza after the crossing opens.',
    actors: [{ id: 'egyptian-red-crescent', role: 'provider' }],
    locations: [
      { id: 'rafah-crossing', role: 'crossing' },
      { id: 'gaza-strip', role: 'destination' },
    ],
    details: { channel: 'ngo', trucks: 17, cargo: ['medical', 'food', 'water'] },
    sources: [article],
  },
  {
    kind: 'aid_delivery',
    occurred: { on: '2023-11' },
    title: 'China sends emergency assistance to Gaza through the UN and bilateral channels',
    actors: [
      { id: 'china', role: 'donor' },
      { id: 'un', role: 'provider' },
    ],
    locations: [{ id: 'gaza-strip', role: 'destination' }],
    details: { channel: 'un' },
    sources: [article],
  },
];

/**
 * Demo incidents carry fixed ids (UUIDv7 stamped 6 November 2023, the article's day): loading the
 * demo twice, even by two instances at once on one log, records each incident once.
 */
export const DEMO_INCIDENTS: readonly IncidentInput[] = REPORTS.map((report, i) => ({
  ...report,
  id: `018ba1ed-d400-7000-8000-${String(i + 1).padStart(12, '0')}`,
}));
