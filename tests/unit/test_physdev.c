/* SPDX-License-Identifier: MIT */
/* HYPERCALL_physdev_op through the dispatcher, on the host HAL's PCI (host_pci.c). */
#include "harness.h"
#include <hestia/physdev.h>
#include <host/host.h>

TEST_SUITE("physdev");

static long cfg_op(struct domain *d, uint64_t cmd, struct physdev_pci_cfg *c)
{
    uint64_t va = h_put(d, c, sizeof(*c));
    long rc = h_call(h_vcpu(d), HYPERCALL_physdev_op, cmd, va, 0, 0, 0);
    h_read(d, c, va, sizeof(*c));
    return rc;
}

static struct physdev_pci_cfg cfg(unsigned bus, unsigned devfn, unsigned reg, unsigned size)
{
    return (struct physdev_pci_cfg){.bus = (uint8_t)bus,
                                    .devfn = (uint8_t)devfn,
                                    .reg = (uint16_t)reg,
                                    .size = (uint8_t)size};
}

TEST_CASE(dom0_reads_and_writes)
{
    struct domain *d = h_domain_raw(16, true);
    struct physdev_pci_cfg c = cfg(0, 0, 0, 4);
    CHECK_EQ(cfg_op(d, PHYSDEVOP_pci_cfg_read, &c), 0);
    CHECK_EQ(c.value, 0x12378086u);
    c = cfg(0, 0, 2, 2);
    CHECK_EQ(cfg_op(d, PHYSDEVOP_pci_cfg_read, &c), 0);
    CHECK_EQ(c.value, 0x1237u);
    c = cfg(0, 0, 0xb, 1);
    CHECK_EQ(cfg_op(d, PHYSDEVOP_pci_cfg_read, &c), 0);
    CHECK_EQ(c.value, 0x06u);
    /* An absent function reads all ones. */
    c = cfg(0, 2 << 3, 0, 4);
    CHECK_EQ(cfg_op(d, PHYSDEVOP_pci_cfg_read, &c), 0);
    CHECK_EQ(c.value, 0xffffffffu);
    c = cfg(0, 0, 0x40, 2);
    c.value = 0xbeef;
    CHECK_EQ(cfg_op(d, PHYSDEVOP_pci_cfg_write, &c), 0);
    c = cfg(0, 0, 0x40, 4);
    CHECK_EQ(cfg_op(d, PHYSDEVOP_pci_cfg_read, &c), 0);
    CHECK_EQ(c.value, 0xbeefu);
    /* The function the hypervisor drives. */
    c = cfg(0, 1 << 3, 4, 2);
    CHECK_EQ(cfg_op(d, PHYSDEVOP_pci_cfg_write, &c), -HESTIA_EPERM);
}

TEST_CASE(bad_arguments_reach_no_device)
{
    struct domain *d = h_domain_raw(64, true);
    struct physdev_pci_cfg bad[] = {
        cfg(0, 0, 0, 3),   cfg(0, 0, 0, 0),      cfg(0, 0, 2, 4), cfg(0, 0, 1, 2),
        cfg(0, 0, 256, 1), cfg(0, 0, 0xfffe, 2), cfg(0, 0, 0, 8)};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        for (unsigned op = PHYSDEVOP_pci_cfg_read; op <= PHYSDEVOP_pci_cfg_write; op++) {
            host_pci_last.op = 0;
            struct physdev_pci_cfg c = bad[i];
            CHECK_EQ(cfg_op(d, op, &c), -HESTIA_EINVAL);
            CHECK_EQ(host_pci_last.op, 0);
        }
    }
    struct physdev_pci_cfg c = cfg(0, 0, 0, 4);
    c.segment = 1;
    CHECK_EQ(cfg_op(d, PHYSDEVOP_pci_cfg_read, &c), -HESTIA_EINVAL);
    c = cfg(0, 0, 0, 4);
    c.pad2 = 1;
    CHECK_EQ(cfg_op(d, PHYSDEVOP_pci_cfg_read, &c), -HESTIA_EINVAL);
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_physdev_op, PHYSDEVOP_pci_cfg_read, H_VA_UNMAPPED,
                    0, 0, 0),
             -HESTIA_EFAULT);
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_physdev_op, 99, H_VA_UNMAPPED, 0, 0, 0),
             -HESTIA_ENOSYS);
    CHECK_EQ(host_pci_last.op, 0);
    /* Read into a read-only buffer: the device is read, the result cannot be stored. */
    uint64_t ro = h_buf_perms(d, sizeof(c), MMU_PERM_READ);
    c = cfg(0, 0, 0, 4);
    h_write(d, ro, &c, sizeof(c));
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_physdev_op, PHYSDEVOP_pci_cfg_read, ro, 0, 0, 0),
             -HESTIA_EFAULT);
}

