import { createHash } from 'node:crypto';
import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Observable, of, tap } from 'rxjs';
import { CONFIG, type Config } from '../config/config.js';
import { derivedId } from '../event-store/stream-handler.js';
import { ReadStore } from '../projections/read-store.js';
import { DomainValidationError, IdempotencyKeyReusedError } from './errors.js';

const KEY = /^[\x21-\x7e]{1,200}$/;
const KEPT_HEADERS = ['location', 'etag'] as const;
/** Namespace of the ids derived from keys (UUIDv5): any fixed UUID, never to change. */
const KEYS_NAMESPACE = '2f0b8b4e-4f8c-4d43-9a55-6a1c2d0e7b19';

/** What a keyed request carries into its write context (src/common/write-context.decorator.ts). */
export interface Idempotency {
  /** From the principal and the key: the causation id of every attempt of the request. */
  readonly commandId: string;
  /** From the key and the request's content: what its event ids derive from. */
  readonly requestId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Idempotency;
  }
}

interface StoredAnswer {
  request_hash: string;
  status: number;
  headers: string;
  body: string | null;
}

/**
 * `Idempotency-Key` on any POST. The log decides: the key (scoped to the principal) and the
 * request's content become the ids of what the request appends (see StreamHandler), so a retry
 * after any crash either finds its events and answers from them, or writes them exactly once; the
 * same key with other content finds events it did not derive and is a 422. Nothing is ever held
 * "in progress": two attempts at once both run, and the store keeps one of their appends.
 *
 * Answers are also kept in this instance's read store, for `DATELINE_IDEMPOTENCY_TTL_MS` (24 h),
 * once a request has succeeded: a replay of a kept answer is cheap, and a key reused for another
 * request on another route is recognised too. See docs/decisions/0008-idempotency-keys.md.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly readStore: ReadStore,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    readStore.db.exec(`CREATE TABLE IF NOT EXISTS idempotency_answers (
      scope_key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, created_at INTEGER NOT NULL,
      status INTEGER NOT NULL, headers TEXT NOT NULL, body TEXT) STRICT`);
    // The table of the earlier design held rows "in progress" that could outlive a crash.
    readStore.db.exec('DROP TABLE IF EXISTS idempotency_keys');
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined) return next.handle();
    if (typeof header !== 'string' || !KEY.test(header)) {
      throw new DomainValidationError([
        { field: 'Idempotency-Key', message: 'must be 1 to 200 visible ASCII characters' },
      ]);
    }
    const reply = http.getResponse<FastifyReply>();
    const scopeKey = `${request.principal ?? 'anonymous'}\n${header}`;
    const [path = '', query] = request.url.split('?', 2);
    // Ids in paths are case-insensitive: `/v1/incidents/01A2…/sources` is the same request in lower case.
    const target = `${request.method} ${path.toLowerCase()}${query === undefined ? '' : `?${query}`}`;
    const requestHash = createHash('sha256')
      .update(`${target}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const commandId = derivedId(scopeKey, KEYS_NAMESPACE);
    request.idempotency = { commandId, requestId: derivedId(requestHash, commandId) };

    const kept = this.kept(scopeKey);
    if (kept) {
      if (kept.request_hash !== requestHash) throw new IdempotencyKeyReusedError();
      const headers = JSON.parse(kept.headers) as Record<string, string>;
      void reply.status(kept.status).headers(headers).header('Idempotent-Replayed', 'true');
      return of(kept.body === null ? undefined : (JSON.parse(kept.body) as unknown));
    }
    return next.handle().pipe(
      tap((body) => {
        this.keep(scopeKey, requestHash, reply, body);
      }),
    );
  }

  /** The answer kept for a key, unless it has expired (expired ones are dropped on the way). */
  private kept(scopeKey: string): StoredAnswer | undefined {
    if (this.config.idempotencyTtlMs === 0) return undefined;
    this.readStore
      .prepare<[number]>('DELETE FROM idempotency_answers WHERE created_at < ?')
      .run(Date.now() - this.config.idempotencyTtlMs);
    return this.readStore
      .prepare<[string], StoredAnswer>(
        'SELECT request_hash, status, headers, body FROM idempotency_answers WHERE scope_key = ?',
      )
      .get(scopeKey);
  }

  private keep(scopeKey: string, requestHash: string, reply: FastifyReply, body: unknown): void {
    if (this.config.idempotencyTtlMs === 0) return;
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = reply.getHeader(name);
      if (typeof value === 'string') headers[name] = value;
    }
    this.readStore
      .prepare<[string, string, number, number, string, string | null]>(
        `INSERT OR REPLACE INTO idempotency_answers (scope_key, request_hash, created_at, status, headers, body)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        scopeKey,
        requestHash,
        Date.now(),
        reply.statusCode,
        JSON.stringify(headers),
        body === undefined ? null : JSON.stringify(body),
      );
  }
}
