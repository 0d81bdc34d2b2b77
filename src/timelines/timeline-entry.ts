import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { Precision } from '../common/partial-date.js';
import { detailsSchemaName } from '../incidents/details.schema.js';
import {
  ACTOR_ROLES,
  type ActorRole,
  type Details,
  INCIDENT_KINDS,
  type IncidentKind,
  LOCATION_ROLES,
  type LocationRole,
} from '../incidents/incident.js';

/**
 * The incident view, declared once: the JSON Schema below is what the read models store, what the
 * incident endpoint and every timeline answer, what the OpenAPI document publishes (src/openapi.ts
 * adds these schemas as components) and, through the derived TypeScript types, what the server code
 * and the newsroom page (web/src/api.ts) compile against. test/incident-view.e2e.test.ts validates
 * real answers against the published schemas with no extra properties allowed, so the declaration
 * and the answers cannot drift apart.
 *
 * The schemas are in the OpenAPI 3.0 dialect: `nullable` rather than a null type, `enum` rather
 * than `const`.
 */

/** The TypeScript type of a schema, read-only all the way down (answers are never mutated). */
export type Immutable<T> = T extends readonly (infer U)[]
  ? readonly Immutable<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Immutable<T[K]> }
    : T;

/** A string of a fixed set, as OpenAPI 3.0 writes it. */
const StringEnum = <T extends string>(values: readonly T[], options: Record<string, unknown> = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });

/** A value or null, as OpenAPI 3.0 writes it. */
const Nullable = <T extends TSchema>(schema: T) =>
  Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });

const PRECISIONS: readonly Precision[] = ['day', 'month', 'year'];

const DateTime = (description?: string) =>
  Type.String({ format: 'date-time', ...(description === undefined ? {} : { description }) });

export const SourceSchema = Type.Object(
  {
    publisher: Type.String({ example: 'Reference article' }),
    url: Type.Optional(Type.String({ example: 'https://example.org/story' })),
    title: Type.Optional(Type.String()),
    publishedOn: Type.Optional(
      Type.String({ example: '2023-11-06', description: 'a date at day, month or year precision' }),
    ),
    quote: Type.Optional(Type.String({ example: 'very serious' })),
  },
  { description: 'where a claim comes from' },
);

const participant = <R extends string>(roles: readonly R[], example: Record<string, string>) =>
  Type.Object(
    { id: Type.String(), name: Type.String(), role: StringEnum(roles) },
    { example, description: 'a registry entry the incident names, in a role' },
  );

export const DisputeSchema = Type.Object(
  {
    field: Type.String({ example: 'details.trucks' }),
    recordedValue: Type.Unknown({ description: 'the value on record when the dispute was filed' }),
    claimedValue: Type.Unknown({ description: 'what the source says instead' }),
    source: SourceSchema,
    note: Nullable(Type.String()),
    recordedAt: DateTime(),
  },
  { description: 'a sourced claim that contradicts the recorded value of a field' },
);

export const FieldChangeSchema = Type.Object(
  {
    field: Type.String({ example: 'details.trucks' }),
    from: Type.Unknown({ description: 'the value before; null when it was absent' }),
    to: Type.Unknown({ description: 'the value after; null when it is absent now' }),
  },
  { description: 'one field a correction changed: `details.trucks` from 14 to 17' },
);

export const CorrectionSchema = Type.Object({
  fields: Type.Array(Type.String(), { description: 'the fields the correction named' }),
  changes: Type.Array(FieldChangeSchema, {
    description:
      'what actually changed, field by field (`details` key by key, `occurred` as `on` and `until`)',
  }),
  reason: Type.String(),
  source: Nullable(SourceSchema),
  recordedAt: DateTime(),
  recordedBy: Type.String({ description: 'the API key name of the editor' }),
});

