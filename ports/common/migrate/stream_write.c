/* SPDX-License-Identifier: MIT */
/* The stream writer (docs/migration.md): records out to an abstract sink. */
#include <hestia/abi.h>
#include <hestia/errno.h>
#include <port/migstream.h>

void mig_writer_init(struct mig_writer *w, struct mig_sink sink)
{
    __builtin_memset(w, 0, sizeof(*w));
    w->sink = sink;
}

/* The bookkeeping after a record went out whole. */
static void record_written(struct mig_writer *w, const struct mig_rec_hdr *h)
{
    w->seq++;
    w->bytes += sizeof(*h) + h->len;
    /* The whole stream's check without a second pass over the body: each header
     * carries its body's sum, so a CRC of the headers covers every byte. */
    w->stream_crc = mig_crc32(w->stream_crc, h, sizeof(*h));
}

/* One record whose body is the concatenation of up to three pieces. */
static int put_record(struct mig_writer *w, uint32_t type, const void *a, size_t alen,
                      const void *b, size_t blen, const void *c, size_t clen)
{
    size_t len = alen + blen + clen;
    if (len > MIG_BODY_MAX)
        return -HESTIA_E2BIG;
    struct mig_rec_hdr h = {.type = type, .len = (uint32_t)len, .seq = w->seq};
    struct mig_sum sum;
    mig_sum_init(&sum);
    mig_sum_update(&sum, a, alen);
    mig_sum_update(&sum, b, blen);
    mig_sum_update(&sum, c, clen);
    mig_sum_final(&sum, h.sum);
    int rc = w->sink.write(w->sink.ctx, &h, sizeof(h));
    if (!rc && alen)
        rc = w->sink.write(w->sink.ctx, a, alen);
    if (!rc && blen)
        rc = w->sink.write(w->sink.ctx, b, blen);
    if (!rc && clen)
        rc = w->sink.write(w->sink.ctx, c, clen);
    if (rc)
        return rc;
    record_written(w, &h);
    return 0;
}

int mig_write_header(struct mig_writer *w, uint32_t arch, uint64_t nr_pages,
                     uint32_t nr_vcpus, uint32_t flags)
{
    struct mig_stream_header h;
    __builtin_memset(&h, 0, sizeof(h));
    __builtin_memcpy(h.magic, MIG_MAGIC, 4);
    h.byte_order =
        __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? MIG_BYTE_ORDER_BIG : MIG_BYTE_ORDER_LITTLE;
    h.version = MIG_VERSION;
    h.arch = arch;
    h.page_size = HESTIA_PAGE_SIZE;
    h.abi_version = HESTIA_ABI_VERSION;
    h.nr_pages = nr_pages;
    h.nr_vcpus = nr_vcpus;
    h.flags = flags;
    return put_record(w, MIG_REC_HEADER, &h, sizeof(h), NULL, 0, NULL, 0);
}

int mig_write_memory(struct mig_writer *w, const uint64_t *gfns, const void *data,
                     uint32_t count)
{
    if (count == 0 || count > MIG_MEM_BATCH_MAX)
        return -HESTIA_EINVAL;
    struct mig_memory_head mh = {.count = count};
    int rc = put_record(w, MIG_REC_MEMORY, &mh, sizeof(mh), gfns, (size_t)count * 8, data,
                        (size_t)count * HESTIA_PAGE_SIZE);
    if (!rc)
        w->pages += count;
    return rc;
}

static bool frame_is_zero(const uint8_t *frame)
{
    const uint64_t *q = (const void *)frame;
    uint64_t any = 0;
    for (unsigned i = 0; i < HESTIA_PAGE_SIZE / 8; i += 4) {
        any |= q[i] | q[i + 1] | q[i + 2] | q[i + 3];
        if (any)
            return false; /* most data frames differ early */
    }
    return true;
}

static int write_zero(struct mig_writer *w, const uint64_t *gfns, uint32_t count)
{
    struct mig_memory_head mh = {.count = count};
    int rc = put_record(w, MIG_REC_ZERO, &mh, sizeof(mh), gfns, (size_t)count * 8, NULL, 0);
    if (!rc)
        w->pages += count;
    return rc;
}

int mig_write_frames(struct mig_writer *w, const uint64_t *gfns, const void *data,
                     uint32_t count)
{
    if (count == 0 || count > MIG_MEM_BATCH_MAX)
        return -HESTIA_EINVAL;
    const uint8_t *frames = data;
    uint32_t start = 0;
    bool zero = frame_is_zero(frames);
    for (uint32_t i = 1; i <= count; i++) {
        bool next = i < count && frame_is_zero(frames + (size_t)i * HESTIA_PAGE_SIZE);
        if (i < count && next == zero)
            continue;
        int rc =
            zero ? write_zero(w, gfns + start, i - start)
                 : mig_write_memory(w, gfns + start,
                                    frames + (size_t)start * HESTIA_PAGE_SIZE, i - start);
        if (rc)
            return rc;
        start = i;
        zero = next;
    }
    return 0;
}

