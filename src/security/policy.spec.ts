import { describe, expect, it } from '@jest/globals';
import type { Identity } from '../platform/identity.js';
import { authorize, type CaseFacts } from './authorize.js';
import { POLICY, policyFor, type RoutePolicy } from './policy.js';

const nord: CaseFacts = { caseId: '7b0f8f8e-2f7c-4b7e-9d61-0b1c4e1c2a11', unit: 'enhet-nord', caseworker: 'hl-anna', applicant: '198112189876', coApplicant: '198003142384', protectedIdentity: false };
const onCase = (facts: CaseFacts | null, caseId = nord.caseId) => ({ kind: 'case', caseId, facts }) as const;

const caseworker = (unit = 'enhet-nord'): Identity => ({ sub: 'hl-bo', role: 'handlaggare', unit });
const klient = (pnr: string): Identity => ({ sub: pnr, role: 'klient', unit: null });
const revisor: Identity = { sub: 'rev-rut', role: 'revisor', unit: null };

const line = (key: string): RoutePolicy => {
  const p = policyFor(key.split(' ')[0]!, key.split(' ')[1]!);
  if (!p) throw new Error(`no policy line for ${key}`);
  return p;
};

describe('the policy table', () => {
  const lines = Object.entries(POLICY) as Array<[string, RoutePolicy]>;

  it('names at least one role on every line that is not public, and only known scopes', () => {
    for (const [key, p] of lines) {
      if (p.scope === 'public') expect([key, p.roles]).toEqual([key, []]);
      else expect([key, p.roles.length > 0]).toEqual([key, true]);
    }
  });

  it('gives the klient nothing but the portal view of a case', () => {
    expect(lines.filter(([, p]) => p.roles.includes('klient')).map(([k]) => k)).toEqual(['GET /portal/cases/:caseId']);
  });

  it('gives the revisor reads only: no command', () => {
    expect(lines.filter(([k, p]) => p.roles.includes('revisor') && !k.startsWith('GET ')).map(([k]) => k)).toEqual([]);
  });

  it('lets only an attestant attest, and never the system or a revisor', () => {
    expect(line('POST /cases/:caseId/payments/:paymentId/attestations').roles).toEqual(['attestant']);
  });

  it('lets only the revisor read the access log', () => {
    expect(line('GET /cases/:caseId/access-log').roles).toEqual(['revisor']);
  });

  it('looks HEAD up as GET', () => {
    expect(policyFor('HEAD', '/cases/:caseId')).toBe(POLICY['GET /cases/:caseId']);
  });
});

describe('authorize: one caller, one route, one case or unit', () => {
  const read = line('GET /cases/:caseId');
  const portal = line('GET /portal/cases/:caseId');

  it('given a case of enhet-nord, when a caseworker of enhet-nord reads it, then it is allowed', () => {
    expect(authorize(read, caseworker(), onCase(nord))).toEqual({ allow: true });
  });

  it('given a case of enhet-nord, when a caseworker of enhet-syd reads it, then it is refused with 403', () => {
    expect(authorize(read, caseworker('enhet-syd'), onCase(nord))).toMatchObject({ allow: false, status: 403 });
  });

  it('given any case, when a revisor reads it, then it is allowed whatever the unit', () => {
    expect(authorize(read, revisor, onCase({ ...nord, unit: 'enhet-syd' }))).toEqual({ allow: true });
  });

  it('given no such case, when staff ask for it, then 404; a klient gets the same 403 as for another\'s case', () => {
    expect(authorize(read, caseworker(), onCase(null))).toMatchObject({ allow: false, status: 404 });
    expect(authorize(portal, klient('199001010017'), onCase(null))).toEqual(authorize(portal, klient('199001010017'), onCase(nord)));
    expect(authorize(portal, klient('199001010017'), onCase(nord))).toMatchObject({ allow: false, status: 403 });
  });

  it('given a household of Anna and Bo, when either opens the portal view, then it is allowed; a third person is refused', () => {
    expect(authorize(portal, klient('198112189876'), onCase(nord))).toEqual({ allow: true });
    expect(authorize(portal, klient('198003142384'), onCase(nord))).toEqual({ allow: true });
    expect(authorize(portal, klient('199001010017'), onCase(nord))).toMatchObject({ allow: false, status: 403 });
  });

  it('given a klient, when they ask for the case view staff use, then it is refused by role', () => {
    expect(authorize(read, klient('198112189876'), onCase(nord))).toMatchObject({ allow: false, status: 403, message: 'Rollen klient får inte läsa ärendet.' });
  });

  it('given an id that is no id, when an allowed role asks, then 400', () => {
    expect(authorize(read, caseworker(), onCase(null, 'not-an-id'))).toMatchObject({ allow: false, status: 400 });
  });

  it('given opening a case, when the body names another unit or none, then it is refused', () => {
    const open = line('POST /cases');
    expect(authorize(open, caseworker(), { kind: 'unit', unit: 'enhet-nord' })).toEqual({ allow: true });
    expect(authorize(open, caseworker(), { kind: 'unit', unit: 'enhet-syd' })).toMatchObject({ allow: false, status: 403 });
    expect(authorize(open, caseworker(), { kind: 'unit', unit: null })).toMatchObject({ allow: false, status: 403 });
  });

  it('given a unit-wide list, when a manager asks without naming the unit, then they are told to name it', () => {
    const list: RoutePolicy = { roles: ['enhetschef', 'revisor'], scope: 'unit-query', what: 'se enhetens ärenden' };
    const chef: Identity = { sub: 'ec-eva', role: 'enhetschef', unit: 'enhet-nord' };
    expect(authorize(list, chef, { kind: 'unit', unit: null })).toMatchObject({ allow: false, status: 403, message: 'Ange din enhet: ?unit=enhet-nord.' });
    expect(authorize(list, chef, { kind: 'unit', unit: 'enhet-syd' })).toMatchObject({ allow: false, status: 403 });
    expect(authorize(list, chef, { kind: 'unit', unit: 'enhet-nord' })).toEqual({ allow: true });
    expect(authorize(list, revisor, { kind: 'unit', unit: null })).toEqual({ allow: true });
  });
});
