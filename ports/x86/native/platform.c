/* SPDX-License-Identifier: MIT */
/*
 * The native x86 (32-bit) platform (docs/native.md): the guest kernel in
 * ring 0 on the bare PC, its user tasks in ring 3.  Descriptor tables, the
 * trap frame <-> trap record conversion, int 0x80 and the entry from
 * boot.S.  Page tables: pt.c; COM1, the LAPIC timer and the exit: pc.c;
 * the trap dispatch and start of day both platforms share: trap_ops.h.
 */
#include <port/arch_regs.h>
#include <port/kernel.h>
#include <port/native.h>

#include "native_x86.h"
#include "pc.h"

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1b
#define SEL_UDATA 0x23 /* also DS ES FS GS in both modes: never reloaded */
#define SEL_TSS 0x28
#define VEC_SYSCALL 0x80
#define EFLAGS_IF 0x200u

/* The frame stubs.S builds, lowest address first; esp ss only from user mode. */
struct nat_frame {
    uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags, esp, ss;
};

/* What nat_resume_frame loads: pusha image, then where the iret frame is. */
struct resume_frame {
    uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;
    uint32_t iret_frame;
    uint32_t eip, cs, eflags, esp, ss; /* the iret frame when it returns to user mode */
};

void nat_resume_frame(struct resume_frame *f) __attribute__((noreturn));
extern const uint32_t nat_vector_stubs[36];
extern char nat_entry_stack_top[];

struct tss32 {
    uint16_t link, r0;
    uint32_t esp0;
    uint16_t ss0, r1;
    uint32_t unused[22];
    uint16_t trap, iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss32) == 104, "TSS layout");

static struct tss32 tss;
static uint64_t gdt[6];
static uint64_t idt[256];

static void gdt_setup(void)
{
    gdt[0] = 0;
    gdt[1] = 0x00cf9a000000ffffull; /* 0x08 kernel code */
    gdt[2] = 0x00cf92000000ffffull; /* 0x10 kernel data */
    gdt[3] = 0x00cffa000000ffffull; /* 0x18 user code */
    gdt[4] = 0x00cff2000000ffffull; /* 0x20 user data */
    uint64_t base = (uintptr_t)&tss, limit = sizeof(tss) - 1;
    gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
             ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
    tss.esp0 = (uintptr_t)nat_entry_stack_top;
    tss.ss0 = SEL_KDATA;
    tss.iomap_base = sizeof(tss);
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) gdtr = {sizeof(gdt) - 1, (uintptr_t)gdt};
    __asm__ volatile("lgdt %0\n"
                     "ljmp $0x08, $1f\n"
                     "1: mov $0x10, %%eax\n"
                     "mov %%eax, %%ss\n"
                     "mov $0x23, %%eax\n"
                     "mov %%eax, %%ds\n"
                     "mov %%eax, %%es\n"
                     "mov %%eax, %%fs\n"
                     "mov %%eax, %%gs\n"
                     "ltr %w1\n" ::"m"(gdtr),
                     "r"(SEL_TSS)
                     : "eax", "memory");
}

static void idt_set(unsigned vec, uint32_t handler, unsigned dpl)
{
    idt[vec] = (handler & 0xffff) | ((uint64_t)SEL_KCODE << 16) |
               ((uint64_t)(0x8e | dpl << 5) << 40) | ((uint64_t)(handler >> 16) << 48);
}

static void idt_setup(void)
{
    for (unsigned i = 0; i < 32; i++)
        idt_set(i, nat_vector_stubs[i], 0);
    idt_set(PC_VEC_TIMER, nat_vector_stubs[32], 0);
    idt_set(PC_VEC_EVENT, nat_vector_stubs[33], 0);
    idt_set(VEC_SYSCALL, nat_vector_stubs[34], 3); /* int 0x80 from ring 3 */
    idt_set(PC_VEC_SPURIOUS, nat_vector_stubs[35], 0);
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) idtr = {sizeof(idt) - 1, (uintptr_t)idt};
    __asm__ volatile("lidt %0" ::"m"(idtr));
}

/*
 * int 0x80 straight to the kernel's entry, as the hypervisor opens its trap
 * gate (hestia/arch/x86.h): a trap gate (interrupts stay on) from ring 3,
 * the CPU's frame on the task's kernel stack, which entries from user mode
 * then use too.  Until both are known, int 0x80 goes through the record.
 */
void nat_syscall_route(uint64_t syscall_entry, uint64_t kernel_stack)
{
    if (syscall_entry && kernel_stack) {
        tss.esp0 = (uint32_t)kernel_stack;
        idt[VEC_SYSCALL] = (syscall_entry & 0xffff) | ((uint64_t)SEL_KCODE << 16) |
                           (0xefull << 40) |
                           ((uint64_t)(syscall_entry >> 16 & 0xffff) << 48);
    } else {
        tss.esp0 = (uint32_t)(uintptr_t)nat_entry_stack_top;
        idt_set(VEC_SYSCALL, nat_vector_stubs[34], 3);
    }
}

