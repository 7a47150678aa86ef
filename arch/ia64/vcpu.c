/* SPDX-License-Identifier: MIT */
/*
 * vCPU state, trap delivery with the register stack, guest copies.
 *
 * While the hypervisor runs, a vCPU's stacked registers (its dirty
 * partition and the interrupted frame) sit in its own hypervisor backing
 * store hv->rbs (entry in ivt.S).  Delivering a trap moves them into the
 * guest's backing store so the trap record is complete (hestia/arch/ia64.h);
 * loading a record reads its frame back from there.  NaT collections are
 * rebuilt for the destination addresses on every move (a collection slot is
 * every 64th doubleword, so its position depends on the address).
 */
#include <hal/guest_copy.h>
#include <hal/hal.h>
#include <hestia/arch/ia64.h>
#include <hestia/errno.h>
#include <hestia/mmu.h>
#include <hestia/trap.h>

#include <ia64/arch.h>

#define FPSR_DEFAULT 0x0009804c0270033full
#define GUEST_PSR (PSR_IC | PSR_I | PSR_DT | PSR_IT | PSR_RT | PSR_BN)
#define MAX_FRAME 96

static unsigned slot_of(uint64_t a)
{
    return (unsigned)(a >> 3) & 63;
}

static unsigned cpl_of(uint64_t psr)
{
    return (unsigned)(psr >> PSR_CPL_SHIFT) & 3;
}

struct hal_vcpu *hal_vcpu_create(struct vcpu *v)
{
    /* 512-byte aligned: the NaT bit of gr[i] saved by st8.spill is bit i of nat_unat. */
    struct hal_vcpu *hv = core_heap_alloc_aligned(sizeof(*hv), 512);
    if (!hv)
        return NULL;
    hv->v = v;
    hv->rbs_base = (uintptr_t)hv->rbs;
    hv->ipsr = GUEST_PSR | (uint64_t)HESTIA_IA64_CPL_KERNEL << PSR_CPL_SHIFT;
    hv->fpsr = FPSR_DEFAULT;
    hal_vcpu_set_spaces(hv, NULL, NULL);
    return hv;
}

static void fph_release_everywhere(const struct hal_vcpu *hv, bool keep);

void hal_vcpu_destroy(struct hal_vcpu *hv)
{
    fph_release_everywhere(hv, false); /* its registers are nobody's now */
    ia64_kept_drop(hv);
    for (unsigned i = 0; i < HAL_MAX_CPUS; i++)
        if (ia64_cpu(i)->current == hv)
            ia64_cpu(i)->current = NULL;
    core_heap_free(hv);
}

void hal_vcpu_init_entry(struct hal_vcpu *hv, guest_va_t entry_va, guest_va_t stack_va,
                         guest_va_t arg_va)
{
    uint64_t entry = guest_va_val(entry_va), stack = guest_va_val(stack_va),
             arg = guest_va_val(arg_va);
    ia64_kept_sync(hv); /* r4-r7, r13 are rewritten below, the kept FP registers are not */
    ia64_kept_drop(hv);
    for (unsigned i = 0; i < 32; i++)
        hv->gr[i] = 0;
    hv->iip = entry;
    hv->gr[12] = stack - 16;
    hv->gr[28] = arg;
    hv->ipsr = GUEST_PSR | (uint64_t)HESTIA_IA64_CPL_KERNEL << PSR_CPL_SHIFT;
    hv->ifs = hv->pfs = hv->bspstore = hv->rnat = hv->nat_unat = 0;
    hv->rbs_bytes = hv->rbs_rnat = 0;
}

void hal_vcpu_set_spaces(struct hal_vcpu *hv, struct hal_as *kernel, struct hal_as *user)
{
    hv->kernel = kernel;
    hv->user = user;
    /*
     * The region registers for ia64_load_rr; a space's RID is fixed for its
     * life.  Regions 1-4 (and 0 / 5 without a space) get IA64_RID_DEAD, one
     * RID for every domain: nothing is ever inserted with it (a miss there
     * finds no space: mmu.c space_of, tlbmiss.S), so no domain can reach
     * another's entries through it, and rr1-rr4 stay as they are when the
     * CPU switches domains.
     */
    uint64_t dead = IA64_RID_DEAD;
    hv->rr5 = (kernel ? kernel->rid : dead) << 8 | 12 << 2;
    hv->rr0 = (user ? user->rid : dead) << 8 | 12 << 2;
    hv->rr_other = dead << 8 | 12 << 2;
}

