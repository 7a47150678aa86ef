/* SPDX-License-Identifier: MIT */
/*
 * vCPU state, guest entry and guest memory copies.
 *
 * Guest kernel in ring 1, guest user in ring 3, one page-table view for
 * both (kernel pages are supervisor pages): the mode is the RPL of the
 * saved CS.  The view is a per-vCPU PDPT rebuilt (four entries) on every
 * entry from the current spaces; its slot 3 is the trampoline, so the
 * hypervisor is unmapped while the guest runs.
 *
 * FPU/SSE: lazy.  CR0.TS is set whenever the vCPU entered does not own the
 * FPU; its first FPU instruction traps (#NM) and x86_fpu_trap() switches.
 */
#include <hestia/errno.h>
#include <pc/pc.h>
#include <x86_common/io.h>

#include <x86/arch.h>

static uint8_t fpu_clean[512] __attribute__((aligned(16)));
static uint32_t mxcsr_mask;

#define CR0_TS (1u << 3)
#define GUEST_TOP ((uint32_t)HESTIA_X86_HYPERVISOR_START)

void x86_fpu_init(void)
{
    write_cr0(read_cr0() & ~CR0_TS);
    uint32_t mxcsr = 0x1f80;
    __asm__ volatile("fninit; ldmxcsr %1; fxsave %0" : "=m"(fpu_clean) : "m"(mxcsr));
    write_cr0(read_cr0() | CR0_TS);
    /* MXCSR_MASK 0 in the image means the architectural default. */
    __builtin_memcpy(&mxcsr_mask, fpu_clean + HESTIA_X86_FXSAVE_MXCSR_MASK,
                     sizeof(mxcsr_mask));
    if (!mxcsr_mask)
        mxcsr_mask = 0xffbf;
}

uint32_t x86_mxcsr_mask(void)
{
    return mxcsr_mask;
}

#define X86_FPU_THIS_CPU() x86_this_cpu()
#define X86_FPU_SAVE(img) __asm__ volatile("fxsave %0" : "=m"(img))
#define X86_FPU_FORGOTTEN(c) ((void)(c))
#include <x86_common/fpu_lazy.h>

/* #NM from a guest: give it the FPU. */
void x86_fpu_trap(void)
{
    struct hal_cpu *c = x86_this_cpu();
    struct hal_vcpu *hv = c->current;
    write_cr0(read_cr0() & ~CR0_TS);
    if (c->fpu_owner == hv)
        return;
    if (c->fpu_owner)
        x86_fpu_save_owner(c);
    __asm__ volatile("fxrstor %0" : : "m"(hv->fxsave));
    c->fpu_owner = hv;
    hv->fpu_on = c->id + 1;
}

void x86_fpu_pull(struct hal_vcpu *hv)
{
    x86_fpu_follow(x86_this_cpu(), hv);
}

/* Selectors and flags of a mode; nothing else can be loaded. */
static void set_mode(struct x86_frame *f, bool user)
{
    f->cs = user ? SEL_GU_CODE : SEL_GK_CODE;
    f->ss = user ? SEL_GU_DATA : SEL_GK_DATA;
    f->ds = f->es = f->fs = f->gs = SEL_GU_DATA;
}

struct hal_vcpu *hal_vcpu_create(struct vcpu *v)
{
    /* 16-byte aligned for fxsave (core_heap_alloc_aligned zeroes it). */
    struct hal_vcpu *hv = core_heap_alloc_aligned(sizeof(*hv), 16);
    if (!hv)
        return NULL;
    hv->v = v;
    hv->pdpt_mfn = core_frame_alloc(NULL);
    if (mfn_eq(hv->pdpt_mfn, MFN_INVALID)) {
        core_heap_free(hv);
        return NULL;
    }
    hv->pdpt = hal_frame_to_virt(hv->pdpt_mfn);
    hv->pdpt_cpu = ~0u;
    hal_vcpu_set_spaces(hv, NULL, NULL);
    __builtin_memcpy(hv->fxsave, fpu_clean, sizeof(fpu_clean));
    set_mode(&hv->frame, false);
    hv->frame.eflags = X86_EFLAGS_IF | 0x2;
    return hv;
}

