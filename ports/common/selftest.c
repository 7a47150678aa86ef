/* SPDX-License-Identifier: MIT */
/*
 * pv-selftest: the guest test suite run in one domain.  Every hypercall's
 * normal and error paths, console, time and timers, event channels, the PV
 * MMU with faults delivered back, guest-handled exceptions, threads.  The
 * grant and user-task tests are in selftest2.c.
 */
#include <port/kernel.h>

#define BAD_PTR_HV WILD_HV
#define BAD_PTR_NC WILD_NC
#define BAD_PTR_LOW ((uintptr_t)8) /* unmapped page 0 */

#define bad_ptrs_init                                                                      \
    {                                                                                      \
        BAD_PTR_HV, BAD_PTR_NC, BAD_PTR_LOW                                                \
    }

static void t_version(struct tctx *t)
{
    const uintptr_t bad_ptrs[] = bad_ptrs_init;
    T_EQ(t, hc_version(VERSION_abi, 0), HESTIA_ABI_VERSION);
    long f = hc_version(VERSION_features, 0);
    T_CHECK(t, f >= 0 && (f & HESTIA_FEAT_PV_MMU) && (f & HESTIA_FEAT_EVTCHN_2L),
            "features %lx", f);
    char extra[32];
    for (unsigned i = 0; i < sizeof(extra); i++)
        extra[i] = 'x';
    T_EQ(t, hc_version(VERSION_extra, extra) >= 0, 1);
    bool nul = false;
    for (unsigned i = 0; i < sizeof(extra); i++)
        nul |= extra[i] == '\0';
    T_CHECK(t, nul, "VERSION_extra not NUL-terminated");
    for (unsigned i = 0; i < 3; i++)
        T_EQ(t, hc_version(VERSION_extra, (void *)(uintptr_t)bad_ptrs[i]), -HESTIA_EFAULT);
    T_CHECK(t, hc_version(77, 0) < 0, "unknown version cmd accepted");
}

static void t_unknown_hypercall(struct tctx *t)
{
    T_EQ(t, HC(HYPERCALL_COUNT, 0, 0, 0, 0, 0), -HESTIA_ENOSYS);
    T_EQ(t, HC(9999, 1, 2, 3, 4, 5), -HESTIA_ENOSYS);
    T_EQ(t, HC(~0ul, 0, 0, 0, 0, 0), -HESTIA_ENOSYS);
}

static void t_console(struct tctx *t)
{
    const uintptr_t bad_ptrs[] = bad_ptrs_init;
    static const char msg[] = "console: hello from the guest\n";
    T_EQ(t, hc_console(CONSOLEIO_write, sizeof(msg) - 1, msg, DOMID_SELF), sizeof(msg) - 1);
    T_EQ(t, hc_console(CONSOLEIO_write, 0, msg, DOMID_SELF), 0);
    T_EQ(t, hc_console(CONSOLEIO_write, CONSOLEIO_MAX_WRITE + 1, msg, DOMID_SELF),
         -HESTIA_E2BIG);
    for (unsigned i = 0; i < 3; i++)
        T_EQ(t, hc_console(CONSOLEIO_write, 16, (void *)(uintptr_t)bad_ptrs[i], DOMID_SELF),
             -HESTIA_EFAULT);
    T_CHECK(t, hc_console(99, 1, msg, DOMID_SELF) < 0, "unknown console cmd accepted");
    char buf[8];
    long r = hc_console(CONSOLEIO_read, sizeof(buf), buf, DOMID_SELF);
    T_CHECK(t, r >= 0 || r == -HESTIA_EPERM, "read: %ld", r);
    if (!(start_info->flags & SIF_PRIVILEGED)) {
        T_EQ(t, hc_console(CONSOLEIO_read_ring, sizeof(buf), buf, 0), -HESTIA_EPERM);
        T_EQ(t, hc_console(CONSOLEIO_write_input, 1, buf, 0), -HESTIA_EPERM);
    } else {
        T_EQ(t, hc_console(CONSOLEIO_read_ring, sizeof(buf), (void *)BAD_PTR_HV, 0),
             -HESTIA_EFAULT);
        /* Our own output ring holds what we printed. */
        static char ring[CONSOLE_RING_SIZE + 1];
        long n =
            hc_console(CONSOLEIO_read_ring, CONSOLE_RING_SIZE, ring, start_info->domid);
        T_CHECK(t, n > 0 && n <= CONSOLE_RING_SIZE, "read_ring %ld", n);
        bool found = false;
        for (long i = 0; n > 0 && i + 11 <= n; i++)
            found |= kstrneq(ring + i, "pv-selftest", 11);
        T_CHECK(t, found, "our output is not in our ring");
        T_CHECK(t, hc_console(CONSOLEIO_read_ring, 16, ring, 999) < 0, "ring of dom999");
        /* Input queued for ourselves comes back through CONSOLEIO_read. */
        long w = hc_console(CONSOLEIO_write_input, 3, "xyz", start_info->domid);
        if (w == 3) {
            char in[8] = "";
            long got = 0;
            for (int i = 0; i < 10 && got < 3; i++) {
                long k = hc_console(CONSOLEIO_read, 3 - (unsigned long)got, in + got,
                                    DOMID_SELF);
                got += k > 0 ? k : 0;
            }
            T_CHECK(t, got == 3 && kstrneq(in, "xyz", 3), "input came back as %ld bytes",
                    got);
        } else {
            T_CHECK(t, w < 0, "write_input returned %ld", w);
        }
        T_CHECK(t, hc_console(CONSOLEIO_write_input, 1, "q", 999) < 0, "input for dom999");
    }
}

static void t_time(struct tctx *t)
{
    uint64_t a = time_now_ns(), b = time_now_ns();
    T_CHECK(t, b >= a, "time went back %llu -> %llu", (unsigned long long)a,
            (unsigned long long)b);
    uint64_t rt = 0;
    T_EQ(t, hc_vcpu(VCPUOP_get_runtime, 0, (uintptr_t)&rt), 0);
    T_CHECK(t, rt > 0, "runtime 0");
    T_CHECK(t, hc_vcpu(VCPUOP_get_runtime, 0, BAD_PTR_HV) == -HESTIA_EFAULT, "bad ptr");
    T_CHECK(t, hc_vcpu(VCPUOP_get_runtime, HESTIA_MAX_VCPUS + 3, (uintptr_t)&rt) < 0,
            "bad vcpu accepted");
    T_CHECK(t, hc_vcpu(1234, 0, 0) < 0, "unknown vcpu_op accepted");
}

/*
 * A 10 ms sleep never wakes early and wakes within 5 ms of its deadline
 * (50 ms with SIF_REALTIME: a loaded host may not run us for that long).
 */
