/* SPDX-License-Identifier: MIT */
/*
 * vCPU state, guest entry, mode switching and guest memory copies.
 *
 * Guest kernel and guest user both run in ring 3; hv->in_user is the mode.
 * Guest-kernel mode runs on the vCPU's own "kernel view" PML4 (kernel
 * window of the kernel space + the current user space + hypervisor),
 * guest-user mode on the user space's PML4 (user window + hypervisor,
 * which is U=0).  So kernel mappings are invisible in user mode.
 *
 * FPU/SSE: lazy.  CR0.TS is set whenever the vCPU entered is not the one
 * whose state is in the FPU; its first FPU instruction traps (#NM) and
 * fpu_switch() saves the owner's state and loads its own.
 */
#include <hestia/errno.h>
#include <x86_64/arch.h>
#include <x86_common/io.h>

static uint8_t fpu_clean[512] __attribute__((aligned(16)));
static uint32_t mxcsr_mask;
/*
 * User mode without a user space sees nothing but the (U=0) hypervisor:
 * this PML4, in the image so that no domain's frame count includes it.
 */
static uint64_t empty_user_pml4[512] __attribute__((aligned(4096)));
static mfn_t empty_user_pml4_mfn;
/* The generation of a missing space, for kview_kgen_at / kview_ugen_at. */
static const uint64_t no_space_gen;

#define CR0_TS (1ull << 3)
#define LOWER_HALF_END 0x0000800000000000ull

static bool canonical(uint64_t a)
{
    return a < LOWER_HALF_END || a >= 0xffff800000000000ull;
}

/*
 * Boot, after x86_64_cpu_init() set CR4.OSFXSR (without it fxsave leaves
 * MXCSR and the XMM registers out) and x86_64_mmu_init(): the FPU image
 * every vCPU starts with (fninit, MXCSR 0x1f80), the CPU's MXCSR_MASK, and
 * the empty user PML4.
 */
void x86_64_vcpu_init(void)
{
    write_cr0(read_cr0() & ~CR0_TS);
    uint32_t mxcsr = 0x1f80;
    __asm__ volatile("fninit; ldmxcsr %1; fxsave %0" : "=m"(fpu_clean) : "m"(mxcsr));
    write_cr0(read_cr0() | CR0_TS);
    /* MXCSR_MASK 0 in the image means the architectural default. */
    __builtin_memcpy(&mxcsr_mask, fpu_clean + HESTIA_X86_64_FXSAVE_MXCSR_MASK,
                     sizeof(mxcsr_mask));
    if (!mxcsr_mask)
        mxcsr_mask = 0xffbf;

    for (unsigned i = PML4_HYP_FIRST; i < 512; i++)
        empty_user_pml4[i] = x86_64_hyp_pml4e(i);
    empty_user_pml4_mfn = mfn(virt_to_phys(empty_user_pml4) >> HAL_PAGE_SHIFT);
}

uint32_t x86_64_mxcsr_mask(void)
{
    return mxcsr_mask;
}

#define X86_FPU_THIS_CPU() x86_64_this_cpu()
#define X86_FPU_SAVE(img) __asm__ volatile("fxsave64 %0" : "=m"(img))
/* CR0.TS is no longer what the last entry left. */
#define X86_FPU_FORGOTTEN(c) ((c)->entered = NULL)
#include <x86_common/fpu_lazy.h>

void x86_64_fpu_take(struct hal_cpu *c, struct hal_vcpu *hv)
{
    write_cr0(read_cr0() & ~CR0_TS);
    if (c->fpu_owner == hv)
        return;
    if (c->fpu_owner)
        x86_fpu_save_owner(c);
    /*
     * hv ran on another CPU since its state was last saved and used the
     * FPU there: those registers are the current ones.  Have that CPU save
     * them first, or this fxrstor would load a stale image (and that CPU
     * could later write the stale one back over newer).  Lazily, here at
     * the #NM, rather than at every move: most moves never touch the FPU.
     */
    x86_fpu_follow(c, hv);
    __asm__ volatile("fxrstor64 %0" : : "m"(hv->fxsave));
    c->fpu_owner = hv;
    __atomic_store_n(&hv->fpu_on, c->id + 1, __ATOMIC_RELEASE);
    c->entered = NULL; /* CR0.TS no longer what the last entry left */
}

