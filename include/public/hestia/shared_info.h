/* SPDX-License-Identifier: MIT */
/*
 * Shared info (one page per domain) and vcpu_info (one per vCPU inside it).
 *
 * Written by the hypervisor, read (and partly written) by the guest; the
 * page is mapped into the guest at start_info.shared_info_va.
 */
#ifndef HESTIA_PUBLIC_SHARED_INFO_H
#define HESTIA_PUBLIC_SHARED_INFO_H

#include "abi.h"
#include "trap.h"

#define HESTIA_MAX_VCPUS 4 /* per domain */

/*
 * System time: ns = system_time_ns +
 *   (((counter - counter_timestamp) << counter_shift) * counter_to_ns_mul) >> 32
 * (negative shift: shift right).  The counter is the one the guest can read
 * itself: rdtsc on x86, the time base on ppc, ar.itc on ia64.  version is odd
 * while the hypervisor updates the record: read it, read the fields, re-read
 * version and retry if it changed or is odd.
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t counter_to_ns_mul;
    uint64_t counter_timestamp;
    uint64_t system_time_ns;
    int32_t counter_shift;
    uint32_t pad;
};

struct vcpu_info {
    /* Set by the hypervisor when an unmasked port is pending; guest clears. */
    uint8_t evtchn_upcall_pending;
    /* Guest sets it to hold off event upcalls (like cli); hypervisor sets it on delivery.
     */
    uint8_t evtchn_upcall_mask;
    uint8_t pad[2];
    /* One bit per 32-port group of evtchn_pending with a pending, unmasked port. */
    uint32_t evtchn_pending_sel;
    struct vcpu_time_info time;
    struct hestia_trap_record trap;
};

struct shared_info {
    struct vcpu_info vcpu_info[HESTIA_MAX_VCPUS];
    /* 2-level event bitmaps: bit (port % 32) of word (port / 32). */
    uint32_t evtchn_pending[32];
    uint32_t evtchn_mask[32];
    /* Wall clock at system time 0. */
    uint32_t wc_version;
    uint32_t wc_nsec;
    uint64_t wc_sec;
};

#endif
