import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { calendarFor } from '../../shared/calendar/payment-calendar.js';
import { portalProjection } from './portal.projection.js';
import { currentBenefitMonth, PortalQuery } from './portal.query.js';

const calendar = calendarFor('demo', '2026-12-01')!;
let position = 0;
const ev = (caseId: string, type: string, data: Record<string, unknown>, actor = 'hl-anna'): RecordedEvent => ({
  id: `e${++position}`, stream: `case-${caseId}`, version: position, globalPosition: position, type, schemaVersion: 1, data,
  metadata: { actor, role: 'handlaggare', correlationId: 'c', causationId: null, idempotencyKey: null, recordedAt: '2026-12-01T00:00:00.000Z' }, hash: 'h', prevHash: null,
});
const law = (text: string) => ({ code: 'SoL-12-1', text, title: 'INTERN-titel', version: 'v', verified: true });

describe('the client portal: my status, what is missing, my next payment, my decisions and how to appeal', () => {
  const db = new Database(':memory:');
  portalProjection.setup(db);
  const query = new PortalQuery(db);

  it('knows which benefit month the next payment day is for', () => {
    expect(currentBenefitMonth(calendar, '2026-12-17')).toBe('2027-01');
    expect(currentBenefitMonth(calendar, '2026-12-24')).toBe('2027-02');
  });

  it('given a komplettering is outstanding, the client sees what is missing and by when', () => {
    portalProjection.apply(db, [
      ev('k', 'CaseOpened', { caseId: 'k', household: [], unit: 'u', caseworker: 'hl-anna', payee: { account: '1234' }, protectedIdentity: false, openedOn: '2026-01-01' }),
      ev('k', 'ApplicationSubmitted', { applicationId: 'a', month: '2027-01', submittedOn: '2026-12-10', costs: [], incomes: [], attachments: [], signedBy: [] }),
      ev('k', 'CompletionRequested', { applicationId: 'a', month: '2027-01', requestId: 'r', missing: ['hyresavi'], dueDate: '2026-12-18', requestedOn: '2026-12-11' }),
    ]);
    const view = query.run('k', calendar, '2026-12-12')!;
    expect(view.month).toMatchObject({ month: '2027-01', status: 'completion_needed', missing: [{ items: ['hyresavi'], dueDate: '2026-12-18', text: 'Vi behöver hyresavi senast 2026-12-18.' }] });
    expect(view.nextPayment).toBeNull();
  });

  it('given a communicated decision and a planned payment, the client sees the amount, the date, the motivering and how to appeal by when — and nothing internal', () => {
    const c = 'p';
    portalProjection.apply(db, [
      ev(c, 'CaseOpened', { caseId: c, household: [{ personnummer: '198112189876' }], unit: 'u', caseworker: 'hl-anna', payee: { account: 'INTERN-konto-8327' }, protectedIdentity: true, openedOn: '2026-01-01' }),
      ev(c, 'CaseReassigned', { caseworker: 'hl-bo', unit: 'u', reason: 'INTERN-arbetsbelastning' }),
      ev(c, 'ProtectedIdentityChanged', { protectedIdentity: true, reason: 'INTERN-skyddad-adress' }),
      ev(c, 'ApplicationSubmitted', { applicationId: 'a', month: '2027-01', submittedOn: '2026-12-10', costs: [], incomes: [], attachments: [], signedBy: [] }),
      ev(c, 'DecisionMade', { decisionId: 'd1', month: '2027-01', outcome: 'granted', amount: 872000, period: { from: '2027-01-01', to: '2027-01-31' }, motivering: 'Inkomsten räcker inte till norm och boende.', legalReferences: [law('SoL (2025:400) 12 kap. 1 §')], decidedBy: 'INTERN-beslutsfattare', delegation: 'INTERN-delegation', decidedOn: '2026-12-14', activityMisses: [] }, 'INTERN-beslutsfattare'),
      ev(c, 'DecisionCommunicated', { decisionId: 'd1', learnedOn: '2026-12-15', appealDeadline: '2027-01-05', channel: 'e_tjanst' }),
      ev(c, 'PaymentScheduled', { paymentId: 'p1', decisionId: 'd1', month: '2027-01', amount: 872000, paymentDate: '2026-12-23', manualRoute: true, payee: { account: 'INTERN-konto-8327' }, scheduledBy: 'INTERN-x' }),
      ev(c, 'PaymentAttested', { paymentId: 'p1', attestedBy: 'INTERN-attestant', comment: 'INTERN-kommentar', on: '2026-12-16' }, 'INTERN-attestant'),
    ]);
    const view = query.run(c, calendar, '2026-12-17')!;
    expect(view.contact).toEqual({ caseworker: 'hl-bo', text: 'Din handläggare' });
    expect(view.month).toMatchObject({ status: 'payment_planned', text: 'Pengarna för januari 2027 betalas ut 2026-12-23.' });
    expect(view.nextPayment).toEqual({ date: '2026-12-23', amount: 872000, text: '8\u00a0720,00\u00a0kr betalas ut 2026-12-23 (hanteras manuellt).' });
    expect(view.decisions).toEqual([
      expect.objectContaining({ outcome: 'granted', motivering: 'Inkomsten räcker inte till norm och boende.', appealDeadline: '2027-01-05', legalReferences: ['SoL (2025:400) 12 kap. 1 §'] }),
    ]);
    expect(view.decisions[0]!.howToAppeal).toContain('senast 2027-01-05');
    const json = JSON.stringify(view);
    expect(json).not.toMatch(/INTERN|skydd|protected|198112189876/i);
  });

  it('a decision not yet communicated to the client is not shown', () => {
    portalProjection.apply(db, [ev('p', 'DecisionMade', { decisionId: 'd2', month: '2027-02', outcome: 'refused', amount: 0, period: { from: '2027-02-01', to: '2027-02-28' }, motivering: 'x', legalReferences: [], decidedBy: 'x', delegation: 'x', decidedOn: '2027-01-10', activityMisses: [] })]);
    expect(query.run('p', calendar, '2026-12-17')!.decisions.map((d) => d.month)).toEqual(['2027-01']);
  });

  it('an unknown case gives nothing', () => {
    expect(query.run('nobody', calendar, '2026-12-17')).toBeNull();
  });
});
