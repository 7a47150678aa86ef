/* SPDX-License-Identifier: MIT */
/*
 * The stream reader (docs/migration.md).  A stream is untrusted input: each
 * record's length is checked against its type before the body is read, the
 * body's sum (mig_sum) and every field after, and only a record that passed all of it
 * is handed to the caller.  The reader keeps what it needs to check the
 * stream as a whole (order, repeated gfns and vCPUs, the end record's
 * totals), so a restore can refuse before anything of the domain runs.
 */
#include <hestia/abi.h>
#include <hestia/domctl.h>
#include <hestia/errno.h>
#include <hestia/mmu.h>
#include <hestia/vcpu_state.h>
#include <port/lib.h>
#include <port/migstream.h>

void mig_reader_init(struct mig_reader *r, struct mig_source src, uint32_t want_arch,
                     uint64_t max_pages, uint8_t *seen)
{
    __builtin_memset(r, 0, sizeof(*r));
    r->src = src;
    r->want_arch = want_arch;
    r->max_pages = max_pages > MIG_MAX_PAGES ? MIG_MAX_PAGES : max_pages;
    r->seen = seen;
}

/* Refuse: remember why (record number and words) and return err. */
static int refuse(struct mig_reader *r, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int refuse(struct mig_reader *r, int err, const char *fmt, ...)
{
    static char msg[128];
    int n = ksnprintf(msg, sizeof(msg), "record %u: ", r->seq);
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
    va_end(ap);
    r->error = msg;
    return err;
}

/* Body length bounds of each record type: [min, max]. */
static bool len_ok(uint32_t type, uint32_t len)
{
    switch (type) {
    case MIG_REC_HEADER:
        return len == sizeof(struct mig_stream_header);
    case MIG_REC_MEMORY:
        return len >= sizeof(struct mig_memory_head) + 8 + HESTIA_PAGE_SIZE &&
               len <= MIG_BODY_MAX;
    case MIG_REC_ZERO:
        return len >= sizeof(struct mig_memory_head) + 8 &&
               len <= sizeof(struct mig_memory_head) + 8 * MIG_MEM_BATCH_MAX;
    case MIG_REC_VCPU:
        return len >=
                   sizeof(struct mig_vcpu_head) + sizeof(struct hestia_vcpu_state_header) &&
               len <= sizeof(struct mig_vcpu_head) + MIG_VCPU_STATE_MAX;
    case MIG_REC_DOMAIN:
        return len == sizeof(struct mig_domain_state);
    case MIG_REC_END:
        return len == sizeof(struct mig_end);
    case MIG_REC_DOMAIN_STATE:
        return len >= sizeof(struct hestia_domain_state) && len <= DOMAIN_STATE_MAX_SIZE;
    case MIG_REC_MAPPING_RUNS:
        return len >= sizeof(struct mig_mappings_head) + sizeof(struct mig_mapping_run) &&
               len <= sizeof(struct mig_mappings_head) +
                          MIG_MAPPINGS_MAX * sizeof(struct mig_mapping_run);
    case MIG_REC_MAPPINGS_RESET:
        return len == sizeof(struct mig_mappings_reset);
    case MIG_REC_MAPPINGS:
        return len >= sizeof(struct mig_mappings_head) + sizeof(struct mig_mapping) &&
               len <= sizeof(struct mig_mappings_head) +
                          MIG_MAPPINGS_MAX * sizeof(struct mig_mapping);
    default:
        return false;
    }
}

static int check_header(struct mig_reader *r, const struct mig_stream_header *h)
{
    uint8_t order =
        __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? MIG_BYTE_ORDER_BIG : MIG_BYTE_ORDER_LITTLE;
    if (__builtin_memcmp(h->magic, MIG_MAGIC, 4))
        return refuse(r, -HESTIA_EINVAL, "not a Hestia stream (bad magic)");
    if (h->byte_order != order)
        return refuse(r, -HESTIA_EINVAL, "written with the other byte order (%u)",
                      h->byte_order);
    if (h->version != MIG_VERSION)
        return refuse(r, -HESTIA_EINVAL, "stream version %u, this reader knows %u",
                      h->version, MIG_VERSION);
    if (h->arch != r->want_arch)
        return refuse(r, -HESTIA_EINVAL, "saved on arch %u, this is arch %u", h->arch,
                      r->want_arch);
    if (h->page_size != HESTIA_PAGE_SIZE)
        return refuse(r, -HESTIA_EINVAL, "page size %u, expected %u", h->page_size,
                      HESTIA_PAGE_SIZE);
    if (h->abi_version != HESTIA_ABI_VERSION)
        return refuse(r, -HESTIA_EINVAL, "ABI version %u, this hypervisor has %u",
                      h->abi_version, HESTIA_ABI_VERSION);
    if (h->nr_pages == 0 || h->nr_pages > r->max_pages)
        return refuse(r, -HESTIA_E2BIG, "domain of %llu frames, at most %llu accepted",
                      (unsigned long long)h->nr_pages, (unsigned long long)r->max_pages);
    if (h->nr_vcpus == 0 || h->nr_vcpus > MIG_MAX_VCPUS)
        return refuse(r, -HESTIA_EINVAL, "%u vCPUs (1..%u)", h->nr_vcpus, MIG_MAX_VCPUS);
    if (h->flags & ~(uint32_t)MIG_FLAG_LIVE || h->pad0[0] || h->pad0[1] || h->pad0[2])
        return refuse(r, -HESTIA_EINVAL, "unknown flags 0x%x", h->flags);
    __builtin_memset(r->seen, 0, mig_seen_bytes(h->nr_pages));
    r->hdr = *h;
    r->have_header = true;
    return 0;
}

/* A memory record (frames carried) or a zero record (gfns only: all-zero frames). */
static int check_memory(struct mig_reader *r, const uint8_t *body, uint32_t len,
                        struct mig_record *rec, bool zero)
{
    const struct mig_memory_head *mh = (const void *)body;
    if (mh->pad || mh->count == 0 || mh->count > MIG_MEM_BATCH_MAX)
        return refuse(r, -HESTIA_EINVAL, "memory batch of %u frames (1..%u)", mh->count,
                      MIG_MEM_BATCH_MAX);
    if (len != sizeof(*mh) + (uint64_t)mh->count * (8 + (zero ? 0 : HESTIA_PAGE_SIZE)))
        return refuse(r, -HESTIA_EINVAL, "%s record of %u bytes does not hold %u frames",
                      zero ? "zero" : "memory", len, mh->count);
    const uint64_t *gfns = (const void *)(body + sizeof(*mh));
    bool live = r->hdr.flags & MIG_FLAG_LIVE;
    /* All gfns checked before any is marked: a refused batch leaves no trace. */
    for (uint32_t i = 0; i < mh->count; i++) {
        uint64_t g = gfns[i];
        if (g >= r->hdr.nr_pages)
            return refuse(r, -HESTIA_EINVAL, "gfn %llu beyond the domain's %llu frames",
                          (unsigned long long)g, (unsigned long long)r->hdr.nr_pages);
        for (uint32_t j = 0; j < i; j++)
            if (gfns[j] == g)
                return refuse(r, -HESTIA_EINVAL, "gfn %llu twice in one batch",
                              (unsigned long long)g);
        if (!live && (r->seen[g / 8] & (1u << (g % 8))))
            return refuse(r, -HESTIA_EINVAL, "gfn %llu sent twice", (unsigned long long)g);
    }
    for (uint32_t i = 0; i < mh->count; i++) {
        uint64_t g = gfns[i];
        if (!(r->seen[g / 8] & (1u << (g % 8))))
            r->distinct_pages++;
        r->seen[g / 8] |= (uint8_t)(1u << (g % 8));
    }
    r->pages += mh->count;
    rec->count = mh->count;
    rec->gfns = gfns;
    rec->frames = zero ? NULL : body + sizeof(*mh) + (size_t)mh->count * 8;
    return 0;
}

static int check_vcpu(struct mig_reader *r, const uint8_t *body, uint32_t len,
                      struct mig_record *rec)
{
    const struct mig_vcpu_head *vh = (const void *)body;
    const struct hestia_vcpu_state_header *s = (const void *)(body + sizeof(*vh));
    if (vh->vcpu >= r->hdr.nr_vcpus)
        return refuse(r, -HESTIA_EINVAL, "vCPU %u of a domain with %u", vh->vcpu,
                      r->hdr.nr_vcpus);
    if (r->vcpu_seen & (1ull << vh->vcpu))
        return refuse(r, -HESTIA_EINVAL, "vCPU %u sent twice", vh->vcpu);
    if (vh->size != len - sizeof(*vh) || s->size != vh->size)
        return refuse(r, -HESTIA_EINVAL, "vCPU state of %u bytes in a record of %u",
                      s->size, len);
    if (s->magic != HESTIA_VCPU_STATE_MAGIC || s->version != HESTIA_VCPU_STATE_VERSION ||
        s->arch != r->hdr.arch || s->flags || s->reserved[0] || s->reserved[1])
        return refuse(r, -HESTIA_EINVAL, "vCPU state header (magic, version %u, arch %u)",
                      s->version, s->arch);
    r->vcpu_seen |= 1ull << vh->vcpu;
    r->vcpus++;
    rec->vcpu = vh->vcpu;
    rec->vcpu_state = s;
    rec->vcpu_size = vh->size;
    return 0;
}

/* count mappings of one space, m[], in order; handed out in rec if all are good. */
static int check_mapping_list(struct mig_reader *r, uint32_t space,
                              const struct mig_mapping *m, uint32_t count,
                              struct mig_record *rec)
{
    uint64_t next = r->next_va[space];
    for (uint32_t i = 0; i < count; i++) {
        const struct mig_mapping *e = &m[i];
        if (e->va % HESTIA_PAGE_SIZE || e->va < next)
            return refuse(r, -HESTIA_EINVAL,
                          "space %u: va 0x%llx unaligned or not above the previous mapping",
                          space, (unsigned long long)e->va);
        if (!e->perms || e->perms & ~(uint32_t)MMU_PERM_ALL ||
            e->kind > MIG_MAPPING_FOREIGN)
            return refuse(r, -HESTIA_EINVAL, "space %u: va 0x%llx: perms 0x%x kind %u",
                          space, (unsigned long long)e->va, e->perms, e->kind);
        if (e->kind == MIG_MAPPING_OWN ? e->gfn >= r->hdr.nr_pages : e->gfn != ~(uint64_t)0)
            return refuse(r, -HESTIA_EINVAL, "space %u: va 0x%llx: gfn %llu for kind %u",
                          space, (unsigned long long)e->va, (unsigned long long)e->gfn,
                          e->kind);
        /* The top page ends the space: nothing may follow it. */
        next = e->va + HESTIA_PAGE_SIZE;
        if (next == 0)
            next = ~(uint64_t)0;
    }
    r->next_va[space] = next;
    rec->type = MIG_REC_MAPPINGS;
    rec->space = space;
    rec->count = count;
    rec->mappings = m;
    return 0;
}

static int check_mappings(struct mig_reader *r, const uint8_t *body, uint32_t len,
                          struct mig_record *rec)
{
    const struct mig_mappings_head *mh = (const void *)body;
    const struct mig_mapping *m = (const void *)(body + sizeof(*mh));
    if (mh->space >= MIG_MAX_SPACES)
        return refuse(r, -HESTIA_EINVAL, "address space %u (0..%u)", mh->space,
                      MIG_MAX_SPACES - 1);
    if (mh->count == 0 || len != sizeof(*mh) + (uint64_t)mh->count * sizeof(*m))
        return refuse(r, -HESTIA_EINVAL, "mappings record of %u bytes does not hold %u",
                      len, mh->count);
    return check_mapping_list(r, mh->space, m, mh->count, rec);
}

/*
 * Runs expanded (at most MIG_MAPPINGS_MAX pages) into the reader's body buffer after the
 * runs (8 KiB of runs and 6 KiB of list fit in MIG_BODY_MAX: no memory of their own, which
 * every guest image would carry), then checked as a list.
 */
_Static_assert(sizeof(struct mig_mappings_head) +
                       MIG_MAPPINGS_MAX *
                           (sizeof(struct mig_mapping_run) + sizeof(struct mig_mapping)) +
                       8 <=
                   MIG_BODY_MAX,
               "a runs record and its list fit the body buffer");
static int check_mapping_runs(struct mig_reader *r, const uint8_t *body, uint32_t len,
                              struct mig_record *rec)
{
    const struct mig_mappings_head *mh = (const void *)body;
    const struct mig_mapping_run *run = (const void *)(body + sizeof(*mh));
    if (mh->space >= MIG_MAX_SPACES)
        return refuse(r, -HESTIA_EINVAL, "address space %u (0..%u)", mh->space,
                      MIG_MAX_SPACES - 1);
    if (mh->count == 0 || len != sizeof(*mh) + (uint64_t)mh->count * sizeof(*run))
        return refuse(r, -HESTIA_EINVAL, "mapping-runs record of %u bytes does not hold %u",
                      len, mh->count);
    struct mig_mapping *expanded =
        (struct mig_mapping *)(void *)((uint8_t *)r->body_words + ((len + 7) & ~7u));
    uint32_t total = 0;
    for (uint32_t i = 0; i < mh->count; i++) {
        const struct mig_mapping_run *e = &run[i];
        if (e->pad || e->pages == 0 || e->pages > MIG_MAPPINGS_MAX - total)
            return refuse(r, -HESTIA_EINVAL,
                          "space %u: a run of %u pages (1..%u left in this record)",
                          mh->space, e->pages, MIG_MAPPINGS_MAX - total);
        for (uint32_t k = 0; k < e->pages; k++)
            expanded[total++] = (struct mig_mapping){
                .va = e->va + (uint64_t)k * HESTIA_PAGE_SIZE,
                .gfn = e->gfn == ~(uint64_t)0 ? e->gfn : e->gfn + k,
                .perms = e->perms,
                .kind = e->kind,
            };
    }
    /* Wrapped vas or gfns fail the list's checks (order, gfn below nr_pages). */
    return check_mapping_list(r, mh->space, expanded, total, rec);
}

/* One port record of a domain-state record: 0 or a refusal. */
static int check_port(struct mig_reader *r, const struct domain_state_port *p,
                      uint32_t last, uint32_t virq_seen[])
{
    if (p->port <= last || p->port >= EVTCHN_MAX_PORTS || p->pad)
        return refuse(r, -HESTIA_EINVAL, "domain state: port %u out of range or order",
                      p->port);
    if (p->vcpu >= r->hdr.nr_vcpus || p->vcpu >= HESTIA_MAX_VCPUS)
        return refuse(r, -HESTIA_EINVAL, "domain state: port %u notifies vCPU %u", p->port,
                      p->vcpu);
    if (p->state != EVTCHNSTAT_interdomain && (p->remote_dom || p->remote_port))
        return refuse(r, -HESTIA_EINVAL, "domain state: port %u: a peer for state %u",
                      p->port, p->state);
    bool ok;
    switch (p->state) {
    case EVTCHNSTAT_unbound:
        ok = p->arg < HESTIA_MAX_DOMAINS || p->arg == DOMID_INVALID;
        break;
    case EVTCHNSTAT_virq:
        ok = p->arg < VIRQ_COUNT && !(virq_seen[p->vcpu] & (1u << p->arg));
        if (ok)
            virq_seen[p->vcpu] |= 1u << p->arg;
        break;
    case EVTCHNSTAT_interdomain:
    case EVTCHNSTAT_ipi:
        ok = p->arg == 0;
        break;
    default:
        ok = false;
    }
    if (!ok)
        return refuse(r, -HESTIA_EINVAL, "domain state: port %u: state %u arg %u", p->port,
                      p->state, p->arg);
    return 0;
}

/*
 * The domain-state record: its own header and every port record.  The
 * hypervisor checks it all again (DOMCTL_set_domain_state); checking here
 * too lets a restore refuse before it creates anything, with words.
 */
static int check_domain_state(struct mig_reader *r, const uint8_t *body, uint32_t len,
                              struct mig_record *rec)
{
    const struct hestia_domain_state *s = (const void *)body;
    if (r->have_domain_state)
        return refuse(r, -HESTIA_EINVAL, "a second domain-state record");
    if (s->magic != DOMAIN_STATE_MAGIC || s->version != DOMAIN_STATE_VERSION)
        return refuse(r, -HESTIA_EINVAL, "domain state: magic 0x%x version %u", s->magic,
                      s->version);
    if (s->size != len || s->nr_ports >= EVTCHN_MAX_PORTS ||
        len != sizeof(*s) + (uint64_t)s->nr_ports * sizeof(struct domain_state_port))
        return refuse(r, -HESTIA_EINVAL, "domain state of %u bytes with %u ports in %u",
                      s->size, s->nr_ports, len);
    if (s->nr_vcpus != r->hdr.nr_vcpus || s->reserved[0] || s->reserved[1] ||
        s->weight == 0 || s->weight > 65535)
        return refuse(r, -HESTIA_EINVAL, "domain state: %u vCPUs, weight %u", s->nr_vcpus,
                      s->weight);
    if (s->nr_grant_frames > GRANT_MAX_TABLE_FRAMES)
        return refuse(r, -HESTIA_EINVAL, "domain state: %u grant-table frames",
                      s->nr_grant_frames);
    for (uint32_t i = 0; i < s->nr_grant_frames; i++)
        for (uint32_t k = 0; k <= i; k++)
            if (s->grant_frames[i] >= r->hdr.nr_pages ||
                (k < i && s->grant_frames[k] == s->grant_frames[i]))
                return refuse(r, -HESTIA_EINVAL, "domain state: grant-table gfn %llu",
                              (unsigned long long)s->grant_frames[i]);
    for (uint32_t i = 0; i < HESTIA_MAX_VCPUS; i++)
        if (s->vcpu[i].reserved || s->vcpu[i].user_space >= MIG_MAX_SPACES)
            return refuse(r, -HESTIA_EINVAL, "domain state: vCPU %u's record", i);
    const struct domain_state_port *p = (const void *)(s + 1);
    uint32_t virq_seen[HESTIA_MAX_VCPUS] = {0};
    for (uint32_t i = 0; i < s->nr_ports; i++) {
        int rc = check_port(r, &p[i], i ? p[i - 1].port : 0, virq_seen);
        if (rc)
            return rc;
    }
    r->have_domain_state = true;
    rec->domain_state = s;
    return 0;
}

/* A live stream's mappings reset: the space's mappings start again from va 0. */
static int check_mappings_reset(struct mig_reader *r, const struct mig_mappings_reset *mr,
                                struct mig_record *rec)
{
    if (!(r->hdr.flags & MIG_FLAG_LIVE))
        return refuse(r, -HESTIA_EINVAL, "a mappings reset in a stream that is not live");
    if (mr->space >= MIG_MAX_SPACES || mr->pad)
        return refuse(r, -HESTIA_EINVAL, "mappings reset of space %u (0..%u), pad 0x%x",
                      mr->space, MIG_MAX_SPACES - 1, mr->pad);
    if (r->next_va[mr->space] == 0)
        return refuse(r, -HESTIA_EINVAL, "mappings reset of space %u: none were sent",
                      mr->space);
    r->next_va[mr->space] = 0;
    rec->space = mr->space;
    return 0;
}

static int check_end(struct mig_reader *r, const struct mig_end *e)
{
    if (!r->have_domain)
        return refuse(r, -HESTIA_EINVAL, "no domain record before the end");
    if (!r->have_domain_state)
        return refuse(r, -HESTIA_EINVAL, "no domain-state record before the end");
    if (e->pages != r->pages || e->vcpus != r->vcpus || e->records != r->seq)
        return refuse(r, -HESTIA_EINVAL,
                      "end says %llu frames, %u vCPUs, %u records; read %llu, %u, %u",
                      (unsigned long long)e->pages, e->vcpus, e->records,
                      (unsigned long long)r->pages, r->vcpus, r->seq);
    if (r->distinct_pages != r->hdr.nr_pages)
        return refuse(r, -HESTIA_EINVAL, "%llu of the domain's %llu frames missing",
                      (unsigned long long)(r->hdr.nr_pages - r->distinct_pages),
                      (unsigned long long)r->hdr.nr_pages);
    if (!(r->vcpu_seen & 1))
        return refuse(r, -HESTIA_EINVAL, "no state for vCPU 0");
    r->ended = true;
    return 0;
}

int mig_read_next(struct mig_reader *r, struct mig_record *rec)
{
    if (r->ended)
        return 0;
    __builtin_memset(rec, 0, sizeof(*rec));
    struct mig_rec_hdr h;
    int rc = r->src.read(r->src.ctx, &h, sizeof(h));
    if (rc)
        return refuse(r, rc, "stream ends or fails (%d) before the record header", rc);
    if (!r->have_header && h.seq != 0 && h.type == MIG_REC_HEADER &&
        !__builtin_memcmp(&h.sum[0], MIG_MAGIC, 4))
        return refuse(r, -HESTIA_EINVAL,
                      "a stream of version 2 or older (16-byte record headers, CRC-32); "
                      "this reader knows version %u",
                      MIG_VERSION);
    if (h.seq != r->seq)
        return refuse(r, -HESTIA_EINVAL, "sequence number %u, expected %u", h.seq, r->seq);
    if (h.pad)
        return refuse(r, -HESTIA_EINVAL, "record header pad 0x%x, must be 0", h.pad);
    if (!len_ok(h.type, h.len))
        return refuse(r, h.len > MIG_BODY_MAX ? -HESTIA_E2BIG : -HESTIA_EINVAL,
                      "type %u with a body of %u bytes", h.type, h.len);
    if (!r->have_header && h.type != MIG_REC_HEADER)
        return refuse(r, -HESTIA_EINVAL, "type %u before the stream header", h.type);
    if (r->have_header && h.type == MIG_REC_HEADER)
        return refuse(r, -HESTIA_EINVAL, "a second stream header");
    uint8_t *body = (uint8_t *)r->body_words;
    rc = r->src.read(r->src.ctx, body, h.len);
    if (rc)
        return refuse(r, rc, "stream ends or fails (%d) inside a %u-byte body", rc, h.len);
    uint64_t sum[2];
    mig_sum(body, h.len, sum);
    if (sum[0] != h.sum[0] || sum[1] != h.sum[1])
        return refuse(r, -HESTIA_EINVAL, "checksum mismatch (type %u)", h.type);
    r->bytes += sizeof(h) + h.len;
    r->stream_crc = mig_crc32(r->stream_crc, &h, sizeof(h));
    rec->type = h.type;
    rec->len = h.len;
    rec->body = body;
    switch (h.type) {
    case MIG_REC_HEADER:
        rc = check_header(r, (const void *)body);
        rec->header = &r->hdr;
        break;
    case MIG_REC_MEMORY:
        rc = check_memory(r, body, h.len, rec, false);
        break;
    case MIG_REC_ZERO:
        rc = check_memory(r, body, h.len, rec, true);
        break;
    case MIG_REC_VCPU:
        rc = check_vcpu(r, body, h.len, rec);
        break;
    case MIG_REC_DOMAIN: {
        const struct mig_domain_state *ds = (const void *)body;
        if (r->have_domain)
            return refuse(r, -HESTIA_EINVAL, "a second domain record");
        if (ds->weight == 0 || ds->weight > 65535 || ds->reserved[0] || ds->reserved[1])
            return refuse(r, -HESTIA_EINVAL, "domain record: weight %u", ds->weight);
        r->have_domain = true;
        rec->domain = ds;
        break;
    }
    case MIG_REC_MAPPINGS:
        rc = check_mappings(r, body, h.len, rec);
        break;
    case MIG_REC_MAPPING_RUNS:
        rc = check_mapping_runs(r, body, h.len, rec);
        break;
    case MIG_REC_DOMAIN_STATE:
        rc = check_domain_state(r, body, h.len, rec);
        break;
    case MIG_REC_MAPPINGS_RESET:
        rc = check_mappings_reset(r, (const void *)body, rec);
        break;
    default: /* MIG_REC_END; len_ok() knows no other type */
        rc = check_end(r, (const void *)body);
        break;
    }
    if (rc)
        return rc;
    r->seq++;
    return h.type == MIG_REC_END ? 0 : 1;
}
