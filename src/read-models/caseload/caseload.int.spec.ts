import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { caseloadProjection } from './caseload.projection.js';
import { CaseloadQuery } from './caseload.query.js';
import { weightsOn } from './caseload-weights.js';

let position = 0;
const ev = (caseId: string, type: string, data: Record<string, unknown>): RecordedEvent => ({
  id: `e${++position}`, stream: `case-${caseId}`, version: position, globalPosition: position, type, schemaVersion: 1, data,
  metadata: { actor: 'x', role: 'handlaggare', correlationId: 'c', causationId: null, idempotencyKey: null, recordedAt: '2026-11-01T00:00:00.000Z' }, hash: 'h', prevHash: null,
});
const opened = (caseId: string, caseworker: string, openedOn: string, protectedIdentity = false, unit = 'enhet-nord') =>
  ev(caseId, 'CaseOpened', { caseId, household: [], unit, caseworker, payee: {}, protectedIdentity, openedOn });

describe('caseload per caseworker and unit, weighted by complexity', () => {
  const db = new Database(':memory:');
  caseloadProjection.setup(db);
  caseloadProjection.apply(db, [
    opened('a1', 'hl-anna', '2025-03-01'),
    opened('a2', 'hl-anna', '2026-11-10', true),
    ev('a2', 'CompletionRequested', { applicationId: 'x', month: '2026-12', requestId: 'k1', missing: ['kontoutdrag'], dueDate: '2026-11-20', requestedOn: '2026-11-12' }),
    ev('a2', 'AppealReceived', { decisionId: 'd0', appealId: 'ap1', receivedOn: '2026-11-15' }),
    ev('a1', 'ActivityRequirementSet', { requirementId: 'r1', memberId: 'm1', kind: 'job_search', from: '2026-10-01', to: null }),
    ev('a1', 'DecisionMade', { decisionId: 'd1', month: '2026-12', decidedOn: '2026-11-10' }),
    opened('b1', 'hl-bo', '2024-01-01'),
    opened('b2', 'hl-bo', '2024-01-01'),
    ev('b2', 'CaseClosed', { on: '2026-10-31', reason: 'x' }),
    opened('s1', 'hl-sara', '2026-01-01', false, 'enhet-syd'),
  ]);
  const query = new CaseloadQuery(db);
  const today = '2026-11-23';
  const w = weightsOn(today);

  it('given Anna has a new protected case with an overdue komplettering and an appeal, her load weighs more than Bo\'s plain case', () => {
    const answer = query.run(today, w, 'enhet-nord');
    const anna = answer.caseworkers.find((c) => c.caseworker === 'hl-anna')!;
    const bo = answer.caseworkers.find((c) => c.caseworker === 'hl-bo')!;
    expect(anna).toMatchObject({ openCases: 2, openCompletions: 1, activityPlans: 1, openAppeals: 1, protectedIdentity: 1, newCases: 1 });
    expect(anna.weightedLoad).toBe(2 * w.openCase + w.openCompletion + w.activityPlan + w.openAppeal + w.protectedIdentity + w.newCase);
    expect(anna.overdue).toEqual({ completions: 1, uncommunicatedDecisions: 1, total: 2 });
    expect(bo).toMatchObject({ openCases: 1, weightedLoad: w.openCase, overdue: { total: 0 } });
    expect(answer.caseworkers[0]!.caseworker).toBe('hl-anna');
  });

  it('totals per unit, and a unit filter shows only that unit', () => {
    const all = query.run(today, w);
    expect(all.units.map((u) => [u.unit, u.caseworkers, u.openCases])).toEqual([['enhet-nord', 2, 3], ['enhet-syd', 1, 1]]);
    expect(query.run(today, w, 'enhet-syd').caseworkers.map((c) => c.caseworker)).toEqual(['hl-sara']);
  });

  it('when the komplettering comes in and the decision is communicated, the items leave the load', () => {
    caseloadProjection.apply(db, [
      ev('a2', 'CompletionReceived', { applicationId: 'x', month: '2026-12', requestId: 'k1', receivedOn: '2026-11-21' }),
      ev('a1', 'DecisionCommunicated', { decisionId: 'd1', learnedOn: '2026-11-22' }),
    ]);
    const anna = query.run(today, w).caseworkers.find((c) => c.caseworker === 'hl-anna')!;
    expect(anna.openCompletions).toBe(0);
    expect(anna.overdue.total).toBe(0);
  });
});
