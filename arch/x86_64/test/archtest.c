/* SPDX-License-Identifier: MIT */
/*
 * x86_64 backend self-test: a minimal PV guest (public headers only) that
 * checks what the arch, not the portable guest, is responsible for:
 * exception reflection and #GP classification, page faults on hypervisor
 * and null addresses, bad hypercall pointers, a guest that single-steps
 * into `syscall`, the LAPIC timer through VIRQ_TIMER, guest-user mode
 * (own page tables, syscalls, no access to kernel mappings, IOPL forced
 * to 0, windows enforced) and FPU/SSE isolation between two domains.
 *
 * Command line (last word): "fpu" = dom0 builds a copy of itself as a domU
 * and both check their SSE registers across yields; "input" = wait for a
 * console byte; anything else = the FPU pair, then the single-domain tests
 * (what the matrix's `archtest` scenario runs on x86_64).
 */
#include <hestia/arch/x86_64.h>
#include <hestia/hestia.h>

void at_main(struct hestia_start_info *si);
void at_exception(void);
void at_event(void);
void at_syscall(void);
void exc_entry(void);
void evt_entry(void);
void sys_entry(void);
void _start(void);
extern char _end[];
/* Where meson.build links the image (-Ttext). */
#define IMAGE_START (HESTIA_X86_64_GUEST_VIRT_BASE + 0x100000)

static struct shared_info *shinfo;
static struct hestia_start_info *start;
static volatile int traps, events;
static volatile unsigned last_kind, last_vector;
static volatile uint64_t last_addr, last_error;
static unsigned passed, failed;

#define UCODE_VA 0x10000000ul
#define USTACK_VA 0x10010000ul

static unsigned long slen(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}

/*
 * Console output a line at a time: the hypervisor ends a domain's open line
 * when another domain writes, so a line written in pieces could be split
 * by d1's output (seen in a realtime run: "TEST x86_64." then the rest on
 * its own line, which the runner cannot count).  One write per line.
 */
static void puts_(const char *s)
{
    static char line[160];
    static unsigned long len;
    for (; *s; s++) {
        line[len++] = *s;
        if (*s == '\n' || len == sizeof(line)) {
            hestia_hypercall4(HYPERCALL_console_io, CONSOLEIO_write, len,
                              (unsigned long)line, DOMID_SELF);
            len = 0;
        }
    }
}

static void putd(uint64_t v)
{
    char b[21];
    int i = 20;
    b[i] = 0;
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    puts_(&b[i]);
}

static void check(const char *name, int ok)
{
    puts_("TEST x86_64.");
    puts_(name);
    puts_(ok ? " PASS\n" : " FAIL\n");
    if (ok)
        passed++;
    else
        failed++;
}

static void finish(void) __attribute__((noreturn));

static struct hestia_trap_record *trap(void)
{
    return &shinfo->vcpu_info[0].trap;
}

static uint64_t now_ns(void)
{
    const struct vcpu_time_info *ti = &shinfo->vcpu_info[0].time;
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    uint64_t d = (((uint64_t)hi << 32) | lo) - ti->counter_timestamp;
    unsigned __int128 x = ti->counter_shift >= 0
                              ? (unsigned __int128)d << ti->counter_shift
                              : (unsigned __int128)(d >> -ti->counter_shift);
    return ti->system_time_ns + (uint64_t)((x * ti->counter_to_ns_mul) >> 32);
}

static long domctl(struct hestia_domctl *dc)
{
    dc->interface_version = HESTIA_ABI_VERSION;
    return hestia_hypercall1(HYPERCALL_domctl, (unsigned long)dc);
}

static long mmu(struct mmu_op *ops, unsigned n)
{
    return hestia_hypercall3(HYPERCALL_mmu_op, (unsigned long)ops, n, 0);
}

static uint64_t gfn_of(const void *p)
{
    return ((unsigned long)p - HESTIA_X86_64_GUEST_VIRT_BASE) >> 12;
}

/* ---- exceptions: the tests put the faulting instruction's length in rbx ---- */

static void user_fault(struct hestia_trap_record *t);

