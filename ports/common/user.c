/* SPDX-License-Identifier: MIT */
/*
 * User-mode tasks: a fresh user address space with the user blob and a
 * stack, entered with VCPUOP_enter_user; system calls and faults come back
 * through the trap record.  user_run() returns when the task exits or dies.
 */
#include <port/kernel.h>

#define USER_STACK_PAGES 2
/*
 * A task's kernel stack: two stack blocks (cpu.c), so that the bottom
 * block holds what the arch puts below the stack (ia64: the register
 * backing store starts 16 KiB below it) and the top names the vCPU.
 */
#define KSTACK_BLOCKS 2
#define KSTACK_PAGES (KSTACK_BLOCKS * THREAD_STACK_PAGES)

void (*user_enter_hook)(struct hestia_trap_record *rec);

struct utask {
    struct arch_ctx kctx;
    struct user_result *res;
    uint64_t as;
};

static uintptr_t user_va(const void *p)
{
    return USER_BASE + (uintptr_t)((const char *)p - __user_start);
}

static bool user_range_ok(uint64_t va, uint64_t len)
{
    return va >= USER_BASE && len <= USER_SIZE && va - USER_BASE <= USER_SIZE - len;
}

long user_run(long (*fn)(long), long arg, struct user_result *res)
{
    return user_run_private(fn, arg, ~0ull, res);
}

long user_run_private(long (*fn)(long), long arg, uint64_t private_gfn,
                      struct user_result *res)
{
    if ((char *)fn < __user_start || (char *)fn >= __user_data)
        return -HESTIA_EINVAL;
    struct utask task = {.res = res};
    for (size_t i = 0; i < sizeof(*res); i++)
        ((char *)res)[i] = 0;
    long r = mmu_as_create(&task.as);
    if (r < 0)
        return r;
    long stack = frames_alloc(USER_STACK_PAGES);
    uint64_t kgfn = 0;
    uint64_t ktop = stack_alloc(KSTACK_BLOCKS, this_cpu()->id, &kgfn);
    long kstack = ktop ? (long)kgfn : -HESTIA_ENOMEM;
    if (stack < 0 || kstack < 0) {
        r = -HESTIA_ENOMEM;
        goto out;
    }
    struct mmu_batch b = {0};
    for (char *p = __user_start; p < __user_end; p += HESTIA_PAGE_SIZE) {
        unsigned perms = MMU_PERM_USER | MMU_PERM_READ |
                         (p < __user_data ? MMU_PERM_EXEC : MMU_PERM_WRITE);
        mmu_add(&b, MMUOP_map, task.as, user_va(p), va_to_gfn(p), perms);
    }
    for (unsigned i = 0; i < USER_STACK_PAGES; i++)
        mmu_add(&b, MMUOP_map, task.as,
                USER_STACK_TOP - (uint64_t)(USER_STACK_PAGES - i) * HESTIA_PAGE_SIZE,
                (uint64_t)stack + i, MMU_PERM_USER | MMU_PERM_READ | MMU_PERM_WRITE);
    if (private_gfn != ~0ull)
        mmu_add(&b, MMUOP_map, task.as, USER_PRIVATE_VA, private_gfn,
                MMU_PERM_USER | MMU_PERM_READ | MMU_PERM_WRITE);
    r = mmu_flush(&b, NULL);
    if (r < 0)
        goto out;
    unsigned long f = irq_save();
    void *old_task = current->utask;
    uint64_t old_as = current->user_as, old_ks = current->user_kstack;
    current->utask = &task;
    thread_set_user(task.as, ktop);
    if (arch_setjmp(&task.kctx) == 0) {
        struct hestia_trap_record rec;
        for (size_t i = 0; i < sizeof(rec); i++)
            ((char *)&rec)[i] = 0;
        rec.flags = TRAP_FLAG_FROM_USER | TRAP_FLAG_EVENTS_ENABLED;
        arch_user_context(&rec, user_va((void *)user_entry), USER_STACK_TOP - 64,
                          user_va((void *)fn), (uint64_t)arg);
        if (user_enter_hook)
            user_enter_hook(&rec);
        r = hc_vcpu(VCPUOP_enter_user, this_cpu()->id, (uintptr_t)&rec);
        /* Only an error comes back here. */
    } else {
        r = 0;
    }
    current->utask = old_task;
    thread_set_user(old_as, old_ks);
    if (!old_as)
        mmu_as_switch(0);
    irq_restore(f);
out:
    mmu_as_destroy(task.as);
    if (stack >= 0)
        frames_free((uint64_t)stack, USER_STACK_PAGES);
    if (kstack >= 0)
        frames_free(kstack, KSTACK_PAGES);
    return r;
}

