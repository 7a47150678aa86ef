/* SPDX-License-Identifier: MIT */
/*
 * Time and the one-shot timer (LAPIC/PIT, decrementer, ITC/ITM, simulated on host).
 */
#ifndef HAL_TIMER_H
#define HAL_TIMER_H

#include "types.h"

/*
 * Monotonic system time in ns since boot.  Context: any, lock-free.
 * Under QEMU -icount shift=0 one ns is one guest instruction.
 */
uint64_t hal_time_ns(void);

/*
 * Arm this CPU's one-shot timer at absolute system time deadline_ns (0 =
 * disarm).  A deadline in the past fires as soon as interrupts are enabled.
 * On expiry the arch calls core_timer_interrupt().  Context: hypervisor,
 * interrupts disabled.
 */
void hal_timer_set(uint64_t deadline_ns);

/*
 * How a guest converts the counter it can read itself into ns (the
 * vcpu_time_info fields): ns = ((counter << shift) * mul) >> 32 with a
 * negative shift meaning a right shift.  Also returns the current counter.
 * Context: any.
 */
struct hal_time_scale {
    uint32_t mul;
    int32_t shift;
};
void hal_time_scale(struct hal_time_scale *scale);
uint64_t hal_time_counter(void);

#endif