TEST_CASE(domu_is_refused)
{
    struct domain *d = h_domain_raw(16, false);
    for (unsigned op = PHYSDEVOP_pci_cfg_read; op <= PHYSDEVOP_pci_cfg_write; op++) {
        host_pci_last.op = 0;
        struct physdev_pci_cfg c = cfg(0, 0, 0, 4);
        CHECK_EQ(cfg_op(d, op, &c), -HESTIA_EPERM);
        CHECK_EQ(host_pci_last.op, 0);
    }
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_physdev_op, 99, 0, 0, 0, 0), -HESTIA_EPERM);
}

static long port_op(struct domain *d, uint64_t cmd, unsigned port, unsigned size,
                    uint32_t *value)
{
    struct physdev_port_io p = {
        .port = (uint16_t)port, .size = (uint8_t)size, .value = *value};
    uint64_t va = h_put(d, &p, sizeof(p));
    long rc = h_call(h_vcpu(d), HYPERCALL_physdev_op, cmd, va, 0, 0, 0);
    h_read(d, &p, va, sizeof(p));
    *value = p.value;
    return rc;
}

TEST_CASE(port_io)
{
    struct domain *d = h_domain_raw(64, true);
    uint32_t v = 0x5a;
    CHECK_EQ(port_op(d, PHYSDEVOP_port_write, 0x80, 1, &v), 0);
    CHECK_EQ(host_pci_last.op, 4);
    v = 0;
    CHECK_EQ(port_op(d, PHYSDEVOP_port_read, 0x80, 1, &v), 0);
    CHECK_EQ(v, 0x5a);
    CHECK_EQ(port_op(d, PHYSDEVOP_port_read, 0x1000, 2, &v), 0);
    CHECK_EQ(v, 0xffff);
    /* The hypervisor's ports, also when an access only straddles them. */
    CHECK_EQ(port_op(d, PHYSDEVOP_port_read, 0x3f8, 1, &v), -HESTIA_EPERM);
    CHECK_EQ(port_op(d, PHYSDEVOP_port_write, 0x3f6, 4, &v), -HESTIA_EPERM);
    /* Malformed: never reaches the HAL. */
    unsigned bad[][2] = {{0, 3}, {0, 0}, {0, 8}, {0xffff, 2}, {0xfffd, 4}};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        host_pci_last.op = 0;
        CHECK_EQ(port_op(d, PHYSDEVOP_port_read, bad[i][0], bad[i][1], &v), -HESTIA_EINVAL);
        CHECK_EQ(port_op(d, PHYSDEVOP_port_write, bad[i][0], bad[i][1], &v),
                 -HESTIA_EINVAL);
        CHECK_EQ(host_pci_last.op, 0);
    }
    struct physdev_port_io p = {.port = 0x80, .size = 1, .pad = 1};
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_physdev_op, PHYSDEVOP_port_read,
                    h_put(d, &p, sizeof(p)), 0, 0, 0),
             -HESTIA_EINVAL);
    CHECK_EQ(host_pci_last.op, 0);
    /* 0xfffc + 4 ends exactly at the top of the space. */
    CHECK_EQ(port_op(d, PHYSDEVOP_port_read, 0xfffc, 4, &v), 0);
    struct domain *u = h_domain_raw(16, false);
    host_pci_last.op = 0;
    CHECK_EQ(port_op(u, PHYSDEVOP_port_write, 0x80, 1, &v), -HESTIA_EPERM);
    CHECK_EQ(host_pci_last.op, 0);
}

static long mmio_op(struct domain *d, uint64_t va, uint64_t mfn, unsigned perms,
                    uint32_t pad)
{
    struct physdev_mmio_map m = {.as = 0, .va = va, .mfn = mfn, .perms = perms, .pad = pad};
    return h_call(h_vcpu(d), HYPERCALL_physdev_op, PHYSDEVOP_map_mmio,
                  h_put(d, &m, sizeof(m)), 0, 0, 0);
}

static long mmu_unmap_op(struct domain *d, uint64_t va)
{
    struct mmu_op op = {.cmd = MMUOP_unmap, .as = 0, .va = va};
    return h_call(h_vcpu(d), HYPERCALL_mmu_op, h_put(d, &op, sizeof(op)), 1, 0, 0, 0);
}

#define DEV_MFN                                                                            \
    0x8000u /* below the host HAL's RAM (and its formats' max_mfn): device memory */

