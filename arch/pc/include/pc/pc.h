/* SPDX-License-Identifier: MIT */
/*
 * The PC platform shared by arch/x86 and arch/x86_64: 16550 console at
 * 0x3F8, isa-debug-exit, PIT, local APIC and I/O APIC, Multiboot v1.
 * Everything here compiles for both modes; mode-specific code (paging,
 * gates, trap frames) stays in each backend.
 */
#ifndef PC_PC_H
#define PC_PC_H

#include <hal/boot.h>
#include <hal/types.h>
#include <pc/multiboot.h>

#define PC_COM1 0x3f8
#define PC_COM1_IRQ 4
#define PC_DEBUG_EXIT_PORT 0xf4

/* Interrupt vectors the PC code programs (above the 32 exceptions). */
#define PC_VEC_TIMER 0x20
#define PC_VEC_UART 0x24
#define PC_VEC_SPURIOUS 0xff
#define PC_VEC_IPI 0xf0 /* hal_ipi_send (pc/smp.c) */
/* Device interrupts given to dom0 (arch/pc/pirq.c): IOAPIC pin n on PC_VEC_PIRQ_BASE + n.
 */
#define PC_VEC_PIRQ_BASE 0x30
#define PC_NR_PIRQ 24

/* 16550 on COM1 (hal_console_putc/getc live in pc/uart.c). */
void pc_uart_init(void);
/* Route COM1's receive interrupt through the I/O APIC to PC_VEC_UART. */
void pc_uart_enable_rx_irq(void);
/* Drain received bytes into core_console_input(). */
void pc_uart_poll(void);

/*
 * PIT channel 2 as a free-running down-counter at PC_PIT_HZ (the gate is on
 * port 0x61, so no interrupt is involved), the reference that calibrates
 * the TSC and the LAPIC timer.  It wraps after 0x10000 ticks (55 ms).
 */
#define PC_PIT_HZ 1193182u
void pc_pit_start(void);
uint16_t pc_pit_read(void);
/* Mask both 8259 PICs (after remapping them away from the exception vectors). */
void pc_pic_disable(void);

/*
 * Local APIC at mapped address base: enable with the spurious vector,
 * one-shot timer on PC_VEC_TIMER, divide by 16.
 */
void lapic_init(volatile void *base);
void lapic_timer_start(uint32_t count); /* 0 stops it */
uint32_t lapic_timer_current(void);
void lapic_eoi(void);
unsigned lapic_id(void);
/* Raw register access (the ICR, for pc/smp.c). */
void lapic_write(unsigned reg, uint32_t v);
#define PC_LAPIC_TPR 0x80 /* task priority: classes at or below it are held back */
uint32_t lapic_read(unsigned reg);

/*
 * Several CPUs (pc/smp.c).  p2v: physical memory below 1 MiB and the
 * firmware tables, as the backend maps it (NULL if out of reach).
 * pc_smp_find_cpus() records the local APIC ids of the enabled CPUs from
 * the ACPI MADT (else the MP table), the calling boot CPU as CPU 0, at
 * most HAL_MAX_CPUS, and returns the count (1 without tables).
 * pc_smp_start() sends INIT-SIPI-SIPI to CPU cpu with the real-mode
 * trampoline at page-aligned trampoline_pa (< 1 MiB) and waits until
 * *arrived equals want: 0, or -1 if the CPU never answered.
 * pc_smp_send_ipi() interrupts CPU cpu on PC_VEC_IPI.
 */
typedef const void *(*pc_phys_fn)(paddr_t pa, size_t len);
unsigned pc_smp_find_cpus(pc_phys_fn p2v);
unsigned pc_smp_apic_id(unsigned cpu);
int pc_smp_start(unsigned cpu, uint32_t trampoline_pa, volatile unsigned *arrived,
                 unsigned want);
