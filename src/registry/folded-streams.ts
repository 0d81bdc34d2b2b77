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
 * the next sync reads from. A fold whose read overlapped a sync that saw new events is used once
 * and not kept (the sync may have passed an event of that stream before the fold was stored).
 *
 * Only reads go through here (who a key names, which entry stands for an id); the decisions that
 * contest a key or an entry load their stream and append at its revision (StreamHandler.handle).
 */
@Injectable()
export class FoldedStreams {
  private readonly folds = new Map<string, Folded<unknown>>();
  /** Log position up to which the kept folds are known to be current; undefined before the first sync. */
  private position: bigint | undefined;
  /** Changes whenever a sync forgets anything: a fold read across it is not kept. */
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
    for await (const event of store.readAll({ fromPosition: this.position, limit, batchSize: limit })) {
      read += 1;
      if (read > MAX_BEHIND) break;
      this.folds.delete(event.streamId);
      this.position = event.position;
    }
    if (read > MAX_BEHIND) this.forget(await store.headPosition());
    else if (read > 0) this.epoch += 1;
  }

  private forget(position: bigint): void {
    this.folds.clear();
    this.epoch += 1;
    this.position = position;
  }
}
