/* SPDX-License-Identifier: MIT */
/*
 * Conformance: vCPU state (hal/vcpu.h).  The register layout is the
 * arch's (hestia/arch/<arch>.h), which this file does not read: it checks
 * what holds for any layout.  A fresh vCPU is the same every time and
 * inherits nothing from a destroyed one; get/set_context round-trips; a
 * context set_context accepted is a fixed point of it (set_context of
 * what get_context returns changes nothing and reports the same mode as
 * hal_vcpu_in_user), a refused one leaves the saved context alone, and
 * hostile records (all ones, all zeros, alternating bits, every register
 * of the kernel context inverted or set to 1 or 3) are refused or forced,
 * never taken as they are wholesale, and what is accepted depends on the
 * record alone.
 */
#include "hc.h"

#define NREGS HESTIA_TRAP_REGS

static struct hestia_trap_record rec_a, rec_b, rec_c;
static struct hestia_vcpu_state st_a, st_b, st_c, st_other;

static bool regs_equal(const struct hestia_trap_record *a,
                       const struct hestia_trap_record *b, unsigned *first_diff)
{
    for (unsigned i = 0; i < NREGS; i++)
        if (a->regs[i] != b->regs[i]) {
            if (first_diff)
                *first_diff = i;
            return false;
        }
    return true;
}

static void get(const struct hal_vcpu *hv, struct hestia_trap_record *rec)
{
    memset(rec, 0, sizeof(*rec));
    hal_vcpu_get_context(hv, rec);
}

/* Up to 3 vCPU states for the fixture vCPU, destroyed at the end of the check. */
struct vcpus {
    struct hal_vcpu *hv[3];
};

static struct hal_vcpu *new_vcpu(struct hc *t, struct vcpus *vs)
{
    struct vcpu *v = hc_vcpu(t);
    if (!v)
        return NULL;
    struct hal_vcpu *hv = hal_vcpu_create(v);
    HC_CHECK(t, hv != NULL, "hal_vcpu_create = NULL with memory to spare");
    for (unsigned i = 0; hv && i < 3; i++)
        if (!vs->hv[i]) {
            vs->hv[i] = hv;
            return hv;
        }
    hal_vcpu_destroy(hv);
    return NULL;
}

static void free_vcpus(struct vcpus *vs)
{
    for (unsigned i = 0; i < 3; i++)
        if (vs->hv[i])
            hal_vcpu_destroy(vs->hv[i]);
}

/* set_context(rec): the result, and the outcome checked against the contract. */
enum outcome { REFUSED, FORCED, VERBATIM, BROKEN };

static enum outcome try_context(struct hc *t, int line, struct hal_vcpu *hv,
                                const struct hestia_trap_record *in, const char *what)
{
    static struct hestia_trap_record before, after, again;
    get(hv, &before);
    int rc = hal_vcpu_set_context(hv, in);
    get(hv, &after);
    unsigned diff = 0;
    if (rc == -HESTIA_EINVAL) {
        if (!regs_equal(&before, &after, &diff)) {
            hc_fail(t, line, "%s: refused, but register %u changed", what, diff);
            return BROKEN;
        }
        return REFUSED;
    }
    if (rc != 0 && rc != 1) {
        hc_fail(t, line, "%s: set_context = %d (want 0, 1 or -EINVAL)", what, rc);
        return BROKEN;
    }
    if (hal_vcpu_in_user(hv) != (rc == 1)) {
        hc_fail(t, line, "%s: set_context said %s mode, hal_vcpu_in_user disagrees", what,
                rc ? "user" : "kernel");
        return BROKEN;
    }
    /* What was accepted is a fixed point: no second sanitizing step changes it. */
    int rc2 = hal_vcpu_set_context(hv, &after);
    get(hv, &again);
    if (rc2 != rc || !regs_equal(&after, &again, &diff)) {
        hc_fail(t, line,
                "%s: the accepted context is not stable (set again = %d, was %d; "
                "register %u changed)",
                what, rc2, rc, diff);
        return BROKEN;
    }
    return regs_equal(in, &after, NULL) ? VERBATIM : FORCED;
}

