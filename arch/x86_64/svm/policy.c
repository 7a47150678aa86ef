/* SPDX-License-Identifier: MIT */
/*
 * What an HVM guest learns from CPUID and may do with MSRs.
 *
 * CPUID: the host's answers with everything the hypervisor does not
 * offer taken out: SVM and VMX (no nested virtualization), MONITOR /
 * MWAIT, XSAVE / AVX (the FPU state switched is the FXSAVE image only),
 * the local APIC (the device model has only the i8259 PIC yet), TSC
 * deadline, performance and thermal leaves; the hypervisor bit is set and
 * leaf 0x40000000 names Hestia.
 *
 * MSRs: the ones VMRUN / VMLOAD / VMSAVE switch (FS / GS bases,
 * KERNEL_GS_BASE, STAR, LSTAR, CSTAR, SFMASK, SYSENTER_*) the guest uses
 * directly; EFER (SVME hidden and kept), TSC, PAT, APIC_BASE and a few
 * that Linux reads unconditionally are emulated; everything else raises
 * #GP, as an MSR the CPU does not have would.
 */
#include <x86_common/io.h>

#include "svm.h"

#define EFER_LMA (1ull << 10)
#define EFER_SVME (1ull << 12)
#define EFER_FFXSR (1ull << 14)

static void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

void svm_cpuid(struct hal_vcpu *hv, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    if (leaf >= 0x40000000u && leaf < 0x40000100u) {
        r[0] = r[1] = r[2] = r[3] = 0;
        if (leaf == 0x40000000u) {
            r[0] = 0x40000000u;
            __builtin_memcpy(&r[1], "Hest", 4);
            __builtin_memcpy(&r[2], "iaHV", 4);
            __builtin_memcpy(&r[3], "M\0\0\0", 4);
        }
        return;
    }
    cpuid_count(leaf, sub, r);
    switch (leaf) {
    case 1:
        /* ECX: drop MONITOR(3) VMX(5) SMX(6) EST(7) TM2(8) PDCM(15) x2APIC(21)
         * TSC-deadline(24) XSAVE(26) OSXSAVE(27) AVX(28); set hypervisor(31). */
        r[2] &= ~((1u << 3) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8) | (1u << 15) |
                  (1u << 21) | (1u << 24) | (1u << 26) | (1u << 27) | (1u << 28));
        r[2] |= 1u << 31;
        /* EDX: drop APIC(9) ACPI(22) TM(29) PBE(31) DS(21) HTT(28). */
        r[3] &=
            ~((1u << 9) | (1u << 21) | (1u << 22) | (1u << 28) | (1u << 29) | (1u << 31));
        /* EBX: one logical CPU, APIC id = vCPU 0. */
        r[1] &= 0xffffu;
        break;
    case 5:   /* MONITOR / MWAIT */
    case 6:   /* thermal and power */
    case 0xa: /* performance counters */
    case 0xd: /* XSAVE */
        r[0] = r[1] = r[2] = r[3] = 0;
        break;
    case 7:
        if (sub == 0)
            r[1] &=
                (1u << 0) | (1u << 3) | (1u << 8) | (1u << 9); /* FSGSBASE BMI1 BMI2 ERMS */
        else
            r[1] = 0;
        r[0] = r[2] = r[3] = 0;
        break;
    case 0x80000001u:
        /* ECX: drop SVM(2) ExtApicSpace(3) IBS(10) SKINIT(12) WDT(13) perfctr(23). */
        r[2] &=
            ~((1u << 2) | (1u << 3) | (1u << 10) | (1u << 12) | (1u << 13) | (1u << 23));
        /* EDX: drop RDTSCP(27): it is intercepted. */
        r[3] &= ~(1u << 27);
        break;
    case 0x8000000au: /* SVM features */
        r[0] = r[1] = r[2] = r[3] = 0;
        break;
    default:
        break;
    }
    (void)hv;
}

