/* SPDX-License-Identifier: MIT */
/*
 * The credit scheduler (interface and policy in core/sched.h).
 *
 * State is per physical CPU: each CPU's struct sched_cpu (a member of its
 * struct cpu, core/cpu.h) has two FIFO run queues,
 * UNDER (credit left) and OVER (credit spent), and its own lock.  A vCPU
 * is queued on v->processor; an idle CPU steals from the others, and so
 * does one running a vCPU out of credit while a vCPU with credit waits on
 * another CPU (that CPU is told at once: wake_thief).
 *
 * Domain-level bookkeeping (the list of active domains, credit accounting
 * at each period boundary, unparking capped domains) is under one
 * accounting lock.  Lock order: acct_lock, then one pcpu lock, then a
 * domain's cap_lock (a leaf); never two pcpu locks at once.  No 64-bit
 * atomics: 32-bit targets (ppc e500) have no lock-free ones and no
 * libatomic in a freestanding image, so 64-bit values shared between CPUs
 * sit under a lock (each CPU keeps its own copy of the period boundary).
 *
 * Per-domain cost: one struct sched_dom (~64 bytes); per vCPU one struct
 * sched_vcpu (~140 bytes, including its timer entries).  Accounting walks
 * only the domains that ran or wanted to run in the last period.
 */
#include <core/cpu.h>
#include <core/run.h>
#include <core/sched.h>
#include <core/sched_trace.h>
#include <hal/cpu.h>
#include <hal/timer.h>

#include "sched_internal.h"

/*
 * Priorities (SCHED_PRIO_*, core/cpu.h).  BOOST: just woken from
 * SCHEDOP_block/poll with credit left; runs before everything else once
 * (event latency), then falls back to UNDER/OVER.
 */

/* After each accounting a vCPU banks at most one period of credit and owes at most one. */
#define CREDIT_MAX ((int64_t)SCHED_ACCOUNT_PERIOD_NS)
#define CREDIT_MIN (-(int64_t)SCHED_ACCOUNT_PERIOD_NS)

struct sched_dom {
    struct domain *d;
    unsigned weight;
    unsigned cap; /* percent of one CPU, 0 = none */
    bool active;  /* on the active list */
    /* Accounting scratch (acct_lock): */
    unsigned busy_vcpus; /* vCPUs that ran this period or want to run */
    bool filled;         /* got all the credit it can hold */
    int64_t room;        /* credit its busy vCPUs can still take */
    int64_t grant;       /* credit for this period */
    struct sched_dom *a_next, *a_prev;
    spinlock_t cap_lock;
    int64_t cap_used; /* ns used against the cap (cap_lock); may carry debt */
};

static unsigned next_placement;

static spinlock_t acct_lock = SPINLOCK_INIT;
static struct sched_dom *active_head;
static uint64_t next_period_ns;  /* acct_lock; 0 until the first pick */
static uint64_t last_account_ns; /* acct_lock: when the last accounting ran */
static unsigned nr_parked;       /* vCPUs parked by a cap (atomic) */

/* ---- run queues (caller holds the pcpu lock) ---- */

static void rq_append(struct sched_runq *q, struct sched_vcpu *sv)
{
    sv->q_next = NULL;
    sv->q_prev = q->tail;
    if (q->tail)
        q->tail->q_next = sv;
    else
        q->head = sv;
    q->tail = sv;
}

static void rq_remove(struct sched_runq *q, struct sched_vcpu *sv)
{
    if (sv->q_prev)
        sv->q_prev->q_next = sv->q_next;
    else
        q->head = sv->q_next;
    if (sv->q_next)
        sv->q_next->q_prev = sv->q_prev;
    else
        q->tail = sv->q_prev;
    sv->q_next = sv->q_prev = NULL;
}

static void enqueue(struct sched_cpu *pc, struct sched_vcpu *sv, bool behind_all)
{
    sv->prio = (sv->credit > 0 && !behind_all) ? SCHED_PRIO_UNDER : SCHED_PRIO_OVER;
    if (sv->woke && sv->prio == SCHED_PRIO_UNDER)
        sv->prio = SCHED_PRIO_BOOST;
    sv->woke = false;
    rq_append(&pc->q[sv->prio], sv);
    sv->where = SCHED_QUEUED;
}

static inline __attribute__((always_inline)) void dequeue(struct sched_cpu *pc,
                                                          struct sched_vcpu *sv)
{
    if (sv->where == SCHED_QUEUED)
        rq_remove(&pc->q[sv->prio], sv);
    else if (sv->where == SCHED_PARKED)
        __atomic_sub_fetch(&nr_parked, 1, __ATOMIC_RELAXED);
    sv->where = SCHED_NOWHERE;
}

static void park(struct sched_vcpu *sv)
{
    sv->where = SCHED_PARKED;
    __atomic_add_fetch(&nr_parked, 1, __ATOMIC_RELAXED);
}

/* ---- affinity (sched_set_affinity) ---- */

static bool allowed(const struct sched_vcpu *sv, unsigned cpu)
{
    return (sv->affinity >> cpu) & 1;
}

