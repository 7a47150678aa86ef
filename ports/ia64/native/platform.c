/* SPDX-License-Identifier: MIT */
/*
 * The native IA-64 platform (docs/native.md): the guest kernel at PL0 on
 * bare ia64sim.  The start of day from the boot table, the SSC console and
 * exit, the interval timer, and the way of an interruption (boot.S saved
 * it in nat_save) to the kernel: the trap record, delivery, and back.
 * Page tables: pt.c.
 */
#include <port/arch_ctx.h>
#include <port/arch_regs.h>
#include <port/kernel.h>
#include <port/native.h>

#include "native_ia64.h"

#define SSC_PUTCHAR 31
#define SSC_EXIT 66
#define ITC_HZ 1000000000ull /* ia64sim: ar.itc advances once per instruction */
#define ITV_MASKED (1ull << 16)
#define PSR_CPL_SHIFT 32
#define PSR_RI (3ull << HESTIA_IA64_PSR_RI_SHIFT)
#define ISR_X (1ull << 32)
#define ISR_W (1ull << 33)
#define RSC_PL_USER (3ull << 2)

/* IVT offsets (arch/ia64/include/ia64/vectors.h names them for the hypervisor). */
enum {
    IVT_ITLB = 0x0400,
    IVT_DTLB = 0x0800,
    IVT_ALT_ITLB = 0x0c00,
    IVT_ALT_DTLB = 0x1000,
    IVT_DIRTY = 0x2000,
    IVT_IACCESS = 0x2400,
    IVT_DACCESS = 0x2800,
    IVT_BREAK = 0x2c00,
    IVT_EXTINT = 0x3000,
    IVT_PAGE_NP = 0x5000,
    IVT_KEY_PERM = 0x5100,
    IVT_IAR = 0x5200,
    IVT_DAR = 0x5300,
    IVT_GENEX = 0x5400,
    IVT_DISFP = 0x5500,
    IVT_UNALIGNED = 0x5a00,
};

long nat_ssc(long a0, long a1, long a2, long a3, long nr);
__attribute__((noreturn)) void nat_load(const uint64_t *ctx, const void *fp);
__attribute__((noreturn)) void nat_branch(uint64_t entry, uint64_t sp, uint64_t bspstore,
                                          uint64_t rnat, const void *fp);
uint64_t nat_pt_init(uint64_t ram_bytes);
extern uint64_t nat_save[NS_SLOTS];

/* The context nat_resume loads (save-area layout). */
static uint64_t resume_ctx[NS_SLOTS] __attribute__((aligned(16)));
/* The delivery in progress comes from nat_save: f6-f11 are there. */
static bool fp_in_save;
static volatile unsigned long interrupts;

void nat_console_putc(char c)
{
    nat_ssc((unsigned char)c, 0, 0, 0, SSC_PUTCHAR);
}

void nat_exit(unsigned status)
{
    nat_ssc(status, 0, 0, 0, SSC_EXIT);
    for (;;)
        ;
}

unsigned long nat_irq_save(void)
{
    unsigned long psr;
    __asm__ volatile("mov %0 = psr\n\t;;\n\trsm psr.i\n\t;;\n\tsrlz.d"
                     : "=r"(psr)::"memory");
    return psr & NAT_PSR_I;
}

void nat_irq_restore(unsigned long state)
{
    if (state & NAT_PSR_I)
        __asm__ volatile("ssm psr.i\n\t;;\n\tsrlz.d" ::: "memory");
}

static uint64_t read_itc(void)
{
    uint64_t t;
    __asm__ volatile("mov %0 = ar.itc" : "=r"(t)::"memory");
    return t;
}

/*
 * Wait for one interrupt.  Nothing but the timer can interrupt on ia64sim
 * (no devices natively), so ar.itc jumps to its match first, as the
 * hypervisor's idle CPU does: time stays the instruction count of the
 * work done, and a wait costs a few instructions, not the gap.
 */
void nat_idle(void)
{
    unsigned long seen = interrupts;
    uint64_t itm, itv, itc = read_itc();
    __asm__ volatile("mov %0 = cr.itm\n\tmov %1 = cr.itv" : "=r"(itm), "=r"(itv));
    if (!(itv & ITV_MASKED) && itm > itc)
        __asm__ volatile("mov ar.itc = %0\n\t;;" ::"r"(itm) : "memory");
    __asm__ volatile("ssm psr.i\n\t;;\n\tsrlz.d" ::: "memory");
    while (interrupts == seen)
        __asm__ volatile("" ::: "memory");
    __asm__ volatile("rsm psr.i\n\t;;\n\tsrlz.d" ::: "memory");
}

