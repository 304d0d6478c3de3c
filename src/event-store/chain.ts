import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { ChainVerification, EventMetadata, RecordedEvent } from './event-store.port.js';

export interface Chainable {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

/** An event as stored, with its place in the stream and its link. */
export interface StoredLink extends Chainable {
  readonly version: number;
  readonly prevHash: string | null;
  readonly hash: string;
}

/** The link: hash over canonical JSON of the event as stored and the previous event's hash. */
export function chainHash(event: Chainable, prevHash: string | null): string {
  // An absent data or metadata drops its key, which only the general form does.
  if (event.data === undefined || event.metadata === undefined) {
    const body = canonicalJson({ type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata, prevHash });
    return createHash('sha256').update(body).digest('hex');
  }
  return chainHashOfCanonical(event.type, event.schemaVersion, canonicalJson(event.data), canonicalJson(event.metadata), prevHash);
}

/**
 * The same link from data and metadata already in canonical JSON (the writer thread gets them as
 * text). The canonical JSON of {type, schemaVersion, data, metadata, prevHash}, its keys in sorted
 * order, written out directly: this runs for every event appended and verified.
 */
export function chainHashOfCanonical(type: string, schemaVersion: number, canonicalData: string, canonicalMetadata: string, prevHash: string | null): string {
  const body = `{"data":${canonicalData},"metadata":${canonicalMetadata},"prevHash":${canonicalJson(prevHash)},"schemaVersion":${canonicalJson(schemaVersion)},"type":${canonicalJson(type)}}`;
  return createHash('sha256').update(body).digest('hex');
}

/**
 * What is wrong with a stored event as the link after `prev` at `expectedVersion`, or null when it
 * holds. The one rule, used by `verifyChain`, the stores' checks on read and the log scan.
 */
export function linkProblem(e: StoredLink, expectedVersion: number, prev: string | null): string | null {
  if (e.version !== expectedVersion) return `version ${e.version} where ${expectedVersion} was expected (a gap or a reorder)`;
  if (e.prevHash !== prev) return `prevHash does not match the hash of version ${e.version - 1}`;
  let recomputed: string;
  try {
    recomputed = chainHash(e, prev);
  } catch (error) {
    return `content cannot be hashed: ${(error as Error).message}`;
  }
  if (recomputed !== e.hash) return `content changed: stored hash ${String(e.hash).slice(0, 12)}… but content hashes to ${recomputed.slice(0, 12)}…`;
  return null;
}

/**
 * Walks a stream as stored (before upcasting) and reports the first broken link. With `trusted`,
 * the first that many events are taken as verified already (by an earlier check) and only the
 * rest are hashed, the first of them against the stored hash of the last trusted one.
 */
export function verifyChain(stream: string, events: readonly RecordedEvent[], trusted = 0): ChainVerification {
  let prev: string | null = trusted > 0 ? (events[trusted - 1]?.hash ?? null) : null;
  for (let i = trusted; i < events.length; i++) {
    const e = events[i]!;
    const problem = linkProblem(e, i + 1, prev);
    if (problem) return { stream, ok: false, events: events.length, firstBroken: { version: e.version, id: e.id, reason: problem } };
    prev = e.hash;
  }
  return { stream, ok: true, events: events.length };
}
