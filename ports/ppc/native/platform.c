/* SPDX-License-Identifier: MIT */
/*
 * The native ppc (e500v2, QEMU ppce500) platform (docs/native.md): the
 * guest kernel in supervisor state on the bare machine, its user tasks in
 * problem state.  The device tree, the TLB1 entries, the DUART console,
 * the exits, the decrementer, and the trap frame <-> trap record
 * conversion.  Vectors and the TLB refill: boot.S; page tables: pt.c.
 */
#include <port/arch_regs.h>
#include <port/kernel.h>
#include <port/native.h>

#include "native_ppc.h"

_Static_assert(__builtin_offsetof(struct nat_frame, cr) == FR_CR &&
                   __builtin_offsetof(struct nat_frame, pc) == FR_PC &&
                   __builtin_offsetof(struct nat_frame, vector) == FR_VEC &&
                   __builtin_offsetof(struct nat_frame, esr) == FR_ESR &&
                   sizeof(struct nat_frame) == FR_SIZE,
               "boot.S's frame offsets");
_Static_assert(NATIVE_VIRT_BASE == HESTIA_PPC_GUEST_VIRT_BASE, "the PV image's link base");

#define CCSR_UART0 0x4500u
#define CCSR_PCI 0x8000u
#define CCSR_GUTS_RSTCR 0xe00b0u
#define TLB1_RAM 1 /* boot.S wrote the first 256 MiB; more RAM takes 2, 3, 4 */
#define TLB1_CCSR 5
#define TLB1_PCI 6
#define IVOR_FP_UNAVAIL 7
#define IVOR_APU_UNAVAIL 9
#define IVOR_DECREMENTER 10
#define IVOR_SPE_FP_DATA 33
#define IVOR_SPE_FP_ROUND 34
#define KERNEL_MSR (MSR_ME | MSR_EE)
#define USER_MSR (MSR_ME | MSR_EE | MSR_PR)

extern struct nat_frame nat_frame;
void nat_resume_frame(struct nat_frame *f) __attribute__((noreturn));
void nat_enter(uint32_t entry, uint32_t sp, uint32_t msr) __attribute__((noreturn));
void nat_vectors_init(void);
void ppc_user_reloc(void);

static uintptr_t uart = NAT_CCSR_VIRT + CCSR_UART0;
static uint64_t tb_hz = 400000000; /* QEMU ppce500's platform clock, unless the tree says */

static uint8_t io_read8(uintptr_t a)
{
    uint8_t v;
    __asm__ volatile("lbz %0, 0(%1); mbar" : "=r"(v) : "b"(a) : "memory");
    return v;
}
static void io_write8(uintptr_t a, uint8_t v)
{
    __asm__ volatile("stb %0, 0(%1); mbar" : : "r"(v), "b"(a) : "memory");
}
static void io_write32(uintptr_t a, uint32_t v)
{
    __asm__ volatile("stw %0, 0(%1); mbar" : : "r"(v), "b"(a) : "memory");
}

/* ---- console and exits ---------------------------------------------- */

void nat_console_putc(char c)
{
    if (c == '\n')
        nat_console_putc('\r');
    while (!(io_read8(uart + 5) & 0x20)) /* LSR: transmitter holding register empty */
        ;
    io_write8(uart, (uint8_t)c);
}

/* PCI configuration through the host bridge at CCSR + 0x8000 (little-endian data). */
static uint32_t pci_cfg_read(unsigned devfn, unsigned reg)
{
    uint32_t v;
    io_write32(NAT_CCSR_VIRT + CCSR_PCI, 0x80000000u | devfn << 8 | reg);
    __asm__ volatile("lwbrx %0, 0, %1; mbar"
                     : "=r"(v)
                     : "r"(NAT_CCSR_VIRT + CCSR_PCI + 4)
                     : "memory");
    return v;
}
static void pci_cfg_write(unsigned devfn, unsigned reg, uint32_t v)
{
    io_write32(NAT_CCSR_VIRT + CCSR_PCI, 0x80000000u | devfn << 8 | reg);
    __asm__ volatile("stwbrx %0, 0, %1; mbar"
                     :
                     : "r"(v), "r"(NAT_CCSR_VIRT + CCSR_PCI + 4)
                     : "memory");
}

