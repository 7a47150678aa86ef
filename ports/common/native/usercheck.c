/* SPDX-License-Identifier: MIT */
/*
 * role=native-user of the native image (docs/native.md): what the
 * workloads do not reach of a native platform's trap path, in user mode.
 * Faults of every kind end the task with the right record (kernel memory,
 * read-only text, nothing mapped, privileged instructions), and user
 * tasks stay correct while the timer interrupts them (a ticker thread
 * sleeps in short steps, so the interrupts land in user mode and the
 * scheduler switches between two spinning tasks).  The arch's own cases
 * follow (native_arch_checks, e.g. ia64's wild register backing stores).
 */
#include <port/kernel.h>

__attribute__((weak)) const struct arch_attack native_arch_checks[] = {{NULL, NULL}};

static void u_hello(struct tctx *t)
{
    struct user_result res;
    T_EQ(t, user_run(user_hello, 20, &res), 0);
    T_CHECK(t, !res.faulted && res.exit_code == 41, "faulted %d (kind %u), exit %ld",
            res.faulted, res.fault_kind, res.exit_code);
}

static void fault_at(struct tctx *t, long (*fn)(long), long arg, unsigned kind,
                     const char *what)
{
    struct user_result res;
    long r = user_run(fn, arg, &res);
    T_CHECK(t, r == 0 && res.faulted && res.fault_kind == kind,
            "%s: run %ld, faulted %d, kind %u (want %u)", what, r, res.faulted,
            res.fault_kind, kind);
}

static void u_faults(struct tctx *t)
{
    struct user_result res;
    fault_at(t, user_fault, (long)(uintptr_t)__image_start, HESTIA_TRAP_PAGE_FAULT,
             "write to the kernel");
    T_EQ(t, user_run(user_fault, (long)(uintptr_t)__image_start, &res), 0);
    T_EQ(t, res.fault_addr, (uintptr_t)__image_start);
    fault_at(t, user_fault, (long)USER_BASE, HESTIA_TRAP_PAGE_FAULT, "write to user text");
    fault_at(t, user_fault, (long)(USER_BASE + USER_SIZE), HESTIA_TRAP_PAGE_FAULT,
             "write past the user window's mappings");
    for (long i = 0; i < 4; i++) {
        long r = user_run(user_priv, i, &res);
        T_CHECK(t,
                r == 0 && res.faulted &&
                    (res.fault_kind == HESTIA_TRAP_PRIV_OP ||
                     res.fault_kind == HESTIA_TRAP_PROTECTION),
                "privileged op %ld: run %ld, faulted %d, kind %u", i, r, res.faulted,
                res.fault_kind);
    }
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail), "7 faulting tasks ended with their fault");
}

static volatile int ticking;
static unsigned ticks;

static void ticker(void *arg)
{
    (void)arg;
    while (ticking && ticks < 100000) {
        thread_sleep_ns(5000);
        ticks++;
    }
}

static void spinner(void *arg)
{
    user_run(user_spin, 3000000, arg);
}

static void u_preempted(struct tctx *t)
{
    static struct user_result r1, r2;
    ticking = 1;
    ticks = 0;
    struct thread *k = thread_create("ticker", ticker, NULL);
    struct thread *a = thread_create("spin-a", spinner, &r1);
    struct thread *b = thread_create("spin-b", spinner, &r2);
    T_CHECK(t, k && a && b, "threads");
    if (a)
        thread_join(a);
    if (b)
        thread_join(b);
    ticking = 0;
    if (k)
        thread_join(k);
    T_CHECK(t, !r1.faulted && !r2.faulted && r1.exit_code == 0 && r2.exit_code == 0,
            "results %ld/%d %ld/%d", r1.exit_code, r1.faulted, r2.exit_code, r2.faulted);
    T_CHECK(t, ticks > 100, "only %u timer wake-ups while the tasks ran", ticks);
    if (!t->failed)
        ksnprintf(t->detail, sizeof(t->detail),
                  "2 tasks x 3M iterations right, %u timer wake-ups meanwhile", ticks);
}

void role_native_user(void)
{
    test_run("native.user.hello", u_hello);
    test_run("native.user.faults", u_faults);
    test_run("native.user.preempted", u_preempted);
    for (const struct arch_attack *c = native_arch_checks; c->name; c++)
        test_run(c->name, c->fn);
}
