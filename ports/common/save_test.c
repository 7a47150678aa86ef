/* SPDX-License-Identifier: MIT */
/*
 * The save scenario (tests/scenarios/save.json, docs/migration.md): dom0
 * saves a running 4 MiB domU (the burner role: it counts into a page it
 * grants to dom0) to the virtio-blk disk with the save stream, reads the
 * image back through the stream reader and checks every frame and vCPU
 * record against the still-paused domain; a byte changed on the disk must
 * make the reader refuse the image; the domain runs on afterwards, and a
 * second save with destroy removes it only after its image was verified.
 * BENCH save.4mib-write (of which save.4mib-write-disk inside the block
 * calls) / save.4mib-verify in microseconds of guest time.
 */
#include <hestia/vcpu_state.h>
#include <port/blkdev.h>
#include <port/kernel.h>
#include <port/save.h>
#include <port/toolstack.h>

#define MS 1000000ull
#define SAVE_PAGES 1024u /* 4 MiB */

/* One record's frames as the domain has them: free frames taken when the test runs. */
static uint8_t *live;
static struct hestia_vcpu_state live_state;

struct compare {
    hestia_domid_t dom;
    uint64_t frames, vcpus, mappings;
    uint64_t zero_frames; /* of frames: sent as zero records */
};
static struct domctl_mapping live_maps[MIG_MAPPINGS_MAX];

/* Each accepted record against the paused domain as it is now. */
static int compare_record(void *ctx, const struct mig_record *rec)
{
    struct compare *c = ctx;
    if (rec->type == MIG_REC_MEMORY || rec->type == MIG_REC_ZERO) {
        struct hestia_domctl d = {0};
        d.u.read_memory.gfns = (uintptr_t)rec->gfns;
        d.u.read_memory.buf = (uintptr_t)live;
        d.u.read_memory.nr = rec->count;
        long r = ts_domctl(DOMCTL_read_memory, c->dom, &d);
        if (r < 0)
            return (int)r;
        size_t bytes = (size_t)rec->count * HESTIA_PAGE_SIZE;
        bool same = true;
        if (rec->frames)
            same = !__builtin_memcmp(live, rec->frames, bytes);
        else /* a zero record: every frame of the domain must be all zero */
            for (size_t i = 0; same && i < bytes; i++)
                same = !live[i];
        if (!same) {
            printk("save: a frame of gfns %llu.. differs from the domain\n",
                   (unsigned long long)rec->gfns[0]);
            return -HESTIA_EIO;
        }
        c->frames += rec->count;
        c->zero_frames += rec->frames ? 0 : rec->count;
    } else if (rec->type == MIG_REC_MAPPINGS) {
        struct hestia_domctl d = {0};
        d.u.get_mappings.buf = (uintptr_t)live_maps;
        d.u.get_mappings.start_va = rec->mappings[0].va;
        d.u.get_mappings.space = rec->space;
        d.u.get_mappings.max = rec->count;
        long r = ts_domctl(DOMCTL_get_mappings, c->dom, &d);
        if (r < 0)
            return (int)r;
        if (d.u.get_mappings.nr != rec->count ||
            __builtin_memcmp(live_maps, rec->mappings, rec->count * sizeof(live_maps[0]))) {
            printk("save: mappings of space %u from va 0x%llx differ from the domain\n",
                   rec->space, (unsigned long long)rec->mappings[0].va);
            return -HESTIA_EIO;
        }
        c->mappings += rec->count;
    } else if (rec->type == MIG_REC_VCPU) {
        long r = ts_vcpu_state_get(c->dom, rec->vcpu, &live_state);
        if (r < 0)
            return (int)r;
        if (__builtin_memcmp(&live_state, rec->vcpu_state, rec->vcpu_size)) {
            printk("save: vCPU %u's record differs from the domain\n", rec->vcpu);
            return -HESTIA_EIO;
        }
        c->vcpus++;
    }
    return 0;
}

static long read_mem(hestia_domid_t dom, uint64_t gfn, uint32_t nr)
{
    uint64_t gfns[2] = {gfn, gfn};
    struct hestia_domctl d = {0};
    d.u.read_memory.gfns = (uintptr_t)gfns;
    d.u.read_memory.buf = (uintptr_t)live;
    d.u.read_memory.nr = nr;
    return ts_domctl(DOMCTL_read_memory, dom, &d);
}

/* DOMCTL_read_memory's refusals from dom0 (the EPERM for a domU is in isolation). */
static void refusals(hestia_domid_t dom)
{
    long running = read_mem(dom, 0, 1);
    ts_pause(dom);
    long beyond = read_mem(dom, ~0ull, 1);
    long none = read_mem(dom, 0, 0);
    long self = read_mem(DOMID_SELF, 0, 1);
    long ok = read_mem(dom, 0, 1);
    ts_unpause(dom);
    bool pass = running == -HESTIA_EBUSY && beyond == -HESTIA_EINVAL &&
                none == -HESTIA_EINVAL && self == -HESTIA_EINVAL && ok == 0;
    test_report("save.refusals", pass ? TR_PASS : TR_FAIL,
                "running %ld, gfn beyond %ld, none %ld, itself %ld; paused and valid %ld",
                running, beyond, none, self, ok);
}