/* prefer if sv may run there, else the lowest online CPU it may run on. */
static unsigned home_cpu(const struct sched_vcpu *sv, unsigned prefer)
{
    if (allowed(sv, prefer) && prefer < cpu_count())
        return prefer;
    for (unsigned i = 0; i < cpu_count(); i++)
        if (allowed(sv, i))
            return i;
    return 0;
}

/* Lock the pcpu v is on; retries if v migrates meanwhile.  Inline: every wake and sleep. */
static inline __attribute__((always_inline)) struct sched_cpu *
lock_vcpu_pcpu(struct vcpu *v, unsigned long *flags)
{
    for (;;) {
        unsigned cpu = __atomic_load_n(&v->processor, __ATOMIC_ACQUIRE);
        struct sched_cpu *pc = &cpu_by_id(cpu)->sched;
        *flags = spin_lock_irqsave(&pc->lock);
        if (__atomic_load_n(&v->processor, __ATOMIC_RELAXED) == cpu || cpu >= cpu_count())
            return pc;
        spin_unlock_irqrestore(&pc->lock, *flags);
    }
}

/* ---- caps ---- */

static int64_t cap_budget(const struct sched_dom *sd)
{
    /* Constant divisor folded at compile time: no 64-bit division helper needed. */
    return (int64_t)(SCHED_ACCOUNT_PERIOD_NS / 100) * sd->cap;
}

static __attribute__((noinline)) int64_t capped_left(struct sched_dom *sd)
{
    unsigned long flags = spin_lock_irqsave(&sd->cap_lock);
    int64_t used = sd->cap_used;
    spin_unlock_irqrestore(&sd->cap_lock, flags);
    return cap_budget(sd) - used;
}

/*
 * ns the domain may still run this period; INT64_MAX if uncapped.  The
 * uncapped test inline: every wake and pick asks it, few domains are capped.
 */
static inline int64_t cap_left(struct sched_dom *sd)
{
    if (!sd || !sd->cap)
        return INT64_MAX;
    return capped_left(sd);
}

/* ---- setup ---- */

void sched_init(unsigned nr_cpus)
{
    /*
     * Resets every CPU's run queues and timer heap (their arrays were in
     * the hypervisor heap, reset with the rest of the core state).
     */
    cpu_init(nr_cpus);
    next_placement = 0;
    acct_lock.locked = 0;
    active_head = NULL;
    next_period_ns = 0;
    last_account_ns = 0;
    nr_parked = 0;
}

static bool params_ok(unsigned weight, unsigned cap)
{
    return weight >= 1 && weight <= DOMCTL_WEIGHT_MAX && cap <= 100 * cpu_count();
}

int sched_domain_init(struct domain *d, unsigned weight, unsigned cap)
{
    if (weight == 0)
        weight = DOMCTL_WEIGHT_DEFAULT;
    if (!params_ok(weight, cap))
        return -HESTIA_EINVAL;
    struct sched_dom *sd = core_heap_alloc(sizeof(*sd));
    if (!sd)
        return -HESTIA_ENOMEM;
    sd->d = d;
    sd->weight = weight;
    sd->cap = cap;
    d->sched = sd;
    return 0;
}

static void deactivate_locked(struct sched_dom *sd)
{
    if (!sd->active)
        return;
    if (sd->a_prev)
        sd->a_prev->a_next = sd->a_next;
    else
        active_head = sd->a_next;
    if (sd->a_next)
        sd->a_next->a_prev = sd->a_prev;
    sd->a_next = sd->a_prev = NULL;
    sd->active = false;
}

static void activate(struct sched_dom *sd)
{
    if (__atomic_load_n(&sd->active, __ATOMIC_RELAXED))
        return;
    unsigned long flags = spin_lock_irqsave(&acct_lock);
    if (!sd->active) {
        sd->active = true;
        sd->a_prev = NULL;
        sd->a_next = active_head;
        if (active_head)
            active_head->a_prev = sd;
        active_head = sd;
    }
    spin_unlock_irqrestore(&acct_lock, flags);
}

void sched_domain_destroy(struct domain *d)
{
    struct sched_dom *sd = d->sched;
    if (!sd)
        return;
    unsigned long flags = spin_lock_irqsave(&acct_lock);
    deactivate_locked(sd);
    spin_unlock_irqrestore(&acct_lock, flags);
    d->sched = NULL;
    core_heap_free(sd);
    run_note_change(RUN_ALL_CPUS);
}

int sched_vcpu_init(struct vcpu *v)
{
    struct sched_vcpu *sv = core_heap_alloc(sizeof(*sv));
    if (!sv)
        return -HESTIA_ENOMEM;
    sv->v = v;
    sv->where = SCHED_NOWHERE;
    sv->t_guest.v = sv->t_poll.v = v;
    sv->t_guest.kind = TIMER_GUEST;
    sv->t_poll.kind = TIMER_POLL;
    sv->t_guest.heap_idx = sv->t_poll.heap_idx = TIMER_NOT_QUEUED;
    sv->affinity = ~0u;
    /* Spread vCPUs over the CPUs; stealing evens out what is left. */
    v->processor = next_placement;
    next_placement = next_placement + 1 < cpu_count() ? next_placement + 1 : 0;
    v->sched = sv;
    return 0;
}

