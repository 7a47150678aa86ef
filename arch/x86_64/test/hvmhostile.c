/* SPDX-License-Identifier: MIT */
/*
 * The hostile HVM guest of the hvm-isolation scenario (docs/hvm.md): a
 * bare-metal 64-bit program started by `create-hvm` that attacks the
 * hypervisor from inside SVM, one TEST line per attack saying the attack
 * was contained the way the hardware would contain it:
 *   hostile.ram        writes all of its own RAM above 2 MiB and reads it back
 *   hostile.mmio       maps and writes / reads every 2 MiB of guest-physical
 *                      space from its RAM's end to 1 GiB and 3-4 GiB (LAPIC,
 *                      IOAPIC, HPET): reads all ones, writes dropped
 *   hostile.ports      reads and writes every I/O port (COM1 excepted), and
 *                      string I/O
 *   hostile.msrs       reads 24576 MSRs, writes EFER.SVME, VM_HSAVE_PA, VM_CR,
 *                      a bad PAT, EFER.LME under paging: #GP; its own bases and TSC
 *   hostile.svm        VMLOAD, VMSAVE, CLGI, STGI, INVLPGA, SKINIT with wild
 *                      arguments: #UD; VMMCALL with wild ones: -ENOSYS (no VMRUN:
 *                      see attack_svm)
 *   hostile.irq-flood  the PIT at 12 kHz for 20 ms and until more than 20
 *                      interrupts came (at most 2 s), interrupts on
 * then it loads an empty IDT and faults: a triple fault (dom0 wants
 * SHUTDOWN_crash).
 */
#include <stdbool.h>
#include <stdint.h>

#include "hvm_guest_io.h"

static void putu(uint64_t v)
{
    char b[24];
    int i = 0;
    do {
        b[i++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (i)
        putc(b[--i]);
}

static unsigned failed;
static void test(const char *name, bool ok, const char *what, uint64_t n)
{
    puts("TEST ");
    puts(name);
    puts(ok ? " PASS " : " FAIL ");
    puts(what);
    putc(' ');
    putu(n);
    putc('\n');
    failed += !ok;
}

/* ---- exceptions: #UD skips 3 bytes (the SVM instructions), #GP 2 (RDMSR / WRMSR) ---- */
volatile uint64_t ud_count, gp_count, irq_count, other_count;
extern char ud_stub[], gp_stub[], irq0_stub[], other_stub[];
__asm__(".globl ud_stub, gp_stub, irq0_stub, other_stub\n"
        "ud_stub: addq $3, (%rsp); incq ud_count(%rip); iretq\n"
        "gp_stub: addq $8, %rsp; addq $2, (%rsp); incq gp_count(%rip); iretq\n"
        "irq0_stub: push %rax; incq irq_count(%rip); mov $0x20, %al; outb %al, $0x20;"
        " pop %rax; iretq\n"
        "other_stub: incq other_count(%rip); mov %rsp, %rdi; and $-16, %rsp;"
        " call unexpected; 1: cli; hlt; jmp 1b\n"
        /* Exceptions 0..31 other than #UD / #GP: their vector first, then the frame. */
        ".globl exc_stubs\nexc_stubs:\n"
        ".set v, 0\n.rept 32\n.balign 16\npush $v\njmp other_stub\n.set v, v + 1\n.endr\n");
extern char exc_stubs[];

/* Any other exception or interrupt: say where (the frame may start with an error code). */
void unexpected(const uint64_t *frame)
{
    puts("hostile: unexpected exception ");
    putu(frame[0]);
    puts(", frame ");
    for (unsigned i = 1; i < 5; i++) {
        putu(frame[i]);
        putc(' ');
    }
    puts("; stopping\n");
}

static uint64_t idt[256 * 2] __attribute__((aligned(16)));

static void set_gate(unsigned v, void *fn)
{
    uint64_t a = (uint64_t)fn;
    idt[2 * v] =
        (a & 0xffff) | (0x10ull << 16) | (0x8eull << 40) | ((a >> 16 & 0xffff) << 48);
    idt[2 * v + 1] = a >> 32;
}

static void load_idt(void *base, uint16_t limit)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } d = {limit, (uint64_t)base};
    __asm__ volatile("lidt %0" : : "m"(d));
}

/* ---- memory ---- */
#define MIB (1ull << 20)
static uint64_t pd_high[512] __attribute__((aligned(4096))); /* 3-4 GiB */

