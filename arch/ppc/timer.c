/* SPDX-License-Identifier: MIT */
/*
 * Time: the time base is the clock (guests read it themselves with mftb and
 * the vcpu_time_info scale), the decrementer the one-shot deadline.  The
 * decrementer also fires at least every POLL_NS so the console is polled
 * (the console UART's MPIC source stays masked; pirq.c drives the MPIC).
 *
 * Several CPUs: each has its own decrementer and keeps its deadline in its
 * struct hal_cpu; the time base is one clock for all (QEMU derives every
 * CPU's from the same virtual clock; smp.c checks it at bring-up).  Only
 * CPU 0 reads the console UART, so input is never taken by two CPUs.
 */
#include <hal/hal.h>

#include <core/sched_trace.h>
#include <ppc/arch.h>

#define POLL_NS 10000000ull    /* 10 ms */
#define WAIT_POLL_NS 50000ull  /* hal_cpu_wait_ipi */
#define IDLE_DOZE_NS 200000ull /* hal_cpu_idle: one doze at most (docs/smp.md) */

static struct hal_time_scale scale;
static uint32_t tb_per_us = 400;

void hal_time_scale(struct hal_time_scale *s)
{
    *s = scale;
}

uint64_t hal_time_counter(void)
{
    return ppc_read_tb();
}

/* ((tb << shift) * mul) >> 32 without a 128-bit product. */
static uint64_t tb_to_ns(uint64_t tb)
{
    uint64_t t = scale.shift >= 0 ? tb << scale.shift : tb >> -scale.shift;
    return (t >> 32) * scale.mul + (((t & 0xffffffffull) * scale.mul) >> 32);
}

uint64_t hal_time_ns(void)
{
    return tb_to_ns(ppc_read_tb());
}

void ppc_timer_init(uint32_t tb_freq)
{
    if (tb_freq < 1000000)
        tb_freq = 400000000; /* QEMU ppce500's platform clock */
    tb_per_us = tb_freq / 1000000;
    /* mul / 2^32 * 2^shift = 1e9 / freq with mul < 2^32. */
    int shift = 0;
    while (1000000000ull >= ((uint64_t)tb_freq << shift))
        shift++;
    scale.shift = shift;
    scale.mul = (uint32_t)((1000000000ull << 32) / ((uint64_t)tb_freq << shift));
    ppc_timer_cpu_init();
}

void ppc_timer_cpu_init(void)
{
    ppc_this_cpu()->deadline = 0;
    mtspr(SPR_TSR, TSR_DIS);
    mtspr(SPR_DEC, 0x7fffffff);
    mtspr(SPR_TCR, TCR_DIE);
}

static void arm(void)
{
    uint64_t deadline = ppc_this_cpu()->deadline;
    uint64_t now = hal_time_ns();
    uint64_t delta = POLL_NS;
    if (deadline)
        delta = deadline <= now ? 0 : deadline - now < POLL_NS ? deadline - now : POLL_NS;
    uint32_t ticks = (uint32_t)(delta * tb_per_us / 1000);
    mtspr(SPR_DEC, ticks ? ticks : 1);
}

void hal_timer_set(uint64_t deadline_ns)
{
    ppc_this_cpu()->deadline = deadline_ns;
    arm();
}

void ppc_poll_console(void)
{
    int c;
    if (ppc_this_cpu()->id != 0)
        return; /* the console is CPU 0's */
    while ((c = hal_console_getc()) >= 0)
        core_console_input(c);
}

/* The decrementer reached zero (interrupt or idle poll). */
void ppc_decrementer(void)
{
    struct hal_cpu *c = ppc_this_cpu();
    mtspr(SPR_TSR, TSR_DIS);
    ppc_poll_console();
    if (c->deadline && hal_time_ns() >= c->deadline) {
        c->deadline = 0;
        arm();
        core_timer_interrupt();
    } else {
        arm();
    }
}

