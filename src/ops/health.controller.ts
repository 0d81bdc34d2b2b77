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
const MAX_READY_LAG = 10_000n;

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
    return this.health.check([
      async () => {
        const store = this.indicators.check('eventStore');
        try {
          await this.store.ping();
          return store.up();
        } catch (error) {
          return store.down({ reason: `event store unreachable: ${(error as Error).message}` });
        }
      },
      async () => {
        const projections = this.indicators.check('projections');
        const status = this.runner.status();
        const head = await this.store.headPosition().catch(() => status.position);
        const lag = head - status.position;
        const data = {
          state: status.state,
          position: Number(status.position),
          head: Number(head),
          lag: Number(lag),
        };
        if (status.failure)
          return projections.down({ ...data, reason: 'a projection failed', failure: status.failure });
        if (status.state !== 'live')
          return projections.down({ ...data, reason: `projections are ${status.state}` });
        if (lag > MAX_READY_LAG)
          return projections.down({ ...data, reason: `read models trail the log by ${lag} events` });
        return projections.up(data);
      },
    ]);
  }
}
