/* SPDX-License-Identifier: MIT */
/*
 * Host tests of dom0's virtio core (ports/common/virtio/core.c) over a
 * fake transport and a fake guest memory whose frames are NOT
 * machine-contiguous (only gfns 10 and 11 are), so the page-by-page
 * translation and the merging of consecutive frames are checked, which
 * QEMU boots rarely exercise.  A fake device walks the descriptor chains
 * the core writes.  Prints "TEST virtio.<case> PASS|FAIL [detail]".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../ports/common/virtio/virtio.h"

/* ---- the guest kernel the core calls, faked ---------------------------- */
#define PAGES 64
uint64_t virt_base;
static struct hestia_start_info si = {.nr_pages = PAGES};
struct hestia_start_info *start_info = &si;
static uint8_t *memory;
static uint64_t next_frame = 40;
static unsigned translations;

/* gfn -> mfn: scattered, except that gfn 11 follows gfn 10. */
static uint64_t fake_mfn(uint64_t gfn)
{
    return gfn == 11 ? fake_mfn(10) + 1 : 1000 + gfn * 7;
}

long dma_translate(uint64_t gfn, uint64_t *mfn)
{
    translations++;
    *mfn = fake_mfn(gfn);
    return gfn < PAGES ? 0 : -HESTIA_EINVAL;
}

/* machine address -> our memory (the fake device's view). */
static uint8_t *from_machine(uint64_t ma)
{
    for (uint64_t g = 0; g < PAGES; g++)
        if (ma >> 12 == fake_mfn(g))
            return memory + g * 4096 + (ma & 4095);
    return NULL;
}

long frame_alloc(void)
{
    return next_frame < PAGES ? (long)next_frame++ : -HESTIA_ENOMEM;
}
/* irq_save / irq_restore are inline (port/kernel.h): they mask vCPU 0's events here. */
static struct vcpu_info vcpu0_info;
struct cpu cpus[HESTIA_MAX_VCPUS] = {{.info = &vcpu0_info}};
bool cpu_smp_mode;
struct cpu *this_cpu_from_stack(void)
{
    return &cpus[0];
}
void irq_deliver_pending(void)
{
}
void spin_lock_contended(spinlock_t *l)
{
    (void)l;
}
void thread_yield(void)
{
}
static uint64_t now_ns;
uint64_t time_now_ns(void)
{
    return now_ns += 1000;
}
void thread_sleep_until(uint64_t d)
{
    now_ns = d;
}
int wait_flag(volatile int *flag, uint64_t t)
{
    now_ns += t;
    return *flag;
}
int printk(const char *fmt, ...)
{
    (void)fmt;
    return 0;
}
long virtio_pci_find(unsigned type, unsigned *index, struct virtio_dev *out)
{
    (void)type, (void)index, (void)out;
    return -HESTIA_ENODEV;
}
long virtio_mmio_find(unsigned type, unsigned *index, struct virtio_dev *out)
{
    (void)type, (void)index, (void)out;
    return -HESTIA_ENODEV;
}

/* ---- a fake transport and device --------------------------------------- */
static uint64_t offered = VIRTIO_F_VERSION_1 | 1u << 9, accepted;
static uint8_t status;
static bool refuse_features;
static unsigned qmax = 128, notified;
static uint64_t q_desc, q_avail, q_used;

static uint64_t f_features(struct virtio_dev *d)
{
    (void)d;
    return offered;
}
static void f_set_features(struct virtio_dev *d, uint64_t f)
{
    (void)d;
    accepted = f;
}
static uint8_t f_status(struct virtio_dev *d)
{
    (void)d;
    return status;
}
static void f_set_status(struct virtio_dev *d, uint8_t s)
{
    (void)d;
    status = refuse_features ? s & (uint8_t)~VIRTIO_S_FEATURES_OK : s;
}
static unsigned f_queue_max(struct virtio_dev *d, unsigned q)
{
    (void)d;
    return q == 0 ? qmax : 0;
}
static long f_queue_enable(struct virtio_dev *d, unsigned q, unsigned size, uint64_t desc,
                           uint64_t avail, uint64_t used)
{
    (void)d, (void)q, (void)size;
    q_desc = desc, q_avail = avail, q_used = used;
    return 0;
}
static void f_notify(struct virtio_dev *d, unsigned q)
{
    (void)d, (void)q;
    notified++;
}
static uint32_t f_zero(struct virtio_dev *d)
{
    (void)d;
    return 0;
}
static uint32_t f_config(struct virtio_dev *d, unsigned off, unsigned size)
{
    (void)d, (void)size;
    return off == 0 ? 0x11223344u : 0x55667788u;
}
static const struct virtio_ops fake_ops = {
    f_features,     f_set_features, f_status, f_set_status, f_queue_max,
    f_queue_enable, f_notify,       f_zero,   f_config,     f_zero};

