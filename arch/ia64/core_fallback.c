/* SPDX-License-Identifier: MIT */
/*
 * Weak stand-ins for the two core/ services the bring-up stub uses, so the
 * image links while core/ is incomplete.  The real core_panic/core_printf
 * (core/) override them at link time as soon as they exist.
 */
#include <hal/cpu.h>
#include <hal/entry.h>

#include "ia64.h"

__attribute__((weak)) void core_printf(const char *fmt, ...)
{
    ia64_puts(fmt); /* unformatted: enough for the stub's fixed messages */
}

__attribute__((weak)) HAL_NORETURN void core_panic(const char *fmt, ...)
{
    ia64_puts("\nPANIC: ");
    ia64_puts(fmt);
    ia64_puts("\n");
    hal_platform_exit(1);
}
