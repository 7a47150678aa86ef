/* SPDX-License-Identifier: MIT */
/*
 * virtio interrupts as event channels (port/pci.h: pirq_bind / pirq_eoi).
 * One binding per physical line; devices sharing a line (PCI INTx) hang
 * off it in a list and the handler asks each one.  Reading the ISR
 * (virtio-pci) or acknowledging InterruptStatus (virtio-mmio) makes the
 * device drop its level-triggered line; then pirq_eoi lets the hypervisor
 * unmask the line again.
 */
#include <port/pci.h>

#include "virtio.h"

#define MAX_LINES 8

static struct line {
    unsigned pirq;
    struct virtio_dev *devs;
} lines[MAX_LINES];
static unsigned nr_lines;

static void line_handler(evtchn_port_t port, void *arg)
{
    (void)port;
    struct line *l = arg;
    for (struct virtio_dev *d = l->devs; d; d = d->irq_next) {
        if (d->ops->isr(d)) {
            d->irqs++;
            set_flag(&d->irq_event);
        }
    }
    pirq_eoi(l->pirq);
}

long virtio_irq_setup(struct virtio_dev *d)
{
    if (!d->has_pirq)
        return 0;
    unsigned long f = irq_save();
    struct line *l = NULL;
    for (unsigned i = 0; i < nr_lines; i++)
        if (lines[i].pirq == d->pirq)
            l = &lines[i];
    if (!l && nr_lines < MAX_LINES) {
        l = &lines[nr_lines];
        *l = (struct line){.pirq = d->pirq};
        long r = pirq_bind(d->pirq, line_handler, l);
        if (r < 0) {
            irq_restore(f);
            printk("virtio %s: pirq %u: %s; polling\n", d->where, d->pirq, kstrerror(r));
            return 0;
        }
        nr_lines++;
    }
    if (l) {
        d->irq_next = l->devs;
        l->devs = d;
        d->irq_on = true;
    }
    irq_restore(f);
    return 0;
}

const char *virtio_irq_mode(struct virtio_dev *d)
{
    static char buf[48];
    if (d->irq_on)
        ksnprintf(buf, sizeof buf, "interrupts (pirq %u)", d->pirq);
    else
        ksnprintf(buf, sizeof buf, "polling (%s)",
                  d->has_pirq ? "pirq not bound" : "no pirq on this platform");
    return buf;
}