static void t_create(struct hc *t, unsigned arg)
{
    (void)arg;
    struct vcpus vs = {0};
    struct hal_vcpu *a = new_vcpu(t, &vs), *b = new_vcpu(t, &vs);
    if (!a || !b) {
        free_vcpus(&vs);
        return;
    }
    HC_CHECK(t, !hal_vcpu_in_user(a), "a new vCPU is in user mode");
    /* get_context fills regs only. */
    memset(&rec_a, 0x5a, sizeof(rec_a));
    hal_vcpu_get_context(a, &rec_a);
    HC_CHECK(t,
             rec_a.kind == 0x5a5a5a5au && rec_a.flags == 0x5a5a5a5au &&
                 rec_a.error_code == 0x5a5a5a5a5a5a5a5aull &&
                 rec_a.fault_addr == 0x5a5a5a5a5a5a5a5aull,
             "get_context wrote fields other than regs");
    get(a, &rec_a);
    get(b, &rec_b);
    unsigned diff = 0;
    HC_CHECK(t, regs_equal(&rec_a, &rec_b, &diff), "two new vCPUs differ in register %u",
             diff);
    /* Scribble b, destroy it; a vCPU created next inherits nothing. */
    for (unsigned i = 0; i < NREGS; i++)
        rec_c.regs[i] = rec_a.regs[i] ^ ((uint64_t)(i + 1) << 20);
    (void)hal_vcpu_set_context(b, &rec_c);
    hal_vcpu_set_result(b, 0x3c3c);
    hal_vcpu_destroy(b);
    vs.hv[1] = NULL;
    struct hal_vcpu *c = new_vcpu(t, &vs);
    if (c) {
        get(c, &rec_c);
        HC_CHECK(
            t, regs_equal(&rec_a, &rec_c, &diff),
            "a vCPU created after a scribbled one was destroyed differs in register %u",
            diff);
        HC_CHECK(t, !hal_vcpu_in_user(c), "a new vCPU is in user mode");
        struct hal_as *k = (struct hal_as *)1, *u = (struct hal_as *)1;
        hal_vcpu_get_spaces(c, &k, &u);
        HC_CHECK(t, k == NULL && u == NULL, "a new vCPU has spaces before the first set");
    }
    free_vcpus(&vs);
    hc_note(t, "new vCPUs identical, kernel mode, no spaces, nothing inherited");
}

/* Pattern for register i that a lenient arch takes as it is (small, 16-byte aligned). */
static uint64_t plain(unsigned i)
{
    return ((uint64_t)(i + 1) << 16) | ((uint64_t)(i + 1) << 4);
}

