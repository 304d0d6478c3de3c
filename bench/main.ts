/**
 * Benchmarks at national scale: `npm run bench [-- --households N | --quick] [--json out.json]`.
 * Never part of the test suite. Phases, in order, on one SQLite log in --dir:
 *   generate  the demo kommun through the real deciders (src/demo)
 *   fsync     the machine's limit: one durable SQLite transaction at a time
 *   commands  64 concurrent callers through the command path, group commit
 *   emmett    the same household months on Emmett's SQLite store, one call at a time
 *   rebuild   every read model from the log, in a child process (peak RSS)
 *   queries   the payment queue for the target date over all households; a 5-year timeline, read
 *             from its stream through the store
 *   http      autocannon against the real service (child process on 127.0.0.1)
 */
import 'reflect-metadata';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateKommun, type KommunSummary } from '../src/demo/kommun-generator.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { PaymentQueueQuery } from '../src/read-models/payment-queue/payment-queue.query.js';
import { calendarFor } from '../src/shared/calendar/payment-calendar.js';
import { cannon, startService, type HttpResult } from './http.js';
import { commandLoad, emmettLoad, rawFsync, type LoadResult } from './loads.js';
import { median, summarize, timeCalls } from './stats.js';

// `npm run bench -- crash [--kills N]`: the crash bench (bench/crash.ts) instead of the scale phases.
if (process.argv[2] === 'crash') process.exit(await (await import('./crash.js')).runCrashBench(process.argv.slice(3)));
// `npm run bench -- queue-scale [--cases N]`: the payment queue's query over N cases (bench/queue-scale.ts).
if (process.argv[2] === 'queue-scale') process.exit(await (await import('./queue-scale.js')).runQueueScaleBench(process.argv.slice(3)));
// `npm run bench -- commands [--seconds N] [--runs R] [--log PATH]`: fsync + command pairs only (bench/commands.ts).
if (process.argv[2] === 'commands') process.exit(await (await import('./commands.js')).runCommandsBench(process.argv.slice(3)));

