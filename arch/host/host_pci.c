/* SPDX-License-Identifier: MIT */
/*
 * The host HAL's PCI: a configuration space of one function (00:00.0, a
 * host bridge) held in memory, so the unit tests can check what
 * core/physdev.c passes down and what comes back.  Function 00:01.0
 * stands for one the hypervisor drives (writes refused).
 */
#include <hal/physdev.h>
#include <hestia/errno.h>
#include <hestia/physdev.h>
#include <host/host.h>
#include <string.h>

static uint8_t space[256];
static uint8_t port80;
struct host_pci_log host_pci_last;

void host_pci_reset(void)
{
    memset(space, 0, sizeof(space));
    port80 = 0;
    /* vendor 0x8086, device 0x1237, class 06/00 (host bridge) */
    space[0] = 0x86, space[1] = 0x80, space[2] = 0x37, space[3] = 0x12;
    space[0xb] = 0x06;
    memset(&host_pci_last, 0, sizeof(host_pci_last));
}

int hal_pci_cfg_read(unsigned bus, unsigned devfn, unsigned reg, unsigned size,
                     uint32_t *value)
{
    host_pci_last = (struct host_pci_log){1, bus, devfn, reg, size};
    if (bus || devfn) {
        *value = size == 4 ? ~0u : size == 2 ? 0xffffu : 0xffu;
        return 0;
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)space[reg + i] << (8 * i);
    *value = v;
    return 0;
}

int hal_pci_cfg_write(unsigned bus, unsigned devfn, unsigned reg, unsigned size,
                      uint32_t value)
{
    host_pci_last = (struct host_pci_log){2, bus, devfn, reg, size};
    if (bus == 0 && devfn == 1 << 3)
        return -HESTIA_EPERM;
    if (bus || devfn)
        return 0;
    for (unsigned i = 0; i < size; i++)
        space[reg + i] = (uint8_t)(value >> (8 * i));
    return 0;
}

/*
 * I/O ports on the host HAL: port 0x80 is a scratch byte (like the POST
 * port), 0x3f8..0x3ff stand for the hypervisor's UART (refused), every
 * other port reads all ones.  host_pci_last records the call (op 3 read,
 * 4 write; reg = port).
 */
int hal_port_io(unsigned port, unsigned size, bool write, uint32_t *value)
{
    host_pci_last = (struct host_pci_log){write ? 4u : 3u, 0, 0, port, size};
    if (port <= 0x3ff && port + size - 1 >= 0x3f8)
        return -HESTIA_EPERM;
    if (write) {
        if (port == 0x80)
            port80 = (uint8_t)*value;
        return 0;
    }
    *value = port == 0x80 && size == 1 ? port80
             : size == 4               ? ~0u
             : size == 2               ? 0xffffu
                                       : 0xffu;
    return 0;
}

/* The host HAL refuses one device page, standing for the hypervisor's. */
bool hal_mmio_allowed(mfn_t mfn)
{
    return mfn_val(mfn) != HOST_MMIO_HYP_MFN;
}

/* The host HAL offers one window, shaped like ppce500's (bus and CPU addresses differ). */
int hal_pci_window(unsigned index, struct hal_pci_window *w)
{
    if (index > 0)
        return -HESTIA_ENOENT;
    *w = (struct hal_pci_window){.cpu_base = HOST_PCI_WINDOW_CPU,
                                 .bus_base = HOST_PCI_WINDOW_BUS,
                                 .size = HOST_PCI_WINDOW_SIZE,
                                 .flags = PHYSDEV_PCI_WINDOW_MEM};
    return 0;
}
