import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { as, startTestApp, TEST_AUTH_SECRET, testToken, type TestApp } from '../../test/support/test-app.js';
import { caseStream } from '../cases/case-state.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { UNAUTHORIZED_BODY } from '../platform/identity.js';
import { signDevTokenSync } from './dev-token.js';

const anna = {
  household: [{ memberId: 'm1', role: 'applicant', name: 'Anna Andersson', personnummer: '19811218-9876', birthDate: '1981-12-18' }],
  unit: 'enhet-nord',
  caseworker: 'hl-anna',
  payee: { kind: 'client_account', name: 'Anna Andersson', account: '8327-9 123 456 789-0' },
  protectedIdentity: false,
};

const NOW = Date.parse('2026-11-23T09:00:00Z') / 1000;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('authentication with development tokens (AUTH_MODE=dev)', () => {
  let t: TestApp;
  let caseId: string;
  beforeAll(async () => {
    t = await startTestApp('2026-11-23T09:00:00Z');
    caseId = (await t.http().post('/cases').set(as('hl-anna')).send(anna).expect(201)).body.caseId;
  });
  afterAll(async () => {
    await t?.close();
  });

  const caseworker = { sub: 'hl-anna', role: 'handlaggare', unit: 'enhet-nord' };
  const valid = testToken(caseworker);
  const [head, body] = valid.split('.') as [string, string, string];

  const refused: Array<[string, Record<string, string>]> = [
    ['no Authorization header', {}],
    ['another scheme', { Authorization: `Basic ${Buffer.from('hl-anna:x').toString('base64')}` }],
    ['a bearer that is no JWT', { Authorization: 'Bearer not-a-token' }],
    ['the old placeholder headers', { 'X-Actor-Id': 'hl-anna', 'X-Actor-Role': 'handlaggare', 'X-Actor-Unit': 'enhet-nord' }],
    ['an expired token', bearer(testToken({ ...caseworker, exp: NOW - 3600 }))],
    ['a token not valid yet', bearer(testToken({ ...caseworker, nbf: NOW + 3600 }))],
    ['a token without expiry', bearer(signDevTokenSync({ ...caseworker, iss: 'bistand-dev', aud: 'bistand' }, TEST_AUTH_SECRET))],
    ['a token signed with another key', bearer(testToken(caseworker, 'another-secret-that-is-long-enough-0123456789'))],
    ['a token whose claims were changed after signing', bearer(`${head}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), role: 'revisor' })).toString('base64url')}.${valid.split('.')[2]}`)],
    ['a token for another audience', bearer(testToken({ ...caseworker, aud: 'another-service' }))],
    ['a token from another issuer', bearer(testToken({ ...caseworker, iss: 'https://evil.example' }))],
    ['an unsigned token (alg none)', bearer(`${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${body}.`)],
    ['an HS512 token', bearer(signDevTokenSync({ ...caseworker, iss: 'bistand-dev', aud: 'bistand', exp: NOW + 3600 }, TEST_AUTH_SECRET, { alg: 'HS512', typ: 'JWT' }))],
    ['a token with an unknown role', bearer(testToken({ ...caseworker, role: 'admin' }))],
    ['a caseworker token without a unit', bearer(testToken({ sub: 'hl-anna', role: 'handlaggare' }))],
    ['a klient token whose subject is no personnummer', bearer(testToken({ sub: 'anna', role: 'klient' }))],
  ];

  it.each(refused)('refuses %s with the one 401 that says nothing about why', async (_, headers) => {
    const res = await t.http().get(`/cases/${caseId}`).set(headers).expect(401);
    expect(res.body).toEqual(UNAUTHORIZED_BODY);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="bistand"');
  });

  it('accepts a valid token, and its expiry is judged on the service clock', async () => {
    const token = testToken({ ...caseworker, exp: NOW + 600 });
    await t.http().get(`/cases/${caseId}`).set(bearer(token)).expect(200);
    t.clock.advance(11 * 60 * 1000);
    await t.http().get(`/cases/${caseId}`).set(bearer(token)).expect(401);
    t.clock.set('2026-11-23T09:00:00Z');
  });

  it('records actor and role from the token on every event, never from the request', async () => {
    await t.http().post(`/cases/${caseId}/reassignments`).set(as('hl-bertil')).set('X-Actor-Id', 'someone-else').send({ caseworker: 'hl-bo', unit: 'enhet-nord', reason: 'Ny handläggare' }).expect(201);
    const events = await t.app.get<EventStore>(EVENT_STORE).readStream(caseStream(caseId));
    expect(events.map((e) => [e.type, e.metadata.actor, e.metadata.role])).toEqual([
      ['CaseOpened', 'hl-anna', 'handlaggare'],
      ['CaseReassigned', 'hl-bertil', 'handlaggare'],
    ]);
  });

  it('answers 403 with a short Swedish reason when the role or the unit does not reach', async () => {
    const role = await t.http().post(`/cases/${caseId}/closure`).set(as('rev-rut', 'revisor')).send({ on: '2026-11-30', reason: 'x' }).expect(403);
    expect(role.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Rollen revisor får inte avsluta ärendet.' });
    const unit = await t.http().get(`/cases/${caseId}`).set(as('hl-sven', 'handlaggare', 'enhet-syd')).expect(403);
    expect(unit.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Ärendet hör till en annan enhet än din.' });
  });

  it('keeps /health and the API documentation open', async () => {
    await t.http().get('/health').expect(200);
    await t.http().get('/docs-json').expect(200);
    const doc = await t.http().get('/docs-json').expect(200);
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

describe('authentication against an identity provider (AUTH_MODE=oidc, JWKS)', () => {
  let jwks: Server;
  let issuer: string;
  let key: CryptoKey;
  let stranger: CryptoKey;
  let t: TestApp;

  const sign = (claims: Record<string, unknown>, signingKey: CryptoKey = key, aud = 'bistand-api') =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(issuer).setAudience(aud).setIssuedAt(NOW).setExpirationTime(NOW + 3600).setSubject('hl-anna').sign(signingKey);

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    stranger = (await generateKeyPair('ES256')).privateKey;
    const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
    issuer = `${base}/realms/bistand`;
    t = await startTestApp('2026-11-23T09:00:00Z', {
      env: { AUTH_MODE: 'oidc', AUTH_ISSUER: issuer, AUTH_JWKS_URL: `${base}/realms/bistand/certs`, AUTH_AUDIENCE: 'bistand-api', AUTH_ROLE_CLAIM: 'realm_access.roles' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => jwks?.close(r));
  });

  it('accepts the provider\'s token, taking the role from a list claim', async () => {
    const token = await sign({ realm_access: { roles: ['offline_access', 'handlaggare'] }, unit: 'enhet-nord' });
    const opened = await t.http().post('/cases').set(bearer(token)).send(anna).expect(201);
    await t.http().get(`/cases/${opened.body.caseId}`).set(bearer(token)).expect(200);
  });

  it('refuses a development token, a token signed by a stranger under the same key id, and one for another audience', async () => {
    for (const token of [
      testToken({ sub: 'hl-anna', role: 'handlaggare', unit: 'enhet-nord', iss: issuer, aud: 'bistand-api' }),
      await sign({ realm_access: { roles: ['handlaggare'] }, unit: 'enhet-nord' }, stranger),
      await sign({ realm_access: { roles: ['handlaggare'] }, unit: 'enhet-nord' }, key, 'another-api'),
      await sign({ realm_access: { roles: ['handlaggare', 'revisor'] }, unit: 'enhet-nord' }),
      'abc.def.ghi',
      `${Buffer.from('{"alg":"ES256","kid":"k1"}').toString('base64url')}.e30.AAAA`,
      `${Buffer.from('{"alg":"ES256","kid":"other"}').toString('base64url')}.e30.AAAA`,
    ]) {
      const res = await t.http().post('/cases').set(bearer(token)).send(anna).expect(401);
      expect(res.body).toEqual(UNAUTHORIZED_BODY);
    }
  });

  it('answers 503, not 401, when the provider\'s keys cannot be fetched', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const down = await startTestApp('2026-11-23T09:00:00Z', {
      env: { AUTH_MODE: 'oidc', AUTH_ISSUER: issuer, AUTH_JWKS_URL: `http://127.0.0.1:${port}/certs`, AUTH_AUDIENCE: 'bistand-api', AUTH_ROLE_CLAIM: 'realm_access.roles' },
    });
    try {
      const token = await sign({ realm_access: { roles: ['handlaggare'] }, unit: 'enhet-nord' });
      const res = await down.http().post('/cases').set(bearer(token)).send(anna).expect(503);
      expect(res.body.message).toBe('Inloggningstjänsten svarar inte just nu. Försök igen om en stund.');
    } finally {
      await down.close();
    }
  });
});
