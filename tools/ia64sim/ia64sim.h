/* SPDX-License-Identifier: MIT */
/* ia64sim: an IA-64 platform simulator (1 to 8 CPUs sharing physical RAM at
 * 0, Ski SSC console).  Shared types of the decoder, executor and platform. */
#ifndef IA64SIM_H
#define IA64SIM_H

#include <stdint.h>
#include <stdio.h>

/* Process exit statuses besides the guest's own SSC exit status. */
#define EXIT_USAGE 2   /* bad command line or bad image */
#define EXIT_LIMIT 124 /* --max-insns reached */
#define EXIT_STOP 125  /* unimplemented insn, unhandled fault, bad fetch */
/* Not an exit status: cpu_run's CPU used up its slice (smp.c). */
#define RUN_SLICE_END (-1)

enum unit { U_M, U_I, U_F, U_B, U_L, U_X };

enum op {
    OP_ILLEGAL,
    OP_UNIMPL,
    OP_NOP,
    OP_BREAK,
    /* A unit */
    OP_ADD,
    OP_ADD1,
    OP_SUB,
    OP_SUB1,
    OP_ADDP4,
    OP_AND,
    OP_ANDCM,
    OP_OR,
    OP_XOR,
    OP_SHLADD,
    OP_SHLADDP4,
    OP_SUBI,
    OP_ANDI,
    OP_ANDCMI,
    OP_ORI,
    OP_XORI,
    OP_ADDI,
    OP_ADDP4I,
    OP_CMP,
    /* I unit */
    OP_DEP,
    OP_DEPZ,
    OP_DEPZI,
    OP_DEPI,
    OP_EXTR,
    OP_EXTRU,
    OP_SHRP,
    OP_SHL,
    OP_SHR,
    OP_SHRU,
    OP_TBIT,
    OP_TNAT,
    OP_ZXT,
    OP_SXT,
    OP_CZX1L,
    OP_CZX2L,
    OP_CZX1R,
    OP_CZX2R,
    OP_MUX1,
    OP_MUX2,
    OP_POPCNT,
    OP_CLZ,
    OP_MPY4,
    OP_MOV_FROM_IP,
    OP_MOV_FROM_BR,
    OP_MOV_TO_BR,
    OP_MOV_FROM_PR,
    OP_MOV_TO_PR,
    OP_MOV_TO_PR_ROT,
    OP_MM,
    OP_MOV_TO_AR,
    OP_MOV_TO_ARI,
    OP_MOV_FROM_AR,
    OP_CHK_S,
    /* M unit */
    OP_LD,
    OP_ST,
    OP_LDF,
    OP_STF,
    OP_LDFP,
    OP_SETF,
    OP_GETF,
    OP_CMPXCHG,
    OP_XCHG,
    OP_FETCHADD,
    OP_LFETCH,
    OP_ALLOC,
    OP_MOV_FROM_CR,
    OP_MOV_TO_CR,
    OP_MOV_TO_PSRL,
    OP_MOV_FROM_PSR,
    OP_MOV_TO_PSRUM,
    OP_MOV_FROM_PSRUM,
    OP_SUM,
    OP_RUM,
    OP_SSM,
    OP_RSM,
    OP_MOV_TO_IND,
    OP_MOV_FROM_IND,
    OP_ITC,
    OP_ITR,
    OP_PTC_L,
    OP_PTC_E,
    OP_PTR,
    OP_THASH,
    OP_TTAG,
    OP_TPA,
    OP_TAK,
    OP_PROBE,
    OP_PROBE_FAULT,
    OP_FC,
    OP_CHK_A,
    OP_INVALA,
    OP_FLUSHRS,
    OP_LOADRS,
    OP_SRLZ_I,
    /* B unit */
    OP_BR,
    OP_BR_IND,
    OP_BR_CALL,
    OP_BR_CALL_IND,
    OP_BR_RET,
    OP_BR_CLOOP,
    OP_BR_CEXIT,
    OP_BR_CTOP,
    OP_BR_WEXIT,
    OP_BR_WTOP,
    OP_BR_IA,
    OP_COVER,
    OP_CLRRRB,
    OP_CLRRRB_PR,
    OP_RFI,
    OP_BSW0,
    OP_BSW1,
    OP_EPC,
    /* F unit */
    OP_FMA,
    OP_FMS,
    OP_FNMA,
    OP_XMA,
    OP_FSELECT,
    OP_FCMP,
    OP_FCLASS,
    OP_FRCPA,
    OP_FRSQRTA,
    OP_FMIN,
    OP_FMAX,
    OP_FAMIN,
    OP_FAMAX,
    OP_FMERGE_S,
    OP_FMERGE_NS,
    OP_FMERGE_SE,
    OP_FMIX_LR,
    OP_FMIX_R,
    OP_FMIX_L,
    OP_FSXT_R,
    OP_FSXT_L,
    OP_FAND,
    OP_FANDCM,
    OP_FOR,
    OP_FXOR,
    OP_FCVT_FX,
    OP_FCVT_XF,
    OP_FSETC,
    OP_FCLRF,
    OP_FCHKF,
    /* X unit */
    OP_MOVL,
    OP_BRL,
    OP_BRL_CALL,
    /* not an instruction: ends a pass of the run loop early (exec.c) */
    OP_HOOKSTOP,
    OP_COUNT
};

