/* SPDX-License-Identifier: MIT */
/* x86 (32-bit) arch layer of the guest port: trap-record access, contexts, probes. */
#include <port/arch_ctx.h>
#include <port/arch_regs.h>
#include <port/kernel.h>

_Static_assert(PORT_VIRT_BASE == HESTIA_X86_GUEST_VIRT_BASE, "link base");

uint64_t arch_trap_pc(const struct hestia_trap_record *r)
{
    return r->regs[PX_EIP];
}
void arch_trap_set_pc(struct hestia_trap_record *r, uint64_t pc)
{
    r->regs[PX_EIP] = pc;
}
uint64_t arch_trap_sp(const struct hestia_trap_record *r)
{
    return r->regs[PX_ESP];
}
uint64_t arch_syscall_nr(const struct hestia_trap_record *r)
{
    return r->regs[PX_EAX];
}

uint64_t arch_syscall_arg(const struct hestia_trap_record *r, unsigned i)
{
    static const unsigned idx[5] = {PX_EBX, PX_ECX, PX_EDX, PX_ESI, PX_EDI};
    return i < 5 ? r->regs[idx[i]] : 0;
}

void arch_syscall_set_result(struct hestia_trap_record *r, uint64_t v)
{
    r->regs[PX_EAX] = (uint32_t)v;
}

/*
 * User tasks start in x86_user_start (entry.S, the first bytes of the user
 * blob, so at USER_BASE), which pushes eax and edx as the cdecl arguments
 * of the function at ecx: the kernel cannot write the user stack here.
 */
void arch_user_context(struct hestia_trap_record *r, uint64_t pc, uint64_t sp, uint64_t a0,
                       uint64_t a1)
{
    r->regs[PX_EIP] = USER_BASE;
    r->regs[PX_ECX] = pc;
    r->regs[PX_ESP] = sp & ~15ull;
    r->regs[PX_EAX] = (uint32_t)a0;
    r->regs[PX_EDX] = (uint32_t)a1;
    r->regs[PX_EFLAGS] = 0x202; /* IF: the hypervisor sanitizes the rest */
    r->regs[PX_MODE] = HESTIA_X86_MODE_USER;
}

/* What arch_syscall_entry finds on the stack: pusha, then the CPU's frame. */
struct sys_frame {
    uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;
    uint32_t eip, cs, eflags, esp, ss;
};

void x86_syscall_entry(struct sys_frame *f);
void x86_syscall_entry(struct sys_frame *f)
{
    struct vcpu_info *vi = this_vcpu(); /* the stack is this vCPU's task kernel stack */
    volatile struct hestia_trap_record *t = &vi->trap;
    /*
     * Busy: the hypervisor delivered it.  Otherwise the trap gate did: mask
     * events and fill the record as the hypervisor would have (an event
     * taken before the mask was set has been handled and returned already).
     */
    if (!(t->flags & TRAP_FLAG_BUSY)) {
        if ((f->cs & 3) != 3)
            panic("int 0x80 in kernel mode at %x", f->eip);
        uint8_t was_masked = vi->evtchn_upcall_mask;
        vi->evtchn_upcall_mask = 1;
        arch_barrier();
        static const unsigned gpr[8] = {
            PX_EDI, PX_ESI, HESTIA_X86_REG_EBP, PX_ESP, PX_EBX, PX_EDX, PX_ECX, PX_EAX};
        const uint32_t *regs = &f->edi;
        for (unsigned i = 0; i < 8; i++)
            t->regs[gpr[i]] = regs[i];
        t->regs[PX_ESP] = f->esp;
        t->regs[PX_EIP] = f->eip;
        t->regs[PX_EFLAGS] = f->eflags;
        t->regs[HESTIA_X86_REG_CS] = f->cs & 0xffff;
        t->regs[HESTIA_X86_REG_SS] = f->ss & 0xffff;
        t->regs[PX_MODE] = HESTIA_X86_MODE_USER;
        t->kind = HESTIA_TRAP_SYSCALL;
        t->arch_vector = 0x80;
        t->error_code = 0;
        t->fault_addr = 0;
        arch_barrier();
        t->flags = TRAP_FLAG_BUSY | TRAP_FLAG_FROM_USER |
                   (was_masked ? 0 : TRAP_FLAG_EVENTS_ENABLED);
    }
    port_syscall_handler();
}

/*
 * Back to the user task without the hypervisor (hestia/arch/x86.h): ring 1
 * may iret to ring 3 itself (same page tables, the user's data selectors
 * already loaded), which saves a trap_return hypercall on every system
 * call.  Events are unmasked first and the record goes to trap_return
 * instead when one is pending (trap_return would deliver it); an event
 * that arrives after that check interrupts the few instructions left in
 * ring 1 and is delivered there, as in any kernel code with events on.
 * Anything unusual (not user mode, an eip past the user window, no
 * ring-3 selectors in the record) takes the hypercall, which checks it
 * all.
 */
