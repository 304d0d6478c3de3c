/**
 * Crash harness: the real service as a child process under concurrent command load, killed with
 * SIGKILL at random moments and started again on the same files, then checked: every command that
 * was answered 2xx is in the log, no command is half there or there twice, every chain verifies,
 * and the read models equal a rebuild from the log. Used by test/reliability/crash.e2e.spec.ts
 * (20 kills) and `npm run bench -- crash` (100 kills).
 */
import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { verifyAll } from '../../src/cli/verify.js';
import { registerUpcasters } from '../../src/event-store/upcaster-registrations.js';
import { UpcasterRegistry } from '../../src/event-store/upcasters.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { loadZstd } from '../../src/event-store/sqlite/zstd.js';
import { openReadDb } from '../../src/platform/read-db.js';
import { ALL_PROJECTIONS } from '../../src/read-models/all-projections.js';
import { ProjectionRunner } from '../../src/read-models/projection-runner.js';
import { lastDayOf } from '../../src/shared/date-math.js';
import { monthOf } from '../../src/shared/dates.js';
import { stockholmDay } from '../../src/shared/clock.js';
import { freePort, killHard, startService, stopService, waitForHealth, type ServiceProcess } from './service-process.js';
import { applicationBody, decisionBody, openCaseBody } from './http-client.js';
import { as, TEST_AUTH_ENV } from './test-app.js';
import { Prng } from '../../src/demo/prng.js';

export interface CrashRunOptions {
  /** SIGKILLs to deliver. */
  readonly kills: number;
  /** Concurrent clients, each taking households through their month. */
  readonly workers?: number;
  /** How long the service runs under load before a kill: uniform in [min, max] ms after it answers /health. */
  readonly upMs?: readonly [number, number];
  /** Share of kills delivered while the service is still starting (before /health answers). */
  readonly startupKillShare?: number;
  /** Data directory (emptied first). */
  readonly dir: string;
  readonly seed?: number;
  readonly log?: (line: string) => void;
}

export interface CrashRunResult {
  readonly seed: number;
  readonly kills: number;
  readonly killsDuringStartup: number;
  readonly starts: number;
  readonly households: number;
  readonly commands: number;
  readonly requests: number;
  readonly acknowledged: number;
  /** Requests whose answer never came (connection lost in a kill): retried with the same key. */
  readonly unanswered: number;
  /** Retries answered from the log or the answer cache (the first attempt had been written). */
  readonly replayed: number;
  /** Answers that were neither 2xx nor a lost connection (must be 0). */
  readonly unexpected: readonly string[];
  readonly events: number;
  readonly streams: number;
  /** Acknowledged commands not in the log (must be 0). */
  readonly lost: readonly string[];
  /** Commands whose events are not all there, or there twice (must be 0). */
  readonly partial: readonly string[];
  /** Months paid more than once (must be 0). */
  readonly paidTwice: readonly string[];
  readonly brokenChains: readonly string[];
  readonly fileProblems: readonly string[];
  /** Projections whose live tables differ from a rebuild (must be empty). */
  readonly readModelMismatches: readonly string[];
  /** /health after a restart said something other than: file ok, every chain verified, nothing refused. */
  readonly integrityReports: readonly string[];
  readonly restartMs: { readonly p50: number; readonly max: number };
  readonly seconds: number;
}

interface Step {
  readonly name: string;
  readonly path: () => string;
  readonly headers: Record<string, string>;
  readonly body: () => unknown;
  readonly after?: (body: Record<string, unknown>) => void;
}

interface Ack {
  readonly key: string;
  readonly stream: string;
  readonly events: ReadonlyArray<{ id: string; version: number; position: number }>;
}

