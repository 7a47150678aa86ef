/* SPDX-License-Identifier: MIT */
/*
 * The PC platform's half of several CPUs, shared by both x86 backends:
 * finding the CPUs (ACPI MADT, else the Intel MP table), the INIT-SIPI-SIPI
 * sequence with the real-mode trampoline's copy (pc_smp_boot), the
 * cross-CPU calls' reach and fixed-vector IPIs through the local APIC's
 * ICR (hal_ipi_send).  The backends supply the trampoline (smpboot.S, on
 * x86_common/smpboot.h) and the per-CPU tables (arch/<a>/smp.c).
 *
 * Every table byte comes from firmware: lengths and checksums are checked
 * before anything is read, a table that fails is ignored (one CPU), and no
 * more than HAL_MAX_CPUS CPUs are ever recorded.
 */
#include <hal/cpu.h>
#include <hal/entry.h>
#include <hal/smp.h>
#include <hal/timer.h>
#include <pc/pc.h>
#include <x86_common/cr.h>
#include <x86_common/io.h>

enum {
    LAPIC_ICR_LO = 0x300,
    LAPIC_ICR_HI = 0x310,
};
#define ICR_PENDING (1u << 12)
#define ICR_INIT 0x00004500u /* INIT, level assert, physical */
#define ICR_SIPI 0x00004600u /* start-up, vector = page number of the trampoline */
#define ICR_FIXED 0x00004000u

static uint8_t apic_ids[HAL_MAX_CPUS]; /* CPU n's local APIC id; CPU 0 is the boot CPU */
static unsigned nr_found = 1;

