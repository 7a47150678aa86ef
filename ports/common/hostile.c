/* SPDX-License-Identifier: MIT */
/*
 * The hostile domU of the isolation scenario.  Every attack must fail with
 * an error code or a fault delivered to us; each is one TEST line, and the
 * scenario expects every one of them by name (a hostile domain that dies
 * early fails the cell).  Where a refusal could come from an earlier,
 * unrelated check, dom0 sets the stage so that the check the attack names
 * is the one reached, and the attack wants that check's exact error:
 * console input is queued for us before we start (reads reach the copy to
 * our buffer), the victim has a port offered to dom0 and one offered to us
 * (the consent check), and a grant of the victim's given to dom0.  At the
 * end the domain crashes itself and dom0 checks that only it went away.
 */
#include <port/kernel.h>
#include <port/pci.h>

/* arch_wild[] (hypervisor, non-canonical) plus unmapped low addresses. */
#define NR_WILD (ARCH_NR_WILD + 3)
static uint64_t wild[NR_WILD];

static void wild_init(void)
{
    for (unsigned i = 0; i < ARCH_NR_WILD; i++)
        wild[i] = arch_wild[i];
    wild[ARCH_NR_WILD] = 0;
    wild[ARCH_NR_WILD + 1] = 8;
    wild[ARCH_NR_WILD + 2] = 0x3ff000;
}

static hestia_domid_t victim;
/* Ports of the victim's set up by dom0: offered to dom0, and offered to us. */
static evtchn_port_t port_for_dom0, port_for_us;
void trap_return_wild_check(struct tctx *t);

static void a_map_hypervisor(struct tctx *t)
{
    long g = frame_alloc();
    for (unsigned i = 0; i < ARRAY_SIZE(wild); i++) {
        uintptr_t va = (uintptr_t)wild[i] & ~(uintptr_t)0xfff;
        T_CHECK(t, mmu_map(0, va, (uint64_t)g, MMU_PERM_READ | MMU_PERM_WRITE) < 0,
                "mapped at %llx", (unsigned long long)va);
        uint64_t v;
        if (va >= 0x1000)
            T_CHECK(t, arch_probe_read(va, &v) < 0, "read %llx", (unsigned long long)va);
        T_CHECK(t, arch_probe_write((uintptr_t)wild[i], 0xbad) < 0, "wrote %llx",
                (unsigned long long)wild[i]);
    }
    /* The shared-info page cannot be made executable elsewhere or unmapped into a hole. */
    T_CHECK(t, arch_probe_call(WILD_HV) < 0, "jumped into the hypervisor");
    frame_free((uint64_t)g);
}