static void attack_ram(uint64_t mem)
{
    uint64_t bad = 0;
    for (uint64_t a = 2 * MIB; a < mem; a += 8)
        *(volatile uint64_t *)a = a ^ 0x5a5a5a5a5a5a5a5aull;
    for (uint64_t a = 2 * MIB; a < mem; a += 8)
        bad += *(volatile uint64_t *)a != (a ^ 0x5a5a5a5a5a5a5a5aull);
    test("hostile.ram", bad == 0, "MiB written and read back, bad words", bad);
}

static void attack_mmio(uint64_t mem)
{
    /* The toolstack's tables: PDPT at 0xa000, the first GiB's directory at 0xb000. */
    volatile uint64_t *pdpt = (uint64_t *)0xa000, *pd0 = (uint64_t *)0xb000;
    for (uint64_t a = mem; a < 1024 * MIB; a += 2 * MIB)
        pd0[a >> 21] = a | 0x83; /* P, W, 2 MiB */
    for (unsigned i = 0; i < 512; i++)
        pd_high[i] = (3072 * MIB + i * 2 * MIB) | 0x83;
    pdpt[3] = (uint64_t)pd_high | 0x3;
    uint64_t cr3;
    __asm__ volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3) : : "memory");
    uint64_t n = 0, bad = 0;
    for (uint64_t a = mem; a < 4096 * MIB; a += 2 * MIB) {
        if (a == 1024 * MIB)
            a = 3072 * MIB;
        volatile uint64_t *p = (uint64_t *)(a + 0x100);
        *p = 0x1234567890abcdefull;
        volatile uint32_t *q = (uint32_t *)(a + 0x200);
        *q = 0xdeadbeef;
        bad += *p != ~0ull;
        bad += *(volatile uint8_t *)(a + 0x300) != 0xff;
        bad += *q != 0xffffffffu;
        n++;
    }
    /* The local APIC and IOAPIC registers, byte by byte. */
    for (uint64_t a = 0xfec00000; a < 0xfec00040; a++)
        bad += *(volatile uint8_t *)a != 0xff;
    for (uint64_t a = 0xfee00000; a < 0xfee00400; a += 16) {
        *(volatile uint32_t *)a = 0xffffffffu;
        bad += *(volatile uint32_t *)a != 0xffffffffu;
    }
    test("hostile.mmio", bad == 0, "2 MiB pages beyond RAM written and read, bad reads",
         bad);
}

static void attack_ports(void)
{
    uint64_t n = 0;
    for (uint32_t p = 0; p < 0x10000; p++) {
        if (p >= 0x3f8 && p <= 0x3ff)
            continue;
        (void)inb((uint16_t)p);
        outb((uint16_t)p, 0);
        n++;
    }
    for (uint32_t p = 0; p < 0x10000; p += 0x101) {
        uint32_t v;
        __asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"((uint16_t)p));
        __asm__ volatile("outw %w0, %w1" : : "a"(0xffff), "Nd"((uint16_t)p));
    }
    static char buf[64];
    __asm__ volatile("rep outsb" : : "S"(buf), "c"(sizeof(buf)), "d"(0x80) : "memory");
    __asm__ volatile("rep insb" : : "D"(buf), "c"(sizeof(buf)), "d"(0x80) : "memory");
    test("hostile.ports", inb(0x3fb) != 0xff, "ports read and written", n);
}

static void attack_msrs(void)
{
    static const uint32_t base[3] = {0, 0xc0000000u, 0xc0010000u};
    uint64_t n = 0;
    for (unsigned r = 0; r < 3; r++) {
        for (uint32_t m = base[r]; m < base[r] + 0x2000; m++) {
            (void)rdmsr(m);
            n++;
        }
    }
    uint64_t gp0 = gp_count;
    uint64_t efer = rdmsr(0xc0000080u);
    wrmsr(0xc0000080u, efer | (1u << 12));   /* EFER.SVME: #GP */
    wrmsr(0xc0010117u, 0x1000);              /* VM_HSAVE_PA: #GP */
    wrmsr(0xc0010114u, 0);                   /* VM_CR: #GP */
    wrmsr(0x277, 0x0202020202020202ull);     /* PAT with a reserved type: #GP */
    wrmsr(0xc0000080u, efer & ~(1ull << 8)); /* LME off with paging on: #GP */
    uint64_t refused = gp_count - gp0;
    wrmsr(0xc0000102u, 0x00007fffdeadb000ull); /* KERNEL_GS_BASE: the guest's own */
    wrmsr(0xc0000101u, 0x1000);                /* GS_BASE: the guest's own */
    wrmsr(0x10, 0);                            /* its TSC back to 0 */
    test("hostile.msrs", refused == 5 && gp_count - gp0 == 5, "MSRs read, refused writes",
         refused);
}

