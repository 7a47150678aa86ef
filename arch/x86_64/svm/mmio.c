/* SPDX-License-Identifier: MIT */
/*
 * Nested page faults of HVM guests.  All of a guest's RAM is mapped
 * writable and executable from creation on, so a nested page fault is an
 * access beyond it: device memory the model does not have.  As on a bus
 * where nothing answers, a read gives all ones and a write is dropped.
 *
 * QEMU's TCG has no decode assists, so the instruction is fetched through
 * the guest's own page tables and decoded here: MOV between a register
 * and memory (88, 89, 8A, 8B), MOV of an immediate (C6 /0, C7 /0) and
 * MOVZX (0F B6, 0F B7), with operand-size, address-size, segment, LOCK
 * and REX prefixes.  Anything else crashes the guest (only it), with the
 * address and bytes in the log.
 */
#include "svm.h"

/* Host pointer to guest-physical gpa, NULL if it is not RAM. */
static uint8_t *gpa_ptr(struct svm_vcpu *s, uint64_t gpa)
{
    mfn_t m;
    unsigned perms;
    if (hal_as_lookup(s->gphys, guest_va(gpa & ~(uint64_t)(HAL_PAGE_SIZE - 1)), &m, &perms))
        return NULL;
    return (uint8_t *)hal_frame_to_virt(m) + (gpa & (HAL_PAGE_SIZE - 1));
}

/* Guest-linear to guest-physical through the guest's 4-level tables; false if unmapped. */
static bool linear_to_gpa(struct svm_vcpu *s, uint64_t la, uint64_t *gpa)
{
    if (!(vmcb_get(s->vmcb, VMCB_CR0) & X86_CR0_PG)) {
        *gpa = la;
        return true;
    }
    uint64_t table = vmcb_get(s->vmcb, VMCB_CR3) & PTE_ADDR;
    for (int level = 3; level >= 0; level--) {
        const uint8_t *p = gpa_ptr(s, table + ((la >> (12 + 9 * level)) & 511) * 8);
        if (!p)
            return false;
        uint64_t e;
        __builtin_memcpy(&e, p, sizeof(e));
        if (!(e & PTE_P))
            return false;
        if (level > 0 && level < 3 && (e & PTE_PS)) {
            uint64_t size = 1ull << (12 + 9 * level);
            *gpa = (e & PTE_ADDR & ~(size - 1)) | (la & (size - 1));
            return true;
        }
        table = e & PTE_ADDR;
    }
    *gpa = table | (la & (HAL_PAGE_SIZE - 1));
    return true;
}

/* Up to 15 instruction bytes at the guest's RIP; how many could be read. */
static unsigned fetch(struct svm_vcpu *s, uint8_t *buf)
{
    uint64_t rip = vmcb_get(s->vmcb, VMCB_RIP);
    unsigned n = 0;
    while (n < 15) {
        uint64_t gpa;
        const uint8_t *p;
        if (!linear_to_gpa(s, rip + n, &gpa) || !(p = gpa_ptr(s, gpa)))
            break;
        buf[n++] = *p;
    }
    return n;
}

/* The 64-bit general register r (0 = RAX .. 15 = R15). */
static uint64_t *gpr(struct svm_vcpu *s, unsigned r)
{
    struct svm_regs *g = &s->regs;
    switch (r) {
    case 0:
        return (uint64_t *)(s->vmcb + VMCB_RAX);
    case 1:
        return &g->rcx;
    case 2:
        return &g->rdx;
    case 3:
        return &g->rbx;
    case 4:
        return (uint64_t *)(s->vmcb + VMCB_RSP);
    case 5:
        return &g->rbp;
    case 6:
        return &g->rsi;
    case 7:
        return &g->rdi;
    default: {
        uint64_t *hi[8] = {&g->r8,  &g->r9,  &g->r10, &g->r11,
                           &g->r12, &g->r13, &g->r14, &g->r15};
        return hi[r - 8];
    }
    }
}

