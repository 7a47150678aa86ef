/* SPDX-License-Identifier: MIT */
/*
 * A small unit-test framework for core/ on the host HAL.
 *
 * A test program is one file:
 *
 *     #include "harness.h"
 *     TEST_SUITE("domain");
 *     TEST_CASE(create_and_destroy) {
 *         struct domain *d = h_domain(16, false);
 *         CHECK(d != NULL);
 *         CHECK_EQ(domain_destroy(d), 0);
 *     }
 *
 * Cases register themselves; harness.c has main(), which runs every case
 * in registration order and prints "TEST <suite>.<case> PASS|FAIL [detail]"
 * for each, then "HESTIA DONE <passed> <failed>", and exits non-zero if any
 * case failed.  Before every case the whole core state is rebuilt
 * (h_reset), so cases are independent.  A case that panics the hypervisor
 * or enters a guest unexpectedly fails with that as its detail.
 *
 * Running one case: `test_domain <case-name>` (several names allowed).
 */
#ifndef UNIT_HARNESS_H
#define UNIT_HARNESS_H

#include <core/console.h>
#include <core/domain.h>
#include <core/event.h>
#include <core/grant.h>
#include <core/hypercall.h>
#include <core/lib.h>
#include <core/mm.h>
#include <core/pvmmu.h>
#include <core/run.h>
#include <core/sched.h>
#include <core/timer.h>
#include <hestia/domctl.h>
#include <host/host.h>
#include <stdio.h>
#include <string.h>

/* ---- registration ---- */

struct test_case {
    const char *name;
    void (*fn)(void);
    struct test_case *next;
    const void *arg; /* for cases registered from a table: harness_case_arg() */
};
void harness_register(struct test_case *tc);
/* The running case's arg (cases registered by hand, e.g. one per table entry). */
const void *harness_case_arg(void);
extern const char *harness_suite;

#define TEST_SUITE(name) const char *harness_suite = name
#define TEST_CASE(fn)                                                                      \
    static void fn(void);                                                                  \
    static struct test_case tc_##fn = {#fn, fn, NULL, NULL};                               \
    __attribute__((constructor)) static void reg_##fn(void)                                \
    {                                                                                      \
        harness_register(&tc_##fn);                                                        \
    }                                                                                      \
    static void fn(void)

/* ---- checks ---- */

/* Record a failure of the running case (it keeps running). */
void harness_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Whether the running case has failed so far (to add context to a loop's failure). */
bool harness_case_failed(void);
/* Record a failure and end the running case now. */
HAL_NORETURN void harness_abort(const char *file, int line, const char *what);

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond))                                                                       \
            harness_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                          \
    } while (0)

#define CHECK_EQ(a, b)                                                                     \
    do {                                                                                   \
        long long va_ = (long long)(a), vb_ = (long long)(b);                              \
        if (va_ != vb_)                                                                    \
            harness_fail(__FILE__, __LINE__, "CHECK_EQ(%s, %s): %lld != %lld", #a, #b,     \
                         va_, vb_);                                                        \
    } while (0)

/* CHECK_EQ for two mfn_t (typed addresses do not convert to integers). */
#define CHECK_MFN_EQ(a, b) CHECK_EQ(mfn_val(a), mfn_val(b))

#define CHECK_STR(a, b)                                                                    \
    do {                                                                                   \
        const char *sa_ = (a), *sb_ = (b);                                                 \
        if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0)                                         \
            harness_fail(__FILE__, __LINE__, "CHECK_STR(%s, %s): \"%s\" != \"%s\"", #a,    \
                         #b, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");                  \
    } while (0)

/* Like CHECK, but ends the case (use when later steps would crash). */
#define REQUIRE(cond)                                                                      \
    do {                                                                                   \
        if (!(cond))                                                                       \
            harness_abort(__FILE__, __LINE__, #cond);                                      \
    } while (0)

/* ---- fixtures ---- */

/*
 * Rebuild the whole core state over fresh host RAM: host_reset(),
 * mm_init(all host RAM), console_init(), domain_init_all(), sched_init(1),
 * run_init().  Called before every case; a case may call it again.
 */
void h_reset(void);

/* The boot info h_reset() used (all host RAM, no modules). */
const struct hal_boot_info *h_boot_info(void);

/*
 * Create a domain with nr_pages (1 vCPU, weight default) and unpause it so
 * its vCPU 0 is started (entry 0, in guest-kernel mode, kernel space
 * loaded) and runnable.  privileged = dom0 (gets id 0 if free).  Fails the
 * case (REQUIRE) if creation fails.
 */
struct domain *h_domain(uint64_t nr_pages, bool privileged);
/* Same, but left as domain_create() returns it (paused, vCPU down). */
struct domain *h_domain_raw(uint64_t nr_pages, bool privileged);

/* vCPU 0 of d. */
struct vcpu *h_vcpu(struct domain *d);

/* Test VA where h_buf() maps guest buffers in a domain's kernel space. */
#define H_BUF_VA 0x20000000ull

/*
 * A guest buffer of len bytes in d's kernel space: fresh pages mapped
 * read/write at H_BUF_VA and up, backed by d's own gfns taken from the top
 * of its memory downwards.  Returns the guest VA (the start of a page).
 */
uint64_t h_buf(struct domain *d, size_t len);
/* Same with explicit permissions (MMU_PERM_*, e.g. read-only). */
uint64_t h_buf_perms(struct domain *d, size_t len, unsigned perms);

/* Write/read d's kernel-space memory at va directly (ignoring permissions). */
void h_write(struct domain *d, uint64_t va, const void *src, size_t len);
void h_read(struct domain *d, void *dst, uint64_t va, size_t len);

/* A guest buffer initialised with len bytes of src (h_buf + h_write). */
uint64_t h_put(struct domain *d, const void *src, size_t len);

/*
 * A domctl request as every domctl test starts one: zeroed (the reserved
 * fields must be), cmd, this ABI's interface_version and domid; the test
 * fills its own u.* fields after.
 */
void h_domctl_init(struct hestia_domctl *op, uint32_t cmd, hestia_domid_t domid);
/* HYPERCALL_domctl from v with *op written at va in v's domain, read back after. */
long h_domctl(struct vcpu *v, uint64_t va, struct hestia_domctl *op);

/* hypercall_dispatch(v, nr, {a0..a4}) with v made the current vCPU. */
long h_call(struct vcpu *v, unsigned long nr, uint64_t a0, uint64_t a1, uint64_t a2,
            uint64_t a3, uint64_t a4);

/*
 * core_resume_vcpu() and hal_vcpu_run() as the arch would do, caught:
 * returns HOST_JMP_RUN with *out = the vCPU entered, HOST_JMP_IDLE if the
 * CPU idled with no timer armed, HOST_JMP_EXIT after hal_platform_exit(),
 * HOST_JMP_HALT after hal_cpu_halt().  *out is NULL unless RUN.
 */
int h_resume(struct vcpu **out);

/* Run fn() catching a longjmp out of core the same way (for panics etc.). */
int h_catch(void (*fn)(void *), void *arg);

/* Address of a non-mapped, a hypervisor and a non-canonical guest VA. */
#define H_VA_UNMAPPED 0x7000000ull
#define H_VA_HYP 0xffff800000100000ull
#define H_VA_NONCANON 0x0000900000000000ull

#endif
