/* SPDX-License-Identifier: MIT */
/*
 * The host HAL: core/ running as an ordinary process for unit tests
 * (Hafnium's "fake" arch idea).  Machine RAM is a malloc'd block, time is
 * simulated, the console is stdout plus a capture buffer, a vCPU is a plain
 * register array, and "entering the guest" longjmps back to the test.
 *
 * This header holds the hooks a test uses to drive that world.  core/
 * never includes it.
 */
#ifndef HOST_HOST_H
#define HOST_HOST_H

#include <hal/hal.h>
#include <hestia/hestia.h>
#include <setjmp.h>

/* Simulated machine RAM: 64 MiB at machine address 256 MiB, so mfn != gfn. */
#define HOST_RAM_BASE_MFN 0x10000ull
#define HOST_RAM_FRAMES 16384ull
#define HOST_RAM_SIZE (HOST_RAM_FRAMES << HAL_PAGE_SHIFT)

/*
 * Guest virtual address layout of the host "CPU": guests may map
 * [0, HOST_GUEST_VA_LIMIT) in kernel and user spaces; from HOST_HYP_VA_BASE
 * up is the hypervisor's; the hole between is non-canonical.
 */
#define HOST_GUEST_VA_LIMIT 0x0000800000000000ull
#define HOST_HYP_VA_BASE 0xffff800000000000ull

/* Register layout of the host CPU in hestia_trap_record.regs[]. */
enum {
    HOST_REG_PC = 0,
    HOST_REG_SP = 1,
    HOST_REG_ARG0 = 2,   /* first argument at entry (start info VA) */
    HOST_REG_RESULT = 3, /* hypercall result */
    HOST_REG_MODE = 4,   /* HOST_MODE_*; set_context refuses anything else */
};
/* The whole-vCPU-state record of the host HAL: the header and regs[] only. */
#define HOST_VCPU_STATE_SIZE                                                               \
    (sizeof(struct hestia_vcpu_state_header) + sizeof(uint64_t) * HESTIA_TRAP_REGS)
#define HOST_MODE_KERNEL 0
#define HOST_MODE_USER 1
#define HOST_MODE_HYP 2 /* never allowed in a guest context */

/* The arch state of one vCPU. */
struct hal_vcpu {
    struct vcpu *v;
    uint64_t regs[HESTIA_TRAP_REGS];
    struct hal_as *kernel;
    struct hal_as *user;
    unsigned long entries;           /* times hal_vcpu_run() entered it */
    unsigned long callbacks_changed; /* times hal_vcpu_callbacks_changed() named it */
    unsigned long switched_out;      /* times hal_vcpu_switched_out() named it */
};

/*
 * The arch per-CPU state of one simulated CPU.  The host has no per-CPU
 * register: host_set_cpu() says which CPU the test is playing.
 */
struct hal_cpu {
    unsigned id;
    struct hal_vcpu *current; /* last hal_vcpu_run() on this CPU */
};

/* Play CPU id (< HAL_MAX_CPUS) from now on: hal_cpu_id() returns it. */
void host_set_cpu(unsigned id);
/* IPIs CPU id took (host_smp.c delivers each at once, playing that CPU). */
unsigned long host_ipi_count(unsigned id);

/* Simulated CPU id's struct hal_cpu (id < HAL_MAX_CPUS). */
struct hal_cpu *host_cpu(unsigned id);

/*
 * Reset the simulated machine: time 0, timer disarmed, console capture and
 * input emptied, interrupts enabled, no jump target, exit status cleared,
 * CPU 0 playing.
 * RAM contents are kept (core's allocator zeroes frames it hands out).
 */
void host_reset(void);

/* Boot info describing all host RAM as free, one CPU, platform "host". */
void host_boot_info(struct hal_boot_info *bi);

/*
 * Copy image into the top of bi's free RAM as boot module (page aligned,
 * removed from bi->ram).  Returns 0 or -1 if it does not fit / too many.
 */
int host_boot_add_module(struct hal_boot_info *bi, const void *image, size_t size,
                         const char *cmdline);

/*
 * Where control goes when core/ "leaves" the hypervisor.  With a jump
 * target set, hal_vcpu_run(), an idle CPU with no timer armed,
 * hal_platform_exit() and hal_cpu_halt() longjmp to it with one of
 * HOST_JMP_*; without one they abort the process (a test bug).
 */