void nat_timer_arm(uint64_t delay_ns)
{
    uint64_t itm = read_itc() + delay_ns; /* one tick per ns */
    __asm__ volatile(
        "mov cr.itm = %0\n\t;;\n\tmov cr.itv = %1\n\t;;\n\tsrlz.d\n\t;;" ::"r"(itm),
        "r"((uint64_t)NAT_TIMER_VECTOR)
        : "memory");
}

void nat_timer_cancel(void)
{
    __asm__ volatile(
        "mov cr.itv = %0\n\t;;\n\tsrlz.d\n\t;;" ::"r"(ITV_MASKED | NAT_TIMER_VECTOR)
        : "memory");
}

/* ia64's system calls always pass through the trap record: nothing to route. */
void nat_syscall_route(uint64_t syscall_entry, uint64_t kernel_stack)
{
    (void)syscall_entry;
    (void)kernel_stack;
}

static unsigned cpl_of(uint64_t psr)
{
    return (unsigned)(psr >> PSR_CPL_SHIFT) & 3;
}

bool nat_rec_is_user(const struct hestia_trap_record *rec)
{
    return cpl_of(rec->regs[PI_PSR]) == HESTIA_IA64_CPL_USER;
}

/*
 * pr as read in the interrupted frame; nat_load sets it in its own frame
 * (rrb.pr 0) and rfi then applies the frame's rrb.pr: rotate p16-p63 so
 * that the context reads its own values again (as arch/ia64/vcpu.c does).
 */
static uint64_t pr_for_load(uint64_t pr, uint64_t cfm)
{
    unsigned rrb = cfm >> 63 ? (unsigned)(cfm >> 32 & 63) : 0;
    if (!rrb || rrb >= 48)
        return pr;
    uint64_t rot = pr >> 16 & ((1ull << 48) - 1);
    rot = ((rot << rrb) | (rot >> (48 - rrb))) & ((1ull << 48) - 1);
    return (pr & 0xffff) | rot << 16;
}

/* The trap record of the context in the save area s: the PV layout, cpl 2 for PL0. */
static void save_to_rec(const uint64_t *s, struct hestia_trap_record *rec)
{
    for (unsigned i = 0; i < HESTIA_IA64_NR_REGS; i++)
        rec->regs[i] = s[i];
    for (unsigned i = HESTIA_IA64_NR_REGS; i < HESTIA_TRAP_REGS; i++)
        rec->regs[i] = 0;
    uint64_t psr = s[NS_PSR];
    uint64_t cpl = cpl_of(psr) == 3 ? HESTIA_IA64_CPL_USER : HESTIA_IA64_CPL_KERNEL;
    rec->regs[PI_PSR] =
        (psr & (PSR_RI | HESTIA_IA64_PSR_USER_MASK)) | cpl << HESTIA_IA64_PSR_CPL_SHIFT;
}

/* Bring the pages of [a, b) into the TLB with psr.ic on (rfi fills with it off). */
static void touch(uint64_t a, uint64_t b)
{
    for (uint64_t p = a & ~(uint64_t)(HESTIA_PAGE_SIZE - 1); p < b; p += HESTIA_PAGE_SIZE)
        (void)*(volatile uint64_t *)(uintptr_t)p;
}

/* The bytes of the sof registers below bsp in a backing store, NaT collections included. */
static uint64_t frame_bytes(uint64_t bsp, unsigned sof)
{
    uint64_t a = bsp;
    for (unsigned i = 0; i < sof; i++) {
        a -= 8;
        if (((a >> 3) & 63) == 63)
            a -= 8;
    }
    return bsp - a;
}

void nat_resume(const struct hestia_trap_record *rec)
{
    uint64_t *c = resume_ctx;
    for (unsigned i = 0; i < HESTIA_IA64_NR_REGS; i++)
        c[i] = rec->regs[i];
    bool user = nat_rec_is_user(rec);
    uint64_t psr = rec->regs[PI_PSR];
    c[NS_PSR] = (psr & (PSR_RI | HESTIA_IA64_PSR_USER_MASK)) |
                (user ? 3ull << PSR_CPL_SHIFT : 0) | NAT_PSR_IC | NAT_PSR_I | NAT_PSR_DT |
                NAT_PSR_RT | NAT_PSR_IT | NAT_PSR_BN;
    if ((c[NS_PSR] & PSR_RI) == PSR_RI)
        c[NS_PSR] &= ~PSR_RI; /* slot 3 does not exist */
    uint64_t cfm = rec->regs[PI_CFM];
    if (cfm && !(cfm >> 63))
        c[NS_CFM] = cfm = 0;
    c[NS_PR] = pr_for_load(rec->regs[HESTIA_IA64_REG_PR], cfm);
    c[NS_RSC] = user ? RSC_PL_USER : 0;
    c[NS_NATS] = 0; /* a trap record has no NaT bits */
    __asm__ volatile("mov %0 = ar.ccv\n\tmov %1 = ar.ec" : "=r"(c[NS_CCV]), "=r"(c[NS_EC]));
    unsigned sof = cfm >> 63 ? (unsigned)(cfm & 127) : 0;
    uint64_t bsp = c[NS_BSP];
    if (sof)
        touch(bsp - frame_bytes(bsp, sof), bsp);
    uint64_t fp = ia64_fp_area(rec);
    fp_in_save = false;
    nat_load(c, fp ? (const void *)(uintptr_t)fp : NULL);
}

