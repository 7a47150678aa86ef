/* SPDX-License-Identifier: MIT */
/*
 * Secondary CPUs and IPIs on QEMU's ppce500 (hal/smp.h).
 *
 * The device tree lists every CPU under /cpus; each one but the boot CPU
 * has enable-method = "spin-table" and a cpu-release-addr: an ePAPR spin
 * table entry (64-bit entry address, 64-bit r3, PIR) the CPU spins on
 * while the entry address has bit 0 set.  QEMU implements it as a device
 * at 0xF_EF00_0000 (hw/ppc/ppce500_spin.c): writing an even entry address
 * starts the CPU there with r3 from the entry and TLB1[0] mapping the
 * 64 MiB around that address (TS 0, supervisor RWX), which covers this
 * image.  Both boot paths keep QEMU's table: U-Boot (qemu-ppce500) runs on
 * the boot CPU only and passes the tree through.
 *
 * A started CPU (start.S ppc_secondary_entry, then ppc_secondary_main)
 * points SPRG2 at its struct hal_cpu, loads the hypervisor's TLB1 entries
 * (they are per CPU), sets its IVORs, decrementer and MPIC task priority,
 * checks that its time base agrees with the boot CPU's, says so on the
 * console and enters core_secondary_main().  IPIs are the MPIC's (pirq.c):
 * QEMU's e500v2 has no msgsnd doorbells.
 */
#include <hal/drivers/fdt.h>
#include <hal/hal.h>
#include <hal/smp.h>
#include <hestia/errno.h>

#include <ppc/arch.h>

#define SPR_PIR 286
#define SPR_TBL_W 284
#define SPR_TBU_W 285
#define SPIN_VIRT 0xe0100000u /* a 1 MiB window for a spin table outside RAM */
#define STACK_SIZE 16384
#define START_TIMEOUT_NS 1000000000ull /* time base: instructions under -icount */

HAL_NORETURN void ppc_secondary_main(unsigned id);
extern char ppc_secondary_entry[];

/* An ePAPR spin table entry (big-endian words). */
struct spin_entry {
    uint32_t addr_hi, addr_lo; /* entry address; bit 0 set: keep spinning */
    uint32_t r3_hi, r3_lo;
    uint32_t reserved, pir;
};

static uint64_t release_addr[HAL_MAX_CPUS]; /* from the device tree; 0 for CPU 0 */
static unsigned nr_found = 1;
/*
 * One stack per secondary: it boots on it, and exceptions from guests
 * start again at its top (hyp_stack_top).  That is safe because the
 * hypervisor never takes an exception itself: once the CPU has entered a
 * guest, nothing below the top is live any more.
 */
static char stacks[HAL_MAX_CPUS][STACK_SIZE] __attribute__((aligned(16)));
uint32_t ppc_secondary_stack; /* start.S: the stack of the CPU being started */
static unsigned arrived;      /* the id of the last CPU that came up */
static uint64_t boot_tb;      /* the boot CPU's time base, published for the check */
static unsigned tb_state;     /* 1: boot_tb published */

/* Append the hex digits of v to p (device-tree unit addresses are hex). */
static char *put_hex(char *p, unsigned v)
{
    char digits[8];
    unsigned n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    while (n)
        *p++ = digits[--n];
    *p = '\0';
    return p;
}

/* The cpu node whose unit address is id: QEMU names them PowerPC,8544@<id>. */
static int cpu_node(const struct fdt *fdt, unsigned id)
{
    static const char *const names[] = {"/cpus/PowerPC,8544@", "/cpus/cpu@"};
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char path[40];
        char *p = path;
        for (const char *s = names[i]; *s; s++)
            *p++ = *s;
        put_hex(p, id);
        int off = fdt_path_offset(fdt, path);
        if (off >= 0)
            return off;
    }
    return -1;
}

static bool is_spin_table(const struct fdt *fdt, int node)
{
    uint32_t len;
    const char *m = fdt_getprop(fdt, node, "enable-method", &len);
    static const char want[] = "spin-table";
    return m && len >= sizeof(want) && __builtin_memcmp(m, want, sizeof(want)) == 0;
}

unsigned ppc_smp_scan(const struct fdt *fdt)
{
    /* CPU ids stay dense (core numbers CPUs 0..n-1): stop at the first gap. */
    for (unsigned id = 1; id < HAL_MAX_CPUS; id++) {
        int node = cpu_node(fdt, id);
        uint32_t len;
        const void *rel =
            node >= 0 ? fdt_getprop(fdt, node, "cpu-release-addr", &len) : NULL;
        if (!rel || len != 8 || !is_spin_table(fdt, node) ||
            fdt_getprop_u32(fdt, node, "reg", ~0u) != id)
            break;
        release_addr[id] = (uint64_t)fdt_cell(rel, 0) << 32 | fdt_cell(rel, 1);
        nr_found = id + 1;
    }
    return nr_found;
}

