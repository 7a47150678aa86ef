/* SPDX-License-Identifier: MIT */
/* core/trap.c: exception, syscall and event delivery through the trap record. */
#include "harness.h"

#include <core/smp.h>

TEST_SUITE("trap");

#define EV_ENTRY 0x1100
#define EXC_ENTRY 0x1200
#define SYS_ENTRY 0x1300
#define KSTACK 0x8000

static struct domain *dom;
static struct vcpu *vc;
static struct hal_vcpu *hv;

static void setup(bool callbacks)
{
    dom = h_domain(32, false);
    vc = h_vcpu(dom);
    hv = core_vcpu_hal(vc);
    if (callbacks) {
        struct hestia_callbacks cb = {EV_ENTRY, EXC_ENTRY, SYS_ENTRY, KSTACK};
        uint64_t p = h_put(dom, &cb, sizeof(cb));
        REQUIRE(h_call(vc, HYPERCALL_set_callbacks, p, 0, 0, 0, 0) == 0);
    }
    hv->regs[HOST_REG_PC] = 0x2222;
    hv->regs[HOST_REG_SP] = 0x7000;
}

TEST_CASE(exception_delivered_with_record)
{
    setup(true);
    vc->info->evtchn_upcall_mask = 0;
    core_guest_trap(vc, HESTIA_TRAP_PAGE_FAULT, 14, HESTIA_PF_WRITE, 0xdead000);
    struct hestia_trap_record *r = &vc->info->trap;
    CHECK_EQ(r->kind, HESTIA_TRAP_PAGE_FAULT);
    CHECK_EQ(r->arch_vector, 14);
    CHECK_EQ(r->error_code, HESTIA_PF_WRITE);
    CHECK_EQ(r->fault_addr, 0xdead000);
    CHECK_EQ(r->regs[HOST_REG_PC], 0x2222);
    CHECK_EQ(r->flags, TRAP_FLAG_BUSY | TRAP_FLAG_EVENTS_ENABLED);
    CHECK_EQ(vc->info->evtchn_upcall_mask, 1);
    CHECK_EQ(hv->regs[HOST_REG_PC], EXC_ENTRY);
    CHECK_EQ(hv->regs[HOST_REG_SP], 0x7000); /* kernel mode keeps its stack */
    CHECK(!dom->is_shutdown);
}

TEST_CASE(exception_with_events_masked_records_it)
{
    setup(true);
    vc->info->evtchn_upcall_mask = 1;
    core_guest_trap(vc, HESTIA_TRAP_DIVIDE, 0, 0, 0);
    CHECK_EQ(vc->info->trap.flags, TRAP_FLAG_BUSY);
}

TEST_CASE(exception_from_user_switches_stack)
{
    setup(true);
    hv->regs[HOST_REG_MODE] = HOST_MODE_USER;
    core_guest_trap(vc, HESTIA_TRAP_INVALID_OP, 6, 0, 0);
    CHECK(vc->info->trap.flags & TRAP_FLAG_FROM_USER);
    CHECK_EQ(vc->info->trap.regs[HOST_REG_MODE], HOST_MODE_USER);
    CHECK_EQ(hv->regs[HOST_REG_MODE], HOST_MODE_KERNEL);
    CHECK_EQ(hv->regs[HOST_REG_SP], KSTACK);
    CHECK_EQ(hv->regs[HOST_REG_PC], EXC_ENTRY);
}

TEST_CASE(no_handler_crashes_only_that_domain)
{
    setup(false);
    struct domain *other = h_domain(16, false);
    core_guest_trap(vc, HESTIA_TRAP_PROTECTION, 13, 0, 0);
    CHECK(dom->is_shutdown);
    CHECK_EQ(dom->shutdown_reason, SHUTDOWN_crash);
    CHECK(!other->is_shutdown);
    CHECK(vcpu_runnable(h_vcpu(other)));
    struct vcpu *v = NULL;
    CHECK_EQ(h_resume(&v), HOST_JMP_RUN);
    CHECK(v == h_vcpu(other));
}

TEST_CASE(double_fault_crashes)
{
    setup(true);
    core_guest_trap(vc, HESTIA_TRAP_PAGE_FAULT, 14, 0, 0x1000);
    CHECK(!dom->is_shutdown);
    core_guest_trap(vc, HESTIA_TRAP_PAGE_FAULT, 14, 0, 0x2000);
    CHECK(dom->is_shutdown);
    CHECK_EQ(dom->shutdown_reason, SHUTDOWN_crash);
    CHECK_EQ(vc->info->trap.fault_addr, 0x1000); /* first record intact */
}