void sched_vcpu_destroy(struct vcpu *v)
{
    struct sched_vcpu *sv = v->sched;
    if (!sv)
        return;
    timer_vcpu_destroy(v);
    /*
     * The accounting walks the active domains' vCPU pointers: take the
     * domain off that list before the vCPU goes away (it is being
     * destroyed; a dying domain is never woken again).
     */
    unsigned long flags = spin_lock_irqsave(&acct_lock);
    if (v->domain && v->domain->sched)
        deactivate_locked(v->domain->sched);
    spin_unlock_irqrestore(&acct_lock, flags);
    struct sched_cpu *pc = lock_vcpu_pcpu(v, &flags);
    dequeue(pc, sv);
    sv->running = false;
    v->sched = NULL;
    spin_unlock_irqrestore(&pc->lock, flags);
    v->poll_ports = NULL;
    v->nr_poll_ports = 0;
    if (sv->poll_buf)
        core_heap_free(sv->poll_buf);
    core_heap_free(sv);
    run_note_change(v->processor);
}

int sched_set_params(struct domain *d, unsigned weight, unsigned cap)
{
    if (!d || !d->sched || !params_ok(weight, cap))
        return -HESTIA_EINVAL;
    unsigned long flags = spin_lock_irqsave(&acct_lock);
    d->sched->weight = weight;
    d->sched->cap = cap;
    spin_unlock_irqrestore(&acct_lock, flags);
    run_note_change(RUN_ALL_CPUS);
    return 0;
}

void sched_get_params(const struct domain *d, unsigned *weight, unsigned *cap)
{
    const struct sched_dom *sd = d ? d->sched : NULL;
    if (weight)
        *weight = sd ? sd->weight : 0;
    if (cap)
        *cap = sd ? sd->cap : 0;
}

uint64_t sched_domain_runtime(const struct domain *d)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < HESTIA_MAX_VCPUS; i++)
        if (d->vcpus[i])
            sum += run_vcpu_runtime(d->vcpus[i]); /* the run loop's accounting */
    return sum;
}

/* ---- wake / sleep / yield ---- */

static inline void charge(struct sched_vcpu *sv, uint64_t now);

void sched_poll_end(struct vcpu *v)
{
    if (v->nr_poll_ports || v->poll_deadline_ns) {
        v->nr_poll_ports = 0;
        v->poll_ports = NULL;
        timer_poll_cancel(v);
    }
}

/*
 * Whether CPU i runs a vCPU with no credit left (OVER).  A peek at its
 * current vCPU without its run-queue lock: the scheduler runs under the
 * hypervisor lock (every caller is a core entry point), under which
 * current vCPUs and credit change, so the value is not torn; at worst it
 * is a pass old, which costs one needless pass.
 */
static bool runs_over(unsigned i, uint64_t now)
{
    const struct vcpu *cur = __atomic_load_n(&cpu_by_id(i)->current, __ATOMIC_RELAXED);
    const struct sched_vcpu *sv = cur ? cur->sched : NULL;
    if (!sv || !sv->running)
        return false;
    /* Its credit at its last charge, less what it has run since. */
    int64_t ran = now > sv->run_start ? (int64_t)(now - sv->run_start) : 0;
    return sv->credit - ran <= 0;
}

/*
 * sv was queued on busy CPU home: let one idle CPU it may run on look at
 * once (it steals sv) instead of at its next timer; failing that, if sv
 * has credit, a CPU running a vCPU that has none, which gives way to it
 * (sched_pick).  Without the second, UNDER work waited behind a busy CPU
 * while another ran OVER work until that one's slice ended (up to 10 ms
 * of every 30 ms period): on ppc with 4 CPUs a burner of weight 1 got
 * 0.40 CPU instead of 0.33, and one entitled to a whole CPU 0.91.
 */
static bool cpu_busy(unsigned cpu)
{
    return __atomic_load_n(&cpu_by_id(cpu)->sched.busy, __ATOMIC_RELAXED);
}

static void wake_thief_smp(const struct sched_vcpu *sv, unsigned home)
{
    if (!cpu_busy(home))
        return; /* home is idle itself and was kicked */
    for (unsigned i = 0; i < cpu_count(); i++)
        if (i != home && allowed(sv, i) && !cpu_busy(i)) {
            run_note_change(i);
            return;
        }
    if (sv->credit <= 0)
        return;
    uint64_t now = hal_time_ns();
    for (unsigned i = 0; i < cpu_count(); i++)
        if (i != home && allowed(sv, i) && runs_over(i, now)) {
            run_note_change(i);
            return;
        }
}

static inline void wake_thief(const struct sched_vcpu *sv, unsigned home)
{
    if (cpu_count() > 1) /* else no other CPU to tell */
        wake_thief_smp(sv, home);
}

/* UNDER work queued on another CPU that may run on cpu (a peek at queue heads). */
static bool under_elsewhere(unsigned cpu)
{
    for (unsigned i = 0; i < cpu_count(); i++) {
        const struct sched_vcpu *h =
            i == cpu ? NULL
                     : __atomic_load_n(&cpu_by_id(i)->sched.q[SCHED_PRIO_UNDER].head,
                                       __ATOMIC_RELAXED);
        if (h && allowed(h, cpu))
            return true;
    }
    return false;
}

