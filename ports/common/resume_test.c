/* SPDX-License-Identifier: MIT */
/*
 * dom0's halves of the save-restore scenario (tests/scenarios/
 * save-restore.json, docs/migration.md).  Boot 1 (test=resume-save): a
 * 4 MiB role=resumer domU with an interdomain channel to dom0 and a grant
 * dom0 maps, saved to disk 0 and destroyed.  Boot 2 (test=resume-restore,
 * a fresh emulator on the same disk): `restore` of that image, BENCH
 * restore.4mib, then the guest's own checks; the verdict is dom0's, from
 * how the guest shuts down (it powers off only if every check passed).  A
 * byte flipped in the image must make the restore refuse with no domain
 * left behind.  Then a 64 MiB domU (role burner) is saved and restored in
 * the same boot for the big figures (BENCH save.64mib, restore.64mib).
 */
#include <port/blkdev.h>
#include <port/kernel.h>
#include <port/restore.h>
#include <port/resume.h>
#include <port/save.h>
#include <port/toolstack.h>

#define MS 1000000ull
#define BIG_PAGES 16384u /* 64 MiB */

static volatile int ready;

static void on_ready(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    set_flag(&ready);
}

void resume_save_test(unsigned module)
{
    long dom = ts_domain_new(RESUMER_PAGES, 0, 0);
    long port = dom < 0 ? dom : ts_offer_port(DOMID_SELF, (hestia_domid_t)dom);
    long r = port;
    if (r >= 0) {
        evtchn_set_handler((evtchn_port_t)port, on_ready, NULL);
        char args[64];
        ksnprintf(args, sizeof(args), "role=resumer peer=0 port=%ld", port);
        r = ts_domain_load((hestia_domid_t)dom, module, args);
    }
    if (r >= 0)
        r = ts_unpause((hestia_domid_t)dom);
    bool up = r >= 0 && wait_flag(&ready, 10000 * MS);
    test_report("resume-save.ready", up ? TR_PASS : TR_FAIL, "dom%ld, port %ld (%ld)", dom,
                port, r);
    if (!up)
        return;
    hestia_domid_t d = (hestia_domid_t)dom;
    /* dom0 maps the guest's grant: a mapping of a domain that will not move with it. */
    uintptr_t va = kva_alloc(1);
    grant_handle_t h;
    long m = gnttab_map(d, RESUMER_REF, va, 0, false, &h);
    bool mapped = m == 0 && *(volatile uint64_t *)va == RESUMER_MAGIC;
    test_report("resume-save.grant-mapped", mapped ? TR_PASS : TR_FAIL,
                "ref %u of dom%u (%ld)", RESUMER_REF, d, m);
    /*
     * Its threads and timers run; the half second also puts its time well
     * past where boot 2's host time will be at the restore, so a restore
     * that did not carry the guest's time over shows as a step back.
     */
    thread_sleep_ns(500 * MS);
    struct save_stats st;
    const char *why;
    r = save_domain(d, true, &st, &why);
    test_report("resume-save.saved", r == 0 ? TR_PASS : TR_FAIL,
                "%llu frames, %llu bytes in %llu us (read back and checked in %llu us)%s%s",
                (unsigned long long)st.pages, (unsigned long long)st.bytes,
                (unsigned long long)(st.write_ns / 1000),
                (unsigned long long)(st.verify_ns / 1000), r ? ": " : "", r ? why : "");
    if (r == 0) {
        bench_report("save.4mib", st.write_ns / 1000, "us");
        bench_report("save.4mib-disk", st.io_ns / 1000, "us");
        bench_report("save.4mib-verify", st.verify_ns / 1000, "us");
        bench_report("save.4mib-read", st.read_ns / 1000, "us");
        bench_report("save.4mib-frames", st.frames_ns / 1000, "us");
    }
    /* The frame dom0 mapped outlives the destroyed granter. */
    if (mapped) {
        bool kept = *(volatile uint64_t *)va == RESUMER_MAGIC;
        long u = gnttab_unmap(va, 0, h);
        test_report("resume-save.mapping-outlives", kept && u == 0 ? TR_PASS : TR_FAIL,
                    "frame %s after the destroy, unmap %ld", kept ? "intact" : "changed",
                    u);
    }
}