/* The spin table entry of CPU id, mapped; NULL if it cannot be. */
static volatile struct spin_entry *spin_entry(unsigned id)
{
    uint64_t pa = release_addr[id];
    if (!pa || (pa & 7))
        return NULL;
    if (pa + sizeof(struct spin_entry) <= ppc_direct_map_end())
        return (volatile struct spin_entry *)(uintptr_t)pa; /* in RAM: direct map */
    if ((pa & 0xfffffu) + sizeof(struct spin_entry) > 0x100000u ||
        !ppc_map_tlb1(SPIN_VIRT, pa & ~0xfffffull))
        return NULL;
    return (volatile struct spin_entry *)(uintptr_t)(SPIN_VIRT + (uint32_t)(pa & 0xfffffu));
}

int hal_cpu_start(unsigned id)
{
    if (id == 0 || id >= nr_found)
        return -HESTIA_ENODEV;
    volatile struct spin_entry *e = spin_entry(id);
    if (!e) {
        core_printf("  CPU %u: spin table at %llx cannot be mapped\n", id,
                    (unsigned long long)release_addr[id]);
        return -HESTIA_ENODEV;
    }
    if (!(ccsr_read32((uintptr_t)&e->addr_lo) & 1)) {
        core_printf("  CPU %u: not spinning (entry %08x)\n", id,
                    ccsr_read32((uintptr_t)&e->addr_lo));
        return -HESTIA_ENODEV;
    }
    ppc_secondary_stack = (uint32_t)(uintptr_t)&stacks[id][STACK_SIZE];
    __atomic_store_n(&tb_state, 0u, __ATOMIC_RELEASE);
    __asm__ volatile("msync" ::: "memory"); /* the CPU reads what we wrote */
    /* r3 first, then the address's high word, then the low word that releases it. */
    ccsr_write32((uintptr_t)&e->r3_hi, 0);
    ccsr_write32((uintptr_t)&e->r3_lo, id);
    ccsr_write32((uintptr_t)&e->addr_hi, 0);
    ccsr_write32((uintptr_t)&e->addr_lo, (uint32_t)(uintptr_t)ppc_secondary_entry);
    uint64_t give_up = hal_time_ns() + START_TIMEOUT_NS;
    while (__atomic_load_n(&arrived, __ATOMIC_ACQUIRE) != id) {
        /* The time-base check: publish ours once, the new CPU compares. */
        if (!__atomic_load_n(&tb_state, __ATOMIC_ACQUIRE)) {
            boot_tb = ppc_read_tb();
            __atomic_store_n(&tb_state, 1u, __ATOMIC_RELEASE);
        }
        if (hal_time_ns() > give_up) {
            core_printf("  CPU %u: no answer from the spin table at %llx\n", id,
                        (unsigned long long)release_addr[id]);
            return -HESTIA_ENODEV;
        }
    }
    ppc_sprs_eager = true; /* vCPUs may move between CPUs from now on (vcpu.c) */
    return 0;
}

/*
 * Time must not run backwards when a vCPU moves to this CPU: the time
 * base read here after the boot CPU published its own must not be behind
 * it.  QEMU derives every CPU's time base from one virtual clock; if a
 * loader had moved the boot CPU's, this one takes its value.
 */
static void check_time_base(unsigned id)
{
    while (!__atomic_load_n(&tb_state, __ATOMIC_ACQUIRE))
        ;
    uint64_t theirs = boot_tb, mine = ppc_read_tb();
    if (mine >= theirs)
        return;
    mtspr(SPR_TBL_W, 0); /* no carry into TBU while it is written */
    mtspr(SPR_TBU_W, (uint32_t)(theirs >> 32));
    mtspr(SPR_TBL_W, (uint32_t)theirs);
    core_printf("  CPU %u: time base was %llu behind the boot CPU's; set to it\n", id,
                (unsigned long long)(theirs - mine));
}

HAL_NORETURN void ppc_secondary_main(unsigned id)
{
    ppc_cpu_init(id, ppc_secondary_stack);
    ppc_mmu_secondary_init(); /* before anything touches CCSR */
    ppc_vectors_init();
    ppc_timer_cpu_init();
    ppc_mpic_cpu_init(id);
    check_time_base(id);
    core_printf("  CPU %u up (PIR %u, spin table %llx)\n", id, mfspr(SPR_PIR),
                (unsigned long long)release_addr[id]);
    __atomic_store_n(&arrived, id, __ATOMIC_RELEASE);
    core_secondary_main();
}

void hal_ipi_send(unsigned id)
{
    if (id < nr_found && id != hal_cpu_id())
        ppc_mpic_send_ipi(id);
}
