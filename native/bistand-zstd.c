/*
 * bistand-zstd: zstd with dictionaries kept in the database file, as SQLite functions.
 *
 *   zstd_pack(dict_id, text) -> BLOB  the text compressed with dictionary dict_id of this file
 *                                     (the text itself when that is not smaller; NULL stays NULL)
 *   zstd_text(value)         -> TEXT  a BLOB made by zstd_pack decompressed; anything else as it is
 *   hash_text(value)         -> TEXT  a BLOB as lowercase hex (hashes stored as their 32 bytes); anything else as it is
 *   zstd_version()           -> TEXT  libzstd's version, "1.5.4"
 *
 * A packed value: one byte, the dictionary's id in zstd_dictionaries (1-127), then a zstd frame
 * without its 4-byte magic number, dictionary id or checksum (the event's hash guards the content).
 * Dictionaries are read through the calling connection and kept per connection, prepared.
 *
 * A value that cannot be decompressed reads as a text that is not JSON ("zstd_text: ..."): the
 * store then sees it as content changed behind its back, the same as an edited text.
 *
 * The zstd headers are not installed on these machines, the runtime library is (Debian: a
 * dependency of dpkg): the few stable functions used are declared here and the library is linked
 * as -l:libzstd.so.1 (native/build.mjs).
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ——— libzstd's stable API (zstd.h, 1.4.0 and later) ——— */
typedef struct ZSTD_CCtx_s ZSTD_CCtx;
typedef struct ZSTD_DCtx_s ZSTD_DCtx;
typedef struct ZSTD_CDict_s ZSTD_CDict;
typedef struct ZSTD_DDict_s ZSTD_DDict;
unsigned ZSTD_versionNumber(void);
unsigned ZSTD_isError(size_t code);
const char *ZSTD_getErrorName(size_t code);
size_t ZSTD_compressBound(size_t srcSize);
ZSTD_CCtx *ZSTD_createCCtx(void);
size_t ZSTD_freeCCtx(ZSTD_CCtx *cctx);
ZSTD_DCtx *ZSTD_createDCtx(void);
size_t ZSTD_freeDCtx(ZSTD_DCtx *dctx);
ZSTD_CDict *ZSTD_createCDict(const void *dict, size_t dictSize, int compressionLevel);
size_t ZSTD_freeCDict(ZSTD_CDict *cdict);
ZSTD_DDict *ZSTD_createDDict(const void *dict, size_t dictSize);
size_t ZSTD_freeDDict(ZSTD_DDict *ddict);
size_t ZSTD_CCtx_setParameter(ZSTD_CCtx *cctx, int param, int value);
size_t ZSTD_CCtx_refCDict(ZSTD_CCtx *cctx, const ZSTD_CDict *cdict);
size_t ZSTD_compress2(ZSTD_CCtx *cctx, void *dst, size_t dstCapacity, const void *src, size_t srcSize);
size_t ZSTD_decompress_usingDDict(ZSTD_DCtx *dctx, void *dst, size_t dstCapacity, const void *src, size_t srcSize, const ZSTD_DDict *ddict);
unsigned long long ZSTD_getFrameContentSize(const void *src, size_t srcSize);
#define ZSTD_c_checksumFlag 201
#define ZSTD_c_dictIDFlag 202
#define ZSTD_CONTENTSIZE_UNKNOWN (0ULL - 1)
#define ZSTD_CONTENTSIZE_ERROR (0ULL - 2)

#define MAGIC_SIZE 4
static const unsigned char MAGIC[MAGIC_SIZE] = {0x28, 0xB5, 0x2F, 0xFD}; /* 0xFD2FB528, little-endian */
#define MAX_DICTS 128
/* Level 3 (zstd's default): on 2 000 households' rows, levels 1 and 6 gave larger rows with these dictionaries. */
#ifndef LEVEL
#define LEVEL 3
#endif
/* Events are JSON of a few KB at most; a bigger claimed size is a damaged value, not an allocation to try. */
#define MAX_TEXT (64 * 1024 * 1024)

typedef struct {
  int refs; /* one per function registered with it */
  ZSTD_CCtx *cctx;
  ZSTD_DCtx *dctx;
  ZSTD_CDict *cdict[MAX_DICTS];
  ZSTD_DDict *ddict[MAX_DICTS];
} Conn;

static void conn_release(void *p) {
  Conn *c = p;
  if (--c->refs > 0) return;
  for (int i = 0; i < MAX_DICTS; i++) {
    if (c->cdict[i]) ZSTD_freeCDict(c->cdict[i]);
    if (c->ddict[i]) ZSTD_freeDDict(c->ddict[i]);
  }
  if (c->cctx) ZSTD_freeCCtx(c->cctx);
  if (c->dctx) ZSTD_freeDCtx(c->dctx);
  sqlite3_free(c);
}