/* Flip one byte of the image: the restore must refuse it and leave no domain. */
static void corrupt_refused(void)
{
    struct save_image_header hdr;
    struct blkdev *b;
    static uint8_t sec[BLKDEV_SECTOR] __attribute__((aligned(512)));
    const char *why;
    if (save_image_check(NULL, NULL, &hdr, &why) < 0 || blkdev_open(0, &b) < 0) {
        test_report("restore.corrupt-refused", TR_FAIL, "no image to spoil");
        return;
    }
    uint64_t sector = 1 + hdr.stream_len * 3 / 4 / BLKDEV_SECTOR;
    blkdev_read(b, sector, sec, sizeof(sec));
    sec[200] ^= 0x08;
    blkdev_write(b, sector, sec, sizeof(sec));
    unsigned before = 0, after = 0;
    struct domctl_info info;
    for (hestia_domid_t id = 0; ts_getinfo(id, &info) >= 0; id = info.domid + 1)
        before++;
    struct restore_stats st;
    long r = restore_from_disk(&st, &why);
    for (hestia_domid_t id = 0; ts_getinfo(id, &info) >= 0; id = info.domid + 1)
        after++;
    sec[200] ^= 0x08;
    blkdev_write(b, sector, sec, sizeof(sec));
    test_report("restore.corrupt-refused", r < 0 && after == before ? TR_PASS : TR_FAIL,
                "one byte changed in sector %llu: %s; domains %u before, %u after",
                (unsigned long long)sector, r < 0 ? why : "accepted", before, after);
}

/* The 64 MiB figures: a running burner saved (destroyed), restored, still running. */
static void big_save_restore(unsigned module)
{
    long dom = ts_domain_new(BIG_PAGES, 0, 0);
    if (dom == -HESTIA_ENOMEM) {
        test_report("save-restore.64mib", TR_SKIP,
                    "the hypervisor has no 64 MiB free for a domU on this machine (%s)",
                    kstrerror(dom));
        return;
    }
    long r = dom < 0 ? dom : ts_domain_load((hestia_domid_t)dom, module, "role=burner");
    if (r >= 0)
        r = ts_unpause((hestia_domid_t)dom);
    if (r < 0) {
        test_report("save-restore.64mib", TR_FAIL, "cannot start a 64 MiB domU: %s",
                    kstrerror(r));
        return;
    }
    thread_sleep_ns(200 * MS);
    struct save_stats ss;
    const char *why = NULL;
    r = save_domain((hestia_domid_t)dom, true, &ss, &why);
    struct restore_stats rs = {.domid = DOMID_INVALID};
    if (r == 0)
        r = restore_from_disk(&rs, &why);
    struct domctl_info a, b;
    bool runs = false;
    if (r == 0 && ts_getinfo(rs.domid, &a) == 0) {
        thread_sleep_ns(100 * MS);
        runs = ts_getinfo(rs.domid, &b) == 0 && b.domid == rs.domid &&
               b.cpu_time_ns > a.cpu_time_ns;
    }
    test_report("save-restore.64mib", r == 0 && runs ? TR_PASS : TR_FAIL,
                "%llu frames: saved in %llu us (disk %llu us, read back %llu us), restored "
                "as dom%u in %llu us, %s%s%s",
                (unsigned long long)ss.pages, (unsigned long long)(ss.write_ns / 1000),
                (unsigned long long)(ss.io_ns / 1000),
                (unsigned long long)(ss.verify_ns / 1000), rs.domid,
                (unsigned long long)(rs.load_ns / 1000), runs ? "runs" : "does not run",
                r ? ": " : "", r ? why : "");
    if (r == 0) {
        bench_report("save.64mib", ss.write_ns / 1000, "us");
        bench_report("save.64mib-disk", ss.io_ns / 1000, "us");
        bench_report("save.64mib-verify", ss.verify_ns / 1000, "us");
        bench_report("restore.64mib", rs.load_ns / 1000, "us");
        bench_report("restore.64mib-disk", rs.io_ns / 1000, "us");
    }
    if (rs.domid != DOMID_INVALID)
        ts_destroy(rs.domid);
}

void resume_restore_test(unsigned module)
{
    struct restore_stats st;
    const char *why;
    long r = restore_from_disk(&st, &why);
    test_report("restore.loaded", r == 0 ? TR_PASS : TR_FAIL,
                "dom%u: %llu frames, %llu mappings (%llu foreign left behind), %llu vCPUs, "
                "%llu bytes in %llu us%s%s",
                st.domid, (unsigned long long)st.pages, (unsigned long long)st.mappings,
                (unsigned long long)st.foreign_dropped, (unsigned long long)st.vcpus,
                (unsigned long long)st.bytes, (unsigned long long)(st.load_ns / 1000),
                r ? ": " : "", r ? why : "");
    if (r)
        return;
    bench_report("restore.4mib", st.load_ns / 1000, "us");
    bench_report("restore.4mib-disk", st.io_ns / 1000, "us");
    bench_report("restore.4mib-read", st.read_ns / 1000, "us");
    bench_report("restore.4mib-create", st.create_ns / 1000, "us");
    bench_report("restore.4mib-memory", st.memory_ns / 1000, "us");
    bench_report("restore.4mib-state", st.state_ns / 1000, "us");
    long reason = ts_wait_shutdown(st.domid, 30000 * MS);
    test_report("restore.guest-checks", reason == SHUTDOWN_poweroff ? TR_PASS : TR_FAIL,
                "the restored guest %s (it powers off only if its memory, time, ports, "
                "grant and threads checked out)",
                reason < 0 ? "did not shut down" : ts_reason_name((unsigned)reason));
    ts_destroy(st.domid);
    corrupt_refused();
    big_save_restore(module);
}
