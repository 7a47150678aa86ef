/* SPDX-License-Identifier: MIT */
/*
 * The HAL conformance suite's runner and fixtures (interface in
 * core/hal_conformance.h, checks in core/selftest/hc_*.c).
 *
 * It lives in core/ because it is core that calls the HAL: the checks are
 * arch-independent code compiled for every target and for the host tests
 * exactly like the rest of core/, they need a domain to charge address
 * spaces to, and they report through core's console.  hal/ holds only
 * what the HAL itself is made of.
 */
#include <core/console.h>
#include <core/domain.h>
#include <core/mm.h>

#include "hc.h"

static const struct {
    const struct hc_check *checks;
    const unsigned *nr;
} groups[] = {
    {hc_as_checks, &hc_as_nr},     {hc_as2_checks, &hc_as2_nr},
    {hc_copy_checks, &hc_copy_nr}, {hc_vcpu_checks, &hc_vcpu_nr},
    {hc_time_checks, &hc_time_nr},
};

static const struct hc_check *check_at(unsigned i)
{
    for (unsigned g = 0; g < ARRAY_SIZE(groups); g++) {
        if (i < *groups[g].nr)
            return &groups[g].checks[i];
        i -= *groups[g].nr;
    }
    return NULL;
}

unsigned hal_conformance_count(void)
{
    unsigned n = 0;
    for (unsigned g = 0; g < ARRAY_SIZE(groups); g++)
        n += *groups[g].nr;
    return n;
}

const char *hal_conformance_name(unsigned i)
{
    const struct hc_check *c = check_at(i);
    return c ? c->name : NULL;
}

/* ---- results ---- */

void hc_fail(struct hc *t, int line, const char *fmt, ...)
{
    if (t->r->status == HC_FAIL)
        return; /* the first failure explains the check */
    t->r->status = HC_FAIL;
    int n = snprintf(t->r->detail, sizeof(t->r->detail), "line %d: ", line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->r->detail + n, sizeof(t->r->detail) - (size_t)n, fmt, ap);
    va_end(ap);
}

void hc_skip(struct hc *t, const char *fmt, ...)
{
    if (t->r->status != HC_PASS)
        return;
    t->r->status = HC_SKIP;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->r->detail, sizeof(t->r->detail), fmt, ap);
    va_end(ap);
}

void hc_note(struct hc *t, const char *fmt, ...)
{
    if (t->r->status != HC_PASS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->r->detail, sizeof(t->r->detail), fmt, ap);
    va_end(ap);
}

bool hc_failed(const struct hc *t)
{
    return t->r->status != HC_PASS;
}

/* ---- fixtures ---- */

struct domain *hc_domain(struct hc *t)
{
    if (!t->d) {
        int rc = domain_create(HC_DOMAIN_PAGES, 1, false, &t->d);
        if (rc) {
            t->d = NULL;
            hc_fail(t, __LINE__, "fixture: domain_create(%u pages) = %d", HC_DOMAIN_PAGES,
                    rc);
        }
    }
    return t->d;
}

mfn_t hc_frame(struct hc *t, unsigned i)
{
    struct domain *d = hc_domain(t);
    return d ? p2m_lookup(d, gfn(i)) : MFN_INVALID;
}

struct vcpu *hc_vcpu(struct hc *t)
{
    struct domain *d = hc_domain(t);
    return d && d->nr_vcpus ? d->vcpus[0] : NULL;
}

void hc_vcpu_use_spaces(struct hc *t, struct hal_as *kernel, struct hal_as *user)
{
    struct vcpu *v = hc_vcpu(t);
    if (!v)
        return;
    if (!t->vcpu_spaces_changed) {
        hal_vcpu_get_spaces(v->hal, &t->orig_kernel, &t->orig_user);
        t->vcpu_spaces_changed = true;
    }
    hal_vcpu_set_spaces(v->hal, kernel, user);
}

const char *hc_kind_name(enum hal_as_kind kind)
{
    return kind == HAL_AS_PV_KERNEL ? "kernel"
           : kind == HAL_AS_PV_USER ? "user"
                                    : "guest-phys";
}

unsigned hc_perm_extra(enum hal_as_kind kind)
{
    return kind == HAL_AS_PV_USER ? MMU_PERM_USER : 0;
}

struct hal_as *hc_space(struct hc *t, enum hal_as_kind kind)
{
    struct domain *d = hc_domain(t);
    if (!d)
        return NULL;
    unsigned slot = 0;
    while (slot < HC_MAX_SPACES && t->spaces[slot])
        slot++;
    if (slot == HC_MAX_SPACES) {
        hc_fail(t, __LINE__, "fixture: more than %u spaces at once", HC_MAX_SPACES);
        return NULL;
    }
    struct hal_as *as = hal_as_create(d, kind);
    if (!as && kind == HAL_AS_GUEST_PHYS)
        hc_skip(t, "hal_as_create(HAL_AS_GUEST_PHYS) gives NULL: this arch has no nested "
                   "paging (allowed by hal/mmu.h)");
    else if (!as)
        hc_fail(t, __LINE__, "hal_as_create(%s) = NULL with memory to spare",
                hc_kind_name(kind));
    t->spaces[slot] = as;
    t->kinds[slot] = kind;
    return as;
}

void hc_space_destroy(struct hc *t, struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    for (unsigned i = 0; i < HC_MAX_SPACES; i++)
        if (t->spaces[i] == as)
            t->spaces[i] = NULL;
    hal_as_destroy(as, dropped, ctx);
}

