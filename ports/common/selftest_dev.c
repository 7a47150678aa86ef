/* SPDX-License-Identifier: MIT */
/*
 * pv-selftest, devices: PCI configuration space through
 * HYPERCALL_physdev_op.  dom0 scans bus 0 and checks what a driver relies
 * on (sub-word reads agree with the dword, an absent function reads all
 * ones, a software scratch register takes a write, bad arguments and the
 * hypervisor's own function are refused); a domU must be refused
 * everything; a platform without PCI answers "no such device".  And x86
 * I/O ports: a CMOS RAM byte round trip for dom0, the hypervisor's own
 * ports (console, exit port, PCI configuration) refused.
 */
#include <port/kernel.h>
#include <port/pci.h>

#define PVPANIC_ID 0x00111b36u

static void check_subword(struct tctx *t, const struct pci_function *f)
{
    uint32_t dw, w0, w2, b;
    T_EQ(t, pci_cfg_read(0, f->devfn, PCI_REG_ID, 4, &dw), 0);
    T_EQ(t, pci_cfg_read(0, f->devfn, 0, 2, &w0), 0);
    T_EQ(t, pci_cfg_read(0, f->devfn, 2, 2, &w2), 0);
    T_EQ(t, w0, dw & 0xffffu);
    T_EQ(t, w2, dw >> 16);
    for (unsigned i = 0; i < 4; i++) {
        T_EQ(t, pci_cfg_read(0, f->devfn, i, 1, &b), 0);
        T_EQ(t, b, (dw >> (8 * i)) & 0xffu);
    }
}

static void check_absent(struct tctx *t, const struct pci_function *f, long n)
{
    for (unsigned dev = 31; dev > 0; dev--) {
        bool present = false;
        for (long i = 0; i < n; i++)
            present |= f[i].devfn >> 3 == dev;
        if (present)
            continue;
        uint32_t v;
        T_EQ(t, pci_cfg_read(0, PCI_DEVFN(dev, 0), PCI_REG_ID, 4, &v), 0);
        T_EQ(t, v, 0xffffffffu);
        return;
    }
}

/* The interrupt-line register is a scratch byte for software (PCI 3.0, 6.2.4). */
static void check_scratch(struct tctx *t, const struct pci_function *f)
{
    uint32_t orig, v;
    T_EQ(t, pci_cfg_read(0, f->devfn, PCI_REG_INTERRUPT_LINE, 1, &orig), 0);
    T_EQ(t, pci_cfg_write(0, f->devfn, PCI_REG_INTERRUPT_LINE, 1, orig ^ 0x5a), 0);
    T_EQ(t, pci_cfg_read(0, f->devfn, PCI_REG_INTERRUPT_LINE, 1, &v), 0);
    T_EQ(t, v, orig ^ 0x5a);
    T_EQ(t, pci_cfg_write(0, f->devfn, PCI_REG_INTERRUPT_LINE, 1, orig), 0);
    T_EQ(t, pci_cfg_read(0, f->devfn, PCI_REG_INTERRUPT_LINE, 1, &v), 0);
    T_EQ(t, v, orig);
}

static void check_refusals(struct tctx *t, const struct pci_function *f, long n)
{
    uint32_t v;
    T_EQ(t, pci_cfg_read(0, 0, 0, 3, &v), -HESTIA_EINVAL);
    T_EQ(t, pci_cfg_read(0, 0, 2, 4, &v), -HESTIA_EINVAL);
    T_EQ(t, pci_cfg_read(0, 0, 256, 1, &v), -HESTIA_EINVAL);
    T_EQ(t, pci_cfg_write(0, 0, 1, 2, 0), -HESTIA_EINVAL);
    for (long i = 0; i < n; i++)
        if (((uint32_t)f[i].device << 16 | f[i].vendor) == PVPANIC_ID)
            T_EQ(t, pci_cfg_write(0, f[i].devfn, PCI_REG_COMMAND, 2, 0), -HESTIA_EPERM);
}

