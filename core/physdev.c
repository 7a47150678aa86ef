/* SPDX-License-Identifier: MIT */
/*
 * HYPERCALL_physdev_op: what the privileged domain's drivers need of the
 * platform's devices: PCI configuration space, x86 I/O ports, device
 * memory mappings and machine addresses for DMA.  Every
 * argument is checked here, once, so the backends (hal/physdev.h) see only
 * valid requests.
 */
#include <core/hypercall.h>
#include <core/mm.h>
#include <core/physdev.h>
#include <core/pirq.h>
#include <core/pvmmu.h>
#include <hal/guest_copy.h>
#include <hal/physdev.h>
#include <hestia/physdev.h>

/* Configuration space and I/O ports are read and written 1, 2 or 4 bytes at a time. */
static bool access_size_ok(unsigned size)
{
    return size == 1 || size == 2 || size == 4;
}

static bool pci_cfg_args_ok(const struct physdev_pci_cfg *c)
{
    if (c->segment || c->pad || c->pad2 || !access_size_ok(c->size))
        return false;
    return c->reg < PHYSDEV_PCI_CFG_SIZE && c->reg % c->size == 0;
}

static long pci_cfg(struct vcpu *v, uint64_t ptr, bool write)
{
    struct physdev_pci_cfg c;
    if (hal_copy_from_guest(v, &c, guest_va(ptr), sizeof(c)))
        return -HESTIA_EFAULT;
    if (!pci_cfg_args_ok(&c))
        return -HESTIA_EINVAL;
    if (write)
        return hal_pci_cfg_write(c.bus, c.devfn, c.reg, c.size, c.value);
    uint32_t value;
    int r = hal_pci_cfg_read(c.bus, c.devfn, c.reg, c.size, &value);
    if (r)
        return r;
    c.value = value;
    return hal_copy_to_guest(v, guest_va(ptr), &c, sizeof(c)) ? -HESTIA_EFAULT : 0;
}

static long port_io(struct vcpu *v, uint64_t ptr, bool write)
{
    struct physdev_port_io p;
    if (hal_copy_from_guest(v, &p, guest_va(ptr), sizeof(p)))
        return -HESTIA_EFAULT;
    if (p.pad || !access_size_ok(p.size) || (uint32_t)p.port + p.size > PHYSDEV_PORT_SPACE)
        return -HESTIA_EINVAL;
    uint32_t value = write ? p.value : 0;
    int r = hal_port_io(p.port, p.size, write, &value);
    if (r || write)
        return r;
    p.value = value;
    return hal_copy_to_guest(v, guest_va(ptr), &p, sizeof(p)) ? -HESTIA_EFAULT : 0;
}

/* All RAM the platform reported (hal_boot_info.ram_total), kept from boot. */
static unsigned nr_ram;
static struct hal_mem_region ram[HAL_MAX_RAM_REGIONS];

void physdev_init(const struct hal_boot_info *bi)
{
    nr_ram = 0;
    for (unsigned i = 0; i < bi->nr_ram_total && i < HAL_MAX_RAM_REGIONS; i++)
        ram[nr_ram++] = bi->ram_total[i];
}

/* RAM by any account: the frame allocator's, or any region the platform reported. */
static bool is_ram(mfn_t mfn)
{
    if (frame_valid(mfn))
        return true;
    uint64_t pa = mfn_val(mfn) << HAL_PAGE_SHIFT;
    for (unsigned i = 0; i < nr_ram; i++)
        if (pa - paddr_val(ram[i].base) < ram[i].size)
            return true;
    return false;
}

static long map_mmio(struct vcpu *v, uint64_t ptr)
{
    struct physdev_mmio_map m;
    if (hal_copy_from_guest(v, &m, guest_va(ptr), sizeof(m)))
        return -HESTIA_EFAULT;
    if (m.pad || !(m.perms & MMU_PERM_READ) || (m.perms & MMU_PERM_EXEC) ||
        (m.mfn >> (64 - HAL_PAGE_SHIFT)) || is_ram(mfn(m.mfn)))
        return -HESTIA_EINVAL;
    if (!hal_mmio_allowed(mfn(m.mfn)))
        return -HESTIA_EPERM;
    return pvmmu_map_device(v->domain, m.as, guest_va(m.va), mfn(m.mfn), m.perms);
}

static long dma_translate(struct vcpu *v, uint64_t ptr)
{
    struct physdev_dma_translate t;
    if (hal_copy_from_guest(v, &t, guest_va(ptr), sizeof(t)))
        return -HESTIA_EFAULT;
    if (t.gfn >= p2m_gfn_limit(v->domain))
        return -HESTIA_EINVAL;
    mfn_t m = p2m_lookup(v->domain, gfn(t.gfn));
    if (mfn_eq(m, MFN_INVALID))
        return -HESTIA_ENOENT;
    t.mfn = mfn_val(m);
    return hal_copy_to_guest(v, guest_va(ptr), &t, sizeof(t)) ? -HESTIA_EFAULT : 0;
}

static long pci_window(struct vcpu *v, uint64_t ptr)
{
    struct physdev_pci_window w;
    if (hal_copy_from_guest(v, &w, guest_va(ptr), sizeof(w)))
        return -HESTIA_EFAULT;
    struct hal_pci_window hw = {0};
    int r = hal_pci_window(w.index, &hw);
    if (r)
        return r;
    w = (struct physdev_pci_window){.index = w.index,
                                    .flags = hw.flags,
                                    .cpu_base = hw.cpu_base,
                                    .bus_base = hw.bus_base,
                                    .size = hw.size};
    return hal_copy_to_guest(v, guest_va(ptr), &w, sizeof(w)) ? -HESTIA_EFAULT : 0;
}

long do_physdev_op(struct vcpu *v, uint64_t cmd, uint64_t ptr)
{
    if (!v->domain->privileged)
        return -HESTIA_EPERM;
    if (cmd >= PHYSDEVOP_pci_irq && cmd <= PHYSDEVOP_platform_device)
        return pirq_physdev_op(v, (unsigned)cmd, ptr); /* core/pirq.c */
    switch (cmd) {
    case PHYSDEVOP_pci_cfg_read:
        return pci_cfg(v, ptr, false);
    case PHYSDEVOP_pci_cfg_write:
        return pci_cfg(v, ptr, true);
    case PHYSDEVOP_port_read:
        return port_io(v, ptr, false);
    case PHYSDEVOP_port_write:
        return port_io(v, ptr, true);
    case PHYSDEVOP_map_mmio:
        return map_mmio(v, ptr);
    case PHYSDEVOP_dma_translate:
        return dma_translate(v, ptr);
    case PHYSDEVOP_pci_window:
        return pci_window(v, ptr);
    default:
        return -HESTIA_ENOSYS;
    }
}
