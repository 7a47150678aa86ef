/* SPDX-License-Identifier: MIT */
/*
 * The native platform's "hypercalls" (docs/native.md): arch_hypercall is a
 * plain call here, dispatched to the subset of the ABI one kernel alone on
 * a machine needs (version, console, sched_op, events, set_timer, the MMU,
 * callbacks, trap_return, vcpu_op).  The rest answers -ENOSYS, as a
 * hypervisor without the feature would.  The semantics are the
 * hypervisor's (core/trap.c, core/sched_op.c): a trap saves the context in
 * vcpu_info.trap, masks events and enters the registered handler; an
 * unmasked pending event is delivered on the way out of every call.
 */
#include <port/kernel.h>
#include <port/native.h>

static struct hestia_start_info nat_si;
static struct shared_info nat_shared __attribute__((aligned(HESTIA_PAGE_SIZE)));
static struct hestia_callbacks callbacks;
static unsigned depth; /* calls in progress: a nested one (irq_restore) delivers nothing */

const char *port_platform(void)
{
    return "native";
}

/* ns = ((counter << shift) * mul) >> 32 (shared_info.h), for a counter of hz. */
static void time_setup(uint64_t hz)
{
    struct vcpu_time_info *t = &nat_shared.vcpu_info[0].time;
    int shift = 0;
    uint64_t mul = 0;
    /* mul = 2^(32 - shift) * 1e9 / hz must fit in 32 bits. */
    for (shift = 0; shift < 32; shift++) {
        mul = ((1000000000ull << (32 - shift))) / hz;
        if (mul <= 0xffffffffull)
            break;
    }
    /* hz above 1 GHz would need shifts below zero: not a machine we boot. */
    t->counter_to_ns_mul = (uint32_t)mul;
    t->counter_shift = shift;
    t->counter_timestamp = arch_read_counter();
    t->system_time_ns = 0;
    t->version = 2;
}

void native_start(uint64_t nr_pages, uint64_t vbase, uint64_t counter_hz,
                  const char *cmdline)
{
    struct hestia_start_info *si = &nat_si;
    si->magic = HESTIA_START_MAGIC;
    si->abi_version = HESTIA_ABI_VERSION;
    si->nr_pages = nr_pages;
    si->virt_base = vbase;
    si->shared_info_va = (uintptr_t)&nat_shared;
    si->first_free_gfn =
        ((uintptr_t)__image_end - vbase + HESTIA_PAGE_SIZE - 1) >> HESTIA_PAGE_SHIFT;
    si->flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
    si->domid = 0;
    si->nr_vcpus = 1;
    kstrlcpy(si->cmdline, cmdline, sizeof(si->cmdline));
    /* Events start masked, as a PV vCPU does. */
    nat_shared.vcpu_info[0].evtchn_upcall_mask = 1;
    time_setup(counter_hz);
    port_start(si);
}

static uint64_t now_ns(void)
{
    const struct vcpu_time_info *t = &nat_shared.vcpu_info[0].time;
    uint64_t d = arch_read_counter() - t->counter_timestamp;
    d = t->counter_shift >= 0 ? d << t->counter_shift : d >> -t->counter_shift;
    return t->system_time_ns + (((d & 0xffffffffu) * t->counter_to_ns_mul) >> 32) +
           (d >> 32) * t->counter_to_ns_mul;
}

/* The longest single wait of the timer; an early expiry only re-evaluates. */
#define TIMER_MAX_NS 1000000000ull

static long set_timer(uint64_t deadline)
{
    if (!deadline) {
        nat_timer_cancel();
        return 0;
    }
    uint64_t now = now_ns();
    if (deadline <= now) {
        nat_timer_cancel();
        native_evtchn_raise_virq(VIRQ_TIMER);
        return 0;
    }
    uint64_t delay = deadline - now;
    nat_timer_arm(delay > TIMER_MAX_NS ? TIMER_MAX_NS : delay);
    return 0;
}

void native_timer_fired(void)
{
    native_evtchn_raise_virq(VIRQ_TIMER);
}

bool native_event_due(void)
{
    struct vcpu_info *vi = &nat_shared.vcpu_info[0];
    /* Not inside a call (SCHEDOP_block waits with interrupts on): on its way out. */
    return depth == 0 && vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask &&
           !(vi->trap.flags & TRAP_FLAG_BUSY) && callbacks.event_entry;
}

