import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { derivedId, systemContext, type WriteContext } from '../event-store/stream-handler.js';
import { RecordIncidents } from '../incidents/record-incident.command.js';
import { AddAlias, Affiliate, RegisterEntry } from '../registry/registry.commands.js';
import { DEMO_ACTORS, DEMO_AFFILIATIONS, DEMO_ALIASES, DEMO_INCIDENTS, DEMO_LOCATIONS } from './demo-data.js';

/** Namespace of the demo's write ids (UUIDv5): any fixed UUID, never to change. */
const DEMO_NAMESPACE = 'c4f1e9a2-6b7d-4e3a-8f51-0d2b9c7a4e61';

/**
 * Records the demo data into an empty log, through the same commands as any other write. A log that
 * holds anything is a record of its own and is never touched. Two instances that find one log empty
 * at once both load, but every demo write is keyed as an Idempotency-Key would key it (and the
 * incidents carry fixed ids): both derive the same event ids, the log keeps one of each, and the
 * second loader's writes are replays, so the demo is recorded once.
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
    const { correlationId } = systemContext('dateline-demo');
    const keyed = (write: string): WriteContext => {
      const causationId = derivedId(`dateline-demo\n${write}`, DEMO_NAMESPACE);
      return {
        recordedBy: 'dateline-demo',
        correlationId,
        causationId,
        idempotent: { requestId: derivedId('demo data, first edition', causationId) },
      };
    };
    for (const actor of DEMO_ACTORS) {
      await this.commands.execute(new RegisterEntry({ type: 'actor', ...actor }, keyed(`actor ${actor.id}`)));
    }
    for (const location of DEMO_LOCATIONS) {
      const context = keyed(`location ${location.id}`);
      await this.commands.execute(new RegisterEntry({ type: 'location', ...location }, context));
    }
    for (const { kind, id, alias } of DEMO_ALIASES) {
      await this.commands.execute(new AddAlias(kind, id, alias, keyed(`alias ${kind} ${id} ${alias}`)));
    }
    for (const { id, with: withId } of DEMO_AFFILIATIONS) {
      await this.commands.execute(new Affiliate(id, withId, keyed(`affiliation ${id} ${withId}`)));
    }
    const recorded = await this.commands.execute(new RecordIncidents(DEMO_INCIDENTS, keyed('incidents')));
    if (recorded.every((r) => r.replayed)) {
      this.logger.log('the demo incidents were recorded by another instance sharing this log');
      return 0;
    }
    this.logger.log(`recorded ${DEMO_INCIDENTS.length} demo incidents from the reference article`);
    return DEMO_INCIDENTS.length;
  }
}
