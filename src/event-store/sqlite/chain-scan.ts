import type Database from 'better-sqlite3';
import { linkProblem } from '../chain.js';
import type { ChainVerification } from '../event-store.port.js';
import type { EventRow } from './sqlite-event-store.js';
import { EVENT_COLUMNS } from './zstd.js';

export interface ScanProgress {
  /** The last global position looked at. */
  readonly position: number;
  /** The log's last position when the scan began: what it covers. */
  readonly target: number;
  readonly events: number;
  readonly streams: number;
  readonly seconds: number;
}

export interface ScanResult extends ScanProgress {
  /** Every stream whose chain is broken, with its first broken link. */
  readonly broken: readonly ChainVerification[];
}

export interface ScanOptions {
  readonly batchSize?: number;
  readonly onProgress?: (p: ScanProgress) => void;
  /** Called as soon as a stream is found broken (the service refuses it from then on). */
  readonly onBroken?: (v: ChainVerification) => void;
}


interface Head {
  version: number;
  hash: string;
  events: number;
}

/**
 * Verifies every stream's chain in one sequential pass over the log in global order (the file is
 * read front to back, not stream by stream: at national scale that is the difference between
 * sequential and random I/O), then checks each stream's head row against its last event. Reads in
 * batches, each its own short read transaction, so a running service can go on writing (and
 * checkpointing its WAL) while the scan runs; events appended after the scan began are not covered
 * (they are checked when read). Memory: one entry per stream (its last version and hash).
 */
export function scanChains(db: Database.Database, options: ScanOptions = {}): ScanResult {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  const batchSize = options.batchSize ?? 5000;
  const target = (db.prepare('SELECT MAX(position) AS p FROM events').get() as { p: number | null }).p ?? 0;
  const read = db.prepare<[number, number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?`);
  const heads = new Map<string, Head>();
  const broken = new Map<string, ChainVerification>();
  const breakStream = (stream: string, version: number, id: string, reason: string, events: number) => {
    if (broken.has(stream)) return;
    const v: ChainVerification = { stream, ok: false, events, firstBroken: { version, id, reason } };
    broken.set(stream, v);
    heads.delete(stream);
    options.onBroken?.(v);
  };

  let position = 0;
  let events = 0;
  for (;;) {
    const rows = read.all(position, target, batchSize);
    if (rows.length === 0) break;
    for (const r of rows) {
      events += 1;
      if (broken.has(r.stream)) continue;
      const head = heads.get(r.stream);
      let data: unknown;
      let metadata: unknown;
      try {
        data = JSON.parse(r.data);
        metadata = JSON.parse(r.metadata);
      } catch {
        breakStream(r.stream, r.version, r.id, 'content changed: the stored data or metadata is not JSON', (head?.events ?? 0) + 1);
        continue;
      }
      const problem = linkProblem(
        { type: r.type, schemaVersion: r.schema_version, data, metadata: metadata as never, version: r.version, prevHash: r.prev_hash, hash: r.hash },
        (head?.version ?? 0) + 1,
        head?.hash ?? null,
      );
      if (problem) {
        breakStream(r.stream, r.version, r.id, problem, (head?.events ?? 0) + 1);
        continue;
      }
      heads.set(r.stream, { version: r.version, hash: r.hash, events: (head?.events ?? 0) + 1 });
    }
    position = rows[rows.length - 1]!.position;
    options.onProgress?.({ position, target, events, streams: heads.size + broken.size, seconds: seconds() });
  }

  // Each stream's head row against its last event: a stream cut short at its end, or events whose
  // head was never written (a partial write), show here and nowhere else.
  const headRows = db.prepare<[], { stream: string; version: number; last_hash: string | null }>('SELECT stream, version, last_hash FROM streams');
  const eventAt = db.prepare<[string, number], { position: number; hash: string }>('SELECT position, hash_text(hash) AS hash FROM events WHERE stream = ? AND version = ?');
  const firstOf = db.prepare<[string], { position: number; id: string }>('SELECT position, id FROM events WHERE stream = ? ORDER BY version LIMIT 1');
  const withHead = new Set<string>();
  for (const h of headRows.iterate()) {
    withHead.add(h.stream);
    if (broken.has(h.stream)) continue;
    const seen = heads.get(h.stream);
    if (!seen) {
      // No event of this stream up to the target: a stream begun during the scan, or one emptied.
      const first = firstOf.get(h.stream);
      if (!first) breakStream(h.stream, h.version, '-', `the stream head says ${h.version} events but the stream has none (events removed?)`, 0);
      else if (first.position <= target) breakStream(h.stream, 1, first.id, 'the first event was not found in the scan (changed during the scan?)', 0);
      continue;
    }
    if (h.version === seen.version) {
      if (h.last_hash !== seen.hash) breakStream(h.stream, h.version, '-', 'stream head does not match its last event (events removed?)', seen.events);
    } else if (h.version > seen.version) {
      // Appended after the scan began, or removed from the end: the next event must exist, after the target.
      const next = eventAt.get(h.stream, seen.version + 1);
      if (!next || next.position <= target) breakStream(h.stream, seen.version + 1, '-', `the stream head says ${h.version} events but version ${seen.version + 1} is missing (events removed?)`, seen.events);
    } else {
      breakStream(h.stream, h.version, '-', `the stream head says ${h.version} events but there are ${seen.version} (a write that did not finish?)`, seen.events);
    }
  }
  for (const [stream, seen] of heads) {
    if (!withHead.has(stream)) breakStream(stream, seen.version, '-', 'events without a stream head (a write that did not finish?)', seen.events);
  }

  return { position, target, events, streams: heads.size + broken.size, seconds: seconds(), broken: [...broken.values()] };
}
