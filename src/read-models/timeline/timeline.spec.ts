import { describe, expect, it } from '@jest/globals';
import { BadRequestException } from '@nestjs/common';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { parseAsOf, parseChainCheck } from './timeline.controller.js';
import { timelineHtml } from './timeline.html.js';
import { timelineOf } from './timeline.js';

let version = 0;
const ev = (type: string, recordedAt: string, data: Record<string, unknown>, actor = 'hl-anna'): RecordedEvent => ({
  id: `e${++version}`, stream: 'case-k', version, globalPosition: 100 + version, type, schemaVersion: 1, data,
  metadata: { actor, role: 'handlaggare', correlationId: 'c', causationId: null, idempotencyKey: null, recordedAt }, hash: `hash-${version}`.padEnd(64, '0'), prevHash: null,
});
const law = (text: string) => ({ code: 'SoL-12-1', text, title: 't', version: 'v', verified: true });

/** Anna's January: opened (protected identity), applied, calculated, decided, told. */
const events = [
  ev('CaseOpened', '2026-12-01T09:00:00.000Z', { caseId: 'k', household: [{ memberId: 'm1', role: 'applicant', name: 'Anna Andersson', personnummer: '198112189876', birthDate: '1981-12-18' }], unit: 'enhet-nord', caseworker: 'hl-anna', payee: { kind: 'client_account', name: 'Anna Andersson', account: '8327-9 123 456 789-0' }, protectedIdentity: true, openedOn: '2026-12-01' }),
  ev('ApplicationSubmitted', '2026-12-10T09:00:00.000Z', { applicationId: 'a', month: '2027-01', submittedOn: '2026-12-10', costs: [{ kind: 'housing', amount: 650_000 }], incomes: [{ kind: 'wages', amount: 300_000 }], attachments: [], signedBy: ['m1'] }),
  ev('DecisionMade', '2026-12-17T14:00:00.000Z', { decisionId: 'd1', month: '2027-01', outcome: 'granted', amount: 872_000, calculationTotal: 872_000, period: { from: '2027-01-01', to: '2027-01-31' }, motivering: 'Inkomsten räcker inte till norm och boende.', legalReferences: [law('SoL (2025:400) 12 kap. 1 §')], decidedBy: 'hl-anna', delegation: 'DO 4.1.1', decidedOn: '2026-12-17', activityMisses: [] }),
  ev('DecisionCommunicated', '2026-12-18T08:00:00.000Z', { decisionId: 'd1', learnedOn: '2026-12-18', appealDeadline: '2027-01-08', channel: 'e_tjanst', appealLegalBasis: 'FL (2017:900) 44 §' }),
];

