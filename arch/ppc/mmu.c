/* SPDX-License-Identifier: MIT */
/*
 * The e500 MMU: the hypervisor's own TLB1 mappings and the guests'
 * software page tables.
 *
 * The hypervisor runs in translation space 0 (MSR[IS]=MSR[DS]=0) with RAM
 * identity mapped by TLB1 entries (TID 0, IPROT).  Guests run in space 1,
 * so whatever effective address a guest uses, it can never hit a
 * hypervisor entry.  Guest translations live in the software page tables
 * of the engine (hal/lib/pt.c, format in pte.c, shared with ia64 through
 * hal/pt_soft.h) per address space (struct hal_as); TLB0 is only a cache of it:
 * a TLB miss from a guest is refilled by ppc_tlb_refill() with TS=1 and
 * TID = the space's PID.  Guest-kernel mode runs with PID0 = kernel space,
 * PID1 = current user space; guest-user mode with PID0 = user space only.
 *
 * Several CPUs.  Every CPU has its own TLBs: the hypervisor's TLB1 entries
 * are recorded as the boot CPU writes them and loaded again by each
 * secondary (ppc_mmu_secondary_init).  PIDs are global, handed out under
 * pid_lock; when they run out the generation changes and each CPU flushes
 * its own TLB0 the next time it loads PIDs (hal_cpu.tlb_gen), before it
 * uses one of the new generation.
 *
 * TLB shootdown (ppc_pt_flush_cpus, the engine's flush): QEMU's tlbivax
 * invalidates only the issuing CPU's TLB0 (on a coherent e500 system it is
 * broadcast), so another CPU's entry of a changed page must be dealt with
 * in software.  A CPU that is running the space (its PID registers hold
 * it: hal_as.running) flushes the page itself, by IPI (core_cpu_call),
 * before the flush returns.  A CPU that ran it and went on to other spaces
 * (hal_as.stale) is not interrupted: the space gives up its PID instead and
 * takes a new one at its next load, so those old entries are never matched
 * again (a PID comes back only in a new generation, after every CPU
 * flushed its TLB0).
 */
#include <hal/hal.h>
#include <hestia/arch/ppc.h>
#include <hestia/errno.h>
#include <hestia/mmu.h>

#include <ppc/arch.h>

#define PID_MAX 254 /* 255 is "no space" */
#define PID_NONE 255
#define PID_LOCK_SPINS 64 /* then the waiter dozes between tries */
#define PID_LOCK_DOZE_NS 5000ull

static uint64_t direct_end;
uint32_t ppc_pid_gen = 1;
static uint32_t pid_next = 1;
static unsigned pid_lock;   /* ppc_pid_gen, pid_next and every space's pid / ppc_pid_gen */
unsigned ppc_tlb0_ways = 2; /* ppc_tlb_refill's round robin */

/*
 * Taken outside the hypervisor lock too (guest entry, idle).  A waiter
 * that keeps spinning dozes a little (ppc_doze_ns): under QEMU's
 * round-robin -icount its spin otherwise kept the turn from the holder,
 * and with both CPUs' decrementers already due and interrupts off there
 * was no timer to end it (multi-domain on 2 CPUs stopped for good once
 * the lock waiters' timer in hal_cpu_wait_ipi made turns shorter).
 */
static void pid_lock_take(void)
{
    unsigned spins = 0;
    while (__atomic_exchange_n(&pid_lock, 1u, __ATOMIC_ACQUIRE))
        if (++spins >= PID_LOCK_SPINS)
            ppc_doze_ns(PID_LOCK_DOZE_NS);
}

static void pid_lock_drop(void)
{
    __atomic_store_n(&pid_lock, 0u, __ATOMIC_RELEASE);
}

/* The hypervisor's own TLB1 entries, for the secondary CPUs (ppc_tlb1_record). */
#define TLB1_RECORD_MAX 16
struct tlb1_entry {
    uint32_t mas0, mas1, mas2, mas3, mas7;
};
static struct tlb1_entry tlb1_record[TLB1_RECORD_MAX];
static unsigned tlb1_recorded;