static void t_sleep_accuracy(struct tctx *t)
{
    uint64_t worst_late = 0;
    for (int i = 0; i < 20; i++) {
        uint64_t start = time_now_ns(), deadline = start + 10000000;
        thread_sleep_until(deadline);
        uint64_t now = time_now_ns();
        if (now < deadline)
            t_fail(t, "woke %llu ns early", (unsigned long long)(deadline - now));
        if (now - deadline > worst_late)
            worst_late = now - deadline;
    }
    uint64_t bound = t_bound(5000000, 50000000);
    T_CHECK(t, worst_late <= bound, "woke %llu ns late (bound %llu)%s",
            (unsigned long long)worst_late, (unsigned long long)bound, TIME_MODE);
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail), "worst lateness %llu ns, bound %llu%s",
                  (unsigned long long)worst_late, (unsigned long long)bound, TIME_MODE);
}

static volatile int timer_seen;
static volatile uint64_t timer_seen_at;
static void seen_thread(void *arg)
{
    (void)arg;
    thread_sleep_ns(5000000);
    timer_seen_at = time_now_ns();
    timer_seen = 1;
}

/* The timer interrupts a running (not blocked) guest on time. */
static void t_timer_running(struct tctx *t)
{
    timer_seen = 0;
    uint64_t start = time_now_ns();
    struct thread *th = thread_create("seen", seen_thread, NULL);
    thread_yield();
    unsigned long ev0 = trap_events;
    uint64_t window = t_bound(100000000, 1000000000), bound = t_bound(25000000, 100000000);
    while (!timer_seen && time_now_ns() - start < window)
        ;
    T_CHECK(t, timer_seen,
            "no timer event while running (mask %u pending %u sel %x p0 %x ev %lu)",
            this_vcpu()->evtchn_upcall_mask, this_vcpu()->evtchn_upcall_pending,
            this_vcpu()->evtchn_pending_sel, shared->evtchn_pending[0], trap_events - ev0);
    uint64_t late = timer_seen_at - start;
    T_CHECK(t, late < bound, "timer %llu ns after a 5 ms deadline (bound %llu)%s",
            (unsigned long long)late, (unsigned long long)bound, TIME_MODE);
    thread_join(th);
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail), "seen %llu ns after start, bound %llu%s",
                  (unsigned long long)late, (unsigned long long)bound, TIME_MODE);
}

/* set_timer directly: the VIRQ_TIMER event interrupts a spinning guest on time. */
static void t_timer_raw(struct tctx *t)
{
    uint64_t worst = 0, window = t_bound(200000000, 1000000000);
    uint64_t bound = t_bound(20000000, 100000000);
    for (int i = 0; i < 5; i++) {
        unsigned long ev0 = trap_events;
        uint64_t start = time_now_ns(), deadline = start + 5000000;
        T_EQ(t, hc_set_timer(deadline), 0);
        while (trap_events == ev0 && time_now_ns() - start < window)
            ;
        uint64_t now = time_now_ns();
        if (trap_events == ev0)
            t_fail(t, "no event within %llu ms%s", (unsigned long long)(window / 1000000),
                   TIME_MODE);
        else if (now < deadline)
            t_fail(t, "event %llu ns early", (unsigned long long)(deadline - now));
        else if (now - deadline > worst)
            worst = now - deadline;
    }
    /*
     * A liveness check (the accuracy bound is sleep-accuracy's): without
     * -icount a loaded host delays QEMU's timer thread by a few ms.
     */
    T_CHECK(t, worst < bound, "event %llu ns late (bound %llu)%s",
            (unsigned long long)worst, (unsigned long long)bound, TIME_MODE);
    time_cancel();
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail), "worst lateness %llu ns, bound %llu%s",
                  (unsigned long long)worst, (unsigned long long)bound, TIME_MODE);
}

static void t_timer_ops(struct tctx *t)
{
    T_EQ(t, hc_set_timer(0), 0);
    /* A deadline in the past still fires: sleeping threads rely on it. */
    uint64_t start = time_now_ns();
    thread_sleep_until(start + 1);
    thread_sleep_ns(2000000);
    T_CHECK(t, time_now_ns() - start >= 2000000, "sleep short");
    (void)timer_seen;
}

/* ---- event channels ---- */
static volatile int ev_count[4];
static void ev_handler(evtchn_port_t port, void *arg)
{
    (void)port;
    ev_count[(uintptr_t)arg]++;
}

static void t_evtchn_ipi(struct tctx *t)
{
    ev_count[0] = 0;
    long p = evtchn_bind_ipi(ev_handler, (void *)0);
    T_CHECK(t, p > 0, "bind_ipi %ld", p);
    if (p <= 0)
        return;
    T_EQ(t, evtchn_send((evtchn_port_t)p), 0);
    for (int i = 0; i < 100 && !ev_count[0]; i++)
        thread_yield();
    T_EQ(t, ev_count[0], 1);
    /* Masked: stays pending, delivered on unmask. */
    evtchn_mask((evtchn_port_t)p);
    T_EQ(t, evtchn_send((evtchn_port_t)p), 0);
    thread_yield();
    T_EQ(t, ev_count[0], 1);
    T_CHECK(t, shared->evtchn_pending[p / 32] & (1u << (p % 32)),
            "masked port not pending");
    T_EQ(t, evtchn_unmask((evtchn_port_t)p), 0);
    for (int i = 0; i < 100 && ev_count[0] < 2; i++)
        thread_yield();
    T_EQ(t, ev_count[0], 2);
    struct evtchn_status st = {.dom = DOMID_SELF, .port = (evtchn_port_t)p};
    T_EQ(t, hc_evtchn(EVTCHNOP_status, &st), 0);
    T_EQ(t, st.status, EVTCHNSTAT_ipi);
    T_EQ(t, evtchn_close((evtchn_port_t)p), 0);
    T_CHECK(t, evtchn_send((evtchn_port_t)p) < 0, "send on closed port");
    st.status = 99;
    T_EQ(t, hc_evtchn(EVTCHNOP_status, &st), 0);
    T_EQ(t, st.status, EVTCHNSTAT_closed);
}

