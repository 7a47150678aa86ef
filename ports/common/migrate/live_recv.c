/* SPDX-License-Identifier: MIT */
/*
 * The receiving half of live migration (docs/migration.md): the stream
 * reader over a TCP source checks every record before it is applied; the
 * memory goes into an image of the domain; after the end record the
 * receiver answers ACK (or NAK with the reason) and waits for GO.
 */
#include <port/kernel.h>
#include <port/livemig.h>
#include <port/restore.h>
#include <port/toolstack.h>

#define SEC 1000000000ull
#define FAULT_PRECOPY_RECORDS 8 /* memory records read before the injected reset */
#define FAULT_PRECOPY_BYTES (FAULT_PRECOPY_RECORDS * 16u * 4096u)

/* Frame i of a memory or zero record (accepted by the reader) into dst. */
static void copy_frame(void *dst, const struct mig_record *rec, uint32_t i)
{
    if (rec->frames)
        __builtin_memcpy(dst, rec->frames + (size_t)i * HESTIA_PAGE_SIZE, HESTIA_PAGE_SIZE);
    else
        __builtin_memset(dst, 0, HESTIA_PAGE_SIZE);
}

/* Tell the source why (best effort: the link may be what failed). */
static void nak(struct tcpst *s, const char *why)
{
    char line[128];
    int n = ksnprintf(line, sizeof(line), "NAK %s\n", why);
    if (n > 0 && tcpst_write(s, line, (size_t)MIN((size_t)n, sizeof(line) - 1)) == 0)
        tcpst_flush(s);
    tcpst_close(s);
}

/* The largest domain this dom0 can hold an image of, in pages. */
static uint64_t room_pages(void)
{
    return MIG_LIVE_MAX_PAGES;
}

/* Wait up to accept_ns for the sender on port; reads then time out after 10 s. */
static long accept_sender(struct tcpst *s, uint16_t port, uint64_t accept_ns,
                          const char **why)
{
    s->timeout_ns = 10 * SEC;
    long r = tcpst_accept(s, port, accept_ns);
    if (r < 0)
        *why = s->why;
    else
        printk("receive: a sender connected\n");
    return r;
}

