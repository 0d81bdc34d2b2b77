import { Readable } from 'node:stream';
import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { Query as CqrsQuery, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, type EventStore, type RecordedEvent } from './event-store.js';

export class EventsQueryDto {
  @ApiPropertyOptional({ minimum: 0, description: 'read events after this log position', example: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 10_000, default: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit?: number;
}

/** One NDJSON line per event: everything needed to export or replicate the log. */
export function eventLine(event: RecordedEvent): string {
  return `${JSON.stringify({
    position: Number(event.position),
    id: event.id,
    streamId: event.streamId,
    revision: Number(event.revision),
    type: event.type,
    data: event.data,
    metadata: event.metadata,
  })}\n`;
}

/** A page of the raw log, in position order, as NDJSON lines. */
export class ReadLog extends CqrsQuery<AsyncIterable<string>> {
  constructor(
    readonly after: bigint,
    readonly limit: number,
  ) {
    super();
  }
}

/** Reads the page from the store as the client consumes it (the lines are streamed, never held). */
@QueryHandler(ReadLog)
export class ReadLogHandler implements IQueryHandler<ReadLog> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ after, limit }: ReadLog): Promise<AsyncIterable<string>> {
    return Promise.resolve(this.lines(after, limit));
  }

  private async *lines(after: bigint, limit: number): AsyncGenerator<string> {
    for await (const event of this.store.readAll({ fromPosition: after, limit, batchSize: 500 })) {
      yield eventLine(event);
    }
  }
}

@Controller('v1/events')
@ApiTags('events')
export class EventsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'The raw log as NDJSON, for export and replication' })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({
    description: 'one event per line: position, id, streamId, revision, type, data, metadata',
  })
  async list(
    @Query() query: EventsQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Readable> {
    const lines = await this.queries.execute(new ReadLog(BigInt(query.after ?? 0), query.limit ?? 1000));
    void reply.header('Content-Type', 'application/x-ndjson; charset=utf-8');
    return Readable.from(lines);
  }
}
