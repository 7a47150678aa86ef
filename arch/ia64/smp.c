/* SPDX-License-Identifier: MIT */
/*
 * Secondary CPUs and inter-processor interrupts on ia64sim (hal/smp.h).
 *
 * The boot table's CPU table (ia64sim --cpus N) lists each CPU's cr.lid and
 * the vector that wakes an application processor (AP) from the firmware's
 * boot rendezvous.  Starting CPU id follows Linux's ia64 smpboot: the
 * rendezvous entry is registered once (ia64sim's SSC 256, its stand-in for
 * SAL_SET_VECTORS(SAL_VECTOR_OS_BOOT_RENDEZ)), the AP gets its stacks and
 * is sent the wake-up vector through the processor interrupt block; it
 * maps the hypervisor, points ar.k7 at its struct hal_cpu, takes the IVT
 * and its own timer, and enters core_secondary_main().
 *
 * An IPI is an 8-byte store of the vector to the PIB at the target's
 * id/eid (SDM vol. 2 5.8.4.2); the target acknowledges it at cr.ivr like
 * any external interrupt (trap.c) and calls core_ipi_interrupt().
 */
#include <hal/cpu.h>
#include <hal/entry.h>
#include <hal/smp.h>
#include <hal/timer.h>
#include <hestia/errno.h>

#include <ia64/arch.h>

/* Each AP's memory stack, register backing store and fault stacks. */
#define AP_STACK_BYTES 65536
#define AP_RBS_BYTES 65536
#define AP_FAULT_BYTES 16384
#define AP_STACKS_BYTES (AP_STACK_BYTES + AP_RBS_BYTES + 2 * AP_FAULT_BYTES)
/* How long the boot CPU waits for an AP to arrive (ns of ITC). */
#define AP_ARRIVE_NS 50000000ull

extern char ia64_ap_start[]; /* start.S */
struct hal_cpu *ia64_ap_cpu; /* start.S: the CPU being started */

static unsigned nr_cpus = 1;
static uint64_t cpu_lid[HAL_MAX_CPUS];
static uint64_t wakeup_vector;
static bool rendezvous_set;
static unsigned arrived[HAL_MAX_CPUS];

unsigned ia64_smp_init(const struct ia64sim_boot_table *bt)
{
    if (bt->version < 2)
        return 1; /* an older simulator: one CPU */
    const struct ia64sim_cpu_table *t =
        (const struct ia64sim_cpu_table *)((const char *)bt + IA64SIM_CPU_TABLE_OFFSET);
    uint64_t n = t->nr_cpus;
    if (n < 1 || n > HAL_MAX_CPUS || t->wakeup_vector < 16 || t->wakeup_vector > 255) {
        core_printf("  ia64: bad CPU table (%llu CPUs, wake-up vector %llu): one CPU\n",
                    (unsigned long long)n, (unsigned long long)t->wakeup_vector);
        return 1;
    }
    for (unsigned i = 0; i < n; i++)
        cpu_lid[i] = t->lid[i];
    wakeup_vector = t->wakeup_vector;
    nr_cpus = (unsigned)n;
    return nr_cpus;
}

/* Send vector to the CPU whose cr.lid is lid (id bits 31:24, eid 23:16). */
static void pib_send(uint64_t lid, uint64_t vector)
{
    uint64_t id_eid = (lid >> 16) & 0xffff;
    volatile uint64_t *slot = (volatile uint64_t *)(IA64_PIB_VA + (id_eid << 4));
    __asm__ volatile("mf" ::: "memory"); /* what the target is told about is visible */
    *slot = vector;                      /* delivery mode 0 (INT) in bits 10:8 */
}

int hal_cpu_start(unsigned id)
{
    if (id == 0 || id >= nr_cpus)
        return -HESTIA_ENODEV;
    if (!rendezvous_set) {
        uint64_t ip = (uint64_t)(uintptr_t)ia64_ap_start & ~IA64_HYP_BASE;
        if (ia64_ssc((long)ip, 0, 0, 0, SSC_SET_RENDEZVOUS) != 0)
            return -HESTIA_ENODEV;
        rendezvous_set = true;
    }
    ia64_kept_cpu_starting(id); /* a vCPU may move between CPUs from now on */
    struct hal_cpu *c = ia64_cpu(id);
    char *stacks = core_heap_alloc_aligned(AP_STACKS_BYTES, HAL_PAGE_SIZE);
    if (!stacks)
        return -HESTIA_ENOMEM;
    c->id = id;
    c->hyp_rbs = (uint64_t)(uintptr_t)stacks;
    c->hyp_stack_top = (uint64_t)(uintptr_t)(stacks + AP_RBS_BYTES + AP_STACK_BYTES);
    c->fault_rbs = c->hyp_stack_top;
    c->fault_stack_top = c->fault_rbs + 2 * AP_FAULT_BYTES;
    __atomic_store_n(&ia64_ap_cpu, c, __ATOMIC_RELEASE);
    pib_send(cpu_lid[id], wakeup_vector);
    uint64_t start = hal_time_ns();
    while (!__atomic_load_n(&arrived[id], __ATOMIC_ACQUIRE))
        if (hal_time_ns() - start > AP_ARRIVE_NS)
            return -HESTIA_ENODEV; /* its stacks stay: it may still wake on them */
    return 0;
}

void hal_ipi_send(unsigned id)
{
    if (id < nr_cpus && id != hal_cpu_id())
        pib_send(cpu_lid[id], IA64_IPI_VECTOR);
}

HAL_NORETURN void ia64_secondary_boot(struct hal_cpu *c)
{
    ia64_cpu_timer_init();
    __atomic_store_n(&arrived[c->id], 1u, __ATOMIC_RELEASE);
    core_secondary_main();
}
