import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { caseStream } from '../../src/cases/case-state.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../src/event-store/event-store.port.js';
import { applicationBody, decisionBody, HttpClient, openCaseBody } from '../support/http-client.js';
import { as, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Races over HTTP against the real app: a month is paid once, however many times the bank's
 * report arrives at once; of conflicting decisions on one case one wins and nothing is half-written.
 */
const hl = as('hl-anna');
const attestant = as('att-stina', 'attestant');
const bank = as('bank-integration', 'system');
const MONTH = '2027-01';

describe('races: nothing paid twice, nothing half-written', () => {
  let t: TestApp;
  let api: HttpClient;
  let store: EventStore;

  beforeAll(async () => {
    t = await startTestApp('2026-12-17T08:00:00Z');
    // A backlog for a thousand connections arriving at once.
    const server = t.app.getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
    api = new HttpClient(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
    store = t.app.get<EventStore>(EVENT_STORE);
  });

  afterAll(async () => {
    await t?.close();
  });

  const events = (caseId: string) => store.readStream(caseStream(caseId));
  const byType = (all: readonly RecordedEvent[], type: string) => all.filter((e) => e.type === type);

  /** Open, apply, calculate: a case with a month ready to be decided. Returns the case and the calculated total. */
  async function decidable(name: string): Promise<{ caseId: string; total: number }> {
    const opened = await api.must<{ caseId: string }>('/cases', hl, openCaseBody(name));
    await api.must(`/cases/${opened.caseId}/applications`, hl, applicationBody(MONTH));
    const calc = await api.must<{ calculation: { totals: { total: number } } }>(`/cases/${opened.caseId}/calculations`, hl, { month: MONTH });
    return { caseId: opened.caseId, total: calc.calculation.totals.total };
  }

  /** The stream as stored is whole: versions 1..n, every link verifies, every command's events together. */
  async function wholeStream(caseId: string): Promise<RecordedEvent[]> {
    const all = await events(caseId);
    expect(all.map((e) => e.version)).toEqual(all.map((_, i) => i + 1));
    expect(await store.verifyStream(caseStream(caseId))).toEqual({ stream: caseStream(caseId), ok: true, events: all.length });
    // One command, one correlation id: its events sit side by side (a batch is never split or interleaved).
    const seen = new Set<string>();
    let previous: string | null = null;
    for (const e of all) {
      const c = e.metadata.correlationId;
      if (c !== previous) {
        expect(seen.has(c)).toBe(false);
        seen.add(c);
        previous = c;
      }
    }
    return all;
  }

  it('1 000 concurrent disbursement reports for one month, with shared, unique and no Idempotency-Keys: exactly one PaymentDisbursed', async () => {
    const { caseId, total } = await decidable('Anna Andersson');
    const c = `/cases/${caseId}`;
    const decision = await api.must<{ decisionId: string }>(`${c}/decisions`, hl, decisionBody(MONTH, total, '2027-01-31'));
    await api.must(`${c}/decisions/${decision.decisionId}/communications`, hl, { learnedOn: '2026-12-17', channel: 'e_tjanst' });
    const scheduled = await api.must<{ paymentId: string }>(`${c}/payments`, hl, { decisionId: decision.decisionId });
    await api.must(`${c}/payments/${scheduled.paymentId}/attestations`, attestant, {});
    const before = await events(caseId);

    t.clock.set('2026-12-23T06:00:00Z');
    // Shared keys repeat one request (same body); the others are separate reports of the same payout.
    const keyOf = (i: number) => (i % 4 === 0 ? null : i % 4 === 1 ? 'bank-batch-1' : i % 4 === 2 ? `bank-retry-${i % 10}` : `bank-report-${i}`);
    // Sent in a random order, so any kind of request may be the first to arrive.
    const order = Array.from({ length: 1000 }, (_, i) => i).sort(() => Math.random() - 0.5);
    const responses = new Array<Awaited<ReturnType<typeof api.post<{ code?: string; events?: Array<{ id: string; type: string }> }>>>>(1000);
    await Promise.all(
      order.map(async (i) => {
        const key = keyOf(i);
        responses[i] = await api.post<{ code?: string; events?: Array<{ id: string; type: string }> }>(`${c}/payments/${scheduled.paymentId}/disbursements`, { ...bank, ...(key ? { 'Idempotency-Key': key } : {}) }, { bankReference: 'BGC-2026-12-23-0001' });
      }),
    );

    const statuses: Record<number, number> = {};
    for (const r of responses) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    expect(Object.keys(statuses).map(Number).sort()).toEqual(Object.keys(statuses).map(Number).filter((s) => s === 201 || s === 409).sort());
    expect(statuses[201]).toBeGreaterThanOrEqual(1);
    const after = await wholeStream(caseId);
    const disbursed = byType(after, 'PaymentDisbursed');
    expect(disbursed).toHaveLength(1);
    // Nothing else was written: the one event on top of what was there.
    expect(after.length).toBe(before.length + 1);
    for (const r of responses.filter((r) => r.status === 201)) expect(r.body.events).toEqual([expect.objectContaining({ id: disbursed[0]!.id, type: 'PaymentDisbursed' })]);
    for (const r of responses.filter((r) => r.status === 409)) expect(r.body.code).toBe('payment_already_disbursed');
    // Every copy of a request (same key) got the same answer: the winner's key 201 every time.
    const answers = new Map<string, string>();
    responses.forEach((r, i) => {
      const key = keyOf(i);
      if (!key) return;
      const answer = `${r.status} ${JSON.stringify(r.body)}`;
      if (!answers.has(key)) answers.set(key, answer);
      expect(answer).toBe(answers.get(key));
    });
    const winnerKey = disbursed[0]!.metadata.idempotencyKey;
    if (winnerKey) expect(answers.get(winnerKey)?.startsWith('201')).toBe(true);
    const view = await api.get<{ payments: Record<string, { status: string }> }>(c, hl);
    expect(view.body.payments[scheduled.paymentId]!.status).toBe('disbursed');
    process.stdout.write(`races: 1000 disbursement reports → ${JSON.stringify(statuses)}, PaymentDisbursed events: ${disbursed.length} (won by ${winnerKey ?? 'a report without key'})\n`);
  }, 120_000);

  it('50 concurrent, conflicting decisions on one month (with and without If-Match): one wins, the others get 412 or 409, nothing half-written', async () => {
    t.clock.set('2026-12-17T09:00:00Z');
    const { caseId, total } = await decidable('Bo Berg');
    const c = `/cases/${caseId}`;
    const before = await events(caseId);
    const version = before.length;
    // Different outcomes and amounts, each one valid alone: they cannot all stand.
    const bodies = Array.from({ length: 50 }, (_, i) =>
      i % 5 === 4
        ? { ...decisionBody(MONTH, 0, '2027-01-31'), outcome: 'refused', motivering: `Avslag ${i}: inkomsterna räcker.` }
        : i % 5 === 0
          ? { ...decisionBody(MONTH, total, '2027-01-31'), motivering: `Bifall ${i}.` }
          : { ...decisionBody(MONTH, total - i * 100, '2027-01-31'), outcome: 'partly_granted', motivering: `Delvis bifall ${i}: hyran är för hög.` },
    );
    const responses = await Promise.all(bodies.map((b, i) => api.post<{ decisionId?: string; code?: string }>(`${c}/decisions`, { ...hl, ...(i % 2 === 0 ? { 'If-Match': `"${version}"` } : {}), 'Idempotency-Key': `decide-${i}` }, b)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201 && s !== 409 && s !== 412)).toEqual([]);
    responses.forEach((r, i) => {
      if (r.status === 412) expect(i % 2).toBe(0); // only those that named the version
      if (r.status === 409) expect(r.body.code).toBe('month_already_decided');
    });
    const after = await wholeStream(caseId);
    expect(after.length).toBe(version + 1);
    const made = byType(after, 'DecisionMade');
    expect(made).toHaveLength(1);
    const winner = responses.findIndex((r) => r.status === 201);
    expect((made[0]!.data as { decisionId: string }).decisionId).toBe(responses[winner]!.body.decisionId);
    expect(made[0]!.metadata.idempotencyKey).toBe(`decide-${winner}`);
    expect((made[0]!.data as { amount: number }).amount).toBe(bodies[winner]!.amount);
    process.stdout.write(`races: 50 conflicting decisions → 201×1, 412×${statuses.filter((s) => s === 412).length}, 409×${statuses.filter((s) => s === 409).length}\n`);
  }, 60_000);

  it('deciding and withdrawing the same month at once: one of them happens, never both', async () => {
    t.clock.set('2026-12-17T10:00:00Z');
    const { caseId, total } = await decidable('Cilla Carlsson');
    const c = `/cases/${caseId}`;
    const version = (await events(caseId)).length;
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? api.post(`${c}/decisions`, hl, { ...decisionBody(MONTH, total, '2027-01-31'), motivering: `Bifall ${i}.` })
          : api.post(`${c}/applications/${MONTH}/withdrawal`, hl, { reason: `Har fått arbete (${i}).` }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const after = await wholeStream(caseId);
    expect(after.length).toBe(version + 1);
    expect(byType(after, 'DecisionMade').length + byType(after, 'ApplicationWithdrawn').length).toBe(1);
  }, 60_000);
});
