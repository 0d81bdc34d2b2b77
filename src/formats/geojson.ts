import type { Coordinates } from '../registry/registry.events.js';
import type { RegistryRecord } from '../registry/registry.records.js';
import { detailLines, disputeSentence, disputeTexts, sourceLine } from './entry-text.js';
import type { EntryPage, PageEntry } from './render.js';

interface Feature {
  readonly type: 'Feature';
  readonly id: string;
  /** RFC 7946 order: longitude first. */
  readonly geometry: { readonly type: 'Point'; readonly coordinates: readonly [number, number] } | null;
  readonly properties: Readonly<Record<string, unknown>>;
}

const point = (at: Coordinates): Feature['geometry'] => ({ type: 'Point', coordinates: [at.lon, at.lat] });

/** A place an entry is drawn at: one of its locations (or a place it matched through) with coordinates. */
interface Place {
  readonly id: string;
  readonly name: string;
  readonly role: string | null;
  /** Whether the entry is on this timeline through this place. */
  readonly matched: boolean;
  readonly at: Coordinates;
}

/**
 * Every located place of an entry, each once: the places it matched the timeline through first
 * (a descendant of the subject), then its own locations in the order reported.
 */
function placesOf(entry: PageEntry, coordinates: ReadonlyMap<string, Coordinates>): Place[] {
  const matched = new Set((entry.matchedThrough ?? []).map((m) => m.id));
  const candidates = [
    ...(entry.matchedThrough ?? []).map((m) => ({ id: m.id, name: m.name })),
    ...entry.locations.map((l) => ({ id: l.id, name: l.name })),
  ];
  const places = new Map<string, Place>();
  for (const { id, name } of candidates) {
    const at = coordinates.get(id);
    if (at === undefined || places.has(id)) continue;
    const roles = entry.locations.filter((l) => l.id === id).map((l) => l.role);
    places.set(id, {
      id,
      name,
      role: roles.length > 0 ? roles.join(', ') : null,
      matched: matched.has(id),
      at,
    });
  }
  return [...places.values()];
}

/** The ids whose coordinates `entriesGeoJson` needs. */
export const locationIdsOf = (page: EntryPage): string[] => [
  ...new Set(
    page.entries.flatMap((e) => [
      ...e.locations.map((l) => l.id),
      ...(e.matchedThrough ?? []).map((m) => m.id),
    ]),
  ),
];

/**
 * A FeatureCollection with one Point feature per located place of each entry (a five-city tour is
 * five features sharing the incident's properties), so every feature has one geometry type and its
 * own popup; an entry at no known place is one feature with a null geometry. Feature ids are
 * `<incidentId>/<locationId>` (the incident id alone for an unlocated entry).
 */
export function entriesGeoJson(page: EntryPage, coordinates: ReadonlyMap<string, Coordinates>): unknown {
  return {
    type: 'FeatureCollection',
    features: page.entries.flatMap((e): Feature[] => {
      const places = placesOf(e, coordinates);
      const properties = {
        incidentId: e.incidentId,
        kind: e.kind,
        title: e.title,
        summary: e.summary,
        on: e.occurred.on,
        until: e.occurred.until,
        precision: e.occurred.precision,
        actors: e.actors.map((a) => a.id),
        actorNames: e.actors.map((a) => a.name),
        details: e.details,
        detailsText: detailLines(e)
          .map((line) => `${line.label}: ${line.text}`)
          .join('; '),
        disputes: disputeTexts(e).map((d) => `${d.label}: ${disputeSentence(d)}`),
        sources: e.sources.map(sourceLine),
        sourceUrls: e.sources.flatMap((s) => (s.url === undefined ? [] : [s.url])),
        retracted: e.retracted,
        /** How many features this incident has: one per located place. */
        placeCount: places.length,
      };
      if (places.length === 0) {
        return [
          {
            type: 'Feature',
            id: e.incidentId,
            geometry: null,
            properties: {
              ...properties,
              locationId: null,
              locationName: null,
              locationRole: null,
              matched: false,
            },
          },
        ];
      }
      return places.map((place) => ({
        type: 'Feature',
        id: `${e.incidentId}/${place.id}`,
        geometry: point(place.at),
        properties: {
          ...properties,
          locationId: place.id,
          locationName: place.name,
          locationRole: place.role,
          matched: place.matched,
        },
      }));
    }),
  };
}

/** Registry locations as a FeatureCollection, a Point each (null where no coordinates are known). */
export function recordsGeoJson(items: readonly (RegistryRecord & { matched: string | null })[]): unknown {
  return {
    type: 'FeatureCollection',
    features: items.map((item): Feature => {
      const at = 'coordinates' in item ? item.coordinates : null;
      return {
        type: 'Feature',
        id: item.id,
        geometry: at ? point(at) : null,
        properties: { ...item },
      };
    }),
  };
}
