/* SPDX-License-Identifier: MIT */
/* pv-selftest, part 2: domain control, grant tables (granting to ourselves), user tasks. */
#include <port/kernel.h>

#define BAD_PTR_HV WILD_HV

long selftest2_bogus_entry(long arg);

static void t_grant_setup(struct tctx *t)
{
    T_EQ(t, gnttab_init(1), 0);
    struct gnttab_query_size q = {0};
    T_EQ(t, hc_grant(GNTTABOP_query_size, &q, 1), 0);
    T_EQ(t, q.status, 0);
    T_EQ(t, q.nr_frames, 1);
    T_EQ(t, q.max_nr_frames, GRANT_MAX_TABLE_FRAMES);
    uint64_t gfns[GRANT_MAX_TABLE_FRAMES + 1] = {0};
    struct gnttab_setup_table st = {.frames = (uintptr_t)gfns,
                                    .nr_frames = GRANT_MAX_TABLE_FRAMES + 1};
    long r = hc_grant(GNTTABOP_setup_table, &st, 1);
    T_CHECK(t, r < 0 || st.status < 0, "setup_table with too many frames");
    st.nr_frames = 1;
    st.frames = BAD_PTR_HV;
    r = hc_grant(GNTTABOP_setup_table, &st, 1);
    T_CHECK(t, r < 0 || st.status < 0, "setup_table with a bad frame list");
    T_EQ(t, hc_grant(GNTTABOP_query_size, (void *)BAD_PTR_HV, 1), -HESTIA_EFAULT);
    T_EQ(t, hc_grant(77, &q, 1), -HESTIA_ENOSYS);
    T_CHECK(t, hc_grant(GNTTABOP_map_grant_ref, &q, GNTTAB_MAX_BATCH + 1) < 0,
            "huge batch");
}

static void t_grant_map(struct tctx *t)
{
    hestia_domid_t me = start_info->domid;
    long g = frame_alloc();
    if (g < 0 || gnttab_init(1) < 0) {
        t_fail(t, "setup");
        return;
    }
    volatile uint64_t *direct = gfn_to_va((uint64_t)g);
    direct[0] = 0xfeedf00dull;
    long ref = gnttab_grant(me, (uint64_t)g, false);
    long roref = gnttab_grant(me, (uint64_t)g, true);
    T_CHECK(t, ref > 0 && roref > 0, "grant %ld %ld", ref, roref);
    if (ref <= 0 || roref <= 0)
        return;
    uintptr_t va = kva_alloc(1);
    grant_handle_t h;
    /*
     * Our own frames are mapped with mmu_op: mapping our own grant is
     * refused whatever the entry says (the real mappings are tested between
     * two domains in multi-domain and isolation).
     */
    T_EQ(t, gnttab_map(DOMID_SELF, (grant_ref_t)ref, va, 0, false, &h), -HESTIA_EINVAL);
    T_EQ(t, gnttab_map(me, (grant_ref_t)roref, va, 0, true, &h), -HESTIA_EINVAL);
    uint64_t v;
    T_EQ(t, arch_probe_read(va, &v), -1);
    /* Ended grants, bad refs and bad handles. */
    T_EQ(t, gnttab_end((grant_ref_t)ref), 0);
    T_EQ(t, gnttab_end((grant_ref_t)roref), 0);
    T_CHECK(t, gnttab_map(me, (grant_ref_t)ref, va, 0, false, &h) < 0,
            "ended grant mapped");
    T_CHECK(t, gnttab_map(me, 0xfffff, va, 0, false, &h) < 0, "ref beyond the table");
    T_CHECK(t, gnttab_map(999, 1, va, 0, false, &h) < 0, "grant of a missing domain");
    T_CHECK(t, gnttab_unmap(va, 0, 4000) < 0, "bad handle unmapped");
    struct gnttab_map_grant_ref m = {.host_va = va, .ref = 1, .dom = me};
    T_EQ(t, hc_grant(GNTTABOP_map_grant_ref, (void *)BAD_PTR_HV, 1), -HESTIA_EFAULT);
    /*
     * Our own entry is refused before it is read, whoever it names (the
     * self-map check).  A grant given to another domain and mapped by a
     * third is refused by the entry's domid check: iso.grants (the hostile
     * maps the victim's grant to dom0: -EPERM; dom0 maps it: works).
     */
    long other = gnttab_grant((hestia_domid_t)(me + 1), (uint64_t)g, false);
    if (other > 0) {
        m.ref = (grant_ref_t)other;
        long mr = hc_grant(GNTTABOP_map_grant_ref, &m, 1);
        T_CHECK(t, mr == 0 && m.status == -HESTIA_EINVAL, "own grant to dom%u: %ld/%d",
                me + 1, mr, m.status);
        gnttab_end((grant_ref_t)other);
    }
    frame_free((uint64_t)g);
}

