import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { buildApp } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config/config.js';
import { FixedClock } from '../../src/shared/clock.js';

export interface TestApp {
  readonly app: INestApplication;
  readonly clock: FixedClock;
  readonly dir: string;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The real app on a fresh SQLite store in a temp folder, with a clock the test sets. */
export async function startTestApp(now = '2026-11-23T09:00:00Z'): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'bistand-e2e-'));
  const clock = new FixedClock(new Date(now));
  const config = loadConfig({ SQLITE_PATH: join(dir, 'events.sqlite'), LOG_LEVEL: 'silent' });
  const app = await buildApp(config, { clock, logs: false });
  await app.init();
  return {
    app,
    clock,
    dir,
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Headers of a caseworker (placeholder identity until bearer tokens land). */
export const as = (actor: string, role = 'handlaggare', unit = 'enhet-nord') => ({ 'X-Actor-Id': actor, 'X-Actor-Role': role, 'X-Actor-Unit': unit });
