/* SPDX-License-Identifier: MIT */
/*
 * PC platform of the native kernels (docs/native.md): COM1, isa-debug-exit,
 * interrupt on/off, the LAPIC one-shot timer (divide 16), calibrated with
 * the TSC against PIT channel 2 for 10 ms as the hypervisor does; the TSC
 * is rounded to 1 MHz (under -icount shift=0 it is exactly 1 GHz).
 */
#include <port/kernel.h>
#include <port/native.h>

#include "pc.h"

#define COM1 0x3f8
#define FLAGS_IF 0x200ul

void nat_console_putc(char c)
{
    if (c == '\n')
        nat_console_putc('\r');
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (uint8_t)c);
}

void nat_exit(unsigned status)
{
    /* isa-debug-exit (iobase 0xf4): QEMU exits with (status << 1) | 1. */
    __asm__ volatile("outl %0, %1" ::"a"(status), "Nd"((uint16_t)0xf4));
    for (;;)
        __asm__ volatile("cli; hlt");
}

unsigned long nat_irq_save(void)
{
    unsigned long f;
    __asm__ volatile("pushf; pop %0; cli" : "=r"(f)::"memory");
    return f & FLAGS_IF;
}

void nat_irq_restore(unsigned long state)
{
    if (state)
        __asm__ volatile("sti" ::: "memory");
}

void nat_idle(void)
{
    /* sti takes effect after hlt starts: no wake-up is lost in between. */
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}

void nat_raise_event(void)
{
    __asm__ volatile("int $49" ::: "memory");
}

static volatile uint32_t *lapic;
static uint64_t lapic_hz;

static void lapic_write(unsigned reg, uint32_t v)
{
    lapic[reg / 4] = v;
}
static uint32_t lapic_read(unsigned reg)
{
    return lapic[reg / 4];
}

void pc_lapic_eoi(void)
{
    lapic_write(0xb0, 0);
}

void nat_timer_arm(uint64_t delay_ns)
{
    uint64_t ticks = delay_ns * lapic_hz / 1000000000ull;
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xffffffffull)
        ticks = 0xffffffffull;
    lapic_write(0x380, (uint32_t)ticks);
}

void nat_timer_cancel(void)
{
    lapic_write(0x380, 0);
}

uint64_t pc_lapic_enable(void)
{
    uint64_t base = rdmsr(0x1b) & 0xfffff000ull;
    wrmsr(0x1b, base | 0x800); /* xAPIC enabled */
    return base;
}

uint64_t pc_timer_init(uintptr_t lapic_va)
{
    enum { PIT_HZ = 1193182, MS = 10 };
    lapic = (volatile uint32_t *)lapic_va;
    /* The legacy PICs stay masked: the LAPIC is the only interrupt source. */
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    lapic_write(0xf0, 0x100 | PC_VEC_SPURIOUS); /* software enable */
    uint16_t count = PIT_HZ * MS / 1000;
    outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01)); /* gate on, speaker off */
    outb(0x43, 0xb0);                                  /* channel 2, mode 0, binary */
    lapic_write(0x3e0, 0x3);                           /* divide by 16 */
    lapic_write(0x320, 0x10000 | PC_VEC_TIMER);        /* masked while measuring */
    outb(0x42, (uint8_t)count);
    outb(0x42, (uint8_t)(count >> 8));
    lapic_write(0x380, 0xffffffffu);
    uint64_t t0 = arch_read_counter();
    while (!(inb(0x61) & 0x20))
        ;
    uint64_t t1 = arch_read_counter();
    uint32_t left = lapic_read(0x390);
    lapic_write(0x380, 0);
    lapic_hz = (uint64_t)(0xffffffffu - left) * (1000 / MS);
    uint64_t tsc_hz = (t1 - t0) * (1000 / MS);
    tsc_hz = (tsc_hz + 500000) / 1000000 * 1000000;
    lapic_write(0x320, PC_VEC_TIMER); /* one-shot, unmasked */
    return tsc_hz ? tsc_hz : 1000000000ull;
}