static void t_grant_copy(struct tctx *t)
{
    hestia_domid_t me = start_info->domid;
    long src = frame_alloc(), dst = frame_alloc();
    if (src < 0 || dst < 0 || gnttab_init(1) < 0) {
        t_fail(t, "setup");
        return;
    }
    char *s = gfn_to_va((uint64_t)src), *d = gfn_to_va((uint64_t)dst);
    for (int i = 0; i < 256; i++)
        s[i] = (char)(i * 7);
    /* Frame to frame inside our own memory. */
    struct gnttab_copy c = {0};
    c.source.u = (uint64_t)src;
    c.source.domid = DOMID_SELF;
    c.source.offset = 16;
    c.dest.u = (uint64_t)dst;
    c.dest.domid = DOMID_SELF;
    c.dest.offset = 32;
    c.len = 100;
    T_EQ(t, gnttab_copy_op(&c), 0);
    bool same = true;
    for (int i = 0; i < 100; i++)
        same &= d[32 + i] == s[16 + i];
    T_CHECK(t, same, "copied bytes differ");
    /* Across a page end; from a gfn beyond our memory; a grant of our own. */
    c.len = 200;
    c.dest.offset = 4000;
    T_CHECK(t, gnttab_copy_op(&c) < 0, "copy across the page end");
    c.dest.offset = 0;
    c.len = 8;
    c.source.u = start_info->nr_pages + 5;
    T_CHECK(t, gnttab_copy_op(&c) < 0, "copy from a gfn beyond memory");
    long ref = gnttab_grant(me, (uint64_t)src, true);
    c.source.u = (uint64_t)ref;
    c.flags = GNTCOPY_source_gref;
    T_CHECK(t, gnttab_copy_op(&c) < 0, "copy through our own grant");
    /* Another domain's frame without a grant. */
    c.flags = 0;
    c.source.u = 1;
    c.source.domid = (hestia_domid_t)(me ? 0 : 1);
    T_CHECK(t, gnttab_copy_op(&c) < 0, "copy from a foreign frame without a grant");
    c.flags = 0x80;
    T_CHECK(t, gnttab_copy_op(&c) < 0, "unknown copy flags");
    gnttab_end((grant_ref_t)ref);
    frame_free((uint64_t)src);
    frame_free((uint64_t)dst);
}

static void t_grant_exhaust(struct tctx *t)
{
    if (gnttab_init(1) < 0) {
        t_fail(t, "setup");
        return;
    }
    long g = frame_alloc();
    unsigned n = 0;
    long refs[GRANT_ENTRIES_PER_PAGE];
    long r;
    while ((r = gnttab_grant(start_info->domid, (uint64_t)g, true)) > 0 &&
           n < GRANT_ENTRIES_PER_PAGE)
        refs[n++] = r;
    T_EQ(t, r, -HESTIA_ENOSPC);
    T_CHECK(t, n + 8 >= gnttab_capacity() - 1, "only %u entries", n);
    for (unsigned i = 0; i < n; i++)
        gnttab_end((grant_ref_t)refs[i]);
    frame_free((uint64_t)g);
}

static void t_user_hello(struct tctx *t)
{
    struct user_result res;
    long r = user_run(user_hello, 20, &res);
    T_EQ(t, r, 0);
    T_CHECK(t, !res.faulted, "faulted: kind %u addr %llx", res.fault_kind,
            (unsigned long long)res.fault_addr);
    T_EQ(t, res.exit_code, 41);
    T_CHECK(t, res.syscalls >= 6, "%u syscalls", res.syscalls);
}

