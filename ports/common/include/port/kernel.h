/* SPDX-License-Identifier: MIT */
/*
 * The portable Hestia PV guest kernel: every subsystem's interface.
 * ports/common implements it over include/public and port/arch.h.
 */
#ifndef PORT_KERNEL_H
#define PORT_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hestia/hestia.h>
#include <port/arch.h>
#include <port/lib.h>

#define NORETURN __attribute__((noreturn))
/* For the few helpers on every path (this_cpu, irq_save, spin_lock): inlined in cold code
 * too. */
#define ALWAYS_INLINE __attribute__((always_inline))

/* Wild pointers for tests (port/arch.h): in the hypervisor, and invalid. */
#define WILD_HV ((uintptr_t)arch_wild[0])
#define WILD_NC ((uintptr_t)arch_wild[1])

/* ---- hypercall wrappers ------------------------------------------------ */
#if __has_include(<port/arch_hc.h>)
#include <port/arch_hc.h> /* an arch's inline hypercall, ARCH_HC, if it has one */
#endif
#ifdef ARCH_HC
#define HC ARCH_HC
#else
#define HC(nr, a0, a1, a2, a3, a4)                                                         \
    arch_hypercall((nr), (unsigned long)(a0), (unsigned long)(a1), (unsigned long)(a2),    \
                   (unsigned long)(a3), (unsigned long)(a4))
#endif

static inline long hc_version(unsigned cmd, void *p)
{
    return HC(HYPERCALL_version, cmd, p, 0, 0, 0);
}
static inline long hc_console(unsigned cmd, unsigned long n, const void *buf, unsigned dom)
{
    return HC(HYPERCALL_console_io, cmd, n, buf, dom, 0);
}
static inline long hc_sched(unsigned cmd, unsigned long arg)
{
    return HC(HYPERCALL_sched_op, cmd, arg, 0, 0, 0);
}
static inline long hc_evtchn(unsigned cmd, void *p)
{
    return HC(HYPERCALL_event_channel_op, cmd, p, 0, 0, 0);
}
static inline long hc_grant(unsigned cmd, void *p, unsigned long n)
{
    return HC(HYPERCALL_grant_table_op, cmd, p, n, 0, 0);
}
static inline long hc_mmu(struct mmu_op *ops, unsigned long n, uint64_t *done)
{
    return HC(HYPERCALL_mmu_op, ops, n, done, 0, 0);
}
/* One op in the arguments (mmu.h): gfn and as must fit an unsigned long. */
static inline long hc_mmu_one(uint64_t as, uintptr_t va, uint64_t gfn, unsigned perms,
                              unsigned cmd)
{
    return HC(HYPERCALL_mmu_one, as, va, gfn, perms, cmd);
}
static inline long hc_domctl(struct hestia_domctl *d)
{
    return HC(HYPERCALL_domctl, d, 0, 0, 0, 0);
}
static inline long hc_set_timer(uint64_t ns)
{
    return HC(HYPERCALL_set_timer, (uint32_t)ns, (uint32_t)(ns >> 32), 0, 0, 0);
}
static inline long hc_vcpu(unsigned cmd, unsigned vcpu, unsigned long arg)
{
    return HC(HYPERCALL_vcpu_op, cmd, vcpu, arg, 0, 0);
}
static inline long hc_memory(unsigned cmd, void *p)
{
    return HC(HYPERCALL_memory_op, cmd, p, 0, 0, 0);
}
static inline long hc_physdev(unsigned cmd, void *p)
{
    return HC(HYPERCALL_physdev_op, cmd, p, 0, 0, 0);
}