static void attack_svm(void)
{
    uint64_t ud0 = ud_count;
    uint64_t wild = 0xfffff00000001000ull;
    /*
     * No VMRUN: QEMU 7.2's TCG does not intercept a guest's VMRUN (measured:
     * no VMRUN exit reaches the hypervisor; the emulator runs it, loading
     * from and saving to machine-physical rax).  docs/hvm.md, "Left out".
     */
    __asm__ volatile(".byte 0x0f, 0x01, 0xda" : : "a"(0x1000) : "memory"); /* VMLOAD */
    __asm__ volatile(".byte 0x0f, 0x01, 0xdb" : : "a"(0x1000) : "memory"); /* VMSAVE */
    __asm__ volatile(".byte 0x0f, 0x01, 0xdd" : : : "memory");             /* CLGI */
    __asm__ volatile(".byte 0x0f, 0x01, 0xdc" : : : "memory");             /* STGI */
    __asm__ volatile(".byte 0x0f, 0x01, 0xdf"
                     :
                     : "a"(wild), "c"(7)
                     : "memory");                                        /* INVLPGA */
    __asm__ volatile(".byte 0x0f, 0x01, 0xde" : : "a"(wild) : "memory"); /* SKINIT */
    uint64_t uds = ud_count - ud0;
    bool calls = true;
    for (uint64_t i = 0; i < 16; i++) {
        long r;
        __asm__ volatile("vmmcall"
                         : "=a"(r)
                         : "a"(wild * i), "b"(~i), "c"(i), "d"(wild)
                         : "memory");
        calls &= r == -38;
    }
    test("hostile.svm", uds == 6 && calls, "SVM instructions refused with #UD", uds);
}

static void attack_irq_flood(void)
{
    /*
     * PICs at 0x20 / 0x28, only IRQ 0 open; the PIT's channel 0 at count 100
     * (12 kHz: at count 2 every guest entry finds the next interrupt due
     * and, under -icount, 20 ms of guest time take minutes of host time).
     */
    outb(0x20, 0x11);
    outb(0x21, 0x20);
    outb(0x21, 0x04);
    outb(0x21, 0x01);
    outb(0xa0, 0x11);
    outb(0xa1, 0x28);
    outb(0xa1, 0x02);
    outb(0xa1, 0x01);
    outb(0xa1, 0xff);
    outb(0x21, 0xfe);
    outb(0x43, 0x34);
    outb(0x40,
         100); /* sharing the CPU with the PV pair, and lost ticks are dropped: > 20 */
    outb(0x40, 0);
    /*
     * 20 ms at 1 GHz, and on until more than 20 interrupts came (at most 2 s):
     * in real time on a loaded host the PV pair's slices and a slow emulator
     * can leave this vCPU almost none of the 20 ms (seen: 0 and 13 taken).
     */
    uint64_t start = rdtsc(), end = start + 20000000, cap = start + 2000000000ull;
    __asm__ volatile("sti");
    while ((rdtsc() < end || irq_count <= 20) && rdtsc() < cap)
        ;
    __asm__ volatile("cli");
    outb(0x21, 0xff);
    test("hostile.irq-flood", irq_count > 20 && other_count == 0, "timer interrupts taken",
         irq_count);
}

void hostile_main(void)
{
    for (unsigned v = 0; v < 256; v++)
        set_gate(v, v < 32 ? exc_stubs + 16 * v : other_stub);
    set_gate(6, ud_stub);
    set_gate(13, gp_stub);
    set_gate(0x20, irq0_stub);
    load_idt(idt, sizeof(idt) - 1);
    puts("hostile: an HVM guest attacking from inside SVM\n");
    uint64_t mem = 16 * MIB;
    attack_ram(mem);
    attack_mmio(mem);
    attack_ports();
    attack_msrs();
    attack_svm();
    attack_irq_flood();
    puts("hostile: ");
    putu(failed);
    puts(" failed; now a triple fault\n");
    load_idt(0, 0);
    __asm__ volatile("ud2");
    for (;;)
        __asm__ volatile("cli; hlt");
}

__asm__(".globl _start\n_start:\n and $-16, %rsp\n call hostile_main\n ud2\n");
