import type { DomainEvent } from '../command-path/decider.js';
import { evolveCase } from '../cases/case-evolve.js';
import { emptyCase, type CaseState } from '../cases/case-state.js';
import type { NewEvent } from '../event-store/event-store.port.js';
import type { LocalDate } from '../shared/dates.js';
import type { Prng } from './prng.js';

/** Who carries out a step of the story: the actor and role stamped on the events. */
export interface Actor {
  readonly id: string;
  readonly role: string;
}

export type Decide<C> = (command: C, state: CaseState) => readonly DomainEvent[];

/**
 * Runs a case's story through the real deciders, the way the command path does (fold evolve,
 * decide, turn the facts into NewEvents with who/when/why) but in memory: the generator is the
 * only writer of these streams, so it keeps the state itself instead of reading it back.
 * recordedAt follows the story's dates: office hours on the day of the step, never going back.
 */
export class CaseRecorder {
  state: CaseState = emptyCase;
  readonly events: NewEvent[] = [];
  /** The story day of each event (parallel to `events`), for grouping appends by month. */
  readonly days: LocalDate[] = [];
  private lastMs = 0;

  constructor(private readonly ids: Prng) {}

  run<C>(decide: Decide<C>, command: C, who: Actor, on: LocalDate): readonly DomainEvent[] {
    const decided = decide(command, this.state);
    if (decided.length === 0) return decided;
    const recordedAt = this.tick(on);
    const correlationId = this.ids.uuid();
    for (const e of decided) {
      this.events.push({
        id: this.ids.uuid(),
        type: e.type,
        schemaVersion: e.schemaVersion ?? 1,
        data: e.data,
        metadata: { actor: who.id, role: who.role, correlationId, causationId: null, idempotencyKey: null, requestHash: null, recordedAt },
      });
      this.days.push(on);
      this.state = evolveCase(this.state, e);
    }
    return decided;
  }

  /** 07:00–15:00 UTC on the story day (office hours in Stockholm), strictly after the last event. */
  private tick(on: LocalDate): string {
    const dayStart = Date.parse(`${on}T07:00:00.000Z`);
    const minutes = 1 + (this.ids.next() % 25);
    const next = Math.max(this.lastMs + minutes * 60_000, dayStart + (this.ids.next() % 90) * 60_000);
    this.lastMs = next;
    return new Date(next).toISOString();
  }
}