void hal_vcpu_get_spaces(const struct hal_vcpu *hv, struct hal_as **kernel,
                         struct hal_as **user)
{
    *kernel = hv->kernel;
    *user = hv->user;
}

bool hal_vcpu_in_user(const struct hal_vcpu *hv)
{
    return cpl_of(hv->ipsr) == HESTIA_IA64_CPL_USER;
}

void hal_vcpu_set_result(struct hal_vcpu *hv, long result)
{
    hv->gr[8] = (uint64_t)result;
    hv->nat_unat &= ~(1ull << 8);
}

/*
 * The guest's register store, one page at a time: the table walk
 * (hal_walk_translate) once per page, not once per register (it was a
 * hal_walk_copy_* per register, a table walk for every 8 bytes, on every
 * trap delivery and trap_return).  A write marks the frame
 * written at its translation: the caller holds the hypervisor lock (trap
 * delivery, trap_return), under which log-dirty is read too.
 */
struct store_cursor {
    struct hal_as *kernel, *user;
    uint64_t page; /* the guest page at p; 1 (no page is odd) before the first */
    unsigned char *p;
    unsigned need; /* MMU_PERM_READ or MMU_PERM_WRITE */
};

static void cursor_init(struct store_cursor *c, const struct hal_vcpu *hv, bool user,
                        unsigned need)
{
    c->kernel = user ? NULL : hv->kernel;
    c->user = hv->user;
    c->page = 1;
    c->p = NULL;
    c->need = need;
}

/* The hypervisor's address of the guest doubleword at ga, or NULL (a fault). */
static uint64_t *cursor_at(struct store_cursor *c, uint64_t ga)
{
    uint64_t page = ga & ~(uint64_t)(HAL_PAGE_SIZE - 1);
    if (__builtin_expect(page != c->page, 0)) {
        mfn_t frame;
        if (ga & 7) /* never from the CPU (ar.bspstore is aligned): refused */
            return NULL;
        c->p = hal_walk_translate(c->kernel, c->user, guest_va(page), c->need, &frame);
        if (!c->p)
            return NULL;
        if (c->need & MMU_PERM_WRITE)
            core_frame_written(frame);
        c->page = page;
    }
    return (uint64_t *)(void *)(c->p + (ga - page));
}

/*
 * Walk the registers held in hv->rbs, oldest first, writing each one to
 * the guest's store at hv->bspstore when write (else only computing where
 * it would end).  Returns 0 and the new BSP and RNAT, or -HESTIA_EFAULT.
 */
static int rbs_to_guest(const struct hal_vcpu *hv, bool write, uint64_t *bsp,
                        uint64_t *rnat)
{
    uint64_t base = hv->rbs_base, end = base + hv->rbs_bytes;
    uint64_t ga = hv->bspstore, grnat = hv->rnat;
    struct store_cursor cur;
    cursor_init(&cur, hv, hal_vcpu_in_user(hv), MMU_PERM_WRITE);
    for (uint64_t a = base; a < end; a += 8) {
        if (slot_of(a) == 63)
            continue;
        uint64_t coll =
            (a | 0x1f8) < end ? *(const uint64_t *)(uintptr_t)(a | 0x1f8) : hv->rbs_rnat;
        uint64_t val = *(const uint64_t *)(uintptr_t)a;
        if (slot_of(ga) == 63) {
            if (write) {
                uint64_t *w = cursor_at(&cur, ga);
                if (!w)
                    return -HESTIA_EFAULT;
                *w = grnat;
            }
            grnat = 0;
            ga += 8;
        }
        if (write) {
            uint64_t *w = cursor_at(&cur, ga);
            if (!w)
                return -HESTIA_EFAULT;
            *w = val;
        }
        grnat =
            (grnat & ~(1ull << slot_of(ga))) | ((coll >> slot_of(a) & 1) << slot_of(ga));
        ga += 8;
    }
    *bsp = ga;
    *rnat = grnat;
    return 0;
}

