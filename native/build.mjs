// Builds the SQLite extension native/build/bistand-zstd.so (npm's postinstall and pretest run it).
// Never fails the install: without the extension the store writes new files uncompressed and says
// so in one line when it opens (src/event-store/sqlite/zstd.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'bistand-zstd.c');
const output = join(here, 'build', 'bistand-zstd.so');
// SQLite's extension header as better-sqlite3 ships it (the same SQLite the extension runs in).
const include = join(here, '..', 'node_modules', 'better-sqlite3', 'deps', 'sqlite3');
// The runtime library, not the -dev package (no zstd.h here): the exact file name.
const libzstd = process.env.BISTAND_LIBZSTD ?? '-l:libzstd.so.1';

const upToDate = existsSync(output) && statSync(output).mtimeMs >= statSync(source).mtimeMs;
if (upToDate && !process.argv.includes('--force')) process.exit(0);
try {
  mkdirSync(dirname(output), { recursive: true });
  const temp = `${output}.${process.pid}.tmp`;
  execFileSync(process.env.CC ?? 'cc', ['-O2', '-shared', '-fPIC', '-Wall', '-I', include, '-o', temp, source, libzstd], { stdio: ['ignore', 'ignore', 'pipe'] });
  renameSync(temp, output); // whole or not at all: a test run may be loading it
  console.log(`bistand: built ${output}`);
} catch (error) {
  const detail = (error.stderr?.toString() || error.message).trim().split('\n')[0];
  console.warn(`bistand: the zstd extension was not built (${detail}); event stores will be written uncompressed`);
}
