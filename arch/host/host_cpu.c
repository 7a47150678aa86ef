/* SPDX-License-Identifier: MIT */
/*
 * Host HAL: RAM, boot info, console, time, the one-shot timer, interrupts
 * and the ways out of the hypervisor (exit, halt, idle with nothing armed).
 */
#include <host/host.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * core's frame allocator poisons free frames under AddressSanitizer; the
 * simulated machine itself (reset, boot-module loading) writes RAM behind
 * its back and unpoisons what it touches first.
 */
#if defined(__SANITIZE_ADDRESS__)
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

static unsigned char *ram;
static jmp_buf *jump_target;
static bool exited;
static int exit_status;
static uint64_t now_ns;
static uint64_t deadline_ns;
static uint64_t autostep_ns;
static uint64_t idle_horizon_ns; /* host_idle_horizon(); 0 = none */
static unsigned long idle_count;
static bool irqs_on = true;
static struct hal_cpu cpus[HAL_MAX_CPUS];
static unsigned playing_cpu;

#define CAPTURE_MAX (1u << 20)
static char capture[CAPTURE_MAX + 1];
static size_t capture_len;
static bool echo = true;

#define INPUT_MAX 4096
static char input[INPUT_MAX];
static size_t input_head, input_tail;

static void ram_setup(void)
{
    if (ram)
        return;
    ram = aligned_alloc(HAL_PAGE_SIZE, HOST_RAM_SIZE);
    if (!ram) {
        fprintf(stderr, "host: cannot allocate simulated RAM\n");
        abort();
    }
    memset(ram, 0xa5, HOST_RAM_SIZE); /* garbage, so missing zeroing shows */
}

void *host_ram(void)
{
    ram_setup();
    return ram;
}

void host_reset(void)
{
    ram_setup();
    UNPOISON(ram, HOST_RAM_SIZE);
    jump_target = NULL;
    exited = false;
    exit_status = 0;
    now_ns = 0;
    deadline_ns = 0;
    autostep_ns = 0;
    idle_horizon_ns = 0;
    idle_count = 0;
    irqs_on = true;
    capture_len = 0;
    capture[0] = '\0';
    input_head = input_tail = 0;
    memset(cpus, 0, sizeof(cpus));
    for (unsigned i = 0; i < HAL_MAX_CPUS; i++)
        cpus[i].id = i;
    playing_cpu = 0;
    host_pci_reset();
    host_pirq_reset();
}

void host_boot_info(struct hal_boot_info *bi)
{
    ram_setup();
    memset(bi, 0, sizeof(*bi));
    bi->platform = "host";
    bi->cmdline = "";
    bi->nr_ram = 1;
    bi->ram[0].base = paddr(HOST_RAM_BASE_MFN << HAL_PAGE_SHIFT);
    bi->ram[0].size = HOST_RAM_SIZE;
    bi->nr_ram_total = 1;
    bi->ram_total[0] = bi->ram[0];
    bi->nr_cpus = 1;
}

int host_boot_add_module(struct hal_boot_info *bi, const void *image, size_t size,
                         const char *cmdline)
{
    uint64_t rounded =
        ((uint64_t)size + HAL_PAGE_SIZE - 1) & ~(uint64_t)(HAL_PAGE_SIZE - 1);
    if (bi->nr_modules >= HAL_MAX_MODULES || bi->nr_ram < 1 || rounded == 0 ||
        rounded >= bi->ram[0].size)
        return -1;
    bi->ram[0].size -= rounded;
    uint64_t base = paddr_val(bi->ram[0].base) + bi->ram[0].size;
    unsigned char *dst = ram + (base - (HOST_RAM_BASE_MFN << HAL_PAGE_SHIFT));
    UNPOISON(dst, rounded);
    memcpy(dst, image, size);
    struct hal_boot_module *m = &bi->modules[bi->nr_modules++];
    m->base = paddr(base);
    m->size = size;
    m->cmdline = cmdline;
    return 0;
}

void *hal_frame_to_virt(mfn_t frame)
{
    uint64_t mfn = mfn_val(frame);
    if (mfn < HOST_RAM_BASE_MFN || mfn >= HOST_RAM_BASE_MFN + HOST_RAM_FRAMES) {
        fprintf(stderr, "host: hal_frame_to_virt(%#llx) outside RAM\n",
                (unsigned long long)mfn);
        abort();
    }
    return ram + ((mfn - HOST_RAM_BASE_MFN) << HAL_PAGE_SHIFT);
}

mfn_t hal_virt_to_frame(const void *p)
{
    const unsigned char *c = p;
    if (!ram || c < ram || c >= ram + HOST_RAM_SIZE)
        return MFN_INVALID;
    return mfn(HOST_RAM_BASE_MFN + (uint64_t)((c - ram) >> HAL_PAGE_SHIFT));
}

/* ---- jumps out of the hypervisor ---- */

void host_set_jump(jmp_buf *target)
{
    jump_target = target;
}

