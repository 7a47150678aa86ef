/* SPDX-License-Identifier: MIT */
/*
 * The vcpu-state scenario (docs/vcpu-state.md): dom0 reads, scribbles and
 * restores the whole state of a domU spinning with a known pattern in
 * every register; the domU then checks it sees no difference.  Also the
 * refusals of DOMCTL_get/set_vcpu_state, reported in words.  The register
 * work is the arch's (port/vstate.h); without it the round trip is a SKIP.
 */
#include <port/toolstack.h>
#include <port/vstate.h>

#define SEC 1000000000ull
#define MS 1000000ull

__attribute__((weak)) const char *arch_vstate_missing(void)
{
    return "no register fill/check code for this arch yet (ports/<arch>/vstate.*)";
}

__attribute__((weak)) unsigned arch_vstate_guest(uint64_t seed, char *why, size_t size)
{
    (void)seed;
    ksnprintf(why, size, "not implemented");
    return 1;
}

__attribute__((weak)) bool arch_vstate_in_spin(const struct hestia_vcpu_state *st,
                                               uint64_t seed)
{
    (void)st, (void)seed;
    return false;
}

__attribute__((weak)) unsigned arch_vstate_scribble(struct hestia_vcpu_state *st)
{
    (void)st;
    return 0;
}

__attribute__((weak)) void arch_vstate_release(struct hestia_vcpu_state *st)
{
    (void)st;
}

__attribute__((weak)) const char *arch_vstate_corrupt(struct hestia_vcpu_state *st,
                                                      unsigned i)
{
    (void)st, (void)i;
    return NULL;
}

void role_vstate(void)
{
    const char *missing = arch_vstate_missing();
    if (missing) {
        /* dom0 still checks the refusals on us, then destroys us. */
        test_report("vstate.registers", TR_SKIP, "%s", missing);
        for (;;)
            thread_sleep_ns(SEC);
    }
    uint64_t seed = kcmdline_u64(port_cmdline, "seed", VSTATE_SEED);
    char why[96] = "";
    /* An upcall would run on the pattern registers: no events meanwhile. */
    unsigned long flags = irq_save();
    unsigned bad = arch_vstate_guest(seed, why, sizeof(why));
    irq_restore(flags);
    if (bad)
        test_report("vstate.registers", TR_FAIL,
                    "%u registers differ after the round trip; %s", bad, why);
    else
        test_report("vstate.registers", TR_PASS, "every register as filled: %s", why);
}

static bool same_record(const struct hestia_vcpu_state *a,
                        const struct hestia_vcpu_state *b)
{
    if (a->hdr.size != b->hdr.size || a->hdr.size > sizeof(*a))
        return false;
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    for (size_t i = 0; i < a->hdr.size; i++)
        if (x[i] != y[i])
            return false;
    return true;
}

/*
 * The refusals, on a started domU: every one in words, and the record
 * unchanged by them.  Leaves the domain paused.
 */
static void refusals(hestia_domid_t dom)
{
    static struct hestia_vcpu_state st, before, after;
    char why[120] = "";
    long running = ts_vcpu_state_get(dom, 0, &st);
    if (running == -HESTIA_EBUSY)
        printk("vstate: get on a running domain: %s\n", ts_vcpu_state_error(running));
    long p = ts_pause(dom);
    long got = ts_vcpu_state_get(dom, 0, &before);
    long no_vcpu = ts_vcpu_state_get(dom, 1, &st);
    long no_dom = ts_vcpu_state_get(HESTIA_MAX_DOMAINS - 1, 0, &st);
    long self = ts_vcpu_state_get(start_info->domid, 0, &st);
    st = before;
    st.hdr.version = HESTIA_VCPU_STATE_VERSION + 1;
    long version = ts_vcpu_state_set(dom, 0, &st);
    st = before;
    st.hdr.arch ^= 0x40;
    long arch = ts_vcpu_state_set(dom, 0, &st);
    st = before;
    st.hdr.size -= 8;
    long size = ts_vcpu_state_set(dom, 0, &st);
    long same = ts_vcpu_state_set(dom, 0, &before); /* the record as read: accepted */
    long again = ts_vcpu_state_get(dom, 0, &after);
    bool ok = running == -HESTIA_EBUSY && p == 0 && got == 0 && no_vcpu == -HESTIA_ESRCH &&
              no_dom == -HESTIA_ESRCH && self == -HESTIA_EINVAL &&
              version == -HESTIA_EINVAL && arch == -HESTIA_EINVAL &&
              size == -HESTIA_EINVAL && same == 0 && again == 0 &&
              same_record(&before, &after);
    if (!ok)
        ksnprintf(
            why, sizeof(why),
            "running %ld pause %ld get %ld vcpu1 %ld dom %ld self %ld version %ld arch %ld "
            "size %ld same %ld again %ld",
            running, p, got, no_vcpu, no_dom, self, version, arch, size, same, again);
    else
        ksnprintf(why, sizeof(why), "running: '%s'; arch %u record %u bytes",
                  ts_vcpu_state_error(running), before.hdr.arch, before.hdr.size);
    test_report("vstate.refusals", ok ? TR_PASS : TR_FAIL, "%s", why);
}

