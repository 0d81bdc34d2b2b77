import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { FieldErrorDto, ProblemDto } from './common/problem.dto.js';

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
  return document;
}

/** Serves the documentation: the UI at /docs, the document at /docs-json. */
export function setupOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, () => openApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
  });
}