/*
 * Where rbs_to_guest(hv, false, ...) ends, in closed form when no register
 * in hv->rbs has its NaT bit set (a system call's registers, nearly always):
 * n registers from slot s of the guest's store cross (s + n - 1) / 63
 * collection slots (one is written before the register that would land on
 * it, none after the last), and the RNAT then only loses the bits of the
 * registers written, or is a fresh, empty collection.  The walk was ~200
 * instructions on every trap delivery.
 */
static void rbs_guest_end(const struct hal_vcpu *hv, uint64_t *bsp, uint64_t *rnat)
{
    uint64_t base = hv->rbs_base, end = base + hv->rbs_bytes;
    uint64_t nat = hv->rbs_rnat;
    for (uint64_t c = base | 0x1f8; c < end; c += 512)
        nat |= *(const uint64_t *)(uintptr_t)c;
    if (nat) {
        rbs_to_guest(hv, false, bsp, rnat);
        return;
    }
    /* Registers in [base, end): its doublewords less its collection slots. */
    uint64_t ga = hv->bspstore, n = (end - base) / 8 - ((end >> 9) - (base >> 9));
    if (!n) {
        *bsp = ga;
        *rnat = hv->rnat;
        return;
    }
    unsigned s = slot_of(ga);
    /* (s + n - 1) / 63 without a multiply (it went through f6-f11): x < 63 * 64 here. */
    uint64_t x = s + n - 1, colls = (x + 1 + (x >> 6)) >> 6;
    *bsp = ga + 8 * (n + colls);
    *rnat = colls ? 0 : hv->rnat & ~(((1ull << n) - 1) << s);
}

/*
 * Does this CPU hold hv's kept registers (the CPU's are current, not hv's
 * fields)?  A CPU's kept_owner is cleared wherever hv's copy goes stale
 * (the kept-register section below).
 */
static bool kept_here(const struct hal_vcpu *hv)
{
    return __atomic_load_n(&ia64_this_cpu()->kept_owner, __ATOMIC_RELAXED) == hv;
}

/*
 * The kept registers the trap record has (r4-r7, r13, r16-r31, b1-b5, lc) from the
 * CPU, over what hal_vcpu_get_context copied from hv.  st8.spill: a guest
 * register with its NaT bit set is stored, where st8 would fault at PL0
 * (ar.unat takes the bit; the hypervisor keeps nothing there).
 */
static void kept_to_record(uint64_t *r)
{
    uint64_t b1, b2, b3, b4, b5, lc;
    ia64_bank1_store(&r[HESTIA_IA64_REG_GR(16)]);
    __asm__ volatile("st8.spill [%0] = r4\n\tst8.spill [%1] = r5\n\t;;\n\t"
                     "st8.spill [%2] = r6\n\tst8.spill [%3] = r7\n\t;;\n\t"
                     "st8.spill [%4] = r13"
                     :
                     : "r"(&r[HESTIA_IA64_REG_GR(4)]), "r"(&r[HESTIA_IA64_REG_GR(5)]),
                       "r"(&r[HESTIA_IA64_REG_GR(6)]), "r"(&r[HESTIA_IA64_REG_GR(7)]),
                       "r"(&r[HESTIA_IA64_REG_GR(13)])
                     : "memory");
    __asm__ volatile("mov %0 = b1\n\tmov %1 = b2\n\tmov %2 = b3\n\tmov %3 = b4\n\t"
                     "mov %4 = b5\n\tmov.i %5 = ar.lc"
                     : "=r"(b1), "=r"(b2), "=r"(b3), "=r"(b4), "=r"(b5), "=r"(lc));
    r[HESTIA_IA64_REG_BR(1)] = b1;
    r[HESTIA_IA64_REG_BR(2)] = b2;
    r[HESTIA_IA64_REG_BR(3)] = b3;
    r[HESTIA_IA64_REG_BR(4)] = b4;
    r[HESTIA_IA64_REG_BR(5)] = b5;
    r[HESTIA_IA64_REG_LC] = lc;
}

