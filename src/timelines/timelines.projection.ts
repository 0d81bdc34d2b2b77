import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../event-store/event-store.js';
import {
  INCIDENT_EVENT_TYPES,
  isIncidentReported,
  type IncidentEvent,
  type IncidentAmended,
  type IncidentReported,
} from '../incidents/incident.events.js';
import type { Projection, TableNames } from '../projections/projection.js';
import type { RegistryEvent } from '../registry/registry.events.js';
import { daySpan } from '../common/days.js';
import { reportedOn } from '../incidents/reported-on.js';
import { type LinkChange, SubjectLinks } from './subject-links.js';
import type { ChangeKind, TimelineEntry } from './timeline-entry.js';
import { amendedEntry, reportedEntry } from './timeline-entry.evolve.js';
import {
  baseTablesSql,
  changesIndexSql,
  loadSql,
  OPEN_DAY,
  OPEN_MS,
  REL,
  TIMELINE_TABLES,
  type TimelineTable,
  timelineSql,
  timelineTableSql,
} from './timeline-tables.js';
import { entryJson, firstVersionFields, versionFields } from './version-fields.js';

type Statement<P extends unknown[] = unknown[], R = unknown> = Database.Statement<P, R>;

const REGISTRY_TYPES = [
  'ActorRegistered',
  'LocationRegistered',
  'LocationPlaced',
  'ActorsMerged',
  'ActorAffiliated',
];

interface VersionRow {
  doc: number;
  seq: number;
  prev: number | null;
  kind: string;
  revision: number;
  recorded_at: string;
  rep_from: number;
  fields: string;
}

/** A version as a merge re-shows it: both intervals, and whether the incident is gone. */
interface MergeVersionRow extends VersionRow {
  change: ChangeKind;
  rec_from: number;
  rec_to: number;
  rep_to: number;
  gone: number;
}

/** A mentioned id's own row, with its version's recorded interval. */
interface RowKey {
  first_day: number;
  seq: number;
  doc: number;
  last_day: number;
  roles: string;
  rec_from: number;
  rec_to: number;
}

/**
 * Incidents and the actor and location timelines, bitemporal (docs/decisions/0006): every event
 * on an incident closes its current version on both time axes and writes a new one, filed under
 * every actor and location that lists it. A rebuild from position 0 loads: versions in log order,
 * each mentioned id's own rows into an unindexed table, and `finishLoad` sorts them, with the
 * rows filed under ancestors, canonical and affiliated actors, into the entry-ordered table.
 */
export class TimelinesProjection implements Projection {
  readonly name = 'timelines';
  // 2: one entry-ordered timeline table for actors and locations, rows per ancestor, both time axes.
  // 3: each correction in the view lists its changes `{ field, from, to }`.
  // 4: amendments kept, so a correction published before an earlier-recorded one re-materialises
  // the reported axis (decision 0012).
  // 5: entries show the canonical actor after a merge (versions from the merge on; subjects named).
  // 6: relation rows and links carry the recorded interval their relation held (asOf reads them).
  readonly version = 6;
  readonly eventTypes = [...INCIDENT_EVENT_TYPES, ...REGISTRY_TYPES];
  readonly tables = TIMELINE_TABLES;
  private db: Database.Database | undefined;
  private names: TableNames | undefined;
  private loading = false;
  private links: SubjectLinks | undefined;
  private s:
    | {
        version: Statement<
          [number, number | null, string, number, string, string, number, number, number, number, string]
        >;
        head: Statement<[string], { seq: number; doc: number }>;
        setHead: Statement<[string, number, number]>;
        moveHead: Statement<[number, string]>;
        current: Statement<[number], VersionRow>;
        close: Statement<[number, number, number]>;
        gone: Statement<[number]>;
        amend: Statement<[number, number, number, string]>;
        amendments: Statement<[number], { rep: number; event: string }>;
        repTo: Statement<[number, number]>;
        recTo: Statement<[number, number]>;
        chain: Statement<[number], { doc: number; prev: number | null; rep_from: number; rep_to: number }>;
        row: Statement<[number, number, number, number, number, number, number, string, number]>;
        linkedRow: Statement<
          [number, number, number, number, number, number, number, string, number, number]
        >;
        selfRows: Statement<[number], RowKey>;
        heldRow: Statement<[number, number, number, number, number], { held_from: number }>;
        closeRow: Statement<[number, number, number, number, number, number, number]>;
        unfile: Statement<[number, number, number, number, number, number]>;
        mentioning: Statement<[number], { seq: number; doc: number }>;
        mergeVersion: Statement<[number], MergeVersionRow>;
        setPrev: Statement<[number, number]>;
        version4: Statement<[number, number, number, number, number]>;
      }
    | undefined;

