import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { evolveCase } from '../cases/case-evolve.js';
import { emptyCase, type CaseState } from '../cases/case-state.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { ALL_PROJECTIONS } from '../read-models/all-projections.js';
import { QUEUE_STATUSES, PaymentQueueQuery, type QueueAnswer } from '../read-models/payment-queue/payment-queue.query.js';
import { ProjectionRunner } from '../read-models/projection-runner.js';
import { calendarFor } from '../shared/calendar/payment-calendar.js';
import { parsePersonnummer } from '../shared/personnummer.js';
import { generateHousehold, generateKommun, planKommun, type KommunSummary } from './kommun-generator.js';

// The demo kommun pays December 2026 on 2026-11-25; the window opened 2026-11-16 and the decision
// cut-off is 2026-11-20. On the 18th some cases are at risk; after the 20th the same ones are late.
const TODAY = '2026-11-18';
const AFTER_CUTOFF = '2026-11-23';

describe('the demo kommun generator', () => {
  let store: SqliteEventStore;
  let db: Database.Database;
  let summary: KommunSummary;
  const queue = (today: string): QueueAnswer => new PaymentQueueQuery(db).run(calendarFor('demo', summary.paymentDate)!, summary.paymentDate, summary.month, today, { limit: 1000 });

  beforeAll(async () => {
    store = new SqliteEventStore(':memory:');
    summary = await generateKommun(store, { households: 60, today: TODAY, seed: 7 });
    db = new Database(':memory:');
    await new ProjectionRunner(store, db, ALL_PROJECTIONS).rebuild();
  });
  afterAll(async () => {
    db.close();
    await store.close();
  });

  it('targets the next payment date after today and its benefit month', () => {
    expect(summary).toMatchObject({ month: '2026-12', paymentDate: '2026-11-25', cutoff: '2026-11-20', windowOpens: '2026-11-16' });
    expect(summary.events).toBeGreaterThan(60 * 20);
  });

  it('given a small run, before the cut-off every queue status but late is present, with every blocking reason', () => {
    const answer = queue(TODAY);
    expect(QUEUE_STATUSES.filter((s) => answer.counts[s] === 0)).toEqual(['late']);
    const blockedBy = new Set(answer.items.filter((i) => i.status === 'blocked').flatMap((i) => i.reasons.map((r) => r.code)));
    expect([...blockedBy].sort()).toEqual(['activity_report_missing', 'completion_outstanding', 'decision_not_communicated', 'manual_handling']);
  });

  it('given the same stored facts asked after the cut-off, the undecided cases are late (no rebuild)', () => {
    const before = queue(TODAY);
    const after = queue(AFTER_CUTOFF);
    expect(after.counts.late).toBeGreaterThan(0);
    expect(after.counts.at_risk).toBe(0);
    expect(after.counts.paid + after.counts.ready + after.counts.awaiting_attest).toBe(before.counts.paid + before.counts.ready + before.counts.awaiting_attest);
  });

  it('is deterministic for a seed and different for another', () => {
    const plan = planKommun({ households: 60, today: TODAY, seed: 7 });
    const again = generateHousehold(plan, 13);
    expect(generateHousehold(plan, 13)).toEqual(again);
    const other = generateHousehold(planKommun({ households: 60, today: TODAY, seed: 8 }), 13);
    expect(other.caseId).not.toBe(again.caseId);
  });

  it('tells stories the law allows: four eyes on every payment, dates never after today, valid personnummer, intact chains', async () => {
    const plan = planKommun({ households: 60, today: TODAY, seed: 7 });
    for (let i = 0; i < 60; i++) {
      const h = generateHousehold(plan, i);
      let state: CaseState = emptyCase;
      let last = '';
      for (const e of h.events) {
        expect(e.metadata.recordedAt > last).toBe(true);
        last = e.metadata.recordedAt;
        if (e.type === 'PaymentAttested') {
          const p = state.payments[(e.data as { paymentId: string }).paymentId]!;
          expect(e.metadata.actor).not.toBe(p.scheduledBy);
          expect(e.metadata.actor).not.toBe(state.decisions[p.decisionId]!.decidedBy);
          expect(e.metadata.role).toBe('attestant');
        }
        state = evolveCase(state, e);
      }
      expect(last.slice(0, 10) <= TODAY).toBe(true);
      for (const m of state.file!.household) if (m.personnummer) expect(parsePersonnummer(m.personnummer).ok).toBe(true);
      expect((await store.verifyStream(h.stream)).ok).toBe(true);
    }
  });

  it('gives one household in a thousand the long history, as far back as the rule data reach', () => {
    const now = planKommun({ households: 1000, today: TODAY, seed: 7 });
    // Riksnorm tables and the demo payment calendar start in 2025: January 2025 to December 2026.
    expect(generateHousehold(now, 500)).toMatchObject({ longHistory: true, months: 24 });
    const later = planKommun({ households: 1000, today: '2030-01-14', seed: 7 });
    const fiveYears = generateHousehold(later, 500);
    expect(fiveYears).toMatchObject({ longHistory: true, months: 60 });
    expect(fiveYears.events.length).toBeGreaterThan(300);
    expect(generateHousehold(later, 499).months).toBeLessThanOrEqual(12);
  });
});
