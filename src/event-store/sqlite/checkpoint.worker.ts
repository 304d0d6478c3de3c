/**
 * The checkpointer's thread: its own connection to the store's file, copying committed WAL pages
 * into the database (PASSIVE: never waits for, nor blocks, the writer or readers) every tick, so
 * the writer's commits never stop for a checkpoint's page copies and fsyncs (see checkpointer.ts).
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointMessage, CheckpointWorkerData } from './checkpointer.js';

const { path, intervalMs } = workerData as CheckpointWorkerData;
const post = (m: CheckpointMessage) => parentPort!.postMessage(m);

let db: Database.Database | null = null;
let timer: NodeJS.Timeout | null = null;
try {
  db = new Database(path, { fileMustExist: true });
  db.pragma('busy_timeout = 1000');
  // The database file is fsynced after the pages are copied, before the WAL may be reused.
  db.pragma('synchronous = FULL');
} catch (error) {
  post({ type: 'failed', error: (error as Error).message });
}

function tick(): void {
  timer = null;
  if (!db) return;
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    if (r && r.checkpointed > 0) post({ type: 'checkpointed', pages: r.checkpointed, walPages: r.log });
  } catch (error) {
    post({ type: 'failed', error: (error as Error).message });
  }
  timer = setTimeout(tick, intervalMs);
}
if (db) timer = setTimeout(tick, intervalMs);

parentPort!.on('message', (m: 'stop') => {
  if (m !== 'stop') return;
  if (timer) clearTimeout(timer);
  timer = null;
  db?.close();
  db = null;
  post({ type: 'stopped' });
  parentPort!.close();
});
