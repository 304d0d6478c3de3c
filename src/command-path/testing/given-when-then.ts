import { expect } from '@jest/globals';
import type { DomainEvent } from '../decider.js';
import { DomainRuleError } from '../../shared/errors.js';
import { emptyCase, type CaseState } from '../../cases/case-state.js';
import { evolveCase } from '../../cases/case-evolve.js';

type Decide<C> = (command: C, state: CaseState) => readonly DomainEvent[];

/**
 * given(past facts).when(command).then(new facts) over a case stream, the way the field tells it:
 *   given([caseOpened, applicationSubmitted]).when(decide, { kind: 'MakeDecision', … }).then([…])
 */
export function given(events: readonly DomainEvent[]) {
  const state = events.reduce<CaseState>((s, e) => evolveCase(s, e), emptyCase);
  return {
    state,
    when<C>(decide: Decide<C>, command: C) {
      const run = () => decide(command, state);
      return {
        then(expected: readonly DomainEvent[]) {
          expect(run()).toEqual(expected);
        },
        /** Returns the produced events for finer assertions. */
        events(): readonly DomainEvent[] {
          return run();
        },
        thenRefused(code: string, status?: 409 | 422): DomainRuleError {
          let caught: unknown;
          try {
            run();
          } catch (e) {
            caught = e;
          }
          expect(caught).toBeInstanceOf(DomainRuleError);
          const err = caught as DomainRuleError;
          expect(err.code).toBe(code);
          if (status) expect(err.status).toBe(status);
          return err;
        },
      };
    },
  };
}
