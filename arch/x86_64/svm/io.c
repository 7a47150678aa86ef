/* SPDX-License-Identifier: MIT */
/*
 * Port I/O of HVM guests: every port is intercepted (the I/O permission
 * map is all ones) and lands here.  The devices: COM1 (uart.c), the PICs
 * and ELCR (pic.c), the PIT and port 0x61 (pit.c), the CMOS RTC (rtc.c)
 * and the i8042's command port for its reset line.  A port no device
 * claims reads as all ones and drops writes, as an empty ISA bus does,
 * and is logged once.  Accesses wider than a byte are split into bytes
 * for the byte-wide devices.
 */
#include <hal/timer.h>

#include "svm.h"

static bool byte_io(struct hal_vcpu *hv, uint16_t port, bool in, uint32_t *val)
{
    struct svm_vcpu *s = hv->svm;
    if (svm_uart_io(hv, port, in, val) || svm_pic_io(&s->pic, port, in, val) ||
        svm_pit_io(&s->pit, port, in, val, hal_time_ns()) ||
        svm_rtc_io(&s->rtc, port, in, val, hal_time_ns()))
        return true;
    if (port == SVM_BENCH_MARK_PORT) {
        /* Nothing sits here on a PC: reads all ones; a write is a bench mark. */
        if (in)
            *val = 0xff;
        else
            svm_exit_mark(hv, *val & 0xff);
        return true;
    }
    if (port == 0x64 && !in && (*val & 0xff) == 0xfe) {
        /* The i8042 pulses the reset line: the guest asked for a reboot. */
        core_printf("hestia: hvm d%u: reset through the i8042\n",
                    core_hvm_domain_id(hv->v));
        core_hvm_shutdown(hv->v, SHUTDOWN_reboot);
        return true;
    }
    return false;
}

void svm_io(struct hal_vcpu *hv, uint16_t port, unsigned size, bool in, uint32_t *val)
{
    uint32_t out = 0;
    bool claimed = false;
    svm_count_port(hv->svm, port);
    for (unsigned i = 0; i < size; i++) {
        uint32_t b = (*val >> (8 * i)) & 0xff;
        if (byte_io(hv, (uint16_t)(port + i), in, &b))
            claimed = true;
        else
            b = 0xff;
        out |= (b & 0xff) << (8 * i);
    }
    if (in)
        *val = out;
    if (!claimed)
        svm_log_once(hv, in ? "read of unhandled port" : "write to unhandled port", port);
}
