import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Type } from '@nestjs/common';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { validationPipe } from '../../src/platform/validation.js';
import { policyFor } from '../../src/security/policy.js';
import { commandRoutes, type CommandRoute } from '../support/command-routes.js';
import { as, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Bad input on every command endpoint, found from the app (a new endpoint fails here until it has a
 * valid example body below): malformed JSON, bodies that are not objects, missing, extra and
 * wrongly typed fields, 1 MB strings, negative and absurd amounts, invalid personnummer, dates that
 * do not exist, unknown enum values, bad route parameters. Every answer must be a 4xx that names
 * the field (`violations[].field`), never a 5xx, and the log's last position must not move.
 *
 * Each mutation starts from a valid body and breaks it in one place. Mutations that are not sure
 * to be invalid by construction (a random string for a field) are first run through the same
 * validation pipe offline and only sent when it refuses them (so nothing valid is ever sent).
 */

const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 100);
const MB = 1_000_000;
const PNR = '19811218-9876';
const member = { memberId: 'm1', role: 'applicant', name: 'Anna Andersson', personnummer: PNR, birthDate: '1981-12-18', preschoolLunch: false };
const payee = { kind: 'client_account', name: 'Anna Andersson', account: '8327-9 123 456 789-0' };
const content = {
  outcome: 'granted',
  amount: 952_000,
  period: { from: '2027-01-01', to: '2027-01-31' },
  calculationId: '3f1c1c55-4b7e-4d2a-9a57-1f0b7a4f1e10',
  motivering: 'Hushållet saknar medel för sin försörjning.',
  legalReferences: ['SoL-12-1'],
  delegation: 'DO 4.1.1',
  automation: { ruleVersion: 'fortsattning-v3', reasons: ['Oförändrade inkomster'] },
  considersMisses: [{ missId: '6a4c0a7e-2f5b-4a39-8d1e-0c9f7b3e2a11', consequence: 'reduction', reductionAmount: 100_000, legalReference: 'SoL-aktivitetskrav' }],
};

/** A valid body for every command route (valid to the DTO: the handler may still refuse it). */
const VALID: Record<string, Record<string, unknown>> = {
  'POST /cases': { household: [member], unit: 'enhet-nord', caseworker: 'hl-anna', payee, protectedIdentity: false },
  'POST /cases/:caseId/household-changes': { household: [member, { memberId: 'm2', role: 'child', name: 'Bo', personnummer: null, birthDate: '2019-03-01' }], effectiveFrom: '2026-12-01', reason: 'Barn flyttat in' },
  'POST /cases/:caseId/payee-changes': { payee: { kind: 'landlord', name: 'Bostadsbolaget AB', account: '5050-1055' }, effectiveFrom: '2026-12-01', reason: 'Hyresskuld' },
  'POST /cases/:caseId/protected-identity': { protectedIdentity: true, reason: 'Skyddad folkbokföring' },
  'POST /cases/:caseId/reassignments': { caseworker: 'hl-bo', unit: 'enhet-nord', reason: 'Omfördelning' },
  'POST /cases/:caseId/closure': { on: '2026-12-31', reason: 'Självförsörjande' },
  'POST /cases/:caseId/applications': {
    month: '2027-01',
    submittedOn: '2026-11-20',
    costs: [{ kind: 'housing', amount: 650_000, note: 'Hyra enligt avi' }],
    incomes: [{ kind: 'wages', amount: 300_000, earned: true, memberId: 'm1' }],
    attachments: ['hyresavi januari'],
    signedBy: ['m1'],
  },
  'POST /cases/:caseId/applications/:month/completion-requests': { missing: ['lönespecifikation'], dueDate: '2026-12-01' },
  'POST /cases/:caseId/applications/:month/completion-requests/:requestId/receipts': { receivedOn: '2026-11-23', supplied: ['lönespecifikation'], attachments: ['lonespec.pdf'] },
  'POST /cases/:caseId/applications/:month/withdrawal': { reason: 'Har fått arbete' },
  'POST /cases/:caseId/calculations': { month: '2027-01', adjustments: [{ amount: -50_000, reason: 'Dubbel ersättning' }], priorConsecutiveMonths: 4 },
  'POST /cases/:caseId/decisions': { month: '2027-01', ...content },
  'POST /cases/:caseId/decisions/:decisionId/communications': { learnedOn: '2026-12-03', channel: 'e_tjanst' },
  'POST /cases/:caseId/decisions/:decisionId/appeals': { receivedOn: '2026-12-28' },
  'POST /cases/:caseId/decisions/:decisionId/reconsiderations': { ...content, grounds: 'appeal', appealId: '0b8d5d7c-3a61-4c7e-9f0e-5d2c6a1b9e33', disadvantageGround: 'reservation_in_decision' },
  'POST /cases/:caseId/activity-requirements': { memberId: 'm1', kind: 'praktik', description: 'Praktik', schedule: { hoursPerWeek: 20, reportsPerMonth: 4 }, from: '2026-10-01', to: '2027-03-31', legalBasis: 'SoL-aktivitetskrav' },
  'POST /cases/:caseId/activity-requirements/:requirementId/reports': { period: '2026-11', fulfilled: true, evidence: ['Närvarolista'] },
  'POST /cases/:caseId/activity-requirements/:requirementId/misses': { period: '2026-11', description: 'Uteblev' },
  'POST /cases/:caseId/activity-requirements/:requirementId/misses/:missId/excuse': { reason: 'Sjuk, läkarintyg' },
  'POST /cases/:caseId/activity-requirements/:requirementId/end': { endedOn: '2026-12-15', reason: 'Anställning' },
  'POST /cases/:caseId/payments': { decisionId: 'd-2027-01', amount: 952_000, payee: { kind: 'landlord', name: 'Bostadsbolaget AB', account: '5050-1055' } },
  'POST /cases/:caseId/payments/:paymentId/attestations': { comment: 'Kontrollerad' },
  'POST /cases/:caseId/payments/:paymentId/disbursements': { bankReference: 'BGC-2026-12-23-0001' },
  'POST /cases/:caseId/payments/:paymentId/failures': { reason: 'Kontot är avslutat' },
  'POST /cases/:caseId/payments/:paymentId/returns': { reason: 'Returnerad av banken' },
  'POST /cases/:caseId/payments/:paymentId/cancellation': { reason: 'Fel belopp' },
  'POST /cases/:caseId/recoveries': { reason: 'omitted_information', description: 'Lön uppgavs inte', amount: 200_000, legalBasis: 'SoL-aterkrav', paymentIds: ['9d1f0c2e-7b3a-4e5d-8c6f-1a2b3c4d5e6f'] },
  'POST /cases/:caseId/recoveries/:recoveryId/decision': { outcome: 'pursue', motivering: 'Lönen uppgavs inte trots fråga' },
};

