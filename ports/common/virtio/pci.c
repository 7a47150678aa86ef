/* SPDX-License-Identifier: MIT */
/*
 * The modern virtio-pci transport (virtio 1.2, 4.1): a function of vendor
 * 0x1af4 whose vendor capabilities name, in its BARs, the common
 * configuration, notification, ISR and device configuration structures.
 * dom0 maps those pages with PHYSDEVOP_map_mmio.  A BAR that firmware
 * left unassigned (ppce500 booted with -kernel) gets an address in the
 * host bridge's window (PHYSDEVOP_pci_window); BARs firmware assigned
 * are kept.  Legacy (transitional-only) I/O registers are never used.
 */
#include <port/pci.h>

#include "virtio.h"

#define VIRTIO_PCI_VENDOR 0x1af4u
#define PCI_REG_STATUS 0x06
#define PCI_STATUS_CAPS 0x10u
#define PCI_REG_CAPS 0x34
#define PCI_REG_SUBSYSTEM_ID 0x2e
#define PCI_CAP_VENDOR 0x09
#define PCI_CMD_MEMORY 0x2u
#define PCI_CMD_MASTER 0x4u

/* virtio_pci_cap.cfg_type (4.1.4) */
#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR 3
#define CAP_DEVICE 4

/* The common configuration structure (4.1.4.3). */
#define CC_DFSELECT 0x00
#define CC_DF 0x04
#define CC_GFSELECT 0x08
#define CC_GF 0x0c
#define CC_NUM_QUEUES 0x12
#define CC_STATUS 0x14
#define CC_CFGGEN 0x15
#define CC_Q_SELECT 0x16
#define CC_Q_SIZE 0x18
#define CC_Q_ENABLE 0x1c
#define CC_Q_NOFF 0x1e
#define CC_Q_DESC 0x20
#define CC_Q_AVAIL 0x28
#define CC_Q_USED 0x30

static uint32_t cfg(const struct virtio_dev *d, unsigned reg, unsigned size)
{
    uint32_t v = 0;
    pci_cfg_read(d->bus, d->devfn, reg, size, &v);
    return v;
}

/* ---- BARs -------------------------------------------------------------- */

/* Next free bus address in each window dom0 was given (for unassigned BARs). */
static uint64_t window_next[4];

/* Give BAR bar (size bytes, size a power of 2) a bus address from the host bridge's
 * windows. */
static long assign_bar(const struct virtio_dev *d, unsigned bar, uint64_t size, bool is64,
                       uint64_t *bus)
{
    struct physdev_pci_window w;
    long r;
    for (unsigned i = 0; i < ARRAY_SIZE(window_next) && (r = pci_window(i, &w)) == 0; i++) {
        if (!(w.flags & PHYSDEV_PCI_WINDOW_MEM) ||
            (!is64 && w.bus_base + w.size > (1ull << 32)))
            continue;
        uint64_t at = window_next[i] ? window_next[i] : w.bus_base;
        at = (at + size - 1) & ~(size - 1);
        if (at + size > w.bus_base + w.size)
            continue;
        window_next[i] = at + size;
        unsigned reg = PCI_REG_BAR0 + 4 * bar;
        pci_cfg_write(d->bus, d->devfn, reg, 4, (uint32_t)at);
        if (is64)
            pci_cfg_write(d->bus, d->devfn, reg + 4, 4, (uint32_t)(at >> 32));
        *bus = at;
        printk("virtio %s: BAR%u (%llu KiB) unassigned: placed at bus address 0x%llx\n",
               d->where, bar, (unsigned long long)(size >> 10), (unsigned long long)at);
        return 0;
    }
    printk("virtio %s: BAR%u (%llu bytes) unassigned and no PCI window has room (%s)\n",
           d->where, bar, (unsigned long long)size, r < 0 ? kstrerror(r) : "full");
    return r < 0 ? r : -HESTIA_ENOSPC;
}

/* The size of a memory BAR (decoding is off while its register reads the mask). */
static uint64_t bar_size(const struct virtio_dev *d, unsigned reg, bool is64)
{
    uint32_t lo = cfg(d, reg, 4), hi = is64 ? cfg(d, reg + 4, 4) : 0;
    pci_cfg_write(d->bus, d->devfn, reg, 4, ~0u);
    uint64_t mask = cfg(d, reg, 4) & ~0xfull;
    pci_cfg_write(d->bus, d->devfn, reg, 4, lo);
    if (is64) {
        pci_cfg_write(d->bus, d->devfn, reg + 4, 4, ~0u);
        mask |= (uint64_t)cfg(d, reg + 4, 4) << 32;
        pci_cfg_write(d->bus, d->devfn, reg + 4, 4, hi);
    } else {
        mask |= 0xffffffff00000000ull;
    }
    return mask ? ~mask + 1 : 0;
}

