import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { v7 as uuidv7 } from 'uuid';
import { crashPoint, isArmed } from '../common/crash-point.js';
import { ConflictError, DomainValidationError, type FieldError } from '../common/errors.js';
import {
  derivedId,
  type Pending,
  StreamHandler,
  type WriteContext,
  type Written,
} from '../event-store/stream-handler.js';
import { WrongExpectedRevisionError } from '../event-store/event-store.js';
import { MentionResolver } from '../registry/mentions.js';
import type { IncidentInput } from './incident.js';
import { decide, incidentDecider, type IncidentState } from './incident.decider.js';
import { type IncidentEvent, incidentStream } from './incident.events.js';
import { resolveReport } from './incident.mentions.js';

/** What recording (or amending) an incident answers: its id, the new revision, its log position. */
export interface Recorded extends Written {
  readonly id: string;
}

/** Record one incident or a batch of them: every one is checked before any is written. */
export class RecordIncidents extends Command<Recorded[]> {
  constructor(
    readonly incidents: readonly IncidentInput[],
    readonly context: WriteContext,
  ) {
    super();
  }
}

/**
 * The id of a new incident: the client's, a fresh UUIDv7, or, with an Idempotency-Key, one derived
 * from the principal, the key and the item's place in the request, so that every attempt of one
 * keyed request names the same incidents and the log recognises what an earlier attempt wrote.
 */
function incidentId(input: IncidentInput, context: WriteContext, index: number): string {
  if (input.id !== undefined) return input.id;
  return context.idempotent === undefined ? uuidv7() : derivedId(`incident\n${index}`, context.causationId);
}

const under = (prefix: string, field: string): string => (prefix === '' ? field : `${prefix}.${field}`);

/**
 * Records incidents: resolves every mention once, decides every incident once (the kind rules run
 * there, and only there), and appends only when all of them may be recorded. Each incident is its
 * own stream, appended with `no_stream`.
 */
@CommandHandler(RecordIncidents)
export class RecordIncidentsHandler implements ICommandHandler<RecordIncidents> {
  constructor(
    private readonly streams: StreamHandler,
    private readonly resolver: MentionResolver,
  ) {}

  async execute({ incidents, context }: RecordIncidents): Promise<Recorded[]> {
    const errors: FieldError[] = [];
    const conflicts: ConflictError[] = [];
    const resolution = this.resolver.start();
    const seen = new Set<string>();
    const items = await Promise.all(
      incidents.map(async (input, i) => {
        const id = incidentId(input, context, i);
        const prefix = incidents.length === 1 ? '' : `[${i}]`;
        if (seen.has(id)) errors.push({ field: under(prefix, 'id'), message: 'appears twice in the batch' });
        seen.add(id);
        const facts = await resolveReport(resolution, input, id, prefix);
        const decideOn = (state: IncidentState): IncidentEvent[] =>
          decide({ type: 'RecordIncident', data: { kind: input.kind, facts } }, state);
        return { input, id, prefix, decideOn };
      }),
    );
    const decisions = await Promise.all(
      items.map(async ({ input, id, prefix, decideOn }) => {
        try {
          return await this.streams.prepare(
            incidentStream(id),
            incidentDecider,
            decideOn,
            context,
            // A UUIDv7 made just now cannot name a recorded incident: no need to read its stream.
            { fresh: input.id === undefined && context.idempotent === undefined },
          );
        } catch (error) {
          if (error instanceof DomainValidationError) errors.push(...error.prefixed(prefix).errors);
          else if (error instanceof ConflictError) {
            conflicts.push(error);
            errors.push({ field: under(prefix, 'id'), message: error.message });
          } else throw error;
          return undefined;
        }
      }),
    );
    errors.push(...resolution.errors);
    // A lone incident whose id is taken is a conflict, not a malformed request.
    const [conflict] = conflicts;
    if (conflict && errors.length === 1) throw conflict;
    if (errors.length > 0) throw new DomainValidationError(errors);

    crashPoint('batch-decided');
    // The appends go in the order the incidents were sent; replays need none. On SQLite they are
    // one transaction (all or nothing); a store without transactions across streams can be left
    // with part of them, which a keyed retry completes.
    const pending = decisions.flatMap((decision) => (decision && 'events' in decision ? [decision] : []));
    const appended = await this.commitInOrder(pending);
    const recorded: Recorded[] = [];
    for (const [i, { id, decideOn }] of items.entries()) {
      const decision = decisions[i];
      if (decision === undefined) throw new Error('a batch item was not decided');
      let written: Written | null;
      if ('events' in decision) {
        const result = appended[pending.indexOf(decision)];
        if (result?.status === 'fulfilled') written = result.value;
        else if (result?.reason instanceof WrongExpectedRevisionError) {
          // Someone wrote this stream meanwhile: decided again, it is a replay or a conflict.
          written = await this.streams.handle(incidentStream(id), incidentDecider, decideOn, context);
        } else throw result?.reason;
      } else written = decision.written;
      if (written === null) throw new Error('recording an incident decided to write nothing');
      recorded.push({ id, ...written });
    }
    crashPoint('batch-appended');
    return recorded;
  }

  /**
   * With the crash point `batch-partly-appended` armed, the first quarter of the batch is appended
   * on its own and the process dies: the state a crash leaves on a store without transactions
   * across streams, reproduced on SQLite, where a batch is one transaction.
   */
  private async commitInOrder(pending: readonly Pending[]): Promise<PromiseSettledResult<Written>[]> {
    if (isArmed('batch-partly-appended')) {
      await this.streams.commitInOrder(pending.slice(0, Math.ceil(pending.length / 4)));
      crashPoint('batch-partly-appended');
    }
    return this.streams.commitInOrder(pending);
  }
}
