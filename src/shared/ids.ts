import { createHash, randomUUID } from 'node:crypto';

/**
 * A stable UUID-shaped id from a seed (SHA-256, version nibble 8 = custom, RFC 9562 variant), so a
 * retried request with the same Idempotency-Key names the same case, payment or event every time.
 */
export function uuidFromSeed(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A time-ordered UUID (RFC 9562 version 7: milliseconds since 1970, then random bits), for event
 * ids: consecutive appends land next to each other in the store's id index instead of on a random
 * page each, which is most of what a group commit writes.
 */
export function uuidV7(now = Date.now()): string {
  const random = randomUUID();
  const ms = now.toString(16).padStart(12, '0');
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${random.slice(15)}`;
}
