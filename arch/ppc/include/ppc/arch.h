/* SPDX-License-Identifier: MIT */
/* e500v2 (Book-E) definitions private to arch/ppc. */
#ifndef PPC_ARCH_H
#define PPC_ARCH_H

#include <hal/types.h>

#include <ppc/pte.h>
#include <ppc/vectors.h>

/*
 * CCSR, the SoC register block: physical 0xF_E000_0000 on QEMU ppce500
 * (36-bit), mapped at the same effective address U-Boot uses for it, so a
 * duplicate of U-Boot's own entry translates identically.
 */
#define CCSR_PHYS 0xfe0000000ull
#define CCSR_VIRT 0xe0000000u /* CCSR is mapped here whatever its physical base */
#define CCSR_SIZE 0x100000u   /* 1 MiB: DUART at 0x4500, GUTS at 0xe0000 */
#define CCSR_UART0 0x4500u
#define CCSR_GUTS_RSTCR 0xe00b0u
#define RSTCR_HRESET_REQ 0x2u

/* Book-E MMU assist registers. */
#define SPR_MAS0 624
#define SPR_MAS1 625
#define SPR_MAS2 626
#define SPR_MAS3 627
#define SPR_MAS4 628 /* what a TLB miss loads into MAS0-2 (tlbmiss.S) */
#define SPR_MAS7 944
#define SPR_TLB1CFG 689
#define MAS0_TLBSEL1 0x10000000u
#define MAS0_ESEL(e) ((uint32_t)(e) << 16)
#define MAS1_VALID 0x80000000u
#define MAS1_IPROT 0x40000000u
#define MAS1_TSIZE(t) ((uint32_t)(t) << 8)  /* page size 4^t KiB */
#define MAS4_TSIZED(t) ((uint32_t)(t) << 8) /* MAS4's WIMGED takes the MAS2_ bits */
#define MAS2_I 0x8u
#define MAS2_M 0x4u /* memory coherence required: other CPUs snoop it */
#define MAS2_G 0x2u
#define MAS3_SW 0x4u
#define MAS3_SR 0x1u

#define SPR_DEC 22
#define SPR_SRR0 26
#define SPR_SRR1 27
#define SPR_PID0 48
#define SPR_DEAR 61
#define SPR_ESR 62
#define SPR_IVPR 63
#define SPR_TBL_R 268
#define SPR_TBU_R 269
#define SPR_SPRG0 272
#define SPR_SPRG1 273
#define SPR_SPRG2 274   /* this CPU's struct hal_cpu (supervisor-only, unlike SPRG3-7) */
#define SPR_SPRG3_W 275 /* SPRG3-7: written here, readable in problem state (259-263) */
#define SPR_SPRG4_W 276
#define SPR_SPRG5_W 277
#define SPR_SPRG6_W 278
#define SPR_SPRG7_W 279
#define SPR_USPRG0 256 /* read/write in problem state: guest state */
#define SPR_SPEFSCR                                                                        \
    512 /* read/write in problem state (no MSR[SPV] needed): guest state                   \
         */
#define SPR_TSR 336
#define SPR_TCR 340
#define SPR_IVOR(n) ((n) < 16 ? 400 + (n) : 528 + (n)-32)
#define SPR_PID1 633
#define SPR_PID2 634
#define SPR_TLB0CFG 688
#define SPR_MMUCSR0 1012

#define MSR_CE 0x20000u
#define MSR_EE 0x8000u
#define MSR_PR 0x4000u
#define MSR_ME 0x1000u
#define MSR_IS 0x20u
#define MSR_DS 0x10u
/* What a guest really runs with: problem state, translation space 1. */
#define GUEST_MSR (MSR_EE | MSR_PR | MSR_ME | MSR_IS | MSR_DS)

#define TSR_DIS 0x08000000u
#define TCR_DIE 0x04000000u
#define ESR_PIL 0x08000000u /* program: illegal instruction */
#define ESR_PPR 0x04000000u /* program: privileged instruction */
#define ESR_PTR 0x02000000u /* program: trap */
#define ESR_ST 0x00800000u  /* data access was a store */