/* The user's stack pointer comes back from every system call, whatever the depth. */
static void t_user_depths(struct tctx *t)
{
    struct user_result res;
    T_EQ(t, user_run(user_depths, 12, &res), 0);
    T_CHECK(t, !res.faulted, "faulted: kind %u addr %llx", res.fault_kind,
            (unsigned long long)res.fault_addr);
    T_EQ(t, res.exit_code, 13);
    T_CHECK(t, res.syscalls >= 26, "%u syscalls", res.syscalls);
}

static void t_user_faults(struct tctx *t)
{
    struct user_result res;
    /* The guest kernel's memory is invisible to user mode. */
    T_EQ(t, user_run(user_fault, (long)(uintptr_t)__image_start, &res), 0);
    T_CHECK(t, res.faulted && res.fault_kind == HESTIA_TRAP_PAGE_FAULT,
            "kernel write from user: faulted=%d kind %u", res.faulted, res.fault_kind);
    T_EQ(t, res.fault_addr, (uintptr_t)__image_start);
    T_EQ(t, user_run(user_fault, (long)BAD_PTR_HV, &res), 0);
    T_CHECK(t, res.faulted, "hypervisor write from user");
    /* The user code is mapped read-only. */
    T_EQ(t, user_run(user_fault, (long)USER_BASE, &res), 0);
    T_CHECK(t, res.faulted && res.fault_kind == HESTIA_TRAP_PAGE_FAULT,
            "write to user text");
    for (long i = 0; i < 4; i++) {
        T_EQ(t, user_run(user_priv, i, &res), 0);
        T_CHECK(t,
                res.faulted && (res.fault_kind == HESTIA_TRAP_PROTECTION ||
                                res.fault_kind == HESTIA_TRAP_PRIV_OP),
                "user privileged op %ld: faulted=%d kind %u", i, res.faulted,
                res.fault_kind);
    }
    T_EQ(t, user_run(user_badcall, (long)WILD_HV, &res), 0);
    T_EQ(t, res.exit_code, 7);
    T_CHECK(t, user_run(selftest2_bogus_entry, 0, &res) < 0, "kernel function run as user");
}

/*
 * User mode with no user space: nothing is mapped, so the first fetch
 * faults back to the kernel, or the hypervisor refuses the context up front
 * (ia64 reads the user frame from the unmapped backing store: -EINVAL).
 * Either way nothing else happens (x86_64 once loaded CR3 0 and died).
 */
static void t_user_no_space(struct tctx *t)
{
    struct user_result res;
    long r = user_run_nospace(USER_BASE, &res);
    T_CHECK(t, r == 0 || r == -HESTIA_EINVAL, "enter_user %ld", r);
    if (r == 0)
        T_CHECK(t, res.faulted && res.fault_kind == HESTIA_TRAP_PAGE_FAULT,
                "faulted=%d kind %u addr %llx", res.faulted, res.fault_kind,
                (unsigned long long)res.fault_addr);
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail), "%s",
                  r == 0 ? "user page fault" : "refused: -EINVAL");
}

static void user_thread(void *arg)
{
    struct user_result *res = arg;
    user_run(user_spin, 3000000, res);
}

/* Two threads each running a user task, preempted and switched. */
static void t_user_threads(struct tctx *t)
{
    static struct user_result r1, r2;
    struct thread *a = thread_create("user-a", user_thread, &r1);
    struct thread *b = thread_create("user-b", user_thread, &r2);
    T_CHECK(t, a && b, "threads");
    if (!a || !b)
        return;
    thread_join(a);
    thread_join(b);
    T_CHECK(t, !r1.faulted && !r2.faulted && r1.exit_code == 0 && r2.exit_code == 0,
            "results %ld/%d %ld/%d", r1.exit_code, r1.faulted, r2.exit_code, r2.faulted);
}

struct priv_job {
    long value;
    uint64_t gfn;
    struct user_result res;
    long r;
};

static void priv_thread(void *arg)
{
    struct priv_job *j = arg;
    j->r = user_run_private(user_private, j->value, j->gfn, &j->res);
}

