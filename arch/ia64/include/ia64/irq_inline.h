/* SPDX-License-Identifier: MIT */
/*
 * hal_irq_save() / hal_irq_restore() for ia64, inline: hal/cpu.h includes
 * this file when the build names it (HAL_IRQ_INLINE, arch/ia64/meson.build,
 * for core and the backend alike).  Out of line each was a call and a
 * return around one or two bundles; a domain switch takes three pairs
 * (timers, scheduler, next deadline).  Self-contained: core includes it.
 */
#ifndef IA64_IRQ_INLINE_H
#define IA64_IRQ_INLINE_H

#define IA64_IRQ_PSR_I (1ul << 14) /* psr.i, as PSR_I in <ia64/arch.h> */

/* Disable external interrupts (psr.i), returning whether they were enabled. */
static inline unsigned long hal_irq_save(void)
{
    unsigned long psr;
    __asm__ volatile("mov %0 = psr;; rsm psr.i;; srlz.d" : "=r"(psr) : : "memory");
    return psr & IA64_IRQ_PSR_I;
}

/* Enable them again if hal_irq_save() found them enabled, else leave them off. */
static inline void hal_irq_restore(unsigned long flags)
{
    if (flags & IA64_IRQ_PSR_I)
        __asm__ volatile("ssm psr.i;; srlz.d" ::: "memory");
    else
        __asm__ volatile("rsm psr.i;; srlz.d" ::: "memory");
}

#endif