void x86_64_fpu_pull(struct hal_vcpu *hv)
{
    x86_fpu_follow(x86_64_this_cpu(), hv);
}

/* #NM from a guest: give it the FPU. */
void x86_64_fpu_trap(void)
{
    struct hal_cpu *c = x86_64_this_cpu();
    x86_64_fpu_take(c, c->current);
}

struct hal_vcpu *hal_vcpu_create(struct vcpu *v)
{
    /* 64-byte aligned (core_heap_alloc_aligned zeroes it). */
    struct hal_vcpu *hv = core_heap_alloc_aligned(sizeof(*hv), 64);
    if (!hv)
        return NULL;
    hv->v = v;
    hv->kview_pml4_mfn = core_frame_alloc(NULL);
    hv->kview_pdpt_mfn = core_frame_alloc(NULL);
    if (mfn_eq(hv->kview_pml4_mfn, MFN_INVALID) ||
        mfn_eq(hv->kview_pdpt_mfn, MFN_INVALID)) {
        hal_vcpu_destroy(hv);
        return NULL;
    }
    hv->kview_pml4 = hal_frame_to_virt(hv->kview_pml4_mfn);
    hv->kview_pdpt = hal_frame_to_virt(hv->kview_pdpt_mfn);
    hv->kview_pml4[0] =
        (mfn_val(hv->kview_pdpt_mfn) << HAL_PAGE_SHIFT) | PTE_P | PTE_W | PTE_U;
    for (unsigned i = PML4_HYP_FIRST; i < 512; i++)
        hv->kview_pml4[i] = x86_64_hyp_pml4e(i);
    __builtin_memcpy(hv->fxsave, fpu_clean, sizeof(fpu_clean));
    hv->frame.cs = HESTIA_X86_64_GUEST_CS;
    hv->frame.ss = HESTIA_X86_64_GUEST_SS;
    hv->frame.rflags = X86_EFLAGS_IF | 0x2;
    return hv;
}

/*
 * On each CPU (smp.c runs it everywhere): forget hv as the FPU owner (its
 * state dies with it) and as the vCPU last entered, and leave its kernel
 * view if CR3 still holds it, before the memory is reused.
 */
static void forget_vcpu(void *arg)
{
    struct hal_vcpu *hv = arg;
    struct hal_cpu *c = x86_64_this_cpu();
    if (c->fpu_owner == hv)
        c->fpu_owner = NULL;
    if (c->current == hv)
        c->current = NULL;
    if (c->entered == hv)
        c->entered = NULL;
    if (mfn_val(hv->kview_pml4_mfn) && !mfn_eq(hv->kview_pml4_mfn, MFN_INVALID))
        x86_64_unload_cr3(hv->kview_pml4_mfn);
}

void hal_vcpu_destroy(struct hal_vcpu *hv)
{
    if (!hv)
        return;
    svm_vcpu_destroy(hv);
    forget_vcpu(hv);
    x86_64_on_other_cpus(forget_vcpu, hv);
    /* 0: never allocated (the struct starts zeroed); MFN_INVALID: allocation failed. */
    if (mfn_val(hv->kview_pml4_mfn) && !mfn_eq(hv->kview_pml4_mfn, MFN_INVALID))
        core_frame_free(NULL, hv->kview_pml4_mfn);
    if (mfn_val(hv->kview_pdpt_mfn) && !mfn_eq(hv->kview_pdpt_mfn, MFN_INVALID))
        core_frame_free(NULL, hv->kview_pdpt_mfn);
    core_heap_free(hv);
}

