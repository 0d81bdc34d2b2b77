import type Database from 'better-sqlite3';
import { parsePartialDate } from '../common/partial-date.js';
import type { RecordedEvent } from '../event-store/event-store.js';
import type { IncidentFacts } from '../incidents/incident.js';
import { INCIDENT_EVENT_TYPES, KIND_OF_REPORT, type IncidentReported } from '../incidents/incident.events.js';
import type { Projection } from '../projections/projection.js';

/**
 * Full text over incident titles, summaries and quotes (SQLite FTS5), with the facts the search
 * filters on. Its own projection, so it can be rebuilt or re-tokenised without touching timelines.
 * Rows are keyed by the report's log position, which is also the FTS rowid.
 */
export class SearchProjection implements Projection {
  readonly name = 'search';
  readonly version = 1;
  // A retraction takes the incident out of search, as out of timelines. Its stream names the
  // incident, so nothing in its data needs reading.
  readonly eventTypes = [...INCIDENT_EVENT_TYPES, 'IncidentRetracted'];
  private db: Database.Database | undefined;
  private statements:
    | {
        text: Database.Statement;
        facts: Database.Statement;
        forget: Database.Statement;
        unindex: Database.Statement;
      }
    | undefined;

  init(db: Database.Database): void {
    this.db = db;
    // remove_diacritics 2: "Zhaï" finds "Zhai"; unicode61 folds case.
    db.exec(`
      CREATE VIRTUAL TABLE IF NOT EXISTS incident_fts USING fts5(
        title, summary, quotes, tokenize = 'unicode61 remove_diacritics 2');
      CREATE TABLE IF NOT EXISTS incident_search (
        seq INTEGER PRIMARY KEY, incident_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
        first_day TEXT NOT NULL, last_day TEXT NOT NULL, actors TEXT NOT NULL, locations TEXT NOT NULL) STRICT;
      CREATE INDEX IF NOT EXISTS incident_search_by_date ON incident_search (first_day, seq);
    `);
    this.statements = {
      text: db.prepare(
        'INSERT OR IGNORE INTO incident_fts (rowid, title, summary, quotes) VALUES (?, ?, ?, ?)',
      ),
      facts: db.prepare(
        `INSERT INTO incident_search (seq, incident_id, kind, first_day, last_day, actors, locations)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      unindex: db.prepare(
        'DELETE FROM incident_fts WHERE rowid = (SELECT seq FROM incident_search WHERE incident_id = ?)',
      ),
      forget: db.prepare('DELETE FROM incident_search WHERE incident_id = ?'),
    };
  }

  apply(event: RecordedEvent): void {
    if (!this.statements) throw new Error('search projection used before init');
    if (event.type === 'IncidentRetracted') {
      const incidentId = event.streamId.slice('incident-'.length);
      this.statements.unindex.run(incidentId);
      this.statements.forget.run(incidentId);
      return;
    }
    const reported = event as unknown as RecordedEvent & IncidentReported;
    const facts: IncidentFacts = reported.data;
    const on = parsePartialDate(facts.occurred.on);
    if (!on) throw new Error(`incident ${facts.incidentId} has an invalid date ${facts.occurred.on}`);
    const until = facts.occurred.until === undefined ? undefined : parsePartialDate(facts.occurred.until);
    const seq = Number(event.position);
    const quotes = [
      typeof facts.details.quote === 'string' ? facts.details.quote : '',
      ...facts.sources.map((s) => s.quote ?? ''),
    ]
      .filter((q) => q !== '')
      .join('\n');
    const inserted = this.statements.facts.run(
      seq,
      facts.incidentId,
      KIND_OF_REPORT[reported.type],
      on.firstDay,
      until?.lastDay ?? on.lastDay,
      `,${facts.actors.map((a) => a.id).join(',')},`,
      `,${facts.locations.map((l) => l.id).join(',')},`,
    );
    if (inserted.changes > 0) this.statements.text.run(seq, facts.title, facts.summary ?? '', quotes);
  }

  truncate(): void {
    this.db?.exec('DELETE FROM incident_fts; DELETE FROM incident_search;');
  }
}
