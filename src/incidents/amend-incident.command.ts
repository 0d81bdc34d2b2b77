import { Inject } from '@nestjs/common';
import {
  Command,
  CommandHandler,
  type ICommandHandler,
  Query,
  QueryHandler,
  type IQueryHandler,
} from '@nestjs/cqrs';
import { DomainValidationError, type FieldError, NotFoundError } from '../common/errors.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { StreamHandler, type WriteContext } from '../event-store/stream-handler.js';
import { MentionResolver } from '../registry/mentions.js';
import type { Source } from './incident.js';
import type { ChangesInput } from './incident.changes.js';
import {
  type AddIncidentSource,
  type CorrectIncident,
  decide,
  type DisputeIncident,
  incidentDecider,
  type IncidentState,
  type RetractIncident,
} from './incident.decider.js';
import { type IncidentEvent, incidentStream } from './incident.events.js';
import { resolveChanges } from './incident.mentions.js';
import type { Recorded } from './record-incident.command.js';

/** A correction as the editor sends it: changed mentions by id or name, not yet resolved. */
export interface CorrectionRequest {
  readonly type: 'CorrectIncident';
  readonly data: { readonly changes: ChangesInput; readonly reason: string; readonly source?: Source };
}

export type Amendment = CorrectionRequest | DisputeIncident | AddIncidentSource | RetractIncident;

/** Correct, dispute, source or retract a recorded incident: always a new event, never an edit. */
export class AmendIncident extends Command<Recorded> {
  constructor(
    readonly incidentId: string,
    readonly amendment: Amendment,
    readonly context: WriteContext,
    /** The revision the editor read (If-Match): the amendment applies to that one only. */
    readonly ifMatch?: bigint,
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

  async execute({ incidentId, amendment, context, ifMatch }: AmendIncident): Promise<Recorded> {
    const written = await this.streams.handle(
      incidentStream(incidentId),
      incidentDecider,
      (state) => this.decide(incidentId, amendment, state),
      context,
      ifMatch === undefined ? {} : { expectedRevision: ifMatch },
    );
    if (written === null) throw new Error('an amendment decided to write nothing');
    return { id: incidentId, ...written };
  }

  private async decide(
    incidentId: string,
    amendment: Amendment,
    state: IncidentState,
  ): Promise<IncidentEvent[]> {
    if (amendment.type !== 'CorrectIncident') return decide(amendment, state, incidentId);
    const { changes, reason, source } = amendment.data;
    // Nothing to resolve for an incident that cannot be corrected: the decider says why.
    const resolution = this.resolver.start();
    const resolved = state.status === 'recorded' ? await resolveChanges(resolution, state.kind, changes) : {};
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
    return events;
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
