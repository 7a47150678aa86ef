/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the save / restore stream (ports/common/migrate): a round
 * trip, then truncated, corrupted, wrong-arch, oversized, out-of-order and
 * repeated input, each of which the reader must refuse with a reason.
 * Prints "TEST migrate.<case> PASS|FAIL [detail]"; exits 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hestia/abi.h>
#include <hestia/errno.h>
#include <hestia/vcpu_state.h>
#include <port/migstream.h>
#include <port/save.h>

#define CHECK_SUITE "migrate"
#include "check.h"

#define ARCH HESTIA_VCPU_ARCH_X86_64
#define PAGES 100u
#define VCPUS 2u
#define STATE_SIZE 96u

static uint8_t stream[2u << 20];
static size_t stream_len;
static uint8_t seen[MIG_MAX_PAGES / 8];
static uint8_t frames[PAGES][HESTIA_PAGE_SIZE];

static void vcpu_state(uint32_t vcpu, uint8_t *out)
{
    struct hestia_vcpu_state_header h = {.magic = HESTIA_VCPU_STATE_MAGIC,
                                         .version = HESTIA_VCPU_STATE_VERSION,
                                         .arch = ARCH,
                                         .size = STATE_SIZE};
    memset(out, 0, STATE_SIZE);
    memcpy(out, &h, sizeof(h));
    for (unsigned i = sizeof(h); i < STATE_SIZE; i++)
        out[i] = (uint8_t)(vcpu * 31 + i);
}

/* A valid domain-state record for nr_vcpus vCPUs: three ports and a grant table. */
static uint8_t
    dstate[sizeof(struct hestia_domain_state) + 3 * sizeof(struct domain_state_port)];
static uint32_t domain_state(uint32_t nr_vcpus)
{
    memset(dstate, 0, sizeof(dstate));
    struct hestia_domain_state *s = (void *)dstate;
    s->magic = DOMAIN_STATE_MAGIC;
    s->version = DOMAIN_STATE_VERSION;
    s->size = sizeof(dstate);
    s->nr_vcpus = nr_vcpus;
    s->nr_ports = 3;
    s->nr_grant_frames = 2;
    s->grant_frames[0] = 3;
    s->grant_frames[1] = 1;
    s->weight = 256;
    s->system_time_ns = 123456789;
    struct domain_state_port *p = (void *)(s + 1);
    p[0] = (struct domain_state_port){.port = 1, .state = 3 /* virq */, .arg = 1};
    p[1] = (struct domain_state_port){
        .port = 5, .state = 2, .remote_dom = 0, .remote_port = 9};
    p[2] = (struct domain_state_port){.port = 64, .state = 1 /* unbound */, .arg = 0};
    return sizeof(dstate);
}

/* A valid stream of PAGES frames in batches of 7 (gfns in descending order), VCPUS vCPUs;
 * frames with gfn % 5 of 1 or 2 are all zero and go as zero records. */
static void build(uint32_t flags)
{
    for (unsigned g = 0; g < PAGES; g++)
        for (unsigned i = 0; i < HESTIA_PAGE_SIZE; i++)
            frames[g][i] =
                g % 5 == 1 || g % 5 == 2 ? 0 : (uint8_t)(g * 13 + i * 7 + (i >> 8));
    struct mig_membuf m = {stream, sizeof(stream), 0};
    struct mig_writer w;
    mig_writer_init(&w, mig_membuf_sink(&m));
    CHECK(mig_write_header(&w, ARCH, PAGES, VCPUS, flags) == 0);
    struct mig_domain_state ds = {.weight = 256, .cap = 50};
    CHECK(mig_write_domain(&w, &ds) == 0);
    /* Kernel space: every frame at 0x400000 + gfn pages, in two records; user space 3: one.
     */
    static struct mig_mapping maps[PAGES];
    for (unsigned g = 0; g < PAGES; g++)
        maps[g] =
            (struct mig_mapping){0x400000 + g * HESTIA_PAGE_SIZE, g, 3, MIG_MAPPING_OWN};
    CHECK(mig_write_mappings(&w, 0, maps, 60) == 0);
    CHECK(mig_write_mappings(&w, 0, maps + 60, PAGES - 60) == 0);
    struct mig_mapping si = {0x10000, ~0ull, 1 | 8, MIG_MAPPING_SHARED_INFO};
    CHECK(mig_write_mappings(&w, 3, &si, 1) == 0);
    static uint8_t batch[7 * HESTIA_PAGE_SIZE];
    unsigned done = 0;
    while (done < PAGES) {
        uint64_t gfns[7];
        unsigned n = PAGES - done < 7 ? PAGES - done : 7;
        for (unsigned i = 0; i < n; i++) {
            gfns[i] = PAGES - 1 - (done + i);
            memcpy(batch + i * HESTIA_PAGE_SIZE, frames[gfns[i]], HESTIA_PAGE_SIZE);
        }
        CHECK(mig_write_frames(&w, gfns, batch, n) == 0);
        done += n;
    }
    for (uint32_t v = 0; v < VCPUS; v++) {
        uint8_t st[STATE_SIZE];
        vcpu_state(v, st);
        CHECK(mig_write_vcpu(&w, v, st, STATE_SIZE) == 0);
    }
    CHECK(mig_write_domain_state(&w, dstate, domain_state(VCPUS)) == 0);
    CHECK(mig_write_end(&w) == 0);
    stream_len = m.pos;
    CHECK(w.bytes == m.pos);
}

