/* SPDX-License-Identifier: MIT */
/*
 * Domains and vCPUs: the objects every core module hangs its state on.
 * Each module keeps its per-domain / per-vCPU state behind its own pointer
 * so that modules stay independent and per-domain memory stays small.
 */
#ifndef CORE_DOMAIN_H
#define CORE_DOMAIN_H

#include <hal/types.h>
#include <hestia/hestia.h>

#include "lib.h"

/* vCPU run states. */
enum vcpu_state {
    VCPU_DOWN,     /* not started (no start_vcpu yet) or domain dead */
    VCPU_RUNNABLE, /* wants the CPU */
    VCPU_RUNNING,  /* on a physical CPU now */
    VCPU_BLOCKED,  /* SCHEDOP_block / poll: waits for an event or timeout */
};

struct sched_vcpu;  /* sched.c */
struct sched_dom;   /* sched.c */
struct evtchn_dom;  /* event.c */
struct grant_dom;   /* grant.c */
struct mm_dom;      /* mm/p2m.c */
struct mmu_dom;     /* pvmmu.c */
struct console_dom; /* console.c */

struct vcpu {
    unsigned id;
    unsigned processor; /* physical CPU it runs on / is queued on */
    struct domain *domain;
    struct hal_vcpu *hal;
    struct vcpu_info *info; /* inside the domain's shared info page */
    enum vcpu_state state;
    unsigned pause_count;  /* vCPU-level pauses (not used by domctl) */
    bool started;          /* DOMCTL_start_vcpu / boot gave it a context */
    bool in_user;          /* last known guest mode, for accounting */
    bool context_replaced; /* hypercall.c: the call in flight loaded a new context */
    uint32_t on_cpu; /* 1 while a CPU has it as current (run.c:set_current), for waiters */
    uint64_t runtime_ns;        /* CPU time consumed */
    uint64_t last_start_ns;     /* when it was last put on a CPU */
    uint64_t timer_deadline_ns; /* guest one-shot timer (0 = off) */
    uint64_t poll_deadline_ns;  /* SCHEDOP_poll timeout (0 = none) */
    const uint32_t *poll_ports; /* ports polled, copied into poll_buf */
    unsigned nr_poll_ports;
    uint64_t kernel_stack; /* loaded on entry from guest user mode */
    struct hestia_callbacks callbacks;
    struct sched_vcpu *sched;
};

struct domain {
    hestia_domid_t id;
    bool privileged; /* dom0 */
    bool dying;      /* being destroyed: no new references */
    bool is_shutdown;
    unsigned shutdown_reason;
    unsigned pause_count;   /* domctl pause + internal pauses */
    bool ctl_paused;        /* paused through DOMCTL_pause */
    bool restoring;         /* created with DOMCTL_CREATE_RESTORE (domctl_restore.c) */
    bool state_loaded;      /* DOMCTL_set_domain_state done (once only) */
    int64_t time_offset_ns; /* guest system time = host time + this (restore) */
    uint64_t
        ctl_paused_ns; /* host time of the last DOMCTL_pause: its guest time stops there */
    unsigned nr_vcpus;
    struct vcpu *vcpus[HESTIA_MAX_VCPUS];
    struct shared_info *shared_info;
    mfn_t shared_info_mfn;
    spinlock_t lock;

    struct mm_dom *mm;
    struct mmu_dom *mmu;
    struct evtchn_dom *evtchn;
    struct grant_dom *grant;
    struct sched_dom *sched;
    struct console_dom *console;
    struct logdirty *logdirty; /* NULL unless DOMCTL_log_dirty enabled it */
    bool hvm;                  /* DOMCTL_CREATE_HVM (core/hvm.c) */
    struct hal_as *gphys;      /* an HVM domain's guest-physical space */

    /* domain_ref.c: CPUs whose current vCPU is one of ours; teardown waits for 0. */
    unsigned cpu_refs;
    bool teardown_deferred;
};

/* Forget every domain (boot, and between host tests after mm_init). */
void domain_init_all(void);