type Segment = string | number;
interface Leaf {
  readonly path: string;
  readonly segments: readonly Segment[];
  readonly value: unknown;
}

/** `household[0].personnummer`, as the validation pipe names fields. */
const pathOf = (segments: readonly Segment[]) => segments.reduce<string>((p, s) => (typeof s === 'number' ? `${p}[${s}]` : p ? `${p}.${s}` : s), '');

function nodes(value: unknown, segments: Segment[] = []): Leaf[] {
  const here: Leaf[] = segments.length ? [{ path: pathOf(segments), segments, value }] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => nodes(v, [...segments, i]))];
  if (typeof value === 'object' && value !== null) return [...here, ...Object.entries(value).flatMap(([k, v]) => nodes(v, [...segments, k]))];
  return here;
}

const clone = <T>(v: T): T => structuredClone(v);

function setAt(body: Record<string, unknown>, segments: readonly Segment[], value: unknown): Record<string, unknown> {
  const copy = clone(body);
  let node: Record<string | number, unknown> = copy;
  for (const s of segments.slice(0, -1)) node = node[s] as Record<string | number, unknown>;
  // An own property even for `__proto__`, as JSON.parse on the server will make it.
  Object.defineProperty(node, segments[segments.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

function removeAt(body: Record<string, unknown>, segments: readonly Segment[]): Record<string, unknown> {
  const copy = clone(body);
  let node: Record<string | number, unknown> = copy;
  for (const s of segments.slice(0, -1)) node = node[s] as Record<string | number, unknown>;
  const last = segments[segments.length - 1]!;
  if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
  else delete node[last];
  return copy;
}

/** A field named by the answer is the mutated one, or one above or below it (`a.0` and `a[0]` alike). */
const norm = (path: string) => path.replace(/\.(\d+)(?=\.|\[|$)/g, '[$1]');
const related = (namedField: string, mutatedField: string) => {
  const named = norm(namedField);
  const mutated = norm(mutatedField);
  return named === mutated || named.startsWith(`${mutated}.`) || named.startsWith(`${mutated}[`) || mutated.startsWith(`${named}.`) || mutated.startsWith(`${named}[`);
};

interface Mutation {
  readonly kind: string;
  /** Names the field the answer must name. */
  readonly field: string;
  readonly body?: Record<string, unknown>;
  /** Sent as is (not JSON.stringify'd). */
  readonly raw?: string;
  /** A route parameter replaced: [name, value]. */
  readonly param?: readonly [string, string];
  /** Not invalid by construction: send only if the validation pipe refuses it offline. */
  readonly checkOffline?: boolean;
}

const INVALID_DATES = ['2026-02-30', '2025-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-12-32', '2026-1-1', '20261201', '2026-12-01T00:00:00Z', '31/12/2026', ''];
const INVALID_MONTHS = ['2026-13', '2026-00', '2026-1', '202612', '2026-12-01', '26-12', ''];
const INVALID_PNR = ['19811218-9877', '19810230-9876', '811218-9876', '1981121898760', 'ÅÅÅÅMMDD-XXXX', '19811218+9876', '00000000-0000', '20260230-1232'];
const ABSURD_AMOUNTS = [-1, -952_000, 1_000_000_001, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 0.5, 952_000.01, -0.0001, 1e21];

function mutations(template: Record<string, unknown>, route: CommandRoute, requiredPaths: readonly string[]): fc.Arbitrary<Mutation> {
  const all = nodes(template);
  const strings = all.filter((l) => typeof l.value === 'string');
  const numbers = all.filter((l) => typeof l.value === 'number');
  const dates = strings.filter((l) => /^\d{4}-\d{2}-\d{2}$/.test(l.value as string));
  const months = strings.filter((l) => /^\d{4}-\d{2}$/.test(l.value as string));
  const pnrs = all.filter((l) => l.segments[l.segments.length - 1] === 'personnummer');
  const objects: Leaf[] = [{ path: '', segments: [], value: template }, ...all.filter((l) => typeof l.value === 'object' && l.value !== null && !Array.isArray(l.value))];
  const json = JSON.stringify(template);
  const arbs: Array<fc.Arbitrary<Mutation>> = [
    // Cut short anywhere: never JSON.
    fc.integer({ min: 1, max: json.length - 1 }).map((k) => ({ kind: 'malformed JSON', field: 'body', raw: json.slice(0, k) })),
    fc.constantFrom("{'single': 'quotes'}", '{"a":1,}', '{"a": undefined}', '{"a": NaN}', '{a: 1}', '{"a":1}{"b":2}', '\u0000', '{"a":"\u0001"}').map((raw) => ({ kind: 'malformed JSON', field: 'body', raw })),
    // JSON, but not an object.
    fc.oneof(fc.constant('null'), fc.integer().map(String), fc.boolean().map(String), fc.string().map((s) => JSON.stringify(s)), fc.array(fc.jsonValue(), { maxLength: 3 }).map((a) => JSON.stringify(a))).map((raw) => ({ kind: 'not an object', field: 'body', raw })),
    // A field of another type.
    fc.tuple(fc.constantFrom(...all), fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.string({ maxLength: 20 }), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }))).map(([l, v]) => ({ kind: 'wrong type', field: l.path, body: setAt(template, l.segments, v), checkOffline: true })),
    // A field nobody asked for, at the top or inside.
    fc.tuple(fc.constantFrom(...objects), fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'actor', 'role', 'version', 'id'), fc.string({ minLength: 1, maxLength: 12 }))).filter(([o, k]) => !Object.hasOwn(o.value as object, k)).map(([o, k]) => ({ kind: 'extra field', field: o.path ? `${o.path}.${k}` : k, body: setAt(template, [...o.segments, k], 'x') })),
    // Unknown enum values, wrong formats: any string in place of a string.
    fc.tuple(fc.constantFrom(...strings), fc.string({ maxLength: 30 })).map(([l, v]) => ({ kind: 'other string', field: l.path, body: setAt(template, l.segments, v), checkOffline: true })),
    // 1 MB in any string field.
    fc.tuple(fc.constantFrom(...strings), fc.constantFrom('a', 'ö', '9', ' ', '-')).map(([l, c]) => ({ kind: '1 MB string', field: l.path, body: setAt(template, l.segments, c.repeat(MB)) })),
    // A route parameter that is not what the route takes.
    ...(route.params.length ? [fc.tuple(fc.constantFrom(...route.params), fc.string({ minLength: 1, maxLength: 40 })).filter(([, v]) => !/^\.+$/.test(v) && !/^[0-9a-f-]{36}$/i.test(v) && !/^\d{4}-\d{2}$/.test(v)).map(([p, v]) => ({ kind: 'bad route parameter', field: p, param: [p, v] as const }))] : []),
  ];
  if (requiredPaths.length) arbs.push(fc.constantFrom(...requiredPaths).map((p) => ({ kind: 'missing field', field: p, body: removeAt(template, nodes(template).find((l) => l.path === p)!.segments) })));
  if (numbers.length) {
    arbs.push(fc.tuple(fc.constantFrom(...numbers), fc.constantFrom(...ABSURD_AMOUNTS)).map(([l, v]) => ({ kind: 'absurd amount', field: l.path, body: setAt(template, l.segments, v), checkOffline: true })));
    arbs.push(fc.tuple(fc.constantFrom(...numbers), fc.constantFrom('1e400', '-1e400', '1e-400', '9007199254740993', '"952000"', '0x10')).map(([l, v]) => ({ kind: 'absurd amount', field: v === '0x10' ? 'body' : l.path, raw: JSON.stringify(setAt(template, l.segments, '\u0000SENTINEL')).replace('"\\u0000SENTINEL"', v), checkOffline: v === '1e-400' || v === '9007199254740993' })));
  }
  if (dates.length) arbs.push(fc.tuple(fc.constantFrom(...dates), fc.constantFrom(...INVALID_DATES)).map(([l, v]) => ({ kind: 'impossible date', field: l.path, body: setAt(template, l.segments, v) })));
  if (months.length) arbs.push(fc.tuple(fc.constantFrom(...months), fc.constantFrom(...INVALID_MONTHS)).map(([l, v]) => ({ kind: 'impossible month', field: l.path, body: setAt(template, l.segments, v) })));
  if (pnrs.length) arbs.push(fc.tuple(fc.constantFrom(...pnrs), fc.constantFrom(...INVALID_PNR)).map(([l, v]) => ({ kind: 'invalid personnummer', field: l.path, body: setAt(template, l.segments, v) })));
  return fc.oneof(...arbs);
}