static void fatal(const char *what, const struct hestia_trap_record *rec, unsigned kind,
                  unsigned vector, uint64_t addr)
{
    char line[160];
    int n = ksnprintf(
        line, sizeof(line), "native: %s: trap %u (vector %u) at pc %llx addr %llx\n", what,
        kind, vector, (unsigned long long)arch_trap_pc(rec), (unsigned long long)addr);
    for (int i = 0; i < n && line[i]; i++)
        nat_console_putc(line[i]);
    nat_exit(1);
}

void native_deliver(const struct hestia_trap_record *rec, unsigned kind, unsigned vector,
                    uint64_t error_code, uint64_t fault_addr)
{
    struct vcpu_info *vi = &nat_shared.vcpu_info[0];
    uint64_t entry = kind == HESTIA_TRAP_EVENT     ? callbacks.event_entry
                     : kind == HESTIA_TRAP_SYSCALL ? callbacks.syscall_entry
                                                   : callbacks.exception_entry;
    bool from_user = nat_rec_is_user(rec);
    if (!entry || (vi->trap.flags & TRAP_FLAG_BUSY) ||
        (from_user && !callbacks.kernel_stack))
        fatal("undeliverable", rec, kind, vector, fault_addr);
    if (&vi->trap != rec)
        vi->trap = *rec;
    vi->trap.kind = kind;
    vi->trap.arch_vector = vector;
    vi->trap.error_code = error_code;
    vi->trap.fault_addr = fault_addr;
    vi->trap.pad = 0;
    uint32_t flags = TRAP_FLAG_BUSY;
    if (from_user)
        flags |= TRAP_FLAG_FROM_USER;
    if (!vi->evtchn_upcall_mask)
        flags |= TRAP_FLAG_EVENTS_ENABLED;
    vi->trap.flags = flags;
    vi->evtchn_upcall_mask = 1;
    depth = 0; /* the call that delivered (trap_return, enter_user) is over */
    nat_enter_handler(entry, from_user ? callbacks.kernel_stack : 0, &vi->trap);
}

/* Continue at rec with the event mask its flags ask for (trap_return, enter_user). */
__attribute__((noreturn)) static void resume(const struct hestia_trap_record *src)
{
    struct vcpu_info *vi = &nat_shared.vcpu_info[0];
    struct hestia_trap_record rec = *src; /* the kernel may reuse src */
    depth = 0; /* this call is over: nothing returns to the dispatcher */
    vi->trap.flags &= ~(uint32_t)TRAP_FLAG_BUSY;
    vi->evtchn_upcall_mask = (rec.flags & TRAP_FLAG_EVENTS_ENABLED) ? 0 : 1;
    /* Pending while the handler ran: straight back in, as the hypervisor does. */
    if (native_event_due())
        native_deliver(&rec, HESTIA_TRAP_EVENT, 0, 0, 0);
    nat_resume(&rec);
}

static long sched_op(unsigned cmd, unsigned long arg)
{
    struct vcpu_info *vi = &nat_shared.vcpu_info[0];
    switch (cmd) {
    case SCHEDOP_yield:
        return 0; /* nobody else to run */
    case SCHEDOP_block:
        vi->evtchn_upcall_mask = 0;
        if (!vi->evtchn_upcall_pending)
            nat_idle(); /* one interrupt at most: the caller re-evaluates */
        return 0;
    case SCHEDOP_shutdown:
        nat_exit(arg == SHUTDOWN_poweroff ? 0 : 1);
    case SCHEDOP_report: {
        const struct sched_report *r = (const struct sched_report *)arg;
        char line[64];
        int n = ksnprintf(line, sizeof(line), "HESTIA DONE %u %u\n", r->passed, r->failed);
        for (int i = 0; i < n && line[i]; i++)
            nat_console_putc(line[i]);
        nat_exit(r->failed ? 1 : 0);
    }
    default:
        return -HESTIA_ENOSYS;
    }
}

static long mmu_op(struct mmu_op *ops, unsigned long n, uint64_t *done)
{
    long r = 0;
    unsigned long i;
    for (i = 0; i < n && r == 0; i++) {
        struct mmu_op *op = &ops[i];
        if (op->cmd == MMUOP_map &&
            (op->gfn >= nat_si.nr_pages || (op->perms & ~MMU_PERM_ALL)))
            r = -HESTIA_EINVAL;
        else if (op->cmd == MMUOP_map)
            r = nat_map(op->as, op->va, op->gfn, op->perms);
        else if (op->cmd == MMUOP_unmap)
            r = nat_unmap(op->as, op->va);
        else if (op->cmd == MMUOP_protect)
            r = nat_protect(op->as, op->va, op->perms);
        else if (op->cmd == MMUOP_as_create)
            r = nat_as_create(&op->as);
        else if (op->cmd == MMUOP_as_switch)
            r = nat_as_switch(op->as);
        else if (op->cmd == MMUOP_as_destroy)
            r = nat_as_destroy(op->as);
        else if (op->cmd == MMUOP_flush)
            nat_flush(op->as, op->va);
        else
            r = -HESTIA_EINVAL;
    }
    if (done)
        *done = r ? i - 1 : i;
    return r;
}

