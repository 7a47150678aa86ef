/* SPDX-License-Identifier: MIT */
/*
 * What both bare-metal HVM test guests (hvmtest.c, hvmhostile.c) need to
 * talk: port I/O and COM1 output, polled.  Freestanding, no hypervisor
 * headers beyond x86_common/io.h: the guests are built on their own
 * (arch/x86_64/meson.build).
 */
#ifndef HVM_GUEST_IO_H
#define HVM_GUEST_IO_H

#include <x86_common/io.h> /* outb, inb: freestanding */

static inline void putc(char c)
{
    while (!(inb(0x3fd) & 0x20)) /* THR empty */
        ;
    outb(0x3f8, (uint8_t)c);
}

static inline void puts(const char *s)
{
    while (*s)
        putc(*s++);
}

#endif
