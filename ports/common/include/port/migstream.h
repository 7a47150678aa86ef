/* SPDX-License-Identifier: MIT */
/*
 * The save / restore (and later migration) stream: docs/migration.md.
 * Pure code over an abstract byte sink / source, no hypercalls, so the same
 * writer and reader serve the disk (save / restore), a TCP link (migrate)
 * and the host tests and fuzz harness.
 *
 * A stream is a sequence of records.  Each record is a 32-byte header
 * (type, body length, sequence number, the body's two sums) and a body.
 * The first record is the stream header, the last the end record.
 * Multi-byte fields are in the byte order of the writing machine; the
 * stream header says which, and a reader refuses the other.
 */
#ifndef PORT_MIGSTREAM_H
#define PORT_MIGSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hestia/domctl.h>

#define MIG_MAGIC "HMIG"
/* 2: the domain-state record (7); 3: 32-byte headers, mig_sum; 4: mappings reset (10) */
#define MIG_VERSION 4
#define MIG_BYTE_ORDER_LITTLE 1
#define MIG_BYTE_ORDER_BIG 2
#define MIG_MAX_PAGES (1u << 20) /* as DOMCTL_MAX_PAGES */
#define MIG_MAX_VCPUS 64u        /* bound on the header's count (HESTIA_MAX_VCPUS <= it) */
#define MIG_MEM_BATCH_MAX 64u    /* frames per memory record (DOMCTL_READ_MAX_GFNS) */
#define MIG_VCPU_STATE_MAX 4096u /* HESTIA_VCPU_STATE_MAX_SIZE */
#define MIG_FLAG_LIVE 0x1        /* pages may be sent again (pre-copy rounds) */
#define MIG_MAPPINGS_MAX 256u    /* mappings per record (DOMCTL_MAPPINGS_MAX) */
#define MIG_MAX_SPACES 65u       /* address space 0 (kernel) and user handles 1..64 */

/* Record types. */
enum mig_rec_type {
    MIG_REC_HEADER = 1,
    MIG_REC_MEMORY = 2,
    MIG_REC_VCPU = 3,
    MIG_REC_DOMAIN = 4,
    MIG_REC_END = 5,
    MIG_REC_MAPPINGS = 6,
    MIG_REC_DOMAIN_STATE = 7, /* struct hestia_domain_state + ports (hestia/domctl.h) */
    MIG_REC_ZERO = 8,         /* as memory, without the frames: they are all zero (v3) */
    MIG_REC_MAPPING_RUNS =
        9, /* mappings as runs (v3); the reader hands out MIG_REC_MAPPINGS */
    MIG_REC_MAPPINGS_RESET = 10, /* live only: forget a space's mappings sent so far (v4) */
};

struct mig_rec_hdr {
    uint32_t type;   /* enum mig_rec_type */
    uint32_t len;    /* body bytes */
    uint32_t seq;    /* 0, 1, 2, ...: a lost or repeated record is caught */
    uint32_t pad;    /* 0 */
    uint64_t sum[2]; /* mig_sum() of the body */
};
_Static_assert(sizeof(struct mig_rec_hdr) == 32, "mig_rec_hdr layout");

/* MIG_REC_HEADER body. */
struct mig_stream_header {
    char magic[4];      /* MIG_MAGIC */
    uint8_t byte_order; /* MIG_BYTE_ORDER_* of the writer */
    uint8_t pad0[3];
    uint32_t version;     /* MIG_VERSION */
    uint32_t arch;        /* HESTIA_VCPU_ARCH_* of the saved domain */
    uint32_t page_size;   /* HESTIA_PAGE_SIZE */
    uint32_t abi_version; /* HESTIA_ABI_VERSION */
    uint64_t nr_pages;    /* the domain's memory: gfns 0..nr_pages-1 */
    uint32_t nr_vcpus;
    uint32_t flags; /* MIG_FLAG_* */
};

/* MIG_REC_MEMORY body: count, then count gfns, then count frames.  MIG_REC_ZERO: the
 * same without the frames. */
struct mig_memory_head {
    uint32_t count; /* 1..MIG_MEM_BATCH_MAX */
    uint32_t pad;   /* 0 */
};

/* MIG_REC_VCPU body: this, then a struct hestia_vcpu_state of `size` bytes. */
struct mig_vcpu_head {
    uint32_t vcpu; /* < header nr_vcpus */
    uint32_t size; /* == the record's hdr.size */
};