void ppc_tlb1_record(uint32_t mas0, uint32_t mas1, uint32_t mas2, uint32_t mas3,
                     uint32_t mas7)
{
    if (ppc_this_cpu()->id != 0)
        return; /* a secondary's own late entry (pvpanic) stays its own */
    unsigned i = 0;
    while (i < tlb1_recorded && tlb1_record[i].mas0 != mas0)
        i++; /* the same entry again (the spin table window per CPU): overwrite */
    if (i == TLB1_RECORD_MAX)
        core_panic("ppc: more than %u hypervisor TLB1 entries", TLB1_RECORD_MAX);
    tlb1_record[i] = (struct tlb1_entry){mas0, mas1, mas2, mas3, mas7};
    if (i == tlb1_recorded)
        tlb1_recorded++;
}

uint64_t ppc_direct_map_end(void)
{
    return direct_end;
}

static void tlbwe(uint32_t mas0, uint32_t mas1, uint32_t mas2, uint32_t mas3, uint32_t mas7)
{
    mtspr(SPR_MAS0, mas0);
    mtspr(SPR_MAS1, mas1);
    mtspr(SPR_MAS2, mas2);
    mtspr(SPR_MAS3, mas3);
    mtspr(SPR_MAS7, mas7);
    __asm__ volatile("isync; tlbwe; isync; msync" ::: "memory");
}

/*
 * What a TLB miss loads into MAS0-2 (MAS4, per CPU): TLB0 and its next
 * victim, the page, 4 KiB, WIMGE = M.  tlbmiss.S writes TLB0 with the
 * MAS0 and MAS2 the miss left, so guest pages stay coherent (M) between
 * the CPUs as ppc_tlb_refill's.
 */
static void mas4_defaults(void)
{
    mtspr(SPR_MAS4, MAS4_TSIZED(1) | MAS2_M);
}

static void tlb0_flush_all(void)
{
    /* tlbivax with EA bit 0x4: invalidate all of TLB0 (IPROT does not apply). */
    __asm__ volatile("tlbivax 0, %0; tlbsync; msync; isync" : : "r"(0x4u) : "memory");
}

static void tlb0_flush_va(uint32_t va)
{
    __asm__ volatile("tlbivax 0, %0; tlbsync; msync; isync"
                     :
                     : "r"(va & ~0xfffu)
                     : "memory");
}

/*
 * Identity-map RAM [0, ram_end) in TS 0 with 256 MiB TLB1 entries (up to
 * 0xc000_0000, below the PCI and CCSR windows), and drop every translation
 * in space 1 the firmware may have left behind.
 */
void ppc_mmu_init(uint64_t ram_end)
{
    const uint64_t chunk = 256ull << 20;
    direct_end = ram_end > 0xc0000000ull ? 0xc0000000ull : ram_end;
    unsigned entries = mfspr(SPR_TLB1CFG) & 0xfff;
    uint64_t next = 0, mine = 0;
    for (unsigned esel = 1; esel < entries && next < direct_end; esel++) {
        mtspr(SPR_MAS0, MAS0_TLBSEL1 | MAS0_ESEL(esel));
        __asm__ volatile("isync; tlbre; isync" ::: "memory");
        if (mfspr(SPR_MAS1) & MAS1_VALID)
            continue;
        uint32_t mas0 = MAS0_TLBSEL1 | MAS0_ESEL(esel);
        uint32_t mas1 = MAS1_VALID | MAS1_IPROT | MAS1_TSIZE(9);
        uint32_t mas2 = (uint32_t)next | MAS2_M; /* RAM: coherent with the other CPUs */
        uint32_t mas3 = (uint32_t)next | MAS3_SX | MAS3_SW | MAS3_SR;
        tlbwe(mas0, mas1, mas2, mas3, 0);
        ppc_tlb1_record(mas0, mas1, mas2, mas3, 0);
        mine |= 1ull << esel;
        next += chunk;
    }
    if (next < direct_end)
        direct_end = next;
    /*
     * Firmware entries in space 1 would be visible to guests: remove them.
     * Firmware entries over RAM duplicate ours (identity, same space): a
     * multiple hit is undefined on real e500 cores, so drop them too; ours
     * already translate the code running now the same way.
     */
    for (unsigned esel = 0; esel < entries; esel++) {
        if (mine & (1ull << esel))
            continue;
        mtspr(SPR_MAS0, MAS0_TLBSEL1 | MAS0_ESEL(esel));
        __asm__ volatile("isync; tlbre; isync" ::: "memory");
        uint32_t mas1 = mfspr(SPR_MAS1), epn = mfspr(SPR_MAS2) & 0xfffff000u;
        uint64_t size = 1024ull << (2 * ((mas1 >> 8) & 0xf));
        bool over_ram = epn < direct_end && epn + size <= direct_end;
        if ((mas1 & MAS1_VALID) && ((mas1 & MAS1_TS) || over_ram))
            tlbwe(MAS0_TLBSEL1 | MAS0_ESEL(esel), 0, 0, 0, 0);
    }
    unsigned ways = mfspr(SPR_TLB0CFG) >> 24;
    ppc_tlb0_ways = ways ? ways : 1;
    tlb0_flush_all();
    mas4_defaults();
    ppc_this_cpu()->tlb_gen = ppc_pid_gen;
    mtspr(SPR_PID0, 0);
    mtspr(SPR_PID1, 0);
    mtspr(SPR_PID2, 0);
}

