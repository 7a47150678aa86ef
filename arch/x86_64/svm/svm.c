/* SPDX-License-Identifier: MIT */
/*
 * HVM vCPUs on AMD SVM with nested paging (hal/hvm.h, docs/hvm.md).
 *
 * An HVM vCPU is a struct hal_vcpu with an svm member: hal_vcpu_run()
 * hands it to svm_run(), which moves to a fresh hypervisor stack, makes
 * the FPU the vCPU's, runs VMRUN (svm_entry.S) with GIF clear and host
 * interrupts enabled (so a host interrupt ends the guest's slice as an
 * INTR exit), handles the exit and calls hal_vcpu_run(core_resume_vcpu())
 * like every other guest exit.
 *
 * QEMU 7.2's TCG SVM has no NRIP save and no decode assists: the next RIP
 * of CPUID, RDMSR / WRMSR, HLT and VMMCALL is computed from their fixed
 * lengths, IOIO exits give it in EXITINFO2.
 */
#include <hal/timer.h>
#include <hestia/domctl.h>
#include <hestia/errno.h>
#include <x86_common/io.h>

#include "svm.h"

_Static_assert(offsetof(struct svm_regs, rdi) == 32 &&
                   offsetof(struct svm_regs, r15) == 104,
               "svm_entry.S offsets");

#define MSR_VM_HSAVE_PA 0xc0010117u
#define EFER_SVME (1ull << 12)
#define EFER_LMA (1ull << 10)
#define RFLAGS_IF (1ull << 9)

/* One I/O permission map (every port intercepted) and one MSR map for all vCPUs. */
static uint8_t iopm[3 * 4096] __attribute__((aligned(4096)));
static uint8_t msrpm[2 * 4096] __attribute__((aligned(4096)));
static bool svm_checked, svm_ok;
static uint32_t nr_asids;
static uint32_t next_asid;

/* Per CPU: the host save area (VM_HSAVE_PA) and the VMCB VMSAVE keeps the host's state in.
 */
static uint64_t hsave_pa[HAL_MAX_CPUS], host_vmcb_pa[HAL_MAX_CPUS];

static void cpuid_raw(uint32_t leaf, uint32_t r[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(0));
}

bool hal_hvm_available(void)
{
    if (svm_checked)
        return svm_ok;
    svm_checked = true;
    uint32_t r[4];
    cpuid_raw(0x80000000u, r);
    if (r[0] < 0x8000000au)
        return false;
    cpuid_raw(0x80000001u, r);
    if (!(r[2] & (1u << 2))) /* SVM */
        return false;
    cpuid_raw(0x8000000au, r);
    if (!(r[3] & 1u)) /* nested paging */
        return false;
    nr_asids = r[1];
    if (nr_asids < 2)
        return false;
    for (size_t i = 0; i < sizeof(iopm); i++)
        iopm[i] = 0xff;
    svm_msrpm_init(msrpm);
    svm_ok = true;
    return true;
}

/* Enable SVM on this CPU once: EFER.SVME, the host save area, the host VMCB. */
static void svm_cpu_enable(unsigned cpu)
{
    if (hsave_pa[cpu])
        return;
    mfn_t a = core_frame_alloc(NULL), b = core_frame_alloc(NULL);
    if (mfn_eq(a, MFN_INVALID) || mfn_eq(b, MFN_INVALID))
        core_panic("svm: no frame for CPU %u's host save area", cpu);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    hsave_pa[cpu] = mfn_val(a) << HAL_PAGE_SHIFT;
    host_vmcb_pa[cpu] = mfn_val(b) << HAL_PAGE_SHIFT;
    wrmsr(MSR_VM_HSAVE_PA, hsave_pa[cpu]);
}

int hal_hvm_vcpu_init(struct hal_vcpu *hv, struct hal_as *gphys)
{
    if (!hal_hvm_available())
        return -HESTIA_ENOSYS;
    if (hv->svm)
        return -HESTIA_EINVAL;
    struct svm_vcpu *s = core_heap_alloc(sizeof(*s));
    if (!s)
        return -HESTIA_ENOMEM;
    s->vmcb_mfn = core_frame_alloc(NULL);
    if (mfn_eq(s->vmcb_mfn, MFN_INVALID)) {
        core_heap_free(s);
        return -HESTIA_ENOMEM;
    }
    s->vmcb = hal_frame_to_virt(s->vmcb_mfn);
    __builtin_memset(s->vmcb, 0, HAL_PAGE_SIZE);
    s->gphys = gphys;
    s->asid = 1 + next_asid++ % (nr_asids - 1);
    svm_uart_init(&s->uart);
    svm_pic_init(&s->pic);
    hv->svm = s;
    return 0;
}