/*
 * The hypervisor's exits (arch/ppc/platform.c, pvpanic.c): a pass asks
 * GUTS for a reset, which QEMU run with -no-reboot turns into exit code 0;
 * a failure is the pvpanic-pci device (-action panic=exit-failure: exit
 * code 1), found on PCI bus 0 and reached through a 1 MiB outbound window.
 */
void nat_exit(unsigned status)
{
    nat_irq_save();
    if (status == 0)
        io_write32(NAT_CCSR_VIRT + CCSR_GUTS_RSTCR, 2);
    for (unsigned dev = 0; dev < 32; dev++) {
        if (pci_cfg_read(dev << 3, 0) != 0x00111b36u) /* pvpanic: 1b36:0011 */
            continue;
        uintptr_t pow = NAT_CCSR_VIRT + 0x8c20;   /* outbound window 1 */
        io_write32(pow + 0x0, 0xe0000000u >> 12); /* PCI bus address */
        io_write32(pow + 0x4, 0);
        io_write32(pow + 0x8, 0xc00000000ull >> 12); /* physical */
        io_write32(pow + 0x10, 0x80044000u | 19);    /* enabled, 1 MiB, mem r/w */
        nat_tlbwe(MAS0_TLBSEL1 | TLB1_PCI << 16, MAS1_VALID | MAS1_IPROT | 5 << 8,
                  NAT_PCI_MEM_VIRT | MAS2_I | MAS2_G, 0x00000000u | MAS3_SW | MAS3_SR, 0xc);
        pci_cfg_write(dev << 3, 0x10, 0xe0080000u); /* BAR0 */
        pci_cfg_write(dev << 3, 0x04, 0x2);         /* memory space on */
        io_write8(NAT_PCI_MEM_VIRT + 0x80000, 1);   /* panicked */
    }
    for (;;)
        ;
}

/* ---- interrupts, idle, the timer ------------------------------------ */

unsigned long nat_irq_save(void)
{
    uint32_t msr;
    __asm__ volatile("mfmsr %0; wrteei 0" : "=r"(msr) : : "memory");
    return msr & MSR_EE;
}

void nat_irq_restore(unsigned long state)
{
    if (state)
        __asm__ volatile("wrteei 1" ::: "memory");
}

/*
 * Doze (MSR[WE] with HID0[DOZE], as the hypervisor's ppc_halt) with EE on
 * until an interrupt is taken; its return clears WE (boot.S).  One that is
 * pending already is taken at the mtmsr, so no wake-up is lost.
 */
void nat_idle(void)
{
    uint32_t msr;
    __asm__ volatile("mfmsr %0" : "=r"(msr));
    __asm__ volatile("msync; mtmsr %0; isync; wrteei 0"
                     :
                     : "r"(msr | MSR_WE | MSR_EE)
                     : "memory");
}

/* The event interrupt: `sc` in supervisor state (the kernel's own calls are plain calls).
 */
void nat_raise_event(void)
{
    __asm__ volatile("sc" ::: "memory");
}

void nat_timer_arm(uint64_t delay_ns)
{
    uint64_t ticks = delay_ns * tb_hz / 1000000000ull;
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0x7fffffffu)
        ticks = 0x7fffffffu;
    mtspr(SPR_TSR, TSR_DIS);
    mtspr(SPR_DEC, (uint32_t)ticks);
    mtspr(SPR_TCR, TCR_DIE);
}

void nat_timer_cancel(void)
{
    mtspr(SPR_TCR, 0);
    mtspr(SPR_TSR, TSR_DIS);
}

