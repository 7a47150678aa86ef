/* SPDX-License-Identifier: MIT */
/*
 * The save-restore scenario (tests/scenarios/save-restore.json,
 * docs/migration.md): the domU role that survives a restore in a fresh
 * boot (resumer.c) and dom0's two halves (resume_test.c).
 */
#ifndef PORT_RESUME_H
#define PORT_RESUME_H

#define RESUMER_REF 1 /* its grant to dom0 (the first it makes) */
#define RESUMER_MAGIC 0x5245534d554d4552ull
#define RESUMER_PAGES 1024u /* 4 MiB domain */

/* domU role=resumer peer=<dom0> port=<port dom0 offered>. */
void role_resumer(void);

/* dom0 test=resume-save (boot 1) and test=resume-restore (boot 2). */
void resume_save_test(unsigned module);
void resume_restore_test(unsigned module);

#endif