static void a_foreign_frames(struct tctx *t)
{
    uintptr_t va = kva_alloc(1);
    uint64_t n = start_info->nr_pages;
    static const uint64_t gfns[] = {0, 1, 100, 1000, 100000, 1u << 20, ~0ull};
    for (unsigned i = 0; i < ARRAY_SIZE(gfns); i++) {
        uint64_t g = n + gfns[i];
        if (g < n)
            continue;
        T_CHECK(t, mmu_map(0, va, g, MMU_PERM_READ) < 0, "mapped gfn %llu",
                (unsigned long long)g);
    }
    /* Another domain's frames through copy and domctl. */
    struct gnttab_copy c = {0};
    c.source.u = 1;
    c.source.domid = victim;
    c.dest.u = (uint64_t)frame_alloc();
    c.dest.domid = DOMID_SELF;
    c.len = 8;
    T_CHECK(t, gnttab_copy_op(&c) < 0, "copied from the victim without a grant");
    c.source.domid = 0;
    T_CHECK(t, gnttab_copy_op(&c) < 0, "copied from dom0 without a grant");
    struct hestia_domctl d = {.cmd = DOMCTL_write_memory,
                              .interface_version = HESTIA_ABI_VERSION,
                              .domid = victim};
    d.u.write_memory.buf = (uintptr_t)&c;
    d.u.write_memory.len = 8;
    T_EQ(t, hc_domctl(&d), -HESTIA_EPERM);
    d.cmd = DOMCTL_destroy;
    T_EQ(t, hc_domctl(&d), -HESTIA_EPERM);
    /* Save / restore: reading the victim's frames (docs/migration.md). */
    uint64_t victim_gfn = 0;
    d.cmd = DOMCTL_read_memory;
    d.u.read_memory.gfns = (uintptr_t)&victim_gfn;
    d.u.read_memory.buf = c.dest.u;
    d.u.read_memory.nr = 1;
    d.u.read_memory.pad = 0;
    T_EQ(t, hc_domctl(&d), -HESTIA_EPERM);
    d.cmd = DOMCTL_get_mappings;
    d.u.get_mappings.buf = c.dest.u;
    d.u.get_mappings.start_va = 0;
    d.u.get_mappings.space = 0;
    d.u.get_mappings.max = 1;
    T_EQ(t, hc_domctl(&d), -HESTIA_EPERM);
    /* Log-dirty (live migration): none of its ops, on the victim or on itself. */
    d.cmd = DOMCTL_log_dirty;
    d.u.log_dirty.op = DOMCTL_LOG_DIRTY_ENABLE;
    d.u.log_dirty.pad = 0;
    T_EQ(t, hc_domctl(&d), -HESTIA_EPERM);
    d.u.log_dirty.op = DOMCTL_LOG_DIRTY_PEEK_CLEAN;
    d.u.log_dirty.bitmap = c.dest.u;
    d.u.log_dirty.nr_gfns = 8;
    T_EQ(t, hc_domctl(&d), -HESTIA_EPERM);
    d.u.log_dirty.op = DOMCTL_LOG_DIRTY_DISABLE;
    T_EQ(t, hc_domctl(&d), -HESTIA_EPERM);
    d.domid = DOMID_SELF;
    d.u.log_dirty.op = DOMCTL_LOG_DIRTY_ENABLE;
    /* Restore: the victim's hypervisor-side state, and loading one. */
    d.cmd = DOMCTL_get_domain_state;
    d.u.domain_state.buf = c.dest.u;
    d.u.domain_state.size = HESTIA_PAGE_SIZE;
    d.u.domain_state.pad = 0;
    T_EQ(t, hc_domctl(&d), -HESTIA_EPERM);
    d.cmd = DOMCTL_set_domain_state;
    T_EQ(t, hc_domctl(&d), -HESTIA_EPERM);
    d.cmd = DOMCTL_set_mappings;
    d.u.set_mappings.buf = c.dest.u;
    d.u.set_mappings.space = 0;
    d.u.set_mappings.nr = 1;
    T_EQ(t, hc_domctl(&d), -HESTIA_EPERM);
    d.cmd = DOMCTL_create;
    d.u.create.nr_pages = 1;
    d.u.create.max_vcpus = 1;
    d.u.create.weight = 0;
    d.u.create.cap = 0;
    d.u.create.flags = DOMCTL_CREATE_RESTORE;
    T_EQ(t, hc_domctl(&d), -HESTIA_EPERM);
    d.domid = victim;
    d.cmd = DOMCTL_pause;
    d.domid = 0;
    T_EQ(t, hc_domctl(&d), -HESTIA_EPERM);
    char buf[16];
    T_EQ(t, hc_console(CONSOLEIO_read_ring, sizeof(buf), buf, victim), -HESTIA_EPERM);
    T_EQ(t, hc_console(CONSOLEIO_write_input, 4, "ls\r\n", 0), -HESTIA_EPERM);
    struct memop_range r = {.gfn = n, .count = 1000};
    T_CHECK(t, hc_memory(MEMOP_populate, &r) < 0 || r.done == 0, "grew beyond max_pages");
}

