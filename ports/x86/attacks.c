/* SPDX-License-Identifier: MIT */
/*
 * x86-only isolation attacks of the hostile domU (ring 1): segment limits
 * of every selector, and every segment register (ds es fs gs ss cs) read
 * and written against the hypervisor's gigabyte.  While a guest runs only
 * the trampoline (GDT, IDT, TSS, entry stubs: read-only) and this CPU's
 * entry stack are mapped there; the guest finds them itself with sgdt /
 * sidt and the TSS descriptor, as an attacker would.
 *
 * The entry stack (TSS.ESP0) is the one hypervisor page a ring-1 guest can
 * write on CPUs that ignore segment limits (QEMU's TCG): the CPU pushes the
 * exit frame there with supervisor rights, which ring 1 has too.
 * iso.x86-entry-stack shows what that gives it: the page holds nothing
 * but the guest's own last exit frame; forged frames written there change
 * nothing (the hypervisor copies the frame out at exit and rebuilds it
 * before each entry); and whatever the guest leaves there is wiped before
 * another domain runs (arch/x86/README.md).
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

#define SEG(s)                                                                             \
    long x86_seg_read_##s(uint32_t a);                                                     \
    long x86_seg_write_##s(uint32_t a)
SEG(ds);
SEG(es);
SEG(fs);
SEG(gs);
SEG(ss);
SEG(cs);
#undef SEG

static const struct {
    const char *name;
    long (*rd)(uint32_t);
    long (*wr)(uint32_t);
} segs[] = {
    {"ds", x86_seg_read_ds, x86_seg_write_ds}, {"es", x86_seg_read_es, x86_seg_write_es},
    {"fs", x86_seg_read_fs, x86_seg_write_fs}, {"gs", x86_seg_read_gs, x86_seg_write_gs},
    {"ss", x86_seg_read_ss, x86_seg_write_ss}, {"cs", x86_seg_read_cs, x86_seg_write_cs},
};

#define PAGE 0x1000u
#define HV_START ((uint32_t)HESTIA_X86_HYPERVISOR_START)

/*
 * What the trampoline is, as far as the guest can tell: the shared pages
 * (entry stubs up to the end of the GDT, which the hypervisor links last)
 * and this CPU's own IDT/TSS page and entry stack page.
 */
static uint32_t tramp_lo, tramp_hi, own_tss, own_idt_page, stack_page;
static const uint32_t *gdt_words;
static unsigned gdt_entries;

static uint32_t desc_base(unsigned index)
{
    uint32_t lo = gdt_words[2 * index], hi = gdt_words[2 * index + 1];
    return (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
}

/* A present 32-bit TSS descriptor (available or busy) at GDT index. */
static bool is_tss(unsigned index)
{
    uint32_t hi = gdt_words[2 * index + 1];
    return (hi & 0x8000u) && ((hi >> 8) & 0x1d) == 0x09;
}

static uint32_t task_register(void)
{
    uint32_t tr = 0;
    __asm__ volatile("str %w0" : "+r"(tr));
    return tr & 0xfff8;
}

/* Again after each possible move to another CPU: the own pages are per CPU. */
static void find_trampoline(void)
{
    struct dtr g, i;
    x86_sgdt(&g);
    x86_sidt(&i);
    gdt_words = (const uint32_t *)(uintptr_t)g.base;
    gdt_entries = (g.limit + 1u) / 8;
    own_tss = desc_base(task_register() / 8);
    const uint32_t *idt = (const uint32_t *)(uintptr_t)i.base;
    uint32_t stub0 = (idt[0] & 0xffff) | (idt[1] & 0xffff0000u);
    uint32_t esp0 = ((const uint32_t *)(uintptr_t)own_tss)[1];
    stack_page = (esp0 - 1) & ~(PAGE - 1);
    own_idt_page = i.base & ~(PAGE - 1);
    tramp_lo = MIN(g.base, stub0) & ~(PAGE - 1);
    tramp_hi = ALIGN_UP(g.base + g.limit + 1u, PAGE);
}

static bool own_page(uint32_t page)
{
    return page == stack_page || page == own_idt_page || page == (own_tss & ~(PAGE - 1)) ||
           page == ((own_tss + 103) & ~(PAGE - 1));
}

static bool readable_by_design(uint32_t page)
{
    if ((page >= tramp_lo && page < tramp_hi) || own_page(page))
        return true;
    find_trampoline(); /* readable: perhaps ours since a move to another CPU */
    return (page >= tramp_lo && page < tramp_hi) || own_page(page);
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
            T_CHECK(t, (uint32_t)lim < HV_START,
                    "selector %x: limit %lx covers the hypervisor", sel | rpl, lim);
        }
    }
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail),
                  "%u visible selector/RPL pairs, all below %x", visible, HV_START);
}

