/* SPDX-License-Identifier: MIT */
/*
 * e500 boot: read the device tree (r3), map CCSR, start the console, the
 * vectors, the MMU and the timer, collect the boot modules and enter
 * core_main().
 *
 * Boot modules (both boot paths): the loader places each module in RAM
 * (QEMU `-device loader`, which U-Boot leaves alone) and names it on the
 * command line (/chosen/bootargs) as `module=<hex addr>,<size>,<cmdline>`
 * with '+' for the spaces of the module's command line.  A boot without
 * modules is core_main()'s HAL self-check (the runner's negative control
 * puts `boot.fail` on the command line).
 */
#include <hal/drivers/fdt.h>
#include <hal/hal.h>

#include <ppc/arch.h>

HAL_NORETURN void ppc_boot(const void *dtb);

extern char __image_start[], __image_end[];

static struct hal_boot_info boot_info;
static char cmdline[1024];
static char mod_cmdline[HAL_MAX_MODULES][256];
uint64_t ppc_ccsr_phys = 0xfe0000000ull;

static bool parse_hex(const char **p, uint64_t *out)
{
    const char *s = *p;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    uint64_t v = 0;
    const char *start = s;
    for (;; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (*s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (*s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            break;
        v = v << 4 | d;
    }
    *p = s;
    *out = v;
    return s != start;
}

static bool parse_dec(const char **p, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint64_t)(*s++ - '0');
    bool ok = s != *p;
    *p = s;
    *out = v;
    return ok;
}

/* Split bootargs: module= words become boot modules, the rest the command line. */
static void parse_bootargs(const char *args)
{
    size_t out = 0;
    const char *s = args;
    while (*s) {
        while (*s == ' ')
            s++;
        const char *w = s;
        while (*s && *s != ' ')
            s++;
        size_t len = (size_t)(s - w);
        if (!len)
            continue;
        if (len > 7 && __builtin_memcmp(w, "module=", 7) == 0 &&
            boot_info.nr_modules < HAL_MAX_MODULES) {
            const char *p = w + 7;
            uint64_t base, size;
            if (!parse_hex(&p, &base) || *p++ != ',' || !parse_dec(&p, &size) ||
                (*p != ',' && p != s) || (base & (HAL_PAGE_SIZE - 1)))
                continue;
            unsigned i = boot_info.nr_modules++;
            size_t n = 0;
            if (*p == ',')
                for (p++; p < s && n + 1 < sizeof(mod_cmdline[i]); p++)
                    mod_cmdline[i][n++] = *p == '+' ? ' ' : *p;
            mod_cmdline[i][n] = '\0';
            boot_info.modules[i] =
                (struct hal_boot_module){paddr(base), size, mod_cmdline[i]};
            continue;
        }
        if (out + len + 2 > sizeof(cmdline))
            break;
        if (out)
            cmdline[out++] = ' ';
        __builtin_memcpy(&cmdline[out], w, len);
        out += len;
    }
    cmdline[out] = '\0';
}

/* Remove [base, end) from the free RAM list (splitting a region if needed). */
static void reserve(uint64_t base, uint64_t end)
{
    struct hal_boot_info *bi = &boot_info;
    for (unsigned i = 0; i < bi->nr_ram; i++) {
        struct hal_mem_region *r = &bi->ram[i];
        uint64_t rb = paddr_val(r->base), re = rb + r->size;
        if (end <= rb || base >= re)
            continue;
        if (base > rb && end < re && bi->nr_ram < HAL_MAX_RAM_REGIONS) {
            bi->ram[bi->nr_ram++] = (struct hal_mem_region){paddr(end), re - end};
            r->size = base - rb;
        } else if (base <= rb) {
            r->base = paddr(end < re ? end : re);
            r->size = re - paddr_val(r->base);
        } else {
            r->size = base - rb;
        }
    }
}

#define PAGE_UP(x) (((x) + HAL_PAGE_SIZE - 1) & ~(uint64_t)(HAL_PAGE_SIZE - 1))

/*
 * Move the boot modules up against top, the end of the direct map's RAM
 * (in the RAM region [bottom, top)),
 * before free RAM is counted.  Where the loader puts them (64 MiB up) they
 * cut free RAM in two, and the domains built first (dom0: 40 MiB) got their
 * frames below them, outside the biggest region, the only one the frame
 * table's lookup tries inline (core/mm/frame.c frame_index): ~3000
 * instructions of each PV process went to frame_index_slow.  At the top,
 * free RAM is one region.  Only when every copy lands above every original
 * (no overlap, nothing read after it is overwritten); the device tree has
 * been read by now and nothing keeps a pointer into it.
 */
static void modules_to_top(uint64_t bottom, uint64_t top)
{
    struct hal_boot_info *bi = &boot_info;
    uint64_t total = 0, src_end = 0;
    for (unsigned i = 0; i < bi->nr_modules; i++) {
        const struct hal_boot_module *m = &bi->modules[i];
        total += PAGE_UP(m->size);
        if (paddr_val(m->base) + m->size > src_end)
            src_end = paddr_val(m->base) + m->size;
    }
    top &= ~(uint64_t)(HAL_PAGE_SIZE - 1);
    if (!total || top < total || top - total < src_end || top - total < bottom)
        return;
    uint64_t dst = top - total;
    for (unsigned i = 0; i < bi->nr_modules; i++) {
        struct hal_boot_module *m = &bi->modules[i];
        /* RAM is identity-mapped in space 0 (mmu.c). */
        __builtin_memcpy((void *)(uintptr_t)dst,
                         (const void *)(uintptr_t)paddr_val(m->base), m->size);
        m->base = paddr(dst);
        dst += PAGE_UP(m->size);
    }
}

HAL_NORETURN void ppc_boot(const void *dtb)
{
    struct fdt fdt;
    struct hal_boot_info *bi = &boot_info;
    uint32_t uart_off = CCSR_UART0, tb_freq = 0;
    unsigned nr_cpus = 1;
    bool dt_ok = false;
    uintptr_t at = (uintptr_t)dtb;
    /* The boot CPU; everything after may ask hal_this_cpu(). */
    ppc_cpu_init(0, (uint32_t)(uintptr_t)ppc_hyp_stack_top);
    /* The DTB lies in the 64 MiB the firmware mapped for us. */
    if (at && at < 0x04000000u && fdt_init(&fdt, dtb, 0x04000000u - at) == 0) {
        int nr = fdt_memory(&fdt, bi->ram_total, HAL_MAX_RAM_REGIONS);
        if (nr > 0) {
            dt_ok = true;
            bi->nr_ram_total = (unsigned)nr;
        }
        parse_bootargs(fdt_bootargs(&fdt));
        int soc = fdt_path_offset(&fdt, "/soc");
        uint32_t len;
        const void *ranges = soc >= 0 ? fdt_getprop(&fdt, soc, "ranges", &len) : NULL;
        if (ranges && len >= 16) /* <child parent-hi parent-lo size> */
            ppc_ccsr_phys = (uint64_t)fdt_cell(ranges, 1) << 32 | fdt_cell(ranges, 2);
        int ser = fdt_path_offset(&fdt, "/soc/serial");
        const void *reg = ser >= 0 ? fdt_getprop(&fdt, ser, "reg", &len) : NULL;
        if (reg && len >= 4)
            uart_off = fdt_cell(reg, 0);
        int cpu = fdt_path_offset(&fdt, "/cpus/PowerPC,8544");
        if (cpu >= 0)
            tb_freq = fdt_getprop_u32(&fdt, cpu, "timebase-frequency", 0);
        nr_cpus = ppc_smp_scan(&fdt);
    }
    if (!ppc_map_ccsr(ppc_ccsr_phys))
        hal_cpu_halt(); /* no console without CCSR: the runner's timeout reports it */
    ppc_console_init(uart_off);
    core_printf("\nHestia on ppc (e500v2, QEMU ppce500): CCSR at %llx, time base %u Hz\n",
                (unsigned long long)ppc_ccsr_phys, tb_freq);
    if (!dt_ok)
        core_panic("ppc: no memory in the device tree (r3 = %p)", dtb);

    uint64_t ram_end = 0;
    for (unsigned i = 0; i < bi->nr_ram_total; i++) {
        const struct hal_mem_region *r = &bi->ram_total[i];
        if (paddr_val(r->base) + r->size > ram_end)
            ram_end = paddr_val(r->base) + r->size;
    }
    ppc_vectors_init();
    ppc_mmu_init(ram_end);
    ppc_timer_init(tb_freq);
    ppc_mpic_init();

    /* Free RAM: what the direct map covers, minus low memory, the image and modules. */
    uint64_t dend = ppc_direct_map_end();
    for (unsigned i = 0; i < bi->nr_modules; i++) {
        const struct hal_boot_module *m = &bi->modules[i];
        if (paddr_val(m->base) + m->size > dend)
            core_panic("ppc: module %u at %llx is outside the direct map", i,
                       (unsigned long long)paddr_val(m->base));
    }
    uint64_t bottom = 0, top = 0; /* the highest RAM region in the direct map */
    for (unsigned i = 0; i < bi->nr_ram_total; i++) {
        uint64_t b = paddr_val(bi->ram_total[i].base), e = b + bi->ram_total[i].size;
        if (e > dend)
            e = dend;
        if (b < e && e > top) {
            bottom = b;
            top = e;
        }
    }
    modules_to_top(bottom, top);
    for (unsigned i = 0; i < bi->nr_ram_total; i++) {
        struct hal_mem_region r = bi->ram_total[i];
        if (paddr_val(r.base) >= dend)
            continue;
        if (paddr_val(r.base) + r.size > dend)
            r.size = dend - paddr_val(r.base);
        bi->ram[bi->nr_ram++] = r;
    }
    reserve(0,
            ((uintptr_t)__image_end + HAL_PAGE_SIZE - 1) & ~(uintptr_t)(HAL_PAGE_SIZE - 1));
    for (unsigned i = 0; i < bi->nr_modules; i++) {
        const struct hal_boot_module *m = &bi->modules[i];
        uint64_t base = paddr_val(m->base);
        reserve(base, PAGE_UP(base + m->size));
    }
    bi->platform = "ppce500";
    bi->cmdline = cmdline;
    bi->nr_cpus = nr_cpus;
    core_main(bi);
}

unsigned hal_elf_machine(void)
{
    return 20; /* EM_PPC */
}