/** Seeded, so a failure is reproducible: the demo kommun's PRNG. */
function prng(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.float();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runCrashes(options: CrashRunOptions): Promise<CrashRunResult> {
  const started = Date.now();
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = prng(seed);
  const log = options.log ?? (() => undefined);
  const workers = options.workers ?? 12;
  const [minUp, maxUp] = options.upMs ?? [300, 1500];
  const startupShare = options.startupKillShare ?? 0.1;
  rmSync(options.dir, { recursive: true, force: true });
  mkdirSync(options.dir, { recursive: true });
  const paths = { SQLITE_PATH: join(options.dir, 'events.sqlite'), READ_MODEL_PATH: join(options.dir, 'read.sqlite'), ACCESS_LOG_PATH: join(options.dir, 'access-log.sqlite') };

  // ——— the service, and a way for clients to wait until it is up ———
  let service: ServiceProcess | null = null;
  let base = '';
  let upGate: Promise<void> = new Promise(() => undefined);
  let openGate: () => void = () => undefined;
  const closeGate = () => {
    upGate = new Promise<void>((r) => (openGate = r));
  };
  closeGate();
  const restartMs: number[] = [];
  const integrityReports: string[] = [];
  let starts = 0;

  async function start(): Promise<void> {
    const port = await freePort();
    service = startService({ PORT: String(port), ...paths, ...TEST_AUTH_ENV });
    starts += 1;
  }

  async function startAndWait(): Promise<void> {
    const t0 = Date.now();
    for (let attempt = 1; ; attempt++) {
      await start();
      try {
        await waitForHealth(service!.port, 120_000, service!);
        break;
      } catch (error) {
        // The free port was taken by someone else between the look and the listen: another one.
        if (attempt < 5 && service!.child.exitCode !== null && /EADDRINUSE/.test(service!.output())) continue;
        throw error;
      }
    }
    restartMs.push(Date.now() - t0);
    // The service's own verification at start: the file and every chain, nothing refused.
    const health = (await (await fetch(`${service!.url}/health`)).json()) as { integrity: { file: string; chains: { state: string }; brokenCount: number } };
    const i = health.integrity;
    if (i.file !== 'ok' || i.chains.state !== 'done' || i.brokenCount !== 0) integrityReports.push(`start ${starts}: ${JSON.stringify(i)}`);
    base = service!.url;
    openGate();
  }

  // ——— the load ———
  // The service runs on the real clock: the current month's application window is always open.
  const today = stockholmDay(new Date());
  const month = monthOf(today);
  const hl = as('hl-anna');
  const attestant = as('att-stina', 'attestant');
  const bank = as('bank-integration', 'system');
  const acks: Ack[] = [];
  const unexpected: string[] = [];
  let requests = 0;
  let unanswered = 0;
  let replayed = 0;
  let households = 0;
  let commands = 0;
  let stopLoad = false;

  function householdSteps(id: string): Step[] {
    const state: { caseId?: string; total?: number; decisionId?: string; paymentId?: string } = {};
    const c = () => `/cases/${state.caseId}`;
    return [
      // A retried open (same key) lands on the same case: the service derives the id from the key.
      { name: 'open', path: () => '/cases', headers: hl, body: () => openCaseBody(`Hushåll ${id}`), after: (b) => (state.caseId = b.caseId as string) },
      { name: 'apply', path: () => `${c()}/applications`, headers: hl, body: () => applicationBody(month) },
      { name: 'calculate', path: () => `${c()}/calculations`, headers: hl, body: () => ({ month }), after: (b) => (state.total = (b.calculation as { totals: { total: number } }).totals.total) },
      { name: 'decide', path: () => `${c()}/decisions`, headers: hl, body: () => decisionBody(month, state.total!, lastDayOf(month)), after: (b) => (state.decisionId = b.decisionId as string) },
      { name: 'communicate', path: () => `${c()}/decisions/${state.decisionId}/communications`, headers: hl, body: () => ({ learnedOn: today, channel: 'e_tjanst' }) },
      { name: 'schedule', path: () => `${c()}/payments`, headers: hl, body: () => ({ decisionId: state.decisionId }), after: (b) => (state.paymentId = b.paymentId as string) },
      { name: 'attest', path: () => `${c()}/payments/${state.paymentId}/attestations`, headers: attestant, body: () => ({ comment: 'Kontrollerad' }) },
      { name: 'disburse', path: () => `${c()}/payments/${state.paymentId}/disbursements`, headers: bank, body: () => ({ bankReference: `BG-${id}` }) },
    ];
  }

  /** One command until it is answered: a lost answer is retried with the same key once the service is back. */
  async function command(id: string, step: Step): Promise<boolean> {
    const key = `${id}-${step.name}`;
    const body = JSON.stringify(step.body());
    commands += 1;
    for (let attempt = 1; ; attempt++) {
      await upGate;
      requests += 1;
      let res: Response;
      let text: string;
      try {
        res = await fetch(`${base}${step.path()}`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key, ...step.headers }, body });
        text = await res.text();
      } catch {
        unanswered += 1;
        await sleep(20);
        continue;
      }
      if (res.status === 503) {
        // The server closing (a graceful stop) answers 503: not an answer about the command.
        await sleep(20);
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        unexpected.push(`${key} attempt ${attempt}: HTTP ${res.status} ${text.slice(0, 300)}`);
        return false;
      }
      const parsed = JSON.parse(text) as Record<string, unknown> & { caseId: string; events: Array<{ id: string; version: number; position: number }> };
      if (attempt > 1 && res.headers.get('idempotent-replayed') === 'true') replayed += 1;
      acks.push({ key, stream: `case-${parsed.caseId}`, events: parsed.events.map((e) => ({ id: e.id, version: e.version, position: e.position })) });
      step.after?.(parsed);
      return true;
    }
  }

  async function worker(w: number): Promise<void> {
    for (let n = 0; !stopLoad; n++) {
      const id = `s${seed}-w${w}-h${n}`;
      households += 1;
      for (const step of householdSteps(id)) {
        if (!(await command(id, step))) break;
      }
    }
  }

  // ——— run: start, load, kill, restart ———
  let killsDuringStartup = 0;
  await startAndWait();
  const load = Array.from({ length: workers }, (_, w) => worker(w));
  let kills = 0;
  while (kills < options.kills) {
    // Under load, a random while after it answers.
    await sleep(minUp + random() * (maxUp - minUp));
    closeGate();
    await killHard(service!);
    kills += 1;
    log(`kill ${kills}/${options.kills} under load: ${acks.length} commands acknowledged so far`);
    // Sometimes again while it starts: opening the file, the start's verification, the projections' catch-up.
    while (kills < options.kills && random() < startupShare) {
      await start();
      await sleep(random() * 1500);
      await killHard(service!);
      kills += 1;
      killsDuringStartup += 1;
      log(`kill ${kills}/${options.kills} while starting`);
    }
    await startAndWait();
  }
  // Let every client finish the command it is on, then stop the service cleanly.
  await sleep(minUp);
  stopLoad = true;
  await Promise.all(load);
  await waitForCatchUp(base);
  await stopService(service!);

  // ——— the checks, on the files ———
  const db = new Database(paths.SQLITE_PATH, { readonly: true });
  loadZstd(db);
  const rows = db.prepare('SELECT position, stream, version, id, type, zstd_text(data) AS data, zstd_text(metadata) AS metadata FROM events ORDER BY position').all() as Array<{ position: number; stream: string; version: number; id: string; type: string; data: string; metadata: string }>;
  const streamCount = (db.prepare('SELECT COUNT(*) AS n FROM streams').get() as { n: number }).n;
  db.close();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const lost: string[] = [];
  for (const a of acks) {
    for (const e of a.events) {
      const row = byId.get(e.id);
      if (!row || row.stream !== a.stream || row.version !== e.version || row.position !== e.position) lost.push(`${a.key}: event ${e.id} (version ${e.version}, position ${e.position}) ${row ? `stored as ${row.stream} v${row.version} p${row.position}` : 'not in the log'}`);
    }
  }
  // Positions dense, and each command's events (one key) side by side, once.
  const partial: string[] = [];
  rows.forEach((r, i) => {
    if (r.position !== i + 1) partial.push(`position ${r.position} at row ${i + 1} (a hole in the log)`);
  });
  const batches = new Map<string, Array<{ version: number; id: string }>>();
  for (const r of rows) {
    const key = (JSON.parse(r.metadata) as { idempotencyKey: string | null }).idempotencyKey;
    if (!key) continue;
    const k = `${r.stream} ${key}`;
    if (!batches.has(k)) batches.set(k, []);
    batches.get(k)!.push({ version: r.version, id: r.id });
  }
  const ackedBy = new Map(acks.map((a) => [`${a.stream} ${a.key}`, a]));
  for (const [k, events] of batches) {
    const contiguous = events.every((e, i) => i === 0 || e.version === events[i - 1]!.version + 1);
    const ack = ackedBy.get(k);
    if (!contiguous) partial.push(`${k}: versions ${events.map((e) => e.version).join(',')} are not one batch`);
    if (ack && ack.events.length !== events.length) partial.push(`${k}: ${events.length} events in the log, ${ack.events.length} acknowledged`);
    if (!ack) partial.push(`${k}: in the log but never acknowledged (every command was retried until answered)`);
  }
  const paid = new Map<string, number>();
  for (const r of rows.filter((r) => r.type === 'PaymentDisbursed')) paid.set(r.stream, (paid.get(r.stream) ?? 0) + 1);
  const paidTwice = [...paid].filter(([, n]) => n > 1).map(([s, n]) => `${s}: ${n} disbursements`);

  // Every chain, with the file check: what `npm run cli -- verify` runs.
  const store = new SqliteEventStore(paths.SQLITE_PATH, registerUpcasters(new UpcasterRegistry()));
  const verified = await verifyAll(store);
  // The read models kept live through every kill, against a rebuild from the log into a fresh file.
  const rebuiltPath = join(options.dir, 'rebuilt.sqlite');
  rmSync(rebuiltPath, { force: true });
  const rebuiltDb = openReadDb(rebuiltPath);
  await new ProjectionRunner(store, rebuiltDb, ALL_PROJECTIONS).rebuild();
  const liveDb = new Database(paths.READ_MODEL_PATH, { readonly: true });
  const readModelMismatches = ALL_PROJECTIONS.filter((p) => p.dump && JSON.stringify(p.dump(liveDb)) !== JSON.stringify(p.dump(rebuiltDb))).map((p) => p.name);
  liveDb.close();
  rebuiltDb.close();
  await store.close();

  const sorted = [...restartMs].sort((a, b) => a - b);
  return {
    seed,
    kills: options.kills,
    killsDuringStartup,
    starts,
    households,
    commands,
    requests,
    acknowledged: acks.length,
    unanswered,
    replayed,
    unexpected,
    events: rows.length,
    streams: streamCount,
    lost,
    partial,
    paidTwice,
    brokenChains: verified.allBroken.map((b) => `${b.stream} v${b.firstBroken?.version}: ${b.firstBroken?.reason}`),
    fileProblems: verified.fileProblems,
    readModelMismatches,
    integrityReports,
    restartMs: { p50: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 },
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

/** Until every projection's checkpoint has reached the end of the log. */
async function waitForCatchUp(base: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const h = (await (await fetch(`${base}/health`)).json()) as { projections: Array<{ lag: number }> };
    if (h.projections.every((p) => p.lag === 0)) return;
    if (Date.now() > until) throw new Error(`projections did not catch up: ${JSON.stringify(h.projections)}`);
    await sleep(50);
  }
}