/* The pages to try: every 256 KiB of the gigabyte, and every page near the trampoline. */
static bool next_page(uint32_t *p)
{
    uint32_t near_lo = MIN(tramp_lo, MIN(stack_page, own_idt_page)) - 16 * PAGE;
    uint32_t near_hi = MAX(tramp_hi, MAX(stack_page, own_idt_page)) + 64 * PAGE;
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
                    continue; /* writable by design: iso.x86-entry-stack */
                writes++;
                if (segs[s].wr(page + off) == 0 && (find_trampoline(), page != stack_page))
                    t_fail(t, "wrote %x through %s", page + off, segs[s].name);
            }
        }
    } while (next_page(&page));
    if (!t->failed) /* else keep the first failure as the detail */
        ksnprintf(t->detail, sizeof(t->detail),
                  "%u reads (%u in the trampoline %x-%x + own IDT/TSS, stack), %u writes "
                  "all faulted",
                  reads, readable, tramp_lo, tramp_hi, writes);
}

/*
 * The pages of the other CPUs: every TSS descriptor in the GDT but ours
 * is another started CPU's, and its TSS, its IDT and its entry stack (the
 * pages around the TSS) must not be mapped here.  The entry stack is the
 * one the CPU pushes another domain's exit frames onto (issue 16 item 5;
 * arch/x86/README.md "Several CPUs").
 */
static void a_other_cpus(struct tctx *t)
{
    find_trampoline();
    unsigned cpus = 0, probes = 0;
    for (unsigned idx = 0; idx < gdt_entries; idx++) {
        if (!is_tss(idx) || idx == task_register() / 8)
            continue;
        cpus++;
        uint32_t tss_page = desc_base(idx) & ~(PAGE - 1);
        for (uint32_t page = tss_page - 4 * PAGE; page <= tss_page + 4 * PAGE;
             page += PAGE) {
            if ((page >= tramp_lo && page < tramp_hi) || own_page(page))
                continue;
            uint64_t v;
            probes++;
            if (arch_probe_read(page, &v) == 0) {
                find_trampoline(); /* moved to that CPU meanwhile: then it is ours */
                if (!own_page(page))
                    t_fail(t, "read %x: a page of the CPU with TSS selector %x", page,
                           idx * 8);
            }
        }
    }
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail),
                  cpus ? "%u other CPU(s): %u pages around their TSS (entry stack, IDT) "
                         "all faulted"
                       : "%u other CPUs (one CPU: nothing to reach), %u probes",
                  cpus, probes);
}

/* The exit frame at the top of the entry stack (tramp.S's pusha layout). */
struct exit_frame {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags, esp, ss;
};
#define FRAME_WORDS (sizeof(struct exit_frame) / 4)
#define VEC_HYPERCALL 0x82
#define EFLAGS_IOPL (3u << 12)

/* Read n words at va through the fault-safe probe; false if a read faulted. */
static bool read_words(uint32_t va, uint32_t *out, unsigned n)
{
    for (unsigned i = 0; i < n; i += 2) {
        uint64_t v;
        if (i + 1 == n) { /* the last of an odd count: read it as the high half of a pair */
            if (arch_probe_read(va + 4 * i - 4, &v) < 0)
                return false;
            out[i] = (uint32_t)(v >> 32);
            break;
        }
        if (arch_probe_read(va + 4 * i, &v) < 0)
            return false;
        out[i] = (uint32_t)v;
        out[i + 1] = (uint32_t)(v >> 32);
    }
    return true;
}

static uint32_t below[(PAGE - sizeof(struct exit_frame)) / 4];

/* Words below the frame that are not val; the first such index in *first. */
static unsigned count_not(uint32_t base, uint32_t val, unsigned *first)
{
    unsigned bad = 0;
    if (!read_words(base, below, ARRAY_SIZE(below)))
        return ~0u;
    for (unsigned i = 0; i < ARRAY_SIZE(below); i++) {
        if (below[i] != val && !bad++)
            *first = i;
    }
    return bad;
}

static uint32_t current_cs(void)
{
    uint32_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    return cs & 0xffff;
}

static uint32_t current_eflags(void)
{
    uint32_t f;
    __asm__ volatile("pushf; pop %0" : "=r"(f));
    return f;
}

/*
 * What a ring-1 guest can do with the entry stack.  Can: read it (its own
 * last exit frame, zeros below), write it (TCG).  Cannot: find anything of
 * the hypervisor's or another domain's there, change what the hypervisor
 * does by forging frames, or leave data there for another domain.
 */