/* Flip one byte of the stream on the disk: the reader must refuse, in words. */
static void corrupt_refused(uint64_t stream_len)
{
    struct blkdev *b;
    static uint8_t sec[BLKDEV_SECTOR] __attribute__((aligned(512)));
    uint64_t sector = 1 + stream_len / 2 / BLKDEV_SECTOR;
    if (blkdev_open(0, &b) < 0 || blkdev_read(b, sector, sec, sizeof(sec)) < 0) {
        test_report("save.corrupt-refused", TR_FAIL, "cannot reach the disk");
        return;
    }
    sec[100] ^= 0x40;
    blkdev_write(b, sector, sec, sizeof(sec));
    struct save_image_header h;
    const char *why;
    long r = save_image_check(NULL, NULL, &h, &why);
    sec[100] ^= 0x40;
    blkdev_write(b, sector, sec, sizeof(sec));
    test_report("save.corrupt-refused", r < 0 ? TR_PASS : TR_FAIL,
                "one byte changed in sector %llu: %s", (unsigned long long)sector,
                r < 0 ? why : "accepted");
}

void save_test(unsigned module)
{
    long lg = live ? 0 : frames_alloc(MIG_MEM_BATCH_MAX);
    if (lg < 0) {
        test_report("save.create", TR_FAIL, "no %u free frames in dom0 (%ld)",
                    MIG_MEM_BATCH_MAX, lg);
        return;
    }
    if (!live)
        live = gfn_to_va((uint64_t)lg);
    long dom = ts_domain_new(SAVE_PAGES, 0, 0);
    long r = dom < 0 ? dom : ts_domain_load((hestia_domid_t)dom, module, "role=burner");
    if (r >= 0)
        r = ts_unpause((hestia_domid_t)dom);
    test_report("save.create", r >= 0 ? TR_PASS : TR_FAIL, "dom%ld, 4 MiB (%ld)", dom, r);
    if (r < 0)
        return;
    hestia_domid_t d = (hestia_domid_t)dom;
    thread_sleep_ns(50 * MS); /* let it run and fill its counter */
    refusals(d);

    struct save_stats st;
    const char *why;
    r = save_domain(d, false, &st, &why);
    test_report("save.write", r == 0 ? TR_PASS : TR_FAIL,
                "%llu frames, %llu vCPU records, %llu bytes: %s",
                (unsigned long long)st.pages, (unsigned long long)st.vcpus,
                (unsigned long long)st.bytes,
                r ? why : "written, flushed, read back and verified");
    if (r) {
        ts_destroy(d);
        return;
    }
    bench_report("save.4mib-write", st.write_ns / 1000, "us");
    bench_report("save.4mib-write-disk", st.io_ns / 1000, "us");
    bench_report("save.4mib-verify", st.verify_ns / 1000, "us");

    struct compare c = {.dom = d};
    struct save_image_header h;
    r = save_image_check(compare_record, &c, &h, &why);
    /* The burner's kernel space maps at least all of its memory. */
    bool all = c.frames == SAVE_PAGES && c.vcpus >= 1 && c.mappings >= SAVE_PAGES;
    test_report(
        "save.read-back", r == 0 && all ? TR_PASS : TR_FAIL,
        "%llu frames (%llu as zero records), %llu mappings and %llu vCPU records on "
        "disk identical to the paused domain%s%s",
        (unsigned long long)c.frames, (unsigned long long)c.zero_frames,
        (unsigned long long)c.mappings, (unsigned long long)c.vcpus, r ? ": " : "",
        r ? why : "");
    corrupt_refused(h.stream_len);

    /* The save left it paused; it must run on from where it was. */
    struct domctl_info before, after;
    ts_getinfo(d, &before);
    ts_unpause(d);
    thread_sleep_ns(50 * MS);
    r = ts_getinfo(d, &after);
    test_report(
        "save.runs-on",
        r >= 0 && after.cpu_time_ns > before.cpu_time_ns && after.state != DOMSTATE_shutdown
            ? TR_PASS
            : TR_FAIL,
        "CPU time %llu -> %llu us, state %s", (unsigned long long)before.cpu_time_ns / 1000,
        (unsigned long long)after.cpu_time_ns / 1000, ts_state_name(after.state));

    r = save_domain(d, true, &st, &why);
    struct domctl_info gone;
    long g = ts_getinfo(d, &gone);
    bool destroyed = g < 0 || gone.domid != d;
    test_report("save.destroy-after-verify", r == 0 && destroyed ? TR_PASS : TR_FAIL,
                "save %s; the domain %s", r ? why : "verified",
                destroyed ? "is gone" : "still exists");
    if (!destroyed)
        ts_destroy(d);
}
