import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { RegistryKind } from './registry.events.js';
import {
  decodeOffset,
  type RegistryRecord,
  RegistryReader,
  type RegistrySearchResult,
} from './registry.reader.js';

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

export class GetRegistryEntry extends Query<RegistryRecord> {
  constructor(
    readonly kind: RegistryKind,
    readonly id: string,
  ) {
    super();
  }
}

@QueryHandler(SearchRegistry)
export class SearchRegistryHandler implements IQueryHandler<SearchRegistry> {
  constructor(private readonly reader: RegistryReader) {}

  execute(query: SearchRegistry): Promise<RegistrySearchResult> {
    return Promise.resolve(this.reader.search(query.kind, query.q, query.limit, decodeOffset(query.cursor)));
  }
}

@QueryHandler(GetRegistryEntry)
export class GetRegistryEntryHandler implements IQueryHandler<GetRegistryEntry> {
  constructor(private readonly reader: RegistryReader) {}

  execute(query: GetRegistryEntry): Promise<RegistryRecord> {
    return Promise.resolve(this.reader.get(query.kind, query.id));
  }
}