void at_exception(void)
{
    struct hestia_trap_record *t = trap();
    traps++;
    last_kind = t->kind;
    last_vector = t->arch_vector;
    last_addr = t->fault_addr;
    last_error = t->error_code;
    if (t->regs[HESTIA_X86_64_REG_MODE] == HESTIA_X86_64_MODE_USER)
        user_fault(t);
    if (t->arch_vector == 1) /* single step: stop stepping */
        t->regs[HESTIA_X86_64_REG_RFLAGS] &= ~0x100ul;
    else
        t->regs[HESTIA_X86_64_REG_RIP] += t->regs[HESTIA_X86_64_REG_RBX];
    hestia_hypercall0(HYPERCALL_trap_return);
    check("trap-return", 0);
    finish();
}

void at_event(void)
{
    events++;
    shinfo->vcpu_info[0].evtchn_upcall_pending = 0;
    hestia_hypercall0(HYPERCALL_trap_return);
    check("event-return", 0);
    finish();
}

static void exceptions(void)
{
    __asm__ volatile("mov $2, %%rbx; ud2" ::: "rbx", "memory");
    check("ud", traps == 1 && last_kind == HESTIA_TRAP_INVALID_OP);
    __asm__ volatile("mov $1, %%rbx; cli" ::: "rbx", "memory");
    check("cli", traps == 2 && last_kind == HESTIA_TRAP_PRIV_OP);
    __asm__ volatile(
        "mov $1, %%rbx; mov $0xf4, %%dx; xor %%eax, %%eax; outl %%eax, (%%dx)" ::
            : "rbx", "rax", "rdx", "memory");
    check("out", traps == 3 && last_kind == HESTIA_TRAP_PRIV_OP);
    __asm__ volatile("mov $2, %%rbx; xor %%ecx, %%ecx; wrmsr" ::: "rbx", "rcx", "memory");
    check("wrmsr", traps == 4 && last_kind == HESTIA_TRAP_PRIV_OP);
    __asm__ volatile("mov $3, %%rbx; mov %%cr3, %%rax" ::: "rbx", "rax", "memory");
    check("mov-cr3", traps == 5 && last_kind == HESTIA_TRAP_PRIV_OP);
    __asm__ volatile("mov $2, %%rbx; int $0x21" ::: "rbx", "memory");
    check("int-n", traps == 6 && last_kind == HESTIA_TRAP_PROTECTION);
    __asm__ volatile("mov $3, %%rbx; mov $0xffffffff80100000, %%rax; mov (%%rax), %%rcx" ::
                         : "rbx", "rax", "rcx", "memory");
    check("pf-hypervisor", traps == 7 && last_kind == HESTIA_TRAP_PAGE_FAULT &&
                               last_addr == 0xffffffff80100000ul &&
                               !(last_error & HESTIA_PF_USER));
    __asm__ volatile("mov $3, %%rbx; xor %%eax, %%eax; mov (%%rax), %%rcx" ::
                         : "rbx", "rax", "rcx", "memory");
    check("pf-null", traps == 8 && last_kind == HESTIA_TRAP_PAGE_FAULT && last_addr == 0 &&
                         !(last_error & HESTIA_PF_PRESENT));
    /* Single-stepping into syscall: the #DB hits ring 0 before the stack switch. */
    int before = traps;
    __asm__ volatile("xor %%ebx, %%ebx; pushf; orq $0x100, (%%rsp); popf; xor %%eax, %%eax;"
                     "xor %%edi, %%edi; syscall; nop; nop" ::
                         : "rax", "rbx", "rcx", "rdi", "r11", "memory");
    check("tf-syscall", traps > before && last_vector == 1);
    long rc = hestia_hypercall4(HYPERCALL_console_io, CONSOLEIO_write, 10,
                                0xffffffff80100000ul, DOMID_SELF);
    check("efault-hypervisor", rc == -HESTIA_EFAULT);
    rc = hestia_hypercall4(HYPERCALL_console_io, CONSOLEIO_write, 10, 0x8000000000000000ul,
                           DOMID_SELF);
    check("efault-noncanonical", rc == -HESTIA_EFAULT);
}

