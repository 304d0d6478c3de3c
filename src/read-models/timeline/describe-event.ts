import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { formatKronor } from '../../shared/money.js';

/** One line of the per-client timeline, in Swedish, with who, when, why and on which rule. */
export interface TimelineEntry {
  readonly version: number;
  readonly position: number;
  readonly type: string;
  /** Swedish heading, e.g. "Beslut: beviljat". */
  readonly title: string;
  /** Swedish sentence: what happened. */
  readonly text: string;
  readonly actor: string;
  readonly role: string;
  readonly recordedAt: string;
  /** The legal date the fact takes effect or happened (YYYY-MM-DD), when it has one. */
  readonly effectiveOn: string | null;
  readonly legalReferences: readonly string[];
  readonly amounts: ReadonlyArray<{ readonly label: string; readonly ore: number; readonly text: string }>;
  readonly appealDeadline: string | null;
  readonly month: string | null;
  readonly hash: string;
}

export type Described = Partial<Pick<TimelineEntry, 'effectiveOn' | 'legalReferences' | 'amounts' | 'appealDeadline' | 'month'>> & { title: string; text: string };

type Describer = (data: any) => Described;

const describers = new Map<string, Describer>();

/** Each capability adds how its events read in the timeline. */
export function timelineText(type: string, describe: Describer): void {
  describers.set(type, describe);
}

export const amount = (label: string, ore: number) => ({ label, ore, text: formatKronor(ore) });

export function describeEvent(e: RecordedEvent): TimelineEntry {
  const d = describers.get(e.type)?.(e.data) ?? { title: e.type, text: 'Händelse registrerad.' };
  return {
    version: e.version,
    position: e.globalPosition,
    type: e.type,
    title: d.title,
    text: d.text,
    actor: e.metadata.actor,
    role: e.metadata.role,
    recordedAt: e.metadata.recordedAt,
    effectiveOn: d.effectiveOn ?? null,
    legalReferences: d.legalReferences ?? [],
    amounts: d.amounts ?? [],
    appealDeadline: d.appealDeadline ?? null,
    month: d.month ?? null,
    hash: e.hash,
  };
}
