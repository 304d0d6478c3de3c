import { caseStream } from '../../cases/case-state.js';
import { ChainBrokenError, type EventStore, type RecordedEvent } from '../../event-store/event-store.port.js';
import type { TimelineEntry } from './describe-event.js';
import { timelineOf } from './timeline.js';

/**
 * Which check vouched for the entries: the store's verified read (links a background pass or an
 * earlier read of this process verified are trusted, the rest hashed), or every link hashed again.
 */
export type ChainCheck = 'verified_read' | 'full_rehash';

export interface TimelineChain {
  readonly ok: boolean;
  readonly events: number;
  readonly check: ChainCheck;
  readonly firstBroken?: { readonly version: number; readonly reason: string };
}

export interface TimelineOptions {
  /** UTC ISO timestamp: only what was recorded by then. */
  readonly asOf?: string;
  readonly check?: ChainCheck;
  /**
   * For the auditor: a broken chain is answered with where it breaks and the entries before the
   * break (what the chain still vouches for) instead of throwing `ChainBrokenError`.
   */
  readonly showBrokenChain?: boolean;
}

/**
 * One case's timeline, read from its own stream with the chain checked, rendered on the way out.
 * There is no stored copy: the stream is the tamper-evident record, so the entries are exactly what
 * the chain vouches for, and a write is in the timeline as soon as it is acknowledged.
 * `null` for a case that does not exist.
 */
export async function readTimeline(store: EventStore, caseId: string, options: TimelineOptions = {}): Promise<{ chain: TimelineChain; entries: TimelineEntry[] } | null> {
  const stream = caseStream(caseId);
  const check = options.check ?? 'verified_read';
  let events: RecordedEvent[];
  try {
    if (check === 'full_rehash') {
      const full = await store.verifyStream(stream);
      if (!full.ok) throw new ChainBrokenError(full);
    }
    // After a full re-hash still the verified read: it also checks the rows it returns (and is
    // cheap once the stream was verified in this process).
    events = await store.readStream(stream, { verify: true });
  } catch (error) {
    if (!(error instanceof ChainBrokenError) || !options.showBrokenChain) throw error;
    const { events: count, firstBroken } = error.verification;
    const before = (firstBroken?.version ?? 1) - 1;
    // Only the links before the break are vouched for; the rest are not shown, not even parsed.
    const vouched = before >= 1 ? await store.readStream(stream, { toVersion: before }) : [];
    return {
      chain: { ok: false, events: count, check, ...(firstBroken ? { firstBroken: { version: firstBroken.version, reason: firstBroken.reason } } : {}) },
      entries: timelineOf(vouched, options.asOf),
    };
  }
  if (events.length === 0) return null;
  return { chain: { ok: true, events: events.length, check }, entries: timelineOf(events, options.asOf) };
}