/* ---- start of day (start.c) ------------------------------------------- */
extern struct hestia_start_info *start_info;
extern struct shared_info *shared;
/* This vCPU's vcpu_info (events, time, trap record): this_vcpu(), below struct cpu. */
extern char port_cmdline[START_CMDLINE_SIZE];
extern char __image_start[], __image_end[];
/* Called by the arch entry with the start info pointer. */
NORETURN void port_start(struct hestia_start_info *si);
/* The role dispatcher (main.c): runs in the main thread. */
void port_main(void);
const char *port_role(void);
/*
 * For port_role(): the command line's role=... (start.c), or fallback when
 * it has none or one too long; the first call's answer, for good.
 */
const char *port_role_from_cmdline(const char *fallback);

/* ---- console and panic (console.c) ------------------------------------ */
void console_write(const char *s, size_t n);
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
NORETURN void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Send the current thread's printk output to fn instead of the console
 * until console_set_sink(NULL, NULL): how the toolstack's commands answer
 * a TCP client (ts_server.c) with the code that prints them on the console.
 * One thread at a time; panic still goes to the console.
 */
typedef void (*console_sink_fn)(void *arg, const char *s, size_t n);
void console_set_sink(console_sink_fn fn, void *arg);
/* Non-blocking read of physical console input (dom0): bytes read. */
long console_read(char *buf, size_t n);
#define ASSERT(c)                                                                          \
    do {                                                                                   \
        if (!(c))                                                                          \
            panic("assertion %s failed at %s:%d", #c, __FILE__, __LINE__);                 \
    } while (0)

/* ---- memory (mm.c) ----------------------------------------------------- */
extern uint64_t virt_base;
static inline void *gfn_to_va(uint64_t gfn)
{
    return (void *)(uintptr_t)(virt_base + (gfn << HESTIA_PAGE_SHIFT));
}
static inline uint64_t va_to_gfn(const void *p)
{
    return ((uintptr_t)p - virt_base) >> HESTIA_PAGE_SHIFT;
}
void mm_init(void);
/* A free frame (zeroed), or -HESTIA_ENOMEM. */
long frame_alloc(void);
/* n contiguous frames (zeroed): first gfn or -HESTIA_ENOMEM. */
long frames_alloc(unsigned n);
/* n contiguous frames whose first gfn is a multiple of align. */
long frames_alloc_aligned(unsigned n, unsigned align);
void frames_free(uint64_t gfn, unsigned n);
static inline void frame_free(uint64_t gfn)
{
    frames_free(gfn, 1);
}
unsigned long frames_available(void);
/* Kernel virtual addresses outside the direct window, for mappings. */
uintptr_t kva_alloc(unsigned pages);

/* Batched PV MMU requests. */
struct mmu_batch {
    unsigned n;
    struct mmu_op ops[32];
};
void mmu_add(struct mmu_batch *b, unsigned cmd, uint64_t as, uint64_t va, uint64_t gfn,
             unsigned perms);
/* Issue the batch; returns 0 or the error, *done = ops completed. */
long mmu_flush(struct mmu_batch *b, uint64_t *done);
long mmu_map(uint64_t as, uintptr_t va, uint64_t gfn, unsigned perms);
long mmu_unmap(uint64_t as, uintptr_t va);
long mmu_protect(uint64_t as, uintptr_t va, unsigned perms);
long mmu_as_create(uint64_t *as);
long mmu_as_switch(uint64_t as);
long mmu_as_destroy(uint64_t as);

/* ---- events (event.c) -------------------------------------------------- */
typedef void (*evtchn_handler_t)(evtchn_port_t port, void *arg);
void evtchn_init(void);
void evtchn_set_handler(evtchn_port_t port, evtchn_handler_t h, void *arg);
long evtchn_bind_virq(unsigned virq, evtchn_handler_t h, void *arg);
long evtchn_bind_ipi(evtchn_handler_t h, void *arg);
/* The same for vCPU vcpu: the port is delivered to (and handled on) that vCPU. */
long evtchn_bind_virq_on(unsigned virq, unsigned vcpu, evtchn_handler_t h, void *arg);
long evtchn_bind_ipi_on(unsigned vcpu, evtchn_handler_t h, void *arg);
long evtchn_alloc_unbound(hestia_domid_t remote, evtchn_handler_t h, void *arg);
long evtchn_bind_interdomain(hestia_domid_t remote, evtchn_port_t rport, evtchn_handler_t h,
                             void *arg);
long evtchn_send(evtchn_port_t port);
long evtchn_close(evtchn_port_t port);
long evtchn_unmask(evtchn_port_t port);
void evtchn_mask(evtchn_port_t port);
bool evtchn_test_and_clear(evtchn_port_t port);
/* Deliver pending events to their handlers (events masked). */
void evtchn_do_upcall(void);

/*
 * This vCPU's event mask: the guest's "interrupts off" (per vCPU).
 * Inline (defined below struct cpu): a lock, a clock read and a thread
 * switch each save and restore it.
 */
static inline unsigned long irq_save(void);
static inline void irq_restore(unsigned long flags);
static inline void irq_disable(void);
static inline void irq_enable(void);
/* irq_enable()'s call for an event that arrived while masked (event.c). */
void irq_deliver_pending(void);

/* ---- traps (trap.c) ---------------------------------------------------- */
/* The last trap taken by a probe (arch_probe_*), for tests. */
struct trap_info {
    unsigned count;
    uint32_t kind, vector;
    uint64_t error_code, fault_addr, pc;
    uint32_t flags;
};
extern struct trap_info trap_last;
void trap_init(void);
/*
 * Tests: called once with the next probe's record before it is resumed;
 * if trap_return refuses the rewritten record, trap_return_refused counts
 * it and the original is resumed.
 */
extern void (*trap_probe_hook)(struct hestia_trap_record *rec);
extern unsigned long trap_return_refused;
/* Counters. */
extern unsigned long trap_events, trap_exceptions, trap_syscalls;
/* C handlers called by the arch entry code on the entry stack. */
NORETURN void port_event_handler(void);
NORETURN void port_exception_handler(void);
NORETURN void port_syscall_handler(void);
/* Resume a trap record with HYPERCALL_trap_return. */
NORETURN void trap_resume(struct hestia_trap_record *rec);
/*
 * Resume the user task after a system call (rec: its record): trap_resume,
 * or on an arch whose kernel may return to user mode itself (x86: iret
 * from ring 1 to ring 3) that, without entering the hypervisor.
 */
NORETURN void arch_syscall_resume(struct hestia_trap_record *rec);

/* ---- time (time.c) ----------------------------------------------------- */
uint64_t time_now_ns(void);
void time_init(void);
/*
 * Make sure the one-shot timer fires no later than deadline (0: none
 * needed).  Inline, defined below struct cpu: every thread switch asks,
 * and an armed timer that fires no later is kept (time.c).
 */
static inline void time_program(uint64_t deadline);
/* time_program() when the timer must be armed: the hypercall (time.c). */
void time_program_arm(uint64_t deadline);
/* Disarm the timer and forget what was armed. */
void time_cancel(void);

/* ---- threads (thread.c) ------------------------------------------------ */
enum thread_state { T_RUNNABLE, T_BLOCKED, T_SLEEPING, T_DEAD };
struct thread {
    struct arch_ctx ctx;
    const char *name;
    int id;
    enum thread_state state;
    uint64_t wake_ns;
    uint64_t run_start_ns;
    uint64_t user_as;     /* user space this thread runs, 0 = none */
    uint64_t user_kstack; /* kernel stack for entries from its user task */
    void *utask;          /* the user task it runs (user.c) */
    uint64_t stack_gfn;
    unsigned stack_pages;
    void (*fn)(void *);
    void *arg;
    struct thread *next; /* run queue / sleep list */
    struct thread *all_next;
    unsigned cpu; /* the vCPU it runs on, for its whole life */
};
#define THREAD_STACK_PAGES 4
void threads_init(void);
/* A thread on the calling vCPU. */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);
/* A thread on vCPU cpu (one that is online, cpu.c), NULL if none or no memory. */
struct thread *thread_create_on(unsigned cpu, const char *name, void (*fn)(void *),
                                void *arg);
