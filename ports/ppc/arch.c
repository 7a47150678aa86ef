/* SPDX-License-Identifier: MIT */
/* ppc arch layer of the guest port: trap-record access, contexts, probes. */
#include <port/arch_ctx.h>
#include <port/arch_regs.h>
#include <port/kernel.h>

_Static_assert(PORT_VIRT_BASE == HESTIA_PPC_GUEST_VIRT_BASE, "link base");

void ppc_user_reloc(void);

/*
 * The user programs are -fPIC, but 32-bit PowerPC loads data addresses
 * from the GOT (.got2), which the static link filled with the addresses
 * inside the kernel image.  The GOT sits in the user data pages: rebase
 * its entries once to the user window (USER_BASE + offset in the blob);
 * the kernel never uses that GOT itself.
 */
extern uint32_t __user_got2[], __user_got2_end[];
void ppc_user_reloc(void)
{
    uintptr_t lo = (uintptr_t)__user_start, hi = (uintptr_t)__user_end;
    for (uint32_t *p = __user_got2; p < __user_got2_end; p++)
        if (*p >= lo && *p < hi)
            *p = (uint32_t)(USER_BASE + (*p - lo));
}

#ifndef PORT_NATIVE
/* The user's registers as arch_syscall_entry (entry.S) stored them. */
struct ppc_sys_frame {
    uint32_t gpr[32]; /* gpr[1] unused: the record has the user's r1 */
    uint32_t cr, lr, ctr, xer;
};
_Static_assert(sizeof(struct ppc_sys_frame) == 144, "entry.S's frame");

/*
 * A system call: delivered by the hypervisor with the whole context in the
 * record, or reflected directly (arch/ppc/syscall.S, TRAP_FLAG_DIRECT: only
 * pc, r1 and the flags written, busy, events masked): then fill the rest as
 * trap_deliver would have, so that from here on both are the same system
 * call.
 */
NORETURN void ppc_syscall_entry(const struct ppc_sys_frame *f);
void ppc_syscall_entry(const struct ppc_sys_frame *f)
{
    volatile struct hestia_trap_record *t = &this_vcpu()->trap;
    uint32_t flags = t->flags;
    if (flags & TRAP_FLAG_DIRECT) {
        for (unsigned i = 0; i < 32; i++)
            if (i != 1)
                t->regs[PP_R(i)] = f->gpr[i];
        t->regs[PP_MSR] = HESTIA_PPC_MSR_PR | HESTIA_PPC_MSR_EE;
        t->regs[HESTIA_PPC_REG_CR] = f->cr;
        t->regs[PP_LR] = f->lr;
        t->regs[HESTIA_PPC_REG_CTR] = f->ctr;
        t->regs[HESTIA_PPC_REG_XER] = f->xer;
        t->regs[PP_MODE] = HESTIA_PPC_MODE_USER;
        t->regs[HESTIA_PPC_REG_DEAR] = 0;
        t->regs[HESTIA_PPC_REG_ESR] = 0;
        t->kind = HESTIA_TRAP_SYSCALL;
        t->arch_vector = 0;
        t->error_code = 0;
        t->fault_addr = 0;
        arch_barrier();
        t->flags = flags & ~(uint32_t)TRAP_FLAG_DIRECT;
    }
    port_syscall_handler();
}
#endif

uint64_t arch_trap_pc(const struct hestia_trap_record *r)
{
    return r->regs[PP_PC];
}
void arch_trap_set_pc(struct hestia_trap_record *r, uint64_t pc)
{
    r->regs[PP_PC] = pc;
}
uint64_t arch_trap_sp(const struct hestia_trap_record *r)
{
    return r->regs[PP_R(1)];
}
uint64_t arch_syscall_nr(const struct hestia_trap_record *r)
{
    return r->regs[PP_R(0)];
}

uint64_t arch_syscall_arg(const struct hestia_trap_record *r, unsigned i)
{
    /* Sign-extend: a 32-bit long travels in a 64-bit slot. */
    return i < 5 ? (uint64_t)(int64_t)(int32_t)r->regs[PP_R(3 + i)] : 0;
}

void arch_syscall_set_result(struct hestia_trap_record *r, uint64_t v)
{
    r->regs[PP_R(3)] = v;
}

void arch_user_context(struct hestia_trap_record *r, uint64_t pc, uint64_t sp, uint64_t a0,
                       uint64_t a1)
{
    r->regs[PP_PC] = pc;
    r->regs[PP_R(1)] = (sp & ~15ull) - 16; /* room for the callee's back chain */
    r->regs[PP_R(3)] = a0;
    r->regs[PP_R(4)] = a1;
    r->regs[PP_MSR] = HESTIA_PPC_MSR_PR | HESTIA_PPC_MSR_EE;
    r->regs[PP_MODE] = HESTIA_PPC_MODE_USER;
}

