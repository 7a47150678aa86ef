/* SPDX-License-Identifier: MIT */
/*
 * vsnprintf and the hypervisor's printf/panic.  The formatting itself is
 * lib/format.c, shared with the guest port.
 */
#include <core/console.h>
#include <core/lib.h>
#include <hal/console.h>
#include <hal/cpu.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    return hestia_vformat(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void core_printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(buf))
        n = sizeof(buf) - 1; /* truncated lines still get printed */
    console_hyp_write(buf, (size_t)n);
}

HAL_NORETURN void core_panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    hal_irq_save();
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    /* Straight to the device: the console lock may be held by the panicking path. */
    for (const char *p = "\nHESTIA PANIC: "; *p; p++)
        hal_console_putc(*p);
    for (const char *p = buf; *p; p++)
        hal_console_putc(*p);
    hal_console_putc('\n');
    hal_platform_exit(1);
}