/* Read the first len bytes of buf to the end: 0 if accepted, else the error (*why set). */
static int read_all(const uint8_t *buf, size_t len, uint32_t arch, uint64_t max_pages,
                    const char **why)
{
    static uint8_t copy[sizeof(stream)];
    memcpy(copy, buf, len);
    struct mig_membuf m = {copy, len, 0};
    static struct mig_reader r;
    mig_reader_init(&r, mig_membuf_source(&m), arch, max_pages, seen);
    struct mig_record rec;
    int rc;
    unsigned guard = 0;
    while ((rc = mig_read_next(&r, &rec)) == 1 && guard++ < 100000) {
    }
    *why = r.error;
    return rc;
}

static void round_trip(void)
{
    build(0);
    struct mig_membuf m = {stream, stream_len, 0};
    static struct mig_reader r;
    mig_reader_init(&r, mig_membuf_source(&m), ARCH, 1024, seen);
    struct mig_record rec;
    int rc, got_pages = 0, got_vcpus = 0, got_domain = 0, got_header = 0, got_maps = 0;
    int got_zero = 0;
    static const uint8_t zero[HESTIA_PAGE_SIZE];
    while ((rc = mig_read_next(&r, &rec)) == 1) {
        if (rec.type == MIG_REC_HEADER) {
            got_header++;
            CHECK(rec.header->nr_pages == PAGES && rec.header->nr_vcpus == VCPUS);
        } else if (rec.type == MIG_REC_MEMORY) {
            for (uint32_t i = 0; i < rec.count; i++) {
                CHECK(rec.gfns[i] < PAGES);
                if (rec.gfns[i] < PAGES)
                    CHECK(memcmp(rec.frames + (size_t)i * HESTIA_PAGE_SIZE,
                                 frames[rec.gfns[i]], HESTIA_PAGE_SIZE) == 0);
                got_pages++;
            }
        } else if (rec.type == MIG_REC_ZERO) {
            CHECK(rec.frames == NULL);
            for (uint32_t i = 0; i < rec.count; i++) {
                CHECK(rec.gfns[i] < PAGES);
                if (rec.gfns[i] < PAGES)
                    CHECK(memcmp(frames[rec.gfns[i]], zero, HESTIA_PAGE_SIZE) == 0);
                got_pages++, got_zero++;
            }
        } else if (rec.type == MIG_REC_VCPU) {
            uint8_t st[STATE_SIZE];
            vcpu_state(rec.vcpu, st);
            CHECK(rec.vcpu_size == STATE_SIZE &&
                  memcmp(rec.vcpu_state, st, STATE_SIZE) == 0);
            got_vcpus++;
        } else if (rec.type == MIG_REC_DOMAIN) {
            CHECK(rec.domain->weight == 256 && rec.domain->cap == 50);
            got_domain++;
        } else if (rec.type == MIG_REC_DOMAIN_STATE) {
            CHECK(rec.len == domain_state(VCPUS) &&
                  memcmp(rec.domain_state, dstate, rec.len) == 0);
            got_domain++;
        } else if (rec.type == MIG_REC_MAPPINGS) {
            for (uint32_t i = 0; i < rec.count; i++)
                CHECK(rec.space == 3
                          ? rec.mappings[i].kind == MIG_MAPPING_SHARED_INFO
                          : rec.mappings[i].va ==
                                0x400000 + rec.mappings[i].gfn * HESTIA_PAGE_SIZE);
            got_maps += (int)rec.count;
        }
    }
    CHECK(rc == 0);
    CHECK(r.error == NULL);
    CHECK(got_header == 1 && got_domain == 2 && got_vcpus == (int)VCPUS);
    CHECK(got_pages == (int)PAGES);
    CHECK(got_zero == (int)(2 * PAGES / 5)); /* every zero frame as a zero record */
    CHECK(got_maps == (int)PAGES + 1);
    CHECK(m.pos == stream_len);
    /* The checksum is zlib's CRC-32. */
    CHECK(mig_crc32(0, "123456789", 9) == 0xCBF43926u);
    /* The record check: words 0x34333231, 0x38373635, 0x39: a = their sum, b = 3, 2, 1
     * times. */
    uint64_t sum[2];
    mig_sum("123456789", 9, sum);
    CHECK(sum[0] == 0x34333231ull + 0x38373635ull + 0x39ull);
    CHECK(sum[1] == 3 * 0x34333231ull + 2 * 0x38373635ull + 0x39ull);
}

static void truncated_everywhere(void)
{
    build(0);
    const char *why;
    /* Every cut short of the whole stream is refused, never accepted. */
    for (size_t cut = 0; cut < stream_len; cut += cut < 4096 ? 1 : 397) {
        int rc = read_all(stream, cut, ARCH, 1024, &why);
        if (rc == 0 || why == NULL) {
            CHECK(rc != 0 && why != NULL);
            fprintf(stderr, "truncated at %zu accepted\n", cut);
            break;
        }
    }
    CHECK(read_all(stream, stream_len, ARCH, 1024, &why) == 0);
}

static void bad_checksum(void)
{
    build(0);
    const char *why;
    /* One flipped bit in any byte after the first record header is refused. */
    for (size_t at = sizeof(struct mig_rec_hdr); at < stream_len; at += 509) {
        stream[at] ^= 0x10;
        int rc = read_all(stream, stream_len, ARCH, 1024, &why);
        stream[at] ^= 0x10;
        if (rc == 0) {
            CHECK(rc != 0);
            fprintf(stderr, "flip at %zu accepted\n", at);
            break;
        }
    }
    /* A body bit: the reason is the checksum. */
    stream[sizeof(struct mig_rec_hdr) + 20] ^= 1;
    CHECK(read_all(stream, stream_len, ARCH, 1024, &why) == -HESTIA_EINVAL);
    CHECK(why && strstr(why, "checksum"));
}

