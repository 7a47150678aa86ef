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
#include <hal/cpu.h>
#include <hal/entry.h>
#include <hal/timer.h>
#include <pc/pc.h>
#include <x86_common/io.h>

/* PIT ticks per calibration round (10 ms) and rounds (median taken). */
#define CALIBRATE_TICKS 11932u
#define CALIBRATE_ROUNDS 5
#define NS_PER_SEC 1000000000ull
/* Console polling backs up the UART interrupt: never sleep longer than this. */
#define MAX_SLEEP_NS 50000000ull
/*
 * With several CPUs, no CPU sleeps longer than this.  Under -icount QEMU
 * runs the CPUs round-robin on one thread and gives each a turn up to the
 * next timer deadline of any CPU: a CPU that spins for a lock (and ends its
 * turn with `pause`) waits for the other CPUs' whole turns, so the turns
 * must stay short for a lock hand-off to be quick.  200 us keeps them to
 * about 100k instructions; the re-arm of a deadline not yet due never
 * reaches core (pc_timer_irq).
 */
#define SMP_MAX_SLEEP_NS 200000ull
static uint64_t max_sleep_ns = MAX_SLEEP_NS;

static uint64_t tsc_hz, lapic_hz, tsc0;
static uint32_t lapic_per_ns; /* LAPIC ticks per ns, 32.32 fixed point (< 1) */
static struct hal_time_scale scale;
/* Each CPU's deadline (its own local APIC timer), 0 when stopped. */
static uint64_t deadlines[HAL_MAX_CPUS];
/* When each CPU's local APIC timer fires (0: not armed); may be before its deadline. */
static uint64_t fires_at[HAL_MAX_CPUS];

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
    unsigned cpu = hal_cpu_id();
    uint64_t *deadline = &deadlines[cpu];
    if (deadline_ns == *deadline && deadline_ns)
        return;
    *deadline = deadline_ns;
    if (!deadline_ns) {
        fires_at[cpu] = 0;
        lapic_timer_start(0);
        return;
    }
    /*
     * A later deadline than the interrupt already armed (every vCPU switch
     * starts a new slice, a few us later than the last one): leave the
     * LAPIC alone.  The interrupt comes early and pc_timer_irq re-arms for
     * the deadline, once per slice instead of a reprogramming per switch.
     */
    if (fires_at[cpu] && fires_at[cpu] <= deadline_ns)
        return;
    uint64_t now = hal_time_ns();
    uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
    if (delta > max_sleep_ns)
        delta = max_sleep_ns;
    uint64_t count = mul_shr32(delta, lapic_per_ns);
    fires_at[cpu] = now + delta;
    lapic_timer_start(count ? (uint32_t)count : 1);
}

void pc_timer_irq(void)
{
    lapic_eoi();
    unsigned cpu = hal_cpu_id();
    if (cpu == 0)
        pc_uart_poll(); /* the console is the boot CPU's (its interrupt goes there too) */
    fires_at[cpu] = 0;  /* it fired (one-shot) */
    uint64_t *deadline = &deadlines[cpu];
    if (!*deadline)
        return;
    if (hal_time_ns() >= *deadline) {
        *deadline = 0;
        core_timer_interrupt();
    } else {
        uint64_t d = *deadline; /* capped sleep or early wake: re-arm */
        *deadline = 0;
        hal_timer_set(d);
    }
}

void pc_time_cpu_init(void)
{
    max_sleep_ns = SMP_MAX_SLEEP_NS; /* a second CPU is coming up */
    lapic_cpu_init();
    deadlines[hal_cpu_id()] = 0;
    fires_at[hal_cpu_id()] = 0;
}

/*
 * One round: TSC and LAPIC ticks per second, each end point read back to
 * back with the PIT so that a stall of the emulator between the reads
 * (plain TCG runs on host time) cannot skew the ratio much.
 */
static void calibrate_round(uint64_t *tsc_rate, uint64_t *lapic_rate)
{
    pc_pit_start();
    lapic_timer_start(0xffffffffu);
    uint16_t p0 = pc_pit_read();
    uint64_t t0 = rdtsc();
    uint32_t l0 = lapic_timer_current();
    uint16_t p1;
    uint64_t t1;
    uint32_t l1;
    do {
        p1 = pc_pit_read();
        t1 = rdtsc();
        l1 = lapic_timer_current();
    } while ((uint16_t)(p0 - p1) < CALIBRATE_TICKS);
    lapic_timer_start(0);
    uint32_t ticks = (uint16_t)(p0 - p1);
    *tsc_rate = div64((t1 - t0) * PC_PIT_HZ, ticks);
    *lapic_rate = div64((uint64_t)(l0 - l1) * PC_PIT_HZ, ticks);
}

static uint64_t median(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

void pc_time_init(volatile void *lapic_base)
{
    lapic_init(lapic_base);
    uint64_t tr[CALIBRATE_ROUNDS], lr[CALIBRATE_ROUNDS];
    for (unsigned i = 0; i < CALIBRATE_ROUNDS; i++)
        calibrate_round(&tr[i], &lr[i]);
    /*
     * Round away the few loop iterations of measuring error (TSC to 1 MHz,
     * LAPIC to 100 kHz): under -icount shift=0 this gives exactly 1 GHz.
     */
    tsc_hz = div64(median(tr, CALIBRATE_ROUNDS) + 500000, 1000000) * 1000000;
    lapic_hz = div64(median(lr, CALIBRATE_ROUNDS) + 50000, 100000) * 100000;
    if (!tsc_hz || !lapic_hz || lapic_hz >= NS_PER_SEC)
        core_panic("pc: timer calibration failed (tsc %lu kHz, lapic %lu kHz)",
                   (unsigned long)div64(tsc_hz, 1000),
                   (unsigned long)div64(lapic_hz, 1000));
    lapic_per_ns = (uint32_t)div64(lapic_hz << 32, NS_PER_SEC);

    /* ns = ((ticks << shift) * mul) >> 32 with mul < 2^32. */
    int shift = 0;
    while (div64(NS_PER_SEC << 32, tsc_hz << shift) >= (1ull << 32))
        shift++;
    scale.shift = shift;
    scale.mul = (uint32_t)div64(NS_PER_SEC << 32, tsc_hz << shift);
    tsc0 = rdtsc();
    core_printf("pc: TSC %lu kHz, LAPIC timer %lu kHz\n",
                (unsigned long)div64(tsc_hz, 1000), (unsigned long)div64(lapic_hz, 1000));
}
