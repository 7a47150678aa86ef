/* SPDX-License-Identifier: MIT */
/* Console, CPU and platform control on the simulator (Ski SSC calls). */
#include <hal/console.h>
#include <hal/cpu.h>

#include "ia64.h"

#define PSR_I (1ul << 14)

void hal_console_putc(char c)
{
    ia64_ssc((unsigned char)c, 0, 0, 0, SSC_PUTCHAR);
}

int hal_console_getc(void)
{
    long c = ia64_ssc(0, 0, 0, 0, SSC_GETCHAR);
    return c > 0 ? (int)(c & 0xff) : -1; /* Ski returns 0 when nothing is waiting */
}

void ia64_puts(const char *s)
{
    for (; *s; s++)
        hal_console_putc(*s);
}

void ia64_putu64(uint64_t v)
{
    char buf[21];
    unsigned i = sizeof(buf) - 1;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    ia64_puts(&buf[i]);
}

unsigned long hal_irq_save(void)
{
    unsigned long psr;
    __asm__ volatile("mov %0 = psr;; rsm psr.i;; srlz.d" : "=r"(psr) : : "memory");
    return psr & PSR_I;
}

void hal_irq_restore(unsigned long flags)
{
    if (flags & PSR_I)
        __asm__ volatile("ssm psr.i;; srlz.d" ::: "memory");
    else
        __asm__ volatile("rsm psr.i;; srlz.d" ::: "memory");
}

unsigned hal_cpu_id(void)
{
    return 0; /* one CPU until SMP bring-up */
}

HAL_NORETURN void hal_cpu_halt(void)
{
    __asm__ volatile("rsm psr.i;; srlz.d" ::: "memory");
    for (;;)
        __asm__ volatile("" ::: "memory");
}

/* The simulator's exit status is the run's verdict: 0 = pass. */
HAL_NORETURN void hal_platform_exit(int status)
{
    ia64_ssc(status, 0, 0, 0, SSC_EXIT);
    hal_cpu_halt();
}
