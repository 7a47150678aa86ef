/* SPDX-License-Identifier: MIT */
#include <hal/drivers/ns16550.h>

enum {
    REG_RBR_THR = 0, /* receive buffer / transmit holding (DLL when DLAB) */
    REG_IER = 1,     /* interrupt enable (DLM when DLAB) */
    REG_FCR = 2,
    REG_LCR = 3,
    REG_MCR = 4,
    REG_LSR = 5,
};
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define LCR_DLAB 0x80
#define LCR_8N1 0x03

static uint8_t rd(const struct ns16550 *u, unsigned reg)
{
    return u->read(u->base + reg * u->stride);
}

static void wr(const struct ns16550 *u, unsigned reg, uint8_t v)
{
    u->write(u->base + reg * u->stride, v);
}

void ns16550_init(const struct ns16550 *u, uint32_t clock_hz, uint32_t baud)
{
    wr(u, REG_IER, 0);
    if (clock_hz && baud) {
        uint32_t div = clock_hz / (16 * baud);
        wr(u, REG_LCR, LCR_DLAB);
        wr(u, REG_RBR_THR, div & 0xff);
        wr(u, REG_IER, (div >> 8) & 0xff);
    }
    wr(u, REG_LCR, LCR_8N1);
    wr(u, REG_FCR, 0x07); /* enable and clear both FIFOs */
    wr(u, REG_MCR, 0x0b); /* DTR, RTS, OUT2 (routes the IRQ on PCs) */
}

void ns16550_putc(const struct ns16550 *u, char c)
{
    /* Bounded wait: a missing UART must not hang the hypervisor forever. */
    for (unsigned spin = 0; spin < 1000000; spin++)
        if (rd(u, REG_LSR) & LSR_THR_EMPTY)
            break;
    wr(u, REG_RBR_THR, (uint8_t)c);
}

int ns16550_getc(const struct ns16550 *u)
{
    if (!(rd(u, REG_LSR) & LSR_DATA_READY))
        return -1;
    return rd(u, REG_RBR_THR);
}

void ns16550_rx_irq(const struct ns16550 *u, bool on)
{
    wr(u, REG_IER, on ? 0x01 : 0x00);
}
