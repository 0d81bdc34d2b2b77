import { FormatRegistry, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { isURL, isUUID } from 'class-validator';
import { canonicalId } from '../common/ids.js';
import { parsePartialDate } from '../common/partial-date.js';
import { SLUG_PATTERN } from '../common/slug.js';
import { ACTOR_ROLES, INCIDENT_KINDS, LIMITS, LOCATION_ROLES } from './incident.js';
import {
  ActorMentionDto,
  LocationMentionDto,
  OccurredDto,
  RecordIncidentDto,
  SourceDto,
} from './record-incident.dto.js';

/*
 * A compiled check of an incident body (POST /v1/incidents, each item of a batch), ahead of
 * class-transformer and class-validator, which cost ≈ 13% of a single POST's server time and a
 * quarter of a batch's (decision record 0006). It is narrower than RecordIncidentDto's decorators,
 * never wider: what it accepts, they accept, and it builds the very instances they would. What it
 * does not accept (any mistake, but also `null` for an optional field or an upper-case mention id)
 * goes through the DTO's validation as before, so every problem document stays as it was.
 * `test/incidents/record-incident.check.test.ts` holds it to that.
 */

// Formats that call what the DTO's decorators call (class-validator's own functions, the same
// partial-date parser), so a string passes here only where it passes there.
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true };
FormatRegistry.Set('dateline-partial-date', (value) => parsePartialDate(value) !== undefined);
FormatRegistry.Set('dateline-http-url', (value) => isURL(value, URL_OPTIONS));
FormatRegistry.Set('dateline-uuid', (value) => isUUID(value, 'all'));

/**
 * class-validator (validator's isLength) counts a surrogate pair, or a character with its variation
 * selector, once, so its length never exceeds the string's: `maxLength` here is at least as strict.
 * `minLength: 1` also asks for a character other than a variation selector, which no version of
 * that count can take for nothing.
 */
const text = (max: number, min?: 1) =>
  Type.String({ maxLength: max, ...(min ? { minLength: 1, pattern: '[^\\uFE0E\\uFE0F]' } : {}) });
const partialDate = Type.String({ format: 'dateline-partial-date' });
const closed = { additionalProperties: false } as const;
const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

const mention = (roles: readonly string[]) =>
  Type.Object(
    {
      // Already in lower case: the DTO lower-cases it first, and this one then needs no change.
      id: Type.Optional(Type.String({ maxLength: 80, pattern: SLUG_PATTERN.source })),
      name: Type.Optional(text(LIMITS.name, 1)),
      role: literals(roles),
    },
    closed,
  );

const source = Type.Object(
  {
    publisher: text(LIMITS.publisher, 1),
    url: Type.Optional(Type.String({ maxLength: LIMITS.url, format: 'dateline-http-url' })),
    title: Type.Optional(text(LIMITS.title)),
    publishedOn: Type.Optional(partialDate),
    quote: Type.Optional(text(LIMITS.quote)),
  },
  closed,
);

const INCIDENT = Type.Object(
  {
    id: Type.Optional(Type.String({ format: 'dateline-uuid' })),
    kind: literals(INCIDENT_KINDS),
    occurred: Type.Object({ on: partialDate, until: Type.Optional(partialDate) }, closed),
    title: text(LIMITS.title, 1),
    summary: Type.Optional(text(LIMITS.summary)),
    actors: Type.Array(mention(ACTOR_ROLES), { maxItems: LIMITS.mentions }),
    locations: Type.Array(mention(LOCATION_ROLES), { maxItems: LIMITS.mentions }),
    details: Type.Optional(Type.Object({}, { additionalProperties: true })),
    sources: Type.Array(source, { minItems: 1, maxItems: LIMITS.sources }),
    evidence: Type.Optional(Type.Array(Type.Unknown(), { maxItems: LIMITS.sources * 20 })),
    confidence: Type.Optional(Type.Number()),
    warnings: Type.Optional(Type.Array(Type.Unknown(), { maxItems: LIMITS.mentions * 10 })),
  },
  closed,
);

// Its Check is a type guard: a body it accepts has INCIDENT's static type (Static<typeof INCIDENT>).
const compiled = TypeCompiler.Compile(INCIDENT);

/** The DTO's classes filled as class-transformer fills them: declared fields first, in their order. */
const filled = <T extends object>(instance: T, plain: object): T => Object.assign(instance, plain);

/**
 * The body as the DTO's validation would answer it when it is certainly valid; undefined when it
 * may not be, and the DTO's validation must decide (and word the problems).
 */
export function checkedIncident(body: unknown): RecordIncidentDto | undefined {
  if (!compiled.Check(body)) return undefined;
  return filled(new RecordIncidentDto(), {
    ...body,
    ...(body.id === undefined ? {} : { id: canonicalId(body.id) }),
    occurred: filled(new OccurredDto(), body.occurred),
    actors: body.actors.map((m) => filled(new ActorMentionDto(), m)),
    locations: body.locations.map((m) => filled(new LocationMentionDto(), m)),
    sources: body.sources.map((s) => filled(new SourceDto(), s)),
  });
}
