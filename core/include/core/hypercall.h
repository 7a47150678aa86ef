/* SPDX-License-Identifier: MIT */
/*
 * Hypercall dispatch: one table, one handler signature.
 */
#ifndef CORE_HYPERCALL_H
#define CORE_HYPERCALL_H

#include "domain.h"

typedef long (*hypercall_fn)(struct vcpu *v, const uint64_t args[5]);

/*
 * Run hypercall nr for v and return its result (-HESTIA_ENOSYS for an
 * unknown nr).  core_hypercall() wraps it and stores the result.
 */
long hypercall_dispatch(struct vcpu *v, unsigned long nr, const uint64_t args[5]);

/*
 * Called by a handler that loaded a whole new saved context into the
 * calling vCPU (trap_return, VCPUOP_enter_user) and succeeded:
 * core_hypercall() then leaves the result register alone (hal/entry.h).
 */
void hypercall_context_replaced(struct vcpu *v);

/* Handlers that live in domain.c / domctl.c / trap.c / sched glue. */
long do_domctl(struct vcpu *v, uint64_t ptr);
long do_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
/* SCHEDOP_block for v (sched_op.c): what trap_return's TRAP_RETURN_BLOCK ends with. */
long sched_op_block(struct vcpu *v);
long do_set_callbacks(struct vcpu *v, uint64_t ptr);
long do_trap_return(struct vcpu *v);
long do_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vcpu, uint64_t arg);
long do_version(struct vcpu *v, uint64_t cmd, uint64_t arg);
/* physdev.c: physical devices for the privileged domain. */
long do_physdev_op(struct vcpu *v, uint64_t cmd, uint64_t ptr);

#endif
