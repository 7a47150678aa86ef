/* SPDX-License-Identifier: MIT */
/*
 * PC time for both x86 backends: the TSC is the clock (guests read it too),
 * the local APIC timer in one-shot mode is the deadline.  Both are
 * calibrated once against PIT channel 2.  Under -icount shift=0 QEMU's TSC,
 * LAPIC and PIT all follow the instruction counter: the TSC is exactly
 * 1 GHz and 1 ns = 1 instruction.
 *
 * Only 32x32->64 multiplies at run time, so the 32-bit backend needs no
 * libgcc here; the one 64-bit division (calibration) is done by hand.
 */
#include <hal/entry.h>
#include <hal/timer.h>
#include <x86/io.h>
#include <x86/pc.h>

#define CALIBRATE_MS 10
#define NS_PER_SEC 1000000000ull
/* Console polling backs up the UART interrupt: never sleep longer than this. */
#define MAX_SLEEP_NS 50000000ull

static uint64_t tsc_hz, lapic_hz, tsc0;
static uint32_t lapic_per_ns; /* LAPIC ticks per ns, 32.32 fixed point (< 1) */
static struct hal_time_scale scale;
static uint64_t deadline;

/* (a * m) >> 32 for 64-bit a, exact while the result fits in 64 bits. */
static uint64_t mul_shr32(uint64_t a, uint32_t m)
{
    return (a >> 32) * m + (((a & 0xffffffffu) * m) >> 32);
}

/* n / d by shift and subtract: calibration only. */
static uint64_t div64(uint64_t n, uint64_t d)
{
    uint64_t q = 0, r = 0;
    for (int i = 63; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1);
        if (r >= d) {
            r -= d;
            q |= 1ull << i;
        }
    }
    return q;
}

/* The counter guests read themselves (rdtsc). */
uint64_t hal_time_counter(void)
{
    return rdtsc();
}

/* Counter-to-ns conversion for vcpu_time_info. */
void hal_time_scale(struct hal_time_scale *s)
{
    *s = scale;
}

/* ns since boot: ((tsc - tsc0) << shift) * mul >> 32. */
uint64_t hal_time_ns(void)
{
    uint64_t t = rdtsc() - tsc0;
    t = scale.shift >= 0 ? t << scale.shift : t >> -scale.shift;
    return mul_shr32(t, scale.mul);
}

/* Arm the LAPIC for deadline_ns (capped at MAX_SLEEP_NS; early wake-ups re-arm). */
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
    uint64_t count = mul_shr32(delta, lapic_per_ns);
    lapic_timer_start(count ? (uint32_t)count : 1);
}

void pc_timer_irq(void)
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

void pc_time_init(volatile void *lapic_base)
{
    lapic_init(lapic_base);

    /* Count TSC and LAPIC ticks over CALIBRATE_MS of PIT time. */
    lapic_timer_start(0xffffffffu);
    uint64_t t0 = rdtsc();
    pc_pit_wait_ms(CALIBRATE_MS);
    uint64_t t1 = rdtsc();
    uint32_t left = lapic_timer_current();
    lapic_timer_start(0);
    /*
     * Round away the few loop iterations of measuring error (TSC to 1 MHz,
     * LAPIC to 100 kHz): under -icount shift=0 this gives exactly 1 GHz.
     */
    tsc_hz = div64((t1 - t0) * (1000 / CALIBRATE_MS) + 500000, 1000000) * 1000000;
    lapic_hz = div64((uint64_t)(0xffffffffu - left) * (1000 / CALIBRATE_MS) + 50000, 100000) *
               100000;
    if (!tsc_hz || !lapic_hz || lapic_hz >= NS_PER_SEC)
        core_panic("pc: timer calibration failed (tsc %lu kHz, lapic %lu kHz)",
                   (unsigned long)div64(tsc_hz, 1000), (unsigned long)div64(lapic_hz, 1000));
    lapic_per_ns = (uint32_t)div64(lapic_hz << 32, NS_PER_SEC);

    /* ns = ((ticks << shift) * mul) >> 32 with mul < 2^32. */
    int shift = 0;
    while (div64(NS_PER_SEC << 32, tsc_hz << shift) >= (1ull << 32))
        shift++;
    scale.shift = shift;
    scale.mul = (uint32_t)div64(NS_PER_SEC << 32, tsc_hz << shift);
    tsc0 = rdtsc();
    core_printf("pc: TSC %lu kHz, LAPIC timer %lu kHz\n", (unsigned long)div64(tsc_hz, 1000),
                (unsigned long)div64(lapic_hz, 1000));
}
