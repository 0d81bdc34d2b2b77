import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { systemContext } from '../event-store/stream-handler.js';
import { RecordIncidents } from '../incidents/record-incident.command.js';
import { AddAlias, Affiliate, RegisterEntry } from '../registry/registry.commands.js';
import { DEMO_ACTORS, DEMO_AFFILIATIONS, DEMO_ALIASES, DEMO_INCIDENTS, DEMO_LOCATIONS } from './demo-data.js';

/** Records the demo data into an empty log, through the same commands as any other write. */
@Injectable()
export class DemoLoader {
  private readonly logger = new Logger(DemoLoader.name);

  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** Returns the number of incidents recorded (0 when the log already held events). */
  async loadIfEmpty(): Promise<number> {
    if ((await this.store.headPosition()) > 0n) return 0;
    const context = systemContext('dateline-demo');
    for (const actor of DEMO_ACTORS) {
      await this.commands.execute(new RegisterEntry({ type: 'actor', ...actor }, context));
    }
    for (const location of DEMO_LOCATIONS) {
      await this.commands.execute(new RegisterEntry({ type: 'location', ...location }, context));
    }
    for (const { kind, id, alias } of DEMO_ALIASES) {
      await this.commands.execute(new AddAlias(kind, id, alias, context));
    }
    for (const { id, with: withId } of DEMO_AFFILIATIONS) {
      await this.commands.execute(new Affiliate(id, withId, context));
    }
    await this.commands.execute(new RecordIncidents(DEMO_INCIDENTS, context));
    this.logger.log(`recorded ${DEMO_INCIDENTS.length} demo incidents from the reference article`);
    return DEMO_INCIDENTS.length;
  }
}
