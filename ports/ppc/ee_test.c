/* SPDX-License-Identifier: MIT */
/*
 * pv.virtual-ee on ppc: the guest kernel's virtual MSR[EE] is its event
 * mask (vcpu_info.evtchn_upcall_mask), whichever way it is written:
 * `wrteei`, `wrtee`, `mtmsr` or a store to the mask, and `mfmsr` reads it.
 * The port itself masks with stores; this test drives the instructions.
 */
#include <port/arch_regs.h>
#include <port/kernel.h>

static volatile unsigned ee_upcalls;
static volatile uint64_t ee_rec_pc, ee_rec_msr;
static volatile uint32_t ee_rec_flags;

/* The port's handler: the trap record is still the upcall's while it runs. */
static void ee_handler(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    const volatile struct hestia_trap_record *r = &this_vcpu()->trap;
    ee_rec_pc = r->regs[PP_PC];
    ee_rec_msr = r->regs[PP_MSR];
    ee_rec_flags = r->flags;
    ee_upcalls++;
}

static inline uint32_t mfmsr(void)
{
    uint32_t m;
    __asm__ volatile("mfmsr %0" : "=r"(m) : : "memory");
    return m;
}

static inline uint8_t mask(void)
{
    return *(volatile uint8_t *)&this_vcpu()->evtchn_upcall_mask;
}

/* trap_return with a record whose MSR[EE] contradicts its flags: the flags decide. */
static void flip_ee(struct hestia_trap_record *r)
{
    r->regs[PP_MSR] ^= HESTIA_PPC_MSR_EE;
}

static void disagreeing_records(struct tctx *t)
{
    /* Events on: the record says EVENTS_ENABLED, its MSR[EE] is cleared. */
    trap_probe_hook = flip_ee;
    T_EQ(t, arch_probe_invalid_op(), -1);
    T_CHECK(t, trap_probe_hook == NULL, "hook not run");
    T_CHECK(t, mask() == 0 && (mfmsr() & HESTIA_PPC_MSR_EE),
            "EE cleared in a record with EVENTS_ENABLED: mask %u, mfmsr %x", mask(),
            mfmsr());
    /* Events off: no EVENTS_ENABLED, MSR[EE] set. */
    __asm__ volatile("wrteei 0" : : : "memory");
    trap_probe_hook = flip_ee;
    T_EQ(t, arch_probe_invalid_op(), -1);
    trap_probe_hook = NULL;
    bool masked = mask() == 1 && !(mfmsr() & HESTIA_PPC_MSR_EE);
    __asm__ volatile("wrteei 1" : : : "memory");
    T_CHECK(t, masked, "EE set in a record without EVENTS_ENABLED unmasked events");
}

void arch_virtual_ee_test(struct tctx *t)
{
    T_CHECK(t, mask() == 0 && mfmsr() == HESTIA_PPC_MSR_EE, "thread: mask %u, mfmsr %x",
            mask(), mfmsr());
    long p = evtchn_bind_ipi(ee_handler, NULL);
    T_CHECK(t, p > 0, "bind_ipi %ld", p);
    if (p <= 0)
        return;
    ee_upcalls = 0;

    /* wrteei 0 is the mask; the mask written in memory is mfmsr's EE. */
    __asm__ volatile("wrteei 0" : : : "memory");
    uint32_t m0 = mfmsr();
    uint8_t k0 = mask();
    this_vcpu()->evtchn_upcall_mask = 0;
    uint32_t m1 = mfmsr();
    this_vcpu()->evtchn_upcall_mask = 1;
    uint32_t m2 = mfmsr();
    T_CHECK(t, m0 == 0 && k0 == 1, "after wrteei 0: mfmsr %x, mask %u", m0, k0);
    T_CHECK(t, m1 == HESTIA_PPC_MSR_EE, "mask cleared in memory: mfmsr %x", m1);
    T_CHECK(t, m2 == 0, "mask set in memory: mfmsr %x", m2);

    /* Masked: the event waits, through a hypercall's exit and an emulated mfmsr. */
    T_EQ(t, evtchn_send((evtchn_port_t)p), 0);
    (void)mfmsr();
    unsigned early = ee_upcalls;
    uint8_t pending = this_vcpu()->evtchn_upcall_pending;

    /* wrteei 1 takes it before the next instruction: the record points there. */
    uint32_t next_pc;
    __asm__ volatile("wrteei 1\n"
                     "1:\n\t"
                     "lis %0, 1b@ha\n\t"
                     "addi %0, %0, 1b@l"
                     : "=b"(next_pc)
                     :
                     : "memory");
    unsigned after = ee_upcalls;
    T_EQ(t, early, 0);
    T_EQ(t, pending, 1);
    T_CHECK(t, after == 1, "wrteei 1 with an event pending: %u upcalls right after", after);
    T_CHECK(t, ee_rec_pc == next_pc, "upcall at pc %llx, want %x (after the wrteei)",
            (unsigned long long)ee_rec_pc, next_pc);
    T_CHECK(t, ee_rec_msr == HESTIA_PPC_MSR_EE && (ee_rec_flags & TRAP_FLAG_EVENTS_ENABLED),
            "upcall record: MSR %llx flags %x, want EE and EVENTS_ENABLED",
            (unsigned long long)ee_rec_msr, ee_rec_flags);
    T_CHECK(t, mask() == 0 && mfmsr() == HESTIA_PPC_MSR_EE, "after the upcall: mask %u",
            mask());

    /* wrtee and mtmsr: the same mask; mtmsr's other bits change nothing. */
    uint32_t zero = 0, ee = HESTIA_PPC_MSR_EE;
    __asm__ volatile("wrtee %0" : : "r"(zero) : "memory");
    uint8_t k3 = mask();
    __asm__ volatile("mtmsr %0" : : "r"(ee | 0x4030u) : "memory"); /* EE, PR, IS, DS */
    uint8_t k4 = mask();
    uint32_t m4 = mfmsr();
    T_CHECK(t, k3 == 1 && k4 == 0 && m4 == HESTIA_PPC_MSR_EE,
            "wrtee 0: mask %u; mtmsr EE|PR|IS|DS: mask %u, mfmsr %x", k3, k4, m4);

    disagreeing_records(t);
    T_EQ(t, evtchn_close((evtchn_port_t)p), 0);
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail),
                  "wrteei 0 masked; the upcall came right after wrteei 1 (pc %x)", next_pc);
}
