/* SPDX-License-Identifier: MIT */
/* x86 boot: from boot.S (PAE paging, top 64 MiB, boot stack) to core_main. */
#include <pc/pc.h>
#include <x86_common/io.h>

#include <x86/arch.h>

extern char __image_start_phys[], __image_end[];

static struct hal_boot_info boot_info;

/* Physical memory below 3 GiB is mapped 1:1 in the hypervisor's view. */
static const void *boot_phys(paddr_t addr, size_t len)
{
    uint64_t pa = paddr_val(addr);
    if (pa >= DIRECTMAP_SIZE || len > DIRECTMAP_SIZE - pa)
        return NULL;
    return (const void *)(uintptr_t)pa;
}

unsigned hal_elf_machine(void)
{
    return 3; /* EM_386 */
}

void x86_start(uint32_t magic, uint32_t mbi);

void x86_start(uint32_t magic, uint32_t mbi)
{
    pc_uart_init();
    x86_cpu_init();
    x86_mmu_init();
    if (multiboot_parse(magic, paddr(mbi), boot_phys, paddr((uintptr_t)__image_start_phys),
                        paddr(virt_to_phys(__image_end)), paddr(DIRECTMAP_SIZE),
                        &boot_info) != 0)
        core_panic("x86: not started by a Multiboot loader (magic %x)", magic);
    core_printf("Hestia x86 (32-bit PAE): image %x-%x at %x, guests in ring 1/3%s\n",
                (uint32_t)(uintptr_t)__image_start_phys,
                (uint32_t)virt_to_phys(__image_end), KERNEL_VBASE, x86_nx ? ", NX" : "");
    pc_pic_disable();
    pc_time_init((volatile void *)(uintptr_t)PC_LAPIC_PHYS);
    ioapic_init((volatile void *)(uintptr_t)PC_IOAPIC_PHYS);
    boot_info.nr_cpus = pc_smp_find_cpus(boot_phys); /* core_main starts the others */
    pc_uart_enable_rx_irq();
    x86_fpu_init();
    core_main(&boot_info);
}
