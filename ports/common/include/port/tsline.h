/* SPDX-License-Identifier: MIT */
/*
 * The toolstack's TCP line protocol, its pure part (host-tested in
 * tests/ports): cutting a byte stream from an untrusted client into
 * request lines.  A line ends at '\n' (a '\r' before it is dropped); a
 * line longer than TS_LINE_MAX or holding a byte that is not printable
 * text is reported as such, and the rest of it up to its '\n' is skipped,
 * so the next line starts clean.  docs/network.md has the protocol.
 */
#ifndef PORT_TSLINE_H
#define PORT_TSLINE_H

#include <stdbool.h>
#include <stddef.h>

#define TS_LINE_MAX 160 /* like the console prompt's line */

enum ts_line_status {
    TS_LINE_MORE,     /* every byte consumed, no complete line yet */
    TS_LINE_READY,    /* a line of text is in buf, NUL-terminated */
    TS_LINE_TOO_LONG, /* the line was longer than TS_LINE_MAX: skipped */
    TS_LINE_BINARY,   /* the line held a control or non-ASCII byte: skipped */
};

struct ts_line {
    char buf[TS_LINE_MAX + 1];
    size_t len;
    bool too_long, binary, cr;
};

void ts_line_init(struct ts_line *l);

/*
 * Feed up to n bytes; *used says how many were consumed.  Stops after the
 * first line that ends (READY, TOO_LONG or BINARY): call again with the
 * rest.  A READY line stays in buf until the next call.
 */
enum ts_line_status ts_line_feed(struct ts_line *l, const char *data, size_t n,
                                 size_t *used);

/* The token check: equal strings, compared in time independent of where they differ. */
bool ts_token_equal(const char *a, const char *b);

#endif