TEST_CASE(crash_notifies_dom0)
{
    struct domain *z = h_domain(16, true);
    int port = evtchn_bind_virq_internal(z, VIRQ_DOM_EXC, 0);
    REQUIRE(port > 0);
    setup(false);
    core_guest_trap(vc, HESTIA_TRAP_PROTECTION, 13, 0, 0);
    CHECK(dom->is_shutdown);
    CHECK(evtchn_is_pending(z, (evtchn_port_t)port));
}

static void trap_dom0(void *arg)
{
    core_guest_trap(arg, HESTIA_TRAP_PROTECTION, 13, 0, 0);
}

TEST_CASE(dom0_crash_ends_run)
{
    struct domain *z = h_domain(16, true);
    CHECK_EQ(h_catch(trap_dom0, h_vcpu(z)), HOST_JMP_EXIT);
    CHECK(host_exit_status() != 0);
    /* The host's exit jumped out of the locked delivery: let the lock go for the next
     * tests. */
    core_unlock(core_lock_held());
}

TEST_CASE(bogus_kind_becomes_other)
{
    setup(true);
    core_guest_trap(vc, 99, 1, 0, 0);
    CHECK_EQ(vc->info->trap.kind, HESTIA_TRAP_OTHER);
    CHECK_EQ(h_call(vc, HYPERCALL_trap_return, 0, 0, 0, 0, 0), 0);
    core_guest_trap(vc, HESTIA_TRAP_EVENT, 1, 0, 0); /* an arch may not fake an event */
    CHECK_EQ(vc->info->trap.kind, HESTIA_TRAP_OTHER);
}

