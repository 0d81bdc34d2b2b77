import { ConflictError, DomainValidationError } from '../../src/common/errors.js';
import type { IncidentFacts, IncidentInput } from '../../src/incidents/incident.js';
import { decide, evolve, initialState, type IncidentCommand } from '../../src/incidents/incident.decider.js';
import type { IncidentEvent } from '../../src/incidents/incident.events.js';

/** Given these past events, when this command, then these events (or this error). */
function given(events: IncidentEvent[]) {
  const state = events.reduce(evolve, initialState());
  return {
    when: (command: IncidentCommand) => ({
      then: (expected: IncidentEvent[]) => expect(decide(command, state)).toEqual(expected),
      thenThrows: (error: new (...args: never[]) => Error, match?: RegExp) => {
        expect(() => decide(command, state)).toThrow(error);
        if (match) expect(() => decide(command, state)).toThrow(match);
      },
    }),
  };
}

const input: IncidentInput = {
  kind: 'envoy_tour',
  occurred: { on: '2023-11', until: '2023-12' },
  title: 'Zhai Jun tours the Middle East',
  actors: [
    { id: 'zhai-jun', role: 'envoy' },
    { id: 'china', role: 'on_behalf_of' },
  ],
  locations: [{ name: 'Middle East', role: 'visited' }],
  sources: [{ publisher: 'Reference article', publishedOn: '2023-11-06' }],
};

const facts: IncidentFacts = {
  incidentId: '018f0000-0000-7000-8000-000000000001',
  occurred: input.occurred,
  title: input.title,
  actors: [
    { id: 'zhai-jun', name: 'Zhai Jun', role: 'envoy' },
    { id: 'china', name: 'China', role: 'on_behalf_of' },
  ],
  locations: [{ id: 'middle-east', name: 'Middle East', role: 'visited' }],
  details: {},
  sources: input.sources,
};

const record = (i: IncidentInput = input, f: IncidentFacts = facts): IncidentCommand => ({
  type: 'RecordIncident',
  data: { input: i, facts: f },
});

describe('incident decider', () => {
  it('records a new incident as the event of its kind', () => {
    given([])
      .when(record())
      .then([{ type: 'EnvoyTourReported', data: facts }]);
  });

  it.each([
    ['talks', 'TalksReported'],
    ['crossing_opening', 'CrossingOpeningReported'],
    ['crossing_closure', 'CrossingClosureReported'],
    ['aid_delivery', 'AidDeliveryReported'],
    ['statement', 'StatementReported'],
  ] as const)('a %s becomes %s', (kind, type) => {
    const valid: Record<string, IncidentInput> = {
      talks: {
        ...input,
        kind,
        actors: [
          { id: 'a', role: 'participant' },
          { id: 'b', role: 'host' },
        ],
        details: { format: 'phone' },
      },
      crossing_opening: {
        ...input,
        kind,
        actors: [],
        locations: [{ id: 'rafah-crossing', role: 'crossing' }],
      },
      crossing_closure: {
        ...input,
        kind,
        actors: [],
        locations: [{ id: 'rafah-crossing', role: 'crossing' }],
      },
      aid_delivery: {
        ...input,
        kind,
        actors: [{ id: 'un', role: 'donor' }],
        details: { channel: 'un', trucks: 0 },
      },
      statement: {
        ...input,
        kind,
        actors: [{ id: 'zhai-jun', role: 'speaker' }],
        details: { quote: 'very serious' },
      },
    };
    given([])
      .when(record(valid[kind]))
      .then([{ type, data: facts }]);
  });

  it('refuses to record the same incident twice', () => {
    given([{ type: 'EnvoyTourReported', data: facts }])
      .when(record())
      .thenThrows(ConflictError, /already recorded/);
  });

  it.each([
    ['an envoy tour without an envoy', { actors: [{ id: 'china', role: 'on_behalf_of' }] }, /envoy/],
    ['an impossible date', { occurred: { on: '2023-02-29' } }, /occurred.on/],
    [
      'a span that ends before it starts',
      { occurred: { on: '2023-11', until: '2023-10-31' } },
      /occurred.until/,
    ],
    ['no source', { sources: [] }, /at least one source/],
    ['a detail the kind does not have', { details: { trucks: 3 } }, /details.trucks/],
    [
      'a source date that is not a date',
      { sources: [{ publisher: 'x', publishedOn: '6 Nov' }] },
      /publishedOn/,
    ],
  ])('rejects %s', (_name, change, message) => {
    given([])
      .when(record({ ...input, ...change } as IncidentInput))
      .thenThrows(DomainValidationError, message);
  });

  it('accepts a leap day and year precision', () => {
    given([])
      .when(record({ ...input, occurred: { on: '2024-02-29' } }))
      .then([{ type: 'EnvoyTourReported', data: facts }]);
    given([])
      .when(record({ ...input, occurred: { on: '2023' } }))
      .then([{ type: 'EnvoyTourReported', data: facts }]);
  });

  it('evolves to recorded with the kind of the report', () => {
    expect(evolve(initialState(), { type: 'StatementReported', data: facts })).toEqual({
      status: 'recorded',
      incidentId: facts.incidentId,
      kind: 'statement',
    });
  });
});