static void a_grants(struct tctx *t)
{
    uintptr_t va = kva_alloc(1);
    grant_handle_t h;
    /*
     * ref 2 is valid and given to dom0 (dom0 maps it after we are gone,
     * iso.dom0-maps-victim-grant): only the entry's domid check refuses
     * us, with -EPERM.  999 is beyond the victim's one-frame table.
     */
    T_EQ(t, gnttab_map(victim, 2, va, 0, true, &h), -HESTIA_EPERM);
    T_EQ(t, gnttab_map(victim, 999, va, 0, true, &h), -HESTIA_EINVAL);
    T_CHECK(t, gnttab_map(victim, 0xffffffffu, va, 0, true, &h) < 0, "ref ~0");
    T_CHECK(t, gnttab_map(0, 1, va, 0, true, &h) < 0, "mapped a dom0 grant");
    /* ref 1 is ours, read-only: writable is refused, read-only maps, writes fault. */
    T_EQ(t, gnttab_map(victim, 1, va, 0, false, &h), -HESTIA_EACCES);
    long r = gnttab_map(victim, 1, va, 0, true, &h);
    T_EQ(t, r, 0);
    if (r == 0) {
        uint64_t v = 0;
        T_EQ(t, arch_probe_read(va, &v), 0);
        T_EQ(t, v, 0x5a5a000000000000ull);
        T_EQ(t, arch_probe_write(va, 0xdead), -1);
        T_EQ(t, trap_last.kind, HESTIA_TRAP_PAGE_FAULT);
        /* Through mmu_op the grant cannot be upgraded or remapped. */
        T_CHECK(t, mmu_protect(0, va, MMU_PERM_READ | MMU_PERM_WRITE) < 0,
                "made a read-only grant writable");
        T_CHECK(t, mmu_unmap(0, va) < 0, "unmapped a grant with mmu_op");
        T_EQ(t, gnttab_unmap(va, 0, h), 0);
    }
    /* Into a hypervisor address, into a wild address space, over our own memory. */
    T_CHECK(t, gnttab_map(victim, 1, WILD_HV & ~(uintptr_t)0xfff, 0, true, &h) < 0,
            "grant at hyp va");
    T_CHECK(t, gnttab_map(victim, 1, va, 77, true, &h) < 0, "grant in a bad space");
    T_CHECK(t, gnttab_map(victim, 1, (uintptr_t)__image_start, 0, true, &h) < 0,
            "grant over our own image");
    T_CHECK(t, gnttab_unmap(va, 0, 12345) < 0, "unmapped a bad handle");
    /* Copy into the victim's read-only grant. */
    struct gnttab_copy c = {0};
    c.source.u = (uint64_t)frame_alloc();
    c.source.domid = DOMID_SELF;
    c.dest.u = 1;
    c.dest.domid = victim;
    c.flags = GNTCOPY_dest_gref;
    c.len = 8;
    T_CHECK(t, gnttab_copy_op(&c) < 0, "copied into a read-only grant");
}

static void a_priv(struct tctx *t)
{
    for (unsigned i = 0; i < arch_nr_priv_probes(); i++) {
        unsigned before = trap_last.count;
        if (arch_priv_probe(i) != -1 || trap_last.count != before + 1)
            t_fail(t, "%s ran", arch_priv_probe_name(i));
    }
    /* A trap record rewritten to gain privilege (IOPL, ring-0 selectors). */
    trap_probe_hook = arch_trap_tamper;
    T_EQ(t, arch_probe_invalid_op(), -1);
    trap_probe_hook = NULL;
    for (unsigned i = 0; i < arch_nr_priv_probes(); i++) {
        unsigned before = trap_last.count;
        if (arch_priv_probe(i) != -1 || trap_last.count != before + 1)
            t_fail(t, "%s ran after a tampered trap_return", arch_priv_probe_name(i));
    }
    struct user_result res;
    for (long i = 0; i < 4; i++) {
        user_run(user_priv, i, &res);
        T_CHECK(t, res.faulted, "user privileged op %ld ran", i);
        /* Entering user mode with a context that asks for privilege. */
        user_enter_hook = arch_trap_tamper;
        long r = user_run(user_priv, i, &res);
        user_enter_hook = NULL;
        T_CHECK(t, r < 0 || res.faulted, "user privileged op %ld ran with a tampered entry",
                i);
    }
}

