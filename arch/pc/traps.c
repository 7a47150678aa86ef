/* SPDX-License-Identifier: MIT */
/*
 * Trap classification shared by both x86 backends: device interrupts,
 * exception vector -> HESTIA_TRAP_*, #GP decoding, #PF error bits.
 */
#include <hal/entry.h>
#include <hal/guest_copy.h>
#include <hestia/trap.h>
#include <pc/pc.h>
#include <x86_common/vectors.h>

static const char *const names[X86_NR_EXCEPTIONS] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "?9",  "#TS",
    "#NP", "#SS", "#GP", "#PF", "?15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

const char *pc_vector_name(unsigned long vector)
{
    return vector < X86_NR_EXCEPTIONS && names[vector] ? names[vector] : "irq";
}

bool pc_handle_irq(unsigned long vector)
{
    switch (vector) {
    case PC_VEC_TIMER:
        pc_timer_irq();
        return true;
    case PC_VEC_UART:
        lapic_eoi();
        pc_uart_poll();
        return true;
    case PC_VEC_SPURIOUS:
        return true;
    case PC_VEC_IPI:
        lapic_eoi();
        core_ipi_interrupt();
        return true;
    default:
        if (vector >= PC_VEC_PIRQ_BASE && vector < PC_VEC_PIRQ_BASE + PC_NR_PIRQ) {
            pc_pirq_irq(vector);
            return true;
        }
        if (vector >= X86_NR_EXCEPTIONS && vector < X86_NR_VECTORS) {
            lapic_eoi(); /* an unexpected device interrupt: ignore it */
            return true;
        }
        return false;
    }
}

bool pc_hyp_trap(unsigned long vector)
{
    if (pc_handle_irq(vector))
        return true;
    /*
     * #DB in ring 0 only comes from a guest's TF across the instruction
     * that left it (we use no debug registers); the guest's flags, with
     * TF, come back when it is entered again.
     */
    return vector == X86_EXC_DB;
}

static bool is_prefix(uint8_t b)
{
    return b == 0x66 || b == 0x67 || b == 0xf2 || b == 0xf3 || b == 0xf0 || b == 0x2e ||
           b == 0x3e || b == 0x26 || b == 0x36 || b == 0x64 || b == 0x65;
}

unsigned pc_classify_gp(const uint8_t *insn, size_t n, bool rex)
{
    size_t i = 0;
    while (i < n && (is_prefix(insn[i]) || (rex && insn[i] >= 0x40 && insn[i] <= 0x4f)))
        i++;
    if (i >= n)
        return HESTIA_TRAP_PROTECTION;
    uint8_t op = insn[i];
    if (op == 0xfa || op == 0xfb || op == 0xf4 || (op >= 0xe4 && op <= 0xe7) ||
        (op >= 0xec && op <= 0xef) || (op >= 0x6c && op <= 0x6f))
        return HESTIA_TRAP_PRIV_OP;
    if (op == 0x0f && i + 1 < n) {
        uint8_t op2 = insn[i + 1];
        if (op2 == 0x00 || op2 == 0x01 || op2 == 0x06 || op2 == 0x07 || op2 == 0x08 ||
            op2 == 0x09 || (op2 >= 0x20 && op2 <= 0x23) || op2 == 0x30 || op2 == 0x32 ||
            op2 == 0x33 || op2 == 0x35)
            return HESTIA_TRAP_PRIV_OP;
    }
    return HESTIA_TRAP_PROTECTION;
}

unsigned pc_trap_kind(unsigned long vector)
{
    switch (vector) {
    case X86_EXC_DE:
        return HESTIA_TRAP_DIVIDE;
    case X86_EXC_DB:
    case X86_EXC_BP:
        return HESTIA_TRAP_BREAKPOINT;
    case X86_EXC_UD:
        return HESTIA_TRAP_INVALID_OP;
    case X86_EXC_TS:
    case X86_EXC_NP:
    case X86_EXC_SS:
    case X86_EXC_GP:
        return HESTIA_TRAP_PROTECTION;
    case X86_EXC_PF:
        return HESTIA_TRAP_PAGE_FAULT;
    case X86_EXC_MF:
    case X86_EXC_XM:
        return HESTIA_TRAP_FP;
    case X86_EXC_AC:
        return HESTIA_TRAP_ALIGNMENT;
    default:
        return HESTIA_TRAP_OTHER;
    }
}

unsigned pc_guest_trap_kind(struct vcpu *v, unsigned long vector, guest_va_t pc, bool rex)
{
    if (vector != X86_EXC_GP)
        return pc_trap_kind(vector);
    uint8_t insn[15];
    size_t n = 0;
    while (n < sizeof(insn) &&
           hal_copy_from_guest(v, &insn[n], guest_va_add(pc, n), 1) == 0)
        n++;
    return pc_classify_gp(insn, n, rex);
}

uint64_t pc_pf_error(uint64_t hw, bool user)
{
    return (hw & 1 ? HESTIA_PF_PRESENT : 0) | (hw & 2 ? HESTIA_PF_WRITE : 0) |
           (hw & 16 ? HESTIA_PF_EXEC : 0) | (user ? HESTIA_PF_USER : 0);
}
