/* SPDX-License-Identifier: MIT */
/*
 * Device interrupts for dom0 on the PC (hal/pirq.h): a pirq is an I/O
 * APIC pin, delivered level-triggered on vector PC_VEC_PIRQ_BASE + pin.
 * On QEMU's PC the ISA IRQs 1-15 reach the pins of the same number and
 * PCI INTx goes through the PIIX3's four PIRQ links to ISA IRQs the
 * firmware (SeaBIOS) chose, so a PCI function's pirq is that ISA IRQ.
 */
#include <hal/entry.h>
#include <hal/physdev.h>
#include <hal/pirq.h>
#include <hestia/errno.h>
#include <pc/pc.h>

unsigned hal_pirq_count(void)
{
    unsigned pins = ioapic_pins();
    return pins < PC_NR_PIRQ ? pins : PC_NR_PIRQ;
}

bool hal_pirq_valid(unsigned pirq)
{
    return pirq < hal_pirq_count();
}

/*
 * Pin 0: the 8259's ExtINT cascade; pin 2: the PIT (IRQ 0's override),
 * which calibrates the hypervisor's clock; COM1: its console.
 */
bool hal_pirq_owned_by_hypervisor(unsigned pirq)
{
    return pirq == 0 || pirq == 2 || pirq == PC_COM1_IRQ;
}

void hal_pirq_enable(unsigned pirq)
{
    ioapic_route_level(pirq, PC_VEC_PIRQ_BASE + pirq, false);
}

void hal_pirq_mask(unsigned pirq)
{
    ioapic_set_masked(pirq, true);
}

void hal_pirq_unmask(unsigned pirq)
{
    ioapic_set_masked(pirq, false);
}

/*
 * Masked (by core/) before the EOI: the EOI clears the pin's remote IRR,
 * and a level line still asserted would otherwise be delivered again at once.
 */
void pc_pirq_irq(unsigned long vector)
{
    core_pirq_interrupt((unsigned)(vector - PC_VEC_PIRQ_BASE));
    lapic_eoi();
}

#define PIIX3_DEVFN (1u << 3) /* 00:01.0, the PCI-to-ISA bridge */
#define PIIX3_ID 0x70008086u
#define PIIX3_PIRQ_ROUTE 0x60 /* PIRQA..D route registers 0x60-0x63 */
#define PIIX3_PIRQ_DISABLED 0x80

/*
 * QEMU's i440fx (hw/isa/piix3.c, pci_slot_get_pirq): INTx of slot s
 * (pin 1..4) drives PIRQ link (pin - 1 + s - 1) mod 4, whose route
 * register names the ISA IRQ (SeaBIOS's piix_pci_slot_get_irq agrees).
 * Only bus 0 exists.
 */
int hal_pci_irq(unsigned bus, unsigned devfn, unsigned pin, unsigned *pirq)
{
    uint32_t id, route;
    hal_pci_cfg_read(0, PIIX3_DEVFN, 0, 4, &id);
    /*
     * The south bridge's own functions (IDE, USB, ACPI at 00:01.x) are
     * wired to ISA IRQs directly (the ACPI SCI is IRQ 9), not through
     * the PIRQ links.
     */
    if (id != PIIX3_ID || bus != 0 || devfn >> 3 == PIIX3_DEVFN >> 3)
        return -HESTIA_ENOENT;
    unsigned link = (pin - 1 + (devfn >> 3) + 3) & 3;
    hal_pci_cfg_read(0, PIIX3_DEVFN, PIIX3_PIRQ_ROUTE + link, 1, &route);
    if (route & PIIX3_PIRQ_DISABLED || (route & 0xf) >= hal_pirq_count())
        return -HESTIA_ENOENT;
    *pirq = route & 0xf;
    return 0;
}

int hal_platform_device(unsigned index, struct hal_platform_device *out)
{
    (void)index;
    (void)out;
    return -HESTIA_ENOENT;
}
