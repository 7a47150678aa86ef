/* SPDX-License-Identifier: MIT */
/*
 * Console input for core/: kept apart from uart.c so a bring-up image that
 * has no core (arch/x86 stub) does not pull it in.
 */
#include <hal/console.h>
#include <hal/entry.h>
#include <pc/pc.h>

void pc_uart_poll(void)
{
    /* Bounded: a stuck "data ready" must not livelock the interrupt handler. */
    for (int i = 0; i < 64; i++) {
        int c = hal_console_getc();
        if (c < 0)
            break;
        core_console_input(c);
    }
}
