/* SPDX-License-Identifier: MIT */
/*
 * Secondary CPUs of the 32-bit backend (hal/smp.h): the PC platform finds
 * them and starts them through the trampoline (pc/smp.c, smpboot.S); the
 * trampoline turns paging on with the hypervisor's own tables, whose
 * direct map keeps its low page reachable.  Here the CPU gets its
 * hypervisor stack, then its TSS, IDT, entry stack and trampoline
 * directory (cpu.c, mmu.c), its local APIC timer and a clean FPU before
 * it enters core_secondary_main().
 */
#include <hal/smp.h>
#include <hestia/errno.h>
#include <pc/pc.h>
#include <x86_common/io.h>

#include <x86/arch.h>

#define AP_STACK_SIZE 32768

static uint8_t ap_stacks[HAL_MAX_CPUS][AP_STACK_SIZE] __attribute__((aligned(16)));

void x86_ap_start(void)
{
    x86_cpu_init_secondary(pc_smp_booting_cpu, (uint32_t)pc_smp_booting_stack);
    pc_smp_join();
}

int hal_cpu_start(unsigned id)
{
    if (id == 0 || id >= HAL_MAX_CPUS)
        return -HESTIA_ENODEV;
    /* The direct map is 1:1: the trampoline page is at its physical address. */
    void *page = (void *)(uintptr_t)PC_SMP_TRAMPOLINE_PHYS;
    if (pc_smp_boot(id, page, x86_trampoline, x86_trampoline_end, x86_trampoline_cr3,
                    x86_hyp_cr3, (uintptr_t)(ap_stacks[id] + AP_STACK_SIZE)) != 0)
        return -HESTIA_ENODEV;
    return 0;
}
