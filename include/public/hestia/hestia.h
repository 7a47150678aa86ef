/* SPDX-License-Identifier: MIT */
/* The whole guest ABI in one include. */
#ifndef HESTIA_PUBLIC_HESTIA_H
#define HESTIA_PUBLIC_HESTIA_H

#include "abi.h"
#include "console.h"
#include "domctl.h"
#include "errno.h"
#include "event_channel.h"
#include "grant_table.h"
#include "memory.h"
#include "mmu.h"
#include "physdev.h"
#include "sched.h"
#include "shared_info.h"
#include "start_info.h"
#include "trap.h"
#include "vcpu_state.h"

#endif
