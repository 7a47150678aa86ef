/* SPDX-License-Identifier: MIT */
/*
 * Physical interrupt lines (pirqs) that dom0's drivers receive as event
 * channels (core/pirq.c, EVTCHNOP_bind_pirq).  A pirq is the platform's
 * own number for a line: the PC's IOAPIC pin, the e500 MPIC's source, the
 * ia64sim external-interrupt vector (docs/devices.md has the tables).
 *
 * Model: every line is level-triggered.  When a line the backend enabled
 * fires, the backend acknowledges it at the controller and calls
 * core_pirq_interrupt(pirq) (hal/entry.h) with interrupts disabled;
 * core/ masks it (hal_pirq_mask) and sets dom0's event pending; the
 * backend then signals end of interrupt to the controller.  dom0 handles
 * the device and calls PHYSDEVOP_pirq_eoi: core/ unmasks the line, and a
 * line still asserted fires again.
 *
 * core/ validates every pirq (< hal_pirq_count(), hal_pirq_valid(), not
 * hal_pirq_owned_by_hypervisor()) before calling the others.
 */
#ifndef HAL_PIRQ_H
#define HAL_PIRQ_H

#include "types.h"

/* The most pirqs any platform has (core/'s binding table). */
#define HAL_PIRQ_MAX 256u

/* How many pirq numbers the platform has (0..count-1, at most HAL_PIRQ_MAX). Context: any.
 */
unsigned hal_pirq_count(void);

/* Whether pirq (< hal_pirq_count()) is a line a device can raise. Context: any. */
bool hal_pirq_valid(unsigned pirq);

/*
 * Whether the hypervisor keeps pirq for itself (its timer, its console
 * UART, the controller's cascade): never given to dom0.  Context: any.
 */
bool hal_pirq_owned_by_hypervisor(unsigned pirq);

/*
 * Route pirq to this CPU as a level-triggered line and unmask it; from
 * now on it reaches core_pirq_interrupt().  Context: hypervisor,
 * interrupts disabled.
 */
void hal_pirq_enable(unsigned pirq);

/* Mask pirq at the interrupt controller (it stays routed). Context: as hal_pirq_enable. */
void hal_pirq_mask(unsigned pirq);

/* Unmask pirq; if the device still asserts it, it fires again. Context: as hal_pirq_enable.
 */
void hal_pirq_unmask(unsigned pirq);

/*
 * The pirq that interrupt pin (1 = INTA .. 4 = INTD) of PCI function
 * bus:devfn reaches through the platform's INTx routing.  Returns 0,
 * -HESTIA_ENODEV without PCI, or -HESTIA_ENOENT when the pin is not
 * routed.  pin is already checked (1..4).  Context: hypervisor,
 * interrupts disabled.
 */
int hal_pci_irq(unsigned bus, unsigned devfn, unsigned pin, unsigned *pirq);

/* A device of the platform that is not on PCI (PHYSDEVOP_platform_device). */
struct hal_platform_device {
    unsigned type; /* PHYSDEV_DEVICE_* */
    uint64_t base; /* machine address of the register window */
    uint64_t size;
    unsigned pirq;
};

/*
 * The index'th non-PCI device.  Returns 0, or -HESTIA_ENOENT past the last
 * one.  Context: any.
 */
int hal_platform_device(unsigned index, struct hal_platform_device *out);

#endif