void svm_vcpu_destroy(struct hal_vcpu *hv)
{
    struct svm_vcpu *s = hv->svm;
    if (!s)
        return;
    core_frame_free(NULL, s->vmcb_mfn);
    core_heap_free(s);
    hv->svm = NULL;
}

static bool canonical(uint64_t a)
{
    return a < 0x0000800000000000ull || a >= 0xffff800000000000ull;
}

int hal_hvm_vcpu_start(struct hal_vcpu *hv, const struct domctl_hvm_start *st,
                       uint64_t limit_gpa)
{
    struct svm_vcpu *s = hv->svm;
    if (!s || st->flags || !canonical(st->rip) || !canonical(st->rsp) ||
        (st->cr3 & (HAL_PAGE_SIZE - 1)) || st->cr3 >= limit_gpa || (st->cs & 7) || !st->cs)
        return -HESTIA_EINVAL;
    uint8_t *vm = s->vmcb;
    vmcb_set32(vm, VMCB_INTERCEPT_MISC1,
               SVM_I1_INTR | SVM_I1_NMI | SVM_I1_SMI | SVM_I1_INIT | SVM_I1_CPUID |
                   SVM_I1_HLT | SVM_I1_INVLPGA | SVM_I1_IOIO | SVM_I1_MSR |
                   SVM_I1_TASK_SWITCH | SVM_I1_SHUTDOWN);
    vmcb_set32(vm, VMCB_INTERCEPT_MISC2,
               SVM_I2_VMRUN | SVM_I2_VMMCALL | SVM_I2_VMLOAD | SVM_I2_VMSAVE | SVM_I2_STGI |
                   SVM_I2_CLGI | SVM_I2_SKINIT | SVM_I2_RDTSCP | SVM_I2_MONITOR |
                   SVM_I2_MWAIT | SVM_I2_MWAIT_COND | SVM_I2_XSETBV);
    vmcb_set(vm, VMCB_IOPM_BASE, virt_to_phys(iopm));
    vmcb_set(vm, VMCB_MSRPM_BASE, virt_to_phys(msrpm));
    /* The guest's TSC starts near 0 at its first instruction. */
    vmcb_set(vm, VMCB_TSC_OFFSET, (uint64_t)0 - rdtsc());
    vmcb_set32(vm, VMCB_ASID, s->asid);
    vmcb_set(vm, VMCB_INT_CTL, SVM_INT_CTL_V_INTR_MASKING);
    vmcb_set(vm, VMCB_NP_ENABLE, 1);
    vmcb_set(vm, VMCB_N_CR3, mfn_val(s->gphys->pml4_mfn) << HAL_PAGE_SHIFT);

    uint16_t ds = (uint16_t)(st->cs + 8);
    vmcb_set_seg(vm, VMCB_CS, st->cs, SVM_ATTR_CODE64, 0xffffffffu, 0);
    vmcb_set_seg(vm, VMCB_DS, ds, SVM_ATTR_DATA, 0xffffffffu, 0);
    vmcb_set_seg(vm, VMCB_ES, ds, SVM_ATTR_DATA, 0xffffffffu, 0);
    vmcb_set_seg(vm, VMCB_SS, ds, SVM_ATTR_DATA, 0xffffffffu, 0);
    vmcb_set_seg(vm, VMCB_FS, ds, SVM_ATTR_DATA, 0xffffffffu, 0);
    vmcb_set_seg(vm, VMCB_GS, ds, SVM_ATTR_DATA, 0xffffffffu, 0);
    vmcb_set_seg(vm, VMCB_GDTR, 0, 0, st->gdt_limit, st->gdt_base);
    vmcb_set_seg(vm, VMCB_IDTR, 0, 0, 0, 0);
    vmcb_set_seg(vm, VMCB_TR, 0, SVM_ATTR_TSS64, 0x67, 0);
    vmcb_set_seg(vm, VMCB_LDTR, 0, SVM_ATTR_LDT, 0, 0);
    vm[VMCB_CPL] = 0;
    vmcb_set(vm, VMCB_EFER, EFER_LME | EFER_LMA | EFER_SVME);
    vmcb_set(vm, VMCB_CR0,
             X86_CR0_PE | X86_CR0_MP | (1ul << 4) /* ET */ | X86_CR0_NE | X86_CR0_PG);
    vmcb_set(vm, VMCB_CR3, st->cr3);
    vmcb_set(vm, VMCB_CR4, X86_CR4_PAE);
    vmcb_set(vm, VMCB_DR6, 0xffff0ff0u);
    vmcb_set(vm, VMCB_DR7, 0x400);
    vmcb_set(vm, VMCB_RFLAGS, 0x2);
    vmcb_set(vm, VMCB_RIP, st->rip);
    vmcb_set(vm, VMCB_RSP, st->rsp);
    vmcb_set(vm, VMCB_RAX, 0);
    vmcb_set(vm, VMCB_G_PAT, 0x0007040600070406ull);
    __builtin_memset(&s->regs, 0, sizeof(s->regs));
    s->regs.rsi = st->rsi;
    s->last_cpu = 0;
    s->started = true;
    s->start_ns = hal_time_ns();
    return 0;
}