void pc_smp_send_ipi(unsigned cpu);
/*
 * Both backends' hal_cpu_start (pc/smp.c): copy the real-mode trampoline
 * [tramp, tramp_end) (x86_common/smpboot.h) to page, the backend's
 * mapping of PC_SMP_TRAMPOLINE_PHYS; store cr3 (the bring-up page tables,
 * below 4 GiB) at its word tramp_cr3; and start CPU cpu, which finds its
 * index and stack_top in pc_smp_booting_cpu / pc_smp_booting_stack and,
 * once it runs on its own tables, GDT, TSS and IDT, calls pc_smp_join():
 * FPU trap armed, its local APIC timer on, reported arrived, into
 * core_secondary_main().  0, or -1 if the platform has no such CPU or it
 * never answered.
 */
#define PC_SMP_TRAMPOLINE_PHYS 0x8000u
int pc_smp_boot(unsigned cpu, void *page, const char *tramp, const char *tramp_end,
                const char *tramp_cr3, uint32_t cr3, uintptr_t stack_top);
extern unsigned pc_smp_booting_cpu;
extern uintptr_t pc_smp_booting_stack;
HAL_NORETURN void pc_smp_join(void);
/* Run fn(arg) on every other started CPU through core_cpu_call, one after another. */
void pc_smp_on_other_cpus(void (*fn)(void *arg), void *arg);
/* This CPU's local APIC: enabled, timer stopped (secondary CPUs; the base is known). */
void lapic_cpu_init(void);

/* I/O APIC at mapped address base: all pins masked. */
void ioapic_init(volatile void *base);
/* Route ISA irq to vector on the boot CPU, edge/high, unmasked. */
void ioapic_route(unsigned irq, unsigned vector);
/* How many pins the I/O APIC has (0 before ioapic_init). */
unsigned ioapic_pins(void);
/* Route pin to vector on the boot CPU, level-triggered, active high, masked or not. */
void ioapic_route_level(unsigned pin, unsigned vector, bool masked);
/* Mask or unmask pin, keeping its route. */
void ioapic_set_masked(unsigned pin, bool masked);
/* A PC_VEC_PIRQ_BASE vector arrived: pass it to core/ (pirq.c). */
void pc_pirq_irq(unsigned long vector);

/*
 * Time (pc/time.c): hal_time_*, hal_timer_set on the TSC and the LAPIC
 * timer at lapic_base; pc_timer_irq() is the PC_VEC_TIMER handler.
 */
void pc_time_init(volatile void *lapic_base);
/* A secondary CPU's timer: its own local APIC, the boot CPU's calibration. */
void pc_time_cpu_init(void);
void pc_timer_irq(void);

#define PC_LAPIC_PHYS 0xfee00000u
#define PC_IOAPIC_PHYS 0xfec00000u
/* Device memory (the PCI hole and the APICs) from here to 4 GiB: mapped uncached. */
#define PC_MMIO_START 0xc0000000u

/*
 * Traps (pc/traps.c): a vector's short name; handle a device interrupt
 * vector (false for exceptions); the HESTIA_TRAP_* kind of an exception
 * (#GP: PROTECTION until pc_classify_gp() looked at the instruction);
 * classify a #GP from the faulting instruction's bytes (rex: long mode,
 * 0x40..0x4f are prefixes) as PRIV_OP or PROTECTION; #PF error code ->
 * HESTIA_PF_* bits.
 */
const char *pc_vector_name(unsigned long vector);
bool pc_handle_irq(unsigned long vector);
unsigned pc_trap_kind(unsigned long vector);
unsigned pc_classify_gp(const uint8_t *insn, size_t n, bool rex);
/* The kind of guest exception vector at pc (a #GP: read and classified). */
unsigned pc_guest_trap_kind(struct vcpu *v, unsigned long vector, guest_va_t pc, bool rex);
/* Ring 0: a device interrupt or a guest's stray #DB, handled: true; else a hypervisor
 * fault. */
bool pc_hyp_trap(unsigned long vector);
uint64_t pc_pf_error(uint64_t hw_error, bool user);

#endif