/*
 * sv was just queued OVER (no credit left) on CPU cpu, which runs a vCPU
 * claimed by its last pick: the pass a change would force there picks
 * that vCPU again and arms the same deadline (an OVER queue decides
 * neither: sched_pick keeps prev unless BOOST / UNDER work waits, its
 * slice ended or it yielded, and each of those marks its own change or
 * is the armed deadline), so the change is not worth a pass.  An idle
 * CPU (no current) must look.  An event round trip whose peer has spent
 * its credit paid one wasted full pass per wake-up without this.
 */
static bool queued_behind_current(const struct sched_vcpu *sv, unsigned cpu)
{
    if (sv->where != SCHED_QUEUED || sv->prio != SCHED_PRIO_OVER || cpu >= cpu_count())
        return false;
    const struct vcpu *cur = __atomic_load_n(&cpu_by_id(cpu)->current, __ATOMIC_RELAXED);
    return cur && cur->sched && cur->sched->running && cur->state == VCPU_RUNNING;
}

void sched_wake(struct vcpu *v)
{
    struct sched_vcpu *sv = v->sched;
    if (!sv)
        return;
    if (v->state != VCPU_BLOCKED)
        sched_poll_end(v);
    if (!vcpu_runnable(v))
        return;
    struct sched_dom *sd = v->domain ? v->domain->sched : NULL;
    if (sd)
        activate(sd);
    unsigned long flags;
    struct sched_cpu *pc = lock_vcpu_pcpu(v, &flags);
    if (!allowed(sv, v->processor) && sv->where == SCHED_NOWHERE && !sv->running &&
        v->state != VCPU_RUNNING) {
        /* Its last CPU is not one it may use now: queue it on one it may. */
        spin_unlock_irqrestore(&pc->lock, flags);
        __atomic_store_n(&v->processor, home_cpu(sv, v->processor), __ATOMIC_RELEASE);
        pc = lock_vcpu_pcpu(v, &flags);
    }
    /* Already queued, parked or on a CPU: nothing to do. */
    if (sv->where == SCHED_NOWHERE && !sv->running && v->state != VCPU_RUNNING) {
        if (cap_left(sd) <= 0)
            park(sv);
        else
            enqueue(pc, sv, false);
        /* It may preempt the current vCPU, unless it queued OVER behind a running one. */
        if (!queued_behind_current(sv, v->processor))
            run_note_change(v->processor);
        if (sv->where == SCHED_QUEUED)
            wake_thief(sv, v->processor);
    }
    SCHED_TRACE_VCPU(ST_WAKE, v);
    spin_unlock_irqrestore(&pc->lock, flags);
}

void sched_sleep(struct vcpu *v)
{
    struct sched_vcpu *sv = v->sched;
    if (!sv)
        return;
    unsigned long flags;
    struct sched_cpu *pc = lock_vcpu_pcpu(v, &flags);
    if (!vcpu_runnable(v)) {
        dequeue(pc, sv);
        sv->woke = v->state == VCPU_BLOCKED; /* its wake-up may be boosted */
        /*
         * Off the CPU now: burn its credit here, because the run loop may
         * already have dropped it as current (pause, shutdown) and then no
         * sched_pick() will see it as prev.
         */
        if (sv->running) {
            charge(sv, hal_time_ns());
            sv->running = false;
        }
        run_note_change(v->processor);
    }
    spin_unlock_irqrestore(&pc->lock, flags);
}

void sched_yield_vcpu(struct vcpu *v)
{
    if (v->sched) {
        v->sched->yielded = true;
        run_note_change(v->processor);
    }
}

/* ---- accounting ---- */

/*
 * n / d by shift and subtract: core/ is built for 32-bit targets without
 * libgcc (__udivdi3), and this runs once per active domain per period.
 */
static uint64_t udiv64(uint64_t n, uint64_t d)
{
    if (d == 0)
        return 0;
    uint64_t q = 0, r = 0;
    for (int bit = 63; bit >= 0; bit--) {
        r = (r << 1) | ((n >> bit) & 1u);
        if (r >= d) {
            r -= d;
            q |= 1ull << bit;
        }
    }
    return q;
}

static bool vcpu_wants_cpu(const struct vcpu *v)
{
    return v->state == VCPU_RUNNABLE || v->state == VCPU_RUNNING;
}

/*
 * Split `total` among the busy domains by weight, water-filling: a domain
 * that cannot hold its fair share (it did not spend its credit: a mostly
 * idle, I/O-bound domain) gets only what it can hold, and the rest is
 * shared again among the others by weight.  Without this the unspent
 * share would be lost and the busy domains would all sink to OVER, where
 * weights no longer matter.
 */
