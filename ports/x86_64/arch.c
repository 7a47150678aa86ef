/* SPDX-License-Identifier: MIT */
/* x86_64 arch layer of the guest port: trap-record access, contexts, probes. */
#include <port/arch_ctx.h>
#include <port/arch_regs.h>
#include <port/kernel.h>

_Static_assert(PORT_VIRT_BASE == HESTIA_X86_64_GUEST_VIRT_BASE, "link base");

uint64_t arch_trap_pc(const struct hestia_trap_record *r)
{
    return r->regs[PX_RIP];
}
void arch_trap_set_pc(struct hestia_trap_record *r, uint64_t pc)
{
    r->regs[PX_RIP] = pc;
}
uint64_t arch_trap_sp(const struct hestia_trap_record *r)
{
    return r->regs[PX_RSP];
}
uint64_t arch_syscall_nr(const struct hestia_trap_record *r)
{
    return r->regs[PX_RAX];
}

uint64_t arch_syscall_arg(const struct hestia_trap_record *r, unsigned i)
{
    static const unsigned idx[5] = {PX_RDI, PX_RSI, PX_RDX, PX_R10, PX_R8};
    return i < 5 ? r->regs[idx[i]] : 0;
}

void arch_syscall_set_result(struct hestia_trap_record *r, uint64_t v)
{
    r->regs[PX_RAX] = v;
}

void arch_user_context(struct hestia_trap_record *r, uint64_t pc, uint64_t sp, uint64_t a0,
                       uint64_t a1)
{
    r->regs[PX_RIP] = pc;
    /* As if called: rsp + 8 is 16-byte aligned at the first instruction. */
    r->regs[PX_RSP] = (sp & ~15ull) - 8;
    r->regs[PX_RDI] = a0;
    r->regs[PX_RSI] = a1;
    r->regs[PX_RFLAGS] = 0x202; /* IF: the hypervisor sanitizes the rest */
    r->regs[PX_MODE] = HESTIA_X86_64_MODE_USER;
}

/* entry.S's arch_switch starts fn(arg) (port/arch_ctx.h). */
void arch_ctx_init(struct arch_ctx *ctx, void *stack_top, void (*fn)(void *), void *arg)
{
    uint64_t top = (uintptr_t)stack_top & ~15ull;
    for (unsigned i = 0; i < ARRAY_SIZE(ctx->r); i++)
        ctx->r[i] = 0;
    top -= 8;
    *(uint64_t *)(uintptr_t)top = 0; /* fake return address */
    ctx->r[CTX_SLOT_RSP] = top;
    ctx->r[CTX_SLOT_RIP] = (uintptr_t)fn;
    ctx->r[CTX_SLOT_RDI] = (uintptr_t)arg;
}

const uint64_t arch_wild[ARCH_NR_WILD] = {
    0xffff800000001000ull, /* hypervisor (upper half) */
    0x0000800000000000ull, /* non-canonical */
    0xffffffff80000000ull, 0xffffffffffffe000ull, 0x8000000000000000ull,
    0x00007ffffffff000ull, /* top of the user window: nothing mapped */
};

struct probe_fix {
    uint64_t fault, fix;
};
extern const struct probe_fix __probes_start[], __probes_end[];
extern char probe_call_return[];
static uint64_t probe_call_target;

int arch_probe_fixup(struct hestia_trap_record *r)
{
    uint64_t pc = r->regs[PX_RIP];
    for (const struct probe_fix *p = __probes_start; p < __probes_end; p++) {
        if (p->fault == pc) {
            r->regs[PX_RIP] = p->fix;
            return 1;
        }
    }
    /* arch_probe_call: the fault is at the wild target, the return address on the stack. */
    if (probe_call_target && pc == probe_call_target) {
        probe_call_target = 0;
        r->regs[PX_RIP] = (uintptr_t)probe_call_return;
        r->regs[PX_RSP] += 8;
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

long priv_cli(void), priv_sti(void), priv_hlt(void), priv_mov_cr3(void),
    priv_read_cr0(void), priv_lgdt(void), priv_lidt(void), priv_wrmsr(void),
    priv_rdmsr(void), priv_in(void), priv_out(void), priv_invlpg(void);

static const struct {
    const char *name;
    long (*fn)(void);
} priv_probes[] = {
    {"cli", priv_cli},
    {"sti", priv_sti},
    {"hlt", priv_hlt},
    {"mov-cr3", priv_mov_cr3},
    {"mov-from-cr0", priv_read_cr0},
    {"lgdt", priv_lgdt},
    {"lidt", priv_lidt},
    {"wrmsr", priv_wrmsr},
    {"rdmsr", priv_rdmsr},
    {"in", priv_in},
    {"out", priv_out},
    {"invlpg", priv_invlpg},
};

/* The PC puts virtio devices on PCI. */
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
    r->regs[PX_RFLAGS] |= 0x3000;         /* IOPL 3: cli/in/out would work */
    r->regs[HESTIA_X86_64_REG_CS] = 0x08; /* a ring-0 code selector */
    r->regs[HESTIA_X86_64_REG_SS] = 0x10;
}

void arch_trap_wild_pc(struct hestia_trap_record *r, uint64_t pc)
{
    /* As if the probe had called pc: the recovery pops one slot. */
    r->regs[PX_RSP] -= 8;
    *(volatile uint64_t *)(uintptr_t)r->regs[PX_RSP] = 0;
    r->regs[PX_RIP] = pc;
    probe_call_target = pc;
}
