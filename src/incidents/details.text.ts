import { type DetailField, type IncidentKind, kindSpec, words } from './incident.js';

/** One detail in words, for exports and the page: `{ label: 'People evacuated', text: '76 wounded, 335 foreign nationals' }`. */
export interface DetailLine {
  readonly key: string;
  readonly label: string;
  readonly text: string;
}

const number = (value: unknown): string =>
  typeof value === 'number' ? value.toLocaleString('en-GB') : String(value);

const list = (value: unknown, each: (item: unknown) => string): string =>
  Array.isArray(value) ? value.map(each).join(', ') : String(value);

function text(field: DetailField, value: unknown): string {
  switch (field.type) {
    case 'choice':
      return words(String(value));
    case 'choices':
      return list(value, (v) => words(String(v)));
    case 'text':
      return String(value);
    case 'texts':
    case 'actors':
      return list(value, String);
    case 'count':
    case 'amount':
      return number(value);
    case 'counts': {
      const counts = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
      // In the table's order, so "76 wounded, 335 foreign nationals" reads the same in every export.
      return field.of
        .filter((category) => counts[category] !== undefined)
        .map((category) => `${number(counts[category])} ${words(category)}`)
        .join(', ');
    }
    default: {
      const unknown: never = field;
      throw new Error(`unknown detail type ${JSON.stringify(unknown)}`);
    }
  }
}

/** The details of an incident in words, in the order its kind declares them; absent details are left out. */
export function describeDetails(
  kind: IncidentKind,
  details: Readonly<Record<string, unknown>>,
): DetailLine[] {
  return Object.entries(kindSpec(kind).details).flatMap(([key, field]) => {
    const value = details[key];
    return value === undefined || value === null
      ? []
      : [{ key, label: field.label, text: text(field, value) }];
  });
}
