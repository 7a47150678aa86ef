/* SPDX-License-Identifier: MIT */
/*
 * The i8254 PIT of an HVM guest (ports 0x40..0x43) and port 0x61
 * (channel 2's gate and output).  Counters run from the hypervisor's
 * clock at 1.193182 MHz; nothing ticks while the guest is not looking:
 * counts and IRQ 0 deadlines are computed from the time a count was
 * loaded.  Modes 0 / 1 / 4 / 5 count down once, 2 / 3 periodically.
 * Read-back, BCD counting and the gate of channels 0 and 1 are not
 * modelled (Linux uses none of them).
 */
#include "svm.h"

#define PIT_HZ 1193182ull
#define NS 1000000000ull

static uint64_t ticks_since(const struct svm_pit_ch *c, uint64_t now)
{
    return now > c->start_ns ? (now - c->start_ns) * PIT_HZ / NS : 0;
}

static uint64_t ns_of_ticks(uint64_t ticks)
{
    return ticks * NS / PIT_HZ;
}

static bool periodic(const struct svm_pit_ch *c)
{
    return (c->mode & 3) == 2;
}

static uint32_t reload(const struct svm_pit_ch *c)
{
    return c->reload ? c->reload : 0x10000u;
}

static uint16_t count_now(const struct svm_pit_ch *c, uint64_t now)
{
    if (!c->counting)
        return (uint16_t)c->reload;
    uint64_t t = ticks_since(c, now);
    uint32_t r = reload(c);
    if (periodic(c))
        return (uint16_t)(r - t % r);
    return (uint16_t)(r - t); /* wraps past 0, as the counter does */
}

static bool out_now(const struct svm_pit_ch *c, uint64_t now)
{
    if (!c->counting)
        return true;
    uint64_t t = ticks_since(c, now);
    if (periodic(c))
        return (c->mode & 1) ? t % reload(c) < reload(c) / 2 : true;
    return t >= reload(c);
}

static void load(struct svm_pit_ch *c, unsigned idx, uint64_t now)
{
    c->counting = true;
    c->start_ns = now;
    if (idx == 0)
        c->irq_ticks = reload(c);
}

uint64_t svm_pit_deadline(const struct svm_pit *p)
{
    const struct svm_pit_ch *c = &p->ch[0];
    if (!c->counting || !c->irq_ticks)
        return 0;
    return c->start_ns + ns_of_ticks(c->irq_ticks);
}

bool svm_pit_update(struct svm_pit *p, uint64_t now)
{
    struct svm_pit_ch *c = &p->ch[0];
    uint64_t dl = svm_pit_deadline(p);
    if (!dl || now < dl)
        return false;
    if (!periodic(c)) {
        c->irq_ticks = 0; /* one-shot: fired */
        return true;
    }
    /* Periodic: one interrupt however many periods passed (lost ticks are lost). */
    uint64_t t = ticks_since(c, now);
    uint32_t r = reload(c);
    c->irq_ticks = (t / r + 1) * r;
    /* Keep the products small: restart the count at the period boundary just passed. */
    if (c->irq_ticks > (1ull << 32)) {
        uint64_t base = (t / r) * r;
        c->start_ns += ns_of_ticks(base);
        c->irq_ticks -= base;
    }
    return true;
}

bool svm_pit_io(struct svm_pit *p, uint16_t port, bool in, uint32_t *val, uint64_t now)
{
    if (port == 0x61) {
        if (in)
            *val = (p->port61 & 3) | (out_now(&p->ch[2], now) ? 0x20 : 0) |
                   ((now / 15000) & 1 ? 0x10 : 0); /* refresh toggles every 15 us */
        else
            p->port61 = (uint8_t)(*val & 3);
        return true;
    }
    if (port < 0x40 || port > 0x43)
        return false;
    uint8_t v = (uint8_t)*val;
    if (port == 0x43) {
        if (in) {
            *val = 0xff;
            return true;
        }
        unsigned idx = v >> 6;
        if (idx == 3)
            return true; /* read-back: not modelled */
        struct svm_pit_ch *c = &p->ch[idx];
        if (((v >> 4) & 3) == 0) { /* latch */
            c->latch = count_now(c, now);
            c->latched = 2;
            return true;
        }
        c->rw = (v >> 4) & 3;
        c->mode = (v >> 1) & 7;
        c->flip = false;
        c->counting = false;
        if (idx == 0)
            c->irq_ticks = 0;
        return true;
    }
    unsigned idx = port - 0x40;
    struct svm_pit_ch *c = &p->ch[idx];
    if (in) {
        uint16_t cnt = c->latched ? c->latch : count_now(c, now);
        uint8_t b;
        if (c->rw == 1 || (c->rw == 3 && !c->flip))
            b = (uint8_t)cnt;
        else
            b = (uint8_t)(cnt >> 8);
        if (c->rw == 3)
            c->flip = !c->flip;
        if (c->latched && (c->rw != 3 || !c->flip))
            c->latched = 0;
        *val = b;
        return true;
    }
    if (c->rw == 1) {
        c->reload = v;
        load(c, idx, now);
    } else if (c->rw == 2) {
        c->reload = (uint32_t)v << 8;
        load(c, idx, now);
    } else if (!c->flip) {
        c->reload = (c->reload & 0xff00u) | v;
        c->flip = true;
    } else {
        c->reload = (c->reload & 0xffu) | ((uint32_t)v << 8);
        c->flip = false;
        load(c, idx, now);
    }
    return true;
}