/* On each CPU (smp.c runs it everywhere): forget hv as the FPU owner and last vCPU. */
static void forget_vcpu(void *arg)
{
    struct hal_cpu *c = x86_this_cpu();
    if (c->fpu_owner == arg)
        c->fpu_owner = NULL;
    if (c->current == arg)
        c->current = NULL;
}

void hal_vcpu_destroy(struct hal_vcpu *hv)
{
    if (!hv)
        return;
    forget_vcpu(hv);
    pc_smp_on_other_cpus(forget_vcpu, hv);
    core_frame_free(NULL, hv->pdpt_mfn);
    core_heap_free(hv);
}

void hal_vcpu_init_entry(struct hal_vcpu *hv, guest_va_t entry_va, guest_va_t stack_va,
                         guest_va_t arg_va)
{
    uint64_t entry = guest_va_val(entry_va), stack = guest_va_val(stack_va),
             arg = guest_va_val(arg_va);
    __builtin_memset(&hv->frame, 0, sizeof(hv->frame));
    hv->frame.eip = entry < GUEST_TOP ? (uint32_t)entry : 0;
    hv->frame.esp = stack < GUEST_TOP ? (uint32_t)stack : 0;
    hv->frame.esi = (uint32_t)arg;
    hv->frame.eflags = X86_EFLAGS_IF | 0x2;
    set_mode(&hv->frame, false);
}

/*
 * The view's space slots are written here, not on every entry: a space
 * owns its page directories from creation to destruction (mmu.c), so its
 * PDPT entries change only when the vCPU's spaces do.  A CPU running hv
 * now keeps the entries it loaded with CR3 until its next entry (PAE
 * loads the four PDPTEs with CR3): as before, when the view was composed
 * at entry.  A space is taken out of every vCPU here before it is
 * destroyed or cleared, and the CPUs are made to leave it (forget_space).
 */
void hal_vcpu_set_spaces(struct hal_vcpu *hv, struct hal_as *kernel, struct hal_as *user)
{
    hv->kernel = kernel;
    hv->user = user;
    hv->pdpt[0] = x86_guest_pdpte(user, 0);
    hv->pdpt[1] = x86_guest_pdpte(kernel, 1);
    hv->pdpt[2] = x86_guest_pdpte(kernel, 2);
}

void hal_vcpu_get_spaces(const struct hal_vcpu *hv, struct hal_as **kernel,
                         struct hal_as **user)
{
    *kernel = hv->kernel;
    *user = hv->user;
}

bool hal_vcpu_in_user(const struct hal_vcpu *hv)
{
    return (hv->frame.cs & 3) == 3;
}

void hal_vcpu_set_result(struct hal_vcpu *hv, long result)
{
    hv->frame.eax = (uint32_t)result;
}

void hal_vcpu_get_context(const struct hal_vcpu *hv, struct hestia_trap_record *rec)
{
    const struct x86_frame *f = &hv->frame;
    uint64_t *r = rec->regs;
    r[HESTIA_X86_REG_EAX] = f->eax;
    r[HESTIA_X86_REG_EBX] = f->ebx;
    r[HESTIA_X86_REG_ECX] = f->ecx;
    r[HESTIA_X86_REG_EDX] = f->edx;
    r[HESTIA_X86_REG_ESI] = f->esi;
    r[HESTIA_X86_REG_EDI] = f->edi;
    r[HESTIA_X86_REG_EBP] = f->ebp;
    r[HESTIA_X86_REG_ESP] = f->esp;
    r[HESTIA_X86_REG_EIP] = f->eip;
    r[HESTIA_X86_REG_EFLAGS] = f->eflags;
    r[HESTIA_X86_REG_CS] = f->cs & 0xffff;
    r[HESTIA_X86_REG_SS] = f->ss & 0xffff;
    r[HESTIA_X86_REG_DS] = f->ds & 0xffff;
    r[HESTIA_X86_REG_ES] = f->es & 0xffff;
    r[HESTIA_X86_REG_FS] = f->fs & 0xffff;
    r[HESTIA_X86_REG_GS] = f->gs & 0xffff;
    r[HESTIA_X86_REG_MODE] =
        hal_vcpu_in_user(hv) ? HESTIA_X86_MODE_USER : HESTIA_X86_MODE_KERNEL;
}