/* The machine address where the CPU reaches BAR bar (assigned first if need be), or 0. */
static uint64_t bar_address(const struct virtio_dev *d, unsigned bar)
{
    if (bar > 5)
        return 0;
    unsigned reg = PCI_REG_BAR0 + 4 * bar;
    uint32_t lo = cfg(d, reg, 4);
    if (lo & 1)
        return 0; /* an I/O BAR: the structures we use are in memory BARs */
    bool is64 = ((lo >> 1) & 3) == 2;
    uint64_t bus = (lo & ~0xfull) | (is64 ? (uint64_t)cfg(d, reg + 4, 4) << 32 : 0);
    if (!bus) {
        uint64_t size = bar_size(d, reg, is64);
        if (!size || assign_bar(d, bar, size, is64, &bus) < 0)
            return 0;
    }
    /* A bus address inside a window is reached at that window's CPU address. */
    struct physdev_pci_window w;
    for (unsigned i = 0; pci_window(i, &w) == 0; i++)
        if (bus - w.bus_base < w.size)
            return bus - w.bus_base + w.cpu_base;
    return bus; /* the PC: bus and CPU addresses are the same */
}

/* Map [pa, pa + len) (len small) and return the address of pa, or NULL. */
static volatile uint8_t *map_region(uint64_t pa, uint32_t len)
{
    uint64_t first = pa & ~(uint64_t)(HESTIA_PAGE_SIZE - 1);
    unsigned pages =
        (unsigned)((pa + len - first + HESTIA_PAGE_SIZE - 1) >> HESTIA_PAGE_SHIFT);
    if (!len || pages > 4)
        return NULL;
    uintptr_t va = kva_alloc(pages);
    for (unsigned i = 0; i < pages; i++)
        if (mmio_map(va + i * HESTIA_PAGE_SIZE, first + i * (uint64_t)HESTIA_PAGE_SIZE) < 0)
            return NULL;
    return (volatile uint8_t *)(va + (uintptr_t)(pa - first));
}

/* Walk the capability list and map the four structures. */
static long map_structures(struct virtio_dev *d)
{
    if (!(cfg(d, PCI_REG_STATUS, 2) & PCI_STATUS_CAPS))
        return -HESTIA_ENODEV;
    unsigned pos = cfg(d, PCI_REG_CAPS, 1) & 0xfcu;
    for (unsigned n = 0; pos && n < 48; n++, pos = cfg(d, pos + 1, 1) & 0xfcu) {
        if (cfg(d, pos, 1) != PCI_CAP_VENDOR)
            continue;
        unsigned type = cfg(d, pos + 3, 1), bar = cfg(d, pos + 4, 1);
        uint32_t off = cfg(d, pos + 8, 4), len = cfg(d, pos + 12, 4);
        volatile uint8_t **slot = type == CAP_COMMON   ? &d->common
                                  : type == CAP_NOTIFY ? &d->notify_base
                                  : type == CAP_ISR    ? &d->isr_reg
                                  : type == CAP_DEVICE ? &d->device_cfg
                                                       : NULL;
        if (!slot || *slot)
            continue; /* another type, or a second capability of one we have */
        uint64_t base = bar_address(d, bar);
        if (!base)
            continue;
        if (type == CAP_NOTIFY)
            d->notify_mult = cfg(d, pos + 16, 4);
        if (type == CAP_NOTIFY && len > 4 * HESTIA_PAGE_SIZE)
            len = 4 * HESTIA_PAGE_SIZE;
        *slot = map_region(base + off, len);
    }
    if (!d->common || !d->notify_base || !d->isr_reg)
        return -HESTIA_ENODEV;
    return 0;
}

/* ---- operations -------------------------------------------------------- */

static uint64_t pci_features(struct virtio_dev *d)
{
    vio_wr32(d->common + CC_DFSELECT, 0);
    uint64_t f = vio_rd32(d->common + CC_DF);
    vio_wr32(d->common + CC_DFSELECT, 1);
    return f | (uint64_t)vio_rd32(d->common + CC_DF) << 32;
}

static void pci_set_features(struct virtio_dev *d, uint64_t f)
{
    vio_wr32(d->common + CC_GFSELECT, 0);
    vio_wr32(d->common + CC_GF, (uint32_t)f);
    vio_wr32(d->common + CC_GFSELECT, 1);
    vio_wr32(d->common + CC_GF, (uint32_t)(f >> 32));
}

static uint8_t pci_status(struct virtio_dev *d)
{
    return vio_rd8(d->common + CC_STATUS);
}

static void pci_set_status(struct virtio_dev *d, uint8_t s)
{
    vio_wr8(d->common + CC_STATUS, s);
}

