/* SPDX-License-Identifier: MIT */
/*
 * dom0's restore (docs/migration.md): a stream from any byte source becomes
 * a domain again.  The stream reader checks each record before it is
 * applied; the domain is created for restore (paused, no vCPU started) and
 * runs only after the end record was checked, every load succeeded and the
 * caller's commit step agreed.  Any refusal destroys the half-built domain.
 */
#include <hestia/vcpu_state.h>
#include <port/kernel.h>
#include <port/restore.h>
#include <port/save.h>
#include <port/toolstack.h>

static struct domctl_mapping keep[MIG_MAPPINGS_MAX];

/* The domain a restore is building, between creation and the end. */
struct restore_ctx {
    hestia_domid_t domid;
    bool created;
    bool live; /* MIG_FLAG_LIVE: a frame may come again, zero after data */
    struct restore_stats *st;
    const char *why;
};

static long fail(struct restore_ctx *c, long r, const char *why)
{
    if (!c->why)
        c->why = why;
    return r < 0 ? r : -HESTIA_EINVAL;
}

static long create(struct restore_ctx *c, const struct mig_stream_header *h)
{
    struct hestia_domctl d = {0};
    d.u.create.nr_pages = h->nr_pages;
    d.u.create.max_vcpus = h->nr_vcpus;
    d.u.create.flags = DOMCTL_CREATE_RESTORE;
    long r = ts_domctl(DOMCTL_create, 0, &d);
    if (r < 0)
        return fail(c, r,
                    r == -HESTIA_ENOMEM ? "not enough memory for the domain"
                                        : "the hypervisor refused to create the domain "
                                          "(too many vCPUs or frames?)");
    c->domid = d.domid;
    c->created = true;
    c->live = h->flags & MIG_FLAG_LIVE;
    c->st->domid = d.domid;
    return 0;
}

static long load_memory(struct restore_ctx *c, const struct mig_record *rec)
{
    static const uint8_t zero_frame[HESTIA_PAGE_SIZE] __attribute__((aligned(64)));
    /* A zero record: a new domain's frames are zero (frame_alloc clears them) and, without
     * the live flag, each gfn comes once, so there is nothing to write. */
    if (!rec->frames && !c->live) {
        c->st->pages += rec->count;
        return 0;
    }
    for (uint32_t i = 0; i < rec->count; i++) {
        struct hestia_domctl d = {0};
        d.u.write_memory.buf =
            (uintptr_t)(rec->frames ? rec->frames + (size_t)i * HESTIA_PAGE_SIZE
                                    : zero_frame);
        d.u.write_memory.gfn = rec->gfns[i];
        d.u.write_memory.len = HESTIA_PAGE_SIZE;
        long r = ts_domctl(DOMCTL_write_memory, c->domid, &d);
        if (r < 0)
            return fail(c, r, "DOMCTL_write_memory refused a frame");
    }
    c->st->pages += rec->count;
    return 0;
}

/* Own frames and the shared info page are mapped again; foreign ones stayed behind. */
static long load_mappings(struct restore_ctx *c, const struct mig_record *rec)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < rec->count; i++) {
        if (rec->mappings[i].kind == MIG_MAPPING_FOREIGN) {
            c->st->foreign_dropped++;
            continue;
        }
        __builtin_memcpy(&keep[n++], &rec->mappings[i], sizeof(keep[0]));
    }
    if (n == 0)
        return 0;
    struct hestia_domctl d = {0};
    d.u.set_mappings.buf = (uintptr_t)keep;
    d.u.set_mappings.space = rec->space;
    d.u.set_mappings.nr = n;
    long r = ts_domctl(DOMCTL_set_mappings, c->domid, &d);
    if (r < 0)
        return fail(c, r, "DOMCTL_set_mappings refused an address space's mappings");
    c->st->mappings += n;
    return 0;
}

/* A live stream's mappings reset: what pre-copy mapped in the space goes (nr 0). */
static long reset_mappings(struct restore_ctx *c, const struct mig_record *rec)
{
    struct hestia_domctl d = {0};
    d.u.set_mappings.space = rec->space;
    long r = ts_domctl(DOMCTL_set_mappings, c->domid, &d);
    if (r < 0)
        return fail(c, r, "DOMCTL_set_mappings could not clear an address space");
    c->st->mapping_resets++;
    return 0;
}

static long load_vcpu(struct restore_ctx *c, const struct mig_record *rec)
{
    struct hestia_domctl d = {0};
    d.u.vcpu_state.vcpu = rec->vcpu;
    d.u.vcpu_state.size = rec->vcpu_size;
    d.u.vcpu_state.buf = (uintptr_t)rec->vcpu_state;
    long r = ts_domctl(DOMCTL_set_vcpu_state, c->domid, &d);
    if (r < 0)
        return fail(c, r,
                    "the hypervisor refused a vCPU state (registers that would "
                    "give the guest privilege, or of another CPU model)");
    c->st->vcpus++;
    return 0;
}

