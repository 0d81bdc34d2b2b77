import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  ConflictError,
  DomainValidationError,
  type FieldError,
  NotFoundError,
  PreconditionFailedError,
} from '../common/errors.js';
import { EVENT_STORE, type EventStore, WrongExpectedRevisionError } from '../event-store/event-store.js';
import { EventWriter, type WriteContext } from '../event-store/event-writer.js';
import { SLUG_PATTERN } from '../common/slug.js';
import { RegistryService } from '../registry/registry.service.js';
import type {
  ActorRole,
  IncidentFacts,
  IncidentInput,
  IncidentKind,
  LocationRole,
  Mention,
} from './incident.js';
import type { CorrectedFields } from './incident.events.js';
import {
  type AddIncidentSource,
  type CorrectIncident,
  decide,
  type DisputeIncident,
  evolve,
  initialState,
  type IncidentState,
  type RetractIncident,
} from './incident.decider.js';
import { incidentStream, type IncidentEvent } from './incident.events.js';
import { detailActorIds, validateIncident } from './incident.rules.js';

export interface Recorded {
  readonly id: string;
  readonly revision: bigint;
  readonly position: bigint;
}

/**
 * Records incidents: checks them whole before anything is written, resolves mentions through the
 * registry, then lets the decider turn each into its event.
 */