static void wrong_arch_and_oversized(void)
{
    build(0);
    const char *why;
    CHECK(read_all(stream, stream_len, HESTIA_VCPU_ARCH_PPC, 1024, &why) == -HESTIA_EINVAL);
    CHECK(why && strstr(why, "arch"));
    CHECK(read_all(stream, stream_len, ARCH, PAGES - 1, &why) == -HESTIA_E2BIG);
    CHECK(why && strstr(why, "frames"));
    /* A record claiming a huge body is refused before the body is read. */
    struct mig_rec_hdr *h = (void *)stream;
    h->len = 0xfffffff0u;
    CHECK(read_all(stream, stream_len, ARCH, 1024, &why) == -HESTIA_E2BIG);
}

/* Append a raw record with a correct sum to buf at *pos. */
static void raw(uint8_t *buf, size_t *pos, uint32_t type, uint32_t seq, const void *body,
                uint32_t len)
{
    struct mig_rec_hdr h = {.type = type, .len = len, .seq = seq};
    mig_sum(body, len, h.sum);
    memcpy(buf + *pos, &h, sizeof(h));
    memcpy(buf + *pos + sizeof(h), body, len);
    *pos += sizeof(h) + len;
}

static size_t header_only(uint8_t *buf, uint32_t flags, uint64_t pages)
{
    struct mig_stream_header hd;
    memset(&hd, 0, sizeof(hd));
    memcpy(hd.magic, MIG_MAGIC, 4);
    hd.byte_order = MIG_BYTE_ORDER_LITTLE;
    hd.version = MIG_VERSION;
    hd.arch = ARCH;
    hd.page_size = HESTIA_PAGE_SIZE;
    hd.abi_version = HESTIA_ABI_VERSION;
    hd.nr_pages = pages;
    hd.nr_vcpus = 1;
    hd.flags = flags;
    size_t pos = 0;
    raw(buf, &pos, MIG_REC_HEADER, 0, &hd, sizeof(hd));
    return pos;
}

static size_t memory_rec(uint8_t *buf, size_t pos, uint32_t seq, uint64_t g1, uint64_t g2,
                         uint32_t count)
{
    static uint8_t body[16 + 2 * (8 + HESTIA_PAGE_SIZE)];
    struct mig_memory_head mh = {count, 0};
    uint64_t gfns[2] = {g1, g2};
    memset(body, 0xab, sizeof(body));
    memcpy(body, &mh, sizeof(mh));
    memcpy(body + 8, gfns, count * 8);
    raw(buf, &pos, MIG_REC_MEMORY, seq, body, 8 + count * (8 + HESTIA_PAGE_SIZE));
    return pos;
}

static void duplicates_and_order(void)
{
    const char *why;
    static uint8_t b[64 << 10];
    size_t pos;
    /* Same gfn in two records. */
    pos = memory_rec(b, header_only(b, 0, 8), 1, 3, 4, 2);
    pos = memory_rec(b, pos, 2, 4, 5, 2);
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EINVAL && why &&
          strstr(why, "twice"));
    /* With the live flag a later round may resend it... */
    pos = memory_rec(b, header_only(b, MIG_FLAG_LIVE, 8), 1, 3, 4, 2);
    pos = memory_rec(b, pos, 2, 4, 5, 2);
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EIO); /* ...ends truncated, not dup */
    /* ...but never twice in one batch. */
    pos = memory_rec(b, header_only(b, MIG_FLAG_LIVE, 8), 1, 3, 3, 2);
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EINVAL && why &&
          strstr(why, "batch"));
    /* gfn beyond the domain. */
    pos = memory_rec(b, header_only(b, 0, 8), 1, 8, 0, 1);
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EINVAL && why &&
          strstr(why, "beyond"));
    /* Second header; record before the header; sequence gap. */
    pos = header_only(b, 0, 8);
    size_t h2 = header_only(b + pos, 0, 8);
    ((struct mig_rec_hdr *)(b + pos))->seq = 1;
    CHECK(read_all(b, pos + h2, ARCH, 64, &why) == -HESTIA_EINVAL && strstr(why, "second"));
    pos = memory_rec(b, 0, 0, 1, 0, 1);
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EINVAL && strstr(why, "before"));
    pos = memory_rec(b, header_only(b, 0, 8), 2, 1, 0, 1);
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EINVAL && strstr(why, "sequence"));
    /* Unknown flags, zero pages. */
    pos = header_only(b, 0x80, 8);
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EINVAL && strstr(why, "flags"));
    pos = header_only(b, 0, 0);
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_E2BIG);
}

