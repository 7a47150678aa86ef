/* SPDX-License-Identifier: MIT */
/*
 * Port I/O of HVM guests: every port is intercepted (the I/O permission
 * map is all ones) and lands here.  A port no device claims reads as all
 * ones and drops writes, as an empty ISA bus does, and is logged once.
 */
#include "svm.h"

void svm_io(struct hal_vcpu *hv, uint16_t port, unsigned size, bool in, uint32_t *val)
{
    uint32_t ones = size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
    if (size == 1 && svm_uart_io(hv, port, in, val))
        return;
    if (in)
        *val = ones;
    svm_log_once(hv, in ? "read of unhandled port" : "write to unhandled port", port);
}