static void t_evtchn_errors(struct tctx *t)
{
    const uintptr_t bad_ptrs[] = bad_ptrs_init;
    static const uint32_t bad_ports[] = {0, EVTCHN_MAX_PORTS, EVTCHN_MAX_PORTS + 5,
                                         0xffffffffu};
    for (unsigned i = 0; i < ARRAY_SIZE(bad_ports); i++) {
        T_CHECK(t, evtchn_send(bad_ports[i]) < 0, "send %u accepted", bad_ports[i]);
        T_CHECK(t, evtchn_close(bad_ports[i]) < 0, "close %u accepted", bad_ports[i]);
        T_CHECK(t, evtchn_unmask(bad_ports[i]) < 0, "unmask %u accepted", bad_ports[i]);
    }
    T_CHECK(t, evtchn_close(900) < 0, "close of an unused port");
    struct evtchn_bind_virq bv = {.virq = VIRQ_COUNT + 7};
    T_EQ(t, hc_evtchn(EVTCHNOP_bind_virq, &bv), -HESTIA_EINVAL);
    bv.virq = VIRQ_TIMER; /* already bound by time_init */
    T_CHECK(t, hc_evtchn(EVTCHNOP_bind_virq, &bv) < 0, "VIRQ_TIMER bound twice");
    bv.virq = VIRQ_DEBUG;
    bv.vcpu = 99;
    T_CHECK(t, hc_evtchn(EVTCHNOP_bind_virq, &bv) < 0, "bind to vcpu 99");
    for (unsigned i = 0; i < 3; i++) {
        T_EQ(t, hc_evtchn(EVTCHNOP_send, (void *)(uintptr_t)bad_ptrs[i]), -HESTIA_EFAULT);
        T_EQ(t, hc_evtchn(EVTCHNOP_bind_ipi, (void *)(uintptr_t)bad_ptrs[i]),
             -HESTIA_EFAULT);
    }
    T_EQ(t, hc_evtchn(99, &bv), -HESTIA_ENOSYS);
    /* Binding to a port nobody offered us. */
    struct evtchn_bind_interdomain bi = {.remote_dom = start_info->domid,
                                         .remote_port = 700};
    T_CHECK(t, hc_evtchn(EVTCHNOP_bind_interdomain, &bi) < 0, "bound an unoffered port");
    bi.remote_dom = 999;
    T_CHECK(t, hc_evtchn(EVTCHNOP_bind_interdomain, &bi) < 0, "bound to a missing domain");
    struct evtchn_alloc_unbound au = {.dom = 5, .remote_dom = 0};
    if (!(start_info->flags & SIF_PRIVILEGED))
        T_CHECK(t, hc_evtchn(EVTCHNOP_alloc_unbound, &au) < 0, "alloc_unbound for dom 5");
    struct evtchn_status st = {.dom = 999, .port = 1};
    T_CHECK(t, hc_evtchn(EVTCHNOP_status, &st) < 0, "status of dom 999");
}

/* Loopback interdomain channel: offer a port to ourselves and bind it. */
static void t_evtchn_loopback(struct tctx *t)
{
    ev_count[1] = ev_count[2] = 0;
    long a = evtchn_alloc_unbound(start_info->domid, ev_handler, (void *)1);
    T_CHECK(t, a > 0, "alloc_unbound %ld", a);
    if (a <= 0)
        return;
    struct evtchn_status st = {.dom = DOMID_SELF, .port = (evtchn_port_t)a};
    T_EQ(t, hc_evtchn(EVTCHNOP_status, &st), 0);
    T_EQ(t, st.status, EVTCHNSTAT_unbound);
    long b =
        evtchn_bind_interdomain(start_info->domid, (evtchn_port_t)a, ev_handler, (void *)2);
    T_CHECK(t, b > 0, "bind_interdomain %ld", b);
    if (b <= 0)
        return;
    T_EQ(t, evtchn_send((evtchn_port_t)a), 0);
    for (int i = 0; i < 100 && !ev_count[2]; i++)
        thread_yield();
    T_EQ(t, ev_count[2], 1);
    T_EQ(t, ev_count[1], 0);
    T_EQ(t, evtchn_send((evtchn_port_t)b), 0);
    for (int i = 0; i < 100 && !ev_count[1]; i++)
        thread_yield();
    T_EQ(t, ev_count[1], 1);
    /* Binding the same offer twice fails. */
    struct evtchn_bind_interdomain bi = {.remote_dom = start_info->domid,
                                         .remote_port = (evtchn_port_t)a};
    T_CHECK(t, hc_evtchn(EVTCHNOP_bind_interdomain, &bi) < 0, "offer bound twice");
    T_EQ(t, evtchn_close((evtchn_port_t)b), 0);
    st.port = (evtchn_port_t)a;
    T_EQ(t, hc_evtchn(EVTCHNOP_status, &st), 0);
    T_EQ(t, st.status, EVTCHNSTAT_unbound);
    T_EQ(t, evtchn_close((evtchn_port_t)a), 0);
}

/*
 * An event that arrives before its port has a handler is kept (pending,
 * the port masked by the upcall) and delivered once a handler is set and
 * the port unmasked: a peer may bind and send before our role is ready.
 */
static void t_evtchn_before_handler(struct tctx *t)
{
    ev_count[3] = 0;
    long a = evtchn_alloc_unbound(start_info->domid, NULL, NULL);
    T_CHECK(t, a > 0, "alloc_unbound %ld", a);
    if (a <= 0)
        return;
    T_EQ(t, evtchn_unmask((evtchn_port_t)a), 0); /* a recycled port may still be masked */
    long b = evtchn_bind_interdomain(start_info->domid, (evtchn_port_t)a, NULL, NULL);
    T_CHECK(t, b > 0, "bind_interdomain %ld", b);
    if (b <= 0) {
        evtchn_close((evtchn_port_t)a);
        return;
    }
    uint32_t bit = 1u << (a % 32);
    T_EQ(t, evtchn_send((evtchn_port_t)b), 0);
    for (int i = 0; i < 10; i++)
        thread_yield(); /* the upcall has run (events are enabled in a thread) */
    T_CHECK(t, shared->evtchn_pending[a / 32] & bit,
            "event lost: port %ld no longer pending", a);
    T_CHECK(t, shared->evtchn_mask[a / 32] & bit, "port %ld not masked by the upcall", a);
    evtchn_set_handler((evtchn_port_t)a, ev_handler, (void *)3);
    T_EQ(t, evtchn_unmask((evtchn_port_t)a), 0);
    for (int i = 0; i < 100 && !ev_count[3]; i++)
        thread_yield();
    T_EQ(t, ev_count[3], 1);
    evtchn_close((evtchn_port_t)b);
    evtchn_close((evtchn_port_t)a);
}

