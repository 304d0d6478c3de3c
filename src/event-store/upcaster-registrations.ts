import type { UpcasterRegistry } from './upcasters.js';

/**
 * Every schema change of a stored event type gets a step here (type, from version → next).
 * None yet: all event types are at schema version 1.
 */
export function registerUpcasters(registry: UpcasterRegistry): UpcasterRegistry {
  return registry;
}
