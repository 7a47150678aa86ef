/* SPDX-License-Identifier: MIT */
/*
 * QEMU's "edu" PCI device (docs/specs/edu.txt in QEMU) as an interrupt
 * source for the pirq tests: writing its interrupt-raise register
 * asserts INTx until the bits are written to the acknowledge register.
 * It is found where a scenario adds it (-device edu); its BAR 0 must
 * already be assigned (the PC's firmware does it).
 */
#include <port/pci.h>
#include <port/pirq_source.h>

#define EDU_ID 0x11e81234u
#define EDU_REG_ID 0x00
#define EDU_REG_IRQ_STATUS 0x24
#define EDU_REG_IRQ_RAISE 0x60
#define EDU_REG_IRQ_ACK 0x64
#define EDU_IRQ_BIT 0x1u
#define PCI_COMMAND_MEMORY 0x2u

static volatile uint32_t *edu_reg(struct pirq_source *s, unsigned off)
{
    return (volatile uint32_t *)(s->regs + off);
}

static int edu_find(struct pirq_source *s)
{
    struct pci_function f[32];
    long n = pci_scan_bus0(f, 32);
    for (long i = 0; i < n && i < 32; i++) {
        if (((uint32_t)f[i].device << 16 | f[i].vendor) != EDU_ID)
            continue;
        uint32_t bar = 0, pin = 0, cmd = 0;
        pci_cfg_read(0, f[i].devfn, PCI_REG_BAR0, 4, &bar);
        pci_cfg_read(0, f[i].devfn, PCI_REG_INTERRUPT_PIN, 1, &pin);
        uint64_t pa = bar & ~0xfu;
        if ((bar & 1) || !pa || pci_irq(0, f[i].devfn, pin, &s->pirq) != 0)
            return 0;
        pci_cfg_read(0, f[i].devfn, PCI_REG_COMMAND, 2, &cmd);
        pci_cfg_write(0, f[i].devfn, PCI_REG_COMMAND, 2, cmd | PCI_COMMAND_MEMORY);
        s->regs = kva_alloc(1);
        if (mmio_map(s->regs, pa) != 0)
            return 0;
        s->what = "edu";
        return 1;
    }
    return 0;
}

static void edu_raise(struct pirq_source *s)
{
    *edu_reg(s, EDU_REG_IRQ_RAISE) = EDU_IRQ_BIT;
}

static void edu_ack(struct pirq_source *s)
{
    *edu_reg(s, EDU_REG_IRQ_ACK) = *edu_reg(s, EDU_REG_IRQ_STATUS);
}

static void edu_stop(struct pirq_source *s)
{
    edu_ack(s);
    mmu_unmap(0, s->regs);
}

const struct pirq_source_ops edu_pirq_ops = {edu_find, edu_raise, edu_ack, edu_raise,
                                             edu_stop};
