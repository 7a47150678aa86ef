/* SPDX-License-Identifier: MIT */
/*
 * The native x86_64 platform (docs/native.md): the guest kernel in ring 0
 * on the bare PC.  Descriptor tables, the trap frame <-> trap record
 * conversion, the syscall instruction and the entry from boot.S.  Page
 * tables: pt.c; COM1, the LAPIC timer and the exit: ports/x86/native/pc.c;
 * the trap dispatch and start of day both platforms share: trap_ops.h there.
 */
#include <port/arch_regs.h>
#include <port/kernel.h>
#include <port/native.h>

#include "../../x86/native/pc.h"
#include "native_x86_64.h"

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x23
#define SEL_UCODE 0x2b
#define SEL_TSS 0x30
#define VEC_SYSCALL 0x100
#define RFLAGS_IF 0x200ull

/* The frame stubs.S builds, lowest address first. */
struct nat_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct nat_frame) == 22 * 8, "stubs.S frame");

void nat_resume_frame(struct nat_frame *f) __attribute__((noreturn));
void nat_syscall_entry(void);
extern const uint64_t nat_vector_stubs[35];
extern char nat_entry_stack_top[];

/* ---- descriptor tables -------------------------------------------------- */

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
} __attribute__((packed));

static struct tss64 tss;
static uint64_t gdt[8];
static uint64_t idt[256 * 2];

static void gdt_setup(void)
{
    gdt[0] = 0;
    gdt[1] = 0x00af9a000000ffffull; /* 0x08 kernel code, 64-bit */
    gdt[2] = 0x00cf92000000ffffull; /* 0x10 kernel data */
    gdt[3] = 0x00cffa000000ffffull; /* 0x18 user code, 32-bit (sysret's pair; unused) */
    gdt[4] = 0x00cff2000000ffffull; /* 0x20 user data */
    gdt[5] = 0x00affa000000ffffull; /* 0x28 user code, 64-bit */
    uint64_t base = (uintptr_t)&tss, limit = sizeof(tss) - 1;
    gdt[6] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
             ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
    gdt[7] = base >> 32;
    tss.rsp[0] = (uintptr_t)nat_entry_stack_top;
    tss.iomap_base = sizeof(tss);
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) gdtr = {sizeof(gdt) - 1, (uintptr_t)gdt};
    __asm__ volatile("lgdt %0\n"
                     "pushq $0x08\n"
                     "lea 1f(%%rip), %%rax\n"
                     "pushq %%rax\n"
                     "lretq\n"
                     "1: mov $0x10, %%eax\n"
                     "mov %%eax, %%ds\n"
                     "mov %%eax, %%es\n"
                     "mov %%eax, %%ss\n"
                     "ltr %w1\n" ::"m"(gdtr),
                     "r"(SEL_TSS)
                     : "rax", "memory");
}

static void idt_set(unsigned vec, uint64_t handler)
{
    idt[vec * 2] = (handler & 0xffff) | ((uint64_t)SEL_KCODE << 16) | (0x8eull << 40) |
                   ((handler >> 16 & 0xffff) << 48);
    idt[vec * 2 + 1] = handler >> 32;
}

static void idt_setup(void)
{
    for (unsigned i = 0; i < 32; i++)
        idt_set(i, nat_vector_stubs[i]);
    idt_set(PC_VEC_TIMER, nat_vector_stubs[32]);
    idt_set(PC_VEC_EVENT, nat_vector_stubs[33]);
    idt_set(PC_VEC_SPURIOUS, nat_vector_stubs[34]);
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = {sizeof(idt) - 1, (uintptr_t)idt};
    __asm__ volatile("lidt %0" ::"m"(idtr));
}

/* syscall from ring 3 enters nat_syscall_entry with interrupts off. */
static void syscall_setup(void)
{
    wrmsr(0xc0000081, ((uint64_t)0x18 << 48) | ((uint64_t)SEL_KCODE << 32)); /* STAR */
    wrmsr(0xc0000082, (uintptr_t)nat_syscall_entry);                         /* LSTAR */
    wrmsr(0xc0000084, 0x47700); /* SFMASK: IF TF DF AC NT */
}

/* x86_64's PV system calls always pass through the trap record: nothing to route. */
void nat_syscall_route(uint64_t syscall_entry, uint64_t kernel_stack)
{
    (void)syscall_entry;
    (void)kernel_stack;
}

/* ---- frames and trap records ------------------------------------------ */