#define MAS1_TID(t) (((uint32_t)(t)&0xff) << 16)
#define MAS1_TS 0x1000u
#define MAS3_UX 0x20u
#define MAS3_SX 0x10u
#define MAS3_UW 0x08u
#define MAS3_UR 0x02u

#define mfspr(n)                                                                           \
    ({                                                                                     \
        uint32_t v_;                                                                       \
        __asm__ volatile("mfspr %0, %1" : "=r"(v_) : "i"(n));                              \
        v_;                                                                                \
    })
#define mtspr(n, v) __asm__ volatile("mtspr %0, %1" : : "i"(n), "r"((uint32_t)(v)))

static inline uint8_t ccsr_read8(uintptr_t addr)
{
    uint8_t v;
    __asm__ volatile("lbz %0, 0(%1); mbar" : "=r"(v) : "b"(addr) : "memory");
    return v;
}

static inline void ccsr_write8(uintptr_t addr, uint8_t v)
{
    __asm__ volatile("stb %0, 0(%1); mbar" : : "r"(v), "b"(addr) : "memory");
}

static inline uint32_t ccsr_read32(uintptr_t addr)
{
    uint32_t v;
    __asm__ volatile("lwz %0, 0(%1); mbar" : "=r"(v) : "b"(addr) : "memory");
    return v;
}

static inline void ccsr_write32(uintptr_t addr, uint32_t v)
{
    __asm__ volatile("stw %0, 0(%1); mbar" : : "r"(v), "b"(addr) : "memory");
}

/*
 * The register frame every exception saves (entry.S takes the offsets
 * from asm-offsets.h, generated from this struct by asm-offsets.c):
 * the first member of struct hal_vcpu, whose address is in SPRG0 while
 * a guest runs.
 */
struct ppc_frame {
    uint32_t gpr[32];
    uint32_t cr, lr, ctr, xer;
    uint32_t pc, msr; /* SRR0, SRR1 */
    uint32_t vector;  /* IVOR number */
    uint32_t dear, esr;
    /*
     * SPRs a guest reads and writes in problem state that the hypervisor
     * never touches (it is built -msoft-float, no SPE).  On one CPU they
     * stay in the CPU until another vCPU is entered (hal_cpu.spr_owner);
     * with several they are saved here at every exit (vcpu.c).
     */
    uint32_t usprg0, spefscr;
};

struct hal_as {
    struct pt_space pt; /* the engine's view; pt.root is root */
    pte_t root[4];      /* software root: 1 GiB per entry */
    uint32_t pid;       /* TLB TID of this space, valid in generation pid_gen */
    uint32_t pid_gen;
    /* mmu.c, under its pid_lock: the CPUs that hold this space in their PID registers, */
    uint32_t running;
    /* and those whose TLB0 may still hold entries under its current PID without it. */
    uint32_t stale;
};
struct hal_vcpu {
    struct ppc_frame frame; /* first: SPRG0 points here */
    struct vcpu *v;
    struct hal_as *kernel, *user;
    bool in_user;
    /*
     * syscall.S's direct system call: the syscall entry, kernel stack and
     * vcpu_info the last delivered one used (sys_info NULL: none known, or
     * the callbacks changed since; C delivers the next one and notes them).
     */
    struct vcpu_info *sys_info;
    uint32_t sys_entry, sys_stack;
    struct vcpu_info *vinfo; /* the vCPU's vcpu_info (fixed at creation): its event mask is
                                the virtual MSR[EE]; syscall.S's trap_return reads the
                                record there */
    bool delivering_syscall; /* trap.c -> hal_vcpu_enter_handler: note them */
    struct vcpu_info *sys_pending; /* ... with this vcpu_info */
};

/*
 * Per physical CPU arch state (hal/cpu.h), found through SPRG2 (C code and
 * entry.S alike).  The exception entry saves into the frame SPRG0 points
 * at (the running vCPU's, or boot_frame before the first guest entry) and
 * uses SPRG1 as its scratch; then it switches to hyp_stack_top.
 */