/* The device: take the next available chain, record it, mark it used. */
struct chain {
    unsigned n;
    uint64_t addr[VIRTQ_MAX_SEGS];
    uint32_t len[VIRTQ_MAX_SEGS];
    uint16_t flags[VIRTQ_MAX_SEGS];
};
static uint16_t dev_avail_seen, dev_used_idx;

static bool device_take(unsigned size, struct chain *c, int64_t force_id)
{
    struct virtq_avail *av = (void *)from_machine(q_avail);
    struct virtq_desc *desc = (void *)from_machine(q_desc);
    struct virtq_used *used = (void *)from_machine(q_used);
    if (av->idx == dev_avail_seen)
        return false;
    uint16_t head = av->ring[dev_avail_seen++ % size], i = head;
    c->n = 0;
    for (;;) {
        c->addr[c->n] = desc[i].addr, c->len[c->n] = desc[i].len;
        c->flags[c->n] = desc[i].flags;
        c->n++;
        if (!(desc[i].flags & VIRTQ_DESC_F_NEXT) || c->n == VIRTQ_MAX_SEGS)
            break;
        i = desc[i].next;
    }
    used->ring[dev_used_idx % size].id = force_id >= 0 ? (uint32_t)force_id : head;
    used->ring[dev_used_idx % size].len = 7;
    used->idx = ++dev_used_idx;
    return true;
}

/* ---- cases -------------------------------------------------------------- */
#define CHECK_SUITE "virtio"
#include "check.h"

static struct virtio_dev dev = {.ops = &fake_ops, .where = "fake"};
static struct virtq q;

static void fresh_queue(void)
{
    next_frame = 40;
    dev_avail_seen = dev_used_idx = 0;
    memset(memory + 40 * 4096, 0, (PAGES - 40) * 4096);
    CHECK(virtq_init(&dev, &q, 0) == 0);
}

/* A buffer over gfns 10, 11 (machine-contiguous) and 12 (not): two descriptors. */
static void t_split_merge(void)
{
    fresh_queue();
    uint8_t *p = memory + 10 * 4096 + 100;
    struct vbuf v[2] = {{p, 2 * 4096 + 50, false}, {memory + 20 * 4096 + 4000, 200, true}};
    CHECK(virtq_add(&q, v, 2, (void *)0x1234) == 0);
    virtq_kick(&q);
    CHECK(notified > 0);
    struct chain c;
    CHECK(device_take(q.size, &c, -1));
    /* gfn 10+11 merged (8092 bytes), gfn 12 (150), then the writable one cut at gfn 20/21.
     */
    CHECK(c.n == 4);
    CHECK(c.addr[0] == (fake_mfn(10) << 12 | 100) && c.len[0] == 2 * 4096 - 100);
    CHECK(c.addr[1] == fake_mfn(12) << 12 && c.len[1] == 150);
    CHECK(c.addr[2] == (fake_mfn(20) << 12 | 4000) && c.len[2] == 96);
    CHECK(c.addr[3] == fake_mfn(21) << 12 && c.len[3] == 104);
    CHECK(c.flags[0] == VIRTQ_DESC_F_NEXT && c.flags[1] == VIRTQ_DESC_F_NEXT);
    CHECK(c.flags[2] == (VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE));
    CHECK(c.flags[3] == VIRTQ_DESC_F_WRITE);
    CHECK(from_machine(c.addr[0]) == p && from_machine(c.addr[1]) == memory + 12 * 4096);
    uint32_t len = 0;
    CHECK(virtq_pending(&q));
    CHECK(virtq_get(&q, &len) == (void *)0x1234 && len == 7);
    CHECK(virtq_get(&q, &len) == NULL && !virtq_pending(&q));
    CHECK(q.nr_free == q.size);
}