static void t_round_trip(struct hc *t, unsigned arg)
{
    (void)arg;
    struct vcpus vs = {0};
    struct hal_vcpu *a = new_vcpu(t, &vs), *b = new_vcpu(t, &vs);
    if (!a || !b) {
        free_vcpus(&vs);
        return;
    }
    unsigned diff = 0;
    get(a, &rec_a);
    HC_RC(t, hal_vcpu_set_context(a, &rec_a), 0);
    get(a, &rec_b);
    HC_CHECK(t, regs_equal(&rec_a, &rec_b, &diff), "set(get()) changed register %u", diff);
    /* Which registers take any plain value: the ones a guest owns outright. */
    unsigned free_regs = 0;
    bool is_free[NREGS] = {0};
    for (unsigned i = 0; i < NREGS; i++) {
        rec_b = rec_a;
        rec_b.regs[i] = plain(i);
        if (hal_vcpu_set_context(a, &rec_b) == 0) {
            get(a, &rec_c);
            is_free[i] = regs_equal(&rec_b, &rec_c, NULL);
            free_regs += is_free[i];
        }
        HC_RC(t, hal_vcpu_set_context(a, &rec_a), 0);
    }
    HC_CHECK(t, free_regs >= 2,
             "only %u registers can be set (the pc and sp at least must)", free_regs);
    /* All of them at once round-trip exactly, and the other vCPU is untouched. */
    get(b, &rec_c);
    rec_b = rec_a;
    for (unsigned i = 0; i < NREGS; i++)
        if (is_free[i])
            rec_b.regs[i] = plain(i);
    HC_RC(t, hal_vcpu_set_context(a, &rec_b), 0);
    get(a, &rec_a);
    HC_CHECK(t, regs_equal(&rec_a, &rec_b, &diff), "round trip lost register %u", diff);
    get(b, &rec_b);
    HC_CHECK(t, regs_equal(&rec_b, &rec_c, &diff),
             "setting one vCPU's context changed another's register %u", diff);
    /* set_result changes one register, to the result. */
    hal_vcpu_set_result(a, 0x1357);
    get(a, &rec_c);
    unsigned changed = 0, hit = 0;
    for (unsigned i = 0; i < NREGS; i++)
        if (rec_c.regs[i] != rec_a.regs[i]) {
            changed++;
            hit += rec_c.regs[i] == 0x1357;
        }
    HC_CHECK(t, changed == 1 && hit == 1,
             "set_result changed %u registers (%u to the result)", changed, hit);
    free_vcpus(&vs);
    hc_note(t, "%u of %u registers free; full round trip; set_result touches one register",
            free_regs, NREGS);
}

/*
 * What set_context made of in on a, made again on b (which held something
 * else before): an accepted context depends on the record only, so no
 * privileged bit can survive from what the vCPU held before.
 */
static void same_on_other(struct hc *t, int line, struct hal_vcpu *a, struct hal_vcpu *b,
                          const struct hestia_trap_record *in)
{
    static struct hestia_trap_record ra, rb;
    unsigned diff = 0;
    int rc = hal_vcpu_set_context(b, in);
    get(a, &ra);
    get(b, &rb);
    if (rc < 0 || !regs_equal(&ra, &rb, &diff))
        hc_fail(t, line,
                "set_context of one record: rc %d, register %u differs between two "
                "vCPUs that held different contexts before",
                rc, diff);
}

/* Whether a record equals want over want's declared size. */
static bool state_equal(const struct hestia_vcpu_state *a,
                        const struct hestia_vcpu_state *want)
{
    return a->hdr.size == want->hdr.size && memcmp(a, want, want->hdr.size) == 0;
}

/*
 * The whole-state record (hal_vcpu_save_state / load_state): a sane
 * header, load(save()) changes nothing, a record that differs from the
 * arch's in version, magic, arch or size is refused and changes nothing,
 * the trap-record part agrees with get_context for the registers the
 * guest owns, and one vCPU's load leaves another alone.
 */
