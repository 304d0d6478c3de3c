import type { Decider, DomainEvent } from '../command-path/decider.js';
import { evolveActivities } from '../activities/activity.decider.js';
import { evolveApplications } from '../applications/application.decider.js';
import { evolveCalculations } from '../calculations/calculation.decider.js';
import { evolveDecisions } from '../decisions/decision.decider.js';
import { evolvePayments } from '../payments/payment.decider.js';
import { evolveRecoveries } from '../recoveries/recovery.decider.js';
import { emptyCase, type CaseState, type SliceEvolver } from './case-state.js';
import { evolveCaseFile } from './case.decider.js';

const slices: readonly SliceEvolver[] = [evolveCaseFile, evolveApplications, evolveCalculations, evolveDecisions, evolveActivities, evolvePayments, evolveRecoveries];

/** Folds one event of a case stream into the case: each capability updates its own slice. */
export function evolveCase(state: CaseState, event: DomainEvent): CaseState {
  let s = state;
  for (const evolve of slices) s = evolve(s, event);
  return s;
}

/** A capability's decider over the whole case stream. */
export function caseDecider<C>(decide: (command: C, state: CaseState) => readonly DomainEvent[]): Decider<CaseState, C> {
  return { initialState: emptyCase, evolve: evolveCase, decide };
}
