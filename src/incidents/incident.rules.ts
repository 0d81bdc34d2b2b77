import type { FieldError } from '../common/errors.js';
import { PARTIAL_DATE_HINT, parsePartialDate } from '../common/partial-date.js';
import { SLUG_PATTERN } from '../common/slug.js';
import {
  type DetailField,
  type Details,
  type IncidentInput,
  type IncidentKind,
  kindSpec,
  type Occurred,
  type Source,
} from './incident.js';

/** What the kind rules read of a report: its mentions may be resolved or not, only roles count. */
export interface ReportShape {
  readonly kind: IncidentKind;
  readonly occurred: Occurred;
  readonly actors: readonly { readonly role: string }[];
  readonly locations: readonly { readonly role: string }[];
  readonly details?: Details;
  readonly sources: readonly Source[];
}

/** A problem with one value, as `{ path below the field, message }`; empty when the value is fine. */
type Problems = { readonly at: string; readonly message: string }[];

const problem = (message: string, at = ''): Problems => [{ at, message }];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isText = (value: unknown, max: number): boolean =>
  typeof value === 'string' && value.trim().length > 0 && value.length <= max;

const textMessage = (max: number): string => `must be a non-empty text of at most ${max} characters`;

const isCount = (value: unknown, max: number, integer: boolean): boolean =>
  typeof value === 'number' &&
  Number.isFinite(value) &&
  value >= 0 &&
  value <= max &&
  (!integer || Number.isInteger(value));

const NOT_REPORTED = 'leave it out when the sources give no figure';

function list(
  value: unknown,
  max: number,
  item: (v: unknown) => string | undefined,
  unique: boolean,
): Problems {
  if (!Array.isArray(value)) return problem('must be a list');
  if (value.length > max) return problem(`must have at most ${max} items`);
  for (const [i, v] of value.entries()) {
    const message = item(v);
    if (message) return problem(message, `[${i}]`);
  }
  if (unique && new Set(value).size !== value.length) return problem('must not repeat an item');
  return [];
}

/** Checks one detail value against its declared type: the one place each type's rule is written. */
function checkField(field: DetailField, value: unknown): Problems {
  switch (field.type) {
    case 'choice':
      return typeof value === 'string' && field.of.includes(value)
        ? []
        : problem(`must be one of ${field.of.join(', ')}`);
    case 'choices':
      return list(
        value,
        field.of.length,
        (v) =>
          typeof v === 'string' && field.of.includes(v) ? undefined : `must be one of ${field.of.join(', ')}`,
        true,
      );
    case 'text':
      return isText(value, field.max) ? [] : problem(textMessage(field.max));
    case 'texts':
      return list(
        value,
        field.items,
        (v) => (isText(v, field.max) ? undefined : textMessage(field.max)),
        false,
      );
    case 'count':
    case 'amount': {
      const integer = field.type === 'count';
      return isCount(value, field.max, integer)
        ? []
        : problem(
            `must be ${integer ? 'a whole number' : 'a number'} from 0 to ${field.max} (${NOT_REPORTED})`,
          );
    }
    case 'counts': {
      if (!isRecord(value)) {
        return problem(`must be an object of counts by category (${field.of.join(', ')})`);
      }
      const keys = Object.keys(value);
      if (keys.length === 0) {
        return problem(`must give at least one count (${field.of.join(', ')}); ${NOT_REPORTED}`);
      }
      const problems: Problems = [];
      for (const key of keys) {
        if (!field.of.includes(key)) {
          problems.push({ at: `.${key}`, message: `is not a category (allowed: ${field.of.join(', ')})` });
        } else if (!isCount(value[key], field.max, true)) {
          problems.push({
            at: `.${key}`,
            message: `must be a whole number from 0 to ${field.max} (${NOT_REPORTED})`,
          });
        }
      }
      return problems;
    }
    case 'actors':
      return list(
        value,
        field.items,
        (v) =>
          typeof v === 'string' && SLUG_PATTERN.test(v)
            ? undefined
            : 'must be an actor id: lower-case ASCII words joined by -',
        true,
      );
    default: {
      const unknown: never = field;
      throw new Error(`unknown detail type ${JSON.stringify(unknown)}`);
    }
  }
}

function checkDates(input: ReportShape, errors: FieldError[]): void {
  const on = parsePartialDate(input.occurred.on);
  if (!on) errors.push({ field: 'occurred.on', message: `must be ${PARTIAL_DATE_HINT}` });
  if (input.occurred.until === undefined) return;
  const until = parsePartialDate(input.occurred.until);
  if (!until) errors.push({ field: 'occurred.until', message: `must be ${PARTIAL_DATE_HINT}` });
  else if (on && until.lastDay < on.firstDay) {
    errors.push({ field: 'occurred.until', message: 'must not be before occurred.on' });
  }
}

