import type { Resolution } from '../registry/mentions.js';
import type { ChangesInput } from './incident.changes.js';
import type { CorrectedFields } from './incident.events.js';
import {
  type Details,
  type IncidentFacts,
  type IncidentInput,
  type IncidentKind,
  kindSpec,
} from './incident.js';

const under = (prefix: string, field: string): string => (prefix === '' ? field : `${prefix}.${field}`);

/** Details that name actors by id (a resolution's `vetoedBy`): each must name a registered actor. */
async function resolveDetailActors(
  resolution: Resolution,
  kind: IncidentKind,
  details: Details | undefined,
  prefix: string,
): Promise<Details | undefined> {
  if (details === undefined || typeof details !== 'object') return details;
  const resolved: Record<string, unknown> = { ...details };
  for (const [key, field] of Object.entries(kindSpec(kind).details)) {
    const value = details[key];
    if (field.type !== 'actors' || !Array.isArray(value)) continue;
    resolved[key] = await Promise.all(
      value.map((id: unknown, i) =>
        typeof id === 'string' ? resolution.actorId(id, under(prefix, `details.${key}[${i}]`)) : id,
      ),
    );
  }
  return resolved;
}

/** An incident as an editor sent it, with every mention resolved: the facts its event records. */
export async function resolveReport(
  resolution: Resolution,
  input: IncidentInput,
  incidentId: string,
  prefix: string,
): Promise<IncidentFacts> {
  const [actors, locations, details] = await Promise.all([
    resolution.participants('actor', input.actors, under(prefix, 'actors')),
    resolution.participants('location', input.locations, under(prefix, 'locations')),
    resolveDetailActors(resolution, input.kind, input.details, prefix),
  ]);
  return {
    incidentId,
    occurred: input.occurred,
    title: input.title,
    ...(input.summary === undefined ? {} : { summary: input.summary }),
    actors,
    locations,
    details: details ?? {},
    sources: input.sources,
  };
}

/** The changes of a correction, with the changed mentions resolved. */
export async function resolveChanges(
  resolution: Resolution,
  kind: IncidentKind,
  changes: ChangesInput,
): Promise<CorrectedFields> {
  const [actors, locations, details] = await Promise.all([
    changes.actors && resolution.participants('actor', changes.actors, 'changes.actors'),
    changes.locations && resolution.participants('location', changes.locations, 'changes.locations'),
    resolveDetailActors(resolution, kind, changes.details, 'changes'),
  ]);
  return {
    ...(changes.occurred ? { occurred: changes.occurred } : {}),
    ...(changes.title === undefined ? {} : { title: changes.title }),
    ...(changes.summary === undefined ? {} : { summary: changes.summary }),
    ...(details ? { details } : {}),
    ...(actors ? { actors } : {}),
    ...(locations ? { locations } : {}),
  };
}
