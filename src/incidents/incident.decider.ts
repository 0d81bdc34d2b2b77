import { ConflictError, DomainValidationError, NotFoundError } from '../common/errors.js';
import type { Decider } from '../event-store/stream-handler.js';
import type { IncidentFacts, IncidentKind, Source } from './incident.js';
import { addSource, applyCorrection } from './incident.changes.js';
import {
  type CorrectedFields,
  KIND_OF_REPORT,
  REPORTED_EVENT,
  type IncidentEvent,
  isIncidentReported,
} from './incident.events.js';
import { disputableFields, validateReport } from './incident.rules.js';

/** Record a new incident: its facts, mentions already resolved to registry ids. */
export interface RecordIncident {
  readonly type: 'RecordIncident';
  readonly data: { readonly kind: IncidentKind; readonly facts: IncidentFacts };
}

/** Correct recorded facts; changed mentions are already resolved to registry ids. */
export interface CorrectIncident {
  readonly type: 'CorrectIncident';
  readonly data: {
    readonly changes: CorrectedFields;
    readonly reason: string;
    readonly source?: Source;
  };
}

export interface DisputeIncident {
  readonly type: 'DisputeIncident';
  readonly data: {
    readonly field: string;
    readonly claimedValue: unknown;
    readonly source: Source;
    readonly note?: string;
  };
}

export interface AddIncidentSource {
  readonly type: 'AddIncidentSource';
  readonly data: { readonly source: Source };
}

export interface RetractIncident {
  readonly type: 'RetractIncident';
  readonly data: { readonly reason: string };
}

export type IncidentCommand =
  RecordIncident | CorrectIncident | DisputeIncident | AddIncidentSource | RetractIncident;

export type IncidentState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'recorded' | 'retracted';
      readonly incidentId: string;
      readonly kind: IncidentKind;
      readonly facts: IncidentFacts;
    };

export const initialState = (): IncidentState => ({ status: 'absent' });

type Recorded = Exclude<IncidentState, { status: 'absent' }>;

/** An amendment needs a recorded incident that has not been retracted: 404 or 409 otherwise. */
export function amendable(state: IncidentState, incidentId: string, what: string): Recorded {
  if (state.status === 'absent') throw new NotFoundError('incident', incidentId);
  if (state.status === 'retracted') {
    throw new ConflictError(`incident ${state.incidentId} is retracted and cannot be ${what}`);
  }
  return state;
}

/**
 * Pure: what happens when a command meets the current state. Throws typed domain errors. The kind
 * rules are checked here and only here, on the facts as they would be recorded.
 */
export function decide(command: IncidentCommand, state: IncidentState, incidentId = ''): IncidentEvent[] {
  switch (command.type) {
    case 'RecordIncident': {
      if (state.status !== 'absent')
        throw new ConflictError(`incident ${state.incidentId} is already recorded`);
      const { kind, facts } = command.data;
      const errors = validateReport({ kind, ...facts });
      if (errors.length > 0) throw new DomainValidationError(errors);
      return [{ type: REPORTED_EVENT[kind], data: facts }];
    }
    case 'CorrectIncident': {
      const current = amendable(state, incidentId, 'corrected');
      const { changes, reason, source } = command.data;
      if (Object.keys(changes).length === 0) {
        throw new DomainValidationError([{ field: 'changes', message: 'must change at least one field' }]);
      }
      const corrected = applyCorrection(current.facts, changes);
      const errors = validateReport({ kind: current.kind, ...corrected }).map((e) => ({
        field: `changes.${e.field}`,
        message: e.message,
      }));
      if (errors.length > 0) throw new DomainValidationError(errors);
      return [
        {
          type: 'IncidentCorrected',
          data: { incidentId: current.incidentId, changes, reason, ...(source ? { source } : {}) },
        },
      ];
    }
    case 'DisputeIncident': {
      const current = amendable(state, incidentId, 'disputed');
      const fields = disputableFields(current.kind);
      if (!fields.includes(command.data.field)) {
        throw new DomainValidationError([
          { field: 'field', message: `must be one of ${fields.join(', ')} for ${current.kind}` },
        ]);
      }
      return [{ type: 'IncidentDisputed', data: { incidentId: current.incidentId, ...command.data } }];
    }
    case 'AddIncidentSource': {
      const current = amendable(state, incidentId, 'given sources');
      return [
        {
          type: 'IncidentSourceAdded',
          data: { incidentId: current.incidentId, source: command.data.source },
        },
      ];
    }
    case 'RetractIncident': {
      const current = amendable(state, incidentId, 'retracted again');
      return [
        { type: 'IncidentRetracted', data: { incidentId: current.incidentId, reason: command.data.reason } },
      ];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

/** Pure: the state after one more event. */
export function evolve(state: IncidentState, event: IncidentEvent): IncidentState {
  if (isIncidentReported(event)) {
    return {
      status: 'recorded',
      incidentId: event.data.incidentId,
      kind: KIND_OF_REPORT[event.type],
      facts: event.data,
    };
  }
  switch (event.type) {
    case 'IncidentCorrected':
      return state.status === 'absent'
        ? state
        : { ...state, facts: applyCorrection(state.facts, event.data.changes) };
    case 'IncidentSourceAdded':
      return state.status === 'absent'
        ? state
        : { ...state, facts: addSource(state.facts, event.data.source) };
    case 'IncidentDisputed':
      return state;
    case 'IncidentRetracted':
      return state.status === 'absent' ? state : { ...state, status: 'retracted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** How an incident's stream folds into the state its commands are decided on. */
export const incidentDecider: Decider<IncidentState, IncidentEvent> = { initialState, evolve };