jmp_buf *host_get_jump(void)
{
    return jump_target;
}

static HAL_NORETURN void leave(int how, const char *what)
{
    if (jump_target)
        longjmp(*jump_target, how);
    fprintf(stderr, "host: %s with no jump target set (test bug)\n", what);
    abort();
}

bool host_exited(void)
{
    return exited;
}

int host_exit_status(void)
{
    return exit_status;
}

HAL_NORETURN void hal_platform_exit(int status)
{
    exited = true;
    exit_status = status;
    leave(HOST_JMP_EXIT, "hal_platform_exit");
}

HAL_NORETURN void hal_cpu_halt(void)
{
    leave(HOST_JMP_HALT, "hal_cpu_halt");
}

/* ---- interrupts and the CPU ---- */

unsigned long hal_irq_save(void)
{
    unsigned long old = irqs_on;
    irqs_on = false;
    return old;
}

void hal_irq_restore(unsigned long flags)
{
    irqs_on = flags != 0;
}

bool host_irqs_enabled(void)
{
    return irqs_on;
}

void host_set_cpu(unsigned id)
{
    if (id >= HAL_MAX_CPUS) {
        fprintf(stderr, "host: no CPU %u (HAL_MAX_CPUS is %u)\n", id, HAL_MAX_CPUS);
        abort();
    }
    playing_cpu = id;
}

struct hal_cpu *host_cpu(unsigned id)
{
    if (id >= HAL_MAX_CPUS) {
        fprintf(stderr, "host: no CPU %u (HAL_MAX_CPUS is %u)\n", id, HAL_MAX_CPUS);
        abort();
    }
    return &cpus[id];
}

struct hal_cpu *hal_this_cpu(void)
{
    return &cpus[playing_cpu];
}

unsigned hal_cpu_id(void)
{
    return hal_this_cpu()->id;
}

unsigned long host_idle_count(void)
{
    return idle_count;
}

/*
 * Idle: deliver queued console input first (as its interrupt would), else
 * jump to the timer deadline and fire it.  With nothing armed the real
 * CPU would sleep forever: the test gets HOST_JMP_IDLE instead.
 */
void hal_cpu_idle(void)
{
    idle_count++;
    if (input_head != input_tail) {
        while (input_head != input_tail) {
            int c = (unsigned char)input[input_head];
            input_head = (input_head + 1) % INPUT_MAX;
            core_console_input(c);
        }
        return;
    }
    if (!deadline_ns)
        leave(HOST_JMP_IDLE, "idle with no timer armed");
    if (idle_horizon_ns && deadline_ns > idle_horizon_ns)
        leave(HOST_JMP_IDLE, "idle until a timer past the test's horizon");
    if (deadline_ns > now_ns)
        now_ns = deadline_ns;
    deadline_ns = 0;
    core_timer_interrupt();
}

/* ---- time ---- */

uint64_t hal_time_ns(void)
{
    now_ns += autostep_ns; /* normally 0: time moves only when a test says so */
    return now_ns;
}

void host_time_autostep(uint64_t ns)
{
    autostep_ns = ns;
}

uint64_t hal_time_counter(void)
{
    return now_ns; /* a 1 GHz counter */
}

void hal_time_scale(struct hal_time_scale *scale)
{
    /* ((c << 1) * 2^31) >> 32 == c */
    scale->mul = 0x80000000u;
    scale->shift = 1;
}

void hal_timer_set(uint64_t deadline)
{
    deadline_ns = deadline;
}

void host_idle_horizon(uint64_t ns)
{
    idle_horizon_ns = ns;
}

uint64_t host_timer_deadline(void)
{
    return deadline_ns;
}

void host_time_advance(uint64_t ns)
{
    now_ns += ns;
    if (deadline_ns && deadline_ns <= now_ns) {
        deadline_ns = 0;
        unsigned long f = hal_irq_save();
        core_timer_interrupt();
        hal_irq_restore(f);
    }
}

/* ---- console ---- */

void hal_console_putc(char c)
{
    if (capture_len < CAPTURE_MAX) {
        capture[capture_len++] = c;
        capture[capture_len] = '\0';
    }
    if (echo)
        fputc(c, stdout);
}

int hal_console_getc(void)
{
    if (input_head == input_tail)
        return -1;
    int c = (unsigned char)input[input_head];
    input_head = (input_head + 1) % INPUT_MAX;
    return c;
}

const char *host_console_output(void)
{
    return capture;
}

size_t host_console_len(void)
{
    return capture_len;
}

void host_console_clear(void)
{
    capture_len = 0;
    capture[0] = '\0';
}

void host_console_echo(bool on)
{
    echo = on;
}

void host_console_push_input(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        size_t next = (input_tail + 1) % INPUT_MAX;
        if (next == input_head)
            return; /* full: drop, like a UART overrun */
        input[input_tail] = s[i];
        input_tail = next;
    }
}

unsigned hal_elf_machine(void)
{
    return 62; /* EM_X86_64: any fixed machine does for tests */
}
