/* SPDX-License-Identifier: MIT */
/*
 * The workloads of `./hestia bench` (docs/native.md): one source that runs
 * both paravirtualized (dom0 role=workloads under Hestia) and native (the
 * same kernel linked with the native platform, ports/<arch>/native).  Each
 * prints
 *     WORKLOAD <name> <ns per unit> ns sum <checksum>
 * and a TEST line checking its own result; the host compares the two runs
 * (ci/hestia_cli/native_bench.py): the checksums must agree (the same work
 * was done) and the times give the overhead.  Under -icount shift=0 a
 * guest ns is one instruction.
 */
#include <port/kernel.h>
#include <port/ring.h>

/* A checksum step (FNV-1a over 64-bit words). */
static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x100000001b3ull;
}

/* xorshift64: the same pseudo-random sequence on every arch. */
static uint64_t rnd(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static void report(const char *name, uint64_t elapsed, uint64_t units, uint64_t sum,
                   bool ok, const char *why)
{
    uint64_t per = units ? elapsed / units : 0;
    printk("WORKLOAD %s %llu ns sum %llx\n", name, (unsigned long long)per,
           (unsigned long long)sum);
    char test[40];
    ksnprintf(test, sizeof(test), "work.%s", name);
    test_report(test, ok ? TR_PASS : TR_FAIL, "%s%s%llu ns per unit", why,
                why[0] ? ": " : "", (unsigned long long)per);
}

/* Integer bound: a hash chain in registers; unit = 1000 rounds. */
static void work_compute_int(void)
{
    enum { ROUNDS = 400000 };
    uint64_t s = 0x9e3779b97f4a7c15ull, h = 0xcbf29ce484222325ull;
    uint64_t t0 = time_now_ns();
    for (unsigned i = 0; i < ROUNDS; i++) {
        uint64_t r = rnd(&s);
        h = mix(h, r ^ (r >> 29) ^ ((uint64_t)(uint32_t)r * 0x2545f491u));
    }
    uint64_t el = time_now_ns() - t0;
    report("compute-int", el, ROUNDS / 1000, h, h != 0, "");
}

/* Memory bound: random read-modify-writes over 256 KiB; unit = 1000 accesses. */
static void work_compute_mem(void)
{
    enum { PAGES = 64, ACCESSES = 200000 };
    long g = frames_alloc(PAGES);
    if (g < 0) {
        report("compute-mem", 0, 0, 0, false, "no memory");
        return;
    }
    uint32_t *a = gfn_to_va((uint64_t)g);
    const unsigned words = PAGES * HESTIA_PAGE_SIZE / 4;
    for (unsigned i = 0; i < words; i++)
        a[i] = i * 2654435761u;
    uint64_t s = 0x2545f4914f6cdd1dull, h = 0;
    uint64_t t0 = time_now_ns();
    for (unsigned i = 0; i < ACCESSES; i++) {
        uint64_t r = rnd(&s);
        uint32_t *p = &a[r % words];
        *p = *p * 33u + (uint32_t)(r >> 40);
        h += *p;
    }
    uint64_t el = time_now_ns() - t0;
    for (unsigned i = 0; i < words; i += 61)
        h = mix(h, a[i]);
    frames_free((uint64_t)g, PAGES);
    report("compute-mem", el, ACCESSES / 1000, h, true, "");
}

/* System calls from user mode: unit = one null system call (SYS_getpid). */
static void work_syscall(void)
{
    enum { CALLS = 20000 };
    struct user_result res0, res;
    uint64_t t0 = time_now_ns();
    long r0 = user_run(user_null_syscalls, 0, &res0);
    uint64_t t1 = time_now_ns();
    long r = user_run(user_null_syscalls, CALLS, &res);
    uint64_t t2 = time_now_ns();
    /* The task's set-up and exit are the empty run's: subtract them. */
    uint64_t el = (t2 - t1) > (t1 - t0) ? (t2 - t1) - (t1 - t0) : 0;
    bool ok = r0 == 0 && r == 0 && !res.faulted && res.exit_code == CALLS &&
              res.syscalls == CALLS + 1;
    report("syscall", el, CALLS, mix((uint64_t)res.exit_code, res.syscalls), ok,
           ok ? "" : "user task failed");
}

/*
 * One process of the process workload: create an address space, map PAGES
 * frames from gfn g in it (one batch), switch to it, touch every page,
 * switch back, destroy it.  Folds what it read into *h; returns 0 or the
 * first failing call's error.  bench.c profiles it (`./hestia bench
 * --profile process`).
 */
enum { PROCESS_PAGES = 32 };
long work_process_once(uint64_t g, unsigned round, uint64_t *h);
long work_process_once(uint64_t g, unsigned round, uint64_t *h)
{
    uint64_t as;
    long bad = mmu_as_create(&as);
    if (bad < 0)
        return bad;
    struct mmu_batch b = {0};
    for (unsigned i = 0; i < PROCESS_PAGES; i++)
        mmu_add(&b, MMUOP_map, as, USER_BASE + (uint64_t)i * HESTIA_PAGE_SIZE, g + i,
                MMU_PERM_USER | MMU_PERM_READ | MMU_PERM_WRITE);
    bad |= mmu_flush(&b, NULL);
    unsigned long f = irq_save();
    bad |= mmu_as_switch(as);
    for (unsigned i = 0; i < PROCESS_PAGES && !bad; i++) {
        volatile uint64_t *p =
            (volatile uint64_t *)(uintptr_t)(USER_BASE + (uint64_t)i * HESTIA_PAGE_SIZE);
        p[round % 512] = round * 1000u + i;
        *h = mix(*h, p[round % 512]);
    }
    bad |= mmu_as_switch(0);
    this_cpu()->cur_as = 0;
    irq_restore(f);
    bad |= mmu_as_destroy(as);
    return bad;
}

/* Process-like memory work (work_process_once); unit = one process. */
static void work_process(void)
{
    enum { ROUNDS = 60 };
    long g = frames_alloc(PROCESS_PAGES);
    if (g < 0) {
        report("process", 0, 0, 0, false, "no memory");
        return;
    }
    uint64_t h = 0;
    long bad = 0;
    uint64_t t0 = time_now_ns();
    for (unsigned round = 0; round < ROUNDS && !bad; round++)
        bad = work_process_once((uint64_t)g, round, &h);
    uint64_t el = time_now_ns() - t0;
    frames_free((uint64_t)g, PROCESS_PAGES);
    report("process", el, ROUNDS, h, bad == 0, bad ? "mmu_op failed" : "");
}

/*
 * Thread context switches: two threads yielding in turn; unit = one switch.
 * Each thread counts its own turns and publishes the count when done: a
 * shared `count++` loses increments when a timer preempts a thread between
 * its load and its store (seen under Hestia on x86: 39995 of 40000).
 */
#define SWITCH_TURNS 20000u
static volatile unsigned switch_turns[2];
static void switcher(void *arg)
{
    unsigned who = (unsigned)(uintptr_t)arg, done = 0;
    for (unsigned i = 0; i < SWITCH_TURNS; i++) {
        done++;
        thread_yield();
    }
    switch_turns[who] = done;
}
static void work_switch(void)
{
    switch_turns[0] = switch_turns[1] = 0;
    uint64_t sw0 = thread_switches;
    uint64_t t0 = time_now_ns();
    struct thread *a = thread_create("switch-a", switcher, (void *)(uintptr_t)0);
    struct thread *b = thread_create("switch-b", switcher, (void *)(uintptr_t)1);
    if (a)
        thread_join(a);
    if (b)
        thread_join(b);
    uint64_t el = time_now_ns() - t0;
    uint64_t sw = thread_switches - sw0;
    unsigned turns = switch_turns[0] + switch_turns[1];
    bool ok = a && b && turns == 2 * SWITCH_TURNS && sw >= 2 * SWITCH_TURNS;
    report("thread-switch", el, sw, turns, ok, ok ? "" : "threads did not run");
}

/*
 * Producer and consumer threads over a ring (ring.c), each notifying the
 * other with an event on its own port (an IPI to this vCPU: a hypercall
 * and an upcall under Hestia, a software interrupt natively); unit = one
 * message.
 */
#define MSG_BYTES 64
static struct ring pc_ring;
static volatile int pc_data, pc_space;
static evtchn_port_t pc_data_port, pc_space_port;
static uint64_t pc_sum;
static unsigned pc_events;
static void pc_event(evtchn_port_t port, void *arg)
{
    (void)port;
    pc_events++;
    set_flag((volatile int *)arg);
}
static void producer(void *arg)
{
    unsigned n = (unsigned)(uintptr_t)arg;
    uint64_t s = 0x1234567887654321ull;
    for (unsigned i = 0; i < n; i++) {
        uint64_t msg[MSG_BYTES / 8];
        for (unsigned w = 0; w < MSG_BYTES / 8; w++)
            msg[w] = rnd(&s);
        while (pc_ring.size - ring_used(&pc_ring) < MSG_BYTES) {
            if (!wait_flag(&pc_space, 1000000000ull))
                return; /* the consumer stalled: the count tells */
            pc_space = 0;
        }
        ring_write(&pc_ring, msg, MSG_BYTES);
        evtchn_send(pc_data_port);
    }
}
static void consumer(void *arg)
{
    unsigned n = (unsigned)(uintptr_t)arg;
    for (unsigned i = 0; i < n; i++) {
        while (ring_used(&pc_ring) < MSG_BYTES) {
            if (!wait_flag(&pc_data, 1000000000ull))
                return; /* the producer stalled: the count tells */
            pc_data = 0;
        }
        uint64_t msg[MSG_BYTES / 8];
        ring_read(&pc_ring, msg, MSG_BYTES);
        for (unsigned w = 0; w < MSG_BYTES / 8; w++)
            pc_sum = mix(pc_sum, msg[w]);
        evtchn_send(pc_space_port);
    }
}
static void work_ring(void)
{
    enum { MSGS = 4000 };
    long hdr = frame_alloc(), data = frame_alloc();
    long dp = evtchn_bind_ipi(pc_event, (void *)&pc_data);
    long sp = evtchn_bind_ipi(pc_event, (void *)&pc_space);
    if (hdr < 0 || data < 0 || dp < 0 || sp < 0) {
        report("ring", 0, 0, 0, false, "no memory or ports");
        return;
    }
    uint8_t *pages[1] = {gfn_to_va((uint64_t)data)};
    ring_init(&pc_ring, gfn_to_va((uint64_t)hdr), 1, pages);
    pc_data_port = (evtchn_port_t)dp;
    pc_space_port = (evtchn_port_t)sp;
    pc_sum = 0;
    pc_events = 0;
    uint64_t t0 = time_now_ns();
    struct thread *c = thread_create("consumer", consumer, (void *)(uintptr_t)MSGS);
    struct thread *p = thread_create("producer", producer, (void *)(uintptr_t)MSGS);
    if (c)
        thread_join(c);
    if (p)
        thread_join(p);
    uint64_t el = time_now_ns() - t0;
    uint32_t left = ring_used(&pc_ring);
    bool ok = c && p && left == 0 && pc_events >= MSGS;
    report("ring", el, MSGS, pc_sum, ok, ok ? "" : "messages lost");
    evtchn_close((evtchn_port_t)dp);
    evtchn_close((evtchn_port_t)sp);
    frame_free((uint64_t)hdr);
    frame_free((uint64_t)data);
}

/* Many short timer sleeps; unit = one 20 us sleep (its overshoot is the cost). */
static void work_sleep(void)
{
    enum { SLEEPS = 500, SLEEP_NS = 20000 };
    unsigned early = 0;
    uint64_t t0 = time_now_ns();
    for (unsigned i = 0; i < SLEEPS; i++) {
        uint64_t a = time_now_ns();
        thread_sleep_ns(SLEEP_NS);
        if (time_now_ns() - a < SLEEP_NS)
            early++;
    }
    uint64_t el = time_now_ns() - t0;
    report("sleep", el, SLEEPS, SLEEPS - early, early == 0, early ? "woke early" : "");
}

/* Which platform runs this kernel: the native layer overrides it. */
__attribute__((weak)) const char *port_platform(void)
{
    return "pv";
}

void role_workloads(void)
{
    printk("workloads: %s platform\n", port_platform());
    work_compute_int();
    work_compute_mem();
    work_syscall();
    work_process();
    work_switch();
    work_ring();
    work_sleep();
}