/* The dictionary's bytes from this connection's file; a message for sqlite3_free when it has none. */
static char *read_dict(sqlite3_context *ctx, int id, void **out, int *size) {
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  sqlite3_stmt *stmt = 0;
  char *error = 0;
  *out = 0;
  if (sqlite3_prepare_v2(db, "SELECT dict FROM zstd_dictionaries WHERE id = ?", -1, &stmt, 0) != SQLITE_OK) {
    error = sqlite3_mprintf("no zstd dictionary %d in this file (%s)", id, sqlite3_errmsg(db));
  } else {
    sqlite3_bind_int(stmt, 1, id);
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) == SQLITE_BLOB) {
      *size = sqlite3_column_bytes(stmt, 0);
      *out = sqlite3_malloc(*size > 0 ? *size : 1);
      if (*out) memcpy(*out, sqlite3_column_blob(stmt, 0), *size);
      else error = sqlite3_mprintf("out of memory");
    } else error = sqlite3_mprintf("no zstd dictionary %d in this file", id);
  }
  sqlite3_finalize(stmt);
  return error;
}

/* Dictionary id of this file made ready by make; a message for sqlite3_free when it cannot be. */
static char *make_dict(sqlite3_context *ctx, int id, void *(*make)(const void *, size_t), void **out) {
  void *bytes;
  int size;
  char *error = read_dict(ctx, id, &bytes, &size);
  if (error) return error;
  *out = make(bytes, (size_t)size);
  sqlite3_free(bytes);
  return *out ? 0 : sqlite3_mprintf("zstd dictionary %d is not a dictionary zstd can use", id);
}

static void *make_cdict(const void *bytes, size_t size) { return ZSTD_createCDict(bytes, size, LEVEL); }
static void *make_ddict(const void *bytes, size_t size) { return ZSTD_createDDict(bytes, size); }

/* The connection's prepared dictionaries, made on first use. */
static char *get_cdict(sqlite3_context *ctx, Conn *c, int id, ZSTD_CDict **out) {
  void *made = c->cdict[id];
  char *error = made ? 0 : make_dict(ctx, id, make_cdict, &made);
  if (!error) *out = c->cdict[id] = made;
  return error;
}

static char *get_ddict(sqlite3_context *ctx, Conn *c, int id, ZSTD_DDict **out) {
  void *made = c->ddict[id];
  char *error = made ? 0 : make_dict(ctx, id, make_ddict, &made);
  if (!error) *out = c->ddict[id] = made;
  return error;
}

static void zstd_pack(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  Conn *c = sqlite3_user_data(ctx);
  (void)argc;
  if (sqlite3_value_type(argv[1]) != SQLITE_TEXT) {
    sqlite3_result_value(ctx, argv[1]);
    return;
  }
  sqlite3_int64 id = sqlite3_value_int64(argv[0]);
  if (sqlite3_value_type(argv[0]) != SQLITE_INTEGER || id < 1 || id >= MAX_DICTS) {
    sqlite3_result_error(ctx, "zstd_pack: the dictionary id must be an integer from 1 to 127", -1);
    return;
  }
  const unsigned char *text = sqlite3_value_text(argv[1]);
  size_t n = (size_t)sqlite3_value_bytes(argv[1]);
  ZSTD_CDict *cdict = 0;
  char *error = get_cdict(ctx, c, (int)id, &cdict);
  if (error) {
    sqlite3_result_error(ctx, error, -1);
    sqlite3_free(error);
    return;
  }
  size_t capacity = 1 + ZSTD_compressBound(n);
  unsigned char *out = sqlite3_malloc64(capacity);
  if (!out) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  size_t r = ZSTD_CCtx_refCDict(c->cctx, cdict);
  if (!ZSTD_isError(r)) r = ZSTD_compress2(c->cctx, out + 1, capacity - 1, text, n);
  if (ZSTD_isError(r)) {
    char *message = sqlite3_mprintf("zstd_pack: %s", ZSTD_getErrorName(r));
    sqlite3_result_error(ctx, message, -1);
    sqlite3_free(message);
    sqlite3_free(out);
    return;
  }
  /* The frame as written starts with the magic: drop it (it is the same in every value). */
  if (r < MAGIC_SIZE || memcmp(out + 1, MAGIC, MAGIC_SIZE) != 0) {
    sqlite3_result_error(ctx, "zstd_pack: the frame does not start with zstd's magic number", -1);
    sqlite3_free(out);
    return;
  }
  size_t packed = 1 + r - MAGIC_SIZE;
  if (packed >= n) {
    sqlite3_free(out);
    sqlite3_result_value(ctx, argv[1]);
    return;
  }
  memmove(out + 1, out + 1 + MAGIC_SIZE, r - MAGIC_SIZE);
  out[0] = (unsigned char)id;
  sqlite3_result_blob64(ctx, out, packed, sqlite3_free);
}

/* A text that is not JSON: read as content changed. */
static void unreadable(sqlite3_context *ctx, const char *why) {
  char *message = sqlite3_mprintf("zstd_text: cannot decompress: %s", why);
  sqlite3_result_text(ctx, message, -1, sqlite3_free);
}

