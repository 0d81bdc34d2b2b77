import { ConflictError, DomainValidationError } from '../common/errors.js';
import type { IncidentFacts, IncidentInput, IncidentKind } from './incident.js';
import { KIND_OF_REPORT, REPORTED_EVENT, type IncidentEvent } from './incident.events.js';
import { validateIncident } from './incident.rules.js';

/** Record a new incident; `input` is what the editor sent, `facts` the same with mentions resolved. */
export interface RecordIncident {
  readonly type: 'RecordIncident';
  readonly data: { readonly input: IncidentInput; readonly facts: IncidentFacts };
}

export type IncidentCommand = RecordIncident;

export type IncidentState =
  | { readonly status: 'absent' }
  | { readonly status: 'recorded'; readonly incidentId: string; readonly kind: IncidentKind };

export const initialState = (): IncidentState => ({ status: 'absent' });

/** Pure: what happens when a command meets the current state. Throws typed domain errors. */
export function decide(command: IncidentCommand, state: IncidentState): IncidentEvent[] {
  switch (command.type) {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the union grows with each command
    case 'RecordIncident': {
      if (state.status !== 'absent') {
        throw new ConflictError(`incident ${state.incidentId} is already recorded`);
      }
      const errors = validateIncident(command.data.input);
      if (errors.length > 0) throw new DomainValidationError(errors);
      return [{ type: REPORTED_EVENT[command.data.input.kind], data: command.data.facts }];
    }
    default: {
      const unknown: never = command.type;
      throw new Error(`unknown command ${String(unknown)}`);
    }
  }
}

/** Pure: the state after one more event. */
export function evolve(state: IncidentState, event: IncidentEvent): IncidentState {
  switch (event.type) {
    case 'EnvoyTourReported':
    case 'TalksReported':
    case 'CrossingOpeningReported':
    case 'CrossingClosureReported':
    case 'AidDeliveryReported':
    case 'StatementReported':
      return { status: 'recorded', incidentId: event.data.incidentId, kind: KIND_OF_REPORT[event.type] };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
