/* SPDX-License-Identifier: MIT */
/*
 * Secondary CPUs of x86_64 (hal/smp.h): the PC platform finds them and
 * starts them through the trampoline (pc/smp.c, smpboot.S); this file
 * prepares what is x86_64's own: a bring-up PML4 and the CPU's hypervisor
 * stack, and then its GDT/TSS/IDT, MSRs, local APIC timer and FPU state
 * before it enters core_secondary_main().
 */
#include <hal/smp.h>
#include <hestia/errno.h>
#include <pc/pc.h>
#include <x86_64/arch.h>
#include <x86_common/io.h>

extern uint64_t boot_pml4[512];

#define AP_STACK_SIZE 32768

static uint8_t ap_stacks[HAL_MAX_CPUS][AP_STACK_SIZE] __attribute__((aligned(16)));
/*
 * The bring-up PML4: the hypervisor's upper half plus slot 0 = the direct
 * map's PDPT, i.e. physical [0, 4 GiB) at virtual 0, so the trampoline
 * survives turning paging on.  The CPU leaves it at once (x86_64_ap_start).
 */
static uint64_t ap_pml4[512] __attribute__((aligned(4096)));

void x86_64_ap_start(void)
{
    unsigned cpu = pc_smp_booting_cpu;
    write_cr3(virt_to_phys(boot_pml4)); /* the identity slot is for the trampoline only */
    x86_64_cpu_init_secondary(cpu, pc_smp_booting_stack);
    pc_smp_join();
}

int hal_cpu_start(unsigned id)
{
    if (id == 0 || id >= HAL_MAX_CPUS)
        return -HESTIA_ENODEV;
    if (!ap_pml4[511]) {
        for (unsigned i = PML4_HYP_FIRST; i < 512; i++)
            ap_pml4[i] = boot_pml4[i];
        ap_pml4[0] = boot_pml4[(DIRECTMAP_BASE >> 39) & 511];
    }
    void *page = (void *)(DIRECTMAP_BASE + PC_SMP_TRAMPOLINE_PHYS);
    if (pc_smp_boot(id, page, x86_64_trampoline, x86_64_trampoline_end,
                    x86_64_trampoline_cr3, (uint32_t)virt_to_phys(ap_pml4),
                    (uintptr_t)(ap_stacks[id] + AP_STACK_SIZE)) != 0)
        return -HESTIA_ENODEV;
    return 0;
}

void x86_64_on_other_cpus(void (*fn)(void *arg), void *arg)
{
    pc_smp_on_other_cpus(fn, arg);
}
