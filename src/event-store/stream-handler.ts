import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import { IdempotencyKeyReusedError, PreconditionFailedError } from '../common/errors.js';
import {
  EVENT_STORE,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from './event-store.js';

/** Who asked for a write and within which request: becomes each event's metadata. */
export interface WriteContext {
  readonly recordedBy: string;
  readonly correlationId: string;
  /**
   * Id of the command that caused the write. With an Idempotency-Key it derives from the principal
   * and the key, so every attempt of one request carries the same one and the log can tell which
   * events an earlier attempt already appended.
   */
  readonly causationId: string;
  /**
   * With an Idempotency-Key: an id derived from the key and the request's content. Event ids derive
   * from it, so a retry re-appends the very same events, which the store recognises as the same
   * append; the same key with another content derives other ids, which the log tells apart.
   */
  readonly idempotent?: { readonly requestId: string };
}

export const SCHEMA_VERSION = 1;

/** Creates a context for a write that no HTTP request started (demo data, CLI). */
export function systemContext(principal: string): WriteContext {
  const id = randomUUID();
  return { recordedBy: principal, correlationId: id, causationId: id };
}

/** A UUID derived from a name within a context id: the same inputs give the same id on every retry. */
export function derivedId(name: string, within: string): string {
  return uuidv5(name, within);
}

/** The one "no stream" convention of the write side: a stream's revision, or that it does not exist. */
export type StreamRevision = bigint | 'no_stream';

/** How a stream's events fold into the state a command is decided on. */
export interface Decider<State, Event> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Event) => State;
}

/** What a command appended; `replayed` when the log already held it from an earlier attempt. */
export interface Written {
  readonly revision: bigint;
  readonly position: bigint;
  readonly replayed: boolean;
}

/** A decision waiting for its append. */
export interface Pending {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision: StreamRevision;
}

/** A decision: events to append, or the answer already (a replay, or nothing to write: null). */
export type Prepared = Pending | { readonly written: Written | null };

export interface HandleOptions {
  /** The revision the client based the command on (If-Match); another one is a 412. */
  readonly expectedRevision?: bigint;
  /**
   * The stream cannot exist yet (its id was just generated): skip reading it. A version conflict
   * still reads it and decides again.
   */
  readonly fresh?: boolean;
}

export type Decide<State, Event> = (
  state: State,
  revision: StreamRevision,
) => readonly Event[] | Promise<readonly Event[]>;

/** How often a command is decided again after a version conflict before the conflict is the answer. */
const MAX_ATTEMPTS = 4;

/**
 * The one command path: load a stream, fold it, decide once, append with the loaded revision as the
 * expected one, and on a version conflict start again from the load. Incidents, the registry and
 * name reservations all write through it. Idempotency lives here too: before deciding, the events
 * an earlier attempt of the same request appended (same causation id) are recognised in the stream
 * and answered from, so a retry after any crash either replays or writes exactly once.
 */
@Injectable()
export class StreamHandler {
  constructor(@Inject(EVENT_STORE) readonly store: EventStore) {}

  /** Folds a stream; `ours` are the events the current request appended on an earlier attempt. */
  async load<State, Event>(
    stream: string,
    decider: Decider<State, Event>,
    context?: WriteContext,
  ): Promise<{ state: State; revision: StreamRevision; ours: RecordedEvent[] }> {
    let state = decider.initialState();
    let revision: StreamRevision = 'no_stream';
    const ours: RecordedEvent[] = [];
    const marker = context?.idempotent === undefined ? undefined : context.causationId;
    for await (const event of this.store.readStream(stream)) {
      state = decider.evolve(state, event as unknown as Event);
      revision = event.revision;
      if (event.metadata.causationId === marker) ours.push(event);
    }
    return { state, revision, ours };
  }