struct hal_cpu {
    unsigned id;
    struct hal_vcpu *current; /* vCPU last entered by hal_vcpu_run */
    uint32_t hyp_stack_top;   /* entry.S: the hypervisor stack after an exception */
    struct ppc_frame boot_frame;
    uint64_t deadline;          /* timer.c: this CPU's one-shot deadline (ns, 0: none) */
    uint32_t tlb_gen;           /* mmu.c: the PID generation this CPU's TLB0 is clean for */
    unsigned tlb0_victim;       /* mmu.c: round-robin TLB0 way for the next refill */
    struct hal_as *loaded[2];   /* mmu.c: the spaces in the PID registers (kernel, user) */
    unsigned long entries;      /* guest entries on this CPU (hal_vcpu_run) */
    struct hal_vcpu *spr_owner; /* whose USPRG0 / SPEFSCR the CPU holds (NULL: nobody's) */
};

extern char ppc_hyp_stack_top[]; /* entry.S: the boot CPU's hypervisor stack */

/* hal_this_cpu() inlined for arch/ppc's own paths: every exit asks (SPRG2, platform.c). */
static inline struct hal_cpu *ppc_this_cpu(void)
{
    return (struct hal_cpu *)(uintptr_t)mfspr(SPR_SPRG2);
}

/*
 * platform.c: point SPRG2 at CPU id's struct hal_cpu (first thing at boot
 * on every CPU); stack_top: the stack exceptions from guests run on.
 */
void ppc_cpu_init(unsigned id, uint32_t stack_top);
extern struct hal_cpu ppc_cpus[HAL_MAX_CPUS];
/* CPU id's state (any CPU); inline: vCPU destroy and space destroy look at every CPU. */
static inline struct hal_cpu *ppc_cpu(unsigned id)
{
    return &ppc_cpus[id < HAL_MAX_CPUS ? id : 0];
}
extern uint64_t ppc_ccsr_phys;

/* entry.S */
HAL_NORETURN void ppc_enter_guest(struct ppc_frame *f);
void ppc_vectors_init(void);
/* vcpu.c: USPRG0 / SPEFSCR, kept lazily on one CPU, saved per exit once ppc_sprs_eager. */
extern bool ppc_sprs_eager;
void ppc_sprs_exit_eager(struct hal_vcpu *hv); /* an exit from hv once eager: save them */
static inline void
ppc_sprs_exit(struct hal_vcpu *hv) /* an exit from hv: save them if eager */
{
    if (ppc_sprs_eager)
        ppc_sprs_exit_eager(hv);
}
void ppc_sprs_sync(struct hal_vcpu *hv);   /* make hv's frame copy current */
void ppc_sprs_loaded(struct hal_vcpu *hv); /* hv's frame holds new values */
/*
 * vcpu.c: the guest kernel's virtual MSR[EE] is its event mask,
 * !vcpu_info.evtchn_upcall_mask (docs/porting.md).  ppc_vmsr_read: the
 * MSR guest-kernel mode reads (EE or 0).  ppc_vmsr_set_ee: set or clear
 * the mask; true when an upcall is due now (EE set with an event pending),
 * which the caller delivers before the guest's next instruction.
 */
uint32_t ppc_vmsr_read(const struct hal_vcpu *hv);
bool ppc_vmsr_set_ee(struct hal_vcpu *hv, bool ee);
/* trap.c: every exception lands here. */
HAL_NORETURN void ppc_exception(struct ppc_frame *f);
/* mmu.c */
void ppc_mmu_init(uint64_t ram_end);
/*
 * A secondary CPU: load the hypervisor's TLB1 entries the boot CPU wrote
 * (ppc_mmu_init, ppc_map_tlb1 before the CPU was started), drop the spin
 * table's boot mapping and every guest translation, clear the PIDs.
 */
void ppc_mmu_secondary_init(void);
/* Remember a TLB1 entry of the hypervisor's own so secondaries load it too. */
void ppc_tlb1_record(uint32_t mas0, uint32_t mas1, uint32_t mas2, uint32_t mas3,
                     uint32_t mas7);
