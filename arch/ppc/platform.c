/* SPDX-License-Identifier: MIT */
/* CPU and platform control for e500 under QEMU ppce500. */
#include <hal/cpu.h>

#include <ppc/arch.h>

#define MSR_EE 0x8000u

unsigned long hal_irq_save(void)
{
    uint32_t msr;
    __asm__ volatile("mfmsr %0; wrteei 0" : "=r"(msr) : : "memory");
    return msr & MSR_EE;
}

void hal_irq_restore(unsigned long flags)
{
    if (flags & MSR_EE)
        __asm__ volatile("wrteei 1" ::: "memory");
    else
        __asm__ volatile("wrteei 0" ::: "memory");
}

struct hal_cpu ppc_cpus[HAL_MAX_CPUS];

void ppc_cpu_init(unsigned id, uint32_t stack_top)
{
    struct hal_cpu *c = ppc_cpu(id);
    c->id = id;
    c->hyp_stack_top = stack_top;
    mtspr(SPR_SPRG2, (uintptr_t)c);
    /*
     * SPRG3-7 are readable in problem state and no guest can write them:
     * whatever the loader left there (U-Boot and QEMU's direct boot differ)
     * would be visible to every guest.  They hold 0 everywhere instead, so
     * they are not vCPU state (docs/vcpu-state.md).
     */
    mtspr(SPR_SPRG3_W, 0);
    mtspr(SPR_SPRG4_W, 0);
    mtspr(SPR_SPRG5_W, 0);
    mtspr(SPR_SPRG6_W, 0);
    mtspr(SPR_SPRG7_W, 0);
}

struct hal_cpu *hal_this_cpu(void)
{
    return (struct hal_cpu *)(uintptr_t)mfspr(SPR_SPRG2);
}

unsigned hal_cpu_id(void)
{
    return hal_this_cpu()->id;
}

HAL_NORETURN void hal_cpu_halt(void)
{
    __asm__ volatile("wrteei 0" ::: "memory");
    for (;;)
        __asm__ volatile("" ::: "memory");
}

/*
 * Status 0: ask GUTS for a hard reset, which QEMU run with -no-reboot turns
 * into exit code 0.  Failure: pvpanic-pci, which QEMU (-action
 * panic=exit-failure) turns into exit code 1.  Without that device (real
 * hardware) the CPU halts after saying so.
 */
HAL_NORETURN void hal_platform_exit(int status)
{
    if (status == 0)
        ccsr_write32(CCSR_VIRT + CCSR_GUTS_RSTCR, RSTCR_HRESET_REQ);
    else
        ppc_pvpanic();
    ppc_puts("hestia: halted\n");
    hal_cpu_halt();
}
