import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import type { RegistrySearchResult } from '../registry/registry.queries.js';
import { RegistryReader } from '../registry/registry.reader.js';
import { locationIdsOf } from './geojson.js';
import { FORMATS, type Format, negotiate } from './negotiate.js';
import { nextTarget } from './next-link.js';
import { type EntryPage, type Rendered, renderEntries, renderRecords } from './render.js';

export interface Http {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly format: Format;
  /**
   * Whether a CSV starts with a byte-order mark: `bom=true|false` when given, else yes for
   * `format=csv` (the link a person clicks to open in a spreadsheet) and no for `Accept: text/csv`
   * (a program, which would read the mark as part of the first column's name).
   */
  readonly bom: boolean;
}

function http(context: ExecutionContext, allowed: readonly Format[]): Http {
  const h = context.switchToHttp();
  return negotiateHttp(h.getRequest<FastifyRequest>(), h.getResponse<FastifyReply>(), allowed);
}

/** The format and byte-order mark a request asks for (a 406 or 400 when it cannot be served). */
export function negotiateHttp(
  request: FastifyRequest,
  reply: FastifyReply,
  allowed: readonly Format[],
): Http {
  const query = request.query as Record<string, unknown> | undefined;
  const format = negotiate(query?.format, request.headers.accept, allowed);
  const bom = query?.bom === 'true' ? true : query?.bom === 'false' ? false : query?.format === 'csv';
  return { request, reply, format, bom };
}

/** The file extension of each download format. */
const EXTENSIONS: { readonly [F in Exclude<Format, 'json'>]: string } = {
  csv: 'csv',
  ndjson: 'ndjson',
  timelinejs: 'timelinejs.json',
  geojson: 'geojson',
  ics: 'ics',
};

/**
 * Every format but JSON is a file to keep: `attachment; filename="zhai-jun-timeline.csv"`. The
 * name is made of ids (slugs) and fixed words; anything else is replaced, so the header can never
 * carry a quote, a path or a line break.
 */
function download(h: Http, base: string, rendered: Rendered): string {
  if (h.format === 'json') return rendered.body;
  const name = `${base}.${EXTENSIONS[h.format]}`.replace(/[^A-Za-z0-9._-]+/g, '-');
  void h.reply.header('Content-Type', rendered.contentType);
  void h.reply.header('Content-Disposition', `attachment; filename="${name}"`);
  return rendered.body;
}

/** The same request with another cursor: the `Link: rel="next"` of every format. */
function nextLink(request: FastifyRequest, cursor: string): string {
  return `<${nextTarget(request.url, cursor)}>; rel="next"`;
}

function paginate(h: Http, nextCursor: string | null): void {
  void h.reply.header('Vary', 'Accept');
  if (nextCursor !== null) void h.reply.header('Link', nextLink(h.request, nextCursor));
}

/**
 * Renders a page of timeline entries (a timeline or incident search results) in the format the
 * client asked for; handlers return the page and stay unaware of formats.
 */
@Injectable()
export class EntriesFormatInterceptor implements NestInterceptor {
  constructor(private readonly registry: RegistryReader) {}

  intercept(context: ExecutionContext, next: CallHandler<EntryPage>): Observable<unknown> {
    const h = http(context, FORMATS);
    return next.handle().pipe(map((page) => renderEntryPage(h, page, this.registry)));
  }
}

/**
 * The body of a page of entries in the negotiated format, with its headers (Link, Vary,
 * Content-Location of a merged actor, Content-Type, Content-Disposition).
 */
export function renderEntryPage(h: Http, page: EntryPage, registry: RegistryReader): unknown {
  paginate(h, page.nextCursor);
  // A merged actor's id answers with the canonical actor's timeline, and says where it lives.
  const requested = (h.request.params as Record<string, string> | undefined)?.id;
  if (page.subject && requested !== undefined && requested !== page.subject.id) {
    const url = new URL(h.request.url, 'http://dateline.invalid');
    const path = url.pathname.replace(`/${requested}/`, `/${page.subject.id}/`);
    void h.reply.header('Content-Location', `${path}${url.search}`);
  }
  if (h.format === 'json') {
    if (!page.json) return page;
    void h.reply.header('Content-Type', 'application/json; charset=utf-8');
    return page.json();
  }
  const coordinates = h.format === 'geojson' ? registry.coordinates(locationIdsOf(page)) : new Map();
  const rendered = renderEntries(h.format, page, coordinates, { bom: h.bom });
  return download(h, page.subject ? `${page.subject.id}-timeline` : 'incidents', rendered);
}

/** Renders registry search results: JSON, NDJSON or CSV, and GeoJSON for locations. */
@Injectable()
export class RecordsFormatInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler<RegistrySearchResult>): Observable<unknown> {
    const isLocations = context.switchToHttp().getRequest<FastifyRequest>().url.startsWith('/v1/locations');
    const h = http(context, isLocations ? ['json', 'ndjson', 'csv', 'geojson'] : ['json', 'ndjson', 'csv']);
    return next.handle().pipe(
      map((result) => {
        paginate(h, result.nextCursor);
        if (h.format === 'json') return result;
        const rendered = renderRecords(h.format as 'ndjson' | 'csv' | 'geojson', result.items, {
          bom: h.bom,
        });
        return download(h, isLocations ? 'locations' : 'actors', rendered);
      }),
    );
  }
}