/* Every hypercall with wild pointers and out-of-range values. */
static void a_wild_hypercalls(struct tctx *t)
{
    unsigned calls = 0;
    for (unsigned w = 0; w < ARRAY_SIZE(wild); w++) {
        unsigned long p = (unsigned long)wild[w];
        T_CHECK(t, hc_version(VERSION_extra, (void *)p) < 0, "version %lx", p);
        T_CHECK(t, hc_console(CONSOLEIO_write, 8, (void *)p, DOMID_SELF) < 0, "console %lx",
                p);
        T_CHECK(t, hc_sched(SCHEDOP_poll, p) < 0, "poll %lx", p);
        for (unsigned c = 0; c <= EVTCHNOP_unmask; c++)
            T_CHECK(t, hc_evtchn(c, (void *)p) < 0, "evtchn %u %lx", c, p);
        for (unsigned c = 0; c <= GNTTABOP_query_size; c++)
            T_CHECK(t, hc_grant(c, (void *)p, 1) < 0, "grant %u %lx", c, p);
        T_CHECK(t, hc_mmu((struct mmu_op *)p, 1, NULL) < 0, "mmu %lx", p);
        /* Refused before the pointer is read (dom0's pv.domctl-wild reaches the read). */
        T_EQ(t, hc_domctl((struct hestia_domctl *)p), -HESTIA_EPERM);
        T_CHECK(t, HC(HYPERCALL_set_callbacks, p, 0, 0, 0, 0) < 0, "callbacks %lx", p);
        T_CHECK(t, hc_vcpu(VCPUOP_get_runtime, 0, p) < 0, "runtime %lx", p);
        T_CHECK(t, hc_vcpu(VCPUOP_enter_user, 0, p) < 0, "enter_user %lx", p);
        for (unsigned c = 0; c <= MEMOP_populate; c++)
            T_CHECK(t, hc_memory(c, (void *)p) < 0, "memory %u %lx", c, p);
        calls += 12 + EVTCHNOP_unmask + GNTTABOP_query_size + MEMOP_populate;
    }
    /* Out-of-range numbers, commands, counts. */
    static const unsigned long big[] = {12, 255, 0x10000, 0xffffffffu, ~0ul};
    for (unsigned i = 0; i < ARRAY_SIZE(big); i++) {
        unsigned long b = big[i];
        if (b >= HYPERCALL_COUNT)
            T_EQ(t, HC(b, 0, 0, 0, 0, 0), -HESTIA_ENOSYS);
        T_CHECK(t, HC(HYPERCALL_version, b, 0, 0, 0, 0) < 0, "version cmd %lx", b);
        T_CHECK(t, HC(HYPERCALL_console_io, b, 1, "x", DOMID_SELF, 0) < 0,
                "console cmd %lx", b);
        T_CHECK(t, HC(HYPERCALL_sched_op, b, 0, 0, 0, 0) < 0, "sched cmd %lx", b);
        T_CHECK(t, HC(HYPERCALL_sched_op, SCHEDOP_shutdown, b, 0, 0, 0) < 0, "reason %lx",
                b);
        T_CHECK(t, HC(HYPERCALL_event_channel_op, b, 0, 0, 0, 0) < 0, "evtchn cmd %lx", b);
        T_CHECK(t,
                HC(HYPERCALL_grant_table_op, GNTTABOP_query_size, 0, b > 64 ? b : b + 65, 0,
                   0) < 0,
                "grant count %lx", b);
        T_CHECK(
            t,
            HC(HYPERCALL_mmu_op, 0, b > MMU_MAX_BATCH ? b : b + MMU_MAX_BATCH, 0, 0, 0) < 0,
            "mmu count %lx", b);
        T_CHECK(t, HC(HYPERCALL_vcpu_op, b, 0, 0, 0, 0) < 0, "vcpu cmd %lx", b);
        T_CHECK(t, HC(HYPERCALL_vcpu_op, VCPUOP_get_runtime, b, 0, 0, 0) < 0, "vcpu %lx",
                b);
        T_CHECK(t, HC(HYPERCALL_memory_op, b, 0, 0, 0, 0) < 0, "memory cmd %lx", b);
        /*
         * set_timer(lo, hi): any hi of 32 bits is a legal (far) deadline, a
         * wider one is refused.  A 32-bit guest cannot pass a wider one;
         * a 64-bit guest passes ~0ul.
         */
        long tr = HC(HYPERCALL_set_timer, b + 1, b, 0, 0, 0);
        if ((uint64_t)b >> 16 >> 16 !=
            0) /* never on a 32-bit guest (halved shifts: no warning) */
            T_EQ(t, tr, -HESTIA_EINVAL);
        else
            T_EQ(t, tr, 0);
        calls += 12;
    }
    HC(HYPERCALL_set_timer, 0, 0, 0, 0, 0);
    if (!t->failed) /* else the detail names the first failure */
        ksnprintf(t->detail, sizeof(t->detail), "%u calls", calls);
}