/* Pause, read; until the domU is in its spin (unpause and let it run between tries). */
static bool catch_in_spin(hestia_domid_t dom, uint64_t seed, struct hestia_vcpu_state *st,
                          unsigned *tries)
{
    for (*tries = 1; *tries <= 500; ++*tries) {
        long r = ts_vcpu_state_get(dom, 0, st);
        if (r < 0) {
            printk("vstate: get: %s\n", ts_vcpu_state_error(r));
            return false;
        }
        if (arch_vstate_in_spin(st, seed))
            return true;
        ts_unpause(dom);
        thread_sleep_ns(10 * MS);
        ts_pause(dom);
    }
    return false;
}

/*
 * The arch's own refusals (arch_vstate_corrupt) on the record orig of the
 * paused domU: each one -EINVAL, and the state unchanged by all of them.
 */
static void arch_refusals(hestia_domid_t dom, const struct hestia_vcpu_state *orig)
{
    static struct hestia_vcpu_state bad, after;
    const char *what = NULL, *accepted = NULL;
    unsigned n = 0;
    long r, accepted_r = 0;
    for (; (bad = *orig, what = arch_vstate_corrupt(&bad, n)) != NULL; n++) {
        r = ts_vcpu_state_set(dom, 0, &bad);
        if (r != -HESTIA_EINVAL && !accepted) {
            accepted = what;
            accepted_r = r;
        }
    }
    if (!n) {
        test_report("vstate.arch-refusals", TR_SKIP, "no arch refusal cases for this arch");
        return;
    }
    long got = ts_vcpu_state_get(dom, 0, &after);
    if (accepted)
        test_report("vstate.arch-refusals", TR_FAIL, "not refused: %s (set returned %ld)",
                    accepted, accepted_r);
    else if (got != 0 || !same_record(orig, &after))
        test_report("vstate.arch-refusals", TR_FAIL,
                    "%u refused, but the state changed (get %ld)", n, got);
    else
        test_report("vstate.arch-refusals", TR_PASS,
                    "%u records refused, state unchanged (e.g. %s)", n,
                    arch_vstate_corrupt(&bad, 0));
}

/* Whether the domU was released to check its registers. */
static bool round_trip(hestia_domid_t dom, uint64_t seed)
{
    static struct hestia_vcpu_state orig, scribbled, back, release;
    unsigned tries;
    bool in_spin = catch_in_spin(dom, seed, &orig, &tries);
    if (!in_spin) {
        test_report("vstate.in-spin", TR_FAIL, "the pattern never showed in %u reads",
                    tries - 1);
        return false;
    }
    test_report("vstate.in-spin", TR_PASS, "the pattern showed after %u reads", tries);
    arch_refusals(dom, &orig);
    scribbled = orig;
    unsigned changed = arch_vstate_scribble(&scribbled);
    long set = ts_vcpu_state_set(dom, 0, &scribbled);
    long get = ts_vcpu_state_get(dom, 0, &back);
    bool took = set == 0 && get == 0 && same_record(&back, &scribbled);
    test_report("vstate.scribble", took && changed ? TR_PASS : TR_FAIL,
                "%u registers changed; set %ld (%s), read back %s", changed, set,
                set ? ts_vcpu_state_error(set) : "ok",
                took ? "as written" : "different from what was written");
    release = orig;
    arch_vstate_release(&release);
    set = ts_vcpu_state_set(dom, 0, &release);
    test_report("vstate.restore", set == 0 ? TR_PASS : TR_FAIL,
                "the original with only the release register changed: %s",
                set ? ts_vcpu_state_error(set) : "loaded");
    return set == 0;
}

void scenario_vstate(unsigned module)
{
    char args[64];
    ksnprintf(args, sizeof(args), "role=vstate seed=%llu", (unsigned long long)VSTATE_SEED);
    long dom = ts_domain_new(1024, 0, 0);
    long r = dom < 0 ? dom : ts_domain_load((hestia_domid_t)dom, module, args);
    if (r >= 0)
        r = ts_unpause((hestia_domid_t)dom);
    test_report("vstate.create", r >= 0 ? TR_PASS : TR_FAIL, "dom%ld (%ld)", dom, r);
    if (r < 0)
        return;
    refusals((hestia_domid_t)dom); /* leaves it paused */
    const char *missing = arch_vstate_missing();
    if (missing) {
        test_report("vstate.round-trip", TR_SKIP, "%s", missing);
        ts_destroy((hestia_domid_t)dom);
        return;
    }
    if (!round_trip((hestia_domid_t)dom, VSTATE_SEED)) {
        ts_destroy((hestia_domid_t)dom); /* it would spin forever */
        return;
    }
    ts_unpause((hestia_domid_t)dom);
    /* The domU powers off when its registers matched, crashes otherwise. */
    long why = ts_wait_shutdown((hestia_domid_t)dom, 60 * SEC);
    test_report("vstate.domu-shutdown", why == SHUTDOWN_poweroff ? TR_PASS : TR_FAIL,
                "dom%ld %s", dom,
                why >= 0 ? ts_reason_name((unsigned)why) : "did not shut down");
    ts_destroy((hestia_domid_t)dom);
}
