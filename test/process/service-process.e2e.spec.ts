import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, waitForHealth } from '../support/service-process.js';
import { as, TEST_AUTH_ENV } from '../support/test-app.js';

const body = (i: number) => JSON.stringify({
  household: [{ memberId: 'm1', role: 'applicant', name: `Person ${i}`, personnummer: '19811218-9876', birthDate: '1981-12-18' }],
  unit: 'enhet-nord',
  caseworker: 'hl-anna',
  payee: { kind: 'client_account', name: `Person ${i}`, account: '8327-9 123 456 789-0' },
  protectedIdentity: false,
});

describe('the service as a process', () => {
  it('stops with one clear line and exit code 1 on a wrong configuration value', async () => {
    const s = startService({ EVENT_STORE: 'postgres', PORT: '0' });
    expect(await s.exited).toBe(1);
    expect(s.output().trim()).toBe('bistand: configuration error: EVENT_STORE must be "sqlite" or "kurrentdb", got "postgres"');
  });

  it('on SIGTERM under load: stops taking requests, finishes the appends in flight, closes the store, exits 0 — and every acknowledged command is in the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bistand-sigterm-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const sqlite = join(dir, 'events.sqlite');
    const s = startService({ PORT: String(port), SQLITE_PATH: sqlite, ...TEST_AUTH_ENV });
    await waitForHealth(port);
    const acknowledged: string[] = [];
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await fetch(`http://127.0.0.1:${port}/cases`, { method: 'POST', headers: { 'content-type': 'application/json', ...as('hl-anna') }, body: body(w * 1000 + i) });
          if (r.status === 201) acknowledged.push(((await r.json()) as { caseId: string }).caseId);
        } catch {
          return; // connection refused or reset once the server stops listening
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, w) => worker(w));
    await new Promise((r) => setTimeout(r, 700));
    s.child.kill('SIGTERM');
    const code = await s.exited;
    stop = true;
    await Promise.all(workers);
    expect(code).toBe(0);
    expect(acknowledged.length).toBeGreaterThan(0);
    const db = new Database(sqlite, { readonly: true });
    const streams = new Set((db.prepare("SELECT stream FROM events WHERE type = 'CaseOpened'").all() as Array<{ stream: string }>).map((r) => r.stream));
    db.close();
    const missing = acknowledged.filter((id) => !streams.has(`case-${id}`));
    expect(missing).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});
