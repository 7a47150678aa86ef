/* SPDX-License-Identifier: MIT */
/*
 * The nic scenario (tests/scenarios/nic.json): dom0's virtio-net driver
 * with two NICs on one QEMU hub, so every frame one sends the other
 * receives.  test=nic: both NICs open with distinct MACs from their device
 * configuration, then NIC_FRAMES frames each way (more than a queue holds,
 * so the receive buffers are reposted and the rings wrap), every frame's
 * length, addresses, sequence number and payload checked; a frame too big
 * for the caller's buffer is refused; a bad send is refused.
 */
#include <port/kernel.h>
#include <port/netdev.h>

#define NIC_FRAMES 400u
#define NIC_BATCH 16u
#define NIC_ETHERTYPE 0x88b5u /* IEEE 802 local experimental */
#define SEC 1000000000ull

static size_t frame_len(unsigned seq)
{
    return 60 + (seq * 97u) % 1455u; /* 60..1514 */
}

static void make_frame(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], unsigned seq)
{
    size_t len = frame_len(seq);
    for (unsigned i = 0; i < 6; i++)
        f[i] = dst[i], f[6 + i] = src[i];
    f[12] = NIC_ETHERTYPE >> 8, f[13] = NIC_ETHERTYPE & 0xff;
    f[14] = (uint8_t)(seq >> 8), f[15] = (uint8_t)seq;
    for (size_t i = 16; i < len; i++)
        f[i] = (uint8_t)(i * 7u + seq);
}

/* What differs between frame seq and got (n bytes), or NULL. */
static const char *frame_diff(const uint8_t *got, long n, const uint8_t dst[6],
                              const uint8_t src[6], unsigned seq, uint8_t *want)
{
    make_frame(want, dst, src, seq);
    if (n != (long)frame_len(seq))
        return "length";
    for (long i = 0; i < n; i++)
        if (got[i] != want[i])
            return i < 12 ? "addresses" : i < 16 ? "type or sequence" : "payload";
    return NULL;
}

struct nic_pair {
    struct netdev *n[2];
    uint8_t mac[2][6];
    uint8_t frame[1536], got[2048], want[1536];
};

/* NIC_FRAMES frames from n[from] to n[1 - from], in batches; detail on failure. */
static bool transfer(struct nic_pair *p, unsigned from, char *why, size_t whylen)
{
    unsigned to = 1 - from, sent = 0, recvd = 0;
    while (recvd < NIC_FRAMES) {
        for (unsigned k = 0; k < NIC_BATCH && sent < NIC_FRAMES; k++, sent++) {
            make_frame(p->frame, p->mac[to], p->mac[from], sent);
            long r = netdev_send(p->n[from], p->frame, frame_len(sent));
            if (r < 0) {
                ksnprintf(why, whylen, "send of frame %u: %s", sent, kstrerror(r));
                return false;
            }
        }
        uint64_t deadline = time_now_ns() + 2 * SEC;
        while (recvd < sent) {
            long n = netdev_recv(p->n[to], p->got, sizeof p->got);
            if (n < 0) {
                ksnprintf(why, whylen, "receive of frame %u: %s", recvd, kstrerror(n));
                return false;
            }
            if (n == 0) {
                if (time_now_ns() >= deadline) {
                    ksnprintf(why, whylen, "frame %u of %u never arrived", recvd, sent);
                    return false;
                }
                netdev_wait(p->n[to], deadline);
                continue;
            }
            const char *d = frame_diff(p->got, n, p->mac[to], p->mac[from], recvd, p->want);
            if (d) {
                ksnprintf(why, whylen, "frame %u (%ld bytes) arrived with a different %s",
                          recvd, n, d);
                return false;
            }
            recvd++;
        }
    }
    return true;
}

void nic_test(void)
{
    static struct nic_pair p;
    for (unsigned i = 0; i < 2; i++) {
        long r = netdev_open(i, &p.n[i]);
        if (r < 0) {
            test_report("nic.open", TR_FAIL, "NIC %u: %s", i, kstrerror(r));
            return;
        }
        netdev_mac(p.n[i], p.mac[i]);
    }
    bool distinct = false;
    for (unsigned i = 0; i < 6; i++)
        distinct |= p.mac[0][i] != p.mac[1][i];
    test_report("nic.open", distinct ? TR_PASS : TR_FAIL,
                "MACs %02x:%02x:%02x:%02x:%02x:%02x and %02x:%02x:%02x:%02x:%02x:%02x",
                p.mac[0][0], p.mac[0][1], p.mac[0][2], p.mac[0][3], p.mac[0][4],
                p.mac[0][5], p.mac[1][0], p.mac[1][1], p.mac[1][2], p.mac[1][3],
                p.mac[1][4], p.mac[1][5]);
    char why[100];
    for (unsigned from = 0; from < 2; from++) {
        const char *name = from ? "nic.1-to-0" : "nic.0-to-1";
        uint64_t t0 = time_now_ns();
        bool ok = transfer(&p, from, why, sizeof why);
        uint64_t ns = time_now_ns() - t0;
        if (ok)
            test_report(name, TR_PASS,
                        "%u frames of 60..1514 bytes, in order and intact in %llu us",
                        NIC_FRAMES, (unsigned long long)(ns / 1000));
        else
            test_report(name, TR_FAIL, "%s", why);
    }
    for (unsigned i = 0; i < 2; i++) {
        const char *mode = netdev_irq_mode(p.n[i]);
        unsigned long n = netdev_interrupts(p.n[i]);
        if (!kstrneq(mode, "interrupts", 10))
            test_report("nic.interrupts", TR_SKIP, "NIC %u: %s", i, mode);
        else
            test_report("nic.interrupts", n > 0 ? TR_PASS : TR_FAIL,
                        "NIC %u: %s: %lu taken", i, mode, n);
    }
    /* A frame bigger than the caller's buffer is refused (and dropped); bad sends are
     * refused. */
    make_frame(p.frame, p.mac[1], p.mac[0], 1);
    long s = netdev_send(p.n[0], p.frame, frame_len(1));
    long n = 0;
    for (uint64_t dl = time_now_ns() + SEC;
         s == 0 && (n = netdev_recv(p.n[1], p.got, 20)) == 0 && time_now_ns() < dl;)
        netdev_wait(p.n[1], dl);
    long tiny = netdev_send(p.n[0], p.frame, 10), huge = netdev_send(p.n[0], p.frame, 4000);
    test_report("nic.limits",
                s == 0 && n == -HESTIA_ENOSPC && tiny == -HESTIA_EINVAL &&
                        huge == -HESTIA_EINVAL
                    ? TR_PASS
                    : TR_FAIL,
                "a %zu-byte frame into 20 bytes: %ld; sends of 10 and 4000 bytes: %ld, %ld",
                frame_len(1), n, tiny, huge);
}
