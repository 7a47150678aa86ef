/* SPDX-License-Identifier: MIT */
/*
 * vCPUs of the guest kernel: per-vCPU state, spinlocks, stacks that say
 * which vCPU they belong to, and the bring-up of the other vCPUs with
 * VCPUOP_up (trap.h).
 *
 * A vCPU finds its struct cpu from its stack pointer: every stack but
 * vCPU 0's boot stack is a block of STACK_BYTES aligned to its size whose
 * top STACK_HDR_BYTES name the vCPU (threads never move between vCPUs, a
 * user task's kernel stack belongs to its thread's vCPU).  No register is
 * free for a per-CPU pointer on every arch (x86 guests have none the
 * hypervisor would keep), and a stack pointer is valid in every handler.
 * Until a second vCPU is started, this_cpu() (inline, port/kernel.h) is
 * simply vCPU 0's.
 */
#include <port/kernel.h>

#define STACK_MAGIC 0x48535443505530ull /* "HSTCPU0" */
#define SPINS_BEFORE_YIELD 256
#define BRINGUP_TIMEOUT_NS 2000000000ull

struct stack_hdr {
    uint64_t magic; /* STACK_MAGIC ^ the block's top: a copy elsewhere does not match */
    uint32_t cpu;
    uint32_t pad;
};
_Static_assert(sizeof(struct stack_hdr) <= STACK_HDR_BYTES, "stack header");
_Static_assert((STACK_BYTES & (STACK_BYTES - 1)) == 0, "stack blocks are a power of two");

struct cpu cpus[HESTIA_MAX_VCPUS];
volatile unsigned cpus_online = 1;
bool cpu_smp_mode;

/* this_cpu() (port/kernel.h) once a second vCPU may run. */
struct cpu *this_cpu_from_stack(void)
{
    volatile char here;
    uintptr_t sp = (uintptr_t)&here;
    uintptr_t top = (sp & ~(uintptr_t)(STACK_BYTES - 1)) + STACK_BYTES;
    const struct stack_hdr *h = (const struct stack_hdr *)(top - STACK_HDR_BYTES);
    /* Only stacks in the direct window have headers; vCPU 0's boot stack has none. */
    uint64_t window = start_info->nr_pages * HESTIA_PAGE_SIZE;
    if (sp >= virt_base && sp - virt_base < window && h->magic == (STACK_MAGIC ^ top) &&
        h->cpu < HESTIA_MAX_VCPUS)
        return &cpus[h->cpu];
    return &cpus[0];
}

/* spin_lock() (inline, port/kernel.h) found the lock taken. */
void spin_lock_contended(spinlock_t *l)
{
    unsigned spins = 0;
    do {
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
            if (++spins == SPINS_BEFORE_YIELD) {
                spins = 0;
                if (cpus_online > 1)
                    hc_sched(SCHEDOP_yield, 0);
            }
        }
    } while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE));
}

uintptr_t stack_alloc(unsigned nblocks, unsigned cpu, uint64_t *gfn)
{
    unsigned pages = nblocks * THREAD_STACK_PAGES;
    long g = frames_alloc_aligned(pages, THREAD_STACK_PAGES);
    if (g < 0)
        return 0;
    *gfn = (uint64_t)g;
    uintptr_t top = (uintptr_t)gfn_to_va((uint64_t)g) + (uintptr_t)pages * HESTIA_PAGE_SIZE;
    struct stack_hdr *h = (struct stack_hdr *)(top - STACK_HDR_BYTES);
    h->magic = STACK_MAGIC ^ top;
    h->cpu = cpu;
    return top - STACK_HDR_BYTES;
}

/* Another vCPU made a thread runnable here: re-evaluate on the way out. */
static void resched_event(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    threads_timer(time_now_ns());
}

/* Per-vCPU setup every vCPU runs on itself: callbacks, timer, resched IPI. */
static void cpu_setup_local(struct cpu *c)
{
    trap_init();
    time_init();
    c->resched_port = evtchn_bind_ipi_on(c->id, resched_event, NULL);
    if (c->resched_port < 0)
        panic("vCPU %u: resched IPI: %ld", c->id, c->resched_port);
}

void cpu_idle_loop(void)
{
    struct cpu *c = this_cpu();
    for (;;) {
        irq_disable();
        thread_yield();
        /* Nothing runnable: block until an event (the hypervisor returns at
         * once if one is pending, even though we are masked).  The upcall
         * that wakes us interrupts the loop between the two stores. */
        c->idle_blocking = true;
        hc_sched(SCHEDOP_block, 0);
        c->idle_blocking = false;
        irq_enable();
    }
}

void port_secondary_start(struct cpu *c)
{
    if (c != this_cpu())
        panic("vCPU started on a stack that names vCPU %u", this_cpu()->id);
    cpu_setup_local(c);
    __atomic_fetch_add(&cpus_online, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
    cpu_idle_loop();
}

unsigned smp_init(void)
{
    unsigned n = start_info->nr_vcpus;
    if (n > HESTIA_MAX_VCPUS)
        n = HESTIA_MAX_VCPUS;
    if (n <= 1 || (virt_base & (STACK_BYTES - 1)))
        return cpus_online; /* a one-vCPU guest binds no resched IPI: nobody kicks it */
    struct cpu *boot = &cpus[0];
    boot->resched_port = evtchn_bind_ipi_on(0, resched_event, NULL);
    if (boot->resched_port < 0) {
        printk("hestia-guest: vCPU 0: resched IPI: %s\n", kstrerror(boot->resched_port));
        return cpus_online;
    }
    __atomic_store_n(&cpu_smp_mode, true, __ATOMIC_SEQ_CST);
    for (unsigned i = 1; i < n; i++) {
        struct cpu *c = &cpus[i];
        uint64_t gfn;
        uintptr_t sp = stack_alloc(1, i, &gfn);
        if (!sp) {
            printk("hestia-guest: vCPU %u: no memory for its stack\n", i);
            break;
        }
        struct vcpu_up_args up = {
            .entry = (uintptr_t)arch_secondary_entry, .stack = sp, .arg = (uintptr_t)c};
        long r = hc_vcpu(VCPUOP_up, i, (unsigned long)&up);
        uint64_t deadline = time_now_ns() + BRINGUP_TIMEOUT_NS;
        while (r == 0 && !__atomic_load_n(&c->online, __ATOMIC_ACQUIRE) &&
               time_now_ns() < deadline)
            hc_sched(SCHEDOP_yield, 0);
        if (r < 0 || !c->online) {
            printk("hestia-guest: vCPU %u did not come up: %s\n", i,
                   r < 0 ? kstrerror(r) : "timeout");
            break;
        }
    }
    return cpus_online;
}

void cpus_init(void)
{
    for (unsigned i = 0; i < HESTIA_MAX_VCPUS; i++) {
        cpus[i].id = i;
        cpus[i].info = &shared->vcpu_info[i];
        cpus[i].idle.name = "idle";
        cpus[i].idle.state = T_RUNNABLE;
        cpus[i].idle.cpu = i;
        cpus[i].cur = &cpus[i].idle;
    }
    cpus[0].online = 1;
}
