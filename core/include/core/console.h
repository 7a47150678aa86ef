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

/*
 * Output of d that does not come through CONSOLEIO_write (an HVM guest's
 * serial port): into d's ring and onto the physical console as "(dN) "
 * lines, like its hypercall output.
 */
void console_domain_write(struct domain *d, const char *s, size_t len);

/* The next byte of d's console input queue (dom0's write_input), or -1. */
int console_domain_getc(struct domain *d);

void console_domain_destroy(struct domain *d);

/* HYPERCALL_console_io(cmd, count, buf, domid). */
long do_console_io(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf,
                   uint64_t domid);

/*
 * The run's verdict: print the hypervisor's own `HESTIA DONE <passed>
 * <failed>` line (the only one the CI runner believes) and leave through
 * the platform's exit channel, failing if failed != 0.  Used by dom0's
 * SCHEDOP_report and by the module-less boot self-check.
 */
HAL_NORETURN void console_report_done(unsigned passed, unsigned failed);

/* Bytes in d's output ring (for tests). */
size_t console_ring_used(struct domain *d);

#endif