static void t_sched_ops(struct tctx *t)
{
    T_EQ(t, hc_sched(SCHEDOP_yield, 0), 0);
    /* block returns at once while an event is pending (here: masked upcall). */
    long ip = evtchn_bind_ipi(NULL, NULL);
    if (ip > 0) {
        evtchn_unmask((evtchn_port_t)ip);
        unsigned long f = irq_save();
        evtchn_send((evtchn_port_t)ip);
        uint64_t t0 = time_now_ns();
        T_EQ(t, hc_sched(SCHEDOP_block, 0), 0);
        T_CHECK(t, time_now_ns() - t0 < t_bound(50000000, 200000000),
                "block slept with an event pending%s", TIME_MODE);
        irq_restore(f);
        evtchn_close((evtchn_port_t)ip);
    }
    T_EQ(t, hc_sched(99, 0), -HESTIA_ENOSYS);
    T_EQ(t, hc_sched(SCHEDOP_shutdown, SHUTDOWN_MAX + 1), -HESTIA_EINVAL);
    T_EQ(t, hc_sched(SCHEDOP_poll, BAD_PTR_HV), -HESTIA_EFAULT);
    /* Poll a masked, pending port: returns at once. */
    long p = evtchn_bind_ipi(NULL, NULL);
    T_CHECK(t, p > 0, "bind_ipi %ld", p);
    if (p <= 0)
        return;
    evtchn_mask((evtchn_port_t)p);
    uint32_t port = (uint32_t)p;
    struct sched_poll sp = {.ports = (uintptr_t)&port, .nr_ports = 1, .timeout_ns = 0};
    evtchn_send(port);
    T_EQ(t, hc_sched(SCHEDOP_poll, (uintptr_t)&sp), 0);
    T_CHECK(t, evtchn_test_and_clear(port), "polled port not pending");
    /* Poll with a timeout and nothing pending (and no guest timer armed). */
    time_cancel();
    uint64_t start = time_now_ns();
    sp.timeout_ns = start + 3000000;
    T_CHECK(t, hc_sched(SCHEDOP_poll, (uintptr_t)&sp) >= 0, "poll timeout");
    T_CHECK(t, time_now_ns() >= start + 3000000, "poll returned early after %llu ns",
            (unsigned long long)(time_now_ns() - start));
    sp.nr_ports = SCHED_POLL_MAX + 1;
    T_CHECK(t, hc_sched(SCHEDOP_poll, (uintptr_t)&sp) < 0, "poll of too many ports");
    sp.nr_ports = 1;
    sp.ports = BAD_PTR_HV;
    T_EQ(t, hc_sched(SCHEDOP_poll, (uintptr_t)&sp), -HESTIA_EFAULT);
    evtchn_close(port);
}

/* ---- PV MMU ---- */
static void t_mmu_map(struct tctx *t)
{
    long g = frame_alloc();
    T_CHECK(t, g >= 0, "frame_alloc %ld", g);
    if (g < 0)
        return;
    uintptr_t va = kva_alloc(1);
    volatile uint64_t *direct = gfn_to_va((uint64_t)g), *alias = (volatile uint64_t *)va;
    direct[3] = 0x1234abcd5678ull;
    T_EQ(t, mmu_map(0, va, (uint64_t)g, MMU_PERM_READ | MMU_PERM_WRITE), 0);
    T_EQ(t, alias[3], 0x1234abcd5678ull);
    alias[4] = 77;
    T_EQ(t, direct[4], 77);
    T_EQ(t, mmu_map(0, va, (uint64_t)g, MMU_PERM_READ), -HESTIA_EEXIST);
    /* Read-only: a write faults and the fault comes back to us. */
    T_EQ(t, mmu_protect(0, va, MMU_PERM_READ), 0);
    unsigned before = trap_last.count;
    T_EQ(t, arch_probe_write(va + 8, 5), -1);
    T_EQ(t, trap_last.count, before + 1);
    T_EQ(t, trap_last.kind, HESTIA_TRAP_PAGE_FAULT);
    T_EQ(t, trap_last.fault_addr, va + 8);
    T_CHECK(t,
            (trap_last.error_code & (HESTIA_PF_WRITE | HESTIA_PF_PRESENT)) ==
                (HESTIA_PF_WRITE | HESTIA_PF_PRESENT),
            "error code %llx", (unsigned long long)trap_last.error_code);
    uint64_t v = 0;
    T_EQ(t, arch_probe_read(va + 24, &v), 0);
    T_EQ(t, v, 0x1234abcd5678ull);
    T_EQ(t, mmu_protect(0, va, MMU_PERM_READ | MMU_PERM_WRITE), 0);
    T_EQ(t, arch_probe_write(va + 8, 5), 0);
    T_EQ(t, direct[1], 5);
    /* Unmapped: reads fault (not present). */
    T_EQ(t, mmu_unmap(0, va), 0);
    T_EQ(t, arch_probe_read(va, &v), -1);
    T_EQ(t, trap_last.kind, HESTIA_TRAP_PAGE_FAULT);
    T_EQ(t, trap_last.error_code & HESTIA_PF_PRESENT, 0);
    T_EQ(t, mmu_unmap(0, va), -HESTIA_ENOENT);
    T_EQ(t, mmu_protect(0, va, MMU_PERM_READ), -HESTIA_ENOENT);
    frame_free((uint64_t)g);
}

/* Execute permission: code runs from an executable mapping only. */
static void t_mmu_exec(struct tctx *t)
{
    long g = frame_alloc();
    if (g < 0) {
        t_fail(t, "no frame");
        return;
    }
    char *code = gfn_to_va((uint64_t)g);
    for (const char *p = arch_ret7_code; p < arch_ret7_end; p++)
        code[p - arch_ret7_code] = *p;
    uintptr_t va = kva_alloc(1);
    T_EQ(t, mmu_map(0, va, (uint64_t)g, MMU_PERM_READ | MMU_PERM_EXEC), 0);
    T_EQ(t, arch_probe_call(va), 7);
    T_EQ(t, mmu_protect(0, va, MMU_PERM_READ | MMU_PERM_WRITE), 0);
    unsigned before = trap_last.count;
    T_EQ(t, arch_probe_call(va), -1);
    T_EQ(t, trap_last.count, before + 1);
    T_EQ(t, trap_last.kind, HESTIA_TRAP_PAGE_FAULT);
    T_CHECK(t, trap_last.error_code & HESTIA_PF_EXEC, "no PF_EXEC in %llx",
            (unsigned long long)trap_last.error_code);
    T_EQ(t, mmu_protect(0, va, MMU_PERM_READ | MMU_PERM_EXEC), 0);
    T_EQ(t, arch_probe_call(va), 7);
    T_EQ(t, mmu_unmap(0, va), 0);
    frame_free((uint64_t)g);
}

