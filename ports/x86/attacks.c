/* SPDX-License-Identifier: MIT */
/*
 * x86-only isolation attacks of the hostile domU (ring 1): segment limits
 * of every selector, and every segment register (ds es fs gs ss cs) read
 * and written against the hypervisor's gigabyte.  While a guest runs only
 * the trampoline (GDT, IDT, TSS, entry stubs: read-only) and this CPU's
 * entry stack are mapped there; the guest finds them itself with sgdt /
 * sidt and the TSS descriptor, as an attacker would.
 *
 * The entry stack is the one hypervisor page a ring-1 guest can write on
 * CPUs that ignore segment limits (QEMU's TCG): the CPU pushes the exit
 * frame there with supervisor rights, which ring 1 has too.  It only ever
 * holds the running guest's own registers (the hypervisor copies them out
 * at once and rebuilds the frame before each entry), so it is read but
 * not written here.
 */
#include <port/arch_regs.h>
#include <port/kernel.h>

struct dtr {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

void x86_sgdt(struct dtr *d);
void x86_sidt(struct dtr *d);
long x86_lsl(uint32_t sel);

#define SEG(s) long x86_seg_read_##s(uint32_t a); long x86_seg_write_##s(uint32_t a);
SEG(ds) SEG(es) SEG(fs) SEG(gs) SEG(ss) SEG(cs)
#undef SEG

static const struct {
    const char *name;
    long (*rd)(uint32_t);
    long (*wr)(uint32_t);
} segs[] = {
    { "ds", x86_seg_read_ds, x86_seg_write_ds }, { "es", x86_seg_read_es, x86_seg_write_es },
    { "fs", x86_seg_read_fs, x86_seg_write_fs }, { "gs", x86_seg_read_gs, x86_seg_write_gs },
    { "ss", x86_seg_read_ss, x86_seg_write_ss }, { "cs", x86_seg_read_cs, x86_seg_write_cs },
};

#define PAGE 0x1000u
#define HV_START ((uint32_t)HESTIA_X86_HYPERVISOR_START)

/* What the trampoline is, as far as the guest can tell. */
static uint32_t tramp_lo, tramp_hi, stack_page;

static void find_trampoline(void)
{
    struct dtr g, i;
    x86_sgdt(&g);
    x86_sidt(&i);
    const uint32_t *gdt = (const uint32_t *)(uintptr_t)g.base;
    /* TSS descriptor at 0x38: base in bits 16..39 and 56..63. */
    uint32_t lo = gdt[14], hi = gdt[15];
    uint32_t tss = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
    const uint32_t *idt = (const uint32_t *)(uintptr_t)i.base;
    uint32_t stub0 = (idt[0] & 0xffff) | (idt[1] & 0xffff0000u);
    uint32_t esp0 = ((const uint32_t *)(uintptr_t)tss)[1];
    stack_page = (esp0 - 1) & ~(PAGE - 1);
    tramp_lo = MIN(MIN(g.base, i.base), MIN(tss, stub0)) & ~(PAGE - 1);
    tramp_hi = ALIGN_UP(MAX(MAX(g.base + g.limit, i.base + i.limit), tss + 104), PAGE);
}

static bool readable_by_design(uint32_t page)
{
    return (page >= tramp_lo && page < tramp_hi) || page == stack_page;
}

/* Every selector: a visible one must end below the hypervisor. */
static void a_limits(struct tctx *t)
{
    unsigned visible = 0;
    for (uint32_t sel = 0; sel < 0x80; sel += 8) {
        for (uint32_t rpl = 0; rpl < 4; rpl++) {
            long lim = x86_lsl(sel | rpl);
            if (lim == -1)
                continue;
            visible++;
            T_CHECK(t, (uint32_t)lim < HV_START, "selector %x: limit %lx covers the hypervisor",
                    sel | rpl, lim);
        }
    }
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail), "%u visible selector/RPL pairs, all below %x",
                  visible, HV_START);
}

/* The pages to try: every 256 KiB of the gigabyte, and every page near the trampoline. */
static bool next_page(uint32_t *p)
{
    uint32_t near_lo = tramp_lo - 16 * PAGE, near_hi = tramp_hi + 64 * PAGE;
    uint32_t n = *p + PAGE;
    if (n < near_lo || n >= near_hi)
        n = (n + 0x3ffffu) & ~0x3ffffu;
    if (*p < near_lo && n > near_lo)
        n = near_lo;
    if (n <= *p)
        return false; /* wrapped past 4 GiB */
    *p = n;
    return true;
}

static void a_segments(struct tctx *t)
{
    find_trampoline();
    T_CHECK(t, tramp_lo >= HV_START && stack_page >= HV_START, "trampoline %x, stack %x",
            tramp_lo, stack_page);
    unsigned reads = 0, writes = 0, readable = 0;
    uint32_t page = HV_START;
    do {
        for (unsigned s = 0; s < ARRAY_SIZE(segs); s++) {
            for (uint32_t off = 0; off < PAGE; off += PAGE / 2) {
                long r = segs[s].rd(page + off);
                reads++;
                if (r == 0 && !readable_by_design(page))
                    t_fail(t, "read %x through %s", page + off, segs[s].name);
                readable += r == 0;
                if (page == stack_page)
                    continue;
                writes++;
                if (segs[s].wr(page + off) == 0)
                    t_fail(t, "wrote %x through %s", page + off, segs[s].name);
            }
        }
    } while (next_page(&page));
    if (!t->failed) /* else keep the first failure as the detail */
        ksnprintf(t->detail, sizeof(t->detail),
                  "%u reads (%u in the trampoline %x-%x + stack), %u writes all faulted", reads,
                  readable, tramp_lo, tramp_hi, writes);
}

const struct arch_attack arch_attacks[] = {
    { "iso.x86-segment-limits", a_limits },
    { "iso.x86-segment-registers", a_segments },
    { NULL, NULL },
};
