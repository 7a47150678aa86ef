/* SPDX-License-Identifier: MIT */
/* ia64sim's platform devices: where the virtio-mmio devices sit in the
 * physical address space, how loads and stores reach their registers, how
 * their interrupts reach CPU 0 (the only target of device lines), and the boot table
 * entries that list them.  Without --disk or --net there are no devices and none of this
 * runs, so the simulator stays deterministic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ia64sim.h"
#include "virtio.h"

/* Fixed, far above the largest RAM (64 GiB), one 64 KiB slot per device so
 * a hypervisor can map each with its own page of any size up to 64 KiB. */
#define DEV_BASE 0x10000000000ull /* 1 TiB */
#define DEV_STRIDE 0x10000ull
#define DEV_BLK 0
#define DEV_NET 1
#define NDEV 2
#define NET_POLL_PERIOD                                                                    \
    128 /* run-loop checks (of 32 instructions) between socket polls                       \
         */

static const unsigned dev_vector[NDEV] = {0x40, 0x41};

static struct virtio_dev devs[NDEV];
static int present[NDEV];
static const char *disk_path, *net_spec, *mac_str;
static struct cpu *dev_cpu;
static unsigned poll_countdown;
static int idle_realtime; /* --idle realtime */

int devices_option(const char *opt, const char *arg)
{
    if (!strcmp(opt, "--disk"))
        disk_path = arg;
    else if (!strcmp(opt, "--net"))
        net_spec = arg;
    else if (!strcmp(opt, "--mac"))
        mac_str = arg;
    else if (!strcmp(opt, "--idle")) {
        if (strcmp(arg, "skip") && strcmp(arg, "realtime")) {
            fprintf(stderr, "ia64sim: bad --idle %s (want skip or realtime)\n", arg);
            exit(2);
        }
        idle_realtime = !strcmp(arg, "realtime");
    } else
        return 0;
    return 1;
}

static void dma_written(uint64_t pa, uint64_t len)
{
    while (len) {
        unsigned n = len > 0x10000 ? 0x10000 : (unsigned)len;

        bundle_cache_invalidate(dev_cpu, dev_cpu->ram + pa, n);
        pa += n;
        len -= n;
    }
}

int devices_setup(struct cpu *c, uint8_t *table, uint64_t *count)
{
    unsigned n = 0;

    dev_cpu = c;
    if (mac_str && !net_spec) {
        fprintf(stderr, "ia64sim: --mac needs --net\n");
        return -1;
    }
    for (unsigned i = 0; i < NDEV; i++)
        virtio_init(&devs[i], NULL, DEV_BASE + i * DEV_STRIDE, dev_vector[i], c->ram,
                    c->ram_size, NULL);
    if (disk_path) {
        if (virtio_blk_open(&devs[DEV_BLK], disk_path))
            return -1;
        present[DEV_BLK] = 1;
    }
    if (net_spec) {
        if (virtio_net_open(&devs[DEV_NET], net_spec, mac_str))
            return -1;
        present[DEV_NET] = 1;
    }
    for (unsigned i = 0; i < NDEV; i++) {
        uint8_t *e = table + 32 * n;
        uint64_t v[3] = {devs[i].base, VMMIO_WINDOW,
                         devs[i].vector |
                             (uint64_t)(present[i] ? devs[i].type->device_id : 0) << 32};

        if (!present[i])
            continue;
        devs[i].dma_written = dma_written;
        memcpy(e, v, sizeof(v));
        memset(e + 24, 0, 8);
        n++;
    }
    c->devices = n;
    *count = n;
    return 0;
}

static struct virtio_dev *device_at(uint64_t pa)
{
    for (unsigned i = 0; i < NDEV; i++)
        if (present[i] && pa - devs[i].base < VMMIO_WINDOW)
            return &devs[i];
    return NULL;
}

/* Level-triggered lines: a device's vector is pending in cr.irr while its
 * interrupt status is not 0 and the vector is not in service; after the
 * handler's cr.eoi it is pending again if the status still is not 0. */
void devices_irq_sync(struct cpu *c)
{
    for (unsigned i = 0; i < NDEV; i++) {
        unsigned v = devs[i].vector;
        uint64_t bit = 1ull << (v & 63);
        int in_service = 0;

        if (!present[i])
            continue;
        for (int k = 0; k < c->ninsvc; k++)
            in_service |= c->insvc[k] == (int)v;
        if (!devs[i].isr) {
            c->irr[v >> 6] &= ~bit;
        } else if (!in_service && !(c->irr[v >> 6] & bit)) {
            c->irr[v >> 6] |= bit;
            c->intr_pending_check = 1;
        }
    }
}

void devices_tick(struct cpu *c)
{
    if (present[DEV_NET] && poll_countdown-- == 0) {
        poll_countdown = NET_POLL_PERIOD;
        virtio_net_poll(&devs[DEV_NET]);
    }
    devices_irq_sync(c);
}

/* --idle realtime: the guest moves ar.itc forward by ticks (nanoseconds) to
 * its next deadline while idle.  With a network peer (a host process with
 * host-time timers, or another simulator) that jump is waited for in host
 * time on the socket; if a frame arrives first, the clock moves only by the
 * host time that passed and the device's interrupt is pending before the
 * timer's, as on a machine whose clock is the wall's.  Without a peer, or
 * with --idle skip (the default), the whole jump, at once: time stays the
 * instruction count and every run repeats exactly. */
uint64_t devices_idle(struct cpu *c, uint64_t ticks)
{
    uint64_t waited;
    int r;

    (void)c; /* whichever CPU idles, the device lines go to CPU 0 */
    if (!idle_realtime || !present[DEV_NET] || !ticks)
        return ticks;
    r = virtio_net_wait(&devs[DEV_NET], ticks, &waited);
    if (r < 0)
        return ticks;
    devices_irq_sync(dev_cpu);
    return r ? waited : ticks;
}

uint8_t *mmio_access(struct cpu *c, uint64_t pa, unsigned sz, int acc)
{
    struct virtio_dev *d = device_at(pa);

    if (acc != XC_X && pib_owns(c, pa))
        return pib_access(c, pa, sz, acc);

    if (!d || acc == XC_X) {
        cpu_stop(c, acc == XC_X ? "instruction fetch from non-existent physical memory"
                                : "data access to non-existent physical memory");
        return NULL;
    }
    if ((pa & (sz - 1)) || (sz & (sz - 1)) || sz > 8) {
        cpu_stop(c, "device register access not naturally aligned (1, 2, 4 or 8 bytes)");
        return NULL;
    }
    c->mmio_pa = pa;
    c->mmio_sz = sz;
    if (acc == XC_R) {
        uint64_t v = virtio_mmio_read(d, pa - d->base, sz);

        memcpy(c->mmio_buf, &v, 8);
    }
    return c->mmio_buf;
}

void mmio_store(struct cpu *c)
{
    struct virtio_dev *d = device_at(c->mmio_pa);
    uint64_t v = 0;

    if (!d) {
        pib_store(c);
        return;
    }
    memcpy(&v, c->mmio_buf, c->mmio_sz);
    virtio_mmio_write(d, c->mmio_pa - d->base, c->mmio_sz, v);
    devices_irq_sync(dev_cpu); /* the lines go to CPU 0, whoever stored */
}