function checkMentionForms(input: IncidentInput, errors: FieldError[]): void {
  for (const list of ['actors', 'locations'] as const) {
    input[list].forEach((mention, i) => {
      const hasId = mention.id !== undefined;
      const hasName = mention.name !== undefined;
      if (hasId === hasName) errors.push({ field: `${list}[${i}]`, message: 'must have either id or name' });
    });
  }
}

function checkRoles(input: ReportShape, errors: FieldError[]): void {
  for (const rule of kindSpec(input.kind).requires) {
    const matching = input[rule.on].filter((m) => rule.roles.includes(m.role)).length;
    if (matching < rule.atLeast) errors.push({ field: rule.on, message: rule.message });
  }
}

function checkDetails(input: ReportShape, errors: FieldError[]): void {
  const details = input.details ?? {};
  if (!isRecord(details)) {
    errors.push({ field: 'details', message: 'must be an object' });
    return;
  }
  const spec = kindSpec(input.kind);
  for (const key of Object.keys(details)) {
    if (!Object.hasOwn(spec.details, key)) {
      const allowed = Object.keys(spec.details).join(', ') || 'nothing';
      errors.push({
        field: `details.${key}`,
        message: `is not a detail of ${input.kind} (allowed: ${allowed})`,
      });
    }
  }
  const before = errors.length;
  for (const [key, field] of Object.entries(spec.details)) {
    const value = details[key];
    if (value === undefined) {
      if (field.required) errors.push({ field: `details.${key}`, message: `is required for ${input.kind}` });
      continue;
    }
    for (const { at, message } of checkField(field, value)) {
      errors.push({ field: `details.${key}${at}`, message });
    }
  }
  // Rules between details only make sense once each detail is valid on its own.
  if (errors.length > before) return;
  for (const rule of spec.detailRules ?? []) {
    if (rule.broken(details)) errors.push({ field: `details.${rule.field}`, message: rule.message });
  }
}

function checkSources(input: ReportShape, errors: FieldError[]): void {
  if (input.sources.length === 0) errors.push({ field: 'sources', message: 'must list at least one source' });
  input.sources.forEach((source, i) => {
    if (source.publishedOn !== undefined && !parsePartialDate(source.publishedOn)) {
      errors.push({ field: `sources[${i}].publishedOn`, message: `must be ${PARTIAL_DATE_HINT}` });
    }
  });
}

/** The per-kind rules of PRODUCT.md for an incident as an editor sends it (a draft, say). */
export function validateIncident(input: IncidentInput): FieldError[] {
  const errors: FieldError[] = [];
  checkDates(input, errors);
  checkMentionForms(input, errors);
  checkRoles(input, errors);
  checkDetails(input, errors);
  checkSources(input, errors);
  return errors;
}

/**
 * The per-kind rules for a report whose mentions are resolved: what the decider checks, once,
 * before the report (or a correction of it) is recorded. An empty list means it may be recorded.
 */
export function validateReport(report: ReportShape): FieldError[] {
  const errors: FieldError[] = [];
  checkDates(report, errors);
  checkRoles(report, errors);
  checkDetails(report, errors);
  checkSources(report, errors);
  return errors;
}

/**
 * Fields whose recorded value a sourced claim may dispute, for an incident of this kind: every
 * detail, and each category of a detail that counts by category (`details.people.wounded`).
 */
export function disputableFields(kind: IncidentKind): string[] {
  return [
    'title',
    'summary',
    'occurred.on',
    'occurred.until',
    ...Object.entries(kindSpec(kind).details).flatMap(([key, field]) => [
      `details.${key}`,
      ...(field.type === 'counts' ? field.of.map((category) => `details.${key}.${category}`) : []),
    ]),
  ];
}

/** Registry ids that details name (`vetoedBy`), with their field paths: checked like mentions. */
export function detailActorIds(
  kind: IncidentKind,
  details: Readonly<Record<string, unknown>> | undefined,
): { readonly id: string; readonly field: string }[] {
  if (!details) return [];
  return Object.entries(kindSpec(kind).details).flatMap(([key, field]) => {
    const value = details[key];
    if (field.type !== 'actors' || !Array.isArray(value)) return [];
    return value.flatMap((id, i) => (typeof id === 'string' ? [{ id, field: `details.${key}[${i}]` }] : []));
  });
}

/** The free text of details that search indexes (a quote, a truce's terms, a resolution's number). */
export function searchableDetails(kind: IncidentKind, details: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(kindSpec(kind).details).flatMap(([key, field]) => {
    const value = details[key];
    return field.type === 'text' && field.searchable === true && typeof value === 'string' ? [value] : [];
  });
}
