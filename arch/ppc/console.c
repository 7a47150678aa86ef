/* SPDX-License-Identifier: MIT */
/* The physical console: DUART channel 0 in CCSR, through the shared NS16550 driver. */
#include <hal/console.h>
#include <hal/drivers/ns16550.h>

#include <ppc/arch.h>

static struct ns16550 uart = {
    .base = CCSR_VIRT + CCSR_UART0,
    .stride = 1,
    .read = ccsr_read8,
    .write = ccsr_write8,
};
static bool uart_ready;

void ppc_console_init(uint32_t uart_off)
{
    if (uart_off && uart_off < CCSR_SIZE)
        uart.base = CCSR_VIRT + uart_off;
    ns16550_init(&uart, 0, 0); /* keep the firmware's (QEMU's) divisor */
    uart_ready = true;
}

void hal_console_putc(char c)
{
    if (uart_ready)
        ns16550_putc(&uart, c);
}

int hal_console_getc(void)
{
    return uart_ready ? ns16550_getc(&uart) : -1;
}

void ppc_puts(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            hal_console_putc('\r');
        hal_console_putc(*s);
    }
}
