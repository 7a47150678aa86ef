/* SPDX-License-Identifier: MIT */
/* x86_64 boot: from boot.S (long mode, upper half, boot stack) to core_main. */
#include <pc/pc.h>
#include <x86_64/arch.h>
#include <x86_common/io.h>

extern char __image_start_phys[], __image_end[];

static struct hal_boot_info boot_info;

/* The loader's memory, through the direct map of [0, DIRECTMAP_SIZE). */
static const void *boot_phys(paddr_t addr, size_t len)
{
    uint64_t pa = paddr_val(addr);
    if (pa >= DIRECTMAP_SIZE || len > DIRECTMAP_SIZE - pa)
        return NULL;
    return (const void *)(DIRECTMAP_BASE + pa);
}

unsigned hal_elf_machine(void)
{
    return 62; /* EM_X86_64 */
}

void x86_64_start(uint32_t magic, uint32_t mbi);

void x86_64_start(uint32_t magic, uint32_t mbi)
{
    pc_uart_init();
    x86_64_cpu_init();
    x86_64_mmu_init();
    if (multiboot_parse(magic, paddr(mbi), boot_phys, paddr((uintptr_t)__image_start_phys),
                        paddr(virt_to_phys(__image_end)), paddr(DIRECTMAP_SIZE),
                        &boot_info) != 0)
        core_panic("x86_64: not started by a Multiboot loader (magic %x)", magic);
    core_printf("Hestia x86_64: long mode, image %lx-%lx\n",
                (unsigned long)(uintptr_t)__image_start_phys,
                (unsigned long)virt_to_phys(__image_end));
    pc_pic_disable();
    pc_time_init((volatile void *)(DIRECTMAP_BASE + PC_LAPIC_PHYS));
    ioapic_init((volatile void *)(DIRECTMAP_BASE + PC_IOAPIC_PHYS));
    boot_info.nr_cpus = pc_smp_find_cpus(boot_phys); /* core_main starts the others */
    pc_uart_enable_rx_irq();
    x86_64_vcpu_init();
    core_main(&boot_info);
}
