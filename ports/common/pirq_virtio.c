/* SPDX-License-Identifier: MIT */
/*
 * A virtio-mmio block device (ia64sim: PHYSDEVOP_platform_device type
 * PHYSDEV_DEVICE_VIRTIO_MMIO, device id 2) as an interrupt source for the
 * pirq tests: just enough of a driver (virtio 1.2, 4.2.3) to set up one
 * queue and read sector 0, whose completion sets the used-buffer bit of
 * InterruptStatus, which keeps the device's level-triggered line asserted
 * until it is written to InterruptACK.  This is no driver: the data is
 * not looked at.
 */
#include <port/pci.h>
#include <port/pirq_source.h>
#include <port/virtio_mmio_regs.h>

#define ID_BLOCK 2
#define S_ACK 1u
#define S_DRIVER 2u
#define S_DRIVER_OK 4u
#define S_FEATURES_OK 8u
#define F_VERSION_1_WORD1 1u /* feature bit 32 */
#define QSIZE 4
#define D_NEXT 1u
#define D_WRITE 2u

/* One page: descriptors at 0, available ring at 256, used ring at 1024, the request at
 * 2048. */
struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};
#define OFF_AVAIL 256
#define OFF_USED 1024
#define OFF_HDR 2048
#define OFF_DATA 2560
#define OFF_STATUS 3200

static volatile uint32_t *r32(struct pirq_source *s, unsigned off)
{
    return (volatile uint32_t *)(s->regs + off);
}

static void set64(struct pirq_source *s, unsigned off, uint64_t v)
{
    *r32(s, off) = (uint32_t)v;
    *r32(s, off + 4) = (uint32_t)(v >> 32);
}

/* s->state: [0] ring gfn, [1] its machine address, [2] requests posted. */
static uint8_t *ring(struct pirq_source *s)
{
    return gfn_to_va(s->state[0]);
}

static int setup(struct pirq_source *s)
{
    *r32(s, MMIO_STATUS) = 0;
    *r32(s, MMIO_STATUS) = S_ACK | S_DRIVER;
    *r32(s, MMIO_DEVICE_FEATURES_SEL) = 1;
    *r32(s, MMIO_DRIVER_FEATURES_SEL) = 1;
    *r32(s, MMIO_DRIVER_FEATURES) = F_VERSION_1_WORD1;
    *r32(s, MMIO_DRIVER_FEATURES_SEL) = 0;
    *r32(s, MMIO_DRIVER_FEATURES) = 0;
    *r32(s, MMIO_STATUS) = S_ACK | S_DRIVER | S_FEATURES_OK;
    if (!(*r32(s, MMIO_STATUS) & S_FEATURES_OK))
        return 0;
    *r32(s, MMIO_QUEUE_SEL) = 0;
    if (*r32(s, MMIO_QUEUE_NUM_MAX) < QSIZE)
        return 0;
    long gfn = frame_alloc();
    uint64_t mfn;
    if (gfn < 0 || dma_translate((uint64_t)gfn, &mfn) != 0)
        return 0;
    s->state[0] = (uint64_t)gfn;
    s->state[1] = mfn << HESTIA_PAGE_SHIFT;
    s->state[2] = 0;
    *r32(s, MMIO_QUEUE_NUM) = QSIZE;
    set64(s, MMIO_QUEUE_DESC, s->state[1]);
    set64(s, MMIO_QUEUE_DRIVER, s->state[1] + OFF_AVAIL);
    set64(s, MMIO_QUEUE_DEVICE, s->state[1] + OFF_USED);
    *r32(s, MMIO_QUEUE_READY) = 1;
    *r32(s, MMIO_STATUS) = S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK;
    return 1;
}

static int virtio_find(struct pirq_source *s)
{
    struct platform_device pd;
    for (unsigned i = 0; platform_device(i, &pd) == 0; i++) {
        if (pd.type != PHYSDEV_DEVICE_VIRTIO_MMIO)
            continue;
        uintptr_t va = kva_alloc(1);
        if (mmio_map(va, pd.base) != 0)
            continue;
        s->regs = va;
        if (*r32(s, MMIO_MAGIC) == MMIO_MAGIC_VALUE &&
            *r32(s, MMIO_DEVICE_ID) == ID_BLOCK && setup(s)) {
            s->pirq = pd.pirq;
            s->hv_pirq = 0xef; /* the hypervisor's timer vector */
            s->what = "virtio-mmio block";
            return 1;
        }
        mmu_unmap(0, va);
    }
    return 0;
}

/* Post a read of sector 0 (header, 512 bytes, status) and notify. */
static void virtio_raise(struct pirq_source *s)
{
    uint8_t *p = ring(s);
    struct desc *d = (struct desc *)p;
    uint32_t *hdr = (uint32_t *)(p + OFF_HDR);
    hdr[0] = 0; /* VIRTIO_BLK_T_IN */
    hdr[1] = 0;
    hdr[2] = hdr[3] = 0; /* sector 0 */
    d[0] = (struct desc){s->state[1] + OFF_HDR, 16, D_NEXT, 1};
    d[1] = (struct desc){s->state[1] + OFF_DATA, 512, D_NEXT | D_WRITE, 2};
    d[2] = (struct desc){s->state[1] + OFF_STATUS, 1, D_WRITE, 0};
    volatile uint16_t *avail = (volatile uint16_t *)(p + OFF_AVAIL);
    uint16_t idx = (uint16_t)s->state[2];
    avail[2 + idx % QSIZE] = 0; /* ring[]: the chain starting at descriptor 0 */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    avail[1] = (uint16_t)(idx + 1);
    s->state[2]++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    *r32(s, MMIO_QUEUE_NOTIFY) = 0;
}

static void virtio_ack(struct pirq_source *s)
{
    *r32(s, MMIO_INTERRUPT_ACK) = *r32(s, MMIO_INTERRUPT_STATUS);
}

static void virtio_stop(struct pirq_source *s)
{
    *r32(s, MMIO_STATUS) = 0; /* reset: the device forgets the queue */
    mmu_unmap(0, s->regs);
    frame_free(s->state[0]);
}

const struct pirq_source_ops virtio_pirq_ops = {virtio_find, virtio_raise, virtio_ack,
                                                virtio_raise, virtio_stop};
