/* SPDX-License-Identifier: MIT */
/*
 * hal_irq_save() / hal_irq_restore() for the PC backends (x86, x86_64),
 * inline: hal/cpu.h includes this file when the build names it
 * (HAL_IRQ_INLINE, set in arch/x86{,_64}/meson.build for core and the
 * backend alike).  Every spin_lock_irqsave() pair is two of them: out of
 * line each cost a call and a return around three or two instructions
 * (4-6 locks per grant map + unmap).  Self-contained: core includes it.
 */
#ifndef PC_IRQ_INLINE_H
#define PC_IRQ_INLINE_H

/* Disable interrupts, returning the previous flags register. */
static inline unsigned long hal_irq_save(void)
{
    unsigned long flags;
    __asm__ volatile("pushf; pop %0; cli" : "=r"(flags) : : "memory");
    return flags;
}

/* Re-enable interrupts if they were enabled when hal_irq_save() ran (EFLAGS.IF). */
static inline void hal_irq_restore(unsigned long flags)
{
    if (flags & 0x200u)
        __asm__ volatile("sti" : : : "memory");
}

#endif
