/* SPDX-License-Identifier: MIT */
/*
 * The dispatch table: every HYPERCALL_* number reaches its handler through
 * hypercall_dispatch, unknown numbers get -ENOSYS, and the small handlers
 * of hypercall.c (version, set_callbacks, vcpu_op, set_timer) check their
 * arguments and guest pointers.
 */
#include "harness.h"

TEST_SUITE("hypercall");

static struct domain *dom;
static struct vcpu *vc;

static void setup(void)
{
    dom = h_domain(64, false);
    vc = h_vcpu(dom);
}

static long call(unsigned long nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    return h_call(vc, nr, a0, a1, a2, 0, 0);
}

TEST_CASE(unknown_numbers_enosys)
{
    setup();
    CHECK_EQ(call(HYPERCALL_COUNT, 0, 0, 0), -HESTIA_ENOSYS);
    CHECK_EQ(call(HYPERCALL_COUNT + 1, 0, 0, 0), -HESTIA_ENOSYS);
    CHECK_EQ(call(255, 0, 0, 0), -HESTIA_ENOSYS);
    CHECK_EQ(call(~0ul, 0, 0, 0), -HESTIA_ENOSYS);
    CHECK_EQ(call(1ul << 32, 0, 0, 0), -HESTIA_ENOSYS);
}

TEST_CASE(version_abi_and_features)
{
    setup();
    CHECK_EQ(call(HYPERCALL_version, VERSION_abi, 0, 0), HESTIA_ABI_VERSION);
    long f = call(HYPERCALL_version, VERSION_features, 0, 0);
    CHECK(f & HESTIA_FEAT_PV_MMU);
    CHECK(f & HESTIA_FEAT_EVTCHN_2L);
    CHECK(!(f & HESTIA_FEAT_HVM));
    CHECK_EQ(call(HYPERCALL_version, 3, 0, 0), -HESTIA_ENOSYS);
    CHECK_EQ(call(HYPERCALL_version, ~0ull, 0, 0), -HESTIA_ENOSYS);
}

TEST_CASE(version_extra_writes_string)
{
    setup();
    uint64_t buf = h_buf(dom, 64);
    CHECK_EQ(call(HYPERCALL_version, VERSION_extra, buf, 0), 0);
    char s[32];
    h_read(dom, s, buf, sizeof(s));
    CHECK_EQ(s[31], '\0');
    CHECK(strncmp(s, "hestia-", 7) == 0);
}

TEST_CASE(version_extra_wild_pointers_efault)
{
    setup();
    uint64_t ro = h_buf_perms(dom, 64, MMU_PERM_READ);
    CHECK_EQ(call(HYPERCALL_version, VERSION_extra, H_VA_UNMAPPED, 0), -HESTIA_EFAULT);
    CHECK_EQ(call(HYPERCALL_version, VERSION_extra, H_VA_HYP, 0), -HESTIA_EFAULT);
    CHECK_EQ(call(HYPERCALL_version, VERSION_extra, H_VA_NONCANON, 0), -HESTIA_EFAULT);
    CHECK_EQ(call(HYPERCALL_version, VERSION_extra, ro, 0), -HESTIA_EFAULT);
    CHECK_EQ(call(HYPERCALL_version, VERSION_extra, ~0ull - 4, 0), -HESTIA_EFAULT);
    /* Straddling the end of a mapping into the guard page. */
    uint64_t rw = h_buf(dom, 4096);
    CHECK_EQ(call(HYPERCALL_version, VERSION_extra, rw + 4096 - 8, 0), -HESTIA_EFAULT);
}

TEST_CASE(console_io_reaches_handler)
{
    setup();
    uint64_t buf = h_put(dom, "hi\n", 3);
    CHECK_EQ(call(HYPERCALL_console_io, CONSOLEIO_write, 3, buf), 3);
    CHECK_EQ(console_ring_used(dom), 3);
    CHECK_EQ(call(HYPERCALL_console_io, 99, 3, buf), -HESTIA_ENOSYS);
}

TEST_CASE(sched_op_reaches_handler)
{
    setup();
    CHECK_EQ(call(HYPERCALL_sched_op, SCHEDOP_yield, 0, 0), 0);
    CHECK_EQ(call(HYPERCALL_sched_op, 77, 0, 0), -HESTIA_ENOSYS);
    CHECK_EQ(call(HYPERCALL_sched_op, SCHEDOP_shutdown, SHUTDOWN_MAX + 1, 0),
             -HESTIA_EINVAL);
}

