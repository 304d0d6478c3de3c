import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, truncateSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { loadZstd } from '../../src/event-store/sqlite/zstd.js';
import { stockholmDay } from '../../src/shared/clock.js';
import { monthOf } from '../../src/shared/dates.js';
import { UpcasterRegistry } from '../../src/event-store/upcasters.js';
import { applicationBody, HttpClient, openCaseBody } from '../support/http-client.js';
import { freePort, ROOT, startService, stopService, waitForHealth, type ServiceProcess } from '../support/service-process.js';
import { as, TEST_AUTH_ENV } from '../support/test-app.js';

/**
 * A tampered event or a damaged file is found — by `npm run cli -- verify` and by the service at
 * start — with a clear message, and the service refuses to serve what it cannot vouch for: the
 * tampered case answers 503 chain_broken to everyone but the auditor's own routes, the rest of the
 * kommun is served; a file that is cut short, no database or damaged stops the start with one line.
 */
const hl = as('hl-anna');
/** The service runs on the real clock: the current month's application window is always open. */
const MONTH = monthOf(stockholmDay(new Date()));
const env = (dir: string) => ({ SQLITE_PATH: join(dir, 'events.sqlite'), READ_MODEL_PATH: join(dir, 'read.sqlite'), ACCESS_LOG_PATH: join(dir, 'access-log.sqlite'), ...TEST_AUTH_ENV });

