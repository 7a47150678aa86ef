/* SPDX-License-Identifier: MIT */
/*
 * The SMP interface (hal/smp.h) of an arch that runs on its boot CPU only:
 * it reports nr_cpus = 1, so core never asks to start or interrupt another
 * CPU; if it did, there is no such CPU.
 */
#include <hal/smp.h>
#include <hestia/errno.h>

int hal_cpu_start(unsigned id)
{
    (void)id;
    return -HESTIA_ENODEV;
}

void hal_ipi_send(unsigned id)
{
    (void)id;
}
