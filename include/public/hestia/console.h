/* SPDX-License-Identifier: MIT */
/*
 * HYPERCALL_console_io(cmd, count, buf, domid).
 *
 * Each domain has a console ring in the hypervisor.  What a domain writes is
 * appended to its ring and echoed on the physical console (prefixed with its
 * domain id, except for dom0).  dom0 owns the physical console's input.
 */
#ifndef HESTIA_PUBLIC_CONSOLE_H
#define HESTIA_PUBLIC_CONSOLE_H

#include "abi.h"

#define CONSOLEIO_write 0       /* write count bytes from buf; returns bytes written */
#define CONSOLEIO_read 1        /* read up to count bytes of input into buf; 0 if none */
#define CONSOLEIO_read_ring 2   /* dom0: read domid's output ring; returns bytes */
#define CONSOLEIO_write_input 3 /* dom0: queue count bytes as input for domid */

#define CONSOLEIO_MAX_WRITE 4096 /* larger writes: -E2BIG */
#define CONSOLE_RING_SIZE 4096   /* per-domain output ring, in bytes */

#endif
