import type Database from 'better-sqlite3';
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
import { daySpan } from '../common/days.js';

type Statement = Database.Statement;

/** What a re-index needs besides the indexed text itself (read back from the FTS table). */
interface SearchState {
  readonly o: IncidentFacts['occurred'];
  /** Only the details that are searched: the rest never reaches this view. */
  readonly d: Readonly<Record<string, unknown>>;
  /** Quotes of the sources, in order. */
  readonly q: readonly string[];
}

/** The text an incident is indexed under, as the FTS table holds it. */
interface IndexedText {
  readonly title: string;
  readonly summary: string;
  readonly quotes: string;
}

/** The details of a kind that search indexes, and nothing else. */
function searchedDetails(
  kind: IncidentKind,
  details: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (searchableDetails(kind, { [key]: value }).length > 0) out[key] = value;
  }
  return out;
}

/**
 * Full text over incident titles, summaries, quotes and searchable details (SQLite FTS5), with the
 * facts the search filters on. Its own projection, so it can be rebuilt or re-tokenised without
 * touching timelines. Rows are keyed by the report's log position, which is also the FTS rowid; a
 * correction or a new source re-indexes the incident, a retraction takes it out of search as out
 * of timelines. The text lives once, in the FTS table; the row keeps only what a re-index needs.
 */
export class SearchProjection implements Projection {
  readonly name = 'search';
  // 2: details' searchable texts (a truce's terms, a resolution's number) join the quotes column.
  // 3: days as day numbers; the row keeps a compact state instead of the whole facts.
  readonly version = 3;
  readonly eventTypes = INCIDENT_EVENT_TYPES;
  readonly tables = ['incident_fts', 'incident_search'];
  private db: Database.Database | undefined;
  private names: TableNames | undefined;
  private statements:
    | {
        text: Statement;
        facts: Statement;
        newText: Statement;
        newFacts: Statement;
        current: Database.Statement<
          [string],
          { seq: number; kind: string; actors: string; locations: string; state: string }
        >;
        indexed: Database.Statement<[number], IndexedText>;
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
        first_day INTEGER NOT NULL, last_day INTEGER NOT NULL, actors TEXT NOT NULL, locations TEXT NOT NULL,
        state TEXT NOT NULL) STRICT;
      CREATE INDEX IF NOT EXISTS ${names.index('incident_search_by_date')} ON ${search} (first_day, seq);
    `);
    const textSql = `INTO ${fts} (rowid, title, summary, quotes) VALUES (?, ?, ?, ?)`;
    const factsSql = `INTO ${search} (seq, incident_id, kind, first_day, last_day, actors, locations, state)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
    this.statements = {
      // A report's row is new: a plain INSERT. OR REPLACE would make SQLite open a statement
      // journal for every row and copy each page it touches first (measured: most of this view's
      // rebuild time).
      newText: db.prepare(`INSERT ${textSql}`),
      newFacts: db.prepare(`INSERT ${factsSql}`),
      // A re-index updates the rows in place: OR REPLACE opened a statement journal here too
      // (70 against 18 µs per row for the facts, measured; docs/decisions/0006).
      text: db.prepare(`UPDATE ${fts} SET title = ?, summary = ?, quotes = ? WHERE rowid = ?`),
      facts: db.prepare(
        `UPDATE ${search} SET first_day = ?, last_day = ?, actors = ?, locations = ?, state = ? WHERE seq = ?`,
      ),
      current: db.prepare(`SELECT seq, kind, actors, locations, state FROM ${search} WHERE incident_id = ?`),
      indexed: db.prepare(`SELECT title, summary, quotes FROM ${fts} WHERE rowid = ?`),
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
        const facts = this.facts(incidentId);
        // A retracted incident is out of search already; nothing to re-index.
        if (!facts) return;
        const next =
          incidentEvent.type === 'IncidentCorrected'
            ? applyCorrection(facts.facts, incidentEvent.data.changes)
            : addSource(facts.facts, incidentEvent.data.source);
        this.index(facts.seq, facts.kind, next, facts.text);
        return;
      }
      default: {
        const unknown: never = incidentEvent;
        return unknown;
      }
    }
  }

  /** The facts as far as search knows them: enough to apply a correction or a source and re-index. */
  private facts(
    incidentId: string,
  ): { seq: number; kind: string; facts: IncidentFacts; text: IndexedText } | undefined {
    const current = this.statements?.current.get(incidentId);
    const text = current ? this.statements?.indexed.get(current.seq) : undefined;
    if (!current || !text) return undefined;
    const state = JSON.parse(current.state) as SearchState;
    // Search keeps the ids of the participants only: names and roles are not searched.
    const ids = (list: string): { id: string }[] =>
      list
        .split(',')
        .filter((id) => id !== '')
        .map((id) => ({ id }));
    return {
      seq: current.seq,
      kind: current.kind,
      text,
      facts: {
        incidentId,
        occurred: state.o,
        title: text.title,
        summary: text.summary,
        actors: ids(current.actors) as unknown as IncidentFacts['actors'],
        locations: ids(current.locations) as unknown as IncidentFacts['locations'],
        details: state.d,
        sources: state.q.map((quote) => ({ publisher: '', quote })),
      },
    };
  }

  /**
   * Indexes a new report (`indexed` undefined), or re-indexes an incident in place. A re-index
   * leaves the FTS row alone when its text is unchanged: a correction of the date, a place or a
   * count (72 µs of FTS delete and insert each, measured, for the same tokens).
   */
  private index(seq: number, kind: string, facts: IncidentFacts, indexed?: IndexedText): void {
    if (!this.statements) return;
    const statements = this.statements;
    const on = daySpan(facts.occurred.on);
    if (!on) throw new Error(`incident ${facts.incidentId} has an invalid date ${facts.occurred.on}`);
    const until = facts.occurred.until === undefined ? undefined : daySpan(facts.occurred.until);
    const sourceQuotes = facts.sources.flatMap((s) => (s.quote === undefined ? [] : [s.quote]));
    const quotes = [...searchableDetails(kind as IncidentKind, facts.details), ...sourceQuotes]
      .filter((q) => q !== '')
      .join('\n');
    const state: SearchState = {
      o: facts.occurred,
      d: searchedDetails(kind as IncidentKind, facts.details),
      q: sourceQuotes,
    };
    const lastDay = until?.last ?? on.last;
    const actors = `,${facts.actors.map((a) => a.id).join(',')},`;
    const locations = `,${facts.locations.map((l) => l.id).join(',')},`;
    const summary = facts.summary ?? '';
    if (!indexed) {
      statements.newFacts.run(
        seq,
        facts.incidentId,
        kind,
        on.first,
        lastDay,
        actors,
        locations,
        JSON.stringify(state),
      );
      statements.newText.run(seq, facts.title, summary, quotes);
      return;
    }
    statements.facts.run(on.first, lastDay, actors, locations, JSON.stringify(state), seq);
    if (indexed.title !== facts.title || indexed.summary !== summary || indexed.quotes !== quotes)
      statements.text.run(facts.title, summary, quotes, seq);
  }
}