/*
 * Console reads into wild buffers.  dom0 queued ISO_HOSTILE_INPUT for us before
 * we started, so each read has bytes to copy and reaches the copy to our
 * buffer: -EFAULT, and nothing is consumed (a good read gets all of it).
 */
static void a_console_read(struct tctx *t)
{
    for (unsigned w = 0; w < ARRAY_SIZE(wild); w++) {
        long r = hc_console(CONSOLEIO_read, 8, (void *)(uintptr_t)wild[w], DOMID_SELF);
        if (r != -HESTIA_EFAULT)
            t_fail(t, "read into %llx: %ld, want %d", (unsigned long long)wild[w], r,
                   -HESTIA_EFAULT);
    }
    char buf[32] = "";
    long n = hc_console(CONSOLEIO_read, sizeof(buf), buf, DOMID_SELF);
    long want = (long)sizeof(ISO_HOSTILE_INPUT) - 1;
    T_CHECK(t, n == want && kstrneq(buf, ISO_HOSTILE_INPUT, (size_t)want),
            "queued input came back as %ld bytes", n);
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail), "%u wild buffers: -EFAULT, %ld bytes kept",
                  (unsigned)ARRAY_SIZE(wild), n);
}

/* Hypercalls with the stack pointer aimed at the hypervisor or nowhere. */
static void a_wild_stack(struct tctx *t)
{
    unsigned long f = irq_save();
    for (unsigned i = 0; i < ARRAY_SIZE(wild); i++) {
        long r = arch_hypercall_wild_stack(wild[i]);
        if (r != HESTIA_ABI_VERSION)
            t_fail(t, "rsp %llx: %ld", (unsigned long long)wild[i], r);
    }
    irq_restore(f);
}

static void a_evtchn(struct tctx *t)
{
    /*
     * The consent check: port_for_dom0 is unbound, offered to dom0, so
     * only "offered to someone else" stops us (-EPERM); port_for_us, the
     * same kind of port offered to us, binds (the control).
     */
    if (!port_for_dom0 || !port_for_us) {
        t_fail(t, "dom0 gave no ports (unoffered=%u offered=%u)", port_for_dom0,
               port_for_us);
        return;
    }
    struct evtchn_bind_interdomain b = {.remote_dom = victim, .remote_port = port_for_dom0};
    T_EQ(t, hc_evtchn(EVTCHNOP_bind_interdomain, &b), -HESTIA_EPERM);
    struct evtchn_status st = {.dom = DOMID_SELF};
    b.remote_port = port_for_us;
    long r = hc_evtchn(EVTCHNOP_bind_interdomain, &b);
    T_EQ(t, r, 0);
    if (r == 0) {
        st.port = b.local_port;
        T_EQ(t, hc_evtchn(EVTCHNOP_status, &st), 0);
        T_CHECK(t,
                st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == victim &&
                    st.u.interdomain.port == port_for_us,
                "control bind: status %u dom %u port %u", st.status, st.u.interdomain.dom,
                st.u.interdomain.port);
        evtchn_close(b.local_port);
    }
    /* Every other port of the victim's and dom0's: bound already, or never offered. */
    for (evtchn_port_t p = 1; p < 64; p++) {
        b.remote_dom = victim;
        b.remote_port = p;
        T_CHECK(t, p == port_for_us || hc_evtchn(EVTCHNOP_bind_interdomain, &b) < 0,
                "bound victim port %u", p);
        b.remote_dom = 0;
        T_CHECK(t, hc_evtchn(EVTCHNOP_bind_interdomain, &b) < 0, "bound dom0 port %u", p);
    }
    struct evtchn_alloc_unbound a = {.dom = victim, .remote_dom = start_info->domid};
    T_CHECK(t, hc_evtchn(EVTCHNOP_alloc_unbound, &a) < 0, "allocated in the victim");
    st.dom = victim;
    st.port = 1;
    T_EQ(t, hc_evtchn(EVTCHNOP_status, &st), -HESTIA_EPERM);
    for (evtchn_port_t p = 100; p < 110; p++)
        T_CHECK(t, evtchn_send(p) < 0, "sent on unused port %u", p);
}