TEST_CASE(map_mmio)
{
    struct domain *d = h_domain_raw(64, true);
    CHECK_EQ(mmio_op(d, H_VA_UNMAPPED, DEV_MFN, MMU_PERM_READ | MMU_PERM_WRITE, 0), 0);
    mfn_t m;
    unsigned perms;
    CHECK_EQ(hal_as_lookup(pvmmu_kernel_space(d), guest_va(H_VA_UNMAPPED), &m, &perms), 0);
    CHECK_EQ(mfn_val(m), DEV_MFN);
    /* A hypercall argument in device memory: the hypervisor never reads the device. */
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_physdev_op, PHYSDEVOP_pci_cfg_read, H_VA_UNMAPPED,
                    0, 0, 0),
             -HESTIA_EFAULT);
    /* It holds no frame reference: the ordinary unmap drops none (frame_put on
     * a frame the allocator does not manage would stop the hypervisor). */
    CHECK_EQ(mmu_unmap_op(d, H_VA_UNMAPPED), 0);
    CHECK_EQ(hal_as_lookup(pvmmu_kernel_space(d), guest_va(H_VA_UNMAPPED), &m, &perms),
             -HESTIA_ENOENT);
    /* Refused: RAM (map it by gfn), the hypervisor's device, exec, no read, padding. */
    uint64_t ram = mfn_val(p2m_lookup(d, gfn(0)));
    CHECK_EQ(mmio_op(d, H_VA_UNMAPPED, ram, MMU_PERM_READ, 0), -HESTIA_EINVAL);
    CHECK_EQ(mmio_op(d, H_VA_UNMAPPED, HOST_MMIO_HYP_MFN, MMU_PERM_READ, 0), -HESTIA_EPERM);
    CHECK_EQ(mmio_op(d, H_VA_UNMAPPED, DEV_MFN, MMU_PERM_READ | MMU_PERM_EXEC, 0),
             -HESTIA_EINVAL);
    CHECK_EQ(mmio_op(d, H_VA_UNMAPPED, DEV_MFN, MMU_PERM_WRITE, 0), -HESTIA_EINVAL);
    CHECK_EQ(mmio_op(d, H_VA_UNMAPPED, DEV_MFN, MMU_PERM_READ, 1), -HESTIA_EINVAL);
    CHECK_EQ(mmio_op(d, H_VA_UNMAPPED, ~0ull, MMU_PERM_READ, 0), -HESTIA_EINVAL);
    CHECK_EQ(mmio_op(d, H_VA_HYP, DEV_MFN, MMU_PERM_READ, 0), -HESTIA_EINVAL);
    CHECK_EQ(hal_as_lookup(pvmmu_kernel_space(d), guest_va(H_VA_UNMAPPED), &m, &perms),
             -HESTIA_ENOENT);
    struct domain *u = h_domain_raw(16, false);
    CHECK_EQ(mmio_op(u, H_VA_UNMAPPED, DEV_MFN, MMU_PERM_READ, 0), -HESTIA_EPERM);
}

TEST_CASE(dma_translate)
{
    struct domain *d = h_domain_raw(64, true);
    struct physdev_dma_translate t = {.gfn = 3, .mfn = 0};
    uint64_t va = h_put(d, &t, sizeof(t));
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_physdev_op, PHYSDEVOP_dma_translate, va, 0, 0, 0),
             0);
    h_read(d, &t, va, sizeof(t));
    CHECK_EQ(t.mfn, mfn_val(p2m_lookup(d, gfn(3))));
    t = (struct physdev_dma_translate){.gfn = p2m_gfn_limit(d)};
    va = h_put(d, &t, sizeof(t));
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_physdev_op, PHYSDEVOP_dma_translate, va, 0, 0, 0),
             -HESTIA_EINVAL);
    struct domain *u = h_domain_raw(16, false);
    t = (struct physdev_dma_translate){.gfn = 0};
    va = h_put(u, &t, sizeof(t));
    CHECK_EQ(h_call(h_vcpu(u), HYPERCALL_physdev_op, PHYSDEVOP_dma_translate, va, 0, 0, 0),
             -HESTIA_EPERM);
}

static long window_op(struct domain *d, struct physdev_pci_window *w)
{
    uint64_t va = h_put(d, w, sizeof(*w));
    long rc = h_call(h_vcpu(d), HYPERCALL_physdev_op, PHYSDEVOP_pci_window, va, 0, 0, 0);
    h_read(d, w, va, sizeof(*w));
    return rc;
}

/* dom0 learns the bridge's window (bus and CPU bases); past the last, ENOENT; a domU is
 * refused. */
