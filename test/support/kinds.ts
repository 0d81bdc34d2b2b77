import type { IncidentInput } from '../../src/incidents/incident.js';

const source = [{ publisher: 'Wire', publishedOn: '2023-11-24' }];

/** One valid incident of each of the four kinds added for the war's truces, releases, votes and evacuations. */
export const NEW_KINDS: Record<'ceasefire' | 'release' | 'resolution' | 'evacuation', IncidentInput> = {
  ceasefire: {
    kind: 'ceasefire',
    occurred: { on: '2023-11-24', until: '2023-12-01' },
    title: 'Humanitarian pause in Gaza begins',
    actors: [
      { name: 'Israel', role: 'party' },
      { name: 'Hamas', role: 'party' },
      { name: 'Qatar', role: 'mediator' },
    ],
    locations: [{ name: 'Gaza Strip', role: 'site' }],
    details: { stage: 'started', terms: 'Four days, extendable; hostages for prisoners; 200 trucks a day' },
    sources: source,
  },
  release: {
    kind: 'release',
    occurred: { on: '2023-11-24' },
    title: 'First hostages and prisoners freed under the pause',
    actors: [
      { name: 'Hamas', role: 'released_by' },
      { name: 'International Committee of the Red Cross', role: 'received_by' },
      { name: 'Qatar', role: 'mediator' },
    ],
    locations: [{ name: 'Rafah crossing', role: 'crossing' }],
    details: { people: { hostages: 24 } },
    sources: source,
  },
  resolution: {
    kind: 'resolution',
    occurred: { on: '2023-12-22' },
    title: 'Security Council adopts resolution 2720 on aid to Gaza',
    actors: [{ name: 'UN Security Council', role: 'body' }],
    locations: [],
    details: {
      number: 'S/RES/2720 (2023)',
      outcome: 'adopted',
      votes: { for: 13, against: 0, abstained: 2 },
    },
    sources: source,
  },
  evacuation: {
    kind: 'evacuation',
    occurred: { on: '2023-11-01' },
    title: 'Wounded and foreign nationals leave Gaza through Rafah',
    actors: [],
    locations: [
      { name: 'Rafah crossing', role: 'crossing' },
      { name: 'Gaza Strip', role: 'origin' },
      { name: 'Egypt', role: 'destination' },
    ],
    details: { people: { wounded: 76, foreign_nationals: 335 } },
    sources: source,
  },
};
