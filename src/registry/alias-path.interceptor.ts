import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  mixin,
  type NestInterceptor,
  type Type,
  UseInterceptors,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { canonicalId } from '../common/ids.js';
import { SLUG_PATTERN } from '../common/slug.js';
import type { RegistryKind } from './registry.events.js';
import { type EntryRead, RegistryReader } from './registry.reader.js';

/**
 * A route whose `:id` may be any name the entry answers to. An alias (or the slug of a name, or with
 * `followMerges` a merged actor's id) is answered for the entry it names, directly rather than by a
 * redirect, so exports and clients that do not follow redirects work alike; `Content-Location`
 * gives the canonical URL. The interceptor runs before the pipes, so the handler sees the id. With
 * `asOf` a merged actor's id is left to the handler: before the merge it was an actor of its own.
 */
export function AliasPath(kind: RegistryKind, options: { followMerges?: boolean } = {}): MethodDecorator {
  return UseInterceptors(aliasInterceptor(kind, options.followMerges ?? false));
}

function aliasInterceptor(kind: RegistryKind, followMerges: boolean): Type<NestInterceptor> {
  @Injectable()
  class AliasPathInterceptor implements NestInterceptor {
    constructor(private readonly registry: RegistryReader) {}

    intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
      const http = context.switchToHttp();
      resolveAliasPath(
        this.registry,
        kind,
        followMerges,
        http.getRequest<AliasRequest>(),
        http.getResponse<FastifyReply>(),
      );
      return next.handle();
    }
  }
  return mixin(AliasPathInterceptor);
}

type AliasRequest = FastifyRequest<{ Params: { id?: string }; Querystring: { asOf?: unknown } | undefined }>;

/**
 * What `AliasPath` does, for routes served without Nest's pipeline: the request's `:id` becomes the
 * id of the entry it names, and the answer's `Content-Location` the canonical URL. Gives back the
 * entry's row as the lookup read it when the id was the entry's own (the handler need not read it
 * again).
 */
export function resolveAliasPath(
  registry: RegistryReader,
  kind: RegistryKind,
  followMerges: boolean,
  request: AliasRequest,
  reply: FastifyReply,
): EntryRead | undefined {
  const raw = request.params.id;
  const id = raw === undefined ? undefined : canonicalId(raw);
  // A malformed id is the slug pipe's to refuse; an unknown one the handler's to answer 404.
  if (id === undefined || !SLUG_PATTERN.test(id)) return undefined;
  const { id: resolved, read } = registry.resolve(
    kind,
    id,
    followMerges && request.query?.asOf !== undefined ? 'own' : followMerges ? 'canonical' : 'named',
  );
  if (resolved !== undefined && resolved !== id) {
    request.params.id = resolved;
    void reply.header('content-location', canonicalUrl(request.url, resolved));
  }
  return read;
}

/** The request's URL with its id segment (`/v1/<kind>s/<id>/…`) replaced, query string kept. */
function canonicalUrl(url: string, id: string): string {
  const at = url.indexOf('?');
  const [path, query] = at === -1 ? [url, ''] : [url.slice(0, at), url.slice(at)];
  const segments = path.split('/');
  segments[3] = id;
  return `${segments.join('/')}${query}`;
}
