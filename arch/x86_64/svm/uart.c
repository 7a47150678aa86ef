/* SPDX-License-Identifier: MIT */
/*
 * The 16550 UART at 0x3f8 (COM1) of an HVM guest.  Transmitted bytes go
 * to the guest's domain console at once (the transmitter is always
 * empty); received bytes come from what dom0 types into `console <dom>`.
 * Interrupts (IRQ 4 at the PIC): "received data" while a byte waits,
 * "transmitter empty" after IER enables it or a byte is sent, until an
 * IIR read reports it, as on the 16550.
 */
#include "svm.h"

#define COM1 0x3f8
#define LCR_DLAB 0x80
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

void svm_uart_init(struct svm_uart *u)
{
    __builtin_memset(u, 0, sizeof(*u));
    u->rx = -1;
}

static void fill_rx(struct hal_vcpu *hv, struct svm_uart *u)
{
    if (u->rx < 0)
        u->rx = core_hvm_console_read(hv->v);
}

bool svm_uart_io(struct hal_vcpu *hv, uint16_t port, bool in, uint32_t *val)
{
    if (port < COM1 || port > COM1 + 7)
        return false;
    struct svm_uart *u = &hv->svm->uart;
    unsigned reg = port - COM1;
    uint8_t b = (uint8_t)*val;
    bool dlab = u->lcr & LCR_DLAB;
    if (!in) {
        switch (reg) {
        case 0:
            if (dlab) {
                u->dll = b;
            } else if (u->mcr & 0x10) {
                u->rx = b; /* loopback: what is sent comes back */
            } else {
                char c = (char)b;
                core_hvm_console_write(hv->v, &c, 1);
            }
            u->thre_pending = true;
            break;
        case 1:
            if (dlab)
                u->dlm = b;
            else {
                if ((b & 2) && !(u->ier & 2))
                    u->thre_pending = true;
                u->ier = b & 0x0f;
            }
            break;
        case 3:
            u->lcr = b;
            break;
        case 4:
            u->mcr = b & 0x1f;
            break;
        case 7:
            u->scr = b;
            break;
        default:
            break; /* FCR, LSR, MSR writes: nothing to do */
        }
        return true;
    }
    uint8_t r = 0;
    switch (reg) {
    case 0:
        if (dlab) {
            r = u->dll;
        } else {
            fill_rx(hv, u);
            r = u->rx < 0 ? 0 : (uint8_t)u->rx;
            u->rx = -1;
        }
        break;
    case 1:
        r = dlab ? u->dlm : u->ier;
        break;
    case 2: /* FIFOs enabled; the pending interrupt of highest priority */
        fill_rx(hv, u);
        if ((u->ier & 1) && u->rx >= 0) {
            r = 0xc4;
        } else if ((u->ier & 2) && u->thre_pending) {
            r = 0xc2;
            u->thre_pending = false;
        } else {
            r = 0xc1;
        }
        break;
    case 3:
        r = u->lcr;
        break;
    case 4:
        r = u->mcr;
        break;
    case 5:
        fill_rx(hv, u);
        r = LSR_THRE | LSR_TEMT | (u->rx >= 0 ? LSR_DR : 0);
        break;
    case 6:
        /* Modem status: in loopback the outputs come back, else CTS DSR DCD. */
        r = u->mcr & 0x10 ? (uint8_t)(((u->mcr & 0x0c) << 4) | ((u->mcr & 0x03) << 4))
                          : 0xb0;
        break;
    case 7:
        r = u->scr;
        break;
    }
    *val = r;
    return true;
}

bool svm_uart_irq(struct hal_vcpu *hv, bool poll)
{
    struct svm_uart *u = &hv->svm->uart;
    if ((u->ier & 1) && poll)
        fill_rx(hv, u);
    return ((u->ier & 1) && u->rx >= 0) || ((u->ier & 2) && u->thre_pending);
}
