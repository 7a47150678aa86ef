/* SPDX-License-Identifier: MIT */
/*
 * hal_copy_from_guest / hal_copy_to_guest on x86_64 (hal/guest_copy.h):
 * through the guest's own mapping when it is what CR3 holds, the software
 * walk (hal/lib/guest_copy_walk.c) otherwise.
 *
 * While a PV vCPU's hypercall runs, CR3 is still its kernel view (kernel
 * window of its kernel space + its current user space, vcpu.c), the
 * spaces the walk would look in.  So a copy can be one access through the
 * guest address, as Xen's and Linux's copy_from_user do: its two
 * instructions are in the exception table, and a #PF there resumes at a
 * fix-up that reports failure (x86_64_extable_fixup, called by trap.c).
 * A direct copy that fails is not the answer: the walk then decides (a
 * view not yet rebuilt for a new top-level table, a write to a page
 * write-protected for log-dirty), so -HESTIA_EFAULT still means exactly
 * what the walk refuses.
 *
 * The walk's checks, and how the direct access keeps each:
 *   - a hypervisor address (upper half, or wrapping around): refused here
 *     before any access; the guest windows are all in the lower half;
 *   - not mapped: #PF (P = 0), then the walk;
 *   - a write to a page mapped without MMU_PERM_WRITE: #PF (W = 0, and
 *     CR0.WP = 1 since boot.S), then the walk;
 *   - a read of a page mapped without MMU_PERM_READ (x86 cannot make such
 *     a page unreadable), and device memory (core_frame_is_ram): the
 *     direct access is not tried for a domain that has either kind of
 *     mapping (core/pvmmu.c says so: hal_as_set_direct_copy on its kernel
 *     space);
 *   - kernel and user space: the kernel view holds both, as the walk
 *     looks in both; user mode (its CR3 is the user space's) and any
 *     vCPU whose kernel view is not in CR3 use the walk.
 * A direct write sets the mapping's dirty bit like a guest write, which
 * log-dirty harvests (core/logdirty.c): no core_frame_written() needed.
 */
#include <hal/entry.h>
#include <hal/guest_copy.h>
#include <hestia/errno.h>
#include <x86_64/arch.h>

#define LOWER_HALF_END 0x0000800000000000ull
#define CR4_SMAP (1ull << 21)

/* The table (linker.ld): where an access through a guest address may fault. */
struct extable_entry {
    uint64_t insn, fixup;
};
extern const struct extable_entry __extable_start[], __extable_end[];

bool x86_64_extable_fixup(struct x86_64_frame *f)
{
    if (f->vector != X86_EXC_PF)
        return false;
    for (const struct extable_entry *e = __extable_start; e < __extable_end; e++) {
        if (e->insn == f->rip) {
            f->rip = e->fixup;
            return true;
        }
    }
    return false;
}

/* Whether SMAP is on (cpu.c sets it on every CPU alike): then stac / clac. */
static bool smap_on(void)
{
    static int8_t smap = -1;
    if (__builtin_expect(smap < 0, 0))
        smap = (read_cr4() & CR4_SMAP) != 0;
    return smap;
}

/*
 * Copy len bytes with rep movsq / rep movsb through whatever CR3 maps now:
 * 0, or -1 if an access faulted.  Both instructions are in the exception
 * table; the fix-up (out of line, .text.fixup) makes the result -1 and
 * resumes after the copy.  DF is clear in the hypervisor (common_entry's
 * cld, FMASK on syscall).  Inline: a hypercall argument is a few words.
 */
static inline __attribute__((always_inline)) long copy_direct(void *dst, const void *src,
                                                              size_t len)
{
    long rc = 0;
    size_t words = len >> 3, bytes = len & 7;
    __asm__ volatile("1: rep movsq\n"
                     "   mov %[bytes], %%rcx\n"
                     "2: rep movsb\n"
                     "3:\n"
                     "   .pushsection .text.fixup, \"ax\"\n"
                     "4: mov $-1, %[rc]\n"
                     "   jmp 3b\n"
                     "   .popsection\n"
                     "   .pushsection .extable, \"a\"\n"
                     "   .balign 8\n"
                     "   .quad 1b, 4b\n"
                     "   .quad 2b, 4b\n"
                     "   .popsection\n"
                     : [rc] "+r"(rc), "+D"(dst), "+S"(src), "+c"(words)
                     : [bytes] "r"(bytes)
                     : "memory");
    return rc;
}

/*
 * 0 if [va, va + len) was copied through the live CR3 (dst / src the
 * hypervisor's side), -1 if the walk must decide, -HESTIA_EFAULT for a
 * range that reaches the hypervisor's half.
 */
static inline __attribute__((always_inline)) long
direct(struct vcpu *v, void *dst, const void *src, uint64_t va, size_t len)
{
    uint64_t end = va + (uint64_t)len;
    if (end < va || end > LOWER_HALF_END)
        return -HESTIA_EFAULT;
    /*
     * v is the vCPU this CPU entered in kernel mode (its hypercall: the
     * per-CPU word, not a call into core, finds its HAL half), CR3 is its
     * kernel view (loaded at its entry), that view is of its current
     * spaces (kview_valid: hal_vcpu_set_spaces clears it) and its domain
     * has no mapping the walk would refuse but the access could read.
     */
    const struct hal_vcpu *hv = x86_64_this_cpu()->entered;
    if (!hv || hv->v != v || !hv->kview_valid || !hv->kernel->pt.direct_copy ||
        read_cr3() != mfn_val(hv->kview_pml4_mfn) << HAL_PAGE_SHIFT)
        return -1;
    if (__builtin_expect(!smap_on(), 1))
        return copy_direct(dst, src, len);
    __asm__ volatile("stac" ::: "memory");
    long rc = copy_direct(dst, src, len);
    __asm__ volatile("clac" ::: "memory");
    return rc;
}

/*
 * The walk through v's spaces: what the direct access could not decide.
 * Out of line, so the direct path saves no registers for it (a tail call).
 */
static __attribute__((noinline)) int walk_from(struct vcpu *v, void *dst, guest_va_t src,
                                               size_t len)
{
    struct hal_vcpu *hv = core_vcpu_hal(v);
    if (!hv || !hv->kernel)
        return -HESTIA_EFAULT;
    return hal_walk_copy_from(hv->kernel, hv->user, dst, src, len);
}

static __attribute__((noinline)) int walk_to(struct vcpu *v, guest_va_t dst,
                                             const void *src, size_t len)
{
    struct hal_vcpu *hv = core_vcpu_hal(v);
    if (!hv || !hv->kernel)
        return -HESTIA_EFAULT;
    return hal_walk_copy_to(hv->kernel, hv->user, dst, src, len);
}

int hal_copy_from_guest(struct vcpu *v, void *dst, guest_va_t src, size_t len)
{
    uint64_t va = guest_va_val(src);
    long rc = direct(v, dst, (const void *)(uintptr_t)va, va, len);
    if (rc == -1)
        return walk_from(v, dst, src, len);
    return (int)rc;
}

int hal_copy_to_guest(struct vcpu *v, guest_va_t dst, const void *src, size_t len)
{
    uint64_t va = guest_va_val(dst);
    long rc = direct(v, (void *)(uintptr_t)va, src, va, len);
    if (rc == -1)
        return walk_to(v, dst, src, len);
    return (int)rc;
}