void nat_enter_handler(uint64_t entry, uint64_t sp, const struct hestia_trap_record *rec)
{
    /* From nat_trap, f6-f11 of the context are in nat_save; from trap_return in
     * the area below its handler's stack (ports/ia64/arch.c). */
    const void *fp = (const void *)&nat_save[NS_FP];
    if (!fp_in_save) {
        uint64_t a = ia64_fp_area(rec);
        fp = a ? (const void *)(uintptr_t)a : fp;
    }
    fp_in_save = false;
    if (sp)
        nat_branch(entry, (sp & ~15ull) - 16, sp - HESTIA_IA64_KSTACK_SIZE, 0, fp);
    nat_branch(entry, (rec->regs[PI_SP] - 64) & ~15ull, rec->regs[PI_BSP],
               rec->regs[HESTIA_IA64_REG_RNAT], fp);
}

/* Back to the context in nat_save, nothing delivered. */
__attribute__((noreturn)) static void resume_saved(uint64_t *s)
{
    s[NS_PR] = pr_for_load(s[NS_PR], s[NS_CFM]);
    fp_in_save = false;
    nat_load(s, &s[NS_FP]);
}

static void advance_ip(uint64_t *s)
{
    unsigned ri = (unsigned)(s[NS_PSR] >> HESTIA_IA64_PSR_RI_SHIFT) & 3;
    s[NS_PSR] &= ~PSR_RI;
    if (ri >= 2)
        s[NS_IP] += 16;
    else
        s[NS_PSR] |= (uint64_t)(ri + 1) << HESTIA_IA64_PSR_RI_SHIFT;
}

__attribute__((noreturn)) static void deliver(uint64_t *s, unsigned kind, uint64_t err,
                                              uint64_t addr)
{
    /* Straight into the vCPU's record (native_deliver then copies nothing),
     * unless it is busy: that trap is undeliverable, native_deliver says so. */
    struct hestia_trap_record busy, *rec = &shared->vcpu_info[0].trap;
    if (rec->flags & TRAP_FLAG_BUSY)
        rec = &busy;
    save_to_rec(s, rec);
    fp_in_save = true;
    native_deliver(rec, kind, (unsigned)s[NS_VEC], err, addr);
}

/* An upcall if one is due, else straight back. */
__attribute__((noreturn)) static void event_or_resume(uint64_t *s)
{
    if (native_event_due())
        deliver(s, HESTIA_TRAP_EVENT, 0, 0);
    resume_saved(s);
}

static void ext_interrupt(void)
{
    for (;;) {
        uint64_t vec;
        __asm__ volatile("mov %0 = cr.ivr\n\t;;\n\tsrlz.d\n\t;;" : "=r"(vec)::"memory");
        if (vec == 15)
            return; /* spurious: none left */
        __asm__ volatile("mov cr.eoi = r0\n\t;;\n\tsrlz.d\n\t;;" ::: "memory");
        interrupts++;
        if (vec == NAT_TIMER_VECTOR)
            native_timer_fired();
    }
}

