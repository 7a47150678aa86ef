/* SPDX-License-Identifier: MIT */
/*
 * The restore parser (ports/common/migrate/stream_read.c): the input is a
 * save / restore stream, read record by record as dom0's `restore` does,
 * for an x86_64 domain of at most 256 frames.  Beyond the sanitizers, every
 * record handed out must be one a restore can apply blindly: memory batches
 * of 1..MIG_MEM_BATCH_MAX frames inside the body, gfns below the header's
 * nr_pages and (without the live flag) never repeated, vCPU ids below
 * nr_vcpus with a state of the stream's arch, mappings page aligned in
 * increasing order with own gfns below nr_pages; an accepted stream covered
 * every frame and vCPU 0; a refused one says why.
 *
 * Byte 0 is a mode: odd means the harness rewrites every record's sum to
 * match its body before parsing, so mutations get past the checksum and
 * reach the field checks (a fuzzer does not forge a 128-bit sum by itself); even
 * leaves the stream as it is, so the checksum check is fuzzed too.
 */
#include <hestia/abi.h>
#include <hestia/vcpu_state.h>
#include <port/migstream.h>
#include <string.h>

#include "fuzz_common.h"

#define MAX_PAGES 256u
/* seeds.py writes domain-state records of this size. */
_Static_assert(sizeof(struct hestia_domain_state) == 2376, "DOMAIN_STATE_SIZE in seeds.py");

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t seen[MAX_PAGES / 8];
    static uint8_t shadow[MAX_PAGES]; /* gfns handed out, counted here independently */
    static struct mig_reader r;
    if (size == 0)
        return 0;
    bool fix_sums = data[0] & 1;
    data++, size--;
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    for (size_t pos = 0; fix_sums && size - pos >= sizeof(struct mig_rec_hdr);) {
        struct mig_rec_hdr h;
        memcpy(&h, copy + pos, sizeof(h));
        if (h.len > size - pos - sizeof(h))
            break;
        mig_sum(copy + pos + sizeof(h), h.len, h.sum);
        memcpy(copy + pos, &h, sizeof(h));
        pos += sizeof(h) + h.len;
    }
    struct mig_membuf m = {copy, size, 0};
    mig_reader_init(&r, mig_membuf_source(&m), HESTIA_VCPU_ARCH_X86_64, MAX_PAGES, seen);
    memset(shadow, 0, sizeof(shadow));
    struct mig_record rec;
    uint64_t nr_pages = 0;
    uint32_t nr_vcpus = 0, flags = 0;
    bool vcpu0 = false, domain_state = false;
    bool has_maps[MIG_MAX_SPACES] = {false}; /* mappings since the space's last reset */
    int rc;
    while ((rc = mig_read_next(&r, &rec)) == 1) {
        FUZZ_ASSERT(rec.len <= MIG_BODY_MAX, "body of %u bytes", rec.len);
        switch (rec.type) {
        case MIG_REC_HEADER:
            nr_pages = rec.header->nr_pages;
            nr_vcpus = rec.header->nr_vcpus;
            flags = rec.header->flags;
            FUZZ_ASSERT(nr_pages >= 1 && nr_pages <= MAX_PAGES, "nr_pages %llu",
                        (unsigned long long)nr_pages);
            FUZZ_ASSERT(rec.header->arch == HESTIA_VCPU_ARCH_X86_64, "arch %u",
                        rec.header->arch);
            break;
        case MIG_REC_MEMORY:
        case MIG_REC_ZERO:
            FUZZ_ASSERT(rec.count >= 1 && rec.count <= MIG_MEM_BATCH_MAX, "count %u",
                        rec.count);
            FUZZ_ASSERT(rec.type == MIG_REC_ZERO
                            ? !rec.frames && (const uint8_t *)(rec.gfns + rec.count) ==
                                                 (const uint8_t *)rec.body + rec.len
                            : rec.frames + (size_t)rec.count * HESTIA_PAGE_SIZE ==
                                  (const uint8_t *)rec.body + rec.len,
                        "frames do not end with the body");
            for (uint32_t i = 0; i < rec.count; i++) {
                FUZZ_ASSERT(rec.gfns[i] < nr_pages, "gfn %llu of %llu",
                            (unsigned long long)rec.gfns[i], (unsigned long long)nr_pages);
                FUZZ_ASSERT((flags & MIG_FLAG_LIVE) || !shadow[rec.gfns[i]],
                            "gfn %llu again", (unsigned long long)rec.gfns[i]);
                shadow[rec.gfns[i]] = 1;
            }
            break;
        case MIG_REC_VCPU: {
            const struct hestia_vcpu_state_header *h = rec.vcpu_state;
            FUZZ_ASSERT(rec.vcpu < nr_vcpus, "vcpu %u of %u", rec.vcpu, nr_vcpus);
            FUZZ_ASSERT(rec.vcpu_size <= MIG_VCPU_STATE_MAX && h->size == rec.vcpu_size &&
                            h->arch == HESTIA_VCPU_ARCH_X86_64,
                        "vcpu state size %u arch %u", rec.vcpu_size, h->arch);
            vcpu0 |= rec.vcpu == 0;
            break;
        }
        case MIG_REC_MAPPINGS:
            FUZZ_ASSERT(rec.space < MIG_MAX_SPACES && rec.count >= 1 &&
                            rec.count <= MIG_MAPPINGS_MAX,
                        "space %u count %u", rec.space, rec.count);
            for (uint32_t i = 0; i < rec.count; i++) {
                const struct mig_mapping *m = &rec.mappings[i];
                FUZZ_ASSERT(m->va % HESTIA_PAGE_SIZE == 0 && (i == 0 || m->va > m[-1].va),
                            "va 0x%llx out of order", (unsigned long long)m->va);
                FUZZ_ASSERT(m->kind == MIG_MAPPING_OWN ? m->gfn < nr_pages
                                                       : m->gfn == ~0ull,
                            "gfn %llu kind %u", (unsigned long long)m->gfn, m->kind);
            }
            has_maps[rec.space] = true;
            break;
        case MIG_REC_MAPPINGS_RESET:
            FUZZ_ASSERT((flags & MIG_FLAG_LIVE) && rec.space < MIG_MAX_SPACES &&
                            has_maps[rec.space],
                        "reset of space %u (flags %u)", rec.space, flags);
            has_maps[rec.space] = false;
            break;
        case MIG_REC_DOMAIN:
            FUZZ_ASSERT(rec.domain->weight >= 1, "weight 0");
            break;
        case MIG_REC_DOMAIN_STATE: {
            const struct hestia_domain_state *s = rec.domain_state;
            const struct domain_state_port *p = (const void *)(s + 1);
            FUZZ_ASSERT(s->size == rec.len &&
                            rec.len == sizeof(*s) + s->nr_ports * sizeof(*p),
                        "domain state of %u bytes, %u ports", s->size, s->nr_ports);
            FUZZ_ASSERT(
                s->nr_vcpus == nr_vcpus && s->nr_grant_frames <= GRANT_MAX_TABLE_FRAMES,
                "domain state: %u vCPUs, %u grant frames", s->nr_vcpus, s->nr_grant_frames);
            for (uint32_t i = 0; i < s->nr_grant_frames; i++)
                FUZZ_ASSERT(s->grant_frames[i] < nr_pages, "grant gfn %llu",
                            (unsigned long long)s->grant_frames[i]);
            for (uint32_t i = 0; i < s->nr_ports; i++)
                FUZZ_ASSERT(p[i].port > (i ? p[i - 1].port : 0) &&
                                p[i].port < EVTCHN_MAX_PORTS && p[i].vcpu < nr_vcpus &&
                                p[i].state >= EVTCHNSTAT_unbound &&
                                p[i].state <= EVTCHNSTAT_ipi,
                            "port %u state %u vcpu %u", p[i].port, p[i].state, p[i].vcpu);
            domain_state = true;
            break;
        }
        default:
            FUZZ_ASSERT(0, "record type %u handed out", rec.type);
        }
    }
    if (rc == 0) {
        FUZZ_ASSERT(vcpu0, "accepted without vCPU 0");
        FUZZ_ASSERT(domain_state, "accepted without the domain state");
        for (uint64_t g = 0; g < nr_pages; g++)
            FUZZ_ASSERT(shadow[g], "accepted without gfn %llu", (unsigned long long)g);
        FUZZ_ASSERT(m.pos <= size, "read past the input");
    } else {
        FUZZ_ASSERT(rc < 0 && r.error && r.error[0], "refused (%d) without a reason", rc);
    }
    free(copy);
    return 0;
}