bool hc_space_setup(struct hc *t, enum hal_as_kind kind, struct hal_as **as, uint64_t *base,
                    unsigned *extra)
{
    *as = hc_space(t, kind);
    if (!*as)
        return false;
    *base = hc_base(t, kind);
    *extra = hc_perm_extra(kind);
    return !hc_failed(t);
}

/* Candidate bases of a user window, lowest first; 32-bit arches take the first. */
static const uint64_t user_candidates[] = {0x400000ull, 0x10000000ull, 0x8000000000ull};

static bool range_ok(uint64_t base, bool user)
{
    for (uint64_t va = base; va < base + HC_SPAN; va += HC_SPAN / 16)
        if (!hal_guest_va_ok(guest_va(va), user))
            return false;
    return hal_guest_va_ok(guest_va(base + HC_SPAN - HAL_PAGE_SIZE), user);
}

uint64_t hc_base(struct hc *t, enum hal_as_kind kind)
{
    if (kind == HAL_AS_GUEST_PHYS)
        return 4ull << 20; /* guest RAM starts at guest-physical 0 */
    if (kind == HAL_AS_PV_KERNEL) {
        struct hal_guest_layout l;
        hal_guest_layout(&l);
        if (range_ok(guest_va_val(l.virt_base), false))
            return guest_va_val(l.virt_base);
        hc_fail(t, __LINE__, "hal_guest_va_ok(, false) refuses [virt_base %llx, +16 MiB)",
                (unsigned long long)guest_va_val(l.virt_base));
        return 0;
    }
    for (unsigned i = 0; i < ARRAY_SIZE(user_candidates); i++)
        if (range_ok(user_candidates[i], true))
            return user_candidates[i];
    hc_fail(t, __LINE__, "no 16 MiB user window at any of the candidate bases");
    return 0;
}

static int snap_one(void *ctx, guest_va_t va_typed, mfn_t mfn, unsigned perms)
{
    uint64_t va = guest_va_val(va_typed);
    struct hc_snap *s = ctx;
    if (s->n == HC_SNAP_MAX) {
        s->overflow = true;
        return 0;
    }
    s->m[s->n].va = va;
    s->m[s->n].mfn = mfn;
    s->m[s->n].perms = perms;
    s->n++;
    return 0;
}

void hc_snap(struct hal_as *as, struct hc_snap *s)
{
    memset(s, 0, sizeof(*s));
    s->list_rc = hal_as_list(as, guest_va(0), guest_va(~(uint64_t)0), snap_one, s);
    s->frames = hal_as_frames(as);
}

bool hc_snap_equal(const struct hc_snap *a, const struct hc_snap *b)
{
    if (a->n != b->n || a->overflow != b->overflow || a->list_rc != b->list_rc ||
        a->frames != b->frames)
        return false;
    for (unsigned i = 0; i < a->n; i++)
        if (a->m[i].va != b->m[i].va || !mfn_eq(a->m[i].mfn, b->m[i].mfn) ||
            a->m[i].perms != b->m[i].perms)
            return false;
    return true;
}

/* ---- running ---- */

/* Undo what the fixtures built, in the order the HAL requires. */
static void cleanup(struct hc *t)
{
    struct vcpu *v = t->d && t->d->nr_vcpus ? t->d->vcpus[0] : NULL;
    if (v && t->vcpu_spaces_changed)
        hal_vcpu_set_spaces(v->hal, t->orig_kernel, t->orig_user);
    for (unsigned i = 0; i < HC_MAX_SPACES; i++)
        if (t->spaces[i])
            hc_space_destroy(t, t->spaces[i], NULL, NULL);
    if (t->d) {
        int rc = domain_destroy(t->d);
        if (rc)
            hc_fail(t, __LINE__, "fixture: domain_destroy = %d", rc);
    }
    t->d = NULL;
}

void hal_conformance_run(unsigned i, const struct hc_options *opt, struct hc_result *r)
{
    memset(r, 0, sizeof(*r));
    const struct hc_check *c = check_at(i);
    if (!c) {
        r->status = HC_FAIL;
        strlcpy(r->detail, "no such check", sizeof(r->detail));
        return;
    }
    struct hc t = {.opt = opt, .r = r};
    unsigned long free_before = mm_free_frames();
    c->fn(&t, c->arg);
    cleanup(&t);
    unsigned long free_after = mm_free_frames();
    /* The suite must leave no trace: every frame it took is back. */
    if (free_after != free_before)
        hc_fail(&t, __LINE__, "%ld frames not returned after the check (%s)",
                (long)(free_before - free_after), r->detail[0] ? r->detail : "no detail");
}

HAL_NORETURN void hal_conformance_boot(const struct hal_boot_info *bi)
{
    struct hc_options opt = {.realtime = cmdline_has_word(bi->cmdline, "realtime")};
    unsigned passed = 0, failed = 0, skipped = 0;
    static struct hc_result r;
    core_printf("hal-conformance: %u checks%s\n", hal_conformance_count(),
                opt.realtime ? " (realtime bounds)" : "");
    for (unsigned i = 0; i < hal_conformance_count(); i++) {
        hal_conformance_run(i, &opt, &r);
        static const char *const word[] = {"PASS", "FAIL", "SKIP"};
        core_printf("TEST hal.%s %s%s%s\n", hal_conformance_name(i), word[r.status],
                    r.detail[0] ? " " : "", r.detail);
        passed += r.status == HC_PASS;
        failed += r.status == HC_FAIL;
        skipped += r.status == HC_SKIP;
    }
    core_printf("hal-conformance: %u passed, %u failed, %u skipped\n", passed, failed,
                skipped);
    console_report_done(passed, failed);
}
