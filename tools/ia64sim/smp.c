/* SPDX-License-Identifier: MIT */
/* Several CPUs: their deterministic round-robin scheduling, inter-processor
 * interrupts through the processor interrupt block (PIB, SDM vol. 2 §5.8.4
 * "Processor Interrupt Block"), the global TLB purge, and the firmware's
 * boot rendezvous that holds the application processors (APs) until the
 * boot CPU wakes them (docs/ia64sim.md, "Several CPUs").
 *
 * Memory model: one host thread runs the CPUs in turn, a quantum of
 * instructions each (whole bundles), so memory is sequentially consistent
 * with instruction-granular interleaving; every load, store and semaphore
 * (cmpxchg, xchg, fetchadd) is atomic by construction, and ld.acq, st.rel
 * and mf order nothing beyond that.  The same command line gives the same
 * interleaving on every run.
 *
 * Time: each CPU's clock is its instructions plus the turns it spent
 * parked; every round ends all clocks at the same point, so the ITCs stay
 * within a bundle of each other.  A CPU parks while the firmware holds it
 * or, after a forward write of ar.itc (an idle wait: sys.c), until its ITC
 * gets there or an interrupt is pending for it; when every CPU is parked,
 * machine time jumps to the earliest deadline (the several-CPU form of
 * --idle skip). */
#include <stdlib.h>
#include <string.h>

#include "ia64sim.h"

struct machine machine;

/* The PIB's lower megabyte takes the IPIs: a store of 8 bytes at
 * PIB_BASE + (id << 12 | eid << 4 | ir << 3) sends the interrupt described by
 * the data (bits 7:0 vector, bits 10:8 delivery mode) to the processor whose
 * cr.lid has that id and eid; ir (redirect) lets the platform pick another
 * processor, this one never does.  In the upper megabyte, INTA (+0x1e0000,
 * an 8-byte load) and XTP (+0x1e0008, a 1-byte store) serve an external
 * 8259-style controller and interrupt routing hints: there is no such
 * controller here, so INTA reads the spurious vector 15 and XTP is
 * ignored. */
#define PIB_INTA 0x1e0000ull
#define PIB_XTP 0x1e0008ull
#define DM_INT 0

int pib_owns(struct cpu *c, uint64_t pa)
{
    /* With RAM over the PIB (more than 4066 MiB and one CPU), RAM wins:
     * main.c refuses that RAM size with several CPUs. */
    return pa >= PIB_BASE && pa - PIB_BASE < PIB_SIZE && pa >= c->ram_size;
}

uint8_t *pib_access(struct cpu *c, uint64_t pa, unsigned sz, int acc)
{
    uint64_t off = pa - PIB_BASE;
    int ok;

    if (acc == XC_R)
        ok = off == PIB_INTA && sz == 8;
    else
        ok = (off < 0x100000 && sz == 8 && !(off & 7)) || (off == PIB_XTP && sz == 1);
    if (!ok) {
        cpu_stop(c, "processor interrupt block access other than an 8-byte IPI store, "
                    "an 8-byte INTA load or a 1-byte XTP store");
        return NULL;
    }
    c->mmio_pa = pa;
    c->mmio_sz = sz;
    if (acc == XC_R) {
        uint64_t v = 15;

        memcpy(c->mmio_buf, &v, 8);
    }
    return c->mmio_buf;
}

static struct cpu *cpu_by_lid(unsigned id, unsigned eid)
{
    for (unsigned i = 0; i < machine.ncpus; i++) {
        uint64_t lid = machine.cpu[i]->cr[CR_LID];

        if ((lid >> 24 & 0xff) == id && (lid >> 16 & 0xff) == eid)
            return machine.cpu[i];
    }
    return NULL;
}

/* An AP leaves the boot rendezvous as an OS_BOOT_RENDEZ vector of
 * SAL_SET_VECTORS prescribes (SAL spec. §3.2.2.2): at the registered ip in
 * physical mode with the registered gp in r1, its other registers as at
 * reset (docs/ia64sim.md: r12 and ar.bspstore 0, its code sets its own). */
static void ap_start(struct cpu *t)
{
    t->waiting = 0;
    t->ip = machine.rendez_ip;
    t->ri = 0;
    t->gr[1]->v = machine.rendez_gp;
    t->gr[1]->nat = 0;
}

void pib_store(struct cpu *c)
{
    uint64_t off = c->mmio_pa - PIB_BASE, v = 0;
    unsigned id = (unsigned)(off >> 12 & 0xff), eid = (unsigned)(off >> 4 & 0xff);

    memcpy(&v, c->mmio_buf, c->mmio_sz);
    if (off == PIB_XTP)
        return;
    unsigned vec = (unsigned)(v & 0xff), dm = (unsigned)(v >> 8 & 7);
    struct cpu *t = cpu_by_lid(id, eid);

    /* a wrong target or mode is the guest's bug, not the machine's: say so
     * and drop the IPI, as a bus with nobody at that address would */
    if (!t) {
        fprintf(stderr,
                "ia64sim: cpu %u: IPI to id %u eid %u: no such processor (dropped)\n",
                c->id, id, eid);
        return;
    }
    if (dm != DM_INT || vec < 16) {
        fprintf(stderr,
                "ia64sim: cpu %u: IPI delivery mode %u vector %u: only mode 0 (INT) "
                "with vectors 16-255 is modelled (dropped)\n",
                c->id, dm, vec);
        return;
    }
    if (t->waiting) {
        /* the firmware owns a waiting AP: it takes only the wake-up */
        if (vec != AP_WAKEUP_VECTOR)
            return;
        if (!machine.rendez_ip) {
            fprintf(stderr,
                    "ia64sim: cpu %u: AP wake-up of cpu %u before the boot "
                    "rendezvous was set (SSC 256): it stays in the firmware\n",
                    c->id, t->id);
            return;
        }
        ap_start(t);
        return;
    }
    /* A parked target may not have run to the sender's time yet in this
     * round: it wakes at the sender's ITC, not before (the ITCs are
     * synchronized, so nobody takes an interrupt before it was sent). */
    if (t->idle_until && !t->wake_at)
        t->wake_at = c->icount + c->itc_off;
    t->irr[vec >> 6] |= 1ull << (vec & 63);
    t->intr_pending_check = 1;
}

