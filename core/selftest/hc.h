/* SPDX-License-Identifier: MIT */
/*
 * Private to the HAL conformance suite (core/selftest/hc_*.c): the check
 * context, its assertions and fixtures.  The checks themselves call only
 * the public HAL (hal/include/hal/ (every header)); the fixtures use core/ to get a
 * domain (address spaces are charged to one) and its frames.
 */
#ifndef CORE_SELFTEST_HC_H
#define CORE_SELFTEST_HC_H

#include <core/hal_conformance.h>
#include <core/lib.h>
#include <hal/hal.h>
#include <hestia/hestia.h>

/* Short names the checks use. */
#define PAGE ((uint64_t)HAL_PAGE_SIZE)
#define R MMU_PERM_READ
#define W MMU_PERM_WRITE
#define X MMU_PERM_EXEC

/* Pages of the fixture domain: frames to map, enough for every check. */
#define HC_DOMAIN_PAGES 32
/* Spaces a check may hold at once (the runner destroys what is left). */
#define HC_MAX_SPACES 4

struct hc {
    const struct hc_options *opt;
    struct hc_result *r;
    struct domain *d;
    struct hal_as *spaces[HC_MAX_SPACES];
    enum hal_as_kind kinds[HC_MAX_SPACES];
    bool vcpu_spaces_changed; /* hc_vcpu_use_spaces() saved the originals below */
    struct hal_as *orig_kernel, *orig_user;
};

/* One check: fn(t, arg); arg is the address-space kind for the per-kind checks. */
struct hc_check {
    const char *name;
    void (*fn)(struct hc *t, unsigned arg);
    unsigned arg;
};

/* The checks of each file, in the order they run. */
extern const struct hc_check hc_as_checks[], hc_as2_checks[], hc_copy_checks[],
    hc_vcpu_checks[], hc_time_checks[];
extern const unsigned hc_as_nr, hc_as2_nr, hc_copy_nr, hc_vcpu_nr, hc_time_nr;

/* ---- results ---- */

/* Record a failure (the first one's text is the detail); the check goes on. */
void hc_fail(struct hc *t, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Mark the check skipped with the reason (unless it already failed). */
void hc_skip(struct hc *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The detail of a passing check (a measurement, what was covered). */
void hc_note(struct hc *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether the check has failed or been skipped so far. */
bool hc_failed(const struct hc *t);

#define HC_CHECK(t, cond, ...)                                                             \
    do {                                                                                   \
        if (!(cond))                                                                       \
            hc_fail((t), __LINE__, __VA_ARGS__);                                           \
    } while (0)

/* An int result that must equal want (errors are negative HESTIA_E*). */
#define HC_RC(t, expr, want)                                                               \
    do {                                                                                   \
        long rc_ = (long)(expr), want_ = (long)(want);                                     \
        if (rc_ != want_)                                                                  \
            hc_fail((t), __LINE__, "%s = %ld, want %ld", #expr, rc_, want_);               \
    } while (0)

/* ---- fixtures ---- */

/* The check's domain (HC_DOMAIN_PAGES pages, one vCPU), created on first use. */
struct domain *hc_domain(struct hc *t);
/* Frame of the fixture domain's page i (< HC_DOMAIN_PAGES). */
mfn_t hc_frame(struct hc *t, unsigned i);
/* vCPU 0 of the fixture domain. */
struct vcpu *hc_vcpu(struct hc *t);

/*
 * Make the fixture vCPU copy through kernel / user (hal_vcpu_set_spaces);
 * the runner puts its own spaces back before anything is destroyed.
 */
void hc_vcpu_use_spaces(struct hc *t, struct hal_as *kernel, struct hal_as *user);

/*
 * A new space of kind for the fixture domain, destroyed by the runner if
 * the check does not (hc_space_destroy).  NULL if hal_as_create refused:
 * for GUEST_PHYS the check is then skipped (no nested paging), for the
 * PV kinds it fails.
 */
struct hal_as *hc_space(struct hc *t, enum hal_as_kind kind);
void hc_space_destroy(struct hc *t, struct hal_as *as, hal_unmap_fn dropped, void *ctx);

/*
 * hc_space(kind), hc_base(kind) and hc_perm_extra(kind) at once; false
 * (the check is over: skipped or failed) if any of them did not work.
 */
bool hc_space_setup(struct hc *t, enum hal_as_kind kind, struct hal_as **as, uint64_t *base,
                    unsigned *extra);

/*
 * Base of a 16 MiB range that a space of kind may map: the guest layout's
 * virt_base for kernel spaces, the first of a few candidates that
 * hal_guest_va_ok(, true) accepts for user spaces, 4 MiB for
 * guest-physical ones.  Fails the check and returns 0 if there is none.
 */
#define HC_SPAN (16ull << 20)
uint64_t hc_base(struct hc *t, enum hal_as_kind kind);

/* The permissions a mapping of kind carries besides R/W/X (MMU_PERM_USER in user spaces).
 */
unsigned hc_perm_extra(enum hal_as_kind kind);

/* Name of kind for details ("kernel", "user", "guest-phys"). */
const char *hc_kind_name(enum hal_as_kind kind);

/*
 * A snapshot of a space: every mapping hal_as_list reports (up to
 * HC_SNAP_MAX) and hal_as_frames, to check that a failed call changed
 * nothing.
 */
#define HC_SNAP_MAX 24
struct hc_mapping {
    uint64_t va;
    mfn_t mfn;
    unsigned perms;
};
struct hc_snap {
    unsigned n;
    bool overflow;
    int list_rc;
    unsigned long frames;
    struct hc_mapping m[HC_SNAP_MAX];
};
void hc_snap(struct hal_as *as, struct hc_snap *s);
bool hc_snap_equal(const struct hc_snap *a, const struct hc_snap *b);

#endif
