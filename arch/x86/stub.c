/* SPDX-License-Identifier: MIT */
/*
 * 32-bit x86 bring-up stub: boots through Multiboot on the shared PC
 * platform code (arch/x86/pc), prints the banner and the memory map, reports
 * one test and exits through isa-debug-exit.  The HAL functions that need
 * the real ring-1 backend panic "unimplemented" until it exists
 * (docs/porting.md: a new arch starts exactly like this).
 */
#include <hal/hal.h>
#include <x86/pc.h>

extern char __image_start[], __image_end[];
static struct hal_boot_info boot_info;

static void puts_(const char *s)
{
    while (*s)
        hal_console_putc(*s++);
}

static void putx(uint64_t v)
{
    puts_("0x");
    for (int i = 60; i >= 0; i -= 4)
        hal_console_putc("0123456789abcdef"[(v >> i) & 15]);
}

static void *identity(paddr_t pa)
{
    return (void *)(uintptr_t)pa;
}

static HAL_NORETURN void unimplemented(const char *what)
{
    puts_("HESTIA PANIC: x86: unimplemented: ");
    puts_(what);
    puts_("\n");
    hal_platform_exit(1);
}

void x86_start(uint32_t magic, uint32_t mbi);

void x86_start(uint32_t magic, uint32_t mbi)
{
    pc_uart_init();
    puts_("Hestia x86 (32-bit) bring-up stub on pc\n");
    /* Paging is off: only the first 4 GiB are reachable, 1:1. */
    int rc = multiboot_parse(magic, mbi, identity, (paddr_t)(uintptr_t)__image_start,
                             (paddr_t)(uintptr_t)__image_end, 0xfffff000ull, &boot_info);
    if (rc != 0) {
        puts_("TEST boot FAIL multiboot\nHESTIA DONE 0 1\n");
        hal_platform_exit(1);
    }
    for (unsigned i = 0; i < boot_info.nr_ram_total; i++) {
        puts_("  RAM ");
        putx(boot_info.ram_total[i].base);
        puts_(" size ");
        putx(boot_info.ram_total[i].size);
        puts_("\n");
    }
    for (unsigned i = 0; i < boot_info.nr_modules; i++) {
        puts_("  module ");
        putx(boot_info.modules[i].base);
        puts_(" ");
        puts_(boot_info.modules[i].cmdline);
        puts_("\n");
    }
    bool ok = boot_info.nr_ram > 0 && boot_info.nr_ram_total > 0;
    puts_(ok ? "TEST boot PASS\nHESTIA DONE 1 0\n" : "TEST boot FAIL no RAM\nHESTIA DONE 0 1\n");
    hal_platform_exit(ok ? 0 : 1);
}

/* The rest of the HAL: present so the core links, not usable yet. */
unsigned hal_elf_machine(void)
{
    return 3; /* EM_386 */
}

void *hal_frame_to_virt(mfn_t mfn)
{
    (void)mfn;
    unimplemented("hal_frame_to_virt");
}

mfn_t hal_virt_to_frame(const void *p)
{
    (void)p;
    unimplemented("hal_virt_to_frame");
}

bool hal_guest_va_ok(guest_va_t va, bool user)
{
    (void)va;
    (void)user;
    unimplemented("hal_guest_va_ok");
}

void hal_guest_layout(struct hal_guest_layout *layout)
{
    (void)layout;
    unimplemented("hal_guest_layout");
}

struct hal_as *hal_as_create(struct domain *d, bool user)
{
    (void)d;
    (void)user;
    unimplemented("hal_as_create");
}

void hal_as_destroy(struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    (void)as;
    (void)dropped;
    (void)ctx;
    unimplemented("hal_as_destroy");
}

int hal_as_map(struct hal_as *as, guest_va_t va, mfn_t mfn, unsigned perms)
{
    (void)as;
    (void)va;
    (void)mfn;
    (void)perms;
    unimplemented("hal_as_map");
}

int hal_as_unmap(struct hal_as *as, guest_va_t va, mfn_t *old)
{
    (void)as;
    (void)va;
    (void)old;
    unimplemented("hal_as_unmap");
}

int hal_as_protect(struct hal_as *as, guest_va_t va, unsigned perms)
{
    (void)as;
    (void)va;
    (void)perms;
    unimplemented("hal_as_protect");
}

int hal_as_lookup(struct hal_as *as, guest_va_t va, mfn_t *mfn, unsigned *perms)
{
    (void)as;
    (void)va;
    (void)mfn;
    (void)perms;
    unimplemented("hal_as_lookup");
}

void hal_as_flush(struct hal_as *as, guest_va_t va)
{
    (void)as;
    (void)va;
    unimplemented("hal_as_flush");
}

unsigned long hal_as_frames(const struct hal_as *as)
{
    (void)as;
    unimplemented("hal_as_frames");
}

uint64_t hal_time_ns(void)
{
    unimplemented("hal_time_ns");
}

void hal_timer_set(uint64_t deadline_ns)
{
    (void)deadline_ns;
    unimplemented("hal_timer_set");
}

void hal_time_scale(struct hal_time_scale *scale)
{
    (void)scale;
    unimplemented("hal_time_scale");
}

uint64_t hal_time_counter(void)
{
    unimplemented("hal_time_counter");
}

int hal_copy_from_guest(struct vcpu *v, void *dst, guest_va_t src, size_t len)
{
    (void)v;
    (void)dst;
    (void)src;
    (void)len;
    unimplemented("hal_copy_from_guest");
}

int hal_copy_to_guest(struct vcpu *v, guest_va_t dst, const void *src, size_t len)
{
    (void)v;
    (void)dst;
    (void)src;
    (void)len;
    unimplemented("hal_copy_to_guest");
}

struct hal_vcpu *hal_vcpu_create(struct vcpu *v)
{
    (void)v;
    unimplemented("hal_vcpu_create");
}

void hal_vcpu_destroy(struct hal_vcpu *hv)
{
    (void)hv;
    unimplemented("hal_vcpu_destroy");
}

void hal_vcpu_init_entry(struct hal_vcpu *hv, guest_va_t entry, guest_va_t stack, guest_va_t arg)
{
    (void)hv;
    (void)entry;
    (void)stack;
    (void)arg;
    unimplemented("hal_vcpu_init_entry");
}

void hal_vcpu_set_spaces(struct hal_vcpu *hv, struct hal_as *kernel, struct hal_as *user)
{
    (void)hv;
    (void)kernel;
    (void)user;
    unimplemented("hal_vcpu_set_spaces");
}

bool hal_vcpu_in_user(const struct hal_vcpu *hv)
{
    (void)hv;
    unimplemented("hal_vcpu_in_user");
}

void hal_vcpu_set_result(struct hal_vcpu *hv, long result)
{
    (void)hv;
    (void)result;
    unimplemented("hal_vcpu_set_result");
}

void hal_vcpu_get_context(const struct hal_vcpu *hv, struct hestia_trap_record *rec)
{
    (void)hv;
    (void)rec;
    unimplemented("hal_vcpu_get_context");
}

int hal_vcpu_set_context(struct hal_vcpu *hv, const struct hestia_trap_record *rec)
{
    (void)hv;
    (void)rec;
    unimplemented("hal_vcpu_set_context");
}

void hal_vcpu_enter_handler(struct hal_vcpu *hv, guest_va_t entry, guest_va_t kernel_stack)
{
    (void)hv;
    (void)entry;
    (void)kernel_stack;
    unimplemented("hal_vcpu_enter_handler");
}

void hal_vcpu_run(struct hal_vcpu *hv)
{
    (void)hv;
    unimplemented("hal_vcpu_run");
}
