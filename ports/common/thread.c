/* SPDX-License-Identifier: MIT */
/*
 * Threads: round-robin, cooperative plus preemption from the event path
 * (a thread that ran a full slice while others wait is switched at the end
 * of the event handler).  The event mask is each thread's "interrupt flag":
 * schedule() runs masked and every thread restores its own mask after the
 * switch.  Sleepers are woken only once system time reached their deadline.
 */
#include <port/kernel.h>

#define MAX_THREADS 64
#define SLICE_NS 10000000ull
#define MAX_FLAG_WAITERS 16

unsigned long thread_switches;

/*
 * One lock for every vCPU's run queue and sleepers, the thread pool and
 * the flag waiters, taken with the vCPU's events masked.  A vCPU pops only
 * its own queue, so a thread put back on it by another vCPU's wake-up
 * while its context is still being saved is not run before the switch
 * finished.  The lock is dropped before arch_switch.
 */
static spinlock_t sched_lock = SPINLOCK_INIT;
static struct thread pool[MAX_THREADS];
static bool pool_used[MAX_THREADS];
static int next_id = 1;

static struct {
    volatile int *flag;
    struct thread *t;
} flag_waiters[MAX_FLAG_WAITERS];
/*
 * Slots with a waiter (sched_lock): set_flag stops its scan once it has
 * seen them all, and skips it when there are none (the event round trip's
 * sender sets its flag before its thread waits on it: a 16-slot scan for
 * nothing, ~85 instructions).
 */
static unsigned nr_flag_waiters;

void threads_init(void)
{
    /* cpus_init() made each vCPU's boot context its idle thread. */
}

static void runq_push(struct cpu *c, struct thread *t)
{
    t->next = NULL;
    if (c->runq_tail)
        c->runq_tail->next = t;
    else
        c->runq_head = t;
    c->runq_tail = t;
}

static struct thread *runq_pop(struct cpu *c)
{
    struct thread *t = c->runq_head;
    if (t) {
        c->runq_head = t->next;
        if (!c->runq_head)
            c->runq_tail = NULL;
        t->next = NULL;
    }
    return t;
}

static void sleepers_remove(struct thread *t)
{
    for (struct thread **p = &cpus[t->cpu].sleepers; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            t->next = NULL;
            return;
        }
    }
}

static void sleepers_insert(struct thread *t)
{
    struct thread **p = &cpus[t->cpu].sleepers;
    while (*p && (*p)->wake_ns <= t->wake_ns)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
}

/*
 * A thread switched to while nobody else waited has run_start_ns 0: its
 * slice matters only once another thread waits, and counts from then at
 * the latest (now: a clock reading of the caller).  The switch then needs
 * no clock read: the event round trip's woken thread saved one (~38).
 */
static inline void slice_start_known(struct thread *t, uint64_t now)
{
    if (!t->run_start_ns)
        t->run_start_ns = now;
}

/*
 * The earliest moment this vCPU's timer must fire: a sleeper or the end
 * of the running thread's slice when others wait.  A slice already over
 * only sets need_resched (the switch happens on the way out of the event
 * handler); re-arming for "now" would just raise the timer event again and
 * again.  Lock held, c is the calling vCPU.
 */
static void reprogram(struct cpu *c, uint64_t now)
{
    uint64_t d = c->sleepers ? c->sleepers->wake_ns : 0;
    if (c->runq_head && c->cur != &c->idle) {
        slice_start_known(c->cur, now);
        uint64_t slice_end = c->cur->run_start_ns + SLICE_NS;
        if (slice_end <= now)
            c->need_resched = true;
        else if (!d || slice_end < d)
            d = slice_end;
    }
    time_program(d);
}

/* Free the stack of the thread that died last here (never the one we run on). */
static __attribute__((noinline)) void reap_zombie(struct cpu *c)
{
    unsigned long f = spin_lock_irqsave(&sched_lock);
    struct thread *z = c->zombie;
    uint64_t gfn = 0;
    unsigned pages = 0;
    if (z && z != c->cur) {
        gfn = z->stack_gfn;
        pages = z->stack_pages;
        z->stack_pages = 0;
        c->zombie = NULL;
    }
    spin_unlock_irqrestore(&sched_lock, f);
    if (pages)
        frames_free(gfn, pages);
}

/* After every switch: the test inline, the freeing out of line. */
static inline void reap(void)
{
    struct cpu *c = this_cpu();
    /* Only this vCPU sets its zombie: no dead thread, no lock. */
    if (c->zombie)
        reap_zombie(c);
}

static void thread_trampoline(void *arg)
{
    struct thread *t = arg;
    reap();
    irq_enable();
    t->fn(t->arg);
    thread_exit();
}