static void t_pci_config(struct tctx *t)
{
    uint32_t v;
    long r = pci_cfg_read(0, 0, PCI_REG_ID, 4, &v);
    if (!(start_info->flags & SIF_PRIVILEGED)) {
        T_EQ(t, r, -HESTIA_EPERM);
        T_EQ(t, pci_cfg_write(0, 0, PCI_REG_INTERRUPT_LINE, 1, 0), -HESTIA_EPERM);
        if (!t->failed)
            ksnprintf(t->detail, sizeof t->detail, "a domU is refused: %s", kstrerror(r));
        return;
    }
    if (r == -HESTIA_ENODEV) {
        T_EQ(t, pci_cfg_write(0, 0, PCI_REG_INTERRUPT_LINE, 1, 0), -HESTIA_ENODEV);
        if (!t->failed)
            ksnprintf(t->detail, sizeof t->detail, "this platform has no PCI: %s",
                      kstrerror(r));
        return;
    }
    T_EQ(t, r, 0);
    struct pci_function f[32];
    long n = pci_scan_bus0(f, 32);
    if (n < 1 || n > 32) {
        t_fail(t, "bus 0 scan: %ld functions (%s)", n, n < 0 ? kstrerror(n) : "want 1..32");
        return;
    }
    for (long i = 0; i < n; i++)
        pci_print(&f[i]);
    check_subword(t, &f[0]);
    check_absent(t, f, n);
    for (long i = 0; i < n; i++)
        if (((uint32_t)f[i].device << 16 | f[i].vendor) != PVPANIC_ID) {
            check_scratch(t, &f[i]);
            break;
        }
    check_refusals(t, f, n);
    if (!t->failed) /* else keep the first failure as the detail */
        ksnprintf(t->detail, sizeof t->detail,
                  "%ld functions on bus 0, 00:%02x.%u is %04x:%04x", n, f[0].devfn >> 3,
                  f[0].devfn & 7u, f[0].vendor, f[0].device);
}

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_SCRATCH 0x34 /* general-purpose CMOS RAM on QEMU's MC146818 */
#define HV_COM1 0x3f8
#define HV_EXIT_PORT 0xf4

static void cmos_round_trip(struct tctx *t)
{
    uint32_t orig, v;
    T_EQ(t, port_write(CMOS_INDEX, 1, CMOS_SCRATCH), 0);
    T_EQ(t, port_read(CMOS_DATA, 1, &orig), 0);
    T_EQ(t, port_write(CMOS_INDEX, 1, CMOS_SCRATCH), 0);
    T_EQ(t, port_write(CMOS_DATA, 1, orig ^ 0xa5), 0);
    T_EQ(t, port_write(CMOS_INDEX, 1, CMOS_SCRATCH), 0);
    T_EQ(t, port_read(CMOS_DATA, 1, &v), 0);
    T_EQ(t, v, orig ^ 0xa5);
    T_EQ(t, port_write(CMOS_INDEX, 1, CMOS_SCRATCH), 0);
    T_EQ(t, port_write(CMOS_DATA, 1, orig), 0);
}

static void t_port_io(struct tctx *t)
{
    uint32_t v;
    long r = port_read(CMOS_INDEX, 1, &v);
    if (!(start_info->flags & SIF_PRIVILEGED)) {
        T_EQ(t, r, -HESTIA_EPERM);
        T_EQ(t, port_write(HV_EXIT_PORT, 4, 0), -HESTIA_EPERM);
        if (!t->failed)
            ksnprintf(t->detail, sizeof t->detail, "a domU is refused: %s", kstrerror(r));
        return;
    }
    if (r == -HESTIA_ENODEV) {
        T_EQ(t, port_write(CMOS_INDEX, 1, 0), -HESTIA_ENODEV);
        if (!t->failed)
            ksnprintf(t->detail, sizeof t->detail, "no I/O ports here: %s", kstrerror(r));
        return;
    }
    T_EQ(t, r, 0);
    cmos_round_trip(t);
    /* The hypervisor's ports: its console, the run's verdict, PCI config. */
    T_EQ(t, port_read(HV_COM1 + 5, 1, &v), -HESTIA_EPERM);
    T_EQ(t, port_write(HV_EXIT_PORT, 4, 0), -HESTIA_EPERM);
    T_EQ(t, port_write(HV_EXIT_PORT - 1, 2, 0), -HESTIA_EPERM);
    T_EQ(t, port_read(0xcfc, 4, &v), -HESTIA_EPERM);
    T_EQ(t, port_read(0x70, 3, &v), -HESTIA_EINVAL);
    T_EQ(t, port_read(0xffff, 2, &v), -HESTIA_EINVAL);
    if (!t->failed)
        ksnprintf(
            t->detail, sizeof t->detail,
            "CMOS RAM byte written and read back; console, exit and PCI ports refused");
}

#define BOCHS_VGA_ID 0x11111234u /* QEMU's std VGA: BAR2 holds its registers */
#define BOCHS_DISPI_ID_REG 0x500 /* in BAR2: VBE_DISPI_INDEX_ID, 0xb0c0..0xb0cf */

