import { SLUG_PATTERN } from '../common/slug.js';
import { type DetailField, INCIDENT_KINDS, type IncidentKind, kindSpec, words } from './incident.js';

/** A JSON Schema (OpenAPI 3.0 dialect) as a plain object. */
export type JsonSchema = Readonly<Record<string, unknown>>;

function fieldSchema(field: DetailField): JsonSchema {
  const description = field.hint === undefined ? field.label : `${field.label}: ${field.hint}`;
  switch (field.type) {
    case 'choice':
      return { description, type: 'string', enum: [...field.of] };
    case 'choices':
      return {
        description,
        type: 'array',
        items: { type: 'string', enum: [...field.of] },
        uniqueItems: true,
        maxItems: field.of.length,
      };
    case 'text':
      return { description, type: 'string', minLength: 1, maxLength: field.max };
    case 'texts':
      return {
        description,
        type: 'array',
        items: { type: 'string', minLength: 1, maxLength: field.max },
        maxItems: field.items,
      };
    case 'count':
      return {
        description: `${description} (absent when not reported)`,
        type: 'integer',
        minimum: 0,
        maximum: field.max,
      };
    case 'amount':
      return {
        description: `${description} (absent when not reported)`,
        type: 'number',
        minimum: 0,
        maximum: field.max,
      };
    case 'counts':
      return {
        description: `${description}: counts by category, each absent when not reported`,
        type: 'object',
        properties: Object.fromEntries(
          field.of.map((category) => [
            category,
            { description: words(category), type: 'integer', minimum: 0, maximum: field.max },
          ]),
        ),
        additionalProperties: false,
        minProperties: 1,
      };
    case 'actors':
      return {
        description: `${description} (actor ids)`,
        type: 'array',
        items: { type: 'string', pattern: SLUG_PATTERN.source },
        uniqueItems: true,
        maxItems: field.items,
      };
    default: {
      const unknown: never = field;
      throw new Error(`unknown detail type ${JSON.stringify(unknown)}`);
    }
  }
}

/** `aid_delivery` → `AidDeliveryDetails`: the component name of a kind's details. */
export const detailsSchemaName = (kind: IncidentKind): string =>
  `${kind.replace(/(^|_)([a-z])/g, (_, __, letter: string) => letter.toUpperCase())}Details`;

/** The JSON Schema of each kind's `details`, from the kind table. */
export function detailsSchemas(): Record<string, JsonSchema> {
  return Object.fromEntries(
    INCIDENT_KINDS.map((kind) => {
      const spec = kindSpec(kind);
      const required = Object.entries(spec.details).flatMap(([key, field]) => (field.required ? [key] : []));
      return [
        detailsSchemaName(kind),
        {
          type: 'object',
          description: `details of a ${words(kind)} incident (event ${spec.event})`,
          properties: Object.fromEntries(
            Object.entries(spec.details).map(([key, field]) => [key, fieldSchema(field)]),
          ),
          ...(required.length > 0 ? { required } : {}),
          additionalProperties: false,
        },
      ];
    }),
  );
}