static bool checksum_ok(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum == 0;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* A CPU's local APIC id seen in a table: the boot CPU is already entry 0. */
static void add_cpu(unsigned apic_id, unsigned boot_id)
{
    if (apic_id == boot_id || nr_found >= HAL_MAX_CPUS || apic_id > 0xfe)
        return;
    for (unsigned i = 1; i < nr_found; i++)
        if (apic_ids[i] == apic_id)
            return;
    apic_ids[nr_found++] = (uint8_t)apic_id;
}

/* Search [start, start+len) on 16-byte boundaries for sig with a good checksum. */
static const uint8_t *scan(pc_phys_fn p2v, uint32_t start, uint32_t len, const char *sig,
                           size_t sig_len, size_t sum_len)
{
    const uint8_t *base = p2v(paddr(start), len);
    if (!base)
        return NULL;
    for (uint32_t off = 0; off + sum_len <= len; off += 16) {
        const uint8_t *p = base + off;
        if (__builtin_memcmp(p, sig, sig_len) == 0 && checksum_ok(p, sum_len))
            return p;
    }
    return NULL;
}

/* A table (ACPI header: signature, 32-bit length) whose checksum holds, or NULL. */
static const uint8_t *acpi_table(pc_phys_fn p2v, uint64_t pa)
{
    const uint8_t *h = p2v(paddr(pa), 36);
    if (!h)
        return NULL;
    uint32_t len = le32(h + 4);
    if (len < 36 || len > (1u << 20))
        return NULL;
    const uint8_t *t = p2v(paddr(pa), len);
    return t && checksum_ok(t, len) ? t : NULL;
}

/* MADT entries of type 0 (local APIC, enabled) and 9 (x2APIC, id < 255). */
static bool parse_madt(const uint8_t *madt, unsigned boot_id)
{
    uint32_t len = le32(madt + 4);
    bool any = false;
    for (uint32_t off = 44; off + 2 <= len;) {
        uint8_t type = madt[off], elen = madt[off + 1];
        if (elen < 2 || off + elen > len)
            break;
        if (type == 0 && elen >= 8 && (le32(madt + off + 4) & 1)) {
            add_cpu(madt[off + 3], boot_id);
            any = true;
        } else if (type == 9 && elen >= 16 && (le32(madt + off + 8) & 1)) {
            if (le32(madt + off + 4) < 0xff)
                add_cpu(le32(madt + off + 4), boot_id);
            any = true;
        }
        off += elen;
    }
    return any;
}

static bool find_acpi(pc_phys_fn p2v, unsigned boot_id)
{
    const uint8_t *rsdp = NULL;
    const uint16_t *ebda_seg = p2v(paddr(0x40e), 2);
    if (ebda_seg && *ebda_seg)
        rsdp = scan(p2v, (uint32_t)*ebda_seg << 4, 1024, "RSD PTR ", 8, 20);
    if (!rsdp)
        rsdp = scan(p2v, 0xe0000, 0x20000, "RSD PTR ", 8, 20);
    if (!rsdp)
        return false;
    /* Revision 2+: the XSDT (64-bit pointers); else the RSDT. */
    bool x = rsdp[15] >= 2 && le64(rsdp + 24) != 0;
    const uint8_t *sdt = acpi_table(p2v, x ? le64(rsdp + 24) : le32(rsdp + 16));
    if (!sdt)
        return false;
    unsigned step = x ? 8 : 4;
    uint32_t len = le32(sdt + 4);
    for (uint32_t off = 36; off + step <= len; off += step) {
        uint64_t pa = x ? le64(sdt + off) : le32(sdt + off);
        const uint8_t *t = acpi_table(p2v, pa);
        if (t && __builtin_memcmp(t, "APIC", 4) == 0 && le32(t + 4) >= 44)
            return parse_madt(t, boot_id);
    }
    return false;
}

/* The Intel MP table: processor entries (type 0, 20 bytes, flag bit 0 enabled). */
static bool find_mptable(pc_phys_fn p2v, unsigned boot_id)
{
    const uint8_t *fp = NULL;
    const uint16_t *ebda_seg = p2v(paddr(0x40e), 2);
    if (ebda_seg && *ebda_seg)
        fp = scan(p2v, (uint32_t)*ebda_seg << 4, 1024, "_MP_", 4, 16);
    if (!fp)
        fp = scan(p2v, 0xf0000, 0x10000, "_MP_", 4, 16);
    if (!fp || !le32(fp + 4))
        return false;
    const uint8_t *h = p2v(paddr(le32(fp + 4)), 44);
    if (!h || __builtin_memcmp(h, "PCMP", 4) != 0)
        return false;
    uint16_t len = (uint16_t)(h[4] | h[5] << 8), count = (uint16_t)(h[34] | h[35] << 8);
    const uint8_t *t = p2v(paddr(le32(fp + 4)), len);
    if (len < 44 || !t || !checksum_ok(t, len))
        return false;
    bool any = false;
    for (uint32_t off = 44, n = 0; n < count && off < len; n++) {
        uint8_t type = t[off];
        if (type == 0) {
            if (off + 20 > len)
                break;
            if (t[off + 3] & 1) {
                add_cpu(t[off + 1], boot_id);
                any = true;
            }
            off += 20;
        } else if (type <= 4) {
            off += 8;
        } else {
            break; /* an unknown entry type: its size is unknown too */
        }
    }
    return any;
}

unsigned pc_smp_find_cpus(pc_phys_fn p2v)
{
    unsigned boot_id = lapic_id();
    apic_ids[0] = (uint8_t)boot_id;
    nr_found = 1;
    const char *src = "ACPI MADT";
    if (!find_acpi(p2v, boot_id)) {
        nr_found = 1;
        src = find_mptable(p2v, boot_id) ? "MP table" : NULL;
    }
    if (src)
        core_printf("pc: %u CPU(s) in the %s\n", nr_found, src);
    return nr_found;
}

unsigned pc_smp_apic_id(unsigned cpu)
{
    return cpu < nr_found ? apic_ids[cpu] : 0xff;
}

static void icr_send(unsigned apic_id, uint32_t lo)
{
    while (lapic_read(LAPIC_ICR_LO) & ICR_PENDING)
        hal_cpu_relax();
    lapic_write(LAPIC_ICR_HI, (uint32_t)apic_id << 24);
    lapic_write(LAPIC_ICR_LO, lo);
}

static void delay_us(uint64_t us)
{
    uint64_t end = hal_time_ns() + us * 1000;
    while (hal_time_ns() < end)
        hal_cpu_relax();
}

int pc_smp_start(unsigned cpu, uint32_t trampoline_pa, volatile unsigned *arrived,
                 unsigned want)
{
    if (cpu == 0 || cpu >= nr_found || (trampoline_pa & 0xfff) || trampoline_pa >= 0x100000)
        return -1;
    unsigned id = apic_ids[cpu];
    icr_send(id, ICR_INIT);
    delay_us(10000);
    for (int i = 0; i < 2; i++) {
        icr_send(id, ICR_SIPI | (trampoline_pa >> 12));
        delay_us(200);
        if (__atomic_load_n(arrived, __ATOMIC_ACQUIRE) == want)
            return 0;
    }
    /*
     * A real CPU can take a while out of INIT, and an emulated one is a
     * host thread that a loaded host may not run for a while: 100 ms was
     * too short in real time at load 13 (x86_64/smp2 smp.cpus-up failed in
     * 2 of 9 runs).  Wait up to 2 s (Linux waits 10 s for an AP's call-in).
     */
    uint64_t end = hal_time_ns() + 2000000000ull;
    while (hal_time_ns() < end) {
        if (__atomic_load_n(arrived, __ATOMIC_ACQUIRE) == want)
            return 0;
        hal_cpu_relax();
    }
    return -1;
}

/* A fixed-vector interrupt on CPU cpu's local APIC (hal_ipi_send). */
void pc_smp_send_ipi(unsigned cpu)
{
    if (cpu >= nr_found)
        return;
    unsigned long f = hal_irq_save();
    icr_send(apic_ids[cpu], ICR_FIXED | PC_VEC_IPI);
    hal_irq_restore(f);
}

void hal_ipi_send(unsigned id)
{
    pc_smp_send_ipi(id);
}

unsigned pc_smp_booting_cpu;
uintptr_t pc_smp_booting_stack;
static volatile unsigned booting_arrived;
static unsigned cpus_up = 1;

int pc_smp_boot(unsigned cpu, void *page, const char *tramp, const char *tramp_end,
                const char *tramp_cr3, uint32_t cr3, uintptr_t stack_top)
{
    if (cpu == 0 || cpu >= HAL_MAX_CPUS || pc_smp_apic_id(cpu) == 0xff)
        return -1;
    __builtin_memcpy(page, tramp, (size_t)(tramp_end - tramp));
    __builtin_memcpy((char *)page + (tramp_cr3 - tramp), &cr3, sizeof(cr3));
    pc_smp_booting_cpu = cpu;
    pc_smp_booting_stack = stack_top;
    __atomic_store_n(&booting_arrived, 0u, __ATOMIC_RELEASE);
    if (pc_smp_start(cpu, PC_SMP_TRAMPOLINE_PHYS, &booting_arrived, cpu) != 0)
        return -1;
    cpus_up = cpu + 1;
    return 0;
}

void pc_smp_join(void)
{
    write_cr0(read_cr0() | X86_CR0_TS); /* no vCPU's FPU state here yet (lazy FPU) */
    pc_time_cpu_init();
    __atomic_store_n(&booting_arrived, pc_smp_booting_cpu, __ATOMIC_RELEASE);
    core_secondary_main();
}

void pc_smp_on_other_cpus(void (*fn)(void *arg), void *arg)
{
    unsigned self = hal_cpu_id();
    for (unsigned i = 0; i < cpus_up; i++)
        if (i != self)
            core_cpu_call(i, fn, arg);
}
