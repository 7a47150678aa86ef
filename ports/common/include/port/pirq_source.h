/* SPDX-License-Identifier: MIT */
/*
 * A device dom0 can make interrupt without a driver, for the tests of
 * physical interrupts (selftest_pirq.c, the isolation scenario's check).
 */
#ifndef PORT_PIRQ_SOURCE_H
#define PORT_PIRQ_SOURCE_H

#include <port/kernel.h>

struct pirq_source;
struct pirq_source_ops {
    /* Look for the device: 1 if found (fills pirq, what, hv_pirq), 0 if absent. */
    int (*find)(struct pirq_source *s);
    void (*raise)(struct pirq_source *s); /* make it assert its line */
    void (*ack)(struct pirq_source *s);   /* what a driver does: the line drops */
    void (*again)(struct pirq_source *s); /* after ack: assert it once more */
    void (*stop)(struct pirq_source *s);  /* no more interrupts */
};

struct pirq_source {
    const struct pirq_source_ops *ops;
    unsigned pirq;
    int hv_pirq; /* a line of the hypervisor's on this platform, or -1 */
    const char *what;
    uintptr_t regs; /* the device's mapped registers, if any */
    uint64_t state[4];
};

extern const struct pirq_source_ops edu_pirq_ops, i2c_pirq_ops, virtio_pirq_ops;

/*
 * The next source this platform has, starting at *next (0 for the first):
 * false, with a reason in s->what, when there are no more.
 */
bool pirq_source_next(struct pirq_source *s, unsigned *next);

/*
 * One interrupt from the first source, bound, raised, received and
 * released: 1 if it arrived, 0 if the platform has no source, -1 if it
 * did not arrive; detail says which.
 */
long pirq_check_delivery(char *detail, size_t n);

#endif
