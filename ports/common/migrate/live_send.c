/* SPDX-License-Identifier: MIT */
/*
 * The sending half of live migration (docs/migration.md, "Live
 * migration"): the stream writer over a TCP sink, pre-copy rounds driven
 * by log-dirty, stop-and-copy, and the commit: the source destroys its
 * copy only once the destination has answered ACK and our GO has been
 * acknowledged.  Everything before that point can fail without harm: the
 * domain is unpaused and log-dirty switched off again.
 */
#include <hestia/vcpu_state.h>
#include <port/kernel.h>
#include <port/livemig.h>
#include <port/toolstack.h>

#define MS 1000000ull
#define SEC 1000000000ull
#define BATCH 16u /* frames per DOMCTL_read_memory and per memory record */

static uint8_t frames[BATCH * HESTIA_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t dirty[MIG_LIVE_MAX_PAGES / 8];
static struct hestia_vcpu_state vstate;
static struct domctl_mapping maps[DOMCTL_MAPPINGS_MAX];
static uint8_t dstate[DOMAIN_STATE_MAX_SIZE] __attribute__((aligned(8)));

struct sender {
    hestia_domid_t dom;
    uint64_t nr_pages;
    struct mig_writer w;
    struct tcpst s;
    const char *why;
};

static long read_batch(struct sender *x, const uint64_t *gfns, uint32_t n)
{
    struct hestia_domctl d = {0};
    d.u.read_memory.gfns = (uintptr_t)gfns;
    d.u.read_memory.buf = (uintptr_t)frames;
    d.u.read_memory.nr = n;
    long r = ts_domctl(DOMCTL_read_memory, x->dom, &d);
    if (r < 0)
        x->why = "DOMCTL_read_memory refused";
    return r;
}

/* Send the gfns whose bit is set in dirty[] (all of them: set every bit first). */
static long send_dirty(struct sender *x, uint64_t *sent)
{
    uint64_t gfns[BATCH];
    uint32_t n = 0;
    *sent = 0;
    for (uint64_t g = 0; g <= x->nr_pages; g++) {
        bool last = g == x->nr_pages;
        if (!last && (dirty[g / 8] & (1u << (g % 8))))
            gfns[n++] = g;
        if (n == BATCH || (last && n)) {
            long r = read_batch(x, gfns, n);
            if (!r)
                r = mig_write_frames(&x->w, gfns, frames, n);
            if (r) {
                if (!x->why)
                    x->why = x->s.why[0] ? x->s.why : "writing the stream failed";
                return r;
            }
            *sent += n;
            n = 0;
        }
    }
    return 0;
}

static long peek(struct sender *x, uint64_t *count)
{
    long r =
        ts_log_dirty(x->dom, DOMCTL_LOG_DIRTY_PEEK_CLEAN, dirty, sizeof(dirty) * 8, count);
    if (r < 0)
        x->why = "log-dirty peek refused";
    return r;
}

/* Mappings records of one address space (none if it does not exist); *any: some sent. */
static long send_space(struct sender *x, uint32_t space, bool *any)
{
    uint64_t va = 0;
    *any = false;
    for (;;) {
        struct hestia_domctl d = {0};
        d.u.get_mappings.buf = (uintptr_t)maps;
        d.u.get_mappings.start_va = va;
        d.u.get_mappings.space = space;
        d.u.get_mappings.max = DOMCTL_MAPPINGS_MAX;
        long r = ts_domctl(DOMCTL_get_mappings, x->dom, &d);
        if (r == -HESTIA_EBADF && va == 0)
            return 0;
        if (r < 0) {
            x->why = "DOMCTL_get_mappings refused";
            return r;
        }
        if (d.u.get_mappings.nr) {
            r = mig_write_mappings(&x->w, space, (const struct mig_mapping *)maps,
                                   d.u.get_mappings.nr);
            *any = true;
        }
        if (r || !d.u.get_mappings.more)
            return r;
        va = d.u.get_mappings.next_va;
    }
}

/* The log-dirty count of mapping changes (DOMCTL_LOG_DIRTY_MAPPINGS_GEN). */
static long mapgen(struct sender *x, uint64_t *gen)
{
    long r = ts_log_dirty(x->dom, DOMCTL_LOG_DIRTY_MAPPINGS_GEN, NULL, 0, gen);
    if (r < 0)
        x->why = "log-dirty's mapping count refused";
    return r;
}

/*
 * Every address space.  reset: the spaces sent before (bit per space), to be
 * reset first; sent: the spaces that had mappings now.
 */
static long send_spaces(struct sender *x, const uint64_t reset[2], uint64_t sent[2])
{
    long r = 0;
    sent[0] = sent[1] = 0;
    for (uint32_t space = 0; !r && space < MIG_MAX_SPACES; space++) {
        bool any = false;
        if (reset[space / 64] & (1ull << (space % 64)))
            r = mig_write_mappings_reset(&x->w, space);
        if (!r)
            r = send_space(x, space, &any);
        if (any)
            sent[space / 64] |= 1ull << (space % 64);
    }
    return r;
}

/*
 * The paused domain's last state: vCPUs, domain state, the end record (the
 * mappings went during pre-copy, and again before this if they changed).
 * t_pause: when this dom0 paused it (its own clock, the host's).
 */
static long send_state(struct sender *x, uint32_t nr_vcpus, uint64_t t_pause)
{
    long r = 0;
    for (uint32_t v = 0; !r && v < nr_vcpus; v++) {
        long g = ts_vcpu_state_get(x->dom, v, &vstate);
        if (g == -HESTIA_EINVAL)
            continue; /* never started */
        r = g < 0 ? g : mig_write_vcpu(&x->w, v, &vstate, vstate.hdr.size);
    }
    if (!r) {
        /* Event channels, grant table, timers, shared info (h-restore's record). */
        struct hestia_domctl d = {0};
        d.u.domain_state.buf = (uintptr_t)dstate;
        d.u.domain_state.size = sizeof(dstate);
        r = ts_domctl(DOMCTL_get_domain_state, x->dom, &d);
        if (r < 0) {
            x->why = "DOMCTL_get_domain_state refused";
        } else {
            /*
             * The record's guest time is the moment of the pause (a save to
             * disk stops the guest's clock there).  A live move is not: the
             * time since the pause is real time the guest was away, and the
             * destination's clock runs from when it applies the record, so
             * the guest sees the whole stop-and-copy as a gap.
             */
            ((struct hestia_domain_state *)(void *)dstate)->system_time_ns +=
                time_now_ns() - t_pause;
            r = mig_write_domain_state(&x->w, dstate, d.u.domain_state.size);
        }
    }
    if (!r)
        r = mig_write_end(&x->w);
    if (r && !x->why)
        x->why = x->s.why[0] ? x->s.why : "cannot read the domain's state";
    return r;
}

static uint32_t image_crc(struct sender *x)
{
    uint32_t crc = 0;
    uint64_t gfns[BATCH];
    for (uint64_t g = 0; g < x->nr_pages; g += BATCH) {
        uint32_t n = (uint32_t)MIN((uint64_t)BATCH, x->nr_pages - g);
        for (uint32_t i = 0; i < n; i++)
            gfns[i] = g + i;
        if (read_batch(x, gfns, n) < 0)
            return 0;
        crc = mig_crc32(crc, frames, (size_t)n * HESTIA_PAGE_SIZE);
    }
    return crc;
}

long migrate_send(hestia_domid_t domid, uint32_t ip, uint16_t port, bool verify,
                  struct mig_send_stats *st, const char **why)
{
    static struct sender x;
    __builtin_memset(&x, 0, sizeof(x));
    __builtin_memset(st, 0, sizeof(*st));
    x.dom = domid;
    uint64_t t0 = time_now_ns();
    struct domctl_info info;
    long r = ts_getinfo(domid, &info);
    if (r < 0 || info.domid != domid || domid == 0) {
        *why = domid == 0 ? "dom0 does not migrate" : "no such domain";
        return r < 0 ? r : -HESTIA_ESRCH;
    }
    if (info.state == DOMSTATE_shutdown || info.state == DOMSTATE_dying ||
        info.state == DOMSTATE_paused) {
        *why = "the domain is not running (shut down or paused)";
        return -HESTIA_EINVAL;
    }
    if (info.nr_pages > MIG_LIVE_MAX_PAGES) {
        *why = "the domain is too big for the stream";
        return -HESTIA_E2BIG;
    }
    x.nr_pages = info.nr_pages;
    x.s.timeout_ns = 10 * SEC;
    r = tcpst_connect(&x.s, ip, port, 60 * SEC);
    if (r < 0) {
        *why = x.s.why;
        return r;
    }
    mig_writer_init(&x.w, tcpst_sink(&x.s));
    struct hestia_domctl d = {0};
    r = mig_write_header(&x.w, arch_vcpu_state_arch(), info.nr_pages, info.nr_vcpus,
                         MIG_FLAG_LIVE);
    if (!r)
        r = ts_domctl(DOMCTL_sched_get, domid, &d);
    struct mig_domain_state ds = {.weight = d.u.sched.weight, .cap = d.u.sched.cap};
    if (!r)
        r = mig_write_domain(&x.w, &ds);
    if (r) {
        *why = x.s.why[0] ? x.s.why : "the stream's first records could not be sent";
        tcpst_abort(&x.s);
        return r;
    }
    r = ts_log_dirty(domid, DOMCTL_LOG_DIRTY_ENABLE, NULL, 0, NULL);
    if (r < 0) {
        *why = r == -HESTIA_EALREADY ? "log-dirty is already on (another migration?)"
                                     : "log-dirty could not be enabled";
        tcpst_abort(&x.s);
        return r;
    }
    bool paused = false;
    /* Round 0: every page, while it runs. */
    __builtin_memset(dirty, 0xff, sizeof(dirty));
    r = send_dirty(&x, &st->round_pages[0]);
    st->rounds = 1;
    uint64_t last = st->round_pages[0], count = 0;
    while (!r) {
        r = peek(&x, &count);
        if (r)
            break;
        /* Small enough, or not shrinking any more: the rest goes while paused. */
        if (count <= MIG_SMALL_PAGES || count >= last || st->rounds > MIG_ROUNDS_MAX)
            break;
        r = send_dirty(&x, &st->round_pages[st->rounds]);
        last = st->round_pages[st->rounds++];
    }
    /*
     * The address spaces, while the domain runs: inside the pause they were
     * the source's largest CPU part (x86 realtime: 1.4-6.3 ms).  The count
     * of mapping changes is read first, so any change from then on shows at
     * the pause and the spaces go again there.
     */
    uint64_t gen0 = 0, sent_spaces[2] = {0, 0};
    if (!r) {
        uint64_t t_maps = time_now_ns();
        static const uint64_t none[2] = {0, 0};
        r = mapgen(&x, &gen0);
        if (!r)
            r = send_spaces(&x, none, sent_spaces);
        st->maps_precopy_ns = time_now_ns() - t_maps;
    }
    uint64_t t_pause = 0, before = x.w.bytes;
    if (!r) {
        /*
         * Drain first: what the last round queued would otherwise cross the
         * link inside the pause, ahead of the final frames (the idle move's
         * final round in realtime on x86: median 11.2 ms before, 0.9 ms
         * after).  TCP's acknowledgement is not the peer having applied the
         * data, so the pause's flush can still wait for the peer's window
         * (docs/benchmarks.md).  Pages written meanwhile are in the final
         * peek.
         */
        uint64_t t_drain = time_now_ns();
        if ((r = tcpst_flush(&x.s)) < 0)
            x.why = x.s.why;
        st->drain_ns = time_now_ns() - t_drain;
    }
    if (!r) {
        /* Stop-and-copy: the pages of the last peek plus what was written since. */
        t_pause = time_now_ns();
        printk("migrate: dom%u paused\n", domid);
        r = ts_pause(domid);
        paused = r == 0;
        static uint8_t pending[MIG_LIVE_MAX_PAGES / 8];
        __builtin_memcpy(pending, dirty, sizeof(pending));
        if (!r)
            r = peek(&x, &count);
        for (size_t i = 0; !r && i < sizeof(dirty); i++)
            dirty[i] |= pending[i];
        if (!r)
            r = send_dirty(&x, &st->final_pages);
        st->final_round_ns = time_now_ns() - t_pause;
        /* Only what changed since: a mapping made, removed or re-protected resends all. */
        uint64_t gen1 = gen0, now_spaces[2];
        if (!r)
            r = mapgen(&x, &gen1);
        if (!r && gen1 != gen0) {
            st->maps_resent = true;
            r = send_spaces(&x, sent_spaces, now_spaces);
        }
        if (!r)
            r = send_state(&x, info.nr_vcpus, t_pause);
        st->state_ns = time_now_ns() - t_pause;
        if (!r && (r = tcpst_flush(&x.s)) < 0)
            x.why = x.s.why;
        st->round_pages[st->rounds] = st->final_pages;
        st->final_bytes = x.w.bytes - before;
        st->stop_copy_ns = time_now_ns() - t_pause;
    }
    char answer[96];
    if (!r) {
        x.s.timeout_ns = 30 * SEC; /* the destination checks and builds the domain */
        r = tcpst_read_line(&x.s, answer, sizeof(answer));
        if (r < 0) {
            x.why = x.s.why;
        } else if (answer[0] != 'A' || answer[1] != 'C' || answer[2] != 'K') {
            static char refused[128];
            ksnprintf(refused, sizeof(refused), "the destination refused: %s", answer);
            x.why = refused;
            r = -HESTIA_EIO;
        } else {
            r = 0;
        }
    }
    if (!r) {
        st->pause_ns = time_now_ns() - t_pause;
        /* The commit point: GO acknowledged means the destination owns the domain. */
        x.s.timeout_ns = 10 * SEC;
        r = tcpst_write(&x.s, "GO\n", 3);
        if (!r)
            r = tcpst_flush(&x.s);
        if (r)
            x.why = x.s.why;
    }
    /*
     * The check of the scenarios: the memory of our copy, paused for good
     * now (it never runs here again), read after GO so the destination's
     * guest is not kept waiting for it.
     */
    if (!r && verify)
        st->image_crc = image_crc(&x);
    st->bytes = x.w.bytes;
    if (r) {
        /* Before the commit: nothing happened to the domain. */
        tcpst_abort(&x.s);
        ts_log_dirty(domid, DOMCTL_LOG_DIRTY_DISABLE, NULL, 0, NULL);
        if (paused)
            ts_unpause(domid);
        *why = x.why ? x.why : "failed";
        st->total_ns = time_now_ns() - t0;
        return r < 0 ? r : -HESTIA_EIO;
    }
    tcpst_close(&x.s);
    st->committed = true;
    long gone = ts_destroy(domid);
    st->total_ns = time_now_ns() - t0;
    *why = gone == 0 ? "committed; destroyed here" : "committed; destroy here failed";
    return 0;
}
