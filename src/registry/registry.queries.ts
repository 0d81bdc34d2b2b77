import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '../common/errors.js';
import { ReadStore } from '../projections/read-store.js';
import { nameKey } from './registry.decider.js';
import type { RegistryKind } from './registry.events.js';
import { decodeOffset, encodeOffset } from './registry.reader.js';
import { type RegistryRecord, RegistryRecords } from './registry.records.js';

export interface RegistrySearchResult<R extends RegistryRecord = RegistryRecord> {
  readonly items: readonly (R & { readonly matched: string | null })[];
  readonly nextCursor: string | null;
}

/** Entries by name or alias prefix: `GET /v1/actors?q=`, `GET /v1/locations?q=`. */
export class SearchRegistry extends Query<RegistrySearchResult> {
  constructor(
    readonly kind: RegistryKind,
    readonly q: string | undefined,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}

/** One entry by its id: `GET /v1/actors/{id}`, `GET /v1/locations/{id}`. */
export class GetRegistryEntry extends Query<RegistryRecord> {
  constructor(
    readonly kind: RegistryKind,
    readonly id: string,
  ) {
    super();
  }
}

/**
 * Entries whose name or an alias starts with `q` (or has a word starting with it), compared as
 * keys (case, accents and punctuation ignored). A merged actor is found through its canonical actor,
 * once, under the best of its names: exact matches first, then prefixes, then word prefixes, the
 * entry's own name before its aliases. Without `q`, every canonical entry by id. Pages by offset:
 * the ranking is not a stable key to continue after.
 */
@QueryHandler(SearchRegistry)
export class SearchRegistryHandler implements IQueryHandler<SearchRegistry> {
  constructor(
    private readonly readStore: ReadStore,
    private readonly records: RegistryRecords,
  ) {}

  execute({ kind, q, limit, cursor }: SearchRegistry): Promise<RegistrySearchResult> {
    const offset = decodeOffset(cursor);
    const key = q === undefined ? '' : nameKey(q);
    const canonicalOf = kind === 'actor' ? 'a.canonical_id' : 'n.id';
    const join = kind === 'actor' ? 'JOIN actors a ON a.actor_id = n.id' : '';
    const rank = 'CASE WHEN n.key = @exact THEN 0 WHEN n.key LIKE @prefix THEN 1 ELSE 2 END';
    const rows = this.readStore
      .prepare<
        [{ kind: string; exact: string; prefix: string; word: string; limit: number; offset: number }],
        { id: string; label: string }
      >(
        `SELECT id, label FROM (
           SELECT ${canonicalOf} AS id, n.label,
             row_number() OVER (PARTITION BY ${canonicalOf} ORDER BY ${rank}, n.alias, n.seq) AS pick,
             min(${rank}) OVER (PARTITION BY ${canonicalOf}) AS rank
           FROM registry_names n ${join}
           WHERE n.kind = @kind AND (@exact = '' OR n.key LIKE @prefix OR n.key LIKE @word))
         WHERE pick = 1 ORDER BY rank, id LIMIT @limit OFFSET @offset`,
      )
      // One row more than the page: whether another page follows.
      .all({ kind, exact: key, prefix: `${key}%`, word: `%-${key}%`, limit: limit + 1, offset });
    const items = rows.slice(0, limit).flatMap((row) => {
      const record = this.records.find(kind, row.id);
      return record ? [{ ...record, matched: key === '' ? null : row.label }] : [];
    });
    return Promise.resolve({
      items,
      nextCursor: rows.length > limit ? encodeOffset(offset + limit) : null,
    });
  }
}

/**
 * One entry as the view knows it. The path may have named it by an alias (AliasPath resolved that);
 * a merged actor answers as itself, with `mergedInto` naming the actor it stands for now.
 */
@QueryHandler(GetRegistryEntry)
export class GetRegistryEntryHandler implements IQueryHandler<GetRegistryEntry> {
  constructor(private readonly records: RegistryRecords) {}

  execute({ kind, id }: GetRegistryEntry): Promise<RegistryRecord> {
    const record = this.records.find(kind, id);
    if (!record) return Promise.reject(new NotFoundError(kind, id));
    return Promise.resolve(record);
  }
}
