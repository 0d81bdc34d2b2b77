import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { FieldErrorDto, ProblemDto } from './common/problem.dto.js';
import { detailsSchemas } from './incidents/details.schema.js';
import { VIEW_SCHEMAS } from './timelines/timeline-entry.js';

/** The OpenAPI 3 document of every route, built from the controllers' and DTOs' decorators. */
export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Dateline')
    .setDescription(
      'Event-sourced conflict timelines: sourced incidents, actor and location timelines, the registry ' +
        'of actors and locations, and search. Errors are application/problem+json (RFC 9457).',
    )
    .setVersion('1')
    .addTag('incidents')
    .addTag('timelines')
    .addTag('registry')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto, FieldErrorDto] });
  // Nest's generator writes error bodies as application/json; Dateline sends them as problem+json.
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.post, item.put, item.patch, item.delete]) {
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        if (!/^[45]/.test(status) || response === undefined || !('description' in response)) continue;
        response.content = {
          'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } },
        };
      }
    }
  }
  describeViews(document);
  describeDetails(document);
  describeAliasPaths(document);
  describeDownloads(document);
  return document;
}

/**
 * Every read that takes `format=` answers the formats but JSON as a file to keep, and pages through
 * `Link` in every format (see formats/format.interceptor.ts): the answer's headers say so.
 */
function describeDownloads(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    const parameters = item.get?.parameters ?? [];
    if (!parameters.some((p) => 'name' in p && p.name === 'format' && p.in === 'query')) continue;
    for (const [status, response] of Object.entries(item.get?.responses ?? {})) {
      if (!status.startsWith('2') || response === undefined || !('description' in response)) continue;
      response.headers = {
        ...response.headers,
        'Content-Disposition': {
          description:
            'every format but json: attachment; filename="<subject>-timeline.<ext>" (zhai-jun-timeline.csv; ' +
            'incidents.<ext> for search, actors.<ext> / locations.<ext> for the registry), whether the format ' +
            'was asked by format= or Accept',
          schema: { type: 'string' },
        },
        Link: {
          description:
            'in every format, when there is a next page: <the same request with its cursor>; rel="next"',
          schema: { type: 'string' },
        },
      };
    }
  }
}

/**
 * Every GET under `/v1/actors/{id}` and `/v1/locations/{id}` takes any name the entry answers to
 * (see registry/alias-path.interceptor.ts): the parameter and the answer's header say so.
 */
function describeAliasPaths(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    if (!/^\/v1\/(actors|locations)\/\{id\}/.test(path) || !item.get) continue;
    for (const parameter of item.get.parameters ?? []) {
      if ('name' in parameter && parameter.name === 'id' && parameter.in === 'path') {
        parameter.description =
          'the id, or any name or alias the entry answers to, in slug form (case ignored): "blinken" answers ' +
          'for antony-blinken' +
          (path.includes('/timeline') && path.startsWith('/v1/actors')
            ? '; a merged actor’s id for its canonical actor'
            : '');
      }
    }
    for (const [status, response] of Object.entries(item.get.responses)) {
      if (!status.startsWith('2') || response === undefined || !('description' in response)) continue;
      response.headers = {
        ...response.headers,
        'Content-Location': {
          description: 'the canonical URL, when the request named the entry by an alias (or a merged id)',
          schema: { type: 'string' },
        },
      };
    }
  }
}

/**
 * The incident view is declared once as JSON Schema (timelines/timeline-entry.ts); the answers'
 * DTOs point at these components by name.
 */
function describeViews(document: OpenAPIObject): void {
  const schemas = ((document.components ??= {}).schemas ??= {});
  // A plain JSON copy: the declaration's objects carry TypeBox's symbol keys, which the document needs not.
  for (const [name, schema] of Object.entries(VIEW_SCHEMAS)) {
    schemas[name] = JSON.parse(JSON.stringify(schema)) as (typeof schemas)[string];
  }
}

/**
 * `details` depends on the incident's kind: each kind's schema is a component derived from the kind
 * table (`CeasefireDetails`, …), and every `details` property points at them.
 */
function describeDetails(document: OpenAPIObject): void {
  const schemas = (document.components ??= {}).schemas ?? {};
  const perKind = detailsSchemas();
  Object.assign(schemas, perKind);
  document.components.schemas = schemas;
  const anyOf = Object.keys(perKind).map((name) => ({ $ref: `#/components/schemas/${name}` }));
  for (const name of ['RecordIncidentDto', 'ChangesDto']) {
    const schema = schemas[name];
    const properties = schema && 'properties' in schema ? schema.properties : undefined;
    const details = properties?.details;
    if (!properties || !details) continue;
    properties.details = {
      description:
        'kind-specific details: the schema named after the incident’s kind (`ceasefire` → CeasefireDetails)',
      anyOf,
    };
  }
}

/** Serves the documentation: the UI at /docs, the document at /docs-json. */
export function setupOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, () => openApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
  });
}
