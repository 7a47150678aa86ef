/* SPDX-License-Identifier: MIT */
/*
 * The whole architectural state of one vCPU as a versioned, fixed-layout
 * record: what save/restore and migration carry, and what dom0 reads and
 * writes with DOMCTL_get_vcpu_state / DOMCTL_set_vcpu_state (domctl.h).
 *
 * A record is a header followed by the arch's body.  Every body starts
 * with the trap record's registers (regs[HESTIA_TRAP_REGS], the layout of
 * hestia/arch/<arch>.h) and goes on with the arch's extra state (FPU and
 * vector registers, ...): struct hestia_<arch>_vcpu_state in
 * hestia/arch/<arch>.h.  hdr.size is the size of the header plus that body,
 * exactly; a buffer of HESTIA_VCPU_STATE_MAX_SIZE bytes (struct
 * hestia_vcpu_state) holds the record of any arch.
 *
 * Version rules: a reader refuses (-HESTIA_EINVAL) a record whose magic,
 * version, arch, size or flags it does not know, and never guesses.  A
 * change of any body layout bumps HESTIA_VCPU_STATE_VERSION; reserved
 * fields are written as 0 and must be 0 when loaded.
 */
#ifndef HESTIA_PUBLIC_VCPU_STATE_H
#define HESTIA_PUBLIC_VCPU_STATE_H

#include <stdint.h>

#include "trap.h"

#define HESTIA_VCPU_STATE_MAGIC 0x53435648u /* "HVCS" in memory on a little-endian CPU */
#define HESTIA_VCPU_STATE_VERSION 1
#define HESTIA_VCPU_STATE_MAX_SIZE 4096u

/* hdr.arch: which body follows. */
#define HESTIA_VCPU_ARCH_X86 1
#define HESTIA_VCPU_ARCH_X86_64 2
#define HESTIA_VCPU_ARCH_PPC 3
#define HESTIA_VCPU_ARCH_IA64 4
#define HESTIA_VCPU_ARCH_HOST 0xff /* the unit tests' host HAL; never seen by a guest */

struct hestia_vcpu_state_header {
    uint32_t magic;       /* HESTIA_VCPU_STATE_MAGIC */
    uint16_t version;     /* HESTIA_VCPU_STATE_VERSION */
    uint16_t arch;        /* HESTIA_VCPU_ARCH_* */
    uint32_t size;        /* bytes of header + body: exactly the arch's record size */
    uint32_t flags;       /* none defined yet: 0 */
    uint64_t reserved[2]; /* 0 */
};

#define HESTIA_VCPU_STATE_BODY_MAX                                                         \
    (HESTIA_VCPU_STATE_MAX_SIZE - sizeof(struct hestia_vcpu_state_header))

struct hestia_vcpu_state {
    struct hestia_vcpu_state_header hdr;
    union {
        /* Every arch's body starts with these (the trap record's layout). */
        uint64_t regs[HESTIA_TRAP_REGS];
        /* Room for the largest body; an arch's struct hestia_<arch>_vcpu_state. */
        uint64_t words[HESTIA_VCPU_STATE_BODY_MAX / 8];
    } body;
};

_Static_assert(sizeof(struct hestia_vcpu_state_header) == 32, "vcpu_state header layout");
_Static_assert(sizeof(struct hestia_vcpu_state) == HESTIA_VCPU_STATE_MAX_SIZE,
               "vcpu_state record layout");

#endif