void ppc_mmu_secondary_init(void)
{
    unsigned entries = mfspr(SPR_TLB1CFG) & 0xfff;
    uint64_t mine = 0;
    for (unsigned i = 0; i < tlb1_recorded; i++) {
        const struct tlb1_entry *e = &tlb1_record[i];
        tlbwe(e->mas0, e->mas1, e->mas2, e->mas3, e->mas7);
        mine |= 1ull << ((e->mas0 >> 16) & 0x3f);
    }
    /*
     * The spin table's mapping (64 MiB at 0, QEMU's hw/ppc/ppce500_spin.c)
     * duplicates the direct map we run on now: drop it and anything else.
     */
    for (unsigned esel = 0; esel < entries; esel++)
        if (!(mine & (1ull << esel)))
            tlbwe(MAS0_TLBSEL1 | MAS0_ESEL(esel), 0, 0, 0, 0);
    tlb0_flush_all();
    mas4_defaults();
    ppc_this_cpu()->tlb_gen = __atomic_load_n(&ppc_pid_gen, __ATOMIC_ACQUIRE);
    mtspr(SPR_PID0, 0);
    mtspr(SPR_PID1, 0);
    mtspr(SPR_PID2, 0);
}

void *hal_frame_to_virt(mfn_t mfn)
{
    return (void *)(uintptr_t)(mfn_val(mfn) << HAL_PAGE_SHIFT);
}

mfn_t hal_virt_to_frame(const void *p)
{
    return mfn((uintptr_t)p >> HAL_PAGE_SHIFT);
}

const struct pt_format *const hal_pt_format = &ppc_pt_format;

void hal_guest_layout(struct hal_guest_layout *l)
{
    l->virt_base = guest_va(HESTIA_PPC_GUEST_VIRT_BASE);
    l->shared_info_va = guest_va(HESTIA_PPC_SHARED_INFO_VA);
}

PT_SPACE_FIRST(struct hal_as);

/* TLB0 caches guest translations of every PID: drop va's (or all). */
void ppc_pt_flush_local(struct pt_space *s, pt_va_t va)
{
    (void)s;
    if (va == MMU_FLUSH_ALL || va >= 0x100000000ull)
        tlb0_flush_all();
    else
        tlb0_flush_va((uint32_t)va);
}

void ppc_mmu_idle(void)
{
    struct hal_cpu *c = ppc_this_cpu();
    uint32_t me = 1u << c->id;
    if (!c->loaded[0] && !c->loaded[1])
        return;
    pid_lock_take();
    for (unsigned i = 0; i < 2; i++) {
        struct hal_as *as = c->loaded[i];
        if (as) {
            as->running &= ~me;
            as->stale |= me;
            c->loaded[i] = NULL;
        }
    }
    pid_lock_drop();
}

/* A flush another CPU runs for us (core_cpu_call). */
struct remote_flush {
    struct pt_space *s;
    pt_va_t va;
};

static void flush_here(void *arg)
{
    const struct remote_flush *r = arg;
    ppc_pt_flush_local(r->s, r->va);
}

