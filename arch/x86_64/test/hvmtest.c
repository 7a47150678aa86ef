/* SPDX-License-Identifier: MIT */
/*
 * The smallest HVM guest (docs/hvm.md): a bare-metal 64-bit program that
 * dom0 starts with `create-hvm` in long mode on the toolstack's identity
 * map.  It talks to the emulated COM1 by port I/O and checks, one TEST
 * line each, what the hypervisor's policies promise: CPUID hides SVM and
 * says "hypervisor", VMMCALL fails with -ENOSYS, EFER reads without SVME,
 * an unclaimed port reads all ones, the TSC runs.  Then it halts with
 * interrupts off, which powers it off (dom0 checks the reason).
 */
#include <stdbool.h>
#include <stdint.h>

#include "hvm_guest_io.h"

static void test(const char *name, bool ok)
{
    puts("TEST ");
    puts(name);
    puts(ok ? " PASS\n" : " FAIL\n");
}

void hvmtest_main(void)
{
    puts("hvmtest: hello from an HVM guest\n");
    test("hvm.serial", true);

    uint32_t r[4], e[4], h[4];
    cpuid(1, &r[0], &r[1], &r[2], &r[3]);
    cpuid(0x80000001u, &e[0], &e[1], &e[2], &e[3]);
    cpuid(0x40000000u, &h[0], &h[1], &h[2], &h[3]);
    test("hvm.cpuid-policy", (r[2] & (1u << 31)) && !(e[2] & (1u << 2)) &&
                                 !(r[2] & (1u << 5)) && h[1] == 0x74736548u /* "Hest" */);

    long rax = 0;
    __asm__ volatile("vmmcall" : "=a"(rax) : "a"(0ul) : "memory");
    test("hvm.vmmcall", rax == -38);

    uint64_t efer = rdmsr(0xc0000080u);
    test("hvm.efer", (efer & (1u << 8)) && !(efer & (1u << 12)));

    test("hvm.port-ones", inb(0x2f8) == 0xff && inb(0x3fb) != 0xff);

    uint64_t t0 = rdtsc();
    for (volatile int i = 0; i < 1000; i++)
        ;
    test("hvm.tsc", rdtsc() > t0);

    puts("hvmtest: halting with interrupts off (power off)\n");
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* Entered in long mode with RSP set by the toolstack. */
__asm__(".globl _start\n_start:\n and $-16, %rsp\n call hvmtest_main\n ud2\n");