uint64_t hal_hvm_exit_count(const struct hal_vcpu *hv, unsigned reason)
{
    const struct svm_vcpu *s = hv->svm;
    if (!s)
        return 0;
    if (reason == ~0u) {
        uint64_t t = 0;
        for (unsigned i = 0; i < SVM_EXIT_SLOTS; i++)
            t += s->exits[i];
        return t;
    }
    return reason < SVM_EXIT_SLOTS ? s->exits[reason] : 0;
}

void svm_inject_exception(struct svm_vcpu *s, unsigned vector, bool has_error,
                          uint32_t error)
{
    uint64_t e = SVM_EVT_VALID | SVM_EVT_TYPE_EXC | (vector & 0xff);
    if (has_error)
        e |= SVM_EVT_ERR_VALID | ((uint64_t)error << 32);
    vmcb_set(s->vmcb, VMCB_EVENTINJ, e);
}

void svm_log_once(struct hal_vcpu *hv, const char *what, uint64_t addr)
{
    /* A small table of what was logged: enough to keep a hostile guest from flooding. */
    static uint64_t seen[64];
    static unsigned nr_seen;
    uint64_t key = addr ^ ((uint64_t)(uintptr_t)what << 40);
    for (unsigned i = 0; i < nr_seen; i++)
        if (seen[i] == key)
            return;
    if (nr_seen == 64)
        return;
    seen[nr_seen++] = key;
    core_printf("hestia: hvm d%u: %s %llx (reads all ones, writes dropped)%s\n",
                core_hvm_domain_id(hv->v), what, (unsigned long long)addr,
                nr_seen == 64 ? "; no more such messages" : "");
}

static void skip(struct svm_vcpu *s, unsigned len)
{
    vmcb_set(s->vmcb, VMCB_RIP, vmcb_get(s->vmcb, VMCB_RIP) + len);
}

static void crash(struct hal_vcpu *hv, const char *why, uint64_t code)
{
    struct svm_vcpu *s = hv->svm;
    core_printf(
        "hestia: hvm d%u: %s (exit %llx, info %llx %llx, interrupted event %llx, rip "
        "%llx, rsp %llx): crashing it\n",
        core_hvm_domain_id(hv->v), why, (unsigned long long)code,
        (unsigned long long)vmcb_get(s->vmcb, VMCB_EXITINFO1),
        (unsigned long long)vmcb_get(s->vmcb, VMCB_EXITINFO2),
        (unsigned long long)vmcb_get(s->vmcb, VMCB_EXITINTINFO),
        (unsigned long long)vmcb_get(s->vmcb, VMCB_RIP),
        (unsigned long long)vmcb_get(s->vmcb, VMCB_RSP));
    core_hvm_shutdown(hv->v, SHUTDOWN_crash);
}