/* Compare relations and types (OP_CMP, OP_TBIT, OP_TNAT, OP_FCMP, ...). */
enum { REL_EQ, REL_NE, REL_LT, REL_LE, REL_GT, REL_GE, REL_LTU, REL_UNORD };
enum { CT_NONE, CT_UNC, CT_AND, CT_OR, CT_ORANDCM };

/* Load/store kinds (insn.c2 of OP_LD/OP_LDF). */
enum {
    LK_NORMAL,
    LK_S,
    LK_A,
    LK_SA,
    LK_BIAS,
    LK_ACQ,
    LK_FILL,
    LK_CCLR,
    LK_CNC,
    LK_CCLRACQ
};
/* Post-increment (insn.flags & INC_MASK). */
#define INC_NONE 0
#define INC_REG 1
#define INC_IMM 2
#define INC_MASK 3
#define FL_CMP4 4   /* OP_CMP: 32-bit compare */
#define FL_IMM 8    /* OP_CMP: immediate first operand */
#define FL_ZERO 16  /* OP_CMP: r0 first operand (the tb=1 forms) */
#define FL_UNC 32   /* writes predicates even when qp is false */
#define FL_SPILL 64 /* st8.spill / stf.spill / ld8.fill / ldf.fill */

struct insn {
    uint16_t op;
    uint8_t qp;
    uint8_t r1, r2, r3; /* GR/FR/BR numbers, by form */
    uint8_t p1, p2;
    uint8_t f4;
    uint8_t sz;     /* access size in bytes, extension width, ... */
    uint8_t c1, c2; /* small fields: relation/ctype, pos/len, sf/precision */
    uint8_t flags;
    int64_t imm;
};

struct bundle {
    uint64_t tag;   /* physical address | 1 when valid */
    uint8_t nslots; /* 2 for MLX (slot 1 holds the L+X instruction) */
    uint8_t stop;   /* bit i: stop after slot i */
    uint8_t tmpl;
    uint8_t ngroups; /* stops in the bundle (cycle estimate) */
    uint64_t vip;    /* virtual ip the IP-relative targets were resolved for */
    struct insn s[3];
};

/* General register with its NaT bit. */
struct greg {
    uint64_t v;
    uint64_t nat;
};

/* Floating-point register in the 82-bit register format. */
struct freg {
    uint64_t sig;
    uint32_t exp; /* 17 bits; 0x1FFFE with sig 0 = NaTVal */
    uint32_t sign;
};

#define NTLB_TR 8
#define NTLB_TC 64
struct tlbe {
    uint64_t va; /* virtual page base (bits 0..60), ps-aligned */
    uint64_t pa; /* physical page base */
    uint32_t rid;
    uint8_t ps, ar, pl, ma, ed;
    uint8_t a, d, p, valid;
    uint32_t key;
};

/* Fast translation cache: 4 KiB virtual page -> host pointer. */
#define XC_BITS 10
#define XC_SIZE (1u << XC_BITS)
struct xcent {
    uint64_t tag;  /* va >> 12 | generation << 52; generation 0 = invalid */
    uint8_t *host; /* host address of the 4 KiB page */
    uint64_t pa;   /* physical address of the page */
};
enum { XC_R, XC_W, XC_X };
/* Or'ed into dptr's access type by plain integer loads and stores, the only
 * instructions that may reach device registers. */