static unsigned pci_queue_max(struct virtio_dev *d, unsigned q)
{
    if (q >= vio_rd16(d->common + CC_NUM_QUEUES) || q >= ARRAY_SIZE(d->notify_off))
        return 0;
    vio_wr16(d->common + CC_Q_SELECT, (uint16_t)q);
    return vio_rd16(d->common + CC_Q_SIZE);
}

static void wr64(volatile uint8_t *p, uint64_t v)
{
    vio_wr32(p, (uint32_t)v);
    vio_wr32(p + 4, (uint32_t)(v >> 32));
}

static long pci_queue_enable(struct virtio_dev *d, unsigned q, unsigned size, uint64_t desc,
                             uint64_t avail, uint64_t used)
{
    vio_wr16(d->common + CC_Q_SELECT, (uint16_t)q);
    vio_wr16(d->common + CC_Q_SIZE, (uint16_t)size);
    wr64(d->common + CC_Q_DESC, desc);
    wr64(d->common + CC_Q_AVAIL, avail);
    wr64(d->common + CC_Q_USED, used);
    d->notify_off[q] = vio_rd16(d->common + CC_Q_NOFF);
    if ((uint64_t)d->notify_off[q] * d->notify_mult + 2 > 4 * HESTIA_PAGE_SIZE)
        return -HESTIA_EINVAL; /* beyond what we mapped of the notify structure */
    vio_wr16(d->common + CC_Q_ENABLE, 1);
    return 0;
}

static void pci_notify(struct virtio_dev *d, unsigned q)
{
    vio_wr16(d->notify_base + d->notify_off[q] * d->notify_mult, (uint16_t)q);
}

static uint32_t pci_isr(struct virtio_dev *d)
{
    return vio_rd8(d->isr_reg); /* reading clears it (4.1.4.5) */
}

static uint32_t pci_config(struct virtio_dev *d, unsigned off, unsigned size)
{
    if (!d->device_cfg)
        return 0;
    return size == 1   ? vio_rd8(d->device_cfg + off)
           : size == 2 ? vio_rd16(d->device_cfg + off)
                       : vio_rd32(d->device_cfg + off);
}

static uint32_t pci_config_generation(struct virtio_dev *d)
{
    return vio_rd8(d->common + CC_CFGGEN);
}

static const struct virtio_ops pci_ops = {
    .features = pci_features,
    .set_features = pci_set_features,
    .status = pci_status,
    .set_status = pci_set_status,
    .queue_max = pci_queue_max,
    .queue_enable = pci_queue_enable,
    .notify = pci_notify,
    .isr = pci_isr,
    .config = pci_config,
    .config_generation = pci_config_generation,
};

/* The virtio device type of a 0x1af4 function: modern ids 0x1040 + type, transitional
 * 0x1000-0x103f. */
static unsigned device_type(const struct virtio_dev *d, uint16_t device)
{
    if (device >= 0x1040 && device <= 0x107f)
        return device - 0x1040u;
    if (device >= 0x1000 && device <= 0x103f)
        return cfg(d, PCI_REG_SUBSYSTEM_ID, 2);
    return 0;
}

long virtio_pci_find(unsigned type, unsigned *index, struct virtio_dev *out)
{
    struct pci_function f[32];
    long n = pci_scan_bus0(f, ARRAY_SIZE(f));
    if (n < 0)
        return n == -HESTIA_ENODEV ? -HESTIA_ENODEV : n;
    for (long i = 0; i < n && i < (long)ARRAY_SIZE(f); i++) {
        if (f[i].vendor != VIRTIO_PCI_VENDOR)
            continue;
        *out = (struct virtio_dev){.ops = &pci_ops, .bus = f[i].bus, .devfn = f[i].devfn};
        if (device_type(out, f[i].device) != type)
            continue;
        if ((*index)--)
            continue;
        ksnprintf(out->where, sizeof out->where, "pci %02x:%02x.%u", f[i].bus,
                  f[i].devfn >> 3, f[i].devfn & 7u);
        out->type = type;
        /* Decoding off while BARs may be sized and assigned, then memory and bus mastering
         * on. */
        uint32_t cmd = cfg(out, PCI_REG_COMMAND, 2);
        pci_cfg_write(out->bus, out->devfn, PCI_REG_COMMAND, 2, cmd & ~PCI_CMD_MEMORY);
        long r = map_structures(out);
        pci_cfg_write(out->bus, out->devfn, PCI_REG_COMMAND, 2,
                      cmd | PCI_CMD_MEMORY | PCI_CMD_MASTER);
        if (r < 0) {
            printk("virtio %s: no usable modern capabilities (%s)\n", out->where,
                   kstrerror(r));
            return r;
        }
        unsigned pin = cfg(out, PCI_REG_INTERRUPT_PIN, 1);
        out->has_pirq =
            pin >= 1 && pin <= 4 && pci_irq(out->bus, out->devfn, pin, &out->pirq) == 0;
        return 0;
    }
    return -HESTIA_ENODEV;
}
