/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio transport, register layout version 2 (virtio 1.2,
 * 4.2.2): one page of 32-bit registers per device, the device
 * configuration from 0x100.  The platform's windows and their pirqs come
 * from PHYSDEVOP_platform_device; a window not listed is never touched
 * (on ia64sim, a load from a window without a device stops the simulator).
 */
#include <port/pci.h>
#include <port/virtio_mmio_regs.h>

#include "virtio.h"

static uint32_t rd(struct virtio_dev *d, unsigned reg)
{
    return vio_rd32(d->mmio + reg);
}

static void wr(struct virtio_dev *d, unsigned reg, uint32_t v)
{
    vio_wr32(d->mmio + reg, v);
}

static uint64_t mmio_features(struct virtio_dev *d)
{
    wr(d, MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t f = rd(d, MMIO_DEVICE_FEATURES);
    wr(d, MMIO_DEVICE_FEATURES_SEL, 1);
    return f | (uint64_t)rd(d, MMIO_DEVICE_FEATURES) << 32;
}

static void mmio_set_features(struct virtio_dev *d, uint64_t f)
{
    wr(d, MMIO_DRIVER_FEATURES_SEL, 0);
    wr(d, MMIO_DRIVER_FEATURES, (uint32_t)f);
    wr(d, MMIO_DRIVER_FEATURES_SEL, 1);
    wr(d, MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
}

static uint8_t mmio_status(struct virtio_dev *d)
{
    return (uint8_t)rd(d, MMIO_STATUS);
}

static void mmio_set_status(struct virtio_dev *d, uint8_t s)
{
    wr(d, MMIO_STATUS, s);
}

static unsigned mmio_queue_max(struct virtio_dev *d, unsigned q)
{
    wr(d, MMIO_QUEUE_SEL, q);
    return rd(d, MMIO_QUEUE_READY) ? 0 : rd(d, MMIO_QUEUE_NUM_MAX);
}

static long mmio_queue_enable(struct virtio_dev *d, unsigned q, unsigned size,
                              uint64_t desc, uint64_t avail, uint64_t used)
{
    wr(d, MMIO_QUEUE_SEL, q);
    wr(d, MMIO_QUEUE_NUM, size);
    const unsigned regs[3] = {MMIO_QUEUE_DESC, MMIO_QUEUE_DRIVER, MMIO_QUEUE_DEVICE};
    const uint64_t addr[3] = {desc, avail, used};
    for (unsigned i = 0; i < 3; i++) {
        wr(d, regs[i], (uint32_t)addr[i]);
        wr(d, regs[i] + 4, (uint32_t)(addr[i] >> 32));
    }
    wr(d, MMIO_QUEUE_READY, 1);
    return rd(d, MMIO_QUEUE_READY) == 1 ? 0 : -HESTIA_EINVAL;
}

static void mmio_notify(struct virtio_dev *d, unsigned q)
{
    wr(d, MMIO_QUEUE_NOTIFY, q);
}

static uint32_t mmio_isr(struct virtio_dev *d)
{
    uint32_t s = rd(d, MMIO_INTERRUPT_STATUS);
    if (s)
        wr(d, MMIO_INTERRUPT_ACK, s);
    return s;
}

static uint32_t mmio_config(struct virtio_dev *d, unsigned off, unsigned size)
{
    volatile uint8_t *p = d->mmio + MMIO_CONFIG + off;
    return size == 1 ? vio_rd8(p) : size == 2 ? vio_rd16(p) : vio_rd32(p);
}

static uint32_t mmio_config_generation(struct virtio_dev *d)
{
    return rd(d, MMIO_CONFIG_GENERATION);
}

static const struct virtio_ops mmio_ops = {
    .features = mmio_features,
    .set_features = mmio_set_features,
    .status = mmio_status,
    .set_status = mmio_set_status,
    .queue_max = mmio_queue_max,
    .queue_enable = mmio_queue_enable,
    .notify = mmio_notify,
    .isr = mmio_isr,
    .config = mmio_config,
    .config_generation = mmio_config_generation,
};

/* The platform's virtio-mmio devices, with their pirqs (PHYSDEVOP_platform_device). */
static unsigned mmio_windows(struct platform_device *dev, unsigned max)
{
    unsigned n = 0;
    struct platform_device p;
    for (unsigned i = 0; n < max && platform_device(i, &p) == 0; i++)
        if (p.type == PHYSDEV_DEVICE_VIRTIO_MMIO)
            dev[n++] = p;
    return n;
}

long virtio_mmio_find(unsigned type, unsigned *index, struct virtio_dev *out)
{
    static uint64_t mapped_pa[8];
    static volatile uint8_t *mapped_va[8];
    struct platform_device dev[8];
    uint64_t base[8] = {0};
    unsigned n = mmio_windows(dev, ARRAY_SIZE(dev));
    for (unsigned i = 0; i < n; i++)
        base[i] = dev[i].base;
    for (unsigned i = 0; i < n; i++) {
        if (!mapped_va[i] || mapped_pa[i] != base[i]) {
            uintptr_t va = kva_alloc(1);
            long r = mmio_map(va, base[i]);
            if (r < 0)
                return r;
            mapped_va[i] = (volatile uint8_t *)va;
            mapped_pa[i] = base[i];
        }
        *out = (struct virtio_dev){.ops = &mmio_ops, .mmio = mapped_va[i]};
        if (rd(out, MMIO_MAGIC) != MMIO_MAGIC_VALUE || rd(out, MMIO_VERSION) != 2 ||
            rd(out, MMIO_DEVICE_ID) != type)
            continue;
        if ((*index)--)
            continue;
        out->type = type;
        out->has_pirq = true;
        out->pirq = dev[i].pirq;
        ksnprintf(out->where, sizeof out->where, "mmio 0x%llx",
                  (unsigned long long)base[i]);
        return 0;
    }
    return -HESTIA_ENODEV;
}