describe('bad input on every command endpoint: a 4xx naming the field, never a 5xx, nothing written', () => {
  let t: TestApp;
  let store: EventStore;
  let base: string;
  let caseId: string;
  let routes: CommandRoute[];
  const pipe = validationPipe();
  const tried: Record<string, number> = {};
  const byKind: Record<string, number> = {};
  const ids = new Map<string, string>();

  const refusedOffline = async (metatype: Type | null, body: unknown) => {
    if (!metatype) return true;
    try {
      await pipe.transform(body, { type: 'body', metatype, data: '' });
      return false;
    } catch {
      return true;
    }
  };

  const urlOf = (route: CommandRoute, override?: readonly [string, string]) =>
    route.path.replace(/:(\w+)/g, (_m, name: string) => {
      if (override && override[0] === name) return encodeURIComponent(override[1]);
      if (name === 'caseId') return caseId;
      if (name === 'month') return '2027-01';
      if (!ids.has(name)) ids.set(name, randomUUID());
      return ids.get(name)!;
    });

  const caller = (route: CommandRoute) => {
    const roles = policyFor(route.method, route.path)?.roles ?? [];
    const role = roles.includes('handlaggare') ? 'handlaggare' : (roles[0] ?? 'handlaggare');
    return as(role === 'attestant' ? 'att-stina' : role === 'system' ? 'bank-integration' : 'hl-anna', role);
  };

  async function send(route: CommandRoute, m: Mutation): Promise<{ status: number; body: { violations?: Array<{ field: string }>; message?: string } }> {
    const body = m.raw ?? JSON.stringify(m.body ?? VALID[route.key]);
    const res = await fetch(`${base}${urlOf(route, m.param)}`, { method: route.method, headers: { 'content-type': 'application/json', ...caller(route) }, body });
    const text = await res.text();
    let parsed: { violations?: Array<{ field: string }>; message?: string } = {};
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    return { status: res.status, body: parsed };
  }

  beforeAll(async () => {
    t = await startTestApp('2026-11-23T09:00:00Z');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    store = t.app.get<EventStore>(EVENT_STORE);
    const opened = await t.http().post('/cases').set(as('hl-anna')).send(VALID['POST /cases']!).expect(201);
    caseId = opened.body.caseId as string;
    routes = commandRoutes(t.app);
  });

  afterAll(async () => {
    const total = Object.values(tried).reduce((a, b) => a + b, 0);
    process.stdout.write(`bad input: ${total} requests over ${Object.keys(tried).length} endpoints; by kind ${JSON.stringify(byKind)}\n`);
    await t?.close();
  });

  it('finds the command endpoints in the app, and has a valid example body for each', async () => {
    expect(routes.length).toBeGreaterThanOrEqual(28);
    const missing = routes.filter((r) => !(r.key in VALID)).map((r) => r.key);
    expect(missing).toEqual([]);
    for (const r of routes) expect({ route: r.key, refused: await refusedOffline(r.body, VALID[r.key]) }).toEqual({ route: r.key, refused: false });
  });

  it('answers the classic bad bodies with a 4xx naming what is wrong, on every endpoint', async () => {
    const deep = `{"x":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const classic: Array<Mutation & { status: number }> = [
      { kind: 'classic', field: 'body', raw: '{"household": [', status: 400 },
      { kind: 'classic', field: 'body', raw: 'null', status: 400 },
      { kind: 'classic', field: 'body', raw: '[]', status: 400 },
      { kind: 'classic', field: 'body', raw: JSON.stringify({ padding: 'x'.repeat(3 * MB) }), status: 413 },
      { kind: 'classic', field: 'x', raw: deep, status: 400 },
    ];
    for (const route of routes) {
      const before = await store.lastPosition();
      for (const m of classic) {
        const res = await send(route, m);
        tried[route.key] = (tried[route.key] ?? 0) + 1;
        byKind.classic = (byKind.classic ?? 0) + 1;
        expect({ route: route.key, raw: m.raw!.slice(0, 40), status: res.status }).toEqual({ route: route.key, raw: m.raw!.slice(0, 40), status: m.status });
        expect({ route: route.key, named: (res.body.violations ?? []).some((v) => related(v.field, m.field)) }).toEqual({ route: route.key, named: true });
      }
      // A body that is not JSON at all, and a charset other than UTF-8.
      for (const [type, status, field] of [['text/plain', 415, 'Content-Type'], ['application/x-www-form-urlencoded', 415, 'Content-Type'], ['application/json; charset=latin1', 415, 'Content-Type'], ['application/json; charset=utf-16', 415, 'Content-Type']] as const) {
        const res = await fetch(`${base}${urlOf(route)}`, { method: route.method, headers: { 'content-type': type, ...caller(route) }, body: JSON.stringify(VALID[route.key]) });
        tried[route.key] = (tried[route.key] ?? 0) + 1;
        byKind.classic = (byKind.classic ?? 0) + 1;
        const body = (await res.json()) as { violations?: Array<{ field: string }> };
        expect({ route: route.key, type, status: res.status, named: (body.violations ?? []).some((v) => v.field === field) }).toEqual({ route: route.key, type, status, named: true });
      }
      expect(await store.lastPosition()).toBe(before);
    }
  });

  it(`survives ${RUNS} generated bad inputs per endpoint: a 4xx naming the field, never a 5xx, nothing written`, async () => {
    for (const route of routes) {
      const template = VALID[route.key]!;
      // Required fields: those whose removal the validation refuses (the guard's `unit` on POST /cases too).
      const required: string[] = [];
      for (const l of nodes(template)) if (route.key === 'POST /cases' && l.path === 'unit' ? true : await refusedOffline(route.body, removeAt(template, l.segments))) required.push(l.path);
      const before = await store.lastPosition();
      await fc.assert(
        fc.asyncProperty(mutations(template, route, required), async (m) => {
          // What the server will parse (JSON turns Infinity into null, -0 into 0).
          if (m.checkOffline) fc.pre(await refusedOffline(route.body, JSON.parse(m.raw ?? JSON.stringify(m.body))));
          const res = await send(route, m);
          tried[route.key] = (tried[route.key] ?? 0) + 1;
          byKind[m.kind] = (byKind[m.kind] ?? 0) + 1;
          const named = (res.body.violations ?? []).map((v) => v.field);
          const ok = res.status >= 400 && res.status < 500 && named.some((f) => related(f, m.field));
          if (!ok) throw new Error(`${route.key} ${m.kind} at ${m.field || '(body)'}: HTTP ${res.status}, named ${JSON.stringify(named)}: ${res.body.message?.slice(0, 300)}`);
          const now = await store.lastPosition();
          if (now !== before) throw new Error(`${route.key} ${m.kind} at ${m.field}: the log moved from ${before} to ${now}`);
        }),
        { numRuns: RUNS, maxSkipsPerRun: 100 },
      );
    }
  }, 240_000);
});