/* Two user spaces map different frames at one address; switching keeps them apart. */
static void t_user_spaces(struct tctx *t)
{
    static struct priv_job jobs[2];
    struct thread *th[2];
    for (int i = 0; i < 2; i++) {
        long g = frame_alloc();
        if (g < 0) {
            t_fail(t, "no frame");
            return;
        }
        jobs[i].value = 1000 + i;
        jobs[i].gfn = (uint64_t)g;
        *(volatile long *)gfn_to_va((uint64_t)g) = jobs[i].value;
        th[i] = thread_create("user-priv", priv_thread, &jobs[i]);
    }
    for (int i = 0; i < 2; i++) {
        if (th[i])
            thread_join(th[i]);
        T_CHECK(t, jobs[i].r == 0 && !jobs[i].res.faulted && jobs[i].res.exit_code == 0,
                "task %d: r %ld faulted %d exit %ld", i, jobs[i].r, jobs[i].res.faulted,
                jobs[i].res.exit_code);
        T_CHECK(t, jobs[i].res.syscalls >= 50, "task %d made %u syscalls", i,
                jobs[i].res.syscalls);
        frame_free(jobs[i].gfn);
    }
}

/*
 * One user space after another, the same address in each backed by a
 * different frame (both held, so the second space cannot get the first's
 * frame back): a translation the first space left in a TLB, matched by the
 * second (an address-space tag handed out again without a flush), shows
 * the first frame's value.
 */
static void t_user_space_after_space(struct tctx *t)
{
    long g[2] = {frame_alloc(), frame_alloc()};
    if (g[0] < 0 || g[1] < 0) {
        t_fail(t, "no frame");
        goto out;
    }
    for (int round = 0; round < 4; round++) {
        int i = round % 2;
        long value = 3000 + round;
        *(volatile long *)gfn_to_va((uint64_t)g[i]) = value;
        struct user_result res;
        long r = user_run_private(user_private, value, (uint64_t)g[i], &res);
        T_CHECK(t, r == 0 && !res.faulted && res.exit_code == 0,
                "space %d: r %ld faulted %d exit %ld (-1: it saw another space's frame)",
                round, r, res.faulted, res.exit_code);
    }
out:
    for (int i = 0; i < 2; i++)
        if (g[i] >= 0)
            frame_free((uint64_t)g[i]);
}

static void t_user_as_limit(struct tctx *t)
{
    uint64_t as[MMU_MAX_USER_AS + 1];
    unsigned n = 0;
    long r = 0;
    while (n <= MMU_MAX_USER_AS && (r = mmu_as_create(&as[n])) == 0)
        n++;
    T_CHECK(t, r < 0 && n <= MMU_MAX_USER_AS, "created %u spaces", n);
    for (unsigned i = 0; i < n; i++)
        T_EQ(t, mmu_as_destroy(as[i]), 0);
    T_CHECK(t, mmu_as_destroy(as[0]) < 0, "destroyed twice");
    T_CHECK(t, mmu_as_switch(0xdead) < 0, "switch to a bad space");
}

long selftest2_bogus_entry(long arg)
{
    return arg;
}

