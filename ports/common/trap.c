/* SPDX-License-Identifier: MIT */
/*
 * Portable trap dispatch.  The arch entry code only provides a stack and
 * calls these handlers: the interrupted context is in vcpu_info.trap, which
 * is copied out at once (clearing TRAP_FLAG_BUSY, so a fault in the handler
 * is not a double fault) and given back to HYPERCALL_trap_return at the end.
 */
#include <port/arch_regs.h>
#include <port/kernel.h>

struct trap_info trap_last;
void (*trap_probe_hook)(struct hestia_trap_record *rec);
unsigned long trap_events, trap_exceptions, trap_syscalls;

/*
 * The header and the arch's registers (ARCH_TRAP_LIVE_REGS, port/arch_regs.h):
 * the slots after them are 0 from the hypervisor and never read by it, and
 * the record is copied twice per trap (a third of the words on x86_64).
 */
_Static_assert(ARCH_TRAP_LIVE_REGS <= HESTIA_TRAP_REGS, "trap record regs");
#define REC_LIVE_WORDS                                                                     \
    ((sizeof(struct hestia_trap_record) -                                                  \
      sizeof(((struct hestia_trap_record *)0)->regs)) /                                    \
         8 +                                                                               \
     ARCH_TRAP_LIVE_REGS)

static void copy_rec(struct hestia_trap_record *dst,
                     const volatile struct hestia_trap_record *src)
{
    const volatile uint64_t *s = (const volatile uint64_t *)src;
    uint64_t *d = (uint64_t *)dst;
    /* Unrolled: a load and a store a word, not six instructions (twice per upcall). */
#pragma GCC unroll 64
    for (unsigned i = 0; i < REC_LIVE_WORDS; i++)
        d[i] = s[i];
}

static void take_record(struct hestia_trap_record *rec)
{
    struct vcpu_info *vi = this_vcpu();
    copy_rec(rec,
             &vi->trap); /* rec's slots past the arch's stay unset: nobody reads them */
    arch_barrier();
    vi->trap.flags &= ~TRAP_FLAG_BUSY;
}

void trap_init(void)
{
    struct hestia_callbacks cb = {
        .event_entry = (uintptr_t)arch_event_entry,
        .exception_entry = (uintptr_t)arch_exception_entry,
        .syscall_entry = (uintptr_t)arch_syscall_entry,
        .kernel_stack = 0,
    };
    long r = HC(HYPERCALL_set_callbacks, &cb, 0, 0, 0, 0);
    if (r < 0)
        panic("set_callbacks: %ld", r);
}

unsigned long trap_return_refused;

/* Events masked: give rec back and resume it; returns only if the hypervisor refused it. */
static inline __attribute__((always_inline)) long
resume_masked(struct hestia_trap_record *rec, unsigned long how)
{
    rec->flags &= ~TRAP_FLAG_BUSY;
    copy_rec((struct hestia_trap_record *)&this_vcpu()->trap, rec);
    arch_barrier();
    return HC(HYPERCALL_trap_return, how, 0, 0, 0, 0);
}

/* Returns only if the hypervisor refused the context. */
static long trap_try_resume(struct hestia_trap_record *rec)
{
    irq_disable();
    return resume_masked(rec, 0);
}

static NORETURN void resume_failed(long r, const struct hestia_trap_record *rec)
{
    panic("trap_return failed: %ld (pc %llx)", r, (unsigned long long)arch_trap_pc(rec));
}

void trap_resume(struct hestia_trap_record *rec)
{
    resume_failed(trap_try_resume(rec), rec);
}

void port_event_handler(void)
{
    struct hestia_trap_record rec;
    take_record(&rec);
    trap_events++;
    evtchn_do_upcall();
    /* Preempt only a context that could have taken the event itself. */
    if (rec.flags & (TRAP_FLAG_FROM_USER | TRAP_FLAG_EVENTS_ENABLED))
        thread_preempt_point();
    /*
     * An upcall that woke the idle loop out of its block and left nothing
     * to run: the loop would only block again, so block from here
     * (TRAP_RETURN_BLOCK) and the next event interrupts the same context.
     * Decided masked: an event from now on is pending, and the hypervisor
     * then does not block.
     */
    irq_disable();
    bool idle = (rec.flags & TRAP_FLAG_EVENTS_ENABLED) && cpu_idle_would_block();
    resume_failed(resume_masked(&rec, idle ? TRAP_RETURN_BLOCK : 0), &rec);
}

static const char *kind_name(unsigned k)
{
    static const char *const n[] = {"event",      "page-fault", "invalid-op", "priv-op",
                                    "protection", "divide",     "breakpoint", "alignment",
                                    "fp",         "syscall"};
    return k < ARRAY_SIZE(n) ? n[k] : "other";
}

void port_exception_handler(void)
{
    struct hestia_trap_record rec;
    take_record(&rec);
    trap_exceptions++;
    if (rec.flags & TRAP_FLAG_FROM_USER)
        user_handle_fault(&rec);
    uint64_t pc = arch_trap_pc(&rec);
    if (arch_probe_fixup(&rec)) {
        trap_last.count++;
        trap_last.kind = rec.kind;
        trap_last.vector = rec.arch_vector;
        trap_last.error_code = rec.error_code;
        trap_last.fault_addr = rec.fault_addr;
        trap_last.pc = pc;
        trap_last.flags = rec.flags;
        if (trap_probe_hook) {
            /* A test rewrites the context; if the hypervisor refuses it, resume the
             * original. */
            struct hestia_trap_record orig = rec;
            void (*hook)(struct hestia_trap_record *) = trap_probe_hook;
            trap_probe_hook = NULL;
            hook(&rec);
            trap_try_resume(&rec);
            trap_return_refused++;
            rec = orig;
        }
        trap_resume(&rec);
    }
    panic("unexpected %s trap (vector %u) at pc %llx addr %llx err %llx",
          kind_name(rec.kind), rec.arch_vector, (unsigned long long)pc,
          (unsigned long long)rec.fault_addr, (unsigned long long)rec.error_code);
}

/* Arches without a return of their own (x86 has one: ports/x86/arch.c). */
__attribute__((weak)) void arch_syscall_resume(struct hestia_trap_record *rec)
{
    trap_resume(rec);
}

void port_syscall_handler(void)
{
    struct hestia_trap_record rec;
    take_record(&rec);
    trap_syscalls++;
    user_handle_syscall(&rec);
    thread_preempt_point();
    arch_syscall_resume(&rec);
}
