import { ConflictError, DomainValidationError, NotFoundError } from '../../src/common/errors.js';
import {
  decideAffiliation,
  decideAlias,
  decideMerge,
  decidePlacement,
  type EntryState,
  evolveEntry,
  initialEntry,
} from '../../src/registry/registry.decider.js';
import type { RegistryEvent, RegistryKind } from '../../src/registry/registry.events.js';

/** Given these events of one stream, the entry's state. */
function given(kind: RegistryKind, id: string, events: RegistryEvent[]): EntryState {
  return events.reduce(evolveEntry, initialEntry(kind, id));
}

const actor = (id: string, ...more: RegistryEvent[]): EntryState =>
  given('actor', id, [
    {
      type: 'ActorRegistered',
      data: { actorId: id, name: id.toUpperCase(), kind: 'person', provisional: false },
    },
    ...more,
  ]);

const location = (id: string, parentId: string | null = null): EntryState =>
  given('location', id, [
    {
      type: 'LocationRegistered',
      data: { locationId: id, name: id, kind: 'region', parentId, coordinates: null, provisional: false },
    },
  ]);

describe('registry decider', () => {
  it('an alias is added once; its normalised form already known is a no-op', () => {
    const zhai = actor('zhai-jun');
    expect(decideAlias(zhai, 'Beijing’s envoy')).toEqual([
      { type: 'ActorAliasAdded', data: { actorId: 'zhai-jun', alias: 'Beijing’s envoy' } },
    ]);
    const withAlias = actor('zhai-jun', {
      type: 'ActorAliasAdded',
      data: { actorId: 'zhai-jun', alias: 'Beijing’s envoy' },
    });
    expect(decideAlias(withAlias, "BEIJING'S ENVOY")).toEqual([]);
    expect(decideAlias(withAlias, 'zhai jun')).toEqual([]); // the name itself
    expect(decideAlias(withAlias, 'ZHAI-JUN')).toEqual([]); // the id is a key of the entry too
    expect(() => decideAlias(initialEntry('actor', 'nobody'), 'x')).toThrow(NotFoundError);
    expect(() => decideAlias(zhai, '—')).toThrow(DomainValidationError);
  });

  it('an editor’s registration confirms a provisional entry; later ones change nothing', () => {
    const confirmed = given('actor', 'un-relief', [
      {
        type: 'ActorRegistered',
        data: { actorId: 'un-relief', name: 'UN relief', kind: null, provisional: true },
      },
      {
        type: 'ActorRegistered',
        data: { actorId: 'un-relief', name: 'UN Relief (OCHA)', kind: 'organization', provisional: false },
      },
      {
        type: 'ActorRegistered',
        data: { actorId: 'un-relief', name: 'Other', kind: 'group', provisional: false },
      },
    ]);
    expect(confirmed).toMatchObject({
      provisional: false,
      name: 'UN Relief (OCHA)',
      entryKind: 'organization',
      keys: ['un-relief', 'un-relief-ocha'],
    });
  });

  it('a merged actor takes no alias or affiliation, and merges once', () => {
    const merged = actor('dup', { type: 'ActorsMerged', data: { actorId: 'dup', into: 'zhai-jun' } });
    expect(() => decideAlias(merged, 'Another')).toThrow(ConflictError);
    expect(() => decideAffiliation(merged, actor('china'))).toThrow(ConflictError);
    expect(decideMerge(merged, actor('zhai-jun'))).toEqual([]);
    expect(() => decideMerge(merged, actor('china'))).toThrow(ConflictError);
    expect(() => decideMerge(actor('china'), merged)).toThrow(ConflictError);
    expect(() => decideMerge(actor('china'), actor('china'))).toThrow(DomainValidationError);
    expect(() => decideMerge(actor('china'), initialEntry('actor', 'nobody'))).toThrow(DomainValidationError);
    expect(decideMerge(actor('dup'), actor('zhai-jun'))).toEqual([
      { type: 'ActorsMerged', data: { actorId: 'dup', into: 'zhai-jun' } },
    ]);
  });

  it('affiliations: once each, never with itself', () => {
    expect(decideAffiliation(actor('zhai-jun'), actor('china'))).toEqual([
      { type: 'ActorAffiliated', data: { actorId: 'zhai-jun', affiliatedWith: 'china' } },
    ]);
    const affiliated = actor('zhai-jun', {
      type: 'ActorAffiliated',
      data: { actorId: 'zhai-jun', affiliatedWith: 'china' },
    });
    expect(decideAffiliation(affiliated, actor('china'))).toEqual([]);
    expect(() => decideAffiliation(actor('china'), actor('china'))).toThrow(DomainValidationError);
  });

  it('placements: a move under itself or under its own descendant is a cycle', () => {
    const gaza = location('gaza-strip');
    expect(decidePlacement(gaza, location('palestinian-territories'), false)).toEqual([
      { type: 'LocationPlaced', data: { locationId: 'gaza-strip', parentId: 'palestinian-territories' } },
    ]);
    expect(decidePlacement(location('gaza-strip', 'x'), null, false)).toEqual([
      { type: 'LocationPlaced', data: { locationId: 'gaza-strip', parentId: null } },
    ]);
    expect(decidePlacement(gaza, null, false)).toEqual([]);
    expect(() => decidePlacement(gaza, gaza, false)).toThrow(ConflictError);
    // The flag is the caller's finding; test/registry/placement.test.ts checks the handler finds it.
    expect(() => decidePlacement(gaza, location('rafah-crossing', 'gaza-strip'), true)).toThrow(
      ConflictError,
    );
    expect(() => decidePlacement(gaza, initialEntry('location', 'atlantis'), false)).toThrow(
      DomainValidationError,
    );
  });
});
