import { ConflictError, DomainValidationError, NotFoundError } from '../common/errors.js';
import type { IncidentFacts, IncidentInput, IncidentKind, Source } from './incident.js';
import { addSource, applyCorrection, type ChangesInput, correctedInput } from './incident.changes.js';
import {
  type CorrectedFields,
  KIND_OF_REPORT,
  REPORTED_EVENT,
  type IncidentEvent,
  isIncidentReported,
} from './incident.events.js';
import { disputableFields, validateIncident } from './incident.rules.js';

/** Record a new incident; `input` is what the editor sent, `facts` the same with mentions resolved. */
export interface RecordIncident {
  readonly type: 'RecordIncident';
  readonly data: { readonly input: IncidentInput; readonly facts: IncidentFacts };
}

/** Correct recorded facts; `resolved` holds the changed mentions resolved to registry ids. */
export interface CorrectIncident {
  readonly type: 'CorrectIncident';
  readonly data: {
    readonly changes: ChangesInput;
    readonly resolved: CorrectedFields;
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

/** An amendment needs a recorded incident that has not been retracted. */
function amendable(state: IncidentState, incidentId: string, what: string): Recorded {
  if (state.status === 'absent') throw new NotFoundError('incident', incidentId);
  if (state.status === 'retracted') {
    throw new ConflictError(`incident ${state.incidentId} is retracted and cannot be ${what}`);
  }
  return state;
}

/** Pure: what happens when a command meets the current state. Throws typed domain errors. */
export function decide(command: IncidentCommand, state: IncidentState, incidentId = ''): IncidentEvent[] {
  switch (command.type) {
    case 'RecordIncident': {
      if (state.status !== 'absent')
        throw new ConflictError(`incident ${state.incidentId} is already recorded`);
      const errors = validateIncident(command.data.input);
      if (errors.length > 0) throw new DomainValidationError(errors);
      return [{ type: REPORTED_EVENT[command.data.input.kind], data: command.data.facts }];
    }
    case 'CorrectIncident': {
      const current = amendable(state, incidentId, 'corrected');
      const { changes, resolved, reason, source } = command.data;
      if (Object.keys(changes).length === 0) {
        throw new DomainValidationError([{ field: 'changes', message: 'must change at least one field' }]);
      }
      const errors = validateIncident(correctedInput(current.kind, current.facts, changes)).map((e) => ({
        field: `changes.${e.field}`,
        message: e.message,
      }));
      if (errors.length > 0) throw new DomainValidationError(errors);
      return [
        {
          type: 'IncidentCorrected',
          data: { incidentId: current.incidentId, changes: resolved, reason, ...(source ? { source } : {}) },
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