/* ppc's PV ABI has no direct system-call path: sc from user mode is a trap record. */
void nat_syscall_route(uint64_t syscall_entry, uint64_t kernel_stack)
{
    (void)syscall_entry;
    (void)kernel_stack;
}

/* ---- traps ------------------------------------------------------------ */

static void frame_to_rec(const struct nat_frame *f, struct hestia_trap_record *r)
{
    uint64_t *g = r->regs;
    bool user = f->msr & MSR_PR;
    for (unsigned i = 0; i < 32; i++)
        g[PP_R(i)] = f->gpr[i];
    g[PP_PC] = f->pc;
    g[PP_MSR] = user ? HESTIA_PPC_MSR_PR | HESTIA_PPC_MSR_EE : HESTIA_PPC_MSR_EE;
    g[HESTIA_PPC_REG_CR] = f->cr;
    g[PP_LR] = f->lr;
    g[HESTIA_PPC_REG_CTR] = f->ctr;
    g[HESTIA_PPC_REG_XER] = f->xer;
    g[PP_MODE] = user ? HESTIA_PPC_MODE_USER : HESTIA_PPC_MODE_KERNEL;
    g[HESTIA_PPC_REG_DEAR] = f->dear;
    g[HESTIA_PPC_REG_ESR] = f->esr;
}

bool nat_rec_is_user(const struct hestia_trap_record *rec)
{
    return rec->regs[PP_MODE] == HESTIA_PPC_MODE_USER;
}

void nat_resume(const struct hestia_trap_record *rec)
{
    const uint64_t *g = rec->regs;
    struct nat_frame *f = &nat_frame; /* free: interrupts are off, no trap is being saved */
    for (unsigned i = 0; i < 32; i++)
        f->gpr[i] = (uint32_t)g[PP_R(i)];
    f->pc = (uint32_t)g[PP_PC] & ~3u;
    f->cr = (uint32_t)g[HESTIA_PPC_REG_CR];
    f->lr = (uint32_t)g[PP_LR];
    f->ctr = (uint32_t)g[HESTIA_PPC_REG_CTR];
    f->xer = (uint32_t)g[HESTIA_PPC_REG_XER];
    /* The MSR is never the record's: the mode's, interrupts on (as the hypervisor). */
    f->msr = nat_rec_is_user(rec) ? USER_MSR : KERNEL_MSR;
    nat_resume_frame(f);
}

void nat_enter_handler(uint64_t entry, uint64_t sp, const struct hestia_trap_record *rec)
{
    /* The hypervisor's handler stack: 256 bytes below the interrupted r1, aligned. */
    uint32_t r1 = sp ? (uint32_t)sp : ((uint32_t)rec->regs[PP_R(1)] - 256) & ~15u;
    nat_enter((uint32_t)entry, r1, KERNEL_MSR);
}

/* Called by boot.S with interrupts off for every trap but a refilled TLB miss:
 * delivers it to the kernel (and never returns) or returns to resume f. */
