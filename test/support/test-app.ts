import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { buildApp } from '../../src/bootstrap.js';
import { DEV_ISSUER, loadConfig } from '../../src/config/config.js';
import { signDevTokenSync } from '../../src/security/dev-token.js';
import { FixedClock } from '../../src/shared/clock.js';

export interface TestApp {
  readonly app: INestApplication;
  readonly clock: FixedClock;
  readonly dir: string;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The development key every test app verifies with, and `as()` signs with. */
export const TEST_AUTH_SECRET = 'test-secret-for-e2e-only-0123456789abcdef';
export const TEST_AUDIENCE = 'bistand';

/** Environment for a test app's loadConfig: development tokens signed with the test key. */
export const TEST_AUTH_ENV = { AUTH_MODE: 'dev', AUTH_DEV_SECRET: TEST_AUTH_SECRET } as const;

export interface TestAppOptions {
  /** Reuse a data directory (e.g. to restart over the same files); the caller removes it. */
  readonly dir?: string;
  /** More environment for loadConfig. */
  readonly env?: Record<string, string>;
}

/** The real app on a fresh SQLite store in a temp folder, with a clock the test sets. */
export async function startTestApp(now = '2026-11-23T09:00:00Z', options: TestAppOptions = {}): Promise<TestApp> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'bistand-e2e-'));
  const clock = new FixedClock(new Date(now));
  const auth = options.env?.AUTH_MODE === 'oidc' ? {} : TEST_AUTH_ENV;
  const config = loadConfig({ SQLITE_PATH: join(dir, 'events.sqlite'), LOG_LEVEL: 'silent', ...auth, ...options.env });
  const app = await buildApp(config, { clock, logs: false });
  await app.init();
  return {
    app,
    clock,
    dir,
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Far past any test clock: tests that need expiry sign their own tokens with `testToken`. */
const NEVER = Date.UTC(2100, 0, 1) / 1000;

/** A development token as the test app accepts it; `claims` overrides or adds claims. */
export function testToken(claims: Record<string, unknown>, key: string = TEST_AUTH_SECRET): string {
  return signDevTokenSync({ iss: DEV_ISSUER, aud: TEST_AUDIENCE, exp: NEVER, ...claims }, key);
}

/**
 * The Authorization header of a caller: a caseworker of enhet-nord unless told otherwise. A klient's
 * `actor` is their personnummer (12 digits); klient, revisor and system carry no unit.
 */
export const as = (actor: string, role = 'handlaggare', unit = 'enhet-nord') => ({
  Authorization: `Bearer ${testToken({ sub: actor, role, ...(['handlaggare', 'attestant', 'enhetschef'].includes(role) ? { unit } : {}) })}`,
});
