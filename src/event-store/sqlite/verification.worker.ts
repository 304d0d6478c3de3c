/**
 * The background verification's thread: its own read-only connection to the store's file, so the
 * service's thread goes on answering while the whole file and every chain are checked.
 * Messages to the parent: file → started → progress… / broken… → done (or failed).
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { scanChains } from './chain-scan.js';
import type { VerificationMessage, VerificationWorkerData } from './background-verification.js';
import { loadZstd } from './zstd.js';

const { path, zstdExtension, batchSize, fileCheck } = workerData as VerificationWorkerData;
const post = (m: VerificationMessage) => parentPort!.postMessage(m);

let db: Database.Database | null = null;
try {
  db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  loadZstd(db, zstdExtension);
  if (fileCheck) {
    const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
    const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
    post({ kind: 'file', problems });
    if (problems.length > 0) process.exit(0);
  }
  const started = new Date().toISOString();
  post({ kind: 'started', startedAt: started });
  let lastPost = 0;
  const result = scanChains(db, {
    batchSize,
    onProgress: (p) => {
      if (Date.now() - lastPost < 250 && p.position < p.target) return;
      lastPost = Date.now();
      post({ kind: 'progress', progress: p });
    },
    onBroken: (v) => post({ kind: 'broken', verification: v }),
  });
  post({ kind: 'done', progress: { position: result.position, target: result.target, events: result.events, streams: result.streams, seconds: result.seconds }, broken: result.broken.length });
} catch (error) {
  const e = error as { code?: string; message?: string };
  const damaged = typeof e.code === 'string' && (e.code.startsWith('SQLITE_CORRUPT') || e.code === 'SQLITE_NOTADB');
  post(damaged ? { kind: 'file', problems: [e.message ?? String(error)] } : { kind: 'failed', error: e.message ?? String(error) });
} finally {
  db?.close();
}
