/* SPDX-License-Identifier: MIT */
/*
 * The SVM backend's private interface: the per-vCPU state of an HVM vCPU
 * and the pieces its exit handler (svm.c) calls: the CPUID and MSR
 * policies (policy.c) and the device model (io.c and the devices).
 */
#ifndef X86_64_SVM_H
#define X86_64_SVM_H

#include <hal/hvm.h>
#include <x86_64/arch.h>

#include "vmcb.h"

/* Guest registers the VMCB does not hold (RAX, RSP, RIP, RFLAGS are in it). */
struct svm_regs {
    uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/* Exit reasons counted per vCPU: codes below 0x100, then NPF and "other". */
#define SVM_EXIT_SLOT_NPF 0x100
#define SVM_EXIT_SLOT_OTHER 0x101
#define SVM_EXIT_SLOTS 0x102

/* The 16550 UART at 0x3f8 (uart.c). */
struct svm_uart {
    uint8_t ier, lcr, mcr, scr, dll, dlm;
    int rx; /* a byte read ahead from the console, -1 if none */
};

struct svm_vcpu {
    struct svm_regs regs;
    uint8_t *vmcb;
    mfn_t vmcb_mfn;
    struct hal_as *gphys;
    uint32_t asid;
    unsigned last_cpu; /* where it last ran (+1; 0 = never): the TLB flush on a move */
    bool started;
    struct svm_uart uart;
    uint64_t exits[SVM_EXIT_SLOTS];
};

/* svm_entry.S: run the guest until the next #VMEXIT, with GIF clear around it. */
void svm_vmrun(struct svm_regs *regs, uint64_t vmcb_pa, uint64_t host_save_pa);
/* svm_entry.S: switch to stack top and call svm_run_on_stack(hv); never returns. */
HAL_NORETURN void svm_enter_on_stack(struct hal_vcpu *hv, uint64_t stack_top);
HAL_NORETURN void svm_run_on_stack(struct hal_vcpu *hv);

/* svm.c */
void svm_inject_exception(struct svm_vcpu *s, unsigned vector, bool has_error, uint32_t error);
/* Log "what" about address addr once per boot (unhandled ports, MSRs, MMIO). */
void svm_log_once(struct hal_vcpu *hv, const char *what, uint64_t addr);

/* mmio.c: a nested page fault at gpa (error code err): 0 handled, -1 crash the guest. */
int svm_npf(struct hal_vcpu *hv, uint64_t gpa, uint64_t err);

/* policy.c: rip is advanced by the caller on success. */
void svm_cpuid(struct hal_vcpu *hv, uint32_t leaf, uint32_t sub, uint32_t out[4]);
/* 0, or -1: inject #GP (unknown or refused MSR). */
int svm_rdmsr(struct hal_vcpu *hv, uint32_t msr, uint64_t *val);
int svm_wrmsr(struct hal_vcpu *hv, uint32_t msr, uint64_t val);
/* The MSR permission map: which MSRs the guest reads and writes directly. */
void svm_msrpm_init(uint8_t *msrpm);

/* io.c: one port access of size 1, 2 or 4 bytes; reads fill *val. */
void svm_io(struct hal_vcpu *hv, uint16_t port, unsigned size, bool in, uint32_t *val);

/* uart.c */
void svm_uart_init(struct svm_uart *u);
bool svm_uart_io(struct hal_vcpu *hv, uint16_t port, bool in, uint32_t *val);

#endif
