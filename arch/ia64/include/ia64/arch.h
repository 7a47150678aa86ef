/* SPDX-License-Identifier: MIT */
/* Definitions private to arch/ia64, shared by its C and assembly files. */
#ifndef IA64_ARCH_H
#define IA64_ARCH_H

#include <ia64/vectors.h>

/*
 * The struct hal_vcpu offsets ivt.S uses (HV_*) are generated from the
 * struct below by asm-offsets.c into asm-offsets.h.
 */
/* Region layout. */
#define IA64_HYP_BASE 0xe000000000000000ull /* region 7: identity map of RAM */
#define IA64_RID_HYP 0
#define IA64_RID_DEAD 1 /* regions nobody may use */
#define IA64_RIDS_PER_DOMAIN 128
#define IA64_ITC_HZ 1000000000ull /* ia64sim: ITC advances once per instruction */

#define PSR_BE (1ull << 1)
#define PSR_IC (1ull << 13)
#define PSR_I (1ull << 14)
#define PSR_DT (1ull << 17)
#define PSR_DFH (1ull << 19) /* f32-f127 disabled: the lazy switch (vcpu.c) */
#define PSR_RT (1ull << 27)
#define PSR_CPL_SHIFT 32
#define PSR_IT (1ull << 36)
#define PSR_RI_SHIFT 41
#define PSR_BN (1ull << 44)
/* ar.pfs: pfm (bits 0-37), pec (52-57), ppl (62-63); the rest is reserved. */
#define IA64_PFS_MASK 0xc3f0003fffffffffull

/* Region registers: region ID and preferred page size (ve = 0: no VHPT walker). */
#define IA64_REGION_SHIFT 61 /* va bits 61..63 pick the region register */
#define IA64_RR(rid, ps) (((rid) << 8) | ((ps) << 2))
/* A translation (itc / itr): the PTE word and the page size in cr.itir. */
#define IA64_PTE_P 0x1ull
#define IA64_PTE_MA_WB 0x0ull      /* memory attribute: write-back */
#define IA64_PTE_MA_UC (4ull << 2) /* memory attribute: uncacheable (device memory) */
#define IA64_PTE_A 0x20ull
#define IA64_PTE_D 0x40ull
#define IA64_PTE_PL(pl) ((pl) << 7) /* privilege level 0..3 */
#define IA64_PTE_AR(ar) ((ar) << 9) /* access rights; 3 = read, write, execute */
#define IA64_PTE_AR_RWX 3
#define IA64_ITIR_PS(ps) ((ps) << 2)
/* ar.rsc: RSC.loadrs, the bytes loadrs brings back, starts at bit 16. */
#define IA64_RSC_LOADRS_SHIFT 16

/* Ski simulator system calls: this break immediate, the call number in r15. */
#define IA64_SSC_BREAK 0x80001

/*
 * The processor interrupt block's IPI area (1 MiB at physical 0xfee00000,
 * SDM vol. 2 5.8.4.2), mapped uncacheable by translation register dtr[1]
 * on every CPU (start.S) just above region 7's 4 GiB identity map.
 */
#define IA64_PIB_PA 0xfee00000ull
#define IA64_PIB_VA (IA64_HYP_BASE + (1ull << 32))
#define IA64_PIB_PS 20

#ifndef __ASSEMBLER__
#include <hal/types.h>
#include <hestia/arch/ia64.h>
#include <ia64/pte.h>

/* Ski simulator system call numbers (ia64_ssc, start.S). */
#define SSC_GETCHAR 21
#define SSC_PUTCHAR 31
#define SSC_GET_RTC 65
#define SSC_EXIT 66
#define SSC_SET_RENDEZVOUS 256 /* ia64sim: where woken APs start (docs/ia64sim.md) */

/* The boot table tools/ia64sim leaves at r28 (see its --help). */
#define IA64SIM_BOOT_MAGIC 0x314d495334364149ull /* "IA64SIM1" */
struct ia64sim_boot_table {
    uint64_t magic;
    uint64_t version;
    uint64_t ram_size;
    uint64_t nr_modules;
    uint64_t cmdline; /* physical address of a C string, 0 if none */
    uint64_t first_free;
    uint64_t reserved[2]; /* number of devices, physical address of the list (pirq.c) */
    struct {
        uint64_t base;
        uint64_t size;
        char name[48];
    } modules[];
};

