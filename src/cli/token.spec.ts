import { describe, expect, it } from '@jest/globals';
import { decodeJwt, jwtVerify } from 'jose';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/config.js';
import { run } from './token.js';

const SECRET = 'cli-test-secret-0123456789abcdef-0123456789';

async function token(args: string[], env: Record<string, string>): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, loadConfig(env), (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
}

describe('npm run cli -- token', () => {
  it('prints a development token the service accepts: role, unit, subject, audience, issuer and expiry', async () => {
    const r = await token(['--role', 'handlaggare', '--unit', 'enhet-nord', '--sub', 'hl-anna', '--ttl', '2h'], { AUTH_DEV_SECRET: SECRET });
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(1);
    const { payload } = await jwtVerify(r.out[0]!, new TextEncoder().encode(SECRET), { issuer: 'bistand-dev', audience: 'bistand', algorithms: ['HS256'] });
    expect(payload).toMatchObject({ sub: 'hl-anna', role: 'handlaggare', unit: 'enhet-nord' });
    expect(payload.exp! - payload.iat!).toBe(7200);
  });

  it('takes a klient\'s personnummer with its dash and signs the 12 digits, without a unit', async () => {
    const r = await token(['--role', 'klient', '--sub', '19811218-9876', '--unit', 'enhet-nord'], { AUTH_DEV_SECRET: SECRET });
    expect(r.code).toBe(0);
    expect(decodeJwt(r.out[0]!)).toMatchObject({ sub: '198112189876', role: 'klient' });
    expect(decodeJwt(r.out[0]!).unit).toBeUndefined();
  });

  it('without AUTH_DEV_SECRET, makes a key file beside the event store once (mode 0600) and signs with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bistand-token-'));
    try {
      const env = { SQLITE_PATH: join(dir, 'events.sqlite') };
      const first = await token(['--role', 'revisor', '--sub', 'rev-rut'], env);
      const key = readFileSync(join(dir, 'auth-dev.key'), 'utf8').trim();
      expect(statSync(join(dir, 'auth-dev.key')).mode & 0o777).toBe(0o600);
      await token(['--role', 'revisor', '--sub', 'rev-rut'], env);
      expect(readFileSync(join(dir, 'auth-dev.key'), 'utf8').trim()).toBe(key);
      await jwtVerify(first.out[0]!, new TextEncoder().encode(key), { algorithms: ['HS256'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what the service would refuse, and any token when an identity provider is configured', async () => {
    expect((await token(['--role', 'admin', '--sub', 'x'], { AUTH_DEV_SECRET: SECRET })).code).toBe(2);
    expect((await token(['--role', 'attestant', '--sub', 'att-stina'], { AUTH_DEV_SECRET: SECRET })).err[0]).toMatch(/--unit is required for attestant/);
    expect((await token(['--role', 'klient', '--sub', '19811218-9875'], { AUTH_DEV_SECRET: SECRET })).err[0]).toMatch(/personnummer/);
    expect((await token(['--role', 'revisor', '--sub', 'r', '--ttl', '90d'], { AUTH_DEV_SECRET: SECRET })).err[0]).toMatch(/--ttl must be between/);
    expect((await token(['--role', 'revisor', '--sub', 'r', '--bogus'], { AUTH_DEV_SECRET: SECRET })).code).toBe(2);
    const oidc = await token(['--role', 'revisor', '--sub', 'r'], { AUTH_ISSUER: 'https://login.example.se/realms/x', AUTH_JWKS_URL: 'https://login.example.se/realms/x/certs', AUTH_AUDIENCE: 'bistand' });
    expect(oidc.code).toBe(2);
    expect(oidc.err[0]).toMatch(/identity provider/);
  });
});
