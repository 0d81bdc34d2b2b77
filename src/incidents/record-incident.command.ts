import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { WriteContext } from '../event-store/event-writer.js';
import type { IncidentInput } from './incident.js';
import { IncidentRecorder, type Recorded } from './incident-recorder.js';

/** Record one incident or a batch of them (all-or-nothing validation). */
export class RecordIncidents extends Command<Recorded[]> {
  constructor(
    readonly incidents: readonly IncidentInput[],
    readonly context: WriteContext,
  ) {
    super();
  }
}

@CommandHandler(RecordIncidents)
export class RecordIncidentsHandler implements ICommandHandler<RecordIncidents> {
  constructor(private readonly recorder: IncidentRecorder) {}

  execute(command: RecordIncidents): Promise<Recorded[]> {
    return this.recorder.recordAll(command.incidents, command.context);
  }
}