/* hal_vcpu_set_context's values of the kept registers into the CPU, which holds hv's. */
static void kept_from_vcpu(const struct hal_vcpu *hv)
{
    /* mov and ld8 clear the NaT bits, as hv->nat_unat = 0 says. */
    ia64_bank1_load(&hv->gr[16]);
    __asm__ volatile("mov r4 = %0\n\tmov r5 = %1\n\tmov r6 = %2\n\tmov r7 = %3\n\t"
                     "mov r13 = %4" ::"r"(hv->gr[4]),
                     "r"(hv->gr[5]), "r"(hv->gr[6]), "r"(hv->gr[7]), "r"(hv->gr[13]));
    __asm__ volatile("mov b1 = %0\n\tmov b2 = %1\n\tmov b3 = %2\n\tmov b4 = %3\n\t"
                     "mov b5 = %4\n\tmov.i ar.lc = %5" ::"r"(hv->br[1]),
                     "r"(hv->br[2]), "r"(hv->br[3]), "r"(hv->br[4]), "r"(hv->br[5]),
                     "r"(hv->lc));
}

void hal_vcpu_get_context(const struct hal_vcpu *hv, struct hestia_trap_record *rec)
{
    uint64_t *r = rec->regs;
    r[HESTIA_IA64_REG_IP] = hv->iip;
    /* Unrolled, as in hal_vcpu_set_context: every trap delivery runs this. */
#pragma GCC unroll 31
    for (unsigned i = 1; i < 32; i++)
        r[i] = hv->gr[i];
#pragma GCC unroll 8
    for (unsigned i = 0; i < 8; i++)
        r[HESTIA_IA64_REG_BR(i)] = hv->br[i];
    r[HESTIA_IA64_REG_PR] = hv->pr;
    r[HESTIA_IA64_REG_PSR] = hv->ipsr & ((3ull << PSR_CPL_SHIFT) | (3ull << PSR_RI_SHIFT) |
                                         HESTIA_IA64_PSR_USER_MASK);
    r[HESTIA_IA64_REG_CFM] = hv->ifs;
    r[HESTIA_IA64_REG_PFS] = hv->pfs;
    uint64_t bsp, rnat;
    rbs_guest_end(hv, &bsp, &rnat);
    r[HESTIA_IA64_REG_BSP] = bsp;
    r[HESTIA_IA64_REG_RNAT] = rnat;
    r[HESTIA_IA64_REG_UNAT] = hv->unat;
    r[HESTIA_IA64_REG_LC] = hv->lc;
    if (kept_here(hv))
        kept_to_record(r);
}

static bool cfm_ok(uint64_t cfm)
{
    if (!(cfm >> 63))
        return cfm == 0;
    if (cfm & 0x7fffffc000000000ull)
        return false;
    unsigned sof = cfm & 127, sol = cfm >> 7 & 127, sor = cfm >> 14 & 15;
    unsigned rrb_gr = cfm >> 18 & 127, rrb_fr = cfm >> 25 & 127, rrb_pr = cfm >> 32 & 63;
    return sof <= MAX_FRAME && sol <= sof && sor * 8 <= sof &&
           (rrb_gr == 0 || rrb_gr < sor * 8) && rrb_fr < 96 && rrb_pr < 48;
}

const bool hal_vcpu_set_context_reads_once = true;

