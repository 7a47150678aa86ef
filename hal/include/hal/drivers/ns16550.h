/* SPDX-License-Identifier: MIT */
/*
 * NS16550 UART, shared by the PC (port I/O at 0x3F8) and e500 (MMIO in
 * CCSR) platforms.  The arch supplies register accessors; the driver does
 * the rest.
 */
#ifndef HAL_DRIVERS_NS16550_H
#define HAL_DRIVERS_NS16550_H

#include <hal/types.h>

struct ns16550 {
    uintptr_t base;  /* I/O port or mapped MMIO address */
    unsigned stride; /* bytes between registers (1 on both platforms) */
    uint8_t (*read)(uintptr_t addr);
    void (*write)(uintptr_t addr, uint8_t val);
};

/* 8N1, FIFOs on, interrupts off; divisor for baud from a clock (0 = keep firmware's). */
void ns16550_init(const struct ns16550 *u, uint32_t clock_hz, uint32_t baud);
/* Wait for room in the transmitter and send c ("\n" is not translated). */
void ns16550_putc(const struct ns16550 *u, char c);
/* A received byte, or -1 if none is waiting. */
int ns16550_getc(const struct ns16550 *u);
/* Enable or disable the receive-data interrupt. */
void ns16550_rx_irq(const struct ns16550 *u, bool on);

#endif
