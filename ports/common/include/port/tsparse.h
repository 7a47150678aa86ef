/* SPDX-License-Identifier: MIT */
/*
 * The toolstack's pure parsing: module labels, domU command lines, the
 * `create` arguments and script splitting.  Host-tested (tests/ports).
 */
#ifndef PORT_TSPARSE_H
#define PORT_TSPARSE_H

#include <stdbool.h>

#include <port/lib.h>

/*
 * The label of a module named "[path] [label] [key=value...]" (name is not
 * necessarily NUL-terminated within size): the first word without '=' (after
 * the path), else the role= value, else the path's base name.  The first
 * word is a path only if it contains a '/': QEMU's -initrd puts the file
 * name in front, GRUB 2 and the ppc/ia64 runners do not.
 */
void ts_module_label(const char *name, size_t size, char *out, size_t outsize);

/*
 * A domU's command line: the module's key=value words (path or not), then extra; if no
 * role= results, " role=<label>" is appended.  Returns the length.
 */
size_t ts_domu_cmdline(const char *name, size_t size, const char *extra, char *out,
                       size_t outsize);

struct ts_create_args {
    uint64_t mem_bytes;   /* default 4 MiB; a bare number below 1 MiB means MiB */
    uint64_t weight, cap; /* 0 = default / uncapped */
    uint64_t vcpus;       /* 1..HESTIA_MAX_VCPUS, default 1 (the guest starts the others) */
    char extra[256];      /* the other key=value words, for the domU's command line */
};
/* Parse the words after `create <module>`: 0 or -1 on a malformed value. */
int ts_parse_create(const struct ktok *tok, unsigned n, struct ts_create_args *a);

/*
 * Next command of a ';'-separated script starting at *pos: its start and
 * length; *pos moves past it.  Returns 0 when the script is exhausted.
 */
int ts_next_command(const char *script, size_t *pos, const char **cmd, size_t *len);

#endif
