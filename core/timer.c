/* SPDX-License-Identifier: MIT */
/*
 * Guest time and one-shot timers (interface in core/timer.h).
 *
 * Each physical CPU has a binary min-heap (struct cpu's timers member) of armed timer
 * entries (guest set_timer deadlines and SCHEDOP_poll timeouts of the vCPUs placed on it),
 * so arming, cancelling and firing cost O(log n) and the tick never scans
 * every domain.  The entries live inside the vCPU's struct sched_vcpu;
 * a heap only holds pointers to them and grows by doubling.
 *
 * A timer never fires early: an entry is taken off only when
 * deadline <= now.
 */
#include <core/cpu.h>
#include <core/event.h>
#include <core/run.h>
#include <core/timer.h>
#include <hal/cpu.h>
#include <hal/timer.h>

#include "sched_internal.h"

#define HEAP_INITIAL 64

/* ---- heap primitives (caller holds h->lock) ---- */

static void heap_set(struct timer_heap *h, unsigned i, struct timer_entry *t)
{
    h->e[i] = t;
    t->heap_idx = i;
}

static void sift_up(struct timer_heap *h, unsigned i)
{
    struct timer_entry *t = h->e[i];
    while (i > 0) {
        unsigned parent = (i - 1) / 2;
        if (h->e[parent]->deadline <= t->deadline)
            break;
        heap_set(h, i, h->e[parent]);
        i = parent;
    }
    heap_set(h, i, t);
}

static void sift_down(struct timer_heap *h, unsigned i)
{
    struct timer_entry *t = h->e[i];
    for (;;) {
        unsigned c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->e[c + 1]->deadline < h->e[c]->deadline)
            c++;
        if (t->deadline <= h->e[c]->deadline)
            break;
        heap_set(h, i, h->e[c]);
        i = c;
    }
    heap_set(h, i, t);
}

/*
 * Halve the array once it is a quarter full, so the memory a thousand
 * domains' timers took comes back when they go (docs/density.md).  Out of
 * memory: keep the large one.
 */
static void heap_shrink(struct timer_heap *h)
{
    if (h->cap <= HEAP_INITIAL || h->n > h->cap / 4)
        return;
    unsigned ncap = h->cap / 2;
    struct timer_entry **ne = core_heap_alloc(ncap * sizeof(*ne));
    if (!ne)
        return;
    memcpy(ne, h->e, h->n * sizeof(*ne));
    core_heap_free(h->e);
    h->e = ne;
    h->cap = ncap;
}

static void heap_remove(struct timer_heap *h, struct timer_entry *t)
{
    unsigned i = t->heap_idx;
    if (i >= h->n || h->e[i] != t)
        return;
    t->heap_idx = TIMER_NOT_QUEUED;
    h->n--;
    if (i != h->n) {
        struct timer_entry *moved = h->e[h->n];
        heap_set(h, i, moved);
        sift_down(h, i);
        sift_up(h, moved->heap_idx);
    }
    heap_shrink(h);
}

/*
 * Every CPU's heap array at its first size now rather than at its first
 * timer: the array is the hypervisor's and stays, so allocating it when a
 * domain's timer first lands on a CPU made that domain look as if it had
 * kept 512 bytes (DOMCTL_memstat before and after; smp.create-destroy-busy
 * on x86_64/smp4 saw it when a mini domU's timer first reached CPU 3).
 */
void timer_init_cpus(void)
{
    for (unsigned i = 0; i < cpu_count(); i++) {
        struct timer_heap *h = &cpu_by_id(i)->timers;
        if (h->e)
            continue;
        h->e = core_heap_alloc(HEAP_INITIAL * sizeof(*h->e));
        if (h->e) /* else heap_insert allocates it at the first timer */
            h->cap = HEAP_INITIAL;
    }
}

static int heap_insert(struct timer_heap *h, struct timer_entry *t)
{
    if (h->n == h->cap) {
        unsigned ncap = h->cap ? h->cap * 2 : HEAP_INITIAL;
        struct timer_entry **ne = core_heap_alloc(ncap * sizeof(*ne));
        if (!ne)
            return -HESTIA_ENOMEM;
        if (h->e) {
            memcpy(ne, h->e, h->n * sizeof(*ne));
            core_heap_free(h->e);
        }
        h->e = ne;
        h->cap = ncap;
    }
    heap_set(h, h->n++, t);
    sift_up(h, h->n - 1);
    return 0;
}

/* ---- arming ---- */

static void entry_cancel(struct timer_entry *t)
{
    if (__atomic_load_n(&t->heap_idx, __ATOMIC_RELAXED) == TIMER_NOT_QUEUED)
        return;
    struct timer_heap *h = &cpu_by_id(t->cpu)->timers;
    unsigned long flags = spin_lock_irqsave(&h->lock);
    heap_remove(h, t);
    spin_unlock_irqrestore(&h->lock, flags);
    run_note_change(t->cpu); /* the CPU's next deadline may have moved */
}

/*
 * (Re)arm t at deadline on the heap of the vCPU's CPU.  Only the vCPU itself
 * (a hypercall) or its waker touches its entries, never two CPUs at once.
 */
static int entry_arm(struct timer_entry *t, uint64_t deadline)
{
    entry_cancel(t);
    unsigned cpu = t->v->processor < cpu_count() ? t->v->processor : 0;
    struct timer_heap *h = &cpu_by_id(cpu)->timers;
    unsigned long flags = spin_lock_irqsave(&h->lock);
    t->deadline = deadline;
    t->cpu = (uint8_t)cpu;
    int rc = heap_insert(h, t);
    spin_unlock_irqrestore(&h->lock, flags);
    run_note_change(cpu); /* the hardware timer may need to fire earlier */
    return rc;
}

