/* SPDX-License-Identifier: MIT */
/*
 * The world the hypercall fuzzer plays in (fuzz_hypercall.c): the real
 * core/ on the host HAL, rebuilt for every input, with dom0 and two
 * unprivileged domains A and B already connected (an interdomain event
 * channel, VIRQ ports, grant tables with entries offered to each other,
 * mapped scratch pages), plus what the harness learned from the calls'
 * results (ports, offers, grants, handles), so that most generated calls
 * name live objects and reach the success paths.
 */
#ifndef FUZZ_HC_WORLD_H
#define FUZZ_HC_WORLD_H

#include <core/console.h>
#include <core/domain.h>
#include <core/event.h>
#include <core/grant.h>
#include <core/hypercall.h>
#include <core/mm.h>
#include <core/pvmmu.h>
#include <core/run.h>
#include <core/sched.h>
#include <core/timer.h>
#include <hal/entry.h>
#include <host/host.h>

#define HC_MAX_DOMS 7               /* dom0, A, B and up to four that dom0 creates */
#define HC_SCRATCH_VA 0x20000000ull /* argument pages of each domain (kernel space) */
#define HC_SCRATCH_PAGES 4
#define HC_SCRATCH_RO 3         /* the last scratch page is read-only to the guest */
#define HC_MAP_VA 0x30000000ull /* mmu_op map slots (kernel and user spaces) */
#define HC_MAP_SLOTS 16
#define HC_GNT_VA 0x40000000ull /* grant map slots */
#define HC_GNT_SLOTS 16
#define HC_MMIO_VA 0x50000000ull /* PHYSDEVOP_map_mmio slots (dom0's kernel space) */
#define HC_MMIO_SLOTS 4
#define HC_GRANT_REFS 16 /* entries the harness writes in a table */
#define HC_MAX_PORTS 48
#define HC_MAX_OFFERS 32
#define HC_MAX_HANDLES 32
#define HC_MIN_PAGES 16 /* a domain the harness can prepare */

struct hc_dom {
    struct domain *d;   /* NULL: free slot */
    hestia_domid_t id;  /* d's id, kept here: d is freed by the destroy that ends it */
    bool prepared;      /* scratch and grant table set up */
    uint64_t table_gfn; /* grant table frames: table_gfn, table_gfn + 1 */
    uint64_t data_gfns; /* gfns [0, data_gfns) are free for the fuzzer's maps */
    evtchn_port_t ports[HC_MAX_PORTS];
    unsigned nr_ports;
    struct hc_held {
        grant_handle_t h;
        uint64_t va, as;
    } held[HC_MAX_HANDLES];
    unsigned nr_held;
};

/* An unbound port of owner offered to remote (EVTCHNOP_alloc_unbound). */
struct hc_offer {
    hestia_domid_t owner, remote;
    evtchn_port_t port;
};

struct hc_world {
    struct hc_dom dom[HC_MAX_DOMS]; /* [0] dom0, [1] A, [2] B */
    struct hc_offer offers[HC_MAX_OFFERS];
    unsigned nr_offers;
    unsigned long baseline_free; /* free frames with no domain, after warm-up */
};

extern struct hc_world W;

/*
 * Rebuild core from scratch and set up dom0, A and B.  An unexpected exit
 * of core (panic, halt, platform exit, a guest entered) aborts the run.
 */
void hc_world_reset(void);
/* Destroy every domain and check that every frame came back. */
void hc_world_teardown(void);

/* Slot of domain id, or -1. */
int hc_slot_of(hestia_domid_t id);
/* Give a slot created by dom0 (through domctl) its scratch pages and grant table. */
void hc_prepare(struct hc_dom *hd);
/* Forget everything about a slot whose domain was destroyed. */
void hc_forget(unsigned slot);

/* Write/read the caller's memory at a kernel VA, as the guest itself would. */
bool hc_write(struct domain *d, uint64_t va, const void *src, size_t len);
bool hc_read(struct domain *d, void *dst, uint64_t va, size_t len);
/* Write grant entry ref of d's table: offer gfn to grantee (flags 0 revokes). */
void hc_grant_entry(struct hc_dom *hd, unsigned ref, uint16_t flags, hestia_domid_t grantee,
                    uint32_t gfn);
/* Read grant entry ref of d's table. */
bool hc_grant_read(struct hc_dom *hd, unsigned ref, struct grant_entry *e);

/* The call as the arch would make it: v made current, then dispatched. */
long hc_call(struct vcpu *v, unsigned long nr, uint64_t a0, uint64_t a1, uint64_t a2,
             uint64_t a3, uint64_t a4);
/* Let time pass by ns and let the scheduler pick and enter a vCPU. */
void hc_run(uint64_t ns);

void hc_add_port(struct hc_dom *hd, evtchn_port_t p);
void hc_drop_port(struct hc_dom *hd, evtchn_port_t p);
void hc_add_offer(hestia_domid_t owner, evtchn_port_t port, hestia_domid_t remote);

/* ---- invariants (hc_checks.c) ---- */

/* What an unprivileged caller must leave unchanged in every other domain. */
struct hc_snapshot {
    unsigned count;
    struct {
        struct domain *d;
        hestia_domid_t id;
        uint64_t nr_pages, p2m_hash;
        unsigned pause_count, weight, cap, ports_in_use;
        bool shutdown, dying;
        size_t console_used;
    } dom[HC_MAX_DOMS];
};
void hc_snapshot_take(struct hc_snapshot *s);
/* Abort if a domain other than caller differs from the snapshot. */
void hc_snapshot_compare(const struct hc_snapshot *before, const struct domain *caller,
                         const char *what);
/* Frame ownership and reference counts of every domain's memory, grant bookkeeping. */
void hc_check_consistency(const char *what);
/*
 * Event channels, through dom0's EVTCHNOP_status: both ends of every
 * interdomain connection name each other, and each domain's count of
 * ports in use matches the open ports.  Slow: once per sequence.
 */
void hc_check_channels(void);

#endif
