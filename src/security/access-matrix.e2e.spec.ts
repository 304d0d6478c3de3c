import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { as, startTestApp, type TestApp } from '../../test/support/test-app.js';
import { UNAUTHORIZED_BODY } from '../platform/identity.js';
import { POLICY, policyFor, UNSCOPED_ROLES, type RoutePolicy } from './policy.js';
import { controllerRoutes, expressRoutes, type AppRoute } from './testing/routes.js';

/**
 * Every endpoint × every role × own/other unit (or case) → the status the policy table promises:
 * allowed = anything but 401/403 (the route's own rules may still say 400/404/409/422), refused = 403.
 * Built from the routes registered in the app, so a new endpoint is in the matrix the day it lands.
 */

const ANNA = '198112189876'; // applicant of the nord case
const BO = '199001010025'; // co-applicant of the nord case
const SIGRID = '197506150015'; // applicant of the syd case

const household = (applicant: string, coApplicant?: string) => [
  { memberId: 'm1', role: 'applicant', name: 'Sökande', personnummer: applicant, birthDate: `${applicant.slice(0, 4)}-${applicant.slice(4, 6)}-${applicant.slice(6, 8)}` },
  ...(coApplicant ? [{ memberId: 'm2', role: 'co_applicant', name: 'Medsökande', personnummer: coApplicant, birthDate: `${coApplicant.slice(0, 4)}-${coApplicant.slice(4, 6)}-${coApplicant.slice(6, 8)}` }] : []),
];
const openCase = (unit: string, caseworker: string, members: ReturnType<typeof household>) => ({
  household: members,
  unit,
  caseworker,
  payee: { kind: 'client_account', name: 'Sökande', account: '8327-9 123 456 789-0' },
  protectedIdentity: false,
});

interface Caller {
  readonly label: string;
  readonly role: string;
  readonly headers: Record<string, string>;
}

/** Callers whose "own" is the nord unit / the nord case, and whose "other" is syd's. */
const CALLERS: readonly Caller[] = [
  { label: 'handlaggare of enhet-nord', role: 'handlaggare', headers: as('hl-matrix', 'handlaggare', 'enhet-nord') },
  { label: 'attestant of enhet-nord', role: 'attestant', headers: as('att-matrix', 'attestant', 'enhet-nord') },
  { label: 'enhetschef of enhet-nord', role: 'enhetschef', headers: as('ec-matrix', 'enhetschef', 'enhet-nord') },
  { label: 'revisor', role: 'revisor', headers: as('rev-matrix', 'revisor') },
  { label: 'system', role: 'system', headers: as('bank-matrix', 'system') },
  { label: 'klient Anna (applicant of the nord case)', role: 'klient', headers: as(ANNA, 'klient') },
  { label: 'klient Bo (co-applicant of the nord case)', role: 'klient', headers: as(BO, 'klient') },
];

const PARAM_VALUES: Record<string, string> = { month: '2026-12' };
const SOME_ID = '0d6c1b8e-5f0a-4c1e-9a43-3f1f7b2a9c10';

function expected(policy: RoutePolicy, role: string, target: 'own' | 'other'): 'allow' | 'deny' {
  if (!(policy.roles as readonly string[]).includes(role)) return 'deny';
  if (policy.scope === 'any' || (UNSCOPED_ROLES as readonly string[]).includes(role)) return 'allow';
  return target === 'own' ? 'allow' : 'deny';
}

