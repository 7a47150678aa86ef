/* SPDX-License-Identifier: MIT */
/*
 * Secondary CPUs of x86_64 (hal/smp.h): the PC platform finds them
 * (pc/smp.c) and sends INIT-SIPI-SIPI; this file prepares what a CPU needs
 * to come up: the trampoline page (smpboot.S), a bring-up PML4, its
 * hypervisor stack, and then its GDT/TSS/IDT, MSRs, local APIC timer and
 * FPU state before it enters core_secondary_main().
 */
#include <hal/smp.h>
#include <hestia/errno.h>
#include <pc/pc.h>
#include <x86_64/arch.h>
#include <x86_common/io.h>

extern uint64_t boot_pml4[512];

#define AP_STACK_SIZE 32768
#define CR0_TS (1ull << 3)

static uint8_t ap_stacks[HAL_MAX_CPUS][AP_STACK_SIZE] __attribute__((aligned(16)));
/*
 * The bring-up PML4: the hypervisor's upper half plus slot 0 = the direct
 * map's PDPT, i.e. physical [0, 4 GiB) at virtual 0, so the trampoline
 * survives turning paging on.  The CPU leaves it at once (x86_64_ap_start).
 */
static uint64_t ap_pml4[512] __attribute__((aligned(4096)));

uint64_t x86_64_ap_stack_top; /* smpboot.S: the stack of the CPU being started */
static unsigned ap_cpu;       /* its index */
static volatile unsigned ap_arrived;
static unsigned cpus_up = 1;

void x86_64_ap_start(void)
{
    unsigned cpu = ap_cpu;
    write_cr3(virt_to_phys(boot_pml4)); /* the identity slot is for the trampoline only */
    x86_64_cpu_init_secondary(cpu, x86_64_ap_stack_top);
    write_cr0(read_cr0() | CR0_TS); /* no vCPU's FPU state here yet (vcpu.c is lazy) */
    pc_time_cpu_init();
    __atomic_store_n(&ap_arrived, cpu, __ATOMIC_RELEASE);
    core_secondary_main();
}

int hal_cpu_start(unsigned id)
{
    if (id == 0 || id >= HAL_MAX_CPUS || pc_smp_apic_id(id) == 0xff)
        return -HESTIA_ENODEV;
    if (!ap_pml4[511]) {
        for (unsigned i = PML4_HYP_FIRST; i < 512; i++)
            ap_pml4[i] = boot_pml4[i];
        ap_pml4[0] = boot_pml4[(DIRECTMAP_BASE >> 39) & 511];
    }
    size_t len = (size_t)(x86_64_trampoline_end - x86_64_trampoline);
    uint8_t *page = (uint8_t *)(DIRECTMAP_BASE + X86_64_TRAMPOLINE_PHYS);
    __builtin_memcpy(page, x86_64_trampoline, len);
    uint32_t cr3 = (uint32_t)virt_to_phys(ap_pml4);
    __builtin_memcpy(page + (x86_64_trampoline_cr3 - x86_64_trampoline), &cr3, sizeof(cr3));
    ap_cpu = id;
    x86_64_ap_stack_top = (uint64_t)(ap_stacks[id] + AP_STACK_SIZE);
    __atomic_store_n(&ap_arrived, 0u, __ATOMIC_RELEASE);
    if (pc_smp_start(id, X86_64_TRAMPOLINE_PHYS, &ap_arrived, id) != 0)
        return -HESTIA_ENODEV;
    cpus_up = id + 1;
    return 0;
}

void hal_ipi_send(unsigned id)
{
    pc_smp_send_ipi(id);
}

void x86_64_on_other_cpus(void (*fn)(void *arg), void *arg)
{
    unsigned self = hal_cpu_id();
    for (unsigned i = 0; i < cpus_up; i++)
        if (i != self)
            core_cpu_call(i, fn, arg);
}
