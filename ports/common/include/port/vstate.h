/* SPDX-License-Identifier: MIT */
/*
 * The vcpu-state round trip (scenario vcpu-state, docs/vcpu-state.md):
 * what ports/<arch> provides to ports/common/vstate.c.  An arch without
 * them gets weak defaults that make the round trip report SKIP.
 */
#ifndef PORT_VSTATE_H
#define PORT_VSTATE_H

#include <port/kernel.h>

#define VSTATE_SEED 0x243f6a8885a308d3ull

/* Pattern word i for seed: never 0 in its low 32 bits, the same in dom0 and the domU. */
static inline uint64_t vstate_word(uint64_t seed, unsigned i)
{
    uint64_t x = seed ^ (0x9e3779b97f4a7c15ull * (i + 1));
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 29;
    return x | 1;
}

/* NULL if this arch has the code below, else why not (the round trip is a SKIP). */
const char *arch_vstate_missing(void);

/*
 * domU, events masked: fill every guest-writable register from seed's
 * pattern, spin until the release register is non-zero, then store every
 * register and compare with the pattern.  Returns how many differ; the
 * first is described in why.
 */
unsigned arch_vstate_guest(uint64_t seed, char *why, size_t size);

/* dom0: whether st shows the domU inside its spin, holding seed's pattern. */
bool arch_vstate_in_spin(const struct hestia_vcpu_state *st, uint64_t seed);

/*
 * dom0: change every register in st to another value the hypervisor loads
 * unchanged (st stays a fixed point of its sanitizing).  Returns how many
 * registers it changed.
 */
unsigned arch_vstate_scribble(struct hestia_vcpu_state *st);

/* dom0: set the release register in st. */
void arch_vstate_release(struct hestia_vcpu_state *st);

/*
 * dom0: turn st (a copy of the domU's record) into one the hypervisor must
 * refuse, the i-th way (a privilege gain, or a value the CPU would fault
 * on in the hypervisor); returns what it did in words, NULL after the last.
 */
const char *arch_vstate_corrupt(struct hestia_vcpu_state *st, unsigned i);

void role_vstate(void);
void scenario_vstate(unsigned module);

#endif