/** The properties of the incident view, shared by the incident answer and a timeline's entries. */
const incidentViewProperties = {
  incidentId: Type.String({ format: 'uuid' }),
  kind: StringEnum<IncidentKind>(INCIDENT_KINDS, { example: 'envoy_tour' }),
  occurred: Type.Object({
    on: Type.String({ example: '2023-11', description: 'a date at day, month or year precision' }),
    until: Nullable(Type.String({ description: 'the last date of a span' })),
    precision: StringEnum<Precision>(PRECISIONS),
  }),
  title: Type.String({ example: 'Zhai Jun tours the Middle East' }),
  summary: Nullable(Type.String()),
  actors: Type.Array(
    participant<ActorRole>(ACTOR_ROLES, { id: 'zhai-jun', name: 'Zhai Jun', role: 'envoy' }),
  ),
  locations: Type.Array(
    participant<LocationRole>(LOCATION_ROLES, {
      id: 'rafah-crossing',
      name: 'Rafah crossing',
      role: 'crossing',
    }),
  ),
  // The kinds' details schemas are components derived from the kind table (incidents/details.schema.ts).
  details: Type.Unsafe<Details>({
    description:
      'kind-specific details: the schema named after the incident’s kind (`ceasefire` → CeasefireDetails)',
    anyOf: INCIDENT_KINDS.map((kind) => ({ $ref: `#/components/schemas/${detailsSchemaName(kind)}` })),
  }),
  sources: Type.Array(SourceSchema),
  disputes: Type.Array(DisputeSchema),
  revision: Type.Integer({ minimum: 0, example: 0, description: 'the ETag of GET /v1/incidents/{id}' }),
  recordedAt: DateTime('when the incident was first recorded'),
  correctedAt: Nullable(DateTime('when the last correction was recorded')),
  corrections: Type.Array(CorrectionSchema, { description: 'every correction, oldest first' }),
  retracted: Type.Boolean(),
  retraction: Nullable(
    Type.Object(
      { reason: Type.String(), recordedAt: DateTime() },
      { description: 'why and when, once retracted' },
    ),
  ),
};

/** One incident as the incident endpoint and the changes feed show it. */
export const IncidentViewSchema = Type.Object(incidentViewProperties, {
  description: 'one incident as it stands (or stood, with asOf / reportedBy)',
});

export const MatchedThroughSchema = Type.Object({
  id: Type.String({ example: 'rafah-crossing' }),
  name: Type.String({ example: 'Rafah crossing' }),
  relation: StringEnum(['self', 'merged', 'affiliate', 'descendant'] as const, {
    description: '`self`: the subject; `merged`: a duplicate merged into it; `affiliate`, `descendant`',
  }),
});

/** An entry of a timeline: the incident view, and the ids through which it matched the subject. */
export const TimelineEntryViewSchema = Type.Object(
  {
    ...incidentViewProperties,
    matchedThrough: Type.Array(MatchedThroughSchema, {
      description: 'the ids through which the entry matched the subject',
    }),
  },
  { description: 'an incident on a timeline' },
);

/**
 * What happened to an entry, as the changes feed reports it. `actors_merged`: an actor the entry
 * lists was merged into another, and the entry now shows the canonical actor.
 */
export const CHANGE_KINDS = [
  'added',
  'corrected',
  'disputed',
  'source_added',
  'retracted',
  'actors_merged',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** One change of a timeline's changes feed. */
export const TimelineChangeSchema = Type.Object({
  incidentId: Type.String({ format: 'uuid' }),
  change: StringEnum<ChangeKind>(CHANGE_KINDS),
  revision: Type.Integer({ minimum: 0 }),
  recordedAt: DateTime(),
  entry: Nullable(
    Type.Object(incidentViewProperties, {
      description:
        'the entry as it stood right after this change; null when the incident was retracted since, ' +
        'unless includeRetracted=true',
    }),
  ),
  corrected: Type.Optional(
    Type.Array(FieldChangeSchema, {
      description: 'corrections only: each changed field (withheld with the entry)',
    }),
  ),
});

/**
 * The component names under which src/openapi.ts publishes the view. `details` of each points at
 * the kinds' details components there.
 */
export const VIEW_SCHEMAS = {
  IncidentView: IncidentViewSchema,
  TimelineEntryView: TimelineEntryViewSchema,
  TimelineChange: TimelineChangeSchema,
} as const;

/** One incident as timelines and the incident endpoint show it. */
export type TimelineEntry = Immutable<Static<typeof IncidentViewSchema>>;
/** The same, under the name the page uses. */
export type IncidentView = TimelineEntry;
/** A sourced claim that contradicts the recorded value of a field. */
export type Dispute = Immutable<Static<typeof DisputeSchema>>;
/** One field a correction changed: `details.trucks` from 14 to 17. A value absent before or after is null. */
export type FieldChange = Immutable<Static<typeof FieldChangeSchema>>;
export type Correction = Immutable<Static<typeof CorrectionSchema>>;
export type MatchedThroughView = Immutable<Static<typeof MatchedThroughSchema>>;
/** One change of the changes feed, as the page reads it. */
export type TimelineChangeView = Immutable<Static<typeof TimelineChangeSchema>>;
