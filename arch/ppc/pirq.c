/* SPDX-License-Identifier: MIT */
/*
 * Device interrupts for dom0 on QEMU's ppce500 (hal/pirq.h): the
 * Freescale MPIC at CCSR+0x40000 (MPC8544 reference manual, chapter 10;
 * QEMU's hw/intc/openpic.c, model FSL_MPIC_20).  A pirq is an MPIC
 * source: 0-11 the external lines (PCI INTA-D are 1-4), 16-79 the
 * internal ones (the DUART is 42, the I2C controllers 43).  Source n's
 * vector is n, priority PIRQ_PRIORITY, directed at CPU 0.  The
 * interrupt reaches the core as an external input (IVOR4) while a guest
 * runs (MSR[EE]); the idle loop, which runs with EE off, polls IACK.
 *
 * Inter-processor interrupts (hal_ipi_send): the MPIC's IPI 0, vector
 * IPI_VECTOR, sent by writing the target's bit to IPI dispatch register 0.
 * Every CPU acknowledges through its own IACK / EOI and runs with task
 * priority 0 (the MPIC resets every CPU's to 15, which blocks everything).
 */
#include <core/sched_trace.h>
#include <hal/cpu.h>
#include <hal/entry.h>
#include <hal/physdev.h>
#include <hal/pirq.h>
#include <hestia/errno.h>
#include <hestia/physdev.h>
#include <ppc/arch.h>

#define MPIC 0x40000u
#define MPIC_GCR (MPIC + 0x1020)
#define MPIC_GCR_RESET 0x80000000u
#define MPIC_GCR_MODE_MIXED 0x20000000u
#define MPIC_SPVR (MPIC + 0x10e0)
/* Each CPU's own registers: CPU n's at MPIC + 0x20000 + n * 0x1000. */
#define MPIC_CPU(n) (MPIC + 0x20000 + (n)*0x1000)
#define MPIC_IPIDR0 0x40 /* IPI 0 dispatch: a mask of target CPUs */
#define MPIC_CTPR 0x80   /* task priority */
#define MPIC_IACK 0xa0
#define MPIC_EOI 0xb0
#define MPIC_IPIVPR0 (MPIC + 0x10a0) /* IPI 0's vector and priority */
#define IPI_VECTOR 0x100             /* above every source number */
#define IPI_PRIORITY 10              /* above the devices' */
#define MPIC_IVPR(n) (MPIC + 0x10000 + (n)*0x20)
#define MPIC_IDR(n) (MPIC + 0x10010 + (n)*0x20)
#define IVPR_MASK 0x80000000u
#define IVPR_SENSE_LEVEL 0x00400000u
#define IVPR_PRIORITY(p) ((uint32_t)(p) << 16)
#define PIRQ_PRIORITY 8
#define SPURIOUS_VECTOR 0xffffu
#define NR_SOURCES 80 /* 12 external (0-11), 64 internal (16-79) */
#define FIRST_INTERNAL 16
#define NR_EXTERNAL 12
#define DUART_SOURCE 42 /* both DUART channels: the hypervisor's console */
#define I2C_SOURCE 43
#define CCSR_I2C 0x3000u /* I2C controllers 1 and 2 (0x3000, 0x3100): one page */

static uint32_t rd(unsigned off)
{
    return ccsr_read32(CCSR_VIRT + off);
}

static void wr(unsigned off, uint32_t v)
{
    ccsr_write32(CCSR_VIRT + off, v);
}

void ppc_mpic_init(void)
{
    wr(MPIC_GCR, MPIC_GCR_RESET); /* every source masked, nothing in service */
    for (int i = 0; i < 1000 && (rd(MPIC_GCR) & MPIC_GCR_RESET); i++)
        ;
    wr(MPIC_GCR, MPIC_GCR_MODE_MIXED);
    wr(MPIC_SPVR, SPURIOUS_VECTOR);
    for (unsigned n = 0; n < NR_SOURCES; n++) {
        wr(MPIC_IVPR(n), IVPR_MASK | IVPR_PRIORITY(PIRQ_PRIORITY) | n);
        wr(MPIC_IDR(n), 1); /* CPU 0 */
    }
    wr(MPIC_IPIVPR0, IVPR_PRIORITY(IPI_PRIORITY) | IPI_VECTOR); /* unmasked */
    ppc_mpic_cpu_init(0);
}