static void end_checks_totals(void)
{
    const char *why;
    /* A complete stream with one frame left out: the end record refuses it. */
    build(0);
    /* Rebuild by hand: header, domain, all but gfn 0, vCPUs, end with matching totals. */
    static uint8_t b[1u << 20];
    size_t pos = header_only(b, 0, 4);
    struct mig_domain_state ds = {.weight = 1};
    raw(b, &pos, MIG_REC_DOMAIN, 1, &ds, sizeof(ds));
    pos = memory_rec(b, pos, 2, 1, 2, 2);
    pos = memory_rec(b, pos, 3, 3, 0, 1);
    uint8_t st[sizeof(struct mig_vcpu_head) + STATE_SIZE];
    struct mig_vcpu_head vh = {0, STATE_SIZE};
    memcpy(st, &vh, sizeof(vh));
    vcpu_state(0, st + sizeof(vh));
    raw(b, &pos, MIG_REC_VCPU, 4, st, sizeof(st));
    size_t before_state = pos;
    raw(b, &pos, MIG_REC_DOMAIN_STATE, 5, dstate, domain_state(1));
    struct mig_end e = {3, 1, 6};
    size_t before_end = pos;
    raw(b, &pos, MIG_REC_END, 6, &e, sizeof(e));
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EINVAL && strstr(why, "missing"));
    /* Lying totals. */
    e.pages = 4;
    pos = before_end;
    raw(b, &pos, MIG_REC_END, 6, &e, sizeof(e));
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EINVAL && strstr(why, "end says"));
    /* No domain-state record. */
    struct mig_end e5 = {3, 1, 5};
    pos = before_state;
    raw(b, &pos, MIG_REC_END, 5, &e5, sizeof(e5));
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EINVAL &&
          strstr(why, "domain-state"));
    /* vCPU state of another arch inside the record. */
    struct hestia_vcpu_state_header *sh = (void *)(st + sizeof(vh));
    sh->arch = HESTIA_VCPU_ARCH_IA64;
    pos = memory_rec(b, header_only(b, 0, 4), 1, 0, 1, 2);
    raw(b, &pos, MIG_REC_VCPU, 2, st, sizeof(st));
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EINVAL && strstr(why, "vCPU state"));
    /* vCPU id out of range, and twice. */
    sh->arch = ARCH;
    vh.vcpu = 1;
    memcpy(st, &vh, sizeof(vh));
    pos = header_only(b, 0, 4);
    raw(b, &pos, MIG_REC_VCPU, 1, st, sizeof(st));
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EINVAL && strstr(why, "vCPU 1 of"));
    vh.vcpu = 0;
    memcpy(st, &vh, sizeof(vh));
    pos = header_only(b, 0, 4);
    raw(b, &pos, MIG_REC_VCPU, 1, st, sizeof(st));
    raw(b, &pos, MIG_REC_VCPU, 2, st, sizeof(st));
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EINVAL && strstr(why, "twice"));
}

/* A stream of a header and one mappings record of the given entries in space. */
static int one_mappings(uint32_t space, const struct mig_mapping *m, uint32_t count,
                        const char **why)
{
    static uint8_t b[16 << 10];
    size_t pos = header_only(b, 0, 8);
    uint8_t body[8 + 4 * sizeof(struct mig_mapping)];
    struct mig_mappings_head mh = {space, count};
    memcpy(body, &mh, sizeof(mh));
    memcpy(body + 8, m, count * sizeof(*m));
    raw(b, &pos, MIG_REC_MAPPINGS, 1, body, 8 + count * (uint32_t)sizeof(*m));
    int rc = read_all(b, pos, ARCH, 64, why);
    return rc == -HESTIA_EIO ? 0 : rc; /* EIO: accepted, then the stream ended */
}

static void mappings_checked(void)
{
    const char *why;
    struct mig_mapping ok[2] = {{0x1000, 7, 3, MIG_MAPPING_OWN},
                                {0x3000, ~0ull, 1, MIG_MAPPING_FOREIGN}};
    CHECK(one_mappings(0, ok, 2, &why) == 0);
    struct mig_mapping bad[2] = {ok[0], ok[1]};
    bad[1].va = 0x1000; /* not increasing */
    CHECK(one_mappings(0, bad, 2, &why) == -HESTIA_EINVAL && strstr(why, "not above"));
    bad[1] = ok[1];
    bad[1].va = 0x3800; /* unaligned */
    CHECK(one_mappings(0, bad, 2, &why) == -HESTIA_EINVAL && strstr(why, "unaligned"));
    bad[1] = ok[1];
    bad[0].gfn = 8; /* beyond the 8-frame domain */
    CHECK(one_mappings(0, bad, 2, &why) == -HESTIA_EINVAL && strstr(why, "gfn 8"));
    bad[0] = ok[0];
    bad[1].gfn = 2; /* a foreign mapping naming a gfn */
    CHECK(one_mappings(0, bad, 2, &why) == -HESTIA_EINVAL && strstr(why, "gfn 2"));
    bad[1] = ok[1];
    bad[0].perms = 0x10;
    CHECK(one_mappings(0, bad, 1, &why) == -HESTIA_EINVAL && strstr(why, "perms"));
    bad[0] = ok[0];
    bad[0].kind = 3;
    CHECK(one_mappings(0, bad, 1, &why) == -HESTIA_EINVAL && strstr(why, "kind"));
    CHECK(one_mappings(MIG_MAX_SPACES, ok, 2, &why) == -HESTIA_EINVAL &&
          strstr(why, "space"));
    CHECK(one_mappings(0, ok, 0, &why) == -HESTIA_EINVAL); /* too short for its type */
    /* The top page ends the space. */
    struct mig_mapping top[2] = {{~0ull - 0xfff, 1, 1, MIG_MAPPING_OWN},
                                 {~0ull - 0xfff, 2, 1, MIG_MAPPING_OWN}};
    CHECK(one_mappings(0, top, 1, &why) == 0);
    CHECK(one_mappings(0, top, 2, &why) == -HESTIA_EINVAL);
}

