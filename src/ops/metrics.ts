import { Controller, Get, Global, Header, Inject, Injectable, Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import {
  EVENT_STORE,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '../event-store/event-store.js';
import { ProjectionRunner, type ProjectionStatus } from '../projections/projection-runner.js';

/**
 * The application's Prometheus metrics. Each application owns its registry (not prom-client's
 * global one), so several instances in one process, as in the tests, do not collide.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Histogram({
    name: 'dateline_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly appendLatency = new Histogram({
    name: 'dateline_event_store_append_duration_seconds',
    help: 'Time from an append call to its durable acknowledgement, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'dateline_' });
  }

  /** Times every request by the route pattern, never the raw URL, to keep label sets small. */
  observeHttp(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      this.httpRequests.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}

/** The store as the application sees it, with every append timed. */
export class InstrumentedEventStore implements EventStore {
  /** The inner store's, when it has it: the runner follows the log in its pages (group commits). */
  readonly subscribeToAllPages: EventStore['subscribeToAllPages'];

  constructor(
    private readonly inner: EventStore,
    private readonly metrics: Metrics,
  ) {
    this.subscribeToAllPages = inner.subscribeToAllPages?.bind(inner);
  }

  /** The inner store's: the timer adds no await before the inner append, so call order holds. */
  get appendsInCallOrder(): boolean | undefined {
    return this.inner.appendsInCallOrder;
  }

  async append(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const end = this.metrics.appendLatency.startTimer();
    try {
      const result = await this.inner.append(stream, events, options);
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      end({ outcome: 'error' });
      throw error;
    }
  }

  readStream(stream: string, options?: { fromRevision?: bigint }): AsyncIterable<RecordedEvent> {
    return this.inner.readStream(stream, options);
  }

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    return this.inner.readAll(options);
  }

  subscribeToAll(options: SubscribeOptions): AsyncIterable<RecordedEvent> {
    return this.inner.subscribeToAll(options);
  }

  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }

  countEventsAfter(position: bigint, atMost?: number): Promise<number> {
    return this.inner.countEventsAfter(position, atMost);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Gauges read on scrape from the runner and the store, so they cost nothing between scrapes. */
@Injectable()
export class ProjectionMetrics {
  constructor(
    metrics: Metrics,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly modules: ModuleRef,
  ) {
    const head = new Gauge({
      name: 'dateline_event_log_head_position',
      help: 'Position of the last event in the log (in the embedded store: the number of events)',
      registers: [metrics.registry],
      // Arrow functions: prom-client calls collect() with the gauge as `this`.
      collect: async () => {
        head.set(Number(await this.store.headPosition().catch(() => 0n)));
      },
    });
    const perProjection = (name: string, help: string, read: (p: ProjectionStatus) => number): void => {
      const gauge = new Gauge({
        name,
        help,
        labelNames: ['projection'] as const,
        registers: [metrics.registry],
        // The registry collects gauges concurrently, so each reads the status itself.
        collect: async () => {
          for (const p of await this.runner().projections()) gauge.set({ projection: p.name }, read(p));
        },
      });
    };
    perProjection(
      'dateline_projection_lag_events',
      'Events in the log a projection has not applied yet',
      (p) => p.lag,
    );
    perProjection(
      'dateline_projection_checkpoint',
      'Last log position each serving projection has applied',
      (p) => p.checkpoint,
    );
    perProjection(
      'dateline_projection_rate_events_per_second',
      'Events a projection applied per second, over the last few seconds',
      (p) => p.eventsPerSecond,
    );
  }

  // Looked up, not injected: the runner belongs to the application module, which this one serves.
  private runner(): ProjectionRunner {
    return this.modules.get(ProjectionRunner, { strict: false });
  }
}

@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    // Injected so that its gauges exist before the first scrape.
    readonly _projections: ProjectionMetrics,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

/** Global so the event store module can instrument its store without importing this one. */
@Global()
@Module({
  providers: [Metrics, ProjectionMetrics],
  controllers: [MetricsController],
  exports: [Metrics],
})
export class MetricsModule {}