void ppc_mpic_cpu_init(unsigned id)
{
    wr(MPIC_CPU(id) + MPIC_CTPR, 0);
}

void ppc_mpic_ipis_only(bool on)
{
    wr(MPIC_CPU(ppc_this_cpu()->id) + MPIC_CTPR, on ? IPI_PRIORITY - 1 : 0);
}

void ppc_mpic_take_ipi(void)
{
    unsigned cpu = MPIC_CPU(ppc_this_cpu()->id);
    uint32_t vector =
        rd(cpu + MPIC_IACK) & 0xffffu; /* an IPI or spurious: nothing else is above */
    SCHED_TRACE(ST_ARCH_IRQ, vector, 1);
    if (vector == SPURIOUS_VECTOR)
        return;
    wr(cpu + MPIC_EOI, 0);
    if (vector == IPI_VECTOR)
        core_ipi_interrupt();
}

void ppc_mpic_send_ipi(unsigned id)
{
    wr(MPIC_CPU(ppc_this_cpu()->id) + MPIC_IPIDR0, 1u << id);
}

unsigned hal_pirq_count(void)
{
    return NR_SOURCES;
}

bool hal_pirq_valid(unsigned pirq)
{
    return pirq < NR_EXTERNAL || (pirq >= FIRST_INTERNAL && pirq < NR_SOURCES);
}

bool hal_pirq_owned_by_hypervisor(unsigned pirq)
{
    return pirq == DUART_SOURCE;
}

/* External lines take their sense from IVPR; internal ones are level in the MPIC itself. */
void hal_pirq_enable(unsigned pirq)
{
    wr(MPIC_IDR(pirq), 1);
    wr(MPIC_IVPR(pirq), IVPR_SENSE_LEVEL | IVPR_PRIORITY(PIRQ_PRIORITY) | pirq);
}

void hal_pirq_mask(unsigned pirq)
{
    wr(MPIC_IVPR(pirq), rd(MPIC_IVPR(pirq)) | IVPR_MASK);
}

void hal_pirq_unmask(unsigned pirq)
{
    wr(MPIC_IVPR(pirq), rd(MPIC_IVPR(pirq)) & ~IVPR_MASK);
}

/*
 * Acknowledge the highest pending source on this CPU and hand it to core/
 * (a device: core masks it; an IPI: core runs the work queued for this
 * CPU), EOI.  Returns whether there was one.  Interrupts off.
 */
bool ppc_mpic_poll(void)
{
    unsigned cpu = MPIC_CPU(ppc_this_cpu()->id);
    uint32_t vector = rd(cpu + MPIC_IACK) & 0xffffu;
    if (vector == SPURIOUS_VECTOR)
        return false;
    SCHED_TRACE(ST_ARCH_IRQ, vector, 0);
    if (vector == IPI_VECTOR) {
        /* EOI first: an IPI sent while core runs its work raises a new one. */
        wr(cpu + MPIC_EOI, 0);
        core_ipi_interrupt();
        return true;
    }
    if (vector < NR_SOURCES)
        core_pirq_interrupt(vector);
    wr(cpu + MPIC_EOI, 0);
    return true;
}

/*
 * QEMU's ppce500 (hw/pci-host/ppce500.c, ppce500_pci_map_irq_slot): pin p
 * of slot s drives MPIC source ((s + p - 1) mod 4) + 1, as the device tree's
 * interrupt-map says.  Only bus 0 exists.
 */
int hal_pci_irq(unsigned bus, unsigned devfn, unsigned pin, unsigned *pirq)
{
    if (bus != 0)
        return -HESTIA_ENOENT;
    *pirq = ((devfn >> 3) + pin - 1) % 4 + 1;
    return 0;
}

/*
 * The I2C controllers' page of CCSR is dom0's (hal_mmio_allowed): a bus
 * with the board's real-time clock and nothing the hypervisor uses.
 */
int hal_platform_device(unsigned index, struct hal_platform_device *out)
{
    if (index != 0)
        return -HESTIA_ENOENT;
    *out = (struct hal_platform_device){.type = PHYSDEV_DEVICE_FSL_I2C,
                                        .base = ppc_ccsr_phys + CCSR_I2C,
                                        .size = HAL_PAGE_SIZE,
                                        .pirq = I2C_SOURCE};
    return 0;
}

bool ppc_ccsr_page_is_dom0s(uint64_t pa)
{
    return pa == ppc_ccsr_phys + CCSR_I2C;
}