static void t_mmu_errors(struct tctx *t)
{
    uintptr_t va = kva_alloc(1);
    long g = frame_alloc();
    T_CHECK(t, g >= 0, "no frame");
    if (g < 0)
        return;
    T_EQ(t, mmu_map(0, va + 12, (uint64_t)g, MMU_PERM_READ), -HESTIA_EINVAL);
    T_CHECK(t, mmu_map(0, va, start_info->nr_pages, MMU_PERM_READ) < 0,
            "gfn beyond memory");
    T_CHECK(t, mmu_map(0, va, ~0ull, MMU_PERM_READ) < 0, "gfn ~0");
    T_CHECK(t, mmu_map(0, BAD_PTR_HV, (uint64_t)g, MMU_PERM_READ) < 0,
            "mapped over the hypervisor");
    T_CHECK(t, mmu_map(0, BAD_PTR_NC, (uint64_t)g, MMU_PERM_READ) < 0, "non-canonical va");
    T_CHECK(t, mmu_map(0, va, (uint64_t)g, 0x100) < 0, "bad perms");
    T_CHECK(t, mmu_map(0, va, (uint64_t)g, MMU_PERM_READ | MMU_PERM_USER) < 0,
            "user mapping in the kernel space");
    T_CHECK(t, mmu_map(12345, va, (uint64_t)g, MMU_PERM_READ) < 0, "bad address space");
    T_EQ(t, hc_mmu((struct mmu_op *)BAD_PTR_HV, 1, NULL), -HESTIA_EFAULT);
    struct mmu_op ops[2] = {{MMUOP_map, MMU_PERM_READ, 0, va, (uint64_t)g},
                            {77, 0, 0, va, 0}};
    T_EQ(t, hc_mmu(ops, MMU_MAX_BATCH + 1, NULL), -HESTIA_E2BIG);
    uint64_t done = 99;
    T_CHECK(t, hc_mmu(ops, 2, &done) < 0, "unknown op accepted");
    T_EQ(t, done, 1);
    T_EQ(t, hc_mmu(ops, 0, &done), 0);
    T_CHECK(t, hc_mmu(&ops[1], 1, (uint64_t *)BAD_PTR_HV) < 0, "bad done pointer");
    struct mmu_op fl = {MMUOP_flush, 0, 0, MMU_FLUSH_ALL, 0};
    T_EQ(t, hc_mmu(&fl, 1, NULL), 0);
    T_EQ(t, mmu_unmap(0, va), 0);
    /* Our own kernel image cannot be unmapped from under us by accident: this
     * is just a remap of a different page, which must say EEXIST. */
    T_EQ(t, mmu_map(0, (uintptr_t)__image_start, (uint64_t)g, MMU_PERM_READ),
         -HESTIA_EEXIST);
    frame_free((uint64_t)g);
}

/*
 * Every free frame, one at a time, then all back: each frame handed out
 * holds the previous one's gfn and its own, checked once the allocator is
 * dry.  A frame handed out twice, or one the allocator itself lives in
 * (its bitmap, zeroed when handed out), breaks the chain; the image,
 * start info and the modules must never be handed out.
 */
#define FRAME_MARK 0x4672616d65ull /* "Frame" */
static void t_frames_all(struct tctx *t)
{
    unsigned long before = frames_available();
    uint64_t img_first = va_to_gfn(__image_start);
    uint64_t img_end =
        img_first + (ALIGN_UP((uintptr_t)(__image_end - __image_start), HESTIA_PAGE_SIZE) >>
                     HESTIA_PAGE_SHIFT);
    uint64_t si_gfn = va_to_gfn(start_info);
    long last = -1;
    unsigned long n = 0, wrong = 0;
    for (long g; (g = frame_alloc()) >= 0; last = g, n++) {
        uint64_t *p = gfn_to_va((uint64_t)g);
        p[0] = (uint64_t)last;
        p[1] = (uint64_t)g ^ FRAME_MARK;
        bool kept = (uint64_t)g >= img_first && (uint64_t)g < img_end;
        kept |= (uint64_t)g == si_gfn;
        for (unsigned i = 0; i < start_info->nr_modules && i < START_MAX_MODULES; i++)
            kept |= (uint64_t)g >= start_info->modules[i].gfn &&
                    (uint64_t)g <
                        start_info->modules[i].gfn +
                            (ALIGN_UP(start_info->modules[i].size, HESTIA_PAGE_SIZE) >>
                             HESTIA_PAGE_SHIFT);
        wrong += kept;
    }
    unsigned long chained = 0, broken = 0;
    while (last >= 0 && chained <= n) {
        uint64_t *p = gfn_to_va((uint64_t)last);
        if (p[1] != ((uint64_t)last ^ FRAME_MARK)) {
            broken++;
            break;
        }
        long prev = (long)p[0];
        frame_free((uint64_t)last);
        chained++;
        last = prev;
    }
    T_CHECK(t, !wrong, "%lu frames of the image, start info or a module handed out", wrong);
    T_CHECK(t, !broken && chained == n,
            "%lu of %lu frames came back as handed out (one was handed out twice)", chained,
            n);
    T_EQ(t, n, before);
    T_EQ(t, frames_available(), before);
}

/* The op of mmu_one in memory: HYPERCALL_mmu_op with a count of 1. */
static long mmu_in_memory(unsigned cmd, uint64_t as, uintptr_t va, uint64_t gfn,
                          unsigned perms)
{
    struct mmu_op op = {cmd, perms, as, va, gfn};
    return hc_mmu(&op, 1, NULL);
}

/*
 * HYPERCALL_mmu_one (the op in registers) answers every op as mmu_op does
 * with the op in memory: each case runs in both forms, the same result
 * wanted (the errors are the ABI's, docs/abi.md).
 */