TEST_CASE(sched_op_shutdown_visible)
{
    setup();
    call(HYPERCALL_sched_op, SCHEDOP_shutdown, SHUTDOWN_suspend, 0);
    CHECK(dom->is_shutdown);
    CHECK_EQ(dom->shutdown_reason, SHUTDOWN_suspend);
    CHECK(!vcpu_runnable(vc));
}

TEST_CASE(event_channel_op_reaches_handler)
{
    setup();
    struct evtchn_alloc_unbound a = {DOMID_SELF, dom->id, 0};
    uint64_t p = h_put(dom, &a, sizeof(a));
    CHECK_EQ(call(HYPERCALL_event_channel_op, EVTCHNOP_alloc_unbound, p, 0), 0);
    h_read(dom, &a, p, sizeof(a));
    CHECK(a.port > 0);
    CHECK_EQ(call(HYPERCALL_event_channel_op, 99, p, 0), -HESTIA_ENOSYS);
    CHECK_EQ(call(HYPERCALL_event_channel_op, EVTCHNOP_alloc_unbound, H_VA_UNMAPPED, 0),
             -HESTIA_EFAULT);
}

TEST_CASE(grant_table_op_reaches_handler)
{
    setup();
    struct gnttab_query_size q;
    memset(&q, 0xff, sizeof(q));
    uint64_t p = h_put(dom, &q, sizeof(q));
    CHECK_EQ(call(HYPERCALL_grant_table_op, GNTTABOP_query_size, p, 1), 0);
    h_read(dom, &q, p, sizeof(q));
    CHECK_EQ(q.max_nr_frames, GRANT_MAX_TABLE_FRAMES);
    CHECK_EQ(q.status, 0);
    CHECK_EQ(call(HYPERCALL_grant_table_op, 99, p, 1), -HESTIA_ENOSYS);
    CHECK_EQ(call(HYPERCALL_grant_table_op, GNTTABOP_query_size, H_VA_HYP, 1),
             -HESTIA_EFAULT);
}

TEST_CASE(mmu_op_reaches_handler)
{
    setup();
    struct mmu_op op = {MMUOP_map, MMU_PERM_READ | MMU_PERM_WRITE, 0, 0x50000000, 3};
    uint64_t p = h_put(dom, &op, sizeof(op));
    CHECK_EQ(call(HYPERCALL_mmu_op, p, 1, 0), 0);
    mfn_t mfn;
    CHECK_EQ(hal_as_lookup(pvmmu_kernel_space(dom), guest_va(0x50000000), &mfn, NULL), 0);
    CHECK_MFN_EQ(mfn, p2m_lookup(dom, gfn(3)));
    CHECK_EQ(call(HYPERCALL_mmu_op, p, MMU_MAX_BATCH + 1, 0), -HESTIA_E2BIG);
    CHECK_EQ(call(HYPERCALL_mmu_op, H_VA_UNMAPPED, 1, 0), -HESTIA_EFAULT);
}

TEST_CASE(memory_op_reaches_handler)
{
    setup();
    struct memop_info mi;
    uint64_t p = h_buf(dom, sizeof(mi));
    CHECK_EQ(call(HYPERCALL_memory_op, MEMOP_get_info, p, 0), 0);
    h_read(dom, &mi, p, sizeof(mi));
    CHECK_EQ(mi.nr_pages, 64);
    CHECK_EQ(mi.max_pages, 64);
    CHECK_EQ(call(HYPERCALL_memory_op, 42, p, 0), -HESTIA_ENOSYS);
    CHECK_EQ(call(HYPERCALL_memory_op, MEMOP_get_info, H_VA_HYP, 0), -HESTIA_EFAULT);
}

TEST_CASE(domctl_from_domu_eperm)
{
    setup();
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_getinfo, 0);
    uint64_t p = h_put(dom, &op, sizeof(op));
    CHECK_EQ(call(HYPERCALL_domctl, p, 0, 0), -HESTIA_EPERM);
    /* Even a wild pointer gets EPERM first: nothing is read for a domU. */
    CHECK_EQ(call(HYPERCALL_domctl, H_VA_HYP, 0, 0), -HESTIA_EPERM);
}