struct thread *thread_create_on(unsigned cpu, const char *name, void (*fn)(void *),
                                void *arg)
{
    if (cpu >= HESTIA_MAX_VCPUS || !__atomic_load_n(&cpus[cpu].online, __ATOMIC_ACQUIRE))
        return NULL;
    uint64_t g;
    uintptr_t top = stack_alloc(1, cpu, &g);
    if (!top)
        return NULL;
    unsigned long f = spin_lock_irqsave(&sched_lock);
    struct thread *t = NULL;
    for (unsigned i = 0; i < MAX_THREADS; i++) {
        if (!pool_used[i]) {
            pool_used[i] = true;
            t = &pool[i];
            break;
        }
    }
    if (!t) {
        spin_unlock_irqrestore(&sched_lock, f);
        frames_free(g, THREAD_STACK_PAGES);
        return NULL;
    }
    for (size_t i = 0; i < sizeof(*t); i++)
        ((char *)t)[i] = 0;
    t->name = name;
    t->id = next_id++;
    t->fn = fn;
    t->arg = arg;
    t->cpu = cpu;
    t->stack_gfn = g;
    t->stack_pages = THREAD_STACK_PAGES;
    arch_ctx_init(&t->ctx, (void *)top, thread_trampoline, t);
    t->state = T_RUNNABLE;
    runq_push(&cpus[cpu], t);
    bool remote = cpu != this_cpu()->id;
    spin_unlock_irqrestore(&sched_lock, f);
    if (remote)
        evtchn_send((evtchn_port_t)cpus[cpu].resched_port);
    return t;
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
    return thread_create_on(this_cpu()->id, name, fn, arg);
}

/*
 * Switch to this vCPU's next runnable thread.  Events are masked and
 * sched_lock is held by the caller; it is released here.  now: the
 * caller's clock reading, or 0.  The clock is read only if the next
 * thread is not the idle one and others wait behind it: the idle
 * thread's run_start_ns and a reprogram while it runs never look at the
 * time, and a thread nobody waits behind starts its slice when one does
 * (slice_start_known; an event round trip read the clock six times,
 * ~55 instructions each).
 */
static inline __attribute__((always_inline)) void schedule_locked_at(uint64_t now)
{
    struct cpu *c = this_cpu();
    struct thread *prev = c->cur, *next = runq_pop(c);
    if (!next) {
        if (prev->state == T_RUNNABLE)
            next = prev;
        else
            next = &c->idle;
    } else if (prev->state == T_RUNNABLE && prev != &c->idle) {
        runq_push(c, prev);
    }
    c->need_resched = false;
    if (!now && next != &c->idle && c->runq_head)
        now =
            time_now_ns(); /* others wait: the slice starts now (else slice_start_known) */
    if (next != prev) {
        next->run_start_ns = now;
        __atomic_fetch_add(&thread_switches, 1, __ATOMIC_RELAXED);
        c->cur = next;
        reprogram(c, now);
        spin_unlock(&sched_lock);
        /* A thread running a user task needs its user space and kernel stack. */
        if (next->user_as && next->user_as != c->cur_as) {
            mmu_as_switch(next->user_as);
            c->cur_as = next->user_as;
        }
        if (next->user_kstack && next->user_kstack != c->cur_kstack) {
            hc_vcpu(VCPUOP_set_kernel_stack, c->id, (unsigned long)next->user_kstack);
            c->cur_kstack = next->user_kstack;
        }
        arch_switch(&prev->ctx, &next->ctx);
        /* Running as prev again (current == prev). */
        reap();
    } else {
        reprogram(c, now);
        spin_unlock(&sched_lock);
    }
}

static void schedule_locked(void)
{
    schedule_locked_at(0);
}

void thread_set_user(uint64_t as, uint64_t kstack)
{
    unsigned long f = irq_save();
    struct cpu *c = this_cpu();
    c->cur->user_as = as;
    c->cur->user_kstack = kstack;
    if (as && as != c->cur_as) {
        long r = mmu_as_switch(as);
        if (r < 0)
            panic("as_switch: %ld", r);
    }
    c->cur_as = as;
    if (kstack && kstack != c->cur_kstack) {
        long r = hc_vcpu(VCPUOP_set_kernel_stack, c->id, (unsigned long)kstack);
        if (r < 0)
            panic("set_kernel_stack: %ld", r);
        c->cur_kstack = kstack;
    }
    irq_restore(f);
}

void thread_yield(void)
{
    unsigned long f = irq_save();
    spin_lock(&sched_lock);
    schedule_locked_at(0); /* inline: every preemption point that switches comes here */
    irq_restore(f);
}

void thread_block_masked(void)
{
    spin_lock(&sched_lock);
    current->state = T_BLOCKED;
    schedule_locked();
}

/* Make t runnable (lock held); true if its vCPU is another one that must look. */
static inline __attribute__((always_inline)) bool wake_locked(struct thread *t)
{
    if (t->state == T_SLEEPING)
        sleepers_remove(t);
    if (t->state != T_SLEEPING && t->state != T_BLOCKED)
        return false;
    struct cpu *tc = &cpus[t->cpu], *c = this_cpu();
    t->state = T_RUNNABLE;
    runq_push(tc, t);
    if (tc != c)
        return true;
    if (c->cur == &c->idle)
        c->need_resched = true;
    else
        reprogram(c, time_now_ns());
    return false;
}