/* ---- timer ---- */

static void timer(void)
{
    static struct evtchn_bind_virq bv = {VIRQ_TIMER, 0, 0, 0};
    long rc = hestia_hypercall2(HYPERCALL_event_channel_op, EVTCHNOP_bind_virq,
                                (unsigned long)&bv);
    uint64_t t0 = now_ns(), dl = t0 + 10000000;
    rc |= hestia_hypercall2(HYPERCALL_set_timer, (uint32_t)dl, dl >> 32);
    shinfo->vcpu_info[0].evtchn_upcall_mask = 0;
    while (now_ns() < dl && events == 0)
        hestia_hypercall2(HYPERCALL_sched_op, SCHEDOP_block, 0);
    uint64_t t1 = now_ns();
    shinfo->vcpu_info[0].evtchn_upcall_mask = 1;
    /* Under -icount lateness is the hypervisor's alone; in realtime mode a
     * loaded host can hold the emulator off the CPU, so the bound widens
     * (the guest port's timer tests use the same 100 ms). */
    uint64_t late_bound = (start->flags & SIF_REALTIME) ? 100000000 : 5000000;
    check("timer-10ms", rc == 0 && events > 0 && t1 >= dl && t1 < dl + late_bound);
    uint64_t a = now_ns();
    for (int i = 0; i < 1000; i++)
        hestia_hypercall2(HYPERCALL_version, VERSION_abi, 0);
    puts_("BENCH x86_64.null-hypercall ");
    putd((now_ns() - a) / 1000);
    puts_(" ns\n");
}

/* ---- guest user mode ---- */

static uint8_t ucode[4096] __attribute__((aligned(4096)));
static uint8_t ustack[4096] __attribute__((aligned(4096)));
static uint8_t sys_stack[8192] __attribute__((aligned(16)));
static struct hestia_trap_record urec;

static void user_mode(void)
{
    /* mov $42, %eax; syscall; mov (%rbx), %rax; jmp . */
    static const uint8_t code[] = {0xb8, 0x2a, 0,    0,    0,    0x0f,
                                   0x05, 0x48, 0x8b, 0x03, 0xeb, 0xfe};
    for (unsigned i = 0; i < sizeof(code); i++)
        ucode[i] = code[i];
    static struct mmu_op ops[3];
    ops[0] = (struct mmu_op){MMUOP_as_create, 0, 0, 0, 0};
    long rc = mmu(ops, 1);
    uint64_t as = ops[0].as;
    check("as-create", rc == 0 && as != 0);
    ops[0] = (struct mmu_op){MMUOP_map, MMU_PERM_READ | MMU_PERM_EXEC | MMU_PERM_USER, as,
                             UCODE_VA, gfn_of(ucode)};
    ops[1] = (struct mmu_op){MMUOP_map, MMU_PERM_READ | MMU_PERM_WRITE | MMU_PERM_USER, as,
                             USTACK_VA, gfn_of(ustack)};
    ops[2] = (struct mmu_op){MMUOP_as_switch, 0, as, 0, 0};
    check("user-map", mmu(ops, 3) == 0);
    check("kernel-sees-user", *(volatile uint8_t *)UCODE_VA == 0xb8);
    ops[0] = (struct mmu_op){MMUOP_map, MMU_PERM_READ | MMU_PERM_USER, as,
                             HESTIA_X86_64_KERNEL_VA_START, gfn_of(ustack)};
    check("user-no-kernel-window", mmu(ops, 1) < 0);
    ops[0] = (struct mmu_op){MMUOP_map, MMU_PERM_READ | MMU_PERM_USER, as, 0x7ffffffff000ul,
                             gfn_of(ustack)};
    check("user-no-last-page", mmu(ops, 1) < 0);
    ops[0] = (struct mmu_op){MMUOP_map, MMU_PERM_READ | MMU_PERM_USER, as, 0x7fffffffe000ul,
                             gfn_of(ustack)};
    check("user-high-window", mmu(ops, 1) == 0);
    ops[0] = (struct mmu_op){MMUOP_map, MMU_PERM_READ, 0, 0x10000000ul, gfn_of(ustack)};
    check("kernel-no-user-window", mmu(ops, 1) < 0);

    static struct hestia_callbacks cb;
    cb.exception_entry = (unsigned long)exc_entry;
    cb.event_entry = (unsigned long)evt_entry;
    cb.syscall_entry = (unsigned long)sys_entry;
    cb.kernel_stack = (unsigned long)(sys_stack + sizeof(sys_stack));
    hestia_hypercall1(HYPERCALL_set_callbacks, (unsigned long)&cb);
    urec.regs[HESTIA_X86_64_REG_RIP] = UCODE_VA;
    urec.regs[HESTIA_X86_64_REG_RSP] = USTACK_VA + 4096;
    urec.regs[HESTIA_X86_64_REG_MODE] = HESTIA_X86_64_MODE_USER;
    urec.regs[HESTIA_X86_64_REG_RFLAGS] = 0x3202; /* IOPL 3: must be dropped */
    hestia_hypercall3(HYPERCALL_vcpu_op, VCPUOP_enter_user, 0, (unsigned long)&urec);
    check("enter-user", 0);
    finish();
}