long migrate_receive(uint16_t port, uint64_t accept_ns, bool check_only,
                     enum mig_fault fault, struct mig_recv_stats *st, const char **why)
{
    static struct tcpst s;
    __builtin_memset(st, 0, sizeof(*st));
    long r = accept_sender(&s, port, accept_ns, why);
    if (r < 0)
        return r;
    struct mig_reader *reader =
        mig_reader_alloc(tcpst_source(&s), arch_vcpu_state_arch(), room_pages());
    if (!reader) {
        tcpst_abort(&s);
        *why = "dom0 is out of memory for the stream reader";
        return -HESTIA_ENOMEM;
    }
    long image = -1;
    uint64_t image_pages = 0;
    struct mig_record rec;
    uint64_t memory_records = 0;
    for (;;) {
        int n = mig_read_next(reader, &rec);
        if (n < 0) {
            r = n;
            *why = reader->error ? reader->error : s.why;
            break;
        }
        if (n == 0) {
            r = 0;
            break;
        }
        st->records++;
        if (rec.type == MIG_REC_HEADER) {
            image_pages = rec.header->nr_pages;
            image = frames_alloc((unsigned)image_pages);
            if (image < 0) {
                r = -HESTIA_ENOMEM;
                *why = "the destination is out of memory for this domain";
                break;
            }
            __builtin_memset(gfn_to_va((uint64_t)image), 0, image_pages * HESTIA_PAGE_SIZE);
        } else if (rec.type == MIG_REC_MEMORY || rec.type == MIG_REC_ZERO) {
            for (uint32_t i = 0; i < rec.count; i++)
                copy_frame((uint8_t *)gfn_to_va((uint64_t)image + rec.gfns[i]), &rec, i);
            st->pages += rec.count;
            if (fault == MIG_FAULT_PRECOPY && ++memory_records == FAULT_PRECOPY_RECORDS) {
                printk(
                    "receive: fault injection: resetting the connection during pre-copy\n");
                tcpst_abort(&s);
                r = -HESTIA_EIO;
                *why = "fault injected: connection reset during pre-copy";
                break;
            }
        }
    }
    st->bytes = reader->bytes;
    mig_reader_free(reader);
    st->nr_pages = image_pages;
    if (!r && image >= 0)
        st->image_crc =
            mig_crc32(0, gfn_to_va((uint64_t)image), image_pages * HESTIA_PAGE_SIZE);
    if (!r && fault == MIG_FAULT_END) {
        printk("receive: fault injection: the whole stream read, resetting without an "
               "answer\n");
        tcpst_abort(&s);
        r = -HESTIA_EIO;
        *why = "fault injected: connection reset after the last byte";
    } else if (!r && (fault == MIG_FAULT_NAK || !check_only)) {
        *why = fault == MIG_FAULT_NAK ? "fault injected: NAK after the last byte"
                                      : "this dom0 cannot restore a domain yet; the stream "
                                        "was checked and dropped";
        nak(&s, *why);
        r = -HESTIA_EIO;
    } else if (!r) {
        char line[64];
        ksnprintf(line, sizeof(line), "ACK %08x %llu\n", st->image_crc,
                  (unsigned long long)image_pages);
        r = tcpst_write(&s, line, kstrlen(line));
        if (!r)
            r = tcpst_flush(&s);
        st->acked = r == 0;
        if (!r) {
            r = tcpst_read_line(&s, line, sizeof(line));
            st->committed = r >= 0 && line[0] == 'G' && line[1] == 'O' && !line[2];
        }
        if (!st->committed) {
            *why = "no GO from the source: it keeps the domain, ours is dropped";
            r = r < 0 ? r : -HESTIA_EIO;
        } else {
            *why = "committed";
            r = 0;
        }
        tcpst_close(&s);
    } else {
        if (s.pcb)
            nak(&s, *why);
        else
            tcpst_abort(&s);
    }
    if (image >= 0)
        frames_free((uint64_t)image, (unsigned)image_pages);
    return r;
}

/* ---- with restore (h-restore's restore_domain) ---- */

struct recv_ctx {
    struct tcpst *s;
    enum mig_fault fault;
    bool verify;
    struct mig_recv_stats *st;
    const char *why;
    long shadow; /* verify: first dom0 frame of the copy of what arrived, or -1 */
    uint64_t shadow_pages;
};

/* The source, with the pre-copy fault injected: a reset after some bytes. */
static int faulty_read(void *ctx, void *buf, size_t len)
{
    struct recv_ctx *c = ctx;
    if (c->fault == MIG_FAULT_PRECOPY && c->s->received + len > FAULT_PRECOPY_BYTES) {
        printk("receive: fault injection: resetting the connection during pre-copy\n");
        tcpst_abort(c->s);
        c->why = "fault injected: connection reset during pre-copy";
        return -HESTIA_EIO;
    }
    return tcpst_read(c->s, buf, len);
}

/*
 * verify: every frame as it arrives, into a copy in dom0's memory (gfn
 * order; a later round's copy of a page replaces the earlier).  Its CRC is
 * computed after the domain runs, so the check costs the guest no pause.
 */
static void keep_frames(void *ctx, const struct mig_record *rec)
{
    struct recv_ctx *c = ctx;
    if (rec->type == MIG_REC_DOMAIN_STATE) {
        c->st->t_state = time_now_ns();
        c->st->state_time_ns = rec->domain_state->system_time_ns;
    }
    if (!c->verify)
        return;
    if (rec->type == MIG_REC_HEADER) {
        c->shadow_pages = rec->header->nr_pages;
        c->shadow = frames_alloc((unsigned)c->shadow_pages);
        if (c->shadow >= 0)
            __builtin_memset(gfn_to_va((uint64_t)c->shadow), 0,
                             c->shadow_pages * HESTIA_PAGE_SIZE);
    } else if ((rec->type == MIG_REC_MEMORY || rec->type == MIG_REC_ZERO) &&
               c->shadow >= 0) {
        for (uint32_t i = 0; i < rec->count; i++) /* gfns checked by the reader */
            copy_frame(gfn_to_va((uint64_t)c->shadow + rec->gfns[i]), rec, i);
    }
}

