/* SPDX-License-Identifier: MIT */
/* The whole HAL contract in one include (for arch code). */
#ifndef HAL_HAL_H
#define HAL_HAL_H

#include "boot.h"
#include "console.h"
#include "cpu.h"
#include "entry.h"
#include "guest_copy.h"
#include "mmu.h"
#include "timer.h"
#include "types.h"
#include "vcpu.h"

#endif