/*
 * Nothing to run: wait for the decrementer, a device interrupt, an IPI or
 * console input.  The hypervisor runs with MSR[EE] off (every interrupt
 * entry assumes it comes from a guest), so idling polls the sources an
 * interrupt would report, and between polls dozes (ppc_doze_ns) until the
 * MPIC or the decrementer has something, and returns at least every
 * POLL_NS (a full pass; CPU 0 polls the console).  A polling idle kept its
 * emulated CPU busy: under -icount QEMU's round-robin gave it whole turns
 * the other CPUs needed, and under MTTCG it took a host CPU.
 *
 * One doze lasts IDLE_DOZE_NS at most, with the decrementer armed that
 * near, not up to the next deadline: under QEMU 7.2's -icount round-robin
 * an idle CPU that dozed with its decrementer up to 10 ms ahead was at
 * times found halted at ppc_vec_halt_wake with EE off, i.e. after taking
 * its wake-up, and not run again for ~2.1 s (ppc/smp4, the
 * smp.create-destroy-busy flake; docs/smp.md).  With short dozes the
 * reproduction of that stall (8 command-line lengths) ran without it.
 */
void hal_cpu_idle(void)
{
    ppc_mmu_idle();
    uint64_t poll_at = hal_time_ns() + POLL_NS; /* the dozes below re-arm the decrementer */
    for (;;) {
        /* The MPIC first: an IPI must not wait behind a timer that keeps firing. */
        if (ppc_mpic_poll())
            return;
        if ((mfspr(SPR_TSR) & TSR_DIS) || hal_time_ns() >= poll_at) {
            ppc_decrementer();
            return;
        }
        int c = ppc_this_cpu()->id == 0 ? hal_console_getc() : -1;
        if (c >= 0) {
            core_console_input(c);
            ppc_poll_console();
            return;
        }
        ppc_doze_ns(IDLE_DOZE_NS);
    }
}

/*
 * Halt for an IPI alone (hal/cpu.h): the MPIC passes only IPIs, so the
 * caller (waiting for the hypervisor lock, which the timer and device paths
 * take) sleeps until a CPU wakes it; devices stay pending for later.  The
 * decrementer is set to WAIT_POLL_NS meanwhile (the real deadline is armed
 * again after), and its wake-up only sends the caller round its wait loop.
 *
 * Why: under -icount QEMU (7.2) runs the CPUs in turns on one thread, and
 * a CPU's turn ends only when it halts or the next virtual-clock timer of
 * any CPU is due.  The lock holder's release IPI did not end its turn: it
 * went back into its guest until its next timer, so a halted waiter got
 * the lock ~10 ms late (ppc/smp4: 8-19 s of lock waits per CPU in one
 * run, 1-1.5 s with this), the scheduler's slice and credit deadlines
 * were passed by as much, and smp.weights-across-cpus gave weights 1 and
 * 2 0.44 and 0.50 of a CPU (docs/smp.md).  A waiter's near timer bounds
 * the other CPUs' turns.
 */
void ppc_doze_ns(uint64_t ns)
{
    uint64_t now = hal_time_ns(), deadline = ppc_this_cpu()->deadline;
    if (deadline && deadline > now && deadline - now < ns)
        ns = deadline - now;
    mtspr(SPR_TSR, TSR_DIS); /* a passed deadline is pending again after arm() */
    mtspr(SPR_DEC, (uint32_t)(ns * tb_per_us / 1000) + 1);
    SCHED_TRACE(ST_ARCH_DOZE, mfspr(SPR_DEC),
                mfspr(SPR_TSR) | 1u); /* bit 31: ppc_doze_ns */
    ppc_halt();
    SCHED_TRACE(ST_ARCH_WOKE, mfspr(SPR_TSR) | 1u, mfspr(SPR_DEC));
    mtspr(SPR_TSR, TSR_DIS);
    arm();
}

void hal_cpu_wait_ipi(void)
{
    ppc_mpic_ipis_only(true);
    ppc_doze_ns(WAIT_POLL_NS);
    ppc_mpic_take_ipi();
    ppc_mpic_ipis_only(false);
}