int mig_write_vcpu(struct mig_writer *w, uint32_t vcpu, const void *state, uint32_t size)
{
    if (size > MIG_VCPU_STATE_MAX)
        return -HESTIA_E2BIG;
    struct mig_vcpu_head vh = {.vcpu = vcpu, .size = size};
    int rc = put_record(w, MIG_REC_VCPU, &vh, sizeof(vh), state, size, NULL, 0);
    if (!rc)
        w->vcpus++;
    return rc;
}

int mig_write_domain(struct mig_writer *w, const struct mig_domain_state *ds)
{
    return put_record(w, MIG_REC_DOMAIN, ds, sizeof(*ds), NULL, 0, NULL, 0);
}

/* The run of mappings that starts at m[i]: each next page's va and gfn one page on. */
static struct mig_mapping_run run_at(const struct mig_mapping *m, uint32_t i,
                                     uint32_t count)
{
    struct mig_mapping_run run = {
        .va = m[i].va, .gfn = m[i].gfn, .perms = m[i].perms, .kind = m[i].kind, .pages = 1};
    bool fixed_gfn = m[i].gfn == ~(uint64_t)0;
    for (uint32_t j = i + 1; j < count; j++, run.pages++) {
        const struct mig_mapping *p = &m[j - 1], *e = &m[j];
        if (e->va != p->va + HESTIA_PAGE_SIZE || e->perms != p->perms ||
            e->kind != p->kind || e->gfn != (fixed_gfn ? p->gfn : p->gfn + 1) ||
            (!fixed_gfn && e->gfn == ~(uint64_t)0))
            break;
    }
    return run;
}

int mig_write_mappings(struct mig_writer *w, uint32_t space, const struct mig_mapping *m,
                       uint32_t count)
{
    if (count == 0 || count > MIG_MAPPINGS_MAX)
        return -HESTIA_EINVAL;
    struct mig_mappings_head mh = {.space = space, .count = 0};
    for (uint32_t i = 0; i < count; i += run_at(m, i, count).pages)
        mh.count++;
    if (mh.count * sizeof(struct mig_mapping_run) >= count * sizeof(*m)) {
        mh.count = count; /* no shorter as runs: the plain list */
        return put_record(w, MIG_REC_MAPPINGS, &mh, sizeof(mh), m,
                          (size_t)count * sizeof(*m), NULL, 0);
    }
    /* Runs: summed in one pass, written in a second (no buffer for them). */
    uint32_t len = (uint32_t)(sizeof(mh) + mh.count * sizeof(struct mig_mapping_run));
    struct mig_rec_hdr h = {.type = MIG_REC_MAPPING_RUNS, .len = len, .seq = w->seq};
    struct mig_sum sum;
    mig_sum_init(&sum);
    mig_sum_update(&sum, &mh, sizeof(mh));
    for (uint32_t i = 0; i < count;) {
        struct mig_mapping_run run = run_at(m, i, count);
        mig_sum_update(&sum, &run, sizeof(run));
        i += run.pages;
    }
    mig_sum_final(&sum, h.sum);
    int rc = w->sink.write(w->sink.ctx, &h, sizeof(h));
    if (!rc)
        rc = w->sink.write(w->sink.ctx, &mh, sizeof(mh));
    for (uint32_t i = 0; !rc && i < count;) {
        struct mig_mapping_run run = run_at(m, i, count);
        rc = w->sink.write(w->sink.ctx, &run, sizeof(run));
        i += run.pages;
    }
    if (rc)
        return rc;
    record_written(w, &h);
    return 0;
}

int mig_write_mappings_reset(struct mig_writer *w, uint32_t space)
{
    struct mig_mappings_reset mr = {.space = space};
    return put_record(w, MIG_REC_MAPPINGS_RESET, &mr, sizeof(mr), NULL, 0, NULL, 0);
}

int mig_write_domain_state(struct mig_writer *w, const void *state, uint32_t size)
{
    if (size < sizeof(struct hestia_domain_state) || size > DOMAIN_STATE_MAX_SIZE)
        return -HESTIA_EINVAL;
    return put_record(w, MIG_REC_DOMAIN_STATE, state, size, NULL, 0, NULL, 0);
}

int mig_write_end(struct mig_writer *w)
{
    struct mig_end e = {.pages = w->pages, .vcpus = w->vcpus, .records = w->seq};
    return put_record(w, MIG_REC_END, &e, sizeof(e), NULL, 0, NULL, 0);
}

static int membuf_write(void *ctx, const void *buf, size_t len)
{
    struct mig_membuf *m = ctx;
    if (len > m->size - m->pos)
        return -HESTIA_ENOSPC;
    __builtin_memcpy(m->buf + m->pos, buf, len);
    m->pos += len;
    return 0;
}

static int membuf_read(void *ctx, void *buf, size_t len)
{
    struct mig_membuf *m = ctx;
    if (len > m->size - m->pos)
        return -HESTIA_EIO; /* truncated */
    __builtin_memcpy(buf, m->buf + m->pos, len);
    m->pos += len;
    return 0;
}

struct mig_sink mig_membuf_sink(struct mig_membuf *m)
{
    return (struct mig_sink){.write = membuf_write, .ctx = m};
}

struct mig_source mig_membuf_source(struct mig_membuf *m)
{
    return (struct mig_source){.read = membuf_read, .ctx = m};
}
