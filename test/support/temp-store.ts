import { afterEach, beforeEach } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A directory of its own for each test of the describe block it is called in, with the path of an
 * event store file there (not created), removed after the test: `const files = tempStoreFiles('bistand-x-')`,
 * then `files.path` and `files.dir` inside the tests.
 */
export function tempStoreFiles(prefix: string): { readonly dir: string; readonly path: string } {
  const files = { dir: '', path: '' };
  beforeEach(() => {
    files.dir = mkdtempSync(join(tmpdir(), prefix));
    files.path = join(files.dir, 'events.sqlite');
  });
  afterEach(() => rmSync(files.dir, { recursive: true, force: true }));
  return files;
}