void nat_trap(struct nat_frame *f);
void nat_trap(struct nat_frame *f)
{
    struct hestia_trap_record rec;
    bool user = f->msr & MSR_PR;
    uint64_t u = user ? HESTIA_PF_USER : 0, st = (f->esr & ESR_ST) ? HESTIA_PF_WRITE : 0;
    unsigned v = f->vector;
    if (v == IVOR_DECREMENTER || (v == HESTIA_PPC_IVOR_SYSCALL && !user)) {
        /* The decrementer, or the event interrupt (nat_raise_event). */
        if (v == IVOR_DECREMENTER) {
            mtspr(SPR_TSR, TSR_DIS);
            native_timer_fired();
        }
        if (!native_event_due())
            return;
        frame_to_rec(f, &rec);
        native_deliver(&rec, HESTIA_TRAP_EVENT, 0, 0, 0);
    }
    frame_to_rec(f, &rec);
    switch (v) {
    case HESTIA_PPC_IVOR_SYSCALL:
        native_deliver(&rec, HESTIA_TRAP_SYSCALL, v, 0, 0);
    case HESTIA_PPC_IVOR_DTLB:
        native_deliver(&rec, HESTIA_TRAP_PAGE_FAULT, v, st | u, f->dear);
    case HESTIA_PPC_IVOR_ITLB:
        native_deliver(&rec, HESTIA_TRAP_PAGE_FAULT, v, HESTIA_PF_EXEC | u, f->pc);
    case HESTIA_PPC_IVOR_DSI:
        native_deliver(&rec, HESTIA_TRAP_PAGE_FAULT, v, HESTIA_PF_PRESENT | st | u,
                       f->dear);
    case HESTIA_PPC_IVOR_ISI:
        native_deliver(&rec, HESTIA_TRAP_PAGE_FAULT, v,
                       HESTIA_PF_PRESENT | HESTIA_PF_EXEC | u, f->pc);
    case HESTIA_PPC_IVOR_ALIGN:
        native_deliver(&rec, HESTIA_TRAP_ALIGNMENT, v, f->esr, f->dear);
    case HESTIA_PPC_IVOR_PROGRAM:
        native_deliver(&rec,
                       (f->esr & ESR_PPR)   ? HESTIA_TRAP_PRIV_OP
                       : (f->esr & ESR_PTR) ? HESTIA_TRAP_BREAKPOINT
                       : (f->esr & ESR_PIL) ? HESTIA_TRAP_INVALID_OP
                                            : HESTIA_TRAP_FP,
                       v, f->esr, 0);
    case IVOR_FP_UNAVAIL:
    case IVOR_APU_UNAVAIL:
    case HESTIA_PPC_IVOR_SPE: /* no SPE (MSR[SPV] stays 0), as guests get none */
    case IVOR_SPE_FP_DATA:
    case IVOR_SPE_FP_ROUND:
        native_deliver(&rec, HESTIA_TRAP_INVALID_OP, v, f->esr, 0);
    default:
        /*
         * External input (no device is enabled), FIT, performance monitor,
         * and the critical / machine-check class (critical input, watchdog,
         * debug, machine check), which save into CSRR / MCSRR: the record's
         * pc and MSR are SRR's then.  None is expected; the kernel's
         * exception handler reports it as "other" and the run fails.
         */
        native_deliver(&rec, HESTIA_TRAP_OTHER, v, f->esr, f->dear);
    }
}

/* ---- the device tree and the start of day ---------------------------- */

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static bool prefix(const char *s, const char *p)
{
    while (*p)
        if (*s++ != *p++)
            return false;
    return true;
}

struct dt_facts {
    uint64_t mem, ccsr;
    uint32_t uart_off;
    uint32_t tb_hz;
    char cmdline[256];
};

/*
 * The few facts the hypervisor's boot.c takes from the device tree: RAM
 * (/memory reg), the command line (/chosen/bootargs), the time base
 * (/cpus/<cpu> timebase-frequency), CCSR (/soc ranges) and the UART
 * (/soc/serial reg).  A walk of the structure block, nothing more.
 */
