import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { CONFIG, type Config } from '../config/config.js';
import { EVENT_STORE, type EventStore } from './event-store.js';
import { StreamHandler } from './stream-handler.js';
import { EventsController, ReadLogHandler } from './events.controller.js';
import { SqliteEventStore } from './sqlite-event-store.js';
import { InstrumentedEventStore, Metrics } from '../ops/metrics.js';

/** Opens the event store the configuration names. */
export async function openEventStore(config: Config): Promise<EventStore> {
  const target = config.eventStore;
  if (target.kind === 'sqlite') {
    if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
    return new SqliteEventStore({ path: target.path, durability: config.durability });
  }
  const { KurrentDbEventStore } = await import('./kurrentdb-event-store.js');
  return new KurrentDbEventStore(target.connectionString);
}

@Global()
@Module({})
export class EventStoreModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        { provide: CONFIG, useValue: config },
        {
          provide: EVENT_STORE,
          useFactory: async (metrics?: Metrics) => {
            const store = await openEventStore(config);
            return metrics ? new InstrumentedEventStore(store, metrics) : store;
          },
          inject: [{ token: Metrics, optional: true }],
        },
        StreamHandler,
        ReadLogHandler,
      ],
      controllers: [EventsController],
      exports: [CONFIG, EVENT_STORE, StreamHandler],
    };
  }
}
