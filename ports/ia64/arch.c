/* SPDX-License-Identifier: MIT */
/* IA-64 arch layer of the guest port: trap-record access, contexts, probes. */
#include <port/arch_ctx.h>
#include <port/arch_regs.h>
#include <port/kernel.h>

_Static_assert(PORT_VIRT_BASE == HESTIA_IA64_GUEST_VIRT_BASE, "link base");
_Static_assert(THREAD_STACK_PAGES *HESTIA_PAGE_SIZE >= HESTIA_IA64_KSTACK_SIZE, "kstack");

#define PSR_RI (3ull << HESTIA_IA64_PSR_RI_SHIFT)

uint64_t arch_trap_pc(const struct hestia_trap_record *r)
{
    return r->regs[PI_IP] | ((r->regs[PI_PSR] & PSR_RI) >> HESTIA_IA64_PSR_RI_SHIFT);
}

void arch_trap_set_pc(struct hestia_trap_record *r, uint64_t pc)
{
    r->regs[PI_IP] = pc & ~15ull;
    r->regs[PI_PSR] = (r->regs[PI_PSR] & ~PSR_RI) | ((pc & 3) << HESTIA_IA64_PSR_RI_SHIFT);
}

uint64_t arch_trap_sp(const struct hestia_trap_record *r)
{
    return r->regs[PI_SP];
}
uint64_t arch_syscall_nr(const struct hestia_trap_record *r)
{
    return r->regs[PI_NR];
}

uint64_t arch_syscall_arg(const struct hestia_trap_record *r, unsigned i)
{
    return i < 5 ? r->regs[PI_ARG0 + i] : 0;
}

void arch_syscall_set_result(struct hestia_trap_record *r, uint64_t v)
{
    r->regs[PI_R8] = v;
}

extern char user_tramp[], __gp[];

/* The kernel address of user address va (inside the user blob), or 0. */
static uint64_t user_to_kernel(uint64_t va)
{
    uint64_t size = (uintptr_t)__user_end - (uintptr_t)__user_start;
    return va >= USER_BASE && va - USER_BASE < size
               ? va - USER_BASE + (uintptr_t)__user_start
               : 0;
}

static uint64_t kernel_to_user(uint64_t ka)
{
    return ka - (uintptr_t)__user_start + USER_BASE;
}

/*
 * A user task: a0 is the program's user address (code in .user.text,
 * mapped at USER_BASE).  The task starts in user_tramp, which calls
 * user_entry(a0, a1) with the user gp: the image's gp moved by the same
 * offset as the code, so -mauto-pic's gp-relative data references reach
 * the user mapping.  Its register backing store is the bottom page of the
 * user stack.  Anything else gets a context the hypervisor refuses (slot 3).
 */
void arch_user_context(struct hestia_trap_record *r, uint64_t pc, uint64_t sp, uint64_t a0,
                       uint64_t a1)
{
    uint64_t prog = user_to_kernel(a0);
    bool ok = user_to_kernel(pc) && prog >= (uintptr_t)__user_start &&
              prog < (uintptr_t)__user_data;
    r->regs[PI_IP] = kernel_to_user((uintptr_t)user_tramp);
    r->regs[PI_SP] = (sp & ~15ull) - 16;
    r->regs[PI_PSR] = (uint64_t)HESTIA_IA64_CPL_USER << HESTIA_IA64_PSR_CPL_SHIFT |
                      (ok ? 0 : 3ull << HESTIA_IA64_PSR_RI_SHIFT);
    r->regs[PI_GP] = (uintptr_t)__gp - (uintptr_t)__user_start + USER_BASE;
    r->regs[HESTIA_IA64_REG_GR(14)] = a0;
    r->regs[HESTIA_IA64_REG_GR(15)] = a1;
    r->regs[PI_CFM] = 0;
    r->regs[PI_BSP] = USER_STACK_TOP - 2 * HESTIA_PAGE_SIZE; /* user.c: two stack pages */
    r->regs[HESTIA_IA64_REG_RNAT] = 0;
}

long hypercall_raw(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
                   unsigned long a3, unsigned long a4);
long hypercall_fp(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
                  unsigned long a3, unsigned long a4, uint64_t area);

/*
 * Resuming a context also brings back its f6-f11, saved by the entry stub
 * below the handler's stack (entry.S), which is where the hypervisor put
 * it: (interrupted sp - 64) & ~15 in kernel mode, the task's kernel stack
 * - 16 for a user-mode context.  The native platform (ports/ia64/native)
 * reloads them from the same place.
 */
