import { describe, expect, it } from '@jest/globals';
import type { CaseFile } from '../cases/case.state.js';
import type { Identity } from '../platform/identity.js';
import { MASK, maskForViewer } from './protected-identity.js';

const file: CaseFile = {
  caseId: 'c1',
  household: [
    { memberId: 'm1', role: 'applicant', name: 'Anna Andersson', personnummer: '198112189876', birthDate: '1981-12-18' },
    { memberId: 'm2', role: 'co_applicant', name: 'Bo Andersson', personnummer: '198003142384', birthDate: '1980-03-14' },
    { memberId: 'm3', role: 'child', name: 'Cilla Andersson', personnummer: null, birthDate: '2019-03-01' },
  ],
  unit: 'enhet-nord',
  caseworker: 'hl-anna',
  payee: { kind: 'client_account', name: 'Anna Andersson', account: '8327-9 123 456 789-0' },
  protectedIdentity: true,
  openedOn: '2026-11-23',
  closed: null,
};
const state = { file, payments: { p1: { paymentId: 'p1', amount: 100, payee: file.payee } } };
const own: Identity = { sub: 'hl-anna', role: 'handlaggare', unit: 'enhet-nord' };

describe('protected identity: what each viewer sees of a case', () => {
  it('given a protected case, when its own caseworker reads it, then nothing is masked', () => {
    expect(maskForViewer(state, own)).toBe(state);
  });

  it('given a protected case, when another caseworker, an attestant or a revisor reads it, then payee and every non-applicant number are masked', () => {
    for (const viewer of [{ ...own, sub: 'hl-bo' }, { sub: 'hl-anna', role: 'attestant', unit: 'enhet-nord' }, { sub: 'rev', role: 'revisor', unit: null }] as Identity[]) {
      const seen = maskForViewer(state, viewer);
      expect(seen.file.payee).toEqual({ kind: 'client_account', name: MASK, account: MASK });
      expect(seen.payments.p1.payee).toEqual({ kind: 'client_account', name: MASK, account: MASK });
      expect(seen.payments.p1.amount).toBe(100);
      expect(seen.file.household.map((m) => m.personnummer)).toEqual(['198112189876', MASK, null]);
      expect(seen.file.household.map((m) => m.name)).toEqual(['Anna Andersson', 'Bo Andersson', 'Cilla Andersson']);
    }
    expect(state.file.payee.account).toBe('8327-9 123 456 789-0');
  });

  it('given a case that is not protected, when anyone reads it, then nothing is masked', () => {
    const open = { ...state, file: { ...file, protectedIdentity: false } };
    expect(maskForViewer(open, { sub: 'rev', role: 'revisor', unit: null })).toBe(open);
  });
});