static void dt_read(const uint8_t *dt, struct dt_facts *o)
{
    if (be32(dt) != 0xd00dfeedu)
        return;
    const uint8_t *st = dt + be32(dt + 8), *strs = dt + be32(dt + 12);
    const char *path[4] = {""};
    unsigned depth = 0, acells = 2, scells = 2;
    for (const uint8_t *p = st;;) {
        uint32_t tok = be32(p);
        p += 4;
        if (tok == 1) { /* begin node */
            const char *name = (const char *)p;
            if (depth < 4)
                path[depth] = name;
            depth++;
            p += ALIGN_UP(kstrlen(name) + 1, 4);
        } else if (tok == 2) {
            depth--;
        } else if (tok == 3) {
            uint32_t len = be32(p), nameoff = be32(p + 4);
            const uint8_t *val = p + 8;
            const char *prop = (const char *)strs + nameoff;
            const char *n1 = depth >= 2 ? path[1] : "", *n2 = depth >= 3 ? path[2] : "";
            p += 8 + ALIGN_UP(len, 4);
            if (depth == 1 && kstreq(prop, "#address-cells"))
                acells = be32(val);
            else if (depth == 1 && kstreq(prop, "#size-cells"))
                scells = be32(val);
            else if (depth == 2 && prefix(n1, "memory") && kstreq(prop, "reg") &&
                     len >= 4 * (acells + scells))
                o->mem = scells == 2 ? (uint64_t)be32(val + 4 * acells) << 32 |
                                           be32(val + 4 * acells + 4)
                                     : be32(val + 4 * acells);
            else if (depth == 2 && kstreq(n1, "chosen") && kstreq(prop, "bootargs"))
                kstrlcpy(o->cmdline, (const char *)val, sizeof(o->cmdline));
            else if (depth == 3 && kstreq(n1, "cpus") &&
                     kstreq(prop, "timebase-frequency") && len == 4 && !o->tb_hz)
                o->tb_hz = be32(val);
            else if (depth == 2 && prefix(n1, "soc") && kstreq(prop, "ranges") && len >= 16)
                o->ccsr = (uint64_t)be32(val + 4) << 32 | be32(val + 8);
            else if (depth == 3 && prefix(n1, "soc") && prefix(n2, "serial") &&
                     kstreq(prop, "reg") && len >= 4 && !o->uart_off)
                o->uart_off = be32(val);
        } else if (tok != 4) {
            break; /* FDT_END, or something this walk does not know */
        }
    }
}

static struct dt_facts facts;

void nat_ppc_main(uint32_t dtb_pa);
void nat_ppc_main(uint32_t dtb_pa)
{
    /* QEMU's boot entry (TLB1 0: [0, 64 MiB) at 0) would shadow the user window. */
    nat_tlbwe(MAS0_TLBSEL1, 0, 0, 0, 0);
    facts.mem = 64ull << 20;
    facts.ccsr = 0xfe0000000ull;
    if (dtb_pa && dtb_pa < (64u << 20))
        dt_read((const uint8_t *)(uintptr_t)(NATIVE_VIRT_BASE + dtb_pa), &facts);
    if (facts.mem > (1ull << 30))
        facts.mem = 1ull << 30; /* four 256 MiB entries: mm.c's reach */
    for (unsigned i = 1; (uint64_t)i << 28 < facts.mem; i++)
        nat_tlbwe(MAS0_TLBSEL1 | (TLB1_RAM + i) << 16, MAS1_VALID | MAS1_IPROT | 9 << 8,
                  (NATIVE_VIRT_BASE + (i << 28)) | MAS2_M,
                  (i << 28) | MAS3_SX | MAS3_SW | MAS3_SR, 0);
    /* CCSR, 1 MiB, cache-inhibited and guarded, supervisor only. */
    nat_tlbwe(MAS0_TLBSEL1 | TLB1_CCSR << 16, MAS1_VALID | MAS1_IPROT | 5 << 8,
              NAT_CCSR_VIRT | MAS2_I | MAS2_G, (uint32_t)facts.ccsr | MAS3_SW | MAS3_SR,
              (uint32_t)(facts.ccsr >> 32));
    if (facts.uart_off && facts.uart_off < (1u << 20))
        uart = NAT_CCSR_VIRT + facts.uart_off;
    if (facts.tb_hz >= 1000000)
        tb_hz = facts.tb_hz;
    nat_vectors_init();
    mtspr(SPR_HID0, mfspr(SPR_HID0) | HID0_DOZE); /* MSR[WE] dozes (nat_idle) */
    nat_timer_cancel();
    uint64_t nr_pages = nat_pt_init(facts.mem);
    ppc_user_reloc(); /* the user programs' GOT, as the PV _start does */
    __asm__ volatile("wrteei 1" ::: "memory");
    native_start(nr_pages, NATIVE_VIRT_BASE, tb_hz, facts.cmdline);
}