static long vcpu_op(unsigned cmd, unsigned vcpu, unsigned long arg)
{
    if (vcpu != 0)
        return -HESTIA_EINVAL; /* one vCPU natively (VCPUOP_up is not offered) */
    switch (cmd) {
    case VCPUOP_set_kernel_stack:
        callbacks.kernel_stack = arg;
        nat_syscall_route(callbacks.syscall_entry, callbacks.kernel_stack);
        return 0;
    case VCPUOP_enter_user: {
        const struct hestia_trap_record *rec = (const struct hestia_trap_record *)arg;
        if (!nat_rec_is_user(rec) || !callbacks.kernel_stack)
            return -HESTIA_EINVAL;
        resume(rec);
    }
    case VCPUOP_get_runtime:
        *(uint64_t *)arg = now_ns();
        return 0;
    default:
        return -HESTIA_ENOSYS;
    }
}

static long console_io(unsigned cmd, unsigned long n, const char *buf)
{
    if (cmd == CONSOLEIO_read)
        return 0; /* no console input natively */
    if (cmd != CONSOLEIO_write)
        return -HESTIA_ENOSYS;
    for (unsigned long i = 0; i < n; i++)
        nat_console_putc(buf[i]);
    return (long)n;
}

/* HYPERCALL_mmu_one: one op in the arguments, as the hypervisor (core/pvmmu.c). */
static long mmu_one(unsigned long as, unsigned long va, unsigned long gfn,
                    unsigned long perms, unsigned long cmd)
{
    if (cmd != (uint32_t)cmd)
        return -HESTIA_ENOSYS;
    if (perms != (uint32_t)perms)
        return -HESTIA_EINVAL;
    struct mmu_op op = {(uint32_t)cmd, (uint32_t)perms, as, va, gfn};
    long r = mmu_op(&op, 1, NULL);
    return r == 0 && cmd == MMUOP_as_create ? (long)op.as : r;
}

static long dispatch(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
                     unsigned long a3, unsigned long a4)
{
    switch (nr) {
    case HYPERCALL_version:
        return a0 == VERSION_abi        ? HESTIA_ABI_VERSION
               : a0 == VERSION_features ? 0
                                        : -HESTIA_ENOSYS;
    case HYPERCALL_console_io:
        return console_io((unsigned)a0, a1, (const char *)a2);
    case HYPERCALL_sched_op:
        return sched_op((unsigned)a0, a1);
    case HYPERCALL_event_channel_op:
        return native_evtchn_op((unsigned)a0, (void *)a1);
    case HYPERCALL_mmu_op:
        return mmu_op((struct mmu_op *)a0, a1, (uint64_t *)a2);
    case HYPERCALL_mmu_one:
        return mmu_one(a0, a1, a2, a3, a4);
    case HYPERCALL_set_callbacks: {
        const struct hestia_callbacks *cb = (const struct hestia_callbacks *)a0;
        callbacks.event_entry = cb->event_entry;
        callbacks.exception_entry = cb->exception_entry;
        callbacks.syscall_entry = cb->syscall_entry;
        if (cb->kernel_stack)
            callbacks.kernel_stack = cb->kernel_stack;
        nat_syscall_route(callbacks.syscall_entry, callbacks.kernel_stack);
        return 0;
    }
    case HYPERCALL_trap_return:
        resume(&nat_shared.vcpu_info[0].trap);
    case HYPERCALL_set_timer:
        return set_timer(((uint64_t)a1 << 32) | (uint32_t)a0);
    case HYPERCALL_vcpu_op:
        return vcpu_op((unsigned)a0, (unsigned)a1, a2);
    default:
        return -HESTIA_ENOSYS; /* grants, domctl, memory_op, physdev: one domain, no devices
                                */
    }
}

long arch_hypercall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
                    unsigned long a3, unsigned long a4)
{
    unsigned long irq = nat_irq_save();
    depth++;
    long r = dispatch(nr, a0, a1, a2, a3, a4);
    depth--;
    bool deliver = depth == 0 && native_event_due();
    nat_irq_restore(irq);
    /* As under Hestia: an unmasked pending event is delivered when the call returns. */
    if (deliver)
        nat_raise_event();
    return r;
}