static uint64_t put_callbacks(uint64_t ev, uint64_t exc, uint64_t sys, uint64_t stack)
{
    struct hestia_callbacks cb = {ev, exc, sys, stack};
    return h_put(dom, &cb, sizeof(cb));
}

TEST_CASE(set_callbacks_stores_entries)
{
    setup();
    uint64_t p = put_callbacks(0x1100, 0x1200, 0x1300, 0x8000);
    CHECK_EQ(call(HYPERCALL_set_callbacks, p, 0, 0), 0);
    CHECK_EQ(vc->callbacks.event_entry, 0x1100);
    CHECK_EQ(vc->callbacks.exception_entry, 0x1200);
    CHECK_EQ(vc->callbacks.syscall_entry, 0x1300);
    CHECK_EQ(vc->kernel_stack, 0x8000);
}

TEST_CASE(set_callbacks_rejects_hypervisor_entries)
{
    setup();
    CHECK_EQ(call(HYPERCALL_set_callbacks, put_callbacks(H_VA_HYP, 0, 0, 0), 0, 0),
             -HESTIA_EINVAL);
    CHECK_EQ(call(HYPERCALL_set_callbacks, put_callbacks(0, H_VA_NONCANON, 0, 0), 0, 0),
             -HESTIA_EINVAL);
    CHECK_EQ(call(HYPERCALL_set_callbacks, put_callbacks(0, 0, 0, ~0ull), 0, 0),
             -HESTIA_EINVAL);
    CHECK_EQ(vc->callbacks.event_entry, 0);
    CHECK_EQ(call(HYPERCALL_set_callbacks, H_VA_UNMAPPED, 0, 0), -HESTIA_EFAULT);
}

TEST_CASE(trap_return_refuses_privileged_context)
{
    setup();
    struct hestia_trap_record *rec = &vc->info->trap;
    memset(rec, 0, sizeof(*rec));
    rec->regs[HOST_REG_PC] = 0x4444;
    rec->regs[HOST_REG_MODE] = HOST_MODE_HYP;
    rec->flags = TRAP_FLAG_BUSY;
    CHECK_EQ(call(HYPERCALL_trap_return, 0, 0, 0), -HESTIA_EINVAL);
    CHECK(core_vcpu_hal(vc)->regs[HOST_REG_PC] != 0x4444);
    CHECK(rec->flags & TRAP_FLAG_BUSY);
    rec->regs[HOST_REG_MODE] = HOST_MODE_KERNEL;
    CHECK_EQ(call(HYPERCALL_trap_return, 0, 0, 0), 0);
    CHECK_EQ(core_vcpu_hal(vc)->regs[HOST_REG_PC], 0x4444);
    CHECK(!(rec->flags & TRAP_FLAG_BUSY));
}

TEST_CASE(set_timer_arms_and_cancels)
{
    setup();
    CHECK_EQ(call(HYPERCALL_set_timer, 5000000, 0, 0), 0);
    CHECK_EQ(vc->timer_deadline_ns, 5000000);
    /* Split form: lo, hi. */
    CHECK_EQ(call(HYPERCALL_set_timer, 0x10, 0x2, 0), 0);
    CHECK_EQ(vc->timer_deadline_ns, 0x200000010ull);
    CHECK_EQ(call(HYPERCALL_set_timer, 0, 0, 0), 0);
    CHECK_EQ(vc->timer_deadline_ns, 0);
    CHECK_EQ(call(HYPERCALL_set_timer, 1, 1ull << 32, 0), -HESTIA_EINVAL);
}

TEST_CASE(vcpu_op_get_runtime)
{
    setup();
    uint64_t p = h_buf(dom, 8);
    vc->runtime_ns = 12345;
    vc->last_start_ns = hal_time_ns();
    CHECK_EQ(call(HYPERCALL_vcpu_op, VCPUOP_get_runtime, 0, p), 0);
    uint64_t ns = 0;
    h_read(dom, &ns, p, 8);
    CHECK_EQ(ns, 12345);
    CHECK_EQ(call(HYPERCALL_vcpu_op, VCPUOP_get_runtime, 0, H_VA_HYP), -HESTIA_EFAULT);
    CHECK_EQ(call(HYPERCALL_vcpu_op, VCPUOP_get_runtime, 1, p), -HESTIA_ESRCH);
    CHECK_EQ(call(HYPERCALL_vcpu_op, VCPUOP_get_runtime, ~0ull, p), -HESTIA_ESRCH);
    CHECK_EQ(call(HYPERCALL_vcpu_op, 99, 0, p), -HESTIA_ENOSYS);
}