/* The engine's flush over every CPU (the header says how). */
void ppc_pt_flush_cpus(struct pt_space *s, pt_va_t va)
{
    struct hal_as *as = (struct hal_as *)s;
    uint32_t me = 1u << ppc_this_cpu()->id;
    ppc_pt_flush_local(s, va); /* this CPU: whatever it holds of the space */
    pid_lock_take();
    uint32_t running = as->running & ~me;
    if (as->stale & ~me) {
        __atomic_store_n(&as->pid_gen, 0u,
                         __ATOMIC_RELEASE); /* a new PID at its next load */
        as->stale = 0;
    }
    pid_lock_drop();
    /* Not under pid_lock: a CPU we wait for may be taking it in ppc_load_pids. */
    struct remote_flush r = {s, va};
    for (; running; running &= running - 1)
        core_cpu_call((unsigned)__builtin_ctz(running), flush_here, &r);
}

/* No nested paging here: no GUEST_PHYS window, so no such space. */
struct hal_as *hal_as_create(struct domain *d, enum hal_as_kind kind)
{
    return pt_space_new(sizeof(struct hal_as), &ppc_pt_format, d, kind,
                        offsetof(struct hal_as, root));
}

void hal_as_destroy(struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    if (!as)
        return;
    /*
     * No CPU can use its translations once its frames are freed.  Entries
     * TLB0s still hold under its PID never match again: pid_ensure hands
     * a PID out once per generation (a new one flushes every TLB0 before
     * use), and no PID register gets it again (ppc_load_pids writes the
     * vCPU's spaces' PIDs, and no CPU records it as loaded below).  So no
     * flush, which cost the next guest steps of every process a TLB0 miss
     * each (~450 instructions), unless another CPU has it in its PID
     * registers now, running a guest.  pv.user-space-after-space fails when
     * a destroyed space's PID is handed out again without a flush.
     */
    pid_lock_take();
    bool elsewhere = as->running & ~(1u << ppc_this_cpu()->id);
    for (unsigned i = 0; i < HAL_MAX_CPUS; i++)
        for (unsigned j = 0; j < 2; j++)
            if (ppc_cpu(i)->loaded[j] == as)
                ppc_cpu(i)->loaded[j] = NULL; /* it left that CPU's PID registers' record */
    pid_lock_drop();
    if (elsewhere)
        pt_flush(&as->pt, MMU_FLUSH_ALL);
    pt_destroy(&as->pt, dropped, ctx);
    core_heap_free(as);
}

/* A PID valid in the current generation; a wrap starts a new generation (pid_lock held). */
static bool pid_ensure(struct hal_as *as)
{
    if (!as || as->pid_gen == ppc_pid_gen)
        return false;
    bool wrapped = false;
    if (pid_next > PID_MAX) {
        __atomic_store_n(&ppc_pid_gen, ppc_pid_gen + 1, __ATOMIC_RELEASE);
        pid_next = 1;
        wrapped = true;
    }
    as->pid = pid_next++;
    /* Release: tlbmiss.S reads pid_gen, then pid, without pid_lock. */
    __atomic_store_n(&as->pid_gen, ppc_pid_gen, __ATOMIC_RELEASE);
    as->stale = 0; /* entries under its old PID are never matched again */
    return wrapped;
}

/*
 * Whether this CPU's PID registers may stay as they are for hv: the same
 * spaces as at the last load, both with a PID of the current generation,
 * and this CPU's TLB0 clean for that generation.  Then the locked part of
 * ppc_load_pids would change nothing (a loaded space keeps this CPU in its
 * running mask until it is unloaded), so the common guest entry takes no
 * lock.  A space that gives up its PID meanwhile (another CPU's flush) is
 * caught by the TLB refill, which compares the PID registers again.
 */
static bool pids_current(const struct hal_cpu *c, const struct hal_vcpu *hv)
{
    uint32_t gen = __atomic_load_n(&ppc_pid_gen, __ATOMIC_ACQUIRE);
    return c->loaded[0] == hv->kernel && c->loaded[1] == hv->user && c->tlb_gen == gen &&
           (!hv->kernel ||
            __atomic_load_n(&hv->kernel->pid_gen, __ATOMIC_ACQUIRE) == gen) &&
           (!hv->user || __atomic_load_n(&hv->user->pid_gen, __ATOMIC_ACQUIRE) == gen);
}

static void write_pid_registers(const struct hal_vcpu *hv)
{
    uint32_t k = hv->kernel ? hv->kernel->pid : PID_NONE;
    uint32_t u = hv->user ? hv->user->pid : PID_NONE;
    if (hv->in_user) {
        mtspr(SPR_PID0, u);
        mtspr(SPR_PID1, 0);
    } else {
        mtspr(SPR_PID0, k);
        mtspr(SPR_PID1, hv->user ? u : 0);
    }
}

