import { DomainValidationError } from '../common/errors.js';
import { normaliseInstant } from '../common/instant.js';
import { PARTIAL_DATE_HINT, parsePartialDate } from '../common/partial-date.js';
import { FORMATS } from '../formats/negotiate.js';
import { ACTOR_ROLES, INCIDENT_KINDS, type IncidentKind, LOCATION_ROLES } from '../incidents/incident.js';
import type { Include } from '../registry/registry.reader.js';
import { REPORTED_BY_DOC } from './timeline-query.dto.js';
import type { TimelineFilter } from './timeline.reader.js';

/**
 * The query of the two timeline routes, declared once as JSON Schema: Fastify compiles it and
 * validates every request with it (no class-transformer and class-validator per request), and the
 * OpenAPI document lists the same parameters. Dates and instants are checked by the formats below,
 * which the app registers with Fastify's validator.
 */
export const TIMELINE_QUERY_FORMATS = {
  'partial-date': (value: string): boolean => parsePartialDate(value) !== undefined,
  instant: (value: string): boolean => normaliseInstant(value) !== undefined,
} as const;

const kinds = INCIDENT_KINDS.join('|');

export const TIMELINE_QUERY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: {
      type: 'string',
      format: 'partial-date',
      description: `${PARTIAL_DATE_HINT}; spans that overlap match`,
      example: '2023-11',
    },
    to: { type: 'string', format: 'partial-date', description: PARTIAL_DATE_HINT, example: '2023-11-15' },
    kind: {
      type: 'string',
      pattern: `^(${kinds})(,(${kinds}))*$`,
      description: 'comma list of incident kinds',
      example: 'talks,statement',
    },
    role: { type: 'string', enum: [...ACTOR_ROLES, ...LOCATION_ROLES] },
    order: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    cursor: { type: 'string', maxLength: 200, description: 'opaque, from nextCursor (or the Link header)' },
    asOf: {
      type: 'string',
      format: 'instant',
      description: 'an ISO 8601 instant: the answer as the service knew it then',
      example: '2023-11-07T00:00:00Z',
    },
    reportedBy: {
      type: 'string',
      format: 'partial-date',
      description: REPORTED_BY_DOC,
      example: '2023-11-02',
    },
    includeRetracted: {
      type: 'boolean',
      description: 'also list retracted entries, flagged with the reason',
      example: false,
    },
    include: {
      type: 'string',
      enum: ['descendants', 'affiliates'],
      description:
        'descendants (locations) or affiliates (actors); entries say through which id they matched',
    },
    format: { type: 'string', enum: [...FORMATS], description: 'overrides the Accept header; default json' },
    bom: {
      type: 'string',
      enum: ['true', 'false'],
      description:
        'CSV only: start with a UTF-8 byte-order mark (for Excel). Default: true with format=csv, false with Accept: text/csv',
    },
  },
} as const;

/** The query as Fastify hands it over after validation and coercion. */
export interface TimelineQuery {
  readonly from?: string;
  readonly to?: string;
  readonly kind?: string;
  readonly role?: string;
  readonly order?: 'asc' | 'desc';
  readonly limit?: number;
  readonly cursor?: string;
  readonly asOf?: string;
  readonly reportedBy?: string;
  readonly includeRetracted?: boolean;
  readonly include?: Include;
  readonly format?: string;
  readonly bom?: 'true' | 'false';
}

/** The reader's filter from a validated query. */
export function timelineFilter(query: TimelineQuery): TimelineFilter {
  // Ajv coerces `limit=Infinity` to a number and then skips `minimum`/`maximum`, which it applies
  // to finite numbers only: the bounds are checked here again.
  if (query.limit !== undefined && !Number.isFinite(query.limit)) {
    throw new DomainValidationError([{ field: 'limit', message: 'must be a whole number from 1 to 500' }]);
  }
  const asOf = query.asOf === undefined ? undefined : normaliseInstant(query.asOf);
  return {
    ...(query.from === undefined ? {} : { from: query.from }),
    ...(query.to === undefined ? {} : { to: query.to }),
    ...(query.kind === undefined ? {} : { kinds: query.kind.split(',') as IncidentKind[] }),
    ...(query.role === undefined ? {} : { role: query.role }),
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    ...(asOf === undefined ? {} : { asOf }),
    ...(query.reportedBy === undefined ? {} : { reportedBy: query.reportedBy }),
    ...(query.include === undefined ? {} : { include: query.include }),
    includeRetracted: query.includeRetracted ?? false,
    order: query.order ?? 'asc',
    limit: query.limit ?? 50,
  };
}