#define ACC_MMIO 8

#define NPHYS_STACKED 96
#define STK_SIZE 4096

struct cpu {
    unsigned id;          /* index in the machine; cr.lid.id (eid 0) */
    int waiting;          /* an application processor still in the firmware's
                           * boot rendezvous (smp.c): it does not execute */
    uint64_t slice_end;   /* cpu_run returns RUN_SLICE_END at this icount */
    uint64_t parked_time; /* turns spent not running (smp.c: its clock) */
    uint64_t wake_at;     /* parked: the sender's ITC of the first IPI sent to
                           * it; it runs on from there (smp.c) */
    uint64_t idle_until;  /* several CPUs: a forward ar.itc write parks the
                           * CPU until its ITC reaches this (0: running) */

    /* register pointers for the current frame / bank / rotation */
    struct greg *gr[128];
    struct freg *fr[128];
    uint8_t *pr[64];

    struct greg grs[32]; /* r0..r31 (r16..r31 of the current bank) */
    struct greg bank0[16], bank1[16];
    struct greg stk[STK_SIZE]; /* linear backing for the stacked registers */
    struct greg junk;          /* target of out-of-frame register numbers */
    struct freg frs[128];
    uint8_t prs[64];
    uint64_t br[8];
    uint64_t ar[128];
    uint64_t cr[128];
    uint64_t rr[8];
    uint64_t pkr[16];
    uint64_t dbr[16], ibr[16], pmc[16], pmd[16];
    uint64_t psr;
    uint64_t ip;
    unsigned ri; /* slot to start at in the bundle at ip */

    /* CFM */
    unsigned sof, sol, sor, rrb_gr, rrb_fr, rrb_pr;
    /* RSE */
    unsigned bof;    /* index in stk[] of the current frame's r32 */
    unsigned ndirty; /* registers below bof not yet spilled */

    /* TLB */
    struct tlbe itr[NTLB_TR], dtr[NTLB_TR], itc[NTLB_TC], dtc[NTLB_TC];
    unsigned itc_next, dtc_next;
    struct xcent xc[3][XC_SIZE];
    uint64_t xc_gen; /* current generation, shifted to bit 52 */

    /* interrupts */
    uint64_t irr[4];
    int insvc[32];
    int ninsvc;
    uint64_t itm_armed;

    /* platform */
    uint8_t *ram;
    uint64_t ram_size;
    uint64_t icount, max_insns, cycles, itc_off;
    uint64_t trace_lo, trace_hi;
    int trace, stats, iva_set, halted, exit_status;
    int dbg;      /* a gdb is attached: check before each instruction */
    int hook;     /* dbg or PSR.ed: run one instruction at a time */
    int ed_armed; /* 1: PSR.ed from an rfi, 2: its one instruction ran */
    int intr_pending_check;
    unsigned fault_streak;
    const char *stop_reason;

    /* devices (devices.c): how many, and the register access in flight */
    unsigned devices;
    uint64_t mmio_pa;
    unsigned mmio_sz;
    uint8_t mmio_buf[8];

    /* the bundle cache, shared by all CPUs (code in the shared RAM) */
    struct bundle *bc;
    unsigned bc_mask;
    uint8_t *codepage; /* per 4 KiB physical page: has cached bundles */
};

/* PSR bits */
#define PSR_BE (1ull << 1)
#define PSR_UP (1ull << 2)
#define PSR_AC (1ull << 3)
#define PSR_MFL (1ull << 4)
#define PSR_MFH (1ull << 5)
#define PSR_IC (1ull << 13)
#define PSR_I (1ull << 14)
#define PSR_PK (1ull << 15)
#define PSR_DT (1ull << 17)
#define PSR_DFL (1ull << 18)
#define PSR_DFH (1ull << 19)
#define PSR_SP (1ull << 20)
#define PSR_PP (1ull << 21)
#define PSR_DI (1ull << 22)
#define PSR_SI (1ull << 23)
#define PSR_DB (1ull << 24)
#define PSR_LP (1ull << 25)
#define PSR_TB (1ull << 26)
#define PSR_RT (1ull << 27)
#define PSR_CPL_SHIFT 32
#define PSR_CPL (3ull << 32)
#define PSR_IS (1ull << 34)
#define PSR_MC (1ull << 35)
#define PSR_IT (1ull << 36)
#define PSR_ID (1ull << 37)
#define PSR_DA (1ull << 38)
#define PSR_DD (1ull << 39)
#define PSR_SS (1ull << 40)
#define PSR_RI_SHIFT 41
#define PSR_ED (1ull << 43)
#define PSR_BN (1ull << 44)
#define PSR_IA (1ull << 45)

