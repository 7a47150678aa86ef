/* SPDX-License-Identifier: MIT */
/*
 * Delivering exceptions, system calls and event upcalls to a guest through
 * the vcpu_info trap record (include/public/hestia/trap.h).
 */
#ifndef CORE_TRAP_H
#define CORE_TRAP_H

#include "domain.h"

/*
 * Save v's context in its trap record (kind, vector, code, address), mask
 * events and redirect v to entry (on kernel_stack when it came from guest
 * user mode).  Returns 0, or -HESTIA_EFAULT when the record is busy or
 * there is no entry (the caller crashes the domain).
 */
int trap_deliver(struct vcpu *v, unsigned kind, unsigned arch_vector, uint64_t error_code,
                 uint64_t fault_addr, uint64_t entry);

/*
 * If v has an event upcall pending and events unmasked (and its trap
 * record is free), deliver HESTIA_TRAP_EVENT to its event entry.  Returns
 * true if it did.  Called just before entering v.
 */
bool trap_inject_event(struct vcpu *v);

#endif
