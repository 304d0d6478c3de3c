/**
 * `npm run bench -- crash [--kills 100] [--workers 12] [--seed N] [--dir data/bench-crash] [--json out.json]`
 *
 * The crash test at bench size: the service as a child process on 127.0.0.1 under concurrent
 * command load, SIGKILLed at random moments (under load, and sometimes while it starts) and started
 * again on the same files, `--kills` times; then every acknowledged command is looked up in the log,
 * every command checked to be whole and there once, every chain verified with the file check, and
 * the read models compared with a rebuild. Prints the figures; exits 1 if anything was lost.
 * The harness is test/support/crash-harness.ts (the test runs it with 20 kills).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { runCrashes } from '../test/support/crash-harness.js';

export async function runCrashBench(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { kills: { type: 'string' }, workers: { type: 'string' }, seed: { type: 'string' }, dir: { type: 'string' }, json: { type: 'string' }, 'startup-share': { type: 'string' } },
  });
  const kills = Number(values.kills ?? 100);
  const workers = Number(values.workers ?? 12);
  if (!Number.isSafeInteger(kills) || kills < 1) throw new Error(`--kills must be a whole number ≥ 1, got ${values.kills}`);
  const dir = resolve(values.dir ?? 'data/bench-crash');
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version, platform: `${process.platform} ${process.arch}`, loadAverageAtStart: loadavg().map((l) => Math.round(l * 10) / 10) };
  process.stderr.write(`bench crash: ${kills} kills, ${workers} clients, in ${dir}; ${machine.cpus} cores, Node ${machine.node}\n`);
  const result = await runCrashes({
    kills,
    workers,
    dir,
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    ...(values['startup-share'] ? { startupKillShare: Number(values['startup-share']) } : {}),
    log: (line) => process.stderr.write(`  ${line}\n`),
  });
  const losses = result.lost.length + result.partial.length + result.paidTwice.length + result.brokenChains.length + result.fileProblems.length + result.readModelMismatches.length + result.unexpected.length + result.integrityReports.length;
  const figures = {
    kills: result.kills,
    killsWhileStarting: result.killsDuringStartup,
    starts: result.starts,
    households: result.households,
    commands: result.commands,
    requests: result.requests,
    acknowledged: result.acknowledged,
    unansweredAndRetried: result.unanswered,
    retriesAnsweredFromTheLog: result.replayed,
    events: result.events,
    streams: result.streams,
    lost: result.lost.length,
    partialOrTwice: result.partial.length,
    paidTwice: result.paidTwice.length,
    brokenChains: result.brokenChains.length,
    readModelMismatches: result.readModelMismatches,
    unexpectedAnswers: result.unexpected.length,
    restartMs: result.restartMs,
    seconds: result.seconds,
    seed: result.seed,
    losses,
    machine: { ...machine, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 10) / 10) },
  };
  for (const problem of [...result.lost, ...result.partial, ...result.paidTwice, ...result.brokenChains, ...result.fileProblems, ...result.unexpected, ...result.integrityReports].slice(0, 20)) process.stderr.write(`  PROBLEM ${problem}\n`);
  process.stderr.write(
    `crash: ${result.kills} kills (${result.killsDuringStartup} while starting), ${result.requests} requests, ${result.acknowledged} acknowledged, ${result.unanswered} unanswered and retried (${result.replayed} had been written), ${result.events} events; lost ${result.lost.length}, partial ${result.partial.length}, paid twice ${result.paidTwice.length}, broken chains ${result.brokenChains.length}, read-model mismatches ${result.readModelMismatches.length}; restart p50 ${result.restartMs.p50} ms; ${result.seconds} s\n`,
  );
  if (values.json) writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  return losses === 0 ? 0 : 1;
}
