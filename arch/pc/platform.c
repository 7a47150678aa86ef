/* SPDX-License-Identifier: MIT */
/* PC CPU and platform services that are the same in 32- and 64-bit mode. */
#include <hal/cpu.h>
#include <pc/pc.h>
#include <x86_common/io.h>

/* hal_irq_save() and hal_irq_restore() are inline: pc/irq_inline.h. */

/*
 * sti; hlt back to back: sti's one-instruction shadow means an interrupt
 * pending before the hlt still wakes it (no lost wake-up).
 */
void hal_cpu_idle(void)
{
    __asm__ volatile("sti; hlt; cli" : : : "memory");
}

/* pause: a spin-wait hint; QEMU's TCG also ends this CPU's round-robin turn at it. */
void hal_cpu_relax(void)
{
    __asm__ volatile("pause" : : : "memory");
}

/* Stop forever with interrupts off. */
void hal_cpu_halt(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

/*
 * isa-debug-exit: QEMU exits with (value << 1) | 1, so 0 -> rc 1 (pass),
 * 1 -> rc 3 (failure).  On real hardware the port does nothing and we halt.
 */
void hal_platform_exit(int status)
{
    outl(PC_DEBUG_EXIT_PORT, status == 0 ? 0 : 1);
    hal_cpu_halt();
}

/* Remap the 8259s to 0x20/0x28 (so a stray IRQ is not an exception) and mask them. */
void pc_pic_disable(void)
{
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0x20);
    outb(0xa1, 0x28);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

/*
 * PIT channel 2 as a free-running reference (1.193182 MHz): mode 0 from
 * 0xffff, gate on (port 0x61), speaker off.  No interrupt is involved.
 */
void pc_pit_start(void)
{
    uint8_t p61 = inb(0x61);
    outb(0x61, (uint8_t)((p61 & ~0x02) | 0x01));
    outb(0x43, 0xb0); /* ch2, lo/hi, mode 0, binary */
    outb(0x42, 0xff);
    outb(0x42, 0xff);
}

uint16_t pc_pit_read(void)
{
    outb(0x43, 0x80); /* latch ch2 */
    uint8_t lo = inb(0x42);
    uint8_t hi = inb(0x42);
    return (uint16_t)(lo | (hi << 8));
}

/*
 * Halt for an IPI alone: the task priority 0xe0 holds back every vector
 * below PC_VEC_IPI's priority class (0xf0-0xff) (timer, UART, devices stay pending in the
 * IRR and come when the priority drops and interrupts are on again).
 */
void hal_cpu_wait_ipi(void)
{
    unsigned long flags = hal_irq_save();
    lapic_write(PC_LAPIC_TPR, (PC_VEC_IPI & 0xf0u) - 0x10u); /* blocks classes <= 14 */
    __asm__ volatile("sti; hlt; cli" : : : "memory");
    lapic_write(PC_LAPIC_TPR, 0);
    hal_irq_restore(flags);
}