static void spoil_magic(struct hestia_domain_state *s, struct domain_state_port *p)
{
    (void)p;
    s->magic++;
}
static void spoil_vcpus(struct hestia_domain_state *s, struct domain_state_port *p)
{
    (void)p;
    s->nr_vcpus = 3;
}
static void spoil_port_twice(struct hestia_domain_state *s, struct domain_state_port *p)
{
    (void)s;
    p[1].port = 1;
}
static void spoil_port_beyond(struct hestia_domain_state *s, struct domain_state_port *p)
{
    (void)s;
    p[2].port = 1024;
}
static void spoil_pirq(struct hestia_domain_state *s, struct domain_state_port *p)
{
    (void)s;
    p[0].state = 5;
}
static void spoil_port_vcpu(struct hestia_domain_state *s, struct domain_state_port *p)
{
    (void)s;
    p[2].vcpu = 2;
}
static void spoil_virq(struct hestia_domain_state *s, struct domain_state_port *p)
{
    (void)s;
    p[0].arg = 5;
}
static void spoil_grant_gfn(struct hestia_domain_state *s, struct domain_state_port *p)
{
    (void)p;
    s->grant_frames[1] = 8;
}
static void spoil_grant_twice(struct hestia_domain_state *s, struct domain_state_port *p)
{
    (void)p;
    s->grant_frames[1] = 3;
}
static void spoil_size(struct hestia_domain_state *s, struct domain_state_port *p)
{
    (void)p;
    s->nr_ports = 2;
}
static void spoil_peer(struct hestia_domain_state *s, struct domain_state_port *p)
{
    (void)s;
    p[2].remote_port = 3;
}
static void spoil_reserved(struct hestia_domain_state *s, struct domain_state_port *p)
{
    (void)p;
    s->vcpu[1].reserved = 1;
}

/* A stream of a header (8 frames, 2 vCPUs) and the domain-state record in dstate. */
static int one_state(const char **why)
{
    static uint8_t b[16 << 10];
    size_t pos = header_only(b, 0, 8);
    struct mig_stream_header *h = (void *)(b + sizeof(struct mig_rec_hdr));
    h->nr_vcpus = 2;
    mig_sum(h, sizeof(*h), ((struct mig_rec_hdr *)b)->sum);
    const struct hestia_domain_state *s = (const void *)dstate;
    raw(b, &pos, MIG_REC_DOMAIN_STATE, 1, dstate, s->size);
    int rc = read_all(b, pos, ARCH, 64, why);
    return rc == -HESTIA_EIO ? 0 : rc; /* EIO: accepted, then the stream ended */
}

static void domain_state_checked(void)
{
    const char *why;
    struct hestia_domain_state *s = (void *)dstate;
    struct domain_state_port *p = (void *)(s + 1);
    struct {
        const char *expect;
        void (*spoil)(struct hestia_domain_state *, struct domain_state_port *);
    } cases[] = {
        {"magic", spoil_magic},
        {"vCPUs", spoil_vcpus},
        {"port 1", spoil_port_twice},
        {"port 1024", spoil_port_beyond},
        {"state 5", spoil_pirq},
        {"vCPU 2", spoil_port_vcpu},
        {"arg 5", spoil_virq},
        {"grant-table gfn 8", spoil_grant_gfn},
        {"grant-table gfn 3", spoil_grant_twice},
        {"ports in", spoil_size},
        {"a peer", spoil_peer},
        {"vCPU 1's record", spoil_reserved},
    };
    domain_state(2);
    CHECK(one_state(&why) == 0);
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        domain_state(2);
        cases[i].spoil(s, p);
        int rc = one_state(&why);
        if (rc != -HESTIA_EINVAL || !why || !strstr(why, cases[i].expect)) {
            printf("  case %u: rc %d why %s, expected \"%s\"\n", i, rc, why ? why : "-",
                   cases[i].expect);
            CHECK(0);
        }
    }
}

/* Bit at a time, straight from the definition: what the tables must agree with. */
static uint32_t crc_reference(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = crc & 1 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
    }
    return ~crc;
}

/* The CRC-32 of every record header of a stream of len bytes, in order. */
static uint32_t headers_crc(const uint8_t *b, size_t len)
{
    uint32_t crc = 0;
    for (size_t pos = 0; pos + sizeof(struct mig_rec_hdr) <= len;) {
        struct mig_rec_hdr h;
        memcpy(&h, b + pos, sizeof(h));
        crc = mig_crc32(crc, &h, sizeof(h));
        pos += sizeof(h) + h.len;
    }
    return crc;
}

/* The record sum from its definition: a = sum of the words, b = sum of (n-i+1) * w_i. */
static void sum_reference(const uint8_t *p, size_t n, uint64_t out[2])
{
    size_t words = (n + 3) / 4;
    uint64_t a = 0, b = 0;
    for (size_t i = 0; i < words; i++) {
        uint32_t w = 0;
        for (size_t k = 0; k < 4 && 4 * i + k < n; k++)
            w |= (uint32_t)p[4 * i + k] << (8 * k);
        a += w;
        b += (uint64_t)(words - i) * w;
    }
    out[0] = a;
    out[1] = b;
}

