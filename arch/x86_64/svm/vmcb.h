/* SPDX-License-Identifier: MIT */
/*
 * The AMD SVM virtual machine control block (AMD64 APM vol. 2, appendix
 * B): byte offsets of the fields this backend uses, intercept bits, exit
 * codes and event-injection encoding.  Accessors read and write the 4 KiB
 * block as bytes, so no packed struct has to match the manual.
 */
#ifndef X86_64_SVM_VMCB_H
#define X86_64_SVM_VMCB_H

#include <hal/types.h>

/* Control area. */
#define VMCB_INTERCEPT_CR 0x000
#define VMCB_INTERCEPT_EXC 0x008
#define VMCB_INTERCEPT_MISC1 0x00c
#define VMCB_INTERCEPT_MISC2 0x010
#define VMCB_IOPM_BASE 0x040
#define VMCB_MSRPM_BASE 0x048
#define VMCB_TSC_OFFSET 0x050
#define VMCB_ASID 0x058
#define VMCB_TLB_CONTROL 0x05c
#define VMCB_INT_CTL 0x060
#define VMCB_INT_SHADOW 0x068
#define VMCB_EXITCODE 0x070
#define VMCB_EXITINFO1 0x078
#define VMCB_EXITINFO2 0x080
#define VMCB_EXITINTINFO 0x088
#define VMCB_NP_ENABLE 0x090
#define VMCB_EVENTINJ 0x0a8
#define VMCB_N_CR3 0x0b0

/* State save area: segments are (selector u16, attrib u16, limit u32, base u64). */
#define VMCB_ES 0x400
#define VMCB_CS 0x410
#define VMCB_SS 0x420
#define VMCB_DS 0x430
#define VMCB_FS 0x440
#define VMCB_GS 0x450
#define VMCB_GDTR 0x460
#define VMCB_LDTR 0x470
#define VMCB_IDTR 0x480
#define VMCB_TR 0x490
#define VMCB_CPL 0x4cb
#define VMCB_EFER 0x4d0
#define VMCB_CR4 0x548
#define VMCB_CR3 0x550
#define VMCB_CR0 0x558
#define VMCB_DR7 0x560
#define VMCB_DR6 0x568
#define VMCB_RFLAGS 0x570
#define VMCB_RIP 0x578
#define VMCB_RSP 0x5d8
#define VMCB_RAX 0x5f8
#define VMCB_CR2 0x640
#define VMCB_G_PAT 0x668

/* MISC1 intercepts. */
#define SVM_I1_INTR (1u << 0)
#define SVM_I1_NMI (1u << 1)
#define SVM_I1_SMI (1u << 2)
#define SVM_I1_INIT (1u << 3)
#define SVM_I1_VINTR (1u << 4)
#define SVM_I1_CPUID (1u << 18)
#define SVM_I1_HLT (1u << 24)
#define SVM_I1_INVLPGA (1u << 26)
#define SVM_I1_IOIO (1u << 27)
#define SVM_I1_MSR (1u << 28)
#define SVM_I1_TASK_SWITCH (1u << 29)
#define SVM_I1_SHUTDOWN (1u << 31)
/* MISC2 intercepts. */
#define SVM_I2_VMRUN (1u << 0)
#define SVM_I2_VMMCALL (1u << 1)
#define SVM_I2_VMLOAD (1u << 2)
#define SVM_I2_VMSAVE (1u << 3)
#define SVM_I2_STGI (1u << 4)
#define SVM_I2_CLGI (1u << 5)
#define SVM_I2_SKINIT (1u << 6)
#define SVM_I2_RDTSCP (1u << 7)
#define SVM_I2_MONITOR (1u << 10)
#define SVM_I2_MWAIT (1u << 11)
#define SVM_I2_MWAIT_COND (1u << 12)
#define SVM_I2_XSETBV (1u << 13)