static void zstd_text(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  Conn *c = sqlite3_user_data(ctx);
  (void)argc;
  if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
    sqlite3_result_value(ctx, argv[0]);
    return;
  }
  const unsigned char *blob = sqlite3_value_blob(argv[0]);
  size_t n = (size_t)sqlite3_value_bytes(argv[0]);
  if (n < 2 || blob[0] < 1 || blob[0] >= MAX_DICTS) {
    unreadable(ctx, "not a value zstd_pack made");
    return;
  }
  ZSTD_DDict *ddict = 0;
  char *error = get_ddict(ctx, c, blob[0], &ddict);
  if (error) {
    unreadable(ctx, error);
    sqlite3_free(error);
    return;
  }
  /* The frame with its magic put back: events are small, so on the stack. */
  unsigned char stack[8192];
  size_t frameSize = n - 1 + MAGIC_SIZE;
  unsigned char *frame = frameSize <= sizeof stack ? stack : sqlite3_malloc64(frameSize);
  if (!frame) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  memcpy(frame, MAGIC, MAGIC_SIZE);
  memcpy(frame + MAGIC_SIZE, blob + 1, n - 1);
  unsigned long long size = ZSTD_getFrameContentSize(frame, frameSize);
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > MAX_TEXT) {
    if (frame != stack) sqlite3_free(frame);
    unreadable(ctx, "no zstd frame, or a damaged one");
    return;
  }
  char *text = sqlite3_malloc64(size + 1);
  if (!text) {
    if (frame != stack) sqlite3_free(frame);
    sqlite3_result_error_nomem(ctx);
    return;
  }
  size_t r = ZSTD_decompress_usingDDict(c->dctx, text, size, frame, frameSize, ddict);
  if (frame != stack) sqlite3_free(frame);
  if (ZSTD_isError(r) || r != size) {
    sqlite3_free(text);
    unreadable(ctx, ZSTD_isError(r) ? ZSTD_getErrorName(r) : "shorter than its frame says");
    return;
  }
  text[size] = 0;
  sqlite3_result_text64(ctx, text, size, sqlite3_free, SQLITE_UTF8);
}

/* A hash stored as its 32 bytes, read as the 64 lowercase hex digits the chain compares; a TEXT (older rows) as it is. */
static void hash_text(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  static const char digits[] = "0123456789abcdef";
  (void)argc;
  if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
    sqlite3_result_value(ctx, argv[0]);
    return;
  }
  const unsigned char *blob = sqlite3_value_blob(argv[0]);
  int n = sqlite3_value_bytes(argv[0]);
  char stack[129];
  char *hex = n <= 64 ? stack : sqlite3_malloc64(2 * (sqlite3_uint64)n + 1);
  if (!hex) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  for (int i = 0; i < n; i++) {
    hex[2 * i] = digits[blob[i] >> 4];
    hex[2 * i + 1] = digits[blob[i] & 15];
  }
  sqlite3_result_text(ctx, hex, 2 * n, hex == stack ? SQLITE_TRANSIENT : sqlite3_free);
}

static void zstd_version(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  (void)argv;
  unsigned v = ZSTD_versionNumber();
  char s[32];
  snprintf(s, sizeof s, "%u.%u.%u", v / 10000, v / 100 % 100, v % 100);
  sqlite3_result_text(ctx, s, -1, SQLITE_TRANSIENT);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_bistandzstd_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
  SQLITE_EXTENSION_INIT2(pApi);
  Conn *c = sqlite3_malloc(sizeof *c);
  if (!c) return SQLITE_NOMEM;
  memset(c, 0, sizeof *c);
  c->cctx = ZSTD_createCCtx();
  c->dctx = ZSTD_createDCtx();
  size_t r = c->cctx ? ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_checksumFlag, 0) : 0;
  if (!ZSTD_isError(r) && c->cctx) r = ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_dictIDFlag, 0);
  if (!c->cctx || !c->dctx || ZSTD_isError(r)) {
    c->refs = 1;
    conn_release(c);
    if (pzErrMsg) *pzErrMsg = sqlite3_mprintf("bistand-zstd: cannot set up zstd");
    return SQLITE_ERROR;
  }
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  /* One reference per function: each is released when the connection closes, or by SQLite when
     its registration fails. */
  c->refs = 2;
  int rc = sqlite3_create_function_v2(db, "zstd_pack", 2, flags, c, zstd_pack, 0, 0, conn_release);
  if (rc != SQLITE_OK) {
    conn_release(c);
    return rc;
  }
  rc = sqlite3_create_function_v2(db, "zstd_text", 1, flags, c, zstd_text, 0, 0, conn_release);
  if (rc == SQLITE_OK) rc = sqlite3_create_function(db, "hash_text", 1, flags, 0, hash_text, 0, 0);
  if (rc == SQLITE_OK) rc = sqlite3_create_function(db, "zstd_version", 0, flags, 0, zstd_version, 0, 0);
  return rc;
}