static void record_sum(void)
{
    static uint8_t buf[MIG_BODY_MAX + 8];
    uint32_t x = 777;
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)((x = x * 1103515245u + 12345u) >> 16);
    uint64_t want[2], got[2];
    /* Every start alignment and tail length, whole and fed in two pieces at any split. */
    for (size_t off = 0; off < 4; off++)
        for (size_t n = 0; n < 70; n++) {
            sum_reference(buf + off, n, want);
            mig_sum(buf + off, n, got);
            bool ok = got[0] == want[0] && got[1] == want[1];
            for (size_t cut = 0; ok && cut <= n; cut++) {
                struct mig_sum s;
                mig_sum_init(&s);
                mig_sum_update(&s, buf + off, cut);
                mig_sum_update(&s, buf + off + cut, n - cut);
                mig_sum_final(&s, got);
                ok = got[0] == want[0] && got[1] == want[1];
            }
            if (!ok) {
                printf("  offset %zu length %zu differs\n", off, n);
                CHECK(0);
                return;
            }
        }
    /* The largest body: a does not wrap, as the guarantee assumes. */
    memset(buf, 0xff, sizeof(buf));
    mig_sum(buf, MIG_BODY_MAX, got);
    CHECK(got[0] == (uint64_t)(MIG_BODY_MAX / 4) * 0xffffffffull);
    /* Every error within 64 consecutive bits is caught: all 1- and 2-bit flips of a
     * 512-byte body (the pair within 64 bits of each other), and 33-bit bursts. */
    for (size_t i = 0; i < 512; i++)
        buf[i] = (uint8_t)((x = x * 1103515245u + 12345u) >> 16);
    mig_sum(buf, 512, want);
    unsigned missed = 0;
    for (unsigned i = 0; i < 512 * 8; i++) {
        buf[i / 8] ^= (uint8_t)(1u << (i % 8));
        for (unsigned j = i; j < i + 64 && j < 512 * 8; j++) {
            if (j != i)
                buf[j / 8] ^= (uint8_t)(1u << (j % 8));
            mig_sum(buf, 512, got);
            missed += got[0] == want[0] && got[1] == want[1];
            if (j != i)
                buf[j / 8] ^= (uint8_t)(1u << (j % 8));
        }
        buf[i / 8] ^= (uint8_t)(1u << (i % 8));
    }
    for (unsigned i = 0; i + 33 <= 512 * 8; i += 7) {
        for (unsigned j = i; j < i + 33; j++)
            buf[j / 8] ^= (uint8_t)(1u << (j % 8));
        mig_sum(buf, 512, got);
        missed += got[0] == want[0] && got[1] == want[1];
        for (unsigned j = i; j < i + 33; j++)
            buf[j / 8] ^= (uint8_t)(1u << (j % 8));
    }
    if (missed)
        printf("  %u flips not caught\n", missed);
    CHECK(missed == 0);
}

/* Mapping runs: written when shorter, handed out as the list, every page checked. */
static void mapping_runs_checked(void)
{
    static uint8_t b[64 << 10];
    static struct mig_mapping maps[256];
    for (unsigned i = 0; i < 256; i++) /* two runs: gfns 0..127, then 200..327 */
        maps[i] = (struct mig_mapping){0x400000 + i * HESTIA_PAGE_SIZE,
                                       i < 128 ? i : 72 + i, 3, MIG_MAPPING_OWN};
    struct mig_membuf m = {b, sizeof(b), 0};
    struct mig_writer w;
    mig_writer_init(&w, mig_membuf_sink(&m));
    CHECK(mig_write_header(&w, ARCH, 400, 1, 0) == 0);
    size_t before = m.pos;
    CHECK(mig_write_mappings(&w, 0, maps, 256) == 0);
    CHECK(m.pos - before == sizeof(struct mig_rec_hdr) + 8 + 2 * 32); /* two runs */
    struct mig_membuf in = {b, m.pos, 0};
    static struct mig_reader r;
    mig_reader_init(&r, mig_membuf_source(&in), ARCH, 1024, seen);
    struct mig_record rec;
    CHECK(mig_read_next(&r, &rec) == 1 && mig_read_next(&r, &rec) == 1);
    CHECK(rec.type == MIG_REC_MAPPINGS && rec.count == 256 &&
          memcmp(rec.mappings, maps, sizeof(maps)) == 0);
    /* Refused: a run past the domain's frames, a run of 0 pages, more than 256 pages, pad.
     */
    struct {
        struct mig_mappings_head h;
        struct mig_mapping_run run[2];
    } body = {{0, 1}, {{0x400000, 6, 3, MIG_MAPPING_OWN, 3, 0}}};
    const char *why;
    struct {
        uint32_t pages, pad, runs;
        const char *expect;
    } cases[] = {
        {3, 0, 1, "gfn 8"},
        {0, 0, 1, "a run of 0 pages"},
        {200, 0, 2, "a run of 200 pages (1..56 left"},
        {1, 1, 1, "a run of 1 pages"},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        body.h.count = cases[i].runs;
        body.run[0].pages = cases[i].pages;
        body.run[0].pad = cases[i].pad;
        body.run[0].gfn = cases[i].runs == 2 ? 0 : 6;
        body.run[1] = body.run[0];
        body.run[1].va = 0x400000 + 200 * HESTIA_PAGE_SIZE;
        size_t pos = header_only(b, 0, 8);
        raw(b, &pos, MIG_REC_MAPPING_RUNS, 1, &body, 8 + 32 * cases[i].runs);
        int rc = read_all(b, pos, ARCH, 64, &why);
        if (rc != -HESTIA_EINVAL || !why || !strstr(why, cases[i].expect)) {
            printf("  case %u: rc %d why %s, expected \"%s\"\n", i, rc, why ? why : "-",
                   cases[i].expect);
            CHECK(0);
        }
    }
}