TEST_CASE(trap_return_restores_context_and_mask)
{
    setup(true);
    vc->info->evtchn_upcall_mask = 0;
    core_guest_trap(vc, HESTIA_TRAP_BREAKPOINT, 3, 0, 0);
    CHECK_EQ(hv->regs[HOST_REG_PC], EXC_ENTRY);
    CHECK_EQ(h_call(vc, HYPERCALL_trap_return, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(hv->regs[HOST_REG_PC], 0x2222);
    CHECK_EQ(hv->regs[HOST_REG_SP], 0x7000);
    CHECK_EQ(vc->info->evtchn_upcall_mask, 0);
    CHECK(!(vc->info->trap.flags & TRAP_FLAG_BUSY));
    /* A second fault is now an ordinary one. */
    core_guest_trap(vc, HESTIA_TRAP_BREAKPOINT, 3, 0, 0);
    CHECK(!dom->is_shutdown);
}

TEST_CASE(trap_return_masked_stays_masked)
{
    setup(true);
    vc->info->evtchn_upcall_mask = 1;
    core_guest_trap(vc, HESTIA_TRAP_BREAKPOINT, 3, 0, 0);
    CHECK_EQ(h_call(vc, HYPERCALL_trap_return, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(vc->info->evtchn_upcall_mask, 1);
}

/* TRAP_RETURN_BLOCK: the loaded context blocks until an event, as SCHEDOP_block would. */
TEST_CASE(trap_return_block_blocks_the_loaded_context)
{
    setup(true);
    vc->info->evtchn_upcall_mask = 0;
    core_guest_trap(vc, HESTIA_TRAP_BREAKPOINT, 3, 0, 0);
    CHECK_EQ(h_call(vc, HYPERCALL_trap_return, TRAP_RETURN_BLOCK, 0, 0, 0, 0), 0);
    CHECK_EQ(hv->regs[HOST_REG_PC], 0x2222);
    CHECK_EQ(vc->info->evtchn_upcall_mask, 0);
    CHECK(!(vc->info->trap.flags & TRAP_FLAG_BUSY));
    CHECK_EQ(vc->state, VCPU_BLOCKED);
}

TEST_CASE(trap_return_block_not_with_an_event_pending)
{
    setup(true);
    vc->info->evtchn_upcall_mask = 0;
    core_guest_trap(vc, HESTIA_TRAP_BREAKPOINT, 3, 0, 0);
    enum vcpu_state before = vc->state;
    vc->info->evtchn_upcall_pending = 1; /* arrived while the handler ran masked */
    CHECK_EQ(h_call(vc, HYPERCALL_trap_return, TRAP_RETURN_BLOCK, 0, 0, 0, 0), 0);
    CHECK_EQ(hv->regs[HOST_REG_PC], 0x2222);
    CHECK(vc->state != VCPU_BLOCKED);
    CHECK_EQ(vc->state, before);
}

TEST_CASE(trap_return_block_not_a_masked_context)
{
    setup(true);
    vc->info->evtchn_upcall_mask = 1;
    core_guest_trap(vc, HESTIA_TRAP_BREAKPOINT, 3, 0, 0);
    CHECK_EQ(h_call(vc, HYPERCALL_trap_return, TRAP_RETURN_BLOCK, 0, 0, 0, 0), 0);
    CHECK_EQ(vc->info->evtchn_upcall_mask, 1);
    CHECK(vc->state != VCPU_BLOCKED);
}

TEST_CASE(trap_return_unknown_flags_refused)
{
    setup(true);
    core_guest_trap(vc, HESTIA_TRAP_BREAKPOINT, 3, 0, 0);
    CHECK_EQ(h_call(vc, HYPERCALL_trap_return, 2, 0, 0, 0, 0), -HESTIA_EINVAL);
    CHECK_EQ(h_call(vc, HYPERCALL_trap_return, 1ull << 40, 0, 0, 0, 0), -HESTIA_EINVAL);
    CHECK_EQ(hv->regs[HOST_REG_PC], EXC_ENTRY); /* nothing loaded */
    CHECK(vc->info->trap.flags & TRAP_FLAG_BUSY);
    CHECK(vc->state != VCPU_BLOCKED);
}

TEST_CASE(trap_return_to_rewritten_record)
{
    setup(true);
    core_guest_trap(vc, HESTIA_TRAP_BREAKPOINT, 3, 0, 0);
    /* The guest switches threads by editing the record. */
    vc->info->trap.regs[HOST_REG_PC] = 0x3333;
    vc->info->trap.regs[HOST_REG_MODE] = HOST_MODE_USER;
    CHECK_EQ(h_call(vc, HYPERCALL_trap_return, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(hv->regs[HOST_REG_PC], 0x3333);
    CHECK(hal_vcpu_in_user(hv));
    CHECK(vc->in_user);
}

TEST_CASE(trap_return_cannot_gain_privilege)
{
    setup(true);
    core_guest_trap(vc, HESTIA_TRAP_BREAKPOINT, 3, 0, 0);
    vc->info->trap.regs[HOST_REG_MODE] = HOST_MODE_HYP;
    CHECK_EQ(h_call(vc, HYPERCALL_trap_return, 0, 0, 0, 0, 0), -HESTIA_EINVAL);
    CHECK_EQ(hv->regs[HOST_REG_MODE], HOST_MODE_KERNEL);
    CHECK_EQ(hv->regs[HOST_REG_PC], EXC_ENTRY);
}

TEST_CASE(syscall_from_user_delivered)
{
    setup(true);
    hv->regs[HOST_REG_MODE] = HOST_MODE_USER;
    core_guest_syscall(vc);
    CHECK_EQ(vc->info->trap.kind, HESTIA_TRAP_SYSCALL);
    CHECK(vc->info->trap.flags & TRAP_FLAG_FROM_USER);
    CHECK_EQ(hv->regs[HOST_REG_PC], SYS_ENTRY);
    CHECK_EQ(hv->regs[HOST_REG_SP], KSTACK);
    /* Through core_guest_trap too. */
    CHECK_EQ(h_call(vc, HYPERCALL_trap_return, 0, 0, 0, 0, 0), 0);
    core_guest_trap(vc, HESTIA_TRAP_SYSCALL, 0x80, 0, 0);
    CHECK_EQ(hv->regs[HOST_REG_PC], SYS_ENTRY);
}

/*
 * core_guest_syscall_resume: the delivery and the run loop's decision under
 * one taking of the lock, with the outcome of core_guest_syscall() then
 * core_resume_vcpu(); the lock stays with its taker.
 */
TEST_CASE(syscall_resume_is_syscall_then_resume)
{
    setup(true);
    struct vcpu *got = NULL;
    REQUIRE(h_resume(&got) == HOST_JMP_RUN && got == vc); /* vc is current */
    REQUIRE(!core_lock_held());
    hv->regs[HOST_REG_MODE] = HOST_MODE_USER;
    CHECK(core_guest_syscall_resume(hal_cpu_id(), vc) == hv);
    CHECK_EQ(vc->info->trap.kind, HESTIA_TRAP_SYSCALL);
    CHECK(vc->info->trap.flags & TRAP_FLAG_FROM_USER);
    CHECK_EQ(hv->regs[HOST_REG_PC], SYS_ENTRY);
    CHECK_EQ(hv->regs[HOST_REG_SP], KSTACK);
    CHECK(!vc->in_user);
    CHECK(!core_lock_held());

    /* Entered with the lock already held: it stays held. */
    CHECK_EQ(h_call(vc, HYPERCALL_trap_return, 0, 0, 0, 0, 0), 0);
    hv->regs[HOST_REG_MODE] = HOST_MODE_USER;
    bool outer = core_lock();
    CHECK(core_guest_syscall_resume(hal_cpu_id(), vc) == hv);
    CHECK(core_lock_held());
    core_unlock(outer);
    CHECK(!core_lock_held());
}

TEST_CASE(syscall_without_entry_crashes)
{
    setup(false);
    hv->regs[HOST_REG_MODE] = HOST_MODE_USER;
    core_guest_syscall(vc);
    CHECK(dom->is_shutdown);
    CHECK_EQ(dom->shutdown_reason, SHUTDOWN_crash);
}

TEST_CASE(event_upcall_injected_on_resume)
{
    setup(true);
    vc->info->evtchn_upcall_mask = 0;
    vc->info->evtchn_upcall_pending = 1;
    struct vcpu *v = NULL;
    CHECK_EQ(h_resume(&v), HOST_JMP_RUN);
    REQUIRE(v == vc);
    CHECK_EQ(hv->regs[HOST_REG_PC], EV_ENTRY);
    CHECK_EQ(vc->info->trap.kind, HESTIA_TRAP_EVENT);
    CHECK_EQ(vc->info->trap.regs[HOST_REG_PC], 0x2222);
    CHECK_EQ(vc->info->evtchn_upcall_mask, 1);
}

TEST_CASE(event_upcall_held_while_masked_or_busy)
{
    setup(true);
    vc->info->evtchn_upcall_mask = 1;
    vc->info->evtchn_upcall_pending = 1;
    struct vcpu *v = NULL;
    CHECK_EQ(h_resume(&v), HOST_JMP_RUN);
    CHECK_EQ(hv->regs[HOST_REG_PC], 0x2222);
    /* Unmasked but the record is busy (guest still in a handler). */
    vc->info->evtchn_upcall_mask = 0;
    vc->info->trap.flags = TRAP_FLAG_BUSY;
    CHECK_EQ(h_resume(&v), HOST_JMP_RUN);
    CHECK_EQ(hv->regs[HOST_REG_PC], 0x2222);
    /* Once free, it is delivered. */
    vc->info->trap.flags = 0;
    CHECK_EQ(h_resume(&v), HOST_JMP_RUN);
    CHECK_EQ(hv->regs[HOST_REG_PC], EV_ENTRY);
}

TEST_CASE(event_upcall_needs_entry)
{
    setup(false);
    vc->info->evtchn_upcall_mask = 0;
    vc->info->evtchn_upcall_pending = 1;
    struct vcpu *v = NULL;
    CHECK_EQ(h_resume(&v), HOST_JMP_RUN);
    CHECK_EQ(hv->regs[HOST_REG_PC], 0x2222);
    CHECK(!dom->is_shutdown); /* no entry yet is not a crash for events */
}

TEST_CASE(user_trap_without_kernel_stack_crashes)
{
    dom = h_domain(32, false);
    vc = h_vcpu(dom);
    hv = core_vcpu_hal(vc);
    struct hestia_callbacks cb = {EV_ENTRY, EXC_ENTRY, SYS_ENTRY, 0};
    uint64_t p = h_put(dom, &cb, sizeof(cb));
    REQUIRE(h_call(vc, HYPERCALL_set_callbacks, p, 0, 0, 0, 0) == 0);
    hv->regs[HOST_REG_MODE] = HOST_MODE_USER;
    core_guest_trap(vc, HESTIA_TRAP_PAGE_FAULT, 14, HESTIA_PF_USER, 0x10);
    CHECK(dom->is_shutdown);
    CHECK_EQ(dom->shutdown_reason, SHUTDOWN_crash);
}