static void fill_grants(uint64_t total)
{
    struct sched_dom *sd;
    uint64_t left = total;
    for (unsigned pass = 0; pass < 8 && left; pass++) {
        uint64_t weights = 0;
        for (sd = active_head; sd; sd = sd->a_next)
            if (sd->busy_vcpus && !sd->filled)
                weights += sd->weight;
        if (!weights)
            return;
        bool progress = false;
        uint64_t pool = left;
        for (sd = active_head; sd; sd = sd->a_next) {
            if (!sd->busy_vcpus || sd->filled)
                continue;
            uint64_t fair = udiv64(pool * sd->weight, weights);
            if (sd->room <= 0 || (uint64_t)sd->room <= fair) {
                uint64_t g = sd->room > 0 ? (uint64_t)sd->room : 0;
                sd->grant = (int64_t)g;
                sd->filled = true;
                left -= g;
                progress = true;
            }
        }
        if (!progress || pass == 7) {
            for (sd = active_head; sd; sd = sd->a_next)
                if (sd->busy_vcpus && !sd->filled)
                    sd->grant = (int64_t)udiv64(pool * sd->weight, weights);
            return;
        }
    }
}

/*
 * Charge d's vCPUs that are running on a CPU up to now, as sched_pick()
 * charges its own prev before the accounting; then how much more credit
 * its busy vCPUs can hold before they hit CREDIT_MAX.  Without the charge
 * a vCPU running on another CPU reached the period boundary with its
 * stint uncharged: its credit looked full, the grant was cut off at
 * CREDIT_MAX, and the charge that followed left it with nothing for the
 * new period (the vCPU that should have had a CPU of its own went OVER
 * and lost it to weights 1 and 2: smp.weights-across-cpus, ppc with 4
 * CPUs).  Running (claimed by a pick) and RUNNING (entered by the run
 * loop) both change under the hypervisor lock, which every accounting
 * pass holds, so run_start is that of the stint now under way.
 */
static int64_t charge_and_room(struct sched_dom *sd, uint64_t now)
{
    int64_t room = 0;
    for (unsigned i = 0; i < HESTIA_MAX_VCPUS; i++) {
        struct vcpu *v = sd->d->vcpus[i];
        if (!v || !v->sched)
            continue;
        unsigned long flags;
        struct sched_cpu *pc = lock_vcpu_pcpu(v, &flags);
        if (v->sched->running && v->state == VCPU_RUNNING)
            charge(v->sched, now);
        if (vcpu_wants_cpu(v) || v->sched->period_ns)
            room += CREDIT_MAX - v->sched->credit;
        spin_unlock_irqrestore(&pc->lock, flags);
    }
    return room;
}

/*
 * Share span ns of every CPU among the active domains (fill_grants), split
 * each domain's grant among its vCPUs that ran or wanted to run, and let
 * capped domains run again.  Caller holds acct_lock.
 */
static void account_locked(uint64_t now, uint64_t span)
{
    struct sched_dom *sd, *next;
    uint32_t usable = 0; /* CPUs the busy vCPUs may run on (affinity) */

    for (sd = active_head; sd; sd = next) {
        next = sd->a_next;
        int64_t room = charge_and_room(sd, now); /* first: the charge feeds the rest */
        sd->busy_vcpus = 0;
        for (unsigned i = 0; i < HESTIA_MAX_VCPUS; i++) {
            struct vcpu *v = sd->d->vcpus[i];
            if (v && v->sched && (vcpu_wants_cpu(v) || v->sched->period_ns)) {
                sd->busy_vcpus++;
                usable |= v->sched->affinity;
            }
        }
        int64_t debt = 0;
        if (sd->cap) {
            unsigned long cf = spin_lock_irqsave(&sd->cap_lock);
            /* Overshoot (several vCPUs, late timer) is paid back next period. */
            debt = sd->cap_used - cap_budget(sd);
            sd->cap_used = debt > 0 ? debt : 0;
            spin_unlock_irqrestore(&sd->cap_lock, cf);
        }
        sd->grant = 0;
        sd->filled = false;
        sd->room = sd->busy_vcpus ? room : 0;
        if (!sd->busy_vcpus && debt <= 0)
            deactivate_locked(sd); /* sched_wake re-activates it */
    }
    /*
     * Credit for the CPUs the busy vCPUs can use, not for every CPU: busy
     * vCPUs pinned to one CPU of two share one CPU's worth, so weights
     * still divide it (with the default affinity it is every CPU).
     */
    unsigned n = 0;
    for (unsigned i = 0; i < cpu_count(); i++)
        n += (usable >> i) & 1;
    fill_grants(span * (n ? n : cpu_count()));

    for (sd = active_head; sd; sd = sd->a_next) {
        unsigned n = sd->busy_vcpus;
        int64_t per_vcpu = n && sd->grant > 0 ? (int64_t)udiv64((uint64_t)sd->grant, n) : 0;
        bool runs_again = cap_left(sd) > 0;
        for (unsigned i = 0; i < HESTIA_MAX_VCPUS; i++) {
            struct vcpu *v = sd->d->vcpus[i];
            if (!v || !v->sched)
                continue;
            struct sched_vcpu *sv = v->sched;
            unsigned long flags;
            struct sched_cpu *pc = lock_vcpu_pcpu(v, &flags);
            if (vcpu_wants_cpu(v) || sv->period_ns) {
                /* Debt is bounded here, not in charge(): see account_if_due. */
                int64_t c = sv->credit + per_vcpu;
                sv->credit = c > CREDIT_MAX ? CREDIT_MAX : c < CREDIT_MIN ? CREDIT_MIN : c;
            }
            sv->period_ns = 0;
            if (sv->where == SCHED_QUEUED && sv->prio == SCHED_PRIO_OVER &&
                sv->credit > 0) {
                dequeue(pc, sv);
                enqueue(pc, sv, false);
            } else if (sv->where == SCHED_PARKED && runs_again) {
                dequeue(pc, sv);
                if (vcpu_runnable(v)) {
                    enqueue(pc, sv, false);
                    run_note_change(
                        v->processor); /* no other CPU steals from an idle one */
                }
            }
            spin_unlock_irqrestore(&pc->lock, flags);
        }
    }
}

