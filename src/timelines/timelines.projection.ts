import type Database from 'better-sqlite3';
import { parsePartialDate } from '../common/partial-date.js';
import type { RecordedEvent } from '../event-store/event-store.js';
import type { IncidentFacts } from '../incidents/incident.js';
import { INCIDENT_EVENT_TYPES, KIND_OF_REPORT, type IncidentReported } from '../incidents/incident.events.js';
import type { Projection } from '../projections/projection.js';
import type { TimelineEntry } from './timeline-entry.js';

type Statement = Database.Statement;

/**
 * Incidents (current state) and the actor and location timelines. One projection owns the three
 * tables, so a timeline row and the incident it points at are always committed together.
 * `seq` is the position of the report: a stable tie-break for entries on the same day.
 */
export class TimelinesProjection implements Projection {
  readonly name = 'timelines';
  readonly version = 1;
  readonly eventTypes = INCIDENT_EVENT_TYPES;
  private statements: { incident: Statement; actor: Statement; location: Statement } | undefined;
  private db: Database.Database | undefined;

  init(db: Database.Database): void {
    this.db = db;
    db.exec(`
      CREATE TABLE IF NOT EXISTS incidents (
        incident_id TEXT PRIMARY KEY, kind TEXT NOT NULL, first_day TEXT NOT NULL, last_day TEXT NOT NULL,
        seq INTEGER NOT NULL, revision INTEGER NOT NULL, doc TEXT NOT NULL) STRICT;
      CREATE TABLE IF NOT EXISTS actor_timeline (
        actor_id TEXT NOT NULL, incident_id TEXT NOT NULL, roles TEXT NOT NULL, kind TEXT NOT NULL,
        first_day TEXT NOT NULL, last_day TEXT NOT NULL, seq INTEGER NOT NULL,
        PRIMARY KEY (actor_id, incident_id)) STRICT, WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS actor_timeline_by_date ON actor_timeline (actor_id, first_day, seq);
      CREATE TABLE IF NOT EXISTS location_timeline (
        location_id TEXT NOT NULL, incident_id TEXT NOT NULL, roles TEXT NOT NULL, kind TEXT NOT NULL,
        first_day TEXT NOT NULL, last_day TEXT NOT NULL, seq INTEGER NOT NULL,
        PRIMARY KEY (location_id, incident_id)) STRICT, WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS location_timeline_by_date ON location_timeline (location_id, first_day, seq);
    `);
    this.statements = {
      incident: db.prepare(
        `INSERT INTO incidents (incident_id, kind, first_day, last_day, seq, revision, doc)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (incident_id) DO NOTHING`,
      ),
      actor: db.prepare(
        `INSERT INTO actor_timeline (actor_id, incident_id, roles, kind, first_day, last_day, seq)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      location: db.prepare(
        `INSERT INTO location_timeline (location_id, incident_id, roles, kind, first_day, last_day, seq)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
    };
  }

  apply(event: RecordedEvent): void {
    if (!this.statements) throw new Error('timelines projection used before init');
    const reported = event as unknown as RecordedEvent & IncidentReported;
    const facts: IncidentFacts = reported.data;
    const kind = KIND_OF_REPORT[reported.type];
    const on = parsePartialDate(facts.occurred.on);
    const until = facts.occurred.until === undefined ? undefined : parsePartialDate(facts.occurred.until);
    if (!on) throw new Error(`incident ${facts.incidentId} has an invalid date ${facts.occurred.on}`);
    const firstDay = on.firstDay;
    const lastDay = until?.lastDay ?? on.lastDay;
    const seq = Number(event.position);
    const entry: TimelineEntry = {
      incidentId: facts.incidentId,
      kind,
      occurred: { on: facts.occurred.on, until: facts.occurred.until ?? null, precision: on.precision },
      title: facts.title,
      summary: facts.summary ?? null,
      actors: facts.actors,
      locations: facts.locations,
      details: facts.details,
      sources: facts.sources,
      disputes: [],
      revision: Number(event.revision),
      recordedAt: event.metadata.recordedAt,
      correctedAt: null,
      retracted: false,
    };
    const { incident, actor, location } = this.statements;
    incident.run(
      facts.incidentId,
      kind,
      firstDay,
      lastDay,
      seq,
      Number(event.revision),
      JSON.stringify(entry),
    );
    for (const [id, roles] of rolesById(facts.actors)) {
      actor.run(id, facts.incidentId, roles, kind, firstDay, lastDay, seq);
    }
    for (const [id, roles] of rolesById(facts.locations)) {
      location.run(id, facts.incidentId, roles, kind, firstDay, lastDay, seq);
    }
  }

  truncate(): void {
    this.db?.exec('DELETE FROM incidents; DELETE FROM actor_timeline; DELETE FROM location_timeline;');
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