@Injectable()
export class IncidentRecorder {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly writer: EventWriter,
    private readonly registry: RegistryService,
  ) {}

  /** Records several incidents; if any is invalid, none is written. */
  async recordAll(inputs: readonly IncidentInput[], context: WriteContext): Promise<Recorded[]> {
    const prefix = (i: number): string => (inputs.length === 1 ? '' : `[${i}]`);
    const errors: FieldError[] = [];
    inputs.forEach((input, i) => {
      for (const e of validateIncident(input))
        errors.push({ field: join(prefix(i), e.field), message: e.message });
    });
    const mentions = inputs.flatMap((input, i) => [
      ...input.actors.map((mention, j) => ({
        kind: 'actor' as const,
        mention,
        field: join(prefix(i), `actors[${j}]`),
      })),
      ...input.locations.map((mention, j) => ({
        kind: 'location' as const,
        mention,
        field: join(prefix(i), `locations[${j}]`),
      })),
    ]);
    errors.push(...(await this.registry.checkIds(mentions)));
    for (const [i, input] of inputs.entries()) {
      errors.push(...(await this.unknownDetailActors(input.kind, input.details, prefix(i))));
    }
    const supplied = new Set<string>();
    for (const [i, input] of inputs.entries()) {
      if (input.id === undefined) continue;
      if (supplied.has(input.id))
        errors.push({ field: join(prefix(i), 'id'), message: 'appears twice in the batch' });
      supplied.add(input.id);
      if ((await this.load(input.id)).status !== 'absent') {
        errors.push({ field: join(prefix(i), 'id'), message: `incident ${input.id} is already recorded` });
      }
    }
    if (errors.length > 0) {
      // A lone incident whose id is taken is a conflict, not a malformed request.
      if (inputs.length === 1 && errors.length === 1 && errors[0]?.message.endsWith('is already recorded')) {
        throw new ConflictError(errors[0].message);
      }
      throw new DomainValidationError(errors);
    }
    // Mentions resolve concurrently; the appends then go in the order the incidents were sent.
    const prepared = await Promise.all(inputs.map((input) => this.prepare(input, context)));
    const results = await this.writer.appendInOrder(
      prepared.map(({ incidentId, events }) => ({
        stream: incidentStream(incidentId),
        events,
        expectedRevision: 'no_stream' as const,
      })),
      context,
    );
    return results.map((result, i) => {
      const incidentId = prepared[i]?.incidentId ?? '';
      if (result.status === 'fulfilled') {
        return { id: incidentId, revision: result.value.nextRevision, position: result.value.position };
      }
      if (result.reason instanceof WrongExpectedRevisionError) {
        throw new ConflictError(`incident ${incidentId} is already recorded`);
      }
      throw result.reason;
    });
  }

  /** Resolves an incident's mentions and decides its report event, without writing it. */
  private async prepare(
    input: IncidentInput,
    context: WriteContext,
  ): Promise<{ incidentId: string; events: IncidentEvent[] }> {
    const incidentId = input.id ?? uuidv7();
    const facts: IncidentFacts = {
      incidentId,
      occurred: input.occurred,
      title: input.title,
      ...(input.summary === undefined ? {} : { summary: input.summary }),
      actors: await Promise.all(input.actors.map((m) => this.registry.resolve('actor', m, context))),
      locations: await Promise.all(input.locations.map((m) => this.registry.resolve('location', m, context))),
      details: input.details ?? {},
      sources: input.sources,
    };
    const state = input.id === undefined ? initialState() : await this.load(incidentId);
    return { incidentId, events: decide({ type: 'RecordIncident', data: { input, facts } }, state) };
  }

  /** Folds the incident's stream into its current state. */
  async load(incidentId: string): Promise<IncidentState> {
    return (await this.loadWithRevision(incidentId)).state;
  }

  private async loadWithRevision(
    incidentId: string,
  ): Promise<{ state: IncidentState; revision: bigint | null }> {
    let state = initialState();
    let revision: bigint | null = null;
    for await (const event of this.store.readStream(incidentStream(incidentId))) {
      state = evolve(state, event as unknown as IncidentEvent);
      revision = event.revision;
    }
    return { state, revision };
  }

  /**
   * Appends a correction, dispute, source or retraction. With `ifMatch` the write happens only on
   * that revision; without, a concurrent change is retried against the new state.
   */
  async amend(
    incidentId: string,
    command: CorrectIncident | DisputeIncident | AddIncidentSource | RetractIncident,
    context: WriteContext,
    ifMatch?: bigint,
  ): Promise<Recorded> {
    for (let attempt = 0; ; attempt++) {
      const { state, revision } = await this.loadWithRevision(incidentId);
      if (revision === null) throw new NotFoundError('incident', incidentId);
      if (ifMatch !== undefined && ifMatch !== revision) {
        throw new PreconditionFailedError(ifMatch.toString(), Number(revision));
      }
      const resolved =
        command.type === 'CorrectIncident' ? await this.resolveCorrection(command, state, context) : command;
      const events = decide(resolved, state, incidentId);
      try {
        const result = await this.writer.append(incidentStream(incidentId), events, revision, context);
        return { id: incidentId, revision: result.nextRevision, position: result.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        const current = error.actual === 'no_stream' ? null : Number(error.actual);
        if (ifMatch !== undefined) throw new PreconditionFailedError(ifMatch.toString(), current);
        if (attempt >= 3) throw error;
      }
    }
  }

  /** Details that name actors by id (a resolution's `vetoedBy`) must name registered actors. */
  private async unknownDetailActors(
    kind: IncidentKind,
    details: Readonly<Record<string, unknown>> | undefined,
    prefix: string,
  ): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    for (const { id, field } of detailActorIds(kind, details)) {
      // A malformed id is already reported by the kind rules.
      if (SLUG_PATTERN.test(id) && !(await this.registry.lookup('actor', id))) {
        errors.push({ field: join(prefix, field), message: `no actor '${id}' is registered` });
      }
    }
    return errors;
  }

  /** Checks a correction before any name is registered, then resolves the changed mentions. */
  private async resolveCorrection(
    command: CorrectIncident,
    state: IncidentState,
    context: WriteContext,
  ): Promise<CorrectIncident> {
    decide(command, state);
    const { actors, locations } = command.data.changes;
    const mentions = [
      ...(actors ?? []).map((mention, j) => ({
        kind: 'actor' as const,
        mention,
        field: `changes.actors[${j}]`,
      })),
      ...(locations ?? []).map((mention, j) => ({
        kind: 'location' as const,
        mention,
        field: `changes.locations[${j}]`,
      })),
    ];
    const errors = await this.registry.checkIds(mentions);
    if (state.status !== 'absent') {
      errors.push(...(await this.unknownDetailActors(state.kind, command.data.changes.details, 'changes')));
    }
    if (errors.length > 0) throw new DomainValidationError(errors);
    const resolve = <Role extends string>(kind: 'actor' | 'location', list: readonly Mention<Role>[]) =>
      Promise.all(list.map((m) => this.registry.resolve(kind, m, context)));
    const { changes } = command.data;
    const resolved: CorrectedFields = {
      ...(changes.occurred ? { occurred: changes.occurred } : {}),
      ...(changes.title === undefined ? {} : { title: changes.title }),
      ...(changes.summary === undefined ? {} : { summary: changes.summary }),
      ...(changes.details ? { details: changes.details } : {}),
      ...(actors ? { actors: await resolve<ActorRole>('actor', actors) } : {}),
      ...(locations ? { locations: await resolve<LocationRole>('location', locations) } : {}),
    };
    return { type: 'CorrectIncident', data: { ...command.data, resolved } };
  }
}

function join(prefix: string, field: string): string {
  return prefix === '' ? field : `${prefix}.${field}`;
}
