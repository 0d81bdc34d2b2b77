import type { FieldError } from '../common/errors.js';
import { PARTIAL_DATE_HINT, parsePartialDate } from '../common/partial-date.js';
import {
  AID_CHANNELS,
  CARGO_TYPES,
  CROSSING_PURPOSES,
  type IncidentInput,
  type IncidentKind,
  LIMITS,
  TALKS_FORMATS,
} from './incident.js';

type FieldCheck = (value: unknown) => string | undefined;

const oneOf =
  (allowed: readonly string[]): FieldCheck =>
  (value) =>
    typeof value === 'string' && allowed.includes(value) ? undefined : `must be one of ${allowed.join(', ')}`;

const listOf =
  (item: FieldCheck, max: number, unique = false): FieldCheck =>
  (value) => {
    if (!Array.isArray(value)) return 'must be a list';
    if (value.length > max) return `must have at most ${max} items`;
    for (const [i, v] of value.entries()) {
      const problem = item(v);
      if (problem) return `item ${i} ${problem}`;
    }
    if (unique && new Set(value).size !== value.length) return 'must not repeat an item';
    return undefined;
  };

const text =
  (max: number): FieldCheck =>
  (value) =>
    typeof value === 'string' && value.trim().length > 0 && value.length <= max
      ? undefined
      : `must be a non-empty text of at most ${max} characters`;

const count =
  (max: number, integer: boolean): FieldCheck =>
  (value) =>
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    value <= max &&
    (!integer || Number.isInteger(value))
      ? undefined
      : `must be ${integer ? 'a whole number' : 'a number'} from 0 to ${max}`;

interface DetailSpec {
  readonly [key: string]: { readonly check: FieldCheck; readonly required?: boolean };
}

const topics = { check: listOf(text(LIMITS.topic), LIMITS.topics) };

/** What `details` may hold, per kind: only what is not an actor or a location. */
export const DETAIL_SPECS: { readonly [K in IncidentKind]: DetailSpec } = {
  envoy_tour: { topics },
  talks: { format: { check: oneOf(TALKS_FORMATS) }, topics },
  crossing_opening: { purpose: { check: oneOf(CROSSING_PURPOSES) } },
  crossing_closure: { purpose: { check: oneOf(CROSSING_PURPOSES) } },
  aid_delivery: {
    channel: { check: oneOf(AID_CHANNELS), required: true },
    trucks: { check: count(100_000, true) },
    tonnes: { check: count(10_000_000, false) },
    cargo: { check: listOf(oneOf(CARGO_TYPES), CARGO_TYPES.length, true) },
  },
  statement: { quote: { check: text(LIMITS.quote), required: true }, topics },
};

interface RoleRule {
  readonly on: 'actors' | 'locations';
  readonly roles: readonly string[];
  readonly atLeast: number;
  readonly message: string;
}

/** Roles an incident of each kind cannot be recorded without. */
const REQUIRED_ROLES: { readonly [K in IncidentKind]: readonly RoleRule[] } = {
  envoy_tour: [
    { on: 'actors', roles: ['envoy'], atLeast: 1, message: 'an envoy tour needs an actor with role envoy' },
  ],
  talks: [
    {
      on: 'actors',
      roles: ['participant', 'host'],
      atLeast: 2,
      message: 'talks need at least two actors with role participant or host',
    },
  ],
  crossing_opening: [
    {
      on: 'locations',
      roles: ['crossing'],
      atLeast: 1,
      message: 'a crossing opening needs a location with role crossing',
    },
  ],
  crossing_closure: [
    {
      on: 'locations',
      roles: ['crossing'],
      atLeast: 1,
      message: 'a crossing closure needs a location with role crossing',
    },
  ],
  aid_delivery: [
    {
      on: 'actors',
      roles: ['provider', 'donor'],
      atLeast: 1,
      message: 'an aid delivery needs an actor with role provider or donor',
    },
  ],
  statement: [
    { on: 'actors', roles: ['speaker'], atLeast: 1, message: 'a statement needs an actor with role speaker' },
  ],
};

function checkDates(input: IncidentInput, errors: FieldError[]): void {
  const on = parsePartialDate(input.occurred.on);
  if (!on) errors.push({ field: 'occurred.on', message: `must be ${PARTIAL_DATE_HINT}` });
  if (input.occurred.until === undefined) return;
  const until = parsePartialDate(input.occurred.until);
  if (!until) errors.push({ field: 'occurred.until', message: `must be ${PARTIAL_DATE_HINT}` });
  else if (on && until.lastDay < on.firstDay) {
    errors.push({ field: 'occurred.until', message: 'must not be before occurred.on' });
  }
}

function checkMentions(input: IncidentInput, errors: FieldError[]): void {
  for (const list of ['actors', 'locations'] as const) {
    input[list].forEach((mention, i) => {
      const hasId = mention.id !== undefined;
      const hasName = mention.name !== undefined;
      if (hasId === hasName) errors.push({ field: `${list}[${i}]`, message: 'must have either id or name' });
    });
  }
  for (const rule of REQUIRED_ROLES[input.kind]) {
    const matching = input[rule.on].filter((m) => rule.roles.includes(m.role)).length;
    if (matching < rule.atLeast) errors.push({ field: rule.on, message: rule.message });
  }
}

function checkDetails(input: IncidentInput, errors: FieldError[]): void {
  const details = input.details ?? {};
  if (typeof details !== 'object' || Array.isArray(details)) {
    errors.push({ field: 'details', message: 'must be an object' });
    return;
  }
  const spec = DETAIL_SPECS[input.kind];
  for (const key of Object.keys(details)) {
    if (!Object.hasOwn(spec, key)) {
      const allowed = Object.keys(spec).join(', ') || 'nothing';
      errors.push({
        field: `details.${key}`,
        message: `is not a detail of ${input.kind} (allowed: ${allowed})`,
      });
    }
  }
  for (const [key, { check, required }] of Object.entries(spec)) {
    const value = details[key];
    if (value === undefined) {
      if (required) errors.push({ field: `details.${key}`, message: `is required for ${input.kind}` });
      continue;
    }
    const problem = check(value);
    if (problem) errors.push({ field: `details.${key}`, message: problem });
  }
}

function checkSources(input: IncidentInput, errors: FieldError[]): void {
  if (input.sources.length === 0) errors.push({ field: 'sources', message: 'must list at least one source' });
  input.sources.forEach((source, i) => {
    if (source.publishedOn !== undefined && !parsePartialDate(source.publishedOn)) {
      errors.push({ field: `sources[${i}].publishedOn`, message: `must be ${PARTIAL_DATE_HINT}` });
    }
  });
}

/** The per-kind rules of PRODUCT.md; an empty list means the incident may be recorded. */
export function validateIncident(input: IncidentInput): FieldError[] {
  const errors: FieldError[] = [];
  checkDates(input, errors);
  checkMentions(input, errors);
  checkDetails(input, errors);
  checkSources(input, errors);
  return errors;
}

/** Fields whose recorded value a sourced claim may dispute, for an incident of this kind. */
export function disputableFields(kind: IncidentKind): string[] {
  return [
    'title',
    'summary',
    'occurred.on',
    'occurred.until',
    ...Object.keys(DETAIL_SPECS[kind]).map((k) => `details.${k}`),
  ];
}
