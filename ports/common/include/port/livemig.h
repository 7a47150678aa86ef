/* SPDX-License-Identifier: MIT */
/*
 * dom0's live migration (docs/migration.md, "Live migration"): log-dirty
 * from the toolstack's side, the sender (`migrate <dom> <host>`) and the
 * receiver (`receive`) over TCP, and the scenarios that check them.
 */
#ifndef PORT_LIVEMIG_H
#define PORT_LIVEMIG_H

#include <hestia/domctl.h>

/*
 * DOMCTL_log_dirty op on domid.  For PEEK_CLEAN, bitmap holds nr_gfns
 * bits; *dirty (may be NULL) receives the count of bits set.  Returns 0 or
 * a negative HESTIA_E*.
 */
long ts_log_dirty(hestia_domid_t domid, uint32_t op, uint8_t *bitmap, uint64_t nr_gfns,
                  uint64_t *dirty);

/* The logdirty scenario's two halves (logdirty_test.c). */
void logdirty_test(unsigned module);
void role_dirtier(void);

#endif
