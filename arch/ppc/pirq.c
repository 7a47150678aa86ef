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
 */
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
#define MPIC_CTPR (MPIC + 0x20080) /* CPU 0's task priority */
#define MPIC_IACK (MPIC + 0x200a0)
#define MPIC_EOI (MPIC + 0x200b0)
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
    wr(MPIC_CTPR, 0);
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
 * Acknowledge the highest pending source and hand it to core/ (which
 * masks it), then EOI.  Returns whether there was one.  Interrupts off.
 */
bool ppc_mpic_poll(void)
{
    uint32_t vector = rd(MPIC_IACK) & 0xffffu;
    if (vector == SPURIOUS_VECTOR)
        return false;
    if (vector < NR_SOURCES)
        core_pirq_interrupt(vector);
    wr(MPIC_EOI, 0);
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
