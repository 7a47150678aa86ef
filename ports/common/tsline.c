/* SPDX-License-Identifier: MIT */
/* The toolstack's TCP line protocol, its pure part (see tsline.h). */
#include <port/tsline.h>

void ts_line_init(struct ts_line *l)
{
    l->len = 0;
    l->buf[0] = '\0';
    l->too_long = l->binary = l->cr = false;
}

static bool is_text(unsigned char c)
{
    return c == '\t' || (c >= ' ' && c < 0x7f);
}

enum ts_line_status ts_line_feed(struct ts_line *l, const char *data, size_t n,
                                 size_t *used)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == '\n') {
            *used = i + 1;
            enum ts_line_status st = l->too_long ? TS_LINE_TOO_LONG
                                     : l->binary ? TS_LINE_BINARY
                                                 : TS_LINE_READY;
            /* The caller reads buf before feeding again; the next line overwrites it. */
            l->buf[st == TS_LINE_READY ? l->len : 0] = '\0';
            l->len = 0;
            l->too_long = l->binary = l->cr = false;
            return st;
        }
        if (l->cr) /* a '\r' is allowed only right before the '\n' */
            l->binary = true;
        l->cr = c == '\r';
        if (l->too_long || l->binary || l->cr)
            continue; /* skipping the rest of a bad line */
        if (!is_text(c))
            l->binary = true;
        else if (l->len >= TS_LINE_MAX)
            l->too_long = true;
        else
            l->buf[l->len++] = (char)c;
    }
    *used = n;
    return TS_LINE_MORE;
}

bool ts_token_equal(const char *a, const char *b)
{
    /* Every byte up to the shorter end is compared: no early exit on the first difference.
     */
    unsigned diff = 0;
    size_t i = 0;
    for (;; i++) {
        diff |= (unsigned char)a[i] ^ (unsigned char)b[i];
        if (!a[i] || !b[i])
            break;
    }
    return diff == 0;
}
