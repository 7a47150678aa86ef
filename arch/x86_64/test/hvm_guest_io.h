/* SPDX-License-Identifier: MIT */
/*
 * What both bare-metal HVM test guests (hvmtest.c, hvmhostile.c) need to
 * talk: port I/O and COM1 output, polled.  Freestanding, no hypervisor
 * headers: the guests are built on their own (arch/x86_64/meson.build).
 */
#ifndef HVM_GUEST_IO_H
#define HVM_GUEST_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

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