/* dom0 maps QEMU's VGA register BAR (where the machine has one) and reads its ID. */
static long read_vga_id(struct tctx *t, uint32_t *id)
{
    struct pci_function f[32];
    long n = pci_scan_bus0(f, 32);
    for (long i = 0; i < n && i < 32; i++) {
        if (((uint32_t)f[i].device << 16 | f[i].vendor) != BOCHS_VGA_ID)
            continue;
        uint32_t bar;
        T_EQ(t, pci_cfg_read(0, f[i].devfn, PCI_REG_BAR0 + 8, 4, &bar), 0);
        uint64_t pa = bar & ~0xfffu;
        if ((bar & 1) || !pa)
            return 0;
        uintptr_t va = kva_alloc(1);
        long r = mmio_map(va, pa);
        T_EQ(t, r, 0);
        if (r)
            return 1;
        *id = *(volatile uint16_t *)(va + BOCHS_DISPI_ID_REG);
        /* A hypercall argument in device memory is refused, not read by the hypervisor. */
        T_EQ(t, hc_physdev(PHYSDEVOP_dma_translate, (void *)va), -HESTIA_EFAULT);
        T_EQ(t, mmu_unmap(0, va), 0);
        return 1;
    }
    return 0;
}

#define VIRTIO_MMIO_MAGIC 0x74726976u /* "virt" */
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_ID_BLOCK 2

/* dom0 maps the platform's virtio-mmio window (ia64sim) and reads its identity. */
static long read_virtio_mmio(struct tctx *t, uint32_t *id)
{
    uint64_t pa = arch_virtio_mmio_base();
    if (!pa)
        return 0;
    uintptr_t va = kva_alloc(1);
    long r = mmio_map(va, pa);
    T_EQ(t, r, 0);
    if (r)
        return 1;
    volatile uint32_t *regs = (volatile uint32_t *)va;
    T_EQ(t, regs[0], VIRTIO_MMIO_MAGIC);
    T_EQ(t, regs[VIRTIO_MMIO_VERSION / 4], 2);
    *id = regs[VIRTIO_MMIO_DEVICE_ID / 4];
    T_EQ(t, *id, VIRTIO_ID_BLOCK);
    T_EQ(t, mmu_unmap(0, va), 0);
    return 1;
}

/*
 * Device memory and DMA addresses: dom0 maps a device's register BAR and
 * reads it; RAM (its own frame, as DMA translation names it) and, on the
 * PC, the local APIC the hypervisor drives are refused; a domU is refused.
 */
static void t_mmio_dma(struct tctx *t)
{
    uint64_t gfn = va_to_gfn(&t->detail), mfn = 0;
    long r = dma_translate(gfn, &mfn);
    if (!(start_info->flags & SIF_PRIVILEGED)) {
        T_EQ(t, r, -HESTIA_EPERM);
        T_EQ(t, mmio_map(kva_alloc(1), 0xfebf0000u), -HESTIA_EPERM);
        if (!t->failed)
            ksnprintf(t->detail, sizeof t->detail, "a domU is refused: %s", kstrerror(r));
        return;
    }
    T_EQ(t, r, 0);
    T_CHECK(t, mfn != 0, "gfn %llu translates to mfn 0", (unsigned long long)gfn);
    T_EQ(t, dma_translate(~0ull >> 1, &mfn), -HESTIA_EINVAL);
    /* RAM is mapped by gfn, never as device memory. */
    dma_translate(gfn, &mfn);
    T_EQ(t, mmio_map(kva_alloc(1), mfn << HESTIA_PAGE_SHIFT), -HESTIA_EINVAL);
    uint32_t id = 0;
    const char *what = "no device memory on this machine:";
    if (read_vga_id(t, &id)) {
        T_CHECK(t, (id & 0xfff0u) == 0xb0c0u, "VGA ID register reads %x", id);
        /* The PC's local APIC is the hypervisor's. */
        T_EQ(t, mmio_map(kva_alloc(1), 0xfee00000u), -HESTIA_EPERM);
        what = "VGA register BAR mapped, DISPI ID";
    } else if (read_virtio_mmio(t, &id)) {
        what = "virtio-mmio window mapped, magic and version 2, device id";
    }
    if (!t->failed)
        ksnprintf(t->detail, sizeof t->detail, "%s %x; RAM refused; gfn %llu is mfn %llx",
                  what, id, (unsigned long long)gfn, (unsigned long long)mfn);
}

void selftest_pirq_run(void);

void selftest_dev_run(void)
{
    selftest_pirq_run();
    test_run("pv.mmio-dma", t_mmio_dma);
    test_run("pv.pci-config", t_pci_config);
    test_run("pv.port-io", t_port_io);
}