void svm_msrpm_init(uint8_t *pm)
{
    for (unsigned i = 0; i < 2 * 4096; i++)
        pm[i] = 0xff;
    /* Two bits per MSR (read, write); 0xc0000000.. at byte 0x800. */
    static const uint32_t direct[] = {
        0x174,      0x175,      0x176,                  /* SYSENTER_CS / ESP / EIP */
        0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR LSTAR CSTAR SFMASK */
        0xc0000100, 0xc0000101, 0xc0000102,             /* FS_BASE GS_BASE KERNEL_GS_BASE */
    };
    for (unsigned i = 0; i < sizeof(direct) / sizeof(direct[0]); i++) {
        uint32_t m = direct[i];
        unsigned base = m >= 0xc0000000u ? 0x800 : 0;
        unsigned bit = (m & 0x1fff) * 2;
        pm[base + bit / 8] &= (uint8_t) ~(3u << (bit % 8));
    }
}

int svm_rdmsr(struct hal_vcpu *hv, uint32_t msr, uint64_t *val)
{
    const uint8_t *vm = hv->svm->vmcb;
    switch (msr) {
    case 0xc0000080u: /* EFER: SVME is the hypervisor's */
        *val = vmcb_get(vm, VMCB_EFER) & ~EFER_SVME;
        return 0;
    case 0x10: /* TSC */
        *val = rdtsc() + vmcb_get(vm, VMCB_TSC_OFFSET);
        return 0;
    case 0x277: /* PAT */
        *val = vmcb_get(vm, VMCB_G_PAT);
        return 0;
    case 0x1b: /* APIC_BASE: disabled, no APIC offered (CPUID) */
        *val = 0xfee00000u | (1u << 8);
        return 0;
    case 0xfe:        /* MTRRcap: no MTRRs */
    case 0x2ff:       /* MTRRdefType */
    case 0x179:       /* MCG_CAP: no banks */
    case 0x17a:       /* MCG_STATUS */
    case 0x8b:        /* PATCH_LEVEL */
    case 0xc0010015u: /* HWCR */
    case 0xc0011029u: /* DE_CFG */
    case 0xc001001fu: /* NB_CFG */
    case 0xc0010010u: /* SYSCFG */
    case 0xc0010055u: /* INT_PENDING_MSG: Linux's E400 (C1E) check reads it unguarded */
        *val = 0;
        return 0;
    case 0xc0010114u: /* VM_CR: SVM disabled by "firmware" */
        *val = 1u << 4;
        return 0;
    default:
        svm_log_once(hv, "rdmsr #GP", msr);
        return -1;
    }
}

int svm_wrmsr(struct hal_vcpu *hv, uint32_t msr, uint64_t val)
{
    uint8_t *vm = hv->svm->vmcb;
    switch (msr) {
    case 0xc0000080u: { /* EFER */
        uint64_t old = vmcb_get(vm, VMCB_EFER);
        if (val & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_FFXSR))
            return -1; /* reserved bits, SVME among them: the guest has no SVM */
        /* LMA is the CPU's to set; LME may not change while paging is on. */
        uint64_t want = (val & ~EFER_LMA) | (old & EFER_LMA) | EFER_SVME;
        if ((want ^ old) & EFER_LME && (vmcb_get(vm, VMCB_CR0) & X86_CR0_PG))
            return -1;
        vmcb_set(vm, VMCB_EFER, want);
        return 0;
    }
    case 0x10:
        vmcb_set(vm, VMCB_TSC_OFFSET, val - rdtsc());
        return 0;
    case 0x277: {
        /* Each byte a valid memory type (0, 1, 4, 5, 6, 7). */
        for (unsigned i = 0; i < 8; i++) {
            unsigned t = (val >> (8 * i)) & 0xff;
            if (t > 7 || t == 2 || t == 3)
                return -1;
        }
        vmcb_set(vm, VMCB_G_PAT, val);
        return 0;
    }
    case 0x2ff:
    case 0x17a:
    case 0x8b:
    case 0xc0010015u: /* HWCR */
    case 0xc0011029u: /* DE_CFG (LFENCE serializing) */
        return 0;     /* accepted and forgotten */
    default:
        svm_log_once(hv, "wrmsr #GP", msr);
        return -1;
    }
}
