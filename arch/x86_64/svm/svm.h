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
/* Port I/O exits are also counted per port below this (exits.c). */
#define SVM_IO_PORTS_COUNTED 0x400
/* A byte written here prints the exits since the last write (exits.c). */
#define SVM_BENCH_MARK_PORT 0xe9

/* The 16550 UART at 0x3f8 (uart.c), IRQ 4. */
struct svm_uart {
    uint8_t ier, lcr, mcr, scr, dll, dlm;
    int rx;            /* a byte read ahead from the console, -1 if none */
    bool thre_pending; /* the "transmitter empty" interrupt, until IIR reports it */
    bool irq_line;     /* last level seen by svm_uart_irq (the PIC takes edges) */
};

/* The i8259 pair (pic.c). */
struct svm_pic {
    uint8_t irr, isr, imr, vbase, icw_step;
    bool icw4, read_isr, auto_eoi;
};
struct svm_pics {
    struct svm_pic p[2];
    uint8_t elcr[2];
};

/* The i8254 (pit.c). */
struct svm_pit_ch {
    uint32_t reload; /* 0 means 0x10000 */
    uint8_t mode, rw, latched;
    bool flip, counting;
    uint16_t latch;
    uint64_t start_ns;  /* when the count was loaded */
    uint64_t irq_ticks; /* channel 0: ticks after start_ns of the next IRQ 0 (0 = none) */
};
struct svm_pit {
    struct svm_pit_ch ch[3];
    uint8_t port61;
};

/* The CMOS RTC (rtc.c). */
struct svm_rtc {
    uint8_t index;
    uint8_t cmos[128];
};

struct svm_vcpu {
    struct svm_regs regs;
    uint8_t *vmcb;
    mfn_t vmcb_mfn;
    struct hal_as *gphys;
    uint32_t asid;
    unsigned last_cpu; /* where it last ran (+1; 0 = never): the TLB flush on a move */
    bool started;
    uint64_t start_ns; /* hal_time_ns() at DOMCTL_hvm_start_vcpu */
    struct svm_uart uart;
    struct svm_pics pic;
    struct svm_pit pit;
    struct svm_rtc rtc;
    uint64_t timer_armed_ns; /* the PIT deadline last given to core_hvm_set_timer */
    uint64_t exits[SVM_EXIT_SLOTS];
    uint64_t exits_at_mark[SVM_EXIT_SLOTS]; /* at the last bench mark */
    /* TSC cycles from an exit to the next VMRUN, by reason, since the last
     * mark (the hypervisor's work, and whatever ran while the vCPU waited). */
    uint64_t exit_tsc[SVM_EXIT_SLOTS];
    uint64_t exit_at_tsc; /* the TSC at the last exit, 0 before the first */
    unsigned exit_slot;   /* its reason */
    uint32_t io_port_exits[SVM_IO_PORTS_COUNTED]; /* since the last bench mark */
};

/* svm_entry.S: run the guest until the next #VMEXIT, with GIF clear around it. */
void svm_vmrun(struct svm_regs *regs, uint64_t vmcb_pa, uint64_t host_save_pa);
/* svm_entry.S: switch to stack top and call svm_run_on_stack(hv); never returns. */
HAL_NORETURN void svm_enter_on_stack(struct hal_vcpu *hv, uint64_t stack_top);
HAL_NORETURN void svm_run_on_stack(struct hal_vcpu *hv);

/* svm.c */
void svm_inject_exception(struct svm_vcpu *s, unsigned vector, bool has_error,
                          uint32_t error);
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

/* exits.c: count a port I/O exit; a bench mark (value written to the mark port);
 * the whole run's exits by reason (at power-off). */
void svm_count_port(struct svm_vcpu *s, uint16_t port);
void svm_exit_mark(struct hal_vcpu *hv, unsigned value);
void svm_exit_summary(struct hal_vcpu *hv);

/* io.c: one port access of size 1, 2 or 4 bytes; reads fill *val. */
void svm_io(struct hal_vcpu *hv, uint16_t port, unsigned size, bool in, uint32_t *val);

/* uart.c; svm_uart_irq: the IRQ 4 line now (with poll, reads ahead from the console). */
void svm_uart_init(struct svm_uart *u);
bool svm_uart_io(struct hal_vcpu *hv, uint16_t port, bool in, uint32_t *val);
bool svm_uart_irq(struct hal_vcpu *hv, bool poll);

/* pic.c: raise an edge on irq 0..15; pending: an interrupt the CPU would be given; ack:
 * its vector (IRR to ISR), -1 if none. */
void svm_pic_init(struct svm_pics *pics);
bool svm_pic_io(struct svm_pics *pics, uint16_t port, bool in, uint32_t *val);
void svm_pic_raise(struct svm_pics *pics, unsigned irq);
bool svm_pic_pending(const struct svm_pics *pics);
int svm_pic_ack(struct svm_pics *pics);

/* pit.c: update: whether IRQ 0 fired by now; deadline: the next one (0 = none). */
bool svm_pit_io(struct svm_pit *p, uint16_t port, bool in, uint32_t *val, uint64_t now);
bool svm_pit_update(struct svm_pit *p, uint64_t now);
uint64_t svm_pit_deadline(const struct svm_pit *p);

/* rtc.c */
bool svm_rtc_io(struct svm_rtc *r, uint16_t port, bool in, uint32_t *val, uint64_t now);

#endif