static long load_domain_state(struct restore_ctx *c, const struct mig_record *rec)
{
    struct hestia_domctl d = {0};
    d.u.domain_state.buf = (uintptr_t)rec->domain_state;
    d.u.domain_state.size = rec->len;
    long r = ts_domctl(DOMCTL_set_domain_state, c->domid, &d);
    if (r < 0)
        return fail(c, r,
                    "the hypervisor refused the domain state (ports, grant table, "
                    "timers or callbacks)");
    return 0;
}

/* Apply one record the reader accepted. */
static long apply(struct restore_ctx *c, const struct mig_record *rec)
{
    switch (rec->type) {
    case MIG_REC_HEADER:
        return create(c, rec->header);
    case MIG_REC_MEMORY:
    case MIG_REC_ZERO:
        return load_memory(c, rec);
    case MIG_REC_MAPPINGS:
        return load_mappings(c, rec);
    case MIG_REC_MAPPINGS_RESET:
        return reset_mappings(c, rec);
    case MIG_REC_VCPU:
        return load_vcpu(c, rec);
    case MIG_REC_DOMAIN: {
        long r = ts_sched_set(c->domid, rec->domain->weight, rec->domain->cap);
        return r < 0 ? fail(c, r, "the scheduler refused the domain's weight or cap") : 0;
    }
    case MIG_REC_DOMAIN_STATE:
        return load_domain_state(c, rec);
    default:
        return fail(c, -HESTIA_EINVAL, "a record this restore does not know");
    }
}

long restore_domain(struct mig_source src, restore_commit_fn commit, void *commit_ctx,
                    struct restore_stats *st, const char **why)
{
    return restore_domain_tap(src, commit, commit_ctx, NULL, st, why);
}

long restore_domain_tap(struct mig_source src, restore_commit_fn commit, void *commit_ctx,
                        restore_tap_fn tap, struct restore_stats *st, const char **why)
{
    __builtin_memset(st, 0, sizeof(*st));
    st->domid = DOMID_INVALID;
    struct restore_ctx c = {.st = st};
    uint64_t t0 = time_now_ns();
    struct mig_reader *reader =
        mig_reader_alloc(src, arch_vcpu_state_arch(), MIG_MAX_PAGES);
    if (!reader) {
        *why = "dom0 is out of memory for the stream reader";
        return -HESTIA_ENOMEM;
    }
    struct mig_record rec;
    long r;
    uint64_t t = t0;
    while ((r = mig_read_next(reader, &rec)) == 1) {
        uint64_t t1 = time_now_ns();
        st->read_ns += t1 - t;
        r = apply(&c, &rec);
        t = time_now_ns();
        *(rec.type == MIG_REC_HEADER                               ? &st->create_ns
          : rec.type == MIG_REC_MEMORY || rec.type == MIG_REC_ZERO ? &st->memory_ns
                                                                   : &st->state_ns) +=
            t - t1;
        if (r)
            break;
        if (tap) {
            tap(commit_ctx, &rec);
            t = time_now_ns(); /* the tap's copy is none of the restore's */
        }
    }
    if (r < 0 && !c.why)
        c.why = reader->error ? reader->error : "the stream could not be read";
    st->bytes = reader->bytes;
    st->stream_crc = reader->stream_crc;
    mig_reader_free(reader);
    uint64_t tc = time_now_ns();
    if (r == 0 && commit && (r = commit(commit_ctx, c.domid)) != 0)
        c.why = "the commit step refused the restored domain";
    st->commit_ns = time_now_ns() - tc;
    if (r == 0 && (r = ts_unpause(c.domid)) < 0)
        c.why = "cannot unpause the restored domain";
    if (r) {
        if (c.created)
            ts_destroy(c.domid); /* never ran: nothing of it survives */
        st->domid = DOMID_INVALID;
        *why = c.why;
        return r < 0 ? r : -HESTIA_EINVAL;
    }
    st->load_ns = time_now_ns() - t0;
    *why = NULL;
    return 0;
}

struct disk_commit_ctx {
    const struct restore_stats *st;
    const char *why;
};

static int disk_commit(void *ctx, hestia_domid_t domid)
{
    (void)domid;
    struct disk_commit_ctx *c = ctx;
    return (int)save_image_source_end(c->st->stream_crc, &c->why);
}

long restore_from_disk(struct restore_stats *st, const char **why)
{
    struct mig_source src;
    long r = save_image_source(&src, why);
    if (r) {
        __builtin_memset(st, 0, sizeof(*st));
        st->domid = DOMID_INVALID;
        return r;
    }
    struct disk_commit_ctx c = {.st = st};
    r = restore_domain(src, disk_commit, &c, st, why);
    st->io_ns = save_image_source_io_ns();
    if (r && c.why)
        *why = c.why;
    return r;
}