/*
 * Boot table version 2 and later: the CPU table at this offset from the
 * table (docs/ia64sim.md): how many CPUs, the vector that wakes an AP from
 * the firmware's boot rendezvous, and each CPU's cr.lid, the boot CPU's
 * first.
 */
#define IA64SIM_CPU_TABLE_OFFSET 0xd00
struct ia64sim_cpu_table {
    uint64_t nr_cpus;
    uint64_t wakeup_vector;
    uint64_t lid[];
};

/*
 * Device interrupts (pirq.c): keep the boot table's device list; a device
 * vector acknowledged at cr.ivr goes to core/ and stays in service (false
 * for any other vector).
 */
void ia64_pirq_init(const struct ia64sim_boot_table *bt);
bool ia64_pirq_vector(unsigned vector);
/* CPU 0, at an IPI: issue the withheld EOIs other CPUs' hal_pirq_unmask asked for. */
void ia64_pirq_remote_eois(void);

/*
 * The arch state of one vCPU: the register frame ivt.S fills (at the
 * offsets asm-offsets.c generates), then C state.  gr[] is first and the
 * struct 512-byte aligned: st8.spill puts the NaT bit of gr[i] at bit i
 * of ar.unat.
 */
struct hal_vcpu {
    uint64_t gr[32];
    uint64_t br[8];
    uint64_t pr, iip, ipsr, ifs, pfs, unat, lc, ec, ccv, fpsr, rsc;
    uint64_t bspstore, rnat, nat_unat, isr, ifa, iim, vector;
    uint64_t rbs_base, rbs_bytes, rbs_rnat;
    uint64_t pr_entry; /* pr as ivt.S loads it: rotated for CFM.rrb.pr (hal_vcpu_run) */
    uint64_t pad[2];
    /*
     * f2-f127 in stf.spill format, by number.  ivt.S saves and restores
     * f6-f11 on every exit; f2-f5 and f12-f31 (kept registers, like r4-r7,
     * r13, b1-b5 and lc above) move at a vCPU change (vcpu.c); f32-f127, which the
     * hypervisor never touches
     * (-mfixed-range), stay in the CPU until another vCPU touches them:
     * every vCPU but the CPU's fph_owner runs with psr.dfh, and its first
     * access faults into ia64_fph_claim (fph.S moves them).
     */
    uint64_t fr[128][2];
    /* Not touched by assembly. */
    struct vcpu *v;
    struct hal_as *kernel, *user;
    uint64_t rr0, rr5, rr_other; /* the region registers the spaces need (set_spaces) */
    /*
     * The guest's dirty stacked registers (flushrs at entry; the hypervisor
     * then runs on its per-CPU backing store): at most 96 registers and
     * their NaT collections, 784 bytes.  1 KiB keeps the whole struct in one
     * frame (docs/density.md).
     */
    uint8_t rbs[1024] __attribute__((aligned(16)));
};
_Static_assert((HESTIA_IA64_MAX_STACKED + HESTIA_IA64_MAX_STACKED / 63 + 1) * 8 <= 1024,
               "hal_vcpu.rbs holds every stacked register a guest can have dirty");

/* An address space: the engine's tables and the region ID its TLB entries carry. */
struct hal_as {
    struct pt_space pt; /* the engine's view: tables, kind, frames, loaded CPUs */
    uint32_t rid;
};

long ia64_ssc(long a0, long a1, long a2, long a3, long nr);

/*
 * Per physical CPU arch state (hal/cpu.h), found through ar.k7 (writable
 * only at privilege level 0, so a guest cannot redirect it).  ivt.S loads
 * the running vCPU through it: current stays the first member.
 */
struct hal_cpu {
    struct hal_vcpu *current; /* vCPU last entered by hal_vcpu_run (ivt.S) */
    unsigned id;
    /* ivt.S: the stacks a fault of the hypervisor itself is reported on. */
    uint64_t fault_rbs, fault_stack_top;
    uint64_t hyp_rbs;       /* ivt.S: the hypervisor's register backing store */
    uint64_t hyp_stack_top; /* ivt.S: the hypervisor's memory stack */
    /* Whose f32-f127 the CPU holds (NULL: nobody's). */
    struct hal_vcpu *fph_owner;
    /* Whose kept registers the CPU holds, current ones (NULL: nobody's);
     * other CPUs clear it when they make the copy stale (vcpu.c). */
    struct hal_vcpu *kept_owner;
    /* mmu.c: the region registers 0 and 5 and the dead RID last loaded (0: unknown). */
    uint64_t rr0, rr5, rr_other;
};

