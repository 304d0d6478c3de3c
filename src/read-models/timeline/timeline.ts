import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { describeEvent, type TimelineEntry } from './describe-event.js';
import './texts.js';

/**
 * The case's events as Swedish entries, in stream order. With `asOf` (a UTC ISO timestamp), only
 * what had been recorded by then: the filter is on `recordedAt`, not on the legal dates.
 */
export function timelineOf(events: readonly RecordedEvent[], asOf?: string): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const e of events) if (asOf === undefined || e.metadata.recordedAt <= asOf) entries.push(describeEvent(e));
  return entries;
}
