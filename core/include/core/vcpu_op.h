/* SPDX-License-Identifier: MIT */
/* VCPUOP_up (vcpu_op.c): the vCPU operations with a module of their own. */
#ifndef CORE_VCPU_OP_H
#define CORE_VCPU_OP_H

#include <core/domain.h>

/*
 * VCPUOP_up from caller for target, a vCPU of the caller's domain: reads
 * struct vcpu_up_args at ptr and starts target there.  Errors as in
 * trap.h.  Context: hypercall, interrupts enabled.
 */
long vcpu_op_up(struct vcpu *caller, struct vcpu *target, uint64_t ptr);

#endif