static void frame_to_rec(const struct nat_frame *f, struct hestia_trap_record *r)
{
    for (unsigned i = 0; i < HESTIA_TRAP_REGS; i++)
        r->regs[i] = 0;
    uint64_t *g = r->regs;
    g[HESTIA_X86_64_REG_RAX] = f->rax;
    g[HESTIA_X86_64_REG_RBX] = f->rbx;
    g[HESTIA_X86_64_REG_RCX] = f->rcx;
    g[HESTIA_X86_64_REG_RDX] = f->rdx;
    g[HESTIA_X86_64_REG_RSI] = f->rsi;
    g[HESTIA_X86_64_REG_RDI] = f->rdi;
    g[HESTIA_X86_64_REG_RBP] = f->rbp;
    g[HESTIA_X86_64_REG_RSP] = f->rsp;
    g[HESTIA_X86_64_REG_R8] = f->r8;
    g[HESTIA_X86_64_REG_R9] = f->r9;
    g[HESTIA_X86_64_REG_R10] = f->r10;
    g[HESTIA_X86_64_REG_R11] = f->r11;
    g[HESTIA_X86_64_REG_R12] = f->r12;
    g[HESTIA_X86_64_REG_R13] = f->r13;
    g[HESTIA_X86_64_REG_R14] = f->r14;
    g[HESTIA_X86_64_REG_R15] = f->r15;
    g[HESTIA_X86_64_REG_RIP] = f->rip;
    g[HESTIA_X86_64_REG_RFLAGS] = f->rflags;
    g[HESTIA_X86_64_REG_CS] = f->cs;
    g[HESTIA_X86_64_REG_SS] = f->ss;
    g[HESTIA_X86_64_REG_MODE] =
        (f->cs & 3) ? HESTIA_X86_64_MODE_USER : HESTIA_X86_64_MODE_KERNEL;
}

bool nat_rec_is_user(const struct hestia_trap_record *rec)
{
    return rec->regs[HESTIA_X86_64_REG_MODE] == HESTIA_X86_64_MODE_USER;
}

/* The frame to resume lives on the entry stack: nothing else uses it now. */
static struct nat_frame *resume_frame(void)
{
    return (struct nat_frame *)(uintptr_t)((uintptr_t)nat_entry_stack_top -
                                           sizeof(struct nat_frame));
}

void nat_resume(const struct hestia_trap_record *rec)
{
    const uint64_t *g = rec->regs;
    struct nat_frame *f = resume_frame();
    f->rax = g[HESTIA_X86_64_REG_RAX];
    f->rbx = g[HESTIA_X86_64_REG_RBX];
    f->rcx = g[HESTIA_X86_64_REG_RCX];
    f->rdx = g[HESTIA_X86_64_REG_RDX];
    f->rsi = g[HESTIA_X86_64_REG_RSI];
    f->rdi = g[HESTIA_X86_64_REG_RDI];
    f->rbp = g[HESTIA_X86_64_REG_RBP];
    f->r8 = g[HESTIA_X86_64_REG_R8];
    f->r9 = g[HESTIA_X86_64_REG_R9];
    f->r10 = g[HESTIA_X86_64_REG_R10];
    f->r11 = g[HESTIA_X86_64_REG_R11];
    f->r12 = g[HESTIA_X86_64_REG_R12];
    f->r13 = g[HESTIA_X86_64_REG_R13];
    f->r14 = g[HESTIA_X86_64_REG_R14];
    f->r15 = g[HESTIA_X86_64_REG_R15];
    f->rip = g[HESTIA_X86_64_REG_RIP];
    f->rsp = g[HESTIA_X86_64_REG_RSP];
    /* Interrupts on, IOPL 0, the kernel's own flags otherwise (as the hypervisor masks). */
    f->rflags =
        (g[HESTIA_X86_64_REG_RFLAGS] & HESTIA_X86_64_RFLAGS_GUEST) | RFLAGS_IF | 0x2;
    bool user = nat_rec_is_user(rec);
    f->cs = user ? SEL_UCODE : SEL_KCODE;
    f->ss = user ? SEL_UDATA : SEL_KDATA;
    f->vector = f->error = 0;
    nat_resume_frame(f);
}

void nat_enter_handler(uint64_t entry, uint64_t sp, const struct hestia_trap_record *rec)
{
    struct nat_frame *f = resume_frame();
    for (unsigned i = 0; i < sizeof(*f) / 8; i++)
        ((uint64_t *)f)[i] = 0;
    f->rip = entry;
    /* The kernel entry leaves its own red zone below the interrupted stack pointer. */
    f->rsp = sp ? sp : rec->regs[HESTIA_X86_64_REG_RSP];
    f->rflags = RFLAGS_IF | 0x2;
    f->cs = SEL_KCODE;
    f->ss = SEL_KDATA;
    nat_resume_frame(f);
}

#define SYSCALL_TRAP_VECTOR 0 /* the syscall instruction has none */
#include "../../x86/native/trap_ops.h"

/* ---- start of day ------------------------------------------------------- */

void nat_x86_64_main(uint32_t magic, uint32_t info_pa);
void nat_x86_64_main(uint32_t magic, uint32_t info_pa)
{
    gdt_setup();
    idt_setup();
    syscall_setup();
    start_of_day(magic, info_pa);
}