  private t(name: TimelineTable): string {
    if (!this.names) throw new Error('timelines projection used before init');
    return this.names.table(name);
  }

  init(db: Database.Database, names: TableNames): void {
    this.db = db;
    this.names = names;
    const t = (name: TimelineTable): string => this.t(name);
    db.exec(baseTablesSql(t, names));
    // A build that was loading when it stopped goes on loading.
    this.loading = this.exists('timeline_load');
    if (!this.loading) db.exec(timelineSql(t, names));
    this.prepare(db);
  }

  /** Starts a rebuild from position 0 in load form: no timeline index until `finishLoad`. */
  beginLoad(db: Database.Database, names: TableNames): void {
    this.db = db;
    this.names = names;
    db.exec(loadSql((name) => this.t(name)));
    this.init(db, names);
  }

  /** Sorts the loaded rows, files them under every subject that lists them, and indexes once. */
  finishLoad(): void {
    const db = this.db;
    const names = this.names;
    if (!db || !names || !this.loading) return;
    const t = (name: TimelineTable): string => this.t(name);
    db.exec(timelineTableSql(t));
    // Rows under each link of a mentioned id's history, as `refile` would have left them: every
    // version while the link holds now; for a link that ended, the versions some instant read
    // through it (only those look up their version's end).
    db.exec(`INSERT INTO ${t('timeline')}
      SELECT * FROM (
        SELECT subject, first_day, seq, doc, via, last_day, rel, roles, rec_from, held_from, held_to
        FROM ${t('timeline_load')}
        UNION ALL
        SELECT l.target, r.first_day, r.seq, r.doc, r.subject, r.last_day, l.rel, r.roles, r.rec_from,
          CASE WHEN l.held_from > r.rec_from THEN l.held_from ELSE 0 END, l.held_to
        FROM ${t('timeline_load')} r JOIN ${t('timeline_links')} l ON l.source = r.subject
        WHERE l.held_to IS NULL OR EXISTS (SELECT 1 FROM ${t('incident_versions')} v
          WHERE v.doc = r.doc AND max(v.rec_from, l.held_from) < min(v.rec_to, l.held_to)))
      ORDER BY 1, 2, 3, 4, 5, 10`);
    db.exec(`DROP TABLE ${t('timeline_load')}`);
    db.exec(changesIndexSql(t, names));
    this.loading = false;
    this.prepare(db);
  }

  private exists(table: TimelineTable): boolean {
    const found = this.db
      ?.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
      .get(this.t(table));
    return found !== undefined;
  }

