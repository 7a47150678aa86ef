/* SPDX-License-Identifier: MIT */
/*
 * What the platform.c of both native x86 platforms shares (docs/native.md):
 * a trap's way from the frame stubs.S built to the kernel (interrupts,
 * the system call, exceptions and their kinds) and the start of day after
 * the descriptor tables.  The frame's layout and its conversion to a trap
 * record differ for real (32- against 64-bit registers), so each
 * platform.c defines, before the include, struct nat_frame (with vector,
 * error and cs), frame_to_rec(), VEC_SYSCALL and SYSCALL_TRAP_VECTOR (the
 * vector a system call's trap reports).  Included once, so that
 * exception_kind() and frame_to_rec() inline into nat_trap() as before.
 */
#ifndef NATIVE_TRAP_OPS_H
#define NATIVE_TRAP_OPS_H

static unsigned exception_kind(unsigned vec)
{
    switch (vec) {
    case 0:
        return HESTIA_TRAP_DIVIDE;
    case 3:
        return HESTIA_TRAP_BREAKPOINT;
    case 6:
        return HESTIA_TRAP_INVALID_OP;
    case 13:
        return HESTIA_TRAP_PROTECTION;
    case 14:
        return HESTIA_TRAP_PAGE_FAULT;
    case 16:
    case 19:
        return HESTIA_TRAP_FP;
    case 17:
        return HESTIA_TRAP_ALIGNMENT;
    default:
        return HESTIA_TRAP_OTHER;
    }
}

/* Called by stubs.S with interrupts off for every trap: delivers it to the
 * kernel (and never returns) or returns to resume f unchanged. */
void nat_trap(struct nat_frame *f);
void nat_trap(struct nat_frame *f)
{
    struct hestia_trap_record rec;
    if (f->vector == PC_VEC_TIMER || f->vector == PC_VEC_EVENT ||
        f->vector == PC_VEC_SPURIOUS) {
        if (f->vector == PC_VEC_TIMER) {
            pc_lapic_eoi();
            native_timer_fired();
        }
        if (!native_event_due())
            return;
        frame_to_rec(f, &rec);
        native_deliver(&rec, HESTIA_TRAP_EVENT, 0, 0, 0);
    }
    frame_to_rec(f, &rec);
    if (f->vector == VEC_SYSCALL)
        native_deliver(&rec, HESTIA_TRAP_SYSCALL, SYSCALL_TRAP_VECTOR, 0, 0);
    unsigned kind = exception_kind((unsigned)f->vector);
    uint64_t addr = 0, err = f->error;
    if (kind == HESTIA_TRAP_PAGE_FAULT) {
        uintptr_t cr2;
        __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
        addr = cr2;
        /* The CPU's P W U I bits are HESTIA_PF_* in the same places but I (bit 4). */
        err = (f->error & 7) | ((f->error & 0x10) ? HESTIA_PF_EXEC : 0);
    }
    native_deliver(&rec, kind, (unsigned)f->vector, err, addr);
}

struct multiboot_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
};

/*
 * The rest of the start of day, the descriptor tables loaded: the memory
 * size and command line from Multiboot (magic, info at physical info_pa),
 * the page tables, the timer, then the kernel.
 */
__attribute__((noreturn)) static void start_of_day(uint32_t magic, uint32_t info_pa)
{
    const char *cmdline = "";
    uint64_t mem = 64ull << 20;
    if (magic == 0x2badb002) {
        const struct multiboot_info *mb =
            (const struct multiboot_info *)(uintptr_t)(NATIVE_VIRT_BASE + info_pa);
        if (mb->flags & 1)
            mem = (1ull << 20) + (uint64_t)mb->mem_upper * 1024;
        if (mb->flags & 4)
            cmdline = (const char *)(uintptr_t)(NATIVE_VIRT_BASE + mb->cmdline);
    }
    uint64_t nr_pages = nat_pt_init(mem);
    uint64_t hz = pc_timer_init((uintptr_t)nat_pt_map_mmio(pc_lapic_enable()));
    __asm__ volatile("sti");
    native_start(nr_pages, NATIVE_VIRT_BASE, hz, cmdline);
}

#endif