TEST_CASE(pci_window)
{
    struct domain *d = h_domain_raw(16, true);
    struct physdev_pci_window w = {.index = 0, .flags = 0xdead};
    CHECK_EQ(window_op(d, &w), 0);
    CHECK_EQ(w.index, 0);
    CHECK_EQ(w.flags, PHYSDEV_PCI_WINDOW_MEM);
    CHECK_EQ(w.cpu_base, HOST_PCI_WINDOW_CPU);
    CHECK_EQ(w.bus_base, HOST_PCI_WINDOW_BUS);
    CHECK_EQ(w.size, HOST_PCI_WINDOW_SIZE);
    w = (struct physdev_pci_window){.index = 1};
    CHECK_EQ(window_op(d, &w), -HESTIA_ENOENT);
    CHECK_EQ(w.size, 0);
    w = (struct physdev_pci_window){.index = 0xffffffffu};
    CHECK_EQ(window_op(d, &w), -HESTIA_ENOENT);
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_physdev_op, PHYSDEVOP_pci_window, H_VA_UNMAPPED, 0,
                    0, 0),
             -HESTIA_EFAULT);
    struct domain *u = h_domain_raw(16, false);
    w = (struct physdev_pci_window){.index = 0};
    CHECK_EQ(window_op(u, &w), -HESTIA_EPERM);
    CHECK_EQ(w.size, 0);
}

/* A domain torn down with a device mapping in place gives back every frame,
 * as one with an ordinary extra mapping does. */
TEST_CASE(map_mmio_teardown)
{
    unsigned long a = mm_free_frames();
    struct domain *d = h_domain_raw(64, true);
    CHECK_EQ(domain_destroy(d), 0);
    unsigned long b = mm_free_frames();
    d = h_domain_raw(64, true);
    CHECK_EQ(mmio_op(d, H_VA_UNMAPPED, DEV_MFN, MMU_PERM_READ, 0), 0);
    CHECK_EQ(domain_destroy(d), 0);
    unsigned long c = mm_free_frames();
    d = h_domain_raw(64, true);
    struct mmu_op op = {
        .cmd = MMUOP_map, .as = 0, .va = H_VA_UNMAPPED, .gfn = 5, .perms = MMU_PERM_READ};
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_mmu_op, h_put(d, &op, sizeof(op)), 1, 0, 0, 0), 0);
    CHECK_EQ(domain_destroy(d), 0);
    CHECK_EQ(a, b);
    CHECK_EQ(b, c);
    CHECK_EQ(c, mm_free_frames());
}

/* Device memory is mapped uncached, and a guest's protect cannot make it cached. */
TEST_CASE(map_mmio_uncached)
{
    struct domain *d = h_domain_raw(64, true);
    CHECK_EQ(mmio_op(d, H_VA_UNMAPPED, DEV_MFN, MMU_PERM_READ | MMU_PERM_WRITE, 0), 0);
    mfn_t m;
    unsigned perms = 0;
    CHECK_EQ(hal_as_lookup(pvmmu_kernel_space(d), guest_va(H_VA_UNMAPPED), &m, &perms), 0);
    CHECK_EQ(perms, MMU_PERM_READ | MMU_PERM_WRITE | HAL_MAP_UNCACHED);
    struct mmu_op op = {
        .cmd = MMUOP_protect, .as = 0, .va = H_VA_UNMAPPED, .perms = MMU_PERM_READ};
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_mmu_op, h_put(d, &op, sizeof(op)), 1, 0, 0, 0), 0);
    CHECK_EQ(hal_as_lookup(pvmmu_kernel_space(d), guest_va(H_VA_UNMAPPED), &m, &perms), 0);
    CHECK_EQ(perms, MMU_PERM_READ | HAL_MAP_UNCACHED);
    /* A guest cannot ask for the flag on its own RAM. */
    op = (struct mmu_op){.cmd = MMUOP_map,
                         .as = 0,
                         .va = H_VA_UNMAPPED + HAL_PAGE_SIZE,
                         .gfn = 1,
                         .perms = MMU_PERM_READ | HAL_MAP_UNCACHED};
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_mmu_op, h_put(d, &op, sizeof(op)), 1, 0, 0, 0),
             -HESTIA_EINVAL);
    op.perms = MMU_PERM_READ;
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_mmu_op, h_put(d, &op, sizeof(op)), 1, 0, 0, 0), 0);
    CHECK_EQ(hal_as_lookup(pvmmu_kernel_space(d), guest_va(H_VA_UNMAPPED + HAL_PAGE_SIZE),
                           &m, &perms),
             0);
    CHECK_EQ(perms, MMU_PERM_READ);
    CHECK_EQ(mmu_unmap_op(d, H_VA_UNMAPPED), 0);
}
