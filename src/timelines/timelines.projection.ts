import type Database from 'better-sqlite3';
import { parsePartialDate } from '../common/partial-date.js';
import type { RecordedEvent } from '../event-store/event-store.js';
import {
  INCIDENT_EVENT_TYPES,
  isIncidentReported,
  type IncidentEvent,
} from '../incidents/incident.events.js';
import type { Projection, TableNames } from '../projections/projection.js';
import type { ChangeKind, TimelineEntry } from './timeline-entry.js';
import { amendedEntry, reportedEntry } from './timeline-entry.evolve.js';

type Statement = Database.Statement;

const TIMELINE_COLUMNS = `incident_id TEXT NOT NULL, revision INTEGER NOT NULL,
  recorded_from TEXT NOT NULL, recorded_to TEXT, roles TEXT NOT NULL, kind TEXT NOT NULL,
  first_day TEXT NOT NULL, last_day TEXT NOT NULL, seq INTEGER NOT NULL, retracted INTEGER NOT NULL`;

function timelineTable(names: TableNames, base: string, key: string): string {
  const table = names.table(base);
  return `
    CREATE TABLE IF NOT EXISTS ${table} (${key} TEXT NOT NULL, ${TIMELINE_COLUMNS},
      PRIMARY KEY (${key}, incident_id, revision)) STRICT, WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS ${names.index(`${base}_current`)} ON ${table} (${key}, first_day, seq) WHERE recorded_to IS NULL;
    CREATE INDEX IF NOT EXISTS ${names.index(`${base}_as_of`)} ON ${table} (${key}, first_day, seq, recorded_from);
    CREATE INDEX IF NOT EXISTS ${names.index(`${base}_open`)} ON ${table} (incident_id) WHERE recorded_to IS NULL;
    CREATE INDEX IF NOT EXISTS ${names.index(`${base}_changes`)} ON ${table} (${key}, recorded_from);`;
}

/**
 * Incidents and the actor and location timelines, bitemporal: every event on an incident closes
 * the current version of its rows (`recorded_to`) and opens a new one (`recorded_from`), so a query
 * "as of" an instant is the same indexed read as a current one. One projection owns the three
 * tables, so a timeline row and the incident version it joins are always committed together.
 * `seq` is the position of the report: a stable tie-break for entries on the same day.
 */
export class TimelinesProjection implements Projection {
  readonly name = 'timelines';
  /** 2: each correction in the view lists its changes `{ field, from, to }`. */
  readonly version = 2;
  readonly eventTypes = INCIDENT_EVENT_TYPES;
  readonly tables = ['incidents', 'actor_timeline', 'location_timeline'];
  private db: Database.Database | undefined;
  private names: TableNames | undefined;
  private statements:
    | {
        incident: Statement;
        actor: Statement;
        location: Statement;
        current: Database.Statement<[string], { doc: string; seq: number }>;
        close: Statement[];
      }
    | undefined;

  init(db: Database.Database, names: TableNames): void {
    this.db = db;
    this.names = names;
    const [incidents, actors, locations] = [
      names.table('incidents'),
      names.table('actor_timeline'),
      names.table('location_timeline'),
    ];
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${incidents} (
        incident_id TEXT NOT NULL, revision INTEGER NOT NULL, recorded_from TEXT NOT NULL, recorded_to TEXT,
        change TEXT NOT NULL, kind TEXT NOT NULL, first_day TEXT NOT NULL, last_day TEXT NOT NULL,
        seq INTEGER NOT NULL, retracted INTEGER NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (incident_id, revision)) STRICT;
      ${timelineTable(names, 'actor_timeline', 'actor_id')}
      ${timelineTable(names, 'location_timeline', 'location_id')}
    `);
    const insertRow = (table: string, key: string): Statement =>
      db.prepare(
        `INSERT INTO ${table} (${key}, incident_id, revision, recorded_from, recorded_to, roles, kind, first_day, last_day, seq, retracted)
         VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      );
    this.statements = {
      incident: db.prepare(
        `INSERT INTO ${incidents} (incident_id, revision, recorded_from, recorded_to, change, kind, first_day, last_day, seq, retracted, doc)
         VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      actor: insertRow(actors, 'actor_id'),
      location: insertRow(locations, 'location_id'),
      current: db.prepare(`SELECT doc, seq FROM ${incidents} WHERE incident_id = ? AND recorded_to IS NULL`),
      close: [incidents, actors, locations].map((table) =>
        db.prepare(`UPDATE ${table} SET recorded_to = ? WHERE incident_id = ? AND recorded_to IS NULL`),
      ),
    };
  }

  apply(event: RecordedEvent): void {
    if (!this.statements) throw new Error('timelines projection used before init');
    const incidentEvent = event as RecordedEvent & IncidentEvent;
    if (isIncidentReported(incidentEvent)) {
      this.write(reportedEntry(incidentEvent), 'added', Number(event.position), event.metadata.recordedAt);
      return;
    }
    const incidentId = incidentEvent.data.incidentId;
    const current = this.statements.current.get(incidentId);
    if (!current) throw new Error(`${event.type} for incident ${incidentId}, which has no report`);
    const { entry, change } = amendedEntry(JSON.parse(current.doc) as TimelineEntry, incidentEvent);
    for (const close of this.statements.close) close.run(event.metadata.recordedAt, incidentId);
    this.write(entry, change, current.seq, event.metadata.recordedAt);
  }

  private write(entry: TimelineEntry, change: ChangeKind, seq: number, recordedAt: string): void {
    if (!this.statements) return;
    const on = parsePartialDate(entry.occurred.on);
    if (!on) throw new Error(`incident ${entry.incidentId} has an invalid date ${entry.occurred.on}`);
    const until = entry.occurred.until === null ? undefined : parsePartialDate(entry.occurred.until);
    const firstDay = on.firstDay;
    const lastDay = until?.lastDay ?? on.lastDay;
    const retracted = entry.retracted ? 1 : 0;
    const { incident, actor, location } = this.statements;
    const id = entry.incidentId;
    incident.run(
      id,
      entry.revision,
      recordedAt,
      change,
      entry.kind,
      firstDay,
      lastDay,
      seq,
      retracted,
      JSON.stringify(entry),
    );
    for (const [actorId, roles] of rolesById(entry.actors)) {
      actor.run(
        actorId,
        id,
        entry.revision,
        recordedAt,
        roles,
        entry.kind,
        firstDay,
        lastDay,
        seq,
        retracted,
      );
    }
    for (const [locationId, roles] of rolesById(entry.locations)) {
      location.run(
        locationId,
        id,
        entry.revision,
        recordedAt,
        roles,
        entry.kind,
        firstDay,
        lastDay,
        seq,
        retracted,
      );
    }
  }
}

/** Roles per participant as ',envoy,participant,' so a role filter is one `instr`. */
function rolesById(participants: readonly { id: string; role: string }[]): Map<string, string> {
  const roles = new Map<string, string>();
  for (const { id, role } of participants) {
    const current = roles.get(id) ?? ',';
    if (!current.includes(`,${role},`)) roles.set(id, `${current}${role},`);
  }
  return roles;
}