static void exit_ioio(struct hal_vcpu *hv, struct svm_vcpu *s)
{
    uint64_t info = vmcb_get(s->vmcb, VMCB_EXITINFO1);
    uint16_t port = (uint16_t)(info >> SVM_IOIO_PORT_SHIFT);
    unsigned size = (info >> SVM_IOIO_SZ_SHIFT) & 7; /* 1, 2 or 4 (one bit set) */
    bool in = info & SVM_IOIO_IN;
    size = size == 4 ? 4 : size == 2 ? 2 : 1;
    if (info & SVM_IOIO_STR) {
        /* INS / OUTS: no device here needs them; the port is logged, the data dropped. */
        svm_log_once(hv, "string I/O on port", port);
    } else {
        uint64_t rax = vmcb_get(s->vmcb, VMCB_RAX);
        uint32_t val = (uint32_t)rax;
        svm_io(hv, port, size, in, &val);
        if (in) {
            uint64_t mask = size == 4 ? 0xffffffffull : size == 2 ? 0xffffull : 0xffull;
            /* A 32-bit IN zero-extends into RAX, as on the CPU. */
            rax = size == 4 ? val : (rax & ~mask) | (val & mask);
            vmcb_set(s->vmcb, VMCB_RAX, rax);
        }
    }
    vmcb_set(s->vmcb, VMCB_RIP, vmcb_get(s->vmcb, VMCB_EXITINFO2));
}

static void exit_msr(struct hal_vcpu *hv, struct svm_vcpu *s)
{
    uint32_t msr = (uint32_t)s->regs.rcx;
    if (vmcb_get(s->vmcb, VMCB_EXITINFO1) & 1) {
        uint64_t val = (uint32_t)vmcb_get(s->vmcb, VMCB_RAX) | (s->regs.rdx << 32);
        if (svm_wrmsr(hv, msr, val) < 0) {
            svm_inject_exception(s, 13, true, 0);
            return;
        }
    } else {
        uint64_t val;
        if (svm_rdmsr(hv, msr, &val) < 0) {
            svm_inject_exception(s, 13, true, 0);
            return;
        }
        vmcb_set(s->vmcb, VMCB_RAX, (uint32_t)val);
        s->regs.rdx = val >> 32;
    }
    skip(s, 2);
}

static void exit_cpuid(struct hal_vcpu *hv, struct svm_vcpu *s)
{
    uint32_t r[4];
    svm_cpuid(hv, (uint32_t)vmcb_get(s->vmcb, VMCB_RAX), (uint32_t)s->regs.rcx, r);
    vmcb_set(s->vmcb, VMCB_RAX, r[0]);
    s->regs.rbx = r[1];
    s->regs.rcx = r[2];
    s->regs.rdx = r[3];
    skip(s, 2);
}

/*
 * Whether console input may have come since the vCPU's last exit: not
 * after the exits the handler finishes at once (port I/O, CPUID, MSR,
 * nested page fault), which lead straight back to VMRUN; after any other
 * (a host interrupt, HLT) dom0 may have run and typed.  The console is
 * read under a lock: this keeps it off the hottest exits (docs/hvm.md).
 * A guest polling the line status register reads ahead there (uart.c).
 */
static bool may_have_input(const struct svm_vcpu *s)
{
    switch (s->exit_slot) {
    case SVM_EXIT_IOIO:
    case SVM_EXIT_CPUID:
    case SVM_EXIT_MSR:
    case SVM_EXIT_SLOT_NPF:
        return false;
    default:
        return true;
    }
}

/* Devices raise their lines: PIT IRQ 0 by time, COM1 IRQ 4 on a rising edge. */
static void devices_update(struct hal_vcpu *hv, struct svm_vcpu *s)
{
    if (svm_pit_update(&s->pit, hal_time_ns()))
        svm_pic_raise(&s->pic, 0);
    bool line = svm_uart_irq(hv, may_have_input(s));
    if (line && !s->uart.irq_line)
        svm_pic_raise(&s->pic, 4);
    s->uart.irq_line = line;
}

/*
 * Before VMRUN: give the guest the PIC's interrupt if it can take one now
 * (IF set, no interrupt shadow, no event being re-delivered); otherwise
 * ask for a VINTR exit the moment it can.
 */