static void a_exhaust(struct tctx *t)
{
    unsigned n = 0;
    long r;
    static uint16_t ports[EVTCHN_MAX_PORTS];
    while ((r = evtchn_alloc_unbound(0, NULL, NULL)) > 0 && n < EVTCHN_MAX_PORTS)
        ports[n++] = (uint16_t)r;
    T_CHECK(t, r == -HESTIA_ENOSPC, "event channels: %ld after %u", r, n);
    for (unsigned i = 0; i < n; i++)
        evtchn_close(ports[i]);
    /* Grant entries: all 4 table frames, every entry. */
    long g = frame_alloc();
    unsigned grants = 0;
    if (gnttab_init(GRANT_MAX_TABLE_FRAMES) == 0) {
        while ((r = gnttab_grant(0, (uint64_t)g, true)) > 0)
            grants++;
        T_CHECK(t, r == -HESTIA_ENOSPC && grants + 1 >= gnttab_capacity() - 1,
                "grants: %ld after %u", r, grants);
    } else {
        t_fail(t, "grant table setup");
    }
    /* Mapping handles: map the victim's read-only page until refused. */
    unsigned maps = 0;
    uintptr_t base = kva_alloc(300);
    static grant_handle_t hs[300];
    while (maps < 300 &&
           gnttab_map(victim, 1, base + maps * HESTIA_PAGE_SIZE, 0, true, &hs[maps]) == 0)
        maps++;
    T_CHECK(t, maps < 300, "%u grant mappings accepted", maps);
    for (unsigned i = 0; i < maps; i++)
        gnttab_unmap(base + i * HESTIA_PAGE_SIZE, 0, hs[i]);
    /* User address spaces. */
    uint64_t as[MMU_MAX_USER_AS + 2];
    unsigned spaces = 0;
    while (spaces < MMU_MAX_USER_AS + 2 && mmu_as_create(&as[spaces]) == 0)
        spaces++;
    T_CHECK(t, spaces <= MMU_MAX_USER_AS, "%u address spaces", spaces);
    for (unsigned i = 0; i < spaces; i++)
        mmu_as_destroy(as[i]);
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail), "%u ports, %u grants, %u maps, %u spaces",
                  n, grants, maps, spaces);
}

/* The default for arches without attacks of their own (a port's definition wins). */
__attribute__((weak)) const struct arch_attack arch_attacks[] = {{NULL, NULL}};

/*
 * The devices dom0 drives: PCI configuration space (turning the host
 * bridge's decoding off would cut every other domain's device), the
 * CMOS, the isa-debug-exit port (which would end the run with a verdict
 * of our choosing), device memory, machine addresses for DMA.  Every one is refused before
 * it reaches a device; dom0 checks afterwards that they still work (iso.dom0-devices).
 */