static void t_mmu_one(struct tctx *t)
{
    uintptr_t va = kva_alloc(1);
    long g = frame_alloc();
    T_CHECK(t, g >= 0, "no frame");
    if (g < 0)
        return;
    uint64_t gf = (uint64_t)g;
    unsigned r = MMU_PERM_READ, rw = MMU_PERM_READ | MMU_PERM_WRITE;
    const struct {
        unsigned cmd;
        uint64_t as;
        uintptr_t va;
        uint64_t gfn;
        unsigned perms;
        long want;
    } c[] = {
        {MMUOP_map, 0, va + 12, gf, r, -HESTIA_EINVAL},
        {MMUOP_map, 0, va, ~0ul, r, -HESTIA_EINVAL},
        {MMUOP_map, 0, va, gf, 0x100, -HESTIA_EINVAL},
        {MMUOP_map, 0, va, gf, 0, -HESTIA_EINVAL},
        {MMUOP_map, 0, va, gf, r | MMU_PERM_USER, -HESTIA_EINVAL},
        {MMUOP_map, MMU_MAX_USER_AS + 1, va, gf, r | MMU_PERM_USER, -HESTIA_EBADF},
        {MMUOP_map, MMU_MAX_USER_AS, va, gf, r | MMU_PERM_USER, -HESTIA_EBADF},
        {MMUOP_map, 0, BAD_PTR_HV, gf, r, -HESTIA_EINVAL},
        {MMUOP_map, 0, (uintptr_t)__image_start, gf, r, -HESTIA_EEXIST},
        {MMUOP_unmap, 0, va, 0, 0, -HESTIA_ENOENT},
        {MMUOP_unmap, 0, BAD_PTR_HV, 0, 0, -HESTIA_EINVAL},
        {MMUOP_protect, 0, va, 0, r, -HESTIA_ENOENT},
        {MMUOP_as_switch, MMU_MAX_USER_AS, 0, 0, 0, -HESTIA_EBADF},
        {MMUOP_as_destroy, 0, 0, 0, 0, -HESTIA_EINVAL},
        {MMUOP_as_destroy, MMU_MAX_USER_AS, 0, 0, 0, -HESTIA_EBADF},
        {MMUOP_flush, 0, va + 1, 0, 0, -HESTIA_EINVAL},
        {77, 0, va, gf, r, -HESTIA_ENOSYS},
    };
    for (unsigned i = 0; i < ARRAY_SIZE(c); i++) {
        long one = hc_mmu_one(c[i].as, c[i].va, c[i].gfn, c[i].perms, c[i].cmd);
        long mem = mmu_in_memory(c[i].cmd, c[i].as, c[i].va, c[i].gfn, c[i].perms);
        T_CHECK(t, one == c[i].want && mem == c[i].want,
                "case %u (op %u): registers %ld, memory %ld, want %ld", i, c[i].cmd, one,
                mem, c[i].want);
    }
    /* A mapping made in one form is removed in the other. */
    *(volatile uint64_t *)gfn_to_va(gf) = 0x5eed;
    T_EQ(t, hc_mmu_one(0, va, gf, rw, MMUOP_map), 0);
    T_EQ(t, *(volatile uint64_t *)va, 0x5eed);
    T_EQ(t, hc_mmu_one(0, va, gf, rw, MMUOP_map), -HESTIA_EEXIST);
    T_EQ(t, mmu_in_memory(MMUOP_unmap, 0, va, 0, 0), 0);
    uint64_t w;
    T_EQ(t, arch_probe_read(va, &w), -1);
    T_EQ(t, mmu_in_memory(MMUOP_map, 0, va, gf, r), 0);
    T_EQ(t, hc_mmu_one(0, va, 0, r, MMUOP_protect), 0);
    T_EQ(t, hc_mmu_one(0, va, 0, 0, MMUOP_unmap), 0);
    T_EQ(t, hc_mmu_one(0, va, 0, 0, MMUOP_unmap), -HESTIA_ENOENT);
    /* as_create returns the handle in registers, writes it in memory. */
    long h = hc_mmu_one(0, 0, 0, 0, MMUOP_as_create);
    T_CHECK(t, h >= 1 && h <= MMU_MAX_USER_AS, "as_create gave %ld", h);
    if (h >= 1)
        T_EQ(t, mmu_in_memory(MMUOP_as_destroy, (uint64_t)h, 0, 0, 0), 0);
    struct mmu_op cr = {MMUOP_as_create, 0, 0, 0, 0};
    T_EQ(t, hc_mmu(&cr, 1, NULL), 0);
    T_CHECK(t, cr.as >= 1 && cr.as <= MMU_MAX_USER_AS, "as_create wrote %llu",
            (unsigned long long)cr.as);
    if (cr.as >= 1)
        T_EQ(t, hc_mmu_one(cr.as, 0, 0, 0, MMUOP_as_destroy), 0);
    /*
     * 64-bit arguments only: MMU_FLUSH_ALL (a 32-bit guest flushes a whole
     * space through mmu_op); cmd and perms are 32-bit fields, wider values
     * are refused, not cut.
     */
    if (sizeof(unsigned long) == 8) {
        T_EQ(t, HC(HYPERCALL_mmu_one, 0, MMU_FLUSH_ALL, 0, 0, MMUOP_flush), 0);
        uint64_t hi = 1ull << 32;
        T_EQ(t, HC(HYPERCALL_mmu_one, 0, va, gf, r, hi | MMUOP_map), -HESTIA_ENOSYS);
        T_EQ(t, HC(HYPERCALL_mmu_one, 0, va, gf, hi | r, MMUOP_map), -HESTIA_EINVAL);
        T_EQ(t, arch_probe_read(va, &w), -1);
    }
    frame_free(gf);
}

static void t_mmu_batch(struct tctx *t)
{
    enum { N = 40 };
    long g = frames_alloc(N);
    T_CHECK(t, g >= 0, "no frames");
    if (g < 0)
        return;
    uintptr_t va = kva_alloc(N);
    struct mmu_batch b = {0};
    for (unsigned i = 0; i < N; i++) {
        *(volatile uint64_t *)gfn_to_va((uint64_t)g + i) = i * 3 + 1;
        mmu_add(&b, MMUOP_map, 0, va + i * HESTIA_PAGE_SIZE, (uint64_t)g + i,
                MMU_PERM_READ | MMU_PERM_WRITE);
    }
    T_EQ(t, mmu_flush(&b, NULL), 0);
    for (unsigned i = 0; i < N; i++)
        T_EQ(t, *(volatile uint64_t *)(va + i * HESTIA_PAGE_SIZE), i * 3 + 1);
    for (unsigned i = 0; i < N; i++)
        mmu_add(&b, MMUOP_unmap, 0, va + i * HESTIA_PAGE_SIZE, 0, 0);
    T_EQ(t, mmu_flush(&b, NULL), 0);
    uint64_t v;
    T_EQ(t, arch_probe_read(va + 5 * HESTIA_PAGE_SIZE, &v), -1);
    /*
     * A batch whose op array runs into an unmapped page (kva_alloc's
     * guard): the hypervisor copies a batch in chunks (core/pvmmu.c
     * run_batch), and the op before the hole must still run and count.
     */
    uintptr_t pva = kva_alloc(1);
    long pg = frame_alloc();
    T_CHECK(t, pg >= 0, "no frame");
    if (pg >= 0 && mmu_map(0, pva, (uint64_t)pg, MMU_PERM_READ | MMU_PERM_WRITE) == 0) {
        struct mmu_op *tail = (struct mmu_op *)(pva + HESTIA_PAGE_SIZE) - 1;
        *tail =
            (struct mmu_op){MMUOP_map, MMU_PERM_READ | MMU_PERM_WRITE, 0, va, (uint64_t)g};
        uint64_t done = 99;
        T_EQ(t, hc_mmu(tail, 3, &done), -HESTIA_EFAULT);
        T_EQ(t, done, 1);
        uint64_t w = 0; /* frame g's first word, if the map ran */
        T_EQ(t, arch_probe_read(va, &w), 0);
        T_EQ(t, w, 1);
        if (w == 1)
            T_EQ(t, mmu_unmap(0, va), 0);
        T_EQ(t, mmu_unmap(0, pva), 0);
    }
    if (pg >= 0)
        frame_free((uint64_t)pg);
    frames_free((uint64_t)g, N);
}

