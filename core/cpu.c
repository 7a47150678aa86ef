/* SPDX-License-Identifier: MIT */
/* Per physical CPU state (interface in core/cpu.h). */
#include <core/cpu.h>

struct cpu core_cpus[HAL_MAX_CPUS];
unsigned core_nr_cpus = 1;

unsigned cpu_init(unsigned nr_cpus)
{
    if (nr_cpus == 0)
        nr_cpus = 1;
    if (nr_cpus > HAL_MAX_CPUS)
        nr_cpus = HAL_MAX_CPUS;
    memset(core_cpus, 0, sizeof(core_cpus));
    for (unsigned i = 0; i < HAL_MAX_CPUS; i++) {
        core_cpus[i].id = i;
        core_cpus[i].online = i < nr_cpus;
    }
    core_nr_cpus = nr_cpus;
    this_cpu()->arch = hal_this_cpu();
    return nr_cpus;
}