TEST_CASE(vcpu_op_set_kernel_stack)
{
    setup();
    CHECK_EQ(call(HYPERCALL_vcpu_op, VCPUOP_set_kernel_stack, 0, 0x9000), 0);
    CHECK_EQ(vc->kernel_stack, 0x9000);
    CHECK_EQ(call(HYPERCALL_vcpu_op, VCPUOP_set_kernel_stack, 0, H_VA_HYP), -HESTIA_EINVAL);
    CHECK_EQ(vc->kernel_stack, 0x9000);
}

TEST_CASE(vcpu_op_enter_user)
{
    setup();
    struct hestia_trap_record rec;
    memset(&rec, 0, sizeof(rec));
    rec.regs[HOST_REG_PC] = 0x10000000;
    rec.regs[HOST_REG_MODE] = HOST_MODE_KERNEL;
    uint64_t p = h_put(dom, &rec, sizeof(rec));
    /* A kernel-mode context is not "user": refused, context unchanged. */
    CHECK_EQ(call(HYPERCALL_vcpu_op, VCPUOP_enter_user, 0, p), -HESTIA_EINVAL);
    CHECK_EQ(core_vcpu_hal(vc)->regs[HOST_REG_PC], 0x1000);
    rec.regs[HOST_REG_MODE] = HOST_MODE_HYP;
    h_write(dom, p, &rec, sizeof(rec));
    CHECK_EQ(call(HYPERCALL_vcpu_op, VCPUOP_enter_user, 0, p), -HESTIA_EINVAL);
    rec.regs[HOST_REG_MODE] = HOST_MODE_USER;
    h_write(dom, p, &rec, sizeof(rec));
    CHECK_EQ(call(HYPERCALL_vcpu_op, VCPUOP_enter_user, 0, p), 0);
    CHECK(hal_vcpu_in_user(core_vcpu_hal(vc)));
    CHECK_EQ(core_vcpu_hal(vc)->regs[HOST_REG_PC], 0x10000000);
    CHECK_EQ(call(HYPERCALL_vcpu_op, VCPUOP_enter_user, 0, H_VA_UNMAPPED), -HESTIA_EFAULT);
}

TEST_CASE(core_hypercall_stores_result)
{
    setup();
    uint64_t args[5] = {VERSION_abi, 0, 0, 0, 0};
    run_set_current(vc);
    core_hypercall(vc, HYPERCALL_version, args);
    CHECK_EQ(core_vcpu_hal(vc)->regs[HOST_REG_RESULT], HESTIA_ABI_VERSION);
    core_hypercall(vc, 1000, args);
    CHECK_EQ((long)core_vcpu_hal(vc)->regs[HOST_REG_RESULT], -HESTIA_ENOSYS);
}

TEST_CASE(core_hypercall_trap_return_keeps_restored_result)
{
    setup();
    struct hestia_trap_record *rec = &vc->info->trap;
    memset(rec, 0, sizeof(*rec));
    rec->regs[HOST_REG_RESULT] = 0xabcdef;
    rec->regs[HOST_REG_MODE] = HOST_MODE_KERNEL;
    uint64_t args[5] = {0};
    run_set_current(vc);
    core_hypercall(vc, HYPERCALL_trap_return, args);
    CHECK_EQ(core_vcpu_hal(vc)->regs[HOST_REG_RESULT], 0xabcdef);
}