/*
 * Called when this CPU's copy of the period boundary says it has passed:
 * whichever CPU gets here first does the accounting, then every CPU's copy
 * is refreshed.
 */
static void account_if_due(uint64_t now)
{
    unsigned long flags = spin_lock_irqsave(&acct_lock);
    uint64_t np = next_period_ns;
    if (!np) {
        np = now + SCHED_ACCOUNT_PERIOD_NS;
    } else if (now >= np) {
        /*
         * Hand out credit for the time since the last accounting, not for
         * one period, and let charges run below CREDIT_MIN until now: a
         * loaded host stops the emulator, a boundary is seen late, and the
         * vCPUs were charged for more than one period.  With one period's
         * credit every busy vCPU sank to OVER, where vCPUs take turns; with
         * charges clipped early, a vCPU that ran the whole span looked as
         * if it wanted less than its share, and water-filling handed the
         * rest to the light ones.  Either way x86 with 4 CPUs on a loaded
         * host gave weights 1 and 2 equal shares (unit test
         * sched.weights_hold_with_late_timers: 0.49 where 2.0 was due).
         * The span is bounded only so that fill_grants cannot overflow;
         * after an idle stretch the grants are bounded by CREDIT_MAX anyway.
         */
        uint64_t span = last_account_ns && now > last_account_ns ? now - last_account_ns
                                                                 : SCHED_ACCOUNT_PERIOD_NS;
        if (span > 32 * SCHED_ACCOUNT_PERIOD_NS)
            span = 32 * SCHED_ACCOUNT_PERIOD_NS;
        account_locked(now, span);
        last_account_ns = now;
        /* After a long idle stretch start a fresh period rather than catch up. */
        np += SCHED_ACCOUNT_PERIOD_NS;
        if (now >= np)
            np = now + SCHED_ACCOUNT_PERIOD_NS;
    }
    next_period_ns = np;
    for (unsigned i = 0; i < cpu_count(); i++) {
        unsigned long f = spin_lock_irqsave(&cpu_by_id(i)->sched.lock);
        cpu_by_id(i)->sched.next_period = np;
        spin_unlock_irqrestore(&cpu_by_id(i)->sched.lock, f);
    }
    spin_unlock_irqrestore(&acct_lock, flags);
}

/* ---- picking ---- */

/*
 * Burn credit (and cap budget) for the time sv ran since run_start.  The
 * vCPU's runtime_ns and last_start_ns belong to the run loop (run.c).
 */
static inline __attribute__((always_inline)) void charge(struct sched_vcpu *sv,
                                                         uint64_t now)
{
    struct vcpu *v = sv->v;
    uint64_t delta = now > sv->run_start ? now - sv->run_start : 0;
    sv->run_start = now;
    if (!delta)
        return;
    sv->period_ns += delta;
    sv->credit -= (int64_t)delta; /* bounded at the next accounting */
    struct sched_dom *sd = v->domain ? v->domain->sched : NULL;
    if (sd && sd->cap) {
        unsigned long flags = spin_lock_irqsave(&sd->cap_lock);
        sd->cap_used += (int64_t)delta;
        spin_unlock_irqrestore(&sd->cap_lock, flags);
    }
}

/*
 * Head of the best non-empty queue up to priority class worst, parking
 * vCPUs of capped-out domains on the way.
 */
static inline __attribute__((always_inline)) struct sched_vcpu *
take_best(struct sched_cpu *pc, int worst, unsigned cpu)
{
    for (int p = SCHED_PRIO_BOOST; p <= worst; p++) {
        struct sched_vcpu *sv = pc->q[p].head, *next;
        for (; sv; sv = next) {
            next = sv->q_next;
            if (!allowed(sv, cpu))
                continue; /* pinned elsewhere: only a thief passes it over */
            dequeue(pc, sv);
            if (cap_left(sv->v->domain ? sv->v->domain->sched : NULL) > 0)
                return sv;
            park(sv);
        }
    }
    return NULL;
}

/*
 * Take queued work from another CPU: anything (worst = OVER) when this one
 * has nothing, only UNDER work when this one has only OVER work, so that
 * credit, not placement, decides who runs.  Not from an idle CPU: a wake
 * queued there kicked it (sched_wake), and it runs the vCPU itself within
 * an IPI's latency, where the vCPU's registers and cache still are.
 * Stealing it instead moved the partner of an event round trip onto the
 * sender's CPU whenever the sender blocked before that IPI landed, and
 * there it stayed: two domains that had each a CPU then took turns on
 * one (ia64, two CPUs: 15260 instructions a round trip instead of 10560).
 * Called without locks held.
 */
