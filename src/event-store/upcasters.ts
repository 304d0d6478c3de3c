import type { RecordedEvent } from './event-store.port.js';

/** Turns (type, schemaVersion n) into schemaVersion n+1. Registered per event type. */
export type Upcaster = (data: any, event: RecordedEvent) => unknown;

/**
 * Registry of upcasters, applied on every read so that deciders and projections only ever see the
 * current shape. The stored bytes never change (the chain covers them).
 */
export class UpcasterRegistry {
  private readonly steps = new Map<string, Map<number, Upcaster>>();
  private readonly current = new Map<string, number>();

  register(type: string, fromSchemaVersion: number, upcast: Upcaster): this {
    let byVersion = this.steps.get(type);
    if (!byVersion) this.steps.set(type, (byVersion = new Map()));
    if (byVersion.has(fromSchemaVersion)) throw new Error(`upcaster for ${type} v${fromSchemaVersion} registered twice`);
    byVersion.set(fromSchemaVersion, upcast);
    this.current.set(type, Math.max(this.current.get(type) ?? 1, fromSchemaVersion + 1));
    return this;
  }

  currentVersion(type: string): number {
    return this.current.get(type) ?? 1;
  }

  upcast<E extends RecordedEvent>(event: E): E {
    const byVersion = this.steps.get(event.type);
    if (!byVersion) return event;
    let data: unknown = event.data;
    let v = event.schemaVersion;
    for (let step = byVersion.get(v); step; step = byVersion.get(v)) {
      data = step(data, event);
      v += 1;
    }
    return v === event.schemaVersion ? event : { ...event, data, schemaVersion: v };
  }
}
