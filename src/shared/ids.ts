import { createHash } from 'node:crypto';

/**
 * A stable UUID-shaped id from a seed (SHA-256, version nibble 8 = custom, RFC 9562 variant), so a
 * retried request with the same Idempotency-Key names the same case, payment or event every time.
 */
export function uuidFromSeed(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
