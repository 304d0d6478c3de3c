import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DevAuthConfig } from '../config/config.js';

/**
 * The HS256 key of development tokens: AUTH_DEV_SECRET when set, else the key file beside the
 * event store (`auth-dev.key`, 32 random bytes base64url, mode 0600), written on first use by the
 * service or by `npm run cli -- token`, whichever comes first.
 */
export function devSigningKey(auth: DevAuthConfig): Uint8Array {
  if (auth.secret !== null) return new TextEncoder().encode(auth.secret);
  return new TextEncoder().encode(readOrCreateKeyFile(auth.keyFile));
}

function readOrCreateKeyFile(path: string): string {
  const existing = tryRead(path);
  if (existing !== null) return existing;
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const written = tryRead(path);
  if (written === null) throw new Error(`the development key file ${path} could not be read back`);
  return written;
}

function tryRead(path: string): string | null {
  try {
    const text = readFileSync(path, 'utf8').trim();
    if (text.length < 32) throw new Error(`the development key file ${path} holds fewer than 32 characters; delete it to have a new one made`);
    return text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