/* restore_domain's commit step: the domain is built and paused; ACK, then wait for GO. */
static int commit(void *ctx, hestia_domid_t domid)
{
    struct recv_ctx *c = ctx;
    c->st->t_commit = time_now_ns();
    struct domctl_info info;
    if (ts_getinfo(domid, &info) == 0)
        c->st->nr_pages = info.nr_pages;
    if (c->fault == MIG_FAULT_END) {
        printk("receive: fault injection: the whole stream read, resetting without an "
               "answer\n");
        tcpst_abort(c->s);
        c->why = "fault injected: connection reset after the last byte";
        return -HESTIA_EIO;
    }
    if (c->fault == MIG_FAULT_NAK) {
        c->why = "fault injected: NAK after the last byte";
        nak(c->s, c->why);
        return -HESTIA_EIO;
    }
    char line[64];
    ksnprintf(line, sizeof(line), "ACK %llu\n", (unsigned long long)c->st->nr_pages);
    long r = tcpst_write(c->s, line, kstrlen(line));
    if (!r)
        r = tcpst_flush(c->s);
    c->st->acked = r == 0;
    c->st->t_acked = time_now_ns();
    if (!r)
        r = tcpst_read_line(c->s, line, sizeof(line));
    c->st->t_go = time_now_ns();
    if (r >= 0 && line[0] == 'G' && line[1] == 'O' && !line[2]) {
        c->st->committed = true;
        return 0;
    }
    c->why = "no GO from the source: it keeps the domain, ours is destroyed";
    return -HESTIA_EIO;
}

long migrate_receive_restore(uint16_t port, uint64_t accept_ns, bool verify,
                             enum mig_fault fault, struct mig_recv_stats *st,
                             hestia_domid_t *domid, const char **why)
{
    static struct tcpst s;
    __builtin_memset(st, 0, sizeof(*st));
    st->shadow = -1;
    *domid = DOMID_INVALID;
    long r = accept_sender(&s, port, accept_ns, why);
    if (r < 0)
        return r;
    struct recv_ctx c = {.s = &s, .fault = fault, .verify = verify, .st = st, .shadow = -1};
    struct mig_source src = {.read = faulty_read, .ctx = &c};
    struct restore_stats rs;
    const char *rwhy = NULL;
    r = restore_domain_tap(src, commit, &c, keep_frames, &rs, &rwhy);
    st->t_resumed = time_now_ns();
    if (r == 0)
        printk("receive: dom%u resumed\n", rs.domid);
    if (c.shadow >= 0 && r == 0) {
        st->shadow = c.shadow; /* migrate_receive_verify() checks it later */
        st->shadow_pages = c.shadow_pages;
    } else if (c.shadow >= 0) {
        frames_free((uint64_t)c.shadow, (unsigned)c.shadow_pages);
    }
    st->bytes = rs.bytes;
    st->pages = rs.pages;
    st->records = rs.pages + rs.vcpus + rs.mappings;
    if (r) {
        *why = c.why ? c.why : rwhy ? rwhy : s.why;
        if (s.pcb && fault == MIG_FAULT_NONE && !st->acked)
            nak(&s, *why);
        else
            tcpst_abort(&s);
        return r;
    }
    *domid = rs.domid;
    *why = "committed; the domain runs here";
    tcpst_close(&s);
    return 0;
}

void migrate_receive_verify(struct mig_recv_stats *st)
{
    if (st->shadow < 0)
        return;
    uint64_t t0 = time_now_ns();
    st->image_crc =
        mig_crc32(0, gfn_to_va((uint64_t)st->shadow), st->shadow_pages * HESTIA_PAGE_SIZE);
    st->verify_ns = time_now_ns() - t0;
    frames_free((uint64_t)st->shadow, (unsigned)st->shadow_pages);
    st->shadow = -1;
}