void hal_vcpu_init_entry(struct hal_vcpu *hv, guest_va_t entry_va, guest_va_t stack_va,
                         guest_va_t arg_va)
{
    uint64_t entry = guest_va_val(entry_va), stack = guest_va_val(stack_va),
             arg = guest_va_val(arg_va);
    __builtin_memset(&hv->frame, 0, sizeof(hv->frame));
    hv->frame.rip = entry < LOWER_HALF_END ? entry : 0;
    hv->frame.rsp = canonical(stack) ? stack : 0;
    hv->frame.rsi = arg;
    hv->frame.cs = HESTIA_X86_64_GUEST_CS;
    hv->frame.ss = HESTIA_X86_64_GUEST_SS;
    hv->frame.rflags = X86_EFLAGS_IF | 0x2;
    hv->in_user = false;
}

void hal_vcpu_set_spaces(struct hal_vcpu *hv, struct hal_as *kernel, struct hal_as *user)
{
    hv->kernel = kernel;
    hv->user = user;
    hv->kview_valid = false;
}

void hal_vcpu_get_spaces(const struct hal_vcpu *hv, struct hal_as **kernel,
                         struct hal_as **user)
{
    *kernel = hv->kernel;
    *user = hv->user;
}

bool hal_vcpu_in_user(const struct hal_vcpu *hv)
{
    return hv->in_user;
}

void hal_vcpu_set_result(struct hal_vcpu *hv, long result)
{
    hv->frame.rax = (uint64_t)result;
}

void hal_vcpu_get_context(const struct hal_vcpu *hv, struct hestia_trap_record *rec)
{
    const struct x86_64_frame *f = &hv->frame;
    uint64_t *r = rec->regs;
    r[HESTIA_X86_64_REG_RAX] = f->rax;
    r[HESTIA_X86_64_REG_RBX] = f->rbx;
    r[HESTIA_X86_64_REG_RCX] = f->rcx;
    r[HESTIA_X86_64_REG_RDX] = f->rdx;
    r[HESTIA_X86_64_REG_RSI] = f->rsi;
    r[HESTIA_X86_64_REG_RDI] = f->rdi;
    r[HESTIA_X86_64_REG_RBP] = f->rbp;
    r[HESTIA_X86_64_REG_RSP] = f->rsp;
    r[HESTIA_X86_64_REG_R8] = f->r8;
    r[HESTIA_X86_64_REG_R9] = f->r9;
    r[HESTIA_X86_64_REG_R10] = f->r10;
    r[HESTIA_X86_64_REG_R11] = f->r11;
    r[HESTIA_X86_64_REG_R12] = f->r12;
    r[HESTIA_X86_64_REG_R13] = f->r13;
    r[HESTIA_X86_64_REG_R14] = f->r14;
    r[HESTIA_X86_64_REG_R15] = f->r15;
    r[HESTIA_X86_64_REG_RIP] = f->rip;
    r[HESTIA_X86_64_REG_RFLAGS] = f->rflags;
    r[HESTIA_X86_64_REG_CS] = f->cs;
    r[HESTIA_X86_64_REG_SS] = f->ss;
    r[HESTIA_X86_64_REG_MODE] =
        hv->in_user ? HESTIA_X86_64_MODE_USER : HESTIA_X86_64_MODE_KERNEL;
}

const bool hal_vcpu_set_context_reads_once = true;