void user_handle_syscall(struct hestia_trap_record *r)
{
    struct utask *task = current->utask;
    if (!task)
        panic("system call without a user task");
    task->res->syscalls++;
    uint64_t nr = arch_syscall_nr(r);
    uint64_t a0 = arch_syscall_arg(r, 0), a1 = arch_syscall_arg(r, 1);
    long ret;
    switch (nr) {
    case SYS_exit:
        task->res->exit_code = (long)a0;
        arch_longjmp(&task->kctx, 1);
    case SYS_write: {
        char buf[257];
        if (a1 > 256 || !user_range_ok(a0, a1)) {
            ret = -HESTIA_EFAULT;
            break;
        }
        for (uint64_t i = 0; i < a1; i++) {
            /* Bytes in memory order whatever the endianness. */
            union {
                uint64_t w;
                unsigned char b[8];
            } u;
            /* The page may be unmapped: read through a probe. */
            if (arch_probe_read((uintptr_t)(a0 + i) & ~7ul, &u.w) < 0) {
                a1 = i;
                break;
            }
            buf[i] = (char)u.b[(a0 + i) & 7];
        }
        buf[a1] = '\0';
        printk("%s", buf);
        ret = (long)a1;
        break;
    }
    case SYS_getpid:
        ret = current->id;
        break;
    case SYS_yield:
        thread_yield();
        ret = 0;
        break;
    case SYS_sleep:
        thread_sleep_ns(a0);
        ret = 0;
        break;
    case SYS_time:
        ret = (long)time_now_ns();
        break;
    default:
        ret = -HESTIA_ENOSYS;
        break;
    }
    arch_syscall_set_result(r, (uint64_t)ret);
}

void user_handle_fault(struct hestia_trap_record *r)
{
    struct utask *task = current->utask;
    if (!task)
        panic("user fault (kind %u) without a user task", r->kind);
    task->res->faulted = true;
    task->res->fault_kind = r->kind;
    task->res->fault_addr = r->fault_addr;
    task->res->exit_code = -1;
    arch_longjmp(&task->kctx, 1);
}

/*
 * Enter user mode at pc with no user space at all (nothing mapped there):
 * the first fetch must come back as a user fault, and nothing else happen.
 * 0 with res filled, or an error.
 */
long user_run_nospace(uint64_t pc, struct user_result *res)
{
    struct utask task = {.res = res};
    for (size_t i = 0; i < sizeof(*res); i++)
        ((char *)res)[i] = 0;
    uint64_t kstack = 0;
    uint64_t ktop = stack_alloc(KSTACK_BLOCKS, this_cpu()->id, &kstack);
    if (!ktop)
        return -HESTIA_ENOMEM;
    long r;
    unsigned long f = irq_save();
    void *old_task = current->utask;
    uint64_t old_as = current->user_as, old_ks = current->user_kstack;
    current->utask = &task;
    thread_set_user(0, ktop);
    r = mmu_as_switch(0);
    if (r == 0 && arch_setjmp(&task.kctx) == 0) {
        struct hestia_trap_record rec;
        for (size_t i = 0; i < sizeof(rec); i++)
            ((char *)&rec)[i] = 0;
        rec.flags = TRAP_FLAG_FROM_USER | TRAP_FLAG_EVENTS_ENABLED;
        arch_user_context(&rec, pc, USER_STACK_TOP - 64, 0, 0);
        r = hc_vcpu(VCPUOP_enter_user, this_cpu()->id, (uintptr_t)&rec);
        /* Only an error comes back here. */
    } else if (r == 0) {
        r = 0; /* back from user_handle_fault */
    }
    current->utask = old_task;
    thread_set_user(old_as, old_ks);
    if (!old_as)
        mmu_as_switch(0);
    irq_restore(f);
    frames_free(kstack, KSTACK_PAGES);
    return r;
}
