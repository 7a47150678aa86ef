/* SPDX-License-Identifier: MIT */
/* The PC console: the shared NS16550 driver on COM1 through port I/O. */
#include <hal/console.h>
#include <hal/drivers/ns16550.h>
#include <pc/pc.h>
#include <x86_common/io.h>

static uint8_t port_read(uintptr_t addr)
{
    return inb((uint16_t)addr);
}

static void port_write(uintptr_t addr, uint8_t v)
{
    outb((uint16_t)addr, v);
}

static const struct ns16550 com1 = {
    .base = PC_COM1,
    .stride = 1,
    .read = port_read,
    .write = port_write,
};

void pc_uart_init(void)
{
    /* 115200 from the PC's 1.8432 MHz UART clock. */
    ns16550_init(&com1, 1843200, 115200);
}

void pc_uart_enable_rx_irq(void)
{
    ioapic_route(PC_COM1_IRQ, PC_VEC_UART);
    ns16550_rx_irq(&com1, true);
}

/* Write one byte to COM1, waiting while the transmitter is busy. */
void hal_console_putc(char c)
{
    ns16550_putc(&com1, c);
}

/* One received byte from COM1, or -1. */
int hal_console_getc(void)
{
    return ns16550_getc(&com1);
}