static void t_state_round_trip(struct hc *t, unsigned arg)
{
    (void)arg;
    struct vcpus vs = {0};
    struct hal_vcpu *a = new_vcpu(t, &vs), *b = new_vcpu(t, &vs);
    if (!a || !b) {
        free_vcpus(&vs);
        return;
    }
    memset(&st_a, 0xa5, sizeof(st_a));
    HC_RC(t, hal_vcpu_save_state(a, &st_a), 0);
    const struct hestia_vcpu_state_header *h = &st_a.hdr;
    HC_CHECK(t,
             h->magic == HESTIA_VCPU_STATE_MAGIC &&
                 h->version == HESTIA_VCPU_STATE_VERSION && h->size > sizeof(*h) &&
                 h->size <= HESTIA_VCPU_STATE_MAX_SIZE && h->arch && !h->flags &&
                 !h->reserved[0] && !h->reserved[1],
             "header magic %x version %u arch %u size %u flags %x", h->magic, h->version,
             h->arch, h->size, h->flags);
    if (hc_failed(t)) {
        free_vcpus(&vs);
        return;
    }
    HC_RC(t, hal_vcpu_save_state(b, &st_other), 0);
    HC_RC(t, hal_vcpu_load_state(a, &st_a) < 0, 0);
    HC_RC(t, hal_vcpu_save_state(a, &st_b), 0);
    HC_CHECK(t, state_equal(&st_b, &st_a), "load(save()) changed the record");
    /* Records of another shape are refused and change nothing. */
    static const char *const what[] = {"version", "magic", "arch", "size", "flags"};
    for (unsigned i = 0; i < ARRAY_SIZE(what); i++) {
        st_c = st_a;
        if (i == 0)
            st_c.hdr.version++;
        else if (i == 1)
            st_c.hdr.magic ^= 1;
        else if (i == 2)
            st_c.hdr.arch ^= 0x40;
        else if (i == 3)
            st_c.hdr.size -= 8;
        else
            st_c.hdr.flags = 1;
        HC_RC(t, hal_vcpu_load_state(a, &st_c), -HESTIA_EINVAL);
        HC_RC(t, hal_vcpu_save_state(a, &st_b), 0);
        HC_CHECK(t, state_equal(&st_b, &st_a), "a record with a wrong %s changed the state",
                 what[i]);
    }
    /* The trap-record registers a guest owns, set through the context, show in the record.
     */
    get(a, &rec_a);
    rec_b = rec_a;
    unsigned shown = 0, tried = 0;
    for (unsigned i = 0; i < NREGS; i++) {
        rec_c = rec_b;
        rec_c.regs[i] = plain(i);
        if (hal_vcpu_set_context(a, &rec_c) != 0)
            continue;
        get(a, &rec_c);
        if (rec_c.regs[i] != plain(i))
            continue; /* forced: not a register the guest owns outright */
        rec_b = rec_c;
        tried++;
    }
    HC_RC(t, hal_vcpu_save_state(a, &st_b), 0);
    for (unsigned i = 0; i < NREGS; i++)
        shown += rec_b.regs[i] == plain(i) && st_b.body.regs[i] == plain(i);
    /* All of them, but two: ia64's record keeps ar.bspstore / ar.rnat where the
     * trap record has bsp / rnat (docs/vcpu-state.md). */
    HC_CHECK(t, tried >= 2 && shown + 2 >= tried,
             "only %u of the %u registers set through the context show in the record",
             shown, tried);
    /* Back to the first record: exactly it again, and b never moved. */
    HC_RC(t, hal_vcpu_load_state(a, &st_a) < 0, 0);
    HC_RC(t, hal_vcpu_save_state(a, &st_b), 0);
    HC_CHECK(t, state_equal(&st_b, &st_a), "loading the first record did not restore it");
    HC_RC(t, hal_vcpu_save_state(b, &st_c), 0);
    HC_CHECK(t, state_equal(&st_c, &st_other),
             "loading one vCPU's state changed another's");
    free_vcpus(&vs);
    hc_note(t, "record of %u bytes (arch %u); %u of %u context registers show in it",
            h->size, h->arch, shown, tried);
}

