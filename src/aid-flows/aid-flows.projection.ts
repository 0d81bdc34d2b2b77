import type Database from 'better-sqlite3';
import { parsePartialDate } from '../common/partial-date.js';
import type { RecordedEvent } from '../event-store/event-store.js';
import type { IncidentFacts } from '../incidents/incident.js';
import { addSource, applyCorrection } from '../incidents/incident.changes.js';
import {
  INCIDENT_EVENT_TYPES,
  isIncidentReported,
  KIND_OF_REPORT,
  type IncidentEvent,
} from '../incidents/incident.events.js';
import type { Projection, TableNames } from '../projections/projection.js';
import { isoWeek } from './iso-week.js';

type Statement = Database.Statement;

const FLOW_KINDS = new Set(['aid_delivery', 'crossing_opening', 'crossing_closure']);

/**
 * Aid flows: trucks, tonnes and cargo per crossing per day, with openings and closures. Keeps each
 * incident's current facts so that a correction or retraction recomputes its contribution; only
 * incidents dated to the day count, the others are tallied as undated.
 */
export class AidFlowsProjection implements Projection {
  readonly name = 'aid-flows';
  readonly version = 1;
  readonly eventTypes = INCIDENT_EVENT_TYPES;
  readonly tables = ['aid_flow_incidents', 'aid_flow_items'];
  private db: Database.Database | undefined;
  private names: TableNames | undefined;
  private statements:
    | {
        incident: Statement;
        current: Database.Statement<[string], { kind: string; facts: string }>;
        forgetItems: Statement;
        item: Statement;
        forget: Statement;
      }
    | undefined;

  init(db: Database.Database, names: TableNames): void {
    this.db = db;
    this.names = names;
    const [incidents, items] = [names.table('aid_flow_incidents'), names.table('aid_flow_items')];
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${incidents} (
        incident_id TEXT PRIMARY KEY, kind TEXT NOT NULL, facts TEXT NOT NULL) STRICT;
      CREATE TABLE IF NOT EXISTS ${items} (
        incident_id TEXT NOT NULL, location_id TEXT NOT NULL, crossing_id TEXT NOT NULL, crossing_name TEXT,
        kind TEXT NOT NULL, day TEXT, week TEXT, trucks INTEGER, tonnes REAL, cargo TEXT NOT NULL,
        PRIMARY KEY (incident_id, location_id)) STRICT, WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS ${names.index('aid_flow_items_by_location')} ON ${items} (location_id, day);
    `);
    this.statements = {
      incident: db.prepare(`INSERT OR REPLACE INTO ${incidents} (incident_id, kind, facts) VALUES (?, ?, ?)`),
      current: db.prepare(`SELECT kind, facts FROM ${incidents} WHERE incident_id = ?`),
      forget: db.prepare(`DELETE FROM ${incidents} WHERE incident_id = ?`),
      forgetItems: db.prepare(`DELETE FROM ${items} WHERE incident_id = ?`),
      item: db.prepare(
        `INSERT OR REPLACE INTO ${items} (incident_id, location_id, crossing_id, crossing_name, kind, day, week, trucks, tonnes, cargo)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  apply(event: RecordedEvent): void {
    if (!this.statements) throw new Error('aid-flows projection used before init');
    const incidentEvent = event as RecordedEvent & IncidentEvent;
    if (isIncidentReported(incidentEvent)) {
      const kind = KIND_OF_REPORT[incidentEvent.type];
      if (FLOW_KINDS.has(kind)) this.write(kind, incidentEvent.data);
      return;
    }
    const incidentId = incidentEvent.data.incidentId;
    const current = this.statements.current.get(incidentId);
    if (!current) return;
    const facts = JSON.parse(current.facts) as IncidentFacts;
    switch (incidentEvent.type) {
      case 'IncidentCorrected':
        this.write(current.kind, applyCorrection(facts, incidentEvent.data.changes));
        return;
      case 'IncidentSourceAdded':
        this.statements.incident.run(
          incidentId,
          current.kind,
          JSON.stringify(addSource(facts, incidentEvent.data.source)),
        );
        return;
      case 'IncidentRetracted':
        this.statements.forgetItems.run(incidentId);
        this.statements.forget.run(incidentId);
        return;
      case 'IncidentDisputed':
        return;
      default: {
        const unknown: never = incidentEvent;
        return unknown;
      }
    }
  }

  private write(kind: string, facts: IncidentFacts): void {
    if (!this.statements) return;
    const { incident, forgetItems, item } = this.statements;
    incident.run(facts.incidentId, kind, JSON.stringify(facts));
    forgetItems.run(facts.incidentId);
    const on = parsePartialDate(facts.occurred.on);
    const day = on?.precision === 'day' && facts.occurred.until === undefined ? on.firstDay : null;
    const crossing = facts.locations.find((l) => l.role === 'crossing');
    const trucks = typeof facts.details.trucks === 'number' ? facts.details.trucks : null;
    const tonnes = typeof facts.details.tonnes === 'number' ? facts.details.tonnes : null;
    const cargo = JSON.stringify(Array.isArray(facts.details.cargo) ? facts.details.cargo : []);
    for (const locationId of new Set(facts.locations.map((l) => l.id))) {
      item.run(
        facts.incidentId,
        locationId,
        crossing?.id ?? '',
        crossing?.name ?? null,
        kind,
        day,
        day === null ? null : isoWeek(day),
        trucks,
        tonnes,
        cargo,
      );
    }
  }
}
