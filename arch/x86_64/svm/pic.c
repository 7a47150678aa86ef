/* SPDX-License-Identifier: MIT */
/*
 * The two cascaded i8259 PICs of an HVM guest (master 0x20/0x21, slave
 * 0xa0/0xa1 on the master's IR2): initialization words, mask, EOI
 * (non-specific and specific), IRR / ISR reads, fixed priority (IR0
 * highest).  Every input is edge-triggered: the devices raise a line when
 * it goes from low to high.  Rotation, special mask and poll mode are not
 * modelled (Linux does not use them); their commands are ignored.
 */
#include "svm.h"

static void pic_reset(struct svm_pic *p)
{
    p->irr = p->isr = p->imr = 0;
    p->read_isr = false;
    p->auto_eoi = false;
}

/*
 * The IR line with the highest priority (the lowest number) that may
 * interrupt now, or -1.  Asked before every VMRUN, so in bit operations:
 * an unmasked request b interrupts unless b or a line above it is in
 * service.
 */
static int best(const struct svm_pic *p, uint8_t irr)
{
    unsigned pend = irr & (uint8_t)~p->imr;
    if (!pend)
        return -1;
    int b = __builtin_ctz(pend);
    if (p->isr && __builtin_ctz(p->isr) <= b)
        return -1;
    return b;
}

static uint8_t master_irr(const struct svm_pics *pics)
{
    return (uint8_t)(pics->p[0].irr |
                     (best(&pics->p[1], pics->p[1].irr) >= 0 ? 1u << 2 : 0));
}

void svm_pic_raise(struct svm_pics *pics, unsigned irq)
{
    if (irq < 8)
        pics->p[0].irr |= (uint8_t)(1u << irq);
    else if (irq < 16)
        pics->p[1].irr |= (uint8_t)(1u << (irq - 8));
}

bool svm_pic_pending(const struct svm_pics *pics)
{
    if (!pics->p[0].irr && !pics->p[1].irr)
        return false; /* nearly every exit */
    return best(&pics->p[0], master_irr(pics)) >= 0;
}

static unsigned take(struct svm_pic *p, int b)
{
    p->irr &= (uint8_t) ~(1u << b);
    if (!p->auto_eoi)
        p->isr |= (uint8_t)(1u << b);
    return p->vbase + (unsigned)b;
}

int svm_pic_ack(struct svm_pics *pics)
{
    int b = best(&pics->p[0], master_irr(pics));
    if (b < 0)
        return -1;
    int sb = b == 2 ? best(&pics->p[1], pics->p[1].irr) : -1;
    if (sb < 0)
        return (int)take(&pics->p[0], b);
    /* The slave's interrupt: the master acknowledges its cascade input IR2. */
    pics->p[0].irr |= 1u << 2;
    take(&pics->p[0], 2);
    return (int)take(&pics->p[1], sb);
}

static void eoi(struct svm_pic *p, uint8_t val)
{
    unsigned cmd = val >> 5;
    if (cmd == 1) { /* non-specific: the highest priority in service */
        for (int b = 0; b < 8; b++) {
            if (p->isr & (1u << b)) {
                p->isr &= (uint8_t) ~(1u << b);
                break;
            }
        }
    } else if (cmd == 3) { /* specific */
        p->isr &= (uint8_t) ~(1u << (val & 7));
    }
}

bool svm_pic_io(struct svm_pics *pics, uint16_t port, bool in, uint32_t *val)
{
    unsigned chip;
    if (port == 0x20 || port == 0x21)
        chip = 0;
    else if (port == 0xa0 || port == 0xa1)
        chip = 1;
    else if (port == 0x4d0 || port == 0x4d1) { /* ELCR: all edge-triggered, writes kept */
        if (in)
            *val = pics->elcr[port & 1];
        else
            pics->elcr[port & 1] = (uint8_t)*val;
        return true;
    } else
        return false;
    struct svm_pic *p = &pics->p[chip];
    uint8_t v = (uint8_t)*val;
    if (in) {
        *val = (port & 1) ? p->imr : p->read_isr ? p->isr : p->irr;
        return true;
    }
    if (!(port & 1)) {
        if (v & 0x10) { /* ICW1 */
            pic_reset(p);
            p->icw_step = 2;
            p->icw4 = v & 1;
        } else if (v & 0x08) { /* OCW3 */
            if (v & 2)
                p->read_isr = v & 1;
        } else { /* OCW2 */
            eoi(p, v);
        }
        return true;
    }
    switch (p->icw_step) {
    case 2:
        p->vbase = v & 0xf8;
        p->icw_step = 3;
        break;
    case 3:
        p->icw_step = p->icw4 ? 4 : 0;
        break;
    case 4:
        p->auto_eoi = v & 2;
        p->icw_step = 0;
        break;
    default:
        p->imr = v;
        break;
    }
    return true;
}

void svm_pic_init(struct svm_pics *pics)
{
    __builtin_memset(pics, 0, sizeof(*pics));
    pics->p[0].vbase = 0x08; /* the BIOS's defaults until the guest programs them */
    pics->p[1].vbase = 0x70;
    pics->p[0].imr = pics->p[1].imr = 0xff;
}
