import { ConflictError, DomainValidationError, NotFoundError } from '../../src/common/errors.js';
import { slugify } from '../../src/common/slug.js';
import type { IncidentFacts, IncidentInput, Mention, Participant } from '../../src/incidents/incident.js';
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

/** The facts an editor's input records once its mentions are resolved (here: names slugged). */
const factsOf = (i: IncidentInput): IncidentFacts => {
  const resolved = <Role extends string>(m: Mention<Role>): Participant<Role> => ({
    id: m.id ?? slugify(m.name ?? ''),
    name: m.name ?? m.id ?? '',
    role: m.role,
  });
  return {
    ...facts,
    occurred: i.occurred,
    title: i.title,
    actors: i.actors.map(resolved),
    locations: i.locations.map(resolved),
    details: i.details ?? {},
    sources: i.sources,
  };
};

const record = (i?: IncidentInput): IncidentCommand => ({
  type: 'RecordIncident',
  data: { kind: (i ?? input).kind, facts: i === undefined ? facts : factsOf(i) },
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
      .then([{ type, data: factsOf(valid[kind]!) }]);
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
    for (const on of ['2024-02-29', '2023']) {
      const leap = { ...input, occurred: { on } };
      given([])
        .when(record(leap))
        .then([{ type: 'EnvoyTourReported', data: factsOf(leap) }]);
    }
  });

  it('evolves to recorded with the kind of the report', () => {
    expect(evolve(initialState(), { type: 'StatementReported', data: facts })).toEqual({
      status: 'recorded',
      incidentId: facts.incidentId,
      kind: 'statement',
      facts,
    });
  });
});

describe('amending an incident', () => {
  const reported: IncidentEvent = { type: 'EnvoyTourReported', data: facts };
  const source = { publisher: 'Desk' };
  const id = facts.incidentId;
  const correct = (changes: object): IncidentCommand => ({
    type: 'CorrectIncident',
    data: { changes, reason: 'wrong month' },
  });

  it('a correction is recorded with its reason', () => {
    given([reported])
      .when(correct({ occurred: { on: '2023-10' } }))
      .then([
        {
          type: 'IncidentCorrected',
          data: { incidentId: id, changes: { occurred: { on: '2023-10' } }, reason: 'wrong month' },
        },
      ]);
  });

  it('a correction is checked against the kind rules on the corrected whole', () => {
    given([reported])
      .when(correct({ actors: [{ id: 'china', role: 'on_behalf_of' }] }))
      .thenThrows(DomainValidationError, /changes.actors: an envoy tour needs an actor with role envoy/);
    given([reported])
      .when(correct({ details: { trucks: 3 } }))
      .thenThrows(DomainValidationError, /changes.details.trucks/);
    given([reported])
      .when(correct({}))
      .thenThrows(DomainValidationError, /at least one field/);
  });

  it('nothing can be amended before it is recorded', () => {
    given([])
      .when(correct({ title: 'x' }))
      .thenThrows(NotFoundError);
  });

  it('a retracted incident cannot be corrected, disputed or retracted again', () => {
    const retracted: IncidentEvent = {
      type: 'IncidentRetracted',
      data: { incidentId: id, reason: 'duplicate' },
    };
    given([reported, retracted])
      .when(correct({ title: 'x' }))
      .thenThrows(ConflictError, /retracted/);
    given([reported, retracted])
      .when({ type: 'RetractIncident', data: { reason: 'again' } })
      .thenThrows(ConflictError);
    given([reported, retracted])
      .when({ type: 'DisputeIncident', data: { field: 'title', claimedValue: 'y', source } })
      .thenThrows(ConflictError);
  });

  it('a dispute names a field the kind has', () => {
    given([reported])
      .when({ type: 'DisputeIncident', data: { field: 'occurred.on', claimedValue: '2023-10', source } })
      .then([
        {
          type: 'IncidentDisputed',
          data: { incidentId: id, field: 'occurred.on', claimedValue: '2023-10', source },
        },
      ]);
    given([reported])
      .when({ type: 'DisputeIncident', data: { field: 'details.trucks', claimedValue: 14, source } })
      .thenThrows(DomainValidationError, /must be one of/);
  });

  it('sources and retractions are recorded; evolve folds corrections and sources into the facts', () => {
    given([reported])
      .when({ type: 'AddIncidentSource', data: { source } })
      .then([{ type: 'IncidentSourceAdded', data: { incidentId: id, source } }]);
    const state = [
      reported,
      {
        type: 'IncidentCorrected',
        data: { incidentId: id, changes: { title: 'New title' }, reason: 'typo' },
      },
      { type: 'IncidentSourceAdded', data: { incidentId: id, source } },
    ].reduce((s, e) => evolve(s, e as IncidentEvent), initialState());
    expect(state).toMatchObject({
      status: 'recorded',
      facts: { title: 'New title', sources: [...facts.sources, source] },
    });
  });
});
