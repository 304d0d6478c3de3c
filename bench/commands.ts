/**
 * `npm run bench -- commands [--seconds 5] [--runs 3] [--log PATH] [--dir data/bench-commands] [--callers 64] [--writer worker|inline] [--case-ids v7|random|both]`
 *
 * The command-path measure alone, for a fast loop: raw fsync then 64 concurrent callers through
 * handleCommand, `--runs` pairs back to back, ratio per pair. On a copy of `--log` (never the file
 * itself) or on a fresh store. CPU per command: the whole process's, and the main thread's alone
 * (what the event loop spends; the writer thread's share is the difference).
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { commandLoad, rawFsync } from './loads.js';
import { median } from './stats.js';

export async function runCommandsBench(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { seconds: { type: 'string' }, runs: { type: 'string' }, log: { type: 'string' }, dir: { type: 'string' }, callers: { type: 'string' }, writer: { type: 'string' }, 'fsync-seconds': { type: 'string' }, 'case-ids': { type: 'string' } },
  });
  const seconds = Number(values.seconds ?? 5);
  const runs = Number(values.runs ?? 3);
  const callers = Number(values.callers ?? 64);
  const fsyncSeconds = Number(values['fsync-seconds'] ?? 2);
  const dir = resolve(values.dir ?? 'data/bench-commands');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'events.sqlite');
  if (values.log) {
    // A copy (with its WAL, if any): the given log is never written.
    for (const suffix of ['', '-wal']) if (existsSync(`${values.log}${suffix}`)) copyFileSync(`${values.log}${suffix}`, `${path}${suffix}`);
  }
  const writer = values.writer === 'worker' ? 'worker' : 'inline';
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`bench commands (writer ${writer}): ${runs} × (fsync ${fsyncSeconds} s, ${callers} callers ${seconds} s) on ${values.log ? `a copy of ${values.log}` : 'a fresh store'}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const store = new SqliteEventStore(path, undefined, { writer });
  const pairs: Array<{ fsync: number; commands: number; ratio: number; p50Ms: number; p99Ms: number; appendsPerTransaction: number; cpuUsPerCommand: number; mainCpuUsPerCommand: number; errors: number }> = [];
  for (let i = 0; i < runs; i++) {
    const f = rawFsync(join(dir, 'fsync.sqlite'), fsyncSeconds * 1000);
    const before = store.stats();
    const cpu0 = process.cpuUsage();
    const main0 = mainThreadCpuUs();
    // --case-ids random|v7|both: what time-ordered case ids buy (both: alternating pairs, random first).
    const ids = values['case-ids'] === 'both' ? (i % 2 === 0 ? 'random' : 'v7') : values['case-ids'] === 'random' ? 'random' : 'v7';
    const r = await commandLoad(store, callers, seconds * 1000, ids === 'random' ? randomUUID : undefined);
    const cpu = process.cpuUsage(cpu0);
    const mainUs = mainThreadCpuUs() - main0;
    const after = store.stats();
    const tx = after.transactions - before.transactions;
    const pair = { fsync: Math.round(f.perSec), commands: Math.round(r.perSec), ratio: Math.round((r.perSec / f.perSec) * 100) / 100, p50Ms: Math.round(r.p50Ms * 10) / 10, p99Ms: Math.round(r.p99Ms * 10) / 10, appendsPerTransaction: Math.round((r.commands / Math.max(1, tx)) * 10) / 10, cpuUsPerCommand: Math.round((cpu.user + cpu.system) / Math.max(1, r.commands)), mainCpuUsPerCommand: Math.round(mainUs / Math.max(1, r.commands)), errors: r.errors };
    pairs.push(pair);
    log(`[case ids ${ids}] fsync ${pair.fsync} tx/s; commands ${pair.commands}/s (×${pair.ratio.toFixed(2)}), p50 ${pair.p50Ms} ms, p99 ${pair.p99Ms} ms, ${pair.appendsPerTransaction} appends/tx, ${pair.cpuUsPerCommand} µs CPU/command (main thread ${pair.mainCpuUsPerCommand}), ${pair.errors} errors`);
  }
  await store.close();
  const result = {
    rawFsyncTxPerSec: median(pairs.map((p) => p.fsync)),
    commandsPerSec: median(pairs.map((p) => p.commands)),
    commandsVsRawFsync: median(pairs.map((p) => p.ratio)),
    commandP99Ms: median(pairs.map((p) => p.p99Ms)),
    cpuUsPerCommand: median(pairs.map((p) => p.cpuUsPerCommand)),
    mainCpuUsPerCommand: median(pairs.map((p) => p.mainCpuUsPerCommand)),
    writer,
    pairs,
    load: loadavg().map((l) => Math.round(l * 10) / 10),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return pairs.some((p) => p.errors > 0) ? 1 : 0;
}

/** The main thread's own CPU time in µs (Linux: its /proc task; elsewhere the whole process's). Ticks of 10 ms: fine over seconds. */
function mainThreadCpuUs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    const u = process.cpuUsage();
    return u.user + u.system;
  }
}
