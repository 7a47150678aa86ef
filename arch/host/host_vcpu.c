/* SPDX-License-Identifier: MIT */
/*
 * Host HAL vCPUs: a register array and a mode.  Entering the guest is a
 * longjmp back to the test, which plays the guest by calling core entry
 * points itself.
 */
#include <host/host.h>
#include <string.h>

struct hal_vcpu *host_last_run(void)
{
    return hal_this_cpu()->current;
}

struct hal_vcpu *hal_vcpu_create(struct vcpu *v)
{
    struct hal_vcpu *hv = core_heap_alloc(sizeof(*hv));
    if (!hv)
        return NULL;
    memset(hv, 0, sizeof(*hv));
    hv->v = v;
    hv->regs[HOST_REG_MODE] = HOST_MODE_KERNEL;
    return hv;
}

void hal_vcpu_destroy(struct hal_vcpu *hv)
{
    if (!hv)
        return;
    for (unsigned i = 0; i < HAL_MAX_CPUS; i++)
        if (host_cpu(i)->current == hv)
            host_cpu(i)->current = NULL;
    core_heap_free(hv);
}

void hal_vcpu_init_entry(struct hal_vcpu *hv, guest_va_t entry, guest_va_t stack,
                         guest_va_t arg)
{
    memset(hv->regs, 0, sizeof(hv->regs));
    hv->regs[HOST_REG_PC] = guest_va_val(entry);
    hv->regs[HOST_REG_SP] = guest_va_val(stack);
    hv->regs[HOST_REG_ARG0] = guest_va_val(arg);
    hv->regs[HOST_REG_MODE] = HOST_MODE_KERNEL;
}

void hal_vcpu_set_spaces(struct hal_vcpu *hv, struct hal_as *kernel, struct hal_as *user)
{
    hv->kernel = kernel;
    hv->user = user;
}

void hal_vcpu_get_spaces(const struct hal_vcpu *hv, struct hal_as **kernel,
                         struct hal_as **user)
{
    *kernel = hv->kernel;
    *user = hv->user;
}

bool hal_vcpu_in_user(const struct hal_vcpu *hv)
{
    return hv->regs[HOST_REG_MODE] == HOST_MODE_USER;
}

void hal_vcpu_set_result(struct hal_vcpu *hv, long result)
{
    hv->regs[HOST_REG_RESULT] = (uint64_t)result;
}

void hal_vcpu_get_context(const struct hal_vcpu *hv, struct hestia_trap_record *rec)
{
    memcpy(rec->regs, hv->regs, sizeof(rec->regs));
}

int hal_vcpu_set_context(struct hal_vcpu *hv, const struct hestia_trap_record *rec)
{
    uint64_t mode = rec->regs[HOST_REG_MODE];
    if (mode != HOST_MODE_KERNEL && mode != HOST_MODE_USER)
        return -HESTIA_EINVAL; /* would gain privilege */
    memcpy(hv->regs, rec->regs, sizeof(hv->regs));
    return mode == HOST_MODE_USER ? 1 : 0;
}

int hal_vcpu_save_state(const struct hal_vcpu *hv, struct hestia_vcpu_state *st)
{
    hal_vcpu_state_begin(st, HESTIA_VCPU_ARCH_HOST, HOST_VCPU_STATE_SIZE);
    memcpy(st->body.regs, hv->regs, sizeof(hv->regs));
    return 0;
}

int hal_vcpu_load_state(struct hal_vcpu *hv, const struct hestia_vcpu_state *st)
{
    if (hal_vcpu_state_check(st, HESTIA_VCPU_ARCH_HOST, HOST_VCPU_STATE_SIZE))
        return -HESTIA_EINVAL;
    struct hestia_trap_record rec = {0};
    memcpy(rec.regs, st->body.regs, sizeof(rec.regs));
    return hal_vcpu_set_context(hv, &rec);
}

void hal_vcpu_enter_handler(struct hal_vcpu *hv, guest_va_t entry, guest_va_t kernel_stack)
{
    hv->regs[HOST_REG_PC] = guest_va_val(entry);
    hv->regs[HOST_REG_MODE] = HOST_MODE_KERNEL;
    if (guest_va_val(kernel_stack))
        hv->regs[HOST_REG_SP] = guest_va_val(kernel_stack);
}

void hal_vcpu_callbacks_changed(struct hal_vcpu *hv)
{
    hv->callbacks_changed++;
}

void hal_vcpu_switched_out(struct hal_vcpu *hv)
{
    hv->switched_out++;
}

HAL_NORETURN void hal_vcpu_run(struct hal_vcpu *hv)
{
    hal_this_cpu()->current = hv;
    hv->entries++;
    jmp_buf *j = host_get_jump();
    if (!j)
        core_panic("host: hal_vcpu_run with no jump target (test bug)");
    longjmp(*j, HOST_JMP_RUN);
}
