#ifndef CICU_WORDS_H
#define CICU_WORDS_H

#include <stdint.h>

/* Word segmentation with ICU's break iterator over UTF-8 text.
 * Only plain C types cross this header: Foundation on Linux ships its own ICU, whose clang
 * module clashes with the system ICU headers if both are visible to one Swift module. */

typedef struct cicu_words cicu_words;

/* Opens a segmenter over `len` bytes of valid UTF-8 at `text` (not copied: keep it alive until
 * close). Returns NULL and sets *err (an ICU error code) on failure. */
cicu_words *cicu_words_open(const char *text, int64_t len, int32_t *err);

/* Points an open segmenter at new text, reusing its iterator. Returns 0 or an ICU error code. */
int32_t cicu_words_reset(cicu_words *w, const char *text, int64_t len);

/* Writes up to `cap` segments as UTF-8 byte ranges [starts[i], ends[i]) relative to the text.
 * Segments that begin with a whitespace code point are skipped. Returns the number written;
 * 0 means the text is exhausted. */
int32_t cicu_words_next(cicu_words *w, int32_t *starts, int32_t *ends, int32_t cap);

void cicu_words_close(cicu_words *w);

/* ICU's version as "major.minor". */
const char *cicu_version(void);

#endif