/* MIG_REC_DOMAIN body: what dom0 knows of the domain (scheduler). */
struct mig_domain_state {
    uint32_t weight;      /* 1..65535 */
    uint32_t cap;         /* percent */
    uint64_t reserved[2]; /* 0 */
};

/* MIG_REC_MAPPINGS body: this, then count struct mig_mapping in increasing va order. */
struct mig_mappings_head {
    uint32_t space; /* 0 kernel, 1..64 user handle */
    uint32_t count; /* 1..MIG_MAPPINGS_MAX */
};
struct mig_mapping { /* the layout of struct domctl_mapping */
    uint64_t va;
    uint64_t gfn;   /* kind own: < nr_pages; else ~0 */
    uint32_t perms; /* MMU_PERM_*, not 0 */
    uint32_t kind;  /* MIG_MAPPING_* == DOMCTL_MAPPING_* */
};
_Static_assert(sizeof(struct mig_mapping) == 24, "mig_mapping layout");
/* MIG_REC_MAPPING_RUNS body: a mig_mappings_head (count: runs), then count of these.  Run
 * page k maps va + k pages to gfn + k (kind own) or to gfn ~0 (other kinds); at most
 * MIG_MAPPINGS_MAX pages per record in all. */
struct mig_mapping_run {
    uint64_t va;
    uint64_t gfn;
    uint32_t perms;
    uint32_t kind;
    uint32_t pages; /* 1.. */
    uint32_t pad;   /* 0 */
};
_Static_assert(sizeof(struct mig_mapping_run) == 32, "mig_mapping_run layout");
/*
 * MIG_REC_MAPPINGS_RESET body (v4, MIG_FLAG_LIVE streams only): the
 * mappings of `space` sent so far no longer hold (the source sent them
 * during pre-copy and they changed before the pause); the space's mappings
 * follow again from va 0.  Refused for a space with no mappings sent since
 * its last reset.
 */
struct mig_mappings_reset {
    uint32_t space; /* 0 kernel, 1..64 user handle */
    uint32_t pad;   /* 0 */
};
#define MIG_MAPPING_OWN 0
#define MIG_MAPPING_SHARED_INFO 1
#define MIG_MAPPING_FOREIGN 2

/* MIG_REC_END body: totals the reader checks against what it saw. */
struct mig_end {
    uint64_t pages;   /* frames sent in memory records */
    uint32_t vcpus;   /* vCPU records */
    uint32_t records; /* records before this one */
};

/* Byte sink / source: 0 or a negative error (-HESTIA_*); all or nothing. */
struct mig_sink {
    int (*write)(void *ctx, const void *buf, size_t len);
    void *ctx;
};
struct mig_source {
    int (*read)(void *ctx, void *buf, size_t len);
    void *ctx;
};

/*
 * The per-record check (migrate/sum.c): sums a and b of the body as
 * little-endian 32-bit words.  Incremental: init, update with each piece
 * in order, final.
 */
struct mig_sum {
    uint64_t a, b;
    uint32_t part;       /* a word not yet complete, */
    uint32_t part_bytes; /* of this many bytes (0..3) */
};
void mig_sum_init(struct mig_sum *s);
void mig_sum_update(struct mig_sum *s, const void *buf, size_t len);
void mig_sum_final(const struct mig_sum *s, uint64_t out[2]);
void mig_sum(const void *buf, size_t len, uint64_t out[2]);

/* CRC-32 (IEEE 802.3, reflected, as zlib): crc = mig_crc32(crc, buf, len), start at 0. */
uint32_t mig_crc32(uint32_t crc, const void *buf, size_t len);

/* Writer: records go out whole; the CRC is computed over the pieces given. */
struct mig_writer {
    struct mig_sink sink;
    uint32_t seq;
    uint64_t pages;
    uint32_t vcpus;
    uint64_t bytes;      /* written so far */
    uint32_t stream_crc; /* CRC-32 of the record headers so far (each has its body's sum) */
};
void mig_writer_init(struct mig_writer *w, struct mig_sink sink);
int mig_write_header(struct mig_writer *w, uint32_t arch, uint64_t nr_pages,
                     uint32_t nr_vcpus, uint32_t flags);
/* count frames, frame i (page_size bytes) at data + i * page_size. */
int mig_write_memory(struct mig_writer *w, const uint64_t *gfns, const void *data,
                     uint32_t count);