static void inject_interrupt(struct svm_vcpu *s)
{
    uint8_t *vm = s->vmcb;
    uint64_t ctl =
        vmcb_get(vm, VMCB_INT_CTL) & ~(SVM_INT_CTL_V_IRQ | SVM_INT_CTL_V_IGN_TPR |
                                       SVM_INT_CTL_V_PRIO_MASK | SVM_INT_CTL_V_VECTOR_MASK);
    uint32_t misc1 = (uint32_t)vmcb_get(vm, VMCB_INTERCEPT_MISC1) & ~SVM_I1_VINTR;
    if (svm_pic_pending(&s->pic)) {
        bool can = (vmcb_get(vm, VMCB_RFLAGS) & RFLAGS_IF) &&
                   !(vmcb_get(vm, VMCB_INT_SHADOW) & 1) &&
                   !(vmcb_get(vm, VMCB_EVENTINJ) & SVM_EVT_VALID);
        int vec = can ? svm_pic_ack(&s->pic) : -1;
        if (vec >= 0) {
            vmcb_set(vm, VMCB_EVENTINJ, SVM_EVT_VALID | SVM_EVT_TYPE_INTR | (unsigned)vec);
        } else {
            ctl |= SVM_INT_CTL_V_IRQ | SVM_INT_CTL_V_IGN_TPR | SVM_INT_CTL_V_PRIO_MASK;
            misc1 |= SVM_I1_VINTR;
        }
    }
    vmcb_set(vm, VMCB_INT_CTL, ctl);
    vmcb_set32(vm, VMCB_INTERCEPT_MISC1, misc1);
}

/* The guest's TSC (started near 0) in ns, by the hypervisor's own counter scale. */
static uint64_t guest_tsc_ns(const struct svm_vcpu *s)
{
    struct hal_time_scale sc;
    hal_time_scale(&sc);
    uint64_t t = rdtsc() + vmcb_get(s->vmcb, VMCB_TSC_OFFSET);
    t = sc.shift >= 0 ? t << sc.shift : t >> -sc.shift;
    return (t >> 32) * sc.mul + (((t & 0xffffffffu) * sc.mul) >> 32);
}

static void exit_hlt(struct hal_vcpu *hv, struct svm_vcpu *s)
{
    skip(s, 1);
    if (!(vmcb_get(s->vmcb, VMCB_RFLAGS) & RFLAGS_IF)) {
        /*
         * HLT with interrupts off: nothing but an NMI could wake it, and
         * the device model sends none, so the vCPU is stopped for good.
         * Linux without ACPI powers off exactly this way (docs/hvm.md).
         */
        core_printf("hestia: hvm d%u: halted with interrupts disabled: powered off after "
                    "%llu ms (guest TSC %llu ms), %llu exits\n",
                    core_hvm_domain_id(hv->v),
                    (unsigned long long)((hal_time_ns() - s->start_ns) / 1000000),
                    (unsigned long long)(guest_tsc_ns(s) / 1000000),
                    (unsigned long long)hal_hvm_exit_count(hv, ~0u));
        svm_exit_summary(hv);
        core_hvm_shutdown(hv->v, SHUTDOWN_poweroff);
        return;
    }
    devices_update(hv, s);
    if (svm_pic_pending(&s->pic))
        return; /* an interrupt is there already: HLT ends at once */
    uint64_t wake = svm_pit_deadline(&s->pit);
    /* Console input raises no event for an HVM domain: look again every 20 ms. */
    if ((s->uart.ier & 1) && (!wake || wake > hal_time_ns() + 20000000))
        wake = hal_time_ns() + 20000000;
    core_hvm_halt(hv->v, wake);
}

static unsigned exit_slot(uint64_t code)
{
    if (code < 0x100)
        return (unsigned)code;
    return code == SVM_EXIT_NPF ? SVM_EXIT_SLOT_NPF : SVM_EXIT_SLOT_OTHER;
}

