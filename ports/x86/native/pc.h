/* SPDX-License-Identifier: MIT */
/*
 * The PC pieces both native x86 platforms use (docs/native.md): port I/O,
 * MSRs, COM1, isa-debug-exit, the legacy PICs and the LAPIC timer
 * (pc.c).  ports/x86_64/native reuses them, as arch/x86_64 reuses arch/x86.
 */
#ifndef NATIVE_PC_H
#define NATIVE_PC_H

#include <stdint.h>

#define PC_VEC_TIMER 48
#define PC_VEC_EVENT 49 /* nat_raise_event's int */
#define PC_VEC_SPURIOUS 255

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

/* Physical address of the LAPIC (enabled in xAPIC mode by this call). */
uint64_t pc_lapic_enable(void);
/*
 * With the LAPIC mapped at va: mask the legacy PICs, software-enable the
 * LAPIC, calibrate the TSC and the LAPIC timer against PIT channel 2;
 * returns the TSC's rate in Hz (rounded to 1 MHz).
 */
uint64_t pc_timer_init(uintptr_t lapic_va);
/* End of interrupt for the LAPIC timer. */
void pc_lapic_eoi(void);

#endif