describe('the timeline, rendered from the case stream', () => {
  it('given a decided and communicated month, then every event is an entry in stream order, in Swedish, with who, when, amount, rule and deadline', () => {
    const entries = timelineOf(events);
    expect(entries.map((e) => [e.version, e.type])).toEqual([[1, 'CaseOpened'], [2, 'ApplicationSubmitted'], [3, 'DecisionMade'], [4, 'DecisionCommunicated']]);
    expect(entries[2]).toMatchObject({
      title: 'Beslut: beviljat (januari 2027)', actor: 'hl-anna', role: 'handlaggare', recordedAt: '2026-12-17T14:00:00.000Z', effectiveOn: '2026-12-17', month: '2027-01', position: 103,
      legalReferences: ['SoL (2025:400) 12 kap. 1 §'], amounts: [{ label: 'Beviljat belopp', ore: 872_000, text: expect.stringMatching(/^8\s720,00\skr$/) }, expect.objectContaining({ label: 'Enligt beräkning' })],
    });
    expect(entries[2]!.text).toContain('Motivering: Inkomsten räcker inte till norm och boende.');
    expect(entries[3]).toMatchObject({ title: 'Beslutet har meddelats', appealDeadline: '2027-01-08', hash: events[3]!.hash });
  });

  it('as of the moment before the decision was recorded, the decision is not there; as of the end of that day, it is', () => {
    expect(timelineOf(events, '2026-12-17T13:59:59.999Z').map((e) => e.type)).toEqual(['CaseOpened', 'ApplicationSubmitted']);
    expect(timelineOf(events, parseAsOf('2026-12-17')).map((e) => e.type)).toEqual(['CaseOpened', 'ApplicationSubmitted', 'DecisionMade']);
    expect(timelineOf(events, parseAsOf('2026-11-30'))).toEqual([]);
  });

  it('given a protected identity, then no entry names the household, its personnummer or where the money goes (the auditor is not named staff)', () => {
    const json = JSON.stringify(timelineOf(events));
    expect(json).not.toMatch(/Anna Andersson|198112189876|8327|123 456/);
    expect(timelineOf(events)[0]!.text).toBe('Ärendet öppnades för ett hushåll med 1 person(er) (sökande). Enhet enhet-nord, handläggare hl-anna. Utbetalning till klientens konto.');
  });

  it('an event without a Swedish text still appears, by its type', () => {
    expect(timelineOf([ev('SomethingNew', '2026-12-20T00:00:00.000Z', {})])[0]).toMatchObject({ title: 'SomethingNew', text: 'Händelse registrerad.' });
  });
});

describe('the timeline query parameters', () => {
  it('asOf: a date is the end of that day in Stockholm (winter and summer time), a timestamp is itself in UTC', () => {
    expect(parseAsOf('2026-12-17')).toBe('2026-12-17T22:59:59.999Z');
    expect(parseAsOf('2026-07-01')).toBe('2026-07-01T21:59:59.999Z');
    expect(parseAsOf('2026-12-17T15:00:00+01:00')).toBe('2026-12-17T14:00:00.000Z');
    expect(parseAsOf(undefined)).toBeUndefined();
    expect(() => parseAsOf('igår')).toThrow(BadRequestException);
  });

  it('verify: left out is the verified read, `full` re-hashes every link, anything else is a 400 naming the field, the rule and the value', () => {
    expect(parseChainCheck(undefined)).toBe('verified_read');
    expect(parseChainCheck('full')).toBe('full_rehash');
    for (const bad of ['true', '', 'FULL', ['full', 'full']]) {
      try {
        parseChainCheck(bad);
        throw new Error('accepted');
      } catch (error) {
        expect(error).toBeInstanceOf(BadRequestException);
        expect((error as BadRequestException).getResponse()).toMatchObject({ statusCode: 400, violations: [{ field: 'verify', rule: 'isIn', value: typeof bad === 'string' ? bad : JSON.stringify(bad), message: 'full' }] });
      }
    }
  });
});

describe('the printable page', () => {
  const doc = { caseId: 'k', asOf: null, generatedAt: '2026-12-20T10:00:00.000Z', entries: timelineOf(events) };

  it('says the chain is unbroken and which check vouched for it', () => {
    expect(timelineHtml({ ...doc, chain: { ok: true, events: 4, check: 'verified_read' } })).toContain('Hashkedjan är obruten (4 händelser). Kontroll: verifierad läsning ur händelseloggen.');
    expect(timelineHtml({ ...doc, chain: { ok: true, events: 4, check: 'full_rehash' } })).toContain('Kontroll: varje länk i kedjan har räknats om.');
  });

  it('given a broken chain, warns where it breaks and that what follows is not shown', () => {
    const html = timelineHtml({ ...doc, entries: doc.entries.slice(0, 1), chain: { ok: false, events: 4, check: 'full_rehash', firstBroken: { version: 2, reason: 'content changed' } } });
    expect(html).toContain('VARNING: hashkedjan är bruten vid version 2: content changed. Händelserna från och med version 2 kan inte styrkas och visas inte.');
    expect(html).toContain('class="warn"');
    expect(html).not.toContain('Ansökan om försörjningsstöd');
  });
});
