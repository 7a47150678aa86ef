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

struct thread *current;
volatile bool need_resched;
unsigned long thread_switches;

static struct thread idle_thread;
static struct thread pool[MAX_THREADS];
static bool pool_used[MAX_THREADS];
static struct thread *runq_head, *runq_tail, *sleepers;
static struct thread *zombie;
static uint64_t cur_as, cur_kstack;
static int next_id = 1;

static struct {
    volatile int *flag;
    struct thread *t;
} flag_waiters[MAX_FLAG_WAITERS];

void threads_init(void)
{
    idle_thread.name = "idle";
    idle_thread.state = T_RUNNABLE;
    current = &idle_thread;
}

static void runq_push(struct thread *t)
{
    t->next = NULL;
    if (runq_tail)
        runq_tail->next = t;
    else
        runq_head = t;
    runq_tail = t;
}

static struct thread *runq_pop(void)
{
    struct thread *t = runq_head;
    if (t) {
        runq_head = t->next;
        if (!runq_head)
            runq_tail = NULL;
        t->next = NULL;
    }
    return t;
}

static void sleepers_remove(struct thread *t)
{
    for (struct thread **p = &sleepers; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            t->next = NULL;
            return;
        }
    }
}

static void sleepers_insert(struct thread *t)
{
    struct thread **p = &sleepers;
    while (*p && (*p)->wake_ns <= t->wake_ns)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
}

/*
 * The earliest moment the timer must fire: a sleeper or the end of the
 * running thread's slice when others wait.  A slice already over only sets
 * need_resched (the switch happens on the way out of the event handler);
 * re-arming for "now" would just raise the timer event again and again.
 */
static void reprogram(uint64_t now)
{
    uint64_t d = sleepers ? sleepers->wake_ns : 0;
    if (runq_head && current != &idle_thread) {
        uint64_t slice_end = current->run_start_ns + SLICE_NS;
        if (slice_end <= now)
            need_resched = true;
        else if (!d || slice_end < d)
            d = slice_end;
    }
    time_program(d);
}

/* Free the stack of the thread that died last (never the one we run on). */
static void reap(void)
{
    if (zombie && zombie != current) {
        frames_free(zombie->stack_gfn, zombie->stack_pages);
        zombie->stack_pages = 0;
        zombie = NULL;
    }
}

static void thread_trampoline(void *arg)
{
    struct thread *t = arg;
    reap();
    irq_enable();
    t->fn(t->arg);
    thread_exit();
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
    long g = frames_alloc(THREAD_STACK_PAGES);
    if (g < 0)
        return NULL;
    unsigned long f = irq_save();
    struct thread *t = NULL;
    for (unsigned i = 0; i < MAX_THREADS; i++) {
        if (!pool_used[i]) {
            pool_used[i] = true;
            t = &pool[i];
            break;
        }
    }
    if (!t) {
        irq_restore(f);
        frames_free((uint64_t)g, THREAD_STACK_PAGES);
        return NULL;
    }
    for (size_t i = 0; i < sizeof(*t); i++)
        ((char *)t)[i] = 0;
    t->name = name;
    t->id = next_id++;
    t->fn = fn;
    t->arg = arg;
    t->stack_gfn = (uint64_t)g;
    t->stack_pages = THREAD_STACK_PAGES;
    char *top = (char *)gfn_to_va((uint64_t)g) + THREAD_STACK_PAGES * HESTIA_PAGE_SIZE;
    arch_ctx_init(&t->ctx, top, thread_trampoline, t);
    t->state = T_RUNNABLE;
    runq_push(t);
    irq_restore(f);
    return t;
}

/* Switch to the next runnable thread.  Events are masked by the caller. */
static void schedule(void)
{
    struct thread *prev = current, *next = runq_pop();
    if (!next) {
        if (prev->state == T_RUNNABLE)
            next = prev;
        else
            next = &idle_thread;
    } else if (prev->state == T_RUNNABLE && prev != &idle_thread) {
        runq_push(prev);
    }
    need_resched = false;
    uint64_t now = time_now_ns();
    if (next != prev) {
        next->run_start_ns = now;
        thread_switches++;
        current = next;
        /* A thread running a user task needs its user space and kernel stack. */
        if (next->user_as && next->user_as != cur_as) {
            mmu_as_switch(next->user_as);
            cur_as = next->user_as;
        }
        if (next->user_kstack && next->user_kstack != cur_kstack) {
            hc_vcpu(VCPUOP_set_kernel_stack, 0, (unsigned long)next->user_kstack);
            cur_kstack = next->user_kstack;
        }
        reprogram(now);
        arch_switch(&prev->ctx, &next->ctx);
        /* Running as prev again (current == prev). */
        reap();
    } else {
        reprogram(now);
    }
}