TEST_CASE(core_hypercall_enter_user_keeps_new_context_result)
{
    setup();
    struct hestia_trap_record rec;
    memset(&rec, 0, sizeof(rec));
    rec.regs[HOST_REG_PC] = 0x10000000;
    rec.regs[HOST_REG_MODE] = HOST_MODE_USER;
    rec.regs[HOST_REG_RESULT] = 0x5151;
    uint64_t p = h_put(dom, &rec, sizeof(rec));
    uint64_t args[5] = {VCPUOP_enter_user, 0, p, 0, 0};
    run_set_current(vc);
    core_hypercall(vc, HYPERCALL_vcpu_op, args);
    CHECK(hal_vcpu_in_user(core_vcpu_hal(vc)));
    CHECK_EQ(core_vcpu_hal(vc)->regs[HOST_REG_RESULT], 0x5151);
}

TEST_CASE(core_hypercall_failed_replacement_stores_result)
{
    setup();
    struct hestia_trap_record rec;
    memset(&rec, 0, sizeof(rec));
    rec.regs[HOST_REG_MODE] = HOST_MODE_KERNEL; /* not a user context: refused */
    uint64_t p = h_put(dom, &rec, sizeof(rec));
    uint64_t args[5] = {VCPUOP_enter_user, 0, p, 0, 0};
    run_set_current(vc);
    core_hypercall(vc, HYPERCALL_vcpu_op, args);
    CHECK_EQ((long)core_vcpu_hal(vc)->regs[HOST_REG_RESULT], -HESTIA_EINVAL);
    /* A replaced context earlier does not leak into the next call's result. */
    vc->info->trap.regs[HOST_REG_MODE] = HOST_MODE_KERNEL;
    vc->info->trap.regs[HOST_REG_RESULT] = 0x77;
    uint64_t none[5] = {0};
    core_hypercall(vc, HYPERCALL_trap_return, none);
    CHECK_EQ(core_vcpu_hal(vc)->regs[HOST_REG_RESULT], 0x77);
    uint64_t ver[5] = {VERSION_abi, 0, 0, 0, 0};
    core_hypercall(vc, HYPERCALL_version, ver);
    CHECK_EQ(core_vcpu_hal(vc)->regs[HOST_REG_RESULT], HESTIA_ABI_VERSION);
}

TEST_CASE(callbacks_changed_hook)
{
    setup();
    struct hal_vcpu *hv = core_vcpu_hal(vc);
    CHECK_EQ(hv->callbacks_changed, 0);
    struct hestia_callbacks cb = {0x1100, 0x1200, 0x1300, 0x8000};
    uint64_t p = h_put(dom, &cb, sizeof(cb));
    CHECK_EQ(call(HYPERCALL_set_callbacks, p, 0, 0), 0);
    CHECK_EQ(hv->callbacks_changed, 1);
    CHECK_EQ(call(HYPERCALL_vcpu_op, VCPUOP_set_kernel_stack, 0, 0x9000), 0);
    CHECK_EQ(hv->callbacks_changed, 2);
    /* Refused changes change nothing, so the arch is not told. */
    CHECK_EQ(call(HYPERCALL_vcpu_op, VCPUOP_set_kernel_stack, 0, H_VA_HYP), -HESTIA_EINVAL);
    CHECK_EQ(call(HYPERCALL_set_callbacks, H_VA_UNMAPPED, 0, 0), -HESTIA_EFAULT);
    CHECK_EQ(hv->callbacks_changed, 2);
}

/* ---- hal/lib/guest_copy_walk.c through the host HAL ---- */

TEST_CASE(guest_copy_across_pages)
{
    setup();
    uint64_t p = h_buf(dom, 3 * 4096);
    char src[9000], dst[9000];
    for (unsigned i = 0; i < sizeof(src); i++)
        src[i] = (char)(i ^ 0x5a);
    CHECK_EQ(hal_copy_to_guest(vc, guest_va(p + 100), src, sizeof(src)), 0);
    CHECK_EQ(hal_copy_from_guest(vc, dst, guest_va(p + 100), sizeof(dst)), 0);
    CHECK(memcmp(src, dst, sizeof(src)) == 0);
    CHECK_EQ(hal_copy_from_guest(vc, dst, guest_va(H_VA_UNMAPPED), 0),
             0); /* nothing to touch */
}