uint64_t ia64_fp_area(const struct hestia_trap_record *r)
{
    uint64_t psr = r->regs[PI_PSR], sp = r->regs[PI_SP];
    unsigned cpl = (psr >> HESTIA_IA64_PSR_CPL_SHIFT) & 3;
    /* From user mode the handler ran on the task's kernel stack (current read once:
     * each read is an out-of-line this_cpu(), and every system call returns here). */
    uint64_t hsp = (sp - 64) & ~15ull;
    if (cpl != HESTIA_IA64_CPL_KERNEL) {
        struct thread *t = current;
        hsp = t && t->user_kstack ? (t->user_kstack & ~15ull) - 16 : 0;
    }
    return (hsp >> 61) == (HESTIA_IA64_GUEST_VIRT_BASE >> 61) ? hsp - IA64_FP_SAVE_BYTES
                                                              : 0;
}

#ifndef PORT_NATIVE /* the native kernel calls ports/common/native/hcall.c instead */
long arch_hypercall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
                    unsigned long a3, unsigned long a4)
{
    if (nr == HYPERCALL_trap_return) {
        uint64_t area = ia64_fp_area((const struct hestia_trap_record *)&this_vcpu()->trap);
        if (area)
            return hypercall_fp(nr, a0, a1, a2, a3, a4, area);
    }
    return hypercall_raw(nr, a0, a1, a2, a3, a4);
}
#endif

extern char thread_trampoline[];

/* Slots as in entry.S: 0 gp, 1 r4 (fn), 2 r5 (arg), 5 sp, 6 b0, 16 bspstore. */
void arch_ctx_init(struct arch_ctx *ctx, void *stack_top, void (*fn)(void *), void *arg)
{
    uint64_t top = (uintptr_t)stack_top & ~15ull;
    for (unsigned i = 0; i < ARRAY_SIZE(ctx->r); i++)
        ctx->r[i] = 0;
    uint64_t gp;
    __asm__("mov %0 = gp" : "=r"(gp));
    ctx->r[CTX_SLOT_GP] = gp;
    ctx->r[CTX_SLOT_R4] = (uintptr_t)fn; /* thread_trampoline: r4 = fn, r5 = arg */
    ctx->r[CTX_SLOT_R4 + 1] = (uintptr_t)arg;
    ctx->r[CTX_SLOT_SP] = top - 16;
    ctx->r[CTX_SLOT_B0] = (uintptr_t)thread_trampoline;
    /* The register stack grows up from the bottom of the thread's stack area. */
    ctx->r[CTX_SLOT_BSPSTORE] = ((top - 1) & ~(uint64_t)(STACK_BYTES - 1)) + 16;
}

const uint64_t arch_wild[ARCH_NR_WILD] = {
    0xe000000000100000ull, /* hypervisor (region 7) */
    0x4000000000000000ull, /* region 2: no guest window */
    0xe000000000000000ull, 0xa000008000000000ull, 0x8000000000000000ull,
    0x0000007ffffff000ull, /* top of the user window: nothing mapped */
};

struct probe_fix {
    uint64_t fault, fix;
};
extern const struct probe_fix __probes_start[], __probes_end[];
extern char probe_call_return[];
static uint64_t probe_call_target, wild_target, wild_fix;

int arch_probe_fixup(struct hestia_trap_record *r)
{
    uint64_t ip = r->regs[PI_IP];
    for (const struct probe_fix *p = __probes_start; p < __probes_end; p++) {
        if (p->fault == ip) {
            r->regs[PI_IP] = p->fix;
            r->regs[PI_PSR] &= ~PSR_RI;
            return 1;
        }
    }
    if (wild_target && ip == wild_target) {
        wild_target = 0;
        r->regs[PI_IP] = wild_fix;
        r->regs[PI_PSR] &= ~PSR_RI;
        return 1;
    }
    /* arch_probe_call: back into probe_call_asm's frame, described by ar.pfs. */
    if (probe_call_target && ip == (probe_call_target & ~15ull)) {
        probe_call_target = 0;
        r->regs[PI_IP] = (uintptr_t)probe_call_return;
        r->regs[PI_PSR] &= ~PSR_RI;
        r->regs[PI_CFM] = (r->regs[HESTIA_IA64_REG_PFS] & 0x3fffffffffull) | 1ull << 63;
        return 1;
    }
    return 0;
}

long probe_call_asm(uintptr_t addr);

long arch_probe_call(uintptr_t addr)
{
    probe_call_target = addr;
    long r = probe_call_asm(addr);
    probe_call_target = 0;
    return r;
}

