import { Inject } from '@nestjs/common';
import {
  Command,
  CommandHandler,
  type ICommandHandler,
  Query,
  QueryHandler,
  type IQueryHandler,
} from '@nestjs/cqrs';
import {
  DomainValidationError,
  type FieldError,
  type FieldWarning,
  NotFoundError,
} from '../common/errors.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { StreamHandler, type WriteContext } from '../event-store/stream-handler.js';
import { MentionResolver } from '../registry/mentions.js';
import { type NearMiss, nearMissRefusal, nearMissWarning } from '../registry/name-warnings.js';
import type { Source } from './incident.js';
import type { ChangesInput } from './incident.changes.js';
import {
  type AddIncidentSource,
  amendable,
  type CorrectIncident,
  decide,
  type DisputeIncident,
  incidentDecider,
  type IncidentState,
  type RetractIncident,
} from './incident.decider.js';
import { type IncidentEvent, incidentStream } from './incident.events.js';
import { resolveChanges } from './incident.mentions.js';
import type { Recorded, WriteOptions } from './record-incident.command.js';

/** A correction as the editor sends it: changed mentions by id or name, not yet resolved. */
export interface CorrectionRequest {
  readonly type: 'CorrectIncident';
  readonly data: { readonly changes: ChangesInput; readonly reason: string; readonly source?: Source };
}

export type Amendment = CorrectionRequest | DisputeIncident | AddIncidentSource | RetractIncident;

export interface AmendOptions extends WriteOptions {
  /** The revision the editor read (If-Match): the amendment applies to that one only. */
  readonly ifMatch?: bigint;
}

/** What an amendment answers: the new revision, and near misses among a correction's names. */
export interface Amended extends Recorded {
  readonly warnings: FieldWarning[];
}

/** Correct, dispute, source or retract a recorded incident: always a new event, never an edit. */
export class AmendIncident extends Command<Amended> {
  constructor(
    readonly incidentId: string,
    readonly amendment: Amendment,
    readonly context: WriteContext,
    readonly options: AmendOptions = {},
  ) {
    super();
  }
}

/**
 * Amends an incident through the one command path: load, resolve a correction's changed mentions,
 * decide once (the kind rules check the corrected whole there), append at the loaded revision.
 * With If-Match the loaded revision must be the editor's (else 412); without, a concurrent change is
 * decided again on the new state.
 */
@CommandHandler(AmendIncident)
export class AmendIncidentHandler implements ICommandHandler<AmendIncident> {
  constructor(
    private readonly streams: StreamHandler,
    private readonly resolver: MentionResolver,
  ) {}

  async execute({ incidentId, amendment, context, options }: AmendIncident): Promise<Amended> {
    // The near misses of the attempt that decided (a version conflict decides again).
    let misses: NearMiss[] = [];
    const written = await this.streams.handle(
      incidentStream(incidentId),
      incidentDecider,
      async (state) => {
        const decided = await this.decide(incidentId, amendment, state);
        misses = decided.misses;
        if (options.strict === true && misses.length > 0) throw nearMissRefusal(misses);
        return decided.events;
      },
      context,
      options.ifMatch === undefined ? {} : { expectedRevision: options.ifMatch },
    );
    if (written === null) throw new Error('an amendment decided to write nothing');
    return { id: incidentId, ...written, warnings: misses.map(nearMissWarning) };
  }

  private async decide(
    incidentId: string,
    amendment: Amendment,
    state: IncidentState,
  ): Promise<{ events: IncidentEvent[]; misses: NearMiss[] }> {
    if (amendment.type !== 'CorrectIncident')
      return { events: decide(amendment, state, incidentId), misses: [] };
    const { changes, reason, source } = amendment.data;
    // An incident that cannot be corrected (unknown, retracted) is refused before any name is looked up.
    const current = amendable(state, incidentId, 'corrected');
    const resolution = this.resolver.start();
    const resolved = await resolveChanges(resolution, current.kind, changes);
    const command: CorrectIncident = {
      type: 'CorrectIncident',
      data: { changes: resolved, reason, ...(source ? { source } : {}) },
    };
    // The kind rules' problems and the unknown ids are one answer.
    let events: IncidentEvent[] = [];
    const problems: FieldError[] = [];
    try {
      events = decide(command, state, incidentId);
    } catch (error) {
      if (!(error instanceof DomainValidationError)) throw error;
      problems.push(...error.errors);
    }
    problems.push(...resolution.errors);
    if (problems.length > 0) throw new DomainValidationError(problems);
    return { events, misses: resolution.nearMisses() };
  }
}

export interface HistoryItem {
  readonly revision: number;
  readonly position: number;
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly recordedAt: string;
  readonly recordedBy: string;
}

/** Every event of one incident, in order: the record of what was known when. */
export class GetIncidentHistory extends Query<{ incidentId: string; events: HistoryItem[] }> {
  constructor(readonly incidentId: string) {
    super();
  }
}

@QueryHandler(GetIncidentHistory)
export class GetIncidentHistoryHandler implements IQueryHandler<GetIncidentHistory> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(query: GetIncidentHistory): Promise<{ incidentId: string; events: HistoryItem[] }> {
    const events: HistoryItem[] = [];
    for await (const event of this.store.readStream(incidentStream(query.incidentId))) {
      events.push({
        revision: Number(event.revision),
        position: Number(event.position),
        eventId: event.id,
        type: event.type,
        data: event.data,
        recordedAt: event.metadata.recordedAt,
        recordedBy: event.metadata.recordedBy,
      });
    }
    if (events.length === 0) throw new NotFoundError('incident', query.incidentId);
    return { incidentId: query.incidentId, events };
  }
}