static void a_entry_stack(struct tctx *t)
{
    uint32_t top = 0, frame_va = 0;
    struct exit_frame f;
    /*
     * 1. Our own registers at our last exit (an interrupt or a move to
     * another CPU, whose entry stack is elsewhere, in between: try again).
     */
    const uint32_t m2 = 0x2222beef, m3 = 0x3333beef, m4 = 0x4444beef;
    bool mine = false, readable = false;
    for (int i = 0; i < 20 && !mine; i++) {
        find_trampoline();
        top = stack_page + PAGE;
        frame_va = top - (uint32_t)sizeof(struct exit_frame);
        unsigned long fl = irq_save();
        long v = HC(HYPERCALL_version, VERSION_abi, 0, m2, m3, m4);
        bool now = read_words(frame_va, (uint32_t *)&f, FRAME_WORDS);
        readable |= now;
        irq_restore(fl);
        mine = now && f.eax == (uint32_t)v && f.edx == m2 && f.esi == m3 && f.edi == m4 &&
               f.vector == VEC_HYPERCALL && f.cs == HESTIA_X86_KERNEL_CS &&
               f.eip >= (uintptr_t)__image_start && f.eip < (uintptr_t)__image_end;
    }
    if (!readable) { /* a CPU that enforces limits: nothing to see at all */
        kstrlcpy(t->detail, "entry stack unreadable from ring 1", sizeof(t->detail));
        return;
    }
    T_CHECK(t, mine,
            "frame at %x is not our hypercall: eax %x edx %x cs %x vector %x eip %x",
            frame_va, f.eax, f.edx, f.cs, f.vector, f.eip);
    /* 2. Below the frame: zeros (the hypervisor never runs on it, no one left data). */
    unsigned first = 0, bad = count_not(stack_page, 0, &first);
    T_CHECK(t, bad == 0, "%u non-zero words below the frame, first %x at %x", bad,
            below[first], stack_page + 4 * first);
    /* 3. Forged frames everywhere: ring-0 code, IOPL 3, an eip in the hypervisor. */
    struct exit_frame forged = {.ds = 0x10,
                                .es = 0x10,
                                .eip = stack_page,
                                .cs = 0x08,
                                .eflags = 0x2 | EFLAGS_IOPL,
                                .esp = top,
                                .ss = 0x10,
                                .vector = VEC_HYPERCALL};
    const uint32_t *fw = (const uint32_t *)&forged;
    unsigned words = PAGE / 4, written = 0;
    for (unsigned i = 0; i + 1 < words; i += 2) {
        uint32_t off = (PAGE - 4 * (i + 2)) % (uint32_t)sizeof(forged);
        uint64_t v = fw[off / 4] | (uint64_t)fw[(off / 4 + 1) % FRAME_WORDS] << 32;
        if (arch_probe_write(stack_page + 4 * i, v) == 0)
            written += 2;
    }
    long ver = HC(HYPERCALL_version, VERSION_abi, 0, 0, 0, 0);
    uint64_t dummy;
    long pf = arch_probe_read(8, &dummy); /* an exit through a fault, and back */
    thread_yield();
    T_EQ(t, ver, HESTIA_ABI_VERSION);
    T_EQ(t, pf, -1);
    T_EQ(t, current_cs(), HESTIA_X86_KERNEL_CS);
    T_CHECK(t, (current_eflags() & EFLAGS_IOPL) == 0, "IOPL %u after forged frames",
            (current_eflags() >> 12) & 3);
    /* 4. What we wrote is gone by the time we run after another domain (or idle). */
    unsigned waited = 0, left = 0;
    bool moved = false;
    if (written) {
        uint32_t mark = 0x0bad0bad;
        for (unsigned i = 0; i < ARRAY_SIZE(below); i += 2)
            arch_probe_write(stack_page + 4 * i, mark | (uint64_t)mark << 32);
        /* Still ours while we run: the hypervisor itself never writes below the frame. */
        HC(HYPERCALL_version, VERSION_abi, 0, 0, 0, 0);
        T_EQ(t, count_not(stack_page, mark, &first), 0);
        /*
         * The victim wakes every second: wait for a switch to it and back.
         * With several CPUs we may be moved instead: the marked stack is
         * then another CPU's, and must be out of our reach from here.
         */
        uint32_t marked = stack_page;
        while (waited < 5000) {
            find_trampoline();
            if (stack_page != marked) {
                moved = true;
                left = count_not(marked, 0, &first) == ~0u ? 0 : 1;
                T_CHECK(t, left == 0,
                        "moved to another CPU, yet its entry stack %x is readable", marked);
                break;
            }
            if ((left = count_not(marked, 0, &first)) == 0)
                break;
            thread_sleep_ns(10000000);
            waited += 10;
        }
        T_CHECK(t, left == 0, "%u words of ours still on the entry stack after %u ms", left,
                waited);
    }
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail),
                  "readable (own frame only), %u/%u words writable, forged frames ignored, "
                  "%s within %u ms",
                  written, words, moved ? "moved CPU, old stack out of reach" : "wiped",
                  waited);
}

const struct arch_attack arch_attacks[] = {
    {"iso.x86-segment-limits", a_limits},
    {"iso.x86-segment-registers", a_segments},
    {"iso.x86-entry-stack", a_entry_stack},
    {"iso.x86-other-cpus", a_other_cpus},
    {NULL, NULL},
};
