import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  Command,
  CommandBus,
  CommandHandler,
  type ICommandHandler,
  Query,
  QueryBus,
  QueryHandler,
  type IQueryHandler,
} from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ConflictError, NotFoundError } from '../common/errors.js';
import { ProjectionRunner, type ProjectionStatus } from '../projections/projection-runner.js';

export class ListProjections extends Query<ProjectionStatus[]> {}

export class RebuildProjection extends Command<ProjectionStatus> {
  constructor(readonly name: string) {
    super();
  }
}

@QueryHandler(ListProjections)
export class ListProjectionsHandler implements IQueryHandler<ListProjections> {
  constructor(private readonly runner: ProjectionRunner) {}

  execute(): Promise<ProjectionStatus[]> {
    return this.runner.projections();
  }
}

@CommandHandler(RebuildProjection)
export class RebuildProjectionHandler implements ICommandHandler<RebuildProjection> {
  constructor(private readonly runner: ProjectionRunner) {}

  async execute({ name }: RebuildProjection): Promise<ProjectionStatus> {
    if (!this.runner.names().includes(name)) throw new NotFoundError('projection', name);
    if (!this.runner.rebuild(name)) throw new ConflictError(`projection ${name} is already being rebuilt`);
    const status = (await this.runner.projections()).find((p) => p.name === name);
    if (!status) throw new NotFoundError('projection', name);
    return status;
  }
}

const PROBLEM = { description: 'a problem document (application/problem+json)' };

/** Operations on the read models; admin only once keys are configured. */
@Controller('v1/admin/projections')
@ApiTags('admin')
export class AdminController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Each projection: version, state, checkpoint, head, lag, rate and rebuild progress',
  })
  @ApiOkResponse({ description: 'a list of projection statuses' })
  @ApiNotFoundResponse(PROBLEM)
  list(): Promise<ProjectionStatus[]> {
    return this.queries.execute(new ListProjections());
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Rebuild a projection in the background; the current version serves until the new one caught up',
  })
  @ApiParam({ name: 'name', example: 'timelines' })
  @ApiAcceptedResponse({ description: 'the rebuild started; its progress is in the status' })
  @ApiNotFoundResponse(PROBLEM)
  @ApiConflictResponse(PROBLEM)
  rebuild(@Param('name') name: string): Promise<ProjectionStatus> {
    return this.commands.execute(new RebuildProjection(name));
  }
}