static void t_page_fault(struct tctx *t)
{
    unsigned before = trap_last.count;
    uint64_t v;
    uintptr_t hole = kva_alloc(1);
    T_EQ(t, arch_probe_read(hole + 0x10, &v), -1);
    T_EQ(t, trap_last.count, before + 1);
    T_EQ(t, trap_last.kind, HESTIA_TRAP_PAGE_FAULT);
    T_EQ(t, trap_last.fault_addr, hole + 0x10);
    T_EQ(t, trap_last.flags & TRAP_FLAG_FROM_USER, 0);
    /* The hypervisor's own memory is not readable. */
    T_EQ(t, arch_probe_read(BAD_PTR_HV, &v), -1);
    T_EQ(t, arch_probe_write(BAD_PTR_HV, 1), -1);
    T_EQ(t, trap_last.count, before + 3);
    /* A jump to nowhere faults on the fetch. */
    T_EQ(t, arch_probe_call(hole), -1);
    T_EQ(t, trap_last.kind, HESTIA_TRAP_PAGE_FAULT);
}

static void t_invalid_op(struct tctx *t)
{
    unsigned before = trap_last.count;
    T_EQ(t, arch_probe_invalid_op(), -1);
    T_EQ(t, trap_last.count, before + 1);
    T_EQ(t, trap_last.kind, HESTIA_TRAP_INVALID_OP);
}

/* The default for arches whose probes all raise PRIV_OP (a port's definition wins). */
__attribute__((weak)) unsigned arch_priv_probe_kind(unsigned i)
{
    (void)i;
    return HESTIA_TRAP_PRIV_OP;
}

static void t_priv_kernel(struct tctx *t)
{
    for (unsigned i = 0; i < arch_nr_priv_probes(); i++) {
        unsigned before = trap_last.count, want = arch_priv_probe_kind(i);
        long r = arch_priv_probe(i);
        if (r != -1 || trap_last.count != before + 1)
            t_fail(t, "%s did not trap", arch_priv_probe_name(i));
        else if (trap_last.kind != want &&
                 !(want == HESTIA_TRAP_PRIV_OP && trap_last.kind == HESTIA_TRAP_PROTECTION))
            t_fail(t, "%s: trap kind %u, want %u", arch_priv_probe_name(i), trap_last.kind,
                   want);
    }
}

/*
 * An arch whose guest kernel has an interrupt-enable bit of its own (ppc's
 * MSR[EE], ports/ppc/ee_test.c) checks that the bit is the event mask; the
 * default: nothing to check.
 */
__attribute__((weak)) void arch_virtual_ee_test(struct tctx *t)
{
    t->skipped = 1;
    ksnprintf(t->detail, sizeof(t->detail), "no virtual interrupt-enable bit on this arch");
}

/* A context rewritten to gain privilege is sanitized by trap_return. */
static void t_trap_return_sanitized(struct tctx *t)
{
    trap_probe_hook = arch_trap_tamper;
    T_EQ(t, arch_probe_invalid_op(), -1);
    T_CHECK(t, trap_probe_hook == NULL, "hook not run");
    trap_probe_hook = NULL;
    for (unsigned i = 0; i < arch_nr_priv_probes(); i++) {
        unsigned before = trap_last.count;
        if (arch_priv_probe(i) != -1 || trap_last.count != before + 1)
            t_fail(t, "%s ran after a tampered trap_return", arch_priv_probe_name(i));
    }
}

/* trap_return to a wild pc: refused, or the fetch faults back to us. */
static uint64_t wild_pc;
static void wild_hook(struct hestia_trap_record *r)
{
    arch_trap_wild_pc(r, wild_pc);
}

void trap_return_wild_check(struct tctx *t);
void trap_return_wild_check(struct tctx *t)
{
    const uint64_t pcs[] = {arch_wild[0], arch_wild[1], arch_wild[2], arch_wild[4], 0x10};
    unsigned nref = 0, nfault = 0;
    for (unsigned i = 0; i < ARRAY_SIZE(pcs); i++) {
        unsigned long refused = trap_return_refused;
        unsigned count = trap_last.count;
        wild_pc = pcs[i];
        trap_probe_hook = wild_hook;
        long r = arch_probe_invalid_op();
        trap_probe_hook = NULL;
        bool faulted = trap_last.count == count + 2 && trap_last.pc == pcs[i];
        if (r != -1 || (trap_return_refused == refused && !faulted))
            t_fail(t, "pc %llx: r %ld refused %lu faults %u", (unsigned long long)pcs[i], r,
                   trap_return_refused - refused, trap_last.count - count);
        nref += trap_return_refused != refused;
        nfault += faulted;
    }
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail), "%u refused, %u faulted back", nref,
                  nfault);
}

static void t_trap_return_wild(struct tctx *t)
{
    trap_return_wild_check(t);
}

static void t_memory_op(struct tctx *t)
{
    struct memop_info mi;
    T_EQ(t, hc_memory(MEMOP_get_info, &mi), 0);
    T_EQ(t, mi.nr_pages, start_info->nr_pages);
    T_CHECK(t, mi.max_pages >= mi.nr_pages, "max %llu < nr %llu",
            (unsigned long long)mi.max_pages, (unsigned long long)mi.nr_pages);
    T_EQ(t, hc_memory(MEMOP_get_info, (void *)BAD_PTR_HV), -HESTIA_EFAULT);
    T_EQ(t, hc_memory(42, &mi), -HESTIA_ENOSYS);
    /* Give one free frame back and take it again. */
    long g = frame_alloc();
    if (g >= 0) {
        struct memop_range r = {.gfn = (uint64_t)g, .count = 1};
        /* Still mapped in our window: the frame is referenced. */
        T_EQ(t, hc_memory(MEMOP_release, &r), -HESTIA_EBUSY);
        T_EQ(t, mmu_unmap(0, (uintptr_t)gfn_to_va((uint64_t)g)), 0);
        r.done = 0;
        T_EQ(t, hc_memory(MEMOP_release, &r), 0);
        T_EQ(t, r.done, 1);
        uintptr_t va = kva_alloc(1);
        T_CHECK(t, mmu_map(0, va, (uint64_t)g, MMU_PERM_READ) < 0, "mapped a released gfn");
        r.done = 0;
        T_EQ(t, hc_memory(MEMOP_populate, &r), 0);
        T_EQ(t, r.done, 1);
        T_EQ(t,
             mmu_map(0, (uintptr_t)gfn_to_va((uint64_t)g), (uint64_t)g,
                     MMU_PERM_READ | MMU_PERM_WRITE | MMU_PERM_EXEC),
             0);
        *(volatile uint64_t *)gfn_to_va((uint64_t)g) = 1;
        r.count = MEMOP_MAX_COUNT + 1;
        T_CHECK(t, hc_memory(MEMOP_release, &r) < 0, "oversized release");
        r.gfn = ~0ull;
        r.count = 1;
        T_CHECK(t, hc_memory(MEMOP_release, &r) < 0, "release of gfn ~0");
        frame_free((uint64_t)g);
    }
}

