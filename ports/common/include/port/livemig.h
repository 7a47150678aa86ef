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
/* The migrate scenarios' both machines and their domU (migrate_test.c). */
void migrate_test(unsigned module);
void role_migrant(void);

#include <port/tcpstream.h>
#include <stdbool.h>
#include <stdint.h>

#define MIG_PORT 5002 /* receive's default TCP port */
/*
 * The largest domain a live migration moves (256 MiB): its bitmaps are in
 * every guest's image (one image for all roles), so they stay small.
 */
#define MIG_LIVE_MAX_PAGES 65536u
#define MIG_ROUNDS_MAX 30u  /* pre-copy rounds after the first full copy */
#define MIG_SMALL_PAGES 16u /* a dirty set this small goes in the stop-and-copy */

struct mig_send_stats {
    unsigned rounds;                          /* pre-copy rounds, the full copy included */
    uint64_t round_pages[MIG_ROUNDS_MAX + 2]; /* pages sent per round, [rounds]: final */
    uint64_t final_pages, final_bytes; /* the stop-and-copy's frames and stream bytes */
    uint64_t bytes;                    /* the whole stream */
    uint64_t total_ns;                 /* connect .. destroyed on the source */
    uint64_t stop_copy_ns;             /* paused .. last byte acknowledged by TCP */
    uint64_t pause_ns;                 /* paused .. the destination's ACK */
    /* What is in the pause (docs/migration.md): paused .. the last dirty frames written, ..
     * the state records written (the guest's clock on the destination starts from here). */
    uint64_t final_round_ns, state_ns;
    /* Before the pause: until TCP had every pre-copy byte acknowledged, so the
     * stop-and-copy does not start behind a backlog of the last round. */
    uint64_t drain_ns;
    /* The address spaces sent during pre-copy (h-migmap): how long that took, and whether
     * they changed before the pause and went again inside it (then reset first). */
    uint64_t maps_precopy_ns;
    bool maps_resent;
    uint32_t image_crc; /* verify: CRC-32 of the paused domain's memory */
    bool committed;     /* ACK received, GO acknowledged, destroyed */
};

/*
 * Live-migrate domid to the dom0 listening (`receive`) at ip:port (host
 * order).  Pre-copy with log-dirty, stop-and-copy, wait for the
 * destination's ACK, send GO, destroy here (docs/migration.md).  Any
 * failure before that leaves the domain running here as it was (log-dirty
 * off, unpaused) and returns a negative HESTIA_E* with *why in words.
 * verify: after GO, the CRC-32 of the paused domain's memory (it never
 * runs here again) is put in st->image_crc before the destroy; the scenario
 * compares it with the destination's.  The destination's guest time goes on
 * by the time since the pause (the record's system time is moved forward).
 * Runs in the net thread (dom0_net_run).
 */
long migrate_send(hestia_domid_t domid, uint32_t ip, uint16_t port, bool verify,
                  struct mig_send_stats *st, const char **why);

/* Fault injection for migrate-fault: what the receiver does instead of finishing. */
enum mig_fault {
    MIG_FAULT_NONE,
    MIG_FAULT_PRECOPY, /* reset the connection after a few memory records */
    MIG_FAULT_END,     /* read the whole stream, then reset without answering */
    MIG_FAULT_NAK,     /* read the whole stream, then answer NAK */
};

struct mig_recv_stats {
    uint64_t pages, records, bytes;
    uint32_t image_crc; /* CRC-32 of the received memory image (gfn order) */
    uint64_t verify_ns; /* receive with verify: the time that CRC took */
    long shadow;        /* verify: dom0's copy of what arrived (frames), -1 if none */
    uint64_t shadow_pages;
    uint64_t nr_pages;
    bool acked, committed;
    /* What is in the pause here: the domain-state record applied (the guest's clock runs
     * from then) .. the commit step (rest of the stream read and applied), .. ACK sent,
     * .. GO read, .. unpaused. */
    uint64_t t_state, t_commit, t_acked, t_go, t_resumed;
    uint64_t state_time_ns; /* the domain-state record's guest system time */
};

/*
 * Accept one migration on port (within accept_ns), read and check the
 * stream into a memory image, answer ACK (or NAK with the reason) and wait
 * for GO.  Without a restore in this dom0, only check_only accepts (the
 * scenario: the image is checked and dropped); otherwise the answer is a
 * NAK saying so, and the source keeps its domain.  Runs in the net thread.
 */
long migrate_receive(uint16_t port, uint64_t accept_ns, bool check_only,
                     enum mig_fault fault, struct mig_recv_stats *st, const char **why);

/*
 * As migrate_receive, but the stream builds a real domain (h-restore's
 * restore_domain): ACK once it is loaded and paused, unpaused on GO, and
 * destroyed on any failure before.  The ACK line is "ACK <pages>".
 * verify: a copy of every frame that arrived is kept in dom0 (st->shadow)
 * for migrate_receive_verify(), which the caller runs once the domain has
 * run a while, so the check is no part of its pause.  *domid: the new domain.
 */
/* st->image_crc = CRC-32 of the copy migrate_receive_restore kept; frees it. */
void migrate_receive_verify(struct mig_recv_stats *st);

long migrate_receive_restore(uint16_t port, uint64_t accept_ns, bool verify,
                             enum mig_fault fault, struct mig_recv_stats *st,
                             hestia_domid_t *domid, const char **why);

/* The toolstack's migrate and receive commands (tok[0] says which). */
struct ktok;
long ts_cmd_migration(const struct ktok *tok, unsigned n);

/* Run fn(arg) in the thread that owns lwIP (dom0_net.c), directly if this is it. */
void dom0_net_run(void (*fn)(void *), void *arg);
#endif