void thread_yield(void);
void thread_sleep_until(uint64_t deadline_ns);
static inline void thread_sleep_ns(uint64_t ns)
{
    thread_sleep_until(time_now_ns() + ns);
}
/* Block the current thread until thread_wake(); call with events masked. */
void thread_block_masked(void);
void thread_wake(struct thread *t);
NORETURN void thread_exit(void);
/* Wait until t has exited. */
void thread_join(struct thread *t);
/* Called from the timer path: wake sleepers whose deadline passed. */
void threads_timer(uint64_t now);
/* Called from trap handlers: switch if a higher-priority need exists. */
void thread_preempt_point(void);
extern unsigned long thread_switches;
/*
 * Wait (sleeping) until *flag is non-zero or timeout_ns (relative, 0 = for
 * ever) passed; returns 1 if set.  set_flag() may be called from handlers.
 */
int wait_flag(volatile int *flag, uint64_t timeout_ns);
void set_flag(volatile int *flag);
/* Make the current thread's user space and kernel stack current. */
void thread_set_user(uint64_t as, uint64_t kstack);

/* ---- vCPUs (cpu.c) ---------------------------------------------------- */
/*
 * A spinlock between vCPUs.  Take it with this vCPU's events masked
 * (spin_lock_irqsave) when a handler may take it too.  A waiter that spins
 * long yields its physical CPU (SCHEDOP_yield): the holder may be a vCPU
 * the hypervisor preempted, perhaps on the very CPU the waiter spins on.
 */
