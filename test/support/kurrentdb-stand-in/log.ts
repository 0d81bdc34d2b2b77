/**
 * The in-memory log of the KurrentDB stand-in: streams, `$all` in byte-offset positions, and the
 * server's commit check (IndexWriter.CheckCommit in KurrentDB 24.10–26.1) with its two idempotency
 * paths: strong (exact revision or no_stream: the stream is read at those revisions) and weak (any or
 * stream_exists: only a bounded cache of recent writes is consulted).
 */

export type Expected =
  | { kind: 'revision'; revision: bigint }
  | { kind: 'no_stream' }
  | { kind: 'any' }
  | { kind: 'stream_exists' };

export interface Proposed {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

export interface StoredEvent extends Proposed {
  readonly stream: string;
  readonly revision: bigint;
  /** Commit and prepare position (equal for single-stream appends). */
  readonly position: bigint;
}

export type CommitOutcome =
  | { readonly kind: 'written'; readonly last: StoredEvent }
  | { readonly kind: 'idempotent'; readonly last: StoredEvent }
  | { readonly kind: 'wrong_expected_version'; readonly current: bigint };

/** Bytes a record takes in the log besides its payload: positions have gaps, as on a real node. */
const RECORD_OVERHEAD = 120n;

export class StandInLog {
  readonly records: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  /** Event id → where it was written: the server's bounded cache of recent writes (weak idempotency). */
  private readonly recent = new Map<string, { stream: string; revision: bigint }>();
  private nextPosition = 0n;

  constructor(private readonly recentCapacity = 1000) {
    // A fresh node writes system records first, so the first user event is not at position 0.
    this.write('$epoch-information', [systemEvent('$epoch')]);
    this.write('$scavenges', [systemEvent('$scavengeIndexInitialized')]);
  }

  /** The last revision of a stream, or -1n when it does not exist. */
  current(stream: string): bigint {
    return BigInt((this.streams.get(stream)?.length ?? 0) - 1);
  }

  stream(stream: string): readonly StoredEvent[] | undefined {
    return this.streams.get(stream);
  }

  /** What a restart or a leader change does to weak idempotency: the cache is gone. */
  forgetRecentWrites(): void {
    this.recent.clear();
  }

  /** Decides and, when the check passes, writes. Mirrors CheckCommit's order of checks. */
  commit(stream: string, expected: Expected, events: readonly Proposed[]): CommitOutcome {
    const current = this.current(stream);
    const ids = events.map((e) => e.id);
    if (expected.kind === 'stream_exists' && current < 0n) return { kind: 'wrong_expected_version', current };
    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      // Weak: only recently written ids are recognised, and only in this stream.
      let last: { stream: string; revision: bigint } | undefined;
      for (const [i, id] of ids.entries()) {
        const seen = this.recent.get(id);
        if (!seen || seen.stream !== stream) {
          if (i > 0) return { kind: 'wrong_expected_version', current };
          return { kind: 'written', last: this.write(stream, events) };
        }
        last = seen;
      }
      if (!last) throw new Error('empty append');
      return { kind: 'idempotent', last: this.at(stream, last.revision) };
    }
    const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
    if (expectedRevision < current) {
      // Strong: the events must sit at exactly the revisions the writer expected.
      let revision = expectedRevision;
      for (const id of ids) {
        revision += 1n;
        // A first id elsewhere is a conflict; a later one is "corrupted idempotency": answered the same way.
        if (this.streams.get(stream)?.[Number(revision)]?.id !== id)
          return { kind: 'wrong_expected_version', current };
      }
      return { kind: 'idempotent', last: this.at(stream, revision) };
    }
    if (expectedRevision > current) return { kind: 'wrong_expected_version', current };
    // At the end of the stream (or a new stream): ids are not looked at.
    return { kind: 'written', last: this.write(stream, events) };
  }

  /** Appends without any check: system records, or events written by another tool. */
  write(stream: string, events: readonly Proposed[]): StoredEvent {
    let list = this.streams.get(stream);
    if (!list) {
      list = [];
      this.streams.set(stream, list);
    }
    let last: StoredEvent | undefined;
    for (const event of events) {
      last = { ...event, stream, revision: BigInt(list.length), position: this.nextPosition };
      this.nextPosition += RECORD_OVERHEAD + BigInt(event.data.length + event.metadata.length);
      list.push(last);
      this.records.push(last);
      this.recent.set(event.id, { stream, revision: last.revision });
      if (this.recent.size > this.recentCapacity) {
        const oldest = this.recent.keys().next().value;
        if (oldest !== undefined) this.recent.delete(oldest);
      }
    }
    if (!last) throw new Error('empty append');
    return last;
  }

  private at(stream: string, revision: bigint): StoredEvent {
    const event = this.streams.get(stream)?.[Number(revision)];
    if (!event) throw new Error(`no event ${stream}@${revision}`);
    return event;
  }
}

let systemIds = 0;
function systemEvent(type: string): Proposed {
  systemIds += 1;
  return {
    id: `00000000-0000-4000-8000-${String(systemIds).padStart(12, '0')}`,
    type,
    contentType: 'application/json',
    data: Buffer.from('{}'),
    metadata: new Uint8Array(),
  };
}