int hal_vcpu_set_context(struct hal_vcpu *hv, const struct hestia_trap_record *rec)
{
    const uint64_t *r = rec->regs;
    /*
     * Every slot is read once (hal_vcpu_set_context_reads_once): rec may be
     * the guest's own record, which another vCPU can change as we go; the
     * values checked are the values loaded.
     */
    const volatile uint64_t *vr = r;
    uint64_t mode = vr[HESTIA_X86_64_REG_MODE], rip = vr[HESTIA_X86_64_REG_RIP];
    uint64_t rsp = vr[HESTIA_X86_64_REG_RSP], rflags = vr[HESTIA_X86_64_REG_RFLAGS];
    /* A non-canonical RIP would make iretq fault in ring 0: refuse it. */
    if (rip >= LOWER_HALF_END || !canonical(rsp) ||
        (mode != HESTIA_X86_64_MODE_KERNEL && mode != HESTIA_X86_64_MODE_USER))
        return -HESTIA_EINVAL;
    struct x86_64_frame *f = &hv->frame;
    f->rax = r[HESTIA_X86_64_REG_RAX];
    f->rbx = r[HESTIA_X86_64_REG_RBX];
    f->rcx = r[HESTIA_X86_64_REG_RCX];
    f->rdx = r[HESTIA_X86_64_REG_RDX];
    f->rsi = r[HESTIA_X86_64_REG_RSI];
    f->rdi = r[HESTIA_X86_64_REG_RDI];
    f->rbp = r[HESTIA_X86_64_REG_RBP];
    f->rsp = rsp;
    f->r8 = r[HESTIA_X86_64_REG_R8];
    f->r9 = r[HESTIA_X86_64_REG_R9];
    f->r10 = r[HESTIA_X86_64_REG_R10];
    f->r11 = r[HESTIA_X86_64_REG_R11];
    f->r12 = r[HESTIA_X86_64_REG_R12];
    f->r13 = r[HESTIA_X86_64_REG_R13];
    f->r14 = r[HESTIA_X86_64_REG_R14];
    f->r15 = r[HESTIA_X86_64_REG_R15];
    f->rip = rip;
    /* Ring 3 selectors, IOPL 0, IF 1 no matter what the record says. */
    f->rflags = (rflags & HESTIA_X86_64_RFLAGS_GUEST) | X86_EFLAGS_IF | 0x2;
    f->cs = HESTIA_X86_64_GUEST_CS;
    f->ss = HESTIA_X86_64_GUEST_SS;
    hv->in_user = mode == HESTIA_X86_64_MODE_USER;
    return hv->in_user ? 1 : 0;
}

void hal_vcpu_enter_handler(struct hal_vcpu *hv, guest_va_t entry_va,
                            guest_va_t kernel_stack_va)
{
    uint64_t entry = guest_va_val(entry_va), kernel_stack = guest_va_val(kernel_stack_va);
    struct x86_64_frame *f = &hv->frame;
    /* A bad entry becomes a fault at 0 in the guest, never a fault in here. */
    f->rip = entry < LOWER_HALF_END ? entry : 0;
    uint64_t sp = kernel_stack ? kernel_stack : (f->rsp - 128) & ~15ull;
    f->rsp = canonical(sp) ? sp : 0;
    f->rflags = X86_EFLAGS_IF | 0x2;
    f->cs = HESTIA_X86_64_GUEST_CS;
    f->ss = HESTIA_X86_64_GUEST_SS;
    hv->in_user = false;
}

/* Rebuild the kernel view when the spaces or their top-level entries changed. */
static bool sync_kview(struct hal_vcpu *hv)
{
    const struct hal_as *k = hv->kernel, *u = hv->user;
    uint64_t kgen = k ? k->gen : 0, ugen = u ? u->gen : 0;
    if (hv->kview_valid && hv->kview_k == k && hv->kview_u == u && hv->kview_kgen == kgen &&
        hv->kview_ugen == ugen)
        return false;
    /*
     * Copy only what changed: a process switch (MMUOP_as_switch) changes
     * the user part alone, and a user space's PML4 slots beyond slot 0
     * are in use only up to its top_slots (copying all 766 entries was
     * 4600 instructions per switch).
     */
    if (!hv->kview_kpart || hv->kview_k != k || hv->kview_kgen != kgen) {
        const uint64_t *kpdpt = k && (k->pml4[0] & PTE_P) ? x86_64_table(k->pml4[0]) : NULL;
        for (unsigned i = 1; i < 512; i++)
            hv->kview_pdpt[i] = kpdpt ? kpdpt[i] : 0;
        hv->kview_kpart = true;
    }
    const uint64_t *updpt = u && (u->pml4[0] & PTE_P) ? x86_64_table(u->pml4[0]) : NULL;
    hv->kview_pdpt[0] = updpt ? updpt[0] : 0;
    unsigned slots = u ? u->top_slots : 0;
    unsigned n = slots > hv->kview_uslots ? slots : hv->kview_uslots;
    for (unsigned i = 1; i < n && i < PML4_HYP_FIRST; i++)
        hv->kview_pml4[i] = u ? u->pml4[i] : 0;
    hv->kview_uslots = slots;
    hv->kview_valid = true;
    hv->kview_k = k;
    hv->kview_u = u;
    hv->kview_kgen = kgen;
    hv->kview_ugen = ugen;
    hv->kview_kgen_at = k ? &k->gen : &no_space_gen;
    hv->kview_ugen_at = u ? &u->gen : &no_space_gen;
    return true;
}