typedef struct {
    uint32_t locked;
} spinlock_t;
#define SPINLOCK_INIT                                                                      \
    {                                                                                      \
        0                                                                                  \
    }
/* The lock was taken: wait for it (cpu.c).  Inline below: the free lock's path. */
void spin_lock_contended(spinlock_t *l);
static inline ALWAYS_INLINE void spin_lock(spinlock_t *l)
{
    if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        spin_lock_contended(l);
}
static inline ALWAYS_INLINE void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}
static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
    unsigned long f = irq_save();
    spin_lock(l);
    return f;
}
static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    spin_unlock(l);
    irq_restore(flags);
}

/* Per-vCPU state of the guest kernel: cpus[i] is vCPU i's. */
struct cpu {
    unsigned id;
    struct vcpu_info *info; /* its vcpu_info in the shared info page */
    struct thread *cur;     /* the thread it runs now */
    struct thread idle;     /* its boot context, run when nothing else is */
    struct thread *runq_head, *runq_tail, *sleepers, *zombie;
    uint64_t cur_as, cur_kstack; /* user space and kernel stack loaded on it */
    volatile bool need_resched;
    uint64_t timer_programmed; /* deadline the one-shot timer is armed for, 0 none */
    long resched_port;         /* IPI port: another vCPU made a thread runnable here */
    volatile int online;
    /* Its idle loop is in SCHEDOP_block or just back from it (cpu_idle_would_block). */
    volatile bool idle_blocking;
};
extern struct cpu cpus[HESTIA_MAX_VCPUS];
/* vCPUs running guest code (1 until smp_init brought up the others). */
extern volatile unsigned cpus_online;
/*
 * The calling vCPU's struct cpu (found from the stack it runs on, cpu.c).
 * Inline: an event round trip asks ~40 times (every irq_save, lock and
 * clock read), and until a second vCPU is up (always, in a one-vCPU
 * domain) the answer is vCPU 0's without looking at the stack.
 */
