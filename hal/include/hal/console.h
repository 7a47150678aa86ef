/* SPDX-License-Identifier: MIT */
/*
 * The physical console (a 16550 on PC and e500, SSC calls on ia64, stdout on host).
 */
#ifndef HAL_CONSOLE_H
#define HAL_CONSOLE_H

#include "types.h"

/*
 * Write one byte, waiting for the device if it is busy.
 * Context: any, including with interrupts off and from panic. No locking:
 * callers serialize (core/console holds its lock).
 */
void hal_console_putc(char c);

/*
 * Read one byte of input if one is ready.
 * Returns the byte (0..255) or -1 when nothing is waiting. Never blocks.
 * Context: any.
 */
int hal_console_getc(void);

#endif
