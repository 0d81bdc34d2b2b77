import type Database from 'better-sqlite3';
import { OPEN_MS } from '../common/days.js';
import type { RecordedEvent } from '../event-store/event-store.js';
import {
  INCIDENT_EVENT_TYPES,
  type IncidentEvent,
  isIncidentReported,
  KIND_OF_REPORT,
} from '../incidents/incident.events.js';
import { reportedOn } from '../incidents/reported-on.js';
import type { Projection, TableNames } from '../projections/projection.js';
import { type FlowEvent, flowDays, isFlowKind, reportedVersions } from './aid-flow-versions.js';

type Statement = Database.Statement;

/**
 * Aid flows, kept on both time axes. Each version row holds one incident's figures over a
 * rectangle: recorded `[rec_from, rec_to)` (when Dateline knew it, for `asOf`) × reported
 * `[rep_from, rep_to)` (days by which its sources had published it, for `reportedBy`). An event
 * closes the incident's open rows and writes its reported-axis versions anew, so any pair of
 * instant and day is one index read. Each version is filed under every location the incident
 * lists (`aid_flow_places`); the reader widens a place to everything below it. See decision 0012.
 */
export class AidFlowsProjection implements Projection {
  readonly name = 'aid-flows';
  readonly version = 2;
  readonly eventTypes = INCIDENT_EVENT_TYPES;
  readonly tables = ['aid_flow_incidents', 'aid_flow_versions', 'aid_flow_places'];
  private statements:
    | {
        incident: Database.Statement<[string], { seq: number; events: string }>;
        newIncident: Statement;
        saveIncident: Statement;
        close: Statement;
        version: Statement;
        place: Statement;
      }
    | undefined;

  init(db: Database.Database, names: TableNames): void {
    const [incidents, versions, places] = this.tables.map((t) => names.table(t)) as [string, string, string];
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${incidents} (
        incident_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, events TEXT NOT NULL) STRICT, WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${versions} (
        vid INTEGER PRIMARY KEY, incident_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
        rec_from INTEGER NOT NULL, rec_to INTEGER NOT NULL, rep_from INTEGER NOT NULL, rep_to INTEGER NOT NULL,
        first_day INTEGER NOT NULL, last_day INTEGER NOT NULL, dated INTEGER NOT NULL, occurred TEXT NOT NULL,
        crossing_id TEXT, crossing_name TEXT, details TEXT NOT NULL, claims TEXT NOT NULL) STRICT;
      CREATE INDEX IF NOT EXISTS ${names.index('aid_flow_versions_open')} ON ${versions} (incident_id)
        WHERE rec_to = ${OPEN_MS};
      CREATE TABLE IF NOT EXISTS ${places} (
        location TEXT NOT NULL, first_day INTEGER NOT NULL, vid INTEGER NOT NULL,
        PRIMARY KEY (location, first_day, vid)) STRICT, WITHOUT ROWID;
    `);
    this.statements = {
      incident: db.prepare(`SELECT seq, events FROM ${incidents} WHERE incident_id = ?`),
      // Plain INSERT and UPDATE: OR REPLACE / OR IGNORE would make SQLite journal every page each
      // statement touches (a statement journal per row); measured on search's rebuild, see decision 0006.
      newIncident: db.prepare(`INSERT INTO ${incidents} (incident_id, seq, events) VALUES (?, ?, ?)`),
      saveIncident: db.prepare(`UPDATE ${incidents} SET events = ? WHERE incident_id = ?`),
      close: db.prepare(`UPDATE ${versions} SET rec_to = ? WHERE incident_id = ? AND rec_to = ${OPEN_MS}`),
      version: db.prepare(
        `INSERT INTO ${versions} (incident_id, seq, kind, rec_from, rec_to, rep_from, rep_to, first_day, last_day,
           dated, occurred, crossing_id, crossing_name, details, claims)
         VALUES (?, ?, ?, ?, ${OPEN_MS}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // Each version is new (its vid too) and its locations are distinct: nothing to ignore.
      place: db.prepare(`INSERT INTO ${places} (location, first_day, vid) VALUES (?, ?, ?)`),
    };
  }

  apply(recorded: RecordedEvent): void {
    if (!this.statements) throw new Error('aid-flows projection used before init');
    const event = recorded as RecordedEvent & IncidentEvent;
    const recordedMs = Date.parse(recorded.metadata.recordedAt);
    const rep = reportedOn(event, recordedMs);
    const incidentId = event.data.incidentId;
    if (isIncidentReported(event)) {
      const kind = KIND_OF_REPORT[event.type];
      if (!isFlowKind(kind)) return;
      const { occurred, locations, details } = event.data;
      const seq = Number(recorded.position);
      const events: FlowEvent[] = [{ type: 'report', rep, kind, facts: { occurred, locations, details } }];
      this.statements.newIncident.run(incidentId, seq, JSON.stringify(events));
      // A new incident has no open version to close.
      this.write(incidentId, seq, events, recordedMs, false);
      return;
    }
    const known = this.statements.incident.get(incidentId);
    if (!known) return;
    const next = flowEvent(event, rep);
    if (!next) return;
    const events = [...(JSON.parse(known.events) as FlowEvent[]), next];
    this.statements.saveIncident.run(JSON.stringify(events), incidentId);
    this.write(incidentId, known.seq, events, recordedMs, true);
  }

  /** Closes the incident's open versions at `at` and writes its reported-axis versions from `at` on. */
  private write(
    incidentId: string,
    seq: number,
    events: readonly FlowEvent[],
    at: number,
    hasOpen: boolean,
  ): void {
    if (!this.statements) return;
    const { close, version, place } = this.statements;
    if (hasOpen) close.run(at, incidentId);
    for (const { repFrom, repTo, state } of reportedVersions(incidentId, events)) {
      const { first, last, dated } = flowDays(state.facts);
      const crossing = state.facts.locations.find((l) => l.role === 'crossing');
      const occurred = state.facts.occurred.until
        ? `${state.facts.occurred.on}/${state.facts.occurred.until}`
        : state.facts.occurred.on;
      const { lastInsertRowid: vid } = version.run(
        incidentId,
        seq,
        state.kind,
        at,
        repFrom,
        repTo,
        first,
        last,
        dated ? 1 : 0,
        occurred,
        crossing?.id ?? null,
        crossing?.name ?? null,
        JSON.stringify(state.facts.details),
        JSON.stringify(state.claims),
      );
      for (const location of new Set(state.facts.locations.map((l) => l.id))) place.run(location, first, vid);
    }
  }
}

/** What a later event of a flow incident contributes; undefined for one that changes no figure. */
function flowEvent(event: IncidentEvent, rep: number): FlowEvent | undefined {
  switch (event.type) {
    case 'IncidentCorrected': {
      const { occurred, locations, details } = event.data.changes;
      if (!occurred && !locations && !details) return undefined;
      return {
        type: 'correct',
        rep,
        changes: {
          ...(occurred ? { occurred } : {}),
          ...(locations ? { locations } : {}),
          ...(details ? { details } : {}),
        },
      };
    }
    case 'IncidentDisputed': {
      const { field, claimedValue, source, note } = event.data;
      return { type: 'dispute', rep, dispute: { field, claimedValue, source, note: note ?? null } };
    }
    case 'IncidentRetracted':
      return { type: 'retract', rep };
    default:
      return undefined;
  }
}