/** `npm run cli -- <args>` on a data directory: exit code and what it wrote. */
function cli(dir: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', './scripts/register-ts.mjs', 'src/cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env(dir) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function serve(dir: string, extra: Record<string, string> = {}): Promise<{ service: ServiceProcess; api: HttpClient }> {
  const port = await freePort();
  const service = startService({ PORT: String(port), ...env(dir), ...extra });
  await waitForHealth(port, 60_000, service);
  return { service, api: new HttpClient(service.url) };
}

/** Only the lines on stderr (the service logs JSON to stdout). */
async function refusedStart(dir: string): Promise<string[]> {
  const port = await freePort();
  let stderr = '';
  const child = spawn(process.execPath, ['--import', './scripts/register-ts.mjs', 'src/main.ts'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', PORT: String(port), ...env(dir) }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.on('data', (d) => (stderr += d));
  // Should it start after all, it must not outlive the test.
  const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearTimeout(timer);
  expect(code).toBe(1);
  return stderr.trim().split('\n');
}

describe('corruption: found, named, and refused', () => {
  let dir: string;
  let anna: string;
  let bo: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bistand-corrupt-'));
    const { service, api } = await serve(dir);
    try {
      anna = (await api.must<{ caseId: string }>('/cases', hl, openCaseBody('Anna Andersson'))).caseId;
      await api.must(`/cases/${anna}/applications`, hl, applicationBody(MONTH));
      bo = (await api.must<{ caseId: string }>('/cases', hl, { ...openCaseBody('Bo Berg'), household: [{ memberId: 'm1', role: 'applicant', name: 'Bo Berg', personnummer: '19800314-2380', birthDate: '1980-03-14' }] })).caseId;
      await api.must(`/cases/${bo}/applications`, hl, applicationBody(MONTH));
    } finally {
      expect(await stopService(service)).toBe(0);
    }
    // Someone changes the claimed rent in Anna's application, straight in the file.
    const db = new Database(join(dir, 'events.sqlite'));
    loadZstd(db);
    const changed = db.prepare("UPDATE events SET data = replace(zstd_text(data), '650000', '950000') WHERE stream = ? AND version = 2").run(`case-${anna}`);
    db.close();
    expect(changed.changes).toBe(1);
  }, 120_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('`npm run cli -- verify` exits 1 naming the stream, the version and the reason', async () => {
    const r = await cli(dir, 'verify');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`verify: BROKEN chain in case-${anna} at version 2`);
    expect(r.stderr).toMatch(/content changed: stored hash [0-9a-f]{12}… but content hashes to [0-9a-f]{12}…/);
    expect(r.stderr).toContain('verify: 1 of 2 streams broken');
    expect(r.stderr).not.toContain(bo);
  }, 60_000);

  it('the service reports it at start, refuses that case to all but the auditor, and serves the others', async () => {
    const { service, api } = await serve(dir);
    try {
      const health = await api.get<{ status: string; integrity: { file: string; chains: { state: string }; brokenCount: number; brokenStreams: Array<{ stream: string; version: number; reason: string }> } }>('/health');
      expect(health.status).toBe(200);
      expect(health.body.status).toBe('degraded');
      expect(health.body.integrity).toMatchObject({ file: 'ok', chains: { state: 'done' }, brokenCount: 1, brokenStreams: [{ stream: `case-${anna}`, version: 2, reason: expect.stringMatching(/^content changed/) }] });
      expect(service.output()).toContain(`chain BROKEN in case-${anna} at version 2`);
      const lastPosition = ((await api.get<{ store: { lastPosition: number } }>('/health')).body.store.lastPosition);

      const read = await api.get<{ code: string; message: string; details: { version: number } }>(`/cases/${anna}`, hl);
      expect(read.status).toBe(503);
      expect(read.body).toMatchObject({ code: 'chain_broken', details: { version: 2 } });
      expect(read.body.message).toMatch(/^Ärendets händelselogg kan inte styrkas: hashkedjan är bruten vid version 2\./);
      const command = await api.post<{ code: string }>(`/cases/${anna}/applications/${MONTH}/withdrawal`, hl, { reason: 'Har fått arbete' });
      expect([command.status, command.body.code]).toEqual([503, 'chain_broken']);
      expect((await api.get(`/cases/${anna}/timeline`, hl)).status).toBe(503);
      expect((await api.get(`/portal/cases/${anna}`, as('198112189876', 'klient'))).status).toBe(503);
      // The auditor still reads the timeline, which says where the chain breaks.
      const audit = await api.get<{ chain: { ok: boolean; firstBroken: { version: number } }; entries: Array<{ type: string }> }>(`/cases/${anna}/timeline`, as('rev-rut', 'revisor'));
      expect(audit.status).toBe(200);
      expect(audit.body.chain).toMatchObject({ ok: false, events: 2, check: 'verified_read', firstBroken: { version: 2 } });
      // Only what the chain still vouches for: the changed application is not shown.
      expect(audit.body.entries.map((e) => e.type)).toEqual(['CaseOpened']);
      // Nothing was written for the refused case; the rest of the kommun is served as usual.
      expect((await api.get<{ store: { lastPosition: number } }>('/health')).body.store.lastPosition).toBe(lastPosition);
      expect((await api.get(`/cases/${bo}`, hl)).status).toBe(200);
      await api.must(`/cases/${bo}/calculations`, hl, { month: MONTH });
    } finally {
      await stopService(service);
    }
  }, 60_000);

  it('a file cut short: the start refuses with one line, and verify says so', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'bistand-cut-'));
    try {
      copyFileSync(join(dir, 'events.sqlite'), join(copy, 'events.sqlite'));
      truncateSync(join(copy, 'events.sqlite'), Math.floor(statSync(join(copy, 'events.sqlite')).size / 2 / 4096) * 4096);
      const lines = await refusedStart(copy);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^bistand: could not start: the event store file .*events\.sqlite is damaged: it is \d+ bytes but its header says \d+ pages of \d+ bytes \(\d+ bytes\): the file was cut short\. Restore it from a backup/);
      const v = await cli(copy, 'verify');
      expect(v.code).toBe(1);
      expect(v.stderr).toMatch(/the file was cut short/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 60_000);

  it('a file that is no SQLite database (its first page overwritten): the start refuses with one line', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'bistand-garbage-'));
    try {
      copyFileSync(join(dir, 'events.sqlite'), join(copy, 'events.sqlite'));
      const fd = openSync(join(copy, 'events.sqlite'), 'r+');
      writeSync(fd, Buffer.alloc(100, 0x41), 0, 100, 0);
      closeSync(fd);
      const lines = await refusedStart(copy);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^bistand: could not start: the event store file .* is damaged: it does not begin with the SQLite header: not a SQLite database, or its first page is damaged\./);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 60_000);

  describe('a damaged page inside the events table (not seen by the checks at open)', () => {
    let damaged: string;

    beforeAll(async () => {
      damaged = mkdtempSync(join(tmpdir(), 'bistand-page-'));
      mkdirSync(damaged, { recursive: true });
      const path = join(damaged, 'events.sqlite');
      const store = new SqliteEventStore(path, new UpcasterRegistry());
      for (let i = 0; i < 40; i++) {
        const events = Array.from({ length: 20 }, () => ({ id: randomUUID(), type: 'Filler', schemaVersion: 1, data: { text: 'x'.repeat(300) }, metadata: { actor: 'x', role: 'system', correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: '2026-11-23T10:00:00.000Z' } }));
        await store.append(`filler-${i}`, events, { expectedVersion: 'no_stream' });
      }
      await store.close();
      // The read models catch up once on the sound file, as a service running for a while has.
      const { service } = await serve(damaged);
      await stopService(service);
      const db = new Database(path, { readonly: true });
      const leaves = (db.prepare("SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf' ORDER BY pageno").all() as Array<{ pageno: number }>).map((r) => r.pageno);
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.close();
      const fd = openSync(path, 'r+');
      writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (leaves[Math.floor(leaves.length / 2)]! - 1) * pageSize);
      closeSync(fd);
    });

    afterAll(() => {
      rmSync(damaged, { recursive: true, force: true });
    });

    it('the start waits for the file check and refuses with one line; verify exits 1', async () => {
      const lines = await refusedStart(damaged);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^bistand: could not start: the event store file .* is damaged: SQLite quick_check: /);
      const v = await cli(damaged, 'verify');
      expect(v.code).toBe(1);
      expect(v.stderr).toMatch(/verify: DAMAGED database file/);
    }, 60_000);

    it('found after the start (not waited for): /health turns 503 and nothing is served', async () => {
      const port = await freePort();
      const service = startService({ PORT: String(port), ...env(damaged), VERIFY_WAIT_AT_START_MS: '0' });
      const api = new HttpClient(service.url);
      try {
        // It listens at once (the read models are caught up), then /health turns 503 when the
        // background check finds the page. Should the check win the race with the start, the
        // start stops with the one line instead: refused either way.
        let health: Awaited<ReturnType<typeof api.get<{ status: string; message?: string }>>> | null = null;
        for (let i = 0; i < 600 && health?.status !== 503 && service.child.exitCode === null; i++) {
          health = await api.get<{ status: string; message?: string }>('/health').catch(() => null);
          await new Promise((r) => setTimeout(r, 50));
        }
        if (service.child.exitCode !== null) {
          process.stdout.write('corruption: the background check found the page before the start finished (refused at start)\n');
          expect(service.child.exitCode).toBe(1);
          expect(service.output()).toMatch(/bistand: could not start: the event store file .* is damaged: SQLite quick_check: /);
          return;
        }
        expect(health?.status).toBe(503);
        expect(health?.body.status).toBe('damaged');
        expect(health?.body.message).toMatch(/^Händelseloggens databasfil är skadad/);
        const opened = await api.post<{ code: string; message: string }>('/cases', hl, openCaseBody('Cilla Carlsson'));
        expect(opened.status).toBe(503);
        expect(opened.body.code).toBe('store_damaged');
        expect(opened.body.message).toMatch(/^Databasfilen är skadad/);
      } finally {
        await stopService(service);
      }
    }, 60_000);
  });
});