void ppc_load_pids(struct hal_vcpu *hv)
{
    struct hal_cpu *c = ppc_this_cpu();
    /* One CPU only, as the assembly refill (tlbmiss.S): several CPUs take the lock. */
    if (!ppc_sprs_eager && pids_current(c, hv)) {
        write_pid_registers(hv);
        return;
    }
    uint32_t me = 1u << c->id;
    pid_lock_take();
    /* A wrap while assigning the second PID invalidates the first: redo. */
    while (pid_ensure(hv->kernel) | pid_ensure(hv->user))
        ;
    /* A new generation may reuse PIDs this CPU's TLB0 still holds for other spaces. */
    if (c->tlb_gen != ppc_pid_gen) {
        tlb0_flush_all();
        c->tlb_gen = ppc_pid_gen;
    }
    /* Spaces this CPU leaves keep their entries in its TLB0: stale there. */
    for (unsigned i = 0; i < 2; i++) {
        struct hal_as *old = c->loaded[i];
        if (old && old != hv->kernel && old != hv->user) {
            old->running &= ~me;
            old->stale |= me;
        }
    }
    c->loaded[0] = hv->kernel;
    c->loaded[1] = hv->user;
    for (unsigned i = 0; i < 2; i++)
        if (c->loaded[i])
            c->loaded[i]->running |= me;
    pid_lock_drop();
    write_pid_registers(hv);
}

/* The space ea belongs to, as the vCPU's current mode sees it. */
static struct hal_as *space_of(struct hal_vcpu *hv, uint32_t ea)
{
    if (ea < HESTIA_PPC_USER_VA_END)
        return hv->user;
    return hv->in_user ? NULL : hv->kernel;
}

bool ppc_dirty_write_fault(struct hal_vcpu *hv, uint32_t ea)
{
    struct hal_as *as = space_of(hv, ea);
    /* pt_write_fault invalidates the read-only TLB entry; the refill loads it writable. */
    if (!as || pt_write_fault(&as->pt, ea & ~0xfffu) != 0)
        return false;
    return ppc_tlb_refill(hv, ea);
}

/* A guest TLB miss at ea: load the mapping from the software page table. */
bool ppc_tlb_refill(struct hal_vcpu *hv, uint32_t ea)
{
    struct hal_as *as = space_of(hv, ea);
    pte_t *pte = as ? pt_find_leaf(&as->pt, ea & ~0xfffu) : NULL;
    if (!pte)
        return false;
    /*
     * The space gave up its PID (a flush elsewhere) or another CPU started a
     * PID generation while this vCPU ran: take the new PIDs first.
     */
    if (__atomic_load_n(&as->pid_gen, __ATOMIC_ACQUIRE) !=
            __atomic_load_n(&ppc_pid_gen, __ATOMIC_ACQUIRE) ||
        (mfspr(SPR_PID0) != as->pid && mfspr(SPR_PID1) != as->pid))
        ppc_load_pids(hv);
    /* Write access only while the page is not write-protected for dirty tracking. */
    unsigned perms = pt_soft_refill_perms(*pte);
    mfn_t mfn = pt_soft_frame(*pte);
    uint32_t mas3 = (uint32_t)(mfn_val(mfn) << 12) & 0xfffff000u;
    if (perms & MMU_PERM_READ)
        mas3 |= MAS3_UR;
    if (perms & MMU_PERM_WRITE)
        mas3 |= MAS3_UW;
    if (perms & MMU_PERM_EXEC)
        mas3 |= MAS3_UX;
    /* Device memory (PHYSDEVOP_map_mmio): cache-inhibited and guarded. */
    uint32_t wimg = perms & HAL_MAP_UNCACHED ? MAS2_I | MAS2_G : MAS2_M;
    struct hal_cpu *c = ppc_this_cpu();
    c->tlb0_victim = (c->tlb0_victim + 1) % ppc_tlb0_ways;
    tlbwe(MAS0_ESEL(c->tlb0_victim),
          MAS1_VALID | MAS1_TID(as->pid) | MAS1_TS | MAS1_TSIZE(1),
          (ea & 0xfffff000u) | wimg, mas3, (uint32_t)(mfn_val(mfn) >> 20));
    return true;
}