  /** Runs a command against one stream; null when the decision was to write nothing. */
  async handle<State, Event extends { type: string; data: unknown }>(
    stream: string,
    decider: Decider<State, Event>,
    decide: Decide<State, Event>,
    context: WriteContext,
    options: HandleOptions = {},
  ): Promise<Written | null> {
    let fresh = options.fresh === true;
    for (let attempt = 1; ; attempt++) {
      const prepared = await this.prepare(stream, decider, decide, context, { ...options, fresh });
      if (!('events' in prepared)) return prepared.written;
      try {
        return await this.commit(prepared);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (options.expectedRevision !== undefined) {
          throw new PreconditionFailedError(
            options.expectedRevision.toString(),
            error.actual === 'no_stream' ? null : Number(error.actual),
          );
        }
        if (attempt >= MAX_ATTEMPTS) throw error;
        fresh = false;
      }
    }
  }

  /** Loads and decides without appending: a batch decides every item before it appends any. */
  async prepare<State, Event extends { type: string; data: unknown }>(
    stream: string,
    decider: Decider<State, Event>,
    decide: Decide<State, Event>,
    context: WriteContext,
    options: HandleOptions = {},
  ): Promise<Prepared> {
    const loaded =
      options.fresh === true
        ? { state: decider.initialState(), revision: 'no_stream' as const, ours: [] }
        : await this.load(stream, decider, context);
    if (loaded.ours.length > 0) return { written: this.replay(stream, loaded.ours, context) };
    // On a missing stream the decider speaks (404, or a first event); If-Match is about existing ones.
    if (
      options.expectedRevision !== undefined &&
      loaded.revision !== 'no_stream' &&
      loaded.revision !== options.expectedRevision
    ) {
      throw new PreconditionFailedError(options.expectedRevision.toString(), Number(loaded.revision));
    }
    const events = await decide(loaded.state, loaded.revision);
    if (events.length === 0) return { written: null };
    return { stream, events: this.stamp(stream, events, context), expectedRevision: loaded.revision };
  }

  /** Appends a prepared decision at the revision it was decided on. */
  async commit(pending: Pending): Promise<Written> {
    const result = await this.store.append(pending.stream, pending.events, {
      expectedRevision: pending.expectedRevision,
    });
    return { revision: result.nextRevision, position: result.position, replayed: false };
  }

  /**
   * Appends several decisions, each atomic on its own stream, with log positions in list order (a
   * batch is recorded in the order it was sent). Every append is attempted; each settles alone.
   */
  async commitInOrder(pending: readonly Pending[]): Promise<PromiseSettledResult<Written>[]> {
    if (this.store.appendsInCallOrder === true) {
      // Issued back to back, so the store's queue keeps the order and one commit can take them all.
      return Promise.allSettled(pending.map((p) => this.commit(p)));
    }
    const results: PromiseSettledResult<Written>[] = [];
    for (const p of pending) {
      try {
        results.push({ status: 'fulfilled', value: await this.commit(p) });
      } catch (reason) {
        results.push({ status: 'rejected', reason });
      }
    }
    return results;
  }

  /** The answer of an earlier attempt, if it was this very request; another content is a 422. */
  private replay(stream: string, ours: readonly RecordedEvent[], context: WriteContext): Written {
    ours.forEach((event, i) => {
      if (event.id !== eventId(context, stream, i)) throw new IdempotencyKeyReusedError();
    });
    const last = ours[ours.length - 1];
    if (!last) throw new Error('unreachable: a replay without events');
    return { revision: last.revision, position: last.position, replayed: true };
  }

  /** Gives domain events their ids and metadata: the one way events enter the log. */
  private stamp(
    stream: string,
    events: readonly { type: string; data: unknown }[],
    context: WriteContext,
  ): NewEvent[] {
    const recordedAt = new Date().toISOString();
    return events.map((event, i) => ({
      id: eventId(context, stream, i),
      type: event.type,
      data: event.data,
      metadata: {
        recordedAt,
        recordedBy: context.recordedBy,
        correlationId: context.correlationId,
        causationId: context.causationId,
        schemaVersion: SCHEMA_VERSION,
      },
    }));
  }
}

/**
 * Time-ordered (v7: milliseconds, then a counter, then random bits), or derived from the request for
 * an idempotent one, so that its retry appends the same ids. Time order keeps the log's unique
 * event-id index appending at its end instead of dirtying a random leaf per event (decision 0006).
 */
function eventId(context: WriteContext, stream: string, index: number): string {
  return context.idempotent === undefined
    ? uuidv7()
    : derivedId(`${stream}\n${index}`, context.idempotent.requestId);
}
