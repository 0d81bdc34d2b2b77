import { Injectable } from '@nestjs/common';
import { type Decider, StreamHandler, type StreamRevision } from '../event-store/stream-handler.js';

/** A stream folded: its state and its last revision ('no_stream' when the log has none). */
export interface Folded<State> {
  readonly state: State;
  readonly revision: StreamRevision;
}

/** Streams kept folded; past this the cache forgets them all and starts again. */
const CAPACITY = 50_000;
/** Further behind the log than this, the cache forgets everything rather than read every event. */
const MAX_BEHIND = 10_000;

/**
 * The registry's name reservation and entry streams, folded once and kept while the log shows no
 * new event in them: a mention resolves through a few of these streams, and reading each from the
 * log on every request was the largest cost of a write (decision record 0006, "A POST's reads").
 *
 * Kept correct against the log, for every writer sharing it: `sync()` reads the events appended
 * since the last sync (any process, any stream; one query when nothing is new) and forgets each
 * stream they belong to. A fold read after a sync is therefore as fresh as a read of the stream at
 * that sync: every event appended to the stream after the fold was read lies beyond the position
 * the next sync reads from. A fold whose read overlapped a sync that found the log moved is used
 * once and not kept (the sync may have passed an event of that stream before the fold was stored),
 * even when that sync fails part-way: the epoch changes before anything is forgotten.
 *
 * Only reads go through here (who a key names, which entry stands for an id); the decisions that
 * contest a key or an entry load their stream and append at its revision (StreamHandler.handle).
 */
@Injectable()
export class FoldedStreams {
  private readonly folds = new Map<string, Folded<unknown>>();
  /** Log position up to which the kept folds are known to be current; undefined before the first sync. */
  private position: bigint | undefined;
  /**
   * Changes before a sync forgets anything, and again before each stream it forgets: a fold whose
   * read began before the change is not kept. Marking the change before the forgetting (not after
   * the sync's last event) matters: a stream read that began before another process's event can
   * finish between two steps of the sync, after its stream was forgotten and before the sync ends,
   * or after a sync that failed part-way; the position has then moved past that event for good.
   */
  private epoch = 0;
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly streams: StreamHandler) {}

  /** Brings the kept folds up to the log's head: call once per request, before its reads. */
  sync(): Promise<void> {
    // One at a time, in call order: each starts after the previous one and reads up to the head.
    const run = this.syncing.then(() => this.catchUp());
    this.syncing = run.catch(() => undefined);
    return run;
  }

  /** The stream folded, as current as the last sync (or fresher). */
  async fold<State, Event>(stream: string, decider: Decider<State, Event>): Promise<Folded<State>> {
    const kept = this.folds.get(stream);
    // A stream name always goes with the same decider (names.ts builds both from the kind and
    // key), so what was kept under it was folded by this decider.
    if (kept !== undefined) return kept as Folded<State>;
    const epoch = this.epoch;
    const { state, revision } = await this.streams.load(stream, decider);
    const folded = { state, revision };
    if (epoch === this.epoch && this.position !== undefined) {
      if (this.folds.size >= CAPACITY) this.folds.clear();
      this.folds.set(stream, folded);
    }
    return folded;
  }

  private async catchUp(): Promise<void> {
    const store = this.streams.store;
    const head = await store.headPosition();
    if (this.position === undefined) {
      // Nothing is kept yet; a fold read before this first position is not kept either.
      this.epoch += 1;
      this.position = head;
      return;
    }
    if (head === this.position) return;
    // A log replaced by a shorter one: nothing kept can be trusted.
    if (head < this.position) {
      this.forget(head);
      return;
    }
    // The gap bounds the read where positions count events (SQLite): one query, not a second
    // one to find the end; elsewhere it is only an upper bound.
    const gap = head - this.position;
    const limit = gap > BigInt(MAX_BEHIND) ? MAX_BEHIND + 1 : Number(gap);
    let read = 0;
    this.epoch += 1;
    // From the leader, as the head above: a lagging follower would hand over none of the new events
    // and every fold would be kept, where the stream loads these folds replace read the leader.
    const events = store.readAll({ fromPosition: this.position, limit, batchSize: limit, fromLeader: true });
    for await (const event of events) {
      read += 1;
      if (read > MAX_BEHIND) break;
      // Before forgetting: a fold of this stream read earlier and handed over after this step
      // (each step is an await) must not be kept.
      this.epoch += 1;
      this.folds.delete(event.streamId);
      this.position = event.position;
    }
    if (read > MAX_BEHIND) this.forget(await store.headPosition());
  }

  private forget(position: bigint): void {
    this.folds.clear();
    this.epoch += 1;
    this.position = position;
  }
}
