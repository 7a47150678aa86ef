/* SPDX-License-Identifier: MIT */
/*
 * The CMOS RTC of an HVM guest (index 0x70, data 0x71): the time of day
 * in BCD, 24-hour mode, counted from a fixed epoch (2026-01-01 00:00:00
 * UTC) plus the hypervisor's uptime, so a run is repeatable; the update
 * is never in progress, no alarm or periodic interrupt.  The other bytes
 * of the 128-byte CMOS memory read back what was written (initially 0).
 */
#include "svm.h"

#define EPOCH_YEAR 2026

static uint8_t bcd(unsigned v)
{
    return (uint8_t)(((v / 10) << 4) | (v % 10));
}

static bool leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static uint8_t time_reg(unsigned reg, uint64_t secs)
{
    static const uint8_t mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    uint64_t days = secs / 86400, rem = secs % 86400;
    unsigned year = EPOCH_YEAR, month = 0;
    while (days >= (leap(year) ? 366u : 365u)) {
        days -= leap(year) ? 366u : 365u;
        year++;
    }
    for (;;) {
        unsigned len = mdays[month] + (month == 1 && leap(year) ? 1u : 0u);
        if (days < len)
            break;
        days -= len;
        month++;
    }
    switch (reg) {
    case 0:
        return bcd((unsigned)(rem % 60));
    case 2:
        return bcd((unsigned)(rem / 60 % 60));
    case 4:
        return bcd((unsigned)(rem / 3600));
    case 6: /* 2026-01-01 is a Thursday (5 with Sunday = 1) */
        return bcd((unsigned)((secs / 86400 + 4) % 7 + 1));
    case 7:
        return bcd((unsigned)days + 1);
    case 8:
        return bcd(month + 1);
    case 9:
        return bcd(year % 100);
    default: /* 0x32: century */
        return bcd(year / 100);
    }
}

bool svm_rtc_io(struct svm_rtc *r, uint16_t port, bool in, uint32_t *val, uint64_t now)
{
    if (port != 0x70 && port != 0x71)
        return false;
    if (port == 0x70) {
        if (in)
            *val = 0xff; /* the index register is write-only */
        else
            r->index = (uint8_t)(*val & 0x7f);
        return true;
    }
    unsigned i = r->index;
    if (!in) {
        if (i > 0x0d) /* time registers and A..D are the clock's */
            r->cmos[i] = (uint8_t)*val;
        return true;
    }
    switch (i) {
    case 0:
    case 2:
    case 4:
    case 6:
    case 7:
    case 8:
    case 9:
    case 0x32:
        *val = time_reg(i, now / 1000000000ull);
        break;
    case 0x0a:
        *val = 0x26; /* 32.768 kHz base, 1024 Hz rate, no update in progress */
        break;
    case 0x0b:
        *val = 0x02; /* 24-hour, BCD, no interrupts */
        break;
    case 0x0c:
        *val = 0;
        break;
    case 0x0d:
        *val = 0x80; /* battery good */
        break;
    default:
        *val = i < 0x0a ? 0 : r->cmos[i];
        break;
    }
    return true;
}
