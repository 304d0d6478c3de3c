/**
 * Rebuilds read models from the log in a process of its own, so its peak RSS is the rebuild's and
 * nothing else's. Prints one JSON line: events, seconds, events/s, peak RSS in MB.
 * usage: node --import ./scripts/register-ts.mjs bench/rebuild-child.ts <events.sqlite> <read.sqlite> [projection…]
 * (every projection when none is named). REBUILD_CACHE_CASES caps the cases kept in memory; REBUILD_OWN_SHARE
 * (per mille), REBUILD_CACHE_KIB, REBUILD_TX, REBUILD_BATCH, REBUILD_WORKER(S): see RebuildOptions.
 */
import { rmSync } from 'node:fs';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { openReadDb } from '../src/platform/read-db.js';
import { ALL_PROJECTIONS } from '../src/read-models/all-projections.js';
import { ProjectionRunner } from '../src/read-models/projection-runner.js';

const [storePath, readPath, ...names] = process.argv.slice(2);
if (!storePath || !readPath) {
  console.error('usage: rebuild-child.ts <events.sqlite> <read.sqlite> [projection…]');
  process.exit(2);
}
for (const f of [readPath, `${readPath}-wal`, `${readPath}-shm`]) rmSync(f, { force: true });
const store = new SqliteEventStore(storePath);
const db = openReadDb(readPath);
const runner = new ProjectionRunner(store, db, ALL_PROJECTIONS);
const started = process.hrtime.bigint();
const cpuBefore = process.cpuUsage();
const { events, evictions } = await runner.rebuild(names, undefined, { cacheCases: process.env.REBUILD_CACHE_CASES ? Number(process.env.REBUILD_CACHE_CASES) : undefined, batchSize: process.env.REBUILD_BATCH ? Number(process.env.REBUILD_BATCH) : undefined, worker: process.env.REBUILD_WORKER !== '0', workers: process.env.REBUILD_WORKERS ? Number(process.env.REBUILD_WORKERS) : undefined, ownShare: process.env.REBUILD_OWN_SHARE ? Number(process.env.REBUILD_OWN_SHARE) : undefined, cacheKib: process.env.REBUILD_CACHE_KIB ? Number(process.env.REBUILD_CACHE_KIB) : undefined, eventsPerTransaction: process.env.REBUILD_TX ? Number(process.env.REBUILD_TX) : undefined });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
db.close();
await store.close();
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const projections = names.length > 0 ? names : ALL_PROJECTIONS.map((p) => p.name);
process.stdout.write(`${JSON.stringify({ events, seconds, eventsPerSec: events / seconds, peakRssMb, cpuSeconds: (cpu.user + cpu.system) / 1e6, evictions, projections })}\n`);