#define SVM_INT_CTL_V_IRQ (1ull << 8)
#define SVM_INT_CTL_V_PRIO_MASK (0xfull << 16)
#define SVM_INT_CTL_V_IGN_TPR (1ull << 20)
#define SVM_INT_CTL_V_INTR_MASKING (1ull << 24)
#define SVM_INT_CTL_V_VECTOR_MASK (0xffull << 32)
#define SVM_TLB_FLUSH_ALL 1

/* Exit codes. */
#define SVM_EXIT_EXCP_BASE 0x40
#define SVM_EXIT_INTR 0x60
#define SVM_EXIT_VINTR 0x64
#define SVM_EXIT_NMI 0x61
#define SVM_EXIT_SMI 0x62
#define SVM_EXIT_INIT 0x63
#define SVM_EXIT_CPUID 0x72
#define SVM_EXIT_HLT 0x78
#define SVM_EXIT_INVLPGA 0x7a
#define SVM_EXIT_IOIO 0x7b
#define SVM_EXIT_MSR 0x7c
#define SVM_EXIT_TASK_SWITCH 0x7d
#define SVM_EXIT_SHUTDOWN 0x7f
#define SVM_EXIT_VMRUN 0x80
#define SVM_EXIT_VMMCALL 0x81
#define SVM_EXIT_VMLOAD 0x82
#define SVM_EXIT_VMSAVE 0x83
#define SVM_EXIT_STGI 0x84
#define SVM_EXIT_CLGI 0x85
#define SVM_EXIT_SKINIT 0x86
#define SVM_EXIT_RDTSCP 0x87
#define SVM_EXIT_MONITOR 0x8a
#define SVM_EXIT_MWAIT 0x8b
#define SVM_EXIT_MWAIT_COND 0x8c
#define SVM_EXIT_XSETBV 0x8d
#define SVM_EXIT_NPF 0x400
#define SVM_EXIT_INVALID 0xffffffffffffffffull

/* IOIO EXITINFO1. */
#define SVM_IOIO_IN (1u << 0)
#define SVM_IOIO_STR (1u << 2)
#define SVM_IOIO_REP (1u << 3)
#define SVM_IOIO_SZ_SHIFT 4 /* bits 4..6: 8, 16, 32-bit */
#define SVM_IOIO_PORT_SHIFT 16

/* EVENTINJ / EXITINTINFO. */
#define SVM_EVT_VALID (1ull << 31)
#define SVM_EVT_ERR_VALID (1ull << 11)
#define SVM_EVT_TYPE_INTR (0ull << 8)
#define SVM_EVT_TYPE_NMI (2ull << 8)
#define SVM_EVT_TYPE_EXC (3ull << 8)

/* Segment attributes (descriptor bits 40..47 and 52..55 packed into 12 bits). */
#define SVM_ATTR_CODE64 0xa9b /* P, DPL 0, S, execute/read accessed, L, G */
#define SVM_ATTR_DATA 0xc93   /* P, DPL 0, S, read/write accessed, D/B, G */
#define SVM_ATTR_TSS64 0x08b  /* P, busy 64-bit TSS */
#define SVM_ATTR_LDT 0x082    /* P, LDT */

static inline uint64_t vmcb_get(const uint8_t *vmcb, unsigned off)
{
    uint64_t v;
    __builtin_memcpy(&v, vmcb + off, sizeof(v));
    return v;
}

static inline void vmcb_set(uint8_t *vmcb, unsigned off, uint64_t v)
{
    __builtin_memcpy(vmcb + off, &v, sizeof(v));
}

static inline void vmcb_set32(uint8_t *vmcb, unsigned off, uint32_t v)
{
    __builtin_memcpy(vmcb + off, &v, sizeof(v));
}

static inline void vmcb_set_seg(uint8_t *vmcb, unsigned off, uint16_t sel, uint16_t attr,
                                uint32_t limit, uint64_t base)
{
    __builtin_memcpy(vmcb + off, &sel, 2);
    __builtin_memcpy(vmcb + off + 2, &attr, 2);
    __builtin_memcpy(vmcb + off + 4, &limit, 4);
    __builtin_memcpy(vmcb + off + 8, &base, 8);
}

#endif