int hal_vcpu_set_context(struct hal_vcpu *hv, const struct hestia_trap_record *rec)
{
    const uint64_t *r = rec->regs;
    /*
     * Every slot is read once (hal_vcpu_set_context_reads_once): rec may be
     * the guest's own record, which another vCPU can change as we go; the
     * values checked are the values loaded.  core then needs no private
     * copy of the record (a 291-instruction memcpy per trap_return).
     */
    const volatile uint64_t *vr = r;
    uint64_t psr = vr[HESTIA_IA64_REG_PSR], cfm = vr[HESTIA_IA64_REG_CFM];
    uint64_t bsp = vr[HESTIA_IA64_REG_BSP];
    unsigned ri = (unsigned)(psr >> PSR_RI_SHIFT) & 3;
    bool user = cpl_of(psr) == HESTIA_IA64_CPL_USER;
    if (ri == 3 || !cfm_ok(cfm) || (bsp & 7))
        return -HESTIA_EINVAL;
    /* Read the frame back from the guest's store, newest register first. */
    unsigned sof = cfm >> 63 ? (unsigned)(cfm & 127) : 0;
    uint64_t vals[MAX_FRAME], nats = 0, nats_hi = 0;
    uint64_t a = bsp, rn = r[HESTIA_IA64_REG_RNAT];
    struct store_cursor cur;
    cursor_init(&cur, hv, user, MMU_PERM_READ);
    for (unsigned i = 0; i < sof; i++) {
        a -= 8;
        if (slot_of(a) == 63) {
            const uint64_t *w = cursor_at(&cur, a);
            if (!w)
                return -HESTIA_EINVAL;
            rn = *(const volatile uint64_t *)w;
            a -= 8;
        }
        unsigned idx = sof - 1 - i;
        const uint64_t *w = cursor_at(&cur, a);
        if (!w)
            return -HESTIA_EINVAL;
        vals[idx] = *(const volatile uint64_t *)w;
        uint64_t bit = rn >> slot_of(a) & 1;
        if (idx < 64)
            nats |= bit << idx;
        else
            nats_hi |= bit << (idx - 64);
    }
    /* Commit: the frame goes into hv->rbs as if spilled there. */
    uint64_t h = hv->rbs_base, hr = 0;
    for (unsigned i = 0; i < sof; i++) {
        if (slot_of(h) == 63) {
            *(uint64_t *)(uintptr_t)h = hr;
            hr = 0;
            h += 8;
        }
        *(uint64_t *)(uintptr_t)h = vals[i];
        uint64_t bit = i < 64 ? nats >> i & 1 : nats_hi >> (i - 64) & 1;
        hr |= bit << slot_of(h);
        h += 8;
    }
    hv->rbs_bytes = h - hv->rbs_base;
    hv->rbs_rnat = hr;
    hv->bspstore = a;
    hv->rnat = rn;
    hv->iip = r[HESTIA_IA64_REG_IP] & ~15ull;
    /* Unrolled: a loop cost ~7 instructions a register (this runs at every trap_return). */
#pragma GCC unroll 31
    for (unsigned i = 1; i < 32; i++)
        hv->gr[i] = r[i];
    hv->nat_unat = 0;
#pragma GCC unroll 8
    for (unsigned i = 0; i < 8; i++)
        hv->br[i] = r[HESTIA_IA64_REG_BR(i)];
    hv->pr = r[HESTIA_IA64_REG_PR];
    hv->ipsr =
        GUEST_PSR | (psr & HESTIA_IA64_PSR_USER_MASK) | (uint64_t)ri << PSR_RI_SHIFT |
        (uint64_t)(user ? HESTIA_IA64_CPL_USER : HESTIA_IA64_CPL_KERNEL) << PSR_CPL_SHIFT;
    hv->ifs = cfm;
    hv->pfs = r[HESTIA_IA64_REG_PFS] & IA64_PFS_MASK;
    hv->unat = r[HESTIA_IA64_REG_UNAT];
    hv->lc = r[HESTIA_IA64_REG_LC];
    hv->rsc = 0;
    if (kept_here(hv))
        kept_from_vcpu(hv);
    return user ? 1 : 0;
}

void hal_vcpu_enter_handler(struct hal_vcpu *hv, guest_va_t entry_va,
                            guest_va_t kernel_stack_va)
{
    uint64_t entry = guest_va_val(entry_va), kernel_stack = guest_va_val(kernel_stack_va);
    bool from_user = hal_vcpu_in_user(hv);
    uint64_t bsp, rnat;
    if (rbs_to_guest(hv, true, &bsp, &rnat)) {
        bsp = hv->bspstore; /* the guest's own store is bad: it will fault on it */
        rnat = 0;
    }
    if (from_user && kernel_stack) {
        hv->gr[12] = (kernel_stack & ~15ull) - 16;
        /* Aligned as the CPU aligns ar.bspstore (the store is walked in doublewords). */
        hv->bspstore = (kernel_stack - HESTIA_IA64_KSTACK_SIZE) & ~7ull;
        hv->rnat = 0;
    } else {
        hv->gr[12] = ((hv->gr[12] - 64) & ~15ull);
        hv->bspstore = bsp;
        hv->rnat = rnat;
    }
    hv->iip = entry & ~15ull;
    hv->nat_unat = 0;
    hv->ipsr = GUEST_PSR | (uint64_t)HESTIA_IA64_CPL_KERNEL << PSR_CPL_SHIFT;
    hv->ifs = 0;
    hv->pfs = 0;
    hv->rsc = 0;
    hv->rbs_bytes = 0;
    hv->rbs_rnat = 0;
}