  private prepare(db: Database.Database): void {
    const t = (name: TimelineTable): string => this.t(name);
    this.links = new SubjectLinks(db, t);
    const rowSql = (table: TimelineTable): string =>
      `INSERT INTO ${t(table)} (subject, first_day, seq, doc, via, last_day, rel, roles, rec_from)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    const timeline = this.loading ? t('timeline_load') : t('timeline');
    this.s = {
      version: db.prepare(
        `INSERT INTO ${t('incident_versions')} (seq, prev, kind, revision, recorded_at, change, rec_from, rec_to,
           rep_from, rep_to, retracted, gone, fields)
         VALUES (?, ?, ?, ?, ?, ?, ?, ${OPEN_MS}, ?, ${OPEN_DAY}, ?, ?, ?)`,
      ),
      head: db.prepare(`SELECT seq, doc FROM ${t('incident_heads')} WHERE incident_id = ?`),
      setHead: db.prepare(`INSERT INTO ${t('incident_heads')} (incident_id, seq, doc) VALUES (?, ?, ?)`),
      moveHead: db.prepare(`UPDATE ${t('incident_heads')} SET doc = ? WHERE incident_id = ?`),
      current: db.prepare(
        `SELECT doc, seq, prev, kind, revision, recorded_at, rep_from, fields FROM ${t('incident_versions')}
         WHERE doc = ?`,
      ),
      close: db.prepare(`UPDATE ${t('incident_versions')} SET rec_to = ?, rep_to = ? WHERE doc = ?`),
      gone: db.prepare(`UPDATE ${t('incident_versions')} SET gone = 1 WHERE doc = ?`),
      amend: db.prepare(`INSERT INTO ${t('incident_amendments')} (seq, n, rep, event) VALUES (?, ?, ?, ?)`),
      amendments: db.prepare(`SELECT rep, event FROM ${t('incident_amendments')} WHERE seq = ? ORDER BY n`),
      repTo: db.prepare(`UPDATE ${t('incident_versions')} SET rep_to = ? WHERE doc = ?`),
      recTo: db.prepare(`UPDATE ${t('incident_versions')} SET rec_to = ? WHERE doc = ?`),
      chain: db.prepare(
        `WITH RECURSIVE chain(doc) AS (SELECT ?
           UNION ALL SELECT v.prev FROM ${t('incident_versions')} v JOIN chain ON v.doc = chain.doc
           WHERE v.prev IS NOT NULL)
         SELECT v.doc, v.prev, v.rep_from, v.rep_to FROM chain JOIN ${t('incident_versions')} v ON v.doc = chain.doc`,
      ),
      row: db.prepare(rowSql(this.loading ? 'timeline_load' : 'timeline')),
      linkedRow: db.prepare(
        `INSERT INTO ${timeline} (subject, first_day, seq, doc, via, last_day, rel, roles, rec_from, held_from)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET rel = excluded.rel, held_to = NULL`,
      ),
      selfRows: db.prepare(
        `SELECT t.first_day, t.seq, t.doc, t.last_day, t.roles, t.rec_from, v.rec_to
         FROM ${timeline} t JOIN ${t('incident_versions')} v ON v.doc = t.doc
         WHERE t.subject = ? AND t.rel = ${REL.self}`,
      ),
      heldRow: db.prepare(
        `SELECT held_from FROM ${timeline}
         WHERE subject = ? AND first_day = ? AND seq = ? AND doc = ? AND via = ? AND held_to IS NULL`,
      ),
      closeRow: db.prepare(
        `UPDATE ${timeline} SET held_to = ?
         WHERE subject = ? AND first_day = ? AND seq = ? AND doc = ? AND via = ? AND held_from = ?`,
      ),
      unfile: db.prepare(
        `DELETE FROM ${timeline}
         WHERE subject = ? AND first_day = ? AND seq = ? AND doc = ? AND via = ? AND held_from = ?`,
      ),
      mentioning: db.prepare(
        `SELECT seq, max(doc) AS doc FROM ${timeline} WHERE subject = ? AND rel = ${REL.self} GROUP BY seq ORDER BY seq`,
      ),
      mergeVersion: db.prepare(
        `SELECT doc, seq, prev, kind, revision, recorded_at, change, rec_from, rec_to, rep_from, rep_to, gone, fields
         FROM ${t('incident_versions')} WHERE doc = ?`,
      ),
      setPrev: db.prepare(`UPDATE ${t('incident_versions')} SET prev = ? WHERE doc = ?`),
      version4: db.prepare(
        `UPDATE ${t('incident_versions')} SET rec_to = ?, rep_from = ?, rep_to = ?, gone = ? WHERE doc = ?`,
      ),
    };
  }

  apply(event: RecordedEvent): void {
    if (!this.s || !this.links) throw new Error('timelines projection used before init');
    if (REGISTRY_TYPES.includes(event.type)) {
      const registryEvent = event as RecordedEvent & RegistryEvent;
      const at = Date.parse(event.metadata.recordedAt);
      if (!Number.isFinite(at)) throw new Error(`event ${event.id} has no valid recordedAt`);
      this.refile(this.registryChange(registryEvent, this.links, at));
      if (registryEvent.type === 'ActorsMerged') this.showCanonical(registryEvent.data.into, at);
      return;
    }
    const incidentEvent = event as RecordedEvent & IncidentEvent;
    const recordedMs = Date.parse(event.metadata.recordedAt);
    if (!Number.isFinite(recordedMs)) throw new Error(`event ${event.id} has no valid recordedAt`);
    const repDay = reportedOn(incidentEvent, recordedMs);
    if (isIncidentReported(incidentEvent)) {
      this.report(incidentEvent, recordedMs, repDay);
      return;
    }
    const incidentId = incidentEvent.data.incidentId;
    const head = this.s.head.get(incidentId);
    const current = head ? this.s.current.get(head.doc) : undefined;
    if (!head || !current) throw new Error(`${event.type} for incident ${incidentId}, which has no report`);
    const previous = JSON.parse(entryJson(current)) as TimelineEntry;
    const amended = amendedEntry(previous, incidentEvent);
    const entry = this.canonical(amended.entry);
    const change = amended.change;
    // On the reported axis versions follow their sources' dates; one published before the version
    // it amends takes effect with it (the finer order is the reported axis's own, see 0006).
    const repFrom = Math.max(current.rep_from, repDay);
    this.s.close.run(recordedMs, repFrom, current.doc);
    this.s.amend.run(
      current.seq,
      Number(event.revision),
      repDay,
      JSON.stringify({
        type: event.type,
        data: event.data,
        revision: Number(event.revision),
        metadata: event.metadata,
      }),
    );
    const prev =
      repDay < current.rep_from ? this.rematerialise(current, repDay, recordedMs, change) : current.doc;
    const doc = this.write(entry, change, current.seq, prev, recordedMs, repFrom, versionFields(entry));
    this.s.moveHead.run(doc, incidentId);
    if (entry.retracted) {
      for (let d: number | null = doc; d !== null; d = this.s.current.get(d)?.prev ?? null)
        this.s.gone.run(d);
    }
  }

  /**
   * An amendment published before the version it follows (`repDay` < that version's `rep_from`):
   * the days from `repDay` up to that version's start now show other states. The versions that
   * covered them are cut at `repDay`, and reported-axis-only versions (their recorded interval
   * empty, so `asOf` never reads them) are written for each day some amendment came out in that
   * stretch, each the report folded with the amendments out by then, in log order. Returns the
   * last version written, which the amendment's own version follows in the chain.
   */
  private rematerialise(current: VersionRow, repDay: number, recordedMs: number, change: ChangeKind): number {
    if (!this.s) throw new Error('timelines projection used before init');
    const end = current.rep_from;
    const chain = this.s.chain.all(current.doc);
    const firstDoc = chain.find((v) => v.prev === null)?.doc;
    const first = firstDoc === undefined ? undefined : this.s.current.get(firstDoc);
    if (!first) throw new Error(`incident ${current.seq} has no first version`);
    const start = Math.max(repDay, first.rep_from);
    if (start >= end) return current.doc;
    for (const v of chain) {
      if (v.rep_to > start && v.rep_from < end) this.s.repTo.run(Math.max(v.rep_from, start), v.doc);
    }
    const amendments = this.s.amendments.all(current.seq).map((a) => ({
      rep: a.rep,
      event: JSON.parse(a.event) as RecordedEvent & IncidentAmended,
    }));
    const days = [
      ...new Set([start, ...amendments.map((a) => a.rep).filter((d) => d > start && d < end)]),
    ].sort((a, b) => a - b);
    let prev = current.doc;
    days.forEach((day, i) => {
      let entry = JSON.parse(entryJson(first)) as TimelineEntry;
      for (const a of amendments) if (a.rep <= day) entry = amendedEntry(entry, a.event).entry;
      entry = this.canonical(entry);
      prev = this.write(entry, change, current.seq, prev, recordedMs, day, versionFields(entry));
      this.s?.recTo.run(recordedMs, prev);
      this.s?.repTo.run(days[i + 1] ?? end, prev);
    });
    return prev;
  }

  private report(event: RecordedEvent & IncidentReported, recordedMs: number, repDay: number): void {
    if (!this.s) return;
    const reported = reportedEntry(event);
    const entry = this.canonical(reported);
    const seq = Number(event.position);
    // The logged text is the view's facts only while no mentioned actor has been merged away.
    const fields = firstVersionFields(entry, entry === reported ? event : undefined);
    const doc = this.write(entry, 'added', seq, null, recordedMs, repDay, fields);
    this.s.setHead.run(entry.incidentId, seq, doc);
  }

  /**
   * The entry as it shows now: each merged actor as its canonical actor (id and name, role kept),
   * listed once per role. The same object when no actor it lists was merged.
   */
  private canonical(entry: TimelineEntry): TimelineEntry {
    const links = this.links;
    if (!links) throw new Error('timelines projection used before init');
    const shown = entry.actors.map((actor) => {
      const canonical = links.canonicalActor(links.subject('actor', actor.id, actor.name));
      if (canonical === undefined) return actor;
      const { slug, name } = links.describe(canonical);
      return { id: slug, name: name ?? slug, role: actor.role };
    });
    if (shown.every((actor, i) => actor === entry.actors[i])) return entry;
    const seen = new Set<string>();
    const actors = shown.filter((actor) => {
      const key = `${actor.id}\n${actor.role}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { ...entry, actors };
  }