void nat_trap(uint64_t *s);
/* Called by boot.S for every interruption but the TLB refills, interrupts off. */
void nat_trap(uint64_t *s)
{
    unsigned vec = (unsigned)s[NS_VEC];
    bool user = cpl_of(s[NS_PSR]) == 3;
    uint64_t isr = s[NS_ISR];
    unsigned bits = ((isr & ISR_W) ? HESTIA_PF_WRITE : 0) |
                    ((isr & ISR_X) ? HESTIA_PF_EXEC : 0) | (user ? HESTIA_PF_USER : 0);
    switch (vec) {
    case IVT_EXTINT:
        ext_interrupt();
        event_or_resume(s);
    case IVT_BREAK: {
        uint64_t iim = s[NS_IIM];
        if (!user && iim == NAT_EVENT_BREAK) {
            advance_ip(s);
            event_or_resume(s);
        }
        if (user && iim == HESTIA_IA64_HYPERCALL_BREAK) {
            advance_ip(s);
            deliver(s, HESTIA_TRAP_SYSCALL, 0, 0);
        }
        deliver(s, HESTIA_TRAP_BREAKPOINT, iim, s[NS_IP]);
    }
    case IVT_ITLB:
    case IVT_ALT_ITLB:
        deliver(s, HESTIA_TRAP_PAGE_FAULT, bits | HESTIA_PF_EXEC, s[NS_IP]);
    case IVT_DTLB:
    case IVT_ALT_DTLB:
        deliver(s, HESTIA_TRAP_PAGE_FAULT, bits, s[NS_IFA]);
    case IVT_IAR:
    case IVT_IACCESS:
        deliver(s, HESTIA_TRAP_PAGE_FAULT, bits | HESTIA_PF_PRESENT | HESTIA_PF_EXEC,
                s[NS_IP]);
    case IVT_DAR:
    case IVT_PAGE_NP:
    case IVT_KEY_PERM:
    case IVT_DIRTY:
    case IVT_DACCESS:
        deliver(s, HESTIA_TRAP_PAGE_FAULT, bits | HESTIA_PF_PRESENT, s[NS_IFA]);
    case IVT_GENEX: {
        unsigned code = (unsigned)(isr >> 4) & 15;
        deliver(s, code == 1 || code == 2 ? HESTIA_TRAP_PRIV_OP : HESTIA_TRAP_INVALID_OP,
                isr, s[NS_IP]);
    }
    case IVT_UNALIGNED:
        deliver(s, HESTIA_TRAP_ALIGNMENT, isr, s[NS_IFA]);
    case IVT_DISFP:
        deliver(s, HESTIA_TRAP_FP, isr, s[NS_IP]);
    default:
        deliver(s, HESTIA_TRAP_OTHER, isr, s[NS_IFA]);
    }
}

/*
 * A NaT bit survives an interruption that returns to its context: r11 is
 * made NaT (ld8.fill with every ar.unat bit set), then the event
 * interrupt's break enters nat_entry and, with events masked, comes
 * straight back through nat_load (its fills).
 */
static void check_nat_kept(struct tctx *t)
{
    long nat;
    unsigned long flags = irq_save();
    __asm__ volatile(
        "mov r9 = ar.unat\n\t;;\n\tmov ar.unat = %1\n\tadds r10 = -16, r12\n\t;;\n\t"
        "st8 [r10] = r0\n\t;;\n\tld8.fill r11 = [r10]\n\t;;\n\t"
        "break %2\n\t;;\n\tmov ar.unat = r9\n\ttnat.nz p6, p7 = r11\n\t;;\n\t"
        "(p6) mov %0 = 1\n\t(p7) mov %0 = 0\n\t;;"
        : "=r"(nat)
        : "r"(-1l), "i"(NAT_EVENT_BREAK)
        : "r9", "r10", "r11", "p6", "p7", "memory");
    irq_restore(flags);
    T_CHECK(t, nat == 1, "r11 lost its NaT bit across the event interrupt");
}

/* role=native-user's ia64 cases (ports/common/native/usercheck.c). */
const struct arch_attack native_arch_checks[] = {
    {"native.ia64.user-bad-bspstore", ia64_check_bad_rbs},
    {"native.ia64.nat-kept", check_nat_kept},
    {NULL, NULL},
};

void nat_ia64_main(const uint64_t *boot);
/*
 * From boot.S in virtual mode, interrupts off: the memory size and the
 * command line from ia64sim's boot table (docs/ia64sim.md), the page
 * tables, the timer (masked until the first arming), then the kernel.
 */
void nat_ia64_main(const uint64_t *boot)
{
    const char *cmdline = "";
    uint64_t ram = 256ull << 20;
    if (boot[0] == 0x314d495334364149ull) { /* "IA64SIM1" */
        ram = boot[2];
        if (boot[4])
            cmdline = (const char *)(uintptr_t)(NAT_VBASE + boot[4]);
    }
    uint64_t nr_pages = nat_pt_init(ram);
    __asm__ volatile("mov cr.itv = %0\n\t;;\n\tmov cr.tpr = r0\n\t;;\n\tsrlz.d\n\t;;" ::"r"(
                         ITV_MASKED | NAT_TIMER_VECTOR)
                     : "memory");
    __asm__ volatile("ssm psr.i\n\t;;\n\tsrlz.d" ::: "memory");
    native_start(nr_pages, NAT_VBASE, ITC_HZ, cmdline);
}