/* dom0 only: every domctl on a scratch domain, with its error paths. */
static void t_domctl_ops(struct tctx *t)
{
    if (!(start_info->flags & SIF_PRIVILEGED)) {
        t->skipped = 1;
        kstrlcpy(t->detail, "not dom0", sizeof(t->detail));
        return;
    }
    struct hestia_domctl d = {.cmd = DOMCTL_create,
                              .interface_version = HESTIA_ABI_VERSION};
    d.u.create.nr_pages = 0;
    d.u.create.max_vcpus = 1;
    T_EQ(t, hc_domctl(&d), -HESTIA_EINVAL);
    d.u.create.nr_pages = DOMCTL_MAX_PAGES + 1;
    T_EQ(t, hc_domctl(&d), -HESTIA_EINVAL);
    d.u.create.nr_pages = 64;
    d.u.create.max_vcpus = HESTIA_MAX_VCPUS + 1;
    T_EQ(t, hc_domctl(&d), -HESTIA_EINVAL);
    d.u.create.max_vcpus = 1;
    d.u.create.flags = DOMCTL_CREATE_PRIVILEGED;
    T_EQ(t, hc_domctl(&d), -HESTIA_EPERM);
    d.u.create.flags = 0;
    d.u.create.weight = DOMCTL_WEIGHT_MAX + 1;
    T_EQ(t, hc_domctl(&d), -HESTIA_EINVAL);
    d.u.create.weight = 0;
    T_EQ(t, hc_domctl(&d), 0);
    hestia_domid_t dom = d.domid;
    T_CHECK(t, dom != start_info->domid && dom < HESTIA_MAX_DOMAINS, "new domid %u", dom);
    struct hestia_domctl q = {
        .cmd = DOMCTL_getinfo, .interface_version = HESTIA_ABI_VERSION, .domid = dom};
    T_EQ(t, hc_domctl(&q), 0);
    T_EQ(t, q.domid, dom);
    T_EQ(t, q.u.info.state, DOMSTATE_paused);
    T_EQ(t, q.u.info.nr_pages, 64);
    T_EQ(t, q.u.info.cpu_time_ns, 0);
    /* write_memory: in range, beyond the end, too large, bad source. */
    static const char data[] = "hello, new domain";
    struct hestia_domctl w = {
        .cmd = DOMCTL_write_memory, .interface_version = HESTIA_ABI_VERSION, .domid = dom};
    w.u.write_memory.buf = (uintptr_t)data;
    w.u.write_memory.gfn = 3;
    w.u.write_memory.offset = 4090; /* crosses into gfn 4 */
    w.u.write_memory.len = sizeof(data);
    T_EQ(t, hc_domctl(&w), 0);
    w.u.write_memory.gfn = 64;
    T_CHECK(t, hc_domctl(&w) < 0, "write beyond the memory");
    w.u.write_memory.gfn = 63;
    w.u.write_memory.offset = 4090;
    T_CHECK(t, hc_domctl(&w) < 0, "write across the end of the memory");
    w.u.write_memory.gfn = ~0ull;
    w.u.write_memory.offset = 0;
    T_CHECK(t, hc_domctl(&w) < 0, "write at gfn ~0");
    w.u.write_memory.gfn = 0;
    w.u.write_memory.offset = 0;
    w.u.write_memory.len = DOMCTL_WRITE_MAX + 1;
    T_EQ(t, hc_domctl(&w), -HESTIA_E2BIG);
    w.u.write_memory.len = 16;
    w.u.write_memory.buf = BAD_PTR_HV;
    T_EQ(t, hc_domctl(&w), -HESTIA_EFAULT);
    /* start_vcpu: bad vcpu, start info beyond memory, entry outside the window. */
    struct hestia_domctl sv = {
        .cmd = DOMCTL_start_vcpu, .interface_version = HESTIA_ABI_VERSION, .domid = dom};
    sv.u.start_vcpu.vcpu = 5;
    sv.u.start_vcpu.entry_va = virt_base + 0x100000;
    sv.u.start_vcpu.stack_va = virt_base + 0x2000;
    T_CHECK(t, hc_domctl(&sv) < 0, "start of vcpu 5");
    sv.u.start_vcpu.vcpu = 0;
    sv.u.start_vcpu.start_info_gfn = 64;
    T_CHECK(t, hc_domctl(&sv) < 0, "start info beyond memory");
    sv.u.start_vcpu.start_info_gfn = 1;
    sv.u.start_vcpu.entry_va = BAD_PTR_HV & ~(uint64_t)0xfff;
    T_CHECK(t, hc_domctl(&sv) < 0, "entry in the hypervisor");
    /* Scheduler parameters. */
    struct hestia_domctl sc = {
        .cmd = DOMCTL_sched_set, .interface_version = HESTIA_ABI_VERSION, .domid = dom};
    sc.u.sched.weight = 0;
    T_EQ(t, hc_domctl(&sc), -HESTIA_EINVAL);
    sc.u.sched.weight = 700;
    sc.u.sched.cap = 30;
    T_EQ(t, hc_domctl(&sc), 0);
    sc.cmd = DOMCTL_sched_get;
    sc.u.sched.weight = sc.u.sched.cap = 0;
    T_EQ(t, hc_domctl(&sc), 0);
    T_CHECK(t, sc.u.sched.weight == 700 && sc.u.sched.cap == 30, "sched_get %u/%u",
            sc.u.sched.weight, sc.u.sched.cap);
    /* Pause/unpause state machine, then destroy. */
    struct hestia_domctl pc = {
        .cmd = DOMCTL_pause, .interface_version = HESTIA_ABI_VERSION, .domid = dom};
    T_EQ(t, hc_domctl(&pc), -HESTIA_EALREADY);
    pc.cmd = DOMCTL_unpause;
    T_EQ(t, hc_domctl(&pc), 0);
    T_EQ(t, hc_domctl(&pc), -HESTIA_EALREADY);
    pc.cmd = DOMCTL_pause;
    T_EQ(t, hc_domctl(&pc), 0);
    pc.domid = start_info->domid;
    T_EQ(t, hc_domctl(&pc), -HESTIA_EINVAL);
    pc.cmd = DOMCTL_destroy;
    T_EQ(t, hc_domctl(&pc), -HESTIA_EINVAL);
    pc.domid = dom;
    T_EQ(t, hc_domctl(&pc), 0);
    q.domid = dom;
    long r = hc_domctl(&q);
    T_CHECK(t, r < 0 || q.domid != dom, "destroyed domain still listed");
    pc.domid = 999;
    T_EQ(t, hc_domctl(&pc), -HESTIA_ESRCH);
    pc.cmd = 99;
    pc.domid = DOMID_SELF;
    T_EQ(t, hc_domctl(&pc), -HESTIA_ENOSYS);
}

