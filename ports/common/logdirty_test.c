/* SPDX-License-Identifier: MIT */
/*
 * The logdirty scenario (tests/scenarios/logdirty.json): DOMCTL_log_dirty
 * from dom0 against a real domU on every arch, so the page-table side of
 * tracking (x86 dirty bits; write-protect and fault on ppc and ia64) and
 * the hypervisor's own writes are checked on the real MMUs.
 *
 * The domU (role dirtier) owns a buffer of DIRTIER_PAGES pages and, on
 * each event from dom0, runs one round: round 1 writes the pages of
 * ROUND1_PAGES with ordinary stores and puts a grant-table query in page
 * HC_PAGE; round 2 only issues that hypercall, so HC_PAGE is then written
 * by the hypervisor on its behalf and by nobody else.  dom0 pauses the
 * domain before each peek, so what a peek reports is final.  The buffer's
 * other pages must stay clean; pages outside the buffer (its stack, its
 * flags) are the ones it legitimately touched and are only counted.
 */
#include <port/kernel.h>
#include <port/livemig.h>
#include <port/toolstack.h>

#define MS 1000000ull
#define SEC 1000000000ull
#define DIRTIER_PAGES 16u
#define HC_PAGE 12u
#define DOMCTL_PAGE 14u /* written by dom0 with DOMCTL_write_memory */
#define LD_DOM_PAGES 1024u
static const unsigned round1_pages[] = {1, 3, 4, 9, HC_PAGE};

long ts_log_dirty(hestia_domid_t domid, uint32_t op, uint8_t *bitmap, uint64_t nr_gfns,
                  uint64_t *dirty)
{
    struct hestia_domctl d = {0};
    d.u.log_dirty.op = op;
    d.u.log_dirty.bitmap = (uintptr_t)bitmap;
    d.u.log_dirty.nr_gfns = nr_gfns;
    long r = ts_domctl(DOMCTL_log_dirty, domid, &d);
    if (r == 0 && dirty)
        *dirty = d.u.log_dirty.dirty;
    return r;
}

/* ---- the domU ---------------------------------------------------------- */

static volatile int kick;
static void kick_handler(evtchn_port_t port, void *arg)
{
    (void)port;
    set_flag((volatile int *)arg);
}

/* Page 0 of the buffer tells dom0 where the buffer is: {magic, first gfn}. */
#define DIRTIER_MAGIC 0x4c4f4744u /* "LOGD" */

void role_dirtier(void)
{
    evtchn_port_t p = (evtchn_port_t)kcmdline_u64(port_cmdline, "port", 0);
    long g = frames_alloc(DIRTIER_PAGES);
    if (!p || p >= EVTCHN_MAX_PORTS || g < 0) {
        test_report("logdirty.domu-setup", TR_FAIL, "port %u, frames %ld", p, g);
        return;
    }
    evtchn_set_handler(p, kick_handler, (void *)&kick);
    evtchn_unmask(p);
    uint8_t *buf = gfn_to_va((uint64_t)g);
    volatile uint32_t *info = (volatile uint32_t *)buf;
    info[0] = DIRTIER_MAGIC;
    info[1] = (uint32_t)g;
    printk("dirtier: buffer at gfn %ld\n", g);
    evtchn_send(p); /* ready: dom0 reads info[] with DOMCTL_read_memory */
    for (unsigned round = 1;; round++) {
        if (!wait_flag(&kick, 60 * SEC))
            return;
        kick = 0;
        if (round == 1) {
            for (unsigned i = 0; i < ARRAY_SIZE(round1_pages); i++)
                ((volatile uint64_t *)(buf + round1_pages[i] * HESTIA_PAGE_SIZE))[7] =
                    round;
            struct gnttab_query_size *q = (void *)(buf + HC_PAGE * HESTIA_PAGE_SIZE);
            q->status = 1;
        } else if (round == 2) {
            /* Written back by the hypervisor: the page's only writer this round. */
            hc_grant(GNTTABOP_query_size, buf + HC_PAGE * HESTIA_PAGE_SIZE, 1);
        }
        evtchn_send(p);
    }
}

/* ---- dom0 ---------------------------------------------------------------- */

