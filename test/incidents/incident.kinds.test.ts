import { Popularity, buildRegistry, drawIncident, toInput } from '../../bench/generator.js';
import { Rng } from '../../bench/rng.js';
import { detailsSchemaName, detailsSchemas } from '../../src/incidents/details.schema.js';
import { describeDetails } from '../../src/incidents/details.text.js';
import { INCIDENT_KINDS, type IncidentInput, KINDS } from '../../src/incidents/incident.js';
import { NEW_KINDS } from '../support/kinds.js';
import { KIND_OF_REPORT, REPORTED_EVENT } from '../../src/incidents/incident.events.js';
import {
  detailActorIds,
  disputableFields,
  searchableDetails,
  validateIncident,
} from '../../src/incidents/incident.rules.js';

const fieldsOf = (input: IncidentInput): string[] => validateIncident(input).map((e) => e.field);

describe('the kind table', () => {
  it('names all ten kinds of PRODUCT.md, each with its own past-tense event type, both ways', () => {
    expect([...INCIDENT_KINDS].sort()).toEqual(
      [
        'aid_delivery',
        'ceasefire',
        'crossing_closure',
        'crossing_opening',
        'envoy_tour',
        'evacuation',
        'release',
        'resolution',
        'statement',
        'talks',
      ].sort(),
    );
    expect(REPORTED_EVENT).toMatchObject({
      ceasefire: 'CeasefireReported',
      release: 'ReleaseReported',
      resolution: 'ResolutionReported',
      evacuation: 'EvacuationReported',
    });
    for (const kind of INCIDENT_KINDS) expect(KIND_OF_REPORT[REPORTED_EVENT[kind]]).toBe(kind);
    expect(new Set(Object.values(REPORTED_EVENT)).size).toBe(INCIDENT_KINDS.length);
  });

  it('offers on forms every role a kind requires', () => {
    for (const kind of INCIDENT_KINDS) {
      const spec = KINDS[kind];
      for (const rule of spec.requires) {
        const offered: readonly string[] = rule.on === 'actors' ? spec.actorRoles : spec.locationRoles;
        expect([kind, rule.roles.filter((r) => !offered.includes(r))]).toEqual([kind, []]);
      }
    }
  });
});

describe('rules of the four newer kinds', () => {
  it.each(Object.entries(NEW_KINDS))('accepts a well-formed %s', (_, input) => {
    expect(validateIncident(input)).toEqual([]);
  });

  it('needs the roles of each kind, with a message naming them', () => {
    const without = (input: IncidentInput, on: 'actors' | 'locations'): IncidentInput => ({
      ...input,
      [on]: [],
    });
    expect(validateIncident(without(NEW_KINDS.ceasefire, 'actors'))).toEqual([
      { field: 'actors', message: 'a ceasefire needs an actor with role party' },
    ]);
    expect(validateIncident(without(NEW_KINDS.release, 'actors'))).toEqual([
      { field: 'actors', message: 'a release needs an actor with role released_by or received_by' },
    ]);
    expect(validateIncident(without(NEW_KINDS.resolution, 'actors'))).toEqual([
      { field: 'actors', message: 'a resolution needs an actor with role body' },
    ]);
    expect(validateIncident(without(NEW_KINDS.evacuation, 'locations'))).toEqual([
      {
        field: 'locations',
        message: 'an evacuation needs a location with role crossing, origin or destination',
      },
    ]);
  });

  it('requires a ceasefire stage and a resolution outcome from their lists', () => {
    expect(validateIncident({ ...NEW_KINDS.ceasefire, details: {} })).toEqual([
      { field: 'details.stage', message: 'is required for ceasefire' },
    ]);
    expect(validateIncident({ ...NEW_KINDS.ceasefire, details: { stage: 'paused' } })).toEqual([
      { field: 'details.stage', message: 'must be one of agreed, started, extended, ended, violated' },
    ]);
    expect(fieldsOf({ ...NEW_KINDS.resolution, details: { outcome: 'passed' } })).toEqual([
      'details.outcome',
    ]);
  });

  it('takes counts by category: whole numbers, known categories, absent rather than null or empty', () => {
    const evacuation = (people: unknown): IncidentInput => ({ ...NEW_KINDS.evacuation, details: { people } });
    expect(validateIncident(evacuation({ wounded: 0 }))).toEqual([]);
    expect(validateIncident({ ...NEW_KINDS.evacuation, details: {} })).toEqual([]);
    expect(validateIncident(evacuation({ wounded: null, injured: 4, civilians: 2.5 }))).toEqual([
      {
        field: 'details.people.wounded',
        message: 'must be a whole number from 0 to 1000000 (leave it out when the sources give no figure)',
      },
      {
        field: 'details.people.injured',
        message: 'is not a category (allowed: wounded, foreign_nationals, patients, companions, civilians)',
      },
      {
        field: 'details.people.civilians',
        message: 'must be a whole number from 0 to 1000000 (leave it out when the sources give no figure)',
      },
    ]);
    expect(fieldsOf(evacuation({}))).toEqual(['details.people']);
    expect(fieldsOf(evacuation([76]))).toEqual(['details.people']);
    expect(fieldsOf({ ...NEW_KINDS.release, details: { people: { wounded: 3 } } })).toEqual([
      'details.people.wounded',
    ]);
    expect(
      fieldsOf({ ...NEW_KINDS.resolution, details: { outcome: 'adopted', votes: { for: -1 } } }),
    ).toEqual(['details.votes.for']);
  });

  it('names vetoing actors by id, and only on a vetoed resolution', () => {
    const resolution = (details: Record<string, unknown>): IncidentInput => ({
      ...NEW_KINDS.resolution,
      details,
    });
    expect(validateIncident(resolution({ outcome: 'vetoed', vetoedBy: ['united-states'] }))).toEqual([]);
    expect(validateIncident(resolution({ outcome: 'adopted', vetoedBy: ['united-states'] }))).toEqual([
      { field: 'details.vetoedBy', message: 'is only for a vetoed resolution (outcome vetoed)' },
    ]);
    expect(validateIncident(resolution({ outcome: 'vetoed', vetoedBy: ['United States'] }))).toEqual([
      { field: 'details.vetoedBy[0]', message: 'must be an actor id: lower-case ASCII words joined by -' },
    ]);
    expect(fieldsOf(resolution({ outcome: 'vetoed', vetoedBy: ['russia', 'russia'] }))).toEqual([
      'details.vetoedBy',
    ]);
    expect(
      detailActorIds('resolution', { outcome: 'vetoed', vetoedBy: ['united-states', 'russia'] }),
    ).toEqual([
      { id: 'united-states', field: 'details.vetoedBy[0]' },
      { id: 'russia', field: 'details.vetoedBy[1]' },
    ]);
    expect(detailActorIds('aid_delivery', { trucks: 3 })).toEqual([]);
  });

  it('refuses details of another kind, naming what the kind allows', () => {
    expect(validateIncident({ ...NEW_KINDS.evacuation, details: { trucks: 4 } })).toEqual([
      { field: 'details.trucks', message: 'is not a detail of evacuation (allowed: people)' },
    ]);
  });

  it('lets a claim dispute one count of a category', () => {
    expect(disputableFields('evacuation')).toEqual(
      expect.arrayContaining([
        'details.people',
        'details.people.wounded',
        'details.people.foreign_nationals',
      ]),
    );
    expect(disputableFields('resolution')).toEqual(
      expect.arrayContaining(['details.outcome', 'details.votes.abstained', 'details.vetoedBy']),
    );
    expect(disputableFields('aid_delivery')).toContain('details.trucks');
  });

  it('gives search the free text of details: quotes, terms, resolution numbers', () => {
    expect(searchableDetails('resolution', NEW_KINDS.resolution.details ?? {})).toEqual([
      'S/RES/2720 (2023)',
    ]);
    expect(searchableDetails('ceasefire', NEW_KINDS.ceasefire.details ?? {})).toEqual([
      'Four days, extendable; hostages for prisoners; 200 trucks a day',
    ]);
    expect(searchableDetails('statement', { quote: 'very serious', topics: ['ceasefire'] })).toEqual([
      'very serious',
    ]);
    expect(searchableDetails('evacuation', { people: { wounded: 76 } })).toEqual([]);
  });
});

