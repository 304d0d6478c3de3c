import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

const MAGIC = 'SQLite format 3\u0000';

/**
 * What can be said about a SQLite file without opening it, in constant time: that it is one, and
 * that it is not shorter than its own header says (a file cut short by a full disk, a bad copy or a
 * bad restore). Null when nothing is wrong, when there is no file yet (a new store), or when a WAL
 * left by a crash is still to be applied (then SQLite's own checks decide).
 * See https://www.sqlite.org/fileformat.html §1.3 (header: page size at 16, change counter at 24,
 * size in pages at 28, version-valid-for at 92).
 */
export function sqliteFileProblem(path: string): string | null {
  if (path === ':memory:' || !existsSync(path)) return null;
  const size = statSync(path).size;
  if (size === 0) return null; // created but never written: SQLite treats it as a new database
  if (size < 100) return `it is ${size} bytes, shorter than a SQLite header (100 bytes): not a SQLite database, or cut short`;
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1', 0, 16) !== MAGIC) return 'it does not begin with the SQLite header: not a SQLite database, or its first page is damaged';
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return `its header names page size ${rawPageSize}: the first page is damaged`;
  // A write-ahead log left by a crash may hold the pages a checkpoint was copying: SQLite finishes
  // that on open, so until then the file may legitimately be shorter than its header says.
  const wal = `${path}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) return null;
  const changeCounter = header.readUInt32BE(24);
  const pages = header.readUInt32BE(28);
  const validFor = header.readUInt32BE(92);
  // The size in the header is only meaningful when it was written by the same change as the counter.
  if (pages > 0 && validFor === changeCounter && size < pages * pageSize) {
    return `it is ${size} bytes but its header says ${pages} pages of ${pageSize} bytes (${pages * pageSize} bytes): the file was cut short`;
  }
  if (size % pageSize !== 0) return `it is ${size} bytes, not a whole number of ${pageSize}-byte pages: the file was cut short or extended`;
  return null;
}
