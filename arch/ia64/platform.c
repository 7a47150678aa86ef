/* SPDX-License-Identifier: MIT */
/* Console, CPU and platform control on the simulator (Ski SSC calls). */
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/entry.h>
#include <hal/timer.h>

#include <ia64/arch.h>

void hal_console_putc(char c)
{
    ia64_ssc((unsigned char)c, 0, 0, 0, SSC_PUTCHAR);
}

int hal_console_getc(void)
{
    long c = ia64_ssc(0, 0, 0, 0, SSC_GETCHAR);
    return c > 0 ? (int)(c & 0xff) : -1; /* Ski returns 0 when nothing is waiting */
}

/* hal_irq_save / hal_irq_restore: inline, <ia64/irq_inline.h>. */

static struct hal_cpu cpus[HAL_MAX_CPUS];
_Static_assert(__builtin_offsetof(struct hal_cpu, current) == 0,
               "ivt.S loads current at 0");

void ia64_cpu_init(unsigned id)
{
    struct hal_cpu *c = ia64_cpu(id);
    c->id = id;
    c->hyp_rbs = (uint64_t)ia64_hyp_rbs; /* the boot CPU: start.S's stacks */
    c->hyp_stack_top = (uint64_t)ia64_hyp_stack_top;
    c->fault_rbs = (uint64_t)ia64_fault_rbs;
    c->fault_stack_top = (uint64_t)ia64_fault_stack_top;
    __asm__ volatile("mov ar.k7 = %0" : : "r"(c) : "memory");
}

struct hal_cpu *ia64_cpu(unsigned id)
{
    return &cpus[id < HAL_MAX_CPUS ? id : 0];
}

struct hal_cpu *hal_this_cpu(void)
{
    struct hal_cpu *c;
    __asm__ volatile("mov %0 = ar.k7" : "=r"(c));
    return c;
}

unsigned hal_cpu_id(void)
{
    return hal_this_cpu()->id;
}

HAL_NORETURN void hal_cpu_halt(void)
{
    __asm__ volatile("rsm psr.i;; srlz.d" ::: "memory");
    for (;;)
        __asm__ volatile("" ::: "memory");
}

/* The simulator's exit status is the run's verdict: 0 = pass. */
HAL_NORETURN void hal_platform_exit(int status)
{
    ia64_ssc(status, 0, 0, 0, SSC_EXIT);
    hal_cpu_halt();
}

/* ---- time: ITC (one tick per simulated instruction) and ITM ---------- */

static uint64_t itc0;

static uint64_t read_itc(void)
{
    uint64_t t;
    __asm__ volatile("mov %0 = ar.itc" : "=r"(t)::"memory");
    return t;
}

void ia64_cpu_timer_init(void)
{
    uint64_t itv = 1ull << 16; /* masked until the first deadline */
    /* TPR resets with mmi set (every external interrupt masked). */
    __asm__ volatile(
        "mov cr.itv = %0\n\t;;\n\tmov cr.tpr = r0\n\t;;\n\tsrlz.d\n\t;;" ::"r"(itv)
        : "memory");
}

/* The boot CPU: time 0 is now.  The CPUs' ITCs run in step (ia64sim keeps
 * them synchronized), so every CPU reads the same hal_time_ns(). */
void ia64_time_init(void)
{
    itc0 = read_itc();
    ia64_cpu_timer_init();
}

uint64_t hal_time_ns(void)
{
    return read_itc() - itc0;
}

uint64_t hal_time_counter(void)
{
    return read_itc();
}

void hal_time_scale(struct hal_time_scale *s)
{
    s->mul = 0x80000000u; /* ns = counter: (c << 1) * 2^31 >> 32 */
    s->shift = 1;
}

/* Deadlines are capped so that the console is polled at least this often. */
#define POLL_NS 20000000ull

void hal_timer_set(uint64_t deadline_ns)
{
    uint64_t now = hal_time_ns();
    if (!deadline_ns || deadline_ns > now + POLL_NS)
        deadline_ns = now + POLL_NS;
    uint64_t itm = itc0 + deadline_ns, itv = IA64_TIMER_VECTOR;
    __asm__ volatile(
        "mov cr.itm = %0\n\t;;\n\tmov cr.itv = %1\n\t;;\n\tsrlz.d\n\t;;" ::"r"(itm),
        "r"(itv)
        : "memory");
}

bool ia64_poll_interrupts(bool *timer);

/*
 * The hypervisor keeps PSR.i off: idling polls the interrupt controller
 * (the ITM match sets the timer vector pending) and the SSC console.
 * Nothing else can happen before the deadline on the simulator, so the
 * idle CPU moves ar.itc forward to it instead of spinning through the
 * gap: time is still exactly the instruction count of the work done, and
 * an idle millisecond costs a few instructions instead of a million.
 */
static void skip_to_deadline(void)
{
    uint64_t itm, itv, itc = read_itc();
    __asm__ volatile("mov %0 = cr.itm\n\tmov %1 = cr.itv" : "=r"(itm), "=r"(itv));
    if (!(itv & (1ull << 16)) && itm > itc)
        __asm__ volatile("mov ar.itc = %0\n\t;;" ::"r"(itm) : "memory");
}

void hal_cpu_idle(void)
{
    skip_to_deadline();
    for (unsigned n = 0;; n++) {
        bool timer = false;
        /* a device line or an IPI may have made a vCPU runnable: back to
         * the scheduler at once, not at the next poll deadline */
        bool woke = ia64_poll_interrupts(&timer);
        int c = (n & 1023) ? -1 : hal_console_getc();
        if (c >= 0)
            core_console_input(c);
        if (timer) {
            core_timer_interrupt();
            return;
        }
        if (c >= 0 || woke)
            return;
    }
}
