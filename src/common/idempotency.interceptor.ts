import { createHash } from 'node:crypto';
import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UnprocessableEntityException,
  ConflictException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, type Observable, of, throwError } from 'rxjs';
import { ReadStore } from '../projections/read-store.js';
import { DomainValidationError } from './errors.js';

const KEY = /^[\x21-\x7e]{1,200}$/;
const KEPT_HEADERS = ['location', 'etag'] as const;
/** Keys are remembered this long; a retry after that is a new request. */
const TTL_MS = 24 * 60 * 60 * 1000;

interface StoredAnswer {
  request_hash: string;
  status: number | null;
  headers: string | null;
  body: string | null;
}

/**
 * `Idempotency-Key` on any POST: a retry with the same key and body gets the first answer without
 * appending again; the same key with another body is a 422. Answers are kept in this instance's
 * read store: a retry must reach the same instance (see docs/decisions/0008-idempotency-keys.md).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly readStore: ReadStore) {
    readStore.db.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
      scope_key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, created_at INTEGER NOT NULL,
      status INTEGER, headers TEXT, body TEXT) STRICT`);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { principal?: string }>();
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined) return next.handle();
    if (typeof header !== 'string' || !KEY.test(header)) {
      throw new DomainValidationError([
        { field: 'Idempotency-Key', message: 'must be 1 to 200 visible ASCII characters' },
      ]);
    }
    const reply = http.getResponse<FastifyReply>();
    const scopeKey = `${request.principal ?? 'anonymous'}\n${header}`;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const db = this.readStore;
    db.prepare<[number]>('DELETE FROM idempotency_keys WHERE created_at < ?').run(Date.now() - TTL_MS);
    const existing = db
      .prepare<[string], StoredAnswer>(
        'SELECT request_hash, status, headers, body FROM idempotency_keys WHERE scope_key = ?',
      )
      .get(scopeKey);
    if (existing) {
      if (existing.request_hash !== requestHash) {
        throw new UnprocessableEntityException({
          title: 'Idempotency key reused',
          message: 'this Idempotency-Key was used with a different request; use a new key for a new request',
        });
      }
      if (existing.status === null) {
        throw new ConflictException({
          title: 'Request in progress',
          message: 'a request with this Idempotency-Key is still being processed; retry in a moment',
        });
      }
      const headers = JSON.parse(existing.headers ?? '{}') as Record<string, string>;
      void reply.status(existing.status).headers(headers).header('Idempotent-Replayed', 'true');
      return of(existing.body === null ? undefined : (JSON.parse(existing.body) as unknown));
    }
    db.prepare<[string, string, number]>(
      'INSERT INTO idempotency_keys (scope_key, request_hash, created_at) VALUES (?, ?, ?)',
    ).run(scopeKey, requestHash, Date.now());
    return next.handle().pipe(
      mergeMap((body) => {
        const headers: Record<string, string> = {};
        for (const name of KEPT_HEADERS) {
          const value = reply.getHeader(name);
          if (typeof value === 'string') headers[name] = value;
        }
        db.prepare<[number, string, string | null, string]>(
          'UPDATE idempotency_keys SET status = ?, headers = ?, body = ? WHERE scope_key = ?',
        ).run(
          reply.statusCode,
          JSON.stringify(headers),
          body === undefined ? null : JSON.stringify(body),
          scopeKey,
        );
        return from([body]);
      }),
      catchError((error: unknown) => {
        // A failed request wrote nothing: forget the key so a retry runs again.
        db.prepare<[string]>('DELETE FROM idempotency_keys WHERE scope_key = ?').run(scopeKey);
        return throwError(() => error);
      }),
    );
  }
}