  /**
   * After a merge into `into`, every incident listing a merged actor shows the canonical one from
   * the merge on. What was known before stays as it was: the current version is closed on the
   * recorded axis at the merge and followed by a version with the canonical actor. The reported
   * axis answers as known now, so each version that holds days of it hands them to a copy that
   * shows the canonical actor (a copy with an empty recorded interval, which `asOf` never reads).
   */
  private showCanonical(into: string, mergedMs: number): void {
    const s = this.s;
    const links = this.links;
    if (!s || !links) throw new Error('timelines projection used before init');
    const canonical = links.canonicalActor(links.subject('actor', into)) ?? links.subject('actor', into);
    if (this.loading) {
      // The load table has no index; the first merge of a rebuild gives it one by subject.
      this.db?.exec(
        `CREATE INDEX IF NOT EXISTS ${this.names?.index('timeline_load_by_subject') ?? ''}
         ON ${this.t('timeline_load')} (subject)`,
      );
    }
    const incidents = new Map<number, number>();
    for (const actor of links.mergedInto(canonical)) {
      for (const { seq, doc } of s.mentioning.all(actor)) {
        incidents.set(seq, Math.max(doc, incidents.get(seq) ?? 0));
      }
    }
    for (const seq of [...incidents.keys()].sort((a, b) => a - b)) {
      const some = s.current.get(incidents.get(seq) ?? 0);
      if (!some) continue;
      const { incidentId } = JSON.parse(entryJson(some)) as TimelineEntry;
      const head = s.head.get(incidentId);
      if (head) this.showCanonicalIn(incidentId, head.doc, mergedMs);
    }
  }

