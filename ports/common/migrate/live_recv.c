/* SPDX-License-Identifier: MIT */
/*
 * The receiving half of live migration (docs/migration.md): the stream
 * reader over a TCP source checks every record before it is applied; the
 * memory goes into an image of the domain; after the end record the
 * receiver answers ACK (or NAK with the reason) and waits for GO.
 */
#include <port/kernel.h>
#include <port/livemig.h>
#include <port/toolstack.h>

#define SEC 1000000000ull
#define FAULT_PRECOPY_RECORDS 8 /* memory records read before the injected reset */

static struct mig_reader reader;
static uint8_t seen[MIG_MAX_PAGES / 8];

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
    return MIG_MAX_PAGES;
}

long migrate_receive(uint16_t port, uint64_t accept_ns, bool check_only,
                     enum mig_fault fault, struct mig_recv_stats *st, const char **why)
{
    static struct tcpst s;
    __builtin_memset(st, 0, sizeof(*st));
    s.timeout_ns = 10 * SEC;
    long r = tcpst_accept(&s, port, accept_ns);
    if (r < 0) {
        *why = s.why;
        return r;
    }
    printk("receive: a sender connected\n");
    mig_reader_init(&reader, tcpst_source(&s), arch_vcpu_state_arch(), room_pages(), seen);
    long image = -1;
    uint64_t image_pages = 0;
    struct mig_record rec;
    uint64_t memory_records = 0;
    for (;;) {
        int n = mig_read_next(&reader, &rec);
        if (n < 0) {
            r = n;
            *why = reader.error ? reader.error : s.why;
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
        } else if (rec.type == MIG_REC_MEMORY) {
            for (uint32_t i = 0; i < rec.count; i++)
                __builtin_memcpy((uint8_t *)gfn_to_va((uint64_t)image + rec.gfns[i]),
                                 rec.frames + (size_t)i * HESTIA_PAGE_SIZE,
                                 HESTIA_PAGE_SIZE);
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
    st->bytes = reader.bytes;
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