static void frame_to_rec(struct nat_frame *f, struct hestia_trap_record *r)
{
    for (unsigned i = 0; i < HESTIA_TRAP_REGS; i++)
        r->regs[i] = 0;
    uint64_t *g = r->regs;
    bool user = (f->cs & 3) != 0;
    g[HESTIA_X86_REG_EAX] = f->eax;
    g[HESTIA_X86_REG_EBX] = f->ebx;
    g[HESTIA_X86_REG_ECX] = f->ecx;
    g[HESTIA_X86_REG_EDX] = f->edx;
    g[HESTIA_X86_REG_ESI] = f->esi;
    g[HESTIA_X86_REG_EDI] = f->edi;
    g[HESTIA_X86_REG_EBP] = f->ebp;
    /* Without a privilege change the CPU pushes no esp: it was just above the frame. */
    g[HESTIA_X86_REG_ESP] = user ? f->esp : (uint32_t)(uintptr_t)&f->esp;
    g[HESTIA_X86_REG_EIP] = f->eip;
    g[HESTIA_X86_REG_EFLAGS] = f->eflags;
    g[HESTIA_X86_REG_CS] = f->cs & 0xffff;
    g[HESTIA_X86_REG_SS] = user ? f->ss & 0xffff : SEL_KDATA;
    g[HESTIA_X86_REG_DS] = g[HESTIA_X86_REG_ES] = g[HESTIA_X86_REG_FS] =
        g[HESTIA_X86_REG_GS] = SEL_UDATA;
    g[HESTIA_X86_REG_MODE] = user ? HESTIA_X86_MODE_USER : HESTIA_X86_MODE_KERNEL;
}

bool nat_rec_is_user(const struct hestia_trap_record *rec)
{
    return rec->regs[HESTIA_X86_REG_MODE] == HESTIA_X86_MODE_USER;
}

void nat_resume(const struct hestia_trap_record *rec)
{
    const uint64_t *g = rec->regs;
    struct resume_frame *f =
        (struct resume_frame *)(uintptr_t)((uintptr_t)nat_entry_stack_top - sizeof(*f));
    f->eax = (uint32_t)g[HESTIA_X86_REG_EAX];
    f->ebx = (uint32_t)g[HESTIA_X86_REG_EBX];
    f->ecx = (uint32_t)g[HESTIA_X86_REG_ECX];
    f->edx = (uint32_t)g[HESTIA_X86_REG_EDX];
    f->esi = (uint32_t)g[HESTIA_X86_REG_ESI];
    f->edi = (uint32_t)g[HESTIA_X86_REG_EDI];
    f->ebp = (uint32_t)g[HESTIA_X86_REG_EBP];
    /* Interrupts on, IOPL 0, the kernel's own flags otherwise (as the hypervisor masks). */
    uint32_t eflags =
        ((uint32_t)g[HESTIA_X86_REG_EFLAGS] & HESTIA_X86_EFLAGS_GUEST) | EFLAGS_IF | 0x2;
    uint32_t eip = (uint32_t)g[HESTIA_X86_REG_EIP], esp = (uint32_t)g[HESTIA_X86_REG_ESP];
    if (nat_rec_is_user(rec)) {
        f->eip = eip;
        f->cs = SEL_UCODE;
        f->eflags = eflags;
        f->esp = esp;
        f->ss = SEL_UDATA;
        f->iret_frame = (uint32_t)(uintptr_t)&f->eip;
    } else {
        /* Same privilege: iret pops eip cs eflags only, so they go on the target stack. */
        uint32_t *t = (uint32_t *)(uintptr_t)(esp - 12);
        t[0] = eip;
        t[1] = SEL_KCODE;
        t[2] = eflags;
        f->iret_frame = esp - 12;
    }
    nat_resume_frame(f);
}

void nat_enter_handler(uint64_t entry, uint64_t sp, const struct hestia_trap_record *rec)
{
    uint32_t esp = (uint32_t)(sp ? sp : rec->regs[HESTIA_X86_REG_ESP]);
    /* The entry leaves its own red zone below esp; sti's shadow covers the jmp. */
    __asm__ volatile("mov %0, %%esp\n"
                     "sti\n"
                     "jmp *%1" ::"r"(esp),
                     "r"((uint32_t)entry)
                     : "memory");
    __builtin_unreachable();
}

#define SYSCALL_TRAP_VECTOR VEC_SYSCALL /* int 0x80's, as the hypervisor reports it */
#include "trap_ops.h"

void nat_x86_main(uint32_t magic, uint32_t info_pa);
void nat_x86_main(uint32_t magic, uint32_t info_pa)
{
    gdt_setup();
    idt_setup();
    start_of_day(magic, info_pa);
}