/* application registers */
#define AR_RSC 16
#define AR_BSP 17
#define AR_BSPSTORE 18
#define AR_RNAT 19
#define AR_CCV 32
#define AR_UNAT 36
#define AR_FPSR 40
#define AR_ITC 44
#define AR_PFS 64
#define AR_LC 65
#define AR_EC 66

/* control registers */
#define CR_DCR 0
#define CR_ITM 1
#define CR_IVA 2
#define CR_PTA 8
#define CR_IPSR 16
#define CR_ISR 17
#define CR_IIP 19
#define CR_IFA 20
#define CR_ITIR 21
#define CR_IIPA 22
#define CR_IFS 23
#define CR_IIM 24
#define CR_IHA 25
#define CR_LID 64
#define CR_IVR 65
#define CR_TPR 66
#define CR_EOI 67
#define CR_IRR0 68
#define CR_ITV 72
#define CR_PMV 73
#define CR_CMCV 74
#define CR_LRR0 80
#define CR_LRR1 81

/* interruption vector offsets */
#define IV_VHPT 0x0000
#define IV_ITLB 0x0400
#define IV_DTLB 0x0800
#define IV_ALT_ITLB 0x0c00
#define IV_ALT_DTLB 0x1000
#define IV_NESTED_DTLB 0x1400
#define IV_DIRTY 0x2000
#define IV_IACCESS 0x2400
#define IV_DACCESS 0x2800
#define IV_BREAK 0x2c00
#define IV_EXTINT 0x3000
#define IV_PAGE_NP 0x5000
#define IV_IAR 0x5200
#define IV_DAR 0x5300
#define IV_GENEX 0x5400
#define IV_DISFP 0x5500
#define IV_NATC 0x5600
#define IV_UNALIGNED 0x5a00

/* General Exception ISR codes */
#define GE_ILLOP 0x00
#define GE_PRIVOP 0x10
#define GE_PRIVREG 0x20
#define GE_RESREG 0x30

/* ISR bits */
#define ISR_X (1ull << 32)
#define ISR_W (1ull << 33)
#define ISR_R (1ull << 34)
#define ISR_NA (1ull << 35)
#define ISR_SP (1ull << 36)
#define ISR_RS (1ull << 37)
#define ISR_IR (1ull << 38)
#define ISR_EI_SHIFT 41

/* Fault signalled by an executor routine: unwinds to the main loop. */
#define FAULT 1
/* A speculative load's exception is deferred: the target gets NaT. */
#define DEFER 3