/* The same, but every all-zero frame goes as a zero record (its gfn only), runs kept whole.
 */
int mig_write_frames(struct mig_writer *w, const uint64_t *gfns, const void *data,
                     uint32_t count);
int mig_write_vcpu(struct mig_writer *w, uint32_t vcpu, const void *state, uint32_t size);
int mig_write_domain(struct mig_writer *w, const struct mig_domain_state *ds);
/* As runs (MIG_REC_MAPPING_RUNS) when that is smaller, else as a list. */
int mig_write_mappings(struct mig_writer *w, uint32_t space, const struct mig_mapping *m,
                       uint32_t count);
/* A mappings reset of space (live streams; MIG_REC_MAPPINGS_RESET). */
int mig_write_mappings_reset(struct mig_writer *w, uint32_t space);
/* The record DOMCTL_get_domain_state returned, size bytes (its own size field). */
int mig_write_domain_state(struct mig_writer *w, const void *state, uint32_t size);
int mig_write_end(struct mig_writer *w);

/*
 * Reader.  mig_read_next() reads one record into the reader's buffer and
 * validates it completely (length for its type, sum, sequence, order,
 * every field, gfns in range and not repeated, vCPU ids) before returning
 * it; the caller applies it only then.  Returns 1 with *rec filled, 0
 * after the end record was read and checked (all pages and vCPUs present),
 * or a negative error with r->error saying why in words.
 */
#define MIG_BODY_MAX (sizeof(struct mig_memory_head) + MIG_MEM_BATCH_MAX * (8u + 4096u))

struct mig_record {
    enum mig_rec_type type;
    uint32_t len;
    const void *body;
    /* Decoded views into body. */
    const struct mig_stream_header *header;
    uint32_t count;         /* memory */
    const uint64_t *gfns;   /* memory (8-byte aligned) */
    const uint8_t *frames;  /* memory; NULL for a zero record (same count, gfns) */
    uint32_t vcpu;          /* vcpu */
    const void *vcpu_state; /* vcpu: size bytes */
    uint32_t vcpu_size;
    const struct mig_domain_state *domain;
    uint32_t space;                                 /* mappings, mappings reset */
    const struct mig_mapping *mappings;             /* mappings: count of them */
    const struct hestia_domain_state *domain_state; /* domain state: len bytes */
};

struct mig_reader {
    struct mig_source src;
    uint32_t want_arch; /* refuse another */
    uint64_t max_pages; /* refuse a bigger domain */
    uint8_t *seen;      /* bitmap, mig_seen_bytes(max_pages), caller's memory */
    uint64_t
        body_words[MIG_BODY_MAX / 8 + 1]; /* a runs record's list goes after its body */
    struct mig_stream_header hdr;
    bool have_header, have_domain, have_domain_state, ended;
    uint32_t seq;
    uint64_t pages, distinct_pages;
    uint32_t vcpus;
    uint64_t vcpu_seen; /* bit per vCPU id */
    uint64_t bytes;
    uint32_t stream_crc; /* CRC-32 of the headers of the records accepted so far */
    uint64_t next_va[MIG_MAX_SPACES]; /* per space: mappings must go up from here */
    const char *error;                /* why the stream was refused */
};

static inline size_t mig_seen_bytes(uint64_t max_pages)
{
    return (size_t)((max_pages + 7) / 8);
}

void mig_reader_init(struct mig_reader *r, struct mig_source src, uint32_t want_arch,
                     uint64_t max_pages, uint8_t *seen);
int mig_read_next(struct mig_reader *r, struct mig_record *rec);
/*
 * Guest only (migrate/reader_mem.c): a reader initialised as mig_reader_init
 * does, in free frames with its seen bitmap (NULL: not enough memory), and
 * those frames given back.  Records it returned are gone after the free.
 */
struct mig_reader *mig_reader_alloc(struct mig_source src, uint32_t want_arch,
                                    uint64_t max_pages);
void mig_reader_free(struct mig_reader *r);

/* A sink / source over one memory buffer (tests, and dom0's disk staging). */
struct mig_membuf {
    uint8_t *buf;
    size_t size, pos;
};
struct mig_sink mig_membuf_sink(struct mig_membuf *m);
struct mig_source mig_membuf_source(struct mig_membuf *m);

#endif
