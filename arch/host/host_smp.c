/* SPDX-License-Identifier: MIT */
/*
 * hal/smp.h on the host: an inter-processor interrupt is taken at once,
 * by playing the target CPU for the length of its core_ipi_interrupt()
 * (interrupts off, as on a real CPU), then the sender again.  So
 * core_cpu_call() and the remote stop of a vCPU work in unit tests, and a test
 * can count the interrupts each CPU took.  No CPU can be started.
 */
#include <hal/cpu.h>
#include <hal/entry.h>
#include <hal/smp.h>
#include <hestia/errno.h>
#include <host/host.h>

static unsigned long ipis[HAL_MAX_CPUS];

int hal_cpu_start(unsigned id)
{
    (void)id;
    return -HESTIA_ENODEV;
}

void hal_ipi_send(unsigned id)
{
    if (id >= HAL_MAX_CPUS)
        return;
    unsigned self = hal_cpu_id();
    unsigned long flags = hal_irq_save();
    host_set_cpu(id);
    ipis[id]++;
    core_ipi_interrupt();
    host_set_cpu(self);
    hal_irq_restore(flags);
}

unsigned long host_ipi_count(unsigned id)
{
    return id < HAL_MAX_CPUS ? ipis[id] : 0;
}