extern bool cpu_smp_mode; /* a second vCPU may run: look at the stack (cpu.c) */
struct cpu *this_cpu_from_stack(void);
static inline ALWAYS_INLINE struct cpu *this_cpu(void)
{
    /*
     * A plain read, so one function's answers are shared: the flag goes
     * false -> true once, on vCPU 0 (smp_init), and vCPU 0 is cpus[0]
     * either way.
     */
    if (__builtin_expect(!cpu_smp_mode, 1))
        return &cpus[0];
    return this_cpu_from_stack();
}
static inline ALWAYS_INLINE struct vcpu_info *this_vcpu(void)
{
    return this_cpu()->info;
}
static inline void time_program(uint64_t deadline)
{
    struct cpu *c = this_cpu();
    if (deadline && !(c->timer_programmed && c->timer_programmed <= deadline))
        time_program_arm(deadline);
}
static inline ALWAYS_INLINE unsigned long irq_save(void)
{
    return __atomic_exchange_n(&this_vcpu()->evtchn_upcall_mask, 1, __ATOMIC_SEQ_CST);
}
static inline ALWAYS_INLINE void irq_disable(void)
{
    (void)irq_save();
}
static inline ALWAYS_INLINE void irq_enable(void)
{
    struct vcpu_info *vi = this_vcpu();
    __atomic_store_n(&vi->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
    /* An event that arrived while masked: any hypercall delivers it. */
    if (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
        irq_deliver_pending();
}
static inline ALWAYS_INLINE void irq_restore(unsigned long flags)
{
    if (!flags)
        irq_enable();
    else
        __atomic_store_n(&this_vcpu()->evtchn_upcall_mask, 1, __ATOMIC_SEQ_CST);
}
#define current (this_cpu()->cur)
/*
 * Stacks: blocks of THREAD_STACK_PAGES pages aligned to their size, so
 * the block of any stack pointer is found by masking; its last
 * STACK_HDR_BYTES hold the vCPU it belongs to.  stack_alloc() returns the
 * usable top (below the header) of nblocks such blocks for vCPU cpu, the
 * first gfn in *gfn; 0 if out of memory.
 */
#define STACK_BYTES (THREAD_STACK_PAGES * HESTIA_PAGE_SIZE)
#define STACK_HDR_BYTES 64
uintptr_t stack_alloc(unsigned nblocks, unsigned cpu, uint64_t *gfn);
/* Bring up the domain's other vCPUs (start_info.nr_vcpus): number online. */
/* Set up every vCPU's struct cpu (vCPU 0 online); before anything else. */
void cpus_init(void);
unsigned smp_init(void);
/* Where a secondary vCPU starts (arch entry.S), and the C it calls there. */
void arch_secondary_entry(void);
NORETURN void port_secondary_start(struct cpu *c);
/* The idle loop every vCPU ends in: run threads, block when there are none. */
NORETURN void cpu_idle_loop(void);
/*
 * Events masked, at the end of an upcall: did it interrupt this vCPU's
 * idle loop right after its block (cpu.c), with nothing to run now?  Then
 * the loop would only go round to block again, and the upcall may return
 * with TRAP_RETURN_BLOCK.  A thread the upcall switched to and back from
 * is not the idle thread, so an upcall of its own never passes the test.
 * Another vCPU's wake-up of a thread here sends the resched event after
 * it queued the thread: either runq_head shows it, or the event is
 * pending and the hypervisor does not block.  Inline: every upcall asks.
 */
static inline bool cpu_idle_would_block(void)
{
    struct cpu *c = this_cpu();
    return c->idle_blocking && c->cur == &c->idle &&
           !__atomic_load_n(&c->runq_head, __ATOMIC_ACQUIRE) && !c->need_resched;
}

/* ---- grant tables (grant.c) ------------------------------------------- */
long gnttab_init(unsigned frames);
/* Offer gfn to domid; returns the ref or -HESTIA_ENOSPC. */
long gnttab_grant(hestia_domid_t domid, uint64_t gfn, bool readonly);
/* Revoke: -HESTIA_EBUSY while the peer still has it mapped. */
long gnttab_end(grant_ref_t ref);
unsigned gnttab_capacity(void);
long gnttab_map(hestia_domid_t dom, grant_ref_t ref, uintptr_t va, uint64_t as,
                bool readonly, grant_handle_t *handle);
long gnttab_unmap(uintptr_t va, uint64_t as, grant_handle_t handle);
long gnttab_copy_op(struct gnttab_copy *c);

/* ---- user tasks (user.c) ----------------------------------------------- */
#define USER_BASE 0x10000000ul
#define USER_SIZE 0x04000000ul
#define USER_STACK_TOP (USER_BASE + USER_SIZE - 0x1000)
/* System calls from user tasks (number in the arch's syscall register). */
#define SYS_exit 0
#define SYS_write 1
#define SYS_getpid 2
#define SYS_yield 3
#define SYS_sleep 4
#define SYS_time 5
#define SYS_COUNT 6
struct user_result {
    long exit_code;
    bool faulted;
    uint32_t fault_kind;
    uint64_t fault_addr;
    unsigned syscalls;
};
/* Called by the trap handlers for traps from guest-user mode. */
void user_handle_syscall(struct hestia_trap_record *r);
NORETURN void user_handle_fault(struct hestia_trap_record *r);
/* Run fn (a function in the user blob) in a fresh user space until it exits. */
long user_run(long (*fn)(long), long arg, struct user_result *res);
/* Tests: rewrites the record given to VCPUOP_enter_user (tampering). */
extern void (*user_enter_hook)(struct hestia_trap_record *rec);
/* The same, with frame private_gfn mapped read-write at USER_PRIVATE_VA. */
#define USER_PRIVATE_VA (USER_BASE + 0x02000000ul)
long user_run_private(long (*fn)(long), long arg, uint64_t private_gfn,
                      struct user_result *res);
/* Enter user mode at pc with no user space: it must fault (res says how). */
long user_run_nospace(uint64_t pc, struct user_result *res);
/* The user-side programs (user_code.c, position independent). */
long user_hello(long arg);
long user_fault(long arg);       /* writes to address arg */
long user_priv(long arg);        /* runs privileged probe arg */
long user_spin(long arg);        /* burns arg iterations, yielding now and then */
long user_badcall(long arg);     /* unknown syscall and bad pointers */
long user_private(long arg);     /* checks USER_PRIVATE_VA holds arg, yielding */
long user_null_syscalls(long n); /* n SYS_getpid calls, returns n (user_work.c) */
long user_depths(long level);    /* system calls at depths level..0, returns level + 1 */
void user_entry(long (*fn)(long), long arg);

/* ---- the test framework (test.c) -------------------------------------- */
enum { TR_PASS = 0, TR_FAIL = 1, TR_SKIP = 2 };
extern unsigned test_passed, test_failed;
void test_report(const char *name, int result, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void bench_report(const char *name, uint64_t value, const char *unit);
/*
 * The end of a role: dom0 reports its counts (SCHEDOP_report: the
 * hypervisor prints HESTIA DONE and ends the run); a domU shuts down,
 * poweroff if nothing failed, else crash.
 */
NORETURN void test_done(void);
/* dom0's SCHEDOP_report; never returns (crashes if the hypervisor refuses). */
NORETURN void test_report_done(unsigned passed, unsigned failed);
/* Within a test function: record a failure (first one kept as detail). */
struct tctx {
    int failed;
    int skipped;
    char detail[120];
};
void t_fail(struct tctx *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define T_CHECK(t, cond, ...)                                                              \
    do {                                                                                   \
        if (!(cond))                                                                       \
            t_fail((t), __VA_ARGS__);                                                      \
    } while (0)
#define T_EQ(t, a, b)                                                                      \
    do {                                                                                   \
        long long _a = (long long)(a), _b = (long long)(b);                                \
        if (_a != _b)                                                                      \
            t_fail((t), "%s:%d %s = %lld, want %lld", __FILE__, __LINE__, #a, _a, _b);     \
    } while (0)
typedef void (*test_fn)(struct tctx *t);
void test_run(const char *name, test_fn fn);
/*
 * Timing bounds: tight under instruction-counted time, loose when the
 * hypervisor says guest time follows a host that may be loaded
 * (SIF_REALTIME).  Tests using them end their detail with TIME_MODE.
 */
static inline bool time_realtime(void)
{
    return (start_info->flags & SIF_REALTIME) != 0;
}
static inline uint64_t t_bound(uint64_t tight, uint64_t loose)
{
    return time_realtime() ? loose : tight;
}
#define TIME_MODE (time_realtime() ? " (realtime bounds)" : "")
/*
 * How many measurement windows a CPU-share check may look at.  Under
 * -icount one: the run is repeatable and must hold the first time.  In
 * real time a loaded host stops an emulator's CPU thread for tens of ms at
 * a time (CI saw 130 ms IPI latencies on x86 with two CPUs); each stall is
 * charged to whichever vCPU was on that CPU and costs it work, so one
 * window can be off with nothing wrong in the scheduler (x86/smp2 512:256
 * came out at 3.3 by CPU time, and 0.85 by work, in 2 of 6 loaded runs).
 * Up to three windows then, each one printed (t_window_done); a scheduler
 * that ignores weights or caps misses all three.
 */
static inline unsigned t_windows(void)
{
    return time_realtime() ? 3 : 1;
}
/*
 * Window `window` (from 0) of check `name` is over: reports the verdict
 * and returns true when it passed or was the last window, else says it is
 * looking again and returns false.
 */
bool t_window_done(const char *name, bool ok, unsigned window, const char *detail);

/* ---- roles ------------------------------------------------------------- */
void selftest_main(void);
void dom0_main(void);
void role_ping(void);
void role_pong(void);
void role_producer(void);
void role_consumer(void);
void role_burner(void);
#define BURNER_UNIT 1024u /* loop iterations per unit of work a burner counts */
#define BURNER_REF 1      /* its grant (to dom0) of the page holding the count */
void role_hostile(void);
void role_victim(void);
/* What dom0 queues on the hostile domain's console input before it starts. */
#define ISO_HOSTILE_INPUT "hostile-input\n"
/* The hostile domain's last line: it got through every attack. */
#define ISO_HOSTILE_LAST "crashing on purpose"
/* The victim's pattern: word i of its data page (ref 1 is page 0, ref 2 page 1). */
static inline uint64_t iso_victim_pattern(unsigned page, unsigned i)
{
    return 0x5a5a000000000000ull ^ ((uint64_t)page << 32) ^ i;
}
void role_demo(void);
void role_forger(void);
void role_crash(void);
void neg_fail(void);
void neg_forge(unsigned module);
void bench_main(void);
/* The disk scenario (disk_test.c): write and check, or check only. */
void disk_test(bool write);
/* The save scenario (save_test.c): save a running domU to the disk and check the image. */
void save_test(unsigned module);
/* The nic scenario (nic_test.c): two NICs on one hub. */
void nic_test(void);
void role_bench_peer(void);
/* The smp scenario (smp_test.c): the 4-vCPU domU and dom0's side. */
void role_smp(void);
void smp_scenario(unsigned module);
/* The scheduler checks across physical CPUs (smp_sched.c), after the smp domU is gone. */
void smp_sched_checks(unsigned module);
/* The bench workloads (workloads.c, docs/native.md), the same on both platforms. */
void role_workloads(void);
/* The native platform's user-mode checks (native/usercheck.c, role=native-user). */
void role_native_user(void);
/* "pv" under Hestia, "native" on the bare machine (ports/<arch>/native). */
const char *port_platform(void);

#endif
