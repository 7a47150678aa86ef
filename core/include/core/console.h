/* SPDX-License-Identifier: MIT */
/*
 * Console: the hypervisor's own output, per-domain output rings, input.
 */
#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

#include "domain.h"

/* Reset the hypervisor's console state (boot, and between host tests). */
void console_init(void);

/*
 * Hypervisor output: written to the physical console under the console
 * lock so lines of different CPUs and domains do not interleave.
 */
void console_hyp_write(const char *s, size_t len);

/*
 * A byte of physical console input: queued for dom0 (VIRQ_CONSOLE).
 * Context: interrupt or idle loop.
 */
void console_input(int c);

int console_domain_init(struct domain *d);
void console_domain_destroy(struct domain *d);

/* HYPERCALL_console_io(cmd, count, buf, domid). */
long do_console_io(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf,
                   uint64_t domid);

/* Bytes in d's output ring (for tests). */
size_t console_ring_used(struct domain *d);

#endif