uint64_t ppc_direct_map_end(void);
bool ppc_tlb_refill(struct hal_vcpu *hv, uint32_t ea);
/* mmu.c, also read by tlbmiss.S (the assembly refill): the PID generation, TLB0's ways. */
extern uint32_t ppc_pid_gen;
extern unsigned ppc_tlb0_ways;
/*
 * A data storage interrupt on a store at ea: if the page is writable but
 * write-protected for dirty tracking (log-dirty), record the write, load
 * the entry writable and return true (retry); false for a real fault.
 */
bool ppc_dirty_write_fault(struct hal_vcpu *hv, uint32_t ea);
void ppc_load_pids(struct hal_vcpu *hv);
/*
 * This CPU idles: the spaces in its PID registers count as merely cached
 * here (stale), so a flush gives them new PIDs rather than interrupt it.
 */
void ppc_mmu_idle(void);
/* timer.c */
void ppc_timer_init(uint32_t tb_freq);
void ppc_timer_cpu_init(void); /* this CPU's decrementer (every CPU) */
void ppc_decrementer(void);
void ppc_poll_console(void);
/*
 * Doze (ppc_halt) until the decrementer, set ns ahead meanwhile, or an
 * interrupt is pending; then the real deadline is armed again.  For waits
 * on another CPU: under QEMU's round-robin -icount a CPU's turn ends only
 * when it halts or some CPU's timer is due (timer.c, hal_cpu_wait_ipi).
 */
void ppc_doze_ns(uint64_t ns);
/* The MPIC (pirq.c): reset with every source masked; acknowledge, deliver and EOI one
 * pending source (false if none); whether CCSR page pa is one dom0 may map. */
void ppc_mpic_init(void);
void ppc_mpic_cpu_init(unsigned id); /* this CPU's task priority (every CPU) */
bool ppc_mpic_poll(void);
void ppc_mpic_send_ipi(unsigned id); /* an inter-processor interrupt to CPU id */
/*
 * Halting for an IPI alone (hal_cpu_wait_ipi): ppc_mpic_ipis_only(true)
 * raises this CPU's task priority so that only IPIs reach it (device
 * interrupts stay pending in the MPIC), (false) lowers it again;
 * ppc_mpic_take_ipi() acknowledges a pending IPI and runs it.
 */
void ppc_mpic_ipis_only(bool on);
void ppc_mpic_take_ipi(void);
/*
 * Sleep (MSR[WE], HID0[DOZE]) until an external input or a decrementer
 * interrupt is pending, which it leaves pending (halt.S).  EE off on entry
 * and return.
 */
void ppc_halt(void);
/* smp.c: the CPUs the device tree lists (boot CPU first); how many there are. */
struct fdt;
unsigned ppc_smp_scan(const struct fdt *fdt);
bool ppc_ccsr_page_is_dom0s(uint64_t pa);

static inline uint64_t ppc_read_tb(void)
{
    uint32_t hi, lo, hi2;
    do {
        hi = mfspr(SPR_TBU_R);
        lo = mfspr(SPR_TBL_R);
        hi2 = mfspr(SPR_TBU_R);
    } while (hi != hi2);
    return (uint64_t)hi << 32 | lo;
}

/*
 * Map 1 MiB at effective va to physical pa (cache-inhibited, guarded,
 * supervisor read/write) with a free TLB1 entry; false if none is free.
 */
bool ppc_map_tlb1(uint32_t va, uint64_t pa);
/* Map CCSR at CCSR_VIRT. */
bool ppc_map_ccsr(uint64_t phys);
/* Signal failure through pvpanic-pci (QEMU exits 1); false if absent. */
bool ppc_pvpanic(void);
/* pci.c: a 32-bit config write on bus 0, and the pvpanic function (256: none). */
void ppc_pci_cfg_write32(unsigned devfn, unsigned reg, uint32_t v);
unsigned ppc_pvpanic_devfn(void);
/* Start the DUART console (after ppc_map_ccsr). */
void ppc_console_init(uint32_t uart_off);
/* Print helpers usable before and without core/. */
void ppc_puts(const char *s);

#endif
