import type Database from 'better-sqlite3';
import { parsePartialDate } from '../common/partial-date.js';
import type { RecordedEvent } from '../event-store/event-store.js';
import type { IncidentFacts, IncidentKind } from '../incidents/incident.js';
import { addSource, applyCorrection } from '../incidents/incident.changes.js';
import {
  INCIDENT_EVENT_TYPES,
  isIncidentReported,
  KIND_OF_REPORT,
  type IncidentEvent,
} from '../incidents/incident.events.js';
import { searchableDetails } from '../incidents/incident.rules.js';
import type { Projection, TableNames } from '../projections/projection.js';

type Statement = Database.Statement;

/**
 * Full text over incident titles, summaries, quotes and searchable details (SQLite FTS5), with the facts the search
 * filters on. Its own projection, so it can be rebuilt or re-tokenised without touching timelines.
 * Rows are keyed by the report's log position, which is also the FTS rowid; a correction or a new
 * source re-indexes the incident, a retraction takes it out of search as out of timelines.
 */
export class SearchProjection implements Projection {
  readonly name = 'search';
  // 2: details' searchable texts (a truce's terms, a resolution's number) join the quotes column.
  readonly version = 2;
  readonly eventTypes = INCIDENT_EVENT_TYPES;
  readonly tables = ['incident_fts', 'incident_search'];
  private db: Database.Database | undefined;
  private names: TableNames | undefined;
  private statements:
    | {
        text: Statement;
        facts: Statement;
        current: Database.Statement<[string], { seq: number; kind: string; facts: string }>;
        forget: Statement;
        unindex: Statement;
      }
    | undefined;

  init(db: Database.Database, names: TableNames): void {
    this.db = db;
    this.names = names;
    const [fts, search] = [names.table('incident_fts'), names.table('incident_search')];
    // remove_diacritics 2: "Zhaï" finds "Zhai"; unicode61 folds case.
    db.exec(`
      CREATE VIRTUAL TABLE IF NOT EXISTS ${fts} USING fts5(
        title, summary, quotes, tokenize = 'unicode61 remove_diacritics 2');
      CREATE TABLE IF NOT EXISTS ${search} (
        seq INTEGER PRIMARY KEY, incident_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
        first_day TEXT NOT NULL, last_day TEXT NOT NULL, actors TEXT NOT NULL, locations TEXT NOT NULL,
        facts TEXT NOT NULL) STRICT;
      CREATE INDEX IF NOT EXISTS ${names.index('incident_search_by_date')} ON ${search} (first_day, seq);
    `);
    this.statements = {
      text: db.prepare(`INSERT OR REPLACE INTO ${fts} (rowid, title, summary, quotes) VALUES (?, ?, ?, ?)`),
      facts: db.prepare(
        `INSERT OR REPLACE INTO ${search} (seq, incident_id, kind, first_day, last_day, actors, locations, facts)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      current: db.prepare(`SELECT seq, kind, facts FROM ${search} WHERE incident_id = ?`),
      unindex: db.prepare(
        `DELETE FROM ${fts} WHERE rowid = (SELECT seq FROM ${search} WHERE incident_id = ?)`,
      ),
      forget: db.prepare(`DELETE FROM ${search} WHERE incident_id = ?`),
    };
  }

  apply(event: RecordedEvent): void {
    if (!this.statements) throw new Error('search projection used before init');
    const incidentEvent = event as RecordedEvent & IncidentEvent;
    if (isIncidentReported(incidentEvent)) {
      this.index(Number(event.position), KIND_OF_REPORT[incidentEvent.type], incidentEvent.data);
      return;
    }
    const incidentId = incidentEvent.data.incidentId;
    switch (incidentEvent.type) {
      case 'IncidentRetracted':
        this.statements.unindex.run(incidentId);
        this.statements.forget.run(incidentId);
        return;
      case 'IncidentDisputed':
        return;
      case 'IncidentCorrected':
      case 'IncidentSourceAdded': {
        const current = this.statements.current.get(incidentId);
        // A retracted incident is out of search already; nothing to re-index.
        if (!current) return;
        const facts = JSON.parse(current.facts) as IncidentFacts;
        const next =
          incidentEvent.type === 'IncidentCorrected'
            ? applyCorrection(facts, incidentEvent.data.changes)
            : addSource(facts, incidentEvent.data.source);
        this.index(current.seq, current.kind, next);
        return;
      }
      default: {
        const unknown: never = incidentEvent;
        return unknown;
      }
    }
  }

  private index(seq: number, kind: string, facts: IncidentFacts): void {
    if (!this.statements) return;
    const on = parsePartialDate(facts.occurred.on);
    if (!on) throw new Error(`incident ${facts.incidentId} has an invalid date ${facts.occurred.on}`);
    const until = facts.occurred.until === undefined ? undefined : parsePartialDate(facts.occurred.until);
    const quotes = [
      ...searchableDetails(kind as IncidentKind, facts.details),
      ...facts.sources.map((s) => s.quote ?? ''),
    ]
      .filter((q) => q !== '')
      .join('\n');
    this.statements.facts.run(
      seq,
      facts.incidentId,
      kind,
      on.firstDay,
      until?.lastDay ?? on.lastDay,
      `,${facts.actors.map((a) => a.id).join(',')},`,
      `,${facts.locations.map((l) => l.id).join(',')},`,
      JSON.stringify(facts),
    );
    this.statements.text.run(seq, facts.title, facts.summary ?? '', quotes);
  }
}