/* Domains that exist (getinfo returns the next one from an id on). */
static unsigned count_domains(void)
{
    unsigned n = 0;
    struct hestia_domctl q = {.cmd = DOMCTL_getinfo,
                              .interface_version = HESTIA_ABI_VERSION};
    for (unsigned id = 0; id < HESTIA_MAX_DOMAINS; id = q.domid + 1u) {
        q.domid = (hestia_domid_t)id;
        if (hc_domctl(&q) < 0)
            break;
        n++;
    }
    return n;
}

/*
 * dom0 only: domctl with wild pointers from a caller that passes the
 * privilege check, so each pointer is really read or written: the request
 * itself, write_memory's source buffer, and a request in a read-only page
 * (read fine, the result cannot be written back; a create that cannot
 * report its domain id must not leave the domain behind).
 */
static void t_domctl_wild(struct tctx *t)
{
    if (!(start_info->flags & SIF_PRIVILEGED)) {
        t->skipped = 1;
        kstrlcpy(t->detail, "not dom0 (a domU is refused before any pointer is read)",
                 sizeof(t->detail));
        return;
    }
    const uint64_t wild[] = {arch_wild[0],
                             arch_wild[1],
                             arch_wild[2],
                             arch_wild[3],
                             arch_wild[4],
                             arch_wild[5],
                             0,
                             8,
                             0x3ff000};
    struct hestia_domctl c = {.cmd = DOMCTL_create,
                              .interface_version = HESTIA_ABI_VERSION};
    c.u.create.nr_pages = 64;
    c.u.create.max_vcpus = 1;
    long r = hc_domctl(&c);
    T_EQ(t, r, 0);
    if (r < 0)
        return;
    hestia_domid_t dom = c.domid;
    struct hestia_domctl w = {
        .cmd = DOMCTL_write_memory, .interface_version = HESTIA_ABI_VERSION, .domid = dom};
    w.u.write_memory.len = 16;
    for (unsigned i = 0; i < ARRAY_SIZE(wild); i++) {
        uintptr_t p = (uintptr_t)wild[i];
        if (p != wild[i])
            continue; /* does not fit a pointer of ours */
        T_EQ(t, hc_domctl((struct hestia_domctl *)p), -HESTIA_EFAULT);
        w.u.write_memory.buf = wild[i];
        T_EQ(t, hc_domctl(&w), -HESTIA_EFAULT);
    }
    /* Requests in a page we may read but not write. */
    long g = frame_alloc();
    uintptr_t va = kva_alloc(1);
    if (g < 0 || mmu_map(0, va, (uint64_t)g, MMU_PERM_READ) < 0) {
        t_fail(t, "no read-only page");
    } else {
        struct hestia_domctl *ro = gfn_to_va((uint64_t)g);
        unsigned before = count_domains();
        *ro = c;
        ro->domid = 0;
        T_EQ(t, hc_domctl((struct hestia_domctl *)va), -HESTIA_EFAULT);
        T_EQ(t, count_domains(), before);
        *ro = (struct hestia_domctl){
            .cmd = DOMCTL_getinfo, .interface_version = HESTIA_ABI_VERSION, .domid = dom};
        T_EQ(t, hc_domctl((struct hestia_domctl *)va), -HESTIA_EFAULT);
        ro->cmd = DOMCTL_sched_get;
        T_EQ(t, hc_domctl((struct hestia_domctl *)va), -HESTIA_EFAULT);
        ro->cmd = DOMCTL_pause; /* nothing to write back: works from a read-only page */
        T_EQ(t, hc_domctl((struct hestia_domctl *)va), -HESTIA_EALREADY);
        mmu_unmap(0, va);
    }
    if (g >= 0)
        frame_free((uint64_t)g);
    struct hestia_domctl d = {
        .cmd = DOMCTL_destroy, .interface_version = HESTIA_ABI_VERSION, .domid = dom};
    T_EQ(t, hc_domctl(&d), 0);
}