/* Nothing caches the callbacks or the kernel stack: core's copy is read at each delivery.
 */
void hal_vcpu_callbacks_changed(struct hal_vcpu *hv)
{
    (void)hv;
}

/* The lazy FPU image stays in its CPU: a CPU that needs it asks (x86_common/fpu_lazy.h). */
void hal_vcpu_switched_out(struct hal_vcpu *hv)
{
    (void)hv;
}

/*
 * Load cr3, which reaches PV spaces k and u (either may be NULL), keeping
 * their loaded_cpus true for the TLB shootdown (hal/lib/pt.c): our bit is
 * set before the load and cleared from the spaces we left after it (the
 * CR3 write dropped their non-global translations).
 */
static void load_cr3(struct hal_cpu *c, uint64_t cr3, struct hal_as *k, struct hal_as *u)
{
    if (k)
        pt_cpu_loaded(&k->pt, c->id);
    if (u)
        pt_cpu_loaded(&u->pt, c->id);
    write_cr3(cr3);
    struct hal_as *ok = c->loaded_k, *ou = c->loaded_u; /* no array: every vCPU switch */
    if (ok && ok != k && ok != u)
        pt_cpu_unloaded(&ok->pt, c->id);
    if (ou && ou != k && ou != u && ou != ok)
        pt_cpu_unloaded(&ou->pt, c->id);
    c->loaded_k = k;
    c->loaded_u = u;
}

/* Everything hal_vcpu_run() may have to do before entering hv on CPU c. */
void x86_64_run_slow(struct hal_cpu *c, struct hal_vcpu *hv)
{
    c->entered = NULL;
    if (hv->svm)
        svm_run(hv);
    /* Never iretq to a non-canonical RIP (#GP in ring 0): let the guest fault at 0. */
    if (hv->frame.rip >= LOWER_HALF_END)
        hv->frame.rip = 0;
    c->current = hv;
    uint64_t cr0 = read_cr0();
    uint64_t want = c->fpu_owner == hv ? cr0 & ~CR0_TS : cr0 | CR0_TS;
    if (want != cr0)
        write_cr0(want);

    uint64_t cr3;
    if (hv->in_user) {
        cr3 = mfn_val(hv->user ? hv->user->pml4_mfn : empty_user_pml4_mfn)
              << HAL_PAGE_SHIFT;
        if (read_cr3() != cr3)
            load_cr3(c, cr3, NULL, hv->user);
    } else {
        bool changed = sync_kview(hv);
        cr3 = mfn_val(hv->kview_pml4_mfn) << HAL_PAGE_SHIFT;
        if (changed || read_cr3() != cr3)
            load_cr3(c, cr3, hv->kernel, hv->user);
    }
    /* TSS.RSP0 changes only here, mirrored in frame_top. */
    uint64_t top = (uint64_t)(&hv->frame + 1);
    if (c->frame_top != top) {
        *c->tss_rsp0 = top;
        c->frame_top = top;
    }
    /* User mode's CR3 is the user space's: only kernel mode may take the fast path. */
    c->entered = hv->in_user ? NULL : hv;
    x86_64_enter_guest(&hv->frame);
}

void hal_vcpu_run(struct hal_vcpu *hv)
{
    x86_64_run(x86_64_this_cpu(), hv);
}