static volatile int done_flag;
static uint8_t bitmap[(2 * LD_DOM_PAGES + 7) / 8];

struct peek {
    long rc;
    uint64_t dirty;        /* bits set */
    uint32_t buffer_dirty; /* bit i: buffer page i dirty */
    uint64_t outside;      /* dirty pages outside the buffer */
};

static struct peek peek(hestia_domid_t dom, uint64_t first)
{
    struct peek p = {0};
    p.rc = ts_log_dirty(dom, DOMCTL_LOG_DIRTY_PEEK_CLEAN, bitmap, sizeof(bitmap) * 8,
                        &p.dirty);
    if (p.rc)
        return p;
    uint64_t counted = 0;
    for (uint64_t gfn = 0; gfn < sizeof(bitmap) * 8; gfn++) {
        if (!(bitmap[gfn / 8] & (1u << (gfn % 8))))
            continue;
        counted++;
        if (gfn >= first && gfn < first + DIRTIER_PAGES)
            p.buffer_dirty |= 1u << (gfn - first);
        else
            p.outside++;
    }
    if (counted != p.dirty)
        p.rc = -HESTIA_EIO; /* the count the hypervisor gave disagrees with its bitmap */
    return p;
}

/* One round of the domU, then pause it and peek twice (the second must be empty). */
static bool round_and_peek(hestia_domid_t dom, evtchn_port_t lp, uint64_t first,
                           struct peek *p, struct peek *again)
{
    done_flag = 0;
    ts_unpause(dom);
    evtchn_send(lp);
    bool answered = wait_flag(&done_flag, 20 * SEC);
    ts_pause(dom);
    *p = peek(dom, first);
    *again = peek(dom, first);
    return answered;
}

static uint32_t mask_of(const unsigned *pages, unsigned n)
{
    uint32_t m = 0;
    for (unsigned i = 0; i < n; i++)
        m |= 1u << pages[i];
    return m;
}

static void report_round(const char *name, bool answered, const struct peek *p,
                         const struct peek *again, uint32_t want)
{
    bool ok = answered && p->rc == 0 && p->buffer_dirty == want && again->rc == 0 &&
              again->dirty == 0;
    test_report(name, ok ? TR_PASS : TR_FAIL,
                "%s; buffer pages dirty %04x (want exactly %04x), %llu other pages it "
                "touched (stack, flags); second peek %llu dirty (rc %ld %ld)",
                answered ? "round done" : "no answer", p->buffer_dirty, want,
                (unsigned long long)p->outside, (unsigned long long)again->dirty, p->rc,
                again->rc);
}

