/* SPDX-License-Identifier: MIT */
/*
 * dom0's restore (ports/common/migrate/restore.c, docs/migration.md): build
 * a domain from a save / migration stream read from any byte source (the
 * disk for `restore`, a TCP connection for `receive`).
 */
#ifndef PORT_RESTORE_H
#define PORT_RESTORE_H

#include <hestia/abi.h>
#include <port/migstream.h>

struct restore_stats {
    hestia_domid_t domid; /* the new domain (DOMID_INVALID until created) */
    uint64_t pages, vcpus, mappings;
    uint64_t foreign_dropped; /* mappings of other domains' frames left behind */
    uint64_t mapping_resets;  /* live: spaces cleared (their pre-copy mappings changed) */
    uint64_t bytes;           /* stream bytes read */
    uint32_t stream_crc;      /* their CRC-32 (set before the commit step runs) */
    uint64_t load_ns;         /* first byte to unpaused, guest time of dom0 */
    uint64_t io_ns;           /* of which inside the disk reads (restore_from_disk) */
    /* Where load_ns went (guest time of dom0): reading and checking records
     * (disk reads included), applying them per kind, the commit step. */
    uint64_t read_ns, create_ns, memory_ns, state_ns, commit_ns;
};

/*
 * Called once everything of the stream is loaded and checked, before the
 * domain is unpaused: return 0 to let it run, or a negative error to have
 * it destroyed (a migration's commit point: wait for the source's GO).
 */
typedef int (*restore_commit_fn)(void *ctx, hestia_domid_t domid);

/*
 * Read a stream from src with the stream reader (every record checked
 * before it is applied), create the domain with DOMCTL_CREATE_RESTORE,
 * load its memory, mappings, vCPU and domain state, check the end record,
 * call commit (if not NULL), then unpause it.  0 with st filled, or a
 * negative error with *why in words (a static string, valid until the next
 * call); on error the partial domain is destroyed and nothing else touched.
 */
long restore_domain(struct mig_source src, restore_commit_fn commit, void *commit_ctx,
                    struct restore_stats *st, const char **why);

/*
 * restore_domain() that also hands each checked record to tap (ctx:
 * commit_ctx) after it was applied: the migrate scenario keeps a copy of
 * the memory that arrived, to check it outside the guest's pause.
 */
typedef void (*restore_tap_fn)(void *ctx, const struct mig_record *rec);
long restore_domain_tap(struct mig_source src, restore_commit_fn commit, void *commit_ctx,
                        restore_tap_fn tap, struct restore_stats *st, const char **why);

/*
 * `restore`: restore_domain() over the image on disk 0 (port/save.h's
 * container); the whole-stream CRC is checked as the commit step.
 */
long restore_from_disk(struct restore_stats *st, const char **why);

#endif
