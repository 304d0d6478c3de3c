import type { DomainEvent } from '../command-path/decider.js';
import type { CaseState } from '../cases/case-state.js';

// Placeholder until this capability's decider lands (issue 3).
export function evolveRecoveries(state: CaseState, _event: DomainEvent): CaseState {
  return state;
}
