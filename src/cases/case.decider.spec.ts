import { describe, expect, it } from '@jest/globals';
import { given } from '../command-path/testing/given-when-then.js';
import type { CaseOpened } from './case.events.js';
import { decideCase, type CaseCommand } from './case.decider.js';
import type { HouseholdMember } from './case.state.js';

const anna: HouseholdMember = { memberId: 'm1', role: 'applicant', name: 'Anna Andersson', personnummer: '198112189876', birthDate: '1981-12-18' };
const bo: HouseholdMember = { memberId: 'm2', role: 'co_applicant', name: 'Bo Andersson', personnummer: '198003142380', birthDate: '1980-03-14' };
const payee = { kind: 'client_account', name: 'Anna Andersson', account: '8327-9 123 456 789-0' } as const;

const open: CaseCommand = { kind: 'OpenCase', caseId: 'c1', household: [anna], unit: 'enhet-nord', caseworker: 'hl-anna', payee, protectedIdentity: false, today: '2026-11-23' };
const opened: CaseOpened = { type: 'CaseOpened', data: { caseId: 'c1', household: [anna], unit: 'enhet-nord', caseworker: 'hl-anna', payee, protectedIdentity: false, openedOn: '2026-11-23' } };

describe('a household\'s case', () => {
  it('given nothing, when the caseworker opens a case for Anna, then the case is opened on today\'s date', () => {
    given([]).when(decideCase, open).then([opened]);
  });

  it('given an open case, when it is opened again, then it is refused', () => {
    given([opened]).when(decideCase, open).thenRefused('case_exists', 409);
  });

  it('given nothing, when a household has two applicants, then it is refused', () => {
    given([]).when(decideCase, { ...open, household: [anna, { ...bo, role: 'applicant' }] }).thenRefused('household_needs_one_applicant', 422);
  });

  it('given nothing, when a co-applicant has no personnummer, then it is refused', () => {
    given([]).when(decideCase, { ...open, household: [anna, { ...bo, personnummer: null }] }).thenRefused('adult_needs_personnummer', 422);
  });

  it('given an open case, when Bo moves in as sambo, then the household changes from that date', () => {
    given([opened])
      .when(decideCase, { kind: 'ChangeHousehold', household: [anna, bo], effectiveFrom: '2026-12-01', reason: 'Sambo flyttar in' })
      .then([{ type: 'HouseholdChanged', data: { household: [anna, bo], effectiveFrom: '2026-12-01', reason: 'Sambo flyttar in' } }]);
  });

  it('given an open case, when it is reassigned to its own caseworker, then it is refused', () => {
    given([opened]).when(decideCase, { kind: 'ReassignCase', caseworker: 'hl-anna', unit: 'enhet-nord', reason: 'x' }).thenRefused('already_assigned');
  });

  it('given a closed case, when the household changes, then it is refused because the case is closed', () => {
    const closed = { type: 'CaseClosed', data: { on: '2026-11-30', reason: 'Egen försörjning' } };
    given([opened, closed]).when(decideCase, { kind: 'ChangeHousehold', household: [anna], effectiveFrom: '2026-12-01', reason: 'x' }).thenRefused('case_closed');
  });

  it('given a protected identity is set, when it is set again, then nothing new is recorded', () => {
    const g = given([opened]);
    expect(g.when(decideCase, { kind: 'SetProtectedIdentity', protectedIdentity: false, reason: 'x' }).events()).toEqual([]);
    expect(g.when(decideCase, { kind: 'SetProtectedIdentity', protectedIdentity: true, reason: 'Skyddad folkbokföring' }).events()).toHaveLength(1);
  });
});
