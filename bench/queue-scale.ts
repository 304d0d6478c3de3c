import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { paymentQueueProjection } from '../src/read-models/payment-queue/payment-queue.projection.js';
import { PaymentQueueQuery, type Phase, type QueueFilter } from '../src/read-models/payment-queue/payment-queue.query.js';
import { calendarFor } from '../src/shared/calendar/payment-calendar.js';

/**
 * `npm run bench -- queue-scale [--cases 150000]`: the payment queue's read side at national scale
 * without generating 12 million events: the queue tables are filled directly (4 months per case,
 * phases spread evenly, 6 % of cases without an application for the month), then the query runs
 * for one payment date, before and after the cut-off. It measures the query, not the projection.
 */
export async function runQueueScaleBench(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { cases: { type: 'string', default: '150000' } } });
  const n = Number(values.cases);
  const dir = mkdtempSync(join(tmpdir(), 'bistand-queue-scale-'));
  const db = new Database(join(dir, 'read.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  paymentQueueProjection.setup(db);
  const phases: Phase[] = ['paid', 'ready', 'awaiting_attest', 'refused', 'not_applied', 'decided_blocked', 'decided_not_scheduled', 'undecided_blocked', 'undecided'];
  const insertCase = db.prepare("INSERT INTO queue_cases VALUES (?, ?, ?, 0, '2025-01-01', NULL)");
  const insertMonth = db.prepare("INSERT INTO queue_months (case_id, month, application_id, unit, caseworker, protected, phase, sort_due, outstanding) VALUES (?, ?, 'a', ?, ?, 0, ?, ?, 0)");
  const started = Date.now();
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = `case-${String(i).padStart(7, '0')}`;
      const unit = `enhet-${i % 100}`;
      insertCase.run(id, unit, `hl-${i % 3750}`);
      for (const m of ['2026-10', '2026-11', '2026-12', '2027-01']) {
        if (m === '2027-01' && i % 17 === 0) continue;
        insertMonth.run(id, m, unit, `hl-${i % 3750}`, phases[(i * 7 + m.charCodeAt(6)) % phases.length], i % 5 === 0 ? '2026-12-15' : '9999-12-31');
      }
    }
  })();
  console.log(`queue-scale: ${n} cases, ${4 * n} month rows written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const query = new PaymentQueueQuery(db);
  const calendar = calendarFor('demo', '2026-12-01')!;
  const cases: Array<[string, QueueFilter]> = [['all households', {}], ['one unit', { unit: 'enhet-3' }], ['status not_applied', { status: 'not_applied' }], ['page 50 (offset 5000)', { offset: 5000 }]];
  const result: Record<string, { p50Ms: number; p99Ms: number }> = {};
  for (const [label, filter] of cases) {
    const ms: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t = process.hrtime.bigint();
      query.run(calendar, '2026-12-23', '2027-01', i % 2 ? '2026-12-16' : '2026-12-21', filter);
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    ms.sort((a, b) => a - b);
    result[label] = { p50Ms: round(ms[30]!), p99Ms: round(ms[59]!) };
    console.log(`queue-scale: ${label}: p50 ${result[label]!.p50Ms} ms, p99 ${result[label]!.p99Ms} ms`);
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ cases: n, ...result }));
  return 0;
}

const round = (x: number) => Math.round(x * 100) / 100;