TEST_CASE(guest_copy_permissions)
{
    setup();
    uint64_t ro = h_buf_perms(dom, 4096, MMU_PERM_READ);
    uint64_t wo = h_buf_perms(dom, 4096, MMU_PERM_WRITE);
    uint64_t xo = h_buf_perms(dom, 4096, MMU_PERM_EXEC);
    char b[16] = "0123456789abcde";
    CHECK_EQ(hal_copy_from_guest(vc, b, guest_va(ro), 16), 0);
    CHECK_EQ(hal_copy_to_guest(vc, guest_va(ro), b, 16), -HESTIA_EFAULT);
    CHECK_EQ(hal_copy_to_guest(vc, guest_va(wo), b, 16), 0);
    CHECK_EQ(hal_copy_from_guest(vc, b, guest_va(wo), 16), -HESTIA_EFAULT);
    CHECK_EQ(hal_copy_from_guest(vc, b, guest_va(xo), 16), -HESTIA_EFAULT);
    CHECK_EQ(hal_copy_to_guest(vc, guest_va(xo), b, 16), -HESTIA_EFAULT);
}

TEST_CASE(guest_copy_wraparound_and_hypervisor)
{
    setup();
    char b[32];
    CHECK_EQ(hal_copy_from_guest(vc, b, guest_va(~0ull - 15), 32), -HESTIA_EFAULT);
    CHECK_EQ(hal_copy_to_guest(vc, guest_va(~0ull - 15), b, 32), -HESTIA_EFAULT);
    CHECK_EQ(hal_copy_from_guest(vc, b, guest_va(H_VA_HYP), 8), -HESTIA_EFAULT);
    CHECK_EQ(hal_copy_to_guest(vc, guest_va(H_VA_NONCANON), b, 8), -HESTIA_EFAULT);
}

TEST_CASE(guest_copy_sees_current_user_space)
{
    setup();
    /* A user space with one page, made current through mmu_op. */
    struct mmu_op ops[1] = {{MMUOP_as_create, 0, 0, 0, 0}};
    uint64_t p = h_put(dom, ops, sizeof(ops));
    CHECK_EQ(call(HYPERCALL_mmu_op, p, 1, 0), 0);
    h_read(dom, ops, p, sizeof(ops));
    uint64_t as = ops[0].as;
    CHECK(as != 0);
    struct mmu_op map[2] = {
        {MMUOP_map, MMU_PERM_READ | MMU_PERM_WRITE | MMU_PERM_USER, as, 0x10000000, 5},
        {MMUOP_as_switch, 0, as, 0, 0},
    };
    p = h_put(dom, map, sizeof(map));
    CHECK_EQ(call(HYPERCALL_mmu_op, p, 2, 0), 0);
    CHECK_EQ(hal_copy_to_guest(vc, guest_va(0x10000000), "user", 4), 0);
    char got[4];
    CHECK_EQ(gfn_copy_from(dom, got, gfn(5), 0, 4), 0);
    CHECK(memcmp(got, "user", 4) == 0);
    /* Hypercalls take pointers into it as well. */
    CHECK_EQ(call(HYPERCALL_console_io, CONSOLEIO_write, 4, 0x10000000), 4);
    /* Switched away: gone. */
    struct mmu_op sw = {MMUOP_as_switch, 0, 0, 0, 0};
    p = h_put(dom, &sw, sizeof(sw));
    CHECK_EQ(call(HYPERCALL_mmu_op, p, 1, 0), 0);
    CHECK_EQ(hal_copy_to_guest(vc, guest_va(0x10000000), "user", 4), -HESTIA_EFAULT);
}

TEST_CASE(core_hypercall_from_user_mode_is_a_syscall)
{
    setup();
    struct hestia_callbacks cb = {0x1100, 0x1200, 0x1300, 0x8000};
    uint64_t p = h_put(dom, &cb, sizeof(cb));
    REQUIRE(call(HYPERCALL_set_callbacks, p, 0, 0) == 0);
    struct hal_vcpu *hv = core_vcpu_hal(vc);
    hv->regs[HOST_REG_MODE] = HOST_MODE_USER;
    hv->regs[HOST_REG_RESULT] = 77;
    uint64_t args[5] = {VERSION_abi, 0, 0, 0, 0};
    core_hypercall(vc, HYPERCALL_version, args);
    CHECK_EQ(hv->regs[HOST_REG_PC], 0x1300);
    CHECK_EQ(vc->info->trap.kind, HESTIA_TRAP_SYSCALL);
    CHECK_EQ(vc->info->trap.regs[HOST_REG_RESULT], 77); /* not clobbered */
}
