/* SPDX-License-Identifier: MIT */
/* pv-selftest, part 2: grant tables (granting to ourselves) and user tasks. */
#include <port/kernel.h>

#define BAD_PTR_HV WILD_HV

long selftest2_bogus_entry(long arg);

static void t_grant_setup(struct tctx *t)
{
    T_EQ(t, gnttab_init(1), 0);
    struct gnttab_query_size q = { 0 };
    T_EQ(t, hc_grant(GNTTABOP_query_size, &q, 1), 0);
    T_EQ(t, q.status, 0);
    T_EQ(t, q.nr_frames, 1);
    T_EQ(t, q.max_nr_frames, GRANT_MAX_TABLE_FRAMES);
    uint64_t gfns[GRANT_MAX_TABLE_FRAMES + 1] = { 0 };
    struct gnttab_setup_table st = { .frames = (uintptr_t)gfns,
                                     .nr_frames = GRANT_MAX_TABLE_FRAMES + 1 };
    long r = hc_grant(GNTTABOP_setup_table, &st, 1);
    T_CHECK(t, r < 0 || st.status < 0, "setup_table with too many frames");
    st.nr_frames = 1;
    st.frames = BAD_PTR_HV;
    r = hc_grant(GNTTABOP_setup_table, &st, 1);
    T_CHECK(t, r < 0 || st.status < 0, "setup_table with a bad frame list");
    T_EQ(t, hc_grant(GNTTABOP_query_size, (void *)BAD_PTR_HV, 1), -HESTIA_EFAULT);
    T_EQ(t, hc_grant(77, &q, 1), -HESTIA_ENOSYS);
    T_CHECK(t, hc_grant(GNTTABOP_map_grant_ref, &q, GNTTAB_MAX_BATCH + 1) < 0, "huge batch");
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
    T_CHECK(t, gnttab_map(me, (grant_ref_t)ref, va, 0, false, &h) < 0, "ended grant mapped");
    T_CHECK(t, gnttab_map(me, 0xfffff, va, 0, false, &h) < 0, "ref beyond the table");
    T_CHECK(t, gnttab_map(999, 1, va, 0, false, &h) < 0, "grant of a missing domain");
    T_CHECK(t, gnttab_unmap(va, 0, 4000) < 0, "bad handle unmapped");
    struct gnttab_map_grant_ref m = { .host_va = va, .ref = 1, .dom = me };
    T_EQ(t, hc_grant(GNTTABOP_map_grant_ref, (void *)BAD_PTR_HV, 1), -HESTIA_EFAULT);
    /* A grant to another domain is not ours to map. */
    long other = gnttab_grant((hestia_domid_t)(me + 1), (uint64_t)g, false);
    if (other > 0) {
        m.ref = (grant_ref_t)other;
        long mr = hc_grant(GNTTABOP_map_grant_ref, &m, 1);
        T_CHECK(t, mr < 0 || m.status < 0, "mapped a grant given to dom%u", me + 1);
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
    struct gnttab_copy c = { 0 };
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
    T_CHECK(t, res.faulted && res.fault_kind == HESTIA_TRAP_PAGE_FAULT, "write to user text");
    for (long i = 0; i < 4; i++) {
        T_EQ(t, user_run(user_priv, i, &res), 0);
        T_CHECK(t, res.faulted && (res.fault_kind == HESTIA_TRAP_PROTECTION ||
                                   res.fault_kind == HESTIA_TRAP_PRIV_OP),
                "user privileged op %ld: faulted=%d kind %u", i, res.faulted, res.fault_kind);
    }
    T_EQ(t, user_run(user_badcall, (long)WILD_HV, &res), 0);
    T_EQ(t, res.exit_code, 7);
    T_CHECK(t, user_run(selftest2_bogus_entry, 0, &res) < 0, "kernel function run as user");
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

void selftest2_run(void)
{
    test_run("pv.grant-setup", t_grant_setup);
    test_run("pv.grant-map", t_grant_map);
    test_run("pv.grant-copy", t_grant_copy);
    test_run("pv.grant-exhaust", t_grant_exhaust);
    test_run("pv.user-hello", t_user_hello);
    test_run("pv.user-faults", t_user_faults);
    test_run("pv.user-threads", t_user_threads);
    test_run("pv.user-spaces", t_user_spaces);
    test_run("pv.user-as-limit", t_user_as_limit);
}