static void t_sanitize(struct hc *t, unsigned arg)
{
    (void)arg;
    struct vcpus vs = {0};
    struct hal_vcpu *a = new_vcpu(t, &vs), *b = new_vcpu(t, &vs);
    if (!a || !b) {
        free_vcpus(&vs);
        return;
    }
    static struct hestia_trap_record kernel0, in;
    get(a, &kernel0);
    unsigned count[4] = {0};
    static const uint64_t fills[] = {~0ull, 0, 0x5555555555555555ull,
                                     0xaaaaaaaaaaaaaaaaull};
    for (unsigned f = 0; f < ARRAY_SIZE(fills); f++) {
        memset(&in, 0, sizeof(in));
        for (unsigned i = 0; i < NREGS; i++)
            in.regs[i] = fills[f];
        enum outcome o = try_context(t, __LINE__, a, &in, "uniform record");
        count[o]++;
        if (o == FORCED || o == VERBATIM)
            same_on_other(t, __LINE__, a, b, &in);
        if (f == 0)
            HC_CHECK(t, o != VERBATIM,
                     "a record of all ones was taken as it is (every mode "
                     "and privilege bit set)");
    }
    /*
     * Each register of the kernel context inverted, or set to 1 or 3 (the
     * usual encodings of a less privileged mode: a user-mode flag, ring 3,
     * PL3).  b keeps the last accepted context; a starts from kernel0.
     */
    unsigned users = 0;
    for (unsigned i = 0; i < NREGS && !hc_failed(t); i++) {
        for (unsigned variant = 0; variant < 3; variant++) {
            in = kernel0;
            in.regs[i] = variant == 0 ? ~in.regs[i] : variant == 1 ? 1 : 3;
            enum outcome o = try_context(t, __LINE__, a, &in,
                                         "kernel context with one register changed");
            count[o]++;
            users += (o == FORCED || o == VERBATIM) && hal_vcpu_in_user(a);
            if (o == FORCED || o == VERBATIM)
                same_on_other(t, __LINE__, a, b, &in);
            HC_RC(t, hal_vcpu_set_context(a, &kernel0), 0);
        }
    }
    HC_CHECK(t, count[REFUSED] + count[FORCED] > 0,
             "no hostile record was refused or forced");
    HC_RC(t, hal_vcpu_set_context(a, &kernel0), 0);
    HC_CHECK(t, !hal_vcpu_in_user(a), "back to the kernel context but in user mode");
    free_vcpus(&vs);
    hc_note(t,
            "%u hostile records: %u refused, %u forced, %u taken as they are (%u in user "
            "mode); all stable, independent of the previous context",
            count[0] + count[1] + count[2], count[REFUSED], count[FORCED], count[VERBATIM],
            users);
}

static void t_entry(struct hc *t, unsigned arg)
{
    (void)arg;
    struct vcpus vs = {0};
    struct hal_vcpu *a = new_vcpu(t, &vs);
    if (!a) {
        free_vcpus(&vs);
        return;
    }
    struct hal_guest_layout l;
    hal_guest_layout(&l);
    uint64_t entry = guest_va_val(l.virt_base) + 0x1230,
             stack = guest_va_val(l.virt_base) + 0x7ff0,
             arg0 = guest_va_val(l.virt_base) + 0x3000,
             handler = guest_va_val(l.virt_base) + 0x2220;
    hal_vcpu_init_entry(a, guest_va(entry), guest_va(stack), guest_va(arg0));
    HC_CHECK(t, !hal_vcpu_in_user(a), "init_entry left the vCPU in user mode");
    get(a, &rec_a);
    bool has_entry = false, has_arg = false, has_sp = false;
    for (unsigned i = 0; i < NREGS; i++) {
        has_entry |= rec_a.regs[i] == entry;
        has_arg |= rec_a.regs[i] == arg0;
        /* The stack pointer, or just below it (a scratch area the ABI reserves). */
        has_sp |= rec_a.regs[i] <= stack && rec_a.regs[i] + 256 >= stack;
    }
    HC_CHECK(t, has_entry && has_arg && has_sp,
             "after init_entry the context holds entry: %d, arg: %d, stack: %d", has_entry,
             has_arg, has_sp);
    hal_vcpu_enter_handler(a, guest_va(handler), guest_va(0));
    HC_CHECK(t, !hal_vcpu_in_user(a), "enter_handler left guest-kernel mode");
    get(a, &rec_b);
    bool has_handler = false;
    for (unsigned i = 0; i < NREGS; i++)
        has_handler |= rec_b.regs[i] == handler;
    HC_CHECK(t, has_handler,
             "enter_handler: the handler address is nowhere in the context");
    /* The spaces come back as set. */
    struct hal_as *k = hc_space(t, HAL_AS_PV_KERNEL), *u = hc_space(t, HAL_AS_PV_USER);
    if (k && u) {
        struct hal_as *gk = NULL, *gu = NULL;
        hal_vcpu_set_spaces(a, k, u);
        hal_vcpu_get_spaces(a, &gk, &gu);
        HC_CHECK(t, gk == k && gu == u, "get_spaces does not return what set_spaces set");
        hal_vcpu_set_spaces(a, k, NULL);
        hal_vcpu_get_spaces(a, &gk, &gu);
        HC_CHECK(t, gk == k && gu == NULL,
                 "user space still set after set_spaces(k, NULL)");
    }
    free_vcpus(&vs);
    hc_note(t,
            "init_entry / enter_handler land in guest-kernel mode at the given addresses; "
            "spaces round-trip");
}