const { values } = parseArgs({
  options: {
    households: { type: 'string' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
    dir: { type: 'string' },
    today: { type: 'string' },
    seed: { type: 'string' },
    runs: { type: 'string' },
    'skip-http': { type: 'boolean' },
    'generate-only': { type: 'boolean' },
    'log-from': { type: 'string' },
  },
});

const quick = values.quick === true;
const households = Number(values.households ?? (quick ? 2_000 : 150_000));
// A day inside the application window of a month late enough that the one-in-a-thousand household
// can have 5 years of history within the rule data (riksnorm and payment calendar start in 2025).
const today = values.today ?? '2030-01-21';
const seed = Number(values.seed ?? 1);
const runs = Number(values.runs ?? 3);
const dir = resolve(values.dir ?? 'data/bench');
const secs = quick ? { fsync: 2, commands: 5, emmett: 3, http: 5 } : { fsync: 3, commands: 10, emmett: 5, http: 10 };

const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const bytesOf = (path: string) => ['', '-wal'].reduce((s, suffix) => s + (safeSize(`${path}${suffix}`) ?? 0), 0);
function safeSize(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  if (!Number.isSafeInteger(households) || households < 1) throw new Error(`--households must be a whole number ≥ 1, got ${values.households}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const eventsPath = join(dir, 'events.sqlite');
  const readPath = join(dir, 'read.sqlite');
  const machine = { loadAverageAtStart: loadavg().map((l) => round(l, 1)), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: round(totalmem() / 2 ** 30, 1), platform: `${process.platform} ${process.arch}` };
  log(`bench: ${households} households, today ${today}, seed ${seed}, ${runs} runs of the cheap measures; ${machine.cpus} cores, Node ${machine.node}; in ${dir}`);

  // ——— generate (or copy a log generated earlier: the full size takes a while to tell) ———
  let generated: KommunSummary;
  let storeBytesAfterGenerate: number;
  let reusedFrom: string | null = null;
  if (values['log-from']) {
    // A pristine log made by `--generate-only` with the same --households/--today/--seed, copied
    // so that this run's command load does not change it for the next run.
    const from = resolve(values['log-from']);
    const saved = JSON.parse(readFileSync(`${from}.summary.json`, 'utf8')) as { generated: KommunSummary; storeBytes: number; options: { households: number; today: string; seed: number } };
    if (saved.options.households !== households || saved.options.today !== today || saved.options.seed !== seed) {
      throw new Error(`--log-from ${from} was generated with ${JSON.stringify(saved.options)}, not households ${households}, today ${today}, seed ${seed}`);
    }
    log(`generate: copying the log generated earlier from ${from} (${(saved.storeBytes / 2 ** 30).toFixed(1)} GB)`);
    copyFileSync(from, eventsPath);
    ({ generated, storeBytes: storeBytesAfterGenerate } = saved);
    reusedFrom = from;
  } else {
    const store = new SqliteEventStore(eventsPath);
    let lastLog = 0;
    generated = await generateKommun(store, { households, today, seed, workers: 1 }, (p) => {
      if (Date.now() - lastLog < 5000 && p.households < p.of) return;
      lastLog = Date.now();
      log(`  generate: ${p.households}/${p.of} households, ${p.events} events, ${Math.round(p.events / p.seconds)} events/s`);
    });
    await store.close();
    storeBytesAfterGenerate = bytesOf(eventsPath);
    writeFileSync(`${eventsPath}.summary.json`, `${JSON.stringify({ generated, storeBytes: storeBytesAfterGenerate, options: { households, today, seed }, at: new Date().toISOString(), machine })}\n`);
  }
  log(`generate: ${generated.events} events in ${generated.seconds.toFixed(1)} s (${generated.eventsPerSec}/s), ${(storeBytesAfterGenerate / 2 ** 20).toFixed(0)} MB`);
  if (values['generate-only']) return;

  // ——— rebuild in a child process ———
  const rebuildRuns: Array<{ events: number; seconds: number; eventsPerSec: number; peakRssMb: number }> = [];
  for (let i = 0; i < (quick ? runs : 1); i++) {
    const out = execFileSync(process.execPath, ['--import', './scripts/register-ts.mjs', 'bench/rebuild-child.ts', eventsPath, readPath], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    rebuildRuns.push(r);
    log(`rebuild: ${r.events} events in ${r.seconds.toFixed(1)} s (${Math.round(r.eventsPerSec)}/s), peak RSS ${Math.round(r.peakRssMb)} MB`);
  }
  const rebuildEventsPerSec = median(rebuildRuns.map((r) => r.eventsPerSec));
  const rebuildPeakRssMb = Math.max(...rebuildRuns.map((r) => r.peakRssMb));

  // ——— queries on the rebuilt read models ———
  const db = new Database(readPath, { readonly: true });
  const calendar = calendarFor('demo', generated.paymentDate)!;
  const query = new PaymentQueueQuery(db);
  const queueAnswer = query.run(calendar, generated.paymentDate, generated.month, today, { limit: 100 });
  const queueRuns = Array.from({ length: runs }, () => summarize(timeCalls(quick ? 100 : 30, 3, () => query.run(calendar, generated.paymentDate, generated.month, today, { limit: 100 }))));
  const queueP99Ms = median(queueRuns.map((r) => r.p99Ms));
  const queueP50Ms = median(queueRuns.map((r) => r.p50Ms));
  log(`queue ${generated.paymentDate}: ${queueAnswer.total} cases, p50 ${queueP50Ms.toFixed(1)} ms, p99 ${queueP99Ms.toFixed(1)} ms; ${JSON.stringify(queueAnswer.counts)}`);
  // What a caseworker asks for: one unit's queue (the index on unit does the narrowing).
  const unitFilter = { limit: 100, unit: generated.units[0]! };
  const unitQueue = query.run(calendar, generated.paymentDate, generated.month, today, unitFilter);
  const unitRuns = Array.from({ length: runs }, () => summarize(timeCalls(quick ? 100 : 50, 3, () => query.run(calendar, generated.paymentDate, generated.month, today, unitFilter))));
  const queueUnitP99Ms = median(unitRuns.map((r) => r.p99Ms));
  log(`queue of ${unitFilter.unit}: ${unitQueue.total} cases, p99 ${queueUnitP99Ms.toFixed(1)} ms`);

  db.close();

  // ——— timeline: read from the case's stream through the SQLite store, as the route does ———
  // In a child process (bench/timeline-log.ts), as a service process would read it, not in this
  // one whose heap still holds the earlier phases. The verified read (a warm process: the stream's
  // chain was verified once, as the service's background pass or the access guard does) and the
  // rendering; with `verify=full`, every link hashed again besides. The first read, in a fresh
  // process, hashes every link: `coldMs`. `timelineP99Ms` is a case not rendered before (the
  // rendered-timeline cache emptied before each read), each read on a turn of the event loop of its
  // own as a request is; `backToBackP99Ms` the same reads one right after another in one turn (the
  // young generation's collections then fall inside reads); `cachedP99Ms` the same case read again
  // unchanged (one head lookup, nothing rendered).
  const longest = [...generated.longHistory].sort((a, b) => b.events - a.events)[0];
  let timeline: { caseId: string; months: number; entries: number; coldMs: number; p50Ms: number; p99Ms: number; p99PerRun: number[]; backToBackP50Ms: number; backToBackP99Ms: number; withJsonP99Ms: number; cachedP99Ms: number; withChainCheckP50Ms: number } | null = null;
  let timelineWithChainP99Ms: number | null = null;
  if (longest) {
    const out = execFileSync(process.execPath, ['--import', './scripts/register-ts.mjs', 'bench/timeline-log.ts', eventsPath, '--case', longest.caseId, '--runs', String(runs), '--json'], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { entries: number; coldMs: number; firstRendering: { p50Ms: number; p99Ms: number; p99PerRun: number[] }; backToBack: { p50Ms: number; p99Ms: number }; withJson: { p99Ms: number }; cached: { p99Ms: number }; full: { p50Ms: number; p99Ms: number } };
    timeline = {
      caseId: longest.caseId,
      months: longest.months,
      entries: r.entries,
      coldMs: round(r.coldMs, 2),
      p50Ms: r.firstRendering.p50Ms,
      p99Ms: r.firstRendering.p99Ms,
      p99PerRun: r.firstRendering.p99PerRun.map((x) => round(x, 2)),
      backToBackP50Ms: round(r.backToBack.p50Ms, 2),
      backToBackP99Ms: round(r.backToBack.p99Ms, 2),
      withJsonP99Ms: round(r.withJson.p99Ms, 2),
      cachedP99Ms: round(r.cached.p99Ms, 3),
      withChainCheckP50Ms: round(r.full.p50Ms, 2),
    };
    timelineWithChainP99Ms = r.full.p99Ms;
    log(`timeline: ${timeline.entries} entries (${longest.months} months) from the stream, p50 ${timeline.p50Ms.toFixed(2)} ms, p99 ${timeline.p99Ms.toFixed(2)} ms (runs ${timeline.p99PerRun.join(' / ')}; back to back p50 ${timeline.backToBackP50Ms.toFixed(2)}, p99 ${timeline.backToBackP99Ms.toFixed(2)} ms; first read ${timeline.coldMs.toFixed(1)} ms; read again unchanged p99 ${timeline.cachedP99Ms.toFixed(2)} ms); verify=full p50 ${timeline.withChainCheckP50Ms.toFixed(2)} ms, p99 ${timelineWithChainP99Ms.toFixed(2)} ms`);
  } else {
    log('timeline: no long-history household at this size (one in a thousand)');
  }

  // ——— fsync limit, command path, Emmett ———
  // This VM's fsync speed swings widely with what else the host writes, so each command run is
  // paired with a raw-fsync run right before it, and the ratio is taken per pair.
  // The commands run on the generated log (its indexes at full size), after the rebuild and the
  // queries, so the cases the load opens count in neither.
  const commandStore = new SqliteEventStore(eventsPath);
  const fsyncRuns: Array<ReturnType<typeof rawFsync>> = [];
  const commandRuns: Array<LoadResult & { transactions: number; rawFsyncTxPerSec: number }> = [];
  for (let i = 0; i < runs; i++) {
    const f = rawFsync(join(dir, 'fsync.sqlite'), secs.fsync * 1000);
    fsyncRuns.push(f);
    const before = commandStore.stats();
    const r = await commandLoad(commandStore, 64, secs.commands * 1000);
    const after = commandStore.stats();
    commandRuns.push({ ...r, transactions: after.transactions - before.transactions, rawFsyncTxPerSec: f.perSec });
    log(`fsync ${Math.round(f.perSec)} tx/s; commands: ${Math.round(r.perSec)}/s (×${(r.perSec / f.perSec).toFixed(2)}), p99 ${r.p99Ms.toFixed(1)} ms, ${r.commands} commands in ${after.transactions - before.transactions} transactions, ${r.errors} errors`);
  }
  await commandStore.close();
  const rawFsyncTxPerSec = median(fsyncRuns.map((r) => r.perSec));
  const commandsPerSec = median(commandRuns.map((r) => r.perSec));
  const commandP99Ms = median(commandRuns.map((r) => r.p99Ms));
  const commandsVsRawFsync = median(commandRuns.map((r) => r.perSec / r.rawFsyncTxPerSec));

  const emmettRuns: Array<Awaited<ReturnType<typeof emmettLoad>>> = [];
  for (let i = 0; i < runs; i++) {
    const r = await emmettLoad(join(dir, 'emmett.sqlite'), secs.emmett * 1000);
    emmettRuns.push(r);
    log(`emmett: ${Math.round(r.perSec)}/s one at a time, p99 ${r.p99Ms.toFixed(1)} ms, ${r.errors} errors, synchronous=${r.synchronous}`);
  }
  const emmettCommandsPerSec = median(emmettRuns.map((r) => r.perSec));

  // ——— HTTP against the real service ———
  let httpQueue: HttpResult | null = null;
  let httpCommand: HttpResult | null = null;
  if (!values['skip-http']) {
    const service = await startService({ sqlitePath: eventsPath, readModelPath: readPath, accessLogPath: join(dir, 'access-log.sqlite') });
    try {
      const unit = generated.units[0]!;
      const staff = service.token({ sub: 'hl-bench', role: 'handlaggare', unit });
      httpQueue = await cannon({ url: `${service.url}/payment-queue?paymentDate=${generated.paymentDate}&unit=${unit}`, headers: { authorization: `Bearer ${staff}` }, connections: 64, seconds: secs.http });
      log(`http queue (unit ${unit}): ${Math.round(httpQueue.reqPerSec)} req/s, p99 ${httpQueue.p99Ms} ms, status ${JSON.stringify(httpQueue.statusCodes)}`);
      const body = JSON.stringify({
        household: [{ memberId: 'm1', role: 'applicant', name: 'Anna Andersson', personnummer: '198112189876', birthDate: '1981-12-18' }],
        unit: 'enhet-bench',
        caseworker: 'hl-bench',
        payee: { kind: 'client_account', name: 'Anna Andersson', account: '8327-9 123 456 789-0' },
        protectedIdentity: false,
      });
      // New cases go to a unit of their own, so a later run's queue of the demo units is not changed.
      const opener = service.token({ sub: 'hl-bench', role: 'handlaggare', unit: 'enhet-bench' });
      httpCommand = await cannon({ url: `${service.url}/cases`, method: 'POST', headers: { authorization: `Bearer ${opener}`, 'content-type': 'application/json' }, body, connections: 64, seconds: secs.http });
      log(`http command (POST /cases): ${Math.round(httpCommand.reqPerSec)} req/s, p99 ${httpCommand.p99Ms} ms, status ${JSON.stringify(httpCommand.statusCodes)}`);
    } finally {
      await service.stop();
    }
  }

  const ok2xx = (r: HttpResult | null) => (r && r.non2xx === 0 && r.errors === 0 ? round(r.reqPerSec, 0) : r ? round(r.reqPerSec, 0) : null);
  const result = {
    commandsPerSec: round(commandsPerSec, 0),
    commandP99Ms: round(commandP99Ms, 1),
    emmettCommandsPerSec: round(emmettCommandsPerSec, 0),
    rawFsyncTxPerSec: round(rawFsyncTxPerSec, 0),
    rebuildEventsPerSec: round(rebuildEventsPerSec, 0),
    rebuildPeakRssMb: round(rebuildPeakRssMb, 0),
    queueP99Ms: round(queueP99Ms, 2),
    timelineP99Ms: timeline ? round(timeline.p99Ms, 3) : null,
    httpQueueReqPerSec: ok2xx(httpQueue),
    httpCommandReqPerSec: ok2xx(httpCommand),
    ratios: {
      commandsVsRawFsync: round(commandsVsRawFsync, 2),
      commandsVsEmmett: round(commandsPerSec / emmettCommandsPerSec, 1),
    },
    targets: {
      commandsPerSec: commandsPerSec >= 5000,
      commandsVsRawFsync: commandsVsRawFsync >= 1.5,
      commandsVsEmmett: commandsPerSec >= 10 * emmettCommandsPerSec,
      rebuildEventsPerSec: rebuildEventsPerSec >= 100_000,
      rebuildPeakRssMb: rebuildPeakRssMb < 1024,
      queueP99Ms: queueP99Ms < 50,
      timelineP99Ms: timeline ? timeline.p99Ms < 5 : null,
    },
    detail: {
      id: randomUUID(),
      at: new Date().toISOString(),
      machine: { ...machine, loadAverageAtEnd: loadavg().map((l) => round(l, 1)) },
      households,
      today,
      seed,
      runs,
      quick,
      generate: { reusedFrom, events: generated.events, appends: generated.appends, transactions: generated.transactions, seconds: round(generated.seconds, 1), eventsPerSec: generated.eventsPerSec, storeMb: round(storeBytesAfterGenerate / 2 ** 20, 0), bytesPerEvent: Math.round(storeBytesAfterGenerate / generated.events), month: generated.month, paymentDate: generated.paymentDate, scenarios: generated.scenarios },
      fsync: fsyncRuns.map((r) => round(r.perSec, 0)),
      commands: commandRuns.map((r) => ({ perSec: round(r.perSec, 0), rawFsyncTxPerSec: round(r.rawFsyncTxPerSec, 0), ratio: round(r.perSec / r.rawFsyncTxPerSec, 2), p50Ms: round(r.p50Ms, 1), p99Ms: round(r.p99Ms, 1), commands: r.commands, transactions: r.transactions, appendsPerTransaction: round(r.commands / Math.max(1, r.transactions), 1), errors: r.errors })),
      emmett: { driven: 'one call at a time (its store opens a connection per call and fails under concurrent calls)', runs: emmettRuns.map((r) => ({ perSec: round(r.perSec, 0), p99Ms: round(r.p99Ms, 1), errors: r.errors })), synchronous: emmettRuns[0]?.synchronous },
      rebuild: rebuildRuns.map((r) => ({ events: r.events, seconds: round(r.seconds, 1), eventsPerSec: round(r.eventsPerSec, 0), peakRssMb: round(r.peakRssMb, 0) })),
      queue: { paymentDate: generated.paymentDate, cases: queueAnswer.total, counts: queueAnswer.counts, p50Ms: round(queueP50Ms, 2), runs: queueRuns.map((r) => round(r.p99Ms, 2)), unit: { unit: unitFilter.unit, cases: unitQueue.total, p99Ms: round(queueUnitP99Ms, 2) } },
      timeline: timeline ? { ...timeline, withChainCheckP99Ms: timelineWithChainP99Ms === null ? null : round(timelineWithChainP99Ms, 2) } : null,
      http: { queue: httpQueue, command: httpCommand, connections: 64, seconds: secs.http },
    },
  };
  if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify({ ...result, detail: undefined })}\n`);
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