/* Write a load's result to register r with the CPU's rules for its size. */
static void set_reg(struct svm_vcpu *s, unsigned r, bool rex, unsigned size, uint64_t val)
{
    if (size == 1 && !rex && r >= 4 && r < 8) { /* AH, CH, DH, BH */
        uint64_t *p = gpr(s, r - 4);
        *p = (*p & ~0xff00ull) | ((val & 0xff) << 8);
        return;
    }
    uint64_t *p = gpr(s, r);
    if (size == 8 || size == 4)
        *p = size == 4 ? (uint32_t)val : val; /* a 32-bit write zero-extends */
    else {
        uint64_t mask = size == 2 ? 0xffffull : 0xffull;
        *p = (*p & ~mask) | (val & mask);
    }
}

/* Length of a ModRM memory operand after the ModRM byte (SIB, displacement); -1 if a
 * register. */
static int modrm_extra(uint8_t modrm, const uint8_t *next, unsigned avail)
{
    unsigned mod = modrm >> 6, rm = modrm & 7;
    if (mod == 3)
        return -1;
    int len = 0;
    if (rm == 4) {
        if (avail < 1)
            return -1;
        len = 1;
        if (mod == 0 && (next[0] & 7) == 5)
            len += 4;
    } else if (mod == 0 && rm == 5) {
        len += 4; /* RIP-relative */
    }
    if (mod == 1)
        len += 1;
    else if (mod == 2)
        len += 4;
    return len;
}

int svm_npf(struct hal_vcpu *hv, uint64_t gpa, uint64_t err)
{
    struct svm_vcpu *s = hv->svm;
    uint8_t b[15];
    unsigned n = fetch(s, b), i = 0;
    bool opsize = false, rex_w = false, rex_r = false, rex = false;
    while (i < n &&
           (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e ||
            b[i] == 0x26 || b[i] == 0x64 || b[i] == 0x65 || b[i] == 0xf0)) {
        opsize |= b[i] == 0x66;
        i++;
    }
    if (i < n && (b[i] & 0xf0) == 0x40) {
        rex = true;
        rex_w = b[i] & 8;
        rex_r = b[i] & 4;
        i++;
    }
    if (i >= n)
        goto bad;
    unsigned size = rex_w ? 8 : opsize ? 2 : 4;
    uint8_t op = b[i++];
    bool load, movzx = false;
    unsigned imm_len = 0;
    if (op == 0x0f && i < n && (b[i] == 0xb6 || b[i] == 0xb7)) {
        load = movzx = true;
        op = b[i++];
    } else if (op == 0x88 || op == 0x89 || op == 0xc6 || op == 0xc7) {
        load = false;
        if (op == 0xc6)
            imm_len = 1;
        else if (op == 0xc7)
            imm_len = size == 2 ? 2 : 4;
    } else if (op == 0x8a || op == 0x8b) {
        load = true;
    } else {
        goto bad;
    }
    if (op == 0x88 || op == 0x8a || op == 0xc6)
        size = 1;
    if (i >= n)
        goto bad;
    uint8_t modrm = b[i++];
    int extra = modrm_extra(modrm, b + i, n - i);
    if (extra < 0 || ((op == 0xc6 || op == 0xc7) && ((modrm >> 3) & 7) != 0))
        goto bad;
    i += (unsigned)extra + imm_len;
    if (i > n)
        goto bad;
    svm_log_once(
        hv, load ? "read of unbacked guest-physical" : "write to unbacked guest-physical",
        gpa);
    if (load) {
        unsigned reg = ((modrm >> 3) & 7) | (rex_r ? 8 : 0);
        if (movzx) /* the loaded byte / word of ones, zero-extended to the operand */
            set_reg(s, reg, rex, size, op == 0xb6 ? 0xff : 0xffff);
        else
            set_reg(s, reg, rex, size, ~0ull);
    }
    vmcb_set(s->vmcb, VMCB_RIP, vmcb_get(s->vmcb, VMCB_RIP) + i);
    return 0;
bad:
    core_printf("hestia: hvm d%u: access to %llx (error %llx) by an instruction the MMIO "
                "decoder does not know (%u bytes: %02x %02x %02x %02x)\n",
                core_hvm_domain_id(hv->v), (unsigned long long)gpa, (unsigned long long)err,
                n, n > 0 ? b[0] : 0, n > 1 ? b[1] : 0, n > 2 ? b[2] : 0, n > 3 ? b[3] : 0);
    return -1;
}