/* Probe values for a less privileged mode: a flag, ring 3 in the low bits, a 2-bit level
 * at 32. */
static const uint64_t user_probes[] = {1, 3, 3ull << 32};

/* A guest-user context made from kernel0 by changing one register, if there is one. */
static bool find_user_context(struct hal_vcpu *hv, const struct hestia_trap_record *kernel0,
                              struct hestia_trap_record *user)
{
    static struct hestia_trap_record in;
    for (unsigned i = 0; i < NREGS; i++)
        for (unsigned p = 0; p < ARRAY_SIZE(user_probes); p++) {
            in = *kernel0;
            in.regs[i] = user_probes[p];
            if (hal_vcpu_set_context(hv, &in) == 1) {
                get(hv, user);
                return true;
            }
            (void)hal_vcpu_set_context(hv, kernel0);
        }
    return false;
}

/* From guest-user mode: trap delivery and a new entry both land in guest-kernel mode. */
static void t_user_mode(struct hc *t, unsigned arg)
{
    (void)arg;
    struct vcpus vs = {0};
    struct hal_vcpu *a = new_vcpu(t, &vs);
    if (!a) {
        free_vcpus(&vs);
        return;
    }
    static struct hestia_trap_record kernel0, user;
    get(a, &kernel0);
    if (!find_user_context(a, &kernel0, &user)) {
        hc_skip(t, "no guest-user context is one register away from the kernel context "
                   "(values 1, 3, 3 << 32 tried)");
        free_vcpus(&vs);
        return;
    }
    HC_CHECK(t, hal_vcpu_in_user(a),
             "set_context said user mode, hal_vcpu_in_user says not");
    struct hal_guest_layout l;
    hal_guest_layout(&l);
    uint64_t handler = guest_va_val(l.virt_base) + 0x2220,
             kstack = guest_va_val(l.virt_base) + 0x9ff0;
    hal_vcpu_enter_handler(a, guest_va(handler), guest_va(kstack));
    HC_CHECK(t, !hal_vcpu_in_user(a), "enter_handler from user mode stayed in user mode");
    get(a, &rec_a);
    bool has_handler = false, has_kstack = false;
    for (unsigned i = 0; i < NREGS; i++) {
        has_handler |= rec_a.regs[i] == handler;
        has_kstack |= rec_a.regs[i] <= kstack && rec_a.regs[i] + 256 >= kstack;
    }
    HC_CHECK(t, has_handler && has_kstack,
             "enter_handler from user mode: handler in the context %d, kernel stack %d",
             has_handler, has_kstack);
    HC_RC(t, hal_vcpu_set_context(a, &user), 1);
    hal_vcpu_init_entry(a, guest_va(guest_va_val(l.virt_base) + 0x1230),
                        guest_va(guest_va_val(l.virt_base) + 0x7ff0), guest_va(0));
    HC_CHECK(t, !hal_vcpu_in_user(a), "init_entry from user mode stayed in user mode");
    free_vcpus(&vs);
    hc_note(t,
            "a user context reached; enter_handler loads the kernel stack and kernel mode, "
            "init_entry kernel mode");
}

const struct hc_check hc_vcpu_checks[] = {
    {"vcpu.create", t_create, 0},
    {"vcpu.context-round-trip", t_round_trip, 0},
    {"vcpu.state-round-trip", t_state_round_trip, 0},
    {"vcpu.context-sanitize", t_sanitize, 0},
    {"vcpu.entry-and-spaces", t_entry, 0},
    {"vcpu.user-mode", t_user_mode, 0},
};
const unsigned hc_vcpu_nr = ARRAY_SIZE(hc_vcpu_checks);