static void handle_exit(struct hal_vcpu *hv, struct svm_vcpu *s)
{
    uint64_t code = vmcb_get(s->vmcb, VMCB_EXITCODE);
    if ((uint32_t)code == 0xffffffffu) /* QEMU writes the invalid-state code as 32 bits */
        code = SVM_EXIT_INVALID;
    s->exit_slot = exit_slot(code);
    s->exits[s->exit_slot]++;
    /* An event whose delivery the exit interrupted is delivered again. */
    uint64_t intinfo = vmcb_get(s->vmcb, VMCB_EXITINTINFO);
    vmcb_set(s->vmcb, VMCB_EVENTINJ, (intinfo & SVM_EVT_VALID) ? intinfo : 0);
    switch (code) {
    case SVM_EXIT_INTR:
        /* The host interrupt is pending with GIF set again: take it now. */
        __asm__ volatile("sti; nop; cli" ::: "memory");
        break;
    case SVM_EXIT_VINTR: /* the guest can take the interrupt: inject_interrupt does */
    case SVM_EXIT_NMI:
    case SVM_EXIT_SMI:
    case SVM_EXIT_INIT:
        break;
    case SVM_EXIT_CPUID:
        exit_cpuid(hv, s);
        break;
    case SVM_EXIT_HLT:
        exit_hlt(hv, s);
        break;
    case SVM_EXIT_IOIO:
        exit_ioio(hv, s);
        break;
    case SVM_EXIT_MSR:
        exit_msr(hv, s);
        break;
    case SVM_EXIT_VMMCALL:
        /* No hypercalls for HVM guests (yet): the call fails, as under another hypervisor.
         */
        vmcb_set(s->vmcb, VMCB_RAX, (uint64_t)-HESTIA_ENOSYS);
        skip(s, 3);
        break;
    case SVM_EXIT_VMRUN:
    case SVM_EXIT_VMLOAD:
    case SVM_EXIT_VMSAVE:
    case SVM_EXIT_STGI:
    case SVM_EXIT_CLGI:
    case SVM_EXIT_SKINIT:
    case SVM_EXIT_INVLPGA:
    case SVM_EXIT_RDTSCP:
    case SVM_EXIT_MONITOR:
    case SVM_EXIT_MWAIT:
    case SVM_EXIT_MWAIT_COND:
    case SVM_EXIT_XSETBV:
        /* SVM and these instructions are hidden from the guest (CPUID): #UD, as without
         * them. */
        svm_inject_exception(s, 6, false, 0);
        break;
    case SVM_EXIT_SHUTDOWN:
        crash(hv, "triple fault", code);
        break;
    case SVM_EXIT_NPF:
        if (svm_npf(hv, vmcb_get(s->vmcb, VMCB_EXITINFO2),
                    vmcb_get(s->vmcb, VMCB_EXITINFO1)) < 0)
            crash(hv, "nested page fault it cannot be given", code);
        break;
    case SVM_EXIT_INVALID:
        crash(hv, "VMRUN refused its state", code);
        break;
    default:
        crash(hv, "unexpected exit", code);
        break;
    }
}

void svm_run_on_stack(struct hal_vcpu *hv)
{
    struct hal_cpu *c = x86_64_this_cpu();
    struct svm_vcpu *s = hv->svm;
    if (!s->started) {
        crash(hv, "vCPU entered before DOMCTL_hvm_start_vcpu", 0);
        hal_vcpu_run(core_resume_vcpu());
    }
    svm_cpu_enable(c->id);
    if (s->last_cpu != c->id + 1) {
        /* New to this CPU (or never run): its ASID's entries here may be stale. */
        s->vmcb[VMCB_TLB_CONTROL] = SVM_TLB_FLUSH_ALL;
        s->last_cpu = c->id + 1;
    }
    devices_update(hv, s);
    inject_interrupt(s);
    uint64_t dl = svm_pit_deadline(&s->pit);
    if (dl != s->timer_armed_ns) {
        core_hvm_set_timer(hv->v, dl);
        s->timer_armed_ns = dl;
    }
    x86_64_fpu_take(c, hv); /* eagerly: the guest's CR0.TS is its own (in the VMCB) */
    if (s->exit_at_tsc)
        s->exit_tsc[s->exit_slot] += rdtsc() - s->exit_at_tsc;
    __asm__ volatile("clgi; sti" ::: "memory");
    svm_vmrun(&s->regs, mfn_val(s->vmcb_mfn) << HAL_PAGE_SHIFT, host_vmcb_pa[c->id]);
    __asm__ volatile("cli; stgi" ::: "memory");
    s->exit_at_tsc = rdtsc();
    s->vmcb[VMCB_TLB_CONTROL] = 0;
    handle_exit(hv, s);
    hal_vcpu_run(core_resume_vcpu());
}

void svm_run(struct hal_vcpu *hv)
{
    struct hal_cpu *c = x86_64_this_cpu();
    c->current = hv;
    svm_enter_on_stack(hv, c->hyp_stack_top);
}