/* Fill the ring, see ENOSPC, then cycle past the 16-bit index wrap. */
static void t_free_list_and_wrap(void)
{
    fresh_queue();
    struct vbuf v = {memory + 5 * 4096, 64, true};
    unsigned added = 0;
    while (virtq_add(&q, &v, 1, (void *)(uintptr_t)(added + 1)) == 0)
        added++;
    CHECK(added == q.size);
    CHECK(virtq_add(&q, &v, 1, NULL) == -HESTIA_ENOSPC);
    struct chain c;
    uint32_t len;
    for (unsigned i = 0; i < added; i++)
        CHECK(device_take(q.size, &c, -1));
    for (unsigned i = 0; i < added; i++)
        CHECK(virtq_get(&q, &len) == (void *)(uintptr_t)(i + 1));
    for (unsigned i = 0; i < 70000 && !case_failed; i++) {
        CHECK(virtq_add(&q, &v, 1, (void *)(uintptr_t)(i + 7)) == 0);
        CHECK(device_take(q.size, &c, -1) && c.n == 1);
        CHECK(virtq_get(&q, &len) == (void *)(uintptr_t)(i + 7));
    }
    CHECK(q.nr_free == q.size);
}

/* Pieces outside the direct window or too many are refused; nothing is posted. */
static void t_refusals(void)
{
    fresh_queue();
    static uint8_t outside[64];
    struct vbuf bad = {outside, sizeof outside, false};
    CHECK(virtq_add(&q, &bad, 1, NULL) == -HESTIA_EINVAL);
    struct vbuf huge = {memory, 42 * 4096,
                        false}; /* 41 pieces: one more than a chain takes */
    CHECK(virtq_add(&q, &huge, 1, NULL) == -HESTIA_EINVAL);
    struct vbuf empty = {memory, 0, false};
    CHECK(virtq_add(&q, &empty, 1, NULL) == -HESTIA_EINVAL);
    CHECK(q.nr_free == q.size && q.avail_idx == 0);
}

/* A device naming a chain not in flight gets the queue abandoned, not a crash. */
static void t_bad_device(void)
{
    fresh_queue();
    struct vbuf v = {memory + 5 * 4096, 64, true};
    CHECK(virtq_add(&q, &v, 1, (void *)1) == 0);
    struct chain c;
    CHECK(device_take(q.size, &c, 77));
    uint32_t len;
    CHECK(virtq_get(&q, &len) == NULL);
    CHECK(q.broken && !virtq_pending(&q));
    CHECK(virtq_add(&q, &v, 1, (void *)2) == -HESTIA_EIO);
    CHECK(!virtq_wait(&q, time_now_ns() + 1000000));
}

/* The queue size: the largest power of 2 the device takes, up to ours. */
static void t_queue_size(void)
{
    qmax = 100;
    fresh_queue();
    CHECK(q.size == 64);
    qmax = 1024;
    fresh_queue();
    CHECK(q.size == VIRTQ_SIZE);
    qmax = 128;
}

/* VERSION_1 is required; FEATURES_OK must stick; the driver gets need + offered want. */
static void t_features(void)
{
    offered = VIRTIO_F_VERSION_1 | 1u << 9 | 1u << 3;
    CHECK(virtio_start(&dev, 0, 1u << 9 | 1u << 5) == 0);
    CHECK(accepted == (VIRTIO_F_VERSION_1 | 1u << 9));
    CHECK(status == (VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK));
    offered = 1u << 9;
    CHECK(virtio_start(&dev, 0, 0) == -HESTIA_ENODEV);
    CHECK(status & VIRTIO_S_FAILED);
    offered = VIRTIO_F_VERSION_1;
    refuse_features = true;
    CHECK(virtio_start(&dev, 0, 0) == -HESTIA_ENODEV);
    refuse_features = false;
    CHECK(virtio_config64(&dev, 0) == 0x5566778811223344ull);
}

int main(void)
{
    memory = aligned_alloc(4096, PAGES * 4096);
    virt_base = (uintptr_t)memory;
    run("split-merge", t_split_merge);
    run("free-list-wrap", t_free_list_and_wrap);
    run("refusals", t_refusals);
    run("bad-device", t_bad_device);
    run("queue-size", t_queue_size);
    run("features", t_features);
    free(memory);
    return failed_cases ? 1 : 0;
}
