#include "cicu_words.h"

#include <stdio.h>
#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>
#include <unicode/uversion.h>

struct cicu_words {
    UText *text;
    UBreakIterator *iterator;
    const uint8_t *bytes;
    int64_t length;
    int32_t start;
};

static int32_t attach(cicu_words *w, const char *text, int64_t len) {
    UErrorCode status = U_ZERO_ERROR;
    /* Reuses the existing UText (no allocation) when there is one. */
    w->text = utext_openUTF8(w->text, text, len, &status);
    if (U_FAILURE(status)) return (int32_t)status;
    ubrk_setUText(w->iterator, w->text, &status);
    if (U_FAILURE(status)) return (int32_t)status;
    w->bytes = (const uint8_t *)text;
    w->length = len;
    w->start = ubrk_first(w->iterator);
    return 0;
}

cicu_words *cicu_words_open(const char *text, int64_t len, int32_t *err) {
    UErrorCode status = U_ZERO_ERROR;
    cicu_words *w = calloc(1, sizeof(cicu_words));
    if (w == NULL) { *err = (int32_t)U_MEMORY_ALLOCATION_ERROR; return NULL; }
    /* The root locale: segmentation must not depend on the machine's locale settings. */
    w->iterator = ubrk_open(UBRK_WORD, "", NULL, 0, &status);
    if (U_FAILURE(status)) { *err = (int32_t)status; free(w); return NULL; }
    int32_t code = attach(w, text, len);
    if (code != 0) { *err = code; cicu_words_close(w); return NULL; }
    *err = 0;
    return w;
}

int32_t cicu_words_reset(cicu_words *w, const char *text, int64_t len) {
    return attach(w, text, len);
}

int32_t cicu_words_next(cicu_words *w, int32_t *starts, int32_t *ends, int32_t cap) {
    int32_t count = 0;
    while (count < cap) {
        int32_t end = ubrk_next(w->iterator);
        if (end == UBRK_DONE) break;
        int32_t start = w->start;
        w->start = end;
        /* ASCII fast path; otherwise decode the first code point to ask ICU. */
        uint8_t first = w->bytes[start];
        int whitespace;
        if (first < 0x80) {
            whitespace = (first == ' ' || (first >= 0x09 && first <= 0x0D));
        } else {
            UChar32 c;
            int32_t i = start;
            U8_NEXT(w->bytes, i, end, c);
            whitespace = c >= 0 && u_isUWhiteSpace(c);
        }
        if (whitespace) continue;
        starts[count] = start;
        ends[count] = end;
        count++;
    }
    return count;
}

void cicu_words_close(cicu_words *w) {
    if (w == NULL) return;
    if (w->iterator != NULL) ubrk_close(w->iterator);
    if (w->text != NULL) utext_close(w->text);
    free(w);
}

const char *cicu_version(void) {
    static char buffer[32];
    UVersionInfo info;
    u_getVersion(info);
    snprintf(buffer, sizeof buffer, "%d.%d", info[0], info[1]);
    return buffer;
}
