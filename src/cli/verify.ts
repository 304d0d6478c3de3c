import type { ChainVerification, EventStore } from '../event-store/event-store.port.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';

export interface VerifyAllResult {
  readonly streams: number;
  readonly events: number;
  readonly broken: ChainVerification | null;
  readonly fileProblems: readonly string[];
}

/** Every stream's chain, and for SQLite the file's own integrity check; stops at the first break. */
export async function verifyAll(store: EventStore): Promise<VerifyAllResult> {
  const fileProblems = store instanceof SqliteEventStore ? store.integrityCheck() : [];
  if (fileProblems.length > 0) {
    return { streams: 0, events: 0, fileProblems, broken: { stream: '(database file)', ok: false, events: 0, firstBroken: { version: 0, id: '-', reason: `damaged database file: ${fileProblems.slice(0, 3).join('; ')}` } } };
  }
  let streams = 0;
  let events = 0;
  for await (const stream of store.listStreams()) {
    const v = await store.verifyStream(stream);
    streams += 1;
    events += v.events;
    if (!v.ok) return { streams, events, broken: v, fileProblems };
  }
  return { streams, events, broken: null, fileProblems };
}
