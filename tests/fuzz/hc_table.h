/* SPDX-License-Identifier: MIT */
/*
 * The hypercalls the fuzzer knows (fuzz_hypercall.c): HC_LIST(X) expands
 * X(name) once per hypercall, name as in HYPERCALL_<name>.  The harness
 * takes each call's name (HCSTAT lines, failure messages) and its
 * generator (gen_<name>) from it.
 *
 * A hypercall added to include/public/hestia/abi.h without an entry here
 * fails the build (the assertions below): physdev_op once had none, so
 * HCSTAT named it "(null)" and its calls went to the memory_op generator.
 * hc_table.c compiles this in every host build (gcc too), so
 * `./hestia test --unit` catches it, not only the clang fuzz build.
 */
#ifndef FUZZ_HC_TABLE_H
#define FUZZ_HC_TABLE_H

#include <hestia/abi.h>

#define HC_LIST(X)                                                                         \
    X(version)                                                                             \
    X(console_io)                                                                          \
    X(sched_op)                                                                            \
    X(event_channel_op)                                                                    \
    X(grant_table_op)                                                                      \
    X(mmu_op)                                                                              \
    X(domctl)                                                                              \
    X(set_callbacks)                                                                       \
    X(trap_return)                                                                         \
    X(set_timer)                                                                           \
    X(vcpu_op)                                                                             \
    X(memory_op)                                                                           \
    X(physdev_op)                                                                          \
    X(mmu_one)

/* Every number below HYPERCALL_COUNT is listed, and exactly once. */
#define HC_BIT_(name) | (1ull << HYPERCALL_##name)
#define HC_ONE_(name) +1
_Static_assert(HYPERCALL_COUNT < 64, "hc_table.h: the mask below holds 64 hypercalls");
_Static_assert((0 HC_LIST(HC_BIT_)) == (1ull << HYPERCALL_COUNT) - 1,
               "tests/fuzz/hc_table.h: a hypercall below HYPERCALL_COUNT is missing from "
               "HC_LIST (add it, and its generator gen_<name> in fuzz_hypercall.c)");
_Static_assert((0 HC_LIST(HC_ONE_)) == HYPERCALL_COUNT,
               "tests/fuzz/hc_table.h: HC_LIST names a hypercall twice");

/* HYPERCALL_<name> -> "<name>", no entry empty (hc_table.c). */
extern const char *const hc_names[HYPERCALL_COUNT];

#endif