/* Nothing caches the callbacks or the kernel stack: core's copy is read at each delivery.
 */
void hal_vcpu_callbacks_changed(struct hal_vcpu *hv)
{
    (void)hv;
}

/*
 * Several CPUs: hv's f32-f127 may still be in the CPU that ran it last
 * (nobody there touched theirs since).  Only that CPU can read or forget
 * them, and only it changes its own fph_owner, so it is asked with
 * core_cpu_call(): it writes them back to hv->fr (keep) or drops them, and
 * gives up the ownership; hv then claims them afresh wherever it runs.
 */
struct fph_release {
    const struct hal_vcpu *hv;
    bool keep;
};

static void fph_release_here(void *arg)
{
    const struct fph_release *r = arg;
    struct hal_cpu *c = hal_this_cpu();
    if (c->fph_owner != r->hv)
        return;
    if (r->keep) /* the CPU's copy is the current one (hence the cast) */
        ia64_fph_save(((struct hal_vcpu *)r->hv)->fr);
    c->fph_owner = NULL;
}

static void fph_release_everywhere(const struct hal_vcpu *hv, bool keep)
{
    struct fph_release r = {hv, keep};
    for (unsigned i = 0; i < HAL_MAX_CPUS; i++)
        if (__atomic_load_n(&ia64_cpu(i)->fph_owner, __ATOMIC_ACQUIRE) == hv)
            core_cpu_call(i, fph_release_here, &r);
}

void ia64_fph_sync(const struct hal_vcpu *hv)
{
    /* This CPU's copy is the current one: refresh hv->fr (same values, so hv
     * is logically unchanged; hence the cast) and keep it; another CPU's
     * copy comes back for good. */
    if (hal_this_cpu()->fph_owner == hv)
        ia64_fph_save(((struct hal_vcpu *)hv)->fr);
    else
        fph_release_everywhere(hv, true);
}

void ia64_fph_drop(const struct hal_vcpu *hv)
{
    fph_release_everywhere(hv, false);
}

/*
 * A Disabled FP-Register fault from hv: if psr.dfh caused it (hal_vcpu_run
 * sets it for every vCPU but the CPU's fph_owner), give the CPU hv's
 * f32-f127, the previous owner's going back to its hal_vcpu first; the
 * next entry clears dfh and the instruction runs again.  false: not ours
 * (psr.dfl, which the hypervisor never sets).
 */
bool ia64_fph_claim(struct hal_vcpu *hv)
{
    struct hal_cpu *c = hal_this_cpu();
    if (!(hv->isr & ISR_CODE_DFH) || !(hv->ipsr & PSR_DFH))
        return false;
    if (c->fph_owner != hv) {
        if (c->fph_owner)
            ia64_fph_save(c->fph_owner->fr);
        fph_release_everywhere(hv, true); /* hv last ran on another CPU */
        ia64_fph_load(hv->fr);
        c->fph_owner = hv;
    }
    return true;
}

/*
 * The kept registers (arch.h, kept.inc; README.md, "Kept registers").  A
 * CPU holds the kept registers of its kept_owner, and they are the
 * current ones: whoever loads hv on another CPU, or rewrites hv's fields
 * (ia64_kept_drop), first clears every other CPU's kept_owner that is hv
 * (kept_forget_everywhere), so a stale copy is never taken for current.
 *
 * One CPU runs guests: the owner's stay in the CPU until another vCPU is
 * entered, which saves them first.  Several CPUs (ia64_kept_shared, from
 * the first hal_cpu_start): a vCPU that leaves a CPU may next run on
 * another, so hal_vcpu_switched_out() saves them while core still holds
 * the vCPU (under the hypervisor lock, before any other CPU may pick it)
 * and keeps the CPU's copy: coming back to a CPU nobody else used loads
 * nothing.  No CPU ever has to ask another for registers.
 */
bool ia64_kept_shared;
static unsigned kept_cpus = 1; /* CPUs 0..kept_cpus-1 may hold kept registers */