long priv_rsm_i(void), priv_ssm_dt(void), priv_mov_psr(void), priv_read_psr(void),
    priv_mov_rr(void), priv_read_rr(void), priv_mov_iva(void), priv_mov_itm(void),
    priv_itc_d(void), priv_itr_i(void), priv_ptc_e(void), priv_ptc_l(void), priv_rfi(void),
    priv_bsw(void), priv_mov_k0(void), priv_mov_itc(void), priv_epc(void);

/*
 * kind: what each raises at PL2.  itc / itr check PSR.ic before the
 * privilege level (SDM vol. 3, itc and itr), and a guest always runs with
 * PSR.ic 1: those two are Illegal Operations, the rest privileged ones.
 */
static const struct {
    const char *name;
    long (*fn)(void);
    unsigned kind;
} priv_probes[] = {
#define PRIV HESTIA_TRAP_PRIV_OP
    {"rsm-psr.i", priv_rsm_i, PRIV},
    {"ssm-psr.dt", priv_ssm_dt, PRIV},
    {"mov-psr.l", priv_mov_psr, PRIV},
    {"mov-from-psr", priv_read_psr, PRIV},
    {"mov-rr", priv_mov_rr, PRIV},
    {"mov-from-rr", priv_read_rr, PRIV},
    {"mov-cr.iva", priv_mov_iva, PRIV},
    {"mov-cr.itm", priv_mov_itm, PRIV},
    {"itc.d", priv_itc_d, HESTIA_TRAP_INVALID_OP},
    {"itr.i", priv_itr_i, HESTIA_TRAP_INVALID_OP},
    {"ptc.e", priv_ptc_e, PRIV},
    {"ptc.l", priv_ptc_l, PRIV},
    {"rfi", priv_rfi, PRIV},
    {"bsw.0", priv_bsw, PRIV},
    {"mov-ar.k0", priv_mov_k0, PRIV},
    {"mov-ar.itc", priv_mov_itc, PRIV},
    {"epc+mov-rr", priv_epc, PRIV},
#undef PRIV
};

/* ia64sim's block device window (docs/ia64sim.md, "Devices"). */
uint64_t arch_virtio_mmio_base(void)
{
    return 0x10000000000ull;
}

unsigned arch_nr_priv_probes(void)
{
    return ARRAY_SIZE(priv_probes);
}
const char *arch_priv_probe_name(unsigned i)
{
    return i < ARRAY_SIZE(priv_probes) ? priv_probes[i].name : "?";
}
unsigned arch_priv_probe_kind(unsigned i)
{
    return i < ARRAY_SIZE(priv_probes) ? priv_probes[i].kind : HESTIA_TRAP_PRIV_OP;
}
long arch_priv_probe(unsigned i)
{
    return i < ARRAY_SIZE(priv_probes) ? priv_probes[i].fn() : 0;
}

void arch_trap_tamper(struct hestia_trap_record *r)
{
    /* PL0, interruption collection off, the other register bank. */
    r->regs[PI_PSR] &= ~(3ull << HESTIA_IA64_PSR_CPL_SHIFT);
    r->regs[PI_PSR] |= (1ull << 13) | (1ull << 14) | (1ull << 44);
}

/*
 * r is a probe's record, already moved to its recovery bundle: continue at
 * pc in the probe's own frame instead; the fault there resumes at that
 * recovery bundle (wild_fix), so the probe returns -1.
 */
void arch_trap_wild_pc(struct hestia_trap_record *r, uint64_t pc)
{
    wild_fix = r->regs[PI_IP];
    wild_target = pc & ~15ull;
    r->regs[PI_IP] = pc & ~15ull;
    r->regs[PI_PSR] &= ~PSR_RI;
}

long ia64_ssc_probe(long arg, long nr);

/*
 * The simulator's firmware calls (SSC putchar, exit) from the guest kernel
 * at PL2: each must trap as a break the hypervisor reflects, not print or
 * end the whole machine's run.
 */
static void a_ssc(struct tctx *t)
{
    static const struct {
        const char *name;
        long arg, nr;
    } calls[] = {{"putchar", '!', 31}, {"exit", 0x5a, 66}, {"getchar", 0, 21}};
    for (unsigned i = 0; i < ARRAY_SIZE(calls); i++) {
        unsigned before = trap_last.count;
        long r = ia64_ssc_probe(calls[i].arg, calls[i].nr);
        T_CHECK(t, r == -1 && trap_last.count == before + 1, "SSC %s ran (%ld)",
                calls[i].name, r);
        T_CHECK(t,
                trap_last.kind == HESTIA_TRAP_BREAKPOINT && trap_last.error_code == 0x80001,
                "SSC %s: trap kind %u code %llx", calls[i].name, (unsigned)trap_last.kind,
                (unsigned long long)trap_last.error_code);
    }
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail), "%u SSC calls at PL2 trapped as breaks",
                  (unsigned)ARRAY_SIZE(calls));
}

