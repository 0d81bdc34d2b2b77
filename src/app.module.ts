import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { READ_MODELS } from './read-models.js';
import { IdempotencyInterceptor } from './common/idempotency.interceptor.js';
import { AidFlowsController, GetAidFlowsHandler } from './aid-flows/aid-flows.controller.js';
import { AidFlowsReader } from './aid-flows/aid-flows.reader.js';
import { CONFIG, type Config } from './config/config.js';
import { DemoLoader } from './demo/demo-loader.js';
import { DraftIncidentsHandler, DraftsController } from './drafts/drafts.controller.js';
import { EVENT_STORE, type EventStore } from './event-store/event-store.js';
import { EventStoreModule } from './event-store/event-store.module.js';
import { waitForEventStore } from './event-store/wait-for-store.js';
import { AmendIncidentHandler, GetIncidentHistoryHandler } from './incidents/amend-incident.command.js';
import { IncidentsBatchController, IncidentsController } from './incidents/incidents.controller.js';
import { RecordIncidentsHandler } from './incidents/record-incident.command.js';
import { RecordIncidentRoute } from './incidents/record-incident.route.js';
import { AdminController, ListProjectionsHandler, RebuildProjectionHandler } from './ops/admin.controller.js';
import { HealthController } from './ops/health.controller.js';
import { MetricsModule } from './ops/metrics.js';
import { PROJECTIONS } from './projections/projection.js';
import { ProjectionRunner, RUNNER_OPTIONS } from './projections/projection-runner.js';
import { ReadStore } from './projections/read-store.js';
import { openReadStoreFor, rememberOrigin } from './projections/read-store-origin.js';
import { EntriesFormatInterceptor, RecordsFormatInterceptor } from './formats/format.interceptor.js';
import { REGISTRY_COMMAND_HANDLERS } from './registry/registry.commands.js';
import { MentionResolver } from './registry/mentions.js';
import { FoldedStreams } from './registry/folded-streams.js';
import { RegistryNames } from './registry/names.js';
import { RegistryController } from './registry/registry.controller.js';
import { GetRegistryEntryHandler, SearchRegistryHandler } from './registry/registry.queries.js';
import { NameSuggestions } from './registry/name-suggestions.js';
import { RegistryReader } from './registry/registry.reader.js';
import { RegistryRecords } from './registry/registry.records.js';
import { SearchController, SearchIncidentsHandler } from './search/search.controller.js';
import { SearchReader } from './search/search.reader.js';
import {
  GetIncidentHandler,
  GetTimelineChangesHandler,
  GetTimelineHandler,
} from './timelines/timeline.queries.js';
import { TimelineRoute } from './timelines/timeline.route.js';
import { TimelineReader } from './timelines/timeline.reader.js';
import { TimelineChangesController, TimelinesController } from './timelines/timelines.controller.js';

/** Starts the projections (and the demo data) before the server listens; closes stores last. */
@Injectable()
class Lifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Dateline');

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly demo: DemoLoader,
    private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // On a cluster, start-up waits for a leader rather than failing during an election.
    await waitForEventStore(this.store, this.logger);
    // A read store kept across a replaced event log would silently skip events: refuse to start.
    await this.runner.verifyCheckpoints();
    this.runner.start();
    if (this.config.demoData) await this.demo.loadIfEmpty();
    const head = await this.store.headPosition();
    if (!(await this.runner.waitFor(head, 600_000))) this.logger.warn('read models are still catching up');
    await rememberOrigin(this.readStore, this.store);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    // A log that was empty at start may have its first event now.
    await rememberOrigin(this.readStore, this.store).catch(() => undefined);
    await this.store.close();
    this.readStore.close();
    this.logger.log(`stopped cleanly: read models at position ${this.runner.position()}`);
  }
}

@Module({})
export class AppModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: AppModule,
      imports: [EventStoreModule.forRoot(config), CqrsModule.forRoot(), TerminusModule, MetricsModule],
      controllers: [
        IncidentsController,
        IncidentsBatchController,
        TimelinesController,
        TimelineChangesController,
        HealthController,
        AdminController,
        AidFlowsController,
        RegistryController,
        SearchController,
        DraftsController,
      ],
      providers: [
        {
          provide: ReadStore,
          useFactory: (store: EventStore) =>
            openReadStoreFor(config.readStorePath, store, new Logger('ReadStore')),
          inject: [EVENT_STORE],
        },
        { provide: PROJECTIONS, useValue: READ_MODELS },
        { provide: RUNNER_OPTIONS, useValue: { batchSize: config.projectionBatch } },
        ProjectionRunner,
        RegistryNames,
        FoldedStreams,
        MentionResolver,
        RecordIncidentsHandler,
        RecordIncidentRoute,
        AmendIncidentHandler,
        GetIncidentHistoryHandler,
        GetTimelineChangesHandler,
        TimelineReader,
        GetTimelineHandler,
        TimelineRoute,
        GetIncidentHandler,
        DemoLoader,
        Lifecycle,
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        RegistryReader,
        RegistryRecords,
        AidFlowsReader,
        GetAidFlowsHandler,
        ListProjectionsHandler,
        RebuildProjectionHandler,
        ...REGISTRY_COMMAND_HANDLERS,
        SearchRegistryHandler,
        GetRegistryEntryHandler,
        SearchReader,
        SearchIncidentsHandler,
        EntriesFormatInterceptor,
        RecordsFormatInterceptor,
        NameSuggestions,
        DraftIncidentsHandler,
      ],
    };
  }
}