static void a_devices(struct tctx *t)
{
    uint32_t v = 0x12345678;
    T_EQ(t, pci_cfg_read(0, 0, PCI_REG_ID, 4, &v), -HESTIA_EPERM);
    T_EQ(t, v, 0);
    T_EQ(t, pci_cfg_write(0, 0, PCI_REG_COMMAND, 2, 0), -HESTIA_EPERM);
    T_EQ(t, pci_cfg_write(0, PCI_DEVFN(1, 0), PCI_REG_COMMAND, 2, 0), -HESTIA_EPERM);
    T_EQ(t, port_write(0x70, 1, 0x34), -HESTIA_EPERM);
    T_EQ(t, port_write(0x71, 1, 0), -HESTIA_EPERM);
    T_EQ(t, port_write(0xf4, 4, 0), -HESTIA_EPERM);
    T_EQ(t, port_read(0xcfc, 4, &v), -HESTIA_EPERM);
    /* Device memory (QEMU's VGA registers on the PC) and machine addresses. */
    uint64_t m = 1;
    T_EQ(t, mmio_map(kva_alloc(1), 0xfebf0000u), -HESTIA_EPERM);
    T_EQ(t, dma_translate(0, &m), -HESTIA_EPERM);
    T_EQ(t, m, 0);
    /* Wild argument pointers: the privilege check comes first. */
    T_EQ(t, hc_physdev(PHYSDEVOP_pci_cfg_read, (void *)WILD_HV), -HESTIA_EPERM);
    T_EQ(t, hc_physdev(PHYSDEVOP_port_write, (void *)WILD_HV), -HESTIA_EPERM);
    T_EQ(t, hc_physdev(~0u, (void *)WILD_HV), -HESTIA_EPERM);
    /* Device interrupts: binding any line (dom0's RTC on the PC), routing, EOI, devices. */
    for (unsigned pirq = 0; pirq < 256; pirq += 8)
        T_EQ(t, pirq_bind(pirq, NULL, NULL), -HESTIA_EPERM);
    T_EQ(t, pirq_eoi(8), -HESTIA_EPERM);
    unsigned line = 1;
    T_EQ(t, pci_irq(0, PCI_DEVFN(2, 0), 1, &line), -HESTIA_EPERM);
    T_EQ(t, line, 0);
    struct platform_device pd;
    T_EQ(t, platform_device(0, &pd), -HESTIA_EPERM);
    T_EQ(t, pd.base, 0);
    struct evtchn_bind_pirq b = {.pirq = 8};
    T_EQ(t, hc_evtchn(EVTCHNOP_bind_pirq, &b), -HESTIA_EPERM);
    T_EQ(t, b.port, 0);
    T_EQ(t, hc_evtchn(EVTCHNOP_bind_pirq, (void *)WILD_HV), -HESTIA_EFAULT);
    T_EQ(t, hc_physdev(PHYSDEVOP_pirq_eoi, (void *)WILD_HV), -HESTIA_EPERM);
}

void role_hostile(void)
{
    victim = (hestia_domid_t)kcmdline_u64(port_cmdline, "victim", 1);
    port_for_dom0 = (evtchn_port_t)kcmdline_u64(port_cmdline, "unoffered", 0);
    port_for_us = (evtchn_port_t)kcmdline_u64(port_cmdline, "offered", 0);
    wild_init();
    test_run("iso.map-hypervisor", a_map_hypervisor);
    test_run("iso.foreign-frames", a_foreign_frames);
    test_run("iso.grants", a_grants);
    test_run("iso.console-read-wild", a_console_read);
    test_run("iso.privileged-instructions", a_priv);
    test_run("iso.trap-return-wild", trap_return_wild_check);
    test_run("iso.wild-hypercalls", a_wild_hypercalls);
    test_run("iso.hypercall-wild-stack", a_wild_stack);
    test_run("iso.evtchn-unconsenting", a_evtchn);
    test_run("iso.exhaust", a_exhaust);
    test_run("iso.devices", a_devices);
    for (const struct arch_attack *a = arch_attacks; a->name; a++)
        test_run(a->name, a->fn);
    printk("hostile dom%u: %u passed, %u failed; " ISO_HOSTILE_LAST "\n", start_info->domid,
           test_passed, test_failed);
    hc_sched(SCHEDOP_shutdown, SHUTDOWN_crash);
    panic("still alive after crashing");
}