/* Zero records: gfns checked as in memory records, the length exactly count gfns. */
static void zero_records_checked(void)
{
    static uint8_t b[64 << 10];
    const char *why;
    uint8_t body[8 + 3 * 8];
    struct mig_memory_head mh = {.count = 2};
    uint64_t gfns[3] = {1, 8, 0};
    memcpy(body, &mh, 8);
    memcpy(body + 8, gfns, 16);
    size_t pos = header_only(b, 0, 8);
    raw(b, &pos, MIG_REC_ZERO, 1, body, 8 + 16); /* gfn 8 of 8 */
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EINVAL && why &&
          strstr(why, "gfn 8"));
    gfns[1] = 1;
    memcpy(body + 8, gfns, 16);
    pos = header_only(b, 0, 8);
    raw(b, &pos, MIG_REC_ZERO, 1, body, 8 + 16); /* gfn 1 twice in the batch */
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EINVAL && why &&
          strstr(why, "twice"));
    gfns[1] = 2;
    memcpy(body + 8, gfns, 16);
    pos = header_only(b, 0, 8);
    raw(b, &pos, MIG_REC_ZERO, 1, body, 8 + 8); /* count 2, one gfn */
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EINVAL && why &&
          strstr(why, "zero record of 16 bytes"));
    pos = header_only(b, 0, 8);
    raw(b, &pos, MIG_REC_ZERO, 1, body, 8 + 16);
    raw(b, &pos, MIG_REC_ZERO, 2, body, 8 + 16); /* the same gfns again, not live */
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EINVAL && why &&
          strstr(why, "sent twice"));
    pos = header_only(b, MIG_FLAG_LIVE, 8);
    raw(b, &pos, MIG_REC_ZERO, 1, body, 8 + 16);
    raw(b, &pos, MIG_REC_ZERO, 2, body, 8 + 16); /* live: a frame may come again */
    CHECK(read_all(b, pos, ARCH, 64, &why) == -HESTIA_EIO); /* accepted, then ends */
}

/* A version-1 or version-2 stream (16-byte headers with a CRC-32) is refused by
 * name, not misread. */
static void old_version_refused(void)
{
    for (uint32_t v = 1; v <= 2; v++) {
        static uint8_t b[256];
        struct mig_stream_header hd;
        memset(&hd, 0, sizeof(hd));
        memcpy(hd.magic, MIG_MAGIC, 4);
        hd.byte_order = MIG_BYTE_ORDER_LITTLE;
        hd.version = v;
        hd.arch = ARCH;
        uint32_t old[4] = {MIG_REC_HEADER, sizeof(hd), mig_crc32(0, &hd, sizeof(hd)), 0};
        memcpy(b, old, sizeof(old));
        memcpy(b + sizeof(old), &hd, sizeof(hd));
        const char *why;
        CHECK(read_all(b, sizeof(old) + sizeof(hd), ARCH, 64, &why) == -HESTIA_EINVAL);
        CHECK(why && strstr(why, "version 2 or older"));
    }
}

/* The save image's container header: an older dom0's image (version 1) is refused
 * in words that say what to do; a damaged, unknown or oversized one likewise. */
static void save_image_versions(void)
{
    struct save_image_header h;
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, SAVE_IMAGE_MAGIC, 8);
    h.version = SAVE_IMAGE_VERSION;
    h.stream_len = 8192;
    h.domid = 1;
    h.header_crc = save_image_header_crc(h);
    const char *why = "x";
    CHECK(save_image_header_check(&h, 8192, &why) == 0 && why == NULL);

    struct save_image_header v1 = h;
    v1.version = 1;
    v1.header_crc = save_image_header_crc(v1);
    CHECK(save_image_header_check(&v1, 8192, &why) == -HESTIA_EINVAL);
    CHECK(why && strstr(why, "image version 1") && strstr(why, "save the domain again"));

    struct save_image_header v3 = h;
    v3.version = 3;
    v3.header_crc = save_image_header_crc(v3);
    CHECK(save_image_header_check(&v3, 8192, &why) == -HESTIA_EINVAL);
    CHECK(why && strstr(why, "unknown version"));

    struct save_image_header bad = v1;
    bad.domid = 2; /* a version-1 header whose CRC no longer holds: damaged */
    CHECK(save_image_header_check(&bad, 8192, &why) == -HESTIA_EINVAL);
    CHECK(why && strstr(why, "damaged"));

    CHECK(save_image_header_check(&h, 8191, &why) == -HESTIA_EINVAL);
    CHECK(why && strstr(why, "more bytes than the disk holds"));

    struct save_image_header none = h;
    none.magic[0] = 'X';
    CHECK(save_image_header_check(&none, 8192, &why) == -HESTIA_ENOENT);
    CHECK(why && strstr(why, "no saved image"));
}

static void crc32_fast_and_stream_check(void)
{
    static uint8_t buf[70000];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)((x = x * 1103515245u + 12345u) >> 16);
    /* Every start alignment and every tail length of the 8-byte steps. */
    for (size_t off = 0; off < 8; off++)
        for (size_t n = 0; n < 80; n++)
            if (mig_crc32(7, buf + off, n) != crc_reference(7, buf + off, n)) {
                printf("  offset %zu length %zu differs\n", off, n);
                CHECK(0);
                return;
            }
    CHECK(mig_crc32(0, buf + 3, sizeof(buf) - 3) ==
          crc_reference(0, buf + 3, sizeof(buf) - 3));
    /* The writer's and the reader's whole-stream check are the CRC-32 of the record
     * headers, in order (each header carries its body's sum). */
    build(0);
    uint32_t whole = headers_crc(stream, stream_len);
    static struct mig_writer w;
    static uint8_t copy[sizeof(stream)];
    struct mig_membuf out = {copy, sizeof(copy), 0};
    mig_writer_init(&w, mig_membuf_sink(&out));
    uint64_t g[2] = {0, 1};
    CHECK(mig_write_header(&w, ARCH, 2, 1, 0) == 0 && mig_write_memory(&w, g, buf, 2) == 0);
    CHECK(w.stream_crc == headers_crc(copy, out.pos) && w.bytes == out.pos);
    struct mig_membuf m = {stream, stream_len, 0};
    static struct mig_reader r;
    mig_reader_init(&r, mig_membuf_source(&m), ARCH, 1024, seen);
    struct mig_record rec;
    while (mig_read_next(&r, &rec) == 1) {
    }
    CHECK(r.error == NULL && r.bytes == stream_len && r.stream_crc == whole);
}

