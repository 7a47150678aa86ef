/* SPDX-License-Identifier: MIT */
/*
 * HYPERCALL_physdev_op: what the privileged domain's drivers need of the
 * platform's devices: PCI configuration space and x86 I/O ports.  Every
 * argument is checked here, once, so the backends (hal/physdev.h) see only
 * valid requests.
 */
#include <core/hypercall.h>
#include <hal/guest_copy.h>
#include <hal/physdev.h>
#include <hestia/physdev.h>

static bool pci_cfg_args_ok(const struct physdev_pci_cfg *c)
{
    if (c->segment || c->pad || c->pad2)
        return false;
    if (c->size != 1 && c->size != 2 && c->size != 4)
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
    if (p.pad || (p.size != 1 && p.size != 2 && p.size != 4) ||
        (uint32_t)p.port + p.size > PHYSDEV_PORT_SPACE)
        return -HESTIA_EINVAL;
    uint32_t value = write ? p.value : 0;
    int r = hal_port_io(p.port, p.size, write, &value);
    if (r || write)
        return r;
    p.value = value;
    return hal_copy_to_guest(v, guest_va(ptr), &p, sizeof(p)) ? -HESTIA_EFAULT : 0;
}

long do_physdev_op(struct vcpu *v, uint64_t cmd, uint64_t ptr)
{
    if (!v->domain->privileged)
        return -HESTIA_EPERM;
    switch (cmd) {
    case PHYSDEVOP_pci_cfg_read:
        return pci_cfg(v, ptr, false);
    case PHYSDEVOP_pci_cfg_write:
        return pci_cfg(v, ptr, true);
    case PHYSDEVOP_port_read:
        return port_io(v, ptr, false);
    case PHYSDEVOP_port_write:
        return port_io(v, ptr, true);
    default:
        return -HESTIA_ENOSYS;
    }
}