void thread_set_user(uint64_t as, uint64_t kstack)
{
    unsigned long f = irq_save();
    current->user_as = as;
    current->user_kstack = kstack;
    if (as && as != cur_as) {
        long r = mmu_as_switch(as);
        if (r < 0)
            panic("as_switch: %ld", r);
    }
    cur_as = as;
    if (kstack && kstack != cur_kstack) {
        long r = hc_vcpu(VCPUOP_set_kernel_stack, 0, (unsigned long)kstack);
        if (r < 0)
            panic("set_kernel_stack: %ld", r);
        cur_kstack = kstack;
    }
    irq_restore(f);
}

void thread_yield(void)
{
    unsigned long f = irq_save();
    schedule();
    irq_restore(f);
}

void thread_block_masked(void)
{
    current->state = T_BLOCKED;
    schedule();
}

void thread_wake(struct thread *t)
{
    unsigned long f = irq_save();
    if (t->state == T_SLEEPING)
        sleepers_remove(t);
    if (t->state == T_SLEEPING || t->state == T_BLOCKED) {
        t->state = T_RUNNABLE;
        runq_push(t);
        if (current == &idle_thread)
            need_resched = true;
        else
            reprogram(time_now_ns());
    }
    irq_restore(f);
}

void thread_sleep_until(uint64_t deadline)
{
    unsigned long f = irq_save();
    while (time_now_ns() < deadline) {
        current->state = T_SLEEPING;
        current->wake_ns = deadline;
        sleepers_insert(current);
        schedule();
    }
    irq_restore(f);
}

void threads_timer(uint64_t now)
{
    while (sleepers && sleepers->wake_ns <= now) {
        struct thread *t = sleepers;
        sleepers = t->next;
        t->state = T_RUNNABLE;
        runq_push(t);
        /* A sleeper runs as soon as it wakes: sleeps stay accurate under load. */
        need_resched = true;
    }
    if (runq_head && (current == &idle_thread || now >= current->run_start_ns + SLICE_NS))
        need_resched = true;
    reprogram(now);
}

void thread_preempt_point(void)
{
    if (need_resched)
        thread_yield();
}

void thread_exit(void)
{
    irq_disable();
    current->state = T_DEAD;
    zombie = current;
    schedule();
    panic("dead thread scheduled");
}

void thread_join(struct thread *t)
{
    unsigned long f = irq_save();
    while (t->state != T_DEAD) {
        irq_restore(f);
        thread_sleep_ns(1000000);
        f = irq_save();
    }
    reap();
    if (t >= pool && t < pool + MAX_THREADS)
        pool_used[t - pool] = false;
    irq_restore(f);
}

void set_flag(volatile int *flag)
{
    unsigned long f = irq_save();
    *flag = 1;
    for (unsigned i = 0; i < MAX_FLAG_WAITERS; i++) {
        if (flag_waiters[i].flag == flag && flag_waiters[i].t) {
            thread_wake(flag_waiters[i].t);
            flag_waiters[i].flag = NULL;
            flag_waiters[i].t = NULL;
        }
    }
    irq_restore(f);
}

int wait_flag(volatile int *flag, uint64_t timeout_ns)
{
    uint64_t deadline = timeout_ns ? time_now_ns() + timeout_ns : 0;
    unsigned long f = irq_save();
    while (!*flag) {
        uint64_t now = time_now_ns();
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
        if (deadline) {
            current->state = T_SLEEPING;
            current->wake_ns = deadline;
            sleepers_insert(current);
        } else {
            current->state = T_BLOCKED;
        }
        schedule();
        if (flag_waiters[slot].t == current) {
            flag_waiters[slot].t = NULL;
            flag_waiters[slot].flag = NULL;
        }
    }
    int r = *flag != 0;
    irq_restore(f);
    return r;
}
