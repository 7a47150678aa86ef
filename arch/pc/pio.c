/* SPDX-License-Identifier: MIT */
/*
 * x86 I/O ports and device memory for dom0 (PHYSDEVOP_port_read/write,
 * PHYSDEVOP_map_mmio).  The hypervisor
 * keeps the ports it drives: a write there could silence or forge its
 * console, unmask interrupts it keeps masked, or end the run with a
 * verdict of dom0's choosing (the isa-debug-exit port).
 */
#include <hal/physdev.h>
#include <hestia/errno.h>
#include <pc/pc.h>
#include <x86_common/io.h>

static const struct {
    uint16_t first, last;
} hypervisor_ports[] = {
    {0x20, 0x21},                                 /* master 8259 PIC (kept masked) */
    {0x40, 0x43},                                 /* 8254 PIT (TSC calibration) */
    {0x61, 0x61},                                 /* PIT channel 2 gate */
    {0xa0, 0xa1},                                 /* slave 8259 PIC */
    {PC_DEBUG_EXIT_PORT, PC_DEBUG_EXIT_PORT + 3}, /* isa-debug-exit: the run's verdict */
    {0xcf8, 0xcff},         /* PCI configuration: PHYSDEVOP_pci_cfg_* */
    {PC_COM1, PC_COM1 + 7}, /* the hypervisor's console UART */
};

static bool hypervisor_port(unsigned port, unsigned size)
{
    for (unsigned i = 0; i < sizeof(hypervisor_ports) / sizeof(hypervisor_ports[0]); i++)
        if (port <= hypervisor_ports[i].last &&
            port + size - 1 >= hypervisor_ports[i].first)
            return true;
    return false;
}

int hal_port_io(unsigned port, unsigned size, bool write, uint32_t *value)
{
    if (hypervisor_port(port, size))
        return -HESTIA_EPERM;
    if (write)
        port_out((uint16_t)port, size, *value);
    else
        *value = port_in((uint16_t)port, size);
    return 0;
}

/* The interrupt controllers the hypervisor programs; everything else is dom0's. */
bool hal_mmio_allowed(mfn_t mfn)
{
    uint64_t pa = mfn_val(mfn) << HAL_PAGE_SHIFT;
    return pa != PC_LAPIC_PHYS && pa != PC_IOAPIC_PHYS;
}