static struct sched_vcpu *steal(unsigned cpu, int worst)
{
    unsigned n = cpu_count();
    for (unsigned i = 1; i < n; i++) {
        unsigned o = cpu + i < n ? cpu + i : cpu + i - n;
        if (!cpu_busy(o))
            continue; /* idle: it takes its own queue (above) */
        struct sched_cpu *other = &cpu_by_id(o)->sched;
        /* Unlocked peek: a stale answer only costs a missed or empty steal. */
        if (!__atomic_load_n(&other->q[SCHED_PRIO_BOOST].head, __ATOMIC_RELAXED) &&
            !__atomic_load_n(&other->q[SCHED_PRIO_UNDER].head, __ATOMIC_RELAXED) &&
            (worst == SCHED_PRIO_UNDER ||
             !__atomic_load_n(&other->q[SCHED_PRIO_OVER].head, __ATOMIC_RELAXED)))
            continue;
        unsigned long flags = spin_lock_irqsave(&other->lock);
        struct sched_vcpu *sv = take_best(other, worst, cpu);
        if (sv) {
            /* Claim it before dropping the lock so a wake cannot queue it twice. */
            sv->running = true;
            __atomic_store_n(&sv->v->processor, cpu, __ATOMIC_RELEASE);
        }
        spin_unlock_irqrestore(&other->lock, flags);
        if (sv)
            return sv;
    }
    return NULL;
}

/* Queue sv (on no queue, not running) on CPU cpu and make that CPU look. */
static void requeue_on(struct sched_vcpu *sv, unsigned cpu)
{
    struct sched_cpu *to = &cpu_by_id(cpu)->sched;
    unsigned long flags = spin_lock_irqsave(&to->lock);
    __atomic_store_n(&sv->v->processor, cpu, __ATOMIC_RELEASE);
    if (sv->where == SCHED_NOWHERE && vcpu_runnable(sv->v))
        enqueue(to, sv, false);
    spin_unlock_irqrestore(&to->lock, flags);
    run_note_change(cpu);
}

int sched_set_affinity(struct domain *d, unsigned vcpu, uint32_t cpus)
{
    uint32_t online = cpu_count() >= 32 ? ~0u : (1u << cpu_count()) - 1;
    if (!(cpus & online))
        return -HESTIA_EINVAL;
    if (vcpu != SCHED_ALL_VCPUS && (vcpu >= d->nr_vcpus || !d->vcpus[vcpu]))
        return -HESTIA_EINVAL;
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        if (!v || !v->sched || (vcpu != SCHED_ALL_VCPUS && i != vcpu))
            continue;
        struct sched_vcpu *sv = v->sched;
        unsigned long flags;
        struct sched_cpu *pc = lock_vcpu_pcpu(v, &flags);
        sv->affinity = cpus;
        unsigned cpu = v->processor;
        bool move = !allowed(sv, cpu) && sv->where != SCHED_PARKED && !sv->running;
        if (move)
            dequeue(pc, sv);
        else if (!allowed(sv, cpu) && sv->where == SCHED_PARKED)
            __atomic_store_n(&v->processor, home_cpu(sv, cpu), __ATOMIC_RELEASE);
        spin_unlock_irqrestore(&pc->lock, flags);
        if (move)
            requeue_on(sv, home_cpu(sv, cpu));
        else if (!allowed(sv, cpu))
            run_note_change(cpu); /* running there: its next pass moves it */
        SCHED_TRACE_VCPU(ST_AFFINITY, v);
    }
    return 0;
}

uint32_t sched_get_affinity(const struct domain *d, unsigned vcpu)
{
    if (vcpu >= d->nr_vcpus || !d->vcpus[vcpu] || !d->vcpus[vcpu]->sched)
        return 0;
    return d->vcpus[vcpu]->sched->affinity;
}

/*
 * sv's credit is at least the time left in this period: to use it, it must
 * run to the boundary, so a slice end does not hand its CPU to a vCPU of
 * the same class that can still wait (least slack first).  Without this a
 * one-vCPU domain entitled to a whole CPU took 10 ms turns with a lighter
 * one queued behind it, and what it waited was lost for good (its credit
 * is capped at one period, and water-filling gave the share it could not
 * hold to the lighter ones): ppc/smp4 under -icount, weights 1, 2, 3, 3, 3
 * read 0.386, 0.745, 1.000, 0.999, 0.868 in some code layouts.
 */
static bool no_slack(const struct sched_vcpu *sv, const struct sched_cpu *pc, uint64_t now)
{
    return sv->credit > 0 && pc->next_period > now &&
           (uint64_t)sv->credit >= pc->next_period - now;
}

struct vcpu *sched_pick(unsigned cpu, struct vcpu *prev, uint64_t now, uint64_t *deadline)
{
    if (deadline)
        *deadline = 0;
    if (cpu >= cpu_count())
        return NULL;
    struct sched_cpu *pc = &cpu_by_id(cpu)->sched;
    bool had_prev = prev && prev->sched && prev->sched->running && prev->processor == cpu;

