import type { TableNames } from '../projections/projection.js';

/**
 * The timeline read model's tables. See docs/decisions/0006 (layout and why) and 0004 (generations).
 *
 * - `incident_versions`: one row per version of an incident, keyed by an append-only rowid (`doc`),
 *   so rows arrive in log order; `fields` is the incident view as JSON object text without its
 *   closing brace and without `kind`, `revision`, `recordedAt` (columns that the read query splices
 *   in), and, for a first version (`prev IS NULL`), without the empty amendment fields.
 *   Both time axes are intervals: `rec_from`/`rec_to` in ms since epoch (the asOf axis) and
 *   `rep_from`/`rep_to` in days since epoch (the reportedOn axis), open ends as fixed-width
 *   sentinels so closing a version rewrites its row in place.
 * - `incident_heads`: each incident's current version; closing it is an update by primary key.
 * - `timeline`: the entries of every actor and location, keyed in entry order
 *   `(subject, first_day, seq, doc, via)`, so a page is one range scan. A row is filed under every
 *   subject that lists the entry: the mentioned id itself (`rel` 1), a merged actor's canonical
 *   actor (2), the actors it is affiliated with (4) and every ancestor of a location (8); `via` is
 *   the mentioned id. A relation row also carries the recorded interval during which its relation
 *   held, `[held_from, held_to)` in ms: `held_from` is 0 when the relation already held when the
 *   version was recorded (the version's own interval is then the row's), `held_to` NULL while it
 *   holds now. So `asOf` reads relations as they were, and now and `reportedBy` read the relations
 *   as known now (`held_to IS NULL`). A relation that ends closes its rows rather than deleting them
 *   (rows no instant can read are deleted); one that begins files rows for every version of the
 *   mentioned id, from that instant. One secondary index, for the changes feed.
 * - `timeline_subjects` interns actor and location ids, with an actor's name as registered (what
 *   entries show for it once other actors are merged into it); `timeline_places`, `timeline_actors` and
 *   `timeline_affiliations` are this projection's copy of the registry relations, and
 *   `timeline_links` their closure (source → target, rel) with the recorded interval each link
 *   held, from which rows are filed (a rebuild files them all at once from this history).
 */

export { OPEN_DAY, OPEN_MS } from '../common/days.js';

export const REL = { self: 1, merged: 2, affiliate: 4, descendant: 8 } as const;

export const TIMELINE_TABLES = [
  'incident_versions',
  'incident_amendments',
  'incident_heads',
  'timeline',
  'timeline_load',
  'timeline_subjects',
  'timeline_places',
  'timeline_actors',
  'timeline_affiliations',
  'timeline_links',
  // Version 1's tables: a rebuild to this version drops them at the swap.
  'incidents',
  'actor_timeline',
  'location_timeline',
] as const;

export type TimelineTable = (typeof TIMELINE_TABLES)[number];

const TIMELINE_COLUMNS = `subject INTEGER NOT NULL, first_day INTEGER NOT NULL, seq INTEGER NOT NULL,
  doc INTEGER NOT NULL, via INTEGER NOT NULL, last_day INTEGER NOT NULL, rel INTEGER NOT NULL,
  roles TEXT NOT NULL, rec_from INTEGER NOT NULL`;

/** A relation's recorded interval on its rows: 0 and NULL (self rows) cost no payload bytes. */
const HELD_COLUMNS = `held_from INTEGER NOT NULL DEFAULT 0, held_to INTEGER`;

/** Every table but the timeline itself and its load table. */
export function baseTablesSql(t: (name: TimelineTable) => string, names: TableNames): string {
  return `
    CREATE TABLE IF NOT EXISTS ${t('incident_versions')} (
      doc INTEGER PRIMARY KEY, seq INTEGER NOT NULL, prev INTEGER, kind TEXT NOT NULL,
      revision INTEGER NOT NULL, recorded_at TEXT NOT NULL, change TEXT NOT NULL,
      rec_from INTEGER NOT NULL, rec_to INTEGER NOT NULL, rep_from INTEGER NOT NULL, rep_to INTEGER NOT NULL,
      retracted INTEGER NOT NULL, gone INTEGER NOT NULL, fields TEXT NOT NULL) STRICT;
    CREATE TABLE IF NOT EXISTS ${t('incident_amendments')} (
      seq INTEGER NOT NULL, n INTEGER NOT NULL, rep INTEGER NOT NULL, event TEXT NOT NULL,
      PRIMARY KEY (seq, n)) STRICT, WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ${t('incident_heads')} (
      incident_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, doc INTEGER NOT NULL) STRICT, WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ${t('timeline_subjects')} (
      kind TEXT NOT NULL, slug TEXT NOT NULL, id INTEGER NOT NULL, name TEXT,
      PRIMARY KEY (kind, slug)) STRICT, WITHOUT ROWID;
    CREATE UNIQUE INDEX IF NOT EXISTS ${names.index('timeline_subjects_by_id')} ON ${t('timeline_subjects')} (id);
    CREATE TABLE IF NOT EXISTS ${t('timeline_places')} (
      location INTEGER PRIMARY KEY, parent INTEGER, provisional INTEGER NOT NULL) STRICT;
    CREATE TABLE IF NOT EXISTS ${t('timeline_actors')} (
      actor INTEGER PRIMARY KEY, canonical INTEGER NOT NULL) STRICT;
    CREATE INDEX IF NOT EXISTS ${names.index('timeline_actors_by_canonical')} ON ${t('timeline_actors')} (canonical);
    CREATE TABLE IF NOT EXISTS ${t('timeline_affiliations')} (
      actor INTEGER NOT NULL, target INTEGER NOT NULL, PRIMARY KEY (actor, target)) STRICT, WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ${t('timeline_links')} (
      source INTEGER NOT NULL, target INTEGER NOT NULL, held_from INTEGER NOT NULL, rel INTEGER NOT NULL,
      held_to INTEGER, PRIMARY KEY (source, target, held_from)) STRICT, WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS ${names.index('timeline_links_by_target')} ON ${t('timeline_links')} (target);`;
}

/** The serving form of the timeline: entry-ordered primary key and the changes-feed index. */
export function timelineSql(t: (name: TimelineTable) => string, names: TableNames): string {
  return `
    ${timelineTableSql(t)}
    ${changesIndexSql(t, names)}`;
}

/** The timeline table alone, keyed in entry order (a relation's row again after it ended: `held_from`). */
export function timelineTableSql(t: (name: TimelineTable) => string): string {
  return `CREATE TABLE IF NOT EXISTS ${t('timeline')} (${TIMELINE_COLUMNS}, ${HELD_COLUMNS},
      PRIMARY KEY (subject, first_day, seq, doc, via, held_from)) STRICT, WITHOUT ROWID;`;
}

export function changesIndexSql(t: (name: TimelineTable) => string, names: TableNames): string {
  return `CREATE INDEX IF NOT EXISTS ${names.index('timeline_changes')}
      ON ${t('timeline')} (subject, rec_from, seq, doc) WHERE rel <= ${REL.merged};`;
}

/** The load form: the mentioned ids' own rows appended in log order, no index at all. */
export function loadSql(t: (name: TimelineTable) => string): string {
  return `CREATE TABLE IF NOT EXISTS ${t('timeline_load')} (${TIMELINE_COLUMNS}, ${HELD_COLUMNS}) STRICT;`;
}
