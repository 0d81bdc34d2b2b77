import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { type Immutable, SourceSchema } from '../timelines/timeline-entry.js';
import { type AidFlows, EVACUEE_CATEGORIES } from './aid-flows.reader.js';

/**
 * The aid-flows answer as JSON Schema, published in /docs as the route's response. The reader's
 * `AidFlows` type and this declaration are checked against each other at compile time (below), and
 * real answers against the published schema in test/aid-flows.e2e.test.ts, so neither can drift.
 */

/** A value or null, as OpenAPI 3.0 writes it. */
const Nullable = <T extends TSchema>(schema: T) =>
  Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });

const Count = (description?: string) =>
  Type.Integer({ minimum: 0, ...(description === undefined ? {} : { description }) });

const Day = (description: string) => Type.String({ format: 'date', description });

const perCategory = <T extends TSchema>(of: () => T) =>
  Type.Object(
    Object.fromEntries(EVACUEE_CATEGORIES.map((category) => [category, of()])) as Record<
      (typeof EVACUEE_CATEGORIES)[number],
      T
    >,
  );

const FlowClaimSchema = Type.Object(
  {
    field: Type.String({
      description: 'the figure disputed: trucks, tonnes, cargo, evacuated.<category> or evacuated',
      example: 'trucks',
    }),
    incidentId: Type.String({ format: 'uuid' }),
    recordedValue: Type.Unknown({ description: 'the value on record' }),
    claimedValue: Type.Unknown({ description: 'what the source says instead' }),
    source: SourceSchema,
    note: Nullable(Type.String()),
  },
  { description: 'a sourced claim against a figure of the row' },
);

const figures = {
  deliveries: Count('aid deliveries counted in the row'),
  trucks: Nullable(Count('sum of the reported truck counts; null when no delivery of the row reported one')),
  tonnes: Nullable(
    Type.Number({ minimum: 0, description: 'sum of the reported tonnages; null when none was reported' }),
  ),
  cargo: Type.Unsafe<Readonly<Record<string, number>>>({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 0 },
    description: 'how many deliveries carried each kind of cargo',
    example: { food: 2, water: 1 },
  }),
  openings: Count(),
  closures: Count(),
  evacuations: Count('evacuations through the crossing'),
  evacuated: perCategory(() => Nullable(Count())),
  unreported: Type.Object(
    {
      trucks: Count(),
      tonnes: Count(),
      cargo: Count(),
      evacuated: perCategory(() => Count()),
    },
    { description: 'how many deliveries (for evacuated, evacuations) lacked each figure' },
  ),
  disputed: Type.Array(Type.String(), { description: 'the figures some source disputes' }),
  claims: Type.Array(FlowClaimSchema),
};

const crossing = Nullable(
  Type.Object(
    { id: Type.String(), name: Nullable(Type.String()) },
    { description: 'the crossing; null for deliveries that named none' },
  ),
);

const FlowRowSchema = Type.Object({
  crossing,
  period: Type.String({ description: 'YYYY-MM-DD, or YYYY-Www by week; the recorded date when undated' }),
  firstDay: Day('first day of the period'),
  lastDay: Day('last day of the period'),
  ...figures,
});

export const AidFlowsSchema = Type.Object({
  location: Type.Object({ id: Type.String(), name: Type.String(), kind: Nullable(Type.String()) }),
  granularity: Type.Unsafe<'day' | 'week'>({ type: 'string', enum: ['day', 'week'] }),
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  asOf: Nullable(Type.String()),
  reportedBy: Nullable(Type.String()),
  flows: Type.Array(FlowRowSchema, { description: 'per crossing and day (or ISO week)' }),
  undated: Type.Object(
    { ...figures, byPeriod: Type.Array(FlowRowSchema) },
    {
      description:
        'incidents dated only to a month or a year (or spanning days) overlapping the range, counted apart',
    },
  ),
});

/** The declaration as a plain JSON object, for the OpenAPI document (TypeBox adds symbol keys). */
export const AID_FLOWS_RESPONSE_SCHEMA = JSON.parse(JSON.stringify(AidFlowsSchema)) as Record<
  string,
  unknown
>;

/** Compile-time check: the reader's answer type and the published declaration are the same shape. */
type Declared = Immutable<Static<typeof AidFlowsSchema>>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type AidFlowsMatchDeclaration = Assert<Same<Immutable<AidFlows>, Declared>>;