    /*
     * The run-queue lock is taken once for a pick that stays on this CPU
     * (prev goes on, or the next vCPU comes from this CPU's queues): it is
     * let go only around the accounting, a move and a steal, which take
     * other CPUs' locks (never two pcpu locks at once).  Charge first, so
     * the time before a period boundary counts in that period.
     */
    unsigned long flags = spin_lock_irqsave(&pc->lock);
    if (had_prev)
        charge(prev->sched, now);
    if (!pc->next_period || now >= pc->next_period) {
        spin_unlock_irqrestore(&pc->lock, flags);
        account_if_due(now);
        flags = spin_lock_irqsave(&pc->lock);
    }

    struct sched_vcpu *next = NULL;
    bool fresh = true; /* next starts a new slice */

    struct sched_vcpu *moved = NULL; /* prev, now pinned elsewhere (sched_set_affinity) */
    if (had_prev) {
        struct sched_vcpu *sv = prev->sched;
        struct sched_dom *sd = prev->domain ? prev->domain->sched : NULL;
        sv->running = false;
        if (vcpu_runnable(prev)) {
            if (!allowed(sv, cpu)) {
                moved = sv;
            } else if (cap_left(sd) <= 0) {
                park(sv);
            } else if (!sv->yielded && (now < sv->slice_end || no_slack(sv, pc, now)) &&
                       !pc->q[SCHED_PRIO_BOOST].head &&
                       !(sv->credit <= 0 &&
                         (pc->q[SCHED_PRIO_UNDER].head || under_elsewhere(cpu)))) {
                next = sv;
                fresh = now >= sv->slice_end; /* kept past its slice: a new one */
            } else {
                enqueue(pc, sv, sv->yielded);
            }
        }
        sv->yielded = false;
    }
    if (!next)
        next = take_best(pc, SCHED_PRIO_OVER, cpu);
    if (moved) {
        spin_unlock_irqrestore(&pc->lock, flags);
        requeue_on(moved, home_cpu(moved, cpu));
        flags = spin_lock_irqsave(&pc->lock);
    }
    if (next && fresh && next->credit <= 0 && cpu_count() > 1) {
        /* Only OVER work here: prefer UNDER work queued elsewhere. Claim ours meanwhile. */
        next->running = true;
        next->run_start = now;
        spin_unlock_irqrestore(&pc->lock, flags);
        struct sched_vcpu *stolen = steal(cpu, SCHED_PRIO_UNDER);
        flags = spin_lock_irqsave(&pc->lock);
        if (stolen) {
            next->running = false;
            if (next->where == SCHED_NOWHERE && vcpu_runnable(next->v))
                enqueue(pc, next, false);
            next = stolen;
        }
    } else if (!next) {
        spin_unlock_irqrestore(&pc->lock, flags);
        next = steal(cpu, SCHED_PRIO_OVER);
        flags = spin_lock_irqsave(&pc->lock);
    }

    if (next) {
        struct vcpu *v = next->v;
        next->running = true;
        next->run_start = now;
        v->processor = cpu;
        if (fresh) {
            next->slice_end = now + SCHED_SLICE_NS;
            next->yielded = false; /* a yield only counts while on the CPU */
        }
        uint64_t dl = next->slice_end;
        /* Give the CPU back when credit runs out if UNDER work is waiting. */
        if (next->credit > 0 &&
            (pc->q[SCHED_PRIO_UNDER].head || pc->q[SCHED_PRIO_BOOST].head) &&
            now + (uint64_t)next->credit < dl)
            dl = now + (uint64_t)next->credit;
        int64_t left = cap_left(v->domain ? v->domain->sched : NULL);
        if (left != INT64_MAX && now + (uint64_t)left < dl)
            dl = now + (uint64_t)left;
        if (pc->next_period && pc->next_period < dl)
            dl = pc->next_period;
        /*
         * Work left queued here: an idle CPU takes it (none steals from an
         * idle CPU, so none may have looked yet), or, UNDER work, a CPU on
         * OVER work.
         */
        __atomic_store_n(&pc->busy, true, __ATOMIC_RELAXED);
        struct sched_vcpu *waiting = NULL;
        if (cpu_count() > 1) { /* else no other CPU to tell */
            waiting = pc->q[SCHED_PRIO_BOOST].head;
            if (!waiting)
                waiting = pc->q[SCHED_PRIO_UNDER].head;
            if (!waiting)
                waiting = pc->q[SCHED_PRIO_OVER].head;
        }
        spin_unlock_irqrestore(&pc->lock, flags);
        if (waiting)
            wake_thief_smp(waiting, cpu);
        if (deadline)
            *deadline = dl;
        SCHED_TRACE_PICK(cpu, v);
        return v;
    }
    /* Idle: come back at the period boundary if a capped domain waits for it. */
    if (deadline && __atomic_load_n(&nr_parked, __ATOMIC_RELAXED))
        *deadline = pc->next_period;
    SCHED_TRACE_PICK(cpu, NULL);
    __atomic_store_n(&pc->busy, false, __ATOMIC_RELAXED);
    spin_unlock_irqrestore(&pc->lock, flags);
    return NULL;
}