void ia64_kept_cpu_starting(unsigned id)
{
    struct hal_cpu *c = hal_this_cpu();
    if (id >= kept_cpus)
        kept_cpus = id + 1;
    if (ia64_kept_shared)
        return;
    /* The owner is not running (boot, hal_cpu_start): its fields become current. */
    if (c->kept_owner)
        ia64_kept_save(c->kept_owner);
    __atomic_store_n(&ia64_kept_shared, true, __ATOMIC_SEQ_CST);
}

/* No CPU's copy of hv's kept registers counts from now on. */
static void kept_forget_everywhere(const struct hal_vcpu *hv)
{
    for (unsigned i = 0; i < kept_cpus; i++) {
        struct hal_vcpu *expect = (struct hal_vcpu *)hv;
        __atomic_compare_exchange_n(&ia64_cpu(i)->kept_owner, &expect, NULL, false,
                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
    }
}

void ia64_kept_sync(const struct hal_vcpu *hv)
{
    /* The CPU's copy is the current one: hv is logically unchanged (hence the cast). */
    if (kept_here(hv))
        ia64_kept_save((struct hal_vcpu *)hv);
}

void ia64_kept_drop(const struct hal_vcpu *hv)
{
    kept_forget_everywhere(hv); /* the fields are hv's now: the next entry loads them */
}

void hal_vcpu_switched_out(struct hal_vcpu *hv)
{
    if (ia64_kept_shared && kept_here(hv))
        ia64_kept_save(hv); /* the CPU keeps its copy, still hv's current one */
}

static void kept_switch(struct hal_cpu *c, struct hal_vcpu *hv)
{
    struct hal_vcpu *old = c->kept_owner;
    if (old == hv)
        return;
    if (ia64_kept_shared)
        kept_forget_everywhere(hv); /* old's were saved when it left (switched_out) */
    else if (old)
        ia64_kept_save(old);
    ia64_kept_load(hv);
    __atomic_store_n(&c->kept_owner, hv, __ATOMIC_RELAXED);
}

/*
 * hv->pr is what the guest reads in its interrupted frame (ivt.S reads it
 * before `cover`); ivt.S loads pr in its own frame, where CFM.rrb.pr = 0,
 * and rfi then applies the interrupted frame's rrb.pr: rotate p16-p63 so
 * that the guest reads hv->pr again.
 */
static uint64_t pr_for_entry(uint64_t pr, uint64_t cfm)
{
    unsigned rrb = cfm >> 63 ? (unsigned)(cfm >> 32 & 63) : 0; /* < 48: cfm_ok, the CPU */
    if (!rrb || rrb >= 48)
        return pr; /* the common case: no software-pipelined loop was interrupted */
    uint64_t rot = pr >> 16 & ((1ull << 48) - 1);
    rot = ((rot << rrb) | (rot >> (48 - rrb))) & ((1ull << 48) - 1);
    return (pr & 0xffff) | rot << 16;
}

HAL_NORETURN void hal_vcpu_run(struct hal_vcpu *hv)
{
    /* The RSE checks its references with RSC.pl: never more privileged
     * than the guest itself (the PL0 pages are the hypervisor's). */
    struct hal_cpu *c = ia64_this_cpu();
    uint64_t ipsr = hv->ipsr, rsc = hv->rsc;
    uint64_t cpl = (ipsr >> PSR_CPL_SHIFT) & 3;
    if (((rsc >> 2) & 3) < cpl)
        hv->rsc = (rsc & ~0xcull) | cpl << 2;
    c->current = hv;
    /* f32-f127 move lazily: touching them faults until hv is their owner. */
    hv->ipsr = c->fph_owner == hv ? ipsr & ~PSR_DFH : ipsr | PSR_DFH;
    hv->pr_entry = pr_for_entry(hv->pr, hv->ifs);
    kept_switch(c, hv);
    /* The region registers: most entries find this CPU's already right (mmu.c). */
    if (c->rr0 != hv->rr0 || c->rr5 != hv->rr5 || c->rr_other != hv->rr_other)
        ia64_load_rr(hv);
    ia64_enter_guest(hv);
}

/* One frame per vCPU (the heap rounds a larger block up to two): docs/density.md. */
_Static_assert(sizeof(struct hal_vcpu) <= 4096, "struct hal_vcpu fits in one frame");