/* First exit from user mode: the syscall.  Go back in, at the kernel-address load. */
void at_syscall(void)
{
    struct hestia_trap_record *t = trap();
    check("user-syscall", t->kind == HESTIA_TRAP_SYSCALL &&
                              t->regs[HESTIA_X86_64_REG_RAX] == 42 &&
                              (t->flags & TRAP_FLAG_FROM_USER) &&
                              t->regs[HESTIA_X86_64_REG_RIP] == UCODE_VA + 7);
    check("user-iopl0", (t->regs[HESTIA_X86_64_REG_RFLAGS] & 0x3000) == 0);
    urec.regs[HESTIA_X86_64_REG_RIP] = UCODE_VA + 7;
    urec.regs[HESTIA_X86_64_REG_RBX] = (unsigned long)&urec;
    t->flags &= ~TRAP_FLAG_BUSY;
    hestia_hypercall3(HYPERCALL_vcpu_op, VCPUOP_enter_user, 0, (unsigned long)&urec);
    check("enter-user-2", 0);
    finish();
}

/* Second exit: reading a kernel mapping from user mode must fault. */
static void user_fault(struct hestia_trap_record *t)
{
    check("user-no-kernel-access", t->kind == HESTIA_TRAP_PAGE_FAULT &&
                                       t->fault_addr == (unsigned long)&urec &&
                                       (t->error_code & HESTIA_PF_USER));
    finish();
}

/* ---- FPU isolation between two domains ---- */

static void fpu_loop(uint64_t pattern, const char *name)
{
    int bad = 0;
    for (int i = 0; i < 300; i++) {
        uint64_t got;
        __asm__ volatile("movq %0, %%xmm0" : : "r"(pattern + i));
        hestia_hypercall2(HYPERCALL_sched_op, SCHEDOP_yield, 0);
        __asm__ volatile("movq %%xmm0, %0" : "=r"(got));
        bad += got != pattern + i;
    }
    check(name, bad == 0);
}