static void t_domctl_access(struct tctx *t)
{
    struct hestia_domctl d = {.cmd = DOMCTL_getinfo,
                              .interface_version = HESTIA_ABI_VERSION,
                              .domid = start_info->domid};
    long r = hc_domctl(&d);
    if (start_info->flags & SIF_PRIVILEGED) {
        T_EQ(t, r, 0);
        T_EQ(t, d.u.info.domid, start_info->domid);
        T_CHECK(t, d.u.info.flags & DOMINFO_privileged, "dom0 not privileged");
        d.interface_version = 0x7fff0000;
        T_CHECK(t, hc_domctl(&d) < 0, "wrong interface version accepted");
    } else {
        T_EQ(t, r, -HESTIA_EPERM);
        d.cmd = DOMCTL_create;
        d.u.create.nr_pages = 16;
        T_EQ(t, hc_domctl(&d), -HESTIA_EPERM);
    }
    T_EQ(t, hc_domctl((struct hestia_domctl *)BAD_PTR_HV),
         (start_info->flags & SIF_PRIVILEGED) ? -HESTIA_EFAULT : -HESTIA_EPERM);
}

static void t_callbacks(struct tctx *t)
{
    T_EQ(t, HC(HYPERCALL_set_callbacks, BAD_PTR_HV, 0, 0, 0, 0), -HESTIA_EFAULT);
    struct hestia_callbacks cb = {.event_entry = BAD_PTR_HV,
                                  .exception_entry = (uintptr_t)arch_exception_entry,
                                  .syscall_entry = (uintptr_t)arch_syscall_entry};
    T_CHECK(t, HC(HYPERCALL_set_callbacks, &cb, 0, 0, 0, 0) < 0,
            "entry in the hypervisor accepted");
    /* The old callbacks still work. */
    T_EQ(t, arch_probe_invalid_op(), -1);
    T_CHECK(t, hc_vcpu(VCPUOP_set_kernel_stack, 0, BAD_PTR_HV) < 0,
            "kernel stack in the hypervisor accepted");
}

/* ---- threads ---- */
static volatile int pp_turn, pp_rounds;
static void pp_thread(void *arg)
{
    int me = (int)(uintptr_t)arg;
    while (pp_rounds < 1000) {
        if (pp_turn == me) {
            pp_turn = !me;
            pp_rounds++;
        }
        thread_yield();
    }
}

static volatile uint64_t spin_count;
static volatile int spin_stop;
static void spinner(void *arg)
{
    (void)arg;
    while (!spin_stop)
        spin_count++;
}

static void t_threads(struct tctx *t)
{
    pp_turn = 0;
    pp_rounds = 0;
    struct thread *a = thread_create("pp0", pp_thread, (void *)0);
    struct thread *b = thread_create("pp1", pp_thread, (void *)1);
    T_CHECK(t, a && b, "thread_create");
    if (!a || !b)
        return;
    thread_join(a);
    thread_join(b);
    T_CHECK(t, pp_rounds >= 1000, "rounds %d", pp_rounds);
    /* Preemption: a spinning thread does not keep a sleeper from running. */
    spin_stop = 0;
    spin_count = 0;
    struct thread *s = thread_create("spin", spinner, NULL);
    T_CHECK(t, s != NULL, "spinner");
    if (!s)
        return;
    uint64_t start = time_now_ns();
    thread_sleep_ns(30000000);
    uint64_t late = time_now_ns() - start - 30000000;
    spin_stop = 1;
    thread_join(s);
    T_CHECK(t, spin_count > 0, "spinner never ran");
    T_CHECK(t, late < t_bound(15000000, 100000000), "sleeper starved: %llu ns late%s",
            (unsigned long long)late, TIME_MODE);
}

static void t_start_info(struct tctx *t)
{
    const struct hestia_start_info *si = start_info;
    T_EQ(t, si->magic, HESTIA_START_MAGIC);
    T_EQ(t, si->abi_version >> 16, HESTIA_ABI_MAJOR);
    T_CHECK(t, si->nr_pages > 0 && si->first_free_gfn <= si->nr_pages,
            "pages %llu free %llu", (unsigned long long)si->nr_pages,
            (unsigned long long)si->first_free_gfn);
    T_CHECK(t,
            (uintptr_t)__image_start >= si->virt_base &&
                (uintptr_t)__image_end <= si->virt_base + si->nr_pages * HESTIA_PAGE_SIZE,
            "image outside the window");
    T_CHECK(t,
            si->shared_info_va != 0 && (si->shared_info_va & (HESTIA_PAGE_SIZE - 1)) == 0,
            "shared info va %llx", (unsigned long long)si->shared_info_va);
    T_CHECK(t, this_vcpu()->evtchn_upcall_mask == 0, "events masked in a thread");
}

/* Groups the tests of this file and selftest2.c, in order. */
static const struct {
    const char *name;
    test_fn fn;
} tests[] = {
    {"start-info", t_start_info},
    {"hc-version", t_version},
    {"hc-unknown", t_unknown_hypercall},
    {"console", t_console},
    {"time", t_time},
    {"timer-ops", t_timer_ops},
    {"sleep-accuracy", t_sleep_accuracy},
    {"timer-raw", t_timer_raw},
    {"timer-running", t_timer_running},
    {"sched-ops", t_sched_ops},
    {"evtchn-ipi", t_evtchn_ipi},
    {"evtchn-loopback", t_evtchn_loopback},
    {"evtchn-errors", t_evtchn_errors},
    {"evtchn-before-handler", t_evtchn_before_handler},
    {"mmu-map-protect", t_mmu_map},
    {"mmu-exec", t_mmu_exec},
    {"mmu-errors", t_mmu_errors},
    {"mmu-batch", t_mmu_batch},
    {"mmu-one", t_mmu_one},
    {"frames-all", t_frames_all},
    {"page-fault", t_page_fault},
    {"invalid-op", t_invalid_op},
    {"priv-kernel", t_priv_kernel},
    {"virtual-ee", arch_virtual_ee_test},
    {"trap-return-sanitized", t_trap_return_sanitized},
    {"trap-return-wild", t_trap_return_wild},
    {"memory-op", t_memory_op},
    {"domctl-access", t_domctl_access},
    {"callbacks", t_callbacks},
    {"threads", t_threads},
};

void selftest2_run(void);

void selftest_main(void)
{
    printk("pv-selftest: dom%u, %llu pages\n", start_info->domid,
           (unsigned long long)start_info->nr_pages);
    char name[48];
    for (unsigned i = 0; i < ARRAY_SIZE(tests); i++) {
        ksnprintf(name, sizeof(name), "pv.%s", tests[i].name);
        test_run(name, tests[i].fn);
    }
    selftest2_run();
}