enum { HOST_JMP_RUN = 1, HOST_JMP_IDLE = 2, HOST_JMP_EXIT = 3, HOST_JMP_HALT = 4 };
void host_set_jump(jmp_buf *target);
jmp_buf *host_get_jump(void);

/* The hal_vcpu passed to the last hal_vcpu_run(), NULL if none since reset. */
struct hal_vcpu *host_last_run(void);

/* Whether hal_platform_exit() was called, and its status. */
bool host_exited(void);
int host_exit_status(void);

/* Simulated time: advance by ns, firing the one-shot timer if it is due. */
void host_time_advance(uint64_t ns);
/*
 * Let every hal_time_ns() call advance the clock by ns (0, the default
 * after host_reset(): time moves only through host_time_advance()).  For
 * code that spins waiting for time to pass, as real hardware allows.
 */
void host_time_autostep(uint64_t ns);
/*
 * Idle may jump the clock only up to ns (0, the default after host_reset():
 * no limit); a later timer makes hal_cpu_idle() leave with HOST_JMP_IDLE
 * as if nothing were armed.  A fuzzer's input must not run for ever: a
 * periodic guest timer or a parked capped domain made idle passes advance
 * simulated time 10,000 s a second (a 12 s slow unit in fuzz.hypercall).
 */
void host_idle_horizon(uint64_t ns);
/* The armed one-shot deadline (0 = none). */
uint64_t host_timer_deadline(void);
/* Times hal_cpu_idle() was called since reset. */
unsigned long host_idle_count(void);

/* Whether interrupts are enabled (hal_irq_save/restore bookkeeping). */
bool host_irqs_enabled(void);

/* Console: everything written since the last clear (NUL-terminated). */
const char *host_console_output(void);
size_t host_console_len(void);
void host_console_clear(void);
/* Echo console output to stdout too (default on). */
void host_console_echo(bool on);
/* Queue bytes for hal_console_getc(); the idle loop feeds them to core. */
void host_console_push_input(const char *s, size_t len);

/* Machine RAM, for tests that inspect frames directly. */
void *host_ram(void);

/*
 * host_pci.c: one host bridge at 00:00.0 in memory; writes to 00:01.0 are
 * refused as a function the hypervisor drives.  host_pci_last records the
 * last call (op 1 read, 2 write).  host_reset() resets both.
 */
struct host_pci_log {
    unsigned op, bus, devfn, reg, size;
};
extern struct host_pci_log host_pci_last;
void host_pci_reset(void);
/* The device frame hal_mmio_allowed() refuses (below the host HAL's RAM). */
#define HOST_MMIO_HYP_MFN 0x8001u
/* host_pci.c's PCI memory window (PHYSDEVOP_pci_window index 0). */
#define HOST_PCI_WINDOW_CPU 0xc00100000ull
#define HOST_PCI_WINDOW_BUS 0xe0100000ull
#define HOST_PCI_WINDOW_SIZE 0x1ff00000ull

/*
 * host_pirq.c: a fake interrupt controller of HOST_PIRQ_COUNT level-
 * triggered lines.  Line HOST_PIRQ_HYP is the hypervisor's, line
 * HOST_PIRQ_ABSENT does not exist.  host_pirq_set_level() is the device
 * raising or dropping its line; host_pirq_poll() is the CPU taking the
 * interrupts: every line that is asserted, enabled and unmasked reaches
 * core_pirq_interrupt() (returns how many did).  Slot 0 / pin 1 of bus 0
 * routes to HOST_PCI_IRQ_PIRQ; other buses are not routed.  One platform
 * device (virtio-mmio at HOST_PLATDEV_BASE, pirq HOST_PLATDEV_PIRQ).
 */
#define HOST_PIRQ_COUNT 32u
#define HOST_PIRQ_HYP 4u
#define HOST_PIRQ_ABSENT 31u
#define HOST_PCI_IRQ_PIRQ 16u
#define HOST_PLATDEV_BASE 0x9000000ull
#define HOST_PLATDEV_PIRQ 20u
void host_pirq_reset(void);
void host_pirq_set_level(unsigned pirq, bool asserted);
unsigned host_pirq_poll(void);
bool host_pirq_enabled(unsigned pirq);
bool host_pirq_masked(unsigned pirq);

#endif