  private showCanonicalIn(incidentId: string, headDoc: number, mergedMs: number): void {
    const s = this.s;
    if (!s) return;
    const chain: MergeVersionRow[] = [];
    for (let doc: number | null = headDoc; doc !== null;) {
      const version = s.mergeVersion.get(doc);
      if (!version) break;
      chain.push(version);
      doc = version.prev;
    }
    const [head, ...older] = chain;
    if (!head) return;
    const shown = (version: MergeVersionRow): TimelineEntry | undefined => {
      const entry = JSON.parse(entryJson(version)) as TimelineEntry;
      const canonical = this.canonical(entry);
      return canonical === entry ? undefined : canonical;
    };
    const headShown = shown(head);
    let prev = headShown ? head.doc : head.prev;
    for (const version of older.reverse()) {
      if (version.rep_to <= version.rep_from) continue;
      const entry = shown(version);
      if (!entry) continue;
      prev = this.copy(entry, version, prev, mergedMs, mergedMs);
      s.version4.run(version.rec_to, version.rep_from, version.rep_from, version.gone, version.doc);
    }
    if (headShown) {
      // A merge logged with a clock behind the version's own instant closes it without inverting it.
      const at = Math.max(mergedMs, head.rec_from);
      const doc = this.copy(headShown, head, prev, at, OPEN_MS, 'actors_merged');
      s.version4.run(at, head.rep_from, head.rep_from, head.gone, head.doc);
      s.moveHead.run(doc, incidentId);
    } else if (prev !== null && prev !== head.prev) {
      s.setPrev.run(prev, head.doc);
    }
  }

  /** A version showing `entry` over `version`'s reported days, recorded from `recFrom` to `recTo`. */
  private copy(
    entry: TimelineEntry,
    version: MergeVersionRow,
    prev: number | null,
    recFrom: number,
    recTo: number,
    change: ChangeKind = version.change,
  ): number {
    const doc = this.write(entry, change, version.seq, prev, recFrom, version.rep_from, versionFields(entry));
    this.s?.version4.run(recTo, version.rep_from, version.rep_to, version.gone, doc);
    return doc;
  }

