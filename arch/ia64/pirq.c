/* SPDX-License-Identifier: MIT */
/*
 * Device interrupts for dom0 on ia64sim (hal/pirq.h): a pirq is the
 * external-interrupt vector of a device in the simulator's boot-table
 * device list (virtio-mmio block 0x40, network 0x41; docs/ia64sim.md).
 *
 * ia64sim has no I/O SAPIC, so a line cannot be masked at a controller:
 * its devices drive their vectors into cr.irr directly, level-triggered
 * (pending while the device's InterruptStatus is not 0 and the vector is
 * not in service).  A line is masked here by keeping its vector in
 * service: the handler acknowledges it (cr.ivr) and withholds the
 * cr.eoi until dom0's PHYSDEVOP_pirq_eoi.  Only device vectors are ever
 * withheld and the CPU delivers nothing of a class at or below one in
 * service, so at most one is in service at a time and it is at the
 * bottom of the in-service stack: the hypervisor's own vectors (the
 * timer's 0xef, a higher class) are acknowledged and retired above it,
 * and a withheld EOI issued from a hypercall retires exactly it.  The
 * cost: while one device's line is masked, the other device's vector of
 * the same class (0x40-0x4f) waits too.  A line nobody has bound stays
 * masked after it first fires (an EOI would make a level line pending
 * again at once).
 */
#include <hal/cpu.h>
#include <hal/entry.h>
#include <hal/pirq.h>
#include <hal/smp.h>
#include <hestia/errno.h>
#include <hestia/physdev.h>
#include <ia64/arch.h>

#define MAX_DEVICES 8

struct ia64sim_device {
    uint64_t base, size;
    uint32_t vector, device_id;
    uint64_t reserved;
};

static struct ia64sim_device devices[MAX_DEVICES];
static unsigned nr_devices;
static bool in_service[HAL_PIRQ_MAX];
static unsigned remote_eois; /* withheld EOIs other CPUs asked CPU 0 for */

void ia64_pirq_init(const struct ia64sim_boot_table *bt)
{
    nr_devices = 0;
    uint64_t n = bt->reserved[0], list = bt->reserved[1];
    if (!list)
        return;
    const struct ia64sim_device *d = (const struct ia64sim_device *)ia64_phys(list);
    for (uint64_t i = 0; i < n && nr_devices < MAX_DEVICES; i++)
        if (d[i].vector >= 16 && d[i].vector < HAL_PIRQ_MAX &&
            d[i].vector != IA64_TIMER_VECTOR && d[i].vector != IA64_IPI_VECTOR)
            devices[nr_devices++] = d[i];
}

unsigned hal_pirq_count(void)
{
    return HAL_PIRQ_MAX;
}

bool hal_pirq_valid(unsigned pirq)
{
    for (unsigned i = 0; i < nr_devices; i++)
        if (devices[i].vector == pirq)
            return true;
    return false;
}

bool hal_pirq_owned_by_hypervisor(unsigned pirq)
{
    return pirq == IA64_TIMER_VECTOR || pirq == IA64_IPI_VECTOR;
}

static void eoi(void)
{
    __asm__ volatile("mov cr.eoi = r0\n\t;;\n\tsrlz.d\n\t;;" ::: "memory");
}

/* Nothing to route: the vector reaches the CPU.  A line left masked by an earlier binding
 * is unmasked. */
void hal_pirq_enable(unsigned pirq)
{
    hal_pirq_unmask(pirq);
}

/* The vector is in service already (the line fired): its EOI is withheld. */
void hal_pirq_mask(unsigned pirq)
{
    (void)pirq;
}

void hal_pirq_unmask(unsigned pirq)
{
    if (pirq < HAL_PIRQ_MAX && in_service[pirq]) {
        in_service[pirq] = false;
        /* the vector is in service on CPU 0, where ia64sim's device
         * lines go: the EOI must be CPU 0's.  From another CPU it is asked
         * for with an IPI and not waited for (the caller holds core's
         * pirq_lock, which CPU 0 may be spinning on with interrupts off). */
        if (hal_cpu_id() == 0) {
            eoi();
        } else {
            __atomic_fetch_add(&remote_eois, 1u, __ATOMIC_ACQ_REL);
            hal_ipi_send(0);
        }
    }
}

void ia64_pirq_remote_eois(void)
{
    if (hal_cpu_id() != 0)
        return; /* the counted EOIs are CPU 0's */
    for (unsigned n = __atomic_exchange_n(&remote_eois, 0u, __ATOMIC_ACQ_REL); n; n--)
        eoi();
}

/* A device vector was acknowledged (cr.ivr): keep it in service, tell core/. */
bool ia64_pirq_vector(unsigned vector)
{
    if (vector >= HAL_PIRQ_MAX || !hal_pirq_valid(vector))
        return false;
    in_service[vector] = true;
    core_pirq_interrupt(vector);
    return true;
}

int hal_pci_irq(unsigned bus, unsigned devfn, unsigned pin, unsigned *pirq)
{
    (void)bus, (void)devfn, (void)pin, (void)pirq;
    return -HESTIA_ENODEV;
}

int hal_platform_device(unsigned index, struct hal_platform_device *out)
{
    if (index >= nr_devices)
        return -HESTIA_ENOENT;
    *out = (struct hal_platform_device){.type = PHYSDEV_DEVICE_VIRTIO_MMIO,
                                        .base = devices[index].base,
                                        .size = devices[index].size,
                                        .pirq = devices[index].vector};
    return 0;
}
