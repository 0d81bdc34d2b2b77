import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ConflictError, DomainValidationError } from '../common/errors.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { systemContext } from '../event-store/event-writer.js';
import { RecordIncidents } from '../incidents/record-incident.command.js';
import { ChangeRegistry, Register } from '../registry/registry.commands.js';
import { DEMO_ACTORS, DEMO_AFFILIATIONS, DEMO_ALIASES, DEMO_INCIDENTS, DEMO_LOCATIONS } from './demo-data.js';

/**
 * Records the demo data into an empty log, through the same commands as any other write. A log that
 * holds anything is a record of its own and is never touched. Two instances that find one log empty
 * at once both load, but every demo write is keyed (registry ids, fixed incident ids): the second
 * finds each already there, so the demo is recorded once.
 */
@Injectable()
export class DemoLoader {
  private readonly logger = new Logger(DemoLoader.name);

  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** Returns the number of incidents recorded (0 when the log already held events). */
  async loadIfEmpty(): Promise<number> {
    if ((await this.store.headPosition()) > 0n) {
      this.logger.log('the log already holds a record: demo data not loaded');
      return 0;
    }
    const context = systemContext('dateline-demo');
    const once = (write: Promise<unknown>): Promise<boolean> =>
      write.then(
        () => true,
        (error: unknown) => {
          if (alreadyRecorded(error)) return false;
          throw error;
        },
      );
    for (const actor of DEMO_ACTORS)
      await once(this.commands.execute(new Register({ type: 'actor', ...actor }, context)));
    for (const location of DEMO_LOCATIONS) {
      await once(this.commands.execute(new Register({ type: 'location', ...location }, context)));
    }
    for (const { kind, id, alias } of DEMO_ALIASES) {
      await this.commands.execute(new ChangeRegistry({ type: 'AddAlias', kind, id, alias }, context));
    }
    for (const affiliation of DEMO_AFFILIATIONS) {
      await this.commands.execute(new ChangeRegistry({ type: 'Affiliate', ...affiliation }, context));
    }
    if (!(await once(this.commands.execute(new RecordIncidents(DEMO_INCIDENTS, context))))) {
      this.logger.log('the demo incidents were recorded by another instance sharing this log');
      return 0;
    }
    this.logger.log(`recorded ${DEMO_INCIDENTS.length} demo incidents from the reference article`);
    return DEMO_INCIDENTS.length;
  }
}

/** A demo write refused because the same key is already in the log (another loader got there first). */
function alreadyRecorded(error: unknown): boolean {
  if (error instanceof ConflictError) return true;
  return (
    error instanceof DomainValidationError &&
    error.errors.every((e) => e.message.endsWith('is already recorded'))
  );
}
