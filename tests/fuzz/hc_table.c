/* SPDX-License-Identifier: MIT */
/* The hypercall names of hc_table.h's list. */
#include "hc_table.h"

#define HC_NAME_(name) [HYPERCALL_##name] = #name,
const char *const hc_names[HYPERCALL_COUNT] = {HC_LIST(HC_NAME_)};
