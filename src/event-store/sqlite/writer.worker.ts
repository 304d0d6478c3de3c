/**
 * The store's writer thread: it owns the connection that writes and runs each group's transaction
 * (duplicates, expectations, chain hashes, inserts, head rows, COMMIT with synchronous=FULL), so
 * the service's thread goes on deciding the next group's commands meanwhile. It answers a group
 * only after COMMIT returned: whatever it answers as written is durable.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { decodeGroup, GroupWriter, jsonCodec, toWireError, type AppendOutcome, type WireError, type WireEvent } from './group-writer.js';
import { nowMs, type WriterRequest, type WriterResponse, type WriterWorkerData } from './writer-thread.js';
import { loadZstd } from './zstd.js';

const { path, zstdExtension, dictionaryId, done } = workerData as WriterWorkerData;
const doneSeq = new Int32Array(done, 0, 1);
const doneAt = new Float64Array(done, 8, 1);
const port = parentPort!;

let db: Database.Database | null = null;
let writer: GroupWriter<WireEvent> | null = null;
let openError: WireError | null = null;
try {
  db = new Database(path, { fileMustExist: true });
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const zstd = loadZstd(db, zstdExtension);
  if (!zstd.loaded && dictionaryId !== null) throw new Error(`the writer thread cannot pack events: ${zstd.reason}`);
  writer = new GroupWriter(db, jsonCodec, dictionaryId);
} catch (error) {
  // Answered to every group (a damaged file's code comes along, so the store refuses from then on).
  openError = toWireError(error);
  db?.close();
  db = null;
}

port.on('message', (m: WriterRequest) => {
  if (m.kind === 'close') {
    db?.close();
    db = null;
    port.close();
    return;
  }
  let answer: WriterResponse;
  if (!writer) answer = { kind: 'failed', seq: m.seq, error: openError ?? { name: 'StoreUnavailableError', message: 'the writer connection is closed' } };
  else {
    try {
      const outcomes = writer.run(decodeGroup(m.group));
      answer = { kind: 'written', seq: m.seq, outcomes: outcomes.map(wireOutcome), commitMs: writer.lastCommitMs };
    } catch (error) {
      // The transaction itself failed (disk full, I/O error, damaged page): nothing of it is durable.
      answer = { kind: 'failed', seq: m.seq, error: toWireError(error) };
    }
  }
  // Marked done before the answer: the store may hand over the next group before it reads this one's.
  doneAt[0] = nowMs();
  Atomics.store(doneSeq, 0, m.seq);
  port.postMessage(answer);
});

function wireOutcome(o: AppendOutcome): AppendOutcome<WireError> {
  return o.ok ? o : { ok: false, error: toWireError(o.error) };
}