long timer_set_guest(struct vcpu *v, uint64_t deadline_ns)
{
    struct sched_vcpu *sv = v ? v->sched : NULL;
    if (!sv)
        return -HESTIA_EINVAL;
    entry_cancel(&sv->t_guest);
    v->timer_deadline_ns = 0;
    if (deadline_ns == 0)
        return 0;
    uint64_t host_deadline = timer_guest_to_host(v->domain, deadline_ns);
    if (host_deadline == 0 || host_deadline <= hal_time_ns()) {
        evtchn_send_virq(v, VIRQ_TIMER);
        return 0;
    }
    int rc = entry_arm(&sv->t_guest, host_deadline);
    if (rc == 0)
        v->timer_deadline_ns = deadline_ns;
    return rc;
}

void timer_poll_arm(struct vcpu *v, uint64_t deadline_ns)
{
    struct sched_vcpu *sv = v->sched;
    if (!sv)
        return;
    v->poll_deadline_ns = deadline_ns;
    /* Without heap memory the poll simply has no timeout; an event still ends it. */
    if (entry_arm(&sv->t_poll, deadline_ns) != 0)
        v->poll_deadline_ns = 0;
}

void timer_poll_cancel(struct vcpu *v)
{
    struct sched_vcpu *sv = v->sched;
    v->poll_deadline_ns = 0;
    if (sv)
        entry_cancel(&sv->t_poll);
}

void timer_vcpu_destroy(struct vcpu *v)
{
    struct sched_vcpu *sv = v->sched;
    if (!sv)
        return;
    entry_cancel(&sv->t_guest);
    entry_cancel(&sv->t_poll);
    v->timer_deadline_ns = 0;
    v->poll_deadline_ns = 0;
}

/* ---- firing ---- */

static __attribute__((noinline)) uint64_t fire_expired(struct cpu *c, uint64_t now)
{
    struct timer_heap *h = &c->timers;
    for (;;) {
        unsigned long flags = spin_lock_irqsave(&h->lock);
        if (h->n == 0 || h->e[0]->deadline > now) {
            uint64_t next = h->n ? h->e[0]->deadline : 0;
            spin_unlock_irqrestore(&h->lock, flags);
            return next;
        }
        struct timer_entry *t = h->e[0];
        heap_remove(h, t);
        struct vcpu *v = t->v;
        unsigned kind = t->kind;
        if (kind == TIMER_GUEST)
            v->timer_deadline_ns = 0;
        else
            v->poll_deadline_ns = 0;
        spin_unlock_irqrestore(&h->lock, flags);
        /* Act without the heap lock: both may re-enter the timer code. */
        if (kind == TIMER_GUEST)
            evtchn_send_virq(v, VIRQ_TIMER);
        else if (v->state == VCPU_BLOCKED)
            vcpu_kick(v);
    }
}

/* Nothing due (most full passes): one lock pair, no registers saved for the firing. */
uint64_t timer_run_expired(struct cpu *c, uint64_t now)
{
    struct timer_heap *h = &c->timers;
    unsigned long flags = spin_lock_irqsave(&h->lock);
    bool due = h->n && h->e[0]->deadline <= now;
    uint64_t next = h->n ? h->e[0]->deadline : 0;
    spin_unlock_irqrestore(&h->lock, flags);
    return due ? fire_expired(c, now) : next;
}

uint64_t timer_next_deadline(struct cpu *c)
{
    struct timer_heap *h = &c->timers;
    unsigned long flags = spin_lock_irqsave(&h->lock);
    uint64_t dl = h->n ? h->e[0]->deadline : 0;
    spin_unlock_irqrestore(&h->lock, flags);
    return dl;
}

/* ---- guest time ---- */

uint64_t timer_guest_now(const struct domain *d)
{
    return hal_time_ns() + (uint64_t)(d ? d->time_offset_ns : 0);
}

uint64_t timer_guest_to_host(const struct domain *d, uint64_t guest_ns)
{
    int64_t off = d ? d->time_offset_ns : 0;
    /* Guest time before host time 0 is due now; so is an overflowing sum. */
    if (off > 0 && guest_ns <= (uint64_t)off)
        return 0;
    if (off < 0 && guest_ns > UINT64_MAX - (uint64_t)-off)
        return UINT64_MAX;
    return guest_ns - (uint64_t)off;
}

void timer_update_guest_time(struct vcpu *v)
{
    if (!v || !v->info)
        return;
    struct vcpu_time_info *t = &v->info->time;
    struct hal_time_scale sc;
    hal_time_scale(&sc);
    /*
     * The guest may have scribbled on version: derive an odd value from it
     * rather than incrementing blindly, so readers always see odd while the
     * fields change and a different even value afterwards.
     */
    uint32_t odd = __atomic_load_n(&t->version, __ATOMIC_RELAXED) | 1u;
    __atomic_store_n(&t->version, odd, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->counter_to_ns_mul = sc.mul;
    t->counter_shift = sc.shift;
    t->counter_timestamp = hal_time_counter();
    t->system_time_ns = timer_guest_now(v->domain);
    t->pad = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    __atomic_store_n(&t->version, odd + 1, __ATOMIC_RELAXED);
}
