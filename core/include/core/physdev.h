/* SPDX-License-Identifier: MIT */
/* HYPERCALL_physdev_op (core/physdev.c): dom0's access to the platform's devices. */
#ifndef CORE_PHYSDEV_H
#define CORE_PHYSDEV_H

#include <hal/boot.h>

/* Keep the platform's whole RAM map: PHYSDEVOP_map_mmio never maps RAM. */
void physdev_init(const struct hal_boot_info *bi);

#endif