long ia64_user_bad_rbs(long addr);

/*
 * A user task points ar.bspstore at the hypervisor, at the guest kernel,
 * at nothing, and makes the RSE spill there: each is a fault the guest
 * kernel gets (the task is ended), and the machine keeps running.  The
 * native platform runs it too (its kernel flushes that store itself).
 */
void ia64_check_bad_rbs(struct tctx *t)
{
    const uint64_t addrs[] = {arch_wild[0], arch_wild[2], (uintptr_t)__image_start,
                              arch_wild[1], arch_wild[5]};
    for (unsigned i = 0; i < ARRAY_SIZE(addrs); i++) {
        struct user_result res;
        long r = user_run(ia64_user_bad_rbs, (long)addrs[i], &res);
        T_CHECK(t, r == 0 && res.faulted, "bspstore %llx: no fault (%ld)",
                (unsigned long long)addrs[i], r);
        T_CHECK(t, (res.fault_addr & ~0xfffull) == (addrs[i] & ~0xfffull),
                "bspstore %llx: fault at %llx", (unsigned long long)addrs[i],
                (unsigned long long)res.fault_addr);
    }
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail), "%u wild backing stores faulted",
                  (unsigned)ARRAY_SIZE(addrs));
}

long ia64_user_ro_rbs(long unused); /* entry.S */

/*
 * A user task points ar.bspstore at a page it may read but not write (its
 * own code) and makes a system call: the hypervisor, storing the task's
 * registers for the guest kernel, must not write them there (it checks
 * for the write right page by page, arch/ia64/vcpu.c).  The page must come
 * back unchanged and the task be ended (a fault, or its own exit); the
 * machine runs on.
 */
static void a_ro_rbs(struct tctx *t)
{
    enum { WORDS = 4096 / 8 };
    static uint64_t before[WORDS];
    const uint64_t *page =
        (const uint64_t *)((uintptr_t)ia64_user_ro_rbs & ~(uintptr_t)4095);
    for (unsigned i = 0; i < WORDS; i++)
        before[i] = page[i];
    struct user_result res;
    long r = user_run(ia64_user_ro_rbs, 0, &res);
    unsigned changed = 0;
    for (unsigned i = 0; i < WORDS; i++)
        changed += page[i] != before[i];
    T_CHECK(t, r == 0, "user_run: %ld", r);
    T_CHECK(t, changed == 0,
            "the hypervisor wrote %u doublewords of registers on a read-only page",
            changed);
    T_CHECK(t, res.faulted || res.exit_code == 1 || res.exit_code == 2,
            "the task neither faulted nor exited (exit %ld)", res.exit_code);
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail),
                  "read-only backing store left unwritten; task %s (kind %u at %llx, exit "
                  "%ld)",
                  res.faulted ? "faulted" : "exited", (unsigned)res.fault_kind,
                  (unsigned long long)res.fault_addr, res.exit_code);
}

unsigned long ia64_regs_kept(unsigned long rounds, unsigned long salt); /* entry.S */

/*
 * A domain's registers are its own across exits: the ones the hypervisor
 * moves in hand-scheduled bundles (ivt.S) and at a vCPU change only (the
 * kept registers) keep their values through hypercalls that switch
 * domains.  The salt (the time: every domain starts the attack at its own)
 * makes each domain's patterns its own, so another's left in a register
 * shows.
 */
static void a_regs_kept(struct tctx *t)
{
    enum { ROUNDS = 200 };
    unsigned long salt = (unsigned long)time_now_ns() * 0x9e3779b97f4a7c15ul;
    unsigned long changed = ia64_regs_kept(ROUNDS, salt);
    T_CHECK(t, changed == 0, "registers changed across exits: mask %lx (entry.S order)",
            changed);
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail), "%u yield + version rounds", ROUNDS);
}

const struct arch_attack arch_attacks[] = {
    {"iso.ia64-ssc-calls", a_ssc},
    {"iso.ia64-user-bad-bspstore", ia64_check_bad_rbs},
    {"iso.ia64-user-ro-bspstore", a_ro_rbs},
    {"iso.ia64-regs-kept", a_regs_kept},
    {NULL, NULL},
};