/*
 * Stream version 4's mappings reset (live streams): the space's order starts
 * again; refused in a saved stream, for a space with nothing sent, beyond
 * the spaces or with pad set.  The writer's record reads back.
 */
static int with_reset(uint32_t flags, uint32_t first_space, struct mig_mappings_reset mr,
                      uint64_t again_va, const char **why)
{
    static uint8_t b[16 << 10];
    size_t pos = header_only(b, flags, 8);
    struct mig_mapping m = {0x2000, 1, 3, MIG_MAPPING_OWN};
    uint8_t body[8 + sizeof(m)];
    struct mig_mappings_head mh = {first_space, 1};
    memcpy(body, &mh, sizeof(mh));
    memcpy(body + 8, &m, sizeof(m));
    raw(b, &pos, MIG_REC_MAPPINGS, 1, body, sizeof(body));
    raw(b, &pos, MIG_REC_MAPPINGS_RESET, 2, &mr, sizeof(mr));
    m.va = again_va; /* below the first: accepted only after the reset */
    mh.space = mr.space;
    memcpy(body, &mh, sizeof(mh));
    memcpy(body + 8, &m, sizeof(m));
    raw(b, &pos, MIG_REC_MAPPINGS, 3, body, sizeof(body));
    int rc = read_all(b, pos, ARCH, 64, why);
    return rc == -HESTIA_EIO ? 0 : rc; /* EIO: accepted, then the stream ended */
}

static void mappings_reset_checked(void)
{
    const char *why;
    struct mig_mappings_reset ok = {0, 0};
    CHECK(with_reset(MIG_FLAG_LIVE, 0, ok, 0x1000, &why) == 0);
    CHECK(with_reset(0, 0, ok, 0x1000, &why) == -HESTIA_EINVAL && strstr(why, "not live"));
    struct mig_mappings_reset other = {5, 0}; /* space 5 had nothing sent */
    CHECK(with_reset(MIG_FLAG_LIVE, 0, other, 0x1000, &why) == -HESTIA_EINVAL &&
          strstr(why, "none were sent"));
    CHECK(with_reset(MIG_FLAG_LIVE, 5, other, 0x1000, &why) == 0);
    struct mig_mappings_reset beyond = {MIG_MAX_SPACES, 0}, padded = {0, 1};
    CHECK(with_reset(MIG_FLAG_LIVE, 0, beyond, 0x1000, &why) == -HESTIA_EINVAL &&
          strstr(why, "space 65"));
    CHECK(with_reset(MIG_FLAG_LIVE, 0, padded, 0x1000, &why) == -HESTIA_EINVAL &&
          strstr(why, "pad"));
    /* The writer's record, then the order of space 0 from va 0 again. */
    static uint8_t b[16 << 10];
    struct mig_membuf mb = {b, sizeof(b), 0};
    struct mig_writer w;
    mig_writer_init(&w, mig_membuf_sink(&mb));
    struct mig_mapping m = {0x3000, 2, 3, MIG_MAPPING_OWN};
    CHECK(mig_write_header(&w, ARCH, 8, 1, MIG_FLAG_LIVE) == 0);
    CHECK(mig_write_mappings(&w, 0, &m, 1) == 0);
    CHECK(mig_write_mappings_reset(&w, 0) == 0);
    m.va = 0x1000;
    CHECK(mig_write_mappings(&w, 0, &m, 1) == 0);
    struct mig_membuf src = {b, mb.pos, 0};
    static struct mig_reader r;
    mig_reader_init(&r, mig_membuf_source(&src), ARCH, 64, seen);
    struct mig_record rec;
    CHECK(mig_read_next(&r, &rec) == 1 && rec.type == MIG_REC_HEADER);
    CHECK(mig_read_next(&r, &rec) == 1 && rec.type == MIG_REC_MAPPINGS);
    CHECK(mig_read_next(&r, &rec) == 1 && rec.type == MIG_REC_MAPPINGS_RESET &&
          rec.space == 0);
    CHECK(mig_read_next(&r, &rec) == 1 && rec.type == MIG_REC_MAPPINGS &&
          rec.mappings[0].va == 0x1000);
}

int main(void)
{
    run("crc32_fast_and_stream_check", crc32_fast_and_stream_check);
    run("record_sum", record_sum);
    run("old_version_refused", old_version_refused);
    run("save_image_versions", save_image_versions);
    run("zero_records_checked", zero_records_checked);
    run("mapping_runs_checked", mapping_runs_checked);
    run("round_trip", round_trip);
    run("truncated_everywhere", truncated_everywhere);
    run("bad_checksum", bad_checksum);
    run("wrong_arch_and_oversized", wrong_arch_and_oversized);
    run("duplicates_and_order", duplicates_and_order);
    run("end_checks_totals", end_checks_totals);
    run("mappings_checked", mappings_checked);
    run("mappings_reset_checked", mappings_reset_checked);
    run("domain_state_checked", domain_state_checked);
    return failed_cases != 0;
}
