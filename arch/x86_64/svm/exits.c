/* SPDX-License-Identifier: MIT */
/*
 * VM exits by reason, for measuring what virtualization costs
 * (docs/hvm.md, the hvm-bench scenario in docs/benchmarks.md).
 *
 * svm.c counts every exit of a vCPU by its exit code and io.c every
 * port it emulates.  A guest that writes a byte to the bench mark port
 * (0xe9, where nothing sits on a PC: the init of the Linux guest does it
 * through /dev/port between workloads) gets one hypervisor line with the
 * exits since its previous mark, by reason, and the ports that cost the
 * most exits; the power-off line gives the whole run's reasons the same
 * way.  A port write is the cheapest signal a stock guest can send with
 * no driver, and natively (hvm-bench's other half) it is simply dropped.
 */
#include "svm.h"

static const struct {
    unsigned slot;
    const char *name;
} exit_names[] = {
    {SVM_EXIT_INTR, "intr"},        {SVM_EXIT_NMI, "nmi"},
    {SVM_EXIT_SMI, "smi"},          {SVM_EXIT_INIT, "init"},
    {SVM_EXIT_VINTR, "vintr"},      {SVM_EXIT_CPUID, "cpuid"},
    {SVM_EXIT_HLT, "hlt"},          {SVM_EXIT_INVLPGA, "invlpga"},
    {SVM_EXIT_IOIO, "ioio"},        {SVM_EXIT_MSR, "msr"},
    {SVM_EXIT_TASK_SWITCH, "task"}, {SVM_EXIT_SHUTDOWN, "shutdown"},
    {SVM_EXIT_VMRUN, "vmrun"},      {SVM_EXIT_VMMCALL, "vmmcall"},
    {SVM_EXIT_VMLOAD, "vmload"},    {SVM_EXIT_VMSAVE, "vmsave"},
    {SVM_EXIT_STGI, "stgi"},        {SVM_EXIT_CLGI, "clgi"},
    {SVM_EXIT_SKINIT, "skinit"},    {SVM_EXIT_RDTSCP, "rdtscp"},
    {SVM_EXIT_MONITOR, "monitor"},  {SVM_EXIT_MWAIT, "mwait"},
    {SVM_EXIT_MWAIT_COND, "mwait"}, {SVM_EXIT_XSETBV, "xsetbv"},
    {SVM_EXIT_SLOT_NPF, "npf"},     {SVM_EXIT_SLOT_OTHER, "other"},
};

/* The short name of an exit reason slot; NULL if it has none. */
static const char *exit_name(unsigned slot)
{
    for (unsigned i = 0; i < sizeof(exit_names) / sizeof(exit_names[0]); i++)
        if (exit_names[i].slot == slot)
            return exit_names[i].name;
    return NULL;
}

/* "name=count" for each reason with exits in [since, now); their sum. */
static uint64_t print_reasons(const uint64_t *now, const uint64_t *since)
{
    uint64_t total = 0;
    for (unsigned slot = 0; slot < SVM_EXIT_SLOTS; slot++) {
        uint64_t n = now[slot] - (since ? since[slot] : 0);
        if (!n)
            continue;
        total += n;
        const char *name = exit_name(slot);
        if (name)
            core_printf(" %s=%llu", name, (unsigned long long)n);
        else
            core_printf(" 0x%x=%llu", slot, (unsigned long long)n);
    }
    return total;
}

/* The (at most) four ports with the most exits in the window, then clear it. */
static void print_hot_ports(struct svm_vcpu *s)
{
    for (unsigned k = 0; k < 4; k++) {
        unsigned best = 0;
        for (unsigned p = 1; p < SVM_IO_PORTS_COUNTED; p++)
            if (s->io_port_exits[p] > s->io_port_exits[best])
                best = p;
        if (!s->io_port_exits[best])
            break;
        core_printf(" 0x%x=%u", best, s->io_port_exits[best]);
        s->io_port_exits[best] = 0;
    }
    __builtin_memset(s->io_port_exits, 0, sizeof(s->io_port_exits));
}

void svm_count_port(struct svm_vcpu *s, uint16_t port)
{
    if (port < SVM_IO_PORTS_COUNTED)
        s->io_port_exits[port]++;
}

void svm_exit_mark(struct hal_vcpu *hv, unsigned value)
{
    struct svm_vcpu *s = hv->svm;
    core_printf("hestia: hvm d%u: mark %u: exits by reason since the last mark:",
                core_hvm_domain_id(hv->v), value);
    uint64_t total = print_reasons(s->exits, s->exits_at_mark);
    core_printf("; total %llu; hot ports:", (unsigned long long)total);
    print_hot_ports(s);
    core_printf("\n");
    /* The hypervisor's time per exit (cycles = instructions under -icount shift=0). */
    core_printf("hestia: hvm d%u: mark %u: TSC cycles from exit to VMRUN, per exit:",
                core_hvm_domain_id(hv->v), value);
    for (unsigned slot = 0; slot < SVM_EXIT_SLOTS; slot++) {
        uint64_t n = s->exits[slot] - s->exits_at_mark[slot];
        if (n && exit_name(slot))
            core_printf(" %s=%llu", exit_name(slot),
                        (unsigned long long)(s->exit_tsc[slot] / n));
        else if (n)
            core_printf(" 0x%x=%llu", slot, (unsigned long long)(s->exit_tsc[slot] / n));
    }
    core_printf("\n");
    __builtin_memset(s->exit_tsc, 0, sizeof(s->exit_tsc));
    __builtin_memcpy(s->exits_at_mark, s->exits, sizeof(s->exits));
}

void svm_exit_summary(struct hal_vcpu *hv)
{
    struct svm_vcpu *s = hv->svm;
    core_printf("hestia: hvm d%u: exits by reason over the run:",
                core_hvm_domain_id(hv->v));
    uint64_t total = print_reasons(s->exits, NULL);
    core_printf("; total %llu\n", (unsigned long long)total);
}
