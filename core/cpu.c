/* SPDX-License-Identifier: MIT */
/* Per physical CPU state (interface in core/cpu.h). */
#include <core/cpu.h>

static struct cpu cpus[HAL_MAX_CPUS];
static unsigned nr_online = 1;

unsigned cpu_init(unsigned nr_cpus)
{
    if (nr_cpus == 0)
        nr_cpus = 1;
    if (nr_cpus > HAL_MAX_CPUS)
        nr_cpus = HAL_MAX_CPUS;
    memset(cpus, 0, sizeof(cpus));
    for (unsigned i = 0; i < HAL_MAX_CPUS; i++) {
        cpus[i].id = i;
        cpus[i].online = i < nr_cpus;
    }
    nr_online = nr_cpus;
    this_cpu()->arch = hal_this_cpu();
    return nr_cpus;
}

unsigned cpu_count(void)
{
    return nr_online;
}

struct cpu *this_cpu(void)
{
    unsigned id = hal_cpu_id();
    return &cpus[id < HAL_MAX_CPUS ? id : 0];
}

struct cpu *cpu_by_id(unsigned id)
{
    return &cpus[id < nr_online ? id : 0];
}
