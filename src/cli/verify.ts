import type { ChainVerification, EventStore } from '../event-store/event-store.port.js';
import { scanChains, type ScanProgress } from '../event-store/sqlite/chain-scan.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';

export interface VerifyAllResult {
  readonly streams: number;
  readonly events: number;
  /** The first broken stream (in log order), or null when every chain is intact. */
  readonly broken: ChainVerification | null;
  /** Every broken stream. */
  readonly allBroken: readonly ChainVerification[];
  readonly fileProblems: readonly string[];
  readonly seconds: number;
}

/**
 * For SQLite: the file's own check (quick_check, every page and index), then every chain in one
 * sequential pass over the log with each stream's head row checked against its last event
 * (chain-scan.ts, the same pass the service runs in the background). For KurrentDB: stream by
 * stream. Reports every broken stream, not only the first.
 */
export async function verifyAll(store: EventStore, onProgress?: (p: ScanProgress) => void): Promise<VerifyAllResult> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  if (store instanceof SqliteEventStore) {
    const fileProblems = store.integrityCheck();
    if (fileProblems.length > 0) {
      const v: ChainVerification = { stream: '(database file)', ok: false, events: 0, firstBroken: { version: 0, id: '-', reason: `damaged database file: ${fileProblems.slice(0, 3).join('; ')}` } };
      return { streams: 0, events: 0, fileProblems, broken: v, allBroken: [v], seconds: seconds() };
    }
    const result = scanChains(store.rawDatabase(), { ...(onProgress ? { onProgress } : {}) });
    return { streams: result.streams, events: result.events, fileProblems, broken: result.broken[0] ?? null, allBroken: result.broken, seconds: seconds() };
  }
  let streams = 0;
  let events = 0;
  const allBroken: ChainVerification[] = [];
  for await (const stream of store.listStreams()) {
    const v = await store.verifyStream(stream);
    streams += 1;
    events += v.events;
    if (!v.ok) allBroken.push(v);
  }
  return { streams, events, broken: allBroken[0] ?? null, allBroken, fileProblems: [], seconds: seconds() };
}
