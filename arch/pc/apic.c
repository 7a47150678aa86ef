/* SPDX-License-Identifier: MIT */
/* Local APIC (timer, EOI) and I/O APIC (device interrupt routing). */
#include <pc/pc.h>
#include <x86_common/io.h>

enum {
    LAPIC_ID = 0x20,
    LAPIC_EOI = 0xb0,
    LAPIC_SVR = 0xf0,
    LAPIC_LVT_TIMER = 0x320,
    LAPIC_TIMER_INIT = 0x380,
    LAPIC_TIMER_CUR = 0x390,
    LAPIC_TIMER_DIV = 0x3e0,
};
#define LVT_MASKED (1u << 16)

static volatile uint8_t *lapic;
static volatile uint8_t *ioapic;

static void lw(unsigned reg, uint32_t v)
{
    mmio_write32(lapic + reg, v);
}

static uint32_t lr(unsigned reg)
{
    return mmio_read32(lapic + reg);
}

/* Every CPU sees its own local APIC at the same address (pc/smp.c's ICR). */
void lapic_write(unsigned reg, uint32_t v)
{
    lw(reg, v);
}

uint32_t lapic_read(unsigned reg)
{
    return lr(reg);
}

void lapic_init(volatile void *base)
{
    lapic = base;
    lw(LAPIC_SVR, 0x100 | PC_VEC_SPURIOUS); /* software enable */
    lw(LAPIC_TIMER_DIV, 0x3);               /* divide by 16 */
    lw(LAPIC_LVT_TIMER, LVT_MASKED | PC_VEC_TIMER);
    lw(LAPIC_TIMER_INIT, 0);
}

void lapic_cpu_init(void)
{
    lapic_init((volatile void *)lapic);
}

void lapic_timer_start(uint32_t count)
{
    /* One-shot mode (bits 17-18 = 0); a zero initial count stops the timer. */
    lw(LAPIC_LVT_TIMER, PC_VEC_TIMER);
    lw(LAPIC_TIMER_INIT, count);
}

uint32_t lapic_timer_current(void)
{
    return lr(LAPIC_TIMER_CUR);
}

void lapic_eoi(void)
{
    lw(LAPIC_EOI, 0);
}

unsigned lapic_id(void)
{
    return lr(LAPIC_ID) >> 24;
}

static void ioapic_write(unsigned reg, uint32_t v)
{
    mmio_write32(ioapic, reg);
    mmio_write32(ioapic + 0x10, v);
}

static uint32_t ioapic_read(unsigned reg)
{
    mmio_write32(ioapic, reg);
    return mmio_read32(ioapic + 0x10);
}

void ioapic_init(volatile void *base)
{
    ioapic = base;
    unsigned pins = ((ioapic_read(1) >> 16) & 0xff) + 1;
    for (unsigned i = 0; i < pins; i++) {
        ioapic_write(0x10 + 2 * i, LVT_MASKED);
        ioapic_write(0x11 + 2 * i, 0);
    }
}

unsigned ioapic_pins(void)
{
    return ioapic ? ((ioapic_read(1) >> 16) & 0xff) + 1 : 0;
}

#define IOAPIC_LEVEL (1u << 15)

void ioapic_route_level(unsigned pin, unsigned vector, bool masked)
{
    /* Fixed delivery, physical destination, active high: how QEMU's PIIX drives ISA lines.
     */
    ioapic_write(0x11 + 2 * pin, lapic_id() << 24);
    ioapic_write(0x10 + 2 * pin, IOAPIC_LEVEL | vector | (masked ? LVT_MASKED : 0));
}

void ioapic_set_masked(unsigned pin, bool masked)
{
    uint32_t lo = ioapic_read(0x10 + 2 * pin);
    ioapic_write(0x10 + 2 * pin, masked ? lo | LVT_MASKED : lo & ~LVT_MASKED);
}

void ioapic_route(unsigned irq, unsigned vector)
{
    /* ISA IRQs 1-15 are identity-mapped to pins on QEMU's PC (no override but IRQ0). */
    ioapic_write(0x11 + 2 * irq, lapic_id() << 24);
    ioapic_write(0x10 + 2 * irq, vector);
}