/*
 * Create a domain with nr_pages of pseudo-physical memory (all populated),
 * max_vcpus vCPUs (all down) and a shared info page.  Returns 0 and *out,
 * or -HESTIA_ENOMEM / -HESTIA_EINVAL / -HESTIA_ENOSPC (no free domid).
 * The domain starts paused once (ctl_paused) so that nothing runs before
 * it is built.
 */
int domain_create(uint64_t nr_pages, unsigned max_vcpus, bool privileged,
                  struct domain **out);

/* Tear down and free a domain.  Its vCPUs must not be running. */
int domain_destroy(struct domain *d);

/* Look up by id; NULL if none or dying. DOMID_SELF is not resolved here. */
struct domain *domain_lookup(hestia_domid_t id);

/* The first domain with id >= id, NULL if none (for listing). */
struct domain *domain_next(hestia_domid_t id);

/* domctl pause / unpause: -HESTIA_EALREADY if already in that state. */
int domain_pause(struct domain *d);
int domain_unpause(struct domain *d);

/*
 * Shut the domain down with reason (SHUTDOWN_*): its vCPUs stop, dom0 gets
 * VIRQ_DOM_EXC.  A crash of dom0 ends the run.  Returns -HESTIA_EALREADY
 * if it was already shut down.
 */
int domain_shutdown(struct domain *d, unsigned reason);

/* Fill a domctl_info for d. */
void domain_getinfo(struct domain *d, struct domctl_info *info);

/* Number of domains that exist (including dom0). */
unsigned domain_count(void);

/*
 * Whether a vCPU may run: started, not blocked, not paused, domain alive.
 * Inline: every wake, sleep and pick asks (an event round trip ~4 times).
 */
static inline bool vcpu_runnable(const struct vcpu *v)
{
    const struct domain *d = v->domain;
    return v->started && v->state != VCPU_DOWN && v->state != VCPU_BLOCKED &&
           v->pause_count == 0 && d->pause_count == 0 && !d->is_shutdown && !d->dying;
}

/*
 * Give vCPU vcpu of d its first context (guest-kernel mode at entry, stack,
 * first-argument register = arg, events masked) and make it runnable once
 * the domain is unpaused.  -HESTIA_EINVAL for a bad vCPU index,
 * -HESTIA_EALREADY if it was started before.
 */
int domain_start_vcpu(struct domain *d, unsigned vcpu, guest_va_t entry, guest_va_t stack,
                      guest_va_t arg);

/*
 * Domain building (domain_build.c).  dom0: create it from boot module 0
 * (an ELF image) with the other modules copied into its memory and listed
 * in its start info; it is left paused, vCPU 0 started.  domU: finish what
 * the toolstack loaded with DOMCTL_write_memory: fill the hypervisor-owned
 * start info fields at start_info_gfn, map memory and shared info (first
 * start only) and start the vCPU.
 */
int domain_build_dom0(const struct hal_boot_info *bi, struct domain **out);
int domain_build_start(struct domain *d, unsigned vcpu, guest_va_t entry, guest_va_t stack,
                       gfn_t start_info_gfn);

/*
 * Start vCPU vcpu of d (created for restore) from a saved record instead
 * of an entry point: its kernel space, the registers in st (checked by the
 * HAL: -HESTIA_EINVAL and nothing changed), runnable once unpaused.
 * -HESTIA_EALREADY if it was started before.
 */
struct hestia_vcpu_state;
int domain_start_vcpu_restored(struct domain *d, unsigned vcpu,
                               const struct hestia_vcpu_state *st);

/*
 * Wake a blocked vCPU (an event became pending for it, or its poll timer
 * expired).  Context: any, interrupts disabled.
 */
void vcpu_kick(struct vcpu *v);

/* Tell the scheduler whether v can run now (after its state changed). */
void vcpu_update(struct vcpu *v);

/*
 * Domain references held by CPUs (core/domain_ref.c).  The run loop takes
 * one for the domain of the vCPU it runs and drops it when it switches
 * away; domain_defer_destroy() says whether the teardown must wait (true:
 * the last domain_cpu_put() calls domain_finish_destroy()).  All under the
 * hypervisor lock.
 */
void domain_cpu_get(struct domain *d);
void domain_cpu_put(struct domain *d);
bool domain_defer_destroy(struct domain *d);
void domain_finish_destroy(struct domain *d);

#endif