/* start.S: the boot CPU's stacks. */
extern char ia64_hyp_rbs[], ia64_hyp_stack_top[], ia64_fault_rbs[], ia64_fault_stack_top[];

/* hal_this_cpu() inline, for the guest exit and entry paths. */
static inline struct hal_cpu *ia64_this_cpu(void)
{
    struct hal_cpu *c;
    __asm__ volatile("mov %0 = ar.k7" : "=r"(c));
    return c;
}

/* platform.c: point ar.k7 at this CPU's struct hal_cpu (first thing at boot). */
void ia64_cpu_init(unsigned id);
/* platform.c: this CPU's interval timer and interrupt priority, at its boot. */
void ia64_cpu_timer_init(void);
/*
 * smp.c: the CPUs ia64sim's boot table lists (1 without a CPU table), and
 * a secondary CPU's first C code (start.S's AP entry, on its own stacks).
 */
unsigned ia64_smp_init(const struct ia64sim_boot_table *bt);
HAL_NORETURN void ia64_secondary_boot(struct hal_cpu *c);
struct hal_cpu *ia64_cpu(unsigned id); /* CPU id's state (any CPU) */
HAL_NORETURN void ia64_enter_guest(struct hal_vcpu *hv);
void ia64_trap(struct hal_vcpu *hv);
uint64_t ia64_rid_of(const struct hal_as *as);
/*
 * vcpu.c: the kept registers (r4-r7, r13, bank 1's r16-r31, b1-b5, ar.lc, f2-f5, f12-f31;
 * kept.inc), which the hypervisor never touches.  Kept in the CPU from
 * exit to entry of the same vCPU and moved at a vCPU change; once a
 * second CPU runs guests (ia64_kept_cpu_starting(), from hal_cpu_start) also
 * saved when a vCPU leaves its CPU (hal_vcpu_switched_out).  fph.S moves
 * them.
 */
extern bool ia64_kept_shared;
void ia64_kept_cpu_starting(unsigned id);       /* hal_cpu_start, before CPU id runs */
void ia64_kept_sync(const struct hal_vcpu *hv); /* hv's kept fields current */
void ia64_kept_drop(const struct hal_vcpu *hv); /* hv's kept fields were rewritten */
void ia64_kept_save(struct hal_vcpu *hv);
void ia64_kept_load(const struct hal_vcpu *hv);
/* fph.S: the guest's bank 1 r16-r31 (kept: the hypervisor runs in bank 0) to / from 16
 * words. */
void ia64_bank1_store(uint64_t *r16_31);
void ia64_bank1_load(const uint64_t *r16_31);
int ia64_tlb_miss(struct hal_vcpu *hv, uint64_t va, bool exec, bool write);
/*
 * A data access-rights fault on a write at va: if the page is writable but
 * write-protected for dirty tracking (log-dirty), record the write, insert
 * the translation writable and return true (retry); false for a real fault.
 */
bool ia64_dirty_write_fault(struct hal_vcpu *hv, uint64_t va);
void ia64_mmu_init(uint64_t ram_size);
void ia64_load_rr(struct hal_vcpu *hv);
/* fph.S: store / load f32-f127 at fr[32..127]. */
void ia64_fph_save(uint64_t (*fr)[2]);
void ia64_fph_load(const uint64_t (*fr)[2]);
/* vcpu.c: make hv->fr current (hv's f32-f127 may still be in this CPU). */
void ia64_fph_sync(const struct hal_vcpu *hv);
/* vcpu.c: forget the CPU's copy of hv's lazily held registers (hv->fr was replaced). */
void ia64_fph_drop(const struct hal_vcpu *hv);
/* vcpu.c: a Disabled FP-Register fault from hv; true if it was the lazy switch's. */
bool ia64_fph_claim(struct hal_vcpu *hv);
#define ISR_CODE_DFH 0x2ull /* Disabled FP-Register fault: psr.dfh caused it */

static inline void *ia64_phys(uint64_t pa)
{
    return (void *)(uintptr_t)(IA64_HYP_BASE | pa);
}

static inline void ia64_srlz_d(void)
{
    __asm__ volatile(";;\n\tsrlz.d\n\t;;" ::: "memory");
}
#endif

#endif