uint64_t ssc_set_rendezvous(struct cpu *c, uint64_t ip, uint64_t gp)
{
    if (!ip || (ip & 15) || ip + 16 > c->ram_size) {
        fprintf(stderr,
                "ia64sim: SSC boot rendezvous: ip 0x%llx is not a bundle in RAM "
                "(refused)\n",
                (unsigned long long)ip);
        return (uint64_t)-1;
    }
    machine.rendez_ip = ip;
    machine.rendez_gp = gp;
    return 0;
}

void tlb_purge_all_cpus(uint64_t va, unsigned ps, uint32_t rid)
{
    for (unsigned i = 0; i < machine.ncpus; i++) {
        struct cpu *t = machine.cpu[i];

        tlb_purge(t->itc, NTLB_TC, rid, va, ps);
        tlb_purge(t->dtc, NTLB_TC, rid, va, ps);
        xc_flush(t);
    }
}

void smp_boot_table(uint8_t *table)
{
    uint64_t v[2 + MAX_CPUS] = {machine.ncpus, AP_WAKEUP_VECTOR};

    for (unsigned i = 0; i < machine.ncpus; i++)
        v[2 + i] = machine.cpu[i]->cr[CR_LID];
    memcpy(table, v, sizeof(v));
}

static uint64_t total_icount(void)
{
    uint64_t n = 0;

    for (unsigned i = 0; i < machine.ncpus; i++)
        n += machine.cpu[i]->icount;
    return n;
}

/* A CPU that does not run this turn: the firmware holds it, or it waits
 * for its idle deadline and no interrupt is pending for it yet. */
static int parked(struct cpu *c)
{
    if (c->waiting)
        return 1;
    if (!c->idle_until)
        return 0;
    if (c->icount + c->itc_off >= c->idle_until || cpu_wakeable(c)) {
        c->idle_until = 0;
        return 0;
    }
    return 1;
}

/* With every CPU parked, how far machine time may jump: to the earliest
 * idle deadline (one quantum when nobody has one). */
static uint64_t parked_jump(void)
{
    uint64_t jump = UINT64_MAX;

    for (unsigned i = 0; i < machine.ncpus; i++) {
        struct cpu *c = machine.cpu[i];
        uint64_t itc = c->icount + c->itc_off;

        if (!parked(c))
            return 0;
        if (c->idle_until && c->idle_until - itc < jump)
            jump = c->idle_until - itc;
    }
    return jump == UINT64_MAX ? machine.quantum : jump;
}

int smp_run(void)
{
    if (machine.ncpus == 1) { /* exactly the uniprocessor loop */
        machine.cpu[0]->slice_end = UINT64_MAX;
        machine.cpu[0]->max_insns = machine.max_insns;
        return cpu_run(machine.cpu[0]);
    }
    for (uint64_t now = 0;;) {
        /* every CPU's clock (instructions + time parked) ends the round
         * here, so the ITCs stay within a bundle of each other */
        uint64_t end = now + machine.quantum, jump = parked_jump();

        if (jump > machine.quantum)
            end = now + jump;
        if (machine.cpu[0]->devices) /* a frame may wake CPU 0 */
            devices_tick(machine.cpu[0]);
        if (stop_signal) { /* also while everyone is parked: CPU 0's dump */
            machine.cpu[0]->slice_end = UINT64_MAX;
            return cpu_run(machine.cpu[0]);
        }
        for (unsigned i = 0; i < machine.ncpus; i++) {
            struct cpu *c = machine.cpu[i];
            uint64_t clock = c->icount + c->parked_time;
            uint64_t budget = end > clock ? end - clock : 0, done = total_icount();

            if (machine.max_insns) {
                if (done >= machine.max_insns) {
                    fflush(stdout);
                    fprintf(stderr,
                            "ia64sim: instruction limit %llu reached at cpu %u ip "
                            "0x%llx\n",
                            (unsigned long long)machine.max_insns, c->id,
                            (unsigned long long)c->ip);
                    return EXIT_LIMIT;
                }
                if (machine.max_insns - done < budget)
                    budget = machine.max_insns - done;
            }
            if (!budget)
                continue;
            int was_idle = c->idle_until != 0;

            if (parked(c)) {
                /* its ar.itc runs on with the others' (SDM: the ITCs of a
                 * machine are synchronized) */
                c->parked_time += budget;
                c->itc_off += budget;
                continue;
            }
            if (was_idle && c->wake_at) {
                /* woken by an IPI: parked until its sender's time */
                uint64_t itc = c->icount + c->itc_off;
                uint64_t d = c->wake_at > itc ? c->wake_at - itc : 0;

                if (d > budget)
                    d = budget;
                c->parked_time += d;
                c->itc_off += d;
                budget -= d;
            }
            c->wake_at = 0;
            if (!budget)
                continue;
            c->slice_end = c->icount + budget;
            int rc = cpu_run(c);

            if (rc != RUN_SLICE_END)
                return rc;
        }
        now = end;
    }
}