void logdirty_test(unsigned module)
{
    long dom = ts_domain_new(LD_DOM_PAGES, 0, 0);
    long port = dom < 0 ? dom : ts_offer_port((hestia_domid_t)dom, 0);
    char args[64];
    ksnprintf(args, sizeof(args), "role=dirtier port=%ld", port);
    long r = port < 0 ? port : ts_domain_load((hestia_domid_t)dom, module, args);
    long lp = r < 0 ? r
                    : evtchn_bind_interdomain((hestia_domid_t)dom, (evtchn_port_t)port,
                                              kick_handler, (void *)&done_flag);
    if (lp > 0)
        r = ts_unpause((hestia_domid_t)dom);
    bool ready = lp > 0 && r >= 0 && wait_flag(&done_flag, 20 * SEC);
    hestia_domid_t d = (hestia_domid_t)dom;
    /* Where the buffer is: its page 0, read while paused. */
    uint32_t info[2] = {0, 0};
    if (ready) {
        ts_pause(d);
        static uint8_t frame[HESTIA_PAGE_SIZE] __attribute__((aligned(4096)));
        for (uint64_t gfn = 0; gfn < LD_DOM_PAGES && info[0] != DIRTIER_MAGIC; gfn++) {
            struct hestia_domctl c = {0};
            c.u.read_memory.gfns = (uintptr_t)&gfn;
            c.u.read_memory.buf = (uintptr_t)frame;
            c.u.read_memory.nr = 1;
            if (ts_domctl(DOMCTL_read_memory, d, &c) == 0) {
                __builtin_memcpy(info, frame, sizeof(info));
                if (info[0] == DIRTIER_MAGIC && info[1] != gfn)
                    info[0] = 0; /* a stale copy of the header, not the buffer itself */
            }
        }
    }
    bool found = info[0] == DIRTIER_MAGIC;
    test_report("logdirty.create", found ? TR_PASS : TR_FAIL,
                "dom%ld, port %ld/%ld, buffer at gfn %u%s", dom, port, lp, info[1],
                found ? "" : " not found");
    if (!found) {
        if (dom >= 0)
            ts_destroy(d);
        return;
    }
    uint64_t first = info[1];

    /* Enable on the paused domain: nothing is dirty; a second enable is refused. */
    long en = ts_log_dirty(d, DOMCTL_LOG_DIRTY_ENABLE, NULL, 0, NULL);
    long twice = ts_log_dirty(d, DOMCTL_LOG_DIRTY_ENABLE, NULL, 0, NULL);
    long self = ts_log_dirty(DOMID_SELF, DOMCTL_LOG_DIRTY_ENABLE, NULL, 0, NULL);
    uint64_t small_dirty = 0;
    long small = ts_log_dirty(d, DOMCTL_LOG_DIRTY_PEEK_CLEAN, bitmap, 8, &small_dirty);
    struct peek p0 = peek(d, first);
    test_report("logdirty.enable",
                en == 0 && twice == -HESTIA_EALREADY && self == -HESTIA_EINVAL &&
                        small == -HESTIA_ENOSPC && p0.rc == 0 && p0.dirty == 0
                    ? TR_PASS
                    : TR_FAIL,
                "enable %ld, again %ld, on itself %ld, 8-bit bitmap %ld; first peek of the "
                "paused domain: %llu dirty (rc %ld)",
                en, twice, self, small, (unsigned long long)p0.dirty, p0.rc);

    struct peek p, again;
    bool ok = round_and_peek(d, (evtchn_port_t)lp, first, &p, &again);
    report_round("logdirty.guest-writes", ok, &p, &again,
                 mask_of(round1_pages, ARRAY_SIZE(round1_pages)));
    if (ok)
        ok = round_and_peek(d, (evtchn_port_t)lp, first, &p, &again);
    report_round("logdirty.hypercall-writes", ok, &p, &again, 1u << HC_PAGE);
    if (!ok) { /* it died (a write fault it should never have seen?): stop here */
        ts_destroy(d);
        return;
    }

    /* dom0's own write into the paused domain: that page and nothing else. */
    uint64_t word = 0x600d;
    struct hestia_domctl w = {0};
    w.u.write_memory.gfn = first + DOMCTL_PAGE;
    w.u.write_memory.buf = (uintptr_t)&word;
    w.u.write_memory.len = sizeof(word);
    long wr = ts_domctl(DOMCTL_write_memory, d, &w);
    p = peek(d, first);
    test_report("logdirty.dom0-writes",
                wr == 0 && p.rc == 0 && p.dirty == 1 && p.buffer_dirty == 1u << DOMCTL_PAGE
                    ? TR_PASS
                    : TR_FAIL,
                "write_memory %ld; %llu dirty, buffer pages %04x (want exactly %04x)", wr,
                (unsigned long long)p.dirty, p.buffer_dirty, 1u << DOMCTL_PAGE);

    long off = ts_log_dirty(d, DOMCTL_LOG_DIRTY_DISABLE, NULL, 0, NULL);
    long after =
        ts_log_dirty(d, DOMCTL_LOG_DIRTY_PEEK_CLEAN, bitmap, sizeof(bitmap) * 8, NULL);
    /* Tracking off: the write-protected pages must still take writes (round 3). */
    done_flag = 0;
    ts_unpause(d);
    evtchn_send((evtchn_port_t)lp);
    bool runs = wait_flag(&done_flag, 20 * SEC);
    test_report("logdirty.disable",
                off == 0 && after == -HESTIA_EINVAL && runs ? TR_PASS : TR_FAIL,
                "disable %ld, peek after %ld, the domain %s", off, after,
                runs ? "runs on" : "stopped answering");
    ts_destroy(d);
}