describe('who may see and do what: the access matrix over every registered route', () => {
  let t: TestApp;
  let routes: AppRoute[];
  const cases: Record<'own' | 'other', string> = { own: '', other: '' };

  beforeAll(async () => {
    t = await startTestApp();
    routes = controllerRoutes(t.app);
    cases.own = (await t.http().post('/cases').set(as('hl-nord', 'handlaggare', 'enhet-nord')).send(openCase('enhet-nord', 'hl-nord', household(ANNA, BO))).expect(201)).body.caseId;
    cases.other = (await t.http().post('/cases').set(as('hl-syd', 'handlaggare', 'enhet-syd')).send(openCase('enhet-syd', 'hl-syd', household(SIGRID))).expect(201)).body.caseId;
  });
  afterAll(async () => {
    await t?.close();
  });

  const url = (route: AppRoute, target: 'own' | 'other') => {
    const policy = policyFor(route.method, route.path)!;
    const path = route.path.replace(/:(\w+)/g, (_, name: string) => (name === 'caseId' ? cases[target] : (PARAM_VALUES[name] ?? SOME_ID)));
    return policy.scope === 'unit-query' ? `${path}?unit=${target === 'own' ? 'enhet-nord' : 'enhet-syd'}` : path;
  };

  const send = (route: AppRoute, target: 'own' | 'other', headers: Record<string, string>) => {
    const policy = policyFor(route.method, route.path)!;
    const req = t.http()[route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](url(route, target)).set(headers);
    if (route.method === 'GET' || route.method === 'DELETE') return req;
    // An empty command: an allowed caller gets the route's own 400, and nothing is written.
    return req.send(policy.scope === 'unit-body' ? { unit: target === 'own' ? 'enhet-nord' : 'enhet-syd' } : {});
  };

  it('has a line in the policy table for every route the app serves (a route without one is refused for everyone)', () => {
    expect(routes.length).toBeGreaterThan(5);
    const missing = routes.map((r) => `${r.method} ${r.path}`).filter((key) => !(key in POLICY));
    expect(missing).toEqual([]);
  });

  it('serves nothing outside Nest\'s controllers (and so outside the guard) but the API documentation', () => {
    const nest = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const outside = expressRoutes(t.app).filter((r) => !nest.has(`${r.method} ${r.path}`) && !/^\/docs($|\/|-json$|-yaml$)/.test(r.path));
    expect(outside).toEqual([]);
  });

  it('answers every non-public route without a token with the one 401, and the public ones without', async () => {
    for (const route of routes) {
      const policy = policyFor(route.method, route.path)!;
      const res = await send(route, 'own', {});
      if (policy.scope === 'public') expect([route.path, res.status]).toEqual([route.path, 200]);
      else {
        expect([`${route.method} ${route.path}`, res.status, res.body]).toEqual([`${route.method} ${route.path}`, 401, UNAUTHORIZED_BODY]);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="bistand"');
      }
    }
    await t.http().get('/docs-json').expect(200);
    await t.http().get('/docs').expect(200);
  });

  it('allows exactly what the policy table allows, for every role, on own and other unit or case', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const policy = policyFor(route.method, route.path)!;
      if (policy.scope === 'public') continue;
      for (const caller of CALLERS) {
        for (const target of ['own', 'other'] as const) {
          const want = expected(policy, caller.role, target);
          const res = await send(route, target, caller.headers);
          checked++;
          const ok = want === 'allow' ? res.status !== 401 && res.status !== 403 : res.status === 403;
          if (!ok) wrong.push(`${route.method} ${route.path} as ${caller.label} on ${target}: expected ${want}, got ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('gives staff who name no unit their own unit\'s list, and the revisor every unit\'s', async () => {
    const shown = async (headers: Record<string, string>) =>
      ((await t.http().get('/payment-queue?paymentDate=2026-11-25').set(headers).expect(200)).body.items as Array<{ caseId: string }>).map((i) => i.caseId);
    const mine = await shown(as('hl-matrix', 'handlaggare', 'enhet-nord'));
    expect(mine).toContain(cases.own);
    expect(mine).not.toContain(cases.other);
    expect(await shown(as('rev-matrix', 'revisor'))).toEqual(expect.arrayContaining([cases.own, cases.other]));
  });

  it('never lets a klient read another household\'s case, whatever the route', async () => {
    const sigrid = as(SIGRID, 'klient');
    for (const route of routes.filter((r) => r.path.includes(':caseId'))) {
      const res = await send(route, 'own', sigrid);
      expect([`${route.method} ${route.path}`, res.status]).toEqual([`${route.method} ${route.path}`, 403]);
      expect(JSON.stringify(res.body)).not.toContain(ANNA);
    }
  });
});
