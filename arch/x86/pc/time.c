/* SPDX-License-Identifier: MIT */
/*
 * Time: the TSC is the clock (guests read it too), the LAPIC timer in
 * one-shot mode is the deadline.  Both are calibrated once against PIT
 * channel 2.  Under -icount shift=0 QEMU's TSC, LAPIC and PIT all follow
 * the instruction counter, so times stay consistent (1 GHz TSC).
 */
#include <x86/io.h>
#include <x86/pc.h>
#include <x86_64/arch.h>

#define CALIBRATE_MS 10
#define NS_PER_SEC 1000000000ull
/* Console polling backs up the UART interrupt: never sleep longer than this. */
#define MAX_SLEEP_NS 50000000ull

static uint64_t tsc_hz, lapic_hz, tsc0;
static struct hal_time_scale scale;
static uint64_t deadline;

uint64_t hal_time_counter(void)
{
    return rdtsc();
}

void hal_time_scale(struct hal_time_scale *s)
{
    *s = scale;
}

static uint64_t scaled(uint64_t ticks)
{
    unsigned __int128 t = scale.shift >= 0 ? (unsigned __int128)ticks << scale.shift
                                           : (unsigned __int128)(ticks >> -scale.shift);
    return (uint64_t)((t * scale.mul) >> 32);
}

uint64_t hal_time_ns(void)
{
    return scaled(rdtsc() - tsc0);
}

void hal_timer_set(uint64_t deadline_ns)
{
    /* The scheduler re-arms on every guest entry: skip the LAPIC if nothing changed. */
    if (deadline_ns == deadline && deadline_ns)
        return;
    deadline = deadline_ns;
    if (!deadline_ns) {
        lapic_timer_start(0);
        return;
    }
    uint64_t now = hal_time_ns();
    uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
    if (delta > MAX_SLEEP_NS)
        delta = MAX_SLEEP_NS;
    uint64_t count = delta * lapic_hz / NS_PER_SEC; /* < 2^26 * 2^30: no overflow */
    lapic_timer_start(count ? (uint32_t)count : 1);
}

void x86_64_timer_irq(void)
{
    lapic_eoi();
    pc_uart_poll();
    if (!deadline)
        return;
    if (hal_time_ns() >= deadline) {
        deadline = 0;
        core_timer_interrupt();
    } else {
        uint64_t d = deadline; /* capped sleep or early wake: re-arm */
        deadline = 0;
        hal_timer_set(d);
    }
}

void x86_64_time_init(void)
{
    lapic_init((volatile void *)(DIRECTMAP_BASE + PC_LAPIC_PHYS));

    /* Count TSC and LAPIC ticks over CALIBRATE_MS of PIT time. */
    lapic_timer_start(0xffffffffu);
    uint64_t t0 = rdtsc();
    pc_pit_wait_ms(CALIBRATE_MS);
    uint64_t t1 = rdtsc();
    uint32_t left = lapic_timer_current();
    lapic_timer_start(0);
    tsc_hz = (t1 - t0) * (1000 / CALIBRATE_MS);
    lapic_hz = (uint64_t)(0xffffffffu - left) * (1000 / CALIBRATE_MS);
    /*
     * Round away the few loop iterations of measuring error: under
     * -icount shift=0 this gives exactly 1 GHz (1 ns = 1 instruction).
     */
    tsc_hz = (tsc_hz + 500000) / 1000000 * 1000000;
    lapic_hz = (lapic_hz + 50000) / 100000 * 100000;
    if (!tsc_hz || !lapic_hz)
        core_panic("x86_64: timer calibration failed (tsc %lu, lapic %lu)", (unsigned long)tsc_hz,
                   (unsigned long)lapic_hz);

    /* ns = ((ticks << shift) * mul) >> 32 with mul < 2^32. */
    int shift = 0;
    while ((NS_PER_SEC << 32) / (tsc_hz << shift) >= (1ull << 32))
        shift++;
    scale.shift = shift;
    scale.mul = (uint32_t)((NS_PER_SEC << 32) / (tsc_hz << shift));
    tsc0 = rdtsc();
    core_printf("x86_64: TSC %lu kHz, LAPIC timer %lu kHz\n", (unsigned long)(tsc_hz / 1000),
                (unsigned long)(lapic_hz / 1000));
}
