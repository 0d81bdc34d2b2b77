import { Controller, Get, Inject } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { ProjectionRunner } from '../projections/projection-runner.js';

/** Ready means: the store answers and the read models trail the log by at most this many events. */
const MAX_READY_LAG = 10_000;

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([() => this.indicators.check('process').up()]);
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    // One ping, shared: when the store does not answer, the projections check asks it nothing more,
    // so readiness answers within the ping's deadline.
    const pinged = this.store.ping().then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    return this.health.check([
      async () => {
        const store = this.indicators.check('eventStore');
        const error = await pinged;
        if (error) return store.down({ reason: `event store unreachable: ${error.message}` });
        return store.up();
      },
      async () => {
        const projections = this.indicators.check('projections');
        const status = this.runner.status();
        const head = (await pinged) ? undefined : await this.store.headPosition().catch(() => undefined);
        const data = {
          state: status.state,
          position: Number(status.position),
          ...(head === undefined ? {} : { head: Number(head) }),
        };
        if (status.failure)
          return projections.down({ ...data, reason: 'a projection failed', failure: status.failure });
        if (status.state !== 'live') {
          const reason = status.lastError ?? `projections are ${status.state}`;
          return projections.down({ ...data, reason });
        }
        // Lag in events, counted (positions are byte offsets on KurrentDB); no further than the bar.
        const lag =
          head === undefined || head <= status.position
            ? 0
            : await this.store.countEventsAfter(status.position, MAX_READY_LAG + 1).catch(() => 0);
        if (lag > MAX_READY_LAG)
          return projections.down({
            ...data,
            lag,
            reason: `read models trail the log by more than ${MAX_READY_LAG} events`,
          });
        return projections.up({ ...data, lag });
      },
    ]);
  }
}
