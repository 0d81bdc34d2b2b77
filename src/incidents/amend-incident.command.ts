import { Inject } from '@nestjs/common';
import {
  Command,
  CommandHandler,
  type ICommandHandler,
  Query,
  QueryHandler,
  type IQueryHandler,
} from '@nestjs/cqrs';
import { NotFoundError } from '../common/errors.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import type { WriteContext } from '../event-store/event-writer.js';
import type {
  AddIncidentSource,
  CorrectIncident,
  DisputeIncident,
  RetractIncident,
} from './incident.decider.js';
import { incidentStream } from './incident.events.js';
import { IncidentRecorder, type Recorded } from './incident-recorder.js';

/** Correct, dispute, source or retract a recorded incident: always a new event, never an edit. */
export class AmendIncident extends Command<Recorded> {
  constructor(
    readonly incidentId: string,
    readonly amendment: CorrectIncident | DisputeIncident | AddIncidentSource | RetractIncident,
    readonly context: WriteContext,
    readonly ifMatch?: bigint,
  ) {
    super();
  }
}

@CommandHandler(AmendIncident)
export class AmendIncidentHandler implements ICommandHandler<AmendIncident> {
  constructor(private readonly recorder: IncidentRecorder) {}

  execute(command: AmendIncident): Promise<Recorded> {
    return this.recorder.amend(command.incidentId, command.amendment, command.context, command.ifMatch);
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
