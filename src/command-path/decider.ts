/** A fact as a decider produces it; the command path adds ids and metadata. */
export interface DomainEvent<T extends string = string, D = unknown> {
  readonly type: T;
  readonly data: D;
  /** Defaults to 1; bump with an upcaster when the shape changes. */
  readonly schemaVersion?: number;
}

export interface Decider<S, C, E extends DomainEvent = DomainEvent> {
  readonly initialState: S;
  evolve(state: S, event: E): S;
  /** Pure: throws DomainRuleError when a rule is broken; returns the new facts otherwise. */
  decide(command: C, state: S): readonly E[];
}

/** Who asks, and under which request: comes from the authenticated identity, never the body. */
export interface CommandContext {
  readonly actor: string;
  readonly role: string;
  readonly unit?: string;
  readonly correlationId: string;
  readonly causationId?: string | null;
  readonly idempotencyKey?: string | null;
  readonly requestHash?: string | null;
  /** From If-Match; when present, a conflict is answered 412 and never retried. */
  readonly expectedVersion?: number;
  /** Instant of the request, from the injected clock. */
  readonly now: Date;
}