describe('the details schemas of the OpenAPI document', () => {
  it('has one schema per kind, derived from the table', () => {
    const schemas = detailsSchemas();
    expect(Object.keys(schemas).sort()).toEqual(INCIDENT_KINDS.map(detailsSchemaName).sort());
    expect(schemas.EvacuationDetails).toMatchObject({
      type: 'object',
      additionalProperties: false,
      properties: {
        people: {
          type: 'object',
          minProperties: 1,
          properties: { wounded: { type: 'integer', minimum: 0 } },
        },
      },
    });
    expect(schemas.ResolutionDetails).toMatchObject({
      required: ['outcome'],
      properties: { vetoedBy: { type: 'array', items: { type: 'string' } } },
    });
    expect(schemas.AidDeliveryDetails).toMatchObject({ required: ['channel'] });
  });
});

describe('the benchmark generator', () => {
  it('draws incidents of all ten kinds, each passing the kind rules', () => {
    const rng = new Rng(11);
    const registry = buildRegistry(rng, 0.05);
    const pop = new Popularity(rng, registry);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const input = toInput(drawIncident(rng, pop, Date.UTC(2023, 10, 6)));
      expect([input.kind, validateIncident(input)]).toEqual([input.kind, []]);
      seen.add(input.kind);
      for (const count of Object.values(input.details ?? {})) expect(count).not.toBeNull();
    }
    expect([...seen].sort()).toEqual([...INCIDENT_KINDS].sort());
  });
});

describe('details in words', () => {
  it('reads each kind’s details in the table’s order, counts by category without made-up zeros', () => {
    expect(describeDetails('evacuation', { people: { foreign_nationals: 335, wounded: 76 } })).toEqual([
      { key: 'people', label: 'People evacuated', text: '76 wounded, 335 foreign nationals' },
    ]);
    expect(
      describeDetails('resolution', {
        vetoedBy: ['united-states'],
        outcome: 'vetoed',
        votes: { for: 13, against: 1, abstained: 1 },
        number: 'S/2023/970',
      }).map((line) => `${line.label}: ${line.text}`),
    ).toEqual([
      'Number: S/2023/970',
      'Outcome: vetoed',
      'Votes: 13 for, 1 against, 1 abstained',
      'Vetoed by: united-states',
    ]);
    expect(
      describeDetails('aid_delivery', { channel: 'ngo', trucks: 1200, cargo: ['food', 'water'] }),
    ).toEqual([
      { key: 'channel', label: 'Channel', text: 'ngo' },
      { key: 'trucks', label: 'Trucks', text: '1,200' },
      { key: 'cargo', label: 'Cargo', text: 'food, water' },
    ]);
    expect(describeDetails('ceasefire', { stage: 'started' })).toEqual([
      { key: 'stage', label: 'Stage', text: 'started' },
    ]);
  });
});
