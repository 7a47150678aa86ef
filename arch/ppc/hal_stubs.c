/* SPDX-License-Identifier: MIT */
/*
 * HAL functions the e500 backend does not implement yet.  Each one stops
 * the machine with "unimplemented" so a port in progress fails loudly at
 * the first use instead of misbehaving (docs/porting.md).
 */
#include <hal/hal.h>

#define UNIMPLEMENTED() core_panic("unimplemented: %s (arch/ppc)", __func__)

unsigned hal_elf_machine(void)
{
    return 20; /* EM_PPC */
}

void hal_cpu_idle(void)
{
    UNIMPLEMENTED();
}

uint64_t hal_time_ns(void)
{
    UNIMPLEMENTED();
}
void hal_timer_set(uint64_t deadline_ns)
{
    (void)deadline_ns;
    UNIMPLEMENTED();
}
void hal_time_scale(struct hal_time_scale *scale)
{
    (void)scale;
    UNIMPLEMENTED();
}
uint64_t hal_time_counter(void)
{
    UNIMPLEMENTED();
}

void *hal_frame_to_virt(mfn_t mfn)
{
    (void)mfn;
    UNIMPLEMENTED();
}
mfn_t hal_virt_to_frame(const void *p)
{
    (void)p;
    UNIMPLEMENTED();
}
bool hal_guest_va_ok(guest_va_t va, bool user)
{
    (void)va;
    (void)user;
    UNIMPLEMENTED();
}
struct hal_as *hal_as_create(struct domain *d, bool user)
{
    (void)d;
    (void)user;
    UNIMPLEMENTED();
}
void hal_as_destroy(struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    (void)as;
    (void)dropped;
    (void)ctx;
    UNIMPLEMENTED();
}
int hal_as_map(struct hal_as *as, guest_va_t va, mfn_t mfn, unsigned perms)
{
    (void)as;
    (void)va;
    (void)mfn;
    (void)perms;
    UNIMPLEMENTED();
}
int hal_as_unmap(struct hal_as *as, guest_va_t va, mfn_t *old)
{
    (void)as;
    (void)va;
    (void)old;
    UNIMPLEMENTED();
}
int hal_as_protect(struct hal_as *as, guest_va_t va, unsigned perms)
{
    (void)as;
    (void)va;
    (void)perms;
    UNIMPLEMENTED();
}
int hal_as_lookup(struct hal_as *as, guest_va_t va, mfn_t *mfn, unsigned *perms)
{
    (void)as;
    (void)va;
    (void)mfn;
    (void)perms;
    UNIMPLEMENTED();
}
void hal_as_flush(struct hal_as *as, guest_va_t va)
{
    (void)as;
    (void)va;
    UNIMPLEMENTED();
}
unsigned long hal_as_frames(const struct hal_as *as)
{
    (void)as;
    UNIMPLEMENTED();
}

/* Declared by hal/mmu.h from the guest-layout change on; harmless before it. */
struct hal_guest_layout;
void hal_guest_layout(struct hal_guest_layout *layout)
{
    (void)layout;
    UNIMPLEMENTED();
}

int hal_copy_from_guest(struct vcpu *v, void *dst, guest_va_t src, size_t len)
{
    (void)v;
    (void)dst;
    (void)src;
    (void)len;
    UNIMPLEMENTED();
}
int hal_copy_to_guest(struct vcpu *v, guest_va_t dst, const void *src, size_t len)
{
    (void)v;
    (void)dst;
    (void)src;
    (void)len;
    UNIMPLEMENTED();
}

struct hal_vcpu *hal_vcpu_create(struct vcpu *v)
{
    (void)v;
    UNIMPLEMENTED();
}
void hal_vcpu_destroy(struct hal_vcpu *hv)
{
    (void)hv;
    UNIMPLEMENTED();
}
void hal_vcpu_init_entry(struct hal_vcpu *hv, guest_va_t entry, guest_va_t stack,
                         guest_va_t arg)
{
    (void)hv;
    (void)entry;
    (void)stack;
    (void)arg;
    UNIMPLEMENTED();
}
void hal_vcpu_set_spaces(struct hal_vcpu *hv, struct hal_as *kernel, struct hal_as *user)
{
    (void)hv;
    (void)kernel;
    (void)user;
    UNIMPLEMENTED();
}
bool hal_vcpu_in_user(const struct hal_vcpu *hv)
{
    (void)hv;
    UNIMPLEMENTED();
}
void hal_vcpu_set_result(struct hal_vcpu *hv, long result)
{
    (void)hv;
    (void)result;
    UNIMPLEMENTED();
}
void hal_vcpu_get_context(const struct hal_vcpu *hv, struct hestia_trap_record *rec)
{
    (void)hv;
    (void)rec;
    UNIMPLEMENTED();
}
int hal_vcpu_set_context(struct hal_vcpu *hv, const struct hestia_trap_record *rec)
{
    (void)hv;
    (void)rec;
    UNIMPLEMENTED();
}
void hal_vcpu_enter_handler(struct hal_vcpu *hv, guest_va_t entry, guest_va_t kernel_stack)
{
    (void)hv;
    (void)entry;
    (void)kernel_stack;
    UNIMPLEMENTED();
}
void hal_vcpu_run(struct hal_vcpu *hv)
{
    (void)hv;
    UNIMPLEMENTED();
}