void thread_wake(struct thread *t)
{
    unsigned long f = spin_lock_irqsave(&sched_lock);
    bool kick = wake_locked(t);
    spin_unlock_irqrestore(&sched_lock, f);
    if (kick)
        evtchn_send((evtchn_port_t)cpus[t->cpu].resched_port);
}

void thread_sleep_until(uint64_t deadline)
{
    unsigned long f = irq_save();
    while (time_now_ns() < deadline) {
        spin_lock(&sched_lock);
        current->state = T_SLEEPING;
        current->wake_ns = deadline;
        sleepers_insert(current);
        schedule_locked();
    }
    irq_restore(f);
}

void threads_timer(uint64_t now)
{
    struct cpu *c = this_cpu();
    unsigned long f = spin_lock_irqsave(&sched_lock);
    while (c->sleepers && c->sleepers->wake_ns <= now) {
        struct thread *t = c->sleepers;
        c->sleepers = t->next;
        t->state = T_RUNNABLE;
        runq_push(c, t);
        /* A sleeper runs as soon as it wakes: sleeps stay accurate under load. */
        c->need_resched = true;
    }
    if (c->runq_head && c->cur != &c->idle)
        slice_start_known(c->cur, now);
    if (c->runq_head && (c->cur == &c->idle || now >= c->cur->run_start_ns + SLICE_NS))
        c->need_resched = true;
    reprogram(c, now);
    spin_unlock_irqrestore(&sched_lock, f);
}

void thread_preempt_point(void)
{
    if (this_cpu()->need_resched)
        thread_yield();
}

void thread_exit(void)
{
    irq_disable();
    spin_lock(&sched_lock);
    struct cpu *c = this_cpu();
    c->cur->state = T_DEAD;
    c->zombie = c->cur;
    schedule_locked();
    panic("dead thread scheduled");
}

/* Wait until t has exited and its vCPU freed its stack; then its slot is free. */
void thread_join(struct thread *t)
{
    for (;;) {
        reap();
        unsigned long f = spin_lock_irqsave(&sched_lock);
        bool gone = t->state == T_DEAD && t->stack_pages == 0;
        if (gone && t >= pool && t < pool + MAX_THREADS)
            pool_used[t - pool] = false;
        spin_unlock_irqrestore(&sched_lock, f);
        if (gone)
            return;
        thread_sleep_ns(1000000);
    }
}

void set_flag(volatile int *flag)
{
    unsigned long f = spin_lock_irqsave(&sched_lock);
    *flag = 1;
    unsigned kick = 0;
    for (unsigned i = 0, seen = 0; seen < nr_flag_waiters && i < MAX_FLAG_WAITERS; i++) {
        if (!flag_waiters[i].t)
            continue;
        if (flag_waiters[i].flag != flag) {
            seen++;
            continue;
        }
        if (wake_locked(flag_waiters[i].t))
            kick |= 1u << flag_waiters[i].t->cpu;
        flag_waiters[i].flag = NULL;
        flag_waiters[i].t = NULL;
        nr_flag_waiters--;
    }
    spin_unlock_irqrestore(&sched_lock, f);
    while (kick) { /* only the vCPUs to kick, not a pass over all of them */
        unsigned i = (unsigned)__builtin_ctz(kick);
        kick &= kick - 1;
        evtchn_send((evtchn_port_t)cpus[i].resched_port);
    }
}

int wait_flag(volatile int *flag, uint64_t timeout_ns)
{
    /*
     * Set already (an event round trip's sender often finds its echo
     * handled before it waits): no clock, no lock.  Only set_flag sets it,
     * and a set flag stays set until its owner clears it.
     */
    if (__atomic_load_n(flag, __ATOMIC_ACQUIRE))
        return 1;
    /* One clock reading serves the deadline, the first test and the switch. */
    uint64_t now = timeout_ns ? time_now_ns() : 0;
    uint64_t deadline = timeout_ns ? now + timeout_ns : 0;
    unsigned long f = irq_save();
    spin_lock(&sched_lock);
    while (!*flag) {
        if (deadline && !now)
            now = time_now_ns();
        if (deadline && now >= deadline)
            break;
        unsigned slot = MAX_FLAG_WAITERS;
        for (unsigned i = 0; i < MAX_FLAG_WAITERS; i++) {
            if (!flag_waiters[i].t) {
                slot = i;
                break;
            }
        }
        if (slot == MAX_FLAG_WAITERS)
            panic("too many flag waiters");
        flag_waiters[slot].flag = flag;
        flag_waiters[slot].t = current;
        nr_flag_waiters++;
        if (deadline) {
            current->state = T_SLEEPING;
            current->wake_ns = deadline;
            sleepers_insert(current);
        } else {
            current->state = T_BLOCKED;
        }
        schedule_locked_at(now);
        now = 0; /* read again if it goes round */
        spin_lock(&sched_lock);
        if (flag_waiters[slot].t == current) {
            flag_waiters[slot].t = NULL;
            flag_waiters[slot].flag = NULL;
            nr_flag_waiters--;
        }
    }
    int r = *flag != 0;
    spin_unlock(&sched_lock);
    irq_restore(f);
    return r;
}