/* decode.c, decode_bfx.c */
void decode_bundle(const uint8_t *bytes, uint64_t ip, struct bundle *b, char text[3][128]);
void decode_m(uint64_t x, uint64_t ip, struct insn *in, char *t);
void decode_i(uint64_t x, uint64_t ip, struct insn *in, char *t);
void decode_a(uint64_t x, uint64_t ip, struct insn *in, char *t);
void decode_b(uint64_t x, uint64_t ip, struct insn *in, char *t);
void decode_f(uint64_t x, uint64_t ip, struct insn *in, char *t);
void decode_lx(uint64_t l, uint64_t x, uint64_t ip, struct insn *in, char *t);
const char *tmpl_name(unsigned t);
int writes_r1(unsigned op);
int tmpl_units(unsigned t, enum unit u[3]);
const char *ar_name(unsigned n, char *buf);
const char *cr_name(unsigned n, char *buf);
void tprint(char *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* mm.c (multimedia) */
int decode_mm_a(uint64_t x, struct insn *in, char *t);
int decode_mm_i(uint64_t x, struct insn *in, char *t);
uint64_t exec_mm(const struct insn *in, uint64_t a, uint64_t b);
void mm_operands(const struct insn *in, unsigned *ra, unsigned *rb, int *imm);

/* exec.c */
int cpu_run(struct cpu *c);
void cpu_reset(struct cpu *c, uint64_t entry);
void cpu_dump(struct cpu *c, FILE *f);
void cpu_stop(struct cpu *c, const char *why);
void frame_rebuild(struct cpu *c);
void bank_switch(struct cpu *c, int bn);
void disasm_at(struct cpu *c, uint64_t pa, FILE *f);

/* exec_mem.c (memory and FP) */
int exec_mem(struct cpu *c, const struct insn *in, uint64_t ip, unsigned slot);
int exec_fp(struct cpu *c, const struct insn *in, uint64_t ip, unsigned slot);
void fr_from_ld(struct freg *f, long double v);
long double fr_to_ld(const struct freg *f);
int mem_read(struct cpu *c, uint64_t va, unsigned sz, uint64_t *v, int kind);
int mem_write(struct cpu *c, uint64_t va, unsigned sz, uint64_t v);
/* Drops cached bundles decoded from the sz bytes at host (code written). */
void bundle_cache_invalidate(struct cpu *c, uint8_t *host, unsigned sz);

/* tlb.c */
int xlate(struct cpu *c, uint64_t va, int acc, uint8_t **host, int fault);
/* A speculative load's translation: 0 (*host set), DEFER or FAULT. */
int xlate_spec(struct cpu *c, uint64_t va, uint8_t **host);
int spec_unaligned_defers(struct cpu *c);
void xc_flush(struct cpu *c);
uint32_t rid_of(struct cpu *c, uint64_t va);
struct tlbe *tlb_find(struct cpu *c, uint64_t va, int instr);
int rights_ok(const struct tlbe *e, unsigned pl, int acc);
uint64_t thash(struct cpu *c, uint64_t va);
void tlb_fault_state(struct cpu *c, uint64_t va);
void tlb_purge(struct tlbe *t, int n, uint32_t rid, uint64_t va, unsigned ps);
void tlb_insert_tc(struct cpu *c, int instr, uint64_t pte);
void tlb_insert_tr(struct cpu *c, int instr, unsigned slot, uint64_t pte);
/* Set while the RSE makes a mandatory spill/fill (RSE_SPILL_FILL, or
 * RSE_FRAME_LOAD for the loads of br.ret / rfi): xlate checks rights with
 * RSC.pl and reports ISR.rs (and ISR.ir). */
extern int rse_ref;
enum { RSE_SPILL_FILL = 1, RSE_FRAME_LOAD = 2 };
/* Set while a speculative load translates (ISR.sp, deferral). */
extern int spec_ref;
/* Set by a load or store that may reach a device: xlate then answers a
 * translation to a device register with *host = NULL and the physical
 * address in xlate_mmio_pa. */
extern int xlate_mmio;
extern uint64_t xlate_mmio_pa;

/* sys.c */
int exec_sys(struct cpu *c, const struct insn *in, uint64_t ip, unsigned slot);
void interrupt(struct cpu *c, unsigned vec, uint64_t isr, uint64_t ifa, int has_ifa);
void raise_fault(struct cpu *c, unsigned vec, uint64_t isr, uint64_t ifa, int has_ifa,
                 uint64_t iim);
void timer_check(struct cpu *c);
int ext_intr_pending(struct cpu *c);
/* An external interrupt the CPU would take with psr.i set (its timer
 * checked first): what ends an idle wait. */
int cpu_wakeable(struct cpu *c);
int read_ar(struct cpu *c, unsigned n, uint64_t *v);
int write_ar(struct cpu *c, unsigned n, uint64_t v);
extern uint64_t cur_ip;
extern unsigned cur_slot;

/* rse.c */
void rse_call(struct cpu *c);
int rse_return(struct cpu *c, uint64_t pfs);
int rse_alloc(struct cpu *c, unsigned sof, unsigned sol, unsigned sor);
int rse_flushrs(struct cpu *c);
int rse_loadrs(struct cpu *c);
int rse_cover(struct cpu *c);
int rse_restore_frame(struct cpu *c, uint64_t ifs);
void rse_set_bspstore(struct cpu *c, uint64_t v);
uint64_t rse_bsp(struct cpu *c);
uint64_t cfm_get(struct cpu *c);
/* For the debugger: ar.bsp after the current frame (as after cover), and
 * the register-stack view of backing-store word a in [ar.bspstore, that
 * end): returns 1 and reads it into *get or writes *set, 0 outside. */
uint64_t rse_frame_end(struct cpu *c);
int rse_debug_word(struct cpu *c, uint64_t a, uint64_t *get, const uint64_t *set);
void rse_rotate(struct cpu *c);

/* gdbstub.c: the GDB remote protocol server */
#define MAX_IMG_SEGS 16
struct image_seg {
    uint64_t va, pa, size;
};
extern struct image_seg img_segs[MAX_IMG_SEGS]; /* the loaded ELF's PT_LOAD map */
extern unsigned img_nsegs;
/* Waits for gdb on spec ("unix:PATH" or "tcp:PORT") and serves it until it
 * resumes the CPU; -1 on a bad spec or socket error (message printed). */
int gdb_listen(struct cpu *c, const char *spec);
/* With c->dbg: 1 when gdb stopped the CPU before this instruction (the run
 * loop re-fetches at c->ip / c->ri), 0 to execute it. */
int gdb_before_insn(struct cpu *c, uint64_t ip, unsigned slot);
void gdb_exited(int status);
void gdb_fatal(struct cpu *c);

/* devices.c: the virtio-mmio devices (docs/ia64sim.md, "Devices") */
/* 1 when opt (with its argument arg) is a device option, now recorded. */
int devices_option(const char *opt, const char *arg);
/* Opens the configured devices and writes their boot-table entries (32
 * bytes each) at table; 0, or -1 with a message. */
int devices_setup(struct cpu *c, uint8_t *table, uint64_t *count);
/* From the run loop every 32 instructions while c->devices: polls the
 * network socket now and then and updates the interrupt lines. */
void devices_tick(struct cpu *c);
void devices_irq_sync(struct cpu *c);
/* The guest moves ar.itc forward by ticks (idle until a deadline): how far
 * it really moves, after a host-time wait on the network socket with
 * --idle realtime (devices.c), else ticks. */
uint64_t devices_idle(struct cpu *c, uint64_t ticks);
/* A load (acc XC_R, value read now) or store (XC_W) of sz bytes at a
 * physical address outside RAM: the buffer the access goes through, or
 * NULL after stopping the simulator (no device there, misaligned). */
uint8_t *mmio_access(struct cpu *c, uint64_t pa, unsigned sz, int acc);
/* Completes a store into the buffer mmio_access returned. */
void mmio_store(struct cpu *c);

/* smp.c: the CPUs of the machine, their round-robin scheduling, the
 * processor interrupt block and the AP boot rendezvous (docs/ia64sim.md,
 * "Several CPUs") */
#define MAX_CPUS 8
#define PIB_BASE 0xfee00000ull /* the processor interrupt block (2 MiB) */
#define PIB_SIZE 0x200000ull
#define AP_WAKEUP_VECTOR 0xf0 /* listed in the boot table's CPU table */
struct machine {
    struct cpu *cpu[MAX_CPUS];
    unsigned ncpus;
    uint64_t quantum;              /* instructions per CPU per round-robin turn */
    uint64_t max_insns;            /* --max-insns: all CPUs together (0: none) */
    uint64_t rendez_ip, rendez_gp; /* the SSC boot rendezvous, 0: not set */
};
extern struct machine machine;
/* Runs the machine's CPUs in turn until one ends the run: its exit status. */
int smp_run(void);
/* 1 when physical address pa is in the processor interrupt block. */
int pib_owns(struct cpu *c, uint64_t pa);
/* A load or store of sz bytes at pa in the PIB (mmio_access's contract). */
uint8_t *pib_access(struct cpu *c, uint64_t pa, unsigned sz, int acc);
void pib_store(struct cpu *c);
/* SSC 256 (boot rendezvous): r32 = physical ip, r33 = gp; 0 or -1 in r8. */
uint64_t ssc_set_rendezvous(struct cpu *c, uint64_t ip, uint64_t gp);
/* ptc.g / ptc.ga: the purge reaches every CPU's TLB. */
void tlb_purge_all_cpus(uint64_t va, unsigned ps, uint32_t rid);
/* Writes the boot table's CPU table (at offset CPU_TABLE_OFFSET). */
void smp_boot_table(uint8_t *table);
#define CPU_TABLE_OFFSET 0xd00

/* main.c (platform) */
#include <signal.h>
extern volatile sig_atomic_t stop_signal;
int ssc_call(struct cpu *c);
void sim_exit(struct cpu *c, int status);

#endif
