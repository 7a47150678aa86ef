/* SPDX-License-Identifier: MIT */
/*
 * Physical interrupt lines as dom0's event channels (core/pirq.h).
 *
 * The table maps a pirq to the domain and port it is bound to.  When a
 * bound line fires (core_pirq_interrupt, from the arch's interrupt
 * handler) the line is masked at the controller and the port set pending;
 * dom0's PHYSDEVOP_pirq_eoi unmasks it.  A line nobody has bound is never
 * enabled, and one that fires anyway is masked again.
 *
 * Locking: pirq_lock, then the domain's event-channel lock (taken inside
 * evtchn_alloc_pirq_port / evtchn_send_pirq).  core/event.c closes a pirq
 * port under its own lock and calls pirq_port_closed() after dropping it;
 * a delivery in between finds the port no longer bound to that pirq and
 * is dropped by evtchn_send_pirq.
 */
#include <core/event.h>
#include <core/hypercall.h>
#include <core/pirq.h>
#include <core/smp.h>
#include <hal/cpu.h>
#include <hal/guest_copy.h>
#include <hal/pirq.h>
#include <hestia/physdev.h>

struct pirq_binding {
    struct domain *d; /* NULL: free */
    evtchn_port_t port;
};

static struct pirq_binding table[HAL_PIRQ_MAX];
static spinlock_t pirq_lock = SPINLOCK_INIT;

void pirq_init(void)
{
    for (unsigned i = 0; i < HAL_PIRQ_MAX; i++)
        table[i] = (struct pirq_binding){NULL, 0};
}

static bool pirq_exists(unsigned pirq)
{
    return pirq < hal_pirq_count() && pirq < HAL_PIRQ_MAX && hal_pirq_valid(pirq);
}

long pirq_bind(struct domain *d, unsigned pirq, evtchn_port_t *port)
{
    if (!d->privileged)
        return -HESTIA_EPERM;
    /* The hypervisor's own lines (a timer vector may not count as a device line) first. */
    if (pirq < hal_pirq_count() && hal_pirq_owned_by_hypervisor(pirq))
        return -HESTIA_EPERM;
    if (!pirq_exists(pirq))
        return -HESTIA_EINVAL;
    unsigned long flags = spin_lock_irqsave(&pirq_lock);
    long rc;
    if (table[pirq].d) {
        rc = -HESTIA_EBUSY;
    } else {
        rc = evtchn_alloc_pirq_port(d, pirq);
        if (rc > 0) {
            table[pirq] = (struct pirq_binding){d, (evtchn_port_t)rc};
            *port = (evtchn_port_t)rc;
            hal_pirq_enable(pirq);
            rc = 0;
        }
    }
    spin_unlock_irqrestore(&pirq_lock, flags);
    return rc;
}

/* pirq_lock held. */
static void release(unsigned pirq)
{
    hal_pirq_mask(pirq);
    table[pirq] = (struct pirq_binding){NULL, 0};
}

void pirq_port_closed(struct domain *d, unsigned pirq, evtchn_port_t port)
{
    if (pirq >= HAL_PIRQ_MAX)
        return;
    unsigned long flags = spin_lock_irqsave(&pirq_lock);
    if (table[pirq].d == d && table[pirq].port == port)
        release(pirq);
    spin_unlock_irqrestore(&pirq_lock, flags);
}

void pirq_domain_destroy(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&pirq_lock);
    for (unsigned i = 0; i < HAL_PIRQ_MAX; i++)
        if (table[i].d == d)
            release(i);
    spin_unlock_irqrestore(&pirq_lock, flags);
}

bool pirq_bound(unsigned pirq, struct domain **d, evtchn_port_t *port)
{
    if (pirq >= HAL_PIRQ_MAX)
        return false;
    unsigned long flags = spin_lock_irqsave(&pirq_lock);
    struct pirq_binding b = table[pirq];
    spin_unlock_irqrestore(&pirq_lock, flags);
    if (d)
        *d = b.d;
    if (port)
        *port = b.port;
    return b.d != NULL;
}

static void core_pirq_interrupt_locked(unsigned pirq)
{
    if (pirq >= HAL_PIRQ_MAX)
        return;
    spin_lock(&pirq_lock);
    /* Masked until dom0 has handled the device: a level line would fire again at once. */
    hal_pirq_mask(pirq);
    struct pirq_binding b = table[pirq];
    if (b.d)
        evtchn_send_pirq(b.d, b.port, pirq);
    spin_unlock(&pirq_lock);
}

static long eoi(struct domain *d, unsigned pirq)
{
    if (pirq >= HAL_PIRQ_MAX)
        return -HESTIA_EINVAL;
    unsigned long flags = spin_lock_irqsave(&pirq_lock);
    long rc = -HESTIA_EINVAL;
    if (table[pirq].d == d) {
        hal_pirq_unmask(pirq);
        rc = 0;
    }
    spin_unlock_irqrestore(&pirq_lock, flags);
    return rc;
}

static long pci_irq(struct vcpu *v, uint64_t ptr)
{
    struct physdev_pci_irq p;
    if (hal_copy_from_guest(v, &p, guest_va(ptr), sizeof(p)))
        return -HESTIA_EFAULT;
    if (p.pad || p.pin < 1 || p.pin > 4)
        return -HESTIA_EINVAL;
    unsigned pirq = 0;
    unsigned long flags = hal_irq_save();
    int r = hal_pci_irq(p.bus, p.devfn, p.pin, &pirq);
    hal_irq_restore(flags);
    if (r)
        return r;
    p.pirq = pirq;
    return hal_copy_to_guest(v, guest_va(ptr), &p, sizeof(p)) ? -HESTIA_EFAULT : 0;
}

static long platform_device(struct vcpu *v, uint64_t ptr)
{
    struct physdev_platform_device p;
    if (hal_copy_from_guest(v, &p, guest_va(ptr), sizeof(p)))
        return -HESTIA_EFAULT;
    struct hal_platform_device dev;
    int r = hal_platform_device(p.index, &dev);
    if (r)
        return r;
    p = (struct physdev_platform_device){.index = p.index,
                                         .type = dev.type,
                                         .base = dev.base,
                                         .size = dev.size,
                                         .pirq = dev.pirq};
    return hal_copy_to_guest(v, guest_va(ptr), &p, sizeof(p)) ? -HESTIA_EFAULT : 0;
}

long pirq_physdev_op(struct vcpu *v, unsigned cmd, uint64_t ptr)
{
    switch (cmd) {
    case PHYSDEVOP_pci_irq:
        return pci_irq(v, ptr);
    case PHYSDEVOP_pirq_eoi: {
        struct physdev_pirq_eoi e;
        if (hal_copy_from_guest(v, &e, guest_va(ptr), sizeof(e)))
            return -HESTIA_EFAULT;
        return e.pad ? -HESTIA_EINVAL : eoi(v->domain, e.pirq);
    }
    case PHYSDEVOP_platform_device:
        return platform_device(v, ptr);
    default:
        return -HESTIA_ENOSYS;
    }
}

/* The entry point: under the hypervisor lock (core/hyplock.c). */
void core_pirq_interrupt(unsigned pirq)
{
    bool taken = core_lock();
    core_pirq_interrupt_locked(pirq);
    core_unlock(taken);
}