int hal_vcpu_set_context(struct hal_vcpu *hv, const struct hestia_trap_record *rec)
{
    const uint64_t *r = rec->regs;
    uint64_t mode = r[HESTIA_X86_REG_MODE];
    /* An eip beyond the code segment's limit would fault in ring 0 on real CPUs. */
    if (r[HESTIA_X86_REG_EIP] >= GUEST_TOP || r[HESTIA_X86_REG_ESP] > 0xffffffffull ||
        (mode != HESTIA_X86_MODE_KERNEL && mode != HESTIA_X86_MODE_USER))
        return -HESTIA_EINVAL;
    struct x86_frame *f = &hv->frame;
    f->eax = (uint32_t)r[HESTIA_X86_REG_EAX];
    f->ebx = (uint32_t)r[HESTIA_X86_REG_EBX];
    f->ecx = (uint32_t)r[HESTIA_X86_REG_ECX];
    f->edx = (uint32_t)r[HESTIA_X86_REG_EDX];
    f->esi = (uint32_t)r[HESTIA_X86_REG_ESI];
    f->edi = (uint32_t)r[HESTIA_X86_REG_EDI];
    f->ebp = (uint32_t)r[HESTIA_X86_REG_EBP];
    f->esp = (uint32_t)r[HESTIA_X86_REG_ESP];
    f->eip = (uint32_t)r[HESTIA_X86_REG_EIP];
    /* Ring 1/3 selectors, IOPL 0, IF 1, no NT/VM no matter what the record says. */
    f->eflags = ((uint32_t)r[HESTIA_X86_REG_EFLAGS] & HESTIA_X86_EFLAGS_GUEST) |
                X86_EFLAGS_IF | 0x2;
    set_mode(f, mode == HESTIA_X86_MODE_USER);
    return mode == HESTIA_X86_MODE_USER ? 1 : 0;
}

void hal_vcpu_enter_handler(struct hal_vcpu *hv, guest_va_t entry_va,
                            guest_va_t kernel_stack_va)
{
    uint64_t entry = guest_va_val(entry_va), kernel_stack = guest_va_val(kernel_stack_va);
    struct x86_frame *f = &hv->frame;
    /* A bad entry becomes a fault at 0 in the guest, never a fault in here. */
    f->eip = entry < GUEST_TOP ? (uint32_t)entry : 0;
    f->esp = kernel_stack ? (uint32_t)kernel_stack : ((f->esp - 128) & ~15u);
    f->eflags = X86_EFLAGS_IF | 0x2;
    set_mode(f, false);
    /* A system call being delivered names the syscall entry and the kernel stack: cache
     * them. */
    if (hv->delivering_syscall && kernel_stack && hv->kernel) {
        hv->sys_entry = f->eip;
        hv->sys_stack = f->esp;
        hv->sys_as = hv->kernel;
        hv->sys_gen = hv->kernel->kstack_gen;
    }
    hv->delivering_syscall = false;
}

/*
 * The direct int 0x80 gate caches the syscall entry and kernel stack per
 * kernel space: a change of either invalidates every cache made under it.
 */
void hal_vcpu_callbacks_changed(struct hal_vcpu *hv)
{
    if (hv->kernel)
        hv->kernel->kstack_gen++;
}

