/* SPDX-License-Identifier: MIT */
/* Start of day: check the start info, bring the subsystems up, run the role. */
#include <port/kernel.h>

struct hestia_start_info *start_info;
struct shared_info *shared;
char port_cmdline[START_CMDLINE_SIZE];

const char *port_role_from_cmdline(const char *fallback)
{
    static char role_buf[24];
    if (role_buf[0])
        return role_buf;
    struct ktok v;
    if (kcmdline_get(port_cmdline, "role", &v) && v.len < sizeof(role_buf)) {
        for (size_t i = 0; i < v.len; i++)
            role_buf[i] = v.s[i];
        role_buf[v.len] = '\0';
    } else {
        kstrlcpy(role_buf, fallback, sizeof(role_buf));
    }
    return role_buf;
}

static void main_thread(void *arg)
{
    (void)arg;
    port_main();
    test_done();
}

void port_start(struct hestia_start_info *si)
{
    start_info = si;
    if (si->magic != HESTIA_START_MAGIC) {
        /* Nothing else is trustworthy: crash without printing. */
        hc_sched(SCHEDOP_shutdown, SHUTDOWN_crash);
        for (;;)
            ;
    }
    virt_base = si->virt_base;
    shared = (struct shared_info *)(uintptr_t)si->shared_info_va;
    cpus_init();
    /* Copy the command line: the start-info page may be reused later. */
    for (unsigned i = 0; i < START_CMDLINE_SIZE; i++)
        port_cmdline[i] = si->cmdline[i];
    port_cmdline[START_CMDLINE_SIZE - 1] = '\0';
    if ((si->abi_version >> 16) != HESTIA_ABI_MAJOR)
        panic("ABI major %u, guest built for %u", si->abi_version >> 16, HESTIA_ABI_MAJOR);
    long v = hc_version(VERSION_abi, 0);
    if (v < 0 || ((unsigned long)v >> 16) != HESTIA_ABI_MAJOR)
        panic("HYPERCALL_version says %ld", v);
    mm_init();
    trap_init();
    evtchn_init();
    threads_init();
    time_init();
    unsigned ncpu = smp_init();
    printk("hestia-guest: dom%u role=%s pages=%llu free=%lu cmdline='%s'\n",
           (unsigned)si->domid, port_role(), (unsigned long long)si->nr_pages,
           frames_available(), port_cmdline);
    if (si->nr_vcpus > 1)
        printk("hestia-guest: %u of %u vCPUs online\n", ncpu, (unsigned)si->nr_vcpus);
    struct thread *t = thread_create("main", main_thread, NULL);
    if (!t)
        panic("no memory for the main thread");
    /* The boot context becomes vCPU 0's idle thread. */
    cpu_idle_loop();
}