NORETURN void x86_user_iret(const struct sys_frame *f); /* entry.S */
void arch_syscall_resume(struct hestia_trap_record *rec)
{
    const uint64_t *r = rec->regs;
    /* The user's selectors as the entry saw them (the native platform's differ). */
    uint64_t cs = r[HESTIA_X86_REG_CS], ss = r[HESTIA_X86_REG_SS];
    if (r[PX_MODE] != HESTIA_X86_MODE_USER || r[PX_EIP] >= HESTIA_X86_USER_VA_END ||
        r[PX_ESP] > 0xffffffffull || (cs & 3) != 3 || (ss & 3) != 3 || cs > 0xffff ||
        ss > 0xffff)
        trap_resume(rec);
    struct sys_frame f = {
        .edi = (uint32_t)r[PX_EDI],
        .esi = (uint32_t)r[PX_ESI],
        .ebp = (uint32_t)r[HESTIA_X86_REG_EBP],
        .ebx = (uint32_t)r[PX_EBX],
        .edx = (uint32_t)r[PX_EDX],
        .ecx = (uint32_t)r[PX_ECX],
        .eax = (uint32_t)r[PX_EAX],
        .eip = (uint32_t)r[PX_EIP],
        .cs = (uint32_t)cs,
        .eflags = ((uint32_t)r[PX_EFLAGS] & HESTIA_X86_EFLAGS_GUEST) | 0x202,
        .esp = (uint32_t)r[PX_ESP],
        .ss = (uint32_t)ss,
    };
    /* Events stay masked (as trap_return would leave them) unless the record enables them.
     */
    struct vcpu_info *vi = this_vcpu();
    if (rec->flags & TRAP_FLAG_EVENTS_ENABLED) {
        vi->evtchn_upcall_mask = 0;
        arch_barrier();
        if (vi->evtchn_upcall_pending) {
            vi->evtchn_upcall_mask = 1;
            trap_resume(rec);
        }
    }
    x86_user_iret(&f);
}

/* entry.S's LOAD_CTX starts fn(arg) with arg on the stack (port/arch_ctx.h). */
void arch_ctx_init(struct arch_ctx *ctx, void *stack_top, void (*fn)(void *), void *arg)
{
    uintptr_t top = (uintptr_t)stack_top & ~15ul;
    for (unsigned i = 0; i < ARRAY_SIZE(ctx->r); i++)
        ctx->r[i] = 0;
    top -= 16;
    ((uint32_t *)top)[0] = 0; /* fake return address */
    ((uint32_t *)top)[1] = (uint32_t)(uintptr_t)arg;
    ctx->r[CTX_SLOT_ESP] = top;
    ctx->r[CTX_SLOT_EIP] = (uintptr_t)fn;
}

const uint64_t arch_wild[ARCH_NR_WILD] = {
    0xfc120000ull, /* hypervisor text, past the per-CPU trampoline pages (unmapped) */
    0xc0000000ull, /* the hypervisor's gigabyte: no guest window */
    0xfee00000ull, /* local APIC */
    0xfffff000ull, 0xe0000000ull,
    0x3ffff000ull, /* top of the user window: nothing mapped */
};

struct probe_fix {
    uint64_t fault, fix;
};
extern const struct probe_fix __probes_start[], __probes_end[];
extern char probe_call_return[];
static uint64_t probe_call_target;

int arch_probe_fixup(struct hestia_trap_record *r)
{
    uint64_t pc = r->regs[PX_EIP];
    for (const struct probe_fix *p = __probes_start; p < __probes_end; p++) {
        if (p->fault == pc) {
            r->regs[PX_EIP] = p->fix;
            return 1;
        }
    }
    /* arch_probe_call: the fault is at the wild target, the return address on the stack. */
    if (probe_call_target && pc == probe_call_target) {
        probe_call_target = 0;
        r->regs[PX_EIP] = (uintptr_t)probe_call_return;
        r->regs[PX_ESP] += 4;
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

/* The probes in entry.S: each tries one privileged operation. */
#define P(n) long priv_##n(void)
P(cli);
P(sti);
P(hlt);
P(mov_cr3);
P(read_cr0);
P(lgdt);
P(lidt);
P(wrmsr);
P(rdmsr);
P(in);
P(out);
P(invlpg);
P(ltr);
P(lldt);
P(ds_hyp);
P(es_hyp);
P(fs_hyp);
P(gs_hyp);
P(ss_hyp);
P(ss_user);
P(ds_tss);
P(ds_code0);
P(ljmp_ring0);
P(lcall_ring0);
P(lcall_tss);
P(int_ring0);
P(iret_ring0);
P(lret_ring0);
P(popf_iopl);
#undef P

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
    {"ltr", priv_ltr},
    {"lldt", priv_lldt},
    {"mov-ds-ring0-data", priv_ds_hyp},
    {"mov-es-ring0-data", priv_es_hyp},
    {"mov-fs-ring0-data", priv_fs_hyp},
    {"mov-gs-ring0-data", priv_gs_hyp},
    {"mov-ss-ring0-data", priv_ss_hyp},
    {"mov-ss-ring3-data", priv_ss_user},
    {"mov-ds-tss", priv_ds_tss},
    {"mov-ds-ring0-code", priv_ds_code0},
    {"ljmp-ring0", priv_ljmp_ring0},
    {"lcall-ring0", priv_lcall_ring0},
    {"lcall-tss", priv_lcall_tss},
    {"int-ring0-gate", priv_int_ring0},
    {"iret-forged-ring0", priv_iret_ring0},
    {"lret-ring0", priv_lret_ring0},
    {"popf-iopl3-cli", priv_popf_iopl},
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
    r->regs[PX_EFLAGS] |= 0x3000 | 0x4000 | 0x20000; /* IOPL 3, NT, VM */
    r->regs[HESTIA_X86_REG_CS] = 0x08;               /* ring-0 selectors */
    r->regs[HESTIA_X86_REG_SS] = 0x10;
    r->regs[HESTIA_X86_REG_DS] = 0x10;
    r->regs[HESTIA_X86_REG_ES] = 0x10;
}

void arch_trap_wild_pc(struct hestia_trap_record *r, uint64_t pc)
{
    /* As if the probe had called pc: the recovery pops one slot. */
    r->regs[PX_ESP] -= 4;
    *(volatile uint32_t *)(uintptr_t)r->regs[PX_ESP] = 0;
    r->regs[PX_EIP] = pc;
    probe_call_target = pc;
}
