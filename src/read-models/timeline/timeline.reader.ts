import { caseStream } from '../../cases/case-state.js';
import { ChainBrokenError, type EventStore, type RecordedEvent, type StreamHead } from '../../event-store/event-store.port.js';
import { describeEvent, type TimelineEntry } from './describe-event.js';
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
  const rendered = renderedTimelines(store);
  const entries: TimelineEntry[] = [];
  let head: StreamHead | null = null;
  try {
    if (check === 'full_rehash') {
      const full = await store.verifyStream(stream);
      if (!full.ok) throw new ChainBrokenError(full);
    }
    // Rendered before: only what came after its head, anchored on the head's hash (the same
    // verified read the command path uses); a stream that no longer holds that hash is read whole.
    const known = rendered.get(caseId);
    if (known) {
      const tail = await store.readStreamSince(stream, known.head);
      if (tail !== null) {
        const entries = tail.length === 0 ? known.entries : [...known.entries, ...timelineOf(tail)];
        if (tail.length > 0) rendered.put(caseId, headOf(tail[tail.length - 1]!), entries);
        return { chain: { ok: true, events: entries.length, check }, entries: asOfFilter(entries, options.asOf) };
      }
    }
    // After a full re-hash still the verified read: it also checks the rows it returns (and is
    // cheap once the stream was verified in this process). Each event is rendered as it is read,
    // so only the entries, not the whole parsed stream, are held meanwhile.
    let last: RecordedEvent | undefined;
    await store.forEachVerified(stream, (e) => {
      entries.push(describeEvent(e));
      last = e;
    });
    head = last ? headOf(last) : null;
  } catch (error) {
    if (!(error instanceof ChainBrokenError) || !options.showBrokenChain) throw error;
    rendered.delete(caseId);
    const { events: count, firstBroken } = error.verification;
    const before = (firstBroken?.version ?? 1) - 1;
    // Only the links before the break are vouched for; the rest are not shown, not even parsed.
    const vouched = before >= 1 ? await store.readStream(stream, { toVersion: before }) : [];
    return {
      chain: { ok: false, events: count, check, ...(firstBroken ? { firstBroken: { version: firstBroken.version, reason: firstBroken.reason } } : {}) },
      entries: timelineOf(vouched, options.asOf),
    };
  }
  if (entries.length === 0) return null;
  rendered.put(caseId, head, entries);
  return { chain: { ok: true, events: entries.length, check }, entries: asOfFilter(entries, options.asOf) };
}

function headOf(last: RecordedEvent): StreamHead | null {
  return typeof last.hash === 'string' ? { version: last.version, hash: last.hash } : null;
}

function asOfFilter(entries: readonly TimelineEntry[], asOf: string | undefined): TimelineEntry[] {
  return asOf === undefined ? [...entries] : entries.filter((e) => e.recordedAt <= asOf);
}

/**
 * Timelines rendered recently, per store, bounded by the number of entries held (an entry is about
 * 1 KB in memory). A caseworker opens the same case's history again and again while working on
 * it; each time only the new tail is read and rendered. Never trusted alone: see readTimeline.
 */
export class RenderedTimelines {
  private readonly byCase = new Map<string, { head: StreamHead; entries: readonly TimelineEntry[] }>();
  private held = 0;

  constructor(readonly maxEntries = 50_000) {}

  get(caseId: string): { head: StreamHead; entries: readonly TimelineEntry[] } | undefined {
    const known = this.byCase.get(caseId);
    if (known) {
      // Most recently used last.
      this.byCase.delete(caseId);
      this.byCase.set(caseId, known);
    }
    return known;
  }

  put(caseId: string, head: StreamHead | null, entries: readonly TimelineEntry[]): void {
    this.delete(caseId);
    if (!head || entries.length > this.maxEntries) return;
    this.byCase.set(caseId, { head, entries });
    this.held += entries.length;
    for (const [oldest, known] of this.byCase) {
      if (this.held <= this.maxEntries) break;
      this.byCase.delete(oldest);
      this.held -= known.entries.length;
    }
  }

  delete(caseId: string): void {
    const known = this.byCase.get(caseId);
    if (!known) return;
    this.byCase.delete(caseId);
    this.held -= known.entries.length;
  }

  get size(): { cases: number; entries: number } {
    return { cases: this.byCase.size, entries: this.held };
  }
}

const perStore = new WeakMap<EventStore, RenderedTimelines>();

/** The store's rendered timelines (one per store object, like the command path's state cache). */
export function renderedTimelines(store: EventStore): RenderedTimelines {
  let made = perStore.get(store);
  if (!made) perStore.set(store, (made = new RenderedTimelines()));
  return made;
}