/*
 * VCPUOP_up on a one-vCPU domain: every error the ABI lists (trap.h), and
 * nothing started.  The smp scenario starts real vCPUs.
 */
static void t_vcpu_up(struct tctx *t)
{
    T_EQ(t, start_info->nr_vcpus, 1);
    struct vcpu_up_args up = {.entry = (uintptr_t)arch_secondary_entry,
                              .stack = (uintptr_t)gfn_to_va(start_info->first_free_gfn),
                              .arg = 0};
    T_EQ(t, hc_vcpu(VCPUOP_up, 0, (uintptr_t)&up), -HESTIA_EALREADY);
    T_EQ(t, hc_vcpu(VCPUOP_up, 1, (uintptr_t)&up), -HESTIA_ESRCH);
    T_EQ(t, hc_vcpu(VCPUOP_up, HESTIA_MAX_VCPUS, (uintptr_t)&up), -HESTIA_ESRCH);
    T_EQ(t, hc_vcpu(VCPUOP_up, 0, WILD_HV), -HESTIA_EFAULT);
    T_EQ(t, hc_vcpu(VCPUOP_up, 0, WILD_NC), -HESTIA_EFAULT);
    struct vcpu_up_args bad = up;
    bad.entry = 0;
    T_EQ(t, hc_vcpu(VCPUOP_up, 0, (uintptr_t)&bad), -HESTIA_EINVAL);
    /* [0] lies in the hypervisor, [1] is no guest address at all (port/arch.h). */
    for (unsigned i = 0; i < 2; i++) {
        bad = up;
        bad.entry = arch_wild[i];
        T_EQ(t, hc_vcpu(VCPUOP_up, 0, (uintptr_t)&bad), -HESTIA_EINVAL);
        bad = up;
        bad.stack = arch_wild[i];
        T_EQ(t, hc_vcpu(VCPUOP_up, 0, (uintptr_t)&bad), -HESTIA_EINVAL);
    }
    T_EQ(t, cpus_online, 1);
}

void selftest_net_run(void);
void selftest_dev_run(void);

void selftest2_run(void)
{
    test_run("pv.domctl-ops", t_domctl_ops);
    test_run("pv.domctl-wild", t_domctl_wild);
    test_run("pv.grant-setup", t_grant_setup);
    test_run("pv.grant-map", t_grant_map);
    test_run("pv.grant-copy", t_grant_copy);
    test_run("pv.grant-exhaust", t_grant_exhaust);
    test_run("pv.user-hello", t_user_hello);
    test_run("pv.user-depths", t_user_depths);
    test_run("pv.user-faults", t_user_faults);
    test_run("pv.user-no-space", t_user_no_space);
    test_run("pv.user-threads", t_user_threads);
    test_run("pv.user-spaces", t_user_spaces);
    test_run("pv.user-space-after-space", t_user_space_after_space);
    test_run("pv.user-as-limit", t_user_as_limit);
    test_run("pv.vcpu-up", t_vcpu_up);
    selftest_net_run();
    selftest_dev_run();
}
