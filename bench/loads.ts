import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { caseDecider, evolveCase } from '../src/cases/case-evolve.js';
import { caseStream, emptyCase, type CaseState } from '../src/cases/case-state.js';
import { handleCommand } from '../src/command-path/handle-command.js';
import { uuidV7 } from '../src/shared/ids.js';
import type { EventStore } from '../src/event-store/event-store.port.js';
import { householdMonth } from './household-month.js';
import { summarize, type Latencies } from './stats.js';

export interface LoadResult extends Latencies {
  readonly commands: number;
  readonly seconds: number;
  readonly perSec: number;
  readonly errors: number;
}

const elapsed = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/**
 * Durable commands through the one command path (load → fold → decide → append) from `callers`
 * concurrent callers, each working through household months of its own cases until the time is up.
 */
export async function commandLoad(store: EventStore, callers: number, durationMs: number, newCaseId: () => string = uuidV7): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let serial = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + durationMs;
  const caller = async () => {
    while (Date.now() < deadline) {
      // Case ids as the service makes them (POST /cases without an Idempotency-Key) unless told otherwise.
      const caseId = newCaseId();
      let state: CaseState = emptyCase;
      for (const step of householdMonth(caseId, serial++)) {
        if (Date.now() >= deadline) return;
        const t0 = process.hrtime.bigint();
        try {
          const result = await handleCommand(store, caseStream(caseId), caseDecider(step.decide), step.command(state), {
            actor: step.actor,
            role: step.role,
            correlationId: randomUUID(),
            now: new Date(),
          });
          state = result.state;
          latencies.push(elapsed(t0) * 1000);
        } catch (error) {
          errors += 1;
          if (errors < 3) console.error(`bench: command ${step.name} failed: ${(error as Error).message}`);
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  const seconds = elapsed(started);
  return { commands: latencies.length, seconds, perSec: latencies.length / seconds, errors, ...summarize(latencies) };
}

/**
 * The same household months against Emmett's SQLite event store (@event-driven-io/emmett-sqlite).
 * Its store opens a sqlite3 connection per call and closes it after, and concurrent calls fail
 * (SQLITE_BUSY / a closed handle), so it is driven as its API allows: one command at a time,
 * each a readStream, the same fold and decide, and an appendToStream with the expected version.
 */
export async function emmettLoad(path: string, durationMs: number): Promise<LoadResult & { synchronous: string }> {
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  const { getSQLiteEventStore } = await import('@event-driven-io/emmett-sqlite');
  const es = getSQLiteEventStore({ fileName: path, schema: { autoMigration: 'CreateOrUpdate' } });
  const latencies: number[] = [];
  let errors = 0;
  let serial = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + durationMs;
  outer: while (Date.now() < deadline) {
    const caseId = uuidV7();
    const stream = caseStream(caseId);
    for (const step of householdMonth(caseId, serial++)) {
      if (Date.now() >= deadline) break outer;
      const t0 = process.hrtime.bigint();
      try {
        const read = await es.readStream(stream);
        let state: CaseState = emptyCase;
        for (const e of read.events) if (e) state = evolveCase(state, { type: e.type, data: e.data });
        const decided = step.decide(step.command(state), state);
        const recordedAt = new Date().toISOString();
        await es.appendToStream(
          stream,
          decided.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: { actor: step.actor, role: step.role, correlationId: randomUUID(), recordedAt } })),
          { expectedStreamVersion: read.currentStreamVersion },
        );
        latencies.push(elapsed(t0) * 1000);
      } catch (error) {
        errors += 1;
        if (errors < 3) console.error(`bench: emmett ${step.name} failed: ${(error as Error).message}`);
        break;
      }
    }
  }
  const seconds = elapsed(started);
  // What durability Emmett's connections run with (it sets WAL and leaves synchronous at the build's default).
  const sqlite3 = (await import('sqlite3')).default;
  const synchronous = await new Promise<string>((resolve) => {
    const db = new sqlite3.Database(path);
    db.run('PRAGMA journal_mode = WAL', () => db.get('PRAGMA synchronous', (_e: unknown, row: { synchronous?: number } | undefined) => {
      db.close();
      resolve(['OFF', 'NORMAL', 'FULL', 'EXTRA'][row?.synchronous ?? -1] ?? String(row?.synchronous));
    }));
  });
  return { commands: latencies.length, seconds, perSec: latencies.length / seconds, errors, synchronous, ...summarize(latencies) };
}

/** The machine's limit: one durable SQLite transaction (WAL, synchronous=FULL) at a time. */
export function rawFsync(path: string, durationMs: number): { transactions: number; seconds: number; perSec: number } {
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  const body = 'x'.repeat(800);
  const started = process.hrtime.bigint();
  const deadline = Date.now() + durationMs;
  let n = 0;
  while (Date.now() < deadline) {
    insert.run(body); // autocommit: one transaction, one fsync of the WAL
    n += 1;
  }
  const seconds = elapsed(started);
  db.close();
  return { transactions: n, seconds, perSec: n / seconds };
}