static void fpu_parent(void)
{
    static struct hestia_domctl dc;
    static struct hestia_start_info csi __attribute__((aligned(4096)));
    dc = (struct hestia_domctl){.cmd = DOMCTL_create};
    dc.u.create.nr_pages = 1024;
    dc.u.create.max_vcpus = 1;
    long rc = domctl(&dc);
    hestia_domid_t child = dc.domid;
    unsigned long from = IMAGE_START;
    unsigned long to = ((unsigned long)_end + 0xfff) & ~0xffful;
    dc = (struct hestia_domctl){.cmd = DOMCTL_write_memory, .domid = child};
    dc.u.write_memory.buf = from;
    dc.u.write_memory.gfn = gfn_of((void *)from);
    dc.u.write_memory.len = (uint32_t)(to - from);
    rc |= domctl(&dc);
    const char *role = "fpu-child";
    for (unsigned i = 0; role[i]; i++)
        csi.cmdline[i] = role[i];
    csi.first_free_gfn = 0x201;
    dc = (struct hestia_domctl){.cmd = DOMCTL_write_memory, .domid = child};
    dc.u.write_memory.buf = (unsigned long)&csi;
    dc.u.write_memory.gfn = 0x200;
    dc.u.write_memory.len = sizeof(csi);
    rc |= domctl(&dc);
    dc = (struct hestia_domctl){.cmd = DOMCTL_start_vcpu, .domid = child};
    dc.u.start_vcpu.entry_va = (unsigned long)_start;
    dc.u.start_vcpu.stack_va = HESTIA_X86_64_GUEST_VIRT_BASE + 0x300000;
    dc.u.start_vcpu.start_info_gfn = 0x200;
    rc |= domctl(&dc);
    dc = (struct hestia_domctl){.cmd = DOMCTL_unpause, .domid = child};
    rc |= domctl(&dc);
    check("fpu-child-start", rc == 0);
    fpu_loop(0x1111111111111111ul, "fpu-isolation-dom0");
    for (int i = 0; i < 100000; i++) {
        dc = (struct hestia_domctl){.cmd = DOMCTL_getinfo, .domid = child};
        if (domctl(&dc) == 0 && dc.u.info.state == DOMSTATE_shutdown)
            break;
        hestia_hypercall2(HYPERCALL_sched_op, SCHEDOP_yield, 0);
    }
    /* The child reports through its shutdown reason. */
    check("fpu-isolation-domU", dc.u.info.state == DOMSTATE_shutdown &&
                                    dc.u.info.shutdown_reason == SHUTDOWN_poweroff);
}

static void console_input(void)
{
    static char buf[16];
    long n = 0;
    for (long i = 0; i < 200000000 && n == 0; i++)
        n = hestia_hypercall4(HYPERCALL_console_io, CONSOLEIO_read, sizeof(buf),
                              (unsigned long)buf, DOMID_SELF);
    check("console-input", n > 0);
}

/* dom0's end: the hypervisor prints HESTIA DONE from these counts and exits. */
static void finish(void)
{
    static struct sched_report r;
    r.passed = passed;
    r.failed = failed;
    long rc = hestia_hypercall2(HYPERCALL_sched_op, SCHEDOP_report, (unsigned long)&r);
    puts_("SCHEDOP_report refused: ");
    putd((uint64_t)-rc);
    puts_("\n");
    hestia_hypercall2(HYPERCALL_sched_op, SCHEDOP_shutdown, SHUTDOWN_crash);
    for (;;)
        ;
}

static int is_role(const char *word)
{
    const char *c = start->cmdline;
    unsigned long n = slen(c), w = slen(word);
    if (n < w || (n > w && c[n - w - 1] != ' '))
        return 0;
    for (unsigned long i = 0; i < w; i++)
        if (c[n - w + i] != word[i])
            return 0;
    return 1;
}

void at_main(struct hestia_start_info *si)
{
    start = si;
    shinfo = (struct shared_info *)si->shared_info_va;
    static struct hestia_callbacks cb;
    static char kstack[4096] __attribute__((aligned(16)));
    cb.exception_entry = (unsigned long)exc_entry;
    cb.event_entry = (unsigned long)evt_entry;
    cb.kernel_stack = (unsigned long)(kstack + sizeof(kstack));
    check("start", si->magic == HESTIA_START_MAGIC &&
                       hestia_hypercall1(HYPERCALL_set_callbacks, (unsigned long)&cb) == 0);
    if (is_role("fpu-child")) {
        fpu_loop(0x2222222222222222ul, "fpu-isolation-child");
        hestia_hypercall2(HYPERCALL_sched_op, SCHEDOP_shutdown,
                          failed ? SHUTDOWN_crash : SHUTDOWN_poweroff);
    } else if (is_role("fpu")) {
        fpu_parent();
    } else if (is_role("input")) {
        console_input();
    } else {
        fpu_parent();
        exceptions();
        timer();
        user_mode(); /* ends in finish() */
    }
    finish();
}