/* entry.S's arch_switch starts fn(arg) from these words (port/arch_ctx.h). */
void arch_ctx_init(struct arch_ctx *ctx, void *stack_top, void (*fn)(void *), void *arg)
{
    uint32_t *w = (uint32_t *)ctx;
    for (unsigned i = 0; i < sizeof(*ctx) / 4; i++)
        w[i] = 0;
    uint32_t top = ((uintptr_t)stack_top & ~15u) - 16;
    *(uint32_t *)(uintptr_t)top = 0; /* end of the back chain */
    w[CTX_WORD_R1] = top;
    w[CTX_WORD_LR] = (uintptr_t)fn;
    w[CTX_WORD_R3] = (uintptr_t)arg;
}

/*
 * The hypervisor's own device addresses (space 0) lie above the kernel
 * window, where no guest mapping can exist: a guest that uses them as
 * pointers must fault, and none may be mapped there.
 */
const uint64_t arch_wild[ARCH_NR_WILD] = {
    0xe00e00b0ull,  /* GUTS RSTCR as the hypervisor maps it (a write = "pass" exit) */
    0x100000000ull, /* not a 32-bit address at all */
    0xfffff000ull,  0xe0004500ull, /* the hypervisor's console UART in CCSR */
    0xf0000000ull,  0x1ffff000ull, /* top of the user window: nothing mapped */
};

struct probe_fix {
    uint32_t fault, fix;
};
extern const struct probe_fix __probes_start[], __probes_end[];
extern char probe_call_return[], probe_leaf_fail[];
static uint32_t probe_call_target, probe_call_fix;

int arch_probe_fixup(struct hestia_trap_record *r)
{
    uint64_t pc = r->regs[PP_PC];
    for (const struct probe_fix *p = __probes_start; p < __probes_end; p++) {
        if (p->fault == pc) {
            r->regs[PP_PC] = p->fix;
            return 1;
        }
    }
    /* A wild jump: the fault is at the target; lr / the stack lead back. */
    if (probe_call_target && pc == probe_call_target) {
        probe_call_target = 0;
        r->regs[PP_PC] = probe_call_fix;
        return 1;
    }
    return 0;
}

long probe_call_asm(uintptr_t addr);

long arch_probe_call(uintptr_t addr)
{
    probe_call_target = addr;
    probe_call_fix = (uintptr_t)probe_call_return;
    long r = probe_call_asm(addr);
    probe_call_target = 0;
    return r;
}

long priv_tlbwe(void), priv_tlbre(void), priv_tlbsx(void), priv_tlbivax(void),
    priv_tlbsync(void), priv_rfi(void), priv_mtpid(void), priv_mtpid1(void),
    priv_mtivpr(void), priv_mtdec(void), priv_mfsprg0(void), priv_mfpvr(void),
    priv_mtmas1(void), priv_dcbi(void), priv_mtmsr_tlbwe(void);

static const struct {
    const char *name;
    long (*fn)(void);
} priv_probes[] = {
    {"tlbwe", priv_tlbwe},
    {"tlbre", priv_tlbre},
    {"tlbsx", priv_tlbsx},
    {"tlbivax", priv_tlbivax},
    {"tlbsync", priv_tlbsync},
    {"rfi", priv_rfi},
    {"mtspr-pid0", priv_mtpid},
    {"mtspr-pid1", priv_mtpid1},
    {"mtspr-ivpr", priv_mtivpr},
    {"mtspr-dec", priv_mtdec},
    {"mfspr-sprg0", priv_mfsprg0},
    {"mfspr-pvr", priv_mfpvr},
    {"mtspr-mas1", priv_mtmas1},
    {"dcbi", priv_dcbi},
    {"mtmsr-pr0+tlbwe", priv_mtmsr_tlbwe},
};

/* QEMU's ppce500 puts virtio devices on PCI. */
uint64_t arch_virtio_mmio_base(void)
{
    return 0;
}

unsigned arch_nr_priv_probes(void)
{
    return ARRAY_SIZE(priv_probes);
}
const char *arch_priv_probe_name(unsigned i)
{
    return i < ARRAY_SIZE(priv_probes) ? priv_probes[i].name : "?";
}
long arch_priv_probe(unsigned i)
{
    return i < ARRAY_SIZE(priv_probes) ? priv_probes[i].fn() : 0;
}

void arch_trap_tamper(struct hestia_trap_record *r)
{
    r->regs[PP_MSR] = 0x00021000; /* supervisor, space 0, CE|ME: must be ignored */
}

void arch_trap_wild_pc(struct hestia_trap_record *r, uint64_t pc)
{
    /* The probe is a leaf: lr still returns to its caller. */
    r->regs[PP_PC] = pc;
    probe_call_target = (uint32_t)pc;
    probe_call_fix = (uintptr_t)probe_leaf_fail;
}
