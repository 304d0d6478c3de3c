import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { ChainVerification, EventMetadata, RecordedEvent } from './event-store.port.js';

export interface Chainable {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

/** The link: hash over canonical JSON of the event as stored and the previous event's hash. */
export function chainHash(event: Chainable, prevHash: string | null): string {
  const body = canonicalJson({
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    prevHash,
  });
  return createHash('sha256').update(body).digest('hex');
}

/** Walks a stream as stored (before upcasting) and reports the first broken link. */
export function verifyChain(stream: string, events: readonly RecordedEvent[]): ChainVerification {
  let prev: string | null = null;
  let expectedVersion = 1;
  for (const e of events) {
    const broken = (reason: string): ChainVerification => ({
      stream,
      ok: false,
      events: events.length,
      firstBroken: { version: e.version, id: e.id, reason },
    });
    if (e.version !== expectedVersion) return broken(`version ${e.version} where ${expectedVersion} was expected (a gap or a reorder)`);
    if (e.prevHash !== prev) return broken(`prevHash does not match the hash of version ${e.version - 1}`);
    const recomputed = chainHash(e, prev);
    if (recomputed !== e.hash) return broken(`content changed: stored hash ${e.hash.slice(0, 12)}… but content hashes to ${recomputed.slice(0, 12)}…`);
    prev = e.hash;
    expectedVersion += 1;
  }
  return { stream, ok: true, events: events.length };
}