/* The lazy FPU image stays in its CPU: a CPU that needs it asks (x86_common/fpu_lazy.h). */
void hal_vcpu_switched_out(struct hal_vcpu *hv)
{
    (void)hv;
}

/*
 * This CPU is about to load a view of spaces k and u (either may be NULL):
 * keep their loaded_cpus true for the TLB shootdown (hal/lib/pt.c).  Our
 * bit is set before the load; it is cleared from a space only once this
 * CPU enters a view without it (every exit reloads the hypervisor's CR3
 * and nothing is global, so a space left here has no translation here).
 */
static void note_loaded(struct hal_cpu *c, struct hal_as *k, struct hal_as *u)
{
    if (c->loaded_k == k && c->loaded_u == u)
        return;
    if (k && k != c->loaded_k)
        pt_cpu_loaded(&k->pt, c->id);
    if (u && u != c->loaded_u)
        pt_cpu_loaded(&u->pt, c->id);
    struct hal_as *old[2] = {c->loaded_k, c->loaded_u};
    for (unsigned i = 0; i < 2; i++)
        if (old[i] && old[i] != k && old[i] != u)
            pt_cpu_unloaded(&old[i]->pt, c->id);
    c->loaded_k = k;
    c->loaded_u = u;
}

void x86_run(struct hal_cpu *c, struct hal_vcpu *hv)
{
    c->current = hv;
    x86_fpu_follow(c, hv); /* eagerly: the #NM here must load its newest image */
    note_loaded(c, hv->kernel, hv->user);
    uint32_t cr0 = read_cr0();
    uint32_t want = c->fpu_owner == hv ? cr0 & ~CR0_TS : cr0 | CR0_TS;
    if (want != cr0)
        write_cr0(want);
    /* pdpt[0..2]: hal_vcpu_set_spaces; the trampoline slot is this CPU's. */
    if (hv->pdpt_cpu != c->id) {
        hv->pdpt[3] = x86_tramp_pdpte(c->id);
        hv->pdpt_cpu = c->id;
    }
    const struct hal_as *k = hv->kernel;
    bool direct = hv->sys_entry && k && hv->sys_as == k && hv->sys_gen == k->kstack_gen;
    uint32_t entry = direct ? hv->sys_entry : 0, stack = direct ? hv->sys_stack : 0;
    if (entry != c->gate_entry || stack != c->gate_stack)
        x86_set_syscall_gate(entry, stack);
    /* iret must not leave ring 0 for anything but a guest ring with sane flags. */
    struct x86_frame *f = &hv->frame;
    f->eflags = (f->eflags & HESTIA_X86_EFLAGS_GUEST) | X86_EFLAGS_IF | 0x2;
    if ((f->cs & 3) != 3 && (f->cs & 3) != 1)
        set_mode(f, false);
    /*
     * A ring-1 guest can write the entry stack under TCG (README): what a
     * domain left below the frame is wiped before another domain runs, so
     * the page carries nothing from one domain to the next.  The frame
     * itself is rebuilt on every entry and pushed afresh on every exit.
     * One string store: lib/mem.c's memset is ~1.5 instructions a word.
     */
    uint8_t *stack_page = c->pages->entry_stack;
    if (c->entry_stack_owner != k) {
        uint32_t *w = (uint32_t *)(void *)stack_page;
        unsigned n = (ENTRY_STACK_SIZE - sizeof(struct x86_frame)) / 4;
        __asm__ volatile("rep stosl" : "+D"(w), "+c"(n) : "a"(0u) : "memory");
        c->entry_stack_owner = k;
    }
    struct x86_frame *ef = (struct x86_frame *)(stack_page + ENTRY_STACK_SIZE) - 1;
    x86_frame_copy(ef, f);
    x86_enter_guest((uint32_t)(mfn_val(hv->pdpt_mfn) << HAL_PAGE_SHIFT), ef);
}

void hal_vcpu_run(struct hal_vcpu *hv)
{
    x86_run(x86_this_cpu(), hv);
}