  /** Writes a version and its rows under every id it mentions (and, live, every subject linked). */
  private write(
    entry: TimelineEntry,
    change: ChangeKind,
    seq: number,
    prev: number | null,
    recordedMs: number,
    repDay: number,
    fields: string,
  ): number {
    if (!this.s || !this.links) throw new Error('timelines projection used before init');
    const on = daySpan(entry.occurred.on);
    if (!on) throw new Error(`incident ${entry.incidentId} has an invalid date ${entry.occurred.on}`);
    const until = entry.occurred.until === null ? undefined : daySpan(entry.occurred.until);
    const first = on.first;
    const last = until?.last ?? on.last;
    const retracted = entry.retracted ? 1 : 0;
    const info = this.s.version.run(
      seq,
      prev,
      entry.kind,
      entry.revision,
      JSON.stringify(entry.recordedAt),
      change,
      recordedMs,
      repDay,
      retracted,
      retracted,
      fields,
    );
    const doc = Number(info.lastInsertRowid);
    for (const [kind, participants] of [
      ['actor', entry.actors],
      ['location', entry.locations],
    ] as const) {
      for (const [id, roles] of rolesById(participants)) {
        const subject = this.links.subject(kind, id);
        this.s.row.run(subject, first, seq, doc, subject, last, REL.self, roles, recordedMs);
        if (this.loading) continue;
        for (const link of this.links.links(subject)) {
          const from = heldFrom(link.from, recordedMs);
          this.s.linkedRow.run(
            link.target,
            first,
            seq,
            doc,
            subject,
            last,
            link.rel,
            roles,
            recordedMs,
            from,
          );
        }
      }
    }
    return doc;
  }

  private registryChange(
    event: RecordedEvent & RegistryEvent,
    links: SubjectLinks,
    at: number,
  ): LinkChange[] {
    switch (event.type) {
      case 'ActorRegistered': {
        const { actorId, name, provisional } = event.data;
        links.name(links.subject('actor', actorId, name), name, provisional);
        return [];
      }
      case 'LocationRegistered': {
        const { locationId, parentId, provisional } = event.data;
        const parent = parentId === null ? null : links.subject('location', parentId);
        return links.register(links.subject('location', locationId), parent, provisional, at);
      }
      case 'LocationPlaced':
        return links.move(
          links.subject('location', event.data.locationId),
          event.data.parentId === null ? null : links.subject('location', event.data.parentId),
          at,
        );
      case 'ActorsMerged':
        return links.merge(
          links.subject('actor', event.data.actorId),
          links.subject('actor', event.data.into),
          at,
        );
      case 'ActorAffiliated':
        return links.affiliate(
          links.subject('actor', event.data.actorId),
          links.subject('actor', event.data.affiliatedWith),
          at,
        );
      default:
        return [];
    }
  }

  /**
   * Files the rows of re-linked subjects anew at the change's recorded instant: rows under targets
   * they no longer reach end there (kept for the instants before it, deleted when no instant reads
   * them), rows of every version come under new targets from there. While loading there are no
   * filed rows yet: `finishLoad` files them from the links' history.
   */
  private refile(changes: readonly LinkChange[]): void {
    const s = this.s;
    if (!s || this.loading) return;
    for (const { source, at, removed, added } of changes) {
      for (const r of s.selfRows.all(source)) {
        for (const { target } of removed) {
          const held = s.heldRow.get(target, r.first_day, r.seq, r.doc, source);
          if (!held) continue;
          const key = [target, r.first_day, r.seq, r.doc, source, held.held_from] as const;
          if (Math.max(r.rec_from, held.held_from) < Math.min(r.rec_to, at)) s.closeRow.run(at, ...key);
          else s.unfile.run(...key);
        }
        for (const { target, rel } of added) {
          const from = heldFrom(at, r.rec_from);
          s.linkedRow.run(
            target,
            r.first_day,
            r.seq,
            r.doc,
            source,
            r.last_day,
            rel,
            r.roles,
            r.rec_from,
            from,
          );
        }
      }
    }
  }
}

/**
 * A relation row's `held_from`: the instant its relation began, or 0 when it held already when the
 * version was recorded (the version's own start is then the row's, and 0 costs no bytes).
 */
function heldFrom(linkFrom: number, versionFrom: number): number {
  return linkFrom > versionFrom ? linkFrom : 0;
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
